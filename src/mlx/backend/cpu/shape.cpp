// CPU kernels of the primitives in primitives_shape.h.
#include "mlx/primitives_shape.h"

namespace mlx::core {}  // namespace mlx::core
