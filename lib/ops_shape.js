'use strict';
// Shape ops: concatenate, stack, split, pad, tile, repeat, flip, roll, ... (the `shape` group of
// the signature table beyond reshape/transpose/..., which lib/core.js binds).
// Bound through lib/args.js; the engine side is src/mlx/ops_shape.cpp. The addon is loaded only
// in install(), so lib/implemented.js (read by tools/gen_dts.js) can list NAMES without a build.
const args = require('./args');

const I32_MIN = -2147483648, I32_MAX = 2147483647;

function intArg(v, fn, name) {
  if (typeof v === 'bigint') v = Number(v);
  if (!Number.isInteger(v)) throw new TypeError(`[${fn}] argument '${name}' must be an integer, got ${args.describe(v)}`);
  return v;
}
// An int that fits the engine's 32-bit int (axes, counts, shape entries).
function int32Arg(v, fn, name) {
  const a = intArg(v, fn, name);
  if (a > I32_MAX || a < I32_MIN) throw new RangeError(`[${fn}] Value ${a} in '${name}' is out of range.`);
  return a;
}
// A sequence of ints (Array or TypedArray).
function intsArg(v, fn, name) {
  if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    throw new TypeError(`[${fn}] argument '${name}' must be a sequence of ints, got ${args.describe(v)}`);
  }
  return Array.from(v, (x) => int32Arg(x, fn, name));
}
// null/undefined, an int, or a sequence of ints.
function axesArg(axes, fn, name = 'axis') {
  if (axes === undefined || axes === null) return null;
  if (typeof axes === 'number' || typeof axes === 'bigint') return [int32Arg(axes, fn, name)];
  return intsArg(axes, fn, name);
}
const S = (s, fn) => require('./device').streamIndex(s, fn);

// The names this file defines (lib/implemented.js lists them for the .d.ts).
const NAMES = ['concatenate', 'concat', 'stack', 'unstack', 'split', 'repeat', 'tile', 'pad', 'flip',
  'roll', 'diff', 'as_strided', 'broadcast_arrays', 'broadcast_shapes', 'atleast_1d', 'atleast_2d',
  'atleast_3d', 'unflatten', 'permute_dims', 'matrix_transpose', 'contiguous'];
// mx.array methods this file defines.
const METHODS = ['split'];

// pad_width as Python's pad accepts it: an int, [int], [before, after] (every axis), or a
// list of [before, after] pairs (one per axis, or one for every axis).
function padWidths(pw, ndim) {
  const fn = 'pad';
  const pair = (p) => {
    if (!Array.isArray(p) || p.length !== 2) {
      throw new TypeError(`[pad] argument 'pad_width' must be an int, [int], [before, after] or a list of [before, after] pairs, got ${args.describe(p)}`);
    }
    return [int32Arg(p[0], fn, 'pad_width'), int32Arg(p[1], fn, 'pad_width')];
  };
  let widths;
  if (typeof pw === 'number' || typeof pw === 'bigint') {
    const w = int32Arg(pw, fn, 'pad_width');
    widths = new Array(ndim).fill([w, w]);
  } else if (Array.isArray(pw) && pw.length === 1 && !Array.isArray(pw[0])) {
    const w = int32Arg(pw[0], fn, 'pad_width');
    widths = new Array(ndim).fill([w, w]);
  } else if (Array.isArray(pw) && pw.length === 2 && !Array.isArray(pw[0]) && !Array.isArray(pw[1])) {
    widths = new Array(ndim).fill(pair(pw));
  } else if (Array.isArray(pw) && pw.length > 0 && pw.every(Array.isArray)) {
    const pairs = pw.map(pair);
    widths = pairs.length === 1 ? new Array(ndim).fill(pairs[0]) : pairs;
  } else {
    throw new TypeError(`[pad] argument 'pad_width' must be an int, [int], [before, after] or a list of [before, after] pairs, got ${args.describe(pw)}`);
  }
  return [widths.map((p) => p[0]), widths.map((p) => p[1])];
}

function install(mx) {
  const native = require('./native');
  const { toArray } = require('./convert');
  const list = (xs, fn) => {
    if (!Array.isArray(xs)) throw new TypeError(`[${fn}] argument 'arrays' must be an Array of arrays, got ${args.describe(xs)}`);
    return xs.map((x) => toArray(x, fn));
  };
  const optAxis = (v, fn) => (v === undefined || v === null ? null : int32Arg(v, fn, 'axis'));

  const concatenate = (name) => args.bind(name, (arrays, axis, stream) =>
    native.concatenate(list(arrays, name), optAxis(axis, name), S(stream, name)));
  mx.concatenate = concatenate('concatenate');
  mx.concat = concatenate('concat');
  // axis=None stacks along axis 0, as Python's binding does.
  mx.stack = args.bind('stack', (arrays, axis, stream) =>
    native.stack(list(arrays, 'stack'), axis === undefined ? 0 : int32Arg(axis, 'stack', 'axis'), S(stream, 'stack')));
  mx.unstack = args.bind('unstack', (x, axis, stream) =>
    native.unstack(toArray(x, 'unstack'), int32Arg(axis, 'unstack', 'axis'), S(stream, 'unstack')));

  const split = (fn) => (a, ios, axis, stream) => {
    const x = toArray(a, fn);
    const ax = int32Arg(axis === undefined ? 0 : axis, fn, 'axis');
    if (typeof ios === 'number' || typeof ios === 'bigint') {
      return native.split_sections(x, int32Arg(ios, fn, 'indices_or_sections'), ax, S(stream, fn));
    }
    return native.split_indices(x, intsArg(ios, fn, 'indices_or_sections'), ax, S(stream, fn));
  };
  mx.split = args.bind('split', split('split'));

  mx.repeat = args.bind('repeat', (a, repeats, axis, stream) =>
    native.repeat(toArray(a, 'repeat'), int32Arg(repeats, 'repeat', 'repeats'), optAxis(axis, 'repeat'), S(stream, 'repeat')));
  mx.tile = args.bind('tile', (a, reps, stream) =>
    native.tile(toArray(a, 'tile'), axesArg(reps, 'tile', 'reps'), S(stream, 'tile')));
  mx.pad = args.bind('pad', (a, padWidth, mode, constantValues, stream) => {
    const x = toArray(a, 'pad');
    const [lo, hi] = padWidths(padWidth, x.ndim);
    // As Python: the value becomes an array of its own dtype, then is cast to the input's.
    const v = constantValues === undefined ? null : toArray(constantValues, 'pad');
    return native.pad(x, lo, hi, mode === undefined ? 'constant' : mode, v, S(stream, 'pad'));
  });
  mx.flip = args.bind('flip', (a, axis, stream) =>
    native.flip(toArray(a, 'flip'), axesArg(axis, 'flip'), S(stream, 'flip')));
  mx.roll = args.bind('roll', (a, shift, axis, stream) => {
    const x = toArray(a, 'roll');
    const shifts = axesArg(shift, 'roll', 'shift');
    const axes = axesArg(axis, 'roll');
    const s = S(stream, 'roll');
    // As Python's overloads: no axis rolls the flattened array by the sum of the shifts; an
    // int shift applies to every axis given; several shifts over one int axis add up.
    if (axes === null) return native.roll(x, shifts, null, s);
    if (!Array.isArray(shift) && !ArrayBuffer.isView(shift)) return native.roll(x, axes.map(() => shifts[0]), axes, s);
    if (!Array.isArray(axis) && !ArrayBuffer.isView(axis)) {
      return native.roll(x, [int32Arg(shifts.reduce((p, q) => p + q, 0), 'roll', 'shift')], axes, s);
    }
    return native.roll(x, shifts, axes, s);
  });
  mx.diff = args.bind('diff', (a, n, axis, stream) =>
    native.diff(toArray(a, 'diff'), int32Arg(n, 'diff', 'n'), int32Arg(axis, 'diff', 'axis'), S(stream, 'diff')));

  mx.as_strided = args.bind('as_strided', (a, shape, strides, offset, stream) => {
    const x = toArray(a, 'as_strided');
    const sh = shape === undefined ? x.shape : intsArg(shape, 'as_strided', 'shape');
    let st;
    if (strides === undefined) {
      // Row-major strides of the new shape.
      st = new Array(sh.length).fill(1);
      for (let i = sh.length - 1; i > 0; i--) st[i - 1] = st[i] * sh[i];
    } else {
      if (!Array.isArray(strides) && !ArrayBuffer.isView(strides)) {
        throw new TypeError(`[as_strided] argument 'strides' must be a sequence of ints, got ${args.describe(strides)}`);
      }
      st = Array.from(strides, (v) => {
        const k = intArg(v, 'as_strided', 'strides');
        if (!Number.isSafeInteger(k)) throw new RangeError(`[as_strided] Stride ${k} is out of range.`);
        return k;
      });
    }
    const off = intArg(offset, 'as_strided', 'offset');
    if (off < 0) throw new RangeError(`[as_strided] argument 'offset' must be non-negative, got ${off}`);
    if (!Number.isSafeInteger(off)) throw new RangeError(`[as_strided] Offset ${off} is out of range.`);
    return native.as_strided(x, sh, st, off, S(stream, 'as_strided'));
  });
  mx.contiguous = args.bind('contiguous', (a, allowColMajor, stream) =>
    native.contiguous(toArray(a, 'contiguous'), allowColMajor === true, S(stream, 'contiguous')));
  mx.unflatten = args.bind('unflatten', (a, axis, shape, stream) =>
    native.unflatten(toArray(a, 'unflatten'), int32Arg(axis, 'unflatten', 'axis'), intsArg(shape, 'unflatten', 'shape'), S(stream, 'unflatten')));

  mx.broadcast_arrays = args.bind('broadcast_arrays', (arrays, stream) =>
    native.broadcast_arrays(arrays.map((x) => toArray(x, 'broadcast_arrays')), S(stream, 'broadcast_arrays')));
  // Pure shape arithmetic: a JS Array (Python returns a tuple).
  mx.broadcast_shapes = args.bind('broadcast_shapes', (shapes) => {
    if (shapes.length === 0) throw new Error('[broadcast_shapes] Must provide at least one shape.');
    const sh = shapes.map((s) => intsArg(s, 'broadcast_shapes', 'shapes'));
    for (const s of sh) {
      if (s.some((d) => d < 0)) throw new Error(`[broadcast_shapes] Negative dimensions are not allowed, got shape (${s.join(',')}).`);
    }
    const str = (s) => `(${s.join(',')})`;
    return sh.reduce((a, b) => {
      const n = Math.max(a.length, b.length);
      const out = new Array(n);
      for (let i = 0; i < n; i++) {
        const da = i < n - a.length ? 1 : a[i - (n - a.length)];
        const db = i < n - b.length ? 1 : b[i - (n - b.length)];
        if (da === db || db === 1) out[i] = da;
        else if (da === 1) out[i] = db;
        else throw new Error(`[broadcast_shapes] Shapes ${str(a)} and ${str(b)} cannot be broadcast.`);
      }
      return out;
    });
  });
  for (const name of ['atleast_1d', 'atleast_2d', 'atleast_3d']) {
    const op = native[name];
    // One array gives an array, several (or none) a list, as Python.
    mx[name] = args.bind(name, (arys, stream) => {
      const s = S(stream, name);
      if (arys.length === 1) return op(toArray(arys[0], name), s);
      return arys.map((x) => op(toArray(x, name), s));
    });
  }
  mx.permute_dims = args.bind('permute_dims', (a, axes, stream) =>
    mx.transpose(a, axes === undefined ? null : axes, { stream: stream === undefined ? null : stream }));
  // Python's matrix_transpose is the transpose function object itself.
  mx.matrix_transpose = mx.transpose;
}

// The array methods that mirror these functions ('array.<name>' table entries).
function installMethods(proto, mx) {
  const def = (name, fn) => Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  const split = mx.split;
  def('split', args.bind('array.split', function method(ios, axis, stream) {
    return split(this, ios, axis === undefined ? 0 : axis, { stream: stream === undefined ? null : stream });
  }, { thisArg: true }));
}

module.exports = { NAMES, METHODS, install, installMethods };
