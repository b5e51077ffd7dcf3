'use strict';
// Transform rules of the conv, fast and contraction groups (src/mlx/rules_conv.cpp,
// rules_fast.cpp, Hadamard's rules in ops_contract.cpp): for every op of lib/conv.js,
// lib/fast.js and lib/ops_contract.js, vjp and jvp against central finite differences in
// float64 (several geometries: strides, asymmetric padding, kernel and input dilation, groups,
// flip, 1-3 spatial dims, transposed convolutions; every mask kind, grouped-query heads and
// sinks of attention), float32 against the float64 gradients with a looser tolerance, and vmap
// against a loop over the batch for several in_axes. The ops that are not differentiable say so.
//
// A missing rule of this group's primitives fails; the contractions that are composed from
// other groups' primitives (Gather, Slice, ... of the shape/index helpers) are listed as a
// diagnostic while those rules are missing.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { throwsWith } = require('./helpers/check');
const { rand, f64, checkDerivatives, checkVmap, runCase, runCases } = require('./helpers/gradcheck');

const NAMES = [...require('../../lib/conv').NAMES, ...require('../../lib/fast').NAMES,
  ...require('../../lib/ops_contract').NAMES];

// `a` and two more random arrays of its shape, stacked along `ax` (a batch of 3).
// Integer arrays (rope offsets) get a + 1 and a + 2, boolean masks other random masks.
const another = (a, k) => {
  if (a.dtype === mx.int32) return mx.add(a, mx.array(k, mx.int32));
  if (a.dtype === mx.bool_) return mx.greater(rand(a.shape), -0.3);
  return rand(a.shape).astype(a.dtype);
};
const bat = (a, ax) => mx.stack([a, another(a, 1), another(a, 2)], ax);
const batched = (xs, axes) => xs.map((x, i) => (axes[i] === null ? x : bat(x, axes[i])));

// ---- the table: name -> { grad: [[f, xs, opts]], vmap: [[f, xs, axes-lists]] } -------------

const T = new Map();
const add = (name, grad, vmap) => T.set(name, { grad, vmap });

// conv1d: stride, padding, dilation, groups (weights (O, K, C / groups)).
{
  const x = rand([2, 9, 4]), w = rand([6, 3, 2]);
  const g = (x, w) => mx.conv1d(x, w, { stride: 2, padding: 2, dilation: 2, groups: 2 });
  add('conv1d', [
    [(x, w) => mx.conv1d(x, w), [rand([2, 7, 3]), rand([4, 3, 3])]],
    [g, [x, w]],
    [(x, w) => mx.conv1d(x, w, { padding: 4 }), [rand([1, 3, 2]), rand([2, 2, 2])]],
    [(x, w) => mx.conv1d(x, w, { groups: 4 }), [rand([1, 6, 4]), rand([8, 3, 1])]],
  ], [[g, [x, w], [[0, null], [null, 0], [1, 3], [3, null], [2, 1], [-1, null], [null, -1], [-1, -2]]]]);
}
{
  const x = rand([2, 5, 6, 4]), w = rand([4, 2, 3, 2]);
  const g = (x, w) => mx.conv2d(x, w, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 });
  add('conv2d', [
    [(x, w) => mx.conv2d(x, w), [rand([1, 4, 5, 2]), rand([3, 2, 2, 2])]],
    [g, [x, w]],
  ], [[g, [x, w], [[0, null], [null, 0], [4, 2], [1, null]]]]);
}
{
  const x = rand([1, 4, 3, 5, 2]), w = rand([2, 2, 2, 3, 2]);
  const g = (x, w) => mx.conv3d(x, w, { stride: [1, 2, 2], padding: [1, 0, 1], dilation: [2, 1, 1] });
  add('conv3d', [[g, [x, w]]], [[g, [x, w], [[0, null], [null, 0], [5, 1]]]]);
}
{
  const x = rand([2, 5, 4]), w = rand([6, 3, 2]);
  const g = (x, w) => mx.conv_transpose1d(x, w, { stride: 2, padding: 1, dilation: 2, output_padding: 1, groups: 2 });
  add('conv_transpose1d', [
    [(x, w) => mx.conv_transpose1d(x, w), [rand([1, 4, 3]), rand([2, 3, 3])]],
    [g, [x, w]],
    [(x, w) => mx.conv_transpose1d(x, w, { stride: 3, padding: 2 }), [rand([1, 4, 2]), rand([2, 2, 2])]],
  ], [[g, [x, w], [[0, null], [null, 0], [2, 3]]]]);
}
{
  const x = rand([1, 3, 4, 4]), w = rand([4, 2, 3, 2]);
  const g = (x, w) => mx.conv_transpose2d(x, w, { stride: [2, 1], padding: [1, 1], dilation: [1, 2], output_padding: [1, 0], groups: 2 });
  add('conv_transpose2d', [[g, [x, w]]], [[g, [x, w], [[0, null], [null, 1], [3, 0]]]]);
}
{
  const x = rand([1, 3, 2, 3, 2]), w = rand([2, 2, 2, 2, 2]);
  const g = (x, w) => mx.conv_transpose3d(x, w, { stride: [2, 1, 2], padding: [0, 1, 1], output_padding: [1, 0, 0] });
  add('conv_transpose3d', [[g, [x, w]]], [[g, [x, w], [[0, null], [null, 0], [1, 4]]]]);
}
{
  // Asymmetric padding, input dilation, flip, every dimensionality.
  const x = rand([2, 6, 4]), w = rand([4, 3, 2]);
  const g = (x, w) => mx.conv_general(x, w, { stride: 2, padding: [[3], [1]], kernel_dilation: 2, input_dilation: 3, groups: 2, flip: true });
  add('conv_general', [
    [g, [x, w]],
    [(x, w) => mx.conv_general(x, w, { padding: [[5], [3]], input_dilation: 2, stride: 2, flip: true }), [rand([1, 5, 2]), rand([2, 2, 2])]],
    [(x, w) => mx.conv_general(x, w, { stride: [2, 1], padding: [[1, 0], [2, 1]], kernel_dilation: [1, 2], input_dilation: [2, 1] }),
      [rand([1, 5, 6, 2]), rand([3, 2, 3, 2])]],
    [(x, w) => mx.conv_general(x, w, { stride: [1, 2, 1], padding: [[1, 0, 1], [0, 1, 2]], input_dilation: [1, 1, 2], flip: true }),
      [rand([1, 4, 3, 3, 2]), rand([2, 2, 2, 2, 2])]],
    // the padded input shorter than the dilated kernel by less than a stride: one output
    [(x, w) => mx.conv_general(x, w, { stride: 2, kernel_dilation: 2 }), [rand([1, 4, 2]), rand([2, 3, 2])]],
    // negative padding crops the input
    [(x, w) => mx.conv_general(x, w, { padding: [[-1, 1], [2, -2]] }), [rand([1, 6, 7, 2]), rand([2, 2, 2, 2])]],
  ], [
    [g, [x, w], [[0, null], [null, 0], [3, 3], [1, 2]]],
    // 3-D with both batched: the batch becomes groups of a 3-D convolution.
    [(x, w) => mx.conv_general(x, w, { stride: 2, padding: 1 }), [rand([1, 4, 3, 3, 2]), rand([2, 2, 2, 2, 2])], [[0, 0], [5, 4]]],
  ]);
}
{
  const a = rand([7]), v = rand([3]);
  add('convolve', [
    [(a, v) => mx.convolve(a, v), [a, v]],
    [(a, v) => mx.convolve(a, v, 'same'), [rand([6]), rand([4])]],
    [(a, v) => mx.convolve(a, v, 'valid'), [rand([3]), rand([5])]],
  ], [[(a, v) => mx.convolve(a, v, 'same'), [a, v], [[0, null], [null, 0], [0, 1]]]]);
}

// ---- fast -------------------------------------------------------------------------------------
{
  const x = rand([2, 3, 8]), w = rand([8]);
  const g = (x, w) => mx.fast.rms_norm(x, w, 1e-5);
  add('fast.rms_norm', [
    [g, [x, w]],
    [(x) => mx.fast.rms_norm(x, null, 1e-3), [rand([5])]],
    [(x, w) => mx.fast.rms_norm(x, w, 0.5), [rand([4, 6]), rand([6])]],
  ], [[g, [x, w], [[0, null], [2, null], [3, null], [null, 0], [1, 0], [3, 1], [-1, null], [-2, -1]]],
    [(x) => mx.fast.rms_norm(x, null, 1e-5), [x], [[0], [3]]]]);
}
{
  const x = rand([2, 3, 8]), w = rand([8]), b = rand([8]);
  const g = (x, w, b) => mx.fast.layer_norm(x, w, b, 1e-5);
  add('fast.layer_norm', [
    [g, [x, w, b]],
    [(x) => mx.fast.layer_norm(x, null, null, 1e-4), [rand([3, 5])]],
    [(x, w) => mx.fast.layer_norm(x, w, null, 1e-5), [rand([6]), rand([6])]],
    [(x, b) => mx.fast.layer_norm(x, null, b, 1e-5), [rand([2, 6]), rand([6])]],
  ], [[g, [x, w, b], [[0, null, null], [3, null, null], [null, 0, null], [null, null, 0], [1, 1, 0]]]]);
}
{
  const x = rand([2, 2, 5, 8]);
  const g = (x) => mx.fast.rope(x, 6, { traditional: false, base: 10000, scale: 1.5, offset: 3 });
  const freqs = mx.array([1.5, 7, 40, 300], mx.float32);
  const offs = mx.array([1, 4], mx.int32);
  add('fast.rope', [
    [g, [x]],
    [(x) => mx.fast.rope(x, 8, { traditional: true, base: 100, scale: 1, offset: offs }), [x]],
    [(x) => mx.fast.rope(x, 8, { traditional: false, base: null, scale: 0.5, offset: 2, freqs }), [x]],
    [(x) => mx.fast.rope(x, 4, { traditional: true, base: 10, scale: 1, offset: 0 }), [rand([2, 3, 6])]],
  ], [
    [g, [x], [[0], [2], [3], [4]]],
    [(x, o) => mx.fast.rope(x, 6, { traditional: true, base: 10000, scale: 1, offset: o }), [x, offs],
      [[0, null], [4, null], [3, null]]],
    // batched offsets (one per batch element, or per batch and dim 0)
    [(x, o) => mx.fast.rope(x, 6, { traditional: false, base: 10000, scale: 1, offset: o }),
      [x, mx.array(2, mx.int32)], [[null, 0], [0, 0], [2, 0]]],
    [(x, o) => mx.fast.rope(x, 6, { traditional: false, base: 10000, scale: 1, offset: o }),
      [x, offs], [[null, 0], [1, 1]]],
    // batched frequencies
    [(x, f) => mx.fast.rope(x, 8, { traditional: false, base: null, scale: 1, offset: 1, freqs: f }),
      [x, freqs], [[null, 0], [1, 0]]],
    [(x, f, o) => mx.fast.rope(x, 6, { traditional: true, base: null, scale: 0.5, offset: o, freqs: f }),
      [x, mx.array([2, 9, 70], mx.float32), offs], [[null, 0, null], [0, 0, 0], [2, 1, 1], [-1, 0, null]]],
  ]);
}
{
  const q = rand([2, 4, 3, 5]), k = rand([2, 2, 6, 5]), v = rand([2, 2, 6, 4]);
  const sdpa = (opt) => (q, k, v) => mx.fast.scaled_dot_product_attention(q, k, v, { scale: 0.7, ...opt });
  const boolMask = mx.greater(rand([3, 6]), -0.5);
  const addMask = rand([4, 1, 6]);
  const sinks = rand([4]);
  const withMask = (q, k, v, m) => mx.fast.scaled_dot_product_attention(q, k, v, { scale: 0.7, mask: m });
  const withSinks = (q, k, v, s) => mx.fast.scaled_dot_product_attention(q, k, v, { scale: 0.7, mask: 'causal', sinks: s });
  const all = (q, k, v, m, s) => mx.fast.scaled_dot_product_attention(q, k, v, { scale: 0.7, mask: m, sinks: s });
  add('fast.scaled_dot_product_attention', [
    [sdpa({}), [q, k, v]],
    [sdpa({ mask: 'causal' }), [q, k, v]],
    // more queries than keys: the first causal rows see no key (uniform softmax)
    [sdpa({ mask: 'causal' }), [rand([1, 2, 5, 3]), rand([1, 2, 3, 3]), rand([1, 2, 3, 2])]],
    [sdpa({ mask: boolMask }), [q, k, v]],
    [withMask, [q, k, v, addMask]],
    [withSinks, [q, k, v, sinks]],
    [all, [rand([1, 2, 4, 3]), rand([1, 1, 4, 3]), rand([1, 1, 4, 3]), rand([1, 2, 4, 4]), rand([2])]],
    // a row whose keys are all hidden by a boolean mask (uniform softmax, as MLX)
    [sdpa({ mask: mx.array([[true, false], [false, false]]) }), [rand([1, 1, 2, 3]), rand([1, 1, 2, 3]), rand([1, 1, 2, 3])]],
  ], [
    [sdpa({ mask: 'causal' }), [q, k, v], [[0, null, null], [null, 2, null], [1, 0, 4], [null, null, 4], [-1, -2, null]]],
    [all, [q, k, v, addMask, sinks], [[0, null, null, null, null], [null, null, null, 0, null],
      [1, 0, null, 2, null], [null, null, null, null, 0], [4, 1, 0, null, 1]]],
    [sdpa({ mask: boolMask }), [q, k, v], [[0, 0, 0], [null, 1, null]]],
    [withMask, [q, k, v, mx.greater(rand([2, 4, 3, 6]), -0.3)], [[null, null, null, 0], [2, null, 1, 3]]],
  ]);
}

// ---- contractions -------------------------------------------------------------------------------
{
  const a = rand([2, 3, 4]), b = rand([3, 4, 2]);
  const g = (a, b) => mx.tensordot(a, b, 2);
  add('tensordot', [
    [g, [a, b]],
    [(a, b) => mx.tensordot(a, b, [[0, 2], [1, 0]]), [rand([3, 2, 4]), rand([4, 3, 2])]],
    [(a, b) => mx.tensordot(a, b, 0), [rand([2]), rand([3])]],
  ], [[g, [a, b], [[0, null], [null, 2], [3, 0]]]]);
}
{
  const a = rand([2, 4]), b = rand([3, 4]);
  add('inner', [[mx.inner, [a, b]], [mx.inner, [rand([4]), rand([4])]]],
    [[mx.inner, [a, b], [[0, null], [null, 1], [2, 0]]]]);
}
{
  const a = rand([3]), b = rand([2, 2]);
  add('outer', [[mx.outer, [a, b]]], [[mx.outer, [a, b], [[0, null], [null, 2], [1, 0]]]]);
}
{
  const a = rand([3, 4]), b = rand([4]);
  const g = (a, b) => mx.vecdot(a, b, 1);
  add('vecdot', [[g, [a, b]], [(a, b) => mx.vecdot(a, b, 0), [rand([3, 2]), rand([3, 1])]]],
    [[g, [a, b], [[0, null], [null, 0], [2, 1]]]]);
}
{
  const a = rand([2, 3]), b = rand([2, 2]);
  add('kron', [[mx.kron, [a, b]], [mx.kron, [rand([3]), rand([2, 2])]]],
    [[mx.kron, [a, b], [[0, null], [null, 1], [2, 2]]]]);
}
{
  const c = rand([3]), a = rand([2, 4]), b = rand([4, 3]);
  const g = (c, a, b) => mx.addmm(c, a, b, { alpha: 0.5, beta: 2 });
  add('addmm', [[g, [c, a, b]], [(c, a, b) => mx.addmm(c, a, b), [rand([2]), rand([2, 3]), rand([3])]]],
    [[g, [c, a, b], [[0, null, null], [null, 2, null], [1, 0, 2]]]]);
}
{
  const a = rand([33, 34]), b = rand([34, 3]);
  const ml = mx.array([[true, false], [true, true]]), mo = mx.array([[true], [false]]);
  const g = (a, b) => mx.block_masked_mm(a, b, 32, mo, ml);
  // float masks scale the blocks and are differentiated too (as MLX's BlockMaskedMM::vjp)
  const gf = (a, b, mo, ml, mr) => mx.block_masked_mm(a, b, 32, mo, ml, mr);
  add('block_masked_mm', [[g, [a, b]], [(a, b) => mx.block_masked_mm(a, b), [rand([2, 3]), rand([3, 2])]],
    [gf, [rand([33, 20]), rand([20, 40]), rand([2, 2]), rand([2, 1]), rand([1, 2])]]],
    [[g, [a, b], [[0, null], [null, 1]]]]);
}
{
  const a = rand([3, 2, 4]), b = rand([2, 4, 2]);
  const li = mx.array([2, 0, 2], mx.uint32), ri = mx.array([1, 1, 0], mx.uint32);
  const g = (a, b) => mx.gather_mm(a, b, li, ri);
  add('gather_mm', [[g, [a, b]], [(a, b) => mx.gather_mm(a, b), [rand([2, 3]), rand([3, 2])]]],
    [[g, [a, b], [[0, null], [null, 3]]]]);
}
{
  const a = rand([2, 6]), b = rand([6, 3]);
  const seg = mx.array([[0, 2], [2, 6], [1, 4]], mx.int32);
  const g = (a, b) => mx.segmented_mm(a, b, seg);
  add('segmented_mm', [[g, [a, b]]], [[g, [a, b], [[0, null], [null, 1]]]]);
}
{
  const x = rand([3, 8]);
  add('hadamard_transform', [
    [(x) => mx.hadamard_transform(x), [x]],
    [(x) => mx.hadamard_transform(x, { scale: 0.3 }), [rand([2, 12])]],
    // H_20 and H_28 are not symmetric: the vjp applies their transposes
    [(x) => mx.hadamard_transform(x), [rand([20])]],
    [(x) => mx.hadamard_transform(x, { scale: 0.5 }), [rand([2, 40])]],
    [(x) => mx.hadamard_transform(x), [rand([28])]],
  ], [[(x) => mx.hadamard_transform(x, { scale: 2 }), [x], [[0], [1], [2], [-1]]],
    [(x) => mx.hadamard_transform(x), [rand([2, 20])], [[0], [2]]]]);
}
{
  const a = rand([2, 3]), b = rand([3, 4]);
  const g = (a, b) => mx.einsum('ij,jk->ik', a, b);
  add('einsum', [
    [g, [a, b]],
    [(a, b) => mx.einsum('bij,bjk->bki', a, b), [rand([2, 2, 3]), rand([2, 3, 2])]],
    [(a, b) => mx.einsum('i,i->', a, b), [rand([4]), rand([4])]],
    [(a) => mx.einsum('ij->ji', a), [rand([2, 3])]],
    [(a) => mx.einsum('ii->i', a), [rand([3, 3])]],
  ], [[g, [a, b], [[0, null], [null, 2], [1, 0]]]]);
}

// Ops without a derivative, and why.
const NOT_DIFFERENTIABLE = new Map([
  // Custom kernels need a GPU back-end: they throw before any graph exists.
  ['fast.metal_kernel', () => throwsWith(() => mx.fast.metal_kernel({ name: 'k', input_names: ['a'], output_names: ['b'], source: '' }), Error, /not available/)],
  ['fast.cuda_kernel', () => throwsWith(() => mx.fast.cuda_kernel({ name: 'k', input_names: ['a'], output_names: ['b'], source: '' }), Error, /not available/)],
  ['fast.precompiled_cuda_kernel', () => throwsWith(() => mx.fast.precompiled_cuda_kernel({ name: 'k', compiled_source: '', inputs: [], output_shapes: [], output_dtypes: [], grid: [1, 1, 1], threadgroup: [1, 1, 1], scalars: [] }), Error, /not available/)],
  // A contraction path and its summary: no array output.
  ['einsum_path', () => {
    const r = mx.einsum_path('ij,jk->ik', rand([2, 3]), rand([3, 4]));
    assert.ok(Array.isArray(r) && !(r[0] instanceof mx.array) && typeof r[1] === 'string');
  }],
]);

// ---- the checks ---------------------------------------------------------------------------------

test('every op of the conv, fast and contraction groups is checked', () => {
  const missing = NAMES.filter((n) => !T.has(n) && !NOT_DIFFERENTIABLE.has(n));
  assert.deepEqual(missing, [], 'ops without a transform check');
  for (const n of [...T.keys(), ...NOT_DIFFERENTIABLE.keys()]) assert.ok(NAMES.includes(n), n);
});

test('vjp and jvp against central differences (float64)', (t) => {
  const cases = runCases(T, 'grad', checkDerivatives);
  t.diagnostic(`${cases} gradient cases passed`);
  assert.ok(cases >= 50, `${cases} cases`);
});

test('float32 gradients match the float64 ones (looser tolerance)', (t) => {
  let checked = 0;
  for (const [name, { grad }] of T) {
    const [f, xs] = grad[grad.length > 1 ? 1 : 0];
    const x32 = xs.map((x) => x.astype(mx.float32));
    runCase(`${name} (float32)`, () => {
      // finite differences in float32 (the op itself computes in float32)
      checkDerivatives(f, x32, { dtype: mx.float32, rtol: 3e-2, atol: 3e-3, h: 1e-2 });
      // and the float32 vjp against the float64 one
      const y = f(...xs);
      const cot = rand(y.shape);
      const [, g64] = mx.vjp(f, xs, [cot]);
      const [, g32] = mx.vjp(f, x32, [cot.astype(mx.float32)]);
      g32.forEach((g, k) => {
        assert.equal(g.dtype, mx.float32, `${name}: gradient ${k} dtype`);
        const a = f64(g), r = f64(g64[k]);
        for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - r[i]) <= 1e-4 + 1e-4 * Math.abs(r[i]), `${name} gradient ${k}[${i}]: ${a[i]} vs ${r[i]}`);
      });
      checked++;
    });
  }
  t.diagnostic(`${checked} ops checked in float32`);
  assert.ok(checked >= 15);
});

test('vmap against a loop over the batch, several in_axes', (t) => {
  let cases = 0;
  for (const [name, { vmap }] of T) {
    for (const [f, xs, axesList] of vmap) {
      for (const axes of axesList) {
        runCase(`${name} vmap ${JSON.stringify(axes)}`, () => {
          checkVmap(f, batched(xs, axes), axes, `${name} ${JSON.stringify(axes)}`);
        });
        cases++;
      }
    }
  }
  t.diagnostic(`${cases} vmap cases passed`);
  assert.ok(cases >= 60, `${cases} cases`);
});

test('ops without a derivative say so', () => {
  for (const [, check] of NOT_DIFFERENTIABLE) check();
});

// ---- details ------------------------------------------------------------------------------------

test('half-precision inputs keep their dtype in the gradients and match float32', () => {
  for (const dt of [mx.float16, mx.bfloat16]) {
    const x = rand([1, 6, 2]), w = rand([3, 3, 2]);
    const f = (x, w) => mx.conv1d(x, w, { padding: 1 });
    const cot = rand([1, 6, 3]);
    const [, g] = mx.vjp(f, [x.astype(dt), w.astype(dt)], [cot.astype(dt)]);
    const [, r] = mx.vjp(f, [x, w], [cot]);
    const tol = dt === mx.float16 ? 2e-2 : 1e-1;
    for (let k = 0; k < 2; k++) {
      assert.equal(g[k].dtype, dt);
      const a = f64(g[k]), b = f64(r[k]);
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `conv ${k} ${i}`);
    }
    const xn = rand([2, 8]), wn = rand([8]);
    const fn = (x, w) => mx.fast.layer_norm(x, w, null, 1e-5);
    const [, gn] = mx.vjp(fn, [xn.astype(dt), wn.astype(dt)], [xn.astype(dt)]);
    const [, rn] = mx.vjp(fn, [xn, wn], [xn]);
    for (let k = 0; k < 2; k++) {
      assert.equal(gn[k].dtype, dt);
      const a = f64(gn[k]), b = f64(rn[k]);
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `layer_norm ${k} ${i}`);
    }
  }
});

test('second derivatives: the rules are differentiable again', () => {
  // x -> d/dx sum(conv(x, w)^2), and the same through rms_norm and attention
  const w = rand([2, 3, 2]);
  const gconv = (x) => mx.grad((y) => mx.sum(mx.square(mx.conv1d(y, w, { stride: 2, padding: 1 }))))(x);
  checkDerivatives(gconv, [rand([1, 6, 2])]);
  const x2 = rand([1, 5, 2]);
  const gw = (w2) => mx.grad((v) => mx.sum(mx.square(mx.conv_general(x2, v, { flip: true, input_dilation: 2 }))))(w2);
  checkDerivatives(gw, [rand([2, 2, 2])]);
  const grms = (x) => mx.grad((y) => mx.sum(mx.sin(mx.fast.rms_norm(y, null, 1e-5))))(x);
  checkDerivatives(grms, [rand([2, 5])]);
  const k = rand([1, 2, 3, 2]), v = rand([1, 2, 3, 2]);
  const gatt = (q) => mx.grad((y) => mx.sum(mx.square(mx.fast.scaled_dot_product_attention(y, k, v, { scale: 1 }))))(q);
  checkDerivatives(gatt, [rand([1, 2, 2, 2])]);
});

test('vmap of gradients (per-example gradients) equals the loop', () => {
  const perExample = (name, loss, w, xs, tol = 1e-12) => {
    const per = mx.vmap((x) => mx.grad((u) => loss(x, u))(w))(xs);
    for (let i = 0; i < xs.shape[0]; i++) {
      const r = f64(mx.grad((u) => loss(mx.take(xs, i, 0), u))(w)), a = f64(mx.take(per, i, 0));
      for (let j = 0; j < a.length; j++) assert.ok(Math.abs(a[j] - r[j]) <= tol * (1 + Math.abs(r[j])), `${name} ${i} ${j}: ${a[j]} vs ${r[j]}`);
    }
  };
  const k = rand([1, 2, 3, 2]), v = rand([1, 2, 3, 2]);
  perExample('sdpa', (x, q) => mx.sum(mx.square(mx.fast.scaled_dot_product_attention(q, mx.multiply(k, x), v, { scale: 1, mask: 'causal' }))),
    rand([1, 2, 3, 2]), rand([3, 1, 2, 3, 2]));
  perExample('layer_norm', (x, w) => mx.sum(mx.sin(mx.fast.layer_norm(x, w, null, 1e-5))), rand([4]), rand([3, 2, 4]));
  perExample('rms_norm', (x, w) => mx.sum(mx.sin(mx.fast.rms_norm(x, w, 1e-5))), rand([4]), rand([3, 2, 4]));
  perExample('rope', (x, u) => mx.sum(mx.multiply(mx.fast.rope(u, 4, { traditional: false, base: 10, scale: 1, offset: 1 }), x)),
    rand([1, 2, 3, 4]), rand([3, 1, 2, 3, 4]));
  // the inverse rotation (rope's vjp) with batched frequencies
  const cr = rand([1, 2, 3, 8]);
  perExample('rope freqs', (f, u) => mx.sum(mx.multiply(mx.fast.rope(u, 8, { traditional: false, base: null, scale: 1, offset: 2, freqs: f }), cr)),
    rand([1, 2, 3, 8]), mx.array([[1, 2, 3, 4], [5, 6, 7, 8], [0.5, 9, 30, 100]], mx.float32), 1e-6);
  perExample('conv2d', (x, w) => mx.sum(mx.square(mx.conv2d(x, w, { groups: 2, padding: 1 }))), rand([4, 2, 2, 2]), rand([3, 1, 4, 4, 4]));
  perExample('conv1d', (x, w) => mx.sum(mx.square(mx.conv1d(x, w))), rand([2, 3, 2]), rand([3, 1, 5, 2]));
  perExample('hadamard', (x, u) => mx.sum(mx.multiply(mx.hadamard_transform(u), x)), rand([2, 20]), rand([3, 2, 20]));
});

test('empty inputs, outputs and key sequences give zero gradients of the right shapes', () => {
  const f = (x, w) => mx.conv1d(x, w);
  let [, g] = mx.vjp(f, [mx.zeros([0, 5, 2], mx.float64), rand([3, 2, 2])], [mx.zeros([0, 4, 3], mx.float64)]);
  assert.deepEqual(g.map((a) => a.shape), [[0, 5, 2], [3, 2, 2]]);
  assert.ok(f64(g[1]).every((v) => v === 0));
  [, g] = mx.vjp(f, [rand([1, 5, 2]), mx.zeros([0, 2, 2], mx.float64)], [mx.zeros([1, 4, 0], mx.float64)]);
  assert.deepEqual(g.map((a) => a.shape), [[1, 5, 2], [0, 2, 2]]);
  assert.ok(f64(g[0]).every((v) => v === 0));
  const q = rand([1, 2, 3, 4]), k = mx.zeros([1, 2, 0, 4], mx.float64);
  [, g] = mx.vjp((q, k, v) => mx.fast.scaled_dot_product_attention(q, k, v, { scale: 0.5 }), [q, k, k], [rand([1, 2, 3, 4])]);
  assert.deepEqual(g.map((a) => a.shape), [[1, 2, 3, 4], [1, 2, 0, 4], [1, 2, 0, 4]]);
  assert.ok(f64(g[0]).every((v) => v === 0));
});

test('rope: no derivative for offset (MLX\'s message); freqs through MLX\'s composition', () => {
  const x = rand([1, 2, 3, 4]), cot = rand([1, 2, 3, 4]);
  const off = mx.array(2, mx.int32);
  const withOffset = (x, o) => mx.fast.rope(x, 4, { traditional: false, base: 10, scale: 1, offset: o });
  throwsWith(() => mx.vjp(withOffset, [x, off], [cot]), Error, /\[RoPE::vjp\] vjp for offset or frequencies not supported/);
  throwsWith(() => mx.jvp(withOffset, [x, off], [x, off]), Error, /\[RoPE::jvp\] jvp for offset or frequencies not supported/);
  // freqs: the angles are float32, so float32 steps and tolerances
  for (const traditional of [false, true]) {
    const f = (x, fr) => mx.fast.rope(x, 4, { traditional, base: null, scale: 0.7, offset: mx.array([1, 3], mx.int32), freqs: fr });
    checkDerivatives(f, [rand([2, 2, 3, 6]), mx.array([1.5, 4], mx.float64)], { rtol: 2e-3, atol: 2e-4, h: 1e-3 });
  }
});

test('shapeless compile infers the output shapes of conv and fast nodes', () => {
  const w = rand([3, 2, 2]);
  const f = (x) => mx.fast.rms_norm(mx.conv1d(x, w, { stride: 2, padding: 1 }), null, 1e-5);
  const c = mx.compile(f, { shapeless: true });
  for (const n of [5, 9]) {
    const x = rand([2, n, 2]);
    const a = f64(c(x)), b = f64(f(x));
    assert.deepEqual(c(x).shape, f(x).shape);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-12);
  }
});

test('the stream argument of the op reaches the gradient nodes', () => {
  const x = rand([1, 5, 2]), w = rand([2, 3, 2]);
  const f = (x, w) => mx.conv1d(x, w, { stream: mx.cpu });
  checkDerivatives(f, [x, w]);
  const g = (x) => mx.fast.layer_norm(x, null, null, 1e-5, { stream: mx.cpu });
  checkDerivatives(g, [rand([3, 4])]);
});
