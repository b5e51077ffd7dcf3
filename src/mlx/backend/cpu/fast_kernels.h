// float32 row loops of the mx.fast kernels (backend/cpu/fast.cpp), compiled once per
// instruction set (fast_isa.cpp) and picked at run time with the elementwise table's choice.
// float16/bfloat16 rows are converted to float32 by the caller; float64 has its own loops.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mlx::core::cpu {

struct FastKernels {
  const char* isa;
  // sum of x[i]^2, accumulated in double lanes.
  double (*sumsq_f32)(const float* x, size_t n);
  // sum of (x[i] - shift) and of its square, in double lanes.
  void (*moments_f32)(const float* x, size_t n, float shift, double* s1, double* s2);
  // y = (x * r) * w (w null: y = x * r); each product rounded to float32, as MLX's ops.
  void (*rms_apply_f32)(const float* x, float r, const float* w, float* y, size_t n);
  // y = ((((x - shift) - d) * r) * w) + b with mean = shift + d: x - shift is exact for x near
  // the shift, so a large mean loses nothing to its rounding. w and b may be null.
  void (*ln_apply_f32)(const float* x, float shift, float d, float r, const float* w,
                       const float* b, float* y, size_t n);
  // Rotates `half` pairs: (x[i], x[i + half]), or (x[2i], x[2i + 1]) when traditional, by
  // angles with cosines c and sines s: (a c - b s, a s + b c). y must not overlap x.
  void (*rope_f32)(const float* x, float* y, const float* c, const float* s, size_t half,
                   bool traditional);
  // Attention score rows: x[i] = m[i] ? x[i] : lowest; x[i] += m[i]; x[i] += c; x[i] *= c.
  void (*select_f32)(float* x, const bool* m, size_t n, float lowest);
  void (*add_f32)(float* x, const float* m, size_t n);
  void (*add_scalar_f32)(float* x, float c, size_t n);
  void (*scale_f32)(float* x, float c, size_t n);
  // Products with few rows (M up to ~16), where BLAS spends its time packing: S = alpha Q K^T
  // (Q: M x D, K: N x D) reads each row of K once for all M rows; O = P V (P: M x N,
  // V: N x Dv) reads each row of V once. Rows are `ld*` elements apart.
  void (*qk_f32)(const float* q, int64_t ldq, const float* k, int64_t ldk, float* s,
                 int64_t lds, size_t m, size_t n, size_t d, float alpha);
  void (*pv_f32)(const float* p, int64_t ldp, const float* v, int64_t ldv, float* o,
                 int64_t ldo, size_t m, size_t n, size_t dv);
};

const FastKernels& fast_kernels();

namespace isa_generic {
void fill_fast(FastKernels& t);
}
namespace isa_avx2 {
void fill_fast(FastKernels& t);
}
namespace isa_avx512 {
void fill_fast(FastKernels& t);
}

}  // namespace mlx::core::cpu
