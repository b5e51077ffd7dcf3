'use strict';
// File I/O (the `io` group): save/load of .npy, .npz, .safetensors and .gguf, bound through
// lib/args.js. Engine: src/mlx/io/*.cpp.

// The names this file defines (lib/implemented.js lists them for the .d.ts).
const NAMES = [];

function install(mx) {}

module.exports = { NAMES, install };
