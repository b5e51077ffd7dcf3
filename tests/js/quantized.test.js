'use strict';
// mx.quantize / dequantize / quantized_matmul / gather_qmm / qqmm / gather_qqmm against an independent
// reference written here from MLX's documented affine formula (per group of group_size values:
// scale = (max - min) / (2^bits - 1) (at least 1e-7), the edge of larger magnitude kept exact
// (q0 = round(edge / scale); when q0 != 0, scale = edge / q0 and bias = edge, else bias = 0),
// q = clip(round((w - bias) / scale), 0, 2^bits - 1), all in float32 with round-half-even),
// packed low bits first as one little-endian bit stream of uint32 words. The products are
// checked against float64 loops over the reference dequantized weights.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { throwsWith } = require('./helpers/check');

const f = Math.fround;

function randv(n, seed, lo = -1, hi = 1) {
  let s = (seed * 2654435761 + 12345) >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s / 4294967296);
  }
  return out;
}

function rint(x) {
  const fl = Math.floor(x), d = x - fl;
  if (d < 0.5) return fl;
  if (d > 0.5) return fl + 1;
  return fl % 2 === 0 ? fl : fl + 1;
}

// Reference affine quantization of rows x K float32 values.
function refQuantize(w, rows, K, gs, bits) {
  const nBins = 2 ** bits - 1, eps = f(1e-7);
  const ng = K / gs, words = (K * bits) / 32;
  const wq = new Uint32Array(rows * words), scales = new Float32Array(rows * ng), biases = new Float32Array(rows * ng);
  const codes = new Uint32Array(rows * K);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < ng; g++) {
      const x = w.subarray(r * K + g * gs, r * K + (g + 1) * gs);
      let mn = Infinity, mx_ = -Infinity;
      for (const v of x) { mn = Math.min(mn, v); mx_ = Math.max(mx_, v); }
      const mask = Math.abs(mn) > Math.abs(mx_);
      let scale = Math.max(f(f(mx_ - mn) / nBins), eps);
      scale = mask ? scale : -scale;
      const edge = mask ? mn : mx_;
      const q0 = rint(f(edge / scale));
      let bias = 0;
      if (q0 !== 0) { scale = f(edge / q0); bias = edge; }
      for (let j = 0; j < gs; j++) {
        let q = rint(f(f(x[j] - bias) / scale));
        q = Math.min(Math.max(q, 0), nBins);
        codes[r * K + g * gs + j] = q;
      }
      scales[r * ng + g] = scale;
      biases[r * ng + g] = bias;
    }
    // Bit stream, low bits first.
    for (let k = 0; k < K; k++) {
      const off = k * bits, word = r * words + (off >>> 5), sh = off & 31, q = codes[r * K + k];
      wq[word] = (wq[word] | (q << sh)) >>> 0;
      if (sh + bits > 32) wq[word + 1] = (wq[word + 1] | (q >>> (32 - sh))) >>> 0;
    }
  }
  return { wq, scales, biases, codes };
}

// Reference dequantization: q * scale + bias in float32 (two roundings, as MLX).
function refDequant(codes, scales, biases, rows, K, gs) {
  const out = new Float32Array(rows * K);
  for (let r = 0; r < rows; r++)
    for (let k = 0; k < K; k++) {
      const g = r * (K / gs) + Math.floor(k / gs);
      out[r * K + k] = f(f(codes[r * K + k] * scales[g]) + biases[g]);
    }
  return out;
}

// out (M, N) = x (M, K) @ W^T where W is (N, K) (transpose) or x @ W with W (K, N).
function refMatmul(x, W, M, K, N, transpose) {
  const out = new Float64Array(M * N);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += x[m * K + k] * (transpose ? W[n * K + k] : W[k * N + n]);
      out[m * N + n] = s;
    }
  return out;
}

function assertClose(got, exp, tol, msg) {
  assert.equal(got.length, exp.length, `length (${msg})`);
  for (let i = 0; i < exp.length; i++) {
    if (!(Math.abs(got[i] - exp[i]) <= tol * (1 + Math.abs(exp[i]))))
      assert.fail(`${msg}: element ${i}: got ${got[i]}, expected ${exp[i]}`);
  }
}
function assertExact(got, exp, msg) {
  assert.equal(got.length, exp.length, `length (${msg})`);
  for (let i = 0; i < exp.length; i++)
    if (!Object.is(got[i], exp[i]) && !(got[i] === 0 && exp[i] === 0))
      assert.fail(`${msg}: element ${i}: got ${got[i]}, expected ${exp[i]}`);
}
const arr = (data, shape, dtype = mx.float32) => mx.reshape(mx.array(data, dtype), shape);
const td = (a) => Array.from(a.astype(mx.float32).toTypedArray());

const BITS = [2, 3, 4, 5, 6, 8];
const GROUPS = [32, 64, 128];

test('quantize: packing, scales and biases match the reference bit for bit', () => {
  const rows = 6, K = 256;
  for (const bits of BITS) for (const gs of GROUPS) {
    const w = randv(rows * K, bits * 100 + gs, -2, 1.5);
    const ref = refQuantize(w, rows, K, gs, bits);
    const [wq, s, b] = mx.quantize(arr(w, [rows, K]), gs, bits);
    const msg = `bits=${bits} gs=${gs}`;
    assert.equal(wq.dtype, mx.uint32, msg);
    assert.deepEqual(wq.shape, [rows, (K * bits) / 32], msg);
    assert.deepEqual(s.shape, [rows, K / gs], msg);
    assert.equal(s.dtype, mx.float32);
    assert.equal(b.dtype, mx.float32);
    assert.deepEqual(Array.from(wq.toTypedArray()), Array.from(ref.wq), `packed ${msg}`);
    assertExact(Array.from(s.toTypedArray()), Array.from(ref.scales), `scales ${msg}`);
    assertExact(Array.from(b.toTypedArray()), Array.from(ref.biases), `biases ${msg}`);
    // dequantize against the reference, exactly
    const dq = mx.dequantize(wq, s, b, gs, bits);
    assert.equal(dq.dtype, mx.float32);
    assert.deepEqual(dq.shape, [rows, K]);
    assertExact(td(dq), Array.from(refDequant(ref.codes, ref.scales, ref.biases, rows, K, gs)), `dequantize ${msg}`);
    // and the round trip is within a step of w (half a step, plus what the exact edge shifts)
    const back = td(dq);
    for (let i = 0; i < w.length; i++) {
      const step = Math.abs(ref.scales[Math.floor(i / gs)]);
      assert.ok(Math.abs(back[i] - w[i]) <= step + 1e-6, `round trip ${msg} at ${i}`);
    }
  }
});

test('quantize: defaults (64, 4), keywords, edge handling, batch dims, stream', () => {
  const w = randv(3 * 2 * 128, 7);
  const ref = refQuantize(w, 6, 128, 64, 4);
  const [wq, s, b] = mx.quantize(arr(w, [3, 2, 128]), { stream: mx.cpu });
  assert.deepEqual(wq.shape, [3, 2, 16]);
  assert.deepEqual(s.shape, [3, 2, 2]);
  assert.deepEqual(Array.from(wq.toTypedArray()), Array.from(ref.wq));
  const [wq2] = mx.quantize(arr(w, [3, 2, 128]), { group_size: 64, bits: 4, mode: 'affine' });
  assert.deepEqual(Array.from(wq2.toTypedArray()), Array.from(ref.wq));
  // A constant group: scale is eps-floored, the edge is exact (hand-worked: all 0.5 -> q=... )
  const c = new Float32Array(64).fill(0.5);
  const rc = refQuantize(c, 1, 64, 64, 4);
  const [cq, cs, cb] = mx.quantize(arr(c, [1, 64]));
  assert.deepEqual(Array.from(cq.toTypedArray()), Array.from(rc.wq));
  assertExact(Array.from(cs.toTypedArray()), Array.from(rc.scales), 'const scales');
  assertExact(td(mx.dequantize(cq, cs, cb)), Array.from(c), 'constant group comes back exactly');
  // All zeros: scale -1e-7 (max edge), bias 0, codes 0, exact zeros back.
  const [zq, zs, zb] = mx.quantize(mx.zeros([2, 32]), 32, 8);
  assert.deepEqual(Array.from(zq.toTypedArray()), new Array(16).fill(0));
  assert.deepEqual(Array.from(zb.toTypedArray()), [0, 0]);
  assertExact(Array.from(zs.toTypedArray()), [f(-1e-7), f(-1e-7)], 'zero scales');
  // Hand-worked 2-bit group of 32: [0, 1, 2, 3, ...] -> min 0, max 3, scale 1, bias 0... the
  // max edge has the larger magnitude: scale = -1, q0 = round(3 / -1) = -3, scale = 3/-3 = -1,
  // bias = 3, so q = (w - 3) / -1 = 3 - w and code(w) = 3 - w.
  const h = Float32Array.from({ length: 32 }, (_, i) => i % 4);
  const [hq, hs, hb] = mx.quantize(arr(h, [1, 32]), 32, 2);
  assert.deepEqual(Array.from(hs.toTypedArray()), [-1]);
  assert.deepEqual(Array.from(hb.toTypedArray()), [3]);
  // codes 3,2,1,0 repeating, 2 bits each, low bits first: 0b00011011 per byte = 0x1b
  assert.deepEqual(Array.from(hq.toTypedArray()), [0x1b1b1b1b, 0x1b1b1b1b]);
});

test('quantize/dequantize: float16 and bfloat16 weights, dtype argument, empty', () => {
  const w = randv(4 * 64, 3);
  for (const dt of [mx.float16, mx.bfloat16]) {
    const x = arr(w, [4, 64]).astype(dt);
    const [wq, s, b] = mx.quantize(x, 32, 4);
    assert.equal(s.dtype, dt);
    assert.equal(b.dtype, dt);
    const xs = new Float32Array(td(x));
    const ref = refQuantize(xs, 4, 64, 32, 4);
    assert.deepEqual(Array.from(wq.toTypedArray()), Array.from(ref.wq), `packed ${dt}`);
    const dq = mx.dequantize(wq, s, b, 32, 4);
    assert.equal(dq.dtype, dt);
    assertClose(td(dq), Array.from(xs), 0.08, `round trip ${dt}`);
    assert.equal(mx.dequantize(wq, s, b, 32, 4, 'affine', null, mx.float32).dtype, mx.float32);
    assert.equal(mx.dequantize(wq, s, b, { group_size: 32, dtype: mx.float32 }).dtype, mx.float32);
  }
  const [eq, es, eb] = mx.quantize(mx.zeros([0, 64]));
  assert.deepEqual(eq.shape, [0, 8]);
  assert.deepEqual(mx.dequantize(eq, es, eb).shape, [0, 64]);
});

function qmmCase(M, N, K, gs, bits, transpose, seed, xshape) {
  const W = randv(N * K, seed);  // (N, K) rows quantized along K when transpose
  const wRows = transpose ? N : K, wK = transpose ? K : N;
  const ref = refQuantize(W, wRows, wK, gs, bits);
  const Wd = refDequant(ref.codes, ref.scales, ref.biases, wRows, wK, gs);
  const [wq, s, b] = mx.quantize(arr(W, [wRows, wK]), gs, bits);
  const x = randv(M * K, seed + 1);
  const out = mx.quantized_matmul(arr(x, xshape || [M, K]), wq, s, b, transpose, gs, bits);
  const exp = refMatmul(x, Wd, M, K, N, transpose);
  return { out, exp };
}

test('quantized_matmul: every bits value and group size, transpose true and false', () => {
  for (const bits of BITS) for (const gs of GROUPS) for (const transpose of [true, false]) {
    const { out, exp } = qmmCase(3, 256, 128, gs, bits, transpose, bits * 7 + gs);
    assert.deepEqual(out.shape, [3, 256]);
    assert.equal(out.dtype, mx.float32);
    assertClose(td(out), Array.from(exp), 1e-5, `bits=${bits} gs=${gs} t=${transpose}`);
  }
});

test('quantized_matmul: batch dims, 1-D x, vector and batch 32, keywords, float16', () => {
  const { out, exp } = qmmCase(6, 64, 128, 64, 4, true, 11, [2, 3, 128]);
  assert.deepEqual(out.shape, [2, 3, 64]);
  assertClose(td(out), Array.from(exp), 1e-5, 'batched x');
  const v = qmmCase(1, 96, 256, 32, 3, true, 12, [256]);
  assert.deepEqual(v.out.shape, [96]);
  assertClose(td(v.out), Array.from(v.exp), 1e-5, '1-D x');
  // wide outputs: several 256-column chunks per worker (transpose=false)
  const wide = qmmCase(2, 2048, 64, 64, 4, false, 14);
  assertClose(td(wide.out), Array.from(wide.exp), 1e-5, 'wide no transpose');
  const b32 = qmmCase(32, 128, 512, 128, 8, false, 13);
  assertClose(td(b32.out), Array.from(b32.exp), 1e-5, 'batch 32 no transpose');
  // keywords and stream
  const W = randv(64 * 64, 5);
  const [wq, s, b] = mx.quantize(arr(W, [64, 64]), 32, 6);
  const x = arr(randv(2 * 64, 6), [2, 64]);
  const a1 = mx.quantized_matmul(x, wq, s, b, { transpose: true, group_size: 32, bits: 6, stream: mx.cpu });
  const a2 = mx.matmul(x, mx.transpose(mx.dequantize(wq, s, b, 32, 6)));
  assertClose(td(a1), td(a2), 1e-5, 'keywords');
  // float16 x: float16 out
  const h = mx.quantized_matmul(x.astype(mx.float16), wq, s.astype(mx.float16), b.astype(mx.float16), true, 32, 6);
  assert.equal(h.dtype, mx.float16);
  assertClose(td(h), td(a2), 2e-2, 'float16');
  // batched weights (3, 64, 8) broadcast against x (3, 2, 64)
  const Wb = randv(3 * 64 * 64, 9);
  const [bq, bs, bb] = mx.quantize(arr(Wb, [3, 64, 64]), 64, 4);
  const xb = arr(randv(3 * 2 * 64, 10), [3, 2, 64]);
  const yb = mx.quantized_matmul(xb, bq, bs, bb);
  const eb = mx.matmul(xb, mx.swapaxes(mx.dequantize(bq, bs, bb), -1, -2));
  assert.deepEqual(yb.shape, [3, 2, 64]);
  assertClose(td(yb), td(eb), 1e-5, 'batched w');
});

test('gather_qmm: lhs/rhs indices against per-index products', () => {
  const E = 4, N = 32, K = 64, M = 2;
  const W = randv(E * N * K, 21);
  const [wq, s, b] = mx.quantize(arr(W, [E, N, K]), 32, 4);
  const x = arr(randv(3 * M * K, 22), [3, M, K]);
  const lhs = mx.array([0, 2, 1, 1, 0], mx.int32);
  const rhs = mx.array([3, 0, 1, 2, 3], mx.int32);
  const out = mx.gather_qmm(x, wq, s, b, lhs, rhs, true, 32, 4);
  assert.deepEqual(out.shape, [5, M, N]);
  const got = td(out);
  const L = [0, 2, 1, 1, 0], R = [3, 0, 1, 2, 3];
  for (let i = 0; i < 5; i++) {
    const e = mx.quantized_matmul(mx.take(x, L[i], 0), mx.take(wq, R[i], 0), mx.take(s, R[i], 0), mx.take(b, R[i], 0), true, 32, 4);
    assertClose(got.slice(i * M * N, (i + 1) * M * N), td(e), 1e-6, `index ${i}`);
  }
  // only rhs given: lhs enumerates x's batch (broadcast against rhs)
  const o2 = mx.gather_qmm(x, wq, s, b, { rhs_indices: mx.array([1, 2, 0]), group_size: 32, sorted_indices: true });
  assert.deepEqual(o2.shape, [3, M, N]);
  const e2 = mx.quantized_matmul(mx.take(x, 1, 0), mx.take(wq, 2, 0), mx.take(s, 2, 0), mx.take(b, 2, 0), true, 32, 4);
  assertClose(td(o2).slice(M * N, 2 * M * N), td(e2), 1e-6, 'rhs only');
  // no indices: quantized_matmul (x's batch against w's)
  const x4 = arr(randv(E * M * K, 23), [E, M, K]);
  const o3 = mx.gather_qmm(x4, wq, s, b, null, null, true, 32, 4);
  assert.deepEqual(o3.shape, [E, M, N]);
  assertClose(td(o3), td(mx.quantized_matmul(x4, wq, s, b, true, 32, 4)), 0, 'no indices');
});

test('fp modes: mxfp4 hand-worked packing, mxfp8 / nvfp4 round trips and products', () => {
  const g = new Float32Array(32);
  g.set([6, 3, -1.5, 0.5]);
  const [wq, s] = mx.quantize(arr(g, [1, 32]), { mode: 'mxfp4' });
  assert.equal(s.dtype, mx.uint8);
  assert.deepEqual(Array.from(s.toTypedArray()), [127]);  // max 6 / 6 = 1 = 2^0
  // codes 6->7, 3->5, -1.5->0xb, 0.5->1: 0x1b57 in the first word
  assert.deepEqual(Array.from(wq.toTypedArray()), [0x1b57, 0, 0, 0]);
  assert.deepEqual(td(mx.dequantize(wq, s, null, { mode: 'mxfp4', dtype: mx.float32 })), Array.from(g));
  assert.equal(mx.dequantize(wq, s, { mode: 'mxfp4' }).dtype, mx.bfloat16);
  const w = randv(4 * 64, 31);
  for (const [mode, tol] of [['mxfp4', 0.35], ['nvfp4', 0.2], ['mxfp8', 0.15]]) {
    const [q, sc] = mx.quantize(arr(w, [4, 64]), { mode });
    const dq = td(mx.dequantize(q, sc, { mode, dtype: mx.float32 }));
    for (let i = 0; i < w.length; i++) assert.ok(Math.abs(dq[i] - w[i]) <= tol * 1, `${mode} ${i}: ${dq[i]} vs ${w[i]}`);
    const x = arr(randv(3 * 64, 32), [3, 64]);
    const y = mx.quantized_matmul(x, q, sc, null, true, null, null, mode);
    const e = mx.matmul(x, mx.transpose(mx.dequantize(q, sc, { mode, dtype: mx.float32 })));
    assertClose(td(y), td(e), 1e-5, mode);
  }
});

test('GGUF layout: 32-element groups of float16 scales/biases, 4 and 8 bits', () => {
  // Q4_0 as the gguf loader writes it: bias = -8 * d, codes low bits first.
  const d = 0.125, codes = Array.from({ length: 32 }, (_, i) => (i * 5) % 16);
  const words = [0, 0, 0, 0];
  codes.forEach((q, i) => { words[i >> 3] = (words[i >> 3] | (q << ((i & 7) * 4))) >>> 0; });
  const wq = mx.array([words], mx.uint32);
  const sc = mx.array([[d]], mx.float16), bi = mx.array([[-8 * d]], mx.float16);
  const out = mx.dequantize(wq, sc, bi, 32, 4);
  assert.equal(out.dtype, mx.float16);
  assert.deepEqual(td(out), codes.map((q) => d * (q - 8)));
});

test('errors name the function', () => {
  const w = mx.zeros([4, 64]);
  throwsWith(() => mx.quantize(mx.zeros([4, 96]), 48), Error, /\[quantize\] The requested group size 48/);
  throwsWith(() => mx.quantize(mx.zeros([4, 96]), 64), Error, /\[quantize\] The last dimension .* divisible/);
  throwsWith(() => mx.quantize(w, 64, 7), Error, /\[quantize\] The requested number of bits 7/);
  throwsWith(() => mx.quantize(mx.zeros([4, 64], mx.int32)), Error, /\[quantize\] Only real floating types/);
  throwsWith(() => mx.quantize(mx.zeros([64])), Error, /\[quantize\] The matrix to be quantized must have at least 2/);
  throwsWith(() => mx.quantize(w, { mode: 'int4' }), Error, /\[quantize\] Invalid quantization mode 'int4'/);
  throwsWith(() => mx.quantize(w, { mode: 'mxfp4', group_size: 64 }), Error, /\[quantize\] mxfp4 quantization requires group size 32/);
  throwsWith(() => mx.quantize(w, { mode: 3 }), TypeError, /\[quantize\].*mode/);
  throwsWith(() => mx.quantize(w, { foo: 1 }), TypeError, /\[quantize\].*foo/);
  const [wq, s, b] = mx.quantize(w);
  throwsWith(() => mx.dequantize(s, s, b), Error, /\[dequantize\] The matrix should be given as a uint32/);
  throwsWith(() => mx.dequantize(wq, s), Error, /\[dequantize\] Biases must be provided/);
  throwsWith(() => mx.dequantize(wq, s, b, 32), Error, /\[dequantize\] Shape of scales and biases does not match/);
  throwsWith(() => mx.dequantize(wq, s, b, { dtype: mx.int32 }), Error, /\[dequantize\] Only real floating types/);
  throwsWith(() => mx.dequantize(wq, s, b, { mode: 'mxfp4' }), Error, /\[dequantize\] Biases must be null/);
  throwsWith(() => mx.quantized_matmul(mx.zeros([2, 32]), wq, s, b), Error, /\[quantized_matmul\] Last dimension/);
  throwsWith(() => mx.quantized_matmul(mx.zeros([2, 64]), s, s, b), Error, /\[quantized_matmul\] The weight matrix should be uint32/);
  throwsWith(() => mx.quantized_matmul(mx.zeros([2, 64], mx.int32), wq, s.astype(mx.int32), b.astype(mx.int32)), Error, /\[quantized_matmul\] Only real floating/);
  throwsWith(() => mx.quantized_matmul(mx.zeros([2, 64]), wq, s, b, true, 64, 8), Error, /\[quantized_matmul\] The shapes of the weight and scales are incompatible/);
  throwsWith(() => mx.gather_qmm(mx.zeros([1, 64]), wq, s, b, mx.array([0.5])), Error, /\[gather_qmm\] Got lhs_indices with invalid dtype/);
  throwsWith(() => mx.gather_qmm(mx.zeros([1, 1, 64]), mx.expand_dims(wq, 0), mx.expand_dims(s, 0), mx.expand_dims(b, 0), null, mx.array([5])).eval(), RangeError, /\[gather_qmm\] Index 5/);
});

test('quantized_matmul: many rows (dequantized tiles + GEMM), several tiles, both layouts', () => {
  // 16 rows or more take the tiled path; 2 MiB tiles of float weights: K = 512 gives 1024
  // rows per tile (N = 1100 is two tiles), N = 2048 gives 256 rows per tile (K = 600: three).
  const t1 = qmmCase(16, 1100, 512, 64, 4, true, 41);
  assertClose(td(t1.out), Array.from(t1.exp), 1e-5, 'tiles, transpose');
  const t2 = qmmCase(17, 2048, 600, 128, 3, false, 42);
  assertClose(td(t2.out), Array.from(t2.exp), 1e-5, 'tiles, no transpose');
  for (const M of [15, 16, 33]) {
    const c = qmmCase(M, 96, 256, 32, 5, true, 43 + M);
    assertClose(td(c.out), Array.from(c.exp), 1e-5, `M=${M}`);
  }
  // batched weights and an fp mode on the tiled path
  const Wb = randv(2 * 64 * 128, 47);
  const [bq, bs, bb] = mx.quantize(arr(Wb, [2, 64, 128]), 32, 8);
  const xb = arr(randv(2 * 20 * 128, 48), [2, 20, 128]);
  assertClose(td(mx.quantized_matmul(xb, bq, bs, bb, true, 32, 8)),
    td(mx.matmul(xb, mx.swapaxes(mx.dequantize(bq, bs, bb, 32, 8), -1, -2))), 1e-5, 'batched w, 20 rows');
  const [nq, ns] = mx.quantize(arr(randv(64 * 128, 49), [64, 128]), { mode: 'nvfp4' });
  const xn = arr(randv(24 * 128, 50), [24, 128]);
  assertClose(td(mx.quantized_matmul(xn, nq, ns, null, true, null, null, 'nvfp4')),
    td(mx.matmul(xn, mx.transpose(mx.dequantize(nq, ns, { mode: 'nvfp4', dtype: mx.float32 })))), 1e-5, 'nvfp4, 24 rows');
  const xh = xn.astype(mx.float16);
  const yh = mx.quantized_matmul(xh, nq, ns, null, true, null, null, 'nvfp4');
  assert.equal(yh.dtype, mx.float16);
  assertClose(td(yh), td(mx.matmul(xh.astype(mx.float32), mx.transpose(mx.dequantize(nq, ns, { mode: 'nvfp4', dtype: mx.float32 })))), 2e-3, 'nvfp4 float16, 24 rows');
});

// ---- fp formats, written from their definitions (independent of the C++ kernels) ----------

const FP4 = [0, 0.5, 1, 1.5, 2, 3, 4, 6, -0, -0.5, -1, -1.5, -2, -3, -4, -6];
// fp8 e4m3fn: 4 exponent bits (bias 7), 3 mantissa bits, no infinities, 0x7f/0xff NaN.
function fp8dec(b) {
  const e = (b >> 3) & 15, m = b & 7;
  let r;
  if (e === 15 && m === 7) r = NaN;
  else if (e === 0) r = m * 2 ** -9;
  else r = (1 + m / 8) * 2 ** (e - 7);
  return b & 0x80 ? -r : r;
}
// Nearest e4m3fn value (ties to the even code), saturating at 448.
function fp8enc(v) {
  const neg = v < 0 || Object.is(v, -0), a = Math.abs(v);
  let best = 0, bd = Infinity;
  for (let c = 0; c <= 126; c++) {
    const d = Math.abs(fp8dec(c) - a);
    if (d < bd || (d === bd && c % 2 === 0)) { bd = d; best = c; }
  }
  return best | (neg ? 0x80 : 0);
}
// First of the nearest fp4 values (a NaN gives code 0).
function fp4enc(v) {
  let code = 0, best = f(Math.abs(f(v - FP4[0])));
  for (let c = 1; c < 16; c++) {
    const d = f(Math.abs(f(v - FP4[c])));
    if (d < best) { best = d; code = c; }
  }
  return code;
}
const MODES = { nvfp4: [16, 4, 6], mxfp4: [32, 4, 6], mxfp8: [32, 8, 448] };

// Reference fp quantization of rows x K float32 values: codes, scale bytes and dequantized
// values (float32). nvfp4's global scale g: block scale fp8((amax / 6) * 2688 / g), values
// times 2688 / g / block scale; dequantized as code * (block scale * g / 2688).
function refFp(w, rows, K, mode, g = null) {
  const [gs, bits, maxval] = MODES[mode];
  const ng = K / gs, codes = new Uint32Array(rows * K), sb = new Uint8Array(rows * ng), deq = new Float32Array(rows * K);
  const enc = g === null ? 1 : f(2688 / g), gmul = g === null ? 1 : f(g / 2688);
  for (let G = 0; G < rows * ng; G++) {
    const x = w.subarray(G * gs, (G + 1) * gs);
    let amax = 0;
    for (const v of x) amax = Math.max(amax, Math.abs(v));
    let mul = null, div = 1, scale;
    if (g !== null) {
      const s8 = fp8enc(f(f(amax / maxval) * enc));
      sb[G] = s8;
      const dec = fp8dec(s8);
      mul = dec === 0 ? 0 : f(enc / dec);
      scale = f(dec * gmul);
    } else if (mode === 'nvfp4') {
      const s8 = fp8enc(f(amax / maxval));
      sb[G] = s8;
      div = fp8dec(s8);
      scale = div;
    } else {
      const sc = f(amax / maxval);
      const e = sc === 0 ? 0 : Math.round(Math.log2(sc));
      sb[G] = e + 127;
      div = 2 ** e;
      scale = div;
    }
    for (let j = 0; j < gs; j++) {
      const v = mul !== null ? f(x[j] * mul) : f(x[j] / div);
      const c = bits === 8 ? fp8enc(v) : fp4enc(v);
      codes[G * gs + j] = c;
      deq[G * gs + j] = g !== null ? f((bits === 8 ? fp8dec(c) : FP4[c]) * scale) : f((bits === 8 ? fp8dec(c) : FP4[c]) * scale);
    }
  }
  // packed low bits first: 8 codes (4 bits) or 4 codes (8 bits) per word
  const per = 32 / bits, wq = new Uint32Array((rows * K) / per);
  codes.forEach((c, i) => { wq[Math.floor(i / per)] = (wq[Math.floor(i / per)] | (c << ((i % per) * bits))) >>> 0; });
  return { codes, sb, deq, wq };
}

test('global_scale: nvfp4 quantize/dequantize against the two-level reference', () => {
  const rows = 6, K = 64;
  const w = randv(rows * K, 61, -3, 3);
  w.fill(0, 16, 32);  // an all-zero group
  for (const g of [1, 0.37, 5.5, 448 * 6]) {
    const G = mx.array(g, mx.float32);
    const ref = refFp(w, rows, K, 'nvfp4', f(g));
    const [wq, sc] = mx.quantize(arr(w, [rows, K]), { mode: 'nvfp4', global_scale: G });
    assert.deepEqual(wq.shape, [rows, K / 8]);
    assert.deepEqual(sc.shape, [rows, K / 16]);
    assert.deepEqual(Array.from(sc.toTypedArray()), Array.from(ref.sb), `scales g=${g}`);
    assert.deepEqual(Array.from(wq.toTypedArray()), Array.from(ref.wq), `codes g=${g}`);
    const d = mx.dequantize(wq, sc, null, null, null, 'nvfp4', G, mx.float32);
    assertExact(td(d), Array.from(ref.deq), `dequantize g=${g}`);
    // positional and keyword forms agree; the default output dtype is bfloat16
    const d2 = mx.dequantize(wq, sc, { mode: 'nvfp4', global_scale: G, stream: mx.cpu });
    assert.equal(d2.dtype, mx.bfloat16);
    assertClose(td(d2), Array.from(ref.deq), 8e-3, `bfloat16 g=${g}`);
  }
  // the global scale matters: amax / (448 * 6) makes the block scales use fp8's full range
  const amax = w.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  const gs = f(amax / 2688);
  const [q1, s1] = mx.quantize(arr(w, [rows, K]), null, null, 'nvfp4', mx.array(gs, mx.float32));
  assert.deepEqual(Array.from(s1.toTypedArray()), Array.from(refFp(w, rows, K, 'nvfp4', gs).sb));
  assert.ok(Math.max(...s1.toTypedArray()) <= 0x7e);
  // without a global scale nothing changes: a scale of 2688 encodes the same blocks
  const [q0, s0] = mx.quantize(arr(w, [rows, K]), { mode: 'nvfp4' });
  const r0 = refFp(w, rows, K, 'nvfp4');
  assert.deepEqual(Array.from(s0.toTypedArray()), Array.from(r0.sb));
  assert.deepEqual(Array.from(q0.toTypedArray()), Array.from(r0.wq));
  // float16 and bfloat16 weights, a 0-d or one-element global scale, batch dims
  for (const dt of [mx.float16, mx.bfloat16]) {
    const wh = arr(w, [rows, K]).astype(dt);
    const wv = Float32Array.from(td(wh));
    const ref = refFp(wv, rows, K, 'nvfp4', f(0.75));
    const [qh, sh] = mx.quantize(wh, { mode: 'nvfp4', global_scale: mx.array([0.75], mx.float32) });
    assert.deepEqual(Array.from(qh.toTypedArray()), Array.from(ref.wq), `codes ${dt}`);
    assert.deepEqual(Array.from(sh.toTypedArray()), Array.from(ref.sb), `scales ${dt}`);
  }
  const w3 = arr(w, [2, 3, K]);
  const [q3, s3] = mx.quantize(w3, { mode: 'nvfp4', global_scale: mx.array([[2.0]], mx.float32) });
  assert.deepEqual(q3.shape, [2, 3, 8]);
  assert.deepEqual(Array.from(q3.toTypedArray()), Array.from(refFp(w, rows, K, 'nvfp4', 2).wq));
  // quantized_matmul of nvfp4 weights is unchanged by the dequantize argument
  const x = arr(randv(2 * K, 62), [2, K]);
  const G = mx.array(3, mx.float32);
  const [qg, sg] = mx.quantize(arr(w, [rows, K]), { mode: 'nvfp4', global_scale: G });
  const y = mx.matmul(x, mx.transpose(mx.dequantize(qg, sg, { mode: 'nvfp4', global_scale: G, dtype: mx.float32 })));
  const yr = refMatmul(Float32Array.from(td(x)), refFp(w, rows, K, 'nvfp4', 3).deq, 2, K, rows, true);
  assertClose(td(y), Array.from(yr), 1e-5, 'product with the global-scale weights');
});

test('global_scale: errors', () => {
  const w = mx.zeros([2, 32]);
  const G = mx.array(1, mx.float32);
  throwsWith(() => mx.quantize(w, { mode: 'mxfp4', global_scale: G }), Error, /\[quantize\] Global scale is only supported for 'nvfp4'/);
  throwsWith(() => mx.quantize(mx.zeros([2, 64]), { global_scale: G }), Error, /\[quantize\] Global scale is only supported for 'nvfp4'/);
  throwsWith(() => mx.quantize(w, { mode: 'nvfp4', global_scale: mx.array(1) }), Error, /\[quantize\] Global scale must be a float32 array but got int32/);
  throwsWith(() => mx.quantize(w, { mode: 'nvfp4', global_scale: mx.array([1, 2], mx.float32) }), Error, /\[quantize\] Global scale must be a scalar/);
  throwsWith(() => mx.quantize(w, { mode: 'nvfp4', global_scale: 'x' }), TypeError, /\[quantize\]/);
  const [q, s] = mx.quantize(w, { mode: 'nvfp4' });
  throwsWith(() => mx.dequantize(q, s, { mode: 'mxfp4', group_size: 16, global_scale: G }), Error, /\[dequantize\] mxfp4 quantization requires group size 32/);
  const [qm, sm] = mx.quantize(w, { mode: 'mxfp8' });
  throwsWith(() => mx.dequantize(qm, sm, { mode: 'mxfp8', global_scale: G }), Error, /\[dequantize\] Global scale is only supported for 'nvfp4'/);
  throwsWith(() => mx.dequantize(q, s, { mode: 'nvfp4', global_scale: mx.array(1, mx.float16) }), Error, /\[dequantize\] Global scale must be a float32 array but got float16/);
});

// Reference qqmm: x and w rounded through the format, then a float64 product.
function refQq(x, W, M, N, K, mode, gx = null, gw = null) {
  const xh = refFp(x, M, K, mode, gx).deq;
  const wh = refFp(W, N, K, mode, gw).deq;
  return refMatmul(xh, wh, M, K, N, true);
}

test('qqmm: x and w rounded through nvfp4 / mxfp8 / mxfp4, quantized or float w, global scales', () => {
  const M = 5, N = 12, K = 64;
  for (const mode of ['nvfp4', 'mxfp8', 'mxfp4']) {
    const x = randv(M * K, 71, -2, 2), W = randv(N * K, 72, -1, 1);
    const exp = refQq(x, W, M, N, K, mode);
    const y = mx.qqmm(arr(x, [M, K]), arr(W, [N, K]), null, null, null, mode);
    assert.deepEqual(y.shape, [M, N]);
    assert.equal(y.dtype, mx.float32);
    assertClose(td(y), Array.from(exp), 1e-5, `${mode} float w`);
    // w quantized beforehand: the same numbers
    const [wq, ws] = mx.quantize(arr(W, [N, K]), { mode });
    const yq = mx.qqmm(arr(x, [M, K]), wq, ws, { mode });
    assertClose(td(yq), Array.from(exp), 1e-5, `${mode} quantized w`);
  }
  // nvfp4 is the default mode; the global scales go together
  const x = randv(3 * 32, 73, -4, 4), W = randv(8 * 32, 74);
  assertClose(td(mx.qqmm(arr(x, [3, 32]), arr(W, [8, 32]))), Array.from(refQq(x, W, 3, 8, 32, 'nvfp4')), 1e-5, 'default mode');
  const gx = f(4 / 2688 * 1.3), gw = f(1 / 2688 * 0.9);
  const yg = mx.qqmm(arr(x, [3, 32]), arr(W, [8, 32]), { global_scale_x: mx.array(gx, mx.float32), global_scale_w: mx.array(gw, mx.float32) });
  assertClose(td(yg), Array.from(refQq(x, W, 3, 8, 32, 'nvfp4', gx, gw)), 1e-5, 'global scales');
  const [wq, ws] = mx.quantize(arr(W, [8, 32]), { mode: 'nvfp4', global_scale: mx.array(gw, mx.float32) });
  const yg3 = mx.qqmm(arr(x, [3, 32]), wq, ws, null, null, 'nvfp4', mx.array(gx, mx.float32), mx.array(gw, mx.float32));
  assertClose(td(yg3), Array.from(refQq(x, W, 3, 8, 32, 'nvfp4', gx, gw)), 1e-5, 'global scales, quantized w');
  // 1-D x, n-D x against a 2-D w, float16 / bfloat16 x keep their dtype, stream
  const v = mx.qqmm(arr(x.subarray(0, 32), [32]), arr(W, [8, 32]));
  assert.deepEqual(v.shape, [8]);
  assertClose(td(v), Array.from(refQq(x.subarray(0, 32), W, 1, 8, 32, 'nvfp4')), 1e-5, '1-D x');
  const x6 = randv(6 * 32, 75);
  const y3 = mx.qqmm(arr(x6, [2, 3, 32]), arr(W, [8, 32]), { stream: mx.cpu });
  assert.deepEqual(y3.shape, [2, 3, 8]);
  assertClose(td(y3), Array.from(refQq(x6, W, 6, 8, 32, 'nvfp4')), 1e-5, '3-D x');
  for (const dt of [mx.float16, mx.bfloat16]) {
    const xh = arr(x, [3, 32]).astype(dt);
    const yh = mx.qqmm(xh, arr(W, [8, 32]).astype(dt));
    assert.equal(yh.dtype, dt);
    const xv = Float32Array.from(td(xh)), wv = Float32Array.from(td(arr(W, [8, 32]).astype(dt)));
    assertClose(td(yh), Array.from(refQq(xv, wv, 3, 8, 32, 'nvfp4')), 2e-2, `${dt}`);
  }
  // empty rows
  assert.deepEqual(mx.qqmm(mx.zeros([0, 32]), arr(W, [8, 32])).shape, [0, 8]);
});

test('gather_qqmm: per-index qqmm products, default indices, quantized and float w', () => {
  const E = 3, N = 8, K = 32, M = 2;
  const W = randv(E * N * K, 81), x = randv(4 * M * K, 82, -2, 2);
  const xa = arr(x, [4, M, K]), wa = arr(W, [E, N, K]);
  const L = [0, 3, 1, 2, 2], R = [2, 0, 1, 1, 0];
  const out = mx.gather_qqmm(xa, wa, null, mx.array(L), mx.array(R));
  assert.deepEqual(out.shape, [5, M, N]);
  assert.equal(out.dtype, mx.float32);
  const got = td(out);
  for (let i = 0; i < L.length; i++) {
    const e = refQq(x.subarray(L[i] * M * K, (L[i] + 1) * M * K), W.subarray(R[i] * N * K, (R[i] + 1) * N * K), M, N, K, 'nvfp4');
    assertClose(got.slice(i * M * N, (i + 1) * M * N), Array.from(e), 1e-5, `index ${i}`);
  }
  // quantized w with mxfp8, keywords, sorted_indices, only rhs (lhs enumerates x's batch)
  const [wq, ws] = mx.quantize(wa, { mode: 'mxfp8' });
  const o2 = mx.gather_qqmm(arr(x.subarray(0, 3 * M * K), [3, M, K]), wq, ws, { rhs_indices: mx.array([0, 1, 2]), mode: 'mxfp8', sorted_indices: true });
  assert.deepEqual(o2.shape, [3, M, N]);
  const g2 = td(o2);
  for (let i = 0; i < 3; i++) {
    const e = refQq(x.subarray(i * M * K, (i + 1) * M * K), W.subarray(i * N * K, (i + 1) * N * K), M, N, K, 'mxfp8');
    assertClose(g2.slice(i * M * N, (i + 1) * M * N), Array.from(e), 1e-5, `mxfp8 index ${i}`);
  }
  // no indices: the batches of x and w pair up
  const o3 = mx.gather_qqmm(arr(x.subarray(0, E * M * K), [E, M, K]), wa, { mode: 'mxfp4' });
  assert.deepEqual(o3.shape, [E, M, N]);
  const g3 = td(o3);
  for (let i = 0; i < E; i++) {
    const e = refQq(x.subarray(i * M * K, (i + 1) * M * K), W.subarray(i * N * K, (i + 1) * N * K), M, N, K, 'mxfp4');
    assertClose(g3.slice(i * M * N, (i + 1) * M * N), Array.from(e), 1e-5, `mxfp4 batch ${i}`);
  }
  // global scales (nvfp4)
  const gx = f(0.002), gw = f(0.0004);
  const o4 = mx.gather_qqmm(xa, wa, null, mx.array([1]), mx.array([2]), null, null, 'nvfp4', mx.array(gx, mx.float32), mx.array(gw, mx.float32));
  const e4 = refQq(x.subarray(M * K, 2 * M * K), W.subarray(2 * N * K, 3 * N * K), M, N, K, 'nvfp4', gx, gw);
  assertClose(td(o4), Array.from(e4), 1e-5, 'global scales');
});

test('qqmm / gather_qqmm: errors', () => {
  const x = mx.zeros([2, 32]), w = mx.zeros([4, 32]);
  const G = mx.array(1, mx.float32);
  throwsWith(() => mx.qqmm(x, w, { mode: 'affine' }), Error, /\[qqmm\] Only 'nvfp4', 'mxfp8' and 'mxfp4' quantization modes are supported but 'affine'/);
  throwsWith(() => mx.qqmm(x, w, { mode: 'int4' }), Error, /\[qqmm\] Invalid quantization mode 'int4'/);
  throwsWith(() => mx.qqmm(x, w, { group_size: 32 }), Error, /\[qqmm\] nvfp4 quantization requires group size 16 but got 32/);
  throwsWith(() => mx.qqmm(mx.zeros([2, 2, 32]), mx.zeros([2, 4, 32])), Error, /\[qqmm\] Only 2D inputs are supported/);
  throwsWith(() => mx.qqmm(x.astype(mx.float64), w), Error, /\[qqmm\] Only real floating types except float64 .* first argument dtype == float64/);
  throwsWith(() => mx.qqmm(x.astype(mx.int32), w), Error, /\[qqmm\] Only real floating types except float64/);
  throwsWith(() => mx.qqmm(x, w.astype(mx.float64)), Error, /\[qqmm\] .* second argument dtype == float64/);
  throwsWith(() => mx.qqmm(x, mx.zeros([4, 48])), Error, /\[qqmm\] Last dimension of first input with shape \(2,32\) must match last dimension of second input/);
  const [wq, ws] = mx.quantize(w, { mode: 'nvfp4' });
  throwsWith(() => mx.qqmm(x, wq), Error, /\[qqmm\] Scales must be provided if second argument is quantized/);
  throwsWith(() => mx.qqmm(mx.zeros([2, 64]), wq, ws), Error, /\[qqmm\] Last dimension/);
  throwsWith(() => mx.qqmm(x, w, { global_scale_x: G }), Error, /\[qqmm\] For 'nvfp4', either both global_scale_x and global_scale_w/);
  throwsWith(() => mx.qqmm(x, w, { mode: 'mxfp8', global_scale_x: G, global_scale_w: G }), Error, /\[qqmm\] Global scale is only supported for 'nvfp4'/);
  throwsWith(() => mx.qqmm(x, w, { global_scale_x: mx.array(1), global_scale_w: G }), Error, /\[qqmm\] Global scale must be a float32 array/);
  throwsWith(() => mx.qqmm(x, w, { foo: 1 }), TypeError, /\[qqmm\].*foo/);
  throwsWith(() => mx.gather_qqmm(mx.zeros([32]), w), Error, /\[gather_qqmm\] Non-quantized input must have at least two dimensions/);
  throwsWith(() => mx.gather_qqmm(x, w, null, mx.array([0.5])), Error, /\[gather_qqmm\] Got lhs_indices with invalid dtype/);
  throwsWith(() => mx.gather_qqmm(mx.zeros([1, 2, 32]), mx.zeros([1, 4, 32]), null, null, mx.array([3])).eval(), RangeError, /\[gather_mm\]|\[gather_qqmm\]/);
  throwsWith(() => mx.gather_qqmm(x, w, { mode: 'affine' }), Error, /\[gather_qqmm\] Only 'nvfp4'/);
  throwsWith(() => mx.gather_qqmm(mx.zeros([1, 2, 32]), mx.zeros([1, 4, 32]), { global_scale_w: G }), Error, /\[gather_qqmm\] For 'nvfp4'/);
});

test('qqmm: straight-through gradients are qqmm products of the cotangent', () => {
  // dx = qqmm(cot, w^T) and dw = qqmm(cot^T, x^T): both operands rounded through the format.
  const M = 32, N = 32, K = 64;
  const x = randv(M * K, 91, -2, 2), W = randv(N * K, 92), c = randv(M * N, 93);
  const tr = (a, r, cl) => { const o = new Float32Array(a.length); for (let i = 0; i < r; i++) for (let j = 0; j < cl; j++) o[j * r + i] = a[i * cl + j]; return o; };
  for (const mode of ['nvfp4', 'mxfp8']) {
    const [, [gx, gw]] = mx.vjp((xa, wa) => mx.qqmm(xa, wa, null, null, null, mode), [arr(x, [M, K]), arr(W, [N, K])], [arr(c, [M, N])]);
    assertClose(td(gx), Array.from(refQq(c, tr(W, N, K), M, K, N, mode)), 1e-5, `${mode} dx`);
    assertClose(td(gw), Array.from(refQq(tr(c, M, N), tr(x, M, K), N, K, M, mode)), 1e-5, `${mode} dw`);
    // a quantized w: dx from its float values
    const [wq, ws] = mx.quantize(arr(W, [N, K]), { mode });
    const [, [gq]] = mx.vjp((xa) => mx.qqmm(xa, wq, ws, { mode }), [arr(x, [M, K])], [arr(c, [M, N])]);
    const Wd = refFp(W, N, K, mode).deq;
    assertClose(td(gq), Array.from(refQq(c, tr(Wd, N, K), M, K, N, mode)), 1e-5, `${mode} dx, quantized w`);
  }
});

test('nvfp4 rows of 16 + 32k values (groups of 16): dequantize and products', () => {
  // Rows end half way through a 32-value word block: nothing past them is read or written.
  for (const K of [16, 48, 80]) {
    const w = randv(5 * K, 101 + K, -2, 2);
    const ref = refFp(w, 5, K, 'nvfp4');
    const [q, s] = mx.quantize(arr(w, [5, K]), { mode: 'nvfp4' });
    assert.deepEqual(Array.from(q.toTypedArray()), Array.from(ref.wq), `codes K=${K}`);
    assertExact(td(mx.dequantize(q, s, { mode: 'nvfp4', dtype: mx.float32 })), Array.from(ref.deq), `K=${K}`);
    for (const M of [2, 20]) {
      const x = randv(M * K, 102 + M);
      const y = mx.quantized_matmul(arr(x, [M, K]), q, s, null, true, null, null, 'nvfp4');
      assertClose(td(y), Array.from(refMatmul(x, ref.deq, M, K, 5, true)), 1e-5, `K=${K} M=${M}`);
    }
  }
  // transpose=false: the output width is 16 + 32k
  const W = randv(64 * 48, 105);
  const ref = refFp(W, 64, 48, 'nvfp4');
  const [q, s] = mx.quantize(arr(W, [64, 48]), { mode: 'nvfp4' });
  for (const M of [3, 18]) {
    const x = randv(M * 64, 106 + M);
    const y = mx.quantized_matmul(arr(x, [M, 64]), q, s, null, false, null, null, 'nvfp4');
    assertClose(td(y), Array.from(refMatmul(x, ref.deq, M, 64, 48, false)), 1e-5, `no transpose M=${M}`);
  }
});
