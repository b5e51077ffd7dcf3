// Binding of src/mlx/io.h: thin typed wrappers; lib/io.js validates the arguments.
// A file is a path string or, for loads, bytes (Buffer, TypedArray, ArrayBuffer); a save
// whose file is null returns the file's bytes as a Buffer.
#include "binding.h"
#include "mlx/io.h"

namespace mlxjs {

using namespace mlx::core;

namespace {

using Info = const Napi::CallbackInfo&;

#define GUARD(...) return guarded(info.Env(), [&]() -> Napi::Value { __VA_ARGS__ })

// The bytes of a TypedArray, Buffer or ArrayBuffer (valid for the duration of the call).
bool bytes_of(const Napi::Value& v, const char** data, size_t* len) {
  if (v.IsTypedArray()) {
    auto t = v.As<Napi::TypedArray>();
    *data = static_cast<const char*>(t.ArrayBuffer().Data()) + t.ByteOffset();
    *len = t.ByteLength();
    return true;
  }
  if (v.IsArrayBuffer()) {
    auto ab = v.As<Napi::ArrayBuffer>();
    *data = static_cast<const char*>(ab.Data());
    *len = ab.ByteLength();
    return true;
  }
  if (v.IsDataView()) {
    auto dv = v.As<Napi::DataView>();
    *data = static_cast<const char*>(dv.ArrayBuffer().Data()) + dv.ByteOffset();
    *len = dv.ByteLength();
    return true;
  }
  return false;
}

io::Source source_of(const Napi::Value& v) {
  if (v.IsString()) return io::Source::file(v.As<Napi::String>().Utf8Value());
  const char* data = nullptr;
  size_t len = 0;
  if (!bytes_of(v, &data, &len))
    throw Napi::TypeError::New(v.Env(), "[load] Expected a path string, Buffer, TypedArray or ArrayBuffer.");
  return io::Source::memory(data, len, "the buffer");
}

Napi::Array strings(Napi::Env env, const std::vector<std::string>& v) {
  auto out = Napi::Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) out.Set(uint32_t(i), Napi::String::New(env, v[i]));
  return out;
}

// [names, arrays] of named arrays.
Napi::Array named(Napi::Env env, NamedArrays arrays) {
  auto names = Napi::Array::New(env, arrays.size());
  auto values = Napi::Array::New(env, arrays.size());
  for (size_t i = 0; i < arrays.size(); ++i) {
    names.Set(uint32_t(i), Napi::String::New(env, arrays[i].first));
    values.Set(uint32_t(i), ArrayWrap::Wrap(env, std::move(arrays[i].second)));
  }
  auto out = Napi::Array::New(env, 2);
  out.Set(0u, names);
  out.Set(1u, values);
  return out;
}

NamedArrays named_of(Info info, int names_at, const char* fn) {
  auto names = info[names_at].As<Napi::Array>();
  auto values = info[names_at + 1].As<Napi::Array>();
  NamedArrays out;
  out.reserve(names.Length());
  for (uint32_t i = 0; i < names.Length(); ++i)
    out.emplace_back(names.Get(i).As<Napi::String>().Utf8Value(), to_array(values.Get(i), fn, "arrays"));
  return out;
}

// Writes parts to the path in `file` (extension appended by the caller) or returns a Buffer.
Napi::Value emit(Napi::Env env, const Napi::Value& file, const io::Parts& parts,
                 void (*to_path)(std::string&), const char* fn) {
  if (file.IsString()) {
    std::string path = file.As<Napi::String>().Utf8Value();
    to_path(path);
    io::write_file(path, parts, fn);
    return env.Undefined();
  }
  auto buf = Napi::Buffer<char>::New(env, size_t(parts.size()));
  parts.copy_to(buf.Data());
  return buf;
}

void ext(std::string& p, const char* e) {
  size_t n = std::strlen(e);
  if (p.size() < n || p.compare(p.size() - n, n, e) != 0) p += e;
}

// (file, stream) -> mx.array
Napi::Value LoadNpy(Info info) {
  GUARD(return ArrayWrap::Wrap(info.Env(), load_npy(source_of(info[0]), to_stream(info[1]))););
}
// (file, stream) -> [names, arrays]
Napi::Value LoadNpz(Info info) {
  GUARD(return named(info.Env(), load_npz(source_of(info[0]), to_stream(info[1]))););
}
// (file, stream) -> [names, arrays, metadata keys, metadata values]
Napi::Value LoadSafetensors(Info info) {
  GUARD({
    Napi::Env env = info.Env();
    auto [arrays, meta] = load_safetensors(source_of(info[0]), to_stream(info[1]));
    auto out = named(env, std::move(arrays));
    auto keys = Napi::Array::New(env, meta.size());
    auto vals = Napi::Array::New(env, meta.size());
    for (size_t i = 0; i < meta.size(); ++i) {
      keys.Set(uint32_t(i), Napi::String::New(env, meta[i].first));
      vals.Set(uint32_t(i), Napi::String::New(env, meta[i].second));
    }
    out.Set(2u, keys);
    out.Set(3u, vals);
    return out;
  });
}
Napi::Value LoadGguf(Info info) {
  GUARD({
    Napi::Env env = info.Env();
    auto [arrays, meta] = load_gguf(source_of(info[0]), to_stream(info[1]));
    auto out = named(env, std::move(arrays));
    auto keys = Napi::Array::New(env, meta.size());
    auto vals = Napi::Array::New(env, meta.size());
    for (size_t i = 0; i < meta.size(); ++i) {
      keys.Set(uint32_t(i), Napi::String::New(env, meta[i].first));
      auto& v = meta[i].second;
      if (auto* s = std::get_if<std::string>(&v)) vals.Set(uint32_t(i), Napi::String::New(env, *s));
      else if (auto* l = std::get_if<std::vector<std::string>>(&v)) vals.Set(uint32_t(i), strings(env, *l));
      else vals.Set(uint32_t(i), ArrayWrap::Wrap(env, std::get<array>(v)));
    }
    out.Set(2u, keys);
    out.Set(3u, vals);
    return out;
  });
}

// (file|null, arr)
Napi::Value SaveNpy(Info info) {
  const char* fn = "save";
  GUARD(return emit(info.Env(), info[0], npy_bytes(to_array(info[1], fn, "arr"), fn),
                    [](std::string& p) { ext(p, ".npy"); }, fn););
}
// (file|null, names, arrays, compressed)
Napi::Value SaveNpz(Info info) {
  bool compressed = info[3].ToBoolean().Value();
  const char* fn = compressed ? "savez_compressed" : "savez";
  GUARD(return emit(info.Env(), info[0], npz_bytes(named_of(info, 1, fn), compressed),
                    [](std::string& p) { ext(p, ".npz"); }, fn););
}
// (file|null, names, arrays, metadata keys, metadata values: strings)
Napi::Value SaveSafetensors(Info info) {
  const char* fn = "save_safetensors";
  GUARD({
    StringPairs meta;
    auto keys = info[3].As<Napi::Array>();
    auto vals = info[4].As<Napi::Array>();
    for (uint32_t i = 0; i < keys.Length(); ++i)
      meta.emplace_back(keys.Get(i).As<Napi::String>().Utf8Value(), vals.Get(i).As<Napi::String>().Utf8Value());
    return emit(info.Env(), info[0], safetensors_bytes(named_of(info, 1, fn), meta),
                [](std::string& p) { ext(p, ".safetensors"); }, fn);
  });
}
// (file|null, names, arrays, metadata keys, metadata values: string | string[] | mx.array)
Napi::Value SaveGguf(Info info) {
  const char* fn = "save_gguf";
  GUARD({
    GGUFMetadata meta;
    auto keys = info[3].As<Napi::Array>();
    auto vals = info[4].As<Napi::Array>();
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      std::string key = keys.Get(i).As<Napi::String>().Utf8Value();
      Napi::Value v = vals.Get(i);
      if (v.IsString()) {
        meta.emplace_back(key, v.As<Napi::String>().Utf8Value());
      } else if (v.IsArray()) {
        auto a = v.As<Napi::Array>();
        std::vector<std::string> l;
        for (uint32_t k = 0; k < a.Length(); ++k) l.push_back(a.Get(k).As<Napi::String>().Utf8Value());
        meta.emplace_back(key, std::move(l));
      } else {
        meta.emplace_back(key, to_array(v, fn, "metadata"));
      }
    }
    return emit(info.Env(), info[0], gguf_bytes(named_of(info, 1, fn), meta),
                [](std::string& p) { ext(p, ".gguf"); }, fn);
  });
}

// Tests only: the size from which .npz entries use zip64 fields.
Napi::Value SetZip64Limit(Info info) {
  io::set_zip64_limit(uint64_t(info[0].As<Napi::Number>().Int64Value()));
  return info.Env().Undefined();
}

}  // namespace

void init_io(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {
      {"io_load_npy", LoadNpy},
      {"io_load_npz", LoadNpz},
      {"io_load_safetensors", LoadSafetensors},
      {"io_load_gguf", LoadGguf},
      {"io_save_npy", SaveNpy},
      {"io_save_npz", SaveNpz},
      {"io_save_safetensors", SaveSafetensors},
      {"io_save_gguf", SaveGguf},
      {"io_set_zip64_limit", SetZip64Limit},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
