//! The ICD-10-CM index handle for the page: the Table of Neoplasms, the Table of Drugs and
//! Chemicals and the External Cause of Injuries Index (compiled, `icd10cm_index.bin`), and the
//! user's own Index to Diseases and Injuries, parsed here from the file they load (the page keeps
//! the file's bytes in IndexedDB and hands them back after a reload).
//!
//! Code statuses come precomputed for 2026-04-01 (stored in `icd10cm_index.bin`); a loaded
//! Alphabetic Index is checked against the `Trainer`'s ICD-10-CM set when it is loaded. For
//! another date of service the page asks `trainer.indexCodeStatus(code, date)`. Shapes:
//! docs/wasm-api.md, "ICD-10-CM indexes".

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{js_error, to_js, Trainer};
use crate::codes::Date;
use crate::store::cm_index::{parse_alphabetic_index, AlphabeticIndex, Icd10cmIndex, IndexCounts, IndexTable, IndexView};

#[wasm_bindgen]
pub struct CmIndex {
    tables: Icd10cmIndex,
    alphabetic: Option<AlphabeticIndex>,
}

#[derive(Serialize)]
struct Loaded<'a> {
    edition: &'a str,
    counts: &'a IndexCounts,
}

fn table_of(name: &str) -> Result<IndexTable, JsError> {
    IndexTable::parse(name)
        .ok_or_else(|| JsError::new(&format!("unknown index table '{name}': use neoplasm, drug, external or alphabetic")))
}

impl CmIndex {
    fn view(&self) -> IndexView<'_> {
        self.tables.view(self.alphabetic.as_ref())
    }

    fn loaded_table(&self, name: &str) -> Result<IndexTable, JsError> {
        let table = table_of(name)?;
        if table == IndexTable::Alphabetic && self.alphabetic.is_none() {
            return Err(JsError::new(
                "the Index to Diseases and Injuries is not loaded: load the CMS file icd10cm_index_YYYY.xml first",
            ));
        }
        Ok(table)
    }
}

#[wasm_bindgen]
impl CmIndex {
    /// Loads `icd10cm_index.bin`; throws when the bytes are damaged or another code set.
    #[wasm_bindgen(constructor)]
    pub fn new(index_bytes: &[u8]) -> Result<CmIndex, JsError> {
        Ok(CmIndex { tables: Icd10cmIndex::from_bytes(index_bytes).map_err(js_error)?, alphabetic: None })
    }

    /// "ICD-10-CM Index FY2023 (Table of Neoplasms, Table of Drugs and Chemicals, External Cause of Injuries Index)".
    pub fn edition(&self) -> String {
        self.tables.edition.clone()
    }

    /// The date the stored code statuses are for: "2026-04-01".
    #[wasm_bindgen(js_name = statusDate)]
    pub fn status_date(&self) -> String {
        self.tables.status_date.to_string()
    }

    /// Main terms starting with `prefix` (case-insensitive) in one table, or in all loaded ones
    /// when `table` is null or "": `[{ table, id, title, nemod, printed }]`.
    #[wasm_bindgen(js_name = mainTerms)]
    pub fn main_terms(&self, prefix: &str, table: Option<String>, limit: usize) -> Result<JsValue, JsError> {
        let table = match table.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(self.loaded_table(t)?),
        };
        to_js(&self.view().main_terms(prefix, table, limit.clamp(1, 10_000)))
    }

    /// A main term and its subterm tree (`TermTree`), or null when the table has no such term.
    pub fn term(&self, table: &str, main_term: &str) -> Result<JsValue, JsError> {
        let table = self.loaded_table(table)?;
        to_js(&self.view().term(table, main_term))
    }

    /// Any term by id (from a hit or a cross-reference) with everything below it and the terms
    /// above it (`TermTree`), or null.
    #[wasm_bindgen(js_name = termAt)]
    pub fn term_at(&self, table: &str, id: u32) -> Result<JsValue, JsError> {
        let table = self.loaded_table(table)?;
        to_js(&self.view().term_at(table, id))
    }

    /// Table of Neoplasms rows whose site path holds every word of `site` ("" for all): `TableRows`.
    pub fn neoplasm(&self, site: &str, limit: usize) -> Result<JsValue, JsError> {
        to_js(&self.view().neoplasm(site, limit.clamp(1, 10_000)))
    }

    /// Table of Drugs and Chemicals rows for a substance ("" for all): `TableRows`.
    pub fn drug(&self, substance: &str, limit: usize) -> Result<JsValue, JsError> {
        to_js(&self.view().drug(substance, limit.clamp(1, 10_000)))
    }

    /// Index search over the three tables (and the loaded Alphabetic Index): `IndexHit[]`, best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<JsValue, JsError> {
        to_js(&self.view().search_index(query, limit.clamp(1, 200)))
    }

    /// The entries search ranks, `[{ id, table, term, column_key, code, text }]` (for benchmarks).
    #[wasm_bindgen(js_name = searchEntries)]
    pub fn search_entries(&self) -> Result<JsValue, JsError> {
        to_js(&self.view().search_entries())
    }

    /// Follows "see" references from a term: `{ steps: [{ table, term, path, via }], ended }`.
    #[wasm_bindgen(js_name = seeChain)]
    pub fn see_chain(&self, table: &str, id: u32) -> Result<JsValue, JsError> {
        let table = self.loaded_table(table)?;
        to_js(&self.view().see_chain(table, id))
    }

    /// Per table: code cells by status, cross-references by resolution, the unresolved ones.
    pub fn report(&self) -> Result<JsValue, JsError> {
        to_js(&self.view().report())
    }

    /// Parses the user's Index to Diseases and Injuries (the CMS XML file's bytes) in the core and
    /// checks its codes against the trainer's ICD-10-CM set: `{ edition, counts }`. Throws an
    /// Error with a message for the student when the file is not such an index; the index
    /// loaded before (if any) stays loaded then.
    #[wasm_bindgen(js_name = loadAlphabeticIndex)]
    pub fn load_alphabetic_index(&mut self, bytes: &[u8], trainer: &Trainer) -> Result<JsValue, JsError> {
        let mut index = parse_alphabetic_index(bytes).map_err(js_error)?;
        index.assess(&trainer.icd10cm);
        let out = to_js(&Loaded { edition: &index.edition, counts: &index.counts });
        self.alphabetic = Some(index);
        out
    }

    /// The loaded Alphabetic Index: `{ edition, counts }`, or null.
    #[wasm_bindgen(js_name = alphabeticIndex)]
    pub fn alphabetic_index(&self) -> Result<JsValue, JsError> {
        to_js(&self.alphabetic.as_ref().map(|a| Loaded { edition: &a.edition, counts: &a.counts }))
    }

    /// Forgets the loaded Alphabetic Index.
    #[wasm_bindgen(js_name = unloadAlphabeticIndex)]
    pub fn unload_alphabetic_index(&mut self) {
        self.alphabetic = None;
    }
}

#[wasm_bindgen]
impl Trainer {
    /// What became of a code printed in an index (as printed: "C79.8-", "T39.1X1") on a date of
    /// service: `CodeView`. For dates other than the one the index handle's statuses are for.
    #[wasm_bindgen(js_name = indexCodeStatus)]
    pub fn index_code_status(&self, printed: &str, date: &str) -> Result<JsValue, JsError> {
        let date = Date::parse_iso(date).map_err(js_error)?;
        to_js(&crate::store::cm_index::code_view(&self.icd10cm, printed, date))
    }
}
