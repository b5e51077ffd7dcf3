// float32 row loops of the mx.fast kernels. Compiled once per instruction set (MLX_ISA_NS
// names the namespace), like reduce_isa.cpp: sums are written with independent lanes so the
// compiler vectorises them without reassociating, and without FMA contraction each product
// rounds as MLX's separate ops do.
#include <cstdint>

#include "fast_kernels.h"

#ifndef MLX_ISA_NS
#error "MLX_ISA_NS must name the instruction-set namespace"
#endif

namespace mlx::core::cpu::MLX_ISA_NS {

namespace {

constexpr size_t L = 16;  // double lanes: 2 zmm, 4 ymm or 8 xmm registers

inline double tree(double* acc) {
  for (size_t w = L / 2; w > 0; w /= 2)
    for (size_t j = 0; j < w; ++j) acc[j] += acc[j + w];
  return acc[0];
}

double sumsq_f32(const float* __restrict x, size_t n) {
  alignas(64) double acc[L] = {};
  size_t i = 0;
  for (; i + L <= n; i += L)
    for (size_t j = 0; j < L; ++j) {
      double v = double(x[i + j]);
      acc[j] += v * v;
    }
  double t = tree(acc);
  for (; i < n; ++i) t += double(x[i]) * double(x[i]);
  return t;
}

void moments_f32(const float* __restrict x, size_t n, float shift, double* s1, double* s2) {
  alignas(64) double a1[L] = {}, a2[L] = {};
  const double sh = double(shift);
  size_t i = 0;
  for (; i + L <= n; i += L)
    for (size_t j = 0; j < L; ++j) {
      double d = double(x[i + j]) - sh;  // exact for float32 inputs of similar magnitude
      a1[j] += d;
      a2[j] += d * d;
    }
  double t1 = tree(a1), t2 = tree(a2);
  for (; i < n; ++i) {
    double d = double(x[i]) - sh;
    t1 += d;
    t2 += d * d;
  }
  *s1 = t1;
  *s2 = t2;
}

void rms_apply_f32(const float* __restrict x, float r, const float* __restrict w,
                   float* __restrict y, size_t n) {
  if (w)
    for (size_t i = 0; i < n; ++i) y[i] = (x[i] * r) * w[i];
  else
    for (size_t i = 0; i < n; ++i) y[i] = x[i] * r;
}

void ln_apply_f32(const float* __restrict x, float shift, float d, float r,
                  const float* __restrict w, const float* __restrict b, float* __restrict y,
                  size_t n) {
  if (w && b)
    for (size_t i = 0; i < n; ++i) y[i] = (((x[i] - shift) - d) * r) * w[i] + b[i];
  else if (w)
    for (size_t i = 0; i < n; ++i) y[i] = (((x[i] - shift) - d) * r) * w[i];
  else if (b)
    for (size_t i = 0; i < n; ++i) y[i] = (((x[i] - shift) - d) * r) + b[i];
  else
    for (size_t i = 0; i < n; ++i) y[i] = ((x[i] - shift) - d) * r;
}

void rope_f32(const float* __restrict x, float* __restrict y, const float* __restrict c,
              const float* __restrict s, size_t half, bool traditional) {
  if (traditional) {
    for (size_t i = 0; i < half; ++i) {
      float a = x[2 * i], b = x[2 * i + 1];
      y[2 * i] = a * c[i] - b * s[i];
      y[2 * i + 1] = a * s[i] + b * c[i];
    }
  } else {
    const float* __restrict x2 = x + half;
    float* __restrict y2 = y + half;
    for (size_t i = 0; i < half; ++i) {
      float a = x[i], b = x2[i];
      y[i] = a * c[i] - b * s[i];
      y2[i] = a * s[i] + b * c[i];
    }
  }
}

void select_f32(float* __restrict x, const bool* __restrict m, size_t n, float lowest) {
  const uint8_t* mb = reinterpret_cast<const uint8_t*>(m);
  for (size_t i = 0; i < n; ++i) x[i] = mb[i] ? x[i] : lowest;
}

void add_f32(float* __restrict x, const float* __restrict m, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] += m[i];
}

void add_scalar_f32(float* __restrict x, float c, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] += c;
}

void scale_f32(float* __restrict x, float c, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] *= c;
}

// 8 float32 lanes as a GCC vector: one ymm with AVX2/AVX-512, two xmm otherwise. (Written
// with plain arrays, the four-row dot below came out as shuffles.)
typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));
inline v8 load8(const float* p) { return *reinterpret_cast<const v8u*>(p); }
inline float hsum8(v8 v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

inline float dot(const float* __restrict a, const float* __restrict b, size_t n) {
  v8 c0 = {}, c1 = {};
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    c0 += load8(a + i) * load8(b + i);
    c1 += load8(a + i + 8) * load8(b + i + 8);
  }
  for (; i + 8 <= n; i += 8) c0 += load8(a + i) * load8(b + i);
  float s = hsum8(c0 + c1);
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

// Four dot products against one shared row b (its loads serve all four).
inline void dot4(const float* __restrict a0, const float* __restrict a1,
                 const float* __restrict a2, const float* __restrict a3,
                 const float* __restrict b, size_t n, float* out) {
  v8 c0 = {}, c1 = {}, c2 = {}, c3 = {};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    v8 x = load8(b + i);
    c0 += load8(a0 + i) * x;
    c1 += load8(a1 + i) * x;
    c2 += load8(a2 + i) * x;
    c3 += load8(a3 + i) * x;
  }
  float s0 = hsum8(c0), s1 = hsum8(c1), s2 = hsum8(c2), s3 = hsum8(c3);
  for (; i < n; ++i) {
    s0 += a0[i] * b[i];
    s1 += a1[i] * b[i];
    s2 += a2[i] * b[i];
    s3 += a3[i] * b[i];
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
}

void qk_f32(const float* q, int64_t ldq, const float* k, int64_t ldk, float* s, int64_t lds,
            size_t m, size_t n, size_t d, float alpha) {
  for (size_t j = 0; j < n; ++j) {
    const float* kj = k + int64_t(j) * ldk;
    size_t r = 0;
    for (; r + 4 <= m; r += 4) {
      float o[4];
      const float* q0 = q + int64_t(r) * ldq;
      dot4(q0, q0 + ldq, q0 + 2 * ldq, q0 + 3 * ldq, kj, d, o);
      for (int t = 0; t < 4; ++t) s[int64_t(r + t) * lds + int64_t(j)] = alpha * o[t];
    }
    for (; r < m; ++r) s[int64_t(r) * lds + int64_t(j)] = alpha * dot(q + int64_t(r) * ldq, kj, d);
  }
}

// Rows r0 .. r0 + R - 1 of O = P V: R rows by 16 columns of O stay in registers while every
// row of V streams past once.
template <int R>
void pv_rows(const float* p, int64_t ldp, const float* v, int64_t ldv, float* o, int64_t ldo,
             size_t n, size_t dv) {
  size_t c = 0;
  for (; c + 16 <= dv; c += 16) {
    v8 a0[R] = {}, a1[R] = {};
    for (size_t j = 0; j < n; ++j) {
      const float* vj = v + int64_t(j) * ldv + c;
      v8 x0 = load8(vj), x1 = load8(vj + 8);
      for (int t = 0; t < R; ++t) {
        float pj = p[int64_t(t) * ldp + int64_t(j)];
        a0[t] += pj * x0;
        a1[t] += pj * x1;
      }
    }
    for (int t = 0; t < R; ++t) {
      *reinterpret_cast<v8u*>(o + int64_t(t) * ldo + c) = a0[t];
      *reinterpret_cast<v8u*>(o + int64_t(t) * ldo + c + 8) = a1[t];
    }
  }
  for (; c + 8 <= dv; c += 8) {
    v8 a0[R] = {};
    for (size_t j = 0; j < n; ++j) {
      v8 x0 = load8(v + int64_t(j) * ldv + c);
      for (int t = 0; t < R; ++t) a0[t] += p[int64_t(t) * ldp + int64_t(j)] * x0;
    }
    for (int t = 0; t < R; ++t) *reinterpret_cast<v8u*>(o + int64_t(t) * ldo + c) = a0[t];
  }
  for (; c < dv; ++c)
    for (int t = 0; t < R; ++t) {
      float acc = 0.f;
      for (size_t j = 0; j < n; ++j) acc += p[int64_t(t) * ldp + int64_t(j)] * v[int64_t(j) * ldv + c];
      o[int64_t(t) * ldo + c] = acc;
    }
}

void pv_f32(const float* p, int64_t ldp, const float* v, int64_t ldv, float* o, int64_t ldo,
            size_t m, size_t n, size_t dv) {
  size_t r = 0;
  for (; r + 4 <= m; r += 4) pv_rows<4>(p + int64_t(r) * ldp, ldp, v, ldv, o + int64_t(r) * ldo, ldo, n, dv);
  const float* pr = p + int64_t(r) * ldp;
  float* orow = o + int64_t(r) * ldo;
  switch (m - r) {
    case 3: pv_rows<3>(pr, ldp, v, ldv, orow, ldo, n, dv); break;
    case 2: pv_rows<2>(pr, ldp, v, ldv, orow, ldo, n, dv); break;
    case 1: pv_rows<1>(pr, ldp, v, ldv, orow, ldo, n, dv); break;
    default: break;
  }
}

}  // namespace

void fill_fast(FastKernels& t) {
  t.sumsq_f32 = sumsq_f32;
  t.moments_f32 = moments_f32;
  t.rms_apply_f32 = rms_apply_f32;
  t.ln_apply_f32 = ln_apply_f32;
  t.rope_f32 = rope_f32;
  t.select_f32 = select_f32;
  t.add_f32 = add_f32;
  t.add_scalar_f32 = add_scalar_f32;
  t.scale_f32 = scale_f32;
  t.qk_f32 = qk_f32;
  t.pv_f32 = pv_f32;
}

}  // namespace mlx::core::cpu::MLX_ISA_NS
