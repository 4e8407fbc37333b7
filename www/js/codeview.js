// Renders a LookupView (see docs/wasm-api.md) as a tabular-list entry.
// Everything shown comes from the core; nothing here decides anything about coding.

import { h } from './dom.js';
import { codeHref } from './router.js';

/** Display order of note kinds, as given by the wasm API contract. */
const NOTE_ORDER = [
  'includes',
  'inclusion_term',
  'excludes1',
  'excludes2',
  'code_first',
  'use_additional_code',
  'code_also',
  'note',
  'seventh_character_note',
];

const FALLBACK_LABELS = {
  includes: 'Includes',
  inclusion_term: 'Inclusion terms',
  excludes1: 'Excludes1',
  excludes2: 'Excludes2',
  code_first: 'Code first',
  use_additional_code: 'Use additional code',
  code_also: 'Code also',
  note: 'Note',
  seventh_character_note: '7th character note',
};

const KIND_NAMES = {
  chapter: 'Chapter',
  section: 'Section',
  category: 'Category',
  subcategory: 'Subcategory',
  code: 'Code',
};

/** How a note's own level is named ("this category" on E11). */
const OWN_NAMES = {
  chapter: 'chapter',
  section: 'section',
  category: 'category',
  subcategory: 'subcategory',
  code: 'code',
};

/** How a code of a given kind is written in headings ("Chapter 4", "E08-E13", "E11.22"). */
export function displayCode(code, kind) {
  return kind === 'chapter' ? `Chapter ${code}` : code;
}

function codeLink(code, date, text, cls, tabindex) {
  return h('a', { href: codeHref(code, date), class: cls, tabindex }, text ?? code);
}

/**
 * Build the entry for `view`.
 * @returns {HTMLElement}
 */
export function renderCodeView(view) {
  const date = view.date;
  const article = h('article', { class: 'entry', aria: { labelledby: 'entry-heading' } });

  if (view.ancestors?.length) article.append(breadcrumb(view.ancestors, date));
  article.append(head(view));
  article.append(validity(view));
  if (view.children?.length) article.append(children(view, date));
  if (view.seventh_characters) article.append(seventh(view.seventh_characters, view, date));
  article.append(notes(view, date));
  return article;
}

function breadcrumb(ancestors, date) {
  return h('nav', { class: 'crumbs', aria: { label: 'Ancestors in the tabular list' } },
    h('ol', null, ancestors.map((a, depth) =>
      h('li', { class: ['crumb', `depth-${Math.min(depth, 5)}`] },
        h('a', { href: codeHref(a.code, date) },
          h('span', { class: 'crumb-code' }, displayCode(a.code, a.kind)),
          h('span', { class: 'crumb-title' }, a.title ?? ''),
        ),
      ),
    )),
  );
}

/**
 * How each `status` of a LookupView (docs/wasm-api.md) is shown: the badge under the heading,
 * the class of the validity box and its first line. The core decides the status; this only
 * names it.
 */
const STATUS = {
  valid: {
    badge: ['badge-reportable', 'Reportable'],
    box: 'is-valid',
    head: (date) => `Valid on ${date}`,
  },
  not_valid_on_date: {
    badge: ['badge-invalid', 'Not valid on date'],
    box: 'is-invalid',
    head: (date) => `Not valid on ${date}`,
  },
  header: {
    badge: ['badge-header', 'Header'],
    box: 'is-header',
    head: () => 'Header — not reportable; choose a more specific code',
  },
  invalid: {
    badge: ['badge-invalid', 'Invalid'],
    box: 'is-invalid',
    head: () => 'Not a valid code',
  },
};

/** The presentation of `view.status`; an unknown status is shown as such, never guessed. */
function statusOf(view) {
  return STATUS[view.status] ?? {
    badge: ['badge-muted', 'Status unknown'],
    box: 'is-unknown',
    head: () => 'The core did not say whether this code is valid',
  };
}

function head(view) {
  const [badgeClass, badgeText] = statusOf(view).badge;
  const kindName = KIND_NAMES[view.kind] ?? view.kind;
  return h('header', { class: ['entry-head', `depth-${Math.min(view.ancestors?.length ?? 0, 5)}`] },
    h('h1', { id: 'entry-heading', class: 'entry-heading', tabindex: '-1' },
      h('span', { class: 'entry-code' }, displayCode(view.code, view.kind)),
      ' ',
      h('span', { class: ['entry-title', view.title == null && 'is-missing'] },
        view.title ?? 'Not in the FY2026 tabular list'),
    ),
    h('p', { class: 'entry-badges' },
      h('span', { class: ['badge', badgeClass] }, badgeText),
      h('span', { class: 'entry-kind' }, kindName),
      // A code on its date that the current tabular has since split (A04.7 before FY2018).
      view.status === 'valid' && view.reportable === false
        ? h('span', { class: 'badge badge-muted' }, 'A header in the current tabular')
        : null,
      view.in_tabular === false
        ? h('span', { class: 'badge badge-muted' }, 'Known only from the CMS validity file')
        : null,
    ),
  );
}

function validity(view) {
  const status = statusOf(view);
  return h('section', { class: ['validity', status.box], aria: { label: 'Validity' } },
    h('p', { class: 'validity-head' }, status.head(view.date)),
    view.validity_text ? h('p', { class: 'validity-text' }, view.validity_text) : null,
  );
}

function children(view, date) {
  const id = 'children-heading';
  return h('section', { class: 'block children', aria: { labelledby: id } },
    h('h2', { id, class: 'block-title' },
      childrenTitle(view)),
    h('ul', { class: 'child-list' }, view.children.map((c) =>
      h('li', { class: 'child' },
        h('a', { href: codeHref(c.code, date), class: 'child-link' },
          h('span', { class: 'child-code' }, displayCode(c.code, c.kind)),
          h('span', { class: 'child-title' }, c.title ?? ''),
          c.reportable === false
            ? h('span', { class: 'badge badge-header badge-small' }, 'Header')
            : h('span', { class: 'badge badge-reportable badge-small' }, 'Reportable'),
        ),
      ),
    )),
  );
}

function childrenTitle(view) {
  if (view.status === 'header') return 'Choose a more specific code';
  const under = `Codes under ${displayCode(view.code, view.kind)}`;
  // A code on its date that has since become a header: its children are today's codes.
  return view.reportable === false ? `${under} in the current tabular` : under;
}

function seventh(table, view, date) {
  const id = 'seventh-heading';
  const chars = table.characters ?? [];
  // The core gives each character's full code when a leaf was looked up (null for a category or
  // subcategory); the code column is shown only then. Codes are never assembled here.
  const withCodes = chars.some((c) => c.code);
  const hasCurrent = chars.some((c) => c.current);
  const leaf = hasCurrent ? leafOf(view) : displayCode(view.code, view.kind);
  const rows = chars.map((c) => {
    const allowed = c.allowed !== false;
    const thisCode = c.current === true
      ? h('span', { class: 'seventh-this' }, 'this code')
      : null;
    return h('tr', { class: [!allowed && 'is-disallowed', c.current === true && 'is-current'] },
      h('th', { scope: 'row', class: 'seventh-char' }, c.char),
      withCodes
        ? h('td', { class: 'seventh-code' }, seventhCode(c, allowed, date), thisCode)
        : null,
      h('td', { class: 'seventh-label' },
        h('span', { class: 'seventh-meaning' }, c.label),
        withCodes ? null : thisCode,
        allowed ? null : h('span', { class: 'seventh-why' }, `Not allowed with ${leaf}`),
      ),
    );
  });
  return h('section', { class: 'block seventh', aria: { labelledby: id } },
    h('h2', { id, class: 'block-title' }, '7th character',
      h('span', { class: 'block-source' }, 'from ', codeLink(table.source, date))),
    table.note ? h('p', { class: 'seventh-note' }, table.note) : null,
    h('div', { class: 'table-scroll', tabindex: '0', role: 'group', aria: { label: '7th characters' } },
      h('table', { class: ['seventh-table', withCodes && 'has-codes'] },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col', class: 'seventh-col-char' },
            h('span', { class: 'col-long' }, 'Character'),
            h('span', { class: 'col-short', aria: { hidden: 'true' } }, 'Char.')),
          withCodes ? h('th', { scope: 'col', class: 'seventh-col-code' }, 'Code') : null,
          h('th', { scope: 'col' }, 'Meaning'))),
        h('tbody', null, rows),
      ),
    ),
  );
}

/** An allowed character's code links to it; a disallowed one is shown, struck, without a link. */
function seventhCode(c, allowed, date) {
  if (!c.code) return null;
  if (!allowed) return h('span', { class: 'seventh-code-text' }, c.code);
  return h('a', {
    href: codeHref(c.code, date),
    class: 'seventh-code-link',
    aria: { current: c.current === true ? 'page' : null },
  }, c.code);
}

/**
 * The code a 7th character is added to, when the looked-up code carries one (S06.1X7 for
 * S06.1X7D): the nearest ancestor of kind "code", as the core lists it.
 */
function leafOf(view) {
  const leaf = [...(view.ancestors ?? [])].reverse().find((a) => a.kind === 'code');
  return leaf ? leaf.code : displayCode(view.code, view.kind);
}

function notes(view, date) {
  const id = 'notes-heading';
  const all = view.notes ?? [];
  const groups = new Map();
  for (const kind of NOTE_ORDER) groups.set(kind, []);
  for (const note of all) {
    if (!groups.has(note.kind)) groups.set(note.kind, []);
    groups.get(note.kind).push(note);
  }
  const sections = [];
  for (const [kind, list] of groups) {
    if (!list.length) continue;
    const gid = `notes-${kind.replace(/[^a-z0-9_-]/gi, '')}`;
    const label = list[0].label ?? FALLBACK_LABELS[kind] ?? kind;
    sections.push(h('section', { class: ['note-group', `kind-${kind}`], aria: { labelledby: gid } },
      h('h3', { id: gid, class: 'note-kind' }, label),
      h('ul', { class: 'note-list' }, list.map((note) =>
        h('li', { class: 'note' },
          h('span', { class: 'note-text' }, linkify(note.text ?? '', note.refs ?? [], date)),
          ' ',
          sourceLabel(note, view, date),
        ),
      )),
    ));
  }
  return h('section', { class: 'block notes', aria: { labelledby: id } },
    h('h2', { id, class: 'block-title' }, 'Instructional notes'),
    sections.length
      ? sections
      : h('p', { class: 'empty-note' }, `No instructional notes apply to ${displayCode(view.code, view.kind)}.`),
  );
}

function sourceLabel(note, view, date) {
  if (note.source === view.code) {
    return h('span', { class: 'note-source is-own' }, `this ${OWN_NAMES[view.kind] ?? 'code'}`);
  }
  if (note.source_kind === 'chapter') {
    return h('span', { class: 'note-source' }, 'from ', codeLink(note.source, date, `chapter ${note.source}`, null, '-1'));
  }
  // Source links stay out of the Tab order (the breadcrumb reaches the same levels).
  return h('span', { class: 'note-source' },
    'from ', codeLink(note.source, date, null, null, '-1'), note.source_kind ? ` (${note.source_kind})` : '');
}

/**
 * Split `text` on every occurrence of each ref's text and turn those into links to `ref.first`.
 * @returns {(string|Node)[]}
 */
export function linkify(text, refs, date) {
  const usable = refs.filter((r) => r && r.text && r.first);
  const out = [];
  let at = 0;
  while (at < text.length && usable.length) {
    let best = null;
    let bestIndex = -1;
    for (const ref of usable) {
      const i = text.indexOf(ref.text, at);
      if (i < 0) continue;
      if (bestIndex < 0 || i < bestIndex || (i === bestIndex && ref.text.length > best.text.length)) {
        best = ref;
        bestIndex = i;
      }
    }
    if (!best) break;
    if (bestIndex > at) out.push(text.slice(at, bestIndex));
    const link = h('a', { href: codeHref(best.first, date), class: 'code-ref' }, best.text);
    if (best.first !== best.text) link.title = `Open ${best.first}`;
    out.push(link);
    at = bestIndex + best.text.length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}
