// The wasm API contract (docs/wasm-api.md), tested in Node against the built www/pkg/.
// Run: `cargo xtask build && node --test tests/wasm/` (or all of it: `cargo xtask test`).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

const pkg = new URL('../../www/pkg/', import.meta.url);
const { initSync, Trainer } = await import(new URL('medcode.js', pkg));
initSync({ module: fs.readFileSync(new URL('medcode_bg.wasm', pkg)) });
const trainer = new Trainer(new Uint8Array(fs.readFileSync(new URL('icd10cm.bin', pkg))));
after(() => trainer.free());

const DATE = '2026-04-01';

/** assert.throws that also wants a JS Error with a message a student can read. */
function throwsError(fn, what) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, `${what}: expected an Error, got ${typeof e}: ${e}`);
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.trim().length > 0, `${what}: empty message`);
    return true;
  }, what);
}

test('edition names the code set', () => {
  assert.match(trainer.edition(), /ICD-10-CM/);
});

test('E11.22: own use-additional-code note, inherited Excludes1 from E11', () => {
  const v = trainer.lookup('E11.22', DATE);
  assert.equal(v.code, 'E11.22');
  assert.equal(v.kind, 'code');
  assert.equal(v.reportable, true);
  assert.equal(v.valid_on_date, true);
  assert.match(v.title, /type 2 diabetes mellitus/i);
  const uac = v.notes.filter((n) => n.kind === 'use_additional_code' && n.text.includes('N18.1-N18.6'));
  assert.ok(uac.length >= 1, `no use_additional_code note with N18.1-N18.6 in ${JSON.stringify(v.notes)}`);
  assert.equal(uac[0].source, 'E11.22');
  const ex1 = v.notes.filter((n) => n.kind === 'excludes1');
  assert.ok(ex1.length >= 1, 'no excludes1 notes');
  assert.ok(ex1.some((n) => n.source === 'E11'), `no excludes1 inherited from E11: ${ex1.map((n) => n.source)}`);
  // Notes of the code itself come before inherited ones.
  const firstInherited = v.notes.findIndex((n) => n.source !== 'E11.22');
  const lastOwn = v.notes.map((n) => n.source).lastIndexOf('E11.22');
  assert.ok(firstInherited === -1 || lastOwn < firstInherited, 'own notes must come first');
  const ancestors = v.ancestors.map((a) => a.code);
  assert.deepEqual(ancestors.slice(-2), ['E11', 'E11.2']);
});

test('S06.1X7D is not valid on 2026-04-01', () => {
  const v = trainer.lookup('S06.1X7D', DATE);
  assert.equal(v.code, 'S06.1X7D');
  assert.equal(v.valid_on_date, false);
});

test('S72.001A is valid and reportable on 2026-04-01', () => {
  const v = trainer.lookup('S72.001A', DATE);
  assert.equal(v.code, 'S72.001A');
  assert.equal(v.valid_on_date, true);
  assert.equal(v.reportable, true);
  assert.ok(v.validity.length >= 1, 'a reportable code has validity windows');
});

test('E11 is a category header with E11.9 among its children', () => {
  const v = trainer.lookup('E11', DATE);
  assert.equal(v.kind, 'category');
  assert.equal(v.reportable, false);
  const children = v.children.map((c) => c.code);
  assert.ok(children.includes('E11.9'), `children: ${children}`);
});

test('lookup normalises the code: e1122 -> E11.22', () => {
  assert.equal(trainer.lookup('e1122', DATE).code, 'E11.22');
  assert.equal(trainer.lookup(' e11.22 ', DATE).code, 'E11.22');
});

test('unknown code and malformed date throw an Error with a message', () => {
  throwsError(() => trainer.lookup('E11.99', DATE), 'unknown code E11.99');
  throwsError(() => trainer.lookup('QQQ', DATE), 'malformed code QQQ');
  throwsError(() => trainer.lookup('E11.22', 'yesterday'), 'malformed date "yesterday"');
  throwsError(() => trainer.lookup('E11.22', '2026-13-01'), 'malformed date 2026-13-01');
});

test('search by code prefix puts a matching code first', () => {
  const hits = trainer.search('E11.2', 10);
  assert.ok(hits.length >= 1 && hits.length <= 10, `got ${hits.length} hits`);
  assert.ok(hits[0].code.startsWith('E11.2'), `first hit ${hits[0].code}`);
});

test('search expands abbreviations: "t2dm with ckd" finds E11.22', () => {
  const hits = trainer.search('t2dm with ckd', 10);
  const codes = hits.map((h) => h.code);
  assert.ok(codes.includes('E11.22'), `hits: ${codes}`);
  for (const h of hits) {
    assert.equal(typeof h.title, 'string');
    assert.ok(['title', 'inclusion_term', 'code'].includes(h.matched), `matched: ${h.matched}`);
  }
});

test('searchEntries lists the indexed documents', () => {
  const entries = trainer.searchEntries();
  // Every code and header of the FY2026 tabular (about 47,000; 7th-character codes are not listed).
  assert.ok(Array.isArray(entries) && entries.length > 40000, `only ${entries.length} entries`);
  assert.equal(new Set(entries.map((x) => x.id)).size, entries.length, 'ids are unique');
  const e = entries.find((x) => x.code === 'E11.22');
  assert.ok(e, 'E11.22 is indexed');
  assert.equal(typeof e.text, 'string');
  assert.ok(e.id !== undefined && e.id !== null);
});

test('bad bytes throw an Error, not a panic', () => {
  throwsError(() => new Trainer(new Uint8Array([1, 2, 3])), 'new Trainer([1,2,3])');
  // The module still works after a rejected load.
  assert.equal(trainer.lookup('E11.9', DATE).code, 'E11.9');
});
