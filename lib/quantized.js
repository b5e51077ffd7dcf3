'use strict';
// Quantization: quantize, dequantize, quantized_matmul, gather_qmm, qqmm, gather_qqmm, bound through
// lib/args.js. Engine: src/mlx/quantized.cpp (CPU kernels in src/mlx/backend/cpu/quantized.cpp).
// quantize returns a JS Array in Python's tuple order: `const [wq, scales, biases] =
// mx.quantize(w)` ('affine'), `[wq, scales]` for 'mxfp4', 'mxfp8' and 'nvfp4'. global_scale
// (nvfp4's float32 tensor scale) is an array or null.
const args = require('./args');

const NAMES = ['quantize', 'dequantize', 'quantized_matmul', 'gather_qmm', 'qqmm', 'gather_qqmm'];

const I32_MIN = -2147483648, I32_MAX = 2147483647;

// group_size / bits: null/undefined (the mode's default) or an int the engine takes as a C++ int.
function optInt(v, fn, name) {
  if (v === undefined || v === null) return null;
  const x = typeof v === 'bigint' ? Number(v) : v;
  if (x < I32_MIN || x > I32_MAX) throw new RangeError(`[${fn}] ${name}=${v} is out of range.`);
  return x;
}

function install(mx) {
  const native = require('./native');
  const { toArray } = require('./convert');
  const dev = require('./device');
  const D = require('./dtype');
  const S = (s, fn) => dev.streamIndex(s, fn);
  const opt = (a, fn) => (a === undefined || a === null ? null : toArray(a, fn));

  mx.quantize = args.bind('quantize', (w, groupSize, bits, mode, globalScale, stream) => {
    const fn = 'quantize';
    return native.quantize(toArray(w, fn), optInt(groupSize, fn, 'group_size'), optInt(bits, fn, 'bits'),
      mode === undefined ? 'affine' : mode, opt(globalScale, fn), S(stream, fn));
  });

  mx.dequantize = args.bind('dequantize', (w, scales, biases, groupSize, bits, mode, globalScale, dtype, stream) => {
    const fn = 'dequantize';
    if (dtype !== undefined && dtype !== null && !D.isDtype(dtype))
      throw new TypeError(`[${fn}] argument 'dtype' must be a Dtype such as mx.float32, got ${args.describe(dtype)}`);
    return native.dequantize(toArray(w, fn), toArray(scales, fn), opt(biases, fn),
      optInt(groupSize, fn, 'group_size'), optInt(bits, fn, 'bits'), mode === undefined ? 'affine' : mode,
      opt(globalScale, fn), dtype === undefined || dtype === null ? null : dtype._index, S(stream, fn));
  });

  mx.quantized_matmul = args.bind('quantized_matmul', (x, w, scales, biases, transpose, groupSize, bits, mode, stream) => {
    const fn = 'quantized_matmul';
    return native.quantized_matmul(toArray(x, fn), toArray(w, fn), toArray(scales, fn), opt(biases, fn),
      transpose !== false, optInt(groupSize, fn, 'group_size'), optInt(bits, fn, 'bits'),
      mode === undefined ? 'affine' : mode, S(stream, fn));
  });

  mx.gather_qmm = args.bind('gather_qmm', (x, w, scales, biases, lhs, rhs, transpose, groupSize, bits, mode, sorted, stream) => {
    const fn = 'gather_qmm';
    return native.gather_qmm(toArray(x, fn), toArray(w, fn), toArray(scales, fn), opt(biases, fn),
      opt(lhs, fn), opt(rhs, fn), transpose !== false, optInt(groupSize, fn, 'group_size'),
      optInt(bits, fn, 'bits'), mode === undefined ? 'affine' : mode, sorted === true, S(stream, fn));
  });

  mx.qqmm = args.bind('qqmm', (x, w, scales, groupSize, bits, mode, gx, gw, stream) => {
    const fn = 'qqmm';
    return native.qqmm(toArray(x, fn), toArray(w, fn), opt(scales, fn), optInt(groupSize, fn, 'group_size'),
      optInt(bits, fn, 'bits'), mode === undefined ? 'nvfp4' : mode, opt(gx, fn), opt(gw, fn), S(stream, fn));
  });

  mx.gather_qqmm = args.bind('gather_qqmm', (x, w, scales, lhs, rhs, groupSize, bits, mode, gx, gw, sorted, stream) => {
    const fn = 'gather_qqmm';
    return native.gather_qqmm(toArray(x, fn), toArray(w, fn), opt(scales, fn), opt(lhs, fn), opt(rhs, fn),
      optInt(groupSize, fn, 'group_size'), optInt(bits, fn, 'bits'), mode === undefined ? 'nvfp4' : mode,
      opt(gx, fn), opt(gw, fn), sorted === true, S(stream, fn));
  });
}

module.exports = { NAMES, install };
