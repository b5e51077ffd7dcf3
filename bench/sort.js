'use strict';
// Sorting: mlxjs beside numpy (np.sort / np.argsort / np.partition / np.searchsorted on the same
// data, in a python3 child of this run) and node-mlx (a node child, where it is installed).
// Prints milliseconds per call (median) and the ratios peer / mlxjs (> 1: mlxjs is faster).
//   node --expose-gc bench/sort.js
//   BENCH_OPS=sort_2e22,argsort_2e22 node --expose-gc bench/sort.js
//   BENCH_PEERS=numpy node --expose-gc bench/sort.js
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { spawnSync } = require('node:child_process');

const anchors = path.resolve(__dirname, '..', '..', 'shared', 'bench-anchors');
const commonJs = path.join(anchors, 'common.js');
const { bench } = require(commonJs);

const N = 1 << 22;
const ROWS = 1024, COLS = 4096;
const K = 16;
// Workloads: id -> [label, numpy expression over a (2^22), b (1024x4096), s (sorted a), v].
const WORK = {
  sort_2e22: ['sort 2^22 float32', 'np.sort(a)'],
  argsort_2e22: ['argsort 2^22 float32', 'np.argsort(a)'],
  sort_rows: ['sort 1024x4096 float32, last axis', 'np.sort(b, axis=-1)'],
  argsort_rows: ['argsort 1024x4096 float32, last axis', 'np.argsort(b, axis=-1)'],
  sort_cols: ['sort 1024x4096 float32, axis 0', 'np.sort(b, axis=0)'],
  sort_i32_2e22: ['sort 2^22 int32', 'np.sort(ai)'],
  partition_2e22: ['partition 2^22 float32, kth=n/2', 'np.partition(a, a.size // 2)'],
  topk_rows: [`topk k=${K} of 1024x4096 float32`, `np.partition(b, -${K}, axis=-1)[:, -${K}:]`],
  sort_short_rows: ['sort 262144x16 float32, last axis', 'np.sort(b.reshape(262144, 16), axis=-1)'],
  topk_vocab: ['topk k=50 of 128x32768 float32', 'np.partition(b.reshape(128, 32768), -50, axis=-1)[:, -50:]'],
  searchsorted: ['searchsorted 2^20 values in 2^22 sorted', "np.searchsorted(s, v, side='left')"],
};
const ops = (process.env.BENCH_OPS || Object.keys(WORK).join(',')).split(',');
const peers = (process.env.BENCH_PEERS || 'mlxjs,numpy,node-mlx').split(',');

function randomF32(n, seed) {
  const f = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    f[i] = x / 4294967296 - 0.5;
  }
  return f;
}
const fa = randomF32(N, 1);
const fb = randomF32(ROWS * COLS, 2);
const fv = randomF32(1 << 20, 3);
const fi = new Int32Array(N);
for (let i = 0; i < N; i++) fi[i] = Math.floor(fa[i] * 4294967296);
const fs_ = Float32Array.from(fa).sort();

// The same bytes for the children.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlxjs-sort-bench-'));
const files = { a: fa, b: fb, v: fv, ai: fi, s: fs_ };
for (const [k, arr] of Object.entries(files)) fs.writeFileSync(path.join(dir, `${k}.bin`), Buffer.from(arr.buffer));

const results = {};  // id -> {peer: ms}
const put = (peer, id, ms, note) => {
  (results[id] = results[id] || {})[peer] = ms;
  console.log(`[${peer}] ${id}: ${ms == null ? 'n/a' : ms.toFixed(2) + ' ms'}${note ? ' -- ' + note : ''}`);
};

function runMlxjs() {
  const mx = require('..').core;
  const a = mx.array(fa), b = mx.array(fb).reshape([ROWS, COLS]), v = mx.array(fv);
  const ai = mx.array(fi), s = mx.array(fs_);
  mx.eval(a, b, v, ai, s);
  const fns = {
    sort_2e22: () => mx.sort(a),
    argsort_2e22: () => mx.argsort(a),
    sort_rows: () => mx.sort(b, -1),
    argsort_rows: () => mx.argsort(b, -1),
    sort_cols: () => mx.sort(b, 0),
    sort_i32_2e22: () => mx.sort(ai),
    partition_2e22: () => mx.partition(a, N / 2),
    topk_rows: () => mx.topk(b, K, -1),
    sort_short_rows: () => mx.sort(b.reshape([262144, 16]), -1),
    topk_vocab: () => mx.topk(b.reshape([128, 32768]), 50, -1),
    searchsorted: () => mx.searchsorted(s, v),
  };
  // Results checked once against JS before timing.
  const sorted = mx.sort(a).toTypedArray();
  for (let i = 0; i < N; i++) if (sorted[i] !== fs_[i]) throw new Error(`mlxjs sort differs at ${i}`);
  for (const id of ops) {
    if (!fns[id]) continue;
    const st = bench(() => { const r = fns[id](); mx.eval(r); r.dispose(); }, { warmup: 2, minSamples: 7, minTime: 1 });
    put('mlxjs', id, st.median_s * 1e3, `cpu/wall ${st.cpu_ratio.toFixed(2)}`);
  }
}

function runNumpy() {
  const script = String.raw`
import json, sys, time, numpy as np
d = sys.argv[1]
a = np.fromfile(d + '/a.bin', dtype=np.float32)
b = np.fromfile(d + '/b.bin', dtype=np.float32).reshape(${ROWS}, ${COLS})
v = np.fromfile(d + '/v.bin', dtype=np.float32)
ai = np.fromfile(d + '/ai.bin', dtype=np.int32)
s = np.fromfile(d + '/s.bin', dtype=np.float32)
work = json.loads(sys.argv[2])
out = {}
for k, expr in work.items():
    f = eval('lambda: ' + expr)
    f(); f()
    per, t0 = [], time.perf_counter()
    while len(per) < 7 or time.perf_counter() - t0 < 1.0:
        t = time.perf_counter(); f(); per.append(time.perf_counter() - t)
        if len(per) >= 50: break
    per.sort()
    out[k] = per[len(per) // 2] * 1e3
print(json.dumps({'version': np.__version__, 'ms': out}))
`;
  const work = Object.fromEntries(ops.filter((id) => WORK[id]).map((id) => [id, WORK[id][1]]));
  const r = spawnSync('/usr/bin/python3', ['-c', script, dir, JSON.stringify(work)], { encoding: 'utf8', timeout: 1800000 });
  if (r.status !== 0) {
    console.log(`[numpy] failed: ${(r.stderr || '').trim().split('\n').slice(-2).join(' | ')}`);
    return;
  }
  const res = JSON.parse(r.stdout.trim().split('\n').pop());
  for (const [id, ms] of Object.entries(res.ms)) put('numpy', id, ms, `numpy ${res.version}`);
}

function runNodeMlx() {
  const mod = process.env.MLX_MODULE || path.join(os.tmpdir(), 'perf-anchors/node_modules/@frost-beta/mlx/build/Release/mlx.node');
  if (!fs.existsSync(mod)) {
    console.log(`[node-mlx] not installed (${mod})`);
    return;
  }
  // node-mlx takes no TypedArray in mx.array: its arrays come from plain JS arrays (once).
  const script = String.raw`
const fs = require('node:fs');
const { bench } = require(process.env.COMMON_JS);
const mx = require(process.env.MLX_MODULE);
const d = process.env.DATA_DIR;
const load = (k, T) => { const buf = fs.readFileSync(d + '/' + k + '.bin'); return new T(buf.buffer, buf.byteOffset, buf.length / T.BYTES_PER_ELEMENT); };
const a = mx.array(Array.from(load('a', Float32Array)));
const b = mx.reshape(mx.array(Array.from(load('b', Float32Array))), [${ROWS}, ${COLS}]);
const v = mx.array(Array.from(load('v', Float32Array)));
const ai = mx.array(Array.from(load('ai', Int32Array)), mx.int32);
const s = mx.array(Array.from(load('s', Float32Array)));
mx.eval(a, b, v, ai, s);
const fns = {
  sort_2e22: () => mx.sort(a),
  argsort_2e22: () => mx.argsort(a),
  sort_rows: () => mx.sort(b, -1),
  argsort_rows: () => mx.argsort(b, -1),
  sort_cols: () => mx.sort(b, 0),
  sort_i32_2e22: () => mx.sort(ai),
  partition_2e22: () => mx.partition(a, ${N / 2}),
  topk_rows: () => mx.topk(b, ${K}, -1),
  sort_short_rows: () => mx.sort(mx.reshape(b, [262144, 16]), -1),
  topk_vocab: () => mx.topk(mx.reshape(b, [128, 32768]), 50, -1),
  searchsorted: () => (typeof mx.searchsorted === 'function' ? mx.searchsorted(s, v) : null),
};
const out = {};
for (const id of process.env.OPS.split(',')) {
  if (!fns[id]) continue;
  try {
    if (fns[id]() === null) { out[id] = null; continue; }
    const st = bench(() => mx.eval(fns[id]()), { warmup: 1, minSamples: 3, minTime: 1, maxTime: 20 });
    out[id] = st.median_s * 1e3;
  } catch (e) { out[id] = null; }
}
console.log(JSON.stringify(out));
`;
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], {
    env: { ...process.env, COMMON_JS: commonJs, MLX_MODULE: mod, DATA_DIR: dir, OPS: ops.join(',') },
    encoding: 'utf8', timeout: 1800000,
  });
  if (r.status !== 0) {
    console.log(`[node-mlx] failed: ${(r.stderr || '').trim().split('\n').slice(-2).join(' | ')}`);
    return;
  }
  const res = JSON.parse(r.stdout.trim().split('\n').pop());
  for (const [id, ms] of Object.entries(res)) put('node-mlx', id, ms, ms == null ? 'not available' : '');
}

console.log(`sort bench: ${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}, loadavg ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
try {
  if (peers.includes('mlxjs')) runMlxjs();
  if (peers.includes('numpy')) runNumpy();
  if (peers.includes('node-mlx')) runNodeMlx();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

const others = peers.filter((p) => p !== 'mlxjs');
const fmt = (v) => (v == null ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toPrecision(3));
const head = ['workload', ...peers.map((p) => `${p} ms`), ...others.map((p) => `${p}/mlxjs`)];
const rows = [head, head.map(() => '---')];
for (const id of ops) {
  if (!WORK[id] || !results[id]) continue;
  const r = results[id];
  const row = [WORK[id][0], ...peers.map((p) => fmt(r[p]))];
  for (const p of others) row.push(r.mlxjs != null && r[p] != null ? 'x' + (r[p] / r.mlxjs).toFixed(2) : '');
  rows.push(row);
}
console.log('\n' + rows.map((x) => '| ' + x.join(' | ') + ' |').join('\n'));
console.log(`\nratios: peer time / mlxjs time, >1 means mlxjs is faster. loadavg at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
