// MedCode Trainer service worker: keeps the whole app on the device so it works offline.
// The cache is named after the build (pkg/build-id.js, written by `cargo xtask build`), so a new
// build installs a fresh cache and the old one is deleted: students never keep stale code or data.

/* global self, caches, fetch, importScripts */
importScripts('./pkg/build-id.js'); // defines self.MEDCODE_BUILD

const BUILD = self.MEDCODE_BUILD || 'dev';
const CACHE = `medcode-${BUILD}`;
const CACHE_PREFIX = 'medcode-';

// The app shell: everything the page needs to start and run with no network.
const SHELL = [
  './',
  './index.html',
  './css/app.css',
  './js/app.js',
  './js/cmindex.js',
  './js/codeset.js',
  './js/codeview.js',
  './js/dom.js',
  './js/hcpcs.js',
  './js/hcpcsview.js',
  './js/offline.js',
  './js/pcs.js',
  './js/pcsindex.js',
  './js/pcsview.js',
  './js/router.js',
  './js/search.js',
  './js/store.js',
  './pkg/medcode.js',
  './pkg/medcode_bg.wasm',
  './pkg/icd10cm.bin',
  './pkg/icd10cm_index.bin',
  './pkg/icd10pcs.bin',
  './pkg/hcpcs.bin',
  './pkg/build-id.js',
  './manifest.webmanifest',
  './icon.svg',
];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Bypass the HTTP cache so the precache holds exactly this build's files.
    await cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return; // the app never asks for anything else
  event.respondWith(cacheFirst(request));
});

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
  if (hit) return hit;
  if (request.mode === 'navigate') {
    const shell = await cache.match('./index.html');
    if (shell) return shell;
  }
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    cache.put(request, response.clone()).catch(() => {});
  }
  return response;
}
