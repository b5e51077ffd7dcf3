// One worker thread per stream runs that stream's tasks in order.
#pragma once

#include <functional>
#include <vector>

#include "device.h"

namespace mlx::core::scheduler {

void enqueue(const Stream& s, std::function<void()> task);

// Locks the given streams for running work on the calling thread, if none of them has
// queued or running work; returns false (holding nothing) otherwise.
bool try_acquire_idle(const std::vector<int>& stream_indices);
void release(const std::vector<int>& stream_indices);
bool try_acquire_idle(int stream_index);
void release(int stream_index);

// Blocks until every task enqueued on s so far has run.
void synchronize(const Stream& s);

}  // namespace mlx::core::scheduler
