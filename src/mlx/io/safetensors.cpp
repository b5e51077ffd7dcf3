// .safetensors files: an 8-byte little-endian header length, a JSON header
// {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets"}}, then the data.
#include <algorithm>
#include <unordered_set>

#include "mlx/io/io_impl.h"

namespace mlx::core {

namespace io {

namespace {

// The limit of the reference (Rust) implementation.
constexpr uint64_t kMaxHeader = 100000000;

const char* st_name(Dtype t) {
  switch (t.val) {
    case Dtype::Val::bool_: return "BOOL";
    case Dtype::Val::uint8: return "U8";
    case Dtype::Val::uint16: return "U16";
    case Dtype::Val::uint32: return "U32";
    case Dtype::Val::uint64: return "U64";
    case Dtype::Val::int8: return "I8";
    case Dtype::Val::int16: return "I16";
    case Dtype::Val::int32: return "I32";
    case Dtype::Val::int64: return "I64";
    case Dtype::Val::float16: return "F16";
    case Dtype::Val::float32: return "F32";
    case Dtype::Val::float64: return "F64";
    case Dtype::Val::bfloat16: return "BF16";
    default: return "C64";  // not in the spec yet; MLX's name
  }
}

bool st_dtype(const std::string& s, Dtype& out) {
  static const std::pair<const char*, Dtype> table[] = {
      {"BOOL", bool_}, {"U8", uint8},     {"U16", uint16},   {"U32", uint32},    {"U64", uint64},
      {"I8", int8},    {"I16", int16},    {"I32", int32},    {"I64", int64},     {"F16", float16},
      {"F32", float32}, {"F64", float64}, {"BF16", bfloat16}, {"C64", complex64},
      {"F8_E4M3", uint8},  // as MLX: the raw bytes, for the caller to convert
  };
  for (auto& [name, dt] : table)
    if (s == name) {
      out = dt;
      return true;
    }
  return false;
}

uint64_t json_uint(const Json& v, const std::string& what) {
  if (v.kind != Json::Kind::number || v.s.empty() || v.s[0] == '-' ||
      v.s.find_first_not_of("0123456789") != std::string::npos)
    fail(what + " must be a non-negative integer.");
  if (v.s.size() > 19) fail(what + " is too large.");
  return std::stoull(v.s);
}

}  // namespace

}  // namespace io

std::pair<NamedArrays, StringPairs> load_safetensors(const io::Source& src, StreamOrDevice) {
  using io::fail;
  using io::Json;
  const std::string& label = src.label();
  if (src.size() < 8) fail("Invalid .safetensors file " + label + ": too short.");
  unsigned char lenb[8];
  src.read(lenb, 8, 0);
  uint64_t hlen = io::le64(lenb);
  if (hlen == 0 || hlen >= io::kMaxHeader)
    fail("Invalid .safetensors file " + label + ": bad JSON header length " + std::to_string(hlen) + ".");
  if (hlen > src.size() - 8)
    fail("The JSON header of " + label + " is " + std::to_string(hlen) + " bytes long but the file is only " +
         std::to_string(src.size()) + " bytes (incomplete download or corrupt file?).");
  Json head = io::parse_json(src.read_string(8, size_t(hlen)));
  if (head.kind != Json::Kind::object) fail("Invalid .safetensors header in " + label + ": not a JSON object.");
  const uint64_t data_start = 8 + hlen, data_size = src.size() - data_start;

  struct Info {
    std::string name;
    Dtype dtype;
    Shape shape;
    uint64_t begin, end;
  };
  std::vector<Info> infos;
  StringPairs metadata;
  for (auto& [key, v] : head.members) {
    if (key == "__metadata__") {
      if (v.kind != Json::Kind::object) fail("'__metadata__' in " + label + " must be an object of strings.");
      for (auto& [mk, mv] : v.members) {
        if (mv.kind != Json::Kind::string)
          fail("Metadata value '" + mk + "' in " + label + " must be a string.");
        metadata.emplace_back(mk, mv.s);
      }
      continue;
    }
    const std::string what = "tensor '" + key + "' in " + label;
    if (v.kind != Json::Kind::object) fail("Invalid entry for " + what + ": not an object.");
    const Json *dt = nullptr, *shape = nullptr, *offs = nullptr;
    for (auto& [f, fv] : v.members) {
      if (f == "dtype") dt = &fv;
      else if (f == "shape") shape = &fv;
      else if (f == "data_offsets") offs = &fv;
    }
    if (!dt || !shape || !offs) fail("The entry for " + what + " needs 'dtype', 'shape' and 'data_offsets'.");
    Info info;
    info.name = key;
    if (dt->kind != Json::Kind::string) fail("The dtype of " + what + " must be a string.");
    if (!io::st_dtype(dt->s, info.dtype)) fail("Unsupported safetensors dtype '" + dt->s + "' for " + what + ".");
    if (shape->kind != Json::Kind::array) fail("The shape of " + what + " must be a list of integers.");
    std::vector<uint64_t> dims;
    for (auto& d : shape->items) dims.push_back(io::json_uint(d, "Each dimension of " + what));
    info.shape = io::checked_shape(dims, what);
    if (offs->kind != Json::Kind::array || offs->items.size() != 2)
      fail("The data_offsets of " + what + " must be a list of 2 integers.");
    info.begin = io::json_uint(offs->items[0], "data_offsets of " + what);
    info.end = io::json_uint(offs->items[1], "data_offsets of " + what);
    uint64_t need = io::checked_nbytes(info.shape, info.dtype);
    if (info.end < info.begin || info.end - info.begin != need)
      fail("Invalid data offsets (" + std::to_string(info.begin) + ", " + std::to_string(info.end) + ") for " + what +
           ": expected " + std::to_string(need) + " bytes.");
    if (info.end > data_size)
      fail("The data offsets (" + std::to_string(info.begin) + ", " + std::to_string(info.end) + ") of " + what +
           " run past the end of the file (incomplete download or corrupt file?).");
    infos.push_back(std::move(info));
  }
  // No two tensors share bytes: the arrays together never outgrow the file.
  std::vector<const Info*> order;
  for (auto& i : infos)
    if (i.end > i.begin) order.push_back(&i);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < order.size(); ++i)
    if (order[i]->begin < order[i - 1]->end)
      fail("Tensors '" + order[i - 1]->name + "' and '" + order[i]->name + "' overlap in " + label + ".");

  NamedArrays out;
  out.reserve(infos.size());
  for (auto& info : infos) {
    array a = io::new_array(info.shape, info.dtype);
    src.read(a.data<char>(), size_t(info.end - info.begin), data_start + info.begin);
    io::normalize_bools(a);
    out.emplace_back(info.name, std::move(a));
  }
  return {std::move(out), std::move(metadata)};
}

io::Parts safetensors_bytes(const NamedArrays& arrays, const StringPairs& metadata) {
  std::string head = "{";
  if (!metadata.empty()) {
    head += "\"__metadata__\":{";
    for (size_t i = 0; i < metadata.size(); ++i) {
      if (i) head += ',';
      head += io::json_quote(metadata[i].first) + ':' + io::json_quote(metadata[i].second);
    }
    head += '}';
  }
  std::vector<array> data;
  data.reserve(arrays.size());
  std::unordered_set<std::string> names;
  uint64_t offset = 0;
  for (auto& [name, arr] : arrays) {
    if (name == "__metadata__") io::fail_in("save_safetensors", "'__metadata__' is reserved and cannot name an array.");
    if (!names.insert(name).second) io::fail_in("save_safetensors", "Duplicate array name '" + name + "'.");
    array a = io::row_major(arr);
    if (head.size() > 1) head += ',';
    head += io::json_quote(name) + ":{\"dtype\":\"" + io::st_name(a.dtype()) + "\",\"shape\":[";
    for (int d = 0; d < a.ndim(); ++d) head += (d ? "," : "") + std::to_string(a.shape(d));
    head += "],\"data_offsets\":[" + std::to_string(offset) + ',' + std::to_string(offset + a.nbytes()) + "]}";
    offset += a.nbytes();
    data.push_back(std::move(a));
  }
  head += '}';
  head.append((8 - head.size() % 8) % 8, ' ');  // the data starts 8-byte aligned
  io::Parts parts;
  std::string len;
  io::put64(len, head.size());
  parts.add(std::move(len));
  parts.add(std::move(head));
  for (auto& a : data) {
    parts.add_view(a.data<char>(), a.nbytes());
    parts.keep(a);
  }
  return parts;
}

void save_safetensors(std::string file, const NamedArrays& arrays, const StringPairs& metadata) {
  if (file.size() < 12 || file.compare(file.size() - 12, 12, ".safetensors") != 0) file += ".safetensors";
  io::write_file(file, safetensors_bytes(arrays, metadata), "save_safetensors");
}

}  // namespace mlx::core
