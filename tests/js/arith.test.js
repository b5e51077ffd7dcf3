'use strict';
// Arithmetic: add, subtract, multiply, divide, where, matmul. Values against numpy for every
// dtype each op accepts, broadcasting (0-size dims included), the promotion table of
// dtype_rules.md section 3 for all 14x14 pairs, the weak-scalar table of section 4, integer
// wraparound and division by zero, and matmul's shapes, dtypes and errors.
// Where MLX and numpy differ (JAX-like promotion; int/int divide -> float32), the expected
// dtype follows dtype_rules.md and numpy computes in that dtype.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { NumpyBatch, NP_NAME } = require('./helpers/numpy');
const { ALL_DTYPES, FLOAT_KEYS, assertArray, assertNumpy, throwsWith } = require('./helpers/check');

const np = new NumpyBatch();

// dtype_rules.md section 3, rows and columns in ALL_DTYPES order.
const PROMOTION = [
  'bool_ uint8 uint16 uint32 uint64 int8 int16 int32 int64 float16 float32 float64 bfloat16 complex64', // bool_
  'uint8 uint8 uint16 uint32 uint64 int16 int16 int32 int64 float16 float32 float64 bfloat16 complex64', // uint8
  'uint16 uint16 uint16 uint32 uint64 int32 int32 int32 int64 float16 float32 float64 bfloat16 complex64', // uint16
  'uint32 uint32 uint32 uint32 uint64 int64 int64 int64 int64 float16 float32 float64 bfloat16 complex64', // uint32
  'uint64 uint64 uint64 uint64 uint64 float32 float32 float32 float32 float16 float32 float64 bfloat16 complex64', // uint64
  'int8 int16 int32 int64 float32 int8 int16 int32 int64 float16 float32 float64 bfloat16 complex64', // int8
  'int16 int16 int32 int64 float32 int16 int16 int32 int64 float16 float32 float64 bfloat16 complex64', // int16
  'int32 int32 int32 int64 float32 int32 int32 int32 int64 float16 float32 float64 bfloat16 complex64', // int32
  'int64 int64 int64 int64 float32 int64 int64 int64 int64 float16 float32 float64 bfloat16 complex64', // int64
  'float16 float16 float16 float16 float16 float16 float16 float16 float16 float16 float32 float64 float32 complex64', // float16
  'float32 float32 float32 float32 float32 float32 float32 float32 float32 float32 float32 float64 float32 complex64', // float32
  'float64 float64 float64 float64 float64 float64 float64 float64 float64 float64 float64 float64 float64 complex64', // float64
  'bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 float32 float32 float64 bfloat16 complex64', // bfloat16
  'complex64 complex64 complex64 complex64 complex64 complex64 complex64 complex64 complex64 complex64 complex64 complex64 complex64 complex64', // complex64
].map((row) => row.split(' '));
const promote = (a, b) => PROMOTION[ALL_DTYPES.indexOf(a)][ALL_DTYPES.indexOf(b)];
const atLeastFloat = (k) => (FLOAT_KEYS.has(k) || k === 'complex64' ? k : promote(k, 'float32'));

// numpy expression that casts variable `v` to mx dtype `k` (bfloat16 computes in float32; the
// check rounds numpy's float32 result to bfloat16).
const cast = (v, k) => `${v}.astype(np.${NP_NAME[k]})`;

// Values per dtype (2x3); the last column holds the dtype's max (x) and 1 (y), so add wraps.
const MAXV = { uint8: 255, uint16: 65535, uint32: 4294967295, uint64: 2n ** 64n - 1n, int8: 127, int16: 32767, int32: 2147483647, int64: 2n ** 63n - 1n };
function operands(k) {
  if (k === 'bool_') return [[true, false, true, false, true, true], [true, true, false, false, true, false]];
  if (k.startsWith('uint')) return [[1, 2, 200, 7, 0, MAXV[k]], [3, 2, 100, 5, 9, 1]];
  if (k.startsWith('int')) return [[1, -2, 100, -7, 0, MAXV[k]], [3, 5, -100, 2, -9, 1]];
  return [[1.5, -2.25, 100, -7.5, 0, 3.75], [0.5, 4, -0.25, 2, -9, 1.5]];
}
const mk = (vals, k, shape = [2, 3]) => mx.array(vals, mx[k]).reshape(shape);

const OPS = {
  add: { fn: mx.add, py: '+' },
  subtract: { fn: mx.subtract, py: '-' },
  multiply: { fn: mx.multiply, py: '*' },
  divide: { fn: mx.divide, py: '/' },
};
const resultKey = (op, a, b) => (op === 'divide' ? atLeastFloat(promote(a, b)) : promote(a, b));

// numpy expression of `x op y` computed in the MLX result dtype.
function npBinary(op, rk) {
  if (rk === 'bool_') {
    // numpy has no bool subtract; C++ computes in int and stores nonzero as true.
    return `(${cast('x', 'int32')} ${OPS[op].py} ${cast('y', 'int32')}).astype(np.bool_)`;
  }
  return `${cast('x', rk)} ${OPS[op].py} ${cast('y', rk)}`;
}

// ---- same-dtype values for every op and dtype ---------------------------------------------
const SAME = [];
for (const k of ALL_DTYPES) {
  const [xv, yv] = operands(k);
  const x = mk(xv, k), y = mk(yv, k);
  for (const op of Object.keys(OPS)) {
    const rk = resultKey(op, k, k);
    SAME.push({ label: `${op} ${k} ${k} -> ${rk}`, rk, out: OPS[op].fn(x, y), h: np.eval(npBinary(op, rk), { x, y }) });
  }
  const c = mx.array([true, false, true, false, false, true]).reshape(2, 3);
  SAME.push({ label: `where ${k}`, rk: k, out: mx.where(c, x, y), h: np.eval('np.where(c, x, y)', { c, x, y }) });
}

// ---- mixed-dtype values --------------------------------------------------------------------
const MIXED_PAIRS = [['int8', 'uint8'], ['uint64', 'int32'], ['float16', 'bfloat16'], ['int64', 'float16'],
  ['uint32', 'int8'], ['bool_', 'float64'], ['uint16', 'int16'], ['int32', 'float32'], ['bfloat16', 'int8'],
  ['complex64', 'float64'], ['bool_', 'uint8'], ['uint8', 'float16']];
const MIXED = [];
for (const [a, b] of MIXED_PAIRS) {
  const x = mk([1, 2, 3, 4, 5, 6], a === 'bool_' ? 'int32' : a).astype(mx[a]);
  const y = mk([3, 2, 1, 7, 8, 2], b === 'bool_' ? 'int32' : b).astype(mx[b]);
  for (const op of Object.keys(OPS)) {
    const rk = resultKey(op, a, b);
    MIXED.push({ label: `${op} ${a} ${b} -> ${rk}`, rk, out: OPS[op].fn(x, y), h: np.eval(npBinary(op, rk), { x, y }) });
  }
}

// ---- broadcasting --------------------------------------------------------------------------
const BCAST_SHAPES = [
  [[2, 3], [3]], [[2, 3], [1, 3]], [[2, 1], [1, 3]], [[3], [2, 3]], [[], [2, 3]], [[2, 3], []],
  [[4, 1, 3], [2, 1]], [[2, 1, 3], [4, 1]], [[1], [5]], [[5], [1]], [[], []], [[1, 1], [3]],
  [[1], [0]], [[0], [1]], [[0, 3], [1, 3]], [[0, 3], [3]], [[2, 0], [2, 1]], [[0], []],
  [[1, 0], [3, 1]], [[2, 1, 0], [1, 4, 1]], [[0, 1], [0, 4]],
];
const sizeOf = (s) => s.reduce((p, d) => p * d, 1);
const fvals = (n, off) => Array.from({ length: n }, (_, i) => ((i * 7 + off) % 11) - 4.5);
const BCAST = [];
for (const [sa, sb] of BCAST_SHAPES) {
  const x = mx.array(fvals(sizeOf(sa), 1), mx.float32).reshape(sa);
  const y = mx.array(fvals(sizeOf(sb), 3), mx.float32).reshape(sb);
  for (const op of Object.keys(OPS)) {
    BCAST.push({ label: `${op} broadcast ${JSON.stringify(sa)} ${JSON.stringify(sb)}`, out: OPS[op].fn(x, y), h: np.eval(`x ${OPS[op].py} y`, { x, y }) });
  }
  const c = mx.array(Array.from({ length: sizeOf(sb) }, (_, i) => i % 3 === 0)).reshape(sb);
  BCAST.push({ label: `where broadcast cond ${JSON.stringify(sb)} x ${JSON.stringify(sa)} y []`, out: mx.where(c, x, mx.array(-1, mx.float32)), h: np.eval('np.where(c, x, np.float32(-1))', { c, x }) });
}

// ---- matmul --------------------------------------------------------------------------------
const mvals = (n, off = 0) => Array.from({ length: n }, (_, i) => (((i * 5 + off) % 9) - 4) * 0.5);
const MM_SHAPES = [
  [[2, 3], [3, 4]], [[3], [3, 4]], [[2, 3], [3]], [[3], [3]], [[2, 2, 3], [2, 3, 4]],
  [[2, 3], [5, 3, 2]], [[4, 1, 2, 3], [5, 3, 2]], [[1, 2, 3], [3, 3, 1]], [[3], [2, 3, 4]],
  [[2, 4, 3], [3]], [[0, 3], [3, 2]], [[2, 0], [0, 3]], [[2, 3], [3, 0]], [[1, 1], [1, 1]],
  [[17, 33], [33, 9]],
];
const MM_DTYPES = ['float16', 'float32', 'float64', 'bfloat16', 'complex64'];
const MATMUL = [];
for (const k of MM_DTYPES) {
  for (const [sa, sb] of MM_SHAPES) {
    const x = mx.array(mvals(sizeOf(sa), 1), mx[k]).reshape(sa);
    const y = mx.array(mvals(sizeOf(sb), 4), mx[k]).reshape(sb);
    // Half inputs accumulate in float32, then round to the half type.
    const expr = k === 'float16' ? '(x.astype(np.float32) @ y.astype(np.float32)).astype(np.float16)' : 'x @ y';
    MATMUL.push({ label: `matmul ${k} ${JSON.stringify(sa)} @ ${JSON.stringify(sb)}`, rk: k, out: mx.matmul(x, y), h: np.eval(expr, { x, y }) });
  }
}
{
  // Transposed and broadcast operands (non-contiguous inputs).
  const a = mx.array(mvals(6, 2), mx.float32).reshape(3, 2);
  const b = mx.array(mvals(12, 5), mx.float32).reshape(3, 4);
  const c = mx.array(mvals(24, 7), mx.float32).reshape(2, 3, 4);
  const v = mx.array(mvals(3, 1), mx.float32);
  const add = (label, out, expr, vars) => MATMUL.push({ label, rk: 'float32', out, h: np.eval(expr, vars) });
  add('matmul a.T @ b', mx.matmul(a.T, b), 'a.T @ b', { a, b });
  add('matmul b.T @ a', mx.matmul(b.T, a), 'b.T @ a', { a, b });
  add('matmul a.T @ a', mx.matmul(a.T, a), 'a.T @ a', { a });
  add('matmul a @ a.T', mx.matmul(a, a.T), 'a @ a.T', { a });
  add('matmul swapaxes(c) @ a', mx.matmul(mx.swapaxes(c, 1, 2), a), 'np.swapaxes(c, 1, 2) @ a', { c, a });
  add('matmul c.T-ish batch', mx.matmul(mx.transpose(c, [0, 2, 1]), mx.broadcast_to(b, [2, 3, 4])), 'np.transpose(c, (0, 2, 1)) @ np.broadcast_to(b, (2, 3, 4))', { c, b });
  add('matmul broadcast_to vector rows', mx.matmul(mx.broadcast_to(v, [5, 3]), b), 'np.broadcast_to(v, (5, 3)) @ b', { v, b });
}
// Mixed dtypes: the promoted dtype, when inexact.
const MM_MIXED = [['float16', 'float32'], ['int32', 'float32'], ['bool_', 'float16'], ['uint64', 'bfloat16'],
  ['uint64', 'int64'], ['int8', 'float64'], ['float16', 'bfloat16'], ['float32', 'complex64']];
for (const [ka, kb] of MM_MIXED) {
  const rk = promote(ka, kb);
  const x = mx.array([1, 0, 2, 1, 1, 3], mx.int32).astype(mx[ka]).reshape(2, 3);
  const y = mx.array([2, 1, 0, 1, 3, 1], mx.int32).astype(mx[kb]).reshape(3, 2);
  const expr = rk === 'float16' ? '(x.astype(np.float32) @ y.astype(np.float32)).astype(np.float16)'
    : `${cast('x', rk)} @ ${cast('y', rk)}`;
  MATMUL.push({ label: `matmul ${ka} @ ${kb} -> ${rk}`, rk, out: mx.matmul(x, y), h: np.eval(expr, { x, y }) });
}

np.run();

// ---- tests ---------------------------------------------------------------------------------

for (const c of [...SAME, ...MIXED]) {
  test(c.label, () => assertNumpy(c.out, c.h, { dtype: mx[c.rk] }));
}

for (const c of BCAST) {
  test(c.label, () => assertNumpy(c.out, c.h, { dtype: mx.float32 }));
}

test('broadcasting shape errors name the op', () => {
  const pairs = [[[2, 3], [3, 2]], [[0], [2]], [[2, 0], [3]], [[4, 3], [2, 1, 2]]];
  for (const [sa, sb] of pairs) {
    for (const op of Object.keys(OPS)) {
      throwsWith(() => OPS[op].fn(mx.zeros(sa), mx.zeros(sb)), Error,
        new RegExp(`^\\[${op}\\] Shapes \\(${sa.join(',')}\\) \\(${sb.join(',')}\\) cannot be broadcast\\.`));
    }
  }
  throwsWith(() => mx.where(mx.zeros([2], mx.bool_), mx.zeros([3]), 1), Error, /^\[where\] Shapes .* cannot be broadcast\./);
});

test('promotion table (dtype_rules.md section 3): all 14x14 pairs through mx.add', () => {
  for (const a of ALL_DTYPES) {
    for (const b of ALL_DTYPES) {
      const rk = promote(a, b);
      const r = mx.add(mx.ones([2], mx[a]), mx.ones([2], mx[b]));
      const two = rk === 'bool_' ? true : rk === 'complex64' ? { re: 2, im: 0 } : rk === 'int64' || rk === 'uint64' ? 2n : 2;
      assertArray(r, { dtype: mx[rk], shape: [2], values: [two, two], msg: `${a} + ${b}` });
      assert.equal(mx.result_type(mx[a], mx[b]), mx[rk], `result_type(${a}, ${b})`);
    }
  }
});

test('promotion table is symmetric and bool_ is the identity', () => {
  for (const a of ALL_DTYPES) {
    assert.equal(promote('bool_', a), a);
    for (const b of ALL_DTYPES) assert.equal(mx.add(mx.zeros([1], mx[a]), mx.zeros([1], mx[b])).dtype, mx.add(mx.zeros([1], mx[b]), mx.zeros([1], mx[a])).dtype);
  }
});

// dtype_rules.md section 4: [dtype, x + true, x + 1, x + 1.5, out-of-range ints (RangeError), or
// [value, result dtype] where there is no range check].
const WEAK = [
  ['bool_', 'bool_', 'int32', 'float32', null],
  ['uint8', 'uint8', 'uint8', 'float32', [256, -1, 1000]],
  ['uint16', 'uint16', 'uint16', 'float32', [65536, -1]],
  ['uint32', 'uint32', 'uint32', 'float32', [2 ** 32, -1]],
  ['uint64', 'uint64', 'uint64', 'float32', null],
  ['int8', 'int8', 'int8', 'float32', [128, -129]],
  ['int16', 'int16', 'int16', 'float32', [32768, -32769]],
  ['int32', 'int32', 'int32', 'float32', [2 ** 31, -(2 ** 31) - 1, 2n ** 40n]],
  ['int64', 'int64', 'int64', 'float32', null],
  ['float16', 'float16', 'float16', 'float16', null],
  ['float32', 'float32', 'float32', 'float32', null],
  ['float64', 'float64', 'float64', 'float64', null],
  ['bfloat16', 'bfloat16', 'bfloat16', 'bfloat16', null],
  ['complex64', 'complex64', 'complex64', 'complex64', null],
];
const val = (rk, v) => (rk === 'bool_' ? Boolean(v) : rk === 'complex64' ? { re: v, im: 0 } : rk === 'int64' || rk === 'uint64' ? BigInt(v) : v);

for (const [k, tTrue, tInt, tFloat, bad] of WEAK) {
  test(`weak scalars with ${k} arrays (dtype_rules.md section 4)`, () => {
    const x = mx.array([1, 0], mx[k]);
    assertArray(mx.add(x, true), { dtype: mx[tTrue], shape: [2], values: [val(tTrue, k === 'bool_' ? 1 : 2), val(tTrue, 1)] });
    assertArray(mx.add(x, 1), { dtype: mx[tInt], values: [val(tInt, 2), val(tInt, 1)] });
    assertArray(mx.add(x, 1n), { dtype: mx[tInt], values: [val(tInt, 2), val(tInt, 1)] });
    assertArray(mx.add(x, 1.5), { dtype: mx[tFloat], values: [val(tFloat, 2.5), val(tFloat, 1.5)] });
    // Scalar on the left: same dtypes.
    assertArray(mx.add(true, x), { dtype: mx[tTrue] });
    assertArray(mx.add(1, x), { dtype: mx[tInt], values: [val(tInt, 2), val(tInt, 1)] });
    assertArray(mx.multiply(1.5, x), { dtype: mx[tFloat], values: [val(tFloat, 1.5), val(tFloat, 0)] });
    assertArray(mx.subtract(x, 1), { dtype: mx[tInt] });
    assertArray(mx.where(mx.array([true, false]), x, 1), { dtype: mx[tInt] });
    assertArray(mx.where(mx.array([true, false]), 1.5, x), { dtype: mx[tFloat] });
    // divide is at least float.
    assertArray(mx.divide(x, 2), { dtype: mx[atLeastFloat(tInt)], values: [val(atLeastFloat(tInt), 0.5), val(atLeastFloat(tInt), 0)] });
    if (bad) {
      for (const v of bad) {
        throwsWith(() => mx.add(x, v), RangeError, new RegExp(`^\\[add\\] Converting ${v} to ${mx[k]._name} would result in overflow\\.`));
        throwsWith(() => mx.multiply(v, x), RangeError, new RegExp(`^\\[multiply\\] Converting ${v} to ${mx[k]._name} would result in overflow\\.`));
        throwsWith(() => mx.where(mx.array([true, false]), x, v), RangeError, /^\[where\] Converting .* would result in overflow\./);
      }
    }
  });
}

test('weak scalars outside the range where there is no range check', () => {
  // bool_: an int scalar is int32 with no range check.
  assertArray(mx.add(mx.array([true, false]), 300), { dtype: mx.int32, values: [301, 300] });
  // int64/uint64/floats: a plain cast.
  assertArray(mx.add(mx.array([1], mx.int64), 2 ** 40), { dtype: mx.int64, values: [2n ** 40n + 1n] });
  assertArray(mx.add(mx.array([1], mx.int64), 2n ** 62n), { dtype: mx.int64, values: [2n ** 62n + 1n] });
  assertArray(mx.add(mx.array([1], mx.uint64), 2n ** 63n), { dtype: mx.uint64, values: [2n ** 63n + 1n] });
  assertArray(mx.add(mx.array([1], mx.uint64), -1), { dtype: mx.uint64, values: [0n] });
  assertArray(mx.add(mx.array([1], mx.float16), 70000), { dtype: mx.float16, values: [Infinity] });
  assertArray(mx.add(mx.array([0], mx.bfloat16), 257), { dtype: mx.bfloat16, values: [256], tol: { rtol: 0, atol: 0 } });
  assertArray(mx.add(mx.array([0.5], mx.float64), 0.1), { dtype: mx.float64, values: [0.6], tol: { rtol: 0, atol: 1e-16 } });
  assertArray(mx.add(mx.array([0], mx.float32), 2 ** 40), { dtype: mx.float32, values: [2 ** 40] });
  // int64 scalars beyond int64 are rejected.
  throwsWith(() => mx.add(mx.array([1], mx.int64), 2n ** 64n), RangeError, /^\[add\] .*int64 range/);
});

test('weak scalars: values keep the array dtype (no silent widening)', () => {
  assertArray(mx.add(mx.array([100], mx.int8), 27), { dtype: mx.int8, values: [127] });
  assertArray(mx.add(mx.array([100], mx.int8), 28), { dtype: mx.int8, values: [-128] });
  assertArray(mx.subtract(1, mx.array([2], mx.uint8)), { dtype: mx.uint8, values: [255] });
  assertArray(mx.subtract(mx.array([0], mx.uint32), 1), { dtype: mx.uint32, values: [4294967295] });
  assertArray(mx.multiply(mx.array([3], mx.int8), 2.5), { dtype: mx.float32, values: [7.5] });
  assertArray(mx.divide(mx.array([7], mx.int8), 2), { dtype: mx.float32, values: [3.5] });
  assertArray(mx.divide(mx.array([7], mx.float16), 2), { dtype: mx.float16, values: [3.5] });
  assertArray(mx.divide(2, mx.array([4], mx.bfloat16)), { dtype: mx.bfloat16, values: [0.5] });
  assertArray(mx.add(mx.array([1, 2], mx.complex64), 1.5), { dtype: mx.complex64, values: [{ re: 2.5, im: 0 }, { re: 3.5, im: 0 }] });
});

test('two scalars or lists: converted with the default dtypes, then promoted', () => {
  assertArray(mx.add(1, 2), { dtype: mx.int32, shape: [], values: 3 });
  assertArray(mx.add(1, 2.5), { dtype: mx.float32, shape: [], values: 3.5 });
  assertArray(mx.add(true, false), { dtype: mx.bool_, shape: [], values: true });
  assertArray(mx.add(true, 2), { dtype: mx.int32, values: 3 });
  assertArray(mx.add(2 ** 40, 1), { dtype: mx.int64, values: 2n ** 40n + 1n });
  assertArray(mx.add([1, 2], 2.5), { dtype: mx.float32, shape: [2], values: [3.5, 4.5] });
  assertArray(mx.multiply([[1], [2]], [3, 4]), { dtype: mx.int32, shape: [2, 2], values: [3, 4, 6, 8] });
  assertArray(mx.divide(1, 4), { dtype: mx.float32, values: 0.25 });
  assertArray(mx.subtract(new Int8Array([5, 6]), 1), { dtype: mx.int32, values: [4, 5] });
  assertArray(mx.where(true, 1, 2.5), { dtype: mx.float32, shape: [], values: 1 });
  assertArray(mx.where([true, false], [1, 2], [3, 4]), { dtype: mx.int32, values: [1, 4] });
  assertArray(mx.where(mx.array([1, 0, 2]), 10, -10), { dtype: mx.int32, values: [10, -10, 10] });
  assertArray(mx.where(mx.array([0.5, 0, NaN]), 1, 0), { dtype: mx.int32, values: [1, 0, 1] });
});

test('integer overflow wraps around (two\'s complement)', () => {
  assertArray(mx.add(mx.array([127], mx.int8), mx.array([1], mx.int8)), { dtype: mx.int8, values: [-128] });
  assertArray(mx.subtract(mx.array([-128], mx.int8), mx.array([1], mx.int8)), { dtype: mx.int8, values: [127] });
  assertArray(mx.add(mx.array([255], mx.uint8), mx.array([1], mx.uint8)), { dtype: mx.uint8, values: [0] });
  assertArray(mx.subtract(mx.array([0], mx.uint8), mx.array([1], mx.uint8)), { dtype: mx.uint8, values: [255] });
  assertArray(mx.multiply(mx.array([300], mx.int16), mx.array([300], mx.int16)), { dtype: mx.int16, values: [24464] });
  assertArray(mx.add(mx.array([2 ** 31 - 1]), mx.array([1])), { dtype: mx.int32, values: [-(2 ** 31)] });
  assertArray(mx.multiply(mx.array([2 ** 30]), mx.array([4])), { dtype: mx.int32, values: [0] });
  assertArray(mx.subtract(mx.array([0], mx.uint32), mx.array([1], mx.uint32)), { dtype: mx.uint32, values: [4294967295] });
  assertArray(mx.add(mx.array([2n ** 63n - 1n]), mx.array([1n], mx.int64)), { dtype: mx.int64, values: [-(2n ** 63n)] });
  assertArray(mx.subtract(mx.array([0n], mx.uint64), mx.array([1n], mx.uint64)), { dtype: mx.uint64, values: [2n ** 64n - 1n] });
  assertArray(mx.multiply(mx.array([2n ** 32n], mx.uint64), mx.array([2n ** 32n], mx.uint64)), { dtype: mx.uint64, values: [0n] });
});

test('integer division by zero gives float inf/nan (no crash)', () => {
  assertArray(mx.divide(mx.array([1, 0, -1]), mx.array([0, 0, 0])), { dtype: mx.float32, values: [Infinity, NaN, -Infinity] });
  assertArray(mx.divide(mx.array([5], mx.int8), mx.array([0], mx.int8)), { dtype: mx.float32, values: [Infinity] });
  assertArray(mx.divide(mx.array([5n], mx.uint64), mx.array([0n], mx.uint64)), { dtype: mx.float32, values: [Infinity] });
  assertArray(mx.divide(mx.array([5], mx.int64), 0), { dtype: mx.float32, values: [Infinity] });
  assertArray(mx.divide(mx.array([true, false]), mx.array([false, false])), { dtype: mx.float32, values: [Infinity, NaN] });
  assertArray(mx.divide(mx.array([1, -1], mx.float16), 0), { dtype: mx.float16, values: [Infinity, -Infinity] });
  assertArray(mx.divide(mx.array([0], mx.float64), mx.array([0], mx.float64)), { dtype: mx.float64, values: [NaN] });
  // int64 / int64 is float32, not float64.
  assertArray(mx.divide(mx.array([2n ** 40n]), mx.array([2n])), { dtype: mx.float32, values: [2 ** 39] });
});

for (const c of MATMUL) {
  test(c.label, () => assertNumpy(c.out, c.h, {
    dtype: mx[c.rk],
    // Half types: the sum of up to 33 products, rounded once; allow a few half ulps.
    tol: c.rk === 'float16' ? { rtol: 2e-3, atol: 2e-3 } : c.rk === 'bfloat16' ? { rtol: 1.6e-2, atol: 1.6e-2 } : undefined,
  }));
}

test('matmul shapes: 1-D operands lose their dim; batch dims broadcast', () => {
  assert.deepEqual(mx.matmul(mx.ones([3]), mx.ones([3])).shape, []);
  assert.deepEqual(mx.matmul(mx.ones([3]), mx.ones([3, 4])).shape, [4]);
  assert.deepEqual(mx.matmul(mx.ones([2, 3]), mx.ones([3])).shape, [2]);
  assert.deepEqual(mx.matmul(mx.ones([7, 1, 2, 3]), mx.ones([5, 3, 4])).shape, [7, 5, 2, 4]);
  assert.deepEqual(mx.matmul(mx.ones([3]), mx.ones([6, 3, 4])).shape, [6, 4]);
  assert.deepEqual(mx.matmul(mx.ones([0, 3]), mx.ones([3, 2])).shape, [0, 2]);
  assertArray(mx.matmul(mx.ones([2, 0]), mx.ones([0, 2])), { dtype: mx.float32, shape: [2, 2], values: [0, 0, 0, 0] });
  assertArray(mx.matmul(mx.ones([2, 3], mx.float16), mx.ones([3, 2], mx.float16)), { dtype: mx.float16, values: [3, 3, 3, 3] });
});

test('matmul accumulates half inputs in float32', () => {
  // 4096 products of 1 * 1: a float16 accumulator would stop at 2048.
  const n = 4096;
  const r16 = mx.matmul(mx.ones([1, n], mx.float16), mx.ones([n, 1], mx.float16));
  assertArray(r16, { dtype: mx.float16, shape: [1, 1], values: [4096], tol: { rtol: 0, atol: 0 } });
  // bfloat16 (8 bits of precision): a bfloat16 accumulator would stop at 256.
  const rb = mx.matmul(mx.ones([1, 1024], mx.bfloat16), mx.ones([1024, 1], mx.bfloat16));
  assertArray(rb, { dtype: mx.bfloat16, shape: [1, 1], values: [1024], tol: { rtol: 0, atol: 0 } });
});

test('matmul rejects integer and bool results, naming matmul', () => {
  const pairs = [['int32', 'int32'], ['int8', 'uint8'], ['bool_', 'bool_'], ['uint64', 'uint64'], ['int64', 'int16'], ['bool_', 'int32']];
  for (const [a, b] of pairs) {
    throwsWith(() => mx.matmul(mx.ones([2, 2], mx[a]), mx.ones([2, 2], mx[b])), Error,
      /^\[matmul\] Only inexact types are supported but .* which is not inexact\./, `${a} @ ${b}`);
  }
  throwsWith(() => mx.matmul([[1, 2]], [[3], [4]]), Error, /^\[matmul\] Only inexact types are supported/);
});

test('matmul shape errors', () => {
  throwsWith(() => mx.matmul(mx.ones([2, 3]), mx.ones([2, 3])), Error,
    /^\[matmul\] Last dimension of first input with shape \(2,3\) must match second to last dimension of second input with shape \(2,3\)\./);
  throwsWith(() => mx.matmul(mx.ones([3]), mx.ones([4])), Error, /^\[matmul\] Last dimension of first input/);
  throwsWith(() => mx.matmul(mx.ones([2, 2, 3]), mx.ones([3, 3, 2])), Error, /^\[matmul\] Batch dimensions of shapes \(2,2,3\) and \(3,3,2\) cannot be broadcast\./);
  throwsWith(() => mx.matmul(mx.array(2.5), mx.ones([2])), Error, /^\[matmul\] Got 0 dimension input\./);
  throwsWith(() => mx.matmul(mx.ones([2]), 1.5), Error, /^\[matmul\] Got 0 dimension input\./);
});
