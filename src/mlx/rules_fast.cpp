// vjp, jvp and vmap rules (and shapeless output shapes) of the fast primitives
// (primitives_fast.h). As MLX: rms_norm and layer_norm differentiate with the closed forms of
// MLX's RMSNormVJP / LayerNormVJP fallbacks (written with ops, so they can be differentiated
// again); rope's derivative in x is the inverse rotation (the same primitive with forward
// flipped), in freqs that of MLX's composition (what MLX's CPU back-end differentiates), and
// offset has none (MLX's RoPE::vjp error); attention differentiates its unfused composition
// (MLX's fallback, the path MLX's CPU back-end always takes) for q, k, v, an additive mask and
// sinks. vmap rules fold the batch into the primitive where they can (a leading dim, the batch
// of rope's offsets, attention's B); a batched weight/bias, rope frequencies or attention sinks
// go through ops instead.
#include <limits>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "autograd.h"
#include "ops.h"
#include "primitives_fast.h"
#include "rules_common.h"

namespace mlx::core::fast {

namespace {

using rules::Batched;

// float16 / bfloat16 rules compute in float32 (as the kernels do).
Dtype work_type(Dtype t) { return t == float16 || t == bfloat16 ? float32 : t; }

std::vector<int> leading_axes(int ndim) {
  std::vector<int> v(size_t(std::max(ndim - 1, 0)));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

// Sums a per-row quantity (x's shape) into the (D,) shape of a weight or bias.
array sum_rows(const array& a, Stream s) {
  return a.ndim() > 1 ? sum(a, leading_axes(a.ndim()), false, s) : a;
}

// The batch axis off the last dim (the normalised / rotated one).
std::pair<array, int> batch_off_last(const array& a, int ax, Stream s) {
  if (ax >= 0 && ax == a.ndim() - 1) return {moveaxis(a, ax, 0, s), 0};
  return {a, ax};
}

// A batched 1-D parameter (V, D) (batch at `ax`) shaped to broadcast against a row array of
// `rank` dims whose batch is in front: (V, 1, ..., 1, D).
array param_rows(const array& p, int ax, int rank, Stream s) {
  array q = ax > 0 ? moveaxis(p, ax, 0, s) : p;
  Shape sh(size_t(rank), 1);
  sh[0] = q.shape(0);
  sh.back() = q.shape(1);
  return reshape(q, std::move(sh), s);
}

// The batched array `a` (batch at ax, or unbatched: broadcast to V) with the batch in front.
array batch_front(const array& a, int ax, int V, Stream s) {
  if (ax >= 0) return ax == 0 ? a : moveaxis(a, ax, 0, s);
  Shape sh = a.shape();
  sh.insert(sh.begin(), V);
  return broadcast_to(expand_dims(a, {0}, s), sh, s);
}

double lowest_of(Dtype t) {
  if (t == float16) return -65504.0;
  if (t == bfloat16) return -3.3895313892515355e38;
  if (t == float64) return -std::numeric_limits<double>::max();
  return -double(std::numeric_limits<float>::max());
}

// MLX's fallback of scaled_dot_product_attention (grouped heads as an extra dim, causal or
// array mask, sinks as an extra softmax column), in float32 for half inputs.
array sdpa_composed(const std::vector<array>& in, float scale, bool causal, bool has_mask,
                    bool has_sinks, Stream s) {
  Dtype odt = in[0].dtype(), wdt = work_type(odt);
  array q = multiply(astype(in[0], wdt, s), array(scale, wdt), s);
  array k = astype(in[1], wdt, s), v = astype(in[2], wdt, s);
  int Nq = q.shape(1), Nkv = k.shape(1);
  int rep = Nkv > 0 ? Nq / Nkv : 1;
  if (rep > 1) {
    q = unflatten(q, 1, {Nkv, rep}, s);
    k = expand_dims(k, {2}, s);
    v = expand_dims(v, {2}, s);
  }
  array scores = matmul(q, swapaxes(k, -1, -2, s), s);
  array lowest(lowest_of(odt), wdt);
  int Tq = q.shape(-2), Tk = k.shape(-2);
  // No keys: the output is zeros (as the kernel), whatever the inputs.
  if (Tk == 0) {
    Shape sh{in[0].shape(0), Nq, Tq, in[2].shape(3)};
    return zeros(sh, odt, s);
  }
  if (causal) {
    array qi = reshape(arange(double(Tk - Tq), double(Tk), 1.0, int32, s), {Tq, 1}, s);
    array ki = reshape(arange(0.0, double(Tk), 1.0, int32, s), {1, Tk}, s);
    scores = where(greater_equal(qi, ki, s), scores, lowest, s);
  }
  if (has_mask) {
    array m = in[3];
    if (rep > 1) m = unflatten(m, 1, {Nkv, rep}, s);
    scores = m.dtype() == bool_ ? where(m, scores, lowest, s) : add(scores, astype(m, wdt, s), s);
  }
  std::optional<array> p;
  if (!has_sinks) {
    p = softmax(scores, std::vector<int>{-1}, true, s);
  } else {
    // The sink joins each row's softmax as one more logit without a value:
    // p = e^(scores - m) / (sum e^(scores - m) + e^(sink - m)), m = max(scores, sink).
    array sk = astype(in.back(), wdt, s);
    Shape sh(size_t(scores.ndim()), 1);
    if (rep > 1) {
      sh[1] = Nkv;
      sh[2] = rep;
    } else {
      sh[1] = Nq;
    }
    sk = reshape(sk, sh, s);
    array m = stop_gradient(maximum(max(scores, std::vector<int>{-1}, true, s), sk, s), s);
    array e = exp(subtract(scores, m, s), s);
    array den = add(sum(e, std::vector<int>{-1}, true, s), exp(subtract(sk, m, s), s), s);
    p = divide(e, den, s);
  }
  array out = matmul(*p, v, s);
  if (rep > 1) out = flatten(out, 1, 2, s);
  return astype(out, odt, s);
}

// MLX's rope fallback for x (V, B, ..., T, D) with offsets (V, B) and frequencies (V, dims / 2)
// per batch element: angles (t + offset) * scale / freq in float32, cos/sin in x's dtype.
array rope_composed(const array& x, const array& offset, const array& freqs, int dims,
                    bool traditional, float scale, bool forward, Stream s) {
  int r = x.ndim(), V = x.shape(0), T = x.shape(-2), D = x.shape(-1);
  int half = dims / 2;
  Shape osh(size_t(r), 1);
  osh[0] = V;
  osh[1] = x.shape(1);
  array pos = add(reshape(arange(0.0, double(T), 1.0, float32, s), {T, 1}, s),
                  reshape(astype(offset, float32, s), osh, s), s);
  pos = multiply(pos, array(scale, float32), s);  // (V, B, 1.., T, 1)
  Shape fsh(size_t(r), 1);
  fsh[0] = V;
  fsh.back() = half;
  array theta = multiply(pos, reciprocal(reshape(astype(freqs, float32, s), fsh, s), s), s);
  array c = astype(cos(theta, s), x.dtype(), s), sn = astype(sin(theta, s), x.dtype(), s);
  Shape start(size_t(r), 0), stop = x.shape(), step(size_t(r), 1);
  auto part = [&](int a, int b, int st) {
    Shape lo = start, hi = stop, sp = step;
    lo.back() = a;
    hi.back() = b;
    sp.back() = st;
    return slice(x, lo, hi, sp, s);
  };
  array x1 = traditional ? part(0, dims, 2) : part(0, half, 1);
  array x2 = traditional ? part(1, dims, 2) : part(half, dims, 1);
  array o1 = forward ? subtract(multiply(x1, c, s), multiply(x2, sn, s), s)
                     : add(multiply(x1, c, s), multiply(x2, sn, s), s);
  array o2 = forward ? add(multiply(x1, sn, s), multiply(x2, c, s), s)
                     : subtract(multiply(x2, c, s), multiply(x1, sn, s), s);
  std::vector<array> outs;
  if (traditional) {
    Shape sh = x.shape();
    sh.back() = dims;
    outs.push_back(reshape(stack({o1, o2}, -1, s), sh, s));
  } else {
    outs = {o1, o2};
  }
  if (dims < D) outs.push_back(part(dims, D, 1));
  return concatenate(outs, -1, s);
}

}  // namespace

// ---- RMSNorm: y = x * n * w, n = rsqrt(mean(x^2) + eps) --------------------------------------

std::vector<array> RMSNorm::vjp(const std::vector<array>& primals,
                                const std::vector<array>& cotangents,
                                const std::vector<int>& argnums, const std::vector<array>&) {
  Stream s = stream();
  const array& x0 = primals[0];
  const array& w0 = primals[1];
  Dtype dt = work_type(x0.dtype());
  array x = astype(x0, dt, s), w = astype(w0, dt, s), g = astype(cotangents[0], dt, s);
  array n = rsqrt(add(mean(square(x, s), std::vector<int>{-1}, true, s), array(eps_, dt), s), s);
  std::vector<array> out;
  for (int a : argnums) {
    if (a == 0) {
      array gw = multiply(g, w, s);
      array t = mean(multiply(gw, x, s), std::vector<int>{-1}, true, s);
      array n3 = multiply(n, square(n, s), s);
      array dx = subtract(multiply(gw, n, s), multiply(multiply(x, t, s), n3, s), s);
      out.push_back(astype(dx, x0.dtype(), s));
    } else {
      if (w0.ndim() == 0)
        out.push_back(zeros_like(w0, s));
      else
        out.push_back(astype(sum_rows(multiply(g, multiply(x, n, s), s), s), w0.dtype(), s));
    }
  }
  return out;
}

std::vector<array> RMSNorm::jvp(const std::vector<array>& primals,
                                const std::vector<array>& tangents,
                                const std::vector<int>& argnums) {
  Stream s = stream();
  Dtype odt = primals[0].dtype(), dt = work_type(odt);
  array x = astype(primals[0], dt, s), w = astype(primals[1], dt, s);
  array n = rsqrt(add(mean(square(x, s), std::vector<int>{-1}, true, s), array(eps_, dt), s), s);
  std::optional<array> out;
  for (size_t i = 0; i < argnums.size(); ++i) {
    array t = astype(tangents[i], dt, s);
    array d = [&] {
      if (argnums[i] == 1) return multiply(t, multiply(x, n, s), s);
      // d(x n) = t n - x n^3 mean(x t)
      array m = mean(multiply(x, t, s), std::vector<int>{-1}, true, s);
      array n3 = multiply(n, square(n, s), s);
      return multiply(w, subtract(multiply(t, n, s), multiply(x, multiply(n3, m, s), s), s), s);
    }();
    out = out ? add(*out, d, s) : d;
  }
  return {astype(*out, odt, s)};
}

Batched RMSNorm::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  Stream s = stream();
  auto [x, ax] = batch_off_last(inputs[0], axes[0], s);
  Dtype dt = x.dtype();
  if (axes[1] < 0) {
    Shape sh = x.shape();
    return {{array(std::move(sh), dt, std::make_shared<RMSNorm>(s, eps_), {x, inputs[1]})}, {ax}};
  }
  // A batched weight: normalise without it, then multiply by (V, 1.., D).
  if (ax > 0) x = moveaxis(x, ax, 0, s);
  Shape sh = x.shape();
  array y(std::move(sh), dt, std::make_shared<RMSNorm>(s, eps_), {x, array(1, dt)});
  int rank = inputs[0].ndim() - (axes[0] >= 0) + 1;
  return {{multiply(y, param_rows(inputs[1], axes[1], rank, s), s)}, {0}};
}

std::vector<Shape> RMSNorm::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- LayerNorm: y = (x - mu) n * w + b, n = rsqrt(var + eps) ----------------------------------

std::vector<array> LayerNorm::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents,
                                  const std::vector<int>& argnums, const std::vector<array>&) {
  Stream s = stream();
  const array& x0 = primals[0];
  Dtype dt = work_type(x0.dtype());
  array x = astype(x0, dt, s), w = astype(primals[1], dt, s), g = astype(cotangents[0], dt, s);
  std::vector<int> last{-1};
  array xc = subtract(x, mean(x, last, true, s), s);
  array n = rsqrt(add(mean(square(xc, s), last, true, s), array(eps_, dt), s), s);
  array xh = multiply(xc, n, s);
  std::vector<array> out;
  for (int a : argnums) {
    if (a == 0) {
      // n (wg - mean(wg) - xh mean(wg xh))
      array wg = multiply(w, g, s);
      array t = subtract(subtract(wg, mean(wg, last, true, s), s),
                         multiply(xh, mean(multiply(wg, xh, s), last, true, s), s), s);
      out.push_back(astype(multiply(n, t, s), x0.dtype(), s));
    } else {
      const array& p = primals[a];
      if (p.ndim() == 0)
        out.push_back(zeros_like(p, s));
      else if (a == 1)
        out.push_back(astype(sum_rows(multiply(g, xh, s), s), p.dtype(), s));
      else
        out.push_back(astype(sum_rows(g, s), p.dtype(), s));
    }
  }
  return out;
}

std::vector<array> LayerNorm::jvp(const std::vector<array>& primals,
                                  const std::vector<array>& tangents,
                                  const std::vector<int>& argnums) {
  Stream s = stream();
  Dtype odt = primals[0].dtype(), dt = work_type(odt);
  array x = astype(primals[0], dt, s), w = astype(primals[1], dt, s);
  std::vector<int> last{-1};
  array xc = subtract(x, mean(x, last, true, s), s);
  array n = rsqrt(add(mean(square(xc, s), last, true, s), array(eps_, dt), s), s);
  array xh = multiply(xc, n, s);
  std::optional<array> out;
  for (size_t i = 0; i < argnums.size(); ++i) {
    array t = astype(tangents[i], dt, s);
    array d = [&] {
      if (argnums[i] == 2) return t;
      if (argnums[i] == 1) return multiply(t, xh, s);
      // d xh = n (tc - xh mean(xh tc)), tc = t - mean(t)
      array tc = subtract(t, mean(t, last, true, s), s);
      array dxh = multiply(
          n, subtract(tc, multiply(xh, mean(multiply(xh, tc, s), last, true, s), s), s), s);
      return multiply(w, dxh, s);
    }();
    out = out ? add(*out, d, s) : d;
  }
  return {astype(*out, odt, s)};
}

Batched LayerNorm::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  Stream s = stream();
  auto [x, ax] = batch_off_last(inputs[0], axes[0], s);
  Dtype dt = x.dtype();
  if (axes[1] < 0 && axes[2] < 0) {
    Shape sh = x.shape();
    return {
        {array(std::move(sh), dt, std::make_shared<LayerNorm>(s, eps_), {x, inputs[1], inputs[2]})},
        {ax}};
  }
  // A batched weight or bias: normalise without them, then apply them as (V, 1.., D).
  if (ax > 0) x = moveaxis(x, ax, 0, s);
  Shape sh = x.shape();
  array y(std::move(sh), dt, std::make_shared<LayerNorm>(s, eps_), {x, array(1, dt), array(0, dt)});
  int rank = inputs[0].ndim() - (axes[0] >= 0) + 1;
  auto param = [&](int i) {
    if (axes[i] >= 0) return param_rows(inputs[i], axes[i], rank, s);
    return inputs[i];
  };
  y = add(multiply(y, param(1), s), param(2), s);
  // An unbatched x with 0-d parameters cannot reach here; the batch is in front.
  return {{y}, {0}};
}

std::vector<Shape> LayerNorm::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- RoPE ------------------------------------------------------------------------------------

namespace {

// MLX's composition for one rope call (x (B, ..., T, D), offset 1 or B values, freqs (dims/2)):
// what its CPU back-end differentiates for the frequencies.
array rope_single(const array& x, const array& offset, const array& freqs, int dims,
                  bool traditional, float scale, bool forward, Stream s) {
  array off = broadcast_to(reshape(offset, {1, -1}, s), {1, x.shape(0)}, s);
  array y = rope_composed(expand_dims(x, {0}, s), off, expand_dims(freqs, {0}, s), dims,
                          traditional, scale, forward, s);
  return squeeze(y, {0}, s);
}

}  // namespace

std::vector<array> RoPE::vjp(const std::vector<array>& primals,
                             const std::vector<array>& cotangents, const std::vector<int>& argnums,
                             const std::vector<array>&) {
  for (int a : argnums)
    if (a == 1)
      throw std::invalid_argument("[RoPE::vjp] vjp for offset or frequencies not supported");
  Stream s = stream();
  std::vector<array> out;
  for (int a : argnums) {
    if (a == 0) {
      // The rotation is orthogonal: its transpose is the inverse rotation.
      std::vector<array> in = primals;
      in[0] = cotangents[0];
      Shape sh = in[0].shape();
      Dtype dt = in[0].dtype();
      out.push_back(array(std::move(sh), dt,
                          std::make_shared<RoPE>(s, dims_, traditional_, base_, scale_, !forward_),
                          std::move(in)));
    } else {
      // The frequencies: through MLX's composition (as its CPU back-end does).
      auto fun = [&](const std::vector<array>& f) {
        return std::vector<array>{
            rope_single(primals[0], primals[1], f[0], dims_, traditional_, scale_, forward_, s)};
      };
      out.push_back(mlx::core::vjp(fun, {primals[2]}, cotangents).second[0]);
    }
  }
  return out;
}

std::vector<array> RoPE::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                             const std::vector<int>& argnums) {
  for (int a : argnums)
    if (a == 1)
      throw std::invalid_argument("[RoPE::jvp] jvp for offset or frequencies not supported");
  Stream s = stream();
  std::optional<array> out;
  for (size_t i = 0; i < argnums.size(); ++i) {
    array d = [&] {
      if (argnums[i] == 0) {
        // Linear in x: the same rotation of the tangent.
        std::vector<array> in = primals;
        in[0] = tangents[i];
        Shape sh = in[0].shape();
        Dtype dt = in[0].dtype();
        return array(std::move(sh), dt,
                     std::make_shared<RoPE>(s, dims_, traditional_, base_, scale_, forward_),
                     std::move(in));
      }
      auto fun = [&](const std::vector<array>& f) {
        return std::vector<array>{
            rope_single(primals[0], primals[1], f[0], dims_, traditional_, scale_, forward_, s)};
      };
      return mlx::core::jvp(fun, {primals[2]}, {tangents[i]}).second[0];
    }();
    out = out ? add(*out, d, s) : d;
  }
  return {*out};
}

Batched RoPE::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  Stream s = stream();
  auto node = [&](std::vector<array> in) {
    Shape sh = in[0].shape();
    Dtype dt = in[0].dtype();
    return array(std::move(sh), dt,
                 std::make_shared<RoPE>(s, dims_, traditional_, base_, scale_, forward_),
                 std::move(in));
  };
  const array& x0 = inputs[0];
  const array& off0 = inputs[1];
  int ax = axes[0], ao = axes[1];
  bool has_freqs = inputs.size() == 3;
  if (has_freqs && axes[2] >= 0) {
    // Batched frequencies change the cos/sin tables: MLX's composition, batch in front.
    int V = inputs[2].shape(axes[2]);
    array x = batch_front(x0, ax, V, s);  // (V, B, ..., T, D)
    int B = x.shape(1);
    array off = ao >= 0 ? batch_front(off0, ao, V, s) : expand_dims(off0, {0}, s);
    off = broadcast_to(reshape(off, {off.shape(0), -1}, s), {V, B}, s);
    array fr = batch_front(inputs[2], axes[2], V, s);  // (V, dims / 2)
    return {{rope_composed(x, off, fr, dims_, traditional_, scale_, forward_, s)}, {0}};
  }
  std::vector<array> rest(inputs.begin() + 2, inputs.end());
  if (ao < 0) {
    int nd = x0.ndim();
    if (off0.size() == 1) {
      // One offset: the batch can be any leading dim (not the last two).
      array x = x0;
      if (ax >= nd - 2) {
        x = moveaxis(x0, ax, 0, s);
        ax = 0;
      }
      std::vector<array> in{x, off0};
      in.insert(in.end(), rest.begin(), rest.end());
      return {{node(std::move(in))}, {ax}};
    }
    // One offset per batch element of dim 0: the vmap batch goes right after it.
    array x = ax == 1 ? x0 : moveaxis(x0, ax, 1, s);
    std::vector<array> in{x, off0};
    in.insert(in.end(), rest.begin(), rest.end());
    return {{node(std::move(in))}, {1}};
  }
  // Batched offsets: fold the vmap batch into dim 0, with an offset per (v, b).
  int V = off0.shape(ao);
  array x = batch_front(x0, ax, V, s);  // (V, B, ...)
  int B = x.shape(1);
  array off = ao > 0 ? moveaxis(off0, ao, 0, s) : off0;
  off = broadcast_to(reshape(off, {V, -1}, s), {V, B}, s);
  std::vector<array> in{flatten(x, 0, 1, s), flatten(off, 0, 1, s)};
  in.insert(in.end(), rest.begin(), rest.end());
  return {{unflatten(node(std::move(in)), 0, {V, B}, s)}, {0}};
}

std::vector<Shape> RoPE::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- ScaledDotProductAttention ------------------------------------------------------------------

std::vector<array> ScaledDotProductAttention::vjp(const std::vector<array>& primals,
                                                  const std::vector<array>& cotangents,
                                                  const std::vector<int>& argnums,
                                                  const std::vector<array>&) {
  std::vector<array> sel;
  for (int a : argnums) sel.push_back(primals[a]);
  auto fun = [&](const std::vector<array>& xs) {
    std::vector<array> in = primals;
    for (size_t i = 0; i < argnums.size(); ++i) in[argnums[i]] = xs[i];
    return std::vector<array>{sdpa_composed(in, scale_, causal_, has_mask_, has_sinks_, stream())};
  };
  return mlx::core::vjp(fun, sel, cotangents).second;
}

std::vector<array> ScaledDotProductAttention::jvp(const std::vector<array>& primals,
                                                  const std::vector<array>& tangents,
                                                  const std::vector<int>& argnums) {
  std::vector<array> sel;
  for (int a : argnums) sel.push_back(primals[a]);
  auto fun = [&](const std::vector<array>& xs) {
    std::vector<array> in = primals;
    for (size_t i = 0; i < argnums.size(); ++i) in[argnums[i]] = xs[i];
    return std::vector<array>{sdpa_composed(in, scale_, causal_, has_mask_, has_sinks_, stream())};
  };
  return mlx::core::jvp(fun, sel, tangents).second;
}

Batched ScaledDotProductAttention::vmap(const std::vector<array>& inputs,
                                        const std::vector<int>& axes) {
  Stream s = stream();
  if (has_sinks_ && axes.back() >= 0) {
    // Batched sinks (per head): vmap the composition.
    float scale = scale_;
    bool causal = causal_, has_mask = has_mask_;
    VecFn fun = [=](const std::vector<array>& in) {
      return std::vector<array>{sdpa_composed(in, scale, causal, has_mask, true, s)};
    };
    return {mlx::core::vmap(fun, axes)(inputs), {0}};
  }
  // Fold the batch into B.
  int V = -1;
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] >= 0) V = inputs[i].shape(axes[i]);
  int n = 3 + int(has_mask_);
  std::vector<array> in;
  for (int i = 0; i < n; ++i) in.push_back(flatten(batch_front(inputs[i], axes[i], V, s), 0, 1, s));
  if (has_sinks_) in.push_back(inputs.back());
  Shape sh{in[0].shape(0), in[0].shape(1), in[0].shape(2), in[2].shape(3)};
  int B = V > 0 ? in[0].shape(0) / V : 0;
  Dtype dt = in[0].dtype();
  array out(std::move(sh), dt,
            std::make_shared<ScaledDotProductAttention>(s, scale_, causal_, has_mask_, has_sinks_),
            std::move(in));
  return {{unflatten(out, 0, {V, B}, s)}, {0}};
}

std::vector<Shape> ScaledDotProductAttention::output_shapes(const std::vector<array>& inputs) {
  return {{inputs[0].shape(0), inputs[0].shape(1), inputs[0].shape(2), inputs[2].shape(3)}};
}

}  // namespace mlx::core::fast
