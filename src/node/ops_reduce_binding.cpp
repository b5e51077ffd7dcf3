// Node wrappers of the reductions, scans and softmax (src/mlx/ops_reduce.cpp). lib/ops_reduce.js
// has validated the arguments: arrays, axes (an int list, or null for all), booleans,
// ints, dtype indices or null, a stream index.
#include "binding.h"

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

bool none(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }

OptAxes axes_of(const Napi::Value& v, const char* fn) {
  if (none(v)) return std::nullopt;
  return to_ints(v, fn);
}
std::optional<int> axis_of(const Napi::Value& v) {
  if (none(v)) return std::nullopt;
  return v.As<Napi::Number>().Int32Value();
}

// (a, axes, keepdims, stream)
template <array (*Op)(const array&, OptAxes, bool, StreamOrDevice)>
Napi::Value AxesOp(Info info, const char* fn) {
  GUARD(WRAP(Op(A(0), axes_of(info[1], fn), B(2), S(3))););
}

#define AXES_FN(Name, op) \
  Napi::Value Name(Info info) { return AxesOp<op>(info, #op); }
AXES_FN(Sum, sum)
AXES_FN(Prod, prod)
AXES_FN(Max, max)
AXES_FN(Min, min)
AXES_FN(Mean, mean)
AXES_FN(All, all)
AXES_FN(Any, any)
AXES_FN(LogSumExp, logsumexp)
AXES_FN(CountNonzero, count_nonzero)
AXES_FN(Median, median)

// (a, axes, keepdims, ddof, stream)
Napi::Value Var(Info info) {
  const char* fn = "var";
  GUARD(WRAP(var(A(0), axes_of(info[1], fn), B(2), I(3), S(4))););
}
Napi::Value Std(Info info) {
  const char* fn = "std";
  GUARD(WRAP(mlx::core::std(A(0), axes_of(info[1], fn), B(2), I(3), S(4))););
}

// (a, axis|null, keepdims, stream)
Napi::Value ArgMax(Info info) {
  const char* fn = "argmax";
  GUARD(WRAP(argmax(A(0), axis_of(info[1]), B(2), S(3))););
}
Napi::Value ArgMin(Info info) {
  const char* fn = "argmin";
  GUARD(WRAP(argmin(A(0), axis_of(info[1]), B(2), S(3))););
}

// (a, axes, precise, stream)
Napi::Value SoftmaxFn(Info info) {
  const char* fn = "softmax";
  GUARD(WRAP(softmax(A(0), axes_of(info[1], fn), B(2), S(3))););
}

// (a, axis|null, reverse, inclusive, dtype|null, stream)
template <array (*Op)(const array&, std::optional<int>, bool, bool, StreamOrDevice)>
Napi::Value ScanOpFn(Info info, const char* fn) {
  GUARD({
    Stream s = S(5);
    array a = A(0);
    if (!none(info[4])) a = astype(a, to_dtype(info[4]), s);
    WRAP(Op(a, axis_of(info[1]), B(2), B(3), s));
  });
}
#define SCAN_FN(Name, op) \
  Napi::Value Name(Info info) { return ScanOpFn<op>(info, #op); }
SCAN_FN(CumSum, cumsum)
SCAN_FN(CumProd, cumprod)
SCAN_FN(CumMax, cummax)
SCAN_FN(CumMin, cummin)
SCAN_FN(LogCumSumExp, logcumsumexp)

// (a, offset, axis1, axis2, dtype|null, stream)
Napi::Value Trace(Info info) {
  const char* fn = "trace";
  GUARD({
    std::optional<Dtype> dt;
    if (!none(info[4])) dt = to_dtype(info[4]);
    WRAP(trace(A(0), I(1), I(2), I(3), dt, S(5)));
  });
}

// (a, b, equal_nan, stream)
Napi::Value ArrayEqual(Info info) {
  const char* fn = "array_equal";
  GUARD(WRAP(array_equal(A(0), A(1), B(2), S(3))););
}

}  // namespace

void init_ops_reduce(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {
      {"sum", Sum}, {"prod", Prod}, {"max", Max}, {"min", Min}, {"mean", Mean},
      {"all", All}, {"any", Any}, {"logsumexp", LogSumExp}, {"count_nonzero", CountNonzero},
      {"median", Median}, {"var", Var}, {"std", Std}, {"argmax", ArgMax}, {"argmin", ArgMin},
      {"softmax", SoftmaxFn}, {"cumsum", CumSum}, {"cumprod", CumProd}, {"cummax", CumMax},
      {"cummin", CumMin}, {"logcumsumexp", LogCumSumExp}, {"trace", Trace},
      {"array_equal", ArrayEqual},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
