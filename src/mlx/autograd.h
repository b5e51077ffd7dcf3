// Function transforms: vjp, jvp, value_and_grad, vmap, stop_gradient, depends, checkpoint and
// custom_function (MLX's mlx/transforms.h). A transform runs the user function on tracer
// arrays, then walks the graph the function built: backwards with each primitive's vjp rule,
// forwards with its jvp rule, or replacing each node by its vmap rule.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <unordered_set>
#include <utility>
#include <vector>

#include "array.h"
#include "ops.h"
#include "primitives.h"

namespace mlx::core {

using VecFn = std::function<std::vector<array>(const std::vector<array>&)>;
using ValueAndGradFn =
    std::function<std::pair<std::vector<array>, std::vector<array>>(const std::vector<array>&)>;
// (primals, cotangents, outputs) -> one cotangent per primal.
using VjpFn = std::function<std::vector<array>(
    const std::vector<array>&, const std::vector<array>&, const std::vector<array>&)>;
// (primals, tangents of the primals in argnums, argnums) -> one tangent per output.
using JvpFn = std::function<std::vector<array>(
    const std::vector<array>&, const std::vector<array>&, const std::vector<int>&)>;
// (inputs, axes, -1 for unbatched) -> (outputs, their batch axes).
using VmapFn = std::function<std::pair<std::vector<array>, std::vector<int>>(
    const std::vector<array>&, const std::vector<int>&)>;

// The outputs of fun(primals) and the cotangents pulled back to the primals.
std::pair<std::vector<array>, std::vector<array>> vjp(const VecFn& fun,
                                                      const std::vector<array>& primals,
                                                      const std::vector<array>& cotangents);
// The outputs of fun(primals) and the tangents pushed forward to the outputs.
std::pair<std::vector<array>, std::vector<array>> jvp(const VecFn& fun,
                                                      const std::vector<array>& primals,
                                                      const std::vector<array>& tangents);
// fun's first output must be a scalar; the others are returned with stop_gradient.
ValueAndGradFn value_and_grad(const VecFn& fun, const std::vector<int>& argnums);

// Vectorises fun over in_axes (-1: not batched) of its inputs; outputs get out_axes.
VecFn vmap(const VecFn& fun, const std::vector<int>& in_axes = {},
           const std::vector<int>& out_axes = {});

array stop_gradient(const array& a, StreamOrDevice s = {});
// The inputs, computed only after the dependencies are.
std::vector<array> depends(const std::vector<array>& inputs, const std::vector<array>& deps);

// Recomputes fun's intermediates in the backward pass instead of keeping them.
VecFn checkpoint(VecFn fun);
// fun with its own vjp/jvp/vmap rules where given (the default transform otherwise).
VecFn custom_function(VecFn fun, std::optional<VjpFn> fun_vjp, std::optional<JvpFn> fun_jvp,
                      std::optional<VmapFn> fun_vmap);
VecFn custom_vjp(VecFn fun, VjpFn fun_vjp);

namespace detail {

// Counts the transforms in progress (all threads): while one runs, arrays built from tracers
// are tracers, and evaluated tracers keep their graph. `dynamic` transforms (vmap, compile)
// trace with placeholder inputs that hold no data, so evaluating them is an error.
extern std::atomic<int> g_tracing;
extern std::atomic<int> g_dynamic_tracing;
inline bool in_tracing() { return g_tracing.load(std::memory_order_relaxed) > 0; }
inline bool in_dynamic_tracing() { return g_dynamic_tracing.load(std::memory_order_relaxed) > 0; }

class InTracing {
 public:
  explicit InTracing(bool dynamic = false) : dynamic_(dynamic) {
    g_tracing.fetch_add(1);
    if (dynamic_) g_dynamic_tracing.fetch_add(1);
  }
  ~InTracing() {
    if (dynamic_) g_dynamic_tracing.fetch_sub(1);
    g_tracing.fetch_sub(1);
  }
  InTracing(const InTracing&) = delete;
  InTracing& operator=(const InTracing&) = delete;

 private:
  bool dynamic_;
};

// Placeholder for an input of a traced function: no primitive, no data, a tracer.
array placeholder(const Shape& shape, Dtype dtype);
bool is_placeholder(const array& a);

// vmap in two steps (the binding computes out_axes from the traced outputs' structure).
std::pair<std::vector<array>, std::vector<array>> vmap_trace(const VecFn& fun,
                                                             const std::vector<array>& inputs,
                                                             const std::vector<int>& in_axes);
std::vector<array> vmap_replace(const std::vector<array>& inputs,
                                const std::vector<array>& s_inputs,
                                const std::vector<array>& s_outputs,
                                const std::vector<int>& in_axes,
                                const std::vector<int>& out_axes);

// Post-order walk of the nodes behind `outputs`, not entering ids already in `seen` (which
// it fills); visit(node) runs once per node, after its inputs.
void topo_walk(const std::vector<array>& outputs, std::unordered_set<std::uintptr_t>& seen,
               const std::function<void(const array&)>& visit);

}  // namespace detail

// ---- primitives of the transforms (CPU evaluation shares the input buffers) ---------------

class StopGradient : public UnaryPrimitive {
 public:
  using UnaryPrimitive::UnaryPrimitive;
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  MLX_DEFINE_TRANSFORMS
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  const char* name() const override { return "StopGradient"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    return dynamic_cast<const StopGradient*>(&o) != nullptr;
  }
};

// Outputs: the first n inputs; the rest are dependencies that must be computed first.
class Depends : public Primitive {
 public:
  Depends(Stream s, int n) : Primitive(s), n_(n) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  void eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  MLX_DEFINE_TRANSFORMS
  const char* name() const override { return "Depends"; }
  MLX_DEFINE_STATE

 private:
  int n_;
};

// The node of a custom_function: inputs are the primals then the function's outputs (under
// stop_gradient); evaluation forwards the outputs, transforms call the custom rules.
class CustomTransforms : public Primitive {
 public:
  CustomTransforms(Stream s, int num_outputs, VjpFn vjp, JvpFn jvp, VmapFn vmap)
      : Primitive(s), num_outputs_(num_outputs), vjp_fun_(std::move(vjp)),
        jvp_fun_(std::move(jvp)), vmap_fun_(std::move(vmap)) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  void eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  MLX_DEFINE_TRANSFORMS
  const char* name() const override { return "CustomTransforms"; }
  MLX_DEFINE_STATE

 private:
  int num_outputs_;
  VjpFn vjp_fun_;
  JvpFn jvp_fun_;
  VmapFn vmap_fun_;
};

}  // namespace mlx::core
