#!/usr/bin/env node
'use strict';
// The precision harness: dtype conversions through mlxjs, bit for bit, against oracles that
// share no code with the engine.
//
//   (a) every float16 and bfloat16 bit pattern round-trips through float32 and float64;
//   (b) float32 -> float16 and float32 -> bfloat16 for at least 10^7 float32 values (every
//       edge: signed zeros, infinities, NaNs with payloads, every exponent boundary, exact
//       ties both ways, the subnormal range, both sides of the overflow thresholds, plus
//       random bit patterns), contiguous and strided, compared with the CPU's own
//       conversion instructions (F16C; AVX512-BF16 where present) and with independent
//       references written here (double arithmetic; integer round-to-nearest-even);
//       float64 -> float16 / bfloat16 as one rounding, including double-rounding traps;
//   (c) integer edges (min, max, min-1, max+1) wrapping through astype and arithmetic for
//       every integer dtype;
//   (d) a summary table; the exit status is non-zero on any mismatch.
//
// Usage: node examples/dtype_precision.js [--values N]   (N float32 values, default 10^7)
const mx = require('../lib').core;
const native = require('../lib/native');

const diag = native._diag;
const argv = process.argv.slice(2);
const countArg = argv.indexOf('--values');
const TARGET = countArg >= 0 ? Number(argv[countArg + 1]) : 10_000_000;
const CHUNK = 1 << 20;

const HAS_F16C = diag.cpu('f16c') && diag.cpu('avx');
const HAS_AVX512 = diag.cpu('avx512f');
const HAS_BF16 = diag.cpu('avx512bf16') && HAS_AVX512;

// ---- bookkeeping ---------------------------------------------------------------------------

const rows = [];
function check(name, oracle) {
  const row = { name, oracle, values: 0, mismatches: 0, examples: [] };
  rows.push(row);
  return {
    row,
    compare(got, want, describe) {
      row.values++;
      if (got !== want) {
        row.mismatches++;
        if (row.examples.length < 5) row.examples.push(`${describe()}: got ${hex(got)}, want ${hex(want)}`);
      }
    },
  };
}
const hex = (v, w = 4) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && Number.isInteger(v) && v >= 0 ? '0x' + v.toString(16).padStart(w, '0') : String(v));

// ---- independent references ------------------------------------------------------------------

const F16 = { p: 10, bias: 15 };
const BF16 = { p: 7, bias: 127 };

// Rounds a non-NaN double to the format: nearest, ties to even, gradual underflow. Exact
// double arithmetic on powers of two; the tie decision is made by hand.
function refRound(x, fmt, negative) {
  const sign = negative ? 0x8000 : 0;
  const a = Math.abs(x);
  const emax = fmt.bias, emin = 1 - fmt.bias;
  const infBits = sign | (((1 << (15 - fmt.p)) - 1) << fmt.p);
  const overflow = (2 - 2 ** -(fmt.p + 1)) * 2 ** emax;
  if (a >= overflow) return infBits;
  if (a === 0) return sign;
  let e = Math.floor(Math.log2(a));
  while (2 ** e > a) e--;          // Math.log2 may be off by one near powers of two
  while (2 ** (e + 1) <= a) e++;
  if (e < emin) e = emin;
  const q = a * 2 ** (fmt.p - e);  // exact
  const fl = Math.floor(q);
  const frac = q - fl;
  let r = fl + (frac > 0.5 || (frac === 0.5 && fl % 2 === 1) ? 1 : 0);
  const hidden = 2 ** fmt.p;
  if (r >= hidden) {
    if (r === 2 * hidden) {
      r = hidden;
      e++;
    }
    return sign | ((e + fmt.bias) << fmt.p) | (r - hidden);
  }
  return sign | r;
}

// float32 (bits u, value x) -> float16: NaN stays NaN, quiet, top 10 payload bits, sign kept.
function refF16(x, u) {
  if (x !== x) return ((u >>> 16) & 0x8000) | 0x7e00 | ((u >>> 13) & 0x3ff);
  return refRound(x, F16, (u >>> 31) === 1);
}

// float32 bits -> bfloat16 by integer round to nearest even.
function refBf16Int(u) {
  if ((u & 0x7f800000) === 0x7f800000 && (u & 0x7fffff) !== 0) return ((u >>> 16) | 0x40) & 0xffff;
  let upper = u >>> 16;
  const lower = u & 0xffff;
  if (lower > 0x8000 || (lower === 0x8000 && (upper & 1))) upper++;
  return upper & 0xffff;
}

// The exact value of a float16 / bfloat16 pattern (non-NaN).
function refDecode(b, fmt) {
  const ebits = 15 - fmt.p;
  const e = (b >>> fmt.p) & ((1 << ebits) - 1);
  const m = b & ((1 << fmt.p) - 1);
  const s = b & 0x8000 ? -1 : 1;
  if (e === (1 << ebits) - 1) return s * Infinity;
  if (e === 0) return s * m * 2 ** (1 - fmt.bias - fmt.p);
  return s * (m + 2 ** fmt.p) * 2 ** (e - fmt.bias - fmt.p);
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
const f32bits = (x) => { f32buf[0] = x; return u32buf[0]; };

function bytesU16(a) {
  const b = diag.bytes(a);
  return new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2);
}
function bytesU32(a) {
  const b = diag.bytes(a);
  return new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

// Deterministic 32-bit generator (mulberry32).
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

// ---- (a) round trips of every 16-bit pattern ----------------------------------------------------

function roundTrips(fmtName, fmt, fromBits, dtype) {
  const all = new Uint16Array(65536);
  for (let i = 0; i < 65536; i++) all[i] = i;
  const h = fromBits(all);
  const isNaN16 = (b) => ((b >>> fmt.p) & ((1 << (15 - fmt.p)) - 1)) === (1 << (15 - fmt.p)) - 1 && (b & ((1 << fmt.p) - 1)) !== 0;
  const quietBit = 1 << (fmt.p - 1);

  // Widening to float32 is exact: compare with the definition (NaN: quiet, payload kept).
  const wide = mx.astype(h, mx.float32);
  const w32 = bytesU32(wide);
  const c1 = check(`${fmtName} -> float32, all 65,536 patterns`, 'exact value by definition');
  for (let b = 0; b < 65536; b++) {
    let want;
    // float16 NaNs widen quiet (as F16C's vcvtph2ps); bfloat16 widens by a plain shift.
    if (isNaN16(b)) want = (((b & 0x8000) << 16) | 0x7f800000 | ((b & 0x7fff) << (23 - fmt.p)) | (fmt === F16 ? 0x400000 : 0)) >>> 0;
    else want = f32bits(refDecode(b, fmt));
    c1.compare(w32[b], want, () => `pattern ${hex(b)}`);
  }

  // ... and back: exact, except that a signalling NaN comes back quiet (payload and sign kept).
  const back = bytesU16(mx.astype(wide, dtype));
  const c2 = check(`${fmtName} -> float32 -> ${fmtName} round trip`, 'identity (sNaN quieted)');
  for (let b = 0; b < 65536; b++) c2.compare(back[b], isNaN16(b) ? b | quietBit : b, () => `pattern ${hex(b)}`);
  if (fmtName === 'float16' && HAS_F16C) {
    const hw = diag.f16_hw(new Float32Array(w32.buffer, w32.byteOffset, 65536));
    const c3 = check('float16 -> float32 -> float16 (F16C back)', 'F16C vcvtps2ph');
    for (let b = 0; b < 65536; b++) c3.compare(back[b], hw[b], () => `pattern ${hex(b)}`);
  }

  // Through float64 too.
  const back64 = bytesU16(mx.astype(mx.astype(h, mx.float64), dtype));
  const c4 = check(`${fmtName} -> float64 -> ${fmtName} round trip`, 'identity (sNaN quieted)');
  for (let b = 0; b < 65536; b++) c4.compare(back64[b], isNaN16(b) ? b | quietBit : b, () => `pattern ${hex(b)}`);
}

// ---- (b) float32 -> float16 / bfloat16 --------------------------------------------------------

// Edge values as float32 bit patterns.
function edgePatterns() {
  const out = [];
  const push = (u) => out.push(u >>> 0);
  for (const s of [0, 0x80000000]) {
    push(s | 0); push(s | 0x7f800000);                           // zeros, infinities
    for (const p of [1, 2, 0x1000, 0x2000, 0x3fffff, 0x400000, 0x400001, 0x7fe000, 0x7fffff, 0x12345, 0x0fedcb])
      push(s | 0x7f800000 | p);                                   // NaNs: signalling and quiet payloads
    for (let e = 0; e < 255; e++) {                               // every exponent boundary
      const base = s | (e << 23);
      for (const m of [0, 1, 2, 0x7fffff, 0x7ffffe, 0x400000, 0x3fffff,
        0x0fff, 0x1000, 0x1001, 0x2fff, 0x3000, 0x3001,           // float16 ties (bit 13 even/odd)
        0x7fff, 0x8000, 0x8001, 0x17fff, 0x18000, 0x18001,        // bfloat16 ties (bit 16 even/odd)
        0x7fe000, 0x7ff000, 0x7fefff, 0x7f8000, 0x7f7fff])
        push(base | m);
    }
    // float16 subnormal range: every value k * 2^-25 (ties between subnormals at odd k),
    // and one float32 ulp either side.
    for (let k = 0; k <= 4096; k++) {
      const u = f32bits(k * 2 ** -25);
      push(s | u); push(s | (u + 1)); if (u) push(s | (u - 1));
    }
    // Overflow thresholds: float16 65504 / 65520, bfloat16 0x7f7f / 0x7f7f8000.
    for (const v of [65504, 65519, 65520, 65536, 131008, 1e5]) {
      const u = f32bits(v);
      push(s | u); push(s | (u - 1)); push(s | (u + 1));
    }
    for (const u of [0x7f7f7fff, 0x7f7f8000, 0x7f7f8001, 0x7f7fffff, 0x7f7effff, 0x7f7e8000]) push(s | u);
  }
  return Uint32Array.from(out);
}

// Every top-16-bit prefix with low halves around every rounding point (1.5M values).
function gridPatterns() {
  const lows = [0x0000, 0x0001, 0x0fff, 0x1000, 0x1001, 0x1fff, 0x2000, 0x3000, 0x5000, 0x6000,
    0x7fff, 0x8000, 0x8001, 0x9000, 0xa000, 0xbfff, 0xc000, 0xe000, 0xefff, 0xf000, 0xffff, 0x4321];
  const out = new Uint32Array(65536 * lows.length);
  let i = 0;
  for (let hi = 0; hi < 65536; hi++) for (const lo of lows) out[i++] = ((hi << 16) | lo) >>> 0;
  return out;
}

function* chunks(target) {
  const edges = edgePatterns();
  yield ['edges', edges];
  const grid = gridPatterns();
  for (let i = 0; i < grid.length; i += CHUNK) yield ['grid', grid.subarray(i, i + CHUNK)];
  let done = edges.length + grid.length;
  const next = rng(20240601);
  while (done < target) {
    const n = Math.min(CHUNK, target - done);
    const c = new Uint32Array(n);
    for (let i = 0; i < n; i++) c[i] = next();
    done += n;
    yield ['random', c];
  }
}

function float32ToHalf() {
  const f16hw = check('float32 -> float16 (contiguous)', HAS_F16C ? 'F16C vcvtps2ph' : 'F16C absent: skipped');
  const f16ref = check('float32 -> float16 (contiguous)', 'double-arithmetic reference');
  const f16strided = check('float32 -> float16 (strided view)', HAS_F16C ? 'F16C vcvtps2ph' : 'double-arithmetic reference');
  const bfhw = HAS_BF16 ? check('float32 -> bfloat16, normal inputs', 'AVX512-BF16 vcvtneps2bf16') : null;
  const bfref = check(HAS_BF16 ? 'float32 -> bfloat16, subnormal inputs' : 'float32 -> bfloat16 (contiguous)',
    'integer round-to-nearest-even reference');
  const bfstrided = check('float32 -> bfloat16 (strided view)', 'integer round-to-nearest-even reference');
  let total = 0;
  for (const [, bits] of chunks(TARGET)) {
    const n = bits.length;
    total += n;
    const f = new Float32Array(bits.buffer, bits.byteOffset, n);
    const arr = mx.array(f);
    // float16
    const h = bytesU16(mx.astype(arr, mx.float16));
    const hw = HAS_F16C ? diag.f16_hw(f) : null;
    for (let i = 0; i < n; i++) {
      const describe = () => `input ${hex(bits[i], 8)} (${f[i]})`;
      if (hw) f16hw.compare(h[i], hw[i], describe);
      f16ref.compare(h[i], refF16(f[i], bits[i]), describe);
    }
    // Strided: a transposed view converts element by element (no vector path).
    const half = n >> 1;
    const tview = mx.transpose(mx.reshape(mx.array(f.subarray(0, 2 * half)), [half, 2]));
    const hs = bytesU16(mx.astype(tview, mx.float16));
    for (let r = 0; r < 2; r++) {
      for (let j = 0; j < half; j++) {
        const src = 2 * j + r;
        const want = hw ? hw[src] : refF16(f[src], bits[src]);
        f16strided.compare(hs[r * half + j], want, () => `input ${hex(bits[src], 8)}`);
      }
    }
    // bfloat16
    const b = bytesU16(mx.astype(arr, mx.bfloat16));
    const bhw = HAS_BF16 ? diag.bf16_hw(f) : null;
    for (let i = 0; i < n; i++) {
      const u = bits[i];
      const subnormal = (u & 0x7f800000) === 0 && (u & 0x7fffff) !== 0;
      const describe = () => `input ${hex(u, 8)} (${f[i]})`;
      // vcvtneps2bf16 reads float32 subnormals as zero: those go to the reference instead.
      if (bhw && !subnormal) bfhw.compare(b[i], bhw[i], describe);
      else bfref.compare(b[i], refBf16Int(u), describe);
    }
    const bs = bytesU16(mx.astype(tview, mx.bfloat16));
    for (let r = 0; r < 2; r++) {
      for (let j = 0; j < half; j++) {
        const src = 2 * j + r;
        bfstrided.compare(bs[r * half + j], refBf16Int(bits[src]), () => `input ${hex(bits[src], 8)}`);
      }
    }
  }
  return total;
}

// float64 -> float16 / bfloat16: one rounding. Doubles just off the midpoint between two
// neighbours land exactly on it when rounded to float32 first (the double-rounding trap).
function float64ToHalf() {
  const next = rng(7);
  for (const [name, fmt, dtype] of [['float16', F16, mx.float16], ['bfloat16', BF16, mx.bfloat16]]) {
    const vals = [];
    const maxFinite = ((((1 << (15 - fmt.p)) - 2) << fmt.p) | ((1 << fmt.p) - 1));
    for (let i = 0; i < 200000; i++) {
      const lo = next() % maxFinite;
      const a = refDecode(lo, fmt), b = refDecode(lo + 1, fmt);
      const mid = (a + b) / 2;
      const tiny = Math.abs(mid) * 2 ** -40;
      if (mid === 0 || tiny === 0) continue;
      vals.push(mid + tiny, mid - tiny, mid, -(mid + tiny), -(mid - tiny));
    }
    for (let i = 0; i < 200000; i++) {  // random doubles over (and past) the format's range
      const e = (next() % (2 * fmt.bias + 2 * fmt.p + 8)) - fmt.bias - fmt.p - 4;
      vals.push((next() & 1 ? -1 : 1) * (1 + next() / 2 ** 32) * 2 ** e);
    }
    vals.push(0, -0, Infinity, -Infinity, 1e300, -1e-300, 65520 - 2 ** -30, 65520);
    const d = Float64Array.from(vals);
    const got = bytesU16(mx.astype(mx.array(d, mx.float64), dtype));
    const c = check(`float64 -> ${name} (one rounding)`, 'double-arithmetic reference');
    let trapsFailedViaFloat = 0;
    const viaFloat = bytesU16(mx.astype(mx.astype(mx.array(d, mx.float64), mx.float32), dtype));
    for (let i = 0; i < d.length; i++) {
      c.compare(got[i], refRound(d[i], fmt, Object.is(d[i], -0) || d[i] < 0), () => `input ${d[i]}`);
      if (viaFloat[i] !== got[i]) trapsFailedViaFloat++;
    }
    c.row.note = `${trapsFailedViaFloat} of these differ when rounded through float32 first`;
    if (trapsFailedViaFloat < 100000) { c.row.mismatches++; c.row.examples.push('the double-rounding traps did not trap'); }
  }
  // NaN stays NaN.
  const n = bytesU16(mx.astype(mx.array(Float64Array.from([NaN, -NaN]), mx.float64), mx.float16));
  const c = check('float64 NaN -> float16', 'is NaN');
  for (const v of n) c.compare(((v & 0x7c00) === 0x7c00 && (v & 0x3ff) !== 0) ? 1 : 0, 1, () => 'NaN');
}

// ---- (c) integer edges ------------------------------------------------------------------------

const INTS = [
  ['int8', 8, true], ['int16', 16, true], ['int32', 32, true], ['int64', 64, true],
  ['uint8', 8, false], ['uint16', 16, false], ['uint32', 32, false], ['uint64', 64, false],
];
const limits = (bits, signed) => (signed
  ? [-(2n ** BigInt(bits - 1)), 2n ** BigInt(bits - 1) - 1n]
  : [0n, 2n ** BigInt(bits) - 1n]);
const wrap = (v, bits, signed) => (signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v));

function readInts(a, bits, signed) {
  const b = diag.bytes(a);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.byteLength / (bits / 8);
  const out = [];
  for (let i = 0; i < n; i++) {
    const o = i * (bits / 8);
    let v;
    switch (bits) {
      case 8: v = signed ? dv.getInt8(o) : dv.getUint8(o); break;
      case 16: v = signed ? dv.getInt16(o, true) : dv.getUint16(o, true); break;
      case 32: v = signed ? dv.getInt32(o, true) : dv.getUint32(o, true); break;
      default: v = signed ? dv.getBigInt64(o, true) : dv.getBigUint64(o, true);
    }
    out.push(BigInt(v));
  }
  return out;
}

// An array of the given integer dtype holding exact values (through int64 or uint64).
function intArray(values, key) {
  const fitsInt64 = values.every((v) => v >= -(2n ** 63n) && v < 2n ** 63n);
  const src = fitsInt64 ? mx.array(BigInt64Array.from(values)) : mx.array(BigUint64Array.from(values));
  return mx.astype(src, mx[key]);
}

function integerEdges() {
  const c = check('integer edges: astype wraps (min-1, max+1, ...)', 'BigInt.asIntN / asUintN');
  const a = check('integer edges: add / subtract wrap at min and max', 'BigInt.asIntN / asUintN');
  const w = check('integer edges: round trip through every wider type', 'identity');
  const f = check('integer edges: float64 -> int (exact in-range edges)', 'exact');
  for (const [key, bits, signed] of INTS) {
    const [min, max] = limits(bits, signed);
    // astype from int64 (or uint64) sources: min-1 and max+1 wrap around.
    const cand = [min, max, min - 1n, max + 1n, 0n, -1n, 1n, min + 1n, max - 1n, 2n * max + 3n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 64n - 1n];
    for (const v of cand) {
      let srcKey, srcArr;
      if (v >= -(2n ** 63n) && v < 2n ** 63n) { srcKey = 'int64'; srcArr = mx.array(BigInt64Array.from([v])); }
      else if (v >= 0n && v < 2n ** 64n) { srcKey = 'uint64'; srcArr = mx.array(BigUint64Array.from([v])); }
      else continue;  // not representable in any 64-bit source
      const [got] = readInts(mx.astype(srcArr, mx[key]), bits, signed);
      c.compare(got, wrap(v, bits, signed), () => `${srcKey} ${v} -> ${key}`);
    }
    // Arithmetic on the type itself (weak scalars keep the dtype).
    const edges = intArray([min, max], key);
    const plus = readInts(mx.add(edges, 1), bits, signed);
    const minus = readInts(mx.subtract(edges, 1), bits, signed);
    a.compare(plus[1], min, () => `${key} max + 1`);
    a.compare(minus[0], max, () => `${key} min - 1`);
    a.compare(plus[0], min + 1n, () => `${key} min + 1`);
    a.compare(minus[1], max - 1n, () => `${key} max - 1`);
    const times = readInts(mx.multiply(edges, 2), bits, signed);
    a.compare(times[1], wrap(max * 2n, bits, signed), () => `${key} max * 2`);
    // Through every wider (or equal-range) type and back.
    for (const [wkey, wbits, wsigned] of INTS) {
      const [wmin, wmax] = limits(wbits, wsigned);
      if (wmin > min || wmax < max) continue;
      const back = readInts(mx.astype(mx.astype(edges, mx[wkey]), mx[key]), bits, signed);
      w.compare(back[0], min, () => `${key} min via ${wkey}`);
      w.compare(back[1], max, () => `${key} max via ${wkey}`);
    }
    // float64 holds these edges exactly for types up to 32 bits (and 2^63 - 1024 / 2^64 - 2048).
    const fvals = bits < 64 ? [min, max] : signed ? [min, 2n ** 63n - 1024n] : [0n, 2n ** 64n - 2048n];
    const fa = mx.array(Float64Array.from(fvals.map(Number)), mx.float64);
    const fr = readInts(mx.astype(fa, mx[key]), bits, signed);
    f.compare(fr[0], fvals[0], () => `${key} ${fvals[0]} from float64`);
    f.compare(fr[1], fvals[1], () => `${key} ${fvals[1]} from float64`);
  }
}

// ---- run and report -----------------------------------------------------------------------------

const t0 = Date.now();
console.log('mlxjs dtype precision harness');
console.log(`CPU: F16C ${HAS_F16C ? 'yes' : 'no'}, AVX-512 ${HAS_AVX512 ? 'yes' : 'no'}, AVX512-BF16 ${HAS_BF16 ? 'yes' : 'no'}; kernels: ${native.cpu_info().isa}`);
if (!HAS_BF16) {
  console.log(`AVX512-BF16 is absent on this CPU${HAS_AVX512 ? '' : ' (it has no AVX-512 at all)'}: bfloat16 results are` +
    ' compared with the integer round-to-nearest-even reference instead of the instruction.');
} else {
  console.log('AVX512-BF16 present: normal float32 inputs are compared with vcvtneps2bf16; subnormal inputs' +
    ' (which that instruction reads as zero) with the integer round-to-nearest-even reference.');
}
if (!HAS_F16C) console.log('F16C is absent on this CPU: float16 results are compared with the double-arithmetic reference only.');

roundTrips('float16', F16, diag.f16_from_bits, mx.float16);
roundTrips('bfloat16', BF16, diag.bf16_from_bits, mx.bfloat16);
const f32count = float32ToHalf();
float64ToHalf();
integerEdges();

const w0 = Math.max(...rows.map((r) => r.name.length)), w1 = Math.max(...rows.map((r) => r.oracle.length));
const line = `${'check'.padEnd(w0)}  ${'oracle'.padEnd(w1)}  ${'values'.padStart(11)}  ${'mismatches'.padStart(10)}`;
console.log('\n' + line + '\n' + '-'.repeat(line.length));
let values = 0, mismatches = 0;
for (const r of rows) {
  values += r.values;
  mismatches += r.mismatches;
  console.log(`${r.name.padEnd(w0)}  ${r.oracle.padEnd(w1)}  ${r.values.toLocaleString('en-US').padStart(11)}  ${String(r.mismatches).padStart(10)}` +
    (r.mismatches ? '  FAIL' : '') + (r.note ? `  (${r.note})` : ''));
  for (const e of r.examples) console.log(`    ${e}`);
}
console.log('-'.repeat(line.length));
console.log(`float32 inputs converted: ${f32count.toLocaleString('en-US')} (each to float16 and bfloat16, contiguous and strided)`);
const verdict = mismatches === 0 ? 'PASS' : 'FAIL';
console.log(`dtype_precision: ${verdict}: ${rows.length} checks, ${values.toLocaleString('en-US')} comparisons, ${mismatches} mismatches (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
process.exitCode = mismatches === 0 ? 0 : 1;
