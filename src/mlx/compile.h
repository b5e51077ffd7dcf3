// compile: trace a function once per input structure (constants, dtypes, shapes or, with
// shapeless, ranks), simplify the traced graph (common subexpressions, repeated scalar
// constants) and fuse chains of elementwise ops into one Compiled node; later calls replay
// the cached program on the new inputs. docs/design.md describes the design.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "autograd.h"

namespace mlx::core {

// Globally off / on; MLX_DISABLE_COMPILE in the environment starts it off.
void disable_compile();
void enable_compile();
bool compile_enabled();

// fun compiled, cached under the address of this std::function's target.
VecFn compile(VecFn fun, bool shapeless = false);

class Reshape;

namespace detail {

// The dim map of a reshape from `in` to `out` when it only adds or removes size-1 dims: per
// output dim the input dim it keeps, or -1 for a new 1 ({-2} for a scalar); empty otherwise.
// Shapeless replays (compile, import_function) use it to follow new input shapes.
std::vector<int> squeeze_map(const Shape& in, const Shape& out);
// A Reshape written with a -1: shapeless replays infer that dim again instead (as MLX does).
bool infers_dim(const Reshape& r);

// The output shapes of one traced node replayed on inputs of new shapes (shapeless compile and
// import): a Broadcast takes the broadcast of `part_shapes` (its consumer's operands; empty:
// its traced target `traced_shape`), a squeeze/expand Reshape follows `squeeze_map`, and
// elementwise operands (`in`, updated) are broadcast to one shape before the primitive infers
// the rest. `op` names the caller in errors.
std::vector<Shape> shapeless_shapes(const char* op, Primitive& prim, std::vector<array>& in,
                                    bool broadcast, const std::vector<Shape>& part_shapes,
                                    const Shape& traced_shape,
                                    const std::vector<int>& squeeze_map, bool elementwise);

struct CompileResult {
  std::vector<array> outputs;
  uint64_t entry;  // which cached trace ran (new ids mean a new trace)
};

// One call of a compiled function: fun_id names the function, `constants` encodes the
// non-array part of its arguments (their tree structure and scalar leaves).
CompileResult compile_call(const VecFn& fun, std::uintptr_t fun_id, bool shapeless,
                           const std::string& constants, const std::vector<array>& inputs);
void compile_erase(std::uintptr_t fun_id);
void compile_clear_cache();
// Cached traces of fun_id, and the steps (nodes) of its most recent program (for tests).
size_t compile_cache_size(std::uintptr_t fun_id);
size_t compile_last_program_size(std::uintptr_t fun_id);

}  // namespace detail

// A fused elementwise program. Backend-neutral: a list of nodes (op, operand references,
// dtypes) over inputs broadcast to one output shape. The CPU runs it tile by tile with the
// SIMD kernel tables (backend/cpu/compiled.cpp); a GPU backend can generate one kernel from the
// same description.
struct FusedNode {
  enum class Kind : uint8_t { unary, binary, compare, select, convert };
  Kind kind;
  uint8_t op = 0;  // UnaryOp / BinaryOp / CompareOp
  Dtype in_dtype = float32;   // the operands' dtype (the condition of select is bool)
  Dtype out_dtype = float32;
  // Operands: >= 0 an earlier node, < 0 input (-1 - k).
  int32_t args[3] = {0, 0, 0};
  int nargs() const {
    return kind == Kind::select ? 3 : (kind == Kind::binary || kind == Kind::compare) ? 2 : 1;
  }
  bool operator==(const FusedNode& o) const {
    return kind == o.kind && op == o.op && in_dtype == o.in_dtype && out_dtype == o.out_dtype &&
           args[0] == o.args[0] && args[1] == o.args[1] && args[2] == o.args[2];
  }
};

class Compiled : public Primitive {
 public:
  Compiled(Stream s, std::vector<FusedNode> nodes, std::vector<int> outputs);
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  const char* name() const override { return "Compiled"; }
  bool is_equivalent(const Primitive& o) const override {
    auto* c = dynamic_cast<const Compiled*>(&o);
    return c && c->nodes_ == nodes_ && c->outputs_ == outputs_;
  }
  const std::vector<FusedNode>& nodes() const { return nodes_; }
  const std::vector<int>& output_nodes() const { return outputs_; }

 private:
  std::vector<FusedNode> nodes_;
  std::vector<int> outputs_;  // node index of each output
  std::vector<int> slot_;     // scratch slot per node (-1: written to its output)
  std::vector<int> out_of_;   // output index per node (-1: not an output)
  int nslots_ = 0;
};

}  // namespace mlx::core
