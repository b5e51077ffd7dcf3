// Indexing ops: gather/scatter, take, take_along_axis, put_along_axis, masked_scatter, diagonal,
// diag and the dynamic slice/slice_update (start indices in an array); the static strided
// slice/slice_update are in ops_shape.h. Included by ops.h; defined in ops_index.cpp.
#pragma once

#include <string>

#include "ops.h"
#include "primitives_index.h"

namespace mlx::core {

// Slices of `a` at the index positions: indices[j] (broadcast together, any integer dtypes,
// promoted to one) index axis axes[j]; the output has shape broadcast index shape + slice_sizes.
// `op` names the caller in errors.
array gather(const array& a, const std::vector<array>& indices, const std::vector<int>& axes,
             const Shape& slice_sizes, StreamOrDevice s = {}, const char* op = "gather");
inline array gather(const array& a, const array& indices, int axis, const Shape& slice_sizes,
                    StreamOrDevice s = {}) {
  return gather(a, std::vector<array>{indices}, std::vector<int>{axis}, slice_sizes, s);
}

// a with updates (shape: broadcast index shape + one slice of a.ndim() dims) combined at the
// index positions; repeated indices apply in order.
array scatter(const array& a, const std::vector<array>& indices, const array& updates,
              const std::vector<int>& axes, ScatterOp op, StreamOrDevice s = {},
              const char* opname = "scatter");
array scatter(const array& a, const std::vector<array>& indices, const array& updates,
              const std::vector<int>& axes, StreamOrDevice s = {});
array scatter_add(const array& a, const std::vector<array>& indices, const array& updates,
                  const std::vector<int>& axes, StreamOrDevice s = {});
array scatter_prod(const array& a, const std::vector<array>& indices, const array& updates,
                   const std::vector<int>& axes, StreamOrDevice s = {});
array scatter_max(const array& a, const std::vector<array>& indices, const array& updates,
                  const std::vector<int>& axes, StreamOrDevice s = {});
array scatter_min(const array& a, const std::vector<array>& indices, const array& updates,
                  const std::vector<int>& axes, StreamOrDevice s = {});

// a[mask] = values (NumPy's boolean assignment): mask's shape is a leading part of a's shape;
// values broadcast to (number of mask elements, remaining dims of a) and the k-th true
// position takes the k-th row.
array masked_scatter(const array& a, const array& mask, const array& values, StreamOrDevice s = {},
                     const char* op = "masked_scatter");

// take along an axis (the index dims replace that axis) or of the flattened array. An integer
// index is a view (slice + squeeze); negative indices count from the end.
array take(const array& a, const array& indices, int axis, StreamOrDevice s = {});
array take(const array& a, const array& indices, StreamOrDevice s = {});
array take(const array& a, int index, int axis, StreamOrDevice s = {});
array take(const array& a, int index, StreamOrDevice s = {});

array take_along_axis(const array& a, const array& indices, int axis, StreamOrDevice s = {});
array put_along_axis(const array& a, const array& indices, const array& values, int axis,
                     StreamOrDevice s = {});
array scatter_add_axis(const array& a, const array& indices, const array& values, int axis,
                       StreamOrDevice s = {});

array diagonal(const array& a, int offset = 0, int axis1 = 0, int axis2 = 1, StreamOrDevice s = {});
array diag(const array& a, int k = 0, StreamOrDevice s = {});

// mx.slice / mx.slice_update: the start indices are an (integer, 0-d or 1-d) array, one per axis
// in `axes`; slice_size has a.ndim() entries. A start that does not fit fails the evaluation.
array slice(const array& a, const array& start, std::vector<int> axes, Shape slice_size,
            StreamOrDevice s = {});
array slice_update(const array& src, const array& update, const array& start,
                   std::vector<int> axes, StreamOrDevice s = {});

// Basic indexing (integers, slices, new axes) as one view of `a`: per input axis a start, a step
// and a count (count -1: an integer index, the axis dropped); out_src[d] is the input axis of
// output dim d (-1: a new axis of size 1). `op` names the caller in errors.
array index_view(const array& a, const Shape& start, const Shape& step, const Shape& count,
                 const std::vector<int>& out_src, StreamOrDevice s = {}, const char* op = "get");

}  // namespace mlx::core
