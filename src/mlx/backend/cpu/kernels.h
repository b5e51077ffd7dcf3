// Inner-loop kernels, compiled once per instruction set and picked at run time.
// Every kernel walks one row: n elements, with per-operand element strides
// (0 broadcasts a value, 1 is contiguous); outputs are always contiguous.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../../dtype.h"
#include "../../primitives.h"

namespace mlx::core::cpu {

using BinaryFn = void (*)(const void* a, const void* b, void* out, size_t n, int64_t sa,
                          int64_t sb);
using ConvertFn = void (*)(const void* in, void* out, size_t n, int64_t sin);
using SelectFn = void (*)(const bool* c, const void* x, const void* y, void* out, size_t n,
                          int64_t sc, int64_t sx, int64_t sy);

// Unary kernels read `in` with element stride `sin` (UnaryFn has ConvertFn's shape); compare
// kernels are BinaryFns that write bool; divmod writes the quotient and the remainder.
using UnaryFn = void (*)(const void* in, void* out, size_t n, int64_t sin);
using DivModFn = void (*)(const void* a, const void* b, void* q, void* r, size_t n, int64_t sa,
                          int64_t sb);

constexpr int kBinaryOps = int(BinaryOp::right_shift) + 1;
constexpr int kUnaryOps = int(UnaryOp::imag) + 1;
constexpr int kCompareOps = int(CompareOp::greater_equal) + 1;

struct KernelTable {
  const char* isa;
  BinaryFn binary[kBinaryOps][Dtype::count];
  ConvertFn convert[Dtype::count][Dtype::count];  // [from][to]
  SelectFn select[4];                             // by log2 of the element size
  // memcpy with non-temporal stores, for copies much larger than the caches: skipping
  // the read-for-ownership of the destination saves a third of the memory traffic.
  void (*copy_stream)(void* dst, const void* src, size_t bytes);
  // Elementwise ops (kernels_elementwise_isa.cpp), indexed by the input dtype. Slots of
  // dtypes an op rejects are filled too (ops never reach them).
  UnaryFn unary[kUnaryOps][Dtype::count];
  BinaryFn compare[kCompareOps][Dtype::count];
  DivModFn divmod[Dtype::count];
};

// The table for the best instruction set this CPU supports (MLX_CPU_ISA=generic|avx2|avx512
// forces a lower one, for tests).
const KernelTable& kernels();

// Per-ISA tables; defined by kernels_isa.cpp compiled with each instruction set.
namespace isa_generic {
void fill(KernelTable& t);
}
namespace isa_avx2 {
void fill(KernelTable& t);
}
namespace isa_avx512 {
void fill(KernelTable& t);
}

}  // namespace mlx::core::cpu
