'use strict';
// Deterministic benchmark inputs shared by the bench scripts (the same bytes on every run and
// for every peer).

// n floats in [-0.5, 0.5) from a linear congruential sequence started at `seed`.
function randomF32(n, seed = 1) {
  const f = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    f[i] = x / 4294967296 - 0.5;
  }
  return f;
}

module.exports = { randomF32 };
