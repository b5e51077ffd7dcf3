#!/usr/bin/env node
'use strict';
// Writes the seed corpora of the fuzz targets: small valid files, written by mlxjs (mx.save,
// savez, savez_compressed, save_safetensors, save_gguf) and by numpy and hand-written Python
// writers (fuzz/seeds.py: numpy's .npy/.npz variants, safetensors, GGUF with quantized
// tensors). Nothing is downloaded.
//   node fuzz/make_corpus.js [outdir]      (default build-fuzz/seeds; one folder per target)
// Seeds stay small (a few KiB at most) so the fuzzer's mutations stay cheap.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const out = path.resolve(process.argv[2] || path.join(root, 'build-fuzz', 'seeds'));
const dirs = {};
for (const t of ['npy', 'npz', 'safetensors', 'gguf']) {
  dirs[t] = path.join(out, t);
  fs.rmSync(dirs[t], { recursive: true, force: true });
  fs.mkdirSync(dirs[t], { recursive: true });
}

const mx = require(root).core;
const native = require(path.join(root, 'lib', 'native'));
const put = (t, name, bytes) => fs.writeFileSync(path.join(dirs[t], name), bytes);

// Small arrays of every dtype (values from a fixed integer sequence).
const seq = (n) => Array.from({ length: n }, (_, i) => ((i * 37) % 23) - 11);
const arrays = {};
for (const dt of ['bool', 'uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64',
  'float16', 'bfloat16', 'float32', 'float64', 'complex64']) {
  arrays[dt] = mx.array(seq(6)).reshape([2, 3]).astype(dt === 'bool' ? mx.bool_ : mx[dt]);
}
const f32 = arrays.float32;

// .npy: each dtype, 0-d, empty, 1-d, a transposed (Fortran-order) array, 4 dimensions.
for (const [dt, a] of Object.entries(arrays)) put('npy', `mx_${dt}.npy`, mx.save(null, a));
put('npy', 'mx_scalar.npy', mx.save(null, mx.array(2.5)));
put('npy', 'mx_empty.npy', mx.save(null, mx.zeros([0, 3])));
put('npy', 'mx_1d.npy', mx.save(null, mx.arange(5)));
put('npy', 'mx_fortran.npy', mx.save(null, mx.transpose(mx.arange(12).reshape([3, 4]))));
put('npy', 'mx_4d.npy', mx.save(null, mx.arange(16, { dtype: mx.int16 }).reshape([2, 2, 2, 2])));

// .npz: stored and deflated, several entries, and zip64 fields on every entry.
put('npz', 'mx_stored.npz', mx.savez(null, f32, { b: arrays.int64, c: arrays.bool }));
put('npz', 'mx_deflate.npz', mx.savez_compressed(null, { a: f32, h: arrays.float16, z: mx.zeros([0]) }));
put('npz', 'mx_one.npz', mx.savez_compressed(null, mx.arange(40)));
native.io_set_zip64_limit(0);
try {
  put('npz', 'mx_zip64.npz', mx.savez(null, { a: f32, b: arrays.uint8 }));
  put('npz', 'mx_zip64_deflate.npz', mx.savez_compressed(null, { a: f32 }));
} finally {
  native.io_set_zip64_limit(0xffffffff);
}

// .safetensors: each dtype it takes (bool, ints, halves, floats), metadata, empty tensors.
put('safetensors', 'mx_all.safetensors', mx.save_safetensors(null, {
  b: arrays.bool, u8: arrays.uint8, i16: arrays.int16, i32: arrays.int32, i64: arrays.int64,
  f16: arrays.float16, bf16: arrays.bfloat16, f32, f64: arrays.float64,
}, { format: 'mlx', note: 'seed' }));
put('safetensors', 'mx_empty.safetensors', mx.save_safetensors(null, { e: mx.zeros([0, 2]), s: mx.array(1.5) }));
put('safetensors', 'mx_none.safetensors', mx.save_safetensors(null, {}));

// .gguf: direct tensor types and metadata of each kind the writer takes.
put('gguf', 'mx_tensors.gguf', mx.save_gguf(null, {
  'a.weight': f32, h: arrays.float16, bf: arrays.bfloat16, i8: arrays.int8, i32: arrays.int32,
}, { name: 'seed', list: ['x', 'yz'], n: mx.array([1, 2, 3], mx.uint32), f: mx.array(0.5), 'general.alignment': mx.array(64, mx.uint32) }));
put('gguf', 'mx_meta_only.gguf', mx.save_gguf(null, {}, { k: 'v' }));

// numpy and the Python writers.
// Debian's python3 (not a pyenv shim, which may lack numpy).
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const py = spawnSync(PYTHON, [path.join(__dirname, 'seeds.py'), out], { encoding: 'utf8' });
if (py.status !== 0) {
  console.error(py.stderr || py.error);
  process.exit(1);
}
let total = 0;
for (const [t, d] of Object.entries(dirs)) {
  const files = fs.readdirSync(d);
  total += files.length;
  console.log(`seeds ${t}: ${files.length} files, largest ${Math.max(...files.map((f) => fs.statSync(path.join(d, f)).size))} bytes`);
}
console.log(`seeds: ${total} files in ${out}`);
