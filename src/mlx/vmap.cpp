// vmap: the function runs once on placeholders shaped like one batch element, then every
// node that depends on a batched input is rebuilt by its primitive's vmap rule on the real
// (batched) arrays, as MLX's vmap_trace / vmap_replace do.
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "autograd.h"
#include "ops_common.h"

namespace mlx::core {

namespace detail {

std::pair<std::vector<array>, std::vector<array>> vmap_trace(const VecFn& fun,
                                                             const std::vector<array>& inputs,
                                                             const std::vector<int>& in_axes) {
  InTracing tracing(true);
  if (in_axes.size() != inputs.size()) {
    std::ostringstream msg;
    msg << "[vmap] The number of in axes (" << in_axes.size()
        << ") must match the number of inputs (" << inputs.size() << ").";
    throw std::invalid_argument(msg.str());
  }
  int64_t size = -1;
  for (size_t i = 0; i < inputs.size(); ++i) {
    int ax = in_axes[i];
    if (ax == -1) continue;
    if (inputs[i].ndim() == 0)
      throw std::invalid_argument("[vmap] Cannot vmap an input with zero dimensions.");
    if (ax < 0 || ax >= inputs[i].ndim()) {
      std::ostringstream msg;
      msg << "[vmap] Axis " << ax << " invalid for input with " << inputs[i].ndim()
          << " dimensions.";
      throw std::out_of_range(msg.str());
    }
    int64_t n = inputs[i].shape(ax);
    if (size >= 0 && n != size) {
      std::ostringstream msg;
      msg << "[vmap] Inconsistent axis sizes: " << n << " and " << size << ".";
      throw std::invalid_argument(msg.str());
    }
    size = n;
  }
  if (size < 0) throw std::invalid_argument("[vmap] At least one of in_axes must be non-None.");
  std::vector<array> s_inputs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (in_axes[i] == -1) {
      s_inputs.push_back(inputs[i]);
      continue;
    }
    Shape shape = inputs[i].shape();
    shape.erase(shape.begin() + in_axes[i]);
    s_inputs.push_back(placeholder(shape, inputs[i].dtype()));
  }
  auto outputs = fun(s_inputs);
  return {s_inputs, outputs};
}

std::vector<array> vmap_replace(const std::vector<array>& inputs,
                                const std::vector<array>& s_inputs,
                                const std::vector<array>& s_outputs,
                                const std::vector<int>& in_axes,
                                const std::vector<int>& out_axes) {
  if (out_axes.size() != s_outputs.size()) {
    std::ostringstream msg;
    msg << "[vmap] The number of out axes (" << out_axes.size()
        << ") must match the number of outputs (" << s_outputs.size() << ").";
    throw std::invalid_argument(msg.str());
  }
  int vmap_size = -1;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (in_axes[i] >= 0) {
      vmap_size = inputs[i].shape(in_axes[i]);
      break;
    }
  if (vmap_size < 0) throw std::invalid_argument("[vmap] At least one of in_axes must be non-None.");

  std::unordered_map<std::uintptr_t, std::pair<array, int>> tmap;
  std::unordered_set<std::uintptr_t> needs_vmap;
  std::unordered_set<std::uintptr_t> seen;
  for (size_t i = 0; i < s_inputs.size(); ++i) {
    if (in_axes[i] != -1) {
      tmap.insert_or_assign(s_inputs[i].id(), std::make_pair(inputs[i], in_axes[i]));
      needs_vmap.insert(s_inputs[i].id());
    }
    seen.insert(s_inputs[i].id());
  }
  std::vector<array> tape;
  std::vector<array> roots;
  for (auto& o : s_outputs)
    if (o.has_primitive()) roots.push_back(o);
  topo_walk(roots, seen, [&](const array& a) {
    for (auto& in : a.inputs())
      if (needs_vmap.count(in.id())) {
        tape.push_back(a);
        needs_vmap.insert(a.id());
        for (auto& s : a.siblings()) needs_vmap.insert(s.id());
        return;
      }
  });

  for (auto& a : tape) {
    std::vector<array> v_inputs;
    std::vector<int> v_axes;
    for (auto& in : a.inputs()) {
      auto it = tmap.find(in.id());
      if (it != tmap.end()) {
        v_inputs.push_back(it->second.first);
        v_axes.push_back(it->second.second);
      } else {
        // Unbatched here (possibly a placeholder of an enclosing vmap, replaced later).
        v_inputs.push_back(in);
        v_axes.push_back(-1);
      }
    }
    auto [v_outputs, v_out_axes] = a.primitive().vmap(v_inputs, v_axes);
    auto outs = a.outputs();
    if (v_outputs.size() != outs.size() || v_out_axes.size() != outs.size()) {
      std::ostringstream msg;
      msg << "[vmap] The rule of " << a.primitive().name() << " returned " << v_outputs.size()
          << " outputs for " << outs.size() << ".";
      throw std::runtime_error(msg.str());
    }
    for (size_t i = 0; i < outs.size(); ++i)
      tmap.insert_or_assign(outs[i].id(), std::make_pair(v_outputs[i], v_out_axes[i]));
  }

  std::vector<array> outputs;
  for (size_t i = 0; i < s_outputs.size(); ++i) {
    auto it = tmap.find(s_outputs[i].id());
    if (it != tmap.end()) {
      auto [out, vdim] = it->second;
      // out_axes None (-1) is MLX's "last axis": a batched output gets its batch axis moved
      // to the end; one whose rule dropped the batch stays as it is.
      if (vdim < 0 && out_axes[i] >= 0) {
        // A rule that dropped the batch: every batch element is the same.
        out = repeat(expand_dims(out, {out_axes[i]}), vmap_size, out_axes[i]);
      } else if (vdim >= 0 && vdim != out_axes[i]) {
        if (out_axes[i] >= out.ndim()) {
          std::ostringstream msg;
          msg << "[vmap] Axis " << out_axes[i] << " invalid for output with " << out.ndim()
              << " dimensions.";
          throw std::out_of_range(msg.str());
        }
        out = moveaxis(out, vdim, out_axes[i] < 0 ? out.ndim() - 1 : out_axes[i]);
      }
      outputs.push_back(out);
    } else {
      // An output that does not depend on the batched inputs: repeated along the batch (the
      // last axis for out_axes None, as MLX).
      const array& o = s_outputs[i];
      int ax = out_axes[i] < 0 ? o.ndim() : out_axes[i];
      if (ax > o.ndim()) {
        std::ostringstream msg;
        msg << "[vmap] Axis " << out_axes[i] << " invalid for output with " << o.ndim() + 1
            << " dimensions.";
        throw std::out_of_range(msg.str());
      }
      outputs.push_back(repeat(expand_dims(o, {ax}), vmap_size, ax));
    }
  }
  return outputs;
}

}  // namespace detail

VecFn vmap(const VecFn& fun, const std::vector<int>& in_axes, const std::vector<int>& out_axes) {
  auto infer = [](const std::vector<int>& axes) {
    if (axes.empty()) return false;
    for (int a : axes)
      if (a >= 0) return false;
    return true;
  };
  if (infer(in_axes) != infer(out_axes))
    throw std::invalid_argument(
        "[vmap] Input (or output) axes must be specified if output (or input) axes are.");
  return [fun, in_axes, out_axes](const std::vector<array>& inputs) {
    std::vector<int> ia = in_axes;
    if (ia.empty()) ia.assign(inputs.size(), 0);
    auto [s_inputs, s_outputs] = detail::vmap_trace(fun, inputs, ia);
    std::vector<int> oa = out_axes;
    if (oa.empty()) oa.assign(s_outputs.size(), 0);
    return detail::vmap_replace(inputs, s_inputs, s_outputs, ia, oa);
  };
}

}  // namespace mlx::core
