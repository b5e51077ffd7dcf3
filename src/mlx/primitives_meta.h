// Primitives computed from their input's shape, not its data. They let graphs traced by
// shapeless compile follow new input shapes (mean's divisor, for example).
#pragma once

#include <vector>

#include "primitives.h"

namespace mlx::core {

// The number of elements of the input over `axes` (or its inverse), as a scalar of `dtype`.
class NumberOfElements : public UnaryPrimitive {
 public:
  NumberOfElements(Stream s, std::vector<int> axes, bool inverted, Dtype dtype)
      : UnaryPrimitive(s), axes_(std::move(axes)), inverted_(inverted), dtype_(dtype) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "NumberOfElements"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const NumberOfElements*>(&o);
    return p && p->axes_ == axes_ && p->inverted_ == inverted_ && p->dtype_ == dtype_;
  }
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES

  const std::vector<int>& axes() const { return axes_; }
  bool inverted() const { return inverted_; }
  Dtype dtype() const { return dtype_; }

 private:
  std::vector<int> axes_;
  bool inverted_;
  Dtype dtype_;
};

// The element count of `a` over `axes` (or 1 / count) as a scalar of `dtype`: a constant,
// except while tracing with placeholder inputs (compile, vmap), where it is a node so that a
// shapeless replay computes it from the new shape. No gradient flows through it.
array number_of_elements(const array& a, std::vector<int> axes, bool inverted, Dtype dtype,
                         Stream s);

}  // namespace mlx::core
