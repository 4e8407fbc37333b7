// Renders what the ICD-10-PCS core returns (docs/wasm-api.md, "ICD-10-PCS"): the seven character
// boxes of a PcsBuilderStep, a PcsLookupView, and the reference lists (definitions, device
// aggregation). Nothing here decides anything about coding: no choice, title or status is
// computed in JS.

import { h } from './dom.js';

export const POSITIONS = 7;

/** The characters a step has chosen, as one string ("0DT"). */
export function chosenChars(step) {
  return (step?.chosen ?? []).map((c) => c.char).join('');
}

/**
 * The seven boxes. Filled ones link to the builder with that position open again (`hrefFor(chars
 * before it)`); the current one names its axis; later ones are empty (their axes depend on the
 * table, so they are not named before they are reached).
 */
export function renderSlots(step, hrefFor) {
  const chosen = step.chosen ?? [];
  const chars = chosenChars(step);
  const complete = step.next_pos == null;
  const items = [];
  for (let pos = 1; pos <= POSITIONS; pos += 1) {
    const c = chosen[pos - 1];
    if (c) {
      items.push(h('li', { class: 'slot-item' },
        h('a', {
          class: 'slot is-filled',
          href: hrefFor(chars.slice(0, pos - 1)),
          aria: { label: `Position ${pos}, ${c.axis}: ${c.char}, ${c.label}. Choose it again` },
        },
          h('span', { class: 'slot-axis' }, h('span', { class: 'slot-pos' }, String(pos)), c.axis),
          h('span', { class: 'slot-char' }, c.char),
          h('span', { class: 'slot-label' }, c.label),
        )));
    } else if (pos === step.next_pos) {
      items.push(h('li', { class: 'slot-item', aria: { current: 'step' } },
        h('div', { class: 'slot is-current' },
          h('span', { class: 'slot-axis' }, h('span', { class: 'slot-pos' }, String(pos)), step.next_axis ?? ''),
          h('span', { class: 'slot-char', aria: { hidden: 'true' } }, '?'),
          h('span', { class: 'slot-label' }, 'choose below'),
        )));
    } else {
      items.push(h('li', { class: 'slot-item is-future' },
        h('div', { class: 'slot is-empty' },
          h('span', { class: 'slot-axis' }, h('span', { class: 'slot-pos' }, String(pos)),
            h('span', { class: 'sr-only' }, 'not chosen yet')),
          h('span', { class: 'slot-char', aria: { hidden: 'true' } }, ''),
        )));
    }
  }
  return h('ol', {
    class: ['pcs-slots', complete && 'is-complete'],
    aria: { label: complete ? `Code ${chars}` : `Code so far: ${chars || 'nothing chosen yet'}` },
  }, items);
}

/**
 * One offered value of the next position: its character, label and, when the core has them, its
 * definition and what it includes (the body-part key: Appendix includes "Vermiform appendix").
 */
export function renderChoice(choice) {
  return h('li', {
    id: `pcs-choice-${choice.char}`,
    role: 'option',
    class: 'pcs-choice',
    aria: { selected: 'false' },
    data: { char: choice.char },
  },
    h('span', { class: 'choice-char' }, choice.char),
    h('span', { class: 'choice-text' },
      h('span', { class: 'choice-label' }, choice.label),
      choice.definition ? h('span', { class: 'choice-def' }, choice.definition) : null,
      choice.includes?.length
        ? h('span', { class: 'choice-includes' }, h('span', { class: 'choice-includes-label' }, 'Includes: '), choice.includes.join('; '))
        : null,
    ),
  );
}

/** How each PcsLookupView `status` is shown; the core decides it, this only names it. */
const STATUS = {
  valid: { badge: ['badge-reportable', 'Valid'], box: 'is-valid', head: (date) => `Valid on ${date}` },
  not_valid_on_date: { badge: ['badge-invalid', 'Not valid on date'], box: 'is-invalid', head: (date) => `Not valid on ${date}` },
};

function statusOf(view) {
  return STATUS[view.status] ?? {
    badge: ['badge-muted', 'Status unknown'],
    box: 'is-unknown',
    head: () => 'The core did not say whether this code is valid',
  };
}

/**
 * A complete code: heading (code + long title), status, validity, the seven characters with their
 * axes, the table and row, the root operation's definition. `actions` are the buttons under the
 * heading (copy, start again).
 */
export function renderResult(view, { title, actions }) {
  const status = statusOf(view);
  const [badgeClass, badgeText] = status.badge;
  const shownTitle = title ?? view.title;
  const chars = view.characters ?? [];
  const operation = chars.find((c) => c.pos === 3);
  return h('article', { class: 'pcs-result', aria: { labelledby: 'pcs-result-heading' } },
    h('header', { class: 'entry-head' },
      h('h2', { id: 'pcs-result-heading', class: 'entry-heading pcs-result-heading', tabindex: '-1' },
        h('span', { class: 'entry-code' }, view.code),
        ' ',
        h('span', { class: ['entry-title', shownTitle == null && 'is-missing'] },
          shownTitle ?? 'No title: not in the FY2026 tables'),
      ),
      h('p', { class: 'entry-badges' },
        h('span', { class: ['badge', badgeClass] }, badgeText),
        h('span', { class: 'entry-kind' }, 'ICD-10-PCS code'),
        view.in_tables === false ? h('span', { class: 'badge badge-muted' }, 'Not in the FY2026 tables') : null,
      ),
    ),
    actions,
    h('section', { class: ['validity', status.box], aria: { label: 'Validity' } },
      h('p', { class: 'validity-head' }, status.head(view.date)),
      view.validity_text ? h('p', { class: 'validity-text' }, view.validity_text) : null,
    ),
    chars.length ? charactersTable(chars) : null,
    view.table || view.operation_definition ? source(view, operation) : null,
  );
}

function charactersTable(chars) {
  const id = 'pcs-chars-heading';
  return h('section', { class: 'block', aria: { labelledby: id } },
    h('h3', { id, class: 'block-title' }, 'Characters'),
    h('div', { class: 'table-scroll', tabindex: '0', role: 'group', aria: { label: 'Characters of the code' } },
      h('table', { class: 'pcs-chars' },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col', class: 'pcs-col-pos' }, h('abbr', { title: 'Position' }, 'Pos.')),
          h('th', { scope: 'col' }, 'Axis'),
          h('th', { scope: 'col', class: 'pcs-col-char' }, 'Value'),
          h('th', { scope: 'col' }, 'Meaning'))),
        h('tbody', null, chars.map((c) => h('tr', null,
          h('td', { class: 'pcs-pos' }, String(c.pos)),
          h('td', { class: 'pcs-axis' }, c.axis ?? ''),
          h('th', { scope: 'row', class: 'pcs-char' }, c.char),
          h('td', { class: 'pcs-label' }, c.label ?? ''),
        ))),
      ),
    ),
  );
}

function source(view, operation) {
  const id = 'pcs-source-heading';
  return h('section', { class: 'block', aria: { labelledby: id } },
    h('h3', { id, class: 'block-title' }, 'Table and root operation'),
    h('dl', { class: 'pcs-facts' },
      view.table ? h('div', { class: 'pcs-fact' },
        h('dt', null, 'Table'),
        h('dd', null, h('span', { class: 'pcs-table-code' }, view.table),
          view.row != null ? `, row ${view.row}` : '')) : null,
      view.operation_definition ? h('div', { class: 'pcs-fact' },
        h('dt', null, !operation || operation.axis === 'Operation' ? 'Root operation' : operation.axis),
        h('dd', null,
          operation ? h('span', { class: 'pcs-op' }, h('span', { class: 'pcs-op-char' }, operation.char), ' ', operation.label ?? '') : null,
          operation ? ': ' : null,
          view.operation_definition)) : null,
    ),
  );
}

/**
 * The definitions of one axis (root operations of a section, e.g.), as `pcs.definitions` returns
 * them; `currentTerm` (the chosen value's label) is marked.
 */
export function renderDefinitions(defs, currentTerm) {
  return h('dl', { class: 'ref-defs' }, defs.map((d) =>
    h('div', { class: ['ref-def', currentTerm != null && d.term === currentTerm && 'is-current'], data: { term: d.term } },
      h('dt', { class: 'ref-term' }, d.term),
      d.definition ? h('dd', { class: 'ref-definition' }, d.definition) : null,
      d.explanation ? h('dd', { class: 'ref-explanation' }, d.explanation) : null,
      d.includes?.length
        ? h('dd', { class: 'ref-includes' }, h('span', { class: 'ref-includes-label' }, 'Includes: '), d.includes.join('; '))
        : null,
    )));
}

/** The device aggregation table: a specific device, where it applies, and the general value it is coded to. */
export function renderDeviceAggregation(rows) {
  return h('ul', { class: 'ref-devices' }, rows.map((r) =>
    h('li', { class: 'ref-device' },
      h('span', { class: 'dev-specific' }, r.device),
      h('span', { class: 'dev-parent' },
        h('span', { class: 'dev-arrow', aria: { hidden: 'true' } }, '→ '),
        h('span', { class: 'sr-only' }, 'coded to '),
        r.parent_value ? h('span', { class: 'dev-value' }, r.parent_value) : null,
        ' ', r.parent ?? ''),
      h('span', { class: 'dev-where' },
        r.operation ? [h('span', { class: 'dev-key' }, 'Operation: '), r.operation] : null,
        r.operation && r.body_systems?.length ? h('span', { class: 'dev-sep', aria: { hidden: 'true' } }, ' · ') : null,
        r.body_systems?.length ? [h('span', { class: 'dev-key' }, 'Body systems: '), r.body_systems.join(', ')] : null),
    )));
}
