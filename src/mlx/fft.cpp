// mx.fft: argument checks and graph nodes, following MLX 0.32's mlx/fft.cpp (and the
// None rules of its Python binding): the lengths default to the input's extents, the
// normalisation is one factor of the FFT node, and truncation or zero padding to the
// lengths happens inside the node instead of as slice / pad ops.
#include "fft.h"

#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

#include "ops_common.h"
#include "primitives_fft.h"

namespace mlx::core::fft {

namespace {

using mlx::core::detail::fail;
using mlx::core::detail::shape_str;

int norm_axis(const char* op, int ax, int ndim) {
  if (ax < -ndim || ax >= ndim)
    throw std::out_of_range(std::string("[") + op + "] Invalid axis " + std::to_string(ax) +
                            " for array with " + std::to_string(ndim) + " dimensions.");
  return ax < 0 ? ax + ndim : ax;
}

std::string list_str(const std::vector<int>& v) {
  std::string s = "(";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + ")";
}

}  // namespace

namespace detail {

array fft_impl(const char* op, const array& a, const std::optional<Shape>& n,
               const std::optional<std::vector<int>>& axes_in, bool real, bool inverse, FFTNorm norm,
               StreamOrDevice s) {
  const int nd = a.ndim();
  if (nd < 1) fail(op, "Requires array with at least one dimension.");
  std::vector<int> axes;
  if (axes_in) {
    axes = *axes_in;
  } else {
    if (n) fail(op, "`axes` should not be `None` if `s` is not `None`.");
    for (int i = 0; i < nd; ++i) axes.push_back(i);
  }
  if (n && n->size() != axes.size()) fail(op, "Shape and axes have different sizes.");
  if (axes.empty()) return a;
  std::vector<int> valid;
  for (int ax : axes) valid.push_back(norm_axis(op, ax, nd));
  if (std::set<int>(valid.begin(), valid.end()).size() != valid.size())
    fail(op, "Duplicated axis received " + list_str(axes) + ".");

  Shape len;
  if (n) {
    len = *n;
  } else {
    for (int ax : valid) len.push_back(a.shape(ax));
    if (real && inverse) len.back() = (len.back() - 1) * 2;
  }
  for (auto v : len)
    if (v <= 0) fail(op, "Invalid FFT output size requested " + shape_str(len) + ".");

  Shape out_shape = a.shape();
  for (size_t i = 0; i < valid.size(); ++i) out_shape[valid[i]] = len[i];
  if (real && !inverse) out_shape[valid.back()] = len.back() / 2 + 1;

  double total = 1;
  for (auto v : len) total *= double(v);
  double scale = 1.0;
  switch (norm) {
    case FFTNorm::Backward:
      scale = inverse ? 1.0 / total : 1.0;
      break;
    case FFTNorm::Ortho:
      scale = 1.0 / std::sqrt(total);
      break;
    case FFTNorm::Forward:
      scale = inverse ? 1.0 : 1.0 / total;
      break;
  }

  // Complex transforms read a float32 input as complex directly (no complex64 copy).
  Dtype in_type = real ? (inverse ? complex64 : float32)
                       : (a.dtype() == complex64 || a.dtype() == float32 ? a.dtype() : float32);
  Dtype out_type = real && inverse ? float32 : complex64;
  Stream st = to_stream(s);
  return array(std::move(out_shape), out_type,
               std::make_shared<FFT>(st, std::move(valid), std::move(len), inverse, real, scale),
               {astype(a, in_type, st)});
}

array fftshift_impl(const char* op, const array& a, const std::optional<std::vector<int>>& axes_in,
                    bool inverse, StreamOrDevice s) {
  std::vector<int> axes;
  if (axes_in) {
    axes = *axes_in;
  } else {
    if (a.ndim() < 1) return a;
    for (int i = 0; i < a.ndim(); ++i) axes.push_back(i);
  }
  if (axes.empty()) return a;
  Shape shifts;
  for (int& ax : axes) {
    ax = norm_axis(op, ax, a.ndim());
    int32_t size = a.shape(ax);
    shifts.push_back(inverse ? -(size / 2) : size / 2);  // NumPy's (MLX 0.32's) shifts
  }
  return roll(a, shifts, axes, s);
}

array fftfreq_impl(const char* op, int n, double d, bool real, StreamOrDevice s) {
  if (n <= 0) fail(op, "`n` must be greater than 0.");
  if (d == 0.0) fail(op, "`d` must be non-zero.");
  Stream st = to_stream(s);
  array freqs = real ? arange(0, n / 2 + 1, 1, float32, st)
                     : concatenate({arange(0, (n + 1) / 2, 1, float32, st), arange(-(n / 2), 0, 1, float32, st)}, 0, st);
  return multiply(freqs, array(float(1.0 / (double(n) * d)), float32), st);
}

}  // namespace detail

using detail::fft_impl;

array fftn(const array& a, const std::optional<Shape>& n, const std::optional<std::vector<int>>& axes,
           FFTNorm norm, StreamOrDevice s) {
  return fft_impl("fft.fftn", a, n, axes, false, false, norm, s);
}
array ifftn(const array& a, const std::optional<Shape>& n, const std::optional<std::vector<int>>& axes,
            FFTNorm norm, StreamOrDevice s) {
  return fft_impl("fft.ifftn", a, n, axes, false, true, norm, s);
}
array rfftn(const array& a, const std::optional<Shape>& n, const std::optional<std::vector<int>>& axes,
            FFTNorm norm, StreamOrDevice s) {
  return fft_impl("fft.rfftn", a, n, axes, true, false, norm, s);
}
array irfftn(const array& a, const std::optional<Shape>& n, const std::optional<std::vector<int>>& axes,
             FFTNorm norm, StreamOrDevice s) {
  return fft_impl("fft.irfftn", a, n, axes, true, true, norm, s);
}

array fft2(const array& a, const std::optional<Shape>& n, const std::optional<std::vector<int>>& axes,
           FFTNorm norm, StreamOrDevice s) {
  return fft_impl("fft.fft2", a, n, axes, false, false, norm, s);
}
array ifft2(const array& a, const std::optional<Shape>& n, const std::optional<std::vector<int>>& axes,
            FFTNorm norm, StreamOrDevice s) {
  return fft_impl("fft.ifft2", a, n, axes, false, true, norm, s);
}
array rfft2(const array& a, const std::optional<Shape>& n, const std::optional<std::vector<int>>& axes,
            FFTNorm norm, StreamOrDevice s) {
  return fft_impl("fft.rfft2", a, n, axes, true, false, norm, s);
}
array irfft2(const array& a, const std::optional<Shape>& n, const std::optional<std::vector<int>>& axes,
             FFTNorm norm, StreamOrDevice s) {
  return fft_impl("fft.irfft2", a, n, axes, true, true, norm, s);
}

namespace {
std::optional<Shape> one(std::optional<int> n) {
  if (!n) return std::nullopt;
  return Shape{*n};
}
}  // namespace

array fft(const array& a, std::optional<int> n, int axis, FFTNorm norm, StreamOrDevice s) {
  return fft_impl("fft.fft", a, one(n), std::vector<int>{axis}, false, false, norm, s);
}
array ifft(const array& a, std::optional<int> n, int axis, FFTNorm norm, StreamOrDevice s) {
  return fft_impl("fft.ifft", a, one(n), std::vector<int>{axis}, false, true, norm, s);
}
array rfft(const array& a, std::optional<int> n, int axis, FFTNorm norm, StreamOrDevice s) {
  return fft_impl("fft.rfft", a, one(n), std::vector<int>{axis}, true, false, norm, s);
}
array irfft(const array& a, std::optional<int> n, int axis, FFTNorm norm, StreamOrDevice s) {
  return fft_impl("fft.irfft", a, one(n), std::vector<int>{axis}, true, true, norm, s);
}

array fftshift(const array& a, const std::optional<std::vector<int>>& axes, StreamOrDevice s) {
  return detail::fftshift_impl("fft.fftshift", a, axes, false, s);
}
array ifftshift(const array& a, const std::optional<std::vector<int>>& axes, StreamOrDevice s) {
  return detail::fftshift_impl("fft.ifftshift", a, axes, true, s);
}
array fftfreq(int n, double d, StreamOrDevice s) { return detail::fftfreq_impl("fft.fftfreq", n, d, false, s); }
array rfftfreq(int n, double d, StreamOrDevice s) { return detail::fftfreq_impl("fft.rfftfreq", n, d, true, s); }

}  // namespace mlx::core::fft
