#include "primitives.h"

#include <stdexcept>
#include <string>

namespace mlx::core {

void Primitive::eval_gpu(const std::vector<array>&, std::vector<array>&) {
  throw std::runtime_error(std::string("[") + name() +
                           "] The gpu device is not available: mlxjs was built without a GPU "
                           "backend.");
}

// MLX's messages for a transform a primitive has no rule for (Eig's vjp and jvp, as in MLX).
std::vector<array> Primitive::vjp(const std::vector<array>&, const std::vector<array>&,
                                  const std::vector<int>&, const std::vector<array>&) {
  throw std::invalid_argument(std::string("[Primitive::vjp] Not implemented for ") + name() +
                              ".");
}

std::vector<array> Primitive::jvp(const std::vector<array>&, const std::vector<array>&,
                                  const std::vector<int>&) {
  throw std::invalid_argument(std::string("[Primitive::jvp] Not implemented for ") + name() +
                              ".");
}

std::pair<std::vector<array>, std::vector<int>> Primitive::vmap(const std::vector<array>&,
                                                                const std::vector<int>&) {
  throw std::invalid_argument(std::string("[Primitive::vmap] Not implemented for ") + name() +
                              ".");
}

void Primitive::write_state(StateWriter&) const {
  throw std::invalid_argument(std::string("[export_function] The primitive ") + name() +
                              " cannot be exported.");
}

const char* Binary::name() const {
  static const char* const names[] = {
      "Add", "Subtract", "Multiply", "Divide", "Maximum", "Minimum", "Power", "Remainder",
      "FloorDivide", "ArcTan2", "LogAddExp", "LogicalAnd", "LogicalOr", "BitwiseAnd",
      "BitwiseOr", "BitwiseXor", "LeftShift", "RightShift"};
  return names[int(op_)];
}

const char* Unary::name() const {
  static const char* const names[] = {
      "Abs", "Negative", "Sign", "Square", "Sqrt", "Rsqrt", "Exp", "Expm1", "Log", "Log2",
      "Log10", "Log1p", "Sin", "Cos", "Tan", "ArcSin", "ArcCos", "ArcTan", "Sinh", "Cosh",
      "Tanh", "ArcSinh", "ArcCosh", "ArcTanh", "Sigmoid", "Erf", "ErfInv", "Floor", "Ceil",
      "Round", "Trunc", "LogicalNot", "BitwiseInvert", "Conjugate", "Real", "Imag"};
  return names[int(op_)];
}

const char* Compare::name() const {
  static const char* const names[] = {"Equal",   "NotEqual", "Less",
                                      "LessEqual", "Greater", "GreaterEqual"};
  return names[int(op_)];
}

}  // namespace mlx::core
