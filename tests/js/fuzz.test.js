'use strict';
// The libFuzzer targets of the file parsers (fuzz/README.md): built with clang (under the build
// lock), every seed file loads, the committed reproducers replay cleanly, and each target
// fuzzes for 20 s with AddressSanitizer and UndefinedBehaviorSanitizer without a crash, leak
// of the error contract ([load] errors only) or an allocation above 512 MiB.
// Needs clang and libclang-rt-14-dev (scripts/bootstrap.sh installs them); in CI their absence
// is a failure, elsewhere the tests say so and skip.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..', '..');
const run = path.join(root, 'fuzz', 'run.js');
const bin = (t) => path.join(root, 'build-fuzz', 'fuzz', `fuzz_${t}`);
const TARGETS = ['npy', 'npz', 'safetensors', 'gguf'];
const SECONDS = 20;

const clang = spawnSync('clang++', ['--version'], { encoding: 'utf8' });
const haveClang = clang.status === 0;
const skip = haveClang ? false : 'clang++ not found: scripts/bootstrap.sh installs clang and libclang-rt-14-dev';
if (!haveClang && process.env.CI) {
  test('fuzz: clang is installed in CI', () => assert.fail(skip));
}

let summary = null;
test('fuzz: the targets build, every seed loads, reproducers replay, and each target fuzzes without a crash',
  { skip: !process.env.CI && skip, timeout: 20 * 60 * 1000 }, () => {
    const json = path.join(os.tmpdir(), `mlxjs-fuzz-${process.pid}.json`);
    const r = spawnSync(process.execPath, [run, '--seconds', String(SECONDS), '--jobs', '2', '--json', json],
      { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
    const out = (r.stdout || '') + (r.stderr || '');
    assert.equal(r.status, 0, `fuzz/run.js failed:\n${out.slice(-8000)}`);
    summary = JSON.parse(fs.readFileSync(json, 'utf8'));
    fs.rmSync(json, { force: true });
    assert.equal(summary.ok, true);
    for (const t of TARGETS) {
      const s = summary.targets[t];
      assert.ok(s, `no result for fuzz_${t}`);
      assert.equal(s.exit, 0, `fuzz_${t} exit ${s.exit}`);
      assert.ok(s.seeds >= 5, `fuzz_${t}: ${s.seeds} seeds`);
      // It really ran: time-limited, many inputs, coverage beyond the magic-number checks.
      assert.ok(s.seconds >= SECONDS - 1, `fuzz_${t} ran ${s.seconds} s`);
      assert.ok(s.execs >= 1000, `fuzz_${t} ran only ${s.execs} inputs`);
      assert.ok(s.cov >= 100, `fuzz_${t} covered only ${s.cov} edges`);
    }
    console.log(`fuzz: ${TARGETS.map((t) => `${t} ${summary.targets[t].execs} inputs (${summary.targets[t].exec_per_s}/s, cov ${summary.targets[t].cov})`).join(', ')}`);
  });

test('fuzz: the harness reports failures (a file that does not load, in strict mode; not a file in normal mode)',
  { skip: !process.env.CI && skip }, () => {
    assert.ok(summary, 'needs the build of the test above');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlxjs-fuzz-'));
    try {
      const bad = path.join(dir, 'bad');
      fs.writeFileSync(bad, Buffer.from('\x93NUMPY\x01\x00\x10\x00{"descr": "<f4"}', 'latin1'));
      for (const t of TARGETS) {
        // Normal mode: a bad file is an ordinary [load] error and the input passes.
        const ok = spawnSync(bin(t), [bad], { encoding: 'utf8' });
        assert.equal(ok.status, 0, `fuzz_${t} on a bad file:\n${ok.stderr}`);
        // Strict mode (used for the seeds): the same file is a crash, with the loader's message.
        const strict = spawnSync(bin(t), [bad], { encoding: 'utf8', env: { ...process.env, MLXJS_FUZZ_STRICT: '1' } });
        assert.notEqual(strict.status, 0, `fuzz_${t} accepted a bad file in strict mode`);
        assert.match(strict.stderr, /strict: the input failed to load: \[load\] /);
        assert.match(strict.stderr, /deadly signal/);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
