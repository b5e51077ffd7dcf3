// CPU kernels of the primitives in primitives_linalg.h, through the LAPACK (and BLAS) that
// Debian's OpenBLAS carries. The Fortran symbols are declared here (no LAPACKE): arguments by
// pointer, 32-bit integers (OpenBLAS's LP64 build), and gfortran's hidden string lengths passed
// after the arguments for every character argument.
//
// LAPACK is column-major. A row-major matrix is the column-major storage of its transpose, and
// most kernels use that instead of transposing: (A^T)^-1 = (A^-1)^T (inverse), the Cholesky
// factor of the symmetric A^T = A is L^T with the opposite triangle, A^T = V S U^T (svd), the
// left eigenvectors of A^T are the conjugated right eigenvectors of A (eig), and A^T = P L U
// turns A X = B into U^T L^T P^T X = B, three row-major triangular steps (solve). QR and LU
// are the two that need A itself, and copy it column-major.
//
// Batches of tiny matrices are split over the cores (one LAPACK call per matrix); other
// matrices run one at a time and OpenBLAS threads inside each call (see over_batch).
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "mlx/allocator.h"
#include "mlx/primitives_linalg.h"
#include "parallel.h"

using lapack_cplx = std::complex<float>;

extern "C" {
// QR
void sgeqrf_(const int* m, const int* n, float* a, const int* lda, float* tau, float* work,
             const int* lwork, int* info);
void dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work,
             const int* lwork, int* info);
void sorgqr_(const int* m, const int* n, const int* k, float* a, const int* lda, const float* tau,
             float* work, const int* lwork, int* info);
void dorgqr_(const int* m, const int* n, const int* k, double* a, const int* lda, const double* tau,
             double* work, const int* lwork, int* info);
// SVD (divide and conquer)
void sgesdd_(const char* jobz, const int* m, const int* n, float* a, const int* lda, float* s,
             float* u, const int* ldu, float* vt, const int* ldvt, float* work, const int* lwork,
             int* iwork, int* info, size_t);
void dgesdd_(const char* jobz, const int* m, const int* n, double* a, const int* lda, double* s,
             double* u, const int* ldu, double* vt, const int* ldvt, double* work, const int* lwork,
             int* iwork, int* info, size_t);
void cgesdd_(const char* jobz, const int* m, const int* n, lapack_cplx* a, const int* lda, float* s,
             lapack_cplx* u, const int* ldu, lapack_cplx* vt, const int* ldvt, lapack_cplx* work,
             const int* lwork, float* rwork, int* iwork, int* info, size_t);
// LU, inverse
void sgetrf_(const int* m, const int* n, float* a, const int* lda, int* ipiv, int* info);
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void sgetri_(const int* n, float* a, const int* lda, const int* ipiv, float* work, const int* lwork,
             int* info);
void dgetri_(const int* n, double* a, const int* lda, const int* ipiv, double* work,
             const int* lwork, int* info);
void strtri_(const char* uplo, const char* diag, const int* n, float* a, const int* lda, int* info,
             size_t, size_t);
void dtrtri_(const char* uplo, const char* diag, const int* n, double* a, const int* lda, int* info,
             size_t, size_t);
// Cholesky
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t);
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info, size_t);
void spotri_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t);
void dpotri_(const char* uplo, const int* n, double* a, const int* lda, int* info, size_t);
// Eigenproblems
void sgeev_(const char* jobvl, const char* jobvr, const int* n, float* a, const int* lda, float* wr,
            float* wi, float* vl, const int* ldvl, float* vr, const int* ldvr, float* work,
            const int* lwork, int* info, size_t, size_t);
void dgeev_(const char* jobvl, const char* jobvr, const int* n, double* a, const int* lda,
            double* wr, double* wi, double* vl, const int* ldvl, double* vr, const int* ldvr,
            double* work, const int* lwork, int* info, size_t, size_t);
void cgeev_(const char* jobvl, const char* jobvr, const int* n, lapack_cplx* a, const int* lda,
            lapack_cplx* w, lapack_cplx* vl, const int* ldvl, lapack_cplx* vr, const int* ldvr,
            lapack_cplx* work, const int* lwork, float* rwork, int* info, size_t, size_t);
void ssyevd_(const char* jobz, const char* uplo, const int* n, float* a, const int* lda, float* w,
             float* work, const int* lwork, int* iwork, const int* liwork, int* info, size_t,
             size_t);
void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
             double* work, const int* lwork, int* iwork, const int* liwork, int* info, size_t,
             size_t);
void cheevd_(const char* jobz, const char* uplo, const int* n, lapack_cplx* a, const int* lda,
             float* w, lapack_cplx* work, const int* lwork, float* rwork, const int* lrwork,
             int* iwork, const int* liwork, int* info, size_t, size_t);
}

namespace mlx::core {

namespace {

// ---- LAPACK by element type ------------------------------------------------------------------

// Overloads per element type; `info` is LAPACK's.
inline void geqrf(int m, int n, float* a, int lda, float* tau, float* w, int lw, int& info) {
  sgeqrf_(&m, &n, a, &lda, tau, w, &lw, &info);
}
inline void geqrf(int m, int n, double* a, int lda, double* tau, double* w, int lw, int& info) {
  dgeqrf_(&m, &n, a, &lda, tau, w, &lw, &info);
}
inline void orgqr(int m, int n, int k, float* a, int lda, const float* tau, float* w, int lw,
                  int& info) {
  sorgqr_(&m, &n, &k, a, &lda, tau, w, &lw, &info);
}
inline void orgqr(int m, int n, int k, double* a, int lda, const double* tau, double* w, int lw,
                  int& info) {
  dorgqr_(&m, &n, &k, a, &lda, tau, w, &lw, &info);
}
inline void getrf(int m, int n, float* a, int lda, int* ipiv, int& info) {
  sgetrf_(&m, &n, a, &lda, ipiv, &info);
}
inline void getrf(int m, int n, double* a, int lda, int* ipiv, int& info) {
  dgetrf_(&m, &n, a, &lda, ipiv, &info);
}
inline void getri(int n, float* a, int lda, const int* ipiv, float* w, int lw, int& info) {
  sgetri_(&n, a, &lda, ipiv, w, &lw, &info);
}
inline void getri(int n, double* a, int lda, const int* ipiv, double* w, int lw, int& info) {
  dgetri_(&n, a, &lda, ipiv, w, &lw, &info);
}
inline void trtri(char uplo, int n, float* a, int lda, int& info) {
  strtri_(&uplo, "N", &n, a, &lda, &info, 1, 1);
}
inline void trtri(char uplo, int n, double* a, int lda, int& info) {
  dtrtri_(&uplo, "N", &n, a, &lda, &info, 1, 1);
}
inline void potrf(char uplo, int n, float* a, int lda, int& info) {
  spotrf_(&uplo, &n, a, &lda, &info, 1);
}
inline void potrf(char uplo, int n, double* a, int lda, int& info) {
  dpotrf_(&uplo, &n, a, &lda, &info, 1);
}
inline void potri(char uplo, int n, float* a, int lda, int& info) {
  spotri_(&uplo, &n, a, &lda, &info, 1);
}
inline void potri(char uplo, int n, double* a, int lda, int& info) {
  dpotri_(&uplo, &n, a, &lda, &info, 1);
}
inline void trsm(bool upper, bool unit, int n, int k, const float* a, int lda, float* b, int ldb) {
  cblas_strsm(CblasRowMajor, CblasLeft, upper ? CblasUpper : CblasLower, CblasNoTrans,
              unit ? CblasUnit : CblasNonUnit, n, k, 1.0f, a, lda, b, ldb);
}
inline void trsm(bool upper, bool unit, int n, int k, const double* a, int lda, double* b,
                 int ldb) {
  cblas_dtrsm(CblasRowMajor, CblasLeft, upper ? CblasUpper : CblasLower, CblasNoTrans,
              unit ? CblasUnit : CblasNonUnit, n, k, 1.0, a, lda, b, ldb);
}

// The real part of a workspace-size answer, as an int.
inline int work_size(float w) { return std::max(1, int(w)); }
inline int work_size(double w) { return std::max(1, int(w)); }
inline int work_size(lapack_cplx w) { return std::max(1, int(w.real())); }

template <typename T>
struct RealOf {
  using type = T;
};
template <>
struct RealOf<lapack_cplx> {
  using type = float;
};

// ---- memory and batches ----------------------------------------------------------------------

// Scratch memory from the engine's allocator (its cache reuses freed blocks; fresh pages are
// far dearer than the copies into them).
template <typename T>
class Scratch {
 public:
  explicit Scratch(size_t n) : buf_(allocator::malloc(std::max<size_t>(n, 1) * sizeof(T))) {}
  ~Scratch() { allocator::free(buf_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  T* get() { return static_cast<T*>(buf_.ptr); }

 private:
  allocator::Buffer buf_;
};

template <typename T>
T* alloc_out(array& out) {
  out.set_data(allocator::malloc(out.nbytes()));
  return out.data<T>();
}

// One matrix (the last two axes) of a strided array: element strides of rows and columns.
template <typename T>
struct Mat {
  const T* p;
  int64_t rs, cs;
};

template <typename T>
Mat<T> matrix_at(const array& a, size_t b) {
  int nd = a.ndim();
  int64_t off = 0;
  for (int d = nd - 3; d >= 0; --d) {
    size_t n = size_t(a.shape()[d]);
    off += int64_t(b % n) * a.strides()[d];
    b /= n;
  }
  return {a.data<T>() + off, a.strides()[nd - 2], a.strides()[nd - 1]};
}

size_t batch_count(const array& a) {
  size_t n = 1;
  for (int d = 0; d + 2 < a.ndim(); ++d) n *= size_t(a.shape()[d]);
  return n;
}

// dst = the rows x cols matrix m: row-major (leading dimension cols) or column-major
// (leading dimension rows).
template <typename T>
void load(const Mat<T>& m, int rows, int cols, T* dst, bool col_major) {
  if (!col_major) {
    for (int i = 0; i < rows; ++i) {
      const T* src = m.p + i * m.rs;
      T* d = dst + size_t(i) * cols;
      if (m.cs == 1)
        std::memcpy(d, src, sizeof(T) * size_t(cols));
      else
        for (int j = 0; j < cols; ++j) d[j] = src[j * m.cs];
    }
  } else {
    for (int j = 0; j < cols; ++j) {
      const T* src = m.p + j * m.cs;
      T* d = dst + size_t(j) * rows;
      if (m.rs == 1)
        std::memcpy(d, src, sizeof(T) * size_t(rows));
      else
        for (int i = 0; i < rows; ++i) d[i] = src[i * m.rs];
    }
  }
}

// Matrices up to this order are spread over the cores a batch at a time. Larger ones run one
// after another: OpenBLAS threads inside LAPACK's BLAS calls, and two of our threads calling
// it at once measured slower than one (1000 ssyevd of order 16 on the 2-core development
// machine: 120 ms in turn, 190-220 ms from two threads; tiny orders make no BLAS calls worth
// threading).
constexpr int kParallelMaxOrder = 8;

// Runs f(b0, b1) over [0, batch): split over the cores when the matrices (order n) are small,
// else as one call. Threads must not throw: the first exception is kept and rethrown here.
template <typename F>
void over_batch(size_t batch, int64_t n, F&& f) {
  std::exception_ptr err;
  std::mutex mu;
  auto run = [&](size_t b0, size_t b1) {
    try {
      f(b0, b1);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      if (!err) err = std::current_exception();
    }
  };
  if (batch > 1 && n <= kParallelMaxOrder) {
    double flops = double(n) * double(n) * double(n) + 1.0;
    size_t grain = std::max<size_t>(1, size_t(65536.0 / flops));
    cpu::parallel_for(batch, grain, run);
  } else if (batch > 0) {
    run(0, batch);
  }
  if (err) std::rethrow_exception(err);
}

[[noreturn]] void fail(const char* op, const std::string& msg) {
  throw std::runtime_error(std::string("[") + op + "] " + msg);
}

void check_info(int info, const char* op, const char* routine) {
  if (info < 0)
    fail(op, std::string(routine) + " rejected argument " + std::to_string(-info) +
                 " (an internal error).");
}

// ---- QR ----------------------------------------------------------------------------------------

template <typename T>
void qr_impl(const array& a, array& q, array& r, const char* op) {
  int M = a.shape(-2), N = a.shape(-1), K = std::min(M, N);
  T* qo = alloc_out<T>(q);
  T* ro = alloc_out<T>(r);
  if (K == 0) return;
  int lda = M;
  over_batch(batch_count(a), std::max(M, N), [&](size_t b0, size_t b1) {
    int info;
    T query[2];
    geqrf(M, N, static_cast<T*>(nullptr), lda, nullptr, &query[0], -1, info);
    orgqr(M, K, K, static_cast<T*>(nullptr), lda, nullptr, &query[1], -1, info);
    int lwork = std::max(work_size(query[0]), work_size(query[1]));
    Scratch<T> w(size_t(M) * N), tau(K), work(lwork);
    for (size_t b = b0; b < b1; ++b) {
      load(matrix_at<T>(a, b), M, N, w.get(), true);
      geqrf(M, N, w.get(), lda, tau.get(), work.get(), lwork, info);
      check_info(info, op, "geqrf");
      T* rb = ro + b * size_t(K) * N;
      for (int i = 0; i < K; ++i)
        for (int j = 0; j < N; ++j)
          rb[size_t(i) * N + j] = j >= i ? w.get()[i + size_t(j) * M] : T(0);
      orgqr(M, K, K, w.get(), lda, tau.get(), work.get(), lwork, info);
      check_info(info, op, "orgqr");
      T* qb = qo + b * size_t(M) * K;
      for (int i = 0; i < M; ++i)
        for (int j = 0; j < K; ++j) qb[size_t(i) * K + j] = w.get()[i + size_t(j) * M];
    }
  });
}

// ---- SVD ---------------------------------------------------------------------------------------

inline void gesdd(char jobz, int m, int n, float* a, int lda, float* s, float* u, int ldu,
                  float* vt, int ldvt, float* work, int lwork, float*, int* iwork, int& info) {
  sgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, &info, 1);
}
inline void gesdd(char jobz, int m, int n, double* a, int lda, double* s, double* u, int ldu,
                  double* vt, int ldvt, double* work, int lwork, double*, int* iwork, int& info) {
  dgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, &info, 1);
}
inline void gesdd(char jobz, int m, int n, lapack_cplx* a, int lda, float* s, lapack_cplx* u,
                  int ldu, lapack_cplx* vt, int ldvt, lapack_cplx* work, int lwork, float* rwork,
                  int* iwork, int& info) {
  cgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, rwork, iwork, &info, 1);
}

template <typename T>
void identity(T* p, int n) {
  std::fill(p, p + size_t(n) * n, T(0));
  for (int i = 0; i < n; ++i) p[size_t(i) * n + i] = T(1);
}

// LAPACK factors A^T (N x M, column-major = A row-major) as U' S V'^H, so U = the column-major
// V'^H it writes (row-major: conj(V'), which is A's U) and Vt = U' (row-major: U'^T).
template <typename T>
void svd_impl(const array& a, std::vector<array>& outs, bool uv, const char* op) {
  using R = typename RealOf<T>::type;
  int M = a.shape(-2), N = a.shape(-1), K = std::min(M, N);
  size_t batch = batch_count(a);
  T* uo = uv ? alloc_out<T>(outs[0]) : nullptr;
  R* so = alloc_out<R>(outs[uv ? 1 : 0]);
  T* vo = uv ? alloc_out<T>(outs[2]) : nullptr;
  if (K == 0) {  // no singular values; U and Vt of a full SVD are identities
    for (size_t b = 0; uv && b < batch; ++b) {
      identity(uo + b * size_t(M) * M, M);
      identity(vo + b * size_t(N) * N, N);
    }
    return;
  }
  char jobz = uv ? 'A' : 'N';
  over_batch(batch, std::max(M, N), [&](size_t b0, size_t b1) {
    int info;
    Scratch<int> iwork(8 * size_t(K));
    size_t mx = std::max(M, N), mn = K;
    size_t lrwork = uv ? std::max(5 * mn * mn + 5 * mn, 2 * mx * mn + 2 * mn * mn + mn) : 7 * mn;
    Scratch<R> rwork(std::is_same_v<T, lapack_cplx> ? lrwork : 1);
    T query;
    T dummy[1];
    gesdd(jobz, N, M, static_cast<T*>(nullptr), N, static_cast<R*>(nullptr), dummy, N, dummy, M,
          &query, -1, rwork.get(), iwork.get(), info);
    check_info(info, op, "gesdd");
    int lwork = work_size(query);
    Scratch<T> w(size_t(M) * N), work(lwork);
    for (size_t b = b0; b < b1; ++b) {
      load(matrix_at<T>(a, b), M, N, w.get(), false);
      T* u = uv ? vo + b * size_t(N) * N : dummy;
      T* vt = uv ? uo + b * size_t(M) * M : dummy;
      gesdd(jobz, N, M, w.get(), N, so + b * size_t(K), u, uv ? N : 1, vt, uv ? M : 1, work.get(),
            lwork, rwork.get(), iwork.get(), info);
      check_info(info, op, "gesdd");
      if (info > 0)
        fail(op,
             "The SVD did not converge (LAPACK gesdd error code " + std::to_string(info) + ").");
    }
  });
}

// ---- inverses ----------------------------------------------------------------------------------

// Zeros the strict lower (upper) triangle of the row-major n x n matrix p.
template <typename T>
void zero_triangle(T* p, int n, bool lower) {
  for (int i = 0; i < n; ++i) {
    T* row = p + size_t(i) * n;
    if (lower)
      std::fill(row, row + i, T(0));
    else
      std::fill(row + i + 1, row + n, T(0));
  }
}

template <typename T>
void inverse_impl(const array& a, array& out, bool tri, bool upper, const char* op) {
  int N = a.shape(-1);
  T* o = alloc_out<T>(out);
  if (N == 0) return;
  over_batch(batch_count(a), N, [&](size_t b0, size_t b1) {
    int info;
    int lwork = 1;
    if (!tri) {
      T query;
      getri(N, static_cast<T*>(nullptr), N, nullptr, &query, -1, info);
      lwork = work_size(query);
    }
    Scratch<int> ipiv(N);
    Scratch<T> work(lwork);
    for (size_t b = b0; b < b1; ++b) {
      T* p = o + b * size_t(N) * N;
      load(matrix_at<T>(a, b), N, N, p, false);  // column-major A^T
      if (tri) {
        // A's lower triangle is A^T's upper one.
        trtri(upper ? 'L' : 'U', N, p, N, info);
        check_info(info, op, "trtri");
        zero_triangle(p, N, upper);
        if (info > 0)
          fail(op, "Triangular inversion failed with error code " + std::to_string(info) +
                       ": the matrix is singular.");
        continue;
      }
      getrf(N, N, p, N, ipiv.get(), info);
      check_info(info, op, "getrf");
      if (info > 0)
        fail(op, "LU factorization failed with error code " + std::to_string(info) +
                     ": the matrix is singular.");
      getri(N, p, N, ipiv.get(), work.get(), lwork, info);
      check_info(info, op, "getri");
      if (info > 0) fail(op, "Inversion failed with error code " + std::to_string(info) + ".");
    }
  });
}

// ---- Cholesky ----------------------------------------------------------------------------------

template <typename T>
void cholesky_impl(const array& a, array& out, bool upper, const char* op) {
  int N = a.shape(-1);
  T* o = alloc_out<T>(out);
  if (N == 0) return;
  over_batch(batch_count(a), N, [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; ++b) {
      T* p = o + b * size_t(N) * N;
      load(matrix_at<T>(a, b), N, N, p, false);
      int info;
      // The factor of A^T = A: LAPACK's upper factor is the row-major lower one.
      potrf(upper ? 'L' : 'U', N, p, N, info);
      check_info(info, op, "potrf");
      // As MLX, a matrix that is not positive definite (info > 0) is not reported.
      zero_triangle(p, N, upper);
    }
  });
}

template <typename T>
void cholesky_inverse_impl(const array& a, array& out, bool upper, const char* op) {
  int N = a.shape(-1);
  T* o = alloc_out<T>(out);
  if (N == 0) return;
  over_batch(batch_count(a), N, [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; ++b) {
      T* p = o + b * size_t(N) * N;
      load(matrix_at<T>(a, b), N, N, p, false);
      int info;
      potri(upper ? 'L' : 'U', N, p, N, info);
      check_info(info, op, "potri");
      if (info > 0)
        fail(op, "Triangular inversion failed with error code " + std::to_string(info) +
                     ": the factor is singular.");
      // potri fills the row-major upper (lower) triangle: mirror it.
      for (int i = 0; i < N; ++i)
        for (int j = i + 1; j < N; ++j) {
          if (upper)
            p[size_t(j) * N + i] = p[size_t(i) * N + j];
          else
            p[size_t(i) * N + j] = p[size_t(j) * N + i];
        }
    }
  });
}

// ---- eigenproblems -----------------------------------------------------------------------------

inline void geev_vals(char jobvl, int n, float* a, float* wr, float* wi, lapack_cplx*, float* vl,
                      int ldvl, float* work, int lwork, float*, int& info) {
  int one = 1;
  sgeev_(&jobvl, "N", &n, a, &n, wr, wi, vl, &ldvl, nullptr, &one, work, &lwork, &info, 1, 1);
}
inline void geev_vals(char jobvl, int n, double* a, double* wr, double* wi, lapack_cplx*,
                      double* vl, int ldvl, double* work, int lwork, double*, int& info) {
  int one = 1;
  dgeev_(&jobvl, "N", &n, a, &n, wr, wi, vl, &ldvl, nullptr, &one, work, &lwork, &info, 1, 1);
}
inline void geev_vals(char jobvl, int n, lapack_cplx* a, float*, float*, lapack_cplx* w,
                      lapack_cplx* vl, int ldvl, lapack_cplx* work, int lwork, float* rwork,
                      int& info) {
  int one = 1;
  cgeev_(&jobvl, "N", &n, a, &n, w, vl, &ldvl, nullptr, &one, work, &lwork, rwork, &info, 1, 1);
}

// LAPACK gets A^T (A row-major) and returns its left eigenvectors u (u^H A^T = l u^H), whose
// conjugates are A's right eigenvectors (A conj(u) = l conj(u)). For real input a complex pair
// (l, conj l) comes as columns (re, im) of u for l: A's vector for l is re - i im.
template <typename T>
void eig_impl(const array& a, std::vector<array>& outs, bool vectors, const char* op) {
  using R = typename RealOf<T>::type;
  constexpr bool cplx = std::is_same_v<T, lapack_cplx>;
  int N = a.shape(-1);
  complex64_t* vals = alloc_out<complex64_t>(outs[0]);
  complex64_t* vecs = vectors ? alloc_out<complex64_t>(outs[1]) : nullptr;
  if (N == 0) return;
  char jobvl = vectors ? 'V' : 'N';
  over_batch(batch_count(a), N, [&](size_t b0, size_t b1) {
    int info;
    T query;
    Scratch<R> rwork(cplx ? 2 * size_t(N) : 1);
    geev_vals(jobvl, N, static_cast<T*>(nullptr), nullptr, nullptr, nullptr, nullptr, N, &query, -1,
              rwork.get(), info);
    check_info(info, op, "geev");
    int lwork = work_size(query);
    Scratch<T> w(size_t(N) * N), work(lwork), vl(vectors ? size_t(N) * N : 1);
    Scratch<R> wr(N), wi(N);
    Scratch<lapack_cplx> wc(N);
    for (size_t b = b0; b < b1; ++b) {
      load(matrix_at<T>(a, b), N, N, w.get(), false);
      geev_vals(jobvl, N, w.get(), wr.get(), wi.get(), wc.get(), vl.get(), vectors ? N : 1,
                work.get(), lwork, rwork.get(), info);
      check_info(info, op, "geev");
      if (info > 0)
        fail(op, "The QR algorithm failed to compute all the eigenvalues (LAPACK geev error code " +
                     std::to_string(info) + ").");
      complex64_t* vb = vals + b * size_t(N);
      for (int i = 0; i < N; ++i) {
        if constexpr (cplx)
          vb[i] = wc.get()[i];
        else
          vb[i] = complex64_t(float(wr.get()[i]), float(wi.get()[i]));
      }
      if (!vectors) continue;
      complex64_t* ob = vecs + b * size_t(N) * N;  // ob[r * N + c]: component r of vector c
      const T* u = vl.get();
      for (int c = 0; c < N; ++c) {
        if constexpr (cplx) {
          for (int r = 0; r < N; ++r) ob[size_t(r) * N + c] = std::conj(u[r + size_t(c) * N]);
        } else {
          if (wi.get()[c] != 0 && c + 1 < N) {
            for (int r = 0; r < N; ++r) {
              float re = float(u[r + size_t(c) * N]), im = float(u[r + size_t(c + 1) * N]);
              ob[size_t(r) * N + c] = complex64_t(re, -im);
              ob[size_t(r) * N + c + 1] = complex64_t(re, im);
            }
            ++c;
          } else {
            for (int r = 0; r < N; ++r)
              ob[size_t(r) * N + c] = complex64_t(float(u[r + size_t(c) * N]), 0.f);
          }
        }
      }
    }
  });
}

inline void syevd(char jobz, char uplo, int n, float* a, float* w, float* work, int lwork, float*,
                  int, int* iwork, int liwork, int& info) {
  ssyevd_(&jobz, &uplo, &n, a, &n, w, work, &lwork, iwork, &liwork, &info, 1, 1);
}
inline void syevd(char jobz, char uplo, int n, double* a, double* w, double* work, int lwork,
                  double*, int, int* iwork, int liwork, int& info) {
  dsyevd_(&jobz, &uplo, &n, a, &n, w, work, &lwork, iwork, &liwork, &info, 1, 1);
}
inline void syevd(char jobz, char uplo, int n, lapack_cplx* a, float* w, lapack_cplx* work,
                  int lwork, float* rwork, int lrwork, int* iwork, int liwork, int& info) {
  cheevd_(&jobz, &uplo, &n, a, &n, w, work, &lwork, rwork, &lrwork, iwork, &liwork, &info, 1, 1);
}

// LAPACK gets A^T: A itself for a symmetric A, conj(A) for a Hermitian one (whose
// eigenvectors are the conjugates of A's); A's lower triangle is A^T's upper one.
template <typename T>
void eigh_impl(const array& a, std::vector<array>& outs, bool upper, bool vectors, const char* op) {
  using R = typename RealOf<T>::type;
  int N = a.shape(-1);
  R* vals = alloc_out<R>(outs[0]);
  T* vecs = vectors ? alloc_out<T>(outs[1]) : nullptr;
  if (N == 0) return;
  char jobz = vectors ? 'V' : 'N', uplo = upper ? 'L' : 'U';
  over_batch(batch_count(a), N, [&](size_t b0, size_t b1) {
    int info, iquery = 0;
    T query;
    R rquery = 0;
    syevd(jobz, uplo, N, static_cast<T*>(nullptr), nullptr, &query, -1, &rquery, -1, &iquery, -1,
          info);
    check_info(info, op, "syevd");
    int lwork = work_size(query), lrwork = std::max(1, int(rquery)), liwork = std::max(1, iquery);
    Scratch<T> w(size_t(N) * N), work(lwork);
    Scratch<R> rwork(lrwork);
    Scratch<int> iwork(liwork);
    for (size_t b = b0; b < b1; ++b) {
      load(matrix_at<T>(a, b), N, N, w.get(), false);
      syevd(jobz, uplo, N, w.get(), vals + b * size_t(N), work.get(), lwork, rwork.get(), lrwork,
            iwork.get(), liwork, info);
      check_info(info, op, "syevd");
      if (info > 0)
        fail(op,
             "The eigensolver did not converge (LAPACK error code " + std::to_string(info) + ").");
      if (!vectors) continue;
      T* ob = vecs + b * size_t(N) * N;
      const T* z = w.get();  // column c of z is vector c
      for (int r = 0; r < N; ++r)
        for (int c = 0; c < N; ++c) {
          T v = z[r + size_t(c) * N];
          if constexpr (std::is_same_v<T, lapack_cplx>) v = std::conj(v);
          ob[size_t(r) * N + c] = v;
        }
    }
  });
}

// ---- LU, solve, determinant ------------------------------------------------------------------

// LU of the column-major copy of A; MLX's row indices P (a = L[P] @ U): the identity with the
// interchanges applied in reverse order.
template <typename T>
void luf_impl(const array& a, std::vector<array>& outs, const char* op) {
  int M = a.shape(-2), N = a.shape(-1), K = std::min(M, N);
  T* lu = alloc_out<T>(outs[0]);
  uint32_t* piv = alloc_out<uint32_t>(outs[1]);
  uint32_t* rows = alloc_out<uint32_t>(outs[2]);
  over_batch(batch_count(a), std::max(M, N), [&](size_t b0, size_t b1) {
    Scratch<T> w(size_t(M) * N);
    Scratch<int> ipiv(K);
    for (size_t b = b0; b < b1; ++b) {
      uint32_t* pb = piv + b * size_t(K);
      uint32_t* rb = rows + b * size_t(M);
      for (int i = 0; i < M; ++i) rb[i] = uint32_t(i);
      if (K == 0) continue;
      load(matrix_at<T>(a, b), M, N, w.get(), true);
      int info;
      getrf(M, N, w.get(), M, ipiv.get(), info);
      check_info(info, op, "getrf");  // a singular matrix (info > 0) still has its factors
      T* ob = lu + b * size_t(M) * N;
      for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) ob[size_t(i) * N + j] = w.get()[i + size_t(j) * M];
      for (int j = 0; j < K; ++j) pb[j] = uint32_t(ipiv.get()[j] - 1);
      for (int j = K - 1; j >= 0; --j) std::swap(rb[j], rb[pb[j]]);
    }
  });
}

// A X = B with B, X (N x K) row-major in place in `x`. General: getrf of A^T = P L U, so
// A = U^T L^T P^T: solve with the row-major lower U^T, then the unit upper L^T, then apply P.
template <typename T>
void solve_impl(const array& a, const array& bm, array& out, bool tri, bool upper, const char* op) {
  int N = a.shape(-1), K = bm.shape(-1);
  T* x = alloc_out<T>(out);
  if (N == 0 || K == 0) return;
  over_batch(batch_count(out), N, [&](size_t b0, size_t b1) {
    Scratch<T> w(size_t(N) * N);
    Scratch<int> ipiv(N);
    for (size_t b = b0; b < b1; ++b) {
      T* xb = x + b * size_t(N) * K;
      load(matrix_at<T>(bm, b), N, K, xb, false);
      load(matrix_at<T>(a, b), N, N, w.get(), false);
      if (tri) {
        for (int i = 0; i < N; ++i)
          if (w.get()[size_t(i) * N + i] == T(0))
            fail(op, "Triangular solve failed with error code " + std::to_string(i + 1) +
                         ": the matrix is singular.");
        trsm(upper, false, N, K, w.get(), N, xb, K);
        continue;
      }
      int info;
      getrf(N, N, w.get(), N, ipiv.get(), info);
      check_info(info, op, "getrf");
      if (info > 0)
        fail(op, "LU factorization failed with error code " + std::to_string(info) +
                     ": the matrix is singular.");
      trsm(false, false, N, K, w.get(), N, xb, K);  // U^T: the row-major lower triangle
      trsm(true, true, N, K, w.get(), N, xb, K);    // L^T: the unit upper one
      for (int j = N - 1; j >= 0; --j) {
        int p = ipiv.get()[j] - 1;
        if (p != j)
          std::swap_ranges(xb + size_t(j) * K, xb + size_t(j + 1) * K, xb + size_t(p) * K);
      }
    }
  });
}

// det(A) = det(A^T) from getrf of the row-major copy: the sign from the interchanges and the
// signs of U's diagonal, log|det| as a sum of logs in double.
template <typename T>
void det_impl(const array& a, std::vector<array>& outs, bool log_form, const char* op) {
  int N = a.shape(-1);
  T* o0 = alloc_out<T>(outs[0]);
  T* o1 = log_form ? alloc_out<T>(outs[1]) : nullptr;
  over_batch(batch_count(a), N, [&](size_t b0, size_t b1) {
    Scratch<T> w(size_t(N) * N);
    Scratch<int> ipiv(std::max(N, 1));
    for (size_t b = b0; b < b1; ++b) {
      load(matrix_at<T>(a, b), N, N, w.get(), false);
      int info;
      getrf(N, N, w.get(), N, ipiv.get(), info);
      check_info(info, op, "getrf");
      int negative = 0;
      bool zero = false;
      double logabs = 0;
      for (int i = 0; i < N; ++i) {
        double d = double(w.get()[size_t(i) * N + i]);
        negative += (ipiv.get()[i] != i + 1) + (d < 0);
        zero = zero || d == 0;
        logabs += std::log(std::abs(d));
      }
      double sign = zero ? 0.0 : (negative % 2 ? -1.0 : 1.0);
      if (zero) logabs = -std::numeric_limits<double>::infinity();
      if (log_form) {
        o0[b] = T(sign);
        o1[b] = T(logabs);
      } else {
        o0[b] = T(sign * std::exp(logabs));
      }
    }
  });
}

[[noreturn]] void bad_dtype(const char* op, const array& a) {
  fail(op, std::string("Unsupported dtype ") + dtype_name(a.dtype()) + ".");
}

// Runs f with a value of the LAPACK element type of a's dtype (float, double and, where the
// routine has a complex form, complex64), or reports the dtype.
template <bool WithComplex, typename F>
void by_lapack_type(const array& a, const char* op, F&& f) {
  if (a.dtype() == float32)
    f(float{});
  else if (a.dtype() == float64)
    f(double{});
  else if (WithComplex && a.dtype() == complex64) {
    if constexpr (WithComplex) f(lapack_cplx{});
  } else
    bad_dtype(op, a);
}

}  // namespace

void QRF::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& a = inputs[0];
  by_lapack_type<false>(a, op_, [&](auto t) {
    using T = decltype(t);
    qr_impl<T>(a, outputs[0], outputs[1], op_);
  });
}

void SVD::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& a = inputs[0];
  by_lapack_type<true>(a, op_, [&](auto t) {
    using T = decltype(t);
    svd_impl<T>(a, outputs, compute_uv_, op_);
  });
}

void Inverse::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& a = inputs[0];
  by_lapack_type<false>(a, op_, [&](auto t) {
    using T = decltype(t);
    inverse_impl<T>(a, outputs[0], tri_, upper_, op_);
  });
}

void Cholesky::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& a = inputs[0];
  by_lapack_type<false>(a, op_, [&](auto t) {
    using T = decltype(t);
    cholesky_impl<T>(a, outputs[0], upper_, op_);
  });
}

void CholeskyInverse::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& a = inputs[0];
  by_lapack_type<false>(a, op_, [&](auto t) {
    using T = decltype(t);
    cholesky_inverse_impl<T>(a, outputs[0], upper_, op_);
  });
}

void Eig::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& a = inputs[0];
  by_lapack_type<true>(a, op_, [&](auto t) {
    using T = decltype(t);
    eig_impl<T>(a, outputs, vectors_, op_);
  });
}

void Eigh::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& a = inputs[0];
  by_lapack_type<true>(a, op_, [&](auto t) {
    using T = decltype(t);
    eigh_impl<T>(a, outputs, upper_, vectors_, op_);
  });
}

void LUF::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& a = inputs[0];
  by_lapack_type<false>(a, op_, [&](auto t) {
    using T = decltype(t);
    luf_impl<T>(a, outputs, op_);
  });
}

void Solve::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& a = inputs[0];
  by_lapack_type<false>(a, op_, [&](auto t) {
    using T = decltype(t);
    solve_impl<T>(a, inputs[1], outputs[0], tri_, upper_, op_);
  });
}

void Determinant::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& a = inputs[0];
  by_lapack_type<false>(a, op_, [&](auto t) {
    using T = decltype(t);
    det_impl<T>(a, outputs, log_form_, op_);
  });
}

}  // namespace mlx::core
