// Shape ops: Slice / SliceUpdate / Concatenate / Pad / AsStrided / Contiguous on strided
// inputs (transposed, broadcast, negative-stride views) against naive index loops, views
// sharing their input's buffer, buffer reuse by SliceUpdate, and the ops' errors.
#include <gtest/gtest.h>

#include <numeric>

#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

array iota_i32(Shape shape) {
  std::vector<int32_t> v(shape_size(shape));
  std::iota(v.begin(), v.end(), 0);
  return array(v.data(), shape, int32);
}

// Row-major values of x[start:stop:step] per axis, by hand (Python slice rules, in range).
std::vector<int32_t> naive_slice(const std::vector<int32_t>& x, const Shape& shape,
                                 const Shape& start, const Shape& len, const Shape& step) {
  Strides rs = row_strides(shape);
  std::vector<int32_t> out;
  size_t n = shape_size(len);
  std::vector<int32_t> idx(shape.size(), 0);
  for (size_t i = 0; i < n; ++i) {
    int64_t off = 0;
    for (size_t d = 0; d < shape.size(); ++d) off += int64_t(start[d] + idx[d] * step[d]) * rs[d];
    out.push_back(x[off]);
    for (int d = int(shape.size()) - 1; d >= 0; --d) {
      if (++idx[d] < len[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

}  // namespace

TEST(Shape, SliceIsAView) {
  array a = iota_i32({4, 5});
  a.eval();
  array s = slice(a, {1, 1}, {3, 4});
  EXPECT_EQ(s.shape(), (Shape{2, 3}));
  EXPECT_EQ(to_vec<int32_t>(s), (std::vector<int32_t>{6, 7, 8, 11, 12, 13}));
  EXPECT_EQ(s.data_shared_ptr(), a.data_shared_ptr());
  EXPECT_FALSE(s.flags().row_contiguous);
  // Whole rows stay row contiguous.
  array r = slice(a, {1, 0}, {3, 5});
  r.eval();
  EXPECT_TRUE(r.flags().row_contiguous);
  EXPECT_EQ(r.data<int32_t>()[0], 5);
  // The full range is the input itself.
  EXPECT_TRUE(slice(a, {0, 0}, {4, 5}).is_same(a));
}

TEST(Shape, SliceNegativeStrides) {
  array a = iota_i32({4, 6});
  std::vector<int32_t> x = to_vec<int32_t>(a);
  // a[::-1, 5:0:-2] -> rows 3..0, columns 5, 3, 1
  array s = slice(a, {-1, 5}, {-5, 0}, {-1, -2});
  EXPECT_EQ(s.shape(), (Shape{4, 3}));
  EXPECT_EQ(to_vec<int32_t>(s), naive_slice(x, {4, 6}, {3, 5}, {4, 3}, {-1, -2}));
  EXPECT_FALSE(s.flags().contiguous);
  // A negative-stride view feeds the elementwise kernels correctly.
  array t = add(s, array(100));
  std::vector<int32_t> want = naive_slice(x, {4, 6}, {3, 5}, {4, 3}, {-1, -2});
  for (auto& v : want) v += 100;
  EXPECT_EQ(to_vec<int32_t>(t), want);
  // A slice of a reversed view walks forward again.
  array u = slice(s, {3, 0}, {-5, 3}, {-1, 1});
  EXPECT_EQ(to_vec<int32_t>(u), naive_slice(x, {4, 6}, {0, 5}, {4, 3}, {1, -2}));
  // Reshape of a reversed view copies in logical order.
  EXPECT_EQ(to_vec<int32_t>(reshape(s, {12})), naive_slice(x, {4, 6}, {3, 5}, {4, 3}, {-1, -2}));
}

TEST(Shape, SliceOfTransposedAndBroadcast) {
  array a = transpose(iota_i32({3, 4}));  // (4, 3), strides (1, 4)
  array s = slice(a, {1, 0}, {4, 3}, {2, 2});
  EXPECT_EQ(to_vec<int32_t>(s), (std::vector<int32_t>{1, 9, 3, 11}));
  array b = broadcast_to(iota_i32({1, 3}), {5, 3});
  array t = slice(b, {4, 2}, {0, -4}, {-2, -1});
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(to_vec<int32_t>(t), (std::vector<int32_t>{2, 1, 0, 2, 1, 0}));
}

TEST(Shape, SliceClampsAndEmpties) {
  array a = iota_i32({5});
  EXPECT_EQ(to_vec<int32_t>(slice(a, {-100}, {100}, {2})), (std::vector<int32_t>{0, 2, 4}));
  EXPECT_EQ(slice(a, {3}, {1}).shape(), (Shape{0}));
  EXPECT_EQ(to_vec<int32_t>(slice(a, {100}, {-100}, {-3})), (std::vector<int32_t>{4, 1}));
  EXPECT_EQ(slice(a, Shape{0}, Shape{5}, Shape{-1}).shape(), (Shape{0}));
  EXPECT_EQ(slice(iota_i32({0, 3}), Shape{0, 0}, Shape{0, 3}, Shape{-1, 1}).shape(), (Shape{0, 3}));
  EXPECT_INVALID(slice(a, Shape{0}, Shape{5}, Shape{0}), "slice");
  EXPECT_INVALID(slice(a, {0, 0}, {5, 5}), "slice");
}

TEST(Shape, SliceUpdateStrided) {
  array a = iota_i32({4, 6});
  std::vector<int32_t> x = to_vec<int32_t>(a);
  array upd = multiply(iota_i32({2, 3}), array(-1));
  // a[3:0:-2, 0::2] = upd
  array r = slice_update(a, upd, {3, 0}, {0, 6}, {-2, 2});
  std::vector<int32_t> want = x;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) want[(3 - 2 * i) * 6 + 2 * j] = -(i * 3 + j);
  EXPECT_EQ(to_vec<int32_t>(r), want);
  // The source still holds its values (it had another handle: no reuse).
  EXPECT_EQ(to_vec<int32_t>(a), x);
  // A scalar update broadcasts; its dtype follows the source.
  array f = slice_update(a, array(7.9f), {0, 5}, {4, 6});
  std::vector<int32_t> want2 = x;
  for (int i = 0; i < 4; ++i) want2[i * 6 + 5] = 7;
  EXPECT_EQ(f.dtype(), int32);
  EXPECT_EQ(to_vec<int32_t>(f), want2);
  // Transposed source and update.
  array t = slice_update(transpose(a), transpose(upd), {0, 1}, {6, 4}, {2, 2});
  std::vector<int32_t> tx = to_vec<int32_t>(transpose(a));
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 2; ++j) tx[(2 * i) * 4 + 1 + 2 * j] = -(j * 3 + i);
  EXPECT_EQ(to_vec<int32_t>(t), tx);
  EXPECT_INVALID(slice_update(a, iota_i32({3}), {0, 0}, {2, 2}), "slice_update");
  EXPECT_INVALID(slice_update(a, upd, Shape{0}, Shape{2}), "slice_update");
}

TEST(Shape, SliceUpdateReusesAnUnsharedBuffer) {
  array base = add(iota_i32({3, 4}), array(0));
  base.eval();
  const void* mem = base.data<int32_t>();
  array r = slice_update(base, array(-1), {1, 1}, {2, 3});
  base = array::empty();  // the only other handle goes: the buffer can be written in place
  r.eval();
  EXPECT_EQ(r.data<int32_t>(), mem);
  EXPECT_EQ(to_vec<int32_t>(r), (std::vector<int32_t>{0, 1, 2, 3, 4, -1, -1, 7, 8, 9, 10, 11}));
  // A view still looking at the buffer blocks the reuse.
  array b2 = add(iota_i32({4}), array(0));
  b2.eval();
  array view = slice(b2, {0}, {2});
  view.eval();
  array r2 = slice_update(b2, array(9), Shape{0}, Shape{1});
  b2 = array::empty();
  EXPECT_EQ(to_vec<int32_t>(r2), (std::vector<int32_t>{9, 1, 2, 3}));
  EXPECT_EQ(to_vec<int32_t>(view), (std::vector<int32_t>{0, 1}));
}

TEST(Shape, ConcatenateStridedAndPromoted) {
  array a = iota_i32({2, 3});
  array b = transpose(iota_i32({2, 2}));                     // (2, 2), strides (1, 2)
  array c = slice(iota_i32({2, 8}), {1, 7}, {-3, 0}, {-1, -3});  // (2, 3) reversed view
  array out = concatenate({a, b, c}, 1);
  EXPECT_EQ(out.shape(), (Shape{2, 8}));
  EXPECT_EQ(to_vec<int32_t>(out),
            (std::vector<int32_t>{0, 1, 2, 0, 2, 15, 12, 9, 3, 4, 5, 1, 3, 7, 4, 1}));
  // Row-major inputs on the fast path, along axis 0 and a middle axis.
  array x = iota_i32({2, 2, 3}), y = add(iota_i32({2, 1, 3}), array(100));
  EXPECT_EQ(to_vec<int32_t>(concatenate({x, y}, -2)),
            (std::vector<int32_t>{0, 1, 2, 3, 4, 5, 100, 101, 102, 6, 7, 8, 9, 10, 11, 103,
                                  104, 105}));
  EXPECT_EQ(to_vec<int32_t>(concatenate({iota_i32({2}), iota_i32({0}), iota_i32({1})}, 0)),
            (std::vector<int32_t>{0, 1, 0}));
  // dtype promotion: int32 with uint32 -> int64 (MLX's table).
  array p = concatenate({iota_i32({2}), astype(iota_i32({1}), uint32)}, 0);
  EXPECT_EQ(p.dtype(), int64);
  EXPECT_EQ(to_vec<int64_t>(p), (std::vector<int64_t>{0, 1, 0}));
  // One array: returned as it is.
  EXPECT_TRUE(concatenate({a}, 7).is_same(a));
  EXPECT_INVALID(concatenate({}, 0), "concatenate");
  EXPECT_INVALID(concatenate({a, iota_i32({2, 3, 1})}, 0), "concatenate");
  EXPECT_INVALID(concatenate({a, iota_i32({3, 3})}, 1), "concatenate");
  EXPECT_OUT_OF_RANGE(concatenate({a, a}, 2), "concatenate");
}

TEST(Shape, ConcatenateLargeIsExact) {
  // Big enough for the parallel, streaming path; uneven chunks.
  array a = iota_i32({1000, 777}), b = iota_i32({1000, 1301});
  array out = concatenate({a, b}, 1);
  auto v = to_vec<int32_t>(out);
  bool ok = true;
  for (int i = 0; i < 1000 && ok; ++i)
    for (int j = 0; j < 2078 && ok; ++j)
      ok = v[size_t(i) * 2078 + j] == (j < 777 ? i * 777 + j : i * 1301 + (j - 777));
  EXPECT_TRUE(ok);
}

TEST(Shape, PadModes) {
  array a = iota_i32({2, 3});
  array c = pad(a, {{1, 0}, {0, 2}}, array(-1));
  EXPECT_EQ(c.shape(), (Shape{3, 5}));
  EXPECT_EQ(to_vec<int32_t>(c), (std::vector<int32_t>{-1, -1, -1, -1, -1, 0, 1, 2, -1, -1, 3,
                                                      4, 5, -1, -1}));
  array e = pad(a, {{0, 1}, {2, 1}}, array(0), "edge");
  EXPECT_EQ(to_vec<int32_t>(e), (std::vector<int32_t>{0, 0, 0, 1, 2, 2, 3, 3, 3, 4, 5, 5, 3,
                                                      3, 3, 4, 5, 5}));
  array r = pad(iota_i32({4}), {{3, 5}}, array(0), "reflect");
  EXPECT_EQ(to_vec<int32_t>(r), (std::vector<int32_t>{3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2}));
  array s = pad(iota_i32({3}), {{4, 4}}, array(0), "symmetric");
  EXPECT_EQ(to_vec<int32_t>(s), (std::vector<int32_t>{2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0}));
  // A reversed input.
  array f = pad(slice(iota_i32({3}), {-1}, {-4}, {-1}), {{1, 1}}, array(0), "edge");
  EXPECT_EQ(to_vec<int32_t>(f), (std::vector<int32_t>{2, 2, 1, 0, 0}));
  EXPECT_INVALID(pad(a, {{-1, 0}, {0, 0}}), "pad");
  EXPECT_INVALID(pad(a, {{0, 0}}), "pad");
  EXPECT_INVALID(pad(a, {{0, 0}, {0, 0}}, array(0), "wrap"), "pad");
  EXPECT_INVALID(pad(iota_i32({0}), {{1, 0}}, array(0), "edge"), "pad");
}

TEST(Shape, AsStridedAndContiguous) {
  array a = iota_i32({2, 5});
  array w = as_strided(a, {4, 3}, {2, 1}, 1);
  EXPECT_EQ(to_vec<int32_t>(w), (std::vector<int32_t>{1, 2, 3, 3, 4, 5, 5, 6, 7, 7, 8, 9}));
  // Of a transposed input: the row-major elements of the transpose.
  array t = as_strided(transpose(a), {3}, {3}, 0);
  EXPECT_EQ(to_vec<int32_t>(t), (std::vector<int32_t>{0, 6, 3}));
  EXPECT_OUT_OF_RANGE(as_strided(a, {4, 3}, {2, 1}, 2), "as_strided");
  EXPECT_OUT_OF_RANGE(as_strided(a, {2}, {-1}, 0), "as_strided");
  EXPECT_INVALID(as_strided(a, {2}, {1, 1}, 0), "as_strided");
  array ct = contiguous(transpose(a));
  ct.eval();
  EXPECT_TRUE(ct.flags().row_contiguous);
  EXPECT_EQ(to_vec<int32_t>(ct), (std::vector<int32_t>{0, 5, 1, 6, 2, 7, 3, 8, 4, 9}));
  array cc = contiguous(transpose(a), true);
  cc.eval();
  EXPECT_EQ(cc.data_shared_ptr(), a.data_shared_ptr());
}

TEST(Shape, BytesSurviveEveryDtype) {
  // float16 / bfloat16 signalling NaN payloads and -0 pass through unchanged.
  std::vector<uint16_t> bits{0x7c01, 0x8000, 0x3c00, 0xffff, 0x7f81, 0x0001};
  for (Dtype dt : {float16, bfloat16}) {
    array a(bits.data(), {2, 3}, dt);
    array r = concatenate({flip(a), pad(a, {{0, 0}, {1, 0}}, array(0), "edge")}, 1);
    auto got = to_bytes(r);
    std::vector<uint16_t> u(got.size() / 2);
    std::memcpy(u.data(), got.data(), got.size());
    EXPECT_EQ(u, (std::vector<uint16_t>{0x0001, 0x7f81, 0xffff, 0x7c01, 0x7c01, 0x8000, 0x3c00,
                                        0x3c00, 0x8000, 0x7c01, 0xffff, 0xffff, 0x7f81, 0x0001}));
  }
}

TEST(Shape, SplitRollFlipRepeatTile) {
  array a = iota_i32({6});
  auto parts = split(a, Shape{4, 1, 10});
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(to_vec<int32_t>(parts[0]), (std::vector<int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(parts[1].size(), 0u);
  EXPECT_EQ(to_vec<int32_t>(parts[2]), (std::vector<int32_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(parts[3].size(), 0u);
  EXPECT_INVALID(split(a, 4), "split");
  EXPECT_EQ(to_vec<int32_t>(roll(a, Shape{-2}, std::vector<int>{0})),
            (std::vector<int32_t>{2, 3, 4, 5, 0, 1}));
  EXPECT_EQ(to_vec<int32_t>(flip(reshape(a, {2, 3}), std::vector<int>{1})),
            (std::vector<int32_t>{2, 1, 0, 5, 4, 3}));
  EXPECT_EQ(repeat(reshape(a, {2, 3}), 0, 1).shape(), (Shape{0}));
  EXPECT_EQ(to_vec<int32_t>(repeat(reshape(a, {2, 3}), 2, 0)),
            (std::vector<int32_t>{0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}));
  EXPECT_EQ(to_vec<int32_t>(tile(iota_i32({2}), {2, 2})),
            (std::vector<int32_t>{0, 1, 0, 1, 0, 1, 0, 1}));
}

TEST(Shape, SliceInt32LimitsActAsPythonNone) {
  array a = iota_i32({5});
  EXPECT_EQ(to_vec<int32_t>(slice(a, Shape{INT32_MAX}, Shape{INT32_MIN}, Shape{-1})),
            (std::vector<int32_t>{4, 3, 2, 1, 0}));
  EXPECT_EQ(to_vec<int32_t>(slice(a, Shape{INT32_MIN}, Shape{INT32_MAX}, Shape{INT32_MAX})),
            (std::vector<int32_t>{0}));
  EXPECT_EQ(to_vec<int32_t>(slice(a, Shape{INT32_MAX}, Shape{INT32_MIN}, Shape{INT32_MIN})),
            (std::vector<int32_t>{4}));
  EXPECT_EQ(to_vec<int32_t>(slice_update(a, array(9), Shape{INT32_MAX}, Shape{INT32_MIN}, Shape{-2})),
            (std::vector<int32_t>{9, 1, 9, 3, 9}));
}

TEST(Shape, RepeatAndTileOfStridedInputs) {
  // The broadcast-innermost copy (repeat) and the tiled transpose copy, against index loops.
  array a = transpose(iota_i32({3, 40}));  // (40, 3)
  auto r = to_vec<int32_t>(repeat(a, 3, 1));
  bool ok = r.size() == 360;
  for (int i = 0; i < 40 && ok; ++i)
    for (int j = 0; j < 9 && ok; ++j) ok = r[i * 9 + j] == (j / 3) * 40 + i;
  EXPECT_TRUE(ok);
  array b = transpose(iota_i32({50, 33}));  // (33, 50), tiled copy
  auto c = to_vec<int32_t>(contiguous(b));
  ok = c.size() == 1650;
  for (int i = 0; i < 33 && ok; ++i)
    for (int j = 0; j < 50 && ok; ++j) ok = c[i * 50 + j] == j * 33 + i;
  EXPECT_TRUE(ok);
  auto t = to_vec<int32_t>(tile(slice(iota_i32({4}), Shape{3}, Shape{INT32_MIN}, Shape{-1}), {2, 2}));
  EXPECT_EQ(t, (std::vector<int32_t>{3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0}));
}
