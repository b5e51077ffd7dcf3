// vjp, jvp and vmap rules of the quantization primitives (primitives_quantized.h), as MLX's:
// the products are linear in x (their vjp is the product with the transposed quantized
// matrix, gathered back through lhs_indices for GatherQMM); the packed weights have no
// gradient ("no gradient wrt the quantized weights"); affine scales and biases get theirs
// through the grouped outer product cotangent^T x (what MLX's CPU computes, where dequantize is a
// composition of ops). Quantize is not differentiable. vmap moves the batch axis in front and
// runs the op once: the products broadcast it as a batch dim; GatherQMM folds it into the
// matrix batches and offsets the indices.
#include <stdexcept>
#include <string>

#include "autograd.h"
#include "ops.h"
#include "ops_index.h"
#include "ops_shape.h"
#include "primitives_quantized.h"
#include "quantized.h"
#include "rules_common.h"

namespace mlx::core {

namespace {

using rules::Batched;

const char* mode_name(QuantMode m) {
  switch (m) {
    case QuantMode::Affine: return "affine";
    case QuantMode::Mxfp4: return "mxfp4";
    case QuantMode::Mxfp8: return "mxfp8";
    case QuantMode::Nvfp4: return "nvfp4";
  }
  return "affine";
}

[[noreturn]] void no_grad(const char* prim, const std::string& what) {
  throw std::invalid_argument(std::string("[") + prim + "] " + what);
}

using rules::to_front;

// `a` with a leading axis of size n: moved there when batched, broadcast there when not.
array lead(const array& a, int ax, int n, Stream s) {
  if (ax >= 0) return to_front(a, ax, s);
  Shape sh = a.shape();
  sh.insert(sh.begin(), n);
  return broadcast_to(expand_dims(a, {0}, s), sh, s);
}

int batch_size(const std::vector<array>& in, const std::vector<int>& axes) {
  for (size_t i = 0; i < in.size(); ++i)
    if (axes[i] >= 0) return in[i].shape(axes[i]);
  return 1;
}

// Cotangent of affine scales and biases from dW, the gradient of the dequantized matrix
// (its rows split in groups of gs): biases sum dW over each group, scales sum dW * q.
std::vector<array> scale_bias_grads(const std::vector<int>& which, int bias_arg, const array& dw,
                                    const array& w, const array& scales, const array& biases,
                                    int gs, int bits, Stream s) {
  array dsb = unflatten(dw, -1, {-1, gs}, s);
  std::vector<array> out;
  for (int arg : which) {
    if (arg == bias_arg) {
      out.push_back(astype(sum(dsb, std::vector<int>{-1}, false, s), biases.dtype(), s));
    } else {
      array q = dequantize(w, ones_like(scales, s), zeros_like(biases, s), gs, bits, "affine",
                           std::nullopt, dw.dtype(), s);
      q = unflatten(q, -1, {-1, gs}, s);
      out.push_back(
          astype(sum(multiply(dsb, q, s), std::vector<int>{-1}, false, s), scales.dtype(), s));
    }
  }
  return out;
}

// The jvp of a quantized product (QuantizedMatmul, GatherQMM), linear in x (argument 0) and,
// in affine mode, in the scales (2) and biases (3): each tangent runs through `product` in its
// argument's place, with zeros for the other of scales and biases; the results add up.
template <typename F>
array qmm_jvp(const char* where, const std::vector<array>& primals,
              const std::vector<array>& tangents, const std::vector<int>& argnums, bool affine,
              Stream s, F product) {
  std::optional<array> out;
  for (size_t i = 0; i < argnums.size(); ++i) {
    int arg = argnums[i];
    if (arg == 1 || (arg > 1 && !affine)) no_grad(where, "No JVP wrt the quantized matrix.");
    std::vector<array> in(primals.begin(), primals.end());
    if (arg == 0) {
      in[0] = tangents[i];
    } else {
      in[2] = arg == 2 ? tangents[i] : zeros_like(primals[2], s);
      in[3] = arg == 3 ? tangents[i] : zeros_like(primals[3], s);
    }
    std::optional<array> biases;
    if (affine) biases = in[3];
    array t = product(in, biases);
    out = out ? add(*out, t, s) : t;
  }
  return *out;
}

}  // namespace

// ---- Quantize ---------------------------------------------------------------------------------

std::vector<array> Quantize::vjp(const std::vector<array>&, const std::vector<array>&,
                                 const std::vector<int>&, const std::vector<array>&) {
  no_grad("Quantize::vjp", "Quantization is not differentiable.");
}
std::vector<array> Quantize::jvp(const std::vector<array>&, const std::vector<array>&,
                                 const std::vector<int>&) {
  no_grad("Quantize::jvp", "Quantization is not differentiable.");
}
Batched Quantize::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  if (inputs.size() > 1 && axes[1] >= 0)
    no_grad("Quantize::vmap", "The global scale cannot be batched.");
  Stream s = stream();
  std::optional<array> g;
  if (inputs.size() > 1) g = inputs[1];
  // Groups run along the last axis: any batch axis in front leaves them as they are.
  auto out = quantize(to_front(inputs[0], axes[0], s), group_size_, bits_, mode_name(mode_), g, s);
  return {out, std::vector<int>(out.size(), 0)};
}

// ---- Dequantize -------------------------------------------------------------------------------

// Inputs: w_q, scales, then biases (affine) or the global scale (nvfp4, optional).
std::vector<array> Dequantize::vjp(const std::vector<array>& primals,
                                   const std::vector<array>& cotangents,
                                   const std::vector<int>& argnums, const std::vector<array>&) {
  for (int arg : argnums) {
    if (arg == 0) no_grad("Dequantize::vjp", "no gradient wrt the quantized weights.");
    if (mode_ != QuantMode::Affine)
      no_grad("Dequantize::vjp", std::string("no gradient wrt the scales of '") + mode_name(mode_) +
                                     "' quantization.");
  }
  return scale_bias_grads(argnums, 2, cotangents[0], primals[0], primals[1], primals[2],
                          group_size_, bits_, stream());
}
std::vector<array> Dequantize::jvp(const std::vector<array>& primals,
                                   const std::vector<array>& tangents,
                                   const std::vector<int>& argnums) {
  Stream s = stream();
  std::optional<array> out;
  for (size_t i = 0; i < argnums.size(); ++i) {
    int arg = argnums[i];
    if (arg == 0) no_grad("Dequantize::jvp", "no gradient wrt the quantized weights.");
    if (mode_ != QuantMode::Affine)
      no_grad("Dequantize::jvp", std::string("no gradient wrt the scales of '") + mode_name(mode_) +
                                     "' quantization.");
    // d out = q * d scale + d bias, each group's tangent repeated over its gs values.
    const array& sc = primals[1];
    array t = arg == 1 ? dequantize(primals[0], tangents[i], zeros_like(sc, s), group_size_, bits_,
                                    "affine", std::nullopt, sc.dtype(), s)
                       : dequantize(primals[0], zeros_like(sc, s), tangents[i], group_size_, bits_,
                                    "affine", std::nullopt, sc.dtype(), s);
    out = out ? add(*out, t, s) : t;
  }
  return {*out};
}
Batched Dequantize::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  Stream s = stream();
  bool affine = mode_ == QuantMode::Affine;
  if (!affine && inputs.size() > 2 && axes[2] >= 0)
    no_grad("Dequantize::vmap", "The global scale cannot be batched.");
  int n = batch_size(inputs, axes);
  size_t parts = affine ? 3 : 2;
  std::vector<array> in;
  for (size_t i = 0; i < parts; ++i) in.push_back(lead(inputs[i], axes[i], n, s));
  std::optional<array> biases, g;
  if (affine)
    biases = in[2];
  else if (inputs.size() > 2)
    g = inputs[2];
  // affine computes in the scales' type; the fp modes in the dtype the op asked for.
  std::optional<Dtype> dt;
  if (!affine) dt = out_dtype().value_or(bfloat16);
  array out = dequantize(in[0], in[1], biases, group_size_, bits_, mode_name(mode_), g, dt, s);
  return {{out}, {0}};
}

// ---- QuantizedMatmul --------------------------------------------------------------------------

std::vector<array> QuantizedMatmul::vjp(const std::vector<array>& primals,
                                        const std::vector<array>& cotangents,
                                        const std::vector<int>& argnums,
                                        const std::vector<array>&) {
  Stream s = stream();
  bool affine = mode_ == QuantMode::Affine;
  const array& cot = cotangents[0];
  const array &x = primals[0], &w = primals[1], &sc = primals[2];
  std::optional<array> biases;
  if (affine) biases = primals[3];
  std::vector<array> out;
  std::vector<int> sb;
  for (int arg : argnums) {
    if (arg == 0) {
      out.push_back(quantized_matmul(cot, w, sc, biases, !transpose_, group_size_, bits_,
                                     mode_name(mode_), s));
    } else if (arg == 1) {
      no_grad("QuantizedMatmul::vjp", "no gradient wrt the quantized weights.");
    } else {
      if (!affine)
        no_grad("QuantizedMatmul::vjp", std::string("no gradient wrt the scales of '") +
                                            mode_name(mode_) + "' quantization.");
      sb.push_back(arg);
    }
  }
  if (!sb.empty()) {
    // dW = cot^T x (transpose: W is (N, K)) or x^T cot, over the rows of x (2-D w) or per batch.
    array fx = x, fc = cot;
    if (w.ndim() == 2) {
      fx = reshape(x, {-1, x.shape(-1)}, s);
      fc = reshape(cot, {-1, cot.shape(-1)}, s);
    }
    array dw = transpose_ ? matmul(swapaxes(fc, -1, -2, s), fx, s)
                          : matmul(swapaxes(fx, -1, -2, s), fc, s);
    auto g = scale_bias_grads(sb, 3, dw, w, sc, *biases, group_size_, bits_, s);
    // Put the scale/bias cotangents back in argnums order after x's.
    std::vector<array> ordered;
    size_t k = 0, j = 0;
    for (int arg : argnums) ordered.push_back(arg == 0 ? out[k++] : g[j++]);
    return ordered;
  }
  return out;
}
std::vector<array> QuantizedMatmul::jvp(const std::vector<array>& primals,
                                        const std::vector<array>& tangents,
                                        const std::vector<int>& argnums) {
  Stream s = stream();
  return {qmm_jvp("QuantizedMatmul::jvp", primals, tangents, argnums,
                  mode_ == QuantMode::Affine, s, [&](const auto& in, const auto& biases) {
                    return quantized_matmul(in[0], in[1], in[2], biases, transpose_, group_size_,
                                            bits_, mode_name(mode_), s);
                  })};
}
Batched QuantizedMatmul::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  Stream s = stream();
  bool affine = mode_ == QuantMode::Affine;
  size_t nw = affine ? 4 : 3;  // x, w, scales, [biases]
  int n = batch_size(inputs, axes);
  bool w_batched = false;
  for (size_t i = 1; i < nw; ++i) w_batched |= axes[i] >= 0;
  const array& x0 = inputs[0];
  int wnd = inputs[1].ndim();
  std::optional<array> biases;
  if (!w_batched) {
    // x batched only: its batch axis becomes a leading (broadcast) batch dim of the product.
    if (affine) biases = inputs[3];
    array x = to_front(x0, axes[0], s);
    return {{quantized_matmul(x, inputs[1], inputs[2], biases, transpose_, group_size_, bits_,
                              mode_name(mode_), s)},
            {0}};
  }
  std::vector<array> wg;
  for (size_t i = 1; i < nw; ++i) wg.push_back(lead(inputs[i], axes[i], n, s));
  if (affine) biases = wg[2];
  array x = x0;
  Shape out_rows;
  if (wnd == 2) {
    // x's leading dims were rows of one matrix: they become the rows of each batch.
    Shape xs = x0.shape();
    if (axes[0] >= 0) {
      x = to_front(x0, axes[0], s);
      xs = Shape(x.shape().begin() + 1, x.shape().end());
      x = reshape(x, {n, -1, x.shape(-1)}, s);
    } else {
      x = reshape(x0, {1, -1, x0.shape(-1)}, s);
    }
    out_rows = Shape(xs.begin(), xs.end() - 1);
  } else {
    x = axes[0] >= 0 ? to_front(x0, axes[0], s) : expand_dims(x0, {0}, s);
  }
  array out = quantized_matmul(x, wg[0], wg[1], biases, transpose_, group_size_, bits_,
                               mode_name(mode_), s);
  if (wnd == 2) {
    Shape os{n};
    os.insert(os.end(), out_rows.begin(), out_rows.end());
    os.push_back(out.shape(-1));
    out = reshape(out, os, s);
  }
  return {{out}, {0}};
}

// ---- GatherQMM --------------------------------------------------------------------------------

// Inputs: x (Bx..., M, K), w_q (Bw..., ...), scales, [biases], lhs, rhs (one shape, uint32).
std::vector<array> GatherQMM::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents,
                                  const std::vector<int>& argnums, const std::vector<array>&) {
  Stream s = stream();
  bool affine = mode_ == QuantMode::Affine;
  size_t ni = primals.size();
  const array &x = primals[0], &w = primals[1], &sc = primals[2];
  const array &lhs = primals[ni - 2], &rhs = primals[ni - 1];
  std::optional<array> biases;
  if (affine) biases = primals[3];
  const array& cot = cotangents[0];  // (I..., M, N)
  int M = x.shape(-2), K = x.shape(-1);
  array li = flatten(lhs, 0, -1, s), ri = flatten(rhs, 0, -1, s);
  int I = li.shape(0);
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) {
      // x[lhs[i]] gets cot[i] @ W[rhs[i]] (transposed back), summed over repeated indices.
      array g = gather_qmm(cot, w, sc, biases, std::nullopt, rhs, !transpose_, group_size_, bits_,
                           mode_name(mode_), false, s);
      array xf =
          zeros(Shape{int(x.size() / std::max<size_t>(1, size_t(M) * K)), M, K}, x.dtype(), s);
      if (x.size() == 0) xf = zeros(Shape{0, M, K}, x.dtype(), s);
      g = reshape(g, {I, 1, M, K}, s);
      out.push_back(reshape(scatter_add(xf, {li}, g, {0}, s), x.shape(), s));
    } else if (arg == 1) {
      no_grad("GatherQMM::vjp", "no gradient wrt the quantized weights.");
    } else if (size_t(arg) >= ni - 2) {
      no_grad("GatherQMM::vjp", "cannot compute the gradient wrt the indices.");
    } else {
      if (!affine)
        no_grad("GatherQMM::vjp", std::string("no gradient wrt the scales of '") +
                                      mode_name(mode_) + "' quantization.");
      // dW[rhs[i]] += cot[i]^T x[lhs[i]] (transpose) or x[lhs[i]]^T cot[i].
      array xg = take(reshape(x, {-1, M, K}, s), li, 0, s);
      array cg = reshape(cot, {I, M, cot.shape(-1)}, s);
      array dwi = transpose_ ? matmul(swapaxes(cg, -1, -2, s), xg, s)
                             : matmul(swapaxes(xg, -1, -2, s), cg, s);
      int R = dwi.shape(-2), C = dwi.shape(-1);
      int bw = int(w.size() / std::max<size_t>(1, size_t(w.shape(-1)) * w.shape(-2)));
      array dw = scatter_add(zeros(Shape{bw, R, C}, dwi.dtype(), s), {ri},
                             reshape(dwi, {I, 1, R, C}, s), {0}, s);
      Shape ws = sc.shape();
      ws.back() = C;
      dw = reshape(dw, ws, s);
      out.push_back(scale_bias_grads({arg}, 3, dw, w, sc, *biases, group_size_, bits_, s)[0]);
    }
  }
  return out;
}
std::vector<array> GatherQMM::jvp(const std::vector<array>& primals,
                                  const std::vector<array>& tangents,
                                  const std::vector<int>& argnums) {
  Stream s = stream();
  size_t ni = primals.size();
  for (int arg : argnums)
    if (size_t(arg) >= ni - 2)
      no_grad("GatherQMM::jvp", "cannot compute the derivative wrt the indices.");
  return {qmm_jvp("GatherQMM::jvp", primals, tangents, argnums, mode_ == QuantMode::Affine, s,
                  [&](const auto& in, const auto& biases) {
                    return gather_qmm(in[0], in[1], in[2], biases, in[ni - 2], in[ni - 1],
                                      transpose_, group_size_, bits_, mode_name(mode_), false, s);
                  })};
}
Batched GatherQMM::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  Stream s = stream();
  bool affine = mode_ == QuantMode::Affine;
  size_t ni = inputs.size(), nw = affine ? 4 : 3;
  int n = batch_size(inputs, axes);
  // The batch folds into the matrix batches: x (n * Bx, M, K) and w (n * Bw, ...), with the
  // indices of batch element v offset by v * Bx and v * Bw.
  auto fold = [&](const array& a, int ax, bool batched, int& per) {
    array t = batched ? lead(a, ax, n, s) : a;
    int lead_dims = batched ? 1 : 0;
    per = 1;
    for (int d = lead_dims; d < t.ndim() - 2; ++d) per *= t.shape(d);
    Shape sh{-1, t.shape(-2), t.shape(-1)};
    return reshape(t, sh, s);
  };
  auto offsets = [&](int per, int idx_ndim) {
    Shape sh(size_t(idx_ndim) + 1, 1);
    sh[0] = n;
    return reshape(multiply(arange(0.0, double(n), 1.0, uint32, s), array(uint32_t(per)), s), sh,
                   s);
  };
  array lhs = inputs[ni - 2], rhs = inputs[ni - 1];
  int ind = std::max(lhs.ndim(), rhs.ndim());
  if (axes[ni - 2] >= 0) lhs = to_front(lhs, axes[ni - 2], s);
  if (axes[ni - 1] >= 0) rhs = to_front(rhs, axes[ni - 1], s);
  if (axes[ni - 2] >= 0 || axes[ni - 1] >= 0) ind -= 1;
  int px = 1, pw = 1;
  bool xb = axes[0] >= 0, wb = false;
  for (size_t i = 1; i < nw; ++i) wb |= axes[i] >= 0;
  array x = fold(inputs[0], axes[0], xb, px);
  std::vector<array> wg;
  for (size_t i = 1; i < nw; ++i) wg.push_back(fold(inputs[i], axes[i], wb, pw));
  if (xb) lhs = add(lhs, offsets(px, ind), s);
  if (wb) rhs = add(rhs, offsets(pw, ind), s);
  // At least one index array carries the batch in front now; the other broadcasts to it.
  std::optional<array> biases;
  if (affine) biases = wg[2];
  array out = gather_qmm(x, wg[0], wg[1], biases, lhs, rhs, transpose_, group_size_, bits_,
                         mode_name(mode_), false, s);
  return {{out}, {0}};
}

// ---- output shapes (shapeless compile) ---------------------------------------------------------

std::vector<Shape> Quantize::output_shapes(const std::vector<array>& inputs) {
  Shape wq = inputs[0].shape(), sc = inputs[0].shape();
  wq.back() = int(int64_t(sc.back()) * bits_ / 32);
  sc.back() /= group_size_;
  if (mode_ == QuantMode::Affine) return {wq, sc, sc};
  return {wq, sc};
}
std::vector<Shape> Dequantize::output_shapes(const std::vector<array>& inputs) {
  Shape out = inputs[0].shape();
  out.back() = int(int64_t(out.back()) * 32 / bits_);
  return {out};
}
std::vector<Shape> QuantizedMatmul::output_shapes(const std::vector<array>& inputs) {
  const array& w = inputs[1];
  Shape out = inputs[0].shape();
  out.back() = transpose_ ? w.shape(-2) : int(int64_t(w.shape(-1)) * 32 / bits_);
  return {out};
}
std::vector<Shape> GatherQMM::output_shapes(const std::vector<array>& inputs) {
  const array& w = inputs[1];
  Shape out = inputs[inputs.size() - 2].shape();
  out.push_back(inputs[0].shape(-2));
  out.push_back(transpose_ ? w.shape(-2) : int(int64_t(w.shape(-1)) * 32 / bits_));
  return {out};
}

}  // namespace mlx::core
