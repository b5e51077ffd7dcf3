'use strict';
// mlx.utils (require('mlxjs').utils): the tree functions with MLX's key paths, checked against
// the values MLX's documentation and python/mlx/utils.py give, round trips, the options rule
// (a trailing plain object is keywords only when all its keys are keyword names), and errors.
const test = require('node:test');
const assert = require('node:assert/strict');
const lib = require('../../lib');
const { utils } = lib;
const mx = lib.core;
const { throwsWith } = require('./helpers/check');

const { tree_flatten, tree_unflatten, tree_map, tree_map_with_path, tree_reduce, tree_merge } = utils;

test('exported as require("mlxjs").utils and from the ESM entry', async () => {
  assert.deepEqual(Object.keys(utils).filter((k) => k.startsWith('tree_')).sort(),
    ['tree_flatten', 'tree_map', 'tree_map_with_path', 'tree_merge', 'tree_reduce', 'tree_unflatten']);
  const esm = await import('../../lib/index.mjs');
  assert.equal(esm.utils.tree_flatten, tree_flatten);
});

test('tree_flatten: MLX key paths, prefix, is_leaf, destination', () => {
  assert.deepEqual(tree_flatten([[[0]]]), [['0.0.0', 0]]);
  assert.deepEqual(tree_flatten([[[0]]], '.hello'), [['hello.0.0.0', 0]]);
  const tree = { model: [{ w: 1, b: 2 }, { w: 3, b: 4 }], scale: 5, empty: [], none: null };
  assert.deepEqual(tree_flatten(tree), [
    ['model.0.w', 1], ['model.0.b', 2], ['model.1.w', 3], ['model.1.b', 4], ['scale', 5], ['none', null],
  ]);
  // A leaf at the root has the empty key.
  assert.deepEqual(tree_flatten(7), [['', 7]]);
  // mx.arrays, Maps and class instances are leaves.
  const a = mx.array([1, 2]);
  const m = new Map([['k', 1]]);
  const flat = tree_flatten({ a, m });
  assert.equal(flat[0][1], a);
  assert.equal(flat[1][1], m);
  // is_leaf stops the descent.
  assert.deepEqual(tree_flatten({ a: [1, 2], b: { c: 3 } }, '', (x) => Array.isArray(x)), [['a', [1, 2]], ['c', 3]].map(([k, v], i) => (i ? ['b.c', v] : [k, v])));
  assert.deepEqual(tree_flatten({ a: [1, 2] }, { is_leaf: (x) => Array.isArray(x) }), [['a', [1, 2]]]);
  // destination: an object (dict) or an Array, filled and returned.
  const dest = {};
  assert.equal(tree_flatten({ a: [1, { b: 2 }] }, { destination: dest }), dest);
  assert.deepEqual(dest, { 'a.0': 1, 'a.1.b': 2 });
  const list = [['x', 0]];
  tree_flatten([1], '', null, list);
  assert.deepEqual(list, [['x', 0], ['0', 1]]);
  throwsWith(() => tree_flatten({ a: 1 }, { destination: 3 }), TypeError, /\[tree_flatten\] Destination should be either an Array, a plain object or null/);
  throwsWith(() => tree_flatten({ a: 1 }, 3), TypeError, /\[tree_flatten\] argument 'prefix' must be a string/);
  throwsWith(() => tree_flatten(), TypeError, /\[tree_flatten\] missing required argument 'tree'/);
});

test('tree_unflatten: the inverse of tree_flatten, Arrays from integer keys', () => {
  assert.deepEqual(tree_unflatten([['hello.world', 42]]), { hello: { world: 42 } });
  const trees = [
    { model: [{ w: 1, b: 2 }, { w: 3, b: [4, 5] }], scale: 6 },
    [[1, 2], { a: [3] }],
    { x: { y: { z: 'deep' } } },
  ];
  for (const t of trees) {
    assert.deepEqual(tree_unflatten(tree_flatten(t)), t);
    assert.deepEqual(tree_unflatten(tree_flatten(t, { destination: {} })), t);
  }
  // Indices are sorted numerically; gaps are filled with empty objects (as MLX does).
  assert.deepEqual(tree_unflatten([['2', 'c'], ['10', 'k'], ['0', 'a']]),
    ['a', {}, 'c', {}, {}, {}, {}, {}, {}, {}, 'k']);
  assert.deepEqual(tree_unflatten([['', 5]]), 5);
  throwsWith(() => tree_unflatten([['a', 1], 'b']), TypeError, /\[tree_unflatten\] Expected \[key, value\] pairs/);
  throwsWith(() => tree_unflatten(3), TypeError, /\[tree_unflatten\] Expected an Array of \[key, value\] pairs or a plain object/);
  throwsWith(() => tree_unflatten([]), RangeError, /\[tree_unflatten\] Cannot unflatten an empty tree/);
  throwsWith(() => tree_unflatten([['0', 1], ['a', 2]]), TypeError, /mixes list indices and names/);
});

test('tree_map and tree_map_with_path', () => {
  assert.deepEqual(tree_map((x) => x * x, { a: [1, 2], b: { c: 3 } }), { a: [1, 4], b: { c: 9 } });
  // Extra trees are walked along the first (supersets allowed).
  assert.deepEqual(tree_map((x, y, z) => x + y + z, { a: 1, b: [2] }, { a: 10, b: [20], extra: 0 }, { a: 100, b: [200] }),
    { a: 111, b: [222] });
  throwsWith(() => tree_map((x, y) => x + y, { a: 1, b: 2 }, { a: 1 }), TypeError, /\[tree_map\] an extra tree has no element 'b'/);
  // is_leaf
  assert.deepEqual(tree_map((x) => x.length, { a: [1, 2, 3], b: [[4]] }, { is_leaf: Array.isArray }), { a: 3, b: 1 });
  // mx.arrays are leaves
  const r = tree_map((x) => mx.multiply(x, 2), { w: mx.array([1, 2]), b: [mx.array(3)] });
  assert.deepEqual(r.w.tolist(), [2, 4]);
  assert.equal(r.b[0].item(), 6);
  // Paths, as MLX's example prints them.
  const paths = [];
  tree_map_with_path((p) => paths.push(p), { model: [{ w: 0, b: 1 }, { w: 0, b: 1 }] });
  assert.deepEqual(paths, ['model.0.w', 'model.0.b', 'model.1.w', 'model.1.b']);
  assert.deepEqual(tree_map_with_path((p, x, y) => `${p}=${x + y}`, [1, { a: 2 }], [10, { a: 20 }]), ['0=11', { a: '1.a=22' }]);
  assert.deepEqual(tree_map_with_path((p, x) => p, { a: 1 }, { path: 'root' }), { a: 'root.a' });
  assert.equal(tree_map_with_path((p, x) => p, 5), null);
  throwsWith(() => tree_map(3, {}), TypeError, /\[tree_map\] argument 'fn' must be a function/);
  throwsWith(() => tree_map((x) => x, { a: 1 }, { is_leaf: 3 }), TypeError, /\[tree_map\] argument 'is_leaf' must be a function or null/);
});

test('tree_reduce', () => {
  assert.equal(tree_reduce((acc, x) => acc + x, { a: [1, 2, 3], b: [4, 5] }, 0), 15);
  // Without an initializer the first leaf starts the reduction.
  assert.equal(tree_reduce((acc, x) => acc * x, [2, [3, { a: 4 }]]), 24);
  assert.equal(tree_reduce((acc, x) => acc + x, { a: [1, 2], b: [3] }, { initializer: 10 }), 16);
  assert.equal(tree_reduce((acc, x) => acc + x.length, { a: [1, 2], b: [3] }, 0, Array.isArray), 3);
  assert.equal(tree_reduce((acc, x) => acc + x, [], 5), 5);
  assert.equal(tree_reduce((acc, x) => acc + x, []), undefined);
  const total = tree_reduce((acc, x) => mx.add(acc, mx.sum(x)), { w: mx.array([1, 2]), b: mx.array(3) }, mx.array(0));
  assert.equal(total.item(), 6);
});

test('tree_merge', () => {
  assert.deepEqual(tree_merge({ a: 1, b: { c: 2 } }, { b: { d: 3 }, e: 4 }), { a: 1, b: { c: 2, d: 3 }, e: 4 });
  assert.deepEqual(tree_merge([1, null, 3], [null, 2]), [1, 2, 3]);
  assert.deepEqual(tree_merge({}, { a: 1 }), { a: 1 });
  assert.deepEqual(tree_merge([], [1]), [1]);
  // Two empty places are a conflict too, as in MLX (None and None).
  throwsWith(() => tree_merge(null, null), Error, /\[tree_merge\] Trees contain elements/);
  throwsWith(() => tree_merge({ a: 1 }, { a: 2 }), Error, /\[tree_merge\] Trees contain elements at the same locations but no merge function was provided/);
  assert.deepEqual(tree_merge({ a: 1 }, { a: 2 }, (x, y) => x + y), { a: 3 });
  assert.deepEqual(tree_merge({ a: 1 }, { a: 2 }, { merge_fn: (x, y) => [x, y] }), { a: [1, 2] });
});

test('a trailing plain object is a tree unless all its keys are keyword names', () => {
  // {prefix: ...} alone would be read as keywords; any other key makes it a tree.
  assert.deepEqual(tree_flatten({ prefix: 1, other: 2 }), [['prefix', 1], ['other', 2]]);
  assert.deepEqual(tree_flatten({ a: 1 }, { prefix: '.p' }), [['p.a', 1]]);
  assert.deepEqual(tree_map((x, y) => x + y, { a: 1 }, { a: 2 }), { a: 3 });
  assert.deepEqual(tree_flatten({}), []);
});
