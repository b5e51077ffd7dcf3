// Python-style repr of arrays: array([[1, 2], [3, 4]], dtype=int32).
#pragma once

#include <string>

#include "array.h"

namespace mlx::core {

std::string repr(array a);  // evaluates a

// Formats one element the way MLX prints it (bools as True/False, complex as 1+2j).
std::string format_element(const array& a, size_t flat_offset_elems);

// MLX's print precision (PrintOptions.precision): -1 (the default) prints floats with 6
// significant digits; p >= 0 prints them with p decimals (std::fixed). Process-wide.
int get_print_precision();
void set_print_precision(int precision);

}  // namespace mlx::core
