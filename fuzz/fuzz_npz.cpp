// libFuzzer target: one .npz file (load_npz: the zip directory, zip64 fields, stored and
// deflated entries, CRCs, and the .npy reader inside each entry).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fuzz::guarded([&] {
    auto src = fuzz::source(data, size);
    for (auto& [name, a] : mlx::core::load_npz(src)) fuzz::touch(a);
  });
}
