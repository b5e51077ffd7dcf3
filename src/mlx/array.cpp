#include "array.h"

#include <cmath>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "autograd.h"
#include "pool.h"
#include "primitives.h"
#include "transforms.h"

namespace mlx::core {

std::shared_ptr<array::Desc> array::new_desc(Shape shape, Dtype dtype) {
  return std::allocate_shared<Desc>(PoolAllocator<Desc>(), std::move(shape), dtype);
}

Strides row_strides(const Shape& shape) {
  Strides s(shape.size(), 1);
  for (int i = int(shape.size()) - 2; i >= 0; --i) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

size_t shape_size(const Shape& shape) {
  size_t n = 1;
  for (auto d : shape) {
    if (d < 0) throw std::invalid_argument("[array] Negative dimensions are not allowed.");
    if (d != 0 && n > (size_t(1) << 53) / size_t(d))
      throw std::invalid_argument("[array] Shape is too large.");
    n *= size_t(d);
  }
  return n;
}

array::Desc::Desc(Shape s, Dtype d)
    : shape(std::move(s)), strides(row_strides(shape)), size(shape_size(shape)), dtype(d),
      stream(0, Device(Device::cpu)) {}

// Long chains would otherwise be destroyed recursively and overflow the stack.
array::Desc::~Desc() {
  if (inputs.empty()) return;
  std::vector<std::shared_ptr<Desc>> pending;
  for (auto& in : inputs) pending.push_back(std::move(in.desc_));
  inputs.clear();
  while (!pending.empty()) {
    auto d = std::move(pending.back());
    pending.pop_back();
    if (!d) continue;
    // Free when only this reference is left, or only this one and the siblings' references
    // to each other (the outputs of one unevaluated node).
    long n = long(d->siblings.size());
    bool last = d.use_count() == n + 1;
    for (auto& sib : d->siblings) last = last && sib.desc_ && sib.desc_.use_count() == n;
    if (last) {
      for (auto& in : d->inputs) pending.push_back(std::move(in.desc_));
      d->inputs.clear();
      std::vector<array> sibs = std::move(d->siblings);
      d->siblings.clear();
      cut_sibling_links(sibs);
      for (auto& sib : sibs) pending.push_back(std::move(sib.desc_));
    }
  }
}

void array::release_siblings() noexcept {
  // Scheduled arrays are held by the evaluator, which detaches them when done.
  if (status() == Status::scheduled) return;
  long n = long(desc_->siblings.size());
  if (desc_.use_count() != n + 1) return;
  for (auto& sib : desc_->siblings)
    if (!sib.desc_ || sib.desc_.use_count() != n) return;
  // Only the cycle holds the siblings: cut it. They are freed (iteratively, through their
  // Desc destructors) when `sibs` goes out of scope.
  std::vector<array> sibs = std::move(desc_->siblings);
  desc_->siblings.clear();
  cut_sibling_links(sibs);
}

// Empties every sibling list first and only then drops the handles they held: dropping one
// while another list is still full would re-enter release_siblings on a half-cut cycle.
void array::cut_sibling_links(std::vector<array>& sibs) noexcept {
  std::vector<std::vector<array>> held;
  held.reserve(sibs.size());
  for (auto& sib : sibs) {
    held.push_back(std::move(sib.desc_->siblings));
    sib.desc_->siblings.clear();
  }
}

int32_t array::shape(int dim) const {
  int n = ndim();
  if (dim < -n || dim >= n) throw std::out_of_range("[array.shape] dimension out of range");
  return desc_->shape[dim < 0 ? dim + n : dim];
}

int64_t array::strides(int dim) const {
  int n = ndim();
  if (dim < -n || dim >= n) throw std::out_of_range("[array.strides] dimension out of range");
  return desc_->strides[dim < 0 ? dim + n : dim];
}

void array::init_scalar(const void* bytes) {
  auto buf = allocator::malloc(itemsize());
  std::memcpy(buf.ptr, bytes, itemsize());
  set_data(buf);
  desc_->status.store(Status::available);
}

array::array(const void* data, Shape shape, Dtype dtype)
    : desc_(new_desc(std::move(shape), dtype)) {
  auto buf = allocator::malloc(nbytes());
  if (nbytes()) std::memcpy(buf.ptr, data, nbytes());
  set_data(buf);
  desc_->status.store(Status::available);
}

array::array(std::shared_ptr<Data> data, Shape shape, Dtype dtype)
    : desc_(new_desc(std::move(shape), dtype)) {
  desc_->data = std::move(data);
  desc_->data_ptr = desc_->data->buffer.ptr;
  desc_->data_size = size();
  desc_->status.store(Status::available);
}

array::array(Shape shape, Dtype dtype, std::shared_ptr<Primitive> primitive,
             std::vector<array> inputs)
    : desc_(new_desc(std::move(shape), dtype)) {
  if (primitive) desc_->stream = primitive->stream();  // null: a kernel's scratch array
  desc_->primitive = std::move(primitive);
  desc_->inputs = std::move(inputs);
  // Under a function transform, what is built from tracers is a tracer (autograd.h).
  if (detail::in_tracing())
    for (auto& in : desc_->inputs)
      if (in.is_tracer()) {
        desc_->is_tracer = true;
        break;
      }
}

std::vector<array> array::make_arrays(std::vector<Shape> shapes, std::vector<Dtype> dtypes,
                                      std::shared_ptr<Primitive> primitive,
                                      std::vector<array> inputs) {
  std::vector<array> outs;
  for (size_t i = 0; i < shapes.size(); ++i)
    outs.push_back(array(std::move(shapes[i]), dtypes[i], primitive, inputs));
  for (size_t i = 0; i < outs.size(); ++i) {
    outs[i].desc_->position = int(i);
    for (size_t j = 0; j < outs.size(); ++j)
      if (j != i) outs[i].desc_->siblings.push_back(outs[j]);
  }
  return outs;
}

std::vector<array> array::outputs() const {
  std::vector<array> outs(siblings().size() + 1, *this);
  size_t j = 0;
  for (size_t i = 0; i < outs.size(); ++i) {
    if (int(i) == desc_->position) continue;
    outs[i] = siblings()[j++];
  }
  return outs;
}

void array::eval() {
  if (status() != Status::available) mlx::core::eval(*this);
  else if (desc_->error) std::rethrow_exception(desc_->error);
}

void array::wait() {
  auto st = status();
  while (st != Status::available) {
    desc_->status.wait(st, std::memory_order_acquire);
    st = status();
  }
  if (desc_->error) std::rethrow_exception(desc_->error);
}

void array::set_data(allocator::Buffer buffer) {
  desc_->data = make_pooled<Data>(buffer);
  desc_->data_ptr = buffer.ptr;
  desc_->data_size = size();
  desc_->strides = row_strides(shape());
  desc_->flags = Flags{true, true, true};
  if (ndim() > 1) {
    // A row-contiguous array with more than one non-unit dim is not column contiguous.
    int non_unit = 0;
    for (auto d : shape()) non_unit += d > 1;
    desc_->flags.col_contiguous = non_unit <= 1;
  }
}

void array::set_data(std::shared_ptr<Data> data, size_t data_size, Strides strides, Flags flags,
                     int64_t offset_elems) {
  desc_->data = std::move(data);
  desc_->data_ptr = static_cast<char*>(desc_->data->buffer.ptr) + offset_elems * int64_t(itemsize());
  desc_->data_size = data_size;
  desc_->strides = std::move(strides);
  desc_->flags = flags;
}

void array::copy_shared_buffer(const array& other, const Strides& strides, Flags flags,
                               size_t data_size, int64_t offset_elems) {
  desc_->data = other.desc_->data;
  desc_->data_ptr =
      static_cast<char*>(other.desc_->data_ptr) + offset_elems * int64_t(itemsize());
  desc_->data_size = data_size;
  desc_->strides = strides;
  desc_->flags = flags;
}

void array::copy_shared_buffer(const array& other) {
  copy_shared_buffer(other, other.strides(), other.flags(), other.data_size());
}

void array::detach() {
  desc_->primitive = nullptr;
  desc_->inputs.clear();
  for (auto& s : desc_->siblings) {
    s.desc_->primitive = nullptr;
    s.desc_->inputs.clear();
    s.desc_->siblings.clear();
  }
  desc_->siblings.clear();
}

}  // namespace mlx::core
