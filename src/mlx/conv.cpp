// Convolutions: checks and graph nodes. The argument handling follows MLX's mlx/ops.cpp
// (conv_general, conv_transpose_general, run_conv_checks) and python/src/ops.cpp (convolve);
// errors carry the public function's name ("[conv2d] ...") where MLX writes "[conv]".
#include "conv.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

#include "ops_common.h"
#include "primitives_conv.h"

namespace mlx::core {

namespace {

using detail::fail;
using detail::shape_str;

std::string ints_str(const std::vector<int>& v) {
  std::ostringstream os;
  os << "(";
  for (size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << v[i];
  os << ")";
  return os.str();
}

// MLX's run_conv_checks: dtype, ranks, and channel counts against groups.
void run_conv_checks(const char* op, const array& in, const array& wt, int n_dim, int groups) {
  if (!is_floating(in.dtype()))
    fail(op, std::string("Invalid input array with type ") + dtype_name(in.dtype()) +
                 ". Convolution currently only supports floating point types");
  if (int(in.ndim()) != n_dim + 2)
    fail(op, "Invalid input array with " + std::to_string(in.ndim()) + " dimensions for " +
                 std::to_string(n_dim) + "D convolution. Expected an array with " +
                 std::to_string(n_dim + 2) + " dimensions following the format [N, ..., C_in].");
  if (int(wt.ndim()) != n_dim + 2)
    fail(op, "Invalid weight array with " + std::to_string(wt.ndim()) + " dimensions for " +
                 std::to_string(n_dim) + "D convolution. Expected an array with " +
                 std::to_string(n_dim + 2) + " dimensions following the format [C_out, ..., C_in].");
  int c_in = in.shape(n_dim + 1);
  if (c_in % groups != 0)
    fail(op, "The input channels must be divisible by the number of groups. Got input with shape " +
                 shape_str(in.shape()) + " and " + std::to_string(groups) + " groups.");
  if (groups > 1 && wt.shape(0) % groups != 0)
    fail(op, "If groups > 1, the output channels must be divisible by the number of groups. Got " +
                 std::to_string(wt.shape(0)) + " output channels and " + std::to_string(groups) +
                 " groups.");
  if (int64_t(c_in) != int64_t(groups) * wt.shape(n_dim + 1)) {
    if (groups == 1)
      fail(op, "Expect the input channels in the input and weight array to match but got shapes - "
               "input: " + shape_str(in.shape()) + " and weight: " + shape_str(wt.shape()));
    fail(op, "Given groups=" + std::to_string(groups) + " and weights of shape " +
                 shape_str(wt.shape()) + ", expected to have " +
                 std::to_string(int64_t(groups) * wt.shape(n_dim + 1)) +
                 " input channels but got " + std::to_string(c_in) + " input channels instead.");
  }
}

// One value for every spatial dim when `v` holds at most one (its default when empty).
void broadcast_param(std::vector<int>& v, int n, int dflt) {
  if (v.size() <= 1) v = std::vector<int>(size_t(n), v.empty() ? dflt : v[0]);
}

// MLX's Convolution::conv_out_shape, with its checks; sizes computed in 64 bits.
Shape conv_out_shape(const char* op, const Shape& in_shape, const Shape& wt_shape,
                     const std::vector<int>& strides, const std::vector<int>& lo,
                     const std::vector<int>& hi, const std::vector<int>& kdil,
                     const std::vector<int>& idil) {
  size_t nd = in_shape.size() - 2;
  std::string d = std::to_string(nd) + "D convolution.";
  if (strides.size() != nd) fail(op, "Invalid strides " + ints_str(strides) + " for " + d);
  if (lo.size() != nd || hi.size() != nd)
    fail(op, "Invalid padding " + ints_str(lo) + " | " + ints_str(hi) + " for " + d);
  if (kdil.size() != nd) fail(op, "Invalid kernel dilation " + ints_str(kdil) + " for " + d);
  if (idil.size() != nd) fail(op, "Invalid input dilation " + ints_str(idil) + " for " + d);
  Shape out(in_shape.size());
  out[0] = in_shape[0];
  for (size_t i = 1; i <= nd; ++i) {
    if (kdil[i - 1] <= 0)
      fail(op, "Kernel dilation sizes must be positive. Got kernel dilation " + ints_str(kdil) + ".");
    if (idil[i - 1] <= 0)
      fail(op, "Input dilation sizes must be positive. Got input dilation " + ints_str(idil) + ".");
    if (lo[i - 1] < 0 || hi[i - 1] < 0)
      fail(op, "Padding sizes must be non-negative. Got padding " + ints_str(lo) + " | " +
                   ints_str(hi) + ".");
    if (strides[i - 1] <= 0)
      fail(op, "Stride sizes must be positive. Got strides " + ints_str(strides) + ".");
    int64_t kd = int64_t(wt_shape[i] - 1) * kdil[i - 1] + 1;
    int64_t id = int64_t(in_shape[i] - 1) * idil[i - 1] + 1;
    // C++ division truncates: MLX keeps one output where the padded input falls short of the
    // dilated kernel by less than a stride (the kernel then reads zeros past the end).
    int64_t q = (id + lo[i - 1] + hi[i - 1] - kd) / strides[i - 1];
    if (q < 0)
      fail(op, "Spatial dimensions of input after padding cannot be smaller than weight spatial "
               "dimensions. Got error at axis " + std::to_string(i) + " for input with shape " +
               shape_str(in_shape) + ", padding low " + ints_str(lo) + ", padding high " +
               ints_str(hi) + ", and weight of shape " + shape_str(wt_shape) + ".");
    if (q + 1 > INT32_MAX) fail(op, "Output spatial dimension is too large.");
    out[i] = int32_t(q + 1);
  }
  out[nd + 1] = wt_shape[0];
  return out;
}

}  // namespace

namespace detail {

array conv_general_named(const char* op, array in, array wt, std::vector<int> stride,
                         std::vector<int> padding_lo, std::vector<int> padding_hi,
                         std::vector<int> kernel_dilation, std::vector<int> input_dilation,
                         int groups, bool flip, StreamOrDevice sd) {
  // A zero or negative group count would divide by zero below (MLX does not check it).
  if (groups < 1) fail(op, "Number of groups must be positive. Got " + std::to_string(groups) + ".");
  if (groups != 1 && in.ndim() != 3 && in.ndim() != 4)
    fail(op, "Can only handle groups != 1 in 1D or 2D convolutions.");
  int spatial_dims = int(in.ndim()) - 2;
  if (spatial_dims < 1 || spatial_dims > 3)
    fail(op, "Only works for inputs with 1-3 spatial dimensions. The inputs must be in the "
             "format [N, ..., C_in]");
  run_conv_checks(op, in, wt, spatial_dims, groups);

  Dtype dt = promote_types(in.dtype(), wt.dtype());
  // A complex weight would promote a real input to complex64, which no kernel computes.
  if (!is_floating(dt))
    fail(op, std::string("Invalid weight array with type ") + dtype_name(wt.dtype()) +
                 ". Convolution currently only supports floating point types");
  Stream s = to_stream(sd);
  in = astype(in, dt, s);
  wt = astype(wt, dt, s);

  broadcast_param(stride, spatial_dims, 1);
  broadcast_param(padding_lo, spatial_dims, 0);
  broadcast_param(padding_hi, spatial_dims, 0);
  broadcast_param(kernel_dilation, spatial_dims, 1);
  broadcast_param(input_dilation, spatial_dims, 1);

  // Negative padding crops the undilated input (as MLX), then counts as zero padding.
  bool crop = false;
  for (size_t i = 0; i < padding_lo.size() && int(i) < spatial_dims; ++i)
    crop |= padding_lo[i] < 0;
  for (size_t i = 0; i < padding_hi.size() && int(i) < spatial_dims; ++i)
    crop |= padding_hi[i] < 0;
  if (crop && padding_lo.size() == size_t(spatial_dims) &&
      padding_hi.size() == size_t(spatial_dims)) {
    Shape starts(in.ndim(), 0);
    Shape stops = in.shape();
    for (int i = 0; i < spatial_dims; ++i) {
      int64_t n = in.shape(i + 1);
      int64_t start = std::min<int64_t>(n, padding_lo[i] < 0 ? -int64_t(padding_lo[i]) : 0);
      int64_t stop = std::max<int64_t>(start, n + std::min(padding_hi[i], 0));
      starts[i + 1] = int32_t(start);
      stops[i + 1] = int32_t(stop);
      padding_lo[i] = std::max(padding_lo[i], 0);
      padding_hi[i] = std::max(padding_hi[i], 0);
    }
    in = slice(in, std::move(starts), std::move(stops), s);
  }

  Shape out_shape = conv_out_shape(op, in.shape(), wt.shape(), stride, padding_lo, padding_hi,
                                   kernel_dilation, input_dilation);
  return array(std::move(out_shape), dt,
               std::make_shared<Convolution>(s, std::move(stride), std::move(padding_lo),
                                             std::move(padding_hi), std::move(kernel_dilation),
                                             std::move(input_dilation), groups, flip),
               {in, wt});
}

array conv_transpose_named(const char* op, const array& in, const array& wt,
                           const std::vector<int>& stride, const std::vector<int>& padding,
                           const std::vector<int>& dilation,
                           const std::vector<int>& output_padding, int groups,
                           StreamOrDevice s) {
  size_t n = padding.size();
  std::vector<int> lo(n, 0), hi(n, 0);
  // The paddings need the spatial sizes; with too few dims conv_general reports the error.
  if (in.ndim() >= int(n) + 2 && wt.ndim() >= int(n) + 2) {
    for (size_t i = 0; i < n; ++i) {
      int64_t k = wt.shape(int(i) + 1), l = in.shape(int(i) + 1);
      int64_t wt_size = 1 + int64_t(dilation[i]) * (k - 1);
      int64_t p_lo = wt_size - padding[i] - 1;
      int64_t conv_out = (l - 1) * stride[i] - 2 * int64_t(padding[i]) +
                         int64_t(dilation[i]) * (k - 1) + 1;
      int64_t out_size = 1 + int64_t(stride[i]) * (l - 1);
      int64_t p_hi = conv_out - out_size + padding[i] + output_padding[i];
      if (p_lo < INT32_MIN || p_lo > INT32_MAX || p_hi < INT32_MIN || p_hi > INT32_MAX)
        fail(op, "Output spatial dimension is too large.");
      lo[i] = int(p_lo);
      hi[i] = int(p_hi);
    }
  }
  return conv_general_named(op, in, wt, std::vector<int>(stride.size(), 1), std::move(lo),
                            std::move(hi), dilation, stride, groups, /* flip = */ true, s);
}

}  // namespace detail

array conv_general(array input, array weight, std::vector<int> stride,
                   std::vector<int> padding_lo, std::vector<int> padding_hi,
                   std::vector<int> kernel_dilation, std::vector<int> input_dilation, int groups,
                   bool flip, StreamOrDevice s) {
  return detail::conv_general_named("conv_general", std::move(input), std::move(weight),
                                    std::move(stride), std::move(padding_lo),
                                    std::move(padding_hi), std::move(kernel_dilation),
                                    std::move(input_dilation), groups, flip, s);
}

array conv1d(const array& in, const array& wt, int stride, int padding, int dilation, int groups,
             StreamOrDevice s) {
  return detail::conv_general_named("conv1d", in, wt, {stride}, {padding}, {padding}, {dilation},
                                    {1}, groups, false, s);
}

array conv2d(const array& in, const array& wt, const std::pair<int, int>& stride,
             const std::pair<int, int>& padding, const std::pair<int, int>& dilation, int groups,
             StreamOrDevice s) {
  std::vector<int> pad{padding.first, padding.second};
  return detail::conv_general_named("conv2d", in, wt, {stride.first, stride.second}, pad, pad,
                                    {dilation.first, dilation.second}, {1, 1}, groups, false, s);
}

array conv3d(const array& in, const array& wt, const std::tuple<int, int, int>& stride,
             const std::tuple<int, int, int>& padding, const std::tuple<int, int, int>& dilation,
             int groups, StreamOrDevice s) {
  auto v = [](const std::tuple<int, int, int>& t) {
    return std::vector<int>{std::get<0>(t), std::get<1>(t), std::get<2>(t)};
  };
  return detail::conv_general_named("conv3d", in, wt, v(stride), v(padding), v(padding),
                                    v(dilation), {1, 1, 1}, groups, false, s);
}

array conv_transpose1d(const array& in, const array& wt, int stride, int padding, int dilation,
                       int output_padding, int groups, StreamOrDevice s) {
  return detail::conv_transpose_named("conv_transpose1d", in, wt, {stride}, {padding},
                                      {dilation}, {output_padding}, groups, s);
}

array conv_transpose2d(const array& in, const array& wt, const std::pair<int, int>& stride,
                       const std::pair<int, int>& padding, const std::pair<int, int>& dilation,
                       const std::pair<int, int>& output_padding, int groups,
                       StreamOrDevice s) {
  auto v = [](const std::pair<int, int>& p) { return std::vector<int>{p.first, p.second}; };
  return detail::conv_transpose_named("conv_transpose2d", in, wt, v(stride), v(padding),
                                      v(dilation), v(output_padding), groups, s);
}

array conv_transpose3d(const array& in, const array& wt, const std::tuple<int, int, int>& stride,
                       const std::tuple<int, int, int>& padding,
                       const std::tuple<int, int, int>& dilation,
                       const std::tuple<int, int, int>& output_padding, int groups,
                       StreamOrDevice s) {
  auto v = [](const std::tuple<int, int, int>& t) {
    return std::vector<int>{std::get<0>(t), std::get<1>(t), std::get<2>(t)};
  };
  return detail::conv_transpose_named("conv_transpose3d", in, wt, v(stride), v(padding),
                                      v(dilation), v(output_padding), groups, s);
}

array convolve(const array& a, const array& v, const std::string& mode, StreamOrDevice sd) {
  const char* op = "convolve";
  if (a.ndim() != 1 || v.ndim() != 1) fail(op, "Inputs must be 1D.");
  if (a.size() == 0 || v.size() == 0) fail(op, "Inputs cannot be empty.");
  // As MLX: the longer array slides over the shorter one (numpy's result for either order).
  const array& in = a.size() < v.size() ? v : a;
  const array& wt = a.size() < v.size() ? a : v;
  int k = wt.shape(0);
  int lo, hi;
  if (mode == "full") {
    lo = hi = k - 1;
  } else if (mode == "valid") {
    lo = hi = 0;
  } else if (mode == "same") {
    // Odd kernels pad symmetrically; even ones one less at the end (numpy's centre).
    lo = k / 2;
    hi = k % 2 ? k / 2 : std::max(0, k / 2 - 1);
  } else {
    fail(op, "Invalid mode.");
  }
  Stream s = to_stream(sd);
  // A true convolution: the kernel is flipped (MLX reverses it with a slice).
  array out = detail::conv_general_named(op, reshape(in, {1, in.shape(0), 1}, s),
                                         reshape(wt, {1, k, 1}, s), {1}, {lo}, {hi}, {1}, {1},
                                         1, /* flip = */ true, s);
  return reshape(out, {out.shape(1)}, s);
}

}  // namespace mlx::core
