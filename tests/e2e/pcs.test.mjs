// Browser tests of the ICD-10-PCS builder view (www/js/pcs.js), in headless Debian Chromium.
//
//   cargo xtask test                       starts a server and sets MEDCODE_BASE_URL
//   cargo xtask serve &  MEDCODE_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/
//
// Screenshots for review are written to tests/e2e/artifacts/ (gitignored).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ORIGIN, ARTIFACTS, DATE, DESKTOP, PHONE, browser, useBrowser, openApp as openAppAt, waitLoaded } from './harness.mjs';

const TITLE_0DTJ4ZZ = 'Resection of Appendix, Percutaneous Endoscopic Approach';

useBrowser();

/** The app at `hash` (default '#/pcs'), once this area has drawn. */
const openApp = (t, options = {}) => openAppAt(t, { hash: '#/pcs', ready: waitReady, ...options });

/** Ready once a code set is loaded (or failed); for a builder route, once the builder is drawn. */
async function waitReady(page) {
  await waitLoaded(page);
  if (new URL(page.url()).hash.startsWith('#/pcs')) {
    await page.locator('#pcs-body').locator('.pcs-slots, .pcs-result, .pcs-alert').first().waitFor();
  }
}

const choices = (page) => page.getByRole('listbox', { name: /^Position \d of 7/ });
const choice = (page, ch) => choices(page).getByRole('option', { name: new RegExp(`^${escapeRe(ch)}\\s`) });
const stepHeading = (page, pos, axis) =>
  page.getByRole('heading', { level: 2, name: `Position ${pos} of 7 ${axis}` });
const resultHeading = (page, code) => page.getByRole('heading', { level: 2, name: new RegExp(`^${escapeRe(code)}\\s`) });
const slot = (page, pos) => page.getByRole('link', { name: new RegExp(`^Position ${pos}, `) });
const filterBox = (page) => page.getByRole('combobox', { name: /^Filter .* values$/ });
const lookupBox = (page) => page.getByRole('textbox', { name: 'Look up a PCS code' });
const dateBox = (page) => page.getByLabel('Date of service', { exact: true });
const validity = (page) => page.getByRole('region', { name: 'Validity' });

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function assertNoErrors(errors) {
  assert.deepEqual(errors, [], 'the page logged errors');
}

/** The hash of the page's URL. */
function hashOf(page) {
  return decodeURIComponent(new URL(page.url()).hash);
}

/** The characters of the rendered options, in order. */
async function renderedChars(page) {
  return choices(page).locator('[role="option"] .choice-char').allInnerTexts();
}

/** What the core's builder returns for `prefix`, evaluated in the page with its own handle. */
async function coreBuild(page, prefix) {
  return page.evaluate(async (p) => {
    const m = await import('./pkg/medcode.js');
    await m.default();
    const bytes = new Uint8Array(await (await fetch('pkg/icd10pcs.bin')).arrayBuffer());
    const pcs = new m.PcsCodes(bytes);
    const step = pcs.build(p);
    return { chars: step.choices.map((c) => c.char), labels: step.choices.map((c) => c.label), axis: step.next_axis };
  }, prefix);
}

/** The focus is not in a text field (so characters and Backspace drive the builder). */
async function focusOutsideInputs(page) {
  return page.evaluate(() => !document.activeElement?.matches('input, textarea, select'));
}

async function assertNoOverflow(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what}: no horizontal page scroll (overflow ${overflow}px)`);
  const inner = await page.evaluate(() => [...document.querySelectorAll('#pcs-area .table-scroll, #pcs-area .pcs-slots, #pcs-area .pcs-choices')]
    .filter((el) => el.offsetParent !== null)
    .map((el) => el.scrollWidth - el.clientWidth)
    .reduce((a, b) => Math.max(a, b), 0));
  assert.ok(inner <= 0, `${what}: boxes, values and tables fit (overflow ${inner}px)`);
}

async function shot(page, name, opts = {}) {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, ...opts });
}

// ---------------------------------------------------------------------------------------------

test('the header navigation switches between the ICD-10-CM lookup and the PCS builder; Back works', async (t) => {
  const { page, errors } = await openApp(t, { hash: '' });
  const nav = page.getByRole('navigation', { name: 'Code sets' });
  const cmTab = nav.getByRole('link', { name: 'ICD-10-CM lookup' });
  const pcsTab = nav.getByRole('link', { name: 'ICD-10-PCS builder' });
  assert.equal(await cmTab.getAttribute('aria-current'), 'page');
  assert.equal(await pcsTab.getAttribute('aria-current'), null);

  // Keyboard: focus the tab and press Enter.
  await pcsTab.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Build an ICD-10-PCS code' }).waitFor();
  await stepHeading(page, 1, 'Section').waitFor();
  assert.equal(hashOf(page), '#/pcs');
  assert.equal(await pcsTab.getAttribute('aria-current'), 'page');
  assert.equal(await cmTab.getAttribute('aria-current'), null);
  assert.match(await page.getByRole('contentinfo').innerText(), /ICD-10-PCS FY2026/, 'footer shows the PCS edition');
  assert.equal(await page.getByRole('combobox', { name: 'Search codes and titles' }).isVisible(), false,
    'the ICD-10-CM search is not shown in the builder');

  // Back returns to the ICD-10-CM lookup, Forward to the builder.
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: 'Look up an ICD-10-CM code' }).waitFor();
  assert.equal(await cmTab.getAttribute('aria-current'), 'page');
  await page.goForward();
  await stepHeading(page, 1, 'Section').waitFor();

  // A tab returns to where the student was in its area.
  await page.keyboard.press('0');
  await stepHeading(page, 2, 'Body System').waitFor();
  await cmTab.click();
  await page.getByRole('heading', { level: 1, name: 'Look up an ICD-10-CM code' }).waitFor();
  assert.equal(await pcsTab.getAttribute('href'), '#/pcs/0');
  await pcsTab.click();
  await stepHeading(page, 2, 'Body System').waitFor();
  assertNoErrors(errors);
});

test('keyboard alone: 0 D T J 4 Z Z builds 0DTJ4ZZ; Backspace, filter + Enter and arrows + Enter build it again', async (t) => {
  const { page, errors } = await openApp(t, { hash: '#/pcs' });
  await stepHeading(page, 1, 'Section').waitFor();
  assert.equal(await choices(page).evaluate((el) => el === document.activeElement), true, 'the values have the focus');

  const steps = [['0', 2, 'Body System'], ['D', 3, 'Operation'], ['T', 4, 'Body Part'], ['J', 5, 'Approach'],
    ['4', 6, 'Device'], ['Z', 7, 'Qualifier']];
  let built = '';
  for (const [key, pos, axis] of steps) {
    await page.keyboard.press(key.toLowerCase());
    built += key;
    await stepHeading(page, pos, axis).waitFor();
    assert.equal(hashOf(page), `#/pcs/${built}`);
  }
  await page.keyboard.press('Z');
  await resultHeading(page, '0DTJ4ZZ').waitFor();
  assert.equal(hashOf(page), '#/pcs/0DTJ4ZZ');
  assert.equal(await resultHeading(page, '0DTJ4ZZ').innerText().then((s) => s.replace(/\s+/g, ' ')),
    `0DTJ4ZZ ${TITLE_0DTJ4ZZ}`);
  assert.match(await page.title(), new RegExp(`^0DTJ4ZZ ${TITLE_0DTJ4ZZ}`));

  // Backspace removes the last character, five times: back at position 3 (Operation) of 0D.
  assert.equal(await focusOutsideInputs(page), true);
  for (let i = 0; i < 5; i += 1) {
    const before = hashOf(page);
    await page.keyboard.press('Backspace');
    await page.waitForFunction((b) => decodeURIComponent(location.hash) !== b, before);
  }
  await stepHeading(page, 3, 'Operation').waitFor();
  assert.equal(hashOf(page), '#/pcs/0D');

  // "/" focuses the filter; "resec" + Enter chooses Resection.
  await page.keyboard.press('/');
  assert.equal(await filterBox(page).evaluate((el) => el === document.activeElement), true, '"/" focuses the filter');
  await page.keyboard.type('resec');
  assert.deepEqual(await renderedChars(page), ['T'], 'only Resection matches "resec"');
  await page.keyboard.press('Enter');
  await stepHeading(page, 4, 'Body Part').waitFor();
  assert.equal(hashOf(page), '#/pcs/0DT');
  // After a choice made in the filter, the filter has the focus again, empty.
  assert.equal(await filterBox(page).evaluate((el) => el === document.activeElement && el.value === ''), true);
  await page.keyboard.type('appen');
  await page.keyboard.press('Enter');
  await stepHeading(page, 5, 'Approach').waitFor();

  // Esc leaves the empty filter for the list; arrows + Enter choose there.
  await page.keyboard.press('Escape');
  assert.equal(await choices(page).evaluate((el) => el === document.activeElement), true, 'Esc moves to the values');
  const approaches = await renderedChars(page);
  const target = approaches.indexOf('4');
  assert.ok(target > 0, 'approach 4 is offered, not first');
  for (let i = 0; i < target; i += 1) await page.keyboard.press('ArrowDown');
  const activeId = await choices(page).getAttribute('aria-activedescendant');
  assert.equal(await page.locator(`[id="${activeId}"]`).getAttribute('aria-selected'), 'true');
  assert.match(await page.locator(`[id="${activeId}"]`).innerText(), /^4\s/);
  await page.keyboard.press('Enter');
  await stepHeading(page, 6, 'Device').waitFor();
  await page.keyboard.press('Enter'); // the only device value: Z No Device
  await stepHeading(page, 7, 'Qualifier').waitFor();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter'); // the last qualifier: Z No Qualifier
  await resultHeading(page, '0DTJ4ZZ').waitFor();
  assert.equal(hashOf(page), '#/pcs/0DTJ4ZZ');

  // Alt+Left goes back a step in history.
  await page.keyboard.press('Alt+ArrowLeft');
  await stepHeading(page, 7, 'Qualifier').waitFor();

  // The keys are documented in the view.
  const keys = await page.getByRole('region', { name: 'Keyboard' }).innerText();
  for (const k of ['0–9', 'A–Z', 'Enter', '/', 'Backspace', 'Esc']) assert.ok(keys.includes(k), `keys list ${k}`);
  assertNoErrors(errors);
});

test('typing 0dtj4zz without pausing builds the code; each character is a history entry', async (t) => {
  const { page, errors } = await openApp(t, { hash: `#/pcs?date=${DATE}` });
  await stepHeading(page, 1, 'Section').waitFor();
  await page.keyboard.type('0dtj4zz');
  await resultHeading(page, '0DTJ4ZZ').waitFor();
  assert.equal(hashOf(page), `#/pcs/0DTJ4ZZ?date=${DATE}`);
  assert.match(await validity(page).innerText(), new RegExp(`Valid on ${DATE}`));
  for (const [pos, axis, hash] of [[7, 'Qualifier', '0DTJ4Z'], [6, 'Device', '0DTJ4'], [5, 'Approach', '0DTJ']]) {
    await page.keyboard.press('Alt+ArrowLeft');
    await stepHeading(page, pos, axis).waitFor();
    assert.equal(hashOf(page), `#/pcs/${hash}?date=${DATE}`);
  }

  // A new date of service on a partial code is kept when the code is finished.
  await dateBox(page).fill('2027-10-01');
  assert.equal(hashOf(page), '#/pcs/0DTJ?date=2027-10-01');
  await choices(page).focus();
  await page.keyboard.type('4zz');
  await resultHeading(page, '0DTJ4ZZ').waitFor();
  assert.equal(hashOf(page), '#/pcs/0DTJ4ZZ?date=2027-10-01');
  assert.equal(await validity(page).locator('.validity-head').innerText(), 'Not valid on 2027-10-01');
  assertNoErrors(errors);
});

test('clicking a filled box backs up to that position; another body part is chosen; Back returns', async (t) => {
  const { page, errors } = await openApp(t, { hash: '#/pcs/0DTJ4ZZ' });
  await resultHeading(page, '0DTJ4ZZ').waitFor();
  const box4 = slot(page, 4);
  assert.match(await box4.innerText(), /J\s+Appendix/);
  await box4.click();
  await stepHeading(page, 4, 'Body Part').waitFor();
  assert.equal(hashOf(page), '#/pcs/0DT');
  assert.equal(await slot(page, 4).count(), 0, 'position 4 is open again');
  assert.equal(await slot(page, 3).count(), 1, 'positions 1–3 stay filled');
  assert.deepEqual(await renderedChars(page), (await coreBuild(page, '0DT')).chars, 'the values are recomputed');

  await choice(page, 'H').click();
  await stepHeading(page, 5, 'Approach').waitFor();
  assert.equal(hashOf(page), '#/pcs/0DTH');
  assert.match(await slot(page, 4).innerText(), /H\s+Cecum/);
  assert.deepEqual(await renderedChars(page), (await coreBuild(page, '0DTH')).chars);

  // Clicking the first box starts over; Back walks the same way home.
  await slot(page, 1).click();
  await stepHeading(page, 1, 'Section').waitFor();
  assert.equal(hashOf(page), '#/pcs');
  await page.goBack();
  await stepHeading(page, 5, 'Approach').waitFor();
  await page.goBack();
  await stepHeading(page, 4, 'Body Part').waitFor();
  await page.goBack();
  await resultHeading(page, '0DTJ4ZZ').waitFor();
  assertNoErrors(errors);
});

test('only the values the core returns are offered, at every position (compared with pcs.build in the page)', async (t) => {
  const { page, errors } = await openApp(t, { hash: '#/pcs' });
  for (const prefix of ['', '0', '0D', '0DT', '0DTJ', '0DTJ4', '0DTJ4Z', 'B', 'BW', '0JH6', 'X']) {
    await page.evaluate((h) => { location.hash = h; }, prefix ? `#/pcs/${prefix}` : '#/pcs');
    const core = await coreBuild(page, prefix);
    await stepHeading(page, prefix.length + 1, core.axis).waitFor();
    assert.deepEqual(await renderedChars(page), core.chars, `values after "${prefix}"`);
    const labels = await choices(page).locator('.choice-label').allInnerTexts();
    assert.deepEqual(labels, core.labels, `labels after "${prefix}"`);
  }

  // At 0DT no body part D exists: pressing D chooses nothing and says so.
  await page.evaluate(() => { location.hash = '#/pcs/0DT'; });
  await stepHeading(page, 4, 'Body Part').waitFor();
  const offered = (await coreBuild(page, '0DT')).chars;
  assert.equal(offered.includes('D'), false);
  assert.equal(await choice(page, 'D').count(), 0, 'D is not listed');
  await choices(page).focus();
  await page.keyboard.press('d');
  await page.getByRole('status').filter({ hasText: 'D is not a Body Part offered here' }).waitFor();
  assert.equal(hashOf(page), '#/pcs/0DT', 'no navigation');

  // Filtering narrows the core's list and never adds to it.
  await filterBox(page).fill('colon');
  const filtered = await renderedChars(page);
  assert.ok(filtered.length >= 4, 'several colon segments');
  assert.ok(filtered.every((c) => offered.includes(c)));

  // The operation step shows each root operation's definition.
  await page.evaluate(() => { location.hash = '#/pcs/0D'; });
  await stepHeading(page, 3, 'Operation').waitFor();
  assert.match(await choice(page, 'T').innerText(), /Cutting out or off, without replacement, all of a body part/);

  // A start no table allows: the core's message, and the builder where the code still works.
  await page.evaluate(() => { location.hash = '#/pcs/0DTD'; });
  const alert = page.getByRole('alert').filter({ hasText: '0DTD' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /no FY2026 ICD-10-PCS table allows a code starting 0DTD/);
  await stepHeading(page, 4, 'Body Part').waitFor();
  assertNoErrors(errors);
});

test('a complete code shows its lookup: valid on 2026-04-01, its seven characters, table and row', async (t) => {
  const { page, errors } = await openApp(t, { hash: `#/pcs/0DTJ4ZZ?date=${DATE}` });
  await resultHeading(page, '0DTJ4ZZ').waitFor();
  assert.equal(await dateBox(page).inputValue(), DATE, 'the date comes from the URL');
  const box = validity(page);
  assert.equal(await box.locator('.validity-head').innerText(), `Valid on ${DATE}`);
  assert.equal(await box.evaluate((el) => el.classList.contains('is-valid')), true);
  assert.match(await box.innerText(), /Valid for dates of service 2015-10-01 to 2027-03-31\./);
  const result = page.getByRole('article', { name: new RegExp(`^0DTJ4ZZ ${TITLE_0DTJ4ZZ}`) });
  assert.equal((await result.locator('.entry-badges .badge').first().innerText()).toLowerCase(), 'valid');

  const rows = await page.getByRole('region', { name: 'Characters' }).getByRole('row').allInnerTexts();
  assert.equal(rows.length, 8, 'a header row and seven characters');
  const tidy = rows.slice(1).map((r) => r.split(/\t|\n/).map((s) => s.trim()).filter(Boolean).join(' '));
  assert.deepEqual(tidy, [
    '1 Section 0 Medical and Surgical',
    '2 Body System D Gastrointestinal System',
    '3 Operation T Resection',
    '4 Body Part J Appendix',
    '5 Approach 4 Percutaneous Endoscopic',
    '6 Device Z No Device',
    '7 Qualifier Z No Qualifier',
  ]);
  const facts = await page.getByRole('region', { name: 'Table and root operation' }).innerText();
  assert.match(facts, /0DT, row 3/);
  assert.match(facts, /Cutting out or off, without replacement, all of a body part/);

  // The date selector re-runs the lookup; the URL follows.
  await dateBox(page).fill('2027-10-01');
  await validity(page).getByText('Not valid on 2027-10-01', { exact: true }).waitFor();
  assert.equal(hashOf(page), '#/pcs/0DTJ4ZZ?date=2027-10-01');
  assert.equal(await validity(page).evaluate((el) => el.classList.contains('is-invalid')), true);

  // Copy code.
  await t.test('copy code', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ORIGIN });
    await page.getByRole('button', { name: 'Copy code' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied 0DTJ4ZZ' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), '0DTJ4ZZ');
  });
  assertNoErrors(errors);
});

test('"Look up a PCS code" opens a code or a start of one; the core\'s errors are shown as messages', async (t) => {
  const { page, errors } = await openApp(t, { hash: `#/pcs?date=${DATE}` });
  const box = lookupBox(page);
  await box.fill('0dtj4zz');
  await box.press('Enter');
  await resultHeading(page, '0DTJ4ZZ').waitFor();
  assert.equal(hashOf(page), `#/pcs/0DTJ4ZZ?date=${DATE}`);

  await box.fill('0DTJ4ZY');
  await page.getByRole('button', { name: 'Open' }).click();
  const msg = page.locator('#pcs-lookup-msg');
  await msg.getByText(/0DTJ4ZY is not an ICD-10-PCS code/).waitFor();
  assert.equal(await box.getAttribute('aria-describedby'), 'pcs-lookup-msg');
  assert.equal(hashOf(page), `#/pcs/0DTJ4ZZ?date=${DATE}`, 'no navigation on an error');

  await box.fill('hello');
  await box.press('Enter');
  await msg.getByText(/'hello' is not an ICD-10-PCS code: expected 7 characters/).waitFor();

  await box.fill('0dt');
  await box.press('Enter');
  await stepHeading(page, 4, 'Body Part').waitFor();
  assert.equal(hashOf(page), `#/pcs/0DT?date=${DATE}`);
  assert.equal(await msg.innerText(), '');

  // A code added in April 2026 has no table row: valid on its date, untitled, and the core says why.
  await box.fill('02HM3JZ');
  await box.press('Enter');
  await resultHeading(page, '02HM3JZ').waitFor();
  assert.equal(await validity(page).locator('.validity-head').innerText(), `Valid on ${DATE}`);
  assert.match(await validity(page).innerText(), /Not in the FY2026 \(October 2025\) tables/);
  assert.match(await resultHeading(page, '02HM3JZ').innerText(), /No title/);
  assertNoErrors(errors);
});

test('the reference panel: root operations of the section (current one marked) and device aggregation', async (t) => {
  const { page, errors } = await openApp(t, { hash: '#/pcs/0DT' });
  const ref = page.getByRole('complementary', { name: 'Reference' });
  const ops = ref.locator('#ref-ops');
  assert.equal(await ops.evaluate((el) => el.open), true, 'open beside the builder');
  assert.match(await ops.locator('summary').innerText(), /Root operations\s+Section 0 Medical and Surgical\s+31/);
  const current = ops.locator('.ref-def.is-current');
  assert.equal(await current.count(), 1);
  assert.match(await current.innerText(), /^Resection\s+Cutting out or off, without replacement, all of a body part/);
  assert.equal(await current.isVisible(), true);

  const core = await page.evaluate(async () => {
    const m = await import('./pkg/medcode.js');
    await m.default();
    const pcs = new m.PcsCodes(new Uint8Array(await (await fetch('pkg/icd10pcs.bin')).arrayBuffer()));
    return {
      ops: pcs.definitions('0').filter((d) => d.axis === 'Operation').map((d) => d.term),
      imaging: pcs.definitions('B').filter((d) => d.axis === 'Type').map((d) => d.term),
      devices: pcs.deviceAggregation().length,
    };
  });
  assert.deepEqual(await ops.locator('.ref-term').allInnerTexts(), core.ops);
  const devices = ref.locator('#ref-devices');
  assert.equal(await devices.locator('.ref-device').count(), core.devices);
  assert.match(await devices.locator('.ref-device').first().innerText(), /→/);

  // Another section: its own position-3 values (Imaging has "Type" there).
  await page.evaluate(() => { location.hash = '#/pcs/BW'; });
  await stepHeading(page, 3, 'Type').waitFor();
  assert.match(await ops.locator('summary').innerText(), /Type values\s+Section B Imaging/);
  assert.deepEqual(await ops.locator('.ref-term').allInnerTexts(), core.imaging);
  assertNoErrors(errors);
});

test('phone: the reference is folded under the builder and opens with the keyboard', async (t) => {
  const { page, errors } = await openApp(t, { hash: '#/pcs/0DT', viewport: PHONE, isMobile: true });
  const ops = page.locator('#ref-ops');
  assert.equal(await ops.evaluate((el) => el.open), false, 'folded on a phone');
  assert.equal(await page.locator('#ref-devices').evaluate((el) => el.open), false);
  await ops.locator('summary').focus();
  await page.keyboard.press('Enter');
  assert.equal(await ops.evaluate((el) => el.open), true);
  assert.equal(await ops.locator('.ref-def.is-current').isVisible(), true);
  await assertNoOverflow(page, 'phone reference');
  assertNoErrors(errors);
});

for (const [what, reply] of [
  ['a missing code set', { status: 404, body: 'not found' }],
  ['damaged code-set bytes', { status: 200, body: 'this is not a compiled code set', contentType: 'application/octet-stream' }],
]) {
  test(`PCS: ${what} shows a clear error state; the ICD-10-CM lookup still works`, async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP, serviceWorkers: 'block' });
    t.after(() => context.close());
    await context.route('**/pkg/icd10pcs.bin', (route) => route.fulfill(reply));
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${BASE}#/pcs/0DT`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /The ICD-10-PCS code set could not be loaded/);
    assert.ok(text.split('\n').filter((l) => l.trim()).length >= 2, 'the reason is shown');
    assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 1);
    assert.match(await page.getByRole('contentinfo').innerText(), /ICD-10-PCS code set not loaded/);
    await shot(page, `pcs-load-error-${reply.status}`);

    await page.getByRole('link', { name: 'ICD-10-CM lookup' }).click();
    const search = page.getByRole('combobox', { name: 'Search codes and titles' });
    await page.waitForFunction(() => !document.getElementById('search').disabled);
    await search.fill('E11.22');
    await page.getByRole('option', { name: /^E11\.22\s/ }).waitFor();
    assert.deepEqual(pageErrors, [], 'no uncaught exceptions');
  });
}

test('the builder makes zero requests to any non-local origin', async (t) => {
  const context = await browser.newContext({ viewport: DESKTOP, serviceWorkers: 'allow' });
  t.after(() => context.close());
  const urls = [];
  context.on('request', (req) => urls.push(req.url()));
  const page = await context.newPage();
  page.on('request', (req) => urls.push(req.url()));
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(err.message));

  await page.goto(`${BASE}#/pcs`);
  await waitReady(page);
  for (const key of ['0', 'D', 'T', 'J', '4', 'Z', 'Z']) await page.keyboard.press(key);
  await resultHeading(page, '0DTJ4ZZ').waitFor();
  await dateBox(page).fill('2027-10-01');
  await validity(page).getByText('Not valid on 2027-10-01', { exact: true }).waitFor();
  await slot(page, 2).click();
  await stepHeading(page, 2, 'Body System').waitFor();
  await filterBox(page).fill('heart');
  await page.keyboard.press('Enter');
  await stepHeading(page, 3, 'Operation').waitFor();
  await lookupBox(page).fill('02HM3JZ');
  await lookupBox(page).press('Enter');
  await resultHeading(page, '02HM3JZ').waitFor();
  await page.locator('#ref-devices summary').click();
  await page.evaluate(() => navigator.serviceWorker?.ready);

  assert.ok(urls.some((u) => u.endsWith('/pkg/icd10pcs.bin')), 'the PCS code set was fetched');
  const foreign = urls.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:')) return false;
    return new URL(u).origin !== ORIGIN;
  });
  assert.deepEqual(foreign, [], 'no request left the local origin');
  assert.match(ORIGIN, /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/);
  assert.deepEqual(errors, []);
});

test('offline: a reload still shows the builder and builds codes', async (t) => {
  const context = await browser.newContext({ viewport: DESKTOP, serviceWorkers: 'allow' });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(err.message));

  await page.goto(`${BASE}#/pcs/0DT`);
  await waitReady(page);
  const cached = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    const name = (await caches.keys()).find((n) => n.startsWith('medcode-'));
    const cache = await caches.open(name);
    return Boolean(await cache.match('pkg/icd10pcs.bin'));
  });
  assert.equal(cached, true, 'pkg/icd10pcs.bin is precached');
  await page.reload();
  await waitReady(page);
  assert.equal(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), true, 'page is controlled');

  await context.setOffline(true);
  const responses = [];
  page.on('response', (res) => responses.push(res));
  await page.reload();
  await waitReady(page);
  await stepHeading(page, 4, 'Body Part').waitFor();
  assert.ok(responses.length > 0);
  for (const res of responses) {
    assert.equal(res.fromServiceWorker(), true, `${res.url()} came from the service worker`);
  }
  assert.ok(responses.some((r) => r.url().endsWith('/pkg/icd10pcs.bin')), 'the PCS code set came from the cache');
  for (const key of ['J', '4', 'Z', 'Z']) await page.keyboard.press(key);
  await resultHeading(page, '0DTJ4ZZ').waitFor();
  await context.setOffline(false);
  assert.deepEqual(errors, []);
});

// ---------------------------------------------------------------------------------------------
// Screenshots for review (both sizes): the builder at position 4, the filter in use, a complete
// code, and the reference.

for (const [size, viewport, isMobile] of [['1366x768', DESKTOP, false], ['390x844', PHONE, true]]) {
  test(`PCS screenshots at ${size}`, async (t) => {
    const { page, errors } = await openApp(t, { viewport, isMobile, hash: `#/pcs/0DT?date=${DATE}` });
    await stepHeading(page, 4, 'Body Part').waitFor();
    await page.mouse.move(0, 0);
    await shot(page, `pcs-position4-${size}`);
    await shot(page, `pcs-position4-${size}-full`, { fullPage: true });
    await assertNoOverflow(page, 'position 4');

    await page.keyboard.press('/');
    await page.keyboard.type('colon');
    await shot(page, `pcs-filter-${size}`);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');

    await page.evaluate(() => { location.hash = '#/pcs/0D?date=2026-04-01'; });
    await stepHeading(page, 3, 'Operation').waitFor();
    await shot(page, `pcs-operation-${size}`);
    await assertNoOverflow(page, 'position 3');

    for (const key of ['T', 'J', '4', 'Z', 'Z']) await page.keyboard.press(key);
    await resultHeading(page, '0DTJ4ZZ').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, `pcs-complete-${size}`);
    await shot(page, `pcs-complete-${size}-full`, { fullPage: true });
    await assertNoOverflow(page, '0DTJ4ZZ');

    if (isMobile) {
      await page.locator('#ref-ops summary').tap();
      await page.locator('#ref-ops').scrollIntoViewIfNeeded();
      await shot(page, `pcs-reference-${size}`);
      await assertNoOverflow(page, 'reference');
    }
    assertNoErrors(errors);
  });
}
