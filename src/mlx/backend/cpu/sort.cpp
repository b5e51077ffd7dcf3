// CPU kernels of the primitives in primitives_sort.h.
#include "mlx/primitives_sort.h"

namespace mlx::core {}  // namespace mlx::core
