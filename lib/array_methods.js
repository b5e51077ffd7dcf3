'use strict';
// Properties and methods of mx.array, installed on the native class's prototype. Methods
// that mirror an mx function go through the same signature table ('array.<name>').
const { inspect } = require('node:util');
const native = require('./native');
const args = require('./args');
const D = require('./dtype');

function install(mx) {
  const proto = native.array.prototype;
  const def = (name, fn) => Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  const getter = (name, fn) => Object.defineProperty(proto, name, { get: fn, configurable: true });

  getter('shape', function shape() { return this._shape(); });
  getter('dtype', function dtype() { return D.fromIndex(this._dtype()); });
  getter('ndim', function ndim() { return this._ndim(); });
  getter('size', function size() { return this._size(); });
  getter('itemsize', function itemsize() { return D.fromIndex(this._dtype()).size; });
  getter('nbytes', function nbytes() { return this._size() * D.fromIndex(this._dtype()).size; });
  getter('T', function T() { return mx.transpose(this); });

  def('item', args.bind('array.item', function item() { return this._item(); }, { thisArg: true }));
  def('tolist', args.bind('array.tolist', function tolist() { return toList(this); }, { thisArg: true }));
  def('astype', args.bind('array.astype', function astype(dtype, stream) { return mx.astype(this, dtype, { stream }); }, { thisArg: true }));
  def('reshape', args.bind('array.reshape', function reshape(shape, stream) {
    const s = shape.length === 1 && (Array.isArray(shape[0]) || typeof shape[0] !== 'number') ? shape[0] : shape;
    return mx.reshape(this, s, { stream });
  }, { thisArg: true }));
  def('transpose', args.bind('array.transpose', function transpose(axes, stream) {
    const a = axes.length === 0 ? null : axes.length === 1 && Array.isArray(axes[0]) ? axes[0] : axes;
    return mx.transpose(this, a, { stream });
  }, { thisArg: true }));
  def('flatten', args.bind('array.flatten', function flatten(start, end, stream) { return mx.flatten(this, start, end, { stream }); }, { thisArg: true }));
  def('squeeze', args.bind('array.squeeze', function squeeze(axis, stream) { return mx.squeeze(this, axis, { stream }); }, { thisArg: true }));
  def('swapaxes', args.bind('array.swapaxes', function swapaxes(a1, a2, stream) { return mx.swapaxes(this, a1, a2, { stream }); }, { thisArg: true }));
  def('moveaxis', args.bind('array.moveaxis', function moveaxis(src, dst, stream) { return mx.moveaxis(this, src, dst, { stream }); }, { thisArg: true }));

  require('./ops_reduce').installMethods(proto, mx);
  require('./ops_elementwise').installMethods(proto, mx);
  for (const g of ['creation', 'index', 'shape', 'sort']) require(`./ops_${g}`).installMethods(proto, mx);

  // JS extras.
  def('toTypedArray', function toTypedArray() { return this._toTypedArray(); });
  def('eval', function evaluate() { this._eval(); return this; });
  def('dispose', function dispose() { this._dispose(); });
  if (typeof Symbol.dispose === 'symbol') def(Symbol.dispose, function dispose() { this._dispose(); });
  def('toString', function toString() { return this._repr(); });
  def(inspect.custom, function custom() { return this._disposed() ? 'array(<disposed>)' : this._repr(); });
  def('__repr__', function repr() { return this._repr(); });
}

// Nested JS arrays of the values; int64/uint64 come back as BigInt, bool as booleans,
// complex64 as {re, im}, float16/bfloat16 as numbers.
function toList(a) {
  const shape = a._shape();
  const dt = D.fromIndex(a._dtype());
  if (shape.length === 0) return a._item();
  const flat = a._toTypedArray();
  let get;
  if (dt._key === 'bool_') get = (i) => flat[i] !== 0;
  else if (dt._key === 'complex64') get = (i) => ({ re: flat[2 * i], im: flat[2 * i + 1] });
  else get = (i) => flat[i];
  let pos = 0;
  const build = (d) => {
    const n = shape[d];
    const out = new Array(n);
    if (d === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = get(pos++);
    } else {
      for (let i = 0; i < n; i++) out[i] = build(d + 1);
    }
    return out;
  };
  return build(0);
}

module.exports = { install };
