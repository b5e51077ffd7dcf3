// libFuzzer target: one .npy file (load_npy).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fuzz::guarded([&] {
    auto src = fuzz::source(data, size);
    fuzz::touch(mlx::core::load_npy(src));
  });
}
