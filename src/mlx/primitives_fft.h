// Primitives of fft.cpp; their CPU kernels are in backend/cpu/fft.cpp.
#pragma once

#include "primitives.h"

namespace mlx::core {

// The discrete Fourier transform over `axes` (distinct, non-negative; order kept) with
// transform lengths n (one per axis). The input's extent along each axis may differ from
// the length the transform reads: it is truncated or zero padded (MLX slices and pads with
// separate ops; reading in place saves those passes). Kinds:
//   complex   complex64 (or float32, read as complex) -> complex64, same lengths
//   real      float32 -> complex64: the last axis becomes n / 2 + 1 (rfftn)
//   real+inv  complex64 -> float32: reads n / 2 + 1 along the last axis, writes n (irfftn)
// The result is multiplied by `scale` (the normalisation of `norm`, 1 / prod(n) included).
class FFT : public UnaryPrimitive {
 public:
  FFT(Stream s, std::vector<int> axes, Shape n, bool inverse, bool real, double scale)
      : UnaryPrimitive(s), axes_(std::move(axes)), n_(std::move(n)), inverse_(inverse), real_(real),
        scale_(scale) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "FFT"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const FFT*>(&o);
    return p && p->axes_ == axes_ && p->n_ == n_ && p->inverse_ == inverse_ && p->real_ == real_ &&
           p->scale_ == scale_;
  }
  const std::vector<int>& axes() const { return axes_; }
  const Shape& lengths() const { return n_; }
  bool inverse() const { return inverse_; }
  bool real() const { return real_; }
  double scale() const { return scale_; }

 private:
  std::vector<int> axes_;
  Shape n_;
  bool inverse_, real_;
  double scale_;
};

}  // namespace mlx::core
