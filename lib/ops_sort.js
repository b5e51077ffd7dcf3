'use strict';
// Sorting ops: sort, argsort, partition, argpartition, topk, searchsorted
// Bound through lib/args.js; the engine side is src/mlx/ops_sort.cpp. The addon is loaded only
// in install(), so lib/implemented.js (read by tools/gen_dts.js) can list NAMES without a build.
const args = require('./args');

const I32_MIN = -2147483648, I32_MAX = 2147483647;

function intArg(v, fn, name) {
  if (typeof v === 'bigint') v = Number(v);
  if (!Number.isInteger(v)) throw new TypeError(`[${fn}] argument '${name}' must be an integer, got ${args.describe(v)}`);
  return v;
}
// null/undefined (the flattened array) or an int that fits the engine's int.
function axisArg(v, fn) {
  if (v === undefined || v === null) return null;
  const a = intArg(v, fn, 'axis');
  if (a > I32_MAX || a < I32_MIN) throw new RangeError(`[${fn}] Received invalid axis ${a}.`);
  return a;
}
// kth / k: an int; one past the engine's int range is out of range for any array, with the
// engine's wording (the shape is the one the op works on: flattened for axis=None).
function countArg(v, fn, name, a, axis) {
  const k = intArg(v, fn, name);
  if (k > I32_MAX || k < I32_MIN) {
    const shape = axis === null ? [a.size] : a.shape;
    // As the engine: a bad axis is reported before a bad kth / k.
    if (axis !== null && (axis < -shape.length || axis >= shape.length)) {
      throw new RangeError(`[${fn}] Received invalid axis ${axis} for array with ${shape.length} dimensions.`);
    }
    const what = name === 'k' ? `k=${k}` : `kth ${k}`;
    throw new RangeError(`[${fn}] Received invalid ${what} along axis ${axis === null ? 0 : axis} for array with shape: (${shape.join(',')})`);
  }
  return k;
}
const S = (s, fn) => require('./device').streamIndex(s, fn);

// The names this file defines (lib/implemented.js lists them for the .d.ts).
const NAMES = ['sort', 'argsort', 'partition', 'argpartition', 'topk', 'searchsorted'];
// mx.array methods this file defines (array_methods.tsv has none for this group).
const METHODS = [];

function install(mx) {
  const native = require('./native');
  const { toArray } = require('./convert');
  for (const name of ['sort', 'argsort']) {
    const op = native[name];
    mx[name] = args.bind(name, (a, axis, stream) =>
      op(toArray(a, name), axisArg(axis, name), S(stream, name)));
  }
  for (const [name, count] of [['partition', 'kth'], ['argpartition', 'kth'], ['topk', 'k']]) {
    const op = native[name];
    mx[name] = args.bind(name, (a, k, axis, stream) => {
      const x = toArray(a, name);
      const ax = axisArg(axis, name);
      return op(x, countArg(k, name, count, x, ax), ax, S(stream, name));
    });
  }
  mx.searchsorted = args.bind('searchsorted', (seq, values, side, stream) =>
    native.searchsorted(toArray(seq, 'searchsorted'), toArray(values, 'searchsorted'),
      side === undefined ? 'left' : side, S(stream, 'searchsorted')));
}

function installMethods(proto, mx) {}

module.exports = { NAMES, METHODS, install, installMethods };
