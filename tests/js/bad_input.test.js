'use strict';
// Bad input to every foundation function: wrong types, out-of-range values, ragged lists,
// negative / NaN / huge sizes, wrong dtypes. Each must throw a TypeError, RangeError or Error
// (checked exactly) whose message starts with the function's name in brackets, and the process
// must keep working.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { assertArray, throwsWith } = require('./helpers/check');

const a = () => mx.arange(12).reshape(3, 4);
const f = () => mx.ones([2, 2]);
const RAGGED = [[1, 2], [3]];
const DEEP_RAGGED = [[[1, 2]], [[1]]];
const ARRAY_LIKE = /must be array-like/;
const SHAPE_TYPE = /argument 'shape' must be (an integer or )?an Array of integers/;
const DTYPE_TYPE = /argument 'dtype' must be a Dtype such as mx\.float32/;
const NON_UNIFORM = /Initialization encountered non-uniform length\./;

// name -> [[label, thunk, ErrorClass, message regex (after the '[name] ' prefix)], ...]
const CASES = {
  array: [
    ['string', () => mx.array('abc'), TypeError, /Invalid type String received in array initialization/],
    ['symbol', () => mx.array(Symbol('s')), TypeError, /Invalid type Symbol/],
    ['function', () => mx.array(() => 1), TypeError, /Invalid type Function/],
    ['Map', () => mx.array(new Map()), TypeError, /Invalid type Map/],
    ['null', () => mx.array(null), TypeError, /./],
    ['no value', () => mx.array(), TypeError, /missing required argument 'val'/],
    ['ragged', () => mx.array(RAGGED), Error, NON_UNIFORM],
    ['deep ragged', () => mx.array(DEEP_RAGGED), Error, NON_UNIFORM],
    ['extra dimension', () => mx.array([1, [2]]), Error, /Initialization encountered extra dimension\./],
    ['sparse hole', () => mx.array([1, , 3]), TypeError, /Invalid type undefined received/], // eslint-disable-line no-sparse-arrays
    ['string leaf', () => mx.array([1, '2']), TypeError, /Invalid type string received/],
    ['object leaf', () => mx.array([[{}]]), TypeError, /Invalid type object received/],
    ['bigint beyond uint64', () => mx.array([[1n], [2n ** 70n]]), RangeError, /out of the 64-bit integer range/],
    ['bigint beyond int64', () => mx.array(2n ** 63n), RangeError, /out of the int64 range/],
    ['bigint beyond uint64 (dtype uint64)', () => mx.array(2n ** 64n, mx.uint64), RangeError, /out of the uint64 range/],
    ['DataView', () => mx.array(new DataView(new ArrayBuffer(4))), TypeError, /DataView is not supported/],
    ['dtype string', () => mx.array([1], 'float32'), TypeError, DTYPE_TYPE],
    ['dtype number', () => mx.array([1], 5), TypeError, DTYPE_TYPE],
    ['dtype category', () => mx.array([1], mx.floating), TypeError, DTYPE_TYPE],
    ['dtype by name, string', () => mx.array([1], { dtype: 'int8' }), TypeError, DTYPE_TYPE],
    ['too many arguments', () => mx.array([1], mx.int8, 5), TypeError, /takes at most 2 positional arguments \(3 given\)/],
    ['unknown keyword', () => mx.array([1], { dtpye: mx.int8 }), TypeError, /unknown keyword argument 'dtpye'/],
  ],
  asarray: [
    ['string', () => mx.asarray('x'), TypeError, /Invalid type String/],
    ['ragged', () => mx.asarray([[1], []]), Error, NON_UNIFORM],
    ['dtype string', () => mx.asarray([1], 'int8'), TypeError, DTYPE_TYPE],
    ['too many arguments', () => mx.asarray([1], null, true), TypeError, /takes at most 2 positional arguments/],
  ],
  zeros: [
    ['negative size', () => mx.zeros([2, -3]), Error, /Negative dimensions not allowed, got shape \(2,-3\)\./],
    ['negative int size', () => mx.zeros(-1), Error, /Negative dimensions not allowed/],
    ['NaN size', () => mx.zeros([NaN]), TypeError, SHAPE_TYPE],
    ['NaN int size', () => mx.zeros(NaN), TypeError, SHAPE_TYPE],
    ['Infinity size', () => mx.zeros([Infinity]), TypeError, SHAPE_TYPE],
    ['fractional size', () => mx.zeros([1.5]), TypeError, SHAPE_TYPE],
    ['size 2**31', () => mx.zeros([2 ** 31]), RangeError, /Dimension 2147483648 in 'shape' is out of range\./],
    ['bigint size 2**40', () => mx.zeros([2n ** 40n]), RangeError, /Dimension 1099511627776 in 'shape' is out of range\./],
    ['huge total size', () => mx.zeros([1e6, 1e6, 1e6]), Error, /Shape \(1000000,1000000,1000000\) is too large\./],
    ['string shape', () => mx.zeros('3'), TypeError, SHAPE_TYPE],
    ['string dim', () => mx.zeros(['2']), TypeError, SHAPE_TYPE],
    ['TypedArray shape', () => mx.zeros(new Int32Array([2, 2])), TypeError, SHAPE_TYPE],
    ['boolean shape', () => mx.zeros(true), TypeError, SHAPE_TYPE],
    ['missing shape', () => mx.zeros(), TypeError, /missing required argument 'shape'/],
    ['dtype string', () => mx.zeros([2], 'float32'), TypeError, DTYPE_TYPE],
    ['dtype class', () => mx.zeros([2], mx.Dtype), TypeError, DTYPE_TYPE],
    ['dtype category', () => mx.zeros([2], mx.floating), TypeError, DTYPE_TYPE],
  ],
  ones: [
    ['negative size', () => mx.ones(-1), Error, /Negative dimensions not allowed/],
    ['NaN size', () => mx.ones([2, NaN]), TypeError, SHAPE_TYPE],
    ['size 2**31', () => mx.ones([1, 2 ** 31]), RangeError, /Dimension 2147483648 in 'shape' is out of range\./],
    ['huge total size', () => mx.ones([2 ** 31 - 1, 2 ** 31 - 1, 4]), Error, /Shape \(.*\) is too large\./],
    ['dtype number', () => mx.ones([2], 1), TypeError, DTYPE_TYPE],
  ],
  full: [
    ['negative size', () => mx.full([-1], 0), Error, /Negative dimensions not allowed/],
    ['NaN size', () => mx.full([NaN], 0), TypeError, SHAPE_TYPE],
    ['size 2**31', () => mx.full([2 ** 31], 0), RangeError, /Dimension 2147483648 in 'shape' is out of range\./],
    ['huge total size', () => mx.full([1e6, 1e6, 1e6], 1), Error, /is too large\./],
    ['string vals', () => mx.full([2], 'x'), TypeError, ARRAY_LIKE],
    ['ragged vals', () => mx.full([2], RAGGED), Error, NON_UNIFORM],
    ['vals that do not broadcast', () => mx.full([2], [1, 2, 3]), Error, /Cannot broadcast vals of shape \(3\) to shape \(2\)\./],
    ['vals out of dtype range', () => mx.full([2], -1, mx.uint8), RangeError, /Converting -1 to uint8 would result in overflow\./],
    ['dtype string', () => mx.full([2], 1, 'int8'), TypeError, DTYPE_TYPE],
    ['missing vals', () => mx.full([2]), TypeError, /missing required argument 'vals'/],
  ],
  zeros_like: [
    ['null', () => mx.zeros_like(null), TypeError, ARRAY_LIKE],
    ['string', () => mx.zeros_like('a'), TypeError, ARRAY_LIKE],
    ['ragged', () => mx.zeros_like(RAGGED), Error, NON_UNIFORM],
    ['dtype string', () => mx.zeros_like(a(), 'int32'), TypeError, DTYPE_TYPE],
  ],
  ones_like: [
    ['undefined', () => mx.ones_like(), TypeError, /missing required argument 'a'/],
    ['ragged', () => mx.ones_like(DEEP_RAGGED), Error, NON_UNIFORM],
    ['dtype number', () => mx.ones_like(a(), 5), TypeError, DTYPE_TYPE],
  ],
  arange: [
    ['NaN', () => mx.arange(NaN), Error, /Cannot compute length\./],
    ['NaN step', () => mx.arange(0, 5, NaN), Error, /Cannot compute length\./],
    ['Infinity', () => mx.arange(0, Infinity), Error, /Cannot compute length\./],
    ['step 0', () => mx.arange(0, 5, 0), Error, /Cannot compute length with step 0\./],
    ['huge size', () => mx.arange(1e10), Error, /Maximum size exceeded/],
    ['huge size, negative step', () => mx.arange(0, -1e10, -1), Error, /Maximum size exceeded/],
    ['bigint beyond int64', () => mx.arange(2n ** 70n), RangeError, /out of the int64 range/],
    ['string start', () => mx.arange('5'), TypeError, /argument 'start' must be a number/],
    ['string stop', () => mx.arange(0, '5'), TypeError, /argument 'stop' must be a number/],
    ['string step', () => mx.arange(0, 5, '1'), TypeError, /argument 'step' must be a number/],
    ['array start', () => mx.arange([5]), TypeError, /argument 'start' must be a number/],
    ['boolean', () => mx.arange(true), TypeError, /./],
    ['bool dtype', () => mx.arange(5, { dtype: mx.bool_ }), TypeError, /bool not supported for arange\./],
    ['complex dtype', () => mx.arange(5, { dtype: mx.complex64 }), Error, /complex64 not supported for arange\./],
    ['dtype string', () => mx.arange(5, { dtype: 'int32' }), TypeError, DTYPE_TYPE],
    ['no arguments', () => mx.arange(), TypeError, /missing required argument/],
  ],
  astype: [
    ['dtype string', () => mx.astype(a(), 'float32'), TypeError, DTYPE_TYPE],
    ['dtype null', () => mx.astype(a(), null), TypeError, DTYPE_TYPE],
    ['dtype missing', () => mx.astype(a()), TypeError, /missing required argument 'dtype'/],
    ['dtype category', () => mx.astype(a(), mx.integer), TypeError, DTYPE_TYPE],
    ['string array', () => mx.astype('x', mx.int8), TypeError, ARRAY_LIKE],
    ['ragged', () => mx.astype(RAGGED, mx.int8), Error, NON_UNIFORM],
  ],
  copy: [
    ['missing', () => mx.copy(), TypeError, /missing required argument 'a'/],
    ['string', () => mx.copy('x'), TypeError, ARRAY_LIKE],
    ['ragged', () => mx.copy(RAGGED), Error, NON_UNIFORM],
  ],
  reshape: [
    ['negative size', () => mx.reshape(a(), [-3, 4]), Error, /Invalid dimension -3 in shape \(-3,4\)\./],
    ['NaN size', () => mx.reshape(a(), [NaN, 4]), TypeError, SHAPE_TYPE],
    ['size 2**31', () => mx.reshape(a(), [2 ** 31]), RangeError, /Dimension 2147483648 in 'shape' is out of range\./],
    ['huge total size', () => mx.reshape(a(), [1e6, 1e6, 1e6]), Error, /Shape \(1000000,1000000,1000000\) is too large\./],
    ['wrong size', () => mx.reshape(a(), [5, 2]), Error, /Cannot reshape array of size 12 into shape \(5,2\)\./],
    ['two -1', () => mx.reshape(a(), [-1, -1]), Error, /Reshape can only infer one dimension\./],
    ['string dims', () => mx.reshape(a(), ['3', '4']), TypeError, SHAPE_TYPE],
    ['dtype as shape', () => mx.reshape(a(), mx.int32), TypeError, SHAPE_TYPE],
    ['ragged array', () => mx.reshape(RAGGED, [3]), Error, NON_UNIFORM],
    ['string array', () => mx.reshape('x', [1]), TypeError, ARRAY_LIKE],
  ],
  flatten: [
    // MLX clamps the axes to the dims; a start past the last dim then comes after the end.
    ['start past the last dim', () => mx.flatten(a(), 2), Error, /^\[flatten\] start_axis must be less than or equal to end_axis\./],
    ['axis 2**31', () => mx.flatten(a(), 2 ** 31), RangeError, /Axis 2147483648 in 'start_axis' is out of bounds\./],
    ['axis 1e20', () => mx.flatten(a(), 0, 1e20), RangeError, /Axis 100000000000000000000 in 'end_axis' is out of bounds\./],
    ['NaN axis', () => mx.flatten(a(), NaN), TypeError, /argument 'start_axis' must be an integer/],
    ['string axis', () => mx.flatten(a(), 'a'), TypeError, /argument 'start_axis' must be an integer/],
    ['fractional axis', () => mx.flatten(a(), 0, 0.5), TypeError, /argument 'end_axis' must be an integer/],
    ['start after end', () => mx.flatten(a(), 1, 0), Error, /start_axis must be less than or equal to end_axis\./],
    ['ragged', () => mx.flatten(RAGGED), Error, NON_UNIFORM],
  ],
  squeeze: [
    ['axis not of size 1', () => mx.squeeze(a(), 0), Error, /Cannot squeeze axis with size != 1\./],
    ['axis out of range', () => mx.squeeze(a(), 2), RangeError, /Axis 2 is out of bounds/],
    ['axis 2**40', () => mx.squeeze(a(), 2 ** 40), RangeError, /Axis 1099511627776 in 'axis' is out of bounds\./],
    ['NaN axis', () => mx.squeeze(a(), NaN), TypeError, /argument 'axis' must be an integer/],
    ['string axis', () => mx.squeeze(a(), 'x'), TypeError, /argument 'axis' must be an integer/],
    ['duplicate axes', () => mx.squeeze(mx.zeros([1, 1]), [0, -2]), Error, /Received duplicate axes\./],
    ['ragged', () => mx.squeeze(RAGGED), Error, NON_UNIFORM],
  ],
  expand_dims: [
    ['axis out of range', () => mx.expand_dims(a(), 3), RangeError, /Axis 3 is out of bounds for array with 3 dimensions\./],
    ['axis 2**31', () => mx.expand_dims(a(), 2 ** 31), RangeError, /Axis 2147483648 in 'axis' is out of bounds\./],
    ['missing axis', () => mx.expand_dims(a()), TypeError, /missing required argument 'axis'/],
    ['NaN axis', () => mx.expand_dims(a(), NaN), TypeError, /argument 'axis' must be an integer/],
    ['string axes', () => mx.expand_dims(a(), ['0']), TypeError, /argument 'axis' must be an integer/],
    ['duplicate axes', () => mx.expand_dims(a(), [0, 0]), Error, /Received duplicate axes\./],
  ],
  transpose: [
    ['too few axes', () => mx.transpose(a(), [0]), Error, /Received 1 axes for array with 2 dimensions\./],
    ['repeated axes', () => mx.transpose(a(), [1, -1]), Error, /Repeat axes not allowed in transpose\./],
    ['axis out of range', () => mx.transpose(a(), [0, 2]), RangeError, /Axis 2 is out of bounds/],
    ['axis 2**32', () => mx.transpose(a(), [2 ** 32, 0]), RangeError, /Axis 4294967296 in 'axes' is out of bounds\./],
    ['NaN axis', () => mx.transpose(a(), [NaN, 0]), TypeError, /argument 'axes' must be an Array of integers/],
    ['string axes', () => mx.transpose(a(), 'x'), TypeError, /argument 'axes' must be an Array of integers/],
    ['ragged', () => mx.transpose(RAGGED), Error, NON_UNIFORM],
  ],
  moveaxis: [
    ['source out of range', () => mx.moveaxis(a(), 2, 0), RangeError, /Axis 2 is out of bounds/],
    ['destination 2**40', () => mx.moveaxis(a(), 0, 2 ** 40), RangeError, /Axis 1099511627776 in 'destination' is out of bounds\./],
    ['NaN source', () => mx.moveaxis(a(), NaN, 0), TypeError, /argument 'source' must be an integer/],
    ['string destination', () => mx.moveaxis(a(), 0, 'x'), TypeError, /argument 'destination' must be an integer/],
    ['missing destination', () => mx.moveaxis(a(), 0), TypeError, /missing required argument 'destination'/],
  ],
  swapaxes: [
    ['axis out of range', () => mx.swapaxes(a(), 0, -3), RangeError, /Axis -3 is out of bounds/],
    ['axis -2**31-1', () => mx.swapaxes(a(), -(2 ** 31) - 1, 0), RangeError, /Axis -2147483649 in 'axis1' is out of bounds\./],
    ['fractional axis', () => mx.swapaxes(a(), 0.5, 1), TypeError, /argument 'axis1' must be an integer/],
    ['missing axis2', () => mx.swapaxes(a(), 0), TypeError, /missing required argument 'axis2'/],
  ],
  broadcast_to: [
    ['negative size', () => mx.broadcast_to(a(), [-1, 4]), Error, /Negative dimensions not allowed/],
    ['NaN size', () => mx.broadcast_to(a(), [NaN, 4]), TypeError, SHAPE_TYPE],
    ['size 2**31', () => mx.broadcast_to(a(), [2 ** 31, 4]), RangeError, /Dimension 2147483648 in 'shape' is out of range\./],
    ['huge total size', () => mx.broadcast_to(a(), [1e6, 1e6, 1e6, 4]), Error, /Shape \(1000000,1000000,1000000,4\) is too large\./],
    ['incompatible', () => mx.broadcast_to(a(), [4, 3]), Error, /Cannot broadcast array of shape \(3,4\) into shape \(4,3\)\./],
    ['string shape', () => mx.broadcast_to(a(), 'x'), TypeError, SHAPE_TYPE],
  ],
  add: [
    ['string', () => mx.add(a(), 'x'), TypeError, ARRAY_LIKE],
    ['symbol', () => mx.add(a(), Symbol('x')), TypeError, ARRAY_LIKE],
    ['function', () => mx.add(a(), () => 1), TypeError, ARRAY_LIKE],
    ['null', () => mx.add(null, a()), TypeError, ARRAY_LIKE],
    ['missing operand', () => mx.add(a()), TypeError, /missing required argument 'b'/],
    ['ragged', () => mx.add(RAGGED, 1), Error, NON_UNIFORM],
    ['scalar out of int8 range', () => mx.add(mx.array([1], mx.int8), 1000), RangeError, /Converting 1000 to int8 would result in overflow\./],
    ['bigint out of uint64 range', () => mx.add(mx.array([1], mx.uint64), 2n ** 65n), RangeError, /out of the uint64 range/],
    ['bigint out of int64 range', () => mx.add(mx.array([1], mx.int64), -(2n ** 64n)), RangeError, /out of the int64 range/],
    ['shapes', () => mx.add(mx.zeros([2, 3]), mx.zeros([3, 2])), Error, /Shapes \(2,3\) \(3,2\) cannot be broadcast\./],
    ['stream string', () => mx.add(1, 2, { stream: 'cpu' }), TypeError, /argument 'stream' must be a Stream, a Device/],
    ['stream number', () => mx.add(1, 2, { stream: 0 }), TypeError, /argument 'stream' must be a Stream, a Device/],
    ['unknown keyword', () => mx.add(1, 2, { steam: mx.cpu }), TypeError, /unknown keyword argument 'steam'/],
  ],
  subtract: [
    ['string', () => mx.subtract('1', a()), TypeError, ARRAY_LIKE],
    ['ragged', () => mx.subtract(a(), DEEP_RAGGED), Error, NON_UNIFORM],
    ['scalar out of uint8 range', () => mx.subtract(mx.array([1], mx.uint8), -1), RangeError, /Converting -1 to uint8 would result in overflow\./],
    ['shapes', () => mx.subtract(mx.zeros([2]), mx.zeros([3])), Error, /Shapes \(2\) \(3\) cannot be broadcast\./],
  ],
  multiply: [
    ['object', () => mx.multiply(a(), new Date()), TypeError, ARRAY_LIKE],
    ['ragged', () => mx.multiply(a(), [[1, 2], [3]]), Error, NON_UNIFORM],
    ['scalar out of int16 range', () => mx.multiply(40000, mx.array([1], mx.int16)), RangeError, /Converting 40000 to int16 would result in overflow\./],
    ['shapes', () => mx.multiply(mx.zeros([0]), mx.zeros([2])), Error, /Shapes \(0\) \(2\) cannot be broadcast\./],
  ],
  divide: [
    ['null', () => mx.divide(null, a()), TypeError, ARRAY_LIKE],
    ['ragged', () => mx.divide(RAGGED, 2), Error, NON_UNIFORM],
    ['scalar out of uint16 range', () => mx.divide(mx.array([1], mx.uint16), -1), RangeError, /Converting -1 to uint16 would result in overflow\./],
    ['shapes', () => mx.divide(mx.zeros([2, 1, 3]), mx.zeros([4, 2])), Error, /Shapes \(2,1,3\) \(4,2\) cannot be broadcast\./],
  ],
  where: [
    ['string condition', () => mx.where('x', 1, 2), TypeError, /argument 'condition' must be array-like/],
    ['string x', () => mx.where(a(), 'x', 1), TypeError, /argument 'x' must be array-like/],
    ['missing y', () => mx.where(true, 1), TypeError, /missing required argument 'y'/],
    ['ragged condition', () => mx.where([[true], [true, false]], 1, 2), Error, NON_UNIFORM],
    ['scalar out of uint8 range', () => mx.where(true, mx.array([1], mx.uint8), 256), RangeError, /Converting 256 to uint8 would result in overflow\./],
    ['shapes', () => mx.where(mx.zeros([2], mx.bool_), mx.zeros([3]), 1), Error, /Shapes .* cannot be broadcast\./],
  ],
  matmul: [
    ['string', () => mx.matmul('x', f()), TypeError, /argument 'a' must be array-like/],
    ['ragged', () => mx.matmul([[1.5], [1, 2]], f()), Error, NON_UNIFORM],
    ['int32 inputs', () => mx.matmul(a(), a().T), Error, /Only inexact types are supported but int32 and int32 were provided which results in int32, which is not inexact\./],
    ['bool inputs', () => mx.matmul(mx.ones([2, 2], mx.bool_), mx.ones([2, 2], mx.bool_)), Error, /Only inexact types are supported/],
    ['0-d input', () => mx.matmul(1.5, f()), Error, /Got 0 dimension input\./],
    ['inner dims', () => mx.matmul(mx.ones([2, 3]), mx.ones([2, 3])), Error, /Last dimension of first input with shape \(2,3\) must match/],
    ['batch dims', () => mx.matmul(mx.ones([2, 2, 2]), mx.ones([3, 2, 2])), Error, /Batch dimensions of shapes \(2,2,2\) and \(3,2,2\) cannot be broadcast\./],
    ['by name (positional-only)', () => mx.matmul({ a: f(), b: f() }), TypeError, /argument 'a' is positional-only/],
  ],
  eval: [
    ['function', () => mx.eval(() => 1), TypeError, /Expected arrays or trees of arrays/],
    ['symbol', () => mx.eval(Symbol('x')), TypeError, /Expected arrays or trees of arrays/],
    ['nested function', () => mx.eval([mx.ones([1]), { f: () => 1 }]), TypeError, /Expected arrays or trees of arrays/],
  ],
  synchronize: [
    ['number', () => mx.synchronize(3), TypeError, /argument 'stream' must be a Stream, a Device/],
    ['string', () => mx.synchronize('x'), TypeError, /argument 'stream' must be a Stream, a Device/],
  ],
  new_stream: [
    ['null', () => mx.new_stream(null), TypeError, /argument 'device' must be a Device/],
    ['missing', () => mx.new_stream(), TypeError, /missing required argument 'device'/],
    ['string', () => mx.new_stream('cpu'), TypeError, /argument 'device' must be a Device/],
  ],
  default_stream: [
    ['missing', () => mx.default_stream(), TypeError, /missing required argument 'device'/],
    ['string', () => mx.default_stream('cpu'), TypeError, /argument 'device' must be a Device/],
  ],
  set_default_stream: [
    ['null', () => mx.set_default_stream(null), TypeError, /argument 'stream' must be a Stream/],
    ['device', () => mx.set_default_stream(mx.cpu), TypeError, /argument 'stream' must be a Stream/],
  ],
  set_default_device: [
    ['string', () => mx.set_default_device('gpu'), TypeError, /argument 'device' must be a Device/],
  ],
  default_device: [
    ['an argument', () => mx.default_device(1), TypeError, /takes 0 positional arguments \(1 given\)/],
  ],
  stream: [
    ['missing', () => mx.stream(), TypeError, /missing required argument 's'/],
    ['number', () => mx.stream(5), TypeError, /argument 's' must be a Stream, a Device/],
  ],
  // Array methods: the message names the op (or the method, for its own argument checks).
  'array.reshape / reshape': [
    ['NaN', () => a().reshape(NaN, 4), TypeError, SHAPE_TYPE],
    ['negative', () => a().reshape(-3, -4), Error, /Invalid dimension -3/],
    ['2**31', () => a().reshape(2 ** 31), RangeError, /Dimension 2147483648 in 'shape' is out of range\./],
    ['strings', () => a().reshape('3', '4'), TypeError, SHAPE_TYPE],
    ['wrong size', () => a().reshape([5, 5]), Error, /Cannot reshape array of size 12 into shape \(5,5\)\./],
  ],
  'array.transpose / transpose': [
    ['strings', () => a().transpose('1', '0'), TypeError, /argument 'axes' must be an Array of integers/],
    ['too few', () => a().transpose(0), Error, /Received 1 axes for array with 2 dimensions\./],
  ],
  'array.flatten / flatten': [
    ['string', () => a().flatten('0'), TypeError, /argument 'start_axis' must be an integer/],
    ['start past the last dim', () => a().flatten(5), Error, /start_axis must be less than or equal to end_axis/],
  ],
  'array.squeeze / squeeze': [
    ['NaN', () => a().squeeze(NaN), TypeError, /argument 'axis' must be an integer/],
    ['size != 1', () => a().squeeze(1), Error, /Cannot squeeze axis with size != 1\./],
  ],
  'array.swapaxes / swapaxes': [
    ['2**31', () => a().swapaxes(0, 2 ** 31), RangeError, /Axis 2147483648 in 'axis2' is out of bounds\./],
  ],
  'array.moveaxis / moveaxis': [
    ['NaN', () => a().moveaxis(NaN, 0), TypeError, /argument 'source' must be an integer/],
    ['out of range', () => a().moveaxis(0, -3), RangeError, /Axis -3 is out of bounds/],
  ],
  'array.astype / astype': [
    ['string', () => a().astype('int8'), TypeError, DTYPE_TYPE],
    ['missing', () => a().astype(), TypeError, /missing required argument 'dtype'/],
  ],
  'array.tolist': [
    ['an argument', () => a().tolist(1), TypeError, /takes 0 positional arguments \(1 given\)/],
  ],
  item: [
    ['size != 1', () => a().item(), Error, /Only length-1 arrays can be converted to scalars\./],
  ],
};

for (const [key, cases] of Object.entries(CASES)) {
  test(`${key}: bad input throws with the function's name`, () => {
    // 'array.reshape / reshape' accepts either name.
    const names = key.split(' / ').map((n) => n.replace('.', '\\.'));
    for (const [label, fn, Cls, re] of cases) {
      const e = throwsWith(fn, Cls, re, `${key}: ${label}`);
      assert.match(e.message, new RegExp(`^\\[(${names.join('|')})\\] `), `${key}: ${label}: ${e.message}`);
    }
  });
}

test('errors thrown at evaluation (memory) name the primitive and leave the process working', () => {
  throwsWith(() => mx.zeros([1e5, 1e5, 1e4]).eval(), Error, /^\[malloc\] Attempting to allocate \d+ bytes which is greater than the memory limit/);
  throwsWith(() => mx.add(mx.ones([1e5, 1e5, 100]), 1).tolist(), Error, /^\[malloc\] /);
  throwsWith(() => mx.matmul(mx.ones([1e6, 1e6]), mx.ones([1e6, 1e6])).item(), Error, /^\[(malloc|item)\] /);
});

test('a disposed array is an Error, not a crash', () => {
  const x = mx.array([1, 2]);
  x.dispose();
  throwsWith(() => x.tolist(), Error, /^\[array\] This array was disposed\./);
  throwsWith(() => x.shape, Error, /^\[array\] This array was disposed\./);
  throwsWith(() => mx.add(x, 1), Error, /^\[array\] This array was disposed\./);
  assert.equal(String(require('node:util').inspect(x)), 'array(<disposed>)');
});

test('after all of that the process still computes correctly', () => {
  assertArray(mx.add(mx.arange(4), mx.array([10, 20, 30, 40])), { dtype: mx.int32, values: [10, 21, 32, 43] });
  assertArray(mx.matmul(mx.ones([2, 3]), mx.ones([3, 2])), { dtype: mx.float32, values: [3, 3, 3, 3] });
  assertArray(mx.zeros([2, 2]), { shape: [2, 2], values: [0, 0, 0, 0] });
  assert.equal(mx.default_device().type, mx.cpu);
});
