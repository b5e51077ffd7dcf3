// mx.random: keys, the threefry2x32 generator and the distributions built on it, following
// MLX 0.32's mlx/random.cpp op for op. Where MLX builds a chain of ops on one draw per
// element (scale, shift, erfinv, log, clip), a RandomSample primitive computes the chain in
// one pass with the same rounding at every step; array-valued parameters go through the
// ordinary ops exactly as MLX composes them.
#include "random.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "linalg.h"
#include "ops_common.h"
#include "primitives_random.h"

namespace mlx::core::random {

namespace {

using detail::shape_str;

[[noreturn]] void fail(const char* fn, const std::string& msg) {
  throw std::invalid_argument(std::string("[random.") + fn + "] " + msg);
}

void check_key(const char* fn, const array& k) {
  if (k.dtype() != uint32)
    fail(fn, std::string("Expected key type uint32 but received ") + dtype_name(k.dtype()) + ".");
  if (k.shape() != Shape{2})
    fail(fn, "Expected key shape (2) but received " + shape_str(k.shape()) + ".");
}

// The given key (checked) or the next one of the implicit sequence.
array get_key(const char* fn, const std::optional<array>& key) {
  if (key) {
    check_key(fn, *key);
    return *key;
  }
  return KeySequence::default_().next();
}

void check_shape(const char* fn, const Shape& shape) {
  for (auto d : shape)
    if (d < 0) fail(fn, "Negative dimensions not allowed, got shape " + shape_str(shape) + ".");
  try {
    shape_size(shape);
  } catch (const std::invalid_argument&) {
    fail(fn, "Shape " + shape_str(shape) + " is too large.");
  }
}

// broadcast_shapes with the function's name in the error.
Shape broadcast(const char* fn, const Shape& a, const Shape& b) {
  try {
    return broadcast_shapes(a, b);
  } catch (const std::invalid_argument&) {
    fail(fn, "Shapes " + shape_str(a) + " and " + shape_str(b) + " cannot be broadcast.");
  }
}

// uniform()'s check: the bounds must broadcast to exactly `shape`.
void check_bounds(const char* fn, const Shape& shape, const Shape& lo, const Shape& hi) {
  Shape out = broadcast(fn, shape, broadcast(fn, hi, lo));
  if (out != shape)
    fail(fn, "Cannot generate random values of shape " + shape_str(shape) +
                 " from broadcasted shape " + shape_str(out) + ".");
}

void check_float(const char* fn, Dtype dtype) {
  if (!issubdtype(dtype, Category::floating))
    fail(fn, "Can only generate uniform numbers with real floating point type.");
}

// MLX's uniform() has no float64 bound below one (it throws "Unsupported type").
void check_uniform_dtype(const char* fn, Dtype dtype) {
  check_float(fn, dtype);
  if (dtype == float64) fail(fn, "Unsupported type float64 (MLX samples uniform values only as float32, float16 or bfloat16).");
}

array sample(Shape shape, Dtype dt, RandomKind kind, std::vector<array> inputs, Stream s,
             float a = 0.0f, float b = 0.0f, bool flag = false) {
  return array(shape, dt, std::make_shared<RandomSample>(s, kind, a, b, flag, shape, dt),
               std::move(inputs));
}

// A double constant as MLX's array(double, dtype) makes it: through float, except float64.
array constant(double v, Dtype dtype) {
  return dtype == float64 ? array(v, float64) : array(float(v), dtype);
}

// uniform(low, high, shape, dtype, key) once the key is known (checks done).
array uniform_impl(const array& lo, const array& hi, const Shape& shape, Dtype dtype,
                   const array& key, Stream s) {
  if (lo.size() == 1 && hi.size() == 1)
    return sample(shape, dtype, RandomKind::Uniform, {key, lo, hi}, s);
  // Array bounds: (hi - lo) * u + lo with broadcasting, u the draw on [0, 1).
  array u = sample(shape, dtype, RandomKind::Uniform, {key, array(0.0f, dtype), array(1.0f, dtype)}, s);
  return add(multiply(subtract(hi, lo, s), u, s), lo, s);
}

array gumbel_impl(const char* fn, const Shape& shape, Dtype dtype, const std::optional<array>& key,
                  Stream s) {
  check_uniform_dtype(fn, dtype);
  check_shape(fn, shape);
  array k = get_key(fn, key);
  return sample(shape, dtype, RandomKind::Gumbel, {k}, s);
}

int categorical_axis(int axis, int ndim) {
  int ax = axis < 0 ? axis + ndim : axis;
  if (ax < 0 || ax >= ndim)
    throw std::out_of_range("[random.categorical] Invalid axis " + std::to_string(axis) +
                            " for logits with " + std::to_string(ndim) + " dimensions.");
  return ax;
}

array categorical_impl(const array& logits, int axis, const Shape& shape,
                       const std::optional<array>& key, Stream s) {
  Shape gshape = shape;
  int offset = axis + int(shape.size()) - logits.ndim() + 1;
  gshape.insert(gshape.begin() + offset, logits.shape(axis));
  array g = gumbel_impl("categorical", gshape, float32, key, s);
  // MLX's argmax rejects a zero-size array (no logits or no samples).
  if (g.size() == 0) fail("categorical", "Cannot argmax reduce zero size array.");
  return argmax(add(g, logits, s), offset, false, s);
}

}  // namespace

}  // namespace mlx::core::random

namespace mlx::core {

namespace {

// The unit draw u of a Uniform sample: the same key and dtype with bounds 0 and 1.
array unit_draw(const array& key, const array& like, Stream s) {
  Shape shape = like.shape();
  return array(shape, like.dtype(),
               std::make_shared<RandomSample>(s, RandomKind::Uniform, 0.0f, 0.0f, false, shape,
                                              like.dtype()),
               {key, array(0.0f, like.dtype()), array(1.0f, like.dtype())});
}

}  // namespace

std::vector<array> RandomSample::vjp(const std::vector<array>& primals,
                                     const std::vector<array>& cotangents,
                                     const std::vector<int>& argnums,
                                     const std::vector<array>& outputs) {
  Stream s = stream();
  const array& ct = cotangents[0];
  std::vector<array> out;
  for (int arg : argnums) {
    const array& p = primals[arg];
    if (kind_ == RandomKind::Uniform && arg > 0) {
      // out = (hi - lo) * u + lo: d hi = sum(ct * u), d lo = sum(ct) - sum(ct * u).
      array cu = sum(multiply(ct, unit_draw(primals[0], outputs[0], s), s), std::nullopt, false, s);
      array g = arg == 2 ? cu : subtract(sum(ct, std::nullopt, false, s), cu, s);
      out.push_back(reshape(astype(g, p.dtype(), s), p.shape(), s));
    } else if (arg == 0 || kind_ == RandomKind::Bernoulli || kind_ == RandomKind::RandInt) {
      out.push_back(zeros_like(p, s));
    } else if (kind_ == RandomKind::TruncNormal) {
      // MLX's clip(sqrt2 erfinv(uniform(erf(lo / sqrt2), erf(hi / sqrt2)))): rules_random.cpp.
      out.push_back(multiply(ct, trunc_normal_partial(arg, primals, outputs[0], s), s));
    } else {
      return Primitive::vjp(primals, cotangents, argnums, outputs);
    }
  }
  return out;
}

}  // namespace mlx::core

namespace mlx::core::random {

std::pair<uint32_t, uint32_t> threefry2x32_hash(const std::pair<uint32_t, uint32_t>& key,
                                                std::pair<uint32_t, uint32_t> count) {
  static constexpr uint32_t rotations[2][4] = {{13, 15, 26, 6}, {17, 29, 16, 24}};
  const uint32_t ks[3] = {key.first, key.second, key.first ^ key.second ^ 0x1BD11BDAu};
  uint32_t a = count.first + ks[0];
  uint32_t b = count.second + ks[1];
  for (int i = 0; i < 5; ++i) {
    for (uint32_t r : rotations[i % 2]) {
      a += b;
      b = (b << r) | (b >> (32 - r));
      b ^= a;
    }
    a += ks[(i + 1) % 3];
    b += ks[(i + 2) % 3] + uint32_t(i) + 1;
  }
  return {a, b};
}

KeySequence::KeySequence(uint64_t seed) : key_(key(seed)) {}

void KeySequence::seed(uint64_t seed) { key_ = key(seed); }

array KeySequence::next() {
  auto out = split(key_);
  key_ = out.first;
  return out.second;
}

KeySequence& KeySequence::default_() {
  static KeySequence ks(uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count()));
  return ks;
}

array key(uint64_t seed) {
  uint32_t k[2] = {uint32_t(seed >> 32), uint32_t(seed)};
  return array(k, Shape{2}, uint32);
}

void seed(uint64_t seed) { KeySequence::default_().seed(seed); }

array bits(const Shape& shape, int width, const std::optional<array>& key, StreamOrDevice sd) {
  const char* fn = "bits";
  Dtype dt = width == 4 ? uint32 : width == 2 ? uint16 : width == 1 ? uint8 : bool_;
  if (dt == bool_) fail(fn, "Bit width must be in {1, 2, 4} but got " + std::to_string(width) + ".");
  check_shape(fn, shape);
  array k = get_key(fn, key);
  return array(shape, dt, std::make_shared<RandomBits>(to_stream(sd), shape, width), {k});
}

std::pair<array, array> split(const array& key, StreamOrDevice sd) {
  check_key("split", key);
  Stream s = to_stream(sd);
  return {array(Shape{2}, uint32, std::make_shared<RandomSplit>(s, 0), {key}),
          array(Shape{2}, uint32, std::make_shared<RandomSplit>(s, 1), {key})};
}

array split(const array& key, int num, StreamOrDevice sd) {
  const char* fn = "split";
  check_key(fn, key);
  Shape shape{num, 2};
  check_shape(fn, shape);
  return array(shape, uint32, std::make_shared<RandomBits>(to_stream(sd), shape, 4), {key});
}

array uniform(const array& low, const array& high, const Shape& shape, Dtype dtype,
              const std::optional<array>& key, StreamOrDevice sd) {
  const char* fn = "uniform";
  check_float(fn, dtype);
  check_shape(fn, shape);
  Stream s = to_stream(sd);
  check_bounds(fn, shape, low.shape(), high.shape());
  check_uniform_dtype(fn, dtype);
  array k = get_key(fn, key);
  return uniform_impl(astype(low, dtype, s), astype(high, dtype, s), shape, dtype, k, s);
}

array uniform(const Shape& shape, Dtype dtype, const std::optional<array>& key, StreamOrDevice s) {
  return uniform(array(0.0f, dtype), array(1.0f, dtype), shape, dtype, key, s);
}

array normal(const Shape& shape, Dtype dtype, const std::optional<array>& loc,
             const std::optional<array>& scale, const std::optional<array>& key,
             StreamOrDevice sd) {
  const char* fn = "normal";
  if (dtype != complex64 && !issubdtype(dtype, Category::floating))
    fail(fn, "Can only generate normal numbers with floating point type.");
  check_shape(fn, shape);
  Stream s = to_stream(sd);
  Shape out_shape = shape;
  if (scale) out_shape = broadcast(fn, scale->shape(), out_shape);
  if (loc) out_shape = broadcast(fn, loc->shape(), out_shape);
  array k = get_key(fn, key);
  if (dtype == complex64) {
    // erfinv of float32 pairs viewed as complex64: N(0, 1/2) real and imaginary parts.
    array samples = sample(shape, complex64, RandomKind::Normal, {k}, s);
    if (scale) samples = multiply(*scale, samples, s);
    if (loc) samples = add(*loc, samples, s);
    return samples;
  }
  array samples(0.0f);
  if (!scale) {
    samples = sample(shape, dtype, RandomKind::Normal, {k}, s, 0.0f, 0.0f, /* sqrt2 */ true);
  } else {
    array applied = multiply(constant(std::sqrt(2.0), dtype), astype(*scale, dtype, s), s);
    samples = multiply(applied, sample(shape, dtype, RandomKind::Normal, {k}, s), s);
  }
  if (loc) samples = add(astype(*loc, dtype, s), samples, s);
  return samples;
}

array multivariate_normal(const array& mean, const array& cov, const Shape& shape, Dtype dtype,
                          const std::optional<array>& key, StreamOrDevice sd) {
  const char* fn = "multivariate_normal";
  if (dtype != float32) fail(fn, "dtype must be float32.");
  if (mean.ndim() < 1) fail(fn, "mean must have at least one dimension.");
  if (cov.ndim() < 2) fail(fn, "cov must have at least two dimensions.");
  int n = mean.shape(-1);
  if (cov.shape(-1) != cov.shape(-2)) fail(fn, "last two dimensions of cov must be equal.");
  if (n != cov.shape(-1)) fail(fn, "mean and cov must have compatible shapes.");
  check_shape(fn, shape);
  Stream s = to_stream(sd);
  Shape out_shape = broadcast(fn, Shape(cov.shape().begin(), cov.shape().end() - 2),
                              Shape(mean.shape().begin(), mean.shape().end() - 1));
  out_shape = broadcast(fn, out_shape, shape);
  out_shape.push_back(n);
  array k = get_key(fn, key);
  // MLX: the square root of the covariance through its SVD, U diag(sqrt(S)) Vt.
  auto usv = linalg::svd(astype(cov, float32, s), true, s);
  array sd_mat = astype(matmul(multiply(usv[0], expand_dims(sqrt(usv[1], s), {-2}, s), s), usv[2], s),
                        dtype, s);
  array z = normal(out_shape, dtype, array(0.0f, dtype), array(1.0f, dtype), k, s);
  array scaled = squeeze(matmul(expand_dims(z, {-2}, s), sd_mat, s), {-2}, s);
  return add(mean, scaled, s);
}

array randint(const array& low, const array& high, const Shape& shape, Dtype dtype,
              const std::optional<array>& key, StreamOrDevice sd) {
  const char* fn = "randint";
  if (issubdtype(dtype, Category::inexact))
    fail(fn, "randint only accepts integer dtypes and bool.");
  check_shape(fn, shape);
  Stream s = to_stream(sd);
  check_bounds(fn, shape, low.shape(), high.shape());
  array k = get_key(fn, key);
  // MLX 0.32 (#4012): u = uniform(low, high, float32); floor; cast; clamp to [low, high - 1]
  // (the bound computed in high's dtype, then cast), low last so [a, b) with b <= a gives a.
  array lo_f = astype(low, float32, s), hi_f = astype(high, float32, s);
  array hi_d = astype(subtract(high, array(1, high.dtype()), s), dtype, s);
  array lo_d = astype(low, dtype, s);
  if (low.size() == 1 && high.size() == 1)
    return sample(shape, dtype, RandomKind::RandInt, {k, lo_f, hi_f, lo_d, hi_d}, s);
  array u = uniform_impl(lo_f, hi_f, shape, float32, k, s);
  array out = astype(floor(u, s), dtype, s);
  return maximum(minimum(out, hi_d, s), lo_d, s);
}

array bernoulli(const array& p, const Shape& shape, const std::optional<array>& key,
                StreamOrDevice sd) {
  const char* fn = "bernoulli";
  if (!issubdtype(p.dtype(), Category::floating))
    fail(fn, "bernoulli probability `p` must be a float type.");
  check_shape(fn, shape);
  Stream s = to_stream(sd);
  Shape out;
  try {
    out = broadcast_shapes(shape, p.shape());
  } catch (const std::invalid_argument&) {
    out.clear();
    out.push_back(-1);
  }
  if (out != shape) fail(fn, "shape of `p` is incompatible with argument `shape`.");
  array k = get_key(fn, key);
  if (p.size() == 1) return sample(shape, bool_, RandomKind::Bernoulli, {k, p}, s);
  // bits < p * nextafter(float(UINT32_MAX)): p >= 1 always true, p <= 0 always false.
  array upper(std::nextafter(float(std::numeric_limits<uint32_t>::max()),
                             std::numeric_limits<float>::max()),
              float32);
  return less(bits(shape, 4, k, s), multiply(p, upper, s), s);
}

array bernoulli(const array& p, const std::optional<array>& key, StreamOrDevice s) {
  return bernoulli(p, p.shape(), key, s);
}

array bernoulli(const std::optional<array>& key, StreamOrDevice s) {
  return bernoulli(array(0.5f), key, s);
}

array truncated_normal(const array& lower, const array& upper, const Shape& shape, Dtype dtype,
                       const std::optional<array>& key, StreamOrDevice sd) {
  const char* fn = "truncated_normal";
  if (!issubdtype(dtype, Category::floating))
    fail(fn, "truncated_normal only accepts floating point dtypes.");
  check_shape(fn, shape);
  Stream s = to_stream(sd);
  check_bounds(fn, shape, lower.shape(), upper.shape());
  check_uniform_dtype(fn, dtype);
  array k = get_key(fn, key);
  // The kernel reads both bounds (as dtype) at every output element.
  array lo = broadcast_to(astype(lower, dtype, s), shape, s);
  array hi = broadcast_to(astype(upper, dtype, s), shape, s);
  return sample(shape, dtype, RandomKind::TruncNormal, {k, lo, hi}, s);
}

array truncated_normal(const array& lower, const array& upper, Dtype dtype,
                       const std::optional<array>& key, StreamOrDevice s) {
  Shape shape = broadcast("truncated_normal", lower.shape(), upper.shape());
  return truncated_normal(lower, upper, shape, dtype, key, s);
}

array gumbel(const Shape& shape, Dtype dtype, const std::optional<array>& key, StreamOrDevice s) {
  return gumbel_impl("gumbel", shape, dtype, key, to_stream(s));
}

array categorical(const array& logits, int axis, const Shape& shape,
                  const std::optional<array>& key, StreamOrDevice sd) {
  const char* fn = "categorical";
  axis = categorical_axis(axis, logits.ndim());
  Shape reduced = logits.shape();
  reduced.erase(reduced.begin() + axis);
  Shape out;
  try {
    out = broadcast_shapes(shape, reduced);
  } catch (const std::invalid_argument&) {
    out.clear();
    out.push_back(-1);
  }
  if (out != shape)
    fail(fn, "Requested shape " + shape_str(shape) +
                 " is not broadcast compatible with reduced logits shape " + shape_str(reduced) + ".");
  return categorical_impl(logits, axis, shape, key, to_stream(sd));
}

array categorical(const array& logits_in, int axis, int num_samples,
                  const std::optional<array>& key, StreamOrDevice sd) {
  axis = categorical_axis(axis, logits_in.ndim());
  if (num_samples < 0)
    fail("categorical", "num_samples must be non-negative, got " + std::to_string(num_samples) + ".");
  Stream s = to_stream(sd);
  array logits = expand_dims(logits_in, std::vector<int>{-1}, s);
  Shape shape = logits.shape();
  shape.erase(shape.begin() + axis);
  shape.back() = num_samples;
  return categorical_impl(logits, axis, shape, key, s);
}

array categorical(const array& logits, int axis, const std::optional<array>& key,
                  StreamOrDevice sd) {
  axis = categorical_axis(axis, logits.ndim());
  Shape shape = logits.shape();
  shape.erase(shape.begin() + axis);
  return categorical_impl(logits, axis, shape, key, to_stream(sd));
}

array laplace(const Shape& shape, Dtype dtype, float loc, float scale,
              const std::optional<array>& key, StreamOrDevice sd) {
  const char* fn = "laplace";
  check_float(fn, dtype);
  check_shape(fn, shape);
  array k = get_key(fn, key);
  return sample(shape, dtype, RandomKind::Laplace, {k}, to_stream(sd), loc, scale);
}

array permutation(int x, const std::optional<array>& key, StreamOrDevice sd) {
  const char* fn = "permutation";
  Shape shape{x};
  check_shape(fn, shape);
  Stream s = to_stream(sd);
  array k = get_key(fn, key);
  // A stable argsort of x random words (ties keep their order, as MLX's sort does).
  return argsort(array(shape, uint32, std::make_shared<RandomBits>(s, shape, 4), {k}), -1, s);
}

array permutation(const array& x, int axis, const std::optional<array>& key, StreamOrDevice sd) {
  int ax = axis < 0 ? axis + x.ndim() : axis;
  if (ax < 0 || ax >= x.ndim())
    throw std::out_of_range("[random.permutation] Invalid axis " + std::to_string(axis) +
                            " for array with " + std::to_string(x.ndim()) + " dimensions.");
  Stream s = to_stream(sd);
  return take(x, permutation(x.shape(ax), key, s), ax, s);
}

}  // namespace mlx::core::random
