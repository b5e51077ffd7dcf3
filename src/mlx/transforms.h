// Evaluation of lazy graphs. Function transforms (grad, vmap, compile) join this file's
// family in a later slice.
#pragma once

#include <exception>
#include <functional>
#include <vector>

#include "array.h"

namespace mlx::core {

// Computes the arrays (and everything they depend on) and waits for them.
void eval(std::vector<array> outputs);
void eval(array a);  // one array: skips building a tape when its inputs are computed

// Schedules the computation and returns at once. `done` (optional) runs on a worker
// thread when every output is ready, with the first evaluation error or nullptr.
void async_eval(std::vector<array> outputs,
                std::function<void(std::exception_ptr)> done = nullptr);

void synchronize(Stream s);
void synchronize();

}  // namespace mlx::core
