'use strict';
// Foundation benchmarks: mlxjs beside the peers of ../shared/bench-anchors, in one run.
//   node --expose-gc bench/run.js            all workloads, all peers that are installed
//   BENCH_ONLY=add_2e24,tiny_op ...          a subset
//   BENCH_PEERS=mlxjs,node-mlx ...           a subset of peers (mlxjs node-mlx numpy tfjs ort)
// Peers come from ../shared/bench-anchors (setup.sh installs them outside the repository into
// ANCHORS_DEPS, default /tmp/perf-anchors). Prints one table with the ratio mlxjs / peer.
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { spawnSync } = require('node:child_process');

const anchors = path.resolve(__dirname, '..', '..', 'shared', 'bench-anchors');
if (!fs.existsSync(path.join(anchors, 'common.js'))) {
  console.error(`bench: ${anchors} not found (the shared bench-anchors harness is needed for timing and peers)`);
  process.exit(2);
}
const { bench, WORKLOADS } = require(path.join(anchors, 'common.js'));
const deps = process.env.ANCHORS_DEPS || path.join(os.tmpdir(), 'perf-anchors');
const only = (process.env.BENCH_ONLY || 'matmul_256,matmul_1024,matmul_2048,add_2e24,tiny_op,matmul_1024_f16,matmul_1024_bf16,from_f32_2e22,to_typed_2e22').split(',');
const peers = (process.env.BENCH_PEERS || 'mlxjs,node-mlx,numpy,tfjs,ort').split(',');
const jsonl = path.join(os.tmpdir(), `mlxjs-bench-${process.pid}.jsonl`);
fs.writeFileSync(jsonl, '');
const records = [];

function emit(peer, id, stats, note = '') {
  const [label, unit, work, hib = true] = WORKLOADS[id] || EXTRA[id];
  const value = stats ? (hib ? work / stats.median_s : stats.median_s * work) : null;
  records.push({ peer, id, label, unit, higher_is_better: hib, value, note, ...stats });
  const v = value == null ? 'n/a' : value.toPrecision(4);
  console.log(`[${peer}] ${id}: ${v} ${unit}${stats ? ` (cpu/wall ${stats.cpu_ratio.toFixed(2)}, faults/call ${stats.minflt_per_call.toFixed(0)})` : ''}${note ? ' -- ' + note : ''}`);
}

// Workloads of this issue that the anchors catalogue lacks.
const EXTRA = {
  multiply_2e24: ['multiply 2^24 (a*b)', 'GB/s', 12 * (1 << 24) / 1e9],
  astype_f32_f16_2e24: ['astype f32->f16 2^24', 'GB/s', 6 * (1 << 24) / 1e9],
  astype_f16_f32_2e24: ['astype f16->f32 2^24', 'GB/s', 6 * (1 << 24) / 1e9],
};

const { randomF32 } = require('./inputs');

function runMlxjs() {
  const mx = require('..').core;
  const sel = (id) => only.includes(id);
  for (const n of [256, 1024, 2048]) {
    const id = `matmul_${n}`;
    if (!sel(id)) continue;
    const a = mx.array(randomF32(n * n, 1)).reshape(n, n), b = mx.array(randomF32(n * n, 2)).reshape(n, n);
    mx.eval(a, b);
    emit('mlxjs', id, bench(() => mx.eval(mx.matmul(a, b)), n >= 2048 ? { warmup: 1, minSamples: 3 } : {}));
  }
  const N24 = 1 << 24;
  if (sel('add_2e24') || sel('multiply_2e24') || sel('astype_f32_f16_2e24') || sel('astype_f16_f32_2e24')) {
    const a = mx.array(randomF32(N24, 3)), b = mx.array(randomF32(N24, 4));
    mx.eval(a, b);
    if (sel('add_2e24')) emit('mlxjs', 'add_2e24', bench(() => mx.eval(mx.add(a, b))));
    if (sel('multiply_2e24')) emit('mlxjs', 'multiply_2e24', bench(() => mx.eval(mx.multiply(a, b))));
    if (sel('astype_f32_f16_2e24')) emit('mlxjs', 'astype_f32_f16_2e24', bench(() => mx.eval(mx.astype(a, mx.float16))));
    if (sel('astype_f16_f32_2e24')) {
      const h = mx.astype(a, mx.float16);
      mx.eval(h);
      emit('mlxjs', 'astype_f16_f32_2e24', bench(() => mx.eval(mx.astype(h, mx.float32))));
    }
  }
  if (sel('exp_2e24')) {
    const a = mx.array(randomF32(N24, 7));
    mx.eval(a);
    emit('mlxjs', 'exp_2e24', bench(() => mx.eval(mx.exp(a))));
  }
  if (sel('sum_all_2e24')) {
    const a = mx.array(randomF32(N24, 7));
    mx.eval(a);
    emit('mlxjs', 'sum_all_2e24', bench(() => mx.eval(mx.sum(a))));
  }
  if (sel('sum_axis_4096') || sel('softmax_4096')) {
    const a = mx.array(randomF32(4096 * 4096, 8)).reshape(4096, 4096);
    mx.eval(a);
    if (sel('sum_axis_4096')) emit('mlxjs', 'sum_axis_4096', bench(() => mx.eval(mx.sum(a, -1))));
    if (sel('softmax_4096')) emit('mlxjs', 'softmax_4096', bench(() => mx.eval(mx.softmax(a, -1))));
  }
  if (sel('tiny_op')) {
    const a = mx.array([1, 2, 3, 4]), b = mx.array([5, 6, 7, 8]);
    mx.eval(a, b);
    emit('mlxjs', 'tiny_op', bench(() => { for (let i = 0; i < 10000; i++) mx.eval(mx.add(a, b)); }, { warmup: 1, reps: 1, minSamples: 5 }));
  }
  for (const [id, dt] of [['matmul_1024_f16', mx.float16], ['matmul_1024_bf16', mx.bfloat16]]) {
    if (!sel(id)) continue;
    const a = mx.array(randomF32(1 << 20, 5)).reshape(1024, 1024).astype(dt);
    const b = mx.array(randomF32(1 << 20, 6)).reshape(1024, 1024).astype(dt);
    mx.eval(a, b);
    emit('mlxjs', id, bench(() => mx.eval(mx.matmul(a, b))));
  }
  if (sel('from_f32_2e22') || sel('to_typed_2e22')) {
    const N22 = 1 << 22;
    const f = new Float32Array(N22);
    for (let i = 0; i < N22; i++) f[i] = (i % 1000) / 1000;
    if (sel('from_f32_2e22')) emit('mlxjs', 'from_f32_2e22', bench(() => mx.eval(mx.array(f)), { minSamples: 5 }), 'mx.array(Float32Array) (copies)');
    const arr = mx.array(f);
    mx.eval(arr);
    const out = arr.toTypedArray();
    const ok = out.length === N22 && out[12345] === f[12345];
    if (sel('to_typed_2e22')) emit('mlxjs', 'to_typed_2e22', bench(() => arr.toTypedArray(), { minSamples: 5 }), 'arr.toTypedArray()' + (ok ? '' : ' [WRONG RESULT]'));
  }
}

// Runs one anchors peer script in a child process and collects its JSONL records.
function runPeer(peer, cmd, args, env) {
  const ids = only.filter((id) => WORKLOADS[id]).join(',');
  const r = spawnSync(cmd, args, {
    env: { ...process.env, ANCHORS_DEPS: deps, ANCHORS_JSONL: jsonl, ANCHORS_ONLY: ids, ...env },
    encoding: 'utf8', timeout: 1800000,
  });
  process.stdout.write(r.stdout || '');
  if (r.status !== 0) console.log(`[${peer}] failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-2).join(' | ')}`);
}

console.log(`mlxjs bench: ${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}`);
console.log(`mlxjs kernels: ${JSON.stringify(require('../lib/native').cpu_info())}`);
if (peers.includes('mlxjs')) runMlxjs();
const nodeMlx = process.env.NODE_MLX_NODE || path.join(deps, 'node_modules/@frost-beta/mlx/build/Release/mlx.node');
if (peers.includes('node-mlx')) {
  if (fs.existsSync(nodeMlx)) runPeer('node-mlx', process.execPath, ['--expose-gc', path.join(anchors, 'mlx_like.js')], { MLX_MODULE: nodeMlx, MLX_PEER: 'node-mlx' });
  else console.log(`[node-mlx] not installed (${nodeMlx}); run ${anchors}/setup.sh`);
}
if (peers.includes('numpy')) runPeer('numpy', '/usr/bin/python3', [path.join(anchors, 'numpy_bench.py')], {});
if (peers.includes('tfjs') && fs.existsSync(path.join(deps, 'node_modules/@tensorflow/tfjs'))) runPeer('tfjs', process.execPath, ['--expose-gc', path.join(anchors, 'tfjs_bench.js')], {});
if (peers.includes('ort') && fs.existsSync(path.join(deps, 'node_modules/onnxruntime-node'))) runPeer('ort', process.execPath, ['--expose-gc', path.join(anchors, 'ort_bench.js')], {});

for (const line of fs.readFileSync(jsonl, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line);
  records.push(r);
}
fs.unlinkSync(jsonl);

// One table: rows = workloads, columns = peers, then mlxjs / peer ratios (>1 = mlxjs better).
const peerNames = [...new Set(records.map((r) => r.peer))];
const ids = [...new Set(records.map((r) => r.id))];
const get = (peer, id) => records.find((r) => r.peer === peer && r.id === id);
const fmt = (v) => (v == null ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toPrecision(3));
const others = peerNames.filter((p) => p !== 'mlxjs');
const head = ['workload', 'unit', ...peerNames, ...others.map((p) => `mlxjs/${p}`)];
const rows = [head, head.map(() => '---')];
for (const id of ids) {
  const any = records.find((r) => r.id === id);
  const mine = get('mlxjs', id);
  const row = [any.label, any.unit, ...peerNames.map((p) => fmt(get(p, id) && get(p, id).value))];
  for (const p of others) {
    const o = get(p, id);
    if (!mine || !o || mine.value == null || o.value == null) row.push('');
    else row.push('x' + (any.higher_is_better ? mine.value / o.value : o.value / mine.value).toFixed(2));
  }
  rows.push(row);
}
console.log('\n' + rows.map((r) => '| ' + r.join(' | ') + ' |').join('\n'));
console.log('\nratios: mlxjs over peer, >1 means mlxjs is better (throughput, or lower us/op).');
