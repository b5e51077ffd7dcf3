// Primitives of fast.cpp; their CPU kernels are in backend/cpu/fast.cpp. Inputs follow MLX's
// fast primitives (so their transforms can be written the same way): inputs have the result
// dtype already and any strides; outputs are row-contiguous.
#pragma once

#include "primitives.h"

namespace mlx::core::fast {

// Inputs {x, weight}: weight 1-D of x.shape(-1), or a 0-d 1 when there is none.
class RMSNorm : public UnaryPrimitive {
 public:
  RMSNorm(Stream s, float eps) : UnaryPrimitive(s), eps_(eps) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "RMSNorm"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const RMSNorm*>(&o);
    return p && p->eps_ == eps_;
  }
  float eps() const { return eps_; }

 private:
  float eps_;
};

// Inputs {x, weight, bias}: 1-D of x.shape(-1), or 0-d (1 and 0) when absent.
class LayerNorm : public UnaryPrimitive {
 public:
  LayerNorm(Stream s, float eps) : UnaryPrimitive(s), eps_(eps) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "LayerNorm"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const LayerNorm*>(&o);
    return p && p->eps_ == eps_;
  }
  float eps() const { return eps_; }

 private:
  float eps_;
};

// Inputs {x, offset (int32/uint32, 1 or B values)[, freqs (float32, dims/2)]}. forward = false
// rotates by -theta (the inverse, for the vjp).
class RoPE : public UnaryPrimitive {
 public:
  RoPE(Stream s, int dims, bool traditional, float base, float scale, bool forward)
      : UnaryPrimitive(s),
        dims_(dims),
        traditional_(traditional),
        base_(base),
        scale_(scale),
        forward_(forward) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "RoPE"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const RoPE*>(&o);
    return p && p->dims_ == dims_ && p->traditional_ == traditional_ && p->base_ == base_ &&
           p->scale_ == scale_ && p->forward_ == forward_;
  }
  int dims() const { return dims_; }
  bool traditional() const { return traditional_; }
  float base() const { return base_; }
  float scale() const { return scale_; }
  bool forward() const { return forward_; }

 private:
  int dims_;
  bool traditional_;
  float base_, scale_;
  bool forward_;
};

// Inputs {q, k, v[, mask][, sinks]}: q (B, Nq, Tq, D), k (B, Nkv, Tkv, D), v (B, Nkv, Tkv, Dv);
// mask (bool or the result dtype) broadcast (a view) to (B, Nq, Tq, Tkv); sinks (Nq,).
class ScaledDotProductAttention : public UnaryPrimitive {
 public:
  ScaledDotProductAttention(Stream s, float scale, bool causal, bool has_mask, bool has_sinks)
      : UnaryPrimitive(s),
        scale_(scale),
        causal_(causal),
        has_mask_(has_mask),
        has_sinks_(has_sinks) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "ScaledDotProductAttention"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const ScaledDotProductAttention*>(&o);
    return p && p->scale_ == scale_ && p->causal_ == causal_ && p->has_mask_ == has_mask_ &&
           p->has_sinks_ == has_sinks_;
  }
  float scale() const { return scale_; }
  bool causal() const { return causal_; }
  bool has_mask() const { return has_mask_; }
  bool has_sinks() const { return has_sinks_; }

 private:
  float scale_;
  bool causal_, has_mask_, has_sinks_;
};

}  // namespace mlx::core::fast
