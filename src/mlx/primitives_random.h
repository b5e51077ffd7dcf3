// Primitives of random.cpp; their CPU kernels are in backend/cpu/random.cpp.
#pragma once

#include "primitives.h"

namespace mlx::core {}  // namespace mlx::core
