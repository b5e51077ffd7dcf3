// .gguf files (GGUF versions 2 and 3, little-endian): metadata key/values, tensor infos, then
// the tensor data, aligned to general.alignment (32 by default). Dimensions are stored
// fastest-first (GGML order): an MLX shape is their reverse.
#include <algorithm>
#include <unordered_set>

#include "mlx/backend/cpu/parallel.h"
#include "mlx/io/io_impl.h"

namespace mlx::core {

namespace io {

namespace {

constexpr uint64_t kMaxKeys = uint64_t(1) << 16;
constexpr uint64_t kMaxTensors = uint64_t(1) << 20;

enum ValueType : uint32_t {
  V_UINT8 = 0, V_INT8 = 1, V_UINT16 = 2, V_INT16 = 3, V_UINT32 = 4, V_INT32 = 5, V_FLOAT32 = 6,
  V_BOOL = 7, V_STRING = 8, V_ARRAY = 9, V_UINT64 = 10, V_INT64 = 11, V_FLOAT64 = 12,
};

// The dtype of a numeric value type (false for string/array/unknown).
bool value_dtype(uint32_t t, Dtype& out) {
  switch (t) {
    case V_UINT8: out = uint8; return true;
    case V_INT8: out = int8; return true;
    case V_UINT16: out = uint16; return true;
    case V_INT16: out = int16; return true;
    case V_UINT32: out = uint32; return true;
    case V_INT32: out = int32; return true;
    case V_FLOAT32: out = float32; return true;
    case V_BOOL: out = bool_; return true;
    case V_UINT64: out = uint64; return true;
    case V_INT64: out = int64; return true;
    case V_FLOAT64: out = float64; return true;
    default: return false;
  }
}

bool dtype_value(Dtype d, uint32_t& out) {
  switch (d.val) {
    case Dtype::Val::bool_: out = V_BOOL; return true;
    case Dtype::Val::uint8: out = V_UINT8; return true;
    case Dtype::Val::int8: out = V_INT8; return true;
    case Dtype::Val::uint16: out = V_UINT16; return true;
    case Dtype::Val::int16: out = V_INT16; return true;
    case Dtype::Val::uint32: out = V_UINT32; return true;
    case Dtype::Val::int32: out = V_INT32; return true;
    case Dtype::Val::float32: out = V_FLOAT32; return true;
    case Dtype::Val::uint64: out = V_UINT64; return true;
    case Dtype::Val::int64: out = V_INT64; return true;
    case Dtype::Val::float64: out = V_FLOAT64; return true;
    default: return false;
  }
}

// Tensor types: GGML's ids, block sizes, and how mlxjs loads them.
enum class Load : uint8_t { direct, q4_0, q4_1, q4_k, q8_0, q6_k };
struct TensorType {
  uint32_t id;
  const char* name;
  uint32_t items, bytes;  // per block
  Load load;
  Dtype dtype;  // direct: the array's dtype; q6_k: float16 (dequantized, as MLX does)
};
constexpr TensorType kTypes[] = {
    {0, "F32", 1, 4, Load::direct, float32},    {1, "F16", 1, 2, Load::direct, float16},
    {2, "Q4_0", 32, 18, Load::q4_0, uint32},    {3, "Q4_1", 32, 20, Load::q4_1, uint32},
    {8, "Q8_0", 32, 34, Load::q8_0, uint32},    {12, "Q4_K", 256, 144, Load::q4_k, uint32},
    {14, "Q6_K", 256, 210, Load::q6_k, float16}, {24, "I8", 1, 1, Load::direct, int8},
    {25, "I16", 1, 2, Load::direct, int16},     {26, "I32", 1, 4, Load::direct, int32},
    {27, "I64", 1, 8, Load::direct, int64},     {28, "F64", 1, 8, Load::direct, float64},
    {30, "BF16", 1, 2, Load::direct, bfloat16},
};
const TensorType* tensor_type(uint32_t id) {
  for (auto& t : kTypes)
    if (t.id == id) return &t;
  return nullptr;
}
bool tensor_type_of(Dtype d, uint32_t& out) {
  for (auto& t : kTypes)
    if (t.load == Load::direct && t.dtype == d) {
      out = t.id;
      return true;
    }
  return false;
}

// Reads the header region front to back through a buffer (GGUF headers hold whole
// vocabularies: many small strings).
class Cursor {
 public:
  Cursor(const Source& src) : src_(src) {}
  uint64_t pos() const { return pos_; }
  uint64_t left() const { return src_.size() - pos_; }
  const char* take(size_t n) {
    if (n > left()) fail("Unexpected end of file in the GGUF header of " + src_.label() + " (truncated?).");
    if (pos_ < start_ || pos_ + n > start_ + buf_.size()) {
      size_t want = size_t(std::min<uint64_t>(std::max<size_t>(n, size_t(1) << 20), left()));
      buf_.resize(want);
      src_.read(buf_.data(), want, pos_);
      start_ = pos_;
    }
    const char* p = buf_.data() + (pos_ - start_);
    pos_ += n;
    return p;
  }
  uint32_t u32() { return le32(take(4)); }
  uint64_t u64() { return le64(take(8)); }
  std::string str() {
    uint64_t n = u64();
    if (n > left()) fail("A string length in the GGUF header of " + src_.label() + " runs past the end of the file.");
    const char* p = take(size_t(n));
    return std::string(p, size_t(n));
  }

 private:
  const Source& src_;
  uint64_t pos_ = 0, start_ = 0;
  std::string buf_;
};

GGUFValue read_value(Cursor& c, uint32_t type, const std::string& key) {
  Dtype d;
  if (value_dtype(type, d)) {
    array a = new_array({}, d);
    std::memcpy(a.data<char>(), c.take(size_t(d.size())), size_t(d.size()));
    normalize_bools(a);
    return a;
  }
  if (type == V_STRING) return c.str();
  if (type != V_ARRAY) fail("Unknown GGUF value type " + std::to_string(type) + " for key '" + key + "'.");
  uint32_t et = c.u32();
  uint64_t n = c.u64();
  if (et == V_ARRAY) fail("Nested GGUF arrays are not supported (key '" + key + "').");
  if (et == V_STRING) {
    if (n > c.left() / 8) fail("The array of key '" + key + "' runs past the end of the file.");
    std::vector<std::string> out;
    out.reserve(size_t(n));
    for (uint64_t i = 0; i < n; ++i) out.push_back(c.str());
    return out;
  }
  if (!value_dtype(et, d)) fail("Unknown GGUF array element type " + std::to_string(et) + " for key '" + key + "'.");
  if (n > c.left() / uint64_t(d.size()) || n > uint64_t(INT32_MAX))
    fail("The array of key '" + key + "' runs past the end of the file.");
  array a = new_array({int32_t(n)}, d);
  size_t bytes = size_t(n) * size_t(d.size());
  // Large arrays go through in pieces: the cursor's buffer stays small.
  for (size_t done = 0; done < bytes;) {
    size_t m = std::min(bytes - done, size_t(1) << 20);
    std::memcpy(a.data<char>() + done, c.take(m), m);
    done += m;
  }
  normalize_bools(a);
  return a;
}

struct TensorInfo {
  std::string name;
  std::vector<uint64_t> dims;  // GGML order
  const TensorType* type;
  uint64_t offset, bytes;
};

float half(const uint8_t* p) { return float(float16_t::from_bits(le16(p))); }

// MLX's quantized layout: 32-element groups, elements packed low bits first into uint32
// words, w = scale * q + bias.
void unpack_q4_0(const uint8_t* blk, size_t nblk, uint8_t* w, float16_t* sc, float16_t* bi, bool has_min) {
  size_t stride = has_min ? 20 : 18, qoff = has_min ? 4 : 2;
  cpu::parallel_for(nblk, 4096, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      const uint8_t* p = blk + i * stride;
      const uint8_t* q = p + qoff;
      float d = half(p);
      sc[i] = float16_t::from_bits(le16(p));
      bi[i] = has_min ? float16_t::from_bits(le16(p + 2)) : float16_t(-8.f * d);
      // Elements 0..15 are the low nibbles of q, 16..31 the high nibbles.
      uint8_t* o = w + i * 16;
      for (int k = 0; k < 8; ++k) {
        o[k] = uint8_t((q[2 * k] & 0x0F) | ((q[2 * k + 1] & 0x0F) << 4));
        o[8 + k] = uint8_t((q[2 * k] >> 4) | (q[2 * k + 1] & 0xF0));
      }
    }
  });
}

void unpack_q8_0(const uint8_t* blk, size_t nblk, uint8_t* w, float16_t* sc, float16_t* bi) {
  cpu::parallel_for(nblk, 4096, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      const uint8_t* p = blk + i * 34;
      sc[i] = float16_t::from_bits(le16(p));
      bi[i] = float16_t(-128.f * half(p));
      // int8 q stored as the unsigned q + 128 (the sign bit flipped).
      for (int k = 0; k < 32; ++k) w[i * 32 + k] = uint8_t(p[2 + k] ^ 0x80);
    }
  });
}

// Q4_K: 256-element super-blocks of 8 groups, 6-bit group scales and mins.
void unpack_q4_k(const uint8_t* blk, size_t nsuper, uint8_t* w, float16_t* sc, float16_t* bi) {
  cpu::parallel_for(nsuper, 512, [&](size_t b, size_t e) {
    for (size_t g = b; g < e; ++g) {
      const uint8_t* p = blk + g * 144;
      float d = half(p), dmin = half(p + 2);
      const uint8_t* s = p + 4;
      for (int j = 0; j < 8; ++j) {
        uint8_t ds, ms;
        if (j < 4) {
          ds = s[j] & 63;
          ms = s[j + 4] & 63;
        } else {
          ds = uint8_t((s[j + 4] & 0x0F) | ((s[j - 4] >> 6) << 4));
          ms = uint8_t((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
        }
        sc[g * 8 + j] = float16_t(d * float(ds));
        bi[g * 8 + j] = float16_t(-(dmin * float(ms)));
      }
      // Each 32 bytes hold two groups: the low nibbles, then the high nibbles.
      const uint8_t* q = p + 16;
      uint8_t* o = w + g * 128;
      for (int pair = 0; pair < 4; ++pair, q += 32, o += 32) {
        for (int k = 0; k < 16; ++k) {
          o[k] = uint8_t((q[2 * k] & 0x0F) | ((q[2 * k + 1] & 0x0F) << 4));
          o[16 + k] = uint8_t((q[2 * k] >> 4) | (q[2 * k + 1] & 0xF0));
        }
      }
    }
  });
}

// Q6_K dequantized to float16 (as MLX does through gguflib): w = d * scale[group16] * (q - 32).
void dequant_q6_k(const uint8_t* blk, size_t nsuper, float16_t* out) {
  cpu::parallel_for(nsuper, 512, [&](size_t b, size_t e) {
    for (size_t g = b; g < e; ++g) {
      const uint8_t* p = blk + g * 210;
      const uint8_t* ql = p;
      const uint8_t* qh = p + 128;
      const int8_t* scales = reinterpret_cast<const int8_t*>(p + 192);
      float d = half(p + 208);
      float16_t* y = out + g * 256;
      for (int half128 = 0; half128 < 2; ++half128) {
        for (int l = 0; l < 32; ++l) {
          int is = l / 16;
          int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
          int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
          int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
          int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
          y[l] = float16_t(d * float(scales[is]) * float(q1));
          y[l + 32] = float16_t(d * float(scales[is + 2]) * float(q2));
          y[l + 64] = float16_t(d * float(scales[is + 4]) * float(q3));
          y[l + 96] = float16_t(d * float(scales[is + 6]) * float(q4));
        }
        y += 128;
        ql += 64;
        qh += 32;
        scales += 8;
      }
    }
  });
}

}  // namespace

}  // namespace io

std::pair<NamedArrays, GGUFMetadata> load_gguf(const io::Source& src, StreamOrDevice) {
  using io::fail;
  using io::kMaxKeys;
  using io::kMaxTensors;
  const std::string& label = src.label();
  io::Cursor c(src);
  if (src.size() < 24) fail("Invalid .gguf file " + label + ": too short.");
  if (std::memcmp(c.take(4), "GGUF", 4) != 0) fail("Invalid .gguf file " + label + ": bad magic.");
  uint32_t version = c.u32();
  if (version != 2 && version != 3) {
    if ((version & 0xFFFF) == 0 && version != 0)
      fail("Big-endian GGUF files are not supported (" + label + ").");
    fail("Unsupported GGUF version " + std::to_string(version) + " in " + label + " (2 and 3 are).");
  }
  uint64_t n_tensors = c.u64(), n_kv = c.u64();
  // Each key/value takes at least 13 bytes and each tensor info at least 24. Each becomes an
  // object here, so the counts are also bounded (real files: tens of keys, thousands of tensors).
  if (n_kv > c.left() / 13 || n_tensors > c.left() / 24)
    fail("Invalid .gguf file " + label + ": the counts in its header exceed the file.");
  if (n_kv > kMaxKeys || n_tensors > kMaxTensors)
    fail("The .gguf file " + label + " declares " + std::to_string(n_kv) + " metadata keys and " +
         std::to_string(n_tensors) + " tensors (at most " + std::to_string(kMaxKeys) + " and " +
         std::to_string(kMaxTensors) + " are read).");

  GGUFMetadata meta;
  std::unordered_set<std::string> keys;
  uint64_t alignment = 32;
  for (uint64_t i = 0; i < n_kv; ++i) {
    std::string key = c.str();
    uint32_t type = c.u32();
    if (!keys.insert(key).second) fail("Duplicate GGUF metadata key '" + key + "' in " + label + ".");
    GGUFValue v = io::read_value(c, type, key);
    if (key == "general.alignment" && type == io::V_UINT32) {
      uint32_t a = std::get<array>(v).data<uint32_t>()[0];
      if (a == 0 || (a & (a - 1)) != 0)
        fail("Invalid general.alignment " + std::to_string(a) + " in " + label + ": not a power of two.");
      alignment = a;
    }
    meta.emplace_back(std::move(key), std::move(v));
  }

  std::vector<io::TensorInfo> infos;
  infos.reserve(size_t(n_tensors));
  for (uint64_t i = 0; i < n_tensors; ++i) {
    io::TensorInfo t;
    t.name = c.str();
    uint32_t nd = c.u32();
    if (nd > 8) fail("Tensor '" + t.name + "' in " + label + " has " + std::to_string(nd) + " dimensions (at most 8).");
    for (uint32_t k = 0; k < nd; ++k) t.dims.push_back(c.u64());
    uint32_t tid = c.u32();
    t.offset = c.u64();
    t.type = io::tensor_type(tid);
    if (!t.type) fail("Unsupported GGUF tensor type " + std::to_string(tid) + " for tensor '" + t.name + "' in " + label + ".");
    infos.push_back(std::move(t));
  }
  uint64_t data_start = c.pos() + (alignment - c.pos() % alignment) % alignment;

  NamedArrays out;
  std::unordered_set<std::string> names;
  auto add = [&](std::string name, array a) {
    if (!names.insert(name).second)
      fail("Duplicate tensor name '" + name + "' in " + label + " (quantized tensors add .scales and .biases).");
    out.emplace_back(std::move(name), std::move(a));
  };
  // Check every tensor before reading any, and that no two share bytes.
  std::vector<Shape> shapes;
  for (auto& t : infos) {
    const std::string what = "tensor '" + t.name + "' in " + label;
    std::vector<uint64_t> rev(t.dims.rbegin(), t.dims.rend());
    shapes.push_back(io::checked_shape(rev, what));
    uint64_t n = 1;
    for (auto d : t.dims) n *= d;
    if (t.type->items > 1) {
      if (t.dims.empty() || t.dims[0] % t.type->items != 0)
        fail("The last dimension of " + what + " must be a multiple of " + std::to_string(t.type->items) +
             " for type " + t.type->name + ".");
    }
    t.bytes = n / t.type->items * t.type->bytes;
    if (data_start > src.size() || t.offset > src.size() - data_start ||
        t.bytes > src.size() - data_start - t.offset)
      fail("The data of " + what + " runs past the end of the file (truncated?).");
  }
  {
    std::vector<const io::TensorInfo*> order;
    for (auto& t : infos)
      if (t.bytes) order.push_back(&t);
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
    for (size_t i = 1; i < order.size(); ++i)
      if (order[i]->offset < order[i - 1]->offset + order[i - 1]->bytes)
        fail("Tensors '" + order[i - 1]->name + "' and '" + order[i]->name + "' overlap in " + label + ".");
  }

  for (size_t k = 0; k < infos.size(); ++k) {
    auto& t = infos[k];
    Shape shape = shapes[k];
    uint64_t at = data_start + t.offset;
    if (t.type->load == io::Load::direct) {
      array a = io::new_array(shape, t.type->dtype);
      src.read(a.data<char>(), size_t(t.bytes), at);
      add(t.name, std::move(a));
      continue;
    }
    std::vector<uint8_t> raw(size_t(t.bytes));
    src.read(raw.data(), raw.size(), at);
    size_t nblk = size_t(t.bytes / t.type->bytes);
    if (t.type->load == io::Load::q6_k) {
      array a = io::new_array(shape, float16);
      io::dequant_q6_k(raw.data(), nblk, a.data<float16_t>());
      add(t.name, std::move(a));
      continue;
    }
    int bits = t.type->load == io::Load::q8_0 ? 8 : 4;
    Shape wshape = shape, gshape = shape;
    wshape.back() = shape.back() / 32 * bits;  // (last * bits / 32) uint32 words
    gshape.back() = shape.back() / 32;
    array w = io::new_array(wshape, uint32);
    array sc = io::new_array(gshape, float16);
    array bi = io::new_array(gshape, float16);
    auto* wp = w.data<uint8_t>();
    switch (t.type->load) {
      case io::Load::q4_0: io::unpack_q4_0(raw.data(), nblk, wp, sc.data<float16_t>(), bi.data<float16_t>(), false); break;
      case io::Load::q4_1: io::unpack_q4_0(raw.data(), nblk, wp, sc.data<float16_t>(), bi.data<float16_t>(), true); break;
      case io::Load::q8_0: io::unpack_q8_0(raw.data(), nblk, wp, sc.data<float16_t>(), bi.data<float16_t>()); break;
      default: io::unpack_q4_k(raw.data(), nblk, wp, sc.data<float16_t>(), bi.data<float16_t>()); break;
    }
    std::string prefix = t.name;
    if (prefix.size() >= 7 && prefix.compare(prefix.size() - 7, 7, ".weight") == 0) prefix.resize(prefix.size() - 7);
    add(t.name, std::move(w));
    add(prefix + ".scales", std::move(sc));
    add(prefix + ".biases", std::move(bi));
  }
  return {std::move(out), std::move(meta)};
}

io::Parts gguf_bytes(const NamedArrays& arrays, const GGUFMetadata& metadata) {
  using io::fail_in;
  const char* fn = "save_gguf";
  // general.alignment, when given, is the alignment readers use: written as the uint32 the
  // spec defines, and honoured here.
  uint64_t kAlign = 32;
  for (auto& [key, value] : metadata) {
    if (key != "general.alignment") continue;
    const array* a = std::get_if<array>(&value);
    if (!a || a->ndim() != 0 || !is_integral(a->dtype()))
      fail_in(fn, "general.alignment must be an integer scalar (a power of two).");
    int64_t v = astype(*a, int64, Device(Device::cpu)).item<int64_t>();
    if (v <= 0 || v > (int64_t(1) << 30) || (v & (v - 1)) != 0)
      fail_in(fn, "general.alignment must be a power of two, got " + std::to_string(v) + ".");
    kAlign = uint64_t(v);
  }
  auto put_str = [](std::string& s, const std::string& v) {
    io::put64(s, v.size());
    s += v;
  };
  std::string head = "GGUF";
  io::put32(head, 3);
  io::put64(head, arrays.size());
  io::put64(head, metadata.size());
  std::unordered_set<std::string> seen;
  for (auto& [key, value] : metadata) {
    if (!seen.insert(key).second) fail_in(fn, "Duplicate metadata key '" + key + "'.");
    put_str(head, key);
    if (auto* s = std::get_if<std::string>(&value)) {
      io::put32(head, io::V_STRING);
      put_str(head, *s);
    } else if (auto* v = std::get_if<std::vector<std::string>>(&value)) {
      io::put32(head, io::V_ARRAY);
      io::put32(head, io::V_STRING);
      io::put64(head, v->size());
      for (auto& s : *v) put_str(head, s);
    } else {
      array a = std::get<array>(value);
      if (key == "general.alignment") a = astype(a, uint32, Device(Device::cpu));
      if (a.ndim() > 1) fail_in(fn, "Cannot save arrays with more than one dimension as metadata ('" + key + "').");
      uint32_t t;
      if (!io::dtype_value(a.dtype(), t))
        fail_in(fn, std::string("Array type ") + dtype_name(a.dtype()) + " is not supported for metadata ('" + key + "').");
      a = io::row_major(a);
      if (a.ndim() == 1) {
        io::put32(head, io::V_ARRAY);
        io::put32(head, t);
        io::put64(head, a.size());
      } else {
        io::put32(head, t);
      }
      head.append(a.data<char>(), a.nbytes());
    }
  }
  std::vector<array> data;
  std::unordered_set<std::string> names;
  uint64_t offset = 0;
  for (auto& [name, arr] : arrays) {
    if (!names.insert(name).second) fail_in(fn, "Duplicate array name '" + name + "'.");
    uint32_t t;
    if (!io::tensor_type_of(arr.dtype(), t))
      fail_in(fn, std::string("dtype ") + dtype_name(arr.dtype()) + " is not supported (array '" + name + "').");
    array a = io::row_major(arr);
    put_str(head, name);
    io::put32(head, uint32_t(a.ndim()));
    for (int d = a.ndim() - 1; d >= 0; --d) io::put64(head, uint64_t(a.shape(d)));
    io::put32(head, t);
    offset += (kAlign - offset % kAlign) % kAlign;
    io::put64(head, offset);
    offset += a.nbytes();
    data.push_back(std::move(a));
  }
  io::Parts parts;
  const std::string zeros(size_t(kAlign), '\0');
  head.append((kAlign - head.size() % kAlign) % kAlign, '\0');
  parts.add(std::move(head));
  uint64_t at = 0;
  for (auto& a : data) {
    uint64_t pad = (kAlign - at % kAlign) % kAlign;
    if (pad) parts.add(zeros.substr(0, size_t(pad)));
    at += pad;
    parts.add_view(a.data<char>(), a.nbytes());
    at += a.nbytes();
    parts.keep(a);
  }
  return parts;
}

void save_gguf(std::string file, const NamedArrays& arrays, const GGUFMetadata& metadata) {
  if (file.size() < 5 || file.compare(file.size() - 5, 5, ".gguf") != 0) file += ".gguf";
  io::write_file(file, gguf_bytes(arrays, metadata), "save_gguf");
}

}  // namespace mlx::core
