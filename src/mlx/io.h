// File I/O: .npy/.npz, .safetensors and .gguf readers and writers (src/mlx/io/*.cpp).
// Files are untrusted input: every size, offset and count is checked before use, and a bad
// file raises std::invalid_argument("[load] ...") (never a crash or an allocation larger
// than the file implies). Loads read eagerly: the arrays hold their data when load returns.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "ops.h"

namespace mlx::core {

namespace io {

// Where a load reads from: a file (read with pread, large reads split over the cores) or
// bytes in memory (not copied; they must outlive the load call).
class Source {
 public:
  static Source file(const std::string& path);  // throws "[load] Failed to open ..."
  static Source memory(const void* data, size_t size, std::string label = "buffer");

  uint64_t size() const { return size_; }
  const std::string& label() const { return label_; }
  // Reads exactly n bytes at offset; throws "[load] ..." if they run past the end.
  void read(void* dst, size_t n, uint64_t offset) const;
  std::string read_string(uint64_t offset, size_t n) const;
  // The bytes [offset, offset + n) as a source of their own.
  Source slice(uint64_t offset, uint64_t n) const;

 private:
  struct Fd;
  std::shared_ptr<Fd> fd_;
  const char* mem_ = nullptr;
  uint64_t base_ = 0, size_ = 0;
  std::string label_;
};

// The bytes of a file to write: owned pieces (headers) and views of array data, kept in
// order so the whole file goes out with one writev.
class Parts {
 public:
  void add(std::string bytes);                 // an owned piece
  void add_view(const char* data, size_t n);   // bytes owned by an array in `keep`
  void keep(array a) { arrays_.push_back(std::move(a)); }
  uint64_t size() const { return size_; }
  const std::vector<std::pair<const char*, size_t>>& pieces() const { return pieces_; }
  // The whole file in one buffer.
  void copy_to(char* dst) const;

 private:
  std::deque<std::string> owned_;  // a deque keeps the addresses of earlier pieces stable
  std::vector<std::pair<const char*, size_t>> pieces_;
  std::vector<array> arrays_;
  uint64_t size_ = 0;
};

// Writes parts to path (created or truncated); `fn` names the caller in errors.
void write_file(const std::string& path, const Parts& parts, const char* fn);

// Tests only: entries at or above this size or offset use zip64 fields (default 0xFFFFFFFF).
void set_zip64_limit(uint64_t limit);

}  // namespace io

// Named arrays in file order (the JS side turns them into objects).
using NamedArrays = std::vector<std::pair<std::string, array>>;
using StringPairs = std::vector<std::pair<std::string, std::string>>;
// A GGUF metadata value: a 0-d array (one number or bool), a 1-d array (a numeric array),
// a string, or a list of strings.
using GGUFValue = std::variant<array, std::string, std::vector<std::string>>;
using GGUFMetadata = std::vector<std::pair<std::string, GGUFValue>>;

// ---- loading ----------------------------------------------------------------------------
array load_npy(const io::Source& src, StreamOrDevice s = {});
NamedArrays load_npz(const io::Source& src, StreamOrDevice s = {});
std::pair<NamedArrays, StringPairs> load_safetensors(const io::Source& src, StreamOrDevice s = {});
// Q4_0, Q4_1, Q4_K and Q8_0 tensors load as MLX quantized weights: `name` (uint32, packed),
// `prefix.scales` and `prefix.biases` (float16), prefix being name without ".weight".
std::pair<NamedArrays, GGUFMetadata> load_gguf(const io::Source& src, StreamOrDevice s = {});

// ---- saving: the bytes of a file ---------------------------------------------------------
io::Parts npy_bytes(const array& a, const char* fn = "save");
io::Parts npz_bytes(const NamedArrays& arrays, bool compressed);
io::Parts safetensors_bytes(const NamedArrays& arrays, const StringPairs& metadata);
io::Parts gguf_bytes(const NamedArrays& arrays, const GGUFMetadata& metadata);

// ---- saving to a path: the extension is appended when missing, as MLX does ---------------
void save(std::string file, const array& a);
void savez(std::string file, const NamedArrays& arrays, bool compressed = false);
void save_safetensors(std::string file, const NamedArrays& arrays, const StringPairs& metadata = {});
void save_gguf(std::string file, const NamedArrays& arrays, const GGUFMetadata& metadata = {});

}  // namespace mlx::core
