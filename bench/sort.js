'use strict';
// Sorting: mlxjs beside numpy (np.sort / np.argsort / np.partition / np.searchsorted on the same
// data, in a python3 child) and node-mlx (a node child, where it is installed). The children stay
// up and each workload is timed on every peer back to back, twice (the second round in reverse
// order), each peer keeping its better median: a machine whose load changes during the run then
// skews no peer's figures more than another's. Prints ms per call and peer / mlxjs (> 1: mlxjs
// is faster).
//   node --expose-gc bench/sort.js
//   BENCH_OPS=sort_2e22,argsort_2e22 node --expose-gc bench/sort.js
//   BENCH_PEERS=mlxjs,numpy node --expose-gc bench/sort.js
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const readline = require('node:readline');
const { spawn } = require('node:child_process');

const anchors = path.resolve(__dirname, '..', '..', 'shared', 'bench-anchors');
const commonJs = path.join(anchors, 'common.js');
const { bench } = require(commonJs);

const N = 1 << 22;
const ROWS = 1024, COLS = 4096;
const K = 16;
// Workloads: id -> [label, numpy expression, mlx expression (mx, and the arrays a b v ai s)].
// a: 2^22 float32, b: 1024x4096 float32, ai: 2^22 int32, s: a sorted, v: 2^20 float32.
const WORK = {
  sort_2e22: ['sort 2^22 float32', 'np.sort(a)', 'mx.sort(a)'],
  argsort_2e22: ['argsort 2^22 float32', 'np.argsort(a)', 'mx.argsort(a)'],
  sort_rows: ['sort 1024x4096 float32, last axis', 'np.sort(b, axis=-1)', 'mx.sort(b, -1)'],
  argsort_rows: ['argsort 1024x4096 float32, last axis', 'np.argsort(b, axis=-1)', 'mx.argsort(b, -1)'],
  sort_cols: ['sort 1024x4096 float32, axis 0', 'np.sort(b, axis=0)', 'mx.sort(b, 0)'],
  sort_i32_2e22: ['sort 2^22 int32', 'np.sort(ai)', 'mx.sort(ai)'],
  sort_short_rows: ['sort 262144x16 float32, last axis', 'np.sort(b16, axis=-1)', 'mx.sort(b16, -1)'],
  partition_2e22: ['partition 2^22 float32, kth=n/2', `np.partition(a, ${N / 2})`, `mx.partition(a, ${N / 2})`],
  topk_rows: [`topk k=${K} of 1024x4096 float32`, `np.partition(b, -${K}, axis=-1)[:, -${K}:]`, `mx.topk(b, ${K}, -1)`],
  topk_vocab: ['topk k=50 of 128x32768 float32', 'np.partition(bv, -50, axis=-1)[:, -50:]', 'mx.topk(bv, 50, -1)'],
  searchsorted: ['searchsorted 2^20 values in 2^22 sorted', "np.searchsorted(s, v, side='left')", 'mx.searchsorted(s, v)'],
};
const ops = (process.env.BENCH_OPS || Object.keys(WORK).join(',')).split(',').filter((id) => WORK[id]);
const peers = (process.env.BENCH_PEERS || 'mlxjs,numpy,node-mlx').split(',');

const { randomF32 } = require('./inputs');
const fa = randomF32(N, 1);
const fb = randomF32(ROWS * COLS, 2);
const fv = randomF32(1 << 20, 3);
const fi = new Int32Array(N);
for (let i = 0; i < N; i++) fi[i] = Math.floor(fa[i] * 4294967296);
const fsorted = Float32Array.from(fa).sort();

// The same bytes for the children.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlxjs-sort-bench-'));
const files = { a: fa, b: fb, v: fv, ai: fi, s: fsorted };
for (const [k, arr] of Object.entries(files)) fs.writeFileSync(path.join(dir, `${k}.bin`), Buffer.from(arr.buffer));

// A child that answers one JSON line {id, ms} for each workload id written to its stdin.
function server(cmd, args, env) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting = [];
  let closed = false;
  lines.on('line', (l) => { if (waiting.length) waiting.shift()(l); });
  child.on('close', () => { closed = true; while (waiting.length) waiting.shift()(null); });
  const next = () => new Promise((resolve) => (closed ? resolve(null) : waiting.push(resolve)));
  return {
    ready: next(),  // the first line says it has loaded its data
    async ask(id) {
      if (closed) return null;
      child.stdin.write(id + '\n');
      const l = await next();
      if (l === null) return null;
      try { return JSON.parse(l).ms; } catch (e) { return null; }
    },
    stop() { child.stdin.end(); },
    error: () => err.trim().split('\n').slice(-2).join(' | '),
  };
}

const NUMPY = String.raw`
import json, sys, time, numpy as np
d = sys.argv[1]
a = np.fromfile(d + '/a.bin', dtype=np.float32)
b = np.fromfile(d + '/b.bin', dtype=np.float32).reshape(${ROWS}, ${COLS})
b16 = b.reshape(262144, 16)
bv = b.reshape(128, 32768)
v = np.fromfile(d + '/v.bin', dtype=np.float32)
ai = np.fromfile(d + '/ai.bin', dtype=np.int32)
s = np.fromfile(d + '/s.bin', dtype=np.float32)
work = json.loads(sys.argv[2])
print(json.dumps({'ready': np.__version__}), flush=True)
for line in sys.stdin:
    k = line.strip()
    f = eval('lambda: ' + work[k])
    f(); f()
    per, t0 = [], time.perf_counter()
    while len(per) < 7 or time.perf_counter() - t0 < 1.0:
        t = time.perf_counter(); f(); per.append(time.perf_counter() - t)
        if len(per) >= 50: break
    per.sort()
    print(json.dumps({'id': k, 'ms': per[len(per) // 2] * 1e3}), flush=True)
`;

// node-mlx takes no TypedArray in mx.array: its arrays come from plain JS arrays (once).
const NODE_MLX = String.raw`
const fs = require('node:fs');
const readline = require('node:readline');
const { bench } = require(process.env.COMMON_JS);
const mx = require(process.env.MLX_MODULE);
const d = process.env.DATA_DIR;
const load = (k, T) => { const buf = fs.readFileSync(d + '/' + k + '.bin'); return new T(buf.buffer, buf.byteOffset, buf.length / T.BYTES_PER_ELEMENT); };
const a = mx.array(Array.from(load('a', Float32Array)));
const b = mx.reshape(mx.array(Array.from(load('b', Float32Array))), [${ROWS}, ${COLS}]);
const b16 = mx.reshape(b, [262144, 16]), bv = mx.reshape(b, [128, 32768]);
const v = mx.array(Array.from(load('v', Float32Array)));
const ai = mx.array(Array.from(load('ai', Int32Array)), mx.int32);
const s = mx.array(Array.from(load('s', Float32Array)));
mx.eval(a, b, b16, bv, v, ai, s);
const work = JSON.parse(process.env.WORK);
console.log(JSON.stringify({ ready: true }));
readline.createInterface({ input: process.stdin }).on('line', (id) => {
  let ms = null;
  try {
    if (!work[id].includes('searchsorted') || typeof mx.searchsorted === 'function') {
      const f = new Function('mx', 'a', 'b', 'b16', 'bv', 'v', 'ai', 's', 'return ' + work[id]);
      const st = bench(() => mx.eval(f(mx, a, b, b16, bv, v, ai, s)), { warmup: 1, minSamples: 3, minTime: 1, maxTime: 20 });
      ms = st.median_s * 1e3;
    }
  } catch (e) { ms = null; }
  console.log(JSON.stringify({ id, ms }));
});
`;

async function main() {
  console.log(`sort bench: ${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}, loadavg ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const servers = {};
  if (peers.includes('numpy')) {
    const work = Object.fromEntries(ops.map((id) => [id, WORK[id][1]]));
    servers.numpy = server('/usr/bin/python3', ['-c', NUMPY, dir, JSON.stringify(work)], {});
  }
  const mod = process.env.MLX_MODULE || path.join(os.tmpdir(), 'perf-anchors/node_modules/@frost-beta/mlx/build/Release/mlx.node');
  if (peers.includes('node-mlx')) {
    if (fs.existsSync(mod)) {
      const work = Object.fromEntries(ops.map((id) => [id, WORK[id][2]]));
      servers['node-mlx'] = server(process.execPath, ['--expose-gc', '-e', NODE_MLX],
        { COMMON_JS: commonJs, MLX_MODULE: mod, DATA_DIR: dir, WORK: JSON.stringify(work) });
    } else {
      console.log(`[node-mlx] not installed (${mod})`);
    }
  }
  let mine = null;
  if (peers.includes('mlxjs')) {
    const mx = require('..').core;
    const arrs = { a: mx.array(fa), b: mx.array(fb).reshape([ROWS, COLS]), v: mx.array(fv), ai: mx.array(fi), s: mx.array(fsorted) };
    arrs.b16 = arrs.b.reshape([262144, 16]);
    arrs.bv = arrs.b.reshape([128, 32768]);
    mx.eval(...Object.values(arrs));
    // Checked once against JS before timing.
    const sorted = mx.sort(arrs.a).toTypedArray();
    for (let i = 0; i < N; i++) if (sorted[i] !== fsorted[i]) throw new Error(`mlxjs sort differs at ${i}`);
    mine = {
      async ask(id) {
        const f = new Function('mx', 'a', 'b', 'b16', 'bv', 'v', 'ai', 's', 'return ' + WORK[id][2]);
        const { a, b, b16, bv, v, ai, s } = arrs;
        const st = bench(() => { const r = f(mx, a, b, b16, bv, v, ai, s); mx.eval(r); r.dispose(); }, { warmup: 2, minSamples: 7, minTime: 1 });
        return st.median_s * 1e3;
      },
    };
  }
  for (const [p, sv] of Object.entries(servers)) {
    const r = await sv.ready;
    if (r === null) {
      console.log(`[${p}] failed to start: ${sv.error()}`);
      delete servers[p];
    }
  }
  const who = { ...(mine ? { mlxjs: mine } : {}), ...servers };
  const order = peers.filter((p) => who[p]);
  const results = {};
  for (const id of ops) {
    results[id] = {};
    for (const round of [order, order.slice().reverse()]) {
      for (const p of round) {
        const ms = await who[p].ask(id);
        if (ms != null && (results[id][p] == null || ms < results[id][p])) results[id][p] = ms;
      }
    }
    console.log(`${id}: ${order.map((p) => `${p} ${results[id][p] == null ? 'n/a' : results[id][p].toFixed(2) + ' ms'}`).join(', ')} (loadavg ${os.loadavg()[0].toFixed(2)})`);
  }
  for (const sv of Object.values(servers)) sv.stop();

  const others = order.filter((p) => p !== 'mlxjs');
  const fmt = (v) => (v == null ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toPrecision(3));
  const head = ['workload', ...order.map((p) => `${p} ms`), ...(mine ? others.map((p) => `${p}/mlxjs`) : [])];
  const rows = [head, head.map(() => '---')];
  for (const id of ops) {
    const r = results[id];
    const row = [WORK[id][0], ...order.map((p) => fmt(r[p]))];
    if (mine) for (const p of others) row.push(r.mlxjs != null && r[p] != null ? 'x' + (r[p] / r.mlxjs).toFixed(2) : '');
    rows.push(row);
  }
  console.log('\n' + rows.map((x) => '| ' + x.join(' | ') + ' |').join('\n'));
  console.log(`\nratios: peer time / mlxjs time, >1 means mlxjs is faster. loadavg at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((e) => { console.error(e); process.exitCode = 1; }).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
