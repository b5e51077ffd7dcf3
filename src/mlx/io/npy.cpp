// .npy files (numpy's NEP 1 format, versions 1.0, 2.0 and 3.0).
#include <algorithm>

#include "mlx/backend/cpu/parallel.h"
#include "mlx/io/io_impl.h"

namespace mlx::core {

namespace io {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr uint32_t kMaxHeader = uint32_t(1) << 20;  // numpy writes a few hundred bytes
constexpr size_t kAlign = 64;                        // numpy's ARRAY_ALIGN

// descr ('<f4') of a dtype. bfloat16 is written as MLX writes it: a 2-byte void ('<V2').
std::string descr_of(Dtype t) {
  if (t == bool_) return "|b1";
  if (t == int8) return "|i1";
  if (t == uint8) return "|u1";
  std::string kind(1, char(kindof(t)));
  return "<" + kind + std::to_string(t.size());
}

struct Descr {
  Dtype dtype;
  bool big_endian = false;
};

Descr parse_descr(const std::string& d, const std::string& label) {
  auto bad = [&](const std::string& why) -> Descr {
    fail("Unsupported dtype '" + d + "' in " + label + why);
  };
  if (d.size() < 2) return bad(".");
  size_t i = 0;
  bool big = false;
  if (d[0] == '<' || d[0] == '>' || d[0] == '|' || d[0] == '=') {
    big = d[0] == '>';
    i = 1;
  }
  std::string t = d.substr(i);
  static const std::pair<const char*, Dtype> table[] = {
      {"b1", bool_},   {"i1", int8},    {"i2", int16},   {"i4", int32},   {"i8", int64},
      {"u1", uint8},   {"u2", uint16},  {"u4", uint32},  {"u8", uint64},  {"f2", float16},
      {"f4", float32}, {"f8", float64}, {"c8", complex64}, {"V2", bfloat16},
  };
  for (auto& [name, dt] : table)
    if (t == name) return {dt, big && dt.size() > 1};
  if (t == "c16") return bad(": complex128 is not an MLX dtype.");
  if (t == "f16" || t == "f12") return bad(": long double is not an MLX dtype.");
  return bad(".");
}

// The header dict, a Python literal: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
struct Header {
  std::string descr;
  bool fortran = false;
  std::vector<uint64_t> shape;
};

class HeaderParser {
 public:
  HeaderParser(const std::string& t, const std::string& label) : t_(t), label_(label) {}

  Header parse() {
    Header h;
    bool seen[3] = {false, false, false};
    ws();
    expect('{');
    while (true) {
      ws();
      if (eat('}')) break;
      std::string key = str();
      ws();
      expect(':');
      ws();
      if (key == "descr" && !seen[0]) {
        h.descr = str();
        seen[0] = true;
      } else if (key == "fortran_order" && !seen[1]) {
        h.fortran = boolean();
        seen[1] = true;
      } else if (key == "shape" && !seen[2]) {
        h.shape = tuple();
        seen[2] = true;
      } else {
        error("unexpected or repeated key '" + key + "'");
      }
      ws();
      if (eat('}')) break;
      expect(',');
    }
    ws();
    if (i_ != t_.size()) error("unexpected text after the header dict");
    if (!seen[0] || !seen[1] || !seen[2]) error("it needs the keys 'descr', 'fortran_order' and 'shape'");
    return h;
  }

 private:
  [[noreturn]] void error(const std::string& what) {
    fail("Invalid .npy header in " + label_ + ": " + what + ".");
  }
  void ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
  }
  bool eat(char c) {
    if (i_ < t_.size() && t_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) error(std::string("expected '") + c + "'");
  }
  std::string str() {
    if (i_ >= t_.size() || (t_[i_] != '\'' && t_[i_] != '"')) error("expected a string");
    char q = t_[i_++];
    size_t st = i_;
    while (i_ < t_.size() && t_[i_] != q) {
      if (t_[i_] == '\\' || uint8_t(t_[i_]) < 0x20) error("unsupported character in a string");
      ++i_;
    }
    if (i_ >= t_.size()) error("unterminated string");
    return t_.substr(st, i_++ - st);
  }
  bool boolean() {
    if (t_.compare(i_, 4, "True") == 0) {
      i_ += 4;
      return true;
    }
    if (t_.compare(i_, 5, "False") == 0) {
      i_ += 5;
      return false;
    }
    error("'fortran_order' must be True or False");
  }
  uint64_t integer() {
    if (i_ < t_.size() && t_[i_] == '-') error("negative dimension");
    size_t st = i_;
    uint64_t v = 0;
    while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') {
      v = v * 10 + uint64_t(t_[i_++] - '0');
      if (v > uint64_t(INT32_MAX)) error("dimension too large");
    }
    if (i_ == st) error("expected an integer dimension");
    eat('L');  // Python 2 longs, in files numpy wrote under Python 2
    return v;
  }
  std::vector<uint64_t> tuple() {
    std::vector<uint64_t> out;
    expect('(');
    ws();
    bool comma = false;
    while (!eat(')')) {
      out.push_back(integer());
      ws();
      comma = eat(',');
      ws();
      if (!comma && !eat(')')) error("expected ',' or ')' in the shape");
      if (!comma) break;
    }
    if (out.size() == 1 && !comma) error("the shape must be a tuple");
    return out;
  }

  const std::string& t_;
  const std::string& label_;
  size_t i_ = 0;
};

void byteswap(array& a, size_t unit) {
  size_t n = a.nbytes() / unit;
  char* p = a.data<char>();
  cpu::parallel_for(n, size_t(1) << 20, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) std::reverse(p + i * unit, p + (i + 1) * unit);
  });
}

}  // namespace

array read_npy(InStream& in, const std::string& label, StreamOrDevice s) {
  if (in.remaining() < 10) fail("Invalid .npy file " + label + ": too short.");
  unsigned char pre[8];
  in.read(pre, 8);
  if (std::memcmp(pre, kMagic, 6) != 0) fail("Invalid .npy file " + label + ": bad magic string.");
  int major = pre[6], minor = pre[7];
  if (major < 1 || major > 3 || minor != 0)
    fail("Unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
         " in " + label + ".");
  uint32_t hlen;
  if (major == 1) {
    unsigned char b[2];
    in.read(b, 2);
    hlen = le16(b);
  } else {
    unsigned char b[4];
    in.read(b, 4);
    hlen = le32(b);
  }
  if (hlen > kMaxHeader) fail("The .npy header of " + label + " is too long (" + std::to_string(hlen) + " bytes).");
  if (hlen > in.remaining()) fail("Unexpected end of file in " + label + " (truncated .npy header).");
  std::string text(hlen, '\0');
  in.read(text.data(), hlen);
  Header h = HeaderParser(text, label).parse();
  Descr d = parse_descr(h.descr, label);

  std::vector<uint64_t> dims = h.shape;
  if (h.fortran) std::reverse(dims.begin(), dims.end());
  Shape shape = checked_shape(dims, label);
  uint64_t nbytes = checked_nbytes(shape, d.dtype);
  if (nbytes > in.remaining())
    fail("Unexpected end of file in " + label + ": the array needs " + std::to_string(nbytes) +
         " bytes of data, " + std::to_string(in.remaining()) + " are left (truncated?).");
  array a = new_array(std::move(shape), d.dtype);
  in.read(a.data<char>(), nbytes);
  if (d.big_endian) byteswap(a, d.dtype == complex64 ? 4 : size_t(d.dtype.size()));
  normalize_bools(a);
  if (h.fortran && a.ndim() > 1) return transpose(a, s);
  return a;
}

array npy_layout(array a, bool& fortran) {
  a.eval();
  fortran = false;
  if (a.flags().row_contiguous && a.data_size() == a.size()) return a;
  if (a.flags().col_contiguous && a.data_size() == a.size()) {
    fortran = true;
    return a;
  }
  return row_major(a);
}

std::string npy_prefix(const array& a, bool fortran) {
  std::string dict = "{'descr': '" + descr_of(a.dtype()) + "', 'fortran_order': " +
      (fortran ? "True" : "False") + ", 'shape': (";
  for (int i = 0; i < a.ndim(); ++i) {
    dict += std::to_string(a.shape(i));
    if (a.ndim() == 1 || i + 1 < a.ndim()) dict += a.ndim() == 1 ? "," : ", ";
  }
  dict += "), }";
  // Spaces and a newline pad the whole prefix to a multiple of 64 bytes, as numpy does.
  auto padded = [&](size_t len_bytes) {
    size_t used = 8 + len_bytes + dict.size() + 1;
    return dict.size() + (kAlign - used % kAlign) % kAlign + 1;
  };
  size_t h1 = padded(2);
  bool v1 = h1 <= 65535;
  size_t hlen = v1 ? h1 : padded(4);
  std::string out(kMagic, 6);
  out += char(v1 ? 1 : 2);
  out += char(0);
  if (v1) put16(out, uint16_t(hlen));
  else put32(out, uint32_t(hlen));
  out += dict;
  out.append(hlen - dict.size() - 1, ' ');
  out += '\n';
  return out;
}

}  // namespace io

array load_npy(const io::Source& src, StreamOrDevice s) {
  io::SourceStream in(src);
  return io::read_npy(in, src.label(), s);
}

io::Parts npy_bytes(const array& arr, const char* fn) {
  bool fortran = false;
  array a = io::npy_layout(arr, fortran);
  io::Parts parts;
  parts.add(io::npy_prefix(a, fortran));
  parts.add_view(a.data<char>(), a.nbytes());
  parts.keep(a);
  return parts;
}

void save(std::string file, const array& a) {
  if (file.size() < 4 || file.compare(file.size() - 4, 4, ".npy") != 0) file += ".npy";
  io::write_file(file, npy_bytes(a, "save"), "save");
}

}  // namespace mlx::core
