'use strict';
// mx.linalg against numpy (Debian's numpy 1.24; scipy is not available): norms for every ord and
// axis form, decompositions checked by reconstruction and orthogonality (their signs and phases
// are not unique) and by the values that are unique (singular values, eigenvalues, |diag R|,
// Cholesky factors, inverses, solutions, determinants); lu / lu_factor / solve_triangular by
// their defining identities. float32 (tolerance ~1e-4 relative to the matrix scale), float64
// (~1e-10), complex64 where MLX takes it; batched, broadcast and non-contiguous inputs, 1x1
// and size-0 matrices, keyword arguments, the stream argument and every error.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { NumpyBatch } = require('./helpers/numpy');
const { assertArray, assertNumpy, throwsWith } = require('./helpers/check');

const np = new NumpyBatch();

// ---- inputs ----------------------------------------------------------------------------------

// Deterministic values in [-1, 1) (a 32-bit LCG).
function randv(n, seed) {
  let s = (seed * 2654435761 + 12345) >>> 0;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}
const prod = (shape) => shape.reduce((a, b) => a * b, 1);
const DT = { float32: mx.float32, float64: mx.float64, complex64: mx.complex64 };

// A random array of the given shape and dtype name.
function rand(shape, dtype, seed) {
  const n = prod(shape);
  if (dtype === 'complex64') {
    const re = randv(n, seed), im = randv(n, seed + 101);
    return mx.array(re.map((r, i) => ({ re: r, im: im[i] })), mx.complex64).reshape(shape);
  }
  return mx.array(randv(n, seed), DT[dtype]).reshape(shape);
}
// Batches of well-conditioned square matrices (random + n I).
function wellCond(shape, dtype, seed) {
  const n = shape[shape.length - 1];
  return mx.add(rand(shape, dtype, seed), mx.multiply(mx.eye(n, { dtype: DT[dtype] }), n));
}
// Symmetric (Hermitian) positive definite: B B^H + n I.
function spd(shape, dtype, seed) {
  const n = shape[shape.length - 1];
  const b = rand(shape, dtype, seed);
  const bh = dtype === 'complex64' ? mx.conjugate(mx.swapaxes(b, -1, -2)) : mx.swapaxes(b, -1, -2);
  return mx.add(mx.matmul(b, bh), mx.multiply(mx.eye(n, { dtype: DT[dtype] }), n));
}

// Regular expressions for an exact message and for a message prefix.
const esc = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exact = (m) => new RegExp(`^${esc(m)}$`);
const prefix = (m) => new RegExp(`^${esc(m)}`);

const TOLS = { float32: 1e-4, float64: 1e-10, complex64: 1e-4 };
const tolFor = (k) => ({ rtol: TOLS[k], atol: TOLS[k] });
const npWide = (k) => (k === 'complex64' ? 'np.complex128' : 'np.float64');

// A queued numpy scalar that must come out <= bound (residuals of identities).
const residuals = [];
function resid(name, expr, vars, bound) {
  residuals.push({ name, bound, h: np.eval(`float(${expr})`, vars) });
}
// A queued numpy value the mx result must match.
const matches = [];
function match(name, got, expr, vars, opts = {}) {
  matches.push({ name, got, opts, h: np.eval(expr, vars) });
}
// max |x - y| relative to the scale of y (at least 1).
const rel = (x, y) => `np.max(np.abs((${x}) - (${y})), initial=0) / max(1.0, np.max(np.abs(${y}), initial=0))`;

// ---- norm ------------------------------------------------------------------------------------

const INF = Infinity;
const pyOrd = (o) => (o === undefined ? 'None' : o === INF ? 'np.inf' : o === -INF ? '-np.inf' : typeof o === 'string' ? `'${o}'` : String(o));
const pyAxis = (ax) => (ax === undefined ? 'None' : Array.isArray(ax) ? `(${ax.join(',')},)` : String(ax));

{
  const vectorOrds = [undefined, 0, 1, 2, 3, 0.5, -1, -2, INF, -INF];
  const matrixOrds = [undefined, 'fro', 'nuc', 1, -1, 2, -2, INF, -INF];
  for (const k of ['float32', 'float64']) {
    const a = rand([2, 3, 4], k, 7);
    for (const ax of [0, 1, -1, 2]) {
      for (const keepdims of [false, true]) {
        for (const ord of vectorOrds) {
          const e = `np.linalg.norm(a.astype(np.float64), ord=${pyOrd(ord)}, axis=${pyAxis(ax)}, keepdims=${keepdims ? 'True' : 'False'})`;
          match(`norm ${k} ord=${ord} axis=${ax} keepdims=${keepdims}`, () => mx.linalg.norm(a, ord === undefined ? null : ord, ax, keepdims), e, { a }, { dtype: DT[k], tol: tolFor(k) });
        }
      }
    }
    for (const ax of [[0, 1], [1, 0], [-1, -2], [0, 2], [2, 0], [1, 2]]) {
      for (const keepdims of [false, true]) {
        for (const ord of matrixOrds) {
          const e = `np.linalg.norm(a.astype(np.float64), ord=${pyOrd(ord)}, axis=${pyAxis(ax)}, keepdims=${keepdims ? 'True' : 'False'})`;
          match(`norm ${k} ord=${ord} axis=${ax} keepdims=${keepdims}`, () => mx.linalg.norm(a, { ord: ord === undefined ? null : ord, axis: ax, keepdims }), e, { a }, { dtype: DT[k], tol: tolFor(k) });
        }
      }
    }
    // ord without axis: 1-D vector, 2-D matrix norms.
    const v = rand([5], k, 8), m = rand([3, 4], k, 9);
    for (const ord of vectorOrds) {
      match(`norm ${k} 1-D ord=${ord}`, () => mx.linalg.norm(v, ord === undefined ? null : ord), `np.linalg.norm(v.astype(np.float64), ord=${pyOrd(ord)})`, { v }, { dtype: DT[k], tol: tolFor(k) });
    }
    for (const ord of matrixOrds) {
      for (const keepdims of [false, true]) {
        // No ord and no axis: the flattened array (keepdims keeps one axis, as MLX).
        const e = ord === undefined ? `np.linalg.norm(m.astype(np.float64).ravel(), keepdims=${keepdims ? 'True' : 'False'})`
          : `np.linalg.norm(m.astype(np.float64), ord=${pyOrd(ord)}, keepdims=${keepdims ? 'True' : 'False'})`;
        match(`norm ${k} 2-D ord=${ord} keepdims=${keepdims}`, () => mx.linalg.norm(m, ord === undefined ? null : ord, null, keepdims), e, { m }, { dtype: DT[k], tol: tolFor(k) });
      }
    }
    // No ord, no axis: the 2-norm of the flattened array (keepdims keeps one axis, as MLX).
    match(`norm ${k} 3-D flattened`, () => mx.linalg.norm(a), 'np.linalg.norm(a.astype(np.float64).ravel())', { a }, { dtype: DT[k], tol: tolFor(k) });
    match(`norm ${k} 3-D flattened keepdims`, () => mx.linalg.norm(a, { keepdims: true }), 'np.linalg.norm(a.astype(np.float64).ravel(), keepdims=True)', { a }, { dtype: DT[k], tol: tolFor(k) });
  }
  // Integer inputs give float32 (the elementwise-only ords).
  const ai = mx.array([[-4, -3, -2], [-1, 0, 1], [2, 3, 4]]);
  for (const [ord, ax] of [[undefined, undefined], [1, undefined], [-1, undefined], [INF, undefined], [-INF, undefined], ['fro', undefined], [0, 1], [3, 0], [0.5, -1], [INF, 0]]) {
    match(`norm int32 ord=${ord} axis=${ax}`, () => mx.linalg.norm(ai, ord === undefined ? null : ord, ax === undefined ? null : ax),
      `np.linalg.norm(a.astype(np.float64), ord=${pyOrd(ord)}, axis=${pyAxis(ax)})`, { a: ai }, { dtype: mx.float32, tol: tolFor('float32') });
  }
  // complex64: the 2-norm and Frobenius norm are float32; ord 1 and inf keep complex64 (MLX casts
  // to at_least_float of the input); 'nuc' is float32.
  const c = rand([3, 4], 'complex64', 11);
  for (const [ord, ax, dt] of [[undefined, undefined, mx.float32], [undefined, 0, mx.float32], [undefined, [0, 1], mx.float32], ['fro', undefined, mx.float32],
    [1, -1, mx.complex64], [INF, 0, mx.complex64], [1, undefined, mx.complex64], [2, undefined, mx.complex64], ['nuc', undefined, mx.float32], [3, 1, mx.complex64]]) {
    match(`norm complex64 ord=${ord} axis=${ax}`, () => mx.linalg.norm(c, ord === undefined ? null : ord, ax === undefined ? null : ax),
      `np.asarray(np.linalg.norm(c.astype(np.complex128), ord=${pyOrd(ord)}, axis=${pyAxis(ax)}))${dt === mx.complex64 ? '.astype(np.complex64)' : ''}`, { c }, { dtype: dt, tol: tolFor('float32') });
  }
  // float16 keeps float16.
  const h = mx.array([[1.5, -2], [3, 0.25]], mx.float16);
  match('norm float16', () => mx.linalg.norm(h, 1), 'np.linalg.norm(h.astype(np.float64), ord=1)', { h }, { dtype: mx.float16 });
}

test('norm: every ord, axis and keepdims against numpy', () => {
  // (checked below with the other numpy matches)
  assert.equal(typeof mx.linalg.norm, 'function');
  assert.equal(mx.matrix_norm, mx.linalg.norm, 'mx.matrix_norm is the same function as mx.linalg.norm');
});

test('norm: shapes, 0-size and 1x1', () => {
  assertArray(mx.linalg.norm(mx.zeros([2, 3]), { keepdims: true }), { shape: [1], values: [0] });
  assertArray(mx.linalg.norm(mx.zeros([2, 3]), null, [0, 1], true), { shape: [1, 1], values: [0] });
  assertArray(mx.linalg.norm(mx.zeros([0])), { shape: [], values: 0 });
  assertArray(mx.linalg.norm(mx.zeros([0, 3]), null, 0), { shape: [3], values: [0, 0, 0] });
  assertArray(mx.linalg.norm(mx.zeros([3, 0]), 1, 0), { shape: [0] });
  assertArray(mx.linalg.norm(mx.array([[-3]], mx.float32), 2), { shape: [], values: 3 });
  assertArray(mx.linalg.norm(mx.array([[-3]], mx.float32), 'nuc', null, true), { shape: [1, 1], values: [3] });
  assertArray(mx.linalg.norm(mx.array(-2.5, mx.float32)), { dtype: mx.float32, shape: [], values: 2.5 });
  assertArray(mx.linalg.norm(mx.array([3, 4]), 0), { dtype: mx.float32, values: 2 });
  assertArray(mx.linalg.norm([3, 4], { ord: 1 }), { dtype: mx.float32, values: 7 });  // array-like input
});

test('norm: errors', () => {
  const a = rand([2, 3, 4], 'float32', 1);
  throwsWith(() => mx.linalg.norm(a, 2), Error, /^\[linalg\.norm\] Received too many axes for norm\.$/);
  throwsWith(() => mx.linalg.norm(a, null, [0, 1, 2]), Error, /^\[linalg\.norm\] Received too many axes/);
  throwsWith(() => mx.linalg.norm(a, 'fro', 1), Error, /^\[linalg\.norm\] Norm 'fro' only supported for matrices, but received 1 axis\/axes\.$/);
  throwsWith(() => mx.linalg.norm(a, 'nuc'), Error, /only supported for matrices, but received 3 axis/);
  throwsWith(() => mx.linalg.norm(a, 'abc', [0, 1]), Error, /^\[linalg\.norm\] Invalid ord value 'abc' for matrix norm\.$/);
  throwsWith(() => mx.linalg.norm(a, 3, [0, 1]), Error, /^\[linalg\.norm\] Invalid ord 3 for matrix norm\.$/);
  throwsWith(() => mx.linalg.norm(a, 0, [0, 1]), Error, /Invalid ord 0 for matrix norm/);
  throwsWith(() => mx.linalg.norm(a, 0.5, [1, 2]), Error, /Invalid ord 0\.5 for matrix norm/);
  throwsWith(() => mx.linalg.norm(a, null, 3), RangeError, /^\[linalg\.norm\] Invalid axis 3 for array with 3 dimensions\.$/);
  throwsWith(() => mx.linalg.norm(a, 1, [-4, 0]), RangeError, /Invalid axis -4/);
  throwsWith(() => mx.linalg.norm(a, 1, [1, 1]), Error, /^\[linalg\.norm\] Duplicate axes given\.$/);
  throwsWith(() => mx.linalg.norm(a, 'fro', [1, -2]), Error, /Duplicate axes/);
  throwsWith(() => mx.linalg.norm(a, null, 2 ** 40), RangeError, /\[linalg\.norm\]/);
  // The singular-value norms go through svd: float or complex input, CPU only.
  throwsWith(() => mx.linalg.norm(mx.array([[1, 2], [3, 4]]), 2), Error, /^\[linalg\.norm\] Arrays must have type float32, float64 or complex64\. Received array with type int32\.$/);
  throwsWith(() => mx.linalg.norm(mx.array([[1, 2], [3, 4]]), 'nuc'), Error, /^\[linalg\.norm\] Arrays must have type/);
  throwsWith(() => mx.linalg.norm(a, 2, [0, 1], { stream: mx.gpu }), Error, /^\[linalg\.norm\]/);
  // Argument kinds.
  throwsWith(() => mx.linalg.norm(a, true), TypeError, /^\[linalg\.norm\] argument 'ord' must be/);
  throwsWith(() => mx.linalg.norm(a, null, 'x'), TypeError, /^\[linalg\.norm\] argument 'axis' must be/);
  throwsWith(() => mx.linalg.norm(a, null, [0.5]), TypeError, /argument 'axis'/);
  throwsWith(() => mx.linalg.norm(a, null, null, 1), TypeError, /argument 'keepdims' must be a boolean/);
  throwsWith(() => mx.linalg.norm({ a }), TypeError, /^\[linalg\.norm\] argument 'a' is positional-only/);
  throwsWith(() => mx.linalg.norm(a, { order: 2 }), TypeError, /unknown keyword argument 'order'/);
  throwsWith(() => mx.linalg.norm(), TypeError, /missing required argument 'a'/);
  throwsWith(() => mx.linalg.norm('x'), TypeError, /argument 'a' must be array-like/);
});

// ---- qr ----------------------------------------------------------------------------------------

const QR_SHAPES = [[3, 3], [5, 3], [3, 5], [2, 3, 4, 3], [2, 3, 3, 4], [1, 1], [4, 1], [1, 4], [64, 7, 7], [120, 100]];
const qrCases = [];
for (const k of ['float32', 'float64']) {
  for (const shape of QR_SHAPES) {
    const a = rand(shape, k, prod(shape));
    const [q, r] = mx.linalg.qr(a);
    const tol = TOLS[k] * (shape[shape.length - 1] > 50 ? 10 : 1);
    const v = { a, q, r };
    resid(`qr ${k} ${shape} Q@R`, rel('q.astype(np.float64) @ r', 'a.astype(np.float64)'), v, tol);
    resid(`qr ${k} ${shape} Q^T Q`, rel('np.swapaxes(q, -1, -2).astype(np.float64) @ q', 'np.eye(q.shape[-1])'), v, tol);
    // |diag R| is unique (Q, R are up to the signs of R's rows).
    match(`qr ${k} ${shape} |diag R|`, () => mx.abs(mx.diagonal(r, 0, -2, -1)),
      'np.abs(np.diagonal(np.linalg.qr(a.astype(np.float64))[1], 0, -2, -1))', { a }, { dtype: DT[k], tol: { rtol: tol, atol: tol } });
    qrCases.push({ k, shape, q, r });
  }
}

test('qr: shapes, dtypes and an exactly upper triangular R', () => {
  for (const { k, shape, q, r } of qrCases) {
    const m = shape[shape.length - 2], n = shape[shape.length - 1], kk = Math.min(m, n);
    const batch = shape.slice(0, -2);
    assert.deepEqual(q.shape, [...batch, m, kk]);
    assert.deepEqual(r.shape, [...batch, kk, n]);
    assert.equal(q.dtype, DT[k]);
    assert.equal(r.dtype, DT[k]);
    assert.ok(mx.array_equal(mx.tril(r, -1), mx.zeros_like(r)).item(), `R is upper triangular (${shape})`);
  }
  // MLX's documented example.
  const [q, r] = mx.linalg.qr(mx.array([[2, 3], [1, 2]], mx.float32), { stream: mx.cpu });
  assertArray(q, { values: [[-0.894427, -0.447214], [-0.447214, 0.894427]], tol: { rtol: 1e-5, atol: 1e-6 } });
  assertArray(r, { values: [[-2.23607, -3.57771], [0, 0.447214]], tol: { rtol: 1e-5, atol: 1e-6 } });
  // Size-0 matrices and batches.
  for (const [shape, qs, rs] of [[[0, 3], [0, 0], [0, 3]], [[3, 0], [3, 0], [0, 0]], [[0, 2, 2], [0, 2, 2], [0, 2, 2]], [[2, 0, 0], [2, 0, 0], [2, 0, 0]]]) {
    const [q0, r0] = mx.linalg.qr(mx.zeros(shape));
    assertArray(q0, { shape: qs, dtype: mx.float32 });
    assertArray(r0, { shape: rs });
    q0.eval();
  }
  // Non-contiguous input: the transpose of a 4x3.
  const base = rand([4, 3], 'float64', 3);
  const [qt, rt] = mx.linalg.qr(mx.transpose(base));
  assertArray(mx.matmul(qt, rt), { values: mx.transpose(base).tolist(), tol: { rtol: 1e-12, atol: 1e-12 } });
});

test('qr: errors', () => {
  throwsWith(() => mx.linalg.qr(mx.array(0.5)), Error, /^\[linalg\.qr\] Arrays must have >= 2 dimensions\. Received array with 0 dimensions\.$/);
  throwsWith(() => mx.linalg.qr(mx.array([0.5, 1])), Error, /Received array with 1 dimensions/);
  throwsWith(() => mx.linalg.qr(mx.array([[0, 1], [1, 0]])), Error, /^\[linalg\.qr\] Arrays must have type float32 or float64\. Received array with type int32\.$/);
  throwsWith(() => mx.linalg.qr(mx.zeros([2, 2], mx.complex64)), Error, /type complex64/);
  throwsWith(() => mx.linalg.qr(mx.zeros([2, 2], mx.float16)), Error, /type float16/);
  throwsWith(() => mx.linalg.qr(mx.zeros([2, 2]), { stream: mx.gpu }), Error, /^\[linalg\.qr\]/);
  throwsWith(() => mx.linalg.qr(mx.zeros([2, 2]), mx.cpu), TypeError, /^\[linalg\.qr\] takes 1 positional argument \(2 given\)$/);
});

// ---- svd ---------------------------------------------------------------------------------------

const SVD_SHAPES = [[4, 3], [3, 4], [3, 3], [2, 2, 3, 5], [1, 1], [1, 5], [32, 6, 6], [110, 100]];
const svdCases = [];
for (const k of ['float32', 'float64', 'complex64']) {
  for (const shape of SVD_SHAPES) {
    const a = rand(shape, k, 3 * prod(shape));
    const [u, s, vt] = mx.linalg.svd(a);
    const sOnly = mx.linalg.svd(a, false);
    const m = shape[shape.length - 2], n = shape[shape.length - 1];
    const kk = Math.min(m, n);
    const tol = TOLS[k] * (n > 50 ? 10 : 1);
    const w = npWide(k);
    const v = { a, u, s, vt };
    resid(`svd ${k} ${shape} U S Vt`, rel(`(u[..., :, :${kk}] * s[..., None, :]).astype(${w}) @ vt[..., :${kk}, :]`, `a.astype(${w})`), v, tol);
    resid(`svd ${k} ${shape} U^H U`, rel(`np.conj(np.swapaxes(u, -1, -2)).astype(${w}) @ u`, `np.eye(${m})`), v, tol);
    resid(`svd ${k} ${shape} Vt Vt^H`, rel(`vt.astype(${w}) @ np.conj(np.swapaxes(vt, -1, -2))`, `np.eye(${n})`), v, tol);
    match(`svd ${k} ${shape} S`, () => s, `np.linalg.svd(a.astype(${w}), compute_uv=False)`, { a }, { dtype: k === 'float64' ? mx.float64 : mx.float32, tol: { rtol: tol, atol: tol } });
    match(`svd ${k} ${shape} S (compute_uv=False)`, () => sOnly, `np.linalg.svd(a.astype(${w}), compute_uv=False)`, { a }, { dtype: k === 'float64' ? mx.float64 : mx.float32, tol: { rtol: tol, atol: tol } });
    svdCases.push({ k, shape, u, s, vt, sOnly });
  }
}

test('svd: shapes, dtypes, compute_uv and size-0 matrices', () => {
  for (const { k, shape, u, s, vt, sOnly } of svdCases) {
    const m = shape[shape.length - 2], n = shape[shape.length - 1];
    const batch = shape.slice(0, -2);
    assert.deepEqual(u.shape, [...batch, m, m]);
    assert.deepEqual(s.shape, [...batch, Math.min(m, n)]);
    assert.deepEqual(vt.shape, [...batch, n, n]);
    assert.equal(u.dtype, DT[k]);
    assert.equal(vt.dtype, DT[k]);
    assert.equal(s.dtype, k === 'float64' ? mx.float64 : mx.float32);
    assert.ok(!Array.isArray(sOnly), 'compute_uv=false gives one array');
    assert.ok(mx.all(mx.greater_equal(s, 0)).item());
  }
  // Keyword form; MLX's test matrix.
  const a = mx.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]], mx.float32);
  const sv = mx.linalg.svd(a, { compute_uv: false, stream: mx.cpu });
  assertArray(mx.linalg.norm(sv), { values: mx.linalg.norm(a, 'fro').item(), tol: { rtol: 1e-5, atol: 1e-6 } });
  assert.equal(mx.linalg.svd(a, true).length, 3);
  // No singular values: U and Vt are identities.
  const [u0, s0, v0] = mx.linalg.svd(mx.zeros([3, 0]));
  assertArray(u0, { shape: [3, 3], values: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] });
  assertArray(s0, { shape: [0] });
  assertArray(v0, { shape: [0, 0] });
  const [u1, s1, v1] = mx.linalg.svd(mx.zeros([2, 0, 2], mx.float64));
  assertArray(u1, { shape: [2, 0, 0], dtype: mx.float64 });
  assertArray(s1, { shape: [2, 0] });
  assertArray(v1, { shape: [2, 2, 2], values: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] });
  assertArray(mx.linalg.svd(mx.zeros([0, 4, 4]), false), { shape: [0, 4] });
  // A rank-1 matrix: one non-zero singular value.
  assertArray(mx.linalg.svd(mx.array([[1, 2], [2, 4]], mx.float64), false), { values: [5, 0], tol: { rtol: 1e-12, atol: 1e-12 } });
});

test('svd: errors', () => {
  throwsWith(() => mx.linalg.svd(mx.array([1.5, 2])), Error, /^\[linalg\.svd\] Input array must have >= 2 dimensions\. Received array with 1 dimensions\.$/);
  throwsWith(() => mx.linalg.svd(mx.array([[1, 2], [3, 4]])), Error, /^\[linalg\.svd\] Arrays must have type float32, float64 or complex64\. Received array with type int32\.$/);
  throwsWith(() => mx.linalg.svd(mx.zeros([2, 2], mx.bfloat16)), Error, /type bfloat16/);
  throwsWith(() => mx.linalg.svd(mx.zeros([2, 2]), { stream: mx.gpu }), Error, /^\[linalg\.svd\]/);
  throwsWith(() => mx.linalg.svd(mx.zeros([2, 2]), 1), TypeError, /argument 'compute_uv' must be a boolean/);
});

// ---- inverses ---------------------------------------------------------------------------------

for (const k of ['float32', 'float64']) {
  for (const shape of [[3, 3], [3, 4, 4], [1, 1], [64, 5, 5], [150, 150]]) {
    const a = wellCond(shape, k, prod(shape) + 5);
    const tol = TOLS[k] * (shape[0] > 100 ? 10 : 1);
    match(`inv ${k} ${shape}`, () => mx.linalg.inv(a), 'np.linalg.inv(a.astype(np.float64))', { a }, { dtype: DT[k], tol: { rtol: tol, atol: tol } });
    for (const upper of [false, true]) {
      // The other triangle holds noise that must be ignored.
      const t = wellCond(shape, k, prod(shape) + 9);
      const tri = upper ? 'np.triu' : 'np.tril';
      match(`tri_inv ${k} ${shape} upper=${upper}`, () => mx.linalg.tri_inv(t, upper), `np.linalg.inv(${tri}(t.astype(np.float64)))`, { t }, { dtype: DT[k], tol: { rtol: tol, atol: tol } });
    }
  }
  // Views: a transpose, a broadcast batch, a negative-stride slice.
  const base = wellCond([4, 4], k, 77);
  match(`inv ${k} transposed view`, () => mx.linalg.inv(mx.transpose(base)), 'np.linalg.inv(a.astype(np.float64).T)', { a: base }, { dtype: DT[k], tol: tolFor(k) });
  match(`inv ${k} broadcast batch`, () => mx.linalg.inv(mx.broadcast_to(base, [3, 4, 4])), 'np.linalg.inv(np.broadcast_to(a.astype(np.float64), (3, 4, 4)))', { a: base }, { dtype: DT[k], tol: tolFor(k) });
  match(`inv ${k} reversed rows`, () => mx.linalg.inv(base.get('::-1')), 'np.linalg.inv(a.astype(np.float64)[::-1])', { a: base }, { dtype: DT[k], tol: tolFor(k) });
}

test('inv / tri_inv: shapes, MLX examples, the zeroed triangle and size 0', () => {
  const A = mx.array([[1, 2, 3], [6, -5, 4], [-9, 8, 7]], mx.float32);
  assertArray(mx.matmul(A, mx.linalg.inv(A, { stream: mx.cpu })), { values: mx.eye(3).tolist(), tol: { rtol: 0, atol: 1e-6 } });
  // tri_inv zeroes the other triangle whatever the input holds there.
  const x = rand([2, 8, 8], 'float32', 5);
  const y1 = mx.linalg.tri_inv(mx.add(x, mx.multiply(mx.eye(8), 4)), true);
  const y2 = mx.linalg.tri_inv(mx.add(x, mx.multiply(mx.eye(8), 4)), { upper: false });
  assert.ok(mx.array_equal(y1, mx.triu(y1)).item());
  assert.ok(mx.array_equal(y2, mx.tril(y2)).item());
  for (const f of [mx.linalg.inv, mx.linalg.tri_inv]) {
    assertArray(f(mx.zeros([0, 0])), { shape: [0, 0], dtype: mx.float32 });
    assertArray(f(mx.zeros([3, 0, 0], mx.float64)), { shape: [3, 0, 0], dtype: mx.float64 });
    assertArray(f(mx.zeros([0, 2, 2])), { shape: [0, 2, 2] });
    assertArray(f(mx.array([[4]], mx.float64)), { values: [[0.25]] });
  }
});

test('inv / tri_inv: errors, singular matrices fail the evaluation', () => {
  for (const [name, f] of [['inv', mx.linalg.inv], ['tri_inv', mx.linalg.tri_inv]]) {
    const re = (m) => new RegExp(`^\\[linalg\\.${name}\\] ${m}`);
    throwsWith(() => f(mx.zeros([3])), Error, re('Arrays must have >= 2 dimensions\\. Received array with 1 dimensions\\.$'));
    throwsWith(() => f(mx.zeros([2, 3])), Error, re('Inverses are only defined for square matrices\\.$'));
    throwsWith(() => f(mx.array([[1, 0], [0, 1]])), Error, re('Arrays must have type float32 or float64\\. Received array with type int32\\.$'));
    throwsWith(() => f(mx.zeros([2, 2], mx.complex64)), Error, re('Arrays must have type'));
    throwsWith(() => f(mx.zeros([2, 2]), { stream: mx.gpu }), Error, re(''));
  }
  throwsWith(() => mx.linalg.inv(mx.array([[1, 2], [2, 4]], mx.float32)).tolist(), Error, /^\[linalg\.inv\] LU factorization failed with error code 2: the matrix is singular\.$/);
  // One singular matrix in a batch fails the whole evaluation.
  const batch = mx.stack([mx.eye(3), mx.zeros([3, 3]), mx.eye(3)]);
  throwsWith(() => mx.eval(mx.linalg.inv(batch)), Error, /^\[linalg\.inv\] LU factorization failed with error code 1/);
  throwsWith(() => mx.linalg.tri_inv(mx.array([[1, 0], [5, 0]], mx.float64)).tolist(), Error, /^\[linalg\.tri_inv\] Triangular inversion failed with error code 2: the matrix is singular\.$/);
  throwsWith(() => mx.linalg.tri_inv(mx.array([[2, 0], [5, 0]], mx.float64), true).tolist(), Error, /^\[linalg\.tri_inv\] Triangular inversion failed with error code 2/);
  // What the triangle that is not read holds (a zero on the diagonal aside) does not matter.
  assertArray(mx.linalg.tri_inv(mx.array([[2, 7], [5, 4]], mx.float64), false), { values: [[0.5, 0], [-0.625, 0.25]] });
  assertArray(mx.linalg.tri_inv(mx.array([[2, 1], [NaN, 4]], mx.float64), true), { values: [[0.5, -0.125], [0, 0.25]] });
  assertArray(mx.linalg.tri_inv(mx.array([[2, 1], [NaN, 0.5]], mx.float32), { upper: true }), { values: [[0.5, -1], [0, 2]] });
});

// ---- cholesky --------------------------------------------------------------------------------

for (const k of ['float32', 'float64']) {
  for (const shape of [[3, 3], [2, 3, 5, 5], [1, 1], [48, 6, 6], [130, 130]]) {
    const a = spd(shape, k, prod(shape) + 1);
    const tol = TOLS[k] * (shape[0] > 100 ? 10 : 1);
    const t = { rtol: tol, atol: tol };
    match(`cholesky ${k} ${shape}`, () => mx.linalg.cholesky(a), 'np.linalg.cholesky(a.astype(np.float64))', { a }, { dtype: DT[k], tol: t });
    match(`cholesky ${k} ${shape} upper`, () => mx.linalg.cholesky(a, true), 'np.swapaxes(np.linalg.cholesky(a.astype(np.float64)), -1, -2)', { a }, { dtype: DT[k], tol: t });
    // Only the selected triangle is read: noise in the other one changes nothing.
    const noisy = mx.add(mx.tril(a), mx.triu(mx.multiply(rand(shape, k, 3), 100), 1));
    match(`cholesky ${k} ${shape} reads the lower triangle`, () => mx.linalg.cholesky(noisy), 'np.linalg.cholesky(a.astype(np.float64))', { a }, { dtype: DT[k], tol: t });
    const L = mx.linalg.cholesky(a);
    match(`cholesky_inv ${k} ${shape}`, () => mx.linalg.cholesky_inv(L), 'np.linalg.inv(a.astype(np.float64))', { a }, { dtype: DT[k], tol: t });
    match(`cholesky_inv ${k} ${shape} upper`, () => mx.linalg.cholesky_inv(mx.linalg.cholesky(a, true), { upper: true }), 'np.linalg.inv(a.astype(np.float64))', { a }, { dtype: DT[k], tol: t });
    // The other triangle of the factor is not read either.
    match(`cholesky_inv ${k} ${shape} ignores the upper triangle`, () => mx.linalg.cholesky_inv(mx.add(L, mx.triu(rand(shape, k, 4), 1))), 'np.linalg.inv(a.astype(np.float64))', { a }, { dtype: DT[k], tol: t });
  }
}

test('cholesky / cholesky_inv: MLX example, size 0, errors', () => {
  const sqrtA = mx.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], mx.float32);
  const A = mx.divide(mx.matmul(sqrtA.T, sqrtA), 81);
  const L = mx.linalg.cholesky(A, { stream: mx.cpu });
  const U = mx.linalg.cholesky(A, true);
  assertArray(mx.matmul(L, L.T), { values: A.tolist(), tol: { rtol: 1e-5, atol: 1e-6 } });
  assertArray(mx.matmul(U.T, U), { values: A.tolist(), tol: { rtol: 1e-5, atol: 1e-6 } });
  assert.ok(mx.array_equal(L, mx.tril(L)).item() && mx.array_equal(U, mx.triu(U)).item());
  assertArray(mx.linalg.cholesky(mx.array([[4, 2], [2, 3]], mx.float64)), { values: [[2, 0], [1, Math.SQRT2]], tol: { rtol: 1e-15, atol: 1e-15 } });
  for (const f of [mx.linalg.cholesky, mx.linalg.cholesky_inv]) {
    assertArray(f(mx.zeros([0, 0])), { shape: [0, 0] });
    assertArray(f(mx.zeros([2, 0, 0], mx.float64)), { shape: [2, 0, 0], dtype: mx.float64 });
  }
  for (const [name, f, sq] of [['cholesky', mx.linalg.cholesky, 'Cholesky decomposition is only defined for square matrices.'],
    ['cholesky_inv', mx.linalg.cholesky_inv, 'Cholesky inverse is only defined for square matrices.']]) {
    const pre = `[linalg.${name}] `;
    throwsWith(() => f(mx.zeros([2])), Error, prefix(`${pre}Arrays must have >= 2 dimensions`));
    throwsWith(() => f(mx.zeros([2, 3])), Error, exact(pre + sq));
    throwsWith(() => f(mx.array([[1, 0], [0, 1]])), Error, exact(`${pre}Arrays must have type float32 or float64. Received array with type int32.`));
    throwsWith(() => f(mx.zeros([2, 2]), { stream: mx.gpu }), Error, prefix(pre));
    throwsWith(() => f(mx.zeros([2, 2]), 'U'), TypeError, /argument 'upper' must be a boolean/);
  }
  // A factor with a zero on its diagonal cannot be inverted.
  throwsWith(() => mx.linalg.cholesky_inv(mx.array([[1, 0], [3, 0]], mx.float32)).tolist(), Error, /^\[linalg\.cholesky_inv\] Triangular inversion failed with error code 2: the factor is singular\.$/);
  // As MLX, a matrix that is not positive definite is not reported (the factor is unspecified).
  assert.deepEqual(mx.linalg.cholesky(mx.array([[1, 2], [2, 1]], mx.float32)).shape, [2, 2]);
});

// ---- pinv ------------------------------------------------------------------------------------

for (const k of ['float32', 'float64']) {
  const eps = k === 'float32' ? 1.1920929e-7 : 2.220446049250313e-16;
  for (const shape of [[3, 2], [2, 3], [3, 3], [2, 3, 4, 2], [1, 1], [40, 30]]) {
    const a = rand(shape, k, prod(shape) + 21);
    const rc = 10 * Math.max(shape[shape.length - 1], shape[shape.length - 2]) * eps;
    match(`pinv ${k} ${shape}`, () => mx.linalg.pinv(a), `np.linalg.pinv(a.astype(np.float64), rcond=${rc})`, { a }, { dtype: DT[k], tol: tolFor(k) });
  }
  // Rank-deficient: singular values below the cutoff are dropped.
  const r1 = mx.array([[1, 2, 3], [2, 4, 6], [3, 6, 9], [-1, -2, -3]], DT[k]);
  match(`pinv ${k} rank 1`, () => mx.linalg.pinv(r1), `np.linalg.pinv(a.astype(np.float64), rcond=${40 * eps})`, { a: r1 }, { dtype: DT[k], tol: tolFor(k) });
}

test('pinv: MLX example, size 0, errors', () => {
  const A = mx.array([[1, 2, 3], [6, -5, 4], [-9, 8, 7]], mx.float32);
  const P = mx.linalg.pinv(A, { stream: mx.cpu });
  assertArray(mx.matmul(mx.matmul(A, P), A), { values: A.tolist(), tol: { rtol: 0, atol: 1e-5 } });
  // No singular values: zeros of the transposed shape.
  assertArray(mx.linalg.pinv(mx.zeros([3, 0])), { shape: [0, 3] });
  assertArray(mx.linalg.pinv(mx.zeros([2, 0, 4], mx.float64)), { shape: [2, 4, 0], dtype: mx.float64 });
  assertArray(mx.linalg.pinv(mx.zeros([0, 2, 3])), { shape: [0, 3, 2] });
  assertArray(mx.linalg.pinv(mx.zeros([2, 2])), { values: [[0, 0], [0, 0]] });
  throwsWith(() => mx.linalg.pinv(mx.zeros([3])), Error, /^\[linalg\.pinv\] Arrays must have >= 2 dimensions\. Received array with 1 dimensions\.$/);
  throwsWith(() => mx.linalg.pinv(mx.array([[1, 2]])), Error, /^\[linalg\.pinv\] Arrays must have type float32 or float64\. Received array with type int32\.$/);
  throwsWith(() => mx.linalg.pinv(mx.zeros([2, 2], mx.complex64)), Error, /^\[linalg\.pinv\] Arrays must have type/);
  throwsWith(() => mx.linalg.pinv(mx.zeros([2, 2]), { stream: mx.gpu }), Error, /^\[linalg\.pinv\]/);
});

// ---- cross -----------------------------------------------------------------------------------

{
  const pairs = [
    ['3-vectors', rand([3], 'float32', 1), rand([3], 'float32', 2), -1, 'np.cross(a, b)'],
    ['int32', mx.array([1, 2, 3]), mx.array([4, 5, 6]), -1, 'np.cross(a, b)'],
    ['float32 x int32', mx.array([1.5, 2, 3], mx.float32), mx.array([4, 5, 6]), -1, 'np.cross(a, b).astype(np.float32)'],
    ['float64', rand([4, 3], 'float64', 3), rand([4, 3], 'float64', 4), -1, 'np.cross(a, b)'],
    ['broadcast', rand([2, 1, 3], 'float32', 5), rand([1, 2, 3], 'float32', 6), -1, 'np.cross(a, b)'],
    ['axis 0', rand([3, 4], 'float32', 7), rand([3, 4], 'float32', 8), 0, 'np.cross(a, b, axis=0)'],
    ['axis -2', rand([2, 3, 2], 'float64', 9), rand([2, 3, 2], 'float64', 10), -2, 'np.cross(a, b, axis=-2)'],
    // Size-2 vectors: the missing component is 0 (numpy pads the same way).
    ['2 x 3', rand([2], 'float32', 11), rand([3], 'float32', 12), -1, 'np.cross(np.append(a, 0), b)'],
    ['3 x 2', rand([3], 'float32', 13), rand([2], 'float32', 14), -1, 'np.cross(a, np.append(b, 0))'],
    ['2 x 2', rand([4, 2], 'float32', 15), rand([4, 2], 'float32', 16), -1, 'np.cross(np.pad(a, ((0, 0), (0, 1))), np.pad(b, ((0, 0), (0, 1))))'],
    ['complex64', rand([3], 'complex64', 17), rand([3], 'complex64', 18), -1, 'np.cross(a, b)'],
    ['size-0 batch', mx.zeros([0, 3]), mx.zeros([0, 3]), -1, 'np.cross(a, b)'],
  ];
  for (const [name, a, b, axis, e] of pairs) {
    match(`cross ${name}`, () => mx.linalg.cross(a, b, axis), e, { a, b }, { tol: { rtol: 1e-5, atol: 1e-6 } });
  }
}

test('cross: keywords, dtypes, errors', () => {
  const a = mx.array([[1, 2, 3], [4, 5, 6]], mx.float32), b = mx.array([[4, 5, 6], [1, 2, 3]], mx.float32);
  assertArray(mx.linalg.cross(a, b, { axis: 1, stream: mx.cpu }), { dtype: mx.float32, values: [[-3, 6, -3], [3, -6, 3]] });
  assertArray(mx.linalg.cross([1, 0, 0], [0, 1, 0]), { dtype: mx.int32, values: [0, 0, 1] });
  throwsWith(() => mx.linalg.cross(mx.array([1.0]), mx.array([4.0])), Error, /^\[linalg\.cross\] The specified axis must have size 2 or 3\.$/);
  throwsWith(() => mx.linalg.cross(mx.zeros([3, 4]), mx.zeros([3, 4])), Error, /size 2 or 3/);
  throwsWith(() => mx.linalg.cross(mx.zeros([3]), mx.zeros([3]), 1), RangeError, /^\[linalg\.cross\] axis 1 invalid for array with 1 dimensions\.$/);
  throwsWith(() => mx.linalg.cross(mx.zeros([3]), mx.zeros([2, 3]), -2), RangeError, /axis -2 invalid for array with 1 dimensions/);
  throwsWith(() => mx.linalg.cross(mx.zeros([2, 3]), mx.zeros([4, 3])), Error, /^\[linalg\.cross\] Shapes \(2,3\) and \(4,3\) cannot be broadcast\.$/);
  throwsWith(() => mx.linalg.cross(mx.zeros([3]), mx.zeros([3]), 0.5), TypeError, /argument 'axis' must be an integer/);
  throwsWith(() => mx.linalg.cross(mx.zeros([3])), TypeError, /missing required argument 'b'/);
  throwsWith(() => mx.linalg.cross(mx.zeros([3]), mx.zeros([3]), { stream: mx.gpu }), Error, /^\[linalg\.cross\]/);
});

// ---- eigenproblems -----------------------------------------------------------------------------

const eigCases = [];
for (const k of ['float32', 'float64', 'complex64']) {
  // A rotation-like block (complex pair), a general random matrix, batches, 1x1.
  const mats = [
    ['rotation', mx.array([[0, -2, 0], [2, 0, 0], [0, 0, 3]], DT[k])],
    ['MLX example', mx.array([[1, -2], [-2, 1]], DT[k])],
    ['random 5x5', rand([5, 5], k, 31)],
    ['batch', rand([2, 3, 4, 4], k, 32)],
    ['1x1', mx.array([[-2.5]], DT[k])],
    ['many small', rand([40, 6, 6], k, 33)],
    ['large', rand([120, 120], k, 34)],
  ];
  for (const [name, a] of mats) {
    const [w, v] = mx.linalg.eig(a);
    const vals = mx.linalg.eigvals(a);
    const n = a.shape[a.ndim - 1];
    // The results are complex64 whatever the input: float64 input is exact to float32 rounding.
    const tol = (k === 'float64' ? 1e-6 : 3e-4) * (n > 100 ? 30 : 1);
    const vars = { a, w, v };
    resid(`eig ${k} ${name} A V = V diag(w)`, rel('a.astype(np.complex128) @ v', 'v * w[..., None, :]'), vars, tol);
    resid(`eig ${k} ${name} |v| = 1`, rel('np.linalg.norm(v.astype(np.complex128), axis=-2)', 'np.ones(v.shape[:-2] + v.shape[-1:])'), vars, tol);
    // The eigenvalues as a set (their order is LAPACK's): each near one of numpy's and back.
    const dist = (x, y) => `np.max(np.min(np.abs(${x}[..., :, None] - ${y}[..., None, :]), axis=-1), initial=0)`;
    resid(`eigvals ${k} ${name} = numpy's`, `(lambda e: ${dist('vals', 'e')} + ${dist('e', 'vals')})(np.linalg.eigvals(a.astype(np.complex128)))`, { vals, a }, tol * n);
    match(`eig ${k} ${name} values equal eigvals`, () => w, 'vals', { vals }, { dtype: mx.complex64, tol: { rtol: tol, atol: tol } });
    eigCases.push({ k, name, a, w, v, vals });
  }
}

const eighCases = [];
for (const k of ['float32', 'float64', 'complex64']) {
  for (const shape of [[4, 4], [3, 5, 5], [1, 1], [50, 6, 6], [110, 110]]) {
    const h = spd(shape, k, prod(shape) + 41);
    const a = mx.subtract(h, mx.multiply(mx.eye(shape[shape.length - 1], { dtype: DT[k] }), shape[shape.length - 1] * 1.5));  // indefinite
    const n = shape[shape.length - 1];
    const tol = TOLS[k] * (n > 100 ? 30 : 3);
    for (const uplo of ['L', 'U']) {
      // Noise in the triangle that is not read.
      const noise = mx.multiply(rand(shape, k, 5), 50);
      const noisy = uplo === 'L' ? mx.add(mx.tril(a), mx.triu(noise, 1)) : mx.add(mx.triu(a), mx.tril(noise, -1));
      const [w, v] = mx.linalg.eigh(noisy, uplo);
      const wv = mx.linalg.eigvalsh(noisy, { UPLO: uplo });
      const rdt = k === 'float64' ? mx.float64 : mx.float32;
      match(`eigvalsh ${k} ${shape} ${uplo}`, () => wv, `np.linalg.eigvalsh(x.astype(${npWide(k)}), UPLO='${uplo}')`, { x: noisy }, { dtype: rdt, tol: { rtol: tol, atol: tol * n } });
      match(`eigh ${k} ${shape} ${uplo} values`, () => w, `np.linalg.eigvalsh(x.astype(${npWide(k)}), UPLO='${uplo}')`, { x: noisy }, { dtype: rdt, tol: { rtol: tol, atol: tol * n } });
      const vars = { a, w, v };
      resid(`eigh ${k} ${shape} ${uplo} A V = V diag(w)`, rel(`a.astype(${npWide(k)}) @ v`, 'v * w[..., None, :]'), vars, tol * n);
      resid(`eigh ${k} ${shape} ${uplo} V^H V = I`, rel(`np.conj(np.swapaxes(v, -1, -2)).astype(${npWide(k)}) @ v`, `np.eye(${n})`), vars, tol);
      eighCases.push({ k, shape, uplo, w, v, wv });
    }
  }
}

test('eig / eigvals: shapes, dtypes, MLX example', () => {
  for (const { k, name, a, w, v, vals } of eigCases) {
    assert.deepEqual(w.shape, a.shape.slice(0, -1), `${k} ${name}`);
    assert.deepEqual(v.shape, a.shape);
    assert.equal(w.dtype, mx.complex64);
    assert.equal(v.dtype, mx.complex64);
    assert.equal(vals.dtype, mx.complex64);
  }
  const [w, v] = mx.linalg.eig(mx.array([[1, -2], [-2, 1]], mx.float32), { stream: mx.cpu });
  assertArray(w, { values: [{ re: 3, im: 0 }, { re: -1, im: 0 }], tol: { rtol: 1e-6, atol: 1e-6 } });
  assertArray(mx.abs(v), { values: [[Math.SQRT1_2, Math.SQRT1_2], [Math.SQRT1_2, Math.SQRT1_2]], tol: { rtol: 1e-6, atol: 1e-6 } });
  // A real matrix with a complex pair: conjugate values and vectors.
  const [w2, v2] = mx.linalg.eig(mx.array([[0, -1], [1, 0]], mx.float64));
  assertArray(w2, { values: [{ re: 0, im: 1 }, { re: 0, im: -1 }], tol: { rtol: 1e-6, atol: 1e-6 } });
  assertArray(mx.subtract(v2.get(':', 0), mx.conjugate(v2.get(':', 1))), { values: [0, 0], tol: { rtol: 1e-6, atol: 1e-6 } });
  for (const f of [mx.linalg.eigvals, (x) => mx.linalg.eig(x)[1]]) {
    assertArray(f(mx.zeros([0, 0])), { dtype: mx.complex64 });
    assertArray(f(mx.zeros([2, 0, 0], mx.float64)), { dtype: mx.complex64 });
  }
  assertArray(mx.linalg.eigvals(mx.zeros([3, 0, 0])), { shape: [3, 0] });
});

test('eigh / eigvalsh: shapes, dtypes, ascending values, MLX example', () => {
  for (const { k, shape, w, v, wv } of eighCases) {
    const rdt = k === 'float64' ? mx.float64 : mx.float32;
    assert.equal(w.dtype, rdt);
    assert.equal(wv.dtype, rdt);
    assert.equal(v.dtype, DT[k]);
    assert.deepEqual(v.shape, shape);
    assert.deepEqual(w.shape, shape.slice(0, -1));
    const n = shape[shape.length - 1];
    if (n > 1) {
      const d = mx.subtract(w.get('...', '1:'), w.get('...', ':-1'));
      assert.ok(mx.all(mx.greater_equal(d, 0)).item(), 'ascending eigenvalues');
    }
  }
  const A = mx.array([[1, -2], [-2, 1]], mx.float32);
  const [w, v] = mx.linalg.eigh(A, { stream: mx.cpu });
  assertArray(w, { values: [-1, 3], tol: { rtol: 1e-6, atol: 1e-6 } });
  assertArray(mx.abs(v), { values: [[Math.SQRT1_2, Math.SQRT1_2], [Math.SQRT1_2, Math.SQRT1_2]], tol: { rtol: 1e-6, atol: 1e-6 } });
  assertArray(mx.linalg.eigvalsh(A, 'U'), { values: [-1, 3], tol: { rtol: 1e-6, atol: 1e-6 } });
  // A Hermitian 2x2: [[2, i], [-i, 2]] has eigenvalues 1 and 3.
  const H = mx.array([[{ re: 2, im: 0 }, { re: 0, im: 1 }], [{ re: 0, im: -1 }, { re: 2, im: 0 }]], mx.complex64);
  assertArray(mx.linalg.eigvalsh(H), { dtype: mx.float32, values: [1, 3], tol: { rtol: 1e-6, atol: 1e-6 } });
  assertArray(mx.linalg.eigvalsh(H, 'U'), { values: [1, 3], tol: { rtol: 1e-6, atol: 1e-6 } });
  for (const f of [mx.linalg.eigvalsh, (x) => mx.linalg.eigh(x)[1]]) {
    assertArray(f(mx.zeros([0, 0])), { dtype: mx.float32 });
    assertArray(f(mx.zeros([2, 0, 0], mx.float64)), { dtype: mx.float64 });
  }
});

test('eig / eigh families: errors', () => {
  for (const name of ['eig', 'eigvals', 'eigh', 'eigvalsh']) {
    const f = mx.linalg[name];
    const p = `[linalg.${name}] `;
    const eq = (m) => exact(p + m);
    throwsWith(() => f(mx.array([1.5, 2.5])), Error, eq('Arrays must have >= 2 dimensions. Received array with 1 dimensions.'));
    throwsWith(() => f(mx.zeros([3, 2])), Error, eq('Only defined for square matrices.'));
    throwsWith(() => f(mx.array([[1, 2], [3, 4]])), Error, eq('Arrays must have type float32, float64 or complex64. Received array with type int32.'));
    throwsWith(() => f(mx.zeros([2, 2], mx.float16)), Error, eq('Arrays must have type float32, float64 or complex64. Received array with type float16.'));
    throwsWith(() => f(mx.zeros([2, 2]), { stream: mx.gpu }), Error, prefix(p));
  }
  for (const name of ['eigh', 'eigvalsh']) {
    throwsWith(() => mx.linalg[name](mx.zeros([2, 2]), 'X'), Error, exact(`[linalg.${name}] UPLO must be 'L' or 'U', got 'X'.`));
    throwsWith(() => mx.linalg[name](mx.zeros([2, 2]), 'l'), Error, /UPLO must be 'L' or 'U', got 'l'/);
    throwsWith(() => mx.linalg[name](mx.zeros([2, 2]), 1), TypeError, /argument 'UPLO' must be a string/);
  }
  throwsWith(() => mx.linalg.eig(mx.zeros([2, 2]), mx.cpu), TypeError, /takes 1 positional argument/);
});

// ---- lu / lu_factor ---------------------------------------------------------------------------

const luCases = [];
for (const k of ['float32', 'float64']) {
  for (const shape of [[3, 3], [4, 3], [3, 4], [2, 3, 5, 5], [1, 1], [5, 1], [1, 5], [40, 6, 6], [130, 120]]) {
    const a = rand(shape, k, prod(shape) + 51);
    const [P, L, U] = mx.linalg.lu(a);
    const [LU, piv] = mx.linalg.lu_factor(a);
    const tol = TOLS[k] * (shape[0] > 100 ? 10 : 1);
    const v = { a, P, L, U, LU, piv };
    resid(`lu ${k} ${shape} L[P] @ U = A`, rel('np.take_along_axis(L.astype(np.float64), P.astype(np.int64)[..., None], axis=-2) @ U', 'a.astype(np.float64)'), v, tol);
    resid(`lu ${k} ${shape} P is a permutation`, 'np.max(np.abs(np.sort(P, axis=-1) - np.arange(P.shape[-1])), initial=0)', v, 0);
    resid(`lu ${k} ${shape} unit lower L`, 'np.max(np.abs(np.triu(L, 1)), initial=0) + np.max(np.abs(np.diagonal(L, 0, -2, -1) - 1), initial=0)', v, 0);
    resid(`lu ${k} ${shape} upper U`, 'np.max(np.abs(np.tril(U, -1)), initial=0)', v, 0);
    // Partial pivoting: no multiplier larger than 1.
    resid(`lu ${k} ${shape} |L| <= 1`, 'np.max(np.abs(L), initial=0)', v, 1);
    // lu_factor: the same factors packed, and P from the pivots (interchanges in reverse order).
    resid(`lu_factor ${k} ${shape} packs L and U`, `${rel('np.tril(LU, -1)[..., :, :L.shape[-1]] + np.eye(L.shape[-2], L.shape[-1])', 'L')} + ${rel('np.triu(LU)[..., :U.shape[-2], :]', 'U')}`, v, 0);
    luCases.push({ k, shape, P, L, U, LU, piv });
  }
}

test('lu / lu_factor: shapes, dtypes, MLX examples', () => {
  for (const { k, shape, P, L, U, LU, piv } of luCases) {
    const m = shape[shape.length - 2], n = shape[shape.length - 1], kk = Math.min(m, n);
    const batch = shape.slice(0, -2);
    assertArray(P, { dtype: mx.uint32, shape: [...batch, m] });
    assertArray(L, { dtype: DT[k], shape: [...batch, m, kk] });
    assertArray(U, { dtype: DT[k], shape: [...batch, kk, n] });
    assertArray(LU, { dtype: DT[k], shape });
    assertArray(piv, { dtype: mx.uint32, shape: [...batch, kk] });
    // P is the identity with the interchanges of the pivots applied in reverse order.
    const pv = piv.reshape([-1, kk]).tolist(), pr = P.reshape([-1, m]).tolist();
    pv.forEach((p, i) => {
      const perm = Array.from({ length: m }, (_, j) => j);
      for (let j = kk - 1; j >= 0; j--) [perm[j], perm[p[j]]] = [perm[p[j]], perm[j]];
      assert.deepEqual(pr[i], perm, `${k} ${shape}: P from the pivots`);
    });
  }
  // MLX's tests: a 3x3 (hand-checked pivots), a broadcast batch, non-square.
  const a = mx.array([[3, 1, 2], [1, 8, 6], [9, 2, 5]], mx.float32);
  const [P, L, U] = mx.linalg.lu(a, { stream: mx.cpu });
  assertArray(P, { values: [2, 1, 0] });
  assertArray(mx.matmul(L.get(P), U), { values: a.tolist(), tol: { rtol: 1e-6, atol: 1e-6 } });
  const [LU, piv] = mx.linalg.lu_factor(a);
  assertArray(piv, { values: [2, 1, 2] });
  assertArray(LU, { values: [[9, 2, 5], [1 / 9, 70 / 9, 49 / 9], [1 / 3, 3 / 70, 0.1]], tol: { rtol: 1e-5, atol: 1e-6 } });
  const b = mx.broadcast_to(a, [5, 5, 3, 3]);
  const [Pb, Lb, Ub] = mx.linalg.lu(b);
  assertArray(mx.matmul(mx.take_along_axis(Lb, mx.expand_dims(Pb, -1), -2), Ub), { values: b.tolist(), tol: { rtol: 1e-6, atol: 1e-6 } });
  // A singular matrix still factors (no error, a zero on U's diagonal).
  const [, , Us] = mx.linalg.lu(mx.array([[1, 2], [2, 4]], mx.float64));
  assertArray(Us, { values: [[2, 4], [0, 0]] });
  // Size 0.
  const [P0, L0, U0] = mx.linalg.lu(mx.zeros([3, 0]));
  assertArray(P0, { values: [0, 1, 2] });
  assertArray(L0, { shape: [3, 0] });
  assertArray(U0, { shape: [0, 0] });
  const [LU0, piv0] = mx.linalg.lu_factor(mx.zeros([2, 0, 4], mx.float64));
  assertArray(LU0, { shape: [2, 0, 4] });
  assertArray(piv0, { shape: [2, 0] });
  const [P1, L1, U1] = mx.linalg.lu(mx.zeros([0, 0]));
  assert.deepEqual([P1.shape, L1.shape, U1.shape], [[0], [0, 0], [0, 0]]);
});

test('lu / lu_factor: errors', () => {
  for (const name of ['lu', 'lu_factor']) {
    const f = mx.linalg[name];
    const p = `[linalg.${name}] `;
    throwsWith(() => f(mx.array(0.5)), Error, exact(`${p}Arrays must have >= 2 dimensions. Received array with 0 dimensions.`));
    throwsWith(() => f(mx.array([0.5, 1])), Error, /Received array with 1 dimensions/);
    throwsWith(() => f(mx.array([[0, 1], [1, 0]])), Error, exact(`${p}Arrays must have type float32 or float64. Received array with type int32.`));
    throwsWith(() => f(mx.zeros([2, 2]), { stream: mx.gpu }), Error, prefix(p));
  }
});

// ---- solve / solve_triangular -------------------------------------------------------------------

for (const k of ['float32', 'float64']) {
  const t = tolFor(k);
  const cases = [
    ['3x3, 1-D b', [3, 3], [3], 'np.linalg.solve(a, b)'],
    ['5x5, 5x1', [5, 5], [5, 1], 'np.linalg.solve(a, b)'],
    ['5x5, 5x8', [5, 5], [5, 8], 'np.linalg.solve(a, b)'],
    ['batch', [5, 5, 4, 4], [5, 5, 4, 1], 'np.linalg.solve(a, b)'],
    ['broadcast batch', [3, 2, 5, 5], [3, 1, 5, 8], 'np.linalg.solve(a, b)'],
    ['broadcast b over a', [4, 3, 3], [3, 2], 'np.linalg.solve(a, np.broadcast_to(b, (4, 3, 2)))'],
    ['batched a, 1-D b', [4, 3, 3], [3], 'np.linalg.solve(a, np.broadcast_to(b[:, None], (4, 3, 1)))[..., 0]'],
    ['1x1', [1, 1], [1, 3], 'np.linalg.solve(a, b)'],
    ['many small', [64, 6, 6], [64, 6, 2], 'np.linalg.solve(a, b)'],
    ['large', [200, 200], [200, 3], 'np.linalg.solve(a, b)'],
  ];
  for (const [name, as, bs, e] of cases) {
    const a = wellCond(as, k, prod(as) + 61), b = rand(bs, k, prod(bs) + 62);
    const tol = as[as.length - 1] > 100 ? { rtol: t.rtol * 10, atol: t.atol * 10 } : t;
    const wide = e.replace(/\ba\b/g, 'a.astype(np.float64)').replace(/\bb\b(?!\[)/g, 'b.astype(np.float64)').replace(/\bb\[/g, 'b.astype(np.float64)[');
    match(`solve ${k} ${name}`, () => mx.linalg.solve(a, b), wide, { a, b }, { dtype: DT[k], tol });
    for (const upper of [false, true]) {
      // Noise in the other triangle is ignored.
      const tri = upper ? 'np.triu' : 'np.tril';
      const we = wide.replace(/a\.astype\(np\.float64\)/g, `${tri}(a.astype(np.float64))`);
      match(`solve_triangular ${k} ${name} upper=${upper}`, () => mx.linalg.solve_triangular(a, b, { upper }), we, { a, b }, { dtype: DT[k], tol });
    }
  }
  // Views: a transposed a, a column slice of b.
  const a = wellCond([4, 4], k, 71), b = rand([4, 6], k, 72);
  match(`solve ${k} views`, () => mx.linalg.solve(mx.transpose(a), b.get(':', '::2')), 'np.linalg.solve(a.astype(np.float64).T, b.astype(np.float64)[:, ::2])', { a, b }, { dtype: DT[k], tol: t });
}
{
  // Result dtypes: promote(a, b) (b may be an integer array).
  const a = wellCond([3, 3], 'float32', 81), b64 = rand([3], 'float64', 82), bi = mx.array([1, 2, 3]);
  match('solve float32 x float64', () => mx.linalg.solve(a, b64), 'np.linalg.solve(a.astype(np.float64), b)', { a, b: b64 }, { dtype: mx.float64, tol: tolFor('float32') });
  match('solve float32 x int32', () => mx.linalg.solve(a, bi), 'np.linalg.solve(a.astype(np.float64), b.astype(np.float64))', { a, b: bi }, { dtype: mx.float32, tol: tolFor('float32') });
  match('solve_triangular float32 x int32', () => mx.linalg.solve_triangular(a, bi), 'np.linalg.solve(np.tril(a.astype(np.float64)), b.astype(np.float64))', { a, b: bi }, { dtype: mx.float32, tol: tolFor('float32') });
}

test('solve / solve_triangular: MLX examples, size 0', () => {
  const a = mx.array([[3, 1, 2], [1, 8, 6], [9, 2, 5]], mx.float32);
  assertArray(mx.linalg.solve(a, mx.array([11, 35, 28], mx.float32), { stream: mx.cpu }), { values: [1, 2, 3], tol: { rtol: 1e-5, atol: 1e-5 } });
  const lo = mx.array([[4, 0, 0], [2, 3, 0], [1, -2, 5]], mx.float32);
  assertArray(mx.linalg.solve_triangular(lo, mx.array([8, 14, 3], mx.float32), { upper: false }), { values: [2, 10 / 3, 23 / 15], tol: { rtol: 1e-6, atol: 1e-6 } });
  const up = mx.array([[3, 2, 1], [0, 5, 4], [0, 0, 6]], mx.float32);
  assertArray(mx.linalg.solve_triangular(up, mx.array([13, 33, 18], mx.float32), { upper: true }), { values: [1.6 / 3, 4.2, 3], tol: { rtol: 1e-6, atol: 1e-6 } });
  for (const f of [mx.linalg.solve, mx.linalg.solve_triangular]) {
    assertArray(f(mx.zeros([0, 0]), mx.zeros([0])), { shape: [0] });
    assertArray(f(mx.zeros([2, 0, 0]), mx.zeros([0, 3])), { shape: [2, 0, 3] });
    assertArray(f(mx.eye(3), mx.zeros([3, 0])), { shape: [3, 0] });
    assertArray(f(mx.zeros([0, 2, 2]), mx.zeros([2])), { shape: [0, 2] });
  }
});

test('solve / solve_triangular: errors, singular matrices fail the evaluation', () => {
  for (const name of ['solve', 'solve_triangular']) {
    const f = mx.linalg[name];
    const p = `[linalg.${name}] `;
    const eq = (m) => exact(p + m);
    throwsWith(() => f(mx.zeros([3]), mx.zeros([3])), Error, eq('First input must have >= 2 dimensions. Received array with 1 dimensions.'));
    throwsWith(() => f(mx.zeros([3, 3]), mx.array(1.5)), Error, eq('Second input must have >= 1 dimensions. Received array with 0 dimensions.'));
    throwsWith(() => f(mx.zeros([3, 2]), mx.zeros([3])), Error, eq('First input must be a square matrix. Received array with shape (3,2).'));
    throwsWith(() => f(mx.zeros([3, 3]), mx.zeros([2, 3])), Error, eq('Last dimension of first input with shape (3,3) must match second to last dimension of second input with shape (2,3).'));
    throwsWith(() => f(mx.zeros([3, 3]), mx.zeros([4])), Error, /must match second to last dimension/);
    throwsWith(() => f(mx.array([[1, 0], [0, 1]]), mx.array([1, 2])), Error, eq('Input arrays must promote to float32 or float64. Received arrays with type int32 and int32.'));
    throwsWith(() => f(mx.zeros([2, 2], mx.complex64), mx.zeros([2])), Error, /must promote to float32 or float64\. Received arrays with type complex64 and float32/);
    // a itself must be float32 or float64 (MLX factorizes it in its own dtype).
    throwsWith(() => f(mx.array([[1, 0], [0, 1]]), mx.array([1, 2], mx.float32)), Error, eq('Arrays must have type float32 or float64. Received array with type int32.'));
    throwsWith(() => f(mx.zeros([2, 2], mx.float16), mx.zeros([2])), Error, eq('Arrays must have type float32 or float64. Received array with type float16.'));
    throwsWith(() => f(mx.zeros([2, 3, 3]), mx.zeros([4, 3, 1])), Error, eq('Shapes (2,3,3) and (4,3,1) cannot be broadcast.'));
    throwsWith(() => f(mx.eye(2), mx.zeros([2]), { stream: mx.gpu }), Error, prefix(p));
  }
  throwsWith(() => mx.linalg.solve_triangular(mx.eye(2), mx.zeros([2]), true), TypeError, /^\[linalg\.solve_triangular\] takes 2 positional arguments \(3 given\)$/);
  throwsWith(() => mx.linalg.solve(mx.array([[1, 2], [2, 4]], mx.float32), mx.array([1, 2], mx.float32)).tolist(), Error, /^\[linalg\.solve\] LU factorization failed with error code 2: the matrix is singular\.$/);
  throwsWith(() => mx.linalg.solve_triangular(mx.array([[1, 0], [2, 0]], mx.float64), mx.array([1, 2], mx.float64)).tolist(), Error, /^\[linalg\.solve_triangular\] Triangular solve failed with error code 2: the matrix is singular\.$/);
  // The 3 is in the triangle that is not read (the full matrix would give [-2, 1]).
  assertArray(mx.linalg.solve_triangular(mx.array([[1, 3], [0, 2]], mx.float64), mx.array([1, 2], mx.float64)), { values: [1, 1] });
});

// ---- det / slogdet ----------------------------------------------------------------------------

for (const k of ['float32', 'float64']) {
  for (const shape of [[1, 1], [2, 2], [3, 3], [4, 4], [3, 6, 6], [2, 2, 3, 3], [50, 5, 5], [120, 120]]) {
    const a = mx.multiply(rand(shape, k, prod(shape) + 91), 2);
    const t = shape[0] > 100 ? { rtol: TOLS[k] * 100, atol: 0 } : tolFor(k);
    if (k === 'float64' || shape[0] < 100) match(`det ${k} ${shape}`, () => mx.linalg.det(a), 'np.linalg.det(a.astype(np.float64))', { a }, { dtype: DT[k], tol: t });
    match(`slogdet ${k} ${shape} sign`, () => mx.linalg.slogdet(a)[0], 'np.linalg.slogdet(a.astype(np.float64))[0]', { a }, { dtype: DT[k] });
    match(`slogdet ${k} ${shape} log|det|`, () => mx.linalg.slogdet(a)[1], 'np.linalg.slogdet(a.astype(np.float64))[1]', { a }, { dtype: DT[k], tol: { rtol: TOLS[k], atol: TOLS[k] * 10 } });
  }
}
{
  const ai = mx.array([[2, 1, 0, 0], [1, 3, 1, 0], [0, 1, 4, 1], [0, 0, 1, 5]]);  // int32 -> float32
  match('det int32 4x4', () => mx.linalg.det(ai), 'np.linalg.det(a.astype(np.float64))', { a: ai }, { dtype: mx.float32, tol: tolFor('float32') });
  match('det int32 2x2', () => mx.linalg.det(mx.array([[1, 2], [3, 4]])), 'np.float64(-2)', {}, { dtype: mx.float32 });
  const hf = mx.array([[1, 2, 0, 0, 1], [0, 1, 3, 0, 0], [2, 0, 1, 1, 0], [0, 0, 1, 2, 1], [1, 0, 0, 1, 2]], mx.float16);
  match('det float16 5x5 (computed through float32)', () => mx.linalg.det(hf), 'np.linalg.det(a.astype(np.float64))', { a: hf }, { dtype: mx.float16 });
  match('det float16 2x2', () => mx.linalg.det(mx.array([[1.5, 2], [3, 4]], mx.float16)), 'np.float64(0)', {}, { dtype: mx.float16 });
}

test('det / slogdet: size 0, singular matrices, shapes, errors', () => {
  assertArray(mx.linalg.det(mx.zeros([0, 0])), { shape: [], values: 1 });
  assertArray(mx.linalg.det(mx.zeros([2, 0, 0], mx.float64)), { shape: [2], dtype: mx.float64, values: [1, 1] });
  const [s0, l0] = mx.linalg.slogdet(mx.zeros([0, 0]));
  assertArray(s0, { values: 1 });
  assertArray(l0, { values: 0 });
  assertArray(mx.linalg.det(mx.zeros([0, 5, 5])), { shape: [0] });
  // Exactly singular: det 0, slogdet (0, -inf), for the small formulas and the LU path.
  for (const n of [2, 3, 5]) {
    const rows = [];
    for (let i = 0; i < n; i++) rows.push(Array.from({ length: n }, (_, j) => (i === n - 1 ? j + 1 : (i * 7 + j * 3) % 5 + (i === j ? 4 : 0))));
    rows[n - 1] = rows[0].slice();
    const a = mx.array(rows, mx.float32);
    assertArray(mx.linalg.det(a), { values: 0 });
    const [s, l] = mx.linalg.slogdet(a, { stream: mx.cpu });
    assertArray(s, { values: 0 });
    assertArray(l, { values: -Infinity });
  }
  assertArray(mx.linalg.det(mx.array([[2, 0, 0, 0], [0, -3, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0.5]], mx.float64)), { values: -3 });
  const [sg, lg] = mx.linalg.slogdet(mx.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 2, 0], [0, 0, 0, 4]], mx.float64));
  assertArray(sg, { values: -1 });
  assertArray(lg, { values: Math.log(8), tol: { rtol: 1e-15, atol: 1e-15 } });
  for (const name of ['det', 'slogdet']) {
    const f = mx.linalg[name];
    const p = `[linalg.${name}] `;
    const eq = (m) => exact(p + m);
    throwsWith(() => f(mx.zeros([2, 2], mx.complex64)), Error, eq('Complex inputs are not supported.'));
    throwsWith(() => f(mx.zeros([2])), Error, eq('Arrays must have >= 2 dimensions. Received array with 1 dimensions.'));
    throwsWith(() => f(mx.zeros([2, 3])), Error, eq('Only defined for square matrices.'));
    throwsWith(() => f(mx.zeros([2, 2]), { stream: mx.gpu }), Error, prefix(p));
    throwsWith(() => f(mx.zeros([2, 2]), { axis: 0 }), TypeError, /unknown keyword argument 'axis'/);
  }
});

// ---- the stream argument, keywords and array-like inputs ------------------------------------

test('stream argument: a Stream, a Device, the default', () => {
  const s = mx.new_stream(mx.cpu);
  const a = mx.array([[4, 1], [1, 3]], mx.float64);
  for (const stream of [s, mx.cpu, mx.default_stream(mx.cpu), null]) {
    assertArray(mx.linalg.inv(a, { stream }), { values: [[3 / 11, -1 / 11], [-1 / 11, 4 / 11]], tol: { rtol: 1e-14, atol: 1e-15 } });
    assertArray(mx.linalg.det(a, { stream }), { values: 11, tol: { rtol: 1e-14, atol: 0 } });
    assertArray(mx.linalg.eigvalsh(a, 'L', { stream }), { values: [(7 - Math.sqrt(5)) / 2, (7 + Math.sqrt(5)) / 2], tol: { rtol: 1e-14, atol: 1e-14 } });
    assertArray(mx.linalg.norm(a, 'fro', null, false, { stream }), { values: Math.sqrt(27), tol: { rtol: 1e-15, atol: 0 } });
    assertArray(mx.linalg.cross(mx.array([1, 0, 0]), mx.array([0, 0, 1]), -1, { stream }), { values: [0, -1, 0] });
    assert.equal(mx.linalg.lu(a, { stream }).length, 3);
  }
  throwsWith(() => mx.linalg.inv(a, { stream: 'cpu' }), TypeError, /^\[linalg\.inv\] argument 'stream' must be a Stream, a Device/);
  // Nested Arrays are array-likes (JS integers make int32, so pass a dtype for floats).
  assertArray(mx.linalg.det([[1.5, 2], [3, 4.5]]), { dtype: mx.float32, values: 0.75, tol: { rtol: 1e-6, atol: 1e-6 } });
});

// ---- large batches of tiny matrices (split over the cores) -------------------------------------

{
  const a = wellCond([3000, 4, 4], 'float64', 101), b = rand([3000, 4, 2], 'float64', 102);
  const t = { rtol: 1e-10, atol: 1e-10 };
  match('batch 3000x4x4 inv', () => mx.linalg.inv(a), 'np.linalg.inv(a)', { a }, { tol: t });
  match('batch 3000x4x4 solve', () => mx.linalg.solve(a, b), 'np.linalg.solve(a, b)', { a, b }, { tol: t });
  match('batch 3000x4x4 det', () => mx.linalg.det(a), 'np.linalg.det(a)', { a }, { tol: t });
  match('batch 3000x4x4 eigvalsh', () => mx.linalg.eigvalsh(a, 'U'), "np.linalg.eigvalsh(a, UPLO='U')", { a }, { tol: t });
  match('batch 3000x4x4 svd', () => mx.linalg.svd(a, false), 'np.linalg.svd(a, compute_uv=False)', { a }, { tol: t });
  match('batch 3000x4x4 cholesky', () => mx.linalg.cholesky(mx.matmul(a, mx.swapaxes(a, -1, -2))), 'np.linalg.cholesky(a @ np.swapaxes(a, -1, -2))', { a }, { tol: t });
  const [P, L, U] = mx.linalg.lu(a);
  resid('batch 3000x4x4 lu', rel('np.take_along_axis(L, P.astype(np.int64)[..., None], axis=-2) @ U', 'a'), { a, P, L, U }, 1e-14);
  const [q, r] = mx.linalg.qr(a);
  resid('batch 3000x4x4 qr', rel('q @ r', 'a'), { a, q, r }, 1e-14);
}

test('a singular matrix deep in a large batch fails the evaluation', () => {
  const a = mx.broadcast_to(mx.eye(4), [3000, 4, 4]);
  const bad = mx.concatenate([a.get('0:2000'), mx.zeros([1, 4, 4]), a.get('2000:')]);
  throwsWith(() => mx.eval(mx.linalg.inv(bad)), Error, /^\[linalg\.inv\] LU factorization failed with error code 1: the matrix is singular\.$/);
  throwsWith(() => mx.eval(mx.linalg.solve(bad, mx.ones([4]))), Error, /^\[linalg\.solve\] LU factorization failed/);
  throwsWith(() => mx.eval(mx.linalg.solve_triangular(bad, mx.ones([4]))), Error, /^\[linalg\.solve_triangular\] Triangular solve failed/);
  throwsWith(() => mx.eval(mx.linalg.tri_inv(bad, true)), Error, /^\[linalg\.tri_inv\] Triangular inversion failed/);
  assertArray(mx.linalg.det(bad).get('1999:2002'), { values: [1, 0, 1] });
});

// ---- the numpy comparisons queued above --------------------------------------------------------

np.run();

test('numpy oracle: values', () => {
  const failed = [];
  for (const { name, got, opts, h } of matches) {
    try {
      assertNumpy(typeof got === 'function' ? got() : got, h, { dtype: opts.dtype, tol: opts.tol, msg: name });
    } catch (e) {
      failed.push(e.message.split('\n')[0] + (e.message.includes('shape') ? ` ${JSON.stringify(e.actual)} vs ${JSON.stringify(e.expected)}` : ''));
    }
  }
  assert.deepEqual(failed, [], `${failed.length} of ${matches.length} comparisons failed:\n${failed.join('\n')}`);
});

test('numpy oracle: identities (reconstruction, orthogonality, triangularity)', () => {
  const failed = [];
  for (const { name, bound, h } of residuals) {
    if (h.error !== undefined) { failed.push(`${name}: numpy failed: ${h.error}`); continue; }
    const r = h.value.flat[0];
    if (!(Number.isFinite(r) && r <= bound)) failed.push(`${name}: residual ${r} > ${bound}`);
  }
  assert.deepEqual(failed, [], `${failed.length} of ${residuals.length} identities failed:\n${failed.join('\n')}`);
});
