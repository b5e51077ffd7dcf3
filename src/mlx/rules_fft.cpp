// vjp, jvp and vmap rules (and output shapes) of the FFT primitive (primitives_fft.h). The
// transforms are linear, so the jvp is the same transform of the tangent. The vjp follows MLX
// 0.32's convention for complex cotangents (PyTorch's: the cotangent is dL/dz*, the vjp applies
// the conjugate transpose J^H), built from FFT nodes with the same scale: a complex transform's
// is the transform in the other direction; rfft's zero pads the half spectrum to n (the node
// pads it), transforms it backwards and keeps the real part; irfft's is the half spectrum of
// the cotangent with each bin weighted by the number of bins of the full spectrum it stands for
// (2, or 1 for the DC and, n even, Nyquist bins). The node's own truncation or zero padding of
// the input to n is undone last (a slice, or zero padding back to the input's extents).
#include <stdexcept>

#include "autograd.h"
#include "ops.h"
#include "primitives_fft.h"
#include "rules_common.h"

namespace mlx::core {

namespace {

using rules::Batched;

Shape fft_out_shape(const Shape& in, const std::vector<int>& axes, const Shape& n, bool inverse,
                    bool real) {
  Shape out = in;
  for (size_t i = 0; i < axes.size(); ++i) out[axes[i]] = n[i];
  if (real && !inverse) out[axes.back()] = n.back() / 2 + 1;
  return out;
}

array fft_node(const array& in, const std::vector<int>& axes, const Shape& n, bool inverse,
               bool real, double scale, Stream s) {
  Shape shape = fft_out_shape(in.shape(), axes, n, inverse, real);
  Dtype dt = real && inverse ? float32 : complex64;
  return array(std::move(shape), dt, std::make_shared<FFT>(s, axes, n, inverse, real, scale), {in});
}

// Slices or zero pads `g` along `axes` to the extents of `like` there.
array fit_to(array g, const array& like, const std::vector<int>& axes, Stream s) {
  for (int ax : axes) {
    int want = like.shape(ax), have = g.shape(ax);
    if (have > want) {
      Shape start(g.ndim(), 0), stop = g.shape();
      stop[ax] = want;
      g = slice(g, start, stop, s);
    } else if (have < want) {
      std::vector<std::pair<int, int>> width(g.ndim(), {0, 0});
      width[ax] = {0, want - have};
      g = pad(g, width, array(0.0f, g.dtype()), "constant", s);
    }
  }
  return g;
}

// The weights of the n / 2 + 1 half-spectrum bins along `axis` of an `ndim` array.
array half_spectrum_weights(int n, int axis, int ndim) {
  int m = n / 2 + 1;
  std::vector<float> w(m, 2.0f);
  w[0] = 1.0f;
  if (n % 2 == 0) w[m - 1] = 1.0f;
  Shape shape(ndim, 1);
  shape[axis] = m;
  return array(w.data(), shape, float32);
}

}  // namespace

std::vector<array> FFT::vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                            const std::vector<int>&, const std::vector<array>&) {
  Stream s = stream();
  const array& x = primals[0];
  const array& c = cotangents[0];
  array g(0.0f);
  if (!real_) {
    g = fft_node(astype(c, complex64, s), axes_, n_, !inverse_, false, scale_, s);
    if (x.dtype() != complex64) g = mlx::core::real(g, s);
  } else if (!inverse_) {
    g = mlx::core::real(fft_node(astype(c, complex64, s), axes_, n_, true, false, scale_, s), s);
  } else {
    g = fft_node(astype(c, float32, s), axes_, n_, false, true, scale_, s);
    g = multiply(g, half_spectrum_weights(n_.back(), axes_.back(), g.ndim()), s);
  }
  return {fit_to(g, x, axes_, s)};
}

std::vector<array> FFT::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                            const std::vector<int>&) {
  Stream s = stream();
  array t = astype(tangents[0], primals[0].dtype(), s);
  return {fft_node(t, axes_, n_, inverse_, real_, scale_, s)};
}

Batched FFT::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int bax = axes[0];
  std::vector<int> fft_axes = axes_;
  if (bax >= 0)
    for (int& a : fft_axes)
      if (a >= bax) ++a;
  return {{fft_node(inputs[0], fft_axes, n_, inverse_, real_, scale_, stream())}, {bax}};
}

// The lengths are fixed at the trace: other extents along the transformed axes (which the node
// would truncate or pad to the traced lengths) are not inferred.
std::vector<Shape> FFT::output_shapes(const std::vector<array>& inputs) {
  const Shape& in = inputs[0].shape();
  for (size_t i = 0; i < axes_.size(); ++i) {
    int want = real_ && inverse_ && i + 1 == axes_.size() ? n_[i] / 2 + 1 : n_[i];
    if (in[axes_[i]] != want) return Primitive::output_shapes(inputs);
  }
  return {fft_out_shape(in, axes_, n_, inverse_, real_)};
}

}  // namespace mlx::core
