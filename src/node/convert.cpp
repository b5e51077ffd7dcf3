// Values crossing between JS and the engine: buffers, scalars, items, typed arrays.
#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <vector>

#include "binding.h"
#include "mlx/backend/cpu/kernels.h"
#include "mlx/backend/cpu/parallel.h"
#include "v8_bridge.h"

namespace mlxjs {

using namespace mlx::core;

namespace {

// memcpy split over the cores for large buffers, streaming past the caches when the copy
// is much larger than they are.
void copy_bytes(char* dst, const char* src, size_t n) {
  if (n < (size_t(8) << 20)) {
    cpu::parallel_for(n, size_t(1) << 20, [&](size_t b, size_t e) { std::memcpy(dst + b, src + b, e - b); });
    return;
  }
  auto stream = cpu::kernels().copy_stream;
  cpu::parallel_for(n, size_t(1) << 20, [&](size_t b, size_t e) { stream(dst + b, src + b, e - b); });
}


// JS references whose last engine user went away on a non-JS thread; released on the
// JS thread at the next call into the binding.
std::mutex g_unref_mu;
std::vector<std::pair<napi_env, napi_ref>> g_unref;
std::atomic<int> g_unref_count{0};

}  // namespace

void drain_unrefs(napi_env env) {
  if (g_unref_count.load(std::memory_order_relaxed) == 0) return;
  std::vector<napi_ref> mine;
  {
    std::lock_guard<std::mutex> lock(g_unref_mu);
    for (size_t i = 0; i < g_unref.size();) {
      if (g_unref[i].first == env) {
        mine.push_back(g_unref[i].second);
        g_unref[i] = g_unref.back();
        g_unref.pop_back();
      } else {
        ++i;
      }
    }
  }
  g_unref_count.fetch_sub(int(mine.size()));
  for (auto r : mine) napi_delete_reference(env, r);
}

namespace {

// Raw bytes of an ArrayBuffer, a TypedArray/Buffer, or a DataView-free view.
bool buffer_bytes(napi_env env, napi_value v, void** data, size_t* len, napi_value* backing) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (is) {
    napi_typedarray_type t;
    size_t length, offset;
    napi_value ab;
    napi_get_typedarray_info(env, v, &t, &length, data, &ab, &offset);
    size_t elem = 1;
    switch (t) {
      case napi_int16_array: case napi_uint16_array: elem = 2; break;
      case napi_int32_array: case napi_uint32_array: case napi_float32_array: elem = 4; break;
      case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: elem = 8; break;
      default: elem = 1;
    }
    *len = length * elem;
    *backing = ab;
    return true;
  }
  napi_is_arraybuffer(env, v, &is);
  if (is) {
    napi_get_arraybuffer_info(env, v, data, len);
    *backing = v;
    return true;
  }
  return false;
}

// fromBuffer(bufferOrView, dtypeIndex, shape, copy)
Napi::Value FromBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  drain_unrefs(env);
  return guarded(env, [&]() -> Napi::Value {
    void* data = nullptr;
    size_t len = 0;
    napi_value backing;
    if (!buffer_bytes(env, info[0], &data, &len, &backing))
      throw Napi::TypeError::New(env, "[array] Expected a TypedArray, Buffer or ArrayBuffer.");
    Dtype dt = to_dtype(info[1]);
    Shape shape = to_shape(info[2], "array");
    size_t need = shape_size(shape) * size_t(dt.size());
    if (len != need)
      throw Napi::RangeError::New(env, "[array] The buffer holds " + std::to_string(len) +
                                           " bytes but the shape and dtype need " +
                                           std::to_string(need) + ".");
    bool copy = info[3].ToBoolean();
    if (copy || need == 0 || (reinterpret_cast<uintptr_t>(data) % size_t(dt.size())) != 0)
    {
      array a(std::move(shape), dt, nullptr, {});
      a.set_data(allocator::malloc(need));
      if (need) copy_bytes(a.data<char>(), static_cast<const char*>(data), need);
      a.set_status(array::Status::available);
      return ArrayWrap::Wrap(env, a);
    }
    // Alias the JS memory: a strong reference keeps the ArrayBuffer alive while any array
    // (or view of one) uses it.
    napi_ref ref;
    napi_create_reference(env, backing, 1, &ref);
    napi_env owner = env;
    auto d = std::make_shared<Data>(allocator::Buffer{data, len}, [owner, ref](allocator::Buffer) {
      // May run inside GC or on a stream thread: release on the JS thread later.
      std::lock_guard<std::mutex> lock(g_unref_mu);
      g_unref.emplace_back(owner, ref);
      g_unref_count.fetch_add(1);
    });
    return ArrayWrap::Wrap(env, array(std::move(d), std::move(shape), dt));
  });
}

// scalar(value, dtypeIndex): value is a number, bigint or boolean (checked in JS).
Napi::Value Scalar(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    Dtype dt = to_dtype(info[1]);
    Napi::Value v = info[0];
    if (v.IsBoolean()) return ArrayWrap::Wrap(env, array(v.As<Napi::Boolean>().Value(), dt));
    if (v.IsNumber()) {
      double d = v.As<Napi::Number>().DoubleValue();
      if (is_inexact(dt) || dt == bool_) return ArrayWrap::Wrap(env, array(d, dt));
      // Integer dtypes: exact integers wrap as C++ integer casts do; anything else goes
      // through the engine's float-to-int conversion (defined for NaN and out of range).
      if (d == std::trunc(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0)
        return ArrayWrap::Wrap(env, array(int64_t(d), dt));
      array f = astype(array(d, float64), dt, Device(Device::cpu));
      f.eval();
      return ArrayWrap::Wrap(env, f);
    }
    if (v.IsBigInt()) {
      bool lossless = false;
      if (dt == uint64) {
        uint64_t u = v.As<Napi::BigInt>().Uint64Value(&lossless);
        if (!lossless) throw Napi::RangeError::New(env, "[array] BigInt out of uint64 range.");
        return ArrayWrap::Wrap(env, array(u, dt));
      }
      int64_t i = v.As<Napi::BigInt>().Int64Value(&lossless);
      if (!lossless) throw Napi::RangeError::New(env, "[array] BigInt out of int64 range.");
      return ArrayWrap::Wrap(env, array(i, dt));
    }
    throw Napi::TypeError::New(env, "[array] Expected a number, bigint or boolean.");
  });
}

// Row-major copy of an array's elements into `dst`, converted to out_dt.
void copy_out(const array& a, Dtype out_dt, char* dst) {
  Device cpu(Device::cpu);
  array c = astype(a, out_dt, cpu);
  c.eval();
  if (!(c.flags().row_contiguous && c.data_size() == c.size())) {
    c = mlx::core::full(c.shape(), c, cpu);  // materialises any view in row order
    c.eval();
  }
  copy_bytes(dst, c.data<char>(), c.nbytes());
}

}  // namespace

Napi::Value ArrayToTypedArray(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    array& a = ArrayWrap::UnwrapThis(info)->get(env);
    a.eval();
    Dtype out_dt = a.dtype();
    napi_typedarray_type t;
    size_t per = 1;  // typed-array elements per array element
    switch (a.dtype().val) {
      case Dtype::Val::bool_: case Dtype::Val::uint8: t = napi_uint8_array; break;
      case Dtype::Val::int8: t = napi_int8_array; break;
      case Dtype::Val::uint16: t = napi_uint16_array; break;
      case Dtype::Val::int16: t = napi_int16_array; break;
      case Dtype::Val::uint32: t = napi_uint32_array; break;
      case Dtype::Val::int32: t = napi_int32_array; break;
      case Dtype::Val::uint64: t = napi_biguint64_array; break;
      case Dtype::Val::int64: t = napi_bigint64_array; break;
      case Dtype::Val::float64: t = napi_float64_array; break;
      case Dtype::Val::complex64: t = napi_float32_array; per = 2; break;
      case Dtype::Val::float16: case Dtype::Val::bfloat16: out_dt = float32; t = napi_float32_array; break;
      default: t = napi_float32_array;
    }
    size_t bytes = a.size() * size_t(out_dt.size());
    // The result's memory comes from the engine's buffer cache (already-mapped pages) and
    // returns there when the ArrayBuffer is collected.
    auto buf = allocator::malloc(bytes);
    try {
      if (bytes) copy_out(a, out_dt, static_cast<char*>(buf.ptr));
    } catch (...) {
      allocator::free(buf);
      throw;
    }
    napi_value ab;
#if MLXJS_HAVE_V8
    // A backing store whose deleter V8 calls when the ArrayBuffer is collected, so the
    // memory goes back to the cache even while JS runs a synchronous loop.
    v8::Isolate* iso = v8::Isolate::GetCurrent();
    auto store = v8::ArrayBuffer::NewBackingStore(
        buf.ptr, bytes,
        [](void*, size_t, void* hint) {
          auto* b = static_cast<allocator::Buffer*>(hint);
          allocator::free(*b);
          delete b;
        },
        new allocator::Buffer(buf));
    ab = to_napi(v8::ArrayBuffer::New(iso, std::move(store)));
#else
    auto* hold = new allocator::Buffer(buf);
    napi_status st = napi_create_external_arraybuffer(
        env, buf.ptr, bytes,
        [](napi_env, void*, void* hint) {
          auto* b = static_cast<allocator::Buffer*>(hint);
          allocator::free(*b);
          delete b;
        },
        hold, &ab);
    if (st != napi_ok) {
      // External buffers may be refused (e.g. under a V8 sandbox): copy instead.
      delete hold;
      void* p;
      napi_create_arraybuffer(env, bytes, &p, &ab);
      std::memcpy(p, buf.ptr, bytes);
      allocator::free(buf);
    }
#endif
    napi_value out;
    napi_create_typedarray(env, t, a.size() * per, ab, 0, &out);
    return Napi::Value(env, out);
  });
}

Napi::Value ArrayItem(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    array& a = ArrayWrap::UnwrapThis(info)->get(env);
    if (a.size() != 1)
      throw Napi::Error::New(env, "[item] Only length-1 arrays can be converted to scalars.");
    a.eval();
    array c = a;
    if (!(a.flags().contiguous)) {
      c = mlx::core::full(a.shape(), a, Device(Device::cpu));
      c.eval();
    }
    const char* p = c.data<char>();
    switch (c.dtype().val) {
      case Dtype::Val::bool_: return Napi::Boolean::New(env, *reinterpret_cast<const bool*>(p));
      case Dtype::Val::uint8: return Napi::Number::New(env, *reinterpret_cast<const uint8_t*>(p));
      case Dtype::Val::uint16: return Napi::Number::New(env, *reinterpret_cast<const uint16_t*>(p));
      case Dtype::Val::uint32: return Napi::Number::New(env, *reinterpret_cast<const uint32_t*>(p));
      case Dtype::Val::uint64: return Napi::BigInt::New(env, *reinterpret_cast<const uint64_t*>(p));
      case Dtype::Val::int8: return Napi::Number::New(env, *reinterpret_cast<const int8_t*>(p));
      case Dtype::Val::int16: return Napi::Number::New(env, *reinterpret_cast<const int16_t*>(p));
      case Dtype::Val::int32: return Napi::Number::New(env, *reinterpret_cast<const int32_t*>(p));
      case Dtype::Val::int64: return Napi::BigInt::New(env, *reinterpret_cast<const int64_t*>(p));
      case Dtype::Val::float16: return Napi::Number::New(env, float(*reinterpret_cast<const float16_t*>(p)));
      case Dtype::Val::float32: return Napi::Number::New(env, *reinterpret_cast<const float*>(p));
      case Dtype::Val::float64: return Napi::Number::New(env, *reinterpret_cast<const double*>(p));
      case Dtype::Val::bfloat16: return Napi::Number::New(env, float(*reinterpret_cast<const bfloat16_t*>(p)));
      default: {
        auto z = *reinterpret_cast<const complex64_t*>(p);
        Napi::Object o = Napi::Object::New(env);
        o.Set("re", Napi::Number::New(env, z.real()));
        o.Set("im", Napi::Number::New(env, z.imag()));
        return o;
      }
    }
  });
}

void init_convert(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {{"fromBuffer", FromBuffer}, {"scalar", Scalar}};
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
