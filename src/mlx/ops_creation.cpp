// Creation and dtype extras: linspace, eye, tri/tril/triu, meshgrid, windows, empty, view, ...
#include "ops.h"

namespace mlx::core {}  // namespace mlx::core
