// The JS object behind mx.array: owns one engine array and reports its memory to V8.
#include <cstring>

#include "binding.h"
#include "mlx/print.h"
#include "mlx/transforms.h"

namespace mlxjs {

namespace {
// Set by Wrap() just before it calls the constructor, so construction needs no External.
thread_local std::optional<array>* pending = nullptr;
}  // namespace

Napi::Function ArrayWrap::Define(Napi::Env env) {
  return DefineClass(env, "array",
                     {
                         InstanceMethod<&ArrayWrap::Shape>("_shape"),
                         InstanceMethod<&ArrayWrap::DtypeIndex>("_dtype"),
                         InstanceMethod<&ArrayWrap::Size>("_size"),
                         InstanceMethod<&ArrayWrap::Ndim>("_ndim"),
                         InstanceMethod<&ArrayWrap::Item>("_item"),
                         InstanceMethod<&ArrayWrap::ToTypedArray>("_toTypedArray"),
                         InstanceMethod<&ArrayWrap::Repr>("_repr"),
                         InstanceMethod<&ArrayWrap::Eval>("_eval"),
                         InstanceMethod<&ArrayWrap::Dispose>("_dispose"),
                         InstanceMethod<&ArrayWrap::IsDisposed>("_disposed"),
                     });
}

ArrayWrap::ArrayWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<ArrayWrap>(info), env_(info.Env()) {
  if (!pending || !*pending)
    throw Napi::TypeError::New(info.Env(), "[array] Use mx.array(value, dtype) to create arrays.");
  array_ = std::move(**pending);
  pending = nullptr;
  reported_ = int64_t(array_->nbytes()) + 256;  // data plus the graph node's own size
  Napi::MemoryManagement::AdjustExternalMemory(env_, reported_);
}

ArrayWrap::~ArrayWrap() {
  if (reported_) Napi::MemoryManagement::AdjustExternalMemory(env_, -reported_);
}

Napi::Object ArrayWrap::Wrap(Napi::Env env, array a) {
  std::optional<array> slot(std::move(a));
  pending = &slot;
  Napi::Object obj = addon_data(env).array_ctor.New({});
  pending = nullptr;
  return obj;
}

ArrayWrap* ArrayWrap::Unwrap(const Napi::Value& v) {
  if (!v.IsObject()) return nullptr;
  napi_env env = v.Env();
  void* p = nullptr;
  if (napi_unwrap(env, v, &p) != napi_ok) {
    // napi_unwrap leaves a pending exception on failure in some Node versions.
    bool pending_exc = false;
    napi_is_exception_pending(env, &pending_exc);
    if (pending_exc) {
      napi_value ignored;
      napi_get_and_clear_last_exception(env, &ignored);
    }
    return nullptr;
  }
  return static_cast<ArrayWrap*>(p);
}

array& ArrayWrap::get(Napi::Env env) {
  if (!array_) throw Napi::Error::New(env, "[array] This array was disposed.");
  return *array_;
}

void ArrayWrap::dispose() {
  array_.reset();
  if (reported_) Napi::MemoryManagement::AdjustExternalMemory(env_, -reported_);
  reported_ = 0;
}

Napi::Value ArrayWrap::Shape(const Napi::CallbackInfo& info) {
  auto& a = get(info.Env());
  Napi::Array out = Napi::Array::New(info.Env(), a.ndim());
  for (int i = 0; i < a.ndim(); ++i) out.Set(uint32_t(i), Napi::Number::New(info.Env(), a.shape()[i]));
  return out;
}

Napi::Value ArrayWrap::DtypeIndex(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), get(info.Env()).dtype().index());
}

Napi::Value ArrayWrap::Size(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), double(get(info.Env()).size()));
}

Napi::Value ArrayWrap::Ndim(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), get(info.Env()).ndim());
}

Napi::Value ArrayWrap::Repr(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&] { return Napi::String::New(info.Env(), mlx::core::repr(get(info.Env()))); });
}

Napi::Value ArrayWrap::Eval(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    get(info.Env()).eval();
    return info.Env().Undefined();
  });
}

Napi::Value ArrayWrap::Dispose(const Napi::CallbackInfo& info) {
  dispose();
  return info.Env().Undefined();
}

Napi::Value ArrayWrap::IsDisposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !array_.has_value());
}

// Item and ToTypedArray live in convert.cpp beside the other value conversions.

}  // namespace mlxjs
