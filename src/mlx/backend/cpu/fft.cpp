// CPU kernels of the primitives in primitives_fft.h.
#include "mlx/primitives_fft.h"

namespace mlx::core {}  // namespace mlx::core
