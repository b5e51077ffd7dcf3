'use strict';
// Sorting ops (the `sort` group): sort/argsort against numpy's stable sort for every dtype,
// axis (None, negative, non-last) and row length across the kernel's paths (insertion sort,
// std::sort, 8-bit and 11-bit radix, one row split over the cores); partition/argpartition by
// their defining property and multiset equality; topk against the sorted values; searchsorted
// against np.searchsorted. NaN last, -0.0 == 0.0 kept in input order (bits checked), NaN payloads
// kept, non-contiguous inputs, size-0 dims, 0-d inputs, the stream argument, keywords, errors.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { NumpyBatch } = require('./helpers/numpy');
const { ALL_DTYPES, FLOAT_KEYS, assertArray, assertNumpy, throwsWith } = require('./helpers/check');

const np = new NumpyBatch();

// Deterministic values per dtype with duplicates; floats also get NaN, +-inf and +-0.
function lcg(seed) {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296;
}
function values(k, n, seed = 1, { specials = true, range = 0 } = {}) {
  const r = lcg(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    const small = range ? Math.floor(u * range) : null;
    switch (k) {
      case 'bool_': out.push(u < 0.5); break;
      case 'uint8': out.push(small ?? Math.floor(u * 256)); break;
      case 'int8': out.push(small ?? Math.floor(u * 256) - 128); break;
      case 'uint16': out.push(small ?? Math.floor(u * 65536)); break;
      case 'int16': out.push(small ?? Math.floor(u * 65536) - 32768); break;
      case 'uint32': out.push(small ?? Math.floor(u * 4294967296)); break;
      case 'int32': out.push(small ?? Math.floor(u * 4294967296) - 2147483648); break;
      case 'uint64': out.push(small !== null ? BigInt(small) : (BigInt(Math.floor(u * 4294967296)) << 32n) | BigInt(Math.floor(r() * 4294967296))); break;
      case 'int64': out.push(small !== null ? BigInt(small - 3) : BigInt.asIntN(64, (BigInt(Math.floor(u * 4294967296)) << 32n) | BigInt(Math.floor(r() * 4294967296)))); break;
      case 'complex64': out.push({ re: (Math.floor(u * 6) - 3) / 2, im: (Math.floor(r() * 6) - 3) / 2 }); break;
      default: {
        // Quarter integers: exact in every float type, many duplicates.
        let v = range ? small / 4 - 2 : (Math.floor(u * 64) - 32) / 4;
        if (specials) {
          const s = Math.floor(r() * 16);
          if (s === 0) v = NaN;
          else if (s === 1) v = Infinity;
          else if (s === 2) v = -Infinity;
          else if (s === 3) v = 0;
        }
        out.push(v);
      }
    }
  }
  return out;
}
const mk = (k, shape, seed = 1, opts = {}) => mx.array(values(k, shape.reduce((a, b) => a * b, 1), seed, opts), mx[k]).reshape(shape);
const pyAxis = (ax) => (ax === null ? 'None' : String(ax));

// MLX's order on JS values (tolist): NaN last (complex: either part), -0 == 0.
function cmp(x, y) {
  if (typeof x === 'object') {
    const xn = Number.isNaN(x.re) || Number.isNaN(x.im), yn = Number.isNaN(y.re) || Number.isNaN(y.im);
    if (xn || yn) return xn - yn;
    return x.re < y.re ? -1 : x.re > y.re ? 1 : x.im < y.im ? -1 : x.im > y.im ? 1 : 0;
  }
  if (typeof x === 'number') {
    const xn = Number.isNaN(x), yn = Number.isNaN(y);
    if (xn || yn) return xn - yn;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}
// A multiset key that tells -0 from 0 and keeps NaN equal to NaN.
const mkey = (v) => (typeof v === 'object' ? `${mkey(v.re)},${mkey(v.im)}` : Object.is(v, -0) ? '-0' : String(v));
function sameMultiset(a, b, msg) {
  const count = new Map();
  for (const v of a) count.set(mkey(v), (count.get(mkey(v)) || 0) + 1);
  for (const v of b) count.set(mkey(v), (count.get(mkey(v)) || 0) - 1);
  for (const [k, c] of count) assert.equal(c, 0, `multiset differs at ${k} (${msg})`);
}
// Rows along `axis` of a nested list of shape `shape` (JS reference helper).
function rowsOf(flat, shape, axis) {
  const n = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = flat.length / (n * inner || 1);
  const rows = [];
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const row = [];
      for (let j = 0; j < n; j++) row.push(flat[(o * n + j) * inner + i]);
      rows.push(row);
    }
  return rows;
}
const flatList = (a) => (a.ndim === 0 ? [a.item()] : a.tolist().flat(Infinity));

// ---- numpy oracle cases: every dtype, every axis ----------------------------------------------
const SHAPE = [3, 4, 5];
const AXES = [null, 0, 1, 2, -1, -2, -3];
const sortCases = [];
for (const k of ALL_DTYPES) {
  for (const ax of AXES) {
    const a = mk(k, SHAPE, 7 + AXES.indexOf(ax));
    sortCases.push({
      k, ax, a,
      s: np.eval(`np.sort(a, axis=${pyAxis(ax)}, kind='stable')`, { a }),
      i: np.eval(`np.argsort(a, axis=${pyAxis(ax)}, kind='stable').astype(np.uint32)`, { a }),
    });
  }
}
// Row lengths crossing the kernel's paths (insertion, std::sort, 8-bit radix, 11-bit radix and
// the split over the cores), with many duplicates so that stability shows.
const SIZES = [1, 2, 31, 32, 33, 192, 193, 1000, 100000];
for (const k of ['bool_', 'uint8', 'int8', 'int16', 'uint32', 'int32', 'uint64', 'int64', 'float16', 'float32', 'float64', 'bfloat16']) {
  for (const n of SIZES) {
    if (n === 100000 && !['int32', 'float32'].includes(k)) continue;
    const a = mk(k, [n], n + 3, { range: n > 1000 ? 50 : 0 });
    sortCases.push({
      k, ax: -1, a, n,
      s: np.eval("np.sort(a, kind='stable')", { a }),
      i: np.eval("np.argsort(a, kind='stable').astype(np.uint32)", { a }),
    });
  }
}
// Many rows of each length (rows spread over the cores), along the last and the first axis.
for (const [k, shape] of [['float32', [300, 33]], ['int16', [64, 1000]]]) {
  const a = mk(k, shape, 11);
  for (const ax of [-1, 0]) {
    sortCases.push({
      k, ax, a,
      s: np.eval(`np.sort(a, axis=${ax}, kind='stable')`, { a }),
      i: np.eval(`np.argsort(a, axis=${ax}, kind='stable').astype(np.uint32)`, { a }),
    });
  }
}

// searchsorted: a sorted sequence with duplicates and values around, inside and past it.
const ssCases = [];
for (const k of ALL_DTYPES) {
  const seq = mx.sort(mk(k, [40], 3, { specials: k !== 'complex64' }));
  const v = mk(k, [3, 7], 5, { specials: k !== 'complex64' });
  for (const side of ['left', 'right']) {
    ssCases.push({ k, seq, v, side, h: np.eval(`np.searchsorted(a, v, side='${side}').astype(np.uint32)`, { a: seq, v }) });
  }
}
// Promotion: int32 sequence, float values; uint8 sequence, int8 values.
const promo = [
  [mx.array([1, 2, 3, 4], mx.int32), mx.array([1.5, 2, -1, 9.25], mx.float32), 'float32'],
  [mx.array([0, 10, 200], mx.uint8), mx.array([-1, 10, 127], mx.int8), 'int16'],
  [mx.array([1, 3], mx.float16), mx.array([2, 3], mx.int64), 'float16'],
].map(([seq, v, dt]) => ({ seq, v, dt, h: np.eval("np.searchsorted(a.astype(np.float64), v.astype(np.float64), side='left').astype(np.uint32)", { a: seq, v }) }));
// Views: a transpose (strided rows), and strided rows along axis 0 in tiles.
const viewBase = mk('float32', [6, 40], 21);
const viewBig = mk('int32', [70, 37], 23);
const viewCases = {
  sortT: np.eval("np.sort(a.T, axis=-1, kind='stable')", { a: viewBase }),
  argsortT0: np.eval("np.argsort(a.T, axis=0, kind='stable').astype(np.uint32)", { a: viewBase }),
  sortTNone: np.eval("np.sort(a.T, axis=None, kind='stable')", { a: viewBase }),
  sortBig0: np.eval("np.sort(a.T, axis=0, kind='stable')", { a: viewBig }),
  argsortBig0: np.eval("np.argsort(a, axis=0, kind='stable').astype(np.uint32)", { a: viewBig }),
};
np.run();

test('sort and argsort against numpy (stable) for every dtype and axis', () => {
  for (const c of sortCases) {
    const msg = `${c.k} axis=${c.ax}${c.n ? ` n=${c.n}` : ''}`;
    const s = mx.sort(c.a, c.ax);
    assertNumpy(s, c.s, { dtype: mx[c.k], msg: `sort ${msg}` });
    const i = mx.argsort(c.a, c.ax);
    assertNumpy(i, c.i, { dtype: mx.uint32, msg: `argsort ${msg}` });
  }
});

test('-0.0 and 0.0 are equal and keep their input order; NaN last; NaN payloads kept', () => {
  for (const k of FLOAT_KEYS) {
    const a = mx.array([0, -0, 1, NaN, -0, 0, -1, -Infinity, Infinity, NaN], mx[k]);
    const s = flatList(mx.sort(a));
    const exp = [-Infinity, -1, 0, -0, -0, 0, 1, Infinity, NaN, NaN];
    assert.equal(s.length, exp.length);
    s.forEach((v, j) => assert.ok(Object.is(v, exp[j]), `${k} sort[${j}] = ${v}, expected ${exp[j]}`));
    assert.deepEqual(flatList(mx.argsort(a)), [7, 6, 0, 1, 4, 5, 2, 8, 3, 9], k);
  }
  // Exact bits in the radix paths (one row of each length, with NaN payloads and signs).
  for (const n of [50, 5000, 300000]) {
    const r = lcg(n);
    const f = new Float32Array(n);
    const u = new Uint32Array(f.buffer);
    const nans = [0x7fc00001, 0xffc00000, 0x7f800001, 0x7fc00000, 0xffffffff];
    for (let i = 0; i < n; i++) {
      const x = r();
      if (x < 0.02) u[i] = nans[i % nans.length];
      else if (x < 0.05) f[i] = i % 2 ? -0 : 0;
      else f[i] = Math.round((x - 0.5) * 64) / 8;
    }
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((i, j) => cmp(f[i], f[j]) || i - j);
    const got = new Uint32Array(mx.sort(mx.array(f)).toTypedArray().buffer);
    const gi = mx.argsort(mx.array(f)).toTypedArray();
    for (let j = 0; j < n; j++) {
      if (got[j] !== u[idx[j]]) assert.fail(`n=${n} sort bits at ${j}: ${got[j].toString(16)} vs ${u[idx[j]].toString(16)}`);
      if (gi[j] !== idx[j]) assert.fail(`n=${n} argsort at ${j}: ${gi[j]} vs ${idx[j]}`);
    }
  }
  // float64 and float16 bits through their radix paths too.
  const d = new Float64Array(70000);
  for (let i = 0; i < d.length; i++) d[i] = i % 7 === 0 ? (i % 2 ? -0 : 0) : i % 11 === 0 ? NaN : ((i * 7919) % 1000) - 500;
  const ds = mx.sort(mx.array(d, mx.float64)).toTypedArray();
  const dref = Array.from(d).map((v, i) => [v, i]).sort((p, q) => cmp(p[0], q[0]) || p[1] - q[1]).map((p) => p[0]);
  for (let j = 0; j < d.length; j++) if (!Object.is(ds[j], dref[j])) assert.fail(`float64 at ${j}: ${ds[j]} vs ${dref[j]}`);
});

test('a 2^20-element row (radix passes split over the cores) against a JS reference', () => {
  const n = 1 << 20;
  const r = lcg(99);
  const f = new Float32Array(n);
  for (let i = 0; i < n; i++) f[i] = i % 1000 === 0 ? NaN : Math.floor(r() * 2000) / 16 - 60;
  const ref = Array.from({ length: n }, (_, i) => i).sort((i, j) => cmp(f[i], f[j]) || i - j);
  const a = mx.array(f);
  const s = mx.sort(a).toTypedArray();
  const i32 = mx.argsort(a).toTypedArray();
  for (let j = 0; j < n; j++) {
    if (!Object.is(s[j], f[ref[j]])) assert.fail(`sort at ${j}: ${s[j]} vs ${f[ref[j]]}`);
    if (i32[j] !== ref[j]) assert.fail(`argsort at ${j}: ${i32[j]} vs ${ref[j]}`);
  }
  // int64 keys (the 11-bit passes of 8-byte keys), split in two rows of 2^19.
  const b = new BigInt64Array(n);
  for (let j = 0; j < n; j++) b[j] = BigInt(Math.floor(r() * 1e6) - 500000) * (j % 3 ? 1n : 1234567891n);
  const bs = mx.sort(mx.array(b).reshape([2, n / 2])).toTypedArray();
  for (let h = 0; h < 2; h++) {
    const part = Array.from(b.subarray(h * n / 2, (h + 1) * n / 2)).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    for (let j = 0; j < n / 2; j++) if (bs[h * n / 2 + j] !== part[j]) assert.fail(`int64 row ${h} at ${j}`);
  }
});

test('long rows of 1-, 2- and 8-byte keys (radix paths) against a stable JS reference', () => {
  for (const [k, shape, opts] of [['float64', [2, 70000], {}], ['uint8', [3, 70000], {}], ['float16', [100000], {}],
    ['bool_', [100000], {}], ['int64', [3, 70000], {}], ['uint64', [70000], {}], ['bfloat16', [2, 70000], { range: 64 }],
    ['int16', [70000], { range: 300 }]]) {
    const a = mk(k, shape, 31, opts);
    const n = shape[shape.length - 1];
    const rows = rowsOf(flatList(a), shape, shape.length - 1);
    const s = rowsOf(flatList(mx.sort(a)), shape, shape.length - 1);
    const ix = rowsOf(flatList(mx.argsort(a)), shape, shape.length - 1);
    rows.forEach((row, r) => {
      const ref = Array.from({ length: n }, (_, j) => j).sort((i, j) => cmp(row[i], row[j]) || i - j);
      for (let j = 0; j < n; j++) {
        if (ix[r][j] !== ref[j]) assert.fail(`${k} argsort row ${r} at ${j}: ${ix[r][j]} vs ${ref[j]}`);
        if (cmp(s[r][j], row[ref[j]]) !== 0) assert.fail(`${k} sort row ${r} at ${j}: ${s[r][j]} vs ${row[ref[j]]}`);
      }
    });
  }
});

test('non-contiguous inputs: transposed and broadcast views', () => {
  const t = mx.transpose(viewBase);  // rows along the last axis read with a stride
  assertNumpy(mx.sort(t), viewCases.sortT, { dtype: mx.float32, msg: 'sort of a transpose' });
  assertNumpy(mx.argsort(t, 0), viewCases.argsortT0, { dtype: mx.uint32, msg: 'argsort of a transpose along axis 0' });
  assertNumpy(mx.sort(t, null), viewCases.sortTNone, { dtype: mx.float32, msg: 'sort of a transpose, axis None' });
  assertNumpy(mx.sort(mx.transpose(viewBig), 0), viewCases.sortBig0, { dtype: mx.int32, msg: 'tiles of strided rows' });
  assertNumpy(mx.argsort(viewBig, 0), viewCases.argsortBig0, { dtype: mx.uint32, msg: 'argsort along axis 0' });
  const b = mx.broadcast_to(mx.array([3, 1, 2, 1], mx.int32), [5, 4]);
  const bc = mx.broadcast_to(mx.array([[3], [1], [2]], mx.int32), [3, 4]);
  assertArray(mx.sort(b), { shape: [5, 4], values: Array(5).fill([1, 1, 2, 3]) });
  assertArray(mx.argsort(b), { dtype: mx.uint32, values: Array(5).fill([1, 3, 2, 0]) });
  assertArray(mx.sort(bc, 0), { values: [[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]] });
  assertArray(mx.argsort(bc, 1), { values: Array(3).fill([0, 1, 2, 3]) });  // equal keys: input order
  assertArray(mx.topk(b, 1), { shape: [5, 1], values: Array(5).fill([3]) });
  assertArray(mx.topk(mx.transpose(mx.array([[5, 1], [2, 8], [7, 3]])), 1), { shape: [2, 1], values: [[7], [8]] });
  const p = mx.partition(mx.transpose(mx.array([[5, 1], [2, 8], [7, 3]])), 1);
  assertArray(p, { shape: [2, 3] });
  assert.equal(p.tolist()[0][1], 5);
  assert.equal(p.tolist()[1][1], 3);
  // A stride-0 sequence and transposed values.
  const seq = mx.broadcast_to(mx.array(2), [4]);
  assertArray(mx.searchsorted(seq, mx.array([1, 2, 3])), { values: [0, 0, 4] });
  assertArray(mx.searchsorted(seq, mx.array([1, 2, 3]), 'right'), { values: [0, 4, 4] });
  assertArray(mx.searchsorted(mx.array([1, 5, 9]), mx.transpose(mx.array([[0, 5], [6, 10]]))), { values: [[0, 2], [1, 3]] });
});

test('partition and argpartition: the defining property and the same multiset', () => {
  for (const k of ALL_DTYPES) {
    for (const [shape, ax] of [[[4, 9], -1], [[4, 9], 0], [[36], null], [[2, 3, 6], 1], [[300], -1], [[2, 5000], -1]]) {
      const a = mk(k, shape, 13);
      const axis = ax === null ? 0 : ax < 0 ? ax + shape.length : ax;
      const fshape = ax === null ? [a.size] : shape;
      const n = fshape[axis];
      const inRows = rowsOf(flatList(a), fshape, axis);
      for (const kth of [0, 1, Math.floor(n / 2), n - 1, -1, -n]) {
        const kk = kth < 0 ? kth + n : kth;
        const msg = `${k} shape=${shape} axis=${ax} kth=${kth}`;
        const p = mx.partition(a, kth, ax);
        assert.equal(p.dtype, mx[k], msg);
        assert.deepEqual(p.shape, fshape, msg);
        const ip = mx.argpartition(a, kth, ax);
        assert.equal(ip.dtype, mx.uint32, msg);
        const pRows = rowsOf(flatList(p), fshape, axis);
        const iRows = rowsOf(flatList(ip), fshape, axis);
        pRows.forEach((row, r) => {
          const sorted = inRows[r].slice().sort(cmp);
          assert.equal(cmp(row[kk], sorted[kk]), 0, `partition value at kth ${msg}`);
          for (let j = 0; j < kk; j++) assert.ok(cmp(row[j], row[kk]) <= 0, `before kth ${msg}`);
          for (let j = kk + 1; j < n; j++) assert.ok(cmp(row[j], row[kk]) >= 0, `after kth ${msg}`);
          sameMultiset(row, inRows[r], msg);
          // argpartition: a permutation whose gathered values satisfy the same property.
          const ix = iRows[r];
          assert.deepEqual(ix.slice().sort((x, y) => x - y), Array.from({ length: n }, (_, j) => j), `permutation ${msg}`);
          const g = ix.map((j) => inRows[r][j]);
          assert.equal(cmp(g[kk], sorted[kk]), 0, `argpartition value at kth ${msg}`);
          for (let j = 0; j < kk; j++) assert.ok(cmp(g[j], g[kk]) <= 0, `argpartition before kth ${msg}`);
          for (let j = kk + 1; j < n; j++) assert.ok(cmp(g[j], g[kk]) >= 0, `argpartition after kth ${msg}`);
        });
      }
    }
  }
  // Partition and topk keep -0.0 and NaN bits (they move values, they do not rebuild them).
  const f = new Float32Array([0, -0, NaN, -0, 1, -1, NaN, NaN, 2, -0]);
  const u = new Uint32Array(f.buffer);
  u[2] = 0xffc00000; u[6] = 0x7fc00001; u[7] = 0x7f800001;
  const bitsOf = (a) => Array.from(new Uint32Array(a.toTypedArray().buffer)).sort((x, y) => x - y);
  for (const kth of [0, 3, 5, 9]) assert.deepEqual(bitsOf(mx.partition(mx.array(f), kth)), Array.from(u).sort((x, y) => x - y), `partition bits kth=${kth}`);
  assert.deepEqual(bitsOf(mx.topk(mx.array(f), 3)), [0x7f800001, 0x7fc00001, 0xffc00000]);
  for (const k of FLOAT_KEYS) {
    const z = [0, -0, NaN, -0, 1, -1, -0, 2];
    for (const kth of [1, 4]) sameMultiset(flatList(mx.partition(mx.array(z, mx[k]), kth)), z, `${k} partition of zeros`);
    const t = flatList(mx.topk(mx.array(z, mx[k]), 6));  // three of the four (equal) zeros
    assert.equal(t.filter((v) => v === 0).length, 3, `${k} topk of zeros`);
    sameMultiset(t.filter((v) => v !== 0), [1, 2, NaN], `${k} topk of zeros`);
  }
});

test('topk: the k largest (NaN largest), the smallest of them first, k == n returns the input', () => {
  for (const k of ALL_DTYPES) {
    for (const [shape, ax] of [[[5, 8], -1], [[5, 8], 0], [[40], null], [[2, 4, 5], 1], [[3, 3000], -1]]) {
      const a = mk(k, shape, 17);
      const axis = ax === null ? 0 : ax < 0 ? ax + shape.length : ax;
      const fshape = ax === null ? [a.size] : shape;
      const n = fshape[axis];
      const inRows = rowsOf(flatList(a), fshape, axis);
      for (const kk of [1, 3, n - 1]) {
        const msg = `${k} shape=${shape} axis=${ax} k=${kk}`;
        const t = mx.topk(a, kk, ax);
        const oshape = fshape.slice();
        oshape[axis] = kk;
        assert.equal(t.dtype, mx[k], msg);
        assert.deepEqual(t.shape, oshape, msg);
        rowsOf(flatList(t), oshape, axis).forEach((row, r) => {
          const top = inRows[r].slice().sort(cmp).slice(n - kk);
          sameMultiset(row, top, msg);
          assert.equal(cmp(row[0], top[0]), 0, `first is the smallest of the k ${msg}`);
        });
      }
      // The whole axis: the input itself, in input order.
      assertArray(mx.topk(a, n, ax), { dtype: mx[k], shape: fshape, values: flatList(a) });
    }
  }
  assertArray(mx.topk(mx.array([3, NaN, 1, 7]), 2), { values: [7, NaN] });
  assertArray(mx.topk(mx.array([[4, 1, 3], [2, 9, 5]]), 0), { shape: [2, 0] });
  assertArray(mx.topk(mx.array([[4, 1, 3], [2, 9, 5]]), 2, { axis: 0 }), { shape: [2, 3], values: [[4, 1, 3], [2, 9, 5]] });
  assertArray(mx.topk(mx.array([[4, 1, 3], [2, 9, 5]]), 1, { axis: 0 }), { shape: [1, 3], values: [[4, 9, 5]] });
});

test('searchsorted against numpy: every dtype, both sides, promotion, uint32 result', () => {
  for (const c of ssCases) {
    const r = mx.searchsorted(c.seq, c.v, c.side);
    assertNumpy(r, c.h, { dtype: mx.uint32, msg: `${c.k} side=${c.side}` });
    assertNumpy(mx.searchsorted(c.seq, c.v, { side: c.side }), c.h, { dtype: mx.uint32, msg: `${c.k} side keyword` });
  }
  for (const c of promo) assertNumpy(mx.searchsorted(c.seq, c.v), c.h, { dtype: mx.uint32, msg: `promotion to ${c.dt}` });
  // MLX's docstring example.
  const a = mx.array([1, 2, 2, 4]);
  assertArray(mx.searchsorted(a, mx.array([0, 2, 3, 5])), { dtype: mx.uint32, values: [0, 1, 3, 4] });
  assertArray(mx.searchsorted(a, mx.array([0, 2, 3, 5]), 'right'), { values: [0, 3, 3, 4] });
  // NaN after everything, -0 == 0; scalars and lists are arrays.
  const f = mx.array([-1, -0, 0, 2, NaN, NaN]);
  assertArray(mx.searchsorted(f, mx.array([NaN, 0, -0, Infinity])), { values: [4, 1, 1, 4] });
  assertArray(mx.searchsorted(f, mx.array([NaN, 0, -0, Infinity]), 'right'), { values: [6, 3, 3, 4] });
  assertArray(mx.searchsorted(a, 2), { shape: [], values: 1 });
  assertArray(mx.searchsorted([1, 3, 5], [[4], [6]]), { shape: [2, 1], values: [[2], [3]] });
  // Empty sequence and empty values.
  assertArray(mx.searchsorted(mx.array([], mx.float32), mx.array([1, 2])), { values: [0, 0] });
  assertArray(mx.searchsorted(a, mx.zeros([2, 0])), { dtype: mx.uint32, shape: [2, 0] });
  // Few values into a long sequence (binary searches over the sequence itself, strided too),
  // many values (sorted and walked with the sequence), and an unsorted sequence (MLX's loop).
  const longSeq = mx.arange(0, 300000, 3, mx.int32);
  assertArray(mx.searchsorted(longSeq, mx.array([-1, 0, 1, 3, 299997, 400000])), { values: [0, 0, 1, 1, 99999, 100000] });
  assertArray(mx.searchsorted(longSeq, mx.array([0, 1, 3, 299997]), 'right'), { values: [1, 1, 2, 100000] });
  assertArray(mx.searchsorted(mx.broadcast_to(mx.array(7), [100000]), mx.array([6, 7, 8])), { values: [0, 0, 100000] });
  assertArray(mx.searchsorted(mx.broadcast_to(mx.array(7), [100000]), mx.array([6, 7, 8]), 'right'), { values: [0, 100000, 100000] });
  const un = [5, 1, 9, 3, 7, 2, 8];
  const mlxLoop = (x) => { let lo = 0, hi = un.length; while (lo < hi) { const mid = lo + ((hi - lo) >> 1); if (un[mid] < x) lo = mid + 1; else hi = mid; } return lo; };
  const many = Array.from({ length: 3000 }, (_, j) => j % 11);
  assertArray(mx.searchsorted(mx.array(un), mx.array(many)), { values: many.map(mlxLoop) });
  // A long sequence, many values.
  const seq = mx.arange(0, 200000, 2);
  const vals = mx.arange(-5, 200005, 7);
  const got = mx.searchsorted(seq, vals, 'right').toTypedArray();
  const vv = vals.toTypedArray();
  for (let j = 0; j < vv.length; j++) {
    const e = Math.min(100000, Math.max(0, Math.floor(vv[j] / 2) + 1));
    if (got[j] !== e) assert.fail(`long searchsorted at ${j}: ${got[j]} vs ${e}`);
  }
});

test('axis=None flattens; 0-d inputs; size-0 dims', () => {
  const a = mx.array([[3, 1], [2, 0]]);
  assertArray(mx.sort(a, null), { shape: [4], values: [0, 1, 2, 3] });
  assertArray(mx.sort(a, { axis: null }), { shape: [4], values: [0, 1, 2, 3] });
  assertArray(mx.argsort(a, null), { shape: [4], values: [3, 1, 2, 0] });
  assertArray(mx.partition(a, 3, null), { shape: [4] });
  assertArray(mx.topk(a, 2, null), { shape: [2] });
  // 0-d: an axis is out of range; axis=None gives one element.
  const s = mx.array(5);
  throwsWith(() => mx.sort(s), RangeError, /\[sort\] Received invalid axis -1 for array with 0 dimensions/);
  throwsWith(() => mx.argsort(s, 0), RangeError, /\[argsort\]/);
  throwsWith(() => mx.partition(s, 0), RangeError, /\[partition\]/);
  throwsWith(() => mx.topk(s, 1), RangeError, /\[topk\]/);
  assertArray(mx.sort(s, null), { shape: [1], values: [5] });
  assertArray(mx.argsort(s, null), { dtype: mx.uint32, shape: [1], values: [0] });
  assertArray(mx.partition(s, 0, null), { shape: [1], values: [5] });
  assertArray(mx.argpartition(s, -1, null), { shape: [1], values: [0] });
  assertArray(mx.topk(s, 1, null), { shape: [1], values: [5] });
  // Size-0 dims.
  for (const k of ['float32', 'int64', 'bool_', 'complex64']) {
    const z = mx.zeros([2, 0, 3], mx[k]);
    for (const ax of [0, 1, -1, null]) {
      assertArray(mx.sort(z, ax), { dtype: mx[k], shape: ax === null ? [0] : [2, 0, 3] });
      assertArray(mx.argsort(z, ax), { dtype: mx.uint32, shape: ax === null ? [0] : [2, 0, 3] });
    }
    assertArray(mx.partition(z, 1, 0), { shape: [2, 0, 3] });
    assertArray(mx.argpartition(z, -1, 2), { shape: [2, 0, 3] });
    assertArray(mx.topk(z, 1, -1), { shape: [2, 0, 1] });
    assertArray(mx.topk(z, 0, 1), { shape: [2, 0, 3] });  // k == n (0): the input
    throwsWith(() => mx.partition(z, 0, 1), RangeError, /\[partition\] Received invalid kth 0 along axis 1 for array with shape: \(2,0,3\)/);
    throwsWith(() => mx.argpartition(z, 0, null), RangeError, /\[argpartition\]/);
  }
});

test('the stream argument and keyword arguments', () => {
  const a = mx.array([[3, 1, 2], [9, 7, 8]]);
  const st = mx.new_stream(mx.cpu);
  for (const stream of [mx.cpu, st, mx.default_stream(mx.cpu)]) {
    assertArray(mx.sort(a, { stream }), { values: [[1, 2, 3], [7, 8, 9]] });
    assertArray(mx.sort(a, 0, { stream }), { values: [[3, 1, 2], [9, 7, 8]] });
    assertArray(mx.argsort(a, { axis: 1, stream }), { values: [[1, 2, 0], [1, 2, 0]] });
    assertArray(mx.partition(a, 2, { stream }), { values: [[1, 2, 3], [7, 8, 9]] });
    assertArray(mx.argpartition(a, { kth: -1, axis: 0, stream }), { values: [[0, 0, 0], [1, 1, 1]] });
    assertArray(mx.topk(a, { k: 1, stream }), { shape: [2, 1], values: [[3], [9]] });
    assertArray(mx.topk(a, 1, null, { stream }), { shape: [1], values: [9] });
    assertArray(mx.searchsorted(mx.array([1, 2, 3]), mx.array([2]), 'right', { stream }), { values: [2] });
  }
  mx.synchronize(st);
  assertArray(mx.partition(a, { kth: 2, axis: -1 }), { values: [[1, 2, 3], [7, 8, 9]] });
  assertArray(mx.topk(a, 2n), { values: [[2, 3], [8, 9]] });  // bigint k
  // Lists and scalars are arrays.
  assertArray(mx.sort([3, 1, 2]), { dtype: mx.int32, values: [1, 2, 3] });
  assertArray(mx.argsort([[2.5, 1.5]]), { values: [[1, 0]] });
  throwsWith(() => mx.sort(a, { stream: mx.gpu }), Error, /\[sort\]|gpu/);
});

test('errors: RangeError for axis, kth and k out of range; TypeError for bad kinds', () => {
  const a = mx.zeros([2, 3]);
  for (const f of ['sort', 'argsort']) {
    throwsWith(() => mx[f](a, 2), RangeError, new RegExp(`\\[${f}\\] Received invalid axis 2 for array with 2 dimensions`));
    throwsWith(() => mx[f](a, -3), RangeError, new RegExp(`\\[${f}\\] Received invalid axis -3`));
    throwsWith(() => mx[f](a, 2 ** 40), RangeError, new RegExp(`\\[${f}\\]`));
    throwsWith(() => mx[f](a, 'x'), TypeError, new RegExp(`\\[${f}\\]`));
    throwsWith(() => mx[f](a, 1.5), TypeError, new RegExp(`\\[${f}\\]`));
    throwsWith(() => mx[f](a, [0]), TypeError, new RegExp(`\\[${f}\\]`));
    throwsWith(() => mx[f](a, 0, mx.cpu), TypeError, new RegExp(`\\[${f}\\]`));  // stream is keyword-only
    throwsWith(() => mx[f]({ a }), TypeError, new RegExp(`\\[${f}\\]`));  // a is positional-only
    throwsWith(() => mx[f](a, { bogus: 1 }), TypeError, /bogus/);
    throwsWith(() => mx[f](), TypeError, new RegExp(`\\[${f}\\]`));
    throwsWith(() => mx[f]('abc'), TypeError, new RegExp(`\\[${f}\\]`));
  }
  for (const f of ['partition', 'argpartition']) {
    throwsWith(() => mx[f](a, 3), RangeError, new RegExp(`\\[${f}\\] Received invalid kth 3 along axis -1 for array with shape: \\(2,3\\)`));
    throwsWith(() => mx[f](a, -4), RangeError, new RegExp(`\\[${f}\\] Received invalid kth -4`));
    throwsWith(() => mx[f](a, 2, 0), RangeError, new RegExp(`\\[${f}\\] Received invalid kth 2 along axis 0`));
    throwsWith(() => mx[f](a, 6, null), RangeError, new RegExp(`\\[${f}\\] Received invalid kth 6 along axis 0 for array with shape: \\(6\\)`));
    throwsWith(() => mx[f](a, 2 ** 40), RangeError, new RegExp(`\\[${f}\\] Received invalid kth 1099511627776 along axis -1 for array with shape: \\(2,3\\)`));
    throwsWith(() => mx[f](a, -(2 ** 40), 5), RangeError, new RegExp(`\\[${f}\\] Received invalid axis 5 for array with 2 dimensions`));
    throwsWith(() => mx[f](a, 0, 2), RangeError, new RegExp(`\\[${f}\\] Received invalid axis 2`));
    throwsWith(() => mx[f](a), TypeError, new RegExp(`\\[${f}\\] missing required argument 'kth'`));
    throwsWith(() => mx[f](a, 1.5), TypeError, new RegExp(`\\[${f}\\]`));
    throwsWith(() => mx[f](a, '1'), TypeError, new RegExp(`\\[${f}\\]`));
  }
  throwsWith(() => mx.topk(a, 4), RangeError, /\[topk\] Received invalid k=4 along axis -1 for array with shape: \(2,3\)/);
  throwsWith(() => mx.topk(a, -1), RangeError, /\[topk\] Received invalid k=-1/);
  throwsWith(() => mx.topk(a, 3, 0), RangeError, /\[topk\] Received invalid k=3 along axis 0/);
  throwsWith(() => mx.topk(a, 2 ** 33), RangeError, /\[topk\] Received invalid k=/);
  throwsWith(() => mx.topk(a, 1, 5), RangeError, /\[topk\] Received invalid axis 5/);
  throwsWith(() => mx.topk(a), TypeError, /\[topk\] missing required argument 'k'/);
  throwsWith(() => mx.topk(a, null), TypeError, /\[topk\]/);
  const seq = mx.array([1, 2, 3]);
  throwsWith(() => mx.searchsorted(seq, seq, 'middle'), Error, /\[searchsorted\] Invalid side 'middle'\. Expected 'left' or 'right'\./);
  throwsWith(() => mx.searchsorted(seq, seq, 1), TypeError, /\[searchsorted\]/);
  throwsWith(() => mx.searchsorted(a, seq), Error, /\[searchsorted\] The sorted sequence must be 1-D but has 2 dimensions\./);
  throwsWith(() => mx.searchsorted(mx.array(1), seq), Error, /\[searchsorted\] The sorted sequence must be 1-D but has 0 dimensions\./);
  throwsWith(() => mx.searchsorted(seq), TypeError, /\[searchsorted\]/);
  throwsWith(() => mx.searchsorted(seq, { values: seq }), TypeError, /\[searchsorted\]/);  // positional-only
  throwsWith(() => mx.searchsorted(seq, seq, 'left', mx.cpu), TypeError, /\[searchsorted\]/);
});

test('sort of every dtype keeps its dtype; argsort/argpartition are uint32', () => {
  for (const k of ALL_DTYPES) {
    const a = mk(k, [2, 3], 3);
    assert.equal(mx.sort(a).dtype, mx[k]);
    assert.equal(mx.partition(a, 1).dtype, mx[k]);
    assert.equal(mx.topk(a, 2).dtype, mx[k]);
    assert.equal(mx.argsort(a).dtype, mx.uint32);
    assert.equal(mx.argpartition(a, 1).dtype, mx.uint32);
    assert.equal(mx.searchsorted(mx.sort(a, null), a).dtype, mx.uint32);
  }
});
