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

struct Sample {
  std::shared_ptr<Primitive> p;
  int nin, nout;
};

std::vector<Sample> samples() {
  Stream s{};
  using std::make_shared;
  std::vector<Sample> v = {
      {make_shared<Binary>(s, BinaryOp::power), 2, 1},
      {make_shared<Binary>(s, BinaryOp::right_shift), 2, 1},
      {make_shared<Unary>(s, UnaryOp::erfinv), 1, 1},
      {make_shared<Unary>(s, UnaryOp::imag), 1, 1},
      {make_shared<Compare>(s, CompareOp::less_equal), 2, 1},
      {make_shared<DivMod>(s), 2, 2},
      {make_shared<Select>(s), 3, 1},
      {make_shared<AsType>(s, int16), 1, 1},
      {make_shared<Copy>(s), 1, 1},
      {make_shared<Full>(s), 1, 1},
      {make_shared<Arange>(s, 1.0, 7.0, 1.5), 0, 1},
      {make_shared<Broadcast>(s, Shape{2, 3}), 1, 1},
      {make_shared<Reshape>(s, Shape{6}), 1, 1},
      {make_shared<Transpose>(s, std::vector<int>{1, 0}), 1, 1},
      {make_shared<Matmul>(s), 2, 1},
      {make_shared<Reduce>(s, ReduceOp::Prod, std::vector<int>{0, 2}), 1, 1},
      {make_shared<Reduce>(s, ReduceOp::And, std::vector<int>{1}), 1, 1},
      {make_shared<ArgReduce>(s, ArgReduceOp::ArgMin, 1), 1, 1},
      {make_shared<Scan>(s, ScanOp::Max, 1, true, false), 1, 1},
      {make_shared<Scan>(s, ScanOp::LogAddExp, 0, false, true), 1, 1},
      {make_shared<Softmax>(s, true), 1, 1},
      {make_shared<LogSumExp>(s), 1, 1},
      {make_shared<VarianceLast>(s, 2, true), 1, 1},
      {make_shared<VarianceLast>(s, 0, false), 1, 1},
      {make_shared<AllEqual>(s, true), 2, 1},
      {make_shared<MedianLast>(s), 1, 1},
      {make_shared<StopGradient>(s), 1, 1},
      {make_shared<NumberOfElements>(s, std::vector<int>{0, 2}, true, float16), 1, 1},
      {make_shared<Depends>(s, 2), 3, 2},
      {make_shared<CustomTransforms>(s, 2, VjpFn{}, JvpFn{}, VmapFn{}), 3, 2},
      {make_shared<Slice>(s, Shape{0, 1}, Shape{2, 3}, Shape{1, 2}), 1, 1},
      {make_shared<SliceUpdate>(s, Shape{1}, Shape{3}, Shape{1}), 2, 1},
      {make_shared<Concatenate>(s, 1), 3, 1},
      {make_shared<Pad>(s, Shape{1, 0}, Shape{0, 2}, PadMode::reflect), 1, 1},
      {make_shared<AsStrided>(s, Shape{2, 2}, Strides{1, 2}, 3), 1, 1},
      {make_shared<Contiguous>(s, true), 1, 1},
      {make_shared<Gather>(s, std::vector<int>{0, 1}, Shape{1, 1, 3}, "take"), 3, 1},
      {make_shared<Scatter>(s, ScatterOp::Max, std::vector<int>{0}, "scatter_max"), 3, 1},
      {make_shared<Scatter>(s, ScatterOp::None, std::vector<int>{0, 1}, "scatter"), 4, 1},
      {make_shared<GatherAxis>(s, 1, "take_along_axis"), 2, 1},
      {make_shared<ScatterAxis>(s, ScatterOp::Sum, 1), 3, 1},
      {make_shared<ScatterAxis>(s, ScatterOp::None, 0), 3, 1},
      {make_shared<MaskedScatter>(s, "masked_scatter"), 3, 1},
      {make_shared<DynamicSlice>(s, std::vector<int>{0}, Shape{2, 2}), 2, 1},
      {make_shared<DynamicSliceUpdate>(s, std::vector<int>{1}), 3, 1},
      {make_shared<IndexView>(s, Shape{0, 1}, Shape{1, -1}, std::vector<int>{0, -1, 1}), 1, 1},
      {make_shared<Sort>(s, 1), 1, 1},
      {make_shared<ArgSort>(s, 0), 1, 1},
      {make_shared<Partition>(s, 2, 1), 1, 1},
      {make_shared<ArgPartition>(s, 1, 0), 1, 1},
      {make_shared<TopK>(s, 3, 1), 1, 1},
      {make_shared<SearchSorted>(s, true), 2, 1},
      {make_shared<Linspace>(s, 0.5, 1.25, false), 0, 1},
      {make_shared<Diagonal2D>(s, Diagonal2D::Kind::eye, -1), 0, 1},
      {make_shared<Diagonal2D>(s, Diagonal2D::Kind::tri, 2), 0, 1},
      {make_shared<Triangular>(s, true, 1), 1, 1},
      {make_shared<Triangular>(s, false, -2), 1, 1},
      {make_shared<Window>(s, Window::Kind::hamming), 0, 1},
      {make_shared<View>(s), 1, 1},
      {make_shared<ConvertFP8>(s, true), 1, 1},
      {make_shared<ConvertFP8>(s, false), 1, 1},
      {make_shared<RandomBits>(s, Shape{2, 3}, 2), 1, 1},
      {make_shared<RandomSplit>(s, 1), 1, 1},
      {make_shared<RandomSample>(s, RandomKind::Laplace, 1.0f, 2.0f, false, Shape{3}, float16), 1, 1},
      {make_shared<RandomSample>(s, RandomKind::RandInt), 5, 1},
      {make_shared<Hadamard>(s, 0.5f), 1, 1},
      {make_shared<QRF>(s, "linalg.qr"), 1, 2},
      {make_shared<SVD>(s, "linalg.svd", true), 1, 3},
      {make_shared<SVD>(s, "linalg.svd", false), 1, 1},
      {make_shared<Inverse>(s, "linalg.tri_inv", true, true), 1, 1},
      {make_shared<Cholesky>(s, "linalg.cholesky", true), 1, 1},
      {make_shared<CholeskyInverse>(s, "linalg.cholesky_inv", false), 1, 1},
      {make_shared<Eig>(s, "linalg.eig", true), 1, 2},
      {make_shared<Eigh>(s, "linalg.eigvalsh", true, false), 1, 1},
      {make_shared<LUF>(s, "linalg.lu"), 1, 3},
      {make_shared<Solve>(s, "linalg.solve_triangular", true, false), 2, 1},
      {make_shared<Solve>(s, "linalg.solve", false, false), 2, 1},
      {make_shared<Determinant>(s, "linalg.slogdet", true), 1, 2},
      {make_shared<Determinant>(s, "linalg.det", false), 1, 1},
      {make_shared<FFT>(s, std::vector<int>{0, 2}, Shape{4, 6}, true, true, 0.25), 1, 1},
      {make_shared<fast::RMSNorm>(s, 1e-5f), 2, 1},
      {make_shared<fast::LayerNorm>(s, 1e-6f), 3, 1},
      {make_shared<fast::RoPE>(s, 8, true, 10000.0f, 0.5f, false), 3, 1},
      {make_shared<fast::ScaledDotProductAttention>(s, 0.5f, true, true, false), 4, 1},
      {make_shared<Convolution>(s, std::vector<int>{1, 2}, std::vector<int>{0, 1}, std::vector<int>{1, 0},
                                std::vector<int>{1, 1}, std::vector<int>{2, 1}, 2, true),
       2, 1},
      {make_shared<Quantize>(s, QuantMode::Mxfp8, 32, 8), 1, 2},
      {make_shared<Dequantize>(s, QuantMode::Affine, 64, 4), 3, 1},
      {[&] {
         auto d = make_shared<Dequantize>(s, QuantMode::Mxfp4, 32, 4);
         d->set_out_dtype(bfloat16);
         return d;
       }(),
       2, 1},
      {make_shared<QuantizedMatmul>(s, QuantMode::Nvfp4, 16, 4, false), 3, 1},
      {make_shared<GatherQMM>(s, QuantMode::Affine, 32, 2, true), 6, 1},
  };
  return v;
}

}  // namespace

TEST(Export, EveryPrimitiveStateRoundTrips) {
  for (auto& [p, nin, nout] : samples()) {
    SCOPED_TRACE(p->name());
    StateWriter w;
    p->write_state(w);
    auto* reader = detail::find_reader(p->name());
    ASSERT_NE(reader, nullptr);
    StateReader r(w.values(), p->name());
    auto q = reader->make(Stream{}, r, nin, nout);
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
