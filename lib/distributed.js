'use strict';
// mx.distributed, bound through lib/args.js ('distributed.<name>' entries). mlxjs has no
// communication backend yet (MLX's ring, MPI, NCCL, JACCL), so, as MLX does when none can be
// initialised, init() gives the singleton group (rank 0, size 1): the collectives return their
// input, send/recv raise MLX's singleton errors, and is_available() is false.
const args = require('./args');

// distributed.Group is declared by tools/gen_dts.js (NAMESPACE_EXTRAS), not from the table.
const NAMES = ['distributed.is_available', 'distributed.init',
  'distributed.all_sum', 'distributed.all_max', 'distributed.all_min', 'distributed.all_gather',
  'distributed.send', 'distributed.recv', 'distributed.recv_like', 'distributed.sum_scatter'];

const BACKENDS = ['any', 'ring', 'mpi', 'nccl', 'jaccl'];

// A group of processes; here always the singleton group.
class Group {
  constructor(token) {
    if (token !== SINGLETON) {
      throw new TypeError('[distributed.Group] Groups come from mx.distributed.init(); they cannot be constructed.');
    }
  }
  rank() { return 0; }
  size() { return 1; }
  split(color, key = -1) {
    args.intArg(color, 'distributed.Group.split', 'color');
    args.intArg(key, 'distributed.Group.split', 'key');
    throw new Error('[distributed.Group.split] Cannot split the distributed group further.');
  }
  toString() { return 'Group(rank=0, size=1)'; }
}
const SINGLETON = Symbol('singleton');
const WORLD = new Group(SINGLETON);

function checkBackend(backend, fn) {
  if (typeof backend !== 'string') throw new TypeError(`[${fn}] argument 'backend' must be a string, got ${args.describe(backend)}`);
  if (!BACKENDS.includes(backend)) {
    throw new Error(`[${fn}] The only valid values for backend are 'any', 'ring', 'mpi', 'nccl' and 'jaccl' but '${backend}' was provided.`);
  }
}

function install(mx) {
  const { toArray } = require('./convert');
  const dev = require('./device');
  const distributed = { Group };

  const group = (g, fn) => {
    if (g !== undefined && g !== null && !(g instanceof Group)) {
      throw new TypeError(`[${fn}] argument 'group' must be a distributed.Group or null, got ${args.describe(g)}`);
    }
    return WORLD;
  };
  const stream = (s, fn) => { if (s !== undefined && s !== null) dev.streamIndex(s, fn); };
  const { intArg } = args;

  distributed.is_available = args.bind('distributed.is_available', (backend = 'any') => {
    checkBackend(backend, 'distributed.is_available');
    return false;
  });
  distributed.init = args.bind('distributed.init', (strict = false, backend = 'any', factory) => {
    const fn = 'distributed.init';
    if (typeof strict !== 'boolean') throw new TypeError(`[${fn}] argument 'strict' must be a boolean, got ${args.describe(strict)}`);
    checkBackend(backend, fn);
    if (factory !== undefined && factory !== null) {
      throw new Error(`[${fn}] all_gather_factory is not supported: mlxjs has no communication backend.`);
    }
    if (strict) {
      throw new Error(backend === 'any' ? `[${fn}] Couldn't initialize any backend.`
        : `[${fn}] Couldn't initialize the '${backend}' backend: mlxjs is built without it.`);
    }
    return WORLD;
  });
  // Collectives over a group of one: the input itself, as MLX returns it.
  for (const name of ['all_sum', 'all_max', 'all_min', 'all_gather', 'sum_scatter']) {
    const fn = `distributed.${name}`;
    distributed[name] = args.bind(fn, (x, g, s) => {
      const a = toArray(x, fn);
      group(g, fn);
      stream(s, fn);
      return a;
    });
  }
  distributed.send = args.bind('distributed.send', (x, dst, g, s) => {
    const fn = 'distributed.send';
    toArray(x, fn);
    intArg(dst, fn, 'dst');
    group(g, fn);
    stream(s, fn);
    throw new Error(`[${fn}] Cannot send to a singleton group`);
  });
  distributed.recv = args.bind('distributed.recv', (shape, dtype, src, g, s) => {
    const fn = 'distributed.recv';
    intArg(src, fn, 'src');
    group(g, fn);
    stream(s, fn);
    throw new Error(`[${fn}] Cannot recv from a singleton group`);
  });
  distributed.recv_like = args.bind('distributed.recv_like', (x, src, g, s) => {
    const fn = 'distributed.recv_like';
    toArray(x, fn);
    intArg(src, fn, 'src');
    group(g, fn);
    stream(s, fn);
    throw new Error(`[${fn}] Cannot recv from a singleton group`);
  });
  mx.distributed = distributed;
}

module.exports = { NAMES, install, Group };
