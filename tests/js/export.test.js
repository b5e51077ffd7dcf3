'use strict';
// export_function / import_function / exporter / export_to_dot. Oracles: the original
// function run eagerly on new inputs (the imported graph must give the same values, bit for
// bit: same primitives, same kernels), hand-worked values, a file written by an independent
// encoder of the documented format (below), and a child process that imports a file (the
// constants must come from the file).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const mx = require('../../lib').core;
const { throwsWith, rng } = require('./helpers/check');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlxjs-export-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const tmp = (ext = 'mlxfn') => path.join(dir, `f${fileNo++}.${ext}`);

const R = rng(7);
function rand(shape, lo = -1, hi = 1, dtype = mx.float32) {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * R();
  return mx.array(v).reshape(shape).astype(dtype);
}
function randInt(shape, lo, hi, dtype = mx.int32) {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Int32Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + Math.floor((hi - lo) * R());
  return mx.array(v).reshape(shape).astype(dtype);
}
const bits = (a) => {
  const c = a.dtype === mx.bool_ ? a.astype(mx.uint8) : a;
  return Array.from(new Uint8Array(c.toTypedArray().buffer.slice(0)));
};
// Same shape, dtype and bytes (NaNs with the same payload compare equal).
function assertSame(got, want, msg) {
  assert.deepEqual(got.shape, want.shape, `${msg}: shape`);
  assert.equal(got.dtype, want.dtype, `${msg}: dtype`);
  mx.eval(got, want);
  assert.deepEqual(bits(mx.contiguous(got)), bits(mx.contiguous(want)), `${msg}: values`);
}
const outList = (o) => (Array.isArray(o) ? o : [o]);

// Exports fun at `example`, imports it and compares it with fun on each set of new inputs.
function roundTrip(name, fun, example, others, opts = {}) {
  const file = tmp();
  mx.export_function(file, fun, ...example, opts);
  const f = mx.import_function(file);
  for (const inputs of [example, ...others]) {
    const got = f(...inputs);
    const want = outList(fun(...inputs));
    assert.ok(Array.isArray(got), `${name}: the imported function returns an Array`);
    assert.equal(got.length, want.length, `${name}: number of outputs`);
    want.forEach((w, i) => assertSame(got[i], w, `${name} output ${i}`));
  }
}

const CASES = [
  // elementwise and comparisons, every family
  ['add/mul/div', (a, b) => mx.divide(mx.add(mx.multiply(a, b), 1.5), mx.add(mx.abs(b), 1)), () => [rand([3, 4]), rand([3, 4])]],
  ['inputs as outputs', (a, b) => [a, mx.add(a, b), b], () => [rand([2]), rand([2])]],
  ['unary chain', (a) => mx.tanh(mx.exp(mx.sin(a))), () => [rand([5])]],
  ['log/sqrt/erf', (a) => [mx.log(mx.abs(a)), mx.sqrt(mx.abs(a)), mx.erf(a), mx.sigmoid(a), mx.floor(a)], () => [rand([2, 3])]],
  ['broadcast', (a, b) => mx.maximum(a, b), () => [rand([3, 1]), rand([4])]],
  ['compare/where', (a, b) => mx.where(mx.greater(a, b), a, mx.negative(b)), () => [rand([6]), rand([6])]],
  ['int ops', (a, b) => [mx.floor_divide(a, b), mx.remainder(a, b), mx.bitwise_xor(a, b), mx.left_shift(a, mx.array(2))], () => [randInt([5], -50, 50), randInt([5], 1, 9)]],
  ['divmod (two outputs)', (a, b) => mx.divmod(a, b), () => [rand([4], 1, 9), rand([4], 1, 3)]],
  ['astype/logical', (a) => mx.logical_and(mx.astype(a, mx.bool_), mx.logical_not(mx.less(a, 0))), () => [rand([7])]],
  ['float16/bfloat16', (a) => mx.multiply(mx.astype(a, mx.float16), mx.astype(a, mx.bfloat16)), () => [rand([4])]],
  ['complex', (a) => mx.multiply(mx.astype(a, mx.complex64), mx.array({ re: 1, im: 2 })), () => [rand([3])]],
  ['power/arctan2/logaddexp', (a, b) => [mx.power(mx.abs(a), b), mx.arctan2(a, b), mx.logaddexp(a, b)], () => [rand([4]), rand([4])]],
  // reductions, scans, softmax
  ['sum/max/argmax', (a) => [mx.sum(a, -1), mx.max(a, 0, { keepdims: true }), mx.argmax(a, 1), mx.prod(a)], () => [rand([3, 5])]],
  ['all/any', (a) => [mx.all(mx.greater(a, 0), 1), mx.any(mx.greater(a, 0.5))], () => [rand([3, 4])]],
  ['cumsum/cummax', (a) => [mx.cumsum(a, 1), mx.cummax(a, 0, { reverse: true }), mx.logcumsumexp(a, 1)], () => [rand([3, 4])]],
  ['softmax/logsumexp', (a) => [mx.softmax(a, -1), mx.logsumexp(a, 0)], () => [rand([4, 6])]],
  ['mean (a NumberOfElements node while tracing)', (a) => [mx.mean(a), mx.mean(a, 1, { keepdims: true })], () => [rand([3, 5])]],
  ['var/std/median', (a) => [mx.var(a, -1), mx.std(a, 0, { ddof: 1 }), mx.median(a, 1)], () => [rand([3, 5])]],
  ['array_equal', (a, b) => mx.array_equal(a, b), () => [rand([3]), rand([3])]],
  // layout, matmul
  ['matmul', (a, b) => mx.matmul(a, b), () => [rand([2, 3, 4]), rand([4, 5])]],
  ['reshape/transpose', (a) => mx.transpose(mx.reshape(a, [4, 3, 2]), [2, 0, 1]), () => [rand([2, 12])]],
  ['broadcast_to/expand/squeeze', (a) => mx.squeeze(mx.expand_dims(mx.broadcast_to(a, [3, 4]), 0)), () => [rand([4])]],
  // shape group
  ['concatenate/stack', (a, b) => [mx.concatenate([a, b], 1), mx.stack([a, b]), mx.split(a, 2, 1)[1]], () => [rand([2, 4]), rand([2, 4])]],
  ['pad/flip/roll', (a) => [mx.pad(a, [[1, 2], [0, 1]]), mx.pad(a, 1, 'edge'), mx.flip(a, 0), mx.roll(a, 2, 1)], () => [rand([3, 4])]],
  ['slices', (a) => [a.get('1:', '::-2'), a.get(0), a.get('...', null), a.get(-1, '1:3')], () => [rand([4, 5])]],
  ['as_strided/contiguous', (a) => [mx.as_strided(a, [3, 2], [1, 2]), mx.contiguous(mx.transpose(a))], () => [rand([2, 4])]],
  // index group
  ['take/take_along_axis', (a, i) => [mx.take(a, i, 0), mx.take_along_axis(a, mx.argsort(a, 1), 1), a.get(i)], () => [rand([5, 3]), randInt([4], 0, 5)]],
  ['put_along_axis/at.add', (a, i, v) => [mx.put_along_axis(a, i, v, 0), a.at(i).add(1), a.at(i).maximum(0.5)], () => [rand([4, 4]), randInt([1, 4], 0, 4), rand([1, 4])]],
  ['slice_update/set', (a, v) => { const b = mx.slice_update(a, v, mx.array([1]), [0]); const c = mx.array(a); c.set('1:3', 0, v.get(0, 0)); return [b, c]; }, () => [rand([4, 3]), rand([2, 3])]],
  ['dynamic slice', (a, s) => mx.slice(a, s, [0], [2, 2]), () => [rand([6, 2]), mx.array([3])]],
  ['masked set', (a) => { const b = mx.array(a); b.set(mx.greater(a, 0), 7); return b; }, () => [rand([3, 3])]],
  // sort group
  ['sort/partition/topk', (a) => [mx.sort(a, 0), mx.argpartition(a, 1, -1), mx.topk(a, 2, 1), mx.partition(a, 2)], () => [rand([4, 5])]],
  ['searchsorted', (s, v) => [mx.searchsorted(s, v), mx.searchsorted(s, v, { side: 'right' })], () => [mx.sort(rand([10])), rand([3, 4])]],
  // creation inside the function
  ['creation', (a) => [mx.add(a, mx.arange(4)), mx.multiply(a, mx.linspace(0, 1, 4)), mx.eye(4, 3, 1), mx.tri(3), mx.tril(mx.ones([3, 3]), -1), mx.hanning(5), mx.full([2], a.get(0))], () => [rand([4])]],
  ['triu/view/fp8', (a) => [mx.triu(a, 1), mx.view(a, mx.int32), mx.from_fp8(mx.to_fp8(a), mx.float32)], () => [rand([3, 3])]],
  // random with a key
  ['random with key', (k) => [mx.random.uniform(0, 1, [3], { key: k }), mx.random.normal([2, 2], { key: k }),
    mx.random.randint(0, 10, [4], { key: k }), mx.random.bernoulli(0.3, [5], { key: k }), mx.random.gumbel([2], { key: k }),
    mx.random.laplace([2], { key: k }), mx.random.truncated_normal(-1, 1, [3], { key: k }), mx.random.split(k, 3),
    mx.random.categorical(mx.log(mx.array([0.2, 0.3, 0.5])), { num_samples: 4, key: k })], () => [mx.random.key(3)]],
  // conv, fast, fft, contractions
  ['conv1d/conv2d', (x, w, w2) => [mx.conv1d(x, w, { stride: 2, padding: 1 }), mx.conv2d(mx.reshape(x, [2, 4, 2, 3]), w2, { groups: 3 })], () => [rand([2, 8, 3]), rand([4, 3, 3]), rand([6, 2, 2, 1])]],
  ['conv_transpose', (x, w) => mx.conv_transpose1d(x, w, { stride: 2 }), () => [rand([1, 5, 2]), rand([3, 3, 2])]],
  ['fast norms/rope', (x, w, b) => [mx.fast.rms_norm(x, w, 1e-5), mx.fast.layer_norm(x, w, b, 1e-5), mx.fast.rope(mx.reshape(x, [1, 2, 3, 8]), 8, { traditional: false, base: 10000, scale: 1, offset: 2 })], () => [rand([6, 8]), rand([8]), rand([8])]],
  ['sdpa', (q, k, v, m) => [mx.fast.scaled_dot_product_attention(q, k, v, { scale: 0.5, mask: m }), mx.fast.scaled_dot_product_attention(q, k, v, { scale: 0.5, mask: 'causal' })], () => [rand([1, 2, 3, 4]), rand([1, 2, 3, 4]), rand([1, 2, 3, 4]), mx.greater(rand([3, 3]), -0.5)]],
  ['fft', (a) => [mx.fft.fft(a), mx.fft.rfft(a), mx.fft.irfft(mx.fft.rfft(a))], () => [rand([2, 8])]],
  ['einsum/hadamard', (a, b) => [mx.einsum('ij,jk->ik', a, b), mx.hadamard_transform(a), mx.outer(a.get(0), b.get(0))], () => [rand([4, 4]), rand([4, 4])]],
  ['quantized', (x, w) => { const [q, s, b] = mx.quantize(w, 32, 4); return [mx.quantized_matmul(x, q, s, b, true, 32, 4), mx.dequantize(q, s, b, 32, 4)]; }, () => [rand([2, 64]), rand([8, 64])]],
  ...['mxfp4', 'mxfp8', 'nvfp4'].map((mode) => [`quantized ${mode}, gather_qmm`, (x, w) => {
    const [q, sc] = mx.quantize(w, { mode });
    return [mx.quantized_matmul(x, q, sc, null, true, null, null, mode), mx.dequantize(q, sc, null, { mode }), q, sc,
      mx.gather_qmm(x, q, sc, null, { transpose: true, mode, lhs_indices: mx.array([0], mx.uint32), rhs_indices: mx.array([0], mx.uint32) })];
  }, () => [rand([3, 64]), rand([16, 64])]]),
  // linalg (CPU stream)
  ['linalg', (a) => { const s = { stream: mx.cpu }; const spd = mx.add(mx.matmul(a, mx.transpose(a)), mx.multiply(mx.eye(3), 3)); return [mx.linalg.inv(spd, s), mx.linalg.cholesky(spd, s), ...mx.linalg.qr(a, s), mx.linalg.eigvalsh(spd, s), mx.linalg.solve(spd, a, s), ...mx.linalg.lu(a, s)]; }, () => [rand([3, 3])]],
  ['more linalg', (a) => { const s = { stream: mx.cpu }; const spd = mx.add(mx.matmul(a, mx.transpose(a)), mx.multiply(mx.eye(3), 3)); const L = mx.linalg.cholesky(spd, s);
    return [...mx.linalg.svd(a, s), ...mx.linalg.eig(spd, s), mx.linalg.det(spd, s), ...mx.linalg.slogdet(spd, s), mx.linalg.cholesky_inv(L, s),
      mx.linalg.solve_triangular(L, a, { upper: false, stream: mx.cpu })]; }, () => [rand([3, 3])]],
  ['scatter kinds, windows, split', (a, i, k) => { const b = mx.array(a); b.set(i, 5); return [b, a.at(i).multiply(2), a.at(i).minimum(0), mx.argmin(a, 0),
    mx.cumprod(a, 1), mx.cummin(a, 0), mx.bartlett(4), mx.hamming(4), mx.blackman(4), ...mx.random.split(k)]; }, () => [rand([4, 3]), randInt([2], 0, 4), mx.random.key(2)]],
  ['depends', (a, b) => mx.depends([mx.exp(a)], [mx.sin(b)]), () => [rand([3]), rand([2])]],
  // transforms inside the function
  ['value_and_grad', (x, w) => { const [v, g] = mx.value_and_grad((p) => mx.sum(mx.square(mx.matmul(x, p))))(w); return [v, g]; }, () => [rand([2, 3]), rand([3, 2])]],
  ['stop_gradient/custom_function', (x) => { const f = mx.custom_function((a) => mx.sin(a)); f.vjp((p, c) => mx.multiply(c, 2)); return [f(x), mx.stop_gradient(mx.exp(x))]; }, () => [rand([3])]],
];

test('round trips of op graphs: imported == original on new inputs', () => {
  for (const [name, fun, make] of CASES) {
    roundTrip(name, fun, make(), [make(), make()]);
  }
});

test('a function with no inputs, captured constants and the global random state', () => {
  const c = rand([16, 32]);
  mx.eval(c);
  roundTrip('no inputs', () => mx.add(mx.zeros([3, 3]), c.get('0:3', '0:3')), [], []);
  roundTrip('a captured array as an output', () => [c, mx.negative(c)], [], []);
  // MLX: the key the trace used is a constant; the import reproduces the draws of that state.
  const file = tmp();
  mx.random.seed(5);
  mx.export_function(file, () => mx.random.uniform(0, 1, [3]));
  const f = mx.import_function(file);
  mx.random.seed(5);
  const want = mx.random.uniform(0, 1, [3]);
  assertSame(f()[0], want, 'global random state');
  assertSame(f()[0], want, 'the same draws on every call');
});

test('constants are stored in the file: a child process imports the same values', () => {
  const w = rand([5, 7]);
  const b = rand([7]);
  mx.eval(w, b);
  const x = rand([3, 5]);
  const file = tmp();
  mx.export_function(file, (a) => mx.add(mx.matmul(a, w), b), x);
  const want = mx.add(mx.matmul(x, w), b);
  const script = `const mx = require(${JSON.stringify(path.resolve(__dirname, '../../lib'))}).core;
    const f = mx.import_function(process.argv[1]);
    const x = mx.array(JSON.parse(process.argv[2]));
    const out = f(x)[0];
    process.stdout.write(JSON.stringify(Array.from(new Uint32Array(out.toTypedArray().buffer.slice(0)))));`;
  const r = spawnSync(process.execPath, ['-e', script, file, JSON.stringify(x.tolist())], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), Array.from(new Uint32Array(want.toTypedArray().buffer.slice(0))));
  // The file holds the constant bytes (35 + 7 floats) plus a small graph.
  const size = fs.statSync(file).size;
  assert.ok(size >= 42 * 4 && size < 42 * 4 + 1024, `file size ${size}`);
});

test('exporter: several traces (shapes, argument structures, keywords) in one file', () => {
  const file = tmp();
  const fun = (x, y, kw) => {
    let out = mx.add(x, y);
    if (kw && kw.z) out = mx.add(out, kw.z);
    return out;
  };
  const ex = mx.exporter(file, fun);
  assert.ok(ex instanceof mx.FunctionExporter);
  assert.equal(typeof ex, 'function');
  ex(mx.array([1, 2, 3]), mx.array([1, 1, 1]));
  ex(mx.array([1, 2, 3]), mx.array([1, 1, 1]), { z: mx.array([2]) });
  ex(mx.array([[1.5]]), mx.array([[2.5]]));
  ex.close();
  throwsWith(() => ex(mx.array([1, 2, 3, 4]), mx.array([1, 1, 1, 1])), Error, /\[export_function\] The exporter is closed/);
  const f = mx.import_function(file);
  assert.deepEqual(f(mx.array([1, 2, 3]), mx.array([1, 1, 1]))[0].tolist(), [2, 3, 4]);
  assert.deepEqual(f(mx.array([5, 2, 3]), mx.array([1, 1, 0]), { z: mx.array([2]) })[0].tolist(), [8, 5, 5]);
  assert.deepEqual(f(mx.array([[0.5]]), mx.array([[0.25]]))[0].tolist(), [[0.75]]);
  // No trace matches: the message lists the traces and the call.
  const e = throwsWith(() => f(mx.array([1, 2, 3, 4]), mx.array([1, 1, 1, 1])), Error, /\[import_function::call\] No imported function found which matches/);
  assert.match(e.message, /1\. Function with 2 positional inputs and 0 keyword inputs:\n {3}1: \(3\) int32/);
  assert.match(e.message, /2\. Function with 2 positional inputs and 1 keyword inputs:[\s\S]*z: \(1\) int32/);
  assert.match(e.message, /Called with 2 positional inputs and 0 keyword inputs:\n {3}1: \(4\) int32/);
  throwsWith(() => f(mx.array([1, 2, 3]), mx.array([1, 1, 1]), { y: mx.array([2]) }), Error, /No imported function found/);
  throwsWith(() => f(mx.array([1, 2, 3], mx.float32), mx.array([1, 1, 1])), Error, /No imported function found/);

  // A large constant shared by five traces is stored once (MLX's test).
  const constant = mx.zeros([16, 2048]);
  mx.eval(constant);
  const file2 = tmp();
  const ex2 = mx.exporter(file2, (...a) => mx.add(constant, a.reduce((s, t) => mx.add(s, t), mx.array(0))));
  for (let i = 0; i < 5; i++) ex2(...Array.from({ length: i }, () => mx.array(1)));
  ex2.close();
  assert.ok(fs.statSync(file2).size < constant.nbytes + 8192);
  const g = mx.import_function(file2);
  assert.equal(g(mx.array(2), mx.array(3), mx.array(4))[0].get(0, 0).item(), 9);
  // Traces with their own captured constants (MLX's test_export_import_multi_with_constants).
  const file3 = tmp();
  const h = (y) => {
    const i = y.shape[0];
    let x = mx.array(i);
    for (let j = 0; j < 10; j++) x = mx.add(x, mx.array(i + j));
    return mx.multiply(x, mx.sum(y));
  };
  const ys = [mx.array([1]), mx.array([1, 1]), mx.array([1, 1, 1])];
  const ex3 = mx.exporter(file3, h);
  for (const y of ys) ex3(y);
  ex3.__exit__();
  const hi = mx.import_function(file3);
  for (const y of ys) assert.equal(hi(y)[0].item(), h(y).item());
  // Disposal closes it too; the same signature twice is refused.
  const ex4 = mx.exporter(tmp(), (x) => mx.abs(x));
  ex4(mx.array([1]));
  throwsWith(() => ex4(mx.array([2])), Error, /\[export_function\] Attempting to export a function twice with the same signature is not allowed/);
  ex4[Symbol.dispose]();
  assert.equal(ex4.closed, true);
});

test('shapeless: one trace follows new shapes; ranks and dtypes must still match', () => {
  const file = tmp();
  const ex = mx.exporter(file, (...a) => a.reduce((s, t) => mx.add(s, t)), { shapeless: true });
  ex(mx.array(1));
  ex(mx.array(1), mx.array(2));
  ex(mx.array(1), mx.array(2), mx.array(3));
  ex.close();
  const f = mx.import_function(file);
  assert.equal(f(mx.array(1))[0].item(), 1);
  assert.equal(f(mx.array(1), mx.array(1))[0].item(), 2);
  assert.equal(f(mx.array(1), mx.array(1), mx.array(1))[0].item(), 3);
  throwsWith(() => f(mx.array(10), mx.array([5, 10, 20])), Error, /No imported function found/);

  // Elementwise chains with broadcasting, reductions and matmul against a constant.
  const E = 16, H = 5;
  const w = mx.multiply(mx.reshape(mx.arange(E * H, { dtype: mx.float32 }), [E, H]), 1 / (E * H));
  mx.eval(w);
  const fn = (x, b) => [mx.matmul(x, w), mx.exp(mx.multiply(x, b)), mx.sum(mx.tanh(x), -1), mx.softmax(x, -1), mx.mean(x, 1)];
  const file2 = tmp();
  mx.export_function(file2, fn, rand([1, 4, E]), rand([E]), { shapeless: true });
  const g = mx.import_function(file2);
  for (const t of [4, 9, 31]) {
    const x = rand([1, t, E]);
    const b = rand([E]);
    const got = g(x, b);
    const want = fn(x, b);
    want.forEach((v, i) => assertSame(got[i], v, `shapeless t=${t} output ${i}`));
  }
  throwsWith(() => g(rand([4, E]), rand([E])), Error, /No imported function found/);

  // Reshape with -1, flatten and unflatten follow new shapes, as in shapeless compile.
  const file3 = tmp();
  const fr = (x) => [mx.unflatten(mx.flatten(x, 1, 2), 1, [-1, 2]), mx.reshape(x, [x.shape[0], -1])];
  mx.export_function(file3, fr, rand([2, 3, 4]), { shapeless: true });
  const h = mx.import_function(file3);
  for (const sh of [[2, 3, 4], [4, 5, 2], [1, 1, 6]]) {
    const x = rand(sh);
    const got = h(x);
    assert.deepEqual(got[0].shape, [sh[0], (sh[1] * sh[2]) / 2, 2]);
    assertSame(got[0], mx.reshape(x, [sh[0], -1, 2]), `flatten/unflatten ${sh}`, 0);
    assert.deepEqual(got[1].shape, [2, (sh[0] * sh[1] * sh[2]) / 2], 'the traced first dim (2) stays fixed');
  }
  throwsWith(() => h(rand([3, 1, 3])), Error, /\[unflatten\] Cannot unflatten axis 1 with size 3 into shape \(-1,2\)/);
});

test('keyword inputs: MLX forms, ordering and mismatches', () => {
  const fun = (x, kw) => (kw && kw.z ? mx.add(x, kw.z) : x);
  const x = mx.array([1, 2, 3]);
  const z = mx.array([2, 2, 2]);
  const want = [3, 4, 5];
  for (const form of [[x, { z }], [[x], { z }]]) {
    const file = tmp();
    mx.export_function(file, fun, ...form);
    const f = mx.import_function(file);
    assert.deepEqual(f(x, { z })[0].tolist(), want);
    assert.deepEqual(f([x], { z })[0].tolist(), want);
    throwsWith(() => f(x, z), Error, /No imported function found/);
    throwsWith(() => f(x, { y: z }), Error, /No imported function found/);
  }
  // Keywords only: positionals do not match them.
  const file = tmp();
  const sub = (kw) => mx.subtract(kw.x, kw.y);
  mx.export_function(file, (kw) => sub(kw), { x: mx.array(1), y: mx.array(1) });
  const f = mx.import_function(file);
  throwsWith(() => f(mx.array(1), { y: mx.array(1) }), Error, /No imported function found/);
  assert.equal(f({ x: mx.array(2), y: mx.array(3) })[0].item(), -1);
  assert.equal(f({ y: mx.array(2), x: mx.array(3) })[0].item(), 1);
  // The function sees its keywords sorted by name, as MLX orders them.
  let seen = null;
  mx.export_function(tmp(), (kw) => { seen = Object.keys(kw); return kw.b; }, { b: mx.array(1), a: mx.array(2) });
  assert.deepEqual(seen, ['a', 'b']);
});

test('metadata: stored, returned with return_metadata, kept by multi-trace exports', () => {
  const file = tmp();
  const fun = (x) => mx.abs(x);
  const x = mx.array([1, -2, 3], mx.float32);
  const meta = JSON.stringify({ name: 'model', params: 7000000000, lr: 0.1, text: 'ünïcödé' });
  mx.export_function(file, fun, x, { metadata: meta });
  assert.deepEqual(mx.import_function(file)(x)[0].tolist(), [1, 2, 3]);
  const [f, m] = mx.import_function(file, true);
  assert.equal(m, meta);
  assert.equal(JSON.parse(m).params, 7000000000);
  assert.deepEqual(f(x)[0].tolist(), [1, 2, 3]);
  mx.export_function(file, fun, x);
  assert.equal(mx.import_function(file, { return_metadata: true })[1], '');
  const ex = mx.exporter(file, fun, { metadata: meta });
  ex(mx.array([1]));
  ex(mx.array([1, 2]));
  ex.close();
  assert.equal(mx.import_function(file, true)[1], meta);
  throwsWith(() => mx.export_function(file, fun, x, { metadata: { name: 'model' } }), TypeError, /\[export_function\] argument 'metadata' must be a string or null/);
  throwsWith(() => mx.export_function(() => {}, fun, x, { metadata: meta }), Error, /\[export_function\] metadata is not supported with a callback/);
});

test('callback mode: the records MLX sends (inputs, keywords, outputs, constants, primitives)', () => {
  const records = [];
  const fn = (x, kw) => mx.astype(mx.log(mx.abs(mx.subtract(x, kw.y))), mx.int32);
  mx.export_function((r) => records.push(r), fn, mx.array(1, mx.float32), { y: mx.array(1, mx.float32) });
  const types = records.map((r) => r.type);
  assert.deepEqual(types, ['inputs', 'keyword_inputs', 'outputs', 'constants', 'primitive', 'primitive', 'primitive', 'primitive']);
  assert.deepEqual(records[0].inputs, [['A', [], mx.float32], ['B', [], mx.float32]]);
  assert.deepEqual(records[1].keywords, [['y', 'B']]);
  assert.deepEqual(records[2].outputs, [['C', [], mx.int32]]);
  assert.deepEqual(records[3].constants, []);
  const prims = records.slice(4);
  assert.deepEqual(prims.map((r) => r.name), ['Subtract', 'Abs', 'Log', 'AsType']);
  assert.deepEqual(prims.map((r) => r.arguments), [[], [], [], [mx.int32]]);
  assert.deepEqual(prims[0].inputs, [['A', [], mx.float32], ['B', [], mx.float32]]);
  assert.deepEqual(prims[0].outputs, [['D', [], mx.float32]]);
  assert.deepEqual(prims[3].inputs, [['F', [], mx.float32]]);
  assert.deepEqual(prims[3].outputs, [['C', [], mx.int32]]);
  // Constants arrive as arrays; parameters as numbers, booleans and Arrays.
  const rec2 = [];
  const c = mx.array([1, 2, 3], mx.float32);
  mx.export_function((r) => rec2.push(r), (a) => mx.sum(mx.multiply(a, c), 0, { keepdims: true }), mx.array([4, 5, 6], mx.float32));
  const consts = rec2.find((r) => r.type === 'constants').constants;
  assert.equal(consts.length, 1);
  assert.deepEqual(consts[0][1].tolist(), [1, 2, 3]);
  const sum = rec2.find((r) => r.name === 'Sum');
  assert.deepEqual(sum.arguments, [[0]]);
  const ex = [];
  mx.export_function((r) => ex.push(r), (a) => mx.cumsum(a, 0, { reverse: true }), mx.array([1, 2]));
  assert.deepEqual(ex.find((r) => r.name === 'CumSum').arguments, [0, true, true]);
});

test('export_to_dot writes the graph of the outputs as Graphviz DOT', () => {
  const a = mx.array(1, mx.float32);
  const b = mx.array(2, mx.float32);
  const c = mx.add(a, b);
  const chunks = [];
  mx.export_to_dot({ write: (t) => chunks.push(t) }, c);
  const text = chunks.join('');
  const lines = text.split('\n');
  assert.equal(lines[0], 'digraph {');
  assert.equal(lines[lines.length - 1], '}');
  assert.ok(lines.includes('{ rank=source; A; }') && lines.includes('{ rank=source; B; }'), text);
  const node = lines.find((l) => l.includes('[label ="Add", shape=rectangle]'));
  assert.ok(node, text);
  const id = /^\{ (\d+) /.exec(node)[1];
  assert.ok(lines.includes(`A -> ${id}`) && lines.includes(`B -> ${id}`) && lines.includes(`${id} -> C`), text);
  assert.ok(lines.includes('{ rank=sink; C; }'), text);
  // Names from keywords, multi-output nodes, trees of outputs and a file path.
  const file = tmp('dot');
  const [q, r] = mx.divmod(a, b);
  mx.export_to_dot(file, [q, { r }], { x: a, y: b });
  const t2 = fs.readFileSync(file, 'utf8');
  assert.match(t2, /\{ rank=source; x; \}/);
  assert.match(t2, /\{ rank=source; y; \}/);
  assert.match(t2, /label ="DivMod"/);
  assert.match(t2, /rank=sink; A; \}[\s\S]*rank=sink; B; \}/);
  assert.equal((t2.match(/label =/g) || []).length, 1);
  // An evaluated array is a source.
  mx.eval(c);
  const t3 = [];
  mx.export_to_dot({ write: (t) => t3.push(t) }, c);
  assert.equal(t3.join(''), 'digraph {\n{ rank=source; A; }\n}');
  throwsWith(() => mx.export_to_dot(3, c), TypeError, /\[export_to_dot\] Accepts file-like objects/);
  throwsWith(() => mx.export_to_dot(file, c, { x: 3 }), TypeError, /\[export_to_dot\] The named array 'x' must be an mx\.array/);
});

// ---- an independent encoder of the documented format (docs/api.md, src/mlx/export.cpp) -------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
class Enc {
  constructor() { this.parts = []; }
  u8(v) { this.parts.push(Buffer.from([v])); return this; }
  u32(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); this.parts.push(b); return this; }
  i32(v) { const b = Buffer.alloc(4); b.writeInt32LE(v); this.parts.push(b); return this; }
  f32s(vs) { const b = Buffer.alloc(4 * vs.length); vs.forEach((v, i) => b.writeFloatLE(v, 4 * i)); this.parts.push(b); return this; }
  u64(v) { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.parts.push(b); return this; }
  str(s) { const b = Buffer.from(s, 'utf8'); this.u32(b.length); this.parts.push(b); return this; }
  spec(dtype, shape) { this.u8(dtype).u32(shape.length); for (const d of shape) this.i32(d); return this; }
  bytes() { return Buffer.concat(this.parts); }
}
const F32 = 10;  // float32's index in the dtype list (MLX's Dtype::Val order)
function wrap(body, { version = 1, crc = null, len = null } = {}) {
  const h = new Enc();
  h.parts.push(Buffer.from('MLXJSFN\0', 'latin1'));
  h.u32(version).u32(crc === null ? crc32(body) : crc).u64(len === null ? body.length : len);
  return Buffer.concat([h.bytes(), body]);
}
// f(x) = exp(x) * c for x of shape (3,), c a stored constant; variations for hostile files.
function body({ nodeName = 'Exp', nin = 1, dtype = F32, nconst = 1, constBytes = null, ref = 0, nOutputs = 1, state = null, extra = null } = {}) {
  const e = new Enc();
  e.u8(0).str('hand made');
  e.u32(nconst);
  e.spec(F32, [3]).u64(constBytes === null ? 12 : constBytes).f32s([1, 2, 4]);
  e.u32(1);  // traces
  e.u32(1).spec(dtype, [3]);  // one positional input
  e.u32(0);  // keyword inputs
  e.u32(1).u32(0);  // the constant, value 1
  e.u32(2);  // nodes
  e.str(nodeName).u8(0);
  if (state) state(e); else e.u32(0);
  e.u32(nin); for (let i = 0; i < nin; i++) e.u32(ref);
  e.u32(1).spec(F32, [3]);  // value 2
  e.str('Multiply').u8(0).u32(0).u32(2).u32(2).u32(1).u32(1).spec(F32, [3]);  // value 3
  e.u32(nOutputs); for (let i = 0; i < nOutputs; i++) e.u32(3);
  if (extra) e.parts.push(extra);
  return e.bytes();
}

test('a file written by an independent encoder of the format imports and runs', () => {
  const file = tmp();
  fs.writeFileSync(file, wrap(body()));
  const [f, meta] = mx.import_function(file, true);
  assert.equal(meta, 'hand made');
  const x = mx.array([0, 1, -1], mx.float32);
  assertSame(f(x)[0], mx.multiply(mx.exp(x), mx.array([1, 2, 4], mx.float32)), 'hand-made file');
  // And what export_function writes decodes with the same layout: the header and body checks.
  const out = tmp();
  mx.export_function(out, (a) => mx.exp(a), mx.array([1, 2, 3], mx.float32));
  const bytes = fs.readFileSync(out);
  assert.equal(bytes.subarray(0, 8).toString('latin1'), 'MLXJSFN\0');
  assert.equal(bytes.readUInt32LE(8), 1);
  assert.equal(bytes.readUInt32LE(12), crc32(bytes.subarray(24)));
  assert.equal(Number(bytes.readBigUInt64LE(16)), bytes.length - 24);
});

test('hostile files: truncated, flipped bytes, bad counts and references give clear errors', () => {
  const good = wrap(body());
  const load = (buf) => {
    const file = tmp();
    fs.writeFileSync(file, buf);
    return () => mx.import_function(file);
  };
  // Every truncation.
  for (let n = 0; n < good.length; n++) {
    throwsWith(load(good.subarray(0, n)), Error, /\[import_function\] (Not an mlxjs function file|Invalid file: (it ends|its length))/, `prefix ${n}`);
  }
  // Every single flipped byte (the checksum, magic, version or length catches each).
  for (let i = 0; i < good.length; i++) {
    const bad = Buffer.from(good);
    bad[i] ^= 0x5a;
    throwsWith(load(bad), Error, /\[import_function\] /, `byte ${i}`);
  }
  throwsWith(load(wrap(body(), { version: 2 })), Error, /format version 2; this version of mlxjs reads version 1/);
  throwsWith(load(wrap(body(), { crc: 1 })), Error, /checksum does not match/);
  throwsWith(load(Buffer.concat([good, Buffer.from([0])])), Error, /its length does not match/);
  throwsWith(load(Buffer.from('not a function file at all')), Error, /Not an mlxjs function file/);
  // Files with valid checksums and bad contents.
  const cases = [
    [{ nconst: 0xffffffff }, /number of constants is larger than the file/],
    [{ constBytes: 16 }, /byte count does not match its shape/],
    [{ nodeName: 'Rm -rf' }, /primitive 'Rm -rf', which this version of mlxjs cannot import/],
    [{ nin: 2 }, /the primitive Exp has 2 inputs/],
    [{ ref: 7 }, /reads a value that is not defined before it/],
    [{ dtype: 99 }, /unknown dtype \(99\)/],
    [{ nOutputs: 0 }, /a trace has no outputs/],
    [{ state: (e) => e.u32(1).u8(1).i32(3) }, /state of primitive Exp is invalid \(it has more parameters/],
    [{ state: (e) => e.u32(1).u8(42) }, /parameter has an unknown type tag/],
    [{ state: (e) => e.u32(1).u8(7).u32(0x7fffffff) }, /number of integers in a parameter is larger than the file/],
    [{ extra: Buffer.from([1, 2]) }, /bytes after its last trace/],
  ];
  for (const [opts, re] of cases) throwsWith(load(wrap(body(opts))), Error, re, JSON.stringify(Object.keys(opts)));
  // Parameters of the wrong type or out of range for the primitive.
  const withNode = (name, nin, state) => body({ nodeName: name, nin, state });
  throwsWith(load(wrap(withNode('AsType', 1, (e) => e.u32(1).u8(1).i32(3)))), Error, /state of primitive AsType is invalid \(a parameter has the wrong type\)/);
  throwsWith(load(wrap(withNode('Pad', 1, (e) => e.u32(3).u8(7).u32(1).i32(1).u8(7).u32(1).i32(1).u8(1).i32(9)))), Error, /state of primitive Pad is invalid \(an enum value is out of range\)/);
  throwsWith(load(wrap(withNode('Sum', 1, (e) => e.u32(0)))), Error, /state of primitive Sum is invalid \(a parameter is missing\)/);
  throwsWith(() => mx.import_function(path.join(dir, 'missing.mlxfn')), Error, /\[import_function\] Cannot open the file/);
});

test('random byte changes with a recomputed checksum: import fails cleanly or succeeds, never crashes', () => {
  // A file with many primitive kinds; each mutated copy is imported in a child process (a
  // crash there is a signal, reported here as a failure, not the end of this runner).
  const file = tmp();
  const w = rand([4, 3]);
  mx.eval(w);
  mx.export_function(file, (x, i) => [mx.sum(mx.matmul(x, w), 1), mx.take(x, i, 0), mx.sort(mx.transpose(x), -1),
    mx.concatenate([x, x], 0).get('1:3'), mx.cumsum(x, 1), mx.softmax(x, -1), mx.astype(x, mx.float16)],
  rand([2, 4]), mx.array([1, 0, 1]), { metadata: 'm' });
  const good = fs.readFileSync(file);
  const r = rng(11);
  const n = 1500;
  const files = [];
  for (let k = 0; k < n; k++) {
    const bad = Buffer.from(good);
    const changes = 1 + Math.floor(r() * 3);
    for (let c = 0; c < changes; c++) bad[24 + Math.floor(r() * (bad.length - 24))] = Math.floor(r() * 256);
    bad.writeUInt32LE(crc32(bad.subarray(24)), 12);
    const f = path.join(dir, `mut${k}.mlxfn`);
    fs.writeFileSync(f, bad);
    files.push(f);
  }
  const script = `const mx = require(${JSON.stringify(path.resolve(__dirname, '../../lib'))}).core;
    let ok = 0, refused = 0;
    for (const f of JSON.parse(process.argv[1])) {
      try { mx.import_function(f); ok++; } catch (e) {
        if (!(e instanceof Error) || !/^\\[import_function\\] /.test(e.message)) { console.error('unexpected', e); process.exit(3); }
        refused++;
      }
    }
    process.stdout.write(JSON.stringify([ok, refused]));`;
  const listFile = path.join(dir, 'mutations.json');
  fs.writeFileSync(listFile, JSON.stringify(files));
  const res = spawnSync(process.execPath, ['-e', script.replace('process.argv[1]', 'require("fs").readFileSync(process.argv[1], "utf8")'), listFile], { encoding: 'utf8' });
  assert.equal(res.signal, null, `the importer crashed: ${res.stderr}`);
  assert.equal(res.status, 0, res.stderr);
  const [ok, refused] = JSON.parse(res.stdout);
  assert.equal(ok + refused, n);
  assert.ok(refused > n / 2, `most mutations are refused (${refused} of ${n})`);
});

// A decoder of the format (the inverse of Enc), for semantic mutations.
function decodeFile(buf) {
  let p = 24;
  const u8 = () => buf[p++];
  const u32 = () => { const v = buf.readUInt32LE(p); p += 4; return v; };
  const i32 = () => { const v = buf.readInt32LE(p); p += 4; return v; };
  const bytes = (n) => { const v = Buffer.from(buf.subarray(p, p + n)); p += n; return v; };
  const str = () => bytes(u32());
  const spec = () => { const d = u8(); const n = u32(); return [d, Array.from({ length: n }, i32)]; };
  const val = () => {
    const t = u8();
    switch (t) {
      case 0: case 6: return [t, u8()];
      case 1: return [t, i32()];
      case 2: { const v = buf.readBigInt64LE(p); p += 8; return [t, v]; }
      case 3: return [t, bytes(4)];
      case 4: return [t, bytes(8)];
      case 5: return [t, str()];
      case 7: { const n = u32(); return [t, Array.from({ length: n }, i32)]; }
      default: { const n = u32(); return [t, Array.from({ length: n }, () => { const v = buf.readBigInt64LE(p); p += 8; return v; })]; }
    }
  };
  const f = { shapeless: u8(), meta: str(), consts: [], traces: [] };
  for (let n = u32(); n > 0; n--) { const sp = spec(); const nb = Number(buf.readBigUInt64LE(p)); p += 8; f.consts.push([sp, bytes(nb)]); }
  for (let t = u32(); t > 0; t--) {
    const tr = { args: [], kw: [], consts: [], nodes: [], outputs: [] };
    for (let n = u32(); n > 0; n--) tr.args.push(spec());
    for (let n = u32(); n > 0; n--) tr.kw.push([str(), spec()]);
    for (let n = u32(); n > 0; n--) tr.consts.push(u32());
    for (let n = u32(); n > 0; n--) {
      const node = { name: str(), dev: u8(), state: [], ins: [], outs: [] };
      for (let k = u32(); k > 0; k--) node.state.push(val());
      for (let k = u32(); k > 0; k--) node.ins.push(u32());
      for (let k = u32(); k > 0; k--) node.outs.push(spec());
      tr.nodes.push(node);
    }
    for (let n = u32(); n > 0; n--) tr.outputs.push(u32());
    f.traces.push(tr);
  }
  return f;
}
function encodeFile(f) {
  const e = new Enc();
  const raw = (b) => e.parts.push(b);
  const spec = ([d, sh]) => e.spec(d, sh);
  e.u8(f.shapeless).u32(f.meta.length); raw(f.meta);
  e.u32(f.consts.length);
  for (const [sp, data] of f.consts) { spec(sp); e.u64(data.length); raw(data); }
  e.u32(f.traces.length);
  for (const tr of f.traces) {
    e.u32(tr.args.length); tr.args.forEach(spec);
    e.u32(tr.kw.length); for (const [k, sp] of tr.kw) { e.u32(k.length); raw(k); spec(sp); }
    e.u32(tr.consts.length); tr.consts.forEach((c) => e.u32(c));
    e.u32(tr.nodes.length);
    for (const n of tr.nodes) {
      e.u32(n.name.length); raw(n.name); e.u8(n.dev); e.u32(n.state.length);
      for (const [t, v] of n.state) {
        e.u8(t);
        if (t === 0 || t === 6) e.u8(v);
        else if (t === 1) e.i32(v);
        else if (t === 2) { const b = Buffer.alloc(8); b.writeBigInt64LE(v); raw(b); }
        else if (t === 3 || t === 4) raw(v);
        else if (t === 5) { e.u32(v.length); raw(v); }
        else if (t === 7) { e.u32(v.length); v.forEach((x) => e.i32(x)); }
        else { e.u32(v.length); for (const x of v) { const b = Buffer.alloc(8); b.writeBigInt64LE(x); raw(b); } }
      }
      e.u32(n.ins.length); n.ins.forEach((x) => e.u32(x));
      e.u32(n.outs.length); n.outs.forEach(spec);
    }
    e.u32(tr.outputs.length); tr.outputs.forEach((x) => e.u32(x));
  }
  return wrap(e.bytes());
}

test('crafted files with valid checksums (changed axes, sizes, dtypes, references) never crash the import or the call', () => {
  const file = tmp();
  const k = mx.random.key(1);
  const w = rand([4, 3]);
  mx.eval(w);
  mx.export_function(file, (x, i) => [mx.sum(mx.matmul(x, w), 1), mx.take(x, i, 0), mx.sort(mx.transpose(x), -1),
    mx.concatenate([x, x], 0).get('1:3'), mx.cumsum(x, 1), mx.softmax(x, -1), mx.astype(x, mx.float16),
    mx.random.uniform(0, 1, [3], { key: k }), mx.pad(x, 1), mx.as_strided(x, [2, 2], [1, 2]), mx.fft.rfft(x),
    mx.fast.rms_norm(x, mx.ones([4]), 1e-5), mx.conv1d(mx.reshape(x, [1, 2, 4]), mx.ones([2, 1, 4])), x.get('::-1', 1),
    mx.take_along_axis(x, mx.zeros([2, 1], mx.int32), 1), mx.topk(x, 2, 1), mx.slice_update(x, mx.ones([1, 4]), mx.array([1]), [0]),
    mx.mean(x), x.at(i).add(1), mx.unflatten(mx.flatten(x), 0, [2, -1]), mx.reshape(x, [-1, 2])],
  rand([2, 4]), mx.array([1, 0, 1]));
  const good = fs.readFileSync(file);
  const f0 = decodeFile(good);
  assert.deepEqual(encodeFile(f0), good, 'the test decoder and encoder reproduce the file');
  const r = rng(5);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const small = () => pick([-2, -1, 0, 1, 2, 3, 4, 5, 7, 8, 100, Math.floor(r() * 21) - 10]);
  const n = 1500;
  const files = [];
  for (let m = 0; m < n; m++) {
    const f = decodeFile(good);
    const tr = f.traces[0];
    const node = pick(tr.nodes);
    const kind = r();
    if (kind < 0.45 && node.state.length) {
      const v = pick(node.state);
      if (v[0] === 1) v[1] = small();
      else if (v[0] === 7) { if (v[1].length) v[1][Math.floor(r() * v[1].length)] = small(); else v[1] = [small()]; }
      else if (v[0] === 0) v[1] ^= 1;
      else if (v[0] === 6) v[1] = Math.floor(r() * 14);
      else if (v[0] === 2) v[1] = BigInt(small());
    } else if (kind < 0.7) {
      const sp = pick(node.outs);
      if (sp[1].length && r() < 0.7) sp[1][Math.floor(r() * sp[1].length)] = Math.max(0, small());
      else if (r() < 0.5) sp[0] = Math.floor(r() * 14);
      else if (sp[1].length && r() < 0.5) sp[1].pop();
      else sp[1].push(pick([1, 2, 3]));
    } else if (node.ins.length) {
      const j = Math.floor(r() * node.ins.length);
      node.ins[j] = Math.floor(r() * (node.ins[j] + 1));
    }
    const out = path.join(dir, `sem${m}.mlxfn`);
    fs.writeFileSync(out, encodeFile(f));
    files.push(out);
  }
  const listFile = path.join(dir, 'semantic.json');
  fs.writeFileSync(listFile, JSON.stringify(files));
  const script = `const mx = require(${JSON.stringify(path.resolve(__dirname, '../../lib'))}).core;
    const files = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
    const x = mx.array([[1, -2, 3, 0.5], [0, 2, -1, 4]], mx.float32), i = mx.array([1, 0, 1]);
    let imported = 0, refused = 0, ran = 0;
    for (const f of files) {
      let g;
      try { g = mx.import_function(f); imported++; } catch (e) {
        if (!/^\\[import_function\\] /.test(e.message)) { console.error('unexpected', e); process.exit(3); }
        refused++;
        continue;
      }
      try { mx.eval(g(x, i)); ran++; } catch (e) { if (!(e instanceof Error)) process.exit(4); }
    }
    process.stdout.write(JSON.stringify([imported, refused, ran]));`;
  const res = spawnSync(process.execPath, ['-e', script, listFile], { encoding: 'utf8' });
  assert.equal(res.signal, null, `a crafted file crashed the process: ${res.stderr}`);
  assert.equal(res.status, 0, res.stderr);
  const [imported, refused, ran] = JSON.parse(res.stdout);
  assert.equal(imported + refused, n);
  assert.ok(refused > n / 4 && ran > 0, `refused ${refused}, imported ${imported}, ran ${ran}`);
});

test('bad arguments name the function', () => {
  const file = tmp();
  const abs = (x) => mx.abs(x);
  throwsWith(() => mx.export_function(file, 3, mx.array(1)), TypeError, /\[export_function\] argument 'fun' must be a function/);
  throwsWith(() => mx.export_function(file, abs, 'hi'), TypeError, /\[export_function\] Inputs can either be/);
  throwsWith(() => mx.export_function(file, abs, mx.array(1), 'hi'), TypeError, /\[export_function\] Inputs can either be/);
  throwsWith(() => mx.export_function(file, (x) => mx.abs(x[0][0]), [[mx.array(1)]]), TypeError, /\[export_function\] Inputs can either be/);
  throwsWith(() => mx.export_function(file, abs, { x: 1 }), TypeError, /\[export_function\] Inputs can either be/);
  throwsWith(() => mx.export_function(file, () => [mx.zeros([3]), 1]), TypeError, /\[export_function\] Outputs can be either a single array or an Array of arrays/);
  throwsWith(() => mx.export_function(file, () => [mx.zeros([3]), [mx.zeros([3])]]), TypeError, /\[export_function\] Outputs can be/);
  throwsWith(() => mx.export_function(file, () => []), Error, /\[export_function\] The function must return at least one array/);
  throwsWith(() => mx.export_function(42, abs, mx.array(1)), TypeError, /\[export_function\] argument 'file_or_callback' must be a string or a function/);
  throwsWith(() => mx.export_function(path.join(dir, 'no', 'such', 'dir.mlxfn'), abs, mx.array(1)), Error, /\[export_function\] Cannot open the file/);
  throwsWith(() => mx.export_function(file, abs, mx.array(1), { shapeless: 1 }), TypeError, /\[export_function\] argument 'shapeless' must be a boolean/);
  const boom = new RangeError('from the user function');
  assert.throws(() => mx.export_function(file, () => { throw boom; }), (e) => e === boom);
  throwsWith(() => mx.import_function(3), TypeError, /\[import_function\] argument 'file' must be a string/);
  throwsWith(() => mx.import_function(file, 1), TypeError, /\[import_function\] argument 'return_metadata' must be a boolean/);
  throwsWith(() => mx.exporter(file, 'f'), TypeError, /\[exporter\] argument 'fun' must be a function/);
  throwsWith(() => mx.exporter(file, abs, { shapelss: true }), TypeError, /\[exporter\] unknown keyword argument 'shapelss'/);
  throwsWith(() => new mx.FunctionExporter(), TypeError, /\[FunctionExporter\] Use mx\.exporter/);
  mx.export_function(file, (x, y) => mx.add(x, y), mx.array(1), mx.array(1));
  const f = mx.import_function(file);
  throwsWith(() => f(mx.array(1), 1), TypeError, /\[import_function::call\] Inputs can either be/);
  throwsWith(() => f(mx.array(1), [mx.array(1)]), TypeError, /\[import_function::call\] Inputs can either be/);
  throwsWith(() => f(mx.array(1), mx.array(1), mx.array(1)), Error, /\[import_function::call\] No imported function found/);
  // An array traced by another transform cannot be captured.
  throwsWith(() => mx.vmap((x) => { mx.export_function(file, (y) => mx.add(x, y), mx.array(1)); return x; })(mx.array([1, 2])),
    Error, /\[export_function\] The function reads an array that another transform is tracing/);
});
