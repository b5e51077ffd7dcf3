'use strict';
// File I/O (the `io` group): save/load of .npy, .npz, .safetensors and .gguf against
// independent writers and readers: numpy (np.save/np.load/np.savez[_compressed]), and small
// Python writers/readers of safetensors and GGUF built from the format specs with struct and
// json (quantized GGUF blocks with values worked out in Python). Then bytes in memory, the JS
// call forms, every error, and corrupted files (truncations and byte flips at many positions)
// that must raise an Error naming [load], never crash.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const mx = require('../../lib').core;
const { PYTHON } = require('./helpers/numpy');
const { ALL_DTYPES, assertArray, throwsWith, flat } = require('./helpers/check');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlxjs-io-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
const P = (name) => path.join(dir, name);
const EXACT = { rtol: 0, atol: 0 };

// Runs a Python script with `input` as JSON on stdin; returns its JSON stdout.
function python(script, input) {
  const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// Python's value encoding (ints as strings, nan/inf as strings, complex [re, im]) -> JS.
function dec(x, dtype) {
  if (dtype === 'bool' || dtype === 'bool_') return x;
  if (dtype.startsWith('complex')) return { re: dec(x[0], 'float'), im: dec(x[1], 'float') };
  if (dtype === 'int64' || dtype === 'uint64') return BigInt(x);
  if (/^u?int/.test(dtype)) return Number(x);
  if (x === 'nan') return NaN;
  if (x === 'inf') return Infinity;
  if (x === '-inf') return -Infinity;
  return x;
}

const PY_ENC = String.raw`
import sys, json, os, struct
import numpy as np
def encf(x):
    x = float(x)
    if x != x: return 'nan'
    if x == float('inf'): return 'inf'
    if x == float('-inf'): return '-inf'
    return x
def enc(a):
    a = np.asarray(a)
    k = a.dtype.kind
    f = a.ravel(order='C').tolist()
    if k in 'iu': f = [str(int(x)) for x in f]
    elif k == 'f': f = [encf(x) for x in f]
    elif k == 'c': f = [[encf(x.real), encf(x.imag)] for x in f]
    elif k == 'b': f = [bool(x) for x in f]
    elif k == 'V': return {'dtype': 'V%d' % a.dtype.itemsize, 'shape': list(a.shape), 'hex': a.tobytes().hex()}
    return {'dtype': a.dtype.name, 'shape': list(a.shape), 'flat': f,
            'fortran': bool(a.flags.f_contiguous and not a.flags.c_contiguous)}
`;

// Values per dtype, with each type's extremes, NaN/inf/-0 for floats, and subnormals.
function valuesFor(k, n) {
  const out = [];
  const ext = {
    bool_: [true, false], uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767],
    uint32: [0, 4294967295], int32: [-2147483648, 2147483647], uint64: [0n, 2n ** 64n - 1n],
    int64: [-(2n ** 63n), 2n ** 63n - 1n], float16: [65504, 5.960464477539063e-8, NaN, Infinity, -0],
    float32: [3.4028234663852886e38, 1.401298464324817e-45, NaN, -Infinity, -0],
    float64: [Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -0], bfloat16: [3.3895313892515355e38, NaN, -Infinity, -0],
    complex64: [{ re: NaN, im: 1 }, { re: -0, im: Infinity }],
  }[k];
  for (let i = 0; i < n; i++) {
    if (i < ext.length) { out.push(ext[i]); continue; }
    const v = ((i * 37) % 23) - 11;
    if (k === 'bool_') out.push(i % 3 === 1);
    else if (k === 'uint64') out.push(BigInt(i) * 123456789012345n);
    else if (k === 'int64') out.push(BigInt(v) * 98765432109876n);
    else if (k.startsWith('uint')) out.push(i * 37 % 251);
    else if (k.startsWith('int')) out.push(v);
    else if (k === 'complex64') out.push({ re: v / 4, im: i / 8 });
    else out.push(v / 8);
  }
  return out;
}
const mk = (k, shape) => mx.array(valuesFor(k, shape.reduce((a, b) => a * b, 1)), mx[k]).reshape(shape);
const NP = { bool_: 'bool' };
const npName = (k) => NP[k] || k;

// An encoded Python array against an mx array: same dtype name, shape, exact values.
function assertPy(enc, a, msg) {
  assert.equal(enc.dtype, npName(a.dtype._key), `dtype (${msg})`);
  assert.deepEqual(enc.shape, a.shape, `shape (${msg})`);
  assertArray(a, { values: enc.flat.map((x) => dec(x, enc.dtype)), tol: EXACT, msg });
}

// The bytes of a bfloat16 array (its float32 values' upper halves), as hex.
function bf16Hex(a) {
  const f = new Float32Array(flat(a.tolist()));
  const u = new Uint32Array(f.buffer);
  const b = Buffer.alloc(u.length * 2);
  u.forEach((x, i) => b.writeUInt16LE(x >>> 16, 2 * i));
  return b.toString('hex');
}

const SHAPES = [[], [0], [2, 0, 3], [7], [2, 3, 4]];

test('npy/npz: mlxjs files read by numpy, numpy files (C, Fortran, big-endian, npz) read by mlxjs', () => {
  const items = [];
  for (const k of ALL_DTYPES) {
    for (const shape of SHAPES) {
      const name = `${k}_${shape.join('x') || 'scalar'}`;
      const a = mk(k, shape);
      assert.equal(mx.save(P(`mx_${name}`), a), undefined);  // ".npy" appended
      items.push({ name, k, a });
    }
  }
  // Fortran-order and strided arrays as mlxjs writes them.
  const t = mk('float32', [4, 3, 2]).transpose();
  mx.save(P('mx_fortran.npy'), t);
  const b = mx.broadcast_to(mx.array([1, 2, 3], mx.int16), [2, 3]);
  mx.save(P('mx_bcast.npy'), b);
  const named = {};
  for (const it of items) if (it.name.endsWith('2x3x4')) named[it.name] = it.a;
  mx.savez(P('mx_plain'), items[0].a, items[1].a, named);
  mx.savez_compressed(P('mx_comp.npz'), items[0].a, named);

  const out = python(PY_ENC + String.raw`
cfg = json.load(sys.stdin); d = cfg['dir']; out = {}
for name, k in cfg['items']:
    a = np.load(os.path.join(d, 'mx_' + name + '.npy'))
    out['npy:' + name] = enc(a)
    if k == 'bfloat16': continue
    np.save(os.path.join(d, 'np_c_' + name), a)
    np.save(os.path.join(d, 'np_f_' + name), np.asfortranarray(a) if a.ndim else a)
    np.save(os.path.join(d, 'np_be_' + name), a.astype(a.dtype.newbyteorder('>')))
for f in ['fortran', 'bcast']:
    out[f] = enc(np.load(os.path.join(d, 'mx_' + f + '.npy')))
for f in ['plain', 'comp']:
    z = np.load(os.path.join(d, 'mx_' + f + '.npz'))
    out[f] = {k: enc(z[k]) for k in z.files}
    out[f + ':order'] = z.files
src = {n: np.load(os.path.join(d, 'mx_' + n + '.npy')) for n, k in cfg['items'] if k != 'bfloat16' and n.endswith('2x3x4')}
first = np.load(os.path.join(d, 'mx_float32_scalar.npy'))
np.savez(os.path.join(d, 'np_plain.npz'), first, **src)
np.savez_compressed(os.path.join(d, 'np_comp.npz'), first, **src)
np.savez(os.path.join(d, 'np_proto.npz'), **{'__proto__': np.array([9]), 'constructor': np.array([1])})
for v in [(2, 0), (3, 0)]:
    with open(os.path.join(d, 'np_v%d.npy' % v[0]), 'wb') as f:
        np.lib.format.write_array(f, np.arange(6, dtype=np.int16).reshape(2, 3), version=v)
json.dump(out, sys.stdout)
`, { dir, items: items.map((it) => [it.name, it.k]) });

  for (const it of items) {
    const enc = out[`npy:${it.name}`];
    if (it.k === 'bfloat16') {
      // MLX writes bfloat16 as a 2-byte void ('<V2'): numpy sees the raw bits.
      assert.equal(enc.dtype, 'V2');
      assert.deepEqual(enc.shape, it.a.shape);
      assert.equal(enc.hex, bf16Hex(it.a));
      assertArray(mx.load(P(`mx_${it.name}.npy`)), { dtype: mx.bfloat16, shape: it.a.shape, values: flat(it.a.tolist()), tol: EXACT });
      continue;
    }
    assertPy(enc, it.a, `numpy reads mx_${it.name}`);
    for (const v of ['c', 'f', 'be']) {
      const got = mx.load(P(`np_${v}_${it.name}.npy`));
      assertArray(got, { dtype: it.a.dtype, shape: it.a.shape, values: flat(it.a.tolist()), tol: EXACT, msg: `np_${v}_${it.name}` });
    }
  }
  assertPy(out.fortran, t, 'fortran');
  assert.equal(out.fortran.fortran, true, 'a transposed array is written in Fortran order');
  assertPy(out.bcast, b, 'broadcast view');
  assert.deepEqual(out['plain:order'], [...Object.keys(named), 'arr_0', 'arr_1']);
  assertPy(out.plain.arr_0, items[0].a, 'npz arr_0');
  assertPy(out.plain.arr_1, items[1].a, 'npz arr_1');
  for (const [k, a] of Object.entries(named)) {
    if (a.dtype === mx.bfloat16) continue;
    assertPy(out.plain[k], a, `npz ${k}`);
    assertPy(out.comp[k], a, `npz compressed ${k}`);
  }
  for (const f of ['np_plain.npz', 'np_comp.npz']) {
    const z = mx.load(P(f));
    assert.equal(Object.getPrototypeOf(z), Object.prototype);
    assertArray(z.arr_0, { dtype: mx.float32, shape: [], values: flat(items.find((i) => i.name === 'float32_scalar').a.tolist()), tol: EXACT });
    for (const [k, a] of Object.entries(named)) {
      if (a.dtype === mx.bfloat16) continue;
      assertArray(z[k], { dtype: a.dtype, shape: a.shape, values: flat(a.tolist()), tol: EXACT, msg: `${f} ${k}` });
    }
  }
  // Keys such as __proto__ come back as plain own properties.
  const proto = mx.load(P('np_proto.npz'));
  assert.deepEqual(Object.keys(proto), ['__proto__', 'constructor']);
  assert.equal(Object.getPrototypeOf(proto), Object.prototype);
  assertArray(proto.__proto__, { values: [9] });
  assertArray(proto.constructor, { values: [1] });
  // Format versions 2.0 and 3.0 (4-byte header lengths), as numpy writes them.
  for (const v of [2, 3]) {
    const buf = fs.readFileSync(P(`np_v${v}.npy`));
    assert.equal(buf[6], v);
    assertArray(mx.load(P(`np_v${v}.npy`)), { dtype: mx.int16, shape: [2, 3], values: [0, 1, 2, 3, 4, 5] });
  }
  // Our loads of Fortran files are column-major views; mlxjs round trips them too.
  assertArray(mx.load(P('mx_fortran.npy')), { dtype: mx.float32, shape: [2, 3, 4], values: flat(t.tolist()), tol: EXACT });
});

test('npz zip64 records (forced for every entry) read by Python\'s zipfile and numpy', () => {
  const native = require('../../lib/native');
  const arrays = { a: mk('float64', [3, 2]), b: mk('uint16', [5]), c: mk('bool_', []) };
  native.io_set_zip64_limit(0);
  try {
    mx.savez(P('z64'), arrays);
    mx.savez_compressed(P('z64c'), arrays);
  } finally {
    native.io_set_zip64_limit(0xffffffff);
  }
  // 6 MB: deflated as two pieces on the pool, joined into one stream.
  const N = 1536 * 1024;
  const big = mx.remainder(mx.arange(N), 1000).astype(mx.float32);
  mx.savez_compressed(P('bigc'), { big });
  const out = python(PY_ENC + String.raw`
import zipfile
d = json.load(sys.stdin); out = {}
for f in ['z64', 'z64c']:
    p = os.path.join(d, f + '.npz')
    zf = zipfile.ZipFile(p)
    out[f + ':bad'] = zf.testzip()
    out[f + ':zip64'] = [len(i.extra) >= 20 for i in zf.infolist()]
    raw = open(p, 'rb').read()
    out[f + ':eocd64'] = raw.find(b'PK\x06\x06') >= 0
    z = np.load(p)
    out[f] = {k: enc(z[k]) for k in z.files}
z = np.load(os.path.join(d, 'bigc.npz'))
out['big'] = bool((z['big'] == (np.arange(1536 * 1024) % 1000).astype(np.float32)).all())
json.dump(out, sys.stdout)
`, dir);
  assert.equal(out.big, true, 'numpy reads the pieced deflate stream');
  assert.equal(mx.array_equal(mx.load(P('bigc.npz')).big, big).item(), true);
  for (const f of ['z64', 'z64c']) {
    assert.equal(out[`${f}:bad`], null, `${f}: CRCs`);
    assert.deepEqual(out[`${f}:zip64`], [true, true, true], `${f}: central zip64 fields`);
    assert.equal(out[`${f}:eocd64`], true, `${f}: zip64 end record`);
    for (const [k, a] of Object.entries(arrays)) assertPy(out[f][k], a, `${f} ${k}`);
    const back = mx.load(P(`${f}.npz`));
    for (const [k, a] of Object.entries(arrays)) assertArray(back[k], { dtype: a.dtype, shape: a.shape, values: flat(a.tolist()), tol: EXACT });
  }
});

const PY_ST = PY_ENC + String.raw`
def bf16_bytes(vals):
    return (np.array(vals, dtype=np.float32).view(np.uint32) >> 16).astype('<u2').tobytes()
ST = {'F64': '<f8', 'F32': '<f4', 'F16': '<f2', 'I8': 'i1', 'I16': '<i2', 'I32': '<i4', 'I64': '<i8',
      'U8': 'u1', 'U16': '<u2', 'U32': '<u4', 'U64': '<u8', 'BOOL': '?', 'C64': '<c8', 'F8_E4M3': 'u1'}
def st_write(path, tensors, meta):
    header, blobs, off = {}, [], 0
    if meta is not None: header['__metadata__'] = meta
    for name, dt, shape, raw in tensors:
        header[name] = {'dtype': dt, 'shape': shape, 'data_offsets': [off, off + len(raw)]}
        blobs.append(raw); off += len(raw)
    h = json.dumps(header).encode()
    with open(path, 'wb') as f: f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
def st_read(path):
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    header = json.loads(b[8:8 + n]); data = b[8 + n:]
    out = {'__aligned__': (8 + n) % 8 == 0, '__order__': [k for k in header if k != '__metadata__'],
           '__metadata__': header.get('__metadata__'), 'tensors': {}}
    ends = []
    for k, v in header.items():
        if k == '__metadata__': continue
        s, e = v['data_offsets']; ends.append((s, e))
        if v['dtype'] == 'BF16':
            a = (np.frombuffer(data[s:e], '<u2').astype(np.uint32) << 16).view(np.float32)
        else:
            a = np.frombuffer(data[s:e], ST[v['dtype']])
        e2 = enc(a.reshape(v['shape']))
        e2['st'] = v['dtype']
        out['tensors'][k] = e2
    ends.sort()
    out['__contiguous__'] = all(ends[i][0] == ends[i - 1][1] for i in range(1, len(ends))) and (not ends or ends[-1][1] == len(data))
    return out
`;

const ST_OF = {
  float64: 'F64', float32: 'F32', float16: 'F16', bfloat16: 'BF16', int8: 'I8', int16: 'I16', int32: 'I32',
  int64: 'I64', uint8: 'U8', uint16: 'U16', uint32: 'U32', uint64: 'U64', bool_: 'BOOL', complex64: 'C64',
};

test('safetensors: files of an independent Python writer load; mlxjs files parse in Python', () => {
  const arrays = {};
  for (const k of ALL_DTYPES) arrays[`w.${k}`] = mk(k, [2, 3, 4]);
  arrays.scalar = mk('float32', []);
  arrays.empty = mk('int32', [0, 5]);
  arrays['ünï "q"'] = mk('uint8', [3]);
  const meta = { format: 'mlx', 'a "quoted" key': 'line\nbreak é ☃', empty: '' };
  assert.equal(mx.save_safetensors(P('mx_st'), arrays, meta), undefined);

  const out = python(PY_ST + String.raw`
cfg = json.load(sys.stdin); d = cfg['dir']
res = {'mx': st_read(os.path.join(d, 'mx_st.safetensors'))}
vals = [0.5, -2.0, 3.0e38, float('nan'), float('inf'), -0.0]
t = [('f64', 'F64', [2, 3], np.array([1.5, -2.25, 1e300, float('nan'), float('-inf'), 5e-324]).astype('<f8').tobytes()),
     ('f32', 'F32', [6], np.array(vals, '<f4').tobytes()),
     ('f16', 'F16', [3, 2], np.array([0.5, -2, 65504, float('nan'), float('inf'), 6e-8], '<f2').tobytes()),
     ('bf16', 'BF16', [6], bf16_bytes(vals)),
     ('i8', 'I8', [3], np.array([-128, 127, 0], 'i1').tobytes()),
     ('i16', 'I16', [2], np.array([-32768, 32767], '<i2').tobytes()),
     ('i32', 'I32', [2, 1], np.array([-2**31, 2**31 - 1], '<i4').tobytes()),
     ('i64', 'I64', [2], np.array([-2**63, 2**63 - 1], '<i8').tobytes()),
     ('u8', 'U8', [2], np.array([0, 255], 'u1').tobytes()),
     ('u16', 'U16', [2], np.array([0, 65535], '<u2').tobytes()),
     ('u32', 'U32', [2], np.array([0, 2**32 - 1], '<u4').tobytes()),
     ('u64', 'U64', [2], np.array([0, 2**64 - 1], '<u8').tobytes()),
     ('b', 'BOOL', [4], np.array([True, False, False, True]).tobytes()),
     ('c64', 'C64', [2], np.array([1 + 2j, -0.5 - 4j], '<c8').tobytes()),
     ('fp8', 'F8_E4M3', [3], bytes([0x38, 0xb8, 0x7e])),
     ('s', 'F32', [], np.array([7.0], '<f4').tobytes()),
     ('z', 'F32', [2, 0], b'')]
st_write(os.path.join(d, 'py.safetensors'), t, {'k': 'v', 'ünï': 'ç'})
st_write(os.path.join(d, 'py_nometa.safetensors'), t[:2], None)
res['py'] = {n: enc(np.frombuffer(raw, 'u1') if dt == 'F8_E4M3' else
                    (np.frombuffer(raw, '<u2').astype(np.uint32) << 16).view(np.float32) if dt == 'BF16' else
                    np.frombuffer(raw, ST[dt])) for n, dt, shape, raw in t}
json.dump(res, sys.stdout)
`, { dir });

  const r = out.mx;
  assert.equal(r.__aligned__, true, 'data starts 8-byte aligned');
  assert.equal(r.__contiguous__, true, 'tensors back to back');
  assert.deepEqual(r.__order__, Object.keys(arrays));
  assert.deepEqual(r.__metadata__, meta);
  for (const [k, a] of Object.entries(arrays)) {
    const e = r.tensors[k];
    assert.equal(e.st, ST_OF[a.dtype._key], k);
    assert.deepEqual(e.shape, a.shape, k);
    const exp = e.flat.map((x) => dec(x, e.dtype));
    assertArray(a, { values: exp, tol: EXACT, msg: k });
  }

  const [w, m] = mx.load(P('py.safetensors'), null, true);
  assert.deepEqual(m, { k: 'v', 'ünï': 'ç' });
  const want = {
    f64: [mx.float64, [2, 3]], f32: [mx.float32, [6]], f16: [mx.float16, [3, 2]], bf16: [mx.bfloat16, [6]],
    i8: [mx.int8, [3]], i16: [mx.int16, [2]], i32: [mx.int32, [2, 1]], i64: [mx.int64, [2]], u8: [mx.uint8, [2]],
    u16: [mx.uint16, [2]], u32: [mx.uint32, [2]], u64: [mx.uint64, [2]], b: [mx.bool_, [4]], c64: [mx.complex64, [2]],
    fp8: [mx.uint8, [3]], s: [mx.float32, []], z: [mx.float32, [2, 0]],
  };
  assert.deepEqual(Object.keys(w), Object.keys(want), 'file order');
  for (const [k, [dt, shape]] of Object.entries(want)) {
    const e = out.py[k];
    assertArray(w[k], { dtype: dt, shape, values: e.flat.map((x) => dec(x, e.dtype)), tol: EXACT, msg: k });
  }
  const noMeta = mx.load(P('py_nometa.safetensors'), { return_metadata: true });
  assert.deepEqual(noMeta[1], {});
  assert.deepEqual(Object.keys(noMeta[0]), ['f64', 'f32']);
});

const PY_GGUF = PY_ENC + String.raw`
FMT = {0: '<B', 1: '<b', 2: '<H', 3: '<h', 4: '<I', 5: '<i', 6: '<f', 7: '<?', 10: '<Q', 11: '<q', 12: '<d'}
def gs(x):
    b = x.encode()
    return struct.pack('<Q', len(b)) + b
def gval(t, v):
    if t == 8: return gs(v)
    if t == 9:
        et, items = v
        return struct.pack('<IQ', et, len(items)) + b''.join(gval(et, x) for x in items)
    return struct.pack(FMT[t], v)
def gguf_write(path, kvs, tensors, alignment=32, version=3):
    out = b'GGUF' + struct.pack('<IQQ', version, len(tensors), len(kvs))
    for k, t, v in kvs: out += gs(k) + struct.pack('<I', t) + gval(t, v)
    off, infos, datas = 0, b'', []
    for name, dims, t, raw in tensors:
        off = (off + alignment - 1) // alignment * alignment
        infos += gs(name) + struct.pack('<I', len(dims)) + b''.join(struct.pack('<Q', x) for x in dims) + struct.pack('<IQ', t, off)
        datas.append((off, raw)); off += len(raw)
    out += infos
    out += b'\0' * ((-len(out)) % alignment)
    data = bytearray(off)
    for o, raw in datas: data[o:o + len(raw)] = raw
    with open(path, 'wb') as f: f.write(out + bytes(data))
GT = {0: '<f4', 1: '<f2', 24: 'i1', 25: '<i2', 26: '<i4', 27: '<i8', 28: '<f8'}
def gguf_read(path):
    b = open(path, 'rb').read(); p = [0]
    def take(n):
        s = b[p[0]:p[0] + n]; p[0] += n; return s
    def u32(): return struct.unpack('<I', take(4))[0]
    def u64(): return struct.unpack('<Q', take(8))[0]
    def s(): return take(u64()).decode()
    def val(t):
        if t == 8: return {'s': s()}
        if t == 9:
            et = u32(); n = u64()
            return {'arr': et, 'items': [val(et) for _ in range(n)]}
        v = struct.unpack(FMT[t], take(struct.calcsize(FMT[t])))[0]
        return {'t': t, 'v': encf(v) if t in (6, 12) else (bool(v) if t == 7 else str(v))}
    assert take(4) == b'GGUF'
    ver = u32(); nt = u64(); nk = u64()
    meta = {}
    align = 32
    for _ in range(nk):
        k = s(); t = u32(); meta[k] = val(t)
        if k == 'general.alignment' and t == 4: align = int(meta[k]['v'])
    infos = []
    for _ in range(nt):
        name = s(); nd = u32(); dims = [u64() for _ in range(nd)]; t = u32(); off = u64()
        infos.append((name, dims, t, off))
    start = (p[0] + align - 1) // align * align
    tensors = {}
    for name, dims, t, off in infos:
        n = int(np.prod(dims)) if dims else 1
        if t == 30:
            a = (np.frombuffer(b, '<u2', n, start + off).astype(np.uint32) << 16).view(np.float32)
        else:
            a = np.frombuffer(b, GT[t], n, start + off)
        e = enc(a.reshape(dims[::-1])); e['type'] = t; e['aligned'] = off % align == 0 and start % align == 0
        tensors[name] = e
    return {'version': ver, 'meta': meta, 'tensors': tensors, 'order': [i[0] for i in infos]}
def f16bits(x): return np.array([x], '<f2').tobytes()
`;

// MLX's quantized layout back to values: w = scale * q + bias per 32-element group.
function dequant(w, scales, biases, bits) {
  const words = w.toTypedArray();
  const sc = scales.toTypedArray(), bi = biases.toTypedArray();
  const per = 32 / bits, n = words.length * per, out = [];
  for (let i = 0; i < n; i++) {
    const q = (words[Math.floor(i / per)] >>> ((i % per) * bits)) & ((1 << bits) - 1);
    out.push(Math.fround(Math.fround(sc[Math.floor(i / 32)] * q) + bi[Math.floor(i / 32)]));
  }
  return out;
}

test('gguf: an independent Python writer (metadata of every type, F32/F16/I32/BF16, Q8_0, Q4_0, Q4_1) and reader', () => {
  const out = python(PY_GGUF + String.raw`
cfg = json.load(sys.stdin); d = cfg['dir']
kvs = [('general.alignment', 4, 64), ('u8', 0, 255), ('i8', 1, -128), ('u16', 2, 65535), ('i16', 3, -32768),
       ('u32', 4, 4294967295), ('i32', 5, -2147483648), ('f32', 6, 1.5), ('b', 7, True), ('str', 8, 'héllo'),
       ('u64', 10, 2**64 - 1), ('i64', 11, -2**63), ('f64', 12, 0.1),
       ('ai32', 9, (5, [1, -2, 3])), ('af32', 9, (6, [0.25, -1.0])), ('ab', 9, (7, [True, False])),
       ('astr', 9, (8, ['a', '', 'ünï'])), ('aempty', 9, (4, []))]
# Q8_0: two blocks of 32, scales 0.5 and 0.25, q = k - 16 and 15 - k.
q8, q8v = b'', []
for d8, qs in [(0.5, [k - 16 for k in range(32)]), (0.25, [15 - k for k in range(32)])]:
    q8 += f16bits(d8) + bytes((q & 255) for q in qs)
    q8v += [d8 * q for q in qs]
# Q4_0: element j in the low nibble of byte j, element j + 16 in the high one; w = d (q - 8).
q4, q4v = b'', []
for d4, qs in [(2.0, [k % 16 for k in range(32)]), (0.125, [(3 * k) % 16 for k in range(32)])]:
    q4 += f16bits(d4) + bytes(qs[j] | (qs[j + 16] << 4) for j in range(16))
    q4v += [d4 * (q - 8) for q in qs]
# Q4_1: scale and min, w = d q + m.
q41, q41v = b'', []
for d1, m1, qs in [(0.5, -3.0, [(5 * k) % 16 for k in range(32)])]:
    q41 += f16bits(d1) + f16bits(m1) + bytes(qs[j] | (qs[j + 16] << 4) for j in range(16))
    q41v += [d1 * q + m1 for q in qs]
f32 = np.arange(6, dtype='<f4') * 1.5
tensors = [('t.f32', [3, 2], 0, f32.tobytes()), ('t.f16', [4], 1, np.array([1, -2, 0.5, 65504], '<f2').tobytes()),
           ('t.i32', [2], 26, np.array([-7, 9], '<i4').tobytes()),
           ('t.bf16', [2], 30, (np.array([1.5, -3.0], '<f4').view(np.uint32) >> 16).astype('<u2').tobytes()),
           ('q8.weight', [32, 2], 8, q8), ('q4.weight', [32, 2], 2, q4), ('q41', [32], 3, q41)]
gguf_write(os.path.join(d, 'py.gguf'), kvs, tensors, alignment=64)
gguf_write(os.path.join(d, 'py_v2.gguf'), [('x', 8, 'y')], tensors[:1], version=2)
res = {'q8': q8v, 'q4': q4v, 'q41': q41v}
json.dump(res, sys.stdout)
`, { dir });

  const [w, m] = mx.load(P('py.gguf'), { return_metadata: true });
  assert.deepEqual(Object.keys(w), ['t.f32', 't.f16', 't.i32', 't.bf16', 'q8.weight', 'q8.scales', 'q8.biases',
    'q4.weight', 'q4.scales', 'q4.biases', 'q41', 'q41.scales', 'q41.biases']);
  assertArray(w['t.f32'], { dtype: mx.float32, shape: [2, 3], values: [0, 1.5, 3, 4.5, 6, 7.5] });
  assertArray(w['t.f16'], { dtype: mx.float16, shape: [4], values: [1, -2, 0.5, 65504], tol: EXACT });
  assertArray(w['t.i32'], { dtype: mx.int32, shape: [2], values: [-7, 9] });
  assertArray(w['t.bf16'], { dtype: mx.bfloat16, shape: [2], values: [1.5, -3], tol: EXACT });
  const q = [['q8', 8, [2, 8], [2, 1]], ['q4', 4, [2, 4], [2, 1]], ['q41', 4, [4], [1]]];
  for (const [name, bits, wshape, gshape] of q) {
    const pre = name === 'q41' ? 'q41' : name;
    const wt = w[name === 'q41' ? 'q41' : `${name}.weight`];
    assert.equal(wt.dtype, mx.uint32, name);
    assert.deepEqual(wt.shape, wshape, name);
    assert.deepEqual(w[`${pre}.scales`].shape, gshape, name);
    assert.equal(w[`${pre}.scales`].dtype, mx.float16);
    assert.equal(w[`${pre}.biases`].dtype, mx.float16);
    assert.deepEqual(dequant(wt, w[`${pre}.scales`], w[`${pre}.biases`], bits), out[name], `dequantized ${name}`);
  }
  // Metadata: numbers and bools as 0-d arrays of their type, arrays as 1-d arrays, strings.
  const scalars = {
    'general.alignment': [mx.uint32, 64], u8: [mx.uint8, 255], i8: [mx.int8, -128], u16: [mx.uint16, 65535],
    i16: [mx.int16, -32768], u32: [mx.uint32, 4294967295], i32: [mx.int32, -2147483648], f32: [mx.float32, 1.5],
    b: [mx.bool_, true], u64: [mx.uint64, 2n ** 64n - 1n], i64: [mx.int64, -(2n ** 63n)], f64: [mx.float64, 0.1],
  };
  for (const [k, [dt, v]] of Object.entries(scalars)) assertArray(m[k], { dtype: dt, shape: [], values: v, tol: EXACT, msg: k });
  assert.equal(m.str, 'héllo');
  assertArray(m.ai32, { dtype: mx.int32, shape: [3], values: [1, -2, 3] });
  assertArray(m.af32, { dtype: mx.float32, shape: [2], values: [0.25, -1] });
  assertArray(m.ab, { dtype: mx.bool_, shape: [2], values: [true, false] });
  assert.deepEqual(m.astr, ['a', '', 'ünï']);
  assertArray(m.aempty, { dtype: mx.uint32, shape: [0] });
  // Version 2 files read the same way.
  const [w2, m2] = mx.load(P('py_v2.gguf'), null, true);
  assert.deepEqual(m2, { x: 'y' });
  assertArray(w2['t.f32'], { shape: [2, 3], values: [0, 1.5, 3, 4.5, 6, 7.5] });

  // mlxjs files through the Python reader.
  const arrays = {};
  for (const k of ['float32', 'float16', 'bfloat16', 'float64', 'int8', 'int16', 'int32', 'int64']) arrays[`t.${k}`] = mk(k, [3, 5]);
  arrays.vec = mk('float32', [7]);
  arrays.scalar = mk('int32', []);
  const meta = {
    s: 'text é', l: ['a', '', 'ccc'], n: 3, x: 2.5, big: 2n ** 40n, flag: true, ints: [1, 2, 3], fl: [0.5, 1.5],
    u8: mx.array([1, 2], mx.uint8), f64: mx.array(0.1, mx.float64), b8: mx.array([true, false]),
    'general.alignment': 64,  // written as the spec's uint32, and used for the data
  };
  mx.save_gguf(P('mx'), arrays, meta);
  const r = python(PY_GGUF + 'json.dump(gguf_read(json.load(sys.stdin)), sys.stdout)', P('mx.gguf'));
  assert.equal(r.version, 3);
  assert.deepEqual(r.order, Object.keys(arrays));
  const TYPE = { float32: 0, float16: 1, bfloat16: 30, float64: 28, int8: 24, int16: 25, int32: 26, int64: 27 };
  for (const [k, a] of Object.entries(arrays)) {
    const e = r.tensors[k];
    assert.equal(e.type, TYPE[a.dtype._key], k);
    assert.equal(e.aligned, true, k);
    assert.deepEqual(e.shape, a.shape, k);
    assertArray(a, { values: e.flat.map((x) => dec(x, e.dtype)), tol: EXACT, msg: k });
  }
  assert.deepEqual(r.meta.s, { s: 'text é' });
  assert.deepEqual(r.meta.l, { arr: 8, items: [{ s: 'a' }, { s: '' }, { s: 'ccc' }] });
  assert.deepEqual(r.meta.n, { t: 5, v: '3' });
  assert.deepEqual(r.meta.x, { t: 6, v: 2.5 });
  assert.deepEqual(r.meta.big, { t: 11, v: String(2n ** 40n) });
  assert.deepEqual(r.meta.flag, { t: 7, v: true });
  assert.deepEqual(r.meta.ints, { arr: 5, items: [{ t: 5, v: '1' }, { t: 5, v: '2' }, { t: 5, v: '3' }] });
  assert.deepEqual(r.meta.fl, { arr: 6, items: [{ t: 6, v: 0.5 }, { t: 6, v: 1.5 }] });
  assert.deepEqual(r.meta.u8, { arr: 0, items: [{ t: 0, v: '1' }, { t: 0, v: '2' }] });
  assert.deepEqual(r.meta.f64, { t: 12, v: 0.1 });
  assert.deepEqual(r.meta.b8, { arr: 7, items: [{ t: 7, v: true }, { t: 7, v: false }] });
  assert.deepEqual(r.meta['general.alignment'], { t: 4, v: '64' });
  // And back through mlxjs.
  const [w3, m3] = mx.load(P('mx.gguf'), null, true);
  for (const [k, a] of Object.entries(arrays)) assertArray(w3[k], { dtype: a.dtype, shape: a.shape, values: flat(a.tolist()), tol: EXACT, msg: k });
  assert.deepEqual(m3.l, ['a', '', 'ccc']);
  assertArray(m3.big, { dtype: mx.int64, values: 2n ** 40n });
});

test('bytes in memory: save(null) returns a Buffer, load takes Buffer/TypedArray/ArrayBuffer/DataView', () => {
  const a = mk('float32', [2, 3]);
  const b = mk('int64', [4]);
  const npy = mx.save(null, a);
  assert.ok(Buffer.isBuffer(npy));
  const bufs = {
    npy,
    npz: mx.savez(null, a, { b }),
    npzc: mx.savez_compressed(null, { a, b }),
    safetensors: mx.save_safetensors(null, { a, b }, { k: 'v' }),
    gguf: mx.save_gguf(null, { a, b }, { k: 'v' }),
  };
  // The bytes equal what the path form writes.
  mx.save_safetensors(P('mem'), { a, b }, { k: 'v' });
  assert.deepEqual(bufs.safetensors, fs.readFileSync(P('mem.safetensors')));
  mx.save(P('mem'), a);
  assert.deepEqual(bufs.npy, fs.readFileSync(P('mem.npy')));
  assertArray(mx.load(bufs.npy), { dtype: mx.float32, shape: [2, 3], values: flat(a.tolist()) });
  for (const f of ['npz', 'npzc', 'safetensors', 'gguf']) {
    const r = mx.load(bufs[f]);  // the format from the leading bytes
    assertArray(r.b, { dtype: mx.int64, values: flat(b.tolist()), msg: f });
  }
  // A view with an offset into a larger buffer, an ArrayBuffer, a DataView, explicit formats.
  const big = Buffer.concat([Buffer.from('junk'), bufs.gguf, Buffer.from('tail')]);
  const view = new Uint8Array(big.buffer, big.byteOffset + 4, bufs.gguf.length);
  assertArray(mx.load(view, 'gguf').a, { values: flat(a.tolist()) });
  const ab = bufs.npz.buffer.slice(bufs.npz.byteOffset, bufs.npz.byteOffset + bufs.npz.length);
  assertArray(mx.load(ab).arr_0, { values: flat(a.tolist()) });
  assertArray(mx.load(new DataView(ab), { format: 'npz' }).b, { values: flat(b.tolist()) });
  const [w, m] = mx.load(bufs.safetensors, 'safetensors', true);
  assert.deepEqual(m, { k: 'v' });
  assert.deepEqual(Object.keys(w), ['a', 'b']);
  throwsWith(() => mx.load(Buffer.from('nothing here')), Error, /^\[load\] Could not infer the format/);
  throwsWith(() => mx.load(bufs.npy, 'npz'), Error, /^\[load\] .*(zip|too short)/);
});

test('paths: extensions appended as MLX does, formats from the extension, keyword forms, stream', () => {
  const a = mk('int16', [3]);
  mx.save(P('e1'), a);
  mx.save(P('e2.npy'), a);
  mx.savez(P('e3'), a);
  mx.savez_compressed(P('e4.npz'), a);
  mx.save_safetensors(P('e5'), { a });
  mx.save_safetensors(P('e6.safetensors'), { a });
  mx.save_gguf(P('e7'), { a });
  mx.save_gguf(P('e8.gguf'), { a });
  for (const f of ['e1.npy', 'e2.npy', 'e3.npz', 'e4.npz', 'e5.safetensors', 'e6.safetensors', 'e7.gguf', 'e8.gguf']) {
    assert.ok(fs.existsSync(P(f)), f);
  }
  assert.ok(!fs.existsSync(P('e2.npy.npy')));
  // A file with another extension needs `format`.
  fs.copyFileSync(P('e1.npy'), P('e1.bin'));
  throwsWith(() => mx.load(P('e1.bin')), Error, /^\[load\] Unknown file format bin/);
  assertArray(mx.load(P('e1.bin'), 'npy'), { dtype: mx.int16, values: flat(a.tolist()) });
  assertArray(mx.load(P('e1.bin'), { format: 'npy', stream: mx.cpu }), { values: flat(a.tolist()) });
  assertArray(mx.load(P('e1.npy'), { stream: mx.default_stream(mx.cpu) }), { values: flat(a.tolist()) });
  assertArray(mx.load(P('e3.npz'), { stream: mx.new_stream(mx.cpu) }).arr_0, { values: flat(a.tolist()) });
  fs.copyFileSync(P('e1.npy'), P('noext'));
  throwsWith(() => mx.load(P('noext')), Error, /^\[load\] Could not infer file format from extension/);
  // Keyword forms of the dict-taking savers; {} and non-parameter keys are the dicts themselves.
  mx.save_safetensors({ file: P('k1'), arrays: { a }, metadata: { m: '1' } });
  mx.save_safetensors(P('k2'), { arrays: { a } });
  mx.save_safetensors(P('k3'), { a }, { metadata: { m: '3' } });
  mx.save_safetensors(P('k4'), {});
  assert.deepEqual(mx.load(P('k1.safetensors'), null, true)[1], { m: '1' });
  assert.deepEqual(Object.keys(mx.load(P('k2.safetensors'))), ['a']);
  assert.deepEqual(mx.load(P('k3.safetensors'), { return_metadata: true })[1], { m: '3' });
  assert.deepEqual(mx.load(P('k4.safetensors')), {});
  mx.save_gguf(P('k5'), new Map([['a', a]]), new Map([['m', 'x']]));
  assert.deepEqual(mx.load(P('k5.gguf'), null, true)[1], { m: 'x' });
  // savez: positionals are arr_0..., the trailing object names the rest (first, as numpy).
  mx.savez(P('kz'), a, mx.array([1.5]), { x: a, y: mx.array([9]) });
  const z = mx.load(P('kz.npz'));
  assert.deepEqual(Object.keys(z), ['x', 'y', 'arr_0', 'arr_1']);
  assertArray(z.arr_1, { dtype: mx.float32, values: [1.5] });
  assertArray(z.y, { dtype: mx.int32, values: [9] });
  // An empty archive.
  mx.savez(P('empty'));
  assert.deepEqual(mx.load(P('empty.npz')), {});
  // JS values convert as mx.array does.
  mx.save(P('js'), [[1, 2], [3, 4]]);
  assertArray(mx.load(P('js.npy')), { dtype: mx.int32, shape: [2, 2], values: [1, 2, 3, 4] });
});

test('errors: classes and messages', () => {
  const a = mk('float32', [2]);
  throwsWith(() => mx.load(P('missing.npy')), Error, /^\[load\] Failed to open .*missing\.npy: No such file/);
  throwsWith(() => mx.load(dir, 'npy'), Error, /^\[load\] Failed to open .*not a regular file/);
  throwsWith(() => mx.load(42), TypeError, /^\[load\] argument 'file' must be a path string, Buffer/);
  throwsWith(() => mx.load(P('x.npy'), 3), TypeError, /^\[load\] argument 'format'/);
  throwsWith(() => mx.load(P('x.npy'), 'pickle'), Error, /^\[load\] Unknown file format pickle/);
  throwsWith(() => mx.load(P('e1.npy'), null, true), Error, /^\[load\] metadata not supported for format npy/);
  throwsWith(() => mx.load(P('e3.npz'), { return_metadata: true }), Error, /^\[load\] metadata not supported for format npz/);
  throwsWith(() => mx.load(P('e1.npy'), { stream: 'cpu' }), TypeError, /^\[load\] argument 'stream'/);
  throwsWith(() => mx.load('a\0b.npy'), TypeError, /^\[load\] .*NUL/);
  throwsWith(() => mx.load(P('e1.npy'), { bogus: 1 }), TypeError, /^\[load\] unknown keyword argument 'bogus'/);
  throwsWith(() => mx.save(42, a), TypeError, /^\[save\] argument 'file' must be a path string, or null/);
  throwsWith(() => mx.save(P('x')), TypeError, /^\[save\] missing required argument 'arr'/);
  throwsWith(() => mx.save(P('x'), 'text'), TypeError, /^\[save\] argument 'arr'/);
  throwsWith(() => mx.save('/nonexistent-dir/x', a), Error, /^\[save\] Failed to open \/nonexistent-dir\/x\.npy for writing/);
  throwsWith(() => mx.savez(P('c'), a, { arr_0: a }), Error, /^\[savez\] Cannot use un-named variables and keyword arr_0/);
  throwsWith(() => mx.savez_compressed(P('c'), { x: 'no' }), TypeError, /^\[savez_compressed\]/);
  throwsWith(() => mx.save_safetensors(P('c'), [a]), TypeError, /^\[save_safetensors\] argument 'arrays'/);
  throwsWith(() => mx.save_safetensors(P('c'), { a }, { k: 1 }), TypeError, /^\[save_safetensors\] Metadata must be a dictionary with string keys and values/);
  throwsWith(() => mx.save_safetensors(P('c'), { __metadata__: a }), Error, /^\[save_safetensors\] '__metadata__' is reserved/);
  throwsWith(() => mx.save_gguf(P('c'), { a: mx.array([true]) }), Error, /^\[save_gguf\] dtype bool is not supported/);
  throwsWith(() => mx.save_gguf(P('c'), { a: mx.array([1], mx.complex64) }), Error, /^\[save_gguf\] dtype complex64 is not supported/);
  throwsWith(() => mx.save_gguf(P('c'), { a }, { m: mx.zeros([2, 2]) }), Error, /^\[save_gguf\] Cannot save arrays with more than one dimension/);
  throwsWith(() => mx.save_gguf(P('c'), { a }, { m: mx.array(1, mx.float16) }), Error, /^\[save_gguf\] Array type float16 is not supported for metadata/);
  throwsWith(() => mx.save_gguf(P('c'), { a }, { m: { x: 1 } }), TypeError, /^\[save_gguf\] metadata value 'm' must be/);
  throwsWith(() => mx.save_gguf(P('c'), { a }, { m: null }), TypeError, /^\[save_gguf\] metadata value 'm' must be/);
  // Bad files: each a clear [load] Error.
  const bad = (name, bytes, re, fmt) => {
    fs.writeFileSync(P(name), bytes);
    throwsWith(() => mx.load(P(name), fmt), Error, re, name);
  };
  const okNpy = fs.readFileSync(P('e1.npy'));
  bad('t1.npy', okNpy.subarray(0, okNpy.length - 1), /^\[load\] Unexpected end of file .*truncated/);
  bad('t2.npy', Buffer.from('hello world, this is not numpy'), /^\[load\] Invalid \.npy file .*bad magic/);
  const st = fs.readFileSync(P('e5.safetensors'));
  bad('t3.safetensors', st.subarray(0, st.length - 2), /^\[load\] The data offsets .* run past the end of the file/);
  const hdr = Buffer.alloc(8);
  hdr.writeBigUInt64LE(2n ** 62n);
  bad('t4.safetensors', Buffer.concat([hdr, Buffer.from('{}')]), /^\[load\] Invalid \.safetensors file .*bad JSON header length/);
  bad('t5.gguf', Buffer.from('GGUF\x01\x00\x00\x00' + '\0'.repeat(16), 'latin1'), /^\[load\] Unsupported GGUF version 1/);
  const npz = fs.readFileSync(P('e4.npz'));
  bad('t6.npz', npz.subarray(0, 40), /^\[load\] Invalid \.npz file .*end-of-central-directory/);
});

// Corrupt files through the whole stack: each try either loads or throws an Error whose
// message starts with [load]; nothing else may happen (no crash, no other error type).
test('corrupt files: truncations and byte changes at many positions', () => {
  const arrays = { 'a.weight': mk('float32', [4, 8]), b: mk('int64', [3]), c: mk('bool_', [5]), d: mk('complex64', [2]) };
  const files = {
    npy: mx.save(null, arrays['a.weight']),
    npz: mx.savez(null, arrays),
    npzc: mx.savez_compressed(null, arrays),
    safetensors: mx.save_safetensors(null, arrays, { k: 'v', j: 'w' }),
    gguf: mx.save_gguf(null, { 'a.weight': arrays['a.weight'], b: arrays.b }, { s: 'x', l: ['p', 'q'], n: mx.array([1, 2], mx.uint32) }),
  };
  let loads = 0, errors = 0;
  const attempt = (buf, fmt) => {
    try {
      const r = mx.load(buf, fmt);
      for (const v of typeof r.tolist === 'function' ? [r] : Object.values(r)) v.tolist();
      loads++;
    } catch (e) {
      assert.equal(e.constructor, Error, `${fmt}: ${e}`);
      assert.match(e.message, /^\[load\] /, fmt);
      errors++;
    }
  };
  let seed = 12345;
  const rand = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  for (const [name, f] of Object.entries(files)) {
    const fmt = name === 'npzc' ? 'npz' : name;
    for (let n = 0; n < f.length; n += Math.max(1, Math.floor(f.length / 400))) attempt(f.subarray(0, n), fmt);
    for (let i = 0; i < f.length; i += Math.max(1, Math.floor(f.length / 300))) {
      for (const v of [f[i] ^ 1, f[i] ^ 0x80, 0xff, 0]) {
        const g = Buffer.from(f);
        g[i] = v;
        attempt(g, fmt);
      }
    }
    for (let r = 0; r < 200; r++) {
      const g = Buffer.from(f);
      for (let k = 0; k < 3; k++) g[rand() % g.length] = rand() & 255;
      attempt(g, fmt);
    }
  }
  // The same through a file on disk.
  const g = Buffer.from(files.safetensors);
  g.writeUInt32LE(0xffffffff, 8 + 10);
  fs.writeFileSync(P('corrupt.safetensors'), g);
  attempt(P('corrupt.safetensors'), 'safetensors');
  assert.ok(errors > 2000, `errors ${errors}`);
  assert.ok(loads > 100, `loads ${loads}`);
});
