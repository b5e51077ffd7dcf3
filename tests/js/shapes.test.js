'use strict';
// Shape ops: reshape, flatten, squeeze, expand_dims, transpose, moveaxis, swapaxes,
// broadcast_to, their array-method forms, and the values of non-contiguous results.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { NumpyBatch, NP_NAME } = require('./helpers/numpy');
const { ALL_DTYPES, assertArray, assertNumpy, throwsWith } = require('./helpers/check');

const np = new NumpyBatch();

// Base arrays built in numpy independently of mx's own shape ops.
const A24 = 'np.arange(24, dtype=np.int32).reshape(2, 3, 4)';
const A12 = 'np.arange(12, dtype=np.int32).reshape(3, 4)';
const a24 = () => mx.arange(24).reshape([2, 3, 4]);
const a12 = () => mx.arange(12).reshape([3, 4]);

// [label, thunk, numpy expression]
const CASES = [
  ['base arange(24).reshape(2,3,4)', () => a24(), A24],
  ['reshape [3,4] -> [4,3]', () => mx.reshape(a12(), [4, 3]), `${A12}.reshape(4, 3)`],
  ['reshape [2,-1]', () => mx.reshape(a12(), [2, -1]), `${A12}.reshape(2, -1)`],
  ['reshape [-1]', () => mx.reshape(a24(), [-1]), `${A24}.reshape(-1)`],
  ['reshape [-1, 1, 3]', () => mx.reshape(a12(), [-1, 1, 3]), `${A12}.reshape(-1, 1, 3)`],
  ['reshape [2, 3, 2]', () => mx.reshape(a12(), [2, 3, 2]), `${A12}.reshape(2, 3, 2)`],
  ['reshape size-1 to []', () => mx.reshape(mx.array([5]), []), 'np.array([5], dtype=np.int32).reshape(())'],
  ['reshape 0-size [0,3] -> [3,0]', () => mx.reshape(mx.zeros([0, 3], mx.int32), [3, 0]), 'np.zeros((0, 3), dtype=np.int32).reshape(3, 0)'],
  ['reshape 0-size [0,3] -> [-1, 3]', () => mx.reshape(mx.zeros([0, 3], mx.int32), [-1, 3]), 'np.zeros((0, 3), dtype=np.int32).reshape(-1, 3)'],
  ['flatten default', () => mx.flatten(a24()), `${A24}.reshape(-1)`],
  ['flatten(1)', () => mx.flatten(a24(), 1), `${A24}.reshape(2, 12)`],
  ['flatten(0, 1)', () => mx.flatten(a24(), 0, 1), `${A24}.reshape(6, 4)`],
  ['flatten(-2, -1)', () => mx.flatten(a24(), -2, -1), `${A24}.reshape(2, 12)`],
  ['flatten(1, 1)', () => mx.flatten(a24(), 1, 1), A24],
  ['flatten({start_axis: 1, end_axis: 2})', () => mx.flatten(a24(), { start_axis: 1, end_axis: 2 }), `${A24}.reshape(2, 12)`],
  ['flatten of 0-d', () => mx.flatten(mx.array(7)), 'np.array([7], dtype=np.int32)'],
  ['squeeze all', () => mx.squeeze(mx.reshape(a12(), [1, 3, 1, 4, 1])), `${A12}.reshape(1, 3, 1, 4, 1).squeeze()`],
  ['squeeze axis 0', () => mx.squeeze(mx.reshape(a12(), [1, 3, 1, 4]), 0), `${A12}.reshape(1, 3, 1, 4).squeeze(0)`],
  ['squeeze axes [0, 2]', () => mx.squeeze(mx.reshape(a12(), [1, 3, 1, 4]), [0, 2]), `${A12}.reshape(1, 3, 1, 4).squeeze((0, 2))`],
  ['squeeze axis -2', () => mx.squeeze(mx.reshape(a12(), [1, 3, 1, 4]), -2), `${A12}.reshape(1, 3, 1, 4).squeeze(-2)`],
  ['squeeze [1,1] to 0-d', () => mx.squeeze(mx.array([[9]])), 'np.array([[9]], dtype=np.int32).squeeze()'],
  ['expand_dims 0', () => mx.expand_dims(a12(), 0), `np.expand_dims(${A12}, 0)`],
  ['expand_dims -1', () => mx.expand_dims(a12(), -1), `np.expand_dims(${A12}, -1)`],
  ['expand_dims [0, 2]', () => mx.expand_dims(a12(), [0, 2]), `np.expand_dims(${A12}, (0, 2))`],
  ['expand_dims [-1, 0]', () => mx.expand_dims(a12(), [-1, 0]), `np.expand_dims(${A12}, (-1, 0))`],
  ['expand_dims [1, 3, 4]', () => mx.expand_dims(a12(), [1, 3, 4]), `np.expand_dims(${A12}, (1, 3, 4))`],
  ['expand_dims of 0-d', () => mx.expand_dims(mx.array(3), [0, 1]), 'np.array(3, dtype=np.int32).reshape(1, 1)'],
  ['transpose default 2-D', () => mx.transpose(a12()), `${A12}.T`],
  ['transpose default 3-D', () => mx.transpose(a24()), `np.transpose(${A24})`],
  ['transpose [1, 0, 2]', () => mx.transpose(a24(), [1, 0, 2]), `np.transpose(${A24}, (1, 0, 2))`],
  ['transpose [2, 0, 1]', () => mx.transpose(a24(), [2, 0, 1]), `np.transpose(${A24}, (2, 0, 1))`],
  ['transpose [-1, 0, -2]', () => mx.transpose(a24(), [-1, 0, -2]), `np.transpose(${A24}, (-1, 0, -2))`],
  ['transpose {axes: [0, 2, 1]}', () => mx.transpose(a24(), { axes: [0, 2, 1] }), `np.transpose(${A24}, (0, 2, 1))`],
  ['transpose of 1-D', () => mx.transpose(mx.arange(3)), 'np.arange(3, dtype=np.int32)'],
  ['moveaxis 0 -> 2', () => mx.moveaxis(a24(), 0, 2), `np.moveaxis(${A24}, 0, 2)`],
  ['moveaxis -1 -> 0', () => mx.moveaxis(a24(), -1, 0), `np.moveaxis(${A24}, -1, 0)`],
  ['moveaxis 1 -> -1', () => mx.moveaxis(a24(), 1, -1), `np.moveaxis(${A24}, 1, -1)`],
  ['swapaxes 0, 2', () => mx.swapaxes(a24(), 0, 2), `np.swapaxes(${A24}, 0, 2)`],
  ['swapaxes -1, -3', () => mx.swapaxes(a24(), -1, -3), `np.swapaxes(${A24}, -1, -3)`],
  ['swapaxes 1, 1', () => mx.swapaxes(a24(), 1, 1), A24],
  ['broadcast_to [3] -> [2, 3]', () => mx.broadcast_to(mx.arange(3), [2, 3]), 'np.broadcast_to(np.arange(3, dtype=np.int32), (2, 3))'],
  ['broadcast_to [3, 1] -> [2, 3, 4]', () => mx.broadcast_to(mx.reshape(mx.arange(3), [3, 1]), [2, 3, 4]), 'np.broadcast_to(np.arange(3, dtype=np.int32).reshape(3, 1), (2, 3, 4))'],
  ['broadcast_to scalar -> [2, 2]', () => mx.broadcast_to(mx.array(5), [2, 2]), 'np.broadcast_to(np.int32(5), (2, 2))'],
  ['broadcast_to scalar number -> [3]', () => mx.broadcast_to(2.5, [3]), 'np.broadcast_to(np.float32(2.5), (3,))'],
  ['broadcast_to [1] -> [0]', () => mx.broadcast_to(mx.array([1]), [0]), 'np.broadcast_to(np.array([1], dtype=np.int32), (0,))'],
  ['broadcast_to same shape', () => mx.broadcast_to(a12(), [3, 4]), A12],
  // Array methods.
  ['method reshape(3, 4)', () => mx.arange(12).reshape(3, 4), A12],
  ['method reshape([4, 3])', () => a12().reshape([4, 3]), `${A12}.reshape(4, 3)`],
  ['method reshape(-1)', () => a24().reshape(-1), `${A24}.reshape(-1)`],
  ['method reshape(2, -1, 2)', () => a24().reshape(2, -1, 2), `${A24}.reshape(2, -1, 2)`],
  ['method transpose(1, 0)', () => a12().transpose(1, 0), `${A12}.T`],
  ['method transpose([1, 0])', () => a12().transpose([1, 0]), `${A12}.T`],
  ['method transpose()', () => a24().transpose(), `${A24}.transpose()`],
  ['method transpose(2, 0, 1)', () => a24().transpose(2, 0, 1), `${A24}.transpose(2, 0, 1)`],
  ['property .T', () => a24().T, `${A24}.T`],
  ['method flatten()', () => a24().flatten(), `${A24}.flatten()`],
  ['method flatten(1)', () => a24().flatten(1), `${A24}.reshape(2, 12)`],
  ['method squeeze()', () => a12().reshape(3, 1, 4).squeeze(), A12],
  ['method squeeze(1)', () => a12().reshape(3, 1, 4, 1).squeeze(1), `${A12}.reshape(3, 4, 1)`],
  ['method swapaxes(0, 1)', () => a24().swapaxes(0, 1), `${A24}.swapaxes(0, 1)`],
  ['method moveaxis(0, -1)', () => a24().moveaxis(0, -1), `np.moveaxis(${A24}, 0, -1)`],
  // Values of non-contiguous results.
  ['transpose then add', () => mx.add(a12().T, mx.reshape(mx.arange(12), [4, 3])), `${A12}.T + np.arange(12, dtype=np.int32).reshape(4, 3)`],
  ['transpose then add a row', () => mx.add(a24().transpose(2, 0, 1), mx.array([100, 200, 300])), `np.transpose(${A24}, (2, 0, 1)) + np.array([100, 200, 300], dtype=np.int32)`],
  ['broadcast then add', () => mx.add(mx.broadcast_to(mx.arange(4), [3, 4]), a12()), `np.broadcast_to(np.arange(4, dtype=np.int32), (3, 4)) + ${A12}`],
  ['broadcast column then multiply transposed', () => mx.multiply(mx.broadcast_to(mx.array([[1], [2], [3], [4]]), [4, 3]), a12().T), `np.broadcast_to(np.array([[1], [2], [3], [4]], dtype=np.int32), (4, 3)) * ${A12}.T`],
  ['reshape of a transposed array', () => mx.reshape(a12().T, [2, 6]), `${A12}.T.reshape(2, 6)`],
  ['reshape of a 3-D transpose', () => mx.reshape(mx.transpose(a24(), [1, 2, 0]), [-1]), `np.transpose(${A24}, (1, 2, 0)).reshape(-1)`],
  ['flatten of swapaxes', () => mx.flatten(mx.swapaxes(a24(), 0, 2)), `np.swapaxes(${A24}, 0, 2).reshape(-1)`],
  ['reshape of a broadcast', () => mx.reshape(mx.broadcast_to(mx.arange(3), [2, 3]), [3, 2]), 'np.broadcast_to(np.arange(3, dtype=np.int32), (2, 3)).reshape(3, 2)'],
  ['transpose of a broadcast, then add', () => mx.add(mx.broadcast_to(mx.arange(3), [2, 3]).T, 10), 'np.broadcast_to(np.arange(3, dtype=np.int32), (2, 3)).T + 10'],
  ['astype of a transposed array', () => mx.astype(a12().T, mx.float16), `${A12}.T.astype(np.float16)`],
  ['copy of a transposed array', () => mx.copy(a24().transpose(1, 2, 0)), `np.transpose(${A24}, (1, 2, 0)).copy()`],
  ['transpose of a transpose', () => mx.transpose(mx.transpose(a24(), [2, 0, 1]), [1, 0, 2]), `np.transpose(np.transpose(${A24}, (2, 0, 1)), (1, 0, 2))`],
  ['squeeze of expand_dims of transpose', () => mx.squeeze(mx.expand_dims(a12().T, 1)), `${A12}.T`],
  ['moveaxis then reshape then add', () => mx.add(mx.reshape(mx.moveaxis(a24(), 2, 0), [4, 6]), mx.arange(6)), `np.moveaxis(${A24}, 2, 0).reshape(4, 6) + np.arange(6, dtype=np.int32)`],
].map(([label, thunk, expr]) => ({ label, out: thunk(), h: np.eval(expr) }));

// Per dtype: transpose then reshape then flatten keeps every dtype's values.
const DTYPE_CASES = ALL_DTYPES.map((key) => {
  const vals = key === 'bool_' ? [true, false, false, true, true, false] : [0, 1, 2, 3, 4, 5];
  const x = mx.array(vals, mx[key]).reshape(2, 3);
  const out = mx.reshape(mx.transpose(x), [2, 3]);
  return { key, out, h: np.eval(`x.T.reshape(2, 3)`, { x: { dtype: NP_NAME[key], shape: [2, 3], flat: vals } }) };
});

np.run();

for (const c of CASES) {
  test(c.label, () => {
    const expectedDtype = c.h.value && c.h.value.dtype === 'float16' ? mx.float16
      : c.h.value && c.h.value.dtype === 'float32' ? mx.float32 : mx.int32;
    assertNumpy(c.out, c.h, { dtype: expectedDtype });
  });
}

for (const c of DTYPE_CASES) {
  test(`transpose + reshape keep ${c.key} values`, () => {
    assertNumpy(c.out, c.h, { dtype: mx[c.key] });
  });
}

test('shape ops keep the dtype and report ndim/size', () => {
  const x = mx.zeros([2, 3, 4], mx.int8);
  for (const y of [mx.reshape(x, [4, 6]), mx.flatten(x), mx.transpose(x), mx.expand_dims(x, 0),
    mx.squeeze(mx.expand_dims(x, 0)), mx.moveaxis(x, 0, 1), mx.swapaxes(x, 0, 1), mx.broadcast_to(x, [5, 2, 3, 4]), x.T]) {
    assert.equal(y.dtype, mx.int8);
  }
  const t = mx.transpose(x);
  assert.deepEqual(t.shape, [4, 3, 2]);
  assert.equal(t.ndim, 3);
  assert.equal(t.size, 24);
  assert.equal(mx.broadcast_to(x, [5, 2, 3, 4]).size, 120);
  assert.equal(mx.flatten(x).ndim, 1);
});

test('reshape errors', () => {
  const a = mx.arange(12);
  throwsWith(() => mx.reshape(a, [5, -1]), Error, /^\[reshape\] Cannot infer the shape of an array of size 12 into shape \(5,-1\)\./);
  throwsWith(() => mx.reshape(a, [-1, -1]), Error, /^\[reshape\] Reshape can only infer one dimension\./);
  throwsWith(() => mx.reshape(a, [5, 3]), Error, /^\[reshape\] Cannot reshape array of size 12 into shape \(5,3\)\./);
  throwsWith(() => mx.reshape(a, [-2, -6]), Error, /^\[reshape\] Invalid dimension -2/);
  throwsWith(() => mx.reshape(a, [0, -1]), Error, /^\[reshape\] Cannot infer the shape/);
  throwsWith(() => mx.reshape(a, []), Error, /^\[reshape\] Cannot reshape array of size 12 into shape \(\)\./);
  throwsWith(() => a.reshape(5, 5), Error, /^\[reshape\] Cannot reshape array of size 12 into shape \(5,5\)\./);
});

test('flatten, squeeze, expand_dims errors', () => {
  const a = mx.zeros([2, 1, 3]);
  // MLX clamps the axes to the dims first: only what still falls outside is an error.
  throwsWith(() => mx.flatten(a, 3), Error, /^\[flatten\] start_axis must be less than or equal to end_axis\./);
  throwsWith(() => mx.flatten(a, 0, -4), Error, /^\[flatten\] start_axis must be less than or equal to end_axis\./);
  throwsWith(() => mx.flatten(a, 2, 1), Error, /^\[flatten\] start_axis must be less than or equal to end_axis\./);
  throwsWith(() => mx.flatten(mx.zeros([2, 3]), -5, -3), Error, /^\[flatten\] start_axis must be less than or equal to end_axis\./);
  assert.deepEqual(mx.flatten(mx.zeros([2, 3]), 0, 5).shape, [6]);
  assert.deepEqual(mx.flatten(mx.zeros([2, 3, 4]), -7, 1).shape, [6, 4]);
  throwsWith(() => mx.squeeze(a, 0), Error, /^\[squeeze\] Cannot squeeze axis with size != 1\./);
  throwsWith(() => mx.squeeze(a, 3), RangeError, /^\[squeeze\] Axis 3 is out of bounds/);
  throwsWith(() => mx.squeeze(a, [1, -2]), Error, /^\[squeeze\] Received duplicate axes\./);
  throwsWith(() => mx.expand_dims(a, 4), RangeError, /^\[expand_dims\] Axis 4 is out of bounds for array with 4 dimensions\./);
  throwsWith(() => mx.expand_dims(a, -5), RangeError, /^\[expand_dims\] Axis -5 is out of bounds/);
  throwsWith(() => mx.expand_dims(a, [0, 0]), Error, /^\[expand_dims\] Received duplicate axes\./);
  throwsWith(() => mx.expand_dims(a, [0, -5]), Error, /^\[expand_dims\] Received duplicate axes\./);
});

test('transpose, moveaxis, swapaxes, broadcast_to errors', () => {
  const a = mx.zeros([2, 3, 4]);
  throwsWith(() => mx.transpose(a, [0, 1]), Error, /^\[transpose\] Received 2 axes for array with 3 dimensions\./);
  throwsWith(() => mx.transpose(a, [0, 1, 1]), Error, /^\[transpose\] Repeat axes not allowed in transpose\./);
  throwsWith(() => mx.transpose(a, [0, 1, -2]), Error, /^\[transpose\] Repeat axes not allowed/);
  throwsWith(() => mx.transpose(a, [0, 1, 3]), RangeError, /^\[transpose\] Axis 3 is out of bounds/);
  throwsWith(() => a.transpose(1, 0), Error, /^\[transpose\] Received 2 axes/);
  throwsWith(() => mx.moveaxis(a, 3, 0), RangeError, /^\[moveaxis\] Axis 3 is out of bounds/);
  throwsWith(() => mx.moveaxis(a, 0, -4), RangeError, /^\[moveaxis\] Axis -4 is out of bounds/);
  throwsWith(() => mx.swapaxes(a, 0, 3), RangeError, /^\[swapaxes\] Axis 3 is out of bounds/);
  throwsWith(() => a.swapaxes(-4, 0), RangeError, /^\[swapaxes\] Axis -4 is out of bounds/);
  throwsWith(() => mx.broadcast_to(a, [3, 3, 4]), Error, /^\[broadcast_to\] Cannot broadcast array of shape \(2,3,4\) into shape \(3,3,4\)\./);
  throwsWith(() => mx.broadcast_to(a, [3, 4]), Error, /^\[broadcast_to\] Cannot broadcast array of shape \(2,3,4\) into shape \(3,4\)\./);
  throwsWith(() => mx.broadcast_to(mx.zeros([2]), [0]), Error, /^\[broadcast_to\] Cannot broadcast/);
  throwsWith(() => mx.broadcast_to(a, [-1, 3, 4]), Error, /^\[broadcast_to\] Negative dimensions not allowed/);
});
