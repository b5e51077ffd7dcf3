// Thin wrappers from JS to the engine's ops. lib/ has already parsed and validated the
// arguments; here they are read positionally: arrays, shapes, dtype indices, stream index.
#include <memory>
#include <mutex>

#include "binding.h"
#include "mlx/allocator.h"
#include "mlx/backend/cpu/kernels.h"
#include "mlx/backend/cpu/parallel.h"
#include "mlx/transforms.h"

namespace mlxjs {

using namespace mlx::core;

namespace {

using Info = const Napi::CallbackInfo&;

#define MLXJS_FN(name) Napi::Value name(Info info)
#define GUARD(body) return guarded(info.Env(), [&]() -> Napi::Value { body })
#define WRAP(expr) return ArrayWrap::Wrap(info.Env(), (expr))
#define A(i) to_array(info[i], __func__, #i)
#define S(i) to_stream(info[i])
#define I(i) info[i].As<Napi::Number>().Int32Value()

MLXJS_FN(Zeros) { GUARD(WRAP(zeros(to_shape(info[0], "zeros"), to_dtype(info[1]), S(2)));); }
MLXJS_FN(Ones) { GUARD(WRAP(ones(to_shape(info[0], "ones"), to_dtype(info[1]), S(2)));); }
MLXJS_FN(Full) {
  GUARD({
    Shape shape = to_shape(info[0], "full");
    if (info[2].IsNull() || info[2].IsUndefined()) WRAP(full(shape, A(1), S(3)));
    WRAP(full(shape, A(1), to_dtype(info[2]), S(3)));
  });
}
MLXJS_FN(Arange) {
  GUARD(WRAP(arange(info[0].As<Napi::Number>().DoubleValue(), info[1].As<Napi::Number>().DoubleValue(),
                    info[2].As<Napi::Number>().DoubleValue(), to_dtype(info[3]), S(4))););
}
MLXJS_FN(AsType) { GUARD(WRAP(astype(A(0), to_dtype(info[1]), S(2)));); }
MLXJS_FN(CopyOp) { GUARD(WRAP(copy(A(0), S(1)));); }
MLXJS_FN(Reshape) { GUARD(WRAP(reshape(A(0), to_shape(info[1], "reshape"), S(2)));); }
MLXJS_FN(Flatten) { GUARD(WRAP(flatten(A(0), I(1), I(2), S(3)));); }
MLXJS_FN(Squeeze) {
  GUARD({
    if (info[1].IsNull() || info[1].IsUndefined()) WRAP(squeeze(A(0), S(2)));
    WRAP(squeeze(A(0), to_ints(info[1], "squeeze"), S(2)));
  });
}
MLXJS_FN(ExpandDims) { GUARD(WRAP(expand_dims(A(0), to_ints(info[1], "expand_dims"), S(2)));); }
MLXJS_FN(Transpose) {
  GUARD({
    if (info[1].IsNull() || info[1].IsUndefined()) WRAP(transpose(A(0), S(2)));
    WRAP(transpose(A(0), to_ints(info[1], "transpose"), S(2)));
  });
}
MLXJS_FN(Moveaxis) { GUARD(WRAP(moveaxis(A(0), I(1), I(2), S(3)));); }
MLXJS_FN(Swapaxes) { GUARD(WRAP(swapaxes(A(0), I(1), I(2), S(3)));); }
MLXJS_FN(BroadcastTo) { GUARD(WRAP(broadcast_to(A(0), to_shape(info[1], "broadcast_to"), S(2)));); }
MLXJS_FN(Add) { GUARD(WRAP(add(A(0), A(1), S(2)));); }
MLXJS_FN(Subtract) { GUARD(WRAP(subtract(A(0), A(1), S(2)));); }
MLXJS_FN(Multiply) { GUARD(WRAP(multiply(A(0), A(1), S(2)));); }
MLXJS_FN(Divide) { GUARD(WRAP(divide(A(0), A(1), S(2)));); }
MLXJS_FN(Where) { GUARD(WRAP(where(A(0), A(1), A(2), S(3)));); }
MLXJS_FN(Matmul) { GUARD(WRAP(matmul(A(0), A(1), S(2)));); }


MLXJS_FN(Eval) {
  GUARD({
    if (info[0].IsArray()) {
      mlx::core::eval(to_arrays(info[0], "eval"));
    } else {
      auto* w = ArrayWrap::Unwrap(info[0]);
      if (!w) throw Napi::TypeError::New(info.Env(), "[eval] Expected arrays.");
      w->get(info.Env()).eval();
    }
    return info.Env().Undefined();
  });
}

}  // namespace

// ---- async_eval: the Promise settles on the JS thread through a thread-safe function ----

struct Completion {
  napi_deferred deferred;
  std::string error;  // empty on success
};

struct AddonData::AsyncState {
  std::mutex mu;
  bool alive = true;       // false once the environment is shutting down
  int pending = 0;         // outstanding async_eval calls (keeps the loop alive)
  napi_threadsafe_function tsfn = nullptr;
};

namespace {

void settle(napi_env env, napi_value, void* context, void* data) {
  auto* c = static_cast<Completion*>(data);
  auto* st = static_cast<AddonData::AsyncState*>(context);
  if (env) {
    if (c->error.empty()) {
      napi_value undef;
      napi_get_undefined(env, &undef);
      napi_resolve_deferred(env, c->deferred, undef);
    } else {
      napi_value msg, err;
      napi_create_string_utf8(env, c->error.c_str(), c->error.size(), &msg);
      napi_create_error(env, nullptr, msg, &err);
      napi_reject_deferred(env, c->deferred, err);
    }
    std::lock_guard<std::mutex> lock(st->mu);
    if (--st->pending == 0 && st->alive) napi_unref_threadsafe_function(env, st->tsfn);
  }
  delete c;
}

MLXJS_FN(AsyncEval) {
  Napi::Env env = info.Env();
  GUARD({
    auto arrays = to_arrays(info[0], "async_eval");
    auto& data = addon_data(env);
    auto st = data.async;
    napi_deferred deferred;
    napi_value promise;
    napi_create_promise(env, &deferred, &promise);
    {
      std::lock_guard<std::mutex> lock(st->mu);
      if (st->pending++ == 0) napi_ref_threadsafe_function(env, st->tsfn);
    }
    mlx::core::async_eval(std::move(arrays), [st, deferred](std::exception_ptr err) {
      auto* c = new Completion{deferred, {}};
      if (err) {
        try {
          std::rethrow_exception(err);
        } catch (const std::exception& e) {
          c->error = e.what();
        } catch (...) {
          c->error = "[async_eval] Unknown error.";
        }
      }
      std::lock_guard<std::mutex> lock(st->mu);
      if (!st->alive || napi_call_threadsafe_function(st->tsfn, c, napi_tsfn_nonblocking) != napi_ok)
        delete c;  // the environment is gone; nobody is waiting any more
    });
    return Napi::Value(env, promise);
  });
}

MLXJS_FN(NewStream) {
  GUARD({
    auto s = new_stream(Device(Device::DeviceType(I(0)), 0));
    return Napi::Number::New(info.Env(), s.index);
  });
}
MLXJS_FN(DefaultStreamIndex) {
  GUARD(return Napi::Number::New(info.Env(), default_stream(Device(Device::DeviceType(I(0)), 0)).index););
}
MLXJS_FN(StreamDevice) {
  GUARD(return Napi::Number::New(info.Env(), int(stream_from_index(I(0)).device.type)););
}
MLXJS_FN(IsAvailable) {
  GUARD(return Napi::Boolean::New(info.Env(), is_available(Device(Device::DeviceType(I(0)), 0))););
}
MLXJS_FN(Synchronize) {
  GUARD({
    synchronize(stream_from_index(I(0)));
    return info.Env().Undefined();
  });
}
MLXJS_FN(PromoteTypes) {
  GUARD(return Napi::Number::New(info.Env(), promote_types(to_dtype(info[0]), to_dtype(info[1])).index()););
}

double num(Info info, int i) { return info[i].As<Napi::Number>().DoubleValue(); }

MLXJS_FN(Memory) {
  GUARD({
    std::string what = info[0].As<Napi::String>();
    size_t v = 0;
    if (what == "active") v = allocator::get_active_memory();
    else if (what == "peak") v = allocator::get_peak_memory();
    else if (what == "cache") v = allocator::get_cache_memory();
    else if (what == "reset_peak") allocator::reset_peak_memory();
    else if (what == "clear_cache") allocator::clear_cache();
    else if (what == "memory_limit") v = allocator::set_memory_limit(size_t(num(info, 1)));
    else if (what == "cache_limit") v = allocator::set_cache_limit(size_t(num(info, 1)));
    return Napi::Number::New(info.Env(), double(v));
  });
}

MLXJS_FN(CpuInfo) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("isa", cpu::kernels().isa);
  o.Set("threads", cpu::num_threads());
  o.Set("live_arrays", double(ArrayWrap::live_count()));
  return o;
}

void cleanup(void* arg) {
  auto* holder = static_cast<std::shared_ptr<AddonData::AsyncState>*>(arg);
  auto st = *holder;
  delete holder;
  std::lock_guard<std::mutex> lock(st->mu);
  st->alive = false;
  napi_release_threadsafe_function(st->tsfn, napi_tsfn_abort);
}

}  // namespace

void init_ops_elementwise(Napi::Env env, Napi::Object exports);  // ops_elementwise_binding.cpp

void init_ops(Napi::Env env, Napi::Object exports) {
  init_ops_elementwise(env, exports);
  auto& data = addon_data(env);
  data.async = std::make_shared<AddonData::AsyncState>();
  napi_value name;
  napi_create_string_utf8(env, "mlxjs.async_eval", NAPI_AUTO_LENGTH, &name);
  napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr,
                                  data.async.get(), settle, &data.async->tsfn);
  napi_unref_threadsafe_function(env, data.async->tsfn);
  napi_add_env_cleanup_hook(env, cleanup, new std::shared_ptr<AddonData::AsyncState>(data.async));

  static const FunctionEntry entries[] = {
      {"zeros", Zeros}, {"ones", Ones}, {"full", Full}, {"arange", Arange},
      {"astype", AsType}, {"copy", CopyOp}, {"reshape", Reshape}, {"flatten", Flatten},
      {"squeeze", Squeeze}, {"expand_dims", ExpandDims}, {"transpose", Transpose},
      {"moveaxis", Moveaxis}, {"swapaxes", Swapaxes}, {"broadcast_to", BroadcastTo},
      {"add", Add}, {"subtract", Subtract}, {"multiply", Multiply}, {"divide", Divide},
      {"where", Where}, {"matmul", Matmul}, {"eval", Eval}, {"async_eval", AsyncEval},
      {"new_stream", NewStream}, {"default_stream", DefaultStreamIndex},
      {"stream_device", StreamDevice}, {"is_available", IsAvailable},
      {"synchronize", Synchronize}, {"promote_types", PromoteTypes}, {"memory", Memory},
      {"cpu_info", CpuInfo},
  };
  define_functions(env, exports, entries);
  init_ops_reduce(env, exports);
  init_transforms(env, exports);
  init_ops_creation(env, exports);
  init_ops_index(env, exports);
  init_ops_shape(env, exports);
  init_ops_sort(env, exports);
  init_random(env, exports);
  init_io(env, exports);
  init_linalg(env, exports);
  init_fft(env, exports);
  init_fast(env, exports);
  init_conv(env, exports);
  init_quantized(env, exports);
  init_contract(env, exports);
  init_export(env, exports);
}

}  // namespace mlxjs
