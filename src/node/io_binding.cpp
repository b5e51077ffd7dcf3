// Binding of src/mlx/io.h: thin typed wrappers; lib/io.js validates the arguments.
#include "binding.h"

namespace mlxjs {

void init_io(Napi::Env env, Napi::Object exports) {}

}  // namespace mlxjs
