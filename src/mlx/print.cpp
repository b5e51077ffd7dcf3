#include "print.h"

#include <atomic>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace mlx::core {

namespace {

// MLX's PrintOptions::precision: -1 prints floats in the default stream format (6 significant
// digits); any other value prints them fixed with that many decimals, as MLX's formatter does.
// One value for the process, as MLX's global formatter.
std::atomic<int> g_precision{-1};

template <typename T>
void put(std::ostream& os, T v) {
  if constexpr (std::is_same_v<T, bool>) {
    os << (v ? "True" : "False");
  } else if constexpr (std::is_same_v<T, complex64_t>) {
    put(os, v.real());
    float im = v.imag();
    os << (std::signbit(im) ? "-" : "+");
    put(os, std::fabs(im));
    os << "j";
  } else if constexpr (std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t>) {
    os << int(v);
  } else if constexpr (std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>) {
    put(os, float(v));
  } else if constexpr (std::is_floating_point_v<T>) {
    int p = g_precision.load(std::memory_order_relaxed);
    if (p == -1)
      os << v;  // default stream precision (6 significant digits), as MLX prints
    else
      os << std::fixed << std::setprecision(p) << v;
  } else {
    os << v;
  }
}

template <typename T>
void print_sub(std::ostream& os, const array& a, int64_t index, int dim) {
  constexpr int kEdge = 3;  // elements shown at each end of a long dimension
  int n = a.shape()[dim];
  int64_t stride = a.strides()[dim];
  bool last = dim == a.ndim() - 1;
  std::string prefix = last ? "" : std::string(7 + dim, ' ');
  const char* sep = last ? ", " : ",\n";
  os << "[";
  for (int i = 0; i < n; ++i) {
    if (i > 0) os << prefix;
    if (i == kEdge && n > 2 * kEdge) {
      os << "...";
      index += stride * (n - 2 * kEdge - 1);
      i = n - kEdge - 1;
    } else if (last) {
      put(os, a.data<T>()[index]);
    } else {
      print_sub<T>(os, a, index, dim + 1);
    }
    if (i != n - 1) os << sep;
    index += stride;
  }
  os << "]";
}

}  // namespace

int get_print_precision() { return g_precision.load(std::memory_order_relaxed); }
void set_print_precision(int precision) { g_precision.store(precision, std::memory_order_relaxed); }

std::string format_element(const array& a, size_t offset) {
  std::ostringstream os;
  dispatch_dtype(a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    put(os, a.data<T>()[offset]);
  });
  return os.str();
}

std::string repr(array a) {
  a.eval();
  std::ostringstream os;
  os << "array(";
  dispatch_dtype(a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if (a.ndim() == 0)
      put(os, a.data<T>()[0]);
    else
      print_sub<T>(os, a, 0, 0);
  });
  os << ", dtype=" << dtype_name(a.dtype()) << ")";
  return os.str();
}

}  // namespace mlx::core
