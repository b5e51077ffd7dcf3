// The FFT kernels of fft_kernels.h compiled twice: baseline x86-64 and AVX2 + FMA (8-lane
// float vectors are one register there); the table is picked like the elementwise one.
#include <algorithm>
#include <atomic>
#include <complex>
#include <cstring>
#include <vector>

#include "../../allocator.h"
#include "fft_plan.h"
#include "kernels.h"
#include "parallel.h"

// 32-byte vectors in baseline code are split in two; their ABI note is not a concern here.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace mlx::core::cpu::fft {

namespace isa_generic {
#define ISA_NAME "generic"
#include "fft_kernels.h"
#undef ISA_NAME
}  // namespace isa_generic

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace isa_avx2 {
#define ISA_NAME "avx2"
#include "fft_kernels.h"
#undef ISA_NAME
}  // namespace isa_avx2
#pragma GCC pop_options

const Kernels& fft_kernels() {
  static const Kernels* t = std::strcmp(kernels().isa, "generic") == 0 ? &isa_generic::table : &isa_avx2::table;
  return *t;
}

}  // namespace mlx::core::cpu::fft
