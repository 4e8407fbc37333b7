// ICD-10-PCS search and Index browser (docs/wasm-api.md, "ICD-10-PCS" → "Search and the index").
// The search box lists `pcs.search` hits (complete or partial codes, each with its index path and
// pointer); the Index browser offers main terms as they are typed (`pcs.indexMainTerms`) and
// shows one main term's subterms (`pcs.indexTerm`) as an indented tree, like the printed Index.
// The core finds, completes and checks every code; this module renders what it returns.

import { h, replaceChildren } from './dom.js';
import { pcsHref, pcsIndexHref } from './router.js';

const TERM_LIMIT = 20;

/** The content of one PCS search hit (option of the results listbox). */
export function renderPcsHit(hit) {
  return [
    h('span', { class: 'result-side' },
      h('span', { class: 'result-code' }, hit.code),
      hit.complete
        ? h('span', { class: 'badge badge-reportable' }, 'Complete')
        : h('span', { class: 'badge badge-header' }, 'Partial')),
    h('span', { class: 'result-title' }, hit.title ?? '(no title in the FY2026 tables)'),
    hit.index_path || hit.pointer || !hit.complete
      ? h('span', { class: 'result-match' },
        hit.index_path ? ['Index: ', h('span', { class: 'result-path' }, hit.index_path)] : null,
        hit.index_path && hit.pointer ? ' · ' : null,
        hit.pointer ? h('em', null, hit.pointer) : null,
        !hit.complete ? h('span', { class: 'result-finish' }, `finish at position ${hit.code.length + 1} in the builder`) : null)
      : null,
  ];
}

/**
 * The Index browser: a main-term type-ahead over `pcs.indexMainTerms` and the tree of one main
 * term. `go(hash)` navigates; `date` is the builder route's date (kept on code links).
 */
export class PcsIndexBrowser {
  constructor({ pcs, go }) {
    this.pcs = pcs;
    this.go = go;
    this.terms = [];
    this.active = -1;
    this.input = null;
    this.list = null;
  }

  /** The whole view for a main term ('' = none chosen yet). */
  render(term, date) {
    this.terms = [];
    this.active = -1;
    this.input = h('input', {
      id: 'pcs-index-term',
      class: 'pcs-index-input',
      type: 'text',
      autocomplete: 'off',
      autocapitalize: 'off',
      spellcheck: 'false',
      placeholder: 'e.g. append, bypass, resection',
      role: 'combobox',
      aria: { autocomplete: 'list', expanded: 'false', controls: 'pcs-index-terms', describedby: 'pcs-index-hint' },
      on: { input: () => this.suggest(), keydown: (e) => this.onKey(e) },
    });
    this.list = h('ul', {
      id: 'pcs-index-terms',
      class: 'pcs-index-terms is-empty',
      role: 'listbox',
      aria: { label: 'Main terms' },
      on: {
        mousedown: (e) => e.preventDefault(),
        click: (e) => {
          const li = e.target instanceof Element ? e.target.closest('[role="option"]') : null;
          if (li) this.open(Number(li.dataset.index));
        },
      },
    });
    this.status = h('p', { class: 'pcs-index-status', role: 'status' });
    const entries = term ? this.pcs.indexTerm(term) : [];
    return h('section', { class: 'pcs-index', aria: { label: 'Index browser' } },
      h('p', { class: 'pcs-index-edition' },
        'The FY2023 edition, the newest published. The codes it points to are checked against the FY2026 tables.'),
      h('div', { class: 'pcs-index-find' },
        h('label', { for: 'pcs-index-term', class: 'pcs-filter-label' }, 'Find a main term'),
        h('div', { class: 'pcs-filter-box' }, this.input,
          h('kbd', { class: 'pcs-filter-kbd', aria: { hidden: 'true' } }, '/')),
        h('p', { class: 'pcs-step-hint', id: 'pcs-index-hint' },
          'Type the start of a main term, ', h('kbd', null, '↑'), ' ', h('kbd', null, '↓'), ' and ',
          h('kbd', null, 'Enter'), ' to open it. Codes in the tree open the builder at that code.'),
        this.status,
        this.list,
      ),
      term ? this.renderEntry(term, entries, date) : this.renderStart(),
    );
  }

  renderStart() {
    const examples = ['Appendectomy', 'Bypass', 'Resection', 'Insertion of device in'];
    return h('div', { class: 'pcs-index-start' },
      h('p', null, 'Like the printed Index, each main term lists its subterms, the code (or first characters) ',
        'to look up in the tables, and “see” or “use” pointers to other terms.'),
      h('p', { class: 'pcs-index-examples' }, 'Try: ',
        examples.map((t, i) => [i ? ', ' : '', h('a', { href: pcsIndexHref(t) }, t)])),
    );
  }

  renderEntry(term, entries, date) {
    if (!entries.length) {
      return h('div', { class: 'pcs-alert', role: 'alert' },
        h('p', { class: 'pcs-alert-head' }, `“${term}” is not a main term of the ICD-10-PCS Index.`),
        h('p', { class: 'pcs-alert-text' }, 'Type the start of a main term above to see the ones that exist.'));
    }
    const [main, ...subs] = entries[0].level === 0 ? entries : [null, ...entries];
    return h('article', { class: 'pcs-index-entry', aria: { labelledby: 'pcs-index-entry-heading' } },
      h('h3', { id: 'pcs-index-entry-heading', class: 'pcs-index-main', tabindex: '-1' },
        h('span', { class: 'index-title' }, main?.title ?? term),
        main ? pointers(main, date) : null),
      subs.length ? tree(subs, date) : null,
    );
  }

  /** Offer the main terms that start with what is typed. */
  suggest() {
    const q = this.input.value.trim();
    let terms = [];
    let error = null;
    if (q) {
      try {
        terms = this.pcs.indexMainTerms(q, TERM_LIMIT);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
    }
    this.terms = terms;
    replaceChildren(this.list, terms.map((t, i) => h('li', {
      id: `pcs-index-term-${i}`, role: 'option', class: 'pcs-index-option', aria: { selected: 'false' }, data: { index: i },
    }, t)));
    this.list.classList.toggle('is-empty', terms.length === 0);
    this.input.setAttribute('aria-expanded', String(terms.length > 0));
    this.status.textContent = error ?? (!q ? '' : terms.length ? '' : `No main term starts with “${q}”.`);
    this.status.classList.toggle('is-error', Boolean(error) || (q !== '' && !terms.length));
    this.setActive(terms.length ? 0 : -1);
  }

  setActive(i) {
    const options = this.list.children;
    if (this.active >= 0 && options[this.active]) options[this.active].setAttribute('aria-selected', 'false');
    this.active = i;
    const el = i >= 0 ? options[i] : null;
    if (el) {
      el.setAttribute('aria-selected', 'true');
      this.input.setAttribute('aria-activedescendant', el.id);
      el.scrollIntoView({ block: 'nearest' });
    } else {
      this.input.removeAttribute('aria-activedescendant');
    }
  }

  onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const n = this.terms.length;
    if (e.key === 'ArrowDown' && n) {
      e.preventDefault();
      this.setActive(Math.min(this.active + 1, n - 1));
    } else if (e.key === 'ArrowUp' && n) {
      e.preventDefault();
      this.setActive(Math.max(this.active - 1, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (this.active >= 0) this.open(this.active);
    } else if (e.key === 'Escape' && this.input.value) {
      e.preventDefault();
      this.input.value = '';
      this.suggest();
    }
  }

  open(i) {
    const term = this.terms[i];
    if (term) this.go(pcsIndexHref(term));
  }

  focus(hasTerm) {
    const heading = hasTerm ? document.getElementById('pcs-index-entry-heading') : null;
    (heading ?? this.input)?.focus({ preventScroll: true });
  }
}

/** The subterms as nested lists: each level one list deeper, like the indentation in print. */
function tree(entries, date) {
  const top = entries[0].level;
  const root = h('ul', { class: 'index-tree' });
  const stack = [{ level: top, ul: root, last: null }];
  for (const e of entries) {
    while (stack.length > 1 && stack[stack.length - 1].level > e.level) stack.pop();
    let frame = stack[stack.length - 1];
    if (e.level > frame.level && frame.last) {
      const ul = h('ul', { class: 'index-tree' });
      frame.last.append(ul);
      frame = { level: e.level, ul, last: null };
      stack.push(frame);
    }
    const li = h('li', { class: 'index-item' },
      h('div', { class: 'index-line' },
        e.title ? h('span', { class: 'index-title' }, e.title) : null,
        pointers(e, date)));
    frame.ul.append(li);
    frame.last = li;
  }
  return root;
}

/** An entry's pointers: "see …", "use …" and its code (a link to the builder when a table holds it). */
function pointers(e, date) {
  const parts = [];
  if (e.see) parts.push(h('span', { class: 'index-see' }, h('em', null, 'see'), ' ', e.see));
  if (e.use) parts.push(h('span', { class: 'index-see' }, h('em', null, 'use'), ' ', e.use));
  if (e.code) {
    if (e.code_in_tables === false) {
      parts.push(h('span', { class: 'index-code is-missing' }, e.code),
        h('span', { class: 'index-missing' }, 'not in the FY2026 tables (index is FY2023)'));
    } else {
      parts.push(h('a', {
        class: 'index-code',
        href: pcsHref(e.code, date),
        aria: { label: `${e.code}: open in the builder` },
      }, e.code));
    }
  }
  return parts.length ? h('span', { class: 'index-pointers' }, parts) : null;
}
