#!/usr/bin/env python3
"""Seed files for the fuzz targets written by numpy and by small hand-written writers
(safetensors: JSON header + raw bytes; GGUF v2/v3 with metadata of every type and the
Q4_0, Q4_1, Q8_0, Q4_K and Q6_K block types). Called by fuzz/make_corpus.js:
    python3 fuzz/seeds.py OUTDIR      (writes OUTDIR/{npy,npz,safetensors,gguf}/py_*)
Every file is one mlxjs must load without error."""
import io
import json
import os
import struct
import sys
import zipfile

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(7)


def put(kind, name, data):
    with open(os.path.join(out, kind, name), 'wb') as f:
        f.write(data)


def npy_bytes(a, version=None):
    b = io.BytesIO()
    if version is None:
        np.save(b, a)
    else:
        np.lib.format.write_array(b, a, version=version)
    return b.getvalue()


# ---- .npy -----------------------------------------------------------------------------
for dt in ['?', 'u1', 'i1', '<u2', '<i2', '<u4', '<i4', '<u8', '<i8', '<f2', '<f4', '<f8', '<c8',
           '>u2', '>i4', '>i8', '>f2', '>f4', '>f8', '>c8']:
    a = (rng.standard_normal((2, 3)) * 10).astype(dt)
    put('npy', 'py_%s.npy' % dt.replace('<', 'le').replace('>', 'be').replace('?', 'bool'), npy_bytes(a))
put('npy', 'py_fortran.npy', npy_bytes(np.asfortranarray(np.arange(24, dtype='<f4').reshape(2, 3, 4))))
put('npy', 'py_fortran_be.npy', npy_bytes(np.asfortranarray(np.arange(6, dtype='>i2').reshape(2, 3))))
put('npy', 'py_scalar.npy', npy_bytes(np.float64(3.25)))
put('npy', 'py_empty.npy', npy_bytes(np.zeros((3, 0, 2), '<i4')))
put('npy', 'py_v2.npy', npy_bytes(np.arange(5, dtype='<i8'), version=(2, 0)))
put('npy', 'py_v3.npy', npy_bytes(np.arange(4, dtype='<f4'), version=(3, 0)))
# A hand-written header as Python 2's numpy wrote it: 'L' longs, another key order.
hdr = b"{'shape': (2L, 2L), 'fortran_order': False, 'descr': '<u1'}"
hdr += b' ' * ((-(10 + len(hdr) + 1)) % 64) + b'\n'
put('npy', 'py_py2_header.npy', b'\x93NUMPY\x01\x00' + struct.pack('<H', len(hdr)) + hdr + bytes([1, 2, 3, 4]))

# ---- .npz -----------------------------------------------------------------------------
def npz_bytes(compressed, **arrays):
    b = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(b, **arrays)
    return b.getvalue()


put('npz', 'py_stored.npz', npz_bytes(False, a=np.arange(6, dtype='<f4').reshape(2, 3), b=np.array([True, False])))
put('npz', 'py_deflate.npz', npz_bytes(True, x=np.arange(100, dtype='<i4'), y=np.ones((4, 4), '>f8')))
put('npz', 'py_empty_entry.npz', npz_bytes(True, e=np.zeros((0,), '<f2')))
put('npz', 'py_no_entries.npz', npz_bytes(False))
# Entries that zipfile writes with a data descriptor after the data (streamed, flag bit 3).
b = io.BytesIO()
with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED) as z:
    with z.open('s.npy', 'w') as f:
        f.write(npy_bytes(np.arange(8, dtype='<u2')))
put('npz', 'py_streamed.npz', b.getvalue())
b = io.BytesIO()
with zipfile.ZipFile(b, 'w', zipfile.ZIP_STORED) as z:
    with z.open('s.npy', 'w', force_zip64=True) as f:
        f.write(npy_bytes(np.arange(3, dtype='<i8')))
put('npz', 'py_streamed_zip64.npz', b.getvalue())

# ---- .safetensors -----------------------------------------------------------------------
def st_bytes(tensors, metadata=None, pad=8):
    header, data = {}, b''
    if metadata is not None:
        header['__metadata__'] = metadata
    for name, (dt, arr) in tensors.items():
        raw = arr.tobytes()
        header[name] = {'dtype': dt, 'shape': list(arr.shape), 'data_offsets': [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header).encode()
    h += b' ' * ((-len(h)) % pad)
    return struct.pack('<Q', len(h)) + h + data


put('safetensors', 'py_basic.safetensors', st_bytes({
    'w': ('F32', np.arange(6, dtype='<f4').reshape(2, 3)), 'i': ('I64', np.array([-1, 2], '<i8')),
    'u': ('U8', np.array([1, 2, 3], 'u1')), 'b': ('BOOL', np.array([True, False])),
    'h': ('F16', np.array([0.5, -2], '<f2')), 'd': ('F64', np.array([1e300], '<f8')),
    'u16': ('U16', np.array([7], '<u2')), 'u32': ('U32', np.array([8], '<u4')), 'u64': ('U64', np.array([9], '<u8')),
    'i8': ('I8', np.array([-3], 'i1')), 'i16': ('I16', np.array([-4], '<i2')), 'i32': ('I32', np.array([-5], '<i4')),
    'bf': ('BF16', (np.array([1.5, -3], '<f4').view('<u4') >> 16).astype('<u2')),
}, {'format': 'pt', 'unicode': 'h\u00e9llo \u2603'}))
put('safetensors', 'py_scalar_empty.safetensors', st_bytes({'s': ('F32', np.array(2.0, '<f4')), 'e': ('I32', np.zeros((0, 4), '<i4'))}))
# JSON with escapes, numbers in other forms and nesting the reader must accept.
h = (b'{"__metadata__":{"k\\u00e9y":"v\\n\\t\\"\\\\\\/"},"t":{"data_offsets":[0,4],"shape":[1],'
     b'"dtype":"F32","extra":[null,true,false,1.5e3,-0.0,{"a":[]}]}}')
put('safetensors', 'py_json_forms.safetensors', struct.pack('<Q', len(h)) + h + np.array([1.0], '<f4').tobytes())

# ---- .gguf ------------------------------------------------------------------------------
FMT = {0: '<B', 1: '<b', 2: '<H', 3: '<h', 4: '<I', 5: '<i', 6: '<f', 7: '<?', 10: '<Q', 11: '<q', 12: '<d'}


def gs(x):
    b = x.encode()
    return struct.pack('<Q', len(b)) + b


def gval(t, v):
    if t == 8:
        return gs(v)
    if t == 9:
        et, items = v
        return struct.pack('<IQ', et, len(items)) + b''.join(gval(et, x) for x in items)
    return struct.pack(FMT[t], v)


def gguf_bytes(kvs, tensors, alignment=32, version=3):
    out = b'GGUF' + struct.pack('<IQQ', version, len(tensors), len(kvs))
    for k, t, v in kvs:
        out += gs(k) + struct.pack('<I', t) + gval(t, v)
    off, infos, datas = 0, b'', []
    for name, dims, t, raw in tensors:
        off = (off + alignment - 1) // alignment * alignment
        infos += gs(name) + struct.pack('<I', len(dims)) + b''.join(struct.pack('<Q', x) for x in dims) + struct.pack('<IQ', t, off)
        datas.append((off, raw))
        off += len(raw)
    out += infos
    out += b'\0' * ((-len(out)) % alignment)
    data = bytearray(off)
    for o, raw in datas:
        data[o:o + len(raw)] = raw
    return out + bytes(data)


def f16(x):
    return np.array([x], '<f2').tobytes()


q8 = b''.join(f16(0.5) + bytes((k * 7) & 255 for k in range(32)) for _ in range(2))
q4_0 = b''.join(f16(d) + bytes((k * 5) & 255 for k in range(16)) for d in (2.0, 0.125))
q4_1 = f16(0.5) + f16(-3.0) + bytes((k * 11) & 255 for k in range(16))
# Q4_K super-block (256 elements): d, dmin, 12 bytes of 6-bit scales and mins, 128 bytes of nibbles.
q4_k = f16(0.25) + f16(0.5) + bytes((k * 13 + 1) & 63 for k in range(12)) + bytes((k * 3) & 255 for k in range(128))
# Q6_K super-block: 128 bytes of low nibbles, 64 of high bits, 16 int8 scales, then d.
q6_k = bytes((k * 9) & 255 for k in range(128)) + bytes((k * 5) & 255 for k in range(64)) + \
    bytes((k * 3 - 20) & 255 for k in range(16)) + f16(0.01)
kvs = [('general.alignment', 4, 64), ('u8', 0, 255), ('i8', 1, -128), ('u16', 2, 65535), ('i16', 3, -32768),
       ('u32', 4, 4294967295), ('i32', 5, -2147483648), ('f32', 6, 1.5), ('b', 7, True), ('str', 8, 'h\u00e9llo'),
       ('u64', 10, 2**64 - 1), ('i64', 11, -2**63), ('f64', 12, 0.1),
       ('ai32', 9, (5, [1, -2, 3])), ('af32', 9, (6, [0.25, -1.0])), ('ab', 9, (7, [True, False])),
       ('astr', 9, (8, ['a', '', 'x'])), ('aempty', 9, (4, []))]
tensors = [('t.f32', [3, 2], 0, np.arange(6, dtype='<f4').tobytes()),
           ('t.f16', [2], 1, np.array([1, -2], '<f2').tobytes()),
           ('t.i8', [2], 24, np.array([1, -2], 'i1').tobytes()), ('t.i16', [2], 25, np.array([3, -4], '<i2').tobytes()),
           ('t.i32', [2], 26, np.array([-7, 9], '<i4').tobytes()), ('t.i64', [1], 27, np.array([5], '<i8').tobytes()),
           ('t.f64', [1], 28, np.array([0.5], '<f8').tobytes()), ('t.bf16', [2], 30, bytes([0xc0, 0x3f, 0x40, 0xc0])),
           ('q8.weight', [32, 2], 8, q8), ('q4.weight', [32, 2], 2, q4_0), ('q41', [32], 3, q4_1),
           ('q4k.weight', [256], 12, q4_k), ('q6k', [256], 14, q6_k)]
put('gguf', 'py_all.gguf', gguf_bytes(kvs, tensors, alignment=64))
put('gguf', 'py_v2.gguf', gguf_bytes([('x', 8, 'y')], tensors[:1], version=2))
put('gguf', 'py_quant.gguf', gguf_bytes([], tensors[-5:]))
put('gguf', 'py_empty.gguf', gguf_bytes([], []))
