// Sorting ops: sort, argsort, partition, argpartition, topk, searchsorted
#include "ops.h"

namespace mlx::core {}  // namespace mlx::core
