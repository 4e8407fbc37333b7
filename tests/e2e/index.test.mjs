// Browser tests of the ICD-10-CM Index area (www/js/cmindex.js): the Table of Drugs and the Table
// of Neoplasms, the subterm tree and its cross-references, index search, and loading the
// student's own Alphabetic Index (file picker, IndexedDB, reload, hostile files), in headless
// Debian Chromium.
//
//   cargo xtask test                       starts a server and sets MEDCODE_BASE_URL
//   cargo xtask serve &  MEDCODE_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/
//
// Screenshots for review are written to tests/e2e/artifacts/ (gitignored).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BASE, ORIGIN, ARTIFACTS, DATE, DESKTOP, PHONE, browser, useBrowser, openApp as openAppAt, waitLoaded } from './harness.mjs';

const FIXTURE = fileURLToPath(new URL('../fixtures/alphabetic_index_sample.xml', import.meta.url));

useBrowser();

/** The app at `hash` (default '#/index'), once this area has drawn. */
const openApp = (t, options = {}) => openAppAt(t, { hash: '#/index', ready: waitReady, ...options });

async function waitReady(page) {
  await waitLoaded(page);
  if (new URL(page.url()).hash.startsWith('#/index')) await page.locator('#index-view[aria-busy="false"] .cmi').waitFor();
}

function assertClean({ errors, foreign }) {
  assert.deepEqual(errors, [], 'the page logged errors');
  assert.deepEqual(foreign, [], 'no request left the local origin');
}

function hashOf(page) {
  return decodeURIComponent(new URL(page.url()).hash);
}

const termHeading = (page) => page.locator('#cmi-term-heading');
const pathNav = (page) => page.getByRole('navigation', { name: 'Your index path' });

async function shot(page, name, opts = {}) {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, ...opts });
}

/** Hand a file to the page through the "Choose a file…" button's file picker. */
async function pickFile(page, name, buffer, mimeType = 'text/xml') {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Choose a file…' }).click(),
  ]);
  await chooser.setFiles({ name, mimeType, buffer });
}

// ---------------------------------------------------------------------------------------------

test('the Index tab loads its tables lazily and says the Alphabetic Index is not included', async (t) => {
  const s = await openApp(t, { hash: '' });
  const requested = [];
  s.page.on('request', (req) => requested.push(req.url()));
  const tab = s.page.getByRole('navigation', { name: 'Code sets' }).getByRole('link', { name: 'Index' });
  await tab.click();
  await waitReady(s.page);
  assert.equal(hashOf(s.page), '#/index');
  assert.equal(await tab.getAttribute('aria-current'), 'page');
  assert.ok(requested.some((u) => u.endsWith('/pkg/icd10cm_index.bin')), 'icd10cm_index.bin is fetched when the tab opens');
  const note = await s.page.locator('#cmi-alpha-note').innerText();
  assert.match(note, /The Alphabetic Index to Diseases and Injuries is not included/);
  assert.match(note, /lookup search is the tabular-derived term index/);
  assert.match(await s.page.getByRole('contentinfo').innerText(), /ICD-10-CM Index FY2023/);
  assertClean(s);
});

test('Drug table: the filter "acetaminophen" shows T39.1X1 under Poisoning Accidental, and it opens the tabular', async (t) => {
  const s = await openApp(t, { hash: '#/index/drug' });
  const { page } = s;
  const filter = page.getByLabel('Filter by substance');
  await page.keyboard.press('/');
  assert.equal(await filter.evaluate((el) => el === document.activeElement), true, '/ focuses the filter');
  await filter.fill('acetaminophen');
  const row = page.locator('.cmi-table tbody tr').filter({ has: page.getByRole('rowheader', { name: 'Acetaminophen', exact: true }) });
  await row.waitFor();
  assert.equal(hashOf(page), '#/index/drug?substance=acetaminophen', 'the filter is kept in the URL');
  const head = await page.locator('.cmi-table thead th[data-col="poisoning_accidental"]').innerText();
  assert.match(head, /Poisoning Accidental/);
  assert.equal(await page.locator('.cmi-table thead th').first().evaluate((el) => getComputedStyle(el).position), 'sticky');
  const cell = row.locator('td[data-col="poisoning_accidental"]');
  const link = cell.getByRole('link', { name: /^T39\.1X1, 7th character needed/ });
  assert.equal(await link.innerText(), 'T39.1X1');
  assert.match(await link.getAttribute('title'), /Needs a 7th character: T39\.1X1A/);
  const rendered = await page.locator('.cmi-table tbody tr').count();
  assert.ok(rendered >= 1 && rendered <= 300, `rows rendered: ${rendered}`);

  await link.click();
  await page.getByRole('heading', { level: 1, name: /^T39\.1X1/ }).waitFor();
  assert.match(hashOf(page), /^#\/code\/T39\.1X1/);
  const path = await page.evaluate(() => JSON.parse(sessionStorage.getItem('medcode.indexPath')));
  assert.deepEqual([path.table, path.path, path.column_key, path.code], ['drug', ['Acetaminophen'], 'poisoning_accidental', 'T39.1X1'],
    'the index path is kept for the grader');
  assertClean(s);
});

test('Drug table unfiltered renders a few hundred rows at most', async (t) => {
  const s = await openApp(t, { hash: '#/index/drug' });
  const rows = await s.page.locator('.cmi-table tbody tr').count();
  assert.ok(rows > 50 && rows <= 300, `rows rendered: ${rows}`);
  assert.match(await s.page.locator('#cmi-count').innerText(), /Showing the first 300 of 7,423 rows/);
  assertClean(s);
});

test('Neoplasm table: "breast" rows with their six columns', async (t) => {
  const s = await openApp(t, { hash: '#/index/neoplasm' });
  const { page } = s;
  await page.getByLabel('Filter by site').fill('breast');
  const row = page.locator('.cmi-table tbody tr').filter({ has: page.getByRole('rowheader', { name: 'upper-outer quadrant', exact: true }) });
  await row.first().waitFor();
  assert.equal(hashOf(page), '#/index/neoplasm?site=breast');
  const heads = await page.locator('.cmi-table thead th').allInnerTexts();
  assert.deepEqual(heads.map((x) => x.replace(/\s+/g, ' ').trim()).slice(1),
    ['Malignant Primary', 'Malignant Secondary', 'Ca in situ', 'Benign', 'Uncertain Behavior', 'Unspecified Behavior']);
  assert.equal(await row.first().locator('td[data-col="malignant_secondary"] a').innerText(), 'C79.81');
  assert.equal(await row.first().locator('td[data-col="malignant_primary"] a').innerText(), 'C50.4-');
  const breastRows = await page.locator('.cmi-table tbody tr').count();
  assert.ok(breastRows >= 5, `breast rows: ${breastRows}`);
  // The route form with the site in the URL gives the same rows.
  await page.goto(`${BASE}#/index/neoplasm?site=breast`);
  await page.reload();
  await waitReady(page);
  assert.equal(await page.getByLabel('Filter by site').inputValue(), 'breast');
  assert.equal(await page.locator('.cmi-table tbody tr').count(), breastRows);
  assertClean(s);
});

test('main terms: type-ahead, the subterm tree, a cross-reference link and the path breadcrumb', async (t) => {
  const s = await openApp(t, { hash: '#/index' });
  const { page } = s;
  await page.getByLabel('Table').selectOption('external');
  const input = page.getByRole('combobox', { name: 'Find a main term' });
  await input.fill('accid');
  await page.getByRole('option', { name: /^Accident \(to\)/ }).waitFor();
  await input.press('Enter');
  await termHeading(page).waitFor();
  assert.equal(await termHeading(page).innerText(), 'Accident');
  assert.match(hashOf(page), /^#\/index\/external\/\d+$/);
  // Nonessential modifiers in parentheses, as the core returns them.
  const aircraft = page.locator('.index-line').filter({ has: page.getByRole('link', { name: 'aircraft', exact: true }) }).first();
  assert.equal(await aircraft.locator('> .cmi-nemod').innerText(), '(in transit) (powered)');
  // A code with its status.
  const x58 = page.getByRole('link', { name: /^X58, 7th character needed/ }).first();
  assert.equal(await x58.getAttribute('href'), '#/code/X58');

  // A cross-reference resolved by the core leads to its target term.
  await page.getByRole('link', { name: 'Accident, transport, animal-rider' }).first().click();
  await pathNav(page).getByText('animal-rider').waitFor();
  assert.match(hashOf(page), /^#\/index\/external\/311$/);
  assert.deepEqual((await pathNav(page).locator('li').allInnerTexts()).map((x) => x.trim()), ['Accident', 'transport', 'animal-rider']);

  // Choosing a code keeps the path in the URL: Back from the tabular shows it.
  const code = page.locator('.cmi-tree a.cmi-code').first();
  const printed = await code.innerText();
  await code.click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  assert.match(hashOf(page), /^#\/code\//);
  await page.goBack();
  await waitReady(page);
  await pathNav(page).locator('li.is-code').waitFor();
  assert.match(hashOf(page), new RegExp(`code=${printed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.equal((await pathNav(page).locator('li.is-code').innerText()).trim(), printed);
  const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('medcode.indexPath')));
  assert.equal(stored.code, printed);
  assert.equal(stored.path[0], 'Accident');
  assertClean(s);
});

test('index search lists C79.81 for "neoplasm breast upper outer quadrant secondary" with table, path, column and status', async (t) => {
  const s = await openApp(t, { hash: '#/index/search' });
  const { page } = s;
  await page.getByLabel('Search the index').fill('neoplasm breast upper outer quadrant secondary');
  const hit = page.locator('.cmi-hit').filter({ has: page.getByRole('link', { name: /^C79\.81, valid/ }) }).first();
  await hit.waitFor();
  const text = (await hit.innerText()).replace(/\s+/g, ' ');
  assert.match(text, /Table of Neoplasms/);
  assert.match(text, /Neoplasm, neoplastic > breast > upper-outer quadrant/);
  assert.match(text, /Malignant Secondary/);
  assert.match(text, /VALID|valid/);
  assert.equal(await page.locator('.cmi-hit').first().locator('a.cmi-code').innerText(), 'C79.81', 'C79.81 is the first hit');
  assertClean(s);
});

test('your Alphabetic Index: the fixture loads through the file picker, survives a reload, appears in the table and search, and is removed', async (t) => {
  const s = await openApp(t, { hash: '#/index/load' });
  const { page } = s;
  const bytes = await readFile(FIXTURE);
  await pickFile(page, 'alphabetic_index_sample.xml', bytes);
  const result = page.locator('#cmi-load-result');
  await result.getByText(/Loaded alphabetic_index_sample\.xml/).waitFor();
  const status = page.getByRole('region', { name: 'Your Alphabetic Index', exact: true });
  await status.getByText('Kept in this browser.').waitFor();
  assert.match(await status.innerText(), /MedCode Trainer sample/);
  assert.match(await status.innerText(), /main terms\s*17\b/);

  await page.reload();
  await waitReady(page);
  await status.getByText(/MedCode Trainer sample/).waitFor();
  assert.match(await page.locator('#cmi-alpha-note').innerText(), /Alphabetic Index: ICD-10-CM Index to Diseases and Injuries \(MedCode Trainer sample\)/);

  // The Alphabetic table is offered and its main terms come up.
  await page.getByRole('link', { name: 'Main terms' }).click();
  await page.getByLabel('Table').selectOption('alphabetic');
  await page.getByRole('combobox', { name: 'Find a main term' }).fill('cardio');
  await page.getByRole('option', { name: /^Cardiomyopathy \(familial\) \(idiopathic\)/ }).click();
  await termHeading(page).waitFor();
  assert.equal(await termHeading(page).innerText(), 'Cardiomyopathy');
  assert.match(hashOf(page), /^#\/index\/alphabetic\/\d+$/);
  // The manifestation code in brackets after the etiology code.
  const amyloid = page.locator('.index-line').filter({ has: page.getByRole('link', { name: 'amyloid', exact: true }) });
  assert.match((await amyloid.innerText()).replace(/\s+/g, ' '), /E85\.4.*\[\s*I43/);

  // Its terms are searched.
  await page.getByRole('link', { name: 'Search the index' }).click();
  await page.getByLabel('Search the index').fill('cardiomyopathy amyloid');
  const hit = page.locator('.cmi-hit').filter({ hasText: 'Cardiomyopathy > amyloid' }).first();
  await hit.waitFor();
  assert.match(await hit.innerText(), /E85\.4/);

  // The title written as markup is plain text, never an element.
  await page.getByLabel('Search the index').fill('sample title with markup');
  await page.locator('.cmi-hit').filter({ hasText: '<script>alert("sample")</script>' }).first().waitFor();
  assert.equal(await page.locator('#index-view script').count(), 0);

  await shot(page, 'index-alphabetic-search-1366');
  await page.getByRole('link', { name: 'Your Alphabetic Index' }).click();
  await page.getByRole('button', { name: 'Remove' }).click();
  await status.getByText('No Alphabetic Index loaded').waitFor();
  await page.reload();
  await waitReady(page);
  await status.getByText('No Alphabetic Index loaded').waitFor();
  assertClean(s);
});

test('hostile files: not XML, the wrong root, and script text in titles give a clear message or inert text; the page stays usable', async (t) => {
  const s = await openApp(t, { hash: '#/index/load' });
  const { page } = s;
  const result = page.locator('#cmi-load-result');

  await pickFile(page, 'notes.txt', Buffer.from('hello, this is not an index\n'), 'text/plain');
  await result.getByRole('alert').waitFor();
  assert.match(await result.innerText(), /notes\.txt was not loaded/);
  assert.match(await result.innerText(), /This is not an XML index file/);

  // The drop zone takes a file dragged from the desktop the same way.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['{"not": "xml"}'], 'dropped.json', { type: 'application/json' }));
    const zone = document.getElementById('cmi-dropzone');
    for (const type of ['dragenter', 'dragover', 'drop']) zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await result.getByText(/dropped\.json was not loaded/).waitFor();
  assert.match(await result.innerText(), /This is not an XML index file/);

  await pickFile(page, 'page.xml', Buffer.from('<html><body><script>window.pwned = 1</script></body></html>'));
  await result.getByText(/page\.xml was not loaded/).waitFor();
  assert.match(await result.innerText(), /root element is <html>/);

  const hostile = `<?xml version="1.0"?>
<ICD10CM.index><version>2026</version><title>Hostile &lt;img src=x onerror=window.pwned=2&gt;</title>
<letter><title>Z</title>
<mainTerm><title>&lt;script&gt;window.pwned = 3&lt;/script&gt;Zebra<nemod>(&lt;b&gt;bold&lt;/b&gt;)</nemod></title><code>R10.0</code></mainTerm>
</letter></ICD10CM.index>`;
  await pickFile(page, 'hostile.xml', Buffer.from(hostile));
  await result.getByText(/Loaded hostile\.xml/).waitFor();
  assert.match(await result.innerText(), /<img src=x onerror=window\.pwned=2>/, 'the edition is shown as text');
  await page.getByRole('link', { name: 'Search the index' }).click();
  await page.getByLabel('Search the index').fill('zebra');
  const hit = page.locator('.cmi-hit').first();
  await hit.waitFor();
  assert.match(await hit.innerText(), /<script>window\.pwned = 3<\/script>Zebra/);
  assert.equal(await page.evaluate(() => window.pwned), undefined, 'no script ran');
  assert.equal(await page.locator('#index-view script, #index-view img, #index-view b').count(), 0);

  // Still usable: the tables and the other areas work.
  await page.getByRole('link', { name: 'Table of Drugs' }).click();
  await page.getByLabel('Filter by substance').fill('aspirin');
  await page.locator('.cmi-table tbody tr').first().waitFor();
  await page.getByRole('navigation', { name: 'Code sets' }).getByRole('link', { name: 'ICD-10-CM lookup' }).click();
  await page.getByRole('combobox', { name: 'Search codes and titles' }).fill('E11.9');
  await page.getByRole('option').first().waitFor();
  assertClean(s);
});

test('code statuses: D48.1 is "revised since this index edition" on 2026-04-01 and valid on a 2022 date of service (the core decides)', async (t) => {
  const s = await openApp(t, { hash: '#/index/search?q=D48.1' });
  const { page } = s;
  const dateBox = page.getByLabel('Date of service', { exact: true });
  await dateBox.fill('2026-04-01');
  const first = page.locator('.cmi-hit').first();
  await first.getByText('revised since this index edition — see D48.1').waitFor();
  assert.match(await first.locator('a.cmi-code').getAttribute('title'), /Revised since this index edition \(FY2023\)/);
  await dateBox.fill('2022-10-01');
  await first.getByText('valid', { exact: true }).waitFor();
  assert.match(await first.locator('a.cmi-code').getAttribute('title'), /Valid code on 2022-10-01/);
  assert.match(await page.locator('#cmi-alpha-note').innerText(), /codes checked for 2022-10-01/);
  assertClean(s);
});

for (const [size, viewport, isMobile] of [['1366', DESKTOP, false], ['390', PHONE, true]]) {
  test(`screenshots at ${size}: the tree and the Drug table`, async (t) => {
    const s = await openApp(t, { viewport, isMobile, hash: '#/index' });
    const { page } = s;
    await page.goto(`${BASE}#/index/drug?substance=acetaminophen`);
    await waitReady(page);
    await page.locator('.cmi-table tbody tr').first().waitFor();
    await shot(page, `index-drug-${size}`);
    await page.getByLabel('Filter by substance').fill('');
    await page.locator('#cmi-grid').evaluate((el) => el.querySelector('.cmi-table-scroll')?.scrollBy(0, 400));
    await shot(page, `index-drug-all-${size}`);
    await page.goto(`${BASE}#/index/external/2`);
    await waitReady(page);
    await termHeading(page).waitFor();
    await shot(page, `index-tree-${size}`);
    await page.goto(`${BASE}#/index/neoplasm?site=breast`);
    await waitReady(page);
    await shot(page, `index-neoplasm-${size}`);
    await page.goto(`${BASE}#/index/load`);
    await waitReady(page);
    await shot(page, `index-load-${size}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal page scroll (overflow ${overflow}px)`);
    assertClean(s);
  });
}
