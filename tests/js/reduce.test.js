'use strict';
// Reductions, scans and softmax (the `reduction` group): values against numpy for every dtype,
// axes (None, ints, negative, lists, empty lists, size-0 dims), keepdims, result dtypes
// (dtype_rules.md section 5), NaN behaviour, the stream argument, the array methods, every
// error, and float32 accuracy over 2^24 elements against a float64 reference.
// numpy oracles for floats compute in float64 and round once to the result dtype (mlxjs
// accumulates float16/bfloat16/float32 in float32 blocks and double, so it matches that).
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { NumpyBatch, NP_NAME } = require('./helpers/numpy');
const { ALL_DTYPES, FLOAT_KEYS, INT_KEYS, assertArray, assertNumpy, throwsWith, TOL, roundBf16 } = require('./helpers/check');

const np = new NumpyBatch();
const SHAPE = [2, 3, 4];
const N = 24;

// Values per dtype, exact in every float type; unsigned and signed ints wrap in prod.
function values(k, n = N) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const v = ((i * 7) % 11) - 5;
    if (k === 'bool_') out.push(i % 3 !== 0);
    else if (k.startsWith('uint')) out.push(k === 'uint64' ? BigInt(v + 5) : v + 5);
    else if (k === 'int64') out.push(BigInt(v));
    else if (k.startsWith('int')) out.push(v);
    else if (k === 'complex64') out.push({ re: v / 4, im: ((i * 3) % 5) / 2 - 1 });
    else out.push(v / 4 + (i % 2 ? 0.5 : 0));
  }
  return out;
}
const mk = (k, shape = SHAPE) => mx.array(values(k, shape.reduce((a, b) => a * b, 1)), mx[k]).reshape(shape);

const SUM_DT = {
  bool_: 'int32', uint8: 'uint32', uint16: 'uint32', uint32: 'uint32', uint64: 'uint64', int8: 'int32',
  int16: 'int32', int32: 'int32', int64: 'int64', float16: 'float16', float32: 'float32', float64: 'float64',
  bfloat16: 'bfloat16', complex64: 'complex64',
};
const isFloatLike = (k) => FLOAT_KEYS.has(k) || k === 'complex64';
const atLeastFloat = (k) => (isFloatLike(k) ? k : k === 'int64' || k === 'uint64' || k === 'int32' || k === 'uint32' ? 'float32' : 'float32');
// float64 (complex128) working dtype of the oracle.
const wide = (k) => (k === 'complex64' ? 'np.complex128' : isFloatLike(k) ? 'np.float64' : `np.${NP_NAME[SUM_DT[k]]}`);
const pyAxes = (ax) => (ax === null ? 'None' : Array.isArray(ax) ? `(${ax.join(',')}${ax.length === 1 ? ',' : ''})` : String(ax));
const outCast = (k) => `np.${NP_NAME[k]}`;

const AXES = [null, 0, 1, -1, [0, 2], [-1, 0], [0, 1, 2]];
const cases = [];
function queue(name, k, ax, keepdims, expr, dtype, extra = {}) {
  const a = mk(k);
  cases.push({ name, k, ax, keepdims, a, dtype, h: np.eval(expr, { a }), ...extra });
}

for (const k of ALL_DTYPES) {
  for (const ax of AXES) {
    for (const keepdims of [false, true]) {
      const kd = keepdims ? 'True' : 'False';
      const A = pyAxes(ax);
      queue('sum', k, ax, keepdims, `np.sum(a.astype(${wide(k)}), axis=${A}, keepdims=${kd}).astype(${outCast(SUM_DT[k])})`, SUM_DT[k]);
      queue('prod', k, ax, keepdims, `np.prod(a.astype(${wide(k)}), axis=${A}, keepdims=${kd}).astype(${outCast(SUM_DT[k])})`, SUM_DT[k]);
      if (k !== 'complex64') {
        queue('max', k, ax, keepdims, `np.max(a, axis=${A}, keepdims=${kd})`, k);
        queue('min', k, ax, keepdims, `np.min(a, axis=${A}, keepdims=${kd})`, k);
      }
      queue('all', k, ax, keepdims, `np.all(a, axis=${A}, keepdims=${kd})`, 'bool_');
      queue('any', k, ax, keepdims, `np.any(a, axis=${A}, keepdims=${kd})`, 'bool_');
      queue('count_nonzero', k, ax, keepdims, `np.sum(a != 0, axis=${A}, keepdims=${kd}).astype(np.int32)`, 'int32');
      const f = atLeastFloat(k);
      const fw = k === 'complex64' ? 'np.complex128' : 'np.float64';
      queue('mean', k, ax, keepdims, `np.mean(a.astype(${fw}), axis=${A}, keepdims=${kd}).astype(${outCast(f)})`, f);
      if (k !== 'complex64') {
        for (const ddof of [0, 1]) {
          queue('var', k, ax, keepdims, `np.var(a.astype(np.float64), axis=${A}, keepdims=${kd}, ddof=${ddof}).astype(${outCast(f)})`, f, { ddof });
          queue('std', k, ax, keepdims, `np.std(a.astype(np.float64), axis=${A}, keepdims=${kd}, ddof=${ddof}).astype(${outCast(f)})`, f, { ddof });
        }
        queue('logsumexp', k, ax, keepdims,
          `(lambda x, m: (m + np.log(np.sum(np.exp(x - m), axis=${A}, keepdims=True))))(a.astype(np.float64), np.max(a.astype(np.float64), axis=${A}, keepdims=True)).reshape(np.sum(a, axis=${A}, keepdims=${kd}).shape).astype(${outCast(f)})`, f);
        queue('median', k, ax, keepdims, `np.median(a.astype(np.float64), axis=${A}, keepdims=${kd}).astype(${outCast(f)})`, f);
      }
    }
  }
  for (const ax of [null, 0, 1, -1]) {
    for (const keepdims of [false, true]) {
      const kd = keepdims ? 'True' : 'False';
      queue('argmax', k, ax, keepdims, `np.argmax(a, axis=${pyAxes(ax)}, keepdims=${kd}).astype(np.uint32)`, 'uint32');
      queue('argmin', k, ax, keepdims, `np.argmin(a, axis=${pyAxes(ax)}, keepdims=${kd}).astype(np.uint32)`, 'uint32');
    }
  }
}

// Looser tolerances where mlxjs and the float64 oracle round differently (transcendentals).
const LOOSE = { float16: { rtol: 2e-3, atol: 2e-3 }, bfloat16: { rtol: 1.6e-2, atol: 1.6e-2 }, float32: { rtol: 1e-5, atol: 1e-5 }, float64: { rtol: 1e-12, atol: 1e-12 } };

function call(c) {
  const f = mx[c.name];
  if (c.ddof !== undefined) return f(c.a, c.ax, c.keepdims, c.ddof);
  if (c.name === 'count_nonzero') return f(c.a, c.ax, { keepdims: c.keepdims });
  return f(c.a, c.ax, c.keepdims);
}

// Scans: every op, axis, reverse and inclusive, against numpy (flip for reverse; insert the
// identity and drop the last element for exclusive).
const SCAN_NP = { cumsum: 'np.cumsum', cumprod: 'np.cumprod', cummax: 'np.maximum.accumulate', cummin: 'np.minimum.accumulate' };
const scanCases = [];
for (const k of ALL_DTYPES) {
  for (const name of ['cumsum', 'cumprod', 'cummax', 'cummin', 'logcumsumexp']) {
    if (k === 'complex64' && name !== 'cumsum' && name !== 'cumprod') continue;
    if (name === 'logcumsumexp' && !FLOAT_KEYS.has(k)) continue;
    for (const ax of [null, 0, 1, -1]) {
      for (const reverse of [false, true]) {
        for (const inclusive of [true, false]) {
          const a = mk(k);
          const outK = name === 'cumsum' && k === 'bool_' ? 'int32' : k;
          const npAx = ax === null ? 0 : ax;
          const src = ax === null ? 'a.reshape(-1)' : 'a';
          const work = FLOAT_KEYS.has(k) ? `${src}.astype(np.float64)` : k === 'complex64' ? `${src}.astype(np.complex128)` : `${src}.astype(np.${NP_NAME[outK]})`;
          let op;
          if (name === 'logcumsumexp') op = (x) => `np.logaddexp.accumulate(${x}, axis=${npAx})`;
          else if (name === 'cumsum' || name === 'cumprod') op = (x) => `${SCAN_NP[name]}(${x}, axis=${npAx}, dtype=${x.includes('astype') ? 'None' : 'None'})`;
          else op = (x) => `${SCAN_NP[name]}(${x}, axis=${npAx})`;
          let init;
          if (name === 'cumsum') init = '0';
          else if (name === 'cumprod') init = '1';
          else if (name === 'logcumsumexp') init = '-np.inf';
          else if (FLOAT_KEYS.has(k)) init = name === 'cummax' ? '-np.inf' : 'np.inf';
          else if (k === 'bool_') init = name === 'cummax' ? 'False' : 'True';
          else init = `np.iinfo(np.${NP_NAME[k]}).${name === 'cummax' ? 'min' : 'max'}`;
          let e = `(lambda x: ${op('x')})(${reverse ? `np.flip(${work}, axis=${npAx})` : work})`;
          if (!inclusive) e = `np.delete(np.insert(${e}, 0, ${init}, axis=${npAx}), -1, axis=${npAx})`;
          if (reverse) e = `np.flip(${e}, axis=${npAx})`;
          e = `(${e}).astype(np.${NP_NAME[outK]})`;
          scanCases.push({ name, k, ax, reverse, inclusive, a, outK, h: np.eval(e, { a }) });
        }
      }
    }
  }
}

// Softmax over axes (last axis: MLX's own primitive, at_least_float result; other axes: cast
// back to the input dtype, as MLX composes them).
const softmaxCases = [];
for (const k of ['float16', 'float32', 'float64', 'bfloat16', 'int32', 'uint8']) {
  for (const ax of [-1, 2, null, 0, [0, 2], 1]) {
    for (const precise of [false, true]) {
      const a = mk(k);
      const A = pyAxes(ax);
      const last = ax === -1 || ax === 2;
      const outK = last ? atLeastFloat(k) : k;
      const e = `(lambda x: np.exp(x - np.max(x, axis=${A}, keepdims=True)) / np.sum(np.exp(x - np.max(x, axis=${A}, keepdims=True)), axis=${A}, keepdims=True))(a.astype(np.float64))${outK === k && !FLOAT_KEYS.has(k) ? `.astype(np.${NP_NAME[k]})` : `.astype(np.${NP_NAME[outK]})`}`;
      softmaxCases.push({ k, ax, precise, a, outK, h: np.eval(e, { a }) });
    }
  }
}

// Non-contiguous inputs (transposed, broadcast) through every layout path.
const layoutCases = [];
{
  const base = mx.array(values('float32', 60), mx.float32).reshape([3, 4, 5]);
  const views = {
    transposed: mx.transpose(base, [2, 0, 1]),
    broadcast: mx.broadcast_to(mx.array(values('float32', 5), mx.float32).reshape([1, 5]), [6, 5]),
    swapped: mx.swapaxes(base, 0, 2),
  };
  for (const [vname, v] of Object.entries(views)) {
    for (const ax of [null, 0, -1, [0, 1]]) {
      for (const name of ['sum', 'max', 'min', 'prod', 'mean']) {
        const A = pyAxes(ax);
        const npf = { sum: 'np.sum', max: 'np.max', min: 'np.min', prod: 'np.prod', mean: 'np.mean' }[name];
        layoutCases.push({ vname, name, ax, v, h: np.eval(`${npf}(a.astype(np.float64), axis=${A}).astype(np.float32)`, { a: v }) });
      }
      layoutCases.push({ vname, name: 'softmax', ax, v, h: np.eval(`(lambda x: np.exp(x - np.max(x, axis=${pyAxes(ax)}, keepdims=True)) / np.sum(np.exp(x - np.max(x, axis=${pyAxes(ax)}, keepdims=True)), axis=${pyAxes(ax)}, keepdims=True))(a.astype(np.float64)).astype(np.float32)`, { a: v }) });
    }
    for (const ax of [0, -1]) {
      layoutCases.push({ vname, name: 'argmax', ax, v, h: np.eval(`np.argmax(a, axis=${ax}).astype(np.uint32)`, { a: v }) });
      layoutCases.push({ vname, name: 'cumsum', ax, v, h: np.eval(`np.cumsum(a.astype(np.float64), axis=${ax}).astype(np.float32)`, { a: v }) });
    }
  }
}

np.run();

// mean rounds the sum, then multiplies by 1/n in the dtype (as MLX): up to two roundings.
const TRANSCENDENTAL = new Set(['logsumexp', 'std', 'mean']);

test('reductions: values and dtypes against numpy for every dtype, axes and keepdims', () => {
  let n = 0;
  for (const c of cases) {
    // sum/prod/max/min/mean over [] return the input (MLX's identity case) - covered below.
    const r = call(c);
    const tol = TRANSCENDENTAL.has(c.name) ? LOOSE[c.dtype] : undefined;
    assertNumpy(r, c.h, { dtype: mx[c.dtype], tol, msg: `${c.name}(${c.k}, axis=${JSON.stringify(c.ax)}, keepdims=${c.keepdims}${c.ddof !== undefined ? `, ddof=${c.ddof}` : ''})` });
    n++;
  }
  assert.ok(n > 1000);
});

test('scans: cumsum/cumprod/cummax/cummin/logcumsumexp, reverse and inclusive, against numpy', () => {
  for (const c of scanCases) {
    const r = mx[c.name](c.a, c.ax, { reverse: c.reverse, inclusive: c.inclusive });
    const tol = c.name === 'logcumsumexp' ? LOOSE[c.outK] : undefined;
    assertNumpy(r, c.h, { dtype: mx[c.outK], tol, msg: `${c.name}(${c.k}, axis=${c.ax}, reverse=${c.reverse}, inclusive=${c.inclusive})` });
  }
  // cumsum keeps int8 (wrapping); dtype= casts first; the aliases are the same functions.
  assertArray(mx.cumsum(mx.array([100, 100, 100], mx.int8)), { dtype: mx.int8, values: [100, -56, 44] });
  assertArray(mx.cumsum(mx.array([100, 100, 100], mx.int8), { dtype: mx.int32 }), { dtype: mx.int32, values: [100, 200, 300] });
  assertArray(mx.cumprod(mx.array([2, 3, 4], mx.int32), 0, { dtype: mx.float32 }), { dtype: mx.float32, values: [2, 6, 24] });
  assert.equal(mx.cumulative_sum, mx.cumsum);
  assert.equal(mx.cumulative_prod, mx.cumprod);
  // cummax/cummin keep NaN once seen.
  assertArray(mx.cummax(mx.array([1, NaN, 3])), { values: [1, NaN, NaN] });
  assertArray(mx.cummin(mx.array([3, 1, NaN, 0])), { values: [3, 1, NaN, NaN] });
  // A long axis and a wide inner dimension (the row-block path).
  const big = mx.ones([3, 1000, 700]);
  assertArray(mx.sum(mx.cumsum(big, 1), [0, 1, 2]), { values: 3 * 700 * 500500 });
});

test('softmax: last axis (precise or not), other axes, int inputs, against numpy', () => {
  for (const c of softmaxCases) {
    const r = mx.softmax(c.a, c.ax, { precise: c.precise });
    assertNumpy(r, c.h, { dtype: mx[c.outK], tol: LOOSE[c.outK] || { rtol: 0, atol: 0 }, msg: `softmax(${c.k}, axis=${JSON.stringify(c.ax)}, precise=${c.precise})` });
  }
  // Large magnitudes, -inf entries, NaN rows, a long row.
  assertArray(mx.softmax(mx.array([1000, 1000, -Infinity]), -1), { values: [0.5, 0.5, 0] });
  assertArray(mx.softmax(mx.array([[1, NaN], [0, 0]]), -1), { values: [NaN, NaN, 0.5, 0.5] });
  const long = mx.softmax(mx.multiply(mx.arange(5000).astype(mx.float32).reshape([1, 5000]), mx.array(0.001)), -1);
  assertArray(mx.sum(long), { values: 1, tol: { rtol: 1e-5, atol: 1e-6 } });
  // Empty arrays come back as they are; empty axes give ones.
  assertArray(mx.softmax(mx.zeros([0, 3]), -1), { shape: [0, 3] });
  assertArray(mx.softmax(mx.array([1.5, -2]), []), { dtype: mx.float32, values: [1, 1] });
});

test('reductions over non-contiguous inputs (transposed, broadcast, swapped)', () => {
  for (const c of layoutCases) {
    const r = c.name === 'softmax' ? mx.softmax(c.v, c.ax) : mx[c.name](c.v, c.ax);
    assertNumpy(r, c.h, { tol: c.name === 'softmax' ? LOOSE.float32 : undefined, msg: `${c.name}(${c.vname}, axis=${JSON.stringify(c.ax)})` });
  }
});

test('empty axis lists: MLX identity-like results', () => {
  const a = mx.array([[1, -2], [3, 4]], mx.int8);
  // sum/prod/max/min over [] return the input itself (dtype unchanged).
  for (const f of ['sum', 'prod', 'max', 'min']) {
    const r = mx[f](a, []);
    assertArray(r, { dtype: mx.int8, shape: [2, 2], values: [1, -2, 3, 4], msg: f });
  }
  assertArray(mx.all(a, []), { dtype: mx.bool_, values: [true, true, true, true] });
  assertArray(mx.any(mx.array([0, 2]), []), { dtype: mx.bool_, values: [false, true] });
  assertArray(mx.mean(a, []), { dtype: mx.float32, values: [1, -2, 3, 4] });
  assertArray(mx.var(a, []), { dtype: mx.float32, values: [0, 0, 0, 0] });
  assertArray(mx.var(a, [], false, 1), { dtype: mx.float32, values: [NaN, NaN, NaN, NaN] });
  assertArray(mx.logsumexp(mx.array([1.5, -Infinity]), []), { values: [1.5, -Infinity] });
  assertArray(mx.count_nonzero(mx.array([0, 3]), []), { dtype: mx.int32, values: [0, 1] });
  // Size-1 axes: sum promotes (astype), prod returns the input as MLX does.
  assertArray(mx.sum(mx.array([[5]], mx.int8), 0), { dtype: mx.int32, shape: [1], values: [5] });
  assertArray(mx.prod(mx.array([[5]], mx.int8), 0), { dtype: mx.int8, shape: [1], values: [5] });
  assertArray(mx.argmax(mx.array([[5, 1]]), 0), { dtype: mx.uint32, values: [0, 0] });
  // 0-d arrays: axis None reduces nothing.
  assertArray(mx.sum(mx.array(3, mx.int8)), { dtype: mx.int8, shape: [], values: 3 });
  assertArray(mx.max(mx.array(3.5)), { shape: [], values: 3.5 });
  assertArray(mx.argmax(mx.array(3.5)), { dtype: mx.uint32, shape: [], values: 0 });
  assertArray(mx.argmax(mx.array([[1, 7], [3, 2]]), null, true), { dtype: mx.uint32, shape: [1, 1], values: [1] });
  assertArray(mx.median(mx.array(2, mx.int32)), { dtype: mx.float32, values: 2 });
});

test('size-0 dimensions: sum 0, prod 1, all true, any false; max/min/argmax of empty throw', () => {
  const e = mx.zeros([0, 3], mx.int32);
  assertArray(mx.sum(e, 0), { dtype: mx.int32, shape: [3], values: [0, 0, 0] });
  assertArray(mx.sum(e), { dtype: mx.int32, shape: [], values: 0 });
  assertArray(mx.sum(e, 1), { dtype: mx.int32, shape: [0] });
  assertArray(mx.prod(e, 0), { dtype: mx.int32, values: [1, 1, 1] });
  assertArray(mx.prod(mx.zeros([3, 0]), 1, true), { dtype: mx.float32, shape: [3, 1], values: [1, 1, 1] });
  assertArray(mx.all(e, 0), { values: [true, true, true] });
  assertArray(mx.any(e, 0), { values: [false, false, false] });
  assertArray(mx.mean(mx.zeros([0, 2]), 0), { dtype: mx.float32, values: [NaN, NaN] });
  assertArray(mx.count_nonzero(e, 0), { dtype: mx.int32, values: [0, 0, 0] });
  assertArray(mx.cumsum(e, 0), { shape: [0, 3] });
  throwsWith(() => mx.max(e, 0), Error, /\[max\] Cannot max reduce zero size array/);
  throwsWith(() => mx.min(e), Error, /\[min\] Cannot min reduce zero size array/);
  throwsWith(() => mx.argmax(e, 0), Error, /\[argmax\] Cannot argmax reduce zero size array/);
  throwsWith(() => mx.argmin(e), Error, /\[argmin\] Cannot argmin reduce zero size array/);
  throwsWith(() => mx.logsumexp(e), Error, /\[logsumexp\] Received empty array/);
  throwsWith(() => mx.median(e, 0), Error, /\[median\] Cannot take median along empty axis/);
});

test('NaN: max/min propagate, argmax/argmin take the first NaN, sum/mean propagate, all/any treat NaN as true', () => {
  const a = mx.array([[1, NaN, 3], [4, 5, 6]]);
  assertArray(mx.max(a, 1), { values: [NaN, 6] });
  assertArray(mx.min(a, 1), { values: [NaN, 4] });
  assertArray(mx.max(a), { values: NaN });
  assertArray(mx.max(a, 0), { values: [4, NaN, 6] });  // the column path
  assertArray(mx.argmax(a, 1), { values: [1, 2] });
  assertArray(mx.argmin(a, 1), { values: [1, 0] });
  assertArray(mx.sum(a, 1), { values: [NaN, 15] });
  assertArray(mx.mean(a, 0), { values: [2.5, NaN, 4.5] });
  assertArray(mx.all(mx.array([NaN, 1])), { values: true });
  assertArray(mx.any(mx.array([NaN, 0])), { values: true });
  assertArray(mx.logsumexp(mx.array([NaN, 1])), { values: NaN });
  assertArray(mx.logsumexp(mx.array([Infinity, 1])), { values: Infinity });
  assertArray(mx.logsumexp(mx.array([-Infinity, -Infinity])), { values: -Infinity });
  // float16 and bfloat16 NaN through the converted blocks.
  for (const dt of [mx.float16, mx.bfloat16]) {
    assertArray(mx.max(mx.array([1, NaN, 3], dt)), { values: NaN });
    assertArray(mx.min(mx.array([[1, 2], [NaN, 0]], dt), 0), { values: [NaN, 0] });
  }
  // MLX's median takes the middle of the sorted row, NaN sorting last.
  assertArray(mx.median(mx.array([1, NaN, 2])), { values: 2 });
  assertArray(mx.median(mx.array([NaN, NaN, 2])), { values: NaN });
  // Infinities in max/min and the extremes of integer types.
  assertArray(mx.max(mx.array([-Infinity, -Infinity])), { values: -Infinity });
  assertArray(mx.min(mx.array([127, -128], mx.int8)), { values: -128 });
  assertArray(mx.max(mx.array([2n ** 64n - 1n, 0n], mx.uint64)), { values: 2n ** 64n - 1n });
});

test('integer wraparound of sum and prod in the result dtype', () => {
  assertArray(mx.sum(mx.array([2147483647, 1], mx.int32)), { dtype: mx.int32, values: -2147483648 });
  assertArray(mx.sum(mx.array([127, 127], mx.int8)), { dtype: mx.int32, values: 254 });
  assertArray(mx.sum(mx.array([4294967295, 1], mx.uint32)), { dtype: mx.uint32, values: 0 });
  assertArray(mx.prod(mx.array([65536, 65536], mx.int32)), { dtype: mx.int32, values: 0 });
  assertArray(mx.sum(mx.array([true, true, false])), { dtype: mx.int32, values: 2 });
  assertArray(mx.prod(mx.array([2n ** 62n, 4n], mx.int64)), { dtype: mx.int64, values: 0n });
});

test('var/std ddof, trace, array_equal', () => {
  const a = mx.array([[1, 2, 3], [4, 5, 7]]);
  assertArray(mx.var(a, 1, false, 1), { values: [1, 2.333333333], tol: TOL.float32 });
  assertArray(mx.std(a, null, true, 5), { shape: [1, 1], values: [Math.sqrt(23.3333333333)], tol: TOL.float32 });
  assertArray(mx.var(a, 1, false, 3), { values: [Infinity, Infinity] });  // divides by max(n - ddof, 0)
  assertArray(mx.var(mx.array([2, 2]), 0, false, 2), { values: NaN });
  const m = mx.arange(12).reshape([3, 4]);
  assertArray(mx.trace(m), { dtype: mx.int32, values: 0 + 5 + 10 });
  assertArray(mx.trace(m, 1), { values: 1 + 6 + 11 });
  assertArray(mx.trace(m, -1), { values: 4 + 9 });
  assertArray(mx.trace(m, 7), { values: 0 });
  assertArray(mx.trace(m, 0, 1, 0), { values: 15 });
  assertArray(mx.trace(mx.arange(24).reshape([2, 3, 4]), 0, 1, 2), { shape: [2], values: [0 + 5 + 10, 12 + 17 + 22] });
  assertArray(mx.trace(mx.array([[100, 0], [0, 100]], mx.int8)), { dtype: mx.int8, values: -56 });
  assertArray(mx.trace(mx.array([[100, 0], [0, 100]], mx.int8), { dtype: mx.int32 }), { dtype: mx.int32, values: 200 });
  throwsWith(() => mx.trace(mx.array([1, 2])), Error, /\[trace\] Array must have at least two dimensions/);
  throwsWith(() => mx.trace(m, 0, 0, 5), RangeError, /\[trace\]/);
  throwsWith(() => mx.trace(m, 0, 1, 1), Error, /\[trace\]/);

  assertArray(mx.array_equal(mx.array([1, 2]), mx.array([1, 2])), { dtype: mx.bool_, shape: [], values: true });
  assertArray(mx.array_equal(mx.array([1, 2]), mx.array([1, 3])), { values: false });
  assertArray(mx.array_equal(mx.array([1, 2]), mx.array([[1, 2]])), { values: false });  // shapes differ: no broadcasting
  assertArray(mx.array_equal(mx.array([1, 2], mx.int32), mx.array([1, 2], mx.float32)), { values: true });
  assertArray(mx.array_equal(mx.array([1, NaN]), mx.array([1, NaN])), { values: false });
  assertArray(mx.array_equal(mx.array([1, NaN]), mx.array([1, NaN]), { equal_nan: true }), { values: true });
  assertArray(mx.array_equal(mx.array([1, NaN], mx.float16), mx.array([1, NaN], mx.float16), { equal_nan: true }), { values: true });
  assertArray(mx.array_equal(mx.zeros([0]), mx.zeros([0])), { values: true });
  assertArray(mx.array_equal(mx.transpose(m), mx.transpose(m)), { values: true });
  assertArray(mx.array_equal(3, mx.array(3)), { values: true });
  throwsWith(() => mx.array_equal(mx.array(1), mx.array(1), true), TypeError, /array_equal/);
});

test('result dtypes of every reduction for every input dtype (dtype_rules.md section 5)', () => {
  for (const k of ALL_DTYPES) {
    const a = mk(k);
    assert.equal(mx.sum(a).dtype, mx[SUM_DT[k]], `sum ${k}`);
    assert.equal(mx.prod(a).dtype, mx[SUM_DT[k]], `prod ${k}`);
    assert.equal(mx.max(a).dtype, mx[k], `max ${k}`);
    assert.equal(mx.min(a, 0).dtype, mx[k], `min ${k}`);
    assert.equal(mx.all(a).dtype, mx.bool_);
    assert.equal(mx.any(a, 1).dtype, mx.bool_);
    assert.equal(mx.argmax(a).dtype, mx.uint32);
    assert.equal(mx.argmin(a, 0).dtype, mx.uint32);
    assert.equal(mx.count_nonzero(a).dtype, mx.int32);
    assert.equal(mx.mean(a).dtype, mx[atLeastFloat(k)], `mean ${k}`);
    assert.equal(mx.cumsum(a).dtype, k === 'bool_' ? mx.int32 : mx[k], `cumsum ${k}`);
    assert.equal(mx.cumprod(a).dtype, mx[k]);
    if (k !== 'complex64') {
      assert.equal(mx.cummax(a).dtype, mx[k]);
      for (const f of ['var', 'std', 'logsumexp', 'median']) assert.equal(mx[f](a).dtype, mx[atLeastFloat(k)], `${f} ${k}`);
      assert.equal(mx.softmax(a, -1).dtype, mx[atLeastFloat(k)]);
      assert.equal(mx.softmax(a, 0).dtype, mx[k]);
    }
  }
});

test('errors: out-of-range axes (RangeError), duplicates, bad argument kinds (TypeError)', () => {
  const a = mx.zeros([2, 3]);
  for (const f of ['sum', 'prod', 'max', 'min', 'mean', 'all', 'any', 'var', 'std', 'logsumexp', 'count_nonzero', 'median', 'softmax']) {
    throwsWith(() => mx[f](a, 2), RangeError, new RegExp(`\\[${f}\\] Invalid axis 2 for array with 2 dimensions`), f);
    throwsWith(() => mx[f](a, [0, -3]), RangeError, new RegExp(`\\[${f}\\]`), f);
    throwsWith(() => mx[f](a, [1, -1]), Error, /Duplicate axes|duplicate/, f);
    throwsWith(() => mx[f](a, 'x'), TypeError, new RegExp(`\\[${f}\\]`), f);
    throwsWith(() => mx[f](a, 2 ** 40), RangeError, new RegExp(`\\[${f}\\]`), f);
    throwsWith(() => mx[f](a, 1.5), TypeError, new RegExp(`\\[${f}\\]`), f);
  }
  for (const f of ['argmax', 'argmin']) {
    throwsWith(() => mx[f](a, 2), RangeError, new RegExp(`\\[${f}\\]`));
    throwsWith(() => mx[f](a, [0]), TypeError, new RegExp(`\\[${f}\\]`));
  }
  for (const f of ['cumsum', 'cumprod', 'cummax', 'cummin', 'logcumsumexp']) {
    throwsWith(() => mx[f](a, 2), RangeError, new RegExp(`\\[${f}\\] Axis 2 is out of bounds for array with 2 dimensions`));
    throwsWith(() => mx[f](a, -3), RangeError, new RegExp(`\\[${f}\\]`));
    throwsWith(() => mx[f](a, 0, true), TypeError, new RegExp(`\\[${f}\\]`));  // reverse is keyword-only
    throwsWith(() => mx[f](a, 0, { bogus: 1 }), TypeError, /bogus/);
  }
  throwsWith(() => mx.cumsum(a, 0, { dtype: 'float32' }), TypeError, /\[cumsum\]/);
  throwsWith(() => mx.sum(a, 0, false, mx.cpu), TypeError, /\[sum\]/);  // stream is keyword-only
  throwsWith(() => mx.sum(a, { keepdim: true }), TypeError, /keepdim/);
  throwsWith(() => mx.softmax(mx.array(1), 0), Error, /\[softmax\] Received non-empty axes for array with 0 dimensions/);
  throwsWith(() => mx.logsumexp(mx.array(1), 0), Error, /\[logsumexp\] Received non-empty axes/);
  throwsWith(() => mx.median(a, []), Error, /\[median\]/);
  throwsWith(() => mx.sum(), TypeError, /\[sum\]/);
  throwsWith(() => mx.sum('abc'), TypeError, /\[sum\]/);
  throwsWith(() => mx.var(a, 0, false, 0.5), TypeError, /\[var\]/);
  throwsWith(() => mx.sum(a, 0, { stream: mx.gpu }), Error, /\[sum\]/);
});

test('the stream argument and array methods', () => {
  const a = mx.array([[1, 2, 3], [4, 5, 6]], mx.float32);
  const s = mx.new_stream(mx.cpu);
  for (const stream of [s, mx.cpu, mx.default_stream(mx.cpu)]) {
    assertArray(mx.sum(a, 1, { stream }), { values: [6, 15] });
    assertArray(mx.max(a, null, true, { stream }), { shape: [1, 1], values: [6] });
    assertArray(mx.argmax(a, 1, { stream }), { values: [2, 2] });
    assertArray(mx.softmax(a, -1, { stream, precise: true }).sum(-1), { values: [1, 1], tol: TOL.float32 });
    assertArray(mx.cumsum(a, 1, { stream, reverse: true }), { values: [6, 5, 3, 15, 11, 6] });
    assertArray(mx.var(a, 1, { stream, ddof: 1 }), { values: [1, 1] });
    assertArray(mx.array_equal(a, a, { stream }), { values: true });
    assertArray(mx.trace(a, { stream }), { values: 6 });
  }
  mx.synchronize(s);
  // Methods take the same arguments as the functions.
  assertArray(a.sum(), { values: 21 });
  assertArray(a.sum(0, true), { shape: [1, 3], values: [5, 7, 9] });
  assertArray(a.sum({ axis: 1, keepdims: true }), { shape: [2, 1], values: [6, 15] });
  assertArray(a.mean(-1), { values: [2, 5] });
  assertArray(a.max(0), { values: [4, 5, 6] });
  assertArray(a.min(), { values: 1 });
  assertArray(a.prod(1), { values: [6, 120] });
  assertArray(a.all(), { values: true });
  assertArray(a.any(1), { values: [true, true] });
  assertArray(a.argmax(), { dtype: mx.uint32, values: 5 });
  assertArray(a.argmin(1, true), { shape: [2, 1], values: [0, 0] });
  assertArray(a.var(1, false, 1), { values: [1, 1] });
  assertArray(a.std(), { values: Math.sqrt(17.5 / 6), tol: TOL.float32 });
  assertArray(a.logsumexp(1), { values: [3.40760596, 6.40760596], tol: TOL.float32 });
  assertArray(a.cumsum(1, { reverse: true, inclusive: false }), { values: [5, 3, 0, 11, 6, 0] });
  assertArray(a.cumprod(), { values: [1, 2, 6, 24, 120, 720] });
  assertArray(a.cummax(0), { values: [1, 2, 3, 4, 5, 6] });
  assertArray(a.cummin(0, { reverse: true }), { values: [1, 2, 3, 4, 5, 6] });
  assertArray(a.logcumsumexp(1), { values: [1, 2.31326169, 3.40760596, 4, 5.31326169, 6.40760596], tol: TOL.float32 });
  assertArray(a.sum(0, { stream: s }), { values: [5, 7, 9] });
  throwsWith(() => a.sum(0, false, true), TypeError, /sum/);
  // Python scalars and nested lists are accepted where an array is.
  assertArray(mx.sum([[1, 2], [3, 4]]), { dtype: mx.int32, values: 10 });
  assertArray(mx.max(7), { dtype: mx.int32, values: 7 });
});

test('float32 sums over 2^24 elements are accurate (against a float64 reference)', () => {
  const n = 1 << 24;
  const f = new Float32Array(n);
  let x = 12345;
  let ref = 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    f[i] = 1 + x / 4294967296;  // all positive: naive float32 accumulation stalls at 2^24
    ref += f[i];
  }
  const a = mx.array(f);
  const s = mx.sum(a).item();
  assert.ok(Math.abs(s - ref) / ref < 1e-6, `sum ${s} vs ${ref}`);
  const m = mx.mean(a).item();
  assert.ok(Math.abs(m - ref / n) / (ref / n) < 1e-6, `mean ${m} vs ${ref / n}`);
  // Along the last axis and along the first (the column path) of a 4096x4096 view.
  const b = a.reshape([4096, 4096]);
  const rows = mx.sum(b, 1).toTypedArray();
  const cols = mx.sum(b, 0).toTypedArray();
  let r0 = 0, c0 = 0;
  for (let j = 0; j < 4096; j++) { r0 += f[j]; c0 += f[j * 4096]; }
  assert.ok(Math.abs(rows[0] - r0) / r0 < 1e-6, `row ${rows[0]} vs ${r0}`);
  assert.ok(Math.abs(cols[0] - c0) / c0 < 1e-6, `col ${cols[0]} vs ${c0}`);
  // float16 accumulates in float32 or wider: 4096 ones sum to 4096 exactly.
  assertArray(mx.sum(mx.ones([4096], mx.float16)), { dtype: mx.float16, values: 4096 });
  assertArray(mx.sum(mx.ones([3000], mx.bfloat16)), { dtype: mx.bfloat16, values: roundBf16(3000) });
});

test('allclose: all(isclose(a, b, rtol, atol, equal_nan))', { skip: typeof mx.isclose !== 'function' && 'mx.isclose is not built' }, () => {
  const a = mx.array([1, 2, 3]);
  assertArray(mx.allclose(a, mx.array([1, 2, 3 + 1e-6])), { dtype: mx.bool_, shape: [], values: true });
  assertArray(mx.allclose(a, mx.array([1, 2, 3.1])), { values: false });
  assertArray(mx.allclose(a, mx.array([1, 2, 3.1]), 0.05), { values: true });
  assertArray(mx.allclose(a, mx.array([1, 2, 3.1]), 0, 0.2), { values: true });
  assertArray(mx.allclose(mx.array([1, NaN]), mx.array([1, NaN])), { values: false });
  assertArray(mx.allclose(mx.array([1, NaN]), mx.array([1, NaN]), { equal_nan: true }), { values: true });
  assertArray(mx.allclose(mx.array([Infinity]), mx.array([Infinity])), { values: true });
  assertArray(mx.allclose(mx.array([[1, 2]]), mx.array([1, 2]), { stream: mx.cpu }), { values: true });  // broadcasts
  throwsWith(() => mx.allclose(a, a, 1e-5, 1e-8, true), TypeError, /allclose/);  // equal_nan is keyword-only
});
