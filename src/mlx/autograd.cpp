// Reverse and forward mode differentiation (vjp, jvp, value_and_grad), stop_gradient,
// depends, checkpoint and custom_function, following MLX's mlx/transforms.cpp: the user
// function runs on tracer copies of the primals, the nodes that depend on them are sorted
// topologically, and each primitive's vjp (backwards) or jvp (forwards) rule builds the
// derivative graph, which is as lazy as any other.
#include "autograd.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "ops_common.h"
#include "transforms.h"

namespace mlx::core {

namespace detail {

std::atomic<int> g_tracing{0};
std::atomic<int> g_dynamic_tracing{0};

array placeholder(const Shape& shape, Dtype dtype) {
  array a(shape, dtype, nullptr, {});
  a.set_tracer(true);
  return a;
}

bool is_placeholder(const array& a) {
  return !a.has_primitive() && a.status() == array::Status::unscheduled;
}

void topo_walk(const std::vector<array>& outputs, std::unordered_set<std::uintptr_t>& seen,
               const std::function<void(const array&)>& visit) {
  // Explicit stack of (node, next input): deep graphs must not overflow the C++ stack.
  std::vector<std::pair<array, size_t>> stack;
  for (auto& out : outputs) {
    if (!seen.insert(out.id()).second) continue;
    for (auto& s : out.siblings()) seen.insert(s.id());
    stack.emplace_back(out, 0);
    while (!stack.empty()) {
      auto& top = stack.back();
      if (top.second < top.first.inputs().size()) {
        array in = top.first.inputs()[top.second++];
        if (seen.insert(in.id()).second) {
          for (auto& s : in.siblings()) seen.insert(s.id());
          stack.emplace_back(std::move(in), 0);
        }
        continue;
      }
      array node = std::move(top.first);
      stack.pop_back();
      visit(node);
    }
  }
}

}  // namespace detail

namespace {

Stream stream_of(const array& a) {
  return a.has_primitive() ? a.primitive().stream() : default_stream(default_device());
}

bool is_stop_gradient(const array& a) {
  return a.has_primitive() && typeid(a.primitive()) == typeid(StopGradient);
}

// Tracer copies of the primals: new ids whose graph the transform can find.
std::vector<array> trace_copies(const std::vector<array>& primals) {
  std::vector<array> out;
  out.reserve(primals.size());
  for (auto& p : primals) {
    out.push_back(copy(p, stream_of(p)));
    out.back().set_tracer(true);
  }
  return out;
}

// The nodes between the primals and the outputs, in topological order; calc_grad receives the
// ids of every array that depends on a primal.
std::vector<array> grad_tape(const std::vector<array>& primals, const std::vector<array>& outputs,
                             std::unordered_set<std::uintptr_t>& calc_grad) {
  std::unordered_set<std::uintptr_t> seen;
  for (auto& p : primals) {
    calc_grad.insert(p.id());
    seen.insert(p.id());
  }
  std::vector<array> tape;
  detail::topo_walk(outputs, seen, [&](const array& a) {
    if (!a.has_primitive() || is_stop_gradient(a)) return;
    for (auto& in : a.inputs()) {
      if (calc_grad.count(in.id())) {
        tape.push_back(a);
        calc_grad.insert(a.id());
        for (auto& s : a.siblings()) calc_grad.insert(s.id());
        return;
      }
    }
  });
  return tape;
}

}  // namespace

std::pair<std::vector<array>, std::vector<array>> vjp(const VecFn& fun,
                                                      const std::vector<array>& primals,
                                                      const std::vector<array>& cotans) {
  detail::InTracing tracing;
  std::vector<array> primals_ = trace_copies(primals);
  std::vector<array> outputs = fun(primals_);

  // Outputs under stop_gradient take no cotangent.
  size_t cotan_index = 0;
  std::vector<std::pair<size_t, size_t>> output_cotan;
  for (size_t i = 0; i < outputs.size(); ++i) {
    auto& out = outputs[i];
    if (is_stop_gradient(out)) continue;
    if (cotan_index >= cotans.size()) {
      std::ostringstream msg;
      msg << "[vjp] Number of outputs to compute gradients for (" << outputs.size()
          << ") does not match number of cotangents (" << cotans.size() << ").";
      throw std::invalid_argument(msg.str());
    }
    if (out.shape() != cotans[cotan_index].shape()) {
      std::ostringstream msg;
      msg << "[vjp] Output shape " << detail::shape_str(out.shape())
          << " does not match cotangent shape " << detail::shape_str(cotans[cotan_index].shape())
          << ".";
      if (outputs.size() == 1 && out.size() == 1)
        msg << " If you are using grad your function must return a scalar.";
      throw std::invalid_argument(msg.str());
    }
    output_cotan.emplace_back(i, cotan_index++);
  }

  std::unordered_set<std::uintptr_t> calc_grad;
  std::vector<array> tape = grad_tape(primals_, outputs, calc_grad);

  std::unordered_map<std::uintptr_t, array> cotan_map;
  for (auto [oi, ci] : output_cotan) {
    auto& o = outputs[oi];
    array c = astype(cotans[ci], o.dtype(), stream_of(o));
    auto it = cotan_map.find(o.id());
    // The same array returned twice gets the sum of its cotangents.
    if (it != cotan_map.end()) it->second = add(it->second, c, stream_of(o));
    else cotan_map.emplace(o.id(), std::move(c));
  }
  for (auto it = tape.rbegin(); it != tape.rend(); ++it) {
    const array& a = *it;
    std::vector<int> argnums;
    for (size_t i = 0; i < a.inputs().size(); ++i)
      if (calc_grad.count(a.inputs()[i].id())) argnums.push_back(int(i));
    auto outs = a.outputs();
    bool has_cotans = false;
    for (auto& o : outs) has_cotans = has_cotans || cotan_map.count(o.id());
    if (!has_cotans) continue;
    Stream s = a.primitive().stream();
    std::vector<array> cotangents;
    for (auto& o : outs) {
      auto cit = cotan_map.find(o.id());
      if (cit != cotan_map.end()) {
        cotangents.push_back(std::move(cit->second));
        cotan_map.erase(cit);
      } else {
        cotangents.push_back(zeros_like(o, s));
      }
    }
    auto vjps = a.primitive().vjp(a.inputs(), cotangents, argnums, outs);
    if (vjps.size() != argnums.size()) {
      std::ostringstream msg;
      msg << "[vjp] The rule of " << a.primitive().name() << " returned " << vjps.size()
          << " cotangents for " << argnums.size() << " inputs.";
      throw std::runtime_error(msg.str());
    }
    for (size_t i = 0; i < argnums.size(); ++i) {
      const array& in = a.inputs()[argnums[i]];
      array g = vjps[i];
      // Rules may produce a broadcastable or differently typed cotangent: match the input.
      if (g.shape() != in.shape()) g = broadcast_to(g, in.shape(), s);
      auto cit = cotan_map.find(in.id());
      if (cit != cotan_map.end()) cit->second = add(cit->second, g, s);
      else cotan_map.emplace(in.id(), std::move(g));
    }
  }

  std::vector<array> vjps;
  vjps.reserve(primals_.size());
  for (auto& p : primals_) {
    auto cit = cotan_map.find(p.id());
    if (cit != cotan_map.end()) vjps.push_back(cit->second);
    else vjps.push_back(zeros_like(p, stream_of(p)));
  }
  return {outputs, vjps};
}

std::pair<std::vector<array>, std::vector<array>> jvp(const VecFn& fun,
                                                      const std::vector<array>& primals,
                                                      const std::vector<array>& tangents) {
  detail::InTracing tracing;
  if (primals.size() != tangents.size())
    throw std::invalid_argument("[jvp] Number of inputs does not match number of tangents.");
  for (size_t i = 0; i < primals.size(); ++i)
    if (primals[i].shape() != tangents[i].shape())
      throw std::invalid_argument("[jvp] Input shape " + detail::shape_str(primals[i].shape()) +
                                  " does not match shape of tangent " +
                                  detail::shape_str(tangents[i].shape()) + ".");
  std::vector<array> primals_ = trace_copies(primals);
  std::vector<array> outputs = fun(primals_);

  std::unordered_set<std::uintptr_t> calc_grad;
  std::vector<array> tape = grad_tape(primals_, outputs, calc_grad);

  std::unordered_map<std::uintptr_t, array> tan_map;
  for (size_t i = 0; i < primals_.size(); ++i) tan_map.insert_or_assign(primals_[i].id(), tangents[i]);
  for (auto& a : tape) {
    std::vector<int> argnums;
    std::vector<array> tans;
    for (size_t i = 0; i < a.inputs().size(); ++i) {
      auto it = tan_map.find(a.inputs()[i].id());
      if (it != tan_map.end()) {
        argnums.push_back(int(i));
        tans.push_back(it->second);
      }
    }
    auto jvps = a.primitive().jvp(a.inputs(), tans, argnums);
    auto outs = a.outputs();
    for (size_t i = 0; i < jvps.size() && i < outs.size(); ++i) {
      array t = jvps[i];
      if (t.shape() != outs[i].shape()) t = broadcast_to(t, outs[i].shape(), a.primitive().stream());
      tan_map.insert_or_assign(outs[i].id(), std::move(t));
    }
  }

  std::vector<array> jvps;
  for (auto& out : outputs) {
    auto it = tan_map.find(out.id());
    if (it != tan_map.end()) jvps.push_back(it->second);
    else jvps.push_back(zeros_like(out, stream_of(out)));
  }
  return {outputs, jvps};
}

ValueAndGradFn value_and_grad(const VecFn& fun, const std::vector<int>& argnums) {
  if (argnums.empty()) throw std::invalid_argument("[grad] Must specify at least one argument.");
  return [fun, argnums](const std::vector<array>& inputs) {
    std::set<int> args;
    for (int arg : argnums) args.insert(arg < 0 ? arg + int(inputs.size()) : arg);
    if (args.size() != argnums.size())
      throw std::invalid_argument("[grad] Repeat argument number not allowed in grad.");
    if (*args.begin() < 0 || *args.rbegin() >= int(inputs.size())) {
      std::ostringstream msg;
      msg << "[grad] Invalid argument number for function with " << inputs.size() << " inputs.";
      throw std::out_of_range(msg.str());
    }
    auto gfun = [&](const std::vector<array>& ginputs) {
      std::vector<array> inputs_(inputs);
      auto it = args.begin();
      for (size_t i = 0; i < ginputs.size(); ++i, ++it) inputs_[*it] = ginputs[i];
      auto outputs = fun(inputs_);
      if (outputs.empty())
        throw std::invalid_argument("[grad] The function must return at least one array.");
      for (size_t i = 1; i < outputs.size(); ++i)
        outputs[i] = stop_gradient(outputs[i], stream_of(outputs[i]));
      return outputs;
    };
    std::vector<array> ginputs;
    for (int arg : args) ginputs.push_back(inputs[arg]);
    // vjp casts the seed cotangent to the loss dtype.
    return vjp(gfun, ginputs, {array(1.0f)});
  };
}

// ---- stop_gradient ------------------------------------------------------------------------

array stop_gradient(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  Shape shape = a.shape();
  return array(std::move(shape), a.dtype(), std::make_shared<StopGradient>(s), {a});
}

void StopGradient::eval_cpu(const std::vector<array>& inputs, array& out) {
  out.copy_shared_buffer(inputs[0]);
}
void StopGradient::eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  outputs[0].copy_shared_buffer(inputs[0]);
}
std::vector<array> StopGradient::vjp(const std::vector<array>& primals,
                                     const std::vector<array>&, const std::vector<int>& argnums,
                                     const std::vector<array>&) {
  std::vector<array> out;
  for (int i : argnums) out.push_back(zeros_like(primals[i], stream()));
  return out;
}
std::vector<array> StopGradient::jvp(const std::vector<array>& primals,
                                     const std::vector<array>&, const std::vector<int>&) {
  return {zeros_like(primals[0], stream())};
}
std::pair<std::vector<array>, std::vector<int>> StopGradient::vmap(
    const std::vector<array>& inputs, const std::vector<int>& axes) {
  return {{stop_gradient(inputs[0], stream())}, axes};
}
std::vector<Shape> StopGradient::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- depends ------------------------------------------------------------------------------

std::vector<array> depends(const std::vector<array>& inputs, const std::vector<array>& deps) {
  if (inputs.empty()) return {};
  std::vector<array> all = inputs;
  all.insert(all.end(), deps.begin(), deps.end());
  std::vector<Shape> shapes;
  std::vector<Dtype> dtypes;
  for (auto& in : inputs) {
    shapes.push_back(in.shape());
    dtypes.push_back(in.dtype());
  }
  Stream s = stream_of(inputs[0]);
  return array::make_arrays(std::move(shapes), std::move(dtypes),
                            std::make_shared<Depends>(s, int(inputs.size())), std::move(all));
}

void Depends::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  for (size_t i = 0; i < outputs.size(); ++i) outputs[i].copy_shared_buffer(inputs[i]);
}
void Depends::eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  eval_cpu(inputs, outputs);
}
std::vector<array> Depends::vjp(const std::vector<array>& primals,
                                const std::vector<array>& cotangents,
                                const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int i : argnums) {
    if (i < n_) out.push_back(cotangents[i]);
    else out.push_back(zeros_like(primals[i], stream()));
  }
  return out;
}
std::vector<array> Depends::jvp(const std::vector<array>& primals,
                                const std::vector<array>& tangents,
                                const std::vector<int>& argnums) {
  std::vector<array> out;
  for (int i = 0; i < n_; ++i) out.push_back(zeros_like(primals[i], stream()));
  for (size_t j = 0; j < argnums.size(); ++j)
    if (argnums[j] < n_) out[argnums[j]] = tangents[j];
  return out;
}
std::pair<std::vector<array>, std::vector<int>> Depends::vmap(const std::vector<array>& inputs,
                                                              const std::vector<int>& axes) {
  std::vector<array> in(inputs.begin(), inputs.begin() + n_);
  std::vector<array> deps(inputs.begin() + n_, inputs.end());
  return {depends(in, deps), std::vector<int>(axes.begin(), axes.begin() + n_)};
}

// ---- custom_function and checkpoint ------------------------------------------------------

VecFn custom_function(VecFn fun, std::optional<VjpFn> fun_vjp, std::optional<JvpFn> fun_jvp,
                      std::optional<VmapFn> fun_vmap) {
  if (!fun_vjp && !fun_jvp && !fun_vmap) return fun;
  return [fun = std::move(fun), fun_vjp = std::move(fun_vjp), fun_jvp = std::move(fun_jvp),
          fun_vmap = std::move(fun_vmap)](const std::vector<array>& args) {
    auto outputs = fun(args);
    if (outputs.empty())
      throw std::invalid_argument("[custom_function] The function must return at least one array.");
    for (auto& out : outputs) out = stop_gradient(out, stream_of(out));
    std::vector<array> inputs = args;
    inputs.insert(inputs.end(), outputs.begin(), outputs.end());
    Stream s = stream_of(outputs[0]);
    std::vector<Shape> shapes;
    std::vector<Dtype> dtypes;
    for (auto& out : outputs) {
      shapes.push_back(out.shape());
      dtypes.push_back(out.dtype());
    }
    // Missing rules fall back to transforming fun itself.
    VjpFn v = fun_vjp ? *fun_vjp : VjpFn([fun](const std::vector<array>& primals,
                                               const std::vector<array>& cotangents,
                                               const std::vector<array>&) {
      return vjp(fun, primals, cotangents).second;
    });
    JvpFn j = fun_jvp ? *fun_jvp : JvpFn([fun](const std::vector<array>& primals,
                                               const std::vector<array>& tangents,
                                               const std::vector<int>& argnums) {
      std::vector<array> all;
      for (auto& p : primals) all.push_back(zeros_like(p));
      for (size_t i = 0; i < argnums.size(); ++i) all[argnums[i]] = tangents[i];
      return jvp(fun, primals, all).second;
    });
    VmapFn m = fun_vmap ? *fun_vmap : VmapFn([fun](const std::vector<array>& inputs,
                                                  const std::vector<int>& axes) {
      auto outs = vmap(fun, axes)(inputs);
      return std::make_pair(outs, std::vector<int>(outs.size(), 0));
    });
    return array::make_arrays(std::move(shapes), std::move(dtypes),
                              std::make_shared<CustomTransforms>(s, int(outputs.size()), std::move(v),
                                                                 std::move(j), std::move(m)),
                              std::move(inputs));
  };
}

VecFn custom_vjp(VecFn fun, VjpFn fun_vjp) {
  return custom_function(std::move(fun), std::move(fun_vjp), std::nullopt, std::nullopt);
}

VecFn checkpoint(VecFn fun) {
  // The backward pass runs fun again, after the forward outputs exist (depends), so the
  // forward intermediates need not stay alive in between.
  auto vjp_fun = [fun](const std::vector<array>& primals, const std::vector<array>& cotangents,
                       const std::vector<array>& outputs) {
    return vjp(fun, depends(primals, outputs), cotangents).second;
  };
  return custom_vjp(fun, vjp_fun);
}

void CustomTransforms::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  size_t first = inputs.size() - size_t(num_outputs_);
  for (size_t i = 0; i < outputs.size(); ++i) outputs[i].copy_shared_buffer(inputs[first + i]);
}
void CustomTransforms::eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  eval_cpu(inputs, outputs);
}

std::vector<array> CustomTransforms::vjp(const std::vector<array>& primals_,
                                         const std::vector<array>& cotangents,
                                         const std::vector<int>& argnums,
                                         const std::vector<array>& outputs) {
  std::vector<array> primals(primals_.begin(), primals_.end() - num_outputs_);
  auto all = vjp_fun_(primals, cotangents, outputs);
  if (all.size() != primals.size()) {
    std::ostringstream msg;
    msg << "[custom_function] The vjp function returned " << all.size()
        << " cotangents for a function of " << primals.size() << " input arrays.";
    throw std::invalid_argument(msg.str());
  }
  std::vector<array> out;
  for (int i : argnums) {
    if (i < int(primals.size())) {
      array g = all[i];
      if (g.shape() != primals[i].shape()) {
        std::ostringstream msg;
        msg << "[custom_function] The vjp function returned a cotangent of shape "
            << detail::shape_str(g.shape()) << " for input " << i << " of shape "
            << detail::shape_str(primals[i].shape()) << ".";
        throw std::invalid_argument(msg.str());
      }
      out.push_back(g);
    } else {
      out.push_back(zeros_like(primals_[i], stream()));
    }
  }
  return out;
}

std::vector<array> CustomTransforms::jvp(const std::vector<array>& primals_,
                                         const std::vector<array>& tangents,
                                         const std::vector<int>& argnums) {
  std::vector<array> primals(primals_.begin(), primals_.end() - num_outputs_);
  std::vector<int> args;
  std::vector<array> tans;
  for (size_t i = 0; i < argnums.size(); ++i)
    if (argnums[i] < int(primals.size())) {
      args.push_back(argnums[i]);
      tans.push_back(tangents[i]);
    }
  auto out = jvp_fun_(primals, tans, args);
  if (int(out.size()) != num_outputs_) {
    std::ostringstream msg;
    msg << "[custom_function] The jvp function returned " << out.size()
        << " tangents for a function of " << num_outputs_ << " outputs.";
    throw std::invalid_argument(msg.str());
  }
  return out;
}

std::pair<std::vector<array>, std::vector<int>> CustomTransforms::vmap(
    const std::vector<array>& inputs_, const std::vector<int>& axes_) {
  std::vector<array> inputs(inputs_.begin(), inputs_.end() - num_outputs_);
  std::vector<int> axes(axes_.begin(), axes_.end() - num_outputs_);
  auto res = vmap_fun_(inputs, axes);
  if (int(res.first.size()) != num_outputs_ || res.second.size() != res.first.size()) {
    std::ostringstream msg;
    msg << "[custom_function] The vmap function returned " << res.first.size()
        << " outputs and " << res.second.size() << " axes for a function of " << num_outputs_
        << " outputs.";
    throw std::invalid_argument(msg.str());
  }
  return res;
}

}  // namespace mlx::core
