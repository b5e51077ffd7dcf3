#!/usr/bin/env node
'use strict';
// Generates the TypeScript declarations (core.d.ts, index.d.ts) from the signature table
// (lib/args.js's table: lib/generated/api_table.js plus lib/extra_signatures.js) for the names
// listed in lib/implemented.js.
//
// Each Python overload becomes TS overloads: k positionals (k from the required positional-only
// count up to every positional slot), then an options object with every keyword-capable
// parameter not already given positionally (required keys where Python has no default).
//
// Usage: node tools/gen_dts.js [--check]   (--check: exit 1 if the committed files are stale)

const fs = require('fs');
const path = require('path');
const { table, formatSignature } = require('../lib/args');
const implemented = require('../lib/implemented');

const ROOT = path.resolve(__dirname, '..');
const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

// ---------------------------------------------------------------------------------------------
// Python annotation -> TS type.

// Splits an annotation at top-level separators (the grammar's own parser).
const { splitTop } = require('../lib/args');

const NAMED = new Set(['Dtype', 'DtypeCategory', 'Stream', 'Device', 'DeviceType', 'StreamContext', 'StreamOrDevice',
  'PrintOptions', '_PrintOptionsContext']);
const wrap = (t) => (/[|=]/.test(t) || t.startsWith('readonly ') ? `(${t})` : t);

// where: 'param' (what a caller may pass) or 'ret' (what comes back).
function tsType(ann, where) {
  if (!ann) return 'unknown';
  const members = splitTop(ann, '|');
  if (where === 'ret' && members.length === 1 && members[0] === 'None') return 'void';
  let out = [];
  for (const m of members) for (const t of tsMember(m, where)) if (!out.includes(t)) out.push(t);
  if (out.includes('unknown')) return where === 'ret' ? 'any' : 'unknown';
  // ArrayLike already holds the scalars; Scalar holds number, bigint and boolean.
  if (out.includes('ArrayLike')) out = out.filter((t) => !['Scalar', 'number', 'bigint', 'boolean'].includes(t));
  if (out.includes('Scalar')) out = out.filter((t) => !['number', 'bigint', 'boolean'].includes(t));
  // null last reads best.
  if (out.includes('null')) out = out.filter((t) => t !== 'null').concat('null');
  return out.join(' | ');
}

function tsMember(m, where) {
  if (m === 'None') return ['null'];
  if (m === 'int' || m === 'float') return ['number'];
  if (m === 'bool') return ['boolean'];
  if (m === 'str') return ['string'];
  if (m === 'complex') return ['{ re: number; im: number }'];
  if (m === 'scalar') return ['Scalar'];
  if (m === 'array') return [where === 'param' ? 'ArrayLike' : 'array'];
  if (m === 'list_or_scalar') return ['Scalar', 'NestedList'];
  if (NAMED.has(m)) return [m];
  let x = /^(Sequence|list|tuple)\[(.*)\]$/.exec(m);
  if (x) {
    const args = splitTop(x[2], ',');
    const ro = where === 'param' ? 'readonly ' : '';
    if (x[1] === 'tuple' && args.length > 1 && args[args.length - 1] !== '...') {
      return [`${ro}[${args.map((a) => tsType(a, where)).join(', ')}]`];
    }
    return [`${ro}${wrap(tsType(args[0], where))}[]`];
  }
  if (m === 'list' || m === 'tuple' || m === 'Sequence') return [where === 'param' ? 'readonly unknown[]' : 'unknown[]'];
  x = /^dict\[(.*)\]$/.exec(m);
  if (x) return [`Record<string, ${tsType(splitTop(x[1], ',')[1] || '', where)}>`];
  if (m === 'dict') return ['Record<string, unknown>'];
  if (/^Callable\b/.test(m)) return ['(...args: any[]) => any'];
  x = /^Literal\[(.*)\]$/.exec(m);
  if (x) return splitTop(x[1], ',');
  return ['unknown'];
}

// Where JS differs from the Python annotation (or the annotation is missing).
const OVERRIDES = {
  'eval': { var: 'unknown', ret: 'void' }, // arrays or trees (Arrays, objects) of arrays
  'async_eval': { var: 'unknown', ret: 'Promise<void>' },
  'array.__init__': { params: { val: 'ArrayLike' }, ret: 'array' },
  'asarray': { params: { a: 'ArrayLike' } },
  'array.reshape': { var: 'number | readonly number[]' },
  'array.transpose': { var: 'number | readonly number[]' },
  'array.__int__': { ret: 'number | bigint' }, // bigint for int64/uint64, as item()
  'array.__eq__': { params: { other: 'unknown' } }, // false for non-array-likes, as Python
  'array.__ne__': { params: { other: 'unknown' } },
  'split': { ret: 'array[]' }, // Python's nb::sig says array; it returns a list
  // A function type in a union needs parentheses; imported functions return a list of arrays.
  'export_function': { params: { file_or_callback: 'string | ((record: any) => void)' } },
  'import_function': { ret: '((...args: any[]) => array[]) | [(...args: any[]) => array[], string]' },
  'exporter': { ret: '((...args: any[]) => void) & { close(): void; readonly closed: boolean }' },
};

const RESERVED = new Set(('break case catch class const continue debugger default delete do else enum export extends ' +
  'false finally for function if import in instanceof new null return super switch this throw true try typeof var void ' +
  'while with let static yield implements interface package private protected public eval arguments').split(' '));
// Unnamed Python parameters ('<pos0>' in the table) get a valid name.
const ident = (n) => (RESERVED.has(n) ? `${n}_` : n.replace(/^<pos(\d+)>$/, 'arg$1'));
const key = (n) => (/^[A-Za-z_$][\w$]*$/.test(n) ? n : JSON.stringify(n));

// One Python overload -> TS signatures '(params): ret'.
function signatures(qual, ov) {
  const o = OVERRIDES[qual] || {};
  const ps = ov.params;
  const ptype = (p) => {
    let t = (o.params && o.params[p.name]) || tsType(p.type, 'param');
    // A None default means null is accepted even where the annotation forgot `| None`.
    if (p.hasDef && p.def === undefined && t !== 'unknown' && !/\b(null|StreamOrDevice)\b/.test(t)) t += ' | null';
    return t;
  };
  const ret = o.ret || tsType(ov.ret, 'ret');
  const P = ps.findIndex((p) => p.kind !== 'pos' && p.kind !== 'posk');
  const nPos = P < 0 ? ps.length : P;
  const varP = ps.find((p) => p.kind === 'var');
  const hasVarkw = ps.some((p) => p.kind === 'varkw');
  const kwCapable = ps.some((p) => p.kind === 'posk' || p.kind === 'kw') || hasVarkw;

  // Options type for the keyword-capable params from index `from` on.
  const options = (from) => {
    const fields = [];
    let required = false;
    ps.forEach((p, i) => {
      if (i < from || (p.kind !== 'posk' && p.kind !== 'kw')) return;
      if (!p.hasDef) required = true;
      fields.push(`${key(p.name)}${p.hasDef ? '?' : ''}: ${ptype(p)}`);
    });
    if (hasVarkw) fields.push('[key: string]: unknown');
    if (fields.length === 0) return null;
    return { text: `{ ${fields.join('; ')} }`, required };
  };
  const posParam = (p) => `${ident(p.name)}: ${ptype(p)}`;

  if (varP) {
    const pre = ps.slice(0, nPos).map(posParam);
    const varT = o.var || (varP.type ? tsType(varP.type, 'param') : 'unknown');
    const rest = `...${ident(varP.name)}: ${wrap(varT)}[]`;
    const opt = options(nPos + 1);
    const out = [];
    if (!opt || !opt.required) out.push(`(${[...pre, rest].join(', ')}): ${ret}`);
    if (opt) out.push(`(...args: [${[...pre, rest, `options: ${opt.text}`].join(', ')}]): ${ret}`);
    return out;
  }
  if (!kwCapable) {
    return [`(${ps.map((p) => `${ident(p.name)}${p.hasDef ? '?' : ''}: ${ptype(p)}`).join(', ')}): ${ret}`];
  }
  // Positional-only params without a default must be given positionally.
  let kmin = 0;
  ps.forEach((p, i) => { if (p.kind === 'pos' && !p.hasDef) kmin = i + 1; });
  const out = [];
  for (let k = kmin; k <= nPos; k++) {
    const pos = ps.slice(0, k).map(posParam);
    const opt = options(k);
    if (opt) pos.push(`options${opt.required ? '' : '?'}: ${opt.text}`);
    out.push(`(${pos.join(', ')}): ${ret}`);
  }
  return out;
}

function doc(qual, pyName, ind) {
  const sigs = table[qual].map((ov) => formatSignature(pyName, ov));
  const alias = table[qual][0].alias_of ? ` (alias of ${table[qual][0].alias_of})` : '';
  return `${ind}/** Python: \`${sigs.join('`, `')}\`${alias} */`;
}

// ---------------------------------------------------------------------------------------------
// The static part: types, classes and constants that are not table functions.

const DTYPES = ['bool_', 'uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64',
  'float16', 'float32', 'float64', 'bfloat16', 'complex64'];
const CATEGORIES = ['generic', 'number', 'integer', 'signedinteger', 'unsignedinteger', 'inexact',
  'floating', 'complexfloating'];

const HEADER = `/// <reference lib="esnext.disposable" />
// Generated by tools/gen_dts.js from the signature table and lib/implemented.js.
// Do not edit by hand; rerun \`node tools/gen_dts.js\`.

/** A JS value that acts as a Python scalar: number (int if integral, else float), bigint, boolean. */
export type Scalar = number | bigint | boolean;
export type TypedArray =
  | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint8ClampedArray | Uint16Array | Uint32Array | BigUint64Array
  | Float32Array | Float64Array;
/** Nested JS Arrays of scalars and arrays, as Python's nested lists. */
export interface NestedArray extends ReadonlyArray<Scalar | array | NestedArray> {}
/** What the engine converts to an array where Python takes \`array\`. */
export type ArrayLike = array | Scalar | NestedArray | TypedArray;
/** One component of an index (lib/indexing.js): an integer, a slice ('1:3', '::-1' or
 *  {start, stop, step}), '...', null (newaxis), an integer index array or a boolean mask. */
export type IndexComponent = number | bigint | boolean | string | null |
  { start?: number | bigint | null; stop?: number | bigint | null; step?: number | bigint | null } |
  array | NestedArray | TypedArray;
/** The result of \`tolist()\`: nested Arrays of numbers, bigints (64-bit ints), booleans, complex. */
export type NestedList = Array<number | bigint | boolean | { re: number; im: number } | NestedList>;
/** Python's \`StreamOrDevice\`: a Stream, a Device, mx.cpu / mx.gpu, or null for the default. */
export type StreamOrDevice = Stream | Device | DeviceType | null;

export declare class Dtype {
  private constructor();
  /** Size of one element in bytes. */
  readonly size: number;
  toString(): string;
  __hash__(): number;
}
export declare class DtypeCategory {
  private constructor();
  readonly name: string;
  readonly value: number;
  toString(): string;
}
export declare class DeviceType {
  private constructor();
  readonly value: number;
  readonly name: 'cpu' | 'gpu';
  static readonly cpu: DeviceType;
  static readonly gpu: DeviceType;
}
export declare class Device {
  constructor(type: DeviceType, index?: number);
  readonly type: DeviceType;
  readonly index: number;
  equals(other: unknown): boolean;
  toString(): string;
}
export declare class Stream {
  private constructor();
  readonly index: number;
  readonly device: Device;
  equals(other: unknown): boolean;
  toString(): string;
}
/** Python's \`with mx.stream(s):\` is \`mx.stream(s).run(() => ...)\` (or \`using\`). */
export declare class StreamContext {
  constructor(s: StreamOrDevice);
  __enter__(): this;
  __exit__(): void;
  run<T>(fn: () => T): T;
  [Symbol.dispose](): void;
}
`;

const CLASSES = {
  PrintOptions: `/** MLX's print options; call it with or without \`new\`. */
export declare class PrintOptions {
  constructor(precision?: number);
  /** Decimals of printed floats; -1 (the default) prints 6 significant digits. */
  precision: number;
  toString(): string;
}
`,
  _PrintOptionsContext: `/** Python's \`with mx.printoptions(p):\` is \`mx.printoptions(p).run(() => ...)\` (or \`using\`). */
export declare class _PrintOptionsContext {
  constructor(options: PrintOptions);
  __enter__(): this;
  __exit__(): void;
  run<T>(fn: () => T): T;
  [Symbol.dispose](): void;
}
`,
  finfo: `export declare class finfo {
  constructor(dtype: Dtype);
  readonly bits: number;
  readonly min: number;
  readonly max: number;
  readonly eps: number;
  readonly smallest_normal: number;
  readonly dtype: Dtype;
  toString(): string;
}
`,
  custom_function: `/** Python's \`@mx.custom_function\`: \`mx.custom_function(f)\` (with or without \`new\`) behaves as f;
 * .vjp(fn), .jvp(fn) and .vmap(fn) set its transforms and return it. */
export interface custom_function {
  (...args: any[]): any;
  /** fn(primals, cotangents, outputs) returns the cotangents of the primals. */
  vjp(fn: (primals: any, cotangents: any, outputs: any) => any): custom_function;
  /** fn(primals, tangents) returns the tangents of the outputs (tangents is null where absent). */
  jvp(fn: (primals: any, tangents: any) => any): custom_function;
  /** fn(inputs, axes) returns [outputs, out_axes] (axes is null for unbatched inputs). */
  vmap(fn: (inputs: any, axes: any) => [any, any]): custom_function;
}
export declare const custom_function: {
  (f: (...args: any[]) => any): custom_function;
  new (f: (...args: any[]) => any): custom_function;
  readonly prototype: custom_function;
};
`,
  iinfo: `export declare class iinfo {
  constructor(dtype: Dtype);
  /** bigint for 64-bit types. */
  readonly min: number | bigint;
  readonly max: number | bigint;
  readonly dtype: Dtype;
  toString(): string;
}
`,
};

// mlx.utils (lib/utils.js): the tree functions; a trailing plain object whose keys are all
// keyword names is read as keywords.
const UTILS = `/** mlx.utils: trees are Arrays and plain objects; key paths are dotted ('layers.0.weight'). */
export declare namespace utils {
  type Tree = any;
  function tree_flatten(tree: Tree, prefix?: string, is_leaf?: ((x: any) => boolean) | null, destination?: Array<[string, any]> | Record<string, any> | null): any;
  function tree_flatten(tree: Tree, options: { prefix?: string; is_leaf?: ((x: any) => boolean) | null; destination?: Array<[string, any]> | Record<string, any> | null }): any;
  function tree_unflatten(tree: ReadonlyArray<readonly [string, any]> | Record<string, any>): Tree;
  function tree_map(fn: (...leaves: any[]) => any, tree: Tree, ...rest: any[]): Tree;
  function tree_map_with_path(fn: (path: string | null, ...leaves: any[]) => any, tree: Tree, ...rest: any[]): Tree;
  function tree_reduce(fn: (acc: any, leaf: any) => any, tree: Tree, initializer?: any, is_leaf?: ((x: any) => boolean) | null): any;
  function tree_merge(tree_a: Tree, tree_b: Tree, merge_fn?: ((a: any, b: any) => any) | null): Tree;
}`;

// Members of a submodule that are not table functions, declared with its functions.
const NAMESPACE_EXTRAS = {
  random: ['/** Python\'s `mx.random.state`: a one-element Array holding the current key. */', 'const state: array[];'],
  distributed: ['/** A group of processes (here always the singleton group: rank 0, size 1). */',
    'class Group { rank(): number; size(): number; split(color: number, key?: number): Group; }'],
};

const PROPERTIES = {
  shape: 'readonly shape: number[];',
  dtype: 'readonly dtype: Dtype;',
  ndim: 'readonly ndim: number;',
  size: 'readonly size: number;',
  itemsize: 'readonly itemsize: number;',
  nbytes: 'readonly nbytes: number;',
  T: '/** The transpose (Python\'s `a.T`). */\n  readonly T: array;',
  real: '/** The real part (float32 for complex64; the array itself otherwise). */\n  readonly real: array;',
  imag: '/** The imaginary part (float32 for complex64; zeros otherwise). */\n  readonly imag: array;',
};
const EXTRAS = {
  toString: 'toString(): string;',
  toTypedArray: '/** The data as a TypedArray of the matching type (evaluates). */\n  toTypedArray(): TypedArray;',
  eval: '/** Evaluates this array; returns it. */\n  eval(): this;',
  dispose: '/** Frees the array\'s memory now. */\n  dispose(): void;\n  [Symbol.dispose](): void;',
  // Python's subscripts (lib/indexing.js): a[idx], a[idx] = v, a.at[idx].add(v).
  get: '/** Python\'s `a[idx]`: one argument per index component. */\n  get(...index: IndexComponent[]): array;',
  set: '/** Python\'s `a[idx] = value` (in place; returns this): the index components, then the value. */\n  set(...indexAndValue: (IndexComponent | ArrayLike)[]): this;',
  at: '/** Python\'s `a.at[idx]`: updates that accumulate over repeated indices (new arrays). */\n  at(...index: IndexComponent[]): { add(value: ArrayLike): array; subtract(value: ArrayLike): array; multiply(value: ArrayLike): array; divide(value: ArrayLike): array; maximum(value: ArrayLike): array; minimum(value: ArrayLike): array };',
  __iter__: '/** Iterates over the first axis (`for (const row of a)`). */\n  __iter__(): IterableIterator<array>;\n  [Symbol.iterator](): IterableIterator<array>;',
};

// ---------------------------------------------------------------------------------------------

function build() {
  const L = [HEADER];
  const missing = [];

  // mx.array: interface (members) + callable/constructible value.
  L.push('export interface array {');
  for (const m of implemented.arrayMembers) {
    if (hasOwn(PROPERTIES, m)) L.push(`  ${PROPERTIES[m]}`);
    else if (hasOwn(EXTRAS, m)) L.push(`  ${EXTRAS[m]}`);
    else if (hasOwn(table, `array.${m}`)) {
      const q = `array.${m}`;
      L.push(doc(q, q, '  '));
      for (const ov of table[q]) for (const s of signatures(q, ov)) L.push(`  ${ident(m)}${s};`);
    } else missing.push(`array.${m}`);
  }
  L.push('}');
  const coreNames = implemented.core;
  if (coreNames.includes('array')) {
    L.push('export interface ArrayStatic {');
    L.push(doc('array.__init__', 'array', '  '));
    for (const ov of table['array.__init__']) {
      for (const s of signatures('array.__init__', ov)) { L.push(`  ${s};`); L.push(`  new ${s};`); }
    }
    L.push('  readonly prototype: array;');
    L.push('}');
    L.push('/** mx.array: call it (or `new` it) to make an array; `x instanceof mx.array` works. */');
    L.push('export declare const array: ArrayStatic;');
    L.push('');
  }

  for (const d of DTYPES) L.push(`export declare const ${d}: Dtype;`);
  for (const c of CATEGORIES) L.push(`export declare const ${c}: DtypeCategory;`);
  L.push('export declare const cpu: DeviceType;');
  L.push('export declare const gpu: DeviceType;');
  L.push('export declare const pi: number;');
  L.push('export declare const e: number;');
  L.push('export declare const euler_gamma: number;');
  L.push('export declare const inf: number;');
  L.push('export declare const nan: number;');
  L.push('export declare const newaxis: null;');
  L.push('export declare const __version__: string;');
  L.push('');

  // Functions, grouped by submodule ('random.normal' -> namespace random).
  const groups = new Map();
  for (const q of coreNames) {
    if (q === 'array') continue;
    if (hasOwn(CLASSES, q)) { L.push(CLASSES[q]); continue; }
    if (!hasOwn(table, q)) { missing.push(q); continue; }
    const dot = q.lastIndexOf('.');
    const ns = dot < 0 ? '' : q.slice(0, dot);
    if (!groups.has(ns)) groups.set(ns, []);
    groups.get(ns).push(q);
  }
  if (missing.length) throw new Error(`gen_dts: no signature for ${missing.join(', ')}`);
  const reexports = [];
  for (const [ns, qs] of groups) {
    const ind = ns ? '  ' : '';
    if (ns) L.push(`export declare namespace ${ns} {`);
    for (const q of qs) {
      const name = q.slice(q.lastIndexOf('.') + 1);
      // `eval` cannot be declared under its own name in a module: declare, then export as.
      const local = RESERVED.has(name) ? `_${name}` : name;
      const prefix = ns ? 'function' : (local === name ? 'export declare function' : 'declare function');
      if (local !== name) reexports.push(`${local} as ${name}`);
      L.push(doc(q, q, ind));
      for (const ov of table[q]) for (const s of signatures(q, ov)) L.push(`${ind}${prefix} ${local}${s};`);
    }
    if (ns && hasOwn(NAMESPACE_EXTRAS, ns)) for (const line of NAMESPACE_EXTRAS[ns]) L.push(`  ${line}`);
    if (ns) L.push('}');
  }
  if (reexports.length) L.push(`export { ${reexports.join(', ')} };`);
  L.push('');
  const core = L.join('\n');

  const index = [
    '// Generated by tools/gen_dts.js. Do not edit by hand.',
    '// CommonJS: `const mx = require(\'mlxjs\').core`; ESM: `import { core as mx } from \'mlxjs\'`.',
    'import * as core from \'./core\';',
    'export { core };',
    UTILS,
    '',
  ].join('\n');
  return { 'core.d.ts': core, 'index.d.ts': index };
}

function main() {
  const files = build();
  const check = process.argv.includes('--check');
  let stale = false;
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(ROOT, name);
    if (check) {
      if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) { console.error(`${name} is stale: run node tools/gen_dts.js`); stale = true; }
    } else {
      fs.writeFileSync(file, text);
      console.log(`wrote ${name} (${text.split('\n').length} lines)`);
    }
  }
  if (stale) process.exit(1);
}

if (require.main === module) main();
module.exports = { tsType, signatures, build };
