'use strict';
// Assertions shared by the JS API tests: values of mx arrays against expected values (hand
// worked or from the numpy oracle), with tolerances stated per dtype; error class and message.
const assert = require('node:assert/strict');

// Float tolerances per dtype: |actual - expected| <= atol + rtol * |expected|.
// Integers and bools compare exactly.
const TOL = {
  float16: { rtol: 1e-3, atol: 1e-3 },   // 10-bit mantissa: one ulp is 2^-10 relative
  bfloat16: { rtol: 8e-3, atol: 8e-3 },  // 7-bit mantissa: one ulp is 2^-7 relative
  float32: { rtol: 1e-5, atol: 1e-6 },
  float64: { rtol: 1e-12, atol: 1e-12 },
  complex64: { rtol: 1e-5, atol: 1e-6 },
};

const ALL_DTYPES = ['bool_', 'uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32',
  'int64', 'float16', 'float32', 'float64', 'bfloat16', 'complex64'];
const FLOAT_KEYS = new Set(['float16', 'float32', 'float64', 'bfloat16']);
const INT_KEYS = new Set(['uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64']);

function flat(v, out = []) {
  if (Array.isArray(v)) for (const x of v) flat(x, out);
  else out.push(v);
  return out;
}

// Round-to-nearest-even of a float32 value to bfloat16 (bit manipulation: an independent oracle).
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
function roundBf16(x) {
  F32[0] = x;
  if (Number.isNaN(F32[0])) return NaN;
  const b = U32[0];
  const lsb = (b >>> 16) & 1;
  U32[0] = ((b + 0x7fff + lsb) >>> 0) & 0xffff0000;
  return F32[0];
}

function floatClose(a, e, tol) {
  if (typeof a !== 'number' || typeof e !== 'number') return false;
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (!Number.isFinite(e)) return a === e;
  if (!Number.isFinite(a)) return false;
  return Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
}

// One element of dtype `key`: actual (from tolist) against expected.
function elemEqual(a, e, key, tol) {
  if (key === 'bool_') return a === Boolean(e);
  if (key === 'int64' || key === 'uint64') {
    return typeof a === 'bigint' && a === BigInt(e);
  }
  if (INT_KEYS.has(key)) return typeof a === 'number' && a === Number(e);
  if (key === 'complex64') {
    const er = typeof e === 'object' ? e : { re: Number(e), im: 0 };
    return a !== null && typeof a === 'object' && floatClose(a.re, Number(er.re), tol) &&
      floatClose(a.im, Number(er.im), tol);
  }
  return floatClose(a, typeof e === 'bigint' ? Number(e) : Number(e), tol);
}

function fmt(x) {
  if (typeof x === 'bigint') return `${x}n`;
  if (x && typeof x === 'object' && 're' in x) return `${x.re}+${x.im}j`;
  return String(x);
}

// Asserts `a` is an mx array with dtype `dtype` (an mx Dtype), shape `shape`, and elements
// `values` (nested or flat JS values; a scalar for 0-d arrays).
function assertArray(a, { dtype, shape, values, tol, msg = '' }) {
  const where = msg ? ` (${msg})` : '';
  if (dtype !== undefined) assert.equal(a.dtype, dtype, `dtype ${a.dtype} !== ${dtype}${where}`);
  if (shape !== undefined) assert.deepEqual(a.shape, shape, `shape${where}`);
  if (values === undefined) return;
  const key = a.dtype._key;
  const t = tol || TOL[key];
  const got = a.ndim === 0 ? [a.item()] : flat(a.tolist());
  const exp = Array.isArray(values) ? flat(values) : [values];
  assert.equal(got.length, exp.length, `element count${where}`);
  for (let i = 0; i < got.length; i++) {
    if (!elemEqual(got[i], exp[i], key, t)) {
      assert.fail(`element ${i}: got ${fmt(got[i])}, expected ${fmt(exp[i])} (dtype ${key})${where}`);
    }
  }
}

// Asserts `a` matches a numpy handle (helpers/numpy.js): shape, the given mx dtype, and values
// after casting numpy's to that dtype (bfloat16: numpy computed in float32; round to bf16).
function assertNumpy(a, handle, { dtype, tol, msg = '' } = {}) {
  const where = msg ? ` (${msg})` : '';
  assert.equal(handle.error, undefined, `numpy failed on ${handle.expr}: ${handle.error}${where}`);
  const v = handle.value;
  let exp = v.flat;
  if (a.dtype && a.dtype._key === 'bfloat16') exp = exp.map((x) => roundBf16(Number(x)));
  assertArray(a, { dtype, shape: v.shape, values: exp, tol, msg: msg || handle.expr });
}

// Asserts fn throws an instance of exactly `Cls` whose message matches `re`.
function throwsWith(fn, Cls, re, msg = '') {
  let caught = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  const where = msg ? ` (${msg})` : '';
  assert.ok(caught !== null, `expected a ${Cls.name} matching ${re}, nothing was thrown${where}`);
  assert.ok(caught instanceof Error, `expected an Error, got ${caught}${where}`);
  assert.equal(caught.constructor, Cls,
    `expected ${Cls.name}, got ${caught.constructor.name}: ${caught.message}${where}`);
  assert.match(caught.message, re, where);
  return caught;
}

// A deterministic generator of floats in [0, 1) (mulberry32), for reproducible test inputs.
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = {
  TOL, ALL_DTYPES, FLOAT_KEYS, INT_KEYS, flat, roundBf16, assertArray, assertNumpy, throwsWith, rng,
};
