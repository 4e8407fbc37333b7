// Hash routes, so that Back works and every view can be bookmarked:
//   #/                               ICD-10-CM home (search only)
//   #/code/E11.22?date=2026-04-01    an ICD-10-CM code's tabular entry on a date of service
//   #/pcs                            the ICD-10-PCS builder, nothing chosen yet
//   #/pcs/0DT                        the builder after the characters 0, D, T
//   #/pcs/0DTJ4ZZ?date=2026-04-01    a complete ICD-10-PCS code and its lookup (date optional)
//   #/pcs/index                      the ICD-10-PCS Index, no main term chosen yet
//   #/pcs/index/Appendectomy         a main term of the Index and its subterms
//   #/hcpcs                          HCPCS Level II and CPT home (sections, modifiers, your CPT descriptors)
//   #/hcpcs/J1885?date=2026-04-01    a Level II code, CPT number or modifier on a date of service
//   #/hcpcs/section/J                every Level II code of a letter section
//   #/hcpcs/modifiers                the modifier reference (Level II and CPT)
//   #/hcpcs/import                   import, view and remove your own CPT descriptors
//   #/index                          the ICD-10-CM Index: main-term type-ahead (?table=external, ?q=)
//   #/index/external                 the same, one table chosen (external, alphabetic)
//   #/index/drug?substance=acetaminophen   the Table of Drugs and Chemicals, filtered
//   #/index/neoplasm?site=breast     the Table of Neoplasms, filtered
//   #/index/drug/28?sel=28&col=poisoning_accidental&code=T39.1X1
//                                    a term and its subterms (termAt); sel/col/code: the student's
//                                    index path (the line chosen, the column, the code)
//   #/index/search?q=...             index search
//   #/index/load                     load, view and remove your own Alphabetic Index file
//
// Every route belongs to an area, one per tab of the header navigation ('cm', 'pcs', 'hcpcs'). A
// new code set adds its routes here and its area in app.js.

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** Today's date in the local time zone, as YYYY-MM-DD. */
export function todayLocal() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** True when `s` has the shape of an <input type=date> value (the core judges the date itself). */
export function isDateValue(s) {
  return typeof s === 'string' && DATE_SHAPE.test(s);
}

/**
 * Parse a location hash into { area, view, code, date } (+ `term` for the PCS Index, `letter` for
 * a HCPCS section):
 *   area 'cm':    view 'home' | 'code'
 *   area 'pcs':   view 'pcs' (the builder; `code` = the characters chosen so far, '' at the start)
 *                 | 'pcs-index' (`term` = the main term, '' for none)
 *   area 'hcpcs': view 'hcpcs' | 'hcpcs-code' | 'hcpcs-section' | 'hcpcs-modifiers' | 'hcpcs-import'
 *   area 'index': view 'index' | 'index-table' | 'index-term' | 'index-search' | 'index-load'
 *                 (+ `table`, `term` (a term id), `params` (URLSearchParams))
 */
export function parseHash(hash) {
  const raw = (hash || '').replace(/^#/, '');
  const [path, query = ''] = raw.split('?', 2);
  const params = new URLSearchParams(query);
  const date = isDateValue(params.get('date')) ? params.get('date') : null;
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'pcs' && parts[1] === 'index') {
    return { area: 'pcs', view: 'pcs-index', code: null, term: decodePart(parts.slice(2).join('/')), date };
  }
  if (parts[0] === 'hcpcs') {
    return hcpcsRoute(parts.slice(1), date);
  }
  if (parts[0] === 'index') {
    return indexRoute(parts.slice(1), params, date);
  }
  if (parts[0] === 'pcs') {
    return { area: 'pcs', view: 'pcs', code: decodePart(parts.slice(1).join('/')), date };
  }
  if (parts[0] === 'code' && parts[1]) {
    return { area: 'cm', view: 'code', code: decodePart(parts.slice(1).join('/')), date };
  }
  return { area: 'cm', view: 'home', code: null, date };
}

function hcpcsRoute(rest, date) {
  const route = { area: 'hcpcs', view: 'hcpcs', code: null, letter: null, date };
  if (rest[0] === 'section' && rest[1]) return { ...route, view: 'hcpcs-section', letter: decodePart(rest[1]) };
  if (rest[0] === 'modifiers' && rest.length === 1) return { ...route, view: 'hcpcs-modifiers' };
  if (rest[0] === 'import' && rest.length === 1) return { ...route, view: 'hcpcs-import' };
  if (rest.length) return { ...route, view: 'hcpcs-code', code: decodePart(rest.join('/')) };
  return route;
}

export const INDEX_TABLES = ['alphabetic', 'neoplasm', 'drug', 'external'];

function indexRoute(rest, params, date) {
  const route = { area: 'index', view: 'index', code: null, table: null, term: null, params, date };
  if (rest[0] === 'search' && rest.length === 1) return { ...route, view: 'index-search' };
  if (rest[0] === 'load' && rest.length === 1) return { ...route, view: 'index-load' };
  if (INDEX_TABLES.includes(rest[0])) {
    const table = rest[0];
    if (rest.length === 2 && /^\d{1,9}$/.test(rest[1])) return { ...route, view: 'index-term', table, term: Number(rest[1]) };
    if (rest.length === 1) return { ...route, view: table === 'drug' || table === 'neoplasm' ? 'index-table' : 'index', table };
  }
  return route;
}

/** The hash of an ICD-10-CM Index page: `path` under #/index, `params` its query (empty values dropped). */
export function indexHref(path = '', params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return `#/index${path ? `/${path}` : ''}${qs ? `?${qs}` : ''}`;
}

function decodePart(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The hash for a code view on a date. */
export function codeHref(code, date) {
  const q = isDateValue(date) ? `?date=${date}` : '';
  return `#/code/${encodeURIComponent(code)}${q}`;
}

/** The hash for the ICD-10-PCS builder after `chars` ('' = start); the date only when given. */
export function pcsHref(chars, date) {
  const q = isDateValue(date) ? `?date=${date}` : '';
  return chars ? `#/pcs/${encodeURIComponent(chars)}${q}` : `#/pcs${q}`;
}

/** The hash for the ICD-10-PCS Index at a main term ('' = no term chosen yet). */
export function pcsIndexHref(term) {
  return term ? `#/pcs/index/${encodeURIComponent(term)}` : '#/pcs/index';
}

/** The hash for a HCPCS Level II code, CPT number or modifier on a date of service. */
export function hcpcsHref(code, date) {
  const q = isDateValue(date) ? `?date=${date}` : '';
  return `#/hcpcs/${encodeURIComponent(code)}${q}`;
}

/** The hash for a HCPCS Level II letter section. */
export function hcpcsSectionHref(letter) {
  return `#/hcpcs/section/${encodeURIComponent(letter)}`;
}

export const HCPCS_HOME = '#/hcpcs';
export const HCPCS_MODIFIERS = '#/hcpcs/modifiers';
export const HCPCS_IMPORT = '#/hcpcs/import';
