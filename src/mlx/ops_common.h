// Helpers the op files share for checking arguments and wording errors.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

#include "array.h"

namespace mlx::core::detail {

inline std::string shape_str(const Shape& s) {
  std::ostringstream os;
  os << "(";
  for (size_t i = 0; i < s.size(); ++i) os << (i ? "," : "") << s[i];
  os << ")";
  return os.str();
}

// Throws std::invalid_argument("[op] msg").
[[noreturn]] inline void fail(const char* op, const std::string& msg) {
  throw std::invalid_argument(std::string("[") + op + "] " + msg);
}

}  // namespace mlx::core::detail
