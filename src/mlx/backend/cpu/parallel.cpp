#include "parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace mlx::core::cpu {

namespace {

struct Job {
  const std::function<void(size_t, size_t)>* fn;
  size_t n, chunk, chunks;
  std::atomic<size_t> next{0};
  std::atomic<size_t> finished{0};

  // Claims and runs chunks until none are left.
  void work() {
    for (;;) {
      size_t c = next.fetch_add(1);
      if (c >= chunks) return;
      size_t b = c * chunk, e = std::min(n, b + chunk);
      (*fn)(b, e);
      if (finished.fetch_add(1) + 1 == chunks) finished.notify_all();
    }
  }
};

struct Pool {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::shared_ptr<Job>> jobs;
  int threads;

  Pool() {
    unsigned hc = std::thread::hardware_concurrency();
    threads = hc ? int(hc) : 1;
    if (const char* env = std::getenv("MLX_NUM_THREADS")) threads = std::max(1, std::atoi(env));
    for (int i = 1; i < threads; ++i) std::thread([this] { loop(); }).detach();
  }

  void loop() {
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [this] { return !jobs.empty(); });
        job = jobs.front();
        if (job->next.load() >= job->chunks) {
          jobs.pop_front();
          continue;
        }
      }
      job->work();
    }
  }
};

// Leaked on purpose: its threads live until the process exits.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

int num_threads() {
  static const int n = pool().threads;
  return n;
}

void parallel_for_impl(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn) {
  if (n == 0) return;
  Pool& p = pool();
  size_t parts = std::min<size_t>(size_t(p.threads), (n + grain - 1) / std::max<size_t>(grain, 1));
  if (parts <= 1) {
    fn(0, n);
    return;
  }
  auto job = std::make_shared<Job>();
  job->fn = &fn;
  job->n = n;
  job->chunk = (n + parts - 1) / parts;
  job->chunks = (n + job->chunk - 1) / job->chunk;
  {
    std::lock_guard<std::mutex> lock(p.mu);
    p.jobs.push_back(job);
  }
  p.cv.notify_all();
  job->work();
  size_t done = job->finished.load();
  while (done < job->chunks) {
    job->finished.wait(done);
    done = job->finished.load();
  }
  std::lock_guard<std::mutex> lock(p.mu);
  auto it = std::find(p.jobs.begin(), p.jobs.end(), job);
  if (it != p.jobs.end()) p.jobs.erase(it);
}

}  // namespace mlx::core::cpu
