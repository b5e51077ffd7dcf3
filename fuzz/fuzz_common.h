// Shared by the libFuzzer targets (fuzz/README.md): the input is a file's bytes in memory.
// A bad file must raise std::invalid_argument("[load] ...") and nothing else: any other
// exception escapes LLVMFuzzerTestOneInput and libFuzzer reports it as a crash, as it does
// sanitizer reports (ASan, UBSan) and allocations above -malloc_limit_mb.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "mlx/io.h"

namespace fuzz {

inline mlx::core::io::Source source(const uint8_t* data, size_t size) {
  return mlx::core::io::Source::memory(data, size, "fuzz-input");
}

// Reads every byte a loaded array claims to hold (ASan checks the buffer really has them);
// a lazy view (the transpose of a Fortran-order .npy) reads its shape only.
inline void touch(const mlx::core::array& a) {
  static volatile uint8_t sink;
  if (!a.is_available() || a.data_size() == 0) return;
  const auto* p = a.data<uint8_t>();
  size_t n = a.data_size() * a.itemsize();
  uint8_t acc = 0;
  for (size_t i = 0; i < n; ++i) acc ^= p[i];
  sink = acc;
}

// Loads run under this: the expected error is swallowed; its message must start with [load].
template <class F>
int guarded(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    // MLXJS_FUZZ_STRICT=1 (seed checks): a valid file that fails to load is a crash too.
    if (std::getenv("MLXJS_FUZZ_STRICT")) {
      std::fprintf(stderr, "strict: the input failed to load: %s\n", e.what());
      __builtin_trap();
    }
    if (std::strncmp(e.what(), "[load] ", 7) != 0) {
      std::fprintf(stderr, "error without [load]: %s\n", e.what());
      __builtin_trap();
    }
  }
  return 0;
}

}  // namespace fuzz
