// Binding of src/mlx/linalg.h: thin typed wrappers; lib/linalg.js validates the arguments.
#include "binding.h"

namespace mlxjs {

void init_linalg(Napi::Env env, Napi::Object exports) {}

}  // namespace mlxjs
