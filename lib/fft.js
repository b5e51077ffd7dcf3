'use strict';
// mx.fft, bound through lib/args.js ('fft.<name>' entries). Engine: src/mlx/fft.cpp.

// The names this file defines, qualified ('fft.<name>'); lib/implemented.js lists them.
const NAMES = [];

function install(mx) {}

module.exports = { NAMES, install };
