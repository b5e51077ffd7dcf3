// Indexing ops: slice, slice_update, take, take_along_axis, put_along_axis, gather/scatter, diagonal, diag
// (included by ops.h; defined in ops_index.cpp).
#pragma once

#include "ops.h"

namespace mlx::core {}  // namespace mlx::core
