// Index search accuracy: our wasm CmIndex.search vs MiniSearch 7.2 over the same entries
// (CmIndex.searchEntries(): every table cell and printed code of the three index tables, as text:
// main term and subterms as printed, then the column head), on tests/search/index_queries.tsv.
//
//   node bench/cm_index_search.mjs [--misses]     (uses www/pkg, or $MEDCODE_PKG_DIR)
//
// MiniSearch is configured as bench/search.mjs configures it for the tabular: field text,
// { prefix: true, fuzzy: 0.2, combineWith: 'AND' }, re-run with 'OR' when AND finds nothing.
// A hit is a result whose printed code equals the query's code. Reports top-1 / top-10 and the
// mean time per full query.

import fs from 'node:fs';
import MiniSearch from 'minisearch';

const ROOT = new URL('../', import.meta.url);
const PKG = process.env.MEDCODE_PKG_DIR ? new URL(`file://${process.env.MEDCODE_PKG_DIR}/`) : new URL('www/pkg/', ROOT);
const LIMIT = 10;
const SHOW_MISSES = process.argv.includes('--misses');

const { initSync, CmIndex } = await import(new URL('medcode.js', PKG));
initSync({ module: fs.readFileSync(new URL('medcode_bg.wasm', PKG)) });
const index = new CmIndex(new Uint8Array(fs.readFileSync(new URL('icd10cm_index.bin', PKG))));

const queries = fs
  .readFileSync(new URL('tests/search/index_queries.tsv', ROOT), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [query, code, table] = l.split('\t');
    return { query, code, table };
  });

const entries = index.searchEntries();
const mini = new MiniSearch({
  idField: 'id',
  fields: ['text'],
  storeFields: ['code'],
  searchOptions: { prefix: true, fuzzy: 0.2, combineWith: 'AND' },
});
mini.addAll(entries);

const engines = [
  { name: 'ours (wasm CmIndex.search)', codes: (q) => index.search(q, LIMIT).map((h) => h.code && h.code.printed) },
  {
    name: 'MiniSearch 7.2',
    codes: (q) => {
      let r = mini.search(q);
      if (r.length === 0) r = mini.search(q, { combineWith: 'OR' });
      return r.slice(0, LIMIT).map((x) => x.code);
    },
  },
];

console.log(`${entries.length} entries, ${queries.length} queries (tests/search/index_queries.tsv)`);
for (const engine of engines) {
  let top1 = 0;
  let top10 = 0;
  const misses = [];
  const t0 = process.hrtime.bigint();
  for (const { query, code } of queries) {
    const got = engine.codes(query);
    const at = got.indexOf(code);
    if (at === 0) top1++;
    if (at >= 0) top10++;
    else misses.push(`  ${query.padEnd(60)} want ${code.padEnd(9)} got ${got.slice(0, 3).join(' ')}`);
  }
  const meanMs = Number(process.hrtime.bigint() - t0) / 1e6 / queries.length;
  const pct = (n) => ((100 * n) / queries.length).toFixed(1);
  console.log(`${engine.name.padEnd(28)} top-1 ${pct(top1)}%  top-10 ${pct(top10)}%  mean ${meanMs.toFixed(2)} ms/query`);
  if (SHOW_MISSES && misses.length) console.log(misses.join('\n'));
}
index.free();
