// The student's own data, kept in this browser only (IndexedDB): the CPT descriptors imported
// from their licensed file. Nothing here is ever sent anywhere, and nothing else stores them
// (not localStorage, not the service-worker cache).
//
// One record in the object store "cpt-descriptors", under the key "current":
//   { rows: [{ code, descriptor }], importedAt: "2026-04-01T09:30:00.000Z", fileName, count }
// `rows` is exactly `CptImport.accepted` as the core returned it (docs/wasm-api.md).

const DB_NAME = 'medcode-trainer';
const DB_VERSION = 1;
const STORE = 'cpt-descriptors';
const KEY = 'current';

let opening = null;

function openDb() {
  opening ??= new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('This browser offers no IndexedDB storage.'));
      return;
    }
    let req;
    try {
      req = indexedDB.open(DB_NAME, DB_VERSION);
    } catch (err) {
      reject(err);
      return;
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another tab upgrading the database: let it, and open again next time.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    req.onerror = () => reject(req.error ?? new Error('The browser storage could not be opened.'));
    req.onblocked = () => reject(new Error('The browser storage is in use by another tab of this page.'));
  }).catch((err) => {
    opening = null; // let a later call try again
    throw err;
  });
  return opening;
}

/** Run `fn(store)` in a transaction; resolves with the value of the request `fn` returns. */
async function withStore(mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = fn(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req?.result);
    tx.onerror = () => reject(tx.error ?? new Error('The browser storage refused the change.'));
    tx.onabort = () => reject(tx.error ?? new Error('The browser storage refused the change.'));
  });
}

/** The stored CPT descriptors, or null when none were imported. */
export async function loadCptDescriptors() {
  const record = await withStore('readonly', (store) => store.get(KEY));
  if (!record || !Array.isArray(record.rows)) return null;
  return record;
}

/** Store the accepted rows of an import (replacing any earlier import); resolves to the record. */
export async function saveCptDescriptors(rows, { fileName = null } = {}) {
  const record = { rows, importedAt: new Date().toISOString(), fileName, count: rows.length };
  await withStore('readwrite', (store) => store.put(record, KEY));
  return record;
}

/** Forget the stored CPT descriptors. */
export async function deleteCptDescriptors() {
  await withStore('readwrite', (store) => store.delete(KEY));
}
