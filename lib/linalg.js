'use strict';
// mx.linalg, bound through lib/args.js ('linalg.<name>' entries). Engine: src/mlx/linalg.cpp.

// The names this file defines, qualified ('linalg.<name>'); lib/implemented.js lists them.
const NAMES = [];

function install(mx) {}

module.exports = { NAMES, install };
