// Binding of src/mlx/ops_shape.h: thin typed wrappers; lib/ops_shape.js validates the arguments
// (arrays or lists of arrays, int lists, ints, null for None, a mode string, a stream index).
#include "binding.h"

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

std::optional<std::vector<int>> axes_of(const Napi::Value& v, const char* fn) {
  if (none(v)) return std::nullopt;
  return to_ints(v, fn);
}


// (arrays, axis|null, stream)
Napi::Value Concatenate(Info info) {
  const char* fn = "concatenate";
  GUARD({
    auto xs = to_arrays(info[0], fn);
    if (none(info[1])) WRAP(concatenate(std::move(xs), S(2)));
    WRAP(concatenate(std::move(xs), I(1), S(2)));
  });
}
// (arrays, axis, stream)
Napi::Value Stack(Info info) {
  const char* fn = "stack";
  GUARD(WRAP(stack(to_arrays(info[0], fn), I(1), S(2))););
}
// (a, axis, stream) -> list
Napi::Value Unstack(Info info) {
  const char* fn = "unstack";
  GUARD(return arrays_to_js(info.Env(), unstack(A(0), I(1), S(2))););
}
// (a, sections, axis, stream) -> list
Napi::Value SplitSections(Info info) {
  const char* fn = "split";
  GUARD(return arrays_to_js(info.Env(), split(A(0), I(1), I(2), S(3))););
}
// (a, indices, axis, stream) -> list
Napi::Value SplitIndices(Info info) {
  const char* fn = "split";
  GUARD(return arrays_to_js(info.Env(), split(A(0), to_shape(info[1], fn), I(2), S(3))););
}
// (a, repeats, axis|null, stream)
Napi::Value Repeat(Info info) {
  const char* fn = "repeat";
  GUARD({
    if (none(info[2])) WRAP(repeat(A(0), I(1), S(3)));
    WRAP(repeat(A(0), I(1), I(2), S(3)));
  });
}
// (a, reps, stream)
Napi::Value Tile(Info info) {
  const char* fn = "tile";
  GUARD(WRAP(tile(A(0), to_ints(info[1], fn), S(2))););
}
// (a, lows, highs, mode, value|null, stream)
Napi::Value Pad(Info info) {
  const char* fn = "pad";
  GUARD({
    auto lo = to_ints(info[1], fn), hi = to_ints(info[2], fn);
    if (lo.size() != hi.size()) throw Napi::TypeError::New(info.Env(), "[pad] Expected (before, after) pairs.");
    std::vector<std::pair<int, int>> widths;
    for (size_t i = 0; i < lo.size(); ++i) widths.emplace_back(lo[i], hi[i]);
    std::string mode = info[3].As<Napi::String>().Utf8Value();
    array value = none(info[4]) ? array(0) : A(4);
    WRAP(pad(A(0), widths, value, mode, S(5)));
  });
}
// (a, axes|null, stream)
Napi::Value Flip(Info info) {
  const char* fn = "flip";
  GUARD(WRAP(flip(A(0), axes_of(info[1], fn), S(2))););
}
// (a, shifts, axes|null, stream)
Napi::Value Roll(Info info) {
  const char* fn = "roll";
  GUARD(WRAP(roll(A(0), to_shape(info[1], fn), axes_of(info[2], fn), S(3))););
}
// (a, n, axis, stream)
Napi::Value Diff(Info info) {
  const char* fn = "diff";
  GUARD(WRAP(diff(A(0), I(1), I(2), S(3))););
}
// (a, shape, strides (safe integers), offset, stream)
Napi::Value AsStrided(Info info) {
  const char* fn = "as_strided";
  GUARD({
    Shape shape = to_shape(info[1], fn);
    Napi::Array st = info[2].As<Napi::Array>();
    Strides strides(st.Length());
    for (uint32_t i = 0; i < st.Length(); ++i) strides[i] = st.Get(i).As<Napi::Number>().Int64Value();
    int64_t offset = info[3].As<Napi::Number>().Int64Value();
    WRAP(as_strided(A(0), std::move(shape), std::move(strides), offset, S(4)));
  });
}
// (a, allow_col_major, stream)
Napi::Value ContiguousFn(Info info) {
  const char* fn = "contiguous";
  GUARD(WRAP(contiguous(A(0), B(1), S(2))););
}
// (a, axis, shape, stream)
Napi::Value Unflatten(Info info) {
  const char* fn = "unflatten";
  GUARD(WRAP(unflatten(A(0), I(1), to_shape(info[2], fn), S(3))););
}
// (arrays, stream) -> list
Napi::Value BroadcastArrays(Info info) {
  const char* fn = "broadcast_arrays";
  GUARD(return arrays_to_js(info.Env(), broadcast_arrays(to_arrays(info[0], fn), S(1))););
}
// (a, stream)
Napi::Value AtLeast1d(Info info) {
  const char* fn = "atleast_1d";
  GUARD(WRAP(atleast_1d(A(0), S(1))););
}
Napi::Value AtLeast2d(Info info) {
  const char* fn = "atleast_2d";
  GUARD(WRAP(atleast_2d(A(0), S(1))););
}
Napi::Value AtLeast3d(Info info) {
  const char* fn = "atleast_3d";
  GUARD(WRAP(atleast_3d(A(0), S(1))););
}

}  // namespace

void init_ops_shape(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {
      {"concatenate", Concatenate}, {"stack", Stack}, {"unstack", Unstack},
      {"split_sections", SplitSections}, {"split_indices", SplitIndices}, {"repeat", Repeat},
      {"tile", Tile}, {"pad", Pad}, {"flip", Flip}, {"roll", Roll}, {"diff", Diff},
      {"as_strided", AsStrided}, {"contiguous", ContiguousFn}, {"unflatten", Unflatten},
      {"broadcast_arrays", BroadcastArrays}, {"atleast_1d", AtLeast1d},
      {"atleast_2d", AtLeast2d}, {"atleast_3d", AtLeast3d},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
