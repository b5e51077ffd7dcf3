'use strict';
// Convolutions (the `conv` group): conv_general, conv1d/2d/3d and conv_transpose1d/2d/3d against
// naive float64 references written here (a gather loop that follows the definition for the
// forward convolutions; a scatter loop, x[i] spread to i * stride - padding + k * dilation, for
// the transposed ones), convolve against numpy.convolve; 1/2/3-D, strides, asymmetric and
// negative padding, kernel and input dilation, groups (depthwise too), flip, batches, one
// channel, long signals, kernels larger than the input, chunked large outputs, strided and
// broadcast inputs, every float dtype (float16/bfloat16 accumulate in float32 and round once),
// empty arrays, streams, keyword arguments and every error.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { NumpyBatch } = require('./helpers/numpy');
const { assertArray, assertNumpy, throwsWith } = require('./helpers/check');

// ---- data ---------------------------------------------------------------------------------

let seed = 0x2545f491;
function rand() {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296 - 0.5;
}
const prod = (s) => s.reduce((a, b) => a * b, 1);
function randArr(shape, dtype = mx.float32) {
  const f = new Float32Array(prod(shape));
  for (let i = 0; i < f.length; i++) f[i] = rand() * 2;
  return mx.array(f).reshape(shape).astype(dtype);
}
// The values of an array (of any float dtype and layout) as float64, in row-major order.
const vals = (a) => Float64Array.from(a.astype(mx.float64).toTypedArray());
const rowStrides = (s) => {
  const st = new Array(s.length).fill(1);
  for (let i = s.length - 2; i >= 0; i--) st[i] = st[i + 1] * s[i + 1];
  return st;
};
// Calls fn(idx) for every multi-index of shape (row-major).
function forEach(shape, fn) {
  const n = prod(shape);
  const idx = new Array(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    fn(idx);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

// ---- references ---------------------------------------------------------------------------

// int | [int] | [int, ...] -> d ints.
const per = (v, d) => (Array.isArray(v) ? (v.length === 1 ? new Array(d).fill(v[0]) : v.slice()) : new Array(d).fill(v));
// padding: int | list | [lo list, hi list] -> [lo, hi].
function pads(p, d) {
  if (Array.isArray(p) && p.length === 2 && Array.isArray(p[0])) return [per(p[0], d), per(p[1], d)];
  return [per(p, d), per(p, d)];
}

// MLX's general convolution, from its definition, in float64. x: values of shape xs (N, S...,
// C); w: values of shape ws (O, K..., C/groups). Negative padding crops the undilated input
// (as MLX does), the rest is zero padding. Returns {shape, val, mag} where mag is the sum of
// |terms| of each output (for the tolerance).
function refConv(x, xs, w, ws, { stride = 1, padding = 0, kdil = 1, idil = 1, groups = 1, flip = false } = {}) {
  const d = xs.length - 2;
  const st = per(stride, d), kd = per(kdil, d), id = per(idil, d);
  let [lo, hi] = pads(padding, d);
  // Crop.
  const start = lo.map((p) => Math.max(0, -p));
  const cropS = xs.slice(1, d + 1).map((s, i) => Math.max(0, Math.min(s, s + Math.min(0, hi[i])) - Math.min(s, start[i])));
  lo = lo.map((p) => Math.max(0, p));
  hi = hi.map((p) => Math.max(0, p));
  const xst = rowStrides(xs);
  const N = xs[0], C = xs[d + 1], O = ws[0], Cg = ws[d + 1], Og = O / groups;
  const K = ws.slice(1, d + 1);
  const D = cropS.map((s, i) => (s - 1) * id[i] + 1);
  const OS = D.map((Di, i) => Math.trunc((Di + lo[i] + hi[i] - ((K[i] - 1) * kd[i] + 1)) / st[i]) + 1);
  const shape = [N, ...OS, O];
  const val = new Float64Array(prod(shape)), mag = new Float64Array(prod(shape));
  const wst = rowStrides(ws);
  let oi = 0;
  forEach([N, ...OS], (idx) => {
    const n = idx[0];
    for (let o = 0; o < O; o++, oi++) {
      const g = Math.floor(o / Og);
      let s = 0, m = 0;
      forEach(K, (k) => {
        let off = n * xst[0];
        for (let i = 0; i < d; i++) {
          const kk = flip ? K[i] - 1 - k[i] : k[i];
          const p = idx[i + 1] * st[i] - lo[i] + kk * kd[i];
          if (p < 0 || p >= D[i] || p % id[i] !== 0) return;
          off += (p / id[i] + start[i]) * xst[i + 1];
        }
        let woff = o * wst[0];
        for (let i = 0; i < d; i++) woff += k[i] * wst[i + 1];
        for (let c = 0; c < Cg; c++) {
          const t = x[off + g * Cg + c] * w[woff + c];
          s += t;
          m += Math.abs(t);
        }
      });
      val[oi] = s;
      mag[oi] = m;
    }
  });
  return { shape, val, mag };
}

// Transposed convolution as a scatter: x[n, i, g * Cg + c] * w[o, k, c] lands on output position
// i * stride - padding + k * dilation (when inside) of channel o of group g.
function refConvT(x, xs, w, ws, { stride = 1, padding = 0, dilation = 1, outPad = 0, groups = 1 } = {}) {
  const d = xs.length - 2;
  const st = per(stride, d), p = per(padding, d), dl = per(dilation, d), op = per(outPad, d);
  const N = xs[0], O = ws[0], Cg = ws[d + 1], Og = O / groups;
  const S = xs.slice(1, d + 1), K = ws.slice(1, d + 1);
  const OS = S.map((s, i) => (s - 1) * st[i] - 2 * p[i] + dl[i] * (K[i] - 1) + 1 + op[i]);
  const shape = [N, ...OS, O];
  const val = new Float64Array(prod(shape)), mag = new Float64Array(prod(shape));
  const ost = rowStrides(shape), wst = rowStrides(ws), xst = rowStrides(xs);
  forEach([N, ...S], (idx) => {
    forEach(K, (k) => {
      let off = idx[0] * ost[0];
      for (let i = 0; i < d; i++) {
        const q = idx[i + 1] * st[i] - p[i] + k[i] * dl[i];
        if (q < 0 || q >= OS[i]) return;
        off += q * ost[i + 1];
      }
      let xoff = idx[0] * xst[0], woffk = 0;
      for (let i = 0; i < d; i++) { xoff += idx[i + 1] * xst[i + 1]; woffk += k[i] * wst[i + 1]; }
      for (let o = 0; o < O; o++) {
        const g = Math.floor(o / Og);
        for (let c = 0; c < Cg; c++) {
          const t = x[xoff + g * Cg + c] * w[o * wst[0] + woffk + c];
          val[off + o] += t;
          mag[off + o] += Math.abs(t);
        }
      }
    });
  });
  return { shape, val, mag };
}

// Tolerances: float32/float64 accumulation error grows with the sum of |terms|; float16 and
// bfloat16 add one rounding of the result.
const TOLS = {
  float32: (e, m) => 2e-6 * m + 1e-7,
  float64: (e, m) => 1e-13 * m + 1e-300,
  float16: (e, m) => 1e-3 * Math.abs(e) + 2e-6 * m + 1e-7,
  bfloat16: (e, m) => 8e-3 * Math.abs(e) + 2e-6 * m + 1e-7,
};
function assertClose(out, ref, dtype, msg) {
  assert.equal(out.dtype, dtype, `dtype (${msg})`);
  assert.deepEqual(out.shape, ref.shape, `shape (${msg})`);
  const g = vals(out);
  const tol = TOLS[dtype._key];
  for (let i = 0; i < g.length; i++) {
    const e = ref.val[i];
    if (!(Math.abs(g[i] - e) <= tol(e, ref.mag[i]))) {
      assert.fail(`${msg}: element ${i} is ${g[i]}, expected ${e} (sum |terms| ${ref.mag[i]})`);
    }
  }
}

// ---- conv_general -------------------------------------------------------------------------

// Each case: input and weight shapes and conv_general's arguments (padding as conv_general
// takes it: int, list, or [lo, hi]).
const GENERAL = [
  // 1-D
  { xs: [2, 17, 3], ws: [4, 3, 3] },
  { xs: [2, 17, 3], ws: [4, 3, 3], stride: 2, padding: 1 },
  { xs: [1, 19, 2], ws: [3, 4, 2], stride: 3, padding: [[2], [0]] },
  { xs: [2, 11, 2], ws: [3, 3, 2], kdil: 2, idil: 3, padding: [[1], [4]] },
  { xs: [2, 12, 6], ws: [9, 3, 2], groups: 3, padding: 1 },
  { xs: [2, 12, 6], ws: [9, 3, 2], groups: 3, flip: true, stride: 2 },
  { xs: [2, 20, 4], ws: [4, 5, 1], groups: 4, padding: 2 },               // depthwise
  { xs: [2, 20, 4], ws: [8, 5, 1], groups: 4, padding: [[3], [1]], kdil: 2 }, // depthwise x2
  { xs: [2, 20, 4], ws: [4, 5, 1], groups: 4, idil: 2, flip: true },
  { xs: [3, 30, 1], ws: [1, 7, 1], padding: 3 },                        // one channel, short
  { xs: [3, 30, 1], ws: [5, 7, 1], stride: 2 },
  { xs: [2, 300, 1], ws: [1, 9, 1], padding: [[4], [2]] },              // 1-channel signals
  { xs: [2, 300, 1], ws: [1, 9, 1], stride: 3, kdil: 2, padding: 5 },
  { xs: [1, 300, 1], ws: [1, 9, 1], flip: true, padding: [[8], [8]] },
  { xs: [1, 40000, 1], ws: [1, 5, 1], stride: 3, kdil: 2, padding: [[2], [7]] }, // split line
  { xs: [1, 3, 2], ws: [2, 5, 2], padding: 2 },                         // kernel > input
  { xs: [1, 4, 2], ws: [2, 5, 2], stride: 2 },                          // MLX keeps 1 output
  { xs: [1, 10, 2], ws: [3, 3, 2], padding: [[-1], [-2]] },             // negative padding
  { xs: [1, 10, 2], ws: [3, 3, 2], padding: [[-2], [1]], idil: 2 },
  { xs: [2, 9, 4], ws: [5, 1, 4] },                                     // pointwise 1-D
  // 2-D
  { xs: [2, 9, 8, 4], ws: [6, 3, 2, 4] },
  { xs: [2, 9, 8, 4], ws: [6, 3, 2, 4], stride: [2, 1], padding: [[1, 0], [2, 1]], kdil: [1, 2] },
  { xs: [2, 7, 6, 3], ws: [5, 2, 3, 3], idil: [2, 1], flip: true, padding: 1 },
  { xs: [1, 6, 7, 3], ws: [2, 3, 3, 3], idil: 2, kdil: 2, stride: [1, 2], padding: [[0, 3], [2, 0]] },
  { xs: [2, 8, 8, 4], ws: [6, 3, 3, 2], groups: 2, padding: 1 },
  { xs: [2, 8, 8, 4], ws: [6, 3, 3, 2], groups: 2, flip: true, stride: 2 },
  { xs: [2, 8, 8, 4], ws: [4, 3, 3, 1], groups: 4, padding: [1, 2] },      // depthwise
  { xs: [2, 8, 8, 4], ws: [8, 3, 3, 1], groups: 4, stride: 2, kdil: 2 },
  { xs: [2, 5, 6, 8], ws: [3, 1, 1, 8] },                                   // pointwise
  { xs: [2, 5, 6, 4], ws: [4, 1, 1, 2], groups: 2 },
  { xs: [2, 5, 6, 8], ws: [3, 1, 1, 8], stride: 2 },
  { xs: [2, 5, 6, 8], ws: [3, 1, 1, 8], padding: 1 },
  { xs: [1, 5, 5, 1], ws: [3, 3, 3, 1], padding: 1 },                       // C = 1, O > 1
  { xs: [1, 6, 6, 37], ws: [37, 3, 3, 1], groups: 37, padding: 1 },       // depthwise, odd width
  { xs: [2, 5, 5, 70], ws: [70, 2, 3, 1], groups: 70, stride: [1, 2], padding: [[1, 0], [0, 2]] },
  { xs: [2, 5, 70, 1], ws: [1, 3, 5, 1], padding: [[1, 2], [0, 3]] },       // 1-channel rows
  { xs: [1, 7, 90, 1], ws: [1, 3, 4, 1], stride: [2, 3], kdil: [2, 1], idil: [1, 1], padding: 2, flip: true },
  { xs: [4, 40, 40, 32], ws: [16, 3, 3, 32] },                              // several chunks
  // 3-D
  { xs: [2, 5, 6, 4, 3], ws: [4, 2, 3, 2, 3] },
  { xs: [2, 5, 6, 4, 3], ws: [4, 2, 3, 2, 3], stride: [1, 2, 1], padding: [[1, 0, 1], [0, 1, 2]], kdil: [2, 1, 1], idil: [1, 1, 2], flip: true },
  { xs: [1, 4, 4, 4, 2], ws: [3, 1, 1, 1, 2] },
  { xs: [1, 6, 5, 4, 1], ws: [1, 3, 3, 3, 1], padding: 1 },
];

function runGeneral(c, dtype = mx.float32, msg = '') {
  const x = randArr(c.xs, dtype), w = randArr(c.ws, dtype);
  const out = mx.conv_general(x, w, c.stride ?? 1, c.padding ?? 0, c.kdil ?? 1, c.idil ?? 1, c.groups ?? 1, c.flip ?? false);
  const ref = refConv(vals(x), c.xs, vals(w), c.ws, c);
  assertClose(out, ref, dtype, `${msg}${JSON.stringify(c)}`);
}

test('conv_general: 1/2/3-D, strides, asymmetric and negative padding, dilations, groups, flip (float32)', () => {
  for (const c of GENERAL) runGeneral(c);
});

test('conv_general: float16, bfloat16 and float64 (float16/bfloat16 accumulate in float32)', () => {
  const some = GENERAL.filter((c, i) => i % 3 === 0 || prod(c.xs) > 10000);
  for (const k of ['float16', 'bfloat16', 'float64']) {
    for (const c of some) runGeneral(c, mx[k], `${k} `);
  }
});

test('the portable and AVX2 direct kernels agree with the reference (MLX_CPU_ISA)', () => {
  const { spawnSync } = require('node:child_process');
  const path = require('node:path');
  const cases = [
    { xs: [2, 6, 6, 37], ws: [37, 3, 3, 1], groups: 37, padding: 1 },
    { xs: [2, 300, 1], ws: [1, 9, 1], padding: [[4], [2]], kdil: 2 },
    { xs: [1, 4000, 1], ws: [1, 33, 1], flip: true, padding: 32 },
    { xs: [2, 5, 70, 1], ws: [1, 3, 5, 1], padding: [[1, 2], [0, 3]] },
  ].map((c) => ({ ...c, x: Array.from(vals(randArr(c.xs))), w: Array.from(vals(randArr(c.ws))) }));
  const script = `
    const mx = require(${JSON.stringify(path.join(__dirname, '../../lib'))}).core;
    const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    const out = cases.map((c) => {
      const x = mx.array(c.x).reshape(c.xs), w = mx.array(c.w).reshape(c.ws);
      const y = mx.conv_general(x, w, c.stride ?? 1, c.padding ?? 0, c.kdil ?? 1, c.idil ?? 1, c.groups ?? 1, c.flip ?? false);
      return { shape: y.shape, v: Array.from(y.toTypedArray()) };
    });
    process.stdout.write(JSON.stringify(out));`;
  for (const isa of ['generic', 'avx512']) {  // avx512: the best this CPU has
    const r = spawnSync(process.execPath, ['-e', script], { input: JSON.stringify(cases), env: { ...process.env, MLX_CPU_ISA: isa }, encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    const outs = JSON.parse(r.stdout);
    cases.forEach((c, i) => {
      const ref = refConv(Float64Array.from(c.x), c.xs, Float64Array.from(c.w), c.ws, c);
      assert.deepEqual(outs[i].shape, ref.shape, `${isa} shape ${JSON.stringify(c.xs)}`);
      outs[i].v.forEach((v, j) => assert.ok(Math.abs(v - ref.val[j]) <= TOLS.float32(ref.val[j], ref.mag[j]),
        `${isa} ${JSON.stringify(c.xs)}: element ${j} is ${v}, expected ${ref.val[j]}`));
    });
  }
});

test('conv_general: float16 rounds once (not per term)', () => {
  // 1 + 2^-11 * 4 terms: per-term float16 rounding would lose every 2^-11 (ties to even).
  const x = mx.array([1, 2 ** -11, 2 ** -11, 2 ** -11, 2 ** -11], mx.float16).reshape(1, 5, 1);
  const w = mx.ones([1, 5, 1], mx.float16);
  assertArray(mx.conv1d(x, w), { dtype: mx.float16, shape: [1, 1, 1], values: [1 + 2 ** -9] });
});

test('conv_general: argument forms (ints, lists of one, per-dim lists, [lo, hi], empty lists)', () => {
  const x = randArr([2, 7, 6, 3]), w = randArr([4, 3, 2, 3]);
  const X = vals(x), W = vals(w);
  const ref = (o) => refConv(X, [2, 7, 6, 3], W, [4, 3, 2, 3], o);
  assertClose(mx.conv_general(x, w, [2], [1], [2], [1]), ref({ stride: 2, padding: 1, kdil: 2 }), mx.float32, 'lists of one');
  assertClose(mx.conv_general(x, w, [], [], [], []), ref({}), mx.float32, 'empty lists');
  assertClose(mx.conv_general(x, w, { stride: [1, 2], padding: [[0, 1], [2, 3]], input_dilation: [2, 1] }),
    ref({ stride: [1, 2], padding: [[0, 1], [2, 3]], idil: [2, 1] }), mx.float32, 'kwargs');
  assertClose(mx.conv_general(x, w, { flip: true, kernel_dilation: 2, padding: [2, 1] }),
    ref({ flip: true, kdil: 2, padding: [2, 1] }), mx.float32, 'kwargs flip');
  assertClose(mx.conv_general(x, w, 1n, 1n), ref({ padding: 1 }), mx.float32, 'bigints');
  // MLX's documented example: flipped grouped 1-D convolution.
  const xg = mx.broadcast_to(mx.arange(5).astype(mx.float32), [2, 5]).T;
  const wg = mx.broadcast_to(mx.arange(4).astype(mx.float32), [2, 4]);
  assertArray(mx.conv_general(xg.reshape(1, 5, 2), wg.reshape(2, 4, 1), { flip: true, groups: 2 }),
    { dtype: mx.float32, shape: [1, 2, 2], values: [4, 4, 10, 10] });
});

// ---- conv1d / conv2d / conv3d ---------------------------------------------------------------

test('conv1d, conv2d, conv3d against the reference (positional and keyword forms)', () => {
  const c1 = [
    [[2, 15, 3], [4, 3, 3], {}],
    [[2, 15, 3], [4, 3, 3], { stride: 2, padding: 2, dilation: 3 }],
    [[2, 15, 6], [6, 3, 2], { groups: 3, padding: 1 }],
    [[2, 15, 6], [6, 3, 1], { groups: 6 }],
    [[1, 200, 1], [1, 31, 1], { padding: 15 }],
  ];
  for (const [xs, ws, o] of c1) {
    const x = randArr(xs), w = randArr(ws);
    const ref = refConv(vals(x), xs, vals(w), ws, { stride: o.stride, padding: o.padding, kdil: o.dilation, groups: o.groups });
    assertClose(mx.conv1d(x, w, o), ref, mx.float32, `conv1d ${JSON.stringify(o)}`);
    assertClose(mx.conv1d(x, w, o.stride ?? 1, o.padding ?? 0, o.dilation ?? 1, o.groups ?? 1), ref, mx.float32, 'conv1d positional');
  }
  const c2 = [
    [[2, 9, 8, 3], [4, 3, 3, 3], {}],
    [[2, 9, 8, 3], [4, 3, 2, 3], { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }],
    [[2, 9, 8, 3], [4, 3, 3, 3], { stride: 2, padding: 1, dilation: 2 }],
    [[2, 8, 8, 4], [6, 3, 3, 2], { groups: 2, padding: [1, 0] }],
    [[2, 8, 8, 4], [4, 5, 5, 1], { groups: 4, padding: 2 }],
  ];
  for (const [xs, ws, o] of c2) {
    const x = randArr(xs), w = randArr(ws);
    const ref = refConv(vals(x), xs, vals(w), ws, { stride: o.stride, padding: o.padding, kdil: o.dilation, groups: o.groups });
    assertClose(mx.conv2d(x, w, o), ref, mx.float32, `conv2d ${JSON.stringify(o)}`);
    assertClose(mx.conv2d(x, w, o.stride ?? 1, o.padding ?? 0, o.dilation ?? 1, o.groups ?? 1), ref, mx.float32, 'conv2d positional');
  }
  const c3 = [
    [[2, 5, 6, 4, 3], [4, 2, 3, 2, 3], {}],
    [[2, 5, 6, 4, 3], [4, 2, 3, 2, 3], { stride: [1, 2, 1], padding: [1, 0, 2], dilation: [2, 1, 1] }],
    [[1, 6, 6, 6, 2], [3, 3, 3, 3, 2], { stride: 2, padding: 1, dilation: 1 }],
  ];
  for (const [xs, ws, o] of c3) {
    const x = randArr(xs), w = randArr(ws);
    const ref = refConv(vals(x), xs, vals(w), ws, { stride: o.stride, padding: o.padding, kdil: o.dilation });
    assertClose(mx.conv3d(x, w, o), ref, mx.float32, `conv3d ${JSON.stringify(o)}`);
    assertClose(mx.conv3d(x, w, o.stride ?? 1, o.padding ?? 0, o.dilation ?? 1), ref, mx.float32, 'conv3d positional');
  }
});

test('conv1d / conv_transpose1d on a 4-D input run 2-D convolutions with their one stride/padding (as MLX)', () => {
  const x = randArr([1, 7, 6, 2]), w = randArr([3, 3, 2, 2]);
  const ref = refConv(vals(x), [1, 7, 6, 2], vals(w), [3, 3, 2, 2], { stride: 2, padding: 1 });
  assertClose(mx.conv1d(x, w, 2, 1), ref, mx.float32, 'conv1d 4-D');
  // The same for conv_transpose1d (its paddings come from the first spatial dim: square here).
  const xt = randArr([2, 5, 5, 2]), wt = randArr([3, 3, 3, 2]);
  const reft = refConvT(vals(xt), [2, 5, 5, 2], vals(wt), [3, 3, 3, 2], { stride: 2, padding: 1, outPad: 1 });
  assertClose(mx.conv_transpose1d(xt, wt, 2, 1, 1, 1), reft, mx.float32, 'conv_transpose1d 4-D');
});

test('dtypes: mixed inputs promote; float16/bfloat16/float64 results', () => {
  const xs = [2, 9, 8, 3], ws = [4, 3, 3, 3];
  for (const [xk, wk, ok] of [['float16', 'float32', 'float32'], ['float32', 'float16', 'float32'],
    ['bfloat16', 'float16', 'float32'], ['float16', 'float16', 'float16'], ['bfloat16', 'bfloat16', 'bfloat16'],
    ['float64', 'float32', 'float64'], ['float32', 'int32', 'float32'], ['float16', 'int8', 'float16'],
    ['float32', 'bool_', 'float32']]) {
    const x = randArr(xs, mx[xk]);
    const w = wk === 'int32' || wk === 'int8' ? mx.array(Array.from({ length: prod(ws) }, (_, i) => (i % 5) - 2), mx[wk]).reshape(ws)
      : wk === 'bool_' ? mx.array(Array.from({ length: prod(ws) }, (_, i) => i % 3 === 0)).reshape(ws) : randArr(ws, mx[wk]);
    const ref = refConv(vals(x), xs, vals(w), ws, { padding: 1 });
    assertClose(mx.conv2d(x, w, 1, 1), ref, mx[ok], `${xk} * ${wk}`);
  }
});

test('strided, transposed and broadcast inputs', () => {
  const x = mx.transpose(randArr([6, 2, 9, 3]), [1, 2, 0, 3]);  // (2, 9, 6, 3), not contiguous
  const w = mx.swapaxes(randArr([3, 3, 2, 3]), 1, 2);            // (3, 2, 3, 3), swapped strides
  assertClose(mx.conv2d(x, w, 1, 1), refConv(vals(x), [2, 9, 6, 3], vals(w), [3, 2, 3, 3], { padding: 1 }),
    mx.float32, 'transposed views');
  const xb = mx.broadcast_to(randArr([1, 1, 6, 3]), [2, 5, 6, 3]);  // stride-0 dims
  assertClose(mx.conv2d(xb, w), refConv(vals(xb), [2, 5, 6, 3], vals(w), [3, 2, 3, 3], {}), mx.float32, 'broadcast input');
  const x1 = mx.swapaxes(randArr([4, 3, 20]), 1, 2);             // (4, 20, 3), channel stride 20
  const w1 = mx.swapaxes(randArr([2, 3, 3]), 1, 2);
  assertClose(mx.conv1d(x1, w1, 2, 1), refConv(vals(x1), [4, 20, 3], vals(w1), [2, 3, 3], { stride: 2, padding: 1 }),
    mx.float32, 'conv1d views');
  const xh = mx.transpose(randArr([6, 2, 9, 3], mx.float16), [1, 2, 0, 3]);
  assertClose(mx.conv2d(xh, w.astype(mx.float16), 2), refConv(vals(xh), [2, 9, 6, 3], vals(w.astype(mx.float16)), [3, 2, 3, 3], { stride: 2 }),
    mx.float16, 'float16 views');
});

// ---- transposed convolutions ----------------------------------------------------------------

test('conv_transpose1d/2d/3d against a scatter reference', () => {
  const cases = [
    [[2, 7, 3], [4, 3, 3], {}],
    [[2, 7, 3], [4, 3, 3], { stride: 2 }],
    [[2, 7, 3], [4, 4, 3], { stride: 3, padding: 2, dilation: 2, output_padding: 1 }],
    [[2, 7, 6], [6, 3, 2], { groups: 3, stride: 2, padding: 1 }],
    [[2, 7, 4], [4, 3, 1], { groups: 4, stride: 2 }],
    [[2, 7, 4], [8, 3, 1], { groups: 4, stride: 2, output_padding: 1 }],
    [[1, 100, 1], [1, 7, 1], { padding: 3 }],
    [[1, 50, 1], [1, 5, 1], { stride: 2, padding: 2 }],
    [[1, 6, 2], [3, 3, 2], { padding: 3 }],  // padding beyond the kernel, stride 1: crops
    [[2, 4, 5, 3], [4, 3, 2, 3], { stride: [2, 1], padding: [1, 0], dilation: [1, 2], output_padding: [1, 0] }],
    [[2, 4, 4, 4], [6, 3, 3, 2], { groups: 2, stride: 2, padding: 1, output_padding: 1 }],
    [[2, 4, 4, 4], [4, 3, 3, 1], { groups: 4, stride: [1, 2] }],
    [[1, 3, 4, 3, 2], [3, 2, 3, 2, 2], { stride: [2, 1, 2], padding: [0, 1, 1], output_padding: [1, 0, 0] }],
    [[2, 3, 3, 3, 2], [2, 3, 3, 3, 2], { stride: 2, padding: 1, dilation: 1 }],
  ];
  for (const [xs, ws, o] of cases) {
    const d = xs.length - 2;
    const x = randArr(xs), w = randArr(ws);
    const ref = refConvT(vals(x), xs, vals(w), ws, { stride: o.stride, padding: o.padding, dilation: o.dilation, outPad: o.output_padding, groups: o.groups });
    const fn = mx[`conv_transpose${d}d`];
    assertClose(fn(x, w, o), ref, mx.float32, `conv_transpose${d}d ${JSON.stringify(o)}`);
    assertClose(fn(x, w, o.stride ?? 1, o.padding ?? 0, o.dilation ?? 1, o.output_padding ?? 0, o.groups ?? 1),
      ref, mx.float32, `conv_transpose${d}d positional`);
    if (d === 2) {
      const xh = x.astype(mx.bfloat16), wh = w.astype(mx.bfloat16);
      const refh = refConvT(vals(xh), xs, vals(wh), ws, { stride: o.stride, padding: o.padding, dilation: o.dilation, outPad: o.output_padding, groups: o.groups });
      assertClose(fn(xh, wh, o), refh, mx.bfloat16, `bfloat16 conv_transpose2d ${JSON.stringify(o)}`);
    }
  }
});

test('conv_transpose with padding beyond the dilated kernel and stride > 1 is MLX\'s composition', () => {
  // MLX computes the transpose as conv_general(flip, input_dilation = stride) with low padding
  // dilation * (K - 1) - padding; when that is negative it crops the undilated input.
  const xs = [1, 9, 2], ws = [3, 3, 2];
  const x = randArr(xs), w = randArr(ws);
  const [s, p, K] = [2, 3, 3];
  const lo = (K - 1) - p;
  const convOut = (9 - 1) * s - 2 * p + (K - 1) + 1;
  const hi = convOut - (1 + s * (9 - 1)) + p;
  const ref = refConv(vals(x), xs, vals(w), ws, { padding: [[lo], [hi]], idil: s, flip: true });
  assertClose(mx.conv_transpose1d(x, w, s, p), ref, mx.float32, 'cropping transpose');
  // Both paddings are -1: one input element cropped at each end, two dilated positions each,
  // so the output is 2 shorter than the formula's (L - 1) * stride - 2 * padding + K.
  assert.equal(convOut, 13);
  assert.deepEqual(ref.shape, [1, 11, 3]);
});

// ---- convolve -----------------------------------------------------------------------------

test('convolve against numpy.convolve (full, valid, same; either order; float16/32/64)', () => {
  const np = new NumpyBatch();
  const cases = [];
  const sizes = [[1, 1], [25, 5], [24, 5], [24, 4], [4, 24], [5, 25], [4, 25], [7, 7], [2, 1], [100, 64], [100000, 33]];
  for (const k of ['float32', 'float16', 'float64']) {
    for (const [M, N] of sizes) {
      if (k !== 'float32' && M > 1000) continue;
      for (const mode of ['full', 'valid', 'same']) {
        const a = randArr([M], mx[k]), v = randArr([N], mx[k]);
        cases.push({ k, mode, a, v, h: np.eval(`np.convolve(a.astype(np.float64), v.astype(np.float64), mode='${mode}')`, { a, v }) });
      }
    }
  }
  np.run();
  const tol = { float32: { rtol: 1e-5, atol: 2e-5 }, float16: { rtol: 2e-3, atol: 4e-3 }, float64: { rtol: 1e-12, atol: 1e-12 } };
  for (const c of cases) {
    const msg = `${c.k} ${c.a.shape} ${c.v.shape} ${c.mode}`;
    assertNumpy(mx.convolve(c.a, c.v, c.mode), c.h, { dtype: mx[c.k], tol: tol[c.k], msg });
    if (c.mode === 'full') assertNumpy(mx.convolve(c.a, c.v), c.h, { dtype: mx[c.k], tol: tol[c.k], msg: msg + ' default' });
    if (c.mode === 'same') assertNumpy(mx.convolve(c.a, c.v, { mode: 'same', stream: mx.cpu }), c.h, { dtype: mx[c.k], tol: tol[c.k], msg: msg + ' kwargs' });
  }
  // Hand-worked, and mixed dtypes promote (int weights are fine, int signals are not).
  assertArray(mx.convolve(mx.array([1, 2, 3], mx.float32), mx.array([0, 1, 0.5])), { dtype: mx.float32, values: [0, 1, 2.5, 4, 1.5] });
  assertArray(mx.convolve(mx.array([1.5, 2, 3, 4]), mx.array([1, -1])), { dtype: mx.float32, values: [1.5, 0.5, 1, 1, -4] });
  assertArray(mx.convolve(mx.array([1, -1]), mx.array([1.5, 2, 3, 4])), { dtype: mx.float32, values: [1.5, 0.5, 1, 1, -4] });
  assertArray(mx.convolve(mx.array([1, 2, 3, 4], mx.float16), mx.array([1, 1, 1]), 'valid'), { dtype: mx.float16, values: [6, 9] });
});

// ---- empty arrays, streams ------------------------------------------------------------------

test('empty arrays: no batch, no channels, no output channels', () => {
  assertArray(mx.conv2d(mx.zeros([0, 5, 5, 3]), randArr([4, 3, 3, 3])), { dtype: mx.float32, shape: [0, 3, 3, 4], values: [] });
  assertArray(mx.conv1d(mx.zeros([2, 5, 0]), mx.zeros([3, 2, 0])), { shape: [2, 4, 3], values: new Array(24).fill(0) });
  assertArray(mx.conv1d(randArr([2, 5, 3]), mx.zeros([0, 2, 3])), { shape: [2, 4, 0], values: [] });
  assertArray(mx.conv_transpose1d(mx.zeros([0, 5, 3]), randArr([2, 3, 3]), 2), { shape: [0, 11, 2], values: [] });
  assertArray(mx.conv1d(mx.zeros([2, 5, 0], mx.float16), mx.zeros([3, 2, 0], mx.float16), { padding: 1 }),
    { dtype: mx.float16, shape: [2, 6, 3], values: new Array(36).fill(0) });
  // A padded empty spatial dim (MLX's formula gives one output per padding step): all zeros.
  assertArray(mx.conv1d(mx.zeros([1, 0, 2]), randArr([1, 1, 2]), 1, 1), { shape: [1, 2, 1], values: [0, 0] });
});

test('stream argument: Device, Stream, new streams; lazy until evaluated', () => {
  const x = randArr([2, 8, 8, 3]), w = randArr([4, 3, 3, 3]);
  const ref = refConv(vals(x), [2, 8, 8, 3], vals(w), [4, 3, 3, 3], { padding: 1 });
  const s = mx.new_stream(mx.cpu);
  assertClose(mx.conv2d(x, w, 1, 1, { stream: mx.cpu }), ref, mx.float32, 'Device');
  assertClose(mx.conv2d(x, w, { padding: 1, stream: s }), ref, mx.float32, 'Stream');
  assertClose(mx.conv_general(x, w, 1, 1, { stream: s }), ref, mx.float32, 'conv_general Stream');
  assertClose(mx.conv_general(x, w, 1, 1, { stream: mx.default_stream(mx.cpu) }), ref, mx.float32, 'default stream');
  const t = mx.conv_transpose2d(x, w, 2, { stream: s });
  assertClose(t, refConvT(vals(x), [2, 8, 8, 3], vals(w), [4, 3, 3, 3], { stride: 2 }), mx.float32, 'transpose Stream');
  const c = mx.convolve(mx.array([1, 2], mx.float32), mx.array([1, 1], mx.float32), 'full', { stream: s });
  mx.synchronize(s);
  assertArray(c, { values: [1, 3, 2] });
  throwsWith(() => mx.conv2d(x, w, { stream: 'cpu' }), TypeError, /^\[conv2d\] argument 'stream'/);
});

// ---- errors -------------------------------------------------------------------------------

test('errors: MLX\'s checks, each naming the function', () => {
  const x1 = randArr([2, 9, 4]), w1 = randArr([3, 3, 4]);
  const x2 = randArr([2, 8, 8, 4]), w2 = randArr([6, 3, 3, 4]);
  const x3 = randArr([1, 4, 4, 4, 4]), w3 = randArr([2, 2, 2, 2, 4]);
  const E = Error;
  throwsWith(() => mx.conv1d(mx.ones([2, 9, 4], mx.int32), w1), E,
    /^\[conv1d\] Invalid input array with type int32\. Convolution currently only supports floating point types$/);
  throwsWith(() => mx.conv2d(x2.astype(mx.complex64), w2), E, /^\[conv2d\] Invalid input array with type complex64\./);
  throwsWith(() => mx.conv1d(x1, w1.astype(mx.complex64)), E, /^\[conv1d\] Invalid weight array with type complex64\./);
  throwsWith(() => mx.conv1d(randArr([9, 4]), w1), E,
    /^\[conv1d\] Only works for inputs with 1-3 spatial dimensions\. The inputs must be in the format \[N, \.\.\., C_in\]$/);
  throwsWith(() => mx.conv_general(randArr([1, 2, 2, 2, 2, 2]), randArr([1, 1, 1, 1, 1, 2])), E, /^\[conv_general\] Only works for inputs with 1-3/);
  throwsWith(() => mx.conv2d(x1, w1), E, /^\[conv2d\] Invalid strides \(1,1\) for 1D convolution\.$/);
  throwsWith(() => mx.conv3d(x2, w2), E, /^\[conv3d\] Invalid strides \(1,1,1\) for 2D convolution\.$/);
  throwsWith(() => mx.conv2d(x2, w1), E,
    /^\[conv2d\] Invalid weight array with 3 dimensions for 2D convolution\. Expected an array with 4 dimensions following the format \[C_out, \.\.\., C_in\]\.$/);
  throwsWith(() => mx.conv2d(x2, randArr([6, 3, 3, 3])), E,
    /^\[conv2d\] Expect the input channels in the input and weight array to match but got shapes - input: \(2,8,8,4\) and weight: \(6,3,3,3\)$/);
  throwsWith(() => mx.conv2d(x2, randArr([6, 3, 3, 1]), { groups: 3 }), E,
    /^\[conv2d\] The input channels must be divisible by the number of groups\. Got input with shape \(2,8,8,4\) and 3 groups\.$/);
  throwsWith(() => mx.conv2d(x2, randArr([3, 3, 3, 2]), 1, 0, 1, 2), E,
    /^\[conv2d\] If groups > 1, the output channels must be divisible by the number of groups\. Got 3 output channels and 2 groups\.$/);
  throwsWith(() => mx.conv2d(x2, randArr([4, 3, 3, 1]), { groups: 2 }), E,
    /^\[conv2d\] Given groups=2 and weights of shape \(4,3,3,1\), expected to have 2 input channels but got 4 input channels instead\.$/);
  throwsWith(() => mx.conv3d(x3, randArr([2, 2, 2, 2, 2]), { groups: 2 }), E,
    /^\[conv3d\] Can only handle groups != 1 in 1D or 2D convolutions\.$/);
  throwsWith(() => mx.conv_transpose3d(x3, randArr([2, 2, 2, 2, 2]), { groups: 2 }), E, /^\[conv_transpose3d\] Can only handle groups != 1/);
  throwsWith(() => mx.conv1d(x1, w1, { groups: 0 }), E, /^\[conv1d\] Number of groups must be positive\. Got 0\.$/);
  throwsWith(() => mx.conv_general(x1, w1, { groups: -2 }), E, /^\[conv_general\] Number of groups must be positive\. Got -2\.$/);
  throwsWith(() => mx.conv2d(x2, w2, [0, 1]), E, /^\[conv2d\] Stride sizes must be positive\. Got strides \(0,1\)\.$/);
  throwsWith(() => mx.conv1d(x1, w1, -1), E, /^\[conv1d\] Stride sizes must be positive\. Got strides \(-1\)\.$/);
  throwsWith(() => mx.conv1d(x1, w1, 1, 0, 0), E, /^\[conv1d\] Kernel dilation sizes must be positive\. Got kernel dilation \(0\)\.$/);
  throwsWith(() => mx.conv_general(x2, w2, 1, 0, 1, [1, 0]), E, /^\[conv_general\] Input dilation sizes must be positive\. Got input dilation \(1,0\)\.$/);
  throwsWith(() => mx.conv1d(randArr([1, 3, 2]), randArr([2, 5, 2])), E,
    /^\[conv1d\] Spatial dimensions of input after padding cannot be smaller than weight spatial dimensions\. Got error at axis 1 for input with shape \(1,3,2\), padding low \(0\), padding high \(0\), and weight of shape \(2,5,2\)\.$/);
  throwsWith(() => mx.conv2d(x2, randArr([6, 3, 9, 4]), [1, 1], [1, 0]), E, /^\[conv2d\] Spatial dimensions .* Got error at axis 2 /);
  throwsWith(() => mx.conv_general(x2, w2, [1, 2, 3]), E, /^\[conv_general\] Invalid strides \(1,2,3\) for 2D convolution\.$/);
  throwsWith(() => mx.conv_general(x2, w2, 1, [1, 2, 3]), E, /^\[conv_general\] Invalid padding \(1,2,3\) \| \(1,2,3\) for 2D convolution\.$/);
  throwsWith(() => mx.conv_general(x2, w2, 1, [[1, 2], [1, 2, 3]]), E, /^\[conv_general\] Invalid padding \(1,2\) \| \(1,2,3\) for 2D convolution\.$/);
  throwsWith(() => mx.conv_general(x2, w2, 1, 0, [1, 1, 1]), E, /^\[conv_general\] Invalid kernel dilation \(1,1,1\) for 2D convolution\.$/);
  throwsWith(() => mx.conv_general(x2, w2, 1, 0, 1, [2, 2, 2]), E, /^\[conv_general\] Invalid input dilation \(2,2,2\) for 2D convolution\.$/);
  throwsWith(() => mx.conv_transpose2d(x2, randArr([6, 3, 3, 3])), E, /^\[conv_transpose2d\] Expect the input channels/);
  throwsWith(() => mx.conv_transpose1d(randArr([9, 4]), w1), E, /^\[conv_transpose1d\] Only works for inputs with 1-3 spatial dimensions/);
  throwsWith(() => mx.conv_transpose2d(x1, w1), E, /^\[conv_transpose2d\] Invalid strides \(1,1\) for 1D convolution\.$/);
  // The transpose's stride is its convolution's input dilation (MLX's message says so).
  throwsWith(() => mx.conv_transpose1d(x1, w1, 0), E, /^\[conv_transpose1d\] Input dilation sizes must be positive\. Got input dilation \(0\)\.$/);
  throwsWith(() => mx.conv_transpose2d(x2, w2, 1, 0, [1, 0]), E, /^\[conv_transpose2d\] Kernel dilation sizes must be positive/);
  // convolve (Python's checks)
  throwsWith(() => mx.convolve(randArr([2, 3]), randArr([3])), E, /^\[convolve\] Inputs must be 1D\.$/);
  throwsWith(() => mx.convolve(randArr([3]), mx.array(1.5)), E, /^\[convolve\] Inputs must be 1D\.$/);
  throwsWith(() => mx.convolve(mx.zeros([0]), randArr([3])), E, /^\[convolve\] Inputs cannot be empty\.$/);
  throwsWith(() => mx.convolve(randArr([3]), randArr([2]), 'middle'), E, /^\[convolve\] Invalid mode\.$/);
  throwsWith(() => mx.convolve(mx.array([1, 2, 3]), mx.array([1.5, 2])), E, /^\[convolve\] Invalid input array with type int32\./);
});

test('errors: argument types and ranges (TypeError / RangeError naming the function)', () => {
  const x1 = randArr([2, 9, 4]), w1 = randArr([3, 3, 4]);
  const x2 = randArr([2, 8, 8, 4]), w2 = randArr([6, 3, 3, 4]);
  throwsWith(() => mx.conv1d(x1, w1, 1.5), TypeError, /^\[conv1d\] argument 'stride' must be an integer/);
  throwsWith(() => mx.conv1d(x1, w1, [1]), TypeError, /^\[conv1d\] argument 'stride'/);
  throwsWith(() => mx.conv2d(x2, w2, [1, 2, 3]), TypeError, /^\[conv2d\] argument 'stride'/);
  throwsWith(() => mx.conv2d(x2, w2, 1, 'same'), TypeError, /^\[conv2d\] argument 'padding'/);
  throwsWith(() => mx.conv3d(x2, w2, 1, 0, [1, 1]), TypeError, /^\[conv3d\] argument 'dilation'/);
  throwsWith(() => mx.conv_transpose2d(x2, w2, { output_padding: [1] }), TypeError, /^\[conv_transpose2d\] argument 'output_padding'/);
  throwsWith(() => mx.conv_general(x2, w2, 1, 0, 1, 1, 1, 1), TypeError, /^\[conv_general\] argument 'flip' must be a boolean/);
  throwsWith(() => mx.conv_general(x2, w2, [1.5, 1]), TypeError, /^\[conv_general\] argument 'stride'/);
  throwsWith(() => mx.conv_general(x2, w2, 1, [[1], [1], [1]]), TypeError, /^\[conv_general\] argument 'padding'/);
  throwsWith(() => mx.conv2d(x2, w2, { strides: 2 }), TypeError, /^\[conv2d\] unknown keyword argument 'strides'/);
  throwsWith(() => mx.conv2d({ input: x2, weight: w2 }), TypeError, /^\[conv2d\] argument 'input' is positional-only/);
  throwsWith(() => mx.conv1d(x1, w1, 1, 0, 1, 1, mx.cpu), TypeError, /^\[conv1d\] takes at most 6 positional arguments/);
  throwsWith(() => mx.conv1d(x1), TypeError, /^\[conv1d\] missing required argument 'weight'/);
  throwsWith(() => mx.conv1d('x', w1), TypeError, /^\[conv1d\] argument 'input'/);
  throwsWith(() => mx.convolve(randArr([3]), randArr([2]), 3), TypeError, /^\[convolve\] argument 'mode' must be a string/);
  throwsWith(() => mx.conv1d(x1, w1, 2 ** 31), RangeError, /^\[conv1d\] argument 'stride' = 2147483648 is out of range\.$/);
  throwsWith(() => mx.conv2d(x2, w2, 1, [0, -(2 ** 33)]), RangeError, /^\[conv2d\] argument 'padding'/);
  throwsWith(() => mx.conv_general(x2, w2, 1, [[2 ** 40], [0]]), RangeError, /^\[conv_general\] argument 'padding'/);
  throwsWith(() => mx.conv_transpose1d(x1, w1, 1, 0, 1, 2n ** 40n), RangeError, /^\[conv_transpose1d\] argument 'output_padding'/);
});
