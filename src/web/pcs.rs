//! The ICD-10-PCS handle for the page: lookup, the table builder, and the definitions a student
//! reads beside it.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{js_error, to_js};
use crate::codes::Date;
use crate::store::pcs::Icd10pcs;

#[wasm_bindgen]
pub struct PcsCodes {
    icd10pcs: Icd10pcs,
}

#[derive(Serialize)]
struct DefinitionView<'a> {
    pos: u8,
    axis: &'a str,
    term: &'a str,
    definition: Option<&'a str>,
    explanation: Option<&'a str>,
    includes: &'a [String],
}

#[wasm_bindgen]
impl PcsCodes {
    /// Loads compiled ICD-10-PCS bytes (`icd10pcs.bin`); throws when they are damaged or foreign.
    #[wasm_bindgen(constructor)]
    pub fn new(icd10pcs_bytes: &[u8]) -> Result<PcsCodes, JsError> {
        Ok(PcsCodes { icd10pcs: Icd10pcs::from_bytes(icd10pcs_bytes).map_err(js_error)? })
    }

    pub fn edition(&self) -> String {
        self.icd10pcs.edition.clone()
    }

    /// A seven-character code for a date of service (`YYYY-MM-DD`).
    pub fn lookup(&self, code: &str, date: &str) -> Result<JsValue, JsError> {
        let date = Date::parse_iso(date).map_err(js_error)?;
        to_js(&self.icd10pcs.lookup(code, date).map_err(js_error)?)
    }

    /// The builder step after the characters chosen so far ("" to start, up to 7).
    pub fn build(&self, chosen: &str) -> Result<JsValue, JsError> {
        to_js(&self.icd10pcs.build(chosen).map_err(js_error)?)
    }

    /// The definitions-file terms of one section (e.g. "0"): root operations, approaches,
    /// devices, body parts as the file defines them.
    pub fn definitions(&self, section: &str) -> Result<JsValue, JsError> {
        let section = section.chars().next().unwrap_or('0').to_ascii_uppercase();
        let terms: Vec<DefinitionView> = self
            .icd10pcs
            .definitions
            .iter()
            .filter(|d| d.section == section)
            .map(|d| DefinitionView {
                pos: d.pos,
                axis: &d.axis_title,
                term: &d.term,
                definition: d.definition.as_deref(),
                explanation: d.explanation.as_deref(),
                includes: &d.includes,
            })
            .collect();
        to_js(&terms)
    }

    /// Index search completed against the tables (`[{ code, complete, title, index_path, pointer }]`).
    pub fn search(&self, query: &str, limit: usize) -> Result<JsValue, JsError> {
        to_js(&self.icd10pcs.search(query, limit.clamp(1, 100)))
    }

    /// Index main terms starting with `prefix`, for type-ahead.
    #[wasm_bindgen(js_name = indexMainTerms)]
    pub fn index_main_terms(&self, prefix: &str, limit: usize) -> Result<JsValue, JsError> {
        to_js(&self.icd10pcs.index_main_terms(prefix, limit.clamp(1, 200)))
    }

    /// A main term and its subterms: `[{ level, title, code, see, use, code_in_tables }]`.
    #[wasm_bindgen(js_name = indexTerm)]
    pub fn index_term(&self, main_term: &str) -> Result<JsValue, JsError> {
        to_js(&self.icd10pcs.index_subtree(main_term))
    }

    /// The device aggregation table: specific devices and the general value each is coded to.
    #[wasm_bindgen(js_name = deviceAggregation)]
    pub fn device_aggregation(&self) -> Result<JsValue, JsError> {
        to_js(&self.icd10pcs.device_aggregation)
    }
}
