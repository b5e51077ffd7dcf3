'use strict';
// The `creation`, `dtype` and print-option names of issue 3: linspace (MLX's float32 arithmetic
// bit for bit, values against numpy), full_like, eye/identity/tri/tril/triu, meshgrid, the
// windows, empty/empty_like, from_dlpack, isdtype, view, to_fp8/from_fp8 (against a bit-level
// reference written here), and set_printoptions/get_printoptions/printoptions/PrintOptions.
// Every dtype, edge cases, the stream argument, keyword arguments and every error.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { NumpyBatch, NP_NAME } = require('./helpers/numpy');
const { ALL_DTYPES, FLOAT_KEYS, assertArray, assertNumpy, throwsWith, roundBf16, flat } = require('./helpers/check');

const np = new NumpyBatch();
const F = Math.fround;
const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
const bitsOf = (x) => { f32buf[0] = x; return u32buf[0]; };
const fromBits = (u) => { u32buf[0] = u >>> 0; return f32buf[0]; };
// The distance to the next float32 above |x|.
const ulp32 = (x) => { const a = Math.abs(F(x)); return fromBits(bitsOf(a) + 1) - a; };

// Values of dtype k (exact in every dtype), for the ops that take an input array.
function values(k, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const v = ((i * 7) % 11) - 5;
    if (k === 'bool_') out.push(i % 3 !== 0);
    else if (k.startsWith('uint')) out.push(k === 'uint64' ? BigInt(v + 6) : v + 6);
    else if (k === 'int64') out.push(BigInt(v));
    else if (k.startsWith('int')) out.push(v);
    else if (k === 'complex64') out.push({ re: v / 4, im: (i % 5) - 2 });
    else out.push(v / 4 + (i % 2 ? 0.5 : 0));
  }
  return out;
}
const mk = (k, shape) => mx.array(values(k, shape.reduce((a, b) => a * b, 1)), mx[k]).reshape(shape);

// ---- linspace: MLX's arithmetic (t = i / d; (1 - t) * start + t * stop in float32) --------------

function mlxLinspace(start, stop, num, endpoint, wide) {
  if (num === 1) return [start];
  const R = wide ? (x) => x : F;
  const d = R(endpoint ? num - 1 : num);
  const s = R(start), e = R(stop);
  const out = [];
  for (let i = 0; i < num; i++) {
    const t = R(R(i) / d);
    out.push(R(R(R(1 - t) * s) + R(t * e)));
  }
  return out;
}
const LIN = [[0, 1, 5, true], [0, 1, 5, false], [-3.5, 11.25, 50, true], [0.21436651, 0.96568555, 6, true],
  [10, -10, 7, false], [1e6, -2.5, 33, true], [2, 3, 2, true], [2, 3, 2, false], [0, 255.9, 9, true]];
const linCases = [];
for (const [start, stop, num, endpoint] of LIN) {
  for (const k of ALL_DTYPES) {
    const wide = k === 'float64';
    const vals = mlxLinspace(start, stop, num, endpoint, wide);
    // The float32 (float64) values converted to the dtype by numpy's astype; bfloat16 below.
    const src = wide ? 'float64' : 'float32';
    const expr = k === 'bfloat16' ? 'x' : `x.astype(np.${NP_NAME[k]})`;
    linCases.push({ start, stop, num, endpoint, k, vals, h: np.eval(expr, { x: { dtype: src, shape: [num], flat: vals } }),
      npl: np.eval(`np.linspace(${start}, ${stop}, ${num}, endpoint=${endpoint ? 'True' : 'False'})`) });
  }
}

// ---- eye / identity / tri / tril / triu against numpy --------------------------------------------

const diagCases = [];
for (const k of ALL_DTYPES) {
  const npd = `np.${NP_NAME[k]}`;
  for (const [n, m, kk] of [[3, 3, 0], [3, 5, 1], [5, 3, -2], [4, 4, 7], [4, 4, -9], [1, 1, 0], [2, 6, -1]]) {
    diagCases.push({ label: `eye(${n},${m},${kk},${k})`, k, out: mx.eye(n, m, kk, mx[k]), h: np.eval(`np.eye(${n}, ${m}, ${kk}, dtype=${npd})`) });
    diagCases.push({ label: `tri(${n},${m},${kk},${k})`, k, out: mx.tri(n, m, kk, mx[k]), h: np.eval(`np.tri(${n}, ${m}, ${kk}, dtype=${npd})`) });
  }
  diagCases.push({ label: `identity(4,${k})`, k, out: mx.identity(4, mx[k]), h: np.eval(`np.identity(4, dtype=${npd})`) });
  for (const shape of [[4, 4], [3, 5], [2, 3, 4], [2, 2, 3, 5], [5, 2], [0, 3], [2, 0, 3]]) {
    const x = mk(k, shape);
    for (const kk of [0, 1, -1, 2, -3, 10, -10]) {
      diagCases.push({ label: `tril(${shape},${kk},${k})`, k, out: mx.tril(x, kk), h: np.eval(`np.tril(x, ${kk})`, { x }) });
      diagCases.push({ label: `triu(${shape},${kk},${k})`, k, out: mx.triu(x, kk), h: np.eval(`np.triu(x, ${kk})`, { x }) });
    }
  }
  // Non-contiguous inputs: transposed and broadcast.
  const t = mx.transpose(mk(k, [2, 3, 4]), [0, 2, 1]);
  const b = mx.broadcast_to(mk(k, [1, 4]), [3, 4]);
  const m = mx.transpose(mk(k, [3, 4, 2]), [2, 0, 1]);  // the batch axis innermost in memory
  for (const kk of [0, 1, -1]) {
    diagCases.push({ label: `tril(T,${kk},${k})`, k, out: mx.tril(t, kk), h: np.eval(`np.tril(x, ${kk})`, { x: t }) });
    diagCases.push({ label: `triu(T,${kk},${k})`, k, out: mx.triu(t, kk), h: np.eval(`np.triu(x, ${kk})`, { x: t }) });
    diagCases.push({ label: `triu(bcast,${kk},${k})`, k, out: mx.triu(b, kk), h: np.eval(`np.triu(x, ${kk})`, { x: b }) });
    diagCases.push({ label: `tril(batch-inner,${kk},${k})`, k, out: mx.tril(m, kk), h: np.eval(`np.tril(x, ${kk})`, { x: m }) });
  }
}

// ---- meshgrid, full_like, windows ---------------------------------------------------------------

const meshCases = [];
{
  const a = mx.array([1, 2, 3]), b = mx.array([4.5, 5.5], mx.float16), c = mx.array([true, false, true, true]);
  const m2 = mx.array([[1, 2], [3, 4]], mx.int64);
  for (const [arrs, names] of [[[a], 'a'], [[a, b], 'a,b'], [[a, b, c], 'a,b,c'], [[m2, a], 'm2,a'], [[b, m2, c], 'b,m2,c']]) {
    const vars = {};
    const label = names.split(',');
    arrs.forEach((x, i) => { vars[label[i]] = x; });
    for (const indexing of ['xy', 'ij']) {
      for (const sparse of [false, true]) {
        meshCases.push({ label: `meshgrid(${names}, ${indexing}, sparse=${sparse})`, out: mx.meshgrid(...arrs, { indexing, sparse }),
          h: arrs.map((_, i) => np.eval(`np.meshgrid(${names}, indexing='${indexing}', sparse=${sparse ? 'True' : 'False'})[${i}]`, vars)) });
      }
    }
  }
}

const fullCases = [];
for (const k of ALL_DTYPES) {
  const a = mk(k, [2, 3]);
  fullCases.push({ label: `full_like(${k}, 3)`, out: mx.full_like(a, 3), dtype: mx[k], h: np.eval('np.full_like(a, 3)', { a }) });
  fullCases.push({ label: `full_like(${k}, true)`, out: mx.full_like(a, true), dtype: mx[k], h: np.eval('np.full_like(a, True)', { a }) });
  for (const d of ['float32', 'int16', 'bool_', 'complex64', 'uint64', 'float16']) {
    fullCases.push({ label: `full_like(${k}, 2.5, ${d})`, out: mx.full_like(a, 2.5, mx[d]), dtype: mx[d], h: np.eval(`np.full_like(a, np.float32(2.5), dtype=np.${NP_NAME[d]})`, { a }) });
  }
  const row = mk(k, [3]);
  fullCases.push({ label: `full_like(float32, row ${k})`, out: mx.full_like(mx.zeros([2, 3]), row), dtype: mx.float32, h: np.eval('np.full_like(np.zeros((2, 3), np.float32), r)', { r: row }) });
}

const WIN = ['bartlett', 'hanning', 'hamming', 'blackman'];
const winCases = [];
for (const w of WIN) {
  for (const M of [0, 1, 2, 3, 4, 5, 10, 51, 100, 257]) winCases.push({ w, M, out: mx[w](M), h: np.eval(`np.${w}(${M})`) });
}

// ---- view against ndarray.view (bfloat16, which numpy lacks, by bits) ---------------------------

const VIEW_KEYS = ALL_DTYPES.filter((k) => k !== 'bfloat16');
const viewCases = [];
for (const src of VIEW_KEYS) {
  for (const dst of VIEW_KEYS) {
    const x = mk(src, [2, 8]);
    viewCases.push({ label: `${src}->${dst}`, src, dst, out: mx.view(x, mx[dst]), h: np.eval(`x.view(np.${NP_NAME[dst]})`, { x }) });
    // Transposed input: MLX lays the bytes out in row order first.
    const t = mx.transpose(mk(src, [8, 2]));
    viewCases.push({ label: `T ${src}->${dst}`, src, dst, out: t.view(mx[dst]), h: np.eval(`np.ascontiguousarray(x).view(np.${NP_NAME[dst]})`, { x: t }) });
  }
}

np.run();

// ---- fp8 reference ------------------------------------------------------------------------------

// Magnitudes of the e4m3 codes 0..127 (0x7F, NaN in e4m3fn, is not a value).
const GRID = [];
for (let c = 0; c < 128; c++) {
  const e = c >> 3, m = c & 7;
  GRID.push(e === 0 ? m * 2 ** -9 : (8 + m) * 2 ** (e - 10));
}
// Nearest grid value, ties to the even code; NaN, infinities and |x| >= 448 (the largest value)
// saturate to 0x7E with the sign, as MLX's CPU encoder.
function refToFp8(x) {
  const sign = bitsOf(x) >>> 31 ? 0x80 : 0;  // the bits, for the sign of NaNs too
  const a = Math.abs(x);
  if (Number.isNaN(x) || a >= 448) return sign | 0x7e;
  let best = 0;
  for (let c = 1; c < 127; c++) {
    const d = Math.abs(GRID[c] - a), db = Math.abs(GRID[best] - a);
    if (d < db || (d === db && c % 2 === 0)) best = c;
  }
  return sign | best;
}
function refFromFp8(c) {
  if ((c & 0x7f) === 0x7f) return NaN;
  const v = GRID[c & 0x7f];
  return c & 0x80 ? -v : v;
}

// ---- tests --------------------------------------------------------------------------------------

test('linspace: MLX float32 arithmetic bit for bit, every dtype, endpoint, against numpy', () => {
  for (const c of linCases) {
    const out = mx.linspace(c.start, c.stop, c.num, c.endpoint, mx[c.k]);
    const msg = `linspace(${c.start}, ${c.stop}, ${c.num}, ${c.endpoint}, ${c.k})`;
    if (c.k === 'float32' || c.k === 'float64') {
      assert.deepEqual(out.tolist(), c.vals, msg);
    } else if (c.k === 'bfloat16') {
      assertArray(out, { dtype: mx.bfloat16, shape: [c.num], values: c.vals.map(roundBf16), tol: { rtol: 0, atol: 0 }, msg });
    } else {
      assertNumpy(out, c.h, { dtype: mx[c.k], tol: { rtol: 0, atol: 0 }, msg });
    }
    // And close to numpy's float64 linspace.
    if (FLOAT_KEYS.has(c.k) && !(c.k === 'float16' && Math.max(Math.abs(c.start), Math.abs(c.stop)) > 65504)) {
      const tol = { float16: 2e-3, bfloat16: 1e-2, float32: 2e-6, float64: 1e-12 }[c.k];
      assertArray(out.astype(mx.float64), { values: c.npl.value.flat, tol: { rtol: tol, atol: tol * Math.max(Math.abs(c.start), Math.abs(c.stop)) }, msg });
    }
  }
});

test('linspace: num 0 and 1, defaults, keywords, stream, errors', () => {
  assertArray(mx.linspace(0, 1, 0), { dtype: mx.float32, shape: [0] });
  assertArray(mx.linspace(0, 1, 0, false, mx.int8), { dtype: mx.int8, shape: [0] });
  // One sample is start converted from the double (not through float32 for float64).
  assertArray(mx.linspace(0.1, 5, 1, { dtype: mx.float64 }), { shape: [1], values: [0.1] });
  assertArray(mx.linspace(0.1, 5, 1, false), { values: [F(0.1)] });
  assertArray(mx.linspace(7.9, 1, 1, { dtype: mx.int32 }), { values: [7] });
  const d = mx.linspace(-1, 1);
  assert.equal(d.dtype, mx.float32);
  assert.deepEqual(d.tolist(), mlxLinspace(-1, 1, 50, true, false));
  assert.deepEqual(mx.linspace(0, 1, { num: 4, endpoint: false }).tolist(), [0, 0.25, 0.5, 0.75]);
  assert.deepEqual(mx.linspace(0, 1, 3, true, null).tolist(), [0, 0.5, 1]);  // dtype None: float32
  assert.deepEqual(mx.linspace(0n, true, 3).tolist(), [0, 0.5, 1]);          // bigint and bool scalars
  const s = mx.new_stream(mx.cpu);
  assert.deepEqual(mx.linspace(0, 2, 3, true, mx.float32, s).tolist(), [0, 1, 2]);  // stream is positional
  assert.deepEqual(mx.linspace(0, 2, 3, { stream: mx.cpu }).tolist(), [0, 1, 2]);
  // A large count: each value is MLX's formula (the second core runs part of it).
  const big = mx.linspace(-3, 7, 300001).toTypedArray();
  const ref = mlxLinspace(-3, 7, 300001, true, false);
  let bad = 0;
  for (let i = 0; i < big.length; i++) if (big[i] !== ref[i]) bad++;
  assert.equal(bad, 0);
  throwsWith(() => mx.linspace(0, 1, -1), Error, /^\[linspace\] number of samples, -1, must be non-negative\.$/);
  throwsWith(() => mx.linspace(0, 1, 2.5), TypeError, /\[linspace\].*'num'/);
  throwsWith(() => mx.linspace(0, 1, 2 ** 40), RangeError, /\[linspace\].*'num'/);
  throwsWith(() => mx.linspace(0), TypeError, /\[linspace\] missing required argument 'stop'/);
  throwsWith(() => mx.linspace({ re: 1, im: 2 }, 3), TypeError, /\[linspace\].*'start'/);
  throwsWith(() => mx.linspace(0, [1]), TypeError, /\[linspace\].*'stop'/);
  throwsWith(() => mx.linspace(0, 1, 3, 'yes'), TypeError, /\[linspace\].*'endpoint'/);
  throwsWith(() => mx.linspace(0, 1, 3, true, 'float32'), TypeError, /\[linspace\].*dtype/);
  throwsWith(() => mx.linspace(0, 1, { nums: 3 }), TypeError, /\[linspace\].*'nums'/);
  throwsWith(() => mx.linspace(0, 1, 3, { stream: mx.gpu }), Error, /\[linspace\]/);
});

test('eye, identity, tri, tril, triu: every dtype against numpy, batches and strided inputs', () => {
  for (const c of diagCases) assertNumpy(c.out, c.h, { dtype: mx[c.k], tol: { rtol: 0, atol: 0 }, msg: c.label });
});

test('eye/tri/tril/triu: defaults, keywords, edge cases, stream, errors', () => {
  assertArray(mx.eye(2), { dtype: mx.float32, values: [[1, 0], [0, 1]] });
  assertArray(mx.eye(2, { m: 3, k: 1, dtype: mx.int8 }), { dtype: mx.int8, values: [[0, 1, 0], [0, 0, 1]] });
  assertArray(mx.eye(2, null, -1), { values: [[0, 0], [1, 0]] });
  assertArray(mx.identity(2, { dtype: mx.bool_ }), { values: [[true, false], [false, true]] });
  assertArray(mx.eye(2, 2, 2 ** 31 - 1), { values: [[0, 0], [0, 0]] });
  assertArray(mx.tri(3), { dtype: mx.float32, values: [[1, 0, 0], [1, 1, 0], [1, 1, 1]] });
  assertArray(mx.tri(2, { m: 3, k: 1 }), { values: [[1, 1, 0], [1, 1, 1]] });
  assertArray(mx.tri(2, 2, -(2 ** 31), mx.int32), { values: [[0, 0], [0, 0]] });
  // As MLX (arange-based): negative sizes give empty axes.
  assertArray(mx.tri(-1), { shape: [0, 0] });
  assertArray(mx.tri(2, 0), { shape: [2, 0] });
  const x = mx.arange(1, 10).reshape([3, 3]);
  assertArray(mx.tril(x, { k: -1 }), { dtype: mx.int32, values: [[0, 0, 0], [4, 0, 0], [7, 8, 0]] });
  assertArray(mx.triu(x, { k: 1 }), { values: [[0, 2, 3], [0, 0, 6], [0, 0, 0]] });
  assertArray(mx.tril([[1.5, 2], [3, 4]]), { dtype: mx.float32, values: [[1.5, 0], [3, 4]] });  // nested lists
  const s = mx.new_stream(mx.cpu);
  for (const stream of [s, mx.cpu]) {
    assertArray(mx.eye(2, { stream }), { values: [[1, 0], [0, 1]] });
    assertArray(mx.identity(2, mx.int32, { stream }), { values: [[1, 0], [0, 1]] });
    assertArray(mx.tri(2, { stream }), { values: [[1, 0], [1, 1]] });
    assertArray(mx.tril(x, 0, { stream }), { values: [[1, 0, 0], [4, 5, 0], [7, 8, 9]] });
    assertArray(mx.triu(x, { stream }), { values: [[1, 2, 3], [0, 5, 6], [0, 0, 9]] });
  }
  mx.synchronize(s);
  throwsWith(() => mx.eye(0), Error, /^\[eye\] N and M must be positive integers\.$/);
  throwsWith(() => mx.eye(3, -2), Error, /^\[eye\] N and M must be positive integers\.$/);
  throwsWith(() => mx.identity(0), Error, /^\[eye\]/);
  throwsWith(() => mx.eye(2.5), TypeError, /\[eye\].*'n'/);
  throwsWith(() => mx.eye(2, 2, 0, 'int32'), TypeError, /\[eye\].*dtype/);
  throwsWith(() => mx.eye(2 ** 31), RangeError, /\[eye\].*'n'/);
  throwsWith(() => mx.eye(), TypeError, /\[eye\] missing required argument 'n'/);
  throwsWith(() => mx.identity(2, { k: 1 }), TypeError, /\[identity\].*'k'/);
  throwsWith(() => mx.tri(3, 3, 0.5), TypeError, /\[tri\].*'k'/);
  throwsWith(() => mx.tri(2 ** 31 - 1, 2 ** 31 - 1), Error, /^\[tri\] Shape .* is too large/);
  throwsWith(() => mx.tril(mx.array([1, 2])), Error, /^\[tril\] array must be at least 2-D$/);
  throwsWith(() => mx.triu(5), Error, /^\[triu\] array must be at least 2-D$/);
  throwsWith(() => mx.tril(x, 1.5), TypeError, /\[tril\].*'k'/);
  throwsWith(() => mx.triu(x, 2 ** 40), RangeError, /\[triu\].*'k'/);
  throwsWith(() => mx.tril(), TypeError, /\[tril\] missing required argument 'x'/);
  throwsWith(() => mx.tril(x, 0, mx.cpu), TypeError, /\[tril\]/);  // stream is keyword-only
  throwsWith(() => mx.eye(2, { stream: mx.gpu }), Error, /\[eye\]/);
});

test('meshgrid: xy and ij, sparse, several dtypes and ranks, against numpy', () => {
  for (const c of meshCases) {
    assert.equal(c.out.length, c.h.length, c.label);
    c.out.forEach((o, i) => assertNumpy(o, c.h[i], { tol: { rtol: 0, atol: 0 }, msg: `${c.label}[${i}]` }));
  }
  assert.deepEqual(mx.meshgrid(), []);
  const [p, q] = mx.meshgrid([1, 2], 3, { stream: mx.cpu });  // array-likes
  assertArray(p, { shape: [1, 2], values: [[1, 2]] });
  assertArray(q, { shape: [1, 2], values: [[3, 3]] });
  const [e0, e1] = mx.meshgrid(mx.zeros([0]), mx.array([1, 2]));
  assert.deepEqual([e0.shape, e1.shape], [[2, 0], [2, 0]]);
  throwsWith(() => mx.meshgrid(mx.array([1]), { indexing: 'yx' }), Error, /^\[meshgrid\] Invalid indexing value\. Valid values are 'xy' and 'ij'\.$/);
  throwsWith(() => mx.meshgrid(mx.array([1]), { sparse: 1 }), TypeError, /\[meshgrid\].*'sparse'/);
  throwsWith(() => mx.meshgrid('a'), TypeError, /\[meshgrid\]/);
  throwsWith(() => mx.meshgrid(mx.array([1]), { copy: true }), TypeError, /\[meshgrid\].*'copy'/);
});

test('full_like: every dtype, dtype argument, array vals broadcasting, errors', () => {
  for (const c of fullCases) assertNumpy(c.out, c.h, { dtype: c.dtype, msg: c.label });
  // As MLX, vals and a broadcast against each other.
  assertArray(mx.full_like(mx.zeros([3]), mx.array([[1], [2]])), { dtype: mx.float32, shape: [2, 3], values: [[1, 1, 1], [2, 2, 2]] });
  assertArray(mx.full_like([1, 2], 7.5), { dtype: mx.int32, values: [7, 7] });  // an int array keeps its dtype
  assertArray(mx.full_like(mx.zeros([2], mx.uint8), 255), { dtype: mx.uint8, values: [255, 255] });
  assertArray(mx.full_like(mx.zeros([1]), { re: 1, im: 2 }, mx.complex64), { values: [{ re: 1, im: 2 }] });
  assertArray(mx.full_like(mx.zeros([2]), 2, { dtype: mx.int64, stream: mx.cpu }), { dtype: mx.int64, values: [2n, 2n] });
  assertArray(mx.full_like(mx.zeros([2]), { vals: 4 }), { values: [4, 4] });
  throwsWith(() => mx.full_like(mx.zeros([2, 3]), mx.zeros([4])), Error, /^\[full_like\] Shapes \(2,3\) and \(4\) cannot be broadcast\.$/);
  throwsWith(() => mx.full_like(mx.zeros([2], mx.int8), 300), RangeError, /\[full_like\] Converting 300 to int8 would result in overflow/);
  throwsWith(() => mx.full_like({ a: mx.zeros([2]), vals: 1 }), TypeError, /\[full_like\]/);
  throwsWith(() => mx.full_like(mx.zeros([2])), TypeError, /\[full_like\] missing required argument 'vals'/);
  throwsWith(() => mx.full_like(mx.zeros([2]), 'x'), TypeError, /\[full_like\].*'vals'/);
  throwsWith(() => mx.full_like(mx.zeros([2]), 1, 'int32'), TypeError, /\[full_like\].*dtype/);
});

test('windows: bartlett, hanning, hamming, blackman against numpy (float32), M = 0 and 1, errors', () => {
  for (const c of winCases) {
    const v = c.h.value;
    const msg = `${c.w}(${c.M})`;
    assert.equal(c.out.dtype, mx.float32, msg);
    assert.deepEqual(c.out.shape, v.shape, msg);
    const got = c.out.tolist();
    for (let i = 0; i < got.length; i++) {
      // numpy's double result rounded once to float32, within one float32 ulp (cos differs by
      // an ulp between libms).
      const e = F(v.flat[i]);
      assert.ok(Math.abs(got[i] - e) <= ulp32(e), `${msg}[${i}]: ${got[i]} vs ${e}`);
    }
  }
  assertArray(mx.hanning(1), { values: [1] });
  assertArray(mx.hamming(-3), { shape: [0] });
  assertArray(mx.blackman(3, { stream: mx.cpu }), { values: [0, 1, 0], tol: { rtol: 0, atol: 1e-7 } });
  assertArray(mx.bartlett(5), { values: [0, 0.5, 1, 0.5, 0] });
  for (const w of WIN) {
    throwsWith(() => mx[w](2.5), TypeError, new RegExp(`\\[${w}\\].*'M'`));
    throwsWith(() => mx[w]('5'), TypeError, new RegExp(`\\[${w}\\]`));
    throwsWith(() => mx[w](5, mx.cpu), TypeError, new RegExp(`\\[${w}\\]`));  // stream is keyword-only
    throwsWith(() => mx[w](), TypeError, new RegExp(`\\[${w}\\] missing required argument 'M'`));
    throwsWith(() => mx[w](2 ** 31), RangeError, new RegExp(`\\[${w}\\]`));
  }
});

test('empty and empty_like are zeros and zeros_like (MLX 0.32 aliases)', () => {
  assert.equal(mx.empty, mx.zeros);
  assert.equal(mx.empty_like, mx.zeros_like);
  assertArray(mx.empty([2, 2], mx.int16), { dtype: mx.int16, values: [[0, 0], [0, 0]] });
  assertArray(mx.empty_like(mx.ones([3], mx.bool_)), { dtype: mx.bool_, values: [false, false, false] });
  throwsWith(() => mx.empty('x'), TypeError, /\[zeros\]/);
});

test('from_dlpack: not available in JavaScript', () => {
  throwsWith(() => mx.from_dlpack(new Float32Array(2)), Error, /^\[from_dlpack\] DLPack is not available in JavaScript/);
  throwsWith(() => mx.from_dlpack(mx.zeros([2]), { copy: true }), Error, /^\[from_dlpack\]/);
  throwsWith(() => mx.from_dlpack(), TypeError, /\[from_dlpack\] missing required argument 'x'/);
  throwsWith(() => mx.from_dlpack(1, { device: 0 }), TypeError, /\[from_dlpack\].*'device'/);
});

test('isdtype: every dtype and kind, Dtypes, Arrays of kinds, errors', () => {
  const KIND = {
    bool: ['bool_'],
    'signed integer': ['int8', 'int16', 'int32', 'int64'],
    'unsigned integer': ['uint8', 'uint16', 'uint32', 'uint64'],
    integral: ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'],
    'real floating': ['float16', 'float32', 'float64', 'bfloat16'],
    'complex floating': ['complex64'],
    numeric: ALL_DTYPES.filter((k) => k !== 'bool_'),
  };
  for (const k of ALL_DTYPES) {
    for (const [kind, members] of Object.entries(KIND)) assert.equal(mx.isdtype(mx[k], kind), members.includes(k), `${k} ${kind}`);
    for (const j of ALL_DTYPES) assert.equal(mx.isdtype(mx[k], mx[j]), k === j);
    assert.equal(mx.isdtype(mx[k], ['bool', 'complex floating']), k === 'bool_' || k === 'complex64');
    assert.equal(mx.isdtype(mx[k], [mx.int8, 'real floating']), k === 'int8' || KIND['real floating'].includes(k));
    assert.equal(mx.isdtype(mx[k], []), false);
  }
  assert.equal(mx.isdtype(mx.int8, { kind: 'integral' }), true);
  throwsWith(() => mx.isdtype(mx.int8, 'integer'), Error, /^\[isdtype\] Unknown data type kind 'integer'/);
  throwsWith(() => mx.isdtype(mx.int8, ['bool', 'floating']), Error, /^\[isdtype\] Unknown data type kind 'floating'/);
  throwsWith(() => mx.isdtype(mx.int8, mx.integer), TypeError, /\[isdtype\].*'kind'/);
  throwsWith(() => mx.isdtype(mx.int8, 3), TypeError, /\[isdtype\].*'kind'/);
  throwsWith(() => mx.isdtype('int8', 'integral'), TypeError, /\[isdtype\].*'dtype'/);
  throwsWith(() => mx.isdtype(mx.zeros([1]), 'numeric'), TypeError, /\[isdtype\].*'dtype'/);
  throwsWith(() => mx.isdtype(mx.int8), TypeError, /\[isdtype\] missing required argument 'kind'/);
});

test('view: every dtype pair against ndarray.view, row-contiguous and transposed inputs', () => {
  for (const c of viewCases) assertNumpy(c.out, c.h, { dtype: mx[c.dst], tol: { rtol: 0, atol: 0 }, msg: c.label });
});

test('view: bfloat16 by bits, scalars, bytes kept, method, keywords, stream, errors', () => {
  const f = mx.array([1, -2.5, 0.15625, 3e38], mx.bfloat16);
  const bf = f.tolist();
  assertArray(mx.view(f, mx.uint16), { shape: [4], values: bf.map((x) => bitsOf(x) >>> 16) });
  assertArray(mx.view(mx.array(bf.map((x) => bitsOf(x) >>> 16), mx.uint16), mx.bfloat16), { values: bf });
  assertArray(mx.view(f, mx.uint8), { shape: [8], values: bf.flatMap((x) => [(bitsOf(x) >>> 16) & 255, bitsOf(x) >>> 24]) });
  assertArray(mx.view(mx.array([1, 2], mx.bfloat16), mx.float32), { shape: [1], values: [fromBits((bitsOf(2) & 0xffff0000) | (bitsOf(1) >>> 16))] });
  // Scalars: the same item size only.
  assertArray(mx.view(1, mx.float32), { shape: [], values: fromBits(1) });
  assertArray(mx.view(mx.array(-1.5), mx.uint32), { values: bitsOf(-1.5) });
  assertArray(mx.view(true, mx.int8), { dtype: mx.int8, values: 1 });
  // NaN payloads and odd bool bytes survive a round trip.
  const raw = mx.array([0x7fa00001, 0xffffffff], mx.uint32);
  assertArray(mx.view(mx.view(raw, mx.float32), mx.uint32), { values: [0x7fa00001, 0xffffffff] });
  assertArray(mx.view(mx.view(mx.array([2, 0, 7], mx.uint8), mx.bool_), mx.uint8), { values: [2, 0, 7] });
  // Same dtype: the same values (MLX returns the input).
  const a = mx.array([[1, 2], [3, 4]], mx.int32);
  assertArray(mx.view(a, mx.int32), { dtype: mx.int32, values: [[1, 2], [3, 4]] });
  // Method and keywords; size-0 and batched shapes.
  assertArray(a.view(mx.int16), { shape: [2, 4], values: [[1, 0, 2, 0], [3, 0, 4, 0]] });
  assertArray(a.view({ dtype: mx.uint8, stream: mx.cpu }), { shape: [2, 8] });
  assertArray(mx.view(a, { dtype: mx.float32 }), { values: [[1, 2], [3, 4]].map((r) => r.map(fromBits)) });
  assertArray(mx.view(mx.zeros([2, 0], mx.int8), mx.int64), { shape: [2, 0] });
  assertArray(mx.view(mx.zeros([3, 0, 4], mx.float64), mx.uint8), { shape: [3, 0, 32] });
  const s = mx.new_stream(mx.cpu);
  assertArray(mx.view(a, mx.uint32, { stream: s }), { dtype: mx.uint32, values: [[1, 2], [3, 4]] });
  throwsWith(() => mx.view(mx.array(1.5), mx.uint8), Error, /^\[view\] Changing the type of a scalar is only allowed for types with the same size\.$/);
  throwsWith(() => mx.view(mx.zeros([2, 3], mx.uint8), mx.int32), Error, /^\[view\] When viewing as a larger dtype, the size in bytes of the last axis must be a multiple of the requested type size\.$/);
  throwsWith(() => mx.view(a), TypeError, /\[view\] missing required argument 'dtype'/);
  throwsWith(() => mx.view(a, 'int8'), TypeError, /\[view\].*dtype/);
  throwsWith(() => mx.view({ a, dtype: mx.int8 }), TypeError, /\[view\]/);
  throwsWith(() => a.view(), TypeError, /\[array\.view\] missing required argument 'dtype'/);
  throwsWith(() => a.view(mx.int8, mx.cpu), TypeError, /\[array\.view\]/);
  throwsWith(() => mx.view(a, mx.int8, { stream: mx.gpu }), Error, /\[view\]/);
});

test('from_fp8: every code to every float dtype, against a bit-level decoder', () => {
  const codes = Array.from({ length: 256 }, (_, i) => i);
  const x = mx.array(codes, mx.uint8);
  const def = mx.from_fp8(x);
  assert.equal(def.dtype, mx.bfloat16);  // the default
  for (const k of ['float16', 'bfloat16', 'float32', 'float64']) {
    const out = mx.from_fp8(x, mx[k]);
    assert.equal(out.dtype, mx[k]);
    out.tolist().forEach((v, c) => {
      const e = refFromFp8(c);
      if (Number.isNaN(e)) assert.ok(Number.isNaN(v), `${k} code ${c}`);
      else assert.ok(Object.is(v, e), `${k} code ${c}: ${v} vs ${e}`);
    });
  }
  // NaN codes keep their sign (float32 bits 0x7FF00000 / 0xFFF00000, as MLX's CPU decoder).
  const nan = mx.view(mx.from_fp8(mx.array([0x7f, 0xff], mx.uint8), mx.float32), mx.uint32);
  assertArray(nan, { values: [0x7ff00000, 0xfff00000] });
  assertArray(mx.from_fp8(mx.transpose(mx.array([[1, 2], [3, 4]], mx.uint8)), { dtype: mx.float32, stream: mx.cpu }),
    { values: [[refFromFp8(1), refFromFp8(3)], [refFromFp8(2), refFromFp8(4)]] });
  throwsWith(() => mx.from_fp8(mx.array([1], mx.int8), mx.float32), Error, /^\[from_fp8\] Input must have type uint8 but x\.dtype\(\) == int8\.$/);
  throwsWith(() => mx.from_fp8(x, mx.int32), Error, /^\[from_fp8\] Only real floating types are supported but dtype == int32\.$/);
  throwsWith(() => mx.from_fp8(x, mx.complex64), Error, /^\[from_fp8\]/);
  throwsWith(() => mx.from_fp8({ x, dtype: mx.float32 }), TypeError, /\[from_fp8\]/);
  throwsWith(() => mx.from_fp8(x, 'float32'), TypeError, /\[from_fp8\].*dtype/);
});

test('to_fp8: float32, float64, float16, bfloat16 inputs against a nearest-value reference', () => {
  // Grid points, midpoints (ties) and their float32 neighbours, specials, and a sweep.
  const xs = [];
  const up = (v) => fromBits(bitsOf(v) + 1), down = (v) => fromBits(bitsOf(v) - 1);
  for (let c = 0; c < 126; c++) {
    const mid = F((GRID[c] + GRID[c + 1]) / 2);
    for (const v of [GRID[c], mid, up(mid), c ? down(mid) : mid, up(F(GRID[c]))]) xs.push(F(v), -F(v));
  }
  xs.push(440, 447.99, 448, 464, 470, 479.99, 480, 481, 1e30, Infinity, -Infinity, NaN, -0, 0, 1e-45, -3e-39, 2 ** -10, 2 ** -10 * 3);
  let seed = 12345;
  for (let i = 0; i < 4000; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    xs.push(fromBits(seed));                    // any bit pattern
    xs.push(F((seed / 2 ** 32 - 0.5) * 1000));  // the useful range
  }
  const f32 = xs.map(F);
  const got = mx.to_fp8(mx.array(f32, mx.float32));
  assert.equal(got.dtype, mx.uint8);
  const g = got.tolist();
  let bad = [];
  f32.forEach((v, i) => { if (g[i] !== refToFp8(v)) bad.push(`${v}: ${g[i]} vs ${refToFp8(v)}`); });
  assert.deepEqual(bad.slice(0, 10), []);
  // float64 input rounds to float32 first; float16 and bfloat16 inputs convert exactly.
  const doubles = [0.1, 1 / 3, 449.9999999, 463.99999999999, 2 ** -9 * 0.5000001, -7.123456789];
  assertArray(mx.to_fp8(mx.array(doubles, mx.float64)), { values: doubles.map((v) => refToFp8(F(v))) });
  for (const k of ['float16', 'bfloat16']) {
    const a = mx.array(f32.filter((v) => Number.isFinite(v) && Math.abs(v) < 6e4), mx[k]);
    bad = [];
    const out = mx.to_fp8(a).tolist();
    a.tolist().forEach((v, i) => { if (out[i] !== refToFp8(v)) bad.push(`${k} ${v}`); });
    assert.deepEqual(bad.slice(0, 10), [], k);
  }
  // Round trips of every finite code; strided input; keywords.
  const finite = Array.from({ length: 256 }, (_, i) => i).filter((c) => (c & 0x7f) !== 0x7f);
  assertArray(mx.to_fp8(mx.from_fp8(mx.array(finite, mx.uint8), mx.float32)), { values: finite });
  assertArray(mx.to_fp8(mx.transpose(mx.array([[1, 2], [3, 448]], mx.float32)), { stream: mx.cpu }), { values: [[refToFp8(1), refToFp8(3)], [refToFp8(2), 0x7e]] });
  throwsWith(() => mx.to_fp8(mx.array([1, 2])), Error, /^\[to_fp8\] Only real floating types are supported but x\.dtype\(\) == int32\.$/);
  throwsWith(() => mx.to_fp8(mx.array([{ re: 1, im: 0 }])), Error, /^\[to_fp8\]/);
  throwsWith(() => mx.to_fp8(), TypeError, /\[to_fp8\] missing required argument 'x'/);
  throwsWith(() => mx.to_fp8({ x: mx.zeros([1]) }), TypeError, /\[to_fp8\]/);
});

test('print options: precision changes String(array) and is restored', () => {
  const a = mx.array([1.23456, 2]);
  const base = 'array([1.23456, 2], dtype=float32)';
  assert.equal(String(a), base);
  assert.equal(mx.get_printoptions().precision, -1);
  assert.ok(mx.get_printoptions() instanceof mx.PrintOptions);
  mx.set_printoptions(3);
  try {
    assert.equal(String(a), 'array([1.235, 2.000], dtype=float32)');
    assert.equal(mx.get_printoptions().precision, 3);
    assert.equal(String(mx.array([[0.5, -1], [1e-4, 1e6]])), 'array([[0.500, -1.000],\n       [0.000, 1000000.000]], dtype=float32)');
    assert.equal(String(mx.array([1, 2], mx.int32)), 'array([1, 2], dtype=int32)');  // ints and bools unchanged
    assert.equal(String(mx.array([true])), 'array([True], dtype=bool)');
    assert.equal(String(mx.array(1 / 3, mx.float16)), 'array(0.333, dtype=float16)');
    assert.equal(String(mx.array(2.5, mx.bfloat16)), 'array(2.500, dtype=bfloat16)');
    assert.equal(String(mx.array([{ re: 1.5, im: -2.25 }])), 'array([1.500-2.250j], dtype=complex64)');
    assert.equal(String(mx.array(1 / 3, mx.float64)), 'array(0.333, dtype=float64)');
    // The context object: run() restores afterwards, also when fn throws; contexts nest.
    const ctx = mx.printoptions(1);
    assert.equal(ctx.run(() => String(a)), 'array([1.2, 2.0], dtype=float32)');
    assert.equal(String(a), 'array([1.235, 2.000], dtype=float32)');
    assert.throws(() => mx.printoptions({ precision: 0 }).run(() => { assert.equal(String(a), 'array([1, 2], dtype=float32)'); throw new Error('boom'); }), /boom/);
    assert.equal(mx.get_printoptions().precision, 3);
    const outer = mx.printoptions(5);
    assert.equal(outer.__enter__(), outer);
    assert.equal(String(a), 'array([1.23456, 2.00000], dtype=float32)');
    mx.printoptions(2).run(() => assert.equal(String(a), 'array([1.23, 2.00], dtype=float32)'));
    assert.equal(String(a), 'array([1.23456, 2.00000], dtype=float32)');
    outer.__exit__();
    assert.equal(mx.get_printoptions().precision, 3);
    // A copy: changing it changes nothing.
    const po = mx.get_printoptions();
    po.precision = 7;
    assert.equal(mx.get_printoptions().precision, 3);
    // set_printoptions() is Python's import-time default, -1.
    mx.set_printoptions();
  } finally {
    mx.set_printoptions(-1);
  }
  assert.equal(String(a), base);
  mx.set_printoptions({ precision: 2 });
  assert.equal(String(a), 'array([1.23, 2.00], dtype=float32)');
  mx.printoptions().run(() => assert.equal(String(a), base));
  mx.set_printoptions(-1);
  assert.equal(String(a), base);
});

test('print options: async run, PrintOptions class, errors', async () => {
  const a = mx.array([0.125]);
  const p = mx.printoptions(1).run(async () => {
    await new Promise((r) => setTimeout(r, 5));
    return String(a);
  });
  assert.equal(await p, 'array([0.1], dtype=float32)');
  assert.equal(String(a), 'array([0.125], dtype=float32)');
  const o = mx.PrintOptions(4);
  assert.ok(o instanceof mx.PrintOptions);
  assert.equal(o.precision, 4);
  assert.equal(new mx.PrintOptions().precision, -1);
  assert.equal(String(new mx.PrintOptions(2)), 'PrintOptions(precision=2)');
  throwsWith(() => mx.set_printoptions('3'), TypeError, /\[set_printoptions\].*'precision'/);
  throwsWith(() => mx.set_printoptions(1.5), TypeError, /\[set_printoptions\].*'precision'/);
  throwsWith(() => mx.set_printoptions(2 ** 40), RangeError, /\[set_printoptions\]/);
  throwsWith(() => mx.printoptions(3, 4), TypeError, /\[printoptions\]/);
  throwsWith(() => mx.printoptions({ digits: 3 }), TypeError, /\[printoptions\].*'digits'/);
  throwsWith(() => mx.get_printoptions(1), TypeError, /\[get_printoptions\]/);
  throwsWith(() => mx.PrintOptions(0.5), TypeError, /\[PrintOptions\].*'precision'/);
  throwsWith(() => mx.printoptions(2).run(5), TypeError, /printoptions/);
  // Python's private context class, built from a PrintOptions.
  const ctx = new mx._PrintOptionsContext(mx.PrintOptions(3));
  assert.ok(mx.printoptions(1) instanceof mx._PrintOptionsContext);
  assert.equal(ctx.run(() => String(mx.array([0.5]))), 'array([0.500], dtype=float32)');
  throwsWith(() => new mx._PrintOptionsContext({ precision: 3 }), TypeError, /\[_PrintOptionsContext\]/);
  assert.equal(mx.get_printoptions().precision, -1);
});
