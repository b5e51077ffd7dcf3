// Binding of src/mlx/fast.h: thin typed wrappers; lib/fast.js validates the arguments
// (arrays or null, numbers, booleans, the mask string, stream indices).
#include "binding.h"
#include "mlx/fast.h"

namespace mlxjs {

using namespace mlx::core;

namespace {

using Info = const Napi::CallbackInfo&;

#define GUARD(...) return guarded(info.Env(), [&]() -> Napi::Value { __VA_ARGS__ })
#define WRAP(expr) return ArrayWrap::Wrap(info.Env(), (expr))
#define A(i) to_array(info[i], fn, #i)
#define S(i) to_stream(info[i])
#define B(i) info[i].ToBoolean().Value()
#define F(i) float(info[i].As<Napi::Number>().DoubleValue())

bool none(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }

std::optional<array> opt_array(const Napi::Value& v, const char* fn, const char* arg) {
  if (none(v)) return std::nullopt;
  return to_array(v, fn, arg);
}

// (x, weight | null, eps, stream)
Napi::Value RmsNorm(Info info) {
  const char* fn = "fast.rms_norm";
  GUARD(WRAP(fast::rms_norm(A(0), opt_array(info[1], fn, "weight"), F(2), S(3))););
}

// (x, weight | null, bias | null, eps, stream)
Napi::Value LayerNorm(Info info) {
  const char* fn = "fast.layer_norm";
  GUARD(WRAP(fast::layer_norm(A(0), opt_array(info[1], fn, "weight"),
                              opt_array(info[2], fn, "bias"), F(3), S(4))););
}

// (a, dims, traditional, base | null, scale, offset (array), freqs | null, stream)
Napi::Value Rope(Info info) {
  const char* fn = "fast.rope";
  GUARD({
    std::optional<float> base;
    if (!none(info[3])) base = F(3);
    WRAP(fast::rope(A(0), info[1].As<Napi::Number>().Int32Value(), B(2), base, F(4), A(5),
                    opt_array(info[6], fn, "freqs"), S(7)));
  });
}

// (q, k, v, scale, mask: null | 'causal' | array, sinks | null, stream)
Napi::Value Sdpa(Info info) {
  const char* fn = "fast.scaled_dot_product_attention";
  GUARD({
    std::string mode;
    std::optional<array> mask;
    if (info[4].IsString())
      mode = info[4].As<Napi::String>().Utf8Value();
    else
      mask = opt_array(info[4], fn, "mask");
    WRAP(fast::scaled_dot_product_attention(A(0), A(1), A(2), F(3), mode, mask,
                                            opt_array(info[5], fn, "sinks"), S(6)));
  });
}

}  // namespace

void init_fast(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {
      {"fast_rms_norm", RmsNorm},
      {"fast_layer_norm", LayerNorm},
      {"fast_rope", Rope},
      {"fast_scaled_dot_product_attention", Sdpa},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
