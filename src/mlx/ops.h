// Array operations: each checks its arguments, then builds a lazy graph node.
#pragma once

#include <optional>
#include <variant>
#include <vector>

#include "array.h"

namespace mlx::core {

using StreamOrDevice = std::variant<std::monostate, Stream, Device>;
Stream to_stream(StreamOrDevice s);

// Creation
array zeros(const Shape& shape, Dtype dtype = float32, StreamOrDevice s = {});
array ones(const Shape& shape, Dtype dtype = float32, StreamOrDevice s = {});
array full(const Shape& shape, array vals, Dtype dtype, StreamOrDevice s = {});
array full(const Shape& shape, array vals, StreamOrDevice s = {});
array zeros_like(const array& a, StreamOrDevice s = {});
array ones_like(const array& a, StreamOrDevice s = {});
array arange(double start, double stop, double step, Dtype dtype, StreamOrDevice s = {});
array astype(array a, Dtype dtype, StreamOrDevice s = {});
array copy(array a, StreamOrDevice s = {});

// Shapes
Shape broadcast_shapes(const Shape& a, const Shape& b);
array broadcast_to(const array& a, const Shape& shape, StreamOrDevice s = {});
array reshape(const array& a, Shape shape, StreamOrDevice s = {});
array flatten(const array& a, int start_axis = 0, int end_axis = -1, StreamOrDevice s = {});
array squeeze(const array& a, const std::vector<int>& axes, StreamOrDevice s = {});
array squeeze(const array& a, StreamOrDevice s = {});
array expand_dims(const array& a, const std::vector<int>& axes, StreamOrDevice s = {});
array transpose(const array& a, std::vector<int> axes, StreamOrDevice s = {});
array transpose(const array& a, StreamOrDevice s = {});
array moveaxis(const array& a, int source, int destination, StreamOrDevice s = {});
array swapaxes(const array& a, int axis1, int axis2, StreamOrDevice s = {});

// Arithmetic
array add(const array& a, const array& b, StreamOrDevice s = {});
array subtract(const array& a, const array& b, StreamOrDevice s = {});
array multiply(const array& a, const array& b, StreamOrDevice s = {});
array divide(const array& a, const array& b, StreamOrDevice s = {});
array where(const array& condition, const array& x, const array& y, StreamOrDevice s = {});
array matmul(const array& a, const array& b, StreamOrDevice s = {});

// ---- Reductions (ops_reduce.cpp) ----------------------------------------------------------
// `axes` = nullopt reduces every axis; an empty list is MLX's identity-like case.
using OptAxes = std::optional<std::vector<int>>;
array all(const array& a, OptAxes axes = {}, bool keepdims = false, StreamOrDevice s = {});
array any(const array& a, OptAxes axes = {}, bool keepdims = false, StreamOrDevice s = {});
array sum(const array& a, OptAxes axes = {}, bool keepdims = false, StreamOrDevice s = {});
array prod(const array& a, OptAxes axes = {}, bool keepdims = false, StreamOrDevice s = {});
array max(const array& a, OptAxes axes = {}, bool keepdims = false, StreamOrDevice s = {});
array min(const array& a, OptAxes axes = {}, bool keepdims = false, StreamOrDevice s = {});
array mean(const array& a, OptAxes axes = {}, bool keepdims = false, StreamOrDevice s = {});
array var(const array& a, OptAxes axes = {}, bool keepdims = false, int ddof = 0,
          StreamOrDevice s = {});
array std(const array& a, OptAxes axes = {}, bool keepdims = false, int ddof = 0,
          StreamOrDevice s = {});
array logsumexp(const array& a, OptAxes axes = {}, bool keepdims = false, StreamOrDevice s = {});
array count_nonzero(const array& a, OptAxes axes = {}, bool keepdims = false,
                    StreamOrDevice s = {});
array median(const array& a, OptAxes axes = {}, bool keepdims = false, StreamOrDevice s = {});
// axis = nullopt: over the flattened array.
array argmax(const array& a, std::optional<int> axis = {}, bool keepdims = false,
             StreamOrDevice s = {});
array argmin(const array& a, std::optional<int> axis = {}, bool keepdims = false,
             StreamOrDevice s = {});
array softmax(const array& a, OptAxes axes = {}, bool precise = false, StreamOrDevice s = {});
array cumsum(const array& a, std::optional<int> axis = {}, bool reverse = false,
             bool inclusive = true, StreamOrDevice s = {});
array cumprod(const array& a, std::optional<int> axis = {}, bool reverse = false,
              bool inclusive = true, StreamOrDevice s = {});
array cummax(const array& a, std::optional<int> axis = {}, bool reverse = false,
             bool inclusive = true, StreamOrDevice s = {});
array cummin(const array& a, std::optional<int> axis = {}, bool reverse = false,
             bool inclusive = true, StreamOrDevice s = {});
array logcumsumexp(const array& a, std::optional<int> axis = {}, bool reverse = false,
                   bool inclusive = true, StreamOrDevice s = {});
array trace(const array& a, int offset = 0, int axis1 = 0, int axis2 = 1,
            std::optional<Dtype> dtype = {}, StreamOrDevice s = {});
array array_equal(const array& a, const array& b, bool equal_nan = false, StreamOrDevice s = {});
// ---- end of reductions --------------------------------------------------------------------

}  // namespace mlx::core
