// The search box: an ARIA combobox over a listbox of hits, updated on every keystroke.
// The core does all matching and ranking; this module only renders its hit list. The ICD-10-CM
// lookup uses it with its SearchHit rendering; other areas (HCPCS and CPT) pass their own
// element ids and `renderHit`.

import { h, replaceChildren } from './dom.js';

const LIMIT = 20;
const NARROW = '(max-width: 800px)';

/** The badge of each SearchHit `status` (docs/wasm-api.md); the core decides the status. */
const HIT_BADGES = {
  reportable: ['badge-reportable', 'Reportable'],
  header: ['badge-header', 'Header'],
  invalid: ['badge-invalid', 'Invalid'],
};

function hitBadge(hit) {
  return HIT_BADGES[hit.status] ?? ['badge-muted', 'Unknown'];
}

/** The element ids of the ICD-10-CM search (index.html); another panel prefixes them. */
const IDS = {
  form: 'search-form',
  input: 'search',
  list: 'results',
  status: 'results-status',
  expanded: 'results-expanded',
  pane: 'results-pane',
  toggle: 'results-toggle',
};

export class SearchPanel {
  /**
   * @param {object} opts
   * @param {(q: string, limit: number) => object[]} opts.search   the core's search
   * @param {(hit: object) => void} opts.onOpen                     open a hit's code view
   * @param {string} [opts.prefix]        prefix of the element ids ('hcpcs-' → hcpcs-search, ...)
   * @param {(hit: object) => (Node|string)[]} [opts.renderHit]   the content of one option
   * @param {string} [opts.noun]          what the hits are, for "No … match" ('codes')
   * @param {boolean} [opts.collapseAlways] fold the hits once one is opened at every width (the
   *                                       list sits above the view it opens), not just on phones
   */
  constructor({ search, onOpen, prefix = '', renderHit = null, noun = 'codes', collapseAlways = false }) {
    this.search = search;
    this.collapseAlways = collapseAlways;
    this.onOpen = onOpen;
    this.renderHit = renderHit;
    this.noun = noun;
    const el = (key) => document.getElementById(prefix + IDS[key]);
    this.form = el('form');
    this.input = el('input');
    this.list = el('list');
    this.status = el('status');
    this.expanded = el('expanded');
    this.pane = el('pane');
    this.toggle = el('toggle');
    this.narrow = window.matchMedia(NARROW);
    this.hits = [];
    this.active = -1;
    this.query = '';
    this.currentCode = null;

    this.input.addEventListener('input', () => this.run());
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('focus', () => this.setCollapsed(false));
    this.form.addEventListener('submit', (e) => e.preventDefault());
    this.list.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the box
    this.list.addEventListener('click', (e) => {
      const li = e.target instanceof Element ? e.target.closest('[role="option"]') : null;
      if (!li) return;
      const index = Number(li.dataset.index);
      this.setActive(index);
      this.open(index);
    });
    this.toggle.addEventListener('click', () => {
      this.setCollapsed(false);
      this.input.focus();
    });
    this.narrow.addEventListener('change', () => this.syncExpanded());
  }

  enable() {
    this.input.disabled = false;
  }

  focus({ select = false } = {}) {
    this.input.focus();
    if (select) this.input.select();
  }

  clear() {
    this.input.value = '';
    this.run();
  }

  /** Run the current query through the core and render the hits. */
  run() {
    const q = this.input.value.trim();
    this.query = q;
    this.setCollapsed(false);
    if (!q) {
      this.render([], null);
      return;
    }
    let hits;
    try {
      hits = this.search(q, LIMIT);
    } catch (err) {
      this.render([], err instanceof Error ? err.message : String(err));
      return;
    }
    this.render(Array.isArray(hits) ? hits : [], null);
  }

  render(hits, error) {
    this.hits = hits;
    this.active = hits.length ? 0 : -1;
    const items = hits.map((hit, i) => this.option(hit, i));
    replaceChildren(this.list, items);
    this.list.classList.toggle('is-empty', hits.length === 0);
    this.pane.classList.toggle('has-query', this.query !== '');

    const expanded = hits.find((hit) => hit.expanded != null && hit.expanded !== '');
    if (!this.expanded) {
      // this panel has no "searched for" line
    } else if (expanded) {
      replaceChildren(this.expanded, 'searched for: ', h('q', null, expanded.expanded));
      this.expanded.hidden = false;
    } else {
      this.expanded.hidden = true;
      this.expanded.textContent = '';
    }

    if (error) {
      this.status.textContent = error;
    } else if (!this.query) {
      this.status.textContent = '';
    } else if (hits.length === 0) {
      this.status.textContent = `No ${this.noun} match “${this.query}”.`;
    } else if (hits.length === 1) {
      this.status.textContent = '1 result';
    } else {
      this.status.textContent = hits.length >= LIMIT ? `Top ${hits.length} results` : `${hits.length} results`;
    }
    this.status.classList.toggle('is-error', Boolean(error));
    this.updateToggle();
    this.setActive(this.active);
    this.markCurrent(this.currentCode);
  }

  option(hit, i) {
    const attrs = {
      id: `${this.list.id}-${i}`,
      role: 'option',
      class: 'result',
      aria: { selected: 'false' },
      data: { index: i, code: hit.code },
    };
    if (this.renderHit) return h('li', attrs, this.renderHit(hit));
    const [badgeClass, badgeText] = hitBadge(hit);
    return h('li', {
      id: `result-${i}`,
      role: 'option',
      class: 'result',
      aria: { selected: 'false' },
      data: { index: i, code: hit.code },
    },
      h('span', { class: 'result-code' }, hit.code),
      h('span', { class: ['badge', badgeClass] }, badgeText),
      h('span', { class: 'result-title' }, hit.title ?? '(no title in the FY2026 tabular list)'),
      hit.matched_text != null && hit.matched_text !== ''
        ? h('span', { class: 'result-match' }, 'matched inclusion term: ', h('q', null, hit.matched_text))
        : null,
    );
  }

  setActive(index, { scroll = false } = {}) {
    const options = this.list.children;
    if (this.active >= 0 && options[this.active]) options[this.active].setAttribute('aria-selected', 'false');
    this.active = index;
    const el = index >= 0 ? options[index] : null;
    if (el) {
      el.setAttribute('aria-selected', 'true');
      this.input.setAttribute('aria-activedescendant', el.id);
      if (scroll) el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    } else {
      this.input.removeAttribute('aria-activedescendant');
    }
    this.syncExpanded();
  }

  /** Mark the hit whose code view is open (a visual cue only). */
  markCurrent(code) {
    this.currentCode = code;
    for (const li of this.list.children) {
      li.classList.toggle('is-current', code != null && li.dataset.code === code);
    }
  }

  open(index) {
    const hit = this.hits[index];
    if (!hit) return;
    this.setCollapsed(true);
    this.onOpen(hit);
  }

  onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const n = this.hits.length;
    switch (e.key) {
      case 'ArrowDown':
        if (!n) return;
        e.preventDefault();
        this.setCollapsed(false);
        this.setActive(Math.min(this.active + 1, n - 1), { scroll: true });
        break;
      case 'ArrowUp':
        if (!n) return;
        e.preventDefault();
        this.setCollapsed(false);
        this.setActive(Math.max(this.active - 1, 0), { scroll: true });
        break;
      case 'PageDown':
        if (!n) return;
        e.preventDefault();
        this.setActive(Math.min(this.active + 5, n - 1), { scroll: true });
        break;
      case 'PageUp':
        if (!n) return;
        e.preventDefault();
        this.setActive(Math.max(this.active - 5, 0), { scroll: true });
        break;
      case 'Enter':
        e.preventDefault();
        if (this.active >= 0) this.open(this.active);
        break;
      case 'Escape':
        e.preventDefault();
        if (this.input.value) this.clear();
        break;
      default:
        break;
    }
  }

  /** On narrow screens (or always) the list folds away once a code is opened, leaving a "show" button. */
  setCollapsed(collapsed) {
    const value = collapsed && this.hits.length > 0;
    if (this.pane.classList.contains('collapsed') === value) return;
    this.pane.classList.toggle('collapsed', value);
    this.updateToggle();
    this.syncExpanded();
  }

  updateToggle() {
    const n = this.hits.length;
    this.toggle.textContent = n
      ? `Show ${n === 1 ? '1 result' : `${n} results`} for “${this.query}”`
      : '';
    this.toggle.setAttribute('aria-expanded', String(!this.pane.classList.contains('collapsed')));
  }

  syncExpanded() {
    const folded = (this.collapseAlways || this.narrow.matches) && this.pane.classList.contains('collapsed');
    this.input.setAttribute('aria-expanded', String(this.hits.length > 0 && !folded));
  }
}
