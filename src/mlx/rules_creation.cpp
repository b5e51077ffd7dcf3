// vjp, jvp and vmap rules (and output-shape inference) of the creation primitives
// (primitives_creation.h). Linspace, eye/tri and the windows have no inputs, so no transform
// ever reaches them (as Arange). tril/triu are linear masks. View and the fp8 conversions have
// no derivative in MLX (only a vmap rule): their vjp/jvp raise MLX's error.
#include <stdexcept>
#include <string>

#include "autograd.h"
#include "ops.h"
#include "primitives_creation.h"
#include "rules_common.h"

namespace mlx::core {

namespace {

using rules::Batched;

}  // namespace

// ---- primitives without inputs --------------------------------------------------------------

std::vector<array> Linspace::vjp(const std::vector<array>&, const std::vector<array>&,
                                 const std::vector<int>&, const std::vector<array>&) {
  return {};
}
std::vector<array> Linspace::jvp(const std::vector<array>&, const std::vector<array>&,
                                 const std::vector<int>&) {
  return {};
}
Batched Linspace::vmap(const std::vector<array>&, const std::vector<int>&) {
  throw std::logic_error("[Linspace] has no inputs to batch.");
}

std::vector<array> Diagonal2D::vjp(const std::vector<array>&, const std::vector<array>&,
                                   const std::vector<int>&, const std::vector<array>&) {
  return {};
}
std::vector<array> Diagonal2D::jvp(const std::vector<array>&, const std::vector<array>&,
                                   const std::vector<int>&) {
  return {};
}
Batched Diagonal2D::vmap(const std::vector<array>&, const std::vector<int>&) {
  throw std::logic_error(std::string("[") + name() + "] has no inputs to batch.");
}

std::vector<array> Window::vjp(const std::vector<array>&, const std::vector<array>&,
                               const std::vector<int>&, const std::vector<array>&) {
  return {};
}
std::vector<array> Window::jvp(const std::vector<array>&, const std::vector<array>&,
                               const std::vector<int>&) {
  return {};
}
Batched Window::vmap(const std::vector<array>&, const std::vector<int>&) {
  throw std::logic_error(std::string("[") + name() + "] has no inputs to batch.");
}

// ---- tril / triu ------------------------------------------------------------------------------

std::vector<array> Triangular::vjp(const std::vector<array>&, const std::vector<array>& cotangents,
                                   const std::vector<int>&, const std::vector<array>&) {
  return {upper_ ? triu(cotangents[0], k_, stream()) : tril(cotangents[0], k_, stream())};
}

std::vector<array> Triangular::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                   const std::vector<int>&) {
  return {upper_ ? triu(tangents[0], k_, stream()) : tril(tangents[0], k_, stream())};
}

Batched Triangular::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  // The batch axis must not be one of the two matrix axes.
  array in = inputs[0];
  int ax = axes[0];
  if (ax >= in.ndim() - 2) {
    in = moveaxis(in, ax, 0, stream());
    ax = 0;
  }
  return {{upper_ ? triu(in, k_, stream()) : tril(in, k_, stream())}, {ax}};
}

std::vector<Shape> Triangular::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- view, fp8 conversions: vmap only (vjp and jvp raise MLX's "Not implemented") ------------

Batched View::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  if (!dtype_) throw std::invalid_argument("[View] The view's dtype is unknown (a primitive rebuilt without it).");
  array in = inputs[0];
  int ax = axes[0];
  // Only the last axis is rescaled: keep the batch off it.
  if (ax >= 0 && ax == in.ndim() - 1 && in.dtype().size() != dtype_->size()) {
    in = moveaxis(in, ax, 0, stream());
    ax = 0;
  }
  return {{view(in, *dtype_, stream())}, {ax}};
}

std::vector<Shape> View::output_shapes(const std::vector<array>& inputs) {
  if (!dtype_) throw std::invalid_argument("[View] The view's dtype is unknown (a primitive rebuilt without it).");
  Shape shape = inputs[0].shape();
  int ib = inputs[0].dtype().size(), ob = dtype_->size();
  if (!shape.empty() && ib != ob) shape.back() = ib < ob ? shape.back() / (ob / ib) : shape.back() * (ib / ob);
  return {shape};
}


Batched ConvertFP8::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  if (!to_fp8_ && !dtype_)
    throw std::invalid_argument("[FromFP8] The output dtype is unknown (a primitive rebuilt without it).");
  const array& in = inputs[0];
  Shape shape = in.shape();
  return {{array(std::move(shape), to_fp8_ ? uint8 : *dtype_,
                 std::make_shared<ConvertFP8>(stream(), to_fp8_, dtype_), {in})},
          axes};
}

std::vector<Shape> ConvertFP8::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

}  // namespace mlx::core
