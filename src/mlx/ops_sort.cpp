// Sorting ops: sort, argsort, partition, argpartition, topk, searchsorted. Checks and graph
// nodes follow MLX's mlx/ops.cpp (axis=None flattens; topk of the whole axis returns the
// input); out-of-range axes, kth and k are std::out_of_range, other bad input
// std::invalid_argument, each with an "[op]" prefix.
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

#include "ops.h"
#include "ops_common.h"
#include "primitives_sort.h"

namespace mlx::core {

namespace {

using detail::fail;
using detail::shape_str;

// The normalised axis; throws std::out_of_range as "[op] Received invalid axis ...".
int sort_axis(const char* op, int axis, int ndim) {
  if (axis < -ndim || axis >= ndim)
    throw std::out_of_range(std::string("[") + op + "] Received invalid axis " +
                            std::to_string(axis) + " for array with " + std::to_string(ndim) +
                            " dimensions.");
  return axis < 0 ? axis + ndim : axis;
}

// axis = None sorts the flattened array along its only axis.
array flat_or(const array& a, std::optional<int>& axis, Stream s) {
  if (axis) return a;
  axis = 0;
  return reshape(a, Shape{int32_t(a.size())}, s);
}

// The normalised kth; throws std::out_of_range naming the original kth and axis.
int check_kth(const char* op, const char* what, int kth, int axis, int ax, const array& a) {
  int n = a.shape(ax);
  int64_t k = kth < 0 ? int64_t(kth) + n : int64_t(kth);
  if (k < 0 || k >= n) {
    std::ostringstream msg;
    msg << "[" << op << "] Received invalid " << what << kth << " along axis " << axis
        << " for array with shape: " << shape_str(a.shape());
    throw std::out_of_range(msg.str());
  }
  return int(k);
}

}  // namespace

array sort(const array& a_in, std::optional<int> axis, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  array a = flat_or(a_in, axis, s);
  int ax = sort_axis("sort", *axis, a.ndim());
  Shape shape = a.shape();
  return array(std::move(shape), a.dtype(), std::make_shared<Sort>(s, ax), {a});
}

array argsort(const array& a_in, std::optional<int> axis, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  array a = flat_or(a_in, axis, s);
  int ax = sort_axis("argsort", *axis, a.ndim());
  Shape shape = a.shape();
  return array(std::move(shape), uint32, std::make_shared<ArgSort>(s, ax), {a});
}

array partition(const array& a_in, int kth, std::optional<int> axis, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  array a = flat_or(a_in, axis, s);
  int ax = sort_axis("partition", *axis, a.ndim());
  int k = check_kth("partition", "kth ", kth, *axis, ax, a);
  Shape shape = a.shape();
  return array(std::move(shape), a.dtype(), std::make_shared<Partition>(s, k, ax), {a});
}

array argpartition(const array& a_in, int kth, std::optional<int> axis, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  array a = flat_or(a_in, axis, s);
  int ax = sort_axis("argpartition", *axis, a.ndim());
  int k = check_kth("argpartition", "kth ", kth, *axis, ax, a);
  Shape shape = a.shape();
  return array(std::move(shape), uint32, std::make_shared<ArgPartition>(s, k, ax), {a});
}

array topk(const array& a_in, int k, std::optional<int> axis, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  array a = flat_or(a_in, axis, s);
  int ax = sort_axis("topk", *axis, a.ndim());
  int n = a.shape(ax);
  if (k < 0 || k > n) {
    std::ostringstream msg;
    msg << "[topk] Received invalid k=" << k << " along axis " << *axis
        << " for array with shape: " << shape_str(a.shape());
    throw std::out_of_range(msg.str());
  }
  // As MLX: the whole axis requested returns the input itself.
  if (k == n) return a;
  Shape shape = a.shape();
  shape[ax] = k;
  return array(std::move(shape), a.dtype(), std::make_shared<TopK>(s, k, ax), {a});
}

array searchsorted(const array& sorted_sequence, const array& values, const std::string& side,
                   StreamOrDevice sd) {
  if (side != "left" && side != "right")
    fail("searchsorted", "Invalid side '" + side + "'. Expected 'left' or 'right'.");
  if (sorted_sequence.ndim() != 1)
    fail("searchsorted", "The sorted sequence must be 1-D but has " +
                             std::to_string(sorted_sequence.ndim()) + " dimensions.");
  Stream s = to_stream(sd);
  Dtype dt = promote_types(sorted_sequence.dtype(), values.dtype());
  Shape shape = values.shape();
  return array(std::move(shape), uint32, std::make_shared<SearchSorted>(s, side == "right"),
               {astype(sorted_sequence, dt, s), astype(values, dt, s)});
}

}  // namespace mlx::core
