// Browser tests of the ICD-10-CM lookup page (www/), in headless Debian Chromium.
//
//   cargo xtask test                       starts a server and sets MEDCODE_BASE_URL
//   cargo xtask serve &  MEDCODE_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/
//
// Screenshots for review are written to tests/e2e/artifacts/ (gitignored).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ORIGIN, ARTIFACTS, DATE, DESKTOP, PHONE, browser, useBrowser, openApp as openAppAt, waitLoaded } from './harness.mjs';


useBrowser();

/** The app at `hash` (default ''), once this area has drawn. */
const openApp = (t, options = {}) => openAppAt(t, { hash: '', ready: waitReady, ...options });

/** The app is ready once the edition is shown and the search box is enabled. */
async function waitReady(page) {
  await waitLoaded(page);
}

const searchBox = (page) => page.getByRole('combobox', { name: 'Search codes and titles' });
const heading = (page, code) => page.getByRole('heading', { level: 1, name: new RegExp(`^${escapeRe(code)}(\\s|$)`) });
const option = (page, code) => page.getByRole('option', { name: new RegExp(`^${escapeRe(code)}\\s`) });
const dateBox = (page) => page.getByLabel('Date of service', { exact: true });
const validity = (page) => page.getByRole('region', { name: 'Validity' });

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function openCode(page, code, date = DATE) {
  await page.evaluate((h) => { location.hash = h; }, `#/code/${code}?date=${date}`);
  await heading(page, code).waitFor();
}

function assertNoErrors(errors) {
  assert.deepEqual(errors, [], 'the page logged errors');
}

/** No horizontal scrolling of the page, nor of the 7th-character table. */
async function assertNoOverflow(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what}: no horizontal page scroll (overflow ${overflow}px)`);
  const tableOverflow = await page.evaluate(() => {
    const el = document.querySelector('.table-scroll');
    return el ? el.scrollWidth - el.clientWidth : 0;
  });
  assert.ok(tableOverflow <= 0, `${what}: the 7th-character table fits (overflow ${tableOverflow}px)`);
}

async function shot(page, name) {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
}

// ---------------------------------------------------------------------------------------------

test('page loads, shows the edition and the offline note', async (t) => {
  const { page, errors } = await openApp(t);
  const footer = page.getByRole('contentinfo');
  const text = await footer.innerText();
  assert.match(text, /ICD-10-CM FY\d{4}/, 'footer shows the edition');
  assert.match(text, /Works offline — nothing leaves this device/);
  assert.equal(await dateBox(page).inputValue().then((v) => /^\d{4}-\d{2}-\d{2}$/.test(v)), true);
  // The date defaults to today's local date.
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  assert.equal(await dateBox(page).inputValue(), today);
  // Keyboard-first: the search box has the focus after load.
  assert.equal(await searchBox(page).evaluate((el) => el === document.activeElement), true);
  assertNoErrors(errors);
});

test('"t2dm ckd" finds E11.22; opening it shows its notes with links and their levels', async (t) => {
  const { page, errors } = await openApp(t);
  await dateBox(page).fill(DATE);
  await searchBox(page).fill('t2dm ckd');
  await option(page, 'E11.22').waitFor();
  const expanded = await page.locator('#results-expanded').innerText();
  assert.match(expanded, /^searched for: /, 'the abbreviation expansion is shown');
  assert.equal(await searchBox(page).getAttribute('aria-expanded'), 'true');

  await option(page, 'E11.22').click();
  await heading(page, 'E11.22').waitFor();
  assert.match(page.url(), /#\/code\/E11\.22\?date=2026-04-01$/);

  // Breadcrumb of ancestors.
  const crumbs = page.getByRole('navigation', { name: 'Ancestors in the tabular list' });
  assert.ok(await crumbs.getByRole('link', { name: /^E11\s/ }).count() >= 1, 'E11 in the breadcrumb');
  assert.ok(await crumbs.getByRole('link', { name: /^E11\.2\s/ }).count() >= 1, 'E11.2 in the breadcrumb');

  // Reportable and valid.
  const v = await validity(page).innerText();
  assert.match(v, /(^|\s)Valid on 2026-04-01/);
  assert.doesNotMatch(v, /Not valid/);

  // "Use additional code" with a link to N18.1 (from N18.1-N18.6).
  const useAdditional = page.getByRole('region', { name: 'Use additional code', exact: true });
  const n18 = useAdditional.getByRole('link', { name: /^N18\.1/ });
  assert.ok(await n18.count() >= 1, 'Use additional code note links N18.1…');
  assert.match(await n18.first().getAttribute('href'), /^#\/code\/N18\.1\?date=2026-04-01$/);

  // Excludes1 notes inherited from the category E11, labelled with their level.
  const excludes1 = page.getByRole('region', { name: 'Excludes1', exact: true });
  const fromE11 = excludes1.getByRole('listitem').filter({ hasText: 'from E11 (category)' });
  assert.ok(await fromE11.count() >= 1, 'Excludes1 notes labelled "from E11 (category)"');

  // The code's own notes come first, then the inherited ones.
  const allSources = await page.locator('.note-source').allInnerTexts();
  assert.ok(allSources.length > 0);

  await shot(page, 'e11.22-1366x768');
  assertNoErrors(errors);
});

test('keyboard: / focuses search, arrows + Enter open a result, Alt+Left and Backspace go back', async (t) => {
  const { page, errors } = await openApp(t);
  const box = searchBox(page);
  // Move the focus away from the box, then use "/".
  await page.getByRole('heading', { level: 1 }).click();
  assert.equal(await box.evaluate((el) => el === document.activeElement), false);
  await page.keyboard.press('/');
  assert.equal(await box.evaluate((el) => el === document.activeElement), true, '"/" focuses the search box');
  assert.equal(await box.inputValue(), '', '"/" is not typed into the box');

  await page.keyboard.type('e11.2');
  await page.getByRole('option').first().waitFor();
  const count = await page.getByRole('option').count();
  assert.ok(count >= 2, 'several results for e11.2');
  await page.keyboard.press('ArrowDown');
  const activeId = await box.getAttribute('aria-activedescendant');
  assert.ok(activeId, 'aria-activedescendant is set');
  const active = page.locator(`[id="${activeId}"]`);
  assert.equal(await active.getAttribute('aria-selected'), 'true');
  assert.equal(await active.getAttribute('role'), 'option');
  const code = await active.locator('.result-code').innerText();
  await page.keyboard.press('Enter');
  await heading(page, code).waitFor();
  assert.ok(page.url().includes(`#/code/${encodeURIComponent(code)}`));

  await page.keyboard.press('Alt+ArrowLeft');
  await page.getByRole('heading', { level: 1, name: 'Look up an ICD-10-CM code' }).waitFor();
  assert.ok(!page.url().includes('#/code/'), 'Alt+Left went back');

  // Open again, then Backspace (focus is on the entry heading, not in an input) goes back.
  await box.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: /^E11\.2?\S*\s/ }).waitFor();
  const focusedInInput = await page.evaluate(() => document.activeElement?.matches('input, textarea, select'));
  assert.equal(focusedInInput, false, 'after opening, the focus leaves the search box');
  await page.keyboard.press('Backspace');
  await page.getByRole('heading', { level: 1, name: 'Look up an ICD-10-CM code' }).waitFor();

  // Escape clears the search.
  await box.focus();
  await page.keyboard.press('Escape');
  assert.equal(await box.inputValue(), '');
  assert.equal(await page.getByRole('option').count(), 0);
  assertNoErrors(errors);
});

test('S06.1X7D is shown as not a valid code (7th character D ruled out), not as "not valid on date"', async (t) => {
  const { page, errors } = await openApp(t, { hash: `#/code/S06.1X7D?date=${DATE}` });
  await heading(page, 'S06.1X7D').waitFor();
  const box = validity(page);
  assert.equal(await box.locator('.validity-head').innerText(), 'Not a valid code');
  assert.equal(await box.evaluate((el) => el.classList.contains('is-invalid')), true, 'the invalid state is red');
  const v = await box.innerText();
  assert.doesNotMatch(v, /Not valid on|Valid on|Header/);
  assert.match(v, /7th characters D and S do not apply/, 'the core\'s reason is shown under the status');
  assert.equal(await page.locator('.entry-badges .badge').first().innerText().then((s) => s.toLowerCase()), 'invalid');
  assert.equal(await dateBox(page).inputValue(), DATE, 'the date comes from the URL');

  // Its own 7th character is marked, greyed with the reason; A links to the valid code.
  const table = page.getByRole('region', { name: /^7th character from / });
  const rowD = table.getByRole('row', { name: /^D\s/ });
  assert.match(await rowD.innerText(), /this code/);
  assert.match(await rowD.innerText(), /Not allowed with S06\.1X7/);
  assert.equal(await rowD.getByRole('link').count(), 0, 'a disallowed character has no link');
  assert.equal(await rowD.evaluate((el) => el.classList.contains('is-disallowed') && el.classList.contains('is-current')), true);
  const linkA = table.getByRole('row', { name: /^A\s/ }).getByRole('link', { name: 'S06.1X7A' });
  assert.equal(await linkA.getAttribute('href'), `#/code/S06.1X7A?date=${DATE}`);
  assertNoErrors(errors);
});

test('searching "S06.1X7D" shows an Invalid badge on the hit', async (t) => {
  const { page, errors } = await openApp(t);
  await searchBox(page).fill('S06.1X7D');
  const hit = option(page, 'S06.1X7D');
  await hit.waitFor();
  const badge = hit.locator('.badge');
  assert.equal((await badge.innerText()).toLowerCase(), 'invalid');
  assert.equal(await badge.evaluate((el) => el.classList.contains('badge-invalid')), true);
  // A header hit keeps its Header badge, a reportable one its Reportable badge.
  await searchBox(page).fill('S72.001');
  assert.equal((await option(page, 'S72.001').locator('.badge').innerText()).toLowerCase(), 'header');
  await searchBox(page).fill('S72.001A');
  assert.equal((await option(page, 'S72.001A').locator('.badge').innerText()).toLowerCase(), 'reportable');
  assertNoErrors(errors);
});

test('S72.001A: its 7th-character table marks A as this code and links D to S72.001D', async (t) => {
  const { page, errors } = await openApp(t, { hash: `#/code/S72.001A?date=${DATE}` });
  await heading(page, 'S72.001A').waitFor();
  const table = page.getByRole('region', { name: /^7th character from / });
  assert.deepEqual(await table.getByRole('columnheader').allInnerTexts().then((l) => l.map((x) => x.toLowerCase())),
    ['character', 'code', 'meaning']);
  const rowA = table.getByRole('row', { name: /^A\s/ });
  assert.match(await rowA.innerText(), /this code/);
  assert.equal(await rowA.evaluate((el) => el.classList.contains('is-current')), true);
  assert.equal(await rowA.getByRole('link', { name: 'S72.001A' }).getAttribute('aria-current'), 'page');
  assert.equal(await table.locator('.is-current').count(), 1, 'exactly one row is this code');
  assert.equal(await table.locator('.is-disallowed').count(), 0, 'every S72 character applies');

  const rowD = table.getByRole('row', { name: /^D\s/ });
  assert.doesNotMatch(await rowD.innerText(), /this code/);
  const linkD = rowD.getByRole('link', { name: 'S72.001D' });
  assert.equal(await linkD.getAttribute('href'), `#/code/S72.001D?date=${DATE}`);
  await linkD.click();
  await heading(page, 'S72.001D').waitFor();
  assert.match(page.url(), /#\/code\/S72\.001D\?date=2026-04-01$/);
  const after = page.getByRole('region', { name: /^7th character from / });
  assert.match(await after.getByRole('row', { name: /^D\s/ }).innerText(), /this code/);
  assertNoErrors(errors);
});

test('a category\'s 7th-character table has no code column (S72)', async (t) => {
  const { page, errors } = await openApp(t, { hash: `#/code/S72?date=${DATE}` });
  await heading(page, 'S72').waitFor();
  const table = page.getByRole('region', { name: /^7th character from / });
  assert.deepEqual(await table.getByRole('columnheader').allInnerTexts().then((l) => l.map((x) => x.toLowerCase())),
    ['character', 'meaning']);
  assert.equal(await table.getByRole('table').getByRole('link').count(), 0);
  assert.equal(await table.locator('.is-current').count(), 0);
  assertNoErrors(errors);
});

test('A04.7 on 2016-04-01 is valid (a code then, a header in FY2026) and lists its children', async (t) => {
  const { page, errors } = await openApp(t, { hash: '#/code/A04.7?date=2016-04-01' });
  await heading(page, 'A04.7').waitFor();
  const box = validity(page);
  assert.equal(await box.locator('.validity-head').innerText(), 'Valid on 2016-04-01');
  assert.equal(await box.evaluate((el) => el.classList.contains('is-valid')), true);
  assert.doesNotMatch(await box.innerText(), /Not valid|Header —/);
  assert.match(await box.locator('.validity-text').innerText(), /2017-09-30/, 'the validity text follows');
  const children = page.getByRole('region', { name: 'Codes under A04.7 in the current tabular' });
  assert.equal(await children.getByRole('link', { name: /^A04\.71\s/ }).count(), 1);
  assert.equal(await children.getByRole('link', { name: /^A04\.72\s/ }).count(), 1);

  // The same code on a FY2026 date is a header.
  await dateBox(page).fill(DATE);
  await box.getByText('Header — not reportable; choose a more specific code', { exact: true }).waitFor();
  assert.equal(await page.getByRole('region', { name: 'Choose a more specific code' }).count(), 1);
  assertNoErrors(errors);
});

test('E11 is a header listing its children', async (t) => {
  const { page, errors } = await openApp(t, { hash: `#/code/E11?date=${DATE}` });
  await heading(page, 'E11').waitFor();
  const v = await validity(page).innerText();
  assert.match(v, /Header — not reportable; choose a more specific code/);
  const children = page.getByRole('region', { name: 'Choose a more specific code' });
  assert.ok(await children.getByRole('link', { name: /^E11\.9\s/ }).count() === 1, 'E11.9 is listed');
  assert.ok(await children.getByRole('link', { name: /^E11\.2\s/ }).count() === 1, 'E11.2 is listed');
  // A child link opens that code.
  await children.getByRole('link', { name: /^E11\.9\s/ }).click();
  await heading(page, 'E11.9').waitFor();
  assertNoErrors(errors);
});

test('changing the date of service re-runs the lookup (U07.1 began 2020-04-01)', async (t) => {
  const { page, errors } = await openApp(t, { hash: `#/code/U07.1?date=${DATE}` });
  await heading(page, 'U07.1').waitFor();
  assert.match(await validity(page).innerText(), /(^|\s)Valid on 2026-04-01/);

  await dateBox(page).fill('2019-12-01');
  await validity(page).getByText('Not valid on 2019-12-01', { exact: true }).waitFor();
  assert.match(page.url(), /#\/code\/U07\.1\?date=2019-12-01$/, 'the URL follows the date');

  await dateBox(page).fill('2020-04-01');
  await validity(page).getByText('Valid on 2020-04-01', { exact: true }).waitFor();
  assertNoErrors(errors);
});

test('a code link in a note navigates, and Back returns', async (t) => {
  const { page, errors } = await openApp(t, { hash: `#/code/E11.22?date=${DATE}` });
  await heading(page, 'E11.22').waitFor();
  const useAdditional = page.getByRole('region', { name: 'Use additional code', exact: true });
  await useAdditional.getByRole('link', { name: /^N18\.1/ }).first().click();
  await heading(page, 'N18.1').waitFor();
  assert.match(page.url(), /#\/code\/N18\.1\?date=2026-04-01$/);
  await page.goBack();
  await heading(page, 'E11.22').waitFor();
  assertNoErrors(errors);
});

test('an unknown code shows the core\'s message, not a blank page', async (t) => {
  const { page, errors } = await openApp(t, { hash: `#/code/E99.999?date=${DATE}` });
  await heading(page, 'E99.999').waitFor();
  const alert = await page.getByRole('alert').innerText();
  assert.ok(alert.trim().length > 0);
  assertNoErrors(errors);
});

for (const [what, reply] of [
  ['a missing code set', { status: 404, body: 'not found' }],
  ['damaged code-set bytes', { status: 200, body: 'this is not a compiled code set', contentType: 'application/octet-stream' }],
]) {
  test(`${what} shows a clear error state`, async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP, serviceWorkers: 'block' });
    t.after(() => context.close());
    await context.route('**/pkg/icd10cm.bin', (route) => route.fulfill(reply));
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(BASE);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /The ICD-10-CM code set could not be loaded/);
    assert.ok(text.split('\n').filter((l) => l.trim()).length >= 2, 'the reason is shown');
    assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 1);
    assert.equal(await searchBox(page).isDisabled(), true, 'search is disabled without a code set');
    assert.deepEqual(pageErrors, [], 'no uncaught exceptions');
    await shot(page, `load-error-${reply.status}`);
  });
}

test('loading, searching and lookups make zero requests to any non-local origin', async (t) => {
  const context = await browser.newContext({ viewport: DESKTOP, serviceWorkers: 'allow' });
  t.after(() => context.close());
  const urls = [];
  context.on('request', (req) => urls.push(req.url()));
  const page = await context.newPage();
  page.on('request', (req) => urls.push(req.url()));
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(err.message));

  await page.goto(BASE);
  await waitReady(page);
  for (const q of ['t2dm ckd', 'E11.22', 'copd', 'fracture femur', 'htn', 'S72.001A', 'xyzzy']) {
    await searchBox(page).fill(q);
    await page.waitForFunction(() => document.getElementById('results-status').textContent !== '');
  }
  await searchBox(page).fill('t2dm ckd');
  await option(page, 'E11.22').click();
  await heading(page, 'E11.22').waitFor();
  for (const code of ['E11', 'S72.001A', 'N18.1', 'U07.1']) await openCode(page, code);
  await dateBox(page).fill('2019-12-01');
  await validity(page).getByText('Not valid on 2019-12-01', { exact: true }).waitFor();
  await page.evaluate(() => navigator.serviceWorker?.ready);

  assert.ok(urls.length >= 5, `requests were recorded (${urls.length})`);
  const foreign = urls.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:')) return false;
    return new URL(u).origin !== ORIGIN;
  });
  assert.deepEqual(foreign, [], 'no request left the local origin');
  assert.match(ORIGIN, /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/);
  assert.deepEqual(errors, []);
});

test('works offline once the service worker has cached the app', async (t) => {
  const context = await browser.newContext({ viewport: DESKTOP, serviceWorkers: 'allow' });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(err.message));

  await page.goto(BASE);
  await waitReady(page);
  const cacheName = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    const names = await caches.keys();
    return names.find((n) => n.startsWith('medcode-'));
  });
  assert.ok(cacheName, 'a medcode-<build> cache exists');
  const buildId = await page.evaluate(async () => (await fetch('pkg/build-id.js')).text());
  assert.ok(buildId.includes(cacheName.slice('medcode-'.length)), 'the cache is named after the build');

  // A reload makes the page controlled by the worker.
  await page.reload();
  await waitReady(page);
  assert.equal(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), true, 'page is controlled');

  await context.setOffline(true);
  const responses = [];
  page.on('response', (res) => responses.push(res));
  await page.reload();
  await waitReady(page);
  assert.ok(responses.length > 0);
  for (const res of responses) {
    assert.equal(res.fromServiceWorker(), true, `${res.url()} came from the service worker`);
  }
  await searchBox(page).fill('t2dm ckd');
  await option(page, 'E11.22').click();
  await heading(page, 'E11.22').waitFor();
  assert.match(await validity(page).innerText(), /Valid on/);
  await context.setOffline(false);
  assert.deepEqual(errors, []);
});

// ---------------------------------------------------------------------------------------------
// Screenshots for review (both sizes): search results, a code with notes, a 7th-character code,
// an invalid code and a header.

for (const [size, viewport, isMobile] of [['1366x768', DESKTOP, false], ['390x844', PHONE, true]]) {
  test(`screenshots at ${size}`, async (t) => {
    const { page, errors } = await openApp(t, { viewport, isMobile });
    await dateBox(page).fill(DATE);
    await shot(page, `home-${size}`);

    await searchBox(page).fill('t2dm ckd');
    await option(page, 'E11.22').waitFor();
    await shot(page, `search-${size}`);

    if (isMobile) await option(page, 'E11.22').tap();
    else await option(page, 'E11.22').click();
    await heading(page, 'E11.22').waitFor();
    await page.mouse.move(0, 0);
    await page.evaluate(() => document.getElementById('code-view').scrollTo(0, 0));
    await shot(page, `code-notes-${size}`);
    await page.screenshot({ path: `${ARTIFACTS}code-notes-${size}-full.png`, fullPage: true });

    await searchBox(page).fill('S72.001A');
    await option(page, 'S72.001A').waitFor();
    await page.keyboard.press('Enter');
    await heading(page, 'S72.001A').waitFor();
    await shot(page, `seventh-${size}`);
    await page.getByRole('region', { name: /^7th character from / }).scrollIntoViewIfNeeded();
    await shot(page, `seventh-table-${size}`);

    await page.screenshot({ path: `${ARTIFACTS}seventh-${size}-full.png`, fullPage: true });
    await assertNoOverflow(page, 'S72.001A');

    // The invalid state (S06.1X7D) and a header with its children (E11).
    for (const [code, name] of [['S06.1X7D', 'invalid'], ['E11', 'header']]) {
      await openCode(page, code);
      await page.mouse.move(0, 0);
      await shot(page, `code-${name}-${size}`);
      await page.screenshot({ path: `${ARTIFACTS}code-${name}-${size}-full.png`, fullPage: true });
      await assertNoOverflow(page, code);
    }
    assertNoErrors(errors);
  });
}
