// Type-level tests of index.d.ts / core.d.ts: `npx tsc -p tests/types --noEmit`.
// Lines marked @ts-expect-error must fail to type-check (wrong usage the declarations catch).
import { core as mx } from '../..';
import mlx = require('../..');
import * as core from '../../core';

const mx2: typeof mx = mlx.core; // CommonJS form: require('mlxjs').core
const mx3: typeof mx = core; // subpath form: require('mlxjs/core')
void mx2; void mx3;

// Creation.
const a: mx.array = mx.array([1, 2, 3]);
const b = mx.array([[1, 2], [3, 4]], mx.float32);
const c = new mx.array(new Float32Array(4));
const d = mx.array(2.5, { dtype: mx.float16 });
const e = mx.asarray(new Int32Array(3));
mx.asarray(a, mx.int64, { copy: false });
mx.zeros(3);
mx.zeros([2, 3], mx.int32);
mx.zeros([2, 3] as const, { dtype: mx.bfloat16, stream: mx.cpu });
mx.ones([2], null);
mx.full([2, 2], 7, mx.int8);
mx.zeros_like(a);
mx.ones_like(b, mx.float64, { stream: mx.gpu });
mx.arange(10);
mx.arange(0, 10, 2);
mx.arange(5, { dtype: mx.float32 });
mx.arange(0, 1, 0.25, mx.float32, { stream: mx.new_stream(mx.cpu) });
mx.astype(a, mx.uint8);

// Shapes.
mx.reshape(a, [3, 1]);
mx.reshape(a, { shape: [1, 3] });
mx.flatten(b);
mx.flatten(b, 0, -1, { stream: null });
mx.squeeze(b, [0]);
mx.expand_dims(a, 0);
mx.transpose(b);
mx.transpose(b, [1, 0]);
mx.moveaxis(b, 0, 1);
mx.swapaxes(b, 0, 1);
mx.broadcast_to(a, [2, 3]);

// Arithmetic.
const s: mx.array = mx.add(a, 1);
mx.subtract(1n, a);
mx.multiply(a, true, { stream: mx.default_stream(mx.default_device()) });
mx.divide([1, 2, 3], new Float64Array(3));
mx.where(mx.array([true, false]), a, 0);
mx.matmul(b, b);
mx.copy(a);

// Evaluation, streams, devices.
mx.eval(a, [b, { c }]);
const p: Promise<void> = mx.async_eval(a);
void p;
mx.synchronize();
mx.synchronize(mx.cpu);
const st: mx.Stream = mx.new_stream(mx.cpu);
mx.set_default_stream(st);
mx.set_default_device(new mx.Device(mx.cpu, 0));
const ctx: mx.StreamContext = mx.stream(mx.cpu);
const r: number = ctx.run(() => 1);
void r;
const dev: mx.Device = mx.default_device();
void dev;

// Dtypes.
const dt: mx.Dtype = mx.result_type(a, mx.int8, 1);
const yes: boolean = mx.issubdtype(dt, mx.floating) && mx.can_cast(mx.int8, mx.int32);
void yes;
const fi = new mx.finfo(mx.float32);
const eps: number = fi.eps;
const ii = new mx.iinfo(mx.int64);
const imax: number | bigint = ii.max;
void eps; void imax;
const sizes: number = mx.float32.size + mx.bool_.size + mx.complex64.size;
void sizes;

// Memory.
const mem: number = mx.get_active_memory() + mx.get_peak_memory() + mx.get_cache_memory();
void mem;
mx.reset_peak_memory();
mx.set_memory_limit(1 << 30);
mx.set_cache_limit(0);
mx.clear_cache();

// Array members.
const shape: number[] = a.shape;
const ndim: number = a.ndim + a.size + a.itemsize + a.nbytes;
void shape; void ndim;
const t: mx.array = b.T.astype(mx.float32).reshape(4).reshape([2, 2]).reshape(2, 2, { stream: mx.cpu });
t.transpose().transpose(1, 0).transpose([1, 0]).flatten().squeeze().eval();
b.swapaxes(0, 1).moveaxis(0, 1);
const item = a.item();
const list = b.tolist();
const ta = a.toTypedArray();
const str: string = a.toString();
void item; void list; void ta; void str; void c; void d; void e; void s;
a.dispose();
{
  using tmp = mx.zeros(2);
  void tmp;
}
const isArr: boolean = a instanceof mx.array;
void isArr;

// Wrong usage the declarations reject.
// @ts-expect-error dtypes are objects, not strings
mx.zeros([2], 'float32');
// @ts-expect-error dtypes are objects, not strings
mx.astype(a, { dtype: 'int32' });
// @ts-expect-error keepdims-style unknown option
mx.add(a, b, { steam: mx.cpu });
// @ts-expect-error positional-only parameters cannot be passed by name
mx.add({ a, b });
// @ts-expect-error a shape is numbers
mx.reshape(a, ['2', '3']);
// @ts-expect-error missing required argument
mx.matmul(a);
// @ts-expect-error stream must be a Stream or Device
mx.add(a, b, { stream: 'cpu' });
// @ts-expect-error the shape is read-only
a.shape = [1];
// @ts-expect-error set_default_stream takes a Stream, not a device
mx.set_default_stream(mx.cpu);
// @ts-expect-error Dtype has no public constructor
new mx.Dtype();
