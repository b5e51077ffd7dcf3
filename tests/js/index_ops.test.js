'use strict';
// The indexing functions (take, take_along_axis, put_along_axis, diagonal, diag, slice,
// slice_update) against numpy: every dtype, every integer index dtype, negative indices, axes
// (negative too, None), size-0 dims, non-contiguous inputs, the stream argument, keyword
// arguments and every error.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { NumpyBatch, NP_NAME } = require('./helpers/numpy');
const { ALL_DTYPES, assertArray, assertNumpy, throwsWith } = require('./helpers/check');

const np = new NumpyBatch();
const INDEX_DTYPES = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];

function values(k, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const v = ((i * 7) % 13) - 6;
    if (k === 'bool_') out.push(i % 3 !== 0);
    else if (k === 'uint64') out.push(BigInt(v + 6) * 1000000000000n);
    else if (k === 'int64') out.push(BigInt(v) * 1000000000000n + 1n);
    else if (k.startsWith('uint')) out.push(v + 6);
    else if (k.startsWith('int')) out.push(v);
    else if (k === 'complex64') out.push({ re: v / 4, im: (i % 5) - 2 });
    else out.push(v / 4);
  }
  return out;
}
const size = (shape) => shape.reduce((a, b) => a * b, 1);
const mk = (k, shape) => mx.array(values(k, size(shape)), mx[k]).reshape(shape);
const idx = (list, k = 'int32') => mx.array(list, mx[k]);

const cases = [];
const q = (name, got, expr, vars, dtype) => cases.push({ name, got, h: np.eval(expr, vars), dtype });

// take: every value dtype, flattened and along each axis (negative indices).
for (const k of ALL_DTYPES) {
  const a = mk(k, [3, 4, 5]);
  const i = idx([[0, -1], [2, 1]]);
  q(`take ${k} axis=None`, mx.take(a, i), 'np.take(a, i)', { a, i }, mx[k]);
  for (const ax of [0, 1, 2, -1, -3]) q(`take ${k} axis=${ax}`, mx.take(a, i, ax), `np.take(a, i, axis=${ax})`, { a, i }, mx[k]);
  q(`take ${k} int`, mx.take(a, -2, 1), 'np.take(a, -2, axis=1)', { a }, mx[k]);
  const t = idx([[[1], [0], [3], [2]]]);
  q(`take_along_axis ${k}`, mx.take_along_axis(a, t, 1), 'np.take_along_axis(a, t, axis=1)', { a, t }, mx[k]);
  const p = idx([[[2], [0], [1], [2]]]);
  const pv = mk(k, [1, 4, 1]);
  q(`put_along_axis ${k}`, mx.put_along_axis(a, p, pv, 2), 'np.put_along_axis(b := a.copy(), p, pv, axis=2) or b', { a, p, pv }, mx[k]);
  q(`diagonal ${k}`, mx.diagonal(a, 1, 2, 0), 'np.diagonal(a, 1, 2, 0)', { a }, mx[k]);
  const d1 = mk(k, [4]);
  q(`diag 1-D ${k} k=-2`, mx.diag(d1, -2), 'np.diag(d1, -2)', { d1 }, mx[k]);
  const d2 = mk(k, [3, 5]);
  q(`diag 2-D ${k} k=2`, mx.diag(d2, 2), 'np.diag(d2, 2)', { d2 }, mx[k]);
}

// Every integer index dtype, with negative indices where signed.
for (const ik of INDEX_DTYPES) {
  const a = mk('float32', [6, 4]);
  const list = ik.startsWith('u') ? [5, 0, 3, 3] : [-1, 0, 3, -6];
  const i = idx(list, ik);
  q(`take index ${ik}`, mx.take(a, i, 0), 'np.take(a, i.astype(np.int64), axis=0)', { a, i }, mx.float32);
  const l2 = ik.startsWith('u') ? [3, 0, 2] : [-1, 0, -4];
  q(`take index ${ik} axis 1`, mx.take(a, idx(l2, ik), 1), `np.take(a, np.array(${JSON.stringify(l2)}), axis=1)`, { a }, mx.float32);
  const t = idx([[0, 3], [1, 2], [3, 3], [0, 0], [2, 1], [1, 1]], ik);
  q(`take_along_axis index ${ik}`, mx.take_along_axis(a, t, -1), 'np.take_along_axis(a, t.astype(np.int64), axis=-1)', { a, t }, mx.float32);
  q(`put_along_axis index ${ik}`, mx.put_along_axis(a, t, 9, 1), 'np.put_along_axis(b := a.copy(), t.astype(np.int64), 9, axis=1) or b', { a, t }, mx.float32);
}

// Non-contiguous inputs (transposed, sliced with steps, broadcast) and size-0 dims.
{
  const base = mk('int32', [4, 6]);
  const tr = base.T;  // (6, 4)
  const i = idx([3, 0, 5]);
  q('take transposed axis 0', mx.take(tr, i, 0), 'np.take(b.T, i, axis=0)', { b: base, i }, mx.int32);
  q('take transposed axis 1', mx.take(tr, idx([1, 3]), 1), 'np.take(b.T, [1, 3], axis=1)', { b: base }, mx.int32);
  const st = base.get('::-1', '::2');  // (4, 3) with negative and step strides
  q('take strided view', mx.take(st, idx([2, 0]), 1), 'np.take(b[::-1, ::2], [2, 0], axis=1)', { b: base }, mx.int32);
  q('take_along_axis strided', mx.take_along_axis(st, idx([[0], [2], [1], [0]]), 1),
    'np.take_along_axis(b[::-1, ::2], np.array([[0], [2], [1], [0]]), axis=1)', { b: base }, mx.int32);
  const bc = mx.broadcast_to(mx.arange(5), [3, 5]);
  q('take broadcast', mx.take(bc, idx([4, 1]), 1), 'np.take(np.broadcast_to(np.arange(5), (3, 5)), [4, 1], axis=1)', {}, mx.int32);
  q('diagonal transposed', mx.diagonal(tr), 'np.diagonal(b.T)', { b: base }, mx.int32);
  q('diagonal strided', mx.diagonal(st, -1), 'np.diagonal(b[::-1, ::2], -1)', { b: base }, mx.int32);
  const e = mx.zeros([0, 3]);
  q('take empty indices', mx.take(base, idx([]), 0), 'np.take(b, np.array([], dtype=np.int64), axis=0)', { b: base }, mx.int32);
  q('take from size-0', mx.take(e, idx([1]), 1), 'np.take(np.zeros((0, 3), np.float32), [1], axis=1)', {}, mx.float32);
  q('diagonal size-0', mx.diagonal(e), 'np.diagonal(np.zeros((0, 3), np.float32))', {}, mx.float32);
  q('diagonal offset past the end', mx.diagonal(base, 7), 'np.diagonal(b, 7)', { b: base }, mx.int32);
  q('diag of empty', mx.diag(mx.zeros([0])), 'np.diag(np.zeros(0, np.float32))', {}, mx.float32);
  q('put_along_axis axis=None', mx.put_along_axis(base, idx([23, 0, -1]), idx([7, 8, 9]), null),
    'np.put_along_axis(c := b.copy().ravel(), np.array([23, 0, -1]), np.array([7, 8, 9]), axis=None) or c.reshape(4, 6)', { b: base }, mx.int32);
  q('take_along_axis axis=None', mx.take_along_axis(base, idx([5, -1, 0])), 'np.take_along_axis(b, np.array([5, -1, 0]), axis=None)', { b: base }, mx.int32);
  q('take_along_axis broadcast', mx.take_along_axis(mk('int32', [3, 1, 4]), idx([[[3, 0]], [[1, 1]]]).reshape([1, 2, 2]), 2),
    'np.take_along_axis(np.broadcast_to(a, (3, 2, 4)), np.broadcast_to(t, (3, 2, 2)), axis=2)',
    { a: mk('int32', [3, 1, 4]), t: idx([3, 0, 1, 1]).reshape([1, 2, 2]) }, mx.int32);
  q('diagonal 4-D', mx.diagonal(mk('int16', [2, 3, 4, 5]), -1, 3, 1), 'np.diagonal(a, -1, 3, 1)', { a: mk('int16', [2, 3, 4, 5]) }, mx.int16);
}

// Dynamic slice / slice_update.
{
  const a = mk('float32', [4, 5, 6]);
  q('slice', mx.slice(a, idx([1, 2]), [0, 2], [2, 5, 3]), 'a[1:3, :, 2:5]', { a }, mx.float32);
  q('slice 0-d start', mx.slice(a, mx.array(3), [1], [4, 2, 6]), 'a[:, 3:5, :]', { a }, mx.float32);
  q('slice negative start', mx.slice(a, idx([-2]), [-1], [4, 5, 2]), 'a[:, :, -2:]', { a }, mx.float32);
  q('slice int64 start', mx.slice(a, idx([1], 'int64'), [0], [3, 5, 6]), 'a[1:4]', { a }, mx.float32);
  const u = mk('int32', [2, 3]);
  q('slice_update', mx.slice_update(a, u, idx([1, 2]), [1, 2]),
    'b.__setitem__((slice(None), slice(1, 3), slice(2, 5)), u.astype(np.float32)) or b', { b: a, u }, mx.float32);
  q('slice_update full-rank update', mx.slice_update(a, mx.ones([1, 1, 6]), idx([3, 4]), [0, 1]),
    'b.__setitem__((3, 4), 1) or b', { b: a }, mx.float32);
}

np.run();

test('take / take_along_axis / put_along_axis / diagonal / diag / slice / slice_update against numpy', () => {
  assert.ok(cases.length > 150);
  for (const c of cases) assertNumpy(c.got, c.h, { dtype: c.dtype, msg: c.name });
});

test('take: an integer index is a view of the input (no copy)', () => {
  const a = mx.arange(12).reshape([3, 4]);
  a.eval();
  const r = mx.take(a, 1, 0);
  assertArray(r, { dtype: mx.int32, shape: [4], values: [4, 5, 6, 7] });
  assertArray(mx.take(a, -1), { shape: [], values: 11 });
  assertArray(mx.take(a, 3n, 1), { shape: [3], values: [3, 7, 11] });
});

test('repeated indices: put_along_axis takes the last write', () => {
  const a = mx.zeros([5], mx.int32);
  assertArray(mx.put_along_axis(a, idx([1, 1, 1, 3]), idx([4, 5, 6, 7]), 0), { values: [0, 6, 0, 7, 0] });
});

test('keyword arguments and the stream argument', () => {
  const a = mx.arange(12).reshape([3, 4]);
  const s = mx.new_stream(mx.cpu);
  assertArray(mx.take(a, idx([0, 2]), { axis: 1, stream: s }), { shape: [3, 2], values: [[0, 2], [4, 6], [8, 10]] });
  assertArray(mx.take(a, { indices: idx([1]), stream: mx.cpu }), { values: [1] });
  assertArray(mx.take_along_axis(a, idx([[1], [2], [3]]), { axis: 1, stream: mx.cpu }), { values: [[1], [6], [11]] });
  assertArray(mx.put_along_axis(a, idx([[0]]), 9, { axis: 0, stream: s }).get(0), { values: [9, 9, 9, 9] });
  assertArray(mx.diagonal(a, { offset: 1, stream: mx.cpu }), { values: [1, 6, 11] });
  assertArray(mx.diagonal(a, 0, 1, 0, s), { values: [0, 5, 10] });
  assertArray(mx.diag(a, { k: -1, stream: s }), { values: [4, 9] });
  assertArray(mx.slice(a, idx([1]), [1], [3, 2], { stream: s }), { values: [[1, 2], [5, 6], [9, 10]] });
  assertArray(mx.slice_update(a, mx.array([[-1]]), { start_indices: idx([2, 3]), axes: [0, 1], stream: mx.cpu }).get(2),
    { values: [8, 9, 10, -1] });
  assertArray(a.diagonal(), { values: [0, 5, 10] });
  assertArray(a.diagonal(1, { axis1: 1, axis2: 0 }), { values: [4, 9] });
  assertArray(a.diag({ k: 1 }), { values: [1, 6, 11] });
  assertArray(mx.arange(2).diag(), { values: [[0, 0], [0, 1]] });
  assertArray(a.diagonal({ stream: s }), { values: [0, 5, 10] });
});

test('put_along_axis follows MLX: values cast to the array dtype, leading size-1 dims dropped', () => {
  const a = mx.zeros([2, 3], mx.int8);
  const r = mx.put_along_axis(a, idx([[0], [2]]), mx.array([[[1.9], [-2.9]]]), 1);
  assertArray(r, { dtype: mx.int8, values: [[1, 0, 0], [0, 0, -2]] });
  // A scalar JS value converts as mx.array(x) (array-typed parameter), then casts.
  assertArray(mx.put_along_axis(mx.zeros([2], mx.uint8), idx([1]), 257, 0), { values: [0, 1] });
});

test('errors', () => {
  const a = mx.arange(12).reshape([3, 4]);
  throwsWith(() => mx.take(a, idx([0]), 2), RangeError, /\[take\] Invalid axis 2/);
  throwsWith(() => mx.take(a, 12), RangeError, /\[take\] Index 12 is out of bounds for axis 0 with size 12/);
  throwsWith(() => mx.take(a, -5, 1), RangeError, /\[take\] Index -5 is out of bounds/);
  throwsWith(() => mx.take(a, mx.array([0.5])), Error, /\[take\] Got indices with invalid dtype/);
  throwsWith(() => mx.take(a, mx.array([true])), Error, /\[take\] Boolean indices not supported/);
  throwsWith(() => mx.take(a, 1.5), Error, /\[take\] Got indices with invalid dtype/);
  throwsWith(() => mx.take(a, idx([0]), 'x'), TypeError, /\[take\] argument 'axis'/);
  throwsWith(() => mx.take(a, idx([12])).tolist(), RangeError, /\[take\] Index 12 is out of bounds for axis 0 with size 12/);
  throwsWith(() => mx.take(a, idx([-5]), 1).tolist(), RangeError, /\[take\] Index -5 is out of bounds for axis 1 with size 4/);
  throwsWith(() => mx.take(mx.zeros([0, 2]), idx([0]), 0), Error, /\[take\] Cannot do a non-empty take from an empty axis/);
  throwsWith(() => mx.take_along_axis(a, idx([0]), 0), Error, /\[take_along_axis\] Indices of dimension 1 does not match array of dimension 2/);
  throwsWith(() => mx.take_along_axis(a, idx([[0]]), -3), RangeError, /\[take_along_axis\] Invalid axis -3/);
  throwsWith(() => mx.take_along_axis(a, idx([[4]]), 1).tolist(), RangeError, /\[take_along_axis\] Index 4 is out of bounds for axis 1/);
  throwsWith(() => mx.take_along_axis(a, mx.array([[1.5]]), 1), Error, /invalid dtype/);
  throwsWith(() => mx.take_along_axis(a, idx([[0, 1], [0, 1]]), 1), Error, /\[take_along_axis\] Shapes \(3,4\) and \(2,2\) cannot be broadcast/);
  throwsWith(() => mx.put_along_axis(a, idx([[0]]), 1), TypeError, /\[put_along_axis\] missing required argument 'axis'/);
  throwsWith(() => mx.put_along_axis(a, idx([[5]]), 1, 1).tolist(), RangeError, /\[put_along_axis\] Index 5 is out of bounds/);
  throwsWith(() => mx.put_along_axis(a, idx([0]), 1, 0), Error, /\[put_along_axis\] Indices of dimension 1/);
  throwsWith(() => mx.diagonal(mx.arange(3)), Error, /\[diagonal\] Array must have at least two dimensions, but got 1/);
  throwsWith(() => mx.diagonal(a, 0, 0, 2), RangeError, /\[diagonal\] Invalid axis2 2 for array with 2 dimensions/);
  throwsWith(() => mx.diagonal(a, 0, -3, 1), RangeError, /\[diagonal\] Invalid axis1 -3/);
  throwsWith(() => mx.diagonal(a, 0, 1, -1), Error, /\[diagonal\] axis1 and axis2 cannot be the same axis/);
  throwsWith(() => mx.diag(mx.zeros([2, 2, 2])), Error, /\[diag\] Input must be 1-D or 2-D/);
  throwsWith(() => mx.diag(a, 0.5), TypeError, /\[diag\] argument 'k'/);
  throwsWith(() => mx.diag(a, 1, mx.cpu), TypeError, /\[diag\] takes/);
  throwsWith(() => mx.slice(a, idx([0]), [0], [4, 4]), Error, /\[slice\] Invalid slice size/);
  throwsWith(() => mx.slice(a, idx([0]), [0], [1]), Error, /\[slice\] Invalid slice size for array with 2 dimensions/);
  throwsWith(() => mx.slice(a, idx([0, 1]), [0], [1, 1]), Error, /\[slice\] Number of starting indices 2 does not match number of axes 1/);
  throwsWith(() => mx.slice(a, mx.array([0.5]), [0], [1, 1]), Error, /\[slice\] Start indices must be integers, got type float32/);
  throwsWith(() => mx.slice(a, idx([[0]]), [0], [1, 1]), Error, /\[slice\] array of starting indices must be zero or one dimensional/);
  throwsWith(() => mx.slice(a, idx([0, 0]), [1, -1], [1, 1]), Error, /\[slice\] Repeat axes not allowed/);
  throwsWith(() => mx.slice(a, idx([0]), [2], [1, 1]), RangeError, /\[slice\] Invalid axis 2/);
  throwsWith(() => mx.slice(a, idx([3]), [0], [1, 4]).tolist(), RangeError, /\[slice\] Start index 3 on axis 0 does not fit a slice of size 1/);
  throwsWith(() => mx.slice(a, idx([0]), 0, [1, 4]), TypeError, /\[slice\] argument 'axes'/);
  throwsWith(() => mx.slice_update(a, mx.ones([2, 5]), idx([0]), [0]), Error, /\[slice_update\] Cannot broadcast/);
  throwsWith(() => mx.slice_update(a, mx.ones([1, 1]), idx([3, 0]), [0, 1]).tolist(), RangeError, /\[slice_update\] Start index 3/);
  throwsWith(() => mx.slice_update(a, mx.ones([1, 1, 1]), idx([0]), [0]), Error, /\[slice_update\] The update has more dimensions/);
  throwsWith(() => mx.take({ a }, idx([0])), TypeError, /\[take\]/);
});
