// BLAS calls shared by the CPU kernels.
#pragma once

#include <cblas.h>

#include <cstddef>
#include <cstring>

namespace mlx::core::cpu {

// C = alpha * op(A) op(B), row-major. OpenBLAS clears C for beta 0 with a slow generic loop
// (10% of an MLP training step in perf); clearing contiguous rows with memset and accumulating
// with beta 1 gives the same sums, as its kernels add to the cleared C either way.
inline void sgemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int M, int N, int K, float alpha,
                  const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
  float beta = 0.f;
  if (ldc == N && M > 0 && N > 0) {
    std::memset(C, 0, size_t(M) * size_t(N) * sizeof(float));
    beta = 1.f;
  }
  cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

// While alive, OpenBLAS runs each call on its caller's thread only, so that the engine's
// workers can run independent products side by side (with its own threads, two callers at
// once wait on each other). The setting is process-wide: a BLAS call of another stream in the
// meantime also runs on one thread (slower, same result).
class OneBlasThread {
 public:
  OneBlasThread() : saved_(openblas_get_num_threads()) { openblas_set_num_threads(1); }
  ~OneBlasThread() { openblas_set_num_threads(saved_); }
  OneBlasThread(const OneBlasThread&) = delete;
  OneBlasThread& operator=(const OneBlasThread&) = delete;

 private:
  int saved_;
};

}  // namespace mlx::core::cpu
