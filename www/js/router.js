// Hash routes, so that Back works and every view can be bookmarked:
//   #/                               ICD-10-CM home (search only)
//   #/code/E11.22?date=2026-04-01    an ICD-10-CM code's tabular entry on a date of service
//   #/pcs                            the ICD-10-PCS builder, nothing chosen yet
//   #/pcs/0DT                        the builder after the characters 0, D, T
//   #/pcs/0DTJ4ZZ?date=2026-04-01    a complete ICD-10-PCS code and its lookup (date optional)
//
// Every route belongs to an area, one per tab of the header navigation ('cm', 'pcs'). A new code
// set adds its routes here and its area in app.js.

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
 * Parse a location hash into { area: 'cm' | 'pcs', view: 'home' | 'code' | 'pcs', code, date }.
 * For the builder, `code` is the characters chosen so far ('' at the start).
 */
export function parseHash(hash) {
  const raw = (hash || '').replace(/^#/, '');
  const [path, query = ''] = raw.split('?', 2);
  const params = new URLSearchParams(query);
  const date = isDateValue(params.get('date')) ? params.get('date') : null;
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'pcs') {
    return { area: 'pcs', view: 'pcs', code: decodePart(parts.slice(1).join('/')), date };
  }
  if (parts[0] === 'code' && parts[1]) {
    return { area: 'cm', view: 'code', code: decodePart(parts.slice(1).join('/')), date };
  }
  return { area: 'cm', view: 'home', code: null, date };
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
