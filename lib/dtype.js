'use strict';
// Dtype objects (singletons: a.dtype === mx.int32), categories, finfo and iinfo.
const { inspect } = require('node:util');
const native = require('./native');

// Index order is MLX's Dtype::Val order, shared with the engine.
const SPECS = [
  ['bool_', 'bool', 1, 'b'], ['uint8', 'uint8', 1, 'u'], ['uint16', 'uint16', 2, 'u'],
  ['uint32', 'uint32', 4, 'u'], ['uint64', 'uint64', 8, 'u'], ['int8', 'int8', 1, 'i'],
  ['int16', 'int16', 2, 'i'], ['int32', 'int32', 4, 'i'], ['int64', 'int64', 8, 'i'],
  ['float16', 'float16', 2, 'f'], ['float32', 'float32', 4, 'f'], ['float64', 'float64', 8, 'f'],
  ['bfloat16', 'bfloat16', 2, 'V'], ['complex64', 'complex64', 8, 'c'],
];

class Dtype {
  constructor(token, index, key, name, size, kind) {
    if (token !== CREATE) throw new TypeError('[Dtype] Dtypes are fixed objects such as mx.float32.');
    this._index = index;
    this._key = key;
    this._name = name;
    this._size = size;
    this._kind = kind;
    Object.freeze(this);
  }
  get size() { return this._size; }
  toString() { return `mlx.core.${this._name}`; }
  [inspect.custom]() { return this.toString(); }
  __hash__() { return this._index; }
}
const CREATE = Symbol('create');
const DTYPES = SPECS.map(([key, name, size, kind], i) => new Dtype(CREATE, i, key, name, size, kind));
const byKey = Object.fromEntries(DTYPES.map((d) => [d._key, d]));

class DtypeCategory {
  constructor(token, index, name) {
    if (token !== CREATE) throw new TypeError('[DtypeCategory] Categories are fixed objects such as mx.floating.');
    this._index = index;
    this.name = name;
    this.value = index;
    Object.freeze(this);
  }
  toString() { return `DtypeCategory.${this.name}`; }
  [inspect.custom]() { return this.toString(); }
}
// Enum order of the engine's Category.
const CATEGORY_NAMES = ['complexfloating', 'floating', 'inexact', 'signedinteger',
  'unsignedinteger', 'integer', 'number', 'generic'];
const CATEGORIES = CATEGORY_NAMES.map((n, i) => new DtypeCategory(CREATE, i, n));
for (const c of CATEGORIES) DtypeCategory[c.name] = c;
const cat = Object.fromEntries(CATEGORIES.map((c) => [c.name, c]));

// is category a under category b (dtype_rules.md section 7)
const UNDER = {
  complexfloating: ['complexfloating', 'inexact', 'number', 'generic'],
  floating: ['floating', 'inexact', 'number', 'generic'],
  inexact: ['inexact', 'number', 'generic'],
  signedinteger: ['signedinteger', 'integer', 'number', 'generic'],
  unsignedinteger: ['unsignedinteger', 'integer', 'number', 'generic'],
  integer: ['integer', 'number', 'generic'],
  number: ['number', 'generic'],
  generic: ['generic'],
};

function categoryOf(d) {
  switch (d._kind) {
    case 'b': return cat.generic;
    case 'u': return cat.unsignedinteger;
    case 'i': return cat.signedinteger;
    case 'c': return cat.complexfloating;
    default: return cat.floating;
  }
}

const isDtype = (x) => x instanceof Dtype;
const isCategory = (x) => x instanceof DtypeCategory;
const fromIndex = (i) => DTYPES[i];
const isFloating = (d) => d._kind === 'f' || d._kind === 'V';
const isInexact = (d) => isFloating(d) || d._kind === 'c';
const isInteger = (d) => d._kind === 'u' || d._kind === 'i';

function promoteTypes(a, b) {
  return a === b ? a : DTYPES[native.promote_types(a._index, b._index)];
}

function issubdtype(a, b) {
  const ad = isDtype(a), bd = isDtype(b);
  if (!ad && !isCategory(a)) throw new TypeError('[issubdtype] Received invalid type for first input.');
  if (!bd && !isCategory(b)) throw new TypeError('[issubdtype] Received invalid type for second input.');
  if (ad && bd) return a === b;
  if (!ad && bd) return false;
  const ca = ad ? categoryOf(a) : a;
  return UNDER[ca.name].includes(b.name);
}

class finfo {
  constructor(dtype) {
    if (!isDtype(dtype)) throw new TypeError('[finfo] Expected a Dtype such as mx.float32.');
    if (!isInexact(dtype)) throw new TypeError(`[finfo] dtype ${dtype._name} is not inexact.`);
    const d = dtype === byKey.complex64 ? byKey.float32 : dtype;
    const F = {
      float16: [16, 65504, 2 ** -10, 2 ** -14],
      bfloat16: [16, 3.3895313892515355e38, 2 ** -7, 2 ** -126],
      float32: [32, 3.4028234663852886e38, 2 ** -23, 2 ** -126],
      float64: [64, Number.MAX_VALUE, Number.EPSILON, 2 ** -1022],
    }[d._key];
    this.bits = F[0];
    this.min = -F[1];
    this.max = F[1];
    this.eps = F[2];
    this.smallest_normal = F[3];
    this.dtype = d;
    Object.freeze(this);
  }
  toString() {
    return `finfo(min=${this.min}, max=${this.max}, dtype=${this.dtype._name})`;
  }
  [inspect.custom]() { return this.toString(); }
}

class iinfo {
  constructor(dtype) {
    if (!isDtype(dtype)) throw new TypeError('[iinfo] Expected a Dtype such as mx.int32.');
    if (!isInteger(dtype)) throw new TypeError(`[iinfo] dtype ${dtype._name} is not integral.`);
    const bits = dtype._size * 8;
    if (dtype._kind === 'u') {
      this.min = bits === 64 ? 0n : 0;
      this.max = bits === 64 ? 2n ** 64n - 1n : 2 ** bits - 1;
    } else {
      this.min = bits === 64 ? -(2n ** 63n) : -(2 ** (bits - 1));
      this.max = bits === 64 ? 2n ** 63n - 1n : 2 ** (bits - 1) - 1;
    }
    this.dtype = dtype;
    Object.freeze(this);
  }
  toString() { return `iinfo(min=${this.min}, max=${this.max}, dtype=${this.dtype._name})`; }
  [inspect.custom]() { return this.toString(); }
}

// Python calls mx.finfo(dtype); JS classes need `new`, so export callables that work both
// ways and keep `x instanceof mx.finfo`.
function callable(Cls) {
  const f = function (dtype) { return new Cls(dtype); };
  Object.defineProperty(f, 'name', { value: Cls.name });
  f.prototype = Cls.prototype;
  Object.defineProperty(Cls.prototype, 'constructor', { value: f, writable: true, configurable: true });
  return f;
}
const finfoFn = callable(finfo);
const iinfoFn = callable(iinfo);

module.exports = {
  Dtype, DtypeCategory, DTYPES, CATEGORIES, byKey, cat, categoryOf, isDtype, isCategory, fromIndex,
  isFloating, isInexact, isInteger, promoteTypes, issubdtype, finfo: finfoFn, iinfo: iinfoFn,
};
