// float32 inner loops of the reductions and softmax, compiled once per instruction set
// (reduce_isa.cpp) and picked at run time like the elementwise table (kernels.h).
// float16/bfloat16 rows are converted to float32 blocks by the caller.
#pragma once

#include <cstddef>

namespace mlx::core::cpu {

struct ReduceKernels {
  const char* isa;
  // Contiguous rows. sum: blocked float32 lanes, blocks added in double.
  double (*sum_f32)(const float* x, size_t n);
  // max/min propagate NaN (any NaN in the row gives NaN).
  float (*max_f32)(const float* x, size_t n);
  float (*min_f32)(const float* x, size_t n);
  // acc[i] (op)= x[i] over i < n (column reductions); NaN propagates for max/min.
  void (*add_f32)(float* acc, const float* x, size_t n);
  void (*add_f64)(double* acc, const float* x, size_t n);
  void (*maxacc_f32)(float* acc, const float* x, size_t n);
  void (*minacc_f32)(float* acc, const float* x, size_t n);
  // One row: y = exp(x - max) / sum (y may alias x). With a scratch of n floats, y is
  // written once, with non-temporal stores (for outputs larger than the caches).
  void (*softmax_f32)(const float* x, float* y, size_t n, float* scratch);
  // log(sum(exp(x))) of one row: +-inf max gives that max, NaN gives NaN.
  float (*logsumexp_f32)(const float* x, size_t n);
  // y[i] = exp(x[i]) (polynomial, within 2 ulp; 0 below -104, inf above 88.72, NaN kept).
  void (*exp_f32)(const float* x, float* y, size_t n);
};

const ReduceKernels& reduce_kernels();

namespace isa_generic {
void fill_reduce(ReduceKernels& t);
}
namespace isa_avx2 {
void fill_reduce(ReduceKernels& t);
}
namespace isa_avx512 {
void fill_reduce(ReduceKernels& t);
}

}  // namespace mlx::core::cpu
