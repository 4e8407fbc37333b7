//! The WebAssembly face of the core, and the only module that knows wasm-bindgen (one file per
//! code set: this one holds the ICD-10-CM `Trainer`). One handle,
//! `Trainer`, made once from the compiled code-set bytes; every method returns plain JS objects
//! (serde-wasm-bindgen, JSON-compatible: `null` for absent values) or throws a JS `Error` whose
//! message is meant for the student. The shapes are documented in docs/wasm-api.md.

mod cm_index;
mod grade;
mod hcpcs;
mod pcs;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::codes::Date;
use crate::Icd10cm;

#[wasm_bindgen]
pub struct Trainer {
    icd10cm: Icd10cm,
}

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

pub(crate) fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

#[wasm_bindgen]
impl Trainer {
    /// Loads compiled ICD-10-CM bytes (`icd10cm.bin`); throws when they are damaged or foreign.
    #[wasm_bindgen(constructor)]
    pub fn new(icd10cm_bytes: &[u8]) -> Result<Trainer, JsError> {
        let icd10cm = Icd10cm::from_bytes(icd10cm_bytes).map_err(js_error)?;
        Ok(Trainer { icd10cm })
    }

    /// "ICD-10-CM FY2026 (April 1, 2026 update)".
    pub fn edition(&self) -> String {
        self.icd10cm.edition.clone()
    }

    /// Everything about one code for a date of service (`YYYY-MM-DD`).
    pub fn lookup(&self, code: &str, date: &str) -> Result<JsValue, JsError> {
        let date = Date::parse_iso(date).map_err(js_error)?;
        let view = self.icd10cm.lookup(code, date).map_err(js_error)?;
        to_js(&view)
    }

    /// Ranked hits, best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<JsValue, JsError> {
        to_js(&self.icd10cm.search(query, limit))
    }

    /// The entries the search indexes, as `{ id, code, text }` (for benchmarks).
    #[wasm_bindgen(js_name = searchEntries)]
    pub fn search_entries(&self) -> Result<JsValue, JsError> {
        to_js(&self.icd10cm.search_entries())
    }
}
