// mx.random: keys, the threefry2x32 generator and the distributions built on it.
#include "random.h"

namespace mlx::core::random {}  // namespace mlx::core::random
