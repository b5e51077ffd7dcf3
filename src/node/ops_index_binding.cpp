// Binding of src/mlx/ops_index.h: thin typed wrappers; lib/ops_index.js and lib/indexing.js
// validate the arguments (arrays, int lists, ints, a stream index). The names starting with
// an underscore serve lib/indexing.js (a.get / a.set / a.at) and are not public mx functions.
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

bool none(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }


// A name for errors: the JS caller passes it as a string ('get', 'set', 'at', ...).
std::string opname(const Napi::Value& v, const char* dflt) {
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string(dflt);
}

// (a, indices: array | int, axis | null, stream); an int index is a Number.
Napi::Value Take(Info info) {
  const char* fn = "take";
  GUARD({
    bool has_axis = !none(info[2]);
    if (info[1].IsNumber()) {
      int idx = I(1);
      if (has_axis) WRAP(take(A(0), idx, I(2), S(3)));
      WRAP(take(A(0), idx, S(3)));
    }
    if (has_axis) WRAP(take(A(0), A(1), I(2), S(3)));
    WRAP(take(A(0), A(1), S(3)));
  });
}

// (a, indices, axis | null, stream): axis null flattens a.
Napi::Value TakeAlongAxis(Info info) {
  const char* fn = "take_along_axis";
  GUARD({
    if (none(info[2])) WRAP(take_along_axis(flatten(A(0), 0, -1, S(3)), A(1), 0, S(3)));
    WRAP(take_along_axis(A(0), A(1), I(2), S(3)));
  });
}

// (a, indices, values, axis | null, stream): axis null works on the flattened a and gives a's shape.
Napi::Value PutAlongAxis(Info info) {
  const char* fn = "put_along_axis";
  GUARD({
    const array& a = A(0);
    if (none(info[3])) {
      Stream s = S(4);
      WRAP(reshape(put_along_axis(flatten(a, 0, -1, s), A(1), A(2), 0, s), a.shape(), s));
    }
    WRAP(put_along_axis(a, A(1), A(2), I(3), S(4)));
  });
}

// (a, offset, axis1, axis2, stream)
Napi::Value Diagonal(Info info) {
  const char* fn = "diagonal";
  GUARD(WRAP(diagonal(A(0), I(1), I(2), I(3), S(4))););
}

// (a, k, stream)
Napi::Value Diag(Info info) {
  const char* fn = "diag";
  GUARD(WRAP(diag(A(0), I(1), S(2))););
}

// (a, start_indices, axes, slice_size, stream)
Napi::Value SliceDynamic(Info info) {
  const char* fn = "slice";
  GUARD(WRAP(slice(A(0), A(1), to_ints(info[2], fn), to_shape(info[3], fn), S(4))););
}

// (a, update, start_indices, axes, stream)
Napi::Value SliceUpdateDynamic(Info info) {
  const char* fn = "slice_update";
  GUARD(WRAP(slice_update(A(0), A(1), A(2), to_ints(info[3], fn), S(4))););
}

// (a, start, stop, strides, stream): the static strided slice (a view).
Napi::Value SliceStatic(Info info) {
  const char* fn = "get";
  GUARD(WRAP(slice(A(0), to_shape(info[1], fn), to_shape(info[2], fn), to_shape(info[3], fn), S(4))););
}

// (a, update, start, stop, strides, stream)
Napi::Value SliceUpdateStatic(Info info) {
  const char* fn = "set";
  GUARD(WRAP(slice_update(A(0), A(1), to_shape(info[2], fn), to_shape(info[3], fn),
                          to_shape(info[4], fn), S(5))););
}

// (a, start, step, count, out_src, stream, opname): basic indexing as one view.
Napi::Value IndexViewFn(Info info) {
  const char* fn = "get";
  GUARD({
    std::string op = opname(info[6], fn);
    WRAP(index_view(A(0), to_shape(info[1], fn), to_shape(info[2], fn), to_shape(info[3], fn),
                    to_ints(info[4], fn), S(5), op.c_str()));
  });
}

// (a, [indices], axes, slice_sizes, stream, opname)
Napi::Value GatherFn(Info info) {
  const char* fn = "gather";
  GUARD({
    std::string op = opname(info[5], fn);
    WRAP(gather(A(0), to_arrays(info[1], fn), to_ints(info[2], fn), to_shape(info[3], fn), S(4),
                op.c_str()));
  });
}

// (a, [indices], updates, axes, mode (0 none, 1 add, 2 prod, 3 max, 4 min), stream, opname)
Napi::Value ScatterFn(Info info) {
  const char* fn = "scatter";
  GUARD({
    std::string op = opname(info[6], fn);
    int mode = I(4);
    if (mode < 0 || mode > 4) throw std::invalid_argument("[scatter] Invalid mode.");
    WRAP(scatter(A(0), to_arrays(info[1], fn), A(2), to_ints(info[3], fn), ScatterOp(mode), S(5),
                 op.c_str()));
  });
}

// (a, mask, values, stream, opname)
Napi::Value MaskedScatterFn(Info info) {
  const char* fn = "masked_scatter";
  GUARD({
    std::string op = opname(info[4], fn);
    WRAP(masked_scatter(A(0), A(1), A(2), S(3), op.c_str()));
  });
}

}  // namespace

void init_ops_index(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {
      {"take", Take},
      {"take_along_axis", TakeAlongAxis},
      {"put_along_axis", PutAlongAxis},
      {"diagonal", Diagonal},
      {"diag", Diag},
      {"slice", SliceDynamic},
      {"slice_update", SliceUpdateDynamic},
      {"_slice_static", SliceStatic},
      {"_slice_update_static", SliceUpdateStatic},
      {"_index_view", IndexViewFn},
      {"_gather", GatherFn},
      {"_scatter", ScatterFn},
      {"_masked_scatter", MaskedScatterFn},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
