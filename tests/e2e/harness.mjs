// Shared set-up of the browser tests: Debian Chromium driven by playwright-core, one browser per
// test file, a fresh context per test that records console errors, uncaught exceptions and every
// request leaving the local origin.
//
//   cargo xtask test                       starts a server and sets MEDCODE_BASE_URL
//   cargo xtask serve &  MEDCODE_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/

import { before, after } from 'node:test';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE = `${(process.env.MEDCODE_BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '')}/`;
export const ORIGIN = new URL(BASE).origin;
export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
export const DATE = '2026-04-01';
export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

/** The test file's browser, launched by `useBrowser`. */
export let browser;

/** Launches Chromium before the calling file's tests and closes it after them. */
export function useBrowser() {
  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    // Never a downloaded browser: Debian's, with the network-quiet flags of GUIDE.md §5.
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
  });
  after(async () => {
    await browser?.close();
  });
}

/**
 * A fresh browser context + page with the app loaded at `hash`, waited on with `ready(page)`.
 * `errors` collects console errors and uncaught exceptions, `foreign` every request that leaves
 * the local origin, so each test can assert both are empty.
 */
export async function openApp(t, { viewport = DESKTOP, hash = '', serviceWorkers = 'block', isMobile = false, ready = waitLoaded } = {}) {
  const context = await browser.newContext({
    viewport,
    serviceWorkers,
    isMobile,
    hasTouch: isMobile,
    deviceScaleFactor: 1,
  });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  const foreign = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  context.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(`${ORIGIN}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
  });
  await page.goto(BASE + hash);
  await ready(page);
  return { context, page, errors, foreign };
}

/** The app is loaded once the page says ready or failed; a failure throws with its message. */
export async function waitLoaded(page) {
  await page.waitForFunction(() => document.body.classList.contains('is-ready') || document.body.classList.contains('is-failed'));
  const failed = await page.evaluate(() => document.body.classList.contains('is-failed'));
  if (failed) {
    const text = await page.getByRole('alert').first().innerText();
    throw new Error(`the app failed to load: ${text}`);
  }
}
