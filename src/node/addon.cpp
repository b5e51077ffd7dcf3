// Module entry: per-environment state, the array class, conversions and ops.
#include "binding.h"

namespace mlxjs {

using namespace mlx::core;

AddonData& addon_data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

const array& to_array(const Napi::Value& v, const char* fn, const char* arg) {
  ArrayWrap* w = ArrayWrap::Unwrap(v);
  if (!w)
    throw Napi::TypeError::New(v.Env(), std::string("[") + fn + "] Expected an mx.array.");
  return w->get(v.Env());
}

std::vector<array> to_arrays(const Napi::Value& v, const char* fn, const char* arg) {
  if (!v.IsArray())
    throw Napi::TypeError::New(v.Env(), std::string("[") + fn + "] Expected an Array of arrays.");
  Napi::Array list = v.As<Napi::Array>();
  std::vector<array> out;
  out.reserve(list.Length());
  for (uint32_t i = 0; i < list.Length(); ++i) out.push_back(to_array(list.Get(i), fn, arg));
  return out;
}

Napi::Array arrays_to_js(Napi::Env env, const std::vector<array>& v) {
  Napi::Array out = Napi::Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) out.Set(uint32_t(i), ArrayWrap::Wrap(env, v[i]));
  return out;
}

Stream to_stream(const Napi::Value& v) {
  return stream_from_index(v.As<Napi::Number>().Int32Value());
}

Dtype to_dtype(const Napi::Value& v) {
  int i = v.IsNumber() ? v.As<Napi::Number>().Int32Value() : -1;
  if (i < 0 || i >= Dtype::count) throw Napi::TypeError::New(v.Env(), "[mlxjs] Invalid dtype.");
  return Dtype(Dtype::Val(i));
}

Shape to_shape(const Napi::Value& v, const char* fn) {
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), std::string("[") + fn + "] Expected a shape.");
  Napi::Array a = v.As<Napi::Array>();
  Shape s(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) {
    double d = a.Get(i).As<Napi::Number>().DoubleValue();
    if (!(d >= -2147483648.0 && d <= 2147483647.0))
      throw Napi::RangeError::New(v.Env(), std::string("[") + fn + "] Shape dimension out of range.");
    s[i] = int32_t(d);
  }
  return s;
}

std::vector<int> to_ints(const Napi::Value& v, const char* fn) {
  Shape s = to_shape(v, fn);
  return std::vector<int>(s.begin(), s.end());
}

void define_functions(Napi::Env env, Napi::Object target, const FunctionEntry* entries, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    napi_value fn;
    napi_create_function(
        env, entries[i].name, NAPI_AUTO_LENGTH,
        [](napi_env e, napi_callback_info cb) -> napi_value {
          void* data;
          napi_get_cb_info(e, cb, nullptr, nullptr, nullptr, &data);
          auto f = reinterpret_cast<Napi::Value (*)(const Napi::CallbackInfo&)>(data);
          return Napi::details::WrapCallback(e, [&]() -> napi_value {
            Napi::CallbackInfo info(e, cb);
            return f(info);
          });
        },
        reinterpret_cast<void*>(entries[i].fn), &fn);
    napi_property_descriptor d = {entries[i].name, nullptr, nullptr, nullptr, nullptr, fn,
                                  napi_property_attributes(napi_writable | napi_configurable),
                                  nullptr};
    napi_define_properties(env, target, 1, &d);
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->js_thread = std::this_thread::get_id();
  env.SetInstanceData(data);
  ArrayWrap::Define(env, exports);
  init_convert(env, exports);
  init_ops(env, exports);
  init_diagnostics(env, exports);
  return exports;
}

NODE_API_MODULE(mlxjs, Init)

}  // namespace mlxjs
