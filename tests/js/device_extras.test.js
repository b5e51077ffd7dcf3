'use strict';
// The rest of the device-stream, memory and other groups: thread-local and thread-unsafe
// streams, clear_streams, device_info, set_wired_limit, mx.cuda / mx.metal, ArrayLike objects
// (__mlx_array__) and ArrayIterator.
const test = require('node:test');
const assert = require('node:assert/strict');
const os = require('node:os');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const mx = require('../..').core;

test('new_thread_local_stream / new_thread_unsafe_stream make usable streams', () => {
  const t = mx.new_thread_local_stream(mx.cpu);
  assert.ok(t instanceof mx.ThreadLocalStream && t instanceof mx.Stream);
  assert.deepEqual(mx.multiply(mx.arange(3), 2, { stream: t }).tolist(), [0, 2, 4]);
  const u = mx.new_thread_unsafe_stream(mx.cpu);
  assert.ok(u instanceof mx.Stream && !(u instanceof mx.ThreadLocalStream));
  assert.notEqual(u.index, t.index);
  assert.deepEqual(mx.add(mx.ones([2]), 1, { stream: u }).tolist(), [2, 2]);
  assert.throws(() => mx.new_thread_local_stream(mx.gpu), /\[new_thread_local_stream\]/);
  assert.throws(() => mx.new_thread_unsafe_stream('cpu'), TypeError);
});

test('clear_streams finishes queued work and restores the default stream', async () => {
  const s = mx.new_stream(mx.cpu);
  mx.set_default_stream(s);
  assert.equal(mx.default_stream(mx.cpu).index, s.index);
  const x = mx.sum(mx.ones([1000]));
  const p = mx.async_eval(x);
  mx.clear_streams();
  await p;
  assert.equal(mx.default_stream(mx.cpu).index, 0);
  assert.equal(x.item(), 1000);
  assert.throws(() => mx.clear_streams(1), TypeError);
});

test('device_info describes the CPU; an unavailable device is an error', () => {
  const info = mx.device_info();
  assert.equal(info.memory_size, os.totalmem());
  assert.equal(info.architecture, os.arch());
  assert.equal(typeof info.device_name, 'string');
  assert.ok(['generic', 'avx2', 'avx512'].includes(info.isa));
  assert.deepEqual(mx.device_info(mx.cpu), info);
  assert.throws(() => mx.device_info(mx.gpu), /\[device_info\] Device\(gpu, 0\) is not available/);
  assert.throws(() => mx.device_info(3), TypeError);
});

test('set_wired_limit returns the previous limit and checks its argument', () => {
  assert.equal(mx.set_wired_limit(1 << 20), 0);
  assert.equal(mx.set_wired_limit(0), 1 << 20);
  assert.throws(() => mx.set_wired_limit(-1), RangeError);
  assert.throws(() => mx.set_wired_limit(1.5), TypeError);
  assert.throws(() => mx.set_wired_limit(), TypeError);
});

test('mx.cuda and mx.metal report no backend; metal wrappers warn once and forward', () => {
  assert.equal(mx.cuda.is_available(), false);
  assert.equal(mx.metal.is_available(), false);
  assert.throws(() => mx.metal.start_capture('x.gputrace'), /not available/);
  assert.throws(() => mx.metal.stop_capture(), /not available/);
  const code = `const mx = require(${JSON.stringify(path.join(__dirname, '..', '..'))}).core;
const a = mx.metal.get_active_memory(); const b = mx.metal.get_active_memory();
console.log(JSON.stringify([typeof a, a === b || true, mx.metal.set_cache_limit(1 << 20) >= 0]));`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ['number', true, true]);
  assert.equal(r.stderr.match(/get_active_memory is deprecated/g).length, 1);
});

test('ArrayLike: objects with __mlx_array__ are accepted wherever an array is', () => {
  class Wrapped {
    constructor(a) { this.a = a; }
    __mlx_array__() { return this.a; }
  }
  const w = new Wrapped(mx.array([1, 2, 3], mx.int8));
  assert.ok(w instanceof mx.ArrayLike && mx.arange(2) instanceof mx.ArrayLike);
  assert.ok(!(({}) instanceof mx.ArrayLike) && !(null instanceof mx.ArrayLike));
  const s = mx.add(w, 1);
  assert.equal(s.dtype, mx.int8);
  assert.deepEqual(s.tolist(), [2, 3, 4]);
  assert.equal(mx.sum(w).item(), 6);
  assert.deepEqual(mx.array(w, mx.float32).tolist(), [1, 2, 3]);
  assert.deepEqual(mx.arange(3).multiply(w).tolist(), [0, 2, 6]);
  assert.throws(() => mx.exp(new (class { __mlx_array__() { return 5; } })()), /__mlx_array__ must return an mx.array/);
});

test('ArrayIterator: JS and Python iteration protocols over the first axis', () => {
  const it = mx.arange(6).reshape(3, 2)[Symbol.iterator]();
  assert.ok(it instanceof mx.ArrayIterator);
  assert.equal(it.__iter__(), it);
  assert.deepEqual(it.__next__().tolist(), [0, 1]);
  assert.deepEqual(it.next().value.tolist(), [2, 3]);
  assert.deepEqual([...it].map((r) => r.tolist()), [[4, 5]]);
  assert.throws(() => it.__next__(), (e) => e.name === 'StopIteration');
});
