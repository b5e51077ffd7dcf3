// NumberOfElements: the op, its CPU evaluation and its transform rules.
#include "autograd.h"
#include "ops.h"
#include "primitives_meta.h"

namespace mlx::core {

array number_of_elements(const array& a, std::vector<int> axes, bool inverted, Dtype dtype,
                         Stream s) {
  if (!detail::in_dynamic_tracing()) {
    double n = 1;
    for (int ax : axes) n *= double(a.shape(ax));
    return array(inverted ? 1.0 / n : n, dtype);
  }
  return stop_gradient(
      array(Shape{}, dtype, std::make_shared<NumberOfElements>(s, std::move(axes), inverted, dtype),
            {a}),
      s);
}

void NumberOfElements::eval_cpu(const std::vector<array>& inputs, array& out) {
  double n = 1;
  for (int ax : axes_) n *= double(inputs[0].shape(ax));
  out.copy_shared_buffer(array(inverted_ ? 1.0 / n : n, dtype_));
}

// A function of the shape only: zero derivatives.
std::vector<array> NumberOfElements::vjp(const std::vector<array>& primals,
                                         const std::vector<array>&, const std::vector<int>& argnums,
                                         const std::vector<array>&) {
  std::vector<array> out;
  for (int i : argnums) out.push_back(zeros_like(primals[size_t(i)], stream()));
  return out;
}

std::vector<array> NumberOfElements::jvp(const std::vector<array>&, const std::vector<array>&,
                                         const std::vector<int>&) {
  return {array(0.0, dtype_)};
}

// The count does not depend on the batch: same axes, shifted past the batch axis.
std::pair<std::vector<array>, std::vector<int>> NumberOfElements::vmap(
    const std::vector<array>& inputs, const std::vector<int>& axes) {
  std::vector<int> shifted = axes_;
  if (axes[0] >= 0)
    for (int& d : shifted)
      if (d >= axes[0]) ++d;
  array out(Shape{}, dtype_, std::make_shared<NumberOfElements>(stream(), shifted, inverted_, dtype_),
            {inputs[0]});
  return {{out}, {-1}};
}

std::vector<Shape> NumberOfElements::output_shapes(const std::vector<array>&) { return {Shape{}}; }

}  // namespace mlx::core
