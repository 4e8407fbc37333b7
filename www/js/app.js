// MedCode Trainer — the page shell and the ICD-10-CM lookup.
// Wires the header navigation between the code-set areas (ICD-10-CM lookup, ICD-10-PCS builder,
// HCPCS & CPT),
// the date of service, hash routing and keyboard shortcuts, and the ICD-10-CM search and code
// view. Each area loads its code set when it is first shown. All coding logic lives in the core.

import { Trainer } from '../pkg/medcode.js';
import { h, replaceChildren, isEditable } from './dom.js';
import { parseHash, codeHref, hcpcsHref, todayLocal, isDateValue } from './router.js';
import { renderCodeView, displayCode } from './codeview.js';
import { SearchPanel } from './search.js';
import { PcsBuilder } from './pcs.js';
import { HcpcsArea } from './hcpcs.js';
import { CmIndexArea } from './cmindex.js';
import { loadCodeSet, messageOf } from './codeset.js';
import { registerServiceWorker } from './offline.js';

const view = document.getElementById('code-view');
const dateInput = document.getElementById('dos');
const todayButton = document.getElementById('dos-today');
const editionEl = document.getElementById('edition');
const brandSub = document.getElementById('brand-sub');
const APP_TITLE = 'MedCode Trainer';

let trainer = null;
let search = null;
let cmLoad = null; // the promise of the ICD-10-CM code set, once asked for
let cmError = null;
let depth = 0; // how many in-app history entries lie behind the current one
let currentArea = null;

const pcs = new PcsBuilder({
  root: document.getElementById('pcs-view'),
  reference: document.getElementById('pcs-reference'),
  go,
  currentDate,
  onLoaded: () => areaLoaded('pcs'),
  onFailed: () => areaFailed('pcs'),
});

const hcpcs = new HcpcsArea({
  root: document.getElementById('hcpcs-view'),
  sectionsNav: document.getElementById('hcpcs-sections-nav'),
  go,
  back: goBack,
  currentDate,
  onLoaded: () => areaLoaded('hcpcs'),
  onFailed: () => areaFailed('hcpcs'),
});

const cmIndex = new CmIndexArea({
  root: document.getElementById('index-view'),
  go,
  back: goBack,
  currentDate,
  // The Alphabetic Index is checked against the same ICD-10-CM Trainer the lookup uses.
  getTrainer: () => ensureCm().then((ok) => {
    if (!ok) throw cmError ?? new Error('The ICD-10-CM code set could not be loaded.');
    return trainer;
  }),
  onLoaded: () => areaLoaded('index'),
  onFailed: () => areaFailed('index'),
});

/**
 * The areas of the page, one per link of the header navigation (`data-area`). Each has its
 * layout element (`data-area` too), the subtitle under the brand, and:
 *   show(route, { focus, first })  render a route of the area (load its code set if need be);
 *                                  first: the area was just opened (page load, another tab)
 *   onKey(e)                       shortcuts while the area is shown (after the global ones)
 *   edition()                      the footer text
 *   failed()                       true when its code set could not be loaded
 * A new code set adds a nav link and a layout in index.html, its routes in router.js, and an
 * entry here.
 */
const AREAS = {
  cm: {
    sub: 'ICD-10-CM tabular lookup',
    show: showCm,
    onKey: onCmKey,
    edition: () => (trainer ? trainer.edition() : cmError ? 'ICD-10-CM code set not loaded' : 'ICD-10-CM'),
    failed: () => cmError !== null,
  },
  pcs: {
    sub: 'ICD-10-PCS table builder',
    show: (route, opts) => pcs.show(route, opts),
    onKey: (e) => pcs.onKey(e),
    edition: () => pcs.edition(),
    failed: () => pcs.failed(),
  },
  hcpcs: {
    sub: 'HCPCS Level II and CPT',
    show: (route, opts) => hcpcs.show(route, opts),
    onKey: (e) => hcpcs.onKey(e),
    edition: () => hcpcs.edition(),
    failed: () => hcpcs.failed(),
  },
  index: {
    sub: 'ICD-10-CM Index',
    show: (route, opts) => cmIndex.show(route, opts),
    onKey: (e) => cmIndex.onKey(e),
    edition: () => cmIndex.edition(),
    failed: () => cmIndex.failed(),
  },
};

boot();

function boot() {
  dateInput.value = todayLocal();
  dateInput.addEventListener('change', onDateChange);
  todayButton.addEventListener('click', () => {
    dateInput.value = todayLocal();
    onDateChange();
  });
  window.addEventListener('hashchange', () => {
    trackDepth();
    render({ focus: true });
  });
  document.addEventListener('keydown', onGlobalKey);
  // The skip link moves the focus to the shown area's main pane without changing the route.
  document.querySelector('.skip-link')?.addEventListener('click', (e) => {
    e.preventDefault();
    const main = document.querySelector('[data-area]:not([hidden]) main');
    if (main) main.focus();
  });

  if (history.state && typeof history.state.depth === 'number') {
    depth = history.state.depth;
  } else {
    history.replaceState({ depth: 0 }, '');
  }
  render({ focus: false, first: true });
  registerServiceWorker();
}

/** A code set finished loading: the page counts as ready from the first one on. */
function areaLoaded(area) {
  dateInput.disabled = false;
  todayButton.disabled = false;
  document.body.classList.add('is-ready');
  if (area === currentArea) syncFooter();
}

function areaFailed(area) {
  if (area === currentArea) syncFooter();
}

function syncFooter() {
  const area = AREAS[currentArea];
  editionEl.textContent = area.edition();
  document.body.classList.toggle('is-failed', area.failed());
}

/** Show the area a route belongs to: its layout, its tab marked current, its subtitle. */
function showArea(name) {
  if (currentArea === name) return;
  currentArea = name;
  for (const el of document.querySelectorAll('body > [data-area]')) {
    el.hidden = el.dataset.area !== name;
  }
  for (const link of document.querySelectorAll('.app-nav-link')) {
    if (link.dataset.area === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  brandSub.textContent = AREAS[name].sub;
  document.body.dataset.area = name;
  syncFooter();
}

/** Each tab links back to the last route seen in its area. */
function rememberRoute(name) {
  const link = document.querySelector(`.app-nav-link[data-area="${name}"]`);
  if (link) link.setAttribute('href', location.hash || '#/');
}

function render({ focus, first = false }) {
  const route = parseHash(location.hash);
  if (route.date && route.date !== dateInput.value) dateInput.value = route.date;
  const entered = currentArea !== route.area; // opened now, from another area or at load
  showArea(route.area);
  rememberRoute(route.area);
  AREAS[route.area].show(route, { focus, first: first || entered });
}

// ---------------------------------------------------------------------------------------------
// ICD-10-CM lookup

/** Load the ICD-10-CM code set once; resolves to true when it is usable. */
function ensureCm() {
  cmLoad ??= (async () => {
    try {
      trainer = await loadCodeSet('icd10cm.bin', (bytes) => new Trainer(bytes));
    } catch (err) {
      cmError = err;
      showBootError(err);
      if (currentArea === 'cm') syncFooter();
      return false;
    }
    search = new SearchPanel({
      search: (q, limit) => trainer.search(q, limit),
      onOpen: (hit) => go(codeHref(hit.code, currentDate())),
    });
    search.enable();
    view.setAttribute('aria-busy', 'false');
    areaLoaded('cm');
    return true;
  })();
  return cmLoad;
}

function showCm(route, { focus, first }) {
  if (trainer) {
    renderCm(route, focus, first);
    return;
  }
  if (cmError) {
    showBootError(cmError);
    return;
  }
  ensureCm().then((ok) => {
    // Render the route shown by then, if the student is still in this area.
    if (ok && currentArea === 'cm') renderCm(parseHash(location.hash), focus, first);
  });
}

function renderCm(route, focus, first) {
  if (route.view === 'code') {
    renderCode(route.code, currentDate(), focus);
  } else {
    renderHome();
    search.markCurrent(null);
    if (focus || first) search.focus();
  }
}

function showBootError(err) {
  const message = messageOf(err);
  view.setAttribute('aria-busy', 'false');
  replaceChildren(view,
    h('div', { class: 'panel state-panel is-error', role: 'alert' },
      h('p', { class: 'state-title' }, 'The ICD-10-CM code set could not be loaded'),
      h('p', { class: 'state-detail' }, message),
      h('p', { class: 'state-detail' },
        'If you are offline, open the page once while online so it can be stored on this device.'),
      h('button', { type: 'button', class: 'btn btn-primary', on: { click: () => location.reload() } }, 'Try again'),
    ),
  );
}

function currentDate() {
  return isDateValue(dateInput.value) ? dateInput.value : todayLocal();
}

/** Navigate to `hash` with a new history entry (the hashchange handler renders it). */
function go(hash) {
  if (location.hash === hash) {
    render({ focus: true });
    return;
  }
  location.hash = hash;
  // The entry exists now: give it its depth at once, so that navigations quicker than their
  // hashchange events (keys typed fast in the builder) are each counted.
  depth += 1;
  history.replaceState({ depth }, '');
}

/** Give a new history entry its depth, so Back never leaves the app. */
function trackDepth() {
  const state = history.state;
  if (state && typeof state.depth === 'number') {
    depth = state.depth;
  } else {
    depth += 1;
    history.replaceState({ depth }, '');
  }
}

function goBack() {
  if (depth > 0) history.back();
}

function onDateChange() {
  if (!isDateValue(dateInput.value)) return;
  const route = parseHash(location.hash);
  if (route.view === 'code') {
    history.replaceState(history.state, '', codeHref(route.code, dateInput.value));
    render({ focus: false });
  } else if (route.area === 'pcs') {
    // A builder route names a date only when it was opened with one; keep it in step.
    if (route.date) history.replaceState(history.state, '', location.hash.replace(/([?&]date=)[^&]*/, `$1${dateInput.value}`));
    rememberRoute('pcs');
    pcs.dateChanged();
  } else if (route.area === 'index') {
    cmIndex.dateChanged();
  } else if (route.area === 'hcpcs') {
    if (route.view === 'hcpcs-code') history.replaceState(history.state, '', hcpcsHref(route.code, dateInput.value));
    rememberRoute('hcpcs');
    hcpcs.dateChanged();
  }
}

function renderCode(code, date, focus) {
  let lookup;
  try {
    lookup = trainer.lookup(code, date);
  } catch (err) {
    renderNotFound(code, err instanceof Error ? err.message : String(err));
    search.markCurrent(null);
    if (focus) focusHeading();
    return;
  }
  replaceChildren(view, renderCodeView(lookup));
  document.title = `${displayCode(lookup.code, lookup.kind)} ${lookup.title ?? ''} · ${APP_TITLE}`.replace(/\s+·/, ' ·');
  document.body.classList.add('has-code');
  search.markCurrent(lookup.code);
  if (focus) {
    // A new entry starts at its top: the pane scrolls on wide screens, the page on narrow ones.
    view.scrollTop = 0;
    if (window.matchMedia('(max-width: 800px)').matches) window.scrollTo(0, 0);
    focusHeading();
  }
}

function focusHeading() {
  const heading = document.getElementById('entry-heading');
  if (heading) heading.focus({ preventScroll: true });
}

function renderNotFound(code, message) {
  document.title = `${code} · ${APP_TITLE}`;
  document.body.classList.add('has-code');
  replaceChildren(view,
    h('article', { class: 'entry', aria: { labelledby: 'entry-heading' } },
      h('header', { class: 'entry-head' },
        h('h1', { id: 'entry-heading', class: 'entry-heading', tabindex: '-1' },
          h('span', { class: 'entry-code' }, code)),
      ),
      h('section', { class: 'validity is-invalid', role: 'alert' },
        h('p', { class: 'validity-head' },
          message),
        h('p', { class: 'validity-text' }, 'Check the code, or search by words in the search box.'),
      ),
    ),
  );
}

function renderHome() {
  document.title = `ICD-10-CM lookup · ${APP_TITLE}`;
  document.body.classList.remove('has-code');
  const date = currentDate();
  const examples = [
    ['E11.22', 'notes inherited from E11'],
    ['S72.001A', '7th characters'],
    ['E11', 'a header and its codes'],
    ['U07.1', 'added April 2020 — try a 2019 date'],
  ];
  const shortcut = (keys, what) => h('div', { class: 'shortcut' },
    h('dt', null, keys.map((k, i) => [i ? h('span', { class: 'kbd-or' }, ' or ') : null, h('kbd', null, k)])),
    h('dd', null, what));
  replaceChildren(view,
    h('article', { class: 'panel home', aria: { labelledby: 'entry-heading' } },
      h('h1', { id: 'entry-heading', class: 'home-title', tabindex: '-1' }, 'Look up an ICD-10-CM code'),
      h('p', { class: 'home-lead' },
        'Type a code or a few words — abbreviations such as ',
        h('q', null, 't2dm ckd'), ' work too. Each entry reads like the tabular list: its ancestors, ',
        'the instructional notes that apply from every level, the 7th-character table, and whether the code ',
        'is valid on the date of service.'),
      h('h2', { class: 'home-subtitle' }, 'Try'),
      h('ul', { class: 'examples' }, examples.map(([code, why]) =>
        h('li', null, h('a', { href: codeHref(code, date), class: 'example' },
          h('span', { class: 'example-code' }, code),
          h('span', { class: 'example-why' }, why))))),
      h('h2', { class: 'home-subtitle' }, 'Keyboard'),
      h('dl', { class: 'shortcuts' },
        shortcut(['/'], 'Focus the search box'),
        shortcut(['↑', '↓'], 'Move through the results'),
        shortcut(['Enter'], 'Open the selected result'),
        shortcut(['Esc'], 'Clear the search'),
        shortcut(['Backspace', 'Alt+←'], 'Go back'),
      ),
    ),
  );
}

function onGlobalKey(e) {
  if (e.defaultPrevented) return;
  if (e.key === 'ArrowLeft' && e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
    e.preventDefault();
    goBack();
    return;
  }
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  AREAS[currentArea]?.onKey(e);
}

function onCmKey(e) {
  if (!search) return;
  if (e.key === '/' && !isEditable(e.target)) {
    e.preventDefault();
    search.focus({ select: true });
    return;
  }
  if (e.key === 'Backspace' && !isEditable(e.target)) {
    e.preventDefault();
    goBack();
  }
}

