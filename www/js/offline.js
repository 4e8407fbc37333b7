// Registers the service worker that keeps the app usable with no network (see ../sw.js).

import { h, replaceChildren } from './dom.js';

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return; // not on file://
  const note = document.getElementById('sw-note');
  const hadController = Boolean(navigator.serviceWorker.controller);

  // A new build took over (the worker calls skipWaiting + clients.claim): offer a reload so the
  // page and its cached files come from the same build.
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!hadController || !note) return;
    replaceChildren(note,
      'A new version is ready. ',
      h('button', { type: 'button', class: 'btn btn-link', on: { click: () => location.reload() } }, 'Reload'));
  });

  navigator.serviceWorker
    .register('./sw.js', { scope: './', updateViaCache: 'none' })
    .catch(() => {
      // Offline use is a convenience; the page itself works without it.
      if (note) note.textContent = 'Offline copy unavailable in this browser.';
    });
}
