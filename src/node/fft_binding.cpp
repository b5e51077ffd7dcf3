// Binding of src/mlx/fft.h: thin typed wrappers; lib/fft.js validates the arguments.
#include "binding.h"

namespace mlxjs {

void init_fft(Napi::Env env, Napi::Object exports) {}

}  // namespace mlxjs
