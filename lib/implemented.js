'use strict';
// The public names mlxjs implements so far: tools/gen_dts.js declares exactly these in
// index.d.ts / core.d.ts. Add a name here when its binding lands, then run
// `node tools/gen_dts.js`.
//   core:         qualified names as the signature table keys them ('add', 'random.normal');
//                 'array' is the array constructor (table entry 'array.__init__'), 'finfo' and
//                 'iinfo' are classes. Dtypes, categories, cpu/gpu and the classes are always
//                 declared.
//   arrayMembers: properties and methods of mx.array (methods from 'array.<name>' entries,
//                 plus the JS extras toString, toTypedArray, eval, dispose).

module.exports = {
  core: [
    'array', 'asarray', 'zeros', 'ones', 'full', 'zeros_like', 'ones_like', 'arange', 'astype',
    'reshape', 'flatten', 'squeeze', 'expand_dims', 'transpose', 'moveaxis', 'swapaxes',
    'broadcast_to', 'add', 'subtract', 'multiply', 'divide', 'where', 'matmul', 'copy',
    'eval', 'async_eval', 'synchronize', 'default_stream', 'new_stream', 'default_device',
    'set_default_device', 'set_default_stream', 'stream', 'issubdtype', 'result_type',
    'can_cast', 'finfo', 'iinfo', 'get_active_memory', 'get_peak_memory', 'reset_peak_memory',
    'get_cache_memory', 'set_memory_limit', 'set_cache_limit', 'clear_cache', 'is_available',
    'device_count', 'new_thread_local_stream', 'new_thread_unsafe_stream', 'clear_streams',
    'device_info', 'set_wired_limit', 'cuda.is_available', 'metal.is_available',
    ...require('./ops_elementwise').NAMES,
    ...require('./ops_reduce').NAMES,
    ...require('./ops_creation').NAMES,
    ...require('./ops_index').NAMES,
    ...require('./ops_shape').NAMES,
    ...require('./ops_sort').NAMES,
    ...require('./random').NAMES,
    ...require('./io').NAMES,
    ...require('./linalg').NAMES,
    ...require('./fft').NAMES,
    ...require('./transforms').NAMES,
    ...require('./fast').NAMES,
    ...require('./conv').NAMES,
    ...require('./ops_contract').NAMES,
    ...require('./quantized').NAMES,
    ...require('./export').NAMES,
    ...require('./distributed').NAMES,
  ],
  arrayMembers: [
    'shape', 'dtype', 'ndim', 'size', 'itemsize', 'nbytes', 'T', 'item', 'tolist', 'astype',
    'reshape', 'transpose', 'flatten', 'squeeze', 'swapaxes', 'moveaxis', 'toString',
    'toTypedArray', 'eval', 'dispose',
    ...require('./ops_reduce').METHODS,
    ...require('./ops_elementwise').METHODS,
    ...require('./ops_creation').METHODS,
    ...require('./ops_index').METHODS,
    ...require('./ops_shape').METHODS,
    ...require('./ops_sort').METHODS,
    ...require('./array_methods').METHODS,
    ...require('./array_operators').METHODS,
  ],
};
