// Shape ops: concatenate, stack, split, pad, tile, repeat, flip, roll, ...
// (included by ops.h; defined in ops_shape.cpp).
#pragma once

#include "ops.h"

namespace mlx::core {}  // namespace mlx::core
