// export_function / import_function / exporter / export_to_dot (MLX's mlx/export.h and
// graph_utils.h). A function is traced at example inputs (as compile traces it: placeholder
// inputs, the graph the function builds) and the graph is stored: per trace the input
// shapes and dtypes, each node's primitive by name with its parameters (write_state), and
// the constants it reads. import_function rebuilds the graph around new inputs.
// The file format is mlxjs's own (export.cpp describes it); MLX's .mlxfn is not a stable
// public format.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "array.h"
#include "export_state.h"

namespace mlx::core {

using Args = std::vector<array>;
using Kwargs = std::map<std::string, array>;  // sorted by name, as MLX orders keyword inputs
using ExportFn = std::function<std::vector<array>(const Args&, const Kwargs&)>;

// What an export callback receives, one record per call, as MLX's callback mode: in order
// "inputs" (positional then keyword inputs), "keyword_inputs" (keyword name, input name),
// "outputs", "constants" (name, array), then one "primitive" per node in topological order
// (name, inputs, outputs, arguments = the primitive's state). Arrays are named A, B, ..., Z,
// AA, ... in order of first mention.
struct ExportTensor {
  std::string name;
  Shape shape;
  Dtype dtype;
};
struct ExportRecord {
  std::string type;
  std::vector<ExportTensor> inputs, outputs;
  std::vector<std::pair<std::string, std::string>> keywords;
  std::vector<std::pair<std::string, array>> constants;
  std::string name;
  std::vector<StateValue> arguments;
};
using ExportCallback = std::function<void(const ExportRecord&)>;

// Traces of one function into one file (or callback). Each call traces the function at the
// given inputs; the file is rewritten with every trace so far, so it is complete after each
// call. close() ends it (later calls throw) and frees what it holds.
class FunctionExporter {
 public:
  FunctionExporter(std::string file, bool shapeless, std::string metadata = "");
  FunctionExporter(ExportCallback callback, bool shapeless);
  void operator()(const ExportFn& fun, const Args& args, const Kwargs& kwargs = {});
  void close();
  bool closed() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

void export_function(const std::string& file, const ExportFn& fun, const Args& args,
                     const Kwargs& kwargs = {}, bool shapeless = false,
                     const std::string& metadata = "");
void export_function(const ExportCallback& callback, const ExportFn& fun, const Args& args,
                     const Kwargs& kwargs = {}, bool shapeless = false);

// A function read back: calling it picks the first trace whose inputs match (names, dtypes,
// shapes, or ranks when shapeless) and builds its graph around the inputs (lazily).
class ImportedFunction {
 public:
  std::vector<array> operator()(const Args& args, const Kwargs& kwargs = {}) const;
  const std::string& metadata() const;
  bool shapeless() const;
  size_t num_traces() const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
  friend ImportedFunction import_function_from_bytes(const std::string& bytes);
};

ImportedFunction import_function(const std::string& file);
// The same from the bytes of a file (the file is read whole, then parsed).
ImportedFunction import_function_from_bytes(const std::string& bytes);

// Graphviz DOT of the graph behind `outputs` (MLX's format): arrays are named A, B, ... unless
// `names` gives them a name; unevaluated nodes are rectangles labelled with the primitive.
void export_to_dot(std::ostream& os, const std::vector<array>& outputs,
                   const std::vector<std::pair<std::string, array>>& names = {});

}  // namespace mlx::core
