// Binding of src/mlx/ops_creation.h: thin typed wrappers; lib/ops_creation.js validates the arguments.
#include "binding.h"

namespace mlxjs {

void init_ops_creation(Napi::Env env, Napi::Object exports) {}

}  // namespace mlxjs
