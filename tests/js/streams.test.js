'use strict';
// Streams and devices: every foundation op takes {stream: s} (default stream, a new CPU
// stream, the cpu device) and gives the same values; mx.stream(s).run(fn) scoping;
// default_stream / set_default_stream / synchronize; the gpu when none is built; eval and
// async_eval.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const native = require('../../lib/native');
const { assertArray, throwsWith } = require('./helpers/check');

const GPU = native.is_available(1);

const a34 = () => mx.array([[1.5, -2, 3, 0], [4, 5.25, -6, 7], [8, 9, 10, -11.5]]);
const i34 = () => mx.arange(12).reshape(3, 4);

// [name, (opts) => result]. `opts` is {stream: s} or {} for the reference.
const OPS = [
  ['zeros', (o) => mx.zeros([2, 3], mx.int16, o)],
  ['ones', (o) => mx.ones([3], o)],
  ['full', (o) => mx.full([2, 2], 2.5, o)],
  ['full (array vals)', (o) => mx.full([2, 3], mx.array([1, 2, 3]), o)],
  ['zeros_like', (o) => mx.zeros_like(i34(), o)],
  ['ones_like', (o) => mx.ones_like(a34(), mx.float16, o)],
  ['arange (start, stop, step)', (o) => mx.arange(1, 10, 2, o)],
  ['arange (stop)', (o) => mx.arange(4.5, o)],
  ['astype', (o) => mx.astype(a34(), mx.int8, o)],
  ['copy', (o) => mx.copy(a34(), o)],
  ['reshape', (o) => mx.reshape(i34(), [4, 3], o)],
  ['flatten', (o) => mx.flatten(i34(), o)],
  ['squeeze', (o) => mx.squeeze(mx.reshape(i34(), [1, 12, 1]), o)],
  ['squeeze (axis)', (o) => mx.squeeze(mx.reshape(i34(), [1, 12, 1]), 0, o)],
  ['expand_dims', (o) => mx.expand_dims(i34(), [0, 2], o)],
  ['transpose', (o) => mx.transpose(i34(), o)],
  ['transpose (axes)', (o) => mx.transpose(i34(), [1, 0], o)],
  ['moveaxis', (o) => mx.moveaxis(mx.reshape(i34(), [3, 2, 2]), 0, 2, o)],
  ['swapaxes', (o) => mx.swapaxes(mx.reshape(i34(), [3, 2, 2]), 0, 2, o)],
  ['broadcast_to', (o) => mx.broadcast_to(mx.array([1, 2, 3]), [2, 3], o)],
  ['add', (o) => mx.add(a34(), i34(), o)],
  ['subtract', (o) => mx.subtract(a34(), 1.5, o)],
  ['multiply', (o) => mx.multiply(i34(), mx.array([1, 2, 3, 4]), o)],
  ['divide', (o) => mx.divide(i34(), 4, o)],
  ['where', (o) => mx.where(mx.array([true, false, true, false]), i34(), a34(), o)],
  ['matmul', (o) => mx.matmul(a34(), mx.transpose(a34()), o)],
  ['array.astype', (o) => a34().astype(mx.int32, o)],
  ['array.reshape', (o) => i34().reshape([2, 6], o)],
  ['array.transpose', (o) => i34().transpose([1, 0], o)],
  ['array.flatten', (o) => i34().flatten(0, 1, o)],
  ['array.squeeze', (o) => i34().reshape(1, 12).squeeze(0, o)],
  ['array.swapaxes', (o) => i34().swapaxes(0, 1, o)],
  ['array.moveaxis', (o) => i34().reshape(3, 2, 2).moveaxis(2, 0, o)],
];

const streamChoices = () => [
  ['default stream', mx.default_stream(mx.cpu)],
  ['new cpu stream', mx.new_stream(mx.cpu)],
  ['mx.cpu', mx.cpu],
  ['Device(cpu, 0)', new mx.Device(mx.cpu, 0)],
  ['null', null],
];

for (const [name, op] of OPS) {
  test(`${name} accepts {stream} and gives the same values`, () => {
    const ref = op({});
    const expected = ref.tolist();
    for (const [label, s] of streamChoices()) {
      const r = op({ stream: s });
      assert.equal(r.dtype, ref.dtype, `${name} on ${label}`);
      assert.deepEqual(r.shape, ref.shape, `${name} on ${label}`);
      assert.deepEqual(r.tolist(), expected, `${name} on ${label}`);
    }
  });
}

test('reference values of a few stream ops (hand-worked)', () => {
  const s = mx.new_stream(mx.cpu);
  assertArray(mx.arange(1, 10, 2, { stream: s }), { dtype: mx.int32, values: [1, 3, 5, 7, 9] });
  assertArray(mx.divide(mx.arange(4), 4, { stream: s }), { dtype: mx.float32, values: [0, 0.25, 0.5, 0.75] });
  assertArray(mx.matmul(mx.array([[1, 2]], mx.float32), mx.array([[3], [4]], mx.float32), { stream: s }), { dtype: mx.float32, shape: [1, 1], values: [11] });
  assertArray(mx.full([2], 7, { stream: mx.cpu }), { dtype: mx.int32, values: [7, 7] });
});

test('a stream is a keyword-only argument', () => {
  const s = mx.new_stream(mx.cpu);
  throwsWith(() => mx.add(1, 2, s), TypeError, /^\[add\] /);
  throwsWith(() => mx.zeros([2], mx.float32, s), TypeError, /^\[zeros\] /);
});

test('ops chained across streams see each other\'s results', () => {
  const s1 = mx.new_stream(mx.cpu);
  const s2 = mx.new_stream(mx.cpu);
  let x = mx.arange(1000, { stream: s1 });
  for (let i = 0; i < 20; i++) x = mx.add(x, 1, { stream: i % 2 ? s1 : s2 });
  const y = mx.multiply(x, 2, { stream: mx.cpu });
  const expected = Array.from({ length: 1000 }, (_, i) => (i + 20) * 2);
  assertArray(y, { dtype: mx.int32, shape: [1000], values: expected });
});

test('new streams: distinct, on the cpu, printable; default_stream is stable', () => {
  const s1 = mx.new_stream(mx.cpu);
  const s2 = mx.new_stream(new mx.Device(mx.cpu));
  assert.ok(s1 instanceof mx.Stream);
  assert.notEqual(s1.index, s2.index);
  assert.equal(s1.device.type, mx.cpu);
  assert.ok(s1.equals(s1) && !s1.equals(s2));
  assert.match(String(s1), /^Stream\(Device\(cpu, 0\), \d+\)$/);
  assert.equal(mx.default_stream(mx.cpu), mx.default_stream(mx.cpu));
  assert.equal(mx.default_stream(new mx.Device(mx.cpu, 0)), mx.default_stream(mx.cpu));
  assert.equal(mx.default_device().type, mx.cpu);
  assert.ok(mx.default_device().equals(new mx.Device(mx.cpu, 0)));
  assert.equal(String(mx.default_device()), 'Device(cpu, 0)');
});

test('mx.stream(s).run(fn): s is the default stream inside, restored after', () => {
  const before = mx.default_stream(mx.cpu);
  const s = mx.new_stream(mx.cpu);
  const r = mx.stream(s).run(() => {
    assert.equal(mx.default_stream(mx.cpu), s);
    assert.equal(mx.default_stream(mx.default_device()), s);
    return mx.add(mx.arange(3), 10);
  });
  assert.equal(mx.default_stream(mx.cpu), before);
  assertArray(r, { dtype: mx.int32, values: [10, 11, 12] });

  // Nested scopes unwind in order.
  const t = mx.new_stream(mx.cpu);
  mx.stream(s).run(() => {
    mx.stream(t).run(() => assert.equal(mx.default_stream(mx.cpu), t));
    assert.equal(mx.default_stream(mx.cpu), s);
  });
  assert.equal(mx.default_stream(mx.cpu), before);

  // A throwing callback still restores the default.
  assert.throws(() => mx.stream(s).run(() => { throw new Error('boom'); }), /boom/);
  assert.equal(mx.default_stream(mx.cpu), before);

  // A device argument scopes that device's default stream.
  mx.stream(mx.cpu).run(() => assert.equal(mx.default_stream(mx.cpu), before));

  // Explicit __enter__/__exit__.
  const ctx = mx.stream(s);
  ctx.__enter__();
  assert.equal(mx.default_stream(mx.cpu), s);
  assertArray(mx.multiply(mx.arange(3), 2), { values: [0, 2, 4] });
  ctx.__exit__();
  assert.equal(mx.default_stream(mx.cpu), before);
  throwsWith(() => mx.stream(s).run(5), TypeError, /^\[StreamContext\.run\] Expected a function\./);
});

test('mx.stream(s).run(async fn) keeps s until the promise settles', async () => {
  const before = mx.default_stream(mx.cpu);
  const s = mx.new_stream(mx.cpu);
  const p = mx.stream(s).run(async () => {
    await new Promise((r) => setImmediate(r));
    assert.equal(mx.default_stream(mx.cpu), s);
    return mx.add(mx.array([1]), 1);
  });
  assert.ok(p instanceof Promise);
  const r = await p;
  assert.equal(mx.default_stream(mx.cpu), before);
  assertArray(r, { values: [2] });
});

test('set_default_stream changes where ops run by default, and can be restored', () => {
  const before = mx.default_stream(mx.cpu);
  const s = mx.new_stream(mx.cpu);
  try {
    mx.set_default_stream(s);
    assert.equal(mx.default_stream(mx.cpu), s);
    assertArray(mx.add(mx.arange(4), 1), { dtype: mx.int32, values: [1, 2, 3, 4] });
    mx.synchronize();
  } finally {
    mx.set_default_stream(before);
  }
  assert.equal(mx.default_stream(mx.cpu), before);
  mx.set_default_device(mx.cpu);
  assert.equal(mx.default_device().type, mx.cpu);
});

test('synchronize: no argument, a stream, the cpu device', () => {
  const s = mx.new_stream(mx.cpu);
  const x = mx.add(mx.arange(100, { stream: s }), 1, { stream: s });
  mx.async_eval(x);
  assert.equal(mx.synchronize(s), undefined);
  assert.equal(mx.synchronize(), undefined);
  assert.equal(mx.synchronize(mx.default_stream(mx.cpu)), undefined);
  assert.equal(mx.synchronize(null), undefined);
  assertArray(x, { shape: [100], values: Array.from({ length: 100 }, (_, i) => i + 1) });
});

if (!GPU) {
  test('gpu: a clear Error mentioning gpu, never a crash (CPU-only build)', () => {
    throwsWith(() => mx.new_stream(mx.gpu), Error, /^\[new_stream\] .*gpu/);
    throwsWith(() => mx.default_stream(mx.gpu), Error, /^\[default_stream\] .*gpu/);
    throwsWith(() => mx.set_default_device(mx.gpu), Error, /^\[set_default_device\] .*gpu/);
    throwsWith(() => mx.stream(mx.gpu), Error, /^\[stream\] .*gpu/);
    throwsWith(() => mx.add(1, 2, { stream: mx.gpu }), Error, /^\[add\] .*gpu/);
    throwsWith(() => mx.zeros([2], { stream: new mx.Device(mx.gpu) }), Error, /^\[zeros\] .*gpu/);
    throwsWith(() => mx.matmul(mx.ones([2, 2]), mx.ones([2, 2]), { stream: mx.gpu }), Error, /^\[matmul\] .*gpu/);
    throwsWith(() => mx.synchronize(mx.gpu), Error, /^\[synchronize\] .*gpu/);
    throwsWith(() => mx.zeros([2], { stream: new mx.Device(mx.cpu, 1) }), Error, /^\[zeros\] Device\(cpu, 1\) is not available\./);
    // Nothing changed.
    assert.equal(mx.default_device().type, mx.cpu);
    assertArray(mx.add(1, 2), { values: 3 });
  });
} else {
  test('gpu: ops on the gpu give the cpu values', () => {
    const s = mx.new_stream(mx.gpu);
    assert.equal(s.device.type, mx.gpu);
    for (const [name, op] of OPS) {
      assert.deepEqual(op({ stream: mx.gpu }).tolist(), op({ stream: mx.cpu }).tolist(), name);
    }
  });
}

test('eval: arrays, nested lists and objects; returns undefined', () => {
  const a = mx.add(mx.arange(3), 1);
  const b = mx.multiply(mx.arange(3), 2);
  const c = mx.astype(mx.arange(3), mx.float16);
  assert.equal(mx.eval(a), undefined);
  assert.equal(mx.eval([a, [b]], { c, other: 1, name: 'x' }), undefined);
  assert.equal(mx.eval(), undefined);
  assertArray(a, { values: [1, 2, 3] });
  assertArray(b, { values: [0, 2, 4] });
  assertArray(c, { dtype: mx.float16, values: [0, 1, 2] });
  const d = mx.add(mx.ones([2]), 1);
  assert.equal(d.eval(), d);
  assertArray(d, { values: [2, 2] });
  throwsWith(() => mx.eval(() => 1), TypeError, /^\[eval\] Expected arrays or trees of arrays/);
});

test('async_eval: a Promise resolving once the arrays are ready', async () => {
  const s = mx.new_stream(mx.cpu);
  const a = mx.matmul(mx.ones([64, 64]), mx.ones([64, 64]), { stream: s });
  const b = mx.add(mx.arange(5), 5);
  const p = mx.async_eval(a, [b]);
  assert.ok(p instanceof Promise);
  assert.equal(await p, undefined);
  assertArray(a, { dtype: mx.float32, shape: [64, 64] });
  assert.equal(a.tolist()[63][63], 64);
  assertArray(b, { values: [5, 6, 7, 8, 9] });
  // Nothing to evaluate still settles.
  assert.equal(await mx.async_eval(), undefined);
  assert.equal(await mx.async_eval({ k: 1 }), undefined);
  // An already evaluated array resolves too.
  assert.equal(await mx.async_eval(b), undefined);
  await assert.rejects(mx.async_eval(() => 1), (e) => e instanceof TypeError && /^\[async_eval\] /.test(e.message));
});

test('eval errors surface as JS errors (eval throws, async_eval rejects)', async () => {
  // 4e14 bytes: past any memory limit; the graph builds lazily and fails at evaluation.
  const huge = () => mx.zeros([1e5, 1e5, 1e4]);
  throwsWith(() => mx.eval(huge()), Error, /^\[malloc\] .*memory limit/);
  throwsWith(() => huge().tolist(), Error, /^\[malloc\] .*memory limit/);
  await assert.rejects(mx.async_eval(huge()), (e) => e instanceof Error && /^\[malloc\] .*memory limit/.test(e.message));
  // The process and the default stream still work afterwards.
  assertArray(mx.add(mx.arange(3), 1), { values: [1, 2, 3] });
});
