'use strict';
// Transform rules of the sort, random, linalg and fft groups (src/mlx/rules_sort.cpp,
// rules_random.cpp, rules_linalg.cpp, rules_fft.cpp; RandomSample's vjp in random.cpp): for
// every op of lib/ops_sort.js, lib/random.js, lib/linalg.js and lib/fft.js, vjp and jvp
// against central finite differences in float64 (several shapes, axes, batches, broadcasting;
// decompositions with non-unique outputs through invariant functions: squared eigenvector
// entries, U W U^T of the singular vectors), complex inputs and outputs of the FFTs with MLX
// 0.32's convention (the gradient of a real loss is dL/dRe + i dL/dIm), float32 against the
// float64 gradients with a looser tolerance, and vmap against a loop over the batch for several
// in_axes (random ops over batched keys). The ops without a derivative say so (MLX's zeros or
// errors).
//
// A missing rule of this group's primitives fails; ops composed from other groups' primitives
// (Slice, Gather, Concatenate, ... of the shape/index helpers) are listed as a diagnostic while
// those rules are missing.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { throwsWith } = require('./helpers/check');
const { rand, fromF64, f64, checkDerivatives, checkVmap, runCase, runCases } = require('./helpers/gradcheck');

const NAMES = [...require('../../lib/ops_sort').NAMES, ...require('../../lib/random').NAMES,
  ...require('../../lib/linalg').NAMES, ...require('../../lib/fft').NAMES];

const cpu = { stream: mx.cpu };
const eye = (n) => mx.eye(n, null, 0, mx.float64);
const mT = (a) => mx.swapaxes(a, -1, -2);
// Well-conditioned matrices: random plus a multiple of the identity; symmetric positive
// definite ones: B B^T + n I.
const wellCond = (shape, d = 3) => mx.add(rand(shape), mx.multiply(eye(shape.at(-1)), d));
const spd = (shape) => { const b = rand(shape); return mx.add(mx.matmul(b, mT(b)), mx.multiply(eye(shape.at(-1)), shape.at(-1))); };
const symm = (shape) => { const b = rand(shape); return mx.add(b, mT(b)); };
const sortedRows = (shape) => mx.sort(rand(shape, -2, 2), -1);
const keys = (n, seed = 5) => mx.random.split(mx.random.key(seed), n);

// ---- complex inputs: finite differences of the real and imaginary parts -----------------------

const I = mx.array({ re: 0, im: 1 });
const cplx = (re, im, shape) => mx.add(fromF64(re, shape, mx.float32), mx.multiply(fromF64(im, shape, mx.float32), I));
const crand = (shape) => { const r = f64(rand(shape)), i = f64(rand(shape)); return cplx(r, i, shape); };
const isComplex = (a) => a.dtype === mx.complex64;

// f maps the inputs (float64 or complex64) to a real array. vjp: the gradient of sum(cot * f)
// against central differences of each real and imaginary part (complex gradients are
// dL/dRe + i dL/dIm, MLX 0.32's convention); jvp: against (f(x + h t) - f(x - h t)) / 2h.
// Complex arithmetic is float32, so h is large (the transforms are linear) and tolerances loose.
function checkComplex(f, xs, { vjp = true, jvp = true, h = 0.25, rtol = 2e-3, atol = 2e-3 } = {}) {
  const shapes = xs.map((x) => x.shape);
  const parts = xs.map((x) => (isComplex(x) ? [f64(mx.real(x)), f64(mx.imag(x))] : [f64(x), null]));
  const make = (ps) => ps.map(([re, im], k) => (im ? cplx(re, im, shapes[k]) : fromF64(re, shapes[k])));
  const y0 = f(...make(parts));
  const close = (a, b, what) => assert.ok(Math.abs(a - b) <= atol + rtol * Math.abs(b), `${what}: ${a} vs finite difference ${b}`);
  if (vjp) {
    const cot = rand(y0.shape);
    const cv = f64(cot);
    const loss = (ps) => { const v = f64(f(...make(ps))); let s = 0; for (let i = 0; i < v.length; i++) s += v[i] * cv[i]; return s; };
    const [, grads] = mx.vjp(f, make(parts), [cot.astype(y0.dtype)]);
    grads.forEach((g, k) => {
      assert.deepEqual(g.shape, shapes[k], `vjp shape of input ${k}`);
      assert.equal(isComplex(g), isComplex(xs[k]), `vjp dtype of input ${k}`);
      const gr = f64(isComplex(g) ? mx.real(g) : g), gi = isComplex(g) ? f64(mx.imag(g)) : null;
      for (const [part, gv] of [[0, gr], [1, gi]]) {
        if (!gv) continue;
        for (let i = 0; i < gv.length; i++) {
          const p = parts.map(([re, im]) => [re.slice(), im && im.slice()]);
          const m = parts.map(([re, im]) => [re.slice(), im && im.slice()]);
          p[k][part][i] += h;
          m[k][part][i] -= h;
          close(gv[i], (loss(p) - loss(m)) / (2 * h), `vjp of input ${k} ${part ? 'imag' : 'real'} part ${i}`);
        }
      }
    });
  }
  if (jvp) {
    const tans = xs.map((x) => (isComplex(x) ? crand(x.shape) : rand(x.shape)));
    const tparts = tans.map((t) => (isComplex(t) ? [f64(mx.real(t)), f64(mx.imag(t))] : [f64(t), null]));
    const [, jv] = mx.jvp(f, make(parts), tans);
    const shift = (sgn) => parts.map(([re, im], k) => [re.map((v, i) => v + sgn * h * tparts[k][0][i]),
      im && im.map((v, i) => v + sgn * h * tparts[k][1][i])]);
    const yp = f64(f(...make(shift(1)))), ym = f64(f(...make(shift(-1))));
    const j = f64(jv[0]);
    assert.equal(j.length, yp.length, 'jvp size');
    for (let i = 0; i < j.length; i++) close(j[i], (yp[i] - ym[i]) / (2 * h), `jvp element ${i}`);
  }
}

// ---- the table: name -> { grad: [[f, xs, opts]], cgrad: [[f, xs, opts]], vmap: [[f, xs, axes]] }

const T = new Map();
const add = (name, spec) => T.set(name, { grad: [], cgrad: [], vmap: [], ...spec });
// vmap inputs: each listed input gets a batch of 3 along its axis (variants from `gen`).
const vm = (f, gens, axesList) => ({ f, gens, axesList });
const bat = (gen, ax) => mx.stack([gen(0), gen(1), gen(2)], ax);

// ---- sort ----
{
  const x = rand([3, 5]);
  add('sort', {
    grad: [[(a) => mx.sort(a), [rand([6])]], [(a) => mx.sort(a, 0), [x]], [(a) => mx.sort(a, -1), [rand([2, 3, 4])]],
      [(a) => mx.sort(a, null), [rand([2, 3])]], [(a) => mx.sort(a, 1, cpu), [x]]],
    vmap: [vm((a) => mx.sort(a, 0), [() => rand([4, 3])], [[0], [1], [2], [-1]]), vm((a) => mx.sort(a), [() => rand([5])], [[0], [1]])],
  });
  add('partition', {
    grad: [[(a) => mx.partition(a, 2), [rand([6])]], [(a) => mx.partition(a, 1, 0), [x]], [(a) => mx.partition(a, -2, -1), [rand([2, 3, 4])]],
      [(a) => mx.partition(a, 3, null), [rand([2, 3])]]],
    vmap: [vm((a) => mx.partition(a, 1, 0), [() => rand([4, 3])], [[0], [1], [2]]), vm((a) => mx.partition(a, 2), [() => rand([5])], [[0], [1]])],
  });
  add('topk', {
    grad: [[(a) => mx.topk(a, 2), [rand([6])]], [(a) => mx.topk(a, 2, 0), [x]], [(a) => mx.topk(a, 3, -1), [rand([2, 3, 4])]],
      [(a) => mx.topk(a, 4, null), [rand([2, 3])]], [(a) => mx.topk(a, 5, 1), [x]]],
    vmap: [vm((a) => mx.topk(a, 2, 0), [() => rand([4, 3])], [[0], [1], [2]]), vm((a) => mx.topk(a, 3), [() => rand([5])], [[0], [1]])],
  });
  const idx = (fn) => (a) => fn(a).astype(mx.float64);
  add('argsort', { vmap: [vm(idx((a) => mx.argsort(a, 0)), [() => rand([4, 3])], [[0], [1], [2]]), vm(idx((a) => mx.argsort(a)), [() => rand([5])], [[0], [1]])] });
  add('argpartition', { vmap: [vm(idx((a) => mx.argpartition(a, 1, 0)), [() => rand([4, 3])], [[0], [1], [2]]), vm(idx((a) => mx.argpartition(a, 2)), [() => rand([5])], [[0], [1]])] });
  add('searchsorted', {
    vmap: [vm((s, v) => mx.searchsorted(s, v).astype(mx.float64), [() => sortedRows([6]), () => rand([2, 3], -2, 2)], [[null, 0], [null, 2], [0, null], [1, 0], [0, 2]]),
      vm((s, v) => mx.searchsorted(s, v, { side: 'right' }).astype(mx.float64), [() => mx.array([0, 1, 1, 2], mx.float64), () => mx.array([1, 0.5, 2], mx.float64)], [[null, 0], [0, 0]])],
  });
}

// ---- random ----
{
  const K = () => mx.random.key(11);
  const kgen = (i) => mx.random.key(100 + i);
  const kvm = (f, axesList = [[0], [1]]) => vm(f, [kgen], axesList);
  add('random.split', { vmap: [kvm((k) => mx.random.split(k)), kvm((k) => mx.random.split(k, 3))] });
  add('random.uniform', {
    // The bounds: (hi - lo) * u + lo (float32 sampling).
    grad: [[(lo, hi) => mx.random.uniform(lo, hi, [3, 2], mx.float32, { key: K() }), [rand([1]), rand([1], 2, 3)], { h: 0.25, rtol: 1e-4, atol: 1e-5 }],
      [(lo, hi) => mx.random.uniform(lo, hi, [2, 3], mx.float32, { key: K() }), [rand([3]), rand([2, 1], 2, 3)], { h: 0.25, rtol: 1e-4, atol: 1e-5 }]],
    vmap: [kvm((k) => mx.random.uniform(0, 1, [2, 3], mx.float32, { key: k })),
      vm((k, lo) => mx.random.uniform(lo, 2, [4], mx.float32, { key: k }), [kgen, (i) => mx.array([-i], mx.float32)], [[null, 0], [0, 0], [0, null]]),
      vm((lo, hi) => mx.random.uniform(lo, hi, [2, 3], mx.float32, { key: mx.random.key(3) }), [(i) => mx.array([i / 4], mx.float32), (i) => mx.array([[2 + i], [3]], mx.float32)], [[0, null], [null, 1], [0, 2]])],
  });
  add('random.normal', {
    grad: [[(loc, scale) => mx.random.normal([2, 3], mx.float32, loc, scale, { key: K() }), [rand([3]), rand([2, 1], 1, 2)], { h: 0.25, rtol: 1e-4, atol: 1e-5 }]],
    vmap: [kvm((k) => mx.random.normal([5], { key: k })), kvm((k) => mx.random.normal([2, 2], mx.complex64, { key: k }).abs()),
      vm((k, loc) => mx.random.normal([3], mx.float32, loc, null, { key: k }), [kgen, (i) => mx.array(i, mx.float32)], [[0, 0], [null, 0]])],
  });
  add('random.multivariate_normal', {
    // mean linearly; cov through the square root from its SVD (float32 only, as MLX).
    grad: [[(m) => mx.random.multivariate_normal(m, mx.array([[2, 0.5], [0.5, 1]]), [3], mx.float32, { key: K() }), [rand([2])], { h: 0.25, rtol: 1e-4, atol: 1e-5 }],
      [(c) => mx.random.multivariate_normal(mx.zeros([2]), c, [4], mx.float32, { key: K() }), [mx.array([[2, 0.3], [0.3, 1]], mx.float64)], { h: 1e-2, rtol: 2e-2, atol: 2e-3 }]],
    vmap: [kvm((k) => mx.random.multivariate_normal(mx.zeros([2]), eye(2).astype(mx.float32), [3], mx.float32, { key: k })),
      vm((k, m) => mx.random.multivariate_normal(m, eye(2).astype(mx.float32), [], mx.float32, { key: k }), [kgen, (i) => mx.array([i, -i], mx.float32)], [[0, 0], [null, 0]])],
  });
  add('random.randint', {
    vmap: [kvm((k) => mx.random.randint(0, 10, [6], mx.int32, { key: k })),
      vm((k, hi) => mx.random.randint(0, hi, [4], mx.int32, { key: k }), [kgen, (i) => mx.array(5 + i, mx.int32)], [[0, 0], [null, 0]])],
  });
  add('random.bernoulli', {
    vmap: [kvm((k) => mx.random.bernoulli(0.3, [6], { key: k })),
      vm((k, p) => mx.random.bernoulli(p, [4], { key: k }), [kgen, (i) => mx.array(0.2 * (i + 1), mx.float32)], [[0, 0], [null, 0]]),
      vm((p) => mx.random.bernoulli(p, { key: mx.random.key(2) }), [(i) => mx.array([0.1, 0.5, 0.9].map((v) => v * (i + 1) / 3), mx.float32)], [[0], [1]])],
  });
  add('random.truncated_normal', {
    // The bounds, through MLX's composition clip(sqrt2 erfinv(uniform(erf(l / sqrt2), erf(u / sqrt2)))).
    grad: [[(lo, hi) => mx.random.truncated_normal(lo, hi, [6], mx.float32, { key: K() }), [rand([6], -2, -0.5), rand([6], 0.2, 1.5)], { h: 1e-3, rtol: 1e-2, atol: 1e-3 }],
      [(lo, hi) => mx.random.truncated_normal(lo, hi, [2, 3], mx.float32, { key: K() }), [rand([], -1, 0), rand([3], 0.5, 2)], { h: 1e-3, rtol: 1e-2, atol: 1e-3 }]],
    vmap: [kvm((k) => mx.random.truncated_normal(-1, 1, [5], mx.float32, { key: k })),
      vm((k, lo) => mx.random.truncated_normal(lo, 2, [4], mx.float32, { key: k }), [kgen, (i) => mx.array(-1 - i, mx.float32)], [[0, 0], [null, 0]])],
  });
  add('random.gumbel', { vmap: [kvm((k) => mx.random.gumbel([2, 3], { key: k }))] });
  add('random.laplace', { vmap: [kvm((k) => mx.random.laplace([4], mx.float32, 1, 2, { key: k }))] });
  add('random.categorical', {
    vmap: [kvm((k) => mx.random.categorical(mx.array([[1, 2, 3], [3, 2, 1]]), { key: k }).astype(mx.float32)),
      vm((k, l) => mx.random.categorical(l, { key: k, num_samples: 4 }).astype(mx.float32), [kgen, (i) => mx.array([1, 2 * i, 0.5], mx.float32)], [[0, 0], [null, 0]])],
  });
  add('random.permutation', {
    // x reordered by a permutation: its gradient goes through the gather.
    grad: [[(x) => mx.random.permutation(x, { key: K() }), [rand([5, 2])]]],
    vmap: [kvm((k) => mx.random.permutation(6, { key: k }).astype(mx.float32)),
      vm((k, x) => mx.random.permutation(x, { key: k }), [kgen, (i) => rand([4])], [[0, 0], [null, 0], [0, null]])],
  });
}

// ---- linalg ----
{
  const inv = (a) => mx.linalg.inv(a);
  add('linalg.inv', {
    grad: [[inv, [wellCond([4, 4])]], [inv, [wellCond([2, 3, 3])]], [(a) => mx.linalg.inv(a, cpu), [wellCond([1, 1])]]],
    vmap: [vm(inv, [() => wellCond([3, 3])], [[0], [1], [2]]), vm(inv, [() => wellCond([2, 3, 3])], [[0], [1], [3]])],
  });
  add('linalg.tri_inv', {
    grad: [[(a) => mx.linalg.tri_inv(a), [wellCond([4, 4])]], [(a) => mx.linalg.tri_inv(a, true), [wellCond([2, 3, 3])]]],
    vmap: [vm((a) => mx.linalg.tri_inv(a, true), [() => wellCond([3, 3])], [[0], [2]])],
  });
  add('linalg.cholesky', {
    grad: [[(a) => mx.linalg.cholesky(a), [spd([4, 4])]], [(a) => mx.linalg.cholesky(a, true), [spd([2, 3, 3])]],
      // Only the triangle that is read: any values in the other one.
      [(a) => mx.linalg.cholesky(a), [mx.add(spd([3, 3]), mx.triu(rand([3, 3]), 1))]]],
    vmap: [vm((a) => mx.linalg.cholesky(a), [() => spd([3, 3])], [[0], [1], [2]]), vm((a) => mx.linalg.cholesky(a, true), [() => spd([2, 3, 3])], [[0], [3]])],
  });
  const lowerF = (n, b = []) => mx.add(mx.tril(rand([...b, n, n]), -1), mx.multiply(eye(n), 2));
  add('linalg.cholesky_inv', {
    grad: [[(l) => mx.linalg.cholesky_inv(l), [mx.add(lowerF(4), mx.triu(rand([4, 4]), 1))]],
      [(u) => mx.linalg.cholesky_inv(u, true), [mT(lowerF(3, [2]))]]],
    vmap: [vm((l) => mx.linalg.cholesky_inv(l), [() => lowerF(3)], [[0], [2]])],
  });
  add('linalg.solve', {
    grad: [[(a, b) => mx.linalg.solve(a, b), [wellCond([4, 4]), rand([4, 2])]],
      [(a, b) => mx.linalg.solve(a, b), [wellCond([3, 3]), rand([3])]],
      [(a, b) => mx.linalg.solve(a, b), [wellCond([2, 3, 3]), rand([3, 2])]],
      [(a, b) => mx.linalg.solve(a, b, cpu), [wellCond([3, 3]), rand([2, 1, 3, 1])]]],
    vmap: [vm((a, b) => mx.linalg.solve(a, b), [() => wellCond([3, 3]), () => rand([3, 2])], [[0, null], [null, 0], [2, 1], [0, 2], [1, 0], [-1, -2]]),
      vm((a, b) => mx.linalg.solve(a, b), [() => wellCond([3, 3]), () => rand([3])], [[null, 0], [0, 1]])],
  });
  add('linalg.solve_triangular', {
    grad: [[(a, b) => mx.linalg.solve_triangular(a, b), [wellCond([4, 4]), rand([4, 2])]],
      [(a, b) => mx.linalg.solve_triangular(a, b, { upper: true }), [wellCond([2, 3, 3]), rand([3])]]],
    vmap: [vm((a, b) => mx.linalg.solve_triangular(a, b, { upper: true }), [() => wellCond([3, 3]), () => rand([3, 2])], [[0, null], [null, 2], [1, 0]])],
  });
  add('linalg.det', {
    grad: [[(a) => mx.linalg.det(a), [wellCond([4, 4])]], [(a) => mx.linalg.det(a), [wellCond([2, 5, 5], 2)]],
      [(a) => mx.linalg.det(a), [rand([3, 3])]], [(a) => mx.linalg.det(a), [rand([2, 2, 2])]]],
    vmap: [vm((a) => mx.linalg.det(a), [() => wellCond([4, 4])], [[0], [1], [2]]), vm((a) => mx.linalg.det(a), [() => rand([2, 2])], [[0], [2]])],
  });
  add('linalg.slogdet', {
    grad: [[(a) => mx.linalg.slogdet(a)[1], [wellCond([4, 4])]], [(a) => mx.linalg.slogdet(a)[1], [mx.negative(wellCond([2, 5, 5], 2))]],
      [(a) => mx.linalg.slogdet(a)[1], [wellCond([3, 3])]]],
    vmap: [vm((a) => mx.linalg.slogdet(a)[1], [() => wellCond([4, 4])], [[0], [2]]), vm((a) => mx.linalg.slogdet(a)[0], [() => mx.negative(wellCond([4, 4]))], [[1]])],
  });
  // Eigenvectors are defined up to sign: their squared entries are not.
  add('linalg.eigvalsh', {
    grad: [[(a) => mx.linalg.eigvalsh(a), [symm([4, 4])]], [(a) => mx.linalg.eigvalsh(a, 'U'), [rand([2, 3, 3])]]],
    vmap: [vm((a) => mx.linalg.eigvalsh(a), [() => symm([3, 3])], [[0], [1], [2]])],
  });
  add('linalg.eigh', {
    grad: [[(a) => mx.linalg.eigh(a)[0], [symm([4, 4])]], [(a) => mx.square(mx.linalg.eigh(a)[1]), [symm([4, 4])]],
      [(a) => mx.square(mx.linalg.eigh(a, 'U')[1]), [rand([2, 3, 3])]],
      [(a) => { const [w, v] = mx.linalg.eigh(a); return mx.matmul(mx.multiply(v, mx.exp(w)), mT(v)); }, [symm([3, 3])]]],
    vmap: [vm((a) => mx.linalg.eigh(a)[0], [() => symm([3, 3])], [[0], [2]]), vm((a) => mx.square(mx.linalg.eigh(a, 'U')[1]), [() => symm([3, 3])], [[0], [1]])],
  });
  // Singular vectors: U W U^T with weights on the first min(M, N) columns (sign and
  // complement free), and the reconstruction.
  const wdiag = (n, k) => mx.array(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j && i < k ? 1 + i : 0))), mx.float64);
  const svdU = (a) => { const [u] = mx.linalg.svd(a); const m = a.shape.at(-2), k = Math.min(m, a.shape.at(-1)); return mx.matmul(mx.matmul(u, wdiag(m, k)), mT(u)); };
  const svdV = (a) => { const [, , vt] = mx.linalg.svd(a); const n = a.shape.at(-1), k = Math.min(a.shape.at(-2), n); return mx.matmul(mx.matmul(mT(vt), wdiag(n, k)), vt); };
  const svdS = (a) => mx.linalg.svd(a, false);
  add('linalg.svd', {
    grad: [[svdS, [rand([4, 4])]], [svdS, [rand([5, 3])]], [svdS, [rand([2, 3, 5])]], [(a) => mx.linalg.svd(a)[1], [rand([3, 4])]],
      [svdU, [rand([4, 4])]], [svdU, [rand([5, 3])]], [svdU, [rand([3, 5])]], [svdV, [rand([4, 4])]], [svdV, [rand([5, 3])]], [svdV, [rand([2, 3, 5])]],
      [(a) => { const [u, s, vt] = mx.linalg.svd(a); return mx.matmul(mx.multiply(u, mx.sqrt(s)), vt); }, [rand([3, 3])]]],
    vmap: [vm(svdS, [() => rand([3, 4])], [[0], [1], [2]]), vm(svdU, [() => rand([4, 3])], [[0], [2]]), vm(svdV, [() => rand([3, 4])], [[1]])],
  });
  add('linalg.qr', {
    grad: [[(a) => mx.linalg.qr(a)[0], [rand([4, 4])]], [(a) => mx.linalg.qr(a)[1], [rand([4, 4])]],
      [(a) => mx.linalg.qr(a)[0], [rand([5, 3])]], [(a) => mx.linalg.qr(a)[1], [rand([5, 3])]],
      [(a) => mx.linalg.qr(a)[0], [rand([2, 3, 5])]], [(a) => mx.linalg.qr(a)[1], [rand([3, 5])]],
      [(a) => { const [q, r] = mx.linalg.qr(a); return mx.add(q, mx.matmul(r, mT(r))); }, [rand([3, 3])]]],
    vmap: [vm((a) => mx.linalg.qr(a)[0], [() => rand([4, 3])], [[0], [1], [2]]), vm((a) => mx.linalg.qr(a)[1], [() => rand([3, 4])], [[0], [2]])],
  });
  add('linalg.lu_factor', {
    grad: [[(a) => mx.linalg.lu_factor(a)[0], [rand([4, 4])]], [(a) => mx.linalg.lu_factor(a)[0], [rand([5, 3])]],
      [(a) => mx.linalg.lu_factor(a)[0], [rand([2, 3, 5])]]],
    vmap: [vm((a) => mx.linalg.lu_factor(a)[0], [() => rand([4, 4])], [[0], [1], [2]]), vm((a) => mx.linalg.lu_factor(a)[1].astype(mx.float64), [() => rand([3, 4])], [[0], [2]])],
  });
  add('linalg.lu', {
    grad: [[(a) => mx.linalg.lu(a)[1], [rand([4, 4])]], [(a) => mx.linalg.lu(a)[2], [rand([4, 4])]], [(a) => mx.linalg.lu(a)[2], [rand([3, 5])]]],
    vmap: [vm((a) => mx.linalg.lu(a)[1], [() => rand([3, 3])], [[0], [2]]), vm((a) => mx.linalg.lu(a)[0].astype(mx.float64), [() => rand([3, 3])], [[1]])],
  });
  add('linalg.pinv', {
    grad: [[(a) => mx.linalg.pinv(a), [rand([4, 3])]], [(a) => mx.linalg.pinv(a), [rand([2, 3])]]],
    vmap: [vm((a) => mx.linalg.pinv(a), [() => rand([3, 2])], [[0], [2]])],
  });
  const normCases = (fn) => [[(a) => fn(a), [rand([5])]], [(a) => fn(a, 'fro'), [rand([3, 4])]], [(a) => fn(a, 2), [rand([3, 4])]],
    [(a) => fn(a, 'nuc'), [rand([4, 3])]], [(a) => fn(a, 3, 1), [rand([2, 4], 0.5, 1.5)]], [(a) => fn(a, -2), [rand([3, 3])]],
    [(a) => fn(a, null, [0, 1], { keepdims: true }), [rand([2, 3])]]];
  add('linalg.norm', { grad: normCases(mx.linalg.norm), vmap: [vm((a) => mx.linalg.norm(a, 2), [() => rand([3, 3])], [[0], [2]]), vm((a) => mx.linalg.norm(a), [() => rand([4])], [[0], [1]])] });
  add('matrix_norm', { grad: normCases(mx.matrix_norm), vmap: [vm((a) => mx.matrix_norm(a, 'nuc'), [() => rand([3, 2])], [[0], [1]])] });
  add('linalg.cross', {
    grad: [[(a, b) => mx.linalg.cross(a, b), [rand([3]), rand([3])]], [(a, b) => mx.linalg.cross(a, b, 0), [rand([3, 2]), rand([3, 1])]]],
    vmap: [vm((a, b) => mx.linalg.cross(a, b), [() => rand([3]), () => rand([3])], [[0, null], [1, 0]])],
  });
  // The general eigenproblem: vmap only (no derivatives, as MLX). Eigenvalues in LAPACK's
  // order and eigenvectors up to a phase: compare |V| and the values' parts.
  const c2r = (z) => mx.add(mx.real(z), mx.multiply(mx.imag(z), 0.37));
  add('linalg.eigvals', { vmap: [vm((a) => c2r(mx.linalg.eigvals(a)), [() => rand([3, 3])], [[0], [1], [2]])] });
  add('linalg.eig', { vmap: [vm((a) => mx.abs(mx.linalg.eig(a)[1]), [() => symm([3, 3])], [[0], [2]]), vm((a) => c2r(mx.linalg.eig(a)[0]), [() => rand([3, 3])], [[1]])] });
}

// ---- fft ----
{
  // Complex outputs through real losses: the real part and |y|^2 (vjp), real and imaginary
  // parts (jvp).
  const outs = (g) => [[(...a) => mx.real(g(...a)), {}], [(...a) => mx.square(mx.abs(g(...a))), { jvp: false }],
    [(...a) => mx.imag(g(...a)), { vjp: false }]];
  const cases = (g, xs) => outs(g).map(([f, o]) => [f, xs, o]);
  const fftOp = (name, inverse, twoD) => {
    const op = mx.fft[name];
    const spec = twoD
      ? [...cases((z) => op(z), [crand([3, 4])]), ...cases((z) => op(z, [4, 3], [0, 1], 'ortho'), [crand([3, 4])]),
        ...cases((z) => op(z, null, [-1, -3], 'forward'), [crand([2, 2, 3])]), ...cases((x) => op(x), [rand([2, 3])])]
      : [...cases((z) => op(z), [crand([5])]), ...cases((z) => op(z, 3, 0), [crand([4, 2])]), ...cases((z) => op(z, 7, -1, 'ortho'), [crand([2, 5])]),
        ...cases((x) => op(x, null, 0, 'forward'), [rand([4, 2])])];
    add(`fft.${name}`, { cgrad: spec, vmap: [vm((x) => mx.real(op(x)), [() => rand([3, 4]).astype(mx.float32)], [[0], [1], [2]])] });
  };
  fftOp('fft', false, false); fftOp('ifft', true, false);
  for (const n of ['fft2', 'ifft2', 'fftn', 'ifftn']) fftOp(n, n.startsWith('i'), true);
  const rOp = (name, twoD) => {
    const op = mx.fft[name];
    const spec = twoD
      ? [...cases((x) => op(x), [rand([3, 4])]), ...cases((x) => op(x, [4, 3], [0, 1], 'ortho'), [rand([3, 4])]), ...cases((x) => op(x, null, [-1, 0], 'forward'), [rand([3, 2, 5])])]
      : [...cases((x) => op(x), [rand([6])]), ...cases((x) => op(x), [rand([7])]), ...cases((x) => op(x, 4, 0), [rand([5, 2])]), ...cases((x) => op(x, 9, -1, 'ortho'), [rand([2, 6])])];
    add(`fft.${name}`, { cgrad: spec, vmap: [vm((x) => mx.abs(op(x)), [() => rand([3, 4]).astype(mx.float32)], [[0], [1], [2], [-1]])] });
  };
  rOp('rfft', false); rOp('rfft2', true); rOp('rfftn', true);
  // irfft: complex input, real output; the imaginary parts of the DC (and, n even, Nyquist)
  // bins are not read.
  const irOp = (name, twoD) => {
    const op = mx.fft[name];
    const spec = twoD
      ? [[(z) => op(z), [crand([3, 4])]], [(z) => op(z, [4, 5], [0, 1], 'ortho'), [crand([3, 4])]], [(z) => op(z, null, [-1, 0], 'forward'), [crand([3, 2, 3])]],
        [(z) => op(z, [3, 3], [1, 2]), [crand([2, 3, 2])]]]
      : [[(z) => op(z), [crand([5])]], [(z) => op(z, 7), [crand([4])]], [(z) => op(z, 4, 0), [crand([4, 2])]], [(z) => op(z, 10, -1, 'ortho'), [crand([2, 4])]],
        [(z) => op(z, 3, -1, 'forward'), [crand([2, 4])]]];
    add(`fft.${name}`, { cgrad: spec, vmap: [vm((z) => op(z), [() => crand([3, 4])], [[0], [1], [2]])] });
  };
  irOp('irfft', false); irOp('irfft2', true); irOp('irfftn', true);
  add('fft.fftshift', {
    grad: [[(a) => mx.fft.fftshift(a), [rand([5])]], [(a) => mx.fft.fftshift(a, [0]), [rand([3, 4])]]],
    vmap: [vm((a) => mx.fft.fftshift(a), [() => rand([5])], [[0], [1]])],
  });
  add('fft.ifftshift', {
    grad: [[(a) => mx.fft.ifftshift(a), [rand([2, 5])]]],
    vmap: [vm((a) => mx.fft.ifftshift(a, [-1]), [() => rand([2, 5])], [[0], [2]])],
  });
}

// Ops without a derivative, and why.
const zeroGrad = (f, xs) => {
  const [, g] = mx.vjp(f, xs, [mx.ones(f(...xs).shape, mx.float64)]);
  g.forEach((gi, k) => {
    assert.deepEqual(gi.shape, xs[k].shape);
    assert.ok(f64(gi).every((v) => v === 0), `zero gradient of input ${k}`);
  });
  const [, t] = mx.jvp(f, xs, xs.map((x) => mx.ones(x.shape, x.dtype)));
  assert.ok(f64(t[0]).every((v) => v === 0), 'zero tangent');
};
const NOT_DIFFERENTIABLE = new Map([
  // Index outputs: zero derivatives (MLX).
  ['argsort', () => zeroGrad((a) => mx.argsort(a, 0).astype(mx.float64), [rand([4, 3])])],
  ['argpartition', () => zeroGrad((a) => mx.argpartition(a, 1).astype(mx.float64), [rand([2, 5])])],
  ['searchsorted', () => zeroGrad((s, v) => mx.searchsorted(s, v).astype(mx.float64), [sortedRows([5]), rand([3])])],
  ['linalg.lu_factor', () => zeroGrad((a) => mx.linalg.lu_factor(a)[1].astype(mx.float64), [rand([3, 3])])],
  // Piecewise constant samples: zero derivatives of their parameters (MLX).
  ['random.randint', () => zeroGrad((lo, hi) => mx.random.randint(lo, hi, [4], mx.int32, { key: mx.random.key(1) }).astype(mx.float64), [mx.array(0, mx.float64), mx.array(9, mx.float64)])],
  ['random.bernoulli', () => zeroGrad((p) => mx.random.bernoulli(p, [4], { key: mx.random.key(1) }).astype(mx.float64), [mx.array(0.4, mx.float64)])],
  ['random.categorical', () => zeroGrad((l) => mx.random.categorical(l, { key: mx.random.key(1) }).astype(mx.float64), [rand([2, 3])])],
  // Draws that depend on the key only: the key (an integer array) gets a zero cotangent.
  ['random.gumbel', () => {
    const k = mx.random.key(4);
    const [, g] = mx.vjp((kk) => mx.random.gumbel([3], { key: kk }), [k], [mx.ones([3])]);
    assert.equal(g[0].dtype, mx.uint32);
    assert.deepEqual(Array.from(g[0].toTypedArray()), [0, 0]);
  }],
  ['random.laplace', () => {
    const [, g] = mx.vjp((kk) => mx.random.laplace([3], { key: kk }), [mx.random.key(4)], [mx.ones([3])]);
    assert.deepEqual(Array.from(g[0].toTypedArray()), [0, 0]);
    const [, t] = mx.jvp((kk) => mx.random.laplace([3], { key: kk }), [mx.random.key(4)], [mx.random.key(1)]);
    assert.deepEqual(Array.from(t[0].toTypedArray()), [0, 0, 0]);
  }],
  // The general eigenproblem has no derivatives (MLX).
  ['linalg.eig', () => {
    throwsWith(() => mx.grad((a) => mx.sum(mx.abs(mx.linalg.eig(a)[0])))(rand([3, 3])), Error, /^\[Primitive::vjp\] Not implemented for Eig\.$/);
    throwsWith(() => mx.jvp((a) => mx.linalg.eig(a)[0], [rand([3, 3])], [rand([3, 3])]), Error, /^\[Primitive::jvp\] Not implemented for Eig\.$/);
  }],
  ['linalg.eigvals', () => throwsWith(() => mx.grad((a) => mx.sum(mx.abs(mx.linalg.eigvals(a))))(rand([3, 3])), Error, /^\[Primitive::vjp\] Not implemented for Eig\.$/)],
  // No array arguments: constants inside a transform.
  ['random.seed', () => {
    const f = (x) => { mx.random.seed(3); return mx.multiply(x, mx.random.uniform(0, 1, [2]).astype(mx.float64)); };
    const g = mx.grad((x) => mx.sum(f(x)))(mx.ones([2], mx.float64));
    mx.random.seed(3);
    assert.deepEqual(Array.from(f64(g)), Array.from(f64(mx.random.uniform(0, 1, [2]))));
  }],
  ['random.key', () => {
    const out = mx.vmap((x) => mx.add(x, mx.random.uniform(0, 1, [2], { key: mx.random.key(7) }).astype(mx.float64)))(mx.zeros([3, 2], mx.float64));
    const u = f64(mx.random.uniform(0, 1, [2], { key: mx.random.key(7) }));
    assert.deepEqual(out.shape, [3, 2]);
    assert.deepEqual(Array.from(f64(out)), [...u, ...u, ...u]);
  }],
  ['fft.fftfreq', () => {
    const g = mx.grad((x) => mx.sum(mx.multiply(x, mx.fft.fftfreq(4, 0.5).astype(mx.float64))))(mx.ones([4], mx.float64));
    assert.deepEqual(Array.from(f64(g)), [0, 0.5, -1, -0.5]);
  }],
  ['fft.rfftfreq', () => {
    const g = mx.grad((x) => mx.sum(mx.multiply(x, mx.fft.rfftfreq(5).astype(mx.float64))))(mx.ones([3], mx.float64));
    assert.deepEqual(Array.from(f64(g)).map((v) => Math.round(v * 1e6) / 1e6), [0, 0.2, 0.4]);
  }],
]);

// ---- the checks ---------------------------------------------------------------------------------

test('every op of the sort, random, linalg and fft groups is checked', () => {
  const missing = NAMES.filter((n) => !T.has(n) && !NOT_DIFFERENTIABLE.has(n));
  assert.deepEqual(missing, [], 'ops without a transform check');
  for (const n of [...T.keys(), ...NOT_DIFFERENTIABLE.keys()]) assert.ok(NAMES.includes(n), n);
  // Every differentiable op has a gradient check, every op with array arguments a vmap check.
  for (const [n, { grad, cgrad, vmap }] of T) {
    assert.ok(vmap.length > 0, `${n}: vmap check`);
    if (!NOT_DIFFERENTIABLE.has(n) && !n.startsWith('random.') && !['argsort', 'argpartition', 'searchsorted', 'linalg.eig', 'linalg.eigvals'].includes(n))
      assert.ok(grad.length + cgrad.length > 0, `${n}: gradient check`);
  }
});

test('vjp and jvp against central differences (float64)', (t) => {
  const cases = runCases(T, 'grad', checkDerivatives);
  t.diagnostic(`${cases} gradient cases passed`);
  assert.ok(cases >= 80, `${cases} cases`);
});

test('FFTs: complex vjp (dL/dRe + i dL/dIm) and jvp against central differences', (t) => {
  const cases = runCases(T, 'cgrad', checkComplex);
  t.diagnostic(`${cases} complex cases passed`);
  assert.ok(cases >= 110, `${cases} cases`);
});

test('FFT gradients of |fft(x)|^2 match the closed forms (Parseval), as MLX checks against PyTorch', () => {
  // sum |fftn(z)|^2 = N sum |z|^2: gradient 2 N z; for ifftn 2 z / N; rfft of a real x of even
  // length n: sum over the half spectrum, each interior bin counted once.
  const z = crand([4, 6]);
  const g1 = mx.grad((a) => mx.sum(mx.square(mx.abs(mx.fft.fftn(a)))))(z);
  const g2 = mx.grad((a) => mx.sum(mx.square(mx.abs(mx.fft.ifft2(a)))))(z);
  const zr = f64(mx.real(z)), zi = f64(mx.imag(z));
  const [r1, i1, r2, i2] = [mx.real(g1), mx.imag(g1), mx.real(g2), mx.imag(g2)].map(f64);
  for (let k = 0; k < zr.length; k++) {
    assert.ok(Math.abs(r1[k] - 48 * zr[k]) < 1e-3 && Math.abs(i1[k] - 48 * zi[k]) < 1e-3, `fftn ${k}`);
    assert.ok(Math.abs(r2[k] - zr[k] / 12) < 1e-5 && Math.abs(i2[k] - zi[k] / 12) < 1e-5, `ifft2 ${k}`);
  }
  // Energy of the full spectrum of a real x, through irfft(rfft(x)) = x: gradient 2x.
  const x = rand([8]);
  const g3 = f64(mx.grad((a) => mx.sum(mx.square(mx.fft.irfft(mx.fft.rfft(a)))))(x));
  f64(x).forEach((v, k) => assert.ok(Math.abs(g3[k] - 2 * v) < 1e-4, `irfft(rfft) ${k}`));
});

test('float32 gradients match the float64 ones (looser tolerance)', (t) => {
  let checked = 0;
  for (const name of ['sort', 'partition', 'topk', 'linalg.inv', 'linalg.tri_inv', 'linalg.cholesky', 'linalg.cholesky_inv',
    'linalg.solve', 'linalg.solve_triangular', 'linalg.det', 'linalg.slogdet', 'linalg.eigvalsh', 'linalg.eigh',
    'linalg.svd', 'linalg.qr', 'linalg.lu_factor']) {
    const [f, xs] = T.get(name).grad[1];
    const x32 = xs.map((x) => x.astype(mx.float32));
    runCase(`${name} (float32)`, () => {
      checkDerivatives(f, x32, { dtype: mx.float32, rtol: 3e-2, atol: 3e-3, h: 2e-3 });
      const y = f(...xs);
      const cot = rand(y.shape);
      const [, g64] = mx.vjp(f, xs, [cot]);
      const [, g32] = mx.vjp(f, x32, [cot.astype(mx.float32)]);
      g32.forEach((g, k) => {
        assert.equal(g.dtype, mx.float32, `${name}: gradient ${k} dtype`);
        const a = f64(g), r = f64(g64[k]);
        for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - r[i]) <= 1e-3 + 1e-3 * Math.abs(r[i]), `${name} gradient ${k}[${i}]: ${a[i]} vs ${r[i]}`);
      });
      checked++;
    });
  }
  // FFTs compute in float32: their gradients of float32 inputs are float32 (complex64).
  const g = mx.grad((x) => mx.sum(mx.fft.irfft(mx.fft.rfft(x))))(rand([6]).astype(mx.float32));
  assert.equal(g.dtype, mx.float32);
  t.diagnostic(`${checked} ops checked in float32`);
  assert.ok(checked >= 16);
});

test('vmap against a loop over the batch, several in_axes', (t) => {
  let cases = 0;
  for (const [name, { vmap }] of T) {
    for (const { f, gens, axesList } of vmap) {
      for (const axes of axesList) {
        runCase(`${name} vmap ${JSON.stringify(axes)}`, () => {
          const inputs = gens.map((gen, k) => (axes[k] === null ? gen(0) : bat(gen, axes[k])));
          checkVmap(f, inputs, axes, `${name} ${JSON.stringify(axes)}`);
        });
        cases++;
      }
    }
  }
  t.diagnostic(`${cases} vmap cases passed`);
  assert.ok(cases >= 120, `${cases} cases`);
});

test('ops without a derivative say so', () => {
  for (const [, check] of NOT_DIFFERENTIABLE) check();
});

// ---- details ------------------------------------------------------------------------------------

test('second derivatives: the rules are differentiable again', () => {
  const hess = (g) => (...a) => mx.grad(g)(...a);
  const cases = [
    [(x) => mx.sum(mx.power(mx.sort(x), 3)), [rand([5])]],
    [(x) => mx.sum(mx.square(mx.topk(x, 2, 0))), [rand([4, 2])]],
    [(x) => mx.sum(mx.power(mx.partition(x, 1), 3)), [rand([4])]],
    [(a) => mx.sum(mx.square(mx.linalg.inv(a))), [wellCond([3, 3])]],
    [(a) => mx.sum(mx.square(mx.linalg.solve(a, mx.ones([3, 1], mx.float64)))), [wellCond([3, 3])]],
    [(a) => mx.sum(mx.square(mx.linalg.cholesky(a))), [spd([3, 3])]],
    [(a) => mx.linalg.det(a), [wellCond([4, 4])]],
    [(a) => mx.sum(mx.square(mx.linalg.eigvalsh(a))), [symm([3, 3])]],
    [(a) => mx.sum(mx.power(mx.linalg.svd(a, false), 3)), [rand([3, 3])]],
    [(a) => mx.sum(mx.square(mx.linalg.qr(a)[1])), [rand([3, 3])]],
    [(a) => mx.sum(mx.square(mx.linalg.lu_factor(a)[0])), [rand([3, 3])]],
  ];
  cases.forEach(([g, xs], i) => runCase(`case ${i}`, () => checkDerivatives(hess(g), xs)));
  for (const g of [(x) => mx.sum(mx.power(mx.real(mx.fft.rfft(x)), 3)), (x) => mx.sum(mx.power(mx.fft.irfft(mx.fft.fft(x)), 3))])
    checkDerivatives(hess(g), [rand([6])], { h: 0.1, rtol: 1e-3, atol: 1e-3 });
});

test('vmap over keys: each key gets the draws of an unbatched call, keys on any axis', () => {
  const ks = keys(4);
  const out = mx.vmap((k) => mx.random.uniform(0, 1, [2, 3], { key: k }))(ks);
  assert.deepEqual(out.shape, [4, 2, 3]);
  for (let i = 0; i < 4; i++) {
    const one = mx.random.uniform(0, 1, [2, 3], { key: mx.take(ks, i, 0) });
    assert.deepEqual(Array.from(f64(mx.take(out, i, 0))), Array.from(f64(one)), `key ${i}`);
  }
  // Keys as columns (2, B), out_axes, nested vmap over a (2, 3) grid of keys.
  const cols = mx.vmap((k) => mx.random.normal([3], { key: k }), { in_axes: 1, out_axes: 1 })(mT(ks));
  assert.deepEqual(cols.shape, [3, 4]);
  assert.deepEqual(Array.from(f64(mx.take(cols, 2, 1))), Array.from(f64(mx.random.normal([3], { key: mx.take(ks, 2, 0) }))));
  const grid = mx.random.split(mx.random.key(9), 6).reshape([2, 3, 2]);
  const nested = mx.vmap(mx.vmap((k) => mx.random.randint(0, 100, [2], mx.int32, { key: k })))(grid);
  assert.deepEqual(nested.shape, [2, 3, 2]);
  const ref = mx.random.randint(0, 100, [2], mx.int32, { key: mx.take(mx.take(grid, 1, 0), 2, 0) });
  assert.deepEqual(Array.from(mx.take(mx.take(nested, 1, 0), 2, 0).toTypedArray()), Array.from(ref.toTypedArray()));
  // An empty batch of keys.
  const none = mx.vmap((k) => mx.random.uniform(0, 1, [3], { key: k }))(mx.zeros([0, 2], mx.uint32));
  assert.deepEqual(none.shape, [0, 3]);
});

test('linalg derivatives: hand-worked values', () => {
  // d det / dA = det A^-T; d log|det| = A^-T; d inv(A) = -A^-1 dA A^-1.
  const a = mx.array([[2, 1, 0, 0], [1, 3, 0, 0], [0, 0, 1, 0], [0, 0, 0, 2]], mx.float64);
  const g = f64(mx.grad((m) => mx.linalg.det(m))(a));
  // det = 10; A^-T = blockdiag([[3, -1], [-1, 2]] / 5, 1, 1/2)
  const want = [6, -2, 0, 0, -2, 4, 0, 0, 0, 0, 10, 0, 0, 0, 0, 5];
  want.forEach((v, i) => assert.ok(Math.abs(g[i] - v) < 1e-12, `det grad ${i}: ${g[i]}`));
  // eigvalsh of diag(1, 2, 3): d w_i / d A = e_i e_i^T.
  const d = mx.array([[1, 0, 0], [0, 2, 0], [0, 0, 3]], mx.float64);
  const [, gw] = mx.vjp((m) => mx.linalg.eigvalsh(m), [d], [mx.array([1, 10, 100], mx.float64)]);
  assert.deepEqual(Array.from(f64(gw[0])), [1, 0, 0, 0, 10, 0, 0, 0, 100]);
  // Singular values of diag(3, 2): d s / dA = u_i v_i^T.
  const [, gs] = mx.vjp((m) => mx.linalg.svd(m, false), [mx.array([[3, 0], [0, 2]], mx.float64)], [mx.array([1, 5], mx.float64)]);
  assert.deepEqual(Array.from(f64(gs[0])).map(Math.abs), [1, 0, 0, 5]);
  // jvp of solve: d x = A^-1 (db - dA x).
  const [, [dx]] = mx.jvp((m, b) => mx.linalg.solve(m, b), [mx.array([[2, 0], [0, 4]], mx.float64), mx.array([2, 4], mx.float64)],
    [mx.array([[1, 0], [0, 0]], mx.float64), mx.array([0, 8], mx.float64)]);
  assert.deepEqual(Array.from(f64(dx)), [-0.5, 2]);
});

test('sort: ties and the gradient through the permutation', () => {
  // Stable: equal values keep their order, each gets its own cotangent entry.
  const x = mx.array([3, 1, 3, 2], mx.float64);
  const [, g] = mx.vjp((a) => mx.sort(a), [x], [mx.array([10, 20, 30, 40], mx.float64)]);
  assert.deepEqual(Array.from(f64(g[0])), [30, 10, 40, 20]);
  // topk: the k largest get the cotangent, the rest zero.
  const [, gk] = mx.vjp((a) => mx.topk(a, 2), [mx.array([5, 1, 4, 2], mx.float64)], [mx.array([1, 1], mx.float64)]);
  assert.deepEqual(Array.from(f64(gk[0])), [1, 0, 1, 0]);
  // topk with k = 0 and k = n.
  const [, g0] = mx.vjp((a) => mx.topk(a, 0), [rand([3])], [mx.zeros([0], mx.float64)]);
  assert.deepEqual(Array.from(f64(g0[0])), [0, 0, 0]);
});

test('shapeless compile infers the output shapes of sort, linalg and fft nodes', () => {
  const f = mx.compile((a) => mx.sort(a, -1), { shapeless: true });
  for (const shape of [[2, 4], [3, 6]]) {
    const a = rand(shape);
    assert.deepEqual(Array.from(f64(f(a))), Array.from(f64(mx.sort(a, -1))), `sort ${shape}`);
  }
  // FFT lengths are fixed at the trace: other batch sizes are inferred, other lengths are not.
  const h = mx.compile((a) => mx.real(mx.fft.ifft(mx.fft.fft(a))), { shapeless: true });
  for (const shape of [[2, 4], [5, 4]]) {
    const a = rand(shape).astype(mx.float32);
    const out = h(a);
    assert.deepEqual(out.shape, shape);
    const ref = f64(a);
    f64(out).forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-5, `${shape} ${i}`));
  }
  throwsWith(() => h(rand([2, 6]).astype(mx.float32)), Error, /FFT cannot infer output shapes/);
  const g = mx.compile((a) => mx.linalg.inv(a), { shapeless: true });
  for (const n of [2, 3]) {
    const a = wellCond([n, n]);
    const out = g(a);
    assert.deepEqual(out.shape, [n, n]);
    const id = f64(mx.matmul(out, a));
    id.forEach((v, i) => assert.ok(Math.abs(v - (i % (n + 1) === 0 ? 1 : 0)) < 1e-10));
  }
});

test('errors: complex decompositions have no derivatives', () => {
  const z = mx.add(mx.array([[2, 1], [1, 3]], mx.complex64), mx.multiply(mx.array([[0, 1], [-1, 0]], mx.float32), I));
  throwsWith(() => mx.grad((a) => mx.sum(mx.linalg.eigvalsh(a)))(z), Error, /\[linalg\.eigvalsh\] Derivatives of complex decompositions are not supported/);
  throwsWith(() => mx.grad((a) => mx.sum(mx.linalg.svd(a, false)))(z), Error, /\[linalg\.svd\] Derivatives of complex decompositions are not supported/);
});
