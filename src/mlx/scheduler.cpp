#include "scheduler.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace mlx::core {

namespace {

// Process exit with work in flight. exit() runs the libraries' destructors, and OpenBLAS's
// joins its threads, which may be busy with (or about to start) a stream's matmul: the
// process would hang for as long as the queued work takes. So once exit() begins no stream
// starts another task, and if one is running the process ends at once, with its status.
std::atomic<int> g_running{0};
std::atomic<bool> g_exiting{false};

bool enter_task() {
  g_running.fetch_add(1);
  if (!g_exiting.load()) return true;
  g_running.fetch_sub(1);
  return false;
}
void leave_task() { g_running.fetch_sub(1); }

[[noreturn]] void park() {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

void on_process_exit(int status, void*) {
  g_exiting.store(true);
  if (g_running.load() > 0) {
    std::fflush(nullptr);
    std::_Exit(status);
  }
}

struct StreamWorker {
  std::mutex mu;  // guards queue
  std::condition_variable cv;
  std::deque<std::function<void()>> queue;
  std::mutex exec;  // held while a task of this stream runs
  std::atomic<bool> started{false};

  void start() {
    std::thread([this] { loop(); }).detach();  // never joined: exit may come mid-work
    started.store(true, std::memory_order_release);
  }

  void loop() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [this] { return !queue.empty(); });
        task = std::move(queue.front());
      }
      if (!enter_task()) park();  // the process is exiting
      {
        std::lock_guard<std::mutex> run(exec);
        task();
        std::lock_guard<std::mutex> lock(mu);
        queue.pop_front();  // popped after running, so an idle check sees running work
      }
      leave_task();
    }
  }
};

// Streams live in a fixed table so that the per-op lookups need no lock.
constexpr int kMaxStreams = 1024;

struct Registry {
  std::mutex mu;  // guards creation only
  Stream streams[kMaxStreams];
  StreamWorker* workers[kMaxStreams] = {};
  std::atomic<int> count{0};
  Stream default_cpu{0, Device(Device::cpu, 0)};
  Device default_device{Device::cpu, 0};

  Registry() {
    add(Device(Device::cpu, 0));
    on_exit(on_process_exit, nullptr);
  }

  Stream add(Device d) {
    std::lock_guard<std::mutex> lock(mu);
    int i = count.load();
    if (i >= kMaxStreams) throw std::runtime_error("[new_stream] Too many streams.");
    streams[i] = Stream(i, d);
    workers[i] = new StreamWorker();
    count.store(i + 1, std::memory_order_release);
    return streams[i];
  }

  StreamWorker& worker(int index) {
    if (index < 0 || index >= count.load(std::memory_order_acquire))
      throw std::out_of_range("[stream] Unknown stream index " + std::to_string(index) + ".");
    auto& w = *workers[index];
    if (!w.started.load(std::memory_order_acquire)) {
      std::lock_guard<std::mutex> lock(mu);
      if (!w.started.load()) w.start();
    }
    return w;
  }
};

// Leaked on purpose: worker threads may outlive static destruction at exit.
Registry& registry() {
  static Registry* r = new Registry();
  return *r;
}

}  // namespace

bool is_available(const Device& d) { return d.type == Device::cpu && d.index == 0; }

const Device& default_device() { return registry().default_device; }

// Throws the op's error for a device this build cannot run on.
void check_available(const Device& d, const char* op) {
  if (is_available(d)) return;
  throw std::invalid_argument(std::string("[") + op + "] " +
                              (d.type == Device::gpu
                                   ? "The gpu device is not available: mlxjs was built without "
                                     "a GPU backend."
                                   : "Device index out of range."));
}

void set_default_device(const Device& d) {
  check_available(d, "set_default_device");
  registry().default_device = d;
}

Stream default_stream(Device d) {
  check_available(d, "default_stream");
  return registry().default_cpu;
}

void set_default_stream(Stream s) {
  check_available(s.device, "set_default_stream");
  stream_from_index(s.index);
  registry().default_cpu = s;
}

Stream new_stream(Device d) {
  check_available(d, "new_stream");
  return registry().add(d);
}

Stream stream_from_index(int index) {
  auto& r = registry();
  if (index < 0 || index >= r.count.load(std::memory_order_acquire))
    throw std::out_of_range("[stream] Unknown stream index " + std::to_string(index) + ".");
  return r.streams[index];
}

int stream_count() { return registry().count.load(); }

namespace scheduler {

void enqueue(const Stream& s, std::function<void()> task) {
  auto& w = registry().worker(s.index);
  {
    std::lock_guard<std::mutex> lock(w.mu);
    w.queue.push_back(std::move(task));
  }
  w.cv.notify_one();
}

bool try_acquire_idle(const std::vector<int>& idx) {
  if (!enter_task()) return false;
  size_t locked = 0;
  bool idle = true;
  for (; locked < idx.size(); ++locked) {
    auto& w = registry().worker(idx[locked]);
    w.exec.lock();
    std::lock_guard<std::mutex> lock(w.mu);
    if (!w.queue.empty()) {
      idle = false;
      ++locked;
      break;
    }
  }
  if (idle) return true;
  for (size_t i = 0; i < locked; ++i) registry().worker(idx[i]).exec.unlock();
  leave_task();
  return false;
}

bool try_acquire_idle(int i) {
  if (!enter_task()) return false;
  auto& w = registry().worker(i);
  w.exec.lock();
  bool idle;
  {
    std::lock_guard<std::mutex> lock(w.mu);
    idle = w.queue.empty();
  }
  if (!idle) {
    w.exec.unlock();
    leave_task();
  }
  return idle;
}

void release(int i) {
  registry().worker(i).exec.unlock();
  leave_task();
}

void release(const std::vector<int>& idx) {
  for (int i : idx) registry().worker(i).exec.unlock();
  leave_task();
}

void synchronize(const Stream& s) {
  auto& w = registry().worker(s.index);
  {
    std::lock_guard<std::mutex> lock(w.mu);
    if (w.queue.empty()) return;
  }
  auto done = std::make_shared<std::atomic<bool>>(false);
  enqueue(s, [done] {
    done->store(true);
    done->notify_all();
  });
  done->wait(false);
}

}  // namespace scheduler
}  // namespace mlx::core
