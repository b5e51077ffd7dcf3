'use strict';
// Python's indexing in mlxjs: every form of a.get(...) (a[idx]), a.set(..., v) (a[idx] = v) and
// a.at(...).add(v) (a.at[idx].add(v)), with the Python equivalent beside each line.
// Run: node examples/indexing.js
const mx = require('..').core;

const show = (label, x) => console.log(label.padEnd(44), JSON.stringify(x.tolist()));
const a = mx.arange(24).reshape([2, 3, 4]);              // a = mx.arange(24).reshape(2, 3, 4)

// ---- reads: a.get(...) is a[...] ----------------------------------------------------------
show('a.get(1)', a.get(1));                               // a[1]
show('a.get(-1, 0)', a.get(-1, 0));                       // a[-1, 0]
show("a.get(0, '1:3')", a.get(0, '1:3'));                 // a[0, 1:3]
show("a.get(0, '::-1')", a.get(0, '::-1'));               // a[0, ::-1]
show("a.get(0, 0, '::2')", a.get(0, 0, '::2'));           // a[0, 0, ::2]
show("a.get(0, '1:')", a.get(0, '1:'));                   // a[0, 1:]
show("a.get(0, 0, '-3:')", a.get(0, 0, '-3:'));           // a[0, 0, -3:]
show("a.get(0, ':', 1)", a.get(0, ':', 1));               // a[0, :, 1]
show("a.get(0, {start: 1, step: 1})", a.get(0, { start: 1, step: 1 }));  // a[0, 1::1]
const k = 2;
show('a.get(1, {stop: k})', a.get(1, { stop: k }));      // a[1, :k]  (computed bounds)
show("a.get('...', 0)", a.get('...', 0));                 // a[..., 0]
show("a.get(0, '...', null)", a.get(0, '...', null));     // a[0, ..., None]
show('a.get(mx.newaxis, 0, 0).shape', mx.array(a.get(mx.newaxis, 0, 0).shape));  // a[None, 0, 0].shape
show("a.get('1, ::-1, 1:3')", a.get('1, ::-1, 1:3'));     // a[1, ::-1, 1:3]  (one string, commas)
show("a.get('0, None, 2')", a.get('0, None, 2'));         // a[0, None, 2]
show('a.get()', a.get().reshape(-1).get(':3'));           // a[()]  (the whole array)

// Index arrays (NumPy's advanced indexing): mx.array, nested JS arrays, TypedArrays.
const idx = mx.array([2, 0]);
show('a.get(0, idx)', a.get(0, idx));                     // a[0, mx.array([2, 0])]
show('a.get(1, [0, 2], [3, 1])', a.get(1, [0, 2], [3, 1]));  // a[1, [0, 2], [3, 1]]  (paired)
show("a.get(':', [0, 2], ':')", a.get(':', [0, 2], ':').reshape(-1).get(':6'));  // a[:, [0, 2], :]
show("a.get([1, 0], ':', [0, 3])", a.get([1, 0], ':', [0, 3]));  // a[[1, 0], :, [0, 3]] (dims first)
show('a.get(0, Int32Array.of(1), [[0], [3]])', a.get(0, Int32Array.of(1), [[0], [3]]));  // broadcast
show('a.get(0, 0, [-1, -2])', a.get(0, 0, [-1, -2]));    // a[0, 0, [-1, -2]]  (negative wrap)

// Basic indices give views (no copy); arrays are values, so a later a.set does not change them.
const row = a.get(0, 1);                                  // row = a[0, 1]

// ---- writes: a.set(..., value) is a[...] = value (in place, returns a) --------------------
const b = mx.zeros([3, 4], mx.int32);                     // b = mx.zeros((3, 4), mx.int32)
b.set(0, 7);                                              // b[0] = 7
b.set(':', -1, mx.array([1, 2, 3]));                      // b[:, -1] = mx.array([1, 2, 3])
b.set('1:, ::2', 5);                                      // b[1:, ::2] = 5
b.set([2, 2], [1, 1], mx.array([8, 9]));                  // b[[2, 2], [1, 1]] = [8, 9] (last write)
b.set(1, 1, 2.9);                                         // b[1, 1] = 2.9  (cast to int32: 2)
show('b', b);
const c = mx.arange(6);                                   // c = mx.arange(6)
c.set(mx.greater(c, 3), 0);                               // c[c > 3] = 0   (boolean mask)
c.set([true, false, true, false, false, false], mx.array([10, 20]));  // c[[True, False, ...]] = [10, 20]
show('c', c);
show('row (taken before the writes)', row);

// ---- accumulating updates: a.at(...).op(v) is a.at[...].op(v) (a new array) ---------------
const z = mx.zeros([4], mx.int32);                        // z = mx.zeros(4, mx.int32)
show('z.at([0, 0, 2]).add(1)', z.at([0, 0, 2]).add(1));   // z.at[[0, 0, 2]].add(1)  -> [2, 0, 1, 0]
show('z.at(1).subtract(5)', z.at(1).subtract(5));         // z.at[1].subtract(5)
const f = mx.ones([4]);                                   // f = mx.ones(4)
show("f.at([1, 1]).multiply(3)", f.at([1, 1]).multiply(3));  // f.at[[1, 1]].multiply(3) -> 9 at 1
show("f.at('::2').divide(4)", f.at('::2').divide(4));    // f.at[::2].divide(4)
show('z.at([3, 3]).maximum(mx.array([4, 9]))', z.at([3, 3]).maximum(mx.array([4, 9])));  // .maximum
show('z.at(0).minimum(-2)', z.at(0).minimum(-2));         // z.at[0].minimum(-2)

// ---- the functions ------------------------------------------------------------------------
const m = mx.arange(12).reshape([3, 4]);
show('mx.take(m, [0, 2], 1)', mx.take(m, [0, 2], 1));    // mx.take(m, mx.array([0, 2]), axis=1)
show('mx.take(m, 5)', mx.take(m, 5));                     // mx.take(m, 5)  (flattened)
show('mx.take_along_axis(m, [[1], [0], [3]], 1)', mx.take_along_axis(m, mx.array([[1], [0], [3]]), 1));
show('mx.put_along_axis(m, [[0], [1], [2]], 0, 1)', mx.put_along_axis(m, mx.array([[0], [1], [2]]), 0, 1));
show('mx.diagonal(m, 1)', mx.diagonal(m, 1));             // mx.diagonal(m, offset=1)
show('mx.diag(mx.array([1, 2]))', mx.diag(mx.array([1, 2])));  // mx.diag(mx.array([1, 2]))
show('m.diag({k: -1})', m.diag({ k: -1 }));               // m.diag(k=-1)
show('mx.slice(m, mx.array([1]), [1], [3, 2])', mx.slice(m, mx.array([1]), [1], [3, 2]));  // dynamic start
show('mx.slice_update(m, mx.array([[-1]]), mx.array([2, 3]), [0, 1])', mx.slice_update(m, mx.array([[-1]]), mx.array([2, 3]), [0, 1]));
