'use strict';
// mlx.core for JS: `const mx = require('mlxjs').core`. Every public function is bound
// through the signature table (lib/args.js), so argument handling matches Python's.
const native = require('./native');
const args = require('./args');
const D = require('./dtype');
const dev = require('./device');
const conv = require('./convert');

const { byKey } = D;
const { streamIndex } = dev;
const { isArray, toArray, toArrays, fromValue } = conv;
const NativeArray = native.array;

conv.setStreamDefault(() => dev.currentStream().index);

const PY_DEFAULTS = { float32: byKey.float32 };
args.setHooks({
  isArray,
  isDtype: D.isDtype,
  isStream: (x) => x instanceof dev.Stream,
  isDevice: (x) => x instanceof dev.Device || x instanceof dev.DeviceType,
  isDtypeCategory: D.isCategory,
  resolveDefault: (m) => (m.py in PY_DEFAULTS ? PY_DEFAULTS[m.py] : m),
});

const mx = module.exports;

// ---- helpers -------------------------------------------------------------------------------

function dtypeArg(d, fn, name = 'dtype') {
  if (d === undefined || d === null) return undefined;
  if (D.isDtype(d)) return d;
  throw new TypeError(`[${fn}] argument '${name}' must be a Dtype such as mx.float32, got ${args.describe(d)}`);
}

const { intArg } = args;

// A shape: an int or a sequence of ints, each a valid dimension.
function shapeArg(shape, fn, name = 'shape') {
  const list = typeof shape === 'number' || typeof shape === 'bigint' ? [shape] : shape;
  if (!Array.isArray(list)) {
    throw new TypeError(`[${fn}] argument '${name}' must be an int or a sequence of ints, got ${args.describe(shape)}`);
  }
  return list.map((d) => {
    const v = intArg(d, fn, name);
    if (v > 2147483647 || v < -2147483648) throw new RangeError(`[${fn}] Dimension ${v} in '${name}' is out of range.`);
    return v;
  });
}

// An axis: an integer that fits the engine's int (a larger one would wrap around there).
function axisArg(v, fn, name) {
  const a = intArg(v, fn, name);
  if (a > 2147483647 || a < -2147483648) throw new RangeError(`[${fn}] Axis ${a} in '${name}' is out of bounds.`);
  return a;
}

function axesArg(axes, fn, name) {
  if (axes === undefined || axes === null) return null;
  const list = typeof axes === 'number' || typeof axes === 'bigint' ? [axes] : axes;
  if (!Array.isArray(list)) throw new TypeError(`[${fn}] argument '${name}' must be an int or a sequence of ints, got ${args.describe(axes)}`);
  return list.map((a) => axisArg(a, fn, name));
}

const S = (s, fn) => streamIndex(s, fn);

// ---- dtypes, devices, streams --------------------------------------------------------------

for (const d of D.DTYPES) mx[d._key] = d;
for (const c of D.CATEGORIES) mx[c.name] = c;
Object.assign(mx, {
  Dtype: D.Dtype, DtypeCategory: D.DtypeCategory, finfo: D.finfo, iinfo: D.iinfo,
  Device: dev.Device, DeviceType: dev.DeviceType, Stream: dev.Stream, StreamContext: dev.StreamContext,
  cpu: dev.cpu, gpu: dev.gpu,
});

mx.issubdtype = args.bind('issubdtype', (a, b) => D.issubdtype(a, b));
mx.result_type = args.bind('result_type', (xs) => {
  if (xs.length === 0) throw new TypeError('[result_type] Expected at least one array or dtype.');
  let out = null;
  for (const x of xs) {
    const d = D.isDtype(x) ? x : isArray(x) ? x.dtype : null;
    if (d === null) throw new TypeError(`[result_type] Expected arrays or dtypes, got ${args.describe(x)}`);
    out = out === null ? d : D.promoteTypes(out, d);
  }
  return out;
});
mx.can_cast = args.bind('can_cast', (from, to) => {
  const f = D.isDtype(from) ? from : isArray(from) ? from.dtype : null;
  if (f === null) throw new TypeError(`[can_cast] argument 'from_' must be an array or Dtype, got ${args.describe(from)}`);
  if (!D.isDtype(to)) throw new TypeError(`[can_cast] argument 'to' must be a Dtype, got ${args.describe(to)}`);
  return D.promoteTypes(f, to) === to;
});

mx.default_device = args.bind('default_device', () => dev.default_device());
mx.set_default_device = args.bind('set_default_device', (d) => dev.set_default_device(d));
mx.default_stream = args.bind('default_stream', (d) => dev.default_stream(d));
mx.set_default_stream = args.bind('set_default_stream', (s) => dev.set_default_stream(s));
mx.new_stream = args.bind('new_stream', (d) => dev.new_stream(d));
mx.stream = args.bind('stream', (s) => dev.stream(s));
mx.synchronize = args.bind('synchronize', (s) => dev.synchronize(s));
mx.is_available = args.bind('is_available', (d) => dev.isAvailable(d));
mx.device_count = args.bind('device_count', (t) => dev.deviceCount(t));
mx.ThreadLocalStream = dev.ThreadLocalStream;
mx.new_thread_local_stream = args.bind('new_thread_local_stream', (d) => dev.new_thread_local_stream(d));
mx.new_thread_unsafe_stream = args.bind('new_thread_unsafe_stream', (d) => dev.new_thread_unsafe_stream(d));
mx.clear_streams = args.bind('clear_streams', () => dev.clear_streams());
// Python's ArrayLike: any object with an __mlx_array__() method that returns an mx.array is
// accepted wherever an array is (`x instanceof mx.ArrayLike` tests for it).
mx.ArrayLike = class ArrayLike {
  static [Symbol.hasInstance](x) { return isArray(x) || (x !== null && typeof x === 'object' && typeof x.__mlx_array__ === 'function'); }
};

// Constants, as Python floats (newaxis is None: null in JS).
Object.assign(mx, { pi: Math.PI, e: Math.E, euler_gamma: 0.5772156649015329, inf: Infinity, nan: NaN, newaxis: null });

// ---- memory --------------------------------------------------------------------------------

mx.get_active_memory = args.bind('get_active_memory', () => native.memory('active'));
mx.get_peak_memory = args.bind('get_peak_memory', () => native.memory('peak'));
mx.reset_peak_memory = args.bind('reset_peak_memory', () => { native.memory('reset_peak'); });
mx.get_cache_memory = args.bind('get_cache_memory', () => native.memory('cache'));
mx.clear_cache = args.bind('clear_cache', () => { native.memory('clear_cache'); });
function limitArg(limit, fn) {
  const v = typeof limit === 'bigint' ? Number(limit) : limit;
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`[${fn}] argument 'limit' must be a non-negative integer, got ${args.describe(limit)}`);
  return v;
}
mx.set_memory_limit = args.bind('set_memory_limit', (limit) => native.memory('memory_limit', limitArg(limit, 'set_memory_limit')));
mx.set_cache_limit = args.bind('set_cache_limit', (limit) => native.memory('cache_limit', limitArg(limit, 'set_cache_limit')));
// Wired memory is a Metal notion: on the CPU the limit is checked and kept, and nothing is
// wired (MLX's non-Metal allocators do the same). Returns the previous limit.
let wiredLimit = 0;
mx.set_wired_limit = args.bind('set_wired_limit', (limit) => {
  const prev = wiredLimit;
  wiredLimit = limitArg(limit, 'set_wired_limit');
  return prev;
});

// device_info: what MLX reports for a device, for the CPU from the OS and the kernel table.
mx.device_info = args.bind('device_info', (d) => {
  const device = d === undefined || d === null ? dev.default_device() : d;
  const os = require('node:os');
  const dv = device instanceof dev.Device ? device : new dev.Device(device, 0);
  if (!dev.isAvailable(dv)) throw new Error(`[device_info] ${dv} is not available.`);
  const cpus = os.cpus();
  const info = native.cpu_info();
  return {
    device_name: cpus.length ? cpus[0].model.trim() : 'cpu', architecture: os.arch(),
    memory_size: os.totalmem(), isa: info.isa, threads: info.threads,
  };
});

// mx.cuda and mx.metal: neither backend is in this build. metal's memory functions are
// MLX's deprecated wrappers (a one-time notice on stderr, then the mx function).
mx.cuda = { is_available: args.bind('cuda.is_available', () => false) };
const metalNoticed = new Set();
function deprecatedMetal(name) {
  return args.bind(`metal.${name}`, (...a) => {
    if (!metalNoticed.has(name)) {
      metalNoticed.add(name);
      process.stderr.write(`mlx.metal.${name} is deprecated and will be removed in a future version. Use mlx.${name} instead.\n`);
    }
    return mx[name](...a.filter((x) => x !== undefined));
  });
}
mx.metal = { is_available: args.bind('metal.is_available', () => false) };
for (const n of ['get_active_memory', 'get_peak_memory', 'reset_peak_memory', 'get_cache_memory', 'set_memory_limit',
  'set_cache_limit', 'set_wired_limit', 'clear_cache', 'device_info']) mx.metal[n] = deprecatedMetal(n);
mx.metal.start_capture = args.bind('metal.start_capture', () => { throw new Error('[metal.start_capture] Metal is not available in this build.'); });
mx.metal.stop_capture = args.bind('metal.stop_capture', () => { throw new Error('[metal.stop_capture] Metal is not available in this build.'); });

// ---- evaluation ----------------------------------------------------------------------------

// Arrays among the arguments (nested lists and plain objects are walked, as pytrees).
function collectArrays(xs, out, fn) {
  for (const x of xs) {
    if (isArray(x)) out.push(x);
    else if (Array.isArray(x)) collectArrays(x, out, fn);
    else if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) collectArrays(Object.values(x), out, fn);
    else if (x !== null && x !== undefined && typeof x !== 'number' && typeof x !== 'boolean' && typeof x !== 'string' && typeof x !== 'bigint') {
      throw new TypeError(`[${fn}] Expected arrays or trees of arrays, got ${args.describe(x)}`);
    }
  }
  return out;
}

// eval is the hottest call for tiny graphs: one array skips the list building.
mx.eval = function evaluate(...xs) {
  if (xs.length === 1 && isArray(xs[0])) {
    native.eval(xs[0]);
    return;
  }
  native.eval(collectArrays(xs, [], 'eval'));
};
mx.async_eval = function async_eval(...xs) {
  try {
    return native.async_eval(collectArrays(xs, [], 'async_eval'));
  } catch (e) {
    return Promise.reject(e);
  }
};

// ---- creation ------------------------------------------------------------------------------

function array(...a) {
  return createArray(...a);
}
const createArray = args.bind('array.__init__', (val, dtype) => fromValue(val, dtypeArg(dtype, 'array'), 'array'), { name: 'array' });
array.prototype = NativeArray.prototype;
Object.defineProperty(NativeArray.prototype, 'constructor', { value: array, writable: true, configurable: true });
Object.defineProperty(array, Symbol.hasInstance, { value: (x) => x instanceof NativeArray });
mx.array = array;

mx.asarray = args.bind('asarray', (a, dtype, copy) => {
  const d = dtypeArg(dtype, 'asarray');
  if (copy === true) return fromValue(a, d, 'asarray', true);
  if (isArray(a)) {
    if (d === undefined || d === a.dtype) return a;
    if (copy === false) throw new Error('[asarray] Unable to avoid a copy: the dtype differs.');
    return native.astype(a, d._index, dev.currentStream().index);
  }
  if (copy === false && !conv.isTypedArray(a)) throw new Error('[asarray] Unable to avoid a copy for this input.');
  // A TypedArray whose dtype matches is aliased, not copied (docs/api.md).
  return fromValue(a, d, 'asarray', false);
});

mx.zeros = args.bind('zeros', (shape, dtype, stream) =>
  native.zeros(shapeArg(shape, 'zeros'), (dtypeArg(dtype, 'zeros') || byKey.float32)._index, S(stream, 'zeros')));
mx.ones = args.bind('ones', (shape, dtype, stream) =>
  native.ones(shapeArg(shape, 'ones'), (dtypeArg(dtype, 'ones') || byKey.float32)._index, S(stream, 'ones')));
// As Python: a scalar `vals` is converted against `dtype` (weakly), and the result takes
// the converted scalar's dtype; an array `vals` keeps its own dtype.
mx.full = args.bind('full', (shape, vals, dtype, stream) => {
  const d = dtypeArg(dtype, 'full');
  const v = isArray(vals) ? vals : d ? conv.weakScalar(vals, d, 'full') : toArray(vals, 'full');
  return native.full(shapeArg(shape, 'full'), v, null, S(stream, 'full'));
});
mx.zeros_like = args.bind('zeros_like', (a, dtype, stream) => {
  const x = toArray(a, 'zeros_like');
  return native.zeros(x.shape, (dtypeArg(dtype, 'zeros_like') || x.dtype)._index, S(stream, 'zeros_like'));
});
mx.ones_like = args.bind('ones_like', (a, dtype, stream) => {
  const x = toArray(a, 'ones_like');
  return native.ones(x.shape, (dtypeArg(dtype, 'ones_like') || x.dtype)._index, S(stream, 'ones_like'));
});

// arange(start, stop, step=None, dtype=None) | arange(stop, step=None, dtype=None)
function rangeScalar(v, fn, name) {
  if (typeof v === 'bigint') return [Number(v), conv.scalarDtype(v, fn)];
  if (typeof v === 'number' || typeof v === 'boolean') return [Number(v), conv.scalarDtype(v, fn)];
  throw new TypeError(`[${fn}] argument '${name}' must be an int or float, got ${args.describe(v)}`);
}
mx.arange = args.bind('arange', (...vals) => {
  const overload = vals.pop();
  let start = 0, stop, step, dtype, stream, dt = null;
  if (overload === 0) [start, stop, step, dtype, stream] = vals;
  else [stop, step, dtype, stream] = vals;
  if (overload === 0 && (stop === undefined || stop === null)) [start, stop] = [0, start];
  const parts = [];
  let s0 = 0;
  if (overload === 0) {
    const [v, d] = rangeScalar(start, 'arange', 'start');
    s0 = v;
    parts.push(d);
  }
  const [s1, d1] = rangeScalar(stop, 'arange', 'stop');
  parts.push(d1);
  let st = 1;
  if (step !== undefined && step !== null) {
    const [v, d] = rangeScalar(step, 'arange', 'step');
    st = v;
    parts.push(d);
  }
  for (const d of parts) dt = dt === null ? d : D.promoteTypes(dt, d);
  const target = dtypeArg(dtype, 'arange') || dt;
  if (target === byKey.bool_) throw new TypeError('[arange] bool not supported for arange.');
  return native.arange(s0, s1, st, target._index, S(stream, 'arange'));
});

mx.astype = args.bind('astype', (a, dtype, stream) => {
  const d = dtypeArg(dtype, 'astype');
  if (d === undefined) throw new TypeError("[astype] argument 'dtype' must be a Dtype such as mx.float32, got None");
  return native.astype(toArray(a, 'astype'), d._index, S(stream, 'astype'));
});

// ---- shapes --------------------------------------------------------------------------------

mx.reshape = args.bind('reshape', (a, shape, stream) =>
  native.reshape(toArray(a, 'reshape'), shapeArg(shape, 'reshape'), S(stream, 'reshape')));
mx.flatten = args.bind('flatten', (a, start, end, stream) =>
  native.flatten(toArray(a, 'flatten'), axisArg(start, 'flatten', 'start_axis'), axisArg(end, 'flatten', 'end_axis'), S(stream, 'flatten')));
mx.squeeze = args.bind('squeeze', (a, axis, stream) =>
  native.squeeze(toArray(a, 'squeeze'), axesArg(axis, 'squeeze', 'axis'), S(stream, 'squeeze')));
mx.expand_dims = args.bind('expand_dims', (a, axis, stream) =>
  native.expand_dims(toArray(a, 'expand_dims'), axesArg(axis, 'expand_dims', 'axis'), S(stream, 'expand_dims')));
mx.transpose = args.bind('transpose', (a, axes, stream) =>
  native.transpose(toArray(a, 'transpose'), axesArg(axes, 'transpose', 'axes'), S(stream, 'transpose')));
mx.moveaxis = args.bind('moveaxis', (a, src, dst, stream) =>
  native.moveaxis(toArray(a, 'moveaxis'), axisArg(src, 'moveaxis', 'source'), axisArg(dst, 'moveaxis', 'destination'), S(stream, 'moveaxis')));
mx.swapaxes = args.bind('swapaxes', (a, i, j, stream) =>
  native.swapaxes(toArray(a, 'swapaxes'), axisArg(i, 'swapaxes', 'axis1'), axisArg(j, 'swapaxes', 'axis2'), S(stream, 'swapaxes')));
mx.broadcast_to = args.bind('broadcast_to', (a, shape, stream) =>
  native.broadcast_to(toArray(a, 'broadcast_to'), shapeArg(shape, 'broadcast_to'), S(stream, 'broadcast_to')));

// ---- arithmetic ----------------------------------------------------------------------------

function binaryOp(name) {
  const op = native[name];
  return args.bind(name, (a, b, stream) => {
    const [x, y] = toArrays(a, b, name);
    return op(x, y, S(stream, name));
  });
}
for (const name of ['add', 'subtract', 'multiply', 'divide']) mx[name] = binaryOp(name);

mx.where = args.bind('where', (c, x, y, stream) => {
  const [a, b] = toArrays(x, y, 'where');
  return native.where(toArray(c, 'where'), a, b, S(stream, 'where'));
});
mx.matmul = args.bind('matmul', (a, b, stream) =>
  native.matmul(toArray(a, 'matmul'), toArray(b, 'matmul'), S(stream, 'matmul')));

mx.copy = args.bind('copy', (a, stream) => native.copy(toArray(a, 'copy'), S(stream, 'copy')));

mx.__version__ = require('../package.json').version;

require('./ops_reduce').install(mx);

require('./ops_elementwise').install(mx);

for (const g of ['creation', 'index', 'shape', 'sort']) require(`./ops_${g}`).install(mx);
require('./random').install(mx);
require('./io').install(mx);
require('./linalg').install(mx);
require('./fft').install(mx);
require('./fast').install(mx);
require('./conv').install(mx);
require('./ops_contract').install(mx);
require('./quantized').install(mx);
require('./distributed').install(mx);

require('./transforms').install(mx);
require('./export').install(mx);

require('./array_methods').install(mx);
