// Quantization ops: MLX's checks, defaults and dtype rules (mlx/ops.cpp), graph nodes of
// primitives_quantized.h. Errors carry the "[quantize]", "[dequantize]", "[quantized_matmul]",
// "[gather_qmm]", "[qqmm]" or "[gather_qqmm]" prefix. qqmm and gather_qqmm are compositions
// (fake quantization of x, dequantized w, matmul / gather_mm), as MLX's CPU computes them.
#include "quantized.h"

#include <stdexcept>

#include "autograd.h"
#include "ops_common.h"
#include "ops_contract.h"
#include "ops_shape.h"
#include "primitives_quantized.h"

namespace mlx::core {

namespace {

using detail::fail;
using detail::shape_str;

QuantMode parse_mode(const std::string& mode, const char* op) {
  if (mode == "affine") return QuantMode::Affine;
  if (mode == "mxfp4") return QuantMode::Mxfp4;
  if (mode == "mxfp8") return QuantMode::Mxfp8;
  if (mode == "nvfp4") return QuantMode::Nvfp4;
  fail(op, "Invalid quantization mode '" + mode + "'.");
}

// MLX's defaults per mode: affine 64/4, nvfp4 16/4, mxfp4 32/4, mxfp8 32/8.
std::pair<int, int> params(QuantMode m, std::optional<int> gs, std::optional<int> bits) {
  int dg = 64, db = 4;
  if (m == QuantMode::Nvfp4) dg = 16;
  if (m == QuantMode::Mxfp4) dg = 32;
  if (m == QuantMode::Mxfp8) dg = 32, db = 8;
  return {gs.value_or(dg), bits.value_or(db)};
}

// The group sizes and bits each mode takes (the kernels exist for these only).
void check_params(QuantMode m, const std::string& mode, int gs, int bits, const char* op) {
  if (m == QuantMode::Affine) {
    if (gs != 32 && gs != 64 && gs != 128)
      fail(op, "The requested group size " + std::to_string(gs) +
                   " is not supported. The supported group sizes are 32, 64, and 128.");
    if (bits < 2 || bits > 8 || bits == 7)
      fail(op, "The requested number of bits " + std::to_string(bits) +
                   " is not supported. The supported bits are 2, 3, 4, 5, 6 and 8.");
    return;
  }
  int egs = m == QuantMode::Nvfp4 ? 16 : 32, ebits = m == QuantMode::Mxfp8 ? 8 : 4;
  if (gs != egs)
    fail(op, mode + " quantization requires group size " + std::to_string(egs) + " but got " +
                 std::to_string(gs) + ".");
  if (bits != ebits)
    fail(op, mode + " quantization requires bits to be " + std::to_string(ebits) + " but got " +
                 std::to_string(bits) + ".");
}

// MLX's validate_mode_with_type: affine needs float biases; fp modes take none (bfloat16 out).
Dtype mode_dtype(const char* op, const std::string& mode, QuantMode m, const array& scales,
                 const std::optional<array>& biases, std::optional<Dtype> out) {
  if (out && !issubdtype(*out, Category::floating))
    fail(op, std::string("Only real floating types are supported but output dtype == ") +
                 dtype_name(*out) + ".");
  if (m == QuantMode::Affine) {
    if (!biases) fail(op, "Biases must be provided for affine quantization.");
    Dtype d = promote_types(scales.dtype(), biases->dtype());
    if (!issubdtype(d, Category::floating))
      fail(op, std::string("Only real floating types are supported but scales.dtype() == ") +
                   dtype_name(scales.dtype()) +
                   " and biases.dtype() == " + dtype_name(biases->dtype()) + ".");
    return out.value_or(d);
  }
  if (biases) fail(op, "Biases must be null for quantization mode '" + mode + "'.");
  if (m != QuantMode::Affine && scales.dtype() != uint8)
    fail(op, std::string("Scales must be uint8 for quantization mode '") + mode +
                 "' but scales.dtype() == " + dtype_name(scales.dtype()) + ".");
  return out.value_or(bfloat16);
}

// Shapes of w, scales (and biases) against one another; {w_inner, w_outer} of the matmul.
std::pair<int, int> quantized_dims(const char* op, const array& x, const array& w,
                                   const array& scales, const std::optional<array>& biases,
                                   bool transpose, int gs, int bits) {
  if (w.dtype() != uint32)
    fail(op, std::string("The weight matrix should be uint32 but received ") +
                 dtype_name(w.dtype()) + ".");
  if (w.ndim() < 2)
    fail(op, "The quantized weight matrix must have at least 2 dimensions but it has " +
                 std::to_string(w.ndim()) + ".");
  if (biases && biases->shape() != scales.shape())
    fail(op, "Scales and biases should have the same shape. Received scales with shape " +
                 shape_str(scales.shape()) + " and biases with shape " +
                 shape_str(biases->shape()) + ".");
  if (scales.ndim() != w.ndim() ||
      !std::equal(w.shape().begin(), w.shape().end() - 1, scales.shape().begin()))
    fail(op,
         "Weights and scales should have the same shape except the last dimension. "
         "Received w with shape " +
             shape_str(w.shape()) + " and scales with shape " + shape_str(scales.shape()) + ".");
  if (int64_t(w.shape(-1)) * 32 != int64_t(scales.shape(-1)) * gs * bits)
    fail(op,
         "The shapes of the weight and scales are incompatible based on bits and "
         "group_size. w.shape() == " +
             shape_str(w.shape()) + " and scales.shape() == " + shape_str(scales.shape()) +
             " with group_size=" + std::to_string(gs) + " and bits=" + std::to_string(bits) + ".");
  if (x.ndim() < 1) fail(op, "The input x must have at least 1 dimension.");
  int packed = int(int64_t(w.shape(-1)) * 32 / bits);
  int inner = transpose ? packed : w.shape(-2);
  int outer = transpose ? w.shape(-2) : packed;
  if (x.shape(-1) != inner)
    fail(op, "Last dimension of first input with shape " + shape_str(x.shape()) +
                 " must match the quantized dimension of the weight (" + std::to_string(inner) +
                 (transpose ? ") with transpose=true." : ") with transpose=false."));
  return {inner, outer};
}

// nvfp4's global scale: one float32 value, as a 0-d contiguous array for the kernels.
std::optional<array> global_scale_input(const char* op, QuantMode m, const std::optional<array>& g,
                                        Stream s) {
  if (!g) return std::nullopt;
  if (m != QuantMode::Nvfp4)
    fail(op, "Global scale is only supported for 'nvfp4' quantization mode.");
  if (g->dtype() != float32)
    fail(op, std::string("Global scale must be a float32 array but got ") + dtype_name(g->dtype()) +
                 ".");
  if (g->size() != 1)
    fail(op, "Global scale must be a scalar but got an array with shape " + shape_str(g->shape()) +
                 ".");
  return contiguous(reshape(*g, {}, s), false, s);
}

std::vector<array> row_inputs(std::vector<array> v, Stream s) {
  for (auto& a : v) a = contiguous(a, false, s);
  return v;
}

}  // namespace

std::vector<array> quantize(const array& w, std::optional<int> group_size, std::optional<int> bits_,
                            const std::string& mode, const std::optional<array>& global_scale,
                            StreamOrDevice sd) {
  const char* op = "quantize";
  QuantMode m = parse_mode(mode, op);
  auto [gs, bits] = params(m, group_size, bits_);
  if (!issubdtype(w.dtype(), Category::floating))
    fail(op, std::string("Only real floating types can be quantized but w has type ") +
                 dtype_name(w.dtype()) + ".");
  if (w.ndim() < 2)
    fail(op, "The matrix to be quantized must have at least 2 dimension but it has only " +
                 std::to_string(w.ndim()) + ".");
  if (w.shape(-1) % gs != 0)
    fail(op,
         "The last dimension of the matrix needs to be divisible by the quantization group "
         "size " +
             std::to_string(gs) + ". However the provided  matrix has shape " +
             shape_str(w.shape()));
  check_params(m, mode, gs, bits, op);
  Stream s = to_stream(sd);
  auto g = global_scale_input(op, m, global_scale, s);
  // float64 computes in float32 as MLX's kernels do; the scales keep w's dtype.
  array x = contiguous(w.dtype() == float64 ? astype(w, float32, s) : w, false, s);
  std::vector<array> in{x};
  if (g) in.push_back(*g);
  Shape wq = w.shape(), ss = w.shape();
  wq.back() = int(int64_t(w.shape(-1)) * bits / 32);
  ss.back() = w.shape(-1) / gs;
  auto prim = std::make_shared<Quantize>(s, m, gs, bits);
  std::vector<array> out;
  if (m == QuantMode::Affine)
    out = array::make_arrays({wq, ss, ss}, {uint32, x.dtype(), x.dtype()}, prim, in);
  else
    out = array::make_arrays({wq, ss}, {uint32, uint8}, prim, in);
  if (w.dtype() == float64)
    for (size_t i = 1; i < out.size(); ++i) out[i] = astype(out[i], float64, s);
  return out;
}

array dequantize(const array& w, const array& scales, const std::optional<array>& biases,
                 std::optional<int> group_size, std::optional<int> bits_, const std::string& mode,
                 const std::optional<array>& global_scale, std::optional<Dtype> dtype,
                 StreamOrDevice sd) {
  const char* op = "dequantize";
  QuantMode m = parse_mode(mode, op);
  Dtype out_type = mode_dtype(op, mode, m, scales, biases, dtype);
  auto [gs, bits] = params(m, group_size, bits_);
  if (bits <= 0) fail(op, "Invalid value for bits: " + std::to_string(bits));
  if (gs <= 0) fail(op, "Invalid value for group_size: " + std::to_string(gs));
  if (w.dtype() != uint32) fail(op, "The matrix should be given as a uint32");
  if (w.ndim() < 2)
    fail(op, "The matrix to be dequantized must have at least 2 dimension but it has only " +
                 std::to_string(w.ndim()) + ".");
  check_params(m, mode, gs, bits, op);
  const char* what = m == QuantMode::Affine ? "scales and biases" : "scales";
  auto same_but_last = [&](const array& a) {
    return a.ndim() == w.ndim() &&
           std::equal(w.shape().begin(), w.shape().end() - 1, a.shape().begin());
  };
  if (!same_but_last(scales) || (biases && !same_but_last(*biases)) ||
      (biases && biases->shape(-1) != scales.shape(-1)))
    fail(op, std::string("Shape of ") + what + " does not match the matrix");
  int64_t out_size = int64_t(w.shape(-1)) * 32 / bits;
  if (int64_t(w.shape(-1)) * 32 % bits != 0 || out_size != int64_t(scales.shape(-1)) * gs)
    fail(op, std::string("Shape of ") + what +
                 " does not match the matrix given the quantization parameters. Provided matrix "
                 "of shape " +
                 shape_str(w.shape()) + " and scales of shape " + shape_str(scales.shape()) +
                 " with group_size=" + std::to_string(gs) + " and bits=" + std::to_string(bits) +
                 ".");
  Stream s = to_stream(sd);
  Shape os = w.shape();
  os.back() = int(out_size);
  auto prim = std::make_shared<Dequantize>(s, m, gs, bits);
  if (m == QuantMode::Affine) {
    // MLX computes q * scale + bias in the scales' type, then casts.
    Dtype ct = promote_types(scales.dtype(), biases->dtype());
    if (ct == float64) ct = float32;
    auto in = row_inputs({w, astype(scales, ct, s), astype(*biases, ct, s)}, s);
    array out(os, ct, prim, in);
    return out_type == ct ? out : astype(out, out_type, s);
  }
  auto g = global_scale_input(op, m, global_scale, s);
  Dtype ct = out_type == float64 ? float32 : out_type;
  prim->set_out_dtype(ct);
  std::vector<array> in = row_inputs({w, scales}, s);
  if (g) in.push_back(*g);
  array out(os, ct, prim, std::move(in));
  return out_type == ct ? out : astype(out, out_type, s);
}

// The checks quantized_matmul and gather_qmm share: the mode, group size and bits, the
// operands' shapes against them, and the result dtype (x's, promoted with affine scales).
struct QmmArgs {
  QuantMode m;
  int gs, bits, outer;
  Dtype dt;
};
QmmArgs check_qmm(const char* op, const array& x, const array& w, const array& scales,
                  const std::optional<array>& biases, bool transpose,
                  std::optional<int> group_size, std::optional<int> bits_,
                  const std::string& mode) {
  QuantMode m = parse_mode(mode, op);
  Dtype dt = mode_dtype(op, mode, m, scales, biases, std::nullopt);
  auto [gs, bits] = params(m, group_size, bits_);
  check_params(m, mode, gs, bits, op);
  int outer = quantized_dims(op, x, w, scales, biases, transpose, gs, bits).second;
  dt = m == QuantMode::Affine ? promote_types(x.dtype(), dt) : x.dtype();
  if (!issubdtype(dt, Category::floating))
    fail(op, std::string("Only real floating types are supported but x.dtype() == ") +
                 dtype_name(x.dtype()) + ".");
  return {m, gs, bits, outer, dt};
}

array quantized_matmul(const array& x_, const array& w, const array& scales,
                       const std::optional<array>& biases, bool transpose,
                       std::optional<int> group_size, std::optional<int> bits_,
                       const std::string& mode, StreamOrDevice sd) {
  const char* op = "quantized_matmul";
  auto [m, gs, bits, outer, dt] =
      check_qmm(op, x_, w, scales, biases, transpose, group_size, bits_, mode);
  Stream s = to_stream(sd);
  Dtype ct = dt == float64 ? float32 : dt;  // float64 runs in float32, as the CPU kernels do
  array x = astype(x_, ct, s);
  std::vector<array> in{x, w, m == QuantMode::Affine ? astype(scales, ct, s) : scales};
  if (m == QuantMode::Affine) in.push_back(astype(*biases, ct, s));
  Shape out_shape;
  if (w.ndim() > 2) {
    // Batched weights: x and w broadcast over the leading axes (a 1-D x is one row).
    if (x.ndim() == 1) in[0] = reshape(x, {1, x.shape(0)}, s);
    Shape bx(in[0].shape().begin(), in[0].shape().end() - 2);
    Shape bw(w.shape().begin(), w.shape().end() - 2);
    Shape b = broadcast_shapes(bx, bw);
    for (size_t i = 0; i < in.size(); ++i) {
      Shape t = b;
      t.push_back(in[i].shape(-2));
      t.push_back(in[i].shape(-1));
      in[i] = broadcast_to(in[i], t, s);
    }
    out_shape = in[0].shape();
    out_shape.back() = outer;
    if (x.ndim() == 1) {
      Shape os = out_shape;
      os.erase(os.end() - 2);
      array out(out_shape, ct, std::make_shared<QuantizedMatmul>(s, m, gs, bits, transpose),
                row_inputs(in, s));
      out = reshape(out, os, s);
      return ct == dt ? out : astype(out, dt, s);
    }
  } else {
    out_shape = x.shape();
    out_shape.back() = outer;
  }
  array out(out_shape, ct, std::make_shared<QuantizedMatmul>(s, m, gs, bits, transpose),
            row_inputs(in, s));
  return ct == dt ? out : astype(out, dt, s);
}

array gather_qmm(const array& x_, const array& w, const array& scales,
                 const std::optional<array>& biases, std::optional<array> lhs_,
                 std::optional<array> rhs_, bool transpose, std::optional<int> group_size,
                 std::optional<int> bits_, const std::string& mode, bool sorted_indices,
                 StreamOrDevice sd) {
  (void)sorted_indices;  // a scheduling hint for the GPU kernels; the result is the same
  if (!lhs_ && !rhs_)
    return quantized_matmul(x_, w, scales, biases, transpose, group_size, bits_, mode, sd);
  const char* op = "gather_qmm";
  auto [m, gs, bits, outer, dt] =
      check_qmm(op, x_, w, scales, biases, transpose, group_size, bits_, mode);
  Stream s = to_stream(sd);
  // The default indices enumerate the batch of x (w): arange over the leading axes.
  auto default_idx = [&](const array& a) {
    Shape b(a.shape().begin(), a.shape().end() - 2);
    int64_t n = 1;
    for (int d : b) n *= d;
    return reshape(arange(0.0, double(n), 1.0, uint32, s), b, s);
  };
  array lhs = lhs_ ? *lhs_ : default_idx(x_);
  array rhs = rhs_ ? *rhs_ : default_idx(w);
  if (!issubdtype(lhs.dtype(), Category::integer))
    fail(op, "Got lhs_indices with invalid dtype. Indices must be integral.");
  if (!issubdtype(rhs.dtype(), Category::integer))
    fail(op, "Got rhs_indices with invalid dtype. Indices must be integral.");
  if (x_.ndim() < 2)
    fail(op, "Non-quantized input must have at least two dimensions but got input with shape " +
                 shape_str(x_.shape()) + ".");
  auto br = broadcast_arrays({lhs, rhs}, s);
  lhs = astype(br[0], uint32, s);
  rhs = astype(br[1], uint32, s);
  Dtype ct = dt == float64 ? float32 : dt;
  Shape out_shape = lhs.shape();
  out_shape.push_back(x_.shape(-2));
  out_shape.push_back(outer);
  std::vector<array> in{astype(x_, ct, s), w,
                        m == QuantMode::Affine ? astype(scales, ct, s) : scales};
  if (m == QuantMode::Affine) in.push_back(astype(*biases, ct, s));
  in.push_back(lhs);
  in.push_back(rhs);
  array out(out_shape, ct, std::make_shared<GatherQMM>(s, m, gs, bits, transpose),
            row_inputs(in, s));
  return ct == dt ? out : astype(out, dt, s);
}

namespace {

// qqmm's modes: the fp formats (activations are rounded through them).
QuantMode qq_mode(const std::string& mode, const char* op) {
  QuantMode m = parse_mode(mode, op);
  if (m == QuantMode::Affine)
    fail(op, "Only 'nvfp4', 'mxfp8' and 'mxfp4' quantization modes are supported but '" + mode +
                 "' was provided.");
  return m;
}

void check_qq_dtype(const char* op, const array& a, const char* which) {
  if (!issubdtype(a.dtype(), Category::floating) || a.dtype() == float64)
    fail(op, std::string("Only real floating types except float64 are supported but ") + which +
                 " argument dtype == " + dtype_name(a.dtype()) + ".");
}

// {global_scale_x, global_scale_w} when both are given for nvfp4 (either alone is an error).
std::pair<std::optional<array>, std::optional<array>> qq_global_scales(
    const char* op, QuantMode m, const std::optional<array>& gx, const std::optional<array>& gw) {
  if (!gx && !gw) return {};
  if (m != QuantMode::Nvfp4)
    fail(op, "Global scale is only supported for 'nvfp4' quantization mode.");
  if (!gx || !gw)
    fail(op,
         "For 'nvfp4', either both global_scale_x and global_scale_w must be provided, or "
         "neither.");
  return {gx, gw};
}

// w as x's dtype: dequantized (uint32 with scales) or rounded through the format on the fly.
array qq_weight(const char* op, const array& x, const array& w, const std::optional<array>& scales,
                int gs, int bits, const std::string& mode, QuantMode m,
                const std::optional<array>& gw, Stream s) {
  if (w.dtype() == uint32) {
    if (!scales) fail(op, "Scales must be provided if second argument is quantized.");
    quantized_dims(op, x, w, *scales, std::nullopt, true, gs, bits);
    mode_dtype(op, mode, m, *scales, std::nullopt, std::nullopt);
    return dequantize(w, *scales, std::nullopt, gs, bits, mode, gw, x.dtype(), s);
  }
  check_qq_dtype(op, w, "second");
  if (w.ndim() < 2)
    fail(op, "The second argument must have at least 2 dimensions but it has " +
                 std::to_string(w.ndim()) + ".");
  if (x.shape(-1) != w.shape(-1))
    fail(op, "Last dimension of first input with shape " + shape_str(x.shape()) +
                 " must match last dimension of second input with shape " + shape_str(w.shape()) +
                 ".");
  auto q = quantize(w, gs, bits, mode, gw, s);
  return dequantize(q[0], q[1], std::nullopt, gs, bits, mode, gw, x.dtype(), s);
}

// x rounded through the format: quantized and dequantized in its own dtype.
array qq_activation(const array& x, int gs, int bits, const std::string& mode,
                    const std::optional<array>& gx, Stream s) {
  auto q = quantize(x, gs, bits, mode, gx, s);
  return dequantize(q[0], q[1], std::nullopt, gs, bits, mode, gx, x.dtype(), s);
}

}  // namespace

array qqmm(const array& x_, const array& w, const std::optional<array>& scales,
           std::optional<int> group_size, std::optional<int> bits_, const std::string& mode,
           const std::optional<array>& gsx, const std::optional<array>& gsw, StreamOrDevice sd) {
  const char* op = "qqmm";
  QuantMode m = qq_mode(mode, op);
  auto [gs, bits] = params(m, group_size, bits_);
  check_params(m, mode, gs, bits, op);
  Stream s = to_stream(sd);
  // A vector is one row; a batch of rows against one matrix is flattened, as MLX allows.
  array x = x_;
  if (x.ndim() == 1)
    x = reshape(x, {1, x.shape(0)}, s);
  else if (x.ndim() > 2 && w.ndim() == 2)
    x = reshape(x, {-1, x.shape(-1)}, s);
  if (x.ndim() > 2 || w.ndim() > 2)
    fail(op, "Only 2D inputs are supported but x.ndim() == " + std::to_string(x_.ndim()) +
                 " and w.ndim() == " + std::to_string(w.ndim()) + ".");
  check_qq_dtype(op, x, "first");
  auto [gx, gw] = qq_global_scales(op, m, gsx, gsw);
  if (gx) global_scale_input(op, m, gx, s), global_scale_input(op, m, gw, s);
  bool wq = w.dtype() == uint32;
  VecFn fwd = [=](const std::vector<array>& in) -> std::vector<array> {
    array wd = qq_weight(op, in[0], wq ? w : in[1], scales, gs, bits, mode, m, gw, s);
    return {matmul(qq_activation(in[0], gs, bits, mode, gx, s), transpose(wd, {1, 0}, s), s)};
  };
  // MLX's straight-through rule: the rounding passes gradients through, and the gradient
  // products are qqmm products themselves (dx = qqmm(cot, w^T), dw = qqmm(cot^T, x^T)), without
  // global scales. A quantized w is a constant (its float values give dx).
  VjpFn bwd = [=](const std::vector<array>& primals, const std::vector<array>& cot,
                  const std::vector<array>&) -> std::vector<array> {
    const array& c = cot[0];
    array wf =
        wq ? dequantize(w, *scales, std::nullopt, gs, bits, mode, gw, c.dtype(), s) : primals[1];
    std::vector<array> g{qqmm(c, transpose(wf, {1, 0}, s), std::nullopt, gs, bits, mode,
                              std::nullopt, std::nullopt, s)};
    if (!wq)
      g.push_back(qqmm(transpose(c, {1, 0}, s), transpose(primals[0], {1, 0}, s), std::nullopt, gs,
                       bits, mode, std::nullopt, std::nullopt, s));
    return g;
  };
  std::vector<array> args{x};
  if (!wq) args.push_back(w);
  array out = custom_vjp(fwd, bwd)(args)[0];
  if (x_.ndim() == 1) return reshape(out, {out.shape(-1)}, s);
  if (x_.ndim() > 2) {
    Shape os = x_.shape();
    os.back() = out.shape(-1);
    return reshape(out, os, s);
  }
  return out;
}

array gather_qqmm(const array& x, const array& w, const std::optional<array>& scales,
                  std::optional<array> lhs, std::optional<array> rhs, std::optional<int> group_size,
                  std::optional<int> bits_, const std::string& mode,
                  const std::optional<array>& gsx, const std::optional<array>& gsw,
                  bool sorted_indices, StreamOrDevice sd) {
  const char* op = "gather_qqmm";
  QuantMode m = qq_mode(mode, op);
  auto [gs, bits] = params(m, group_size, bits_);
  check_params(m, mode, gs, bits, op);
  if (x.ndim() < 2)
    fail(op, "Non-quantized input must have at least two dimensions but got input with shape " +
                 shape_str(x.shape()) + ".");
  check_qq_dtype(op, x, "first");
  if (lhs && !issubdtype(lhs->dtype(), Category::integer))
    fail(op, "Got lhs_indices with invalid dtype. Indices must be integral.");
  if (rhs && !issubdtype(rhs->dtype(), Category::integer))
    fail(op, "Got rhs_indices with invalid dtype. Indices must be integral.");
  Stream s = to_stream(sd);
  auto [gx, gw] = qq_global_scales(op, m, gsx, gsw);
  if (gx) global_scale_input(op, m, gx, s), global_scale_input(op, m, gw, s);
  array wd = qq_weight(op, x, w, scales, gs, bits, mode, m, gw, s);
  // The default indices enumerate the batch of each operand (gather_mm then needs one index).
  auto default_idx = [&](const array& a) {
    Shape b(a.shape().begin(), a.shape().end() - 2);
    int64_t n = 1;
    for (int d : b) n *= d;
    return reshape(arange(0.0, double(n), 1.0, uint32, s), b, s);
  };
  array li = lhs ? *lhs : default_idx(x);
  array ri = rhs ? *rhs : default_idx(wd);
  VecFn fwd = [=](const std::vector<array>& in) -> std::vector<array> {
    return {gather_mm(qq_activation(in[0], gs, bits, mode, gx, s), swapaxes(wd, -1, -2, s), li, ri,
                      sorted_indices, s)};
  };
  VjpFn bwd = [](const std::vector<array>&, const std::vector<array>&,
                 const std::vector<array>&) -> std::vector<array> {
    throw std::invalid_argument("[gather_qqmm] The gradient of gather_qqmm is not implemented.");
  };
  return custom_vjp(fwd, bwd)({x})[0];
}

}  // namespace mlx::core
