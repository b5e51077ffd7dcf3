'use strict';
// Name coverage against the MLX 0.32 tables: every name of the groups this project claims
// (COMPLETE) must exist in mx, with its Python aliases. Groups still in progress are listed
// with what is missing, so the report shows the way to full coverage.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const mx = require('../..').core;

const tables = path.join(__dirname, '..', '..', '..', 'shared', 'mlx-api');
const haveTables = fs.existsSync(path.join(tables, 'core.tsv'));

// Groups of core.tsv whose every top-level name is implemented (add a group when it is done).
const COMPLETE = ['elementwise-unary', 'elementwise-binary', 'reduction', 'creation', 'dtype', 'conv', 'sort',
  'shape', 'indexing', 'device-stream', 'memory', 'other', 'transforms', 'random', 'fft', 'linalg', 'distributed', 'linalg-ish', 'io', 'fast'];
// Names of other groups that the foundation issue asked for.
const FOUNDATION = [
  'array', 'asarray', 'zeros', 'ones', 'full', 'zeros_like', 'ones_like', 'arange', 'astype',
  'reshape', 'flatten', 'squeeze', 'expand_dims', 'transpose', 'moveaxis', 'swapaxes',
  'broadcast_to', 'where', 'matmul', 'eval', 'async_eval', 'synchronize', 'default_stream',
  'new_stream', 'default_device', 'set_default_device', 'set_default_stream', 'stream',
  'issubdtype', 'result_type', 'can_cast', 'finfo', 'iinfo', 'get_active_memory',
  'get_peak_memory', 'reset_peak_memory', 'get_cache_memory', 'set_memory_limit',
  'set_cache_limit', 'clear_cache', 'is_available', 'device_count', 'Device', 'DeviceType',
  'Stream', 'StreamContext', 'Dtype', 'DtypeCategory', 'cpu', 'gpu', 'pi', 'e', 'inf', 'nan',
  'newaxis', 'euler_gamma',
];

function groups() {
  const rows = fs.readFileSync(path.join(tables, 'core.tsv'), 'utf8').trim().split('\n').slice(1);
  const out = new Map();
  for (const line of rows) {
    const [name, , , group] = line.split('\t');
    if (name.includes('.')) continue;  // submodule members come with their issues
    if (!out.has(group)) out.set(group, new Set());
    out.get(group).add(name);
  }
  return out;
}

test('every name of the completed groups exists in mx', { skip: !haveTables && 'shared/mlx-api not beside the repository' }, (t) => {
  const g = groups();
  // The rest, as a report: what the groups still in progress lack.
  for (const [group, names] of g) {
    const miss = [...names].filter((n) => !(n in mx));
    if (miss.length && !COMPLETE.includes(group)) t.diagnostic(`${group}: ${names.size - miss.length}/${names.size}, missing ${miss.join(', ')}`);
  }
  const missing = [];
  for (const group of COMPLETE) {
    assert.ok(g.has(group), `core.tsv has no group ${group}`);
    for (const name of g.get(group)) if (!(name in mx)) missing.push(`${group}: ${name}`);
  }
  assert.deepEqual(missing, [], `missing from mx:\n${missing.join('\n')}`);
});

test('every foundation name exists in mx and is in core.tsv', { skip: !haveTables && 'shared/mlx-api not beside the repository' }, () => {
  const all = new Set([...groups().values()].flatMap((s) => [...s]));
  for (const name of FOUNDATION) {
    assert.ok(name in mx, `mx.${name} is missing`);
    assert.ok(all.has(name) || name === 'copy', `${name} is not an MLX name`);
  }
});

// Every member of Python's mx.array (array_methods.tsv) exists on mx.array.prototype under its
// Python name, or its JS name (lib/array_methods.js JS_NAMES: the constructor, get/set for
// indexing), unless lib/array_methods.js PYTHON_ONLY lists it with the reason JS has no use
// for it (docs/api.md, "The array object").
test('every member of mx.array in array_methods.tsv exists, or is documented as Python-only', { skip: !haveTables && 'shared/mlx-api not beside the repository' }, (t) => {
  const { PYTHON_ONLY, JS_NAMES } = require('../../lib/array_methods');
  const rows = fs.readFileSync(path.join(tables, 'array_methods.tsv'), 'utf8').trim().split('\n').slice(1);
  const members = rows.map((line) => line.split('\t')[0]);
  assert.equal(members.length, 117, 'array_methods.tsv lists 117 members');
  // The Python-only list names real members, each with a reason, and none that mlxjs has.
  const proto = mx.array.prototype;
  for (const [name, why] of Object.entries(PYTHON_ONLY)) {
    assert.ok(members.includes(name), `PYTHON_ONLY names ${name}, which is not an mx.array member`);
    assert.ok(typeof why === 'string' && why.length > 20, `PYTHON_ONLY.${name} needs a reason`);
    assert.ok(!(name in proto), `${name} exists on mx.array.prototype but is listed as Python-only`);
  }
  const missing = [];
  for (const name of members) {
    if (name in PYTHON_ONLY) continue;
    const js = JS_NAMES[name] || name;
    if (name === '__init__') {
      if (typeof mx.array !== 'function' || proto.constructor !== mx.array) missing.push('__init__ (mx.array as the constructor)');
    } else if (!(js in proto)) {
      missing.push(js === name ? name : `${name} (as ${js})`);
    }
  }
  if (!(Symbol.iterator in proto)) missing.push('__iter__ (as [Symbol.iterator])');
  if (!(Symbol.toPrimitive in proto)) missing.push('[Symbol.toPrimitive] (what `a + b` meets)');
  t.diagnostic(`mx.array: ${members.length - Object.keys(PYTHON_ONLY).length - missing.length} of ` +
    `${members.length - Object.keys(PYTHON_ONLY).length} members present; Python-only: ${Object.keys(PYTHON_ONLY).join(', ')}`);
  assert.deepEqual(missing, [], `missing from mx.array.prototype (${missing.length}):\n  ${missing.join('\n  ')}`);
});
