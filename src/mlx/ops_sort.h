// Sorting ops: sort, argsort, partition, argpartition, topk, searchsorted
// (included by ops.h; defined in ops_sort.cpp).
#pragma once

#include <optional>
#include <string>

#include "ops.h"

namespace mlx::core {

// axis = nullopt works on the flattened array (Python's axis=None). Floats order NaN last;
// -0.0 and 0.0 are equal (kept in input order); complex64 orders (real, imag).
// Stable: equal elements keep their input order.
array sort(const array& a, std::optional<int> axis = -1, StreamOrDevice s = {});
// uint32 indices of a stable sort.
array argsort(const array& a, std::optional<int> axis = -1, StreamOrDevice s = {});
// The element of sorted rank kth lands at kth (a negative kth counts from the end), smaller
// or equal elements before it, larger or equal after.
array partition(const array& a, int kth, std::optional<int> axis = -1, StreamOrDevice s = {});
array argpartition(const array& a, int kth, std::optional<int> axis = -1,
                   StreamOrDevice s = {});
// The k largest elements along axis (as MLX: the last k of partition(a, -k); the first of them
// is the smallest, the rest in no promised order); k equal to the axis length returns a.
array topk(const array& a, int k, std::optional<int> axis = -1, StreamOrDevice s = {});
// uint32 insertion points of values into the 1-D sorted_sequence (side "left": elements
// strictly less; "right": less or equal), both promoted to one dtype first.
array searchsorted(const array& sorted_sequence, const array& values,
                   const std::string& side = "left", StreamOrDevice s = {});

}  // namespace mlx::core
