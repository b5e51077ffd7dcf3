// Binding of src/mlx/quantized.h: thin typed wrappers; lib/quantized.js parses and checks the
// arguments (arrays or null, ints or null, the mode string, dtype indices, stream indices).
// quantize returns a JS Array ([w_q, scales, biases] or [w_q, scales]).
#include "binding.h"
#include "mlx/quantized.h"

namespace mlxjs {

using namespace mlx::core;

namespace {

using Info = const Napi::CallbackInfo&;

bool none(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }
std::optional<int> opt_int(const Napi::Value& v) {
  if (none(v)) return std::nullopt;
  return v.As<Napi::Number>().Int32Value();
}
std::optional<array> opt_array(const Napi::Value& v, const char* fn, const char* what) {
  if (none(v)) return std::nullopt;
  return to_array(v, fn, what);
}
std::string str(const Napi::Value& v) { return v.As<Napi::String>().Utf8Value(); }

// (w, group_size, bits, mode, global_scale, stream)
Napi::Value Quantize(Info info) {
  const char* fn = "quantize";
  return guarded(info.Env(), [&]() -> Napi::Value {
    auto out = quantize(to_array(info[0], fn, "w"), opt_int(info[1]), opt_int(info[2]),
                        str(info[3]), opt_array(info[4], fn, "global_scale"), to_stream(info[5]));
    Napi::Array r = Napi::Array::New(info.Env(), out.size());
    for (size_t i = 0; i < out.size(); ++i) r.Set(uint32_t(i), ArrayWrap::Wrap(info.Env(), out[i]));
    return r;
  });
}

// (w, scales, biases, group_size, bits, mode, global_scale, dtype | null, stream)
Napi::Value Dequantize(Info info) {
  const char* fn = "dequantize";
  return guarded(info.Env(), [&]() -> Napi::Value {
    std::optional<Dtype> dt;
    if (!none(info[7])) dt = to_dtype(info[7]);
    return ArrayWrap::Wrap(
        info.Env(),
        dequantize(to_array(info[0], fn, "w"), to_array(info[1], fn, "scales"),
                   opt_array(info[2], fn, "biases"), opt_int(info[3]), opt_int(info[4]),
                   str(info[5]), opt_array(info[6], fn, "global_scale"), dt, to_stream(info[8])));
  });
}

// (x, w, scales, biases, transpose, group_size, bits, mode, stream)
Napi::Value QuantizedMatmulFn(Info info) {
  const char* fn = "quantized_matmul";
  return guarded(info.Env(), [&]() -> Napi::Value {
    return ArrayWrap::Wrap(
        info.Env(),
        quantized_matmul(to_array(info[0], fn, "x"), to_array(info[1], fn, "w"),
                         to_array(info[2], fn, "scales"), opt_array(info[3], fn, "biases"),
                         info[4].ToBoolean().Value(), opt_int(info[5]), opt_int(info[6]),
                         str(info[7]), to_stream(info[8])));
  });
}

// (x, w, scales, biases, lhs, rhs, transpose, group_size, bits, mode, sorted, stream)
Napi::Value GatherQmm(Info info) {
  const char* fn = "gather_qmm";
  return guarded(info.Env(), [&]() -> Napi::Value {
    return ArrayWrap::Wrap(
        info.Env(),
        gather_qmm(to_array(info[0], fn, "x"), to_array(info[1], fn, "w"),
                   to_array(info[2], fn, "scales"), opt_array(info[3], fn, "biases"),
                   opt_array(info[4], fn, "lhs_indices"), opt_array(info[5], fn, "rhs_indices"),
                   info[6].ToBoolean().Value(), opt_int(info[7]), opt_int(info[8]), str(info[9]),
                   info[10].ToBoolean().Value(), to_stream(info[11])));
  });
}

// (x, w, scales, group_size, bits, mode, global_scale_x, global_scale_w, stream)
Napi::Value Qqmm(Info info) {
  const char* fn = "qqmm";
  return guarded(info.Env(), [&]() -> Napi::Value {
    return ArrayWrap::Wrap(
        info.Env(), qqmm(to_array(info[0], fn, "x"), to_array(info[1], fn, "w"),
                         opt_array(info[2], fn, "scales"), opt_int(info[3]), opt_int(info[4]),
                         str(info[5]), opt_array(info[6], fn, "global_scale_x"),
                         opt_array(info[7], fn, "global_scale_w"), to_stream(info[8])));
  });
}

// (x, w, scales, lhs, rhs, group_size, bits, mode, global_scale_x, global_scale_w, sorted, stream)
Napi::Value GatherQqmm(Info info) {
  const char* fn = "gather_qqmm";
  return guarded(info.Env(), [&]() -> Napi::Value {
    return ArrayWrap::Wrap(
        info.Env(),
        gather_qqmm(to_array(info[0], fn, "x"), to_array(info[1], fn, "w"),
                    opt_array(info[2], fn, "scales"), opt_array(info[3], fn, "lhs_indices"),
                    opt_array(info[4], fn, "rhs_indices"), opt_int(info[5]), opt_int(info[6]),
                    str(info[7]), opt_array(info[8], fn, "global_scale_x"),
                    opt_array(info[9], fn, "global_scale_w"), info[10].ToBoolean().Value(),
                    to_stream(info[11])));
  });
}

}  // namespace

void init_quantized(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {
      {"quantize", Quantize},
      {"dequantize", Dequantize},
      {"quantized_matmul", QuantizedMatmulFn},
      {"gather_qmm", GatherQmm},
      {"qqmm", Qqmm},
      {"gather_qqmm", GatherQqmm},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
