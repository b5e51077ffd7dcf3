'use strict';
// Convolutions: conv1d, conv2d, conv3d, conv_transpose1d/2d/3d, conv_general, convolve.
// Bound through lib/args.js (which checks the int / tuple / Sequence annotations); the engine
// side is src/mlx/conv.cpp. The addon is loaded only in install(), so lib/implemented.js (read
// by tools/gen_dts.js) can list NAMES without a build.
const args = require('./args');


// The names this file defines (lib/implemented.js lists them for the .d.ts).
const NAMES = ['convolve', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d',
  'conv_transpose3d', 'conv_general'];
// mx.array methods this file defines (array_methods.tsv has none for this group).
const METHODS = [];

const intArg = args.int32Arg;  // an int the engine takes as a C++ int
// int | tuple of n ints -> n ints (Python's variant<int, tuple>).
function tupleArg(v, n, fn, name) {
  if (Array.isArray(v)) return v.map((x) => intArg(x, fn, name));
  const x = intArg(v, fn, name);
  return new Array(n).fill(x);
}
// int | Sequence[int] -> a list of ints (one int stands for every spatial dim).
function listArg(v, fn, name) {
  if (Array.isArray(v)) return v.map((x) => intArg(x, fn, name));
  return [intArg(v, fn, name)];
}
// int | Sequence[int] | [Sequence[int], Sequence[int]] -> [low, high].
function paddingArg(v, fn) {
  if (Array.isArray(v) && v.length === 2 && Array.isArray(v[0]) && Array.isArray(v[1])) {
    return [listArg(v[0], fn, 'padding'), listArg(v[1], fn, 'padding')];
  }
  const p = listArg(v, fn, 'padding');
  return [p, p];
}

function install(mx) {
  const native = require('./native');
  const { toArray } = require('./convert');
  const S = (s, fn) => require('./device').streamIndex(s, fn);

  mx.conv1d = args.bind('conv1d', (input, weight, stride, padding, dilation, groups, stream) => {
    const fn = 'conv1d';
    return native.conv1d(toArray(input, fn), toArray(weight, fn), intArg(stride, fn, 'stride'),
      intArg(padding, fn, 'padding'), intArg(dilation, fn, 'dilation'),
      intArg(groups, fn, 'groups'), S(stream, fn));
  });
  for (const n of [2, 3]) {
    const fn = `conv${n}d`;
    const op = native[fn];
    mx[fn] = args.bind(fn, (input, weight, stride, padding, dilation, groups, stream) =>
      op(toArray(input, fn), toArray(weight, fn), tupleArg(stride, n, fn, 'stride'),
        tupleArg(padding, n, fn, 'padding'), tupleArg(dilation, n, fn, 'dilation'),
        intArg(groups, fn, 'groups'), S(stream, fn)));
  }

  mx.conv_transpose1d = args.bind('conv_transpose1d',
    (input, weight, stride, padding, dilation, outputPadding, groups, stream) => {
      const fn = 'conv_transpose1d';
      return native.conv_transpose1d(toArray(input, fn), toArray(weight, fn),
        intArg(stride, fn, 'stride'), intArg(padding, fn, 'padding'),
        intArg(dilation, fn, 'dilation'), intArg(outputPadding, fn, 'output_padding'),
        intArg(groups, fn, 'groups'), S(stream, fn));
    });
  for (const n of [2, 3]) {
    const fn = `conv_transpose${n}d`;
    const op = native[fn];
    mx[fn] = args.bind(fn, (input, weight, stride, padding, dilation, outputPadding, groups, stream) =>
      op(toArray(input, fn), toArray(weight, fn), tupleArg(stride, n, fn, 'stride'),
        tupleArg(padding, n, fn, 'padding'), tupleArg(dilation, n, fn, 'dilation'),
        tupleArg(outputPadding, n, fn, 'output_padding'), intArg(groups, fn, 'groups'),
        S(stream, fn)));
  }

  mx.conv_general = args.bind('conv_general',
    (input, weight, stride, padding, kernelDilation, inputDilation, groups, flip, stream) => {
      const fn = 'conv_general';
      const [lo, hi] = paddingArg(padding, fn);
      return native.conv_general(toArray(input, fn), toArray(weight, fn),
        listArg(stride, fn, 'stride'), lo, hi, listArg(kernelDilation, fn, 'kernel_dilation'),
        listArg(inputDilation, fn, 'input_dilation'), intArg(groups, fn, 'groups'),
        flip === true, S(stream, fn));
    });

  mx.convolve = args.bind('convolve', (a, v, mode, stream) =>
    native.convolve(toArray(a, 'convolve'), toArray(v, 'convolve'), mode, S(stream, 'convolve')));
}

function installMethods(proto, mx) {}

module.exports = { NAMES, METHODS, install, installMethods };
