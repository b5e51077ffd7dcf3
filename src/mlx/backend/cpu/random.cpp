// CPU kernels of the primitives in primitives_random.h.
#include "mlx/primitives_random.h"

namespace mlx::core {}  // namespace mlx::core
