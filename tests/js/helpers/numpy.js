'use strict';
// The numpy oracle: ONE python3 process per batch (spawnSync, JSON on stdin/stdout).
//
//   const { NumpyBatch } = require('./helpers/numpy');
//   const np = new NumpyBatch();
//   const r = np.eval('np.add(a, b)', { a: mxArrayOrSpec, b: ... });   // a handle
//   np.run();                        // one python3 process computes every queued expression
//   r.value -> { dtype: 'int32', shape: [2, 3], flat: [...] }  (or r.error: 'TypeError: ...')
//
// Inputs: an mx.array (its values are read back with tolist), or a spec
// { dtype: 'int8', shape: [2], flat: [1, 2] } / np.arr(flat, dtype, shape). bfloat16 has no
// numpy dtype: its values (exact in float32) go over as float32. Int64/uint64 travel as decimal
// strings, complex as [re, im], NaN/Infinity as 'nan'/'inf'/'-inf'.
// Outputs: flat values decoded to JS: int64/uint64 -> BigInt, bool -> boolean,
// complex -> {re, im}, floats -> numbers (NaN/Infinity restored), other ints -> numbers.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

// Debian's python3 (not a pyenv shim, which may lack numpy).
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const SCRIPT = String.raw`
import sys, json, warnings
import numpy as np
warnings.simplefilter('ignore')

def dec_scalar(x, kind):
    if kind == 'c':
        if isinstance(x, list):
            return complex(float(x[0]), float(x[1]))
        return complex(float(x), 0.0)
    if kind in 'iu':
        return int(x)
    if kind == 'b':
        return bool(x)
    return float(x)

def dec(v):
    dt = np.dtype(v['dtype'])
    vals = [dec_scalar(x, dt.kind) for x in v['flat']]
    return np.array(vals, dtype=dt).reshape(v['shape'])

def enc_float(x):
    x = float(x)
    if x != x: return 'nan'
    if x == float('inf'): return 'inf'
    if x == float('-inf'): return '-inf'
    return x

def enc(r):
    r = np.asarray(r)
    k = r.dtype.kind
    flat = r.ravel().tolist()
    if k in 'iu':
        flat = [str(int(x)) for x in flat]
    elif k == 'f':
        flat = [enc_float(x) for x in flat]
    elif k == 'c':
        flat = [[enc_float(x.real), enc_float(x.imag)] for x in flat]
    elif k == 'b':
        flat = [bool(x) for x in flat]
    else:
        raise TypeError('unsupported result dtype ' + str(r.dtype))
    return {'dtype': r.dtype.name, 'shape': list(r.shape), 'flat': flat}

jobs = json.load(sys.stdin)
out = []
for job in jobs:
    try:
        env = {'np': np}
        for k, v in job['vars'].items():
            env[k] = dec(v)
        with np.errstate(all='ignore'):
            out.append({'ok': enc(eval(job['expr'], env))})
    except Exception as e:
        out.append({'error': type(e).__name__ + ': ' + str(e)})
json.dump(out, sys.stdout)
`;

// numpy dtype name for an mx dtype key.
const NP_NAME = {
  bool_: 'bool_', uint8: 'uint8', uint16: 'uint16', uint32: 'uint32', uint64: 'uint64',
  int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64', float16: 'float16',
  float32: 'float32', float64: 'float64', bfloat16: 'float32', complex64: 'complex64',
};

function flatten(v, out = []) {
  if (Array.isArray(v)) for (const x of v) flatten(x, out);
  else out.push(v);
  return out;
}

function encScalar(x) {
  switch (typeof x) {
    case 'bigint': return x.toString();
    case 'boolean': return x;
    case 'number':
      if (Number.isNaN(x)) return 'nan';
      if (x === Infinity) return 'inf';
      if (x === -Infinity) return '-inf';
      return x;
    default:
      if (x && typeof x === 'object' && 're' in x) return [encScalar(x.re), encScalar(x.im)];
      throw new TypeError(`numpy helper: cannot encode ${x}`);
  }
}

function isMx(x) {
  return x !== null && typeof x === 'object' && typeof x._dtype === 'function';
}

function encode(v) {
  if (isMx(v)) {
    const key = v.dtype._key;
    const list = v.tolist();
    return { dtype: NP_NAME[key], shape: v.shape, flat: flatten(list).map(encScalar) };
  }
  if (v && typeof v === 'object' && 'dtype' in v && 'flat' in v) {
    const shape = v.shape || [v.flat.length];
    return { dtype: v.dtype, shape, flat: v.flat.map(encScalar) };
  }
  throw new TypeError('numpy helper: an input must be an mx.array or {dtype, shape, flat}');
}

function decScalar(x, dtype) {
  if (dtype === 'bool') return x;
  if (dtype.startsWith('complex')) return { re: decScalar(x[0], 'float'), im: decScalar(x[1], 'float') };
  if (dtype === 'int64' || dtype === 'uint64') return BigInt(x);
  if (/^u?int/.test(dtype)) return Number(x);
  if (x === 'nan') return NaN;
  if (x === 'inf') return Infinity;
  if (x === '-inf') return -Infinity;
  return x;
}

class NumpyBatch {
  constructor() {
    this.jobs = [];
    this.handles = [];
    this.done = false;
  }

  // Queues an expression over named inputs; returns a handle whose .value (or .error) is set
  // by run().
  eval(expr, vars = {}) {
    if (this.done) throw new Error('numpy helper: batch already ran');
    const enc = {};
    for (const [k, v] of Object.entries(vars)) enc[k] = encode(v);
    this.jobs.push({ expr, vars: enc });
    const h = { expr, value: undefined, error: undefined };
    this.handles.push(h);
    return h;
  }

  run() {
    this.done = true;
    if (this.jobs.length === 0) return;
    const r = spawnSync(PYTHON, ['-c', SCRIPT], {
      input: JSON.stringify(this.jobs), encoding: 'utf8', maxBuffer: 1 << 28,
    });
    if (r.status !== 0) throw new Error(`numpy helper: python3 failed (${r.status}): ${r.stderr}`);
    const out = JSON.parse(r.stdout);
    if (out.length !== this.handles.length) throw new Error('numpy helper: result count mismatch');
    out.forEach((o, i) => {
      const h = this.handles[i];
      if (o.error) {
        h.error = o.error;
      } else {
        const { dtype, shape, flat } = o.ok;
        h.value = { dtype, shape, flat: flat.map((x) => decScalar(x, dtype)) };
      }
    });
  }
}

// A spec for an input of explicit values and numpy dtype name.
function arr(flat, dtype, shape) {
  return { dtype, shape: shape || [flat.length], flat };
}

module.exports = { NumpyBatch, NP_NAME, arr, PYTHON };
