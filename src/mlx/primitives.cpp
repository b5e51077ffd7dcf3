#include "primitives.h"

#include <stdexcept>
#include <string>

namespace mlx::core {

void Primitive::eval_gpu(const std::vector<array>&, std::vector<array>&) {
  throw std::runtime_error(std::string("[") + name() +
                           "] The gpu device is not available: mlxjs was built without a GPU "
                           "backend.");
}

std::vector<array> Primitive::vjp(const std::vector<array>&, const std::vector<array>&,
                                  const std::vector<int>&, const std::vector<array>&) {
  throw std::invalid_argument(std::string("[") + name() + "] VJP is not implemented yet.");
}

std::vector<array> Primitive::jvp(const std::vector<array>&, const std::vector<array>&,
                                  const std::vector<int>&) {
  throw std::invalid_argument(std::string("[") + name() + "] JVP is not implemented yet.");
}

std::pair<std::vector<array>, std::vector<int>> Primitive::vmap(const std::vector<array>&,
                                                                const std::vector<int>&) {
  throw std::invalid_argument(std::string("[") + name() + "] vmap is not implemented yet.");
}

const char* Binary::name() const {
  switch (op_) {
    case BinaryOp::add: return "Add";
    case BinaryOp::subtract: return "Subtract";
    case BinaryOp::multiply: return "Multiply";
    default: return "Divide";
  }
}

}  // namespace mlx::core
