// export_function / import_function: every primitive class's state survives write_state ->
// reader -> write_state (same name, same values, an equivalent primitive); a C++ function
// exported and imported gives the same values; bad bytes are refused with invalid_argument.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <typeinfo>

#include "mlx/autograd.h"
#include "mlx/export.h"
#include "mlx/ops.h"
#include "mlx/primitives_contract.h"
#include "mlx/primitives_conv.h"
#include "mlx/primitives_creation.h"
#include "mlx/primitives_fast.h"
#include "mlx/primitives_fft.h"
#include "mlx/primitives_index.h"
#include "mlx/primitives_linalg.h"
#include "mlx/primitives_meta.h"
#include "mlx/primitives_quantized.h"
#include "mlx/primitives_random.h"
#include "mlx/primitives_shape.h"
#include "mlx/primitives_sort.h"

using namespace mlx::core;

namespace {

using Specs = std::vector<std::pair<Shape, Dtype>>;

struct Sample {
  std::shared_ptr<Primitive> p;
  Specs in, out;
};

// One primitive of every class with inputs and outputs of the shapes and dtypes it takes and
// makes (the readers check them).
std::vector<Sample> samples() {
  Stream s{};
  using std::make_shared;
  const Dtype F = float32;
  std::vector<Sample> v = {
      {make_shared<Binary>(s, BinaryOp::power), {{{2, 3}, F}, {{2, 3}, F}}, {{{2, 3}, F}}},
      {make_shared<Binary>(s, BinaryOp::right_shift), {{{2}, int32}, {{2}, int32}}, {{{2}, int32}}},
      {make_shared<Unary>(s, UnaryOp::erfinv), {{{3}, F}}, {{{3}, F}}},
      {make_shared<Unary>(s, UnaryOp::imag), {{{3}, complex64}}, {{{3}, F}}},
      {make_shared<Compare>(s, CompareOp::less_equal), {{{2}, F}, {{2}, F}}, {{{2}, bool_}}},
      {make_shared<DivMod>(s), {{{2}, F}, {{2}, F}}, {{{2}, F}, {{2}, F}}},
      {make_shared<Select>(s), {{{2}, bool_}, {{2}, F}, {{2}, F}}, {{{2}, F}}},
      {make_shared<AsType>(s, int16), {{{2}, F}}, {{{2}, int16}}},
      {make_shared<Copy>(s), {{{2}, F}}, {{{2}, F}}},
      {make_shared<Full>(s), {{{2, 2}, F}}, {{{2, 2}, int32}}},
      {make_shared<Arange>(s, 1.0, 7.0, 1.5), {}, {{{4}, F}}},
      {make_shared<Broadcast>(s, Shape{2, 3}), {{{1, 3}, F}}, {{{2, 3}, F}}},
      {make_shared<Reshape>(s, Shape{6}), {{{2, 3}, F}}, {{{6}, F}}},
      {make_shared<Reshape>(s, Shape{-1, 2}), {{{2, 3}, F}}, {{{3, 2}, F}}},
      {make_shared<Flatten>(s, 1, 2), {{{2, 3, 4}, F}}, {{{2, 12}, F}}},
      {make_shared<Unflatten>(s, 0, Shape{2, -1}), {{{6, 4}, F}}, {{{2, 3, 4}, F}}},
      {make_shared<Transpose>(s, std::vector<int>{1, 0}), {{{2, 3}, F}}, {{{3, 2}, F}}},
      {make_shared<Matmul>(s), {{{2, 3}, F}, {{3, 4}, F}}, {{{2, 4}, F}}},
      {make_shared<Reduce>(s, ReduceOp::Prod, std::vector<int>{0, 2}),
       {{{2, 3, 4}, F}},
       {{{1, 3, 1}, F}}},
      {make_shared<Reduce>(s, ReduceOp::And, std::vector<int>{1}),
       {{{2, 3}, bool_}},
       {{{2, 1}, bool_}}},
      {make_shared<Reduce>(s, ReduceOp::Sum, std::vector<int>{0}), {{{2}, int8}}, {{{1}, int32}}},
      {make_shared<ArgReduce>(s, ArgReduceOp::ArgMin, 1), {{{2, 3}, F}}, {{{2, 1}, uint32}}},
      {make_shared<Scan>(s, ScanOp::Max, 1, true, false), {{{2, 3}, F}}, {{{2, 3}, F}}},
      {make_shared<Scan>(s, ScanOp::LogAddExp, 0, false, true), {{{2, 3}, F}}, {{{2, 3}, F}}},
      {make_shared<Softmax>(s, true), {{{2, 3}, F}}, {{{2, 3}, F}}},
      {make_shared<LogSumExp>(s), {{{2, 3}, F}}, {{{2, 1}, F}}},
      {make_shared<VarianceLast>(s, 2, true), {{{2, 3}, F}}, {{{2, 1}, F}}},
      {make_shared<VarianceLast>(s, 0, false), {{{2, 3}, F}}, {{{2, 1}, F}}},
      {make_shared<AllEqual>(s, true), {{{2}, F}, {{2}, F}}, {{{}, bool_}}},
      {make_shared<MedianLast>(s), {{{2, 3}, F}}, {{{2, 1}, F}}},
      {make_shared<StopGradient>(s), {{{2}, F}}, {{{2}, F}}},
      {make_shared<NumberOfElements>(s, std::vector<int>{0, 2}, true, float16),
       {{{2, 3, 4}, F}},
       {{{}, float16}}},
      {make_shared<Depends>(s, 2), {{{2}, F}, {{3}, int32}, {{1}, F}}, {{{2}, F}, {{3}, int32}}},
      {make_shared<CustomTransforms>(s, 2, VjpFn{}, JvpFn{}, VmapFn{}),
       {{{1}, F}, {{2}, F}, {{3}, int32}},
       {{{2}, F}, {{3}, int32}}},
      {make_shared<Slice>(s, Shape{0, 1}, Shape{2, 3}, Shape{1, 2}), {{{3, 4}, F}}, {{{2, 1}, F}}},
      {make_shared<SliceUpdate>(s, Shape{1}, Shape{3}, Shape{1}), {{{4}, F}, {{2}, F}}, {{{4}, F}}},
      {make_shared<Concatenate>(s, 1), {{{2, 1}, F}, {{2, 2}, F}, {{2, 3}, F}}, {{{2, 6}, F}}},
      {make_shared<Pad>(s, Shape{1, 0}, Shape{0, 2}, PadMode::reflect),
       {{{3, 4}, F}},
       {{{4, 6}, F}}},
      {make_shared<AsStrided>(s, Shape{2, 2}, Strides{1, 2}, 3), {{{8}, F}}, {{{2, 2}, F}}},
      {make_shared<Contiguous>(s, true), {{{2}, F}}, {{{2}, F}}},
      {make_shared<Gather>(s, std::vector<int>{0, 1}, Shape{1, 1, 3}, "take"),
       {{{4, 5, 3}, F}, {{2}, int32}, {{2}, int32}},
       {{{2, 1, 1, 3}, F}}},
      {make_shared<Scatter>(s, ScatterOp::Max, std::vector<int>{0}, "scatter_max"),
       {{{4, 3}, F}, {{2}, int32}, {{2, 1, 3}, F}},
       {{{4, 3}, F}}},
      {make_shared<Scatter>(s, ScatterOp::None, std::vector<int>{0, 1}, "scatter"),
       {{{4, 3}, F}, {{2}, int32}, {{2}, int32}, {{2, 1, 1}, F}},
       {{{4, 3}, F}}},
      {make_shared<GatherAxis>(s, 1, "take_along_axis"),
       {{{2, 3}, F}, {{2, 5}, int32}},
       {{{2, 5}, F}}},
      {make_shared<ScatterAxis>(s, ScatterOp::Sum, 1),
       {{{2, 3}, F}, {{2, 2}, int32}, {{2, 2}, F}},
       {{{2, 3}, F}}},
      {make_shared<ScatterAxis>(s, ScatterOp::None, 0),
       {{{2, 3}, F}, {{1, 3}, int32}, {{1, 3}, F}},
       {{{2, 3}, F}}},
      {make_shared<MaskedScatter>(s, "masked_scatter"),
       {{{2, 2}, F}, {{2, 2}, bool_}, {{3}, F}},
       {{{2, 2}, F}}},
      {make_shared<DynamicSlice>(s, std::vector<int>{0}, Shape{2, 2}),
       {{{6, 2}, F}, {{1}, int32}},
       {{{2, 2}, F}}},
      {make_shared<DynamicSliceUpdate>(s, std::vector<int>{1}),
       {{{3, 4}, F}, {{3, 2}, F}, {{1}, int32}},
       {{{3, 4}, F}}},
      {make_shared<IndexView>(s, Shape{0, 1}, Shape{1, -1}, std::vector<int>{0, -1, 1}),
       {{{3, 4}, F}},
       {{{3, 1, 2}, F}}},
      {make_shared<Sort>(s, 1), {{{2, 3}, F}}, {{{2, 3}, F}}},
      {make_shared<ArgSort>(s, 0), {{{2, 3}, F}}, {{{2, 3}, uint32}}},
      {make_shared<Partition>(s, 2, 1), {{{2, 3}, F}}, {{{2, 3}, F}}},
      {make_shared<ArgPartition>(s, 1, 0), {{{2, 3}, F}}, {{{2, 3}, uint32}}},
      {make_shared<TopK>(s, 3, 1), {{{2, 5}, F}}, {{{2, 3}, F}}},
      {make_shared<SearchSorted>(s, true), {{{5}, F}, {{2, 3}, F}}, {{{2, 3}, uint32}}},
      {make_shared<Linspace>(s, 0.5, 1.25, false), {}, {{{4}, F}}},
      {make_shared<Diagonal2D>(s, Diagonal2D::Kind::eye, -1), {}, {{{3, 3}, F}}},
      {make_shared<Diagonal2D>(s, Diagonal2D::Kind::tri, 2), {}, {{{2, 4}, F}}},
      {make_shared<Triangular>(s, true, 1), {{{3, 3}, F}}, {{{3, 3}, F}}},
      {make_shared<Triangular>(s, false, -2), {{{3, 3}, F}}, {{{3, 3}, F}}},
      {make_shared<Window>(s, Window::Kind::hamming), {}, {{{5}, F}}},
      {make_shared<View>(s), {{{2, 4}, F}}, {{{2, 8}, int16}}},
      {make_shared<ConvertFP8>(s, true), {{{3}, F}}, {{{3}, uint8}}},
      {make_shared<ConvertFP8>(s, false), {{{3}, uint8}}, {{{3}, F}}},
      {make_shared<RandomBits>(s, Shape{2, 3}, 2), {{{2}, uint32}}, {{{2, 3}, uint16}}},
      {make_shared<RandomSplit>(s, 1), {{{2}, uint32}}, {{{2}, uint32}}},
      {make_shared<RandomSample>(s, RandomKind::Laplace, 1.0f, 2.0f, false, Shape{3}, float16),
       {{{2}, uint32}},
       {{{3}, float16}}},
      {make_shared<RandomSample>(s, RandomKind::RandInt),
       {{{2}, uint32}, {{}, F}, {{}, F}, {{}, int32}, {{}, int32}},
       {{{4}, int32}}},
      {make_shared<Hadamard>(s, 0.5f), {{{2, 8}, F}}, {{{2, 8}, F}}},
      {make_shared<QRF>(s, "linalg.qr"), {{{3, 3}, F}}, {{{3, 3}, F}, {{3, 3}, F}}},
      {make_shared<SVD>(s, "linalg.svd", true),
       {{{3, 2}, F}},
       {{{3, 3}, F}, {{2}, F}, {{2, 2}, F}}},
      {make_shared<SVD>(s, "linalg.svd", false), {{{3, 2}, F}}, {{{2}, F}}},
      {make_shared<Inverse>(s, "linalg.tri_inv", true, true), {{{3, 3}, F}}, {{{3, 3}, F}}},
      {make_shared<Cholesky>(s, "linalg.cholesky", true), {{{3, 3}, F}}, {{{3, 3}, F}}},
      {make_shared<CholeskyInverse>(s, "linalg.cholesky_inv", false), {{{3, 3}, F}}, {{{3, 3}, F}}},
      {make_shared<Eig>(s, "linalg.eig", true),
       {{{3, 3}, F}},
       {{{3}, complex64}, {{3, 3}, complex64}}},
      {make_shared<Eigh>(s, "linalg.eigvalsh", true, false), {{{3, 3}, F}}, {{{3}, F}}},
      {make_shared<LUF>(s, "linalg.lu"),
       {{{3, 4}, F}},
       {{{3, 4}, F}, {{3}, uint32}, {{3}, uint32}}},
      {make_shared<Solve>(s, "linalg.solve_triangular", true, false),
       {{{3, 3}, F}, {{3, 2}, F}},
       {{{3, 2}, F}}},
      {make_shared<Solve>(s, "linalg.solve", false, false),
       {{{3, 3}, F}, {{3, 2}, F}},
       {{{3, 2}, F}}},
      {make_shared<Determinant>(s, "linalg.slogdet", true), {{{3, 3}, F}}, {{{}, F}, {{}, F}}},
      {make_shared<Determinant>(s, "linalg.det", false), {{{3, 3}, F}}, {{{}, F}}},
      {make_shared<FFT>(s, std::vector<int>{0, 2}, Shape{4, 6}, true, true, 0.25),
       {{{4, 5, 4}, complex64}},
       {{{4, 5, 6}, F}}},
      {make_shared<fast::RMSNorm>(s, 1e-5f), {{{2, 8}, F}, {{8}, F}}, {{{2, 8}, F}}},
      {make_shared<fast::LayerNorm>(s, 1e-6f), {{{2, 8}, F}, {{8}, F}, {{8}, F}}, {{{2, 8}, F}}},
      {make_shared<fast::RoPE>(s, 8, true, 10000.0f, 0.5f, false),
       {{{1, 2, 3, 8}, F}, {{}, int32}, {{4}, F}},
       {{{1, 2, 3, 8}, F}}},
      {make_shared<fast::ScaledDotProductAttention>(s, 0.5f, true, true, false),
       {{{1, 2, 3, 4}, F}, {{1, 1, 5, 4}, F}, {{1, 1, 5, 6}, F}, {{1, 2, 3, 5}, bool_}},
       {{{1, 2, 3, 6}, F}}},
      {make_shared<Convolution>(s, std::vector<int>{1, 2}, std::vector<int>{0, 1},
                                std::vector<int>{1, 0}, std::vector<int>{1, 1},
                                std::vector<int>{2, 1}, 2, true),
       {{{1, 5, 6, 4}, F}, {{4, 3, 2, 2}, F}},
       {{{1, 8, 3, 4}, F}}},
      {make_shared<Quantize>(s, QuantMode::Mxfp8, 32, 8),
       {{{2, 64}, F}},
       {{{2, 16}, uint32}, {{2, 2}, uint8}}},
      {make_shared<Dequantize>(s, QuantMode::Affine, 64, 4),
       {{{2, 8}, uint32}, {{2, 1}, F}, {{2, 1}, F}},
       {{{2, 64}, F}}},
      {[&] {
         auto d = make_shared<Dequantize>(s, QuantMode::Mxfp4, 32, 4);
         d->set_out_dtype(bfloat16);
         return d;
       }(),
       {{{2, 8}, uint32}, {{2, 2}, uint8}},
       {{{2, 64}, bfloat16}}},
      {make_shared<QuantizedMatmul>(s, QuantMode::Nvfp4, 16, 4, false),
       {{{2, 64}, F}, {{64, 2}, uint32}, {{64, 1}, uint8}},
       {{{2, 16}, F}}},
      {make_shared<GatherQMM>(s, QuantMode::Affine, 32, 2, true),
       {{{1, 2, 64}, F},
        {{3, 8, 4}, uint32},
        {{3, 8, 2}, F},
        {{3, 8, 2}, F},
        {{1}, uint32},
        {{1}, uint32}},
       {{{1, 2, 8}, F}}},
  };
  return v;
}

NodeIO node_io(const Specs& in, const Specs& out) {
  NodeIO io;
  for (auto& [sh, dt] : in) {
    io.in_shapes.push_back(sh);
    io.in_dtypes.push_back(dt);
  }
  for (auto& [sh, dt] : out) {
    io.out_shapes.push_back(sh);
    io.out_dtypes.push_back(dt);
  }
  return io;
}

}  // namespace

TEST(Export, EveryPrimitiveStateRoundTrips) {
  for (auto& [p, in, out] : samples()) {
    SCOPED_TRACE(p->name());
    NodeIO io = node_io(in, out);
    StateWriter w;
    p->write_state(w);
    auto* reader = detail::find_reader(p->name());
    ASSERT_NE(reader, nullptr);
    StateReader r(w.values(), p->name());
    auto q = reader->make(Stream{}, r, io);
    r.done();
    EXPECT_EQ(std::string(q->name()), std::string(p->name()));
    EXPECT_TRUE(typeid(*q) == typeid(*p));
    StateWriter w2;
    q->write_state(w2);
    EXPECT_TRUE(w2.values() == w.values());
    // Classes that define equivalence (not Depends, CustomTransforms) find the copy equivalent.
    if (p->is_equivalent(*p)) EXPECT_TRUE(q->is_equivalent(*p));
  }
}

// The readers refuse nodes whose declared inputs and outputs do not fit them.
TEST(Export, ReadersCheckDeclaredShapesAndDtypes) {
  Stream s{};
  auto refused = [&](std::shared_ptr<Primitive> p, Specs in, Specs out) {
    StateWriter w;
    p->write_state(w);
    StateReader r(w.values(), p->name());
    NodeIO io = node_io(in, out);
    EXPECT_THROW(detail::find_reader(p->name())->make(s, r, io), std::invalid_argument) << p->name();
  };
  const Dtype F = float32;
  refused(std::make_shared<Transpose>(s, std::vector<int>{1, 5}), {{{2, 3}, F}}, {{{3, 2}, F}});
  refused(std::make_shared<Transpose>(s, std::vector<int>{0, 0}), {{{2, 3}, F}}, {{{2, 2}, F}});
  refused(std::make_shared<Binary>(s, BinaryOp::add), {{{2}, F}, {{2}, float64}}, {{{2}, F}});
  refused(std::make_shared<Binary>(s, BinaryOp::add), {{{2}, F}, {{2}, F}}, {{{3}, F}});
  refused(std::make_shared<Reduce>(s, ReduceOp::Sum, std::vector<int>{2}), {{{2, 3}, F}}, {{{2, 1}, F}});
  refused(std::make_shared<Reduce>(s, ReduceOp::Sum, std::vector<int>{0}), {{{2}, int8}}, {{{1}, int8}});
  refused(std::make_shared<Matmul>(s), {{{2, 3}, F}, {{4, 4}, F}}, {{{2, 4}, F}});
  refused(std::make_shared<Slice>(s, Shape{3}, Shape{5}, Shape{1}), {{{4}, F}}, {{{2}, F}});
  refused(std::make_shared<Gather>(s, std::vector<int>{0}, Shape{5}, "take"), {{{4}, F}, {{2}, int32}}, {{{2, 5}, F}});
  refused(std::make_shared<AsStrided>(s, Shape{3}, Strides{4}, 0), {{{8}, F}}, {{{3}, F}});
  refused(std::make_shared<Sort>(s, 3), {{{2, 3}, F}}, {{{2, 3}, F}});
  refused(std::make_shared<RandomBits>(s, Shape{2}, 4), {{{3}, uint32}}, {{{2}, uint32}});
  refused(std::make_shared<Convolution>(s, std::vector<int>{1}, std::vector<int>{0}, std::vector<int>{0},
                                        std::vector<int>{1}, std::vector<int>{1}, 1, false),
          {{{1, 5, 3}, F}, {{2, 3, 4}, F}}, {{{1, 3, 2}, F}});
}

TEST(Export, ExportImportCppFunction) {
  std::string file = ::testing::TempDir() + "/mlxjs_export_test.mlxfn";
  array w = array(std::vector<float>{1, 2, 3, 4}.data(), Shape{2, 2}, float32);
  ExportFn fn = [w](const Args& args, const Kwargs& kw) {
    return std::vector<array>{add(matmul(args[0], w), kw.at("b")), exp(args[0])};
  };
  array x(std::vector<float>{0.5f, -1, 2, 0}.data(), Shape{2, 2}, float32);
  array b(std::vector<float>{1, -1}.data(), Shape{2}, float32);
  export_function(file, fn, {x}, {{"b", b}}, false, "meta");
  ImportedFunction f = import_function(file);
  EXPECT_EQ(f.metadata(), "meta");
  EXPECT_EQ(f.num_traces(), 1u);
  array x2(std::vector<float>{3, 1, -2, 5}.data(), Shape{2, 2}, float32);
  auto got = f({x2}, {{"b", b}});
  auto want = fn({x2}, {{"b", b}});
  ASSERT_EQ(got.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(array_equal(got[i], want[i]).item<bool>());
  }
  EXPECT_THROW(f({x2}, {}), std::invalid_argument);
  EXPECT_THROW(import_function_from_bytes("MLXJSFN"), std::invalid_argument);
  EXPECT_THROW(import_function_from_bytes(std::string("MLXJSFN\0\1\0\0\0", 12)), std::invalid_argument);
  std::remove(file.c_str());
}

TEST(Export, CallbackRecords) {
  std::vector<ExportRecord> recs;
  ExportFn fn = [](const Args& a, const Kwargs&) { return std::vector<array>{sum(a[0], std::vector<int>{1}, false)}; };
  array x(std::vector<float>{1, 2, 3, 4}.data(), Shape{2, 2}, float32);
  export_function([&](const ExportRecord& r) { recs.push_back(r); }, fn, {x});
  ASSERT_GE(recs.size(), 5u);
  EXPECT_EQ(recs[0].type, "inputs");
  EXPECT_EQ(recs[0].inputs[0].name, "A");
  EXPECT_EQ(recs[2].type, "outputs");
  EXPECT_EQ(recs[2].outputs[0].name, "B");
  EXPECT_EQ(recs.back().type, "primitive");
  EXPECT_EQ(recs.back().outputs[0].name, "B");
}
