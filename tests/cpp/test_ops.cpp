// Every op in ops.h: values, result dtypes, broadcasting, the stream argument, and its
// errors (an "[op]" prefix; std::out_of_range for bad axes, std::invalid_argument otherwise).
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <limits>
#include <random>

#include "mlx/primitives.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

using cd = std::complex<double>;

// Any array's elements as complex doubles (row-major).
std::vector<cd> to_cd(const array& a) {
  return dispatch_dtype(a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    auto v = to_vec<T>(a);
    std::vector<cd> out(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
      if constexpr (std::is_same_v<T, complex64_t>)
        out[i] = cd(v[i].real(), v[i].imag());
      else if constexpr (std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>)
        out[i] = cd(double(float(v[i])), 0);
      else
        out[i] = cd(double(v[i]), 0);
    }
    return out;
  });
}

std::vector<double> to_d(const array& a) {
  auto c = to_cd(a);
  std::vector<double> out(c.size());
  for (size_t i = 0; i < c.size(); ++i) out[i] = c[i].real();
  return out;
}

// A float32 array of shape with values 0, 1, 2, ... (row-major).
array iota(Shape shape, Dtype dt = float32) {
  array a = reshape(arange(0, double(shape_size(shape)), 1, float32), shape);
  return astype(a, dt);
}

Stream cpu_default() { return default_stream(Device(Device::cpu)); }

}  // namespace

// ---- streams -----------------------------------------------------------------------------

TEST(Ops, ToStream) {
  EXPECT_EQ(to_stream({}), default_stream(default_device()));
  EXPECT_EQ(to_stream(Device(Device::cpu)), cpu_default());
  Stream s = new_stream(Device(Device::cpu));
  EXPECT_EQ(to_stream(s), s);
  EXPECT_INVALID(to_stream(Device(Device::gpu)), "default_stream");
  EXPECT_INVALID(to_stream(Stream(0, Device(Device::gpu))), "stream");
  EXPECT_INVALID(new_stream(Device(Device::gpu)), "new_stream");
  EXPECT_OUT_OF_RANGE(stream_from_index(-1), "stream");
  EXPECT_OUT_OF_RANGE(stream_from_index(1 << 20), "stream");
}

TEST(Ops, StreamArgumentIsUsed) {
  Stream s = new_stream(Device(Device::cpu));
  array a = make<float>({1, 2, 3});
  std::vector<array> outs = {
      zeros({2}, float32, s), ones({2}, int32, s), full({2}, array(3.f), s),
      arange(0, 3, 1, float32, s), astype(a, int32, s), copy(a, s), broadcast_to(a, {2, 3}, s),
      reshape(a, {3, 1}, s), flatten(reshape(a, {1, 3}), 0, -1, s), squeeze(reshape(a, {1, 3}), s),
      expand_dims(a, {0}, s), transpose(reshape(a, {1, 3}), s), moveaxis(reshape(a, {1, 3}), 0, 1, s),
      swapaxes(reshape(a, {1, 3}), 0, 1, s), add(a, a, s), subtract(a, a, s), multiply(a, a, s),
      divide(a, a, s), where(array(true), a, a, s),
      matmul(reshape(a, {1, 3}), reshape(a, {3, 1}), s)};
  for (auto& o : outs) EXPECT_EQ(o.stream(), s) << (o.has_primitive() ? o.primitive().name() : "?");
  eval(outs);
  EXPECT_EQ(to_d(outs[14]), (std::vector<double>{2, 4, 6}));
  EXPECT_EQ(to_d(outs.back()), (std::vector<double>{14}));
}

// ---- creation ----------------------------------------------------------------------------

TEST(Ops, ZerosOnes) {
  for (Dtype dt : {bool_, uint8, int16, uint32, int64, float16, float32, float64, bfloat16, complex64}) {
    array z = zeros({2, 3}, dt);
    array o = ones({3}, dt);
    EXPECT_EQ(z.dtype(), dt);
    EXPECT_EQ(z.shape(), (Shape{2, 3}));
    EXPECT_EQ(to_d(z), std::vector<double>(6, 0.0)) << dtype_name(dt);
    EXPECT_EQ(to_d(o), std::vector<double>(3, 1.0)) << dtype_name(dt);
  }
  EXPECT_EQ(zeros({}).ndim(), 0);
  EXPECT_EQ(zeros({}).item<float>(), 0.f);
  EXPECT_EQ(zeros({0, 5}).size(), 0u);
  EXPECT_EQ(ones({2}).dtype(), float32);
  EXPECT_INVALID(zeros({-1}), "zeros");
  EXPECT_INVALID(ones({2, -5}), "ones");
  EXPECT_INVALID(zeros({1 << 30, 1 << 30, 1 << 30}), "zeros");
}

TEST(Ops, ZerosLikeOnesLike) {
  array a = iota({2, 2}, int16);
  array z = zeros_like(a), o = ones_like(a);
  EXPECT_EQ(z.dtype(), int16);
  EXPECT_EQ(o.shape(), (Shape{2, 2}));
  EXPECT_EQ(to_vec<int16_t>(z), (std::vector<int16_t>{0, 0, 0, 0}));
  EXPECT_EQ(to_vec<int16_t>(o), (std::vector<int16_t>{1, 1, 1, 1}));
}

TEST(Ops, Full) {
  array f = full({2, 3}, array(2.5f));
  EXPECT_EQ(f.dtype(), float32);
  EXPECT_EQ(to_vec<float>(f), std::vector<float>(6, 2.5f));
  // vals broadcast along the leading dims; dtype converts.
  array r = full({2, 3}, make<float>({1.5f, 2.5f, 3.5f}), int32);
  EXPECT_EQ(r.dtype(), int32);
  EXPECT_EQ(to_vec<int32_t>(r), (std::vector<int32_t>{1, 2, 3, 1, 2, 3}));
  array c = full({3, 2}, make<int8_t>({7, 8, 9}, {3, 1}));
  EXPECT_EQ(to_vec<int8_t>(c), (std::vector<int8_t>{7, 7, 8, 8, 9, 9}));
  EXPECT_EQ(to_d(full({2}, array(1.25), bfloat16)), (std::vector<double>{1.25, 1.25}));
  EXPECT_EQ(to_cd(full({1}, array(3.f), complex64))[0], cd(3, 0));
  // The result is materialised (row-contiguous), not a view of vals.
  array v = make<float>({1, 2});
  array m = full({3, 2}, v);
  m.eval();
  EXPECT_TRUE(m.flags().row_contiguous);
  EXPECT_EQ(m.data_size(), 6u);
  EXPECT_NE(m.data<float>(), v.data<float>());
  // Errors.
  EXPECT_INVALID(full({2, 3}, make<float>({1, 2})), "full");
  EXPECT_INVALID(full({3}, make<float>({1, 2, 3}, {1, 3})), "full");
  EXPECT_INVALID(full({2, 4}, make<float>({1, 2, 3}, {3, 1})), "full");
  EXPECT_INVALID(full({-2}, array(1.f)), "full");
}

TEST(Ops, Arange) {
  array a = arange(0, 5, 1, int32);
  EXPECT_EQ(a.dtype(), int32);
  EXPECT_EQ(to_vec<int32_t>(a), (std::vector<int32_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(to_vec<float>(arange(1, 2, 0.25, float32)), (std::vector<float>{1, 1.25, 1.5, 1.75}));
  EXPECT_EQ(to_vec<int64_t>(arange(10, 0, -3, int64)), (std::vector<int64_t>{10, 7, 4, 1}));
  EXPECT_EQ(to_vec<double>(arange(-1, 1, 0.5, float64)), (std::vector<double>{-1, -0.5, 0, 0.5}));
  EXPECT_EQ(to_d(arange(0, 4, 1, float16)), (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(to_d(arange(0, 4, 1, bfloat16)), (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(to_vec<uint8_t>(arange(250, 256, 2, uint8)), (std::vector<uint8_t>{250, 252, 254}));
  EXPECT_EQ(arange(5, 0, 1, int32).size(), 0u);  // empty, not an error
  EXPECT_EQ(arange(0, 0, 1, float32).shape(), (Shape{0}));
  EXPECT_EQ(arange(0, 10, 3, int32).shape(), (Shape{4}));
  EXPECT_INVALID(arange(0, 5, 0, int32), "arange");
  EXPECT_INVALID(arange(0, 5, 1, bool_), "arange");
  EXPECT_INVALID(arange(0, 5, 1, complex64), "arange");
  EXPECT_INVALID(arange(0, NAN, 1, float32), "arange");
  EXPECT_INVALID(arange(NAN, 1, 1, float32), "arange");
  EXPECT_INVALID(arange(0, INFINITY, 1, float32), "arange");
  EXPECT_INVALID(arange(0, 1e12, 1, float32), "arange");
}

TEST(Ops, AsType) {
  array f = make<float>({-2.75f, -1.5f, 0.f, 0.5f, 1.99f, 200.f});
  EXPECT_EQ(to_vec<int32_t>(astype(f, int32)), (std::vector<int32_t>{-2, -1, 0, 0, 1, 200}));
  EXPECT_EQ(to_vec<int8_t>(astype(f, int8)), (std::vector<int8_t>{-2, -1, 0, 0, 1, -56}));  // wraps
  EXPECT_EQ(to_vec<bool>(astype(f, bool_)), (std::vector<bool>{true, true, false, true, true, true}));
  EXPECT_EQ(to_d(astype(f, float16)), (std::vector<double>{-2.75, -1.5, 0, 0.5, 1.990234375, 200}));
  EXPECT_EQ(to_d(astype(f, bfloat16)), (std::vector<double>{-2.75, -1.5, 0, 0.5, 1.9921875, 200}));
  EXPECT_EQ(to_cd(astype(f, complex64))[0], cd(-2.75, 0));
  // Integers: wrap to the narrower type as a C++ conversion does.
  array i = make<int32_t>({-1, 255, 256, 65535, 70000, std::numeric_limits<int32_t>::min()});
  EXPECT_EQ(to_vec<uint8_t>(astype(i, uint8)), (std::vector<uint8_t>{255, 255, 0, 255, 112, 0}));
  EXPECT_EQ(to_vec<int16_t>(astype(i, int16)), (std::vector<int16_t>{-1, 255, 256, -1, 4464, 0}));
  EXPECT_EQ(to_vec<uint64_t>(astype(i, uint64))[0], std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(to_vec<int64_t>(astype(i, int64))[5], std::numeric_limits<int32_t>::min());
  // bool <-> numbers.
  array b = make<bool>({true, false});
  EXPECT_EQ(to_vec<float>(astype(b, float32)), (std::vector<float>{1, 0}));
  EXPECT_EQ(to_vec<uint8_t>(astype(make<int16_t>({0, 2, -3}), bool_)).size(), 3u);
  EXPECT_EQ(to_vec<bool>(astype(make<int16_t>({0, 2, -3}), bool_)), (std::vector<bool>{false, true, true}));
  // complex -> real keeps the real part.
  array c = make<complex64_t>({{1.5f, 2.f}, {-3.f, 4.f}});
  EXPECT_EQ(to_vec<float>(astype(c, float32)), (std::vector<float>{1.5f, -3.f}));
  EXPECT_EQ(to_vec<int32_t>(astype(c, int32)), (std::vector<int32_t>{1, -3}));
  EXPECT_EQ(to_vec<bool>(astype(make<complex64_t>({{0.f, 0.f}, {0.f, 1.f}}), bool_)), (std::vector<bool>{false, true}));
  // Same dtype: the same array.
  EXPECT_TRUE(astype(f, float32).is_same(f));
  // A strided input.
  array t = transpose(iota({2, 3}));
  EXPECT_EQ(to_vec<int64_t>(astype(t, int64)), (std::vector<int64_t>{0, 3, 1, 4, 2, 5}));
  // float64 -> float32 -> back.
  array d = make<double>({0.1, 1e300, -1e-300});
  auto d32 = to_vec<float>(astype(d, float32));
  EXPECT_EQ(d32[0], 0.1f);
  EXPECT_TRUE(std::isinf(d32[1]));
  EXPECT_EQ(d32[2], -0.f);
  EXPECT_TRUE(std::signbit(d32[2]));
}

TEST(Ops, AsTypeSixtyFourBitIntegersToBFloat16RoundOnce) {
  // Just above a bfloat16 tie; rounding through double first would land on the tie.
  uint64_t x = (uint64_t(1) << 63) + (uint64_t(1) << 55) + 1;
  array u = make<uint64_t>({x});
  EXPECT_EQ(to_vec<bfloat16_t>(astype(u, bfloat16))[0].bits, 0x5f01);
  array s = make<int64_t>({-int64_t((uint64_t(1) << 62) + (uint64_t(1) << 54) + 1)});
  EXPECT_EQ(to_vec<bfloat16_t>(astype(s, bfloat16))[0].bits, 0xde81);
  EXPECT_EQ(array(x, bfloat16).item<bfloat16_t>().bits, 0x5f01);
}

TEST(Ops, Copy) {
  array a = iota({2, 2});
  array c = copy(a);
  EXPECT_FALSE(c.is_same(a));
  EXPECT_EQ(c.dtype(), float32);
  EXPECT_EQ(to_vec<float>(c), (std::vector<float>{0, 1, 2, 3}));
  EXPECT_EQ(to_vec<float>(copy(transpose(a))), (std::vector<float>{0, 2, 1, 3}));
}

// ---- shapes -------------------------------------------------------------------------------

TEST(Ops, BroadcastShapes) {
  EXPECT_EQ(broadcast_shapes({1, 3}, {2, 1}), (Shape{2, 3}));
  EXPECT_EQ(broadcast_shapes({}, {4, 5}), (Shape{4, 5}));
  EXPECT_EQ(broadcast_shapes({5, 1, 4}, {3, 1}), (Shape{5, 3, 4}));
  EXPECT_EQ(broadcast_shapes({0, 1}, {1, 7}), (Shape{0, 7}));
  EXPECT_EQ(broadcast_shapes({1}, {0}), (Shape{0}));
  EXPECT_INVALID(broadcast_shapes({2, 3}, {4}), "broadcast_shapes");
  EXPECT_INVALID(broadcast_shapes({2}, {0}), "broadcast_shapes");
}

TEST(Ops, BroadcastTo) {
  array a = make<int32_t>({1, 2, 3});
  array b = broadcast_to(a, {2, 3});
  EXPECT_EQ(b.shape(), (Shape{2, 3}));
  EXPECT_EQ(to_vec<int32_t>(b), (std::vector<int32_t>{1, 2, 3, 1, 2, 3}));
  array c = broadcast_to(make<int32_t>({1, 2}, {2, 1}), {2, 2, 3});
  EXPECT_EQ(to_vec<int32_t>(c), (std::vector<int32_t>{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2}));
  EXPECT_EQ(to_vec<float>(broadcast_to(array(4.f), {3})), (std::vector<float>{4, 4, 4}));
  EXPECT_EQ(broadcast_to(a, {0, 3}).size(), 0u);
  EXPECT_TRUE(broadcast_to(a, {3}).is_same(a));
  EXPECT_INVALID(broadcast_to(a, {4}), "broadcast_to");
  EXPECT_INVALID(broadcast_to(a, {3, 2}), "broadcast_to");
  EXPECT_INVALID(broadcast_to(make<int32_t>({1, 2, 3}, {1, 3}), {3}), "broadcast_to");
  EXPECT_INVALID(broadcast_to(a, {-1, 3}), "broadcast_to");
}

TEST(Ops, Reshape) {
  array a = iota({2, 3, 4});
  EXPECT_EQ(reshape(a, {4, 6}).shape(), (Shape{4, 6}));
  EXPECT_EQ(reshape(a, {-1, 2}).shape(), (Shape{12, 2}));
  EXPECT_EQ(reshape(a, {3, -1, 2}).shape(), (Shape{3, 4, 2}));
  EXPECT_EQ(reshape(a, {24}).dtype(), float32);
  EXPECT_EQ(reshape(array(5.f), {1, 1}).shape(), (Shape{1, 1}));
  EXPECT_EQ(reshape(zeros({0, 3}), {3, 0}).shape(), (Shape{3, 0}));
  EXPECT_EQ(reshape(zeros({0, 3}), {-1}).shape(), (Shape{0}));
  // A transposed input is reshaped in row-major order of its logical elements.
  array t = transpose(iota({2, 3}));  // [[0,3],[1,4],[2,5]]
  EXPECT_EQ(to_vec<float>(reshape(t, {6})), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(to_vec<float>(reshape(t, {2, 3})), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  array broad = broadcast_to(make<int8_t>({1, 2}), {2, 2});
  EXPECT_EQ(to_vec<int8_t>(reshape(broad, {4})), (std::vector<int8_t>{1, 2, 1, 2}));
  EXPECT_INVALID(reshape(a, {5, 5}), "reshape");
  EXPECT_INVALID(reshape(a, {-1, -1}), "reshape");
  EXPECT_INVALID(reshape(a, {-1, 5}), "reshape");
  EXPECT_INVALID(reshape(a, {-2, 12}), "reshape");
  EXPECT_INVALID(reshape(zeros({0}), {-1, 0}), "reshape");
  EXPECT_INVALID(reshape(a, {1 << 30, 1 << 30, 1 << 30}), "reshape");
}

TEST(Ops, Flatten) {
  array a = iota({2, 3, 4});
  EXPECT_EQ(flatten(a).shape(), (Shape{24}));
  EXPECT_EQ(flatten(a, 1).shape(), (Shape{2, 12}));
  EXPECT_EQ(flatten(a, 0, 1).shape(), (Shape{6, 4}));
  EXPECT_EQ(flatten(a, -2, -1).shape(), (Shape{2, 12}));
  EXPECT_EQ(flatten(a, 1, 1).shape(), (Shape{2, 3, 4}));
  EXPECT_EQ(flatten(array(3.f)).shape(), (Shape{1}));
  EXPECT_EQ(to_vec<float>(flatten(transpose(iota({2, 2})))), (std::vector<float>{0, 2, 1, 3}));
  // As MLX, axes are clamped to the dims; a start past the last dim comes after the end.
  EXPECT_EQ(flatten(a, 0, 3).shape(), (Shape{24}));
  EXPECT_EQ(flatten(a, -4).shape(), (Shape{24}));
  EXPECT_INVALID(flatten(a, 3), "flatten");
  EXPECT_INVALID(flatten(a, 2, 1), "flatten");
}

TEST(Ops, Squeeze) {
  array a = zeros({1, 3, 1, 2});
  EXPECT_EQ(squeeze(a).shape(), (Shape{3, 2}));
  EXPECT_EQ(squeeze(a, {0}).shape(), (Shape{3, 1, 2}));
  EXPECT_EQ(squeeze(a, {-2}).shape(), (Shape{1, 3, 2}));
  EXPECT_EQ(squeeze(a, {0, 2}).shape(), (Shape{3, 2}));
  EXPECT_EQ(squeeze(zeros({1, 1})).ndim(), 0);
  EXPECT_EQ(to_vec<float>(squeeze(reshape(iota({3}), {1, 3}))), (std::vector<float>{0, 1, 2}));
  EXPECT_INVALID(squeeze(a, {1}), "squeeze");
  EXPECT_INVALID(squeeze(a, {0, 0}), "squeeze");
  EXPECT_INVALID(squeeze(a, {0, -4}), "squeeze");
  EXPECT_OUT_OF_RANGE(squeeze(a, {4}), "squeeze");
  EXPECT_OUT_OF_RANGE(squeeze(a, {-5}), "squeeze");
}

TEST(Ops, ExpandDims) {
  array a = iota({2, 3});
  EXPECT_EQ(expand_dims(a, {0}).shape(), (Shape{1, 2, 3}));
  EXPECT_EQ(expand_dims(a, {2}).shape(), (Shape{2, 3, 1}));
  EXPECT_EQ(expand_dims(a, {-1}).shape(), (Shape{2, 3, 1}));
  EXPECT_EQ(expand_dims(a, {0, 3}).shape(), (Shape{1, 2, 3, 1}));
  EXPECT_EQ(expand_dims(a, {1, -1}).shape(), (Shape{2, 1, 3, 1}));
  EXPECT_EQ(expand_dims(array(1.f), {0}).shape(), (Shape{1}));
  EXPECT_EQ(to_vec<float>(expand_dims(a, {1})), (std::vector<float>{0, 1, 2, 3, 4, 5}));
  EXPECT_OUT_OF_RANGE(expand_dims(a, {3}), "expand_dims");
  EXPECT_OUT_OF_RANGE(expand_dims(a, {-4}), "expand_dims");
  EXPECT_OUT_OF_RANGE(expand_dims(a, {0, 4}), "expand_dims");
  EXPECT_INVALID(expand_dims(a, {1, 1}), "expand_dims");
  EXPECT_INVALID(expand_dims(a, {0, -4}), "expand_dims");
}

TEST(Ops, Transpose) {
  array a = iota({2, 3, 4});
  array t = transpose(a);
  EXPECT_EQ(t.shape(), (Shape{4, 3, 2}));
  auto tv = to_vec<float>(t);
  // t[i][j][k] = a[k][j][i] = 12k + 4j + i
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 2; ++k) EXPECT_EQ(tv[i * 6 + j * 2 + k], float(12 * k + 4 * j + i));
  EXPECT_EQ(transpose(a, {1, 0, 2}).shape(), (Shape{3, 2, 4}));
  EXPECT_EQ(transpose(a, {-1, 0, 1}).shape(), (Shape{4, 2, 3}));
  EXPECT_TRUE(transpose(a, {0, 1, 2}).is_same(a));
  EXPECT_EQ(to_vec<float>(transpose(transpose(a, {2, 0, 1}), {1, 2, 0})), to_vec<float>(a));
  EXPECT_EQ(transpose(array(1.f)).ndim(), 0);
  EXPECT_INVALID(transpose(a, {0, 1}), "transpose");
  EXPECT_INVALID(transpose(a, {0, 1, 2, 3}), "transpose");
  EXPECT_INVALID(transpose(a, {0, 0, 1}), "transpose");
  EXPECT_INVALID(transpose(a, {0, -3, 1}), "transpose");
  EXPECT_OUT_OF_RANGE(transpose(a, {0, 1, 3}), "transpose");
  EXPECT_OUT_OF_RANGE(transpose(a, {0, 1, -4}), "transpose");
}

TEST(Ops, MoveaxisSwapaxes) {
  array a = iota({2, 3, 4});
  EXPECT_EQ(moveaxis(a, 0, 2).shape(), (Shape{3, 4, 2}));
  EXPECT_EQ(moveaxis(a, -1, 0).shape(), (Shape{4, 2, 3}));
  EXPECT_EQ(moveaxis(a, 1, 1).shape(), (Shape{2, 3, 4}));
  EXPECT_EQ(to_vec<float>(moveaxis(a, 2, 0)), to_vec<float>(transpose(a, {2, 0, 1})));
  EXPECT_EQ(swapaxes(a, 0, 2).shape(), (Shape{4, 3, 2}));
  EXPECT_EQ(swapaxes(a, -1, -2).shape(), (Shape{2, 4, 3}));
  EXPECT_EQ(to_vec<float>(swapaxes(a, 0, 2)), to_vec<float>(transpose(a, {2, 1, 0})));
  EXPECT_OUT_OF_RANGE(moveaxis(a, 3, 0), "moveaxis");
  EXPECT_OUT_OF_RANGE(moveaxis(a, 0, -4), "moveaxis");
  EXPECT_OUT_OF_RANGE(swapaxes(a, 0, 3), "swapaxes");
  EXPECT_OUT_OF_RANGE(swapaxes(a, -4, 0), "swapaxes");
}

// ---- arithmetic -----------------------------------------------------------------------------

TEST(Ops, AddValuesAndBroadcasting) {
  array a = make<int32_t>({1, 2, 3, 4, 5, 6}, {2, 3});
  array b = make<int32_t>({10, 20, 30});
  EXPECT_EQ(to_vec<int32_t>(add(a, b)), (std::vector<int32_t>{11, 22, 33, 14, 25, 36}));
  EXPECT_EQ(to_vec<int32_t>(add(b, a)), (std::vector<int32_t>{11, 22, 33, 14, 25, 36}));
  array col = make<int32_t>({100, 200}, {2, 1});
  EXPECT_EQ(to_vec<int32_t>(add(col, b)), (std::vector<int32_t>{110, 120, 130, 210, 220, 230}));
  EXPECT_EQ(add(col, b).shape(), (Shape{2, 3}));
  EXPECT_EQ(to_vec<int32_t>(add(a, array(1))), (std::vector<int32_t>{2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(to_vec<int32_t>(add(array(1), a)), (std::vector<int32_t>{2, 3, 4, 5, 6, 7}));
  // Strided operands (the general path).
  array at = transpose(a);  // [[1,4],[2,5],[3,6]]
  EXPECT_EQ(to_vec<int32_t>(add(at, make<int32_t>({1, 2}))), (std::vector<int32_t>{2, 6, 3, 7, 4, 8}));
  EXPECT_EQ(to_vec<int32_t>(add(at, at)), (std::vector<int32_t>{2, 8, 4, 10, 6, 12}));
  EXPECT_EQ(add(zeros({0, 3}), zeros({3})).shape(), (Shape{0, 3}));
  EXPECT_INVALID(add(a, make<int32_t>({1, 2})), "add");
  EXPECT_INVALID(add(zeros({2, 3}), zeros({3, 2})), "add");
}

TEST(Ops, ArithmeticDtypes) {
  auto dt = [](Dtype x, Dtype y) { return add(zeros({1}, x), zeros({1}, y)).dtype(); };
  EXPECT_EQ(dt(int8, uint8), int16);
  EXPECT_EQ(dt(uint64, int32), float32);
  EXPECT_EQ(dt(float16, bfloat16), float32);
  EXPECT_EQ(dt(bool_, bool_), bool_);
  EXPECT_EQ(dt(int64, float16), float16);
  EXPECT_EQ(dt(float64, complex64), complex64);
  EXPECT_EQ(subtract(zeros({1}, uint8), zeros({1}, int8)).dtype(), int16);
  EXPECT_EQ(multiply(zeros({1}, int32), zeros({1}, float32)).dtype(), float32);
  EXPECT_EQ(divide(zeros({1}, int32), zeros({1}, int32)).dtype(), float32);
  EXPECT_EQ(divide(zeros({1}, uint8), zeros({1}, bool_)).dtype(), float32);
  EXPECT_EQ(divide(zeros({1}, float16), zeros({1}, int64)).dtype(), float16);
  EXPECT_EQ(divide(zeros({1}, float64), zeros({1}, float64)).dtype(), float64);
  EXPECT_EQ(divide(zeros({1}, bfloat16), zeros({1}, bfloat16)).dtype(), bfloat16);
  EXPECT_EQ(divide(zeros({1}, complex64), zeros({1}, int8)).dtype(), complex64);
  // Mixed-dtype values are converted before the op.
  EXPECT_EQ(to_vec<int16_t>(add(make<int8_t>({-128}), make<uint8_t>({255}))), (std::vector<int16_t>{127}));
  EXPECT_EQ(to_vec<float>(add(make<uint64_t>({uint64_t(1) << 40}), make<int32_t>({-1}))),
            (std::vector<float>{float(uint64_t(1) << 40)}));
}

TEST(Ops, IntegerArithmeticWraps) {
  EXPECT_EQ(to_vec<int8_t>(add(make<int8_t>({127, -128}), make<int8_t>({1, -1}))), (std::vector<int8_t>{-128, 127}));
  EXPECT_EQ(to_vec<uint8_t>(add(make<uint8_t>({255}), make<uint8_t>({1}))), (std::vector<uint8_t>{0}));
  EXPECT_EQ(to_vec<uint8_t>(subtract(make<uint8_t>({0}), make<uint8_t>({1}))), (std::vector<uint8_t>{255}));
  EXPECT_EQ(to_vec<int32_t>(add(make<int32_t>({std::numeric_limits<int32_t>::max()}), make<int32_t>({1}))),
            (std::vector<int32_t>{std::numeric_limits<int32_t>::min()}));
  EXPECT_EQ(to_vec<int64_t>(subtract(make<int64_t>({std::numeric_limits<int64_t>::min()}), make<int64_t>({1}))),
            (std::vector<int64_t>{std::numeric_limits<int64_t>::max()}));
  EXPECT_EQ(to_vec<uint16_t>(multiply(make<uint16_t>({65535}), make<uint16_t>({65535}))), (std::vector<uint16_t>{1}));
  EXPECT_EQ(to_vec<int64_t>(multiply(make<int64_t>({int64_t(1) << 62}), make<int64_t>({4}))), (std::vector<int64_t>{0}));
  EXPECT_EQ(to_vec<uint64_t>(multiply(make<uint64_t>({~uint64_t(0)}), make<uint64_t>({~uint64_t(0)}))),
            (std::vector<uint64_t>{1}));
  EXPECT_EQ(to_vec<int8_t>(multiply(make<int8_t>({-128}), make<int8_t>({-1}))), (std::vector<int8_t>{-128}));
}

TEST(Ops, SubtractMultiply) {
  array a = make<float>({1.5f, -2.f, 4.f});
  array b = make<float>({0.5f, 3.f, -1.f});
  EXPECT_EQ(to_vec<float>(subtract(a, b)), (std::vector<float>{1.f, -5.f, 5.f}));
  EXPECT_EQ(to_vec<float>(multiply(a, b)), (std::vector<float>{0.75f, -6.f, -4.f}));
  EXPECT_EQ(to_vec<double>(subtract(array(1.0), make<double>({0.25, 2}))), (std::vector<double>{0.75, -1}));
  EXPECT_EQ(to_d(multiply(astype(a, float16), astype(b, float16))), (std::vector<double>{0.75, -6, -4}));
  EXPECT_EQ(to_d(subtract(astype(a, bfloat16), array(1.f, bfloat16))), (std::vector<double>{0.5, -3, 3}));
  auto c = to_vec<complex64_t>(multiply(make<complex64_t>({{1, 2}}), make<complex64_t>({{3, -1}})));
  EXPECT_EQ(c[0], complex64_t(5, 5));
  EXPECT_EQ(to_vec<bool>(multiply(make<bool>({true, true, false}), make<bool>({true, false, false}))),
            (std::vector<bool>{true, false, false}));
  EXPECT_EQ(to_vec<bool>(add(make<bool>({true, true, false}), make<bool>({true, false, false}))),
            (std::vector<bool>{true, true, false}));
  EXPECT_INVALID(subtract(zeros({2}), zeros({3})), "subtract");
  EXPECT_INVALID(multiply(zeros({2, 1, 3}), zeros({2, 2})), "multiply");
}

TEST(Ops, Divide) {
  EXPECT_EQ(to_vec<float>(divide(make<int32_t>({1, -7, 6}), make<int32_t>({2, 2, 3}))), (std::vector<float>{0.5f, -3.5f, 2.f}));
  auto z = to_vec<float>(divide(make<float>({1.f, -1.f, 0.f}), make<float>({0.f, 0.f, 0.f})));
  EXPECT_EQ(z[0], INFINITY);
  EXPECT_EQ(z[1], -INFINITY);
  EXPECT_TRUE(std::isnan(z[2]));
  EXPECT_EQ(to_vec<double>(divide(make<double>({1}), make<double>({3})))[0], 1.0 / 3.0);
  EXPECT_EQ(to_d(divide(array(1.f, float16), array(3.f, float16))), (std::vector<double>{0.333251953125}));
  auto q = to_vec<complex64_t>(divide(make<complex64_t>({{5, 5}}), make<complex64_t>({{3, -1}})));
  EXPECT_NEAR(q[0].real(), 1.f, 1e-6);
  EXPECT_NEAR(q[0].imag(), 2.f, 1e-6);
  // Integer division by zero in a float result.
  EXPECT_EQ(to_vec<float>(divide(make<int8_t>({4}), make<int8_t>({0})))[0], INFINITY);
  EXPECT_INVALID(divide(zeros({2}), zeros({3})), "divide");
}

TEST(Ops, Where) {
  array c = make<bool>({true, false, true});
  array x = make<int32_t>({1, 2, 3});
  array y = make<int32_t>({-1, -2, -3});
  EXPECT_EQ(to_vec<int32_t>(where(c, x, y)), (std::vector<int32_t>{1, -2, 3}));
  // Broadcasting all three; the condition converts to bool; x and y promote.
  array cond = make<float>({0.f, 2.f}, {2, 1});
  array w = where(cond, make<int8_t>({1, 2, 3}), array(0.5f));
  EXPECT_EQ(w.dtype(), float32);
  EXPECT_EQ(w.shape(), (Shape{2, 3}));
  EXPECT_EQ(to_vec<float>(w), (std::vector<float>{0.5f, 0.5f, 0.5f, 1.f, 2.f, 3.f}));
  EXPECT_EQ(where(array(true), make<uint8_t>({1}), make<int8_t>({1})).dtype(), int16);
  // Every element size, and strided inputs.
  for (Dtype dt : {bool_, int8, int16, float32, float64, complex64}) {
    array a = astype(iota({2, 3}), dt), b = astype(zeros({3, 2}), dt);
    array r = where(transpose(make<bool>({true, false, true, false, true, false}, {2, 3})), transpose(a), b);
    EXPECT_EQ(r.dtype(), dt);
    auto v = to_d(r);
    std::vector<double> expect = {0, 0, 0, 4, 2, 0};  // rows of a^T: [0,3],[1,4],[2,5]; mask^T: [1,0],[0,1],[1,0]
    if (dt == bool_) expect = {0, 0, 0, 1, 1, 0};
    EXPECT_EQ(v, expect) << dtype_name(dt);
  }
  EXPECT_INVALID(where(make<bool>({true, false}), x, y), "where");
  EXPECT_INVALID(where(c, zeros({2}), y), "where");
}

// ---- matmul ---------------------------------------------------------------------------------

namespace {

// Naive reference: out[batch..., i, j] = sum_k a[batch..., i, k] * b[batch..., k, j], with
// NumPy's vector and batch-broadcast rules, in complex double.
std::vector<cd> naive_matmul(const array& a, const array& b, Shape& out_shape) {
  Shape sa = a.shape(), sb = b.shape();
  bool va = sa.size() == 1, vb = sb.size() == 1;
  if (va) sa.insert(sa.begin(), 1);
  if (vb) sb.push_back(1);
  auto av = to_cd(a), bv = to_cd(b);
  int M = sa[sa.size() - 2], K = sa.back(), N = sb.back();
  Shape ba(sa.begin(), sa.end() - 2), bb(sb.begin(), sb.end() - 2);
  size_t nb = std::max(ba.size(), bb.size());
  Shape batch(nb);
  for (size_t i = 0; i < nb; ++i) {
    int da = i + ba.size() >= nb ? ba[i + ba.size() - nb] : 1;
    int db = i + bb.size() >= nb ? bb[i + bb.size() - nb] : 1;
    batch[i] = std::max(da, db);
  }
  size_t nbatch = shape_size(batch);
  std::vector<cd> out(nbatch * size_t(M) * size_t(N));
  for (size_t bi = 0; bi < nbatch; ++bi) {
    // Batch index -> offsets into a and b (size-1 dims broadcast).
    size_t rem = bi, oa = 0, ob = 0, stride_a = 1, stride_b = 1;
    for (int d = int(nb) - 1; d >= 0; --d) {
      size_t idx = rem % size_t(batch[d]);
      rem /= size_t(batch[d]);
      int ia = d - int(nb - ba.size()), ib = d - int(nb - bb.size());
      if (ia >= 0) {
        if (ba[ia] != 1) oa += idx * stride_a;
        stride_a *= size_t(ba[ia]);
      }
      if (ib >= 0) {
        if (bb[ib] != 1) ob += idx * stride_b;
        stride_b *= size_t(bb[ib]);
      }
    }
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j) {
        cd acc = 0;
        for (int k = 0; k < K; ++k)
          acc += av[oa * M * K + size_t(i) * K + k] * bv[ob * K * N + size_t(k) * N + j];
        out[bi * M * N + size_t(i) * N + j] = acc;
      }
  }
  out_shape = batch;
  if (!va) out_shape.push_back(M);
  if (!vb) out_shape.push_back(N);
  return out;
}

// Random values of dtype dt (exactly representable in it), as an array of the shape.
array random_array(Shape shape, Dtype dt, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-2.f, 2.f);
  size_t n = shape_size(shape);
  if (dt == complex64) {
    std::vector<complex64_t> v(n);
    for (auto& x : v) x = complex64_t(u(rng), u(rng));
    return array(v.data(), shape, complex64);
  }
  std::vector<double> v(n);
  for (auto& x : v) x = double(u(rng));
  return astype(array(v.data(), shape, float64), dt);
}

double tolerance_rel(Dtype dt) {
  if (dt == float64) return 1e-13;
  if (dt == float16) return std::ldexp(1.0, -11);
  if (dt == bfloat16) return std::ldexp(1.0, -8);
  return 0;
}

void check_matmul(const array& a, const array& b, const std::string& what) {
  array out = matmul(a, b);
  Dtype dt = promote_types(a.dtype(), b.dtype());
  EXPECT_EQ(out.dtype(), dt) << what;
  Shape ref_shape;
  auto ref = naive_matmul(a, b, ref_shape);
  ASSERT_EQ(out.shape(), ref_shape) << what;
  auto got = to_cd(out);
  ASSERT_EQ(got.size(), ref.size()) << what;
  // Bound: float32 accumulation (or float64) error on sum |a||b|, plus one rounding of the
  // result for float16 / bfloat16.
  int K = a.shape().back();
  double acc_eps = dt == float64 ? 1e-14 : 1e-6;
  for (size_t i = 0; i < got.size(); ++i) {
    double scale = 4.0 * 4.0 * K;  // |a|,|b| <= 2 (complex: |.| <= 2*sqrt2)
    double tol = acc_eps * scale + tolerance_rel(dt) * std::abs(ref[i]) + 1e-30;
    ASSERT_LE(std::abs(got[i] - ref[i]), tol) << what << " element " << i << " got " << got[i]
                                              << " want " << ref[i];
  }
}

}  // namespace

TEST(Ops, MatmulAgainstNaiveLoop) {
  std::mt19937 rng(3);
  const int M = 5, K = 7, N = 6;
  for (Dtype dt : {float32, float64, float16, bfloat16, complex64}) {
    std::string d = dtype_name(dt);
    auto R = [&](Shape s) { return random_array(s, dt, rng); };
    check_matmul(R({M, K}), R({K, N}), d + " plain");
    check_matmul(transpose(R({K, M})), transpose(R({N, K})), d + " transposed");
    // Both strides non-unit: a (2, M, K) view of a (M, K, 2) array.
    check_matmul(transpose(R({M, K, 2}), {2, 0, 1}), transpose(R({K, N, 2}), {2, 0, 1}), d + " strided");
    check_matmul(transpose(R({M, 3, K}), {1, 0, 2}), R({3, K, N}), d + " row-strided batch");
    check_matmul(R({1, M, K}), R({3, K, N}), d + " batch broadcast");
    check_matmul(R({2, 1, M, K}), R({3, K, N}), d + " 4-d broadcast");
    check_matmul(broadcast_to(R({1, K}), {M, K}), R({K, N}), d + " broadcast rows");
    check_matmul(R({M, K}), broadcast_to(R({K, 1}), {K, N}), d + " broadcast columns");
    check_matmul(broadcast_to(R({M, K}), {4, M, K}), transpose(R({4, N, K}), {0, 2, 1}), d + " broadcast batch");
    check_matmul(R({K}), R({K, N}), d + " vector @ matrix");
    check_matmul(R({2, M, K}), R({K}), d + " batch @ vector");
    check_matmul(R({K}), R({K}), d + " dot");
    check_matmul(R({1, 1}), R({1, 1}), d + " 1x1");
    check_matmul(R({64, 33}), transpose(R({17, 33})), d + " larger");
  }
  // Mixed dtypes promote first.
  check_matmul(random_array({3, 4}, int32, rng), random_array({4, 2}, float32, rng), "int32 @ float32");
  check_matmul(random_array({3, 4}, float16, rng), random_array({4, 2}, bfloat16, rng), "float16 @ bfloat16");
  check_matmul(random_array({3, 4}, float32, rng), random_array({4, 2}, complex64, rng), "float32 @ complex64");
}

TEST(Ops, MatmulEmptyDimensions) {
  EXPECT_EQ(to_vec<float>(matmul(zeros({2, 0}), zeros({0, 3}))), std::vector<float>(6, 0.f));
  EXPECT_EQ(matmul(zeros({0, 4}), zeros({4, 3})).shape(), (Shape{0, 3}));
  EXPECT_EQ(to_vec<float>(matmul(zeros({0, 4}), zeros({4, 3}))).size(), 0u);
  EXPECT_EQ(to_d(matmul(zeros({2, 0}, float16), zeros({0, 2}, float16))), std::vector<double>(4, 0.0));
}

TEST(Ops, MatmulErrors) {
  EXPECT_INVALID(matmul(array(1.f), zeros({2})), "matmul");
  EXPECT_INVALID(matmul(zeros({2}), array(1.f)), "matmul");
  EXPECT_INVALID(matmul(zeros({2, 3}, int32), zeros({3, 2}, int32)), "matmul");
  EXPECT_INVALID(matmul(zeros({2, 3}, bool_), zeros({3, 2}, uint8)), "matmul");
  EXPECT_INVALID(matmul(zeros({2, 3}), zeros({4, 2})), "matmul");
  EXPECT_INVALID(matmul(zeros({3}), zeros({4})), "matmul");
  EXPECT_INVALID(matmul(zeros({2, 2, 3}), zeros({3, 3, 2})), "matmul");
}
