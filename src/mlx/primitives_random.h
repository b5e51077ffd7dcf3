// Primitives of random.cpp; their CPU kernels are in backend/cpu/random.cpp.
#pragma once

#include <optional>

#include "primitives.h"

namespace mlx::core {

// Words of threefry2x32 under one key (the input, uint32 [2]), laid out as MLX's RandomBits:
// of W words with H = W/2 + W%2, word i < W/2 is the first output of counter (i, i + H),
// word i + H its second output, and the middle word of an odd W the first output of
// (W/2, 0). Width 4 is uint32; widths 2 and 1 take the first bytes of the words of
// ceil(size * width / 4) (uint16, uint8).
class RandomBits : public UnaryPrimitive {
 public:
  RandomBits(Stream s, Shape shape, int width)
      : UnaryPrimitive(s), shape_(std::move(shape)), width_(width) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  const char* name() const override { return "RandomBits"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const RandomBits*>(&o);
    return p && p->shape_ == shape_ && p->width_ == width_;
  }

 private:
  Shape shape_;
  int width_;
};

// Row `row` (0 or 1, shape [2]) of bits({2, 2}, key): the two keys of split(key). One node
// per row, so a chain of implicit keys holds no multi-output nodes.
class RandomSplit : public UnaryPrimitive {
 public:
  RandomSplit(Stream s, int row) : UnaryPrimitive(s), row_(row) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  const char* name() const override { return "RandomSplit"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const RandomSplit*>(&o);
    return p && p->row_ == row_;
  }

 private:
  int row_;
};

// A draw per element fused with the arithmetic MLX applies to it in separate ops, each
// step rounded to the dtype as MLX's op would round it. The words are RandomBits' (over
// twice the elements for complex64). Inputs: the key, then per kind:
//   Uniform     lo, hi: size-1, of the output dtype      out = (hi - lo) * u + lo
//   Normal      -                                        out = [sqrt2 *] erfinv(2u - 1 + 2^-24)
//   Gumbel      -                                        out = -log(-log(u))
//   Laplace     - (a = loc, b = scale)                   out = loc + scale * sign(v) log1p(-|v|)
//   Bernoulli   p: size-1, floating                      out = bits < p * nextafter(2^32)
//   RandInt     lo, hi: size-1 float32; lo_d, hi_d: size-1 of the output dtype
//                                                        out = clamp(floor((hi-lo) u + lo))
//   TruncNormal lower, upper: the output dtype, broadcast to the output shape
// with u the uniform in [0, 1) of the dtype (float32 for Normal, Laplace and RandInt).
enum class RandomKind : uint8_t { Uniform, Normal, Gumbel, Laplace, Bernoulli, RandInt, TruncNormal };

class RandomSample : public UnaryPrimitive {
 public:
  // `shape` and `dtype` are the output's (jvp and vmap build samples of them).
  RandomSample(Stream s, RandomKind kind, float a = 0.0f, float b = 0.0f, bool flag = false,
               std::optional<Shape> shape = std::nullopt, Dtype dtype = float32)
      : UnaryPrimitive(s), kind_(kind), a_(a), b_(b), flag_(flag), shape_(std::move(shape)),
        dtype_(dtype) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  // Uniform's bounds get MLX's gradients of (hi - lo) * u + lo; the key, and Bernoulli's and
  // RandInt's parameters, get zeros (their outputs are piecewise constant). random.cpp.
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums, const std::vector<array>& outputs) override;
  // jvp (the same rules) and vmap (batched keys): rules_random.cpp.
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  const char* name() const override;
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const RandomSample*>(&o);
    return p && p->kind_ == kind_ && p->a_ == a_ && p->b_ == b_ && p->flag_ == flag_;
  }

 private:
  RandomKind kind_;
  float a_, b_;  // Laplace: loc, scale
  bool flag_;    // Normal: multiply by sqrt(2) in the output dtype
  std::optional<Shape> shape_;
  Dtype dtype_;
  void require_shape() const;
};

// d out / d lower (arg 1) or d upper (arg 2), elementwise, of the TruncNormal sample `out` of
// the inputs `primals` (rules_random.cpp).
array trunc_normal_partial(int arg, const std::vector<array>& primals, const array& out, Stream s);

}  // namespace mlx::core
