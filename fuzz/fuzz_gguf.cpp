// libFuzzer target: one .gguf file (load_gguf: metadata of every type, tensor infos,
// alignment, and the Q4_0/Q4_1/Q4_K/Q8_0 repacking and Q6_K dequantization).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fuzz::guarded([&] {
    auto src = fuzz::source(data, size);
    auto [arrays, meta] = mlx::core::load_gguf(src);
    for (auto& [name, a] : arrays) fuzz::touch(a);
    for (auto& [key, v] : meta)
      if (auto* a = std::get_if<mlx::core::array>(&v)) fuzz::touch(*a);
  });
}
