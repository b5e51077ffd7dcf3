// One test runs every kernel on every backend and compares: each instruction-set table this
// CPU supports (AVX2, AVX-512) must give bit-identical results to the generic table for the
// binary ops, all dtype conversions and select, on random data of every dtype (NaNs with
// payloads, infinities, subnormals, out-of-range values included), for operand strides 0,
// 1 and n, and for lengths around every vector width and block size.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "mlx/backend/cpu/kernels.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx::core::cpu;

namespace {

struct Isa {
  const char* name;
  bool supported;
  void (*fill)(KernelTable&);
};

bool cpu_has_avx2() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
         __builtin_cpu_supports("f16c");
}
bool cpu_has_avx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

std::vector<Isa> isas() {
  return {{"avx2", cpu_has_avx2(), &isa_avx2::fill}, {"avx512", cpu_has_avx512(), &isa_avx512::fill}};
}

KernelTable table(void (*fill)(KernelTable&)) {
  KernelTable t{};
  fill(t);
  return t;
}

const Dtype kAll[] = {bool_, uint8, uint16, uint32, uint64, int8, int16,
                      int32, int64, float16, float32, float64, bfloat16, complex64};

const size_t kLengths[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 511, 512, 513, 1030};

// Random element bytes for a dtype: raw bit patterns (so NaN payloads, infinities and
// subnormals appear) mixed with ordinary and boundary values.
std::vector<uint8_t> random_elems(Dtype dt, size_t n, std::mt19937_64& rng) {
  size_t sz = size_t(dt.size());
  std::vector<uint8_t> out(n * sz);
  auto put = [&](size_t i, auto v) { std::memcpy(out.data() + i * sz, &v, sizeof(v)); };
  for (size_t i = 0; i < n; ++i) {
    uint64_t r = rng();
    int mode = int(rng() % 4);  // 0: raw bits, 1: small values, 2: large values, 3: specials
    switch (dt.val) {
      case Dtype::Val::bool_: put(i, uint8_t(r & 1)); break;
      case Dtype::Val::float32: {
        float v;
        if (mode == 0) { uint32_t u = uint32_t(r); std::memcpy(&v, &u, 4); }
        else if (mode == 1) v = float(int64_t(r % 2001) - 1000) / 8.f;
        else if (mode == 2) v = std::ldexp(float(int64_t(r % 2001) - 1000), int(r % 140) - 20);
        else { const float sp[] = {0.f, -0.f, INFINITY, -INFINITY, NAN, 1e-45f, -1e-40f, 65504.f, 65520.f, 3e38f, 2147483648.f, -9.3e18f, 1.8e19f, 0.5f, 1.5f, 2.5f}; v = sp[r % 16]; }
        put(i, v);
        break;
      }
      case Dtype::Val::float64: {
        double v;
        if (mode == 0) std::memcpy(&v, &r, 8);
        else if (mode == 1) v = double(int64_t(r % 2001) - 1000) / 8.0;
        else if (mode == 2) v = std::ldexp(double(int64_t(r % 2001) - 1000), int(r % 300) - 150);
        else { const double sp[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 5e-324, -1e-310, 65519.99, 3.4e38, 3.5e38, 9.3e18, -9.3e18, 1.85e19, 1.0 + 1e-12, 2.5, -0.5}; v = sp[r % 16]; }
        put(i, v);
        break;
      }
      case Dtype::Val::float16:
      case Dtype::Val::bfloat16: {
        uint16_t u = uint16_t(r);
        if (mode == 1) {
          float f = float(int64_t(r % 2001) - 1000) / 8.f;
          u = dt == float16 ? float16_t(f).bits : bfloat16_t(f).bits;
        }
        put(i, u);
        break;
      }
      case Dtype::Val::complex64: {
        float re, im;
        uint32_t a = uint32_t(r), b = uint32_t(r >> 32);
        if (mode == 0) { std::memcpy(&re, &a, 4); std::memcpy(&im, &b, 4); }
        else { re = float(int64_t(a % 2001) - 1000) / 4.f; im = float(int64_t(b % 2001) - 1000) / 4.f; }
        if (mode == 3) im = 0.f;
        put(i, complex64_t(re, im));
        break;
      }
      default: {  // integers: raw bits, or small values (including 0 and -1 for division)
        uint64_t v = mode == 1 ? uint64_t(int64_t(r % 7) - 3) : r;
        std::memcpy(out.data() + i * sz, &v, sz);
      }
    }
  }
  return out;
}

std::string describe_bytes(const uint8_t* p, size_t sz) {
  std::string s = "0x";
  char b[3];
  for (size_t i = sz; i-- > 0;) {
    std::snprintf(b, sizeof b, "%02x", p[i]);
    s += b;
  }
  return s;
}

// Compares two outputs byte for byte; on a mismatch reports the first differing element.
::testing::AssertionResult same_bytes(const std::vector<uint8_t>& want, const std::vector<uint8_t>& got,
                                      size_t elem, const std::vector<const std::vector<uint8_t>*>& inputs,
                                      const std::vector<int64_t>& strides, const std::vector<size_t>& in_sizes) {
  if (want == got) return ::testing::AssertionSuccess();
  size_t i = 0;
  while (std::memcmp(want.data() + i * elem, got.data() + i * elem, elem) == 0) ++i;
  auto r = ::testing::AssertionFailure();
  r << "element " << i << ": generic " << describe_bytes(want.data() + i * elem, elem) << " vs "
    << describe_bytes(got.data() + i * elem, elem) << " from inputs";
  for (size_t k = 0; k < inputs.size(); ++k)
    r << " " << describe_bytes(inputs[k]->data() + size_t(int64_t(i) * strides[k]) * in_sizes[k], in_sizes[k]);
  return r;
}

const int64_t kStrides[] = {0, 1, 3};

}  // namespace

TEST(Kernels, DispatchPicksASupportedTable) {
  const KernelTable& k = kernels();
  std::string isa = k.isa;
  const char* want = std::getenv("MLX_CPU_ISA");
  if (want && *want) {
    // A forced table is used if supported, otherwise the next lower one.
    EXPECT_TRUE(isa == want || isa == "generic" || (isa == "avx2" && std::string(want) == "avx512")) << isa;
  } else if (cpu_has_avx512()) {
    EXPECT_EQ(isa, "avx512");
  } else if (cpu_has_avx2()) {
    EXPECT_EQ(isa, "avx2");
  } else {
    EXPECT_EQ(isa, "generic");
  }
  // Every slot is filled.
  for (int op = 0; op < kBinaryOps; ++op)
    for (int d = 0; d < Dtype::count; ++d) EXPECT_NE(k.binary[op][d], nullptr);
  for (int a = 0; a < Dtype::count; ++a)
    for (int b = 0; b < Dtype::count; ++b) EXPECT_NE(k.convert[a][b], nullptr);
  for (auto* s : k.select) EXPECT_NE(s, nullptr);
  for (int d = 0; d < Dtype::count; ++d) {
    for (int op = 0; op < kUnaryOps; ++op) EXPECT_NE(k.unary[op][d], nullptr);
    for (int op = 0; op < kCompareOps; ++op) EXPECT_NE(k.compare[op][d], nullptr);
    EXPECT_NE(k.divmod[d], nullptr);
  }
}

TEST(Kernels, BinaryOpsMatchGenericOnEveryIsa) {
  KernelTable gen = table(&isa_generic::fill);
  int tested = 0;
  for (const Isa& isa : isas()) {
    if (!isa.supported) {
      std::printf("  [%s] not supported by this CPU: skipped\n", isa.name);
      continue;
    }
    ++tested;
    KernelTable t = table(isa.fill);
    std::mt19937_64 rng(42);
    for (int op = 0; op < kBinaryOps; ++op)
      for (Dtype dt : kAll)
        for (size_t n : kLengths)
          for (int64_t sa : kStrides)
            for (int64_t sb : kStrides) {
              size_t sz = size_t(dt.size());
              auto a = random_elems(dt, n * size_t(sa) + 1, rng);
              auto b = random_elems(dt, n * size_t(sb) + 1, rng);
              std::vector<uint8_t> want(n * sz + 1, 0xab), got(n * sz + 1, 0xab);
              gen.binary[op][dt.index()](a.data(), b.data(), want.data(), n, sa, sb);
              t.binary[op][dt.index()](a.data(), b.data(), got.data(), n, sa, sb);
              ASSERT_TRUE(same_bytes(want, got, sz, {&a, &b}, {sa, sb}, {sz, sz}))
                  << isa.name << " op " << op << " " << dtype_name(dt) << " n=" << n << " strides "
                  << sa << "," << sb;
              ASSERT_EQ(got[n * sz], 0xab) << "wrote past the end";
            }
  }
  if (!tested) GTEST_SKIP() << "only the generic table is supported here";
}

TEST(Kernels, ConversionsMatchGenericOnEveryIsa) {
  KernelTable gen = table(&isa_generic::fill);
  int tested = 0;
  for (const Isa& isa : isas()) {
    if (!isa.supported) continue;
    ++tested;
    KernelTable t = table(isa.fill);
    std::mt19937_64 rng(43);
    for (Dtype from : kAll)
      for (Dtype to : kAll)
        for (size_t n : kLengths)
          for (int64_t s : kStrides) {
            size_t isz = size_t(from.size()), osz = size_t(to.size());
            auto in = random_elems(from, n * size_t(s) + 1, rng);
            std::vector<uint8_t> want(n * osz + 1, 0xab), got(n * osz + 1, 0xab);
            gen.convert[from.index()][to.index()](in.data(), want.data(), n, s);
            t.convert[from.index()][to.index()](in.data(), got.data(), n, s);
            ASSERT_TRUE(same_bytes(want, got, osz, {&in}, {s}, {isz}))
                << isa.name << " " << dtype_name(from) << " -> " << dtype_name(to) << " n=" << n
                << " stride " << s;
            ASSERT_EQ(got[n * osz], 0xab) << "wrote past the end";
          }
  }
  if (!tested) GTEST_SKIP() << "only the generic table is supported here";
}

TEST(Kernels, SelectMatchesGenericOnEveryIsa) {
  KernelTable gen = table(&isa_generic::fill);
  int tested = 0;
  for (const Isa& isa : isas()) {
    if (!isa.supported) continue;
    ++tested;
    KernelTable t = table(isa.fill);
    std::mt19937_64 rng(44);
    const Dtype by_size[] = {uint8, uint16, uint32, uint64};
    for (int lg = 0; lg < 4; ++lg)
      for (size_t n : kLengths)
        for (int64_t sc : kStrides)
          for (int64_t sx : kStrides) {
            int64_t sy = (sc + sx) % 2;
            Dtype dt = by_size[lg];
            size_t sz = size_t(dt.size());
            auto c = random_elems(bool_, n * size_t(sc) + 1, rng);
            auto x = random_elems(dt, n * size_t(sx) + 1, rng);
            auto y = random_elems(dt, n * size_t(sy) + 1, rng);
            std::vector<uint8_t> want(n * sz + 1, 0xab), got(n * sz + 1, 0xab);
            gen.select[lg](reinterpret_cast<const bool*>(c.data()), x.data(), y.data(), want.data(), n, sc, sx, sy);
            t.select[lg](reinterpret_cast<const bool*>(c.data()), x.data(), y.data(), got.data(), n, sc, sx, sy);
            ASSERT_TRUE(same_bytes(want, got, sz, {&x, &y}, {sx, sy}, {sz, sz}))
                << isa.name << " select size " << sz << " n=" << n;
          }
  }
  if (!tested) GTEST_SKIP() << "only the generic table is supported here";
}

// Unary ops (the float32 polynomials included) on every dtype slot, strides 0, 1 and 3.
TEST(Kernels, UnaryOpsMatchGenericOnEveryIsa) {
  KernelTable gen = table(&isa_generic::fill);
  int tested = 0;
  for (const Isa& isa : isas()) {
    if (!isa.supported) continue;
    ++tested;
    KernelTable t = table(isa.fill);
    std::mt19937_64 rng(46);
    for (int op = 0; op < kUnaryOps; ++op)
      for (Dtype dt : kAll)
        for (size_t n : kLengths)
          for (int64_t s : kStrides) {
            UnaryOp u = UnaryOp(op);
            bool to_f32 = dt == complex64 && (u == UnaryOp::abs || u == UnaryOp::real || u == UnaryOp::imag);
            size_t isz = size_t(dt.size()), osz = to_f32 ? 4 : isz;
            auto in = random_elems(dt, n * size_t(s) + 1, rng);
            std::vector<uint8_t> want(n * osz + 1, 0xab), got(n * osz + 1, 0xab);
            gen.unary[op][dt.index()](in.data(), want.data(), n, s);
            t.unary[op][dt.index()](in.data(), got.data(), n, s);
            ASSERT_TRUE(same_bytes(want, got, osz, {&in}, {s}, {isz}))
                << isa.name << " unary op " << op << " " << dtype_name(dt) << " n=" << n << " stride " << s;
            ASSERT_EQ(got[n * osz], 0xab) << "wrote past the end";
          }
  }
  if (!tested) GTEST_SKIP() << "only the generic table is supported here";
}

TEST(Kernels, CompareAndDivModMatchGenericOnEveryIsa) {
  KernelTable gen = table(&isa_generic::fill);
  int tested = 0;
  for (const Isa& isa : isas()) {
    if (!isa.supported) continue;
    ++tested;
    KernelTable t = table(isa.fill);
    std::mt19937_64 rng(47);
    for (Dtype dt : kAll)
      for (size_t n : kLengths)
        for (int64_t sa : kStrides)
          for (int64_t sb : kStrides) {
            size_t sz = size_t(dt.size());
            auto a = random_elems(dt, n * size_t(sa) + 1, rng);
            auto b = random_elems(dt, n * size_t(sb) + 1, rng);
            for (int op = 0; op < kCompareOps; ++op) {
              std::vector<uint8_t> want(n + 1, 0xab), got(n + 1, 0xab);
              gen.compare[op][dt.index()](a.data(), b.data(), want.data(), n, sa, sb);
              t.compare[op][dt.index()](a.data(), b.data(), got.data(), n, sa, sb);
              ASSERT_TRUE(same_bytes(want, got, 1, {&a, &b}, {sa, sb}, {sz, sz}))
                  << isa.name << " compare op " << op << " " << dtype_name(dt) << " n=" << n;
              ASSERT_EQ(got[n], 0xab) << "wrote past the end";
            }
            std::vector<uint8_t> wq(n * sz + 1, 0xab), wr(n * sz + 1, 0xab), gq(wq), gr(wr);
            gen.divmod[dt.index()](a.data(), b.data(), wq.data(), wr.data(), n, sa, sb);
            t.divmod[dt.index()](a.data(), b.data(), gq.data(), gr.data(), n, sa, sb);
            ASSERT_TRUE(same_bytes(wq, gq, sz, {&a, &b}, {sa, sb}, {sz, sz})) << isa.name << " divmod q " << dtype_name(dt);
            ASSERT_TRUE(same_bytes(wr, gr, sz, {&a, &b}, {sa, sb}, {sz, sz})) << isa.name << " divmod r " << dtype_name(dt);
            ASSERT_EQ(gq[n * sz], 0xab);
            ASSERT_EQ(gr[n * sz], 0xab);
          }
  }
  if (!tested) GTEST_SKIP() << "only the generic table is supported here";
}

// The generic table itself against plain C++ on a few values per dtype pair (the ISA tables
// are then pinned to it by the tests above).
TEST(Kernels, GenericConversionsAgreeWithScalarSemantics) {
  KernelTable gen = table(&isa_generic::fill);
  auto conv = [&](Dtype from, Dtype to, const void* in, void* out) {
    gen.convert[from.index()][to.index()](in, out, 1, 1);
  };
  float f = 2.75f;
  float16_t h;
  conv(float32, float16, &f, &h);
  EXPECT_EQ(h.bits, 0x4180);
  bfloat16_t bf;
  conv(float32, bfloat16, &f, &bf);
  EXPECT_EQ(bf.bits, 0x4030);
  int8_t i8;
  conv(float32, int8, &f, &i8);
  EXPECT_EQ(i8, 2);
  double d = -1e300;
  int32_t i32;
  conv(float64, int32, &d, &i32);  // out of range: INT64_MIN, wrapped to 32 bits
  EXPECT_EQ(i32, 0);
  uint64_t u64;
  d = 1.5e19;  // above INT64_MAX, inside uint64
  conv(float64, uint64, &d, &u64);
  EXPECT_EQ(u64, uint64_t(1.5e19));
  uint64_t big = (uint64_t(1) << 63) + (uint64_t(1) << 55) + 1;
  conv(uint64, bfloat16, &big, &bf);
  EXPECT_EQ(bf.bits, 0x5f01);  // one rounding, not two
  d = 1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40);
  conv(float64, float16, &d, &h);
  EXPECT_EQ(h.bits, 0x3c01);
  uint16_t snan = 0x7c01;
  float out;
  conv(float16, float32, &snan, &out);
  uint32_t ob;
  std::memcpy(&ob, &out, 4);
  EXPECT_EQ(ob, 0x7fc02000u);  // quieted, payload kept (as F16C)
  complex64_t z(3.5f, -1.f);
  conv(complex64, int16, &z, &i32);
  EXPECT_EQ(int16_t(i32 & 0xffff), 3);
  bool b;
  conv(complex64, bool_, &z, &b);
  EXPECT_TRUE(b);
}

// The whole pipeline (astype / add through arrays) under the dispatched table matches the
// generic table, including strided and broadcast layouts.
TEST(Kernels, ArrayOpsMatchGenericTable) {
  KernelTable gen = table(&isa_generic::fill);
  std::mt19937_64 rng(45);
  for (Dtype from : kAll) {
    auto bytes = random_elems(from, 6 * 7, rng);
    array a(bytes.data(), {6, 7}, from);
    array t = mlx::core::transpose(a);
    for (Dtype to : kAll) {
      auto got = mlx_test::to_bytes(astype(t, to));
      // Reference: the generic kernel, element by element, in the transposed order.
      std::vector<uint8_t> want(got.size());
      size_t isz = size_t(from.size()), osz = size_t(to.size());
      for (int i = 0; i < 7; ++i)
        for (int j = 0; j < 6; ++j)
          gen.convert[from.index()][to.index()](bytes.data() + (size_t(j) * 7 + i) * isz,
                                                want.data() + (size_t(i) * 6 + j) * osz, 1, 1);
      ASSERT_EQ(got, want) << dtype_name(from) << " -> " << dtype_name(to);
    }
  }
}
