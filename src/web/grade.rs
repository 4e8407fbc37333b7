//! Grading in the page: methods on the ICD-10-CM `Trainer`, which already holds the code set the
//! grader reads (no second copy). Case and answer cross as JSON text, exactly as the files are;
//! results come back as plain objects (docs/case-format.md). Without the ICD-10-PCS and HCPCS
//! sets here, the validity of procedure codes in an answer is `no_data`; matching them against
//! the key does not need it.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{js_error, to_js, Trainer};
use crate::grade::lint::{lint_case_text, LintProblem};
use crate::grade::{grade_json, Case, CodeSets, Policy};

#[derive(Serialize)]
struct PolicyView {
    name: &'static str,
    description: &'static str,
}

#[derive(Serialize)]
struct CaseCheck {
    /// No lint error (the library's rules included).
    ok: bool,
    /// The grader accepts the case (the format's rules hold); `case` is set then.
    playable: bool,
    case: Option<Case>,
    problems: Vec<LintProblem>,
}

#[wasm_bindgen]
impl Trainer {
    /// Grades an answer against a case (both JSON text) with a policy: "standard" (or "") or
    /// "practicode". Throws when the case, the answer or the policy cannot be used.
    pub fn grade(&self, case_json: &str, answer_json: &str, policy: &str) -> Result<JsValue, JsError> {
        let sets = CodeSets::icd10cm_only(&self.icd10cm);
        to_js(&grade_json(case_json, answer_json, policy, &sets).map_err(js_error)?)
    }

    /// Checks a case file a user opens: `{ ok, playable, case, problems: [{ severity, field, message }] }`.
    /// Never throws for bad input; the problems say what is wrong.
    #[wasm_bindgen(js_name = checkCase)]
    pub fn check_case(&self, case_json: &str) -> Result<JsValue, JsError> {
        let sets = CodeSets::icd10cm_only(&self.icd10cm);
        let (_, problems) = lint_case_text(case_json, &sets);
        let case = Case::from_json(case_json).ok();
        let ok = case.is_some() && !problems.iter().any(LintProblem::is_error);
        to_js(&CaseCheck { ok, playable: case.is_some(), case, problems })
    }

    /// The grading policies with their descriptions, for the page: `[{ name, description }]`.
    #[wasm_bindgen(js_name = gradingPolicies)]
    pub fn grading_policies(&self) -> Result<JsValue, JsError> {
        let list: Vec<PolicyView> =
            Policy::ALL.iter().map(|p| PolicyView { name: p.name(), description: p.description() }).collect();
        to_js(&list)
    }
}
