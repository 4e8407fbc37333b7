// Tiny DOM builder. Text is always set through text nodes, never parsed as HTML:
// everything the core returns (titles, notes) is treated as untrusted text.

/**
 * h('a', { href: '#/', class: 'x', aria: { label: 'Open' }, on: { click: fn } }, 'text', child)
 * Attribute values are strings set with setAttribute; `class` may be an array (falsy items skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') {
        const names = Array.isArray(value) ? value.filter(Boolean) : [value];
        if (names.length) el.className = names.join(' ');
      } else if (key === 'aria') {
        for (const [name, v] of Object.entries(value)) {
          if (v !== undefined && v !== null) el.setAttribute(`aria-${name}`, String(v));
        }
      } else if (key === 'data') {
        for (const [name, v] of Object.entries(value)) el.dataset[name] = String(v);
      } else if (key === 'on') {
        for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
      } else if (value === true) {
        el.setAttribute(key, '');
      } else {
        el.setAttribute(key, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replace all children of `el` with `children`. */
export function replaceChildren(el, ...children) {
  el.textContent = '';
  append(el, children);
}

/** True when keys typed at `target` are text for it (an input, textarea, select or editable). */
export function isEditable(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  return target.matches('input, textarea, select');
}

/** The magnifier glyph of the search boxes (decorative). */
export function searchGlyph() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  for (const [k, v] of Object.entries({ class: 'search-glyph', 'aria-hidden': 'true', viewBox: '0 0 20 20', width: '18', height: '18' })) {
    svg.setAttribute(k, v);
  }
  const circle = document.createElementNS(ns, 'circle');
  for (const [k, v] of Object.entries({ cx: '8.5', cy: '8.5', r: '5.5', fill: 'none', stroke: 'currentColor', 'stroke-width': '2' })) {
    circle.setAttribute(k, v);
  }
  const path = document.createElementNS(ns, 'path');
  for (const [k, v] of Object.entries({ d: 'M13 13l4.5 4.5', stroke: 'currentColor', 'stroke-width': '2', 'stroke-linecap': 'round' })) {
    path.setAttribute(k, v);
  }
  svg.append(circle, path);
  return svg;
}
