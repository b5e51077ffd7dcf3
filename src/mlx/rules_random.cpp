// vmap and jvp rules of the random primitives (primitives_random.h); RandomSample's vjp is in
// random.cpp. As in MLX, keys and draws are not differentiable (zero derivatives), except
// uniform's bounds through (hi - lo) * u + lo and truncated_normal's through MLX's composition
// clip(sqrt2 erfinv(uniform(erf(lower / sqrt2), erf(upper / sqrt2))), lower, upper).
// vmap over a batch of keys gives each key its own draws, exactly those of an unbatched call
// with that key (MLX's batched RandomBits); the kernels draw under one key, so a batch of keys
// becomes one node per key, stacked. Batched parameters under one key share the key's draws:
// uniform's bounds broadcast over the one draw; the other kinds take one node per element.
#include <functional>
#include <stdexcept>
#include <string>

#include "autograd.h"
#include "ops.h"
#include "primitives_random.h"
#include "rules_common.h"

namespace mlx::core {

namespace {

using rules::Batched;

Dtype bits_dtype(int width) { return width == 4 ? uint32 : width == 2 ? uint16 : uint8; }

// One node per batch element (every batched input sliced at it), stacked on axis 0.
Batched per_element(const std::vector<array>& inputs, const std::vector<int>& axes,
                    const Shape& out_shape, Dtype dt,
                    const std::function<array(const std::vector<array>&)>& build, Stream s) {
  int b = 0;
  for (size_t k = 0; k < inputs.size(); ++k)
    if (axes[k] >= 0) b = inputs[k].shape(axes[k]);
  if (b == 0) {
    Shape shape = out_shape;
    shape.insert(shape.begin(), 0);
    return {{zeros(shape, dt, s)}, {0}};
  }
  std::vector<array> outs;
  for (int i = 0; i < b; ++i) {
    std::vector<array> in;
    for (size_t k = 0; k < inputs.size(); ++k)
      in.push_back(axes[k] >= 0 ? take(inputs[k], i, axes[k], s) : inputs[k]);
    outs.push_back(build(in));
  }
  return {{stack(outs, 0, s)}, {0}};
}

}  // namespace

// ---- RandomBits, RandomSplit ----------------------------------------------------------------

std::vector<array> RandomBits::vjp(const std::vector<array>& primals, const std::vector<array>&,
                                   const std::vector<int>&, const std::vector<array>&) {
  return {zeros_like(primals[0], stream())};
}
std::vector<array> RandomBits::jvp(const std::vector<array>&, const std::vector<array>&,
                                   const std::vector<int>&) {
  return {zeros(shape_, bits_dtype(width_), stream())};
}
std::pair<std::vector<array>, std::vector<int>> RandomBits::vmap(const std::vector<array>& inputs,
                                                                 const std::vector<int>& axes) {
  Stream s = stream();
  Dtype dt = bits_dtype(width_);
  auto build = [&](const std::vector<array>& in) {
    return array(shape_, dt, std::make_shared<RandomBits>(s, shape_, width_), {in[0]});
  };
  return per_element(inputs, axes, shape_, dt, build, s);
}

std::vector<array> RandomSplit::vjp(const std::vector<array>& primals, const std::vector<array>&,
                                    const std::vector<int>&, const std::vector<array>&) {
  return {zeros_like(primals[0], stream())};
}
std::vector<array> RandomSplit::jvp(const std::vector<array>&, const std::vector<array>&,
                                    const std::vector<int>&) {
  return {zeros({2}, uint32, stream())};
}
std::pair<std::vector<array>, std::vector<int>> RandomSplit::vmap(const std::vector<array>& inputs,
                                                                  const std::vector<int>& axes) {
  Stream s = stream();
  auto build = [&](const std::vector<array>& in) {
    return array(Shape{2}, uint32, std::make_shared<RandomSplit>(s, row_), {in[0]});
  };
  return per_element(inputs, axes, Shape{2}, uint32, build, s);
}

// ---- RandomSample ---------------------------------------------------------------------------

namespace {

// The uniform draw u on [0, 1) of a Uniform sample's key.
array unit_uniform(const array& key, const Shape& shape, Dtype dt, Stream s) {
  return array(shape, dt,
               std::make_shared<RandomSample>(s, RandomKind::Uniform, 0.0f, 0.0f, false, shape, dt),
               {key, array(0.0f, dt), array(1.0f, dt)});
}

}  // namespace

array trunc_normal_partial(int arg, const std::vector<array>& primals, const array& out, Stream s) {
  Dtype dt = out.dtype();
  const array& lo = primals[1];
  const array& hi = primals[2];
  const array& bound = primals[arg];
  // Inside the bounds: d out / d bound = exp((out^2 - bound^2) / 2) * (1 - u or u), u the
  // sample's uniform draw; clipped to a bound: 1 for that bound (MLX's maximum / minimum masks).
  array u = unit_uniform(primals[0], out.shape(), dt, s);
  array w = arg == 1 ? subtract(array(1.0f, dt), u, s) : u;
  array through = multiply(
      exp(multiply(array(0.5f, dt), subtract(square(out, s), square(bound, s), s), s), s), w, s);
  array above = greater(out, lo, s);
  array inside = logical_and(above, less(out, hi, s), s);
  array clipped =
      arg == 1 ? logical_not(above, s) : logical_and(above, greater_equal(out, hi, s), s);
  return where(inside, through, astype(clipped, dt, s), s);
}

void RandomSample::require_shape() const {
  if (!shape_)
    throw std::invalid_argument(std::string("[") + name() +
                                "] The sample's shape is unknown (an imported node), so it "
                                "cannot be transformed.");
}

std::vector<array> RandomSample::jvp(const std::vector<array>& primals,
                                     const std::vector<array>& tangents,
                                     const std::vector<int>& argnums) {
  require_shape();
  Stream s = stream();
  std::optional<array> out;
  for (size_t i = 0; i < argnums.size(); ++i) {
    int arg = argnums[i];
    if (kind_ == RandomKind::Uniform && arg > 0) {
      // out = (hi - lo) * u + lo: d lo = 1 - u, d hi = u.
      array u = unit_uniform(primals[0], *shape_, dtype_, s);
      array w = arg == 2 ? u : subtract(array(1.0f, dtype_), u, s);
      array t = multiply(astype(tangents[i], dtype_, s), w, s);
      out = out ? add(*out, t, s) : t;
    } else if (kind_ == RandomKind::TruncNormal && arg > 0) {
      array sample =
          array(*shape_, dtype_,
                std::make_shared<RandomSample>(s, kind_, a_, b_, flag_, shape_, dtype_), primals);
      array t = multiply(astype(tangents[i], dtype_, s),
                         trunc_normal_partial(arg, primals, sample, s), s);
      out = out ? add(*out, t, s) : t;
    } else if (arg != 0 && kind_ != RandomKind::Bernoulli && kind_ != RandomKind::RandInt) {
      return Primitive::jvp(primals, tangents, argnums);
    }
  }
  if (!out) return {zeros(*shape_, dtype_, s)};
  return {*out};
}

std::pair<std::vector<array>, std::vector<int>> RandomSample::vmap(const std::vector<array>& inputs,
                                                                   const std::vector<int>& axes) {
  require_shape();
  Stream s = stream();
  const Shape& shape = *shape_;
  if (kind_ == RandomKind::Uniform && axes[0] < 0) {
    // One key, batched bounds: (hi - lo) * u + lo over the key's one draw.
    auto bound = [&](int k) {
      if (axes[k] < 0) return inputs[k];
      array b = moveaxis(inputs[k], axes[k], 0, s);
      Shape sh(shape.size() + 1, 1);
      sh[0] = b.shape(0);
      return reshape(b, sh, s);
    };
    array lo = bound(1), hi = bound(2);
    array u = unit_uniform(inputs[0], shape, dtype_, s);
    array out = add(multiply(subtract(hi, lo, s), u, s), lo, s);
    if (out.ndim() == int(shape.size())) out = expand_dims(out, std::vector<int>{0}, s);
    return {{out}, {0}};
  }
  auto build = [&](const std::vector<array>& in) {
    return array(shape, dtype_,
                 std::make_shared<RandomSample>(s, kind_, a_, b_, flag_, shape_, dtype_), in);
  };
  return per_element(inputs, axes, shape, dtype_, build, s);
}

}  // namespace mlx::core
