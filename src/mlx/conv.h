// Convolutions: conv1d/2d/3d, conv_transpose1d/2d/3d, conv_general and convolve (defined in
// conv.cpp; CPU kernels in backend/cpu/conv.cpp). Channels-last, as MLX: input (N, ..., C_in),
// weight (C_out, ..., C_in / groups), output (N, ..., C_out). Floating inputs only; float16 and
// bfloat16 accumulate in float32 (as MLX's CPU backend), float64 in float64.
#pragma once

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ops.h"

namespace mlx::core {

// The general convolution. Each of stride / padding_lo / padding_hi / kernel_dilation /
// input_dilation is empty (its default), one value for every spatial dim, or one per spatial
// dim. Negative padding crops the (undilated) input, as MLX does. flip convolves with the
// spatially reversed kernel (a true convolution instead of a cross-correlation).
array conv_general(array input, array weight, std::vector<int> stride = {},
                   std::vector<int> padding_lo = {}, std::vector<int> padding_hi = {},
                   std::vector<int> kernel_dilation = {}, std::vector<int> input_dilation = {},
                   int groups = 1, bool flip = false, StreamOrDevice s = {});

array conv1d(const array& input, const array& weight, int stride = 1, int padding = 0,
             int dilation = 1, int groups = 1, StreamOrDevice s = {});
array conv2d(const array& input, const array& weight, const std::pair<int, int>& stride = {1, 1},
             const std::pair<int, int>& padding = {0, 0},
             const std::pair<int, int>& dilation = {1, 1}, int groups = 1,
             StreamOrDevice s = {});
array conv3d(const array& input, const array& weight,
             const std::tuple<int, int, int>& stride = {1, 1, 1},
             const std::tuple<int, int, int>& padding = {0, 0, 0},
             const std::tuple<int, int, int>& dilation = {1, 1, 1}, int groups = 1,
             StreamOrDevice s = {});

// Transposed convolutions: the input-gradient of the matching convolution, computed as MLX does
// (a flipped-kernel convolution of the input dilated by `stride`). Output length per spatial
// dim: (L - 1) * stride - 2 * padding + dilation * (K - 1) + 1 + output_padding.
array conv_transpose1d(const array& input, const array& weight, int stride = 1, int padding = 0,
                       int dilation = 1, int output_padding = 0, int groups = 1,
                       StreamOrDevice s = {});
array conv_transpose2d(const array& input, const array& weight,
                       const std::pair<int, int>& stride = {1, 1},
                       const std::pair<int, int>& padding = {0, 0},
                       const std::pair<int, int>& dilation = {1, 1},
                       const std::pair<int, int>& output_padding = {0, 0}, int groups = 1,
                       StreamOrDevice s = {});
array conv_transpose3d(const array& input, const array& weight,
                       const std::tuple<int, int, int>& stride = {1, 1, 1},
                       const std::tuple<int, int, int>& padding = {0, 0, 0},
                       const std::tuple<int, int, int>& dilation = {1, 1, 1},
                       const std::tuple<int, int, int>& output_padding = {0, 0, 0},
                       int groups = 1, StreamOrDevice s = {});

// numpy.convolve of two non-empty 1-D arrays; mode "full", "valid" or "same".
array convolve(const array& a, const array& v, const std::string& mode = "full",
               StreamOrDevice s = {});

namespace detail {
// The implementations behind the functions above; `op` names the public function in errors.
array conv_general_named(const char* op, array input, array weight, std::vector<int> stride,
                         std::vector<int> padding_lo, std::vector<int> padding_hi,
                         std::vector<int> kernel_dilation, std::vector<int> input_dilation,
                         int groups, bool flip, StreamOrDevice s);
array conv_transpose_named(const char* op, const array& input, const array& weight,
                           const std::vector<int>& stride, const std::vector<int>& padding,
                           const std::vector<int>& dilation,
                           const std::vector<int>& output_padding, int groups,
                           StreamOrDevice s);
}  // namespace detail

}  // namespace mlx::core
