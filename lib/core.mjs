// ESM entry of the subpath: import * as mx from 'mlxjs/core' (or its default export).
import core from './core.js';

export default core;
export const {
  array, asarray, zeros, ones, full, zeros_like, ones_like, arange, astype, reshape, flatten,
  squeeze, expand_dims, transpose, moveaxis, swapaxes, broadcast_to, add, subtract, multiply,
  divide, where, matmul, copy, eval: evaluate, async_eval, synchronize, default_stream,
  new_stream, default_device, set_default_device, set_default_stream, stream, issubdtype,
  result_type, can_cast, finfo, iinfo, get_active_memory, get_peak_memory, reset_peak_memory,
  get_cache_memory, set_memory_limit, set_cache_limit, clear_cache, Dtype, DtypeCategory,
  Device, DeviceType, Stream, StreamContext, cpu, gpu, bool_, uint8, uint16, uint32, uint64,
  int8, int16, int32, int64, float16, float32, float64, bfloat16, complex64, generic, number,
  integer, signedinteger, unsignedinteger, inexact, floating, complexfloating, __version__,
} = core;
export { evaluate as eval };
