// mx.fft (defined in fft.cpp; CPU kernels in backend/cpu/fft.cpp).
#pragma once

#include "ops.h"

namespace mlx::core::fft {}  // namespace mlx::core::fft
