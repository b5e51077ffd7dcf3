'use strict';
// Creation and dtype extras: linspace, eye, tri/tril/triu, meshgrid, windows, empty, view, ...
// Bound through lib/args.js; the engine side is src/mlx/ops_creation.cpp. The addon is loaded only
// in install(), so lib/implemented.js (read by tools/gen_dts.js) can list NAMES without a build.
const { inspect } = require('node:util');
const args = require('./args');

// The names this file defines (lib/implemented.js lists them for the .d.ts; the two classes are
// declared by tools/gen_dts.js's CLASSES).
const NAMES = ['linspace', 'full_like', 'eye', 'identity', 'tri', 'tril', 'triu', 'meshgrid', 'empty',
  'empty_like', 'bartlett', 'hanning', 'hamming', 'blackman', 'from_dlpack', 'isdtype', 'view',
  'from_fp8', 'to_fp8', 'set_printoptions', 'get_printoptions', 'printoptions', 'PrintOptions',
  '_PrintOptionsContext'];
// mx.array methods this file defines.
const METHODS = ['view'];

const { int32Arg } = args;  // Python's int parameters: the engine's C++ int
function realArg(v, fn, name) {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return Number(v);
  throw new TypeError(`[${fn}] argument '${name}' must be a real number (number, bigint or boolean), got ${args.describe(v)}`);
}
function dtypeOf(d, fn, fallback) {
  if (d === undefined || d === null) return fallback;
  if (require('./dtype').isDtype(d)) return d;
  throw new TypeError(`[${fn}] argument 'dtype' must be a Dtype such as mx.float32, got ${args.describe(d)}`);
}
const S = (s, fn) => require('./device').streamIndex(s, fn);

// The print options (MLX's PrintOptions): precision -1 prints floats with 6 significant digits,
// p >= 0 with p decimals. The value lives in the engine (one per process, as MLX's).
function precisionArg(p, fn) {
  return int32Arg(p, fn, 'precision');
}

class PrintOptions {
  constructor(precision = -1) {
    this.precision = precisionArg(precision, 'PrintOptions');
  }
  toString() { return `PrintOptions(precision=${this.precision})`; }
  [inspect.custom]() { return this.toString(); }
}

// Python's `with mx.printoptions(precision=p):` is `mx.printoptions(p).run(() => ...)` in JS, or
// explicit __enter__() / __exit__() (also [Symbol.dispose], for `using`). Python's class is
// _PrintOptionsContext(PrintOptions); mx._PrintOptionsContext here.
class PrintOptionsContext {
  constructor(options) {
    if (!(options instanceof PrintOptions)) {
      throw new TypeError(`[_PrintOptionsContext] Expected a PrintOptions, got ${args.describe(options)}`);
    }
    this._new = options.precision;
    this._old = [];
  }
  __enter__() {
    this._old.push(require('./native').print_precision(this._new));
    return this;
  }
  __exit__() {
    if (this._old.length) require('./native').print_precision(this._old.pop());
  }
  run(fn) {
    if (typeof fn !== 'function') throw new TypeError('[printoptions.run] Expected a function.');
    this.__enter__();
    let result;
    try {
      result = fn();
    } catch (e) {
      this.__exit__();
      throw e;
    }
    if (result && typeof result.then === 'function') return result.finally(() => this.__exit__());
    this.__exit__();
    return result;
  }
}
if (typeof Symbol.dispose === 'symbol') PrintOptionsContext.prototype[Symbol.dispose] = PrintOptionsContext.prototype.__exit__;

// isdtype kinds (the array API names), as categories of lib/dtype.js.
const KINDS = {
  bool: null, 'signed integer': 'signedinteger', 'unsigned integer': 'unsignedinteger',
  integral: 'integer', 'real floating': 'floating', 'complex floating': 'complexfloating',
  numeric: 'number',
};

function install(mx) {
  const native = require('./native');
  const D = require('./dtype');
  const { byKey } = D;
  const { toArray, isArray, weakScalar } = require('./convert');

  mx.linspace = args.bind('linspace', (start, stop, num, endpoint, dtype, stream) =>
    native.linspace(realArg(start, 'linspace', 'start'), realArg(stop, 'linspace', 'stop'),
      int32Arg(num === undefined ? 50 : num, 'linspace', 'num'), endpoint !== false,
      dtypeOf(dtype, 'linspace', byKey.float32)._index, S(stream, 'linspace')));

  // As Python: the result dtype is dtype or a's; a scalar vals converts against it (weakly).
  mx.full_like = args.bind('full_like', (a, vals, dtype, stream) => {
    const x = toArray(a, 'full_like');
    const d = dtypeOf(dtype, 'full_like', x.dtype);
    const v = isArray(vals) ? vals : weakScalar(vals, d, 'full_like');
    return native.full_like(x, v, d._index, S(stream, 'full_like'));
  });

  mx.eye = args.bind('eye', (n, m, k, dtype, stream) => {
    const rows = int32Arg(n, 'eye', 'n');
    return native.eye(rows, m === undefined ? rows : int32Arg(m, 'eye', 'm'), int32Arg(k === undefined ? 0 : k, 'eye', 'k'),
      dtypeOf(dtype, 'eye', byKey.float32)._index, S(stream, 'eye'));
  });
  mx.identity = args.bind('identity', (n, dtype, stream) => {
    const rows = int32Arg(n, 'identity', 'n');
    return native.eye(rows, rows, 0, dtypeOf(dtype, 'identity', byKey.float32)._index, S(stream, 'identity'));
  });
  mx.tri = args.bind('tri', (n, m, k, dtype, stream) => {
    const rows = int32Arg(n, 'tri', 'n');
    return native.tri(rows, m === undefined ? rows : int32Arg(m, 'tri', 'm'), int32Arg(k === undefined ? 0 : k, 'tri', 'k'),
      dtypeOf(dtype, 'tri', byKey.float32)._index, S(stream, 'tri'));
  });
  for (const name of ['tril', 'triu']) {
    const op = native[name];
    mx[name] = args.bind(name, (x, k, stream) =>
      op(toArray(x, name), int32Arg(k === undefined ? 0 : k, name, 'k'), S(stream, name)));
  }

  mx.meshgrid = args.bind('meshgrid', (arrays, sparse, indexing, stream) => {
    if (sparse !== undefined && typeof sparse !== 'boolean') throw new TypeError(`[meshgrid] argument 'sparse' must be a boolean, got ${args.describe(sparse)}`);
    return native.meshgrid(arrays.map((a) => toArray(a, 'meshgrid')), sparse === true,
      indexing === undefined ? 'xy' : indexing, S(stream, 'meshgrid'));
  });

  // MLX 0.32: empty and empty_like are the same function objects as zeros and zeros_like.
  mx.empty = mx.zeros;
  mx.empty_like = mx.zeros_like;

  for (const name of ['bartlett', 'hanning', 'hamming', 'blackman']) {
    const op = native[name];
    mx[name] = args.bind(name, (M, stream) => op(int32Arg(M, name, 'M'), S(stream, name)));
  }

  // DLPack is a Python protocol (capsules exchanged between Python libraries): JS has no DLPack
  // objects, so nothing can be passed here (docs/api.md).
  mx.from_dlpack = args.bind('from_dlpack', () => {
    throw new Error('[from_dlpack] DLPack is not available in JavaScript: it is a Python protocol (PyCapsule) with ' +
      'no JS counterpart. Use mx.array(typedArray) to copy a buffer or mx.asarray(typedArray) to alias it.');
  });

  mx.isdtype = args.bind('isdtype', (dtype, kind) => {
    const one = (k) => {
      if (D.isDtype(k)) return dtype === k;
      if (typeof k === 'string') {
        if (!Object.prototype.hasOwnProperty.call(KINDS, k)) {
          throw new Error(`[isdtype] Unknown data type kind '${k}'; expected a Dtype or one of ${Object.keys(KINDS).map((x) => `'${x}'`).join(', ')}.`);
        }
        return KINDS[k] === null ? dtype === byKey.bool_ : D.issubdtype(dtype, D.cat[KINDS[k]]);
      }
      throw new TypeError(`[isdtype] argument 'kind' must be a Dtype, a kind string or an Array of those, got ${args.describe(k)}`);
    };
    if (Array.isArray(kind)) {
      // Every entry is checked (an unknown kind is an error even after a match), as a tuple is.
      const hits = kind.map(one);
      return hits.some(Boolean);
    }
    return one(kind);
  });

  mx.view = args.bind('view', (a, dtype, stream) => {
    const d = dtypeOf(dtype, 'view', undefined);
    if (d === undefined) throw new TypeError("[view] argument 'dtype' must be a Dtype such as mx.float32, got None");
    return native.view(toArray(a, 'view'), d._index, S(stream, 'view'));
  });
  mx.to_fp8 = args.bind('to_fp8', (x, stream) => native.to_fp8(toArray(x, 'to_fp8'), S(stream, 'to_fp8')));
  mx.from_fp8 = args.bind('from_fp8', (x, dtype, stream) => {
    const d = dtypeOf(dtype, 'from_fp8', undefined);
    if (d === undefined) throw new TypeError("[from_fp8] argument 'dtype' must be a Dtype such as mx.float32, got None");
    return native.from_fp8(toArray(x, 'from_fp8'), d._index, S(stream, 'from_fp8'));
  }, { defaults: { dtype: byKey.bfloat16 } });

  // Python evaluates the precision default once, at import: -1.
  mx.set_printoptions = args.bind('set_printoptions', (precision) => {
    native.print_precision(precisionArg(precision, 'set_printoptions'));
  }, { defaults: { precision: -1 } });
  mx.get_printoptions = args.bind('get_printoptions', () => new PrintOptions(native.print_precision()));
  mx.printoptions = args.bind('printoptions', (precision) =>
    new PrintOptionsContext(new PrintOptions(precisionArg(precision, 'printoptions'))), { defaults: { precision: -1 } });
  // Callable with or without `new`, as Python's class; `x instanceof mx.PrintOptions` holds.
  const PO = function PrintOptions(precision) { return new PrintOptionsClass(precision); };
  const PrintOptionsClass = PrintOptions;
  PO.prototype = PrintOptionsClass.prototype;
  Object.defineProperty(PrintOptionsClass.prototype, 'constructor', { value: PO, writable: true, configurable: true });
  mx.PrintOptions = PO;
  mx._PrintOptionsContext = PrintOptionsContext;
}

function installMethods(proto, mx) {
  const def = (name, fn) => Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  const view = mx.view;
  def('view', args.bind('array.view', function method(dtype, stream) { return view(this, dtype, { stream }); }, { thisArg: true }));
}

module.exports = { NAMES, METHODS, install, installMethods };
