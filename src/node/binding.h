// Shared pieces of the Node binding: the array wrapper and argument helpers.
// All argument parsing and validation happens in lib/ (JS); these functions trust the
// kinds of their arguments but still fail cleanly (TypeError) when handed something else.
#pragma once

#include <napi.h>

#include <optional>
#include <thread>

#include "mlx/array.h"
#include "mlx/ops.h"

namespace mlxjs {

using mlx::core::array;

// Per-environment state (main thread and each worker_thread have their own).
struct AddonData {
  Napi::FunctionReference array_ctor;
  std::thread::id js_thread;
  struct AsyncState;
  std::shared_ptr<AsyncState> async;
};

// The native side of an mx.array: one engine array, owned by one JS object. When Node's
// V8 headers are available the JS object holds it through a V8 weak handle, so it is freed
// inside garbage collection (Node-API finalizers only run when the event loop turns, which
// a synchronous loop never lets happen); otherwise through napi_wrap.
class ArrayWrap {
 public:
  static void Define(Napi::Env env, Napi::Object exports);
  static Napi::Value Wrap(Napi::Env env, array a);
  static ArrayWrap* Unwrap(const Napi::Value& v);  // nullptr if not an mx.array
  static ArrayWrap* UnwrapThis(const Napi::CallbackInfo& info);
  static int64_t live_count();

  // Throws a JS Error if disposed.
  array& get(Napi::Env env);
  void dispose();

  std::optional<array> array_;
  int64_t reported_ = 0;  // bytes reported to V8 as external memory
  alignas(void*) unsigned char handle_[sizeof(void*)];  // the V8 weak handle, in place
};

AddonData& addon_data(Napi::Env env);
const array& to_array(const Napi::Value& v, const char* fn, const char* arg);
// A JS Array of mx.arrays as engine arrays (TypeError naming fn otherwise).
std::vector<array> to_arrays(const Napi::Value& v, const char* fn, const char* arg = "arrays");
// Engine arrays as a JS Array of mx.arrays.
Napi::Array arrays_to_js(Napi::Env env, const std::vector<array>& v);
mlx::core::Stream to_stream(const Napi::Value& v);
mlx::core::Dtype to_dtype(const Napi::Value& v);
mlx::core::Shape to_shape(const Napi::Value& v, const char* fn);
std::vector<int> to_ints(const Napi::Value& v, const char* fn);

// Runs f, turning C++ exceptions into JS errors (RangeError for out_of_range).
template <typename F>
Napi::Value guarded(Napi::Env env, F&& f) {
  try {
    return f();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::out_of_range& e) {
    throw Napi::RangeError::New(env, e.what());
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "[mlxjs] Out of memory.");
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}

void drain_unrefs(napi_env env);  // releases JS buffers that aliased arrays no longer use
Napi::Value ArrayItem(const Napi::CallbackInfo& info);
Napi::Value ArrayToTypedArray(const Napi::CallbackInfo& info);
// A native function and the name JS sees it under.
struct FunctionEntry {
  const char* name;
  Napi::Value (*fn)(const Napi::CallbackInfo&);
};
// Defines each entry on target as a plain function (C++ exceptions become JS errors).
void define_functions(Napi::Env env, Napi::Object target, const FunctionEntry* entries, size_t n);
template <size_t N>
void define_functions(Napi::Env env, Napi::Object target, const FunctionEntry (&entries)[N]) {
  define_functions(env, target, entries, N);
}

void init_convert(Napi::Env env, Napi::Object exports);
void init_ops(Napi::Env env, Napi::Object exports);
void init_transforms(Napi::Env env, Napi::Object exports);  // transforms_binding.cpp
void init_ops_reduce(Napi::Env env, Napi::Object exports);  // ops_reduce_binding.cpp
void init_ops_creation(Napi::Env env, Napi::Object exports);  // ops_creation_binding.cpp
void init_ops_index(Napi::Env env, Napi::Object exports);     // ops_index_binding.cpp
void init_ops_shape(Napi::Env env, Napi::Object exports);     // ops_shape_binding.cpp
void init_ops_sort(Napi::Env env, Napi::Object exports);      // ops_sort_binding.cpp
void init_contract(Napi::Env env, Napi::Object exports);      // contract_binding.cpp
void init_random(Napi::Env env, Napi::Object exports);        // random_binding.cpp
void init_io(Napi::Env env, Napi::Object exports);            // io_binding.cpp
void init_linalg(Napi::Env env, Napi::Object exports);        // linalg_binding.cpp
void init_fft(Napi::Env env, Napi::Object exports);           // fft_binding.cpp
void init_fast(Napi::Env env, Napi::Object exports);          // fast_binding.cpp
void init_conv(Napi::Env env, Napi::Object exports);          // conv_binding.cpp
void init_quantized(Napi::Env env, Napi::Object exports);     // quantized_binding.cpp
void init_export(Napi::Env env, Napi::Object exports);        // export_binding.cpp
void init_diagnostics(Napi::Env env, Napi::Object exports);  // `_diag`: hardware oracles for tests

}  // namespace mlxjs
