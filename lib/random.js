'use strict';
// mx.random: MLX's keys (uint32 pairs, threefry2x32), the global key state and the
// distributions, bound through lib/args.js ('random.<name>' entries). Engine: src/mlx/random.cpp.

// The names this file defines, qualified ('random.normal'); lib/implemented.js lists them.
const NAMES = [];

function install(mx) {}

module.exports = { NAMES, install };
