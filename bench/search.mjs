// Search benchmark: our wasm search vs MiniSearch 7.2 vs FlexSearch 0.8, same entries, same queries.
//
//   cargo xtask bench search [--misses]      (builds www/pkg first)
//   node bench/search.mjs [--misses]         (uses the www/pkg already built)
//
// Queries: tests/search/{clinical,abbreviation}_queries.tsv (query<TAB>expected_code<TAB>why, '#'
// comments). Latency is measured the way a student types: every prefix (>= 2 characters) of every
// query, limit 10, after a warm-up pass, one process.hrtime.bigint() pair per call.
// Accuracy uses the full queries: a hit is a result whose code equals expected_code, or equals it
// with a 7th character appended.
//
// The competitors are configured as they would be for a type-ahead box over `searchEntries()`:
//   MiniSearch: fields code+text, storeFields code, { prefix: true, fuzzy: 0.2, combineWith: 'AND' },
//               re-run with combineWith 'OR' when AND finds nothing (otherwise a single typo or an
//               unknown word empties the list).
//   FlexSearch: Index over "code text" with tokenize 'forward', cache off, search { limit, suggest: true }.
// Budgets are reported as PASS/FAIL lines; missing one does not fail the process (only errors do).

import fs from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import MiniSearch from 'minisearch';
import { Index as FlexIndex } from 'flexsearch';

const ROOT = new URL('../', import.meta.url);
const PKG = new URL('www/pkg/', ROOT);
const LIMIT = 10;
const MIN_QUERIES = 1000;
const WARMUP = 200;
const SHOW_MISSES = process.argv.includes('--misses');
const QUERY_SETS = [
  { name: 'clinical', file: 'tests/search/clinical_queries.tsv', top10Budget: 0.95 },
  { name: 'abbreviation', file: 'tests/search/abbreviation_queries.tsv', top10Budget: 0.9 },
];

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

// ---------------------------------------------------------------- helpers

const nowNs = () => process.hrtime.bigint();
const ms = (ns) => Number(ns) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

function heapUsed() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Nearest-rank percentile of a sorted array. */
function pct(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function fmtMs(x) {
  if (!Number.isFinite(x)) return '-';
  if (x >= 100) return `${x.toFixed(0)} ms`;
  if (x >= 10) return `${x.toFixed(1)} ms`;
  if (x >= 1) return `${x.toFixed(2)} ms`;
  return `${x.toFixed(3)} ms`;
}
function fmtBytes(n) {
  if (!Number.isFinite(n)) return '-';
  const sign = n < 0 ? '-' : '';
  n = Math.abs(n);
  if (n >= 1 << 20) return `${sign}${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${sign}${(n / 1024).toFixed(0)} KiB`;
  return `${sign}${n} B`;
}
const fmtPct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');
const fmtInt = (n) => n.toLocaleString('en-US');

function table(title, header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => String(r[c]).length)));
  const line = (r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('   ');
  console.log(`\n${title}`);
  console.log(`  ${line(header)}`);
  console.log(`  ${widths.map((w) => '-'.repeat(w)).join('   ')}`);
  for (const r of rows) console.log(`  ${line(r)}`);
}

function readQueries({ name, file }) {
  const url = new URL(file, ROOT);
  if (!fs.existsSync(url)) throw new Error(`${file} is missing (query set '${name}')`);
  const out = [];
  fs.readFileSync(url, 'utf8').split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const [query, expected, why = ''] = line.split('\t');
    if (query === 'query' && expected === 'expected_code') return; // header row
    if (!query || !expected) throw new Error(`${file}:${i + 1}: expected query<TAB>expected_code<TAB>why`);
    out.push({ query: query.trim(), expected: expected.trim().toUpperCase(), why });
  });
  if (out.length === 0) throw new Error(`${file} holds no queries`);
  return out;
}

/** Every prefix of length >= 2 that ends on a character (code point) boundary. */
function typeAheadPrefixes(query) {
  const chars = Array.from(query);
  const out = [];
  for (let n = 2; n <= chars.length; n++) out.push(chars.slice(0, n).join(''));
  return out;
}

/** A hit: the same code, or the same code with a 7th character appended. */
function isHit(code, expected) {
  if (code === expected) return true;
  return code.length === expected.length + 1 && code.startsWith(expected) && code.replace('.', '').length === 7;
}

function latency(fn, queries) {
  const times = new Float64Array(queries.length);
  for (let i = 0; i < queries.length; i++) {
    const t = nowNs();
    fn(queries[i]);
    times[i] = ms(nowNs() - t);
  }
  const sorted = Array.from(times).sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { p50: pct(sorted, 50), p95: pct(sorted, 95), p99: pct(sorted, 99), max: sorted[sorted.length - 1], mean, times };
}

// ---------------------------------------------------------------- main

async function main() {
  for (const f of ['medcode.js', 'medcode_bg.wasm', 'icd10cm.bin']) {
    if (!fs.existsSync(new URL(f, PKG))) throw new Error(`www/pkg/${f} is missing: run \`cargo xtask build\` first`);
  }
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  console.log('MedCode search benchmark');
  console.log(`  node ${process.version}, ${os.availableParallelism?.() ?? os.cpus().length} CPUs (${cpu})`);

  // --- ours: instantiate + load
  const { initSync, Trainer } = await import(new URL('medcode.js', PKG));
  const wasmBytes = fs.readFileSync(new URL('medcode_bg.wasm', PKG));
  const binBytes = new Uint8Array(fs.readFileSync(new URL('icd10cm.bin', PKG)));
  let t = nowNs();
  const wasm = initSync({ module: wasmBytes });
  const instantiateMs = ms(nowNs() - t);
  if (!(wasm?.memory instanceof WebAssembly.Memory)) throw new Error('initSync() did not return the wasm exports with `memory`');

  const heap0 = heapUsed();
  t = nowNs();
  let trainer = new Trainer(binBytes);
  const loads = [ms(nowNs() - t)];
  const wasmMemory = wasm.memory.buffer.byteLength;
  t = nowNs();
  trainer.search('diabetes', LIMIT);
  const firstQueryMs = ms(nowNs() - t);
  for (let i = 0; i < 4; i++) {
    trainer.free();
    t = nowNs();
    trainer = new Trainer(binBytes);
    loads.push(ms(nowNs() - t));
  }
  const oursLoadMs = median(loads);
  const oursHeap = heapUsed() - heap0;
  const oursMemory = wasm.memory.buffer.byteLength;

  const edition = trainer.edition();
  const entries = trainer.searchEntries();
  console.log(`  code set: ${edition}; ${fmtInt(entries.length)} search entries (trainer.searchEntries())`);

  // --- queries
  const sets = QUERY_SETS.map((s) => ({ ...s, queries: readQueries(s) }));
  const fullQueries = sets.flatMap((s) => s.queries.map((q) => q.query));
  let typed = fullQueries.flatMap(typeAheadPrefixes);
  const distinctTyped = typed.length;
  const passes = Math.max(1, Math.ceil(MIN_QUERIES / Math.max(1, distinctTyped)));
  typed = Array.from({ length: passes }, () => typed).flat();
  console.log(
    `  queries: ${sets.map((s) => `${s.queries.length} ${s.name}`).join(', ')} -> ${fmtInt(distinctTyped)} type-ahead prefixes` +
      (passes > 1 ? ` x ${passes} passes = ${fmtInt(typed.length)} timed calls` : ' (one timed call each)') +
      `, limit ${LIMIT}`,
  );

  // --- MiniSearch
  let h0 = heapUsed();
  t = nowNs();
  const mini = new MiniSearch({
    idField: 'i',
    fields: ['code', 'text'],
    storeFields: ['code'],
    searchOptions: { prefix: true, fuzzy: 0.2, combineWith: 'AND' },
  });
  mini.addAll(entries.map((e, i) => ({ i, code: e.code, text: e.text })));
  const miniBuildMs = ms(nowNs() - t);
  const miniHeap = heapUsed() - h0;

  // --- FlexSearch
  h0 = heapUsed();
  t = nowNs();
  const flex = new FlexIndex({ tokenize: 'forward', cache: false });
  for (let i = 0; i < entries.length; i++) flex.add(i, `${entries[i].code} ${entries[i].text}`);
  const flexBuildMs = ms(nowNs() - t);
  const flexHeap = heapUsed() - h0;

  const engines = [
    { name: 'ours (wasm)', codes: (q) => trainer.search(q, LIMIT).map((h) => h.code), run: (q) => trainer.search(q, LIMIT) },
    {
      name: 'MiniSearch 7.2',
      run: (q) => {
        let r = mini.search(q);
        if (r.length === 0) r = mini.search(q, { combineWith: 'OR' });
        return r.slice(0, LIMIT);
      },
    },
    { name: 'FlexSearch 0.8', run: (q) => flex.search(q, { limit: LIMIT, suggest: true }) },
  ];
  engines[1].codes = (q) => engines[1].run(q).map((r) => r.code);
  engines[2].codes = (q) => engines[2].run(q).map((i) => entries[i].code);

  // --- latency: warm up (the JIT, our first-call work) on an even sample, then time every call.
  // The sample is capped because MiniSearch needs ~0.1 s per short fuzzy prefix.
  const step = Math.max(1, Math.ceil(distinctTyped / WARMUP));
  const warm = typed.slice(0, distinctTyped).filter((_, i) => i % step === 0);
  for (const e of engines) {
    const t0 = nowNs();
    process.stderr.write(`  timing ${e.name}: ${warm.length} warm-up + ${fmtInt(typed.length)} timed calls ... `);
    for (const q of warm) e.run(q);
    e.lat = latency(e.run, typed);
    process.stderr.write(`${(ms(nowNs() - t0) / 1000).toFixed(1)} s\n`);
  }
  const [ours, miniE, flexE] = engines;

  table('Load', ['', ours.name, miniE.name, flexE.name], [
    ['wasm instantiate (initSync)', fmtMs(instantiateMs), '-', '-'],
    ['load / index build', `${fmtMs(oursLoadMs)} (median of 5)`, fmtMs(miniBuildMs), fmtMs(flexBuildMs)],
    ['first query after load', fmtMs(firstQueryMs), '-', '-'],
    ['wasm memory after 1 load', fmtBytes(wasmMemory), '-', '-'],
    ['wasm memory after 5 loads', fmtBytes(oursMemory), '-', '-'],
    ['JS heap delta (after GC)', fmtBytes(oursHeap), fmtBytes(miniHeap), fmtBytes(flexHeap)],
  ]);

  table(`Latency per type-ahead query (${fmtInt(typed.length)} calls, limit ${LIMIT})`, ['', ...engines.map((e) => e.name)], [
    ...['p50', 'p95', 'p99', 'max', 'mean'].map((k) => [k, ...engines.map((e) => fmtMs(e.lat[k]))]),
  ]);
  const flexRatio = flexE.lat.p95 / ours.lat.p95;
  const miniRatio = miniE.lat.p95 / ours.lat.p95;
  console.log(`  FlexSearch p95 / ours p95 = ${flexRatio.toFixed(1)}x    MiniSearch p95 / ours p95 = ${miniRatio.toFixed(1)}x`);
  const slowest = Array.from(ours.lat.times, (x, i) => [x, typed[i]])
    .sort((a, b) => b[0] - a[0])
    .slice(0, 5)
    .map(([x, q]) => `"${q}" ${fmtMs(x)}`);
  console.log(`  slowest of ours: ${slowest.join(', ')}`);

  // --- accuracy on the full queries
  const accRows = [];
  const misses = [];
  for (const s of sets) {
    s.acc = {};
    for (const e of engines) {
      let top1 = 0;
      let top10 = 0;
      for (const q of s.queries) {
        const codes = e.codes(q.query);
        if (codes.length > 0 && isHit(codes[0], q.expected)) top1++;
        if (codes.slice(0, 10).some((c) => isHit(c, q.expected))) top10++;
        else if (e === ours) misses.push({ set: s.name, ...q, top: trainer.search(q.query, 3) });
      }
      s.acc[e.name] = { top1: top1 / s.queries.length, top10: top10 / s.queries.length };
    }
    accRows.push([`${s.name} (${s.queries.length}) top-1`, ...engines.map((e) => fmtPct(s.acc[e.name].top1))]);
    accRows.push([`${s.name} (${s.queries.length}) top-10`, ...engines.map((e) => fmtPct(s.acc[e.name].top10))]);
  }
  table('Accuracy (full queries; hit = expected code, or it plus a 7th character)', ['', ...engines.map((e) => e.name)], accRows);

  if (SHOW_MISSES) {
    console.log(`\nMisses of ours (not in top 10): ${misses.length}`);
    for (const m of misses) {
      const top = m.top.map((h) => `${h.code} ${h.title ?? ''}`.trim()).join(' | ') || '(no results)';
      console.log(`  [${m.set}] "${m.query}"  expected ${m.expected}${m.why ? `  (${m.why})` : ''}\n      top 3: ${top}`);
    }
  } else if (misses.length > 0) {
    console.log(`\n  ${misses.length} queries missed by ours; pass --misses to list them`);
  }

  // --- budgets
  const budgets = [
    [`our p95 <= 1 ms`, ours.lat.p95 <= 1, fmtMs(ours.lat.p95)],
    [`our load <= 150 ms`, oursLoadMs <= 150, fmtMs(oursLoadMs)],
    [`our p95 >= 10x faster than FlexSearch p95`, flexRatio >= 10, `${flexRatio.toFixed(1)}x`],
    ...sets.map((s) => [
      `${s.name} top-10 >= ${(100 * s.top10Budget).toFixed(0)}%`,
      s.acc[ours.name].top10 >= s.top10Budget,
      fmtPct(s.acc[ours.name].top10),
    ]),
  ];
  console.log('\nBudgets');
  for (const [what, ok, value] of budgets) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${what.padEnd(44)} ${value}`);
  const failed = budgets.filter((b) => !b[1]).length;
  console.log(`  ${budgets.length - failed} of ${budgets.length} budgets met (a missed budget is reported, not an error)`);
  trainer.free();
}

main().catch((e) => {
  console.error(`\nbench/search.mjs: error: ${e?.stack ?? e}`);
  process.exit(1);
});
