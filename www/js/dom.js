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
