// File I/O: .npy/.npz, .safetensors and .gguf readers and writers (src/mlx/io/*.cpp).
// Files are untrusted input: every size, offset and count is checked before use.
#pragma once

#include "ops.h"

namespace mlx::core {}  // namespace mlx::core
