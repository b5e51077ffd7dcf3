'use strict';
// The JS indexing scheme (lib/indexing.js): a.get(...idx) is Python's a[idx], a.set(...idx, v)
// is a[idx] = v (in place), a.at(...idx).add(v) is a.at[idx].add(v). Each row of the table holds
// the JS components and the same index in Python; numpy evaluates a[idx], b[idx] = v and
// np.add.at(b, idx, v) (np.s_[...] builds the index tuple) as the oracle.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { NumpyBatch } = require('./helpers/numpy');
const { assertArray, assertNumpy, throwsWith } = require('./helpers/check');

const np = new NumpyBatch();
const SHAPE = [4, 5, 6];
const base = (dtype = mx.int32) => mx.arange(120).reshape(SHAPE).astype(dtype);

// Index arrays (named for the numpy side).
const I = {
  i0: mx.array([0, 3, -1]),
  i1: mx.array([4, 0, 2]),
  i2: mx.array([[0, 1], [2, 3]]),
  col: mx.array([[1], [3], [0]]),
  row: mx.array([[2, 4]]),
  u8: mx.array([3, 1, 1], mx.uint8),
  i64: mx.array([-2, 0], mx.int64),
  u32: mx.array([4, 1], mx.uint32),
  i16: mx.array([[-4], [3]], mx.int16),
  rep: mx.array([1, 1, 2, 1]),
  s0: mx.array(2),
};

// [JS components, Python index (inside np.s_[...])]
const TABLE = [
  [[0], '0'], [[-1], '-1'], [[3n], '3'], [['1:3'], '1:3'], [['::-1'], '::-1'], [['::2'], '::2'],
  [['-3:'], '-3:'], [[':'], ':'], [['1:'], '1:'], [[':-1'], ':-1'], [[{ start: 1, stop: -1, step: 2 }], '1:-1:2'],
  [[{ step: -2 }], '::-2'], [[{ start: 2 }], '2:'], [[{ stop: 1n }], ':1'], [[{}], ':'], [['...'], '...'], [[null], 'None'],
  [['1:3, ::-1, ...'], '1:3, ::-1, ...'], [[1, '...', 2], '1, ..., 2'], [['...', null, 0], '..., None, 0'],
  [[null, 1, null, '::2'], 'None, 1, None, ::2'], [[3, 4, 5], '3, 4, 5'], [[-4, -5, -6], '-4, -5, -6'],
  [['10:20'], '10:20'], [['5:1'], '5:1'], [['-100:100'], '-100:100'], [['::-3', '4:0:-1', '-1::-2'], '::-3, 4:0:-1, -1::-2'],
  [[':', ':', ':'], ':, :, :'], [['1, 2'], '1, 2'], [[' 0 , None , -2 '], '0, None, -2'], [['...', '::-1'], '..., ::-1'],
  [[0, '3:1:-1', null, '...'], '0, 3:1:-1, None, ...'], [['1:2', '1:2', '1:2'], '1:2, 1:2, 1:2'], [[null, null], 'None, None'],
  [['0:0'], '0:0'], [['::-1', 0, '::-1'], '::-1, 0, ::-1'],
  // advanced
  [['i0'], 'i0'], [['i2'], 'i2'], [[':', 'i0'], ':, i0'], [['i0', 'i1'], 'i0, i1'], [['i0', ':', 'i1'], 'i0, :, i1'],
  [[':', 'i0', 'i1'], ':, i0, i1'], [['i0', 2], 'i0, 2'], [[2, ':', 'i0'], '2, :, i0'], [['1:3', 'i0', null], '1:3, i0, None'],
  [[null, 'i0', ':', 0], 'None, i0, :, 0'], [['col', 'row'], 'col, row'], [[':', 'col', 'row'], ':, col, row'],
  [['col', ':', 'row'], 'col, :, row'], [['...', 'i0'], '..., i0'], [['i0', '...', 1], 'i0, ..., 1'], [['u8'], 'u8'],
  [['i64', 'u32'], 'i64, u32'], [[mx.array([3], mx.uint64), '::2'], 'np.array([3]), ::2'], [['::-1', 'i0'], '::-1, i0'], [['1:4:2', 'i0', '::-2'], '1:4:2, i0, ::-2'],
  [['i16', 'i2'], 'i16, i2'], [['s0', 'i1'], 's0, i1'], [['s0'], 's0'], [[1, 'i0', 'i1'], '1, i0, i1'],
  [['i0', null, 'i1'], 'i0, None, i1'], [['rep'], 'rep'], [[':', 'rep', 0], ':, rep, 0'],
  [[[1, 2]], 'np.array([1, 2])'], [[new Int32Array([0, 2])], 'np.array([0, 2])'], [[[[0, 1], [1, 0]]], 'np.array([[0, 1], [1, 0]])'],
  [[[]], 'np.array([], dtype=np.int64)'], [[':', [], 1], ':, np.array([], dtype=np.int64), 1'],
  [[new BigInt64Array([3n, -4n]), '2:'], 'np.array([3, -4]), 2:'],
];

const comps = (row) => row.map((c) => (typeof c === 'string' && I[c] ? I[c] : c));
const pyIdx = (s) => `np.s_[${s}]`;

const reads = [], writes = [], ats = [];
for (const [js, py] of TABLE) {
  const a = base();
  const got = a.get(...comps(js));
  reads.push({ py, got, h: np.eval(`a[${py}]`, { a, ...I }) });
  // a[idx] = 99 and a[idx] = values of the indexed shape.
  const b1 = base();
  assert.equal(b1.set(...comps(js), 99), b1);
  writes.push({ py, kind: 'scalar', got: b1, h: np.eval(`(lambda b: (b.__setitem__(${pyIdx(py)}, 99), b)[1])(a.copy())`, { a, ...I }) });
  const shape = got.shape;
  const n = shape.reduce((x, y) => x * y, 1);
  const v = mx.arange(1000, 1000 + n).reshape(shape);
  const b2 = base();
  b2.set(...comps(js), v);
  writes.push({ py, kind: 'array', got: b2, h: np.eval(`(lambda b: (b.__setitem__(${pyIdx(py)}, v), b)[1])(a.copy())`, { a, v, ...I }) });
  if (shape.length > 1) {
    // A value broadcast along the leading dims (its last dim only), with a leading size-1 dim.
    const last = shape[shape.length - 1];
    const w = mx.arange(-last, 0).reshape([1, 1, last]);
    const b3 = base();
    b3.set(...comps(js), w);
    writes.push({ py, kind: 'broadcast', got: b3, h: np.eval(`(lambda b: (b.__setitem__(${pyIdx(py)}, w[0]), b)[1])(a.copy())`, { a, w, ...I }) });
  }
  // at: accumulating ops, repeated indices included.
  for (const [op, ufunc] of [['add', 'np.add'], ['subtract', 'np.subtract'], ['multiply', 'np.multiply'], ['maximum', 'np.maximum'], ['minimum', 'np.minimum']]) {
    const r = base().at(...comps(js))[op](v);
    ats.push({ py, op, got: r, h: np.eval(`(lambda b: (${ufunc}.at(b, ${pyIdx(py)}, v), b)[1])(a.copy())`, { a, v, ...I }) });
  }
  const f = base(mx.float32);
  ats.push({ py, op: 'divide', got: f.at(...comps(js)).divide(4), h: np.eval(`(lambda b: (np.divide.at(b, ${pyIdx(py)}, np.float32(4)), b)[1])(a.astype(np.float32))`, { a, ...I }) });
}

// Other dtypes through the same paths.
const DT = ['bool_', 'uint8', 'int8', 'uint64', 'int64', 'float16', 'bfloat16', 'float64', 'complex64'];
const dtypeCases = [];
for (const k of DT) {
  const a = mx.arange(24).reshape([2, 3, 4]).astype(mx[k]);
  for (const [js, py] of [[['::-1', 1], '::-1, 1'], [['i0', '1:3'], 'np.array([0, 3, -1]) % 2, 1:3'], [[':', 'rep', 0], ':, np.array([1, 1, 2, 1]), 0']]) {
    const c = js.map((x) => (x === 'i0' ? mx.remainder(I.i0, 2) : x === 'rep' ? I.rep : x));
    dtypeCases.push({ py, k, got: a.get(...c), h: np.eval(`a[${py}]`, { a }) });
    const b = mx.array(a);
    b.set(...c, mx.array(1).astype(mx[k]));
    dtypeCases.push({ py: `set ${py}`, k, got: b, h: np.eval(`(lambda b: (b.__setitem__(np.s_[${py}], 1), b)[1])(a.copy())`, { a }) });
    if (k !== 'bool_') {
      dtypeCases.push({ py: `at add ${py}`, k, got: a.at(...c).add(mx.array(2).astype(mx[k])), h: np.eval(`(lambda b: (np.add.at(b, np.s_[${py}], 2), b)[1])(a.copy())`, { a }) });
    }
  }
}

// Boolean masks in assignments (MLX's masked_scatter).
const A2 = mx.arange(12).reshape([3, 4]);
const M2 = mx.array([[true, false, true, false], [false, false, true, true], [true, false, false, false]]);
const M1 = mx.array([true, false, true]);
const masks = [
  { name: 'full mask, scalar', run: (b) => b.set(M2, -1), expr: 'b[m2] = -1' },
  { name: 'full mask, values in order', run: (b) => b.set(M2, mx.arange(100, 105)), expr: 'b[m2] = np.arange(100, 105)' },
  { name: 'leading mask, row value', run: (b) => b.set(M1, mx.array([7, 8, 9, 10])), expr: 'b[m1] = np.array([7, 8, 9, 10])' },
  { name: 'leading mask, rows in order', run: (b) => b.set(M1, mx.arange(8).reshape([2, 4])), expr: 'b[m1] = np.arange(8).reshape(2, 4)' },
  { name: 'JS boolean array', run: (b) => b.set([false, true, false], 5), expr: 'b[np.array([False, True, False])] = 5' },
  { name: 'scalar true', run: (b) => b.set(true, 3), expr: 'b[...] = 3' },
  { name: 'scalar false', run: (b) => b.set(false, 3), expr: 'b' },
  { name: 'all-false mask', run: (b) => b.set(mx.zeros([3, 4], mx.bool_), mx.array(1)), expr: 'b' },
];
for (const m of masks) {
  const b = mx.array(A2);
  m.run(b);
  m.got = b;
  m.h = np.eval(`(lambda b: (exec(${JSON.stringify(m.expr)}, {'b': b, 'm1': m1, 'm2': m2, 'np': np}), b)[1])(a.copy())`, { a: A2, m1: M1, m2: M2 });
}

np.run();

test('a.get(...) against numpy a[idx] for every form of index', () => {
  for (const r of reads) assertNumpy(r.got, r.h, { dtype: mx.int32, msg: `a[${r.py}]` });
});

test('a.set(..., v) against numpy a[idx] = v (scalar, full-shape and broadcast values; repeated indices: last write)', () => {
  assert.ok(writes.length > 150);
  for (const w of writes) assertNumpy(w.got, w.h, { dtype: mx.int32, msg: `a[${w.py}] = (${w.kind})` });
});

test('a.at(...).add/subtract/multiply/divide/maximum/minimum against numpy ufunc.at (accumulating)', () => {
  for (const r of ats) assertNumpy(r.got, r.h, { dtype: r.op === 'divide' ? mx.float32 : mx.int32, msg: `${r.op}.at(a, ${r.py})` });
});

test('reads, writes and at for other dtypes', () => {
  for (const c of dtypeCases) assertNumpy(c.got, c.h, { dtype: mx[c.k], msg: `${c.k} ${c.py}` });
});

test('boolean masks in assignments', () => {
  for (const m of masks) assertNumpy(m.got, m.h, { dtype: mx.int32, msg: m.name });
});

test('basic indexing gives views: no new memory for slices, integers, new axes and ellipsis', () => {
  const n = 1 << 20;
  const a = mx.zeros([n / 256, 256]);
  a.eval();
  for (const idx of [['::2'], [3], ['...', '::-1'], [null, '10:', 5], ['::3', null, '1:200:7'], [':', 7]]) {
    const before = mx.get_active_memory();
    const v = a.get(...idx);
    v.eval();
    const grew = mx.get_active_memory() - before;
    assert.ok(grew < 4096, `a[${idx}] allocated ${grew} bytes`);
    v.dispose();
  }
  // An index array gathers (a copy).
  const before = mx.get_active_memory();
  const g = a.get(mx.arange(0, 4096, 2));
  g.eval();
  assert.ok(mx.get_active_memory() - before >= 2048 * 256 * 4);
});

test('MLX semantics: arrays are values; set rebinds the same object', () => {
  const a = mx.arange(6);
  const alias = a;
  const view = a.get('1:4');
  const row = a.get(2);
  const r = a.set(2, 20);
  assert.equal(r, a);
  assertArray(alias, { values: [0, 1, 20, 3, 4, 5] });  // the same JS object
  assertArray(view, { values: [1, 2, 3] });               // taken earlier: unchanged
  assertArray(row, { shape: [], values: 2 });
  // at returns a new array and leaves a alone.
  const b = a.at([0, 0, 5]).add(1);
  assertArray(b, { values: [2, 1, 20, 3, 4, 6] });
  assertArray(a, { values: [0, 1, 20, 3, 4, 5] });
  // set casts to a's dtype (weak scalars, float values truncate), as MLX.
  const c = mx.zeros([3], mx.int8);
  c.set(0, 2.7);
  c.set(1, mx.array(-3.9));
  c.set('2:', true);
  assertArray(c, { dtype: mx.int8, values: [2, -3, 1] });
  // A loop of in-place updates.
  const d = mx.zeros([100], mx.int32);
  for (let i = 0; i < 100; i++) d.set(i, i * i);
  assertArray(d.get('::33'), { values: [0, 1089, 4356, 9801] });
  // a.set with only a value is a[...] = value.
  assertArray(mx.zeros([2]).set(7), { values: [7, 7] });
  // at with a whole-array index is the plain op (its dtype rules), as MLX's ArrayAt.
  assertArray(mx.arange(3).at(':').add(mx.array(0.5)), { dtype: mx.float32, values: [0.5, 1.5, 2.5] });
  assertArray(mx.arange(3).at(':', '...').add(mx.array(0.5)), { dtype: mx.int32, values: [0, 1, 2] });
  assertArray(mx.arange(4).at([1, 1]).divide(2), { dtype: mx.int32, values: [0, 0, 2, 3] });
  assert.equal(typeof mx.ArrayAt, 'function');
  assert.ok(mx.arange(3).at(0) instanceof mx.ArrayAt);
  assert.equal(mx.newaxis, null);
  assertArray(mx.arange(3).get(mx.newaxis, '...'), { shape: [1, 3] });
});

test('0-d arrays and size-0 dims', () => {
  const s = mx.array(5);
  assertArray(s.get(), { shape: [], values: 5 });
  assertArray(s.get('...'), { shape: [], values: 5 });
  assertArray(s.get(null), { shape: [1], values: [5] });
  throwsWith(() => s.get(0), RangeError, /\[get\] Too many indices for array with 0 dimensions/);
  const e = mx.zeros([0, 3]);
  assertArray(e.get(':', 1), { shape: [0], values: [] });
  assertArray(e.get('::-1'), { shape: [0, 3] });
  assertArray(e.get(mx.array([], mx.int32)), { shape: [0, 3] });
  e.set(':', 1, 4);
  assertArray(e, { shape: [0, 3] });
  throwsWith(() => e.get(0), RangeError, /\[get\] Index 0 is out of bounds for axis 0 with size 0/);
});

test('non-contiguous sources: reads, writes and at on transposed and strided arrays', () => {
  const a = mx.arange(24).reshape([4, 6]).T.get('::-1');  // (6, 4), negative row stride
  assertArray(a.get(1, '1:3'), { values: [10, 16] });
  assertArray(a.get([0, 5], [-1, 0]), { values: [23, 0] });
  const b = mx.array(a);
  b.set(':', 0, -1);
  assertArray(b.get(':', 0), { values: [-1, -1, -1, -1, -1, -1] });
  assertArray(b.get(0), { values: [-1, 11, 17, 23] });
  assertArray(a.at([0, 0], 0).add(10), { shape: [6, 4] });
  assertArray(a.at([0, 0], 0).add(10).get(0, 0), { values: 25 });
});

test('errors name get / set / at', () => {
  const a = mx.arange(120).reshape(SHAPE);
  throwsWith(() => a.get(1.5), TypeError, /\[get\] Cannot index mlx array using number 1.5/);
  throwsWith(() => a.get(undefined), TypeError, /\[get\] Cannot index/);
  throwsWith(() => a.get(() => 0), TypeError, /\[get\] Cannot index/);
  throwsWith(() => a.get(new Map()), TypeError, /\[get\] Cannot index/);
  throwsWith(() => a.get({ foo: 1 }), TypeError, /\[get\] A slice object takes the keys start, stop and step, got 'foo'/);
  throwsWith(() => a.get({ start: 0.5 }), TypeError, /\[get\] Slice indices must be integers or None/);
  throwsWith(() => a.get('1:2:3:4'), TypeError, /\[get\] Invalid slice '1:2:3:4'/);
  throwsWith(() => a.get('a:b'), TypeError, /\[get\] Invalid slice/);
  throwsWith(() => a.get('x'), TypeError, /\[get\] Invalid index 'x'/);
  throwsWith(() => a.get(''), TypeError, /\[get\] Invalid index ''/);
  throwsWith(() => a.get(4), RangeError, /\[get\] Index 4 is out of bounds for axis 0 with size 4/);
  throwsWith(() => a.get(0, -6), RangeError, /\[get\] Index -6 is out of bounds for axis 1 with size 5/);
  throwsWith(() => a.get('0, 0, 6'), RangeError, /\[get\] Index 6 is out of bounds for axis 2 with size 6/);
  throwsWith(() => a.get(2n ** 60n), RangeError, /\[get\] Index \d+ is out of range/);
  throwsWith(() => a.get(0, 0, 0, 0), RangeError, /\[get\] Too many indices for array with 3 dimensions: 4 were given/);
  throwsWith(() => a.get(I.i0, 0, 0, 0), RangeError, /\[get\] Too many indices/);
  throwsWith(() => a.get('...', 0, '...'), Error, /\[get\] An index can only have a single ellipsis/);
  throwsWith(() => a.get('::0'), Error, /\[get\] slice step cannot be zero/);
  throwsWith(() => a.get(mx.array([true, false, true, false])), Error, /\[get\] boolean indices are not yet supported/);
  throwsWith(() => a.get(true), Error, /\[get\] boolean indices are not yet supported/);
  throwsWith(() => a.get([true, false]), Error, /\[get\] boolean indices are not yet supported/);
  throwsWith(() => a.get(mx.array([0.5])), Error, /\[get\] Got indices with invalid dtype float32/);
  throwsWith(() => a.get(new Float32Array([1])), Error, /\[get\] Got indices with invalid dtype/);
  throwsWith(() => a.get([0.5, 1]), Error, /\[get\] Got indices with invalid dtype/);
  // As MLX: int64 with uint64 promotes to float32, which cannot index.
  throwsWith(() => a.get(I.i64, mx.array([1], mx.uint64)), Error, /\[get\] Got indices with invalid dtype/);
  throwsWith(() => a.get(I.i0, I.i2), Error, /\[get\] Shapes \(3\) \(2,2\) cannot be broadcast/);
  throwsWith(() => a.get(mx.array([4])).tolist(), RangeError, /\[get\] Index 4 is out of bounds for axis 0 with size 4/);
  throwsWith(() => a.get(':', mx.array([-6])).tolist(), RangeError, /\[get\] Index -6 is out of bounds for axis 1 with size 5/);
  throwsWith(() => a.set(), TypeError, /\[set\] missing the value/);
  throwsWith(() => a.set(4, 1), RangeError, /\[set\] Index 4 is out of bounds/);
  throwsWith(() => a.set(0, mx.ones([7])), Error, /\[set\] Cannot broadcast a value of shape \(7\) to the indexed shape \(5,6\)/);
  throwsWith(() => a.set(I.i0, mx.ones([2, 5, 6])), Error, /\[set\] Cannot broadcast/);
  throwsWith(() => a.set(0, 0, 0, 0, 1), RangeError, /\[set\] Too many indices/);
  throwsWith(() => a.set(1.5, 1), TypeError, /\[set\] Cannot index/);
  // An index array is checked when the result is evaluated: the rebound array then fails.
  const p = mx.arange(4);
  p.set(mx.array([9]), 1);
  throwsWith(() => p.tolist(), RangeError, /\[set\] Index 9 is out of bounds for axis 0 with size 4/);
  throwsWith(() => a.set(mx.array([true]), 0, 1), Error, /\[set\] A boolean mask can only be used alone/);
  throwsWith(() => a.set(mx.array([true, false]), 1), Error, /\[set\] The boolean mask should have the same shape as the beginning/);
  throwsWith(() => mx.arange(4).set(mx.array([true, true, true, false]), mx.array([1, 2])).tolist(), RangeError, /\[set\] The mask selects 3 elements but only 2 values were given/);
  throwsWith(() => mx.zeros([2], mx.int8).set(0, 300), RangeError, /\[set\]/);
  throwsWith(() => a.at(4).add(1), RangeError, /\[at\] Index 4 is out of bounds/);
  throwsWith(() => a.at(mx.array([true])).add(1), Error, /\[at\] boolean indices are not yet supported/);
  throwsWith(() => a.at(0).add(), TypeError, /\[ArrayAt.add\] takes 1 argument \(0 given\)/);
  throwsWith(() => a.at(0).add(1, 2), TypeError, /\[ArrayAt.add\] takes 1 argument \(2 given\)/);
  throwsWith(() => a.at('x'), TypeError, /\[at\] Invalid index 'x'/);
  throwsWith(() => a.at(mx.array([7])).add(1).tolist(), RangeError, /\[at\] Index 7 is out of bounds/);
  throwsWith(() => a.at(0).add(mx.ones([2, 2])), Error, /\[at\] Cannot broadcast/);
});
