'use strict';
// mx.fft against numpy.fft computed in float64 / complex128 on the values MLX transforms
// (its float32 / complex64 cast of the input): every function, lengths that reach each
// algorithm (small radices, generic primes, FourStep, Bluestein; 1 ... 2^16 and 10007),
// n / s / axes with padding and truncation, norms, batches, non-contiguous inputs, every
// input dtype, round trips, fftfreq / rfftfreq (MLX's float32 formula) and the shifts, the
// stream argument, keywords, empty arrays, and every error.
// Transform results are compared normwise: max |got - ref| <= 4 eps32 (log2 N + 1) rms(ref),
// the error bound of a float32 FFT (an element near zero has no relative accuracy to check).
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { NumpyBatch } = require('./helpers/numpy');
const { ALL_DTYPES, flat, assertArray, throwsWith } = require('./helpers/check');

const np = new NumpyBatch();
const EPS = 2 ** -24;

// Deterministic values in [-1, 1), exact in float32.
function seq(n, seed) {
  let s = seed >>> 0;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) / 2 ** 23 - 1;
  }
  return out;
}
const size = (shape) => shape.reduce((a, b) => a * b, 1);
function real(shape, seed = 1) {
  return mx.array(seq(size(shape), seed), mx.float32).reshape(shape);
}
function cplx(shape, seed = 1) {
  const n = size(shape);
  const re = seq(n, seed), im = seq(n, seed + 7919);
  return mx.array(re.map((r, i) => ({ re: r, im: im[i] })), mx.complex64).reshape(shape);
}
// Small values of any dtype (integers in [-8, 8), unsigned in [0, 16)).
function ofDtype(k, shape, seed = 3) {
  if (k === 'complex64') return cplx(shape, seed);
  const v = seq(size(shape), seed);
  let vals;
  if (k === 'bool_') vals = v.map((x) => x > 0);
  else if (k === 'int64') vals = v.map((x) => BigInt(Math.floor(x * 8)));
  else if (k === 'uint64') vals = v.map((x) => BigInt(Math.floor(x * 8) + 8));
  else if (k.startsWith('uint')) vals = v.map((x) => Math.floor(x * 8) + 8);
  else if (k.startsWith('int')) vals = v.map((x) => Math.floor(x * 8));
  else return mx.array(v, mx.float32).astype(mx[k]).reshape(shape);
  return mx.array(vals, mx[k]).reshape(shape);
}

const asC = (v) => (v !== null && typeof v === 'object' ? v : { re: Number(v), im: 0 });
const py = (v) => (v === null || v === undefined ? 'None' : Array.isArray(v) ? `(${v.join(',')}${v.length === 1 ? ',' : ''})` : `'${v}'`);
const pyInt = (v) => (v === null || v === undefined ? 'None' : String(v));
// numpy's input: what MLX transforms (complex64 / float32 cast, in double).
const C_IN = 'a.astype(np.complex64).astype(np.complex128)';
const R_IN = 'np.real(a).astype(np.float32).astype(np.float64)';

// got against a numpy handle, normwise, with N the product of the transform lengths.
function assertFFT(got, h, { N, dtype = mx.complex64, factor = 4, msg = '' }) {
  const where = msg || h.expr;
  assert.equal(h.error, undefined, `numpy failed on ${h.expr}: ${h.error}`);
  assert.equal(got.dtype, dtype, `dtype (${where})`);
  assert.deepEqual(got.shape, h.value.shape, `shape (${where})`);
  const g = flat(got.tolist()).map(asC), r = h.value.flat.map(asC);
  assert.equal(g.length, r.length);
  let rms = 0, worst = 0, at = -1;
  for (let i = 0; i < r.length; i++) rms += r[i].re ** 2 + r[i].im ** 2;
  rms = Math.sqrt(rms / Math.max(r.length, 1));
  for (let i = 0; i < r.length; i++) {
    const e = Math.hypot(g[i].re - r[i].re, g[i].im - r[i].im);
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  const tol = factor * EPS * (Math.log2(Math.max(N, 1)) + 1) * rms;
  if (r.length && !(worst <= tol)) {
    assert.fail(`${where}: error ${worst} > ${tol} at ${at}: got ${JSON.stringify(g[at])}, want ${JSON.stringify(r[at])}`);
  }
}

const cases = [];
function queue(got, expr, vars, opts) {
  cases.push({ got, h: np.eval(expr, vars), opts });
}

// ---- 1-d transforms over lengths that reach every algorithm -------------------------------------
const LENGTHS = [1, 2, 3, 5, 7, 8, 12, 16, 17, 97, 360, 1000, 1024, 4096, 10007, 65536];
for (const n of LENGTHS) {
  const c = cplx([n], n), r = real([n], n + 1);
  queue(mx.fft.fft(c), `np.fft.fft(${C_IN})`, { a: c }, { N: n });
  queue(mx.fft.ifft(c), `np.fft.ifft(${C_IN})`, { a: c }, { N: n });
  queue(mx.fft.rfft(r), `np.fft.rfft(${R_IN})`, { a: r }, { N: n });
  queue(mx.fft.fft(r), `np.fft.fft(${C_IN})`, { a: r }, { N: n });  // a real input read as complex
  const half = mx.fft.rfft(r);
  queue(mx.fft.irfft(half, n), `np.fft.irfft(${C_IN}, n=${n})`, { a: half }, { N: n, dtype: mx.float32 });
  if (n > 1) queue(mx.fft.irfft(c), `np.fft.irfft(${C_IN})`, { a: c }, { N: 2 * (n - 1), dtype: mx.float32 });
  // Batches along the last axis and down the first.
  if (n <= 4096) {
    const b = cplx([3, n], n + 2), rb = real([n, 5], n + 3);
    queue(mx.fft.fft(b), `np.fft.fft(${C_IN})`, { a: b }, { N: n });
    queue(mx.fft.ifft(b, null, 0), `np.fft.ifft(${C_IN}, axis=0)`, { a: b }, { N: 3 });
    queue(mx.fft.rfft(rb, null, 0), `np.fft.rfft(${R_IN}, axis=0)`, { a: rb }, { N: n });
    const hb = mx.fft.rfft(rb, null, 0);
    queue(mx.fft.irfft(hb, n, 0), `np.fft.irfft(${C_IN}, n=${n}, axis=0)`, { a: hb }, { N: n, dtype: mx.float32 });
  }
}

// Many lines at once (the lane kernels) with lengths of each kind.
for (const n of [6, 64, 97, 128, 194, 1000]) {
  const c = cplx([20, n], 2 * n), r = real([20, n], 3 * n);
  queue(mx.fft.fft(c), `np.fft.fft(${C_IN})`, { a: c }, { N: n });
  queue(mx.fft.rfft(r), `np.fft.rfft(${R_IN})`, { a: r }, { N: n });
  queue(mx.fft.irfft(mx.fft.rfft(r), n), `np.fft.irfft(np.fft.rfft(${R_IN}), n=${n})`, { a: r }, { N: n, dtype: mx.float32 });
}

// ---- n: padding and truncation; norms ---------------------------------------------------------------
for (const n of [1, 3, 6, 8, 11, 40]) {
  const c = cplx([4, 8], 11), r = real([4, 8], 12);
  for (const norm of ['backward', 'ortho', 'forward']) {
    queue(mx.fft.fft(c, n, -1, norm), `np.fft.fft(${C_IN}, n=${n}, axis=-1, norm='${norm}')`, { a: c }, { N: n });
    queue(mx.fft.ifft(c, { n, axis: 0, norm }), `np.fft.ifft(${C_IN}, n=${n}, axis=0, norm='${norm}')`, { a: c }, { N: n });
    queue(mx.fft.rfft(r, n, 1, norm), `np.fft.rfft(${R_IN}, n=${n}, axis=1, norm='${norm}')`, { a: r }, { N: n });
    queue(mx.fft.irfft(c, n, 1, norm), `np.fft.irfft(${C_IN}, n=${n}, axis=1, norm='${norm}')`, { a: c }, { N: n, dtype: mx.float32 });
  }
}

// ---- 2-d and n-d: s, axes (order, negative, None), padding, truncation, norms ------------------------
const ND = [
  // [shape, s, axes]
  [[4, 6], undefined, undefined],
  [[3, 4, 5], undefined, undefined],
  [[3, 4, 5], [6, 3], [0, 2]],
  [[3, 4, 5], [2, 7], [-1, -3]],
  [[3, 4, 5], [4, 4, 4], [2, 0, 1]],
  [[2, 3, 4, 6], [5, 6], [1, 3]],
  [[6, 10], [16, 1], [0, 1]],
  [[5, 7], [5], [0]],
];
for (const [shape, s, axes] of ND) {
  const c = cplx(shape, size(shape)), r = real(shape, size(shape) + 1);
  const kw = {};
  if (s !== undefined) kw.s = s;
  if (axes !== undefined) kw.axes = axes;
  const S = s === undefined ? 'None' : py(s), A = axes === undefined ? 'None' : py(axes);
  const lens = s || (axes ? axes.map((a) => shape[(a + shape.length) % shape.length]) : shape);
  const N = lens.reduce((x, y) => x * y, 1);
  for (const norm of ['backward', 'ortho', 'forward']) {
    const o = { ...kw, norm };
    queue(mx.fft.fftn(c, o), `np.fft.fftn(${C_IN}, s=${S}, axes=${A}, norm='${norm}')`, { a: c }, { N });
    queue(mx.fft.ifftn(c, o), `np.fft.ifftn(${C_IN}, s=${S}, axes=${A}, norm='${norm}')`, { a: c }, { N });
    queue(mx.fft.rfftn(r, o), `np.fft.rfftn(${R_IN}, s=${S}, axes=${A}, norm='${norm}')`, { a: r }, { N });
    queue(mx.fft.irfftn(c, o), `np.fft.irfftn(${C_IN}, s=${S}, axes=${A}, norm='${norm}')`, { a: c }, { N: N * 2, dtype: mx.float32 });
  }
  // fft2 family: the same with explicit axes; axes null means every axis (as Python).
  if (axes !== undefined && axes.length === 2) {
    const o = s === undefined ? { axes } : { s, axes };
    queue(mx.fft.fft2(c, o), `np.fft.fft2(${C_IN}, s=${S}, axes=${A})`, { a: c }, { N });
    queue(mx.fft.ifft2(c, o), `np.fft.ifft2(${C_IN}, s=${S}, axes=${A})`, { a: c }, { N });
    queue(mx.fft.rfft2(r, o), `np.fft.rfft2(${R_IN}, s=${S}, axes=${A})`, { a: r }, { N });
    queue(mx.fft.irfft2(c, o), `np.fft.irfft2(${C_IN}, s=${S}, axes=${A})`, { a: c }, { N: 2 * N, dtype: mx.float32 });
  }
}
{
  const c = cplx([2, 3, 4], 5), r = real([2, 3, 4], 6);
  queue(mx.fft.fft2(c), `np.fft.fft2(${C_IN})`, { a: c }, { N: 12 });
  queue(mx.fft.ifft2(c, [5, 2]), `np.fft.ifft2(${C_IN}, s=(5,2))`, { a: c }, { N: 10 });
  queue(mx.fft.rfft2(r), `np.fft.rfft2(${R_IN})`, { a: r }, { N: 12 });
  queue(mx.fft.irfft2(c), `np.fft.irfft2(${C_IN})`, { a: c }, { N: 18, dtype: mx.float32 });
  queue(mx.fft.fft2(c, null, null), `np.fft.fftn(${C_IN})`, { a: c }, { N: 24 });
  queue(mx.fft.rfft2(r, { axes: null }), `np.fft.rfftn(${R_IN})`, { a: r }, { N: 24 });
  queue(mx.fft.irfft2(c, null, null), `np.fft.irfftn(${C_IN})`, { a: c }, { N: 36, dtype: mx.float32 });
  queue(mx.fft.ifft2(c, { axes: [0, 2] }), `np.fft.ifft2(${C_IN}, axes=(0,2))`, { a: c }, { N: 8 });
}

// ---- every input dtype ---------------------------------------------------------------------------
for (const k of ALL_DTYPES) {
  const a = ofDtype(k, [3, 8]);
  queue(mx.fft.fft(a), `np.fft.fft(${C_IN})`, { a }, { N: 8, msg: `fft ${k}` });
  queue(mx.fft.ifft2(a), `np.fft.ifft2(${C_IN})`, { a }, { N: 24, msg: `ifft2 ${k}` });
  queue(mx.fft.rfft(a), `np.fft.rfft(${R_IN})`, { a }, { N: 8, msg: `rfft ${k}` });
  queue(mx.fft.rfftn(a), `np.fft.rfftn(${R_IN})`, { a }, { N: 24, msg: `rfftn ${k}` });
  queue(mx.fft.irfft(a), `np.fft.irfft(${C_IN})`, { a }, { N: 14, dtype: mx.float32, msg: `irfft ${k}` });
}

// ---- non-contiguous inputs ----------------------------------------------------------------------------
{
  const base = cplx([6, 10], 21), rb = real([6, 10], 22);
  const t = base.T, rt = rb.T;
  const bc = mx.broadcast_to(real([1, 12], 23), [5, 12]);
  const sw = mx.swapaxes(cplx([4, 3, 8], 24), 0, 2);
  queue(mx.fft.fft(t), `np.fft.fft(${C_IN})`, { a: t }, { N: 6 });
  queue(mx.fft.fft(t, null, 0), `np.fft.fft(${C_IN}, axis=0)`, { a: t }, { N: 10 });
  queue(mx.fft.fftn(t, [8, 4], [0, 1]), `np.fft.fftn(${C_IN}, s=(8,4), axes=(0,1))`, { a: t }, { N: 32 });
  queue(mx.fft.rfft(rt), `np.fft.rfft(${R_IN})`, { a: rt }, { N: 6 });
  queue(mx.fft.rfft2(rt, [7, 5]), `np.fft.rfft2(${R_IN}, s=(7,5))`, { a: rt }, { N: 35 });
  queue(mx.fft.irfft(t, 11), `np.fft.irfft(${C_IN}, n=11)`, { a: t }, { N: 11, dtype: mx.float32 });
  queue(mx.fft.irfftn(t), `np.fft.irfftn(${C_IN})`, { a: t }, { N: 100, dtype: mx.float32 });
  queue(mx.fft.fft(bc, null, 0), `np.fft.fft(${C_IN}, axis=0)`, { a: bc }, { N: 5 });
  queue(mx.fft.rfft(bc), `np.fft.rfft(${R_IN})`, { a: bc }, { N: 12 });
  queue(mx.fft.fftn(sw), `np.fft.fftn(${C_IN})`, { a: sw }, { N: 96 });
  queue(mx.fft.ifft(sw, 5, 1), `np.fft.ifft(${C_IN}, n=5, axis=1)`, { a: sw }, { N: 5 });
}

// ---- frequencies and shifts --------------------------------------------------------------------------
const freqCases = [];
for (const [n, d] of [[1, 1], [2, 1], [5, 1], [8, 0.5], [9, 0.1], [10, -2], [100, 3.7]]) {
  // MLX: float32(k) * float32(1 / (n d)), rounded once in float32.
  const sc = `np.float32(1.0 / (${n} * ${d}))`;
  const ks = `np.concatenate([np.arange(0, (${n} + 1) // 2), np.arange(-(${n} // 2), 0)]).astype(np.float32)`;
  freqCases.push({ got: mx.fft.fftfreq(n, d), h: np.eval(`(${ks} * ${sc}).astype(np.float32)`), h2: np.eval(`np.fft.fftfreq(${n}, ${d})`) });
  freqCases.push({ got: mx.fft.rfftfreq(n, { d }), h: np.eval(`(np.arange(0, ${n} // 2 + 1).astype(np.float32) * ${sc}).astype(np.float32)`), h2: np.eval(`np.fft.rfftfreq(${n}, ${d})`) });
}
const shiftCases = [];
for (const [shape, axes] of [[[5], undefined], [[6], undefined], [[4, 5], undefined], [[4, 5], 0], [[4, 5], [1]],
  [[3, 4, 5], [-1, 0]], [[3, 4, 5], [2, 2]], [[3, 0, 2], undefined], [[7, 3], []]]) {
  for (const k of ['int32', 'float32', 'complex64', 'bool_']) {
    const a = ofDtype(k, shape, 31);
    const A = axes === undefined ? 'None' : Array.isArray(axes) ? py(axes) : String(axes);
    const args = axes === undefined ? [] : [axes];
    shiftCases.push({ got: mx.fft.fftshift(a, ...args), h: np.eval(`np.fft.fftshift(a, axes=${A})`, { a }), k });
    shiftCases.push({ got: mx.fft.ifftshift(a, ...args), h: np.eval(`np.fft.ifftshift(a, axes=${A})`, { a }), k });
  }
}

np.run();

test('transforms against numpy (float64), normwise', () => {
  assert.ok(cases.length > 300, `${cases.length} cases`);
  for (const c of cases) assertFFT(c.got, c.h, c.opts);
});

test('fftfreq and rfftfreq: MLX float32 values, close to numpy', () => {
  for (const c of freqCases) {
    assert.equal(c.got.dtype, mx.float32);
    assert.deepEqual(c.got.shape, c.h.value.shape);
    assert.deepEqual(c.got.tolist(), c.h.value.flat, c.h.expr);  // bit for bit
    assertArray(c.got, { values: c.h2.value.flat, tol: { rtol: 1e-6, atol: 1e-7 } });
  }
});

test('fftshift and ifftshift against numpy', () => {
  for (const c of shiftCases) {
    assert.equal(c.h.error, undefined, c.h.expr);
    assert.equal(c.got.dtype, mx[c.k]);
    assertArray(c.got, { shape: c.h.value.shape, values: c.h.value.flat, msg: c.h.expr });
  }
  // Empty axes, or a 0-d input with axes None: the input unchanged (as MLX).
  assertArray(mx.fft.fftshift(mx.arange(6), []), { dtype: mx.int32, values: [0, 1, 2, 3, 4, 5] });
  assertArray(mx.fft.ifftshift(mx.array(2.5)), { dtype: mx.float32, shape: [], values: 2.5 });
  assertArray(mx.fft.ifftshift(mx.fft.fftshift(mx.arange(7))), { values: [0, 1, 2, 3, 4, 5, 6] });
});

test('round trips', () => {
  for (const n of [1, 2, 7, 8, 97, 360, 1025, 4096]) {
    const x = real([2, n], n + 40);
    const back = mx.fft.irfft(mx.fft.rfft(x), n);
    assertArray(back, { dtype: mx.float32, shape: [2, n], values: flat(x.tolist()), tol: { rtol: 0, atol: 2e-6 * (Math.log2(n) + 1) } });
    const c = cplx([n], n + 41);
    const cb = mx.fft.ifft(mx.fft.fft(c));
    assertArray(cb, { values: flat(c.tolist()), tol: { rtol: 0, atol: 2e-6 * (Math.log2(n) + 1) } });
    for (const norm of ['ortho', 'forward']) {
      assertArray(mx.fft.irfft(mx.fft.rfft(x, { norm }), n, -1, norm), { values: flat(x.tolist()), tol: { rtol: 0, atol: 2e-6 * (Math.log2(n) + 1) } });
    }
  }
  const x = real([3, 4, 6], 50);
  assertArray(mx.fft.irfftn(mx.fft.rfftn(x), [3, 4, 6], [0, 1, 2]), { values: flat(x.tolist()), tol: { rtol: 0, atol: 1e-5 } });
  assertArray(mx.fft.irfft2(mx.fft.rfft2(x)), { values: flat(x.tolist()), tol: { rtol: 0, atol: 1e-5 } });
  // Exact values: the transform of an impulse and of a constant.
  assertArray(mx.fft.fft(mx.array([1, 0, 0, 0, 0])), { values: [1, 1, 1, 1, 1].map((v) => ({ re: v, im: 0 })), tol: { rtol: 0, atol: 0 } });
  assertArray(mx.fft.rfft(mx.array([2, 2, 2, 2])), { values: [{ re: 8, im: 0 }, { re: 0, im: 0 }, { re: 0, im: 0 }], tol: { rtol: 0, atol: 0 } });
});

test('stream argument, keywords and positional forms', () => {
  const c = cplx([2, 8], 60), r = real([2, 8], 61);
  const ref = mx.fft.fft(c).tolist();
  const s = mx.new_stream(mx.cpu);
  assert.deepEqual(mx.fft.fft(c, { stream: mx.cpu }).tolist(), ref);
  assert.deepEqual(mx.fft.fft(c, { stream: s }).tolist(), ref);
  assert.deepEqual(mx.fft.fft(c, null, -1, 'backward', s).tolist(), ref);  // stream is positional too
  assert.deepEqual(mx.fft.fft(c, { n: 8, axis: 1, norm: 'backward' }).tolist(), ref);
  assert.deepEqual(mx.fft.fft(c, undefined, 1).tolist(), ref);
  assert.deepEqual(mx.fft.fft(c, 8n, -1n).tolist(), ref);  // bigints are Python ints
  assert.deepEqual(mx.fft.fftn(c, { s: [2, 8], axes: [0, 1], stream: s }).tolist(), mx.fft.fft2(c).tolist());
  assert.deepEqual(mx.fft.rfft2(r, [2, 8], { axes: [0, 1] }).tolist(), mx.fft.rfftn(r).tolist());
  assert.deepEqual(mx.fft.irfft(mx.fft.rfft(r), { n: 8, stream: s }).tolist(), mx.fft.irfft(mx.fft.rfft(r), 8).tolist());
  assert.deepEqual(mx.fft.fftshift(r, { axes: 1, stream: s }).tolist(), mx.fft.fftshift(r, [1]).tolist());
  assert.deepEqual(mx.fft.fftfreq(6, { d: 2, stream: mx.cpu }).tolist(), mx.fft.fftfreq(6, 2).tolist());
  assert.deepEqual(mx.fft.rfftfreq({ n: 6 }).tolist(), mx.fft.rfftfreq(6, 1).tolist());
  // Array-likes are converted as mx.array does; the result is lazy until read.
  assertArray(mx.fft.fft([1, 2, 3, 4]), { dtype: mx.complex64, values: [{ re: 10, im: 0 }, { re: -2, im: 2 }, { re: -2, im: 0 }, { re: -2, im: -2 }] });
  assertArray(mx.fft.rfft(new Float32Array([1, 2, 3, 4])), { values: [{ re: 10, im: 0 }, { re: -2, im: 2 }, { re: -2, im: 0 }] });
});

test('empty arrays and size-0 dims', () => {
  assertArray(mx.fft.fft(mx.zeros([0, 4])), { dtype: mx.complex64, shape: [0, 4], values: [] });
  assertArray(mx.fft.rfft(mx.zeros([0, 4])), { dtype: mx.complex64, shape: [0, 3], values: [] });
  assertArray(mx.fft.irfft(mx.zeros([2, 0, 3], mx.complex64)), { dtype: mx.float32, shape: [2, 0, 4], values: [] });
  assertArray(mx.fft.fftn(mx.zeros([0, 2, 3]), null, [1, 2]), { shape: [0, 2, 3], values: [] });
  // A transformed axis of length 0 with no length given is an invalid size (as MLX).
  throwsWith(() => mx.fft.fftn(mx.zeros([0, 2, 3])), Error, /^\[fft\.fftn\] Invalid FFT output size requested \(0,2,3\)/);
  // A zero-length axis with n given: all zero padding.
  assertArray(mx.fft.fft(mx.zeros([3, 0]), 4), { shape: [3, 4], values: new Array(12).fill({ re: 0, im: 0 }) });
  assertArray(mx.fft.rfft(mx.zeros([0]), 5), { shape: [3], values: new Array(3).fill({ re: 0, im: 0 }) });
  assertArray(mx.fft.irfft(mx.zeros([2, 0], mx.complex64), 4), { dtype: mx.float32, shape: [2, 4], values: new Array(8).fill(0) });
  assertArray(mx.fft.fft2(mx.zeros([0, 0]), [2, 3]), { shape: [2, 3], values: new Array(6).fill({ re: 0, im: 0 }) });
  // Empty axes: the input unchanged (no cast), as MLX.
  const a = mx.arange(6).reshape(2, 3);
  assertArray(mx.fft.fftn(a, { axes: [] }), { dtype: mx.int32, shape: [2, 3], values: [0, 1, 2, 3, 4, 5] });
  assertArray(mx.fft.irfftn(a, [], []), { dtype: mx.int32, shape: [2, 3], values: [0, 1, 2, 3, 4, 5] });
});

test('errors name the function', () => {
  const a = cplx([4, 6], 70);
  const E = (f, Cls, re) => throwsWith(f, Cls, re);
  // Rank and lengths.
  E(() => mx.fft.fft(mx.array(1)), Error, /^\[fft\.fft\] Requires array with at least one dimension/);
  E(() => mx.fft.rfftn(mx.array(1)), Error, /^\[fft\.rfftn\] Requires array with at least one dimension/);
  E(() => mx.fft.ifft2(mx.array(1)), Error, /^\[fft\.ifft2\]/);
  E(() => mx.fft.fft(a, 0), Error, /^\[fft\.fft\] Invalid FFT output size requested \(0\)/);
  E(() => mx.fft.irfft(a, -4), Error, /^\[fft\.irfft\] Invalid FFT output size/);
  E(() => mx.fft.irfft(mx.zeros([3, 1], mx.complex64)), Error, /^\[fft\.irfft\] Invalid FFT output size requested \(0\)/);
  E(() => mx.fft.fftn(a, [3, 0], [0, 1]), Error, /^\[fft\.fftn\] Invalid FFT output size requested \(3,0\)/);
  E(() => mx.fft.fft(a, 2 ** 40), RangeError, /^\[fft\.fft\] argument 'n'/);
  E(() => mx.fft.fft(a, 2.5), TypeError, /^\[fft\.fft\] argument 'n' must be an integer/);
  E(() => mx.fft.fft2(a, [2, 2 ** 33]), RangeError, /^\[fft\.fft2\] argument 's'/);
  E(() => mx.fft.fft2(a, [2, 1.5]), TypeError, /^\[fft\.fft2\]/);
  // Axes.
  E(() => mx.fft.fft(a, null, 2), RangeError, /^\[fft\.fft\] Invalid axis 2 for array with 2 dimensions/);
  E(() => mx.fft.ifft(a, null, -3), RangeError, /^\[fft\.ifft\] Invalid axis -3/);
  E(() => mx.fft.rfft2(a, null, [0, 5]), RangeError, /^\[fft\.rfft2\] Invalid axis 5/);
  E(() => mx.fft.irfftn(a, null, [0, 2 ** 40]), RangeError, /^\[fft\.irfftn\] argument 'axes'/);
  E(() => mx.fft.fft(a, null, 1.5), TypeError, /^\[fft\.fft\] argument 'axis'/);
  E(() => mx.fft.fftn(a, null, [1, -1]), Error, /^\[fft\.fftn\] Duplicated axis received \(1,-1\)/);
  E(() => mx.fft.fft2(a, null, [0, 0]), Error, /^\[fft\.fft2\] Duplicated axis/);
  E(() => mx.fft.fftn(a, [4], [0, 1]), Error, /^\[fft\.fftn\] Shape and axes have different sizes/);
  E(() => mx.fft.rfft2(a, [4, 4, 4]), Error, /^\[fft\.rfft2\] Shape and axes have different sizes/);
  E(() => mx.fft.fftn(a, [4, 6]), Error, /^\[fft\.fftn\] `axes` should not be `None` if `s` is not `None`/);
  E(() => mx.fft.ifft2(a, [4, 6], null), Error, /^\[fft\.ifft2\] `axes` should not be `None`/);
  E(() => mx.fft.fft2(a, 4), TypeError, /^\[fft\.fft2\] argument 's'/);
  E(() => mx.fft.fftn(a, null, 'x'), TypeError, /^\[fft\.fftn\] argument 'axes'/);
  // norm.
  E(() => mx.fft.fft(a, { norm: 'none' }), Error, /^\[fft\.fft\] Invalid norm 'none'/);
  E(() => mx.fft.irfft2(a, null, [0, 1], 'Ortho'), Error, /^\[fft\.irfft2\] Invalid norm 'Ortho'/);
  E(() => mx.fft.rfft(a, { norm: 1 }), TypeError, /^\[fft\.rfft\] argument 'norm'/);
  E(() => mx.fft.ifftn(a, { norm: null }), TypeError, /^\[fft\.ifftn\] argument 'norm'/);
  // Arguments in general.
  E(() => mx.fft.fft(a, { axes: [0] }), TypeError, /^\[fft\.fft\] unknown keyword argument 'axes'/);
  E(() => mx.fft.fft2(a, { axis: 0 }), TypeError, /^\[fft\.fft2\] unknown keyword argument 'axis'/);
  E(() => mx.fft.fft(a, 4, { n: 4 }), TypeError, /^\[fft\.fft\] got multiple values for argument 'n'/);
  E(() => mx.fft.fft(), TypeError, /^\[fft\.fft\] missing required argument 'a'/);
  E(() => mx.fft.fft('abc'), TypeError, /^\[fft\.fft\]/);
  E(() => mx.fft.fft(a, null, -1, 'backward', 'cpu'), TypeError, /^\[fft\.fft\] argument 'stream'/);
  E(() => mx.fft.fft(a, { stream: mx.gpu }), Error, /^\[fft\.fft\]|gpu|GPU/);
  // Frequencies and shifts.
  E(() => mx.fft.fftfreq(0), Error, /^\[fft\.fftfreq\] `n` must be greater than 0/);
  E(() => mx.fft.rfftfreq(-2), Error, /^\[fft\.rfftfreq\] `n` must be greater than 0/);
  E(() => mx.fft.fftfreq(4, 0), Error, /^\[fft\.fftfreq\] `d` must be non-zero/);
  E(() => mx.fft.rfftfreq(4, { d: 0 }), Error, /^\[fft\.rfftfreq\] `d` must be non-zero/);
  E(() => mx.fft.fftfreq(1.5), TypeError, /^\[fft\.fftfreq\] argument 'n'/);
  E(() => mx.fft.fftfreq(2 ** 31), RangeError, /^\[fft\.fftfreq\] argument 'n'/);
  E(() => mx.fft.fftfreq(4, 'x'), TypeError, /^\[fft\.fftfreq\] argument 'd'/);
  E(() => mx.fft.fftshift(a, 2), RangeError, /^\[fft\.fftshift\] Invalid axis 2 for array with 2 dimensions/);
  E(() => mx.fft.ifftshift(a, [0, -3]), RangeError, /^\[fft\.ifftshift\] Invalid axis -3/);
  E(() => mx.fft.ifftshift(mx.array(1), [0]), RangeError, /^\[fft\.ifftshift\] Invalid axis 0/);
  E(() => mx.fft.fftshift(a, 'x'), TypeError, /^\[fft\.fftshift\] argument 'axes'/);
});
