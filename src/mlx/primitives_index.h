// Primitives of ops_index.cpp; their CPU kernels are in backend/cpu/index.cpp.
#pragma once

#include "primitives.h"

namespace mlx::core {}  // namespace mlx::core
