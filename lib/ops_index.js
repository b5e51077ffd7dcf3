'use strict';
// Indexing ops: slice, slice_update, take, take_along_axis, put_along_axis, gather/scatter, diagonal, diag
// Bound through lib/args.js; the engine side is src/mlx/ops_index.cpp. The addon is loaded only
// in install(), so lib/implemented.js (read by tools/gen_dts.js) can list NAMES without a build.

// The names this file defines (lib/implemented.js lists them for the .d.ts).
const NAMES = [];
// mx.array methods this file defines.
const METHODS = [];

function install(mx) {}

function installMethods(proto, mx) {}

module.exports = { NAMES, METHODS, install, installMethods };
