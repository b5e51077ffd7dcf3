// The array: a cheap handle to a shared descriptor that is either data or a graph node.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <vector>

#include "allocator.h"
#include "device.h"
#include "dtype.h"

namespace mlx::core {

using Shape = std::vector<int32_t>;
using Strides = std::vector<int64_t>;

class Primitive;

// Owned storage; views share one Data. The deleter lets data live in foreign memory
// (a JS ArrayBuffer) and be released by its owner.
struct Data {
  allocator::Buffer buffer;
  std::function<void(allocator::Buffer)> deleter;
  explicit Data(allocator::Buffer b) : buffer(b) {}
  Data(allocator::Buffer b, std::function<void(allocator::Buffer)> d)
      : buffer(b), deleter(std::move(d)) {}
  ~Data() {
    if (deleter)
      deleter(buffer);
    else
      allocator::free(buffer);
  }
  Data(const Data&) = delete;
  Data& operator=(const Data&) = delete;
};

class array {
 public:
  struct Flags {
    bool contiguous = true;      // the elements fill data_size slots with no gaps
    bool row_contiguous = true;  // C order
    bool col_contiguous = true;  // Fortran order
  };
  enum class Status : uint8_t { unscheduled, scheduled, available };

  // A scalar of type T as a 0-d array.
  template <typename T>
  explicit array(T value, Dtype dtype = TypeToDtype<T>::value);
  array(const void* data, Shape shape, Dtype dtype);  // copies the bytes
  array(std::shared_ptr<Data> data, Shape shape, Dtype dtype);  // adopts contiguous data
  // A lazy node: shape and dtype known now, values at eval.
  array(Shape shape, Dtype dtype, std::shared_ptr<Primitive> primitive,
        std::vector<array> inputs);
  // A placeholder holding nothing (for containers whose slots are released early).
  static array empty() { return array(std::shared_ptr<Desc>()); }

  // The outputs of a multi-output node refer to each other (siblings); when the last
  // handle from outside goes, the destructor and assignments break that cycle.
  array(const array&) = default;
  array(array&&) noexcept = default;
  array& operator=(const array& o) {
    if (desc_ != o.desc_) {
      array old(std::move(*this));
      desc_ = o.desc_;
    }
    return *this;
  }
  array& operator=(array&& o) noexcept {
    if (this != &o) {
      array old(std::move(*this));
      desc_ = std::move(o.desc_);
    }
    return *this;
  }
  ~array() {
    if (desc_ && !desc_->siblings.empty()) release_siblings();
  }
  static std::vector<array> make_arrays(std::vector<Shape> shapes, std::vector<Dtype> dtypes,
                                        std::shared_ptr<Primitive> primitive,
                                        std::vector<array> inputs);

  Dtype dtype() const { return desc_->dtype; }
  const Shape& shape() const { return desc_->shape; }
  int32_t shape(int dim) const;
  const Strides& strides() const { return desc_->strides; }
  int64_t strides(int dim) const;
  int ndim() const { return int(desc_->shape.size()); }
  size_t size() const { return desc_->size; }
  size_t itemsize() const { return size_t(dtype().size()); }
  size_t nbytes() const { return size() * itemsize(); }

  // Evaluates the graph behind this array (blocking).
  void eval();
  template <typename T>
  T item();

  bool has_primitive() const { return desc_->primitive != nullptr; }
  Primitive& primitive() const { return *desc_->primitive; }
  std::shared_ptr<Primitive> primitive_ptr() const { return desc_->primitive; }
  const std::vector<array>& inputs() const { return desc_->inputs; }
  std::vector<array>& inputs() { return desc_->inputs; }
  const std::vector<array>& siblings() const { return desc_->siblings; }
  std::vector<array> outputs() const;  // this array and its siblings, in output order
  Stream stream() const { return desc_->stream; }
  void set_stream(Stream s) { desc_->stream = s; }

  Status status() const { return desc_->status.load(std::memory_order_acquire); }
  void set_status(Status s) {
    desc_->status.store(s, std::memory_order_release);
    if (s == Status::available) desc_->status.notify_all();
  }
  bool is_available() const { return status() == Status::available; }
  // Blocks until a scheduled array is computed; rethrows an evaluation error.
  void wait();
  void set_error(std::exception_ptr e) { desc_->error = std::move(e); }
  std::exception_ptr error() const { return desc_->error; }

  // Raw data access (valid once available).
  template <typename T>
  T* data() {
    return static_cast<T*>(desc_->data_ptr);
  }
  template <typename T>
  const T* data() const {
    return static_cast<const T*>(desc_->data_ptr);
  }
  size_t data_size() const { return desc_->data_size; }
  const Flags& flags() const { return desc_->flags; }
  const std::shared_ptr<Data>& data_shared_ptr() const { return desc_->data; }
  size_t buffer_size() const { return desc_->data ? desc_->data->buffer.size : 0; }

  // Kernels call these to give an output its memory.
  void set_data(allocator::Buffer buffer);  // fresh row-contiguous data
  void set_data(std::shared_ptr<Data> data, size_t data_size, Strides strides, Flags flags,
                int64_t offset_elems = 0);  // fresh layout over existing data
  void copy_shared_buffer(const array& other, const Strides& strides, Flags flags,
                          size_t data_size, int64_t offset_elems = 0);
  void copy_shared_buffer(const array& other);

  // Drops the graph once evaluated so memory of inputs can be released.
  void detach();

  // Tracers are the placeholder inputs that function transforms (grad, vmap, compile)
  // push through a user function; ops treat them as ordinary arrays.
  bool is_tracer() const { return desc_->is_tracer; }
  void set_tracer(bool t) { desc_->is_tracer = t; }

  std::uintptr_t id() const { return reinterpret_cast<std::uintptr_t>(desc_.get()); }
  bool is_same(const array& o) const { return desc_ == o.desc_; }
  long use_count() const { return desc_.use_count(); }

  struct Desc {
    Shape shape;
    Strides strides;
    size_t size = 1;
    Dtype dtype;
    std::shared_ptr<Primitive> primitive;
    std::vector<array> inputs;
    std::vector<array> siblings;  // other outputs of the same primitive
    int position = 0;             // this array's index among the outputs
    Stream stream;
    std::shared_ptr<Data> data;
    void* data_ptr = nullptr;
    size_t data_size = 0;
    Flags flags;
    std::atomic<Status> status{Status::unscheduled};
    bool is_tracer = false;
    std::exception_ptr error;

    Desc(Shape s, Dtype d);
    ~Desc();
  };

 private:
  explicit array(std::shared_ptr<Desc> d) : desc_(std::move(d)) {}
  void release_siblings() noexcept;
  static void cut_sibling_links(std::vector<array>& sibs) noexcept;
  static std::shared_ptr<Desc> new_desc(Shape shape, Dtype dtype);
  void init_scalar(const void* bytes);
  std::shared_ptr<Desc> desc_;
};

Strides row_strides(const Shape& shape);
size_t shape_size(const Shape& shape);  // throws on overflow past 2^53

template <typename T>
array::array(T value, Dtype dtype) : desc_(new_desc(Shape{}, dtype)) {
  dispatch_dtype(dtype, [&](auto zero) {
    using U = decltype(zero);
    U v;
    if constexpr (std::is_same_v<U, complex64_t>) {
      if constexpr (std::is_same_v<T, complex64_t>)
        v = value;
      else
        v = complex64_t(float(value), 0.f);
    } else if constexpr (std::is_same_v<T, complex64_t>) {
      v = static_cast<U>(value.real());
    } else {
      v = static_cast<U>(value);
    }
    init_scalar(&v);
  });
}

template <typename T>
T array::item() {
  eval();
  if (size() != 1) throw std::invalid_argument("[item] Only length-1 arrays can be converted.");
  return *data<T>();
}

}  // namespace mlx::core
