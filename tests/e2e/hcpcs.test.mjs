// Browser tests of the HCPCS & CPT view (www/js/hcpcs.js) with the student's own CPT descriptors,
// and of the ICD-10-PCS search and Index browser (www/js/pcsindex.js), in headless Debian Chromium.
//
//   cargo xtask test                       starts a server and sets MEDCODE_BASE_URL
//   cargo xtask serve &  MEDCODE_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/
//
// The CPT descriptor files used here are generated in the test: real CPT code NUMBERS (from the
// page's own core, hcpcs.codesOn) with made-up placeholder descriptors ("Test descriptor 1"),
// never AMA text. Screenshots for review are written to tests/e2e/artifacts/ (gitignored).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ORIGIN, ARTIFACTS, DATE, DESKTOP, PHONE, browser, useBrowser, openApp as openAppAt, waitLoaded } from './harness.mjs';

const J1885 = 'Injection, ketorolac tromethamine, per 15 mg';
const CPT_NOTE = 'CPT 99213 — descriptor not included (AMA copyright); import your licensed file to see it';
const TITLE_0DTJ4ZZ = 'Resection of Appendix, Percutaneous Endoscopic Approach';

useBrowser();

/** The app at `hash` (default '#/hcpcs'), once this area has drawn. */
const openApp = (t, options = {}) => openAppAt(t, { hash: '#/hcpcs', ready: waitReady, ...options });

/** Ready once a code set is loaded (or failed), and the shown area has drawn its view. */
async function waitReady(page) {
  await waitLoaded(page);
  const hash = new URL(page.url()).hash;
  if (hash.startsWith('#/hcpcs')) {
    await page.locator('#hcpcs-view[aria-busy="false"]').waitFor();
  } else if (hash.startsWith('#/pcs')) {
    await page.locator('#pcs-body').locator('.pcs-slots, .pcs-result, .pcs-alert, .pcs-index').first().waitFor();
  }
}

const hcpcsSearch = (page) => page.getByRole('combobox', { name: 'Search HCPCS, CPT and modifiers' });
const hcpcsHeading = (page, name) => page.getByRole('heading', { level: 1, name });
const codeHeading = (page, code) => hcpcsHeading(page, new RegExp(`^${escapeRe(code)}(\\s|$)`));
const option = (page, code) => page.getByRole('option', { name: new RegExp(`^${escapeRe(code)}\\s`) });
const dateBox = (page) => page.getByLabel('Date of service', { exact: true });
const validity = (page) => page.getByRole('region', { name: 'Validity' });
const pcsSearch = (page) => page.getByRole('combobox', { name: 'Search procedures and the Index' });
const stepHeading = (page, pos, axis) =>
  page.getByRole('heading', { level: 2, name: `Position ${pos} of 7 ${axis}` });
const resultHeading = (page, code) => page.getByRole('heading', { level: 2, name: new RegExp(`^${escapeRe(code)}\\s`) });
const cptStatus = (page) => page.getByRole('region', { name: 'Your CPT descriptors' });
const importResult = (page) => page.locator('#cpt-import-result .import-result');

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function assertNoErrors(errors) {
  assert.deepEqual(errors, [], 'the page logged errors');
}

function hashOf(page) {
  return decodeURIComponent(new URL(page.url()).hash);
}

/** Call a method of a fresh HcpcsCodes handle in the page: what the core itself answers. */
async function coreCall(page, method, ...args) {
  return page.evaluate(async ([name, a]) => {
    const m = await import('./pkg/medcode.js');
    await m.default();
    const hcpcs = new m.HcpcsCodes(new Uint8Array(await (await fetch('pkg/hcpcs.bin')).arrayBuffer()));
    return hcpcs[name](...a);
  }, [method, args]);
}

async function assertNoOverflow(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what}: no horizontal page scroll (overflow ${overflow}px)`);
  const inner = await page.evaluate(() => [...document.querySelectorAll('[data-area]:not([hidden]) main, [data-area]:not([hidden]) main *')]
    .filter((el) => el.offsetParent !== null && el.clientWidth > 1 && getComputedStyle(el).overflowX !== 'visible')
    .map((el) => el.scrollWidth - el.clientWidth)
    .reduce((a, b) => Math.max(a, b), 0));
  assert.ok(inner <= 0, `${what}: nothing scrolls sideways inside the view (overflow ${inner}px)`);
}

async function shot(page, name, opts = {}) {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, ...opts });
}

/** A CSV of `n` CPT numbers valid on DATE, 99213 among them, with placeholder descriptors. */
async function descriptorCsv(page, n) {
  const codes = await coreCall(page, 'codesOn', DATE, 'cpt');
  assert.ok(codes.length >= n, `the core lists at least ${n} CPT numbers on ${DATE} (${codes.length})`);
  const chosen = codes.filter((c) => c !== '99213').slice(0, n - 1);
  chosen.splice(Math.floor(n / 2), 0, '99213');
  const lines = ['CPT Code,Long Descriptor', ...chosen.map((c, i) => `${c},Test descriptor ${i + 1}`)];
  return { csv: `${lines.join('\r\n')}\r\n`, descriptorOf99213: `Test descriptor ${chosen.indexOf('99213') + 1}`, codes: chosen };
}

/** Hand a file to the page's file picker. */
async function chooseFile(page, name, content, mimeType = 'text/csv') {
  await page.locator('#cpt-file').setInputFiles({ name, mimeType, buffer: Buffer.from(content) });
}

/** Drop a file on the drop zone, as a drag from the desktop would. */
async function dropFile(page, name, text) {
  await page.evaluate(([n, t]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], n, { type: 'text/csv' }));
    const zone = document.getElementById('cpt-dropzone');
    zone.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [name, text]);
}

// ---------------------------------------------------------------------------------------------

test('the HCPCS & CPT tab loads the code set lazily; J1885 shows its descriptions, coverage and validity on the date', async (t) => {
  const { page, errors } = await openApp(t, { hash: '' });
  const requested = [];
  page.on('request', (req) => requested.push(req.url()));
  const tab = page.getByRole('navigation', { name: 'Code sets' }).getByRole('link', { name: 'HCPCS & CPT' });
  await tab.focus();
  await page.keyboard.press('Enter');
  await hcpcsHeading(page, 'HCPCS Level II and CPT').waitFor();
  assert.equal(hashOf(page), '#/hcpcs');
  assert.equal(await tab.getAttribute('aria-current'), 'page');
  assert.ok(requested.some((u) => u.endsWith('/pkg/hcpcs.bin')), 'hcpcs.bin is fetched when the tab is opened');
  assert.match(await page.getByRole('contentinfo').innerText(), /HCPCS Level II January 2026/);
  assert.equal(await hcpcsSearch(page).evaluate((el) => el === document.activeElement), true, 'the search box has the focus');

  await dateBox(page).fill(DATE);
  await hcpcsSearch(page).fill('ketorolac');
  await option(page, 'J1885').waitFor();
  assert.equal(await hcpcsSearch(page).getAttribute('aria-expanded'), 'true');
  const coreHits = (await coreCall(page, 'search', 'ketorolac', 20)).map((x) => x.code);
  assert.deepEqual(await page.locator('#hcpcs-results [role="option"] .result-code').allInnerTexts(), coreHits,
    'the hits are the core\'s, in its order');
  await hcpcsSearch(page).press('Enter'); // the first hit
  await codeHeading(page, 'J1885').waitFor();
  assert.equal(hashOf(page), `#/hcpcs/J1885?date=${DATE}`);
  assert.equal((await codeHeading(page, 'J1885').innerText()).replace(/\s+/g, ' '), `J1885 ${J1885}`);
  assert.match(await page.title(), /^J1885 Injection, ketorolac/);

  const box = validity(page);
  assert.equal(await box.locator('.validity-head').innerText(), `Valid on ${DATE}`);
  assert.match(await box.innerText(), /Valid for dates of service 1993-01-01 onward\./);
  const descriptions = await page.getByRole('region', { name: 'Descriptions' }).innerText();
  assert.match(descriptions, new RegExp(`Long description\\s+${escapeRe(J1885)}`));
  assert.match(descriptions, /Short description\s+Ketorolac tromethamine inj/);
  const coverage = await page.getByRole('region', { name: 'Coverage and payment' }).innerText();
  assert.match(coverage, /Coverage\s+D\s+Special coverage instructions apply/);
  assert.match(coverage, /BETOS\s+O1E\s+Other drugs/);
  const crumbs = page.getByRole('navigation', { name: 'Where this code belongs' });
  assert.equal(await crumbs.getByRole('link', { name: /^J\s+Drugs given other than by mouth/ }).count(), 1);

  // The date of service selector: J1885 is not valid before 1993.
  await dateBox(page).fill('1992-12-31');
  await validity(page).getByText('Not valid on 1992-12-31', { exact: true }).waitFor();
  assert.equal(hashOf(page), '#/hcpcs/J1885?date=1992-12-31');

  // A code the core refuses: its message.
  await page.evaluate(() => { location.hash = '#/hcpcs/J0000'; });
  await page.getByRole('alert').filter({ hasText: 'J0000 is not a HCPCS Level II code' }).waitFor();
  assertNoErrors(errors);
});

test('99213 shows the AMA copyright note with our range label; a modifier shows its label and NCCI flag', async (t) => {
  const { page, errors } = await openApp(t, { hash: `#/hcpcs/99213?date=${DATE}` });
  await codeHeading(page, '99213').waitFor();
  const note = page.getByRole('region', { name: 'Descriptor' });
  assert.equal(await note.locator('.descriptor-note-text').innerText(), CPT_NOTE);
  assert.equal(await note.getByRole('link', { name: 'Import your licensed CPT file' }).getAttribute('href'), '#/hcpcs/import');
  const headingText = (await codeHeading(page, '99213').innerText()).replace(/\s+/g, ' ');
  assert.equal(headingText, '99213 E/M: office or other outpatient visit', 'our range label, never a descriptor');
  assert.match(await page.locator('.entry-sub').innerText(), /Our own label for the CPT range 99201–99215, not the CPT descriptor/);
  assert.equal(await page.getByText('your imported file').count(), 0);
  assert.match(await validity(page).innerText(), /Valid on 2026-04-01/);

  await page.evaluate(() => { location.hash = '#/hcpcs/25?date=2026-04-01'; });
  await codeHeading(page, '25').waitFor();
  assert.match(await codeHeading(page, '25').innerText(), /Separate, significant E\/M work/);
  const badges = await page.locator('.entry-badges').innerText();
  assert.match(badges, /CPT modifier/);
  assert.match(badges, /NCCI-associated/);
  assert.match(await page.getByRole('region', { name: 'Label' }).innerText(),
    /Source\s+MedCode Trainer plain-language label \(not AMA text\)/);
  assertNoErrors(errors);
});

test('browse section J: every code the core lists, a filter that narrows it, keys to move and open', async (t) => {
  const { page, errors } = await openApp(t, { hash: '#/hcpcs' });
  const sections = page.getByRole('navigation', { name: 'Level II sections' });
  const letters = await sections.locator('.sections-nav-letter').allInnerTexts();
  assert.deepEqual(letters, 'A B C D E G H J K L M P Q R S T U V'.split(' '), 'the letters section() accepts');
  await sections.getByRole('link', { name: /^J\s/ }).click();
  await hcpcsHeading(page, /^J\s+Drugs given other than by mouth/).waitFor();
  assert.equal(hashOf(page), '#/hcpcs/section/J');
  const coreCodes = (await coreCall(page, 'section', 'J')).codes.map((c) => c.code);
  const list = page.getByRole('list', { name: 'Codes of section J' });
  assert.deepEqual(await list.locator('.code-row-code').allInnerTexts(), coreCodes);
  assert.match(await list.getByRole('link', { name: /^J1885\s/ }).innerText(), /ketorolac/);

  // F focuses the filter; words narrow the list; ↓ moves into it; Enter opens.
  await page.getByRole('heading', { level: 1 }).focus();
  await page.keyboard.press('f');
  const filter = page.getByRole('searchbox', { name: 'Filter the codes of section J' });
  assert.equal(await filter.evaluate((el) => el === document.activeElement), true);
  await page.keyboard.type('ketorolac');
  const shown = await list.locator('.code-row-code').allInnerTexts();
  assert.ok(shown.includes('J1885') && shown.length < coreCodes.length, 'the filter narrows the list');
  assert.ok(shown.every((c) => coreCodes.includes(c)));
  await page.getByRole('status').filter({ hasText: /of 1,220 codes match “ketorolac”/ }).waitFor();
  await page.keyboard.press('ArrowDown');
  const first = await page.evaluate(() => document.activeElement.querySelector('.code-row-code')?.textContent);
  assert.equal(first, shown[0]);
  while (await page.evaluate(() => document.activeElement.querySelector('.code-row-code')?.textContent) !== 'J1885') {
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await codeHeading(page, 'J1885').waitFor();
  await page.keyboard.press('Backspace');
  await hcpcsHeading(page, /^J\s+Drugs given/).waitFor();

  // The neighbouring sections.
  await page.getByRole('link', { name: 'Section K →' }).click();
  await hcpcsHeading(page, /^K\s/).waitFor();
  assertNoErrors(errors);
});

test('the modifier reference lists every Level II and CPT modifier with kind, label and NCCI flag', async (t) => {
  const { page, errors } = await openApp(t, { hash: '#/hcpcs/modifiers' });
  await hcpcsHeading(page, 'Modifiers').waitFor();
  const mods = await coreCall(page, 'modifiers');
  const list = page.getByRole('list', { name: 'Modifiers' });
  assert.deepEqual(await list.locator('.mod-code').allInnerTexts(), mods.map((m) => m.code));
  const row = (code) => list.locator('.mod-row').filter({ has: page.getByRole('link', { name: `Modifier ${code}`, exact: true }) });
  assert.match(await row('25').innerText(), /Separate, significant E\/M work[\s\S]*CPT · our label[\s\S]*NCCI-associated/);
  assert.match(await row('LT').innerText(), /Left side[\s\S]*Level II · CMS text[\s\S]*NCCI-associated/);
  assert.doesNotMatch(await row('22').innerText(), /NCCI-associated/);

  // Only CPT, only NCCI-associated: what the core's flags say.
  await page.getByRole('radio', { name: 'CPT' }).check();
  await page.getByRole('checkbox', { name: 'NCCI-associated only' }).check();
  const want = mods.filter((m) => m.kind === 'cpt' && m.ncci_associated).map((m) => m.code);
  assert.deepEqual(await list.locator('.mod-code').allInnerTexts(), want);
  for (const code of ['24', '25', '57', '58', '59', '78', '79', '91']) assert.ok(want.includes(code), `${code} is NCCI-associated`);
  await page.getByRole('radio', { name: 'All' }).check();
  await page.getByRole('checkbox', { name: 'NCCI-associated only' }).uncheck();
  await page.getByRole('searchbox', { name: 'Filter modifiers' }).fill('distinct');
  const distinct = await list.locator('.mod-code').allInnerTexts();
  for (const code of ['XE', 'XP', 'XS', 'XU']) assert.ok(distinct.includes(code), `“distinct” finds ${code}`);

  await row('XS').getByRole('link').click();
  await codeHeading(page, 'XS').waitFor();
  assert.match(await page.locator('.entry-badges').innerText(), /Level II modifier/);
  assertNoErrors(errors);
});

test('CPT import: 10,000 rows in under a second, kept in IndexedDB across a reload, shown on 99213; Remove clears it', async (t) => {
  const { page, errors } = await openApp(t, { hash: '#/hcpcs/import' });
  await hcpcsHeading(page, 'Your CPT descriptors').waitFor();
  assert.match(await cptStatus(page).innerText(), /No CPT descriptors imported/);
  assert.equal(await page.getByRole('region', { name: /Drop your CPT descriptor file here/ }).count(), 1, 'a marked drop zone');
  const { csv, descriptorOf99213 } = await descriptorCsv(page, 10000);

  // Time the import in the page: from the file picker's change event to the result on screen.
  await page.evaluate(() => {
    const timing = { start: null, end: null };
    window.importTiming = timing;
    document.getElementById('cpt-file').addEventListener('change', () => { timing.start = performance.now(); }, { capture: true, once: true });
    const box = document.getElementById('cpt-import-result');
    new MutationObserver((_, obs) => {
      if (box.querySelector('.import-result')) {
        timing.end = performance.now();
        obs.disconnect();
      }
    }).observe(box, { childList: true, subtree: true });
  });
  await chooseFile(page, 'cpt-placeholders.csv', csv);
  await importResult(page).waitFor();
  const timing = await page.evaluate(() => window.importTiming);
  const total = timing.end - timing.start;
  const coreMs = Number(await importResult(page).getAttribute('data-import-ms'));
  assert.ok(total < 1000, `reading, checking and using 10,000 rows took ${total.toFixed(0)} ms in the page (< 1000)`);
  assert.ok(coreMs < 1000, `the import call took ${coreMs} ms (< 1000)`);

  const result = await importResult(page).innerText();
  assert.match(result, /Imported cpt-placeholders\.csv/);
  assert.match(result, /10,000 rows read: 10,000 accepted, 0 unknown, 0 duplicate\. 10,000 descriptors are now in use\./);
  assert.match(result, /Format\s+comma-separated, UTF-8/);
  assert.match(result, /Header row\s+CPT Code, Long Descriptor — code in column 1, descriptor in column 2/);
  await cptStatus(page).getByText(/^Your CPT descriptors: 10,000 rows, imported \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/).waitFor();
  assert.match(await cptStatus(page).innerText(), /Kept in this browser only \(IndexedDB\)/);
  const stored = await page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('medcode-trainer');
    req.onsuccess = () => {
      const get = req.result.transaction('cpt-descriptors').objectStore('cpt-descriptors').get('current');
      get.onsuccess = () => resolve(get.result ? get.result.rows.length : 0);
      get.onerror = () => reject(get.error);
    };
    req.onerror = () => reject(req.error);
  }));
  assert.equal(stored, 10000, 'the accepted rows are in IndexedDB');
  const inLocalStorage = await page.evaluate(() => localStorage.length + sessionStorage.length);
  assert.equal(inLocalStorage, 0, 'kept only in IndexedDB');
  await shot(page, 'hcpcs-import-result-1366x768');

  // A reload restores them from IndexedDB before the view is drawn.
  await page.goto(`${BASE}#/hcpcs/99213?date=${DATE}`);
  await page.reload();
  await waitReady(page);
  await codeHeading(page, '99213').waitFor();
  assert.equal((await codeHeading(page, '99213').innerText()).replace(/\s+/g, ' '), `99213 ${descriptorOf99213}`);
  assert.match(await page.locator('.descriptor-source').innerText(), /Descriptor source: your imported file/);
  assert.equal(await page.getByRole('region', { name: 'Descriptor' }).count(), 0, 'no copyright note once imported');
  // Search finds the imported descriptors too.
  await hcpcsSearch(page).fill('99213');
  assert.match(await option(page, '99213').innerText(), new RegExp(`${descriptorOf99213}[\\s\\S]*from your imported file`));

  // A malformed file (dropped on the zone) is refused with the first bad line; nothing changes.
  await page.evaluate(() => { location.hash = '#/hcpcs/import'; });
  await hcpcsHeading(page, 'Your CPT descriptors').waitFor();
  await dropFile(page, 'broken.csv', 'CPT Code,Long Descriptor\r\n99213,Test descriptor 1\r\n99214\r\n99215,Test descriptor 3\r\n');
  const alert = page.getByRole('alert').filter({ hasText: 'broken.csv could not be imported' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /The descriptor file cannot be imported: line 3: it has 1 column; expected a code and a descriptor/);
  assert.match(await alert.innerText(), /Nothing was changed: your earlier descriptors are still in use/);
  assert.match(await cptStatus(page).innerText(), /Your CPT descriptors: 10,000 rows/);

  // Remove: the core forgets them, IndexedDB too; 99213 shows the note again, also after a reload.
  await cptStatus(page).getByRole('button', { name: 'Remove' }).click();
  await cptStatus(page).getByText('No CPT descriptors imported.').waitFor();
  await page.evaluate(() => { location.hash = '#/hcpcs/99213'; });
  await codeHeading(page, '99213').waitFor();
  assert.equal(await page.locator('.descriptor-note-text').innerText(), CPT_NOTE);
  await page.reload();
  await waitReady(page);
  await codeHeading(page, '99213').waitFor();
  assert.equal(await page.locator('.descriptor-note-text').innerText(), CPT_NOTE);
  assertNoErrors(errors);
});

test('CPT import lists unknown codes and duplicates (not dropped silently) and reads Latin-1 semicolon files', async (t) => {
  const { page, errors } = await openApp(t, { hash: '#/hcpcs/import' });
  await hcpcsHeading(page, 'Your CPT descriptors').waitFor();
  // Latin-1 bytes (0xE9 = é), semicolons, no header row.
  const text = '99213;Test descriptor caf\u00e9\n99999;Test descriptor 2\n99214;Test descriptor 3\n99213;Test descriptor 4\nJ1885;Test descriptor 5\n';
  await page.locator('#cpt-file').setInputFiles({ name: 'latin1.txt', mimeType: 'text/plain', buffer: Buffer.from(text, 'latin1') });
  await importResult(page).waitFor();
  const result = importResult(page);
  assert.match(await result.innerText(), /5 rows read: 2 accepted, 2 unknown, 1 duplicate\./);
  assert.match(await result.innerText(), /Format\s+semicolon-separated, Latin-1/);
  assert.match(await result.innerText(), /Header row\s+none: the first line is data/);
  const unknown = page.getByRole('region', { name: /^Unknown codes — not imported \(2\)$/ });
  const rows = await unknown.locator('.import-problem').allInnerTexts();
  assert.equal(rows.length, 2);
  assert.match(rows[0], /line 2\s+99999\s+not a CPT number/);
  assert.match(rows[1], /line 5\s+J1885/);
  const dups = await page.getByRole('region', { name: /^Duplicates \(1\)$/ }).locator('.import-problem').allInnerTexts();
  assert.match(dups[0], /line 4\s+99213\s+already given on line 1; the first is kept/);
  await cptStatus(page).getByText(/^Your CPT descriptors: 2 rows/).waitFor();

  await page.evaluate(() => { location.hash = '#/hcpcs/99213?date=2026-04-01'; });
  await codeHeading(page, '99213').waitFor();
  assert.equal((await codeHeading(page, '99213').innerText()).replace(/\s+/g, ' '), '99213 Test descriptor café');

  // An empty file.
  await page.evaluate(() => { location.hash = '#/hcpcs/import'; });
  await hcpcsHeading(page, 'Your CPT descriptors').waitFor();
  await chooseFile(page, 'empty.csv', '');
  await page.getByRole('alert').filter({ hasText: 'the file is empty' }).waitFor();
  assertNoErrors(errors);
});

test('keyboard alone: search, open, the modifier filter, back, and the file picker button', async (t) => {
  const { page, errors } = await openApp(t, { hash: '#/hcpcs' });
  await page.keyboard.type('j1885');
  await option(page, 'J1885').waitFor();
  await page.keyboard.press('Enter');
  await codeHeading(page, 'J1885').waitFor();
  assert.equal(await codeHeading(page, 'J1885').evaluate((el) => el === document.activeElement), true, 'the heading has the focus');

  await page.keyboard.press('/');
  assert.equal(await hcpcsSearch(page).evaluate((el) => el === document.activeElement), true, '/ focuses the search');
  await page.keyboard.press('Escape');
  assert.equal(await hcpcsSearch(page).inputValue(), '');
  await page.keyboard.type('lt');
  await option(page, 'LT').waitFor();
  assert.equal(await page.locator('#hcpcs-results [aria-selected="true"] .result-code').innerText(), 'LT', 'a modifier query lists it first');
  await page.keyboard.press('Enter');
  await codeHeading(page, 'LT').waitFor();

  // Tab to the "Modifiers" page link, F to filter, ↓ into the list, Enter, Backspace back.
  const modLink = page.getByRole('navigation', { name: 'HCPCS and CPT pages' }).getByRole('link', { name: 'Modifiers' });
  for (let i = 0; i < 16 && !(await modLink.evaluate((el) => el === document.activeElement)); i += 1) {
    await page.keyboard.press('Tab');
  }
  assert.equal(await modLink.evaluate((el) => el === document.activeElement), true, 'Tab reaches the Modifiers link');
  const focusRing = await modLink.evaluate((el) => getComputedStyle(el).outlineStyle);
  assert.notEqual(focusRing, 'none', 'the focused link shows a focus ring');
  await page.keyboard.press('Enter');
  await hcpcsHeading(page, 'Modifiers').waitFor();
  await page.keyboard.press('f');
  await page.keyboard.type('59');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '59');
  await page.keyboard.press('Enter');
  await codeHeading(page, '59').waitFor();
  await page.keyboard.press('Backspace');
  await hcpcsHeading(page, 'Modifiers').waitFor();

  await page.evaluate(() => { location.hash = '#/hcpcs/import'; });
  await hcpcsHeading(page, 'Your CPT descriptors').waitFor();
  const choose = page.getByRole('button', { name: 'Choose a file…' });
  for (let i = 0; i < 20 && !(await choose.evaluate((el) => el === document.activeElement)); i += 1) {
    await page.keyboard.press('Tab');
  }
  assert.equal(await choose.evaluate((el) => el === document.activeElement), true, 'Tab reaches “Choose a file…”');
  // Under a loaded CI machine the chooser event can be slow; allow one more press of Enter.
  let fc = null;
  for (let attempt = 0; attempt < 2 && !fc; attempt += 1) {
    const chooser = page.waitForEvent('filechooser', { timeout: 20_000 }).catch(() => null);
    await page.keyboard.press('Enter');
    fc = await chooser;
  }
  assert.ok(fc, 'Enter on “Choose a file…” opens the file chooser');
  await fc.setFiles({ name: 'kb.csv', mimeType: 'text/csv', buffer: Buffer.from('code\tdescriptor\n99213\tTest descriptor 1\n') });
  await importResult(page).waitFor();
  assert.match(await importResult(page).innerText(), /Format\s+tab-separated, UTF-8/);
  assertNoErrors(errors);
});

test('PCS search: "laparoscopic appendectomy" lists 0DTJ4ZZ; opening it shows its title; a partial hit opens the builder there', async (t) => {
  const { page, errors } = await openApp(t, { hash: `#/pcs?date=${DATE}` });
  await stepHeading(page, 1, 'Section').waitFor();
  // "/" filters the values, "/" again moves on to the search.
  await page.keyboard.press('/');
  await page.keyboard.press('/');
  assert.equal(await pcsSearch(page).evaluate((el) => el === document.activeElement), true, '/ / focuses the search');
  await page.keyboard.type('laparoscopic appendectomy');
  const hit = option(page, '0DTJ4ZZ');
  await hit.waitFor();
  assert.match(await hit.innerText(), new RegExp(`complete[\\s\\S]*${escapeRe(TITLE_0DTJ4ZZ)}[\\s\\S]*Index: Appendectomy[\\s\\S]*see Resection, Appendix`, 'i'));
  const coreHits = await page.evaluate(async () => {
    const m = await import('./pkg/medcode.js');
    await m.default();
    const pcs = new m.PcsCodes(new Uint8Array(await (await fetch('pkg/icd10pcs.bin')).arrayBuffer()));
    return pcs.search('laparoscopic appendectomy', 20).map((x) => x.code);
  });
  assert.deepEqual(await page.locator('#pcs-results [role="option"] .result-code').allInnerTexts(), coreHits);
  await shot(page, 'pcs-search-1366x768');

  // Arrow to 0DTJ4ZZ and open it with Enter.
  while ((await page.locator('#pcs-results [aria-selected="true"] .result-code').innerText()) !== '0DTJ4ZZ') {
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await resultHeading(page, '0DTJ4ZZ').waitFor();
  assert.equal(hashOf(page), `#/pcs/0DTJ4ZZ?date=${DATE}`);
  assert.equal((await resultHeading(page, '0DTJ4ZZ').innerText()).replace(/\s+/g, ' '), `0DTJ4ZZ ${TITLE_0DTJ4ZZ}`);
  assert.equal(await page.locator('#pcs-results').isVisible(), false, 'the hits fold away once one is opened');
  const toggle = page.getByRole('button', { name: /^Show \d+ results for “laparoscopic appendectomy”$/ });
  assert.equal(await toggle.isVisible(), true);

  // A partial hit opens the builder at its next position.
  await pcsSearch(page).fill('bypass');
  const partial = option(page, '0T1B');
  await partial.waitFor();
  assert.match(await partial.innerText(), /partial[\s\S]*finish at position 5 in the builder/i);
  await partial.click();
  await stepHeading(page, 5, 'Approach').waitFor();
  assert.equal(hashOf(page), `#/pcs/0T1B?date=${DATE}`);
  assertNoErrors(errors);
});

test('PCS Index: main terms as typed, the subterm tree, code links to the builder, codes no FY2026 table allows', async (t) => {
  const { page, errors } = await openApp(t, { hash: '#/pcs' });
  await page.getByRole('link', { name: 'Browse the Index' }).click();
  await page.getByRole('heading', { level: 1, name: 'ICD-10-PCS Index' }).waitFor();
  const termBox = page.getByRole('combobox', { name: 'Find a main term' });
  assert.equal(await termBox.evaluate((el) => el === document.activeElement), true);
  await page.keyboard.type('append');
  const terms = page.getByRole('listbox', { name: 'Main terms' });
  await terms.getByRole('option', { name: 'Appendectomy' }).waitFor();
  const coreTerms = await page.evaluate(async () => {
    const m = await import('./pkg/medcode.js');
    await m.default();
    const pcs = new m.PcsCodes(new Uint8Array(await (await fetch('pkg/icd10pcs.bin')).arrayBuffer()));
    return { append: pcs.indexMainTerms('append', 20), bypass: pcs.indexTerm('Bypass') };
  });
  assert.deepEqual(await terms.getByRole('option').allInnerTexts(), coreTerms.append);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 3, name: /^Appendectomy/ }).waitFor();
  assert.equal(hashOf(page), '#/pcs/index/Appendectomy');
  const tree = page.getByRole('article', { name: /^Appendectomy/ });
  const lines = await tree.locator('.index-tree .index-line').allInnerTexts();
  assert.deepEqual(lines.map((l) => l.replace(/\s+/g, ' ').trim()), ['see Excision, Appendix 0DBJ', 'see Resection, Appendix 0DTJ']);
  await tree.getByRole('link', { name: '0DTJ: open in the builder' }).click();
  await stepHeading(page, 5, 'Approach').waitFor();
  assert.equal(hashOf(page), '#/pcs/0DTJ');
  await page.goBack();
  await page.getByRole('heading', { level: 3, name: /^Appendectomy/ }).waitFor();

  // A deeper tree: levels nest as lists, one per level.
  await page.evaluate(() => { location.hash = '#/pcs/index/Bypass'; });
  const bypass = page.getByRole('article', { name: /^Bypass/ });
  await bypass.waitFor();
  const depth = await bypass.evaluate((el) => {
    let max = 0;
    for (const li of el.querySelectorAll('li')) {
      let d = 0;
      for (let p = li.parentElement; p && p !== el; p = p.parentElement) if (p.tagName === 'UL') d += 1;
      max = Math.max(max, d);
    }
    return max;
  });
  assert.equal(depth, Math.max(...coreTerms.bypass.map((e) => e.level)), 'one nested list per index level');
  assert.equal(await bypass.locator('a.index-code').count(), coreTerms.bypass.filter((e) => e.code && e.code_in_tables !== false).length);
  await shot(page, 'pcs-index-1366x768');

  // A code the FY2023 index gives that no FY2026 table allows: shown, not linked, explained.
  await page.evaluate(() => { location.hash = `#/pcs/index/${encodeURIComponent('Accelerate PhenoTest(tm) BC')}`; });
  const entry = page.getByRole('article', { name: /^Accelerate PhenoTest/ });
  await entry.waitFor();
  assert.match(await entry.innerText(), /XXE5XN6\s*not in the FY2026 tables \(index is FY2023\)/);
  assert.equal(await entry.getByRole('link').count(), 0);
  assertNoErrors(errors);
});

test('builder choices show what a body part includes, and the filter matches those words', async (t) => {
  const { page, errors } = await openApp(t, { hash: '#/pcs/0DT' });
  await stepHeading(page, 4, 'Body Part').waitFor();
  const choices = page.getByRole('listbox', { name: /^Position 4 of 7/ });
  assert.match(await choices.getByRole('option', { name: /^J\s/ }).innerText(), /Appendix\s+Includes: .*Vermiform appendix/);
  await page.getByRole('combobox', { name: /^Filter .* values$/ }).fill('vermiform');
  assert.deepEqual(await choices.locator('[role="option"] .choice-char').allInnerTexts(), ['J']);
  await page.keyboard.press('Enter');
  await stepHeading(page, 5, 'Approach').waitFor();
  assert.equal(hashOf(page), '#/pcs/0DTJ');
  assertNoErrors(errors);
});

for (const [what, reply] of [
  ['a missing code set', { status: 404, body: 'not found' }],
  ['damaged code-set bytes', { status: 200, body: 'this is not a compiled code set', contentType: 'application/octet-stream' }],
]) {
  test(`HCPCS: ${what} shows a clear error state; the other areas still work`, async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP, serviceWorkers: 'block' });
    t.after(() => context.close());
    await context.route('**/pkg/hcpcs.bin', (route) => route.fulfill(reply));
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${BASE}#/hcpcs/J1885`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /The HCPCS and CPT code set could not be loaded/);
    assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 1);
    assert.match(await page.getByRole('contentinfo').innerText(), /HCPCS code set not loaded/);
    await page.getByRole('link', { name: 'ICD-10-PCS builder' }).click();
    await stepHeading(page, 1, 'Section').waitFor();
    assert.deepEqual(pageErrors, [], 'no uncaught exceptions');
  });
}

test('HCPCS, the import and the PCS search make zero requests to any non-local origin; hcpcs.bin is precached', async (t) => {
  const context = await browser.newContext({ viewport: DESKTOP, serviceWorkers: 'allow' });
  t.after(() => context.close());
  const urls = [];
  context.on('request', (req) => urls.push(req.url()));
  const page = await context.newPage();
  page.on('request', (req) => urls.push(req.url()));
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(err.message));

  await page.goto(`${BASE}#/hcpcs`);
  await waitReady(page);
  await hcpcsSearch(page).fill('ketorolac');
  await option(page, 'J1885').click();
  await codeHeading(page, 'J1885').waitFor();
  await page.evaluate(() => { location.hash = '#/hcpcs/section/J'; });
  await hcpcsHeading(page, /^J\s/).waitFor();
  await page.evaluate(() => { location.hash = '#/hcpcs/modifiers'; });
  await hcpcsHeading(page, 'Modifiers').waitFor();
  await page.evaluate(() => { location.hash = '#/hcpcs/import'; });
  await hcpcsHeading(page, 'Your CPT descriptors').waitFor();
  await chooseFile(page, 'small.csv', 'code,descriptor\n99213,Test descriptor 1\n');
  await importResult(page).waitFor();
  await cptStatus(page).getByText(/^Your CPT descriptors: 1 row,/).waitFor();
  await page.evaluate(() => { location.hash = '#/hcpcs/99213'; });
  await codeHeading(page, '99213').waitFor();
  await page.evaluate(() => { location.hash = '#/pcs/index/Appendectomy'; });
  await page.getByRole('heading', { level: 3, name: /^Appendectomy/ }).waitFor();
  await pcsSearch(page).fill('laparoscopic appendectomy');
  await option(page, '0DTJ4ZZ').click();
  await resultHeading(page, '0DTJ4ZZ').waitFor();

  const cached = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    const name = (await caches.keys()).find((n) => n.startsWith('medcode-'));
    const cache = await caches.open(name);
    const files = ['pkg/hcpcs.bin', 'js/hcpcs.js', 'js/hcpcsview.js', 'js/pcsindex.js', 'js/store.js'];
    return Object.fromEntries(await Promise.all(files.map(async (f) => [f, Boolean(await cache.match(f))])));
  });
  for (const [file, ok] of Object.entries(cached)) assert.equal(ok, true, `${file} is precached`);

  const foreign = urls.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:')) return false;
    return new URL(u).origin !== ORIGIN;
  });
  assert.deepEqual(foreign, [], 'no request left the local origin');
  assert.match(ORIGIN, /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/);
  assert.deepEqual(errors, []);
});

// ---------------------------------------------------------------------------------------------
// Screenshots for review at both sizes: the HCPCS code view, a CPT number, a section, the
// modifiers, the import result, the PCS search results and the Index tree.

for (const [size, viewport, isMobile] of [['1366x768', DESKTOP, false], ['390x844', PHONE, true]]) {
  test(`HCPCS and PCS index screenshots at ${size}`, async (t) => {
    const { page, errors } = await openApp(t, { viewport, isMobile, hash: `#/hcpcs/J1885?date=${DATE}` });
    await codeHeading(page, 'J1885').waitFor();
    await page.mouse.move(0, 0);
    await shot(page, `hcpcs-code-${size}`);
    await shot(page, `hcpcs-code-${size}-full`, { fullPage: true });
    await assertNoOverflow(page, 'J1885');

    await page.evaluate(() => { location.hash = '#/hcpcs/99213?date=2026-04-01'; });
    await codeHeading(page, '99213').waitFor();
    await shot(page, `hcpcs-cpt-${size}`);
    await assertNoOverflow(page, '99213');

    await page.evaluate(() => { location.hash = '#/hcpcs'; });
    await hcpcsHeading(page, 'HCPCS Level II and CPT').waitFor();
    await shot(page, `hcpcs-home-${size}`);
    await assertNoOverflow(page, 'home');
    await hcpcsSearch(page).fill('office visit');
    await option(page, '99201-99215').waitFor();
    await shot(page, `hcpcs-search-${size}`);
    await hcpcsSearch(page).fill('');

    await page.evaluate(() => { location.hash = '#/hcpcs/section/J'; });
    await hcpcsHeading(page, /^J\s/).waitFor();
    await shot(page, `hcpcs-section-${size}`);
    await assertNoOverflow(page, 'section J');

    await page.evaluate(() => { location.hash = '#/hcpcs/modifiers'; });
    await hcpcsHeading(page, 'Modifiers').waitFor();
    await shot(page, `hcpcs-modifiers-${size}`);
    await assertNoOverflow(page, 'modifiers');

    await page.evaluate(() => { location.hash = '#/hcpcs/import'; });
    await hcpcsHeading(page, 'Your CPT descriptors').waitFor();
    await shot(page, `hcpcs-import-${size}`);
    const file = 'CPT Code,Long Descriptor\n99213,Test descriptor 1\n99214,Test descriptor 2\n99999,Test descriptor 3\n99214,Test descriptor 4\n';
    await chooseFile(page, 'my-cpt-file.csv', file);
    await importResult(page).waitFor();
    await cptStatus(page).getByText(/^Your CPT descriptors: 2 rows/).waitFor();
    await page.evaluate(() => document.querySelector('.cpt-import')?.scrollIntoView({ block: 'start' }));
    await page.evaluate(() => document.getElementById('cpt-status')?.scrollIntoView({ block: 'start' }));
    await shot(page, `hcpcs-import-result-${size}`);
    await shot(page, `hcpcs-import-result-${size}-full`, { fullPage: true });
    await assertNoOverflow(page, 'import result');

    await page.evaluate(() => { location.hash = '#/hcpcs/99213?date=2026-04-01'; });
    await codeHeading(page, '99213').waitFor();
    await shot(page, `hcpcs-cpt-imported-${size}`);

    await page.evaluate(() => { location.hash = '#/pcs?date=2026-04-01'; });
    await stepHeading(page, 1, 'Section').waitFor();
    await pcsSearch(page).fill('laparoscopic appendectomy');
    await option(page, '0DTJ4ZZ').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, `pcs-search-${size}`);
    await assertNoOverflow(page, 'PCS search');
    await pcsSearch(page).fill('');

    await page.evaluate(() => { location.hash = '#/pcs/index/Bypass'; });
    await page.getByRole('heading', { level: 3, name: /^Bypass/ }).waitFor();
    await shot(page, `pcs-index-${size}`);
    await shot(page, `pcs-index-${size}-full`, { fullPage: true });
    await assertNoOverflow(page, 'index tree');

    await page.evaluate(() => { location.hash = '#/pcs/0DT'; });
    await stepHeading(page, 4, 'Body Part').waitFor();
    await shot(page, `pcs-includes-${size}`);
    assertNoErrors(errors);
  });
}
