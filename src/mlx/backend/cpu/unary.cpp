// CPU evaluation of the elementwise primitives of ops_elementwise.cpp: Unary, Compare and
// DivMod (the new BinaryOps run through Binary::eval_cpu in primitives_cpu.cpp).
#include <algorithm>

#include "../../pool.h"
#include "../../primitives.h"
#include "kernels.h"
#include "layout.h"
#include "strided.h"

namespace mlx::core {

namespace {

using cpu::kernels;
using namespace cpu::layout;

// Two same-shape operands: one linear loop when both are dense with one layout or one is a
// broadcast scalar (ia, ib: 1 or 0 element strides); -1 otherwise.
std::pair<int64_t, int64_t> linear_strides(const array& a, const array& b) {
  bool da = is_dense(a), db = is_dense(b);
  bool sa = a.data_size() == 1, sb = b.data_size() == 1;
  if (da && db && a.strides() == b.strides()) return {1, 1};
  if (da && sb) return {1, 0};
  if (sa && db) return {0, 1};
  return {-1, -1};
}

}  // namespace

void Unary::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  auto fn = kernels().unary[int(op_)][in.dtype().index()];
  size_t isz = in.itemsize(), osz = out.itemsize();
  if (out.size() == 0) {
    alloc_row(out);
    return;
  }
  const char* src = in.data<char>();
  if (is_dense(in)) {
    alloc_like(out, in);
    char* dst = out.data<char>();
    linear_out(in.data_size(), osz, dst, [&](size_t b, size_t n, char* d) { fn(src + b * isz, d, n, 1); });
    return;
  }
  alloc_row(out);
  auto L = cpu::collapse<2>(in.shape(), {&in.strides(), &out.strides()});
  char* dst = out.data<char>();
  cpu::for_each_row<2>(L, osz, [&](const std::array<int64_t, 2>& off, size_t n,
                                    const std::array<int64_t, 2>& s) {
    fn(src + off[0] * int64_t(isz), dst + off[1] * int64_t(osz), n, s[0]);
  });
}

void Compare::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& a = inputs[0];
  const array& b = inputs[1];
  auto fn = kernels().compare[int(op_)][a.dtype().index()];
  int64_t isz = int64_t(a.itemsize());
  if (out.size() == 0) {
    alloc_row(out);
    return;
  }
  const char *pa = a.data<char>(), *pb = b.data<char>();
  auto [ia, ib] = linear_strides(a, b);
  if (ia >= 0) {
    alloc_like(out, ia ? a : b);
    char* po = out.data<char>();
    linear_out(out.data_size(), 1, po, [&](size_t s, size_t n, char* dst) {
      fn(pa + int64_t(s) * ia * isz, pb + int64_t(s) * ib * isz, dst, n, ia, ib);
    });
    return;
  }
  alloc_row(out);
  auto L = cpu::collapse<3>(out.shape(), {&a.strides(), &b.strides(), &out.strides()});
  char* po = out.data<char>();
  cpu::for_each_row<3>(L, size_t(isz), [&](const std::array<int64_t, 3>& off, size_t n,
                                            const std::array<int64_t, 3>& s) {
    fn(pa + off[0] * isz, pb + off[1] * isz, po + off[2], n, s[0], s[1]);
  });
}

void DivMod::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& a = inputs[0];
  const array& b = inputs[1];
  array& q = outputs[0];
  array& r = outputs[1];
  auto fn = kernels().divmod[a.dtype().index()];
  int64_t sz = int64_t(a.itemsize());
  if (q.size() == 0) {
    alloc_row(q);
    alloc_row(r);
    return;
  }
  const char *pa = a.data<char>(), *pb = b.data<char>();
  auto [ia, ib] = linear_strides(a, b);
  if (ia >= 0) {
    const array& like = ia ? a : b;
    alloc_like(q, like);
    alloc_like(r, like);
    char *pq = q.data<char>(), *pr = r.data<char>();
    linear(q.data_size(), size_t(sz), [&](size_t s, size_t n) {
      int64_t o = int64_t(s) * sz;
      fn(pa + o * ia, pb + o * ib, pq + o, pr + o, n, ia, ib);
    });
    return;
  }
  alloc_row(q);
  alloc_row(r);
  auto L = cpu::collapse<3>(q.shape(), {&a.strides(), &b.strides(), &q.strides()});
  char *pq = q.data<char>(), *pr = r.data<char>();
  cpu::for_each_row<3>(L, size_t(sz), [&](const std::array<int64_t, 3>& off, size_t n,
                                           const std::array<int64_t, 3>& s) {
    fn(pa + off[0] * sz, pb + off[1] * sz, pq + off[2] * sz, pr + off[2] * sz, n, s[0], s[1]);
  });
}

}  // namespace mlx::core
