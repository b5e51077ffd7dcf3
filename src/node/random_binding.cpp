// Binding of src/mlx/random.h: thin typed wrappers; lib/random.js validates the arguments
// (arrays, shapes as int lists, dtype indices, stream indices, null for "not given") and
// always passes a key (it keeps the implicit key sequence itself, as Python MLX does).
#include "binding.h"
#include "mlx/random.h"

namespace mlxjs {

using namespace mlx::core;

namespace {

using Info = const Napi::CallbackInfo&;

#define GUARD(...) return guarded(info.Env(), [&]() -> Napi::Value { __VA_ARGS__ })
#define WRAP(expr) return ArrayWrap::Wrap(info.Env(), (expr))
#define A(i) to_array(info[i], fn, #i)
#define S(i) to_stream(info[i])
#define I(i) info[i].As<Napi::Number>().Int32Value()
#define F(i) info[i].As<Napi::Number>().FloatValue()

bool none(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }
std::optional<array> opt_array(Info info, int i, const char* fn) {
  if (none(info[i])) return std::nullopt;
  return to_array(info[i], fn, "array");
}

// (hi, lo): the two 32-bit halves of the seed.
Napi::Value Key(Info info) {
  GUARD({
    uint64_t hi = info[0].As<Napi::Number>().Uint32Value(), lo = info[1].As<Napi::Number>().Uint32Value();
    WRAP(random::key((hi << 32) | lo));
  });
}

// (shape, width, key, stream)
Napi::Value Bits(Info info) {
  const char* fn = "random.bits";
  GUARD(WRAP(random::bits(to_shape(info[0], fn), I(1), A(2), S(3))););
}

// (key, num, stream)
Napi::Value Split(Info info) {
  const char* fn = "random.split";
  GUARD(WRAP(random::split(A(0), I(1), S(2))););
}

// (key, stream) -> [new state, subkey]: one step of the implicit key sequence.
Napi::Value Next(Info info) {
  const char* fn = "random.split";
  GUARD({
    auto [k, sub] = random::split(A(0), S(1));
    Napi::Array out = Napi::Array::New(info.Env(), 2);
    out.Set(uint32_t(0), ArrayWrap::Wrap(info.Env(), k));
    out.Set(uint32_t(1), ArrayWrap::Wrap(info.Env(), sub));
    return out;
  });
}

// (low, high, shape, dtype, key, stream)
Napi::Value Uniform(Info info) {
  const char* fn = "random.uniform";
  GUARD(WRAP(random::uniform(A(0), A(1), to_shape(info[2], fn), to_dtype(info[3]), A(4), S(5))););
}

// (shape, dtype, loc|null, scale|null, key, stream)
Napi::Value Normal(Info info) {
  const char* fn = "random.normal";
  GUARD(WRAP(random::normal(to_shape(info[0], fn), to_dtype(info[1]), opt_array(info, 2, fn),
                            opt_array(info, 3, fn), A(4), S(5))););
}

// (mean, cov, shape, dtype, key, stream)
Napi::Value MultivariateNormal(Info info) {
  const char* fn = "random.multivariate_normal";
  GUARD(WRAP(random::multivariate_normal(A(0), A(1), to_shape(info[2], fn), to_dtype(info[3]), A(4), S(5))););
}

// (low, high, shape, dtype, key, stream)
Napi::Value RandInt(Info info) {
  const char* fn = "random.randint";
  GUARD(WRAP(random::randint(A(0), A(1), to_shape(info[2], fn), to_dtype(info[3]), A(4), S(5))););
}

// (p, shape|null, key, stream)
Napi::Value Bernoulli(Info info) {
  const char* fn = "random.bernoulli";
  GUARD({
    array p = A(0);
    if (none(info[1])) WRAP(random::bernoulli(p, A(2), S(3)));
    WRAP(random::bernoulli(p, to_shape(info[1], fn), A(2), S(3)));
  });
}

// (lower, upper, shape|null, dtype, key, stream)
Napi::Value TruncatedNormal(Info info) {
  const char* fn = "random.truncated_normal";
  GUARD({
    if (none(info[2])) WRAP(random::truncated_normal(A(0), A(1), to_dtype(info[3]), A(4), S(5)));
    WRAP(random::truncated_normal(A(0), A(1), to_shape(info[2], fn), to_dtype(info[3]), A(4), S(5)));
  });
}

// (shape, dtype, key, stream)
Napi::Value Gumbel(Info info) {
  const char* fn = "random.gumbel";
  GUARD(WRAP(random::gumbel(to_shape(info[0], fn), to_dtype(info[1]), A(2), S(3))););
}

// (logits, axis, shape|null, num_samples|null, key, stream); at most one of shape and
// num_samples (lib/random.js checks).
Napi::Value Categorical(Info info) {
  const char* fn = "random.categorical";
  GUARD({
    array logits = A(0);
    if (!none(info[2])) WRAP(random::categorical(logits, I(1), to_shape(info[2], fn), A(4), S(5)));
    if (!none(info[3])) WRAP(random::categorical(logits, I(1), I(3), A(4), S(5)));
    WRAP(random::categorical(logits, I(1), A(4), S(5)));
  });
}

// (shape, dtype, loc, scale, key, stream): loc and scale as float32 values.
Napi::Value Laplace(Info info) {
  const char* fn = "random.laplace";
  GUARD(WRAP(random::laplace(to_shape(info[0], fn), to_dtype(info[1]), F(2), F(3), A(4), S(5))););
}

// (x: int or array, axis, key, stream)
Napi::Value Permutation(Info info) {
  const char* fn = "random.permutation";
  GUARD({
    if (info[0].IsNumber()) WRAP(random::permutation(I(0), A(2), S(3)));
    WRAP(random::permutation(A(0), I(1), A(2), S(3)));
  });
}

}  // namespace

void init_random(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {
      {"random_key", Key},
      {"random_bits", Bits},
      {"random_split", Split},
      {"random_next", Next},
      {"random_uniform", Uniform},
      {"random_normal", Normal},
      {"random_multivariate_normal", MultivariateNormal},
      {"random_randint", RandInt},
      {"random_bernoulli", Bernoulli},
      {"random_truncated_normal", TruncatedNormal},
      {"random_gumbel", Gumbel},
      {"random_categorical", Categorical},
      {"random_laplace", Laplace},
      {"random_permutation", Permutation},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
