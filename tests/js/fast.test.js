'use strict';
// mx.fast against naive references written here in float64 JS loops: rms_norm, layer_norm,
// rope (both layouts, offsets as ints and arrays, per-batch offsets, custom frequencies, the
// float32 angles MLX computes), scaled_dot_product_attention (no mask, causal with Tq != Tk,
// boolean and additive masks of every broadcast rank, fully hidden rows, grouped-query heads,
// sinks). float32 and float64 to tight tolerances, float16/bfloat16 looser (references take
// the rounded inputs); strided and broadcast inputs, size-0 and size-1 dims, the stream
// argument, keyword arguments, dtype promotion and every error.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { assertArray, throwsWith, flat } = require('./helpers/check');

// ---- inputs and helpers ------------------------------------------------------------------------

// Deterministic values in [-1, 1) (a 32-bit LCG).
function randv(n, seed) {
  let s = (seed * 2654435761 + 12345) >>> 0;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}
const prod = (shape) => shape.reduce((a, b) => a * b, 1);
const DT = { float16: mx.float16, bfloat16: mx.bfloat16, float32: mx.float32, float64: mx.float64 };
const FLOATS = ['float32', 'float64', 'float16', 'bfloat16'];

// A random array (values times `amp`) of the given shape and dtype name.
function rand(shape, dtype, seed, amp = 1) {
  const v = randv(prod(shape), seed).map((x) => x * amp);
  return mx.array(v, mx.float64).reshape(shape).astype(DT[dtype]);
}
// The values of an array as float64 numbers in row-major order (exact for every float dtype).
const vals = (a) => (a.size === 0 ? [] : flat(a.astype(mx.float64).tolist()));
// Row-major strides of a shape.
function rstrides(shape) {
  const st = new Array(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) { st[d] = s; s *= shape[d]; }
  return st;
}
// Index of element `idx` of a shape broadcast from `shape` (size-1 dims repeat).
function bidx(shape, idx) {
  const st = rstrides(shape);
  let off = 0;
  const lead = idx.length - shape.length;
  for (let d = 0; d < shape.length; d++) off += (shape[d] === 1 ? 0 : idx[lead + d]) * st[d];
  return off;
}

const TOLS = {
  float32: { rtol: 1e-5, atol: 1e-5 },
  float64: { rtol: 1e-12, atol: 1e-12 },
  float16: { rtol: 2e-3, atol: 2e-3 },
  bfloat16: { rtol: 1.6e-2, atol: 1.6e-2 },
};
const LOWEST = { float16: -65504, bfloat16: -3.3895313892515355e38, float32: -3.4028234663852886e38,
  float64: -Number.MAX_VALUE };
const keyOf = (a) => a.dtype._key;
const close = (got, exp, key, msg) => assertArray(got, { values: exp, tol: TOLS[key], msg });

const esc = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exact = (m) => new RegExp(`^${esc(m)}$`);
const prefix = (m) => new RegExp(`^${esc(m)}`);

// ---- references ----------------------------------------------------------------------------------

// Rows of the last axis: rms or layer norm, weight/bias (arrays of numbers) optional.
function normRef(x, shape, w, b, eps, layer) {
  const n = shape[shape.length - 1];
  const out = new Array(x.length);
  for (let r = 0; r * n < x.length; r++) {
    const row = x.slice(r * n, r * n + n);
    let mean = 0;
    if (layer) mean = row.reduce((a, v) => a + v, 0) / n;
    const ms = row.reduce((a, v) => a + (v - mean) * (v - mean), 0) / n;
    const rs = 1 / Math.sqrt(ms + Math.fround(eps));
    for (let i = 0; i < n; i++) {
      let y = (row[i] - mean) * rs;
      if (w) y *= w[i];
      if (b) y += b[i];
      out[r * n + i] = y;
    }
  }
  return out;
}

// MLX's float32 angles: positions (t + offset) * scale and inverse frequencies
// exp(-i * log(base) / half) (or 1 / freqs), each op rounded to float32.
const f = Math.fround;
function invFreqs(half, base, freqs) {
  if (freqs) return freqs.map((v) => f(1 / f(v)));
  const coef = f(f(Math.log(f(base))) / half);
  return Array.from({ length: half }, (_, i) => f(Math.exp(f(-i * coef))));
}
// x (values) of shape (B, ..., T, D); offsets: one number or one per batch element.
function ropeRef(x, shape, dims, { traditional, base, scale, offsets, freqs, forward = true }) {
  const D = shape[shape.length - 1], T = shape[shape.length - 2], B = shape[0];
  const perB = x.length / B, half = dims / 2;
  const inv = invFreqs(half, base, freqs);
  const out = x.slice();
  for (let r = 0; r * D < x.length; r++) {
    const b = Math.floor((r * D) / perB), t = r % T;
    const off = offsets.length === 1 ? offsets[0] : offsets[b];
    const pos = f(f(t + f(off)) * f(scale));
    for (let i = 0; i < half; i++) {
      const th = f(pos * inv[i]);
      const c = Math.cos(th), s = forward ? Math.sin(th) : -Math.sin(th);
      const i1 = traditional ? 2 * i : i, i2 = traditional ? 2 * i + 1 : i + half;
      const a = x[r * D + i1], bb = x[r * D + i2];
      out[r * D + i1] = a * c - bb * s;
      out[r * D + i2] = a * s + bb * c;
    }
  }
  return out;
}

// softmax(scale q k^T (+ mask)) v in float64. mask: null, 'causal', or {shape, values, bool};
// sinks: one logit per query head; lowest: the dtype's most negative value.
function sdpaRef(q, qs, k, ks, v, vs, scale, mask, sinks, lowest) {
  const [B, Nq, Tq, D] = qs, [, Nkv, Tk] = ks, Dv = vs[3];
  const rep = Nq / Nkv;
  const out = new Array(B * Nq * Tq * Dv).fill(0);
  for (let b = 0; b < B; b++) for (let h = 0; h < Nq; h++) for (let i = 0; i < Tq; i++) {
    const hk = Math.floor(h / rep);
    const s = new Array(Tk);
    for (let j = 0; j < Tk; j++) {
      let acc = 0;
      for (let d = 0; d < D; d++) acc += q[((b * Nq + h) * Tq + i) * D + d] * k[((b * Nkv + hk) * Tk + j) * D + d];
      s[j] = f(scale) * acc;
      if (mask === 'causal') {
        if (j > i + Tk - Tq) s[j] = lowest;
      } else if (mask) {
        const m = mask.values[bidx(mask.shape, [b, h, i, j])];
        if (mask.bool) s[j] = m ? s[j] : lowest;
        else s[j] += m;
      }
    }
    const logits = sinks ? [sinks[h], ...s] : s;
    const mx_ = Math.max(...logits);
    const e = logits.map((x) => Math.exp(x - mx_));
    const z = e.reduce((a, x) => a + x, 0);
    const p = sinks ? e.slice(1) : e;
    for (let j = 0; j < Tk; j++) for (let d = 0; d < Dv; d++) {
      out[((b * Nq + h) * Tq + i) * Dv + d] += (p[j] / z) * v[((b * Nkv + hk) * Tk + j) * Dv + d];
    }
  }
  return out;
}

// ---- rms_norm / layer_norm -------------------------------------------------------------------

const NORM_SHAPES = [[5], [3, 7], [2, 3, 16], [1, 1, 1], [4, 1], [2, 1, 33], [1, 1000], [2048, 64]];

test('rms_norm: values for every float dtype and shape, with and without weight', () => {
  let seed = 1;
  for (const dt of FLOATS) {
    for (const shape of NORM_SHAPES) {
      const n = shape[shape.length - 1];
      const x = rand(shape, dt, seed++, 3), w = rand([n], dt, seed++);
      for (const [weight, eps] of [[w, 1e-5], [null, 1e-5], [w, 0.5]]) {
        const y = mx.fast.rms_norm(x, weight, eps);
        assert.equal(y.dtype, DT[dt]);
        assert.deepEqual(y.shape, shape);
        close(y, normRef(vals(x), shape, weight && vals(weight), null, eps, false), dt,
          `rms_norm ${dt} ${shape} weight=${!!weight} eps=${eps}`);
      }
    }
  }
});

test('layer_norm: values for every float dtype and shape, each combination of weight and bias', () => {
  let seed = 100;
  for (const dt of FLOATS) {
    for (const shape of NORM_SHAPES) {
      const n = shape[shape.length - 1];
      const x = rand(shape, dt, seed++, 3), w = rand([n], dt, seed++), b = rand([n], dt, seed++);
      for (const [weight, bias] of [[w, b], [w, null], [null, b], [null, null]]) {
        const y = mx.fast.layer_norm(x, weight, bias, 1e-5);
        assert.equal(y.dtype, DT[dt]);
        close(y, normRef(vals(x), shape, weight && vals(weight), bias && vals(bias), 1e-5, true), dt,
          `layer_norm ${dt} ${shape} weight=${!!weight} bias=${!!bias}`);
      }
    }
  }
});

test('layer_norm: rows with a large mean keep their variance (float32)', () => {
  const base = randv(256, 7).map((v) => 1000 + v);
  const x = mx.array(base).reshape([2, 128]);
  close(mx.fast.layer_norm(x, null, null, 1e-6), normRef(vals(x), [2, 128], null, null, 1e-6, true), 'float32');
});

test('rms_norm / layer_norm: strided, transposed and broadcast inputs and weights', () => {
  const x = rand([6, 10], 'float32', 3, 2);
  const w = rand([20], 'float32', 4).get('::2');  // a stride-2 view
  const b = rand([10], 'float32', 5).get('::-1');  // a negative stride
  for (const xv of [mx.transpose(rand([10, 6], 'float32', 6, 2)), x.get(':', '::-1'), x.get('1:5', '2:8'),
    mx.broadcast_to(rand([1, 10], 'float32', 8), [6, 10])]) {
    const n = xv.shape[1];
    const wv = n === 10 ? w : w.get(':6'), bv = n === 10 ? b : b.get(':6');
    close(mx.fast.rms_norm(xv, wv, 1e-5), normRef(vals(xv), xv.shape, vals(wv), null, 1e-5, false), 'float32');
    close(mx.fast.layer_norm(xv, wv, bv, 1e-5), normRef(vals(xv), xv.shape, vals(wv), vals(bv), 1e-5, true), 'float32');
  }
  for (const dt of ['float16', 'bfloat16', 'float64']) {
    const xv = mx.transpose(rand([10, 6], dt, 9, 2));
    const wv = rand([20], dt, 10).get('::2');
    close(mx.fast.rms_norm(xv, wv, 1e-5), normRef(vals(xv), xv.shape, vals(wv), null, 1e-5, false), dt);
    close(mx.fast.layer_norm(xv, wv, wv, 1e-5), normRef(vals(xv), xv.shape, vals(wv), vals(wv), 1e-5, true), dt);
  }
});

test('rms_norm / layer_norm: result dtypes follow MLX (promotion with weight; bias only with weight)', () => {
  const cases = [
    ['float16', 'float32', 'float32'], ['float32', 'bfloat16', 'float32'], ['bfloat16', 'float16', 'float32'],
    ['float16', 'float16', 'float16'], ['float64', 'float32', 'float64'],
  ];
  for (const [xd, wd, od] of cases) {
    const x = rand([3, 8], xd, 11, 2), w = rand([8], wd, 12);
    const y = mx.fast.rms_norm(x, w, 1e-5);
    assert.equal(y.dtype, DT[od], `${xd} x ${wd}`);
    close(y, normRef(vals(x), [3, 8], vals(w), null, 1e-5, false), od);
    const z = mx.fast.layer_norm(x, w, w, 1e-5);
    assert.equal(z.dtype, DT[od]);
  }
  // An integer input takes the weight's float dtype.
  const xi = mx.array([[1, 2, 3, 4]]);
  const y = mx.fast.rms_norm(xi, mx.array([1, 1, 1, 1], mx.float16), 1e-5);
  assert.equal(y.dtype, mx.float16);
  close(y, normRef([1, 2, 3, 4], [1, 4], [1, 1, 1, 1], null, 1e-5, false), 'float16');
  // Without a weight the bias does not take part in the promotion: it is cast to x's dtype.
  const xh = rand([2, 4], 'float16', 13), bf = mx.array([0.1, 0.2, 0.3, 100.7]);
  const z = mx.fast.layer_norm(xh, null, bf, 1e-5);
  assert.equal(z.dtype, mx.float16);
  close(z, normRef(vals(xh), [2, 4], null, vals(bf.astype(mx.float16)), 1e-5, true), 'float16');
});

test('rms_norm / layer_norm: size-0 dims, keyword arguments, streams', () => {
  for (const shape of [[0], [2, 0], [0, 5], [3, 0, 4]]) {
    const x = mx.zeros(shape);
    const n = shape[shape.length - 1];
    assertArray(mx.fast.rms_norm(x, mx.ones([n]), 1e-5), { dtype: mx.float32, shape, values: [] });
    assertArray(mx.fast.layer_norm(x, null, null, 1e-5), { dtype: mx.float32, shape, values: [] });
  }
  const x = rand([4, 6], 'float32', 21, 2), w = rand([6], 'float32', 22), b = rand([6], 'float32', 23);
  const ref = normRef(vals(x), [4, 6], vals(w), null, 1e-4, false);
  const s = mx.new_stream(mx.cpu);
  close(mx.fast.rms_norm(x, { weight: w, eps: 1e-4 }), ref, 'float32');
  close(mx.fast.rms_norm({ x, weight: w, eps: 1e-4, stream: mx.cpu }), ref, 'float32');
  close(mx.fast.rms_norm(x, w, 1e-4, { stream: s }), ref, 'float32');
  const lref = normRef(vals(x), [4, 6], vals(w), vals(b), 1e-4, true);
  close(mx.fast.layer_norm(x, w, { bias: b, eps: 1e-4, stream: s }), lref, 'float32');
  close(mx.fast.layer_norm({ x, weight: w, bias: b, eps: 1e-4 }), lref, 'float32');
  // JS arrays and scalars are accepted where an array is.
  close(mx.fast.rms_norm([[3.5, 4]], null, 0), normRef([3.5, 4], [1, 2], null, null, 0, false), 'float32');
});

test('rms_norm / layer_norm: errors name the function', () => {
  const x = mx.ones([2, 4]);
  for (const [name, call] of [['fast.rms_norm', (a, w) => mx.fast.rms_norm(a, w, 1e-5)],
    ['fast.layer_norm', (a, w) => mx.fast.layer_norm(a, w, null, 1e-5)]]) {
    throwsWith(() => call(mx.array(1), null), Error,
      exact(`[${name}] Input must have at least 1 dimension but got input with 0 dimensions.`));
    throwsWith(() => call(x, mx.ones([1, 4])), Error, exact(`[${name}] weight must have 1 dimension but has 2 dimensions.`));
    throwsWith(() => call(x, mx.ones([3])), Error,
      exact(`[${name}] weight must have the same size as the last dimension of x but has 3 elements.`));
    throwsWith(() => call(mx.array([[1, 2]]), null), Error, exact(`[${name}] Received unsupported type int32.`));
    throwsWith(() => call(mx.array([[true]]), null), Error, exact(`[${name}] Received unsupported type bool.`));
    throwsWith(() => call(mx.ones([2], mx.complex64), null), Error, exact(`[${name}] Received unsupported type complex64.`));
    throwsWith(() => call(mx.array([[1, 2, 3, 4]]), mx.array([1, 2, 3, 4], mx.int8)), Error,
      exact(`[${name}] Received unsupported type int32.`));
  }
  throwsWith(() => mx.fast.layer_norm(x, null, mx.ones([2, 4]), 1e-5), Error,
    exact('[fast.layer_norm] bias must have 1 dimension but has 2 dimensions.'));
  throwsWith(() => mx.fast.layer_norm(x, null, mx.ones([5]), 1e-5), Error,
    exact('[fast.layer_norm] bias must have the same size as the last dimension of x but has 5 elements.'));
  throwsWith(() => mx.fast.rms_norm(x, null), TypeError, exact("[fast.rms_norm] missing required argument 'eps'"));
  throwsWith(() => mx.fast.rms_norm(x), TypeError, exact("[fast.rms_norm] missing required argument 'weight'"));
  throwsWith(() => mx.fast.rms_norm(x, null, '1e-5'), TypeError, prefix("[fast.rms_norm] argument 'eps' must be"));
  throwsWith(() => mx.fast.rms_norm(x, null, 1e-5, { epsilon: 1 }), TypeError,
    exact("[fast.rms_norm] unknown keyword argument 'epsilon'"));
  throwsWith(() => mx.fast.rms_norm(x, null, 1e-5, mx.cpu), TypeError, exact('[fast.rms_norm] takes 3 positional arguments (4 given)'));
  throwsWith(() => mx.fast.layer_norm(x, null, null), TypeError, exact("[fast.layer_norm] missing required argument 'eps'"));
  throwsWith(() => mx.fast.layer_norm(x, 'w', null, 1e-5), TypeError, prefix("[fast.layer_norm] argument 'weight'"));
});

// ---- rope --------------------------------------------------------------------------------------

test('rope: both layouts, dims below D, offsets, scale and base for every float dtype', () => {
  let seed = 200;
  const shapes = [[2, 3, 5, 8], [1, 4, 16], [2, 2, 3, 7, 12], [1, 1, 1, 4], [3, 1, 2, 6]];
  for (const dt of FLOATS) {
    for (const shape of shapes) {
      const D = shape[shape.length - 1];
      const x = rand(shape, dt, seed++, 2);
      for (const dims of [D - (D % 2), 2, Math.max(2, D - (D % 4) - 2)]) {
        for (const traditional of [false, true]) {
          for (const [base, scale, offset] of [[10000, 1, 0], [500, 0.5, 3], [10000, 2, 17]]) {
            const y = mx.fast.rope(x, dims, { traditional, base, scale, offset });
            assert.equal(y.dtype, DT[dt]);
            assert.deepEqual(y.shape, shape);
            close(y, ropeRef(vals(x), shape, dims, { traditional, base, scale, offsets: [offset] }), dt,
              `rope ${dt} ${shape} dims=${dims} trad=${traditional} base=${base} scale=${scale} off=${offset}`);
          }
        }
      }
    }
  }
});

test('rope: offsets as arrays (scalar, per batch element, every integer dtype), bigint', () => {
  const shape = [3, 2, 4, 8];
  const x = rand(shape, 'float32', 300, 2);
  const opts = { traditional: false, base: 10000, scale: 1 };
  const ref = (offsets) => ropeRef(vals(x), shape, 8, { ...opts, offsets });
  close(mx.fast.rope(x, 8, { ...opts, offset: mx.array(5) }), ref([5]), 'float32');
  close(mx.fast.rope(x, 8, { ...opts, offset: mx.array([5]) }), ref([5]), 'float32');
  for (const dt of [mx.int32, mx.uint32, mx.int64, mx.int8, mx.uint16, mx.uint64]) {
    close(mx.fast.rope(x, 8, { ...opts, offset: mx.array([0, 3, 7], dt) }), ref([0, 3, 7]), 'float32', `${dt}`);
  }
  close(mx.fast.rope(x, 8, { ...opts, offset: 4n }), ref([4]), 'float32');
  close(mx.fast.rope(x, 8, { ...opts, traditional: true, offset: mx.array([9, 0, 2]) }),
    ropeRef(vals(x), shape, 8, { ...opts, traditional: true, offsets: [9, 0, 2] }), 'float32');
  // A strided offset vector.
  close(mx.fast.rope(x, 8, { ...opts, offset: mx.array([1, 0, 2, 0, 3, 0]).get('::2') }), ref([1, 2, 3]), 'float32');
});

test('rope: large offsets use float32 angles as MLX does', () => {
  const shape = [1, 2, 3, 16];
  const x = rand(shape, 'float32', 310, 1);
  for (const offset of [100000, 1234567, -50]) {
    const y = mx.fast.rope(x, 16, { traditional: false, base: 10000, scale: 1, offset });
    close(y, ropeRef(vals(x), shape, 16, { traditional: false, base: 10000, scale: 1, offsets: [offset] }), 'float32');
  }
});

test('rope: custom frequencies, non-contiguous inputs, size-0 and size-1 dims', () => {
  const shape = [2, 3, 4, 10];
  const x = rand(shape, 'float32', 320, 2);
  const freqs = [1, 2.5, 40, 1000];
  for (const traditional of [false, true]) {
    for (const fr of [mx.array(freqs), mx.array(freqs, mx.float16), mx.array([1, 0, 2.5, 0, 40, 0, 1000, 0]).get('::2')]) {
      const y = mx.fast.rope(x, 8, { traditional, base: null, scale: 0.25, offset: 2, freqs: fr });
      close(y, ropeRef(vals(x), shape, 8, { traditional, scale: 0.25, offsets: [2], freqs: vals(fr) }), 'float32');
    }
  }
  // (B, T, N, D) seen as (B, N, T, D); a reversed last axis; a broadcast input.
  for (const xv of [mx.swapaxes(rand([2, 4, 3, 10], 'float32', 321), 1, 2), x.get('...', '::-1'),
    mx.broadcast_to(rand([1, 1, 4, 10], 'float32', 322), [2, 3, 4, 10])]) {
    for (const dt of ['float32', 'float16', 'float64']) {
      const xd = xv.astype(DT[dt]);
      close(mx.fast.rope(xd, 6, { traditional: true, base: 10000, scale: 1, offset: 1 }),
        ropeRef(vals(xd), xv.shape, 6, { traditional: true, base: 10000, scale: 1, offsets: [1] }), dt);
    }
  }
  for (const s of [[0, 2, 4], [2, 0, 3, 4], [2, 3, 0, 4]]) {
    assertArray(mx.fast.rope(mx.zeros(s), 4, { traditional: false, base: 10, scale: 1, offset: 0 }),
      { dtype: mx.float32, shape: s, values: [] });
  }
  const one = rand([1, 1, 1, 2], 'float32', 323);
  close(mx.fast.rope(one, 2, { traditional: false, base: 10, scale: 1, offset: 3 }),
    ropeRef(vals(one), [1, 1, 1, 2], 2, { traditional: false, base: 10, scale: 1, offsets: [3] }), 'float32');
});

test('rope: keyword arguments and streams', () => {
  const x = rand([1, 2, 3, 4], 'float32', 330);
  const ref = ropeRef(vals(x), [1, 2, 3, 4], 4, { traditional: false, base: 100, scale: 1, offsets: [1] });
  const s = mx.new_stream(mx.cpu);
  close(mx.fast.rope({ a: x, dims: 4, traditional: false, base: 100, scale: 1, offset: 1 }), ref, 'float32');
  close(mx.fast.rope(x, 4, { traditional: false, base: 100, scale: 1, offset: 1, stream: mx.cpu }), ref, 'float32');
  close(mx.fast.rope(x, 4, { traditional: false, base: 100, scale: 1, offset: 1, freqs: null, stream: s }), ref, 'float32');
});

test('rope: errors name the function', () => {
  const x = mx.ones([2, 3, 8]);
  const o = { traditional: false, base: 10000, scale: 1, offset: 0 };
  const E = (fn, re) => throwsWith(fn, Error, re);
  E(() => mx.fast.rope(mx.ones([3, 8]), 8, o), exact('[fast.rope] Input must have at least 3 dimensions but got input with 2 dimensions.'));
  E(() => mx.fast.rope(mx.ones([2, 3, 8], mx.int32), 8, o), exact('[fast.rope] Input must be a floating type but got int32.'));
  E(() => mx.fast.rope(x, 8, { ...o, offset: mx.zeros([1, 1], mx.int32) }),
    exact('[fast.rope] offset must have at most one dimension but has shape (1,1).'));
  E(() => mx.fast.rope(x, 8, { ...o, offset: mx.array([1, 2, 3]) }),
    exact('[fast.rope] offset must be a scalar or vector with 2 elements but has shape (3).'));
  E(() => mx.fast.rope(x, 8, { ...o, offset: mx.array(1.5) }), exact('[fast.rope] offset must be an integer but got type float32.'));
  E(() => mx.fast.rope(x, 8, { ...o, offset: mx.array(true) }), exact('[fast.rope] offset must be an integer but got type bool.'));
  E(() => mx.fast.rope(x, 0, o), exact('[fast.rope] dims must be positive but got 0.'));
  E(() => mx.fast.rope(x, -2, o), exact('[fast.rope] dims must be positive but got -2.'));
  E(() => mx.fast.rope(x, 3, o), exact('[fast.rope] dims must be even but got 3.'));
  E(() => mx.fast.rope(x, 10, o), exact("[fast.rope] dims must not exceed the input's last dimension (8) but got 10."));
  E(() => mx.fast.rope(x, 8, { ...o, base: null, freqs: mx.ones([3]) }),
    exact('[fast.rope] freqs must be one dimensional with size 4 but got shape (3).'));
  E(() => mx.fast.rope(x, 8, { ...o, base: null, freqs: mx.ones([4, 1]) }),
    exact('[fast.rope] freqs must be one dimensional with size 4 but got shape (4,1).'));
  E(() => mx.fast.rope(x, 8, { ...o, freqs: mx.ones([4]) }), exact('[fast.rope] Only one of base or freqs can have a value.'));
  E(() => mx.fast.rope(x, 8, { ...o, base: null }), exact('[fast.rope] Neither base nor freqs has a value.'));
  throwsWith(() => mx.fast.rope(x, 8, { base: 1, scale: 1, offset: 0 }), TypeError,
    exact("[fast.rope] missing required keyword argument 'traditional'"));
  throwsWith(() => mx.fast.rope(x, 8, { traditional: false, base: 1, scale: 1 }), TypeError,
    exact("[fast.rope] missing required keyword argument 'offset'"));
  throwsWith(() => mx.fast.rope(x, 8, false, o), TypeError, exact('[fast.rope] takes 2 positional arguments (3 given)'));
  throwsWith(() => mx.fast.rope(x, 8.5, o), TypeError, prefix("[fast.rope] argument 'dims' must be an integer"));
  E(() => mx.fast.rope(x, 8, { ...o, offset: 1.5 }), exact('[fast.rope] offset must be an integer but got type float32.'));
  throwsWith(() => mx.fast.rope(x, 8, { ...o, offset: 'a' }), TypeError, prefix("[fast.rope] argument 'offset'"));
  throwsWith(() => mx.fast.rope(x, 8, { ...o, traditional: 1 }), TypeError, prefix("[fast.rope] argument 'traditional'"));
  throwsWith(() => mx.fast.rope(x, 2 ** 40, o), RangeError, prefix('[fast.rope]'));
});

// ---- scaled_dot_product_attention --------------------------------------------------------------

const sdpa = mx.fast.scaled_dot_product_attention;

// Runs sdpa and the reference on random inputs; maskSpec: null, 'causal', or
// {shape, bool, dtype}; returns nothing (asserts).
function checkSdpa({ B, Nq, Nkv, Tq, Tk, D, Dv = D, dt = 'float32', mask = null, sinks = false,
  scale = 1 / Math.sqrt(D), seed = 1, amp = 2, views = null }) {
  let q = rand([B, Nq, Tq, D], dt, seed, amp), k = rand([B, Nkv, Tk, D], dt, seed + 1, amp);
  let v = rand([B, Nkv, Tk, Dv], dt, seed + 2);
  if (views) [q, k, v] = views(q, k, v);
  let m = null, mref = null;
  if (mask === 'causal') {
    m = mref = 'causal';
  } else if (mask) {
    const n = prod(mask.shape);
    if (mask.bool) {
      const bits = randv(n, seed + 3).map((x) => x > -0.4);
      m = mx.array(bits).reshape(mask.shape);
      mref = { shape: mask.shape, values: bits, bool: true };
    } else {
      m = rand(mask.shape, mask.dtype || dt, seed + 3, 3);
      mref = { shape: mask.shape, values: vals(m), bool: false };
    }
  }
  const sk = sinks ? rand([Nq], dt, seed + 4, 2) : null;
  const out = sdpa(q, k, v, { scale, mask: m, sinks: sk });
  assert.equal(out.dtype, DT[dt]);
  assert.deepEqual(out.shape, [B, Nq, Tq, Dv]);
  const exp = sdpaRef(vals(q), q.shape, vals(k), k.shape, vals(v), v.shape, scale, mref, sk && vals(sk), LOWEST[dt]);
  close(out, exp, dt, `sdpa ${JSON.stringify({ B, Nq, Nkv, Tq, Tk, D, Dv, dt, mask, sinks })}`);
}

test('sdpa: no mask, causal, grouped-query heads, Tq != Tk, D != Dv for every float dtype', () => {
  let seed = 400;
  const shapes = [
    { B: 1, Nq: 1, Nkv: 1, Tq: 1, Tk: 1, D: 4 },
    { B: 2, Nq: 4, Nkv: 4, Tq: 5, Tk: 7, D: 8 },
    { B: 2, Nq: 6, Nkv: 2, Tq: 3, Tk: 9, D: 16, Dv: 5 },
    { B: 1, Nq: 6, Nkv: 3, Tq: 1, Tk: 33, D: 8 },
    { B: 1, Nq: 4, Nkv: 1, Tq: 7, Tk: 7, D: 4, Dv: 12 },
    { B: 3, Nq: 2, Nkv: 2, Tq: 9, Tk: 4, D: 6 },
  ];
  for (const dt of FLOATS) {
    for (const s of shapes) {
      for (const mask of [null, 'causal']) checkSdpa({ ...s, dt, mask, seed: seed++ });
    }
  }
});

test('sdpa: boolean and additive masks of every broadcast rank (GQA too)', () => {
  let seed = 500;
  const base = { B: 2, Nq: 4, Nkv: 2, Tq: 3, Tk: 5, D: 8 };
  const shapes = [[3, 5], [1, 5], [5], [], [1, 1], [4, 3, 5], [2, 4, 3, 5], [2, 1, 3, 5], [2, 1, 1, 5], [1, 4, 1, 1]];
  for (const shape of shapes) {
    for (const bool of [true, false]) {
      for (const dt of ['float32', 'float16']) checkSdpa({ ...base, dt, mask: { shape, bool }, seed: seed++ });
    }
  }
  checkSdpa({ ...base, dt: 'float64', mask: { shape: [2, 4, 3, 5], bool: false }, seed: seed++ });
  checkSdpa({ ...base, dt: 'bfloat16', mask: { shape: [3, 5], bool: true }, seed: seed++ });
  // An additive mask of a narrower float dtype, and an integer one, promote to the result.
  checkSdpa({ ...base, dt: 'float32', mask: { shape: [3, 5], bool: false, dtype: 'float16' }, seed: seed++ });
  const q = rand([1, 1, 2, 4], 'float32', 1), k = rand([1, 1, 3, 4], 'float32', 2), v = rand([1, 1, 3, 4], 'float32', 3);
  const mi = mx.array([[0, -1, 2], [1, 0, 0]]);
  close(sdpa(q, k, v, { scale: 0.5, mask: mi }),
    sdpaRef(vals(q), q.shape, vals(k), k.shape, vals(v), v.shape, 0.5, { shape: [2, 3], values: [0, -1, 2, 1, 0, 0], bool: false }, null, 0), 'float32');
});

test('sdpa: fully hidden rows (MLX: uniform over keys for boolean / causal, NaN for -inf additive)', () => {
  const q = rand([1, 2, 3, 4], 'float32', 1), k = rand([1, 2, 4, 4], 'float32', 2), v = rand([1, 2, 4, 3], 'float32', 3);
  const bits = [true, false, true, false, false, false, false, false, true, true, true, true];
  const mb = mx.array(bits).reshape([3, 4]);
  const out = sdpa(q, k, v, { scale: 1, mask: mb });
  const exp = sdpaRef(vals(q), q.shape, vals(k), k.shape, vals(v), v.shape, 1, { shape: [3, 4], values: bits, bool: true },
    null, LOWEST.float32);
  close(out, exp, 'float32');
  // Row 1 is the plain mean of v.
  const vv = vals(v);
  for (let d = 0; d < 3; d++) {
    const mean = (vv[d] + vv[3 + d] + vv[6 + d] + vv[9 + d]) / 4;
    assert.ok(Math.abs(vals(out)[3 + d] - mean) < 1e-6);
  }
  const madd = mx.array([[0, 0, 0, 0], [-Infinity, -Infinity, -Infinity, -Infinity], [0, -Infinity, 0, 1]]);
  const o2 = vals(sdpa(q, k, v, { scale: 1, mask: madd }));
  for (let d = 0; d < 3; d++) assert.ok(Number.isNaN(o2[3 + d]), 'a row of -inf gives NaN');
  assert.ok(o2.slice(0, 3).every(Number.isFinite));
  // Causal with more queries than keys: the first Tq - Tk rows see no key.
  checkSdpa({ B: 1, Nq: 2, Nkv: 1, Tq: 6, Tk: 2, D: 4, mask: 'causal', seed: 31 });
  checkSdpa({ B: 1, Nq: 2, Nkv: 2, Tq: 5, Tk: 3, D: 4, mask: 'causal', sinks: true, seed: 32 });
  checkSdpa({ B: 1, Nq: 2, Nkv: 2, Tq: 5, Tk: 3, D: 4, mask: 'causal', dt: 'float16', seed: 33 });
  checkSdpa({ B: 1, Nq: 2, Nkv: 2, Tq: 3, Tk: 4, D: 4, mask: { shape: [3, 4], bool: true }, sinks: true, seed: 34 });
});

test('sdpa: sinks with and without masks, GQA', () => {
  let seed = 600;
  for (const dt of FLOATS) {
    for (const mask of [null, 'causal', { shape: [2, 1, 4, 6], bool: false }, { shape: [4, 6], bool: true }]) {
      checkSdpa({ B: 2, Nq: 4, Nkv: 2, Tq: 4, Tk: 6, D: 8, dt, mask, sinks: true, seed: seed++ });
    }
  }
});

test('sdpa: strided and transposed inputs, broadcast keys, size-0 dims', () => {
  // (B, T, H, D) layouts seen as (B, H, T, D), as models build them; reversed features; a
  // key/value sequence broadcast from one position.
  const views = [
    (q, k, v) => [mx.swapaxes(q.reshape([q.shape[0], q.shape[2], q.shape[1], q.shape[3]]), 1, 2),
      mx.swapaxes(k.reshape([k.shape[0], k.shape[2], k.shape[1], k.shape[3]]), 1, 2),
      mx.swapaxes(v.reshape([v.shape[0], v.shape[2], v.shape[1], v.shape[3]]), 1, 2)],
    (q, k, v) => [q.get('...', '::-1'), k.get('...', '::-1'), v.get('...', '::-1')],
    (q, k, v) => [q, mx.broadcast_to(k.get(':', ':', '0:1'), k.shape), mx.broadcast_to(v.get(':', ':', '-1:'), v.shape)],
    (q, k, v) => [mx.broadcast_to(q.get('0:1'), q.shape), k, v],
  ];
  let seed = 700;
  for (const view of views) {
    for (const dt of ['float32', 'float16', 'float64']) {
      for (const mask of [null, 'causal']) {
        checkSdpa({ B: 2, Nq: 4, Nkv: 2, Tq: 3, Tk: 5, D: 6, dt, mask, seed: seed++, views: view });
        checkSdpa({ B: 2, Nq: 3, Nkv: 3, Tq: 1, Tk: 4, D: 6, dt, mask, seed: seed++, views: view });
      }
    }
  }
  // Size-0 dims: no queries, no heads, no keys (zeros, as MLX's matmul gives), no features.
  const z = (s) => mx.zeros(s);
  assertArray(sdpa(z([0, 2, 3, 4]), z([0, 2, 5, 4]), z([0, 2, 5, 4]), { scale: 1 }), { shape: [0, 2, 3, 4], values: [] });
  assertArray(sdpa(z([1, 2, 0, 4]), z([1, 2, 5, 4]), z([1, 2, 5, 4]), { scale: 1, mask: 'causal' }), { shape: [1, 2, 0, 4], values: [] });
  assertArray(sdpa(z([1, 0, 3, 4]), z([1, 0, 5, 4]), z([1, 0, 5, 4]), { scale: 1 }), { shape: [1, 0, 3, 4], values: [] });
  assertArray(sdpa(z([1, 2, 3, 4]), z([1, 2, 5, 4]), z([1, 2, 5, 0]), { scale: 1 }), { shape: [1, 2, 3, 0], values: [] });
  for (const sk of [null, mx.ones([2])]) {
    assertArray(sdpa(mx.ones([1, 2, 3, 4]), z([1, 1, 0, 4]), z([1, 1, 0, 2]), { scale: 1, sinks: sk }),
      { dtype: mx.float32, shape: [1, 2, 3, 2], values: new Array(12).fill(0) });
  }
  // D = 0: every score is 0, so each output row is the mean of v.
  const v = rand([1, 1, 3, 2], 'float32', 5);
  const vv = vals(v);
  const mean = [0, 1].map((d) => (vv[d] + vv[2 + d] + vv[4 + d]) / 3);
  close(sdpa(z([1, 1, 2, 0]), z([1, 1, 3, 0]), v, { scale: 1 }), [...mean, ...mean], 'float32');
});

test('sdpa: larger problems (blocks of query rows, both threading paths) against the reference', () => {
  checkSdpa({ B: 1, Nq: 2, Nkv: 1, Tq: 300, Tk: 600, D: 32, mask: 'causal', seed: 801 });
  checkSdpa({ B: 1, Nq: 2, Nkv: 2, Tq: 260, Tk: 520, D: 64, seed: 802 });
  checkSdpa({ B: 2, Nq: 8, Nkv: 2, Tq: 1, Tk: 700, D: 32, dt: 'float16', seed: 803 });
  checkSdpa({ B: 1, Nq: 3, Nkv: 3, Tq: 200, Tk: 200, D: 16, mask: { shape: [200, 200], bool: true }, seed: 804 });
  checkSdpa({ B: 1, Nq: 4, Nkv: 2, Tq: 150, Tk: 150, D: 16, mask: 'causal', sinks: true, dt: 'bfloat16', seed: 805 });
  // Blocks of 64 rows through BLAS and a last block of 2 rows through the small-block loops.
  checkSdpa({ B: 1, Nq: 1, Nkv: 1, Tq: 130, Tk: 2048, D: 16, Dv: 20, mask: { shape: [130, 2048], bool: false }, seed: 806 });
});

test('sdpa: result dtype promotes q, k and v; keyword arguments, force_fused, streams', () => {
  const q = rand([1, 2, 3, 4], 'float16', 1), k = rand([1, 2, 5, 4], 'float32', 2), v = rand([1, 2, 5, 4], 'bfloat16', 3);
  const out = sdpa(q, k, v, { scale: 0.5 });
  assert.equal(out.dtype, mx.float32);
  close(out, sdpaRef(vals(q), q.shape, vals(k), k.shape, vals(v), v.shape, 0.5, null, null, 0), 'float32');
  const qh = rand([1, 2, 3, 4], 'float16', 4), vh = rand([1, 2, 3, 4], 'bfloat16', 5);
  assert.equal(sdpa(qh, qh, vh, { scale: 1 }).dtype, mx.float32);  // float16 with bfloat16
  const exp = vals(out);
  const s = mx.new_stream(mx.cpu);
  close(sdpa({ q, k, v, scale: 0.5 }), exp, 'float32');
  close(sdpa(q, k, v, { scale: 0.5, mask: null, sinks: null, force_fused: true, stream: mx.cpu }), exp, 'float32');
  close(sdpa(q, k, { v, scale: 0.5, force_fused: false, stream: s }), exp, 'float32');
  // Arrays given as JS values.
  const ql = [[[[1.5, 0], [0, 1]]]], kl = [[[[1, 0.5], [0, 1], [1, 1]]]], vl = [[[[1.5, 2], [3, 4], [5, 6]]]];
  close(sdpa(ql, kl, vl, { scale: 1, mask: [[true, false, true], [false, true, true]] }),
    sdpaRef([1.5, 0, 0, 1], [1, 1, 2, 2], [1, 0.5, 0, 1, 1, 1], [1, 1, 3, 2], [1.5, 2, 3, 4, 5, 6], [1, 1, 3, 2], 1,
      { shape: [2, 3], values: [true, false, true, false, true, true], bool: true }, null, LOWEST.float32), 'float32');
});

test('sdpa: errors name the function', () => {
  const fn = 'fast.scaled_dot_product_attention';
  const q = mx.ones([1, 4, 3, 8]), k = mx.ones([1, 2, 5, 8]), v = mx.ones([1, 2, 5, 8]);
  const E = (call, re, Cls = Error) => throwsWith(call, Cls, re);
  E(() => sdpa(mx.ones([4, 3, 8]), k, v, { scale: 1 }), exact(`[${fn}] input with shape (4,3,8) expected to be rank 4`));
  E(() => sdpa(q, mx.ones([1, 1, 2, 5, 8]), v, { scale: 1 }), exact(`[${fn}] input with shape (1,1,2,5,8) expected to be rank 4`));
  E(() => sdpa(q, k, v, { scale: 1, mask: 'upper' }), exact(`[${fn}] invalid mask option 'upper'. Must be 'causal', or an array.`));
  E(() => sdpa(q, k, v, { scale: 1, mask: 'array' }), exact(`[${fn}] invalid mask option 'array'. Must be 'causal', or an array.`));
  E(() => sdpa(q, k, v, { scale: 1, mask: mx.ones([1, 1, 1, 3, 5], mx.bool_) }),
    exact(`[${fn}] the mask with shape (1,1,1,3,5) expected to have at most rank 4.`));
  E(() => sdpa(q, mx.ones([2, 2, 5, 8]), v, { scale: 1 }), exact(`[${fn}] mismatching batch dimension for input with shape (2,2,5,8).`));
  E(() => sdpa(q, k, mx.ones([2, 2, 5, 8]), { scale: 1 }), exact(`[${fn}] mismatching batch dimension for input with shape (2,2,5,8).`));
  E(() => sdpa(q, mx.ones([1, 2, 5, 6]), v, { scale: 1 }),
    exact(`[${fn}] query, keys expected to have matching last dimension; found query shape (1,4,3,8) for keys shape (1,2,5,6).`));
  E(() => sdpa(q, k, mx.ones([1, 1, 5, 8]), { scale: 1 }),
    exact(`[${fn}] keys, values expected to have matching n_kv_heads; found keys with n_heads 2 for values with n_heads 1.`));
  E(() => sdpa(q, mx.ones([1, 3, 5, 8]), mx.ones([1, 3, 5, 8]), { scale: 1 }),
    exact(`[${fn}] n_heads must be a multiple of n_kv_heads, found n_heads 4 for n_kv_heads 3.`));
  E(() => sdpa(q, mx.ones([1, 0, 5, 8]), mx.ones([1, 0, 5, 8]), { scale: 1 }),
    exact(`[${fn}] n_heads must be a multiple of n_kv_heads, found n_heads 4 for n_kv_heads 0.`));
  E(() => sdpa(q.astype(mx.int32), k.astype(mx.int32), v.astype(mx.int32), { scale: 1 }), exact(`[${fn}] Received unsupported type int32.`));
  E(() => sdpa(q, k, mx.ones([1, 2, 4, 8]), { scale: 1 }),
    exact(`[${fn}] keys, values expected to have matching sequence length; found keys shape (1,2,5,8) for values shape (1,2,4,8).`));
  E(() => sdpa(q.astype(mx.float16), k.astype(mx.float16), v.astype(mx.float16), { scale: 1, mask: mx.zeros([3, 5]) }),
    exact(`[${fn}] Mask type must promote to output type float16.`));
  E(() => sdpa(q, k, v, { scale: 1, mask: mx.zeros([3, 4]) }), exact(`[${fn}] mask with shape (3,4) cannot be broadcast to (1,4,3,5).`));
  E(() => sdpa(q, k, v, { scale: 1, mask: mx.zeros([2, 1, 3, 5]) }), exact(`[${fn}] mask with shape (2,1,3,5) cannot be broadcast to (1,4,3,5).`));
  E(() => sdpa(q.astype(mx.float16), k.astype(mx.float16), v.astype(mx.float16), { scale: 1, sinks: mx.zeros([4]) }),
    exact(`[${fn}] Type of sinks must promote to output type float16.`));
  E(() => sdpa(q, k, v, { scale: 1, sinks: mx.zeros([2]) }), exact(`[${fn}] Received invalid shape for sinks (2).`));
  E(() => sdpa(q, k, v, { scale: 1, sinks: mx.zeros([4, 1]) }), exact(`[${fn}] Received invalid shape for sinks (4,1).`));
  E(() => sdpa(q, k, v), exact(`[${fn}] missing required keyword argument 'scale'`), TypeError);
  E(() => sdpa(q, k, v, 1), exact(`[${fn}] takes 3 positional arguments (4 given)`), TypeError);
  E(() => sdpa(q, k, v, { scale: 1, force_fused: 1 }), prefix(`[${fn}] argument 'force_fused'`), TypeError);
  E(() => sdpa(q, k, v, { scale: 1, causal: true }), exact(`[${fn}] unknown keyword argument 'causal'`), TypeError);
  E(() => sdpa(q, k, v, { scale: 'x' }), prefix(`[${fn}] argument 'scale'`), TypeError);
});

// ---- custom kernels ----------------------------------------------------------------------------

test('metal_kernel / cuda_kernel / precompiled_cuda_kernel: not available on this backend', () => {
  throwsWith(() => mx.fast.metal_kernel('k', ['a'], ['out'], 'out[0] = a[0];'), Error,
    exact('[fast.metal_kernel] Custom Metal kernels are not available on this backend (mlxjs has no Metal back-end).'));
  throwsWith(() => mx.fast.metal_kernel({ name: 'k', input_names: ['a'], output_names: ['o'], source: '', atomic_outputs: true }),
    Error, prefix('[fast.metal_kernel] Custom Metal kernels are not available'));
  throwsWith(() => mx.fast.cuda_kernel('k', ['a'], ['out'], 'out[0] = a[0];', '', true, 0), Error,
    exact('[fast.cuda_kernel] Custom CUDA kernels are not available on this backend (mlxjs has no CUDA back-end).'));
  throwsWith(() => mx.fast.precompiled_cuda_kernel({ name: 'k', compiled_source: new Uint8Array(1), inputs: [], output_shapes: [[1]],
    output_dtypes: [mx.float32], scalars: [], grid: [1, 1, 1], threadgroup: [1, 1, 1] }), Error,
  prefix('[fast.precompiled_cuda_kernel] Custom CUDA kernels are not available'));
  // Their arguments are checked first.
  throwsWith(() => mx.fast.metal_kernel('k', ['a']), TypeError, exact("[fast.metal_kernel] missing required argument 'output_names'"));
  throwsWith(() => mx.fast.cuda_kernel('k', 'a', ['o'], ''), TypeError, prefix("[fast.cuda_kernel] argument 'input_names'"));
  throwsWith(() => mx.fast.metal_kernel('k', ['a'], ['o'], '', { verbose: true }), TypeError,
    exact("[fast.metal_kernel] unknown keyword argument 'verbose'"));
});
