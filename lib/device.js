'use strict';
// Devices and streams. The default device and stream are per JS realm (each worker_thread
// has its own), as DESIGN.md asks; the engine's streams themselves are process-wide.
const { inspect } = require('node:util');
const native = require('./native');

class DeviceType {
  constructor(token, value, name) {
    if (token !== CREATE) throw new TypeError('[DeviceType] Use mx.cpu or mx.gpu.');
    this.value = value;
    this.name = name;
    Object.freeze(this);
  }
  toString() { return `DeviceType.${this.name}`; }
  [inspect.custom]() { return this.toString(); }
}
const CREATE = Symbol('create');
DeviceType.cpu = new DeviceType(CREATE, 0, 'cpu');
DeviceType.gpu = new DeviceType(CREATE, 1, 'gpu');

class Device {
  constructor(type, index = 0) {
    if (!(type instanceof DeviceType)) throw new TypeError('[Device] type must be mx.cpu or mx.gpu.');
    if (!Number.isInteger(index) || index < 0) throw new TypeError('[Device] index must be a non-negative integer.');
    this.type = type;
    this.index = index;
    Object.freeze(this);
  }
  equals(o) { return o instanceof Device && o.type === this.type && o.index === this.index; }
  toString() { return `Device(${this.type.name}, ${this.index})`; }
  [inspect.custom]() { return this.toString(); }
}

class Stream {
  constructor(token, index, device) {
    if (token !== CREATE) throw new TypeError('[Stream] Use mx.new_stream(device) or mx.default_stream(device).');
    this.index = index;
    this.device = device;
    Object.freeze(this);
  }
  equals(o) { return o instanceof Stream && o.index === this.index; }
  toString() { return `Stream(${this.device}, ${this.index})`; }
  [inspect.custom]() { return this.toString(); }
}

const streams = new Map();  // engine index -> Stream object (one object per stream)
function streamObject(index, device) {
  let s = streams.get(index);
  if (!s) {
    s = new Stream(CREATE, index, device);
    streams.set(index, s);
  }
  return s;
}

function toDevice(d, fn) {
  if (d instanceof Device) return d;
  if (d instanceof DeviceType) return new Device(d, 0);
  throw new TypeError(`[${fn}] Expected a Device or DeviceType (mx.cpu, mx.gpu).`);
}

function checkAvailable(d, fn) {
  if (!native.is_available(d.type.value) || d.index !== 0) {
    throw new Error(d.type === DeviceType.gpu
      ? `[${fn}] The gpu device is not available: mlxjs was built without a GPU backend.`
      : `[${fn}] ${d} is not available.`);
  }
}

const cpuDevice = new Device(DeviceType.cpu, 0);
let defaultDevice = cpuDevice;
const defaultStreams = new Map();  // device key -> Stream
function deviceKey(d) { return d.type.value * 1024 + d.index; }

// `fn` names the calling function in errors (an op given {stream: mx.gpu}).
function default_stream(device, fn = 'default_stream') {
  const d = toDevice(device, fn);
  let s = defaultStreams.get(deviceKey(d));
  if (!s) {
    checkAvailable(d, fn);
    s = streamObject(native.default_stream(d.type.value), d);
    defaultStreams.set(deviceKey(d), s);
  }
  return s;
}

function set_default_stream(s) {
  if (!(s instanceof Stream)) throw new TypeError('[set_default_stream] Expected a Stream.');
  defaultStreams.set(deviceKey(s.device), s);
  if (s.device.equals(defaultDevice)) current = s;
}

function default_device() { return defaultDevice; }

function set_default_device(device) {
  const d = toDevice(device, 'set_default_device');
  checkAvailable(d, 'set_default_device');
  defaultDevice = d;
  current = default_stream(d);
}

function isAvailable(device) {
  const d = toDevice(device, 'is_available');
  return native.is_available(d.type.value) && d.index === 0;
}

function deviceCount(type) {
  if (!(type instanceof DeviceType)) throw new TypeError('[device_count] Expected a DeviceType (mx.cpu or mx.gpu).');
  return native.is_available(type.value) ? 1 : 0;
}

function new_stream(device) {
  const d = toDevice(device, 'new_stream');
  checkAvailable(d, 'new_stream');
  return streamObject(native.new_stream(d.type.value), d);
}

// The stream ops run on when none is given: the default stream of the default device.
let current = null;

function currentStream() {
  if (current === null) current = default_stream(defaultDevice);
  return current;
}

// MLX's per-thread stream: a JS realm is one thread, so every stream object is already
// unique to the thread (worker) that made it.
class ThreadLocalStream extends Stream {}

function new_thread_local_stream(device) {
  const d = toDevice(device, 'new_thread_local_stream');
  checkAvailable(d, 'new_thread_local_stream');
  return new ThreadLocalStream(CREATE, native.new_stream(d.type.value), d);
}

// Engine streams may be used from any thread, so this is new_stream.
function new_thread_unsafe_stream(device) {
  const d = toDevice(device, 'new_thread_unsafe_stream');
  checkAvailable(d, 'new_thread_unsafe_stream');
  return streamObject(native.new_stream(d.type.value), d);
}

// MLX destroys the calling thread's streams; here their queued work is finished and the
// thread's defaults go back to each device's default stream (engine streams live on).
function clear_streams() {
  for (const s of streams.values()) native.synchronize(s.index);
  defaultStreams.clear();
  current = null;
}

// Resolves a `stream` argument (Stream, Device, DeviceType or null/undefined) to the
// engine's stream index.
function streamIndex(s, fn) {
  if (s === undefined || s === null) return currentStream().index;
  if (s instanceof Stream) return s.index;
  if (s instanceof DeviceType || s instanceof Device) return default_stream(s, fn).index;
  throw new TypeError(`[${fn}] argument 'stream' must be a Stream or Device, got ${typeof s}`);
}

function toStream(s, fn) {
  if (s instanceof Stream) return s;
  return default_stream(s, fn);
}

// As MLX's StreamContext: entering makes s (and its device) the defaults; exiting restores
// what was there before.
class StreamContext {
  constructor(s) {
    this._stream = toStream(s, 'stream');
    this._saved = null;
  }
  __enter__() {
    const s = this._stream;
    this._saved = [defaultDevice, defaultStreams.get(deviceKey(s.device)), current];
    defaultDevice = s.device;
    defaultStreams.set(deviceKey(s.device), s);
    current = s;
    return this;
  }
  __exit__() {
    if (this._saved === null) return;
    const [device, stream, cur] = this._saved;
    this._saved = null;
    defaultDevice = device;
    if (stream) defaultStreams.set(deviceKey(this._stream.device), stream);
    else defaultStreams.delete(deviceKey(this._stream.device));
    current = cur;
  }
  // JS form of `with mx.stream(s): ...`: runs fn with s as the default stream.
  run(fn) {
    if (typeof fn !== 'function') throw new TypeError('[StreamContext.run] Expected a function.');
    this.__enter__();
    let result;
    try {
      result = fn();
    } catch (e) {
      this.__exit__();
      throw e;
    }
    if (result && typeof result.then === 'function') {
      // Async callbacks keep the scope until they settle.
      return result.finally(() => this.__exit__());
    }
    this.__exit__();
    return result;
  }
}
if (typeof Symbol.dispose === 'symbol') StreamContext.prototype[Symbol.dispose] = StreamContext.prototype.__exit__;

// Python's `with mx.stream(s):` is `mx.stream(s).run(() => ...)` in JS, or explicit
// __enter__() / __exit__() (also [Symbol.dispose], for `using`).
function stream(s) {
  return new StreamContext(s);
}

function synchronize(s) {
  native.synchronize(s === undefined || s === null ? currentStream().index : streamIndex(s, 'synchronize'));
}

module.exports = {
  DeviceType, Device, Stream, StreamContext, cpu: DeviceType.cpu, gpu: DeviceType.gpu,
  default_stream, set_default_stream, default_device, set_default_device, new_stream,
  stream, synchronize, streamIndex, currentStream, isAvailable, deviceCount,
  ThreadLocalStream, new_thread_local_stream, new_thread_unsafe_stream, clear_streams,
};
