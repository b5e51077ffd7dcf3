'use strict';
// Signatures of mlxjs names that the Python table lacks, in the generated table's format.
// mx.copy exists in MLX's C++ API (and as array.__copy__ in Python); the foundation issue
// asks for it as a function.
const p = (name, kind, type, ...def) => Object.freeze({ name, kind, def: def[0], hasDef: def.length > 0, type });

module.exports = {
  // a.add(b), a.less(b), ...: the readable operator methods (lib/array_operators.js).
  ...require('./array_operators').SIGNATURES,
  copy: [{ ret: 'array', params: [p('a', 'pos', 'array'), p('stream', 'kw', 'StreamOrDevice', undefined)] }],
};
