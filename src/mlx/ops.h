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

// ---- Elementwise (ops_elementwise.cpp) ------------------------------------------------------
array abs(const array& a, StreamOrDevice s = {});
array negative(const array& a, StreamOrDevice s = {});
array positive(const array& a, StreamOrDevice s = {});
array sign(const array& a, StreamOrDevice s = {});
array square(const array& a, StreamOrDevice s = {});
array sqrt(const array& a, StreamOrDevice s = {});
array rsqrt(const array& a, StreamOrDevice s = {});
array reciprocal(const array& a, StreamOrDevice s = {});
array exp(const array& a, StreamOrDevice s = {});
array expm1(const array& a, StreamOrDevice s = {});
array log(const array& a, StreamOrDevice s = {});
array log2(const array& a, StreamOrDevice s = {});
array log10(const array& a, StreamOrDevice s = {});
array log1p(const array& a, StreamOrDevice s = {});
array sin(const array& a, StreamOrDevice s = {});
array cos(const array& a, StreamOrDevice s = {});
array tan(const array& a, StreamOrDevice s = {});
array arcsin(const array& a, StreamOrDevice s = {});
array arccos(const array& a, StreamOrDevice s = {});
array arctan(const array& a, StreamOrDevice s = {});
array sinh(const array& a, StreamOrDevice s = {});
array cosh(const array& a, StreamOrDevice s = {});
array tanh(const array& a, StreamOrDevice s = {});
array arcsinh(const array& a, StreamOrDevice s = {});
array arccosh(const array& a, StreamOrDevice s = {});
array arctanh(const array& a, StreamOrDevice s = {});
array sigmoid(const array& a, StreamOrDevice s = {});
array erf(const array& a, StreamOrDevice s = {});
array erfinv(const array& a, StreamOrDevice s = {});
array degrees(const array& a, StreamOrDevice s = {});
array radians(const array& a, StreamOrDevice s = {});
array floor(const array& a, StreamOrDevice s = {});
array ceil(const array& a, StreamOrDevice s = {});
array trunc(const array& a, StreamOrDevice s = {});
array round(const array& a, int decimals = 0, StreamOrDevice s = {});
array logical_not(const array& a, StreamOrDevice s = {});
array bitwise_invert(const array& a, StreamOrDevice s = {});
array conjugate(const array& a, StreamOrDevice s = {});
array real(const array& a, StreamOrDevice s = {});
array imag(const array& a, StreamOrDevice s = {});
array isnan(const array& a, StreamOrDevice s = {});
array isinf(const array& a, StreamOrDevice s = {});
array isfinite(const array& a, StreamOrDevice s = {});
array isposinf(const array& a, StreamOrDevice s = {});
array isneginf(const array& a, StreamOrDevice s = {});
array nan_to_num(const array& a, float nan = 0.0f, std::optional<float> posinf = std::nullopt,
                 std::optional<float> neginf = std::nullopt, StreamOrDevice s = {});
array maximum(const array& a, const array& b, StreamOrDevice s = {});
array minimum(const array& a, const array& b, StreamOrDevice s = {});
array power(const array& a, const array& b, StreamOrDevice s = {});
array remainder(const array& a, const array& b, StreamOrDevice s = {});
array floor_divide(const array& a, const array& b, StreamOrDevice s = {});
std::vector<array> divmod(const array& a, const array& b, StreamOrDevice s = {});
array arctan2(const array& a, const array& b, StreamOrDevice s = {});
array logaddexp(const array& a, const array& b, StreamOrDevice s = {});
array equal(const array& a, const array& b, StreamOrDevice s = {});
array not_equal(const array& a, const array& b, StreamOrDevice s = {});
array less(const array& a, const array& b, StreamOrDevice s = {});
array less_equal(const array& a, const array& b, StreamOrDevice s = {});
array greater(const array& a, const array& b, StreamOrDevice s = {});
array greater_equal(const array& a, const array& b, StreamOrDevice s = {});
array logical_and(const array& a, const array& b, StreamOrDevice s = {});
array logical_or(const array& a, const array& b, StreamOrDevice s = {});
array logical_xor(const array& a, const array& b, StreamOrDevice s = {});
array bitwise_and(const array& a, const array& b, StreamOrDevice s = {});
array bitwise_or(const array& a, const array& b, StreamOrDevice s = {});
array bitwise_xor(const array& a, const array& b, StreamOrDevice s = {});
array left_shift(const array& a, const array& b, StreamOrDevice s = {});
array right_shift(const array& a, const array& b, StreamOrDevice s = {});
array isclose(const array& a, const array& b, double rtol = 1e-5, double atol = 1e-8,
              bool equal_nan = false, StreamOrDevice s = {});
array clip(const array& a, const std::optional<array>& a_min, const std::optional<array>& a_max,
           StreamOrDevice s = {});
// ---- end of elementwise ---------------------------------------------------------------------

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

#include "ops_creation.h"
#include "ops_index.h"
#include "ops_shape.h"
#include "ops_sort.h"
