// Bindings of the elementwise ops (ops_elementwise.cpp). lib/ops_elementwise.js has parsed
// the arguments: arrays (scalars already converted as weak scalars), numbers, stream index.
// Most ops share one callback each for their shape (unary, binary), told apart by the engine
// function pointer passed as the callback data.
#include "binding.h"

namespace mlxjs {

using namespace mlx::core;

namespace {

using Info = const Napi::CallbackInfo&;
using UnaryFn = array (*)(const array&, StreamOrDevice);
using BinaryFn = array (*)(const array&, const array&, StreamOrDevice);

struct UnaryEntry {
  const char* name;
  UnaryFn fn;
};
struct BinaryEntry {
  const char* name;
  BinaryFn fn;
};

const UnaryEntry kUnary[] = {
    {"abs", abs}, {"negative", negative}, {"positive", positive}, {"sign", sign},
    {"square", square}, {"sqrt", mlx::core::sqrt}, {"rsqrt", rsqrt}, {"reciprocal", reciprocal},
    {"exp", mlx::core::exp}, {"expm1", mlx::core::expm1}, {"log", mlx::core::log},
    {"log2", mlx::core::log2}, {"log10", mlx::core::log10}, {"log1p", mlx::core::log1p},
    {"sin", mlx::core::sin}, {"cos", mlx::core::cos}, {"tan", mlx::core::tan},
    {"arcsin", arcsin}, {"arccos", arccos}, {"arctan", arctan}, {"sinh", mlx::core::sinh},
    {"cosh", mlx::core::cosh}, {"tanh", mlx::core::tanh}, {"arcsinh", arcsinh},
    {"arccosh", arccosh}, {"arctanh", arctanh}, {"sigmoid", sigmoid}, {"erf", mlx::core::erf},
    {"erfinv", erfinv}, {"degrees", degrees}, {"radians", radians},
    {"floor", mlx::core::floor}, {"ceil", mlx::core::ceil}, {"trunc", mlx::core::trunc},
    {"logical_not", logical_not}, {"bitwise_invert", bitwise_invert},
    {"conjugate", conjugate}, {"real", real}, {"imag", imag}, {"isnan", mlx::core::isnan},
    {"isinf", mlx::core::isinf}, {"isfinite", mlx::core::isfinite}, {"isposinf", isposinf},
    {"isneginf", isneginf},
};

const BinaryEntry kBinary[] = {
    {"maximum", maximum}, {"minimum", minimum}, {"power", power}, {"remainder", remainder},
    {"floor_divide", floor_divide}, {"arctan2", arctan2}, {"logaddexp", logaddexp},
    {"equal", equal}, {"not_equal", not_equal}, {"less", less}, {"less_equal", less_equal},
    {"greater", greater}, {"greater_equal", greater_equal}, {"logical_and", logical_and},
    {"logical_or", logical_or}, {"logical_xor", logical_xor}, {"bitwise_and", bitwise_and},
    {"bitwise_or", bitwise_or}, {"bitwise_xor", bitwise_xor}, {"left_shift", left_shift},
    {"right_shift", right_shift},
};

Napi::Value CallUnary(Info info) {
  auto* e = static_cast<const UnaryEntry*>(info.Data());
  return guarded(info.Env(), [&]() -> Napi::Value {
    return ArrayWrap::Wrap(info.Env(), e->fn(to_array(info[0], e->name, "a"), to_stream(info[1])));
  });
}

Napi::Value CallBinary(Info info) {
  auto* e = static_cast<const BinaryEntry*>(info.Data());
  return guarded(info.Env(), [&]() -> Napi::Value {
    return ArrayWrap::Wrap(info.Env(), e->fn(to_array(info[0], e->name, "a"),
                                             to_array(info[1], e->name, "b"), to_stream(info[2])));
  });
}

bool none(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }
double num(const Napi::Value& v) { return v.As<Napi::Number>().DoubleValue(); }

// round(a, decimals, stream)
Napi::Value Round(Info info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    return ArrayWrap::Wrap(info.Env(), mlx::core::round(to_array(info[0], "round", "a"),
                                                        info[1].As<Napi::Number>().Int32Value(),
                                                        to_stream(info[2])));
  });
}

// divmod(a, b, stream) -> [quotient, remainder]
Napi::Value DivMod(Info info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    auto outs = divmod(to_array(info[0], "divmod", "a"), to_array(info[1], "divmod", "b"),
                       to_stream(info[2]));
    Napi::Array r = Napi::Array::New(info.Env(), 2);
    r.Set(uint32_t(0), ArrayWrap::Wrap(info.Env(), outs[0]));
    r.Set(uint32_t(1), ArrayWrap::Wrap(info.Env(), outs[1]));
    return r;
  });
}

// nan_to_num(a, nan, posinf|null, neginf|null, stream)
Napi::Value NanToNum(Info info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    std::optional<float> pos, neg;
    if (!none(info[2])) pos = float(num(info[2]));
    if (!none(info[3])) neg = float(num(info[3]));
    return ArrayWrap::Wrap(info.Env(), nan_to_num(to_array(info[0], "nan_to_num", "a"),
                                                  float(num(info[1])), pos, neg, to_stream(info[4])));
  });
}

// isclose(a, b, rtol, atol, equal_nan, stream)
Napi::Value IsClose(Info info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    return ArrayWrap::Wrap(info.Env(),
                           isclose(to_array(info[0], "isclose", "a"), to_array(info[1], "isclose", "b"),
                                   num(info[2]), num(info[3]), info[4].ToBoolean().Value(),
                                   to_stream(info[5])));
  });
}

// clip(a, a_min|null, a_max|null, stream)
Napi::Value Clip(Info info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    std::optional<array> lo, hi;
    if (!none(info[1])) lo = to_array(info[1], "clip", "a_min");
    if (!none(info[2])) hi = to_array(info[2], "clip", "a_max");
    return ArrayWrap::Wrap(info.Env(), clip(to_array(info[0], "clip", "a"), lo, hi, to_stream(info[3])));
  });
}

}  // namespace

void init_ops_elementwise(Napi::Env env, Napi::Object exports) {
  for (auto& e : kUnary)
    exports.Set(e.name, Napi::Function::New(env, CallUnary, e.name, const_cast<UnaryEntry*>(&e)));
  for (auto& e : kBinary)
    exports.Set(e.name, Napi::Function::New(env, CallBinary, e.name, const_cast<BinaryEntry*>(&e)));
  exports.Set("round", Napi::Function::New(env, Round, "round"));
  exports.Set("divmod", Napi::Function::New(env, DivMod, "divmod"));
  exports.Set("nan_to_num", Napi::Function::New(env, NanToNum, "nan_to_num"));
  exports.Set("isclose", Napi::Function::New(env, IsClose, "isclose"));
  exports.Set("clip", Napi::Function::New(env, Clip, "clip"));
}

}  // namespace mlxjs
