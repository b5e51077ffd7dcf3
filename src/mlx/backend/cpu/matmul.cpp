// Matmul through BLAS: float32/float64/complex64 directly, float16/bfloat16 through float32
// (as MLX's CPU backend does), batched over broadcast leading dimensions.
#include <cblas.h>

#include <cstring>
#include <vector>

#include "../../primitives.h"
#include "blas.h"
#include "copy.h"
#include "kernels.h"
#include "strided.h"

namespace mlx::core {

namespace {

// A matrix operand BLAS can read in place: row-major with unit column stride, or
// transposed (unit row stride). Leading dims may be strided or broadcast.
struct MatView {
  bool transposed;
  int64_t ld;
};

bool blas_view(const array& a, MatView& v) {
  int nd = a.ndim();
  int64_t rows = a.shape()[nd - 2], cols = a.shape()[nd - 1];
  int64_t sr = a.strides()[nd - 2], sc = a.strides()[nd - 1];
  if ((sc == 1 || cols == 1) && (sr >= cols || rows == 1)) {
    v = {false, rows == 1 ? std::max<int64_t>(cols, 1) : sr};
    return sr > 0 || rows == 1;
  }
  if ((sr == 1 || rows == 1) && (sc >= rows || cols == 1)) {
    v = {true, cols == 1 ? std::max<int64_t>(rows, 1) : sc};
    return sc > 0 || cols == 1;
  }
  return false;
}

// Offset (in elements) of batch b of an operand with the given batch shape/strides.
int64_t batch_offset(size_t b, const Shape& shape, const Strides& strides, int nbatch) {
  int64_t off = 0;
  for (int d = nbatch - 1; d >= 0; --d) {
    off += int64_t(b % size_t(shape[d])) * strides[d];
    b /= size_t(shape[d]);
  }
  return off;
}

template <typename T>
void gemm(bool ta, bool tb, int M, int N, int K, const T* A, int64_t lda, const T* B,
          int64_t ldb, T* C, int64_t ldc) {
  auto TA = ta ? CblasTrans : CblasNoTrans, TB = tb ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>) {
    cpu::sgemm(TA, TB, M, N, K, 1.f, A, int(lda), B, int(ldb), C, int(ldc));
  } else if constexpr (std::is_same_v<T, double>) {
    cblas_dgemm(CblasRowMajor, TA, TB, M, N, K, 1.0, A, int(lda), B, int(ldb), 0.0, C, int(ldc));
  } else {
    const complex64_t one(1.f, 0.f), zero(0.f, 0.f);
    cblas_cgemm(CblasRowMajor, TA, TB, M, N, K, &one, A, int(lda), B, int(ldb), &zero, C,
                int(ldc));
  }
}

template <typename T>
void matmul_typed(const array& a_in, const array& b_in, array& out) {
  Dtype dt = TypeToDtype<T>::value;
  int nd = out.ndim();
  int M = out.shape()[nd - 2], N = out.shape()[nd - 1], K = a_in.shape()[nd - 1];
  // Operands BLAS cannot read in place (or in another dtype) are copied once.
  array a = a_in, b = b_in;
  MatView va, vb;
  if (a.dtype() != dt || !blas_view(a, va)) {
    a = cpu::contiguous_as(a_in, dt);
    blas_view(a, va);
  }
  if (b.dtype() != dt || !blas_view(b, vb)) {
    b = cpu::contiguous_as(b_in, dt);
    blas_view(b, vb);
  }
  size_t mn = size_t(M) * size_t(N);
  size_t batch = mn ? out.size() / mn : 0;
  if (M == 0 || N == 0) return;
  T* c = out.data<T>();
  if (K == 0) {
    std::fill(c, c + out.size(), T(0));
    return;
  }
  int nbatch = nd - 2;
  for (size_t i = 0; i < batch; ++i) {
    const T* pa = a.data<T>() + batch_offset(i, a.shape(), a.strides(), nbatch);
    const T* pb = b.data<T>() + batch_offset(i, b.shape(), b.strides(), nbatch);
    gemm<T>(va.transposed, vb.transposed, M, N, K, pa, va.ld, pb, vb.ld,
            c + i * size_t(M) * size_t(N), N);
  }
}

}  // namespace

void Matmul::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& a = inputs[0];
  const array& b = inputs[1];
  Dtype dt = out.dtype();
  if (dt == float32 || dt == float64 || dt == complex64) {
    out.set_data(allocator::malloc(out.nbytes()));
    if (dt == float32) matmul_typed<float>(a, b, out);
    else if (dt == float64) matmul_typed<double>(a, b, out);
    else matmul_typed<complex64_t>(a, b, out);
    return;
  }
  // float16 / bfloat16: accumulate in float32, round once at the end.
  array tmp(out.shape(), float32, nullptr, {});
  tmp.set_data(allocator::malloc(tmp.nbytes()));
  matmul_typed<float>(a, b, tmp);
  out.set_data(allocator::malloc(out.nbytes()));
  auto fn = cpu::kernels().convert[float32.index()][dt.index()];
  fn(tmp.data<float>(), out.data<char>(), out.size(), 1);
}

}  // namespace mlx::core
