'use strict';
// The harness of the transform tests: deterministic random inputs, the central-difference
// check of vjp and jvp, and vmap against a loop over the batch. Shared by transforms.test.js
// and the per-group rule tests (grad_*.test.js).
const assert = require('node:assert/strict');
const mx = require('../../../lib').core;
const { rng } = require('./check');

// ---- deterministic random inputs ------------------------------------------------------------

let SEED = 1;
function rand(shape, lo = -1, hi = 1, dtype = mx.float64) {
  const n = shape.reduce((a, b) => a * b, 1);
  const r = rng(SEED++ * 7919);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * r();
  return fromF64(v, shape, dtype);
}
function fromF64(v, shape, dtype = mx.float64) {
  const a = mx.array(v, mx.float64).reshape(shape);
  return dtype === mx.float64 ? a : a.astype(dtype);
}
const f64 = (a) => Float64Array.from(a.astype(mx.float64).toTypedArray(), Number);

// ---- the finite-difference check ------------------------------------------------------------

// Checks the vjp (random cotangent) and jvp (random tangents) of f at the inputs `xs` (the
// arrays to differentiate; f closes over everything else) against central differences.
function checkDerivatives(f, xs, { dtype = mx.float64, rtol = 1e-6, atol = 1e-7, h = 1e-6 } = {}) {
  const shapes = xs.map((x) => x.shape);
  const vals = xs.map(f64);
  const make = (vs) => vs.map((v, i) => fromF64(v, shapes[i], dtype));
  const y0 = f(...make(vals));
  const cot = rand(y0.shape, -1, 1, dtype);
  const cv = f64(cot);
  const dot = (y) => {
    const v = f64(y);
    let s = 0;
    for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) s += v[i] * cv[i];
    return s;
  };
  const [outs, grads] = mx.vjp(f, make(vals), [cot]);
  assert.deepEqual(outs[0].shape, y0.shape);
  for (let k = 0; k < xs.length; k++) {
    assert.deepEqual(grads[k].shape, shapes[k], `vjp shape of input ${k}`);
    const g = f64(grads[k]);
    for (let i = 0; i < vals[k].length; i++) {
      const step = h * Math.max(1, Math.abs(vals[k][i]));
      const p = vals.map((v) => v.slice());
      const m = vals.map((v) => v.slice());
      p[k][i] += step;
      m[k][i] -= step;
      const fd = (dot(f(...make(p))) - dot(f(...make(m)))) / (2 * step);
      assert.ok(Math.abs(g[i] - fd) <= atol + rtol * Math.abs(fd),
        `vjp of input ${k} element ${i}: ${g[i]} vs finite difference ${fd}`);
    }
  }
  const tans = xs.map((x) => rand(x.shape, -1, 1, dtype));
  const tv = tans.map(f64);
  const [, jv] = mx.jvp(f, make(vals), tans);
  const yp = f64(f(...make(vals.map((v, k) => v.map((x, i) => x + h * tv[k][i])))));
  const ym = f64(f(...make(vals.map((v, k) => v.map((x, i) => x - h * tv[k][i])))));
  const j = f64(jv[0]);
  assert.equal(j.length, yp.length, 'jvp size');
  for (let i = 0; i < j.length; i++) {
    if (!Number.isFinite(yp[i])) continue;
    const fd = (yp[i] - ym[i]) / (2 * h);
    assert.ok(Math.abs(j[i] - fd) <= atol + rtol * Math.abs(fd), `jvp element ${i}: ${j[i]} vs finite difference ${fd}`);
  }
}


// fun vmapped over `axes` against a loop over the batch (mx.take of each slice, then stack).
function checkVmap(fun, inputs, axes, msg) {
  const out = mx.vmap(fun, { in_axes: axes })(...inputs);
  const n = inputs[axes.findIndex((a) => a !== null)].shape.at(axes.find((a) => a !== null));
  const per = [];
  for (let i = 0; i < n; i++) {
    per.push(fun(...inputs.map((x, k) => (axes[k] === null ? x : mx.take(x, i, axes[k])))));
  }
  const ref = mx.stack(per, 0);
  assert.deepEqual(out.shape, ref.shape, msg);
  assert.equal(out.dtype, ref.dtype, msg);
  const a = f64(out), r = f64(ref);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - r[i]) <= 1e-5 * (1 + Math.abs(r[i])), `${msg}: element ${i}`);
}


// Runs one labelled check: a failure (a missing rule included) is rethrown with the label.
function runCase(label, fn) {
  try {
    fn();
  } catch (e) {
    e.message = `${label}: ${e.message}`;
    throw e;
  }
}

// Runs check(...case) for every case listed under `key` of every op of `table` (a Map from op
// name to {[key]: [case, ...]}), each labelled "<op> case <i>"; returns how many ran.
function runCases(table, key, check) {
  let cases = 0;
  for (const [name, entry] of table) {
    (entry[key] || []).forEach((c, i) => {
      runCase(`${name} case ${i}`, () => check(...c));
      cases++;
    });
  }
  return cases;
}

module.exports = { rng, rand, fromF64, f64, checkDerivatives, checkVmap, runCase, runCases };
