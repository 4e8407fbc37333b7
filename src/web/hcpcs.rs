//! The HCPCS handle for the page: HCPCS Level II codes and modifiers, CPT numbers and modifiers,
//! and the user's own CPT descriptors (read from a file they import, kept by the page in
//! IndexedDB and handed back with `setCptDescriptors` after a reload). Shapes: docs/wasm-api.md.

use wasm_bindgen::prelude::*;

use super::{js_error, to_js};
use crate::codes::Date;
use crate::store::hcpcs::{CodeSystem, CptDescriptor, Hcpcs};

#[wasm_bindgen]
pub struct HcpcsCodes {
    hcpcs: Hcpcs,
}

#[wasm_bindgen]
impl HcpcsCodes {
    /// Loads compiled HCPCS bytes (`hcpcs.bin`); throws when they are damaged or foreign.
    #[wasm_bindgen(constructor)]
    pub fn new(hcpcs_bytes: &[u8]) -> Result<HcpcsCodes, JsError> {
        Ok(HcpcsCodes { hcpcs: Hcpcs::from_bytes(hcpcs_bytes).map_err(js_error)? })
    }

    pub fn edition(&self) -> String {
        self.hcpcs.edition().to_string()
    }

    /// A Level II code, CPT number or modifier for a date of service (`YYYY-MM-DD`).
    pub fn lookup(&self, code: &str, date: &str) -> Result<JsValue, JsError> {
        let date = Date::parse_iso(date).map_err(js_error)?;
        to_js(&self.hcpcs.lookup(code, date).map_err(js_error)?)
    }

    /// Ranked hits, best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<JsValue, JsError> {
        to_js(&self.hcpcs.search(query, limit))
    }

    /// One Level II section ("J"): its name and every code in it.
    /// The Level II letter sections: `[{ letter, name, codes }]`.
    pub fn sections(&self) -> Result<JsValue, JsError> {
        to_js(&self.hcpcs.sections())
    }

    pub fn section(&self, letter: &str) -> Result<JsValue, JsError> {
        to_js(&self.hcpcs.section(letter).map_err(js_error)?)
    }

    /// The modifier reference: Level II (CMS descriptions) and CPT (our labels).
    pub fn modifiers(&self) -> Result<JsValue, JsError> {
        to_js(&self.hcpcs.modifiers())
    }

    /// Codes valid on a date: `system` is "hcpcs" (Level II) or "cpt".
    #[wasm_bindgen(js_name = codesOn)]
    pub fn codes_on(&self, date: &str, system: &str) -> Result<JsValue, JsError> {
        let date = Date::parse_iso(date).map_err(js_error)?;
        let system = CodeSystem::parse(system).ok_or_else(|| {
            JsError::new(&format!("'{system}' is not a code system here: expected \"hcpcs\" or \"cpt\""))
        })?;
        to_js(&self.hcpcs.codes_on(system, date))
    }

    /// Reads a CPT descriptor file (raw bytes of a CSV/TSV) and reports what it holds; throws
    /// naming the first bad line when the file is malformed. Changes nothing: pass
    /// `result.accepted` to `setCptDescriptors` to use the rows.
    #[wasm_bindgen(js_name = importCptDescriptors)]
    pub fn import_cpt_descriptors(&self, bytes: &[u8]) -> Result<JsValue, JsError> {
        to_js(&self.hcpcs.parse_cpt_descriptors(bytes).map_err(js_error)?)
    }

    /// Uses these `[{ code, descriptor }]` rows from now on (replacing any earlier ones);
    /// returns how many were kept (rows of unknown codes are ignored).
    #[wasm_bindgen(js_name = setCptDescriptors)]
    pub fn set_cpt_descriptors(&mut self, rows: JsValue) -> Result<usize, JsError> {
        let rows: Vec<CptDescriptor> = serde_wasm_bindgen::from_value(rows)
            .map_err(|e| JsError::new(&format!("the descriptor rows must be [{{ code, descriptor }}]: {e}")))?;
        Ok(self.hcpcs.set_cpt_descriptors(rows))
    }

    /// Forgets the imported descriptors.
    #[wasm_bindgen(js_name = clearCptDescriptors)]
    pub fn clear_cpt_descriptors(&mut self) {
        self.hcpcs.clear_cpt_descriptors();
    }

    /// How many imported descriptors are in use.
    #[wasm_bindgen(js_name = cptDescriptorCount)]
    pub fn cpt_descriptor_count(&self) -> usize {
        self.hcpcs.cpt_descriptor_count()
    }
}
