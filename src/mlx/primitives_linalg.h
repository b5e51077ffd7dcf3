// Primitives of linalg.cpp; their CPU kernels (LAPACK from OpenBLAS) are in
// backend/cpu/linalg.cpp. Inputs have the compute dtype already (float32, float64 or, where
// stated, complex64) and any strides; the matrices are the last two axes, batched over the
// leading ones; every output is row-contiguous. Failures name the op that built the node.
#pragma once

#include <string>

#include "primitives.h"

namespace mlx::core {

// Base of the linalg primitives: `op` is the user-facing name used in evaluation errors.
class LinalgPrimitive : public Primitive {
 public:
  LinalgPrimitive(Stream s, const char* op) : Primitive(s), op_(op) {}
  const char* op() const { return op_; }

 protected:
  const char* op_;
};

// QR: outputs Q (..., M, K) and R (..., K, N).
class QRF : public LinalgPrimitive {
 public:
  using LinalgPrimitive::LinalgPrimitive;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "QRF"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    return dynamic_cast<const QRF*>(&o) != nullptr;
  }
};

// SVD (float32, float64, complex64): outputs {U, S, Vt} (full U and Vt) or {S}.
class SVD : public LinalgPrimitive {
 public:
  SVD(Stream s, const char* op, bool compute_uv)
      : LinalgPrimitive(s, op), compute_uv_(compute_uv) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "SVD"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const SVD*>(&o);
    return p && p->compute_uv_ == compute_uv_;
  }

 private:
  bool compute_uv_;
};

// Inverse of a square matrix; with `tri`, of its lower (upper) triangle, the other triangle of
// the output zero. A singular matrix fails the evaluation.
class Inverse : public LinalgPrimitive {
 public:
  Inverse(Stream s, const char* op, bool tri, bool upper)
      : LinalgPrimitive(s, op), tri_(tri), upper_(upper) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Inverse"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Inverse*>(&o);
    return p && p->tri_ == tri_ && p->upper_ == upper_;
  }

 private:
  bool tri_, upper_;
};

// Cholesky factor (lower, or upper), the other triangle zero.
class Cholesky : public LinalgPrimitive {
 public:
  Cholesky(Stream s, const char* op, bool upper) : LinalgPrimitive(s, op), upper_(upper) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Cholesky"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Cholesky*>(&o);
    return p && p->upper_ == upper_;
  }

 private:
  bool upper_;
};

// The inverse of L L^T (U^T U) from the triangular factor (LAPACK potri); a zero on the
// factor's diagonal fails the evaluation.
class CholeskyInverse : public LinalgPrimitive {
 public:
  CholeskyInverse(Stream s, const char* op, bool upper) : LinalgPrimitive(s, op), upper_(upper) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "CholeskyInverse"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const CholeskyInverse*>(&o);
    return p && p->upper_ == upper_;
  }

 private:
  bool upper_;
};

// General eigenproblem (float32, float64, complex64): outputs the eigenvalues (complex64,
// (..., N)) and, with `vectors`, the right eigenvectors as columns (complex64, (..., N, N)).
class Eig : public LinalgPrimitive {
 public:
  Eig(Stream s, const char* op, bool vectors) : LinalgPrimitive(s, op), vectors_(vectors) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  MLX_DEFINE_VMAP
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Eig"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Eig*>(&o);
    return p && p->vectors_ == vectors_;
  }

 private:
  bool vectors_;
};

// Symmetric / Hermitian eigenproblem reading the lower (upper) triangle: ascending real
// eigenvalues and, with `vectors`, orthonormal eigenvectors as columns (the input dtype).
class Eigh : public LinalgPrimitive {
 public:
  Eigh(Stream s, const char* op, bool upper, bool vectors)
      : LinalgPrimitive(s, op), upper_(upper), vectors_(vectors) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Eigh"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Eigh*>(&o);
    return p && p->upper_ == upper_ && p->vectors_ == vectors_;
  }

 private:
  bool upper_, vectors_;
};

// LU with partial pivoting (getrf): outputs LU (..., M, N), the 0-based pivots (uint32,
// (..., K)) and the row indices P (uint32, (..., M)) with a = L[P] @ U.
class LUF : public LinalgPrimitive {
 public:
  using LinalgPrimitive::LinalgPrimitive;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "LUF"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    return dynamic_cast<const LUF*>(&o) != nullptr;
  }
};

// X with A X = B: inputs A (..., N, N) and B (..., N, K) with equal batch shapes (broadcast
// views); `tri` solves with the lower (upper) triangle of A only. A singular A fails the
// evaluation.
class Solve : public LinalgPrimitive {
 public:
  Solve(Stream s, const char* op, bool tri, bool upper)
      : LinalgPrimitive(s, op), tri_(tri), upper_(upper) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return tri_ ? "SolveTriangular" : "Solve"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Solve*>(&o);
    return p && p->tri_ == tri_ && p->upper_ == upper_;
  }

 private:
  bool tri_, upper_;
};

// Determinant from an LU factorization (float32 or float64 input): outputs {det} or
// {sign, log|det|} (a singular matrix: 0 and -inf), computed in double.
class Determinant : public LinalgPrimitive {
 public:
  Determinant(Stream s, const char* op, bool log_form)
      : LinalgPrimitive(s, op), log_form_(log_form) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return log_form_ ? "SlogDet" : "Det"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Determinant*>(&o);
    return p && p->log_form_ == log_form_;
  }

 private:
  bool log_form_;
};

}  // namespace mlx::core
