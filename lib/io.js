'use strict';
// File I/O (the `io` group): save/load of .npy, .npz, .safetensors and .gguf, bound through
// lib/args.js. Engine: src/mlx/io/*.cpp (which reads and checks every file; the JSON of
// safetensors headers is parsed there too, so the engine stands on its own).
//
//   mx.save(path, a)                      .npy (".npy" appended when missing)
//   mx.savez(path, a, b, {name: c})       .npz: positionals are arr_0, arr_1, ...; the
//   mx.savez_compressed(path, ...)          trailing object names the others (deflate: zlib)
//   mx.save_safetensors(path, {w: a}, {key: 'value'})
//   mx.save_gguf(path, {w: a}, {key: 'text' | ['a', 'b'] | mx.array | number | ...})
//   mx.load(path | Buffer, format?, return_metadata?, {stream})
// A save whose file is null returns the file's bytes as a Buffer instead of writing them;
// load takes such bytes back (Buffer, TypedArray, ArrayBuffer or DataView).
const args = require('./args');

// The names this file defines (lib/implemented.js lists them for the .d.ts).
const NAMES = ['save', 'savez', 'savez_compressed', 'load', 'save_safetensors', 'save_gguf'];

const FORMATS = ['npy', 'npz', 'safetensors', 'gguf'];

// A path string (checked for NUL, which the OS would silently cut at) or null for a Buffer.
function saveFile(file, fn) {
  if (file === undefined || file === null) return null;
  if (typeof file !== 'string') {
    throw new TypeError(`[${fn}] argument 'file' must be a path string, or null to get the bytes as a Buffer, got ${args.describe(file)}`);
  }
  if (file.includes('\0')) throw new TypeError(`[${fn}] argument 'file' must not contain a NUL character`);
  return file;
}

const isBytes = (x) => ArrayBuffer.isView(x) || x instanceof ArrayBuffer;

function byteView(x) {
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

// The format of bytes from their first bytes (MLX infers it from a file name only).
function sniff(bytes) {
  const u = byteView(bytes);
  const at = (s, o = 0) => s.split('').every((c, i) => u[o + i] === c.charCodeAt(0));
  if (u.length >= 6 && u[0] === 0x93 && at('NUMPY', 1)) return 'npy';
  if (u.length >= 4 && (at('PK\x03\x04') || at('PK\x05\x06'))) return 'npz';
  if (u.length >= 4 && at('GGUF')) return 'gguf';
  if (u.length >= 9 && u[8] === 0x7b) return 'safetensors';  // '{' after the 8-byte length
  return null;
}

// Named arrays of an object (or Map): [names, arrays], each value converted with toArray.
function namedArrays(obj, fn, what, toArray) {
  const names = [], arrays = [];
  const add = (k, v) => {
    if (typeof k !== 'string') throw new TypeError(`[${fn}] the keys of '${what}' must be strings, got ${args.describe(k)}`);
    names.push(k);
    arrays.push(toArray(v, fn));
  };
  if (obj instanceof Map) for (const [k, v] of obj) add(k, v);
  else for (const k of Object.keys(obj)) add(k, obj[k]);
  return [names, arrays];
}

// A plain object or a Map (not an Array, bytes or an mx.array).
function isDictLike(x) {
  if (x instanceof Map) return true;
  return x !== null && typeof x === 'object' && !Array.isArray(x) && !isBytes(x) &&
    typeof x._dtype !== 'function';
}

function entriesOf(x) {
  return x instanceof Map ? [...x] : Object.keys(x).map((k) => [k, x[k]]);
}

// An object from parallel key and value lists; defineProperty, so a key such as "__proto__"
// from a file becomes an ordinary property.
function objectOf(keys, values) {
  const out = {};
  for (let i = 0; i < keys.length; i++) {
    Object.defineProperty(out, keys[i], { value: values[i], enumerable: true, writable: true, configurable: true });
  }
  return out;
}

// save_safetensors and save_gguf take dicts positionally: a trailing plain object is their
// keyword object only if it is non-empty and every key names a parameter
// (`{metadata: {...}}`); otherwise it is the arrays or metadata dict itself, so
// `mx.save_safetensors(path, {w: a})` means what it says.
function dictPositional(bound, params) {
  const f = function (...a) {
    const last = a[a.length - 1];
    if (a.length >= 2 && args.isPlainObject(last)) {
      const keys = Object.keys(last);
      if (keys.length === 0 || keys.some((k) => !params.includes(k))) return bound(...a, {});
    }
    return bound(...a);
  };
  Object.defineProperty(f, 'name', { value: bound.name });
  return f;
}

function install(mx) {
  const native = require('./native');
  const { toArray, isArray } = require('./convert');
  const S = (s, fn) => require('./device').streamIndex(s, fn);

  mx.save = args.bind('save', (file, arr) => native.io_save_npy(saveFile(file, 'save'), toArray(arr, 'save')));

  for (const [name, compressed] of [['savez', false], ['savez_compressed', true]]) {
    mx[name] = args.bind(name, (file, positional, kwargs) => {
      const f = saveFile(file, name);
      const [names, arrays] = namedArrays(kwargs, name, 'kwargs', toArray);
      positional.forEach((a, i) => {
        const key = `arr_${i}`;
        if (names.includes(key)) throw new Error(`[${name}] Cannot use un-named variables and keyword ${key}`);
        names.push(key);
        arrays.push(toArray(a, name));
      });
      return native.io_save_npz(f, names, arrays, compressed);
    });
  }

  mx.save_safetensors = dictPositional(args.bind('save_safetensors', (file, arrays, metadata) => {
    const fn = 'save_safetensors';
    const f = saveFile(file, fn);
    if (!isDictLike(arrays)) throw new TypeError(`[${fn}] argument 'arrays' must be an object of named arrays, got ${args.describe(arrays)}`);
    const [names, values] = namedArrays(arrays, fn, 'arrays', toArray);
    const mk = [], mv = [];
    if (metadata !== undefined && metadata !== null) {
      if (!isDictLike(metadata)) throw new TypeError(`[${fn}] Metadata must be a dictionary with string keys and values, got ${args.describe(metadata)}`);
      for (const [k, v] of entriesOf(metadata)) {
        if (typeof k !== 'string' || typeof v !== 'string') {
          throw new TypeError(`[${fn}] Metadata must be a dictionary with string keys and values (key ${args.describe(k)} has ${args.describe(v)})`);
        }
        mk.push(k);
        mv.push(v);
      }
    }
    return native.io_save_safetensors(f, names, values, mk, mv);
  }), ['file', 'arrays', 'metadata']);

  mx.save_gguf = dictPositional(args.bind('save_gguf', (file, arrays, metadata) => {
    const fn = 'save_gguf';
    const f = saveFile(file, fn);
    if (!isDictLike(arrays)) throw new TypeError(`[${fn}] argument 'arrays' must be an object of named arrays, got ${args.describe(arrays)}`);
    const [names, values] = namedArrays(arrays, fn, 'arrays', toArray);
    const mk = [], mv = [];
    if (metadata !== undefined && metadata !== null) {
      if (!isDictLike(metadata)) throw new TypeError(`[${fn}] argument 'metadata' must be an object, got ${args.describe(metadata)}`);
      for (const [k, v] of entriesOf(metadata)) {
        if (typeof k !== 'string') throw new TypeError(`[${fn}] metadata keys must be strings, got ${args.describe(k)}`);
        mk.push(k);
        // A string, a list of strings, or anything mx.array takes (numbers become int32 or
        // float32, booleans bool_, as in Python).
        if (typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'))) mv.push(v);
        else if (isArray(v) || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || Array.isArray(v) || ArrayBuffer.isView(v)) mv.push(toArray(v, fn));
        else throw new TypeError(`[${fn}] metadata value '${k}' must be an mx.array, a number, a boolean, a string or a list of strings, got ${args.describe(v)}`);
      }
    }
    return native.io_save_gguf(f, names, values, mk, mv);
  }), ['file', 'arrays', 'metadata']);

  mx.load = args.bind('load', (file, format, returnMetadata, stream) => {
    const fn = 'load';
    let src;
    if (typeof file === 'string') {
      if (file.includes('\0')) throw new TypeError(`[${fn}] argument 'file' must not contain a NUL character`);
      src = file;
    } else if (isBytes(file)) {
      src = file;
    } else {
      throw new TypeError(`[${fn}] argument 'file' must be a path string, Buffer, TypedArray or ArrayBuffer, got ${args.describe(file)}`);
    }
    let fmt = format;
    if (fmt === undefined || fmt === null) {
      if (typeof src === 'string') {
        const base = src.slice(src.lastIndexOf('/') + 1);
        const dot = base.lastIndexOf('.');
        if (dot < 0) throw new Error(`[${fn}] Could not infer file format from extension`);
        fmt = base.slice(dot + 1);
      } else {
        fmt = sniff(src);
        if (fmt === null) throw new Error(`[${fn}] Could not infer the format of the bytes: pass format ('npy', 'npz', 'safetensors' or 'gguf')`);
      }
    }
    if (!FORMATS.includes(fmt)) throw new Error(`[${fn}] Unknown file format ${fmt}`);
    if (returnMetadata === true && (fmt === 'npy' || fmt === 'npz')) {
      throw new Error(`[${fn}] metadata not supported for format ${fmt}`);
    }
    const s = S(stream, fn);
    if (fmt === 'npy') return native.io_load_npy(src, s);
    if (fmt === 'npz') {
      const [names, arrays] = native.io_load_npz(src, s);
      return objectOf(names, arrays);
    }
    const r = fmt === 'safetensors' ? native.io_load_safetensors(src, s) : native.io_load_gguf(src, s);
    const weights = objectOf(r[0], r[1]);
    return returnMetadata === true ? [weights, objectOf(r[2], r[3])] : weights;
  });
}

module.exports = { NAMES, install };
