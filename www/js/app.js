// MedCode Trainer — ICD-10-CM lookup page.
// Loads the wasm core and the compiled code set, then wires search, code view, date of service,
// hash routing and keyboard shortcuts. All coding logic lives in the core.

import init, { Trainer } from '../pkg/medcode.js';
import { h, replaceChildren } from './dom.js';
import { parseHash, codeHref, todayLocal, isDateValue } from './router.js';
import { renderCodeView, displayCode } from './codeview.js';
import { SearchPanel } from './search.js';
import { registerServiceWorker } from './offline.js';

const view = document.getElementById('code-view');
const dateInput = document.getElementById('dos');
const todayButton = document.getElementById('dos-today');
const editionEl = document.getElementById('edition');
const APP_TITLE = 'MedCode Trainer';

let trainer = null;
let search = null;
let depth = 0; // how many in-app history entries lie behind the current one

boot();

async function boot() {
  dateInput.value = todayLocal();
  try {
    const binUrl = new URL('../pkg/icd10cm.bin', import.meta.url);
    const [, bytes] = await Promise.all([init(), fetchBytes(binUrl)]);
    trainer = new Trainer(bytes);
  } catch (err) {
    showBootError(err);
    return;
  }

  editionEl.textContent = trainer.edition();
  search = new SearchPanel({
    search: (q, limit) => trainer.search(q, limit),
    onOpen: (hit) => go(codeHref(hit.code, currentDate())),
  });
  search.enable();
  dateInput.disabled = false;
  todayButton.disabled = false;

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

  if (history.state && typeof history.state.depth === 'number') {
    depth = history.state.depth;
  } else {
    history.replaceState({ depth: 0 }, '');
  }
  view.setAttribute('aria-busy', 'false');
  document.body.classList.add('is-ready');
  render({ focus: false });
  if (parseHash(location.hash).view === 'home') search.focus();

  registerServiceWorker();
}

async function fetchBytes(url) {
  let res;
  try {
    res = await fetch(url);
  } catch {
    throw new Error('The code set file could not be fetched.');
  }
  if (!res.ok) throw new Error(`The code set file could not be fetched (HTTP ${res.status}).`);
  return new Uint8Array(await res.arrayBuffer());
}

function showBootError(err) {
  const message = err instanceof Error ? err.message : String(err);
  view.setAttribute('aria-busy', 'false');
  document.body.classList.add('is-failed');
  editionEl.textContent = 'Code set not loaded';
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
  }
}

function render({ focus }) {
  const route = parseHash(location.hash);
  if (route.date && route.date !== dateInput.value) dateInput.value = route.date;
  if (route.view === 'code') {
    renderCode(route.code, currentDate(), focus);
  } else {
    renderHome();
    search.markCurrent(null);
    if (focus) search.focus();
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

function isEditable(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  return target.matches('input, textarea, select');
}

function onGlobalKey(e) {
  if (e.defaultPrevented) return;
  if (e.key === 'ArrowLeft' && e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
    e.preventDefault();
    goBack();
    return;
  }
  if (e.altKey || e.ctrlKey || e.metaKey) return;
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

