// mx.random: keys, the threefry2x32 generator and the distributions built on it
// (defined in random.cpp). Every function follows MLX's mlx/random.cpp step for step (the
// same key splits, counters and rounding of each intermediate), so a key gives the values
// MLX's CPU backend gives, bit for bit. Errors are std::invalid_argument("[random.<fn>] ...").
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "ops.h"

namespace mlx::core::random {

// MLX's threefry2x32: 20 rounds (five groups of four rotations, the key injected after
// each group) of the counter pair under the key pair.
std::pair<uint32_t, uint32_t> threefry2x32_hash(const std::pair<uint32_t, uint32_t>& key,
                                                std::pair<uint32_t, uint32_t> count);

// The C++ API's implicit key: split on each use (the first half becomes the new state,
// the second is handed out). The JS binding keeps its own state, as Python MLX does.
class KeySequence {
 public:
  explicit KeySequence(uint64_t seed);
  void seed(uint64_t seed);
  array next();
  static KeySequence& default_();

 private:
  array key_;
};

// The key {seed >> 32, seed & 0xffffffff} (uint32, shape [2]).
array key(uint64_t seed);
void seed(uint64_t seed);

// Random bits of the given shape: width 4 (uint32), 2 (uint16) or 1 (uint8) bytes. The key
// must be a uint32 array of shape [2].
array bits(const Shape& shape, int width = 4, const std::optional<array>& key = std::nullopt,
           StreamOrDevice s = {});
inline array bits(const Shape& shape, const std::optional<array>& key, StreamOrDevice s = {}) {
  return bits(shape, 4, key, s);
}

// Two keys (each [2]) from one, and num keys as a [num, 2] array.
std::pair<array, array> split(const array& key, StreamOrDevice s = {});
array split(const array& key, int num, StreamOrDevice s = {});

// Uniform in [low, high) (low and high broadcast to shape); dtype float32, float16 or bfloat16.
array uniform(const array& low, const array& high, const Shape& shape, Dtype dtype = float32,
              const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});
array uniform(const Shape& shape, Dtype dtype = float32,
              const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});

// Normal through erfinv of a uniform on (-1, 1); complex64 gives N(0, 1/2) parts.
array normal(const Shape& shape, Dtype dtype = float32,
             const std::optional<array>& loc = std::nullopt,
             const std::optional<array>& scale = std::nullopt,
             const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});

// mean + z @ sqrt(cov) for standard normal z of shape broadcast(cov and mean batch dims,
// shape) + [n], the square root through the SVD of cov (float32 only, as MLX; CPU only, as
// MLX's linalg).
array multivariate_normal(const array& mean, const array& cov, const Shape& shape = {},
                          Dtype dtype = float32, const std::optional<array>& key = std::nullopt,
                          StreamOrDevice s = {});

// Integers in [low, high) as MLX 0.32 draws them: floor of a float32 uniform, clamped to
// [low, high - 1] (an empty interval gives low).
array randint(const array& low, const array& high, const Shape& shape, Dtype dtype = int32,
              const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});

// bits < p * nextafter(2^32): p >= 1 is always true, p <= 0 always false.
array bernoulli(const array& p, const Shape& shape,
                const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});
array bernoulli(const array& p, const std::optional<array>& key = std::nullopt,
                StreamOrDevice s = {});
array bernoulli(const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});

// sqrt(2) * erfinv(uniform(erf(lower / sqrt2), erf(upper / sqrt2))), clipped to the bounds.
array truncated_normal(const array& lower, const array& upper, const Shape& shape,
                       Dtype dtype = float32, const std::optional<array>& key = std::nullopt,
                       StreamOrDevice s = {});
array truncated_normal(const array& lower, const array& upper, Dtype dtype = float32,
                       const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});

// -log(-log(uniform)).
array gumbel(const Shape& shape, Dtype dtype = float32,
             const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});

// argmax(logits + gumbel) along axis (uint32). `shape` must broadcast with the logits'
// shape less the axis; num_samples adds a trailing dimension of that many draws.
array categorical(const array& logits, int axis, const Shape& shape,
                  const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});
array categorical(const array& logits, int axis, int num_samples,
                  const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});
array categorical(const array& logits, int axis = -1,
                  const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});

// Inverse-CDF Laplace noise: sign(u) * log1p(-|u|), u uniform on (-1, 1).
array laplace(const Shape& shape, Dtype dtype = float32, float loc = 0.0f, float scale = 1.0f,
              const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});

// argsort of x random words (a permutation of arange(x), uint32), and x permuted along axis.
array permutation(int x, const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});
array permutation(const array& x, int axis = 0, const std::optional<array>& key = std::nullopt,
                  StreamOrDevice s = {});

}  // namespace mlx::core::random
