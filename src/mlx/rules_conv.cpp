// vjp, jvp and vmap rules (and shapeless output shapes) of Convolution (primitives_conv.h).
// The derivatives are convolutions again, built as Convolution nodes directly (their paddings
// are made non-negative here, and 3-D grouped convolutions, which conv_general refuses but the
// CPU kernel computes, are allowed), so they can be differentiated again.
//
// Per spatial dim, with the input dilated to D = (S - 1) * idil + 1, the kernel to
// E = (K - 1) * kdil + 1 and the cotangent (O outputs) to Dc = (O - 1) * stride + 1:
//   out[o] = sum_k w'[k] x_d[o * stride + k * kdil - lo]      (w' = w, or w reversed if flip)
// - d/dx: the cotangent dilated by stride, convolved with the reversed kernel (flip toggled),
//   stride idil, kernel dilation kdil, padding lo' = E - 1 - lo, hi' = D - Dc + lo.
// - d/dw (no flip): the input convolved with the cotangent as kernel (kernel dilation
//   stride), stride kdil, padding lo, hi = E - 1 + Dc - D - lo; N is contracted as channels.
// - d/dw (flip): the cotangent (input dilation stride) convolved with the input as kernel
//   (kernel dilation idil), stride kdil, padding lo' = E - 1 - lo, hi' = D - Dc + lo.
// A negative low padding becomes the next multiple of the stride and the extra leading
// outputs are sliced off; a negative high padding becomes 0 and the output is sliced.
#include <numeric>
#include <stdexcept>

#include "autograd.h"
#include "ops.h"
#include "primitives_conv.h"
#include "rules_common.h"

namespace mlx::core {

namespace {

using rules::Batched;

struct ConvGeo {
  std::vector<int> st, lo, hi, kd, id;
  int groups;
  bool flip;
};

// The output shape of a convolution node (no checks: callers pass valid geometries).
Shape conv_shape(const Shape& in, const Shape& wt, const ConvGeo& g) {
  size_t nd = in.size() - 2;
  Shape out(in.size());
  out[0] = in[0];
  for (size_t i = 0; i < nd; ++i) {
    int64_t D = (int64_t(in[i + 1]) - 1) * g.id[i] + 1;
    int64_t E = (int64_t(wt[i + 1]) - 1) * g.kd[i] + 1;
    out[i + 1] = int32_t((D + g.lo[i] + g.hi[i] - E) / g.st[i] + 1);
  }
  out[nd + 1] = wt[0];
  return out;
}

array conv_node(const array& in, const array& wt, const ConvGeo& g, Stream s) {
  Shape shape = conv_shape(in.shape(), wt.shape(), g);
  return array(std::move(shape), in.dtype(),
               std::make_shared<Convolution>(s, g.st, g.lo, g.hi, g.kd, g.id, g.groups, g.flip),
               {in, wt});
}

// A node whose paddings may be negative (see the header comment): `want` outputs per dim.
array conv_node_sliced(const array& in, const array& wt, ConvGeo g, const Shape& want, Stream s) {
  size_t nd = in.ndim() - 2;
  Shape start(in.ndim(), 0);
  for (size_t i = 0; i < nd; ++i) {
    if (g.lo[i] < 0) {
      int m = (-g.lo[i] + g.st[i] - 1) / g.st[i];
      g.lo[i] += m * g.st[i];
      start[i + 1] = m;
    }
    g.hi[i] = std::max(g.hi[i], 0);
  }
  array out = conv_node(in, wt, g, s);
  Shape stop = out.shape();
  bool same = true;
  for (size_t i = 0; i < nd; ++i) {
    stop[i + 1] = start[i + 1] + want[i];
    same = same && start[i + 1] == 0 && stop[i + 1] == out.shape(int(i) + 1);
  }
  return same ? out : slice(out, std::move(start), std::move(stop), s);
}

ConvGeo geo_of(const Convolution& c) {
  return {c.kernel_strides(), c.padding_lo(), c.padding_hi(), c.kernel_dilation(),
          c.input_dilation(), c.groups(),     c.flip()};
}

std::vector<int> iota_from(int a, int n) {
  std::vector<int> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), a);
  return v;
}

}  // namespace

std::vector<array> Convolution::vjp(const std::vector<array>& primals,
                                    const std::vector<array>& cotangents,
                                    const std::vector<int>& argnums, const std::vector<array>&) {
  const array& x = primals[0];
  const array& w = primals[1];
  const array& cot = cotangents[0];
  Stream s = stream();
  int nd = x.ndim() - 2;
  int G = groups_;
  int N = x.shape(0), C = x.shape(-1), Och = w.shape(0), Cg = w.shape(-1);
  int Og = Och / G;
  bool empty = x.size() == 0 || w.size() == 0 || cot.size() == 0;
  std::vector<int> D(nd), E(nd), Dc(nd);
  for (int i = 0; i < nd; ++i) {
    D[i] = (x.shape(i + 1) - 1) * input_dilation_[i] + 1;
    E[i] = (w.shape(i + 1) - 1) * kernel_dilation_[i] + 1;
    Dc[i] = (cot.shape(i + 1) - 1) * kernel_strides_[i] + 1;
  }
  std::vector<int> spatial = iota_from(1, nd);
  std::vector<array> grads;
  for (int a : argnums) {
    if (a == 0) {
      if (empty) {
        grads.push_back(zeros_like(x, s));
        continue;
      }
      // The weight as (C, K..., Og) per group: [g*Cg + c, k, o] = w[g*Og + o, k, c].
      Shape gs{G, Og};
      gs.insert(gs.end(), w.shape().begin() + 1, w.shape().end());
      std::vector<int> perm{0, nd + 2};
      for (int i = 0; i < nd; ++i) perm.push_back(2 + i);
      perm.push_back(1);
      Shape ws{C};
      ws.insert(ws.end(), w.shape().begin() + 1, w.shape().end() - 1);
      ws.push_back(Og);
      array wt = reshape(transpose(reshape(w, gs, s), perm, s), ws, s);
      ConvGeo g{input_dilation_, {}, {}, kernel_dilation_, kernel_strides_, G, !flip_};
      Shape want;
      for (int i = 0; i < nd; ++i) {
        g.lo.push_back(E[i] - 1 - padding_lo_[i]);
        g.hi.push_back(D[i] - Dc[i] + padding_lo_[i]);
        want.push_back(x.shape(i + 1));
      }
      grads.push_back(conv_node_sliced(cot, wt, g, want, s));
    } else if (a == 1) {
      if (empty) {
        grads.push_back(zeros_like(w, s));
        continue;
      }
      Shape want;
      for (int i = 0; i < nd; ++i) want.push_back(w.shape(i + 1));
      if (!flip_) {
        // Input (Cg, S..., G*N): [c, s, g*N + n] = x[n, s, g*Cg + c].
        Shape xs{N};
        xs.insert(xs.end(), x.shape().begin() + 1, x.shape().end() - 1);
        xs.push_back(G);
        xs.push_back(Cg);
        std::vector<int> perm{nd + 2};
        perm.insert(perm.end(), spatial.begin(), spatial.end());
        perm.push_back(nd + 1);
        perm.push_back(0);
        array xin = flatten(transpose(reshape(x, xs, s), perm, s), nd + 1, nd + 2, s);
        // Kernel (Och, O..., N): the cotangent with N and the channels swapped.
        array ck = swapaxes(cot, 0, -1, s);
        ConvGeo g{kernel_dilation_, padding_lo_, {}, kernel_strides_, input_dilation_, G, false};
        for (int i = 0; i < nd; ++i) g.hi.push_back(E[i] - 1 + Dc[i] - D[i] - padding_lo_[i]);
        // (Cg, K..., Och) -> (Och, K..., Cg)
        grads.push_back(swapaxes(conv_node_sliced(xin, ck, g, want, s), 0, -1, s));
      } else {
        // Input (Og, O..., G*N): [a, o, g*N + n] = cot[n, o, g*Og + a].
        Shape cs{N};
        cs.insert(cs.end(), cot.shape().begin() + 1, cot.shape().end() - 1);
        cs.push_back(G);
        cs.push_back(Og);
        std::vector<int> perm{nd + 2};
        perm.insert(perm.end(), spatial.begin(), spatial.end());
        perm.push_back(nd + 1);
        perm.push_back(0);
        array cin = flatten(transpose(reshape(cot, cs, s), perm, s), nd + 1, nd + 2, s);
        // Kernel (C, S..., N).
        array xk = swapaxes(x, 0, -1, s);
        ConvGeo g{kernel_dilation_, {}, {}, input_dilation_, kernel_strides_, G, false};
        for (int i = 0; i < nd; ++i) {
          g.lo.push_back(E[i] - 1 - padding_lo_[i]);
          g.hi.push_back(D[i] - Dc[i] + padding_lo_[i]);
        }
        array r = conv_node_sliced(cin, xk, g, want, s);  // (Og, K..., C)
        if (G == 1) {
          grads.push_back(r);
        } else {
          // [a, k, g*Cg + c] -> [g*Og + a, k, c]
          Shape rs = r.shape();
          rs.back() = G;
          rs.push_back(Cg);
          std::vector<int> p2{nd + 1, 0};
          p2.insert(p2.end(), spatial.begin(), spatial.end());
          p2.push_back(nd + 2);
          grads.push_back(reshape(transpose(reshape(r, rs, s), p2, s), w.shape(), s));
        }
      }
    } else {
      throw std::invalid_argument("[Convolution::vjp] Convolution has two inputs.");
    }
  }
  return grads;
}

std::vector<array> Convolution::jvp(const std::vector<array>& primals,
                                    const std::vector<array>& tangents,
                                    const std::vector<int>& argnums) {
  // Bilinear: conv(tx, w) + conv(x, tw).
  ConvGeo g = geo_of(*this);
  std::optional<array> out;
  for (size_t i = 0; i < argnums.size(); ++i) {
    array t = argnums[i] == 0 ? conv_node(tangents[i], primals[1], g, stream())
                              : conv_node(primals[0], tangents[i], g, stream());
    out = out ? add(*out, t, stream()) : t;
  }
  return {*out};
}

Batched Convolution::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  Stream s = stream();
  ConvGeo g = geo_of(*this);
  array x = inputs[0], w = inputs[1];
  int nd = x.ndim() - 2 - (axes[0] >= 0);
  if (axes[0] >= 0 && axes[0] != 0) x = moveaxis(x, axes[0], 0, s);
  if (axes[1] >= 0 && axes[1] != 0) w = moveaxis(w, axes[1], 0, s);
  if (axes[1] < 0) {
    // Only the input: the batch folds into N.
    int V = x.shape(0);
    array y = conv_node(flatten(x, 0, 1, s), w, g, s);
    return {{unflatten(y, 0, {V, y.shape(0) / std::max(V, 1)}, s)}, {0}};
  }
  int V = w.shape(0), Och = w.shape(1), G = groups_;
  if (axes[0] < 0) {
    // Only the weight: the batch joins the output channels, inside each group.
    Shape ws{V, G, Och / G};
    ws.insert(ws.end(), w.shape().begin() + 2, w.shape().end());
    array wf = flatten(swapaxes(reshape(w, ws, s), 0, 1, s), 0, 2, s);
    array y = conv_node(x, wf, g, s);  // (N, O..., G*V*Og)
    Shape ys = y.shape();
    ys.pop_back();
    ys.insert(ys.end(), {G, V, Och / G});
    y = swapaxes(reshape(y, ys, s), -3, -2, s);
    return {{flatten(y, -2, -1, s)}, {nd + 1}};
  }
  // Both: every batch element is its own set of groups.
  array xm = moveaxis(x, 0, -2, s);  // (N, S..., V, C)
  array xf = flatten(xm, -2, -1, s);
  array wf = flatten(w, 0, 1, s);  // (V*Och, K..., Cg)
  g.groups = V * G;
  array y = conv_node(xf, wf, g, s);  // (N, O..., V*Och)
  return {{unflatten(y, -1, {V, Och}, s)}, {nd + 1}};
}

std::vector<Shape> Convolution::output_shapes(const std::vector<array>& inputs) {
  return {conv_shape(inputs[0].shape(), inputs[1].shape(), geo_of(*this))};
}

}  // namespace mlx::core
