#!/usr/bin/env node
'use strict';
// Generates lib/generated/api_table.js from the Python MLX contract in ../shared/mlx-api:
// signatures.json gives parameter order, kinds and runtime defaults; the `signature` column of
// core.tsv / array_methods.tsv gives the Python type annotations (and return types).
// The output is committed so the installed package never needs ../shared at run time.
//
// Usage: node tools/gen_api.js [--check]   (--check: exit 1 if the committed file is stale)

const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const SHARED = process.env.MLX_API_DIR || path.resolve(ROOT, '..', 'shared', 'mlx-api');
const OUT = path.join(ROOT, 'lib', 'generated', 'api_table.js');

const KIND = {
  positional_only: 'pos',
  positional_or_keyword: 'posk',
  keyword_only: 'kw',
  var_positional: 'var',
  var_keyword: 'varkw',
};

function readTsv(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  const head = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const cells = l.split('\t');
    const row = {};
    head.forEach((h, i) => { row[h] = cells[i] === undefined ? '' : cells[i]; });
    return row;
  });
}

// Splits `s` at top-level occurrences of `sep` (outside brackets and quotes).
function splitTop(s, sep) {
  const out = [];
  let depth = 0;
  let quote = null;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '\'' || c === '"') quote = c;
    else if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      out.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

// Index of the bracket closing the one opened at `open`, honouring quotes.
function matchClose(s, open) {
  let depth = 0;
  let quote = null;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '\'' || c === '"') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') { if (--depth === 0) return i; }
  }
  return -1;
}

const norm = (t) => t.replace(/\s+/g, ' ').trim();

// Parses `def name(params) -> ret ...` into {params: [{name, star, type}], ret}.
// Returns null for rows that are not a def (aliases, classes, constants).
function parseDef(sig) {
  const m = /^def\s+[\w.]+\s*\(/.exec(sig);
  if (!m) return null;
  const open = m[0].length - 1;
  const close = matchClose(sig, open);
  if (close < 0) return null;
  const inner = sig.slice(open + 1, close);
  const rest = sig.slice(close + 1);
  const rm = /^\s*->\s*(.*)$/.exec(rest);
  let ret = '';
  if (rm) {
    // Strip trailing commentary such as "  (index may be None)" or "  [returned kernel: ...]".
    ret = norm(rm[1].split(/\s{2,}/)[0]);
  }
  const params = [];
  for (let piece of splitTop(inner, ',')) {
    piece = piece.trim();
    if (piece === '' || piece === '/' || piece === '*') continue;
    const eq = splitTop(piece, '=');
    const head = eq[0];
    const colon = splitTop(head, ':');
    const star = /^\*{0,2}/.exec(colon[0].trim())[0];
    const name = colon[0].trim().slice(star.length);
    if (name === 'self') continue;
    params.push({ name, star, type: colon.length > 1 ? norm(colon.slice(1).join(':')) : '' });
  }
  return { params, ret };
}

// Annotation for runtime param j: by name, else (where the binding renamed it, e.g.
// sum(a) -> sum(array), result_type(*arrays_and_dtypes) -> *args) the signature param of the
// same kind at the same place, provided that name is not used by the runtime list.
function annotation(sigParams, runParams, j) {
  const p = runParams[j];
  const byName = sigParams.find((s) => s.name === p.name);
  if (byName) return byName.type;
  const star = p.kind === 'var_positional' ? '*' : p.kind === 'var_keyword' ? '**' : '';
  const taken = new Set(runParams.map((r) => r.name));
  const cand = star ? sigParams.find((s) => s.star === star) : sigParams[j];
  if (cand && cand.star === star && !taken.has(cand.name)) return cand.type;
  return '';
}

// Python default text (as signatures.json writes it) -> JS value, or a {py} marker.
function convertDefault(text) {
  if (text === 'None') return undefined;
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  const q = /^'((?:[^'\\]|\\.)*)'$|^"((?:[^"\\]|\\.)*)"$/.exec(text);
  if (q) return (q[1] !== undefined ? q[1] : q[2]).replace(/\\(.)/g, '$1');
  return { py: text };
}

function lit(v) {
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `{py: ${quote(v.py)}}`;
}

function quote(s) {
  return '\'' + s.replace(/\\/g, '\\\\').replace(/'/g, '\\\'').replace(/\n/g, '\\n') + '\'';
}

function build() {
  const sigs = JSON.parse(fs.readFileSync(path.join(SHARED, 'signatures.json'), 'utf8'));
  // Rows per qualified name, in file order (arange has two rows: one per overload).
  const rows = new Map();
  const add = (key, sig) => {
    if (!rows.has(key)) rows.set(key, []);
    rows.get(key).push(sig);
  };
  for (const r of readTsv(path.join(SHARED, 'core.tsv'))) add(r.name, r.signature);
  for (const r of readTsv(path.join(SHARED, 'array_methods.tsv'))) add('array.' + r.name, r.signature);

  const stats = { entries: 0, overloads: 0, dropped: 0, params: 0, typed: 0, untyped: [] };
  const lines = [];
  for (const qual of Object.keys(sigs).sort()) {
    // The submodule entries appear twice in signatures.json (core.tsv and submodules.tsv both
    // list them); identical overloads are kept once so only real overloads (arange) remain.
    const seen = new Set();
    const overloads = [];
    for (const o of sigs[qual]) {
      const key = JSON.stringify(o.params);
      if (seen.has(key)) { stats.dropped++; continue; }
      seen.add(key);
      overloads.push(o);
    }
    const alias = overloads[0].alias_of;
    const myRows = rows.get(qual) || [];
    const aliasRows = alias ? (rows.get(alias) || []) : [];
    const parts = overloads.map((o, i) => {
      // Match overload i with row i; an alias takes its target's annotations.
      let def = parseDef(myRows[i] || myRows[0] || '');
      if (!def && alias) def = parseDef(aliasRows[i] || aliasRows[0] || '');
      const ps = o.params.map((p, j) => {
        const kind = KIND[p.kind];
        if (!kind) throw new Error(`${qual}: unknown kind ${p.kind}`);
        const hasDef = Object.prototype.hasOwnProperty.call(p, 'default');
        const type = def ? annotation(def.params, o.params, j) : '';
        stats.params++;
        if (type) stats.typed++; else stats.untyped.push(`${qual}.${p.name}`);
        const args = [quote(p.name), quote(kind), quote(type)];
        if (hasDef) args.push(lit(convertDefault(p.default)));
        return `p(${args.join(', ')})`;
      });
      const fields = [];
      if (o.alias_of) fields.push(`alias_of: ${quote(o.alias_of)}`);
      fields.push(`ret: ${quote(def ? def.ret : '')}`);
      fields.push(`params: [${ps.join(', ')}]`);
      stats.overloads++;
      return `{${fields.join(', ')}}`;
    });
    stats.entries++;
    lines.push(`  ${quote(qual)}: [${parts.join(', ')}],`);
  }

  const text = [
    '// Generated by tools/gen_api.js from ../shared/mlx-api (signatures.json, core.tsv,',
    '// array_methods.tsv). Do not edit by hand; rerun `node tools/gen_api.js`.',
    '//',
    '// Each entry: qualified name -> overloads [{alias_of?, ret, params}], each param',
    '// {name, kind: pos|posk|kw|var|varkw, def, hasDef, type}. A Python default that is not',
    '// None/bool/number/string stays as a frozen marker {py: \'<python text>\'}.',
    '\'use strict\';',
    '',
    '// p(name, kind, type[, default]): hasDef is whether a default was given at all.',
    'function p(name, kind, type, def) {',
    '  if (def !== null && typeof def === \'object\') Object.freeze(def);',
    '  return Object.freeze({ name, kind, def, hasDef: arguments.length > 3, type });',
    '}',
    '',
    'const table = {',
    ...lines,
    '};',
    '',
    'for (const k of Object.keys(table)) {',
    '  for (const o of table[k]) { Object.freeze(o.params); Object.freeze(o); }',
    '  Object.freeze(table[k]);',
    '}',
    'module.exports = Object.freeze(table);',
    '',
  ].join('\n');
  return { text, stats };
}

function main() {
  const { text, stats } = build();
  if (process.argv.includes('--check')) {
    const cur = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
    if (cur !== text) {
      console.error('lib/generated/api_table.js is stale: run node tools/gen_api.js');
      process.exit(1);
    }
    return;
  }
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, text);
  console.log(`wrote ${path.relative(ROOT, OUT)}: ${stats.entries} names, ${stats.overloads} overloads ` +
    `(${stats.dropped} duplicate overloads dropped), ${stats.typed}/${stats.params} params annotated`);
  if (process.argv.includes('--verbose')) console.log('untyped:', stats.untyped.join(' '));
}

if (require.main === module) main();
module.exports = { parseDef, convertDefault, splitTop, build };
