// Primitives of ops_contract.cpp: the Walsh-Hadamard transform. Its CPU kernel is in
// backend/cpu/contract.cpp; its transform rules in ops_contract.cpp (the vjp applies the
// transpose, H_m^T (x) H_2^k: H_20 and H_28 are not symmetric).
#pragma once

#include "primitives.h"

namespace mlx::core {

// m of n = m * 2^k (m in 1, 12, 20, 28, k <= 26); 0 where n has no such form.
int hadamard_m(int n);

// scale * H_n x along the last axis, H_n = H_m (x) H_{2^k} (Sylvester order), computed in
// float32 (float64 for float64) with a row-contiguous output.
class Hadamard : public UnaryPrimitive {
 public:
  Hadamard(Stream s, float scale) : UnaryPrimitive(s), scale_(scale) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Hadamard"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Hadamard*>(&o);
    return p && p->scale_ == scale_;
  }
  float scale() const { return scale_; }

 private:
  float scale_;
};

}  // namespace mlx::core
