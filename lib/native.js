'use strict';
// Loads the compiled addon (build/Release/mlxjs.node, or build/Debug with MLXJS_DEBUG=1).
const path = require('node:path');
const fs = require('node:fs');

const root = path.join(__dirname, '..');
const candidates = process.env.MLXJS_DEBUG
  ? ['build/Debug/mlxjs.node', 'build/Release/mlxjs.node']
  : ['build/Release/mlxjs.node', 'build/Debug/mlxjs.node'];

// Before OpenBLAS loads with the addon: let it use the kernels this CPU can run.
require('./blas_env').applyCoretype();
// OpenBLAS reads its thread timeout when it loads; the variable is removed again afterwards so
// that it does not reach the user's child processes.
const setTimeoutVar = require('./blas_env').applyThreadTimeout();

let native = null;
for (const rel of candidates) {
  const file = path.join(root, rel);
  if (fs.existsSync(file)) {
    native = require(file);
    break;
  }
}
if (setTimeoutVar) delete process.env.OPENBLAS_THREAD_TIMEOUT;
if (!native) {
  throw new Error('mlxjs: the native addon is not built. Run `npm install` (or `npm run build`) in ' + root);
}
module.exports = native;
