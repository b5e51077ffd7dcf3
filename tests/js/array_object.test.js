'use strict';
// The mx.array object (array_methods.tsv): every operator dunder (plain, reflected, in-place)
// and the readable operator methods against numpy, for arrays of all 14 dtypes with JS scalars
// of each kind (integer number, float number, boolean, bigint) on either side and with arrays
// of other dtypes (broadcasting); in-place rebinding; Symbol.toPrimitive; __bool__, __int__,
// __float__, __complex__, __len__, iteration, __copy__, __format__ (against Python's format());
// item()/tolist() of every dtype and shape; itemsize/nbytes/real/imag; every error.
// Expected dtypes come from MLX's weak-scalar rule written out here (a scalar takes the
// array's dtype where it fits: ints unless the array is bool, floats unless the array is not
// floating, where they are float32), promoted with mx.result_type; numpy computes in that dtype.
const test = require('node:test');
const assert = require('node:assert/strict');
const { inspect } = require('node:util');
const { spawnSync } = require('node:child_process');
const mx = require('../../lib').core;
const { NumpyBatch, NP_NAME, PYTHON } = require('./helpers/numpy');
const { ALL_DTYPES, FLOAT_KEYS, INT_KEYS, assertArray, assertNumpy, throwsWith, roundBf16 } = require('./helpers/check');

const np = new NumpyBatch();
const promote = (a, b) => mx.result_type(mx[a], mx[b])._key;
const isInexact = (k) => FLOAT_KEYS.has(k) || k === 'complex64';
const SIGNED = new Set(['int8', 'int16', 'int32', 'int64']);

// ---- operands ----------------------------------------------------------------------------------

// Array values per dtype; `nonneg` for exponents and shift counts (a may be the right operand).
function values(k, nonneg) {
  if (k === 'bool_') return [true, false, true, true, false, true];
  if (k === 'complex64') return [{ re: 1, im: 2 }, { re: -1.5, im: 0.5 }, { re: 2, im: 0 }, { re: 0.5, im: -1 }, { re: 3, im: 1 }, { re: -2, im: -2 }];
  if (FLOAT_KEYS.has(k)) return nonneg ? [0.5, 1.5, 2, 3, 1, 2.5] : [-2.5, -1, 0.5, 1.5, 3, 4.25];
  const v = SIGNED.has(k) && !nonneg ? [-3, -1, 1, 2, 5, 7] : [1, 2, 3, 5, 7, 4];
  return k === 'int64' || k === 'uint64' ? v.map(BigInt) : v;
}
const mk = (k, nonneg, shape = [2, 3]) => mx.array(values(k, nonneg), mx[k]).reshape(shape);

// JS scalars of each kind and the dtype MLX gives each beside an array of dtype k.
const SCALARS = [
  { label: 'int 2', v: 2, kind: 'int' },
  { label: 'int 3', v: 3, kind: 'int' },
  { label: 'float 1.5', v: 1.5, kind: 'float' },
  { label: 'bool true', v: true, kind: 'bool' },
  { label: 'bigint 3n', v: 3n, kind: 'int' },
];
function weakDtype(s, k) {
  if (s.kind === 'bool') return k;
  if (s.kind === 'int') return k === 'bool_' ? 'int32' : k;
  return FLOAT_KEYS.has(k) ? k : 'float32';
}
const pyScalar = (s, k) => ({ dtype: NP_NAME[k], shape: [], flat: [typeof s.v === 'boolean' && k !== 'bool_' ? +s.v : s.v] });

// ---- the operator table ------------------------------------------------------------------------

// kind: arith (result = promoted dtype), div (at least float), cmp (bool), bit (no floats),
// shift (no floats; bool computes in uint8). pos: operands must be non-negative (power, shifts).
const OPS = {
  add: { np: 'np.add(X, Y)', kind: 'arith', dunders: ['__add__', '__radd__', '__iadd__'] },
  subtract: { np: 'np.subtract(X, Y)', kind: 'arith', dunders: ['__sub__', '__rsub__', '__isub__'] },
  multiply: { np: 'np.multiply(X, Y)', kind: 'arith', dunders: ['__mul__', '__rmul__', '__imul__'] },
  divide: { np: 'np.true_divide(X, Y)', kind: 'div', dunders: ['__truediv__', '__rtruediv__', '__itruediv__', '__div__', '__rdiv__'] },
  floor_divide: { np: 'np.floor_divide(X, Y)', npf: 'np.floor(np.true_divide(X, Y))', kind: 'arith', real: true, dunders: ['__floordiv__', '__rfloordiv__', '__ifloordiv__'] },
  remainder: { np: 'np.remainder(X, Y)', kind: 'arith', real: true, dunders: ['__mod__', '__rmod__', '__imod__'] },
  power: { np: 'np.power(X, Y)', kind: 'arith', real: true, pos: true, dunders: ['__pow__', '__rpow__', '__ipow__'] },
  equal: { np: 'np.equal(X, Y)', kind: 'cmp', dunders: ['__eq__'] },
  not_equal: { np: 'np.not_equal(X, Y)', kind: 'cmp', dunders: ['__ne__'] },
  less: { np: 'np.less(X, Y)', kind: 'cmp', real: true, dunders: ['__lt__'] },
  less_equal: { np: 'np.less_equal(X, Y)', kind: 'cmp', real: true, dunders: ['__le__'] },
  greater: { np: 'np.greater(X, Y)', kind: 'cmp', real: true, dunders: ['__gt__'] },
  greater_equal: { np: 'np.greater_equal(X, Y)', kind: 'cmp', real: true, dunders: ['__ge__'] },
  bitwise_and: { np: 'np.bitwise_and(X, Y)', kind: 'bit', dunders: ['__and__', '__iand__'] },
  bitwise_or: { np: 'np.bitwise_or(X, Y)', kind: 'bit', dunders: ['__or__', '__ior__'] },
  bitwise_xor: { np: 'np.bitwise_xor(X, Y)', kind: 'bit', dunders: ['__xor__', '__ixor__'] },
  left_shift: { np: 'np.left_shift(X, Y)', kind: 'shift', pos: true, dunders: ['__lshift__', '__ilshift__'] },
  right_shift: { np: 'np.right_shift(X, Y)', kind: 'shift', pos: true, dunders: ['__rshift__', '__irshift__'] },
};
const form = (d) => (/^__i/.test(d) && d !== '__invert__' ? 'inplace' : /^__r/.test(d) && d !== '__rshift__' ? 'reflected' : 'plain');

// Result dtype of op on operand dtypes (x, y), or null where MLX refuses the combination
// (checked separately) or numpy has no matching semantics (bool arithmetic).
function resultDtype(op, x, y) {
  const o = OPS[op];
  const p = promote(x, y);
  if (o.real && p === 'complex64') return null;
  switch (o.kind) {
    case 'arith': return p === 'bool_' ? null : p;
    case 'div': return isInexact(p) ? p : 'float32';
    case 'cmp': return 'bool_';
    case 'bit': return isInexact(p) ? null : p;
    case 'shift': return isInexact(p) ? null : p === 'bool_' ? 'uint8' : p;
    default: throw new Error(op);
  }
}
// numpy expression of op(L, R) computed in dtype c, cast to r.
function npExpr(op, c, r, L, R) {
  const o = OPS[op];
  const work = OPS[op].kind === 'div' ? r : c;
  const cast = (v) => `${v}.astype(np.${NP_NAME[work]})`;
  const e = (o.npf && FLOAT_KEYS.has(work) ? o.npf : o.np).replace('X', cast(L)).replace('Y', cast(R));
  return `(${e}).astype(np.${NP_NAME[r]})`;
}

// ---- array (op) scalar, every dtype, every form ------------------------------------------------

const SCALAR_CASES = [];
for (const [op, o] of Object.entries(OPS)) {
  for (const k of ALL_DTYPES) {
    for (const s of SCALARS) {
      if ((o.kind === 'bit' || o.kind === 'shift') && s.kind === 'float') continue;  // errors, below
      const sk = weakDtype(s, k);
      const r = resultDtype(op, k, sk);
      if (r === null) continue;
      const c = promote(k, sk);
      const a = mk(k, o.pos);
      const y = pyScalar(s, sk);
      for (const d of [...o.dunders, op]) {
        const f = d === op ? 'plain' : form(d);
        if (f === 'inplace' && op === 'divide' && !isInexact(k)) continue;  // TypeError, below
        // Reflected forms compute op(scalar, a), except __radd__ / __rmul__ (Python: op(a, scalar)).
        const swap = f === 'reflected' && d !== '__radd__' && d !== '__rmul__';
        const h = np.eval(npExpr(op, c, r, swap ? 'y' : 'a', swap ? 'a' : 'y'), { a, y });
        SCALAR_CASES.push({ label: `${k}.${d}(${s.label}) -> ${r}`, k, d, f, s, r, h, pos: o.pos });
      }
    }
  }
}

// ---- array (op) array with broadcasting ---------------------------------------------------------

const PAIRS = [['int8', 'int32'], ['uint8', 'int8'], ['float16', 'int32'], ['float32', 'float64'],
  ['bfloat16', 'float16'], ['uint32', 'int64'], ['bool_', 'int16'], ['uint64', 'uint16'], ['int32', 'complex64'],
  ['bool_', 'bool_'], ['int64', 'int64']];
const ARRAY_CASES = [];
for (const [op, o] of Object.entries(OPS)) {
  for (const [k1, k2] of PAIRS) {
    for (const [ka, kb] of [[k1, k2], [k2, k1]]) {
      const r = resultDtype(op, ka, kb);
      if (r === null) continue;
      if (op === 'divide' && !isInexact(ka)) continue;
      const c = promote(ka, kb);
      const a = mk(ka, o.pos, [2, 3]);
      const b = mx.array(values(kb, o.pos).slice(0, 3), mx[kb]);  // shape [3]: broadcasts
      const plain = o.dunders[0];
      const refl = o.dunders.find((d) => form(d) === 'reflected');
      const inpl = o.dunders.find((d) => form(d) === 'inplace');
      const hab = np.eval(npExpr(op, c, r, 'a', 'b'), { a, b });
      ARRAY_CASES.push({ label: `${ka}[2,3].${plain}(${kb}[3])`, a, b, d: plain, h: hab, r });
      ARRAY_CASES.push({ label: `${ka}[2,3].${op}(${kb}[3])`, a, b, d: op, h: hab, r });
      if (inpl) ARRAY_CASES.push({ label: `${ka}[2,3].${inpl}(${kb}[3])`, a, b, d: inpl, h: hab, r, inplace: true });
      if (refl && refl !== '__radd__' && refl !== '__rmul__') {
        // b.__rsub__(a) is a - b.
        ARRAY_CASES.push({ label: `${kb}[3].${refl}(${ka}[2,3])`, a: b, b: a, d: refl, h: hab, r });
      }
    }
  }
}

// ---- matmul ------------------------------------------------------------------------------------

const MATMUL_CASES = [];
for (const k of ['float32', 'float64', 'float16', 'bfloat16']) {
  const a = mx.array([1, 2, -1, 0.5, 3, -2], mx[k]).reshape([2, 3]);
  const b = mx.array([0.5, -1, 2, 1.5, 1, 0.25], mx[k]).reshape([3, 2]);
  MATMUL_CASES.push({ k, a, b, h: np.eval(`np.matmul(a.astype(np.float64), b.astype(np.float64)).astype(np.${NP_NAME[k]})`, { a, b }) });
}

// ---- item / tolist of every dtype --------------------------------------------------------------

const LIST_VALUES = {
  bool_: [true, false, true, true, false, false], uint8: [0, 255, 7, 128, 1, 3], uint16: [0, 65535, 9, 300, 2, 1],
  uint32: [0, 4294967295, 5, 70000, 1, 2], uint64: [0n, 18446744073709551615n, 9007199254740993n, 1n, 2n, 3n],
  int8: [-128, 127, -1, 0, 5, -7], int16: [-32768, 32767, -300, 0, 1, 2], int32: [-2147483648, 2147483647, -5, 0, 9, 1],
  int64: [-9223372036854775808n, 9223372036854775807n, -9007199254740993n, 0n, 1n, -1n],
  float16: [0.1, -65504, 6e-8, 1 / 3, Infinity, NaN], float32: [0.1, -3.4e38, 1e-45, 1 / 3, -Infinity, NaN],
  float64: [0.1, -1.7976931348623157e308, 5e-324, 1 / 3, Infinity, NaN], bfloat16: [0.1, -3e38, 1 / 3, 2.5, -Infinity, NaN],
  complex64: [{ re: 0.1, im: -2 }, { re: 1 / 3, im: 0 }, { re: -0.5, im: 3.5 }, { re: 1e30, im: -1e-30 }, { re: NaN, im: 1 }, { re: 0, im: 0 }],
};
const LIST_CASES = [];
for (const k of ALL_DTYPES) {
  const a = mx.array(LIST_VALUES[k], mx[k]);
  LIST_CASES.push({ k, a, h: np.eval('x', { x: { dtype: k === 'bfloat16' ? 'float32' : NP_NAME[k], shape: [6], flat: LIST_VALUES[k] } }) });
}

np.run();

// ---- tests -------------------------------------------------------------------------------------

test('operators with a JS scalar on either side, every dtype and form, against numpy', () => {
  assert.ok(SCALAR_CASES.length > 1500, `${SCALAR_CASES.length} cases`);
  for (const c of SCALAR_CASES) {
    const a = mk(c.k, c.pos);
    const out = a[c.d](c.s.v);
    if (c.f === 'inplace') {
      assert.equal(out, a, `${c.label}: returns this`);
      assertNumpy(a, c.h, { dtype: mx[c.r], msg: c.label });
    } else {
      assert.notEqual(out, a, c.label);
      assertNumpy(out, c.h, { dtype: mx[c.r], msg: c.label });
      assert.equal(a.dtype, mx[c.k], `${c.label}: operand unchanged`);
    }
  }
});

test('operators between arrays of different dtypes, broadcasting, against numpy', () => {
  assert.ok(ARRAY_CASES.length > 150, `${ARRAY_CASES.length} cases`);
  for (const c of ARRAY_CASES) {
    const a = c.inplace ? mx.array(c.a) : c.a;
    const out = a[c.d](c.b);
    assertNumpy(c.inplace ? a : out, c.h, { dtype: mx[c.r], msg: c.label });
    if (c.inplace) {
      assert.equal(out, a, c.label);
      assert.deepEqual(a.shape, [2, 3]);
    }
  }
});

test('__matmul__, __imatmul__ and a.matmul against numpy', () => {
  for (const c of MATMUL_CASES) {
    assertNumpy(c.a.__matmul__(c.b), c.h, { dtype: mx[c.k], msg: `${c.k} __matmul__` });
    assertNumpy(c.a.matmul(c.b, { stream: mx.cpu }), c.h, { dtype: mx[c.k], msg: `${c.k} matmul` });
    const x = mx.array(c.a);
    const y = x.__imatmul__(c.b);
    assert.equal(y, x);
    assertNumpy(x, c.h, { dtype: mx[c.k], msg: `${c.k} __imatmul__` });
    assert.deepEqual(x.shape, [2, 2]);
  }
  // Array-likes on the right convert as mx.array does.
  assertArray(mx.array([[1, 2]], mx.float32).__matmul__([[3], [4]]), { dtype: mx.float32, shape: [1, 1], values: [11] });
  throwsWith(() => mx.array([[1, 2]], mx.float32).__matmul__(mx.array([[1, 2]], mx.float32)), Error, /\[matmul\]/);
  throwsWith(() => mx.array([1, 2], mx.float32).__matmul__('x'), TypeError, /\[array\.__matmul__\] argument 'other'/);
});

test('weak scalars keep the array dtype; reflected forms put the scalar on the left', () => {
  const i8 = mx.array([1, -2, 3], mx.int8);
  assertArray(i8.__add__(100), { dtype: mx.int8, values: [101, 98, 103] });
  assertArray(i8.__rsub__(1), { dtype: mx.int8, values: [0, 3, -2] });
  assertArray(i8.__mul__(1.5), { dtype: mx.float32, values: [1.5, -3, 4.5] });
  assertArray(i8.__radd__(true), { dtype: mx.int8, values: [2, -1, 4] });
  assertArray(mx.array([true, false]).__add__(2), { dtype: mx.int32, values: [3, 2] });
  assertArray(mx.array([1, 2], mx.float16).__rtruediv__(1), { dtype: mx.float16, values: [1, 0.5] });
  assertArray(mx.array([1, 2], mx.uint8).__rpow__(2), { dtype: mx.uint8, values: [2, 4] });
  assertArray(mx.array([7, -7]).__rfloordiv__(20), { dtype: mx.int32, values: [2, -3] });
  assertArray(mx.array([7, -7]).__rmod__(20), { dtype: mx.int32, values: [6, -1] });
  assertArray(mx.array([1n, 2n], mx.uint64).__rsub__(2n ** 64n - 1n), { dtype: mx.uint64, values: [2n ** 64n - 2n, 2n ** 64n - 3n] });
  assertArray(mx.array([1, 2], mx.int64).__add__(2n ** 40n), { dtype: mx.int64, values: [2n ** 40n + 1n, 2n ** 40n + 2n] });
  // A complex scalar ({re, im}) is always complex64.
  assertArray(mx.array([1, 2], mx.float32).__mul__({ re: 0, im: 1 }), { dtype: mx.complex64, values: [{ re: 0, im: 1 }, { re: 0, im: 2 }] });
  // An array operand of another dtype promotes normally (no weak rule between arrays).
  assertArray(i8.__add__(mx.array(1, mx.int32)), { dtype: mx.int32, values: [2, -1, 4] });
  // JS Arrays and TypedArrays convert as mx.add converts them.
  assertArray(mx.array([1, 2]).__add__([10, 20]), { dtype: mx.int32, values: [11, 22] });
  assertArray(mx.array([1, 2], mx.float32).__sub__(new Float32Array([0.5, 1])), { dtype: mx.float32, values: [0.5, 1] });
  // The dunders and the readable methods agree with the mx functions.
  const a = mx.array([[1, 2, 3], [4, 5, 6]], mx.int16);
  for (const [d, f, refl] of [['__sub__', 'subtract'], ['__rsub__', 'subtract', true], ['__pow__', 'power'], ['__rpow__', 'power', true],
    ['__lt__', 'less'], ['__ge__', 'greater_equal'], ['__rshift__', 'right_shift'], ['__xor__', 'bitwise_xor']]) {
    const want = refl ? mx[f](2, a) : mx[f](a, 2);
    assert.ok(mx.array_equal(a[d](2), want).item(), d);
    assert.equal(a[d](2).dtype, want.dtype, d);
  }
});

test('__eq__ / __ne__ are elementwise; non-array-likes give false / true', () => {
  const a = mx.array([1, 2, 3]);
  assertArray(a.__eq__(2), { dtype: mx.bool_, values: [false, true, false] });
  assertArray(a.__ne__(2), { dtype: mx.bool_, values: [true, false, true] });
  assertArray(a.__eq__([1, 0, 3]), { dtype: mx.bool_, values: [true, false, true] });
  assertArray(mx.array([NaN, 1], mx.float32).__eq__(NaN), { dtype: mx.bool_, values: [false, false] });
  assertArray(mx.array([NaN, 1], mx.float32).__ne__(NaN), { dtype: mx.bool_, values: [true, true] });
    // (A plain object is the keyword object of the call: `a.__eq__({other: 1})`.)
  for (const x of [null, 'abc', new Date(0), () => 1, Symbol('s'), new Map()]) {
    assert.equal(a.__eq__(x), false, String(typeof x));
    assert.equal(a.__ne__(x), true, String(typeof x));
  }
  throwsWith(() => a.__eq__(), TypeError, /\[array\.__eq__\] missing required argument 'other'/);
  throwsWith(() => a.__eq__([[1, 2], [3]]), Error, /\[array\.__eq__\]/);
  // The readable forms are mx.equal / mx.not_equal: a non-array-like is a TypeError.
  throwsWith(() => a.equal('abc'), TypeError, /\[array\.equal\] argument 'other'/);
  throwsWith(() => a.not_equal(null), TypeError, /\[array\.not_equal\] argument 'other'/);
});

test('unary operators: __neg__, __abs__, __invert__ and their readable forms', () => {
  for (const k of ALL_DTYPES) {
    const a = mx.array(values(k), mx[k]);
    const vals = a.tolist();
    if (k !== 'bool_') {
      const neg = (v) => (typeof v === 'object' ? { re: -v.re, im: -v.im } : typeof v === 'bigint' ? BigInt.asIntN(64, -v) : -v);
      const wrap = (v) => (k === 'uint64' ? BigInt.asUintN(64, v) : k.startsWith('uint') ? ((v % 2 ** (8 * mx[k].size)) + 2 ** (8 * mx[k].size)) % 2 ** (8 * mx[k].size) : v);
      assertArray(a.__neg__(), { dtype: mx[k], values: vals.map((v) => wrap(neg(v))), msg: `${k} __neg__` });
      assertArray(a.negative({ stream: mx.cpu }), { dtype: mx[k], values: vals.map((v) => wrap(neg(v))), msg: `${k} negative` });
    }
    const absK = k === 'complex64' ? 'float32' : k;
    const abs = (v) => (typeof v === 'object' ? Math.hypot(v.re, v.im) : typeof v === 'bigint' ? (v < 0n ? -v : v) : typeof v === 'boolean' ? v : Math.abs(v));
    assertArray(a.__abs__(), { dtype: mx[absK], values: vals.map(abs), msg: `${k} __abs__` });
    if (isInexact(k)) {
      throwsWith(() => a.__invert__(), TypeError, /\[array\.__invert__\] Floating point types not allowed with bitwise inversion/);
    } else {
      const bits = 8 * mx[k].size;
      const inv = (v) => (typeof v === 'boolean' ? !v : typeof v === 'bigint' ? (k === 'uint64' ? BigInt.asUintN(64, ~v) : ~v)
        : k.startsWith('uint') ? (2 ** bits - 1) - v : ~v);
      assertArray(a.__invert__(), { dtype: mx[k], values: vals.map(inv), msg: `${k} __invert__` });
      assertArray(a.bitwise_invert(), { dtype: mx[k], values: vals.map(inv), msg: `${k} bitwise_invert` });
    }
  }
  assertArray(mx.array([true, false]).logical_not(), { dtype: mx.bool_, values: [false, true] });
  assertArray(mx.array([0, 2.5]).logical_not({ stream: mx.cpu }), { dtype: mx.bool_, values: [true, false] });
  assertArray(mx.array([true, false, true]).logical_and([true, true, false]), { dtype: mx.bool_, values: [true, false, false] });
  assertArray(mx.array([true, false, false]).logical_or(false), { dtype: mx.bool_, values: [true, false, false] });
});

test('in-place forms rebind the same object; results taken before keep their values', () => {
  const a = mx.array([1, 2, 3], mx.int32);
  const alias = a;
  const before = a.__mul__(1);   // a lazy result that depends on a
  const copy = a.__copy__();
  const view = mx.reshape(a, [3, 1]);
  assert.equal(a.__iadd__(10), a);
  assert.equal(alias, a);
  assertArray(a, { dtype: mx.int32, values: [11, 12, 13] });
  assertArray(before, { dtype: mx.int32, values: [1, 2, 3] });
  assertArray(copy, { dtype: mx.int32, values: [1, 2, 3] });
  assertArray(view, { dtype: mx.int32, shape: [3, 1], values: [1, 2, 3] });
  // Rebinding may change the dtype (as MLX does) and the shape.
  a.__imul__(0.5);
  assertArray(a, { dtype: mx.float32, values: [5.5, 6, 6.5] });
  a.__isub__(mx.array([[1], [2]], mx.float32));
  assertArray(a, { dtype: mx.float32, shape: [2, 3], values: [4.5, 5, 5.5, 3.5, 4, 4.5] });
  assertArray(copy, { dtype: mx.int32, shape: [3], values: [1, 2, 3] });
  // Chains, each on the same object: ((x + 1) ** 2) // 3 % 4 << 1 | 1 ^ 2 & 7 >> 0
  const x = mx.array([1, 2, 3, 4], mx.int32);
  x.__iadd__(1).__ipow__(2).__ifloordiv__(3).__imod__(4).__ilshift__(1).__ior__(1).__ixor__(2).__iand__(7).__irshift__(0);
  const want = [1, 2, 3, 4].map((v) => ((((((((v + 1) ** 2) / 3 | 0) % 4) << 1) | 1) ^ 2) & 7) >> 0);
  assertArray(x, { dtype: mx.int32, values: want });
  const f = mx.array([3, 6], mx.float32);
  f.__itruediv__(2);
  assertArray(f, { dtype: mx.float32, values: [1.5, 3] });
  throwsWith(() => mx.array([3, 6]).__itruediv__(2), TypeError, /\[array\.__itruediv__\] In place division cannot cast to non-floating point type/);
  throwsWith(() => mx.array([3, 6], mx.bool_).__itruediv__(2), TypeError, /\[array\.__itruediv__\]/);
  // A failed in-place op leaves the object as it was.
  const g = mx.array([1, 2], mx.uint8);
  throwsWith(() => g.__iadd__(300), RangeError, /\[array\.__iadd__\] Converting 300 to uint8 would result in overflow/);
  throwsWith(() => g.__iadd__(mx.array([1, 2, 3])), Error, /broadcast/i);
  assertArray(g, { dtype: mx.uint8, values: [1, 2] });
  // Iterating over an array that is rebound while the loop runs sees the array as it was.
  const it = mx.array([1, 2, 3]);
  const seen = [];
  for (const v of it) {
    seen.push(v.item());
    it.__iadd__(10);
  }
  assert.deepEqual(seen, [1, 2, 3]);
  assertArray(it, { values: [31, 32, 33] });
});

test('Symbol.toPrimitive: strings are the repr, numbers only for size-1 arrays, JS operators throw', () => {
  const a = mx.array([[1, 2], [3, 4]], mx.int32);
  const repr = a.__repr__();
  assert.equal(repr, 'array([[1, 2],\n       [3, 4]], dtype=int32)');
  assert.equal(String(a), repr);
  assert.equal(`${a}`, repr);
  assert.equal(a.toString(), repr);
  assert.equal(inspect(a), repr);
  assert.equal(`x=${mx.array(1.5)}`, 'x=array(1.5, dtype=float32)');
  assert.equal(+mx.array(2.5), 2.5);
  assert.equal(Number(mx.array([[7]], mx.uint8)), 7);
  assert.equal(+mx.array(true), 1);
  assert.equal(+mx.array(2n ** 40n, mx.int64), 2 ** 40);
  assert.equal(Math.max(mx.array(3), 2), 3);
  assert.equal(mx.array(1) < 2, true);
  assert.equal(mx.array(0.1, mx.float16) * 1, 0.0999755859375);
  const noDefault = /\[array\] mx\.array has no primitive value.*mx\.add\(a, b\) or a\.add\(b\)/;
  throwsWith(() => a + 1, TypeError, noDefault);
  throwsWith(() => 1 + mx.array(1), TypeError, noDefault);
  throwsWith(() => a + a, TypeError, noDefault);
  throwsWith(() => '' + a, TypeError, noDefault);
  throwsWith(() => a == 1, TypeError, noDefault);  // eslint-disable-line eqeqeq
  throwsWith(() => +a, TypeError, /\[array\] Only size-1 arrays convert to a number; this one has shape \[2, 2\]/);
  throwsWith(() => a < 1, TypeError, /Only size-1 arrays/);
  throwsWith(() => a * 2, TypeError, /Only size-1 arrays/);
  throwsWith(() => +mx.zeros([0]), TypeError, /shape \[0\]/);
  throwsWith(() => +mx.array({ re: 1, im: 2 }), TypeError, /\[array\] A complex64 array has no number value/);
  // Object identity comparisons never convert.
  assert.equal(a === a, true);
  assert.equal(a == a, true);  // eslint-disable-line eqeqeq
  assert.equal(a == null, false);  // eslint-disable-line eqeqeq
  const d = mx.array([1]);
  d.dispose();
  assert.equal(String(d), 'array(<disposed>)');
  throwsWith(() => +d, Error, /disposed/);
  throwsWith(() => mx.array.prototype[Symbol.toPrimitive].call({}, 'string'), TypeError, /not an mx\.array/);
});

test('__bool__, __int__, __float__, __complex__ of every dtype', () => {
  const one = {
    bool_: true, uint8: 200, uint16: 60000, uint32: 4000000000, uint64: 2n ** 64n - 1n, int8: -100, int16: -30000,
    int32: -2000000000, int64: -(2n ** 62n), float16: -2.5, float32: 3.75, float64: -1e300, bfloat16: 1.5, complex64: { re: 1.5, im: -2 },
  };
  for (const k of ALL_DTYPES) {
    const v = one[k];
    for (const shape of [[], [1], [1, 1, 1]]) {
      const a = mx.array(v, mx[k]).reshape(shape);
      const what = `${k} ${JSON.stringify(shape)}`;
      assert.equal(a.__bool__(), true, what);
      if (k === 'complex64') {
        assert.deepEqual(a.__complex__(), { re: 1.5, im: -2 });
        throwsWith(() => a.__int__(), TypeError, /\[array\.__int__\] Cannot convert a complex64 value/);
        throwsWith(() => a.__float__(), TypeError, /\[array\.__float__\] Cannot convert a complex64 value/);
        continue;
      }
      const num = Number(v);
      assert.equal(a.__float__(), num, what);
      assert.deepEqual(a.__complex__(), { re: num, im: 0 }, what);
      const int = a.__int__();
      if (k === 'bool_') assert.equal(int, 1);
      else if (k === 'int64' || k === 'uint64') assert.equal(int, v, what);
      else assert.equal(int, Math.trunc(num), what);
    }
    const zero = mx.zeros([1], mx[k]);
    assert.equal(zero.__bool__(), false, k);
    for (const d of ['__bool__', '__int__', '__float__', '__complex__']) {
      const re = new RegExp(`\\[array\\.${d}\\] Only length-1 arrays can be converted to scalars`);
      throwsWith(() => mx.zeros([2], mx[k])[d](), Error, re, `${k} ${d}`);
      throwsWith(() => mx.zeros([0], mx[k])[d](), Error, re, `${k} ${d}`);
    }
  }
  // Python's truth values and int() of floats.
  assert.equal(mx.array(NaN).__bool__(), true);
  assert.equal(mx.array(-0.0).__bool__(), false);
  assert.equal(mx.array({ re: 0, im: 1e-30 }).__bool__(), true);
  assert.equal(mx.array({ re: 0, im: 0 }).__bool__(), false);
  assert.equal(mx.array(false).__int__(), 0);
  assert.equal(mx.array(-2.9).__int__(), -2);
  assert.ok(Object.is(mx.array(-0.5).__int__(), 0));
  assert.equal(mx.array(2.9, mx.float16).__int__(), 2);
  assert.equal(mx.array(1e20, mx.float64).__int__(), 1e20);
  assert.equal(mx.array(7, mx.int64).__int__(), 7n);
  throwsWith(() => mx.array(NaN).__int__(), Error, /\[array\.__int__\] Cannot convert float NaN to integer/);
  throwsWith(() => mx.array(-Infinity).__int__(), RangeError, /\[array\.__int__\] Cannot convert float infinity to integer/);
  throwsWith(() => mx.array(1).__bool__(1), TypeError, /\[array\.__bool__\] takes 0 positional arguments \(1 given\)/);
});

test('__len__ and iteration over the first axis', () => {
  const cases = [[[3]], [[2, 3]], [[4, 2, 2]], [[70, 2]], [[130]], [[0, 3]], [[3, 0]], [[1]], [[9, 1, 1]]];
  for (const [shape] of cases) {
    const n = shape.reduce((p, q) => p * q, 1);
    const a = mx.arange(n, { dtype: mx.int32 }).reshape(shape);
    assert.equal(a.__len__(), shape[0]);
    const want = a.tolist();
    const rows = [...a];
    assert.equal(rows.length, shape[0], JSON.stringify(shape));
    rows.forEach((r, i) => {
      assert.ok(r instanceof mx.array);
      assert.deepEqual(r.shape, shape.slice(1));
      assert.deepEqual(r.shape.length ? r.tolist() : r.item(), want[i], `${JSON.stringify(shape)} row ${i}`);
    });
    const viaDunder = [];
    const it = a.__iter__();
    assert.equal(typeof it.next, 'function');
    assert.equal(it[Symbol.iterator](), it);
    for (let s = it.next(); !s.done; s = it.next()) viaDunder.push(s.value);
    assert.equal(viaDunder.length, shape[0]);
    assert.deepEqual(Array.from(a, (r) => r.dtype), Array(shape[0]).fill(mx.int32));
  }
  // Vectors iterate as 0-d arrays of every dtype.
  for (const k of ALL_DTYPES) {
    const a = mx.array(LIST_VALUES[k], mx[k]);
    const items = [...a].map((r) => r.item());
    const want = a.tolist();
    items.forEach((v, i) => {
      if (typeof v === 'number' && Number.isNaN(v)) assert.ok(Number.isNaN(want[i]));
      else assert.deepEqual(v, want[i], `${k} ${i}`);
    });
  }
  // Destructuring takes what it needs.
  const [first, second] = mx.array([[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual([first.tolist(), second.tolist()], [[1, 2], [3, 4]]);
  const zero = mx.array(5);
  throwsWith(() => zero.__len__(), TypeError, /\[array\.__len__\] len\(\) of a 0-dimensional array/);
  throwsWith(() => zero.__iter__(), TypeError, /\[array\.__iter__\] iteration over a 0-d array/);
  throwsWith(() => [...zero], TypeError, /\[array\.__iter__\] iteration over a 0-d array/);
  throwsWith(() => { for (const _ of zero) break; }, TypeError, /0-d array/);
  throwsWith(() => mx.array([1]).__len__(2), TypeError, /\[array\.__len__\] takes 0 positional arguments/);
});

test('__copy__ and __deepcopy__ share the values, not the object', () => {
  const a = mx.array([1.5, 2.5], mx.float16);
  const c = a.__copy__();
  const d = a.__deepcopy__({});
  const d2 = a.__deepcopy__({ memo: new Map() });
  const d3 = a.__deepcopy__();
  for (const x of [c, d, d2, d3]) {
    assert.notEqual(x, a);
    assert.ok(x instanceof mx.array);
    assertArray(x, { dtype: mx.float16, shape: [2], values: [1.5, 2.5] });
  }
  c.__iadd__(1);
  assertArray(a, { values: [1.5, 2.5] });
  a.__imul__(2);
  assertArray(d, { values: [1.5, 2.5] });
  assertArray(c, { values: [2.5, 3.5] });
  throwsWith(() => a.__deepcopy__(5), TypeError, /\[array\.__deepcopy__\] argument 'memo' must be an object/);
  throwsWith(() => mx.array.prototype.__copy__.call([1, 2]), TypeError, /\[array\.__copy__\] expects an mx\.array/);
});

test('item() and tolist() of all 14 dtypes, 0-d, vectors, matrices and size-0 arrays', () => {
  for (const { k, a, h } of LIST_CASES) {
    const expect = h.value.flat.map((v) => (k === 'bfloat16' ? roundBf16(v) : v));
    const list = a.tolist();
    assert.equal(list.length, 6);
    const check = (got, want, where) => {
      if (k === 'bool_') assert.equal(typeof got, 'boolean', where);
      else if (k === 'int64' || k === 'uint64') assert.equal(typeof got, 'bigint', where);
      else if (k === 'complex64') assert.deepEqual(Object.keys(got), ['re', 'im'], where);
      else assert.equal(typeof got, 'number', where);
      if (k === 'complex64') {
        assert.ok(Object.is(got.re, want.re) || (Number.isNaN(got.re) && Number.isNaN(want.re)), `${where} re ${got.re} ${want.re}`);
        assert.ok(Object.is(got.im, want.im), `${where} im`);
      } else if (typeof want === 'number' && Number.isNaN(want)) assert.ok(Number.isNaN(got), where);
      else assert.equal(got, want, where);
    };
    list.forEach((v, i) => check(v, expect[i], `${k} tolist[${i}]`));
    // 0-d arrays: item() and tolist() give the scalar.
    for (let i = 0; i < 6; i++) {
      const zeroD = mx.array(LIST_VALUES[k][i], mx[k]);
      check(zeroD.item(), expect[i], `${k} item ${i}`);
      check(zeroD.tolist(), expect[i], `${k} 0-d tolist ${i}`);
      check(mx.reshape(zeroD, [1, 1]).item(), expect[i], `${k} [1,1] item ${i}`);
    }
    // Nested shapes keep the row-major order.
    const m = mx.reshape(a, [2, 1, 3]).tolist();
    assert.equal(m.length, 2);
    m.forEach((row, i) => { assert.equal(row.length, 1); row[0].forEach((v, j) => check(v, expect[3 * i + j], `${k} [2,1,3]`)); });
    const t = mx.transpose(mx.reshape(a, [2, 3])).tolist();
    t.forEach((row, j) => row.forEach((v, i) => check(v, expect[3 * i + j], `${k} transposed`)));
    // Size-0 arrays.
    assert.deepEqual(mx.zeros([0], mx[k]).tolist(), []);
    assert.deepEqual(mx.zeros([2, 0], mx[k]).tolist(), [[], []]);
    assert.deepEqual(mx.zeros([0, 2], mx[k]).tolist(), []);
    throwsWith(() => a.item(), Error, /\[item\] Only length-1 arrays/);
    if (FLOAT_KEYS.has(k)) assert.ok(Object.is(mx.array(-0, mx[k]).item(), -0), `${k} -0`);
    throwsWith(() => mx.zeros([0], mx[k]).item(), Error, /\[item\] Only length-1 arrays/);
  }
  // Negative zero survives (the numpy oracle's JSON cannot carry it).
  const cz = mx.array([{ re: -0, im: 0 }, { re: 0, im: -0 }]).tolist();
  assert.ok(Object.is(cz[0].re, -0) && Object.is(cz[0].im, 0) && Object.is(cz[1].re, 0) && Object.is(cz[1].im, -0));
  assert.ok(Object.is(mx.array([-0], mx.float32).tolist()[0], -0));
  throwsWith(() => mx.array(1).item(2), TypeError, /\[array\.item\] takes 0 positional arguments/);
  throwsWith(() => mx.array(1).tolist({ x: 1 }), TypeError, /\[array\.tolist\]/);
});

test('itemsize, nbytes, real, imag of every dtype', () => {
  const SIZE = { bool_: 1, uint8: 1, uint16: 2, uint32: 4, uint64: 8, int8: 1, int16: 2, int32: 4, int64: 8,
    float16: 2, float32: 4, float64: 8, bfloat16: 2, complex64: 8 };
  for (const k of ALL_DTYPES) {
    const a = mx.zeros([2, 3], mx[k]);
    assert.equal(a.itemsize, SIZE[k], k);
    assert.equal(a.nbytes, 6 * SIZE[k], k);
    assert.equal(mx.zeros([0, 5], mx[k]).nbytes, 0);
    assert.equal(mx.zeros([], mx[k]).nbytes, SIZE[k]);
  }
  const c = mx.array([{ re: 1, im: -2 }, { re: 3.5, im: 0.25 }]);
  assertArray(c.real, { dtype: mx.float32, values: [1, 3.5] });
  assertArray(c.imag, { dtype: mx.float32, values: [-2, 0.25] });
  assertArray(mx.array([1, 2], mx.int16).real, { dtype: mx.int16, values: [1, 2] });
  assertArray(mx.array([1, 2], mx.int16).imag, { dtype: mx.int16, values: [0, 0] });
  assertArray(mx.array([[1, 2]]).T, { shape: [2, 1], values: [1, 2] });
});

test('__array_namespace__ is mx', () => {
  const a = mx.array([1]);
  assert.equal(a.__array_namespace__(), mx);
  assert.equal(a.__array_namespace__(null), mx);
  assert.equal(a.__array_namespace__().add(a, 1).item(), 2);
  throwsWith(() => a.__array_namespace__('2023.12'), Error, /\[array\.__array_namespace__\] Explicitly specifying api_version is not yet implemented/);
  throwsWith(() => a.__array_namespace__(1), TypeError, /\[array\.__array_namespace__\] argument 'api_version' must be a string/);
});

// ---- __format__ against Python's format() ------------------------------------------------------

const FORMAT_VALUES = [
  ['float32', [0.1, 1234567.125, -0.04, 1e-7, 3e38, NaN, -Infinity, 0, -0, 2.5, 0.5, 100, 123, 12]],
  ['float64', [1e22, 2.5, 0.125, 123.456, 1e16, 1e-5, 9.995, 0.0001, 1.5e-300, 5e-324, 1.7976931348623157e308]],
  ['float16', [0.1, -3.5]], ['bfloat16', [3.140625]],
  ['int32', [0, 255, -255, 1234567, 5]], ['int64', [-(2n ** 63n), 12345678901234567n]], ['uint64', [2n ** 64n - 1n]],
  ['uint8', [65]], ['int8', [-7]], ['bool_', [true, false]],
  ['complex64', [{ re: 1, im: 2 }, { re: -1.5, im: 0 }, { re: 0, im: 2 }, { re: -0, im: 1 }, { re: 1e20, im: -1e-7 },
    { re: NaN, im: Infinity }, { re: 0, im: -0 }]],
];
const FORMAT_SPECS = ['', '>10', '<10', '^11', '*^11', '=+10', '+', ' ', '-', '010', '08,', ',', '_', '.3', '.0', '.1', '.2',
  '.5', '.2f', '.0f', '#.0f', '.3e', 'E', '.4g', 'G', '#.3g', 'g', '%', '.1%', 'z.1f', 'z', 'd', 'x', '#x', 'X', '#o', 'b',
  '#_b', 'c', 'n', '#n', 'F', '012.3f', '^+12.2e', 's', 'q', '.2x', ',x', '_x', '.', '10.3', '#10.3', '0>5', '0=12,', '0<12,',
  ',.2f', '_.3e', '#', '#e', ' .2%', '+.0e', '.20f', '.17g', '.30e', ',g', '12,.1f', 'z.0f', 'zg', '#c', ' c', '.0%', '.0g',
  '#.0g', '#.0e', '=^5', '-^9', '_n', 'xx', '\u00e9<6'];

test("__format__ of 0-d arrays matches Python's format() (values of every kind x specs)", () => {
  const cases = [];
  const enc = (x) => (Number.isNaN(x) ? 'nan' : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : Object.is(x, -0) ? '-0.0' : x);
  for (const [k, vals] of FORMAT_VALUES) {
    for (const v of vals) {
      const a = mx.array(v, mx[k]);
      const item = a.item();
      const kind = k === 'bool_' ? 'bool' : k === 'complex64' ? 'complex' : FLOAT_KEYS.has(k) ? 'float' : 'int';
      const pv = kind === 'complex' ? [enc(item.re), enc(item.im)] : kind === 'int' ? String(item) : kind === 'bool' ? item : enc(item);
      for (const spec of FORMAT_SPECS) cases.push({ a, k, spec, job: { kind, v: pv, spec } });
    }
  }
  const py = [
    'import sys, json', 'out = []', 'for j in json.load(sys.stdin):',
    "    k, v = j['kind'], j['v']",
    "    x = int(v) if k == 'int' else bool(v) if k == 'bool' else complex(float(v[0]), float(v[1])) if k == 'complex' else float(v)",
    "    try: out.append({'ok': format(x, j['spec'])})",
    "    except Exception as e: out.append({'err': type(e).__name__})",
    'json.dump(out, sys.stdout)'].join('\n');
  const r = spawnSync(PYTHON, ['-c', py], { input: JSON.stringify(cases.map((c) => c.job)), encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  const CLS = { ValueError: Error, TypeError: TypeError, OverflowError: RangeError };
  let checked = 0, errors = 0;
  cases.forEach((c, i) => {
    const want = res[i];
    const where = `format(${c.k} ${JSON.stringify(c.job.v)}, ${JSON.stringify(c.spec)})`;
    if (want.ok !== undefined) {
      assert.equal(c.a.__format__(c.spec), want.ok, where);
    } else {
      throwsWith(() => c.a.__format__(c.spec), CLS[want.err], /\[array\.__format__\]/, where);
      errors++;
    }
    checked++;
  });
  assert.ok(checked > 3000 && errors > 200, `${checked} cases, ${errors} errors`);
  // Arrays with dimensions: the repr for an empty spec, a TypeError otherwise (as MLX).
  const m = mx.array([1, 2]);
  assert.equal(m.__format__(''), m.__repr__());
  throwsWith(() => m.__format__('>5'), TypeError, /\[array\.__format__\] unsupported format string/);
  throwsWith(() => mx.array(1).__format__(5), TypeError, /\[array\.__format__\] The format spec must be a string/);
  throwsWith(() => mx.array(1).__format__(), TypeError, /\[array\.__format__\] missing required argument/);
});

// ---- errors ------------------------------------------------------------------------------------

test('errors name the method: bad operands, overflowing scalars, floats in bitwise ops, wrong this', () => {
  const a = mx.array([1, 2], mx.int8);
  const f = mx.array([1.5], mx.float32);
  const allDunders = Object.values(OPS).flatMap((o) => o.dunders).filter((d) => d !== '__eq__' && d !== '__ne__');
  for (const d of allDunders) {
    throwsWith(() => a[d]('x'), TypeError, new RegExp(`\\[array\\.${d}\\] argument 'other' must be array-like`), d);
    throwsWith(() => a[d](), TypeError, new RegExp(`\\[array\\.${d}\\] missing required argument 'other'`), d);
    throwsWith(() => a[d](1, 2), TypeError, new RegExp(`\\[array\\.${d}\\] takes 1 positional argument \\(2 given\\)`), d);
    // (__itruediv__ refuses the int8 array first, as Python's does.)
    if (d !== '__itruediv__') throwsWith(() => a[d](300), RangeError, new RegExp(`\\[array\\.${d}\\] Converting 300 to int8 would result in overflow`), d);
    throwsWith(() => mx.array.prototype[d].call(5, 1), TypeError, new RegExp(`\\[array\\.${d}\\] expects an mx\\.array as 'this'`), d);
  }
  // Keyword form of Python's `other`.
  assertArray(a.__add__({ other: 1 }), { dtype: mx.int8, values: [2, 3] });
  for (const [op, word, d, di] of [['bitwise_and', 'bitwise and', '__and__', '__iand__'], ['bitwise_or', 'bitwise or', '__or__', '__ior__'],
    ['bitwise_xor', 'bitwise xor', '__xor__', '__ixor__'], ['left_shift', 'left shift', '__lshift__', '__ilshift__'],
    ['right_shift', 'right shift', '__rshift__', '__irshift__']]) {
    const re = (n) => new RegExp(`\\[array\\.${n}\\] Floating point types not allowed with ${word}`);
    throwsWith(() => a[d](1.5), TypeError, re(d));
    throwsWith(() => f[d](1), TypeError, re(d));
    throwsWith(() => a[d](f), TypeError, re(d));
    throwsWith(() => a[di](1.5), TypeError, re(di));
    assertArray(a, { dtype: mx.int8, values: [1, 2] });
    throwsWith(() => a[op](1.5), Error, new RegExp(`\\[${op}\\]`));
  }
  // Readable methods: the grammar of the mx functions, with the method's name.
  for (const op of ['add', 'subtract', 'less', 'bitwise_or', 'power', 'matmul', 'logical_and']) {
    throwsWith(() => a[op](), TypeError, new RegExp(`\\[array\\.${op}\\] missing required argument 'other'`));
    throwsWith(() => a[op](1, 2), TypeError, new RegExp(`\\[array\\.${op}\\] takes 1 positional argument \\(2 given\\)`));
    throwsWith(() => a[op](1, { strem: mx.cpu }), TypeError, new RegExp(`\\[array\\.${op}\\] unknown keyword argument 'strem'`));
    throwsWith(() => a[op](1, { stream: 'cpu' }), TypeError, new RegExp(`\\[array\\.${op}\\] argument 'stream'`));
    throwsWith(() => a[op]({ other: 1 }), TypeError, new RegExp(`\\[array\\.${op}\\] argument 'other' is positional-only`));
  }
  throwsWith(() => a.add(300), RangeError, /\[array\.add\] Converting 300 to int8/);
  for (const op of ['negative', 'bitwise_invert', 'logical_not']) {
    throwsWith(() => a[op](1), TypeError, new RegExp(`\\[array\\.${op}\\] takes 0 positional arguments`));
    throwsWith(() => mx.array.prototype[op].call('s'), TypeError, new RegExp(`\\[array\\.${op}\\] expects an mx\\.array`));
  }
  throwsWith(() => a.__neg__(1), TypeError, /\[array\.__neg__\] takes 0 positional arguments/);
  throwsWith(() => mx.array.prototype.__invert__.call(null), TypeError, /\[array\.__invert__\] expects an mx\.array/);
  throwsWith(() => mx.array.prototype.__eq__.call(1, 1), TypeError, /\[array\.__eq__\] expects an mx\.array/);
  const gone = mx.array([1]);
  gone.dispose();
  throwsWith(() => gone.__add__(1), Error, /disposed/);
  throwsWith(() => gone.__iadd__(1), Error, /disposed/);
});

test('the stream argument of the readable methods', () => {
  const s = mx.new_stream(mx.cpu);
  const a = mx.array([4, 6], mx.int32);
  assertArray(a.add(1, { stream: s }), { dtype: mx.int32, values: [5, 7] });
  assertArray(a.floor_divide(4, { stream: mx.cpu }), { values: [1, 1] });
  assertArray(a.remainder(4, { stream: null }), { values: [0, 2] });
  assertArray(a.divide(4, { stream: mx.cpu }), { dtype: mx.float32, values: [1, 1.5] });
  assertArray(a.less_equal(5, { stream: s }), { dtype: mx.bool_, values: [true, false] });
  assertArray(a.left_shift(1, { stream: s }), { values: [8, 12] });
  assertArray(a.negative({ stream: s }), { values: [-4, -6] });
  // The dunders run on the default stream, including inside mx.stream(...).run().
  const r = mx.stream(s).run(() => a.__mul__(2));
  assertArray(r, { values: [8, 12] });
});
