// mx.fast: fused normalisation, rotary embedding and attention (defined in fast.cpp; CPU
// kernels in backend/cpu/fast.cpp, one primitive and one pass over the data per op).
// The maths is MLX's (mlx/fast.cpp fallbacks): statistics and softmax in float32 for
// float16/bfloat16/float32 inputs, in double for float64. Errors are "[fast.<name>] ..."
// (std::invalid_argument).
#pragma once

#include <optional>
#include <string>

#include "ops.h"

namespace mlx::core::fast {

// x / sqrt(mean(x^2, -1) + eps) * weight over the last axis. weight: 1-D of x.shape(-1), or
// none. The result dtype is promote(x, weight) and must be floating.
array rms_norm(const array& x, const std::optional<array>& weight, float eps,
               StreamOrDevice s = {});

// (x - mean) / sqrt(var + eps) * weight + bias over the last axis (biased variance).
array layer_norm(const array& x, const std::optional<array>& weight,
                 const std::optional<array>& bias, float eps, StreamOrDevice s = {});

// Rotary embedding of the first `dims` features of x (B, *, T, D) at positions
// (t + offset) * scale. Exactly one of base and freqs: frequencies base^(-2i/dims) or 1/freqs.
// offset: an int, or an integer array holding one offset or one per batch element.
// traditional rotates consecutive pairs (2i, 2i+1), otherwise (i, i + dims/2).
array rope(const array& x, int dims, bool traditional, std::optional<float> base, float scale,
           int offset, const std::optional<array>& freqs = std::nullopt, StreamOrDevice s = {});
array rope(const array& x, int dims, bool traditional, std::optional<float> base, float scale,
           const array& offset, const std::optional<array>& freqs = std::nullopt,
           StreamOrDevice s = {});

// softmax(scale * q k^T + mask) v with q (B, Nq, Tq, D), k (B, Nkv, Tkv, D), v (B, Nkv, Tkv, Dv),
// Nq a multiple of Nkv (grouped-query heads). mask_mode "" or "causal" (lower-right aligned:
// query i sees keys j <= i + Tkv - Tq); mask: a boolean (false hides, as MLX, with the dtype's
// lowest value) or additive array broadcastable to (B, Nq, Tq, Tkv). sinks: (Nq,) extra logits
// that join each row's softmax without a value.
array scaled_dot_product_attention(const array& q, const array& k, const array& v, float scale,
                                   const std::string& mask_mode = "",
                                   const std::optional<array>& mask = std::nullopt,
                                   const std::optional<array>& sinks = std::nullopt,
                                   StreamOrDevice s = {});

}  // namespace mlx::core::fast
