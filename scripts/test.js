#!/usr/bin/env node
'use strict';
// The one test command (npm test): C++ engine tests through CTest, then the JS tests with
// node:test, then the TypeScript declaration check. Exits non-zero if any part fails.
//   --js-only / --cpp-only to run one part.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');

const root = path.join(__dirname, '..');
const jobs = String(Math.max(1, os.cpus().length));
const only = (flag) => process.argv.includes(flag);
const failures = [];

function run(label, cmd, args, opts = {}) {
  console.log(`\n== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) failures.push(`${label} (exit ${r.status}${r.signal ? ' ' + r.signal : ''})`);
  return r.status === 0;
}

if (!only('--js-only')) {
  const dir = path.join(root, 'build-tests');
  const ok = run('configure C++ tests', 'cmake', ['-S', '.', '-B', dir, '-G', 'Ninja',
    '-DMLXJS_BUILD_TESTS=ON', '-DMLXJS_BUILD_ADDON=OFF', '-DCMAKE_BUILD_TYPE=Release'])
    && run('build C++ tests', 'cmake', ['--build', dir, '--parallel', jobs])
    && run('C++ tests (ctest)', 'ctest', ['--test-dir', dir, '--output-on-failure', '-j', jobs]);
  if (!ok) console.error('C++ tests failed');
}

if (!only('--cpp-only')) {
  // The addon the JS tests load must match the sources (a no-op when it is up to date).
  run('build addon', process.execPath, [path.join(__dirname, 'build.js')]);
  const files = fs.readdirSync(path.join(root, 'tests', 'js'))
    .filter((f) => f.endsWith('.test.js') || f.endsWith('.test.mjs'))
    .sort().map((f) => path.join('tests', 'js', f));
  run('JS tests (node:test)', process.execPath, ['--expose-gc', '--test', '--test-concurrency=1', ...files]);
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (fs.existsSync(path.join(root, 'tests', 'types', 'tsconfig.json')) && fs.existsSync(tsc)) {
    run('TypeScript declarations', process.execPath, [tsc, '-p', 'tests/types', '--noEmit']);
  }
}

if (failures.length) {
  console.error(`\nFAILED: ${failures.join(', ')}`);
  process.exit(1);
}
console.log('\nAll test suites passed.');
