// The student's own data, kept in this browser only (IndexedDB): the CPT descriptors imported
// from their licensed file, and the ICD-10-CM Alphabetic Index file they loaded. Nothing here is
// ever sent anywhere, and nothing else stores them (not localStorage, not the service-worker cache).
//
// One record in the object store "cpt-descriptors", under the key "current":
//   { rows: [{ code, descriptor }], importedAt: "2026-04-01T09:30:00.000Z", fileName, count }
// `rows` is exactly `CptImport.accepted` as the core returned it (docs/wasm-api.md).
//
// One record in the object store "cm-alphabetic-index", under the key "current":
//   { bytes: ArrayBuffer (the file as read), fileName, loadedAt, edition }
// The page hands `bytes` to `CmIndex.loadAlphabeticIndex` again on start.

const DB_NAME = 'medcode-trainer';
const DB_VERSION = 2;
const STORE = 'cpt-descriptors';
const CM_INDEX_STORE = 'cm-alphabetic-index';
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
      if (!db.objectStoreNames.contains(CM_INDEX_STORE)) db.createObjectStore(CM_INDEX_STORE);
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
async function withStore(mode, fn, name = STORE) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    const req = fn(tx.objectStore(name));
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

/** The stored Alphabetic Index file ({ bytes: Uint8Array, fileName, loadedAt, edition }), or null. */
export async function loadAlphabeticIndexFile() {
  const record = await withStore('readonly', (store) => store.get(KEY), CM_INDEX_STORE);
  if (!record || !(record.bytes instanceof ArrayBuffer)) return null;
  return { ...record, bytes: new Uint8Array(record.bytes) };
}

/** Keep the bytes of an Alphabetic Index file the core accepted (replacing any earlier one). */
export async function saveAlphabeticIndexFile(bytes, { fileName = null, edition = null } = {}) {
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const record = { bytes: copy, fileName, loadedAt: new Date().toISOString(), edition };
  await withStore('readwrite', (store) => store.put(record, KEY), CM_INDEX_STORE);
  return record;
}

/** Forget the stored Alphabetic Index file. */
export async function deleteAlphabeticIndexFile() {
  await withStore('readwrite', (store) => store.delete(KEY), CM_INDEX_STORE);
}
