// Primitives of quantized.cpp; CPU kernels in backend/cpu/quantized.cpp. Inputs arrive
// row-contiguous (the op makes them so); float inputs have the compute dtype already.
#pragma once

#include <optional>

#include "primitives.h"

namespace mlx::core {

enum class QuantMode { Affine, Mxfp4, Mxfp8, Nvfp4 };

class QuantizedPrimitive : public Primitive {
 public:
  QuantizedPrimitive(Stream s, QuantMode mode, int group_size, int bits)
      : Primitive(s), mode_(mode), group_size_(group_size), bits_(bits) {}
  QuantMode mode() const { return mode_; }
  int group_size() const { return group_size_; }
  int bits() const { return bits_; }

 protected:
  bool same_params(const QuantizedPrimitive& o) const {
    return o.mode_ == mode_ && o.group_size_ == group_size_ && o.bits_ == bits_;
  }
  QuantMode mode_;
  int group_size_, bits_;
};

// w (..., K) float -> {w_q (..., K * bits / 32) uint32, scales, [biases]}.
class Quantize : public QuantizedPrimitive {
 public:
  using QuantizedPrimitive::QuantizedPrimitive;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  const char* name() const override { return "Quantize"; }
  MLX_DEFINE_STATE
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Quantize*>(&o);
    return p && same_params(*p);
  }
};

// {w_q, scales, [biases]} -> w in the output dtype.
class Dequantize : public QuantizedPrimitive {
 public:
  using QuantizedPrimitive::QuantizedPrimitive;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  const char* name() const override { return "Dequantize"; }
  MLX_DEFINE_STATE
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  // The dtype the op asked for (the fp modes' node computes in it; vmap rebuilds it).
  void set_out_dtype(Dtype d) { out_dtype_ = d; }
  std::optional<Dtype> out_dtype() const { return out_dtype_; }
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Dequantize*>(&o);
    return p && same_params(*p);
  }
 private:
  std::optional<Dtype> out_dtype_;
};

// {x (B, M, K), w_q, scales, [biases]} with w batched as x (or 2-D) -> (B, M, N).
class QuantizedMatmul : public QuantizedPrimitive {
 public:
  QuantizedMatmul(Stream s, QuantMode mode, int group_size, int bits, bool transpose)
      : QuantizedPrimitive(s, mode, group_size, bits), transpose_(transpose) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  const char* name() const override { return "QuantizedMatmul"; }
  MLX_DEFINE_STATE
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const QuantizedMatmul*>(&o);
    return p && same_params(*p) && p->transpose_ == transpose_;
  }

 private:
  bool transpose_;
};

// {x (Bx, M, K), w_q (Bw, ...), scales, [biases], lhs (I) uint32, rhs (I) uint32} -> (I, M, N):
// out[i] = x[lhs[i]] @ W[rhs[i]]. Indices out of range fail the evaluation.
class GatherQMM : public QuantizedPrimitive {
 public:
  GatherQMM(Stream s, QuantMode mode, int group_size, int bits, bool transpose)
      : QuantizedPrimitive(s, mode, group_size, bits), transpose_(transpose) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  const char* name() const override { return "GatherQMM"; }
  MLX_DEFINE_STATE
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const GatherQMM*>(&o);
    return p && same_params(*p) && p->transpose_ == transpose_;
  }

 private:
  bool transpose_;
};

}  // namespace mlx::core
