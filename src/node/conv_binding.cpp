// Binding of src/mlx/conv.h: thin typed wrappers; lib/conv.js validates the arguments (arrays,
// int32 parameters expanded to one per spatial dim for conv2d/3d and the transposes, int lists
// for conv_general, the mode string, a stream index).
#include "binding.h"
#include "mlx/conv.h"

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
#define V(i) to_ints(info[i], fn)

std::pair<int, int> pair_of(const std::vector<int>& v) { return {v.at(0), v.at(1)}; }
std::tuple<int, int, int> triple_of(const std::vector<int>& v) {
  return {v.at(0), v.at(1), v.at(2)};
}

// (input, weight, stride, padding, dilation, groups, stream)
Napi::Value Conv1d(Info info) {
  const char* fn = "conv1d";
  GUARD(WRAP(conv1d(A(0), A(1), I(2), I(3), I(4), I(5), S(6))););
}
// (input, weight, stride[2], padding[2], dilation[2], groups, stream)
Napi::Value Conv2d(Info info) {
  const char* fn = "conv2d";
  GUARD(WRAP(conv2d(A(0), A(1), pair_of(V(2)), pair_of(V(3)), pair_of(V(4)), I(5), S(6))););
}
Napi::Value Conv3d(Info info) {
  const char* fn = "conv3d";
  GUARD(WRAP(
      conv3d(A(0), A(1), triple_of(V(2)), triple_of(V(3)), triple_of(V(4)), I(5), S(6))););
}

// (input, weight, stride, padding, dilation, output_padding, groups, stream)
Napi::Value ConvTranspose1d(Info info) {
  const char* fn = "conv_transpose1d";
  GUARD(WRAP(conv_transpose1d(A(0), A(1), I(2), I(3), I(4), I(5), I(6), S(7))););
}
Napi::Value ConvTranspose2d(Info info) {
  const char* fn = "conv_transpose2d";
  GUARD(WRAP(conv_transpose2d(A(0), A(1), pair_of(V(2)), pair_of(V(3)), pair_of(V(4)),
                              pair_of(V(5)), I(6), S(7))););
}
Napi::Value ConvTranspose3d(Info info) {
  const char* fn = "conv_transpose3d";
  GUARD(WRAP(conv_transpose3d(A(0), A(1), triple_of(V(2)), triple_of(V(3)), triple_of(V(4)),
                              triple_of(V(5)), I(6), S(7))););
}

// (input, weight, stride[], padding_lo[], padding_hi[], kernel_dilation[], input_dilation[],
//  groups, flip, stream)
Napi::Value ConvGeneral(Info info) {
  const char* fn = "conv_general";
  GUARD(WRAP(conv_general(A(0), A(1), V(2), V(3), V(4), V(5), V(6), I(7), B(8), S(9))););
}

// (a, v, mode, stream)
Napi::Value Convolve(Info info) {
  const char* fn = "convolve";
  GUARD(WRAP(convolve(A(0), A(1), info[2].As<Napi::String>().Utf8Value(), S(3))););
}

}  // namespace

void init_conv(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {
      {"conv1d", Conv1d},
      {"conv2d", Conv2d},
      {"conv3d", Conv3d},
      {"conv_transpose1d", ConvTranspose1d},
      {"conv_transpose2d", ConvTranspose2d},
      {"conv_transpose3d", ConvTranspose3d},
      {"conv_general", ConvGeneral},
      {"convolve", Convolve},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
