'use strict';
// Contractions and products (the `linalg-ish` group, quantization aside): tensordot, inner,
// outer, vecdot, kron, addmm, einsum (a table of subscripts) and einsum_path against numpy;
// block_masked_mm, gather_mm, segmented_mm and hadamard_transform against naive references;
// dtypes, the stream argument, keyword arguments, and every error naming its function.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { NumpyBatch } = require('./helpers/numpy');
const { assertArray, assertNumpy, throwsWith } = require('./helpers/check');

const np = new NumpyBatch();
const TOL32 = { rtol: 2e-5, atol: 2e-5 };

// Deterministic values in [-1, 1), exact in float16.
function vals(n, seed = 1) {
  const out = [];
  let x = seed * 7919;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(Math.floor((x / 2147483648) * 64 - 32) / 32);
  }
  return out;
}
const size = (shape) => shape.reduce((a, b) => a * b, 1);
const rnd = (shape, seed = 1, dtype = mx.float32) => mx.array(vals(size(shape), seed), dtype).reshape(shape);

const cases = [];
const q = (name, fn, expr, vars, opts = {}) => cases.push({ name, fn, h: np.eval(expr, vars), opts });

// ---- tensordot / inner / outer / vecdot / kron / addmm ------------------------------------
{
  const a = rnd([3, 4, 5], 1), b = rnd([4, 5, 6], 2), c = rnd([5, 4, 2], 3);
  q('tensordot default', () => mx.tensordot(a, b), 'np.tensordot(a, b)', { a, b });
  q('tensordot 1', () => mx.tensordot(a, c, 1), 'np.tensordot(a, c, 1)', { a, c });
  q('tensordot 0', () => mx.tensordot(rnd([2, 3]), rnd([4], 5), 0), 'np.tensordot(x, y, 0)', { x: rnd([2, 3]), y: rnd([4], 5) });
  q('tensordot lists', () => mx.tensordot(a, c, [[1, 2], [1, 0]]), 'np.tensordot(a, c, axes=([1, 2], [1, 0]))', { a, c });
  q('tensordot negative axes', () => mx.tensordot(a, c, { axes: [[-1, -2], [0, 1]] }), 'np.tensordot(a, c, axes=([2, 1], [0, 1]))', { a, c });
  q('tensordot float64', () => mx.tensordot(a.astype(mx.float64), b.astype(mx.float64), 2), 'np.tensordot(a.astype(np.float64), b.astype(np.float64))', { a, b }, { dtype: mx.float64 });
  const v = rnd([5], 4), w = rnd([5], 6), m = rnd([2, 3, 5], 7);
  q('inner vectors', () => mx.inner(v, w), 'np.inner(v, w)', { v, w });
  q('inner nd', () => mx.inner(m, a), 'np.inner(m, a)', { m, a });
  q('inner scalar', () => mx.inner(m, 2), 'np.inner(m, np.float32(2))', { m });
  q('outer', () => mx.outer(v, rnd([3], 8)), 'np.outer(v, y)', { v, y: rnd([3], 8) });
  q('outer flattens', () => mx.outer(rnd([2, 2], 9), rnd([3], 8)), 'np.outer(x, y)', { x: rnd([2, 2], 9), y: rnd([3], 8) });
  const oi = mx.array([1, 2, 3], mx.int32), oj = mx.array([4, 5], mx.int32);
  q('outer int32', () => mx.outer(oi, oj), 'np.outer(x, y)', { x: oi, y: oj }, { dtype: mx.int32 });
  q('vecdot', () => mx.vecdot(m, rnd([3, 5], 10)), 'np.sum(m * y, axis=-1)', { m, y: rnd([3, 5], 10) });
  q('vecdot axis', () => mx.vecdot(m, rnd([3, 1], 10), { axis: 1 }), 'np.sum(m * y, axis=1)', { m, y: rnd([3, 1], 10) });
  q('vecdot positional axis', () => mx.vecdot(m, m, 0), 'np.sum(m * m, axis=0)', { m });
  const zc = mx.array([{ re: 1, im: 2 }, { re: -1, im: 0.5 }], mx.complex64), zd = mx.array([{ re: 0.5, im: -1 }, { re: 2, im: 1 }], mx.complex64);
  q('vecdot complex conjugates a', () => mx.vecdot(zc, zd), 'np.sum(np.conj(x) * y)', { x: zc, y: zd }, { dtype: mx.complex64 });
  q('kron 2d', () => mx.kron(rnd([2, 3], 1), rnd([3, 2], 2)), 'np.kron(x, y)', { x: rnd([2, 3], 1), y: rnd([3, 2], 2) });
  q('kron mixed ndim', () => mx.kron(rnd([2], 1), rnd([2, 3, 2], 2)), 'np.kron(x, y)', { x: rnd([2], 1), y: rnd([2, 3, 2], 2) });
  const ki = mx.array([[1, 2], [3, 4]], mx.int32);
  q('kron int32', () => mx.kron(ki, ki), 'np.kron(x, x)', { x: ki }, { dtype: mx.int32 });
  const A = rnd([3, 4], 11), B = rnd([4, 5], 12), C = rnd([3, 5], 13);
  q('addmm', () => mx.addmm(C, A, B), 'c + a @ b', { c: C, a: A, b: B });
  q('addmm alpha beta', () => mx.addmm(C, A, B, 0.5, -2), '-2 * c + 0.5 * (a @ b)', { c: C, a: A, b: B });
  q('addmm kwargs broadcast c', () => mx.addmm(rnd([5], 14), A, B, { alpha: 2, beta: 3 }), '3 * c + 2 * (a @ b)', { c: rnd([5], 14), a: A, b: B });
  q('addmm batched', () => mx.addmm(rnd([2, 3, 5], 15), rnd([2, 3, 4], 16), B), 'c + a @ b', { c: rnd([2, 3, 5], 15), a: rnd([2, 3, 4], 16), b: B });
  q('addmm vector a', () => mx.addmm(rnd([5], 14), rnd([4], 17), B), 'c + a @ b', { c: rnd([5], 14), a: rnd([4], 17), b: B });
  q('addmm vector b', () => mx.addmm(rnd([3], 14), A, rnd([4], 17)), 'c + a @ b', { c: rnd([3], 14), a: A, b: rnd([4], 17) });
  q('addmm float16', () => mx.addmm(C.astype(mx.float16), A.astype(mx.float16), B.astype(mx.float16)), 'c + a @ b', { c: C, a: A, b: B }, { dtype: mx.float16, tol: { rtol: 2e-3, atol: 4e-3 } });
  q('addmm float64', () => mx.addmm(C.astype(mx.float64), A, B.astype(mx.float64), 1.5, 0.25), '0.25 * c + 1.5 * (a @ b)', { c: C, a: A, b: B }, { dtype: mx.float64, tol: TOL32 });
  q('addmm empty K', () => mx.addmm(C, rnd([3, 0]), rnd([0, 5])), 'c + 0', { c: C });
}

// ---- einsum over a table of subscripts ------------------------------------------------------
const EINSUM = [
  ['ij,jk->ik', [[3, 4], [4, 5]]], ['ij,jk', [[3, 4], [4, 5]]], ['ij->ji', [[3, 4]]], ['ii->i', [[4, 4]]],
  ['ii', [[4, 4]]], ['ii->', [[4, 4]]], ['ij->', [[3, 4]]], ['ij->j', [[3, 4]]], ['i,i->', [[5], [5]]],
  ['i,i', [[5], [5]]], ['i,j->ij', [[3], [4]]], ['i,j', [[3], [4]]], ['bij,bjk->bik', [[2, 3, 4], [2, 4, 5]]],
  ['bij,jk->bik', [[2, 3, 4], [4, 5]]], ['...ij,...jk->...ik', [[2, 3, 4], [2, 4, 5]]], ['...ij,jk', [[2, 2, 3, 4], [4, 5]]],
  ['i...->...', [[3, 2, 4]]], ['...i->...', [[3, 2, 4]]], ['ij,ij->ij', [[3, 4], [3, 4]]], ['ij,ij->', [[3, 4], [3, 4]]],
  ['ij,ji->', [[3, 4], [4, 3]]], ['iij->j', [[3, 3, 4]]], ['ijij->ij', [[2, 3, 2, 3]]], ['iji->ij', [[3, 4, 3]]],
  ['ij,jk,kl->il', [[3, 4], [4, 5], [5, 2]]], ['ij,jk,kl', [[3, 4], [4, 5], [5, 2]]], ['ab,bc,cd,de->ae', [[2, 3], [3, 4], [4, 5], [5, 2]]],
  ['i,ij,j->', [[3], [3, 4], [4]]], ['ijk,jkl->il', [[2, 3, 4], [3, 4, 5]]], ['ijk->kji', [[2, 3, 4]]],
  ['ijk,k->ij', [[2, 3, 4], [4]]], ['ij,kl->ijkl', [[2, 3], [2, 2]]], ['ij,j->i', [[3, 4], [4]]], ['i,i,i->i', [[4], [4], [4]]],
  ['bhqd,bhkd->bhqk', [[2, 2, 3, 4], [2, 2, 5, 4]]], ['bhqk,bhkd->bhqd', [[2, 2, 3, 5], [2, 2, 5, 4]]], ['ij,j', [[3, 1], [4]]],
  ['ij,jk->ik', [[3, 1], [4, 5]]], ['ba,ac->cb', [[3, 4], [4, 2]]], ['ea,fb,abcd,gc,hd->efgh', [[2, 3], [2, 3], [3, 3, 3, 3], [2, 3], [2, 3]]],
  ['i,->i', [[3], []]], [' ij , jk -> ik ', [[3, 4], [4, 5]]],
];
EINSUM.forEach(([sub, shapes], t) => {
  const ops = shapes.map((s, i) => rnd(s, 20 + 3 * t + i));
  const vars = {};
  ops.forEach((o, i) => { vars[`x${i}`] = o; });
  q(`einsum '${sub}'`, () => mx.einsum(sub, ...ops), `np.einsum(${JSON.stringify(sub.replace(/ /g, ''))}, ${ops.map((_, i) => `x${i}`).join(', ')})`, vars, { tol: TOL32 });
});
// Integer operands contract by multiply-and-sum.
{
  const a = mx.array([[1, 2], [3, 4]], mx.int32), b = mx.array([[5, 6], [7, 8]], mx.int32);
  q('einsum int32 matmul', () => mx.einsum('ij,jk->ik', a, b), 'np.einsum("ij,jk->ik", a, b)', { a, b }, { dtype: mx.int32 });
  q('einsum int32 trace', () => mx.einsum('ii', a), 'np.einsum("ii", a)', { a }, { dtype: mx.int32 });
}

// einsum_path's order against numpy's greedy order (MLX follows opt_einsum's greedy search).
const PATHS = [
  ['ij,jk,kl->il', [[3, 4], [4, 5], [5, 2]]],
  ['ab,bc,cd,de->ae', [[2, 30], [30, 4], [4, 50], [50, 2]]],
  ['ea,fb,abcd,gc,hd->efgh', [[10, 10], [10, 10], [10, 10, 10, 10], [10, 10], [10, 10]]],
  ['i,ij,j->', [[30], [30, 40], [40]]],
  ['ij,jk,ki->', [[5, 6], [6, 7], [7, 5]]],
];
const pathCases = PATHS.map(([sub, shapes]) => {
  const ops = shapes.map((s) => mx.zeros(s));
  const args = shapes.map((s) => `np.zeros(${JSON.stringify(s)})`).join(', ');
  return { sub, ops, h: np.eval(`np.array([list(t) for t in np.einsum_path(${JSON.stringify(sub)}, ${args}, optimize='greedy')[0][1:]])`) };
});

np.run();

test('products and contractions match numpy', () => {
  for (const { name, fn, h, opts } of cases) assertNumpy(fn(), h, { dtype: opts.dtype || mx.float32, tol: opts.tol || TOL32, msg: name });
});

test('einsum_path returns the greedy contraction order and MLX\'s summary', () => {
  for (const { sub, ops, h } of pathCases) {
    const [path, text] = mx.einsum_path(sub, ...ops);
    assert.equal(h.error, undefined, h.error);
    const exp = [];
    for (let i = 0; i < h.value.shape[0]; i++) exp.push(h.value.flat.slice(i * 2, i * 2 + 2).map(Number));
    assert.deepEqual(path, exp, sub);
    assert.match(text, new RegExp(`^  Complete contraction:  ${sub.replace(/[.]/g, '\\.')}\\n {9}Naive scaling:  \\d+\\n {5}Optimized scaling:  \\d+\\n {6}Naive FLOP count:  \\d+\\n  Optimized FLOP count:  \\d+\\n$`));
  }
  // Two operands: one step over both; the naive scaling counts the distinct letters.
  const [p, text] = mx.einsum_path('ij,jk->ik', mx.zeros([3, 4]), mx.zeros([4, 5]));
  assert.deepEqual(p, [[0, 1]]);
  assert.match(text, /Naive scaling: {2}3\n/);
  // Naive cost of ij,jk->ik: 3*4*5 elements times (2 - 1 + 1 for the inner sum) = 120.
  assert.match(text, /Naive FLOP count: {2}120\n/);
});

test('einsum matches a naive reference in float16 and bfloat16', () => {
  const a = rnd([3, 4], 1), b = rnd([4, 2], 2);
  const ref = mx.matmul(a, b).tolist();
  for (const dt of [mx.float16, mx.bfloat16]) {
    const r = mx.einsum('ij,jk->ik', a.astype(dt), b.astype(dt));
    assertArray(r, { dtype: dt, shape: [3, 2], values: ref, tol: { rtol: 2e-2, atol: 2e-2 } });
  }
});

// ---- gather_mm / segmented_mm / block_masked_mm (naive references) ------------------------
function matmulRef(A, B) { // nested JS arrays
  return A.map((row) => B[0].map((_, j) => row.reduce((s, x, k) => s + x * B[k][j], 0)));
}

test('gather_mm gathers matrices of the batch dims', () => {
  const a = rnd([3, 2, 4], 1), b = rnd([5, 4, 3], 2);
  const li = mx.array([2, 0, 1, 2], mx.uint32), ri = mx.array([4, 1, 0, 3], mx.int32);
  const A = a.tolist(), B = b.tolist();
  const exp = [2, 0, 1, 2].map((l, i) => matmulRef(A[l], B[[4, 1, 0, 3][i]]));
  assertArray(mx.gather_mm(a, b, li, ri), { dtype: mx.float32, shape: [4, 2, 3], values: exp, tol: TOL32 });
  assertArray(mx.gather_mm(a, b, { lhs_indices: li, rhs_indices: ri, sorted_indices: true, stream: mx.cpu }), { shape: [4, 2, 3], values: exp, tol: TOL32 });
  // Broadcast index shapes; a missing index list is arange over the batch.
  const l2 = mx.array([[0], [2]], mx.int32), r2 = mx.array([1, 3, 4], mx.int32);
  const exp2 = [0, 2].map((l) => [1, 3, 4].map((r) => matmulRef(A[l], B[r])));
  assertArray(mx.gather_mm(a, b, l2, r2), { shape: [2, 3, 2, 3], values: exp2, tol: TOL32 });
  const b3 = rnd([3, 4, 3], 3), B3 = b3.tolist();
  assertArray(mx.gather_mm(a, b3, { rhs_indices: mx.array([2, 2, 0]) }), { shape: [3, 2, 3], values: [0, 1, 2].map((l, i) => matmulRef(A[l], B3[[2, 2, 0][i]])), tol: TOL32 });
  // No indices: a plain matmul. Vector operands lose their dim.
  assertArray(mx.gather_mm(a, b3), { shape: [3, 2, 3], values: [0, 1, 2].map((i) => matmulRef(A[i], B3[i])), tol: TOL32 });
  const v = rnd([4], 9), V = v.tolist();
  assertArray(mx.gather_mm(v, b, { rhs_indices: mx.array([1, 0]) }), { shape: [2, 3], values: [1, 0].map((r) => matmulRef([V], B[r])[0]), tol: TOL32 });
  // float16 and float64
  assertArray(mx.gather_mm(a.astype(mx.float64), b, li, ri), { dtype: mx.float64, values: exp, tol: TOL32 });
  assertArray(mx.gather_mm(a.astype(mx.float16), b.astype(mx.float16), li, ri), { dtype: mx.float16, values: exp, tol: { rtol: 4e-3, atol: 4e-3 } });
  throwsWith(() => mx.gather_mm(a, b, mx.array([0.5]), ri), Error, /\[gather_mm\] Got lhs_indices with invalid dtype/);
  throwsWith(() => mx.gather_mm(a, b, li, mx.array([1.5])), Error, /\[gather_mm\] Got rhs_indices with invalid dtype/);
  throwsWith(() => mx.gather_mm(a.astype(mx.int32), b.astype(mx.int32), li, ri), Error, /\[gather_mm\] Only real floating point types/);
  throwsWith(() => mx.gather_mm(a, rnd([5, 3, 3]), li, ri), Error, /\[gather_mm\] Last dimension of first input/);
  throwsWith(() => mx.gather_mm(mx.array(1), b, li, ri), Error, /\[gather_mm\] Got 0 dimension input/);
  throwsWith(() => mx.gather_mm(a, b, mx.array([1, 2]), mx.array([1, 2, 3])), Error, /\[gather_mm\]/);
  throwsWith(() => mx.gather_mm(a, b, li, ri, 'yes'), TypeError, /\[gather_mm\]/);
});

test('segmented_mm multiplies each segment of the inner dimension', () => {
  const a = rnd([3, 6], 1), b = rnd([6, 2], 2), A = a.tolist(), B = b.tolist();
  const seg = [[0, 2], [2, 6], [1, 4], [3, 3]];
  const ref = ([s, e]) => matmulRef(A.map((r) => r.slice(s, e).concat(e > s ? [] : [0])), B.slice(s, e).concat(e > s ? [] : [[0, 0]]));
  assertArray(mx.segmented_mm(a, b, mx.array(seg, mx.int32)), { dtype: mx.float32, shape: [4, 3, 2], values: seg.map(ref), tol: TOL32 });
  const seg2 = mx.array([[[0, 6]], [[4, 6]]], mx.uint32);
  assertArray(mx.segmented_mm(a, b, { segments: seg2, stream: mx.cpu }), { shape: [2, 1, 3, 2], values: [[ref([0, 6])], [ref([4, 6])]], tol: TOL32 });
  assertArray(mx.segmented_mm(a.astype(mx.float64), b, mx.array([[0, 6]])), { dtype: mx.float64, values: [ref([0, 6])], tol: TOL32 });
  throwsWith(() => mx.segmented_mm(rnd([2, 3, 6]), b, mx.array([[0, 1]])), Error, /\[segmented_mm\] Batched matmul not supported/);
  throwsWith(() => mx.segmented_mm(a, b, mx.array([0, 1, 2])), Error, /\[segmented_mm\] The segments should have shape/);
  throwsWith(() => mx.segmented_mm(a, b, mx.array([[0.5, 1]])), Error, /\[segmented_mm\] Got segments with invalid dtype/);
  throwsWith(() => mx.segmented_mm(a.astype(mx.int32), b.astype(mx.int32), mx.array([[0, 1]])), Error, /\[segmented_mm\] Only real floating point types/);
  throwsWith(() => mx.segmented_mm(a, rnd([5, 2]), mx.array([[0, 1]])), Error, /\[segmented_mm\] Last dimension/);
});

test('block_masked_mm masks blocks of the output and operands', () => {
  const M = 40, K = 70, N = 36, bs = 32;
  const a = rnd([M, K], 1), b = rnd([K, N], 2), A = a.tolist(), B = b.tolist();
  const mo = [[true, false], [false, true]];
  const ml = [[true, false, true], [false, true, true]];
  const mr = [[true, true], [false, true], [true, false]];
  const ref = (useOut, useOps, scale = false) => {
    const out = [];
    for (let i = 0; i < M; i++) {
      out.push([]);
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const lv = useOps ? ml[i >> 5][k >> 5] : 1, rv = useOps ? mr[k >> 5][j >> 5] : 1;
          s += A[i][k] * Number(lv) * B[k][j] * Number(rv);
        }
        const ov = useOut ? mo[i >> 5][j >> 5] : 1;
        out[i].push(s * (scale ? ov : Number(ov)));
      }
    }
    return out;
  };
  assertArray(mx.block_masked_mm(a, b, bs, mx.array(mo)), { dtype: mx.float32, shape: [M, N], values: ref(true, false), tol: TOL32 });
  assertArray(mx.block_masked_mm(a, b, bs, null, mx.array(ml), mx.array(mr)), { values: ref(false, true), tol: TOL32 });
  assertArray(mx.block_masked_mm(a, b, { block_size: 32, mask_out: mx.array(mo), mask_lhs: mx.array(ml), mask_rhs: mx.array(mr), stream: mx.cpu }), { values: ref(true, true), tol: TOL32 });
  // Float masks scale the blocks.
  const fo = mx.array([[0.5, 2], [-1, 0]]);
  const R = ref(false, false), FO = [[0.5, 2], [-1, 0]];
  assertArray(mx.block_masked_mm(a, b, 32, fo), { values: R.map((r, i) => r.map((x, j) => x * FO[i >> 5][j >> 5])), tol: TOL32 });
  // A masked-out block ignores inf in its operands.
  const ainf = mx.where(mx.greater(mx.arange(K), 64), Infinity, a);
  const res = mx.block_masked_mm(ainf, b, 32, null, mx.array([[true, true, false], [true, true, false]]), null).tolist();
  assert.ok(res.flat().every(Number.isFinite));
  // No masks: plain matmul; default block size 64.
  assertArray(mx.block_masked_mm(a, b), { values: R, tol: TOL32 });
  assertArray(mx.block_masked_mm(a, b, { mask_out: mx.array([[true]]) }), { values: R, tol: TOL32 });
  throwsWith(() => mx.block_masked_mm(a, b, 16, mx.array(mo)), Error, /\[block_masked_mm\] Only block_sizes 32, 64 are supported/);
  throwsWith(() => mx.block_masked_mm(a, b, 32, mx.array([[true, false, true]])), Error, /\[block_masked_mm\] mask_out/);
  throwsWith(() => mx.block_masked_mm(a.astype(mx.int32), b.astype(mx.int16), 32, mx.array(mo)), Error, /\[block_masked_mm\] Only real floating point types/);
  throwsWith(() => mx.block_masked_mm(a, a, 32, mx.array(mo)), Error, /\[block_masked_mm\] Last dimension of first input/);
  throwsWith(() => mx.block_masked_mm(a, b, 1.5), TypeError, /\[block_masked_mm\]/);
});

// ---- hadamard_transform ------------------------------------------------------------------
const H12 = '+-++++++++++--+-+-+-+-+-+++-++----+++---+--+-++-+++++-++----+-+---+--+-+++--+++-++--+--++---+--+++----+++-+++--+-++---+-++++----+++-+-+--+-++---';
function hadamardRef(x, m) { // x: one row; H = H_m (x) H_{n/m} (Sylvester)
  const n = x.length, p = n / m;
  const syl = (i, j) => (popcount(i & j) % 2 ? -1 : 1);
  const hm = (i, j) => (m === 1 ? 1 : H12[i * 12 + j] === '+' ? 1 : -1);
  const out = [];
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let c = 0; c < n; c++) s += hm(Math.floor(r / p), Math.floor(c / p)) * syl(r % p, c % p) * x[c];
    out.push(s);
  }
  return out;
}
function popcount(v) { let c = 0; while (v) { c += v & 1; v >>= 1; } return c; }

test('hadamard_transform against the dense Hadamard matrix', () => {
  for (const n of [2, 4, 8, 64, 12, 24, 48]) {
    const x = rnd([3, n], n), X = x.tolist();
    const m = n % 12 === 0 ? 12 : 1;
    const exp = X.map((row) => hadamardRef(row, m).map((v) => v / Math.sqrt(n)));
    assertArray(mx.hadamard_transform(x), { dtype: mx.float32, shape: [3, n], values: exp, tol: { rtol: 1e-5, atol: 1e-5 }, msg: `n=${n}` });
    const exp2 = X.map((row) => hadamardRef(row, m).map((v) => v * 0.5));
    assertArray(mx.hadamard_transform(x, 0.5), { values: exp2, tol: { rtol: 1e-5, atol: 1e-5 } });
    assertArray(mx.hadamard_transform(x, { scale: 0.5, stream: mx.cpu }), { values: exp2, tol: { rtol: 1e-5, atol: 1e-5 } });
  }
  // H_20 and H_28 are orthogonal: applying the orthonormal transform twice gives H^T-ish
  // norms preserved.
  for (const n of [20, 28, 40, 56]) {
    const x = rnd([2, n], n);
    const y = mx.hadamard_transform(x);
    assertArray(mx.sum(mx.square(y), -1), { values: mx.sum(mx.square(x), -1).tolist(), tol: { rtol: 1e-5, atol: 1e-5 } });
  }
  // Strided input, other dtypes, integer input becomes float32.
  const x = rnd([8, 4], 5), X = mx.transpose(x).tolist();
  assertArray(mx.hadamard_transform(mx.transpose(x), 1), { shape: [4, 8], values: X.map((r) => hadamardRef(r, 1)), tol: TOL32 });
  for (const dt of [mx.float16, mx.bfloat16, mx.float64]) {
    const r = mx.hadamard_transform(mx.transpose(x).astype(dt), 1);
    assertArray(r, { dtype: dt, values: X.map((row) => hadamardRef(row, 1)), tol: { rtol: 1e-2, atol: 1e-2 } });
  }
  assertArray(mx.hadamard_transform(mx.array([1, 2, 3, 4], mx.int32), 1), { dtype: mx.float32, values: [10, -2, -4, 0] });
  // n = 1 and 0-d: only the scale.
  assertArray(mx.hadamard_transform(mx.array([[3]]), 2), { values: [[6]] });
  assertArray(mx.hadamard_transform(mx.array(3)), { values: 3 });
  // Its own transpose: the gradient of sum(w * H x) is H w.
  const w = rnd([8], 7);
  const g = mx.grad((v) => mx.sum(mx.multiply(w, mx.hadamard_transform(v))))(rnd([8], 8));
  assertArray(g, { values: hadamardRef(w.tolist(), 1).map((v) => v / Math.sqrt(8)), tol: TOL32 });
  const vm = mx.vmap((v) => mx.hadamard_transform(v, 1), { in_axes: 1 })(x);
  assertArray(vm, { shape: [4, 8], values: X.map((r) => hadamardRef(r, 1)), tol: TOL32 });
  throwsWith(() => mx.hadamard_transform(rnd([2, 6])), Error, /\[hadamard_transform\] Only supports n = m\*2\^k/);
  throwsWith(() => mx.hadamard_transform(rnd([2, 36])), Error, /\[hadamard_transform\] Only supports/);
  throwsWith(() => mx.hadamard_transform(mx.zeros([0, 4])), Error, /\[hadamard_transform\] Does not support empty arrays/);
  throwsWith(() => mx.hadamard_transform(x, 'a'), TypeError, /\[hadamard_transform\]/);
});

// ---- errors ------------------------------------------------------------------------------
test('errors name the function', () => {
  const a = rnd([3, 4]), b = rnd([4, 5]);
  throwsWith(() => mx.tensordot(a, b, -1), Error, /\[tensordot\] axis must be greater or equal to 0/);
  throwsWith(() => mx.tensordot(a, b, 3), Error, /\[tensordot\] axis must be less than/);
  throwsWith(() => mx.tensordot(a, b, [[0]]), Error, /\[tensordot\] axes must be a list of two lists/);
  throwsWith(() => mx.tensordot(a, b, [[1], [0, 1]]), Error, /\[tensordot\] axes must have the same size/);
  throwsWith(() => mx.tensordot(a, b, [[0], [0]]), Error, /\[tensordot\] a and b must have the same shape on the contracted axes/);
  throwsWith(() => mx.tensordot(a, b, [[2], [0]]), RangeError, /\[tensordot\] Invalid axis 2/);
  throwsWith(() => mx.tensordot(a, b, [[1, 1], [0, 0]]), Error, /\[tensordot\]/);
  throwsWith(() => mx.tensordot(a, b, 'x'), TypeError, /\[tensordot\]/);
  throwsWith(() => mx.tensordot(mx.array([1, 2]), mx.array([3, 4]), 1), Error, /\[tensordot\] Only inexact types/);
  throwsWith(() => mx.inner(a, b), Error, /\[inner\] a and b must have the same last dimension/);
  throwsWith(() => mx.vecdot(a, rnd([2, 4]), 0), Error, /\[vecdot\]/);
  throwsWith(() => mx.vecdot(a, a, 2), RangeError, /\[vecdot\] Invalid axis/);
  throwsWith(() => mx.vecdot(a, a, 0.5), TypeError, /\[vecdot\]/);
  throwsWith(() => mx.kron(mx.zeros([0]), a), Error, /\[kron\] Input arrays cannot be empty/);
  throwsWith(() => mx.addmm(a, mx.array(1), b), Error, /\[addmm\] Got 0 dimension input/);
  throwsWith(() => mx.addmm(rnd([3, 5]), a, a), Error, /\[addmm\] Last dimension of first input/);
  throwsWith(() => mx.addmm(rnd([4, 5]), a, b), Error, /\[addmm\] input c must broadcast to the output shape/);
  throwsWith(() => mx.addmm(rnd([2, 3, 5]), a, b), Error, /\[addmm\] input c must broadcast/);
  throwsWith(() => mx.addmm(mx.zeros([3, 5], mx.int32), a.astype(mx.int32), b.astype(mx.int32)), Error, /\[addmm\] Only real floating point types/);
  throwsWith(() => mx.addmm(a, a, b, 'x'), TypeError, /\[addmm\]/);
  throwsWith(() => mx.einsum('ij,jk', a), Error, /\[einsum\] Number of operands, 1, does not match number of input subscripts, 2/);
  throwsWith(() => mx.einsum('i1', a), Error, /\[einsum\] Subscripts must be letters, but got '1'/);
  throwsWith(() => mx.einsum('...i...', a), Error, /\[einsum\] Only one ellipsis per subscript/);
  throwsWith(() => mx.einsum('ijk', a), Error, /\[einsum\] Invalid number of subscripts 3 for input 0 with 2 dimensions/);
  throwsWith(() => mx.einsum('ii', a), Error, /\[einsum\] Dimensions of repeated subscripts do not have the same size \(3 != 4\)/);
  throwsWith(() => mx.einsum('ij,ij', a, b), Error, /\[einsum\] Cannot broadcast dimension 0 of input 1/);
  throwsWith(() => mx.einsum('ij->ii', a), Error, /\[einsum\] Repeat indices not allowed in output/);
  throwsWith(() => mx.einsum('ij->k', a), Error, /\[einsum\] Output subscript 'k'/);
  throwsWith(() => mx.einsum('ij...k', a), Error, /\[einsum\] Operand 0 with shape \(3,4\) has insufficient dimensions/);
  throwsWith(() => mx.einsum('i'), Error, /\[einsum\] At least one operand is required/);
  throwsWith(() => mx.einsum(3, a), TypeError, /\[einsum\]/);
  throwsWith(() => mx.einsum_path('ij,jk', a), Error, /\[einsum_path\] Number of operands/);
  throwsWith(() => mx.einsum_path(['ij'], a), TypeError, /\[einsum_path\]/);
});
