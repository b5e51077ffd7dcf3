'use strict';
// Issue 4's speed workloads in one run, beside the peers: conv2d and scaled_dot_product_attention
// vs node-mlx, fft vs numpy and node-mlx, quantized_matmul vs dequantize+matmul and node-mlx.
// node-mlx and numpy run in child processes (each skipped when absent; node-mlx's bfloat16
// attention aborts its process, which is reported as n/a). Every workload is timed on every
// peer back to back, twice (the second round in reverse order); each figure is the best call
// after warm-up over both rounds. Prints ms per call and peer / mlxjs (> 1: mlxjs is faster).
//   node --expose-gc bench/ops4.js
//   BENCH_OPS=fft,qmm_b1 node --expose-gc bench/ops4.js
//   BENCH_PEERS=mlxjs,numpy node --expose-gc bench/ops4.js
// Peers come from ../shared/bench-anchors (setup.sh installs node-mlx into ANCHORS_DEPS,
// default /tmp/perf-anchors); numpy is Debian's python3-numpy.
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const readline = require('node:readline');
const { spawn } = require('node:child_process');

const anchors = path.resolve(__dirname, '..', '..', 'shared', 'bench-anchors');
const commonJs = path.join(anchors, 'common.js');
if (!fs.existsSync(commonJs)) {
  console.error(`bench: ${commonJs} not found (the shared bench-anchors harness is needed for timing)`);
  process.exit(2);
}
const { bench } = require(commonJs);
// The same method for every peer: warm-up calls, then samples until 5 and 1 s (at most 10 s).
const METHOD = { warmup: 2, minSamples: 5, minTime: 1, maxTime: 10, targetSample: 0 };

// Workloads: id -> label and, per peer, JS source of a function (mx) => thunk that computes the
// result (the thunk forces evaluation). Setup (random inputs, quantization) runs once, untimed.
// mlxjs and node-mlx differ in spelling only (snake_case / camelCase, positional options).
const UNIT = 'mx.sqrt(mx.array(-1).astype(mx.complex64))';  // the imaginary unit, in both APIs
const QSETUP = (rows) => `const w = mx.random.normal([4096, 4096]); const x = mx.random.normal([${rows}, 4096]);`;
const WORK = {
  conv2d: {
    label: 'conv2d 8x56x56x64, 3x3, 64->64, pad 1, f32',
    mlxjs: `const x = mx.random.normal([8, 56, 56, 64]), w = mx.random.normal([64, 3, 3, 64]); mx.eval(x, w);
      return () => mx.eval(mx.conv2d(x, w, 1, 1));`,
    'node-mlx': `const x = mx.random.normal([8, 56, 56, 64]), w = mx.random.normal([64, 3, 3, 64]); mx.eval(x, w);
      return () => mx.eval(mx.conv2d(x, w, 1, 1));`,
  },
  fft: {
    label: 'fft 2^20 complex64',
    mlxjs: `const z = mx.add(mx.random.normal([1 << 20]), mx.multiply(mx.random.normal([1 << 20]), ${UNIT})); mx.eval(z);
      return () => mx.eval(mx.fft.fft(z));`,
    'node-mlx': `const z = mx.add(mx.random.normal([1 << 20]), mx.multiply(mx.random.normal([1 << 20]), ${UNIT})); mx.eval(z);
      return () => mx.eval(mx.fft.fft(z));`,
    numpy: `z = (rng.standard_normal(1 << 20) + 1j * rng.standard_normal(1 << 20)).astype(np.complex64)
f = lambda: np.fft.fft(z)`,
  },
  sdpa_f32: {
    label: 'sdpa 1x32x1024x64, no mask, f32',
    mlxjs: `const [q, k, v] = [0, 1, 2].map(() => mx.random.normal([1, 32, 1024, 64])); mx.eval(q, k, v);
      return () => mx.eval(mx.fast.scaled_dot_product_attention(q, k, v, { scale: 0.125 }));`,
    'node-mlx': `const [q, k, v] = [0, 1, 2].map(() => mx.random.normal([1, 32, 1024, 64])); mx.eval(q, k, v);
      return () => mx.eval(mx.fast.scaledDotProductAttention(q, k, v, 0.125));`,
  },
  sdpa_bf16: {
    label: 'sdpa 1x32x1024x64, no mask, bf16',
    mlxjs: `const [q, k, v] = [0, 1, 2].map(() => mx.random.normal([1, 32, 1024, 64]).astype(mx.bfloat16)); mx.eval(q, k, v);
      return () => mx.eval(mx.fast.scaled_dot_product_attention(q, k, v, { scale: 0.125 }));`,
    'node-mlx': `const [q, k, v] = [0, 1, 2].map(() => mx.random.normal([1, 32, 1024, 64]).astype(mx.bfloat16)); mx.eval(q, k, v);
      return () => mx.eval(mx.fast.scaledDotProductAttention(q, k, v, 0.125));`,
  },
  // Causal: mlxjs skips the masked half; node-mlx (no 'causal' string) gets the same mask as
  // an additive array.
  sdpa_f32_causal: {
    label: 'sdpa 1x32x1024x64, causal, f32',
    mlxjs: `const [q, k, v] = [0, 1, 2].map(() => mx.random.normal([1, 32, 1024, 64])); mx.eval(q, k, v);
      return () => mx.eval(mx.fast.scaled_dot_product_attention(q, k, v, { scale: 0.125, mask: 'causal' }));`,
    'node-mlx': `const [q, k, v] = [0, 1, 2].map(() => mx.random.normal([1, 32, 1024, 64]));
      const i = mx.arange(1024);
      const m = mx.where(mx.greater(mx.reshape(i, [1, 1024]), mx.reshape(i, [1024, 1])), mx.array(-Infinity), mx.array(0));
      mx.eval(q, k, v, m);
      return () => mx.eval(mx.fast.scaledDotProductAttention(q, k, v, 0.125, m));`,
  },
  // The same attention from separate ops (matmul, softmax, matmul): what the fused kernel saves.
  sdpa_f32_ops: {
    label: 'attention from ops (matmul, softmax, matmul), f32',
    mlxjs: `const [q, k, v] = [0, 1, 2].map(() => mx.random.normal([1, 32, 1024, 64])); mx.eval(q, k, v);
      return () => mx.eval(mx.matmul(mx.softmax(mx.multiply(mx.matmul(q, mx.swapaxes(k, -1, -2)), 0.125), -1), v));`,
    'node-mlx': `const [q, k, v] = [0, 1, 2].map(() => mx.random.normal([1, 32, 1024, 64])); mx.eval(q, k, v);
      return () => mx.eval(mx.matmul(mx.softmax(mx.multiply(mx.matmul(q, mx.swapaxes(k, -1, -2)), 0.125), -1), v));`,
  },
};
for (const rows of [1, 32]) {
  WORK[`qmm_b${rows}`] = {
    label: `quantized_matmul ${rows}x4096 @ 4096x4096^T, 4-bit, group 64`,
    mlxjs: `${QSETUP(rows)} const [wq, s, b] = mx.quantize(w, 64, 4); mx.eval(x, wq, s, b);
      return () => mx.eval(mx.quantized_matmul(x, wq, s, b, true, 64, 4));`,
    'node-mlx': `${QSETUP(rows)} const [wq, s, b] = mx.quantize(w, 64, 4); mx.eval(x, wq, s, b);
      return () => mx.eval(mx.quantizedMatmul(x, wq, s, b, true, 64, 4));`,
  };
  WORK[`deqmm_b${rows}`] = {
    label: `dequantize + matmul, ${rows}x4096, same weights`,
    mlxjs: `${QSETUP(rows)} const [wq, s, b] = mx.quantize(w, 64, 4); mx.eval(x, wq, s, b);
      return () => mx.eval(mx.matmul(x, mx.swapaxes(mx.dequantize(wq, s, b, 64, 4), 0, 1)));`,
    'node-mlx': `${QSETUP(rows)} const [wq, s, b] = mx.quantize(w, 64, 4); mx.eval(x, wq, s, b);
      return () => mx.eval(mx.matmul(x, mx.swapaxes(mx.dequantize(wq, s, b, 64, 4), 0, 1)));`,
  };
}
// Comparisons inside mlxjs printed under the table: [row, reference row, what it says].
const INNER = [
  ['qmm_b1', 'deqmm_b1', 'quantized_matmul vs dequantize+matmul, batch 1'],
  ['qmm_b32', 'deqmm_b32', 'quantized_matmul vs dequantize+matmul, batch 32'],
  ['sdpa_bf16', 'sdpa_f32', 'sdpa bfloat16 vs float32'],
  ['sdpa_f32', 'sdpa_f32_ops', 'sdpa fused vs the same attention from ops'],
];

const ops = (process.env.BENCH_OPS || Object.keys(WORK).join(',')).split(',').filter((id) => WORK[id]);
const peers = (process.env.BENCH_PEERS || 'mlxjs,node-mlx,numpy').split(',');

// node-mlx: a child that sets a workload up on first use and answers one JSON line per id.
const NODE_MLX = String.raw`
const readline = require('node:readline');
const { bench } = require(process.env.COMMON_JS);
const mod = require(process.env.MLX_MODULE);
const mx = mod.core || mod;
const work = JSON.parse(process.env.WORK);
const method = JSON.parse(process.env.METHOD);
const ready = {};
mx.random.seed(0);
console.log(JSON.stringify({ ready: true }));
readline.createInterface({ input: process.stdin }).on('line', (id) => {
  let r = { id, ms: null };
  try {
    ready[id] = ready[id] || new Function('mx', work[id])(mx);
    const st = bench(ready[id], method);
    r = { id, ms: st.best_s * 1e3, median_ms: st.median_s * 1e3, samples: st.samples };
  } catch (e) { r.error = String(e.message || e).split('\n')[0]; }
  console.log(JSON.stringify(r));
});
`;

// numpy: the same method as common.js's bench (warm-up, then samples of at least 1 s), in Python.
const NUMPY = String.raw`
import json, sys, time, numpy as np
work = json.loads(sys.argv[1]); m = json.loads(sys.argv[2])
rng = np.random.default_rng(0)
ready = {}
print(json.dumps({'ready': np.__version__}), flush=True)
for line in sys.stdin:
    k = line.strip()
    try:
        if k not in ready:
            env = {'np': np, 'rng': rng}
            exec(work[k], env)
            ready[k] = env['f']
        f = ready[k]
        for _ in range(m['warmup']): f()
        per, t0 = [], time.perf_counter()
        while True:
            t = time.perf_counter(); f(); per.append(time.perf_counter() - t)
            el = time.perf_counter() - t0
            if len(per) >= m['minSamples'] and el >= m['minTime']: break
            if len(per) >= 3 and el >= m['maxTime']: break
            if len(per) >= 50: break
        per.sort()
        print(json.dumps({'id': k, 'ms': per[0] * 1e3, 'median_ms': per[len(per) // 2] * 1e3, 'samples': len(per)}), flush=True)
    except Exception as e:
        print(json.dumps({'id': k, 'ms': None, 'error': str(e)}), flush=True)
`;

// A child peer: restarted when it died (node-mlx aborts on bfloat16 attention).
function server(name, cmd, args, env) {
  let child = null, lines = null, waiting = [], closed = true, err = '';
  const next = () => new Promise((resolve) => (closed ? resolve(null) : waiting.push(resolve)));
  const start = async () => {
    err = '';
    closed = false;
    child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.on('data', (d) => { err += d; });
    lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (l) => { if (waiting.length) waiting.shift()(l); });
    child.on('close', () => { closed = true; while (waiting.length) waiting.shift()(null); });
    return (await next()) !== null;
  };
  return {
    name,
    start,
    async ask(id) {
      if (closed && !(await start())) return { ms: null, error: `failed to start: ${lastErr()}` };
      child.stdin.write(id + '\n');
      const l = await next();
      if (l === null) return { ms: null, error: `the process died: ${lastErr()}` };
      try { return JSON.parse(l); } catch (e) { return { ms: null, error: l }; }
    },
    stop() { if (!closed) child.stdin.end(); },
  };
  function lastErr() { return err.trim().split('\n').slice(-1)[0] || 'no message'; }
}

async function main() {
  console.log(`ops4 bench: ${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}, loadavg ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const who = {};
  if (peers.includes('mlxjs')) {
    const mx = require('..').core;
    mx.random.seed(0);
    console.log(`mlxjs kernels: ${JSON.stringify(require('../lib/native').cpu_info())}`);
    // Checked once before timing: the fused kernels against the separate-op routes.
    const close = (a, b, tol) => mx.allclose(a, b, { rtol: tol, atol: tol }).item();
    {
      const w = mx.random.normal([256, 512]), x = mx.random.normal([4, 512]);
      const [wq, s, b] = mx.quantize(w, 64, 4);
      if (!close(mx.quantized_matmul(x, wq, s, b, true, 64, 4), mx.matmul(x, mx.swapaxes(mx.dequantize(wq, s, b, 64, 4), 0, 1)), 1e-3)) throw new Error('mlxjs quantized_matmul differs from dequantize+matmul');
      const [q, k, v] = [0, 1, 2].map(() => mx.random.normal([1, 4, 64, 64]));
      const ref = mx.matmul(mx.softmax(mx.multiply(mx.matmul(q, mx.swapaxes(k, -1, -2)), 0.125), -1), v);
      if (!close(mx.fast.scaled_dot_product_attention(q, k, v, { scale: 0.125 }), ref, 1e-4)) throw new Error('mlxjs sdpa differs from the ops');
    }
    const ready = {};
    who.mlxjs = {
      async ask(id) {
        ready[id] = ready[id] || new Function('mx', WORK[id].mlxjs)(mx);
        const st = bench(ready[id], METHOD);
        return { ms: st.best_s * 1e3, median_ms: st.median_s * 1e3, samples: st.samples };
      },
      stop() {},
    };
  }
  const mod = process.env.NODE_MLX_NODE || path.join(process.env.ANCHORS_DEPS || path.join(os.tmpdir(), 'perf-anchors'),
    'node_modules/@frost-beta/mlx/build/Release/mlx.node');
  if (peers.includes('node-mlx')) {
    if (fs.existsSync(mod)) {
      const work = Object.fromEntries(ops.filter((id) => WORK[id]['node-mlx']).map((id) => [id, WORK[id]['node-mlx']]));
      who['node-mlx'] = server('node-mlx', process.execPath, ['--expose-gc', '-e', NODE_MLX],
        { COMMON_JS: commonJs, MLX_MODULE: mod, WORK: JSON.stringify(work), METHOD: JSON.stringify(METHOD) });
    } else {
      console.log(`[node-mlx] not installed (${mod}); run ${anchors}/setup.sh`);
    }
  }
  if (peers.includes('numpy')) {
    const py = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const work = Object.fromEntries(ops.filter((id) => WORK[id].numpy).map((id) => [id, WORK[id].numpy]));
    who.numpy = server('numpy', py, ['-c', NUMPY, JSON.stringify(work), JSON.stringify(METHOD)], {});
  }
  for (const p of Object.keys(who)) {
    if (who[p].start && !(await who[p].start())) {
      console.log(`[${p}] failed to start`);
      delete who[p];
    }
  }
  const order = peers.filter((p) => who[p]);
  const results = {};
  const notes = [];
  for (const id of ops) {
    results[id] = {};
    const here = order.filter((p) => WORK[id][p]);
    for (const round of [here, here.slice().reverse()]) {
      for (const p of round) {
        const r = await who[p].ask(id);
        const best = results[id][p];
        if (r.ms != null && (best == null || best.ms == null || r.ms < best.ms)) results[id][p] = r;
        else if (best == null) results[id][p] = r;
      }
    }
    for (const p of here) if (results[id][p].ms == null) notes.push(`${id} on ${p}: n/a (${results[id][p].error})`);
    console.log(`${id}: ${here.map((p) => `${p} ${results[id][p].ms == null ? 'n/a' : results[id][p].ms.toFixed(2) + ' ms'}`).join(', ')} (loadavg ${os.loadavg()[0].toFixed(2)})`);
  }
  for (const p of order) who[p].stop();

  const others = order.filter((p) => p !== 'mlxjs');
  const fmt = (v) => (v == null ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toPrecision(3));
  const head = ['workload', ...order.map((p) => `${p} ms`), ...(who.mlxjs ? others.map((p) => `${p}/mlxjs`) : [])];
  const rows = [head, head.map(() => '---')];
  for (const id of ops) {
    const r = results[id];
    const ms = (p) => (r[p] ? r[p].ms : null);
    const row = [WORK[id].label, ...order.map((p) => (WORK[id][p] ? fmt(ms(p)) : '-'))];
    if (who.mlxjs) for (const p of others) row.push(ms('mlxjs') != null && ms(p) != null ? 'x' + (ms(p) / ms('mlxjs')).toFixed(2) : '');
    rows.push(row);
  }
  console.log('\n' + rows.map((x) => '| ' + x.join(' | ') + ' |').join('\n'));
  console.log(`\nms: best call after warm-up, over two rounds. ratios: peer time / mlxjs time, > 1 means mlxjs is faster.`);
  if (results.fft && results.fft.numpy) console.log('numpy computes the fft of complex64 in complex128 (pocketfft) and returns complex128.');
  if (who.mlxjs) {
    for (const [a, b, what] of INNER) {
      const x = results[a] && results[a].mlxjs, y = results[b] && results[b].mlxjs;
      if (x && y && x.ms != null && y.ms != null) console.log(`mlxjs ${what}: ${x.ms.toFixed(2)} vs ${y.ms.toFixed(2)} ms (x${(y.ms / x.ms).toFixed(2)})`);
    }
  }
  for (const n of notes) console.log(n);
  console.log(`loadavg at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
