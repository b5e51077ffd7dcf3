// CPU kernels of the primitives in primitives_linalg.h.
#include "mlx/primitives_linalg.h"

namespace mlx::core {}  // namespace mlx::core
