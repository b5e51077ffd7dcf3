'use strict';
// Micro benchmark of the argument grammar (lib/args.js) with fake hooks and fake impls: the
// cost the JS layer adds to every op call, before any native work.
// Usage: node bench/args_overhead.js [calls-per-run]
// Columns: codegen (the default path) and generic (the fallback parser, {codegen: false}).

const args = require('../lib/args');

class FakeArray {}
class FakeDtype {}
class FakeStream {}
class FakeDevice {}
args.setHooks({
  isArray: (x) => x instanceof FakeArray,
  isDtype: (x) => x instanceof FakeDtype,
  isStream: (x) => x instanceof FakeStream,
  isDevice: (x) => x instanceof FakeDevice,
});

const N = Number(process.argv[2]) || 2e6;
const state = { sink: 0 };
// Impls touch their arguments so nothing is optimised away.
const addImpl = (a, b, s) => { state.sink += (s === undefined ? 1 : 2); return a; };
const sumImpl = (a, axis, keepdims, s) => { state.sink += axis + (keepdims ? 1 : 0); return a; };
const arangeImpl = (x, y, z, d, s, k) => { state.sink += k; return x; };
const reshapeImpl = (a, shape, s) => { state.sink += shape.length; return a; };

const a = new FakeArray();
const b = new FakeArray();
const cpu = new FakeDevice();
const f32 = new FakeDtype();

function ops(codegen) {
  const o = { codegen };
  return {
    add: args.bind('add', addImpl, o),
    sum: args.bind('sum', sumImpl, o),
    arange: args.bind('arange', arangeImpl, o),
    reshape: args.bind('reshape', reshapeImpl, o),
  };
}

// Each case gets its own loop function (new Function), so that V8 feedback is not shared
// between cases and the call under test can be inlined into its loop as in real code.
const CASES = [
  ['direct addImpl(a, b, undefined)  [no grammar]', (m) => () => addImpl(a, b, undefined)],
  ['add(a, b)', (m) => () => m.add(a, b)],
  ['add(a, 1)', (m) => () => m.add(a, 1)],
  ['add(a, b, {stream: cpu})', (m) => () => m.add(a, b, { stream: cpu })],
  ['sum(a, 1, true)', (m) => () => m.sum(a, 1, true)],
  ['sum(a, {axis: 1, keepdims: true})', (m) => () => m.sum(a, { axis: 1, keepdims: true })],
  ['reshape(a, [2, 3])', (m) => () => m.reshape(a, [2, 3])],
  ['arange(10)  (2nd overload)', (m) => () => m.arange(10)],
  ['arange(0, 10, 2, f32)  (1st overload)', (m) => () => m.arange(0, 10, 2, f32)],
];

function time(fn) {
  const loop = new Function('fn', 'n', 'for (let i = 0; i < n; i++) fn();');
  loop(fn, 2e5); // warm up: let the JIT optimise
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    loop(fn, N);
    const ns = Number(process.hrtime.bigint() - t0) / N;
    if (ns < best) best = ns;
  }
  return best;
}

const fast = ops(true);
const slow = ops(false);
// All codegen runs first, in a fresh closure per case, then the generic ones.
const fastTimes = CASES.map(([, mk]) => time(mk(fast)));
const slowTimes = CASES.map(([, mk]) => time(mk(slow)));
const rows = CASES.map(([label], i) => [label, fastTimes[i], slowTimes[i]]);
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`args grammar overhead: node ${process.version}, ${N} calls per run, best of 5, ns per call`);
console.log(`${'call'.padEnd(w)}  ${'codegen'.padStart(8)}  ${'generic'.padStart(8)}`);
for (const [label, c, g] of rows) {
  console.log(`${label.padEnd(w)}  ${c.toFixed(1).padStart(8)}  ${g.toFixed(1).padStart(8)}`);
}
if (state.sink === 42) console.log('');
