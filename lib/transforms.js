'use strict';
// mx function transforms (the `transforms` group of the signature table): grad,
// value_and_grad, vjp, jvp, vmap, stop_gradient, depends, checkpoint, custom_function and
// compile. The engine side is src/mlx/autograd.h (binding: src/node/transforms_binding.cpp).
//
// User functions take and return trees as JS users write them: Arrays (Python's lists and
// tuples) and plain objects (dicts) of mx.arrays; other leaves (numbers, strings, null,
// class instances) pass through untouched. Here the trees are flattened into the list of
// arrays the engine traces, and rebuilt around the traced results: the engine calls a flat
// function (Array of arrays -> Array of arrays) that rebuilds the user's arguments around
// the tracers, calls the user function and flattens what it returns.
const args = require('./args');
const { isDict } = require('./utils');

const NAMES = ['grad', 'value_and_grad', 'vjp', 'jvp', 'vmap', 'stop_gradient', 'depends',
  'checkpoint', 'custom_function', 'compile', 'disable_compile', 'enable_compile'];

let isArray = () => false;
const describe = (x) => args.describe(x);

// ---- trees ---------------------------------------------------------------------------------

// Appends the mx.arrays of a tree to `out`. With `strict` (a message prefix), any other leaf
// is a TypeError.
function flattenArrays(tree, out, strict) {
  if (isArray(tree)) out.push(tree);
  else if (Array.isArray(tree)) for (const t of tree) flattenArrays(t, out, strict);
  else if (isDict(tree)) for (const k of Object.keys(tree)) flattenArrays(tree[k], out, strict);
  else if (strict) throw new TypeError(`${strict} should contain only arrays (in Arrays and plain objects), got ${describe(tree)}`);
  return out;
}

// A copy of the tree with its mx.array leaves replaced, in order, by arrays[pos.i++].
function substitute(tree, arrays, pos = { i: 0 }) {
  if (isArray(tree)) return arrays[pos.i++];
  if (Array.isArray(tree)) return tree.map((t) => substitute(t, arrays, pos));
  if (isDict(tree)) {
    const out = {};
    for (const k of Object.keys(tree)) out[k] = substitute(tree[k], arrays, pos);
    return out;
  }
  return tree;
}

function needFunction(f, fn, name = 'fun') {
  if (typeof f !== 'function') throw new TypeError(`[${fn}] argument '${name}' must be a function, got ${describe(f)}`);
}

function shapeText(shape) {
  return `(${shape.join(',')})`;
}

// ---- grad / value_and_grad -----------------------------------------------------------------

function intList(v, fn, name) {
  const list = typeof v === 'number' || typeof v === 'bigint' ? [v] : v;
  if (!Array.isArray(list)) throw new TypeError(`[${fn}] argument '${name}' must be an int or an Array of ints, got ${describe(v)}`);
  return list.map((x) => {
    const n = typeof x === 'bigint' ? Number(x) : x;
    if (!Number.isInteger(n)) throw new TypeError(`[${fn}] argument '${name}' must contain integers, got ${describe(x)}`);
    return n;
  });
}

function nameList(v, fn) {
  if (v === undefined || v === null) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
    throw new TypeError(`[${fn}] argument 'argnames' must be a string or an Array of strings, got ${describe(v)}`);
  }
  return [...new Set(list)];
}

// The function behind grad (scalarOnly) and value_and_grad, after MLX's py_value_and_grad.
function makeValueAndGrad(mx, native, fun, argnumsIn, argnamesIn, tag) {
  const scalarOnly = tag === 'grad';
  const T = `[${tag}]`;
  needFunction(fun, tag);
  const argnames = nameList(argnamesIn, tag);
  let argnums;
  if (argnumsIn === undefined || argnumsIn === null) argnums = argnames.length ? [] : [0];
  else argnums = intList(argnumsIn, tag, 'argnums');
  if (argnums.length === 0 && argnames.length === 0) throw new Error(`${T} Gradient wrt no argument requested`);
  argnums = [...argnums].sort((a, b) => a - b);
  if (argnums.length && argnums[0] < 0) {
    throw new RangeError(`${T} Can't compute the gradient of negative argument index ${argnums[0]}`);
  }
  for (let i = 1; i < argnums.length; i++) {
    if (argnums[i] === argnums[i - 1]) throw new Error(`${T} Duplicate argument index ${argnums[i]} is not allowed.`);
  }

  return function valueAndGrad(...callArgs) {
    if (argnums.length && argnums[argnums.length - 1] >= callArgs.length) {
      throw new RangeError(`${T} Can't compute the gradient of argument index ${argnums[argnums.length - 1]} ` +
        `because the function is called with only ${callArgs.length} positional arguments.`);
    }
    // Keyword arguments, as a JS function takes them: a trailing plain object.
    let kwargs = null;
    if (argnames.length) {
      const last = callArgs[callArgs.length - 1];
      kwargs = isDict(last) ? last : {};
      for (const k of argnames) {
        if (!Object.prototype.hasOwnProperty.call(kwargs, k)) {
          throw new Error(`${T} Can't compute the gradient of keyword argument '${k}' because the function is ` +
            `called with the following keyword arguments {${Object.keys(kwargs).join(',')}} (a trailing plain object).`);
        }
      }
    }
    // The arrays to differentiate: the argnums arguments, then the argnames entries.
    const primals = [];
    const counts = [];
    for (const i of argnums) {
      const n = primals.length;
      flattenArrays(callArgs[i], primals, `${T} Argument ${i}`);
      counts.push(primals.length - n);
    }
    for (const k of argnames) {
      const n = primals.length;
      flattenArrays(kwargs[k], primals, `${T} Keyword argument '${k}'`);
      counts.push(primals.length - n);
    }

    let aux = null;  // the non-loss part of the value, with its arrays
    const flat = (tracers) => {
      const a = callArgs.slice();
      let off = 0;
      for (let j = 0; j < argnums.length; j++) {
        a[argnums[j]] = substitute(callArgs[argnums[j]], tracers.slice(off, off + counts[j]));
        off += counts[j];
      }
      if (argnames.length) {
        const kw = { ...kwargs };
        for (let j = 0; j < argnames.length; j++) {
          const c = counts[argnums.length + j];
          kw[argnames[j]] = substitute(kwargs[argnames[j]], tracers.slice(off, off + c));
          off += c;
        }
        a[callArgs.length - 1] = kw;
      }
      const out = fun(...a);
      let loss;
      if (isArray(out)) {
        loss = out;
        aux = null;
      } else if (scalarOnly) {
        throw new TypeError(`${T} The return value of the function whose gradient we want to compute should be a ` +
          `scalar array; but ${describe(out)} was returned.`);
      } else if (!Array.isArray(out)) {
        throw new TypeError(`${T} The return value of the function whose gradient we want to compute should be either a ` +
          `scalar array or an Array whose first element is a scalar array; but ${describe(out)} was returned.`);
      } else if (out.length === 0) {
        throw new TypeError(`${T} The return value of the function whose gradient we want to compute should be either a ` +
          'scalar array or a non-empty Array whose first element is a scalar array; but an empty Array was returned.');
      } else if (!isArray(out[0])) {
        throw new TypeError(`${T} The return value of the function whose gradient we want to compute should be either a ` +
          `scalar array or an Array whose first element is a scalar array; but its first element is ${describe(out[0])}.`);
      } else {
        loss = out[0];
        aux = out.slice(1);
      }
      if (loss.ndim !== 0) {
        throw new Error(`${T} The function must return a scalar loss (an array of shape ()), but it returned an ` +
          `array of shape ${shapeText(loss.shape)}.`);
      }
      const outs = [loss];
      if (aux) for (const x of flattenArrays(aux, [], null)) outs.push(mx.stop_gradient(x));
      return outs;
    };
    const [outs, grads] = native.vjp(flat, primals, [mx.array(1, mx.float32)]);
    const value = aux === null ? outs[0] : [outs[0], ...substitute(aux, outs.slice(1))];

    let off = 0;
    const take = (tree, c) => {
      const r = substitute(tree, grads.slice(off, off + c));
      off += c;
      return r;
    };
    let positional = null;
    if (argnums.length === 1) positional = take(callArgs[argnums[0]], counts[0]);
    else if (argnums.length > 1) positional = argnums.map((i, j) => take(callArgs[i], counts[j]));
    let g = positional;
    if (argnames.length) {
      const kw = {};
      argnames.forEach((k, j) => { kw[k] = take(kwargs[k], counts[argnums.length + j]); });
      g = [positional, kw];
    }
    return [value, g];
  };
}

// ---- flat functions for vjp/jvp/vmap ---------------------------------------------------------

// The outputs of a user function as a flat Array of arrays (a single array or a tree).
function flatOutputs(out, tag) {
  if (isArray(out)) return [out];
  const list = flattenArrays(out, [], null);
  if (list.length === 0) {
    throw new TypeError(`[${tag}] The function must return an array or a tree of arrays, got ${describe(out)}`);
  }
  return list;
}

function arrayList(v, fn, name, toArray) {
  if (!Array.isArray(v)) throw new TypeError(`[${fn}] argument '${name}' must be an Array of arrays, got ${describe(v)}`);
  return v.map((x) => toArray(x, fn));
}

// ---- vmap -----------------------------------------------------------------------------------

function axisValue(x, ax, isOut, flat, name) {
  if (ax === null || ax === undefined) {
    flat.push(-1);
    return;
  }
  if (Array.isArray(ax) && ax.length === 1 && (ax[0] === null || Number.isInteger(ax[0]))) {
    axisValue(x, ax[0], isOut, flat, name);
    return;
  }
  if (typeof ax === 'bigint') ax = Number(ax);
  if (!Number.isInteger(ax)) throw new TypeError(`[vmap] ${name} must be an int or null for each array, got ${describe(ax)}`);
  if (x.ndim === 0 && !isOut) throw new Error('[vmap] Cannot vmap an input with zero dimensions.');
  const nd = x.ndim + (isOut ? 1 : 0);
  const a = ax < 0 ? ax + nd : ax;
  if (a < 0 || a >= nd) {
    throw new RangeError(`[vmap] Invalid${isOut ? ' output ' : ' '}vectorization axis ${ax} for array with shape ${shapeText(x.shape)}`);
  }
  flat.push(a);
}

// One axis per array of `tree`, from `axes`: an int or null for a whole subtree, or a tree
// prefix of the same structure.
function flatAxes(tree, axes, isOut, name, flat = []) {
  if (isArray(tree)) {
    axisValue(tree, axes, isOut, flat, name);
  } else if (Array.isArray(tree)) {
    if (Array.isArray(axes)) {
      if (axes.length !== tree.length) {
        throw new Error(`[vmap] ${name} has ${axes.length} entries where the ${isOut ? 'outputs have' : 'arguments have'} ${tree.length}.`);
      }
      tree.forEach((t, i) => flatAxes(t, axes[i], isOut, name, flat));
    } else if (isDict(axes)) {
      throw new Error(`[vmap] ${name} is an object where the ${isOut ? 'outputs are' : 'arguments are'} an Array.`);
    } else {
      for (const t of tree) flatAxes(t, axes, isOut, name, flat);
    }
  } else if (isDict(tree)) {
    if (isDict(axes)) {
      for (const k of Object.keys(axes)) {
        if (!Object.prototype.hasOwnProperty.call(tree, k)) throw new Error(`[vmap] ${name} has the key '${k}' that the ${isOut ? 'outputs lack' : 'arguments lack'}.`);
      }
      for (const k of Object.keys(tree)) {
        if (!Object.prototype.hasOwnProperty.call(axes, k)) throw new Error(`[vmap] ${name} lacks the key '${k}'.`);
        flatAxes(tree[k], axes[k], isOut, name, flat);
      }
    } else if (Array.isArray(axes)) {
      throw new Error(`[vmap] ${name} is an Array where the ${isOut ? 'outputs are' : 'arguments are'} an object.`);
    } else {
      for (const k of Object.keys(tree)) flatAxes(tree[k], axes, isOut, name, flat);
    }
  }
  // Other leaves are not batched and take no axis.
  return flat;
}

// ---- install ----------------------------------------------------------------------------------

function install(mx) {
  const native = require('./native');
  const conv = require('./convert');
  const { toArray } = conv;
  isArray = conv.isArray;
  const S = (s, fn) => require('./device').streamIndex(s, fn);

  const NO_NAMES = { defaults: { argnames: Object.freeze([]) } };
  mx.value_and_grad = args.bind('value_and_grad', (fun, argnums, argnames) =>
    makeValueAndGrad(mx, native, fun, argnums, argnames, 'value_and_grad'), NO_NAMES);
  mx.grad = args.bind('grad', (fun, argnums, argnames) => {
    const vg = makeValueAndGrad(mx, native, fun, argnums, argnames, 'grad');
    return function gradFn(...a) { return vg(...a)[1]; };
  }, NO_NAMES);

  // vjp(fun, primals, cotangents) -> [outputs, vjps]: fun takes the primals as positional
  // arrays and returns an array or an Array of arrays.
  mx.vjp = args.bind('vjp', (fun, primals, cotangents) => {
    needFunction(fun, 'vjp');
    const p = arrayList(primals, 'vjp', 'primals', toArray);
    const c = arrayList(cotangents, 'vjp', 'cotangents', toArray);
    return native.vjp((tr) => flatOutputs(fun(...tr), 'vjp'), p, c);
  });
  mx.jvp = args.bind('jvp', (fun, primals, tangents) => {
    needFunction(fun, 'jvp');
    const p = arrayList(primals, 'jvp', 'primals', toArray);
    const t = arrayList(tangents, 'jvp', 'tangents', toArray);
    if (p.length !== t.length) throw new Error(`[jvp] Number of inputs (${p.length}) does not match number of tangents (${t.length}).`);
    return native.jvp((tr) => flatOutputs(fun(...tr), 'jvp'), p, t);
  });

  mx.vmap = args.bind('vmap', (fun, inAxes, outAxes) => {
    needFunction(fun, 'vmap');
    const ia = inAxes === undefined ? null : inAxes;  // null = given as None
    const oa = outAxes === undefined ? null : outAxes;
    return function vmapped(...callArgs) {
      const inputs = flattenArrays(callArgs, [], null);
      const tree = callArgs.length === 1 ? callArgs[0] : callArgs;
      const inFlat = flatAxes(tree, ia, false, 'in_axes');
      if (!inFlat.some((a) => a >= 0)) throw new Error('[vmap] At least one of in_axes must be non-null.');
      let outTree;
      const flat = (tracers) => {
        outTree = fun(...substitute(callArgs, tracers));
        return flattenArrays(outTree, [], null);
      };
      const [sIn, sOut] = native.vmap_trace(flat, inputs, inFlat);
      const outFlat = flatAxes(outTree, oa, true, 'out_axes');
      const outs = native.vmap_replace(inputs, sIn, sOut, inFlat, outFlat);
      return substitute(outTree, outs);
    };
  });

  mx.stop_gradient = args.bind('stop_gradient', (a, stream) =>
    native.stop_gradient(toArray(a, 'stop_gradient'), S(stream, 'stop_gradient')));

  // depends(inputs, dependencies): an array or an Array of arrays each.
  mx.depends = args.bind('depends', (inputs, deps) => {
    const one = isArray(inputs);
    const ins = one ? [inputs] : arrayList(inputs, 'depends', 'inputs', toArray);
    const ds = isArray(deps) ? [deps] : arrayList(deps, 'depends', 'dependencies', toArray);
    const out = native.depends(ins, ds);
    return one ? out[0] : out;
  });

  mx.checkpoint = args.bind('checkpoint', (fun) => {
    needFunction(fun, 'checkpoint');
    return function checkpointed(...callArgs) {
      const inputs = flattenArrays(callArgs, [], null);
      let outTree;
      const flat = (tracers) => {
        outTree = fun(...substitute(callArgs, tracers));
        return flatOutputs(outTree, 'checkpoint');
      };
      const outs = native.checkpoint(flat, inputs);
      return substitute(outTree, outs);
    };
  });

  mx.custom_function = makeCustomFunctionClass(native);
  installCompile(mx, native);
}

// ---- compile ----------------------------------------------------------------------------------

// The cache key of a call: the tree structure and the non-array leaves (MLX's constants), with
// the arrays collected in order.
function structureKey(x, arrays) {
  if (isArray(x)) {
    arrays.push(x);
    return 'A';
  }
  if (Array.isArray(x)) return `[${x.map((t) => structureKey(t, arrays)).join(',')}]`;
  if (isDict(x)) return `{${Object.keys(x).map((k) => `${JSON.stringify(k)}:${structureKey(x[k], arrays)}`).join(',')}}`;
  switch (typeof x) {
    case 'number': return Object.is(x, -0) ? 'n-0' : `n${x}`;
    case 'bigint': return `b${x}`;
    case 'string': return JSON.stringify(x);
    case 'boolean': return x ? 'T' : 'F';
    case 'undefined': return 'U';
    default: break;
  }
  if (x === null) return 'N';
  throw new TypeError(`[compile] Function arguments must be trees of arrays or constants (numbers, bigints, strings, booleans, null), but received ${describe(x)}.`);
}

// Replaces the arrays of a tree in place, in order (captured state such as mx.random.state).
// Only where `only(old)` holds when given.
function fillTree(tree, arrays, pos = { i: 0 }, only = null) {
  const visit = (holder, key) => {
    const v = holder[key];
    if (isArray(v)) {
      const next = arrays[pos.i++];
      if (only === null || only(v, pos.i - 1)) holder[key] = next;
    } else if (Array.isArray(v) || isDict(v)) {
      for (const k of Array.isArray(v) ? v.keys() : Object.keys(v)) visit(v, k);
    }
  };
  if (Array.isArray(tree)) for (let i = 0; i < tree.length; i++) visit(tree, i);
  else if (isDict(tree)) for (const k of Object.keys(tree)) visit(tree, k);
}

function checkCapture(tree, name) {
  if (tree === undefined || tree === null) return null;
  if (!Array.isArray(tree) && !isDict(tree)) {
    throw new TypeError(`[compile] argument '${name}' must be an Array or a plain object holding the captured arrays, got ${describe(tree)}`);
  }
  return tree;
}

function installCompile(mx, native) {
  let enabled = native.compile_mode();
  let nextId = 1;
  const registry = new FinalizationRegistry((id) => native.compile_erase(id));

  mx.disable_compile = args.bind('disable_compile', () => {
    enabled = native.compile_mode(false);
  });
  mx.enable_compile = args.bind('enable_compile', () => {
    enabled = native.compile_mode(true);
  });

  mx.compile = args.bind('compile', (fun, inputs, outputs, shapeless) => {
    needFunction(fun, 'compile');
    const capIn = checkCapture(inputs, 'inputs');
    const capOut = checkCapture(outputs, 'outputs');
    const id = nextId++;
    const structures = new Map();  // cached trace -> {outTree, nOut}
    const compiled = function compiledFunction(...callArgs) {
      if (!enabled) return fun(...callArgs);
      let arrays = callArgs;
      let key = null;
      // Fast path: every argument an array (the key is then the argument count).
      for (let i = 0; i < callArgs.length; i++) {
        if (!isArray(callArgs[i])) {
          arrays = [];
          key = structureKey(callArgs, arrays);
          break;
        }
      }
      if (key === null) key = `A${callArgs.length}`;
      const nArgs = arrays.length;
      const captured = capIn ? flattenArrays(capIn, [], null) : null;
      let trace = null;
      const flat = (tracers) => {
        // Captured inputs read the tracers while the function runs.
        const traced = capIn ? tracers.slice(nArgs) : null;
        if (capIn) fillTree(capIn, traced);
        try {
          const outTree = fun(...substitute(callArgs, nArgs === tracers.length ? tracers : tracers.slice(0, nArgs)));
          const outs = flattenArrays(outTree, [], null);
          trace = { outTree, nOut: outs.length };
          if (capOut) for (const x of flattenArrays(capOut, [], null)) outs.push(x);
          return outs;
        } finally {
          // Put the originals back where the function left the tracers.
          if (capIn) fillTree(capIn, captured, { i: 0 }, (old, i) => old === traced[i]);
        }
      };
      const res = captured
        ? native.compile_call(id, flat, key, shapeless === true, ...arrays, ...captured)
        : native.compile_call(id, flat, key, shapeless === true, ...arrays);
      const entry = native.compile_entry();
      let st = trace;
      if (entry) {
        if (trace) structures.set(entry, trace);
        else st = structures.get(entry);
      }
      const outs = isArray(res) ? [res] : res;
      if (capOut) fillTree(capOut, outs.slice(st.nOut));
      if (isArray(st.outTree)) return outs[0];
      return substitute(st.outTree, st.nOut === outs.length ? outs : outs.slice(0, st.nOut));
    };
    registry.register(compiled, id);
    Object.defineProperty(compiled, '_compileStats', { value: () => native.compile_stats(id) });
    return compiled;
  });
}

// ---- custom_function --------------------------------------------------------------------------

// mx.custom_function(f) (with or without `new`) is a function that behaves as f, with
// .vjp(fn), .jvp(fn) and .vmap(fn) to set its transforms (each returns the custom function, so
// they chain). The rules get trees shaped like f's arguments and outputs, as in Python:
//   vjp(primals, cotangents, outputs) -> cotangents of the primals (tree like the primals)
//   jvp(primals, tangents) -> tangents of the outputs (tangents is null where none is given)
//   vmap(inputs, axes) -> [outputs, out_axes] (axes is null for unbatched inputs)
// where primals/inputs is the single argument, or the Array of arguments when there are several.
function makeCustomFunctionClass(native) {
  function custom_function(f) {
    if (arguments.length !== 1) throw new TypeError(`[custom_function] takes 1 positional argument (${arguments.length} given)`);
    needFunction(f, 'custom_function', 'f');
    const rules = { vjp: null, jvp: null, vmap: null };
    const cf = function customFunction(...callArgs) {
      if (!rules.vjp && !rules.jvp && !rules.vmap) return f(...callArgs);
      const inputs = flattenArrays(callArgs, [], null);
      const primalTree = callArgs.length === 1 ? callArgs[0] : callArgs;
      let outTree;
      const flat = (tracers) => {
        outTree = f(...substitute(callArgs, tracers));
        return flatOutputs(outTree, 'custom_function');
      };
      const vjpFlat = rules.vjp && ((p, c, o) => {
        const r = rules.vjp(substitute(primalTree, p), substitute(outTree, c), substitute(outTree, o));
        return flattenArrays(r, [], null);
      });
      const jvpFlat = rules.jvp && ((p, t, argnums) => {
        const have = new Map(argnums.map((a, i) => [a, t[i]]));
        const tangents = new Array(p.length).fill(null).map((_, i) => (have.has(i) ? have.get(i) : null));
        const tanTree = substitute(primalTree, tangents);
        return flattenArrays(rules.jvp(substitute(primalTree, p), tanTree), [], null);
      });
      const vmapFlat = rules.vmap && ((inp, axes) => {
        const axTree = substitute(primalTree, axes.map((a) => (a >= 0 ? a : null)));
        const r = rules.vmap(substitute(primalTree, inp), axTree);
        if (!Array.isArray(r) || r.length !== 2) {
          throw new TypeError(`[custom_function.vmap] The vmap function must return [outputs, axes], got ${describe(r)}`);
        }
        const outs = flattenArrays(r[0], [], null);
        const outAx = [];
        flatAxes(r[0], r[1], false, 'the returned axes', outAx);
        return [outs, outAx];
      });
      const outs = native.custom_function(flat, vjpFlat, jvpFlat, vmapFlat, inputs);
      return substitute(outTree, outs);
    };
    for (const kind of ['vjp', 'jvp', 'vmap']) {
      Object.defineProperty(cf, kind, {
        value: function setRule(fn) {
          needFunction(fn, `custom_function.${kind}`, 'f');
          rules[kind] = fn;
          return cf;
        },
        enumerable: false,
      });
    }
    Object.setPrototypeOf(cf, custom_function.prototype);
    return cf;
  }
  Object.setPrototypeOf(custom_function.prototype, Function.prototype);
  return custom_function;
}

module.exports = { install, NAMES, flattenArrays, substitute, flatAxes };
