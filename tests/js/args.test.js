'use strict';
// Tests of the argument grammar (lib/args.js) with fake hooks and fake impls: no native addon.
// Every case runs twice: with generated binders (the default) and with the generic parser.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const A = require('../../lib/args');

class FakeArray {}
class FakeDtype { constructor(name) { this.name = name; } toString() { return `mlx.core.${this.name}`; } }
class FakeStream {}
class FakeDevice {}
const f32 = new FakeDtype('float32');
const i32 = new FakeDtype('int32');
const cpu = new FakeDevice();
const s1 = new FakeStream();
const a = new FakeArray();
const b = new FakeArray();

const HOOKS = {
  isArray: (x) => x instanceof FakeArray,
  isDtype: (x) => x instanceof FakeDtype,
  isStream: (x) => x instanceof FakeStream,
  isDevice: (x) => x instanceof FakeDevice,
  resolveDefault: null,
};
A.setHooks(HOOKS);

// An impl that records what it got, including `this`.
function recorder() {
  const calls = [];
  const impl = function (...v) { calls.push({ self: this, v }); return 'ret'; };
  return { impl, calls, last: () => calls[calls.length - 1].v };
}

// Asserts fn throws a TypeError whose message is exactly `msg` (string) or matches (RegExp).
function throwsType(fn, msg) {
  let caught = null;
  try { fn(); } catch (e) { caught = e; }
  assert.ok(caught, 'expected a throw');
  assert.equal(caught.constructor, TypeError, `expected TypeError, got ${caught && caught.constructor.name}: ${caught && caught.message}`);
  if (typeof msg === 'string') assert.equal(caught.message, msg);
  else assert.match(caught.message, msg);
  return caught;
}

for (const codegen of [true, false]) {
  const mode = codegen ? 'codegen' : 'generic';
  const bind = (name, impl, opts) => A.bind(name, impl, { ...opts, codegen });

  test(`[${mode}] positionals bind in Python order; defaults fill the rest`, () => {
    const r = recorder();
    const add = bind('add', r.impl);
    assert.equal(add(1, 2), 'ret');
    assert.deepEqual(r.last(), [1, 2, undefined]);
    add(a, b);
    assert.equal(r.last()[0], a);
    assert.equal(r.last()[1], b);

    const sum = bind('sum', r.impl);
    sum(a);
    assert.deepEqual(r.last(), [a, undefined, false, undefined]);
    sum(a, 1, true);
    assert.deepEqual(r.last(), [a, 1, true, undefined]);
    sum(a, [0, 1]);
    assert.deepEqual(r.last(), [a, [0, 1], false, undefined]);

    const flatten = bind('flatten', r.impl);
    flatten(a);
    assert.deepEqual(r.last(), [a, 0, -1, undefined]);
  });

  test(`[${mode}] keyword arguments by name in a trailing plain object`, () => {
    const r = recorder();
    const sum = bind('sum', r.impl);
    sum(a, { axis: 1, keepdims: true });
    assert.deepEqual(r.last(), [a, 1, true, undefined]);
    sum(a, { keepdims: true, stream: cpu });
    assert.deepEqual(r.last(), [a, undefined, true, cpu]);
    sum(a, 2, { stream: s1 });
    assert.deepEqual(r.last(), [a, 2, false, s1]);
    // sum's first parameter is positional-or-keyword at run time (named 'array').
    sum({ array: a, axis: 0 });
    assert.deepEqual(r.last(), [a, 0, false, undefined]);

    const reshape = bind('reshape', r.impl);
    reshape(a, { shape: [2, 3] });
    assert.deepEqual(r.last(), [a, [2, 3], undefined]);
    reshape(a, [6], { stream: cpu });
    assert.deepEqual(r.last(), [a, [6], cpu]);

    const add = bind('add', r.impl);
    add(a, 1, { stream: cpu });
    assert.deepEqual(r.last(), [a, 1, cpu]);
    add(a, 1, {});
    assert.deepEqual(r.last(), [a, 1, undefined]);
  });

  test(`[${mode}] keyword-only parameters cannot be passed positionally`, () => {
    const r = recorder();
    throwsType(() => bind('add', r.impl)(a, b, cpu), '[add] takes 2 positional arguments (3 given)');
    throwsType(() => bind('sum', r.impl)(a, 1, true, cpu), '[sum] takes at most 3 positional arguments (4 given)');
    throwsType(() => bind('sum', r.impl)(a, 1, true, cpu, 5), '[sum] takes at most 3 positional arguments (5 given)');
    // A keyword object after too many positionals is not counted as a positional.
    throwsType(() => bind('sum', r.impl)(a, 1, true, cpu, { axis: 1 }), '[sum] takes at most 3 positional arguments (4 given)');
    throwsType(() => bind('matmul', r.impl)(a, b, s1), '[matmul] takes 2 positional arguments (3 given)');
    throwsType(() => bind('get_active_memory', r.impl)(1), '[get_active_memory] takes 0 positional arguments (1 given)');
    assert.equal(r.calls.length, 0);
  });

  test(`[${mode}] positional-only parameters cannot be passed by name`, () => {
    const r = recorder();
    const add = bind('add', r.impl);
    throwsType(() => add({ a: 1, b: 2 }), "[add] argument 'a' is positional-only and cannot be passed by name");
    throwsType(() => add(1, { b: 2 }), "[add] argument 'b' is positional-only and cannot be passed by name");
    throwsType(() => bind('reshape', r.impl)({ a, shape: [1] }), "[reshape] argument 'a' is positional-only and cannot be passed by name");
    assert.equal(r.calls.length, 0);
  });

  test(`[${mode}] unknown and duplicated keys`, () => {
    const r = recorder();
    const reshape = bind('reshape', r.impl);
    throwsType(() => reshape(a, { shap: [1] }), "[reshape] unknown keyword argument 'shap'");
    // An unknown key is an error even when its value is undefined (it is most likely a typo).
    throwsType(() => reshape(a, [1], { steam: undefined }), "[reshape] unknown keyword argument 'steam'");
    const sum = bind('sum', r.impl);
    throwsType(() => sum(a, 1, { axis: 2 }), "[sum] got multiple values for argument 'axis'");
    throwsType(() => sum(a, { array: a }), "[sum] got multiple values for argument 'array'");
    assert.equal(r.calls.length, 0);
  });

  test(`[${mode}] missing required arguments`, () => {
    const r = recorder();
    throwsType(() => bind('add', r.impl)(1), "[add] missing required argument 'b'");
    throwsType(() => bind('add', r.impl)(), "[add] missing required argument 'a'");
    throwsType(() => bind('reshape', r.impl)(a), "[reshape] missing required argument 'shape'");
    throwsType(() => bind('reshape', r.impl)(a, { stream: cpu }), "[reshape] missing required argument 'shape'");
    throwsType(() => bind('fast.rope', r.impl)(a, 2), "[fast.rope] missing required keyword argument 'traditional'");
    // Positional undefined means "not given", like a JS default parameter.
    throwsType(() => bind('add', r.impl)(a, undefined), "[add] missing required argument 'b'");
    assert.equal(r.calls.length, 0);
  });

  test(`[${mode}] *args collects the extra positionals; **kwargs the extra keys`, () => {
    const r = recorder();
    const reshapeM = bind('array.reshape', r.impl);
    reshapeM(2, 3);
    assert.deepEqual(r.last(), [[2, 3], undefined]);
    reshapeM([2, 3], { stream: cpu });
    assert.deepEqual(r.last(), [[[2, 3]], cpu]);
    const transposeM = bind('array.transpose', r.impl);
    transposeM();
    assert.deepEqual(r.last(), [[], undefined]);
    throwsType(() => reshapeM(2, { shape: [2] }), "[array.reshape] unknown keyword argument 'shape'");

    const bcast = bind('broadcast_arrays', r.impl);
    bcast(a, b, { stream: s1 });
    assert.deepEqual(r.last(), [[a, b], s1]);
    throwsType(() => bcast(a, 'x'), /^\[broadcast_arrays\] argument 'arrays\[1\]' must be array-like .*, got string "x"$/);

    const rt = bind('result_type', r.impl);
    rt(a, f32, 1);
    assert.deepEqual(r.last(), [[a, f32, 1]]);
    // No keyword-capable parameter: a trailing plain object is just another positional.
    throwsType(() => rt(a, { x: 1 }), /^\[result_type\] argument 'args\[1\]' must be .*, got object \{x\}$/);
    const e = throwsType(() => rt(a, 'float32'), /argument 'args\[1\]' must be/);
    assert.match(e.message, /\(dtypes are objects such as mx\.float32, not strings\)$/);

    const savez = bind('savez', r.impl);
    savez('f.npz', a, b, { w: a, skip: undefined });
    assert.deepEqual(r.last(), ['f.npz', [a, b], { w: a }]);
    savez('f.npz');
    assert.deepEqual(r.last(), ['f.npz', [], {}]);
    savez({ file: 'g.npz', x: b });
    assert.deepEqual(r.last(), ['g.npz', [], { x: b }]);
    throwsType(() => savez('f.npz', { file: 'g' }), "[savez] got multiple values for argument 'file'");
  });

  test(`[${mode}] overloads: arange picks the first overload that binds and type-checks`, () => {
    const r = recorder();
    const arange = bind('arange', r.impl);
    // Values are padded to the longest overload (5 params); the index comes last.
    arange(5);
    assert.deepEqual(r.last(), [5, undefined, undefined, undefined, undefined, 1]);
    arange(1, 5);
    assert.deepEqual(r.last(), [1, 5, undefined, undefined, undefined, 0]);
    arange(0, 10, 2, f32);
    assert.deepEqual(r.last(), [0, 10, 2, f32, undefined, 0]);
    arange(5, { dtype: i32 });
    assert.deepEqual(r.last(), [5, undefined, i32, undefined, undefined, 1]);
    arange(2.5, { step: 0.5, stream: cpu });
    assert.deepEqual(r.last(), [2.5, 0.5, undefined, cpu, undefined, 1]);
    arange({ start: 0, stop: 3 });
    assert.deepEqual(r.last(), [0, 3, undefined, undefined, undefined, 0]);
    arange({ stop: 3 });
    assert.deepEqual(r.last(), [3, undefined, undefined, undefined, undefined, 1]);
    arange(1n, 4n);
    assert.deepEqual(r.last(), [1n, 4n, undefined, undefined, undefined, 0]);

    // Both overloads fail: the type error (furthest) is reported, with the overload list.
    let e = throwsType(() => arange(0, 10, { dtype: 'float32' }), /^\[arange\] argument 'dtype' must be a Dtype such as mx\.float32 or null, got string "float32" \(dtypes are objects such as mx\.float32, not strings\); overloads: /);
    assert.ok(e.message.endsWith('overloads: arange(start, stop, step=None, dtype=None, *, stream=None) | arange(stop, step=None, dtype=None, *, stream=None)'));
    e = throwsType(() => arange(), /^\[arange\] missing required argument 'start'; overloads: /);
    throwsType(() => arange('a'), /^\[arange\] argument 'start' must be a number, got string "a"/);
    throwsType(() => arange(1, 2, 3, f32, 5), /^\[arange\] takes at most 4 positional arguments \(5 given\)/);
    throwsType(() => arange(1, 2, 3, f32, 5, { stream: cpu }), /^\[arange\] takes at most 4 positional arguments \(5 given\)/);
  });

  test(`[${mode}] type checks from the annotations`, () => {
    const r = recorder();
    const zeros = bind('zeros', r.impl);
    zeros(3);
    assert.equal(r.last()[0], 3);
    zeros([2, 3n]);
    assert.deepEqual(r.last()[0], [2, 3n]);
    zeros([]);
    assert.deepEqual(r.last()[0], []);
    throwsType(() => zeros(2.5), "[zeros] argument 'shape' must be an integer or an Array of integers, got number 2.5");
    throwsType(() => zeros(true), "[zeros] argument 'shape' must be an integer or an Array of integers, got boolean true");
    throwsType(() => zeros([2, 1.5]), "[zeros] argument 'shape' must be an integer or an Array of integers, got Array(2)");
    throwsType(() => zeros('3'), '[zeros] argument \'shape\' must be an integer or an Array of integers, got string "3"');
    throwsType(() => zeros(3, 'float32'), '[zeros] argument \'dtype\' must be a Dtype such as mx.float32 or null, got string "float32" (dtypes are objects such as mx.float32, not strings)');
    throwsType(() => zeros(3, { dtype: 'int32' }), /^\[zeros\] argument 'dtype' must be a Dtype .*got string "int32" \(dtypes are objects/);

    // Python's reshape takes Sequence[int] only (no bare int).
    throwsType(() => bind('reshape', r.impl)(a, 6), "[reshape] argument 'shape' must be an Array of integers, got number 6");

    const flatten = bind('flatten', r.impl);
    flatten(a, 1n, -1);
    assert.deepEqual(r.last(), [a, 1n, -1, undefined]);
    throwsType(() => flatten(a, 1.5), "[flatten] argument 'start_axis' must be an integer, got number 1.5");
    throwsType(() => flatten(a, false), "[flatten] argument 'start_axis' must be an integer, got boolean false");

    throwsType(() => bind('sum', r.impl)(a, { keepdims: 1 }), "[sum] argument 'keepdims' must be a boolean, got number 1");
    throwsType(() => bind('add', r.impl)(a, b, { stream: 'cpu' }), '[add] argument \'stream\' must be a Stream, a Device (such as mx.cpu) or null, got string "cpu"');
    throwsType(() => bind('add', r.impl)('x', 1), /^\[add\] argument 'a' must be array-like \(mx\.array, number, bigint, boolean, Array or TypedArray\), got string "x"$/);
    throwsType(() => bind('add', r.impl)(a, new Map()), /^\[add\] argument 'b' must be array-like .*, got Map instance$/);
    throwsType(() => bind('astype', r.impl)(a, 'float32'), /^\[astype\] argument 'dtype' must be a Dtype such as mx\.float32, got string "float32" \(dtypes are objects/);
    throwsType(() => bind('set_default_stream', r.impl)(cpu), "[set_default_stream] argument 'stream' must be a Stream, got Device");
    throwsType(() => bind('set_memory_limit', r.impl)(1.5), "[set_memory_limit] argument 'limit' must be an integer, got number 1.5");
    throwsType(() => bind('pad', r.impl)(a, 1, 'wrap'), /^\[pad\] argument 'mode' must be one of 'constant', 'edge', 'reflect', 'symmetric', got string "wrap"$/);
    throwsType(() => bind('conv2d', r.impl)(a, b, [1, 1, 1]), /^\[conv2d\] argument 'stride' must be an integer or an Array of 2 \(an integer, an integer\), got Array\(3\)$/);

    // Array-likes: mx.array, numbers, bigint, booleans, nested Arrays and TypedArrays.
    const add = bind('add', r.impl);
    for (const x of [a, 1, 2.5, 3n, true, [1, [2]], new Float32Array(2), new BigInt64Array(1)]) {
      add(x, x);
      assert.equal(r.last()[0], x);
    }
    // Unknown annotations accept anything (vmap's in_axes is `object`).
    bind('vmap', r.impl)(() => 0, 'anything', Symbol.iterator);
    assert.equal(r.last()[1], 'anything');
    // checkTypes: false turns the checks off.
    bind('zeros', r.impl, { checkTypes: false })('not a shape');
    assert.equal(r.last()[0], 'not a shape');
  });

  test(`[${mode}] null is Python None (reaches impl as undefined); undefined is "not given"`, () => {
    const r = recorder();
    const zeros = bind('zeros', r.impl);
    zeros(3);
    assert.deepEqual(r.last()[1], { py: 'float32' }); // marker: no resolveDefault hook here
    zeros(3, undefined);
    assert.deepEqual(r.last()[1], { py: 'float32' });
    zeros(3, { dtype: undefined });
    assert.deepEqual(r.last()[1], { py: 'float32' });
    zeros(3, null);
    assert.equal(r.last()[1], undefined);
    assert.equal(r.last().length, 3);
    zeros(3, { dtype: null });
    assert.equal(r.last()[1], undefined);
    zeros(3, f32, { stream: null });
    assert.deepEqual(r.last(), [3, f32, undefined]);

    const sum = bind('sum', r.impl);
    sum(a, null, true);
    assert.deepEqual(r.last(), [a, undefined, true, undefined]);
    sum(a, undefined, true);
    assert.deepEqual(r.last(), [a, undefined, true, undefined]);
    // Not Optional: null is rejected like Python's None.
    throwsType(() => bind('flatten', r.impl)(a, null), "[flatten] argument 'start_axis' must be an integer, got null");
    throwsType(() => bind('add', r.impl)(a, null), /^\[add\] argument 'b' must be array-like .*, got null$/);
    // A required parameter that allows None: null counts as given.
    const arange = bind('arange', r.impl);
    arange(1, null);
    assert.deepEqual(r.last(), [1, undefined, undefined, undefined, undefined, 0]);
  });

  test(`[${mode}] the options object is only a plain object, and only where keywords exist`, () => {
    const r = recorder();
    const add = bind('add', r.impl);
    const sum = bind('sum', r.impl);
    const zeros = bind('zeros', r.impl);
    // Arrays and TypedArrays are values.
    zeros([2, 3]);
    assert.deepEqual(r.last(), [[2, 3], { py: 'float32' }, undefined]);
    const ta = new Float32Array(3);
    add(a, ta);
    assert.equal(r.last()[1], ta);
    // Class instances are values.
    add(a, b);
    assert.equal(r.last()[1], b);
    class Opts { constructor() { this.stream = cpu; } }
    throwsType(() => add(a, new Opts()), /^\[add\] argument 'b' must be array-like .*, got Opts instance$/);
    // An object whose prototype is another object is not plain, even if its constructor is Object.
    const derived = Object.create({ axis: 1 });
    throwsType(() => sum(a, derived), /^\[sum\] argument 'axis' must be an integer, an Array of integers or null, got object$/);
    // Null-prototype objects are plain.
    const np = Object.create(null);
    np.axis = 2;
    sum(a, np);
    assert.deepEqual(r.last(), [a, 2, false, undefined]);
    // A plain object with an own 'constructor' key is still detected under **kwargs.
    const savez = bind('savez', r.impl);
    savez('f', { constructor: a });
    assert.deepEqual(r.last(), ['f', [], { constructor: a }]);
    // No keyword-capable parameter: the plain object is a positional value.
    const getitem = bind('array.__getitem__', r.impl);
    const idx = { start: 1 };
    getitem(idx);
    assert.deepEqual(r.last(), [idx]);
  });

  test(`[${mode}] defaults: options.defaults and the resolveDefault hook`, () => {
    const r = recorder();
    bind('zeros', r.impl, { defaults: { dtype: f32 } })(3);
    assert.equal(r.last()[1], f32);
    bind('flatten', r.impl, { defaults: { end_axis: 5 } })(a);
    assert.deepEqual(r.last(), [a, 0, 5, undefined]);
    // A default on a required parameter makes it optional.
    bind('reshape', r.impl, { defaults: { shape: [-1] } })(a);
    assert.deepEqual(r.last(), [a, [-1], undefined]);

    const normal = bind('random.normal', r.impl);
    normal();
    assert.deepEqual(r.last(), [{ py: '[]' }, { py: 'float32' }, undefined, undefined, undefined, undefined]);
    const seen = [];
    try {
      A.setHooks({
        resolveDefault: (m, p, q) => { seen.push(`${q}.${p.name}=${m.py}`); return m.py === 'float32' ? f32 : m.py === '[]' ? [] : m; },
      });
      normal();
      assert.deepEqual(r.last(), [[], f32, undefined, undefined, undefined, undefined]);
      normal();
      assert.deepEqual(seen, ['random.normal.shape=[]', 'random.normal.dtype=float32']); // once, not per call
      normal([2], i32);
      assert.deepEqual(r.last(), [[2], i32, undefined, undefined, undefined, undefined]);
    } finally {
      A.setHooks(HOOKS);
    }
    normal();
    assert.deepEqual(r.last()[1], { py: 'float32' }); // re-resolved after setHooks
  });

  test(`[${mode}] this is forwarded; errors point at the caller`, () => {
    const r = recorder();
    const astype = bind('array.astype', r.impl);
    const self = { me: 1 };
    astype.call(self, f32);
    assert.equal(r.calls[0].self, self);
    assert.deepEqual(r.last(), [f32, undefined]);
    const arange = bind('arange', r.impl);
    arange.call(self, 3);
    assert.equal(r.calls[1].self, self);

    assert.equal(bind('add', r.impl).name, 'add');
    assert.equal(bind('random.normal', r.impl).name, 'normal');
    const e = throwsType(() => bind('add', r.impl)(1), /missing/);
    const firstFrame = e.stack.split('\n').find((l) => l.trim().startsWith('at '));
    assert.ok(!firstFrame.includes('lib/args.js'), firstFrame);
    // options.name changes the error prefix.
    throwsType(() => bind('array.__init__', r.impl, { name: 'array' })(), "[array] missing required argument 'val'");
  });

  test(`[${mode}] every table entry binds; calls either reach impl or throw a TypeError`, () => {
    let reached = 0;
    for (const name of A.names()) {
      const f = bind(name, () => { reached++; });
      for (const argv of [[], [a], [a, b], [a, { stream: cpu }], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]) {
        try { f(...argv); } catch (e) {
          assert.equal(e.constructor, TypeError, `${name}: ${e.message}`);
          assert.ok(e.message.startsWith(`[${name}] `), e.message);
        }
      }
    }
    assert.ok(reached > 200, `only ${reached} calls reached impl`);
  });
}

test('signature() and the table', () => {
  const add = A.signature('add');
  assert.equal(add.length, 1);
  assert.deepEqual(add[0].params.map((p) => [p.name, p.kind, p.hasDef, p.type]),
    [['a', 'pos', false, 'scalar | array'], ['b', 'pos', false, 'scalar | array'], ['stream', 'kw', true, 'StreamOrDevice']]);
  assert.ok(Object.isFrozen(add) && Object.isFrozen(add[0]) && Object.isFrozen(add[0].params[0]));
  assert.equal(A.signature('arange').length, 2);
  assert.equal(A.signature('acos')[0].alias_of, 'arccos');
  assert.deepEqual(A.signature('random.normal')[0].params[1].def, { py: 'float32' });
  assert.equal(A.signature('allclose')[0].params[2].def, 1e-5);
  assert.equal(A.signature('fft.fft')[0].params[3].def, 'backward');
  assert.equal(A.signature('fft.fft').length, 1); // duplicate submodule rows are folded
  throwsType(() => A.signature('nope'), "[args] unknown function 'nope'");
  throwsType(() => A.bind('add', 'not a function'), "[args] bind('add'): impl must be a function");
});

test('formatSignature and describe', () => {
  assert.equal(A.formatSignature('sum', A.signature('sum')[0]), 'sum(array, axis=None, keepdims=False, *, stream=None)');
  assert.equal(A.formatSignature('add', A.signature('add')[0]), 'add(a, b, /, *, stream=None)');
  assert.equal(A.formatSignature('array.reshape', A.signature('array.reshape')[0]), 'array.reshape(*shape, stream=None)');
  assert.equal(A.formatSignature('savez', A.signature('savez')[0]), 'savez(file, *args, **kwargs)');
  assert.equal(A.formatSignature('zeros', A.signature('zeros')[0]), 'zeros(shape, dtype=float32, *, stream=None)');
  assert.equal(A.describe(undefined), 'undefined');
  assert.equal(A.describe(null), 'null');
  assert.equal(A.describe(1.5), 'number 1.5');
  assert.equal(A.describe(3n), 'bigint 3n');
  assert.equal(A.describe(true), 'boolean true');
  assert.equal(A.describe('x'.repeat(50)), `string "${'x'.repeat(37)}..."`);
  assert.equal(A.describe(a), 'mx.array');
  assert.equal(A.describe(f32), 'Dtype mlx.core.float32');
  assert.equal(A.describe(s1), 'Stream');
  assert.equal(A.describe(cpu), 'Device');
  assert.equal(A.describe([1, 2]), 'Array(2)');
  assert.equal(A.describe(new Int32Array(4)), 'Int32Array(4)');
  assert.equal(A.describe({ a: 1, b: 2 }), 'object {a, b}');
  assert.equal(A.describe(function foo() {}), 'function foo');
  assert.equal(A.describe(new Map()), 'Map instance');
  assert.equal(A.describe(Object.create(null)), 'object {}');
  const e = A.parseError('add', 'bad');
  assert.equal(e.constructor, TypeError);
  assert.equal(e.message, '[add] bad');
  assert.equal(A.isPlainObject({}), true);
  assert.equal(A.isPlainObject([]), false);
});

test('setHooks validates its input', () => {
  throwsType(() => A.setHooks(null), 'setHooks expects an object');
  throwsType(() => A.setHooks({ isArry: () => true }), "setHooks: unknown hook 'isArry'");
  throwsType(() => A.setHooks({ isArray: 1 }), "setHooks: 'isArray' must be a function");
});

const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared', 'mlx-api', 'signatures.json');
test('the generated table is up to date with ../shared/mlx-api', { skip: !fs.existsSync(SHARED) && 'no ../shared' }, () => {
  const root = path.resolve(__dirname, '..', '..');
  execFileSync(process.execPath, [path.join(root, 'tools', 'gen_api.js'), '--check'], { stdio: 'pipe' });
  const sigs = JSON.parse(fs.readFileSync(SHARED, 'utf8'));
  for (const k of Object.keys(sigs)) assert.ok(A.table[k], `missing ${k}`);
});

const ROOT = path.resolve(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
test('index.d.ts / core.d.ts are up to date and tests/types type-checks', { skip: !fs.existsSync(TSC) && 'typescript not installed' }, () => {
  execFileSync(process.execPath, [path.join(ROOT, 'tools', 'gen_dts.js'), '--check'], { stdio: 'pipe' });
  execFileSync(process.execPath, [TSC, '-p', path.join(ROOT, 'tests', 'types'), '--noEmit'], { stdio: 'pipe' });
});

test('a **kwargs key named __proto__ is kept as a key, not taken as the prototype', () => {
  const mx = require('../..').core;
  const kw = { b: mx.zeros([1]) };
  Object.defineProperty(kw, '__proto__', { value: mx.arange(3), enumerable: true });
  const back = mx.load(mx.savez(null, kw), { format: 'npz' });
  assert.deepEqual(Object.keys(back).sort(), ['__proto__', 'b']);
  assert.deepEqual(back.__proto__ === Object.prototype ? null : back['__proto__'].tolist(), [0, 1, 2]);
});
