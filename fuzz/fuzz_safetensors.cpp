// libFuzzer target: one .safetensors file (load_safetensors: the length prefix, the JSON
// header parser, offsets and overlaps).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fuzz::guarded([&] {
    auto src = fuzz::source(data, size);
    auto [arrays, meta] = mlx::core::load_safetensors(src);
    for (auto& [name, a] : arrays) fuzz::touch(a);
  });
}
