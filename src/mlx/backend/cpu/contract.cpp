// Walsh-Hadamard transform along the last axis: the input is copied once, row-contiguous, in
// the compute type (float32, or float64 for float64), then each row of n = m * 2^k gets the
// in-place radix-2 butterflies on its m blocks of 2^k and the dense H_m mix across blocks
// (MLX's ordering, H_m from Sloane's tables as MLX uses), rows split over the cores.
#include <string_view>
#include <vector>

#include "../../primitives_contract.h"
#include "copy.h"
#include "kernels.h"
#include "parallel.h"
#include "strided.h"

namespace mlx::core {

namespace {

// From http://neilsloane.com/hadamard/ (the matrices MLX uses): '+' is 1, '-' is -1.
constexpr std::string_view h12 =
    "+-++++++++++--+-+-+-+-+-+++-++----+++---+--+-++-+++++-++----+-+---+--+-+"
    "++--+++-++--+--++---+--+++----+++-+++--+-++---+-++++----+++-+-+--+-++---";
constexpr std::string_view h20 =
    "+----+----++--++-++--+----+---+++---+-++--+----+---+++-+-+-+---+----+---+++++-+-"
    "----+----++--++-++-+-+++++-----+--+++--++-+++-+---+-+--+++--++-++--+---+-+--+++-"
    "+++-+---+---+-+--+++++++-----++--+-+--++--++-+-++-+-----++++---++-+-++-+---+-+++"
    "+---++-+-+--+--++-++++---++-+----+-+++-+-++---++-+----+++++--+--+--++-+----+----"
    "+-+-----++-+----+----+-+-+---+--+----+----+-+++------+----+-+--+--++------+----+";
constexpr std::string_view h28 =
    "+------++----++-+--+-+--++---+-----+++-----+-+--+-+--++---+-----+++---+-+-+----+--++"
    "---+-----+++---+-+-+-+--+--+----+-----+++---+-+-+++--+-------+-----++++--+-+--++--+-"
    "------++----++-+--+-+--++--+--++++-+-------++--+++-+--+----++++-+-----+-++--+-+-+--+"
    "+---+++--+----++-++--+-+-+--++---++---+----++-++--+-+-+-+++---+----+----++-++--+-+-+"
    "++++--------+-+--++-++--+-+--++++--------+++--++--+--+-+-+-++-++--++--+--------++++-"
    "+-+-++--+--++--+--------++++-+-+-++--+--++--+----+---++++-+-+-++--+--+---+---++---++"
    "++-+-+-++--+------+--+++---+-++-+-+-++--+------+-++++---+-++-+---++--+------+-++++--"
    "-++--++-+-++-+++----++------+-++--++-+-++-+++-----+-----++-++---+-+-++-+++-----+----"
    "-++-++-+-+-+-+--+++-----+-----++-++++-+-+----+++-----+--+--++-+-++-+-+----+++-----+-"
    "++--++-+-++-+-+----++------+";

std::string_view hmat(int m) { return m == 12 ? h12 : m == 20 ? h20 : h28; }

template <typename T>
void transform_rows(T* data, size_t rows, int n, int m, float scale) {
  int p = n / m;  // the 2^k part
  std::vector<int8_t> h;
  if (m > 1) {
    auto str = hmat(m);
    h.resize(size_t(m) * m);
    for (int i = 0; i < m * m; ++i) h[i] = str[i] == '+' ? 1 : -1;
  }
  size_t grain = std::max<size_t>(1, 32768 / size_t(n));
  cpu::parallel_for(rows, grain, [&](size_t r0, size_t r1) {
    std::vector<T> tmp(m > 1 ? size_t(n) : 0);
    const T sc = T(scale);
    for (size_t r = r0; r < r1; ++r) {
      T* x = data + r * size_t(n);
      for (int b = 0; b < m; ++b) {
        T* y = x + size_t(b) * p;
        for (int len = 1; len < p; len <<= 1)
          for (int i = 0; i < p; i += 2 * len)
            for (int j = i; j < i + len; ++j) {
              T u = y[j], v = y[j + len];
              y[j] = u + v;
              y[j + len] = u - v;
            }
      }
      if (m > 1) {
        std::fill(tmp.begin(), tmp.end(), T(0));
        for (int j = 0; j < m; ++j)
          for (int k = 0; k < m; ++k) {
            const T* src = x + size_t(k) * p;
            T* dst = tmp.data() + size_t(j) * p;
            if (h[size_t(j) * m + k] > 0)
              for (int i = 0; i < p; ++i) dst[i] += src[i];
            else
              for (int i = 0; i < p; ++i) dst[i] -= src[i];
          }
        for (int i = 0; i < n; ++i) x[i] = tmp[i] * sc;
      } else {
        for (int i = 0; i < n; ++i) x[i] *= sc;
      }
    }
  });
}

}  // namespace

void Hadamard::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  out.set_data(allocator::malloc(out.nbytes()));
  if (out.size() == 0) return;
  int n = out.shape(-1);
  int m = hadamard_m(n);
  if (m == 0) throw std::invalid_argument("[hadamard_transform] Unsupported size.");
  size_t rows = out.size() / size_t(n);
  Dtype dt = out.dtype();
  if (dt == float64) {
    cpu::copy_as(in, float64, out.data<char>());
    transform_rows<double>(out.data<double>(), rows, n, m, scale_);
    return;
  }
  if (dt == float32) {
    cpu::copy_as(in, float32, out.data<char>());
    transform_rows<float>(out.data<float>(), rows, n, m, scale_);
    return;
  }
  // float16 / bfloat16: float32 throughout, rounded once at the end.
  std::vector<float> tmp(out.size());
  cpu::copy_as(in, float32, reinterpret_cast<char*>(tmp.data()));
  transform_rows<float>(tmp.data(), rows, n, m, scale_);
  cpu::kernels().convert[float32.index()][dt.index()](tmp.data(), out.data<char>(), out.size(),
                                                      1);
}

}  // namespace mlx::core
