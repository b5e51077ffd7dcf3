'use strict';
// mx.fast, bound through lib/args.js ('fast.<name>' entries). Engine: src/mlx/fast.cpp (one
// fused CPU kernel per op in src/mlx/backend/cpu/fast.cpp).
//
//   mx.fast.rms_norm(x, w, 1e-5)
//   mx.fast.layer_norm(x, w, b, 1e-5)                 // w, b may be null
//   mx.fast.rope(x, 64, {traditional: false, base: 10000, scale: 1, offset: 0})
//   mx.fast.scaled_dot_product_attention(q, k, v, {scale: 0.125, mask: 'causal'})
//
// metal_kernel, cuda_kernel and precompiled_cuda_kernel check their arguments and then throw:
// mlxjs has neither a Metal nor a CUDA back-end yet (as MLX builds without them do).
const args = require('./args');

// The names this file defines, qualified ('fast.rms_norm'); lib/implemented.js lists them.
const NAMES = ['fast.rms_norm', 'fast.layer_norm', 'fast.rope', 'fast.scaled_dot_product_attention',
  'fast.metal_kernel', 'fast.cuda_kernel', 'fast.precompiled_cuda_kernel'];

const I32_MIN = -2147483648, I32_MAX = 2147483647;

function install(mx) {
  const native = require('./native');
  const { toArray } = require('./convert');
  const dev = require('./device');
  const S = (s, fn) => dev.streamIndex(s, fn);
  // An `array | None` argument: null/undefined stay null.
  const optArray = (v, fn) => (v === undefined || v === null ? null : toArray(v, fn));

  const fast = {};
  const def = (name, impl) => { fast[name] = args.bind(`fast.${name}`, impl); };

  def('rms_norm', (x, weight, eps, stream) => {
    const fn = 'fast.rms_norm';
    return native.fast_rms_norm(toArray(x, fn), optArray(weight, fn), Number(eps), S(stream, fn));
  });

  def('layer_norm', (x, weight, bias, eps, stream) => {
    const fn = 'fast.layer_norm';
    return native.fast_layer_norm(toArray(x, fn), optArray(weight, fn), optArray(bias, fn),
      Number(eps), S(stream, fn));
  });

  // base: a number or null (then freqs gives the frequencies); offset: an int or an integer array.
  def('rope', (a, dims, traditional, base, scale, offset, freqs, stream) => {
    const fn = 'fast.rope';
    const d = typeof dims === 'bigint' ? Number(dims) : dims;
    if (d < I32_MIN || d > I32_MAX) throw new RangeError(`[${fn}] argument 'dims' = ${dims} is out of range.`);
    const x = toArray(a, fn);
    const off = toArray(offset, fn);
    return native.fast_rope(x, d, traditional, base === undefined ? null : Number(base), Number(scale),
      off, optArray(freqs, fn), S(stream, fn));
  });

  // mask: null, 'causal', or a boolean / additive array; force_fused is accepted and has no
  // effect here: the CPU path is always the fused kernel.
  def('scaled_dot_product_attention', (q, k, v, scale, mask, sinks, forceFused, stream) => {
    const fn = 'fast.scaled_dot_product_attention';
    const Q = toArray(q, fn), K = toArray(k, fn), V = toArray(v, fn);
    let m = null;
    if (typeof mask === 'string') {
      if (mask !== 'causal') throw new Error(`[${fn}] invalid mask option '${mask}'. Must be 'causal', or an array.`);
      m = mask;
    } else if (mask !== undefined && mask !== null) {
      m = toArray(mask, fn);
    }
    return native.fast_scaled_dot_product_attention(Q, K, V, Number(scale), m, optArray(sinks, fn),
      S(stream, fn));
  });

  // Custom kernels need a GPU back-end; the arguments are still checked first, as in Python.
  const unavailable = (name, backend) => def(name, () => {
    throw new Error(`[fast.${name}] Custom ${backend} kernels are not available on this backend ` +
      `(mlxjs has no ${backend} back-end).`);
  });
  unavailable('metal_kernel', 'Metal');
  unavailable('cuda_kernel', 'CUDA');
  unavailable('precompiled_cuda_kernel', 'CUDA');

  mx.fast = fast;
}

module.exports = { NAMES, install };
