// The ICD-10-CM index handle (docs/wasm-api.md, "ICD-10-CM indexes"), in Node against the built
// www/pkg/ (or $MEDCODE_PKG_DIR): CmIndex browse, tables, search, cross-references, the
// Alphabetic Index loader, and trainer.indexCodeStatus.
// Run: `cargo xtask build && node --test tests/wasm/` (or all of it: `cargo xtask test`).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

const pkg = new URL(process.env.MEDCODE_PKG_DIR ? `file://${process.env.MEDCODE_PKG_DIR}/` : '../../www/pkg/', import.meta.url);
const { initSync, Trainer, CmIndex } = await import(new URL('medcode.js', pkg));
initSync({ module: fs.readFileSync(new URL('medcode_bg.wasm', pkg)) });
const bytes = (name) => new Uint8Array(fs.readFileSync(new URL(name, pkg)));
const trainer = new Trainer(bytes('icd10cm.bin'));
const index = new CmIndex(bytes('icd10cm_index.bin'));
after(() => {
  index.free();
  trainer.free();
});
const fixture = new Uint8Array(fs.readFileSync(new URL('../fixtures/alphabetic_index_sample.xml', import.meta.url)));

/** assert.throws that also wants a JS Error with a message a student can read. */
function throwsError(fn, pattern) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, `expected an Error, got ${typeof e}: ${e}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test('edition and the date the stored statuses are for', () => {
  assert.match(index.edition(), /FY2023/);
  assert.equal(index.statusDate(), '2026-04-01');
});

test('search lands on the table cell, with its column and FY2026 status', () => {
  const [hit] = index.search('poisoning acetaminophen accidental', 10);
  assert.equal(hit.table, 'drug');
  assert.equal(hit.column, 'Poisoning Accidental (unintentional)');
  assert.equal(hit.column_key, 'poisoning_accidental');
  assert.equal(hit.code.printed, 'T39.1X1');
  assert.equal(hit.code.status, 'seventh_character');
  assert.equal(hit.code.sevenths, 'ADS');
  assert.equal(hit.index_path, 'Acetaminophen — Poisoning Accidental (unintentional) → T39.1X1');
  const [neo] = index.search('neoplasm breast upper outer quadrant secondary', 10);
  assert.equal(neo.code.printed, 'C79.81');
  assert.deepEqual(neo.path, ['Neoplasm, neoplastic', 'breast', 'upper-outer quadrant']);
});

test('browse: main terms, a subterm tree, a term by id', () => {
  const mains = index.mainTerms('accid', 'external', 5);
  assert.equal(mains[0].title, 'Accident');
  assert.equal(mains[0].nemod, '(to)');
  const tree = index.term('external', 'Accident');
  assert.equal(tree.lines[0].level, 0);
  assert.ok(tree.lines.length > 1000);
  const animalRider = tree.lines.find((l) => l.level === 1 && l.title === 'animal-rider');
  const x = animalRider.xrefs[0];
  assert.equal(x.kind, 'see');
  assert.equal(x.status, 'resolved');
  assert.deepEqual(x.path, ['Accident', 'transport', 'animal-rider']);
  const target = index.termAt(x.table, x.term);
  assert.deepEqual(target.above.map((s) => s.title), ['Accident', 'transport']);
  assert.equal(index.term('drug', 'No such substance'), null);
  throwsError(() => index.term('tabular', 'Accident'), /unknown index table/);
  throwsError(() => index.term('alphabetic', 'Abdomen'), /not loaded/);
});

test('tables: six cells under their column heads', () => {
  const neo = index.neoplasm('breast upper outer', 10);
  assert.equal(neo.columns.length, 6);
  const row = neo.rows.find((r) => r.title === 'upper-outer quadrant');
  assert.deepEqual(row.cells.map((c) => c.printed), ['C50.4-', 'C79.81', 'D05.-', 'D24.-', 'D48.6-', 'D49.3']);
  assert.equal(row.cells[0].code.status, 'more_characters');
  const drug = index.drug('acetaminophen', 5);
  assert.equal(drug.rows[0].cells[4].key, 'adverse_effect');
  assert.equal(drug.rows[0].cells[4].printed, 'T39.1X5');
});

test('the Alphabetic Index: loaded in the core, searchable, statuses checked', () => {
  assert.equal(index.alphabeticIndex(), null);
  const loaded = index.loadAlphabeticIndex(fixture, trainer);
  assert.match(loaded.edition, /sample/);
  assert.equal(loaded.counts.main_terms, 17);
  assert.deepEqual(index.alphabeticIndex(), loaded);
  const [hit] = index.search('hypertensive heart failure', 5);
  assert.equal(hit.table, 'alphabetic');
  assert.equal(hit.code.printed, 'I11.0');
  const amyloid = index.term('alphabetic', 'Cardiomyopathy').lines[1];
  assert.equal(amyloid.manif[0].printed, 'I43');
  const chain = index.seeChain('alphabetic', index.term('alphabetic', 'Attack, attacks').lines[1].id);
  assert.deepEqual(chain.steps.map((s) => s.path.at(-1)), ['cerebral', 'Apoplexia, apoplexy, apoplectic', 'Stroke']);
  // Script-looking titles are data; the page renders them with textContent.
  assert.match(index.mainTerms('<script', 'alphabetic', 1)[0].title, /^<script>/);
});

test('hostile files throw a readable Error and leave the loaded index in place', () => {
  index.loadAlphabeticIndex(fixture, trainer);
  throwsError(() => index.loadAlphabeticIndex(new TextEncoder().encode('not xml at all'), trainer), /not an XML index file/);
  throwsError(() => index.loadAlphabeticIndex(new TextEncoder().encode('<html><body/></html>'), trainer), /root element is <html>/);
  const deep = '<ICD10CM.index>' + '<term>'.repeat(5000) + '</term>'.repeat(5000) + '</ICD10CM.index>';
  throwsError(() => index.loadAlphabeticIndex(new TextEncoder().encode(deep), trainer), /deeper than/);
  throwsError(() => index.loadAlphabeticIndex(new Uint8Array(65 * 1024 * 1024), trainer), /too large/);
  assert.equal(index.alphabeticIndex().counts.main_terms, 17);
  index.unloadAlphabeticIndex();
  assert.equal(index.alphabeticIndex(), null);
});

test('trainer.indexCodeStatus for another date of service', () => {
  const now = trainer.indexCodeStatus('D48.1', '2026-04-01');
  assert.equal(now.status, 'revised');
  assert.match(now.text, /Revised since this index edition \(FY2023\) — see D48\.1/);
  const then = trainer.indexCodeStatus('D48.1', '2022-10-01');
  assert.equal(then.status, 'valid');
  throwsError(() => trainer.indexCodeStatus('D48.1', '2026-13-01'), /not a date/);
});

test('report: code cells by status per table', () => {
  const r = index.report();
  assert.deepEqual(r.tables.map((t) => t.table), ['neoplasm', 'drug', 'external']);
  assert.equal(r.tables[1].by_status.seventh_character, 40000);
});
