#include "transforms.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <memory>
#include <stdexcept>
#include <unordered_set>

#include "autograd.h"
#include "primitives.h"
#include "scheduler.h"

namespace mlx::core {

namespace {

// Topological order of the not-yet-scheduled nodes behind outputs; marks them scheduled.
// Node ids seen while building a tape: a short list for the small graphs of eager code,
// a hash set once graphs grow.
class SeenSet {
 public:
  bool insert(std::uintptr_t id) {
    if (big_.empty()) {
      for (auto x : small_)
        if (x == id) return false;
      if (small_.size() < 32) {
        small_.push_back(id);
        return true;
      }
      big_.insert(small_.begin(), small_.end());
    }
    return big_.insert(id).second;
  }

 private:
  std::vector<std::uintptr_t> small_;
  std::unordered_set<std::uintptr_t> big_;
};

// An unscheduled array without a primitive has no way to get data: a transform's placeholder.
[[noreturn]] void placeholder_error(const array& a) {
  if (a.is_tracer())
    throw std::invalid_argument(
        "[eval] Attempting to eval an array during function transformations like compile or "
        "vmap is not allowed.");
  throw std::runtime_error("[eval] Attempting to eval an array without a primitive.");
}

// Undoes the scheduled marks of a tape that could not be completed.
void unschedule(std::vector<array>& tape) {
  for (auto& node : tape)
    for (auto& o : node.outputs()) o.set_status(array::Status::unscheduled);
}

std::vector<array> build_tape(const std::vector<array>& outputs) {
  std::vector<array> tape;
  SeenSet seen;
  for (auto& out : outputs)
    if (out.status() == array::Status::unscheduled && !out.has_primitive()) placeholder_error(out);
  // Explicit stack of (node, next input index) so deep graphs do not overflow.
  std::vector<std::pair<array, size_t>> stack;
  for (auto& out : outputs) {
    if (out.status() != array::Status::unscheduled) continue;
    if (!out.has_primitive()) continue;
    if (!seen.insert(out.id())) continue;
    stack.emplace_back(out, 0);
    while (!stack.empty()) {
      auto& [node, i] = stack.back();
      if (i < node.inputs().size()) {
        const array& in = node.inputs()[i++];
        if (in.status() == array::Status::unscheduled && !in.has_primitive()) {
          unschedule(tape);
          placeholder_error(in);
        }
        if (in.status() == array::Status::unscheduled && in.has_primitive() &&
            seen.insert(in.id())) {
          for (auto& s : in.siblings()) seen.insert(s.id());
          stack.emplace_back(in, 0);
        }
        continue;
      }
      for (auto& o : node.outputs()) o.set_status(array::Status::scheduled);
      tape.push_back(std::move(node));
      stack.pop_back();
    }
  }
  return tape;
}

// Computes one node: its inputs are ready (or become ready) first.
void run_node(array& node) {
  std::exception_ptr err;
  for (auto& in : node.inputs()) {
    if (!in.is_available()) {
      try {
        in.wait();
      } catch (...) {
        err = std::current_exception();
      }
    } else if (in.error()) {
      err = in.error();
    }
    if (err) break;
  }
  bool single = node.siblings().empty();
  std::vector<array> outs;
  if (!single) outs = node.outputs();
  if (!err) {
    try {
      if (node.stream().device.type == Device::gpu) {
        if (single) outs = {node};
        node.primitive().eval_gpu(node.inputs(), outs);
      } else if (single) {
        node.primitive().eval_cpu(node.inputs(), node);
      } else {
        node.primitive().eval_cpu(node.inputs(), outs);
      }
    } catch (...) {
      err = std::current_exception();
    }
  }
  // Evaluated tracers keep their graph: the running transform still has to walk it.
  if (!(node.is_tracer() && detail::in_tracing())) node.detach();
  if (single) {
    if (err) node.set_error(err);
    node.set_status(array::Status::available);
    return;
  }
  for (auto& o : outs) {
    if (err) o.set_error(err);
    o.set_status(array::Status::available);
  }
}

// A node whose inputs are all computed or in flight: the common case of eager code.
bool is_lone_node(const array& a) {
  if (a.status() != array::Status::unscheduled || !a.has_primitive() || !a.siblings().empty())
    return false;
  for (auto& in : a.inputs())
    if (in.status() == array::Status::unscheduled) return false;  // uncomputed, or a placeholder
  return true;
}

std::vector<int> streams_of(const std::vector<array>& tape) {
  std::vector<int> idx;
  for (auto& a : tape) {
    int s = a.stream().index;
    if (std::find(idx.begin(), idx.end(), s) == idx.end()) idx.push_back(s);
  }
  std::sort(idx.begin(), idx.end());  // one lock order for every caller
  return idx;
}

void schedule(std::vector<array>& tape) {
  for (auto& node : tape) {
    Stream s = node.stream();
    scheduler::enqueue(s, [node = std::move(node)]() mutable { run_node(node); });
  }
  tape.clear();
}

}  // namespace

void eval(array a) {
  if (is_lone_node(a)) {
    int s = a.stream().index;
    if (scheduler::try_acquire_idle(s)) {
      a.set_status(array::Status::scheduled);
      run_node(a);
      scheduler::release(s);
    }
  }
  if (a.status() != array::Status::available) return eval(std::vector<array>{a});
  if (a.error()) std::rethrow_exception(a.error());
}

void eval(std::vector<array> outputs) {
  auto tape = build_tape(outputs);
  if (!tape.empty()) {
    auto streams = streams_of(tape);
    // When the streams are idle the caller would only wait, so it runs the work itself:
    // this keeps the cost of evaluating a tiny graph to a few hundred nanoseconds.
    if (scheduler::try_acquire_idle(streams)) {
      for (auto& node : tape) {
        run_node(node);
        node = array::empty();  // drop the reference so intermediates free early
      }
      scheduler::release(streams);
    } else {
      schedule(tape);
    }
  }
  for (auto& o : outputs) o.wait();
}

void async_eval(std::vector<array> outputs, std::function<void(std::exception_ptr)> done) {
  if (detail::in_tracing())
    for (auto& o : outputs)
      if (o.is_tracer() && o.status() != array::Status::available)
        throw std::invalid_argument("[async_eval] Not allowed inside a graph transformation.");
  auto tape = build_tape(outputs);
  schedule(tape);
  if (!done) return;
  // One waiter per distinct stream of the outputs; the last one to finish reports.
  struct Pending {
    std::atomic<int> count;
    std::vector<array> outputs;
    std::function<void(std::exception_ptr)> done;
  };
  std::vector<int> streams;
  for (auto& o : outputs) {
    int s = o.stream().index;
    if (std::find(streams.begin(), streams.end(), s) == streams.end()) streams.push_back(s);
  }
  if (streams.empty()) {  // nothing to wait for: report at once
    done(nullptr);
    return;
  }
  auto pending = std::make_shared<Pending>();
  pending->count = int(streams.size());
  pending->outputs = std::move(outputs);
  pending->done = std::move(done);
  for (int s : streams) {
    scheduler::enqueue(stream_from_index(s), [pending] {
      if (pending->count.fetch_sub(1) != 1) return;
      std::exception_ptr err;
      for (auto& o : pending->outputs) {
        try {
          o.wait();
        } catch (...) {
          if (!err) err = std::current_exception();
        }
      }
      pending->outputs.clear();
      pending->done(err);
    });
  }
}

void synchronize(Stream s) { scheduler::synchronize(s); }

void synchronize() { scheduler::synchronize(default_stream(default_device())); }

}  // namespace mlx::core
