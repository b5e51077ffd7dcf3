// The convolution primitive of conv.cpp; its CPU kernel is in backend/cpu/conv.cpp.
#pragma once

#include <vector>

#include "primitives.h"

namespace mlx::core {

// Inputs: input (N, S_1..S_d, C) and weight (O, K_1..K_d, C / groups) of one floating dtype,
// any strides; 1 <= d <= 3. Every parameter vector has d entries: strides >= 1, paddings >= 0,
// dilations >= 1. Output (N, O_1..O_d, O), row-contiguous, where with the input dilated to
// D_i = (S_i - 1) * input_dilation_i + 1 and the kernel to E_i = (K_i - 1) * kernel_dilation_i
// + 1, O_i = (D_i + lo_i + hi_i - E_i) / stride_i + 1 (truncating, as MLX). Positions outside
// the dilated input (padding, holes of the dilation) read as zero.
class Convolution : public UnaryPrimitive {
 public:
  Convolution(Stream s, std::vector<int> kernel_strides, std::vector<int> padding_lo,
              std::vector<int> padding_hi, std::vector<int> kernel_dilation,
              std::vector<int> input_dilation, int groups, bool flip)
      : UnaryPrimitive(s),
        kernel_strides_(std::move(kernel_strides)),
        padding_lo_(std::move(padding_lo)),
        padding_hi_(std::move(padding_hi)),
        kernel_dilation_(std::move(kernel_dilation)),
        input_dilation_(std::move(input_dilation)),
        groups_(groups),
        flip_(flip) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Convolution"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Convolution*>(&o);
    return p && p->kernel_strides_ == kernel_strides_ && p->padding_lo_ == padding_lo_ &&
           p->padding_hi_ == padding_hi_ && p->kernel_dilation_ == kernel_dilation_ &&
           p->input_dilation_ == input_dilation_ && p->groups_ == groups_ && p->flip_ == flip_;
  }

  // The parameters, for the transforms (vjp/jvp/vmap are written with conv_general).
  const std::vector<int>& kernel_strides() const { return kernel_strides_; }
  const std::vector<int>& padding_lo() const { return padding_lo_; }
  const std::vector<int>& padding_hi() const { return padding_hi_; }
  const std::vector<int>& kernel_dilation() const { return kernel_dilation_; }
  const std::vector<int>& input_dilation() const { return input_dilation_; }
  int groups() const { return groups_; }
  bool flip() const { return flip_; }

 private:
  std::vector<int> kernel_strides_;
  std::vector<int> padding_lo_;
  std::vector<int> padding_hi_;
  std::vector<int> kernel_dilation_;
  std::vector<int> input_dilation_;
  int groups_;
  bool flip_;
};

}  // namespace mlx::core
