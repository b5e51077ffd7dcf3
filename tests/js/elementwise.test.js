'use strict';
// Elementwise ops (core.tsv groups elementwise-unary and elementwise-binary, beyond the
// arithmetic of arith.test.js): values against numpy for every dtype each op accepts, result
// dtypes (dtype_rules.md section 5), broadcasting and strided inputs, weak scalars, NaN and
// infinity, float32 accuracy of the polynomial kernels in ulps against numpy float64, the
// stream argument, aliases, and every error.
// Where MLX and numpy differ the test follows MLX and says so: sign(NaN) is 0 (numpy: NaN);
// floor_divide of floats is floor(a / b); float remainder is fmod corrected to the divisor's
// sign; integer power with a negative exponent truncates (numpy raises).
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { NumpyBatch, NP_NAME } = require('./helpers/numpy');
const { ALL_DTYPES, FLOAT_KEYS, INT_KEYS, assertArray, assertNumpy, throwsWith } = require('./helpers/check');

const np = new NumpyBatch();
const promote = (a, b) => mx.result_type(mx[a], mx[b])._key;
const isInexact = (k) => FLOAT_KEYS.has(k) || k === 'complex64';
const atLeastFloat = (k) => (isInexact(k) ? k : promote(k, 'float32'));
const cast = (v, k) => `${v}.astype(np.${NP_NAME[k]})`;
const SIGNED = new Set(['int8', 'int16', 'int32', 'int64']);

// ---- unary math ------------------------------------------------------------------------------

// Inputs per domain: floats, signed ints, unsigned ints, complex.
const DOMAINS = {
  any: { f: [-2.5, -1, -0.5, 0, 0.5, 1, 2, 3.25], s: [-3, -1, 0, 1, 2, 5], u: [0, 1, 2, 3, 5, 7],
    c: [{ re: 0.5, im: -1 }, { re: -1.25, im: 0.5 }, { re: 2, im: 0 }, { re: 0, im: 1.5 }] },
  pos: { f: [0.001, 0.25, 0.5, 1, 2, 3, 7.5, 100], s: [1, 2, 3, 5, 7, 100], u: [1, 2, 3, 5, 7, 100],
    c: [{ re: 0.5, im: -1 }, { re: 2, im: 0.5 }, { re: 3, im: 0 }, { re: 0.25, im: 1.5 }] },
  unit: { f: [-0.99, -0.5, -0.25, 0, 0.1, 0.5, 0.75, 0.9], s: [-1, 0, 1], u: [0, 1],
    c: [{ re: 0.5, im: -0.25 }, { re: -0.25, im: 0.5 }, { re: 0.1, im: 0 }, { re: 0, im: 0.75 }] },
  geone: { f: [1, 1.5, 2, 3, 10, 100], s: [1, 2, 3, 10], u: [1, 2, 3, 10],
    c: [{ re: 1.5, im: 0.5 }, { re: 2, im: -1 }, { re: 3, im: 0.25 }] },
  gtm1: { f: [-0.75, -0.5, 0, 1e-5, 0.5, 1, 3], s: [0, 1, 2, 3], u: [0, 1, 2, 3],
    c: [{ re: 0.5, im: -1 }, { re: -0.25, im: 0.5 }, { re: 2, im: 0 }] },
  small: { f: [-9, -3.5, -1, -0.25, 0, 0.25, 1, 3.5, 9], s: [-9, -3, -1, 0, 1, 3, 9], u: [0, 1, 3, 9],
    c: [{ re: 0.5, im: -1 }, { re: -1.25, im: 0.5 }, { re: 2, im: 0 }] },
};
function inputs(k, dom) {
  const d = DOMAINS[dom];
  if (k === 'bool_') return dom === 'pos' || dom === 'geone' ? [true] : [true, false];
  if (k === 'complex64') return d.c;
  if (INT_KEYS.has(k)) return SIGNED.has(k) ? d.s : d.u;
  return d.f;
}

const MATH = {
  exp: ['np.exp(X)', 'small'], expm1: ['np.expm1(X)', 'small'], log: ['np.log(X)', 'pos'],
  log2: ['np.log2(X)', 'pos'], log10: ['np.log10(X)', 'pos'], log1p: ['np.log1p(X)', 'gtm1'],
  sin: ['np.sin(X)', 'small'], cos: ['np.cos(X)', 'small'], tan: ['np.tan(X)', 'any'],
  arcsin: ['np.arcsin(X)', 'unit'], arccos: ['np.arccos(X)', 'unit'], arctan: ['np.arctan(X)', 'any'],
  sinh: ['np.sinh(X)', 'any'], cosh: ['np.cosh(X)', 'any'], tanh: ['np.tanh(X)', 'small'],
  arcsinh: ['np.arcsinh(X)', 'any'], arccosh: ['np.arccosh(X)', 'geone'], arctanh: ['np.arctanh(X)', 'unit'],
  sqrt: ['np.sqrt(X)', 'pos'], rsqrt: ['1 / np.sqrt(X)', 'pos'], reciprocal: ['1 / X', 'pos'],
  sigmoid: ['1 / (1 + np.exp(-X))', 'small'],
  erf: ['np.vectorize(__import__("math").erf)(X.astype(np.float64)).astype(X.dtype)', 'small'],
  degrees: ['X * np.array(180 / np.pi, dtype=X.dtype)', 'any'], radians: ['X * np.array(np.pi / 180, dtype=X.dtype)', 'any'],
};
const REAL_ONLY = new Set(['erf']);

const UNARY_CASES = [];
for (const [name, [expr, dom]] of Object.entries(MATH)) {
  for (const k of ALL_DTYPES) {
    if (REAL_ONLY.has(name) && k === 'complex64') continue;
    const rk = atLeastFloat(k);
    const x = mx.array(inputs(k, dom), mx[k]);
    const out = mx[name](x);
    // numpy computes in the result dtype (bfloat16: in float32, rounded by the check).
    const h = np.eval(expr.replace(/X/g, cast('x', rk)), { x });
    UNARY_CASES.push({ label: `${name} ${k} -> ${rk}`, rk, out, h });
  }
}

// Same-dtype ops: abs, negative, sign, square, floor, ceil, trunc, round, logical_not,
// bitwise_invert, conj, real, imag.
const SAMEV = {
  bool_: [true, false, true], uint8: [0, 3, 255], uint16: [7, 0, 65535], uint32: [1, 4294967295, 0],
  uint64: [0n, 2n ** 64n - 1n, 5n], int8: [-128, 5, -3], int16: [-32768, 7, -1], int32: [-2147483648, 9, -4],
  int64: [-(2n ** 63n), 3n, -7n], float16: [-2.5, 0.5, 3.5], float32: [-2.5, 1.5, -0.5],
  float64: [-2.5, 2.5, 0.4999999999999999], bfloat16: [-2.5, 0.5, 1.5],
  complex64: [{ re: -2.5, im: 1.5 }, { re: 0.5, im: -0.5 }, { re: 0, im: 0 }],
};
const SAME_OPS = {
  abs: (k) => [k === 'complex64' ? 'float32' : k, k === 'bool_' ? 'X' : 'np.abs(X)'],
  negative: (k) => (k === 'bool_' ? null : [k, k.startsWith('uint') ? '(0 - X).astype(X.dtype)' : '-X']),
  square: (k) => [k, k === 'bool_' ? 'X' : 'X * X'],
  floor: (k) => (k === 'complex64' ? null : [k, FLOAT_KEYS.has(k) ? 'np.floor(X)' : 'X']),
  ceil: (k) => (k === 'complex64' ? null : [k, FLOAT_KEYS.has(k) ? 'np.ceil(X)' : 'X']),
  trunc: (k) => (k === 'complex64' ? null : [k, FLOAT_KEYS.has(k) ? 'np.trunc(X)' : 'X']),
  round: (k) => [k, isInexact(k) ? 'np.round(X)' : 'X'],
  logical_not: () => ['bool_', 'np.logical_not(X)'],
  bitwise_invert: (k) => (isInexact(k) ? null : [k, k === 'bool_' ? 'np.logical_not(X)' : '~X']),
  conj: (k) => [k, k === 'complex64' ? 'np.conj(X)' : 'X'],
  conjugate: (k) => [k, k === 'complex64' ? 'np.conj(X)' : 'X'],
  real: (k) => [k === 'complex64' ? 'float32' : k, k === 'complex64' ? 'np.real(X)' : 'X'],
  imag: (k) => [k === 'complex64' ? 'float32' : k, k === 'complex64' ? 'np.imag(X)' : 'np.zeros_like(X)'],
};
const SAME_CASES = [];
for (const [name, spec] of Object.entries(SAME_OPS)) {
  for (const k of ALL_DTYPES) {
    const s = spec(k);
    if (s === null) continue;
    const [rk, expr] = s;
    const x = mx.array(SAMEV[k], mx[k]);
    SAME_CASES.push({ label: `${name} ${k} -> ${rk}`, rk, out: mx[name](x), h: np.eval(expr.replace(/X/g, cast('x', k)), { x }) });
  }
}
// sign: MLX's rule (NaN -> 0; complex x / |x|), checked by hand below; numpy for the rest.
for (const k of ALL_DTYPES) {
  if (k === 'complex64') continue;
  const x = mx.array(SAMEV[k], mx[k]);
  const expr = k === 'bool_' ? 'X' : k.startsWith('uint') ? '(X != 0).astype(X.dtype)' : 'np.sign(X)';
  SAME_CASES.push({ label: `sign ${k}`, rk: k, out: mx.sign(x), h: np.eval(expr.replace(/X/g, 'x'), { x }) });
}

// Special values through numpy (float16/32/64; bfloat16 computes as float32 there).
// (-0 does not survive the trip to numpy: JSON writes it as 0.)
const SPECIAL = [NaN, Infinity, -Infinity, 0, -1, 1e-30, 1e30, 88, -88, 100, -100];
const SPECIAL_OPS = ['exp', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh',
  'sigmoid', 'arctan', 'sinh', 'cosh', 'abs', 'floor', 'ceil', 'round', 'trunc', 'square', 'negative'];
const NP_SPECIAL = { rsqrt: '1 / np.sqrt(X)', sigmoid: '1 / (1 + np.exp(-X))', round: 'np.round(X)' };
const SPECIAL_CASES = [];
for (const k of ['float16', 'float32', 'float64', 'bfloat16']) {
  const x = mx.array(SPECIAL, mx[k]);
  for (const name of SPECIAL_OPS) {
    const expr = (NP_SPECIAL[name] || `np.${name}(X)`).replace(/X/g, cast('x', k));
    SPECIAL_CASES.push({ label: `${name} ${k} NaN/inf/zero/large`, rk: k, out: mx[name](x), h: np.eval(expr, { x }) });
  }
}

// float32 accuracy in ulps against numpy float64: [op, numpy expr, lo, hi, max ulp].
const ACCURACY = [
  ['exp', 'np.exp(X)', -103, 88.7, 1.5], ['log', 'np.log(X)', 1e-38, 1e38, 2],
  ['log2', 'np.log2(X)', 1e-38, 1e38, 2], ['log10', 'np.log10(X)', 1e-38, 1e38, 2],
  ['sin', 'np.sin(X)', -100, 100, 2], ['cos', 'np.cos(X)', -100, 100, 2],
  ['sin', 'np.sin(X)', -1e5, 1e5, 2], ['cos', 'np.cos(X)', -1e5, 1e5, 2],
  ['tanh', 'np.tanh(X)', -12, 12, 3], ['sigmoid', '1 / (1 + np.exp(-X))', -90, 30, 3],
  ['erf', 'np.vectorize(__import__("math").erf)(X)', -5, 5, 3], ['log', 'np.log(X)', 0.5, 2, 2],
  ['exp', 'np.exp(X)', -1, 1, 1.5], ['erf', 'np.vectorize(__import__("math").erf)(X)', -1.2, 1.2, 3],
];
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
// One float32 ulp at |v| (the gap above the float32 nearest to v; subnormal spacing near 0).
function ulp32(v) {
  F32[0] = Math.abs(v);
  if (!Number.isFinite(F32[0])) return Infinity;
  const f = F32[0];
  U32[0] += 1;
  return F32[0] - f;
}
const ACC_CASES = ACCURACY.map(([name, expr, lo, hi, maxUlp]) => {
  const n = 4099;
  const vals = new Float32Array(n);
  const logScale = lo > 0 && hi / lo > 1e3;
  for (let i = 0; i < n; i++) {
    const t = i / (n - 1);
    vals[i] = logScale ? lo * Math.pow(hi / lo, t) : lo + (hi - lo) * t;
  }
  const x = mx.array(vals);
  return { name, lo, hi, maxUlp, x, out: mx[name](x), h: np.eval(expr.replace(/X/g, cast('x', 'float64')), { x }) };
});

// ---- binary ops ------------------------------------------------------------------------------

function binOperands(k) {
  switch (true) {
    case k === 'bool_': return [[true, true, false, false, true, false], [true, false, true, false, false, true]];
    case k === 'complex64': return [[{ re: 1, im: 2 }, { re: -1.5, im: 0 }, { re: 2, im: -1 }, { re: 0.5, im: 0.5 }, { re: 3, im: 0 }, { re: -2, im: 1 }],
      [{ re: 1, im: 1 }, { re: -1.5, im: 0.5 }, { re: 2, im: -1 }, { re: 0.25, im: 0 }, { re: -3, im: 0 }, { re: 1, im: 1 }]];
    case SIGNED.has(k): return [[7, -7, 7, -7, 0, 5], [2, 2, -2, -2, 3, 0]];
    case INT_KEYS.has(k): return [[7, 200, 0, 13, 1, 5], [2, 3, 5, 13, 3, 0]];
    default: return [[7.5, -7.5, 2.25, -0.5, 0, 3], [2, 2, -1.5, -0.25, 3, 0.5]];
  }
}
const BIN = {
  maximum: { all: true, expr: 'np.maximum(X, Y)' },
  minimum: { all: true, expr: 'np.minimum(X, Y)' },
  equal: { all: true, expr: 'X == Y', bool: true },
  not_equal: { all: true, expr: 'X != Y', bool: true },
  less: { all: true, expr: 'X < Y', bool: true },
  less_equal: { all: true, expr: 'X <= Y', bool: true },
  greater: { all: true, expr: 'X > Y', bool: true },
  greater_equal: { all: true, expr: 'X >= Y', bool: true },
  logical_and: { all: true, expr: 'np.logical_and(X, Y)', bool: true },
  logical_or: { all: true, expr: 'np.logical_or(X, Y)', bool: true },
  logical_xor: { all: true, expr: 'np.logical_xor(X, Y)', bool: true },
  remainder: { skip: ['complex64', 'bool_'], expr: 'np.remainder(X, Y)' },
  floor_divide: { skip: ['complex64', 'bool_'], expr: (rk) => (FLOAT_KEYS.has(rk) ? 'np.floor(X / Y)' : 'np.floor_divide(X, Y)') },
  arctan2: { skip: ['complex64'], expr: 'np.arctan2(X, Y)', float: true },
  logaddexp: { skip: ['complex64'], expr: 'np.logaddexp(X, Y)', float: true },
  bitwise_and: { ints: true, expr: 'X & Y' },
  bitwise_or: { ints: true, expr: 'X | Y' },
  bitwise_xor: { ints: true, expr: 'X ^ Y' },
};
const BIN_CASES = [];
for (const [name, spec] of Object.entries(BIN)) {
  for (const k of ALL_DTYPES) {
    if (spec.skip && spec.skip.includes(k)) continue;
    if (spec.ints && isInexact(k)) continue;
    const [xv, yv] = binOperands(k);
    const x = mx.array(xv, mx[k]), y = mx.array(yv, mx[k]);
    const rk = spec.bool ? 'bool_' : spec.float ? atLeastFloat(k) : k;
    const ck = spec.bool ? k : rk;  // numpy computes in the operands' (cast) dtype
    const e = typeof spec.expr === 'function' ? spec.expr(rk) : spec.expr;
    BIN_CASES.push({ label: `${name} ${k} -> ${rk}`, rk, out: mx[name](x, y), h: np.eval(e.replace(/X/g, cast('x', ck)).replace(/Y/g, cast('y', ck)), { x, y }) });
  }
}
// power: non-negative integer exponents (exact, wrapping), float and complex bases.
for (const k of ALL_DTYPES) {
  if (k === 'bool_') continue;
  const base = SIGNED.has(k) ? [2, -3, 7, -1, 0, 5] : INT_KEYS.has(k) ? [2, 3, 7, 1, 0, 5] : k === 'complex64'
    ? [{ re: 1, im: 1 }, { re: 0.5, im: -2 }, { re: 2, im: 0 }] : [2, 0.5, 1.5, 3, 0, 10];
  const ex = INT_KEYS.has(k) ? [3, 5, 11, 7, 0, 30] : k === 'complex64' ? [{ re: 2, im: 0 }, { re: 0.5, im: 0.5 }, { re: 3, im: 0 }] : [3, -1, 2.5, 0.5, 2, -2];
  const x = mx.array(base, mx[k]), y = mx.array(ex, mx[k]);
  BIN_CASES.push({ label: `power ${k}`, rk: k, out: mx.power(x, y), h: np.eval(`np.power(${cast('x', k)}, ${cast('y', k)})`, { x, y }) });
}
// Shifts: counts around the width (numpy: 0, or -1 for negative numbers shifted right).
for (const k of [...INT_KEYS]) {
  const bits = mx[k].size * 8;
  const xs = SIGNED.has(k) ? [1, -8, 5, -1, 3, 100, -100, 1] : [1, 8, 5, 255, 3, 100, 1, 2];
  const cs = [0, 1, 3, bits - 1, bits, bits + 3, 2, 5];
  const x = mx.array(xs, mx[k]), y = mx.array(cs, mx[k]);
  for (const [name, op] of [['left_shift', '<<'], ['right_shift', '>>']]) {
    const expr = `np.where(${cast('y', 'uint64')} >= ${bits}, ${op === '<<' ? '0' : `np.where(${cast('x', k)} < 0, -1, 0)`}, ${cast('x', k)} ${op} np.minimum(${cast('y', k)}, ${bits - 1})).astype(np.${NP_NAME[k]})`;
    BIN_CASES.push({ label: `${name} ${k} (counts 0..width+3)`, rk: k, out: mx[name](x, y), h: np.eval(expr, { x, y }) });
  }
}
// divmod: the quotient as floor_divide, the remainder as remainder.
for (const k of ALL_DTYPES) {
  if (k === 'complex64' || k === 'bool_') continue;
  const [xv, yv] = binOperands(k);
  const x = mx.array(xv, mx[k]), y = mx.array(yv, mx[k]);
  const [q, r] = mx.divmod(x, y);
  const qe = FLOAT_KEYS.has(k) ? 'np.floor(X / Y)' : 'np.floor_divide(X, Y)';
  BIN_CASES.push({ label: `divmod ${k} quotient`, rk: k, out: q, h: np.eval(qe.replace(/X/g, cast('x', k)).replace(/Y/g, cast('y', k)), { x, y }) });
  BIN_CASES.push({ label: `divmod ${k} remainder`, rk: k, out: r, h: np.eval(`np.remainder(${cast('x', k)}, ${cast('y', k)})`, { x, y }) });
}

// Mixed dtypes: promoted as add is.
const MIXED = [['int8', 'uint8'], ['int32', 'float16'], ['uint64', 'int64'], ['bfloat16', 'float16'], ['bool_', 'int16'], ['float32', 'float64']];
for (const [a, b] of MIXED) {
  const x = mx.array([1, 5, 3, 0], mx[a === 'bool_' ? 'int32' : a]).astype(mx[a]);
  const y = mx.array([2, 5, 1, 4], mx[b]);
  const rk = promote(a, b);
  for (const [name, expr, out] of [['maximum', 'np.maximum(X, Y)', rk], ['remainder', 'np.remainder(X, Y)', rk], ['less', 'X < Y', 'bool_'],
    ['power', 'np.power(X, Y)', rk], ['arctan2', 'np.arctan2(X, Y)', atLeastFloat(rk)]]) {
    const ck = name === 'arctan2' ? out : rk;
    BIN_CASES.push({ label: `${name} ${a} ${b} -> ${out}`, rk: out, out: mx[name](x, y), h: np.eval(expr.replace(/X/g, cast('x', ck)).replace(/Y/g, cast('y', ck)), { x, y }) });
  }
}

// Broadcasting (0-size dims included) and strided operands.
const BCAST_SHAPES = [[[2, 3], [3]], [[2, 1], [1, 3]], [[], [2, 3]], [[4, 1, 3], [2, 1]], [[1], [0]], [[2, 0], [2, 1]], [[0, 3], []]];
const sizeOf = (s) => s.reduce((p, d) => p * d, 1);
const fvals = (n, off) => Array.from({ length: n }, (_, i) => ((i * 7 + off) % 11) - 4.5);
const BCAST = [];
for (const [sa, sb] of BCAST_SHAPES) {
  const x = mx.array(fvals(sizeOf(sa), 1), mx.float32).reshape(sa);
  const y = mx.array(fvals(sizeOf(sb), 3), mx.float32).reshape(sb);
  for (const [name, expr, rk] of [['maximum', 'np.maximum(x, y)', 'float32'], ['greater', 'x > y', 'bool_'], ['remainder', 'np.remainder(x, y)', 'float32'], ['logaddexp', 'np.logaddexp(x, y)', 'float32']]) {
    BCAST.push({ label: `${name} broadcast ${JSON.stringify(sa)} ${JSON.stringify(sb)}`, rk, out: mx[name](x, y), h: np.eval(expr, { x, y }) });
  }
  const [q] = mx.divmod(x, y);
  BCAST.push({ label: `divmod broadcast ${JSON.stringify(sa)} ${JSON.stringify(sb)}`, rk: 'float32', out: q, h: np.eval('np.floor(x / y)', { x, y }) });
}
{
  const base = mx.array(fvals(24, 5), mx.float32).reshape(2, 3, 4);
  const t = mx.transpose(base, [2, 0, 1]);
  const b = mx.broadcast_to(mx.array([0.5, -1.5, 2], mx.float32), [4, 3]);
  const h16 = mx.transpose(base.astype(mx.float16), [1, 2, 0]);
  BCAST.push({ label: 'exp of a transposed array', rk: 'float32', out: mx.exp(t), h: np.eval('np.exp(np.transpose(x, (2, 0, 1)))', { x: base }) });
  BCAST.push({ label: 'sin of a broadcast array', rk: 'float32', out: mx.sin(b), h: np.eval('np.sin(np.broadcast_to(v, (4, 3)))', { v: mx.array([0.5, -1.5, 2], mx.float32) }) });
  BCAST.push({ label: 'abs of a transposed float16 array', rk: 'float16', out: mx.abs(h16), h: np.eval('np.abs(np.transpose(x.astype(np.float16), (1, 2, 0)))', { x: base }) });
  BCAST.push({ label: 'less of transposed operands', rk: 'bool_', out: mx.less(t, mx.transpose(mx.negative(base), [2, 0, 1])), h: np.eval('np.transpose(x, (2, 0, 1)) < np.transpose(-x, (2, 0, 1))', { x: base }) });
  BCAST.push({ label: 'power of a transposed operand and a scalar', rk: 'float32', out: mx.power(t, 2), h: np.eval('np.transpose(x, (2, 0, 1)) ** 2', { x: base }) });
}

// round(decimals): MLX scales by float32 10^d in at_least_float, rounds half to even, scales back.
const ROUND_CASES = [];
for (const [k, d] of [['float32', 2], ['float32', -1], ['float16', 1], ['float64', 3], ['int32', -1], ['int16', 1], ['bfloat16', 1]]) {
  const vals = INT_KEYS.has(k) ? [15, 25, -35, 144] : [1.2345, 2.675, -0.125, 12.5];
  const x = mx.array(vals, mx[k]);
  const ck = atLeastFloat(k);
  const t = NP_NAME[ck];
  const expr = `(np.rint(${cast('x', ck)} * np.${t}(np.float32(10.0) ** np.float32(${d}))) * np.${t}(np.float32(1) / np.float32(10.0) ** np.float32(${d}))).astype(np.${NP_NAME[k]})`;
  ROUND_CASES.push({ label: `round ${k} decimals=${d}`, rk: k, out: mx.round(x, d), h: np.eval(expr, { x }) });
}

np.run();

// ---- tests -----------------------------------------------------------------------------------

for (const c of [...UNARY_CASES, ...SAME_CASES, ...SPECIAL_CASES, ...BIN_CASES, ...BCAST, ...ROUND_CASES]) {
  test(c.label, () => assertNumpy(c.out, c.h, { dtype: mx[c.rk] }));
}

for (const c of ACC_CASES) {
  test(`${c.name} float32 accuracy over [${c.lo}, ${c.hi}]: at most ${c.maxUlp} ulp against float64`, () => {
    assert.equal(c.h.error, undefined, c.h.error);
    const got = c.out.tolist();
    const ref = c.h.value.flat;
    const xs = c.x.tolist();
    let worst = 0, at = 0;
    for (let i = 0; i < got.length; i++) {
      const r = ref[i];
      if (!Number.isFinite(r) || Math.abs(r) > 3.4028234663852886e38) {
        assert.ok(Number.isNaN(r) ? Number.isNaN(got[i]) : got[i] === Math.sign(r) * Infinity, `${c.name}(${xs[i]}) = ${got[i]}, expected ${r}`);
        continue;
      }
      // sin/cos near their zeros: errors count in ulps of 2^-24 (absolute 6e-8) at least.
      const scale = c.name === 'sin' || c.name === 'cos' ? Math.max(ulp32(r), 2 ** -24) : ulp32(r);
      const e = Math.abs(got[i] - r) / scale;
      if (e > worst) { worst = e; at = xs[i]; }
    }
    assert.ok(worst <= c.maxUlp, `${c.name}: ${worst.toFixed(2)} ulp at x = ${at}`);
  });
}

test('result dtypes (dtype_rules.md section 5) for every input dtype', () => {
  const FLOATY = ['exp', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan', 'sinh',
    'cosh', 'tanh', 'arcsinh', 'arccosh', 'arctanh', 'sqrt', 'rsqrt', 'reciprocal', 'sigmoid', 'degrees', 'radians'];
  for (const k of ALL_DTYPES) {
    const x = mx.ones([2], mx[k]);
    for (const f of FLOATY) assert.equal(mx[f](x).dtype, mx[atLeastFloat(k)], `${f}(${k})`);
    if (k !== 'complex64') {
      assert.equal(mx.erf(x).dtype, mx[atLeastFloat(k)], `erf(${k})`);
      assert.equal(mx.erfinv(x).dtype, mx[atLeastFloat(k)], `erfinv(${k})`);
      for (const f of ['floor', 'ceil', 'trunc']) assert.equal(mx[f](x).dtype, mx[k], `${f}(${k})`);
    }
    for (const f of ['sign', 'square', 'round', 'conj', 'conjugate']) assert.equal(mx[f](x).dtype, mx[k], `${f}(${k})`);
    assert.equal(mx.round(x, 2).dtype, mx[k], `round(${k}, 2)`);
    assert.equal(mx.abs(x).dtype, mx[k === 'complex64' ? 'float32' : k], `abs(${k})`);
    assert.equal(mx.real(x).dtype, mx[k === 'complex64' ? 'float32' : k], `real(${k})`);
    assert.equal(mx.imag(x).dtype, mx[k === 'complex64' ? 'float32' : k], `imag(${k})`);
    if (k !== 'bool_') assert.equal(mx.negative(x).dtype, mx[k]);
    for (const f of ['isnan', 'isinf', 'isfinite', 'isposinf', 'isneginf', 'logical_not']) assert.equal(mx[f](x).dtype, mx.bool_, `${f}(${k})`);
    assert.equal(mx.nan_to_num(x).dtype, mx[k], `nan_to_num(${k})`);
    for (const f of ['equal', 'not_equal', 'less', 'less_equal', 'greater', 'greater_equal', 'logical_and', 'logical_or', 'logical_xor', 'isclose']) {
      assert.equal(mx[f](x, x).dtype, mx.bool_, `${f}(${k})`);
    }
    for (const f of ['maximum', 'minimum', 'power']) assert.equal(mx[f](x, x).dtype, mx[k], `${f}(${k})`);
    for (const f of ['arctan2', 'logaddexp']) if (k !== 'complex64') assert.equal(mx[f](x, x).dtype, mx[atLeastFloat(k)], `${f}(${k})`);
    if (k !== 'complex64') {
      assert.equal(mx.remainder(x, x).dtype, mx[k]);
      assert.equal(mx.floor_divide(x, x).dtype, mx[k]);
      assert.deepEqual(mx.divmod(x, x).map((a) => a.dtype), [mx[k], mx[k]]);
    }
    if (!isInexact(k)) {
      for (const f of ['bitwise_and', 'bitwise_or', 'bitwise_xor']) assert.equal(mx[f](x, x).dtype, mx[k]);
      for (const f of ['left_shift', 'right_shift']) assert.equal(mx[f](x, x).dtype, mx[k === 'bool_' ? 'uint8' : k], `${f}(${k})`);
      assert.equal(mx.bitwise_invert(x).dtype, mx[k]);
    }
    assert.equal(mx.clip(x, 0, 1).dtype, mx[k === 'bool_' ? 'int32' : k], `clip(${k})`);  // bool + int scalar -> int32
  }
});

test('sign follows MLX: NaN -> 0, -0 -> 0, complex -> x / |x|', () => {
  assertArray(mx.sign(mx.array([NaN, -0, -3, 2, Infinity, -Infinity])), { dtype: mx.float32, values: [0, 0, -1, 1, 1, -1] });
  assertArray(mx.sign(mx.array([NaN, -2], mx.float16)), { dtype: mx.float16, values: [0, -1] });
  assertArray(mx.sign(mx.array([{ re: 3, im: 4 }, { re: 0, im: 0 }, { re: 0, im: -2 }])), {
    dtype: mx.complex64, values: [{ re: 0.6, im: 0.8 }, { re: 0, im: 0 }, { re: 0, im: -1 }] });
});

test('complex abs, sqrt, exp, log against hand values', () => {
  assertArray(mx.abs(mx.array([{ re: 3, im: 4 }, { re: -5, im: 12 }])), { dtype: mx.float32, values: [5, 13] });
  assertArray(mx.sqrt(mx.array([{ re: -4, im: 0 }])), { dtype: mx.complex64, values: [{ re: 0, im: 2 }] });
  assertArray(mx.exp(mx.array([{ re: 0, im: Math.PI }])), { dtype: mx.complex64, values: [{ re: -1, im: 0 }], tol: { rtol: 1e-6, atol: 1e-6 } });
  assertArray(mx.log(mx.array([{ re: -1, im: 0 }])), { dtype: mx.complex64, values: [{ re: 0, im: Math.PI }] });
  assertArray(mx.real(mx.array([{ re: 1.5, im: -2 }])), { dtype: mx.float32, values: [1.5] });
  assertArray(mx.imag(mx.array([{ re: 1.5, im: -2 }])), { dtype: mx.float32, values: [-2] });
  assertArray(mx.round(mx.array([{ re: 1.5, im: -2.5 }])), { dtype: mx.complex64, values: [{ re: 2, im: -2 }] });
});

test('erfinv: known values, the ends, out of range, and erf(erfinv(y)) == y', () => {
  const ys = [0, 0.1, 0.5, -0.9, 0.99, 0.999, 1, -1, 1.5, NaN];
  const want = [0, 0.08885599049425769, 0.4769362762044699, -1.1630871536766743, 1.8213863677184496, 2.326753765513525, Infinity, -Infinity, NaN, NaN];
  assertArray(mx.erfinv(mx.array(ys, mx.float64)), { dtype: mx.float64, values: want, tol: { rtol: 1e-14, atol: 1e-15 } });
  // float32: against the float64 result at the float32-rounded inputs (0.999 is 0.99900001 there).
  const want32 = mx.erfinv(mx.array(ys.map(Math.fround), mx.float64)).tolist();
  assertArray(mx.erfinv(mx.array(ys)), { dtype: mx.float32, values: want32, tol: { rtol: 2.4e-7, atol: 1e-30 } });
  assertArray(mx.erfinv(mx.array([0.5, -0.25], mx.float16)), { dtype: mx.float16, values: [0.4769, -0.2253] });
  const y = mx.array(Array.from({ length: 199 }, (_, i) => (i - 99) / 100), mx.float64);
  const back = mx.erf(mx.erfinv(y)).tolist();
  y.tolist().forEach((v, i) => assert.ok(Math.abs(back[i] - v) <= 1e-15, `erf(erfinv(${v})) = ${back[i]}`));
});

test('NaN propagates through maximum/minimum (either side) and clip', () => {
  const a = mx.array([NaN, 1, NaN, -Infinity]);
  const b = mx.array([1, NaN, NaN, 2]);
  assertArray(mx.maximum(a, b), { values: [NaN, NaN, NaN, 2] });
  assertArray(mx.minimum(a, b), { values: [NaN, NaN, NaN, -Infinity] });
  assertArray(mx.maximum(mx.array([NaN, 2], mx.float16), 1), { dtype: mx.float16, values: [NaN, 2] });
  assertArray(mx.clip(mx.array([NaN, -5, 5, 0.5]), -1, 1), { values: [NaN, -1, 1, 0.5] });
  assertArray(mx.maximum(mx.array([{ re: NaN, im: 0 }]), mx.array([{ re: 1, im: 0 }])), { dtype: mx.complex64, values: [{ re: NaN, im: 0 }] });
});

test('isnan / isinf / isfinite / isposinf / isneginf for every dtype', () => {
  const v = [NaN, Infinity, -Infinity, 0, -2.5];
  for (const k of ['float16', 'float32', 'float64', 'bfloat16']) {
    const x = mx.array(v, mx[k]);
    assertArray(mx.isnan(x), { dtype: mx.bool_, values: [true, false, false, false, false], msg: k });
    assertArray(mx.isinf(x), { dtype: mx.bool_, values: [false, true, true, false, false], msg: k });
    assertArray(mx.isfinite(x), { dtype: mx.bool_, values: [false, false, false, true, true], msg: k });
    assertArray(mx.isposinf(x), { dtype: mx.bool_, values: [false, true, false, false, false], msg: k });
    assertArray(mx.isneginf(x), { dtype: mx.bool_, values: [false, false, true, false, false], msg: k });
  }
  const c = mx.array([{ re: NaN, im: 0 }, { re: 0, im: NaN }, { re: Infinity, im: 0 }, { re: 1, im: 2 }]);
  assertArray(mx.isnan(c), { values: [true, true, false, false] });
  assertArray(mx.isfinite(c), { values: [false, false, false, true] });
  for (const k of ['bool_', 'uint8', 'int32', 'int64', 'uint64']) {
    const x = mx.ones([3], mx[k]);
    assertArray(mx.isnan(x), { dtype: mx.bool_, values: [false, false, false] });
    assertArray(mx.isinf(x), { dtype: mx.bool_, values: [false, false, false] });
    assertArray(mx.isposinf(x), { dtype: mx.bool_, values: [false, false, false] });
    assertArray(mx.isfinite(x), { dtype: mx.bool_, values: [true, true, true] });
  }
});

test('nan_to_num: MLX defaults per dtype, explicit values, integers unchanged, scalars', () => {
  const v = [NaN, Infinity, -Infinity, 1.5];
  assertArray(mx.nan_to_num(mx.array(v)), { dtype: mx.float32, values: [0, 3.4028234663852886e38, -3.4028234663852886e38, 1.5] });
  assertArray(mx.nan_to_num(mx.array(v, mx.float16)), { dtype: mx.float16, values: [0, 65504, -65504, 1.5] });
  assertArray(mx.nan_to_num(mx.array(v, mx.bfloat16)), { dtype: mx.bfloat16, values: [0, 3.3895313892515355e38, -3.3895313892515355e38, 1.5] });
  // float64 defaults to float32's largest value, as MLX.
  assertArray(mx.nan_to_num(mx.array(v, mx.float64)), { dtype: mx.float64, values: [0, 3.4028234663852886e38, -3.4028234663852886e38, 1.5] });
  assertArray(mx.nan_to_num(mx.array(v), 7, 100, -100), { values: [7, 100, -100, 1.5] });
  assertArray(mx.nan_to_num(mx.array(v), { nan: -1, neginf: -2 }), { values: [-1, 3.4028234663852886e38, -2, 1.5] });
  assertArray(mx.nan_to_num(mx.array([1, 2], mx.int8)), { dtype: mx.int8, values: [1, 2] });
  assertArray(mx.nan_to_num(NaN), { dtype: mx.float32, shape: [], values: 0 });
  assertArray(mx.nan_to_num(mx.array([{ re: NaN, im: 1 }])), { dtype: mx.complex64 });
});

test('isclose: tolerances, infinities, equal_nan, integers, broadcasting', () => {
  const a = mx.array([1, 1.000005, 1.1, Infinity, -Infinity, Infinity, NaN, 0]);
  const b = mx.array([1, 1, 1, Infinity, -Infinity, -Infinity, NaN, 1e-9]);
  assertArray(mx.isclose(a, b), { dtype: mx.bool_, values: [true, true, false, true, true, false, false, true] });
  assertArray(mx.isclose(a, b, { equal_nan: true }), { values: [true, true, false, true, true, false, true, true] });
  assertArray(mx.isclose(a, b, 0.2), { values: [true, true, true, true, true, false, false, true] });
  assertArray(mx.isclose(a, b, 0, 0), { values: [true, false, false, true, true, false, false, false] });
  assertArray(mx.isclose(mx.array([1, 2, 3]), mx.array([1, 3, 3])), { values: [true, false, true] });
  assertArray(mx.isclose(mx.array([[1], [2]]), mx.array([1, 2, 3])), { shape: [2, 3], values: [true, false, false, false, true, false] });
  throwsWith(() => mx.isclose(mx.ones([2]), mx.ones([3])), Error, /^\[isclose\] Shapes \(2\) \(3\) cannot be broadcast\./);
});

test('clip: scalars weak against the array, arrays broadcast, one bound None', () => {
  assertArray(mx.clip(mx.array([-5, 0, 5, 10], mx.int8), 0, 6), { dtype: mx.int8, values: [0, 0, 5, 6] });
  assertArray(mx.clip(mx.array([-5, 0, 5], mx.int8), null, 2), { dtype: mx.int8, values: [-5, 0, 2] });
  assertArray(mx.clip(mx.array([-5, 0, 5], mx.uint8), 1, null), { dtype: mx.uint8, values: [251, 1, 5] });
  assertArray(mx.clip(mx.array([-5, 0, 5], mx.float16), -1.5, 1.5), { dtype: mx.float16, values: [-1.5, 0, 1.5] });
  assertArray(mx.clip(mx.array([[1, 5], [7, 9]]), mx.array([2, 6]), 8), { dtype: mx.int32, values: [2, 6, 7, 8] });
  assertArray(mx.clip([1.5, 7], 2, 3), { dtype: mx.float32, values: [2, 3] });
  assertArray(mx.clip(mx.array([1, 5], mx.int32), 1.5, 3), { dtype: mx.float32, values: [1.5, 3] });
  throwsWith(() => mx.clip(mx.array([1]), null, null), Error, /^\[clip\] At most one of a_min and a_max may be None\./);
  throwsWith(() => mx.clip(mx.array([1], mx.int8), 300, null), RangeError, /^\[clip\] Converting 300 to int8 would result in overflow\./);
});

test('weak scalars: the array dtype wins for scalar | array operands; array-typed operands convert strongly', () => {
  assertArray(mx.maximum(mx.array([1, -3], mx.int8), 0), { dtype: mx.int8, values: [1, 0] });
  assertArray(mx.power(mx.array([3], mx.int8), 2), { dtype: mx.int8, values: [9] });
  assertArray(mx.power(2, mx.array([3], mx.uint8)), { dtype: mx.uint8, values: [8] });
  assertArray(mx.power(mx.array([4], mx.float16), 0.5), { dtype: mx.float16, values: [2] });
  assertArray(mx.power(mx.array([4], mx.int32), 0.5), { dtype: mx.float32, values: [2] });
  assertArray(mx.equal(mx.array([1, 2], mx.uint8), 2), { dtype: mx.bool_, values: [false, true] });
  assertArray(mx.less(1.5, mx.array([1, 2], mx.bfloat16)), { values: [false, true] });
  assertArray(mx.remainder(mx.array([-7], mx.int16), 3), { dtype: mx.int16, values: [2] });
  assertArray(mx.floor_divide(-7, mx.array([2], mx.int64)), { dtype: mx.int64, values: [-4n] });
  assertArray(mx.bitwise_and(mx.array([0xff], mx.uint8), 0x0f), { dtype: mx.uint8, values: [15] });
  assertArray(mx.left_shift(mx.array([1], mx.uint16), 15), { dtype: mx.uint16, values: [32768] });
  assertArray(mx.logaddexp(mx.array([0], mx.float16), 0), { dtype: mx.float16, values: [Math.LN2] });
  // arctan2 / logical_and / logical_or take arrays: a JS number is a float32 / int32 array.
  assertArray(mx.arctan2(mx.array([1], mx.float16), 1.5), { dtype: mx.float32 });
  assertArray(mx.logical_and(mx.array([1, 0], mx.int8), 2), { dtype: mx.bool_, values: [true, false] });
  assertArray(mx.equal(1, 1.0), { dtype: mx.bool_, shape: [], values: true });
  throwsWith(() => mx.equal(mx.array([1], mx.uint8), 300), RangeError, /^\[equal\] Converting 300 to uint8 would result in overflow\./);
  throwsWith(() => mx.maximum(-1, mx.array([1], mx.uint32)), RangeError, /^\[maximum\] Converting -1 to uint32/);
});

test('integer semantics: Python floor division and remainder, division by zero, wraparound', () => {
  const a = mx.array([7, -7, 7, -7, -128, -128, 5], mx.int8);
  const b = mx.array([2, 2, -2, -2, -1, 0, 0], mx.int8);
  assertArray(mx.floor_divide(a, b), { values: [3, -4, -4, 3, -128, 0, 0] });
  assertArray(mx.remainder(a, b), { values: [1, 1, -1, -1, 0, 0, 0] });
  const [q, r] = mx.divmod(a, b);
  assertArray(q, { values: [3, -4, -4, 3, -128, 0, 0] });
  assertArray(r, { values: [1, 1, -1, -1, 0, 0, 0] });
  assertArray(mx.power(mx.array([2, 3, -2], mx.int8), mx.array([7, 5, 7], mx.int8)), { values: [-128, -13, -128] });
  assertArray(mx.power(mx.array([2n], mx.int64), mx.array([62n], mx.int64)), { values: [2n ** 62n] });
  assertArray(mx.power(mx.array([3n], mx.uint64), mx.array([41n], mx.uint64)), { values: [3n ** 41n % 2n ** 64n] });
  // Negative integer exponents truncate toward zero (numpy raises; MLX has no error).
  assertArray(mx.power(mx.array([2, 1, -1, -1, 0], mx.int32), mx.array([-1, -5, -3, -2, 3], mx.int32)), { values: [0, 1, -1, 1, 0] });
  assertArray(mx.power(mx.array([true, false, false]), mx.array([false, true, false])), { dtype: mx.bool_, values: [true, false, true] });
  assertArray(mx.abs(mx.array([-128, 5], mx.int8)), { values: [-128, 5] });
  assertArray(mx.negative(mx.array([0, 1], mx.uint8)), { values: [0, 255] });
  assertArray(mx.square(mx.array([16, 200], mx.uint8)), { values: [0, 64] });
  assertArray(mx.floor_divide(mx.array([true, false]), mx.array([true, true])), { dtype: mx.bool_, values: [true, false] });
});

test('float floor_divide and remainder: floor(a / b), the divisor\'s sign, zero and infinity', () => {
  assertArray(mx.floor_divide(mx.array([7.5, -7.5, 1, -1, 0]), mx.array([2, 2, 0, 0, 0])), { values: [3, -4, Infinity, -Infinity, NaN] });
  assertArray(mx.remainder(mx.array([7.5, -7.5, 7.5, 1, Infinity]), mx.array([2, 2, -2, 0, 3])), { values: [1.5, 0.5, -0.5, NaN, NaN] });
  const [q, r] = mx.divmod(mx.array([-7.5], mx.float16), mx.array([2], mx.float16));
  assertArray(q, { dtype: mx.float16, values: [-4] });
  assertArray(r, { dtype: mx.float16, values: [0.5] });
});

test('logaddexp: infinities and NaN', () => {
  assertArray(mx.logaddexp(mx.array([-Infinity, Infinity, -Infinity, NaN, 1000]), mx.array([-Infinity, 1, 2, 1, 1000])),
    { values: [-Infinity, Infinity, 2, NaN, 1000 + Math.LN2] });
});

test('large arrays: exp, sigmoid and less past the streaming threshold match small ones', () => {
  const n = (1 << 22) + 37;
  const x = mx.subtract(mx.multiply(mx.arange(n).astype(mx.float32), 20 / n), 10);
  const e = mx.exp(x).tolist();
  const s = mx.sigmoid(x).tolist();
  const l = mx.less(x, 0).tolist();
  const xs = x.tolist();
  for (const i of [0, 1, 12345, n >> 1, n - 2, n - 1]) {
    assert.equal(e[i], mx.exp(mx.array([xs[i]])).tolist()[0]);
    assert.equal(s[i], mx.sigmoid(mx.array([xs[i]])).tolist()[0]);
    assert.equal(l[i], xs[i] < 0);
  }
});

test('aliases are the same function objects', () => {
  const pairs = { acos: 'arccos', acosh: 'arccosh', asin: 'arcsin', asinh: 'arcsinh', atan: 'arctan', atanh: 'arctanh',
    atan2: 'arctan2', bitwise_left_shift: 'left_shift', bitwise_right_shift: 'right_shift', pow: 'power' };
  for (const [a, b] of Object.entries(pairs)) assert.equal(mx[a], mx[b], a);
  assertArray(mx.conj(mx.array([{ re: 1, im: 2 }])), { values: [{ re: 1, im: -2 }] });
  const x = mx.array([1, 2]);
  assert.ok(mx.positive(x) instanceof mx.array);
  assertArray(mx.positive(x), { dtype: mx.int32, values: [1, 2] });
});

test('the stream argument: default, a new cpu stream, the cpu device; the gpu is an error', () => {
  const s = mx.new_stream(mx.cpu);
  const x = mx.array([0.5, -1]);
  for (const stream of [undefined, s, mx.cpu, mx.default_stream(mx.cpu)]) {
    assertArray(mx.exp(x, { stream }), { values: [Math.exp(0.5), Math.exp(-1)] });
    assertArray(mx.maximum(x, 0, { stream }), { values: [0.5, 0] });
    assertArray(mx.less(x, 0, { stream }), { values: [false, true] });
    assertArray(mx.divmod(x, 2, { stream })[1], { values: [0.5, 1] });
    assertArray(mx.round(x, 0, { stream }), { values: [0, -1] });
    assertArray(mx.isclose(x, x, { stream }), { values: [true, true] });
    assertArray(mx.clip(x, 0, 1, { stream }), { values: [0.5, 0] });
    assertArray(mx.nan_to_num(x, { stream }), { values: [0.5, -1] });
    assertArray(mx.isnan(x, { stream }), { values: [false, false] });
  }
  for (const f of ['exp', 'abs', 'isnan', 'logical_not', 'sign']) {
    throwsWith(() => mx[f](x, { stream: mx.gpu }), Error, new RegExp(`^\\[${f}\\] .*gpu`));
  }
  for (const f of ['maximum', 'equal', 'power', 'divmod', 'bitwise_and', 'arctan2']) {
    throwsWith(() => mx[f](mx.array([1]), mx.array([2]), { stream: mx.gpu }), Error, new RegExp(`^\\[${f}\\] .*gpu`));
  }
});

test('errors: dtypes each op rejects, with MLX\'s messages', () => {
  const f = mx.array([1.5]), c = mx.array([{ re: 1, im: 1 }]), i = mx.array([1]), b = mx.array([true]);
  for (const op of ['bitwise_and', 'bitwise_or', 'bitwise_xor', 'left_shift', 'right_shift']) {
    throwsWith(() => mx[op](f, i), Error, new RegExp(`^\\[${op}\\] Only allowed on integer or boolean types but got types float32 and int32\\.`));
    throwsWith(() => mx[op](c, c), Error, new RegExp(`^\\[${op}\\] Only allowed on integer or boolean types`));
  }
  throwsWith(() => mx.bitwise_invert(f), Error, /^\[bitwise_invert\] Bitwise inverse only allowed on integer types\./);
  throwsWith(() => mx.negative(b), Error, /^\[negative\] Not supported for bool, use logical_not instead\./);
  for (const op of ['floor', 'ceil', 'trunc']) throwsWith(() => mx[op](c), Error, new RegExp(`^\\[${op}\\] Not supported for complex64\\.`));
  for (const op of ['erf', 'erfinv']) throwsWith(() => mx[op](c), Error, new RegExp(`^\\[${op}\\] Not supported for complex64`));
  for (const op of ['remainder', 'floor_divide', 'divmod']) throwsWith(() => mx[op](c, i), Error, new RegExp(`^\\[${op}\\] Complex type not supported\\.`));
  for (const op of ['arctan2', 'logaddexp']) throwsWith(() => mx[op](c, f), Error, new RegExp(`^\\[${op}\\] Not supported for complex64\\.`));
});

test('errors: broadcasting names the op; bad argument kinds are TypeErrors', () => {
  for (const op of ['maximum', 'equal', 'less', 'power', 'remainder', 'logical_and', 'bitwise_or', 'divmod', 'arctan2', 'logaddexp', 'floor_divide']) {
    const x = op === 'bitwise_or' ? mx.zeros([2, 3], mx.int32) : mx.zeros([2, 3]);
    const y = op === 'bitwise_or' ? mx.zeros([3, 2], mx.int32) : mx.zeros([3, 2]);
    throwsWith(() => mx[op](x, y), Error, new RegExp(`^\\[${op === 'floor_divide' ? '(floor_divide|divide)' : op}\\] Shapes \\(2,3\\) \\(3,2\\) cannot be broadcast\\.`));
  }
  throwsWith(() => mx.exp('x'), TypeError, /^\[exp\] argument 'a'/);
  throwsWith(() => mx.exp(), TypeError, /^\[exp\] missing required argument 'a'/);
  throwsWith(() => mx.maximum(mx.array([1])), TypeError, /^\[maximum\] missing required argument 'b'/);
  throwsWith(() => mx.exp(mx.array([1]), { axis: 1 }), TypeError, /^\[exp\] unknown keyword argument 'axis'/);
  throwsWith(() => mx.exp({ a: mx.array([1]) }), TypeError, /^\[exp\] argument 'a' is positional-only|^\[exp\] missing required argument 'a'/);
  throwsWith(() => mx.round(mx.array([1.5]), 1.5), TypeError, /^\[round\] argument 'decimals'/);
  throwsWith(() => mx.isclose(mx.array([1]), mx.array([1]), 'a'), TypeError, /^\[isclose\] argument 'rtol'/);
  throwsWith(() => mx.nan_to_num(mx.array([1.5]), 'zero'), TypeError, /^\[nan_to_num\] argument 'nan'/);
  throwsWith(() => mx.clip(mx.array([1])), TypeError, /^\[clip\] missing required argument 'a_min'/);
});

test('array methods and properties: abs, square, sqrt, ..., round, conj, real, imag', () => {
  const x = mx.array([0.25, 4, 9], mx.float32);
  for (const name of ['abs', 'square', 'sqrt', 'rsqrt', 'reciprocal', 'exp', 'log', 'log2', 'log10', 'sin', 'cos', 'log1p', 'conj']) {
    assertArray(x[name](), { dtype: mx.float32, values: mx[name](x).tolist(), tol: { rtol: 0, atol: 0 }, msg: name });
    assertArray(x[name]({ stream: mx.cpu }), { values: mx[name](x).tolist(), tol: { rtol: 0, atol: 0 }, msg: name });
  }
  assertArray(mx.array([1.25, 2.5]).round(), { values: [1, 2] });
  assertArray(mx.array([1.26, -2.54]).round(1), { values: [1.3, -2.5] });
  assertArray(mx.array([1.26]).round({ decimals: 1 }), { values: [1.3] });
  assertArray(mx.array([-3], mx.int8).abs(), { dtype: mx.int8, values: [3] });
  const c = mx.array([{ re: 1.5, im: -2 }]);
  assertArray(c.real, { dtype: mx.float32, values: [1.5] });
  assertArray(c.imag, { dtype: mx.float32, values: [-2] });
  assertArray(mx.array([3], mx.int16).imag, { dtype: mx.int16, values: [0] });
  throwsWith(() => x.exp(1), TypeError, /^\[array\.exp\] /);
  throwsWith(() => x.round(1.5), TypeError, /^\[array\.round\] argument 'decimals'/);
});
