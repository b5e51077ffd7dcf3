// The runtime: streams and their worker threads, eval / async_eval / synchronize, many
// threads evaluating at once, and the allocator's buffer cache, counters and limits.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "mlx/allocator.h"
#include "mlx/primitives.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;
using namespace std::chrono_literals;

namespace {

Device cpu() { return Device(Device::cpu); }

// A primitive that sleeps, then copies its input: makes work observably asynchronous.
class Slow : public UnaryPrimitive {
 public:
  Slow(Stream s, int ms) : UnaryPrimitive(s), ms_(ms) {}
  void eval_cpu(const std::vector<array>& in, array& out) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms_));
    out.copy_shared_buffer(in[0]);
  }
  const char* name() const override { return "Slow"; }

 private:
  int ms_;
};

class Boom : public UnaryPrimitive {
 public:
  using UnaryPrimitive::UnaryPrimitive;
  void eval_cpu(const std::vector<array>&, array&) override {
    throw std::runtime_error("[Boom] evaluation failed");
  }
  const char* name() const override { return "Boom"; }
};

array slow(const array& a, Stream s, int ms) {
  return array(a.shape(), a.dtype(), std::make_shared<Slow>(s, ms), {a});
}

// Restores allocator limits when a test ends, whatever happens.
struct LimitGuard {
  size_t memory = allocator::get_memory_limit();
  size_t cache = allocator::set_cache_limit(allocator::get_memory_limit());
  ~LimitGuard() {
    allocator::set_memory_limit(memory);
    allocator::set_cache_limit(cache);
  }
};

}  // namespace

// ---- streams ----------------------------------------------------------------------------------

TEST(Streams, NewStreamsAreDistinctCpuStreams) {
  int before = stream_count();
  Stream a = new_stream(cpu());
  Stream b = new_stream(cpu());
  EXPECT_EQ(stream_count(), before + 2);
  EXPECT_NE(a, b);
  EXPECT_EQ(b.index, a.index + 1);
  EXPECT_EQ(a.device, cpu());
  EXPECT_EQ(stream_from_index(a.index), a);
  EXPECT_NE(a, default_stream(cpu()));
  EXPECT_TRUE(is_available(cpu()));
  EXPECT_FALSE(is_available(Device(Device::gpu)));
  EXPECT_THROW(set_default_device(Device(Device::gpu)), std::invalid_argument);
}

TEST(Streams, DefaultStreamCanBeChanged) {
  Stream old = default_stream(cpu());
  Stream s = new_stream(cpu());
  set_default_stream(s);
  EXPECT_EQ(default_stream(cpu()), s);
  array x = add(array(1.f), array(2.f));
  EXPECT_EQ(x.stream(), s);
  EXPECT_EQ(x.item<float>(), 3.f);
  set_default_stream(old);
  EXPECT_EQ(add(array(1.f), array(2.f)).stream(), old);
  EXPECT_THROW(set_default_stream(Stream(9999, cpu())), std::out_of_range);
}

TEST(Streams, CrossStreamDependencies) {
  Stream s1 = new_stream(cpu()), s2 = new_stream(cpu()), s3 = new_stream(cpu());
  const int n = 1 << 20;
  array x = arange(0, n, 1, float32, s1);
  array a = add(slow(x, s1, 20), array(1.f), s1);   // s1: x + 1 (after a delay)
  array b = multiply(a, array(2.f), s2);            // s2 waits for s1
  array c = subtract(b, slow(a, s3, 10), s3);       // s3 waits for s1 and s2: (x+1)
  array d = add(c, x, s1);                          // back on s1: 2x + 1
  auto v = to_vec<float>(d);
  for (int i = 0; i < n; i += 4099) ASSERT_EQ(v[i], 2.f * i + 1.f) << i;
  EXPECT_EQ(v[n - 1], 2.f * (n - 1) + 1.f);
  EXPECT_EQ(d.stream(), s1);
  EXPECT_EQ(b.stream(), s2);
}

TEST(Streams, AsyncEvalReportsCompletion) {
  Stream s = new_stream(cpu());
  array x = slow(ones({1000}, float32, s), s, 300);
  array y = add(x, x, s);
  std::promise<std::exception_ptr> done;
  auto t0 = std::chrono::steady_clock::now();
  async_eval({y}, [&](std::exception_ptr e) { done.set_value(e); });
  // async_eval returns before the (slow) work is done.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 250ms);
  EXPECT_FALSE(y.is_available());
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(f.get(), nullptr);
  EXPECT_TRUE(y.is_available());
  EXPECT_EQ(to_vec<float>(y), std::vector<float>(1000, 2.f));
}

TEST(Streams, AsyncEvalOverSeveralStreams) {
  Stream s1 = new_stream(cpu()), s2 = new_stream(cpu());
  array a = add(slow(array(1.f), s1, 30), array(1.f), s1);
  array b = multiply(slow(array(3.f), s2, 10), a, s2);
  std::promise<std::exception_ptr> done;
  async_eval({a, b}, [&](std::exception_ptr e) { done.set_value(e); });
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(f.get(), nullptr);
  EXPECT_TRUE(a.is_available());
  EXPECT_TRUE(b.is_available());
  EXPECT_EQ(b.item<float>(), 6.f);
}

TEST(Streams, AsyncEvalOfReadyArraysAndWithoutCallback) {
  array a(2.f);
  std::promise<std::exception_ptr> done;
  async_eval({a}, [&](std::exception_ptr e) { done.set_value(e); });
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(f.get(), nullptr);
  std::promise<std::exception_ptr> none;
  async_eval({}, [&](std::exception_ptr e) { none.set_value(e); });
  ASSERT_EQ(none.get_future().wait_for(10s), std::future_status::ready);
  // No callback: eval or wait still sees the result.
  Stream s = new_stream(cpu());
  array b = add(slow(array(1.f), s, 20), array(1.f), s);
  async_eval({b});
  b.wait();
  EXPECT_EQ(b.item<float>(), 2.f);
}

TEST(Streams, AsyncEvalReportsErrors) {
  Stream s = new_stream(cpu());
  array bad(Shape{2}, float32, std::make_shared<Boom>(s), {zeros({2})});
  array dep = add(bad, array(1.f), s);
  std::promise<std::exception_ptr> done;
  async_eval({dep}, [&](std::exception_ptr e) { done.set_value(e); });
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  auto err = f.get();
  ASSERT_NE(err, nullptr);
  try {
    std::rethrow_exception(err);
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "[Boom] evaluation failed");
  }
  EXPECT_THROW(dep.eval(), std::runtime_error);
  // The stream keeps working.
  EXPECT_EQ(add(array(1.f), array(1.f), s).item<float>(), 2.f);
}

TEST(Streams, SynchronizeWaitsForQueuedWork) {
  Stream s = new_stream(cpu());
  array x = array(0.f);
  for (int i = 0; i < 5; ++i) x = add(slow(x, s, 10), array(1.f), s);
  async_eval({x});
  EXPECT_FALSE(x.is_available());
  synchronize(s);
  EXPECT_TRUE(x.is_available());
  EXPECT_EQ(x.item<float>(), 5.f);
  synchronize(s);  // idle: returns at once
  synchronize();   // the default stream
}

TEST(Streams, ConcurrentEvalOfOneGraph) {
  Stream s = new_stream(cpu());
  array x = add(slow(arange(0, 1000, 1, float32, s), s, 30), array(1.f), s);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&] {
      array y = x;
      y.eval();
      auto v = to_vec<float>(y);
      if (v[0] == 1.f && v[999] == 1000.f) ok++;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 6);
}

TEST(Streams, ManyThreadsEvaluateIndependentGraphs) {
  const int kThreads = 8, kIters = 300;
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      // Half the threads share the default stream, half use their own.
      Stream s = t % 2 ? new_stream(cpu()) : default_stream(cpu());
      for (int i = 0; i < kIters; ++i) {
        int n = 1 + (i * 37 + t) % 5000;
        array a = arange(0, n, 1, float32, s);
        array b = multiply(a, array(float(t)), s);
        array c = add(b, a, s);  // (t + 1) * k
        if (i % 3 == 0) {
          array m = matmul(reshape(c, {1, n}, s), reshape(ones({n}, float32, s), {n, 1}, s), s);
          float expect = float(t + 1) * float(n) * float(n - 1) / 2.f;
          if (std::abs(m.item<float>() - expect) > 1e-4f * expect + 1e-3f) wrong++;
        } else {
          auto v = to_vec<float>(c);
          if (v[n - 1] != float(t + 1) * float(n - 1) || v[0] != 0.f) wrong++;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Streams, ManyThreadsAsyncEvalAtOnce) {
  const int kThreads = 6, kIters = 100;
  std::atomic<int> wrong{0}, callbacks{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      Stream s = new_stream(cpu());
      for (int i = 0; i < kIters; ++i) {
        array x = add(full({64}, array(float(i)), float32, s), array(float(t)), s);
        std::promise<void> done;
        async_eval({x}, [&](std::exception_ptr e) {
          if (e) wrong++;
          callbacks++;
          done.set_value();
        });
        done.get_future().wait();
        if (to_vec<float>(x)[63] != float(i + t)) wrong++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(callbacks.load(), kThreads * kIters);
}

// exit() while a stream runs (and has more queued) BLAS work: OpenBLAS's library destructor
// joins its threads, which would wait for all of that work. The process must end at once,
// with its exit status.
TEST(StreamsDeathTest, ExitWithMatmulsInFlightEndsPromptly) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        array m = ones({2048, 2048});
        for (int i = 0; i < 40; ++i) m = matmul(m, multiply(m, array(1e-4f)));
        async_eval({m});
        std::this_thread::sleep_for(300ms);
        std::fprintf(stderr, "exiting\n");
        std::exit(3);
      },
      ::testing::ExitedWithCode(3), "exiting");
}

TEST(StreamsDeathTest, ExitWithQueuedButIdleWorkRunsHandlers) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        array x = add(ones({16}), array(1.f));
        x.eval();
        std::atexit([] { std::fprintf(stderr, "handlers ran\n"); });
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "handlers ran");
}

// ---- allocator --------------------------------------------------------------------------------

TEST(Allocator, FreedBuffersAreReused) {
  LimitGuard guard;
  allocator::clear_cache();
  EXPECT_EQ(allocator::get_cache_memory(), 0u);
  size_t active0 = allocator::get_active_memory();
  const size_t n = 100000;
  auto b = allocator::malloc(n);
  ASSERT_NE(b.ptr, nullptr);
  EXPECT_EQ(b.size, n);
  size_t block = allocator::get_active_memory() - active0;
  EXPECT_GE(block, n);
  EXPECT_LE(block, n + n / 4 + 64);  // size classes waste at most a quarter
  EXPECT_GE(allocator::get_peak_memory(), active0 + block);
  std::memset(b.ptr, 1, n);
  void* p = b.ptr;
  allocator::free(b);
  EXPECT_EQ(allocator::get_active_memory(), active0);
  EXPECT_EQ(allocator::get_cache_memory(), block);
  auto c = allocator::malloc(n - 100);  // same size class: the same block comes back
  EXPECT_EQ(c.ptr, p);
  EXPECT_EQ(allocator::get_cache_memory(), 0u);
  EXPECT_EQ(allocator::get_active_memory(), active0 + block);
  allocator::free(c);
  allocator::clear_cache();
  EXPECT_EQ(allocator::get_cache_memory(), 0u);
  EXPECT_EQ(allocator::get_active_memory(), active0);
}

TEST(Allocator, SmallAndHugeBlocks) {
  LimitGuard guard;
  allocator::clear_cache();
  size_t active0 = allocator::get_active_memory();
  auto z = allocator::malloc(0);
  auto s = allocator::malloc(24);
  auto h = allocator::malloc((size_t(3) << 20) + 1);  // an mmap'd block, 2 MiB granular
  EXPECT_EQ(reinterpret_cast<uintptr_t>(s.ptr) % 16, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(h.ptr) % 64, 0u);
  std::memset(h.ptr, 7, h.size);
  EXPECT_EQ(allocator::get_active_memory() - active0, 16u + 32u + (size_t(4) << 20));
  allocator::free(z);
  allocator::free(s);
  allocator::free(h);
  allocator::free({nullptr, 0});  // a no-op
  EXPECT_EQ(allocator::get_active_memory(), active0);
  allocator::clear_cache();
}

TEST(Allocator, ArraysReturnTheirMemory) {
  LimitGuard guard;
  allocator::clear_cache();
  size_t active0 = allocator::get_active_memory();
  allocator::reset_peak_memory();
  EXPECT_EQ(allocator::get_peak_memory(), active0);
  {
    array a = add(ones({1 << 20}), ones({1 << 20}));  // 4 MiB result plus inputs
    a.eval();
    EXPECT_GE(allocator::get_active_memory(), active0 + (size_t(4) << 20));
  }
  EXPECT_EQ(allocator::get_active_memory(), active0);
  EXPECT_GE(allocator::get_peak_memory(), active0 + (size_t(4) << 20));
  size_t cached = allocator::get_cache_memory();
  EXPECT_GE(cached, size_t(4) << 20);
  // The same computation again is served from the cache: active returns to where it was
  // and the cache does not grow.
  {
    array a = add(ones({1 << 20}), ones({1 << 20}));
    a.eval();
  }
  EXPECT_EQ(allocator::get_active_memory(), active0);
  EXPECT_EQ(allocator::get_cache_memory(), cached);
  allocator::reset_peak_memory();
  EXPECT_EQ(allocator::get_peak_memory(), active0);
  allocator::clear_cache();
  EXPECT_EQ(allocator::get_cache_memory(), 0u);
}

TEST(Allocator, CacheLimit) {
  LimitGuard guard;
  allocator::clear_cache();
  allocator::set_cache_limit(0);
  auto b = allocator::malloc(1 << 20);
  allocator::free(b);
  EXPECT_EQ(allocator::get_cache_memory(), 0u);  // straight back to the OS
  allocator::set_cache_limit(size_t(3) << 20);
  std::vector<allocator::Buffer> bufs;
  for (int i = 0; i < 4; ++i) bufs.push_back(allocator::malloc(1 << 20));
  for (auto& x : bufs) allocator::free(x);
  EXPECT_LE(allocator::get_cache_memory(), size_t(3) << 20);
  EXPECT_GE(allocator::get_cache_memory(), size_t(2) << 20);
  EXPECT_EQ(allocator::set_cache_limit(size_t(1) << 20), size_t(3) << 20);  // trims at once
  EXPECT_LE(allocator::get_cache_memory(), size_t(1) << 20);
}

TEST(Allocator, MemoryLimitIsAnError) {
  LimitGuard guard;
  allocator::clear_cache();
  size_t active0 = allocator::get_active_memory();
  size_t old = allocator::set_memory_limit(active0 + (size_t(8) << 20));
  EXPECT_EQ(old, guard.memory);
  EXPECT_EQ(allocator::get_memory_limit(), active0 + (size_t(8) << 20));
  try {
    allocator::malloc(size_t(16) << 20);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("[malloc]", 0), 0u) << e.what();
  }
  EXPECT_EQ(allocator::get_active_memory(), active0);  // nothing leaked by the failure
  // The limit is on active memory: cached blocks do not count against it.
  auto a = allocator::malloc(size_t(5) << 20);
  allocator::free(a);
  EXPECT_GT(allocator::get_cache_memory(), 0u);
  auto b = allocator::malloc(size_t(7) << 20);
  allocator::free(b);
  // Through eval: the array's evaluation fails, the error reaches the caller.
  array big = zeros({4 << 20}, float32);  // 16 MiB
  EXPECT_THROW(big.eval(), std::runtime_error);
  // ... and reaches async_eval's callback.
  array big2 = add(ones({4 << 20}), array(1.f), new_stream(cpu()));
  std::promise<std::exception_ptr> done;
  async_eval({big2}, [&](std::exception_ptr e) { done.set_value(e); });
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  auto err = f.get();
  ASSERT_NE(err, nullptr);
  try {
    std::rethrow_exception(err);
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("[malloc]", 0), 0u) << e.what();
  }
  // With the limit back, the same work succeeds.
  allocator::set_memory_limit(guard.memory);
  array ok = add(ones({4 << 20}), array(1.f));
  EXPECT_EQ(to_vec<float>(ok)[12345], 2.f);
}

TEST(Allocator, ConcurrentMallocFree) {
  LimitGuard guard;
  size_t active0 = allocator::get_active_memory();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t] {
      std::vector<allocator::Buffer> held;
      for (int i = 0; i < 20000; ++i) {
        held.push_back(allocator::malloc(size_t(16 + (i * 131 + t) % 70000)));
        static_cast<char*>(held.back().ptr)[0] = char(i);
        if (held.size() > 16) {
          allocator::free(held.front());
          held.erase(held.begin());
        }
      }
      for (auto& b : held) allocator::free(b);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(allocator::get_active_memory(), active0);
  allocator::clear_cache();
}
