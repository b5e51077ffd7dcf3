// CPU kernels of the primitives in primitives_creation.h.
#include "mlx/primitives_creation.h"

namespace mlx::core {}  // namespace mlx::core
