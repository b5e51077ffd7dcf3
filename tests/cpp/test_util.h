// Small helpers shared by the engine tests.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "mlx/array.h"
#include "mlx/ops.h"
#include "mlx/transforms.h"

namespace mlx_test {

using namespace mlx::core;

// The elements of an array in row-major order, whatever its layout (evaluates it).
template <typename T>
std::vector<T> to_vec(array a) {
  a.eval();
  std::vector<T> out(a.size());
  if (a.size() == 0) return out;
  EXPECT_EQ(sizeof(T), a.itemsize());
  std::vector<int32_t> idx(a.ndim(), 0);
  const T* p = a.data<T>();
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t off = 0;
    for (int d = 0; d < a.ndim(); ++d) off += int64_t(idx[d]) * a.strides()[d];
    out[i] = p[off];
    for (int d = a.ndim() - 1; d >= 0; --d) {
      if (++idx[d] < a.shape()[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

// Raw row-major bytes of an array.
inline std::vector<uint8_t> to_bytes(array a) {
  a.eval();
  size_t isz = a.itemsize();
  std::vector<uint8_t> out(a.nbytes());
  std::vector<int32_t> idx(a.ndim(), 0);
  const uint8_t* p = a.data<uint8_t>();
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t off = 0;
    for (int d = 0; d < a.ndim(); ++d) off += int64_t(idx[d]) * a.strides()[d];
    std::memcpy(out.data() + i * isz, p + off * int64_t(isz), isz);
    for (int d = a.ndim() - 1; d >= 0; --d) {
      if (++idx[d] < a.shape()[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

template <typename T>
array make(const std::vector<T>& v, Shape shape) {
  if constexpr (std::is_same_v<T, bool>) {
    std::vector<uint8_t> bytes(v.begin(), v.end());  // vector<bool> has no data()
    return array(bytes.data(), std::move(shape), bool_);
  } else {
    return array(v.data(), std::move(shape), TypeToDtype<T>::value);
  }
}
template <typename T>
array make(const std::vector<T>& v) {
  return make(v, Shape{int32_t(v.size())});
}

// Runs f and checks it throws E with a message starting with "[prefix]".
template <typename E, typename F>
::testing::AssertionResult throws_with(F&& f, const std::string& prefix) {
  try {
    f();
  } catch (const E& e) {
    std::string msg = e.what();
    if (msg.rfind("[" + prefix + "]", 0) == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "message '" << msg << "' lacks prefix [" << prefix << "]";
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "wrong exception type: " << e.what();
  }
  return ::testing::AssertionFailure() << "no exception";
}

#define EXPECT_INVALID(expr, op) \
  EXPECT_TRUE(::mlx_test::throws_with<std::invalid_argument>([&] { (void)(expr); }, op))
#define EXPECT_OUT_OF_RANGE(expr, op) \
  EXPECT_TRUE(::mlx_test::throws_with<std::out_of_range>([&] { (void)(expr); }, op))

}  // namespace mlx_test
