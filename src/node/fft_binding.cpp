// Binding of src/mlx/fft.h: thin typed wrappers; lib/fft.js validates the arguments (arrays,
// int lists or null for "not given", the norm as 0 backward / 1 ortho / 2 forward, stream
// indices) and passes the Python name ('fft.rfft2') for the engine's error messages.
#include <string>

#include "binding.h"
#include "mlx/fft.h"

namespace mlxjs {

using namespace mlx::core;

namespace {

using Info = const Napi::CallbackInfo&;

bool none(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }

// (name, a, n: int list | null, axes: int list | null, real, inverse, norm, stream)
Napi::Value Transform(Info info) {
  std::string name = info[0].As<Napi::String>().Utf8Value();
  const char* fn = name.c_str();
  return guarded(info.Env(), [&]() -> Napi::Value {
    const array& a = to_array(info[1], fn, "a");
    std::optional<Shape> n;
    if (!none(info[2])) n = to_shape(info[2], fn);
    std::optional<std::vector<int>> axes;
    if (!none(info[3])) axes = to_ints(info[3], fn);
    auto norm = static_cast<fft::FFTNorm>(info[6].As<Napi::Number>().Int32Value());
    return ArrayWrap::Wrap(info.Env(), fft::detail::fft_impl(fn, a, n, axes, info[4].ToBoolean(),
                                                             info[5].ToBoolean(), norm, to_stream(info[7])));
  });
}

// (name, a, axes: int list | null, inverse, stream)
Napi::Value Shift(Info info) {
  std::string name = info[0].As<Napi::String>().Utf8Value();
  const char* fn = name.c_str();
  return guarded(info.Env(), [&]() -> Napi::Value {
    const array& a = to_array(info[1], fn, "a");
    std::optional<std::vector<int>> axes;
    if (!none(info[2])) axes = to_ints(info[2], fn);
    return ArrayWrap::Wrap(info.Env(), fft::detail::fftshift_impl(fn, a, axes, info[3].ToBoolean(), to_stream(info[4])));
  });
}

// (name, n, d, real, stream)
Napi::Value Freq(Info info) {
  std::string name = info[0].As<Napi::String>().Utf8Value();
  const char* fn = name.c_str();
  return guarded(info.Env(), [&]() -> Napi::Value {
    return ArrayWrap::Wrap(info.Env(), fft::detail::fftfreq_impl(fn, info[1].As<Napi::Number>().Int32Value(),
                                                                 info[2].As<Napi::Number>().DoubleValue(),
                                                                 info[3].ToBoolean(), to_stream(info[4])));
  });
}

}  // namespace

void init_fft(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {
      {"fft_transform", Transform},
      {"fft_shift", Shift},
      {"fft_freq", Freq},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
