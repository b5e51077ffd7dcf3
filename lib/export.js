'use strict';
// Function export (MLX's "Exporting Functions"): export_function, import_function, exporter
// (a FunctionExporter) and export_to_dot. The engine is src/mlx/export.h (binding:
// src/node/export_binding.cpp); the file format is mlxjs's own (docs/api.md).
//
//   mx.export_function('f.mlxfn', fun, x, y, {shapeless, metadata, z})  // z: keyword input
//   mx.export_function('f.mlxfn', fun, [x, y], {z})                     // Python's (tuple, dict)
//   mx.export_function((record) => ..., fun, x)                         // callback mode
//   const f = mx.import_function('f.mlxfn'); const [out] = f(x, y, {z});
//   const [f, meta] = mx.import_function('f.mlxfn', true);
//   const ex = mx.exporter('f.mlxfn', fun, {shapeless}); ex(x); ex(x, y); ex.close();
//   mx.export_to_dot('g.dot' | {write(text)}, out, {x, y})              // names for x and y
//
// Inputs follow MLX's rule: positional mx.arrays and keyword mx.arrays (the trailing plain
// object), or one Array of arrays and/or one object of arrays. The function's keyword inputs
// reach it as a trailing plain object, sorted by name (as MLX orders them).
const fs = require('node:fs');
const args = require('./args');
const { isDict } = require('./utils');

const NAMES = ['export_function', 'import_function', 'exporter', 'export_to_dot'];

let isArray = () => false;
const describe = (x) => args.describe(x);

// [positional arrays, keyword names (sorted), keyword arrays] from a call's values, after
// MLX's validate_and_extract_inputs. `pos` are the positionals, `kw` the keyword object.
function extractInputs(pos, kw, prefix) {
  const fail = () => new TypeError(`${prefix} Inputs can either be a variable number of positional and keyword ` +
    'arrays or a single Array and/or object of arrays.');
  const allArrays = (list) => list.every((x) => isArray(x));
  let positional;
  let keywords = kw;
  if (pos.length === 0 || isArray(pos[0])) {
    positional = pos;
  } else if (pos.length === 1 && Array.isArray(pos[0])) {
    positional = pos[0];  // one Array (Python's tuple), keywords in the trailing object
  } else if (pos.length === 1 && isDict(pos[0]) && Object.keys(kw).length === 0) {
    positional = [];
    keywords = pos[0];
  } else if (pos.length === 2 && Array.isArray(pos[0]) && isDict(pos[1]) && Object.keys(kw).length === 0) {
    positional = pos[0];
    keywords = pos[1];
  } else {
    throw fail();
  }
  if (!allArrays(positional)) throw fail();
  const names = Object.keys(keywords).sort();
  const kwArrays = names.map((k) => keywords[k]);
  if (!allArrays(kwArrays)) throw fail();
  return [positional, names, kwArrays];
}

// The flat function the engine traces: the user function with keyword inputs as a trailing
// object; its result must be an array or an Array of arrays.
function flatFunction(fun) {
  return (pos, names, kwArrays) => {
    let out;
    if (names.length) {
      const kw = {};
      names.forEach((k, i) => { kw[k] = kwArrays[i]; });
      out = fun(...pos, kw);
    } else {
      out = fun(...pos);
    }
    if (isArray(out)) return [out];
    if (Array.isArray(out) && out.every((x) => isArray(x))) return out;
    throw new TypeError(`[export_function] Outputs can be either a single array or an Array of arrays, got ${describe(out)}.`);
  };
}

function pathArg(file, fn, name = 'file') {
  if (typeof file !== 'string') throw new TypeError(`[${fn}] argument '${name}' must be a path string, got ${describe(file)}`);
  if (file.includes('\0')) throw new TypeError(`[${fn}] argument '${name}' must not contain a NUL character`);
  return file;
}

function needFunction(f, fn, name = 'fun') {
  if (typeof f !== 'function') throw new TypeError(`[${fn}] argument '${name}' must be a function, got ${describe(f)}`);
}

// A record of callback mode with Dtype objects in place of the engine's dtype markers.
function convertRecord(r, D) {
  const dt = (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.dtype === 'number' ? D.fromIndex(v.dtype) : v);
  const tensors = (list) => list.map(([n, shape, d]) => [n, shape, dt(d)]);
  const out = { type: r.type };
  if (r.inputs) out.inputs = tensors(r.inputs);
  if (r.outputs) out.outputs = tensors(r.outputs);
  if (r.keywords) out.keywords = r.keywords;
  if (r.constants) out.constants = r.constants;
  if (r.type === 'primitive') {
    out.name = r.name;
    out.arguments = r.arguments.map(dt);
  }
  return out;
}

// ---- FunctionExporter ------------------------------------------------------------------------

const CREATE = Symbol('FunctionExporter');

// mx.exporter(...) returns a FunctionExporter: call it with example inputs to add a trace
// (the file is complete after every call); close() ends it. `using ex = mx.exporter(...)` and
// Python's __enter__/__exit__ close it as well.
function FunctionExporter(token) {
  if (token !== CREATE) throw new TypeError('[FunctionExporter] Use mx.exporter(file, fun) to make one.');
}
Object.setPrototypeOf(FunctionExporter.prototype, Function.prototype);

function makeExporter(native, file, fun, shapeless, metadata) {
  const handle = native.export_new(file, shapeless === true, metadata === undefined ? '' : metadata);
  const flat = flatFunction(fun);
  const ex = function functionExporter(...a) {
    let kw = {};
    if (a.length && isDict(a[a.length - 1])) kw = a.pop();
    if (native.export_closed(handle)) throw new Error('[export_function] The exporter is closed: it cannot add traces.');
    const [pos, names, kwArrays] = extractInputs(a, kw, '[export_function]');
    native.export_call(handle, flat, pos, names, kwArrays);
  };
  Object.setPrototypeOf(ex, FunctionExporter.prototype);
  Object.defineProperty(ex, '_handle', { value: handle });
  return ex;
}

Object.defineProperties(FunctionExporter.prototype, {
  close: { value: function close() { require('./native').export_close(this._handle); }, writable: true, configurable: true },
  closed: { get() { return require('./native').export_closed(this._handle); }, configurable: true },
  __enter__: { value: function __enter__() { return this; }, writable: true, configurable: true },
  __exit__: { value: function __exit__() { this.close(); }, writable: true, configurable: true },
});
if (typeof Symbol.dispose === 'symbol') {
  Object.defineProperty(FunctionExporter.prototype, Symbol.dispose, {
    value: function dispose() { this.close(); }, writable: true, configurable: true,
  });
}

// ---- install ---------------------------------------------------------------------------------

function install(mx) {
  const native = require('./native');
  const conv = require('./convert');
  const D = require('./dtype');
  const { flattenArrays } = require('./transforms');
  isArray = conv.isArray;

  mx.export_function = args.bind('export_function', (fileOrCb, fun, pos, shapeless, metadata, kwargs) => {
    needFunction(fun, 'export_function');
    const [p, names, kwArrays] = extractInputs(pos, kwargs, '[export_function]');
    if (typeof fileOrCb === 'function') {
      if (metadata !== undefined) throw new Error('[export_function] metadata is not supported with a callback.');
      const handle = native.export_new(null, shapeless === true, '');
      try {
        const records = native.export_call(handle, flatFunction(fun), p, names, kwArrays) || [];
        for (const r of records) fileOrCb(convertRecord(r, D));
      } finally {
        native.export_close(handle);
      }
      return;
    }
    const file = pathArg(fileOrCb, 'export_function', 'file_or_callback');
    const handle = native.export_new(file, shapeless === true, metadata === undefined ? '' : metadata);
    try {
      native.export_call(handle, flatFunction(fun), p, names, kwArrays);
    } finally {
      native.export_close(handle);
    }
  });

  mx.import_function = args.bind('import_function', (file, returnMetadata) => {
    const [handle, metadata] = native.import_function(pathArg(file, 'import_function'));
    const imported = function importedFunction(...a) {
      let kw = {};
      if (a.length && isDict(a[a.length - 1])) kw = a.pop();
      const [pos, names, kwArrays] = extractInputs(a, kw, '[import_function::call]');
      return native.imported_call(handle, pos, names, kwArrays);
    };
    return returnMetadata === true ? [imported, metadata] : imported;
  });

  mx.exporter = args.bind('exporter', (file, fun, shapeless, metadata) => {
    needFunction(fun, 'exporter');
    return makeExporter(native, pathArg(file, 'exporter'), fun, shapeless, metadata);
  });
  mx.FunctionExporter = FunctionExporter;

  mx.export_to_dot = args.bind('export_to_dot', (file, outs, names) => {
    const outputs = flattenArrays(outs, [], '[export_to_dot] The outputs');
    const keys = Object.keys(names);
    for (const k of keys) {
      if (!isArray(names[k])) throw new TypeError(`[export_to_dot] The named array '${k}' must be an mx.array, got ${describe(names[k])}`);
    }
    const isPath = typeof file === 'string';
    if (!isPath && !(file !== null && typeof file === 'object' && typeof file.write === 'function')) {
      throw new TypeError('[export_to_dot] Accepts file-like objects (with a write method) or strings to be used as filenames, ' +
        `got ${describe(file)}`);
    }
    const text = native.export_to_dot(outputs, keys, keys.map((k) => names[k]));
    if (isPath) fs.writeFileSync(pathArg(file, 'export_to_dot'), text);
    else file.write(text);
  });
}

module.exports = { install, NAMES, FunctionExporter };
