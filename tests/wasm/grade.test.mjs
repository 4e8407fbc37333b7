// Grading through the wasm API (docs/wasm-api.md, docs/case-format.md), in Node against the built
// www/pkg/: trainer.grade, trainer.checkCase, trainer.gradingPolicies.
// Run: `cargo xtask build && node --test tests/wasm/` (or all of it: `cargo xtask test`).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

const pkg = new URL(process.env.MEDCODE_PKG_DIR ? `file://${process.env.MEDCODE_PKG_DIR}/` : '../../www/pkg/', import.meta.url);
const { initSync, Trainer } = await import(new URL('medcode.js', pkg));
initSync({ module: fs.readFileSync(new URL('medcode_bg.wasm', pkg)) });
const trainer = new Trainer(new Uint8Array(fs.readFileSync(new URL('icd10cm.bin', pkg))));
after(() => trainer.free());

const read = (rel) => fs.readFileSync(new URL(rel, import.meta.url), 'utf8');
const caseJson = read('../../cases/dx-t2dm-ckd-followup.json');

test('grade: standard policy, per-line statuses, feedback and score', () => {
  const answer = JSON.stringify({ diagnoses: ['e119', 'N18.31', 'Z79.84', 'E78.5', 'R20.2'] });
  const r = trainer.grade(caseJson, answer, 'standard');
  assert.equal(r.format, 'medcode-grade/1');
  assert.equal(r.score, 90);
  assert.equal(r.denominator, 5);
  const first = r.lines[0];
  assert.equal(first.status, 'specificity');
  assert.equal(first.error, 'specificity');
  assert.equal(first.answer.code, 'E11.9');
  assert.equal(first.key.code, 'E11.22');
  assert.match(first.feedback[0], /E11\.9 is "Type 2 diabetes mellitus without complications"; the key is E11\.22/);
  assert.ok(first.rationale.chart_quotes.length > 0);
  assert.deepEqual(r.findings, []);
});

test('grade: practicode policy and Excludes1 findings', () => {
  const answer = JSON.stringify({ diagnoses: ['E11.22', 'N18.31', 'E10.22'] });
  const r = trainer.grade(caseJson, answer, 'practicode');
  assert.equal(r.policy, 'practicode');
  assert.equal(r.score, 40); // 2 correct / max(3 entered, 5 in the key)
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].rule, 'EXCLUDES1');
  assert.deepEqual(r.findings[0].codes, ['E11.22', 'E10.22']);
  assert.equal(r.lines[2].error, 'excludes1');
});

test('grade: unreadable input throws an Error with a readable message', () => {
  assert.throws(() => trainer.grade(caseJson, '{"diagnoses": "E11.9"}', 'standard'), (e) => e instanceof Error && /diagnoses/.test(e.message));
  assert.throws(() => trainer.grade(caseJson, '{}', 'lenient'), (e) => e instanceof Error && /unknown grading policy/.test(e.message));
  assert.throws(() => trainer.grade('{', '{}', ''), (e) => e instanceof Error && /not valid JSON/.test(e.message));
});

test('checkCase: a library case is ok and playable', () => {
  const c = trainer.checkCase(caseJson);
  assert.equal(c.ok, true);
  assert.equal(c.playable, true);
  assert.equal(c.case.id, 'dx-t2dm-ckd-followup');
  assert.deepEqual(c.problems, []);
});

test('checkCase: a hostile case is refused with the problems, never thrown', () => {
  const c = trainer.checkCase(read('../fixtures/cases/hostile.json'));
  assert.equal(c.ok, false);
  assert.equal(c.playable, false);
  assert.equal(c.case, null);
  const fields = c.problems.map((p) => `${p.field}: ${p.message}`);
  assert.ok(fields.some((f) => f.startsWith('chart[1].text: contains raw HTML')), fields.join('\n'));
  assert.ok(fields.some((f) => f.startsWith('html: unknown field')), fields.join('\n'));
  const big = trainer.checkCase(' '.repeat(2 << 20));
  assert.equal(big.ok, false);
  assert.match(big.problems[0].message, /at most 1\.0 MiB/);
});

test('gradingPolicies: both policies, described', () => {
  const list = trainer.gradingPolicies();
  assert.deepEqual(list.map((p) => p.name), ['standard', 'practicode']);
  assert.ok(list.every((p) => p.description.length > 100));
});
