// Hardware oracles for the precision harness (examples/dtype_precision.js), exposed as the
// addon's `_diag` object. Not part of the public API:
//   cpu(flag)               -> bool: __builtin_cpu_supports for a known feature name
//   f16_hw(Float32Array)    -> Uint16Array: float16 bits by F16C (vcvtps2ph, nearest even)
//   bf16_hw(Float32Array)   -> Uint16Array: bfloat16 bits by AVX512-BF16 (vcvtneps2bf16,
//                              which reads float32 subnormal inputs as zero)
//   bytes(array)            -> Uint8Array: the array's elements, row-major, raw bytes
//   f16_from_bits(Uint16Array), bf16_from_bits(Uint16Array) -> 1-d float16 / bfloat16 array
// f16_hw and bf16_hw throw where the CPU lacks the instruction.
#include <immintrin.h>

#include <cstring>
#include <string>

#include "binding.h"

namespace mlxjs {

namespace {

using namespace mlx::core;
using Info = const Napi::CallbackInfo&;

// __builtin_cpu_supports takes only a literal, hence the table.
bool cpu_flag(const std::string& name, bool& known) {
  __builtin_cpu_init();
  known = true;
#define MLXJS_FLAG(n) \
  if (name == n) return __builtin_cpu_supports(n);
  MLXJS_FLAG("sse2") MLXJS_FLAG("sse3") MLXJS_FLAG("ssse3") MLXJS_FLAG("sse4.1")
  MLXJS_FLAG("sse4.2") MLXJS_FLAG("popcnt") MLXJS_FLAG("avx") MLXJS_FLAG("avx2")
  MLXJS_FLAG("fma") MLXJS_FLAG("f16c") MLXJS_FLAG("bmi") MLXJS_FLAG("bmi2")
  MLXJS_FLAG("avx512f") MLXJS_FLAG("avx512bw") MLXJS_FLAG("avx512vl") MLXJS_FLAG("avx512dq")
  MLXJS_FLAG("avx512cd") MLXJS_FLAG("avx512bf16") MLXJS_FLAG("avx512fp16")
  MLXJS_FLAG("avx512vnni") MLXJS_FLAG("avx512ifma") MLXJS_FLAG("avx512vbmi")
  MLXJS_FLAG("avx512vbmi2") MLXJS_FLAG("amx-tile") MLXJS_FLAG("amx-bf16") MLXJS_FLAG("avxvnni")
#undef MLXJS_FLAG
  known = false;
  return false;
}

bool has_f16c() { return __builtin_cpu_supports("f16c") && __builtin_cpu_supports("avx"); }
bool has_avx512bf16() {
  return __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512f");
}

__attribute__((target("avx,f16c"))) void f16_hw(const float* in, uint16_t* out, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                     _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT));
  for (; i < n; ++i)
    out[i] = uint16_t(_mm_extract_epi16(_mm_cvtps_ph(_mm_set_ss(in[i]), _MM_FROUND_TO_NEAREST_INT), 0));
}

__attribute__((target("avx512bf16,avx512f"))) void bf16_hw(const float* in, uint16_t* out, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    alignas(64) float buf[16] = {};
    size_t m = n - i < 16 ? n - i : 16;
    std::memcpy(buf, in + i, m * 4);
    __m256bh r = _mm512_cvtneps_pbh(_mm512_load_ps(buf));
    alignas(32) uint16_t o[16];
    std::memcpy(o, &r, 32);
    std::memcpy(out + i, o, m * 2);
  }
}

template <typename T>
T typed_arg(Info info, napi_typedarray_type want, const char* fn, const char* what) {
  if (info.Length() < 1 || !info[0].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != want)
    throw Napi::TypeError::New(info.Env(), std::string("[_diag.") + fn + "] Expected a " + what + ".");
  return info[0].As<T>();
}

Napi::Value Cpu(Info info) {
  if (info.Length() < 1 || !info[0].IsString())
    throw Napi::TypeError::New(info.Env(), "[_diag.cpu] Expected a feature name.");
  bool known;
  std::string name = info[0].As<Napi::String>();
  bool v = cpu_flag(name, known);
  if (!known) throw Napi::TypeError::New(info.Env(), "[_diag.cpu] Unknown feature '" + name + "'.");
  return Napi::Boolean::New(info.Env(), v);
}

Napi::Value F16Hw(Info info) {
  auto in = typed_arg<Napi::Float32Array>(info, napi_float32_array, "f16_hw", "Float32Array");
  if (!has_f16c()) throw Napi::Error::New(info.Env(), "[_diag.f16_hw] This CPU lacks F16C.");
  auto out = Napi::Uint16Array::New(info.Env(), in.ElementLength());
  f16_hw(in.Data(), out.Data(), in.ElementLength());
  return out;
}

Napi::Value Bf16Hw(Info info) {
  auto in = typed_arg<Napi::Float32Array>(info, napi_float32_array, "bf16_hw", "Float32Array");
  if (!has_avx512bf16())
    throw Napi::Error::New(info.Env(), "[_diag.bf16_hw] This CPU lacks AVX512-BF16.");
  auto out = Napi::Uint16Array::New(info.Env(), in.ElementLength());
  bf16_hw(in.Data(), out.Data(), in.ElementLength());
  return out;
}

Napi::Value Bytes(Info info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    ArrayWrap* w = info.Length() ? ArrayWrap::Unwrap(info[0]) : nullptr;
    if (!w) throw Napi::TypeError::New(env, "[_diag.bytes] Expected an mx.array.");
    array a = w->get(env);
    a.eval();
    size_t isz = a.itemsize();
    auto out = Napi::Uint8Array::New(env, a.nbytes());
    uint8_t* dst = out.Data();
    const uint8_t* src = a.data<uint8_t>();
    if (a.flags().row_contiguous && a.data_size() == a.size()) {
      if (a.nbytes()) std::memcpy(dst, src, a.nbytes());
      return out;
    }
    // Any other layout (transposed, broadcast): walk the logical elements in row order.
    std::vector<int32_t> idx(a.ndim(), 0);
    for (size_t i = 0; i < a.size(); ++i) {
      int64_t off = 0;
      for (int d = 0; d < a.ndim(); ++d) off += int64_t(idx[d]) * a.strides()[d];
      std::memcpy(dst + i * isz, src + off * int64_t(isz), isz);
      for (int d = a.ndim() - 1; d >= 0; --d) {
        if (++idx[d] < a.shape()[d]) break;
        idx[d] = 0;
      }
    }
    return out;
  });
}

Napi::Value FromBits(Info info, Dtype dt, const char* fn) {
  auto in = typed_arg<Napi::Uint16Array>(info, napi_uint16_array, fn, "Uint16Array");
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    return ArrayWrap::Wrap(env, array(in.Data(), {int32_t(in.ElementLength())}, dt));
  });
}
Napi::Value F16FromBits(Info info) { return FromBits(info, float16, "f16_from_bits"); }
Napi::Value Bf16FromBits(Info info) { return FromBits(info, bfloat16, "bf16_from_bits"); }

}  // namespace

void init_diagnostics(Napi::Env env, Napi::Object exports) {
  Napi::Object d = Napi::Object::New(env);
  static const FunctionEntry entries[] = {
      {"cpu", Cpu}, {"f16_hw", F16Hw}, {"bf16_hw", Bf16Hw}, {"bytes", Bytes},
      {"f16_from_bits", F16FromBits}, {"bf16_from_bits", Bf16FromBits},
  };
  define_functions(env, d, entries);
  exports.Set("_diag", d);
}

}  // namespace mlxjs
