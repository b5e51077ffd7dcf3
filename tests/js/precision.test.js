'use strict';
// Runs the precision harness (examples/dtype_precision.js) in a child process: float16 /
// bfloat16 / integer conversions bit for bit against F16C, AVX512-BF16 (where present) and
// independent references. The harness exits non-zero on any mismatch.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..', '..');

test('dtype precision harness passes bit for bit', { timeout: 300_000 }, () => {
  const r = spawnSync(process.execPath, [path.join(root, 'examples', 'dtype_precision.js')], {
    cwd: root, encoding: 'utf8', timeout: 280_000, maxBuffer: 16 << 20,
  });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.signal, null, `killed by ${r.signal}\n${out}`);
  assert.equal(r.status, 0, out);
  const summary = out.match(/^dtype_precision: PASS: (\d+) checks, ([\d,]+) comparisons, 0 mismatches/m);
  assert.ok(summary, `no PASS summary line\n${out}`);
  assert.ok(Number(summary[1]) >= 15, out);
  assert.ok(Number(summary[2].replace(/,/g, '')) >= 3e7, out);
  // At least 10^7 float32 inputs went through both conversions.
  const converted = out.match(/^float32 inputs converted: ([\d,]+)/m);
  assert.ok(converted && Number(converted[1].replace(/,/g, '')) >= 1e7, out);
  // The harness says which bfloat16 oracle it used.
  assert.match(out, /AVX512-BF16 (is absent on this CPU|present)/);
  assert.match(out, /float32 -> float16 \(contiguous\)\s+(F16C vcvtps2ph|double-arithmetic reference)/);
});
