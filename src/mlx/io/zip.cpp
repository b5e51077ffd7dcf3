// .npz files: zip archives of .npy files, stored or deflated (zlib), zip64 where sizes or
// offsets need it. The reader trusts only the central directory, checks every offset against
// the file, rejects overlapping entries (so no entry is read twice) and checks each CRC.
#include <zlib.h>

#include <algorithm>
#include <ctime>
#include <unordered_set>

#include "mlx/backend/cpu/parallel.h"
#include "mlx/io/io_impl.h"

namespace mlx::core {

namespace io {

namespace {

constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kEnd64Sig = 0x06064b50;
constexpr uint32_t kLocator64Sig = 0x07064b50;
constexpr uint32_t k32 = 0xFFFFFFFFu;
// Deflate expands at most 1032:1; a larger claim is a corrupt or hostile entry.
constexpr uint64_t kMaxRatio = 1032;

uint64_t g_zip64_limit = k32;

struct Entry {
  std::string name;
  uint16_t flags = 0, method = 0;
  uint32_t crc = 0;
  uint64_t csize = 0, usize = 0, local = 0;
  uint64_t data = 0;  // where the entry's bytes start (after the local header)
};

// Reads the central directory, checking each record against the file.
std::vector<Entry> read_directory(const Source& src) {
  const std::string& label = src.label();
  uint64_t size = src.size();
  if (size < 22) fail("Invalid .npz file " + label + ": too short for a zip archive.");
  // The end record sits in the last 22 + 65535 (comment) bytes; take the last one found.
  uint64_t tail_len = std::min<uint64_t>(size, 22 + 65535);
  std::string tail = src.read_string(size - tail_len, tail_len);
  int64_t at = -1;
  for (int64_t i = int64_t(tail_len) - 22; i >= 0; --i) {
    if (le32(&tail[i]) == kEndSig && uint64_t(i) + 22 + le16(&tail[i + 20]) <= tail_len) {
      at = i;
      break;
    }
  }
  if (at < 0) fail("Invalid .npz file " + label + ": no zip end-of-central-directory record.");
  const char* e = &tail[at];
  uint64_t end_pos = size - tail_len + uint64_t(at);
  if (le16(e + 4) != 0 || le16(e + 6) != 0) fail("Multi-disk zip archives are not supported (" + label + ").");
  uint64_t count = le16(e + 10), cd_size = le32(e + 12), cd_off = le32(e + 16);
  if (count == 0xFFFF || cd_size == k32 || cd_off == k32) {
    // zip64: the locator just before the end record points at the zip64 end record.
    if (end_pos < 20) fail("Invalid .npz file " + label + ": missing zip64 locator.");
    unsigned char loc[20];
    src.read(loc, 20, end_pos - 20);
    if (le32(loc) != kLocator64Sig) fail("Invalid .npz file " + label + ": missing zip64 locator.");
    uint64_t rec = le64(loc + 8);
    unsigned char r[56];
    src.read(r, 56, rec);
    if (le32(r) != kEnd64Sig) fail("Invalid .npz file " + label + ": bad zip64 end record.");
    count = le64(r + 32);
    cd_size = le64(r + 40);
    cd_off = le64(r + 48);
  }
  if (cd_off > size || cd_size > size - cd_off)
    fail("Invalid .npz file " + label + ": the central directory lies outside the file.");
  if (count > cd_size / 46) fail("Invalid .npz file " + label + ": bad entry count.");
  std::string cd = src.read_string(cd_off, size_t(cd_size));
  std::vector<Entry> out;
  out.reserve(size_t(count));
  size_t p = 0;
  for (uint64_t k = 0; k < count; ++k) {
    if (cd.size() - p < 46 || le32(&cd[p]) != kCentralSig)
      fail("Invalid .npz file " + label + ": corrupt central directory.");
    Entry en;
    en.flags = le16(&cd[p + 8]);
    en.method = le16(&cd[p + 10]);
    en.crc = le32(&cd[p + 16]);
    en.csize = le32(&cd[p + 20]);
    en.usize = le32(&cd[p + 24]);
    size_t nlen = le16(&cd[p + 28]), xlen = le16(&cd[p + 30]), clen = le16(&cd[p + 32]);
    en.local = le32(&cd[p + 42]);
    if (cd.size() - p - 46 < nlen + xlen + clen)
      fail("Invalid .npz file " + label + ": corrupt central directory.");
    en.name = cd.substr(p + 46, nlen);
    // zip64 extra field: the fields whose 32-bit slot is 0xFFFFFFFF, in this order.
    size_t x = p + 46 + nlen, xend = x + xlen;
    while (xend - x >= 4) {
      uint16_t id = le16(&cd[x]), len = le16(&cd[x + 2]);
      if (xend - x - 4 < len) break;
      if (id == 1) {
        size_t q = x + 4, qend = q + len;
        auto next = [&](uint64_t& v) {
          if (v != k32) return;
          if (qend - q < 8) fail("Invalid .npz file " + label + ": short zip64 field.");
          v = le64(&cd[q]);
          q += 8;
        };
        next(en.usize);
        next(en.csize);
        next(en.local);
      }
      x += 4 + len;
    }
    p += 46 + nlen + xlen + clen;
    out.push_back(std::move(en));
  }
  // Each entry's local header and data, checked, and no two entries sharing bytes.
  for (auto& en : out) {
    const std::string what = "entry '" + en.name + "' of " + label;
    if (en.flags & 1) fail("Encrypted zip entries are not supported (" + what + ").");
    if (en.method != 0 && en.method != 8)
      fail("Unsupported zip compression method " + std::to_string(en.method) + " (" + what + ").");
    unsigned char lh[30];
    src.read(lh, 30, en.local);
    if (le32(lh) != kLocalSig) fail("Invalid .npz file: bad local header for " + what + ".");
    uint64_t nlen = le16(lh + 26), xlen = le16(lh + 28);
    if (src.read_string(en.local + 30, size_t(nlen)) != en.name)
      fail("Invalid .npz file: the names of " + what + " differ between its headers.");
    en.data = en.local + 30 + nlen + xlen;
    if (en.data > size || en.csize > size - en.data)
      fail("Unexpected end of file: the data of " + what + " runs past the end (truncated?).");
    if (en.method == 0 && en.csize != en.usize)
      fail("Invalid .npz file: stored " + what + " has different sizes.");
    if (en.method == 8 && en.usize > en.csize * kMaxRatio + 1024)
      fail("Invalid .npz file: " + what + " claims an impossible uncompressed size.");
  }
  std::vector<const Entry*> order;
  for (auto& en : out) order.push_back(&en);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->local < b->local; });
  for (size_t i = 1; i < order.size(); ++i)
    if (order[i]->local < order[i - 1]->data + order[i - 1]->csize)
      fail("Invalid .npz file " + label + ": entries '" + order[i - 1]->name + "' and '" +
           order[i]->name + "' overlap.");
  return out;
}

// A stored entry: the bytes as they are, CRC checked after reading.
class StoredStream : public InStream {
 public:
  StoredStream(const Source& src, const Entry& en) : src_(src), pos_(en.data), end_(en.data + en.usize) {}
  void read(void* dst, size_t n) override {
    if (n > end_ - pos_) fail("Unexpected end of a zip entry (truncated .npy data).");
    src_.read(dst, n, pos_);
    crc_ = crc32_of(static_cast<const char*>(dst), n, crc_);
    pos_ += n;
  }
  uint64_t remaining() const override { return end_ - pos_; }
  uint32_t crc() const { return crc_; }

 private:
  const Source& src_;
  uint64_t pos_, end_;
  uint32_t crc_ = 0;
};

// A deflated entry, inflated straight into the caller's buffer.
class InflateStream : public InStream {
 public:
  InflateStream(const Source& src, const Entry& en, const std::string& what)
      : src_(src), in_pos_(en.data), in_end_(en.data + en.csize), left_(en.usize), what_(what) {
    std::memset(&zs_, 0, sizeof(zs_));
    if (inflateInit2(&zs_, -MAX_WBITS) != Z_OK) fail("zlib could not start inflating " + what);
    buf_.resize(size_t(std::min<uint64_t>(en.csize, uint64_t(1) << 20)) + 1);
  }
  ~InflateStream() override { inflateEnd(&zs_); }

  void read(void* dst, size_t n) override {
    if (n > left_) fail("Unexpected end of " + what_ + " (truncated .npy data).");
    char* out = static_cast<char*>(dst);
    size_t done = 0;
    while (done < n) {
      if (zs_.avail_in == 0 && in_pos_ < in_end_) {
        size_t m = size_t(std::min<uint64_t>(buf_.size(), in_end_ - in_pos_));
        src_.read(buf_.data(), m, in_pos_);
        in_pos_ += m;
        zs_.next_in = reinterpret_cast<Bytef*>(buf_.data());
        zs_.avail_in = uInt(m);
      }
      if (ended_) fail("Corrupt deflate data in " + what_ + ": it ends early.");
      size_t want = std::min<size_t>(n - done, size_t(1) << 30);
      zs_.next_out = reinterpret_cast<Bytef*>(out + done);
      zs_.avail_out = uInt(want);
      uInt in_before = zs_.avail_in;
      int r = inflate(&zs_, Z_NO_FLUSH);
      size_t got = want - zs_.avail_out;
      crc_ = uint32_t(crc32_z(crc_, reinterpret_cast<const Bytef*>(out + done), got));
      done += got;
      if (r == Z_STREAM_END) {
        ended_ = true;
      } else if (r != Z_OK && r != Z_BUF_ERROR) {
        fail("Corrupt deflate data in " + what_ + (zs_.msg ? std::string(": ") + zs_.msg : "") + ".");
      } else if (got == 0 && zs_.avail_in == in_before) {
        // No progress: the input ran out (input is refilled before each call).
        fail("Corrupt deflate data in " + what_ + ": it ends early.");
      }
    }
    left_ -= n;
  }
  uint64_t remaining() const override { return left_; }
  bool ended() const { return ended_; }
  uint32_t crc() const { return crc_; }
  // The stream must end exactly after the declared bytes.
  void finish() {
    if (!ended_) {
      char c;
      zs_.next_out = reinterpret_cast<Bytef*>(&c);
      zs_.avail_out = 1;
      if (zs_.avail_in == 0 && in_pos_ < in_end_) {
        size_t m = size_t(std::min<uint64_t>(buf_.size(), in_end_ - in_pos_));
        src_.read(buf_.data(), m, in_pos_);
        in_pos_ += m;
        zs_.next_in = reinterpret_cast<Bytef*>(buf_.data());
        zs_.avail_in = uInt(m);
      }
      int r = inflate(&zs_, Z_NO_FLUSH);
      if (r != Z_STREAM_END || zs_.avail_out == 0)
        fail("Corrupt deflate data in " + what_ + ": more data than its declared size.");
    }
  }

 private:
  const Source& src_;
  z_stream zs_;
  uint64_t in_pos_, in_end_, left_;
  std::string what_;
  std::vector<char> buf_;
  bool ended_ = false;
  uint32_t crc_ = 0;
};

// Drains what the .npy did not use (numpy never leaves any), so the CRC covers the entry.
void drain(InStream& in) {
  std::vector<char> scratch(size_t(std::min<uint64_t>(in.remaining(), uint64_t(1) << 20)));
  while (in.remaining() > 0) in.read(scratch.data(), size_t(std::min<uint64_t>(in.remaining(), scratch.size())));
}

uint16_t dos_time(const std::tm& t) { return uint16_t((t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec / 2)); }
uint16_t dos_date(const std::tm& t) {
  int year = std::max(t.tm_year + 1900, 1980);
  return uint16_t(((year - 1980) << 9) | ((t.tm_mon + 1) << 5) | t.tm_mday);
}

// Raw deflate of the segments into out[0, cap), ending with `flush` (Z_SYNC_FLUSH leaves the
// stream open on a byte boundary, so pieces compressed apart concatenate into one stream, as
// pigz does). Returns the bytes written, or -1 (never throws: it runs on pool threads).
int64_t deflate_into(const std::vector<std::pair<const char*, size_t>>& segs, int flush, char* out, size_t cap) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
  zs.next_out = reinterpret_cast<Bytef*>(out);
  zs.avail_out = uInt(cap);
  bool ok = true;
  for (size_t k = 0; k < segs.size() && ok; ++k) {
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(segs[k].first));
    zs.avail_in = uInt(segs[k].second);
    int f = k + 1 == segs.size() ? flush : Z_NO_FLUSH;
    int r = deflate(&zs, f);
    ok = zs.avail_in == 0 && (f == Z_FINISH ? r == Z_STREAM_END : r == Z_OK || r == Z_BUF_ERROR);
  }
  int64_t used = ok ? int64_t(cap - zs.avail_out) : -1;
  deflateEnd(&zs);
  return used;
}

// The .npy bytes (prefix, then the array's data) deflated in 4 MiB pieces over the cores.
std::string deflate_bytes(const std::string& prefix, const array& a, const char* fn) {
  constexpr size_t kPiece = size_t(4) << 20;
  const char* data = a.data<char>();
  size_t n = a.nbytes();
  size_t pieces = n == 0 ? 1 : (n + kPiece - 1) / kPiece;
  std::vector<std::vector<std::pair<const char*, size_t>>> segs(pieces);
  std::vector<std::string> outs(pieces);
  for (size_t i = 0; i < pieces; ++i) {
    size_t off = i * kPiece, len = std::min(kPiece, n - off);
    if (i == 0) segs[i].emplace_back(prefix.data(), prefix.size());
    segs[i].emplace_back(data + off, len);
    size_t in = len + (i == 0 ? prefix.size() : 0);
    outs[i].resize(size_t(compressBound(uLong(in))) + 64);  // allocated here, not on the pool
  }
  std::vector<int64_t> used(pieces, -1);
  cpu::parallel_for(pieces, 1, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i)
      used[i] = deflate_into(segs[i], i + 1 == pieces ? Z_FINISH : Z_SYNC_FLUSH, outs[i].data(), outs[i].size());
  });
  size_t total = 0;
  for (auto u : used) {
    if (u < 0) fail_in(fn, "zlib failed while compressing.");
    total += size_t(u);
  }
  std::string out;
  out.reserve(total);
  for (size_t i = 0; i < pieces; ++i) out.append(outs[i].data(), size_t(used[i]));
  return out;
}

}  // namespace

void set_zip64_limit(uint64_t limit) { g_zip64_limit = limit; }

}  // namespace io

NamedArrays load_npz(const io::Source& src, StreamOrDevice s) {
  auto entries = io::read_directory(src);
  NamedArrays out;
  std::unordered_set<std::string> names;
  for (auto& en : entries) {
    std::string key = en.name;
    if (key.size() > 4 && key.compare(key.size() - 4, 4, ".npy") == 0) key.resize(key.size() - 4);
    if (!names.insert(key).second) io::fail("Duplicate entry '" + key + "' in " + src.label() + ".");
    const std::string what = "entry '" + en.name + "' of " + src.label();
    array a = array::empty();
    uint32_t crc;
    if (en.method == 0) {
      io::StoredStream in(src, en);
      a = io::read_npy(in, what, s);
      io::drain(in);
      crc = in.crc();
    } else {
      io::InflateStream in(src, en, what);
      a = io::read_npy(in, what, s);
      io::drain(in);
      in.finish();
      crc = in.crc();
    }
    if (crc != en.crc) io::fail("CRC mismatch in " + what + ": the file is corrupt.");
    out.emplace_back(std::move(key), std::move(a));
  }
  return out;
}

io::Parts npz_bytes(const NamedArrays& arrays, bool compressed) {
  const char* fn = compressed ? "savez_compressed" : "savez";
  struct Item {
    std::string name, prefix, deflated;
    array a = array::empty();
    uint32_t crc = 0;
    uint64_t usize = 0, csize = 0;
  };
  std::vector<Item> items(arrays.size());
  for (size_t i = 0; i < arrays.size(); ++i) {
    bool fortran = false;
    items[i].name = arrays[i].first + ".npy";
    items[i].a = io::npy_layout(arrays[i].second, fortran);
    items[i].prefix = io::npy_prefix(items[i].a, fortran);
    items[i].usize = items[i].prefix.size() + items[i].a.nbytes();
  }
  // CRCs and deflate split each entry over the cores.
  for (auto& it : items) {
    it.crc = io::crc32_of(it.prefix.data(), it.prefix.size());
    it.crc = io::crc32_of(it.a.data<char>(), it.a.nbytes(), it.crc);
    if (compressed) it.deflated = io::deflate_bytes(it.prefix, it.a, fn);
    it.csize = compressed ? it.deflated.size() : it.usize;
  }

  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  uint16_t dtime = io::dos_time(tm), ddate = io::dos_date(tm);
  const uint64_t lim = io::g_zip64_limit;
  uint16_t method = compressed ? 8 : 0;

  io::Parts parts;
  std::string central;
  for (auto& it : items) {
    uint64_t offset = parts.size();
    bool big = it.usize >= lim || it.csize >= lim;
    bool far = offset >= lim;
    uint16_t flags = 0;
    for (unsigned char c : it.name)
      if (c >= 0x80) flags |= 0x800;  // UTF-8 names
    uint16_t need = (big || far) ? 45 : 20;
    std::string lh;
    io::put32(lh, io::kLocalSig);
    io::put16(lh, need);
    io::put16(lh, flags);
    io::put16(lh, method);
    io::put16(lh, dtime);
    io::put16(lh, ddate);
    io::put32(lh, it.crc);
    io::put32(lh, big ? io::k32 : uint32_t(it.csize));
    io::put32(lh, big ? io::k32 : uint32_t(it.usize));
    io::put16(lh, uint16_t(it.name.size()));
    io::put16(lh, big ? 20 : 0);
    lh += it.name;
    if (big) {
      io::put16(lh, 1);
      io::put16(lh, 16);
      io::put64(lh, it.usize);
      io::put64(lh, it.csize);
    }
    parts.add(std::move(lh));
    if (compressed) {
      parts.add(std::move(it.deflated));
    } else {
      parts.add(std::move(it.prefix));
      parts.add_view(it.a.data<char>(), it.a.nbytes());
      parts.keep(it.a);
    }
    std::string x;  // the central record's zip64 field
    if (big) {
      io::put64(x, it.usize);
      io::put64(x, it.csize);
    }
    if (far) io::put64(x, offset);
    io::put32(central, io::kCentralSig);
    io::put16(central, uint16_t(3 << 8 | 45));  // made by: Unix, zip 4.5
    io::put16(central, need);
    io::put16(central, flags);
    io::put16(central, method);
    io::put16(central, dtime);
    io::put16(central, ddate);
    io::put32(central, it.crc);
    io::put32(central, big ? io::k32 : uint32_t(it.csize));
    io::put32(central, big ? io::k32 : uint32_t(it.usize));
    io::put16(central, uint16_t(it.name.size()));
    io::put16(central, uint16_t(x.empty() ? 0 : x.size() + 4));
    io::put16(central, 0);  // comment
    io::put16(central, 0);  // disk
    io::put16(central, 0);  // internal attributes
    io::put32(central, uint32_t(0100644) << 16);  // a regular file, rw-r--r--
    io::put32(central, far ? io::k32 : uint32_t(offset));
    central += it.name;
    if (!x.empty()) {
      io::put16(central, 1);
      io::put16(central, uint16_t(x.size()));
      central += x;
    }
  }
  uint64_t cd_off = parts.size(), cd_size = central.size(), count = items.size();
  parts.add(std::move(central));
  std::string end;
  bool z64 = count >= 0xFFFF || cd_off >= lim || cd_size >= lim;
  if (z64) {
    uint64_t rec = parts.size();
    io::put32(end, io::kEnd64Sig);
    io::put64(end, 44);  // size of the rest of this record
    io::put16(end, uint16_t(3 << 8 | 45));
    io::put16(end, 45);
    io::put32(end, 0);
    io::put32(end, 0);
    io::put64(end, count);
    io::put64(end, count);
    io::put64(end, cd_size);
    io::put64(end, cd_off);
    io::put32(end, io::kLocator64Sig);
    io::put32(end, 0);
    io::put64(end, rec);
    io::put32(end, 1);
  }
  io::put32(end, io::kEndSig);
  io::put16(end, 0);
  io::put16(end, 0);
  io::put16(end, z64 ? 0xFFFF : uint16_t(count));
  io::put16(end, z64 ? 0xFFFF : uint16_t(count));
  io::put32(end, z64 ? io::k32 : uint32_t(cd_size));
  io::put32(end, z64 ? io::k32 : uint32_t(cd_off));
  io::put16(end, 0);
  parts.add(std::move(end));
  return parts;
}

void savez(std::string file, const NamedArrays& arrays, bool compressed) {
  if (file.size() < 4 || file.compare(file.size() - 4, 4, ".npz") != 0) file += ".npz";
  const char* fn = compressed ? "savez_compressed" : "savez";
  io::write_file(file, npz_bytes(arrays, compressed), fn);
}

}  // namespace mlx::core
