'use strict';
// OpenBLAS core-type choice for CPUs that Debian's OpenBLAS does not recognise.
const test = require('node:test');
const assert = require('node:assert/strict');
const { chooseCoretype } = require('../../lib/blas_env');

const cpu = (vendor, family, flags) =>
  `processor\t: 0\nvendor_id\t: ${vendor}\ncpu family\t: ${family}\nmodel\t\t: 2\nflags\t\t: ${flags}\n\nprocessor\t: 1\n`;
const AVX512 = 'fpu sse2 avx avx2 fma f16c avx512f avx512dq avx512cd avx512bw avx512vl';

test('Zen 5 gets SKYLAKEX kernels', () => {
  assert.equal(chooseCoretype(cpu('AuthenticAMD', 26, AVX512 + ' avx512_bf16 avx512_vnni'), {}), 'SKYLAKEX');
});

test('Zen 4 without BF16 flag gets SKYLAKEX kernels', () => {
  assert.equal(chooseCoretype(cpu('AuthenticAMD', 25, AVX512), {}), 'SKYLAKEX');
});

test('an OPENBLAS_CORETYPE already set is kept', () => {
  assert.equal(chooseCoretype(cpu('AuthenticAMD', 26, AVX512), { OPENBLAS_CORETYPE: 'Haswell' }), null);
  assert.equal(chooseCoretype(cpu('AuthenticAMD', 26, AVX512), { MLXJS_KEEP_OPENBLAS_CORETYPE: '1' }), null);
});

test('older AMD, AVX2-only CPUs and Intel are left to OpenBLAS', () => {
  assert.equal(chooseCoretype(cpu('AuthenticAMD', 23, 'fpu sse2 avx avx2 fma f16c'), {}), null);
  assert.equal(chooseCoretype(cpu('AuthenticAMD', 25, 'fpu sse2 avx avx2 fma f16c'), {}), null);
  assert.equal(chooseCoretype(cpu('GenuineIntel', 6, AVX512), {}), null);
  assert.equal(chooseCoretype('', {}), null);
});

test('this machine: the choice matches its /proc/cpuinfo', () => {
  const fs = require('node:fs');
  const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const t = chooseCoretype(info, {});
  const avx512 = /\bavx512f\b/.test(info) && /AuthenticAMD/.test(info);
  if (!avx512) assert.equal(t, null);
  else assert.ok(t === null || t === 'SKYLAKEX');
});

test('OpenBLAS idle threads sleep soon (thread timeout 2^4 cycles) unless one is set', () => {
  const { chooseThreadTimeout } = require('../../lib/blas_env');
  assert.equal(chooseThreadTimeout({}), '4');
  assert.equal(chooseThreadTimeout({ OPENBLAS_THREAD_TIMEOUT: '20' }), null);
  assert.equal(chooseThreadTimeout({ GOTO_THREAD_TIMEOUT: '10' }), null);
  // Loading mlxjs sets it only while OpenBLAS loads (no leak into the environment), and keeps
  // one the user set.
  const { execFileSync } = require('node:child_process');
  const lib = require('node:path').join(__dirname, '..', '..', 'lib');
  const probe = `require(${JSON.stringify(lib)}); console.log(String(process.env.OPENBLAS_THREAD_TIMEOUT))`;
  const env = { ...process.env };
  delete env.OPENBLAS_THREAD_TIMEOUT;
  delete env.GOTO_THREAD_TIMEOUT;
  assert.equal(execFileSync(process.execPath, ['-e', probe], { env, encoding: 'utf8' }).trim(), 'undefined');
  env.OPENBLAS_THREAD_TIMEOUT = '12';
  assert.equal(execFileSync(process.execPath, ['-e', probe], { env, encoding: 'utf8' }).trim(), '12');
});
