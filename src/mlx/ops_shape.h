// Shape ops: concatenate, stack, split, pad, tile, repeat, flip, roll, ...
// (included by ops.h; defined in ops_shape.cpp).
#pragma once

#include <string>
#include <utility>

#include "ops.h"

namespace mlx::core {

// Static strided slices. start/stop follow Python's slice rules per axis (negative values
// count from the end, out-of-range values clamp; so INT32_MIN / INT32_MAX stand for Python's
// omitted start/stop in either direction, e.g. a[::-1] is start INT32_MAX, stop INT32_MIN,
// stride -1); a negative stride walks backwards (a view with negative strides), a zero
// stride is an error. The result is a view of `a` (`a` itself for the full range).
array slice(const array& a, Shape start, Shape stop, Shape strides, StreamOrDevice s = {});
array slice(const array& a, Shape start, Shape stop, StreamOrDevice s = {});
// `src` with the slice start:stop:strides replaced by `update` (cast to src's dtype and
// broadcast to the slice's shape).
array slice_update(const array& src, const array& update, Shape start, Shape stop,
                   Shape strides, StreamOrDevice s = {});
array slice_update(const array& src, const array& update, Shape start, Shape stop,
                   StreamOrDevice s = {});

// Joining and splitting. concatenate promotes to the inputs' common dtype; the overload
// without an axis joins the flattened inputs.
array concatenate(std::vector<array> arrays, int axis, StreamOrDevice s = {});
array concatenate(std::vector<array> arrays, StreamOrDevice s = {});
array stack(const std::vector<array>& arrays, int axis = 0, StreamOrDevice s = {});
std::vector<array> unstack(const array& a, int axis = 0, StreamOrDevice s = {});
std::vector<array> split(const array& a, const Shape& indices, int axis = 0, StreamOrDevice s = {});
std::vector<array> split(const array& a, int num_splits, int axis = 0, StreamOrDevice s = {});

// Repetition and padding. repeat without an axis repeats the flattened array.
array repeat(const array& a, int repeats, int axis, StreamOrDevice s = {});
array repeat(const array& a, int repeats, StreamOrDevice s = {});
array tile(const array& a, std::vector<int> reps, StreamOrDevice s = {});
// mode: "constant", "edge", "reflect" or "symmetric"; pad_width holds (before, after) per axis.
array pad(const array& a, const std::vector<std::pair<int, int>>& pad_width,
          const array& pad_value = array(0), const std::string& mode = "constant",
          StreamOrDevice s = {});

// Reordering. flip/roll over `axes` (nullopt: every axis for flip, the flattened array for
// roll, whose shifts then add up).
array flip(const array& a, const std::optional<std::vector<int>>& axes = {}, StreamOrDevice s = {});
array roll(const array& a, const Shape& shift, const std::optional<std::vector<int>>& axes = {},
           StreamOrDevice s = {});
array diff(const array& a, int n = 1, int axis = -1, StreamOrDevice s = {});

// Views and layouts. as_strided views the row-major elements of `a` (offset and strides in
// elements); contiguous makes a row-major copy unless `a` already is one (or column-major,
// when allowed).
array as_strided(const array& a, Shape shape, Strides strides, int64_t offset = 0,
                 StreamOrDevice s = {});
array contiguous(const array& a, bool allow_col_major = false, StreamOrDevice s = {});
array unflatten(const array& a, int axis, Shape shape, StreamOrDevice s = {});

// Broadcasting several arrays or shapes at once.
std::vector<array> broadcast_arrays(const std::vector<array>& inputs, StreamOrDevice s = {});
Shape broadcast_shapes(const std::vector<Shape>& shapes);

array atleast_1d(const array& a, StreamOrDevice s = {});
array atleast_2d(const array& a, StreamOrDevice s = {});
array atleast_3d(const array& a, StreamOrDevice s = {});

}  // namespace mlx::core
