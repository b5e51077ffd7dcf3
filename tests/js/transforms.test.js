'use strict';
// Function transforms: grad / value_and_grad / vjp / jvp against central finite differences
// (float64, and float32 with a looser tolerance) for every differentiable op in the table
// below (several shapes, broadcasting, axes); vmap against a loop over the batch for several
// in_axes; composition (grad of grad, vmap of grad, grad of vmap); trees (nested Arrays and
// plain objects, non-array leaves); stop_gradient, depends, checkpoint, custom_function; bad
// input (errors naming the transform, user exceptions passing through with their stack).
//
// Every primitive has its rules now: a missing rule fails, naming the op. The other groups'
// ops are checked in depth by their own files (grad_shape_index, grad_sort_linalg_fft,
// grad_conv_fast, grad_quantized); this table samples them too.
const test = require('node:test');
const assert = require('node:assert/strict');
const mx = require('../../lib').core;
const { throwsWith } = require('./helpers/check');

const MISSING_RE = /\[Primitive::(vjp|jvp|vmap)\] Not implemented for (\w+)\./;

const { rand, fromF64, f64, checkDerivatives, checkVmap } = require('./helpers/gradcheck');

// ---- the table of differentiable ops ----------------------------------------------------------
// Each entry: [name, core (its graph uses only primitives.h primitives), cases]; a case is
// [f, inputs].

const U = (name, lo = -1, hi = 1, extra = {}) => [name, true, [
  [(x) => mx[name](x), [rand([4], lo, hi)]],
  [(x) => mx[name](x), [rand([2, 3], lo, hi)]],
], extra];
const B = (name, la = -1, ha = 1, lb = -1, hb = 1) => [name, true, [
  [(a, b) => mx[name](a, b), [rand([2, 3], la, ha), rand([2, 3], lb, hb)]],
  [(a, b) => mx[name](a, b), [rand([2, 3], la, ha), rand([3], lb, hb)]],
  [(a, b) => mx[name](a, b), [rand([2, 1], la, ha), rand([1, 3], lb, hb)]],
  [(a, b) => mx[name](a, b), [rand([], la, ha), rand([4], lb, hb)]],
]];
const R = (name, lo = 0.5, hi = 1.5, extra = []) => [name, true, [
  [(x) => mx[name](x), [rand([2, 3], lo, hi)]],
  [(x) => mx[name](x, 1), [rand([2, 3, 2], lo, hi)]],
  [(x) => mx[name](x, [0, 2], { keepdims: true }), [rand([2, 3, 2], lo, hi)]],
  [(x) => mx[name](x, -1), [rand([3, 4], lo, hi)]],
  ...extra,
]];
const SCAN = (name, lo = 0.5, hi = 1.5) => [name, true, [
  [(x) => mx[name](x), [rand([5], lo, hi)]],
  [(x) => mx[name](x, 1), [rand([2, 4], lo, hi)]],
  [(x) => mx[name](x, 0, { reverse: true }), [rand([3, 2], lo, hi)]],
  [(x) => mx[name](x, -1, { inclusive: false }), [rand([2, 4], lo, hi)]],
  [(x) => mx[name](x, 1, { reverse: true, inclusive: false }), [rand([2, 4], lo, hi)]],
]];

const OPS = [
  ...['abs', 'negative', 'positive', 'square', 'exp', 'expm1', 'sin', 'cos', 'arctan', 'sinh', 'cosh',
    'tanh', 'arcsinh', 'sigmoid', 'erf', 'degrees', 'radians', 'conjugate', 'real'].map((n) => U(n)),
  U('sqrt', 0.2, 2), U('rsqrt', 0.2, 2), U('reciprocal', 0.5, 2), U('log', 0.2, 2), U('log2', 0.2, 2),
  U('log10', 0.2, 2), U('log1p', -0.5, 1), U('tan', -1, 1), U('arcsin', -0.8, 0.8), U('arccos', -0.8, 0.8),
  U('arccosh', 1.2, 3), U('arctanh', -0.8, 0.8), U('erfinv', -0.8, 0.8),
  // Piecewise constant: zero derivative away from the jumps.
  U('floor', 0.2, 0.8), U('ceil', 0.2, 0.8), U('round', 0.1, 0.4), U('trunc', 0.2, 0.8), U('sign', 0.2, 0.8),
  ['nan_to_num', true, [[(x) => mx.nan_to_num(x), [rand([5])]]]],
  ...['add', 'subtract', 'multiply', 'maximum', 'minimum', 'arctan2', 'logaddexp'].map((n) => B(n)),
  B('divide', -1, 1, 0.5, 2), B('power', 0.5, 2, -1, 2), B('remainder', 0.1, 0.9, 1.1, 2),
  B('floor_divide', 0.1, 0.9, 1.1, 2),
  ['where', true, [
    [(a, b) => mx.where(mx.array([true, false, true]), a, b), [rand([2, 3]), rand([3])]],
    [(a) => mx.where(mx.greater(a, 0), a, mx.square(a)), [rand([6], 0.1, 1)]],
  ]],
  ['clip', true, [[(a, lo, hi) => mx.clip(a, lo, hi), [rand([5], -1, 1), rand([5], -3, -2), rand([5], 2, 3)]]]],
  ['matmul', true, [
    [(a, b) => mx.matmul(a, b), [rand([2, 3]), rand([3, 4])]],
    [(a, b) => mx.matmul(a, b), [rand([3]), rand([3, 2])]],
    [(a, b) => mx.matmul(a, b), [rand([2, 3]), rand([3])]],
    [(a, b) => mx.matmul(a, b), [rand([2, 2, 3]), rand([3, 2])]],
    [(a, b) => mx.matmul(a, b), [rand([2, 1, 2, 3]), rand([2, 3, 2])]],
  ]],
  R('sum'), R('prod'), R('max'), R('min'), R('mean'), R('logsumexp'),
  R('var', 0.5, 1.5, [[(x) => mx.var(x, 1, { ddof: 1 }), [rand([2, 4])]]]),
  R('std', 0.5, 1.5, [[(x) => mx.std(x, [0, 1], { ddof: 1 }), [rand([3, 2])]]]),
  ['softmax', true, [
    [(x) => mx.softmax(x), [rand([5])]],
    [(x) => mx.softmax(x, -1), [rand([2, 3])]],
    [(x) => mx.softmax(x, 0, { precise: true }), [rand([3, 2])]],
    [(x) => mx.softmax(x, [0, 2]), [rand([2, 2, 3])]],
  ]],
  ['median', true, [
    [(x) => mx.median(x), [rand([5])]],
    [(x) => mx.median(x, 1), [rand([2, 4])]],
    [(x) => mx.median(x, [0, 2]), [rand([2, 3, 3])]],
  ]],
  SCAN('cumsum'), SCAN('cumprod'), SCAN('cummax'), SCAN('cummin'), SCAN('logcumsumexp'),
  ['cumprod (zeros)', true, [[(x) => mx.cumprod(mx.multiply(x, mx.array([1, 0, 1, 1, 0, 1], mx.float64))), [rand([6], 0.5, 1.5)]]]],
  ['trace', true, [[(x) => mx.trace(x), [rand([3, 3])]], [(x) => mx.trace(x, 1, 0, 2), [rand([2, 3, 3])]]]],
  ['reshape', true, [[(x) => mx.reshape(x, [3, 2]), [rand([2, 3])]], [(x) => mx.reshape(x, [-1]), [rand([2, 2, 2])]]]],
  ['flatten', true, [[(x) => mx.flatten(x, 1), [rand([2, 2, 3])]]]],
  ['squeeze', true, [[(x) => mx.squeeze(x, 1), [rand([2, 1, 3])]]]],
  ['expand_dims', true, [[(x) => mx.expand_dims(x, [0, -1]), [rand([2, 3])]]]],
  ['transpose', true, [[(x) => mx.transpose(x), [rand([2, 3])]], [(x) => mx.transpose(x, [1, 2, 0]), [rand([2, 3, 2])]]]],
  ['moveaxis', true, [[(x) => mx.moveaxis(x, 0, -1), [rand([2, 3, 2])]]]],
  ['swapaxes', true, [[(x) => mx.swapaxes(x, 0, 2), [rand([2, 3, 2])]]]],
  ['broadcast_to', true, [[(x) => mx.broadcast_to(x, [3, 2, 3]), [rand([2, 1])]], [(x) => mx.broadcast_to(x, [4]), [rand([])]]]],
  ['astype', true, [[(x) => mx.astype(mx.astype(x, mx.float32), mx.float64), [rand([4], -1, 1)], { h: 1e-3, rtol: 1e-4 }]]],
  ['copy', true, [[(x) => mx.copy(x), [rand([4])]]]],
  // Composed of the other groups' primitives.
  ['concatenate', false, [[(a, b) => mx.concatenate([a, b], 1), [rand([2, 2]), rand([2, 3])]]]],
  ['stack', false, [[(a, b) => mx.stack([a, b], 1), [rand([2, 3]), rand([2, 3])]]]],
  ['split', false, [[(a) => mx.split(a, 2, 1)[1], [rand([2, 4])]]]],
  ['repeat', false, [[(a) => mx.repeat(a, 2, 1), [rand([2, 3])]]]],
  ['tile', false, [[(a) => mx.tile(a, [2, 1]), [rand([2, 3])]]]],
  ['pad', false, [[(a) => mx.pad(a, 1), [rand([2, 3])]]]],
  ['flip', false, [[(a) => mx.flip(a, 0), [rand([3, 2])]]]],
  ['roll', false, [[(a) => mx.roll(a, 1, 1), [rand([2, 3])]]]],
  ['diff', false, [[(a) => mx.diff(a), [rand([5])]]]],
  ['take', false, [[(a) => mx.take(a, mx.array([2, 0, 2]), 0), [rand([3, 2])]]]],
  ['take_along_axis', false, [[(a) => mx.take_along_axis(a, mx.array([[1], [0]]), 1), [rand([2, 3])]]]],
  ['diagonal', false, [[(a) => mx.diagonal(a), [rand([3, 3])]]]],
  ['diag', false, [[(a) => mx.diag(a), [rand([3])]]]],
  ['tril', false, [[(a) => mx.tril(a), [rand([3, 3])]]]],
  ['sort', false, [[(a) => mx.sort(a), [rand([5])]]]],
  ['topk', false, [[(a) => mx.topk(a, 2), [rand([5])]]]],
  ['linalg.norm', false, [[(a) => mx.linalg.norm(a), [rand([2, 3])]]]],
  ['linalg.inv', false, [[(a) => mx.linalg.inv(mx.add(a, mx.multiply(mx.eye(3, { dtype: mx.float64 }), 3))), [rand([3, 3])]]]],
  // fft computes in complex64: float32 steps and tolerance.
  ['fft.rfft', false, [[(a) => mx.real(mx.fft.rfft(a)), [rand([4], -1, 1, mx.float32)], { dtype: mx.float32, h: 1e-2, rtol: 1e-3, atol: 1e-3 }]]],
];
if (typeof mx.conv1d === 'function') {
  OPS.push(['conv1d', false, [[(a, w) => mx.conv1d(a, w), [rand([1, 5, 2]), rand([3, 3, 2])]]]]);
}

// Runs one check; a missing rule fails with the op's name in front.
function runCase(name, fn) {
  try {
    fn();
  } catch (e) {
    const m = MISSING_RE.exec(e.message);
    if (m) e.message = `${name}: the primitive ${m[2]} has no ${m[1]} rule (${e.message})`;
    throw e;
  }
}

test('gradient check: vjp and jvp against central differences in float64', () => {
  for (const [name, , cases] of OPS) {
    cases.forEach(([f, xs, opts], i) => {
      runCase(name, () => {
        try {
          checkDerivatives(f, xs, opts);
        } catch (e) {
          e.message = `${name} case ${i}: ${e.message}`;
          throw e;
        }
      });
    });
  }
});

test('gradient check in float32 (looser tolerance)', (t) => {
  let checked = 0;
  for (const [name, core, cases] of OPS) {
    if (!core) continue;
    const [f, xs] = cases[0];
    const x32 = xs.map((x) => x.astype(mx.float32));
    // float32: step 1e-3 and tolerance 2e-2 (the difference quotient has ~1e-4 noise).
    const f32 = (...a) => f(...a.map((v) => v.astype(mx.float64))).astype(mx.float32);
    runCase(name, () => {
      try {
        checkDerivatives(f32, x32, { dtype: mx.float32, rtol: 2e-2, atol: 2e-3, h: 1e-3 });
      } catch (e) {
        e.message = `${name} (float32): ${e.message}`;
        throw e;
      }
    });
    // The gradient itself keeps float32 end to end when the function is float32.
    const [, g] = mx.vjp((...a) => mx.sum(mx.square(a[0])), x32, [mx.array(1, mx.float32)]);
    assert.equal(g[0].dtype, mx.float32);
    checked++;
  }
  assert.ok(checked > 60);
  t.diagnostic(`${checked} ops checked in float32`);
});

test('gradients of float32 functions computed in float32 match float64 ones', () => {
  const f = (x, w) => mx.sum(mx.multiply(mx.tanh(mx.matmul(x, w)), mx.exp(mx.negative(mx.abs(x)))));
  const x = rand([3, 4]), w = rand([4, 4]);
  const g64 = mx.grad(f, [0, 1])(x, w).map(f64);
  const g32 = mx.grad(f, [0, 1])(x.astype(mx.float32), w.astype(mx.float32));
  for (let k = 0; k < 2; k++) {
    assert.equal(g32[k].dtype, mx.float32);
    const v = f64(g32[k]);
    for (let i = 0; i < v.length; i++) assert.ok(Math.abs(v[i] - g64[k][i]) < 1e-5 * (1 + Math.abs(g64[k][i])));
  }
});

test('non-differentiable ops give zero gradients (MLX)', () => {
  const x = rand([4], 0.2, 0.8);
  const cases = [
    (a) => mx.astype(mx.greater(a, 0.5), mx.float64),
    (a) => mx.astype(mx.argmax(a), mx.float64),
    (a) => mx.astype(mx.equal(a, a), mx.float64),
    (a) => mx.floor_divide(a, mx.array(0.3, mx.float64)),
    (a) => mx.astype(mx.isnan(a), mx.float64),
    (a) => mx.astype(mx.array_equal(a, a), mx.float64),
    (a) => mx.astype(mx.all(mx.greater(a, 0)), mx.float64),
  ];
  for (const f of cases) {
    const g = mx.grad((a) => mx.sum(f(a)))(x);
    assert.deepEqual(Array.from(f64(g)), [0, 0, 0, 0]);
  }
});

test('integer arguments: gradients keep the argument dtype, as MLX', () => {
  const g = mx.grad((a) => mx.sum(mx.multiply(a, a)))(mx.array([1, 2, 3]));
  assert.equal(g.dtype, mx.int32);
  assert.deepEqual(g.tolist(), [2, 4, 6]);
});

test('every op of the core groups is in the gradient table, or has no derivative by nature', (t) => {
  // The elementwise and reduction groups (primitives.h): each differentiable op must be checked.
  const tested = new Set(OPS.map(([n]) => n.split(' ')[0]));
  const aliases = { acos: 'arccos', acosh: 'arccosh', asin: 'arcsin', asinh: 'arcsinh', atan: 'arctan',
    atanh: 'arctanh', atan2: 'arctan2', pow: 'power', conj: 'conjugate', cumulative_sum: 'cumsum',
    cumulative_prod: 'cumprod' };
  // Boolean or integer results, or zero derivatives, covered by the zero-gradient test above.
  const noDerivative = new Set(['logical_not', 'isnan', 'isinf', 'isfinite', 'isposinf', 'isneginf',
    'bitwise_invert', 'divmod', 'equal', 'not_equal', 'less', 'less_equal', 'greater', 'greater_equal',
    'logical_xor', 'bitwise_and', 'bitwise_or', 'bitwise_xor', 'left_shift', 'right_shift', 'logical_and',
    'logical_or', 'isclose', 'bitwise_left_shift', 'bitwise_right_shift', 'all', 'any', 'count_nonzero',
    'argmax', 'argmin', 'array_equal', 'allclose', 'imag']);
  const missing = [];
  for (const n of [...require('../../lib/ops_elementwise').NAMES, ...require('../../lib/ops_reduce').NAMES]) {
    if (noDerivative.has(n) || tested.has(n) || tested.has(aliases[n])) continue;
    missing.push(n);
  }
  assert.deepEqual(missing, [], 'core ops without a gradient check');
  // The other groups' ops not in the table, for the record.
  const others = require('../../lib/implemented').core.filter((n) => !tested.has(n) && typeof mx[n] === 'function');
  t.diagnostic(`${tested.size} ops checked; not in the table (other groups, creation, io, transforms...): ${others.length}`);
});

// Complex inputs: the gradient of a real loss L(z) is dL/dx + i dL/dy for z = x + iy (MLX's
// and PyTorch's convention: holomorphic ops conjugate their derivative in the vjp). Checked
// against central differences of x and y separately, in complex64.
test('complex gradients follow the conjugate convention (dL/dx + i dL/dy)', () => {
  const zs = (re, im) => mx.add(mx.array(re, mx.float32), mx.multiply(mx.array(im, mx.float32), mx.array({ re: 0, im: 1 })));
  const re0 = [0.3, -0.7, 0.5, 0.9], im0 = [0.4, 0.2, -0.6, 0.1];
  const w = zs([0.2, -1.1, 0.7, 0.4], [0.9, 0.3, -0.5, 1.2]);
  const a = mx.array([0.7, -0.4, 1.3, 0.2], mx.float32), b = mx.array([-0.5, 0.8, 0.6, -1.1], mx.float32);
  const M = zs([0.5, -0.2, 0.3, 0.8], [0.1, 0.6, -0.4, 0.2]).reshape([2, 2]);
  // Real-valued losses mixing the real and imaginary parts of g(z).
  const fns = {
    multiply: (z) => mx.multiply(z, w),
    divide: (z) => mx.divide(w, mx.add(z, 2)),
    exp: (z) => mx.exp(z),
    log: (z) => mx.log(mx.add(z, 2)),
    sin: (z) => mx.sin(z),
    square: (z) => mx.square(z),
    sqrt: (z) => mx.sqrt(mx.add(z, 2)),
    power: (z) => mx.power(mx.add(z, 2), w),
    imag: (z) => mx.imag(z),
    conj: (z) => mx.multiply(mx.conjugate(z), w),
    abs: (z) => mx.abs(z),
    matmul: (z) => mx.matmul(M, z.reshape([2, 2])).reshape([4]),
    prod: (z) => mx.broadcast_to(mx.prod(mx.add(z, 1)), [4]),
    cumprod: (z) => mx.cumprod(mx.add(z, 1)),
  };
  for (const [name, g] of Object.entries(fns)) {
    const L = (z) => {
      const y = mx.astype(g(z), mx.complex64);
      return mx.sum(mx.add(mx.multiply(mx.real(y), a), mx.multiply(mx.imag(y), b)));
    };
    const grad = mx.grad(L)(zs(re0, im0));
    assert.equal(grad.dtype, mx.complex64, name);
    const gr = mx.real(grad).tolist(), gi = mx.imag(grad).tolist();
    const h = 1e-2;
    for (let k = 0; k < 4; k++) {
      for (const [part, got] of [['re', gr[k]], ['im', gi[k]]]) {
        const at = (d) => {
          const re = re0.slice(), im = im0.slice();
          (part === 're' ? re : im)[k] += d;
          return L(zs(re, im)).item();
        };
        const fd = (at(h) - at(-h)) / (2 * h);
        assert.ok(Math.abs(got - fd) <= 2e-2 * (1 + Math.abs(fd)), `${name} element ${k} (${part}): ${got} vs finite difference ${fd}`);
      }
    }
  }
});

test('divmod: the remainder output carries the gradient, the quotient none', () => {
  const [, g] = mx.vjp((a, b) => mx.divmod(a, b), [mx.array([7.5], mx.float64), mx.array([2], mx.float64)],
    [mx.array([10], mx.float64), mx.array([1], mx.float64)]);
  assert.deepEqual(g.map((x) => x.item()), [1, -3]);
  const im = mx.grad((z) => mx.sum(mx.imag(mx.astype(z, mx.complex64))))(mx.array([1, 2], mx.float32));
  assert.deepEqual(im.tolist(), [0, 0]);
});

// ---- grad / value_and_grad / vjp / jvp: API --------------------------------------------------

test('value_and_grad: trees, argnums, argnames, auxiliary outputs', () => {
  const x = mx.array([[1, 2], [3, 4], [5, 6]], mx.float32);
  const y = mx.array([[1], [2], [3]], mx.float32);
  const loss = (p, a, b, note) => mx.mean(mx.square(mx.subtract(mx.add(mx.matmul(a, p.w), p.b), b)));
  const params = { w: mx.array([[0.5], [-0.25]], mx.float32), b: mx.array([0.1], mx.float32) };
  const [v, g] = mx.value_and_grad(loss)(params, x, y, 'not an array: passes through');
  // Hand-worked: r = x w + b - y; d/dw = 2/3 x^T r; d/db = 2/3 sum(r).
  const r = [[0.5 - 0.5 + 0.1 - 1], [1.5 - 1 + 0.1 - 2], [2.5 - 1.5 + 0.1 - 3]].map(([q]) => q);
  assert.ok(Math.abs(v.item() - r.reduce((s, q) => s + q * q, 0) / 3) < 1e-6);
  const dw = [0, 1].map((j) => (2 / 3) * r.reduce((s, q, i) => s + q * [[1, 2], [3, 4], [5, 6]][i][j], 0));
  assert.deepEqual(Object.keys(g), ['w', 'b']);
  g.w.tolist().forEach(([q], j) => assert.ok(Math.abs(q - dw[j]) < 1e-5));
  assert.ok(Math.abs(g.b.item() - (2 / 3) * r.reduce((s, q) => s + q, 0)) < 1e-5);

  // argnums: several (sorted, as MLX), nested Arrays.
  const f = (a, [b, c], d) => mx.sum(mx.multiply(mx.multiply(a, b), mx.add(c, d)));
  const a = mx.array(2.0), b = mx.array(3.0), c = mx.array(4.0), d = mx.array(5.0);
  const [ga, gbc] = mx.grad(f, [1, 0])(a, [b, c], d);
  assert.equal(ga.item(), 27);
  assert.deepEqual(gbc.map((q) => q.item()), [18, 6]);
  const gd = mx.grad(f, { argnums: 2 })(a, [b, c], d);
  assert.equal(gd.item(), 6);

  // argnames: the keyword arguments of a JS function are its trailing plain object.
  const h = (p, opts) => mx.sum(mx.multiply(p, mx.multiply(opts.w, opts.s)));
  const [val, [gpos, gkw]] = mx.value_and_grad(h, { argnames: ['w'] })(mx.array([1, 2], mx.float32), { w: mx.array([3, 4], mx.float32), s: mx.array(2, mx.float32) });
  assert.equal(val.item(), 22);
  assert.equal(gpos, null);
  assert.deepEqual(Object.keys(gkw), ['w']);
  assert.deepEqual(gkw.w.tolist(), [2, 4]);
  const [, [gp2, gk2]] = mx.value_and_grad(h, 0, 'w')(mx.array([1, 2], mx.float32), { w: mx.array([3, 4], mx.float32), s: mx.array(2, mx.float32) });
  assert.deepEqual(gp2.tolist(), [6, 8]);
  assert.deepEqual(gk2.w.tolist(), [2, 4]);

  // Auxiliary outputs: an Array whose first element is the loss; the rest comes back as is.
  const aux = (p) => [mx.sum(mx.square(p)), { doubled: mx.multiply(p, 2), tag: 'x' }, 7];
  const [[l, extra, seven], gp] = mx.value_and_grad(aux)(mx.array([1, 2], mx.float32));
  assert.equal(l.item(), 5);
  assert.deepEqual(extra.doubled.tolist(), [2, 4]);
  assert.equal(extra.tag, 'x');
  assert.equal(seven, 7);
  assert.deepEqual(gp.tolist(), [2, 4]);
  // ... and the auxiliary outputs do not contribute to the gradient.
  const aux2 = (p) => [mx.sum(p), mx.sum(mx.multiply(p, 100))];
  assert.deepEqual(mx.value_and_grad(aux2)(mx.array([1, 2], mx.float32))[1].tolist(), [1, 1]);
});

test('vjp and jvp: several inputs and outputs, hand-worked', () => {
  const f = (a, b) => [mx.multiply(a, b), mx.sin(a)];
  const a = mx.array([1, 2], mx.float32), b = mx.array([3, 4], mx.float32);
  const [outs, vjps] = mx.vjp(f, [a, b], [mx.array([1, 1], mx.float32), mx.array([10, 10], mx.float32)]);
  assert.deepEqual(outs[0].tolist(), [3, 8]);
  const ga = vjps[0].tolist();
  [3 + 10 * Math.cos(1), 4 + 10 * Math.cos(2)].forEach((e, i) => assert.ok(Math.abs(ga[i] - e) < 1e-5));
  assert.deepEqual(vjps[1].tolist(), [1, 2]);
  const [, jvps] = mx.jvp(f, [a, b], [mx.array([1, 0], mx.float32), mx.array([0, 1], mx.float32)]);
  assert.deepEqual(jvps[0].tolist(), [3, 2]);
  const j1 = jvps[1].tolist();
  assert.ok(Math.abs(j1[0] - Math.cos(1)) < 1e-6 && j1[1] === 0);
  // array-likes are accepted for primals/cotangents, keywords too.
  const [, v2] = mx.vjp((q) => mx.multiply(q, 3), { primals: [[1, 2]], cotangents: [[1, 1]] });
  assert.deepEqual(v2[0].tolist(), [3, 3]);
});

test('composition: grad of grad, vmap of grad, grad of vmap, jvp of grad', () => {
  const cube = (x) => mx.multiply(x, mx.multiply(x, x));
  assert.equal(mx.grad(mx.grad(cube))(mx.array(2, mx.float32)).item(), 12);
  assert.equal(mx.grad(mx.grad(mx.grad(cube)))(mx.array(2, mx.float32)).item(), 6);
  // vmap of grad: per-example gradients.
  const ex = mx.array([[1, 2], [3, 4]], mx.float32);
  const per = mx.vmap(mx.grad((r) => mx.sum(cube(r))))(ex);
  assert.deepEqual(per.tolist(), [[3, 12], [27, 48]]);
  // grad of vmap
  const gv = mx.grad((m) => mx.sum(mx.vmap((r) => mx.sum(mx.sin(r)))(m)))(ex);
  gv.tolist().flat().forEach((q, i) => assert.ok(Math.abs(q - Math.cos(i + 1)) < 1e-6));
  // jvp of grad (a Hessian-vector product): for sum(x^3), H = diag(6x).
  const [, hv] = mx.jvp((x) => mx.grad((y) => mx.sum(cube(y)))(x), [mx.array([1, 2], mx.float32)], [mx.array([1, 1], mx.float32)]);
  assert.deepEqual(hv[0].tolist(), [6, 12]);
  // grad with respect to a closure variable of an inner grad
  const outer = mx.grad((w) => mx.grad((x) => mx.multiply(mx.multiply(x, x), w))(mx.array(3, mx.float32)))(mx.array(2, mx.float32));
  assert.equal(outer.item(), 6);
});

test('evaluation inside the function keeps the graph', () => {
  const g = mx.grad((x) => {
    const y = mx.multiply(x, x);
    mx.eval(y);
    assert.equal(y.item(), 9);
    return mx.sin(y);
  })(mx.array(3, mx.float32));
  assert.ok(Math.abs(g.item() - Math.cos(9) * 6) < 1e-4);
});

test('stop_gradient and depends', () => {
  const g = mx.grad((x) => mx.multiply(x, mx.stop_gradient(x)))(mx.array(3, mx.float32));
  assert.equal(g.item(), 3);
  assert.deepEqual(mx.stop_gradient([1, 2], { stream: mx.cpu }).tolist(), [1, 2]);
  throwsWith(() => mx.stop_gradient(), TypeError, /\[stop_gradient\] missing required argument 'a'/);
  const a = mx.array([1, 2]);
  const [d] = mx.depends([a], [mx.array(5)]);
  assert.deepEqual(d.tolist(), [1, 2]);
  assert.deepEqual(mx.depends(a, mx.array(5)).tolist(), [1, 2]);
  const gd = mx.grad((x) => mx.sum(mx.square(mx.depends(x, mx.exp(x)))))(mx.array([1, 2], mx.float32));
  assert.deepEqual(gd.tolist(), [2, 4]);
});

test('checkpoint: same values and gradients as the plain function', () => {
  const f = (p, x) => mx.sum(mx.tanh(mx.matmul(x, p.w)));
  const cf = mx.checkpoint(f);
  const p = { w: rand([3, 2], -1, 1, mx.float32) };
  const x = rand([4, 3], -1, 1, mx.float32);
  const [v1, g1] = mx.value_and_grad(f)(p, x);
  const [v2, g2] = mx.value_and_grad(cf)(p, x);
  assert.equal(v1.item(), v2.item());
  assert.deepEqual(g2.w.tolist(), g1.w.tolist());
  assert.deepEqual(cf(p, x).item(), f(p, x).item());
  // Trees in and out.
  const tf = mx.checkpoint(({ a, b }) => ({ s: mx.multiply(a, b), t: [mx.add(a, b)] }));
  const out = tf({ a: mx.array(2), b: mx.array(3) });
  assert.equal(out.s.item(), 6);
  assert.equal(out.t[0].item(), 5);
  throwsWith(() => mx.checkpoint(3), TypeError, /\[checkpoint\] argument 'fun' must be a function/);
});

test('custom_function: vjp, jvp and vmap rules; defaults; trees', () => {
  const f = mx.custom_function((x, y) => mx.multiply(mx.sin(x), y));
  assert.ok(f instanceof mx.custom_function);
  const x = mx.array(0.5, mx.float32), y = mx.array(2, mx.float32);
  // No rules: plain function; default transforms.
  assert.ok(Math.abs(f(x, y).item() - Math.sin(0.5) * 2) < 1e-6);
  assert.ok(Math.abs(mx.grad(f)(x, y).item() - Math.cos(0.5) * 2) < 1e-6);
  let calls = 0;
  const ret = f.vjp((primals, cotangent, output) => {
    calls++;
    const [a, b] = primals;
    assert.ok(Math.abs(output.item() - Math.sin(0.5) * 2) < 1e-6);
    return [mx.multiply(cotangent, 100), mx.multiply(cotangent, mx.multiply(mx.sin(a), b))];
  });
  assert.equal(ret, f);
  const [gx, gy] = mx.grad(f, [0, 1])(x, y);
  assert.equal(calls, 1);
  assert.equal(gx.item(), 100);
  assert.ok(Math.abs(gy.item() - Math.sin(0.5) * 2) < 1e-6);
  // jvp not given: the default one differentiates the function.
  const [, t] = mx.jvp(f, [x, y], [mx.array(1, mx.float32), mx.array(0, mx.float32)]);
  assert.ok(Math.abs(t[0].item() - Math.cos(0.5) * 2) < 1e-6);
  f.jvp((primals, tangents) => {
    assert.equal(tangents.length, 2);
    return mx.multiply(tangents[0] === null ? mx.array(0, mx.float32) : tangents[0], 7);
  });
  assert.equal(mx.jvp(f, [x, y], [mx.array(1, mx.float32), mx.array(0, mx.float32)])[1][0].item(), 7);
  // vmap rule: (inputs, axes) -> [outputs, axes]
  const g = mx.custom_function((a) => mx.exp(a));
  g.vmap((a, ax) => {
    assert.equal(ax, 1);
    return [mx.multiply(a, 3), ax];
  });
  const v = mx.vmap(g, { in_axes: 1 })(mx.array([[1, 2], [3, 4]], mx.float32));
  assert.deepEqual(v.tolist(), [[3, 9], [6, 12]]);
  // Trees: a dict argument and a tuple output.
  const h = mx.custom_function((d) => [mx.multiply(d.p, d.q), mx.add(d.p, d.q)]);
  h.vjp((d, cots) => ({ p: mx.multiply(cots[0], 10), q: mx.multiply(cots[1], 20) }));
  const gh = mx.grad((p, q) => {
    const [m, s] = h({ p, q });
    return mx.add(m, s);
  }, [0, 1])(mx.array(1, mx.float32), mx.array(2, mx.float32));
  assert.deepEqual(gh.map((q) => q.item()), [10, 20]);
  // A rule returning the wrong count is an error naming custom_function.
  const bad = mx.custom_function((a, b) => mx.add(a, b));
  bad.vjp(() => [mx.array(1)]);
  throwsWith(() => mx.grad(bad)(x, y), Error, /\[custom_function\] The vjp function returned 1 cotangents/);
  throwsWith(() => mx.custom_function(), TypeError, /\[custom_function\] takes 1 positional argument/);
  throwsWith(() => f.vjp(3), TypeError, /\[custom_function\.vjp\] argument 'f' must be a function/);
});

// ---- vmap ---------------------------------------------------------------------------------------

test('vmap against a loop over the batch, several in_axes', () => {
  const x = rand([3, 4, 2], 0.2, 1, mx.float32);
  const unary = [
    (a) => mx.exp(mx.sin(a)), (a) => mx.sum(a, 0), (a) => mx.max(a, -1), (a) => mx.softmax(a, -1),
    (a) => mx.cumsum(a, 1), (a) => mx.transpose(a), (a) => mx.reshape(a, [-1]), (a) => mx.logsumexp(a),
    (a) => mx.var(a, 0), (a) => mx.argmax(a, 1), (a) => mx.broadcast_to(a, [2, ...a.shape]),
    (a) => mx.where(mx.greater(a, 0.5), a, 0), (a) => mx.median(a, -1), (a) => mx.prod(a), (a) => mx.cummax(a, 0),
    (a) => mx.matmul(a, mx.transpose(a)), (a) => mx.astype(a, mx.float16),
  ];
  unary.forEach((f, i) => {
    for (const ax of [0, 1, 2, -1]) checkVmap(f, [x], [ax], `unary ${i} axis ${ax}`);
  });
  const a = rand([3, 4], -1, 1, mx.float32), b = rand([4, 3], -1, 1, mx.float32), c = rand([4], -1, 1, mx.float32);
  const binary = [mx.add, mx.multiply, mx.maximum, mx.arctan2, mx.logaddexp, (p, q) => mx.matmul(mx.expand_dims(p, 0), mx.expand_dims(q, 1))];
  binary.forEach((f, i) => {
    checkVmap(f, [a, b], [0, 1], `binary ${i} (0, 1)`);
    checkVmap(f, [a, b], [1, 0], `binary ${i} (1, 0)`);
    checkVmap(f, [a, c], [0, null], `binary ${i} (0, null)`);
    checkVmap(f, [c, b], [null, 1], `binary ${i} (null, 1)`);
  });
  checkVmap((p, q) => mx.matmul(p, q), [rand([5, 2, 3], -1, 1, mx.float32), rand([3, 4], -1, 1, mx.float32)], [0, null], 'matmul');
  checkVmap((p, q) => mx.matmul(p, q), [rand([2, 3], -1, 1, mx.float32), rand([3, 4, 5], -1, 1, mx.float32)], [null, 2], 'matmul rhs');
});

test('vmap: trees, out_axes, nested, non-array arguments, constants', () => {
  const x = mx.array([[1, 2], [3, 4]], mx.float32);
  // dict in_axes prefix, tuple outputs with out_axes
  const r = mx.vmap((d) => mx.multiply(d.a, d.b), { in_axes: { a: 0, b: 1 } })({ a: x, b: x });
  assert.deepEqual(r.tolist(), [[1, 6], [6, 16]]);
  const [s, p] = mx.vmap((a) => [mx.sum(a), mx.multiply(a, 2)], { in_axes: 0, out_axes: [0, 1] })(x);
  assert.deepEqual(s.tolist(), [3, 7]);
  assert.deepEqual(p.tolist(), [[2, 6], [4, 8]]);
  // nested vmap: out[i][j] = x3[j, i, :] . x3[j, i, :]
  const x3 = mx.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], mx.float32);
  const nested = mx.vmap(mx.vmap((a) => mx.sum(mx.square(a))), { in_axes: 1 })(x3);
  assert.deepEqual(nested.tolist(), [[5, 61], [25, 113]]);
  // non-array arguments pass through
  const withScale = mx.vmap((a, k, opts) => mx.multiply(a, k * opts.m), { in_axes: [0, null, null] })(x, 3, { m: 2 });
  assert.deepEqual(withScale.tolist(), [[6, 12], [18, 24]]);
  // A constant output is repeated along the batch. out_axes null is MLX's -1: the batch axis
  // goes last, for batched outputs and for repeated ones alike (mlx/transforms.cpp vmap_replace).
  const [u, k] = mx.vmap((a, w) => [w, mx.array(7)], { in_axes: [0, null], out_axes: [null, 0] })(x, mx.array([9]));
  assert.deepEqual(u.tolist(), [[9, 9]]);
  assert.deepEqual(k.tolist(), [7, 7]);
  const last = mx.vmap((a) => mx.multiply(a, 2), { in_axes: 0, out_axes: null })(mx.array([[1, 2, 3], [4, 5, 6]]));
  assert.deepEqual(last.tolist(), [[2, 8], [4, 10], [6, 12]]);
  const [s2, v2] = mx.vmap((a) => [mx.sum(a), a], { in_axes: 1, out_axes: null })(mx.array([[1, 2], [3, 4]]));
  assert.deepEqual(s2.tolist(), [4, 6]);
  assert.deepEqual(v2.tolist(), [[1, 2], [3, 4]]);
  // negative axes
  assert.deepEqual(mx.vmap((a) => mx.sum(a), { in_axes: -1 })(x).tolist(), [4, 6]);
  assert.deepEqual(mx.vmap((a) => mx.multiply(a, 1), { in_axes: 0, out_axes: -1 })(x).tolist(), [[1, 3], [2, 4]]);
});

test('vmap errors: sizes, axes, structure, evaluation inside', () => {
  const x = mx.array([1, 2, 3]), y = mx.array([1, 2]);
  throwsWith(() => mx.vmap(mx.add)(x, y), Error, /\[vmap\] Inconsistent axis sizes: 2 and 3\./);
  throwsWith(() => mx.vmap(mx.add, { in_axes: [0, 0, 0] })(x, y), Error, /\[vmap\] in_axes has 3 entries where the arguments have 2/);
  throwsWith(() => mx.vmap(mx.add, { in_axes: [2, 0] })(x, x), RangeError, /\[vmap\] Invalid vectorization axis 2 for array with shape \(3\)/);
  throwsWith(() => mx.vmap(mx.add, { in_axes: [null, null] })(x, x), Error, /\[vmap\] At least one of in_axes must be non-null/);
  throwsWith(() => mx.vmap((a) => a, { in_axes: 'x' })(x), TypeError, /\[vmap\] in_axes must be an int or null/);
  throwsWith(() => mx.vmap((d) => d.a, { in_axes: { b: 0 } })({ a: x }), Error, /\[vmap\] in_axes has the key 'b'/);
  throwsWith(() => mx.vmap((a) => a, { in_axes: 0, out_axes: 2 })(x), RangeError, /\[vmap\] Invalid output vectorization axis 2/);
  throwsWith(() => mx.vmap((a) => mx.array(a.item()))(x), Error, /\[eval\] Attempting to eval an array during function transformations like compile or vmap is not allowed\./);
  throwsWith(() => mx.vmap(mx.sum)(mx.array(1)), Error, /\[vmap\] Cannot vmap an input with zero dimensions\./);
  throwsWith(() => mx.vmap(3), TypeError, /\[vmap\] argument 'fun' must be a function/);
  // Nothing was left half scheduled: vmap still works.
  assert.deepEqual(mx.vmap((a) => mx.multiply(a, 2))(x).tolist(), [2, 4, 6]);
});

// ---- bad input ------------------------------------------------------------------------------

test('grad errors name the transform and the argument', () => {
  const x = mx.array([1, 2], mx.float32);
  throwsWith(() => mx.grad((a) => mx.multiply(a, a))(x), Error, /\[grad\] The function must return a scalar loss \(an array of shape \(\)\), but it returned an array of shape \(2\)\./);
  throwsWith(() => mx.value_and_grad((a) => mx.multiply(a, a))(x), Error, /\[value_and_grad\] The function must return a scalar loss/);
  throwsWith(() => mx.grad((a) => 3)(x), TypeError, /\[grad\] The return value of the function whose gradient we want to compute should be a scalar array; but number 3 was returned\./);
  throwsWith(() => mx.grad((a) => [mx.sum(a)])(x), TypeError, /\[grad\] .* should be a scalar array; but Array\(1\) was returned/);
  throwsWith(() => mx.value_and_grad((a) => 'x')(x), TypeError, /\[value_and_grad\] .* either a scalar array or an Array/);
  throwsWith(() => mx.value_and_grad((a) => [])(x), TypeError, /\[value_and_grad\] .*empty Array was returned/);
  throwsWith(() => mx.value_and_grad((a) => [1, a])(x), TypeError, /\[value_and_grad\] .*its first element is number 1/);
  throwsWith(() => mx.grad((a, b) => mx.sum(a), 2)(x, x), RangeError, /\[grad\] Can't compute the gradient of argument index 2 because the function is called with only 2 positional arguments\./);
  throwsWith(() => mx.grad((a) => mx.sum(a), -1), RangeError, /\[grad\] Can't compute the gradient of negative argument index -1/);
  throwsWith(() => mx.grad((a) => mx.sum(a), [0, 0]), Error, /\[grad\] Duplicate argument index 0 is not allowed\./);
  throwsWith(() => mx.grad((a) => mx.sum(a), []), Error, /\[grad\] Gradient wrt no argument requested/);
  throwsWith(() => mx.grad((a) => mx.sum(a), 'x'), TypeError, /\[grad\] argument 'argnums' must be/);
  throwsWith(() => mx.grad((a, o) => mx.sum(a), null, 'w')(x, { v: x }), Error, /\[grad\] Can't compute the gradient of keyword argument 'w'.*\{v\}/);
  throwsWith(() => mx.grad((a) => mx.sum(a))({ a: x, n: 3 }), TypeError, /\[grad\] Argument 0 should contain only arrays.*number 3/);
  throwsWith(() => mx.grad(3), TypeError, /\[grad\] argument 'fun' must be a function, got number 3/);
  throwsWith(() => mx.vjp((a) => a, [x], []), Error, /\[vjp\] Number of outputs to compute gradients for \(1\) does not match number of cotangents \(0\)\./);
  throwsWith(() => mx.vjp((a) => a, [x], [mx.array([1, 2, 3])]), Error, /\[vjp\] Output shape \(2\) does not match cotangent shape \(3\)\./);
  throwsWith(() => mx.jvp((a) => a, [x], [mx.array(1)]), Error, /\[jvp\] Input shape \(2\) does not match shape of tangent \(\)\./);
  throwsWith(() => mx.jvp((a) => a, [x], []), Error, /\[jvp\] Number of inputs \(1\) does not match number of tangents \(0\)\./);
  throwsWith(() => mx.vjp((a) => 3, [x], [x]), TypeError, /\[vjp\] The function must return an array or a tree of arrays, got number 3/);
  throwsWith(() => mx.vjp((a) => a, x, [x]), TypeError, /\[vjp\] argument 'primals' must be/);
});

test('an exception thrown by the user function passes through with its own stack', () => {
  class MyError extends Error {}
  function explode() { throw new MyError('boom'); }
  const transforms = [
    () => mx.grad((a) => explode())(mx.array(1, mx.float32)),
    () => mx.value_and_grad((a) => explode())(mx.array(1, mx.float32)),
    () => mx.vjp(() => explode(), [mx.array(1)], [mx.array(1)]),
    () => mx.jvp(() => explode(), [mx.array(1)], [mx.array(1)]),
    () => mx.vmap(() => explode())(mx.array([1])),
    () => mx.checkpoint(() => explode())(mx.array(1)),
    () => { const f = mx.custom_function(() => explode()); f.vjp(() => []); f(mx.array(1)); },
    () => { const f = mx.custom_function((a) => mx.sin(a)); f.vjp(() => explode()); mx.grad(f)(mx.array(1, mx.float32)); },
    () => mx.grad(mx.checkpoint(() => explode()))(mx.array(1, mx.float32)),
  ];
  for (const run of transforms) {
    const e = throwsWith(run, MyError, /^boom$/);
    assert.match(e.stack.split('\n')[1], /at explode /);
  }
  // An mx error inside the function keeps its own class and message.
  throwsWith(() => mx.grad((a) => mx.sum(mx.add(a, mx.array([1, 2, 3]))))(mx.array([1, 2], mx.float32)), Error, /\[add\] Shapes \(2\) \(3\) cannot be broadcast\./);
  throwsWith(() => mx.grad((a) => mx.sum(a, 5))(mx.array([1, 2], mx.float32)), RangeError, /\[sum\]/);
  // After all that, transforms still work.
  assert.equal(mx.grad((a) => mx.multiply(a, a))(mx.array(3, mx.float32)).item(), 6);
});

test('transforms of many calls do not leak arrays', () => {
  global.gc?.();
  const before = mx.cpu_info ? null : null;
  void before;
  const f = mx.value_and_grad((p) => mx.sum(mx.square(mx.multiply(p.w, 2))));
  const p = { w: mx.ones([64]) };
  const live0 = require('../../lib/native').cpu_info().live_arrays;
  for (let i = 0; i < 200; i++) {
    const [v, g] = f(p);
    mx.eval(v, g);
  }
  global.gc?.();
  global.gc?.();
  const live1 = require('../../lib/native').cpu_info().live_arrays;
  assert.ok(live1 - live0 < 50, `live arrays grew from ${live0} to ${live1}`);
});
