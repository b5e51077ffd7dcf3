'use strict';
// mx.linalg, bound through lib/args.js ('linalg.<name>' entries). Engine: src/mlx/linalg.cpp
// (LAPACK kernels in src/mlx/backend/cpu/linalg.cpp). Functions with several results return
// JS Arrays in Python's tuple order: `const [Q, R] = mx.linalg.qr(a)`.
const args = require('./args');

// The names this file defines, qualified ('linalg.norm'); lib/implemented.js lists them.
// mx.matrix_norm is Python's top-level alias of linalg.norm (the same function object).
const NAMES = ['linalg.norm', 'linalg.qr', 'linalg.svd', 'linalg.inv', 'linalg.tri_inv',
  'linalg.cholesky', 'linalg.cholesky_inv', 'linalg.pinv', 'linalg.cross', 'linalg.eigvals',
  'linalg.eig', 'linalg.eigvalsh', 'linalg.eigh', 'linalg.lu', 'linalg.lu_factor', 'linalg.solve',
  'linalg.solve_triangular', 'linalg.det', 'linalg.slogdet', 'matrix_norm'];

const I32_MIN = -2147483648, I32_MAX = 2147483647;

// An axis or other int argument the engine takes as a C++ int (the table has checked it is an
// integer number or bigint).
function intArg(v, fn, name) {
  const x = typeof v === 'bigint' ? Number(v) : v;
  if (x < I32_MIN || x > I32_MAX) throw new RangeError(`[${fn}] Axis ${v} in '${name}' is out of bounds.`);
  return x;
}

function install(mx) {
  const native = require('./native');
  const { toArray } = require('./convert');
  const dev = require('./device');
  const S = (s, fn) => dev.streamIndex(s, fn);

  const linalg = {};
  const def = (name, impl) => { linalg[name] = args.bind(`linalg.${name}`, impl); };

  // ord: null/undefined (2-norm, Frobenius), a number (int or float, as Python's int or float
  // ord) or a string ('fro', 'f', 'nuc'); axis: null, an int or a list of ints.
  def('norm', (a, ord, axis, keepdims, stream) => {
    const fn = 'linalg.norm';
    let o = ord === undefined ? null : ord;
    if (typeof o === 'bigint') o = Number(o);
    let axes = null;
    if (axis !== undefined) axes = (Array.isArray(axis) ? axis : [axis]).map((x) => intArg(x, fn, 'axis'));
    return native.linalg_norm(toArray(a, fn), o, axes, keepdims === true, S(stream, fn));
  });

  for (const name of ['inv', 'pinv', 'eigvals', 'det']) {
    const op = native[`linalg_${name}`];
    const fn = `linalg.${name}`;
    def(name, (a, stream) => op(toArray(a, fn), S(stream, fn)));
  }
  for (const name of ['qr', 'eig', 'lu', 'lu_factor', 'slogdet']) {
    const op = native[`linalg_${name}`];
    const fn = `linalg.${name}`;
    def(name, (a, stream) => op(toArray(a, fn), S(stream, fn)));
  }
  for (const name of ['tri_inv', 'cholesky', 'cholesky_inv']) {
    const op = native[`linalg_${name}`];
    const fn = `linalg.${name}`;
    def(name, (a, upper, stream) => op(toArray(a, fn), upper === true, S(stream, fn)));
  }

  // compute_uv: [U, S, Vt]; without: S alone (as Python).
  def('svd', (a, computeUv, stream) =>
    native.linalg_svd(toArray(a, 'linalg.svd'), computeUv !== false, S(stream, 'linalg.svd')));

  def('cross', (a, b, axis, stream) => {
    const fn = 'linalg.cross';
    const x = toArray(a, fn), y = toArray(b, fn);
    return native.linalg_cross(x, y, intArg(axis === undefined ? -1 : axis, fn, 'axis'), S(stream, fn));
  });

  for (const name of ['eigvalsh', 'eigh']) {
    const op = native[`linalg_${name}`];
    const fn = `linalg.${name}`;
    def(name, (a, uplo, stream) => op(toArray(a, fn), uplo === undefined ? 'L' : uplo, S(stream, fn)));
  }

  def('solve', (a, b, stream) => {
    const fn = 'linalg.solve';
    const x = toArray(a, fn), y = toArray(b, fn);
    return native.linalg_solve(x, y, S(stream, fn));
  });
  def('solve_triangular', (a, b, upper, stream) => {
    const fn = 'linalg.solve_triangular';
    const x = toArray(a, fn), y = toArray(b, fn);
    return native.linalg_solve_triangular(x, y, upper === true, S(stream, fn));
  });

  mx.linalg = linalg;
  mx.matrix_norm = linalg.norm;
}

module.exports = { NAMES, install };
