// mx.linalg (defined in linalg.cpp; CPU kernels in backend/cpu/linalg.cpp).
#pragma once

#include "ops.h"

namespace mlx::core::linalg {}  // namespace mlx::core::linalg
