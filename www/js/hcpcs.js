// The HCPCS & CPT area: search (hcpcs.search), browse by Level II letter section
// (hcpcs.section), the code view of a Level II code, CPT number or modifier on the date of
// service (hcpcs.lookup), the modifier reference (hcpcs.modifiers), and the student's own CPT
// descriptors: imported from their licensed file (hcpcs.importCptDescriptors), kept only in
// IndexedDB (store.js) and handed back to the core after every load (hcpcs.setCptDescriptors)
// before anything is rendered. The core decides every status, label and descriptor.

import { HcpcsCodes } from '../pkg/medcode.js';
import { h, replaceChildren, isEditable } from './dom.js';
import { hcpcsHref, hcpcsSectionHref, HCPCS_MODIFIERS, HCPCS_IMPORT } from './router.js';
import { loadCodeSet, messageOf } from './codeset.js';
import { SearchPanel } from './search.js';
import { loadCptDescriptors, saveCptDescriptors, deleteCptDescriptors } from './store.js';
import {
  renderHcpcsView, renderHcpcsHit, renderSection, sectionRows, renderModifiers, modifierRows,
  renderCptStatus, renderImportResult, renderImportError, formatWhen,
} from './hcpcsview.js';

const APP_TITLE = 'MedCode Trainer';
const NARROW = '(max-width: 800px)';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** An import file larger than this is refused before it is read (a CPT file is a few MB). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export class HcpcsArea {
  /**
   * @param {object} opts
   * @param {HTMLElement} opts.root          the area's <main>
   * @param {HTMLElement} opts.sectionsNav   the list of sections beside the search (filled once loaded)
   * @param {(hash: string) => void} opts.go navigate (a new history entry)
   * @param {() => void} opts.back           go back in the app's history
   * @param {() => string} opts.currentDate  the date of service (YYYY-MM-DD)
   * @param {() => void} opts.onLoaded       the code set is loaded
   * @param {() => void} opts.onFailed       the code set could not be loaded
   */
  constructor({ root, sectionsNav, go, back, currentDate, onLoaded, onFailed }) {
    Object.assign(this, { root, sectionsNav, go, back, currentDate, onLoaded, onFailed });
    this.hcpcs = null;
    this.loading = null;
    this.error = null;
    this.route = null;
    this.search = null;
    this.sections = []; // [{ letter, name, count }] the letters section() accepts
    this.cpt = { count: 0, importedAt: null, fileName: null, stored: false, storeError: null };
    this.restoreError = null;
    this.lastImport = null; // the result panel of the last import, kept while on the import page
    this.listFilter = null; // the filter box of a section or the modifier list
    this.listLinks = null; // the <ul> whose links ↑ ↓ move through
  }

  edition() {
    if (this.hcpcs) return this.hcpcs.edition();
    return this.error ? 'HCPCS code set not loaded' : 'HCPCS Level II and CPT';
  }

  failed() {
    return this.error !== null;
  }

  /** Render a route of the area; the first call loads the code set (and the stored descriptors). */
  show(route, { focus, first }) {
    this.route = route;
    if (this.hcpcs) {
      this.render(focus, first);
      return;
    }
    document.title = `HCPCS & CPT · ${APP_TITLE}`;
    if (this.error) {
      this.renderLoadError();
      return;
    }
    this.load().then((ok) => {
      if (ok && !this.root.parentElement.hidden) this.render(true, true);
    });
  }

  load() {
    this.loading ??= (async () => {
      try {
        this.hcpcs = await loadCodeSet('hcpcs.bin', (bytes) => new HcpcsCodes(bytes));
      } catch (err) {
        this.error = err;
        this.renderLoadError();
        this.onFailed();
        return false;
      }
      await this.restoreDescriptors();
      this.sections = this.findSections();
      this.renderSectionsNav();
      this.search = new SearchPanel({
        prefix: 'hcpcs-',
        search: (q, limit) => this.hcpcs.search(q, limit),
        onOpen: (hit) => this.go(hcpcsHref(hitTarget(hit), this.currentDate())),
        renderHit: renderHcpcsHit,
        noun: 'codes or modifiers',
      });
      this.search.enable();
      this.root.setAttribute('aria-busy', 'false');
      this.onLoaded();
      return true;
    })();
    return this.loading;
  }

  /** Hand the descriptors kept in IndexedDB back to the core, before anything is rendered. */
  async restoreDescriptors() {
    let record = null;
    try {
      record = await loadCptDescriptors();
    } catch (err) {
      this.restoreError = messageOf(err);
      return;
    }
    if (!record) return;
    let kept = 0;
    try {
      kept = this.hcpcs.setCptDescriptors(record.rows);
    } catch (err) {
      this.restoreError = `Your stored CPT descriptors could not be used: ${messageOf(err)}`;
      return;
    }
    this.cpt = { count: kept, importedAt: record.importedAt, fileName: record.fileName, stored: true, storeError: null };
  }

  /** The letter sections the core knows, each with its name and number of codes. */
  findSections() {
    const found = [];
    for (const letter of LETTERS) {
      try {
        const s = this.hcpcs.section(letter);
        found.push({ letter: s.letter, name: s.name, count: s.codes.length });
      } catch {
        // not a section letter
      }
    }
    return found;
  }

  renderSectionsNav() {
    replaceChildren(this.sectionsNav,
      h('h2', { class: 'sections-nav-title', id: 'hcpcs-sections-nav-title' }, 'Level II sections'),
      h('ul', { class: 'sections-nav-list' }, this.sections.map((s) =>
        h('li', null, h('a', { href: hcpcsSectionHref(s.letter), class: 'sections-nav-link', data: { letter: s.letter } },
          h('span', { class: 'sections-nav-letter' }, s.letter),
          h('span', { class: 'sections-nav-name' }, s.name))))),
    );
  }

  renderLoadError() {
    this.root.setAttribute('aria-busy', 'false');
    document.title = `HCPCS & CPT · ${APP_TITLE}`;
    replaceChildren(this.root,
      h('div', { class: 'panel state-panel is-error', role: 'alert' },
        h('p', { class: 'state-title' }, 'The HCPCS and CPT code set could not be loaded'),
        h('p', { class: 'state-detail' }, messageOf(this.error)),
        h('p', { class: 'state-detail' },
          'If you are offline, open the page once while online so it can be stored on this device.'),
        h('button', { type: 'button', class: 'btn btn-primary', on: { click: () => location.reload() } }, 'Try again'),
      ),
    );
  }

  /** The date of service changed: a code view is looked up again. */
  dateChanged() {
    if (!this.hcpcs || !this.route || this.root.parentElement.hidden) return;
    if (this.route.view === 'hcpcs-code') {
      this.route = { ...this.route, date: this.currentDate() };
      this.render(false, false);
    }
  }

  // -------------------------------------------------------------------------------------------
  // routes

  render(focus, first) {
    const route = this.route;
    this.listFilter = null;
    this.listLinks = null;
    if (route.view !== 'hcpcs-import') this.lastImport = null;
    let markCode = null;
    switch (route.view) {
      case 'hcpcs-code':
        markCode = this.renderCode(route.code);
        break;
      case 'hcpcs-section':
        this.renderSection(route.letter);
        break;
      case 'hcpcs-modifiers':
        this.renderModifiers();
        break;
      case 'hcpcs-import':
        this.renderImport();
        break;
      default:
        this.renderHome();
    }
    this.search.markCurrent(markCode);
    this.markSection(route.view === 'hcpcs-section' ? route.letter : null);
    const page = { hcpcs: '#/hcpcs', 'hcpcs-section': '#/hcpcs', 'hcpcs-modifiers': HCPCS_MODIFIERS, 'hcpcs-import': HCPCS_IMPORT }[route.view];
    for (const a of document.querySelectorAll('#hcpcs-area .subnav-link')) {
      if (a.getAttribute('href') === page) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.body.classList.toggle('has-hcpcs-entry', route.view !== 'hcpcs');
    if (focus || first) {
      this.root.scrollTop = 0;
      if (window.matchMedia(NARROW).matches) window.scrollTo(0, 0);
      // The home page starts in the search box; every other page at its heading.
      if (route.view === 'hcpcs') this.search.focus();
      else document.getElementById('hcpcs-heading')?.focus({ preventScroll: true });
    }
  }

  markSection(letter) {
    for (const a of this.sectionsNav.querySelectorAll('a[data-letter]')) {
      if (a.dataset.letter === letter) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  renderCode(code) {
    const date = this.currentDate();
    let view;
    try {
      view = this.hcpcs.lookup(code, date);
    } catch (err) {
      this.renderMessage(code, messageOf(err), 'Check the code, or search by words in the search box.');
      return null;
    }
    replaceChildren(this.root, renderHcpcsView(view, { imported: this.cpt.count }));
    const title = view.description ?? view.cpt_range?.label ?? '';
    document.title = `${view.code} ${title.length > 80 ? `${title.slice(0, 77)}…` : title} · ${APP_TITLE}`.replace(/\s+·/, ' ·');
    return view.code;
  }

  renderMessage(code, message, more) {
    document.title = `${code} · ${APP_TITLE}`;
    replaceChildren(this.root,
      h('article', { class: 'entry hcpcs-entry', aria: { labelledby: 'hcpcs-heading' } },
        h('header', { class: 'entry-head' },
          h('h1', { id: 'hcpcs-heading', class: 'entry-heading', tabindex: '-1' },
            h('span', { class: 'entry-code' }, code || '—'))),
        h('section', { class: 'validity is-invalid', role: 'alert' },
          h('p', { class: 'validity-head' }, message),
          h('p', { class: 'validity-text' }, more)),
      ));
  }

  renderHome() {
    document.title = `HCPCS & CPT · ${APP_TITLE}`;
    const date = null; // the code view takes the date of service from the selector
    const examples = [
      ['J1885', 'a drug, per 15 mg'],
      ['99213', 'a CPT number: no descriptor shipped'],
      ['25', 'a CPT modifier, NCCI-associated'],
      ['A7042', 'deleted in 2014'],
    ];
    const shortcut = (keys, what) => h('div', { class: 'shortcut' },
      h('dt', null, keys.map((k, i) => [i ? h('span', { class: 'kbd-or' }, ' or ') : null, h('kbd', null, k)])),
      h('dd', null, what));
    replaceChildren(this.root,
      h('article', { class: 'panel home hcpcs-home', aria: { labelledby: 'hcpcs-heading' } },
        h('h1', { id: 'hcpcs-heading', class: 'home-title', tabindex: '-1' }, 'HCPCS Level II and CPT'),
        h('p', { class: 'home-lead' },
          'Look up Level II codes and modifiers from the January 2026 CMS file, CPT code numbers with their ',
          'dates, and CPT modifiers, valid on the date of service. CPT descriptors are AMA copyright and not ',
          'included: import your own licensed file to see them.'),
        h('h2', { class: 'home-subtitle', id: 'hcpcs-sections-heading' }, 'Level II sections'),
        h('ul', { class: 'section-grid', aria: { labelledby: 'hcpcs-sections-heading' } }, this.sections.map((s) =>
          h('li', null, h('a', { href: hcpcsSectionHref(s.letter), class: 'section-card' },
            h('span', { class: 'section-card-letter' }, s.letter),
            h('span', { class: 'section-card-text' },
              h('span', { class: 'section-card-name' }, s.name),
              h('span', { class: 'section-card-count' }, `${s.count.toLocaleString('en-US')} codes`)))))),
        h('div', { class: 'home-columns' },
          h('section', { class: 'home-box', aria: { labelledby: 'hcpcs-mod-heading' } },
            h('h2', { class: 'home-subtitle', id: 'hcpcs-mod-heading' }, 'Modifiers'),
            h('p', null, 'Level II modifiers with their CMS text and CPT modifiers with our plain-language labels; ',
              'NCCI-associated ones marked.'),
            h('a', { class: 'btn', href: HCPCS_MODIFIERS }, 'Modifier reference')),
          h('section', { class: 'home-box', aria: { labelledby: 'hcpcs-cpt-heading' } },
            h('h2', { class: 'home-subtitle', id: 'hcpcs-cpt-heading' }, 'CPT descriptors'),
            h('p', null, this.cpt.count
              ? `Your CPT descriptors: ${this.cpt.count.toLocaleString('en-US')} rows${this.cpt.importedAt ? `, imported ${formatWhen(this.cpt.importedAt)}` : ''}.`
              : 'None imported: CPT codes show their number and our range label.'),
            h('a', { class: 'btn', href: HCPCS_IMPORT }, this.cpt.count ? 'Manage your descriptors' : 'Import your licensed file')),
        ),
        h('h2', { class: 'home-subtitle' }, 'Try'),
        h('ul', { class: 'examples' }, examples.map(([code, why]) =>
          h('li', null, h('a', { href: hcpcsHref(code, date), class: 'example' },
            h('span', { class: 'example-code' }, code),
            h('span', { class: 'example-why' }, why))))),
        h('h2', { class: 'home-subtitle' }, 'Keyboard'),
        h('dl', { class: 'shortcuts' },
          shortcut(['/'], 'Focus the search box'),
          shortcut(['↑', '↓'], 'Move through the results, a section or the modifiers'),
          shortcut(['Enter'], 'Open the selected result'),
          shortcut(['F'], 'Filter a section or the modifier list'),
          shortcut(['Esc'], 'Clear the search or the filter'),
          shortcut(['Backspace', 'Alt+←'], 'Go back'),
        ),
      ),
    );
  }

  // -------------------------------------------------------------------------------------------
  // a section and the modifier list: a filter box over the list the core returned

  renderSection(letter) {
    let view;
    try {
      view = this.hcpcs.section(letter);
    } catch (err) {
      this.renderMessage(letter, messageOf(err), 'Choose a section from the list.');
      return;
    }
    document.title = `Section ${view.letter} ${view.name} · HCPCS · ${APP_TITLE}`;
    const date = null; // the code view takes the date of service from the selector
    const list = h('ul', { class: 'code-rows', id: 'hcpcs-list', aria: { label: `Codes of section ${view.letter}` } });
    const status = h('p', { class: 'list-status', role: 'status' });
    const filter = this.filterInput('hcpcs-section-filter', () => {
      const q = filter.value.trim().toLowerCase();
      const shown = q ? view.codes.filter((c) => matches(q, c.code, c.description, c.short_description)) : view.codes;
      replaceChildren(list, sectionRows(shown, date));
      status.textContent = q ? countText(shown.length, view.codes.length, filter.value.trim(), 'codes') : '';
    });
    replaceChildren(list, sectionRows(view.codes, date));
    replaceChildren(this.root, renderSection(view, {
      letters: this.sections.map((s) => s.letter), date, filter, list, status,
    }));
    this.listFilter = filter;
    this.listLinks = list;
  }

  renderModifiers() {
    document.title = `Modifiers · HCPCS & CPT · ${APP_TITLE}`;
    const mods = this.hcpcs.modifiers();
    const date = null; // the code view takes the date of service from the selector
    const list = h('ul', { class: 'mod-rows', id: 'hcpcs-list', aria: { label: 'Modifiers' } });
    const status = h('p', { class: 'list-status', role: 'status' });
    const update = () => {
      const q = filter.value.trim().toLowerCase();
      const kind = kindGroup.querySelector('input:checked')?.value ?? 'all';
      const shown = mods.filter((m) => (kind === 'all' || m.kind === kind)
        && (!ncci.checked || m.ncci_associated === true)
        && (!q || matches(q, m.code, m.label, m.short_description)));
      replaceChildren(list, modifierRows(shown, date));
      status.textContent = shown.length === mods.length ? '' : countText(shown.length, mods.length, filter.value.trim(), 'modifiers');
    };
    const filter = this.filterInput('hcpcs-mod-filter', update);
    const radio = (value, label, checked) => h('label', { class: 'seg-option' },
      h('input', { type: 'radio', name: 'hcpcs-mod-kind', value, checked, on: { change: update } }),
      h('span', null, label));
    const kindGroup = h('fieldset', { class: 'seg' },
      h('legend', { class: 'seg-legend' }, 'Show'),
      h('div', { class: 'seg-options' },
        radio('all', 'All', true), radio('hcpcs', 'Level II', false), radio('cpt', 'CPT', false)));
    const ncci = h('input', { type: 'checkbox', id: 'hcpcs-mod-ncci', on: { change: update } });
    const ncciBox = h('div', { class: 'check' }, ncci, h('label', { for: 'hcpcs-mod-ncci' }, 'NCCI-associated only'));
    replaceChildren(list, modifierRows(mods, date));
    replaceChildren(this.root, renderModifiers(mods, { filter, kindGroup, ncciBox, list, status }));
    this.listFilter = filter;
    this.listLinks = list;
  }

  filterInput(id, onInput) {
    const input = h('input', {
      id,
      class: 'list-filter-input',
      type: 'search',
      autocomplete: 'off',
      autocapitalize: 'off',
      spellcheck: 'false',
      aria: { controls: 'hcpcs-list' },
      on: {
        input: onInput,
        keydown: (e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            this.listLinks?.querySelector('a')?.focus();
          } else if (e.key === 'Enter') {
            // Enter opens the first code the filter left.
            e.preventDefault();
            this.listLinks?.querySelector('a')?.click();
          } else if (e.key === 'Escape' && input.value) {
            e.preventDefault();
            input.value = '';
            onInput();
          }
        },
      },
    });
    return input;
  }

  /** ↑ ↓ Home End move through the links of the shown list; ↑ from the first returns to the filter. */
  moveInList(e) {
    const list = this.listLinks;
    if (!list || !(e.target instanceof Element) || !list.contains(e.target)) return false;
    const links = [...list.querySelectorAll('li > a:first-child')];
    const at = links.indexOf(e.target.closest('a'));
    if (at < 0) return false;
    let to = null;
    if (e.key === 'ArrowDown') to = Math.min(at + 1, links.length - 1);
    else if (e.key === 'ArrowUp') to = at - 1;
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = links.length - 1;
    else if (e.key === 'PageDown') to = Math.min(at + 10, links.length - 1);
    else if (e.key === 'PageUp') to = Math.max(at - 10, 0);
    if (to === null) return false;
    e.preventDefault();
    if (to < 0) this.listFilter?.focus();
    else links[to].focus();
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // your CPT descriptors

  renderImport() {
    document.title = `Your CPT descriptors · HCPCS & CPT · ${APP_TITLE}`;
    this.fileInput = h('input', {
      type: 'file',
      id: 'cpt-file',
      class: 'file-input',
      accept: '.csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain',
      tabindex: '-1',
      aria: { hidden: 'true' },
      on: {
        change: () => {
          const file = this.fileInput.files?.[0];
          if (file) this.importFile(file);
          this.fileInput.value = '';
        },
      },
    });
    this.statusBox = h('section', { class: 'cpt-status-box', aria: { label: 'Your CPT descriptors' }, id: 'cpt-status' });
    this.resultBox = h('div', { class: 'import-result-box', id: 'cpt-import-result' });
    const zone = h('section', {
      class: 'dropzone',
      id: 'cpt-dropzone',
      aria: { labelledby: 'dropzone-title', describedby: 'dropzone-hint' },
      on: {
        dragenter: (e) => this.onDrag(e, zone, true),
        dragover: (e) => this.onDrag(e, zone, true),
        dragleave: (e) => {
          if (!zone.contains(e.relatedTarget)) zone.classList.remove('is-dragover');
        },
        drop: (e) => {
          e.preventDefault();
          zone.classList.remove('is-dragover');
          const file = e.dataTransfer?.files?.[0];
          if (file) this.importFile(file);
        },
      },
    },
      uploadIcon(),
      h('p', { class: 'dropzone-title', id: 'dropzone-title' }, 'Drop your CPT descriptor file here'),
      h('p', { class: 'dropzone-or' }, 'or'),
      h('button', {
        type: 'button',
        class: 'btn btn-primary',
        id: 'cpt-choose',
        on: { click: () => this.fileInput.click() },
      }, 'Choose a file…'),
      this.fileInput,
      h('p', { class: 'dropzone-hint', id: 'dropzone-hint' },
        'A CSV or TSV file with two columns: the CPT code and its descriptor (more columns are fine when a header row names them). ',
        'Tab, comma or semicolon separated; UTF-8, UTF-16 or Latin-1; a header row is detected.'),
    );
    replaceChildren(this.root,
      h('article', { class: ['entry', 'hcpcs-entry', 'cpt-import'], aria: { labelledby: 'hcpcs-heading' } },
        h('header', { class: 'entry-head' },
          h('h1', { id: 'hcpcs-heading', class: 'entry-heading', tabindex: '-1' },
            h('span', { class: 'entry-title' }, 'Your CPT descriptors'))),
        h('p', { class: 'entry-lead' },
          'CPT descriptors are copyright of the American Medical Association, so MedCode Trainer ships CPT code ',
          'numbers only. If you hold a licensed CPT data file, import it here: each row is checked against the ',
          'CPT numbers we know, and the accepted rows are kept in this browser only (IndexedDB) — never sent ',
          'anywhere, never part of the app. CPT codes then show their descriptor, marked “your imported file”.'),
        this.statusBox,
        this.resultBox,
        zone,
      ),
    );
    this.renderStatus();
    if (this.lastImport) replaceChildren(this.resultBox, this.lastImport);
  }

  onDrag(e, zone, over) {
    if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    zone.classList.toggle('is-dragover', over);
  }

  renderStatus() {
    if (!this.statusBox) return;
    replaceChildren(this.statusBox,
      renderCptStatus(this.cpt, { onRemove: () => this.removeDescriptors() }),
      this.restoreError ? h('p', { class: 'cpt-status-error', role: 'alert' }, this.restoreError) : null);
  }

  /** Read a file as bytes, let the core check it, use and store the accepted rows. */
  async importFile(file) {
    const fileName = file.name || 'the file';
    let bytes;
    try {
      if (file.size > MAX_FILE_BYTES) throw new Error(`The file is ${Math.round(file.size / 1048576)} MB; a CPT descriptor file is far smaller.`);
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (err) {
      this.showImport(renderImportError(messageOf(err), { fileName, hadDescriptors: this.cpt.count > 0 }));
      return;
    }
    const started = performance.now();
    let report;
    try {
      report = this.hcpcs.importCptDescriptors(bytes);
    } catch (err) {
      this.showImport(renderImportError(messageOf(err), { fileName, hadDescriptors: this.cpt.count > 0 }));
      return;
    }
    let kept = this.cpt.count;
    if (report.accepted.length) kept = this.hcpcs.setCptDescriptors(report.accepted);
    const ms = performance.now() - started;
    this.showImport(renderImportResult(report, { fileName, ms, kept }));
    if (!report.accepted.length) return;

    this.cpt = { count: kept, importedAt: new Date().toISOString(), fileName, stored: false, storeError: null, saving: true };
    this.restoreError = null;
    try {
      const record = await saveCptDescriptors(report.accepted, { fileName });
      this.cpt = { count: kept, importedAt: record.importedAt, fileName, stored: true, storeError: null };
    } catch (err) {
      this.cpt = { ...this.cpt, saving: false, storeError: messageOf(err) };
    }
    this.renderStatus();
  }

  showImport(panel) {
    this.lastImport = panel;
    if (!this.resultBox?.isConnected) return;
    replaceChildren(this.resultBox, panel);
    panel.querySelector('#import-result-heading')?.focus({ preventScroll: true });
    panel.scrollIntoView({ block: 'nearest' });
  }

  async removeDescriptors() {
    this.hcpcs.clearCptDescriptors();
    let error = null;
    try {
      await deleteCptDescriptors();
    } catch (err) {
      error = messageOf(err);
    }
    this.cpt = { count: 0, importedAt: null, fileName: null, stored: false, storeError: null };
    this.restoreError = error ? `The stored copy could not be deleted: ${error}` : null;
    this.lastImport = null;
    if (this.resultBox) replaceChildren(this.resultBox);
    this.renderStatus();
    document.getElementById('cpt-choose')?.focus();
  }

  // -------------------------------------------------------------------------------------------
  // keys

  onKey(e) {
    if (!this.search) return;
    if (this.moveInList(e)) return;
    if (e.key === '/' && !isEditable(e.target)) {
      e.preventDefault();
      this.search.focus({ select: true });
      return;
    }
    if ((e.key === 'f' || e.key === 'F') && !isEditable(e.target) && this.listFilter) {
      e.preventDefault();
      this.listFilter.focus();
      this.listFilter.select();
      return;
    }
    if (e.key === 'Backspace' && !isEditable(e.target)) {
      e.preventDefault();
      this.back();
    }
  }
}

/** Where a hit opens: its code; a CPT range opens its first code. */
function hitTarget(hit) {
  return hit.kind === 'range' ? hit.code.split('-')[0] : hit.code;
}

/** The filter of a list: every typed word starts a word of the code or text (case-insensitive). */
function matches(q, ...fields) {
  const words = q.split(/\s+/).filter(Boolean);
  const text = fields.filter(Boolean).join(' ').toLowerCase();
  const starts = text.split(/[\s,/()-]+/);
  return words.every((w) => text.startsWith(w) || starts.some((s) => s.startsWith(w)));
}

function countText(shown, all, typed, noun) {
  if (!typed) return `${shown.toLocaleString('en-US')} of ${all.toLocaleString('en-US')} ${noun}`;
  return shown
    ? `${shown.toLocaleString('en-US')} of ${all.toLocaleString('en-US')} ${noun} match “${typed}”`
    : `No ${noun} match “${typed}”`;
}

function uploadIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'dropzone-icon');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '36');
  svg.setAttribute('height', '36');
  svg.setAttribute('aria-hidden', 'true');
  for (const d of ['M12 15V4', 'M7.5 8.5 12 4l4.5 4.5', 'M4 15v3.5A1.5 1.5 0 0 0 5.5 20h13a1.5 1.5 0 0 0 1.5-1.5V15']) {
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', 'currentColor');
    path.setAttribute('stroke-width', '1.8');
    path.setAttribute('stroke-linecap', 'round');
    path.setAttribute('stroke-linejoin', 'round');
    svg.append(path);
  }
  return svg;
}
