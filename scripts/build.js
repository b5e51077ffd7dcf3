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
const args = [cmakeJs, 'build', '--out', 'build', '--parallel', jobs];
if (debug) args.push('--debug');
if (tests) args.push('--CDMLXJS_BUILD_TESTS=ON');
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  console.error('\nmlxjs: native build failed. On Debian, install the build dependencies with\n' +
                '  sudo scripts/bootstrap.sh\nthen run npm install again.');
  process.exit(r.status || 1);
}
