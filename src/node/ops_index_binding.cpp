// Binding of src/mlx/ops_index.h: thin typed wrappers; lib/ops_index.js validates the arguments.
#include "binding.h"

namespace mlxjs {

void init_ops_index(Napi::Env env, Napi::Object exports) {}

}  // namespace mlxjs
