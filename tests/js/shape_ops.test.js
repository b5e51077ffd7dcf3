'use strict';
// Shape ops (the `shape` group): concatenate/concat, stack, unstack, split, repeat, tile, pad,
// flip, roll, diff, as_strided, broadcast_arrays, broadcast_shapes, atleast_*d, unflatten,
// permute_dims, matrix_transpose, contiguous, and the array method split.
//
// Oracle for the data-movement ops: numpy applies the same op to an array of element indices
// (np.arange in the input's logical layout, through the same views), which says where each
// output element comes from; the output's raw bytes must then be the input's bytes at those
// indices, bit for bit, for all 14 dtypes (float16/bfloat16 signalling NaNs and -0 included).
// Inputs come as row-major arrays, transposed views, negative-stride views and broadcasts.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const native = require('../../lib/native');
const { NumpyBatch, NP_NAME } = require('./helpers/numpy');
const { ALL_DTYPES, assertArray, assertNumpy, throwsWith } = require('./helpers/check');

let np = new NumpyBatch();
const N = 2400;

// n elements of dtype k with varied bit patterns (built from raw bits where JS allows).
function base(k, n = N) {
  const idx = Array.from({ length: n }, (_, i) => i);
  switch (k) {
    case 'bool_': return mx.array(idx.map((i) => i % 3 === 1), mx.bool_);
    case 'uint8': return mx.array(Uint8Array.from(idx, (i) => (i * 37 + 5) & 255));
    case 'uint16': return mx.array(Uint16Array.from(idx, (i) => (i * 2731 + 17) & 0xffff));
    case 'uint32': return mx.array(Uint32Array.from(idx, (i) => (i * 2654435761) >>> 0));
    case 'uint64': return mx.array(BigUint64Array.from(idx, (i) => (BigInt(i + 1) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn));
    case 'int8': return mx.array(Int8Array.from(idx, (i) => ((i * 37) & 255) - 128));
    case 'int16': return mx.array(Int16Array.from(idx, (i) => ((i * 2731) & 0xffff) - 32768));
    case 'int32': return mx.array(Int32Array.from(idx, (i) => (i * 2654435761) | 0));
    case 'int64': return mx.array(BigInt64Array.from(idx, (i) => BigInt.asIntN(64, BigInt(i + 1) * 0x9e3779b97f4a7c15n)));
    case 'float16': case 'bfloat16': {
      const special = [0x7c01, 0x8000, 0x0001, 0x7c00, 0xfc00, 0x7fff, 0x7f81, 0xff80, 0x3c00, 0xbc00];
      const bits = Uint16Array.from(idx, (i) => (i < special.length ? special[i] : (i * 40503) & 0xffff));
      return k === 'float16' ? native._diag.f16_from_bits(bits) : native._diag.bf16_from_bits(bits);
    }
    case 'float32': {
      const special = [0x7f800001, 0x80000000, 0x00000001, 0x7fc12345, 0xff800000];
      const u = Uint32Array.from(idx, (i) => (i < special.length ? special[i] : (i * 2654435761) >>> 0));
      return mx.array(new Float32Array(u.buffer));
    }
    case 'float64': {
      const u = BigUint64Array.from(idx, (i) => (i === 0 ? 0x7ff0000000000001n : i === 1 ? 0x8000000000000000n
        : (BigInt(i) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn));
      return mx.array(new Float64Array(u.buffer), mx.float64);
    }
    case 'complex64': return mx.array(idx.map((i) => ({ re: i * 0.5 - 7, im: -i * 0.25 })), mx.complex64);
    default: throw new Error(k);
  }
}
const bases = Object.fromEntries(ALL_DTYPES.map((k) => [k, base(k)]));
const rawBytes = (a) => native._diag.bytes(a);
const size = (s) => s.reduce((p, q) => p * q, 1);

// Input views: the mx array built from the base, and the same view of np.arange in numpy.
const VIEWS = {
  row: (s) => ({ mx: (a) => a.reshape(s), np: `np.arange(${size(s)}).reshape(${pyT(s)})` }),
  T: (s) => ({ mx: (a) => a.reshape([...s].reverse()).T, np: `np.arange(${size(s)}).reshape(${pyT([...s].reverse())}).T` }),
  neg: (s) => ({ mx: (a) => mx.flip(a.reshape(s), 0), np: `np.flip(np.arange(${size(s)}).reshape(${pyT(s)}), 0)` }),
  bcast: (s) => ({ mx: (a) => mx.broadcast_to(a.reshape([1, ...s.slice(1)]), s), np: `np.broadcast_to(np.arange(${size([1, ...s.slice(1)])}).reshape(${pyT([1, ...s.slice(1)])}), ${pyT(s)})` }),
};
function pyT(s) { return s.length === 1 ? `(${s[0]},)` : `(${s.join(',')})`; }
const py = (v) => (v === null || v === undefined ? 'None' : Array.isArray(v) ? (v.every((x) => !Array.isArray(x)) ? pyT(v) : `[${v.map(py).join(',')}]`) : String(v));

// Data-movement cases: inputs (each a view kind and a shape, taking consecutive base
// elements), the mx call and the numpy expression over X0, X1, ... A result of several
// arrays (split, unstack, broadcast_arrays) lists numpy expressions, one per part.
const cases = [];
function mv(name, inputs, mxf, npf, parts) {
  // Inputs take disjoint element ranges of the base so that the sources differ.
  let off = 0;
  const specs = inputs.map(([view, s]) => {
    const v = VIEWS[view](s);
    const n = view === 'bcast' ? size([1, ...s.slice(1)]) : size(s);
    const o = off;
    off += n;
    return { v, o, n };
  });
  assert.ok(off <= N, name);
  const vars = specs.map((sp, i) => `X${i}`);
  const env = specs.map((sp, i) => `X${i} = ${sp.v.np} + ${sp.o}`);
  const exprs = parts === undefined ? [npf(...vars)] : Array.from({ length: parts }, (_, k) => npf(...vars, k));
  const handles = exprs.map((e) => np.eval(`(lambda ${vars.join(', ')}: ${e})(${env.map((x) => x.split(' = ')[1]).join(', ')})`, {}));
  cases.push({ name: `${name} [${inputs.map((i) => i.join(':')).join(', ')}]`, specs, mxf, handles, multi: parts !== undefined });
}

for (const [v1, v2] of [['row', 'row'], ['T', 'neg'], ['bcast', 'T'], ['neg', 'bcast']]) {
  mv('concatenate axis 1', [[v1, [2, 3]], [v2, [2, 4]]], (x, y) => mx.concatenate([x, y], 1), (x, y) => `np.concatenate([${x}, ${y}], 1)`);
  mv('concatenate axis -2', [[v1, [2, 3]], [v2, [3, 3]]], (x, y) => mx.concatenate([x, y], -2), (x, y) => `np.concatenate([${x}, ${y}], -2)`);
  mv('concatenate axis None', [[v1, [2, 3]], [v2, [3, 2]]], (x, y) => mx.concatenate([x, y], null), (x, y) => `np.concatenate([${x}, ${y}], None)`);
  mv('concat 3-d middle', [[v1, [2, 2, 3]], [v2, [2, 1, 3]], ['row', [2, 4, 3]]], (x, y, z) => mx.concat([x, y, z], { axis: 1 }), (x, y, z) => `np.concatenate([${x}, ${y}, ${z}], 1)`);
  mv('concatenate size-0 part', [[v1, [2, 3]], [v2, [2, 3]]], (x, y) => mx.concatenate([x, mx.split(y, [0], 0)[0], y], 0), (x, y) => `np.concatenate([${x}, ${y}[:0], ${y}], 0)`);
  mv('stack axis 0', [[v1, [2, 3]], [v2, [2, 3]]], (x, y) => mx.stack([x, y]), (x, y) => `np.stack([${x}, ${y}], 0)`);
  mv('stack axis -1', [[v1, [2, 3]], [v2, [2, 3]]], (x, y) => mx.stack([x, y, x], -1), (x, y) => `np.stack([${x}, ${y}, ${x}], -1)`);
  mv('stack axis 1 kw', [[v1, [3, 2]], [v2, [3, 2]]], (x, y) => mx.stack([x, y], { axis: 1 }), (x, y) => `np.stack([${x}, ${y}], 1)`);
  mv('repeat axis 1', [[v1, [2, 3]]], (x) => mx.repeat(x, 3, 1), (x) => `np.repeat(${x}, 3, 1)`);
  mv('repeat axis None', [[v1, [2, 3]]], (x) => mx.repeat(x, 2), (x) => `np.repeat(${x}, 2, None)`);
  mv('repeat axis -2', [[v1, [3, 2]]], (x) => mx.repeat(x, 2, { axis: -2 }), (x) => `np.repeat(${x}, 2, -2)`);
  mv('tile 2-d', [[v1, [2, 3]]], (x) => mx.tile(x, [2, 3]), (x) => `np.tile(${x}, (2, 3))`);
  mv('tile int', [[v1, [2, 3]]], (x) => mx.tile(x, 2), (x) => `np.tile(${x}, 2)`);
  mv('tile longer', [[v1, [2, 3]]], (x) => mx.tile(x, [2, 1, 2]), (x) => `np.tile(${x}, (2, 1, 2))`);
  mv('tile zero', [[v1, [2, 3]]], (x) => mx.tile(x, [0, 2]), (x) => `np.tile(${x}, (0, 2))`);
  mv('flip all', [[v1, [3, 4]]], (x) => mx.flip(x), (x) => `np.flip(${x})`);
  mv('flip -1', [[v1, [3, 4]]], (x) => mx.flip(x, -1), (x) => `np.flip(${x}, -1)`);
  mv('flip (0, 1) of 3-d', [[v1, [2, 3, 4]]], (x) => mx.flip(x, [0, 2]), (x) => `np.flip(${x}, (0, 2))`);
  mv('roll flat', [[v1, [3, 4]]], (x) => mx.roll(x, 5), (x) => `np.roll(${x}, 5)`);
  mv('roll tuple shift, no axis', [[v1, [3, 4]]], (x) => mx.roll(x, [2, 3]), (x) => `np.roll(${x}, 5)`);
  mv('roll axis', [[v1, [3, 4]]], (x) => mx.roll(x, -1, 1), (x) => `np.roll(${x}, -1, 1)`);
  mv('roll big shift', [[v1, [3, 4]]], (x) => mx.roll(x, 13, { axis: 0 }), (x) => `np.roll(${x}, 13, 0)`);
  mv('roll int over axes', [[v1, [3, 4]]], (x) => mx.roll(x, 1, [0, 1]), (x) => `np.roll(${x}, 1, (0, 1))`);
  mv('roll shifts over one axis', [[v1, [3, 4]]], (x) => mx.roll(x, [1, 2], -1), (x) => `np.roll(${x}, 3, -1)`);
  mv('roll pairs', [[v1, [3, 4]]], (x) => mx.roll(x, [2, -3], [1, 0]), (x) => `np.roll(${x}, (2, -3), (1, 0))`);
  mv('roll repeated axis', [[v1, [3, 4]]], (x) => mx.roll(x, [1, 1], [1, 1]), (x) => `np.roll(${x}, (1, 1), (1, 1))`);
  mv('pad int', [[v1, [2, 3]]], (x) => mx.pad(x, 1), (x) => `np.pad(${x}, 1, constant_values=-1)`);
  mv('pad pair', [[v1, [2, 3]]], (x) => mx.pad(x, [1, 2]), (x) => `np.pad(${x}, (1, 2), constant_values=-1)`);
  mv('pad per axis', [[v1, [2, 3]]], (x) => mx.pad(x, [[0, 1], [3, 0]]), (x) => `np.pad(${x}, ((0, 1), (3, 0)), constant_values=-1)`);
  mv('pad [int]', [[v1, [2, 3]]], (x) => mx.pad(x, [2]), (x) => `np.pad(${x}, 2, constant_values=-1)`);
  mv('pad [[pair]]', [[v1, [2, 3]]], (x) => mx.pad(x, [[2, 1]]), (x) => `np.pad(${x}, ((2, 1),), constant_values=-1)`);
  mv('pad edge', [[v1, [2, 3]]], (x) => mx.pad(x, [[1, 2], [2, 1]], 'edge'), (x) => `np.pad(${x}, ((1, 2), (2, 1)), 'edge')`);
  mv('pad reflect', [[v1, [3, 4]]], (x) => mx.pad(x, [[2, 1], [3, 3]], { mode: 'reflect' }), (x) => `np.pad(${x}, ((2, 1), (3, 3)), 'reflect')`);
  mv('pad reflect wide', [[v1, [3, 2]]], (x) => mx.pad(x, [[5, 7], [4, 3]], 'reflect'), (x) => `np.pad(${x}, ((5, 7), (4, 3)), 'reflect')`);
  mv('pad symmetric wide', [[v1, [3, 2]]], (x) => mx.pad(x, [[4, 8], [1, 5]], 'symmetric'), (x) => `np.pad(${x}, ((4, 8), (1, 5)), 'symmetric')`);
  mv('pad 3-d', [[v1, [2, 3, 2]]], (x) => mx.pad(x, [[1, 0], [0, 2], [1, 1]]), (x) => `np.pad(${x}, ((1, 0), (0, 2), (1, 1)), constant_values=-1)`);
  mv('as_strided', [[v1, [3, 4]]], (x) => mx.as_strided(x, [3, 3], [4, 1], 1), (x) => `np.lib.stride_tricks.as_strided(np.ascontiguousarray(${x}), (3, 3), (32, 8))[:, :] [:, :] if False else np.lib.stride_tricks.as_strided(np.ascontiguousarray(${x}).reshape(-1)[1:], (3, 3), (32, 8))`);
  mv('as_strided windows', [[v1, [12]]], (x) => mx.as_strided(x, [5, 4], [2, 1]), (x) => `np.lib.stride_tricks.as_strided(np.ascontiguousarray(${x}), (5, 4), (16, 8))`);
  mv('as_strided backwards', [[v1, [3, 4]]], (x) => mx.as_strided(x, [4, 2], [-2, 3], { offset: 6 }), (x) => `np.array([[np.ascontiguousarray(${x}).reshape(-1)[6 - 2 * i + 3 * j] for j in range(2)] for i in range(4)])`);
  mv('as_strided defaults', [[v1, [3, 4]]], (x) => mx.as_strided(x), (x) => `np.ascontiguousarray(${x})`);
  mv('as_strided shape only', [[v1, [3, 4]]], (x) => mx.as_strided(x, [2, 5]), (x) => `np.ascontiguousarray(${x}).reshape(-1)[:10].reshape(2, 5)`);
  mv('contiguous', [[v1, [3, 4]]], (x) => mx.contiguous(x), (x) => `np.ascontiguousarray(${x})`);
  mv('contiguous col-major allowed', [[v1, [3, 4]]], (x) => mx.contiguous(x, true), (x) => `${x}`);
  mv('unflatten', [[v1, [2, 12]]], (x) => mx.unflatten(x, 1, [3, -1]), (x) => `${x}.reshape(2, 3, 4)`);
  mv('permute_dims', [[v1, [2, 3, 4]]], (x) => mx.permute_dims(x, [2, 0, 1]), (x) => `np.transpose(${x}, (2, 0, 1))`);
  mv('permute_dims default', [[v1, [2, 3, 4]]], (x) => mx.permute_dims(x), (x) => `np.transpose(${x})`);
  mv('matrix_transpose', [[v1, [3, 4]]], (x) => mx.matrix_transpose(x), (x) => `np.transpose(${x})`);
  mv('atleast_2d', [[v1, [4]]], (x) => mx.atleast_2d(x), (x) => `np.atleast_2d(${x})`);
  mv('atleast_3d', [[v1, [3, 4]]], (x) => mx.atleast_3d(x), (x) => `np.atleast_3d(${x})`);
  mv('split sections', [[v1, [2, 6]]], (x) => mx.split(x, 3, 1), (x, k) => `np.split(${x}, 3, 1)[${k}]`, 3);
  mv('split indices', [[v1, [4, 3]]], (x) => mx.split(x, [1, 3]), (x, k) => `np.split(${x}, [1, 3], 0)[${k}]`, 3);
  mv('split unordered/negative/past the end', [[v1, [3, 6]]], (x) => mx.split(x, [4, 2, -1, 9], -1), (x, k) => `np.split(${x}, [4, 2, 5, 9], -1)[${k}]`, 5);
  mv('array.split', [[v1, [6, 2]]], (x) => x.split([2], { axis: 0 }), (x, k) => `np.split(${x}, [2], 0)[${k}]`, 2);
  mv('unstack', [[v1, [3, 4]]], (x) => mx.unstack(x), (x, k) => `${x}[${k}]`, 3);
  mv('unstack axis -1', [[v1, [3, 4]]], (x) => mx.unstack(x, { axis: -1 }), (x, k) => `${x}[:, ${k}]`, 4);
  mv('broadcast_arrays', [[v1, [3, 1]], [v2, [2, 1, 4]]], (x, y) => mx.broadcast_arrays(x, y), (x, y, k) => `np.broadcast_arrays(${x}, ${y})[${k}]`, 2);
}
// Transposed sources big enough for the tiled copy (16+ along both dims), 2-d and batched.
mv('contiguous of a big transpose', [['T', [24, 37]]], (x) => mx.contiguous(x), (x) => `np.ascontiguousarray(${x})`);
mv('contiguous of a permuted 3-d', [['row', [5, 20, 18]]], (x) => mx.contiguous(mx.permute_dims(x, [2, 0, 1])), (x) => `np.ascontiguousarray(np.transpose(${x}, (2, 0, 1)))`);
mv('contiguous of batched transposes', [['row', [3, 20, 18]]], (x) => mx.contiguous(mx.swapaxes(x, 1, 2)), (x) => `np.ascontiguousarray(np.swapaxes(${x}, 1, 2))`);
mv('concatenate big transposes', [['T', [20, 17]], ['neg', [20, 30]]], (x, y) => mx.concatenate([x, mx.swapaxes(y.reshape([30, 20]), 0, 1)], 1), (x, y) => `np.concatenate([${x}, np.swapaxes(${y}.reshape(30, 20), 0, 1)], 1)`);
// 0-d and size-0 inputs.
mv('stack 0-d', [['row', []], ['row', []]], (x, y) => mx.stack([x, y]), (x, y) => `np.stack([${x}, ${y}])`);
mv('atleast_1d 0-d', [['row', []]], (x) => mx.atleast_1d(x), (x) => `np.atleast_1d(${x})`);
mv('atleast_2d 0-d', [['row', []]], (x) => mx.atleast_2d(x), (x) => `np.atleast_2d(${x})`);
mv('atleast_3d 1-d', [['row', [5]]], (x) => mx.atleast_3d(x), (x) => `np.atleast_3d(${x})`);
mv('repeat 0-d', [['row', []]], (x) => mx.repeat(x, 3), (x) => `np.repeat(${x}, 3)`);
mv('tile 0-d', [['row', []]], (x) => mx.tile(x, [2, 2]), (x) => `np.tile(${x}, (2, 2))`);
mv('flip 0-d', [['row', []]], (x) => mx.flip(x), (x) => `np.flip(${x})`);
mv('roll 0-d', [['row', []]], (x) => mx.roll(x, 3), (x) => `np.roll(${x}, 3)`);
mv('pad 0-d', [['row', []]], (x) => mx.pad(x, 2), (x) => `np.pad(${x}, 2)`);
mv('pad size-0 axis', [['row', [0, 3]]], (x) => mx.pad(x, [[1, 1], [0, 1]]), (x) => `np.pad(${x}, ((1, 1), (0, 1)), constant_values=-1)`);
mv('concatenate size-0 dims', [['row', [0, 3]], ['row', [2, 3]]], (x, y) => mx.concatenate([x, y]), (x, y) => `np.concatenate([${x}, ${y}])`);
mv('roll size-0 axis', [['row', [0, 3]]], (x) => mx.roll(x, 2, 0), (x) => `np.roll(${x}, 2, 0)`);
mv('flip size-0 axis', [['row', [3, 0]]], (x) => mx.flip(x, 1), (x) => `np.flip(${x}, 1)`);
mv('split size-0 axis', [['row', [0, 4]]], (x) => mx.split(x, 2, 1), (x, k) => `np.split(${x}, 2, 1)[${k}]`, 2);
mv('repeat zero times (shape (0,))', [['row', [2, 3]]], (x) => mx.repeat(x, 0, 1), () => 'np.zeros((0,), np.int64)');
mv('repeat once', [['T', [2, 3]]], (x) => mx.repeat(x, 1, 0), (x) => `${x}`);

// Output bytes: the input's bytes at the numpy-computed source indices (-1: zero bytes, the
// default constant).
function expectedBytes(src, inputs, isz) {
  const out = new Uint8Array(src.length * isz);
  src.forEach((s, i) => {
    if (s < 0) return;
    for (const inp of inputs) {
      if (s >= inp.o && s < inp.o + inp.n) {
        out.set(inp.bytes.subarray((s - inp.o) * isz, (s - inp.o + 1) * isz), i * isz);
        return;
      }
    }
    throw new Error(`index ${s} outside every input`);
  });
  return out;
}

test('data-movement ops move every dtype bit for bit (numpy index oracle)', () => {
  np.run();
  for (const c of cases) {
    for (const h of c.handles) assert.equal(h.error, undefined, `numpy failed for ${c.name}: ${h.error}`);
    for (const k of ALL_DTYPES) {
      const b = bases[k];
      const isz = b.itemsize;
      const xs = c.specs.map((sp) => sp.v.mx(mx.split(b, [sp.o, sp.o + sp.n])[1]));
      const inputs = c.specs.map((sp) => ({ o: sp.o, n: sp.n, bytes: rawBytes(mx.split(b, [sp.o, sp.o + sp.n])[1]) }));
      let got = c.mxf(...xs);
      if (!c.multi) got = [got];
      assert.equal(got.length, c.handles.length, `${c.name} (${k}): number of outputs`);
      got.forEach((g, j) => {
        const v = c.handles[j].value;
        const where = `${c.name} (${k}) part ${j}`;
        assert.ok(g instanceof mx.array, where);
        assert.equal(g.dtype, mx[k], `${where}: dtype`);
        assert.deepEqual(g.shape, v.shape, `${where}: shape`);
        const src = v.flat.map(Number);
        const want = expectedBytes(src, inputs, isz);
        const have = rawBytes(g);
        if (Buffer.compare(Buffer.from(have), Buffer.from(want)) !== 0) {
          assert.fail(`${where}: bytes differ\n got  ${Buffer.from(have).toString('hex')}\n want ${Buffer.from(want).toString('hex')}`);
        }
      });
    }
  }
});

test('concatenate and stack promote to the common dtype (MLX table)', () => {
  np = new NumpyBatch();
  const pairs = [['int8', 'uint8'], ['int32', 'float16'], ['bool_', 'int16'], ['float16', 'bfloat16'],
    ['uint64', 'int64'], ['uint32', 'int32'], ['int64', 'complex64'], ['bfloat16', 'float64'], ['uint8', 'bool_']];
  const hs = [];
  for (const [p, q] of pairs) {
    const x = mx.array([[1, 2], [3, 4]], mx[p]);
    const y = mx.array([[0, 1]], mx[q]);
    const dt = mx.result_type(x, y);
    hs.push({ p, q, dt, out: mx.concatenate([x, y]), st: mx.stack([x, mx.astype(mx.broadcast_to(y, [2, 2]), mx[q])], -1),
      h: np.eval(`np.concatenate([x, y]).astype(np.${NP_NAME[dt._key]})`, { x: mx.astype(x, dt), y: mx.astype(y, dt) }),
      hs: np.eval(`np.stack([x, np.broadcast_to(y, (2, 2))], -1).astype(np.${NP_NAME[dt._key]})`, { x: mx.astype(x, dt), y: mx.astype(y, dt) }) });
  }
  np.run();
  for (const c of hs) {
    assertNumpy(c.out, c.h, { dtype: c.dt, msg: `concatenate ${c.p} ${c.q}` });
    assertNumpy(c.st, c.hs, { dtype: c.dt, msg: `stack ${c.p} ${c.q}` });
  }
  assert.equal(mx.concatenate([mx.array([1], mx.int8), mx.array([2], mx.uint8), mx.array([3.5])]).dtype, mx.float32);
  // Python scalars and lists become arrays of their own dtype.
  assertArray(mx.concatenate([[1, 2], mx.array([3], mx.int8)]), { dtype: mx.int32, values: [1, 2, 3] });
  // One array comes back unchanged, whatever the axis (MLX returns it without checks).
  const a = mx.array([[1, 2]], mx.uint16);
  assertArray(mx.concatenate([a], 5), { dtype: mx.uint16, shape: [1, 2], values: [1, 2] });
  assertArray(mx.concatenate([a], null), { shape: [2], values: [1, 2] });
});

test('pad constant_values: cast to the input dtype, as Python (int32/float32 array first)', () => {
  const a = mx.array([[1, 2], [3, 4]], mx.uint8);
  assertArray(mx.pad(a, 1, 'constant', 300), { dtype: mx.uint8, values: [[44, 44, 44, 44], [44, 1, 2, 44], [44, 3, 4, 44], [44, 44, 44, 44]] });
  assertArray(mx.pad(mx.array([1.5, 2]), [1, 0], { constant_values: -0.25 }), { dtype: mx.float32, values: [-0.25, 1.5, 2] });
  assertArray(mx.pad(mx.array([1, 2], mx.int32), [0, 2], 'constant', 2.9), { dtype: mx.int32, values: [1, 2, 2, 2] });
  assertArray(mx.pad(mx.array([true, false]), 1, 'constant', true), { dtype: mx.bool_, values: [true, true, false, true] });
  assertArray(mx.pad(mx.array([1, 2], mx.float16), 1, 'constant', mx.array(7, mx.int64)), { dtype: mx.float16, values: [7, 1, 2, 7] });
  assertArray(mx.pad(mx.array([1, 2], mx.int64), 1, 'constant', 2n ** 40n), { dtype: mx.int64, values: [2n ** 40n, 1n, 2n, 2n ** 40n] });
  // Other modes ignore the value.
  assertArray(mx.pad(mx.array([1, 2]), 1, 'edge', 9), { values: [1, 1, 2, 2] });
});

test('diff against numpy for every dtype', () => {
  np = new NumpyBatch();
  const hs = [];
  for (const k of ALL_DTYPES) {
    const vals = Array.from({ length: 24 }, (_, i) => ((i * 7) % 11) - 5);
    let a;
    if (k === 'bool_') a = mx.array(vals.map((v) => v > 0), mx.bool_);
    else if (k.startsWith('uint')) a = mx.array(vals.map((v) => (k === 'uint64' ? BigInt(v + 5) : v + 5)), mx[k]);
    else if (k === 'int64') a = mx.array(vals.map(BigInt), mx.int64);
    else if (k === 'complex64') a = mx.array(vals.map((v, i) => ({ re: v / 2, im: i / 4 })), mx.complex64);
    else a = mx.array(vals.map((v) => v / 4), mx[k]);
    a = a.reshape([2, 3, 4]);
    for (const [n, axis] of [[1, -1], [2, -1], [1, 0], [3, 1], [0, 2], [5, -1], [1, -3]]) {
      hs.push({ k, n, axis, out: mx.diff(a, n, axis), h: np.eval(`np.diff(a, ${n}, ${axis})`, { a }) });
    }
    // A transposed input.
    hs.push({ k, n: 1, axis: 0, out: mx.diff(a.T, { axis: 0 }), h: np.eval('np.diff(a.T, 1, 0)', { a }) });
  }
  np.run();
  for (const c of hs) assertNumpy(c.out, c.h, { dtype: mx[c.k], msg: `diff ${c.k} n=${c.n} axis=${c.axis}` });
});

test('broadcast_shapes, broadcast_arrays, atleast_*d, unflatten: shapes and lists', () => {
  np = new NumpyBatch();
  const shapes = [[[1, 3], [2, 1]], [[5, 1, 4], [3, 1], [1]], [[0, 1], [3]], [[]], [[2, 3]], [[4], [], [1, 4]]];
  const hs = shapes.map((ss) => ({ ss, h: np.eval(`np.array(np.broadcast_shapes(${ss.map(py).join(', ')}), dtype=np.int64)`, {}) }));
  np.run();
  for (const { ss, h } of hs) {
    const r = mx.broadcast_shapes(...ss);
    assert.ok(Array.isArray(r));
    assert.deepEqual(r, h.value.flat.map(Number), JSON.stringify(ss));
  }
  throwsWith(() => mx.broadcast_shapes(new Int32Array([2, 1]), [3]), TypeError, /\[broadcast_shapes\]/);  // lists only, as Python
  // broadcast_arrays: zero, one, several (returns a JS Array).
  assert.deepEqual(mx.broadcast_arrays(), []);
  const one = mx.broadcast_arrays(mx.array([1, 2]));
  assert.equal(one.length, 1);
  assertArray(one[0], { shape: [2], values: [1, 2] });
  const [p, q] = mx.broadcast_arrays(mx.array([[1], [2]]), 5, { stream: mx.cpu });
  assertArray(p, { shape: [2, 1], values: [1, 2] });
  assertArray(q, { dtype: mx.int32, shape: [2, 1], values: [5, 5] });
  // atleast_*: one array -> array, several -> list, none -> empty list.
  assert.ok(mx.atleast_1d(mx.array(3)) instanceof mx.array);
  const l = mx.atleast_2d(mx.array(1), mx.array([1, 2]), mx.zeros([2, 3, 4]));
  assert.ok(Array.isArray(l));
  assert.deepEqual(l.map((x) => x.shape), [[1, 1], [1, 2], [2, 3, 4]]);
  assert.deepEqual(mx.atleast_3d(mx.zeros([2, 3]), mx.zeros([2, 3, 4, 5])).map((x) => x.shape), [[2, 3, 1], [2, 3, 4, 5]]);
  assert.deepEqual(mx.atleast_1d(), []);
  assert.deepEqual(mx.atleast_1d(5).shape, [1]);
  // unflatten: inference, single-entry shape, size-0.
  assert.deepEqual(mx.unflatten(mx.zeros([2, 12, 3]), -2, [-1, 2, 3]).shape, [2, 2, 2, 3, 3]);
  assert.deepEqual(mx.unflatten(mx.zeros([2, 12]), 1, [12]).shape, [2, 12]);
  assert.deepEqual(mx.unflatten(mx.zeros([2, 0]), 1, [3, 0]).shape, [2, 3, 0]);
  assert.equal(mx.matrix_transpose, mx.transpose);
});

test('the stream argument, keyword arguments and array methods', () => {
  const a = mx.reshape(mx.arange(6), [2, 3]);
  for (const stream of [mx.cpu, mx.new_stream(mx.cpu), mx.default_stream(mx.cpu)]) {
    const s = { stream };
    assertArray(mx.concatenate([a, a], { axis: 1, ...s }), { shape: [2, 6] });
    assertArray(mx.concat([a, a], 0, s), { shape: [4, 3] });
    assertArray(mx.stack([a, a], s), { shape: [2, 2, 3] });
    assert.equal(mx.unstack(a, s).length, 2);
    assert.deepEqual(mx.split(a, 3, 1, s).map((x) => x.shape), [[2, 1], [2, 1], [2, 1]]);
    assertArray(mx.repeat(a, 2, s), { values: [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5] });
    assertArray(mx.tile(a, [1, 2], s), { values: [[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]] });
    assertArray(mx.pad(a, [0, 1], 'edge', s), { values: [[0, 1, 2, 2], [3, 4, 5, 5], [3, 4, 5, 5]] });
    assertArray(mx.flip(a, 1, s), { values: [[2, 1, 0], [5, 4, 3]] });
    assertArray(mx.roll(a, 1, 1, s), { values: [[2, 0, 1], [5, 3, 4]] });
    assertArray(mx.diff(a, 1, 0, s), { values: [[3, 3, 3]] });
    assertArray(mx.as_strided(a, [2], [2], 1, s), { values: [1, 3] });
    assertArray(mx.contiguous(a.T, false, s), { values: [[0, 3], [1, 4], [2, 5]] });
    assertArray(mx.unflatten(a, 1, [3, 1], s), { shape: [2, 3, 1] });
    assert.equal(mx.broadcast_arrays(a, mx.array([1, 2, 3]), s).length, 2);
    assertArray(mx.atleast_3d(a, s), { shape: [2, 3, 1] });
    assertArray(mx.permute_dims(a, [1, 0], s), { shape: [3, 2] });
    assert.equal(a.split(2, s).length, 2);
  }
  // Everything by name.
  assertArray(mx.concatenate([a, a], { axis: -1 }), { shape: [2, 6] });
  assert.equal(mx.split(a, { indices_or_sections: [1], axis: 1 }).length, 2);
  assertArray(mx.repeat(a, { repeats: 2, axis: 0 }), { shape: [4, 3] });
  assertArray(mx.pad(a, { pad_width: [[1, 0], [0, 0]], mode: 'constant', constant_values: 7 }), { values: [[7, 7, 7], [0, 1, 2], [3, 4, 5]] });
  assertArray(mx.flip(a, { axis: [0, 1] }), { values: [[5, 4, 3], [2, 1, 0]] });
  assertArray(mx.roll(a, { shift: 1, axis: 0 }), { values: [[3, 4, 5], [0, 1, 2]] });
  assertArray(mx.diff(a, { n: 2, axis: 1 }), { values: [[0], [0]] });
  assertArray(mx.as_strided(a, { shape: [3], strides: [2], offset: 0 }), { values: [0, 2, 4] });
  assertArray(mx.contiguous(a, { allow_col_major: true }), { values: [[0, 1, 2], [3, 4, 5]] });
  assertArray(mx.unflatten(a, { axis: 0, shape: [1, 2] }), { shape: [1, 2, 3] });
  assertArray(mx.permute_dims(a, { axes: [1, 0] }), { shape: [3, 2] });
  assertArray(mx.stack([a, a], { axis: null }), { shape: [2, 2, 3] });
  assertArray(a.split({ indices_or_sections: 3, axis: 1 })[2], { values: [[2], [5]] });
  // Positional-only and keyword-only parameters.
  throwsWith(() => mx.concatenate({ arrays: [a] }), TypeError, /\[concatenate\] argument 'arrays' is positional-only/);
  throwsWith(() => mx.unstack(a, 1), TypeError, /\[unstack\] takes 1 positional argument/);
  throwsWith(() => mx.tile(a, { reps: 2 }), TypeError, /\[tile\]/);
  throwsWith(() => mx.split(a, 2, 0, mx.cpu), TypeError, /\[split\]/);
  throwsWith(() => mx.pad(a, 1, { bogus: 1 }), TypeError, /\[pad\] unknown keyword argument 'bogus'/);
});

test('results are views where MLX makes views; split parts and flips stay correct after the source is gone', () => {
  let a = mx.add(mx.arange(12), 0).reshape([3, 4]);
  const parts = mx.split(a, [1], 1);
  const f = mx.flip(a);
  const s = mx.as_strided(a, [2, 2], [4, 1], 5);
  a = null;
  global.gc();
  assertArray(parts[1], { values: [[1, 2, 3], [5, 6, 7], [9, 10, 11]] });
  assertArray(f, { values: [[11, 10, 9, 8], [7, 6, 5, 4], [3, 2, 1, 0]] });
  assertArray(s, { values: [[5, 6], [9, 10]] });
  // Ops on negative-stride and strided views (elementwise, reductions, reshape).
  const g = mx.flip(mx.reshape(mx.arange(12), [3, 4]), [0, 1]);
  assertArray(mx.add(g, 1), { values: [[12, 11, 10, 9], [8, 7, 6, 5], [4, 3, 2, 1]] });
  assertArray(mx.sum(g, 1), { values: [38, 22, 6] });
  assertArray(mx.reshape(g, [12]), { values: [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0] });
  assertArray(mx.flatten(mx.split(mx.flip(mx.arange(10)), [3, 7])[1]), { values: [6, 5, 4, 3] });
});

test('large float32 arrays through the parallel paths', () => {
  const n = 1 << 20;
  const x = mx.arange(n, { dtype: mx.float32 }).reshape([1024, 1024]);
  const y = mx.multiply(x, -1);
  const c = mx.concatenate([x, y, x], 1);
  assert.deepEqual(c.shape, [1024, 3072]);
  const col = (r, j) => (j < 1024 ? r * 1024 + j : j < 2048 ? -(r * 1024 + j - 1024) : r * 1024 + j - 2048);
  const flat = c.toTypedArray();
  let ok = true;
  for (let r = 0; r < 1024 && ok; r += 37) for (let j = 0; j < 3072 && ok; j += 11) ok = flat[r * 3072 + j] === col(r, j);
  assert.ok(ok, 'concatenate values');
  const p = mx.pad(x, [[3, 2], [1, 4]], 'constant', -1).toTypedArray();
  assert.equal(p.length, 1029 * 1029);
  assert.equal(p[0], -1);
  assert.equal(p[3 * 1029 + 1], 0);
  assert.equal(p[(3 + 1023) * 1029 + 1 + 1023], n - 1);
  assert.equal(p[(3 + 1023) * 1029 + 1 + 1024], -1);
  const t = mx.tile(x, [2, 1]).toTypedArray();
  assert.equal(t[1024 * 1024 + 5], 5);
  assert.equal(t[2 * 1024 * 1024 - 1], n - 1);
  // Both halves of a 0-axis concatenate of two 4 MiB arrays.
  const z = mx.concatenate([x, y]).toTypedArray();
  assert.equal(z[n - 1], n - 1);
  assert.equal(z[n + 7], -7);
});

test('errors: class and [name]', () => {
  const a = mx.reshape(mx.arange(6), [2, 3]);
  // Axes out of range: RangeError.
  throwsWith(() => mx.concatenate([a, a], 2), RangeError, /\[concatenate\] Axis 2 is out of bounds/);
  throwsWith(() => mx.concatenate([mx.array(1), mx.array(2)]), RangeError, /\[concatenate\]/);
  throwsWith(() => mx.stack([a, a], 3), RangeError, /\[stack\]/);
  throwsWith(() => mx.stack([a, a], -4), RangeError, /\[stack\]/);
  throwsWith(() => mx.unstack(a, { axis: 2 }), RangeError, /\[unstack\]/);
  throwsWith(() => mx.split(a, 2, 2), RangeError, /\[split\]/);
  throwsWith(() => mx.split(a, [1], -3), RangeError, /\[split\]/);
  throwsWith(() => mx.repeat(a, 2, 2), RangeError, /\[repeat\]/);
  throwsWith(() => mx.repeat(mx.array(1), 2, 0), RangeError, /\[repeat\]/);
  throwsWith(() => mx.flip(a, 2), RangeError, /\[flip\]/);
  throwsWith(() => mx.roll(a, 1, -3), RangeError, /\[roll\]/);
  throwsWith(() => mx.diff(a, 1, 2), RangeError, /\[diff\]/);
  throwsWith(() => mx.unflatten(a, 2, [3]), RangeError, /\[unflatten\]/);
  throwsWith(() => mx.as_strided(a, [3, 3], [2, 1]), RangeError, /\[as_strided\] The view reaches elements outside/);
  throwsWith(() => mx.as_strided(a, [2], [-1], 0), RangeError, /\[as_strided\]/);
  throwsWith(() => mx.as_strided(a, [2], [1], -1), RangeError, /\[as_strided\]/);
  throwsWith(() => mx.as_strided(a, [2], [1], 5), RangeError, /\[as_strided\]/);
  // Other bad values: Error.
  throwsWith(() => mx.concatenate([]), Error, /\[concatenate\] No arrays provided/);
  throwsWith(() => mx.concatenate([a, mx.zeros([2, 3, 1])]), Error, /\[concatenate\] All the input arrays must have the same number of dimensions/);
  throwsWith(() => mx.concatenate([a, mx.zeros([3, 3])], 1), Error, /\[concatenate\] All the input array dimensions must match exactly/);
  throwsWith(() => mx.stack([]), Error, /\[stack\] No arrays provided for stacking/);
  throwsWith(() => mx.stack([a, a.T]), Error, /\[stack\] All arrays must have the same shape/);
  throwsWith(() => mx.unstack(mx.array(1)), Error, /\[unstack\]/);
  throwsWith(() => mx.split(a, 2, 1), Error, /\[split\] Array split does not result in sub arrays with equal size/);
  throwsWith(() => mx.split(a, 0), Error, /\[split\] Number of sections must be positive/);
  throwsWith(() => mx.split(mx.array(1), 1), Error, /\[split\]/);
  throwsWith(() => mx.repeat(a, -1, 0), Error, /\[repeat\] Number of repeats cannot be negative/);
  throwsWith(() => mx.tile(a, [-1, 2]), Error, /\[tile\] Negative repetitions/);
  throwsWith(() => mx.pad(a, -1), Error, /\[pad\] Invalid low padding size \(-1\)/);
  throwsWith(() => mx.pad(a, [[0, 0], [0, -2]]), Error, /\[pad\] Invalid high padding size \(-2\)/);
  throwsWith(() => mx.pad(a, [[0, 0], [0, 0], [1, 1]]), Error, /\[pad\] Invalid number of padding sizes/);
  throwsWith(() => mx.pad(mx.zeros([0, 2]), 1, 'edge'), Error, /\[pad\] Cannot pad the empty axis 0/);
  throwsWith(() => mx.pad(a, 1, 'constant', mx.array([1, 2])), Error, /\[pad\] constant_values must be a scalar/);
  throwsWith(() => mx.roll(a, [1], [0, 1]), Error, /\[roll\] At least one shift value per axis is required, 1 provided for 2 axes/);
  throwsWith(() => mx.diff(a, -1), Error, /\[diff\] Order n must be non-negative/);
  throwsWith(() => mx.diff(mx.array(1)), Error, /\[diff\]/);
  throwsWith(() => mx.unflatten(a, 1, []), Error, /\[unflatten\] Shape to unflatten to cannot be empty/);
  throwsWith(() => mx.unflatten(a, 1, [-1, -1]), Error, /\[unflatten\] Can only infer one dimension/);
  throwsWith(() => mx.unflatten(a, 1, [2, 2]), Error, /\[unflatten\] Cannot unflatten axis 1 with size 3 into shape \(2,2\)/);
  throwsWith(() => mx.unflatten(mx.zeros([2, 0]), 1, [0, -1]), Error, /\[unflatten\]/);
  throwsWith(() => mx.as_strided(a, [2, 2], [1]), Error, /\[as_strided\]/);
  throwsWith(() => mx.as_strided(a, [-2], [1]), Error, /\[as_strided\]/);
  throwsWith(() => mx.broadcast_arrays(a, mx.zeros([4])), Error, /\[broadcast_arrays\] Shapes \(2,3\) \(4\) cannot be broadcast/);
  throwsWith(() => mx.broadcast_shapes([2, 3], [4]), Error, /\[broadcast_shapes\] Shapes \(2,3\) and \(4\) cannot be broadcast/);
  throwsWith(() => mx.broadcast_shapes(), Error, /\[broadcast_shapes\] Must provide at least one shape/);
  throwsWith(() => mx.broadcast_shapes([-1]), Error, /\[broadcast_shapes\]/);
  // Wrong kinds of argument: TypeError naming the function.
  throwsWith(() => mx.concatenate(a), TypeError, /\[concatenate\]/);
  throwsWith(() => mx.concatenate([a, 'x']), TypeError, /\[concatenate\]/);
  throwsWith(() => mx.stack([a], 0.5), TypeError, /\[stack\]/);
  throwsWith(() => mx.split(a, 1.5), TypeError, /\[split\]/);
  throwsWith(() => mx.split(a, [1.5]), TypeError, /\[split\]/);
  throwsWith(() => mx.split(a, 'two'), TypeError, /\[split\]/);
  throwsWith(() => mx.repeat(a, 2.5), TypeError, /\[repeat\]/);
  throwsWith(() => mx.tile(a, 'x'), TypeError, /\[tile\]/);
  throwsWith(() => mx.pad(a, [1, 2, 3]), TypeError, /\[pad\] argument 'pad_width'/);
  throwsWith(() => mx.pad(a, [[1, 2, 3]]), TypeError, /\[pad\] argument 'pad_width'/);
  throwsWith(() => mx.pad(a, 1, 'wrap'), TypeError, /\[pad\] argument 'mode'/);
  throwsWith(() => mx.flip(a, 'x'), TypeError, /\[flip\]/);
  throwsWith(() => mx.roll(a, 1.5), TypeError, /\[roll\]/);
  throwsWith(() => mx.diff(a, 1.5), TypeError, /\[diff\]/);
  throwsWith(() => mx.as_strided(a, [2], [0.5]), TypeError, /\[as_strided\]/);
  throwsWith(() => mx.unflatten(a, 0, 3), TypeError, /\[unflatten\]/);
  throwsWith(() => mx.broadcast_shapes([2], 3), TypeError, /\[broadcast_shapes\]/);
  throwsWith(() => mx.broadcast_shapes([2.5]), TypeError, /\[broadcast_shapes\]/);
  throwsWith(() => mx.atleast_1d('x'), TypeError, /\[atleast_1d\]/);
  throwsWith(() => mx.contiguous(a, 1), TypeError, /\[contiguous\]/);
  throwsWith(() => mx.concatenate([a, a], { stream: 'cpu' }), TypeError, /\[concatenate\]/);
  throwsWith(() => a.split(1.5), TypeError, /\[array\.split\]/);
  // Out-of-int32 values.
  throwsWith(() => mx.repeat(a, 2 ** 31, 0), RangeError, /\[repeat\]/);
  throwsWith(() => mx.tile(a, [2 ** 40]), RangeError, /\[tile\]/);
  throwsWith(() => mx.tile(mx.zeros([2 ** 16]), [2 ** 16]), Error, /\[tile\] The tiled shape is too large/);
  throwsWith(() => mx.pad(a, 2 ** 31), RangeError, /\[pad\]/);
  throwsWith(() => mx.pad(mx.zeros([2 ** 30]), 2 ** 30), Error, /\[pad\] The padded shape is too large/);
});
