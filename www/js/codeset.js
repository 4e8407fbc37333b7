// Loading the wasm core and compiled code sets. The core is initialised once, on first use; each
// area of the page loads its own code set (pkg/<name>.bin) when it is first shown.

import init from '../pkg/medcode.js';

let wasm = null;

/** Initialise the wasm module (once; later calls share the same promise). */
export function initCore() {
  wasm ??= init().catch((err) => {
    wasm = null; // let "Try again" retry
    throw err;
  });
  return wasm;
}

/**
 * Fetch `pkg/<file>` and hand its bytes to `open` (e.g. `(bytes) => new Trainer(bytes)`), which
 * throws the core's Error for damaged bytes.
 */
export async function loadCodeSet(file, open) {
  const url = new URL(`../pkg/${file}`, import.meta.url);
  const [, bytes] = await Promise.all([initCore(), fetchBytes(url)]);
  return open(bytes);
}

async function fetchBytes(url) {
  let res;
  try {
    res = await fetch(url);
  } catch {
    throw new Error('The code set file could not be fetched.');
  }
  if (!res.ok) throw new Error(`The code set file could not be fetched (HTTP ${res.status}).`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The message of a thrown value (the core throws Error objects with a plain sentence). */
export function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}
