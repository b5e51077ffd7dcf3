// The array handle: construction, shapes and strides, views, evaluation, items, errors,
// multi-output nodes, and graphs deep enough to break any recursive walk.
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <cmath>
#include <functional>
#include <stdexcept>

#include "mlx/primitives.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

// Runs f on a thread with a small stack (so a recursive walk of a deep graph would crash),
// rethrowing whatever it throws.
void on_small_stack(std::function<void()> f, size_t stack_bytes = 1 << 20) {
  struct Ctx {
    std::function<void()> f;
    std::exception_ptr err;
  } ctx{std::move(f), nullptr};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  pthread_t t;
  int rc = pthread_create(
      &t, &attr,
      [](void* p) -> void* {
        auto* c = static_cast<Ctx*>(p);
        try {
          c->f();
        } catch (...) {
          c->err = std::current_exception();
        }
        return nullptr;
      },
      &ctx);
  pthread_attr_destroy(&attr);
  ASSERT_EQ(rc, 0);
  pthread_join(t, nullptr);
  if (ctx.err) std::rethrow_exception(ctx.err);
}

// A primitive with two outputs: (a + b, a - b), float32.
class SumDiff : public Primitive {
 public:
  using Primitive::Primitive;
  void eval_cpu(const std::vector<array>& in, std::vector<array>& out) override {
    auto a = to_vec<float>(in[0]), b = to_vec<float>(in[1]);
    for (auto& o : out) o.set_data(allocator::malloc(o.nbytes()));
    for (size_t i = 0; i < a.size(); ++i) {
      out[0].data<float>()[i] = a[i] + b[i];
      out[1].data<float>()[i] = a[i] - b[i];
    }
  }
  const char* name() const override { return "SumDiff"; }
};

// SumDiff that counts its live instances.
std::atomic<int> g_counted_live{0};
class CountedSumDiff : public SumDiff {
 public:
  explicit CountedSumDiff(Stream s) : SumDiff(s) { g_counted_live++; }
  ~CountedSumDiff() override { g_counted_live--; }
};

// A primitive whose evaluation fails.
class Boom : public UnaryPrimitive {
 public:
  using UnaryPrimitive::UnaryPrimitive;
  void eval_cpu(const std::vector<array>&, array&) override {
    throw std::runtime_error("[Boom] evaluation failed");
  }
  const char* name() const override { return "Boom"; }
};

Stream cpu_stream() { return default_stream(Device(Device::cpu)); }

}  // namespace

TEST(Array, ScalarConstruction) {
  array f(1.5f);
  EXPECT_EQ(f.dtype(), float32);
  EXPECT_EQ(f.ndim(), 0);
  EXPECT_EQ(f.size(), 1u);
  EXPECT_TRUE(f.shape().empty());
  EXPECT_TRUE(f.strides().empty());
  EXPECT_EQ(f.nbytes(), 4u);
  EXPECT_TRUE(f.is_available());
  EXPECT_FALSE(f.has_primitive());
  EXPECT_EQ(f.item<float>(), 1.5f);

  EXPECT_EQ(array(7).dtype(), int32);
  EXPECT_EQ(array(true).dtype(), bool_);
  EXPECT_EQ(array(int64_t(-3)).item<int64_t>(), -3);
  EXPECT_EQ(array(uint64_t(1) << 63).item<uint64_t>(), uint64_t(1) << 63);
  EXPECT_EQ(array(2.5).dtype(), float64);
  EXPECT_EQ(array(complex64_t(1, 2)).item<complex64_t>(), complex64_t(1, 2));

  // A value with another dtype is converted.
  EXPECT_EQ(array(2.75, float16).item<float16_t>().bits, 0x4180);
  EXPECT_EQ(array(1.0f / 3.0f, bfloat16).item<bfloat16_t>().bits, 0x3eab);
  EXPECT_EQ(array(300, uint8).item<uint8_t>(), 44);  // wraps as a C++ cast
  EXPECT_EQ(array(-1, uint32).item<uint32_t>(), 0xffffffffu);
  EXPECT_EQ(array(3.9, int32).item<int32_t>(), 3);
  EXPECT_EQ(array(2.0, bool_).item<bool>(), true);
  EXPECT_EQ(array(1.5f, complex64).item<complex64_t>(), complex64_t(1.5f, 0));
  EXPECT_EQ(array(complex64_t(4, 5), float32).item<float>(), 4.f);
}

TEST(Array, FromBytesCopiesAndHasRowMajorStrides) {
  std::vector<float> v = {1, 2, 3, 4, 5, 6};
  array a(v.data(), {2, 3}, float32);
  v[0] = 100;  // the array owns a copy
  EXPECT_EQ(a.shape(), (Shape{2, 3}));
  EXPECT_EQ(a.strides(), (Strides{3, 1}));
  EXPECT_EQ(a.size(), 6u);
  EXPECT_EQ(a.ndim(), 2);
  EXPECT_EQ(a.itemsize(), 4u);
  EXPECT_EQ(a.nbytes(), 24u);
  EXPECT_EQ(a.data_size(), 6u);
  EXPECT_TRUE(a.flags().row_contiguous);
  EXPECT_FALSE(a.flags().col_contiguous);
  EXPECT_TRUE(a.flags().contiguous);
  EXPECT_EQ(to_vec<float>(a), (std::vector<float>{1, 2, 3, 4, 5, 6}));

  array b = make<int16_t>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24},
                          {2, 3, 4});
  EXPECT_EQ(b.strides(), (Strides{12, 4, 1}));
  EXPECT_EQ(b.shape(0), 2);
  EXPECT_EQ(b.shape(-1), 4);
  EXPECT_EQ(b.shape(-3), 2);
  EXPECT_EQ(b.strides(1), 4);
  EXPECT_EQ(b.strides(-1), 1);
  EXPECT_OUT_OF_RANGE(b.shape(3), "array.shape");
  EXPECT_OUT_OF_RANGE(b.shape(-4), "array.shape");
  EXPECT_OUT_OF_RANGE(b.strides(3), "array.strides");

  // A column vector is both row and column contiguous.
  array c = make<float>({1, 2, 3}, {3, 1});
  EXPECT_TRUE(c.flags().row_contiguous);
  EXPECT_TRUE(c.flags().col_contiguous);
}

TEST(Array, EmptyArrays) {
  array e(static_cast<const void*>(nullptr), {0, 3}, float32);
  EXPECT_EQ(e.size(), 0u);
  EXPECT_EQ(e.nbytes(), 0u);
  EXPECT_EQ(e.shape(), (Shape{0, 3}));
  EXPECT_TRUE(to_vec<float>(e).empty());
  array z = zeros({4, 0});
  z.eval();
  EXPECT_EQ(z.size(), 0u);
  EXPECT_THROW(e.item<float>(), std::invalid_argument);
}

TEST(Array, BadShapesAreErrors) {
  float x = 0;
  EXPECT_INVALID(array(&x, {-1}, float32), "array");
  EXPECT_INVALID(array(&x, {2, -3}, float32), "array");
  // 2^31 * 2^31 elements: past what an array may hold.
  EXPECT_INVALID(array(&x, {1 << 30, 1 << 30, 4}, float32), "array");
  EXPECT_INVALID(array(Shape{-2}, float32, std::make_shared<Copy>(cpu_stream()), {array(1.f)}), "array");
  EXPECT_INVALID(shape_size({1 << 30, 1 << 30, 1 << 30}), "array");
  EXPECT_EQ(shape_size({}), 1u);
  EXPECT_EQ(shape_size({3, 0, 5}), 0u);
  EXPECT_EQ(shape_size({1 << 26, 1 << 27}), size_t(1) << 53);
  EXPECT_EQ(row_strides({2, 3, 4}), (Strides{12, 4, 1}));
  EXPECT_EQ(row_strides({}), Strides{});
}

TEST(Array, AdoptedDataRunsItsDeleterOnce) {
  std::atomic<int> deleted{0};
  {
    auto buf = allocator::malloc(16);
    auto data = std::make_shared<Data>(buf, [&](allocator::Buffer b) {
      deleted++;
      allocator::free(b);
    });
    float* p = static_cast<float*>(buf.ptr);
    for (int i = 0; i < 4; ++i) p[i] = float(i);
    array a(data, {2, 2}, float32);
    data.reset();
    array t = transpose(a);
    array r = reshape(a, {4});
    EXPECT_EQ(to_vec<float>(t), (std::vector<float>{0, 2, 1, 3}));
    EXPECT_EQ(to_vec<float>(r), (std::vector<float>{0, 1, 2, 3}));
    a = array(0.f);
    EXPECT_EQ(deleted.load(), 0);  // the views still hold the data
  }
  EXPECT_EQ(deleted.load(), 1);
}

TEST(Array, ViewsShareData) {
  array a = arange(0, 24, 1, float32);
  a.eval();
  array r = reshape(a, {2, 3, 4});
  array t = transpose(r, {2, 0, 1});
  array s = swapaxes(r, 0, 2);
  array b = broadcast_to(reshape(a, {1, 24}), {5, 24});
  array c = copy(a);
  array e = expand_dims(a, {0, 2});
  eval({r, t, s, b, c, e});
  for (auto* v : {&r, &t, &s, &b, &c, &e}) {
    EXPECT_EQ(v->data_shared_ptr(), a.data_shared_ptr());
    EXPECT_EQ(v->data<float>(), a.data<float>());
  }
  EXPECT_EQ(r.strides(), (Strides{12, 4, 1}));
  EXPECT_EQ(t.shape(), (Shape{4, 2, 3}));
  EXPECT_EQ(t.strides(), (Strides{1, 12, 4}));
  EXPECT_FALSE(t.flags().row_contiguous);
  EXPECT_EQ(s.strides(), (Strides{1, 4, 12}));
  EXPECT_TRUE(s.flags().col_contiguous);
  EXPECT_FALSE(s.flags().row_contiguous);
  EXPECT_EQ(b.strides(), (Strides{0, 1}));
  EXPECT_FALSE(b.flags().row_contiguous);
  EXPECT_EQ(b.data_size(), 24u);
  EXPECT_EQ(e.shape(), (Shape{1, 24, 1}));
  // The data outlives the array it came from.
  auto* p = a.data<float>();
  a = array(0.f);
  EXPECT_EQ(t.data<float>(), p);
  auto tv = to_vec<float>(t);
  EXPECT_EQ(tv[0], 0.f);
  EXPECT_EQ(tv[1], 4.f);
  EXPECT_EQ(tv[6], 1.f);
}

TEST(Array, LazyUntilEvaluated) {
  array a = make<float>({1, 2, 3});
  array b = add(a, a);
  EXPECT_EQ(b.shape(), (Shape{3}));
  EXPECT_EQ(b.dtype(), float32);
  EXPECT_TRUE(b.has_primitive());
  EXPECT_STREQ(b.primitive().name(), "Add");
  EXPECT_EQ(b.inputs().size(), 2u);
  EXPECT_EQ(b.status(), array::Status::unscheduled);
  EXPECT_EQ(b.data<float>(), nullptr);
  b.eval();
  EXPECT_EQ(b.status(), array::Status::available);
  EXPECT_FALSE(b.has_primitive());  // evaluated arrays drop their graph
  EXPECT_TRUE(b.inputs().empty());
  EXPECT_EQ(to_vec<float>(b), (std::vector<float>{2, 4, 6}));
  b.eval();  // again: nothing to do
  // item evaluates too.
  array c = multiply(array(3.f), array(4.f));
  EXPECT_EQ(c.item<float>(), 12.f);
  EXPECT_INVALID(b.item<float>(), "item");
}

TEST(Array, SharedSubgraphIsComputedOnce) {
  array a = make<float>({1, 2});
  array s = add(a, a);
  array x = multiply(s, s);
  array y = subtract(s, a);
  eval({x, y});
  EXPECT_EQ(to_vec<float>(x), (std::vector<float>{4, 16}));
  EXPECT_EQ(to_vec<float>(y), (std::vector<float>{1, 2}));
  EXPECT_TRUE(s.is_available());
}

TEST(Array, MultiOutputNodes) {
  array a = make<float>({5, 7});
  array b = make<float>({1, 2});
  auto outs = array::make_arrays({{2}, {2}}, {float32, float32}, std::make_shared<SumDiff>(cpu_stream()), {a, b});
  ASSERT_EQ(outs.size(), 2u);
  EXPECT_EQ(outs[0].siblings().size(), 1u);
  EXPECT_TRUE(outs[0].siblings()[0].is_same(outs[1]));
  auto o1 = outs[1].outputs();
  EXPECT_TRUE(o1[0].is_same(outs[0]));
  EXPECT_TRUE(o1[1].is_same(outs[1]));
  // Evaluating one output computes both.
  outs[1].eval();
  EXPECT_TRUE(outs[0].is_available());
  EXPECT_EQ(to_vec<float>(outs[0]), (std::vector<float>{6, 9}));
  EXPECT_EQ(to_vec<float>(outs[1]), (std::vector<float>{4, 5}));
  EXPECT_FALSE(outs[0].has_primitive());
  EXPECT_TRUE(outs[0].siblings().empty());
  // A dependent of one output, evaluated lazily.
  auto more = array::make_arrays({{2}, {2}}, {float32, float32}, std::make_shared<SumDiff>(cpu_stream()), {a, b});
  array z = add(more[0], more[1]);  // 2a
  more.clear();
  EXPECT_EQ(to_vec<float>(z), (std::vector<float>{10, 14}));
}

TEST(Array, UnevaluatedMultiOutputNodesAreFreed) {
  // Siblings refer to each other; dropping every handle must still free the node (and
  // its inputs), evaluated or not.
  ASSERT_EQ(g_counted_live.load(), 0);
  {
    auto outs = array::make_arrays({{2}, {2}}, {float32, float32},
                                   std::make_shared<CountedSumDiff>(cpu_stream()),
                                   {make<float>({1, 2}), make<float>({3, 4})});
    EXPECT_EQ(g_counted_live.load(), 1);
  }
  EXPECT_EQ(g_counted_live.load(), 0) << "unevaluated multi-output node leaked";
  {
    array keep = array::make_arrays({{2}, {2}}, {float32, float32},
                                    std::make_shared<CountedSumDiff>(cpu_stream()),
                                    {make<float>({1, 2}), make<float>({3, 4})})[1];
    EXPECT_EQ(g_counted_live.load(), 1);  // one output kept: the node lives
    EXPECT_EQ(to_vec<float>(keep), (std::vector<float>{-2, -2}));
    EXPECT_EQ(g_counted_live.load(), 0);  // evaluated: the graph is dropped
  }
  {
    array a = array::make_arrays({{2}, {2}}, {float32, float32},
                                 std::make_shared<CountedSumDiff>(cpu_stream()),
                                 {make<float>({1, 2}), make<float>({3, 4})})[0];
    array b = add(a, a);
  }
  EXPECT_EQ(g_counted_live.load(), 0) << "unevaluated multi-output node in a graph leaked";
}

TEST(Array, EvaluationErrorsPropagate) {
  array a = make<float>({1, 2});
  array bad(Shape{2}, float32, std::make_shared<Boom>(cpu_stream()), {a});
  array dep = add(bad, a);
  EXPECT_THROW(dep.eval(), std::runtime_error);
  EXPECT_TRUE(bad.is_available());  // settled, with its error
  EXPECT_TRUE(bad.error() != nullptr);
  EXPECT_THROW(bad.eval(), std::runtime_error);
  try {
    dep.item<float>();
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "[Boom] evaluation failed");
  }
  // Unrelated work is unaffected.
  EXPECT_EQ(to_vec<float>(add(a, a)), (std::vector<float>{2, 4}));
}

TEST(Array, DeepChainEvaluatesAndDestroysOnASmallStack) {
  constexpr int kDepth = 100000;
  on_small_stack([] {
    array one(1.f);
    array x(0.f);
    for (int i = 0; i < kDepth; ++i) x = add(x, one);
    EXPECT_EQ(x.item<float>(), float(kDepth));
  });
  on_small_stack([] {
    // Never evaluated: the whole chain is freed when the last handle goes.
    array one(1.f);
    array x(0.f);
    for (int i = 0; i < kDepth; ++i) x = multiply(add(x, one), one);
    x = array(0.f);
  });
  on_small_stack([] {
    // Multi-output nodes in the chain, their siblings dropped early.
    array x = make<float>({1, 1});
    array zero = make<float>({0, 0});
    for (int i = 0; i < kDepth / 4; ++i)
      x = array::make_arrays({{2}, {2}}, {float32, float32}, std::make_shared<CountedSumDiff>(cpu_stream()), {x, zero})[0];
    EXPECT_EQ(g_counted_live.load(), kDepth / 4);
    x = array(0.f);
    EXPECT_EQ(g_counted_live.load(), 0);
  });
  on_small_stack([] {
    // A partly evaluated chain: evaluate the middle, then extend and evaluate again.
    array one(1.f);
    array x(0.f);
    for (int i = 0; i < kDepth / 2; ++i) x = add(x, one);
    array mid = x;
    for (int i = 0; i < kDepth / 2; ++i) x = add(x, one);
    mid.eval();
    EXPECT_EQ(x.item<float>(), float(kDepth));
  });
}

TEST(Array, WideGraph) {
  // A node with many inputs (a deep-and-wide sum tree).
  std::vector<array> leaves;
  for (int i = 0; i < 4096; ++i) leaves.push_back(array(float(i)));
  while (leaves.size() > 1) {
    std::vector<array> next;
    for (size_t i = 0; i < leaves.size(); i += 2) next.push_back(add(leaves[i], leaves[i + 1]));
    leaves = std::move(next);
  }
  EXPECT_EQ(leaves[0].item<float>(), 4096.f * 4095.f / 2.f);
}

TEST(Array, IdsAndIdentity) {
  array a(1.f);
  array b = a;
  EXPECT_TRUE(a.is_same(b));
  EXPECT_EQ(a.id(), b.id());
  EXPECT_GE(a.use_count(), 2);
  array c(1.f);
  EXPECT_FALSE(a.is_same(c));
  EXPECT_NE(a.id(), c.id());
}
