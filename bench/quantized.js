'use strict';
// quantized_matmul against dequantize-then-matmul, in one run (issue 4's speed target): a
// 4096x4096 float32 weight quantized to 4 bits in groups of 64, x float32 with 1 and 32 rows.
//   node --expose-gc bench/quantized.js                 the table (mlxjs, then node-mlx if installed)
//   QBENCH_ROWS=1,2,4,8,16,32 node bench/quantized.js   other batch sizes
//   QBENCH_CROSSOVER=1 node bench/quantized.js          also times the fused kernel and the
//                                                        tiled sgemm path at every batch size
//                                                        (child processes with MLXJS_QMM_GEMM_ROWS)
// node-mlx comes from ANCHORS_DEPS (default /tmp/perf-anchors, installed by
// ../shared/bench-anchors/setup.sh); it runs in a child process and is skipped when absent.
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { spawnSync } = require('node:child_process');

const N = 4096, K = 4096, GROUP = 64, BITS = 4;
const ROWS = (process.env.QBENCH_ROWS || '1,32').split(',').map(Number);

const { randomF32 } = require('./inputs');

// Medians of `samples` timings (ms) of each function after `warmup` calls, the functions taking
// turns so that both see the same machine load.
function timeBoth(fns, { warmup = 2, samples = 9 } = {}) {
  for (let i = 0; i < warmup; i++) fns.forEach((fn) => fn());
  const t = fns.map(() => []);
  for (let i = 0; i < samples; i++) {
    fns.forEach((fn, k) => {
      const t0 = process.hrtime.bigint();
      fn();
      t[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  }
  return t.map((a) => a.sort((x, y) => x - y)[a.length >> 1]);
}

// Runs in this process (mlxjs) or in a child (node-mlx: MLX_MODULE names its package).
function measure(mx, label) {
  // node-mlx takes no TypedArray: a plain Array of the same values then.
  const mk = (f, shape) => {
    let a;
    try {
      a = mx.array(f);
    } catch {
      a = mx.array(Array.from(f));
    }
    return mx.reshape(a, shape);
  };
  const w = mk(randomF32(N * K, 1), [N, K]);
  const [wq, scales, biases] = mx.quantize(w, GROUP, BITS);
  mx.eval(wq, scales, biases);
  const out = {};
  for (const m of ROWS) {
    const x = mk(randomF32(m * K, 2 + m), [m, K]);
    mx.eval(x);
    const qmm = mx.quantizedMatmul || mx.quantized_matmul;
    const [q, d] = timeBoth([
      () => mx.eval(qmm(x, wq, scales, biases, true, GROUP, BITS)),
      () => mx.eval(mx.matmul(x, mx.transpose(mx.dequantize(wq, scales, biases, GROUP, BITS)))),
    ]);
    out[m] = { qmm: q, deq_mm: d };
  }
  return { label, out };
}

function report({ label, out }) {
  for (const m of Object.keys(out)) {
    const { qmm, deq_mm } = out[m];
    console.log(`[${label}] batch ${String(m).padStart(2)}: quantized_matmul ${qmm.toFixed(1).padStart(7)} ms   ` +
      `dequantize+matmul ${deq_mm.toFixed(1).padStart(7)} ms   ratio ${(deq_mm / qmm).toFixed(2)}x`);
  }
}

if (process.env.QBENCH_CHILD) {
  // Child: print one JSON line with the timings.
  const mod = process.env.MLX_MODULE;
  const m = mod ? require(mod) : require('..');
  const mx = m.core || m;
  console.log(JSON.stringify(measure(mx, process.env.QBENCH_CHILD)));
  process.exit(0);
}

function child(label, env) {
  const r = spawnSync(process.execPath, ['--expose-gc', __filename], {
    env: { ...process.env, ...env, QBENCH_CHILD: label }, encoding: 'utf8', timeout: 600000,
  });
  const line = (r.stdout || '').trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    console.log(`[${label}] failed: ${(r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
}

console.log(`quantized_matmul, weight ${N}x${K} float32 -> ${BITS}-bit affine, group ${GROUP}, x float32 (medians of 9 interleaved runs, ms)`);
report(measure(require('..').core, 'mlxjs'));

if (process.env.QBENCH_CROSSOVER) {
  // The two paths of the CPU kernel at each batch size (MLXJS_QMM_GEMM_ROWS picks the path).
  const fused = child('mlxjs fused', { MLXJS_QMM_GEMM_ROWS: '1000000' });
  const tiled = child('mlxjs tiled sgemm', { MLXJS_QMM_GEMM_ROWS: '1' });
  if (fused) report(fused);
  if (tiled) report(tiled);
}

const deps = process.env.ANCHORS_DEPS || path.join(os.tmpdir(), 'perf-anchors');
const nodeMlx = path.join(deps, 'node_modules', '@frost-beta', 'mlx');
if (fs.existsSync(nodeMlx)) {
  const r = child('node-mlx', { MLX_MODULE: nodeMlx });
  if (r) report(r);
} else {
  console.log(`[node-mlx] not installed (${nodeMlx}); skipped`);
}
