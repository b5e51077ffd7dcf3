// Primitives of linalg.cpp; their CPU kernels are in backend/cpu/linalg.cpp.
#pragma once

#include "primitives.h"

namespace mlx::core {}  // namespace mlx::core
