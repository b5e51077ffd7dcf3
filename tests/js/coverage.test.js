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
const COMPLETE = ['elementwise-unary', 'elementwise-binary', 'reduction'];
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
