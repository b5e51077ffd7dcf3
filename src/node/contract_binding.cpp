// Node wrappers of the contractions and products (src/mlx/ops_contract.cpp, einsum.cpp).
// lib/ops_contract.js has validated the arguments: arrays (or null for an absent optional
// one), int lists, numbers, booleans, strings, a stream index.
#include "../mlx/ops_contract.h"
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
#define F(i) info[i].As<Napi::Number>().FloatValue()

bool none(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }
std::optional<array> opt(const Napi::Value& v, const char* fn) {
  if (none(v)) return std::nullopt;
  return to_array(v, fn, "optional");
}

// (a, b, axes: int | [int[], int[]], stream)
Napi::Value Tensordot(Info info) {
  const char* fn = "tensordot";
  GUARD({
    if (info[2].IsNumber()) WRAP(tensordot(A(0), A(1), I(2), S(3)));
    Napi::Array ax = info[2].As<Napi::Array>();
    WRAP(tensordot(A(0), A(1), to_ints(ax.Get(uint32_t(0)), fn), to_ints(ax.Get(uint32_t(1)), fn),
                   S(3)));
  });
}
Napi::Value Inner(Info info) {
  const char* fn = "inner";
  GUARD(WRAP(inner(A(0), A(1), S(2))););
}
Napi::Value Outer(Info info) {
  const char* fn = "outer";
  GUARD(WRAP(outer(A(0), A(1), S(2))););
}
// (a, b, axis, stream)
Napi::Value Vecdot(Info info) {
  const char* fn = "vecdot";
  GUARD(WRAP(vecdot(A(0), A(1), I(2), S(3))););
}
Napi::Value Kron(Info info) {
  const char* fn = "kron";
  GUARD(WRAP(kron(A(0), A(1), S(2))););
}
// (c, a, b, alpha, beta, stream)
Napi::Value Addmm(Info info) {
  const char* fn = "addmm";
  GUARD(WRAP(addmm(A(0), A(1), A(2), F(3), F(4), S(5))););
}
// (a, b, block_size, mask_out|null, mask_lhs|null, mask_rhs|null, stream)
Napi::Value BlockMaskedMM(Info info) {
  const char* fn = "block_masked_mm";
  GUARD(WRAP(block_masked_mm(A(0), A(1), I(2), opt(info[3], fn), opt(info[4], fn),
                             opt(info[5], fn), S(6))););
}
// (a, b, lhs_indices|null, rhs_indices|null, sorted_indices, stream)
Napi::Value GatherMM(Info info) {
  const char* fn = "gather_mm";
  GUARD(WRAP(gather_mm(A(0), A(1), opt(info[2], fn), opt(info[3], fn), B(4), S(5))););
}
// (a, b, segments, stream)
Napi::Value SegmentedMM(Info info) {
  const char* fn = "segmented_mm";
  GUARD(WRAP(segmented_mm(A(0), A(1), A(2), S(3))););
}
// (a, scale|null, stream)
Napi::Value Hadamard(Info info) {
  const char* fn = "hadamard_transform";
  GUARD({
    std::optional<float> sc;
    if (!none(info[1])) sc = F(1);
    WRAP(hadamard_transform(A(0), sc, S(2)));
  });
}
// (subscripts, operands[], stream)
Napi::Value Einsum(Info info) {
  const char* fn = "einsum";
  GUARD(WRAP(einsum(info[0].As<Napi::String>().Utf8Value(), to_arrays(info[1], fn), S(2))););
}
// (subscripts, operands[]) -> [path (int lists), string]
Napi::Value EinsumPath(Info info) {
  const char* fn = "einsum_path";
  GUARD({
    auto res = einsum_path(info[0].As<Napi::String>().Utf8Value(), to_arrays(info[1], fn));
    const auto& path = res.first;
    Napi::Env env = info.Env();
    Napi::Array p = Napi::Array::New(env, path.size());
    for (uint32_t i = 0; i < path.size(); ++i) {
      Napi::Array step = Napi::Array::New(env, path[i].size());
      for (uint32_t j = 0; j < path[i].size(); ++j) step.Set(j, Napi::Number::New(env, path[i][j]));
      p.Set(i, step);
    }
    Napi::Array out = Napi::Array::New(env, 2);
    out.Set(uint32_t(0), p);
    out.Set(uint32_t(1), Napi::String::New(env, res.second));
    return out;
  });
}

}  // namespace

void init_contract(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {
      {"tensordot", Tensordot}, {"inner", Inner}, {"outer", Outer}, {"vecdot", Vecdot},
      {"kron", Kron}, {"addmm", Addmm}, {"block_masked_mm", BlockMaskedMM},
      {"gather_mm", GatherMM}, {"segmented_mm", SegmentedMM},
      {"hadamard_transform", Hadamard}, {"einsum", Einsum}, {"einsum_path", EinsumPath},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
