// Node wrappers of export_function / import_function / exporter / export_to_dot
// (src/mlx/export.h). lib/export.js checks the arguments and hands over flat lists: positional
// arrays, keyword names and their arrays. The traced function is a JS function called
// synchronously while the export runs: (Array of positional tracers, Array of keyword tracers
// in the order of the names given) -> Array of output arrays.
#include <sstream>

#include "binding.h"
#include "mlx/export.h"

namespace mlxjs {

using namespace mlx::core;

namespace {

using Info = const Napi::CallbackInfo&;

#define GUARD(...) return guarded(info.Env(), [&]() -> Napi::Value { __VA_ARGS__ })

Kwargs kwargs_from(const Napi::Value& names, const Napi::Value& arrays, const char* fn) {
  Kwargs kw;
  if (!names.IsArray()) throw Napi::TypeError::New(names.Env(), std::string("[") + fn + "] Expected keyword names.");
  Napi::Array n = names.As<Napi::Array>();
  auto a = to_arrays(arrays, fn);
  if (a.size() != n.Length()) throw Napi::TypeError::New(names.Env(), std::string("[") + fn + "] Keyword names and arrays differ in number.");
  for (uint32_t i = 0; i < n.Length(); ++i) kw.emplace(n.Get(i).As<Napi::String>().Utf8Value(), a[i]);
  return kw;
}

Napi::Value shape_js(Napi::Env env, const Shape& s) {
  Napi::Array out = Napi::Array::New(env, s.size());
  for (size_t i = 0; i < s.size(); ++i) out.Set(uint32_t(i), Napi::Number::New(env, s[i]));
  return out;
}

// A dtype in a record: {dtype: index} (lib/export.js turns it into the Dtype object).
Napi::Value dtype_js(Napi::Env env, Dtype d) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("dtype", Napi::Number::New(env, d.index()));
  return o;
}

Napi::Value tensors_js(Napi::Env env, const std::vector<ExportTensor>& ts) {
  Napi::Array out = Napi::Array::New(env, ts.size());
  for (size_t i = 0; i < ts.size(); ++i) {
    Napi::Array t = Napi::Array::New(env, 3);
    t.Set(0u, Napi::String::New(env, ts[i].name));
    t.Set(1u, shape_js(env, ts[i].shape));
    t.Set(2u, dtype_js(env, ts[i].dtype));
    out.Set(uint32_t(i), t);
  }
  return out;
}

Napi::Value state_js(Napi::Env env, const StateValue& v) {
  return std::visit(
      [&](const auto& x) -> Napi::Value {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) {
          return Napi::Boolean::New(env, x);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return Napi::String::New(env, x);
        } else if constexpr (std::is_same_v<T, Dtype>) {
          return dtype_js(env, x);
        } else if constexpr (std::is_same_v<T, std::vector<int32_t>> || std::is_same_v<T, std::vector<int64_t>>) {
          Napi::Array a = Napi::Array::New(env, x.size());
          for (size_t i = 0; i < x.size(); ++i) a.Set(uint32_t(i), Napi::Number::New(env, double(x[i])));
          return a;
        } else {
          return Napi::Number::New(env, double(x));
        }
      },
      v);
}

Napi::Value record_js(Napi::Env env, const ExportRecord& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("type", Napi::String::New(env, r.type));
  if (r.type == "inputs") {
    o.Set("inputs", tensors_js(env, r.inputs));
  } else if (r.type == "outputs") {
    o.Set("outputs", tensors_js(env, r.outputs));
  } else if (r.type == "keyword_inputs") {
    Napi::Array a = Napi::Array::New(env, r.keywords.size());
    for (size_t i = 0; i < r.keywords.size(); ++i) {
      Napi::Array p = Napi::Array::New(env, 2);
      p.Set(0u, Napi::String::New(env, r.keywords[i].first));
      p.Set(1u, Napi::String::New(env, r.keywords[i].second));
      a.Set(uint32_t(i), p);
    }
    o.Set("keywords", a);
  } else if (r.type == "constants") {
    Napi::Array a = Napi::Array::New(env, r.constants.size());
    for (size_t i = 0; i < r.constants.size(); ++i) {
      Napi::Array p = Napi::Array::New(env, 2);
      p.Set(0u, Napi::String::New(env, r.constants[i].first));
      p.Set(1u, ArrayWrap::Wrap(env, r.constants[i].second));
      a.Set(uint32_t(i), p);
    }
    o.Set("constants", a);
  } else {
    o.Set("name", Napi::String::New(env, r.name));
    o.Set("inputs", tensors_js(env, r.inputs));
    o.Set("outputs", tensors_js(env, r.outputs));
    Napi::Array a = Napi::Array::New(env, r.arguments.size());
    for (size_t i = 0; i < r.arguments.size(); ++i) a.Set(uint32_t(i), state_js(env, r.arguments[i]));
    o.Set("arguments", a);
  }
  return o;
}

// The engine objects behind the JS handles (freed with the handle).
struct ExporterBox {
  std::unique_ptr<FunctionExporter> exporter;
  std::vector<ExportRecord> records;  // callback mode: the records of the latest trace
};

ExporterBox& exporter_of(const Napi::Value& v) {
  if (!v.IsExternal()) throw Napi::TypeError::New(v.Env(), "[export_function] Expected an exporter handle.");
  return *v.As<Napi::External<ExporterBox>>().Data();
}

const ImportedFunction& imported_of(const Napi::Value& v) {
  if (!v.IsExternal()) throw Napi::TypeError::New(v.Env(), "[import_function] Expected an imported function handle.");
  return *v.As<Napi::External<ImportedFunction>>().Data();
}

// export_new(file | null, shapeless, metadata) -> handle (null file: callback mode)
Napi::Value ExportNew(Info info) {
  GUARD({
    bool shapeless = info[1].ToBoolean().Value();
    auto box = std::make_unique<ExporterBox>();
    if (info[0].IsString()) {
      box->exporter = std::make_unique<FunctionExporter>(info[0].As<Napi::String>().Utf8Value(), shapeless,
                                                         info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "");
    } else {
      ExporterBox* raw = box.get();
      box->exporter = std::make_unique<FunctionExporter>(
          [raw](const ExportRecord& r) { raw->records.push_back(r); }, shapeless);
    }
    return Napi::External<ExporterBox>::New(info.Env(), box.release(),
                                            [](Napi::Env, ExporterBox* b) { delete b; });
  });
}

// export_call(handle, fn, args, kw_names, kw_arrays) -> undefined, or the records (callback mode)
Napi::Value ExportCall(Info info) {
  Napi::Env env = info.Env();
  GUARD({
    ExporterBox& box = exporter_of(info[0]);
    Napi::Function f = info[1].As<Napi::Function>();
    Args args = to_arrays(info[2], "export_function");
    Kwargs kw = kwargs_from(info[3], info[4], "export_function");
    ExportFn fn = [f](const Args& a, const Kwargs& k) {
      Napi::Env e = f.Env();
      Napi::HandleScope scope(e);
      Napi::Array names = Napi::Array::New(e, k.size());
      std::vector<array> kv;
      uint32_t i = 0;
      for (auto& [name, x] : k) {
        names.Set(i++, Napi::String::New(e, name));
        kv.push_back(x);
      }
      Napi::Value r = f.Call({arrays_to_js(e, a), names, arrays_to_js(e, kv)});
      return to_arrays(r, "export_function");
    };
    box.records.clear();
    (*box.exporter)(fn, args, kw);
    if (box.records.empty()) return env.Undefined();
    Napi::Array out = Napi::Array::New(env, box.records.size());
    for (size_t k = 0; k < box.records.size(); ++k) out.Set(uint32_t(k), record_js(env, box.records[k]));
    box.records.clear();
    return out;
  });
}

Napi::Value ExportClose(Info info) {
  GUARD({
    exporter_of(info[0]).exporter->close();
    return info.Env().Undefined();
  });
}

Napi::Value ExportClosed(Info info) {
  GUARD({ return Napi::Boolean::New(info.Env(), exporter_of(info[0]).exporter->closed()); });
}

// import_function(path) -> [handle, metadata, shapeless, traces]
Napi::Value ImportFunction(Info info) {
  Napi::Env env = info.Env();
  GUARD({
    auto f = std::make_unique<ImportedFunction>(import_function(info[0].As<Napi::String>().Utf8Value()));
    Napi::Array out = Napi::Array::New(env, 4);
    out.Set(1u, Napi::String::New(env, f->metadata()));
    out.Set(2u, Napi::Boolean::New(env, f->shapeless()));
    out.Set(3u, Napi::Number::New(env, double(f->num_traces())));
    out.Set(0u, Napi::External<ImportedFunction>::New(env, f.release(),
                                                      [](Napi::Env, ImportedFunction* p) { delete p; }));
    return out;
  });
}

// imported_call(handle, args, kw_names, kw_arrays) -> Array of outputs
Napi::Value ImportedCall(Info info) {
  GUARD({
    const ImportedFunction& f = imported_of(info[0]);
    Args args = to_arrays(info[1], "import_function::call");
    Kwargs kw = kwargs_from(info[2], info[3], "import_function::call");
    return arrays_to_js(info.Env(), f(args, kw));
  });
}

// export_to_dot(outputs, names, named_arrays) -> the DOT text
Napi::Value ExportToDot(Info info) {
  GUARD({
    auto outs = to_arrays(info[0], "export_to_dot");
    Napi::Array n = info[1].As<Napi::Array>();
    auto named = to_arrays(info[2], "export_to_dot");
    std::vector<std::pair<std::string, array>> names;
    for (uint32_t i = 0; i < n.Length() && i < named.size(); ++i)
      names.emplace_back(n.Get(i).As<Napi::String>().Utf8Value(), named[i]);
    std::ostringstream os;
    export_to_dot(os, outs, names);
    return Napi::String::New(info.Env(), os.str());
  });
}

}  // namespace

void init_export(Napi::Env env, Napi::Object exports) {
  static const FunctionEntry entries[] = {
      {"export_new", ExportNew},         {"export_call", ExportCall},
      {"export_close", ExportClose},     {"export_closed", ExportClosed},
      {"import_function", ImportFunction}, {"imported_call", ImportedCall},
      {"export_to_dot", ExportToDot},
  };
  define_functions(env, exports, entries);
}

}  // namespace mlxjs
