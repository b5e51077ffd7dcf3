// Indexing ops: slice, slice_update, take, take_along_axis, put_along_axis, gather/scatter, diagonal, diag
#include "ops.h"

namespace mlx::core {}  // namespace mlx::core
