// Binding of src/mlx/ops_shape.h: thin typed wrappers; lib/ops_shape.js validates the arguments.
#include "binding.h"

namespace mlxjs {

void init_ops_shape(Napi::Env env, Napi::Object exports) {}

}  // namespace mlxjs
