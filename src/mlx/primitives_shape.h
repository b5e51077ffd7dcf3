// Primitives of ops_shape.cpp; their CPU kernels are in backend/cpu/shape.cpp.
#pragma once

#include "primitives.h"

namespace mlx::core {}  // namespace mlx::core
