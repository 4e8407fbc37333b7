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
 * Which of the three states the core's answer describes (per docs/wasm-api.md):
 * valid on the date; a header (not reportable, and no validity windows because it needs more
 * characters); or a code that is not valid on the date.
 */
export function codeStatus(view) {
  if (view.valid_on_date === true) return 'valid';
  if (view.reportable === false && !(view.validity?.length)) return 'header';
  return 'invalid';
}

const STATUS_BADGES = {
  valid: ['badge-reportable', 'Reportable'],
  header: ['badge-header', 'Header'],
};

function statusBadge(view) {
  const status = codeStatus(view);
  if (STATUS_BADGES[status]) return STATUS_BADGES[status];
  return view.reportable === false ? ['badge-invalid', 'Not reportable'] : ['badge-reportable', 'Reportable'];
}

function head(view) {
  const [badgeClass, badgeText] = statusBadge(view);
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
      view.in_tabular === false
        ? h('span', { class: 'badge badge-muted' }, 'Known only from the CMS validity file')
        : null,
    ),
  );
}

function validity(view) {
  const date = view.date;
  const status = codeStatus(view);
  if (status === 'header') {
    return h('section', { class: 'validity is-header', aria: { label: 'Validity' } },
      h('p', { class: 'validity-head' },
        'Header — not reportable; choose a more specific code'),
      view.validity_text ? h('p', { class: 'validity-text' }, view.validity_text) : null,
    );
  }
  const ok = status === 'valid';
  return h('section', { class: ['validity', ok ? 'is-valid' : 'is-invalid'], aria: { label: 'Validity' } },
    h('p', { class: 'validity-head' },
      ok ? `Valid on ${date}` : `Not valid on ${date}`),
    view.validity_text ? h('p', { class: 'validity-text' }, view.validity_text) : null,
  );
}

function children(view, date) {
  const id = 'children-heading';
  return h('section', { class: 'block children', aria: { labelledby: id } },
    h('h2', { id, class: 'block-title' },
      view.reportable === false ? 'Choose a more specific code' : `Codes under ${displayCode(view.code, view.kind)}`),
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

function seventh(table, view, date) {
  const id = 'seventh-heading';
  const rows = (table.characters ?? []).map((c) =>
    h('tr', { class: c.allowed === false ? 'is-disallowed' : null },
      h('th', { scope: 'row', class: 'seventh-char' }, c.char),
      h('td', { class: 'seventh-label' },
        c.label,
        c.allowed === false
          ? h('span', { class: 'seventh-why' }, `Not allowed with ${view.code}`)
          : null,
      ),
    ),
  );
  return h('section', { class: 'block seventh', aria: { labelledby: id } },
    h('h2', { id, class: 'block-title' }, '7th character',
      h('span', { class: 'block-source' }, 'from ', codeLink(table.source, date))),
    table.note ? h('p', { class: 'seventh-note' }, table.note) : null,
    h('div', { class: 'table-scroll', tabindex: '0', role: 'group', aria: { label: '7th characters' } },
      h('table', { class: 'seventh-table' },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Character'),
          h('th', { scope: 'col' }, 'Meaning'))),
        h('tbody', null, rows),
      ),
    ),
  );
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
    return h('span', { class: 'note-source is-own' }, 'this code');
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
