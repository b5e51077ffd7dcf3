'use strict';
// Process and thread lifecycle: each scenario runs in a fresh child process with a timeout,
// so a hang, an abort or a crash shows up as a failed test instead of taking the runner down.
//   - many concurrent first calls (async_eval) right after require
//   - worker_threads requiring mlxjs and computing at once, exiting cleanly (or terminated)
//   - exiting (process.exit, or the natural end) with work in flight
//   - memory: temporaries without dispose() stay bounded; dispose() frees at once
//   - evaluation errors reject the async_eval promise instead of crashing
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..', '..');
const LIB = path.join(root, 'lib', 'index.js');
const NATIVE = path.join(root, 'lib', 'native.js');

// Runs `code` in `node --expose-gc -e`; the child reports with `report({...})`, which prints
// one RESULT line of JSON.
function child(code, { timeout = 60_000, env = {} } = {}) {
  const prelude = `'use strict';
const LIB = ${JSON.stringify(LIB)};
const NATIVE = ${JSON.stringify(NATIVE)};
function report(obj) { process.stdout.write('RESULT ' + JSON.stringify(obj) + '\\n'); }
`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', prelude + code], {
    cwd: root, encoding: 'utf8', timeout, maxBuffer: 16 << 20, env: { ...process.env, ...env },
  });
  const ms = Date.now() - t0;
  const out = `${r.stdout || ''}\n${r.stderr || ''}`;
  const lines = (r.stdout || '').split('\n').filter((l) => l.startsWith('RESULT '));
  const results = lines.map((l) => JSON.parse(l.slice(7)));
  return { status: r.status, signal: r.signal, ms, out, results, result: results[results.length - 1], stdout: r.stdout || '' };
}

function assertClean(r, status = 0) {
  assert.equal(r.signal, null, `child killed by ${r.signal} after ${r.ms} ms (hang or crash)\n${r.out}`);
  assert.equal(r.status, status, `child exit status ${r.status}\n${r.out}`);
}

// ---- first calls -------------------------------------------------------------------------------

test('200 concurrent async_eval calls right after require all resolve correctly', { timeout: 90_000 }, () => {
  const r = child(`
const mx = require(LIB).core;
const native = require(NATIVE);
(async () => {
  // Every caller starts before any has run: first use of the default stream, of new
  // streams, of the thread pool and of the async machinery all race.
  const jobs = [];
  for (let i = 0; i < 200; i++) {
    jobs.push((async () => {
      await null;
      const s = i % 4 === 0 ? mx.new_stream(mx.cpu) : undefined;
      const a = mx.add(mx.array([i, i + 1, i + 2]), mx.array(1), s ? { stream: s } : {});
      const b = mx.multiply(a, 2);
      const settled = await mx.async_eval(b);
      return { i, settled, v: b.tolist() };
    })());
  }
  const res = await Promise.all(jobs);
  let wrong = 0;
  for (const { i, settled, v } of res) {
    if (settled !== undefined) wrong++;
    if (v[0] !== 2 * (i + 1) || v[1] !== 2 * (i + 2) || v[2] !== 2 * (i + 3)) wrong++;
  }
  // One engine, one default stream, one pool, whatever raced above.
  const info = native.cpu_info();
  report({ n: res.length, wrong, isa: info.isa, threads: info.threads, dflt: mx.default_stream(mx.cpu).index });
})().catch((e) => { console.error(e); process.exit(2); });
`);
  assertClean(r);
  assert.deepEqual({ n: r.result.n, wrong: r.result.wrong }, { n: 200, wrong: 0 });
  assert.equal(r.result.dflt, 0);
  assert.ok(r.result.threads >= 1);
});

test('concurrent first calls mixing eval, async_eval and a sync loop', { timeout: 90_000 }, () => {
  const r = child(`
const mx = require(LIB).core;
const results = [];
const ps = [];
for (let i = 0; i < 50; i++) {
  const x = mx.arange(i, i + 1000);
  ps.push(mx.async_eval(x).then(() => results.push(x.tolist()[999] === i + 999)));
  const y = mx.add(x, 1);
  mx.eval(y);                      // synchronous eval interleaved with pending async work
  results.push(y.tolist()[0] === i + 1);
}
Promise.all(ps).then(() => report({ n: results.length, ok: results.every(Boolean) }));
`);
  assertClean(r);
  assert.deepEqual(r.result, { n: 100, ok: true });
});

// ---- worker threads ------------------------------------------------------------------------------

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const mx = require(workerData.lib).core;
(async () => {
  const k = workerData.k;
  const a = mx.astype(mx.reshape(mx.arange(16), [4, 4]), mx.float32);
  const rows = mx.add(mx.matmul(a, mx.ones([4, 1])), k);      // row sums 6, 22, 38, 54 (+ k)
  await mx.async_eval(rows);
  let acc = mx.zeros([256]);
  for (let i = 0; i < 2000; i++) acc = mx.add(acc, 1);        // graphs and GC in the worker
  mx.eval(acc);
  const big = mx.matmul(mx.ones([256, 256]), mx.ones([256, 256]));
  await mx.async_eval(big);
  parentPort.postMessage({ k, rows: rows.tolist().map((r) => r[0]), acc: acc.tolist()[255], big: big.tolist()[7][9] });
})();
`;

test('4 worker threads require mlxjs and compute at once, then exit cleanly', { timeout: 90_000 }, () => {
  const r = child(`
const { Worker } = require('node:worker_threads');
const mx = require(LIB).core;
const code = ${JSON.stringify(WORKER)};
const runs = [];
for (let k = 0; k < 4; k++) {
  const w = new Worker(code, { eval: true, workerData: { lib: LIB, k } });
  runs.push(new Promise((resolve, reject) => {
    let msg = null;
    w.on('message', (m) => { msg = m; });
    w.on('error', reject);
    w.on('exit', (code) => resolve({ code, msg }));
  }));
}
// The main thread computes meanwhile.
let m = mx.zeros([64, 64]);
for (let i = 0; i < 200; i++) m = mx.add(m, mx.ones([64, 64]));
const mainValue = m.tolist()[3][3];
Promise.all(runs).then((res) => report({ mainValue, res }));
`);
  assertClean(r);
  assert.equal(r.result.mainValue, 200);
  assert.equal(r.result.res.length, 4);
  for (const { code, msg } of r.result.res) {
    assert.equal(code, 0);
    assert.ok(msg, 'worker posted no result');
    assert.deepEqual(msg.rows, [6, 22, 38, 54].map((v) => v + msg.k));
    assert.equal(msg.acc, 2000);
    assert.equal(msg.big, 256);
  }
});

test('workers terminated with async work in flight; the process still exits cleanly', { timeout: 90_000 }, () => {
  const r = child(`
const { Worker } = require('node:worker_threads');
const code = \`
const { parentPort, workerData } = require('node:worker_threads');
const mx = require(workerData.lib).core;
let m = mx.ones([1024, 1024]);
for (let i = 0; i < 30; i++) m = mx.matmul(m, mx.multiply(m, 1e-3));
mx.async_eval(m).then(() => parentPort.postMessage('done'));
parentPort.postMessage('started');
\`;
const ws = [];
for (let k = 0; k < 3; k++) ws.push(new Worker(code, { eval: true, workerData: { lib: LIB } }));
Promise.all(ws.map((w) => new Promise((res) => w.once('message', res)))).then(async () => {
  const codes = await Promise.all(ws.map((w) => w.terminate()));
  const mx = require(LIB).core;                      // the main thread still works afterwards
  const v = mx.add(mx.array([1, 2]), 1).tolist();
  report({ codes, v });
});
`);
  assertClean(r);
  assert.deepEqual(r.result.v, [2, 3]);
  assert.equal(r.result.codes.length, 3);
});

// ---- exit with work in flight ---------------------------------------------------------------------

const BIG = `
const mx = require(LIB).core;
let m = mx.ones([2048, 2048]);
for (let i = 0; i < 40; i++) m = mx.matmul(m, mx.multiply(m, 1e-4));
`;

test('process.exit while async_eval runs a big graph: exits at once, status 0, no signal', { timeout: 60_000 }, () => {
  const r = child(`${BIG}
mx.async_eval(m).then(() => console.log('resolved'));
setTimeout(() => { console.log('exiting'); process.exit(0); }, 300);
`, { timeout: 30_000 });
  assertClean(r);
  assert.match(r.stdout, /exiting/);
  assert.ok(r.ms < 8000, `took ${r.ms} ms to exit`);
});

test('process.exit(7) with work in flight keeps its exit code', { timeout: 60_000 }, () => {
  const r = child(`${BIG}
mx.async_eval(m);
setTimeout(() => process.exit(7), 200);
`, { timeout: 30_000 });
  assertClean(r, 7);
  assert.ok(r.ms < 8000, `took ${r.ms} ms to exit`);
});

test('process.exit from inside a settled promise while other work is queued', { timeout: 60_000 }, () => {
  const r = child(`${BIG}
const small = mx.add(mx.array([1]), 1);
mx.async_eval(m);                             // queued first on the same stream: still running
const s = mx.new_stream(mx.cpu);
const other = mx.add(mx.array([1]), 2, { stream: s });
mx.async_eval(other).then(() => { console.log('other', other.item()); process.exit(0); });
`, { timeout: 30_000 });
  assertClean(r);
  assert.match(r.stdout, /other 3/);
  assert.ok(r.ms < 8000, `took ${r.ms} ms to exit`);
});

test('natural end with a pending async_eval promise waits for it, then exits 0', { timeout: 60_000 }, () => {
  const r = child(`
const mx = require(LIB).core;
let m = mx.ones([2048, 2048]);
for (let i = 0; i < 3; i++) m = mx.matmul(m, mx.multiply(m, 1e-3));
mx.async_eval(m).then(() => console.log('resolved', m.shape.join('x')));
`, { timeout: 45_000 });
  assertClean(r);
  assert.match(r.stdout, /resolved 2048x2048/);
});

test('natural end with an ignored async_eval promise exits 0', { timeout: 60_000 }, () => {
  const r = child(`
const mx = require(LIB).core;
let m = mx.ones([1024, 1024]);
for (let i = 0; i < 4; i++) m = mx.matmul(m, mx.multiply(m, 1e-3));
mx.async_eval(m);
`, { timeout: 45_000 });
  assertClean(r);
});

test('process.exit while the main thread and a worker both have work in flight', { timeout: 60_000 }, () => {
  const r = child(`${BIG}
const { Worker } = require('node:worker_threads');
const w = new Worker(\`
const mx = require(require('node:worker_threads').workerData.lib).core;
let m = mx.ones([1024, 1024]);
for (let i = 0; i < 60; i++) m = mx.matmul(m, mx.multiply(m, 1e-3));
mx.async_eval(m);
require('node:worker_threads').parentPort.postMessage('go');
\`, { eval: true, workerData: { lib: LIB } });
mx.async_eval(m);
w.once('message', () => setTimeout(() => process.exit(0), 200));
`, { timeout: 30_000 });
  assertClean(r);
  assert.ok(r.ms < 10000, `took ${r.ms} ms to exit`);
});

// ---- memory ---------------------------------------------------------------------------------------

test('1,000,000 temporary arrays without dispose(): RSS bounded, live arrays collected', { timeout: 180_000 }, () => {
  const r = child(`
const mx = require(LIB).core;
const native = require(NATIVE);
const a = mx.array([1, 2, 3, 4]), b = mx.array([10, 20, 30, 40]);
for (let i = 0; i < 20000; i++) mx.add(a, b).eval();   // warm up caches and pools
global.gc();
const rss0 = process.memoryUsage().rss;
let peak = rss0, check = 0;
for (let i = 0; i < 1000000; i++) {
  const t = mx.add(a, b);
  if (i % 2 === 0) t.eval();                               // half of them hold data too
  if (i % 1000 === 0) {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
    check += mx.add(a, b).tolist()[3];
  }
}
const liveBefore = native.cpu_info().live_arrays;
global.gc();
const liveAfter = native.cpu_info().live_arrays;
report({ growthMB: (peak - rss0) / 2 ** 20, liveBefore, liveAfter, check });
`, { timeout: 170_000 });
  assertClean(r);
  const { growthMB, liveBefore, liveAfter, check } = r.result;
  assert.equal(check, 44 * 1000);
  assert.ok(growthMB < 300, `RSS grew by ${growthMB.toFixed(1)} MB`);
  assert.ok(liveAfter < 100, `${liveAfter} arrays still alive after gc (was ${liveBefore})`);
  assert.ok(liveAfter <= liveBefore, `live arrays rose across gc: ${liveBefore} -> ${liveAfter}`);
});

test('a loop of 2,000 4 MiB arrays keeps active memory bounded', { timeout: 120_000 }, () => {
  const r = child(`
const mx = require(LIB).core;
const active0 = mx.get_active_memory();
let maxActive = 0, sum = 0;
for (let i = 0; i < 2000; i++) {
  const t = mx.full([1 << 20], i, mx.float32);             // 4 MiB each, never disposed
  t.eval();
  const a = mx.get_active_memory();
  if (a > maxActive) maxActive = a;
  if (i % 500 === 0) sum += mx.add(t, 0).tolist()[12345];
}
report({ active0, maxActiveMB: (maxActive - active0) / 2 ** 20, sum });
`, { timeout: 110_000 });
  assertClean(r);
  assert.equal(r.result.sum, 0 + 500 + 1000 + 1500);
  // Never more than a small fraction of the 7.8 GiB the loop allocates in total.
  assert.ok(r.result.maxActiveMB < 1024, `active memory reached ${r.result.maxActiveMB.toFixed(0)} MiB`);
});

test('dispose() frees memory at once and the array is then unusable', { timeout: 60_000 }, () => {
  const r = child(`
const mx = require(LIB).core;
const native = require(NATIVE);
const before = mx.get_active_memory();
const a = mx.zeros([4 << 20]);                             // 16 MiB
a.eval();
const held = mx.get_active_memory();
const live = native.cpu_info().live_arrays;
a.dispose();
const after = mx.get_active_memory();
let err = null;
try { a.tolist(); } catch (e) { err = e.message; }
// A view keeps the data alive until the view goes too.
const b = mx.ones([4 << 20]);
b.eval();
const v = mx.reshape(b, [1024, 4096]);
v.eval();
const withBoth = mx.get_active_memory();
b.dispose();
const viewOnly = mx.get_active_memory();
const tail = native._diag.bytes(v);                         // (V8 memory, not the engine's)
const v0 = new Float32Array(tail.buffer, tail.byteOffset, tail.byteLength / 4)[(4 << 20) - 1];
v.dispose();
const none = mx.get_active_memory();
report({ heldMB: (held - before) / 2 ** 20, freedMB: (held - after) / 2 ** 20, err,
         liveDrop: live - native.cpu_info().live_arrays, viewKeptMB: (viewOnly - none) / 2 ** 20, v0,
         bothMB: (withBoth - none) / 2 ** 20, disposedTwice: (() => { try { a.dispose(); return true; } catch (e) { return e.message; } })() });
`);
  assertClean(r);
  const x = r.result;
  assert.ok(x.heldMB >= 16, JSON.stringify(x));
  assert.ok(x.freedMB >= 16, `dispose freed ${x.freedMB} MiB`);
  assert.match(x.err, /disposed/);
  assert.ok(x.viewKeptMB >= 16, 'a live view must keep the data');
  assert.equal(x.v0, 1);
  assert.ok(x.bothMB >= 16 && x.bothMB < 33, JSON.stringify(x));
  assert.equal(x.disposedTwice, true);
});

// ---- errors ------------------------------------------------------------------------------------

test('an evaluation error inside async_eval rejects the promise instead of crashing', { timeout: 60_000 }, () => {
  const r = child(`
const mx = require(LIB).core;
(async () => {
  const out = {};
  const old = mx.set_memory_limit(1 << 20);                 // 1 MiB
  const big = mx.add(mx.zeros([1 << 22]), 1);               // needs 16 MiB
  try { await mx.async_eval(big); out.rejected = false; }
  catch (e) { out.rejected = true; out.isError = e instanceof Error; out.msg = e.message; }
  try { big.eval(); out.syncThrows = false; } catch (e) { out.syncThrows = /malloc/.test(e.message); }
  // Several failing at once, on several streams.
  const many = [];
  for (let i = 0; i < 8; i++) many.push(mx.async_eval(mx.ones([1 << 22], { stream: mx.new_stream(mx.cpu) })).then(() => 'ok', (e) => e.message));
  out.many = await Promise.all(many);
  mx.set_memory_limit(old);
  const fine = mx.add(mx.array([1, 2]), 1);
  await mx.async_eval(fine);
  out.after = fine.tolist();
  // A disposed array is an error too (a rejected promise, not a throw).
  const d = mx.array([1]);
  d.dispose();
  const p = mx.async_eval(d);
  out.isPromise = p instanceof Promise;
  out.disposed = await p.then(() => 'resolved', (e) => e.message);
  report(out);
})();
`);
  assertClean(r);
  const x = r.result;
  assert.equal(x.rejected, true);
  assert.equal(x.isError, true);
  assert.match(x.msg, /^\[malloc\]/);
  assert.equal(x.syncThrows, true);
  assert.equal(x.many.length, 8);
  for (const m of x.many) assert.match(m, /^\[malloc\]/);
  assert.deepEqual(x.after, [2, 3]);
  assert.equal(x.isPromise, true);
  assert.match(x.disposed, /disposed/);
});

test('an unhandled async_eval rejection ends the process with an error, not a signal', { timeout: 60_000 }, () => {
  const r = child(`
const mx = require(LIB).core;
mx.set_memory_limit(1 << 20);
mx.async_eval(mx.zeros([1 << 22]));
`);
  assertClean(r, 1);
  assert.match(r.out, /\[malloc\]/);
});

test('long unevaluated chains of multi-output nodes (divmod) are freed without a crash', { timeout: 120_000 }, () => {
  // Each node's sibling output is either kept (as a JS object) or dropped; when the chain goes
  // the sibling links of every node are cut while its descriptor is being freed.
  const r = child(`const mx = require(LIB).core;
let x = mx.arange(10).astype(mx.float32);
for (let i = 0; i < 100000; i++) { const [q, r] = mx.divmod(x, 3); x = i % 2 ? q : r; }
mx.eval(x);
let y = mx.ones([4]);
const kept = [];
for (let i = 0; i < 100000; i++) { const [q, r] = mx.divmod(y, 1); y = q; if (i % 3 === 0) kept.push(r); }
y = null; global.gc(); kept.length = 0; global.gc();
report({ x: x.tolist() });
`);
  assertClean(r);
  assert.deepEqual(r.result.x, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});
