// mx.fast: argument checks and graph nodes, following MLX's mlx/fast.cpp (its checks, their
// order and its result dtypes). Each op is one fused primitive (primitives_fast.h) whose CPU
// kernel is in backend/cpu/fast.cpp. Errors carry the "[fast.<name>]" prefix of the JS function.
#include "fast.h"

#include <string>

#include "ops_common.h"
#include "primitives_fast.h"

namespace mlx::core::fast {

namespace {

using detail::fail;
using detail::shape_str;

std::string dt(Dtype t) { return dtype_name(t); }

// weight / bias: 1-D with x's last dimension.
void check_param(const array& p, const array& x, const char* op, const char* what) {
  if (p.ndim() != 1)
    fail(op, std::string(what) + " must have 1 dimension but has " + std::to_string(p.ndim()) +
                 " dimensions.");
  if (p.size() != size_t(x.shape(-1)))
    fail(op, std::string(what) + " must have the same size as the last dimension of x but has " +
                 std::to_string(p.size()) + " elements.");
}

void check_input_rank(const array& x, const char* op) {
  if (x.ndim() == 0)
    fail(op, "Input must have at least 1 dimension but got input with 0 dimensions.");
}

constexpr const char* kSdpa = "fast.scaled_dot_product_attention";

}  // namespace

array rms_norm(const array& x, const std::optional<array>& weight, float eps, StreamOrDevice sd) {
  const char* op = "fast.rms_norm";
  check_input_rank(x, op);
  if (weight) check_param(*weight, x, op, "weight");
  Dtype out_type = weight ? promote_types(x.dtype(), weight->dtype()) : x.dtype();
  if (!is_floating(out_type)) fail(op, "Received unsupported type " + dt(out_type) + ".");
  Stream s = to_stream(sd);
  // No weight: a 0-d 1 stands in for it (as MLX), and the kernel skips the multiply.
  array w = weight ? astype(*weight, out_type, s) : array(1, out_type);
  Shape shape = x.shape();
  return array(std::move(shape), out_type, std::make_shared<RMSNorm>(s, eps),
               {astype(x, out_type, s), std::move(w)});
}

array layer_norm(const array& x, const std::optional<array>& weight,
                 const std::optional<array>& bias, float eps, StreamOrDevice sd) {
  const char* op = "fast.layer_norm";
  check_input_rank(x, op);
  if (weight) check_param(*weight, x, op, "weight");
  if (bias) check_param(*bias, x, op, "bias");
  // MLX promotes with the bias only when there is a weight too.
  Dtype out_type = x.dtype();
  if (weight) {
    out_type = promote_types(x.dtype(), weight->dtype());
    if (bias) out_type = promote_types(out_type, bias->dtype());
  }
  if (!is_floating(out_type)) fail(op, "Received unsupported type " + dt(out_type) + ".");
  Stream s = to_stream(sd);
  array w = weight ? astype(*weight, out_type, s) : array(1, out_type);
  array b = bias ? astype(*bias, out_type, s) : array(0, out_type);
  Shape shape = x.shape();
  return array(std::move(shape), out_type, std::make_shared<LayerNorm>(s, eps),
               {astype(x, out_type, s), std::move(w), std::move(b)});
}

array rope(const array& x, int dims, bool traditional, std::optional<float> base, float scale,
           const array& offset_in, const std::optional<array>& freqs, StreamOrDevice sd) {
  const char* op = "fast.rope";
  if (freqs && base) fail(op, "Only one of base or freqs can have a value.");
  if (!freqs && !base) fail(op, "Neither base nor freqs has a value.");
  if (x.ndim() < 3)
    fail(op, "Input must have at least 3 dimensions but got input with " +
                 std::to_string(x.ndim()) + " dimensions.");
  if (!is_floating(x.dtype()))
    fail(op, "Input must be a floating type but got " + dt(x.dtype()) + ".");
  if (offset_in.ndim() > 1)
    fail(op, "offset must have at most one dimension but has shape " +
                 shape_str(offset_in.shape()) + ".");
  if (offset_in.size() != 1 && offset_in.size() != size_t(x.shape(0)))
    fail(op, "offset must be a scalar or vector with " + std::to_string(x.shape(0)) +
                 " elements but has shape " + shape_str(offset_in.shape()) + ".");
  if (!is_integral(offset_in.dtype()))
    fail(op, "offset must be an integer but got type " + dt(offset_in.dtype()) + ".");
  if (dims <= 0) fail(op, "dims must be positive but got " + std::to_string(dims) + ".");
  if (dims % 2 != 0) fail(op, "dims must be even but got " + std::to_string(dims) + ".");
  if (dims > x.shape(-1))
    fail(op, "dims must not exceed the input's last dimension (" + std::to_string(x.shape(-1)) +
                 ") but got " + std::to_string(dims) + ".");
  if (freqs && (freqs->ndim() != 1 || freqs->shape(0) != dims / 2))
    fail(op, "freqs must be one dimensional with size " + std::to_string(dims / 2) +
                 " but got shape " + shape_str(freqs->shape()) + ".");
  Stream s = to_stream(sd);
  // 32-bit offsets are read as they are (MLX converts the other integer widths to int32).
  array offset = offset_in.dtype() == int32 || offset_in.dtype() == uint32
                     ? offset_in
                     : astype(offset_in, int32, s);
  std::vector<array> inputs{x, std::move(offset)};
  if (freqs) inputs.push_back(astype(*freqs, float32, s));
  Shape shape = x.shape();
  return array(std::move(shape), x.dtype(),
               std::make_shared<RoPE>(s, dims, traditional, base ? *base : 1.0f, scale, true),
               std::move(inputs));
}

array rope(const array& x, int dims, bool traditional, std::optional<float> base, float scale,
           int offset, const std::optional<array>& freqs, StreamOrDevice s) {
  return rope(x, dims, traditional, base, scale, array(offset, int32), freqs, s);
}

array scaled_dot_product_attention(const array& q, const array& k, const array& v, float scale,
                                   const std::string& mask_mode,
                                   const std::optional<array>& mask_in,
                                   const std::optional<array>& sinks, StreamOrDevice sd) {
  const char* op = kSdpa;
  for (const array* t : {&q, &k, &v})
    if (t->ndim() != 4)
      fail(op, "input with shape " + shape_str(t->shape()) + " expected to be rank 4");
  if (mask_mode != "" && mask_mode != "causal" && mask_mode != "array")
    fail(op, "invalid mask option '" + mask_mode + "'. Must be 'causal', or an array.");
  bool causal = mask_mode == "causal";
  if (causal && mask_in)
    fail(op, "Invalid mask_arr for mask_mode 'causal'. No array mask should be passed.");
  if (mask_in && mask_in->ndim() > 4)
    fail(op, "the mask with shape " + shape_str(mask_in->shape()) +
                 " expected to have at most rank 4.");
  for (const array* t : {&k, &v})
    if (t->shape(0) != q.shape(0))
      fail(op, "mismatching batch dimension for input with shape " + shape_str(t->shape()) + ".");
  if (q.shape(-1) != k.shape(-1))
    fail(op, "query, keys expected to have matching last dimension; found query shape " +
                 shape_str(q.shape()) + " for keys shape " + shape_str(k.shape()) + ".");
  int n_q = q.shape(1), n_kv = k.shape(1);
  if (k.shape(1) != v.shape(1))
    fail(op, "keys, values expected to have matching n_kv_heads; found keys with n_heads " +
                 std::to_string(k.shape(1)) + " for values with n_heads " +
                 std::to_string(v.shape(1)) + ".");
  // n_kv = 0 is only valid with n_q = 0 (MLX divides by it).
  if (n_kv == 0 ? n_q != 0 : n_q % n_kv != 0)
    fail(op, "n_heads must be a multiple of n_kv_heads, found n_heads " + std::to_string(n_q) +
                 " for n_kv_heads " + std::to_string(n_kv) + ".");
  Dtype final_type = promote_types(promote_types(q.dtype(), k.dtype()), v.dtype());
  if (!is_floating(final_type)) fail(op, "Received unsupported type " + dt(final_type) + ".");
  // MLX leaves this to its matmul of the scores with v.
  if (k.shape(2) != v.shape(2))
    fail(op, "keys, values expected to have matching sequence length; found keys shape " +
                 shape_str(k.shape()) + " for values shape " + shape_str(v.shape()) + ".");
  Stream s = to_stream(sd);
  std::vector<array> inputs{astype(q, final_type, s), astype(k, final_type, s),
                            astype(v, final_type, s)};
  if (mask_in) {
    array mask = *mask_in;
    if (promote_types(mask.dtype(), final_type) != final_type)
      fail(op, "Mask type must promote to output type " + dt(final_type) + ".");
    if (mask.dtype() != bool_) mask = astype(mask, final_type, s);
    Shape target{q.shape(0), n_q, q.shape(2), k.shape(2)};
    bool ok = true;
    for (int i = 0; i < mask.ndim(); ++i) {
      int32_t m = mask.shape(i), t = target[4 - mask.ndim() + i];
      ok = ok && (m == t || m == 1);
    }
    if (!ok)
      fail(op, "mask with shape " + shape_str(mask.shape()) + " cannot be broadcast to " +
                   shape_str(target) + ".");
    // A broadcast view: the kernel reads it through its (zero) strides.
    inputs.push_back(broadcast_to(mask, target, s));
  }
  if (sinks) {
    if (promote_types(sinks->dtype(), final_type) != final_type)
      fail(op, "Type of sinks must promote to output type " + dt(final_type) + ".");
    if (sinks->ndim() != 1 || sinks->shape(0) != n_q)
      fail(op, "Received invalid shape for sinks " + shape_str(sinks->shape()) + ".");
    inputs.push_back(astype(*sinks, final_type, s));
  }
  Shape out_shape{q.shape(0), n_q, q.shape(2), v.shape(3)};
  return array(std::move(out_shape), final_type,
               std::make_shared<ScaledDotProductAttention>(s, scale, causal, mask_in.has_value(),
                                                           sinks.has_value()),
               std::move(inputs));
}

}  // namespace mlx::core::fast
