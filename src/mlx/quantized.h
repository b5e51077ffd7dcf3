// Quantization (MLX's quantize, dequantize, quantized_matmul, gather_qmm, qqmm), defined in
// quantized.cpp with CPU kernels in backend/cpu/quantized.cpp. Modes: 'affine' (bits 2, 3, 4,
// 5, 6, 8; group sizes 32, 64, 128; w ~ scale * q + bias), 'mxfp4' (fp4 e2m1 values, e8m0
// scales, groups of 32), 'mxfp8' (fp8 e4m3 values, e8m0 scales, groups of 32) and 'nvfp4'
// (fp4 e2m1 values, e4m3 scales, groups of 16). Packed values lie low bits first in a little-
// endian bit stream of uint32 words, as MLX packs them (bits 3, 5, 6 cross word boundaries).
// Errors are "[op] ..." std::invalid_argument.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ops.h"

namespace mlx::core {

// {w_q (uint32), scales, biases} for 'affine'; {w_q, scales (uint8)} for the fp modes.
std::vector<array> quantize(const array& w, std::optional<int> group_size = std::nullopt,
                            std::optional<int> bits = std::nullopt,
                            const std::string& mode = "affine", StreamOrDevice s = {});

array dequantize(const array& w, const array& scales,
                 const std::optional<array>& biases = std::nullopt,
                 std::optional<int> group_size = std::nullopt,
                 std::optional<int> bits = std::nullopt, const std::string& mode = "affine",
                 std::optional<Dtype> dtype = std::nullopt, StreamOrDevice s = {});

array quantized_matmul(const array& x, const array& w, const array& scales,
                       const std::optional<array>& biases = std::nullopt, bool transpose = true,
                       std::optional<int> group_size = std::nullopt,
                       std::optional<int> bits = std::nullopt,
                       const std::string& mode = "affine", StreamOrDevice s = {});

array gather_qmm(const array& x, const array& w, const array& scales,
                 const std::optional<array>& biases = std::nullopt,
                 std::optional<array> lhs_indices = std::nullopt,
                 std::optional<array> rhs_indices = std::nullopt, bool transpose = true,
                 std::optional<int> group_size = std::nullopt,
                 std::optional<int> bits = std::nullopt, const std::string& mode = "affine",
                 bool sorted_indices = false, StreamOrDevice s = {});

// MLX runs qqmm on CUDA GPUs only: on the CPU this is MLX's error.
array qqmm(const array& x, const array& w, const std::optional<array>& scales = std::nullopt,
           std::optional<int> group_size = std::nullopt, std::optional<int> bits = std::nullopt,
           const std::string& mode = "nvfp4", StreamOrDevice s = {});

}  // namespace mlx::core
