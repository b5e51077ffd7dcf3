'use strict';
// mx indexing ops (the `indexing` group of the signature table): take, take_along_axis,
// put_along_axis, diagonal, diag and MLX's dynamic slice / slice_update (start indices in an
// array), bound through lib/args.js; the engine side is src/mlx/ops_index.cpp. The array methods
// diagonal / diag and the indexing scheme a.get / a.set / a.at (lib/indexing.js) are installed
// here too. The addon is loaded only in install(), so lib/implemented.js (read by
// tools/gen_dts.js) can list NAMES without a build.
const args = require('./args');

// The names this file defines (lib/implemented.js lists them for the .d.ts).
const NAMES = ['take', 'take_along_axis', 'put_along_axis', 'diagonal', 'diag', 'slice', 'slice_update'];
// mx.array methods this file defines (get / set / at: lib/indexing.js).
const METHODS = ['diagonal', 'diag', 'get', 'set', 'at'];

const intArg = args.int32Arg;  // an integer argument that fits the engine's int
function intList(v, fn, name) {
  if (!Array.isArray(v)) throw new TypeError(`[${fn}] argument '${name}' must be a sequence of ints, got ${args.describe(v)}`);
  return v.map((x) => intArg(x, fn, name));
}
const optAxis = (v, fn) => (v === undefined || v === null ? null : intArg(v, fn, 'axis'));

function install(mx) {
  const native = require('./native');
  const { toArray } = require('./convert');
  const dev = require('./device');
  const S = (s, fn) => dev.streamIndex(s, fn);

  // take(a, /, indices: int | array, axis=None, *, stream=None)
  mx.take = args.bind('take', (a, indices, axis, stream) => {
    const x = toArray(a, 'take');
    const isInt = (typeof indices === 'number' && Number.isInteger(indices)) || typeof indices === 'bigint';
    const idx = isInt ? intArg(indices, 'take', 'indices') : toArray(indices, 'take');
    return native.take(x, idx, optAxis(axis, 'take'), S(stream, 'take'));
  });
  mx.take_along_axis = args.bind('take_along_axis', (a, indices, axis, stream) =>
    native.take_along_axis(toArray(a, 'take_along_axis'), toArray(indices, 'take_along_axis'),
      optAxis(axis, 'take_along_axis'), S(stream, 'take_along_axis')));
  // axis is required (Python's runtime signature) but may be None (the flattened array).
  mx.put_along_axis = args.bind('put_along_axis', (a, indices, values, axis, stream) =>
    native.put_along_axis(toArray(a, 'put_along_axis'), toArray(indices, 'put_along_axis'),
      toArray(values, 'put_along_axis'), optAxis(axis, 'put_along_axis'), S(stream, 'put_along_axis')));
  mx.diagonal = args.bind('diagonal', (a, offset, axis1, axis2, stream) =>
    native.diagonal(toArray(a, 'diagonal'), intArg(offset === undefined ? 0 : offset, 'diagonal', 'offset'),
      intArg(axis1 === undefined ? 0 : axis1, 'diagonal', 'axis1'), intArg(axis2 === undefined ? 1 : axis2, 'diagonal', 'axis2'),
      S(stream, 'diagonal')));
  mx.diag = args.bind('diag', (a, k, stream) =>
    native.diag(toArray(a, 'diag'), intArg(k === undefined ? 0 : k, 'diag', 'k'), S(stream, 'diag')));
  mx.slice = args.bind('slice', (a, start, axes, sliceSize, stream) =>
    native.slice(toArray(a, 'slice'), toArray(start, 'slice'), intList(axes, 'slice', 'axes'),
      intList(sliceSize, 'slice', 'slice_size'), S(stream, 'slice')));
  mx.slice_update = args.bind('slice_update', (a, update, start, axes, stream) =>
    native.slice_update(toArray(a, 'slice_update'), toArray(update, 'slice_update'), toArray(start, 'slice_update'),
      intList(axes, 'slice_update', 'axes'), S(stream, 'slice_update')));
  mx.ArrayAt = require('./indexing').ArrayAt;
}

function installMethods(proto, mx) {
  const def = (name, fn) => Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  def('diagonal', args.bind('array.diagonal', function diagonal(offset, axis1, axis2, stream) {
    return mx.diagonal(this, offset, axis1, axis2, { stream });
  }, { thisArg: true }));
  def('diag', args.bind('array.diag', function diag(k, stream) { return mx.diag(this, k, { stream }); }, { thisArg: true }));
  require('./indexing').installMethods(proto, mx);
}

module.exports = { NAMES, METHODS, install, installMethods };
