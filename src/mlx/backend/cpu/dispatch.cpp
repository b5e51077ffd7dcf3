#include <cstdlib>
#include <cstring>

#include "kernels.h"

namespace mlx::core::cpu {

namespace {

KernelTable make_table() {
  KernelTable t{};
  __builtin_cpu_init();
  const char* want = std::getenv("MLX_CPU_ISA");
  bool allow512 = !want || std::strcmp(want, "avx512") == 0;
  bool allow2 = allow512 || (want && std::strcmp(want, "avx2") == 0);
  if (allow512 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) {
    isa_avx512::fill(t);
    t.isa = "avx512";
  } else if (allow2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
             __builtin_cpu_supports("f16c")) {
    isa_avx2::fill(t);
    t.isa = "avx2";
  } else {
    isa_generic::fill(t);
    t.isa = "generic";
  }
  return t;
}

}  // namespace

const KernelTable& kernels() {
  static const KernelTable table = make_table();
  return table;
}

}  // namespace mlx::core::cpu
