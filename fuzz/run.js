#!/usr/bin/env node
'use strict';
// Builds the libFuzzer targets of the file parsers (build-fuzz/, clang), writes the seed
// corpora, checks that every seed loads, replays the committed reproducers
// (fuzz/regressions/<target>/), then fuzzes each target for a while. Exit status 0 only if
// all of that passed. fuzz/README.md has the long-run commands.
//   node fuzz/run.js                         25 s per target, 2 at a time
//   node fuzz/run.js --seconds 3600 --targets gguf --corpus build-fuzz/corpus
//   node fuzz/run.js --runs 200000           a fixed number of inputs per target instead
//   --jobs N (targets at once, default 2) --no-build --json FILE (a summary for the tests)
//   Extra libFuzzer flags after `--`, e.g. -- -max_len=65536
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const TARGETS = ['npy', 'npz', 'safetensors', 'gguf'];
const LOCK = '/tmp/mlxjs-build.lock';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const extra = dash >= 0 ? argv.slice(dash + 1) : [];
const args = dash >= 0 ? argv.slice(0, dash) : argv;
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const seconds = Number(opt('--seconds', '25'));
const runs = opt('--runs', null);
const jobs = Math.max(1, Number(opt('--jobs', '2')));
const targets = opt('--targets', TARGETS.join(',')).split(',');
const build = path.resolve(root, opt('--build-dir', 'build-fuzz'));
const corpusRoot = opt('--corpus', null);  // kept between runs when given
const jsonOut = opt('--json', null);
for (const t of targets) if (!TARGETS.includes(t)) throw new Error(`unknown target ${t} (${TARGETS.join(', ')})`);

const hasFlock = spawnSync('flock', ['--version']).status === 0;
function sh(label, cmd, cmdArgs, { locked = false, env = {} } = {}) {
  const [c, a] = locked && hasFlock ? ['flock', [LOCK, cmd, ...cmdArgs]] : [cmd, cmdArgs];
  const r = spawnSync(c, a, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    process.stderr.write((r.stdout || '') + (r.stderr || ''));
    throw new Error(`${label} failed (exit ${r.status}${r.signal ? ' ' + r.signal : ''})`);
  }
  return r;
}

const t0 = Date.now();
if (!args.includes('--no-build')) {
  // The targets link the addon's engine library (build/libmlx_core.a): the addon must be built.
  const engine = path.join(root, 'build', 'libmlx_core.a');
  if (!fs.existsSync(engine)) throw new Error(`${engine} is missing: run npm run build first`);
  // One locked step: configure and build, so no other build rewrites the engine library meanwhile.
  const cfg = ['cmake', '-S', '.', '-B', build, '-G', 'Ninja', '-DCMAKE_C_COMPILER=clang', '-DCMAKE_CXX_COMPILER=clang++',
    '-DMLXJS_BUILD_FUZZ=ON', '-DMLXJS_BUILD_ADDON=OFF', '-DMLXJS_BUILD_TESTS=OFF', '-DCMAKE_BUILD_TYPE=Release'];
  const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  sh('fuzz build', 'sh', ['-c', `${cfg.map(quote).join(' ')} >/dev/null && cmake --build ${quote(build)} --target fuzz --parallel ${os.cpus().length}`], { locked: true });
  console.log(`built ${targets.map((t) => `fuzz_${t}`).join(', ')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
const bin = (t) => path.join(build, 'fuzz', `fuzz_${t}`);

const seeds = path.join(build, 'seeds');
console.log(sh('seed corpus', process.execPath, [path.join(__dirname, 'make_corpus.js'), seeds]).stdout.trim());

const summary = { targets: {} };
const listFiles = (d) => (fs.existsSync(d) ? fs.readdirSync(d).map((f) => path.join(d, f)).filter((f) => fs.statSync(f).isFile()) : []);
for (const t of targets) {
  // Every seed must load without an error (MLXJS_FUZZ_STRICT makes an error a crash): a
  // corpus of files the parser rejects would fuzz little but the first checks.
  const files = listFiles(path.join(seeds, t));
  sh(`seeds of ${t}`, bin(t), files, { env: { MLXJS_FUZZ_STRICT: '1' } });
  // Inputs that once crashed a parser (and hand-made edge cases): each must now be handled.
  const regs = listFiles(path.join(__dirname, 'regressions', t));
  if (regs.length) sh(`regressions of ${t}`, bin(t), regs);
  summary.targets[t] = { seeds: files.length, regressions: regs.length };
}
console.log(`seeds load cleanly; ${Object.values(summary.targets).reduce((n, s) => n + s.regressions, 0)} regression inputs replayed`);

// One fuzzing process per target, `jobs` at a time.
function fuzz(t) {
  const work = corpusRoot ? path.resolve(root, corpusRoot, t) : fs.mkdtempSync(path.join(os.tmpdir(), `mlxjs-fuzz-${t}-`));
  fs.mkdirSync(work, { recursive: true });
  const artifacts = path.join(build, 'artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  const regs = path.join(__dirname, 'regressions', t);
  const flags = [
    runs ? `-runs=${runs}` : `-max_total_time=${seconds}`,
    `-dict=${path.join(__dirname, 'dict', `${t}.dict`)}`,
    `-artifact_prefix=${artifacts}/${t}-`,
    '-timeout=10', '-rss_limit_mb=2048', '-malloc_limit_mb=512', '-print_final_stats=1',
    ...extra, work, path.join(seeds, t), ...(fs.existsSync(regs) ? [regs] : []),
  ];
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(bin(t), flags, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    child.on('close', (code, signal) => {
      if (!corpusRoot) fs.rmSync(work, { recursive: true, force: true });
      const num = (re) => { const m = log.match(re); return m ? Number(m[1]) : null; };
      const cov = [...log.matchAll(/cov: (\d+) ft: (\d+)/g)].pop();
      const r = {
        exit: code, signal, seconds: (Date.now() - started) / 1000,
        execs: num(/stat::number_of_executed_units:\s+(\d+)/), exec_per_s: num(/stat::average_exec_per_sec:\s+(\d+)/),
        cov: cov ? Number(cov[1]) : null, ft: cov ? Number(cov[2]) : null,
        corpus: num(/#\d+\s+DONE\s+cov: \d+ ft: \d+ corp: (\d+)/), peak_rss_mb: num(/stat::peak_rss_mb:\s+(\d+)/),
      };
      if (code !== 0) {
        r.log_tail = log.split('\n').slice(-60).join('\n');
        console.log(`--- fuzz_${t} failed (exit ${code}${signal ? ' ' + signal : ''}); artifacts in ${artifacts}\n${r.log_tail}`);
      }
      resolve([t, r]);
    });
  });
}

(async () => {
  const queue = targets.slice();
  const results = {};
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    while (queue.length) {
      const [t, r] = await fuzz(queue.shift());
      results[t] = r;
    }
  }));
  const rows = [['target', 'exit', 'seconds', 'inputs run', 'exec/s', 'cov', 'ft', 'corpus', 'peak RSS MB']];
  for (const t of targets) {
    const r = results[t];
    Object.assign(summary.targets[t], r);
    rows.push([`fuzz_${t}`, r.exit, r.seconds.toFixed(1), r.execs, r.exec_per_s, r.cov, r.ft, r.corpus, r.peak_rss_mb]);
  }
  console.log(rows.map((r) => r.map(String).join('\t')).join('\n'));
  summary.ok = targets.every((t) => results[t].exit === 0);
  summary.total_seconds = (Date.now() - t0) / 1000;
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(summary, null, 1));
  console.log(summary.ok ? `fuzz: all targets passed (${summary.total_seconds.toFixed(0)} s in all)` : 'fuzz: FAILED');
  process.exitCode = summary.ok ? 0 : 1;
})();
