// Primitives of ops_shape.cpp; their CPU kernels are in backend/cpu/shape.cpp (Flatten and
// Unflatten share Reshape's, in primitives_cpu.cpp). All of them move data without looking at
// it, so every dtype passes through bit for bit.
#pragma once

#include <string>

#include "primitives.h"

namespace mlx::core {

// A strided window of the input (a view: shares the buffer). start/strides are normalised
// by the op (start in range, non-zero strides; a negative stride walks backwards).
class Slice : public UnaryPrimitive {
 public:
  Slice(Stream s, Shape start, Shape stop, Shape strides)
      : UnaryPrimitive(s), start_(std::move(start)), stop_(std::move(stop)),
        strides_(std::move(strides)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Slice"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Slice*>(&o);
    return p && p->start_ == start_ && p->stop_ == stop_ && p->strides_ == strides_;
  }

 private:
  Shape start_, stop_, strides_;
};

// The first input with the strided window written from the second (same dtype, already
// broadcast to the window's shape). Reuses the first input's buffer when nothing else
// holds it.
class SliceUpdate : public UnaryPrimitive {
 public:
  SliceUpdate(Stream s, Shape start, Shape stop, Shape strides)
      : UnaryPrimitive(s), start_(std::move(start)), stop_(std::move(stop)),
        strides_(std::move(strides)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "SliceUpdate"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const SliceUpdate*>(&o);
    return p && p->start_ == start_ && p->stop_ == stop_ && p->strides_ == strides_;
  }

 private:
  Shape start_, stop_, strides_;
};

// Inputs of one dtype joined along `axis` into a row-contiguous output.
class Concatenate : public UnaryPrimitive {
 public:
  Concatenate(Stream s, int axis) : UnaryPrimitive(s), axis_(axis) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Concatenate"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Concatenate*>(&o);
    return p && p->axis_ == axis_;
  }

 private:
  int axis_;
};

enum class PadMode : uint8_t { constant, edge, reflect, symmetric };

// Pads every axis of the input by low[d] before and high[d] after (non-negative). Inputs:
// the array and, for constant mode, a scalar of its dtype.
class Pad : public UnaryPrimitive {
 public:
  Pad(Stream s, Shape low, Shape high, PadMode mode)
      : UnaryPrimitive(s), low_(std::move(low)), high_(std::move(high)), mode_(mode) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Pad"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Pad*>(&o);
    return p && p->low_ == low_ && p->high_ == high_ && p->mode_ == mode_;
  }

 private:
  Shape low_, high_;
  PadMode mode_;
};

// A view with the given shape, element strides and element offset into a row-contiguous
// input (the op checks that every element it can reach lies inside the input).
class AsStrided : public UnaryPrimitive {
 public:
  AsStrided(Stream s, Shape shape, Strides strides, int64_t offset)
      : UnaryPrimitive(s), shape_(std::move(shape)), strides_(std::move(strides)),
        offset_(offset) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "AsStrided"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const AsStrided*>(&o);
    return p && p->shape_ == shape_ && p->strides_ == strides_ && p->offset_ == offset_;
  }

 private:
  Shape shape_;
  Strides strides_;
  int64_t offset_;
};

// The input itself when it is row contiguous (or column contiguous, if allowed), else a
// row-contiguous copy.
class Contiguous : public UnaryPrimitive {
 public:
  Contiguous(Stream s, bool allow_col_major) : UnaryPrimitive(s), allow_col_(allow_col_major) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Contiguous"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Contiguous*>(&o);
    return p && p->allow_col_ == allow_col_;
  }

 private:
  bool allow_col_;
};

// Dims start..end (normalised, start < end) merged into one: a reshape whose output follows
// any input shape, so shapeless compile and import can replay it (MLX's Flatten).
class Flatten : public UnaryPrimitive {
 public:
  Flatten(Stream s, int start, int end) : UnaryPrimitive(s), start_(start), end_(end) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Flatten"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Flatten*>(&o);
    return p && p->start_ == start_ && p->end_ == end_;
  }
  static Shape output_shape(const Shape& in, int start, int end);

 private:
  int start_, end_;
};

// Dim `axis` (normalised) split into `shape`, which keeps the caller's -1 (if any) so that a
// shapeless replay infers it again from the new size of that dim. (MLX's Unflatten stores the
// resolved size, and a replay on a new size keeps the traced shape.)
class Unflatten : public UnaryPrimitive {
 public:
  Unflatten(Stream s, int axis, Shape shape)
      : UnaryPrimitive(s), axis_(axis), shape_(std::move(shape)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Unflatten"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Unflatten*>(&o);
    return p && p->axis_ == axis_ && p->shape_ == shape_;
  }
  // The output shape for an input of shape `in`, with MLX's [unflatten] errors; `shown_axis`
  // is the axis as the caller wrote it, for the messages.
  static Shape output_shape(const Shape& in, int axis, Shape shape, int shown_axis);

 private:
  int axis_;
  Shape shape_;
};

}  // namespace mlx::core
