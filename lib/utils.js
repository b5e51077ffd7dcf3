'use strict';
// mlx.utils for JS: `require('mlxjs').utils`. A tree is what Python MLX calls a tree, written
// the JS way: Arrays are its lists and tuples, plain objects (prototype Object.prototype or
// null) its dicts; anything else (an mx.array, a number, a Map, a class instance, null) is a
// leaf. Key paths are MLX's dotted paths ('layers.0.weight').
//
// Trees are usually plain objects, so the project's trailing-options rule would misread them:
// here a trailing plain object is taken as keyword arguments only when it has at least one key
// and every key is a keyword parameter of that function (e.g. {is_leaf: f}); otherwise it is a
// tree. docs/api.md says the same.

const OBJ_PROTO = Object.prototype;

function isDict(x) {
  if (typeof x !== 'object' || x === null) return false;
  const p = Object.getPrototypeOf(x);
  return p === OBJ_PROTO || p === null;
}
const isList = Array.isArray;

function describe(x) {
  return require('./args').describe(x);
}

// Splits (...args) into positionals and an options object of the given keyword names.
function splitOptions(fn, argv, keys) {
  const n = argv.length;
  if (n > 0 && isDict(argv[n - 1])) {
    const o = argv[n - 1];
    const ks = Object.keys(o);
    if (ks.length > 0 && ks.every((k) => keys.includes(k))) return [argv.slice(0, n - 1), o];
  }
  return [argv, {}];
}

function optFunction(v, fn, name) {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'function') throw new TypeError(`[${fn}] argument '${name}' must be a function or null, got ${describe(v)}`);
  return v;
}

function needFunction(v, fn, name) {
  if (typeof v !== 'function') throw new TypeError(`[${fn}] argument '${name}' must be a function, got ${describe(v)}`);
  return v;
}

// A child of each tree in `rest` at the same place (rest trees are supersets of the main one).
function restChild(rest, key, fn) {
  return rest.map((r) => {
    const ok = isList(r) ? typeof key === 'number' && key < r.length
      : isDict(r) && Object.prototype.hasOwnProperty.call(r, key);
    if (!ok) throw new TypeError(`[${fn}] an extra tree has no element '${key}' where the first tree has one`);
    return r[key];
  });
}

function treeMapImpl(fn, tree, rest, isLeaf, who) {
  if (isLeaf !== null && isLeaf(tree)) return fn(tree, ...rest);
  if (isList(tree)) return tree.map((child, i) => treeMapImpl(fn, child, restChild(rest, i, who), isLeaf, who));
  if (isDict(tree)) {
    const out = {};
    for (const k of Object.keys(tree)) out[k] = treeMapImpl(fn, tree[k], restChild(rest, k, who), isLeaf, who);
    return out;
  }
  return fn(tree, ...rest);
}

// tree_map(fn, tree, *rest, is_leaf=None)
function tree_map(fn, tree, ...more) {
  const [pos, o] = splitOptions('tree_map', [tree, ...more], ['is_leaf']);
  needFunction(fn, 'tree_map', 'fn');
  if (pos.length === 0) throw new TypeError("[tree_map] missing required argument 'tree'");
  return treeMapImpl(fn, pos[0], pos.slice(1), optFunction(o.is_leaf, 'tree_map', 'is_leaf'), 'tree_map');
}

function treeMapPathImpl(fn, tree, rest, isLeaf, path) {
  if (isLeaf !== null && isLeaf(tree)) return fn(path, tree, ...rest);
  const prefix = path ? `${path}.` : '';
  if (isList(tree)) {
    return tree.map((child, i) => treeMapPathImpl(fn, child, restChild(rest, i, 'tree_map_with_path'), isLeaf, `${prefix}${i}`));
  }
  if (isDict(tree)) {
    const out = {};
    for (const k of Object.keys(tree)) {
      out[k] = treeMapPathImpl(fn, tree[k], restChild(rest, k, 'tree_map_with_path'), isLeaf, `${prefix}${k}`);
    }
    return out;
  }
  return fn(path, tree, ...rest);
}

// tree_map_with_path(fn, tree, *rest, is_leaf=None, path=None)
function tree_map_with_path(fn, tree, ...more) {
  const [pos, o] = splitOptions('tree_map_with_path', [tree, ...more], ['is_leaf', 'path']);
  needFunction(fn, 'tree_map_with_path', 'fn');
  if (pos.length === 0) throw new TypeError("[tree_map_with_path] missing required argument 'tree'");
  const path = o.path === undefined ? null : o.path;
  return treeMapPathImpl(fn, pos[0], pos.slice(1), optFunction(o.is_leaf, 'tree_map_with_path', 'is_leaf'), path);
}

function flattenInto(tree, prefix, isLeaf, add) {
  if (isLeaf === null || !isLeaf(tree)) {
    if (isList(tree)) {
      for (let i = 0; i < tree.length; i++) flattenInto(tree[i], `${prefix}.${i}`, isLeaf, add);
      return;
    }
    if (isDict(tree)) {
      for (const k of Object.keys(tree)) flattenInto(tree[k], `${prefix}.${k}`, isLeaf, add);
      return;
    }
  }
  add(prefix.slice(1), tree);
}

// tree_flatten(tree, prefix='', is_leaf=None, destination=None): [[key, value], ...], or the
// destination object filled with key: value. As in MLX the first character of prefix is
// dropped ('.hello' gives 'hello.0').
function tree_flatten(...argv) {
  const [pos, o] = splitOptions('tree_flatten', argv, ['prefix', 'is_leaf', 'destination']);
  if (pos.length === 0) throw new TypeError("[tree_flatten] missing required argument 'tree'");
  if (pos.length > 4) throw new TypeError(`[tree_flatten] takes at most 4 positional arguments (${pos.length} given)`);
  const [tree, p1, p2, p3] = pos;
  const prefix = o.prefix !== undefined ? o.prefix : p1 === undefined ? '' : p1;
  if (typeof prefix !== 'string') throw new TypeError(`[tree_flatten] argument 'prefix' must be a string, got ${describe(prefix)}`);
  const isLeaf = optFunction(o.is_leaf !== undefined ? o.is_leaf : p2, 'tree_flatten', 'is_leaf');
  let dest = o.destination !== undefined ? o.destination : p3;
  if (dest === undefined || dest === null) dest = [];
  let add;
  if (isList(dest)) add = (k, v) => { dest.push([k, v]); };
  else if (isDict(dest)) add = (k, v) => { dest[k] = v; };
  else throw new TypeError('[tree_flatten] Destination should be either an Array, a plain object or null.');
  flattenInto(tree, prefix, isLeaf, add);
  return dest;
}

function unflattenImpl(items) {
  if (items.length === 1 && items[0][0] === '') return items[0][1];
  const first = items[0][0].split('.', 1)[0];
  const isIndex = /^[+-]?\d+$/.test(first.trim());
  const children = new Map();
  for (const [key, value] of items) {
    const dot = key.indexOf('.');
    const cur = dot < 0 ? key : key.slice(0, dot);
    const next = dot < 0 ? '' : key.slice(dot + 1);
    if (!children.has(cur)) children.set(cur, []);
    children.get(cur).push([next, value]);
  }
  if (isIndex) {
    const keys = [...children.keys()].map((k) => {
      if (!/^[+-]?\d+$/.test(k.trim())) throw new TypeError(`[tree_unflatten] Key '${k}' mixes list indices and names at one level.`);
      return [parseInt(k, 10), k];
    });
    keys.sort((a, b) => a[0] - b[0]);
    const out = [];
    for (const [i, k] of keys) {
      while (out.length < i) out.push({});
      out.push(unflattenImpl(children.get(k)));
    }
    return out;
  }
  const out = {};
  for (const [k, v] of children) out[k] = unflattenImpl(v);
  return out;
}

// tree_unflatten(tree): from [[key, value], ...] or {key: value}.
function tree_unflatten(tree) {
  if (arguments.length !== 1) throw new TypeError(`[tree_unflatten] takes 1 positional argument (${arguments.length} given)`);
  let items;
  if (isList(tree)) {
    items = tree;
    for (const it of items) {
      if (!isList(it) || it.length !== 2 || typeof it[0] !== 'string') {
        throw new TypeError(`[tree_unflatten] Expected [key, value] pairs with string keys, got ${describe(it)}`);
      }
    }
  } else if (isDict(tree)) {
    items = Object.entries(tree);
  } else {
    throw new TypeError(`[tree_unflatten] Expected an Array of [key, value] pairs or a plain object, got ${describe(tree)}`);
  }
  if (items.length === 0) throw new RangeError('[tree_unflatten] Cannot unflatten an empty tree.');
  return unflattenImpl(items);
}

function reduceImpl(fn, tree, acc, isLeaf) {
  if (isLeaf !== null && isLeaf(tree)) return acc === undefined ? tree : fn(acc, tree);
  if (isList(tree)) {
    for (const item of tree) acc = reduceImpl(fn, item, acc, isLeaf);
    return acc;
  }
  if (isDict(tree)) {
    for (const k of Object.keys(tree)) acc = reduceImpl(fn, tree[k], acc, isLeaf);
    return acc;
  }
  return acc === undefined ? tree : fn(acc, tree);
}

// tree_reduce(fn, tree, initializer=None, is_leaf=None). As in Python, a missing (or null)
// initializer starts from the first leaf.
function tree_reduce(fn, ...argv) {
  const [pos, o] = splitOptions('tree_reduce', argv, ['initializer', 'is_leaf']);
  needFunction(fn, 'tree_reduce', 'fn');
  if (pos.length === 0) throw new TypeError("[tree_reduce] missing required argument 'tree'");
  const [tree, p2, p3] = pos;
  let init = o.initializer !== undefined ? o.initializer : p2;
  if (init === null) init = undefined;
  const isLeaf = optFunction(o.is_leaf !== undefined ? o.is_leaf : p3, 'tree_reduce', 'is_leaf');
  return reduceImpl(fn, tree, init, isLeaf);
}

function isEmptyNode(x) {
  return (isList(x) && x.length === 0) || (isDict(x) && Object.keys(x).length === 0);
}

function mergeImpl(a, b, mergeFn) {
  if (isEmptyNode(a)) a = null;
  if (isEmptyNode(b)) b = null;
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null && b !== null) return b;
  if (a !== null && b === null) return a;
  if (isList(a) && isList(b)) {
    const n = Math.max(a.length, b.length);
    const out = [];
    for (let i = 0; i < n; i++) out.push(mergeImpl(a[i], b[i], mergeFn));
    return out;
  }
  if (isDict(a) && isDict(b)) {
    const out = {};
    const keys = [...Object.keys(a)];
    for (const k of Object.keys(b)) if (!Object.prototype.hasOwnProperty.call(a, k)) keys.push(k);
    for (const k of keys) out[k] = mergeImpl(a[k], b[k], mergeFn);
    return out;
  }
  if (mergeFn === null) {
    throw new Error('[tree_merge] Trees contain elements at the same locations but no merge function was provided');
  }
  return mergeFn(a, b);
}

// tree_merge(tree_a, tree_b, merge_fn=None)
function tree_merge(treeA, treeB, ...more) {
  const [pos, o] = splitOptions('tree_merge', [treeA, treeB, ...more], ['merge_fn']);
  if (pos.length > 3) throw new TypeError(`[tree_merge] takes at most 3 positional arguments (${pos.length} given)`);
  const mergeFn = optFunction(o.merge_fn !== undefined ? o.merge_fn : pos[2], 'tree_merge', 'merge_fn');
  return mergeImpl(pos[0], pos[1], mergeFn);
}

const NAMES = ['tree_map', 'tree_map_with_path', 'tree_flatten', 'tree_unflatten', 'tree_reduce', 'tree_merge'];

module.exports = { tree_map, tree_map_with_path, tree_flatten, tree_unflatten, tree_reduce, tree_merge, NAMES, isDict };
