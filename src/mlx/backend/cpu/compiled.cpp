// CPU evaluation of a fused elementwise program (compile.h): one pass over memory. The output
// is cut into tiles of a few thousand elements; for each tile every node of the program runs
// its kernel from the ISA tables (the same kernels the single ops use) on that tile: inputs
// are read in place with their (broadcast) strides, intermediates live in small scratch
// buffers that stay in the core's cache, and only the outputs are written to memory (with
// non-temporal stores when they are larger than the caches). Tiles are shared by the cores.
#include <algorithm>
#include <cstring>

#include "../../compile.h"
#include "../../pool.h"
#include "kernels.h"
#include "layout.h"
#include "parallel.h"

namespace mlx::core {

namespace {

constexpr size_t kTile = 2048;         // elements per tile
constexpr size_t kSlotBytes = kTile * 8;  // the widest element (float64, complex64)

// Element strides of `a` read as an array of `shape` (numpy broadcasting: missing or size-1
// dims repeat), written to s[0 .. shape.size()).
void broadcast_strides(const array& a, const Shape& shape, int64_t* s) {
  std::fill(s, s + shape.size(), 0);
  int off = int(shape.size()) - a.ndim();
  for (int d = 0; d < a.ndim(); ++d)
    if (a.shape(d) != 1) s[d + off] = a.strides()[d];
}

struct Kernel {
  FusedNode::Kind kind;
  const void* fn;
  int elem_in, elem_out;  // bytes
};

// Per-call tables, kept per thread so that a call on small arrays allocates nothing here
// (two dozen mallocs were a quarter of a compiled call's cost).
struct Workspace {
  std::vector<Kernel> ks;
  std::vector<int64_t> full, st;  // operand-major: [operand][dim]
  std::vector<int32_t> dims;
  std::vector<const char*> in_ptr;
  std::vector<int64_t> in_sz;
  std::vector<char*> out_ptr;
};

}  // namespace

Compiled::Compiled(Stream s, std::vector<FusedNode> nodes, std::vector<int> outputs)
    : Primitive(s), nodes_(std::move(nodes)), outputs_(std::move(outputs)) {
  size_t n = nodes_.size();
  out_of_.assign(n, -1);
  for (size_t k = 0; k < outputs_.size(); ++k) out_of_[outputs_[k]] = int(k);
  // Scratch slots by liveness: a node's slot is free again after its last reader.
  std::vector<int> last(n);
  for (size_t k = 0; k < n; ++k) last[k] = int(k);
  for (size_t k = 0; k < n; ++k)
    for (int a = 0; a < nodes_[k].nargs(); ++a)
      if (nodes_[k].args[a] >= 0) last[nodes_[k].args[a]] = int(k);
  slot_.assign(n, -1);
  std::vector<int> free_slots;
  for (size_t k = 0; k < n; ++k) {
    if (out_of_[k] < 0) {
      if (free_slots.empty()) free_slots.push_back(nslots_++);
      slot_[k] = free_slots.back();
      free_slots.pop_back();
    }
    for (int a = 0; a < nodes_[k].nargs(); ++a) {
      int j = nodes_[k].args[a];
      if (j >= 0 && last[j] == int(k) && slot_[j] >= 0 &&
          std::find(free_slots.begin(), free_slots.end(), slot_[j]) == free_slots.end())
        free_slots.push_back(slot_[j]);
    }
    if (last[k] == int(k) && slot_[k] >= 0) free_slots.push_back(slot_[k]);  // unused result
  }
}

std::vector<Shape> Compiled::output_shapes(const std::vector<array>& inputs) {
  Shape shape = inputs[0].shape();
  for (size_t i = 1; i < inputs.size(); ++i) shape = broadcast_shapes(shape, inputs[i].shape());
  return std::vector<Shape>(outputs_.size(), shape);
}

void Compiled::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const Shape& shape = outputs[0].shape();
  for (auto& o : outputs) cpu::layout::alloc_row(o);
  size_t total = outputs[0].size();
  if (total == 0) return;

  const auto& K = cpu::kernels();
  thread_local Workspace ws;
  auto& ks = ws.ks;
  ks.resize(nodes_.size());
  for (size_t k = 0; k < nodes_.size(); ++k) {
    const FusedNode& f = nodes_[k];
    int in = f.in_dtype.index();
    Kernel& kk = ks[k];
    kk.kind = f.kind;
    kk.elem_in = f.in_dtype.size();
    kk.elem_out = f.out_dtype.size();
    switch (f.kind) {
      case FusedNode::Kind::unary: kk.fn = reinterpret_cast<const void*>(K.unary[f.op][in]); break;
      case FusedNode::Kind::binary: kk.fn = reinterpret_cast<const void*>(K.binary[f.op][in]); break;
      case FusedNode::Kind::compare: kk.fn = reinterpret_cast<const void*>(K.compare[f.op][in]); break;
      case FusedNode::Kind::select:
        kk.fn = reinterpret_cast<const void*>(K.select[__builtin_ctz(unsigned(f.out_dtype.size()))]);
        break;
      case FusedNode::Kind::convert:
        kk.fn = reinterpret_cast<const void*>(K.convert[in][f.out_dtype.index()]);
        break;
    }
  }

  // Strides of every operand (inputs, then outputs) over the output shape, with dims merged
  // where all operands allow it and size-1 dims dropped.
  size_t nin = inputs.size(), nops = nin + outputs.size();
  const size_t rank = shape.size(), width = std::max<size_t>(rank, 1);
  auto& full = ws.full;
  full.resize(nops * width);
  for (size_t i = 0; i < nin; ++i) broadcast_strides(inputs[i], shape, &full[i * width]);
  for (size_t o = 0; o < outputs.size(); ++o)
    std::copy(outputs[o].strides().begin(), outputs[o].strides().end(), &full[(nin + o) * width]);
  // st[k * width + j]: operand k's stride along merged dim j.
  auto& dims = ws.dims;
  auto& st = ws.st;
  dims.clear();
  st.assign(nops * width, 0);
  for (size_t d = 0; d < rank; ++d) {
    if (shape[d] == 1) continue;
    bool merge = !dims.empty();
    size_t j = dims.size();
    for (size_t k = 0; k < nops && merge; ++k)
      merge = st[k * width + j - 1] == full[k * width + d] * shape[d];
    if (merge) {
      dims.back() *= shape[d];
      for (size_t k = 0; k < nops; ++k) st[k * width + j - 1] = full[k * width + d];
    } else {
      dims.push_back(shape[d]);
      for (size_t k = 0; k < nops; ++k) st[k * width + j] = full[k * width + d];
    }
  }
  if (dims.empty()) dims.push_back(1);  // strides stay 0
  const int nd = int(dims.size());
  const size_t inner = size_t(dims.back());
  const size_t tiles_per_row = (inner + kTile - 1) / kTile;
  size_t rows = total / inner;
  auto st_at = [&](size_t k, int j) { return st[k * width + size_t(j)]; };

  auto& in_ptr = ws.in_ptr;
  auto& in_sz = ws.in_sz;
  in_ptr.resize(nin);
  in_sz.resize(nin);
  for (size_t i = 0; i < nin; ++i) {
    in_ptr[i] = inputs[i].data<char>();
    in_sz[i] = int64_t(inputs[i].itemsize());
  }
  auto& out_ptr = ws.out_ptr;
  out_ptr.resize(outputs.size());
  for (size_t o = 0; o < outputs.size(); ++o) out_ptr[o] = outputs[o].data<char>();
  // Outputs larger than the caches go through a scratch tile and a streaming copy.
  size_t out_bytes = 0;
  for (auto& o : outputs) out_bytes += o.nbytes();
  const bool stream_out = out_bytes >= cpu::layout::kStreamBytes;
  const int nslots = nslots_ + (stream_out ? int(outputs.size()) : 0);
  auto copy_stream = K.copy_stream;

  auto run = [&](size_t t0, size_t t1) {
    thread_local std::vector<char> scratch_buf;
    size_t need = size_t(std::max(nslots, 1)) * kSlotBytes + 64;
    if (scratch_buf.size() < need) scratch_buf.resize(need);
    char* scratch = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(scratch_buf.data()) + 63) & ~uintptr_t(63));
    thread_local std::vector<int64_t> off;
    thread_local std::vector<const char*> ptr;
    off.resize(nops);
    ptr.resize(nodes_.size());
    for (size_t t = t0; t < t1; ++t) {
      size_t row = t / tiles_per_row;
      size_t e0 = (t % tiles_per_row) * kTile;
      size_t n = std::min(kTile, inner - e0);
      // Element offsets of this row for every operand.
      std::fill(off.begin(), off.end(), 0);
      size_t r = row;
      for (int d = nd - 2; d >= 0; --d) {
        int64_t idx = int64_t(r % size_t(dims[d]));
        r /= size_t(dims[d]);
        for (size_t k = 0; k < nops; ++k) off[k] += idx * st_at(k, d);
      }
      auto operand = [&](int32_t a, int64_t& stride) -> const char* {
        if (a >= 0) {
          stride = 1;
          return ptr[a];
        }
        size_t i = size_t(-1 - a);
        stride = st[i * width + size_t(nd - 1)];
        return in_ptr[i] + (off[i] + int64_t(e0) * stride) * in_sz[i];
      };
      for (size_t k = 0; k < nodes_.size(); ++k) {
        const FusedNode& f = nodes_[k];
        const Kernel& kk = ks[k];
        char* dst;
        int o = out_of_[k];
        if (o >= 0 && !stream_out) {
          dst = out_ptr[o] + (off[nin + o] + int64_t(e0)) * kk.elem_out;
        } else {
          int slot = o >= 0 ? nslots_ + o : slot_[k];
          dst = scratch + size_t(slot) * kSlotBytes;
        }
        int64_t s0 = 0, s1 = 0, s2 = 0;
        switch (kk.kind) {
          case FusedNode::Kind::unary: {
            const char* a = operand(f.args[0], s0);
            reinterpret_cast<cpu::UnaryFn>(kk.fn)(a, dst, n, s0);
            break;
          }
          case FusedNode::Kind::convert: {
            const char* a = operand(f.args[0], s0);
            reinterpret_cast<cpu::ConvertFn>(kk.fn)(a, dst, n, s0);
            break;
          }
          case FusedNode::Kind::binary:
          case FusedNode::Kind::compare: {
            const char* a = operand(f.args[0], s0);
            const char* b = operand(f.args[1], s1);
            reinterpret_cast<cpu::BinaryFn>(kk.fn)(a, b, dst, n, s0, s1);
            break;
          }
          case FusedNode::Kind::select: {
            const char* c = operand(f.args[0], s0);
            const char* x = operand(f.args[1], s1);
            const char* y = operand(f.args[2], s2);
            reinterpret_cast<cpu::SelectFn>(kk.fn)(reinterpret_cast<const bool*>(c), x, y, dst, n, s0,
                                                   s1, s2);
            break;
          }
        }
        ptr[k] = dst;
        if (o >= 0 && stream_out)
          copy_stream(out_ptr[o] + (off[nin + o] + int64_t(e0)) * kk.elem_out, dst, n * size_t(kk.elem_out));
      }
    }
  };
  size_t tiles = rows * tiles_per_row;
  // About 64K elements per chunk handed to a core.
  size_t grain = std::max<size_t>(1, (size_t(1) << 16) / std::min(inner, kTile));
  cpu::parallel_for(tiles, grain, run);
}

}  // namespace mlx::core
