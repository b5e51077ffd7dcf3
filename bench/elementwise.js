'use strict';
// Elementwise math: float32 unary ops over 2^24 normal values, mlxjs beside node-mlx (its
// exp_2e24 anchor from ../shared/bench-anchors/mlx_like.js, run in a child process in the same
// run). Prints Gelem/s and the ratio.
//   node --expose-gc bench/elementwise.js          exp, log, sin, tanh, sigmoid, erf, ...
//   BENCH_OPS=exp node --expose-gc bench/elementwise.js
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { spawnSync } = require('node:child_process');

const anchors = path.resolve(__dirname, '..', '..', 'shared', 'bench-anchors');
const { bench } = require(path.join(anchors, 'common.js'));
const mx = require('../lib').core;

const N = 1 << 24;
const ops = (process.env.BENCH_OPS || 'exp,log,sin,cos,tanh,sigmoid,erf,sqrt,abs,maximum,less').split(',');

// Normal values (Box-Muller), as the anchors' random.normal input.
const f = new Float32Array(N);
for (let i = 0; i < N; i += 2) {
  const u = 1 - Math.random(), v = Math.random();
  const r = Math.sqrt(-2 * Math.log(u));
  f[i] = r * Math.cos(2 * Math.PI * v);
  if (i + 1 < N) f[i + 1] = r * Math.sin(2 * Math.PI * v);
}
const a = mx.array(f);
const b = mx.negative(a);
mx.eval(a, b);

console.log(`elementwise bench: ${os.cpus()[0].model}, ${os.cpus().length} cores, kernels ${JSON.stringify(require('../lib/native').cpu_info())}`);
const rows = [];
for (const op of ops) {
  const fn = ['maximum', 'less', 'power', 'arctan2'].includes(op)
    ? () => { const r = mx[op](a, b); mx.eval(r); r.dispose(); }
    : () => { const r = mx[op](a); mx.eval(r); r.dispose(); };
  const st = bench(fn);
  rows.push([op, N / st.median_s / 1e9]);
  console.log(`[mlxjs] ${op}_2e24: ${(N / st.median_s / 1e9).toFixed(3)} Gelem/s (median ${(st.median_s * 1e3).toFixed(2)} ms, cpu/wall ${st.cpu_ratio.toFixed(2)})`);
}

const peer = process.env.MLX_MODULE || path.join(os.tmpdir(), 'perf-anchors/node_modules/@frost-beta/mlx/build/Release/mlx.node');
if (ops.includes('exp') && fs.existsSync(peer)) {
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(anchors, 'mlx_like.js')], {
    env: { ...process.env, MLX_MODULE: peer, ANCHORS_ONLY: 'exp_2e24' }, encoding: 'utf8',
  });
  const m = /exp_2e24: ([0-9.e+-]+) Gelem\/s/.exec(r.stdout || '');
  if (m) {
    const peerRate = Number(m[1]);
    const ours = rows.find((x) => x[0] === 'exp')[1];
    console.log(`[node-mlx] exp_2e24: ${peerRate} Gelem/s`);
    console.log(`exp 2^24 float32: mlxjs / node-mlx = ${(ours / peerRate).toFixed(1)}x`);
  } else {
    console.log(`node-mlx run failed: ${(r.stderr || r.stdout || '').slice(-300)}`);
  }
}
