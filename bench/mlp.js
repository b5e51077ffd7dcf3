'use strict';
// MLP training step (issue 5): 784-512-512-10, relu, softmax cross-entropy, batch 256, plain
// SGD, with mx.value_and_grad, uncompiled and compiled; beside node-mlx's mlp_step anchor
// (../shared/bench-anchors/mlx_like.js, in a child process of the same run). Also: compiled
// exp(a*b + c) on 2^22 float32 and the dispatch overhead of a compiled call on tiny arrays.
//   node --expose-gc bench/mlp.js
//   BENCH_ONLY=mlp,chain,overhead node --expose-gc bench/mlp.js
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { spawnSync } = require('node:child_process');

const anchors = path.resolve(__dirname, '..', '..', 'shared', 'bench-anchors');
const { bench } = require(path.join(anchors, 'common.js'));
const mx = require('../lib').core;

const only = (process.env.BENCH_ONLY || 'mlp,chain,overhead').split(',');
const rows = [];
const report = (name, value, unit, note = '') => {
  rows.push({ name, value, unit });
  console.log(`[mlxjs] ${name}: ${value.toPrecision(4)} ${unit}${note ? ` (${note})` : ''}`);
};

function mlpStep(compiled) {
  const B = 256, sizes = [784, 512, 512, 10], lr = 0.01;
  mx.random.seed(0);
  let params = {};
  for (let i = 0; i < 3; i++) {
    params[`w${i}`] = mx.multiply(mx.random.normal([sizes[i], sizes[i + 1]]), Math.sqrt(2 / sizes[i]));
    params[`b${i}`] = mx.zeros([sizes[i + 1]]);
  }
  const x = mx.random.normal([B, 784]);
  const oh = new Float32Array(B * 10);
  for (let i = 0; i < B; i++) oh[i * 10 + ((i * 7) % 10)] = 1;
  const y = mx.reshape(mx.array(oh), [B, 10]);
  mx.eval(params, x, y);
  const loss = (p, xx, yy) => {
    const h1 = mx.maximum(mx.add(mx.matmul(xx, p.w0), p.b0), 0);
    const h2 = mx.maximum(mx.add(mx.matmul(h1, p.w1), p.b1), 0);
    const logits = mx.add(mx.matmul(h2, p.w2), p.b2);
    return mx.mean(mx.subtract(mx.logsumexp(logits, -1), mx.sum(mx.multiply(logits, yy), -1)));
  };
  const vg = mx.value_and_grad(loss);
  const update = (p, xx, yy) => {
    const [l, g] = vg(p, xx, yy);
    const next = {};
    for (const k of Object.keys(p)) next[k] = mx.subtract(p[k], mx.multiply(g[k], lr));
    return [l, next];
  };
  const fn = compiled ? mx.compile(update) : update;
  let last = null;
  const step = () => {
    const [l, next] = fn(params, x, y);
    params = next;
    mx.eval(l, params);
    last = l;
  };
  step();
  const first = last.item();
  const st = bench(step, { warmup: 2, minSamples: 7 });
  return [1 / st.median_s, `loss ${first.toFixed(3)} -> ${last.item().toFixed(3)}, cpu/wall ${st.cpu_ratio.toFixed(2)}`];
}

console.log(`mlp bench: ${os.cpus()[0].model}, ${os.cpus().length} cores, ${JSON.stringify(require('../lib/native').cpu_info())}`);

if (only.includes('mlp')) {
  const [u, un] = mlpStep(false);
  report('mlp_step (value_and_grad)', u, 'steps/s', un);
  if (typeof mx.compile === 'function') {
    const [c, cn] = mlpStep(true);
    report('mlp_step (compiled value_and_grad)', c, 'steps/s', cn);
  }
}

if (only.includes('chain') && typeof mx.compile === 'function') {
  const N = 1 << 22;
  const a = mx.random.normal([N]), b = mx.random.normal([N]), c = mx.random.normal([N]);
  mx.eval(a, b, c);
  const f = (p, q, r) => mx.exp(mx.add(mx.multiply(p, q), r));
  const cf = mx.compile(f);
  const su = bench(() => { const r = f(a, b, c); mx.eval(r); r.dispose(); });
  report('chain_2e22 exp(a*b+c) uncompiled', N / su.median_s / 1e9, 'Gelem/s');
  const sc = bench(() => { const r = cf(a, b, c); mx.eval(r); r.dispose(); });
  report('chain_2e22 exp(a*b+c) compiled', N / sc.median_s / 1e9, 'Gelem/s', `cpu/wall ${sc.cpu_ratio.toFixed(2)}`);
}

if (only.includes('overhead') && typeof mx.compile === 'function') {
  // A compiled call on 4-element arrays: trace cached, so this is dispatch plus a tiny kernel.
  const a = mx.array([1, 2, 3, 4], mx.float32), b = mx.array([5, 6, 7, 8], mx.float32), c = mx.array([1, 1, 1, 1], mx.float32);
  const f = (p, q, r) => mx.exp(mx.add(mx.multiply(p, q), r));
  const cf = mx.compile(f);
  mx.eval(cf(a, b, c));
  const reps = 20000;
  const plain = bench(() => { for (let i = 0; i < reps; i++) mx.eval(f(a, b, c)); }, { warmup: 1, reps: 1, minSamples: 5 });
  const comp = bench(() => { for (let i = 0; i < reps; i++) mx.eval(cf(a, b, c)); }, { warmup: 1, reps: 1, minSamples: 5 });
  const direct = bench(() => { for (let i = 0; i < reps; i++) mx.eval(mx.exp(a)); }, { warmup: 1, reps: 1, minSamples: 5 });
  report('compiled call, 4 elements', comp.median_s / reps * 1e6, 'us/call');
  report('uncompiled exp(a*b+c), 4 elements', plain.median_s / reps * 1e6, 'us/call');
  report('one eager op + eval, 4 elements', direct.median_s / reps * 1e6, 'us/call');
}

// node-mlx, same process run, in a child.
const peer = process.env.MLX_MODULE || path.join(os.tmpdir(), 'perf-anchors/node_modules/@frost-beta/mlx/build/Release/mlx.node');
const ids = [only.includes('mlp') && 'mlp_step', only.includes('chain') && 'chain_2e22'].filter(Boolean);
if (ids.length && fs.existsSync(peer)) {
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(anchors, 'mlx_like.js')], {
    env: { ...process.env, MLX_MODULE: peer, ANCHORS_ONLY: ids.join(',') }, encoding: 'utf8', timeout: 900000,
  });
  const out = r.stdout || '';
  for (const id of ids) {
    const m = new RegExp(`${id}: ([0-9.e+-]+) ([A-Za-z/]+)`).exec(out);
    if (!m) {
      console.log(`node-mlx ${id}: no result (${(r.stderr || out).slice(-200)})`);
      continue;
    }
    console.log(`[node-mlx] ${id}: ${m[1]} ${m[2]}`);
    const peerRate = Number(m[1]);
    for (const row of rows.filter((x) => x.name.startsWith(id.split('_')[0]))) {
      if (row.unit !== m[2]) continue;
      console.log(`  ${row.name}: mlxjs / node-mlx = ${(row.value / peerRate).toFixed(1)}x`);
    }
  }
} else if (ids.length) {
  console.log(`node-mlx not found at ${peer} (run ../shared/bench-anchors/setup.sh)`);
}
