'use strict';
// Transform rules of the quantization group (src/mlx/rules_quantized.cpp): for every op of
// lib/quantized.js, vjp and jvp against central finite differences where the op is
// differentiable (x of quantized_matmul / gather_qmm, affine scales and biases of
// quantized_matmul / gather_qmm / dequantize), MLX's errors where it is not (the packed
// weights, the indices, quantization itself, non-affine scales), and vmap against a loop over
// the batch for several in_axes. The kernels compute in float32, so the checks run in float32:
// the ops are linear in what is differentiated, so a large step keeps the finite differences
// exact up to float32 rounding, and the tolerance is float32's.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { throwsWith } = require('./helpers/check');
const { rand, f64, checkDerivatives, checkVmap, runCases } = require('./helpers/gradcheck');

const NAMES = require('../../lib/quantized').NAMES;
const F32 = { dtype: mx.float32, h: 0.25, rtol: 2e-4, atol: 2e-4 };
const r32 = (shape, lo = -1, hi = 1) => rand(shape, lo, hi, mx.float32);

// One quantized weight per layout (float32 scales/biases), shared by the cases.
function qw(shape, gs = 32, bits = 4, mode = 'affine') {
  return mx.quantize(r32(shape), gs, bits, mode);
}
const [wq, ws, wb] = qw([8, 64]);          // transpose: (N=8, K=64)
const [vq, vs, vb] = qw([64, 32]);         // no transpose: (K=64, N=32)
const [bq, bs, bb] = qw([3, 8, 64]);       // batched weights
const [eq, es, eb] = qw([4, 16, 32], 32, 8);  // experts for gather_qmm
const [nq, ns] = qw([8, 64], 16, 4, 'nvfp4');
const [vq2, vs2, vb2] = qw([2, 64, 32], 32, 8);  // two (K, N) matrices for transpose=false
// Fixed operands the functions close over (a function must return the same values each call).
const X3 = r32([3, 64]), X322 = r32([3, 2, 32]), W832 = r32([8, 32]), W3832 = r32([3, 8, 32]);
const X222 = r32([2, 2, 32]), X232 = r32([2, 2, 32]);

const T = new Map([
  ['quantized_matmul', {
    grad: [
      [(x) => mx.quantized_matmul(x, wq, ws, wb, true, 32, 4), [r32([3, 64])], F32],
      [(x) => mx.quantized_matmul(x, vq, vs, vb, false, 32, 4), [r32([2, 5, 64])], F32],
      [(x) => mx.quantized_matmul(x, bq, bs, bb, true, 32, 4), [r32([3, 2, 64])], F32],
      [(x) => mx.quantized_matmul(x, bq, bs, bb, true, 32, 4), [r32([2, 64])], F32],  // x broadcast
      [(x) => mx.quantized_matmul(x, wq, ws, wb, true, 32, 4), [r32([16, 64])], F32],  // tiled kernel
      [(x) => mx.quantized_matmul(x, nq, ns, null, true, null, null, 'nvfp4'), [r32([2, 64])], F32],
      // affine scales and biases (MLX's CPU differentiates them through dequantize's ops)
      [(s, b) => mx.quantized_matmul(mx.ones([2, 64]), wq, s, b, true, 32, 4), [ws, wb], F32],
      [(s, b) => mx.quantized_matmul(X3, vq, s, b, false, 32, 4), [vs, vb], F32],
      [(x, s) => mx.quantized_matmul(x, bq, s, bb, true, 32, 4), [r32([3, 2, 64]), bs], F32],
    ],
    vmap: [
      [(x) => mx.quantized_matmul(x, wq, ws, wb, true, 32, 4), [r32([4, 3, 64])], [0]],
      [(x) => mx.quantized_matmul(x, wq, ws, wb, true, 32, 4), [r32([3, 64, 4])], [-1]],
      [(x) => mx.quantized_matmul(x, vq, vs, vb, false, 32, 4), [r32([2, 4, 64])], [1]],
      [(x, w, s, b) => mx.quantized_matmul(x, w, s, b, true, 32, 4), [r32([2, 64]), bq, bs, bb], [null, 0, 0, 0]],
      [(x, w, s, b) => mx.quantized_matmul(x, w, s, b, true, 32, 4), [r32([3, 5, 64]), bq, bs, bb], [0, 0, 0, 0]],
      [(x, w, s, b) => mx.quantized_matmul(x, w, s, b, true, 32, 4), [r32([2, 3, 64]), bq, bs, bb], [1, 0, 0, 0]],
      [(x, s) => mx.quantized_matmul(x, mx.take(bq, 0, 0), s, mx.take(bb, 0, 0), true, 32, 4), [r32([2, 64]), bs], [null, 0]],
      [(x) => mx.quantized_matmul(x, nq, ns, null, true, null, null, 'nvfp4'), [r32([3, 2, 64])], [0]],
    ],
  }],
  ['gather_qmm', {
    grad: [
      // repeated lhs indices: x's cotangent sums over them
      [(x) => mx.gather_qmm(x, eq, es, eb, mx.array([0, 2, 0, 1]), mx.array([3, 0, 1, 3]), true, 32, 8), [r32([3, 2, 32])], F32],
      [(x) => mx.gather_qmm(x, eq, es, eb, null, mx.array([[1, 2], [0, 0]]), true, 32, 8), [r32([2, 1, 2, 32])], F32],
      [(x) => mx.gather_qmm(x, vq2, vs2, vb2, mx.array([1, 0]), null, false, 32, 8), [r32([2, 3, 64])], F32],
      [(s, b) => mx.gather_qmm(X322, eq, s, b, mx.array([0, 2, 2]), mx.array([1, 1, 3]), true, 32, 8), [es, eb], F32],
    ],
    vmap: [
      [(x) => mx.gather_qmm(x, eq, es, eb, mx.array([0, 2]), mx.array([3, 1]), true, 32, 8), [r32([4, 3, 2, 32])], [0]],
      [(x, l) => mx.gather_qmm(x, eq, es, eb, l, mx.array([3, 1]), true, 32, 8), [r32([3, 2, 32]), mx.array([[0, 1], [2, 2], [1, 0]], mx.uint32)], [null, 0]],
      [(x, r) => mx.gather_qmm(x, eq, es, eb, null, r, true, 32, 8), [r32([2, 2, 32, 3]), mx.array([[0, 3], [1, 2], [3, 3]], mx.uint32)], [-1, 0]],
      [(w, s, b) => mx.gather_qmm(X222, w, s, b, mx.array([1, 0, 1]), mx.array([0, 1, 1]), true, 32, 8), [eq.reshape([2, 2, 16, 8]), es.reshape([2, 2, 16, 1]), eb.reshape([2, 2, 16, 1])], [0, 0, 0]],
      [(x, w, s, b) => mx.gather_qmm(x, w, s, b, mx.array([1, 0]), mx.array([0, 1]), true, 32, 8), [r32([2, 2, 2, 32]), eq.reshape([2, 2, 16, 8]), es.reshape([2, 2, 16, 1]), eb.reshape([2, 2, 16, 1])], [1, 0, 0, 0]],
    ],
  }],
  ['dequantize', {
    grad: [
      [(s, b) => mx.dequantize(wq, s, b, 32, 4), [ws, wb], F32],
      [(s) => mx.dequantize(bq, s, bb, 32, 4), [bs], F32],
      [(b) => mx.dequantize(vq, vs, b, 32, 4, { dtype: mx.float32 }), [vb], F32],
    ],
    vmap: [
      [(w, s, b) => mx.dequantize(w, s, b, 32, 4), [bq, bs, bb], [0, 0, 0]],
      [(s, b) => mx.dequantize(mx.take(bq, 1, 0), s, b, 32, 4), [bs, bb], [0, 0]],
      [(w, s) => mx.dequantize(w, s, mx.take(bb, 2, 0), 32, 4), [bq, bs], [0, 0]],
      [(w, s) => mx.dequantize(w, s, null, null, null, 'nvfp4', null, mx.float32), [mx.stack([nq, nq]), mx.stack([ns, ns])], [0, 0]],
      [(w, s) => mx.dequantize(w, s, null, null, null, 'nvfp4', mx.array(2, mx.float32), mx.float16), [mx.stack([nq, nq], 1), mx.stack([ns, ns], 1)], [1, 1]],
    ],
  }],
  ['quantize', {
    grad: [],
    vmap: [
      [(w) => mx.quantize(w, 32, 4)[0], [r32([3, 4, 64])], [0]],
      [(w) => mx.quantize(w, 32, 4)[1], [r32([4, 64, 3])], [-1]],
      [(w) => mx.quantize(w, 64, 3)[2], [r32([2, 3, 64])], [1]],
      [(w) => mx.quantize(w, { mode: 'nvfp4', global_scale: mx.array(0.5, mx.float32) })[1], [r32([3, 2, 32])], [0]],
    ],
  }],
  ['qqmm', {
    grad: [],
    vmap: [
      [(x) => mx.qqmm(x, W832), [r32([3, 2, 32])], [0]],
      [(x, w) => mx.qqmm(x, w, null, null, null, 'mxfp8'), [r32([2, 32]), r32([3, 4, 32])], [null, 0]],
    ],
  }],
  ['gather_qqmm', {
    grad: [],
    vmap: [
      [(x) => mx.gather_qqmm(x, W3832, null, mx.array([0, 1]), mx.array([2, 0])), [r32([4, 2, 2, 32])], [0]],
    ],
  }],
]);

// What has no derivative, with MLX's errors.
const NOT_DIFFERENTIABLE = new Map([
  ['quantize', () => {
    throwsWith(() => mx.grad((w) => mx.sum(mx.quantize(w, 32, 4)[1]))(r32([2, 64])), Error, /\[Quantize::vjp\] Quantization is not differentiable/);
    throwsWith(() => mx.jvp((w) => mx.quantize(w, 32, 4)[1], [r32([2, 64])], [r32([2, 64])]), Error, /\[Quantize::jvp\] Quantization is not differentiable/);
  }],
  ['quantized_matmul', () => {
    const x = r32([2, 64]);
    throwsWith(() => mx.vjp((w) => mx.quantized_matmul(x, w, ws, wb, true, 32, 4), [wq], [mx.ones([2, 8])]), Error, /\[QuantizedMatmul::vjp\] no gradient wrt the quantized weights/);
    throwsWith(() => mx.jvp((w) => mx.quantized_matmul(x, w, ws, wb, true, 32, 4), [wq], [wq]), Error, /\[QuantizedMatmul::jvp\] No JVP wrt the quantized matrix/);
    throwsWith(() => mx.jvp((s) => mx.quantized_matmul(x, nq, s, null, true, null, null, 'nvfp4'), [ns], [ns]), Error, /\[QuantizedMatmul::jvp\] No JVP wrt the quantized matrix/);
    throwsWith(() => mx.vjp((s) => mx.quantized_matmul(x, nq, s, null, true, null, null, 'nvfp4'), [ns], [mx.ones([2, 8])]), Error, /\[QuantizedMatmul::vjp\] no gradient wrt the scales of 'nvfp4'/);
  }],
  ['gather_qmm', () => {
    const x = r32([3, 2, 32]);
    const l = mx.array([0, 1], mx.uint32), r = mx.array([1, 3], mx.uint32);
    throwsWith(() => mx.vjp((w) => mx.gather_qmm(x, w, es, eb, l, r, true, 32, 8), [eq], [mx.ones([2, 2, 16])]), Error, /\[GatherQMM::vjp\] no gradient wrt the quantized weights/);
    throwsWith(() => mx.vjp((li) => mx.gather_qmm(x, eq, es, eb, li, r, true, 32, 8), [l], [mx.ones([2, 2, 16])]), Error, /\[GatherQMM::vjp\] cannot compute the gradient wrt the indices/);
    throwsWith(() => mx.jvp((w) => mx.gather_qmm(x, w, es, eb, l, r, true, 32, 8), [eq], [eq]), Error, /\[GatherQMM::jvp\] No JVP wrt the quantized matrix/);
  }],
  ['dequantize', () => {
    throwsWith(() => mx.vjp((w) => mx.dequantize(w, ws, wb, 32, 4), [wq], [mx.ones([8, 64])]), Error, /\[Dequantize::vjp\] no gradient wrt the quantized weights/);
    throwsWith(() => mx.jvp((w) => mx.dequantize(w, ws, wb, 32, 4), [wq], [wq]), Error, /\[Dequantize::jvp\] no gradient wrt the quantized weights/);
  }],
  // qqmm's gradients are qqmm products (tests/js/quantized.test.js checks their values); a
  // quantized w is a constant. gather_qqmm has no gradient.
  ['qqmm', () => {
    const [q, sc] = mx.quantize(W832, { mode: 'nvfp4' });
    const g = mx.grad((w) => mx.sum(mx.qqmm(r32([2, 32]), w, sc)))(q);
    assert.deepEqual(Array.from(g.toTypedArray()), new Array(g.size).fill(0));
    throwsWith(() => mx.jvp((x) => mx.qqmm(x, W832), [X232], [X232]), Error, /\[Quantize::jvp\] Quantization is not differentiable/);
  }],
  ['gather_qqmm', () => {
    throwsWith(() => mx.grad((x) => mx.sum(mx.gather_qqmm(x, W3832, null, null, mx.array([0, 2]))))(X222), Error, /\[gather_qqmm\] The gradient of gather_qqmm is not implemented/);
  }],
]);

test('every op of the quantization group is checked', () => {
  const missing = NAMES.filter((n) => !T.has(n));
  assert.deepEqual(missing, [], 'ops without a transform check');
  for (const n of [...T.keys(), ...NOT_DIFFERENTIABLE.keys()]) assert.ok(NAMES.includes(n), n);
  for (const [n, { grad, vmap }] of T) {
    assert.ok(vmap.length > 0, `${n}: vmap check`);
    if (!['quantize', 'qqmm', 'gather_qqmm'].includes(n)) assert.ok(grad.length > 0, `${n}: gradient check`);
    assert.ok(NOT_DIFFERENTIABLE.has(n), `${n}: the arguments without a derivative are checked`);
  }
});

test('vjp and jvp against central differences (float32)', () => {
  assert.equal(runCases(T, 'grad', checkDerivatives), 16);
});

test('x gradients equal the products with the dequantized weights', () => {
  // An independent check of the vjp: d/dx sum(c * (x @ W^T)) = c @ W for the dequantized W.
  const x = r32([3, 64]), c = r32([3, 8]);
  const [, [g]] = mx.vjp((x) => mx.quantized_matmul(x, wq, ws, wb, true, 32, 4), [x], [c]);
  const W = f64(mx.dequantize(wq, ws, wb, 32, 4)), cv = f64(c), gv = f64(g);
  for (let m = 0; m < 3; m++)
    for (let k = 0; k < 64; k++) {
      let s = 0;
      for (let n = 0; n < 8; n++) s += cv[m * 8 + n] * W[n * 64 + k];
      assert.ok(Math.abs(gv[m * 64 + k] - s) <= 1e-5 * (1 + Math.abs(s)), `${m},${k}`);
    }
  // value_and_grad through a small quantized layer, float16 inputs keep float16 gradients
  const xh = x.astype(mx.float16);
  const gh = mx.grad((x) => mx.sum(mx.quantized_matmul(x, wq, ws.astype(mx.float16), wb.astype(mx.float16), true, 32, 4)))(xh);
  assert.equal(gh.dtype, mx.float16);
});

test('vmap against a loop over the batch', () => {
  let cases = 0;
  for (const [name, { vmap }] of T) {
    vmap.forEach(([fun, inputs, axes], i) => {
      checkVmap(fun, inputs, axes, `${name} vmap case ${i}`);
      cases++;
    });
  }
  assert.equal(cases, 25);
});

test('arguments without a derivative raise MLX\'s errors', () => {
  for (const [, check] of NOT_DIFFERENTIABLE) check();
  // batched global scales are not supported by vmap
  throwsWith(() => mx.vmap((g) => mx.quantize(r32([2, 32]), { mode: 'nvfp4', global_scale: g })[0])(mx.array([1, 2], mx.float32)), Error, /\[Quantize::vmap\] The global scale cannot be batched/);
});

test('shapeless compile infers the output shapes of the quantized primitives', () => {
  const x2 = r32([2, 64]), x5 = r32([5, 64]);
  const f = mx.compile((x) => mx.quantized_matmul(x, wq, ws, wb, true, 32, 4), { shapeless: true });
  for (const x of [x2, x5]) {
    const y = f(x);
    assert.deepEqual(y.shape, [x.shape[0], 8]);
    assert.deepEqual(f64(y), f64(mx.quantized_matmul(x, wq, ws, wb, true, 32, 4)));
  }
  const g = mx.compile((w) => mx.quantize(w, 32, 4), { shapeless: true });
  for (const shape of [[2, 64], [3, 128]]) {
    const w = r32(shape);
    const out = g(w), ref = mx.quantize(w, 32, 4);
    out.forEach((a, i) => { assert.deepEqual(a.shape, ref[i].shape); assert.deepEqual(f64(a), f64(ref[i])); });
  }
  const h = mx.compile((q, s, b) => mx.dequantize(q, s, b, 32, 4), { shapeless: true });
  assert.deepEqual(h(wq, ws, wb).shape, [8, 64]);
  assert.deepEqual(h(bq, bs, bb).shape, [3, 8, 64]);
  const k = mx.compile((x, l, r) => mx.gather_qmm(x, eq, es, eb, l, r, true, 32, 8), { shapeless: true });
  const a = k(X322, mx.array([0, 1, 2]), mx.array([3, 0, 1]));
  assert.deepEqual(a.shape, [3, 2, 16]);
  const b = k(r32([3, 5, 32]), mx.array([1, 1, 0, 2]), mx.array([0, 1, 2, 3]));
  assert.deepEqual(b.shape, [4, 5, 16]);
});
