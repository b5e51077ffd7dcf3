// CPU kernels of the primitives in primitives_index.h.
#include "mlx/primitives_index.h"

namespace mlx::core {}  // namespace mlx::core
