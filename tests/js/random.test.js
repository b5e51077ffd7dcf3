'use strict';
// mx.random against oracles that do not come from mlxjs: MLX's own known answers (its C++
// tests, tests/random_tests.cpp, whose bits come from JAX's threefry2x32), values computed by
// MLX's C++ CPU backend (through @frost-beta/mlx 0.0.7 on x86-64 Linux: its uniform, normal,
// gumbel, bernoulli and categorical were already computed as in 0.32 for float32), and a
// second threefry2x32 written here in plain JS with MLX's word layout, plus reference
// arithmetic for every distribution (exact where JS can reproduce each float32 rounding, fma
// included; within an ulp or two where a libm log enters). Distributions are also checked
// statistically.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const mx = require('../../lib').core;
const native = require('../../lib/native');
const { roundBf16, throwsWith } = require('./helpers/check');

const f32 = Math.fround;

// ---- a second threefry2x32 (20 rounds, MLX's key schedule) --------------------------------------

function threefry(k0, k1, c0, c1) {
  const R = [[13, 15, 26, 6], [17, 29, 16, 24]];
  const ks = [k0 >>> 0, k1 >>> 0, (k0 ^ k1 ^ 0x1BD11BDA) >>> 0];
  let x = (c0 + ks[0]) >>> 0;
  let y = (c1 + ks[1]) >>> 0;
  for (let i = 0; i < 5; i++) {
    for (const r of R[i % 2]) {
      x = (x + y) >>> 0;
      y = ((y << r) | (y >>> (32 - r))) >>> 0;
      y = (y ^ x) >>> 0;
    }
    x = (x + ks[(i + 1) % 3]) >>> 0;
    y = (y + ks[(i + 2) % 3] + i + 1) >>> 0;
  }
  return [x, y];
}

// MLX's RandomBits layout of W words under one key: word i < W/2 is the first output of
// counter (i, i + H), word i + H its second (H = ceil(W/2)), an odd middle word the first
// output of (W/2, 0).
function refWords(key, W) {
  const out = new Uint32Array(W);
  const half = Math.floor(W / 2);
  const H = half + (W % 2);
  for (let i = 0; i < half; i++) {
    const [x, y] = threefry(key[0], key[1], i, i + H);
    out[i] = x;
    out[i + H] = y;
  }
  if (W % 2) out[half] = threefry(key[0], key[1], half, 0)[0];
  return out;
}
const keyPair = (seed) => [Number(BigInt(seed) >> 32n), Number(BigInt(seed) & 0xffffffffn)];
const keyArray = (pair) => mx.array(Uint32Array.from(pair));

// ---- reference float32 arithmetic ------------------------------------------------------------

// fma rounded once to float32: the product of two floats is exact in double; the sum is
// exact as s + e (TwoSum), and s rounds to the same float as s + e unless s sits on a float
// midpoint, where e breaks the tie.
function fmaf(a, b, c) {
  const p = a * b;
  const s = p + c;
  const bb = s - p;
  const e = (p - (s - bb)) + (c - bb);
  const r = f32(s);
  if (e !== 0 && r !== s) {
    const n = 2 * s - r;
    if (f32(n) === n) return (e > 0) === (s > r) ? n : r;
  }
  return r;
}

// Round-to-nearest-even to binary16 of a float32 value.
function roundF16(x) {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  if (a >= 65520) return Math.sign(x) * Infinity;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  const q = 2 ** (Math.max(e, -14) - 10);
  const v = a / q;
  const fl = Math.floor(v);
  const d = v - fl;
  const r = d > 0.5 || (d === 0.5 && fl % 2 === 1) ? fl + 1 : fl;
  return Math.sign(x) * r * q;
}
const ROUND = { float32: f32, float16: roundF16, bfloat16: roundBf16 };
const BELOW_ONE = { float32: f32(1 - 2 ** -24), float16: 1 - 2 ** -11, bfloat16: 1 - 2 ** -8 };
const NORMAL_LO = -f32(1 - 2 ** -24);  // nextafter(-1, 0)

// MLX's uniform: min(float(w) / 2^32, below one) (float32), rounded to the dtype.
const u01 = (w, dt = 'float32') => ROUND[dt](Math.min(f32(w) * 2 ** -32, BELOW_ONE[dt]));

// MLX's erfinv (mlx/backend/cpu/simd/math.h) with float32 fma; Math.log stands in for logf.
function erfinvMlx(a) {
  let t = fmaf(a, -a, 1);
  t = f32(Math.log(t));
  const lhs = [3.03697567e-10, 2.93243101e-8, 1.22150334e-6, 2.84108955e-5, 3.93552968e-4,
    3.02698812e-3, 4.83185798e-3, -2.64646143e-1, 8.40016484e-1];
  const rhs = [5.43877832e-9, 1.43285448e-7, 1.22774793e-6, 1.12963626e-7, -5.61530760e-5,
    -1.47697632e-4, 2.31468678e-3, 1.15392581e-2, -2.32015476e-1, 8.86226892e-1];
  const c = Math.abs(t) > 6.125 ? lhs : rhs;
  let p = f32(c[0]);
  for (let i = 1; i < c.length; i++) p = fmaf(p, t, f32(c[i]));
  return f32(a * p);
}

// MLX's exp and erf (same file), exactly in float32.
function expMlx(xi) {
  const x = f32(xi * f32(1.442695));
  const ip = f32(Math.floor(x + 0.5));
  const fp = f32(x - ip);
  let p = f32(1.535336188319500e-4);
  for (const c of [1.339887440266574e-3, 9.618437357674640e-3, 5.550332471162809e-2,
    2.402264791363012e-1, 6.931472028550421e-1, 1]) p = fmaf(p, fp, f32(c));
  if (Number.isNaN(xi)) return xi;
  if (xi > 88) return Infinity;
  if (xi < -88) return 0;
  return f32((ip >= -126 ? 2 ** ip : 0) * p);
}
function erfMlx(v, round = f32) {
  const t = f32(1 / fmaf(f32(0.3275911), Math.abs(v), 1));
  let r = fmaf(f32(1.061405429), t, f32(-1.453152027));
  for (const c of [1.421413741, -0.284496736, 0.254829592]) r = fmaf(r, t, f32(c));
  const e = -expMlx(f32(-v * v));
  const res = round(fmaf(f32(e * t), r, 1));
  return v > 0 ? res : -res;
}

const ulpF32 = (x) => (x === 0 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(Math.abs(x))) - 23));

function assertExact(got, exp, msg) {
  assert.equal(got.length, exp.length, `length (${msg})`);
  for (let i = 0; i < exp.length; i++) {
    if (!Object.is(got[i], exp[i]) && !(Number.isNaN(got[i]) && Number.isNaN(exp[i]))) {
      assert.fail(`element ${i}: got ${got[i]}, expected ${exp[i]} (${msg})`);
    }
  }
}
function assertUlps(got, exp, ulps, msg) {
  assert.equal(got.length, exp.length, `length (${msg})`);
  for (let i = 0; i < exp.length; i++) {
    const tol = ulps * ulpF32(exp[i]);
    if (!(Math.abs(got[i] - exp[i]) <= tol)) assert.fail(`element ${i}: got ${got[i]}, expected ${exp[i]} +- ${tol} (${msg})`);
  }
}
const flatList = (a) => a.tolist().flat(Infinity);
const values = (a) => Array.from(a.toTypedArray(), Number);
function meanVar(v) {
  let m = 0;
  for (const x of v) m += x;
  m /= v.length;
  let s = 0;
  for (const x of v) s += (x - m) * (x - m);
  return [m, s / v.length];
}

// ---- keys, split, bits -------------------------------------------------------------------------

test('key: MLX known answers and the full seed range', () => {
  // tests/random_tests.cpp "test random key"
  assert.deepEqual(mx.random.key(0).tolist(), [0, 0]);
  assert.deepEqual(mx.random.key(1).tolist(), [0, 1]);
  assert.deepEqual(mx.random.key(2 ** 32).tolist(), [1, 0]);
  assert.deepEqual(mx.random.key(2 ** 32 + 1).tolist(), [1, 1]);
  assert.deepEqual(mx.random.key(2n ** 64n - 1n).tolist(), [4294967295, 4294967295]);
  assert.deepEqual(mx.random.key({ seed: 0x123456789abcn }).tolist(), [0x1234, 0x56789abc]);
  const k = mx.random.key(3);
  assert.equal(k.dtype, mx.uint32);
  assert.deepEqual(k.shape, [2]);
});

test('split: MLX known answers, num, the JS reference', () => {
  // tests/random_tests.cpp "test random split"
  assert.deepEqual(mx.random.split(mx.random.key(0)).tolist(), [[4146024105, 967050713], [2718843009, 1272950319]]);
  assert.deepEqual(mx.random.split(mx.random.key(0), 3).tolist(),
    [[2467461003, 428148500], [3186719485, 3840466878], [2562233961, 1946702221]]);
  // MLX's C++ CPU backend (@frost-beta/mlx): split(key(123), 4)
  assert.deepEqual(mx.random.split(mx.random.key(123), { num: 4 }).tolist(),
    [[2534249762, 1927110965], [1508873827, 282666706], [2819519175, 182428005], [1909912142, 559110001]]);
  for (const seed of [0, 1, 99, 2 ** 40 + 17]) {
    for (const num of [0, 1, 2, 3, 7, 64, 1001]) {
      const s = mx.random.split(mx.random.key(seed), num);
      assert.deepEqual(s.shape, [num, 2]);
      assert.equal(s.dtype, mx.uint32);
      assertExact(values(s), Array.from(refWords(keyPair(seed), 2 * num)), `split seed ${seed} num ${num}`);
    }
  }
  assert.deepEqual(mx.random.split(mx.random.key(5), 2, { stream: mx.cpu }).tolist(), mx.random.split(mx.random.key(5)).tolist());
});

test('bits: MLX known answers for every width, the JS reference over many keys and sizes', () => {
  const bits = (shape, width, key) => native.random_bits(shape, width, key, 0);
  const k0 = mx.random.key(0);
  const k1 = mx.random.key(1);
  // tests/random_tests.cpp "test random bits"
  assert.equal(bits([], 4, k0).item(), 1797259609);
  assert.equal(bits([], 2, k0).item(), 345);
  assert.equal(bits([], 1, k0).item(), 89);
  assert.equal(bits([], 4, k1).item(), 507451445);
  assert.equal(bits([], 2, k1).item(), 6197);
  assert.equal(bits([], 1, k1).item(), 53);
  assert.deepEqual(bits([3, 1], 4, k0).tolist(), [[4146024105], [1351547692], [2718843009]]);
  assert.deepEqual(bits([5], 2, k0).tolist(), [20137, 63263, 64300, 20622, 16513]);
  assert.deepEqual(bits([6], 2, k0).tolist(), [20137, 63263, 64300, 20622, 16513, 41486]);
  assert.deepEqual(bits([7], 2, k0).tolist(), [20137, 63263, 1497, 14756, 16513, 41486, 44591]);
  assert.deepEqual(bits([8], 2, k0).tolist(), [20137, 63263, 1497, 14756, 16513, 41486, 44591, 19423]);
  // Sizes around the kernel's 16-lane vectors, 512-counter blocks and per-core chunks.
  const sizes = [1, 2, 3, 15, 16, 17, 32, 33, 1023, 1024, 1025, 32769, 65537];
  for (let s = 0; s < 24; s++) {
    const seed = s * 2654435761 + s;
    const key = keyPair(seed);
    for (const n of sizes) {
      if (n > 2000 && s % 6) continue;
      assertExact(values(bits([n], 4, keyArray(key))), Array.from(refWords(key, n)), `seed ${seed} n ${n}`);
    }
    for (const n of [1, 3, 4, 5, 9, 31]) {
      const w8 = refWords(key, Math.ceil(n / 4));
      assertExact(values(bits([n], 1, keyArray(key))), Array.from(new Uint8Array(w8.buffer, 0, n)), `uint8 seed ${seed} n ${n}`);
      const w16 = refWords(key, Math.ceil(n / 2));
      assertExact(values(bits([n], 2, keyArray(key))), Array.from(new Uint16Array(w16.buffer, 0, n)), `uint16 seed ${seed} n ${n}`);
    }
  }
  // A key with a stride (a column of the transposed split output) and a row view.
  const ks = mx.random.split(mx.random.key(77), 3);
  const pairs = flatList(ks);
  const strided = ks.T.get(':', 2);
  assert.deepEqual(strided.shape, [2]);
  assertExact(values(mx.random.split(strided, 5)), Array.from(refWords([pairs[4], pairs[5]], 10)), 'strided key');
  assertExact(values(mx.random.split(ks.get(1), 5)), Array.from(refWords([pairs[2], pairs[3]], 10)), 'row key');
});

// ---- uniform ----------------------------------------------------------------------------------

test('uniform: MLX known answers, float32 / float16 / bfloat16 bit for bit, scalar and array bounds', () => {
  // tests/random_tests.cpp "test random uniform": float(n) / UINT32_MAX
  const toFloat = (n) => f32(f32(n) / f32(4294967295));
  assert.equal(mx.random.uniform({ key: mx.random.key(0) }).item(), toFloat(1797259609));
  assert.equal(mx.random.uniform({ key: mx.random.key(1) }).item(), toFloat(507451445));
  assert.deepEqual(mx.random.uniform(0, 1, [3, 1], { key: mx.random.key(0) }).tolist(),
    [[toFloat(4146024105)], [toFloat(1351547692)], [toFloat(2718843009)]]);
  // MLX's C++ CPU backend (@frost-beta/mlx): uniform(-2.5, 7.25, [5], key(11))
  assertExact(flatList(mx.random.uniform(-2.5, 7.25, [5], mx.float32, mx.random.key(11))),
    [4.9147443771362305, 5.6603803634643555, -0.0453336238861084, 3.402276039123535, -0.8713093996047974], 'frost-beta');
  // (hi - lo) * u + lo with each op rounded in the dtype.
  for (const dt of ['float32', 'float16', 'bfloat16']) {
    const R = ROUND[dt];
    for (const [lo, hi] of [[0, 1], [-2.5, 7.25], [3, -1], [1e-3, 1e-3], [-100, 1e4]]) {
      for (const n of [1, 17, 1000]) {
        const key = keyPair(n * 31 + Math.round(lo * 4));
        const a = mx.random.uniform(lo, hi, [n], mx[dt], keyArray(key));
        assert.equal(a.dtype, mx[dt]);
        const w = refWords(key, n);
        const L = R(f32(lo)), H = R(f32(hi)), range = R(H - L);
        assertExact(values(a), Array.from(w, (x) => R(R(range * u01(x, dt)) + L)), `${dt} [${lo}, ${hi}) n ${n}`);
      }
    }
  }
  // Array bounds broadcast against the shape: the same formula per element.
  const key = keyPair(21);
  const lo = mx.array([[-1], [0], [2]]);
  const hi = mx.array([[1, 2, 3, 4]], mx.float32);
  const a = mx.random.uniform(lo, hi, [3, 4], mx.float32, keyArray(key));
  const w = refWords(key, 12);
  const exp = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) {
    const L = [-1, 0, 2][i], H = j + 1;
    exp.push(f32(f32(f32(H - L) * u01(w[i * 4 + j])) + L));
  }
  assertExact(values(a), exp, 'array bounds');
  // In [low, high) over many draws; the defaults are low 0, high 1, shape [], float32.
  const big = values(mx.random.uniform(-1, 5, [100000], { key: mx.random.key(2) }));
  assert.ok(big.every((x) => x >= -1 && x < 5));
  const [m, v] = meanVar(big);
  assert.ok(Math.abs(m - 2) < 0.02 && Math.abs(v - 3) < 0.03, `mean ${m} var ${v}`);
  const d = mx.random.uniform({ key: mx.random.key(9) });
  assert.deepEqual(d.shape, []);
  assert.equal(d.dtype, mx.float32);
  assert.equal(mx.random.uniform({ dtype: null, key: mx.random.key(9) }).item(), d.item());
  for (const dt of ['float16', 'bfloat16']) {
    const h = values(mx.random.uniform(0, 1, [20000], mx[dt], mx.random.key(4)));
    assert.ok(h.every((x) => x >= 0 && x < 1), `${dt} below one`);
    assert.ok(Math.abs(meanVar(h)[0] - 0.5) < 0.01);
  }
});

// ---- normal -------------------------------------------------------------------------------------

test('normal: float32 bit for bit with MLX, other dtypes exactly as MLX rounds them', () => {
  // MLX's C++ CPU backend (@frost-beta/mlx): normal([9], key(42)) and normal([2, 3], loc 1.5, scale 0.25, key(3))
  assertExact(flatList(mx.random.normal([9], { key: mx.random.key(42) })),
    [0.3690044581890106, -0.4606751501560211, -0.8650932312011719, 1.2080886363983154, 0.596992015838623,
      -0.8708057403564453, -0.39849966764450073, -0.6670090556144714, 0.3368936777114868], 'frost-beta');
  assertExact(flatList(mx.random.normal([2, 3], mx.float32, 1.5, 0.25, mx.random.key(3))),
    [1.293354868888855, 1.4209381341934204, 1.471140742301941, 1.7130037546157837, 1.6013470888137817,
      1.7304322719573975], 'frost-beta loc/scale');
  for (const n of [1, 2, 33, 4097]) {
    const key = keyPair(1000 + n);
    const w = refWords(key, n);
    // erfinv of the float32 uniform on [nextafter(-1, 0), 1) (range 1 - lo rounds to 2).
    const s = Array.from(w, (x) => f32(f32(2 * u01(x)) + NORMAL_LO));
    const e = s.map(erfinvMlx);
    const r32 = values(mx.random.normal([n], mx.float32, { key: keyArray(key) }));
    assertUlps(r32, e.map((x) => f32(f32(Math.SQRT2) * x)), 2, `float32 n ${n}`);
    // float64: sqrt(2) (double) times the float32 erfinv, so the erfinv comes back exactly ...
    const r64 = values(mx.random.normal([n], mx.float64, { key: keyArray(key) }));
    const e32 = r64.map((x) => f32(x / Math.SQRT2));
    assertExact(r64, e32.map((x) => Math.SQRT2 * x), `float64 n ${n}`);
    // ... and pins every other dtype: sqrt(2) in the dtype times erfinv in the dtype.
    assertExact(r32, e32.map((x) => f32(f32(Math.SQRT2) * x)), `float32 from float64 n ${n}`);
    for (const dt of ['float16', 'bfloat16']) {
      const R = ROUND[dt];
      const got = values(mx.random.normal([n], mx[dt], { key: keyArray(key) }));
      assertExact(got, e32.map((x) => R(R(f32(Math.SQRT2)) * R(x))), `${dt} n ${n}`);
    }
    // complex64: the erfinv of 2n words as (re, im) pairs, no sqrt(2) (N(0, 1/2) parts).
    const c = mx.random.normal([n], mx.complex64, { key: keyArray(key) });
    assert.equal(c.dtype, mx.complex64);
    const e2 = values(mx.random.normal([2 * n], mx.float64, { key: keyArray(key) })).map((x) => f32(x / Math.SQRT2));
    assertExact(flatList(c).flatMap((z) => [z.re, z.im]), e2, `complex64 n ${n}`);
  }
  // loc and scale: loc + (sqrt2 * scale) * e, each op in the dtype; arrays broadcast.
  const key = mx.random.key(8);
  const base = values(mx.random.normal([6], mx.float64, { key })).map((x) => f32(x / Math.SQRT2));
  assertExact(values(mx.random.normal([6], mx.float32, -2, 3, key)),
    base.map((x) => f32(-2 + f32(f32(f32(Math.SQRT2) * 3) * x))), 'loc/scale float32');
  assertExact(values(mx.random.normal([6], mx.float16, { loc: 0.1, scale: 2, key })),
    base.map((x) => roundF16(roundF16(f32(0.1)) + roundF16(roundF16(roundF16(f32(Math.SQRT2)) * 2) * roundF16(x)))), 'loc/scale float16');
  const scale = mx.array([[1], [2], [0.5]]);
  const b = mx.random.normal([3, 2], { scale, loc: mx.array([10, 20]), key: mx.random.key(6) });
  const e6 = values(mx.random.normal([3, 2], mx.float64, { key: mx.random.key(6) })).map((x) => f32(x / Math.SQRT2));
  const exp = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) exp.push(f32([10, 20][j] + f32(f32(f32(Math.SQRT2) * [1, 2, 0.5][i]) * e6[i * 2 + j])));
  assertExact(values(b), exp, 'array loc/scale');
  assert.deepEqual(mx.random.normal([3, 4, 2], mx.float16, { loc: mx.zeros([3, 1, 2]), key }).shape, [3, 4, 2]);
  // A complex loc/scale as Python's: scale a float32 scalar, loc complex64.
  const cz = mx.random.normal([2], mx.complex64, { loc: { re: 3, im: 1 }, scale: 2, key });
  const cb = flatList(mx.random.normal([2], mx.complex64, { key }));
  assert.deepEqual(flatList(cz), cb.map((z) => ({ re: f32(3 + f32(2 * z.re)), im: f32(1 + f32(2 * z.im)) })));
  // Statistics.
  const big = values(mx.random.normal([1 << 20], { key: mx.random.key(12) }));
  const [m, v] = meanVar(big);
  assert.ok(Math.abs(m) < 0.005 && Math.abs(v - 1) < 0.005, `mean ${m} var ${v}`);
  assert.ok(big.every(Number.isFinite));
  const within1 = big.filter((x) => Math.abs(x) < 1).length / big.length;
  assert.ok(Math.abs(within1 - 0.682689) < 0.002, `P(|x| < 1) = ${within1}`);
  for (const dt of ['float16', 'bfloat16']) {
    assert.ok(values(mx.random.normal([10000], mx[dt], { key: mx.random.key(13) })).every(Number.isFinite), `${dt} finite`);
  }
});

// ---- randint ------------------------------------------------------------------------------------

test('randint: floor of a float32 uniform clamped to [low, high - 1] (MLX 0.32), every integer dtype', () => {
  const ref = (key, n, lo, hi) => {
    const L = f32(lo), range = f32(f32(hi) - L);
    return Array.from(refWords(key, n), (w) => Math.min(Math.max(Math.floor(f32(f32(range * u01(w)) + L)), lo), hi - 1 < lo ? lo : hi - 1));
  };
  for (const [lo, hi] of [[0, 10], [-5, 5], [3, 15], [-1000, -990], [10, -10], [7, 8], [0, 1 << 24]]) {
    const key = keyPair(lo * 7 + hi);
    const got = values(mx.random.randint(lo, hi, [777], { key: keyArray(key) }));
    const exp = ref(key, 777, lo, hi);
    assertExact(got, hi <= lo ? exp.map(() => lo) : exp, `[${lo}, ${hi})`);
  }
  // Every value of a small interval, low included, roughly equally often.
  const v = values(mx.random.randint(-5, 5, [100000], { key: mx.random.key(1) }));
  const counts = new Array(10).fill(0);
  for (const x of v) counts[x + 5]++;
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 500, `counts ${counts}`);
  for (const dt of ['bool_', 'uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64']) {
    const hi = dt === 'bool_' ? 2 : 100;
    const a = mx.random.randint(0, hi, [500], mx[dt], mx.random.key(3));
    assert.equal(a.dtype, mx[dt]);
    const got = flatList(a).map(Number);
    const exp = ref(keyPair(3), 500, 0, hi);
    assertExact(got, dt === 'bool_' ? exp.map((x) => (x ? 1 : 0)) : exp, dt);
  }
  // Array bounds broadcast (the same formula per element).
  const key = keyPair(44);
  const lo = mx.array([[0], [-20], [50]]);
  const hi = mx.array([10, 11, 12, 13]);
  const got = values(mx.random.randint(lo, hi, [3, 4], { key: keyArray(key) }));
  const w = refWords(key, 12);
  const exp = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) {
    const L = [0, -20, 50][i], H = 10 + j;
    const u = Math.floor(f32(f32(f32(H - L) * u01(w[i * 4 + j])) + L));
    exp.push(Math.max(Math.min(u, H - 1), L));
  }
  assertExact(got, exp, 'array bounds');
  assert.equal(mx.random.randint(0, 1, { key: mx.random.key(0) }).dtype, mx.int32);
  assert.equal(mx.random.randint(0, 1, { dtype: null, key: mx.random.key(0) }).dtype, mx.int32);
  assert.deepEqual(mx.random.randint(0n, 5n, [2, 0], { key: mx.random.key(0) }).shape, [2, 0]);
});

// ---- bernoulli -----------------------------------------------------------------------------------

test('bernoulli: bits < p * nextafter(2^32) for every floating p, scalar and array', () => {
  const upper = f32(2 ** 32 + 512);
  // MLX's C++ CPU backend (@frost-beta/mlx): bernoulli(0.3, [16], key(3))
  assert.deepEqual(flatList(mx.random.bernoulli(0.3, [16], mx.random.key(3))).map(Number),
    [0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0]);
  for (const p of [0.5, 0.3, 1e-3, 0.999, 1, 0, -2, 2]) {
    const key = keyPair(Math.round(p * 1000) + 5000);
    const got = flatList(mx.random.bernoulli(mx.array(p, mx.float32), [1000], keyArray(key)));
    const thr = f32(f32(p) * upper);
    assertExact(got, Array.from(refWords(key, 1000), (w) => f32(w) < thr), `p ${p}`);
  }
  for (const dt of ['float16', 'bfloat16', 'float64']) {
    const key = keyPair(77);
    const p = mx.array(0.3, mx[dt]);
    const pv = p.item();
    const thr = dt === 'float64' ? pv * upper : f32(pv * upper);
    assertExact(flatList(mx.random.bernoulli(p, [300], keyArray(key))),
      Array.from(refWords(key, 300), (w) => (dt === 'float64' ? w : f32(w)) < thr), `p ${dt}`);
  }
  // An array p broadcasts to shape; its shape is the default shape.
  const key = keyPair(91);
  const p = mx.array([0.1, 0.5, 0.9]);
  const got = flatList(mx.random.bernoulli(p, [2, 3], keyArray(key)));
  const w = refWords(key, 6);
  assertExact(got, Array.from(w, (x, i) => f32(x) < f32(f32([0.1, 0.5, 0.9][i % 3]) * upper)), 'array p');
  assert.deepEqual(mx.random.bernoulli(p, { key: keyArray(key) }).shape, [3]);
  const d = mx.random.bernoulli({ key: mx.random.key(0) });
  assert.equal(d.dtype, mx.bool_);
  assert.deepEqual(d.shape, []);
  assert.deepEqual(mx.random.bernoulli(mx.array([2.5, -2.5])).tolist(), [true, false]);
  const rate = flatList(mx.random.bernoulli(0.3, [200000], mx.random.key(4))).filter(Boolean).length / 200000;
  assert.ok(Math.abs(rate - 0.3) < 0.004, `rate ${rate}`);
  assert.equal(mx.random.bernoulli(mx.array([], mx.float32)).size, 0);
});

// ---- truncated_normal ------------------------------------------------------------------------------

test('truncated_normal: MLX erf/erfinv chain, bounds, dtypes, statistics', () => {
  for (const dt of ['float32', 'float16', 'bfloat16']) {
    const R = ROUND[dt];
    for (const [lo, hi] of [[-2, 2], [-1.5, 0.5], [0.5, 3], [-0.25, -0.125]]) {
      const key = keyPair(Math.round(lo * 100 + hi * 7));
      const n = 300;
      const got = values(mx.random.truncated_normal(lo, hi, [n], mx[dt], keyArray(key)));
      const L = R(f32(lo)), H = R(f32(hi));
      const sq = R(f32(Math.SQRT2));
      const a = erfMlx(R(L / sq), R), b = erfMlx(R(H / sq), R);
      const w = refWords(key, n);
      const exp = Array.from(w, (x) => {
        const u = R(R(R(b - a) * u01(x, dt)) + a);
        return Math.max(Math.min(H, R(sq * R(erfinvMlx(u)))), L);
      });
      for (let i = 0; i < n; i++) assert.ok(got[i] >= L && got[i] <= H, `${dt} in bounds`);
      if (dt === 'float32') assertUlps(got, exp, 4, `float32 [${lo}, ${hi}]`);
      else for (let i = 0; i < n; i++) assert.ok(Math.abs(got[i] - exp[i]) <= Math.abs(exp[i]) * (dt === 'float16' ? 2e-3 : 1.6e-2) + 1e-6, `${dt} ${got[i]} vs ${exp[i]}`);
    }
  }
  // Array bounds broadcast; shape defaults to their broadcast shape.
  const lower = mx.array([[-2.0, 0.0]]);
  const upper = mx.array([[0.0], [1.0], [2.0]]);
  const t = mx.random.truncated_normal(lower, upper, { key: mx.random.key(1) });
  assert.deepEqual(t.shape, [3, 2]);
  const tv = values(t);
  for (let i = 0; i < 6; i++) assert.ok(tv[i] >= [-2, 0][i % 2] && tv[i] <= [0, 1, 2][Math.floor(i / 2)]);
  assert.ok(values(mx.random.truncated_normal(2, -2, [10], { key: mx.random.key(0) })).every((x) => x === 2));
  assert.equal(mx.random.truncated_normal(mx.array([]), mx.array([])).size, 0);
  assert.equal(mx.random.truncated_normal(0, 1).dtype, mx.random.truncated_normal(0, 1, { dtype: null }).dtype);
  // Mean of N(0, 1) on [-1, 2]: (phi(-1) - phi(2)) / (Phi(2) - Phi(-1)).
  const phi = (x) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
  const mean = (phi(-1) - phi(2)) / (0.9772498680518208 - 0.15865525393145707);
  const big = values(mx.random.truncated_normal(-1, 2, [200000], { key: mx.random.key(5) }));
  assert.ok(big.every((x) => x >= -1 && x <= 2));
  assert.ok(Math.abs(meanVar(big)[0] - mean) < 0.005, `mean ${meanVar(big)[0]} vs ${mean}`);
});

// ---- gumbel, laplace ---------------------------------------------------------------------------------

test('gumbel: -log(-log(u)) bit for bit with MLX in float32, rounded per op in half types', () => {
  // MLX's C++ CPU backend (@frost-beta/mlx): gumbel([7], key(7))
  assertExact(values(mx.random.gumbel([7], { key: mx.random.key(7) })),
    [-1.4879366159439087, 0.030889837071299553, -0.08846480399370193, 0.7002733945846558, 1.1092846393585205,
      7.1874518394470215, 1.9618029594421387], 'frost-beta');
  for (const dt of ['float32', 'float16', 'bfloat16']) {
    const R = ROUND[dt];
    const key = keyPair(321);
    const got = values(mx.random.gumbel([2000], mx[dt], keyArray(key)));
    const exp = Array.from(refWords(key, 2000), (w) => -R(f32(Math.log(-R(f32(Math.log(u01(w, dt))))))));
    if (dt === 'float32') assertUlps(got, exp, 4, dt);  // two libm logs in a row
    else for (let i = 0; i < exp.length; i++) assert.ok(Math.abs(got[i] - exp[i]) <= Math.abs(exp[i]) * (dt === 'float16' ? 2e-3 : 1.6e-2) + 1e-3, `${dt} ${got[i]} vs ${exp[i]}`);
  }
  const big = values(mx.random.gumbel([1 << 20], { key: mx.random.key(6) }));
  const [m, v] = meanVar(big);
  assert.ok(Math.abs(m - 0.5772157) < 0.005 && Math.abs(v - Math.PI ** 2 / 6) < 0.01, `mean ${m} var ${v}`);
});

test('laplace: sign(u) log1p(-|u|), then scale and loc in the dtype; float64 in double', () => {
  const key = keyPair(555);
  const n = 3000;
  const s = Array.from(refWords(key, n), (w) => f32(f32(2 * u01(w)) + NORMAL_LO));
  const sg = s.map((x) => (x < 0 ? -1 : x === 0 ? 0 : 1));
  const base = values(mx.random.laplace([n], mx.float32, 0, 1, keyArray(key)));
  assertUlps(base, s.map((x, i) => f32(sg[i] * f32(Math.log1p(-Math.abs(x))))), 1, 'float32');
  const b64 = values(mx.random.laplace([n], mx.float64, { key: keyArray(key) }));
  for (let i = 0; i < n; i++) assert.ok(Math.abs(b64[i] - sg[i] * Math.log1p(-Math.abs(s[i]))) <= 1e-15 * (1 + Math.abs(b64[i])), 'float64');
  // scale then loc, each an op in the dtype, on the float32 result rounded to the dtype.
  assertExact(values(mx.random.laplace([n], mx.float32, 1.5, 2, keyArray(key))), base.map((x) => f32(1.5 + f32(2 * x))), 'loc/scale');
  assertExact(values(mx.random.laplace([n], mx.float16, { loc: -1, scale: 0.3, key: keyArray(key) })),
    base.map((x) => roundF16(-1 + roundF16(roundF16(f32(0.3)) * roundF16(x)))), 'float16 loc/scale');
  assertExact(values(mx.random.laplace([n], mx.bfloat16, { key: keyArray(key) })), base.map(roundBf16), 'bfloat16');
  const big = values(mx.random.laplace([1 << 20], { key: mx.random.key(17) }));
  const [m, v] = meanVar(big);
  assert.ok(Math.abs(m) < 0.005 && Math.abs(v - 2) < 0.02, `mean ${m} var ${v}`);
});

// ---- categorical, permutation ----------------------------------------------------------------------

test('categorical: argmax of logits + gumbel, as MLX; shapes, num_samples, frequencies', () => {
  const logits = mx.array([[0.5, 1, -2, 3, 0.25], [0, 0, 0, 0, 0]]);
  // MLX's C++ CPU backend (@frost-beta/mlx): categorical(logits, -1, num_samples=6, key(5))
  assert.deepEqual(mx.random.categorical(logits, -1, { num_samples: 6, key: mx.random.key(5) }).tolist(),
    [[3, 3, 4, 3, 3, 3], [3, 4, 0, 3, 1, 2]]);
  // The same as argmax(logits + gumbel) built by hand from the gumbel draws.
  const key = mx.random.key(9);
  const g = mx.random.gumbel([7, 2, 5], mx.float32, key);
  const direct = mx.argmax(mx.add(g, logits), -1);
  assert.deepEqual(mx.random.categorical(logits, -1, [7, 2], { key }).tolist(), direct.tolist());
  const z = mx.zeros([10, 20]);
  assert.deepEqual(mx.random.categorical(z, -1).shape, [10]);
  assert.deepEqual(mx.random.categorical(z, 0).shape, [20]);
  assert.deepEqual(mx.random.categorical(z, 1).shape, [10]);
  const out = mx.random.categorical(z);
  assert.equal(out.dtype, mx.uint32);
  assert.ok(mx.max(out).item() < 20);
  assert.deepEqual(mx.random.categorical(z, 0, [5, 20]).shape, [5, 20]);
  assert.ok(mx.max(mx.random.categorical(z, 0, [5, 20])).item() < 10);
  assert.deepEqual(mx.random.categorical(z, 1, { num_samples: 7 }).shape, [10, 7]);
  assert.deepEqual(mx.random.categorical(z, 0, { num_samples: 7 }).shape, [20, 7]);
  // Frequencies follow softmax(logits).
  const p = [1 / 6, 2 / 6, 3 / 6];
  const draws = flatList(mx.random.categorical(mx.log(mx.array(p)), { num_samples: 60000, key: mx.random.key(2) }));
  const counts = [0, 0, 0];
  for (const d of draws) counts[d]++;
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(counts[i] / 60000 - p[i]) < 0.008, `counts ${counts}`);
  const masked = flatList(mx.random.categorical(mx.array([-Infinity, 0, -Infinity]), { num_samples: 50, key: mx.random.key(3) }));
  assert.ok(masked.every((x) => x === 1));
  assert.deepEqual(mx.random.categorical(mx.array([[1, 2]], mx.float16), { key: mx.random.key(1) }).shape, [1]);
});

test('permutation: stable argsort of random words; arrays permuted along an axis', () => {
  const stableArgsort = (w) => Array.from(w.keys()).sort((i, j) => (w[i] - w[j]) || (i - j));
  for (const n of [0, 1, 2, 5, 100, 5000]) {
    const key = keyPair(n + 17);
    const p = mx.random.permutation(n, { key: keyArray(key) });
    assert.equal(p.dtype, mx.uint32);
    assertExact(values(p), stableArgsort(refWords(key, n)), `n ${n}`);
  }
  const x = mx.arange(16).reshape(4, 4);
  const key = mx.random.key(8);
  const perm = flatList(mx.random.permutation(4, { key }));
  assert.deepEqual(mx.random.permutation(x, { key }).tolist(), perm.map((i) => [0, 1, 2, 3].map((j) => i * 4 + j)));
  assert.deepEqual(mx.random.permutation(x, 1, { key }).tolist(), [0, 1, 2, 3].map((i) => perm.map((j) => i * 4 + j)));
  assert.deepEqual(mx.random.permutation(x, -1, { key }).tolist(), mx.random.permutation(x, 1, { key }).tolist());
  assert.deepEqual(mx.random.permutation(mx.array([[1]])).shape, [1, 1]);
  assert.deepEqual(mx.random.permutation([3, 1, 2], { key }).shape, [3]);
  const big = flatList(mx.random.permutation(16384, { key }));
  assert.deepEqual([...big].sort((a, b) => a - b), Array.from({ length: 16384 }, (_, i) => i));
  assert.ok(big.some((v, i) => v !== i));
});

// ---- the implicit key sequence -------------------------------------------------------------------

test('seed and state: Python MLX semantics of the implicit key', () => {
  mx.random.seed(3);
  const a = mx.random.uniform().item();
  const b = mx.random.uniform().item();
  mx.random.seed(3);
  assert.equal(mx.random.uniform().item(), a);
  assert.equal(mx.random.uniform().item(), b);
  assert.notEqual(a, b);
  // state is a one-element Array holding the key; each call splits it: the first half is
  // the new state, the second the key used.
  mx.random.seed(7);
  const st = mx.random.state;
  assert.ok(Array.isArray(st) && st.length === 1);
  assert.deepEqual(st[0].tolist(), [0, 7]);
  const w = refWords([0, 7], 4);
  const x = mx.random.normal([5]);
  assert.equal(mx.random.state, st);
  assert.deepEqual(st[0].tolist(), [w[0], w[1]]);
  assertExact(values(x), values(mx.random.normal([5], { key: keyArray([w[2], w[3]]) })), 'first implicit key');
  // Assigning the state element steers the sequence, as in Python.
  mx.random.state[0] = mx.random.key(11);
  const y = mx.random.randint(0, 100, [4]);
  const w11 = refWords([0, 11], 4);
  assertExact(values(y), values(mx.random.randint(0, 100, [4], { key: keyArray([w11[2], w11[3]]) })), 'assigned state');
  // Every function without a key draws from the sequence (and so advances it).
  for (const f of [() => mx.random.uniform(), () => mx.random.normal(), () => mx.random.randint(0, 3),
    () => mx.random.bernoulli(), () => mx.random.truncated_normal(-1, 1), () => mx.random.gumbel(),
    () => mx.random.laplace(), () => mx.random.categorical(mx.zeros([3])), () => mx.random.permutation(3)]) {
    const before = mx.random.state[0].tolist();
    f().eval();
    assert.notDeepEqual(mx.random.state[0].tolist(), before);
  }
  // A long lazy chain of implicit keys evaluates and is freed without trouble.
  const kept = [];
  for (let i = 0; i < 20000; i++) { const u = mx.random.uniform(); if (i % 5000 === 0) kept.push(u); }
  assert.ok(kept.every((u) => u.item() >= 0 && u.item() < 1));
  mx.random.seed(2n ** 64n - 1n);
  assert.deepEqual(mx.random.state[0].tolist(), [4294967295, 4294967295]);
});

// ---- instruction sets, streams, keywords, sizes -----------------------------------------------------

test('the baseline and AVX2/AVX-512 kernels give the same bits and values', () => {
  const script = `
    const mx = require(${JSON.stringify(path.join(__dirname, '../../lib'))}).core;
    const k = mx.random.key(1234);
    const out = {
      split: mx.random.split(k, 1001).tolist(),
      uniform: mx.random.uniform(-3, 5, [1003], { key: k }).tolist(),
      normal: mx.random.normal([517], { key: k }).tolist(),
      bern: mx.random.bernoulli(0.4, [999], k).tolist(),
      randint: mx.random.randint(-7, 70, [1001], { key: k }).tolist(),
      trunc: mx.random.truncated_normal(-1, 0.5, [257], { key: k }).tolist(),
      gumbel: mx.random.gumbel([300], mx.float16, k).tolist(),
      u16: mx.random.uniform(-2, 3, [1003], mx.float16, k).tolist(),
      ubf: mx.random.uniform(-2, 3, [1003], mx.bfloat16, k).tolist(),
      unan: mx.random.uniform(-Infinity, Infinity, [21], mx.bfloat16, k).tolist().map(String),
    };
    process.stdout.write(JSON.stringify(out));`;
  const run = (isa) => {
    const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, MLX_CPU_ISA: isa }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const generic = run('generic');
  const best = run('avx512');  // the best this CPU has
  assert.deepEqual(best, generic);
});

test('stream, keywords and positional forms agree; size-0 shapes', () => {
  const key = mx.random.key(31);
  const same = (a, b) => assert.deepEqual(a.tolist(), b.tolist());
  same(mx.random.uniform(0, 1, [4], mx.float32, key, mx.cpu), mx.random.uniform({ shape: [4], key, stream: mx.cpu }));
  same(mx.random.uniform(-1, 2, [3], { key }), mx.random.uniform({ low: -1, high: 2, shape: [3], key }));
  same(mx.random.normal([3], mx.float16, 1, 2, key, mx.cpu), mx.random.normal({ shape: [3], dtype: mx.float16, loc: 1, scale: 2, key }));
  same(mx.random.randint(0, 9, [5], mx.int16, key), mx.random.randint({ low: 0, high: 9, shape: [5], dtype: mx.int16, key, stream: mx.cpu }));
  same(mx.random.bernoulli(0.2, [6], key), mx.random.bernoulli({ p: 0.2, shape: [6], key, stream: mx.cpu }));
  same(mx.random.truncated_normal(-1, 1, [3], mx.float32, key), mx.random.truncated_normal({ lower: -1, upper: 1, shape: [3], key, stream: mx.cpu }));
  same(mx.random.gumbel([3], mx.float32, key), mx.random.gumbel({ shape: [3], key, stream: mx.cpu }));
  same(mx.random.laplace([3], mx.float32, 0, 1, key), mx.random.laplace({ shape: [3], key, stream: mx.cpu }));
  same(mx.random.categorical(mx.zeros([2, 3]), 1, null, 4, key), mx.random.categorical(mx.zeros([2, 3]), { num_samples: 4, key, stream: mx.cpu }));
  same(mx.random.permutation(6, 0, key), mx.random.permutation(6, { key, stream: mx.cpu }));
  same(mx.random.split(key, 3, mx.cpu), mx.random.split({ key, num: 3 }));
  const s = mx.new_stream(mx.cpu);
  same(mx.random.normal([8], { key, stream: s }), mx.random.normal([8], { key }));
  for (const [f, shape] of [[() => mx.random.uniform(0, 1, [0], { key }), [0]], [() => mx.random.normal([2, 0, 3], { key }), [2, 0, 3]],
    [() => mx.random.randint(0, 5, [0, 4], { key }), [0, 4]], [() => mx.random.bernoulli(0.5, [3, 0], key), [3, 0]],
    [() => mx.random.gumbel([0], mx.float32, key), [0]], [() => mx.random.laplace([0, 0], mx.float32, 0, 1, key), [0, 0]],
    [() => mx.random.truncated_normal(0, 1, [0], mx.float32, key), [0]], [() => mx.random.permutation(0, { key }), [0]],
    [() => mx.random.normal([0], mx.complex64, { key }), [0]], [() => mx.random.split(key, 0), [0, 2]]]) {
    const a = f();
    assert.deepEqual(a.shape, shape);
    assert.deepEqual(a.tolist().flat(Infinity), []);
  }
});

// ---- errors --------------------------------------------------------------------------------------

test('errors name the function and never crash the process', () => {
  const key = mx.random.key(0);
  const badKeys = [
    [mx.array([0, 0]), /\[random\.uniform\] Expected key type uint32 but received int32\./],
    [mx.array([[0, 0]], mx.uint32), /\[random\.uniform\] Expected key shape \(2\) but received \(1,2\)\./],
    [mx.array([0, 0, 0], mx.uint32), /Expected key shape \(2\) but received \(3\)\./],
    [mx.array([[0], [0]], mx.uint32), /Expected key shape \(2\) but received \(2,1\)\./],
  ];
  for (const [k, re] of badKeys) throwsWith(() => mx.random.uniform({ key: k }), Error, re);
  throwsWith(() => mx.random.normal([2], { key: [0, 0] }), Error, /^\[random\.normal\] Expected key type uint32/);
  throwsWith(() => mx.random.split(mx.array([1.5, 2])), Error, /^\[random\.split\] Expected key type uint32 but received float32/);
  throwsWith(() => mx.random.split(key, -1), Error, /^\[random\.split\] Negative dimensions not allowed/);
  throwsWith(() => mx.random.uniform({ dtype: mx.int32, key }), Error, /^\[random\.uniform\] Can only generate uniform numbers with real floating point type\./);
  throwsWith(() => mx.random.uniform({ dtype: mx.complex64, key }), Error, /^\[random\.uniform\] Can only generate/);
  throwsWith(() => mx.random.uniform({ dtype: mx.float64, key }), Error, /^\[random\.uniform\] Unsupported type float64/);
  throwsWith(() => mx.random.uniform(mx.zeros([3, 3]), 1, [2, 3], { key }), Error, /^\[random\.uniform\] Shapes \(2,3\) and \(3,3\) cannot be broadcast\./);
  throwsWith(() => mx.random.uniform(mx.zeros([3, 3]), 1, [1, 3], { key }), Error, /^\[random\.uniform\] Cannot generate random values of shape \(1,3\) from broadcasted shape \(3,3\)\./);
  throwsWith(() => mx.random.uniform(mx.zeros([3, 1]), mx.ones([1, 3]), [1, 3], { key }), Error, /^\[random\.uniform\] Cannot generate/);
  throwsWith(() => mx.random.uniform(mx.zeros([2]), mx.ones([3]), [3], { key }), Error, /^\[random\.uniform\] Shapes \(3\) and \(2\) cannot be broadcast\./);
  throwsWith(() => mx.random.uniform({ shape: [-1], key }), Error, /^\[random\.uniform\] Negative dimensions not allowed, got shape \(-1\)\./);
  throwsWith(() => mx.random.uniform({ shape: [2 ** 31], key }), RangeError, /^\[random\.uniform\] Dimension 2147483648 in 'shape' is out of range\./);
  throwsWith(() => mx.random.uniform({ shape: [1.5], key }), TypeError, /^\[random\.uniform\] argument 'shape' must be an Array of integers/);
  throwsWith(() => mx.random.uniform({ shape: 3, key }), TypeError, /^\[random\.uniform\] argument 'shape'/);
  throwsWith(() => mx.random.uniform({ dtype: 'float32', key }), TypeError, /^\[random\.uniform\] argument 'dtype'/);
  throwsWith(() => mx.random.uniform(0, 1, [2], mx.float32, key, mx.cpu, 7), TypeError, /^\[random\.uniform\] takes at most 6 positional arguments/);
  throwsWith(() => mx.random.uniform({ shap: [2] }), TypeError, /^\[random\.uniform\] unknown keyword argument 'shap'/);
  throwsWith(() => mx.random.normal({ dtype: mx.int32, key }), Error, /^\[random\.normal\] Can only generate normal numbers with floating point type\./);
  throwsWith(() => mx.random.normal([2, 10, 2], { loc: mx.zeros([10]), key }), Error, /^\[random\.normal\] Shapes \(10\) and \(2,10,2\) cannot be broadcast\./);
  throwsWith(() => mx.random.normal([2], { scale: 'x', key }), TypeError, /^\[random\.normal\] argument 'scale'/);
  throwsWith(() => mx.random.randint(0, 5, [2], mx.float32, key), Error, /^\[random\.randint\] randint only accepts integer dtypes and bool\./);
  throwsWith(() => mx.random.randint(0, 5, [2], mx.complex64, key), Error, /^\[random\.randint\] randint only accepts/);
  throwsWith(() => mx.random.randint(mx.zeros([4]), 5, [2], { key }), Error, /^\[random\.randint\] Shapes \(2\) and \(4\) cannot be broadcast\./);
  throwsWith(() => mx.random.randint(mx.zeros([1, 2]), 5, [2], { key }), Error, /^\[random\.randint\] Cannot generate random values of shape \(2\) from broadcasted shape \(1,2\)\./);
  throwsWith(() => mx.random.randint(0), TypeError, /^\[random\.randint\] missing required argument 'high'/);
  throwsWith(() => mx.random.bernoulli(0, [2], key), Error, /^\[random\.bernoulli\] bernoulli probability `p` must be a float type\./);
  throwsWith(() => mx.random.bernoulli(mx.array([0.1, 0.2, 0.3]), [2], key), Error, /^\[random\.bernoulli\] shape of `p` is incompatible with argument `shape`\./);
  throwsWith(() => mx.random.bernoulli(mx.array([0.1, 0.2]), [1, 3], key), Error, /^\[random\.bernoulli\] shape of `p` is incompatible/);
  throwsWith(() => mx.random.truncated_normal(mx.array([-2, -1]), mx.array([1, 2, 3])), Error, /^\[random\.truncated_normal\] Shapes \(2\) and \(3\) cannot be broadcast\./);
  throwsWith(() => mx.random.truncated_normal(mx.zeros([3, 1]), 1, [4, 2], { key }), Error, /^\[random\.truncated_normal\] Shapes \(4,2\) and \(3,1\) cannot be broadcast\./);
  throwsWith(() => mx.random.truncated_normal(mx.zeros([1, 2]), 1, [2], { key }), Error, /^\[random\.truncated_normal\] Cannot generate random values of shape \(2\) from broadcasted shape \(1,2\)\./);
  throwsWith(() => mx.random.truncated_normal(-1, 1, [2], mx.int8, key), Error, /^\[random\.truncated_normal\] truncated_normal only accepts floating point dtypes\./);
  throwsWith(() => mx.random.truncated_normal(-1, 1, [2], mx.float64, key), Error, /^\[random\.truncated_normal\] Unsupported type float64/);
  throwsWith(() => mx.random.gumbel([2], mx.int32, key), Error, /^\[random\.gumbel\] Can only generate uniform numbers/);
  throwsWith(() => mx.random.gumbel([2], mx.float64, key), Error, /^\[random\.gumbel\] Unsupported type float64/);
  throwsWith(() => mx.random.laplace([2], mx.uint8, 0, 1, key), Error, /^\[random\.laplace\] Can only generate uniform numbers/);
  throwsWith(() => mx.random.laplace([2], mx.float32, 'a', 1, key), TypeError, /^\[random\.laplace\] argument 'loc'/);
  const z = mx.zeros([10, 20]);
  throwsWith(() => mx.random.categorical(z, 2, { key }), RangeError, /^\[random\.categorical\] Invalid axis 2 for logits with 2 dimensions\./);
  throwsWith(() => mx.random.categorical(z, -3, { key }), RangeError, /^\[random\.categorical\] Invalid axis -3/);
  throwsWith(() => mx.random.categorical(z, { shape: [10, 5], num_samples: 5, key }), Error, /^\[random\.categorical\] At most one of shape or num_samples can be specified\./);
  throwsWith(() => mx.random.categorical(z, 1, [1], { key }), Error, /^\[random\.categorical\] Requested shape \(1\) is not broadcast compatible with reduced logits shape \(10\)\./);
  throwsWith(() => mx.random.categorical(z, 1, [11], { key }), Error, /^\[random\.categorical\] Requested shape/);
  throwsWith(() => mx.random.categorical(z, { num_samples: -1, key }), Error, /^\[random\.categorical\] num_samples must be non-negative/);
  // MLX's argmax rejects zero-size input: no samples, or zero-size logits.
  throwsWith(() => mx.random.categorical(z, { num_samples: 0, key }), Error, /^\[random\.categorical\] Cannot argmax reduce zero size array\./);
  throwsWith(() => mx.random.categorical(mx.zeros([0, 3]), { key }), Error, /^\[random\.categorical\] Cannot argmax reduce zero size array\./);
  throwsWith(() => mx.random.permutation(mx.zeros([2]), 1, { key }), RangeError, /^\[random\.permutation\] Invalid axis 1 for array with 1 dimensions\./);
  throwsWith(() => mx.random.permutation(-2, { key }), Error, /^\[random\.permutation\] Negative dimensions not allowed/);
  throwsWith(() => mx.random.permutation(2 ** 31, { key }), RangeError, /^\[random\.permutation\] argument 'x'/);
  throwsWith(() => mx.random.key(-1), RangeError, /^\[random\.key\] seed -1 is out of range/);
  throwsWith(() => mx.random.key(2n ** 64n), RangeError, /^\[random\.key\] seed 18446744073709551616 is out of range/);
  throwsWith(() => mx.random.key(1.5), TypeError, /^\[random\.key\] argument 'seed' must be an integer/);
  throwsWith(() => mx.random.key(), TypeError, /^\[random\.key\] missing required argument 'seed'/);
  throwsWith(() => mx.random.seed('1'), TypeError, /^\[random\.seed\] argument 'seed' must be an integer/);
  throwsWith(() => mx.random.seed(-5), RangeError, /^\[random\.seed\] seed -5 is out of range/);
  // A state element that is not a key fails the next implicit draw, naming the caller.
  const saved = mx.random.state[0];
  mx.random.state[0] = 5;
  throwsWith(() => mx.random.uniform(), TypeError, /^\[random\.uniform\] mx\.random\.state\[0\] must be a key/);
  mx.random.state[0] = mx.array([1, 2]);
  throwsWith(() => mx.random.gumbel(), TypeError, /^\[random\.gumbel\] mx\.random\.state\[0\] must be a key/);
  mx.random.state[0] = saved;
  assert.equal(mx.random.uniform({ key }).dtype, mx.float32);
});

test('multivariate_normal: mean + z @ sqrt(cov) (SVD), shapes, dtype, errors, moments', () => {
  const key = mx.random.key(0);
  // Identity covariance: exactly the standard normal draws of the same key.
  const z = mx.random.normal([3, 2], { key });
  assert.deepEqual(mx.random.multivariate_normal(mx.zeros([2]), mx.eye(2), [3], { key }).tolist(), z.tolist());
  assert.deepEqual(mx.random.multivariate_normal(mx.array([0, 0]), mx.array([[1, 0], [0, 1]]), { key }).shape, [2]);
  // A diagonal covariance scales each coordinate by its standard deviation, then adds the mean.
  const d = mx.random.multivariate_normal(mx.array([1, -2]), mx.array([[4, 0], [0, 0.25]]), [5], { key });
  const zv = mx.random.normal([5, 2], { key }).tolist();
  const dv = d.tolist();
  for (let i = 0; i < 5; i++) {
    assert.ok(Math.abs(dv[i][0] - (1 + 2 * zv[i][0])) < 1e-5 && Math.abs(dv[i][1] - (-2 + 0.5 * zv[i][1])) < 1e-5);
  }
  assert.deepEqual(mx.random.multivariate_normal(mx.array([[0, 7], [1, 2], [3, 4]]), mx.array([[1, 0.5], [0.5, 1]]), [4, 3]).shape, [4, 3, 2]);
  assert.deepEqual(mx.random.multivariate_normal(mx.zeros([2]), mx.broadcast_to(mx.eye(2), [3, 2, 2]), { key }).shape, [3, 2]);
  // Empirical mean and covariance (MLX's test: within 10 n^2 / sqrt(N)).
  const N = 100000;
  for (const [mean, cov] of [[[4, 7], [[2, 0.5], [0.5, 1]]], [[0, 1, 2], [[1, -1, 0.5], [-1, 1, -0.5], [0.5, -0.5, 1]]]]) {
    const data = mx.random.multivariate_normal(mx.array(mean, mx.float32), mx.array(cov, mx.float32), [N], { key });
    const m = mx.mean(data, 0);
    const x = mx.subtract(data, m);
    const c = mx.divide(mx.matmul(x.T, x), N).tolist();
    const tol = 10 * mean.length ** 2 / Math.sqrt(N);
    m.tolist().forEach((v, i) => assert.ok(Math.abs(v - mean[i]) < tol, `mean ${v}`));
    c.flat().forEach((v, i) => assert.ok(Math.abs(v - cov.flat()[i]) < tol, `cov ${v}`));
  }
  for (const dt of ['int8', 'int32', 'int64', 'uint8', 'uint32', 'uint64', 'float16', 'bfloat16', 'float64']) {
    throwsWith(() => mx.random.multivariate_normal(mx.zeros([2]), mx.eye(2), { dtype: mx[dt], key }), Error, /^\[random\.multivariate_normal\] dtype must be float32\./);
  }
  throwsWith(() => mx.random.multivariate_normal(mx.zeros([2, 2]), mx.zeros([2, 2]), [3], { key }), Error, /^\[random\.multivariate_normal\] Shapes \(2\) and \(3\) cannot be broadcast\./);
  throwsWith(() => mx.random.multivariate_normal(mx.zeros([2]), mx.zeros([2, 2, 2]), [3], { key }), Error, /^\[random\.multivariate_normal\] Shapes \(2\) and \(3\) cannot be broadcast\./);
  throwsWith(() => mx.random.multivariate_normal(mx.zeros([3]), mx.zeros([2, 2]), { key }), Error, /^\[random\.multivariate_normal\] mean and cov must have compatible shapes\./);
  throwsWith(() => mx.random.multivariate_normal(mx.zeros([2]), mx.zeros([2, 3]), { key }), Error, /^\[random\.multivariate_normal\] last two dimensions of cov must be equal\./);
  throwsWith(() => mx.random.multivariate_normal(mx.array(0), mx.eye(2), { key }), Error, /^\[random\.multivariate_normal\] mean must have at least one dimension\./);
  throwsWith(() => mx.random.multivariate_normal(mx.zeros([2]), mx.zeros([2]), { key }), Error, /^\[random\.multivariate_normal\] cov must have at least two dimensions\./);
});

test('every public mx.random name of MLX 0.32 exists', () => {
  const tsv = path.join(__dirname, '..', '..', '..', 'shared', 'mlx-api', 'submodules.tsv');
  const fs = require('node:fs');
  const names = fs.existsSync(tsv)
    ? fs.readFileSync(tsv, 'utf8').trim().split('\n').map((l) => l.split('\t'))
      .filter((c) => c[0] === 'mlx.core.random' && c[8] === 'public').map((c) => c[1])
    : ['seed', 'key', 'split', 'uniform', 'normal', 'multivariate_normal', 'randint', 'bernoulli',
      'truncated_normal', 'gumbel', 'categorical', 'laplace', 'permutation'];
  assert.ok(names.includes('normal') && names.includes('permutation'));
  const missing = names.filter((n) => !(n in mx.random));
  assert.deepEqual(missing, []);
  assert.ok('state' in mx.random);
});
