// Primitives of ops_creation.cpp; their CPU kernels are in backend/cpu/creation.cpp.
#pragma once

#include "primitives.h"

namespace mlx::core {}  // namespace mlx::core
