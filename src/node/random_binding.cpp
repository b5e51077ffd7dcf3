// Binding of src/mlx/random.h: thin typed wrappers; lib/random.js validates the arguments.
#include "binding.h"

namespace mlxjs {

void init_random(Napi::Env env, Napi::Object exports) {}

}  // namespace mlxjs
