'use strict';
// Array creation: mx.array / mx.asarray from JS values (dtype inference per dtype_rules.md
// section 2), TypedArrays and buffers (aliasing), zeros/ones/full/*_like, arange (both
// overloads and its dtype rules), copy, and astype between all 14 dtypes.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { NumpyBatch, NP_NAME } = require('./helpers/numpy');
const { ALL_DTYPES, assertArray, assertNumpy, throwsWith, roundBf16 } = require('./helpers/check');

const np = new NumpyBatch();

// ---- oracle jobs, queued before the tests are defined --------------------------------------

// arange: [label, thunk, expected mx dtype, numpy expression]
const ARANGE = [
  ['arange(5)', () => mx.arange(5), mx.int32, 'np.arange(5, dtype=np.int32)'],
  ['arange(2, 5)', () => mx.arange(2, 5), mx.int32, 'np.arange(2, 5, dtype=np.int32)'],
  ['arange(0, 10, 3)', () => mx.arange(0, 10, 3), mx.int32, 'np.arange(0, 10, 3, dtype=np.int32)'],
  ['arange(10, 0, -3)', () => mx.arange(10, 0, -3), mx.int32, 'np.arange(10, 0, -3, dtype=np.int32)'],
  ['arange(5, 1) is empty', () => mx.arange(5, 1), mx.int32, 'np.arange(5, 1, dtype=np.int32)'],
  ['arange(5.5)', () => mx.arange(5.5), mx.float32, 'np.arange(5.5).astype(np.float32)'],
  ['arange(1, 3.5)', () => mx.arange(1, 3.5), mx.float32, 'np.arange(1, 3.5).astype(np.float32)'],
  ['arange(0, 1, 0.1)', () => mx.arange(0, 1, 0.1), mx.float32, 'np.arange(0, 1, 0.1).astype(np.float32)'],
  ['arange(-1.5, 2, 0.5)', () => mx.arange(-1.5, 2, 0.5), mx.float32, 'np.arange(-1.5, 2, 0.5).astype(np.float32)'],
  ['arange(0, 5, 1.5)', () => mx.arange(0, 5, 1.5), mx.float32, 'np.arange(0, 5, 1.5).astype(np.float32)'],
  ['arange(2**40, 2**40+3)', () => mx.arange(2 ** 40, 2 ** 40 + 3), mx.int64, 'np.arange(2**40, 2**40+3, dtype=np.int64)'],
  ['arange(-(2**31)-2, -(2**31)+1)', () => mx.arange(-(2 ** 31) - 2, -(2 ** 31) + 1), mx.int64, 'np.arange(-(2**31)-2, -(2**31)+1, dtype=np.int64)'],
  ['arange(1.0, 3.0, 0.2, {dtype: int32})', () => mx.arange(1.0, 3.0, 0.2, { dtype: mx.int32 }), mx.int32, 'np.arange(1.0, 3.0, 0.2, dtype=np.int32)'],
  ['arange(0, 5, {dtype: float16})', () => mx.arange(0, 5, { dtype: mx.float16 }), mx.float16, 'np.arange(0, 5, dtype=np.float16)'],
  ['arange(3, {dtype: uint8})', () => mx.arange(3, { dtype: mx.uint8 }), mx.uint8, 'np.arange(3, dtype=np.uint8)'],
  ['arange(0, 1, 0.25, {dtype: float64})', () => mx.arange(0, 1, 0.25, { dtype: mx.float64 }), mx.float64, 'np.arange(0, 1, 0.25)'],
  ['arange(0, 0.3, 0.1, {dtype: float64})', () => mx.arange(0, 0.3, 0.1, { dtype: mx.float64 }), mx.float64, 'np.arange(0, 0.3, 0.1)'],
  ['arange(0, 3, {dtype: bfloat16})', () => mx.arange(0, 3, { dtype: mx.bfloat16 }), mx.bfloat16, 'np.arange(0, 3, dtype=np.float32)'],
  ['arange(-3, 3, 2, {dtype: int8})', () => mx.arange(-3, 3, 2, { dtype: mx.int8 }), mx.int8, 'np.arange(-3, 3, 2, dtype=np.int8)'],
  ['arange(0, 4, {dtype: int64})', () => mx.arange(0, 4, { dtype: mx.int64 }), mx.int64, 'np.arange(0, 4, dtype=np.int64)'],
  ['arange(10, {step: 3}) (overload 2)', () => mx.arange(10, { step: 3 }), mx.int32, 'np.arange(0, 10, 3, dtype=np.int32)'],
  ['arange(2, {stop: 5})', () => mx.arange(2, { stop: 5 }), mx.int32, 'np.arange(2, 5, dtype=np.int32)'],
  ['arange(5n) (bigint)', () => mx.arange(5n), mx.int32, 'np.arange(5, dtype=np.int32)'],
  ['arange(0, 2, 0.5, {dtype: float32})', () => mx.arange(0, 2, 0.5, { dtype: mx.float32 }), mx.float32, 'np.arange(0, 2, 0.5, dtype=np.float32)'],
].map(([label, thunk, dtype, expr]) => ({ label, out: thunk(), dtype, h: np.eval(expr) }));

// astype: every (src, dst) pair over representative values of src.
const SRC_VALUES = {
  bool_: [false, true, true],
  uint8: [0, 1, 3, 100, 200], uint16: [0, 1, 3, 100, 60000], uint32: [0, 1, 3, 100, 4000000000],
  uint64: [0n, 1n, 3n, 100n, 200n],
  int8: [0, 1, -3, 100, -100], int16: [0, 1, -3, 300, -300], int32: [0, 1, -3, 70000, -70000],
  int64: [0n, 1n, -3n, 100n, -(2n ** 40n)],
  float16: [0, 1.75, 2.5, 100.25, 120.5], float32: [0, 1.75, 2.5, 100.25, 120.5],
  float64: [0, 1.75, 2.5, 100.25, 120.5], bfloat16: [0, 1.75, 2.5, 100.5, 120],
  complex64: [0, 1.75, 2.5, 100.25, 120.5],
};
const ASTYPE = [];
for (const src of ALL_DTYPES) {
  const x = mx.array(SRC_VALUES[src], mx[src]);
  for (const dst of ALL_DTYPES) {
    ASTYPE.push({ src, dst, out: mx.astype(x, mx[dst]), h: np.eval(`x.astype(np.${NP_NAME[dst]})`, { x }) });
  }
}

np.run();

// ---- mx.array from scalars -----------------------------------------------------------------

test('array from JS scalars: dtype inference (bool, int32, int64, float32)', () => {
  assertArray(mx.array(true), { dtype: mx.bool_, shape: [], values: true });
  assertArray(mx.array(false), { dtype: mx.bool_, shape: [], values: false });
  assertArray(mx.array(5), { dtype: mx.int32, shape: [], values: 5 });
  assertArray(mx.array(-7), { dtype: mx.int32, shape: [], values: -7 });
  assertArray(mx.array(2 ** 31 - 1), { dtype: mx.int32, values: 2 ** 31 - 1 });
  assertArray(mx.array(-(2 ** 31)), { dtype: mx.int32, values: -(2 ** 31) });
  assertArray(mx.array(2 ** 31), { dtype: mx.int64, values: 2n ** 31n });
  assertArray(mx.array(-(2 ** 31) - 1), { dtype: mx.int64, values: -(2n ** 31n) - 1n });
  assertArray(mx.array(2 ** 40), { dtype: mx.int64, values: 1099511627776n });
  assertArray(mx.array(Number.MAX_SAFE_INTEGER), { dtype: mx.int64, values: 9007199254740991n });
  assertArray(mx.array(1.5), { dtype: mx.float32, shape: [], values: 1.5 });
  // A Python float goes through a C++ float: 0.1 reads back as float32(0.1).
  assert.equal(mx.array(0.1).item(), Math.fround(0.1));
  assert.equal(mx.array(NaN).dtype, mx.float32);
  assert.ok(Number.isNaN(mx.array(NaN).item()));
  assertArray(mx.array(-Infinity), { dtype: mx.float32, values: -Infinity });
  // JS has no separate float type for integral numbers: 1.0 is the int 1 (docs/api-grammar.md).
  assertArray(mx.array(1.0), { dtype: mx.int32, values: 1 });
});

test('array from bigint scalars: a bigint is a Python int (int32 in range, int64 beyond)', () => {
  assertArray(mx.array(5n), { dtype: mx.int32, shape: [], values: 5 });
  assertArray(mx.array(2n ** 40n), { dtype: mx.int64, values: 2n ** 40n });
  assertArray(mx.array(2n ** 63n - 1n), { dtype: mx.int64, values: 2n ** 63n - 1n });
  assertArray(mx.array(-(2n ** 63n)), { dtype: mx.int64, values: -(2n ** 63n) });
  assertArray(mx.array(2n ** 64n - 1n, mx.uint64), { dtype: mx.uint64, values: 2n ** 64n - 1n });
  assertArray(mx.array(5n, mx.int64), { dtype: mx.int64, values: 5n });
  throwsWith(() => mx.array(2n ** 63n), RangeError, /^\[array\] .*int64 range/);
  throwsWith(() => mx.array(2n ** 64n, mx.uint64), RangeError, /^\[array\] .*uint64 range/);
});

test('array from scalars with an explicit dtype casts (static_cast semantics)', () => {
  assertArray(mx.array(1.5, mx.float64), { dtype: mx.float64, values: 1.5 });
  // float64 keeps double precision for a scalar.
  assert.equal(mx.array(0.1, mx.float64).item(), 0.1);
  assertArray(mx.array(1.7, mx.int32), { dtype: mx.int32, values: 1 });
  assertArray(mx.array(-1.7, mx.int32), { dtype: mx.int32, values: -1 });
  assertArray(mx.array(300, mx.int8), { dtype: mx.int8, values: 44 });
  assertArray(mx.array(-1, mx.uint32), { dtype: mx.uint32, values: 4294967295 });
  assertArray(mx.array(-1, mx.uint8), { dtype: mx.uint8, values: 255 });
  assertArray(mx.array(true, mx.float32), { dtype: mx.float32, values: 1 });
  assertArray(mx.array(3, mx.bool_), { dtype: mx.bool_, values: true });
  assertArray(mx.array(0, mx.bool_), { dtype: mx.bool_, values: false });
  assertArray(mx.array(NaN, mx.bool_), { dtype: mx.bool_, values: true });
  assertArray(mx.array(2, mx.complex64), { dtype: mx.complex64, values: { re: 2, im: 0 } });
  assertArray(mx.array(1.5, mx.float16), { dtype: mx.float16, values: 1.5 });
  assertArray(mx.array(0.1, mx.float16), { dtype: mx.float16, values: 0.0999755859375, tol: { rtol: 0, atol: 0 } });
  assertArray(mx.array(0.1, mx.bfloat16), { dtype: mx.bfloat16, values: 0.10009765625, tol: { rtol: 0, atol: 0 } });
});

// ---- mx.array from nested arrays -----------------------------------------------------------

test('array from nested arrays: shape and the most general kind (bool < int < float)', () => {
  assertArray(mx.array([[1, 2], [3, 4]]), { dtype: mx.int32, shape: [2, 2], values: [1, 2, 3, 4] });
  assertArray(mx.array([1, 2.5]), { dtype: mx.float32, shape: [2], values: [1, 2.5] });
  assertArray(mx.array([true, false]), { dtype: mx.bool_, shape: [2], values: [true, false] });
  assertArray(mx.array([true, 2]), { dtype: mx.int32, values: [1, 2] });
  assertArray(mx.array([false, 1.5]), { dtype: mx.float32, values: [0, 1.5] });
  assertArray(mx.array([1, 2 ** 31]), { dtype: mx.int64, values: [1n, 2n ** 31n] });
  assertArray(mx.array([[1], [-(2 ** 31) - 1]]), { dtype: mx.int64, shape: [2, 1], values: [1n, -(2n ** 31n) - 1n] });
  assertArray(mx.array([2 ** 40, 0.5]), { dtype: mx.float32, values: [2 ** 40, 0.5] });
  assertArray(mx.array([1n, 2]), { dtype: mx.int32, values: [1, 2] });
  assertArray(mx.array([2n ** 40n, 2]), { dtype: mx.int64, values: [2n ** 40n, 2n] });
  assertArray(mx.array([[[1, 2, 3]], [[4, 5, 6]]]), { dtype: mx.int32, shape: [2, 1, 3], values: [1, 2, 3, 4, 5, 6] });
  assertArray(mx.array([]), { dtype: mx.float32, shape: [0], values: [] });
  assertArray(mx.array([[], []]), { dtype: mx.float32, shape: [2, 0], values: [] });
  assertArray(mx.array([[[]]]), { dtype: mx.float32, shape: [1, 1, 0], values: [] });
  assertArray(mx.array([7]), { dtype: mx.int32, shape: [1], values: [7] });
});

test('array from nested arrays with an explicit dtype', () => {
  assertArray(mx.array([1.7, -1.7], mx.int32), { dtype: mx.int32, values: [1, -1] });
  assertArray(mx.array([300, -1], mx.int8), { dtype: mx.int8, values: [44, -1] });
  assertArray(mx.array([-1, 256], mx.uint8), { dtype: mx.uint8, values: [255, 0] });
  assertArray(mx.array([1, 2], mx.float64), { dtype: mx.float64, values: [1, 2] });
  // A float list goes through doubles only for float64.
  assert.deepEqual(mx.array([0.1, 0.2], mx.float64).tolist(), [0.1, 0.2]);
  assert.deepEqual(mx.array([0.1], mx.float32).tolist(), [Math.fround(0.1)]);
  assertArray(mx.array([1, 2], mx.complex64), { dtype: mx.complex64, values: [{ re: 1, im: 0 }, { re: 2, im: 0 }] });
  assertArray(mx.array([2 ** 40, 1], mx.int64), { dtype: mx.int64, values: [2n ** 40n, 1n] });
  assertArray(mx.array([2n ** 64n - 1n, 0n], mx.uint64), { dtype: mx.uint64, values: [2n ** 64n - 1n, 0n] });
  assertArray(mx.array([2n ** 63n], mx.uint64), { dtype: mx.uint64, values: [2n ** 63n] });
  assertArray(mx.array([0, 2, NaN], mx.bool_), { dtype: mx.bool_, values: [false, true, true] });
  assertArray(mx.array([true, false], mx.int16), { dtype: mx.int16, values: [1, 0] });
  assertArray(mx.array([1, 2049], mx.float16), { dtype: mx.float16, values: [1, 2048], tol: { rtol: 0, atol: 0 } });
  assertArray(mx.array([[1, 2], [3, 4]], mx.bfloat16), { dtype: mx.bfloat16, shape: [2, 2], values: [1, 2, 3, 4] });
  // 2^24 + 1 is not a float32: it rounds to 2^24.
  assertArray(mx.array([2 ** 24 + 1], mx.float32), { dtype: mx.float32, values: [2 ** 24], tol: { rtol: 0, atol: 0 } });
});

test('array from {re, im} objects is complex64', () => {
  assertArray(mx.array([{ re: 1, im: 2 }, { re: -0.5, im: 0 }]), { dtype: mx.complex64, shape: [2], values: [{ re: 1, im: 2 }, { re: -0.5, im: 0 }] });
  // A scalar, a mix with real numbers (zero imaginary part), and the weak complex scalar.
  assert.deepEqual(mx.array({ re: 1.5, im: -1 }).item(), { re: 1.5, im: -1 });
  assert.deepEqual(mx.array([1, { re: 0, im: 2 }]).tolist(), [{ re: 1, im: 0 }, { re: 0, im: 2 }]);
  const z = mx.add(mx.array([1, 2], mx.int8), { re: 0, im: 1 });
  assert.equal(z.dtype, mx.complex64);
  assert.deepEqual(z.tolist(), [{ re: 1, im: 1 }, { re: 2, im: 1 }]);
  // (1+2j)^2 = -3+4j
  assert.deepEqual(mx.multiply(mx.array({ re: 1, im: 2 }), { re: 1, im: 2 }).item(), { re: -3, im: 4 });
  // With a real dtype the imaginary part is dropped, as a C++ cast does.
  assert.deepEqual(mx.array([{ re: 3, im: 4 }], mx.float32).tolist(), [3]);
});

test('array from a list of mx arrays stacks them, promoting dtypes', () => {
  const s = mx.array([mx.array([1, 2]), mx.array([3, 4])]);
  assertArray(s, { dtype: mx.int32, shape: [2, 2], values: [1, 2, 3, 4] });
  const m = mx.array([mx.array([1, 2], mx.int8), mx.array([3.5, 4], mx.float16)]);
  assertArray(m, { dtype: mx.float16, shape: [2, 2], values: [1, 2, 3.5, 4] });
  throwsWith(() => mx.array([mx.array([1, 2]), mx.array([3])]), Error, /^\[array\] Initialization encountered non-uniform length\./);
});

test('array from an mx.array copies (and casts with a dtype)', () => {
  const a = mx.array([1, 2, 3]);
  const b = mx.array(a);
  assert.notEqual(b, a);
  assertArray(b, { dtype: mx.int32, shape: [3], values: [1, 2, 3] });
  assertArray(mx.array(a, mx.float16), { dtype: mx.float16, values: [1, 2, 3] });
  assert.ok(b instanceof mx.array);
  assert.ok(new mx.array([1]) instanceof mx.array);
  assertArray(mx.array([1, 2], { dtype: mx.uint16 }), { dtype: mx.uint16, values: [1, 2] });
});

test('ragged and malformed nested input throws', () => {
  throwsWith(() => mx.array([[1, 2], [3]]), Error, /^\[array\] Initialization encountered non-uniform length\./);
  throwsWith(() => mx.array([[1, 2], 3]), Error, /^\[array\] Initialization encountered non-uniform length\./);
  throwsWith(() => mx.array([1, [2, 3]]), Error, /^\[array\] Initialization encountered extra dimension\./);
  throwsWith(() => mx.array([[[1], [2]], [[3], [4, 5]]]), Error, /^\[array\] Initialization encountered non-uniform length\./);
  throwsWith(() => mx.array([['a']]), TypeError, /^\[array\] Invalid type string received in array initialization\./);
  throwsWith(() => mx.array([1, null]), TypeError, /^\[array\] Invalid type null received/);
  throwsWith(() => mx.array([1, undefined]), TypeError, /^\[array\] Invalid type undefined received/);
  throwsWith(() => mx.array([{}]), TypeError, /^\[array\] Invalid type object received/);
  throwsWith(() => mx.array('abc'), TypeError, /^\[array\] /);
  throwsWith(() => mx.array([2n ** 63n]), RangeError, /^\[array\] .*int64 range/);
  throwsWith(() => mx.array([2n ** 64n], mx.uint64), RangeError, /^\[array\] .*64-bit integer range/);
});

// ---- TypedArrays, ArrayBuffer, Buffer ------------------------------------------------------

test('TypedArrays map to their dtype and keep their values', () => {
  const cases = [
    [new Float32Array([1.5, -2.25]), mx.float32, [1.5, -2.25]],
    [new Int8Array([-128, 127]), mx.int8, [-128, 127]],
    [new Int16Array([-32768, 32767]), mx.int16, [-32768, 32767]],
    [new Int32Array([-(2 ** 31), 2 ** 31 - 1]), mx.int32, [-(2 ** 31), 2 ** 31 - 1]],
    [new Uint8Array([0, 255]), mx.uint8, [0, 255]],
    [new Uint8ClampedArray([0, 255]), mx.uint8, [0, 255]],
    [new Uint16Array([0, 65535]), mx.uint16, [0, 65535]],
    [new Uint32Array([0, 4294967295]), mx.uint32, [0, 4294967295]],
    [new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]), mx.int64, [-(2n ** 63n), 2n ** 63n - 1n]],
    [new BigUint64Array([0n, 2n ** 64n - 1n]), mx.uint64, [0n, 2n ** 64n - 1n]],
  ];
  for (const [t, dtype, values] of cases) {
    assertArray(mx.array(t), { dtype, shape: [t.length], values, msg: t.constructor.name });
    assertArray(mx.asarray(t), { dtype, shape: [t.length], values, msg: `asarray ${t.constructor.name}` });
  }
});

test('Float64Array becomes float32 unless dtype is float64', () => {
  const f = new Float64Array([0.1, 1.5, 1e300]);
  assertArray(mx.array(f), { dtype: mx.float32, shape: [3], values: [Math.fround(0.1), 1.5, Infinity], tol: { rtol: 0, atol: 0 } });
  assertArray(mx.asarray(f), { dtype: mx.float32, values: [Math.fround(0.1), 1.5, Infinity], tol: { rtol: 0, atol: 0 } });
  assert.deepEqual(mx.array(f, mx.float64).tolist(), [0.1, 1.5, 1e300]);
  assertArray(mx.array(f, mx.float64), { dtype: mx.float64, shape: [3] });
  assertArray(mx.array(new Float64Array([2.7, -2.7]), mx.int32), { dtype: mx.int32, values: [2, -2] });
});

test('TypedArray with another dtype casts; views honour byteOffset', () => {
  assertArray(mx.array(new Int32Array([1, -2, 3]), mx.float32), { dtype: mx.float32, values: [1, -2, 3] });
  assertArray(mx.array(new Float32Array([1.9, -1.9]), mx.int8), { dtype: mx.int8, values: [1, -1] });
  assertArray(mx.array(new Int16Array([-1, 300]), mx.uint8), { dtype: mx.uint8, values: [255, 44] });
  const buf = new Float32Array([10, 20, 30, 40, 50]).buffer;
  const view = new Float32Array(buf, 4, 3);
  assertArray(mx.array(view), { dtype: mx.float32, shape: [3], values: [20, 30, 40] });
  assertArray(mx.asarray(view), { dtype: mx.float32, shape: [3], values: [20, 30, 40] });
  // A nested Array of TypedArrays.
  assertArray(mx.array([new Int8Array([1, 2]), new Int8Array([3, 4])]), { dtype: mx.int8, shape: [2, 2], values: [1, 2, 3, 4] });
  assertArray(mx.array(new Float32Array(0)), { dtype: mx.float32, shape: [0], values: [] });
});

test('ArrayBuffer and Buffer are uint8 bytes', () => {
  const bytes = new Uint8Array([1, 2, 250]);
  assertArray(mx.array(bytes.buffer), { dtype: mx.uint8, shape: [3], values: [1, 2, 250] });
  assertArray(mx.array(Buffer.from([7, 8, 255, 0])), { dtype: mx.uint8, shape: [4], values: [7, 8, 255, 0] });
  assertArray(mx.array(Buffer.from([7, 8]), mx.int32), { dtype: mx.int32, values: [7, 8] });
  // The bytes of a float32: 1.0 is 00 00 80 3f (little-endian).
  assertArray(mx.array(new Float32Array([1]).buffer), { dtype: mx.uint8, values: [0, 0, 128, 63] });
  throwsWith(() => mx.array(new DataView(new ArrayBuffer(4))), TypeError, /^\[array\] DataView is not supported/);
});

test('asarray aliases a TypedArray of the same dtype; array copies', () => {
  const f = new Float32Array([1, 2, 3]);
  const shared = mx.asarray(f);
  const copied = mx.array(f);
  f[0] = 10;
  assertArray(shared, { dtype: mx.float32, shape: [3], values: [10, 2, 3] });
  assertArray(copied, { dtype: mx.float32, shape: [3], values: [1, 2, 3] });
  f[2] = -5;
  assertArray(shared, { values: [10, 2, -5] });
  assertArray(copied, { values: [1, 2, 3] });

  const i = new Int32Array([5, 6]);
  const si = mx.asarray(i);
  i[1] = 60;
  assertArray(si, { dtype: mx.int32, values: [5, 60] });

  // asarray with the same dtype still aliases; with another dtype (or Float64Array) it copies.
  const g = new Float32Array([1, 2]);
  const same = mx.asarray(g, mx.float32);
  const other = mx.asarray(g, mx.float16);
  const forced = mx.asarray(g, { copy: true });
  other.eval();
  forced.eval();
  g[0] = 7;
  assertArray(same, { dtype: mx.float32, values: [7, 2] });
  assertArray(other, { dtype: mx.float16, values: [1, 2] });
  assertArray(forced, { dtype: mx.float32, values: [1, 2] });

  const d = new Float64Array([1, 2]);
  const fd = mx.asarray(d);
  fd.eval();
  d[0] = 100;
  assertArray(fd, { dtype: mx.float32, values: [1, 2] });

  // asarray of an mx.array with no dtype change is the same object.
  const a = mx.array([1, 2]);
  assert.equal(mx.asarray(a), a);
  assertArray(mx.asarray(a, mx.float32), { dtype: mx.float32, values: [1, 2] });
  assertArray(mx.asarray([1, 2.5]), { dtype: mx.float32, values: [1, 2.5] });
  assertArray(mx.asarray(3), { dtype: mx.int32, shape: [], values: 3 });
});

// ---- zeros, ones, full, *_like -------------------------------------------------------------

test('zeros and ones: default float32, int or list shape, every dtype', () => {
  assertArray(mx.zeros([2, 3]), { dtype: mx.float32, shape: [2, 3], values: [0, 0, 0, 0, 0, 0] });
  assertArray(mx.ones(3), { dtype: mx.float32, shape: [3], values: [1, 1, 1] });
  assertArray(mx.zeros([]), { dtype: mx.float32, shape: [], values: 0 });
  assertArray(mx.ones([2, 0]), { dtype: mx.float32, shape: [2, 0], values: [] });
  assertArray(mx.zeros(0), { dtype: mx.float32, shape: [0], values: [] });
  for (const key of ALL_DTYPES) {
    const z = mx.zeros([2, 2], mx[key]);
    const o = mx.ones([3], { dtype: mx[key] });
    const zero = key === 'bool_' ? false : key === 'complex64' ? { re: 0, im: 0 } : 0;
    const one = key === 'bool_' ? true : key === 'complex64' ? { re: 1, im: 0 } : 1;
    assertArray(z, { dtype: mx[key], shape: [2, 2], values: [zero, zero, zero, zero], msg: key });
    assertArray(o, { dtype: mx[key], shape: [3], values: [one, one, one], msg: key });
  }
});

test('full: scalar and array vals, weak scalar against dtype', () => {
  assertArray(mx.full([2, 2], 7), { dtype: mx.int32, shape: [2, 2], values: [7, 7, 7, 7] });
  assertArray(mx.full(3, 1.5), { dtype: mx.float32, shape: [3], values: [1.5, 1.5, 1.5] });
  assertArray(mx.full([2], true), { dtype: mx.bool_, values: [true, true] });
  assertArray(mx.full([2], 2 ** 40), { dtype: mx.int64, values: [2n ** 40n, 2n ** 40n] });
  assertArray(mx.full([2], 2n ** 40n), { dtype: mx.int64, values: [2n ** 40n, 2n ** 40n] });
  assertArray(mx.full([2], 3, mx.float16), { dtype: mx.float16, values: [3, 3] });
  assertArray(mx.full([2], 3, mx.int8), { dtype: mx.int8, values: [3, 3] });
  assertArray(mx.full([2], 2.5, mx.float64), { dtype: mx.float64, values: [2.5, 2.5] });
  assertArray(mx.full([1], 5, mx.complex64), { dtype: mx.complex64, values: [{ re: 5, im: 0 }] });
  // dtype_rules.md section 4 (source reading): a float with an int dtype becomes float32,
  // an int with bool_ becomes int32.
  assertArray(mx.full(3, 1.5, mx.int32), { dtype: mx.float32, values: [1.5, 1.5, 1.5] });
  assertArray(mx.full(2, 1, mx.bool_), { dtype: mx.int32, values: [1, 1] });
  throwsWith(() => mx.full([2], 300, mx.int8), RangeError, /^\[full\] Converting 300 to int8 would result in overflow\./);
  // Array vals broadcast to the shape and keep their own dtype.
  assertArray(mx.full([2, 3], mx.array([1, 2, 3], mx.int16)), { dtype: mx.int16, shape: [2, 3], values: [1, 2, 3, 1, 2, 3] });
  assertArray(mx.full([2, 2], [[1], [2]]), { dtype: mx.int32, shape: [2, 2], values: [1, 1, 2, 2] });
  throwsWith(() => mx.full([2], [1, 2, 3]), Error, /^\[full\] Cannot broadcast vals of shape \(3\) to shape \(2\)\./);
});

test('zeros_like and ones_like keep shape and dtype; dtype overrides', () => {
  for (const key of ALL_DTYPES) {
    const a = mx.ones([2, 1, 3], mx[key]);
    const z = mx.zeros_like(a);
    const o = mx.ones_like(a);
    assertArray(z, { dtype: mx[key], shape: [2, 1, 3], msg: key });
    assertArray(o, { dtype: mx[key], shape: [2, 1, 3], msg: key });
    const exp = (v) => (key === 'bool_' ? Boolean(v) : key === 'complex64' ? { re: v, im: 0 } : v);
    assertArray(z, { values: Array(6).fill(exp(0)), msg: key });
    assertArray(o, { values: Array(6).fill(exp(1)), msg: key });
  }
  assertArray(mx.zeros_like(mx.arange(4), { dtype: mx.float16 }), { dtype: mx.float16, shape: [4], values: [0, 0, 0, 0] });
  assertArray(mx.ones_like([[1, 2]], mx.int64), { dtype: mx.int64, shape: [1, 2], values: [1n, 1n] });
  assertArray(mx.ones_like([1.5, 2]), { dtype: mx.float32, shape: [2], values: [1, 1] });
  assertArray(mx.zeros_like(3), { dtype: mx.int32, shape: [], values: 0 });
});

// ---- arange --------------------------------------------------------------------------------

for (const c of ARANGE) {
  test(`${c.label}: dtype and values`, () => {
    assertNumpy(c.out, c.h, { dtype: c.dtype });
  });
}

test('arange dtype inference follows the Python scalar kinds of start/stop/step', () => {
  assert.equal(mx.arange(5).dtype, mx.int32);
  assert.equal(mx.arange(5.5).dtype, mx.float32);
  assert.equal(mx.arange(1, 3.5).dtype, mx.float32);
  assert.equal(mx.arange(1, 5, 0.5).dtype, mx.float32);
  assert.equal(mx.arange(2 ** 40, 2 ** 40 + 3).dtype, mx.int64);
  assert.equal(mx.arange(0, 2n ** 40n, 2n ** 39n).dtype, mx.int64);
  assert.equal(mx.arange(1.5, 3, { dtype: mx.int32 }).dtype, mx.int32);
  // JS cannot spell Python's `3.0`: it is the integer 3, so arange(1, 3.0) is int32 here
  // (Python MLX gives float32; docs/api-grammar.md, "1.0 is an integer").
  assertArray(mx.arange(1, 3.0), { dtype: mx.int32, values: [1, 2] });
  assertArray(mx.arange(1, 3.0, { dtype: mx.float32 }), { dtype: mx.float32, values: [1, 2] });
});

test('arange errors: step 0, NaN, infinity, bool and complex dtype, too large', () => {
  throwsWith(() => mx.arange(0, 5, 0), Error, /^\[arange\] Cannot compute length with step 0\./);
  throwsWith(() => mx.arange(0, 5, 0.0, { dtype: mx.float32 }), Error, /^\[arange\] .*step 0/);
  throwsWith(() => mx.arange(NaN), Error, /^\[arange\] Cannot compute length\./);
  throwsWith(() => mx.arange(0, NaN), Error, /^\[arange\] Cannot compute length\./);
  throwsWith(() => mx.arange(0, 5, NaN), Error, /^\[arange\] Cannot compute length\./);
  throwsWith(() => mx.arange(0, Infinity), Error, /^\[arange\] Cannot compute length\./);
  throwsWith(() => mx.arange(-Infinity, 0), Error, /^\[arange\] Cannot compute length\./);
  throwsWith(() => mx.arange(5, { dtype: mx.bool_ }), TypeError, /^\[arange\] bool not supported for arange\./);
  throwsWith(() => mx.arange(0, 5, 1, mx.bool_), TypeError, /^\[arange\] bool not supported for arange\./);
  throwsWith(() => mx.arange(5, { dtype: mx.complex64 }), Error, /^\[arange\] complex64 not supported/);
  throwsWith(() => mx.arange(0, 2 ** 32), Error, /^\[arange\] Maximum size exceeded/);
  throwsWith(() => mx.arange('5'), TypeError, /^\[arange\] argument 'start' must be a number/);
  throwsWith(() => mx.arange(true), TypeError, /^\[arange\] /);
  throwsWith(() => mx.arange(), TypeError, /^\[arange\] missing required argument/);
  throwsWith(() => mx.arange(5, { dtype: 'int32' }), TypeError, /^\[arange\] argument 'dtype' must be a Dtype/);
});

// ---- copy ----------------------------------------------------------------------------------

test('copy: same values, dtype and shape, a new array', () => {
  for (const key of ALL_DTYPES) {
    const a = mx.array([[0, 1], [1, 0]], mx[key]);
    const c = mx.copy(a);
    assert.notEqual(c, a);
    assert.deepEqual(c.tolist(), a.tolist(), key);
    assertArray(c, { dtype: mx[key], shape: [2, 2] });
  }
  assertArray(mx.copy([1.5, 2]), { dtype: mx.float32, values: [1.5, 2] });
  assertArray(mx.copy(mx.arange(6).reshape(2, 3).T), { dtype: mx.int32, shape: [3, 2], values: [0, 3, 1, 4, 2, 5] });
});

test('copy (and mx.array) of an asarray-aliased TypedArray does not follow later writes', () => {
  const f = new Float32Array([1, 2]);
  const c = mx.copy(mx.asarray(f)).eval();
  const a = mx.array(mx.asarray(f)).eval();
  f[0] = 9;
  assertArray(c, { values: [1, 2] });
  assertArray(a, { values: [1, 2] });
});

// ---- astype --------------------------------------------------------------------------------

for (const c of ASTYPE) {
  test(`astype ${c.src} -> ${c.dst}`, () => {
    assertNumpy(c.out, c.h, { dtype: mx[c.dst] });
  });
}

test('astype: integer wraparound, float truncation, NaN to bool', () => {
  assertArray(mx.astype(mx.array([300, -129, 127]), mx.int8), { dtype: mx.int8, values: [44, 127, 127] });
  assertArray(mx.astype(mx.array([-1]), mx.uint32), { dtype: mx.uint32, values: [4294967295] });
  assertArray(mx.astype(mx.array([-1]), mx.uint8), { dtype: mx.uint8, values: [255] });
  assertArray(mx.astype(mx.array([-1]), mx.uint64), { dtype: mx.uint64, values: [2n ** 64n - 1n] });
  assertArray(mx.astype(mx.array([70000]), mx.int16), { dtype: mx.int16, values: [4464] });
  assertArray(mx.astype(mx.array([2 ** 40 + 5]), mx.int32), { dtype: mx.int32, values: [5] });
  assertArray(mx.astype(mx.array([2n ** 63n], mx.uint64), mx.int64), { dtype: mx.int64, values: [-(2n ** 63n)] });
  assertArray(mx.astype(mx.array([1.7, -1.7, 2.5, -2.5, 0.99]), mx.int32), { dtype: mx.int32, values: [1, -1, 2, -2, 0] });
  assertArray(mx.astype(mx.array([1.7, -1.7]), mx.int64), { dtype: mx.int64, values: [1n, -1n] });
  assertArray(mx.astype(mx.array([200.9]), mx.uint8), { dtype: mx.uint8, values: [200] });
  assertArray(mx.astype(mx.array([NaN, 0, -0.5, 0.1, Infinity]), mx.bool_), { dtype: mx.bool_, values: [true, false, true, true, true] });
  assertArray(mx.astype(mx.array([-0.0]), mx.bool_), { dtype: mx.bool_, values: [false] });
  assertArray(mx.astype(mx.array([true, false]), mx.float32), { dtype: mx.float32, values: [1, 0] });
  assertArray(mx.astype(mx.array([2n ** 64n - 1n], mx.uint64), mx.float32), { dtype: mx.float32, values: [18446744073709551616] });
  assertArray(mx.astype(mx.array([2, 3], mx.complex64), mx.float32), { dtype: mx.float32, values: [2, 3] });
  // The array method goes to the same op.
  assertArray(mx.array([1.5, 2.5]).astype(mx.int8), { dtype: mx.int8, values: [1, 2] });
  assertArray(mx.array([1, 2]).astype(mx.float16, { stream: mx.cpu }), { dtype: mx.float16, values: [1, 2] });
});

test('astype to float16: round to nearest even, overflow, subnormals (hand-worked)', () => {
  const exact = { rtol: 0, atol: 0 };
  const x = mx.array([1 + 2 ** -11, 1 + 3 * 2 ** -11, 65504, 65519, 65520, 0.1, 2 ** -24, 2 ** -25, 3 * 2 ** -26, -2.5, 1e-8], mx.float32);
  assertArray(mx.astype(x, mx.float16), {
    dtype: mx.float16,
    values: [1, 1 + 2 ** -9, 65504, 65504, Infinity, 0.0999755859375, 2 ** -24, 0, 2 ** -24, -2.5, 0],
    tol: exact,
  });
  assertArray(mx.astype(mx.array([-70000]), mx.float16), { dtype: mx.float16, values: [-Infinity], tol: exact });
  assertArray(mx.astype(mx.array([2049, 2051]), mx.float16), { dtype: mx.float16, values: [2048, 2052], tol: exact });
  assert.ok(Number.isNaN(mx.astype(mx.array([NaN]), mx.float16).tolist()[0]));
});

test('astype to bfloat16: round to nearest even (hand-worked)', () => {
  const exact = { rtol: 0, atol: 0 };
  const vals = [1 + 2 ** -8, 1 + 3 * 2 ** -8, 0.1, 3.14159, 65504, 257, 3.4028234663852886e38, -1.5];
  const x = mx.array(vals, mx.float32);
  assertArray(mx.astype(x, mx.bfloat16), {
    dtype: mx.bfloat16,
    values: [1, 1.015625, 0.10009765625, 3.140625, 65536, 256, Infinity, -1.5],
    tol: exact,
  });
  // The same values through the bit-level reference.
  assert.deepEqual(mx.astype(x, mx.bfloat16).tolist(), vals.map(roundBf16));
  assertArray(mx.astype(mx.array([259, 261]), mx.bfloat16), { dtype: mx.bfloat16, values: [260, 260], tol: exact });
  assertArray(mx.astype(mx.array([1.5], mx.float16), mx.bfloat16), { dtype: mx.bfloat16, values: [1.5], tol: exact });
});
