// Direct V8 access where Node-API falls short (GC-time finalization). Only compiled when
// the build found Node's own headers (MLXJS_HAVE_V8); napi_value is a v8::Local inside Node.
#pragma once

#if MLXJS_HAVE_V8
#include <node_api.h>
#include <v8.h>

#include <cstring>

namespace mlxjs {

inline v8::Local<v8::Value> to_v8(napi_value v) {
  v8::Local<v8::Value> local;
  static_assert(sizeof(local) == sizeof(v));
  std::memcpy(static_cast<void*>(&local), &v, sizeof(v));
  return local;
}

inline napi_value to_napi(v8::Local<v8::Value> local) {
  napi_value v;
  std::memcpy(&v, static_cast<void*>(&local), sizeof(v));
  return v;
}

}  // namespace mlxjs
#endif
