'use strict';
// mx.distributed without a communication backend: the singleton group MLX falls back to
// (rank 0, size 1), collectives that return their input, MLX's errors for point-to-point
// calls, and argument errors naming the function.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../..').core;
const { throwsWith } = require('./helpers/check');

const d = mx.distributed;

test('init gives the singleton group; no backend is available', () => {
  const g = d.init();
  assert.ok(g instanceof d.Group);
  assert.equal(g.rank(), 0);
  assert.equal(g.size(), 1);
  assert.equal(String(g), 'Group(rank=0, size=1)');
  assert.equal(d.init(false, 'ring').size(), 1);
  assert.equal(d.init({ strict: false, backend: 'mpi' }).size(), 1);
  for (const b of ['any', 'ring', 'mpi', 'nccl', 'jaccl']) assert.equal(d.is_available(b), false);
  assert.equal(d.is_available(), false);
});

test('collectives over one process return the input array itself', () => {
  const g = d.init();
  for (const dt of [mx.float32, mx.int32, mx.bfloat16, mx.bool_]) {
    const x = mx.astype(mx.array([[1, 0], [3, 4]]), dt);
    for (const name of ['all_sum', 'all_max', 'all_min', 'all_gather', 'sum_scatter']) {
      assert.equal(d[name](x), x, name);
      assert.equal(d[name](x, { group: g, stream: mx.cpu }), x, `${name} with group and stream`);
      assert.equal(d[name](x, { group: null }), x);
    }
  }
  // Scalars and nested lists convert as every op's array argument does.
  assert.deepEqual(d.all_sum([1, 2]).tolist(), [1, 2]);
  // Inside transforms they are the identity too.
  const gr = mx.grad((x) => mx.sum(mx.multiply(d.all_sum(x), x)))(mx.array([1, 2], mx.float32));
  assert.deepEqual(gr.tolist(), [2, 4]);
});

test('send / recv / recv_like raise MLX singleton errors', () => {
  const x = mx.array([1, 2]);
  throwsWith(() => d.send(x, 0), Error, /\[distributed\.send\] Cannot send to a singleton group/);
  throwsWith(() => d.recv([2], mx.float32, 0), Error, /\[distributed\.recv\] Cannot recv from a singleton group/);
  throwsWith(() => d.recv_like(x, 0), Error, /\[distributed\.recv_like\] Cannot recv from a singleton group/);
  throwsWith(() => d.init().split(0), Error, /\[distributed\.Group\.split\] Cannot split the distributed group further/);
});

test('bad arguments name the function and the argument', () => {
  const x = mx.array([1, 2]);
  throwsWith(() => d.init(true), Error, /\[distributed\.init\] Couldn't initialize any backend/);
  throwsWith(() => d.init(true, 'nccl'), Error, /\[distributed\.init\] Couldn't initialize the 'nccl' backend/);
  throwsWith(() => d.init(false, 'tcp'), Error, /\[distributed\.init\] The only valid values for backend/);
  throwsWith(() => d.init('yes'), TypeError, /\[distributed\.init\] argument 'strict'/);
  throwsWith(() => d.init({ all_gather_factory: () => null }), Error, /\[distributed\.init\] all_gather_factory is not supported/);
  throwsWith(() => d.is_available(3), TypeError, /\[distributed\.is_available\] argument 'backend'/);
  throwsWith(() => d.all_sum(x, { group: 3 }), TypeError, /\[distributed\.all_sum\] argument 'group'/);
  throwsWith(() => d.all_sum(x, { grp: 1 }), TypeError, /\[distributed\.all_sum\] unknown keyword argument 'grp'/);
  throwsWith(() => d.all_sum(x, null), TypeError, /\[distributed\.all_sum\]/);
  throwsWith(() => d.all_sum(x, { stream: 'cpu' }), TypeError, /\[distributed\.all_sum\] argument 'stream'/);
  throwsWith(() => d.all_sum(), TypeError, /\[distributed\.all_sum\] missing required argument 'x'/);
  throwsWith(() => d.send(x, 0.5), TypeError, /\[distributed\.send\]/);
  throwsWith(() => d.recv([2], 'float32', 0), TypeError, /\[distributed\.recv\] argument 'dtype'/);
  throwsWith(() => new d.Group(), TypeError, /\[distributed\.Group\] Groups come from mx\.distributed\.init/);
  throwsWith(() => d.init().split(1.5), TypeError, /\[distributed\.Group\.split\] argument 'color'/);
});
