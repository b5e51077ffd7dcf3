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

class ArrayWrap : public Napi::ObjectWrap<ArrayWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  static Napi::Object Wrap(Napi::Env env, array a);
  static ArrayWrap* Unwrap(const Napi::Value& v);  // nullptr if not an mx.array

  explicit ArrayWrap(const Napi::CallbackInfo& info);
  ~ArrayWrap() override;

  // Throws a JS Error if disposed.
  array& get(Napi::Env env);
  void dispose();

 private:
  Napi::Value Shape(const Napi::CallbackInfo& info);
  Napi::Value DtypeIndex(const Napi::CallbackInfo& info);
  Napi::Value Size(const Napi::CallbackInfo& info);
  Napi::Value Ndim(const Napi::CallbackInfo& info);
  Napi::Value Item(const Napi::CallbackInfo& info);
  Napi::Value ToTypedArray(const Napi::CallbackInfo& info);
  Napi::Value Repr(const Napi::CallbackInfo& info);
  Napi::Value Eval(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsDisposed(const Napi::CallbackInfo& info);

  std::optional<array> array_;
  int64_t reported_ = 0;  // bytes reported to V8 as external memory
  Napi::Env env_;
};

AddonData& addon_data(Napi::Env env);
const array& to_array(const Napi::Value& v, const char* fn, const char* arg);
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

void init_convert(Napi::Env env, Napi::Object exports);
void init_ops(Napi::Env env, Napi::Object exports);

}  // namespace mlxjs
