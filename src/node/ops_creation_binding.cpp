// Binding of src/mlx/ops_creation.h: thin typed wrappers; lib/ops_creation.js validates the
// arguments. Arguments arrive parsed: arrays, int32 numbers, booleans, dtype indices, a stream
// index.
#include "binding.h"
#include "mlx/print.h"

namespace mlxjs {

using namespace mlx::core;

namespace {

using Info = const Napi::CallbackInfo&;

#define GUARD(body) return guarded(info.Env(), [&]() -> Napi::Value { body })
#define WRAP(expr) return ArrayWrap::Wrap(info.Env(), (expr))
#define A(i) to_array(info[i], fn, #i)
#define S(i) to_stream(info[i])
#define B(i) info[i].ToBoolean().Value()
#define I(i) info[i].As<Napi::Number>().Int32Value()
#define D(i) to_dtype(info[i])
#define F(i) info[i].As<Napi::Number>().DoubleValue()

// (start, stop, num, endpoint, dtype, stream)
Napi::Value LinspaceFn(Info info) { GUARD(WRAP(linspace(F(0), F(1), I(2), B(3), D(4), S(5)));); }

// (a, vals, dtype, stream)
Napi::Value FullLike(Info info) {
  const char* fn = "full_like";
  GUARD(WRAP(full_like(A(0), A(1), D(2), S(3))););
}

// (n, m, k, dtype, stream)
Napi::Value Eye(Info info) { GUARD(WRAP(eye(I(0), I(1), I(2), D(3), S(4)));); }
Napi::Value Tri(Info info) { GUARD(WRAP(tri(I(0), I(1), I(2), D(3), S(4)));); }

// (x, k, stream)
Napi::Value Tril(Info info) {
  const char* fn = "tril";
  GUARD(WRAP(tril(A(0), I(1), S(2))););
}
Napi::Value Triu(Info info) {
  const char* fn = "triu";
  GUARD(WRAP(triu(A(0), I(1), S(2))););
}

// (arrays[], sparse, indexing, stream) -> Array of arrays
Napi::Value Meshgrid(Info info) {
  const char* fn = "meshgrid";
  GUARD({
    Napi::Env env = info.Env();
    Napi::Array in = info[0].As<Napi::Array>();
    std::vector<array> xs;
    xs.reserve(in.Length());
    for (uint32_t i = 0; i < in.Length(); ++i) xs.push_back(to_array(in.Get(i), fn, "arrays"));
    auto out = meshgrid(xs, B(1), info[2].As<Napi::String>().Utf8Value(), S(3));
    Napi::Array res = Napi::Array::New(env, out.size());
    for (uint32_t i = 0; i < out.size(); ++i) res.Set(i, ArrayWrap::Wrap(env, out[i]));
    return res;
  });
}

// (M, stream)
Napi::Value Bartlett(Info info) { GUARD(WRAP(bartlett(I(0), S(1)));); }
Napi::Value Hanning(Info info) { GUARD(WRAP(hanning(I(0), S(1)));); }
Napi::Value Hamming(Info info) { GUARD(WRAP(hamming(I(0), S(1)));); }
Napi::Value Blackman(Info info) { GUARD(WRAP(blackman(I(0), S(1)));); }

// (a, dtype, stream)
Napi::Value ViewFn(Info info) {
  const char* fn = "view";
  GUARD(WRAP(view(A(0), D(1), S(2))););
}
// (x, stream)
Napi::Value ToFP8(Info info) {
  const char* fn = "to_fp8";
  GUARD(WRAP(to_fp8(A(0), S(1))););
}
// (x, dtype, stream)
Napi::Value FromFP8(Info info) {
  const char* fn = "from_fp8";
  GUARD(WRAP(from_fp8(A(0), D(1), S(2))););
}

// () -> the print precision; (p) sets it and returns the previous one.
Napi::Value PrintPrecision(Info info) {
  GUARD({
    int old = get_print_precision();
    if (info.Length() > 0 && info[0].IsNumber()) set_print_precision(I(0));
    return Napi::Number::New(info.Env(), old);
  });
}

}  // namespace

void init_ops_creation(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {
      {"linspace", LinspaceFn},
      {"full_like", FullLike},
      {"eye", Eye},
      {"tri", Tri},
      {"tril", Tril},
      {"triu", Triu},
      {"meshgrid", Meshgrid},
      {"bartlett", Bartlett},
      {"hanning", Hanning},
      {"hamming", Hamming},
      {"blackman", Blackman},
      {"view", ViewFn},
      {"to_fp8", ToFP8},
      {"from_fp8", FromFP8},
      {"print_precision", PrintPrecision},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
