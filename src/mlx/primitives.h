// Primitives: the operations a graph node can hold. Each knows how to compute its
// outputs on a backend; derivatives and batching rules come with the transforms.
#pragma once

#include <string>
#include <vector>

#include "array.h"

namespace mlx::core {

// Writes a primitive's parameters for export_function (defined in export_state.h).
class StateWriter;

class Primitive {
 public:
  explicit Primitive(Stream stream) : stream_(stream) {}
  virtual ~Primitive() = default;
  Primitive(const Primitive&) = delete;
  Primitive& operator=(const Primitive&) = delete;

  virtual void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) = 0;
  // Single-output primitives skip building an outputs vector.
  virtual void eval_cpu(const std::vector<array>& inputs, array& out) {
    std::vector<array> outs{out};
    eval_cpu(inputs, outs);
  }
  virtual void eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs);

  // Transforms (grad, jvp, vmap): until a primitive implements them, these throw naming
  // the primitive. The rules of this header's primitives are in grad_rules.cpp (vjp, jvp)
  // and vmap_rules.cpp (vmap, output_shapes).
  virtual std::vector<array> vjp(const std::vector<array>& primals,
                                 const std::vector<array>& cotangents,
                                 const std::vector<int>& argnums,
                                 const std::vector<array>& outputs);
  virtual std::vector<array> jvp(const std::vector<array>& primals,
                                 const std::vector<array>& tangents,
                                 const std::vector<int>& argnums);
  virtual std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                               const std::vector<int>& axes);

  // The output shapes for inputs of new shapes (compile's shapeless mode); throws where the
  // primitive cannot infer them. Defined with the transform rules (vmap_rules.cpp).
  virtual std::vector<Shape> output_shapes(const std::vector<array>& inputs);

  // Export (export_function): writes the parameters import_function needs to rebuild the
  // primitive; the default throws, naming the primitive, for those that cannot be exported.
  virtual void write_state(StateWriter& w) const;

  virtual const char* name() const = 0;
  // Two primitives of the same type and parameters compute the same function of the
  // same inputs: compile uses this to merge common subexpressions.
  virtual bool is_equivalent(const Primitive& other) const { return false; }

  Stream stream() const { return stream_; }

 private:
  Stream stream_;
};

// Declares a primitive's transform rules (grad_rules.cpp, vmap_rules.cpp) and its shape
// inference for shapeless compile.
#define MLX_DEFINE_TRANSFORMS                                                                     \
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents, \
                         const std::vector<int>& argnums, const std::vector<array>& outputs)      \
      override;                                                                                   \
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,   \
                         const std::vector<int>& argnums) override;                               \
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,         \
                                                       const std::vector<int>& axes) override;
// Only the batching rule: vjp and jvp stay the base class's, which raise MLX's "Not
// implemented" (Eig, View and the fp8 conversions, which MLX does not differentiate either).
#define MLX_DEFINE_VMAP                                                                   \
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs, \
                                                       const std::vector<int>& axes) override;
// Declares write_state, defined with the primitive's reader in export_<group>.cpp.
#define MLX_DEFINE_STATE void write_state(StateWriter& w) const override;
#define MLX_DEFINE_OUTPUT_SHAPES \
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;

class UnaryPrimitive : public Primitive {
 public:
  using Primitive::Primitive;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) final {
    eval_cpu(inputs, outputs[0]);
  }
  void eval_cpu(const std::vector<array>& inputs, array& out) override = 0;
};

enum class BinaryOp : uint8_t {
  add, subtract, multiply, divide,
  // Elementwise ops of ops_elementwise.cpp: same-dtype operands, output of that dtype.
  maximum, minimum, power, remainder, floor_divide, arctan2, logaddexp,
  logical_and, logical_or, bitwise_and, bitwise_or, bitwise_xor, left_shift, right_shift,
};

class Binary : public UnaryPrimitive {
 public:
  Binary(Stream s, BinaryOp op) : UnaryPrimitive(s), op_(op) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override;
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* b = dynamic_cast<const Binary*>(&o);
    return b && b->op_ == op_;
  }
  BinaryOp op() const { return op_; }

 private:
  BinaryOp op_;
};

// ---- elementwise ops (ops_elementwise.cpp; CPU evaluation in backend/cpu/unary.cpp) -------

// One input, output of the same shape. The output dtype is the input's, except abs, real and
// imag of complex64 (float32).
enum class UnaryOp : uint8_t {
  abs, negative, sign, square, sqrt, rsqrt, exp, expm1, log, log2, log10, log1p,
  sin, cos, tan, arcsin, arccos, arctan, sinh, cosh, tanh, arcsinh, arccosh, arctanh,
  sigmoid, erf, erfinv, floor, ceil, round, trunc, logical_not, bitwise_invert, conjugate, real,
  imag,
};

class Unary : public UnaryPrimitive {
 public:
  Unary(Stream s, UnaryOp op) : UnaryPrimitive(s), op_(op) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override;
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* u = dynamic_cast<const Unary*>(&o);
    return u && u->op_ == op_;
  }
  UnaryOp op() const { return op_; }

 private:
  UnaryOp op_;
};

// Comparisons: two operands of one dtype, a bool_ output.
enum class CompareOp : uint8_t { equal, not_equal, less, less_equal, greater, greater_equal };

class Compare : public UnaryPrimitive {
 public:
  Compare(Stream s, CompareOp op) : UnaryPrimitive(s), op_(op) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override;
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* c = dynamic_cast<const Compare*>(&o);
    return c && c->op_ == op_;
  }
  CompareOp op() const { return op_; }

 private:
  CompareOp op_;
};

// Floor quotient and remainder (Python's sign rules) in one pass: two outputs.
class DivMod : public Primitive {
 public:
  using Primitive::Primitive;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "DivMod"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    return dynamic_cast<const DivMod*>(&o) != nullptr;
  }
};

// ---- end of elementwise ops -----------------------------------------------------------------

class Select : public UnaryPrimitive {
 public:
  using UnaryPrimitive::UnaryPrimitive;
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Select"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    return dynamic_cast<const Select*>(&o) != nullptr;
  }
};

class AsType : public UnaryPrimitive {
 public:
  AsType(Stream s, Dtype dtype) : UnaryPrimitive(s), dtype_(dtype) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "AsType"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const AsType*>(&o);
    return p && p->dtype_ == dtype_;
  }

 private:
  Dtype dtype_;
};

// A contiguous copy of the input (Copy shares the buffer; Full materialises it).
class Copy : public UnaryPrimitive {
 public:
  using UnaryPrimitive::UnaryPrimitive;
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Copy"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    return dynamic_cast<const Copy*>(&o) != nullptr;
  }
};

class Full : public UnaryPrimitive {
 public:
  using UnaryPrimitive::UnaryPrimitive;
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Full"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    return dynamic_cast<const Full*>(&o) != nullptr;
  }
};

class Arange : public UnaryPrimitive {
 public:
  Arange(Stream s, double start, double stop, double step)
      : UnaryPrimitive(s), start_(start), stop_(stop), step_(step) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Arange"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Arange*>(&o);
    return p && p->start_ == start_ && p->stop_ == stop_ && p->step_ == step_;
  }

 private:
  double start_, stop_, step_;
};

class Broadcast : public UnaryPrimitive {
 public:
  Broadcast(Stream s, Shape shape) : UnaryPrimitive(s), shape_(std::move(shape)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  const char* name() const override { return "Broadcast"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Broadcast*>(&o);
    return p && p->shape_ == shape_;
  }

 private:
  Shape shape_;
};

// The input read in row order as `shape`, which keeps the caller's -1 (if any): shapeless
// compile and import infer that dim again from new inputs, as MLX does.
class Reshape : public UnaryPrimitive {
 public:
  Reshape(Stream s, Shape shape) : UnaryPrimitive(s), shape_(std::move(shape)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Reshape"; }
  const Shape& shape() const { return shape_; }
  // `shape` with its -1 resolved for `size` elements; MLX's [reshape] errors when it cannot.
  static Shape resolve(size_t size, Shape shape);
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Reshape*>(&o);
    return p && p->shape_ == shape_;
  }

 private:
  Shape shape_;
};

class Transpose : public UnaryPrimitive {
 public:
  Transpose(Stream s, std::vector<int> axes) : UnaryPrimitive(s), axes_(std::move(axes)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Transpose"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Transpose*>(&o);
    return p && p->axes_ == axes_;
  }

 private:
  std::vector<int> axes_;
};

class Matmul : public UnaryPrimitive {
 public:
  using UnaryPrimitive::UnaryPrimitive;
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Matmul"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    return dynamic_cast<const Matmul*>(&o) != nullptr;
  }
};

// ---- Reductions, scans, softmax (ops_reduce.cpp; CPU in backend/cpu/reduce.cpp, scan.cpp) ----

enum class ReduceOp : uint8_t { And, Or, Sum, Prod, Min, Max };

// Reduces `axes` (sorted, unique) of the input; the output keeps them as size-1 dims.
class Reduce : public UnaryPrimitive {
 public:
  Reduce(Stream s, ReduceOp op, std::vector<int> axes)
      : UnaryPrimitive(s), op_(op), axes_(std::move(axes)) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override;
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Reduce*>(&o);
    return p && p->op_ == op_ && p->axes_ == axes_;
  }
  ReduceOp op() const { return op_; }
  const std::vector<int>& axes() const { return axes_; }

 private:
  ReduceOp op_;
  std::vector<int> axes_;
};

enum class ArgReduceOp : uint8_t { ArgMin, ArgMax };

// uint32 index of the first min/max along one axis (kept as a size-1 dim); NaN wins.
class ArgReduce : public UnaryPrimitive {
 public:
  ArgReduce(Stream s, ArgReduceOp op, int axis) : UnaryPrimitive(s), op_(op), axis_(axis) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return op_ == ArgReduceOp::ArgMin ? "ArgMin" : "ArgMax"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const ArgReduce*>(&o);
    return p && p->op_ == op_ && p->axis_ == axis_;
  }

 private:
  ArgReduceOp op_;
  int axis_;
};

enum class ScanOp : uint8_t { Sum, Prod, Min, Max, LogAddExp };

class Scan : public UnaryPrimitive {
 public:
  Scan(Stream s, ScanOp op, int axis, bool reverse, bool inclusive)
      : UnaryPrimitive(s), op_(op), axis_(axis), reverse_(reverse), inclusive_(inclusive) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override;
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Scan*>(&o);
    return p && p->op_ == op_ && p->axis_ == axis_ && p->reverse_ == reverse_ &&
           p->inclusive_ == inclusive_;
  }

 private:
  ScanOp op_;
  int axis_;
  bool reverse_, inclusive_;
};

// Softmax over the last axis of a floating input (accumulates in float32 or wider).
class Softmax : public UnaryPrimitive {
 public:
  Softmax(Stream s, bool precise) : UnaryPrimitive(s), precise_(precise) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Softmax"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Softmax*>(&o);
    return p && p->precise_ == precise_;
  }

 private:
  bool precise_;
};

// log(sum(exp(x))) over the last axis (kept as a size-1 dim) of a floating input.
class LogSumExp : public UnaryPrimitive {
 public:
  using UnaryPrimitive::UnaryPrimitive;
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "LogSumExp"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    return dynamic_cast<const LogSumExp*>(&o) != nullptr;
  }
};

// Variance (or its square root) over the last axis (kept as a size-1 dim), two-pass,
// divided by max(n - ddof, 0). Input floating; accumulates in double.
class VarianceLast : public UnaryPrimitive {
 public:
  VarianceLast(Stream s, int ddof, bool take_sqrt)
      : UnaryPrimitive(s), ddof_(ddof), sqrt_(take_sqrt) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return sqrt_ ? "Std" : "Var"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const VarianceLast*>(&o);
    return p && p->ddof_ == ddof_ && p->sqrt_ == sqrt_;
  }

 private:
  int ddof_;
  bool sqrt_;
};

// A bool scalar: every element of two same-shape, same-dtype inputs equal (NaN == NaN
// when equal_nan).
class AllEqual : public UnaryPrimitive {
 public:
  AllEqual(Stream s, bool equal_nan) : UnaryPrimitive(s), equal_nan_(equal_nan) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "AllEqual"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const AllEqual*>(&o);
    return p && p->equal_nan_ == equal_nan_;
  }

 private:
  bool equal_nan_;
};

// Median over the last axis (kept as a size-1 dim); the output dtype is floating.
class MedianLast : public UnaryPrimitive {
 public:
  using UnaryPrimitive::UnaryPrimitive;
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Median"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    return dynamic_cast<const MedianLast*>(&o) != nullptr;
  }
};

// ---- end of reductions -------------------------------------------------------------------

}  // namespace mlx::core
