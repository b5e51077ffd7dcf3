'use strict';
// Properties and methods of mx.array, installed on the native class's prototype. Methods
// that mirror an mx function go through the same signature table ('array.<name>').
// The Python protocol members (array_methods.tsv) live here too: __bool__, __int__, __float__,
// __complex__, __len__, __iter__ / [Symbol.iterator], __copy__, __deepcopy__, __format__,
// __array_namespace__, __repr__, and [Symbol.toPrimitive], which keeps `a + b` from silently
// making a string. The operators are lib/array_operators.js.
// (Module-level code needs no addon, so lib/implemented.js can read METHODS without a build.)
const args = require('./args');

// Python members of mx.array that mlxjs does not provide, and why (docs/api.md, "The array
// object"; tests/js/coverage.test.js reads this list).
const PYTHON_ONLY = {
  __dlpack__: 'DLPack exchange through a PyCapsule, a CPython object; JS has no DLPack consumers. Use a.toTypedArray() to hand the data to other JS code.',
  __dlpack_device__: 'part of the DLPack protocol (above); without __dlpack__ it has no use.',
  __array__: "NumPy's conversion hook (np.asarray(a)); JS has no NumPy. a.toTypedArray() is the zero-ceremony equivalent, a.tolist() the nested one.",
  __getstate__: "pickle's hook; JS has no pickle and structured clone cannot call class hooks. Serialise with a.toTypedArray(), a.shape and a.dtype (or mx.save when it lands).",
  __setstate__: "pickle's hook (above); mlxjs arrays are rebuilt with mx.array(typedArray).reshape(shape).",
};
// Python members whose JS form has another name: the constructor is mx.array itself, and
// indexing (lib/indexing.js) is a.get(...) / a.set(...) (JS has no subscript overloading).
const JS_NAMES = { __init__: 'constructor', __getitem__: 'get', __setitem__: 'set' };
// Members this file adds beyond lib/implemented.js's base list (for the .d.ts).
const METHODS = ['__repr__', '__bool__', '__int__', '__float__', '__complex__', '__len__', '__iter__',
  '__copy__', '__deepcopy__', '__format__', '__array_namespace__'];

function install(mx) {
  const { inspect } = require('node:util');
  const native = require('./native');
  const D = require('./dtype');
  const proto = native.array.prototype;
  const def = (name, fn) => Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  const getter = (name, fn) => Object.defineProperty(proto, name, { get: fn, configurable: true });

  getter('shape', function shape() { return this._shape(); });
  getter('dtype', function dtype() { return D.fromIndex(this._dtype()); });
  getter('ndim', function ndim() { return this._ndim(); });
  getter('size', function size() { return this._size(); });
  getter('itemsize', function itemsize() { return D.fromIndex(this._dtype()).size; });
  getter('nbytes', function nbytes() { return this._size() * D.fromIndex(this._dtype()).size; });
  getter('T', function T() { return mx.transpose(this); });

  def('item', args.bind('array.item', function item() { return this._item(); }, { thisArg: true }));
  def('tolist', args.bind('array.tolist', function tolist() { return toList(this, D); }, { thisArg: true }));
  def('astype', args.bind('array.astype', function astype(dtype, stream) { return mx.astype(this, dtype, { stream }); }, { thisArg: true }));
  def('reshape', args.bind('array.reshape', function reshape(shape, stream) {
    const s = shape.length === 1 && (Array.isArray(shape[0]) || typeof shape[0] !== 'number') ? shape[0] : shape;
    return mx.reshape(this, s, { stream });
  }, { thisArg: true }));
  def('transpose', args.bind('array.transpose', function transpose(axes, stream) {
    const a = axes.length === 0 ? null : axes.length === 1 && Array.isArray(axes[0]) ? axes[0] : axes;
    return mx.transpose(this, a, { stream });
  }, { thisArg: true }));
  def('flatten', args.bind('array.flatten', function flatten(start, end, stream) { return mx.flatten(this, start, end, { stream }); }, { thisArg: true }));
  def('squeeze', args.bind('array.squeeze', function squeeze(axis, stream) { return mx.squeeze(this, axis, { stream }); }, { thisArg: true }));
  def('swapaxes', args.bind('array.swapaxes', function swapaxes(a1, a2, stream) { return mx.swapaxes(this, a1, a2, { stream }); }, { thisArg: true }));
  def('moveaxis', args.bind('array.moveaxis', function moveaxis(src, dst, stream) { return mx.moveaxis(this, src, dst, { stream }); }, { thisArg: true }));

  require('./ops_reduce').installMethods(proto, mx);
  require('./ops_elementwise').installMethods(proto, mx);
  for (const g of ['creation', 'index', 'shape', 'sort']) require(`./ops_${g}`).installMethods(proto, mx);
  require('./array_operators').installMethods(proto);
  installProtocol(proto, mx, native, D);

  // JS extras.
  def('toTypedArray', function toTypedArray() { return this._toTypedArray(); });
  def('eval', function evaluate() { this._eval(); return this; });
  def('dispose', function dispose() { this._dispose(); });
  if (typeof Symbol.dispose === 'symbol') def(Symbol.dispose, function dispose() { this._dispose(); });
  def('toString', function toString() { return this._repr(); });
  def(inspect.custom, function custom() { return this._disposed() ? 'array(<disposed>)' : this._repr(); });
  def('__repr__', args.bind('array.__repr__', function __repr__() { return this._repr(); }));
}

function installProtocol(proto, mx, native, D) {
  const def = (name, fn) => Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  const isArray = (x) => x instanceof native.array;
  const own = (x, name) => {
    if (!isArray(x)) throw new TypeError(`[${name}] expects an mx.array as 'this', got ${args.describe(x)}`);
    return x;
  };
  const kindOf = (a) => D.fromIndex(a._dtype())._kind;
  // The value of a size-1 array, as Python's to_scalar (ValueError there, Error here).
  const scalarOf = (a, name) => {
    if (own(a, name)._size() !== 1) {
      throw new Error(`[${name}] Only length-1 arrays can be converted to scalars (shape [${a._shape().join(', ')}]).`);
    }
    return a._item();
  };

  def('__bool__', args.bind('array.__bool__', function __bool__() {
    const v = scalarOf(this, 'array.__bool__');
    if (typeof v === 'object') return v.re !== 0 || v.im !== 0;
    // Python's truth: nonzero is true, NaN included (JS's Boolean(NaN) is false).
    return typeof v === 'boolean' ? v : typeof v === 'bigint' ? v !== 0n : v !== 0;
  }));
  // int(a): integers as item() gives them (int64/uint64 as BigInt), floats truncated.
  def('__int__', args.bind('array.__int__', function __int__() {
    const v = scalarOf(this, 'array.__int__');
    if (typeof v === 'object') throw new TypeError('[array.__int__] Cannot convert a complex64 value to an integer.');
    if (typeof v === 'boolean') return +v;
    if (typeof v === 'bigint' || kindOf(this) !== 'f' && kindOf(this) !== 'V') return v;
    if (Number.isNaN(v)) throw new Error('[array.__int__] Cannot convert float NaN to integer.');
    if (!Number.isFinite(v)) throw new RangeError('[array.__int__] Cannot convert float infinity to integer.');
    return Math.trunc(v) + 0;  // + 0: no -0 from a negative fraction
  }));
  def('__float__', args.bind('array.__float__', function __float__() {
    const v = scalarOf(this, 'array.__float__');
    if (typeof v === 'object') throw new TypeError('[array.__float__] Cannot convert a complex64 value to a float.');
    return Number(v);
  }));
  def('__complex__', args.bind('array.__complex__', function __complex__() {
    const v = scalarOf(this, 'array.__complex__');
    return typeof v === 'object' ? { re: v.re, im: v.im } : { re: Number(v), im: 0 };
  }));

  def('__len__', args.bind('array.__len__', function __len__() {
    const s = own(this, 'array.__len__')._shape();
    if (s.length === 0) throw new TypeError('[array.__len__] len() of a 0-dimensional array.');
    return s[0];
  }));

  // A second JS object holding the same engine array (Python's mx::array(self)): rebinding
  // one in place (a.__iadd__(1), a.set(...)) leaves the other as it was.
  const share = (a) => native.scalar(false, 0)._replace(a);
  def('__copy__', args.bind('array.__copy__', function __copy__() { return share(own(this, 'array.__copy__')); }));
  // As MLX: the same as __copy__ (arrays are immutable values; memo is not needed). memo is
  // optional here: `a.__deepcopy__({})` reads {} as the (empty) keyword object.
  def('__deepcopy__', args.bind('array.__deepcopy__', function __deepcopy__(memo) {
    return share(own(this, 'array.__deepcopy__'));
  }, { defaults: { memo: undefined } }));

  // Iteration over the first axis, one array per index (rows of a matrix, scalars of a
  // vector). The array is taken when iteration starts: rebinding `a` later does not change
  // what the loop sees. Rows come from mx.split along axis 0, 64 at a time, as views.
  const CHUNK = 64;
  function* rows(x, n) {
    const split = mx.split;
    if (typeof split !== 'function') throw new Error('[array.__iter__] mx.split is not available in this build.');
    for (let c = 0; c < n; c += CHUNK) {
      const len = Math.min(CHUNK, n - c);
      const block = len === n ? x : split(x, [c, c + len], 0)[1];
      const parts = len === 1 ? [block] : split(block, len, 0);
      for (let i = 0; i < len; i++) yield mx.squeeze(parts[i], 0);
    }
  }
  const iterate = function __iter__() {
    const s = own(this, 'array.__iter__')._shape();
    if (s.length === 0) throw new TypeError('[array.__iter__] iteration over a 0-d array.');
    return new ArrayIterator(rows(share(this), s[0]));
  };
  mx.ArrayIterator = ArrayIterator;
  def('__iter__', args.bind('array.__iter__', iterate));
  def(Symbol.iterator, iterate);

  def('__array_namespace__', args.bind('array.__array_namespace__', function __array_namespace__(apiVersion) {
    if (apiVersion !== undefined) throw new Error('[array.__array_namespace__] Explicitly specifying api_version is not yet implemented.');
    return mx;
  }));

  // format(a, spec): the repr for an empty spec, Python's format-spec mini-language applied
  // to the value of a 0-d array otherwise.
  def('__format__', args.bind('array.__format__', function __format__(spec) {
    own(this, 'array.__format__');
    if (typeof spec !== 'string') throw new TypeError(`[array.__format__] The format spec must be a string, got ${args.describe(spec)}`);
    if (this._ndim() > 0) {
      if (spec.length > 0) throw new TypeError('[array.__format__] unsupported format string passed to mx.array.__format__');
      return this._repr();
    }
    const kind = kindOf(this);
    return pyFormat(this._item(), kind === 'b' ? 'bool' : kind === 'c' ? 'complex' : kind === 'f' || kind === 'V' ? 'float' : 'int', spec);
  }));

  // `a + b`, `a == 1`, `'' + a` ask for hint 'default': refuse, so arithmetic never silently
  // becomes string concatenation. String(a) and template literals ask for 'string' (the repr);
  // +a, Number(a), a < 1 ask for 'number' (the value of a size-1 real array, as float(a)).
  def(Symbol.toPrimitive, function toPrimitive(hint) {
    if (!isArray(this)) throw new TypeError('[array] Symbol.toPrimitive called on an object that is not an mx.array.');
    if (hint === 'string') return this._disposed() ? 'array(<disposed>)' : this._repr();
    if (hint === 'number') {
      if (this._size() !== 1) {
        throw new TypeError(`[array] Only size-1 arrays convert to a number; this one has shape [${this._shape().join(', ')}]. ` +
          'Use a.tolist(), or the mx functions for arithmetic (mx.add(a, b) or a.add(b)).');
      }
      const v = this._item();
      if (typeof v === 'object') throw new TypeError('[array] A complex64 array has no number value; use a.item() ({re, im}).');
      return Number(v);
    }
    throw new TypeError('[array] mx.array has no primitive value: JS operators do not apply to arrays. ' +
      'Use mx.add(a, b) or a.add(b) (a.__add__(b)) for a + b, mx.equal(a, b) or a.equal(b) for a == b, ' +
      'and String(a) for text.');
  });
}

// Python's ArrayIterator: a JS iterator (next, Symbol.iterator) over the first axis, with
// Python's __iter__/__next__ too (__next__ throws a StopIteration Error at the end).
class ArrayIterator {
  constructor(gen) { this._gen = gen; }
  next() { return this._gen.next(); }
  [Symbol.iterator]() { return this; }
  __iter__() { return this; }
  __next__() {
    const r = this._gen.next();
    if (r.done) {
      const e = new Error('[ArrayIterator.__next__] StopIteration');
      e.name = 'StopIteration';
      throw e;
    }
    return r.value;
  }
}

// Nested JS arrays of the values; int64/uint64 come back as BigInt, bool as booleans,
// complex64 as {re, im}, float16/bfloat16 as numbers.
function toList(a, D) {
  const shape = a._shape();
  const dt = D.fromIndex(a._dtype());
  if (shape.length === 0) return a._item();
  const flat = a._toTypedArray();
  let get;
  if (dt._key === 'bool_') get = (i) => flat[i] !== 0;
  else if (dt._key === 'complex64') get = (i) => ({ re: flat[2 * i], im: flat[2 * i + 1] });
  else get = (i) => flat[i];
  let pos = 0;
  const build = (d) => {
    const n = shape[d];
    const out = new Array(n);
    if (d === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = get(pos++);
    } else {
      for (let i = 0; i < n; i++) out[i] = build(d + 1);
    }
    return out;
  };
  return build(0);
}

// ---- Python's format-spec mini-language (format(value, spec)) --------------------------------
// value: what item() gives; type: 'bool' | 'int' | 'float' | 'complex' (Python's type name).
// Python's ValueError is an Error here, its OverflowError a RangeError.

const SPEC = /^(?:([\s\S])?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([a-zA-Z%])?$/;
const fail = (msg) => new Error(`[array.__format__] ${msg}`);

function parseSpec(spec, type) {
  const m = SPEC.exec(spec);
  if (!m) throw fail(`Invalid format specifier '${spec}' for object of type '${type}'`);
  const [, fill, align, sign, z, alt, zero, width, group, prec, code] = m;
  return {
    fill: fill !== undefined ? fill : zero ? '0' : ' ', align: align || (zero ? '=' : ''),
    sign: sign || '-', z: !!z, alt: !!alt, width: width ? +width : 0,
    group: group || '', prec: prec === undefined ? -1 : +prec, code: code || '',
  };
}

// |x| of a finite double as mant * 2^exp (mant a BigInt).
const F64 = new DataView(new ArrayBuffer(8));
function decompose(x) {
  F64.setFloat64(0, Math.abs(x));
  const hi = F64.getUint32(0), lo = F64.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (bexp === 0) return [mant, -1074];
  mant |= 1n << 52n;
  return [mant, bexp - 1075];
}
// round-half-even(|x| * 10^k), exactly.
function scaledRound(x, k) {
  const [m, e] = decompose(x);
  let num = m, den = 1n;
  if (e >= 0) num <<= BigInt(e); else den <<= BigInt(-e);
  if (k >= 0) num *= 10n ** BigInt(k); else den *= 10n ** BigInt(-k);
  const q = num / den, twice = 2n * (num % den);
  return twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
}
// 'f': |x| with p decimals -> [integer digits, fraction digits].
function fixedParts(x, p) {
  const s = scaledRound(x, p).toString().padStart(p + 1, '0');
  return [s.slice(0, s.length - p), s.slice(s.length - p)];
}
// 'e': |x| with p + 1 significant digits -> [digits, exponent].
function sciParts(x, p) {
  if (x === 0) return ['0'.repeat(p + 1), 0];
  let e = Math.floor(Math.log10(Math.abs(x)));
  for (;;) {
    const n = scaledRound(x, p - e);
    const s = n.toString();
    if (s.length > p + 1) e++;
    else if (s.length < p + 1) e--;
    else return [s, e];
  }
}
// The shortest round-trip digits of |x| (JS and Python agree on them) -> [digits, exponent].
function shortestParts(x) {
  if (x === 0) return ['0', 0];
  const [mant, exp] = Math.abs(x).toExponential().split('e');
  return [mant.replace('.', ''), +exp];
}
const expStr = (e) => `${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
// digits d0 d1 ... with exponent e as fixed notation: [int, frac].
function placeDigits(digits, e) {
  if (e < 0) return ['0', '0'.repeat(-e - 1) + digits];
  if (digits.length <= e + 1) return [digits + '0'.repeat(e + 1 - digits.length), ''];
  return [digits.slice(0, e + 1), digits.slice(e + 1)];
}
const trimZeros = (frac) => frac.replace(/0+$/, '');

// Body of a finite |x| for a float presentation code -> {int, frac, point, exp}
// (exp: the exponent suffix or ''). `repr` is Python's 'r' mode (shortest digits, exponent
// outside [-4, 16)); dot0: Python's ADD_DOT_0 (no-code formats keep one fraction digit).
function floatBody(x, code, prec, alt, dot0) {
  const upper = code === 'E' || code === 'F' || code === 'G';
  const c = code.toLowerCase();
  if (c === 'f' || c === '%') {
    const p = prec < 0 ? 6 : prec;
    const [int, frac] = fixedParts(x, p);
    return { int, frac, point: p > 0 || alt, exp: '' };
  }
  if (c === 'e') {
    const p = prec < 0 ? 6 : prec;
    const [d, e] = sciParts(x, p);
    return { int: d[0], frac: d.slice(1), point: p > 0 || alt, exp: (upper ? 'E' : 'e') + expStr(e) };
  }
  // 'g', 'n', repr, and the no-code forms.
  let digits, e, p, hi;
  if (c === 'r') {
    [digits, e] = shortestParts(x);
    hi = 16;
  } else {
    p = prec < 0 ? 6 : prec === 0 ? 1 : prec;
    [digits, e] = sciParts(x, p - 1);
    hi = dot0 ? p - 1 : p;
    if (!alt) digits = digits.replace(/0+$/, '') || '0';
  }
  if (e >= -4 && e < hi) {
    let [int, frac] = placeDigits(digits, e);
    if (dot0 && frac === '') frac = '0';
    return { int, frac, point: frac.length > 0 || alt, exp: '' };
  }
  const frac = digits.slice(1);
  return { int: digits[0], frac, point: frac.length > 0 || alt, exp: (upper ? 'E' : 'e') + expStr(e) };
}

function groupDigits(int, sep, every) {
  if (!sep) return int;
  let out = '';
  for (let i = int.length; i > 0; i -= every) out = int.slice(Math.max(0, i - every), i) + (out ? sep + out : '');
  return out;
}

// Sign, body and padding: Python's alignment rules (numbers align right by default; '='
// pads between the sign and the digits; zero padding with grouping keeps the separators).
function assemble(s, signStr, prefix, num, groupEvery) {
  const { int, frac, point, exp, special } = num;
  const tail = (point ? '.' + frac : '') + exp;
  let grouped = special ? int : groupDigits(int, s.group, groupEvery);
  if (s.fill === '0' && s.align === '=' && s.group && !special) {
    let digits = int;
    while ((signStr + prefix + grouped + tail).length < s.width) {
      digits = '0' + digits;
      grouped = groupDigits(digits, s.group, groupEvery);
    }
  }
  const body = grouped + tail;
  const len = signStr.length + prefix.length + body.length;
  const pad = Math.max(0, s.width - len);
  switch (s.align || '>') {
    case '<': return signStr + prefix + body + s.fill.repeat(pad);
    case '^': return s.fill.repeat(pad >> 1) + signStr + prefix + body + s.fill.repeat(pad - (pad >> 1));
    case '=': return signStr + prefix + s.fill.repeat(pad) + body;
    default: return s.fill.repeat(pad) + signStr + prefix + body;
  }
}

const signOf = (neg, s) => (neg ? '-' : s.sign === '+' ? '+' : s.sign === ' ' ? ' ' : '');

// One float (finite or not) -> {sign: bool negative, num}.
function floatNum(x, code, prec, alt, dot0, z) {
  if (code === '%') x *= 100;  // in double, as Python (so a huge value becomes inf%)
  const upper = code === 'E' || code === 'F' || code === 'G';
  let neg = x < 0 || Object.is(x, -0);
  if (!Number.isFinite(x)) {
    const word = Number.isNaN(x) ? 'nan' : 'inf';
    if (Number.isNaN(x)) neg = false;
    return { neg, num: { int: upper ? word.toUpperCase() : word, frac: '', point: false, exp: code === '%' ? '%' : '', special: true } };
  }
  const num = floatBody(x, code, prec, alt, dot0);
  if (code === '%') num.exp += '%';
  if (z && neg && /^0*$/.test(num.int + num.frac)) neg = false;
  return { neg, num };
}

function pyFormat(value, type, spec) {
  if (spec === '') {
    if (type === 'bool') return value ? 'True' : 'False';
    if (type === 'int') return String(value);
  }
  const s = parseSpec(spec, type);
  if (type === 'int' || type === 'bool') {
    const c = s.code;
    if ('eEfFgG%'.includes(c) && c !== '') return pyFormat(Number(value), 'float', spec);
    if (!'bcdoxXn'.includes(c)) throw fail(`Unknown format code '${c}' for object of type '${type}'`);
    if (s.prec >= 0) throw fail('Precision not allowed in integer format specifier');
    if (s.z) throw fail('Negative zero coercion (z) not allowed in integer format specifier');
    if (s.group && 'bcoxXn'.includes(c) && c !== '' && (s.group === ',' || c === 'c' || c === 'n')) {
      throw fail(`Cannot specify '${s.group}' with '${c}'.`);
    }
    const v = BigInt(typeof value === 'boolean' ? +value : value);
    const neg = v < 0n;
    const mag = neg ? -v : v;
    if (c === 'c') {
      if (s.sign !== '-') throw fail("Sign not allowed with integer format specifier 'c'");
      if (s.alt) throw fail("Alternate form (#) not allowed with integer format specifier 'c'");
      if (v < 0n || v > 0x10ffffn) throw new RangeError('[array.__format__] %c arg not in range(0x110000)');
      return assemble(s, '', '', { int: String.fromCodePoint(Number(v)), frac: '', point: false, exp: '', special: true }, 3);
    }
    const radix = { b: 2, o: 8, x: 16, X: 16 }[c] || 10;
    let int = mag.toString(radix);
    if (c === 'X') int = int.toUpperCase();
    const prefix = s.alt && radix !== 10 ? '0' + (c === 'X' ? 'X' : c) : '';
    return assemble(s, signOf(neg, s), prefix, { int, frac: '', point: false, exp: '' }, radix === 10 ? 3 : 4);
  }
  if (type === 'float') {
    const c = s.code;
    if (!'eEfFgGn%'.includes(c)) throw fail(`Unknown format code '${c}' for object of type 'float'`);
    if (s.group && c === 'n') throw fail(`Cannot specify '${s.group}' with 'n'.`);
    const code = c === '' ? (s.prec < 0 ? 'r' : 'g') : c === 'n' ? 'g' : c;
    const { neg, num } = floatNum(value, code, s.prec, s.alt, c === '', s.z);
    return assemble(s, signOf(neg, s), '', num, 3);
  }
  // complex: real part per the spec's sign, imaginary part always signed, then 'j'.
  const c = s.code;
  if (!'eEfFgGn'.includes(c)) throw fail(`Unknown format code '${c}' for object of type 'complex'`);
  if (s.group && c === 'n') throw fail(`Cannot specify '${s.group}' with 'n'.`);
  if (s.fill === '0') throw fail('Zero padding is not allowed in complex format specifier');
  if (s.align === '=') throw fail("'=' alignment flag is not allowed in complex format specifier");
  const code = c === '' ? (s.prec < 0 ? 'r' : 'g') : c === 'n' ? 'g' : c;
  const skipRe = c === '' && value.re === 0 && !Object.is(value.re, -0);
  const part = (x, forceSign) => {
    const { neg, num } = floatNum(x, code, s.prec, s.alt, false, s.z);
    const sg = neg ? '-' : forceSign ? '+' : signOf(false, s);
    return sg + groupDigits(num.int, num.special ? '' : s.group, 3) + (num.point ? '.' + num.frac : '') + num.exp;
  };
  let body = (skipRe ? '' : part(value.re, false)) + part(value.im, !skipRe) + 'j';
  if (c === '' && !skipRe) body = `(${body})`;
  return assemble({ ...s, group: '' }, '', '', { int: body, frac: '', point: false, exp: '', special: true }, 3);
}

module.exports = { install, METHODS, PYTHON_ONLY, JS_NAMES, pyFormat };
