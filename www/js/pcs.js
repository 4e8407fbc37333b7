// The ICD-10-PCS builder view: seven character boxes, the values the core offers for the next
// position (pcs.build), a type-ahead filter over them, the complete code's lookup (pcs.lookup),
// the search over titles and the Index (pcs.search) and the Index browser (pcsindex.js), and the
// reference panel (root-operation definitions, device aggregation). The core decides every
// offered value, title and status; this module renders them and maps keys to choices.

import { PcsCodes } from '../pkg/medcode.js';
import { h, replaceChildren, isEditable, searchGlyph } from './dom.js';
import { pcsHref, pcsIndexHref } from './router.js';
import { loadCodeSet, messageOf } from './codeset.js';
import { SearchPanel } from './search.js';
import { PcsIndexBrowser, renderPcsHit } from './pcsindex.js';
import {
  POSITIONS, chosenChars, renderSlots, renderChoice, renderResult, renderDefinitions, renderDeviceAggregation,
} from './pcsview.js';

const APP_TITLE = 'MedCode Trainer';
const NARROW = '(max-width: 800px)';
/** Below this width the reference panel sits under the builder, folded. */
const STACKED = '(max-width: 1199px)';
const PAGE = 5;

/** What a rendered route depends on (the date of service only when the route names it). */
function routeKey(route) {
  if (route?.view === 'pcs-index') return `index/${route.term ?? ''}`;
  return `${route?.code ?? ''}?${route?.date ?? ''}`;
}

export class PcsBuilder {
  /**
   * @param {object} opts
   * @param {HTMLElement} opts.root          the builder's <main>
   * @param {HTMLElement} opts.reference     the reference <aside>
   * @param {(hash: string) => void} opts.go navigate (a new history entry)
   * @param {() => string} opts.currentDate  the date of service (YYYY-MM-DD)
   * @param {() => void} opts.onLoaded       the code set is loaded
   * @param {() => void} opts.onFailed       the code set could not be loaded
   */
  constructor({ root, reference, go, currentDate, onLoaded, onFailed }) {
    Object.assign(this, { root, reference, go, currentDate, onLoaded, onFailed });
    this.pcs = null;
    this.loading = null;
    this.error = null;
    this.route = null;
    this.step = null; // the PcsBuilderStep shown (null when none could be built)
    this.shown = []; // the choices listed, filtered and ordered
    this.active = -1;
    this.viaFilter = false; // the last choice came from the filter box: keep typing there
    this.axisAt3 = new Map(); // section char -> the axis name of its position 3
    this.refKey = null;
    this.refCurrent = null;
    this.stacked = window.matchMedia(STACKED);
  }

  edition() {
    if (this.pcs) return this.pcs.edition();
    return this.error ? 'ICD-10-PCS code set not loaded' : 'ICD-10-PCS';
  }

  failed() {
    return this.error !== null;
  }

  /** Render a builder route; the first call loads the code set. */
  show(route, { focus, first }) {
    // A choice renders its step at once (keys typed fast must apply to the new step); the
    // hashchange that follows then finds the route already shown.
    if (this.pcs && !first && routeKey(route) === this.renderedKey) return;
    this.route = route;
    if (this.pcs) {
      this.render(focus || first, { first });
      return;
    }
    document.title = `${route.view === 'pcs-index' ? 'ICD-10-PCS Index' : 'ICD-10-PCS builder'} · ${APP_TITLE}`;
    if (this.error) {
      this.renderLoadError();
      return;
    }
    this.load().then((ok) => {
      if (ok && !this.root.parentElement.hidden) this.render(true, { first: true });
    });
  }

  load() {
    this.loading ??= loadCodeSet('icd10pcs.bin', (bytes) => new PcsCodes(bytes)).then(
      (pcs) => {
        this.pcs = pcs;
        this.buildShell();
        this.root.setAttribute('aria-busy', 'false');
        this.onLoaded();
        return true;
      },
      (err) => {
        this.error = err;
        this.renderLoadError();
        this.onFailed();
        return false;
      },
    );
    return this.loading;
  }

  renderLoadError() {
    this.root.setAttribute('aria-busy', 'false');
    document.title = `ICD-10-PCS builder · ${APP_TITLE}`;
    replaceChildren(this.root,
      h('div', { class: 'panel state-panel is-error', role: 'alert' },
        h('p', { class: 'state-title' }, 'The ICD-10-PCS code set could not be loaded'),
        h('p', { class: 'state-detail' }, messageOf(this.error)),
        h('p', { class: 'state-detail' },
          'If you are offline, open the page once while online so it can be stored on this device.'),
        h('button', { type: 'button', class: 'btn btn-primary', on: { click: () => location.reload() } }, 'Try again'),
      ),
    );
  }

  /** The parts that stay while the student builds: title, look-up box, keys; and the reference. */
  buildShell() {
    this.lookupInput = h('input', {
      id: 'pcs-lookup',
      type: 'text',
      autocomplete: 'off',
      autocapitalize: 'characters',
      spellcheck: 'false',
      placeholder: 'e.g. 0DTJ4ZZ',
      aria: { describedby: 'pcs-lookup-msg' },
    });
    this.lookupMsg = h('p', { id: 'pcs-lookup-msg', class: 'pcs-lookup-msg', role: 'status' });
    this.body = h('div', { class: 'pcs-body', id: 'pcs-body' });
    this.heading = h('h1', { id: 'pcs-heading', class: 'pcs-title', tabindex: '-1' }, 'Build an ICD-10-PCS code');
    this.viewLink = h('a', { class: 'pcs-view-link', id: 'pcs-view-link', href: pcsIndexHref('') }, 'Browse the Index');
    const shortcut = (keys, what) => h('div', { class: 'shortcut' },
      h('dt', null, keys.map((k, i) => [i ? h('span', { class: 'kbd-or' }, ' or ') : null, h('kbd', null, k)])),
      h('dd', null, what));
    replaceChildren(this.root,
      h('div', { class: 'pcs-top' },
        h('div', { class: 'pcs-title-row' }, this.heading, this.viewLink),
        h('form', {
          class: 'pcs-lookup',
          role: 'search',
          aria: { label: 'Look up a PCS code' },
          on: { submit: (e) => { e.preventDefault(); this.lookupTyped(); } },
        },
          h('label', { for: 'pcs-lookup', class: 'pcs-lookup-label' }, 'Look up a PCS code'),
          h('div', { class: 'pcs-lookup-row' },
            this.lookupInput,
            h('button', { type: 'submit', class: 'btn' }, 'Open')),
          this.lookupMsg,
        ),
      ),
      this.renderSearchBox(),
      this.body,
      h('section', { class: 'pcs-keys', aria: { labelledby: 'pcs-keys-heading' } },
        h('h2', { id: 'pcs-keys-heading', class: 'home-subtitle' }, 'Keyboard'),
        h('dl', { class: 'shortcuts' },
          shortcut(['0–9', 'A–Z'], 'Choose the value with that character'),
          shortcut(['↑', '↓'], 'Move through the values (also Home, End, Page Up, Page Down)'),
          shortcut(['Enter'], 'Choose the highlighted value'),
          shortcut(['/'], 'Filter the values by character or name, then Enter'),
          shortcut(['/ /'], 'Search titles and the Index (/ again from the empty filter)'),
          shortcut(['Esc'], 'Clear the filter'),
          shortcut(['Backspace'], 'Remove the last character'),
          shortcut(['Alt+←'], 'Go back'),
        ),
      ),
    );

    // The reference panel: definitions of the section's position-3 axis, the device aggregation table.
    const open = !this.stacked.matches;
    this.refDefsCount = h('span', { class: 'ref-count' });
    this.refDefsTitle = h('span', { class: 'ref-summary-title' }, 'Root operations');
    this.refDefsSub = h('span', { class: 'ref-summary-sub' });
    this.refDefsBody = h('div', { class: 'ref-body' });
    const devices = this.pcs.deviceAggregation();
    replaceChildren(this.reference,
      h('h2', { id: 'ref-heading', class: 'ref-heading' }, 'Reference'),
      h('details', { class: 'ref-block', id: 'ref-ops', open },
        h('summary', { class: 'ref-summary' },
          h('span', { class: 'ref-summary-text' }, this.refDefsTitle, this.refDefsSub),
          this.refDefsCount),
        this.refDefsBody,
      ),
      h('details', { class: 'ref-block', id: 'ref-devices', open },
        h('summary', { class: 'ref-summary' },
          h('span', { class: 'ref-summary-text' },
            h('span', { class: 'ref-summary-title' }, 'Device aggregation'),
            h('span', { class: 'ref-summary-sub' }, 'specific device → the device value to code')),
          h('span', { class: 'ref-count' }, String(devices.length))),
        h('div', { class: 'ref-body' }, renderDeviceAggregation(devices)),
      ),
    );
    this.reference.hidden = false;
    this.search = new SearchPanel({
      prefix: 'pcs-',
      search: (q, limit) => this.pcs.search(q, limit),
      onOpen: (hit) => {
        this.viaFilter = false;
        this.go(pcsHref(hit.code, this.route?.view === 'pcs' ? this.route?.date ?? null : null));
      },
      renderHit: renderPcsHit,
      noun: 'procedures or index entries',
      collapseAlways: true,
    });
    this.search.enable();
    this.index = new PcsIndexBrowser({ pcs: this.pcs, go: this.go });
    // Folded under the builder on narrow screens, open beside it on wide ones.
    this.stacked.addEventListener('change', () => {
      for (const d of this.reference.querySelectorAll('details')) d.open = !this.stacked.matches;
    });
  }

  /** The search over PCS titles and the Index: an ARIA combobox, its hits folded once one is opened. */
  renderSearchBox() {
    return h('div', { class: 'pcs-search' },
      h('form', { class: 'pcs-search-form', role: 'search', id: 'pcs-search-form' },
        h('label', { class: 'search-label', for: 'pcs-search' }, 'Search procedures and the Index'),
        h('div', { class: 'search-box' },
          searchGlyph(),
          h('input', {
            id: 'pcs-search',
            class: 'search-input',
            type: 'search',
            autocomplete: 'off',
            autocapitalize: 'off',
            spellcheck: 'false',
            placeholder: 'e.g. laparoscopic appendectomy',
            role: 'combobox',
            aria: { autocomplete: 'list', expanded: 'false', controls: 'pcs-results' },
            disabled: true,
          }),
        ),
      ),
      h('div', { class: 'results-pane pcs-results-pane', id: 'pcs-results-pane' },
        h('p', { class: 'results-status', id: 'pcs-results-status', role: 'status', aria: { live: 'polite' } }),
        h('ul', { class: 'results', id: 'pcs-results', role: 'listbox', aria: { label: 'Procedure search results' } }),
        h('button', {
          class: 'btn btn-quiet results-toggle', id: 'pcs-results-toggle', type: 'button', hidden: true,
          aria: { controls: 'pcs-results', expanded: 'false' },
        }),
      ),
    );
  }

  /** The date of service changed: a complete code is looked up again (the values do not depend on it). */
  dateChanged() {
    if (!this.pcs || !this.route || this.root.parentElement.hidden) return;
    // A route that names a date follows the new one (app.js rewrote the URL the same way).
    this.route = { ...this.route, date: this.route.date ? this.currentDate() : null };
    if (this.step?.next_pos != null) {
      this.renderedKey = routeKey(this.route);
      return;
    }
    this.render(false);
  }

  // -------------------------------------------------------------------------------------------
  // rendering a route

  /**
   * What the route shows: the builder step for its characters; when the core refuses them, a
   * seven-character code it can still look up (one no table row holds, e.g. an April 2026
   * addition), or else its message above the builder at the longest start it accepts.
   */
  resolve(chars) {
    try {
      return { step: this.pcs.build(chars), error: null, untitled: null };
    } catch (err) {
      const buildError = messageOf(err);
      let lookupError = null;
      try {
        return { step: null, error: null, untitled: this.pcs.lookup(chars, this.currentDate()) };
      } catch (e) {
        lookupError = messageOf(e);
      }
      // A complete-looking code is best explained by the lookup; a partial one by the builder.
      const error = chars.length >= POSITIONS ? lookupError : buildError;
      for (let n = Math.min(chars.length, POSITIONS) - 1; n >= 0; n -= 1) {
        try {
          return { step: this.pcs.build(chars.slice(0, n)), error, untitled: null };
        } catch {
          // try a shorter start
        }
      }
      return { step: null, error, untitled: null };
    }
  }

  /** Render the current route; `first` = the view was just opened (keep the page at its top). */
  render(focus, { first = false } = {}) {
    this.renderedKey = routeKey(this.route);
    // Another page of the area: hits still listed fold away (their "Show" button stays).
    if (this.search && document.activeElement !== this.search.input) this.search.setCollapsed(true);
    const inIndex = this.route?.view === 'pcs-index';
    this.heading.textContent = inIndex ? 'ICD-10-PCS Index' : 'Build an ICD-10-PCS code';
    this.viewLink.textContent = inIndex ? 'Back to the builder' : 'Browse the Index';
    this.viewLink.setAttribute('href', inIndex ? pcsHref(this.lastBuilderCode ?? '') : pcsIndexHref(''));
    if (inIndex) {
      this.renderIndex(focus);
      return;
    }
    const chars = this.route?.code ?? '';
    this.lastBuilderCode = chars;
    const { step, error, untitled } = this.resolve(chars);
    this.step = step;
    this.shown = [];
    this.active = -1;
    this.list = null;
    this.filterInput = null;

    const parts = [];
    if (error) parts.push(this.renderAlert(error, step));
    if (step) parts.push(renderSlots(step, (prefix) => pcsHref(prefix)));
    if (step && step.next_pos != null) parts.push(this.renderStep(step));
    if (step && step.next_pos == null) parts.push(this.renderComplete(step));
    if (untitled) parts.push(this.renderLookup(untitled, null));
    replaceChildren(this.body, parts);

    const code = step ? chosenChars(step) : untitled?.code ?? '';
    if (step?.next_pos == null && step?.title) document.title = `${code} ${step.title} · ${APP_TITLE}`;
    else if (untitled) document.title = `${untitled.code} · ICD-10-PCS · ${APP_TITLE}`;
    else document.title = `ICD-10-PCS builder${code ? ` · ${code}` : ''} · ${APP_TITLE}`;

    this.syncReference(step);
    if (focus) this.placeFocus({ first });
  }

  /** The Index browser at the route's main term. */
  renderIndex(focus) {
    const term = this.route.term ?? '';
    this.step = null;
    this.shown = [];
    this.active = -1;
    this.list = null;
    this.filterInput = null;
    let view;
    try {
      view = this.index.render(term, null);
    } catch (err) {
      view = h('div', { class: 'pcs-alert', role: 'alert' }, h('p', { class: 'pcs-alert-head' }, messageOf(err)));
    }
    replaceChildren(this.body, view);
    document.title = `${term ? `${term} · ` : ''}ICD-10-PCS Index · ${APP_TITLE}`;
    let start = null;
    try {
      start = this.pcs.build(''); // the sections, so the reference can name its section
    } catch {
      start = null;
    }
    this.syncReference(start);
    if (focus) {
      this.root.scrollTop = 0;
      this.root.parentElement.scrollTop = 0;
      if (window.matchMedia(NARROW).matches) window.scrollTo(0, 0);
      this.index.focus(Boolean(term));
    }
  }

  renderAlert(message, step) {
    const shownChars = step ? chosenChars(step) : '';
    return h('div', { class: 'pcs-alert', role: 'alert' },
      h('p', { class: 'pcs-alert-head' }, message),
      step
        ? h('p', { class: 'pcs-alert-text' }, shownChars
          ? `Showing the values that can follow ${shownChars}.`
          : 'Showing the values for the first character.')
        : null,
    );
  }

  /** The current position: its axis, the filter box and the offered values. */
  renderStep(step) {
    const axis = step.next_axis ?? `Position ${step.next_pos}`;
    const n = step.choices.length;
    this.filterInput = h('input', {
      id: 'pcs-filter',
      class: 'pcs-filter-input',
      type: 'text',
      autocomplete: 'off',
      autocapitalize: 'off',
      spellcheck: 'false',
      placeholder: 'character or name',
      role: 'combobox',
      aria: { autocomplete: 'list', expanded: 'true', controls: 'pcs-choices', describedby: 'pcs-step-hint' },
      on: { input: () => this.applyFilter(), keydown: (e) => this.onFilterKey(e) },
    });
    this.list = h('ul', {
      id: 'pcs-choices',
      class: 'pcs-choices',
      role: 'listbox',
      tabindex: '0',
      aria: { labelledby: 'pcs-step-heading' },
      on: {
        keydown: (e) => this.onListKey(e),
        click: (e) => {
          const li = e.target instanceof Element ? e.target.closest('[role="option"]') : null;
          if (li) this.chooseChar(li.dataset.char, { viaFilter: false });
        },
      },
    });
    this.stepStatus = h('p', { class: 'pcs-step-status', id: 'pcs-step-status', role: 'status' });
    const section = h('section', { class: 'pcs-step', aria: { labelledby: 'pcs-step-heading' } },
      h('div', { class: 'pcs-step-head' },
        h('h2', { id: 'pcs-step-heading', class: 'pcs-step-title' },
          h('span', { class: 'pcs-step-pos' }, `Position ${step.next_pos} of ${POSITIONS}`),
          ' ',
          h('span', { class: 'pcs-step-axis' }, axis)),
        h('p', { class: 'pcs-step-count' }, n === 1 ? '1 value leads to a valid code' : `${n} values lead to a valid code`),
      ),
      h('div', { class: 'pcs-filter' },
        h('label', { for: 'pcs-filter', class: 'pcs-filter-label' }, `Filter ${axis} values`),
        h('div', { class: 'pcs-filter-box' },
          this.filterInput,
          h('kbd', { class: 'pcs-filter-kbd', aria: { hidden: 'true' } }, '/')),
      ),
      h('p', { class: 'pcs-step-hint', id: 'pcs-step-hint' },
        'Type a value\'s character to choose it, or ', h('kbd', null, '↑'), ' ', h('kbd', null, '↓'), ' and ',
        h('kbd', null, 'Enter'), '. ', h('kbd', null, '/'), ' filters by name (', h('kbd', null, '/'),
        ' again searches procedures); ', h('kbd', null, 'Backspace'), ' removes the last character.'),
      this.stepStatus,
      this.list,
    );
    this.showChoices(step.choices);
    return section;
  }

  renderComplete(step) {
    let view;
    try {
      view = this.pcs.lookup(step.code ?? chosenChars(step), this.currentDate());
    } catch (err) {
      return h('div', { class: 'pcs-alert', role: 'alert' }, h('p', { class: 'pcs-alert-head' }, messageOf(err)));
    }
    return this.renderLookup(view, step.title);
  }

  renderLookup(view, title) {
    const note = h('span', { class: 'pcs-copy-note', role: 'status' });
    const codeText = view.code;
    const actions = h('div', { class: 'pcs-actions' },
      h('button', {
        type: 'button',
        class: 'btn btn-primary',
        on: { click: () => this.copy(codeText, note) },
      }, 'Copy code'),
      h('a', { class: 'btn', href: pcsHref('') }, 'Build another code'),
      note,
    );
    return renderResult(view, { title, actions });
  }

  async copy(code, note) {
    try {
      await navigator.clipboard.writeText(code);
      note.textContent = `Copied ${code}`;
    } catch {
      note.textContent = `Could not copy here: select ${code} and press Ctrl+C.`;
    }
  }

  placeFocus({ first }) {
    // A new step starts at its top: the pane scrolls on wide screens, the page on narrow ones,
    // where each step after the first brings the boxes to the top of the screen.
    this.root.scrollTop = 0;
    this.root.parentElement.scrollTop = 0; // the area scrolls as one on medium screens
    if (window.matchMedia(NARROW).matches) {
      const slots = this.body.querySelector('.pcs-slots');
      if (slots && !first) slots.scrollIntoView({ block: 'start' });
      else window.scrollTo(0, 0);
    }
    if (this.list) {
      const target = this.viaFilter ? this.filterInput : this.list;
      target.focus({ preventScroll: true });
      return;
    }
    const heading = document.getElementById('pcs-result-heading') ?? document.getElementById('pcs-heading');
    heading?.focus({ preventScroll: true });
  }

  // -------------------------------------------------------------------------------------------
  // choices, filter and keys

  /** List `choices` (a subset of the step's, in the given order) and highlight the first. */
  showChoices(choices) {
    this.shown = choices;
    replaceChildren(this.list, choices.map(renderChoice));
    this.list.classList.toggle('is-empty', choices.length === 0);
    this.setActive(choices.length ? 0 : -1);
  }

  /**
   * Filter the offered values by what is typed: the value whose character it is first, then
   * labels starting with it, then labels with a word starting with it, then any label holding it.
   * This only narrows the list the core returned; it never adds a value.
   */
  applyFilter() {
    const q = this.filterInput.value.trim().toLowerCase();
    const all = this.step?.choices ?? [];
    if (!q) {
      this.showChoices(all);
      this.stepStatus.textContent = '';
      return;
    }
    const ranked = [];
    all.forEach((c, i) => {
      const label = c.label.toLowerCase();
      // What the value includes (the body-part key, as the core gives it) matches after its label.
      const includes = (c.includes ?? []).join('; ').toLowerCase();
      let rank = -1;
      if (c.char.toLowerCase() === q) rank = 0;
      else if (label.startsWith(q)) rank = 1;
      else if (label.split(/[\s,/()-]+/).some((w) => w.startsWith(q))) rank = 2;
      else if (label.includes(q)) rank = 3;
      else if (includes.split(/[\s,;/()-]+/).some((w) => w.startsWith(q))) rank = 4;
      else if (includes.includes(q)) rank = 5;
      if (rank >= 0) ranked.push({ c, rank, i });
    });
    ranked.sort((a, b) => a.rank - b.rank || a.i - b.i);
    this.showChoices(ranked.map((r) => r.c));
    const typed = this.filterInput.value.trim();
    this.stepStatus.textContent = ranked.length
      ? `${ranked.length} of ${all.length} values match “${typed}”`
      : `No ${this.step.next_axis ?? 'value'} matches “${typed}”`;
    this.stepStatus.classList.toggle('is-error', ranked.length === 0);
  }

  setActive(index, { scroll = false } = {}) {
    if (!this.list) return;
    const options = this.list.children;
    if (this.active >= 0 && options[this.active]) options[this.active].setAttribute('aria-selected', 'false');
    this.active = index;
    const el = index >= 0 ? options[index] : null;
    if (el) {
      el.setAttribute('aria-selected', 'true');
      this.list.setAttribute('aria-activedescendant', el.id);
      this.filterInput?.setAttribute('aria-activedescendant', el.id);
      if (scroll) el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    } else {
      this.list.removeAttribute('aria-activedescendant');
      this.filterInput?.removeAttribute('aria-activedescendant');
    }
  }

  /** Arrow keys etc. shared by the list and the filter box; true when the key was used. */
  moveKey(e, { homeEnd }) {
    const n = this.shown.length;
    if (!n) return false;
    let to;
    switch (e.key) {
      case 'ArrowDown': to = Math.min(this.active + 1, n - 1); break;
      case 'ArrowUp': to = Math.max(this.active - 1, 0); break;
      case 'PageDown': to = Math.min(this.active + PAGE, n - 1); break;
      case 'PageUp': to = Math.max(this.active - PAGE, 0); break;
      case 'Home': if (!homeEnd) return false; to = 0; break;
      case 'End': if (!homeEnd) return false; to = n - 1; break;
      default: return false;
    }
    e.preventDefault();
    this.setActive(to, { scroll: true });
    return true;
  }

  onListKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (this.moveKey(e, { homeEnd: true })) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      const c = this.shown[this.active];
      if (c) this.chooseChar(c.char, { viaFilter: false });
      return;
    }
    if (e.key === 'Escape' && this.filterInput?.value) {
      e.preventDefault();
      this.filterInput.value = '';
      this.applyFilter();
    }
    // Characters, "/" and Backspace are handled by onKey (they work wherever the focus is).
  }

  onFilterKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (this.moveKey(e, { homeEnd: false })) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      const c = this.shown[this.active];
      if (c) this.chooseChar(c.char, { viaFilter: true });
      return;
    }
    if (e.key === '/' && !this.filterInput.value) {
      // "/" twice: from the empty filter on to the search over titles and the Index.
      e.preventDefault();
      this.search?.focus({ select: true });
      return;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      if (this.filterInput.value) {
        this.filterInput.value = '';
        this.applyFilter();
      } else {
        this.viaFilter = false;
        this.list.focus({ preventScroll: true });
      }
    }
  }

  /** Keys for the whole view (focus anywhere but a text field). */
  onKey(e) {
    if (!this.pcs || isEditable(e.target)) return;
    if (this.route?.view === 'pcs-index') {
      if (e.key === '/') {
        e.preventDefault();
        this.index.input?.focus();
        this.index.input?.select();
      }
      return;
    }
    if (e.key === '/') {
      e.preventDefault();
      // The values' filter when a position is open, else the search.
      const target = this.filterInput ?? this.search?.input;
      target?.focus();
      target?.select();
      return;
    }
    if (e.key === 'Backspace') {
      e.preventDefault();
      this.removeLast();
      return;
    }
    // A value's character chooses it directly (letters in either case).
    if (this.step?.next_pos != null && e.key.length === 1 && /^[0-9a-z]$/i.test(e.key)) {
      e.preventDefault();
      const ch = e.key.toUpperCase();
      if (this.step.choices.some((c) => c.char === ch)) {
        this.chooseChar(ch, { viaFilter: false });
      } else {
        this.stepStatus.textContent = `${ch} is not a ${this.step.next_axis ?? 'value'} offered here. Press / to filter by name.`;
        this.stepStatus.classList.add('is-error');
      }
    }
  }

  chooseChar(ch, { viaFilter }) {
    if (!this.step) return;
    this.viaFilter = viaFilter;
    this.open(chosenChars(this.step) + ch);
  }

  /** Backspace: the builder with the last chosen character removed. */
  removeLast() {
    const chars = this.step ? chosenChars(this.step) : this.route?.code ?? '';
    if (!chars) return;
    this.open(chars.slice(0, -1));
  }

  /** Show the builder after `chars` now, and record it as a new history entry. */
  open(chars) {
    const date = this.route?.date ?? null;
    this.route = { ...this.route, code: chars, date };
    this.render(true);
    this.go(pcsHref(chars, date));
  }

  /** "Look up a PCS code": open a code (or a start of one) the core accepts, or show why not. */
  lookupTyped() {
    const typed = this.lookupInput.value.trim();
    this.lookupMsg.classList.remove('is-error');
    if (!typed) {
      this.lookupMsg.textContent = 'Type a seven-character code, e.g. 0DTJ4ZZ.';
      this.lookupMsg.classList.add('is-error');
      return;
    }
    let target = null;
    let message = null;
    try {
      target = this.pcs.lookup(typed, this.currentDate()).code;
    } catch (err) {
      message = messageOf(err);
      // A start of a code opens the builder there.
      try {
        const step = this.pcs.build(typed);
        if (step.next_pos != null) target = chosenChars(step);
      } catch {
        // keep the lookup's message
      }
    }
    if (target == null) {
      this.lookupMsg.textContent = message;
      this.lookupMsg.classList.add('is-error');
      this.lookupInput.focus();
      return;
    }
    this.lookupMsg.textContent = '';
    this.lookupInput.value = '';
    this.viaFilter = false;
    this.open(target);
  }

  // -------------------------------------------------------------------------------------------
  // the reference panel

  /** Show the definitions of the current section's position-3 axis; mark the chosen value. */
  syncReference(step) {
    const chosen = step?.chosen ?? [];
    let section = chosen[0]?.char;
    let sectionLabel = chosen[0]?.label;
    if (!section) {
      // Nothing chosen yet: section 0 (Medical and Surgical), the one most codes come from.
      const first = step?.choices?.find((c) => c.char === '0') ?? step?.choices?.[0];
      section = first?.char ?? '0';
      sectionLabel = first?.label ?? '';
    }
    const axis = this.axisOf3(section, step);
    const current = chosen[2]?.label ?? null;
    const key = `${section}|${axis}`;
    if (key !== this.refKey) {
      this.refKey = key;
      let defs = [];
      try {
        defs = this.pcs.definitions(section).filter((d) => d.axis === axis);
      } catch {
        defs = [];
      }
      this.refDefsTitle.textContent = axis === 'Operation' ? 'Root operations' : `${axis ?? 'Position 3'} values`;
      this.refDefsSub.textContent = `Section ${section} ${sectionLabel}`;
      this.refDefsCount.textContent = String(defs.length);
      replaceChildren(this.refDefsBody, defs.length
        ? renderDefinitions(defs, current)
        : h('p', { class: 'empty-note' },
          `The FY2026 definitions file defines no ${axis ?? 'position 3'} values for section ${section}.`));
    }
    let marked = null;
    for (const el of this.refDefsBody.querySelectorAll('.ref-def')) {
      const on = current != null && el.dataset.term === current;
      el.classList.toggle('is-current', on);
      if (on) marked = el;
    }
    // Beside the builder, the chosen operation's definition scrolls into view when it changes.
    if (current !== this.refCurrent) {
      this.refCurrent = current;
      const pane = this.reference;
      if (!this.stacked.matches && pane.closest('[hidden]') == null) {
        if (marked) {
          const top = marked.getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop;
          pane.scrollTop = Math.max(0, top - 120);
        } else {
          pane.scrollTop = 0;
        }
      }
    }
  }

  /** The name of position 3 in a section ("Operation", "Type", ...), as the core's steps give it. */
  axisOf3(section, step) {
    const chosen = step?.chosen ?? [];
    if (chosen.length >= 3) return chosen[2].axis;
    if (step?.next_pos === 3 && chosen[0]?.char === section) return step.next_axis;
    if (!this.axisAt3.has(section)) {
      let axis = null;
      try {
        const systems = this.pcs.build(section).choices;
        if (systems.length) axis = this.pcs.build(section + systems[0].char).next_axis;
      } catch {
        axis = null;
      }
      this.axisAt3.set(section, axis);
    }
    return this.axisAt3.get(section);
  }
}
