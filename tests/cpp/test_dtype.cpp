// Dtypes: sizes, names, kinds, categories and the promotion table.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mlx/dtype.h"

using namespace mlx::core;

namespace {

const std::vector<Dtype> kAll = {bool_, uint8, uint16, uint32, uint64, int8, int16,
                                 int32, int64, float16, float32, float64, bfloat16, complex64};
const std::vector<Dtype> kUnsigned = {uint8, uint16, uint32, uint64};
const std::vector<Dtype> kSigned = {int8, int16, int32, int64};
const std::vector<Dtype> kFloat = {float16, float32, float64, bfloat16};

}  // namespace

TEST(Dtype, SizesMatchTheirCTypes) {
  EXPECT_EQ(bool_.size(), int(sizeof(bool)));
  EXPECT_EQ(uint8.size(), 1);
  EXPECT_EQ(uint16.size(), 2);
  EXPECT_EQ(uint32.size(), 4);
  EXPECT_EQ(uint64.size(), 8);
  EXPECT_EQ(int8.size(), 1);
  EXPECT_EQ(int16.size(), 2);
  EXPECT_EQ(int32.size(), 4);
  EXPECT_EQ(int64.size(), 8);
  EXPECT_EQ(float16.size(), 2);
  EXPECT_EQ(float32.size(), 4);
  EXPECT_EQ(float64.size(), 8);
  EXPECT_EQ(bfloat16.size(), 2);
  EXPECT_EQ(complex64.size(), 8);
  // The size agrees with the C++ storage type dispatch_dtype hands out.
  for (Dtype t : kAll) {
    int sz = dispatch_dtype(t, [](auto zero) { return int(sizeof(zero)); });
    EXPECT_EQ(sz, t.size()) << dtype_name(t);
  }
  EXPECT_EQ(sizeof(float16_t), 2u);
  EXPECT_EQ(sizeof(bfloat16_t), 2u);
  EXPECT_EQ(sizeof(complex64_t), 8u);
}

TEST(Dtype, CountAndIndexOrder) {
  EXPECT_EQ(Dtype::count, 14);
  for (int i = 0; i < Dtype::count; ++i) EXPECT_EQ(kAll[i].index(), i);
  Dtype d;  // default
  EXPECT_EQ(d, float32);
}

TEST(Dtype, NamesAndRepr) {
  const char* expected[] = {"bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16",
                            "int32", "int64", "float16", "float32", "float64", "bfloat16",
                            "complex64"};
  for (int i = 0; i < Dtype::count; ++i) {
    EXPECT_STREQ(dtype_name(kAll[i]), expected[i]);
    EXPECT_EQ(dtype_repr(kAll[i]), std::string("mlx.core.") + expected[i]);
  }
}

TEST(Dtype, TypeToDtype) {
  EXPECT_EQ(TypeToDtype<bool>::value, bool_);
  EXPECT_EQ(TypeToDtype<uint8_t>::value, uint8);
  EXPECT_EQ(TypeToDtype<uint64_t>::value, uint64);
  EXPECT_EQ(TypeToDtype<int8_t>::value, int8);
  EXPECT_EQ(TypeToDtype<int64_t>::value, int64);
  EXPECT_EQ(TypeToDtype<float16_t>::value, float16);
  EXPECT_EQ(TypeToDtype<float>::value, float32);
  EXPECT_EQ(TypeToDtype<double>::value, float64);
  EXPECT_EQ(TypeToDtype<bfloat16_t>::value, bfloat16);
  EXPECT_EQ(TypeToDtype<complex64_t>::value, complex64);
}

TEST(Dtype, Kinds) {
  EXPECT_EQ(kindof(bool_), Dtype::Kind::b);
  for (Dtype t : kUnsigned) EXPECT_EQ(kindof(t), Dtype::Kind::u);
  for (Dtype t : kSigned) EXPECT_EQ(kindof(t), Dtype::Kind::i);
  EXPECT_EQ(kindof(float16), Dtype::Kind::f);
  EXPECT_EQ(kindof(float32), Dtype::Kind::f);
  EXPECT_EQ(kindof(float64), Dtype::Kind::f);
  EXPECT_EQ(kindof(bfloat16), Dtype::Kind::V);  // as MLX: bfloat16 has no NumPy kind
  EXPECT_EQ(kindof(complex64), Dtype::Kind::c);
}

TEST(Dtype, Predicates) {
  for (Dtype t : kAll) {
    bool fl = t == float16 || t == float32 || t == float64 || t == bfloat16;
    EXPECT_EQ(is_floating(t), fl) << dtype_name(t);
    EXPECT_EQ(is_complex(t), t == complex64) << dtype_name(t);
    EXPECT_EQ(is_inexact(t), fl || t == complex64) << dtype_name(t);
    EXPECT_EQ(is_integral(t), !fl && t != complex64 && t != bool_) << dtype_name(t);
    EXPECT_EQ(is_unsigned(t), kindof(t) == Dtype::Kind::u) << dtype_name(t);
  }
  EXPECT_EQ(at_least_float(int32), float32);
  EXPECT_EQ(at_least_float(uint64), float32);
  EXPECT_EQ(at_least_float(bool_), float32);
  EXPECT_EQ(at_least_float(float16), float16);
  EXPECT_EQ(at_least_float(bfloat16), bfloat16);
  EXPECT_EQ(at_least_float(float64), float64);
  EXPECT_EQ(at_least_float(complex64), complex64);
}

TEST(Dtype, CategoriesOfDtypes) {
  EXPECT_EQ(category_of(bool_), Category::generic);
  for (Dtype t : kUnsigned) EXPECT_EQ(category_of(t), Category::unsignedinteger);
  for (Dtype t : kSigned) EXPECT_EQ(category_of(t), Category::signedinteger);
  for (Dtype t : kFloat) EXPECT_EQ(category_of(t), Category::floating);
  EXPECT_EQ(category_of(complex64), Category::complexfloating);
  EXPECT_STREQ(category_name(Category::complexfloating), "complexfloating");
  EXPECT_STREQ(category_name(Category::floating), "floating");
  EXPECT_STREQ(category_name(Category::inexact), "inexact");
  EXPECT_STREQ(category_name(Category::signedinteger), "signedinteger");
  EXPECT_STREQ(category_name(Category::unsignedinteger), "unsignedinteger");
  EXPECT_STREQ(category_name(Category::integer), "integer");
  EXPECT_STREQ(category_name(Category::number), "number");
  EXPECT_STREQ(category_name(Category::generic), "generic");
}

TEST(Dtype, IssubdtypeDtypeDtype) {
  for (Dtype a : kAll)
    for (Dtype b : kAll) EXPECT_EQ(issubdtype(a, b), a == b) << dtype_name(a) << " " << dtype_name(b);
}

TEST(Dtype, IssubdtypeDtypeCategory) {
  using C = Category;
  // The NumPy hierarchy: generic > number > {integer > {signed, unsigned}, inexact > {floating,
  // complexfloating}}; bool sits directly under generic.
  for (Dtype t : kAll) EXPECT_TRUE(issubdtype(t, C::generic)) << dtype_name(t);
  EXPECT_FALSE(issubdtype(bool_, C::number));
  EXPECT_FALSE(issubdtype(bool_, C::integer));
  for (Dtype t : kUnsigned) {
    EXPECT_TRUE(issubdtype(t, C::unsignedinteger));
    EXPECT_TRUE(issubdtype(t, C::integer));
    EXPECT_TRUE(issubdtype(t, C::number));
    EXPECT_FALSE(issubdtype(t, C::signedinteger));
    EXPECT_FALSE(issubdtype(t, C::inexact));
    EXPECT_FALSE(issubdtype(t, C::floating));
  }
  for (Dtype t : kSigned) {
    EXPECT_TRUE(issubdtype(t, C::signedinteger));
    EXPECT_TRUE(issubdtype(t, C::integer));
    EXPECT_TRUE(issubdtype(t, C::number));
    EXPECT_FALSE(issubdtype(t, C::unsignedinteger));
    EXPECT_FALSE(issubdtype(t, C::inexact));
  }
  for (Dtype t : kFloat) {
    EXPECT_TRUE(issubdtype(t, C::floating)) << dtype_name(t);
    EXPECT_TRUE(issubdtype(t, C::inexact));
    EXPECT_TRUE(issubdtype(t, C::number));
    EXPECT_FALSE(issubdtype(t, C::complexfloating));
    EXPECT_FALSE(issubdtype(t, C::integer));
  }
  EXPECT_TRUE(issubdtype(complex64, C::complexfloating));
  EXPECT_TRUE(issubdtype(complex64, C::inexact));
  EXPECT_TRUE(issubdtype(complex64, C::number));
  EXPECT_FALSE(issubdtype(complex64, C::floating));
  EXPECT_FALSE(issubdtype(complex64, C::integer));
}

TEST(Dtype, IssubdtypeCategoryCategory) {
  using C = Category;
  const C all[] = {C::complexfloating, C::floating, C::inexact, C::signedinteger,
                   C::unsignedinteger, C::integer, C::number, C::generic};
  for (C c : all) {
    EXPECT_TRUE(issubdtype(c, c));
    EXPECT_TRUE(issubdtype(c, C::generic));
    // A category is never under a dtype.
    for (Dtype t : kAll) EXPECT_FALSE(issubdtype(c, t));
  }
  EXPECT_TRUE(issubdtype(C::floating, C::inexact));
  EXPECT_TRUE(issubdtype(C::complexfloating, C::inexact));
  EXPECT_TRUE(issubdtype(C::inexact, C::number));
  EXPECT_TRUE(issubdtype(C::signedinteger, C::integer));
  EXPECT_TRUE(issubdtype(C::unsignedinteger, C::integer));
  EXPECT_TRUE(issubdtype(C::integer, C::number));
  EXPECT_TRUE(issubdtype(C::number, C::generic));
  EXPECT_FALSE(issubdtype(C::inexact, C::floating));
  EXPECT_FALSE(issubdtype(C::floating, C::complexfloating));
  EXPECT_FALSE(issubdtype(C::integer, C::signedinteger));
  EXPECT_FALSE(issubdtype(C::signedinteger, C::unsignedinteger));
  EXPECT_FALSE(issubdtype(C::integer, C::inexact));
  EXPECT_FALSE(issubdtype(C::number, C::integer));
  EXPECT_FALSE(issubdtype(C::generic, C::number));
}

TEST(Dtype, PromotionIsSymmetricAndIdempotent) {
  for (Dtype a : kAll) {
    EXPECT_EQ(promote_types(a, a), a) << dtype_name(a);
    for (Dtype b : kAll)
      EXPECT_EQ(promote_types(a, b), promote_types(b, a)) << dtype_name(a) << " " << dtype_name(b);
  }
}

TEST(Dtype, PromotionBoolIsTheIdentity) {
  for (Dtype a : kAll) EXPECT_EQ(promote_types(bool_, a), a) << dtype_name(a);
}

TEST(Dtype, PromotionUint64WithEveryInteger) {
  // uint64 with any unsigned (or bool) stays uint64; with any signed integer there is no
  // integer type that holds both, and MLX (like JAX) goes to float32.
  EXPECT_EQ(promote_types(uint64, bool_), uint64);
  for (Dtype u : kUnsigned) EXPECT_EQ(promote_types(uint64, u), uint64) << dtype_name(u);
  for (Dtype s : kSigned) {
    EXPECT_EQ(promote_types(uint64, s), float32) << dtype_name(s);
    EXPECT_EQ(promote_types(s, uint64), float32) << dtype_name(s);
  }
  EXPECT_EQ(promote_types(uint64, float16), float16);
  EXPECT_EQ(promote_types(uint64, bfloat16), bfloat16);
  EXPECT_EQ(promote_types(uint64, float32), float32);
  EXPECT_EQ(promote_types(uint64, float64), float64);
  EXPECT_EQ(promote_types(uint64, complex64), complex64);
}

TEST(Dtype, PromotionMixedSignIntegers) {
  // Unsigned uN with signed iM: the smallest signed type wider than both.
  EXPECT_EQ(promote_types(uint8, int8), int16);
  EXPECT_EQ(promote_types(uint8, int16), int16);
  EXPECT_EQ(promote_types(uint8, int32), int32);
  EXPECT_EQ(promote_types(uint8, int64), int64);
  EXPECT_EQ(promote_types(uint16, int8), int32);
  EXPECT_EQ(promote_types(uint16, int16), int32);
  EXPECT_EQ(promote_types(uint16, int32), int32);
  EXPECT_EQ(promote_types(uint16, int64), int64);
  EXPECT_EQ(promote_types(uint32, int8), int64);
  EXPECT_EQ(promote_types(uint32, int16), int64);
  EXPECT_EQ(promote_types(uint32, int32), int64);
  EXPECT_EQ(promote_types(uint32, int64), int64);
}

TEST(Dtype, PromotionSameSignIntegersWiden) {
  for (size_t i = 0; i < 4; ++i)
    for (size_t j = 0; j < 4; ++j) {
      EXPECT_EQ(promote_types(kUnsigned[i], kUnsigned[j]), kUnsigned[std::max(i, j)]);
      EXPECT_EQ(promote_types(kSigned[i], kSigned[j]), kSigned[std::max(i, j)]);
    }
}

TEST(Dtype, PromotionFloats) {
  // Any integer with a float keeps the float (even float16 with int64).
  for (Dtype f : kFloat) {
    for (Dtype i : kUnsigned) EXPECT_EQ(promote_types(i, f), f);
    for (Dtype i : kSigned) EXPECT_EQ(promote_types(i, f), f);
  }
  EXPECT_EQ(promote_types(float16, bfloat16), float32);
  EXPECT_EQ(promote_types(float16, float32), float32);
  EXPECT_EQ(promote_types(bfloat16, float32), float32);
  EXPECT_EQ(promote_types(float16, float64), float64);
  EXPECT_EQ(promote_types(bfloat16, float64), float64);
  EXPECT_EQ(promote_types(float32, float64), float64);
  // complex64 absorbs everything, float64 included (MLX has no complex128).
  for (Dtype a : kAll) EXPECT_EQ(promote_types(a, complex64), complex64);
}
