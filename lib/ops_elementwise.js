'use strict';
// mx elementwise ops (core.tsv groups elementwise-unary and elementwise-binary, beside add /
// subtract / multiply / divide / where in core.js). Every name goes through its signature-table
// entry (lib/args.js). Operands annotated `scalar | array` convert JS scalars as Python's weak
// scalars (an int8 array compared with 1 stays int8); operands annotated `array` alone convert
// as mx.array(x) does, as nanobind's implicit conversion does in Python.
// (Module-level code holds only the names, so lib/implemented.js can list them without
// loading the addon.)
const args = require('./args');

const UNARY = [
  'abs', 'sign', 'positive', 'negative', 'trunc', 'square', 'sqrt', 'rsqrt', 'reciprocal',
  'logical_not', 'exp', 'expm1', 'erf', 'erfinv', 'sin', 'cos', 'tan', 'arcsin', 'arccos',
  'arctan', 'sinh', 'cosh', 'tanh', 'arcsinh', 'arccosh', 'arctanh', 'degrees', 'radians', 'log',
  'log2', 'log10', 'log1p', 'sigmoid', 'floor', 'ceil', 'isnan', 'isinf', 'isfinite', 'isposinf',
  'isneginf', 'bitwise_invert', 'real', 'imag',
];
// Binary ops whose operands are `scalar | array` (weak scalars) ...
const BINARY_WEAK = [
  'divmod', 'floor_divide', 'remainder', 'equal', 'not_equal', 'less', 'less_equal', 'greater',
  'greater_equal', 'logical_xor', 'logaddexp', 'power', 'minimum', 'maximum', 'bitwise_and',
  'bitwise_or', 'bitwise_xor', 'left_shift', 'right_shift',
];
// ... and those typed `array` (scalars become arrays of their default dtype).
const BINARY_STRONG = ['logical_and', 'logical_or', 'arctan2'];
// Python aliases: the same function object.
const ALIASES = {
  acos: 'arccos', acosh: 'arccosh', asin: 'arcsin', asinh: 'arcsinh', atan: 'arctan',
  atanh: 'arctanh', atan2: 'arctan2', bitwise_left_shift: 'left_shift',
  bitwise_right_shift: 'right_shift', pow: 'power',
};

function numberArg(v, fn, name) {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return +v;
  if (typeof v !== 'number') throw new TypeError(`[${fn}] argument '${name}' must be a number, got ${args.describe(v)}`);
  return v;
}

const intArg = args.int32Arg;

function install(mx) {
  const native = require('./native');
  const conv = require('./convert');
  const dev = require('./device');
  const { isArray, toArray, toArrays, weakScalar } = conv;
  const S = (s, fn) => dev.streamIndex(s, fn);

  for (const name of UNARY) {
    const op = native[name];
    mx[name] = args.bind(name, (a, stream) => op(toArray(a, name), S(stream, name)));
  }
  for (const name of ['conj', 'conjugate']) {
    mx[name] = args.bind(name, (a, stream) => native.conjugate(toArray(a, name), S(stream, name)));
  }
  mx.round = args.bind('round', (a, decimals, stream) =>
    native.round(toArray(a, 'round'), intArg(decimals, 'round', 'decimals'), S(stream, 'round')));
  mx.nan_to_num = args.bind('nan_to_num', (a, nan, posinf, neginf, stream) => native.nan_to_num(
    toArray(a, 'nan_to_num'), numberArg(nan, 'nan_to_num', 'nan'),
    posinf === undefined ? null : numberArg(posinf, 'nan_to_num', 'posinf'),
    neginf === undefined ? null : numberArg(neginf, 'nan_to_num', 'neginf'), S(stream, 'nan_to_num')));

  for (const name of BINARY_WEAK) {
    const op = native[name];
    mx[name] = args.bind(name, (a, b, stream) => {
      const [x, y] = toArrays(a, b, name);
      return op(x, y, S(stream, name));
    });
  }
  for (const name of BINARY_STRONG) {
    const op = native[name];
    mx[name] = args.bind(name, (a, b, stream) => op(toArray(a, name), toArray(b, name), S(stream, name)));
  }
  mx.isclose = args.bind('isclose', (a, b, rtol, atol, equalNan, stream) => native.isclose(
    toArray(a, 'isclose'), toArray(b, 'isclose'), numberArg(rtol, 'isclose', 'rtol'),
    numberArg(atol, 'isclose', 'atol'), Boolean(equalNan), S(stream, 'isclose')));
  // a_min / a_max convert against a's dtype (weak scalars), as Python's clip does.
  mx.clip = args.bind('clip', (a, lo, hi, stream) => {
    const x = toArray(a, 'clip');
    const bound = (v) => (v === undefined ? null : isArray(v) ? v : weakScalar(v, x.dtype, 'clip'));
    return native.clip(x, bound(lo), bound(hi), S(stream, 'clip'));
  });

  for (const [alias, name] of Object.entries(ALIASES)) mx[alias] = mx[name];
}

// Methods of mx.array that mirror these functions (array_methods.tsv), and the real / imag
// properties. The operator dunders (__add__, __lt__, ...) belong to the array-object scheme.
const UNARY_METHODS = ['abs', 'square', 'sqrt', 'rsqrt', 'reciprocal', 'exp', 'log', 'log2', 'log10',
  'sin', 'cos', 'log1p', 'conj'];
function installMethods(proto, mx) {
  const def = (name, fn) => Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  for (const name of UNARY_METHODS) {
    const f = mx[name];
    def(name, args.bind(`array.${name}`, function method(stream) { return f(this, { stream }); }, { thisArg: true }));
  }
  def('round', args.bind('array.round', function round(decimals, stream) { return mx.round(this, decimals, { stream }); }, { thisArg: true }));
  Object.defineProperty(proto, 'real', { get: function real() { return mx.real(this); }, configurable: true });
  Object.defineProperty(proto, 'imag', { get: function imag() { return mx.imag(this); }, configurable: true });
}
const METHODS = [...UNARY_METHODS, 'round', 'real', 'imag'];

// Every name this module defines (for lib/implemented.js and tests).
const NAMES = [...UNARY, 'conj', 'conjugate', 'round', 'nan_to_num', ...BINARY_WEAK,
  ...BINARY_STRONG, 'isclose', 'clip', ...Object.keys(ALIASES)];

module.exports = { install, installMethods, NAMES, METHODS };
