// Shape ops: concatenate, stack, split, pad, tile, repeat, flip, roll, ...
#include "ops.h"

namespace mlx::core {}  // namespace mlx::core
