'use strict';
// mx.fft, bound through lib/args.js ('fft.<name>' entries). Engine: src/mlx/fft.cpp.
// Lengths (n, s) and axes must fit the engine's int32; norm is 'backward', 'ortho' or
// 'forward'. Python's None (null here) keeps the defaults; fft2 / ifft2 / rfft2 / irfft2 with
// axes null transform every axis, as in Python.
const args = require('./args');

// The names this file defines, qualified ('fft.<name>'); lib/implemented.js lists them.
const NAMES = ['fft.fft', 'fft.ifft', 'fft.fft2', 'fft.ifft2', 'fft.fftn', 'fft.ifftn', 'fft.rfft',
  'fft.irfft', 'fft.rfft2', 'fft.irfft2', 'fft.rfftn', 'fft.irfftn', 'fft.fftfreq', 'fft.rfftfreq',
  'fft.fftshift', 'fft.ifftshift'];

const NORMS = { backward: 0, ortho: 1, forward: 2 };

const { int32Arg } = args;
// A Sequence[int] (the table has checked it is an Array of integers), or null when not given.
function intsArg(v, fn, name) {
  if (v === undefined || v === null) return null;
  const list = typeof v === 'number' || typeof v === 'bigint' ? [v] : v;
  if (!Array.isArray(list)) throw new TypeError(`[${fn}] argument '${name}' must be a sequence of integers, got ${args.describe(v)}`);
  return list.map((x) => int32Arg(x, fn, name));
}
function normArg(v, fn) {
  if (v === undefined) return 0;
  if (typeof v !== 'string') throw new TypeError(`[${fn}] argument 'norm' must be a string, got ${args.describe(v)}`);
  if (!Object.prototype.hasOwnProperty.call(NORMS, v)) {
    throw new Error(`[${fn}] Invalid norm '${v}': expected 'backward', 'ortho' or 'forward'.`);
  }
  return NORMS[v];
}

function install(mx) {
  const native = require('./native');
  const { toArray } = require('./convert');
  const S = (s, fn) => require('./device').streamIndex(s, fn);
  const fft = {};

  // One dimensional: (a, n, axis, norm, stream).
  for (const [name, real, inverse] of [['fft', false, false], ['ifft', false, true], ['rfft', true, false],
    ['irfft', true, true]]) {
    const fn = `fft.${name}`;
    fft[name] = args.bind(fn, (a, n, axis, norm, stream) => {
      const x = toArray(a, fn);
      const len = n === undefined ? null : [int32Arg(n, fn, 'n')];
      const ax = int32Arg(axis === undefined ? -1 : axis, fn, 'axis');
      return native.fft_transform(fn, x, len, [ax], real, inverse, normArg(norm, fn), S(stream, fn));
    });
  }
  // Two and n dimensional: (a, s, axes, norm, stream); axes default [-2, -1] for the 2-d ones.
  for (const [name, real, inverse, two] of [['fft2', false, false, true], ['ifft2', false, true, true],
    ['rfft2', true, false, true], ['irfft2', true, true, true], ['fftn', false, false, false],
    ['ifftn', false, true, false], ['rfftn', true, false, false], ['irfftn', true, true, false]]) {
    const fn = `fft.${name}`;
    fft[name] = args.bind(fn, (a, s, axes, norm, stream) => {
      const x = toArray(a, fn);
      return native.fft_transform(fn, x, intsArg(s, fn, 's'), intsArg(axes, fn, 'axes'), real, inverse,
        normArg(norm, fn), S(stream, fn));
    }, two ? { defaults: { axes: [-2, -1] } } : undefined);
  }
  for (const [name, real] of [['fftfreq', false], ['rfftfreq', true]]) {
    const fn = `fft.${name}`;
    fft[name] = args.bind(fn, (n, d, stream) => {
      const dd = d === undefined ? 1 : Number(d);
      return native.fft_freq(fn, int32Arg(n, fn, 'n'), dd, real, S(stream, fn));
    });
  }
  for (const [name, inverse] of [['fftshift', false], ['ifftshift', true]]) {
    const fn = `fft.${name}`;
    fft[name] = args.bind(fn, (a, axes, stream) =>
      native.fft_shift(fn, toArray(a, fn), intsArg(axes, fn, 'axes'), inverse, S(stream, fn)));
  }
  mx.fft = fft;
}

module.exports = { NAMES, install };
