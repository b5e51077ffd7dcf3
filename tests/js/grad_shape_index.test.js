'use strict';
// Transform rules of the shape, indexing and creation groups (src/mlx/rules_shape.cpp,
// rules_index.cpp, rules_creation.cpp): for every op of lib/ops_shape.js, lib/ops_index.js and
// lib/ops_creation.js, and for the indexing scheme a.get / a.set / a.at (lib/indexing.js), vjp and
// jvp against central differences in float64 (several shapes, axes, broadcasting, repeated and
// negative indices) and vmap against a loop over the batch (several in_axes); or, where MLX has
// no derivative, MLX's error. Index arguments on the differentiated path raise MLX's error
// asking for stop_gradient; with stop_gradient the gradient flows. Also: float32 gradients,
// second derivatives, vmap of grad, shapeless compile (output-shape inference).
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { throwsWith } = require('./helpers/check');
const { rand, f64, checkDerivatives, checkVmap } = require('./helpers/gradcheck');

const I = (v) => mx.array(v, mx.int32);
const U32 = (v) => mx.array(v, mx.uint32);
// Python's b = a * 1; b[idx] = v (a.set rebinds its array in place, so a copy keeps `a` intact
// for the loops that reuse it).
const setOn = (a, ...args) => mx.multiply(a, 1).set(...args);

// ---- gradient table: [name, cases]; a case is [f, inputs] ---------------------------------------

const GRAD = [
  // shape
  ['concatenate', [
    [(a, b) => mx.concatenate([a, b], 1), [rand([2, 3]), rand([2, 2])]],
    [(a, b, c) => mx.concatenate([a, b, c], -1), [rand([2, 1, 2]), rand([2, 1, 3]), rand([2, 1, 1])]],
    [(a, b) => mx.concatenate([a, b], 0), [rand([1, 3]), rand([2, 3])]],
    [(a, b) => mx.concatenate([a, b], null), [rand([2, 2]), rand([3])]],
  ]],
  ['concat', [[(a, b) => mx.concat([a, b], 1), [rand([2, 3]), rand([2, 1])]]]],
  ['stack', [
    [(a, b) => mx.stack([a, b], 1), [rand([2, 3]), rand([2, 3])]],
    [(a, b, c) => mx.stack([a, b, c], -1), [rand([3]), rand([3]), rand([3])]],
  ]],
  ['unstack', [[(a) => {
    const p = mx.unstack(a, { axis: 1 });
    return mx.add(p[0], mx.multiply(p[2], 3));
  }, [rand([2, 3, 2])]]]],
  ['split', [
    [(a) => {
      const p = mx.split(a, 2, 1);
      return mx.subtract(p[0], mx.multiply(p[1], 2));
    }, [rand([3, 4])]],
    [(a) => {
      const p = mx.split(a, [1, 3]);
      return mx.concatenate([mx.multiply(p[2], 5), p[0]]);
    }, [rand([5])]],
  ]],
  ['repeat', [
    [(a) => mx.repeat(a, 3, 1), [rand([2, 3])]],
    [(a) => mx.repeat(a, 2), [rand([2, 2])]],
    [(a) => mx.repeat(a, 2, -1), [rand([3, 1])]],
  ]],
  ['tile', [[(a) => mx.tile(a, [2, 1, 3]), [rand([2, 3])]], [(a) => mx.tile(a, 2), [rand([3])]]]],
  ['pad', [
    [(a) => mx.pad(a, [[1, 2], [0, 1]]), [rand([2, 3])]],
    [(a, v) => mx.pad(a, [[1, 0], [2, 1]], { constant_values: v }), [rand([2, 3]), rand([])]],
    [(a) => mx.pad(a, 2, { mode: 'edge' }), [rand([2, 3])]],
    [(a) => mx.pad(a, [[1, 2], [3, 1]], { mode: 'reflect' }), [rand([3, 3])]],
    // Pads wider than the axis (the source map repeats).
    [(a) => mx.pad(a, [[4, 5]], { mode: 'reflect' }), [rand([3])]],
    [(a) => mx.pad(a, [[2, 3], [0, 4]], { mode: 'symmetric' }), [rand([2, 2])]],
    [(a) => mx.pad(a, [[1, 1]], { mode: 'edge' }), [rand([1])]],
  ]],
  ['flip', [[(a) => mx.flip(a, 1), [rand([2, 3])]], [(a) => mx.flip(a), [rand([2, 3, 2])]]]],
  ['roll', [
    [(a) => mx.roll(a, 2, 1), [rand([2, 3])]],
    [(a) => mx.roll(a, -1), [rand([2, 3])]],
    [(a) => mx.roll(a, [1, 2], [0, 1]), [rand([3, 4])]],
  ]],
  ['diff', [[(a) => mx.diff(a, 2), [rand([2, 5])]], [(a) => mx.diff(a, 1, 0), [rand([3, 2])]]]],
  ['as_strided', [
    // Overlapping windows read positions several times: their cotangents add up.
    [(a) => mx.as_strided(a, [3, 3], [1, 1]), [rand([5])]],
    [(a) => mx.as_strided(a, [2, 2], [3, 1], 1), [rand([2, 3])]],
    [(a) => mx.as_strided(mx.transpose(a), [3, 2], [2, 1]), [rand([2, 3])]],
  ]],
  ['broadcast_arrays', [[(a, b) => {
    const [p, q] = mx.broadcast_arrays(a, b);
    return mx.add(p, mx.multiply(q, 2));
  }, [rand([2, 1]), rand([3])]]]],
  ['atleast_1d', [[(a) => mx.atleast_1d(a), [rand([])]]]],
  ['atleast_2d', [[(a) => mx.atleast_2d(a), [rand([3])]]]],
  ['atleast_3d', [[(a) => mx.atleast_3d(a), [rand([2, 3])]]]],
  ['unflatten', [[(a) => mx.unflatten(a, 1, [2, 2]), [rand([3, 4])]], [(a) => mx.unflatten(a, 1, [-1, 2]), [rand([3, 4, 2])]]]],
  ['flatten', [[(a) => mx.flatten(a, 0, 1), [rand([3, 2, 2])]], [(a) => mx.flatten(mx.transpose(a), 1, 2), [rand([3, 2, 2])]]]],
  ['permute_dims', [[(a) => mx.permute_dims(a, [2, 0, 1]), [rand([2, 3, 2])]]]],
  ['matrix_transpose', [[(a) => mx.matrix_transpose(a), [rand([2, 3])]]]],
  ['contiguous', [[(a) => mx.contiguous(mx.transpose(a)), [rand([2, 3])]], [(a) => mx.contiguous(a, true), [rand([3])]]]],
  // indexing
  ['take', [
    [(a) => mx.take(a, I([0, 2, 2, -1]), 0), [rand([4, 3])]],
    [(a) => mx.take(a, I([[1, 1], [0, -3]]), 1), [rand([2, 3])]],
    [(a) => mx.take(a, U32([5, 0, 5]), -1), [rand([2, 6])]],
    [(a) => mx.take(a, I([3, 3, 1])), [rand([2, 2])]],
    [(a) => mx.take(a, 1, 1), [rand([2, 3])]],
  ]],
  ['take_along_axis', [
    [(a) => mx.take_along_axis(a, I([[0], [2], [1], [0]]), 1), [rand([4, 3])]],
    [(a) => mx.take_along_axis(a, I([[3, 0, 3]]), 0), [rand([4, 3])]],
    [(a) => mx.take_along_axis(a, I([5, 0, -1, 5]), null), [rand([2, 3])]],
  ]],
  ['put_along_axis', [
    [(a, v) => mx.put_along_axis(a, I([[0], [2], [1], [0]]), v, 1), [rand([4, 3]), rand([4, 1])]],
    [(a, v) => mx.put_along_axis(a, I([[2, 0, 1]]), v, 0), [rand([3, 3]), rand([1, 3])]],
    // The values broadcast against the indices.
    [(a, v) => mx.put_along_axis(a, I([[1], [0]]), v, -1), [rand([2, 3]), rand([])]],
  ]],
  ['diagonal', [
    [(a) => mx.diagonal(a), [rand([3, 4])]],
    [(a) => mx.diagonal(a, 1, 1, 2), [rand([2, 3, 4])]],
    [(a) => mx.diagonal(a, -1, -1, 0), [rand([3, 2, 3])]],
  ]],
  ['diag', [[(a) => mx.diag(a, 1), [rand([3])]], [(a) => mx.diag(a, -1), [rand([3, 4])]]]],
  ['slice', [
    [(a) => mx.slice(a, I([1, 0]), [0, 1], [2, 2]), [rand([4, 3])]],
    [(a) => mx.slice(a, I(-2), [1], [2, 2]), [rand([2, 4])]],
    [(a) => mx.slice(a, U32([1]), [-1], [1, 2]), [rand([2, 3])]],
  ]],
  ['slice_update', [
    [(a, u) => mx.slice_update(a, u, I([1]), [0]), [rand([4, 3]), rand([2, 3])]],
    [(a, u) => mx.slice_update(a, u, I([0, -2]), [0, 1]), [rand([3, 4]), rand([2, 2])]],
    [(a, u) => mx.slice_update(a, u, I(1), [1]), [rand([2, 4, 2]), rand([2, 2])]],
  ]],
  ['get', [
    [(a) => a.get('1:3', '::-1'), [rand([4, 3])]],
    [(a) => a.get(1, null, '::2'), [rand([4, 3])]],
    [(a) => a.get('...', -1), [rand([2, 3, 2])]],
    [(a) => a.get(I([0, 2, 2]), '1:'), [rand([4, 3])]],
    [(a) => a.get(I([[0], [-1]]), I([1, 2, 0])), [rand([3, 3])]],
    // Index arrays apart: their dims come first (numpy's rule).
    [(a) => a.get(I([1, 0]), ':', I([2, 2])), [rand([2, 2, 3])]],
    [(a) => a.get(':', I([1, 1, 0]), null, '2::-1'), [rand([2, 3, 4])]],
  ]],
  ['set', [
    [(a, v) => setOn(a, '1:3', v), [rand([4, 3]), rand([3])]],
    [(a, v) => setOn(a, '::-2', 1, v), [rand([5, 2]), rand([3])]],
    [(a, v) => setOn(a, I([0, 3]), v), [rand([4, 3]), rand([2, 3])]],
    [(a, v) => setOn(a, ':', I([2, 0]), v), [rand([2, 3]), rand([2])]],
    [(a, v) => setOn(a, mx.array([true, false, true, true]), v), [rand([4, 2]), rand([3, 2])]],
    [(a, v) => setOn(a, mx.array([[true, false], [false, true]]), v), [rand([2, 2, 2]), rand([2])]],
  ]],
  ['at', [
    // Repeated indices accumulate.
    [(a, v) => a.at(I([0, 2, 0])).add(v), [rand([4, 3]), rand([3, 3])]],
    [(a, v) => a.at('1:', 2).subtract(v), [rand([3, 3]), rand([2])]],
    [(a, v) => a.at(I([1, 3, 1])).maximum(v), [rand([4, 2]), rand([3, 2])]],
    [(a, v) => a.at(':', I([0, 0])).minimum(v), [rand([2, 3]), rand([2, 2])]],
  ]],
  // creation
  ['full_like', [
    [(a, v) => mx.full_like(a, v), [rand([2, 3]), rand([3])]],
    [(a, v) => mx.multiply(a, mx.full_like(a, v)), [rand([2, 3]), rand([])]],
  ]],
  ['meshgrid', [
    [(a, b) => {
      const [X, Y] = mx.meshgrid(a, b);
      return mx.multiply(X, mx.add(Y, 2));
    }, [rand([3]), rand([2])]],
    [(a, b) => {
      const [X, Y] = mx.meshgrid(a, b, { indexing: 'ij', sparse: true });
      return mx.subtract(X, Y);
    }, [rand([2]), rand([3])]],
  ]],
  ['tril', [[(a) => mx.tril(a), [rand([3, 4])]], [(a) => mx.tril(a, -1), [rand([2, 3, 3])]]]],
  ['triu', [[(a) => mx.triu(a, 1), [rand([4, 3])]], [(a) => mx.triu(a, -2), [rand([2, 3, 4])]]]],
];

// Ops without inputs (or whose array inputs only give a shape): constants in a transform. Each is
// checked inside a differentiable function and under vmap.
const CONSTANT = {
  linspace: () => mx.linspace(0, 1, 3, { dtype: mx.float64 }),
  eye: () => mx.eye(3, { dtype: mx.float64 }),
  identity: () => mx.identity(3, { dtype: mx.float64 }),
  tri: () => mx.tri(3, 3, -1, mx.float64),
  empty: () => mx.empty([3, 3], mx.float64),
  empty_like: () => mx.empty_like(mx.ones([3, 3], mx.float64)),
  bartlett: () => mx.bartlett(3).astype(mx.float64),
  hanning: () => mx.hanning(3).astype(mx.float64),
  hamming: () => mx.hamming(3).astype(mx.float64),
  blackman: () => mx.blackman(3).astype(mx.float64),
};

// No derivative in MLX (only a vmap rule): the transform raises MLX's error.
const NO_DERIVATIVE = {
  view: [(x) => mx.view(x, mx.int32).astype(mx.float32), /\[Primitive::vjp\] Not implemented for View\./,
    /\[Primitive::jvp\] Not implemented for View\./],
  to_fp8: [(x) => mx.to_fp8(x).astype(mx.float32), /\[Primitive::vjp\] Not implemented for ToFP8\./,
    /\[Primitive::jvp\] Not implemented for ToFP8\./],
  from_fp8: [(x) => mx.from_fp8(mx.to_fp8(x), mx.float32), /\[Primitive::vjp\] Not implemented for FromFP8\./,
    /\[Primitive::jvp\] Not implemented for ToFP8\./],
};

// Not functions of arrays (shapes, dtypes, print options, dlpack capsules).
const NOT_ARRAY_OPS = new Set(['broadcast_shapes', 'from_dlpack', 'isdtype', 'set_printoptions',
  'get_printoptions', 'printoptions', 'PrintOptions', '_PrintOptionsContext']);

// ---- vmap table: [name, fun, inputs, list of in_axes] -------------------------------------------

const X = (shape) => rand(shape);
const VMAP = [
  ['concatenate', (a, b) => mx.concatenate([a, b], 1), [X([3, 2, 4]), X([3, 2, 2])], [[0, 0], [2, 2], [1, null]]],
  ['concatenate', (a, b) => mx.concatenate([a, b], null), [X([3, 2]), X([3, 4])], [[-1, 0], [0, null]]],
  ['concat', (a, b) => mx.concat([a, b], 0), [X([3, 2]), X([3, 2])], [[0, 1], [null, 1]]],
  ['stack', (a, b) => mx.stack([a, b], -1), [X([3, 2]), X([3, 2])], [[0, 1], [1, null]]],
  ['unstack', (a) => mx.unstack(a)[1], [X([3, 2, 4])], [[0], [1], [-1]]],
  ['split', (a) => mx.split(a, [1], 1)[1], [X([3, 4, 2])], [[0], [1], [2]]],
  ['repeat', (a) => mx.repeat(a, 2, 0), [X([3, 2])], [[0], [1]]],
  ['repeat', (a) => mx.repeat(a, 2), [X([3, 2, 2])], [[0], [-1]]],
  ['tile', (a) => mx.tile(a, [2, 2]), [X([3, 2])], [[0], [1]]],
  ['pad', (a) => mx.pad(a, [[1, 2], [0, 1]]), [X([4, 2, 3])], [[0], [1], [2]]],
  ['pad', (a) => mx.pad(a, [[1, 2], [0, 1]], { mode: 'symmetric' }), [X([5, 4, 3])], [[1], [-1]]],
  ['pad', (a) => mx.pad(a, 1, { mode: 'edge' }), [X([3, 2])], [[0], [1]]],
  // One constant per batch element.
  ['pad', (a, v) => mx.pad(a, [[1, 0], [1, 2]], { constant_values: v }), [X([3, 2, 4]), X([3])], [[2, 0], [null, 0], [2, null]]],
  ['flip', (a) => mx.flip(a, 0), [X([3, 4])], [[0], [1]]],
  ['roll', (a) => mx.roll(a, 1), [X([3, 2, 2])], [[0], [2]]],
  ['diff', (a) => mx.diff(a), [X([3, 4])], [[0], [1]]],
  ['as_strided', (a) => mx.as_strided(a, [3, 2], [1, 2]), [X([4, 2, 3])], [[0], [1], [2]]],
  ['broadcast_arrays', (a, b) => mx.broadcast_arrays(a, b)[0], [X([3, 2, 1]), X([3, 4])], [[0, null], [2, null], [0, 0]]],
  ['atleast_1d', (a) => mx.atleast_1d(a), [X([3])], [[0]]],
  ['atleast_2d', (a) => mx.atleast_2d(a), [X([3, 2])], [[0], [1]]],
  ['atleast_3d', (a) => mx.atleast_3d(a), [X([3, 2])], [[0], [1]]],
  ['unflatten', (a) => mx.unflatten(a, 0, [2, 2]), [X([3, 4])], [[1], [-1]]],
  ['unflatten', (a) => mx.unflatten(a, -1, [2, -1]), [X([3, 4, 6])], [[0], [1], [2]]],
  ['flatten', (a) => mx.flatten(a, 0, 1), [X([3, 2, 4])], [[0], [1], [2]]],
  ['flatten', (a) => mx.flatten(a), [X([3, 2, 4])], [[0], [-1]]],
  ['permute_dims', (a) => mx.permute_dims(a, [1, 0]), [X([3, 2, 4])], [[0], [1], [2]]],
  ['matrix_transpose', (a) => mx.matrix_transpose(a), [X([3, 2, 4])], [[0], [2]]],
  ['contiguous', (a) => mx.contiguous(mx.transpose(a)), [X([3, 2, 4])], [[0], [2]]],
  ['take', (a, i) => mx.take(a, i, 0), [X([3, 4, 5]), I([[0, 1], [3, 3], [2, -1]])], [[1, 0], [1, null], [null, 0], [1, 1]]],
  ['take', (a, i) => mx.take(a, i, 1), [X([3, 2, 4]), I([[0, 1, 1], [3, 0, 2], [1, 1, -1]])], [[0, null], [2, 1], [null, 1]]],
  ['take', (a) => mx.take(a, I([2, 0])), [X([3, 4])], [[0], [1]]],
  ['take', (a) => mx.take(a, -1, 0), [X([3, 4])], [[0], [1]]],
  ['take_along_axis', (a, i) => mx.take_along_axis(a, i, 1), [X([3, 2, 4]), I([[[0, 3]], [[1, 1]], [[2, 0]]])], [[0, 0], [null, 0], [0, null]]],
  ['take_along_axis', (a, i) => mx.take_along_axis(a, i, 0), [X([3, 4, 3]), I([[[1, 0, 3]], [[3, 3, 2]], [[0, 1, 2]]])], [[1, 0], [-1, null]]],
  ['put_along_axis', (a, i, v) => mx.put_along_axis(a, i, v, 1), [X([3, 2, 4]), I([[[0], [3]], [[1], [2]], [[3], [3]]]), X([3, 2, 1])],
    [[0, 0, 0], [null, 0, 0], [0, null, null], [0, 0, null], [1, 0, 2]]],
  ['diagonal', (a) => mx.diagonal(a, 1), [X([3, 4, 5])], [[0], [1], [2]]],
  ['diag', (a) => mx.diag(a), [X([3, 4])], [[0], [1]]],
  ['diag', (a) => mx.diag(a, -1), [X([3, 3, 3])], [[0], [2]]],
  ['slice', (a, st) => mx.slice(a, st, [0], [2, 3]), [X([5, 4, 3]), I([[0], [1], [2], [-2], [0]])], [[0, 0], [null, 0], [0, null]]],
  ['slice', (a, st) => mx.slice(a, st, [1, 0], [2, 2]), [X([3, 4, 3]), I([[1, 0], [0, 2], [1, 1]])], [[2, 0], [null, 0], [1, null]]],
  ['slice_update', (a, u, st) => mx.slice_update(a, u, st, [1]), [X([5, 4, 3]), X([5, 4, 2]), I([[0], [1], [1], [0], [-2]])],
    [[0, 0, 0], [0, 0, null], [null, 0, 0], [0, null, 0], [null, null, 0]]],
  ['slice_update', (a, u, st) => mx.slice_update(a, u, st, [0, 1]), [X([3, 4, 3]), X([3, 2, 2]), I([[0, 1], [2, 0], [1, 1]])],
    [[2, 0, 0], [null, 0, 0], [2, null, null]]],
  ['get', (a) => a.get('1:3', '::-1'), [X([3, 4, 2])], [[0], [1], [-1]]],
  ['get', (a) => a.get(0, null, '...'), [X([3, 4, 2])], [[0], [2]]],
  ['get', (a, i) => a.get(i, '1:'), [X([3, 4, 3]), I([[0, 2], [1, 1], [3, 0]])], [[0, 0], [1, 0], [null, 0], [2, null]]],
  ['get', (a, i) => a.get(i, ':', I([1, 0])), [X([3, 4, 2, 2]), I([[0, 3], [1, 1], [2, 0]])], [[2, 0], [null, 0], [0, null]]],
  ['set', (a, v) => setOn(a, '1:3', v), [X([3, 4, 2]), X([3, 2])], [[0, 1], [1, null], [null, 0], [2, 0]]],
  ['set', (a, v) => setOn(a, I([0, 2]), v), [X([3, 4, 2]), X([3, 2])], [[0, 0], [0, null], [null, 0], [1, 0]]],
  ['set', (a, m) => setOn(a, m, 7), [X([5, 4]), mx.array([[true, false, true, false], [false, false, false, true],
    [true, true, true, true], [false, false, false, false], [true, false, false, false]])], [[0, 0], [null, 0]]],
  ['set', (a, v) => setOn(a, mx.array([true, false, true]), v), [X([3, 3, 2]), X([3, 2, 2])], [[0, 0], [1, null], [null, 0]]],
  ['at', (a, v) => a.at(I([0, 2, 0])).add(v), [X([3, 4, 2]), X([3, 3, 2])], [[0, 0], [1, 0], [null, 0], [0, null]]],
  ['at', (a, v) => a.at(I([1, 1])).maximum(v), [X([3, 4, 2]), X([3, 2, 2])], [[0, 0], [2, 1]]],
  ['at', (a, v) => a.at(I([1, 0])).multiply(v), [X([3, 4]), X([3, 2])], [[0, 0], [1, null]]],
  ['full_like', (a, v) => mx.full_like(a, v), [X([3, 2]), X([3])], [[0, 0], [1, null], [null, 0]]],
  ['meshgrid', (a, b) => mx.meshgrid(a, b)[1], [X([3, 2]), X([3, 4])], [[0, 0], [0, null]]],
  ['tril', (a) => mx.tril(a, 1), [X([3, 4, 5])], [[0], [1], [2]]],
  ['triu', (a) => mx.triu(a), [X([2, 3, 4, 5])], [[0], [2], [-1]]],
  ['view', (a) => mx.view(a, mx.uint8).astype(mx.float32), [rand([3, 4], -1, 1, mx.float32)], [[0], [1]]],
  ['view', (a) => mx.view(a, mx.int32).astype(mx.float32), [rand([3, 4], -1, 1, mx.float16)], [[0], [1]]],
  ['to_fp8', (a) => mx.to_fp8(a).astype(mx.float32), [rand([3, 4], -1, 1, mx.float32)], [[0], [1]]],
  ['from_fp8', (a) => mx.from_fp8(a, mx.float32), [mx.array([[0, 56, 200, 126], [1, 64, 254, 8], [77, 9, 10, 11]], mx.uint8)], [[0], [1]]],
];
for (const [name, make] of Object.entries(CONSTANT)) {
  VMAP.push([name, (a) => mx.multiply(a, make()), [X([4, 3, 3])], [[0]]]);
}

// ---- tests ---------------------------------------------------------------------------------------

test('gradient check: vjp and jvp against central differences (float64)', (t) => {
  let n = 0;
  for (const [name, cases] of GRAD) {
    cases.forEach(([f, xs], i) => {
      try {
        checkDerivatives(f, xs);
      } catch (e) {
        e.message = `${name} case ${i}: ${e.message}`;
        throw e;
      }
      n++;
    });
  }
  t.diagnostic(`${GRAD.length} ops, ${n} cases`);
});

test('gradient check in float32 (looser tolerance), gradients keep float32', () => {
  const cases = [
    ['get', (a) => a.get(I([2, 0, 2]), '::-1'), [4, 3]],
    ['at', (a) => a.at(I([1, 1])).add(mx.array([1, 2, 3], mx.float32)), [3, 3]],
    ['pad', (a) => mx.pad(a, [[2, 1], [1, 1]], { mode: 'reflect' }), [3, 3]],
    ['take_along_axis', (a) => mx.take_along_axis(a, I([[2], [0], [1]]), 1), [3, 3]],
    ['concatenate', (a) => mx.concatenate([a, mx.flip(a, 0)], 1), [3, 2]],
    ['as_strided', (a) => mx.as_strided(a, [2, 3], [1, 1]), [4]],
    ['slice', (a) => mx.slice(a, I([1]), [1], [2, 2]), [2, 4]],
    ['tril', (a) => mx.tril(a), [3, 3]],
  ];
  for (const [name, f, shape] of cases) {
    const x = rand(shape, -1, 1, mx.float32);
    try {
      checkDerivatives(f, [x], { dtype: mx.float32, rtol: 2e-2, atol: 2e-3, h: 1e-3 });
    } catch (e) {
      e.message = `${name} (float32): ${e.message}`;
      throw e;
    }
    const g = mx.grad((a) => mx.sum(f(a)))(x);
    assert.equal(g.dtype, mx.float32, name);
  }
});

test('vmap against a loop over the batch', (t) => {
  let n = 0;
  for (const [name, fun, inputs, axesList] of VMAP) {
    for (const axes of axesList) {
      // Move each batched input's batch (its first dim as listed) to the axis under test.
      const ins = inputs.map((x, k) => (axes[k] === null ? x.get(0) : mx.moveaxis(x, 0, axes[k])));
      checkVmap(fun, ins, axes, `${name} in_axes ${JSON.stringify(axes)}`);
      n++;
    }
  }
  t.diagnostic(`${new Set(VMAP.map((v) => v[0])).size} ops, ${n} vmap checks`);
});

test('hand-worked values: scatter-add of a gather, set, at.maximum ties, masked set', () => {
  // take with repeated indices: the cotangent of a row taken twice adds up.
  const g = mx.grad((a) => mx.sum(mx.multiply(mx.take(a, I([1, 1, 0]), 0), mx.array([[1], [2], [4]], mx.float32))))(
    mx.zeros([3, 2], mx.float32));
  assert.deepEqual(g.tolist(), [[4, 4], [3, 3], [0, 0]]);
  // set: the overwritten positions get no gradient, the values get theirs.
  const [, gs] = mx.vjp((a, v) => setOn(a, I([2, 0]), v), [mx.zeros([3], mx.float32), mx.zeros([2], mx.float32)],
    [mx.array([1, 2, 3], mx.float32)]);
  assert.deepEqual(gs[0].tolist(), [0, 2, 0]);
  assert.deepEqual(gs[1].tolist(), [3, 1]);
  // at.maximum: where input and update tie both get the cotangent (MLX's rule).
  const [, gm] = mx.vjp((a, v) => a.at(I([0, 1])).maximum(v), [mx.array([1, 5], mx.float32), mx.array([1, 2], mx.float32)],
    [mx.array([10, 20], mx.float32)]);
  assert.deepEqual(gm[0].tolist(), [10, 20]);
  assert.deepEqual(gm[1].tolist(), [10, 0]);
  // masked set: the k-th true position takes values[k], so its cotangent goes back there.
  const [, gk] = mx.vjp((a, v) => setOn(a, mx.array([false, true, true, false]), v),
    [mx.zeros([4], mx.float32), mx.zeros([3], mx.float32)], [mx.array([1, 2, 3, 4], mx.float32)]);
  assert.deepEqual(gk[0].tolist(), [1, 0, 0, 4]);
  assert.deepEqual(gk[1].tolist(), [2, 3, 0]);
  // pad reflect: each input position collects the cotangents of its mirror images.
  const gp = mx.grad((a) => mx.sum(mx.multiply(mx.pad(a, [[2, 2]], { mode: 'reflect' }), mx.arange(7).astype(mx.float32))))(
    mx.zeros([3], mx.float32));
  // padded = [a2 a1 a0 a1 a2 a1 a0] weighted 0..6
  assert.deepEqual(gp.tolist(), [2 + 6, 1 + 3 + 5, 0 + 4]);
  // jvp of a dynamic slice is the same slice of the tangent.
  const [, jt] = mx.jvp((a) => mx.slice(a, I([2]), [0], [2]), [mx.zeros([4], mx.float32)], [mx.array([1, 2, 3, 4], mx.float32)]);
  assert.deepEqual(jt[0].tolist(), [3, 4]);
});

test('size-0 dims, integer and bool arrays, a batch of one, the stream argument', () => {
  const zeros = (x) => Array.from(f64(x)).every((v) => v === 0);
  // Size-0 results and inputs: gradients of the right shape, all zero.
  const a = rand([3, 2]);
  for (const [name, f] of [
    ['get', (x) => x.get('2:0')],
    ['take', (x) => mx.take(x, mx.array([], mx.int32), 0)],
    ['slice', (x) => mx.slice(x, I([1]), [0], [0, 2])],
    ['at', (x) => x.at(mx.array([], mx.int32)).add(1)],
  ]) {
    const g = mx.grad((x) => mx.sum(mx.multiply(f(x), 2)))(a);
    assert.deepEqual(g.shape, [3, 2], name);
    assert.ok(name === 'at' ? Array.from(f64(g)).every((v) => v === 2) : zeros(g), name);
  }
  const [, gc] = mx.vjp((x, y) => mx.concatenate([x, y], 0), [a, mx.zeros([0, 2], mx.float64)], [mx.ones([3, 2], mx.float64)]);
  assert.deepEqual(gc[1].shape, [0, 2]);
  assert.deepEqual(gc[0].tolist(), [[1, 1], [1, 1], [1, 1]]);
  const gp = mx.grad((x) => mx.sum(mx.pad(x, 1)))(mx.zeros([0, 2], mx.float64));
  assert.deepEqual(gp.shape, [0, 2]);
  // Integer and bool arrays through the batched gather/scatter rules.
  const ints = mx.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], mx.int32);
  checkVmap((x, i) => mx.take(x, i, 0), [ints, I([[3, 0], [1, 1], [2, 2]])], [0, 0], 'take int32');
  checkVmap((x) => x.at(I([0, 0])).add(7), [ints], [1], 'at.add int32');
  const bools = mx.array([[true, false, true], [false, false, true]]);
  checkVmap((x) => setOn(x, I([2]), false), [bools], [0], 'set bool');
  checkVmap((x) => mx.pad(x, [[1, 1]], { mode: 'reflect' }), [bools], [1], 'pad bool');
  // A batch of one.
  checkVmap((x, i) => mx.take_along_axis(x, i, 0), [rand([1, 3]), I([[2, 0, 1, 1]])], [0, 0], 'batch of one');
  // The stream argument: the rules run on the primitive's stream.
  const g = mx.grad((x) => mx.sum(mx.take(x, I([1, 1]), 0, { stream: mx.cpu })))(a);
  assert.deepEqual(g.tolist(), [[0, 0], [2, 2], [0, 0]]);
  // jvp of the pad constant alone: the border moves with it.
  const [, jp] = mx.jvp((v) => mx.pad(mx.ones([2], mx.float64), 1, { constant_values: v }), [mx.array(3, mx.float64)],
    [mx.array(0.5, mx.float64)]);
  assert.deepEqual(jp[0].tolist(), [0.5, 0, 0, 0.5]);
});

test('index arguments on the differentiated path raise MLX\'s error; stop_gradient lets the gradient through', () => {
  const x = mx.array([0.3, 0.1, 0.2], mx.float32);
  const cases = [
    ['gather', (a, idx) => a.get(idx)],
    ['gather', (a, idx) => mx.take(a, idx, 0)],
    ['gather_axis', (a, idx) => mx.take_along_axis(a, idx, 0)],
    ['scatter', (a, idx) => a.at(idx).add(a)],
    ['scatter', (a, idx) => setOn(mx.zeros([3], mx.float32), idx, a)],
    ['scatter_axis', (a, idx) => mx.put_along_axis(mx.zeros([3], mx.float32), idx, a, 0)],
    ['slice', (a, idx) => mx.slice(a, mx.take(idx, I([0])), [0], [1])],
    ['slice_update', (a, idx) => mx.slice_update(a, mx.array([1], mx.float32), mx.take(idx, I([0])), [0])],
  ];
  for (const [op, f] of cases) {
    const loss = (a, stop) => {
      const idx = mx.argsort(a);
      return mx.sum(f(a, stop ? mx.stop_gradient(idx) : idx));
    };
    throwsWith(() => mx.grad((a) => loss(a, false))(x), Error,
      new RegExp(`\\[${op}\\] Cannot calculate VJP with respect to indices\\. Use stop_gradient on indices to stop gradients from being computed\\.`), op);
    const g = mx.grad((a) => loss(a, true))(x);
    assert.equal(g.shape.length, 1, op);
  }
  // The same with a mask.
  throwsWith(() => mx.grad((a) => mx.sum(setOn(a, mx.greater(a, 0.15), 0)))(x), Error,
    /\[masked_scatter\] Cannot calculate VJP with respect to mask\. Use stop_gradient on mask/);
  const gm = mx.grad((a) => mx.sum(setOn(a, mx.stop_gradient(mx.greater(a, 0.15)), 0)))(x);
  assert.deepEqual(gm.tolist(), [0, 1, 0]);
  // jvp with a tangent on the indices.
  const xi = mx.array([2, 0], mx.int32);
  throwsWith(() => mx.jvp((a, i) => mx.take(a, i, 0), [x, xi], [x, xi]), Error,
    /\[gather\] Cannot calculate JVP with respect to indices\./);
  throwsWith(() => mx.jvp((a, i) => mx.take_along_axis(a, i, 0), [x, xi], [x, xi]), Error,
    /\[gather_axis\] Cannot calculate JVP with respect to indices\./);
  throwsWith(() => mx.jvp((a, i) => a.at(i).add(1), [x, xi], [x, xi]), Error,
    /\[scatter\] Cannot calculate JVP with respect to indices\./);
  throwsWith(() => mx.jvp((a, i) => mx.put_along_axis(a, i, 1, 0), [x, xi], [x, xi]), Error,
    /\[scatter_axis\] Cannot calculate JVP with respect to indices\./);
  throwsWith(() => mx.jvp((a, i) => mx.slice(a, i, [0], [1]), [x, I([1])], [x, I([1])]), Error,
    /\[slice\] Cannot calculate JVP with respect to indices\./);
});

test('no derivative in MLX: scatter-prod (at.multiply / at.divide), view and the fp8 conversions', () => {
  const x = rand([3], 0.5, 1, mx.float32);
  for (const op of ['multiply', 'divide']) {
    throwsWith(() => mx.grad((a) => mx.sum(a.at(I([0, 0]))[op](2)))(x), Error,
      /\[scatter\] VJP not implemented for scatter_prod/, op);
    throwsWith(() => mx.jvp((a) => a.at(I([1]))[op](2), [x], [x]), Error, /\[scatter\] JVP not implemented for scatter_prod/, op);
  }
  for (const [name, [f, vjpRe, jvpRe]] of Object.entries(NO_DERIVATIVE)) {
    throwsWith(() => mx.grad((a) => mx.sum(f(a)))(x), Error, vjpRe, name);
    throwsWith(() => mx.jvp(f, [x], [x]), Error, jvpRe, name);
  }
});

test('constants (no inputs) inside transforms: zero derivative, unbatched under vmap', () => {
  for (const [name, make] of Object.entries(CONSTANT)) {
    const c = make();
    const f = (a) => mx.multiply(mx.square(a), c);
    checkDerivatives(f, [rand(c.shape)]);
    // d sum(a * c) / da = c: the constant passes through unchanged.
    const g = mx.grad((a) => mx.sum(mx.multiply(a, make())))(rand(c.shape));
    assert.deepEqual(Array.from(f64(g)), Array.from(f64(c)), name);
  }
  // full_like: the array argument only gives the shape.
  const [, gs] = mx.vjp((a, v) => mx.full_like(a, v), [rand([2, 3]), rand([3])], [mx.ones([2, 3], mx.float64)]);
  assert.deepEqual(gs[0].tolist(), [[0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(gs[1].tolist(), [2, 2, 2]);
});

test('second derivatives and vmap of grad through the rules', () => {
  const cube = (f) => (a) => mx.sum(mx.power(f(a), 3));
  const fs = [
    (a) => a.get(I([0, 2, 2]), '1:'),
    (a) => a.at(I([1, 1])).add(a.get('0:2')),
    (a) => mx.pad(a, [[1, 2], [2, 0]], { mode: 'symmetric' }),
    (a) => mx.slice_update(a, mx.multiply(a.get('1:3', ':'), 2), I([0]), [0]),
    (a) => mx.take_along_axis(a, I([[1], [0], [2], [1]]), 1),
    (a) => mx.concatenate([a, mx.expand_dims(mx.diagonal(a), 0)], 0),
  ];
  for (const [k, f] of fs.entries()) {
    const x = rand([4, 3]);
    // The gradient's jvp against finite differences of the gradient.
    checkDerivatives((a) => mx.grad(cube(f))(a), [x], { rtol: 1e-5, atol: 1e-6 });
    // vmap of grad against a loop.
    checkVmap((a) => mx.grad(cube(f))(a), [rand([2, 4, 3])], [0], `vmap of grad ${k}`);
  }
});

test('shapeless compile: output shapes inferred from the new input shapes', () => {
  const R = (s) => rand(s, -1, 1, mx.float32);
  const cases = [
    [(a, b) => mx.concatenate([a, b], 1), [R([2, 3]), R([2, 1])], [R([3, 2]), R([3, 4])]],
    [(a) => mx.pad(a, [[1, 2], [0, 1]], { mode: 'edge' }), [R([2, 3])], [R([4, 1])]],
    [(a, i) => mx.take_along_axis(a, i, 1), [R([2, 3]), I([[2], [0]])], [R([3, 5]), I([[4, 1], [0, 0], [3, 2]])]],
    [(a) => mx.tril(mx.contiguous(a)), [R([3, 3])], [R([2, 4])]],
  ];
  for (const [k, [f, s1, s2]] of cases.entries()) {
    let traces = 0;
    const g = mx.compile((...a) => { traces++; return f(...a); }, { shapeless: true });
    for (const xs of [s1, s2]) {
      const got = g(...xs), want = f(...xs);
      assert.deepEqual(got.shape, want.shape, `case ${k}`);
      assert.deepEqual(got.tolist(), want.tolist(), `case ${k}`);
    }
    assert.equal(traces, 1, `case ${k}: no retrace`);
  }
});

test('every op of the shape, indexing and creation groups has a gradient check (or MLX\'s no-derivative error) and a vmap check', (t) => {
  const names = [...require('../../lib/ops_shape').NAMES, ...require('../../lib/ops_index').NAMES,
    ...require('../../lib/ops_creation').NAMES, 'get', 'set', 'at'];
  const graded = new Set(GRAD.map(([n]) => n));
  const vmapped = new Set(VMAP.map(([n]) => n));
  const missingGrad = [], missingVmap = [];
  for (const n of names) {
    if (NOT_ARRAY_OPS.has(n)) continue;
    if (!graded.has(n) && !(n in NO_DERIVATIVE) && !(n in CONSTANT)) missingGrad.push(n);
    if (!vmapped.has(n)) missingVmap.push(n);
  }
  assert.deepEqual(missingGrad, [], 'ops without a gradient check');
  assert.deepEqual(missingVmap, [], 'ops without a vmap check');
  t.diagnostic(`${names.length - NOT_ARRAY_OPS.size} ops: ${graded.size} with gradient checks, ` +
    `${Object.keys(CONSTANT).length} constants, ${Object.keys(NO_DERIVATIVE).length} without derivative (MLX), ` +
    `${vmapped.size} with vmap checks; not array functions: ${[...NOT_ARRAY_OPS].join(', ')}`);
});
