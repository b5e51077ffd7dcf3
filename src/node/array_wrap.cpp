// The JS object behind mx.array: owns one engine array and reports its memory to V8.
#include <atomic>
#include <cstring>

#include "binding.h"
#include "mlx/pool.h"
#include "mlx/print.h"
#include "mlx/transforms.h"

#include "v8_bridge.h"

namespace mlxjs {

namespace {

std::atomic<int64_t> g_live{0};  // wrappers alive in all environments (for tests)

// Bytes released by collected or disposed arrays, not yet reported to V8 (V8 must not be
// called from inside its own GC callbacks). Per thread = per JS environment.
thread_local int64_t tl_released = 0;

mlx::core::PoolAllocator<ArrayWrap> wrap_alloc;

ArrayWrap* new_wrap(array a) {
  auto* w = new (wrap_alloc.allocate(1)) ArrayWrap();
  w->array_ = std::move(a);
  w->reported_ = int64_t(w->array_->nbytes()) + 256;  // data plus the graph node itself
  g_live.fetch_add(1, std::memory_order_relaxed);
  return w;
}

void delete_wrap(ArrayWrap* w) {
  tl_released += w->reported_;
  g_live.fetch_sub(1, std::memory_order_relaxed);
  w->~ArrayWrap();
  wrap_alloc.deallocate(w, 1);
}

#if MLXJS_HAVE_V8

struct V8State {
  v8::Global<v8::FunctionTemplate> tmpl;
  v8::Global<v8::ObjectTemplate> instance;
};
thread_local V8State* tl_v8 = nullptr;

using WeakHandle = v8::Global<v8::Object>;
static_assert(sizeof(WeakHandle) == sizeof(void*));
WeakHandle& weak_handle(ArrayWrap* w) { return *std::launder(reinterpret_cast<WeakHandle*>(w->handle_)); }

void weak_callback(const v8::WeakCallbackInfo<ArrayWrap>& info) {
  ArrayWrap* w = info.GetParameter();
  weak_handle(w).Reset();
  weak_handle(w).~WeakHandle();
  delete_wrap(w);
}

void throwing_ctor(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* iso = info.GetIsolate();
  iso->ThrowException(v8::Exception::TypeError(
      v8::String::NewFromUtf8Literal(iso, "[array] Use mx.array(value, dtype) to create arrays.")));
}

#else

void napi_finalizer(napi_env, void* data, void*) { delete_wrap(static_cast<ArrayWrap*>(data)); }

#endif

// Reports newly owned bytes and the bytes released since the last call.
void report(Napi::Env env, int64_t added) {
  drain_unrefs(env);
  int64_t delta = added - tl_released;
  tl_released = 0;
  if (delta) Napi::MemoryManagement::AdjustExternalMemory(env, delta);
}

}  // namespace

int64_t ArrayWrap::live_count() { return g_live.load(); }

Napi::Value ArrayWrap::Wrap(Napi::Env env, array a) {
  ArrayWrap* w = new_wrap(std::move(a));
#if MLXJS_HAVE_V8
  v8::Isolate* iso = v8::Isolate::GetCurrent();
  v8::Local<v8::Context> ctx = iso->GetCurrentContext();
  v8::Local<v8::Object> obj;
  if (!tl_v8->instance.Get(iso)->NewInstance(ctx).ToLocal(&obj)) {
    delete_wrap(w);
    throw Napi::Error::New(env, "[array] Unable to create the array object.");
  }
  obj->SetAlignedPointerInInternalField(0, w);
  auto* handle = new (w->handle_) WeakHandle(iso, obj);
  handle->SetWeak(w, weak_callback, v8::WeakCallbackType::kParameter);
  report(env, w->reported_);
  return Napi::Value(env, to_napi(obj));
#else
  Napi::Object obj = addon_data(env).array_ctor.New({Napi::External<ArrayWrap>::New(env, w)});
  napi_wrap(env, obj, w, napi_finalizer, nullptr, nullptr);
  report(env, w->reported_);
  return obj;
#endif
}

ArrayWrap* ArrayWrap::Unwrap(const Napi::Value& v) {
#if MLXJS_HAVE_V8
  v8::Local<v8::Value> val = to_v8(v);
  if (!val->IsObject()) return nullptr;
  v8::Local<v8::Object> obj = val.As<v8::Object>();
  if (obj->InternalFieldCount() != 1) return nullptr;
  if (!tl_v8->tmpl.Get(v8::Isolate::GetCurrent())->HasInstance(obj)) return nullptr;
  return static_cast<ArrayWrap*>(obj->GetAlignedPointerFromInternalField(0));
#else
  if (!v.IsObject()) return nullptr;
  napi_env env = v.Env();
  bool is = false;
  napi_instanceof(env, v, addon_data(env).array_ctor.Value(), &is);
  if (!is) return nullptr;
  void* p = nullptr;
  if (napi_unwrap(env, v, &p) != napi_ok) return nullptr;
  return static_cast<ArrayWrap*>(p);
#endif
}

ArrayWrap* ArrayWrap::UnwrapThis(const Napi::CallbackInfo& info) {
  ArrayWrap* w = Unwrap(info.This());
  if (!w) throw Napi::TypeError::New(info.Env(), "[array] Method called on an object that is not an mx.array.");
  return w;
}

array& ArrayWrap::get(Napi::Env env) {
  if (!array_) throw Napi::Error::New(env, "[array] This array was disposed.");
  return *array_;
}

void ArrayWrap::dispose() {
  array_.reset();
  tl_released += reported_;
  reported_ = 0;
}

namespace {

using Info = const Napi::CallbackInfo&;

array& self(Info info) { return ArrayWrap::UnwrapThis(info)->get(info.Env()); }

Napi::Value Shape(Info info) {
  auto& a = self(info);
  Napi::Array out = Napi::Array::New(info.Env(), a.ndim());
  for (int i = 0; i < a.ndim(); ++i) out.Set(uint32_t(i), Napi::Number::New(info.Env(), a.shape()[i]));
  return out;
}
Napi::Value DtypeIndex(Info info) { return Napi::Number::New(info.Env(), self(info).dtype().index()); }
Napi::Value Size(Info info) { return Napi::Number::New(info.Env(), double(self(info).size())); }
Napi::Value Ndim(Info info) { return Napi::Number::New(info.Env(), self(info).ndim()); }
Napi::Value Repr(Info info) {
  return guarded(info.Env(), [&] { return Napi::String::New(info.Env(), mlx::core::repr(self(info))); });
}
Napi::Value Eval(Info info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    self(info).eval();
    return info.Env().Undefined();
  });
}
Napi::Value Dispose(Info info) {
  ArrayWrap::UnwrapThis(info)->dispose();
  report(info.Env(), 0);
  return info.Env().Undefined();
}
// Python's `a[idx] = v` and `a += b` rebind the array object to a new graph node: this
// object now holds other's array (the two JS objects share it, as views share data).
Napi::Value Replace(Info info) {
  ArrayWrap* w = ArrayWrap::UnwrapThis(info);
  if (info.Length() < 1) throw Napi::TypeError::New(info.Env(), "[array] _replace expects an mx.array.");
  array other = to_array(info[0], "array", "other");
  tl_released += w->reported_;
  w->array_ = std::move(other);
  w->reported_ = int64_t(w->array_->nbytes()) + 256;
  report(info.Env(), w->reported_);
  return info.This();
}
Napi::Value IsDisposed(Info info) {
  return Napi::Boolean::New(info.Env(), !ArrayWrap::UnwrapThis(info)->array_.has_value());
}

}  // namespace

void ArrayWrap::Define(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor;
#if MLXJS_HAVE_V8
  v8::Isolate* iso = v8::Isolate::GetCurrent();
  v8::Local<v8::Context> ctx = iso->GetCurrentContext();
  auto tmpl = v8::FunctionTemplate::New(iso, throwing_ctor);
  tmpl->SetClassName(v8::String::NewFromUtf8Literal(iso, "array"));
  tmpl->InstanceTemplate()->SetInternalFieldCount(1);
  tl_v8 = new V8State();  // one per JS thread; lives as long as the thread
  tl_v8->tmpl.Reset(iso, tmpl);
  tl_v8->instance.Reset(iso, tmpl->InstanceTemplate());
  ctor = Napi::Function(env, to_napi(tmpl->GetFunction(ctx).ToLocalChecked()));
#else
  ctor = Napi::Function::New(env, [](Info info) -> Napi::Value {
    if (!info.IsConstructCall() || info.Length() != 1 || !info[0].IsExternal())
      throw Napi::TypeError::New(info.Env(), "[array] Use mx.array(value, dtype) to create arrays.");
    return info.Env().Undefined();
  }, "array");
  addon_data(env).array_ctor = Napi::Persistent(ctor);
#endif
  Napi::Object proto = ctor.Get("prototype").As<Napi::Object>();
  static const FunctionEntry methods[] = {
      {"_shape", Shape}, {"_dtype", DtypeIndex}, {"_size", Size}, {"_ndim", Ndim},
      {"_item", ArrayItem}, {"_toTypedArray", ArrayToTypedArray}, {"_repr", Repr},
      {"_eval", Eval}, {"_dispose", Dispose}, {"_disposed", IsDisposed}, {"_replace", Replace},
  };
  define_functions(env, proto, methods);
  exports.Set("array", ctor);
}

}  // namespace mlxjs
