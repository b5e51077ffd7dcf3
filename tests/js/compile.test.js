'use strict';
// mx.compile: the same results as the uncompiled function for random graphs of elementwise ops,
// broadcasting and reductions (fused and unfused parts, every dtype family, strided inputs,
// inputs large enough for the threaded and streaming paths); retracing only when the
// structure, constants, shapes (ranks when shapeless) or dtypes change (counted by calls of
// the Python-side function); state capture with inputs/outputs (mx.random.state); compile of
// value_and_grad; disable_compile / enable_compile / MLX_DISABLE_COMPILE; errors.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const mx = require('../../lib').core;
const { throwsWith, rng } = require('./helpers/check');

function rand(shape, r, lo = -1, hi = 1) {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * r();
  return mx.array(v).reshape(shape);
}
const vals = (a) => Array.from(a.astype(mx.float64).toTypedArray(), Number);
function assertSame(got, want, msg, tol = 0) {
  assert.deepEqual(got.shape, want.shape, `${msg}: shape`);
  assert.equal(got.dtype, want.dtype, `${msg}: dtype`);
  const g = vals(got), w = vals(want);
  for (let i = 0; i < g.length; i++) {
    if (Number.isNaN(w[i])) assert.ok(Number.isNaN(g[i]), `${msg}: element ${i}`);
    else assert.ok(Math.abs(g[i] - w[i]) <= tol * (1 + Math.abs(w[i])), `${msg}: element ${i}: ${g[i]} vs ${w[i]}`);
  }
}

// A random expression over the inputs: elementwise ops (fusable), broadcasting, reductions.
function randomGraph(seed) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const unary = [mx.exp, mx.sin, mx.tanh, mx.abs, mx.negative, mx.square, mx.sigmoid, mx.cos,
    (a) => mx.sqrt(mx.abs(a)), (a) => mx.log1p(mx.abs(a)), (a) => mx.multiply(a, 0.5), (a) => mx.add(a, 2),
    (a) => mx.astype(mx.astype(a, mx.float16), mx.float32)];
  const binary = [mx.add, mx.subtract, mx.multiply, mx.maximum, mx.minimum,
    (a, b) => mx.divide(a, mx.add(mx.abs(b), 1)), (a, b) => mx.where(mx.greater(a, b), a, b), mx.arctan2];
  const reduce = [(a) => mx.sum(a, -1, { keepdims: true }), (a) => mx.max(a, 0, { keepdims: true }),
    (a) => mx.mean(a, -1, { keepdims: true }), (a) => mx.logsumexp(a, -1, { keepdims: true }),
    (a) => mx.softmax(a, -1)];
  const steps = [];
  const nSteps = 6 + Math.floor(r() * 10);
  for (let s = 0; s < nSteps; s++) {
    const kind = r();
    if (kind < 0.45) steps.push({ f: pick(unary), n: 1 });
    else if (kind < 0.85) steps.push({ f: pick(binary), n: 2 });
    else {
      const red = pick(reduce);
      steps.push({ f: (a) => (a.ndim ? red(a) : mx.exp(a)), n: 1 });
    }
  }
  return (...inputs) => {
    const pool = inputs.slice();
    for (const st of steps) {
      const a = pick(pool);
      pool.push(st.n === 1 ? st.f(a) : st.f(a, pick(pool)));
    }
    // Two outputs: the last value and a reduction of everything (keeps many values alive).
    return [pool[pool.length - 1], mx.sum(pool.reduce((acc, v) => mx.add(acc, mx.sum(v)), mx.array(0, mx.float32)))];
  };
}

test('random graphs: compiled equals uncompiled', () => {
  const shapes = [[[4, 5], [5], [4, 1], []], [[3, 2, 6], [2, 6], [3, 1, 1], [6]], [[7], [7], [1], []]];
  for (let seed = 1; seed <= 60; seed++) {
    const g = randomGraph(seed);
    const r = rng(1000 + seed);
    const sh = shapes[seed % shapes.length];
    const inputs = sh.map((s) => rand(s, r));
    // The pick sequence must be identical for both runs: rebuild the graph function.
    const want = randomGraph(seed)(...inputs);
    const got = mx.compile(g)(...inputs);
    assertSame(got[0], want[0], `seed ${seed} output 0`, 1e-6);
    assertSame(got[1], want[1], `seed ${seed} output 1`, 1e-5);
    // A second call replays the cached program on new values.
    const inputs2 = sh.map((s) => rand(s, r));
    const cg = mx.compile(randomGraph(seed));
    cg(...inputs);
    const got2 = cg(...inputs2);
    const want2 = randomGraph(seed)(...inputs2);
    assertSame(got2[0], want2[0], `seed ${seed} replay`, 1e-6);
  }
});

test('fusion: one kernel for a chain, same values for every dtype family, strided and large inputs', () => {
  const chain = (a, b, c) => mx.exp(mx.add(mx.multiply(a, b), c));
  const cf = mx.compile(chain);
  const r = rng(7);
  const a = rand([3, 4], r), b = rand([3, 4], r), c = rand([4], r);
  assertSame(cf(a, b, c), chain(a, b, c), 'chain', 0);
  const [traces, steps] = cf._compileStats();
  assert.equal(traces, 1);
  assert.equal(steps, 1, 'exp(a*b+c) is one fused step (the broadcast of c is read in place)');
  // Transposed and broadcast (stride 0) inputs.
  const at = mx.transpose(rand([4, 3], r));
  assertSame(cf(at, b, c), chain(at, b, c), 'transposed input', 0);
  assertSame(cf(a, mx.array(2, mx.float32), c), chain(a, mx.array(2, mx.float32), c), 'scalar input', 0);
  // Integers, bools, float16, float64, complex64.
  const mixed = (x, y) => mx.where(mx.logical_and(mx.greater(x, y), mx.not_equal(y, 0)), mx.multiply(x, y), mx.subtract(x, y));
  for (const dt of [mx.int32, mx.uint8, mx.int64, mx.float16, mx.bfloat16, mx.float64]) {
    const x = mx.array([[1, 5, 3], [0, 2, 9]], dt), y = mx.array([2, 2, 0], dt);
    assertSame(mx.compile(mixed)(x, y), mixed(x, y), `dtype ${dt}`, 0);
  }
  const cx = mx.array([[1, 2], [3, 4]], mx.complex64);
  const cfun = (z) => mx.multiply(mx.add(z, z), z);
  assertSame(mx.real(mx.compile(cfun)(cx)), mx.real(cfun(cx)), 'complex64', 0);
  // Large enough for both cores (2^20) and for streaming stores (2^22 float32 = 16 MiB).
  for (const n of [1 << 20, 1 << 22]) {
    const big = [rand([n], r), rand([n], r), rand([n], r)];
    const got = cf(...big), want = chain(...big);
    mx.eval(got, want);
    assert.ok(mx.array_equal(got, want).item(), `n = ${n}`);
  }
  // A 2-D broadcast with row tiles (bias add + relu).
  const relu = mx.compile((x, bias) => mx.maximum(mx.add(x, bias), 0));
  const x = rand([300, 5000], r), bias = rand([5000], r);
  assert.ok(mx.array_equal(relu(x, bias), mx.maximum(mx.add(x, bias), 0)).item());
});

test('common subexpressions are merged', () => {
  const f = mx.compile((x) => mx.multiply(mx.sum(x), mx.sum(x)));
  const x = mx.array([1, 2, 3], mx.float32);
  assert.equal(f(x).item(), 36);
  assert.equal(f._compileStats()[1], 3, 'one Sum (with its squeeze) and one Multiply');
  const g = mx.compile((x) => mx.add(mx.exp(x), mx.exp(x)));
  assertSame(g(x), mx.multiply(mx.exp(x), 2), 'exp(x) + exp(x)', 1e-7);
});

test('retracing only when structure, constants, shapes or dtypes change', () => {
  let traces = 0;
  const f = mx.compile((a, opts) => {
    traces++;
    return mx.multiply(a, opts.k);
  });
  const a = mx.array([1, 2], mx.float32);
  assert.deepEqual(f(a, { k: 2 }).tolist(), [2, 4]);
  assert.deepEqual(f(mx.array([3, 4], mx.float32), { k: 2 }).tolist(), [6, 8]);
  assert.equal(traces, 1, 'same shapes, dtypes, constants');
  f(a, { k: 3 });
  assert.equal(traces, 2, 'a new constant');
  f(a, { k: 2 });
  assert.equal(traces, 2, 'back to a cached constant');
  f(mx.array([1, 2, 3], mx.float32), { k: 2 });
  assert.equal(traces, 3, 'a new shape');
  f(mx.array([1, 2], mx.float16), { k: 2 });
  assert.equal(traces, 4, 'a new dtype');
  f(a, { k: 2, extra: null });
  assert.equal(traces, 5, 'a new structure');
  f(a, { k: mx.array(2) });
  assert.equal(traces, 6, 'an array where a constant was');
  assert.equal(f._compileStats()[0], 6);
  // shapeless: shapes may change, ranks and dtypes may not.
  let st = 0;
  const g = mx.compile((x, y) => {
    st++;
    return mx.add(mx.multiply(x, y), 1);
  }, { shapeless: true });
  assert.deepEqual(g(mx.array([[1, 2, 3]], mx.float32), mx.array([1, 1, 2], mx.float32)).tolist(), [[2, 3, 7]]);
  assert.deepEqual(g(mx.array([[1, 2, 3], [4, 5, 6]], mx.float32), mx.array([2, 2, 2], mx.float32)).tolist(), [[3, 5, 7], [9, 11, 13]]);
  assert.deepEqual(g(mx.array([[1], [2]], mx.float32), mx.array([10, 20], mx.float32)).tolist(), [[11, 21], [21, 41]]);
  assert.equal(st, 1, 'shapeless: no retrace for new shapes');
  g(mx.array([1, 2], mx.float32), mx.array([1, 2], mx.float32));
  assert.equal(st, 2, 'shapeless: a new rank retraces');
  // shapeless with a reduction.
  const h = mx.compile((x) => mx.sum(mx.exp(x), -1), { shapeless: true });
  for (const n of [3, 5, 8]) {
    const x = rand([2, n], rng(n));
    assertSame(h(x), mx.sum(mx.exp(x), -1), `shapeless sum n=${n}`, 1e-6);
  }
  // shapeless mean: the divisor follows the new shape (MLX's test_shapeless_mean).
  let mt = 0;
  const m = mx.compile((x) => { mt++; return mx.mean(x, -1, { keepdims: true }); }, { shapeless: true });
  const mall = mx.compile((x) => mx.mean(x), { shapeless: true });
  for (const n of [2, 3, 7]) {
    const x = mx.arange(2 * n, { dtype: mx.float32 }).reshape([2, n]);
    // Row means of 0..2n-1 by rows: (n-1)/2 and n + (n-1)/2 (sum times float32 1/n, as MLX:
    // bit for bit the uncompiled result).
    assert.deepEqual(m(x).tolist(), mx.mean(x, -1, { keepdims: true }).tolist(), `shapeless mean n=${n}`);
    m(x).tolist().forEach(([v], r) => assert.ok(Math.abs(v - (r * n + (n - 1) / 2)) < 1e-6));
    assert.ok(Math.abs(mall(x).item() - (2 * n - 1) / 2) < 1e-6);
    // Under vmap the divisor is a node too.
    assert.deepEqual(mx.vmap((r) => mx.mean(r))(x).tolist(), mx.mean(x, 1).tolist());
  }
  assert.equal(mt, 1, 'shapeless mean traced once');
  const gm = mx.grad((x) => mall(x))(mx.ones([4]));
  assert.deepEqual(gm.tolist(), [0.25, 0.25, 0.25, 0.25]);
});

test('outputs: trees, non-array leaves, inputs returned as they are, constants', () => {
  const f = mx.compile((a, b) => ({ s: mx.add(a, b), pair: [a, 'label', 3], c: mx.array([7, 8]) }));
  const a = mx.array([1, 2], mx.float32), b = mx.array([3, 4], mx.float32);
  for (let i = 0; i < 2; i++) {
    const out = f(a, b);
    assert.deepEqual(out.s.tolist(), [4, 6]);
    assert.deepEqual(out.pair[0].tolist(), [1, 2]);
    assert.equal(out.pair[1], 'label');
    assert.equal(out.pair[2], 3);
    assert.deepEqual(out.c.tolist(), [7, 8]);
  }
  // Non-array arguments are constants of the trace.
  const g = mx.compile((x, n, name) => mx.multiply(x, n + name.length));
  assert.deepEqual(g(a, 2, 'abc').tolist(), [5, 10]);
  assert.deepEqual(g(a, 3, 'abc').tolist(), [6, 12]);
});

test('state capture: mx.random.state as inputs and outputs', () => {
  const f = () => mx.random.uniform({ shape: [3] });
  const cf = mx.compile(f, { inputs: mx.random.state, outputs: mx.random.state });
  mx.random.seed(42);
  const c1 = cf(), c2 = cf();
  const k = mx.random.state[0];
  mx.random.seed(42);
  const u1 = f(), u2 = f();
  assertSame(c1, u1, 'first draw', 0);
  assertSame(c2, u2, 'second draw', 0);
  assert.ok(mx.array_equal(k, mx.random.state[0]).item(), 'the state advanced as without compile');
  assert.ok(!mx.array_equal(c1, c2).item());
  // Captured state in a plain object, updated by the function.
  const state = { count: mx.array(0) };
  const step = mx.compile((x) => {
    state.count = mx.add(state.count, 1);
    return mx.multiply(x, state.count);
  }, { inputs: state, outputs: state });
  const x = mx.array([1, 2]);
  assert.deepEqual(step(x).tolist(), [1, 2]);
  assert.deepEqual(step(x).tolist(), [2, 4]);
  assert.deepEqual(step(x).tolist(), [3, 6]);
  assert.equal(state.count.item(), 3);
});

test('compile of value_and_grad, grad and vmap of compiled functions', () => {
  const loss = (p, x, y) => mx.mean(mx.square(mx.subtract(mx.tanh(mx.add(mx.matmul(x, p.w), p.b)), y)));
  const vg = mx.value_and_grad(loss);
  const step = (p, x, y) => {
    const [l, g] = vg(p, x, y);
    return [l, { w: mx.subtract(p.w, mx.multiply(g.w, 0.1)), b: mx.subtract(p.b, mx.multiply(g.b, 0.1)) }];
  };
  const cstep = mx.compile(step);
  const r = rng(3);
  const x = rand([8, 4], r), y = rand([8, 2], r);
  let p = { w: rand([4, 2], r), b: rand([2], r) };
  let q = p;
  for (let i = 0; i < 5; i++) {
    const [l1, p1] = step(p, x, y);
    const [l2, p2] = cstep(q, x, y);
    assertSame(l2, l1, `loss at step ${i}`, 1e-6);
    assertSame(p2.w, p1.w, `w at step ${i}`, 1e-6);
    assertSame(p2.b, p1.b, `b at step ${i}`, 1e-6);
    p = p1;
    q = p2;
  }
  assert.equal(cstep._compileStats()[0], 1);
  // Transforms of a compiled function see its operations.
  const cf = mx.compile((a) => mx.sum(mx.multiply(mx.sin(a), a)));
  const a = mx.array([0.5, 1], mx.float32);
  const g = mx.grad(cf)(a).tolist();
  [0.5, 1].forEach((v, i) => assert.ok(Math.abs(g[i] - (Math.cos(v) * v + Math.sin(v))) < 1e-6));
  assert.deepEqual(mx.vmap(mx.compile((v) => mx.multiply(v, 2)))(mx.array([[1, 2], [3, 4]])).tolist(), [[2, 4], [6, 8]]);
  const cc = mx.compile(mx.compile((v) => mx.exp(mx.negative(v))));
  assertSame(cc(a), mx.exp(mx.negative(a)), 'compile of compile', 0);
});

test('disable_compile, enable_compile and MLX_DISABLE_COMPILE', () => {
  let calls = 0;
  const f = mx.compile((a) => {
    calls++;
    return mx.add(a, 1);
  });
  const a = mx.array([1]);
  f(a);
  f(a);
  assert.equal(calls, 1);
  mx.disable_compile();
  try {
    assert.deepEqual(f(a).tolist(), [2]);
    f(a);
    assert.equal(calls, 3, 'disabled: the function runs every call');
  } finally {
    mx.enable_compile();
  }
  f(a);
  assert.equal(calls, 3, 'enabled again: the cached trace');
  throwsWith(() => mx.disable_compile(1), TypeError, /\[disable_compile\] takes 0 positional arguments/);
  const script = `const mx = require(${JSON.stringify(path.resolve(__dirname, '../../lib'))}).core;
    let n = 0; const f = mx.compile((a) => { n++; return mx.add(a, 1); });
    f(mx.array(1)); f(mx.array(1)); process.stdout.write(String(n));`;
  const run = (env) => spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' }).stdout;
  assert.equal(run({ MLX_DISABLE_COMPILE: '1' }), '2');
  assert.equal(run({ MLX_DISABLE_COMPILE: '' }), '2', 'set (even empty) disables, as in MLX');
  const env = { ...process.env };
  delete env.MLX_DISABLE_COMPILE;
  assert.equal(spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' }).stdout, '1');
});

test('errors inside and around compiled functions', () => {
  const a = mx.array([1, 2]);
  throwsWith(() => mx.compile((x) => mx.array(x.item()))(mx.array(3)), Error,
    /\[eval\] Attempting to eval an array during function transformations like compile or vmap is not allowed\./);
  throwsWith(() => mx.compile((x) => { mx.eval(x); return x; })(a), Error, /\[eval\] Attempting to eval an array during function transformations/);
  throwsWith(() => mx.compile((x) => x.tolist())(a), Error, /\[eval\]/);
  throwsWith(() => mx.compile((x, f) => x)(a, () => 1), TypeError, /\[compile\] Function arguments must be trees of arrays or constants.*function/);
  throwsWith(() => mx.compile((x) => x)(a, new Map()), TypeError, /\[compile\] Function arguments must be trees/);
  throwsWith(() => mx.compile(3), TypeError, /\[compile\] argument 'fun' must be a function/);
  throwsWith(() => mx.compile((x) => x, { inputs: 5 }), TypeError, /\[compile\] argument 'inputs' must be an Array or a plain object/);
  throwsWith(() => mx.compile((x) => x, { shapeless: 1 }), TypeError, /\[compile\] argument 'shapeless' must be a boolean/);
  // A user exception passes through; nothing is cached, the next call traces again.
  let boom = true, calls = 0;
  class E extends Error {}
  const f = mx.compile((x) => {
    calls++;
    if (boom) throw new E('boom');
    return mx.add(x, 1);
  });
  throwsWith(() => f(a), E, /^boom$/);
  boom = false;
  assert.deepEqual(f(a).tolist(), [2, 3]);
  assert.equal(calls, 2);
  // Shapeless compile of something whose shape cannot follow (a reshape to a fixed shape).
  const g = mx.compile((x) => mx.reshape(x, [2, 2]), { shapeless: true });
  assert.deepEqual(g(mx.array([1, 2, 3, 4])).tolist(), [[1, 2], [3, 4]]);
  throwsWith(() => g(mx.array([1, 2, 3, 4, 5, 6])), Error, /^\[reshape\] Cannot reshape array of size 6 into shape \(2,2\)\.$/);
});

test('shapeless compile: reshape infers its -1 again, flatten and unflatten follow new shapes', () => {
  let traces = 0;
  // MLX's documented example: the fixed first dim stays, so a new size that does not fit fails.
  const r = mx.compile((x) => { traces++; return mx.reshape(x, [x.shape[0] * x.shape[1], -1]); }, { shapeless: true });
  const a = mx.reshape(mx.arange(24, { dtype: mx.float32 }), [2, 3, 4]);
  assert.deepEqual(r(a).shape, [6, 4]);
  assert.deepEqual(r(mx.zeros([3, 2, 8])).shape, [6, 8]);
  throwsWith(() => r(mx.zeros([5, 5, 3])), Error, /^\[reshape\] Cannot infer the shape of an array of size 75 into shape \(6,-1\)\.$/);
  assert.equal(traces, 1);
  // ...and flatten, MLX's advice for that case, follows any shape.
  traces = 0;
  const f = mx.compile((x) => { traces++; return mx.flatten(mx.exp(x), 0, 1); }, { shapeless: true });
  for (const sh of [[2, 3, 4], [5, 5, 3], [1, 7, 2]]) {
    const x = mx.random.normal(sh);
    const got = f(x);
    assert.deepEqual(got.shape, [sh[0] * sh[1], sh[2]]);
    assertSame(got, mx.reshape(mx.exp(x), [sh[0] * sh[1], sh[2]]), `flatten ${sh}`, 0);
  }
  assert.equal(traces, 1);
  // unflatten keeps its -1 and infers it from the new size of its axis; other dims are free.
  const u = mx.compile((x) => mx.multiply(mx.unflatten(x, 1, [2, -1]), 2), { shapeless: true });
  const x1 = mx.reshape(mx.arange(24, { dtype: mx.float32 }), [3, 8]);
  assert.deepEqual(u(x1).tolist(), mx.multiply(mx.reshape(x1, [3, 2, 4]), 2).tolist());
  const x2 = mx.reshape(mx.arange(60, { dtype: mx.float32 }), [5, 12]);
  assert.deepEqual(u(x2).tolist(), mx.multiply(mx.reshape(x2, [5, 2, 6]), 2).tolist());
  throwsWith(() => u(mx.zeros([5, 7])), Error, /^\[unflatten\] Cannot unflatten axis 1 with size 7 into shape \(2,-1\)\.$/);
  // A reshape to (-1, 4) takes any size that 4 divides, of any rank.
  // Traced where the -1 resolves to the input's own shape: the node is still there (as in MLX).
  const m = mx.compile((x) => mx.reshape(x, [-1, 4]), { shapeless: true });
  assert.deepEqual(m(mx.zeros([2, 4])).shape, [2, 4]);
  assert.deepEqual(m(mx.zeros([3, 4])).shape, [3, 4]);
  assert.deepEqual(m(mx.zeros([8, 1])).shape, [2, 4]);
  assert.deepEqual(m(mx.reshape(mx.arange(12, { dtype: mx.float32 }), [6, 2])).tolist(), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
  // Gradients and vmap go through the new primitives.
  const gf = mx.grad((x) => mx.sum(mx.square(mx.flatten(x, 1, 2))))(a);
  assert.deepEqual(gf.tolist(), mx.multiply(a, 2).tolist());
  const gu = mx.grad((x) => mx.sum(mx.multiply(mx.unflatten(x, 0, [2, -1]), mx.array([[1], [2]]))))(mx.zeros([6]));
  assert.deepEqual(gu.tolist(), [1, 1, 1, 2, 2, 2]);
  const vu = mx.vmap((x) => mx.unflatten(x, 0, [2, -1]), { in_axes: 1 })(mx.reshape(mx.arange(18), [6, 3]));
  assert.deepEqual(vu.tolist(), mx.transpose(mx.reshape(mx.arange(18), [2, 3, 3]), [2, 0, 1]).tolist());
  const vf = mx.vmap((x) => mx.flatten(x), { in_axes: 2 })(mx.reshape(mx.arange(24), [2, 3, 4]));
  assert.deepEqual(vf.tolist(), mx.reshape(mx.transpose(mx.reshape(mx.arange(24), [2, 3, 4]), [2, 0, 1]), [4, 6]).tolist());
});

test('compiled functions do not leak arrays or cache entries', () => {
  const native = require('../../lib/native');
  const f = mx.compile((a, b) => mx.exp(mx.add(mx.multiply(a, b), 1)));
  const a = mx.ones([64]), b = mx.ones([64]);
  mx.eval(f(a, b));
  global.gc?.();
  const live0 = native.cpu_info().live_arrays;
  for (let i = 0; i < 500; i++) mx.eval(f(a, b));
  global.gc?.();
  global.gc?.();
  assert.ok(native.cpu_info().live_arrays - live0 < 50);
});
