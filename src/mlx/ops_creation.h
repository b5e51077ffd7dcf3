// Creation and dtype extras: linspace, eye, tri/tril/triu, meshgrid, windows, empty, view, ...
// (included by ops.h; defined in ops_creation.cpp).
#pragma once

#include "ops.h"

namespace mlx::core {}  // namespace mlx::core
