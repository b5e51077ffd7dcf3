'use strict';
// mx reductions, scans and softmax (the `reduction` group of the signature table), bound
// through lib/args.js; the engine side is src/mlx/ops_reduce.cpp. The addon is loaded only in
// install(), so lib/implemented.js (read by tools/gen_dts.js) can list NAMES without a build.
const args = require('./args');

const { intArg } = args;
// An axis: an integer that fits the engine's int (a larger one would wrap around there).
function axisArg(v, fn, name = 'axis') {
  const a = intArg(v, fn, name);
  if (a > 2147483647 || a < -2147483648) throw new RangeError(`[${fn}] Axis ${a} in '${name}' is out of bounds.`);
  return a;
}
// null/undefined (all axes), an int, or a sequence of ints.
function axesArg(axes, fn, name = 'axis') {
  if (axes === undefined || axes === null) return null;
  const list = typeof axes === 'number' || typeof axes === 'bigint' ? [axes] : axes;
  if (!Array.isArray(list)) throw new TypeError(`[${fn}] argument '${name}' must be an int or a sequence of ints, got ${args.describe(axes)}`);
  return list.map((a) => axisArg(a, fn, name));
}
const optAxis = (v, fn) => (v === undefined || v === null ? null : axisArg(v, fn));
function dtypeIndex(d, fn) {
  if (d === undefined || d === null) return null;
  if (require('./dtype').isDtype(d)) return d._index;
  throw new TypeError(`[${fn}] argument 'dtype' must be a Dtype such as mx.float32, got ${args.describe(d)}`);
}
const S = (s, fn) => require('./device').streamIndex(s, fn);

// The names this file defines (lib/implemented.js lists them for the .d.ts).
const NAMES = ['sum', 'prod', 'max', 'min', 'mean', 'all', 'any', 'logsumexp', 'count_nonzero', 'median',
  'var', 'std', 'argmax', 'argmin', 'softmax', 'cumsum', 'cumprod', 'cummax', 'cummin', 'logcumsumexp',
  'cumulative_sum', 'cumulative_prod', 'trace', 'array_equal', 'allclose'];
const METHODS = ['sum', 'prod', 'max', 'min', 'mean', 'all', 'any', 'logsumexp', 'argmax', 'argmin', 'var',
  'std', 'cumsum', 'cumprod', 'cummax', 'cummin', 'logcumsumexp'];

function install(mx) {
  const native = require('./native');
  const { toArray, toArrays } = require('./convert');
  // (a, axis, keepdims, stream)
  for (const name of ['sum', 'prod', 'max', 'min', 'mean', 'all', 'any', 'logsumexp', 'count_nonzero', 'median']) {
    const op = native[name];
    mx[name] = args.bind(name, (a, axis, keepdims, stream) =>
      op(toArray(a, name), axesArg(axis, name), keepdims === true, S(stream, name)));
  }
  for (const name of ['var', 'std']) {
    const op = native[name];
    mx[name] = args.bind(name, (a, axis, keepdims, ddof, stream) =>
      op(toArray(a, name), axesArg(axis, name), keepdims === true, axisArg(ddof === undefined ? 0 : ddof, name, 'ddof'), S(stream, name)));
  }
  for (const name of ['argmax', 'argmin']) {
    const op = native[name];
    mx[name] = args.bind(name, (a, axis, keepdims, stream) =>
      op(toArray(a, name), optAxis(axis, name), keepdims === true, S(stream, name)));
  }
  mx.softmax = args.bind('softmax', (a, axis, precise, stream) =>
    native.softmax(toArray(a, 'softmax'), axesArg(axis, 'softmax'), precise === true, S(stream, 'softmax')));
  for (const name of ['cumsum', 'cumprod']) {
    const op = native[name];
    mx[name] = args.bind(name, (a, axis, reverse, inclusive, dtype, stream) =>
      op(toArray(a, name), optAxis(axis, name), reverse === true, inclusive !== false, dtypeIndex(dtype, name), S(stream, name)));
  }
  for (const name of ['cummax', 'cummin', 'logcumsumexp']) {
    const op = native[name];
    mx[name] = args.bind(name, (a, axis, reverse, inclusive, stream) =>
      op(toArray(a, name), optAxis(axis, name), reverse === true, inclusive !== false, null, S(stream, name)));
  }
  mx.cumulative_sum = mx.cumsum;
  mx.cumulative_prod = mx.cumprod;
  mx.trace = args.bind('trace', (a, offset, axis1, axis2, dtype, stream) =>
    native.trace(toArray(a, 'trace'), axisArg(offset === undefined ? 0 : offset, 'trace', 'offset'),
      axisArg(axis1 === undefined ? 0 : axis1, 'trace', 'axis1'), axisArg(axis2 === undefined ? 1 : axis2, 'trace', 'axis2'),
      dtypeIndex(dtype, 'trace'), S(stream, 'trace')));
  mx.array_equal = args.bind('array_equal', (a, b, equalNan, stream) => {
    const [x, y] = toArrays(a, b, 'array_equal');
    return native.array_equal(x, y, equalNan === true, S(stream, 'array_equal'));
  });
  // As MLX: all(isclose(a, b, rtol, atol, equal_nan)). isclose comes from the elementwise
  // ops (lib/ops_elementwise.js), looked up at call time.
  mx.allclose = args.bind('allclose', (a, b, rtol, atol, equalNan, stream) => {
    if (typeof mx.isclose !== 'function') throw new Error('[allclose] mx.isclose is not available in this build.');
    const s = { stream: stream === undefined ? null : stream };
    return mx.all(mx.isclose(a, b, rtol === undefined ? 1e-5 : rtol, atol === undefined ? 1e-8 : atol, { equal_nan: equalNan === true, ...s }), s);
  });
}

// The array methods that mirror these functions ('array.<name>' table entries).
function installMethods(proto, mx) {
  const def = (name, fn) => Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  for (const name of ['sum', 'prod', 'max', 'min', 'mean', 'all', 'any', 'logsumexp', 'argmax', 'argmin']) {
    const f = mx[name];
    def(name, args.bind(`array.${name}`, function method(axis, keepdims, stream) { return f(this, axis, keepdims, { stream }); }, { thisArg: true }));
  }
  for (const name of ['var', 'std']) {
    const f = mx[name];
    def(name, args.bind(`array.${name}`, function method(axis, keepdims, ddof, stream) { return f(this, axis, keepdims, ddof, { stream }); }, { thisArg: true }));
  }
  for (const name of ['cumsum', 'cumprod', 'cummax', 'cummin', 'logcumsumexp']) {
    const f = mx[name];
    def(name, args.bind(`array.${name}`, function method(axis, reverse, inclusive, stream) { return f(this, axis, { reverse, inclusive, stream }); }, { thisArg: true }));
  }
}

module.exports = { install, installMethods, NAMES, METHODS };
