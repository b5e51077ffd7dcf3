'use strict';
// Python's subscripts for mx.array in JS (docs/api.md, "Indexing"):
//
//   a.get(...idx)              a[idx]
//   a.set(...idx, value)       a[idx] = value      (in place: the object is rebound, returns a)
//   a.at(...idx).add(value)    a.at[idx].add(value) (a new array; also subtract, multiply,
//                                                    divide, maximum, minimum)
//
// Each argument is one component of Python's index tuple: an integer; a slice written
// 'start:stop:step' (parts optional) or {start, stop, step}; '...'; null (mx.newaxis); an
// integer index array (mx.array, nested JS array, TypedArray). A string with commas holds
// several components ('1:3, ::-1, ...'); integer literals and 'None' may appear in it too.
//
// Semantics follow MLX's python/src/indexing.cpp with NumPy's rules: integers, slices, new axes
// and the ellipsis give one view (no copy); index arrays (integers among them count as 0-d
// arrays) broadcast together and gather, their dims in place when they are adjacent, first
// otherwise; writes use slice_update (basic indices), scatter (index arrays) or masked_scatter
// (a boolean mask alone). Boolean indices are rejected on reads, as in MLX.
const args = require('./args');

const ELLIPSIS = Symbol('ellipsis');
const INT_RE = /^[+-]?\d+$/;

// ---- parsing ---------------------------------------------------------------------------------

function kindError(fn, v) {
  return new TypeError(`[${fn}] Cannot index mlx array using ${args.describe(v)}: valid indices are ` +
    "integers, slices ('start:stop:step' or {start, stop, step}), '...', null (newaxis) and integer arrays.");
}

function toInt(v, fn) {
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new RangeError(`[${fn}] Index ${v} is out of range.`);
    }
    return Number(v);
  }
  return v;
}

function sliceBound(v, fn, what) {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return toInt(v, fn);
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new TypeError(`[${fn}] Slice indices must be integers or None, got ${args.describe(v)} for '${what}'.`);
  }
  return v;
}

function parseString(s, fn, out, conv) {
  for (const raw of s.split(',')) {
    const t = raw.trim();
    if (t === '...') out.push({ k: 'ellipsis' });
    else if (t === 'None') out.push({ k: 'none' });
    else if (INT_RE.test(t)) out.push({ k: 'int', v: toInt(BigInt(t), fn) });
    else if (t.includes(':')) {
      const parts = t.split(':').map((p) => p.trim());
      if (parts.length > 3 || parts.some((p) => p !== '' && !INT_RE.test(p))) {
        throw new TypeError(`[${fn}] Invalid slice '${t}': expected 'start:stop:step' with optional integer parts.`);
      }
      const [start, stop, step] = parts.map((p) => (p === '' || p === undefined ? null : toInt(BigInt(p), fn)));
      out.push({ k: 'slice', start, stop, step: step === undefined ? null : step });
    } else {
      throw new TypeError(`[${fn}] Invalid index '${t}' in ${JSON.stringify(s)}: expected an integer, ` +
        "'start:stop:step', '...' or 'None'.");
    }
  }
  return conv;
}

// One JS argument -> index components (strings may hold several).
function parseComponent(v, fn, out, conv) {
  const { isArray, isTypedArray, fromValue } = conv;
  if (v === null) return out.push({ k: 'none' });
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw kindError(fn, v);
    return out.push({ k: 'int', v });
  }
  if (typeof v === 'bigint') return out.push({ k: 'int', v: toInt(v, fn) });
  if (typeof v === 'string') return parseString(v, fn, out, conv);
  if (typeof v === 'boolean') return out.push({ k: 'bool', a: fromValue(v, undefined, fn) });
  if (isArray(v)) return out.push(indexArray(v, fn));
  if (isTypedArray(v)) return out.push(indexArray(fromValue(v, undefined, fn), fn));
  if (Array.isArray(v)) {
    if (v.length === 0) return out.push({ k: 'array', a: fromValue(new Int32Array(0), undefined, fn) });
    return out.push(indexArray(fromValue(v, undefined, fn), fn));
  }
  if (v !== undefined && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    for (const key of Object.keys(v)) {
      if (key !== 'start' && key !== 'stop' && key !== 'step') {
        throw new TypeError(`[${fn}] A slice object takes the keys start, stop and step, got '${key}'.`);
      }
    }
    return out.push({ k: 'slice', start: sliceBound(v.start, fn, 'start'), stop: sliceBound(v.stop, fn, 'stop'), step: sliceBound(v.step, fn, 'step') });
  }
  throw kindError(fn, v);
}

function indexArray(a, fn) {
  const key = a.dtype._key;
  if (key === 'bool_') return { k: 'bool', a };
  if (!/^u?int/.test(key)) {
    throw new Error(`[${fn}] Got indices with invalid dtype ${a.dtype._name}. Indices must be integral.`);
  }
  return { k: 'array', a };
}

function parseAll(list, fn, conv) {
  const out = [];
  for (const v of list) parseComponent(v, fn, out, conv);
  return out;
}

// ---- resolution ------------------------------------------------------------------------------

// Python's slice.indices(n) and the number of elements taken.
function sliceIndices(c, n, fn) {
  const step = c.step === null ? 1 : c.step;
  if (step === 0) throw new Error(`[${fn}] slice step cannot be zero`);
  const lower = step > 0 ? 0 : -1, upper = step > 0 ? n : n - 1;
  const bound = (v, dflt) => {
    if (v === null) return dflt;
    if (v < 0) return Math.max(v + n, lower);
    return Math.min(v, upper);
  };
  const start = bound(c.start, step > 0 ? lower : upper);
  const stop = bound(c.stop, step > 0 ? upper : lower);
  const count = step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
  return { start: count ? start : 0, step, count };
}

function broadcastShapes(shapes, fn) {
  let out = [];
  for (const s of shapes) {
    const n = Math.max(out.length, s.length);
    const r = new Array(n);
    for (let i = 0; i < n; i++) {
      const a = i < n - out.length ? 1 : out[i - (n - out.length)];
      const b = i < n - s.length ? 1 : s[i - (n - s.length)];
      if (a !== b && a !== 1 && b !== 1) {
        throw new Error(`[${fn}] Shapes ${shapes.map((x) => `(${x.join(',')})`).join(' ')} cannot be broadcast.`);
      }
      r[i] = a === 1 ? b : a;
    }
    out = r;
  }
  return out;
}

// Expands the ellipsis, checks the counts and bounds, and resolves each slice and integer.
// Items: {k: 'none'} | {k: 'int', axis, v} | {k: 'slice', axis, start, step, count, full,
// trailing} | {k: 'array', axis, a}.
function resolve(shape, comps, fn) {
  const ndim = shape.length;
  let consumed = 0, ellipses = 0;
  for (const c of comps) {
    if (c.k === 'ellipsis') ellipses++;
    else if (c.k !== 'none') consumed++;
  }
  if (ellipses > 1) throw new Error(`[${fn}] An index can only have a single ellipsis ('...').`);
  if (consumed > ndim) {
    throw new RangeError(`[${fn}] Too many indices for array with ${ndim} dimensions: ${consumed} were given.`);
  }
  const items = [];
  let axis = 0;
  const fill = (implicit) => {
    for (let i = consumed; i < ndim; i++) {
      const n = shape[axis];
      items.push({ k: 'slice', axis: axis++, start: 0, step: 1, count: n, full: true, implicit });
    }
  };
  for (const c of comps) {
    if (c.k === 'ellipsis') { fill(false); continue; }
    if (c.k === 'none') { items.push({ k: 'none' }); continue; }
    const n = shape[axis];
    if (c.k === 'int') {
      if (c.v < -n || c.v >= n) {
        throw new RangeError(`[${fn}] Index ${c.v} is out of bounds for axis ${axis} with size ${n}.`);
      }
      items.push({ k: 'int', axis: axis++, v: c.v < 0 ? c.v + n : c.v });
    } else if (c.k === 'slice') {
      const r = sliceIndices(c, n, fn);
      items.push({ k: 'slice', axis: axis++, start: r.start, step: r.step, count: r.count, full: r.start === 0 && r.step === 1 && r.count === n });
    } else {
      items.push({ k: c.k, axis: axis++, a: c.a });
    }
  }
  if (ellipses === 0) fill(true);
  // Full slices after the last other item need no indexing in a scatter (they stay whole).
  for (let i = items.length - 1; i >= 0; i--) {
    if (items[i].k !== 'slice' || !items[i].full) break;
    items[i].trailing = true;
  }
  return items;
}

// ---- the operations --------------------------------------------------------------------------

function create(mx) {
  const native = require('./native');
  const conv = require('./convert');
  const dev = require('./device');
  const { isArray, weakScalar, fromValue } = conv;
  const S = () => dev.currentStream().index;
  // As MLX: slices and integers become uint32 index arrays (they promote with any index dtype).
  const uint32 = mx.uint32;

  // Basic items only: one view.
  function basicView(a, items, fn) {
    const nd = a.ndim;
    const start = new Array(nd).fill(0), step = new Array(nd).fill(1), count = a.shape.slice();
    const outSrc = [];
    for (const it of items) {
      if (it.k === 'none') outSrc.push(-1);
      else if (it.k === 'int') { start[it.axis] = it.v; count[it.axis] = -1; }
      else { start[it.axis] = it.start; step[it.axis] = it.step; count[it.axis] = it.count; outSrc.push(it.axis); }
    }
    return native._index_view(a, start, step, count, outSrc, S(), fn);
  }

  // Advanced items: the layout of the result (numpy's rules).
  function advancedPlan(items, fn) {
    const adv = [];
    items.forEach((it, i) => { if (it.k === 'array' || it.k === 'int') adv.push(i); });
    const adjacent = adv[adv.length - 1] - adv[0] === adv.length - 1;
    const B = broadcastShapes(items.filter((it) => it.k === 'array').map((it) => it.a.shape), fn);
    // The non-advanced output dims in order (new axes and slices), and where B goes.
    const rest = [];
    let pos = 0;
    items.forEach((it, i) => {
      if (it.k === 'none') rest.push({ k: 'none', size: 1 });
      else if (it.k === 'slice') rest.push({ k: 'slice', size: it.count, it });
      if (i < adv[0] && it.k !== 'int' && it.k !== 'array') pos++;
    });
    return { adv, B, rest, pos: adjacent ? pos : 0 };
  }

  function idxArray(it) {
    return it.k === 'int' ? native.scalar(it.v, uint32._index) : it.a;
  }

  function get(a, comps, fn = 'get') {
    if (comps.length === 0) return a;
    if (comps.some((c) => c.k === 'bool')) throw new Error(`[${fn}] boolean indices are not yet supported`);
    const items = resolve(a.shape, comps, fn);
    if (!items.some((it) => it.k === 'array')) return basicView(a, items, fn);
    const plan = advancedPlan(items, fn);
    // Slices first (a view), then one gather over the index axes.
    const sliced = basicView(a, items.map((it) => (it.k === 'slice' ? it : it.k === 'none' ? null : { k: 'slice', axis: it.axis, start: 0, step: 1, count: a.shape[it.axis] })).filter(Boolean), fn);
    const advItems = plan.adv.map((i) => items[i]);
    const sliceSizes = sliced.shape.slice();
    for (const it of advItems) sliceSizes[it.axis] = 1;
    const g = native._gather(sliced, advItems.map(idxArray), advItems.map((it) => it.axis), sliceSizes, S(), fn);
    const shape = plan.B.concat(plan.rest.map((r) => r.size));
    let out = native.reshape(g, shape, S());
    if (plan.pos > 0) {
      const nb = plan.B.length, perm = [];
      for (let i = 0; i < plan.pos; i++) perm.push(nb + i);
      for (let i = 0; i < nb; i++) perm.push(i);
      for (let i = nb + plan.pos; i < shape.length; i++) perm.push(i);
      out = native.transpose(out, perm, S());
    }
    return out;
  }

  // The value of an assignment: JS scalars take a's dtype (weakly, as Python's to_array).
  function valueArray(v, a, fn) {
    if (isArray(v)) return v;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return weakScalar(v, a.dtype, fn);
    return fromValue(v, undefined, fn);
  }

  // The value broadcast to `shape` after its leading size-1 dims are dropped (MLX's rule).
  function fitValue(v, shape, fn) {
    let s = 0;
    while (s < v.ndim && v.shape[s] === 1) s++;
    if (s > 0) v = native.reshape(v, v.shape.slice(s), S());
    let ok = v.shape.length <= shape.length;
    try {
      ok = ok && broadcastShapes([v.shape, shape], fn).every((d, i) => d === shape[i]);
    } catch (e) {
      ok = false;
    }
    if (!ok) {
      throw new Error(`[${fn}] Cannot broadcast a value of shape (${v.shape.join(',')}) to the indexed shape (${shape.join(',')}).`);
    }
    return native.broadcast_to(v, shape, S());
  }

  function plainShape(items, plan) {
    if (!plan) return items.filter((it) => it.k !== 'int').map((it) => (it.k === 'none' ? 1 : it.count));
    const r = plan.rest.map((x) => x.size);
    return r.slice(0, plan.pos).concat(plan.B, r.slice(plan.pos));
  }

  // Scatter arguments for advanced (or, for at, any) items: index arrays on the leading indexed
  // axes, shaped so that they broadcast to the result's layout, and the updates.
  function scatterArgs(a, items, value, fn) {
    const hasArray = items.some((it) => it.k === 'array');
    const plan = hasArray ? advancedPlan(items, fn) : null;
    const target = plainShape(items, plan);
    const v = fitValue(value, target, fn);
    // Output dims (as in target) that are indexed: B dims and non-trailing slices; new axes and
    // trailing slices are not.
    const dims = [];  // {k: 'B', j} | {k: 'slice', it} | {k: 'none'} | {k: 'trail', it}
    const restDims = [];
    const intsAsB = !plan;  // without arrays, integers are plain dropped axes (no dims)
    for (const it of items) {
      if (it.k === 'none') restDims.push({ k: 'none' });
      else if (it.k === 'slice') restDims.push(it.trailing ? { k: 'trail', it } : { k: 'slice', it });
    }
    if (plan) {
      const bd = plan.B.map((_, j) => ({ k: 'B', j }));
      dims.push(...restDims.slice(0, plan.pos), ...bd, ...restDims.slice(plan.pos));
    } else {
      dims.push(...restDims);
    }
    // T'': the indexed dims (new axes and trailing slices dropped).
    const idxDims = dims.filter((d) => d.k === 'B' || d.k === 'slice');
    const idxShape = idxDims.map((d) => (d.k === 'B' ? plan.B[d.j] : d.it.count));
    const nIdx = idxDims.length;
    const bStart = idxDims.findIndex((d) => d.k === 'B');
    const indexed = items.filter((it) => it.k === 'int' || it.k === 'array' || (it.k === 'slice' && !it.trailing));
    const indices = [], axes = [];
    for (const it of indexed) {
      let arr, shape;
      if (it.k === 'slice') {
        arr = native.arange(it.start, it.start + it.count * it.step, it.step, uint32._index, S());
        shape = idxDims.map((d) => (d.k === 'slice' && d.it === it ? it.count : 1));
      } else if (it.k === 'array' || (it.k === 'int' && !intsAsB)) {
        arr = idxArray(it);
        const sh = arr.shape;
        shape = new Array(nIdx).fill(1);
        for (let i = 0; i < sh.length; i++) shape[bStart + plan.B.length - sh.length + i] = sh[i];
      } else {
        arr = idxArray(it);
        shape = new Array(nIdx).fill(1);
      }
      indices.push(native.broadcast_to(native.reshape(arr, shape, S()), idxShape, S()));
      axes.push(it.axis);
    }
    // Updates: T'' + one slice of a.ndim dims (1 on indexed axes, whole on the others).
    const sliceShape = a.shape.map((n, ax) => (axes.includes(ax) ? 1 : n));
    const updates = native.reshape(v, idxShape.concat(sliceShape), S());
    return { indices, axes, updates, target };
  }

  function set(a, comps, value, fn = 'set') {
    if (comps.some((c) => c.k === 'bool')) {
      // a[mask] = value (MLX's masked_scatter): the mask must be the whole index.
      if (comps.length > 1) throw new Error(`[${fn}] A boolean mask can only be used alone as an index.`);
      let v = valueArray(value, a, fn);
      let s = 0;
      while (s < v.ndim && v.shape[s] === 1) s++;
      if (s > 0) v = native.reshape(v, v.shape.slice(s), S());
      return native._masked_scatter(a, comps[0].a, v, S(), fn);
    }
    const items = resolve(a.shape, comps.length === 0 ? [{ k: 'ellipsis' }] : comps, fn);
    const v = valueArray(value, a, fn);
    if (!items.some((it) => it.k === 'array')) {
      // Basic indices: slice_update of the region.
      const target = plainShape(items, null);
      const fitted = fitValue(v, target, fn);
      const nd = a.ndim;
      const start = new Array(nd).fill(0), stop = a.shape.slice(), strides = new Array(nd).fill(1), region = a.shape.slice();
      for (const it of items) {
        if (it.k === 'int') { start[it.axis] = it.v; stop[it.axis] = it.v + 1; region[it.axis] = 1; }
        else if (it.k === 'slice') {
          region[it.axis] = it.count;
          if (it.count === 0) { start[it.axis] = 0; stop[it.axis] = 0; }
          else {
            const last = it.start + (it.count - 1) * it.step;
            start[it.axis] = it.start;
            strides[it.axis] = it.step;
            // A stop left of 0 is written -n-1 (Python's slice rules read -1 as n-1).
            const s2 = it.step > 0 ? last + 1 : last - 1;
            stop[it.axis] = s2 < 0 ? -a.shape[it.axis] - 1 : s2;
          }
        }
      }
      const upd = native.reshape(fitted, region, S());
      return native._slice_update_static(a, upd, start, stop, strides, S());
    }
    const { indices, axes, updates } = scatterArgs(a, items, v, fn);
    return native._scatter(a, indices, updates, axes, 0, S(), fn);
  }

  const MODES = { add: 1, subtract: 1, multiply: 2, divide: 2, maximum: 3, minimum: 4 };

  function atUpdate(a, comps, value, op) {
    const fn = 'at';
    let v = valueArray(value, a, fn);
    if (op === 'subtract') v = mx.negative(v);
    else if (op === 'divide') v = mx.reciprocal(v);
    if (comps.some((c) => c.k === 'bool')) throw new Error(`[${fn}] boolean indices are not yet supported`);
    const items = resolve(a.shape, comps, fn);
    const c0 = comps[0];
    const whole = comps.length === 0 || (comps.length === 1 && (c0.k === 'ellipsis' || c0.k === 'none' ||
      (c0.k === 'slice' && c0.start === null && c0.stop === null && c0.step === null)));
    if (whole) {
      // Nothing indexed: the plain op on the whole array (as MLX's ArrayAt).
      const w = fitValue(valueArray(value, a, fn), plainShape(items, null), fn);
      return mx[op](a, native.reshape(w, a.shape, S()));
    }
    // Every axis whole but the index not a single ':' / '...': MLX still scatters (over the
    // first axis at least), so the result keeps a's dtype.
    if (!items.some((it) => it.k !== 'none' && !(it.k === 'slice' && it.trailing))) {
      const first = items.find((it) => it.k === 'slice');
      if (first) first.trailing = false;
    }
    const { indices, axes, updates } = scatterArgs(a, items, v, fn);
    return native._scatter(a, indices, updates, axes, MODES[op], S(), fn);
  }

  return { get, set, atUpdate, parse: (list, fn) => parseAll(list, fn, conv) };
}

// a.at(...idx): Python's a.at[idx]; each method returns a new array.
class ArrayAt {
  constructor(x, comps, impl) {
    Object.defineProperty(this, '_x', { value: x });
    Object.defineProperty(this, '_comps', { value: comps });
    Object.defineProperty(this, '_impl', { value: impl });
  }
}
for (const op of ['add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum']) {
  Object.defineProperty(ArrayAt.prototype, op, {
    value: {
      [op](value) {
        if (arguments.length !== 1) throw new TypeError(`[ArrayAt.${op}] takes 1 argument (${arguments.length} given)`);
        return this._impl.atUpdate(this._x, this._comps, value, op);
      },
    }[op],
    writable: true,
    configurable: true,
  });
}

function installMethods(proto, mx) {
  let impl = null;
  const I = () => impl || (impl = create(mx));
  const def = (name, fn) => Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  def('get', function get(...idx) { const m = I(); return m.get(this, m.parse(idx, 'get'), 'get'); });
  def('set', function set(...idx) {
    if (idx.length === 0) throw new TypeError('[set] missing the value: a.set(...index, value)');
    const value = idx.pop();
    const m = I();
    this._replace(m.set(this, m.parse(idx, 'set'), value, 'set'));
    return this;
  });
  def('at', function at(...idx) {
    const m = I();
    return new ArrayAt(this, m.parse(idx, 'at'), m);
  });
}

module.exports = { ArrayAt, installMethods, ELLIPSIS, resolve, sliceIndices };
