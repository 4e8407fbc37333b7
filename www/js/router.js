// Hash routes, so that Back works and every view can be bookmarked:
//   #/                               home (search only)
//   #/code/E11.22?date=2026-04-01    a code's tabular entry on a date of service

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

/** Parse a location hash into { view: 'home' | 'code', code?, date? }. */
export function parseHash(hash) {
  const raw = (hash || '').replace(/^#/, '');
  const [path, query = ''] = raw.split('?', 2);
  const params = new URLSearchParams(query);
  const date = isDateValue(params.get('date')) ? params.get('date') : null;
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'code' && parts[1]) {
    let code;
    try {
      code = decodeURIComponent(parts.slice(1).join('/'));
    } catch {
      code = parts.slice(1).join('/');
    }
    return { view: 'code', code, date };
  }
  return { view: 'home', code: null, date };
}

/** The hash for a code view on a date. */
export function codeHref(code, date) {
  const q = isDateValue(date) ? `?date=${date}` : '';
  return `#/code/${encodeURIComponent(code)}${q}`;
}
