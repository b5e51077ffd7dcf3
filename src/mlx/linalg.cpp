// mx.linalg: argument checks and graph nodes.
#include "linalg.h"

namespace mlx::core::linalg {}  // namespace mlx::core::linalg
