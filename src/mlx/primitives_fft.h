// Primitives of fft.cpp; their CPU kernels are in backend/cpu/fft.cpp.
#pragma once

#include "primitives.h"

namespace mlx::core {}  // namespace mlx::core
