'use strict';
// JS values -> engine arrays: scalars, nested arrays, TypedArrays and buffers, with
// Python MLX's dtype inference (dtype_rules.md sections 2 and 4).
const native = require('./native');
const D = require('./dtype');

const { byKey } = D;
const NativeArray = native.array;
const isArray = (x) => x instanceof NativeArray;

const TYPED = new Map([
  [Float32Array, byKey.float32], [Float64Array, byKey.float32], [Int8Array, byKey.int8],
  [Int16Array, byKey.int16], [Int32Array, byKey.int32], [Uint8Array, byKey.uint8],
  [Uint8ClampedArray, byKey.uint8], [Uint16Array, byKey.uint16], [Uint32Array, byKey.uint32],
  [BigInt64Array, byKey.int64], [BigUint64Array, byKey.uint64],
]);
// The TypedArray class that holds a dtype's elements exactly, where JS has one.
const STORAGE = new Map([
  [byKey.float32, Float32Array], [byKey.float64, Float64Array], [byKey.int8, Int8Array],
  [byKey.int16, Int16Array], [byKey.int32, Int32Array], [byKey.uint8, Uint8Array],
  [byKey.uint16, Uint16Array], [byKey.uint32, Uint32Array], [byKey.int64, BigInt64Array],
  [byKey.uint64, BigUint64Array], [byKey.bool_, Uint8Array],
]);

function typedDtype(t) {
  const d = TYPED.get(t.constructor);
  if (d) return d;
  if (Buffer.isBuffer(t)) return byKey.uint8;
  return undefined;
}
const isTypedArray = (x) => ArrayBuffer.isView(x) && !(x instanceof DataView);
// A Python complex scalar is {re, im} in JS (what tolist() and item() give back).
const isComplex = (x) => x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype &&
  typeof x.re === 'number' && typeof x.im === 'number' && Object.keys(x).length === 2;

const I32_MIN = -2147483648, I32_MAX = 2147483647;
const I64_MIN = -(2n ** 63n), I64_MAX = 2n ** 63n - 1n, U64_MAX = 2n ** 64n - 1n;

// Default dtype of a JS scalar, as Python infers it for bool / int / float.
function scalarDtype(v, fn) {
  switch (typeof v) {
    case 'boolean': return byKey.bool_;
    case 'number':
      if (Number.isSafeInteger(v)) return v >= I32_MIN && v <= I32_MAX ? byKey.int32 : byKey.int64;
      return byKey.float32;
    case 'bigint':
      if (v >= I32_MIN && v <= I32_MAX) return byKey.int32;
      if (v >= I64_MIN && v <= I64_MAX) return byKey.int64;
      throw new RangeError(`[${fn}] ${v} is out of the int64 range (pass dtype=mx.uint64 for unsigned values).`);
    default:
      return undefined;
  }
}

function scalar(v, dtype, fn) {
  const d = dtype || scalarDtype(v, fn);
  if (typeof v === 'bigint' && d === byKey.uint64 && (v < 0n || v > U64_MAX)) {
    throw new RangeError(`[${fn}] ${v} is out of the uint64 range.`);
  }
  return native.scalar(v, d._index);
}

// Walks a nested JS array: shape, flat leaves and the kinds of leaves seen.
function walk(value, fn) {
  const shape = [];
  let probe = value;
  while (Array.isArray(probe) || isTypedArray(probe) || isArray(probe)) {
    if (isArray(probe)) {
      shape.push(...probe.shape);
      break;
    }
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const flat = [];
  const kinds = { bool: false, int: false, float: false, big: false, wide: false, over64: false, complex: false, dtypes: [] };
  const visit = (v, depth) => {
    if (depth === shape.length) {
      if (Array.isArray(v) || isTypedArray(v)) {
        throw new Error(`[${fn}] Initialization encountered extra dimension.`);
      }
      leaf(v);
      return;
    }
    if (isArray(v)) {
      const s = v.shape;
      for (let i = 0; i < s.length; i++) {
        if (s[i] !== shape[depth + i]) throw new Error(`[${fn}] Initialization encountered non-uniform length.`);
      }
      if (depth + s.length !== shape.length) throw new Error(`[${fn}] Initialization encountered non-uniform length.`);
      kinds.dtypes.push(v.dtype);
      const vals = v.size ? v.reshape(-1).tolist() : [];
      for (const x of vals) leaf(x, true);
      return;
    }
    if (!Array.isArray(v) && !isTypedArray(v)) {
      throw new Error(`[${fn}] Initialization encountered non-uniform length.`);
    }
    if (v.length !== shape[depth]) throw new Error(`[${fn}] Initialization encountered non-uniform length.`);
    if (isTypedArray(v) && depth === shape.length - 1) {
      const d = typedDtype(v);
      if (!d) throw new TypeError(`[${fn}] Unsupported TypedArray ${v.constructor.name}.`);
      kinds.dtypes.push(d);
      for (let i = 0; i < v.length; i++) leaf(v[i], true);
      return;
    }
    for (let i = 0; i < v.length; i++) visit(v[i], depth + 1);
  };
  const leaf = (x, typed) => {
    switch (typeof x) {
      case 'boolean': if (!typed) kinds.bool = true; flat.push(x); return;
      case 'number':
        if (!typed) {
          if (Number.isSafeInteger(x)) {
            kinds.int = true;
            if (x < I32_MIN || x > I32_MAX) kinds.wide = true;
          } else {
            kinds.float = true;
          }
        }
        flat.push(x);
        return;
      case 'bigint':
        if (!typed) {
          kinds.int = true;
          kinds.big = true;
          if (x < I32_MIN || x > I32_MAX) kinds.wide = true;
          if (x < I64_MIN || x > U64_MAX) throw new RangeError(`[${fn}] ${x} is out of the 64-bit integer range.`);
          if (x > I64_MAX) kinds.over64 = true;
        }
        flat.push(x);
        return;
      default:
        if (isComplex(x)) {
          if (!typed) kinds.complex = true;
          flat.push(x);
          return;
        }
        throw new TypeError(`[${fn}] Invalid type ${x === null ? 'null' : typeof x} received in array initialization.`);
    }
  };
  visit(value, 0);
  return { shape, flat, kinds };
}

function inferDtype(kinds) {
  let d = null;
  if (kinds.complex) d = byKey.complex64;
  else if (kinds.float) d = byKey.float32;
  else if (kinds.int) d = kinds.wide ? byKey.int64 : byKey.int32;
  else if (kinds.bool) d = byKey.bool_;
  for (const t of kinds.dtypes) d = d === null ? t : D.promoteTypes(d, t);
  return d || byKey.float32;
}

// Writes the flat leaves into a fresh TypedArray for dtype `dt` (or its staging type).
function fill(flat, Storage) {
  const n = flat.length;
  const out = new Storage(n);
  if (Storage === BigInt64Array || Storage === BigUint64Array) {
    for (let i = 0; i < n; i++) {
      const x = flat[i];
      out[i] = typeof x === 'bigint' ? x : BigInt(typeof x === 'boolean' ? +x : Math.trunc(x));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const x = flat[i];
      out[i] = typeof x === 'bigint' ? Number(x) : +x;
    }
  }
  return out;
}

// mx.array(value, dtype): always a new array (copies buffers).
function fromValue(value, dtype, fn, copy = true) {
  if (isArray(value)) {
    if (dtype === undefined || dtype === value.dtype) return copy ? native.copy(value, streamDefault()) : value;
    return native.astype(value, dtype._index, streamDefault());
  }
  const t = typeof value;
  if (t === 'number' || t === 'bigint' || t === 'boolean') return scalar(value, dtype, fn);
  // Python's ArrayLike protocol: an object whose __mlx_array__() returns an mx.array.
  if (value !== null && t === 'object' && typeof value.__mlx_array__ === 'function') {
    const a = value.__mlx_array__();
    if (!isArray(a)) throw new TypeError(`[${fn}] __mlx_array__ must return an mx.array, got ${typeof a}.`);
    return fromValue(a, dtype, fn, copy);
  }
  if (isTypedArray(value) && !Array.isArray(value)) {
    const own = typedDtype(value);
    if (!own) throw new TypeError(`[${fn}] Unsupported TypedArray ${value.constructor.name}.`);
    const shape = [value.length];
    if (value instanceof Float64Array && dtype === byKey.float64) {
      return native.fromBuffer(value, byKey.float64._index, shape, copy);
    }
    if (value instanceof Float64Array) {
      // As MLX does for float64 buffers: float32 unless dtype says float64.
      const a = native.fromBuffer(value, byKey.float64._index, shape, false);
      return native.astype(a, (dtype || byKey.float32)._index, streamDefault());
    }
    const a = native.fromBuffer(value, own._index, shape, copy);
    return dtype === undefined || dtype === own ? a : native.astype(a, dtype._index, streamDefault());
  }
  if (value instanceof ArrayBuffer) return fromValue(new Uint8Array(value), dtype, fn, copy);
  if (isComplex(value)) {
    const a = native.fromBuffer(new Float32Array([value.re, value.im]), byKey.complex64._index, [], false);
    return dtype === undefined || dtype === byKey.complex64 ? a : native.astype(a, dtype._index, streamDefault());
  }
  if (value instanceof DataView) throw new TypeError(`[${fn}] DataView is not supported; pass a TypedArray or ArrayBuffer.`);
  if (Array.isArray(value)) {
    const { shape, flat, kinds } = walk(value, fn);
    for (const d of shape) if (d > I32_MAX) throw new RangeError(`[${fn}] Dimension ${d} is too large.`);
    const inferred = inferDtype(kinds);
    const target = dtype || inferred;
    if (kinds.complex || target === byKey.complex64) {
      // complex64 is two float32s; real leaves get a zero imaginary part.
      const buf = new Float32Array(2 * flat.length);
      for (let i = 0; i < flat.length; i++) {
        const x = flat[i];
        if (isComplex(x)) { buf[2 * i] = x.re; buf[2 * i + 1] = x.im; } else buf[2 * i] = typeof x === 'bigint' ? Number(x) : +x;
      }
      const a = native.fromBuffer(buf, byKey.complex64._index, shape, false);
      return target === byKey.complex64 ? a : native.astype(a, target._index, streamDefault());
    }
    if (kinds.over64 && D.isInteger(target) && target !== byKey.uint64) {
      throw new RangeError(`[${fn}] A bigint in the list is out of the int64 range (pass dtype=mx.uint64 for unsigned values).`);
    }
    let staging;
    if (target === byKey.float64 || target === byKey.int64 || target === byKey.uint64 ||
        target === byKey.bool_) {
      staging = target;
    } else if (D.isInexact(target)) {
      // Python fills inexact dtypes through a float32 buffer.
      staging = byKey.float32;
    } else {
      // Integer targets: exact integers through float64 (or int64 for bigints), then a
      // wrapping cast, as a C++ int buffer would give.
      staging = kinds.big ? byKey.int64 : (kinds.float ? byKey.float32 : byKey.float64);
      if (STORAGE.get(target) && !kinds.float && !kinds.big && !kinds.wide) staging = target;
    }
    const buf = fill(flat, STORAGE.get(staging));
    // Nonzero is true, NaN included (C++ float -> bool), which JS truthiness says is false.
    if (staging === byKey.bool_) for (let i = 0; i < buf.length; i++) buf[i] = flat[i] || Number.isNaN(flat[i]) ? 1 : 0;
    const a = native.fromBuffer(buf, staging._index, shape, false);
    return staging === target ? a : native.astype(a, target._index, streamDefault());
  }
  if (value === null || value === undefined) {
    throw new TypeError(`[${fn}] Cannot create an array from ${value}.`);
  }
  throw new TypeError(`[${fn}] Invalid type ${value.constructor ? value.constructor.name : typeof value} received in array initialization.`);
}

let streamDefault = () => 0;
function setStreamDefault(f) { streamDefault = f; }

// Python's weak scalars: a JS scalar beside an array takes the array's dtype where it fits.
function weakScalar(v, dtype, fn) {
  switch (typeof v) {
    case 'boolean':
      return native.scalar(v, dtype._index);
    case 'number':
      if (!Number.isSafeInteger(v)) {
        return native.scalar(v, (D.isFloating(dtype) ? dtype : byKey.float32)._index);
      }
      return weakInt(v, dtype, fn);
    case 'bigint':
      return weakInt(v, dtype, fn);
    default:
      return fromValue(v, undefined, fn);
  }
}

function weakInt(v, dtype, fn) {
  if (dtype === byKey.bool_) return scalar(v, undefined, fn);
  if (D.isInteger(dtype) && dtype.size < 8) {
    const bits = dtype.size * 8;
    const unsigned = dtype._kind === 'u';
    const lo = unsigned ? 0 : -(2 ** (bits - 1)), hi = unsigned ? 2 ** bits - 1 : 2 ** (bits - 1) - 1;
    const x = typeof v === 'bigint' ? Number(v) : v;
    if (x < lo || x > hi) throw new RangeError(`[${fn}] Converting ${v} to ${dtype._name} would result in overflow.`);
  }
  if (typeof v === 'bigint' && dtype !== byKey.uint64 && (v < I64_MIN || v > I64_MAX)) {
    throw new RangeError(`[${fn}] ${v} is out of the int64 range.`);
  }
  if (typeof v === 'bigint' && dtype === byKey.uint64 && (v < I64_MIN || v > U64_MAX)) {
    throw new RangeError(`[${fn}] ${v} is out of the uint64 range.`);
  }
  return native.scalar(v, dtype._index);
}

// Converts the operands of a binary function as Python's to_arrays does.
// An ArrayLike operand (__mlx_array__) is its array, so scalars beside it stay weak.
function unwrapLike(x, fn) {
  if (x === null || typeof x !== 'object' || isArray(x) || typeof x.__mlx_array__ !== 'function') return x;
  return fromValue(x, undefined, fn, false);
}

function toArrays(a, b, fn) {
  a = unwrapLike(a, fn);
  b = unwrapLike(b, fn);
  const aa = isArray(a), ba = isArray(b);
  if (aa && ba) return [a, b];
  if (aa) return [a, weakScalar(b, a.dtype, fn)];
  if (ba) return [weakScalar(a, b.dtype, fn), b];
  return [fromValue(a, undefined, fn), fromValue(b, undefined, fn)];
}

function toArray(a, fn) { return isArray(a) ? a : fromValue(a, undefined, fn); }

module.exports = {
  isArray, isTypedArray, isComplex, fromValue, scalar, scalarDtype, weakScalar, toArrays, toArray,
  setStreamDefault, STORAGE,
};
