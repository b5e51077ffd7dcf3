// Primitives of ops_sort.cpp; their CPU kernels are in backend/cpu/sort.cpp.
#pragma once

#include "primitives.h"

namespace mlx::core {}  // namespace mlx::core
