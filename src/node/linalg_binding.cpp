// Binding of src/mlx/linalg.h: thin typed wrappers; lib/linalg.js validates the arguments
// (arrays, axes as int lists or null, booleans, ints, the UPLO string, stream indices).
// Functions with several results return JS Arrays.
#include "binding.h"
#include "mlx/linalg.h"

namespace mlxjs {

using namespace mlx::core;

namespace {

using Info = const Napi::CallbackInfo&;

#define GUARD(...) return guarded(info.Env(), [&]() -> Napi::Value { __VA_ARGS__ })
#define WRAP(expr) return ArrayWrap::Wrap(info.Env(), (expr))
#define A(i) to_array(info[i], fn, #i)
#define S(i) to_stream(info[i])
#define B(i) info[i].ToBoolean().Value()
#define I(i) info[i].As<Napi::Number>().Int32Value()

bool none(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }

Napi::Value list(Napi::Env env, const std::vector<array>& v) {
  Napi::Array out = Napi::Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) out.Set(uint32_t(i), ArrayWrap::Wrap(env, v[i]));
  return out;
}

// (a, ord: null | number | string, axes: int list | null, keepdims, stream)
Napi::Value Norm(Info info) {
  const char* fn = "linalg.norm";
  GUARD({
    array a = A(0);
    std::optional<std::vector<int>> axes;
    if (!none(info[2])) axes = to_ints(info[2], fn);
    bool keep = B(3);
    Stream s = S(4);
    if (info[1].IsString())
      WRAP(linalg::norm(a, info[1].As<Napi::String>().Utf8Value(), axes, keep, s));
    if (info[1].IsNumber())
      WRAP(linalg::norm(a, info[1].As<Napi::Number>().DoubleValue(), axes, keep, s));
    WRAP(linalg::norm(a, axes, keep, s));
  });
}

// (a, stream) -> array
template <array (*Op)(const array&, StreamOrDevice)>
Napi::Value Unary(Info info, const char* fn) {
  GUARD(WRAP(Op(A(0), S(1))););
}
// (a, upper, stream) -> array
template <array (*Op)(const array&, bool, StreamOrDevice)>
Napi::Value WithUpper(Info info, const char* fn) {
  GUARD(WRAP(Op(A(0), B(1), S(2))););
}

Napi::Value Inv(Info info) { return Unary<linalg::inv>(info, "linalg.inv"); }
Napi::Value Pinv(Info info) { return Unary<linalg::pinv>(info, "linalg.pinv"); }
Napi::Value EigVals(Info info) { return Unary<linalg::eigvals>(info, "linalg.eigvals"); }
Napi::Value Det(Info info) { return Unary<linalg::det>(info, "linalg.det"); }
Napi::Value TriInv(Info info) { return WithUpper<linalg::tri_inv>(info, "linalg.tri_inv"); }
Napi::Value CholeskyFn(Info info) { return WithUpper<linalg::cholesky>(info, "linalg.cholesky"); }
Napi::Value CholeskyInv(Info info) {
  return WithUpper<linalg::cholesky_inv>(info, "linalg.cholesky_inv");
}

// (a, stream) -> [x, y]
template <std::pair<array, array> (*Op)(const array&, StreamOrDevice)>
Napi::Value Pair(Info info, const char* fn) {
  GUARD({
    auto [x, y] = Op(A(0), S(1));
    return list(info.Env(), {x, y});
  });
}
Napi::Value Qr(Info info) { return Pair<linalg::qr>(info, "linalg.qr"); }
Napi::Value EigFn(Info info) { return Pair<linalg::eig>(info, "linalg.eig"); }
Napi::Value LuFactor(Info info) { return Pair<linalg::lu_factor>(info, "linalg.lu_factor"); }
Napi::Value SlogDet(Info info) { return Pair<linalg::slogdet>(info, "linalg.slogdet"); }

// (a, compute_uv, stream) -> [U, S, Vt] or S
Napi::Value Svd(Info info) {
  const char* fn = "linalg.svd";
  GUARD({
    bool uv = B(1);
    auto out = linalg::svd(A(0), uv, S(2));
    if (!uv) return ArrayWrap::Wrap(info.Env(), out[0]);
    return list(info.Env(), out);
  });
}

// (a, stream) -> [P, L, U]
Napi::Value Lu(Info info) {
  const char* fn = "linalg.lu";
  GUARD(return list(info.Env(), linalg::lu(A(0), S(1))););
}

// (a, b, axis, stream)
Napi::Value Cross(Info info) {
  const char* fn = "linalg.cross";
  GUARD(WRAP(linalg::cross(A(0), A(1), I(2), S(3))););
}

// (a, UPLO, stream)
Napi::Value EigValsH(Info info) {
  const char* fn = "linalg.eigvalsh";
  GUARD(WRAP(linalg::eigvalsh(A(0), info[1].As<Napi::String>().Utf8Value(), S(2))););
}
Napi::Value EigH(Info info) {
  const char* fn = "linalg.eigh";
  GUARD({
    auto [w, v] = linalg::eigh(A(0), info[1].As<Napi::String>().Utf8Value(), S(2));
    return list(info.Env(), {w, v});
  });
}

// (a, b, stream) and (a, b, upper, stream)
Napi::Value SolveFn(Info info) {
  const char* fn = "linalg.solve";
  GUARD(WRAP(linalg::solve(A(0), A(1), S(2))););
}
Napi::Value SolveTriangular(Info info) {
  const char* fn = "linalg.solve_triangular";
  GUARD(WRAP(linalg::solve_triangular(A(0), A(1), B(2), S(3))););
}

}  // namespace

void init_linalg(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {
      {"linalg_norm", Norm},
      {"linalg_qr", Qr},
      {"linalg_svd", Svd},
      {"linalg_inv", Inv},
      {"linalg_tri_inv", TriInv},
      {"linalg_cholesky", CholeskyFn},
      {"linalg_cholesky_inv", CholeskyInv},
      {"linalg_pinv", Pinv},
      {"linalg_cross", Cross},
      {"linalg_eigvals", EigVals},
      {"linalg_eig", EigFn},
      {"linalg_eigvalsh", EigValsH},
      {"linalg_eigh", EigH},
      {"linalg_lu", Lu},
      {"linalg_lu_factor", LuFactor},
      {"linalg_solve", SolveFn},
      {"linalg_solve_triangular", SolveTriangular},
      {"linalg_det", Det},
      {"linalg_slogdet", SlogDet},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
