// Node wrappers of the function transforms (src/mlx/autograd.h). lib/transforms.js flattens
// the user's trees and hands over flat functions: JS functions that take a JS Array of
// mx.arrays and return one. They are called synchronously, on the JS thread, while the
// transform runs; an exception they throw travels through the engine unchanged (a
// Napi::Error holding the original JS error object, so its stack survives).
#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "binding.h"
#include "mlx/autograd.h"
#include "mlx/compile.h"

namespace mlxjs {

using namespace mlx::core;

namespace {

using Info = const Napi::CallbackInfo&;

#define GUARD(...) return guarded(info.Env(), [&]() -> Napi::Value { __VA_ARGS__ })

// ---- JS functions held by engine objects ---------------------------------------------------
// custom_function and checkpoint keep JS functions inside a graph node, which may be freed on
// a worker thread or inside V8's garbage collection, where no JS handle may be touched. Their
// references are therefore released later, on the JS thread, at the next transform call.

std::mutex g_dead_mu;
std::vector<std::pair<napi_env, napi_ref>> g_dead;
std::atomic<int> g_dead_count{0};
std::vector<napi_env> g_live_envs;

void release_dead(napi_env env) {
  if (g_dead_count.load(std::memory_order_relaxed) == 0) return;
  std::vector<napi_ref> mine;
  {
    std::lock_guard<std::mutex> lock(g_dead_mu);
    for (size_t i = 0; i < g_dead.size();) {
      if (g_dead[i].first == env) {
        mine.push_back(g_dead[i].second);
        g_dead[i] = g_dead.back();
        g_dead.pop_back();
        g_dead_count.fetch_sub(1);
      } else {
        ++i;
      }
    }
  }
  for (auto r : mine) napi_delete_reference(env, r);
}

void env_cleanup(void* arg) {
  auto env = static_cast<napi_env>(arg);
  std::lock_guard<std::mutex> lock(g_dead_mu);
  // The environment is going away with its references: forget them.
  for (size_t i = 0; i < g_dead.size();) {
    if (g_dead[i].first == env) {
      g_dead[i] = g_dead.back();
      g_dead.pop_back();
      g_dead_count.fetch_sub(1);
    } else {
      ++i;
    }
  }
  g_live_envs.erase(std::remove(g_live_envs.begin(), g_live_envs.end(), env), g_live_envs.end());
}

struct JsFn {
  napi_env env;
  napi_ref ref = nullptr;
  std::thread::id thread;
  explicit JsFn(const Napi::Function& f) : env(f.Env()), thread(std::this_thread::get_id()) {
    napi_create_reference(env, f, 1, &ref);
  }
  ~JsFn() {
    std::lock_guard<std::mutex> lock(g_dead_mu);
    if (std::find(g_live_envs.begin(), g_live_envs.end(), env) != g_live_envs.end()) {
      g_dead.emplace_back(env, ref);
      g_dead_count.fetch_add(1);
    }
  }
  JsFn(const JsFn&) = delete;
  JsFn& operator=(const JsFn&) = delete;
  Napi::Function get() const {
    if (std::this_thread::get_id() != thread)
      throw std::runtime_error(
          "[transforms] A JavaScript function of a transform can only run on its own thread.");
    napi_value v;
    napi_get_reference_value(env, ref, &v);
    return Napi::Function(env, v);
  }
};

// ---- conversions ---------------------------------------------------------------------------

Napi::Array ints_to_js(Napi::Env env, const std::vector<int>& v) {
  Napi::Array out = Napi::Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) out.Set(uint32_t(i), Napi::Number::New(env, v[i]));
  return out;
}

std::vector<int> ints_from_js(const Napi::Value& v, const char* fn) {
  if (!v.IsArray())
    throw Napi::TypeError::New(v.Env(), std::string("[") + fn + "] Expected an Array of integers.");
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int> out(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) out[i] = a.Get(i).As<Napi::Number>().Int32Value();
  return out;
}

// A flat JS function as an engine function. The handle scope keeps the wrappers of a long
// trace (vmap of many calls) from piling up in the caller's scope.
std::vector<array> call_flat(const Napi::Function& f, std::initializer_list<napi_value> args,
                             const char* fn) {
  Napi::Env env = f.Env();
  Napi::HandleScope scope(env);
  Napi::Value r = f.Call(args);
  return to_arrays(r, fn);
}

VecFn vec_fn(const Napi::Function& f, const char* fn) {
  return [f, fn](const std::vector<array>& in) {
    return call_flat(f, {arrays_to_js(f.Env(), in)}, fn);
  };
}

VecFn held_vec_fn(std::shared_ptr<JsFn> h, const char* fn) {
  return [h, fn](const std::vector<array>& in) {
    Napi::Function f = h->get();
    return call_flat(f, {arrays_to_js(f.Env(), in)}, fn);
  };
}

Napi::Value pair_to_js(Napi::Env env, const std::vector<array>& a, const std::vector<array>& b) {
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, arrays_to_js(env, a));
  out.Set(1u, arrays_to_js(env, b));
  return out;
}

// ---- functions -----------------------------------------------------------------------------

// vjp(fn, primals, cotangents) -> [outputs, vjps]
Napi::Value Vjp(Info info) {
  Napi::Env env = info.Env();
  release_dead(env);
  GUARD({
    auto f = info[0].As<Napi::Function>();
    auto [outs, grads] = vjp(vec_fn(f, "vjp"), to_arrays(info[1], "vjp"), to_arrays(info[2], "vjp"));
    return pair_to_js(env, outs, grads);
  });
}

// jvp(fn, primals, tangents) -> [outputs, jvps]
Napi::Value Jvp(Info info) {
  Napi::Env env = info.Env();
  release_dead(env);
  GUARD({
    auto f = info[0].As<Napi::Function>();
    auto [outs, tans] = jvp(vec_fn(f, "jvp"), to_arrays(info[1], "jvp"), to_arrays(info[2], "jvp"));
    return pair_to_js(env, outs, tans);
  });
}

// vmap_trace(fn, inputs, in_axes) -> [trace_inputs, trace_outputs]
Napi::Value VmapTrace(Info info) {
  Napi::Env env = info.Env();
  release_dead(env);
  GUARD({
    auto f = info[0].As<Napi::Function>();
    auto [s_in, s_out] =
        detail::vmap_trace(vec_fn(f, "vmap"), to_arrays(info[1], "vmap"), ints_from_js(info[2], "vmap"));
    return pair_to_js(env, s_in, s_out);
  });
}

// vmap_replace(inputs, trace_inputs, trace_outputs, in_axes, out_axes) -> outputs
Napi::Value VmapReplace(Info info) {
  GUARD({
    return arrays_to_js(info.Env(), detail::vmap_replace(to_arrays(info[0], "vmap"), to_arrays(info[1], "vmap"),
                                                  to_arrays(info[2], "vmap"), ints_from_js(info[3], "vmap"),
                                                  ints_from_js(info[4], "vmap")));
  });
}

Napi::Value StopGradientFn(Info info) {
  GUARD({
    return ArrayWrap::Wrap(info.Env(), stop_gradient(to_array(info[0], "stop_gradient", "a"),
                                                      to_stream(info[1])));
  });
}

// depends(inputs, dependencies) -> outputs
Napi::Value DependsFn(Info info) {
  GUARD({ return arrays_to_js(info.Env(), depends(to_arrays(info[0], "depends"), to_arrays(info[1], "depends"))); });
}

// checkpoint(fn, inputs) -> outputs; fn runs again in the backward pass.
Napi::Value CheckpointFn(Info info) {
  Napi::Env env = info.Env();
  release_dead(env);
  GUARD({
    auto h = std::make_shared<JsFn>(info[0].As<Napi::Function>());
    return arrays_to_js(env, checkpoint(held_vec_fn(h, "checkpoint"))(to_arrays(info[1], "checkpoint")));
  });
}

// custom_function(fn, vjp|null, jvp|null, vmap|null, inputs) -> outputs. The rules are flat:
// vjp(primals, cotangents, outputs) -> cotangents; jvp(primals, tangents, argnums) ->
// tangents; vmap(inputs, axes) -> [outputs, axes].
Napi::Value CustomFunctionFn(Info info) {
  Napi::Env env = info.Env();
  release_dead(env);
  GUARD({
    auto fun = std::make_shared<JsFn>(info[0].As<Napi::Function>());
    std::optional<VjpFn> v;
    std::optional<JvpFn> j;
    std::optional<VmapFn> m;
    if (info[1].IsFunction()) {
      auto h = std::make_shared<JsFn>(info[1].As<Napi::Function>());
      v = [h](const std::vector<array>& p, const std::vector<array>& c, const std::vector<array>& o) {
        Napi::Function f = h->get();
        Napi::Env e = f.Env();
        return call_flat(f, {arrays_to_js(e, p), arrays_to_js(e, c), arrays_to_js(e, o)}, "custom_function.vjp");
      };
    }
    if (info[2].IsFunction()) {
      auto h = std::make_shared<JsFn>(info[2].As<Napi::Function>());
      j = [h](const std::vector<array>& p, const std::vector<array>& t, const std::vector<int>& a) {
        Napi::Function f = h->get();
        Napi::Env e = f.Env();
        return call_flat(f, {arrays_to_js(e, p), arrays_to_js(e, t), ints_to_js(e, a)}, "custom_function.jvp");
      };
    }
    if (info[3].IsFunction()) {
      auto h = std::make_shared<JsFn>(info[3].As<Napi::Function>());
      m = [h](const std::vector<array>& in, const std::vector<int>& axes) {
        Napi::Function f = h->get();
        Napi::Env e = f.Env();
        Napi::HandleScope scope(e);
        Napi::Value r = f.Call({arrays_to_js(e, in), ints_to_js(e, axes)});
        if (!r.IsArray() || r.As<Napi::Array>().Length() != 2)
          throw Napi::TypeError::New(e, "[custom_function.vmap] Expected [outputs, axes].");
        Napi::Array ra = r.As<Napi::Array>();
        return std::make_pair(to_arrays(ra.Get(0u), "custom_function.vmap"),
                              ints_from_js(ra.Get(1u), "custom_function.vmap"));
      };
    }
    auto f = custom_function(held_vec_fn(fun, "custom_function"), v, j, m);
    return arrays_to_js(env, f(to_arrays(info[4], "custom_function")));
  });
}

// compile_call(id, fn, constants_key, shapeless, ...inputs) -> the output array when there is
// one, else an Array of them (the fast path of a compiled call avoids JS Arrays). The cached
// trace that ran is then given by compile_entry() (0 when compile is off or a transform is
// tracing).
uint64_t g_last_entry = 0;

Napi::Value CompileCall(Info info) {
  Napi::Env env = info.Env();
  release_dead(env);
  GUARD({
    auto id = std::uintptr_t(info[0].As<Napi::Number>().Int64Value());
    auto f = info[1].As<Napi::Function>();
    std::string key = info[2].As<Napi::String>();
    bool shapeless = info[3].ToBoolean().Value();
    std::vector<array> inputs;
    inputs.reserve(info.Length() - 4);
    for (size_t i = 4; i < info.Length(); ++i) inputs.push_back(to_array(info[i], "compile", "inputs"));
    auto r = detail::compile_call(vec_fn(f, "compile"), id, shapeless, key, inputs);
    g_last_entry = r.entry;
    if (r.outputs.size() == 1) return ArrayWrap::Wrap(env, std::move(r.outputs[0]));
    return arrays_to_js(env, r.outputs);
  });
}

Napi::Value CompileEntry(Info info) { return Napi::Number::New(info.Env(), double(g_last_entry)); }

Napi::Value CompileErase(Info info) {
  GUARD({
    detail::compile_erase(std::uintptr_t(info[0].As<Napi::Number>().Int64Value()));
    return info.Env().Undefined();
  });
}

// compile_mode(): whether compile is on; compile_mode(bool) sets it.
Napi::Value CompileMode(Info info) {
  GUARD({
    if (info.Length() > 0 && info[0].IsBoolean()) {
      if (info[0].As<Napi::Boolean>().Value()) enable_compile();
      else disable_compile();
    }
    return Napi::Boolean::New(info.Env(), compile_enabled());
  });
}

// compile_stats(id) -> [cached traces, steps of the latest program]
Napi::Value CompileStats(Info info) {
  GUARD({
    auto id = std::uintptr_t(info[0].As<Napi::Number>().Int64Value());
    Napi::Array out = Napi::Array::New(info.Env(), 2);
    out.Set(0u, Napi::Number::New(info.Env(), double(detail::compile_cache_size(id))));
    out.Set(1u, Napi::Number::New(info.Env(), double(detail::compile_last_program_size(id))));
    return out;
  });
}

}  // namespace

void init_transforms(Napi::Env env, Napi::Object exports) {
  {
    std::lock_guard<std::mutex> lock(g_dead_mu);
    g_live_envs.push_back(env);
  }
  napi_add_env_cleanup_hook(env, env_cleanup, static_cast<napi_env>(env));
  static const FunctionEntry entries[] = {
      {"vjp", Vjp},
      {"jvp", Jvp},
      {"vmap_trace", VmapTrace},
      {"vmap_replace", VmapReplace},
      {"stop_gradient", StopGradientFn},
      {"depends", DependsFn},
      {"checkpoint", CheckpointFn},
      {"custom_function", CustomFunctionFn},
      {"compile_call", CompileCall},
      {"compile_entry", CompileEntry},
      {"compile_erase", CompileErase},
      {"compile_mode", CompileMode},
      {"compile_stats", CompileStats},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
