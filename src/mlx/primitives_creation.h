// Primitives of ops_creation.cpp; their CPU kernels are in backend/cpu/creation.cpp.
#pragma once

#include <optional>

#include "primitives.h"

namespace mlx::core {

// num evenly spaced values, computed as MLX does: t = i / d in the inner type (float64 for a
// float64 output, float32 otherwise), (1 - t) * start + t * stop, then converted to the output
// dtype. d is num - 1 with the endpoint, num without.
class Linspace : public UnaryPrimitive {
 public:
  Linspace(Stream s, double start, double stop, bool endpoint)
      : UnaryPrimitive(s), start_(start), stop_(stop), endpoint_(endpoint) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  const char* name() const override { return "Linspace"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Linspace*>(&o);
    return p && p->start_ == start_ && p->stop_ == stop_ && p->endpoint_ == endpoint_;
  }

 private:
  double start_, stop_;
  bool endpoint_;
};

// A 2-d (n, m) output of ones where the pattern selects and zeros elsewhere: the k-th
// diagonal (eye) or everything at and below it (tri).
class Diagonal2D : public UnaryPrimitive {
 public:
  enum class Kind : uint8_t { eye, tri };
  Diagonal2D(Stream s, Kind kind, int k) : UnaryPrimitive(s), kind_(kind), k_(k) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  const char* name() const override { return kind_ == Kind::eye ? "Eye" : "Tri"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Diagonal2D*>(&o);
    return p && p->kind_ == kind_ && p->k_ == k_;
  }

 private:
  Kind kind_;
  int k_;
};

// Keeps the elements at and below (tril) or at and above (triu) the k-th diagonal of the
// last two axes and zeros the rest; any leading batch axes, any dtype, any input layout.
class Triangular : public UnaryPrimitive {
 public:
  Triangular(Stream s, bool upper, int k) : UnaryPrimitive(s), upper_(upper), k_(k) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return upper_ ? "Triu" : "Tril"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Triangular*>(&o);
    return p && p->upper_ == upper_ && p->k_ == k_;
  }

 private:
  bool upper_;
  int k_;
};

// numpy's window functions of length M (the output size), computed in double and rounded
// once to the float32 output.
class Window : public UnaryPrimitive {
 public:
  enum class Kind : uint8_t { bartlett, hanning, hamming, blackman };
  Window(Stream s, Kind kind) : UnaryPrimitive(s), kind_(kind) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  const char* name() const override;
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Window*>(&o);
    return p && p->kind_ == kind_;
  }

 private:
  Kind kind_;
};

// The input's bytes read as the output dtype (the last axis rescaled by the itemsize ratio).
// Shares the input's memory where the layout allows, as MLX does; copies otherwise. The output
// dtype is kept for vmap (optional for rebuilt views).
class View : public UnaryPrimitive {
 public:
  explicit View(Stream s, std::optional<Dtype> dtype = std::nullopt) : UnaryPrimitive(s), dtype_(dtype) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_VMAP
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "View"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const View*>(&o);
    return p && p->dtype_ == dtype_;
  }

 private:
  std::optional<Dtype> dtype_;
};

// float8 e4m3 (stored in uint8) from a floating input, or back to a floating output,
// bit for bit as MLX's CPU kernels.
// The floating dtype of from_fp8's output is kept for vmap (optional for rebuilt primitives).
class ConvertFP8 : public UnaryPrimitive {
 public:
  ConvertFP8(Stream s, bool to_fp8, std::optional<Dtype> dtype = std::nullopt)
      : UnaryPrimitive(s), to_fp8_(to_fp8), dtype_(dtype) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_VMAP
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return to_fp8_ ? "ToFP8" : "FromFP8"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const ConvertFP8*>(&o);
    return p && p->to_fp8_ == to_fp8_ && p->dtype_ == dtype_;
  }

 private:
  bool to_fp8_;
  std::optional<Dtype> dtype_;
};

}  // namespace mlx::core
