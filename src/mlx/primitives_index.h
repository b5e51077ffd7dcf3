// Primitives of ops_index.cpp; their CPU kernels are in backend/cpu/index.cpp.
// Index arrays may be of any integer dtype; a negative index counts from the end of its axis
// (as MLX's kernels do). An index still outside its axis fails the evaluation with
// std::out_of_range naming the op (MLX leaves that undefined; here it must not crash).
#pragma once

#include <string>

#include "primitives.h"

namespace mlx::core {

// How a scatter combines an update with the value already there. Repeated indices apply in
// order (None: the last write wins; the others accumulate).
enum class ScatterOp : uint8_t { None, Sum, Prod, Max, Min };

// out[i..., s...] = a[base(i) + s], where base(i) holds idx_j[i...] on axes[j] and 0 on the other
// axes; inputs are (a, idx_0, ..., idx_k-1), the index arrays of one shape and one dtype; the
// output shape is idx shape + slice_sizes.
class Gather : public UnaryPrimitive {
 public:
  Gather(Stream s, std::vector<int> axes, Shape slice_sizes, std::string op = "gather")
      : UnaryPrimitive(s), axes_(std::move(axes)), slice_sizes_(std::move(slice_sizes)),
        op_(std::move(op)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Gather"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Gather*>(&o);
    return p && p->axes_ == axes_ && p->slice_sizes_ == slice_sizes_;
  }
  const std::vector<int>& axes() const { return axes_; }
  const Shape& slice_sizes() const { return slice_sizes_; }

 private:
  std::vector<int> axes_;
  Shape slice_sizes_;
  std::string op_;  // names the op in index errors
};

// The inverse of Gather: inputs (a, idx_0, ..., idx_k-1, updates) with updates of shape
// idx shape + slice shape (a.ndim() dims); out = a with update slice i combined at base(i).
class Scatter : public UnaryPrimitive {
 public:
  Scatter(Stream s, ScatterOp op, std::vector<int> axes, std::string opname = "scatter")
      : UnaryPrimitive(s), op_(op), axes_(std::move(axes)), opname_(std::move(opname)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override;
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Scatter*>(&o);
    return p && p->op_ == op_ && p->axes_ == axes_;
  }
  ScatterOp op() const { return op_; }
  const std::vector<int>& axes() const { return axes_; }

 private:
  ScatterOp op_;
  std::vector<int> axes_;
  std::string opname_;
};

// take_along_axis: inputs (a, idx) of one shape except along `axis`; out has idx's shape and
// out[..., j, ...] = a[..., idx[..., j, ...], ...].
class GatherAxis : public UnaryPrimitive {
 public:
  GatherAxis(Stream s, int axis, std::string op = "take_along_axis")
      : UnaryPrimitive(s), axis_(axis), op_(std::move(op)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "GatherAxis"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const GatherAxis*>(&o);
    return p && p->axis_ == axis_;
  }

 private:
  int axis_;
  std::string op_;
};

// put_along_axis (None) and its accumulating form (Sum): inputs (a, idx, values), idx and values
// of one shape, which matches a's except along `axis`.
class ScatterAxis : public UnaryPrimitive {
 public:
  ScatterAxis(Stream s, ScatterOp op, int axis) : UnaryPrimitive(s), op_(op), axis_(axis) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return op_ == ScatterOp::None ? "ScatterAxis" : "ScatterAddAxis"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const ScatterAxis*>(&o);
    return p && p->op_ == op_ && p->axis_ == axis_;
  }

 private:
  ScatterOp op_;
  int axis_;
};

// a[mask] = values: inputs (a, mask of a's shape, values); the k-th true position of the mask
// (row-major order) takes the k-th element of values (row-major order).
class MaskedScatter : public UnaryPrimitive {
 public:
  MaskedScatter(Stream s, std::string op = "masked_scatter")
      : UnaryPrimitive(s), op_(std::move(op)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "MaskedScatter"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    return dynamic_cast<const MaskedScatter*>(&o) != nullptr;
  }

 private:
  std::string op_;
};

// mx.slice with start indices in an array: inputs (a, start); start[i] is the first index on
// axes[i] (negative counts from the end); the output has shape slice_size.
class DynamicSlice : public UnaryPrimitive {
 public:
  DynamicSlice(Stream s, std::vector<int> axes, Shape slice_size)
      : UnaryPrimitive(s), axes_(std::move(axes)), slice_size_(std::move(slice_size)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "DynamicSlice"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const DynamicSlice*>(&o);
    return p && p->axes_ == axes_ && p->slice_size_ == slice_size_;
  }

 private:
  std::vector<int> axes_;
  Shape slice_size_;
};

// mx.slice_update with start indices in an array: inputs (src, update, start); the update
// (src.ndim() dims) is written at start on axes (0 on the other axes).
class DynamicSliceUpdate : public UnaryPrimitive {
 public:
  DynamicSliceUpdate(Stream s, std::vector<int> axes) : UnaryPrimitive(s), axes_(std::move(axes)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "DynamicSliceUpdate"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const DynamicSliceUpdate*>(&o);
    return p && p->axes_ == axes_;
  }

 private:
  std::vector<int> axes_;
};

// Basic indexing as one view: per input axis a start and a step (an integer index is a step-0
// axis that is dropped); out_src[d] is the input axis behind output dim d, or -1 for a new axis.
// count[i] is the number of elements taken on axis i (-1: an integer index); jvp and vmap need it.
class IndexView : public UnaryPrimitive {
 public:
  IndexView(Stream s, Shape start, Shape step, std::vector<int> out_src, Shape count = {})
      : UnaryPrimitive(s), start_(std::move(start)), step_(std::move(step)), out_src_(std::move(out_src)),
        count_(std::move(count)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "IndexView"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const IndexView*>(&o);
    return p && p->start_ == start_ && p->step_ == step_ && p->out_src_ == out_src_;
  }

 private:
  Shape start_, step_;
  std::vector<int> out_src_;
  Shape count_;
};

}  // namespace mlx::core
