'use strict';
// mx contractions and products (the `linalg-ish` group of the signature table, quantization
// aside): tensordot, inner, outer, vecdot, kron, addmm, block_masked_mm, gather_mm,
// segmented_mm, hadamard_transform, einsum, einsum_path. The engine side is
// src/mlx/ops_contract.cpp and src/mlx/einsum.cpp; every argument is checked here.
const args = require('./args');

const intArg = args.int32Arg;
function floatArg(v, fn, name) {
  if (typeof v === 'bigint') v = Number(v);
  if (typeof v === 'boolean') v = v ? 1 : 0;
  if (typeof v !== 'number') throw new TypeError(`[${fn}] argument '${name}' must be a number, got ${args.describe(v)}`);
  return v;
}
function intList(v, fn, name) {
  if (!Array.isArray(v)) throw new TypeError(`[${fn}] argument '${name}' must be a sequence of ints, got ${args.describe(v)}`);
  return v.map((x) => intArg(x, fn, name));
}
const S = (s, fn) => require('./device').streamIndex(s, fn);

// The names this file defines (lib/implemented.js lists them for the .d.ts).
const NAMES = ['tensordot', 'inner', 'outer', 'vecdot', 'kron', 'addmm', 'block_masked_mm', 'gather_mm',
  'segmented_mm', 'hadamard_transform', 'einsum', 'einsum_path'];
const METHODS = [];

function install(mx) {
  const native = require('./native');
  const { toArray, toArrays } = require('./convert');
  const opt = (v, fn) => (v === undefined || v === null ? null : toArray(v, fn));

  mx.tensordot = args.bind('tensordot', (a, b, axes, stream) => {
    const [x, y] = toArrays(a, b, 'tensordot');
    let ax = axes === undefined ? 2 : axes;
    if (typeof ax === 'number' || typeof ax === 'bigint') ax = intArg(ax, 'tensordot', 'axes');
    else if (Array.isArray(ax)) {
      if (ax.length !== 2) throw new Error('[tensordot] axes must be a list of two lists.');
      ax = [intList(ax[0], 'tensordot', 'axes'), intList(ax[1], 'tensordot', 'axes')];
    } else throw new TypeError(`[tensordot] argument 'axes' must be an int or a list of two lists of ints, got ${args.describe(axes)}`);
    return native.tensordot(x, y, ax, S(stream, 'tensordot'));
  });
  for (const name of ['inner', 'outer', 'kron']) {
    const op = native[name];
    mx[name] = args.bind(name, (a, b, stream) => {
      const [x, y] = toArrays(a, b, name);
      return op(x, y, S(stream, name));
    });
  }
  mx.vecdot = args.bind('vecdot', (a, b, axis, stream) => {
    const [x, y] = toArrays(a, b, 'vecdot');
    return native.vecdot(x, y, intArg(axis === undefined ? -1 : axis, 'vecdot', 'axis'), S(stream, 'vecdot'));
  });
  mx.addmm = args.bind('addmm', (c, a, b, alpha, beta, stream) =>
    native.addmm(toArray(c, 'addmm'), toArray(a, 'addmm'), toArray(b, 'addmm'),
      floatArg(alpha === undefined ? 1 : alpha, 'addmm', 'alpha'), floatArg(beta === undefined ? 1 : beta, 'addmm', 'beta'),
      S(stream, 'addmm')));
  mx.block_masked_mm = args.bind('block_masked_mm', (a, b, blockSize, maskOut, maskLhs, maskRhs, stream) => {
    const fn = 'block_masked_mm';
    return native.block_masked_mm(toArray(a, fn), toArray(b, fn), intArg(blockSize === undefined ? 64 : blockSize, fn, 'block_size'),
      opt(maskOut, fn), opt(maskLhs, fn), opt(maskRhs, fn), S(stream, fn));
  });
  mx.gather_mm = args.bind('gather_mm', (a, b, lhs, rhs, sortedIndices, stream) => {
    const fn = 'gather_mm';
    if (sortedIndices !== undefined && typeof sortedIndices !== 'boolean') throw new TypeError(`[${fn}] argument 'sorted_indices' must be a boolean, got ${args.describe(sortedIndices)}`);
    return native.gather_mm(toArray(a, fn), toArray(b, fn), opt(lhs, fn), opt(rhs, fn), sortedIndices === true, S(stream, fn));
  });
  mx.segmented_mm = args.bind('segmented_mm', (a, b, segments, stream) => {
    const fn = 'segmented_mm';
    return native.segmented_mm(toArray(a, fn), toArray(b, fn), toArray(segments, fn), S(stream, fn));
  });
  mx.hadamard_transform = args.bind('hadamard_transform', (a, scale, stream) => {
    const fn = 'hadamard_transform';
    return native.hadamard_transform(toArray(a, fn), scale === undefined || scale === null ? null : floatArg(scale, fn, 'scale'), S(stream, fn));
  });
  const subs = (v, fn) => {
    if (typeof v !== 'string') throw new TypeError(`[${fn}] argument 'subscripts' must be a string, got ${args.describe(v)}`);
    return v;
  };
  mx.einsum = args.bind('einsum', (subscripts, operands, stream) =>
    native.einsum(subs(subscripts, 'einsum'), operands.map((x) => toArray(x, 'einsum')), S(stream, 'einsum')));
  // As MLX: [path, text], path a list of the operand positions contracted at each step.
  mx.einsum_path = args.bind('einsum_path', (subscripts, operands) =>
    native.einsum_path(subs(subscripts, 'einsum_path'), operands.map((x) => toArray(x, 'einsum_path'))));
}

module.exports = { install, NAMES, METHODS };
