// Pieces shared by the format files of src/mlx/io/: errors, little-endian access, sequential
// byte streams, CRC-32, contiguous copies and the small JSON reader/writer.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mlx/io.h"

namespace mlx::core::io {

// "[load] <msg>" (the file is bad) as std::invalid_argument: a JS Error.
[[noreturn]] void fail(const std::string& msg);
// "[fn] <msg>" for the writers.
[[noreturn]] void fail_in(const char* fn, const std::string& msg);

inline uint16_t le16(const void* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
inline uint32_t le32(const void* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t le64(const void* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline void put16(std::string& s, uint16_t v) { s.append(reinterpret_cast<const char*>(&v), 2); }
inline void put32(std::string& s, uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
inline void put64(std::string& s, uint64_t v) { s.append(reinterpret_cast<const char*>(&v), 8); }

// Bytes read front to back: a source from an offset, or an inflating zip entry.
class InStream {
 public:
  virtual ~InStream() = default;
  virtual void read(void* dst, size_t n) = 0;  // exactly n bytes, or throws
  virtual uint64_t remaining() const = 0;      // bytes left (as the container declares)
};

class SourceStream : public InStream {
 public:
  SourceStream(const Source& src, uint64_t pos = 0) : src_(src), pos_(pos) {}
  void read(void* dst, size_t n) override {
    src_.read(dst, n, pos_);
    pos_ += n;
  }
  uint64_t remaining() const override { return pos_ < src_.size() ? src_.size() - pos_ : 0; }
  uint64_t pos() const { return pos_; }

 private:
  const Source& src_;
  uint64_t pos_;
};

// CRC-32 (zip's) of n bytes, split over the cores for large buffers; crc chains.
uint32_t crc32_of(const char* data, size_t n, uint32_t crc = 0);

// A new array of shape and dtype whose data the caller fills (available at once).
array new_array(Shape shape, Dtype dtype);
// `a` evaluated, with its elements row-major at data() (a copy only where it is a view).
array row_major(array a);

// An array shape from unsigned dimensions (each <= INT32_MAX, product within 2^53 elements).
Shape checked_shape(const std::vector<uint64_t>& dims, const std::string& what);
// size * itemsize, with the same bound.
uint64_t checked_nbytes(const Shape& shape, Dtype dtype);

// Bools stored as bytes other than 0/1 (a corrupt file) become 1: C++ bool must be 0 or 1.
void normalize_bools(array& a);

// ---- .npy (npy.cpp), shared with the .npz reader and writer -----------------------------
// Reads one .npy file from `in`; `label` names it in errors.
array read_npy(InStream& in, const std::string& label, StreamOrDevice s);
// The .npy magic, version, header and padding for `a` (already row_major or column
// contiguous, as `fortran` says).
std::string npy_prefix(const array& a, bool fortran);
// `a` ready to save as .npy: evaluated, row-major or column-major contiguous (fortran set).
array npy_layout(array a, bool& fortran);

// ---- JSON (safetensors headers) --------------------------------------------------------
struct Json {
  enum class Kind : uint8_t { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool b = false;
  std::string s;  // a string's value, or a number's text
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;  // in file order, keys unique
  // User-provided: clang with libstdc++ rejects the implicit one (pair<string, Json> of an
  // incomplete Json); the fuzz targets (fuzz/) are built with clang.
  Json() noexcept {}
};
// Strict RFC 8259 (UTF-8 checked, depth <= 64, duplicate keys rejected); errors "[load] ...".
Json parse_json(std::string_view text);
// A JSON string literal of UTF-8 text.
std::string json_quote(std::string_view s);

}  // namespace mlx::core::io
