'use strict';
// A short tour of mlxjs: `node examples/basic.js`
const mx = require('..').core;

// Arrays are lazy: ops build a graph, eval (or printing, item, tolist) computes it.
const a = mx.arange(12).reshape(3, 4); // int32, as in Python
const b = mx.ones([4, 2], mx.float16);
console.log('a =', String(a));
console.log('a.dtype =', String(a.dtype), ' a.shape =', a.shape, ' a.T.shape =', a.T.shape);

// Keyword arguments go in a trailing options object.
const c = mx.matmul(mx.astype(a, mx.float32), mx.astype(b, mx.float32), { stream: mx.cpu });
mx.eval(c);
console.log('a @ b =', String(c));
console.log('as a TypedArray:', c.toTypedArray());

// Python's scalar rules: JS integers are weak ints, other numbers weak floats.
const i8 = mx.array([1, 2, 3], mx.int8);
console.log('int8 + 1 ->', String(mx.add(i8, 1)));
console.log('int8 / 2 ->', String(mx.divide(i8, 2)));
console.log('int64 values round-trip as BigInt:', mx.array([2n ** 40n, -(2n ** 62n)]).tolist());

// Broadcasting and where.
const x = mx.array([[1.5], [-2], [3]]);
console.log('where(x > 0 ...):', String(mx.where(mx.array([[true], [false], [true]]), x, mx.zeros([3, 2]))));

// Streams: each runs its work in order on its own thread.
const s = mx.new_stream(mx.cpu);
const d = mx.multiply(c, 2, { stream: s });
mx.stream(s).run(() => console.log('inside mx.stream(s):', String(mx.default_stream(mx.cpu)), '->', String(mx.add(d, 1))));

// async_eval computes off the JS thread.
mx.async_eval(d).then(() => {
  console.log('async result:', d.tolist());
  console.log('memory: active', mx.get_active_memory(), 'bytes, peak', mx.get_peak_memory(), 'bytes');
});
