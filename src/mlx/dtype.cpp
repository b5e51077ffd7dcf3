#include "dtype.h"

namespace mlx::core {

namespace {

constexpr int kSizes[Dtype::count] = {1, 1, 2, 4, 8, 1, 2, 4, 8, 2, 4, 8, 2, 8};

constexpr const char* kNames[Dtype::count] = {
    "bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16",
    "int32", "int64", "float16", "float32", "float64", "bfloat16", "complex64"};

using V = Dtype::Val;
constexpr V b_ = V::bool_, u8 = V::uint8, u16 = V::uint16, u32 = V::uint32, u64 = V::uint64,
            i8 = V::int8, i16 = V::int16, i32 = V::int32, i64 = V::int64, f16 = V::float16,
            f32 = V::float32, f64 = V::float64, bf = V::bfloat16, c64 = V::complex64;

// MLX's JAX-style promotion lattice (dtype_rules.md section 3).
constexpr V kPromote[Dtype::count][Dtype::count] = {
    {b_, u8, u16, u32, u64, i8, i16, i32, i64, f16, f32, f64, bf, c64},
    {u8, u8, u16, u32, u64, i16, i16, i32, i64, f16, f32, f64, bf, c64},
    {u16, u16, u16, u32, u64, i32, i32, i32, i64, f16, f32, f64, bf, c64},
    {u32, u32, u32, u32, u64, i64, i64, i64, i64, f16, f32, f64, bf, c64},
    {u64, u64, u64, u64, u64, f32, f32, f32, f32, f16, f32, f64, bf, c64},
    {i8, i16, i32, i64, f32, i8, i16, i32, i64, f16, f32, f64, bf, c64},
    {i16, i16, i32, i64, f32, i16, i16, i32, i64, f16, f32, f64, bf, c64},
    {i32, i32, i32, i64, f32, i32, i32, i32, i64, f16, f32, f64, bf, c64},
    {i64, i64, i64, i64, f32, i64, i64, i64, i64, f16, f32, f64, bf, c64},
    {f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f32, f64, f32, c64},
    {f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f64, f32, c64},
    {f64, f64, f64, f64, f64, f64, f64, f64, f64, f64, f64, f64, f64, c64},
    {bf, bf, bf, bf, bf, bf, bf, bf, bf, f32, f32, f64, bf, c64},
    {c64, c64, c64, c64, c64, c64, c64, c64, c64, c64, c64, c64, c64, c64},
};

// kUnder[a][b]: category a lies under category b (enum order of Category).
constexpr bool T = true, F = false;
constexpr bool kUnder[8][8] = {
    {T, F, T, F, F, F, T, T}, {F, T, T, F, F, F, T, T}, {F, F, T, F, F, F, T, T},
    {F, F, F, T, F, T, T, T}, {F, F, F, F, T, T, T, T}, {F, F, F, F, F, T, T, T},
    {F, F, F, F, F, F, T, T}, {F, F, F, F, F, F, F, T},
};

}  // namespace

int Dtype::size() const { return kSizes[index()]; }

Dtype::Kind kindof(Dtype t) {
  switch (t.val) {
    case V::bool_: return Dtype::Kind::b;
    case V::uint8: case V::uint16: case V::uint32: case V::uint64: return Dtype::Kind::u;
    case V::int8: case V::int16: case V::int32: case V::int64: return Dtype::Kind::i;
    case V::bfloat16: return Dtype::Kind::V;
    case V::complex64: return Dtype::Kind::c;
    default: return Dtype::Kind::f;
  }
}

Category category_of(Dtype t) {
  switch (kindof(t)) {
    case Dtype::Kind::b: return Category::generic;
    case Dtype::Kind::u: return Category::unsignedinteger;
    case Dtype::Kind::i: return Category::signedinteger;
    case Dtype::Kind::c: return Category::complexfloating;
    default: return Category::floating;
  }
}

Dtype promote_types(Dtype a, Dtype b) { return Dtype(kPromote[a.index()][b.index()]); }

bool issubdtype(Dtype a, Dtype b) { return a == b; }
bool issubdtype(Dtype a, Category b) { return kUnder[int(category_of(a))][int(b)]; }
bool issubdtype(Category, Dtype) { return false; }
bool issubdtype(Category a, Category b) { return kUnder[int(a)][int(b)]; }

const char* dtype_name(Dtype t) { return kNames[t.index()]; }

const char* category_name(Category c) {
  static constexpr const char* names[8] = {"complexfloating", "floating", "inexact",
                                           "signedinteger", "unsignedinteger", "integer",
                                           "number", "generic"};
  return names[int(c)];
}

std::string dtype_repr(Dtype t) { return std::string("mlx.core.") + dtype_name(t); }

}  // namespace mlx::core
