// Binding of src/mlx/ops_sort.h: thin typed wrappers; lib/ops_sort.js validates the arguments
// (arrays, int32 kth/k, an int axis or null for the flattened array, the side string, a
// stream index).
#include "binding.h"

namespace mlxjs {

using namespace mlx::core;

namespace {

using Info = const Napi::CallbackInfo&;

#define GUARD(body) return guarded(info.Env(), [&]() -> Napi::Value { body })
#define WRAP(expr) return ArrayWrap::Wrap(info.Env(), (expr))
#define A(i) to_array(info[i], fn, #i)
#define S(i) to_stream(info[i])
#define I(i) info[i].As<Napi::Number>().Int32Value()

std::optional<int> axis_of(const Napi::Value& v) {
  if (v.IsNull() || v.IsUndefined()) return std::nullopt;
  return v.As<Napi::Number>().Int32Value();
}

// (a, axis|null, stream)
Napi::Value SortFn(Info info) {
  const char* fn = "sort";
  GUARD(WRAP(sort(A(0), axis_of(info[1]), S(2))););
}
Napi::Value ArgSortFn(Info info) {
  const char* fn = "argsort";
  GUARD(WRAP(argsort(A(0), axis_of(info[1]), S(2))););
}

// (a, kth|k, axis|null, stream)
Napi::Value PartitionFn(Info info) {
  const char* fn = "partition";
  GUARD(WRAP(partition(A(0), I(1), axis_of(info[2]), S(3))););
}
Napi::Value ArgPartitionFn(Info info) {
  const char* fn = "argpartition";
  GUARD(WRAP(argpartition(A(0), I(1), axis_of(info[2]), S(3))););
}
Napi::Value TopKFn(Info info) {
  const char* fn = "topk";
  GUARD(WRAP(topk(A(0), I(1), axis_of(info[2]), S(3))););
}

// (sorted_sequence, values, side, stream)
Napi::Value SearchSortedFn(Info info) {
  const char* fn = "searchsorted";
  GUARD(WRAP(searchsorted(A(0), A(1), info[2].As<Napi::String>().Utf8Value(), S(3))););
}

}  // namespace

void init_ops_sort(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {
      {"sort", SortFn}, {"argsort", ArgSortFn}, {"partition", PartitionFn},
      {"argpartition", ArgPartitionFn}, {"topk", TopKFn}, {"searchsorted", SearchSortedFn},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
