'use strict';
// OpenBLAS picks its kernels when it loads. Debian's OpenBLAS 0.3.21 does not know AMD Zen 4
// and Zen 5 and falls back to AVX2 (Haswell) kernels there, half the speed of its AVX-512
// (SkylakeX) kernels on the same cores (../shared/bench-anchors RESULTS.md, finding 4). When
// nobody chose a core type, mlxjs chooses SkylakeX for those CPUs before the addon, and with it OpenBLAS, is loaded. An OPENBLAS_CORETYPE already set
// (some machines set it because older builds misbehave on their CPU) is always respected.
const fs = require('node:fs');

// Returns the core type to set, or null to leave OpenBLAS alone.
function chooseCoretype(cpuinfo, env) {
  if (env.OPENBLAS_CORETYPE || env.MLXJS_KEEP_OPENBLAS_CORETYPE) return null;
  const first = cpuinfo.split('\n\n')[0];
  const field = (name) => {
    const m = first.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'));
    return m ? m[1].trim() : '';
  };
  if (field('vendor_id') !== 'AuthenticAMD') return null;
  if (Number(field('cpu family')) < 25) return null;  // Zen 3 and older have no AVX-512
  const flags = new Set(field('flags').split(/\s+/));
  for (const f of ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd']) if (!flags.has(f)) return null;
  return 'SKYLAKEX';  // measured: 180 vs 95 GFLOP/s single-thread sgemm on Zen 5 (anchors)
}

function applyCoretype() {
  let cpuinfo = '';
  try {
    cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch (e) {
    return null;
  }
  const t = chooseCoretype(cpuinfo, process.env);
  if (t) process.env.OPENBLAS_CORETYPE = t;
  return t;
}

// OpenBLAS's idle threads spin for up to 2^28 cycles (about 0.1 s) after each call before they
// sleep, so the engine's own workers that run next (a dequantize tile, an elementwise op after
// a matmul) share the cores with them: measured here, quantized_matmul at batch 32 ran 2x
// slower and erratic that way. 2^4 cycles (the least OpenBLAS takes) cost matmul nothing
// measurable (bench/run.js, 256-2048). A value already set is respected.
function chooseThreadTimeout(env) {
  if (env.OPENBLAS_THREAD_TIMEOUT || env.GOTO_THREAD_TIMEOUT) return null;
  return '4';
}

function applyThreadTimeout() {
  const t = chooseThreadTimeout(process.env);
  if (t) process.env.OPENBLAS_THREAD_TIMEOUT = t;
  return t;
}

module.exports = { chooseCoretype, applyCoretype, chooseThreadTimeout, applyThreadTimeout };
