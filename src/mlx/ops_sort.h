// Sorting ops: sort, argsort, partition, argpartition, topk, searchsorted
// (included by ops.h; defined in ops_sort.cpp).
#pragma once

#include "ops.h"

namespace mlx::core {}  // namespace mlx::core
