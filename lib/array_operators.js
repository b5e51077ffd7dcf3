'use strict';
// Python's operators on mx.array (array_methods.tsv), under their Python names (`a.__add__(b)`,
// `a.__rsub__(2)`, `a.__iadd__(b)`), and readable methods named after the mx functions
// (`a.add(b)`, `a.less(b, {stream})`). JS has no operator overloading: `a + b` throws (see
// Symbol.toPrimitive in lib/array_methods.js), so these are the operator forms.
//
//   a.__add__(b)   add(a, b)        a.__radd__(b)  add(a, b)  (Python computes self + other)
//   a.__rsub__(b)  subtract(b, a)   a.__isub__(b)  a = a - b: the same JS object, rebound
//
// Operands follow MLX's rules: a JS scalar beside the array is weak (takes the array's dtype
// where it fits: `int8.__add__(1)` stays int8, `int32.__mul__(1.5)` is float32), exactly as
// mx.add(a, b) converts it; the reflected forms put the scalar on the left. `__eq__` / `__ne__`
// are elementwise and give false / true for operands that are not array-like (null, strings,
// objects), as Python's do. In-place forms compute the result, then `this._replace(result)`
// (MLX's overwrite_descriptor): the object now holds the new graph node (its dtype and shape
// may change, as in MLX), arrays taken from it earlier keep their values.
//
// Module-level code holds only names and signatures (no addon), so lib/implemented.js and
// lib/extra_signatures.js can read them without a build.

// [mx function, Python's wording (for errors), dunder names: plain, reflected, in-place]
const BINARY = [
  ['add', 'addition', '__add__', '__radd__', '__iadd__'],
  ['subtract', 'subtraction', '__sub__', '__rsub__', '__isub__'],
  ['multiply', 'multiplication', '__mul__', '__rmul__', '__imul__'],
  ['divide', 'division', '__truediv__', '__rtruediv__', '__itruediv__'],
  ['divide', 'division', '__div__', '__rdiv__', null],
  ['floor_divide', 'floor division', '__floordiv__', '__rfloordiv__', '__ifloordiv__'],
  ['remainder', 'modulus', '__mod__', '__rmod__', '__imod__'],
  ['power', 'power', '__pow__', '__rpow__', '__ipow__'],
  ['less', 'less than', '__lt__', null, null],
  ['less_equal', 'less than or equal', '__le__', null, null],
  ['greater', 'greater than', '__gt__', null, null],
  ['greater_equal', 'greater than or equal', '__ge__', null, null],
];
// Bitwise operators refuse floating-point operands before computing (Python's check).
const BITWISE = [
  ['bitwise_and', 'bitwise and', '__and__', '__iand__'],
  ['bitwise_or', 'bitwise or', '__or__', '__ior__'],
  ['bitwise_xor', 'bitwise xor', '__xor__', '__ixor__'],
  ['left_shift', 'left shift', '__lshift__', '__ilshift__'],
  ['right_shift', 'right shift', '__rshift__', '__irshift__'],
];
// Commutative ops whose reflected form computes op(self, other), as Python's does.
const SELF_FIRST = new Set(['__radd__', '__rmul__']);

// Readable methods: binary ops whose operand is a weak `scalar | array` ...
const READABLE_WEAK = [
  'add', 'subtract', 'multiply', 'divide', 'floor_divide', 'remainder', 'power', 'equal',
  'not_equal', 'less', 'less_equal', 'greater', 'greater_equal', 'bitwise_and', 'bitwise_or',
  'bitwise_xor', 'left_shift', 'right_shift',
];
// ... binary ops typed `array` (a scalar becomes an array of its default dtype) ...
const READABLE_STRONG = ['matmul', 'logical_and', 'logical_or'];
// ... and unary ops (abs is an array method of Python's own, in lib/ops_elementwise.js).
const READABLE_UNARY = ['negative', 'bitwise_invert', 'logical_not'];

const DUNDERS = [
  ...BINARY.flatMap((r) => r.slice(2).filter(Boolean)),
  ...BITWISE.flatMap((r) => r.slice(2)),
  '__eq__', '__ne__', '__matmul__', '__imatmul__', '__neg__', '__abs__', '__invert__',
];
// Every array member this file defines (lib/implemented.js lists them for the .d.ts).
const METHODS = [...DUNDERS, ...READABLE_WEAK, ...READABLE_STRONG, ...READABLE_UNARY];

// Table entries for the readable methods ('array.add', ...), which Python lacks:
// `a.add(other, /, *, stream=None)`, merged into the signature table by lib/extra_signatures.js.
const p = (name, kind, type, ...def) => Object.freeze({ name, kind, def: def[0], hasDef: def.length > 0, type });
const STREAM = p('stream', 'kw', 'StreamOrDevice', undefined);
const SIGNATURES = {};
for (const n of READABLE_WEAK) SIGNATURES[`array.${n}`] = [{ ret: 'array', params: [p('other', 'pos', 'scalar | array'), STREAM] }];
for (const n of READABLE_STRONG) SIGNATURES[`array.${n}`] = [{ ret: 'array', params: [p('other', 'pos', 'array'), STREAM] }];
for (const n of READABLE_UNARY) SIGNATURES[`array.${n}`] = [{ ret: 'array', params: [STREAM] }];

function installMethods(proto) {
  const args = require('./args');
  const native = require('./native');
  const conv = require('./convert');
  const dev = require('./device');
  const D = require('./dtype');
  const { toArrays, toArray, isArray } = conv;
  const def = (name, fn) => Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  // Python's operators run on the default stream.
  const cur = () => dev.currentStream().index;
  const inplace = (self, result) => {
    self._replace(result);
    return self;
  };
  // `this` must be an mx.array (a method taken off the prototype and called on something else).
  const own = (x, name) => {
    if (!isArray(x)) throw new TypeError(`[${name}] expects an mx.array as 'this', got ${args.describe(x)}`);
    return x;
  };

  for (const [op, , plain, reflected, inPlace] of BINARY) {
    const f = native[op];
    def(plain, args.bind(`array.${plain}`, function method(other) {
      const [a, b] = toArrays(own(this, `array.${plain}`), other, `array.${plain}`);
      return f(a, b, cur());
    }));
    if (reflected !== null) {
      const selfFirst = SELF_FIRST.has(reflected);
      def(reflected, args.bind(`array.${reflected}`, function method(other) {
        const [a, b] = toArrays(own(this, `array.${reflected}`), other, `array.${reflected}`);
        return selfFirst ? f(a, b, cur()) : f(b, a, cur());
      }));
    }
    if (inPlace !== null) {
      const name = `array.${inPlace}`;
      const floatOnly = inPlace === '__itruediv__';
      def(inPlace, args.bind(name, function method(other) {
        // Python keeps integer arrays integer under /= by refusing it.
        if (floatOnly && !D.isInexact(own(this, name).dtype)) {
          throw new TypeError(`[${name}] In place division cannot cast to non-floating point type.`);
        }
        const [a, b] = toArrays(own(this, name), other, name);
        return inplace(this, f(a, b, cur()));
      }));
    }
  }

  // a, b: the converted operands; refuses floating point as Python's bitwise operators do.
  const bitwiseCheck = (a, b, name, word) => {
    if (D.isInexact(a.dtype) || D.isInexact(b.dtype)) {
      throw new TypeError(`[${name}] Floating point types not allowed with ${word}.`);
    }
  };
  for (const [op, word, plain, inPlace] of BITWISE) {
    const f = native[op];
    def(plain, args.bind(`array.${plain}`, function method(other) {
      const [a, b] = toArrays(own(this, `array.${plain}`), other, `array.${plain}`);
      bitwiseCheck(a, b, `array.${plain}`, word);
      return f(a, b, cur());
    }));
    def(inPlace, args.bind(`array.${inPlace}`, function method(other) {
      const [a, b] = toArrays(own(this, `array.${inPlace}`), other, `array.${inPlace}`);
      bitwiseCheck(a, b, `array.${inPlace}`, word);
      return inplace(this, f(a, b, cur()));
    }));
  }

  // Elementwise equality; an operand that is no array-like gives Python's False / True.
  const comparable = (x) => isArray(x) || Array.isArray(x) || conv.isTypedArray(x) || conv.isComplex(x) ||
    typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean';
  for (const [plain, op, other] of [['__eq__', 'equal', false], ['__ne__', 'not_equal', true]]) {
    const f = native[op];
    // Unchecked: any value is an acceptable operand (null reaches impl as undefined).
    def(plain, args.bind(`array.${plain}`, function method(x) {
      own(this, `array.${plain}`);
      if (!comparable(x)) return other;
      const [a, b] = toArrays(this, x, `array.${plain}`);
      return f(a, b, cur());
    }, { checkTypes: false }));
  }

  def('__matmul__', args.bind('array.__matmul__', function __matmul__(other) {
    return native.matmul(own(this, 'array.__matmul__'), toArray(other, 'array.__matmul__'), cur());
  }));
  def('__imatmul__', args.bind('array.__imatmul__', function __imatmul__(other) {
    return inplace(this, native.matmul(own(this, 'array.__imatmul__'), toArray(other, 'array.__imatmul__'), cur()));
  }));
  def('__neg__', args.bind('array.__neg__', function __neg__() { return native.negative(own(this, 'array.__neg__'), cur()); }));
  def('__abs__', args.bind('array.__abs__', function __abs__() { return native.abs(own(this, 'array.__abs__'), cur()); }));
  def('__invert__', args.bind('array.__invert__', function __invert__() {
    const dt = own(this, 'array.__invert__').dtype;
    if (D.isInexact(dt)) throw new TypeError('[array.__invert__] Floating point types not allowed with bitwise inversion.');
    return dt === D.byKey.bool_ ? native.logical_not(this, cur()) : native.bitwise_invert(this, cur());
  }));

  // Readable forms: the mx function's semantics with this array first, and a {stream} option.
  for (const op of READABLE_WEAK) {
    const f = native[op];
    const name = `array.${op}`;
    def(op, args.bind(name, function method(other, stream) {
      const [a, b] = toArrays(own(this, name), other, name);
      return f(a, b, dev.streamIndex(stream, name));
    }));
  }
  for (const op of READABLE_STRONG) {
    const f = native[op];
    const name = `array.${op}`;
    def(op, args.bind(name, function method(other, stream) {
      return f(own(this, name), toArray(other, name), dev.streamIndex(stream, name));
    }));
  }
  for (const op of READABLE_UNARY) {
    const f = native[op];
    const name = `array.${op}`;
    def(op, args.bind(name, function method(stream) { return f(own(this, name), dev.streamIndex(stream, name)); }));
  }
}

module.exports = { installMethods, METHODS, DUNDERS, SIGNATURES, BINARY, BITWISE };
