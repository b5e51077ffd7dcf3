// Binding of src/mlx/ops_sort.h: thin typed wrappers; lib/ops_sort.js validates the arguments.
#include "binding.h"

namespace mlxjs {

void init_ops_sort(Napi::Env env, Napi::Object exports) {}

}  // namespace mlxjs
