// The ICD-10-CM Index area (docs/wasm-api.md, "ICD-10-CM indexes"): the Table of Neoplasms, the
// Table of Drugs and Chemicals and the External Cause of Injuries Index built into
// pkg/icd10cm_index.bin, and the Index to Diseases and Injuries the student loads from their own
// CMS file (kept in IndexedDB, loaded again on start).
//
// Pages: main-term type-ahead and the subterm tree of a term (`termAt`), the two tables as real
// tables with a site/substance filter, index search, and loading your Alphabetic Index. Every
// index code links to its tabular entry with the status the core gives it. The student's index
// path (main term > subterm > … → code) is kept in the URL (sel, col, code) and in
// sessionStorage "medcode.indexPath" for the grader. The core finds, resolves and checks
// everything; this module renders what it returns.

import { CmIndex } from '../pkg/medcode.js';
import { h, replaceChildren, isEditable } from './dom.js';
import { codeHref, indexHref } from './router.js';
import { loadCodeSet, messageOf } from './codeset.js';
import { loadAlphabeticIndexFile, saveAlphabeticIndexFile, deleteAlphabeticIndexFile } from './store.js';

const APP_TITLE = 'MedCode Trainer';
const TERM_LIMIT = 20;
const ROW_LIMIT = 300; // rows rendered while filtering a table (the core's note: a few hundred)
const SEARCH_LIMIT = 30;
const MAX_FILE_BYTES = 64 * 1024 * 1024; // the core's limit; refuse before reading a larger file
const PATH_KEY = 'medcode.indexPath';

const TABLE_LABELS = {
  alphabetic: 'Alphabetic Index',
  neoplasm: 'Neoplasm',
  drug: 'Drug',
  external: 'External cause',
};

export class CmIndexArea {
  constructor({ root, go, back, currentDate, getTrainer, onLoaded, onFailed }) {
    this.root = root;
    this.currentDate = currentDate;
    this.trainer = null; // the ICD-10-CM Trainer once loaded: statuses on another date of service
    this.trainerWanted = false;
    this.statusCache = new Map();
    this.go = go;
    this.back = back;
    this.getTrainer = getTrainer;
    this.onLoaded = onLoaded;
    this.onFailed = onFailed;
    this.index = null;
    this.error = null;
    this.loading = null;
    this.alpha = null; // { edition, counts, fileName, loadedAt, stored, storeError }
    this.restoreError = null;
    this.lastLoad = null; // the result panel of the last load, kept while on the load page
    this.mainInput = null; // the input '/' focuses on the page shown
    this.route = null;
  }

  edition() {
    if (this.index) {
      const alpha = this.alpha ? ` · ${this.alpha.edition}` : ' · Alphabetic Index not loaded';
      return `${this.index.edition()}${alpha}`;
    }
    return this.error ? 'ICD-10-CM Index not loaded' : 'ICD-10-CM Index';
  }

  failed() {
    return this.error !== null;
  }

  /** Load icd10cm_index.bin once, then the stored Alphabetic Index if there is one. */
  ensure() {
    this.loading ??= (async () => {
      try {
        this.index = await loadCodeSet('icd10cm_index.bin', (bytes) => new CmIndex(bytes));
      } catch (err) {
        this.error = err;
        this.onFailed();
        return false;
      }
      await this.restore();
      this.root.setAttribute('aria-busy', 'false');
      this.onLoaded();
      return true;
    })();
    return this.loading;
  }

  async restore() {
    let record = null;
    try {
      record = await loadAlphabeticIndexFile();
    } catch (err) {
      this.restoreError = `Your stored Alphabetic Index could not be read from this browser: ${messageOf(err)}`;
      return;
    }
    if (!record) return;
    replaceChildren(this.root, statePanel('Loading your Alphabetic Index…', 'The file you loaded is kept in this browser; it is read again on start.'));
    try {
      const trainer = await this.getTrainer();
      const result = this.index.loadAlphabeticIndex(record.bytes, trainer);
      this.alpha = { ...result, fileName: record.fileName, loadedAt: record.loadedAt, stored: true, storeError: null };
    } catch (err) {
      this.restoreError = `Your stored Alphabetic Index (${record.fileName ?? 'file'}) could not be loaded again: ${messageOf(err)}`;
    }
  }

  show(route, { focus, first }) {
    if (this.index) {
      this.render(route, focus || first);
      return;
    }
    if (this.error) {
      this.renderError();
      return;
    }
    this.ensure().then((ok) => {
      if (!ok) {
        this.renderError();
        return;
      }
      // Render the route shown by then, if the student is still in this area.
      if (location.hash.startsWith('#/index')) this.render(this.currentRoute(), focus || first);
    });
  }

  currentRoute() {
    return parseIndexHash(location.hash);
  }

  renderError() {
    this.root.setAttribute('aria-busy', 'false');
    replaceChildren(this.root,
      h('div', { class: 'panel state-panel is-error', role: 'alert' },
        h('p', { class: 'state-title' }, 'The ICD-10-CM Index could not be loaded'),
        h('p', { class: 'state-detail' }, messageOf(this.error)),
        h('p', { class: 'state-detail' },
          'If you are offline, open the page once while online so it can be stored on this device.'),
        h('button', { type: 'button', class: 'btn btn-primary', on: { click: () => location.reload() } }, 'Try again')));
  }

  // -------------------------------------------------------------------------------------------
  // pages

  render(route, focus) {
    this.route = route;
    this.routeHash = location.hash;
    this.mainInput = null;
    if (route.view !== 'index-load') this.lastLoad = null;
    let body;
    let title;
    switch (route.view) {
      case 'index-table':
        title = route.table === 'drug' ? 'Table of Drugs and Chemicals' : 'Table of Neoplasms';
        body = this.renderTable(route);
        break;
      case 'index-term':
        title = 'ICD-10-CM Index';
        body = this.renderTermPage(route);
        break;
      case 'index-search':
        title = 'Index search';
        body = this.renderSearch(route);
        break;
      case 'index-load':
        title = 'Your Alphabetic Index';
        body = this.renderLoad();
        break;
      default:
        title = 'ICD-10-CM Index';
        body = this.renderTerms(route);
    }
    if (route.view !== 'index-term') document.title = `${title} · ${APP_TITLE}`;
    replaceChildren(this.root,
      h('div', { class: 'cmi' },
        h('header', { class: 'cmi-head' },
          h('h1', { id: 'cmi-heading', class: 'cmi-heading', tabindex: '-1' }, title),
          this.renderSubnav(route),
          // The load page says it all itself until a file is loaded.
          route.view === 'index-load' && !this.alpha ? null : this.renderAlphaNote()),
        body));
    if (route.view === 'index-load' && this.lastLoad) replaceChildren(this.resultBox, this.lastLoad);
    if (focus) {
      this.root.scrollTop = 0;
      if (window.matchMedia('(max-width: 800px)').matches) window.scrollTo(0, 0);
      const target = route.view === 'index-term' ? document.getElementById('cmi-term-heading') : this.mainInput;
      (target ?? document.getElementById('cmi-heading'))?.focus({ preventScroll: true });
    }
  }

  renderSubnav(route) {
    const current = {
      index: 'terms', 'index-term': route.table === 'drug' || route.table === 'neoplasm' ? route.table : 'terms',
      'index-table': route.table, 'index-search': 'search', 'index-load': 'load',
    }[route.view];
    const link = (key, href, text) => h('a', {
      class: 'subnav-link', href, aria: { current: current === key ? 'page' : null },
    }, text);
    return h('nav', { class: 'subnav cmi-subnav', aria: { label: 'Index pages' } },
      link('terms', indexHref(), 'Main terms'),
      link('neoplasm', indexHref('neoplasm'), 'Table of Neoplasms'),
      link('drug', indexHref('drug'), 'Table of Drugs'),
      link('search', indexHref('search'), 'Search the index'),
      link('load', indexHref('load'), this.alpha ? 'Your Alphabetic Index' : 'Load your Alphabetic Index'));
  }

  renderAlphaNote() {
    if (this.alpha) {
      return h('p', { class: 'cmi-note is-loaded', id: 'cmi-alpha-note' },
        h('span', { class: 'badge badge-reportable' }, 'Loaded'), ' ',
        `Alphabetic Index: ${this.alpha.edition} (${fmt(this.alpha.counts.main_terms)} main terms). `,
        `Tables: ${this.index.edition()}; code statuses for ${this.shownDate()}.`);
    }
    return h('p', { class: 'cmi-note', id: 'cmi-alpha-note' },
      h('strong', null, 'The Alphabetic Index to Diseases and Injuries is not included'), ' — ',
      h('a', { href: indexHref('load') }, 'load your copy of the CMS file'),
      '. Until then this area has the Neoplasm, Drug and External Cause indexes (FY2023, codes checked for ',
      this.shownDate(), '), and the ICD-10-CM lookup search is the tabular-derived term index (titles and inclusion terms).',
      this.restoreError ? h('span', { class: 'cmi-note-error', role: 'alert' }, ' ', this.restoreError) : null);
  }

  /** The tables the selector offers (the Alphabetic Index only once loaded). */
  tables() {
    return (this.alpha ? ['alphabetic'] : []).concat(['neoplasm', 'drug', 'external']);
  }

  // ---- main terms ------------------------------------------------------------------------------

  renderTerms(route) {
    const table = this.tables().includes(route.table ?? route.params.get('table')) ? (route.table ?? route.params.get('table')) : '';
    const finder = this.termFinder(table, route.params.get('q') ?? '');
    const examples = [
      ['external', 'Accident'], ['external', 'Fall, falling'], ['drug', 'Acetaminophen'], ['neoplasm', 'Neoplasm, neoplastic'],
    ];
    return h('section', { class: 'cmi-body', aria: { label: 'Main terms' } },
      finder,
      h('div', { class: 'cmi-start' },
        h('p', null, 'Find the main term first, read down its subterms, then open the code in the tabular ',
          'and verify it there. A code printed with a dash (C50.4-) needs more characters: choose them in the tabular.'),
        h('p', { class: 'cmi-examples' }, 'Try: ', examples.map(([t, term], i) => [i ? ', ' : '',
          h('button', { type: 'button', class: 'btn-link', on: { click: () => this.openMainTerm(t, term) } }, term)])),
        h('p', null, 'Or browse the ', h('a', { href: indexHref('neoplasm') }, 'Table of Neoplasms'), ' and the ',
          h('a', { href: indexHref('drug') }, 'Table of Drugs and Chemicals'), ', or ',
          h('a', { href: indexHref('search') }, 'search every index'), '.')));
  }

  openMainTerm(table, title) {
    const tree = this.index.term(table, title);
    if (tree?.lines.length) this.go(termHref(table, tree.lines[0].id));
  }

  /** The table selector and the main-term type-ahead. */
  termFinder(table, q) {
    const select = h('select', {
      id: 'cmi-table', class: 'cmi-select',
      on: { change: () => { this.finderTable = select.value; suggest(); input.focus(); } },
    },
    h('option', { value: '' }, 'All tables'),
    this.tables().map((t) => h('option', { value: t, selected: t === table }, TABLE_LABELS[t])));
    this.finderTable = table;
    let terms = [];
    let active = -1;
    const input = h('input', {
      id: 'cmi-term', class: 'pcs-index-input', type: 'text', value: q,
      autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
      placeholder: 'e.g. accident, fall, acetaminophen',
      role: 'combobox',
      aria: { autocomplete: 'list', expanded: 'false', controls: 'cmi-terms', describedby: 'cmi-term-hint' },
      on: {
        input: () => suggest(),
        keydown: (e) => {
          if (e.altKey || e.ctrlKey || e.metaKey) return;
          if (e.key === 'ArrowDown' && terms.length) {
            e.preventDefault();
            setActive(Math.min(active + 1, terms.length - 1));
          } else if (e.key === 'ArrowUp' && terms.length) {
            e.preventDefault();
            setActive(Math.max(active - 1, 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            if (active >= 0) open(active);
          } else if (e.key === 'Escape' && input.value) {
            e.preventDefault();
            input.value = '';
            suggest();
          }
        },
      },
    });
    const list = h('ul', {
      id: 'cmi-terms', class: 'pcs-index-terms is-empty', role: 'listbox', aria: { label: 'Main terms' },
      on: {
        mousedown: (e) => e.preventDefault(),
        click: (e) => {
          const li = e.target instanceof Element ? e.target.closest('[role="option"]') : null;
          if (li) open(Number(li.dataset.index));
        },
      },
    });
    const status = h('p', { class: 'pcs-index-status', role: 'status' });
    const setActive = (i) => {
      const options = list.children;
      if (active >= 0 && options[active]) options[active].setAttribute('aria-selected', 'false');
      active = i;
      const el = i >= 0 ? options[i] : null;
      if (el) {
        el.setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', el.id);
        el.scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    };
    const open = (i) => {
      const t = terms[i];
      if (t) this.go(termHref(t.table, t.id));
    };
    const suggest = () => {
      const typed = input.value.trim();
      let error = null;
      terms = [];
      if (typed) {
        try {
          terms = this.index.mainTerms(typed, this.finderTable || null, TERM_LIMIT);
        } catch (err) {
          error = messageOf(err);
        }
      }
      replaceChildren(list, terms.map((t, i) => h('li', {
        id: `cmi-term-${i}`, role: 'option', class: 'pcs-index-option cmi-option', aria: { selected: 'false' }, data: { index: i },
      },
      h('span', { class: 'cmi-option-title' }, t.title, t.nemod ? h('span', { class: 'cmi-nemod' }, ' ', t.nemod) : null),
      h('span', { class: 'cmi-table-tag' }, TABLE_LABELS[t.table] ?? t.table))));
      list.classList.toggle('is-empty', terms.length === 0);
      input.setAttribute('aria-expanded', String(terms.length > 0));
      status.textContent = error ?? (!typed ? '' : terms.length ? '' : `No main term starts with “${typed}”.`);
      status.classList.toggle('is-error', Boolean(error) || (typed !== '' && !terms.length));
      setActive(terms.length ? 0 : -1);
      // Keep what is typed in the URL (no new history entry).
      if (this.route?.view === 'index') {
        const hash = indexHref(this.finderTable || '', { q: typed });
        history.replaceState(history.state, '', hash);
        this.routeHash = location.hash;
      }
    };
    this.mainInput = input;
    if (q) queueMicrotask(suggest);
    return h('div', { class: 'cmi-finder' },
      h('div', { class: 'cmi-finder-row' },
        h('div', { class: 'cmi-field' },
          h('label', { for: 'cmi-table', class: 'pcs-filter-label' }, 'Table'),
          select),
        h('div', { class: 'cmi-field cmi-field-grow' },
          h('label', { for: 'cmi-term', class: 'pcs-filter-label' }, 'Find a main term'),
          h('div', { class: 'pcs-filter-box cmi-filter-box' }, input,
            h('kbd', { class: 'pcs-filter-kbd', aria: { hidden: 'true' } }, '/')))),
      h('p', { class: 'pcs-step-hint', id: 'cmi-term-hint' },
        'Type the start of a main term, ', h('kbd', null, '↑'), ' ', h('kbd', null, '↓'), ' and ',
        h('kbd', null, 'Enter'), ' to open it.'),
      status,
      list);
  }

  // ---- a term and its subterms -------------------------------------------------------------------

  renderTermPage(route) {
    const { table, term } = route;
    let tree = null;
    let error = null;
    try {
      tree = this.index.termAt(table, term);
    } catch (err) {
      error = messageOf(err);
    }
    if (!tree || !tree.lines.length) {
      document.title = `ICD-10-CM Index · ${APP_TITLE}`;
      return h('section', { class: 'cmi-body' },
        this.termFinder(table, ''),
        h('div', { class: 'pcs-alert', role: 'alert' },
          h('p', { class: 'pcs-alert-head' }, error ?? `There is no term ${term} in the ${TABLE_LABELS[table] ?? table} index.`),
          h('p', { class: 'pcs-alert-text' }, table === 'alphabetic' && !this.alpha
            ? ['The Alphabetic Index is not loaded: ', h('a', { href: indexHref('load') }, 'load your copy'), '.']
            : 'Type the start of a main term above to find one.')));
    }
    const sel = Number(route.params.get('sel'));
    const selId = tree.lines.some((l) => l.id === sel) ? sel : tree.lines[0].id;
    const col = route.params.get('col');
    const code = route.params.get('code');
    const path = pathTo(tree, selId);
    const selLine = tree.lines.find((l) => l.id === selId);
    const cell = col ? selLine.cells.find((c) => c.key === col) : null;
    const record = { table, term, sel: selId, path: path.map((p) => p.title), column_key: cell ? col : null, column: cell?.column ?? null, code: code || null };
    if (code) saveIndexPath({ ...record, index_path: indexPathText(record) });
    const main = tree.above[0]?.title ?? tree.lines[0].title;
    document.title = `${path.map((p) => p.title).join(' > ')} · Index · ${APP_TITLE}`;
    const ctx = { table, term, tree, area: this, chosen: code ? { sel: selId, col } : null };
    const isTable = tree.columns.length > 0;
    return h('section', { class: 'cmi-body' },
      this.termFinder(table === 'drug' || table === 'neoplasm' ? table : table, ''),
      h('article', { class: 'cmi-entry', aria: { labelledby: 'cmi-term-heading' } },
        h('p', { class: 'cmi-entry-table' }, tree.table_label,
          table === 'alphabetic' ? ` · ${tree.edition}` : ''),
        h('h2', { id: 'cmi-term-heading', class: 'cmi-term-heading', tabindex: '-1' }, main,
          tree.above.length ? h('span', { class: 'cmi-term-sub' }, ` > ${tree.above.slice(1).map((a) => a.title).concat(tree.lines[0].title).join(' > ')}`) : null),
        breadcrumb(path, record, table),
        isTable
          ? tableOf(tree.columns, tree.lines, ctx, { rowHeader: table === 'drug' ? 'Substance' : 'Site', caption: `${tree.table_label}: ${main}` })
          : termTree(tree.lines, ctx, selId)));
  }

  // ---- the two tables ------------------------------------------------------------------------------

  renderTable(route) {
    const table = route.table;
    const param = table === 'drug' ? 'substance' : 'site';
    const q = route.params.get(param) ?? route.params.get('q') ?? '';
    const noun = table === 'drug' ? 'substance' : 'site';
    const input = h('input', {
      id: 'cmi-filter', class: 'pcs-filter-input', type: 'search', value: q,
      autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
      placeholder: table === 'drug' ? 'e.g. acetaminophen, insulin' : 'e.g. breast upper outer, lung',
      aria: { describedby: 'cmi-filter-hint', controls: 'cmi-grid' },
      on: {
        input: () => {
          this.fillTable(table, input.value, wrap, count);
          history.replaceState(history.state, '', indexHref(table, { [param]: input.value.trim() }));
          this.routeHash = location.hash;
        },
        keydown: (e) => {
          if (e.key === 'Escape' && input.value) {
            e.preventDefault();
            input.value = '';
            input.dispatchEvent(new Event('input'));
          }
        },
      },
    });
    this.mainInput = input;
    const count = h('p', { class: 'cmi-count', role: 'status', id: 'cmi-count' });
    const wrap = h('div', { class: 'cmi-grid-wrap', id: 'cmi-grid' });
    this.fillTable(table, q, wrap, count);
    return h('section', { class: 'cmi-body', aria: { label: table === 'drug' ? 'Table of Drugs and Chemicals' : 'Table of Neoplasms' } },
      h('div', { class: 'cmi-field' },
        h('label', { for: 'cmi-filter', class: 'pcs-filter-label' }, `Filter by ${noun}`),
        h('div', { class: 'pcs-filter-box' }, input, h('kbd', { class: 'pcs-filter-kbd', aria: { hidden: 'true' } }, '/'))),
      h('p', { class: 'pcs-step-hint', id: 'cmi-filter-hint' },
        `Every word typed must start a word of the ${noun} or a term above it. Codes open the tabular, where you verify them. `,
        h('span', { class: 'cmi-dash-note' }, '“-” after a code: more characters needed — verify in the tabular.'),
        table === 'drug' ? ' Every code in this table needs a 7th character (A, D or S).' : ''),
      count,
      wrap);
  }

  fillTable(table, q, wrap, count) {
    let rows;
    try {
      rows = table === 'drug' ? this.index.drug(q.trim(), ROW_LIMIT) : this.index.neoplasm(q.trim(), ROW_LIMIT);
    } catch (err) {
      count.textContent = messageOf(err);
      replaceChildren(wrap);
      return;
    }
    const typed = q.trim();
    count.textContent = rows.total === 0
      ? `No row matches “${typed}”.`
      : rows.rows.length < rows.total
        ? `Showing the first ${fmt(rows.rows.length)} of ${fmt(rows.total)} rows${typed ? ` matching “${typed}”` : ''}: type to narrow.`
        : `${fmt(rows.total)} ${rows.total === 1 ? 'row' : 'rows'}${typed ? ` matching “${typed}”` : ''}.`;
    replaceChildren(wrap, rows.rows.length
      ? tableOf(rows.columns, rows.rows, { table, area: this }, {
        rowHeader: table === 'drug' ? 'Substance' : 'Site', caption: rows.table_label, linkRows: true,
      })
      : null);
  }

  // ---- search --------------------------------------------------------------------------------------

  renderSearch(route) {
    const q = route.params.get('q') ?? '';
    const results = h('ol', { class: 'cmi-hits', id: 'cmi-hits', aria: { label: 'Index search results' } });
    const status = h('p', { class: 'cmi-count', role: 'status' });
    const input = h('input', {
      id: 'cmi-search', class: 'pcs-filter-input', type: 'search', value: q,
      autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
      placeholder: 'e.g. poisoning acetaminophen accidental',
      aria: { describedby: 'cmi-search-hint', controls: 'cmi-hits' },
      on: {
        input: () => {
          this.fillSearch(input.value, results, status);
          history.replaceState(history.state, '', indexHref('search', { q: input.value.trim() }));
          this.routeHash = location.hash;
        },
        keydown: (e) => {
          if (e.key === 'Escape' && input.value) {
            e.preventDefault();
            input.value = '';
            input.dispatchEvent(new Event('input'));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            results.querySelector('a')?.focus();
          }
        },
      },
    });
    this.mainInput = input;
    this.fillSearch(q, results, status);
    return h('section', { class: 'cmi-body', aria: { label: 'Index search' } },
      h('div', { class: 'cmi-field' },
        h('label', { for: 'cmi-search', class: 'pcs-filter-label' }, 'Search the index'),
        h('div', { class: 'pcs-filter-box cmi-search-box' }, input, h('kbd', { class: 'pcs-filter-kbd', aria: { hidden: 'true' } }, '/'))),
      h('p', { class: 'pcs-step-hint', id: 'cmi-search-hint' },
        'Words of the term path and of the column, as coders say them (“metastatic”, “suicide”, “side effect”). ',
        this.alpha ? 'Your Alphabetic Index is searched too.' : 'The Alphabetic Index is not loaded, so its terms are not searched.',
        ' ', h('kbd', null, 'Enter'), ' moves to the first result.'),
      status,
      results);
  }

  fillSearch(q, list, status) {
    const typed = q.trim();
    if (!typed) {
      status.textContent = '';
      replaceChildren(list);
      return;
    }
    let hits;
    try {
      hits = this.index.search(typed, SEARCH_LIMIT);
    } catch (err) {
      status.textContent = messageOf(err);
      replaceChildren(list);
      return;
    }
    status.textContent = hits.length ? `${hits.length} ${hits.length === 1 ? 'entry' : 'entries'} for “${typed}”.` : `Nothing in the index matches “${typed}”.`;
    replaceChildren(list, hits.map((hit) => this.renderHit(hit)));
  }

  renderHit(hit) {
    const record = { table: hit.table, term: hit.term, sel: hit.term, path: hit.path, column_key: hit.column_key, column: hit.column, code: hit.code?.printed ?? null, index_path: hit.index_path };
    return h('li', { class: 'cmi-hit' },
      h('div', { class: 'cmi-hit-head' },
        h('span', { class: 'badge badge-muted cmi-hit-table' }, hit.table_label),
        h('a', { class: 'cmi-hit-path', href: termHref(hit.table, hit.term, { sel: hit.term, col: hit.column_key }) },
          hit.path.join(' > ')),
        hit.nemod ? h('span', { class: 'cmi-nemod' }, hit.nemod) : null),
      h('div', { class: 'cmi-hit-body' },
        hit.column ? h('span', { class: 'cmi-hit-col' }, hit.column) : null,
        hit.code ? codeLink(hit.code, record, { area: this }) : null,
        hit.manif?.map((m) => manifView(m, record, { area: this })),
        hit.xref ? xrefView(hit.xref) : null));
  }

  // ---- your Alphabetic Index -----------------------------------------------------------------------

  renderLoad() {
    this.fileInput = h('input', {
      type: 'file', id: 'cmi-file', class: 'file-input',
      accept: '.xml,application/xml,text/xml',
      tabindex: '-1', aria: { hidden: 'true' },
      on: {
        change: () => {
          const file = this.fileInput.files?.[0];
          if (file) this.loadFile(file);
          this.fileInput.value = '';
        },
      },
    });
    this.statusBox = h('section', { class: 'cpt-status-box', id: 'cmi-alpha-status', aria: { label: 'Your Alphabetic Index' } });
    this.resultBox = h('div', { class: 'import-result-box', id: 'cmi-load-result' });
    const zone = h('section', {
      class: 'dropzone', id: 'cmi-dropzone',
      aria: { labelledby: 'cmi-dropzone-title', describedby: 'cmi-dropzone-hint' },
      on: {
        dragenter: (e) => onDrag(e, zone),
        dragover: (e) => onDrag(e, zone),
        dragleave: (e) => {
          if (!zone.contains(e.relatedTarget)) zone.classList.remove('is-dragover');
        },
        drop: (e) => {
          e.preventDefault();
          zone.classList.remove('is-dragover');
          const file = e.dataTransfer?.files?.[0];
          if (file) this.loadFile(file);
        },
      },
    },
    h('p', { class: 'dropzone-title', id: 'cmi-dropzone-title' }, 'Drop your Alphabetic Index file here'),
    h('p', { class: 'dropzone-or' }, 'or'),
    h('button', { type: 'button', class: 'btn btn-primary', id: 'cmi-choose', on: { click: () => this.fileInput.click() } }, 'Choose a file…'),
    this.fileInput,
    h('p', { class: 'dropzone-hint', id: 'cmi-dropzone-hint' },
      'The CMS file icd10cm_index_YYYY.xml (about 9 MB) from the yearly ICD-10-CM release. It is read on this device only.'));
    const panel = h('div', { class: 'cmi-load' },
      h('p', { class: 'cmi-lead' },
        'The Index to Diseases and Injuries is published free by CMS each year but is not included here. ',
        'Load the XML file you downloaded: the trainer checks every code it prints against the FY2026 tabular, ',
        'keeps the file in this browser only (IndexedDB) and loads it again when you come back.'),
      this.statusBox,
      this.resultBox,
      zone);
    this.mainInput = null;
    this.renderAlphaStatus();
    return panel;
  }

  renderAlphaStatus() {
    if (!this.statusBox) return;
    const a = this.alpha;
    replaceChildren(this.statusBox,
      a
        ? h('div', { class: 'cmi-alpha is-loaded' },
          h('p', { class: 'cmi-alpha-head' }, h('span', { class: 'badge badge-reportable' }, 'Loaded'), ' ', a.edition),
          h('p', { class: 'cmi-alpha-detail' },
            `${a.fileName ?? 'Your file'}${a.loadedAt ? `, loaded ${new Date(a.loadedAt).toLocaleString('en-US')}` : ''}. `,
            a.storeError ? `Not kept for next time: ${a.storeError}` : a.stored ? 'Kept in this browser.' : 'Saving in this browser…'),
          countsList(a.counts),
          h('p', { class: 'cmi-alpha-actions' },
            h('a', { class: 'btn', href: indexHref('alphabetic') }, 'Browse it'), ' ',
            h('button', { type: 'button', class: 'btn btn-danger', id: 'cmi-remove', on: { click: () => this.remove() } }, 'Remove')))
        : h('div', { class: 'cmi-alpha' },
          h('p', { class: 'cmi-alpha-head' }, h('span', { class: 'badge badge-muted' }, 'Not loaded'), ' ',
            'No Alphabetic Index loaded: the lookup search is the tabular-derived term index.')),
      this.restoreError ? h('p', { class: 'cpt-status-error', role: 'alert' }, this.restoreError) : null);
  }

  async loadFile(file) {
    const fileName = file.name || 'the file';
    let bytes;
    try {
      if (file.size > MAX_FILE_BYTES) {
        throw new Error(`this file is too large for an ICD-10-CM index (${(file.size / 1048576).toFixed(1)} MB; the limit is 64 MB)`);
      }
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (err) {
      this.showLoad(loadError(fileName, messageOf(err), Boolean(this.alpha)));
      return;
    }
    this.showLoad(h('div', { class: 'panel cmi-load-result', role: 'status' }, `Reading ${fileName}…`));
    let result;
    try {
      const trainer = await this.getTrainer();
      result = this.index.loadAlphabeticIndex(bytes, trainer);
    } catch (err) {
      this.showLoad(loadError(fileName, messageOf(err), Boolean(this.alpha)));
      return;
    }
    this.alpha = { ...result, fileName, loadedAt: new Date().toISOString(), stored: false, storeError: null };
    this.restoreError = null;
    this.showLoad(h('div', { class: 'panel cmi-load-result is-ok', role: 'status' },
      h('p', { class: 'cmi-load-head', id: 'cmi-load-heading', tabindex: '-1' }, `Loaded ${fileName}: ${result.edition}`),
      h('p', null, `${fmt(result.counts.main_terms)} main terms and ${fmt(result.counts.subterms)} subterms. `,
        h('a', { href: indexHref('alphabetic') }, 'Browse its main terms'), ' or ',
        h('a', { href: indexHref('search') }, 'search it'), '.')));
    this.refreshNote();
    this.renderAlphaStatus();
    try {
      await saveAlphabeticIndexFile(bytes, { fileName, edition: result.edition });
      this.alpha = { ...this.alpha, stored: true };
    } catch (err) {
      this.alpha = { ...this.alpha, storeError: messageOf(err) };
    }
    this.renderAlphaStatus();
    this.onLoaded();
  }

  showLoad(panel) {
    this.lastLoad = panel;
    if (!this.resultBox?.isConnected) return;
    replaceChildren(this.resultBox, panel);
    panel.querySelector('#cmi-load-heading')?.focus({ preventScroll: true });
  }

  refreshNote() {
    const note = document.getElementById('cmi-alpha-note');
    if (note) note.replaceWith(this.renderAlphaNote());
    const nav = this.root.querySelector('.cmi-subnav');
    if (nav && this.route) nav.replaceWith(this.renderSubnav(this.route));
  }

  async remove() {
    this.index.unloadAlphabeticIndex();
    this.alpha = null;
    this.lastLoad = null;
    let error = null;
    try {
      await deleteAlphabeticIndexFile();
    } catch (err) {
      error = messageOf(err);
    }
    this.restoreError = error ? `The stored copy could not be deleted: ${error}` : null;
    if (this.resultBox) replaceChildren(this.resultBox);
    this.refreshNote();
    this.renderAlphaStatus();
    this.onLoaded();
    document.getElementById('cmi-choose')?.focus();
  }

  // -------------------------------------------------------------------------------------------
  // the date of service

  /** The date the shown statuses are for: the date of service once the code set can check it. */
  shownDate() {
    const date = this.currentDate();
    return this.trainer || date === this.index.statusDate() ? date : this.index.statusDate();
  }

  /**
   * The CodeView of a printed index code on the date of service: the stored one for the index's
   * status date, else the core's `trainer.indexCodeStatus` (the ICD-10-CM code set is loaded for it
   * on first need, then the page is drawn again).
   */
  statusFor(cv) {
    const date = this.currentDate();
    if (!cv || cv.date === date || date === this.index.statusDate()) return cv;
    if (!this.trainer) {
      this.wantTrainer();
      return cv;
    }
    const key = `${cv.printed}|${date}`;
    let view = this.statusCache.get(key);
    if (!view) {
      try {
        view = this.trainer.indexCodeStatus(cv.printed, date);
      } catch {
        view = cv;
      }
      if (this.statusCache.size > 20000) this.statusCache.clear();
      this.statusCache.set(key, view);
    }
    return view;
  }

  wantTrainer() {
    if (this.trainerWanted) return;
    this.trainerWanted = true;
    this.getTrainer().then((trainer) => {
      this.trainer = trainer;
      this.redraw();
    }, () => {});
  }

  /** Draw the shown page again (new statuses), keeping the focus on the control that had it. */
  redraw() {
    if (!this.index || !location.hash.startsWith('#/index') || this.route?.view === 'index-load') return;
    const id = document.activeElement?.id;
    this.render(this.currentRoute(), false);
    const el = id ? document.getElementById(id) : null;
    if (el && el !== document.activeElement) el.focus({ preventScroll: true });
  }

  dateChanged() {
    this.redraw();
  }

  // -------------------------------------------------------------------------------------------
  // keys

  onKey(e) {
    if (e.key === '/' && !isEditable(e.target) && this.mainInput?.isConnected) {
      e.preventDefault();
      this.mainInput.focus();
      this.mainInput.select();
      return;
    }
    if (e.key === 'Backspace' && !isEditable(e.target)) {
      e.preventDefault();
      this.back();
    }
  }

  /** The student's last index path (for the grader), or null. */
  static lastIndexPath() {
    try {
      return JSON.parse(sessionStorage.getItem(PATH_KEY));
    } catch {
      return null;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// rendering helpers

function parseIndexHash(hash) {
  const raw = (hash || '').replace(/^#/, '');
  const [path, query = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(query);
  const table = parts[1] ?? null;
  if (parts[1] === 'search') return { area: 'index', view: 'index-search', table: null, term: null, params };
  if (parts[1] === 'load') return { area: 'index', view: 'index-load', table: null, term: null, params };
  if (parts[2] && /^\d+$/.test(parts[2])) return { area: 'index', view: 'index-term', table, term: Number(parts[2]), params };
  if (table === 'drug' || table === 'neoplasm') return { area: 'index', view: 'index-table', table, term: null, params };
  return { area: 'index', view: 'index', table, term: null, params };
}

function statePanel(title, detail) {
  return h('div', { class: 'panel state-panel' },
    h('div', { class: 'spinner', aria: { hidden: 'true' } }),
    h('p', { class: 'state-title' }, title),
    h('p', { class: 'state-detail' }, detail));
}

function fmt(n) {
  return Number(n ?? 0).toLocaleString('en-US');
}

function termHref(table, id, extra = {}) {
  return indexHref(`${table}/${id}`, extra);
}

function onDrag(e, zone) {
  if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
  e.preventDefault();
  if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  zone.classList.add('is-dragover');
}

function loadError(fileName, message, kept) {
  return h('div', { class: 'panel cmi-load-result is-error', role: 'alert' },
    h('p', { class: 'cmi-load-head', id: 'cmi-load-heading', tabindex: '-1' }, `${fileName} was not loaded`),
    h('p', { class: 'cmi-load-message' }, message.charAt(0).toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? '' : '.')),
    h('p', null, kept ? 'The Alphabetic Index loaded before is still in use.' : 'Choose the CMS file icd10cm_index_YYYY.xml.'));
}

function countsList(c) {
  const items = [
    ['letters', 'letters'], ['main_terms', 'main terms'], ['subterms', 'subterms'], ['codes', 'codes'],
    ['dash_codes', 'codes with a dash'], ['manifestations', 'manifestation codes'], ['see', '“see”'],
    ['see_also', '“see also”'], ['see_category', '“see category”'], ['nonessential_modifiers', 'nonessential modifiers'],
  ];
  return h('dl', { class: 'cmi-counts' }, items.map(([k, label]) =>
    h('div', { class: 'cmi-count-item' }, h('dt', null, label), h('dd', null, fmt(c?.[k])))));
}

/** The terms from the main term down to `selId` ([{ id, title }]), `above` first. */
function pathTo(tree, selId) {
  const at = tree.lines.findIndex((l) => l.id === selId);
  const chain = [];
  let level = Infinity;
  for (let i = at; i >= 0; i -= 1) {
    const l = tree.lines[i];
    if (l.level < level) {
      chain.unshift({ id: l.id, title: l.title });
      level = l.level;
    }
  }
  return tree.above.map((a) => ({ id: a.id, title: a.title })).concat(chain);
}

function indexPathText(r) {
  return `${r.path.join(' > ')}${r.column ? ` — ${r.column}` : ''}${r.code ? ` → ${r.code}` : ''}`;
}

function saveIndexPath(record) {
  try {
    sessionStorage.setItem(PATH_KEY, JSON.stringify(record));
  } catch {
    // storage refused (private mode): the URL still holds the path
  }
}

/** The "path" breadcrumb: Main term > subterm > … → code, each term a link. */
function breadcrumb(path, record, table) {
  const nav = h('nav', { class: 'cmi-path', id: 'cmi-path', aria: { label: 'Your index path' }, data: { indexPath: indexPathText(record) } },
    h('span', { class: 'cmi-path-label' }, 'Path: '),
    h('ol', { class: 'cmi-path-list' },
      path.map((p, i) => h('li', { class: 'cmi-path-item' },
        i === path.length - 1 && !record.code
          ? h('span', { aria: { current: 'location' } }, p.title)
          : h('a', { href: termHref(table, p.id) }, p.title))),
      record.column ? h('li', { class: 'cmi-path-item is-column' }, record.column) : null,
      record.code ? h('li', { class: 'cmi-path-item is-code' }, h('a', { href: codeHref(codeOf(record.code)) }, record.code)) : null));
  return nav;
}

function codeOf(printed) {
  return printed.replace(/\.?-+$/, '');
}

/** Short label and badge class of a CodeView's status (the text is the core's). */
function statusLabel(cv) {
  switch (cv.status) {
    case 'valid': return ['valid', 'badge-reportable'];
    case 'seventh_character': return ['7th character needed', 'badge-header'];
    case 'more_characters': return ['more characters needed', 'badge-header'];
    case 'revised': return [`revised since this index edition — see ${cv.tabular ?? '?'}`, 'badge-invalid'];
    case 'deleted': return ['deleted', 'badge-invalid'];
    case 'not_valid_on_date': return ['not valid on this date', 'badge-invalid'];
    default: return ['unchecked', 'badge-muted'];
  }
}

/** A code as printed, linking to its tabular entry, with its status. Records the path on click. */
function codeLink(stored, record, ctx, { compact = false } = {}) {
  const cv = ctx.area ? ctx.area.statusFor(stored) : stored;
  const [label, badge] = statusLabel(cv);
  const text = cv.printed;
  const link = cv.tabular
    ? h('a', {
      class: ['cmi-code', `is-${cv.status}`], href: codeHref(cv.tabular), title: cv.text,
      aria: { label: `${text}, ${label}: open ${cv.tabular} in the tabular` },
      data: { status: cv.status },
      on: { click: () => recordPath(record, cv) },
    }, text)
    : h('span', { class: ['cmi-code', 'is-missing'], title: cv.text, data: { status: cv.status } }, text);
  if (compact) {
    const short = { valid: '', seventh_character: '7th', more_characters: 'more', revised: `→ ${cv.tabular ?? ''}`, deleted: 'deleted', not_valid_on_date: 'not valid' }[cv.status] ?? '';
    return h('span', { class: 'cmi-codebox' }, link,
      short ? h('span', { class: ['cmi-mark', `is-${cv.status}`], aria: { hidden: 'true' } }, short) : null);
  }
  return h('span', { class: 'cmi-codebox' }, link,
    h('span', { class: ['badge', 'badge-small', badge] }, label),
    cv.dash ? h('span', { class: 'cmi-dash' }, '- more characters needed: verify in the tabular') : null);
}

/** Keep the student's path: in the URL of the index page (no new entry) and in sessionStorage. */
function recordPath(record, cv) {
  const full = { ...record, code: cv.printed };
  full.index_path = indexPathText(full);
  saveIndexPath(full);
  if (location.hash.startsWith('#/index/') && /^#\/index\/[a-z]+\/\d+/.test(location.hash)) {
    history.replaceState(history.state, '', termHref(record.table, routeTerm(), { sel: record.sel, col: record.column_key, code: cv.printed }));
  } else if (/^#\/index\/(drug|neoplasm)(\?|$)/.test(location.hash)) {
    // The table keeps its filter; the path lives in sessionStorage and on the term page.
    const url = new URL(location.href);
    history.replaceState(history.state, '', url.hash);
  }
}

function routeTerm() {
  const m = /^#\/index\/[a-z]+\/(\d+)/.exec(location.hash);
  return m ? m[1] : '';
}

function manifView(m, record, ctx) {
  return h('span', { class: 'cmi-manif' }, '[',
    m.code ? codeLink(m.code, record, ctx) : m.printed, ']');
}

/** A cross-reference as the core resolved it: a link where it leads somewhere. */
function xrefView(x) {
  const label = h('em', { class: 'cmi-xref-label' }, x.label);
  let target;
  switch (x.status) {
    case 'resolved':
      target = [h('a', { href: termHref(x.table, x.term), class: 'cmi-xref-link' }, x.text)];
      if (x.instruction) target.push(h('span', { class: 'cmi-xref-note' }, ` (read on: ${x.instruction})`));
      break;
    case 'partial':
      target = [h('a', { href: termHref(x.table, x.term), class: 'cmi-xref-link' }, x.path.join(', ')),
        x.missing ? h('span', { class: 'cmi-xref-note' }, `, ${x.missing}`) : null];
      break;
    case 'table':
      target = [h('a', { href: x.table === 'drug' || x.table === 'neoplasm' ? indexHref(x.table) : indexHref(x.table), class: 'cmi-xref-link' }, x.text)];
      break;
    case 'tabular':
      target = [x.text, ' ', (x.codes ?? []).map((c, i) => [i ? ', ' : '', h('a', { href: codeHref(c.split('-')[0]), class: 'cmi-xref-link' }, c)])];
      break;
    case 'main_terms_starting':
      target = [h('a', { href: indexHref(x.table, { q: x.prefix }), class: 'cmi-xref-link' }, x.text)];
      break;
    case 'other_index':
      target = [x.text, ' ', h('a', { href: indexHref('load'), class: 'cmi-xref-note' }, '(in the Alphabetic Index: load it)')];
      break;
    case 'unresolved':
      target = [x.text, h('span', { class: 'cmi-xref-note' }, ' (not found in the loaded indexes)')];
      break;
    default: // condition, instruction
      target = [x.text];
  }
  return h('span', { class: ['cmi-xref', `is-${x.status}`] }, label, ' ', target);
}

/** A line's chain of "see" when it goes further than one step (seeChain). */
function seeChainView(ctx, line) {
  if (!line.xrefs.some((x) => x.kind === 'see' && x.status === 'resolved')) return null;
  let chain;
  try {
    chain = ctx.area.index.seeChain(ctx.table, line.id);
  } catch {
    return null;
  }
  if (!chain || chain.steps.length < 3) return null;
  const last = chain.steps[chain.steps.length - 1];
  return h('span', { class: 'cmi-xref-note cmi-chain' }, ' → ends at ',
    h('a', { href: termHref(last.table, last.term) }, last.path.join(', ')),
    chain.ended !== 'no_see' ? ` (${chain.ended.replace(/_/g, ' ')})` : '');
}

/** The subterms as nested lists: each level one list deeper, like the indentation in print. */
function termTree(lines, ctx, selId) {
  const top = lines[0].level;
  const root = h('ul', { class: 'index-tree cmi-tree' });
  const stack = [{ level: top, ul: root, last: null }];
  const ancestors = [];
  for (const line of lines) {
    while (ancestors.length && ancestors[ancestors.length - 1].level >= line.level) ancestors.pop();
    ancestors.push({ level: line.level, title: line.title });
    while (stack.length > 1 && stack[stack.length - 1].level > line.level) stack.pop();
    let frame = stack[stack.length - 1];
    if (line.level > frame.level && frame.last) {
      const ul = h('ul', { class: 'index-tree' });
      frame.last.append(ul);
      frame = { level: line.level, ul, last: null };
      stack.push(frame);
    }
    const path = ctx.tree.above.map((a) => a.title).concat(ancestors.map((a) => a.title));
    const record = { table: ctx.table, term: ctx.term, sel: line.id, path, column_key: null, column: null };
    const li = h('li', { class: ['index-item', line.id === selId ? 'is-selected' : null] },
      h('div', { class: 'index-line' },
        h('a', { class: 'index-title cmi-line-title', href: termHref(ctx.table, ctx.term, { sel: line.id }), aria: { current: line.id === selId ? 'true' : null } },
          line.title),
        line.nemod ? h('span', { class: 'cmi-nemod' }, line.nemod) : null,
        line.codes.length || line.manif.length || line.xrefs.length
          ? h('span', { class: 'index-pointers' },
            line.codes.map((cv) => codeLink(cv, record, ctx)),
            line.manif.map((m) => manifView(m, record, ctx)),
            line.xrefs.map((x) => xrefView(x)),
            seeChainView(ctx, line))
          : null));
    frame.ul.append(li);
    frame.last = li;
  }
  return root;
}

/** A table (Neoplasms or Drugs): rows of terms, six code columns, sticky column headers. */
function tableOf(columns, rows, ctx, { rowHeader, caption, linkRows = false }) {
  const minLevel = Math.min(...rows.map((r) => r.level));
  const ancestors = [];
  return h('div', { class: 'cmi-table-scroll', tabindex: '0', role: 'region', aria: { label: caption } },
    h('table', { class: 'cmi-table' },
      h('caption', { class: 'sr-only' }, caption),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col', class: 'cmi-th-term' }, rowHeader),
        columns.map((c) => h('th', { scope: 'col', data: { col: c.key } }, c.head)))),
      h('tbody', null, rows.map((row) => {
        while (ancestors.length && ancestors[ancestors.length - 1].level >= row.level) ancestors.pop();
        ancestors.push({ level: row.level, title: row.title });
        const path = row.path ?? (ctx.tree ? ctx.tree.above.map((a) => a.title).concat(ancestors.map((a) => a.title)) : null);
        const record = { table: ctx.table, term: row.id, sel: row.id, path: path ?? [row.title], column_key: null, column: null };
        return h('tr', { data: { term: row.id } },
          h('th', { scope: 'row', class: ['cmi-td-term', `lvl-${Math.min(row.level - minLevel, 8)}`], title: path ? path.join(' > ') : null },
            linkRows || row.id !== ctx.term
              ? h('a', { href: termHref(ctx.table, row.id), class: 'cmi-row-link' }, row.title)
              : h('span', { class: 'cmi-row-title' }, row.title),
            row.nemod ? h('span', { class: 'cmi-nemod' }, ' ', row.nemod) : null,
            row.xrefs?.length ? h('span', { class: 'cmi-row-xrefs' }, row.xrefs.map((x) => [' ', xrefView(x)])) : null,
            row.manif?.length ? row.manif.map((m) => manifView(m, record, ctx)) : null),
          columns.map((c) => {
            const cell = row.cells.find((x) => x.col === c.col);
            const chosen = ctx.chosen && ctx.chosen.sel === row.id && ctx.chosen.col === c.key;
            return h('td', { data: { col: c.key }, class: chosen ? 'is-chosen' : null, aria: { current: chosen ? 'true' : null } },
              cell?.code
                ? codeLink(cell.code, { ...record, column_key: c.key, column: cell.column }, ctx, { compact: true })
                : h('span', { class: 'cmi-nocode' }, cell?.printed ?? ''));
          }));
      }))));
}
