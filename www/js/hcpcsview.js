// Renders what the HCPCS Level II and CPT core returns (docs/wasm-api.md, "HCPCS Level II and
// CPT"): an HcpcsView, a SectionView, the ModifierView list, a search hit, and the result of a
// CPT descriptor import. Nothing here decides anything about coding: status, validity, labels,
// descriptors and notes are shown as the core gives them. No CPT descriptor ships with the app:
// one appears only when the core has the student's imported file (`descriptor_source`).

import { h } from './dom.js';
import { hcpcsHref, hcpcsSectionHref, HCPCS_HOME, HCPCS_MODIFIERS, HCPCS_IMPORT } from './router.js';

/** A description longer than this is shown in full below the heading, not in it. */
const HEADING_MAX = 240;

const number = (n) => Number(n).toLocaleString('en-US');

/** "Level II code", "CPT code", "Level II modifier", "CPT modifier", "CPT range". */
export function kindName(system, kind) {
  const who = system === 'cpt' ? 'CPT' : 'Level II';
  if (kind === 'modifier') return `${who} modifier`;
  if (kind === 'range') return 'CPT range';
  return system === 'cpt' ? 'CPT code' : 'HCPCS Level II code';
}

/** Short kind names for badges in lists. */
function kindBadge(system, kind) {
  if (kind === 'modifier') return system === 'cpt' ? 'CPT modifier' : 'Modifier';
  if (kind === 'range') return 'CPT range';
  return system === 'cpt' ? 'CPT' : 'Level II';
}

// ---------------------------------------------------------------------------------------------
// search hits

/** Where a hit's text comes from, when that is worth saying (docs: HcpcsHit.text_source). */
const TEXT_SOURCES = {
  ioce: 'short description from the I/OCE',
  our_label: 'our plain-language label (not AMA text)',
  range_label: 'our range label — CPT descriptor not included',
  imported: 'from your imported file',
};

/** The content of one HcpcsHit option in the search results. */
export function renderHcpcsHit(hit) {
  const source = TEXT_SOURCES[hit.text_source] ?? null;
  return [
    h('span', { class: 'result-side' },
      h('span', { class: 'result-code' }, hit.kind === 'range' ? breakAfterDash(hit.code) : hit.code),
      h('span', { class: ['badge', 'badge-kind', hit.system === 'cpt' && 'is-cpt'] }, kindBadge(hit.system, hit.kind))),
    h('span', { class: ['result-title', hit.text == null && 'is-missing'] },
      hit.text ?? 'No descriptor included'),
    source || hit.valid_until
      ? h('span', { class: 'result-match' },
        source,
        source && hit.valid_until ? ' · ' : null,
        hit.valid_until ? `valid until ${hit.valid_until}` : null)
      : null,
  ];
}

/** "99201-99215" with a line-break opportunity after the dash (a narrow results column). */
function breakAfterDash(text) {
  const at = text.indexOf('-');
  if (at < 0) return text;
  return [text.slice(0, at + 1), h('wbr'), text.slice(at + 1)];
}

// ---------------------------------------------------------------------------------------------
// the code view

const STATUS = {
  valid: { badge: ['badge-reportable', 'Valid'], box: 'is-valid', head: (date) => `Valid on ${date}` },
  not_valid_on_date: { badge: ['badge-invalid', 'Not valid on date'], box: 'is-invalid', head: (date) => `Not valid on ${date}` },
  no_data: { badge: ['badge-muted', 'No dates'], box: 'is-unknown', head: () => 'No source dates this code' },
};

function statusOf(view) {
  return STATUS[view.status] ?? {
    badge: ['badge-muted', 'Status unknown'],
    box: 'is-unknown',
    head: () => 'The core did not say whether this code is valid',
  };
}

/**
 * The heading's title: the description the core gives (a long one moves below the heading), or
 * for a CPT number without an imported descriptor our range label, marked as such.
 */
function headingTitle(view) {
  const text = view.description;
  if (text != null && text.length <= HEADING_MAX) return { text, cls: null };
  if (text != null) return { text: view.short_description ?? `${text.slice(0, HEADING_MAX)}…`, cls: null };
  if (view.cpt_range) return { text: view.cpt_range.label, cls: 'is-range' };
  return { text: 'No descriptor included', cls: 'is-missing' };
}

/**
 * Build the entry for an HcpcsView.
 * @param {object} view the core's HcpcsView
 * @param {object} opts
 * @param {number} opts.imported  how many CPT descriptors are in use (0 = none imported)
 */
export function renderHcpcsView(view, { imported = 0 } = {}) {
  const date = view.date;
  const status = statusOf(view);
  const [badgeClass, badgeText] = status.badge;
  const title = headingTitle(view);
  const isCpt = view.system === 'cpt';

  return h('article', { class: ['entry', 'hcpcs-entry'], aria: { labelledby: 'hcpcs-heading' } },
    crumbs(view),
    h('header', { class: 'entry-head' },
      h('h1', { id: 'hcpcs-heading', class: 'entry-heading', tabindex: '-1' },
        h('span', { class: 'entry-code' }, view.code),
        ' ',
        h('span', { class: ['entry-title', title.cls] }, title.text),
      ),
      h('p', { class: 'entry-badges' },
        h('span', { class: ['badge', badgeClass] }, badgeText),
        h('span', { class: 'entry-kind' }, kindName(view.system, view.kind)),
        view.ncci_associated ? h('span', { class: 'badge badge-ncci' }, 'NCCI-associated') : null,
        view.telehealth ? h('span', { class: 'badge badge-muted' }, 'Telehealth') : null,
        view.system === 'hcpcs' && view.in_hcpcs_file === false && view.kind === 'code'
          ? h('span', { class: 'badge badge-muted' }, 'Not in the January 2026 HCPCS file')
          : null,
      ),
      title.cls === 'is-range'
        ? h('p', { class: 'entry-sub' }, 'Our own label for the CPT range ',
          h('span', { class: 'mono' }, `${view.cpt_range.first}–${view.cpt_range.last}`), ', not the CPT descriptor.')
        : null,
    ),
    descriptorNote(view, isCpt, imported),
    view.descriptor != null && view.descriptor_source
      ? h('p', { class: 'descriptor-source' },
        h('span', { class: 'descriptor-source-label' }, 'Descriptor source: '), view.descriptor_source,
        ' · ', h('a', { href: HCPCS_IMPORT }, 'manage'))
      : null,
    h('section', { class: ['validity', status.box], aria: { label: 'Validity' } },
      h('p', { class: 'validity-head' }, status.head(date)),
      view.validity_text ? h('p', { class: 'validity-text' }, view.validity_text) : null,
    ),
    descriptions(view),
    coverage(view),
    processingNotes(view),
    crossReferences(view, date),
    ioceEdits(view),
    history(view),
  );
}

function crumbs(view) {
  let items = [];
  if (view.kind === 'modifier') {
    items = [h('a', { href: HCPCS_MODIFIERS }, h('span', { class: 'crumb-title' }, 'Modifiers'))];
  } else if (view.section) {
    items = [
      h('a', { href: HCPCS_HOME }, h('span', { class: 'crumb-title' }, 'HCPCS Level II')),
      h('a', { href: hcpcsSectionHref(view.section.letter) },
        h('span', { class: 'crumb-code' }, view.section.letter),
        h('span', { class: 'crumb-title' }, view.section.name)),
    ];
  } else if (view.system === 'cpt') {
    // Our own CPT section and subsection ranges (plain text: there is no page per range).
    items = [h('span', { class: 'crumb-text' }, h('span', { class: 'crumb-title' }, 'CPT'))];
    for (const r of view.cpt_ranges ?? []) {
      items.push(h('span', { class: 'crumb-text' },
        h('span', { class: 'crumb-code' }, `${r.first}–${r.last}`),
        h('span', { class: 'crumb-title' }, r.label)));
    }
  }
  if (!items.length) return null;
  return h('nav', { class: 'crumbs', aria: { label: 'Where this code belongs' } },
    h('ol', null, items.map((item, depth) => h('li', { class: ['crumb', `depth-${Math.min(depth, 5)}`] }, item))));
}

/** CPT numbers (and dental codes) without a descriptor: say why, and how to see it. */
function descriptorNote(view, isCpt, imported) {
  if (!view.descriptor_note) return null;
  const line = `${isCpt ? 'CPT ' : ''}${view.code} — ${view.descriptor_note}`;
  return h('section', { class: 'descriptor-note', aria: { label: 'Descriptor' } },
    h('p', { class: 'descriptor-note-text' }, line),
    isCpt && view.kind === 'code'
      ? h('p', { class: 'descriptor-note-more' },
        h('a', { href: HCPCS_IMPORT }, imported
          ? `Your imported file has no descriptor for ${view.code}; import another`
          : 'Import your licensed CPT file'))
      : null,
  );
}

/** A definition list of [term, value] pairs; pairs with an empty value are left out. */
function facts(pairs) {
  const rows = pairs.filter(([, value]) => value != null && value !== '' && !(Array.isArray(value) && !value.length));
  if (!rows.length) return null;
  return h('dl', { class: 'hcpcs-facts' }, rows.map(([term, value]) =>
    h('div', { class: 'hcpcs-fact' }, h('dt', null, term), h('dd', null, value))));
}

function block(id, title, content) {
  if (!content) return null;
  return h('section', { class: 'block', aria: { labelledby: id } },
    h('h2', { id, class: 'block-title' }, title),
    content);
}

/** "D Special coverage instructions apply": a CMS code and its meaning. */
function coded(item) {
  if (!item) return null;
  return [h('span', { class: 'fact-code' }, item.code), ' ', item.text];
}

function codedList(items) {
  if (!items?.length) return null;
  return h('ul', { class: 'fact-list' }, items.map((item) => h('li', null, coded(item))));
}

function descriptions(view) {
  if (view.kind === 'modifier') {
    return block('hcpcs-desc-heading', 'Label', facts([
      ['Label', view.description],
      ['Short description', view.short_description],
      ['Source', view.label_source],
    ]));
  }
  return block('hcpcs-desc-heading', 'Descriptions', facts([
    ['Long description', view.long_description],
    ['Short description', view.short_description],
  ]));
}

function coverage(view) {
  return block('hcpcs-coverage-heading', 'Coverage and payment', facts([
    ['Coverage', coded(view.coverage)],
    ['Pricing', codedList(view.pricing)],
    ['Multiple pricing', view.multiple_pricing],
    ['BETOS', coded(view.betos)],
    ['Type of service', codedList(view.type_of_service)],
    ['Lab certification', codedList(view.lab_certification)],
    ['ASC', view.asc_approved
      ? `Approved for ambulatory surgical centers${view.asc_effective ? ` from ${view.asc_effective}` : ''}`
      : null],
    ['References', view.references?.length
      ? h('ul', { class: 'fact-list' }, view.references.map((r) => h('li', null, `${r.kind} `, h('span', { class: 'fact-code' }, r.reference))))
      : null],
  ]));
}

function processingNotes(view) {
  if (!view.notes?.length) return null;
  return block('hcpcs-notes-heading', 'CMS processing notes',
    h('ul', { class: 'note-list' }, view.notes.map((n) =>
      h('li', { class: 'note' },
        h('span', { class: 'note-source is-own' }, `Note ${n.number}`), ' ',
        h('span', { class: 'note-text' }, n.text)))));
}

function crossReferences(view, date) {
  if (!view.cross_references?.length) return null;
  return block('hcpcs-xref-heading', 'Cross references',
    h('ul', { class: 'xref-list' }, view.cross_references.map((code) =>
      h('li', null, h('a', { href: hcpcsHref(code, date), class: 'code-ref' }, code)))));
}

function ioceEdits(view) {
  return block('hcpcs-ioce-heading', 'I/OCE edits', facts([
    ['Age', view.age?.text],
    ['Sex', view.sex],
    ['Service dates', view.date_edit
      ? [view.date_edit.text, ' ', h('span', { class: 'fact-meta' },
        `(edit ${view.date_edit.edit}${view.date_edit.approved ? `; approved ${view.date_edit.approved}` : ''}${view.date_edit.ends ? `; ends ${view.date_edit.ends}` : ''})`)]
      : null],
  ]));
}

function history(view) {
  return block('hcpcs-history-heading', 'In the HCPCS file', facts([
    ['Added', view.added],
    ['Last action', view.action
      ? [h('span', { class: 'fact-code' }, view.action.code), ' ', view.action.text,
        view.action.effective ? ` (effective ${view.action.effective})` : '']
      : null],
    ['Terminated', view.terminated],
  ]));
}

// ---------------------------------------------------------------------------------------------
// a letter section

/**
 * A SectionView: heading, neighbours, a filter box (narrows the list the core returned) and the
 * codes. `filter` is the <input> the caller keeps to wire keys; `list` the <ul>.
 */
export function renderSection(view, { letters, date, filter, list, status }) {
  const at = letters.indexOf(view.letter);
  const prev = at > 0 ? letters[at - 1] : null;
  const next = at >= 0 && at < letters.length - 1 ? letters[at + 1] : null;
  return h('article', { class: ['entry', 'hcpcs-entry', 'hcpcs-listing'], aria: { labelledby: 'hcpcs-heading' } },
    h('nav', { class: 'crumbs', aria: { label: 'Where this section belongs' } },
      h('ol', null, h('li', { class: 'crumb depth-0' },
        h('a', { href: HCPCS_HOME }, h('span', { class: 'crumb-title' }, 'HCPCS Level II sections'))))),
    h('header', { class: 'entry-head' },
      h('h1', { id: 'hcpcs-heading', class: 'entry-heading', tabindex: '-1' },
        h('span', { class: 'entry-code' }, view.letter), ' ',
        h('span', { class: 'entry-title' }, view.name)),
      h('p', { class: 'entry-badges' },
        h('span', { class: 'entry-kind' },
          `Section ${view.letter} · ${number(view.codes.length)} codes, deleted ones with their last valid date`)),
    ),
    h('div', { class: 'list-tools' },
      listFilter(filter, `Filter the codes of section ${view.letter}`, 'code or words, e.g. J18 or ketorolac'),
      h('nav', { class: 'section-steps', aria: { label: 'Neighbouring sections' } },
        prev ? h('a', { class: 'btn', href: hcpcsSectionHref(prev), rel: 'prev' }, `← Section ${prev}`) : null,
        next ? h('a', { class: 'btn', href: hcpcsSectionHref(next), rel: 'next' }, `Section ${next} →`) : null,
      ),
    ),
    status,
    list,
  );
}

/** The rows of a section's code list (filtered by the caller). */
export function sectionRows(codes, date) {
  return codes.map((c) => h('li', { class: 'code-row' },
    h('a', { href: hcpcsHref(c.code, date), class: 'code-row-link' },
      h('span', { class: 'code-row-code' }, c.code),
      h('span', { class: ['code-row-text', c.description == null && 'is-missing'] },
        c.description ?? c.short_description ?? 'No descriptor included'),
      c.valid_until || c.in_hcpcs_file === false
        ? h('span', { class: 'code-row-meta' },
          c.valid_until ? h('span', { class: 'badge badge-muted' }, `valid until ${c.valid_until}`) : null,
          c.in_hcpcs_file === false ? h('span', { class: 'badge badge-muted' }, 'I/OCE only') : null)
        : null,
    )));
}

function listFilter(input, label, hint) {
  input.setAttribute('placeholder', hint);
  return h('div', { class: 'list-filter' },
    h('label', { for: input.id, class: 'list-filter-label' }, label),
    h('div', { class: 'list-filter-box' }, input,
      h('kbd', { class: 'list-filter-kbd', aria: { hidden: 'true' } }, 'F')),
  );
}

// ---------------------------------------------------------------------------------------------
// modifiers

/** The modifier reference page: lead text, filter controls and the list. */
export function renderModifiers(mods, { filter, kindGroup, ncciBox, list, status }) {
  const level2 = mods.filter((m) => m.kind === 'hcpcs').length;
  const cpt = mods.filter((m) => m.kind === 'cpt').length;
  return h('article', { class: ['entry', 'hcpcs-entry', 'hcpcs-listing'], aria: { labelledby: 'hcpcs-heading' } },
    h('header', { class: 'entry-head' },
      h('h1', { id: 'hcpcs-heading', class: 'entry-heading', tabindex: '-1' },
        h('span', { class: 'entry-title' }, 'Modifiers')),
      h('p', { class: 'entry-badges' },
        h('span', { class: 'entry-kind' },
          `${number(mods.length)} modifiers: ${number(level2)} Level II, ${number(cpt)} CPT`)),
    ),
    h('p', { class: 'entry-lead' },
      'Level II labels are the CMS text of the January 2026 HCPCS file. CPT modifiers carry our own one-line, ',
      'plain-language labels — not AMA text. An NCCI-associated modifier can bypass an NCCI edit only when ',
      'the documentation supports it: a distinct site, session or encounter, not just the wish to be paid.'),
    h('div', { class: 'mod-controls' },
      listFilter(filter, 'Filter modifiers', 'code or words, e.g. 59, left, distinct'),
      kindGroup,
      ncciBox,
    ),
    status,
    list,
  );
}

/** The rows of the modifier list. */
export function modifierRows(mods, date) {
  return mods.map((m) => h('li', { class: 'mod-row' },
    h('a', { href: hcpcsHref(m.code, date), class: 'mod-code', aria: { label: `Modifier ${m.code}` } }, m.code),
    h('div', { class: 'mod-text' },
      h('span', { class: 'mod-label' }, m.label),
      h('span', { class: 'mod-meta' },
        m.kind === 'cpt' ? 'CPT · our label' : 'Level II · CMS text',
        m.valid_until ? ` · valid until ${m.valid_until}` : '',
        m.valid_from == null && m.valid_until == null ? ' · no dates in the sources' : ''),
    ),
    h('span', { class: 'mod-flags' },
      m.ncci_associated ? h('span', { class: 'badge badge-ncci' }, 'NCCI-associated') : null,
      m.telehealth ? h('span', { class: 'badge badge-muted' }, 'Telehealth') : null),
  ));
}

// ---------------------------------------------------------------------------------------------
// the CPT descriptor import

const DELIMITERS = { tab: 'tab-separated', comma: 'comma-separated', semicolon: 'semicolon-separated' };
const ENCODINGS = { 'utf-8': 'UTF-8', 'utf-16': 'UTF-16 (with byte-order mark)', 'latin-1': 'Latin-1 (read as Windows-1252)' };
/** At most this many unknown or duplicate rows are drawn; the count is always given in full. */
const LIST_MAX = 500;

/** "Your CPT descriptors: N rows, imported DATE" (or none), with the Remove button. */
export function renderCptStatus({ count, importedAt, fileName, stored, storeError }, { onRemove }) {
  if (!count) {
    return h('div', { class: 'cpt-status is-empty' },
      h('p', { class: 'cpt-status-line' }, 'No CPT descriptors imported.'),
      h('p', { class: 'cpt-status-more' }, 'CPT codes show their number and our range label only.'));
  }
  return h('div', { class: 'cpt-status' },
    h('div', { class: 'cpt-status-text' },
      h('p', { class: 'cpt-status-line' },
        `Your CPT descriptors: ${number(count)} ${count === 1 ? 'row' : 'rows'}`,
        importedAt ? `, imported ${formatWhen(importedAt)}` : ''),
      h('p', { class: 'cpt-status-more' },
        fileName ? [`From ${fileName}. `] : null,
        stored
          ? 'Kept in this browser only (IndexedDB); CPT codes show them, marked “your imported file”.'
          : `In use until this page is closed: this browser did not store them${storeError ? ` (${storeError})` : ''}.`),
    ),
    h('button', { type: 'button', class: 'btn btn-danger', id: 'cpt-remove', on: { click: onRemove } }, 'Remove'),
  );
}

/** YYYY-MM-DD HH:MM in local time, from an ISO timestamp. */
export function formatWhen(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The result of `importCptDescriptors` (CptImport), once its accepted rows are in use. */
export function renderImportResult(report, { fileName, ms, kept }) {
  const accepted = report.accepted.length;
  const unknown = report.unknown ?? [];
  const duplicates = report.duplicates ?? [];
  const header = report.header;
  return h('section', {
    class: ['import-result', accepted ? 'is-ok' : 'is-warn'],
    aria: { labelledby: 'import-result-heading' },
    data: { importMs: ms.toFixed(1), accepted },
  },
    h('h2', { id: 'import-result-heading', class: 'import-result-title', tabindex: '-1' },
      accepted ? `Imported ${fileName}` : `Nothing imported from ${fileName}`),
    h('p', { class: 'import-summary' },
      `${number(report.rows)} ${report.rows === 1 ? 'row' : 'rows'} read: `,
      h('strong', null, `${number(accepted)} accepted`),
      `, ${number(unknown.length)} unknown, ${number(duplicates.length)} duplicate.`,
      accepted
        ? ` ${number(kept)} descriptors are now in use.`
        : ' No row names a CPT number we know, so nothing was changed.'),
    h('p', { class: 'import-time' }, `Checked in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms.`),
    facts([
      ['Format', `${DELIMITERS[report.delimiter] ?? report.delimiter}, ${ENCODINGS[report.encoding] ?? report.encoding}`],
      ['Header row', header
        ? [header.map((name, i) => [i ? ', ' : '', h('q', null, name)]),
          ` — code in column ${report.code_column}, descriptor in column ${report.descriptor_column}`]
        : `none: the first line is data (code in column ${report.code_column}, descriptor in column ${report.descriptor_column})`],
    ]),
    problemList('unknown', 'Unknown codes — not imported', unknown,
      'These lines name a code that is not a CPT number we know; they were left out.'),
    problemList('duplicates', 'Duplicates', duplicates,
      'A code given more than once: the first line is kept.'),
  );
}

function problemList(key, title, rows, explain) {
  if (!rows.length) return null;
  const id = `import-${key}-heading`;
  const shown = rows.slice(0, LIST_MAX);
  return h('section', { class: 'import-problems', aria: { labelledby: id } },
    h('h3', { id, class: 'import-problems-title' }, `${title} (${number(rows.length)})`),
    h('p', { class: 'import-problems-explain' }, explain),
    h('ul', { class: 'import-problem-list', tabindex: '0', aria: { labelledby: id } }, shown.map((r) =>
      h('li', { class: 'import-problem' },
        h('span', { class: 'import-line' }, `line ${number(r.line)}`),
        h('span', { class: 'import-code' }, r.code),
        h('span', { class: 'import-reason' }, r.reason)))),
    rows.length > shown.length
      ? h('p', { class: 'import-problems-more' },
        `… and ${number(rows.length - shown.length)} more (the last on line ${number(rows[rows.length - 1].line)}).`)
      : null,
  );
}

/** A file the core refused: its message names the first bad line. */
export function renderImportError(message, { fileName, hadDescriptors }) {
  return h('section', { class: 'import-result is-error', role: 'alert', aria: { labelledby: 'import-result-heading' } },
    h('h2', { id: 'import-result-heading', class: 'import-result-title', tabindex: '-1' },
      `${fileName} could not be imported`),
    h('p', { class: 'import-error-message' }, message),
    h('p', { class: 'import-error-more' },
      hadDescriptors
        ? 'Nothing was changed: your earlier descriptors are still in use.'
        : 'Nothing was changed. Check the line named above, save the file, and import it again.'),
  );
}
