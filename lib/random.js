'use strict';
// mx.random: MLX's keys (uint32 pairs, threefry2x32), the global key state and the
// distributions, bound through lib/args.js ('random.<name>' entries). Engine: src/mlx/random.cpp.
//
// As in Python MLX, the implicit key sequence lives here (mx.random.state, a one-element Array
// holding the current key): a call without `key` takes the next key from it (split: the first
// half becomes the new state, the second is used) before its other arguments are checked.
const args = require('./args');

// The names this file defines, qualified ('random.normal'); lib/implemented.js lists them.
const NAMES = ['random.seed', 'random.key', 'random.split', 'random.uniform', 'random.normal',
  'random.multivariate_normal', 'random.randint', 'random.bernoulli', 'random.truncated_normal', 'random.gumbel',
  'random.categorical', 'random.laplace', 'random.permutation'];

const I32_MIN = -2147483648, I32_MAX = 2147483647;
const U64_MAX = 2n ** 64n - 1n;

// A {py: '...'} default the table could not resolve (shape [], dtype int32, ...).
const isMarker = (d) => d !== null && typeof d === 'object' && typeof d.py === 'string' &&
  Object.getPrototypeOf(d) === Object.prototype;

function install(mx) {
  const native = require('./native');
  const D = require('./dtype');
  const conv = require('./convert');
  const dev = require('./device');
  const { byKey } = D;
  const { isArray, toArray, weakScalar, fromValue } = conv;

  const S = (s, fn) => dev.streamIndex(s, fn);

  function int32Arg(v, fn, name) {
    const x = typeof v === 'bigint' ? Number(v) : v;
    if (!Number.isInteger(x)) throw new TypeError(`[${fn}] argument '${name}' must be an integer, got ${args.describe(v)}`);
    if (x < I32_MIN || x > I32_MAX) throw new RangeError(`[${fn}] argument '${name}' = ${v} is out of range.`);
    return x;
  }

  // A Sequence[int] (the table has checked it is an Array or TypedArray).
  function shapeArg(shape, fn, def = []) {
    if (shape === undefined || isMarker(shape)) return def;
    const out = new Array(shape.length);
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i];
      const x = typeof d === 'bigint' ? Number(d) : d;
      if (!Number.isInteger(x)) {
        throw new TypeError(`[${fn}] argument 'shape' must be an Array of integers, got ${args.describe(d)} at index ${i}`);
      }
      if (x > I32_MAX || x < I32_MIN) throw new RangeError(`[${fn}] Dimension ${d} in 'shape' is out of range.`);
      out[i] = x;
    }
    return out;
  }
  const optShape = (shape, fn) => (shape === undefined || isMarker(shape) ? null : shapeArg(shape, fn));

  function dtypeArg(d, fn, def) {
    if (d === undefined || isMarker(d)) return def;
    if (!D.isDtype(d)) throw new TypeError(`[${fn}] argument 'dtype' must be a Dtype such as mx.float32, got ${args.describe(d)}`);
    return d;
  }

  // 0 <= seed < 2^64 (Python binds it to uint64_t).
  function seedArg(v, fn) {
    if (typeof v === 'number' && !Number.isInteger(v)) {
      throw new TypeError(`[${fn}] argument 'seed' must be an integer, got ${args.describe(v)}`);
    }
    const s = BigInt(v);
    if (s < 0n || s > U64_MAX) throw new RangeError(`[${fn}] seed ${v} is out of range: it must be in [0, 2**64).`);
    return s;
  }
  const keyOf = (s) => native.random_key(Number(s >> 32n), Number(s & 0xffffffffn));

  // ---- the implicit key sequence ----------------------------------------------------------------

  let state = null;
  // Created on first use, seeded with the time in milliseconds (as MLX's default key).
  function stateList() {
    if (state === null) state = [keyOf(BigInt(Date.now()))];
    return state;
  }
  function nextKey(fn) {
    const st = stateList();
    const k = st[0];
    if (!isArray(k) || k.dtype !== byKey.uint32 || k.ndim !== 1 || k.shape[0] !== 2) {
      throw new TypeError(`[${fn}] mx.random.state[0] must be a key (a uint32 array of shape [2]), got ${args.describe(k)}`);
    }
    const [next, sub] = native.random_next(k, S(null, fn));
    st[0] = next;
    return sub;
  }
  // The given key (checked by the engine) or the next one of the sequence.
  const keyArg = (key, fn) => (key === undefined ? nextKey(fn) : toArray(key, fn));

  // A loc/scale of normal(): Python's to_array(value, dtype) (a float goes through float32).
  function paramArg(v, dtype, fn) {
    if (v === undefined) return null;
    if (isArray(v)) return v;
    if (typeof v === 'number' && !Number.isSafeInteger(v)) return weakScalar(Math.fround(v), dtype, fn);
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return weakScalar(v, dtype, fn);
    return fromValue(v, undefined, fn);
  }

  // ---- mx.random --------------------------------------------------------------------------------

  const random = {};
  const def = (name, impl) => { random[name] = args.bind(`random.${name}`, impl); };

  def('seed', (seed) => {
    const s = seedArg(seed, 'random.seed');
    stateList()[0] = keyOf(s);
  });

  def('key', (seed) => keyOf(seedArg(seed, 'random.key')));

  def('split', (key, num, stream) => {
    const fn = 'random.split';
    return native.random_split(toArray(key, fn), int32Arg(num === undefined ? 2 : num, fn, 'num'), S(stream, fn));
  });

  def('uniform', (low, high, shape, dtype, key, stream) => {
    const fn = 'random.uniform';
    const k = keyArg(key, fn);
    return native.random_uniform(toArray(low === undefined ? 0 : low, fn), toArray(high === undefined ? 1 : high, fn),
      shapeArg(shape, fn), dtypeArg(dtype, fn, byKey.float32)._index, k, S(stream, fn));
  });

  def('normal', (shape, dtype, loc, scale, key, stream) => {
    const fn = 'random.normal';
    const k = keyArg(key, fn);
    const dt = dtypeArg(dtype, fn, byKey.float32);
    return native.random_normal(shapeArg(shape, fn), dt._index, paramArg(loc, dt, fn), paramArg(scale, dt, fn), k,
      S(stream, fn));
  });

  def('multivariate_normal', (mean, cov, shape, dtype, key, stream) => {
    const fn = 'random.multivariate_normal';
    const k = keyArg(key, fn);
    return native.random_multivariate_normal(toArray(mean, fn), toArray(cov, fn), shapeArg(shape, fn),
      dtypeArg(dtype, fn, byKey.float32)._index, k, S(stream, fn));
  });

  def('randint', (low, high, shape, dtype, key, stream) => {
    const fn = 'random.randint';
    const k = keyArg(key, fn);
    return native.random_randint(toArray(low, fn), toArray(high, fn), shapeArg(shape, fn),
      dtypeArg(dtype, fn, byKey.int32)._index, k, S(stream, fn));
  });

  def('bernoulli', (p, shape, key, stream) => {
    const fn = 'random.bernoulli';
    const k = keyArg(key, fn);
    return native.random_bernoulli(toArray(p === undefined ? 0.5 : p, fn), optShape(shape, fn), k, S(stream, fn));
  });

  def('truncated_normal', (lower, upper, shape, dtype, key, stream) => {
    const fn = 'random.truncated_normal';
    const k = keyArg(key, fn);
    return native.random_truncated_normal(toArray(lower, fn), toArray(upper, fn), optShape(shape, fn),
      dtypeArg(dtype, fn, byKey.float32)._index, k, S(stream, fn));
  });

  def('gumbel', (shape, dtype, key, stream) => {
    const fn = 'random.gumbel';
    const k = keyArg(key, fn);
    return native.random_gumbel(shapeArg(shape, fn), dtypeArg(dtype, fn, byKey.float32)._index, k, S(stream, fn));
  });

  def('categorical', (logits, axis, shape, numSamples, key, stream) => {
    const fn = 'random.categorical';
    const k = keyArg(key, fn);
    const sh = optShape(shape, fn);
    const ns = numSamples === undefined ? null : int32Arg(numSamples, fn, 'num_samples');
    if (sh !== null && ns !== null) throw new Error(`[${fn}] At most one of shape or num_samples can be specified.`);
    return native.random_categorical(toArray(logits, fn), int32Arg(axis === undefined ? -1 : axis, fn, 'axis'), sh, ns, k,
      S(stream, fn));
  });

  def('laplace', (shape, dtype, loc, scale, key, stream) => {
    const fn = 'random.laplace';
    const k = keyArg(key, fn);
    // Python binds loc and scale to C++ floats.
    const f = (v, d) => Math.fround(v === undefined ? d : Number(v));
    return native.random_laplace(shapeArg(shape, fn), dtypeArg(dtype, fn, byKey.float32)._index, f(loc, 0), f(scale, 1), k,
      S(stream, fn));
  });

  def('permutation', (x, axis, key, stream) => {
    const fn = 'random.permutation';
    const k = keyArg(key, fn);
    const ax = int32Arg(axis === undefined ? 0 : axis, fn, 'axis');
    if (typeof x === 'number' || typeof x === 'bigint') return native.random_permutation(int32Arg(x, fn, 'x'), ax, k, S(stream, fn));
    return native.random_permutation(toArray(x, fn), ax, k, S(stream, fn));
  });

  // Python's `mx.random.state`: the list holding the current key, made on first access.
  Object.defineProperty(random, 'state', { get: stateList, enumerable: true, configurable: true });

  mx.random = random;
}

module.exports = { NAMES, install };
