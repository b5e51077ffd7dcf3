'use strict';
// The JavaScript argument grammar: Python's calling convention mapped onto JS calls, driven by
// the generated signature table (lib/generated/api_table.js). See docs/api-grammar.md.
//
//   f(p0, p1, ..., {kw: v})   positionals in Python order, then one optional plain object of
//                             keyword arguments (only if the function has any keyword-capable
//                             parameter). `undefined` means "not given"; `null` is Python None.
//
// Pure JS: what an mx.array / Dtype / Stream / Device is comes in through setHooks().

// The generated Python table, plus the few mlxjs names Python lacks (lib/extra_signatures.js).
const TABLE = Object.freeze({ ...require('./extra_signatures'), ...require('./generated/api_table') });

const OBJ_PROTO = Object.prototype;
const getProto = Object.getPrototypeOf;
const isArrayJs = Array.isArray;
const isView = ArrayBuffer.isView;
const hasOwn = Object.prototype.hasOwnProperty;

// ---------------------------------------------------------------------------------------------
// Hooks. Read at call time (not bind time) so lib/core.js may bind before it calls setHooks.

const no = () => false;
let isArrayH = no;
let isDtypeH = no;
let isStreamH = no;
let isDeviceH = no;
let isDtypeCategoryH = null; // null: any non-null object that is not a Dtype
let resolveDefaultH = null;
const EPOCH = { v: 0 }; // bumped by setHooks so bound functions re-resolve {py} default markers

const HOOK_NAMES = ['isArray', 'isDtype', 'isStream', 'isDevice', 'isDtypeCategory', 'resolveDefault'];

function setHooks(hooks) {
  if (hooks === null || typeof hooks !== 'object') throw new TypeError('setHooks expects an object');
  for (const k of Object.keys(hooks)) {
    if (!HOOK_NAMES.includes(k)) throw new TypeError(`setHooks: unknown hook '${k}'`);
    if (hooks[k] != null && typeof hooks[k] !== 'function') throw new TypeError(`setHooks: '${k}' must be a function`);
  }
  if ('isArray' in hooks) isArrayH = hooks.isArray || no;
  if ('isDtype' in hooks) isDtypeH = hooks.isDtype || no;
  if ('isStream' in hooks) isStreamH = hooks.isStream || no;
  if ('isDevice' in hooks) isDeviceH = hooks.isDevice || no;
  if ('isDtypeCategory' in hooks) isDtypeCategoryH = hooks.isDtypeCategory || null;
  if ('resolveDefault' in hooks) resolveDefaultH = hooks.resolveDefault || null;
  EPOCH.v++;
}

// ---------------------------------------------------------------------------------------------
// Values in error text.

function isPlainObject(x) {
  if (typeof x !== 'object' || x === null) return false;
  const p = getProto(x);
  return p === OBJ_PROTO || p === null;
}

function isTypedArray(x) {
  return isView(x) && !(x instanceof DataView);
}

function describe(x) {
  switch (typeof x) {
    case 'undefined': return 'undefined';
    case 'boolean': return `boolean ${x}`;
    case 'number': return `number ${x}`;
    case 'bigint': return `bigint ${x}n`;
    case 'string': return `string ${JSON.stringify(x.length > 40 ? x.slice(0, 37) + '...' : x)}`;
    case 'symbol': return `symbol ${String(x)}`;
    case 'function': return x.name ? `function ${x.name}` : 'function';
    default: break;
  }
  if (x === null) return 'null';
  try {
    if (isArrayH(x)) return 'mx.array';
    if (isDtypeH(x)) return `Dtype ${safeString(x)}`;
    if (isStreamH(x)) return 'Stream';
    if (isDeviceH(x)) return 'Device';
  } catch (_) { /* a throwing hook must not hide the original error */ }
  if (isArrayJs(x)) return `Array(${x.length})`;
  if (isTypedArray(x)) return `${x.constructor.name}(${x.length})`;
  if (isPlainObject(x)) {
    const keys = Object.keys(x);
    const shown = keys.slice(0, 5).join(', ') + (keys.length > 5 ? ', ...' : '');
    return `object {${shown}}`;
  }
  const ctor = x.constructor && typeof x.constructor.name === 'string' ? x.constructor.name : '';
  return ctor && ctor !== 'Object' ? `${ctor} instance` : 'object';
}

function safeString(x) {
  try { return String(x); } catch (_) { return '?'; }
}

function parseError(qualname, message) {
  return new TypeError(`[${qualname}] ${message}`);
}

// ---------------------------------------------------------------------------------------------
// Type checks compiled from the Python annotation. null = accept anything (unknown or absent).

function splitTop(s, sep) {
  const out = [];
  let depth = 0;
  let start = 0;
  let quote = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) { if (c === quote) quote = null; continue; }
    if (c === '\'' || c === '"') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (depth === 0 && c === sep) { out.push(s.slice(start, i).trim()); start = i + 1; }
  }
  out.push(s.slice(start).trim());
  return out;
}

const isNone = (x) => x === null || x === undefined;
const isInt = (x) => (typeof x === 'number' ? Number.isInteger(x) : typeof x === 'bigint');
const isFloat = (x) => typeof x === 'number' || typeof x === 'bigint';
const isBool = (x) => typeof x === 'boolean';
const isStr = (x) => typeof x === 'string';
// Python's complex scalar, written {re, im} in JS.
const isComplex = (x) => typeof x === 'object' && x !== null && typeof x.re === 'number' &&
  typeof x.im === 'number' && getProto(x) === OBJ_PROTO && Object.keys(x).length === 2;
const isScalar = (x) => typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean' || isComplex(x);
// array-like: what the engine can turn into an array (mx.array, scalar, nested Array, TypedArray,
// an object with Python's __mlx_array__ method).
function isArrayLike(x) {
  if (typeof x === 'object') return x !== null && (isArrayH(x) || isArrayJs(x) || isTypedArray(x) || isComplex(x) || typeof x.__mlx_array__ === 'function');
  return typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean';
}
const isDtype = (x) => isDtypeH(x);
const isStream = (x) => isStreamH(x);
const isDevice = (x) => isDeviceH(x);
const isStreamOrDevice = (x) => x === null || x === undefined || isStreamH(x) || isDeviceH(x);
const isDtypeCategory = (x) => (isDtypeCategoryH !== null ? isDtypeCategoryH(x)
  : typeof x === 'object' && x !== null && !isDtypeH(x) && !isArrayJs(x));
const isFunction = (x) => typeof x === 'function';
const isDict = (x) => typeof x === 'object' && x !== null && !isArrayJs(x) && !isTypedArray(x);
const isJsArray = (x) => isArrayJs(x);

const ARRAY_LIKE_DESC = 'array-like (mx.array, number, bigint, boolean, Array or TypedArray)';

// Each entry: [test, description used in error text].
const SIMPLE = {
  None: [isNone, 'null'],
  int: [isInt, 'an integer'],
  float: [isFloat, 'a number'],
  bool: [isBool, 'a boolean'],
  str: [isStr, 'a string'],
  scalar: [isScalar, 'a scalar (number, bigint or boolean)'],
  array: [isArrayLike, ARRAY_LIKE_DESC],
  Dtype: [isDtype, 'a Dtype such as mx.float32'],
  DtypeCategory: [isDtypeCategory, 'a DtypeCategory such as mx.floating'],
  Stream: [isStream, 'a Stream'],
  Device: [isDevice, 'a Device such as mx.cpu'],
  DeviceType: [isDevice, 'a Device such as mx.cpu'],
  StreamOrDevice: [isStreamOrDevice, 'a Stream, a Device (such as mx.cpu) or null'],
  Callable: [isFunction, 'a function'],
  dict: [isDict, 'an object'],
  list: [isJsArray, 'an Array'],
  tuple: [isJsArray, 'an Array'],
  Sequence: [(x) => isArrayJs(x) || isTypedArray(x), 'an Array or TypedArray'],
};

const PLURAL = {
  'an integer': 'integers', 'a number': 'numbers', 'a boolean': 'booleans', 'a string': 'strings',
  [ARRAY_LIKE_DESC]: 'array-likes', 'a Dtype such as mx.float32': 'Dtypes',
};

// Member annotation -> [test, desc] or null when unknown.
function compileMember(t) {
  if (hasOwn.call(SIMPLE, t)) return SIMPLE[t];
  let m = /^(Sequence|list|tuple)\[(.*)\]$/.exec(t);
  if (m) {
    const args = splitTop(m[2], ',');
    if (m[1] === 'tuple' && args.length > 1 && args[args.length - 1] !== '...') {
      // Fixed-length tuple, e.g. tuple[int, int] (conv strides): an Array of exactly that length.
      const parts = args.map(compileUnion);
      if (parts.some((p) => p === null)) return [isJsArray, 'an Array'];
      const n = parts.length;
      const tests = parts.map((p) => p.test);
      return [(x) => {
        if (!isArrayJs(x) || x.length !== n) return false;
        for (let i = 0; i < n; i++) if (!tests[i](x[i])) return false;
        return true;
      }, `an Array of ${n} (${parts.map((p) => p.desc).join(', ')})`];
    }
    const el = compileUnion(args[0]);
    if (el === null) return [isJsArray, 'an Array'];
    const test = el.test;
    return [(x) => {
      if (!isArrayJs(x)) return false;
      for (let i = 0; i < x.length; i++) if (!test(x[i])) return false;
      return true;
    }, `an Array of ${PLURAL[el.desc] || el.desc}`];
  }
  m = /^Literal\[(.*)\]$/.exec(t);
  if (m) {
    const vals = splitTop(m[1], ',').map((v) => v.replace(/^'(.*)'$|^"(.*)"$/, '$1$2'));
    const set = new Set(vals);
    return [(x) => typeof x === 'string' && set.has(x), `one of ${vals.map((v) => `'${v}'`).join(', ')}`];
  }
  if (/^dict\[/.test(t)) return SIMPLE.dict;
  if (/^Callable\[/.test(t)) return SIMPLE.Callable;
  return null;
}

const unionCache = new Map();

// Annotation -> {test, desc, dtype} or null (accept anything).
function compileUnion(annotation) {
  if (!annotation) return null;
  if (unionCache.has(annotation)) return unionCache.get(annotation);
  const members = splitTop(annotation, '|');
  const compiled = [];
  let result = null;
  let known = true;
  for (const mem of members) {
    const c = compileMember(mem);
    if (c === null) { known = false; break; }
    compiled.push(c);
  }
  if (known) {
    // Drop members another member already covers (array-like covers scalars, float covers int).
    const has = (name) => members.includes(name);
    const kept = compiled.filter((c, k) => !((members[k] === 'scalar' || members[k] === 'int' || members[k] === 'bool') && has('array'))
      && !(members[k] === 'int' && has('float')));
    const tests = kept.map((c) => c[0]);
    // array-like already covers scalars: drop the scalar text to keep messages short.
    let descs = compiled.map((c) => c[1]);
    if (descs.includes(ARRAY_LIKE_DESC)) descs = descs.filter((d) => !d.startsWith('a scalar'));
    if (descs.includes('a number')) descs = descs.filter((d) => d !== 'an integer');
    if (descs.length > 1) descs = descs.filter((d) => d !== 'null').concat(descs.includes('null') ? ['null'] : []);
    const desc = descs.length === 1 ? descs[0]
      : descs.slice(0, -1).join(', ') + ' or ' + descs[descs.length - 1];
    let test;
    if (tests.length === 1) test = tests[0];
    else if (tests.length === 2) { const [a, b] = tests; test = (x) => a(x) || b(x); }
    else if (tests.length === 3) { const [a, b, c] = tests; test = (x) => a(x) || b(x) || c(x); }
    else test = (x) => { for (let i = 0; i < tests.length; i++) if (tests[i](x)) return true; return false; };
    result = { test, desc, dtype: members.includes('Dtype') && !members.includes('str') };
  }
  unionCache.set(annotation, result);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Binding.

function signature(qualname) {
  if (typeof qualname !== 'string' || !hasOwn.call(TABLE, qualname)) {
    throw new TypeError(`[args] unknown function '${qualname}'`);
  }
  return TABLE[qualname];
}

function names() {
  return Object.keys(TABLE);
}

const isMarker = (d) => d !== null && typeof d === 'object' && typeof d.py === 'string' && getProto(d) === OBJ_PROTO;

function formatParam(p) {
  if (p.kind === 'var') return `*${p.name}`;
  if (p.kind === 'varkw') return `**${p.name}`;
  if (!p.hasDef) return p.name;
  const d = p.def;
  const text = d === undefined ? 'None' : d === true ? 'True' : d === false ? 'False'
    : typeof d === 'string' ? `'${d}'` : isMarker(d) ? d.py : String(d);
  return `${p.name}=${text}`;
}

// Python-style text of one overload, e.g. "sum(array, axis=None, keepdims=False, *, stream=None)".
function formatSignature(qualname, overload) {
  const parts = [];
  const ps = overload.params;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    if (p.kind === 'kw' && (i === 0 || (ps[i - 1].kind !== 'kw' && ps[i - 1].kind !== 'var'))) parts.push('*');
    parts.push(formatParam(p));
    if (p.kind === 'pos' && (i + 1 === ps.length || ps[i + 1].kind !== 'pos')) parts.push('/');
  }
  return `${qualname}(${parts.join(', ')})`;
}

// The failure of the last parse attempt is recorded, not thrown, so overload selection needs no
// try/catch; the message text is only built when an error is really raised.
// level 1 = type error (arity and names matched), 0 = arity/name error.
const E_TOO_MANY = 0;
const E_MISSING = 1;
const E_UNKNOWN = 2;
const E_POS_ONLY = 3;
const E_MULTIPLE = 4;
const E_TYPE = 5;
const E_VAR_TYPE = 6;

const err = { level: 0, code: 0, spec: null, idx: 0, val: undefined, sub: 0 };

function fail(code, S, idx, val, sub) {
  err.level = code >= E_TYPE ? 1 : 0;
  err.code = code;
  err.spec = S;
  err.idx = idx;
  err.val = val;
  err.sub = sub;
  return null;
}

function errText(e) {
  const S = e.spec;
  const p = S.params[e.idx];
  switch (e.code) {
    case E_TOO_MANY: {
      const count = S.nPositional === 1 ? '1 positional argument' : `${S.nPositional} positional arguments`;
      return `takes ${S.optionalPos ? 'at most ' : ''}${count} (${e.val} given)`;
    }
    case E_MISSING: return `missing required ${p.kind === 'kw' ? 'keyword ' : ''}argument '${p.name}'`;
    case E_UNKNOWN: return `unknown keyword argument '${e.val}'`;
    case E_POS_ONLY: return `argument '${p.name}' is positional-only and cannot be passed by name`;
    case E_MULTIPLE: return `got multiple values for argument '${p.name}'`;
    case E_TYPE: return typeText(p.name, S.checks[e.idx], e.val);
    case E_VAR_TYPE: return typeText(`${p.name}[${e.sub}]`, S.checks[e.idx], e.val);
    default: return 'invalid arguments';
  }
}

function typeText(name, spec, x) {
  let msg = `argument '${name}' must be ${spec.desc}, got ${describe(x)}`;
  if (spec.dtype && typeof x === 'string') msg += ' (dtypes are objects such as mx.float32, not strings)';
  return msg;
}

// Exact plain-object test: the trailing argument is the keyword object iff this holds.
// A plain object that is a keyword object: not a complex scalar {re, im} (how mlxjs writes
// Python's complex numbers), which is a value wherever it stands.
function isPlainExact(x) {
  const p = getProto(x);
  if (p !== OBJ_PROTO && p !== null) return false;
  return !(typeof x.re === 'number' && typeof x.im === 'number' && Object.keys(x).length === 2);
}

// Everything both parsers need about one overload, computed once at bind time.
// **kwargs keys become own properties, '__proto__' included (plain assignment would set the
// object's prototype instead).
function setOwn(obj, key, x) {
  if (key === '__proto__') Object.defineProperty(obj, key, { value: x, enumerable: true, writable: true, configurable: true });
  else obj[key] = x;
}

function compileSpec(qualname, overload, options) {
  const params = overload.params;
  const np = params.length;
  const userDefaults = options.defaults || null;
  const checkTypes = options.checkTypes !== false;
  const S = {
    qualname, params, np, nPositional: 0, varIdx: -1, varkwIdx: -1, acceptsKw: false,
    byName: new Map(), defs: new Array(np), hasDef: new Array(np), checks: new Array(np),
    tests: new Array(np), markers: [], markerDefs: [], epoch: -1, setOwn,
  };
  for (let i = 0; i < np; i++) {
    const p = params[i];
    if (p.kind === 'pos' || p.kind === 'posk') {
      if (S.nPositional !== i) throw new Error(`[args] ${qualname}: positional parameter '${p.name}' after a keyword-only one`);
      S.nPositional++;
    }
    if (p.kind === 'var') S.varIdx = i;
    if (p.kind === 'varkw') S.varkwIdx = i;
    if (p.kind === 'posk' || p.kind === 'kw' || p.kind === 'varkw') S.acceptsKw = true;
    if (p.kind !== 'var' && p.kind !== 'varkw') S.byName.set(p.name, i);
    let d = p.def;
    let hd = p.hasDef;
    if (userDefaults !== null && hasOwn.call(userDefaults, p.name)) { d = userDefaults[p.name]; hd = true; }
    S.defs[i] = d;
    S.hasDef[i] = hd;
    if (hd && isMarker(d)) { S.markers.push(i); S.markerDefs.push(d); }
    S.checks[i] = checkTypes ? compileUnion(p.type) : null;
    S.tests[i] = S.checks[i] === null ? null : S.checks[i].test;
  }
  S.hasMarkers = S.markers.length > 0;
  S.maxPos = S.varIdx >= 0 ? Infinity : S.nPositional;
  // A **kwargs object may hold any key, even 'constructor': never trust the cheap filter there.
  S.exactPlain = S.varkwIdx >= 0;
  S.varTest = S.varIdx >= 0 ? S.tests[S.varIdx] : null;
  S.optionalPos = params.some((p, i) => i < S.nPositional && p.hasDef);

  // {py} default markers resolve through the resolveDefault hook, again after each setHooks.
  S.resolveMarkers = () => {
    S.epoch = EPOCH.v;
    for (let k = 0; k < S.markers.length; k++) {
      const i = S.markers[k];
      const m = S.markerDefs[k];
      S.defs[i] = resolveDefaultH !== null ? resolveDefaultH(m, params[i], qualname) : m;
    }
  };
  // Checks the *args values; false (with the error recorded) on the first bad one.
  S.checkVar = (rest) => {
    const t = S.varTest;
    for (let j = 0; j < rest.length; j++) {
      if (!t(rest[j])) { fail(E_VAR_TYPE, S, S.varIdx, rest[j], j); return false; }
    }
    return true;
  };
  S.fail = (code, idx, val) => fail(code, S, idx, val, 0);
  // Too many positionals: given the count, or the args (whose last may be a keyword object that
  // the fast path did not look at because it sat beyond the last positional slot).
  S.tooMany = (a) => fail(E_TOO_MANY, S, 0,
    typeof a === 'number' ? a : a.length - (S.acceptsKw && isPlainObject(a[a.length - 1]) ? 1 : 0), 0);
  // Applies the keyword object to vals (m = positional slots filled); null on error.
  S.applyKw = (vals, kw, m) => {
    let extra = null;
    for (const key in kw) {
      const x = kw[key];
      const i = S.byName.get(key);
      if (i === undefined || (params[i].kind === 'pos' && S.varkwIdx >= 0)) {
        // Python routes the names of positional-only params to **kwargs when there is one.
        if (S.varkwIdx < 0) return fail(E_UNKNOWN, S, 0, key, 0);
        if (x === undefined) continue;
        if (extra === null) extra = {};
        setOwn(extra, key, x);
        continue;
      }
      if (x === undefined) continue; // a known key set to undefined counts as not given
      if (params[i].kind === 'pos') return fail(E_POS_ONLY, S, i, x, 0);
      if (i < m) return fail(E_MULTIPLE, S, i, x, 0);
      vals[i] = x;
    }
    if (S.varkwIdx >= 0) vals[S.varkwIdx] = extra === null ? {} : extra;
    return vals;
  };
  return S;
}

// Generic parser: args -> values array (one per param) or null with the error recorded.
// Used where code generation is off or unavailable; codegen() emits the same logic unrolled.
function genericParser(S) {
  const { np, nPositional, varIdx, varkwIdx, acceptsKw, exactPlain, maxPos, defs, hasDef, tests } = S;
  return function parse(args) {
    if (S.hasMarkers && S.epoch !== EPOCH.v) S.resolveMarkers();
    let n = args.length;
    let kw;
    if (acceptsKw && n !== 0) {
      const last = args[n - 1];
      // `.constructor` is a cheap filter (Object.getPrototypeOf is a slow builtin call in V8);
      // the prototype test then decides.
      if (typeof last === 'object' && last !== null) {
        const c = exactPlain ? Object : last.constructor;
        if ((c === Object || c === undefined) && isPlainExact(last)) { kw = last; n--; }
      }
    }
    if (n > maxPos) return S.tooMany(n);
    const vals = new Array(np);
    const m = n < nPositional ? n : nPositional;
    for (let i = 0; i < m; i++) vals[i] = args[i];
    if (varIdx >= 0) {
      const rest = n > nPositional ? args.slice(nPositional, n) : [];
      if (S.varTest !== null && !S.checkVar(rest)) return null;
      vals[varIdx] = rest;
    }
    if (kw !== undefined) {
      if (S.applyKw(vals, kw, m) === null) return null;
    } else if (varkwIdx >= 0) {
      vals[varkwIdx] = {};
    }
    for (let i = 0; i < np; i++) {
      if (i === varIdx || i === varkwIdx) continue;
      const x = vals[i];
      if (x === undefined) {
        if (!hasDef[i]) return fail(E_MISSING, S, i, undefined, 0);
        vals[i] = defs[i];
      } else {
        const t = tests[i];
        if (t !== null && !t(x)) return fail(E_TYPE, S, i, x, 0);
        if (x === null) vals[i] = undefined; // Python None reaches impl as undefined
      }
    }
    return vals;
  };
}

// Code generation: one specialised function per bound overload, so that each op gets its own
// V8 feedback (monomorphic impl and check calls), no values array and no Map lookups.
// mode 'bound': a small positional-only function (small enough for V8 to inline into callers,
// which then drops the rest array) that hands a call with a keyword object to a second
// function; both call impl and throw. mode 'parse': takes the args array, returns the values
// array or null. Only table data reaches the source, and names only as JSON string literals.
function codegen(S, mode, impl, raise, tail) {
  const { np, acceptsKw, exactPlain } = S;
  const fname = S.qualname.replace(/[^A-Za-z0-9_]/g, '_');
  const P = S.nPositional;
  const noVar = S.varIdx < 0;
  // The last argument, read at a constant index where possible: a variable index into the rest
  // array would keep V8 from dropping that array after inlining.
  const lastExpr = noVar && mode === 'bound'
    ? Array.from({ length: P + 1 }, (_, k) => `n === ${k + 1} ? args[${k}] : `).join('') + 'undefined'
    : 'n !== 0 ? args[n - 1] : undefined';
  // `.constructor` is a cheap filter (Object.getPrototypeOf is a slow builtin call in V8);
  // under **kwargs any key may be present, 'constructor' included, so only the exact test.
  const plainTest = exactPlain ? 'isPlain(last)'
    : '(last.constructor === Object || last.constructor === undefined) && isPlain(last)';
  const detect = (onKw) => [
    `  const last = ${lastExpr};`,
    `  if (typeof last === 'object' && last !== null && ${plainTest}) { ${onKw} }`,
  ];
  const L = [];
  if (mode === 'bound') {
    // Without *args the keyword path gets the positionals one by one, for the same reason.
    const recv = noVar ? Array.from({ length: P }, (_, i) => `a${i}`) : ['args'];
    const pass = noVar ? Array.from({ length: P }, (_, i) => `args[${i}]`) : ['args'];
    if (acceptsKw) {
      L.push(`const full = function full_${fname}(n, kw${recv.map((r) => ', ' + r).join('')}) {`);
      L.push(...emitBody(S, mode, true, noVar ? (i) => `a${i}` : (i) => `args[${i}]`));
      L.push('};');
    }
    L.push(`return function bound_${fname}(...args) {`);
    if (S.hasMarkers) L.push('  if (S.epoch !== E.v) S.resolveMarkers();');
    L.push('  const n = args.length;');
    if (acceptsKw) L.push(...detect(`return full.call(this, n - 1, last${pass.map((r) => ', ' + r).join('')});`));
    L.push(...emitBody(S, mode, false, (i) => `args[${i}]`));
    L.push('};');
  } else {
    L.push(`return function parse_${fname}(args) {`);
    if (S.hasMarkers) L.push('  if (S.epoch !== E.v) S.resolveMarkers();');
    L.push('  let n = args.length;');
    L.push('  let kw;');
    if (acceptsKw) L.push(...detect('kw = last; n--;'));
    L.push(...emitBody(S, mode, acceptsKw, (i) => `args[${i}]`, tail));
    L.push('};');
  }
  const T = [];
  for (let i = 0; i < np; i++) if (S.tests[i] !== null && i !== S.varIdx && i !== S.varkwIdx) T.push(i);
  const argNames = ['S', 'E', 'D', 'impl', 'isPlain', 'R', ...T.map((i) => `T${i}`)];
  const factory = new Function(...argNames, '\'use strict\';\n' + L.join('\n'));
  return factory(S, EPOCH, S.defs, impl, isPlainExact, raise, ...T.map((i) => S.tests[i]));
}

// The statements after `args` and `n` (and `kw` when withKw) are known: bind, check, finish.
function emitBody(S, mode, withKw, argAt, tail) {
  const { np, nPositional: P, varIdx, varkwIdx, params } = S;
  const FAIL = mode === 'bound' ? 'throw R();' : 'return null;';
  const v = (i) => `v${i}`;
  const all = Array.from({ length: np }, (_, i) => v(i)).join(', ');
  const L = [];
  if (varIdx < 0) L.push(`  if (n > ${P}) { S.tooMany(${withKw ? 'n' : 'args'}); ${FAIL} }`);
  for (let i = 0; i < np; i++) {
    L.push(i < P ? `  let ${v(i)} = n > ${i} ? ${argAt(i)} : undefined;` : `  let ${v(i)};`);
  }
  if (varIdx >= 0) {
    L.push(`  ${v(varIdx)} = n > ${P} ? args.slice(${P}, n) : [];`);
    if (S.varTest !== null) L.push(`  if (!S.checkVar(${v(varIdx)})) ${FAIL}`);
  }
  if (withKw) {
    L.push('  if (kw !== undefined) {');
    if (P > 0) L.push(`    const m = n < ${P} ? n : ${P};`);
    if (varkwIdx >= 0) L.push('    let extra = null;');
    L.push('    for (const key in kw) {');
    L.push('      const x = kw[key];');
    L.push('      switch (key) {');
    for (let i = 0; i < np; i++) {
      const p = params[i];
      if (p.kind === 'var' || p.kind === 'varkw') continue;
      if (p.kind === 'pos' && varkwIdx >= 0) continue; // goes to **kwargs, as in Python
      const body = p.kind === 'pos'
        ? `if (x !== undefined) { S.fail(${E_POS_ONLY}, ${i}, x); ${FAIL} }`
        : (i < P ? `if (x !== undefined) { if (${i} < m) { S.fail(${E_MULTIPLE}, ${i}, x); ${FAIL} } ${v(i)} = x; }`
          : `if (x !== undefined) ${v(i)} = x;`);
      L.push(`        case ${JSON.stringify(p.name)}: ${body} continue;`);
    }
    L.push(varkwIdx >= 0
      ? '        default: if (x !== undefined) { if (extra === null) extra = {}; S.setOwn(extra, key, x); }'
      : `        default: { S.fail(${E_UNKNOWN}, 0, key); ${FAIL} }`);
    L.push('      }');
    L.push('    }');
    if (varkwIdx >= 0) L.push(`    ${v(varkwIdx)} = extra === null ? {} : extra;`);
    L.push('  }');
    if (varkwIdx >= 0) L.push(`  else ${v(varkwIdx)} = {};`);
  } else if (varkwIdx >= 0) {
    L.push(`  ${v(varkwIdx)} = {};`);
  }
  for (let i = 0; i < np; i++) {
    if (i === varIdx || i === varkwIdx) continue;
    const x = v(i);
    const given = [];
    if (S.tests[i] !== null) given.push(`if (!T${i}(${x})) { S.fail(${E_TYPE}, ${i}, ${x}); ${FAIL} }`);
    given.push(`if (${x} === null) ${x} = undefined;`);
    const absent = S.hasDef[i] ? `${x} = D[${i}];` : `{ S.fail(${E_MISSING}, ${i}); ${FAIL} }`;
    // Without a keyword object a keyword-only param cannot have been given.
    if (!withKw && i >= P) L.push(`  ${absent}`);
    else L.push(`  if (${x} === undefined) ${absent} else { ${given.join(' ')} }`);
  }
  L.push(mode === 'bound' ? `  return impl.call(this${np ? ', ' : ''}${all});`
    : `  return [${[all, ...(tail || [])].filter((t) => t !== '').join(', ')}];`);
  return L;
}

// Whether new Function works here (node --disallow-code-generation-from-strings turns it off).
let codegenAvailable = process.env.MLXJS_ARGS_CODEGEN !== '0';
if (codegenAvailable) {
  try { codegenAvailable = new Function('return 1')() === 1; } catch (_) { codegenAvailable = false; }
}

function makeError(qualname, overloads, e, bound) {
  let msg = errText(e);
  if (overloads.length > 1) {
    msg += '; overloads: ' + overloads.map((o) => formatSignature(qualname, o)).join(' | ');
  }
  const error = parseError(qualname, msg);
  if (Error.captureStackTrace) Error.captureStackTrace(error, bound);
  return error;
}

// Calls impl with the values spread, without a spread for the common small arities.
function callImpl(impl, self, v) {
  switch (v.length) {
    case 0: return impl.call(self);
    case 1: return impl.call(self, v[0]);
    case 2: return impl.call(self, v[0], v[1]);
    case 3: return impl.call(self, v[0], v[1], v[2]);
    case 4: return impl.call(self, v[0], v[1], v[2], v[3]);
    case 5: return impl.call(self, v[0], v[1], v[2], v[3], v[4]);
    case 6: return impl.call(self, v[0], v[1], v[2], v[3], v[4], v[5]);
    default: return impl.apply(self, v);
  }
}

// bind(qualname, impl, options?) -> f(...args) that parses args per the table and calls
// impl(...values) with `this` forwarded (so array methods can be bound too).
// options: {defaults: {param: value}} overrides table defaults; {checkTypes: false} skips the
// annotation checks; {name} changes the [prefix] of errors; {codegen: false} forces the generic
// parser (same behaviour, slower).
function bind(qualname, impl, options) {
  const overloads = signature(qualname);
  if (typeof impl !== 'function') throw new TypeError(`[args] bind('${qualname}'): impl must be a function`);
  const opts = options || {};
  const display = opts.name || qualname; // the [prefix] of error messages
  const specs = overloads.map((o) => compileSpec(display, o, opts));
  const useCodegen = codegenAvailable && opts.codegen !== false;

  let bound;
  const raise = () => makeError(display, overloads, err, bound);
  if (specs.length === 1) {
    if (useCodegen) {
      bound = codegen(specs[0], 'bound', impl, raise);
    } else {
      const parse = genericParser(specs[0]);
      bound = function (...args) {
        const v = parse(args);
        if (v === null) throw raise();
        return callImpl(impl, this, v);
      };
    }
  } else {
    // Values are padded to the longest overload so the index always sits at the same place.
    const width = Math.max(...specs.map((S) => S.np));
    const parsers = specs.map((S, k) => {
      if (useCodegen) {
        const tail = [...Array(width - S.np).fill('undefined'), String(k)];
        return codegen(S, 'parse', null, null, tail);
      }
      const parse = genericParser(S);
      return (args) => {
        const v = parse(args);
        if (v === null) return null;
        while (v.length < width) v.push(undefined);
        v.push(k);
        return v;
      };
    });
    const count = parsers.length;
    const best = { level: 0, code: 0, spec: null, idx: 0, val: undefined, sub: 0 };
    bound = function (...args) {
      let bestLevel = -1;
      for (let k = 0; k < count; k++) {
        const v = parsers[k](args);
        if (v !== null) return callImpl(impl, this, v);
        // Report the overload that got furthest: a type error beats an arity error.
        if (err.level > bestLevel) {
          bestLevel = err.level;
          best.level = err.level; best.code = err.code; best.spec = err.spec;
          best.idx = err.idx; best.val = err.val; best.sub = err.sub;
        }
      }
      throw makeError(display, overloads, best, bound);
    };
  }
  Object.defineProperty(bound, 'name', { value: qualname.slice(qualname.lastIndexOf('.') + 1) });
  return bound;
}

// An integer argument (a Number or a bigint) as a Number: a TypeError naming the function and
// the argument otherwise.
function intArg(v, fn, name) {
  const x = typeof v === 'bigint' ? Number(v) : v;
  if (!Number.isInteger(x)) throw new TypeError(`[${fn}] argument '${name}' must be an integer, got ${describe(v)}`);
  return x;
}
// The same, for an engine parameter that is a C++ int: a RangeError outside int32.
function int32Arg(v, fn, name) {
  const x = intArg(v, fn, name);
  if (x < -2147483648 || x > 2147483647) throw new RangeError(`[${fn}] argument '${name}' = ${v} is out of range.`);
  return x;
}

module.exports = {
  setHooks,
  intArg,
  int32Arg,
  signature,
  names,
  bind,
  describe,
  parseError,
  formatSignature,
  isPlainObject,
  splitTop,
  table: TABLE,
};
