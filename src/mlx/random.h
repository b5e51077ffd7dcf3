// mx.random: keys, the threefry2x32 generator and the distributions built on it
// (defined in random.cpp).
#pragma once

#include "ops.h"

namespace mlx::core::random {}  // namespace mlx::core::random
