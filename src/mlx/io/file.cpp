// Byte sources and sinks of the file formats: pread-based sources, one-writev writes, CRC-32,
// and the array helpers every format uses.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "mlx/backend/cpu/parallel.h"
#include "mlx/io/io_impl.h"

namespace mlx::core::io {

namespace {

constexpr size_t kParallelBytes = size_t(8) << 20;  // reads and CRCs split from here up
constexpr size_t kChunk = size_t(4) << 20;

std::string errno_text() { return std::strerror(errno); }

}  // namespace

void fail(const std::string& msg) { throw std::invalid_argument("[load] " + msg); }
void fail_in(const char* fn, const std::string& msg) {
  throw std::invalid_argument(std::string("[") + fn + "] " + msg);
}

// ---- Source ----------------------------------------------------------------------------

struct Source::Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Source Source::file(const std::string& path) {
  Source s;
  s.fd_ = std::make_shared<Fd>();
  s.fd_->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (s.fd_->fd < 0) fail("Failed to open " + path + ": " + errno_text());
  struct stat st;
  if (::fstat(s.fd_->fd, &st) != 0) fail("Failed to read " + path + ": " + errno_text());
  if (!S_ISREG(st.st_mode)) fail("Failed to open " + path + ": not a regular file");
  s.size_ = uint64_t(st.st_size);
  s.label_ = path;
  return s;
}

Source Source::memory(const void* data, size_t size, std::string label) {
  Source s;
  s.mem_ = static_cast<const char*>(data);
  s.size_ = size;
  s.label_ = std::move(label);
  return s;
}

Source Source::slice(uint64_t offset, uint64_t n) const {
  if (offset > size_ || n > size_ - offset)
    fail("Data of " + label_ + " runs past the end of the file.");
  Source s = *this;
  s.base_ = base_ + offset;
  s.size_ = n;
  return s;
}

void Source::read(void* dst, size_t n, uint64_t offset) const {
  if (offset > size_ || n > size_ - offset)
    fail("Unexpected end of file in " + label_ + " (" + std::to_string(n) + " bytes at offset " +
         std::to_string(offset) + " of " + std::to_string(size_) + "): truncated or corrupt?");
  if (n == 0) return;
  char* out = static_cast<char*>(dst);
  uint64_t at = base_ + offset;
  if (mem_) {
    cpu::parallel_for(n, kParallelBytes / 2, [&](size_t b, size_t e) { std::memcpy(out + b, mem_ + at + b, e - b); });
    return;
  }
  int fd = fd_->fd;
  std::atomic<int> err{0};
  std::atomic<bool> short_read{false};
  // Big reads go to both cores: page-cache copies are CPU bound.
  cpu::parallel_for(n, n >= kParallelBytes ? kChunk : n, [&](size_t b, size_t e) {
    while (b < e) {
      ssize_t r = ::pread(fd, out + b, std::min(e - b, size_t(1) << 30), off_t(at + b));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        err = errno;
        return;
      }
      if (r == 0) {
        short_read = true;
        return;
      }
      b += size_t(r);
    }
  });
  if (err) fail("Failed to read " + label_ + ": " + std::strerror(err));
  if (short_read) fail("Failed to read " + label_ + ": the file shrank while it was read.");
}

std::string Source::read_string(uint64_t offset, size_t n) const {
  if (offset > size_ || n > size_ - offset) read(nullptr, n, offset);  // throws the usual error
  std::string s(n, '\0');
  read(s.data(), n, offset);
  return s;
}

// ---- Parts and writing -----------------------------------------------------------------

void Parts::add(std::string bytes) {
  if (bytes.empty()) return;
  owned_.push_back(std::move(bytes));
  pieces_.emplace_back(owned_.back().data(), owned_.back().size());
  size_ += owned_.back().size();
}

void Parts::add_view(const char* data, size_t n) {
  if (n == 0) return;
  pieces_.emplace_back(data, n);
  size_ += n;
}

void Parts::copy_to(char* dst) const {
  for (auto& piece : pieces_) {
    const char* p = piece.first;  // not a structured binding: clang 14 cannot capture those
    size_t n = piece.second;
    cpu::parallel_for(n, kParallelBytes / 2, [&](size_t b, size_t e) { std::memcpy(dst + b, p + b, e - b); });
    dst += n;
  }
}

void write_file(const std::string& path, const Parts& parts, const char* fn) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) fail_in(fn, "Failed to open " + path + " for writing: " + errno_text());
  std::vector<iovec> iov;
  iov.reserve(parts.pieces().size());
  for (auto& [p, n] : parts.pieces()) iov.push_back({const_cast<char*>(p), n});
  size_t i = 0;
  while (i < iov.size()) {
    int count = int(std::min(iov.size() - i, size_t(IOV_MAX)));
    ssize_t w = ::writev(fd, iov.data() + i, count);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      std::string why = w < 0 ? errno_text() : "nothing written";
      ::close(fd);
      ::unlink(path.c_str());  // no half-written file left behind
      fail_in(fn, "Failed to write " + path + ": " + why);
    }
    // Skip the pieces written in full, then advance into a partly written one.
    size_t done = size_t(w);
    while (i < iov.size() && done >= iov[i].iov_len) done -= iov[i++].iov_len;
    if (done) {
      iov[i].iov_base = static_cast<char*>(iov[i].iov_base) + done;
      iov[i].iov_len -= done;
    }
  }
  if (::close(fd) != 0) {
    std::string why = errno_text();
    ::unlink(path.c_str());
    fail_in(fn, "Failed to write " + path + ": " + why);
  }
}

// ---- CRC-32 ----------------------------------------------------------------------------

uint32_t crc32_of(const char* data, size_t n, uint32_t crc) {
  if (n == 0) return crc;  // zlib answers 0 for a null buffer, whatever crc was
  auto piece = [](uLong c, const char* p, size_t len) {
    return crc32_z(c, reinterpret_cast<const Bytef*>(p), len);
  };
  if (n < kParallelBytes || cpu::num_threads() == 1) return uint32_t(piece(crc, data, n));
  size_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<uLong> part(chunks);
  cpu::parallel_for(chunks, 1, [&](size_t b, size_t e) {
    for (size_t c = b; c < e; ++c) {
      size_t len = std::min(kChunk, n - c * kChunk);
      part[c] = piece(0, data + c * kChunk, len);
    }
  });
  uLong out = crc;
  for (size_t c = 0; c < chunks; ++c)
    out = crc32_combine(out, part[c], z_off_t(std::min(kChunk, n - c * kChunk)));
  return uint32_t(out);
}

// ---- arrays ----------------------------------------------------------------------------

array new_array(Shape shape, Dtype dtype) {
  array a(std::move(shape), dtype, nullptr, {});
  a.set_data(allocator::malloc(a.nbytes()));
  a.set_status(array::Status::available);
  return a;
}

array row_major(array a) {
  a.eval();
  if (a.flags().row_contiguous && a.data_size() == a.size()) return a;
  array c = full(a.shape(), a, Device(Device::cpu));  // materialises a view in row order
  c.eval();
  return c;
}

Shape checked_shape(const std::vector<uint64_t>& dims, const std::string& what) {
  Shape shape;
  shape.reserve(dims.size());
  uint64_t n = 1;
  for (uint64_t d : dims) {
    if (d > uint64_t(INT32_MAX))
      fail("Dimension " + std::to_string(d) + " of " + what + " is too large.");
    if (d != 0 && n > (uint64_t(1) << 53) / d) fail("The shape of " + what + " is too large.");
    n *= d;
    shape.push_back(int32_t(d));
  }
  return shape;
}

uint64_t checked_nbytes(const Shape& shape, Dtype dtype) {
  uint64_t n = 1;
  for (auto d : shape) n *= uint64_t(d);  // checked_shape bounded it by 2^53
  return n * uint64_t(dtype.size());
}

void normalize_bools(array& a) {
  if (a.dtype() != bool_) return;
  auto* p = a.data<uint8_t>();
  size_t n = a.nbytes();
  cpu::parallel_for(n, kParallelBytes, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) p[i] = p[i] != 0;
  });
}

}  // namespace mlx::core::io
