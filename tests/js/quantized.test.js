'use strict';
// mx.quantize / dequantize / quantized_matmul / gather_qmm / qqmm against an independent
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
  throwsWith(() => mx.qqmm(mx.zeros([2, 64]), mx.zeros([4, 64])), Error, /\[qqmm\] Only supported on GPU/);
  throwsWith(() => mx.quantize(w, { global_scale: mx.array(1) }), Error, /\[quantize\] global_scale/);
});
