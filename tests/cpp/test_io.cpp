// File I/O: .npy/.npz/.safetensors/.gguf round trips for every dtype, hand-built files
// (big-endian, Fortran order, header versions, quantized GGUF blocks worked by hand), the
// JSON reader, and corrupt files: every truncation and many byte flips must raise
// std::invalid_argument("[load] ...") and nothing else.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>

#include "mlx/io.h"
#include "mlx/io/io_impl.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

std::string bytes_of(const io::Parts& p) {
  std::string s(size_t(p.size()), '\0');
  p.copy_to(s.data());
  return s;
}
io::Source mem(const std::string& s) { return io::Source::memory(s.data(), s.size(), "test"); }

const Dtype kAll[] = {bool_, uint8, uint16, uint32, uint64, int8, int16, int32, int64,
                      float16, float32, float64, bfloat16, complex64};

// An array of dtype d whose bytes are a pattern (bools 0/1).
array pattern(Dtype d, Shape shape) {
  array a = io::new_array(shape, d);
  auto* p = a.data<uint8_t>();
  for (size_t i = 0; i < a.nbytes(); ++i) p[i] = d == bool_ ? uint8_t(i % 3 == 1) : uint8_t(i * 37 + 11);
  return a;
}

void expect_same(const array& got, const array& want) {
  EXPECT_EQ(got.dtype(), want.dtype());
  EXPECT_EQ(got.shape(), want.shape());
  EXPECT_EQ(to_bytes(got), to_bytes(want));
}

// The message of the std::invalid_argument that f throws ("" if it does not throw).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

std::string npy_file(const std::string& dict, int version = 1, const std::string& data = "") {
  std::string s = "\x93NUMPY";
  s += char(version);
  s += char(0);
  std::string h = dict + "\n";
  if (version == 1) io::put16(s, uint16_t(h.size()));
  else io::put32(s, uint32_t(h.size()));
  return s + h + data;
}

template <typename T>
std::string raw(std::initializer_list<T> v) {
  std::string s;
  for (T x : v) s.append(reinterpret_cast<const char*>(&x), sizeof(T));
  return s;
}

}  // namespace

TEST(IoNpy, RoundTripEveryDtype) {
  for (Dtype d : kAll) {
    for (Shape shape : {Shape{}, Shape{5}, Shape{2, 3}, Shape{2, 0, 3}, Shape{1, 2, 1, 3}}) {
      array a = pattern(d, shape);
      std::string f = bytes_of(npy_bytes(a));
      EXPECT_EQ(f.substr(0, 6), "\x93NUMPY");
      EXPECT_EQ((10 + io::le16(&f[8])) % 64, 0u);  // the data starts 64-byte aligned
      expect_same(load_npy(mem(f)), a);
    }
  }
}

TEST(IoNpy, HeaderText) {
  array a = pattern(float32, {2, 3});
  std::string f = bytes_of(npy_bytes(a));
  std::string head = f.substr(10, io::le16(&f[8]));
  EXPECT_EQ(head.substr(0, 61), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }  ");
  EXPECT_EQ(head.back(), '\n');
  std::string one = bytes_of(npy_bytes(pattern(int16, {7})));
  EXPECT_NE(one.find("'shape': (7,)"), std::string::npos);
  std::string zero = bytes_of(npy_bytes(pattern(bool_, {})));
  EXPECT_NE(zero.find("'descr': '|b1'"), std::string::npos);
  EXPECT_NE(zero.find("'shape': ()"), std::string::npos);
  EXPECT_NE(bytes_of(npy_bytes(pattern(bfloat16, {1}))).find("'<V2'"), std::string::npos);
  EXPECT_NE(bytes_of(npy_bytes(pattern(complex64, {1}))).find("'<c8'"), std::string::npos);
}

TEST(IoNpy, FortranOrderBothWays) {
  // Column-major data [[0, 1, 2], [3, 4, 5]] stored as 0 3 1 4 2 5.
  std::string f = npy_file("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", 1,
                           raw<int32_t>({0, 3, 1, 4, 2, 5}));
  array a = load_npy(mem(f));
  EXPECT_EQ(a.shape(), (Shape{2, 3}));
  EXPECT_EQ(to_vec<int32_t>(a), (std::vector<int32_t>{0, 1, 2, 3, 4, 5}));
  // A transposed (column-contiguous) array is written in Fortran order, without a copy.
  array t = transpose(make<int32_t>({0, 1, 2, 3, 4, 5}, {3, 2}));
  std::string g = bytes_of(npy_bytes(t));
  EXPECT_NE(g.find("'fortran_order': True"), std::string::npos);
  EXPECT_EQ(to_vec<int32_t>(load_npy(mem(g))), to_vec<int32_t>(t));
  // A broadcast view is copied to row-major.
  array s = broadcast_to(make<int32_t>({1, 4, 7}, {3, 1}), {3, 2});
  std::string h = bytes_of(npy_bytes(s));
  EXPECT_NE(h.find("'fortran_order': False"), std::string::npos);
  EXPECT_EQ(to_vec<int32_t>(load_npy(mem(h))), (std::vector<int32_t>{1, 1, 4, 4, 7, 7}));
}

TEST(IoNpy, BigEndianVersionsAndPython2) {
  std::string be = npy_file("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", 1,
                            std::string("\x00\x00\x01\x02\xff\xff\xff\xfe", 8));
  EXPECT_EQ(to_vec<int32_t>(load_npy(mem(be))), (std::vector<int32_t>{0x102, -2}));
  // >f2 1.0 is 0x3c00; >c8 (1+2j) is two big-endian floats.
  std::string h = npy_file("{'descr': '>f2', 'fortran_order': False, 'shape': (1,), }", 2, std::string("\x3c\x00", 2));
  EXPECT_EQ(float(to_vec<float16_t>(load_npy(mem(h)))[0]), 1.0f);
  std::string c = npy_file("{'descr': '>c8', 'fortran_order': False, 'shape': (), }", 3,
                           std::string("\x3f\x80\x00\x00\x40\x00\x00\x00", 8));
  EXPECT_EQ(to_vec<complex64_t>(load_npy(mem(c)))[0], complex64_t(1.f, 2.f));
  std::string py2 = npy_file("{'descr': '|u1', 'fortran_order': False, 'shape': (2L, 1L), }", 1, "\x07\x09");
  EXPECT_EQ(load_npy(mem(py2)).shape(), (Shape{2, 1}));
  // Keys in any order, double quotes, bool bytes other than 0/1 read as true.
  std::string b = npy_file("{\"shape\": (3,), \"fortran_order\": False, \"descr\": \"|b1\"}", 1, std::string("\x00\x05\x01", 3));
  array ba = load_npy(mem(b));
  EXPECT_EQ(to_bytes(ba), (std::vector<uint8_t>{0, 1, 1}));
}

TEST(IoNpy, BadFiles) {
  auto err = [](const std::string& f) { return error_of([&] { load_npy(mem(f)); }); };
  EXPECT_NE(err("").find("[load]"), std::string::npos);
  EXPECT_NE(err(std::string("\x93NUMPX\x01\x00\x00\x00", 10)).find("bad magic"), std::string::npos);
  EXPECT_NE(err(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 4)).find("version"), std::string::npos);
  EXPECT_NE(err(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }")).find("negative"), std::string::npos);
  EXPECT_NE(err(npy_file("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }")).find("complex128"), std::string::npos);
  EXPECT_NE(err(npy_file("{'descr': '<U4', 'fortran_order': False, 'shape': (1,), }")).find("Unsupported dtype"), std::string::npos);
  EXPECT_NE(err(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (3), }")).find("tuple"), std::string::npos);
  EXPECT_NE(err(npy_file("{'descr': '<f4', 'fortran_order': 0, 'shape': (3,), }")).find("fortran_order"), std::string::npos);
  EXPECT_NE(err(npy_file("{'descr': '<f4', 'shape': (3,), }")).find("needs the keys"), std::string::npos);
  EXPECT_NE(err(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}")).find("unexpected"), std::string::npos);
  EXPECT_NE(err(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296,), }")).find("too large"), std::string::npos);
  // 2^31-1 cubed elements: past 2^53, refused before any allocation.
  EXPECT_NE(err(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 4), }")).find("too large"), std::string::npos);
  // Truncated data, and a v2 header length past the end.
  EXPECT_NE(err(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 1, "12345678")).find("truncated"), std::string::npos);
  std::string huge = "\x93NUMPY\x02";
  huge += '\0';
  io::put32(huge, 0xFFFFFFF0u);
  EXPECT_NE(err(huge).find("too long"), std::string::npos);
}

TEST(IoJson, ValidAndInvalid) {
  auto j = io::parse_json(R"( {"a": [1, -2.5e3, true, false, null, "x\u00e9\ud83d\ude00\n"], "b": {}} )");
  ASSERT_EQ(j.kind, io::Json::Kind::object);
  ASSERT_EQ(j.members.size(), 2u);
  auto& a = j.members[0].second.items;
  EXPECT_EQ(a[1].s, "-2.5e3");
  EXPECT_TRUE(a[2].b);
  EXPECT_EQ(a[4].kind, io::Json::Kind::null);
  EXPECT_EQ(a[5].s, "x\xc3\xa9\xf0\x9f\x98\x80\n");
  EXPECT_EQ(io::json_quote("a\"b\\\x01\n"), "\"a\\\"b\\\\\\u0001\\n\"");
  for (const char* bad : {"", "{", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"\\x\"",
                          "\"\x01\"", "\"\\ud800\"", "\"\xc0\x80\"", "\"\xff\"", "{\"a\":1,\"a\":2}", "[1] x",
                          "'a'", "\"abc"}) {
    EXPECT_NE(error_of([&] { io::parse_json(bad); }).find("[load] Invalid JSON"), std::string::npos) << bad;
  }
  std::string deep(100, '[');
  EXPECT_NE(error_of([&] { io::parse_json(deep); }).find("deeply"), std::string::npos);
  // A bounded tree: 2^21 + 1 values (a 4 MB header) are refused rather than parsed into ~200 MB.
  std::string many = "[0";
  for (int i = 0; i < (1 << 21); ++i) many += ",0";
  many += "]";
  EXPECT_NE(error_of([&] { io::parse_json(many); }).find("more than 2097152 values"), std::string::npos);
}

TEST(IoNpz, RoundTripStoredCompressedAndZip64) {
  NamedArrays in;
  for (Dtype d : kAll) in.emplace_back(std::string("k_") + dtype_name(d), pattern(d, {3, 2}));
  in.emplace_back("empty", pattern(float32, {0}));
  in.emplace_back("scalar", pattern(int64, {}));
  in.emplace_back("ünï/côdé", pattern(uint8, {4}));
  for (uint64_t lim : {uint64_t(0xFFFFFFFF), uint64_t(0)}) {  // 0: zip64 fields everywhere
    io::set_zip64_limit(lim);
    for (bool compressed : {false, true}) {
      std::string f = bytes_of(npz_bytes(in, compressed));
      auto out = load_npz(mem(f));
      ASSERT_EQ(out.size(), in.size());
      for (size_t i = 0; i < in.size(); ++i) {
        EXPECT_EQ(out[i].first, in[i].first);
        expect_same(out[i].second, in[i].second);
      }
    }
  }
  io::set_zip64_limit(0xFFFFFFFF);
  EXPECT_TRUE(load_npz(mem(bytes_of(npz_bytes({}, false)))).empty());
}

TEST(IoNpz, CorruptEntries) {
  NamedArrays in{{"a", pattern(float32, {64})}};
  for (bool compressed : {false, true}) {
    std::string f = bytes_of(npz_bytes(in, compressed));
    std::string g = f;
    g[130] ^= 0x40;  // inside the entry's data
    EXPECT_NE(error_of([&] { load_npz(mem(g)); }), "");
  }
  std::string f = bytes_of(npz_bytes(in, false));
  std::string g = f;
  g[200] ^= 1;  // stored data: only the CRC can tell
  EXPECT_NE(error_of([&] { load_npz(mem(g)); }).find("CRC"), std::string::npos);
  EXPECT_NE(error_of([&] { load_npz(mem("PK\x05\x06")); }).find("too short"), std::string::npos);
  EXPECT_NE(error_of([&] { load_npz(mem(std::string(100, 'x'))); }).find("end-of-central"), std::string::npos);
}

TEST(IoSafetensors, RoundTripAndMetadata) {
  NamedArrays in;
  for (Dtype d : kAll) in.emplace_back(dtype_name(d), pattern(d, {2, 3}));
  in.emplace_back("empty", pattern(int32, {0, 4}));
  in.emplace_back("scalar", pattern(float32, {}));
  StringPairs meta{{"format", "mlx"}, {"quote\"d", "line\nbreak \xc3\xa9"}};
  std::string f = bytes_of(safetensors_bytes(in, meta));
  EXPECT_EQ((8 + io::le64(f.data())) % 8, 0u);
  auto [out, m] = load_safetensors(mem(f));
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i].first, in[i].first);
    expect_same(out[i].second, in[i].second);
  }
  EXPECT_EQ(m, meta);
  EXPECT_NE(error_of([&] { safetensors_bytes({{"__metadata__", pattern(int8, {1})}}, {}); }).find("[save_safetensors]"), std::string::npos);
}

TEST(IoSafetensors, BadHeaders) {
  auto file = [](const std::string& json, size_t data) {
    std::string s;
    io::put64(s, json.size());
    return s + json + std::string(data, '\0');
  };
  auto err = [](const std::string& f) { return error_of([&] { load_safetensors(mem(f)); }); };
  EXPECT_EQ(err(file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 8)), "");
  EXPECT_NE(err(file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 7)).find("past the end"), std::string::npos);
  EXPECT_NE(err(file(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8)).find("expected 12"), std::string::npos);
  EXPECT_NE(err(file(R"({"a":{"dtype":"Q9","shape":[2],"data_offsets":[0,8]}})", 8)).find("Unsupported"), std::string::npos);
  EXPECT_NE(err(file(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8)).find("non-negative"), std::string::npos);
  EXPECT_NE(err(file(R"({"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}})", 8)).find("non-negative"), std::string::npos);
  EXPECT_NE(err(file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", 8)).find("2 integers"), std::string::npos);
  EXPECT_NE(err(file(R"({"a":{"dtype":"F32","shape":[2]}})", 8)).find("needs"), std::string::npos);
  EXPECT_NE(err(file(R"({"__metadata__":{"k":1}})", 0)).find("must be a string"), std::string::npos);
  EXPECT_NE(err(file(R"([1])", 0)).find("not a JSON object"), std::string::npos);
  EXPECT_NE(err(file(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})", 8)).find("overlap"), std::string::npos);
  EXPECT_NE(err(file(R"({"a":{"dtype":"U8","shape":[99999999999999999999],"data_offsets":[0,4]}})", 8)).find("too large"), std::string::npos);
  EXPECT_NE(err(file(R"({"a":{"dtype":"F32","shape":[65536,65536,65536,65536],"data_offsets":[0,4]}})", 8)).find("too large"), std::string::npos);
  std::string big;
  io::put64(big, 1ull << 40);
  EXPECT_NE(err(big + "{}").find("bad JSON header length"), std::string::npos);
  std::string over;
  io::put64(over, 1000);
  EXPECT_NE(err(over + "{}").find("only"), std::string::npos);
  // F8_E4M3 loads as its raw bytes (uint8), as MLX does.
  auto [out, m] = load_safetensors(mem(file(R"({"a":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}})", 2)));
  EXPECT_EQ(out[0].second.dtype(), uint8);
}

TEST(IoGguf, RoundTripAndMetadata) {
  NamedArrays in;
  for (Dtype d : {float32, float16, bfloat16, float64, int8, int16, int32, int64})
    in.emplace_back(std::string("t.") + dtype_name(d), pattern(d, {3, 5}));
  in.emplace_back("vec", pattern(float32, {7}));
  in.emplace_back("empty", pattern(float32, {0, 3}));
  GGUFMetadata meta;
  meta.emplace_back("s", std::string("text \xc3\xa9"));
  meta.emplace_back("l", std::vector<std::string>{"a", "", "ccc"});
  for (Dtype d : {bool_, uint8, int8, uint16, int16, uint32, int32, float32, uint64, int64, float64}) {
    meta.emplace_back(std::string("n.") + dtype_name(d), pattern(d, {}));
    meta.emplace_back(std::string("v.") + dtype_name(d), pattern(d, {3}));
  }
  std::string f = bytes_of(gguf_bytes(in, meta));
  EXPECT_EQ(f.substr(0, 4), "GGUF");
  auto [out, m] = load_gguf(mem(f));
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i].first, in[i].first);
    expect_same(out[i].second, in[i].second);
  }
  ASSERT_EQ(m.size(), meta.size());
  EXPECT_EQ(std::get<std::string>(m[0].second), "text \xc3\xa9");
  EXPECT_EQ(std::get<std::vector<std::string>>(m[1].second), (std::vector<std::string>{"a", "", "ccc"}));
  for (size_t i = 2; i < m.size(); ++i) {
    EXPECT_EQ(m[i].first, meta[i].first);
    expect_same(std::get<array>(m[i].second), std::get<array>(meta[i].second));
  }
  // general.alignment given by the caller: written as uint32 and used for the data.
  for (Dtype d : {uint32, int32, int64}) {
    array al = astype(array(64), d);
    std::string g = bytes_of(gguf_bytes({{"x", pattern(int8, {3})}, {"y", pattern(int16, {5})}}, {{"general.alignment", al}}));
    auto [o, mm] = load_gguf(mem(g));
    EXPECT_EQ(std::get<array>(mm[0].second).dtype(), uint32);
    expect_same(o[1].second, pattern(int16, {5}));
    EXPECT_EQ(g.size() % 64, 10u);  // 64-aligned data section, x padded to 64, then y's 10 bytes
  }
  EXPECT_NE(error_of([&] { gguf_bytes({}, {{"general.alignment", array(48)}}); }).find("power of two"), std::string::npos);
  EXPECT_NE(error_of([&] { gguf_bytes({}, {{"general.alignment", std::string("64")}}); }).find("integer scalar"), std::string::npos);
  EXPECT_NE(error_of([&] { gguf_bytes({{"b", pattern(bool_, {2})}}, {}); }).find("not supported"), std::string::npos);
  EXPECT_NE(error_of([&] { gguf_bytes({}, {{"m", pattern(float16, {})}}); }).find("not supported for metadata"), std::string::npos);
  EXPECT_NE(error_of([&] { gguf_bytes({}, {{"m", pattern(int32, {2, 2})}}); }).find("more than one dimension"), std::string::npos);
}

namespace {

// A GGUF file with one tensor of type `type`, GGML dims `dims`, and raw block data.
std::string gguf_one(uint32_t type, std::vector<uint64_t> dims, const std::string& data, const std::string& name = "blk.weight") {
  std::string s = "GGUF";
  io::put32(s, 3);
  io::put64(s, 1);
  io::put64(s, 0);
  io::put64(s, name.size());
  s += name;
  io::put32(s, uint32_t(dims.size()));
  for (auto d : dims) io::put64(s, d);
  io::put32(s, type);
  io::put64(s, 0);
  s.append((32 - s.size() % 32) % 32, '\0');
  return s + data;
}

float dequant(const NamedArrays& out, size_t i, int bits) {
  auto w = to_vec<uint32_t>(out[0].second);
  auto sc = to_vec<float16_t>(out[1].second);
  auto bi = to_vec<float16_t>(out[2].second);
  size_t per = 32 / bits;
  uint32_t q = (w[i / per] >> ((i % per) * bits)) & ((1u << bits) - 1);
  return float(sc[i / 32]) * float(q) + float(bi[i / 32]);
}

}  // namespace

TEST(IoGguf, QuantizedBlocksByHand) {
  // Q8_0: scale 0.5 (f16 0x3800), q = -16 .. 15: w = 0.5 * q.
  std::string q8("\x00\x38", 2);
  for (int k = 0; k < 32; ++k) q8 += char(int8_t(k - 16));
  auto [o8, m8] = load_gguf(mem(gguf_one(8, {32}, q8)));
  ASSERT_EQ(o8.size(), 3u);
  EXPECT_EQ(o8[0].first, "blk.weight");
  EXPECT_EQ(o8[1].first, "blk.scales");
  EXPECT_EQ(o8[2].first, "blk.biases");
  EXPECT_EQ(o8[0].second.shape(), (Shape{8}));
  EXPECT_EQ(o8[1].second.shape(), (Shape{1}));
  for (int k = 0; k < 32; ++k) EXPECT_EQ(dequant(o8, k, 8), 0.5f * float(k - 16)) << k;
  // Q4_0: scale 2 (0x4000), byte j holds element j (low nibble) and j+16 (high): w = 2 (q - 8).
  std::string q4("\x00\x40", 2);
  for (int j = 0; j < 16; ++j) q4 += char(uint8_t((j & 15) | ((15 - j) << 4)));
  auto [o4, m4] = load_gguf(mem(gguf_one(2, {32, 2}, q4 + q4)));
  EXPECT_EQ(o4[0].second.shape(), (Shape{2, 4}));
  EXPECT_EQ(o4[1].second.shape(), (Shape{2, 1}));
  for (int k = 0; k < 64; ++k) {
    int e = k % 32;
    float want = 2.f * float((e < 16 ? e : 15 - (e - 16)) - 8);
    EXPECT_EQ(dequant(o4, k, 4), want) << k;
  }
  // Q4_1: scale 0.25 (0x3400), min -1 (0xbc00), nibbles at offset 4: w = 0.25 q - 1.
  std::string q41("\x00\x34\x00\xbc", 4);
  for (int j = 0; j < 16; ++j) q41 += char(uint8_t(j | ((j ^ 5) << 4)));
  auto [o41, m41] = load_gguf(mem(gguf_one(3, {32}, q41, "plain")));
  EXPECT_EQ(o41[1].first, "plain.scales");
  for (int k = 0; k < 32; ++k) {
    int q = k < 16 ? k : ((k - 16) ^ 5);
    EXPECT_EQ(dequant(o41, k, 4), 0.25f * float(q) - 1.f) << k;
  }
  // Q4_K: d = 1, dmin = 0.5, group j scale j + 1 and min j (6-bit, packed), nibbles k % 16.
  std::string qk("\x00\x3c\x00\x38", 4);
  uint8_t sc[12] = {};
  for (int j = 0; j < 8; ++j) {
    int d = j + 1, m = j;
    if (j < 4) {
      sc[j] = uint8_t(d);
      sc[j + 4] = uint8_t(m);
    } else {
      sc[j + 4] = uint8_t((d & 15) | ((m & 15) << 4));
      sc[j - 4] |= uint8_t((d >> 4) << 6);
      sc[j] |= uint8_t((m >> 4) << 6);
    }
  }
  qk.append(reinterpret_cast<const char*>(sc), 12);
  for (int b = 0; b < 128; ++b) qk += char(uint8_t((b % 16) | (((b + 3) % 16) << 4)));
  auto [okk, mkk] = load_gguf(mem(gguf_one(12, {256}, qk)));
  EXPECT_EQ(okk[1].second.shape(), (Shape{8}));
  for (int k = 0; k < 256; ++k) {
    int grp = k / 32, pair = k / 64, in = k % 64, b = pair * 32 + in % 32;
    int q = in < 32 ? b % 16 : (b + 3) % 16;
    EXPECT_EQ(dequant(okk, k, 4), float(grp + 1) * float(q) - 0.5f * float(grp)) << k;
  }
  // Q6_K dequantizes to float16: d = 1, group scales 1..16, every q = 33 (low 1, high 2): w = scale.
  std::string q6(128, char(0x11));
  q6 += std::string(64, char(0xAA));
  for (int g = 0; g < 16; ++g) q6 += char(g + 1);
  q6 += std::string("\x00\x3c", 2);
  auto [o6, m6] = load_gguf(mem(gguf_one(14, {256}, q6)));
  ASSERT_EQ(o6.size(), 1u);
  EXPECT_EQ(o6[0].second.dtype(), float16);
  auto v6 = to_vec<float16_t>(o6[0].second);
  for (int k = 0; k < 256; ++k) EXPECT_EQ(float(v6[k]), float(k / 16 + 1)) << k;
  // Quantized tensors need whole blocks in the last dimension; unknown types are refused.
  EXPECT_NE(error_of([&] { load_gguf(mem(gguf_one(8, {16}, q8))); }).find("multiple of 32"), std::string::npos);
  EXPECT_NE(error_of([&] { load_gguf(mem(gguf_one(6, {32}, std::string(22, '\0')))); }).find("Unsupported GGUF tensor type 6"), std::string::npos);
}

TEST(IoGguf, BadHeaders) {
  auto err = [](const std::string& f) { return error_of([&] { load_gguf(mem(f)); }); };
  std::string base = gguf_one(0, {2}, std::string(8, '\0'));
  EXPECT_EQ(err(base), "");
  std::string v1 = base;
  v1[4] = 1;
  EXPECT_NE(err(v1).find("version 1"), std::string::npos);
  std::string be = base;
  be[4] = 0;
  be[7] = 3;
  EXPECT_NE(err(be).find("Big-endian"), std::string::npos);
  std::string many = base;
  many[15] = 0x10;  // 2^60 tensors
  EXPECT_NE(err(many).find("counts"), std::string::npos);
  std::string far = base;
  far[24 + 8 + 10 + 4 + 8 + 4] = 1;  // tensor offset 1: data past the end
  EXPECT_NE(err(far).find("past the end"), std::string::npos);
  EXPECT_NE(err("GGUX" + base.substr(4)).find("bad magic"), std::string::npos);
  // 2^16 + 1 one-byte metadata values (13 bytes each): refused before any is read.
  std::string kv = "GGUF";
  io::put32(kv, 3);
  io::put64(kv, 0);
  io::put64(kv, (1 << 16) + 1);
  for (int i = 0; i <= (1 << 16); ++i) {
    io::put64(kv, 0);
    io::put32(kv, 0);
    kv += '\x01';
  }
  EXPECT_NE(err(kv).find("at most 65536"), std::string::npos);
}

// Every truncation and many single-byte changes of valid files: a clean error or a result.
TEST(IoFuzz, CorruptFilesNeverCrash) {
  NamedArrays arrays{{"a.weight", pattern(float32, {4, 8})}, {"b", pattern(int16, {3})}, {"c", pattern(bool_, {5})}};
  GGUFMetadata meta{{"s", std::string("x")}, {"l", std::vector<std::string>{"p", "q"}}, {"n", pattern(uint32, {2})}};
  std::string q8("\x00\x38", 2);
  for (int k = 0; k < 32; ++k) q8 += char(k);
  std::vector<std::pair<std::string, std::string>> files = {
      {"npy", bytes_of(npy_bytes(arrays[0].second))},
      {"npz", bytes_of(npz_bytes(arrays, false))},
      {"npzc", bytes_of(npz_bytes(arrays, true))},
      {"st", bytes_of(safetensors_bytes(arrays, {{"k", "v"}}))},
      {"gguf", bytes_of(gguf_bytes(NamedArrays{arrays[0], arrays[1]}, meta))},
      {"q8", gguf_one(8, {32}, q8)},
  };
  std::mt19937 rng(7);
  size_t failures = 0, loads = 0;
  for (auto& [kind, f] : files) {
    auto load = [&, kind = kind](const std::string& g) {
      if (kind == "npy") load_npy(mem(g));
      else if (kind == "npz" || kind == "npzc") load_npz(mem(g));
      else if (kind == "st") load_safetensors(mem(g));
      else load_gguf(mem(g));
    };
    auto attempt = [&](const std::string& g) {
      try {
        load(g);
        ++loads;
      } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()).rfind("[load] ", 0), 0u) << e.what();
        ++failures;
      }
    };
    for (size_t n = 0; n < f.size(); ++n) attempt(f.substr(0, n));
    for (size_t i = 0; i < f.size(); ++i) {
      for (uint8_t v : {uint8_t(f[i] ^ 0x01), uint8_t(f[i] ^ 0x80), uint8_t(0xFF), uint8_t(0)}) {
        std::string g = f;
        g[i] = char(v);
        attempt(g);
      }
    }
    for (int r = 0; r < 300; ++r) {
      std::string g = f;
      for (int k = 0; k < 4; ++k) g[rng() % g.size()] = char(rng());
      attempt(g);
    }
  }
  EXPECT_GT(failures, 1000u);
  EXPECT_GT(loads, 100u);  // flips inside data load fine
}

TEST(IoFile, PathsAndErrors) {
  std::string dir = ::testing::TempDir();
  std::string base = dir + "mlxjs_io_test";
  array a = pattern(int32, {3});
  save(base, a);
  expect_same(load_npy(io::Source::file(base + ".npy")), a);
  savez(base, {{"x", a}});
  expect_same(load_npz(io::Source::file(base + ".npz"))[0].second, a);
  save_safetensors(base + ".safetensors", {{"x", a}});
  expect_same(load_safetensors(io::Source::file(base + ".safetensors")).first[0].second, a);
  save_gguf(base, {{"x", a}});
  expect_same(load_gguf(io::Source::file(base + ".gguf")).first[0].second, a);
  for (const char* e : {".npy", ".npz", ".safetensors", ".gguf"}) std::remove((base + e).c_str());
  EXPECT_NE(error_of([&] { io::Source::file(base + ".missing"); }).find("[load] Failed to open"), std::string::npos);
  EXPECT_NE(error_of([&] { io::Source::file(dir); }).find("not a regular file"), std::string::npos);
  EXPECT_NE(error_of([&] { save("/nonexistent-dir/x", a); }).find("[save] Failed to open"), std::string::npos);
}
