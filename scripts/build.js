#!/usr/bin/env node
'use strict';
// Builds the native addon with cmake-js (Node-API headers from the node-api-headers
// package: nothing is downloaded). Usage: node scripts/build.js [--debug] [--tests]
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const os = require('node:os');

const root = path.join(__dirname, '..');
const debug = process.argv.includes('--debug');
const tests = process.argv.includes('--tests');
const jobs = String(Math.max(1, os.cpus().length));
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const common = ['--out', 'build'];
if (debug) common.push('--debug');
const nodeInclude = v8Headers();
// Always passed ('none' when unused) so a value cached by an earlier configure is replaced.
common.push(`--CDMLXJS_NODE_INCLUDE=${nodeInclude || 'none'}`);
if (tests) common.push('--CDMLXJS_BUILD_TESTS=ON');
// The running Node's own headers, when they match it and V8 is built without pointer
// compression or sandbox (the layouts a plain build of v8.h assumes).
function v8Headers() {
  const fs = require('node:fs');
  if (process.env.MLXJS_NODE_API_ONLY) return null;
  const dir = path.join(path.dirname(process.execPath), '..', 'include', 'node');
  try {
    if (!fs.existsSync(path.join(dir, 'v8.h'))) return null;
    const cfg = fs.readFileSync(path.join(dir, 'config.gypi'), 'utf8');
    const flag = (k) => (cfg.match(new RegExp(`'${k}': (\\d+)`)) || [])[1];
    if (flag('v8_enable_pointer_compression') !== '0' || flag('v8_enable_sandbox') === '1') return null;
    const ver = fs.readFileSync(path.join(dir, 'node_version.h'), 'utf8');
    const num = (k) => (ver.match(new RegExp(`#define ${k} (\\d+)`)) || [])[1];
    const headers = `${num('NODE_MAJOR_VERSION')}.${num('NODE_MINOR_VERSION')}.${num('NODE_PATCH_VERSION')}`;
    if (`v${headers}` !== process.version) return null;
    return path.resolve(dir);
  } catch (e) {
    return null;
  }
}

// configure every time (a few seconds) so changed options apply, then build.
let r = spawnSync(process.execPath, [cmakeJs, 'configure', ...common], { cwd: root, stdio: 'inherit' });
if (r.status === 0) {
  r = spawnSync(process.execPath, [cmakeJs, 'build', ...common, '--parallel', jobs], { cwd: root, stdio: 'inherit' });
}
if (r.status !== 0) {
  console.error('\nmlxjs: native build failed. On Debian, install the build dependencies with\n' +
                '  sudo scripts/bootstrap.sh\nthen run npm install again.');
  process.exit(r.status || 1);
}
