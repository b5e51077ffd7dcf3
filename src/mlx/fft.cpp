// mx.fft: argument checks and graph nodes.
#include "fft.h"

namespace mlx::core::fft {}  // namespace mlx::core::fft
