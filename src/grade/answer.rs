//! A student's answer: the ordered diagnosis list (the first is the principal / first-listed
//! diagnosis) and the procedure lines.
//!
//! ```json
//! { "diagnoses": ["E11.22", "N18.31"], "procedures": [{ "code": "99213", "modifiers": ["25"], "units": 1 }] }
//! ```

use serde::{Deserialize, Serialize};

use super::case::{parse_json, CaseError, Problem, MAX_LINES};

/// The value of the optional `format` field.
pub const ANSWER_FORMAT: &str = "medcode-answer/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// When given, must equal the case's id (guards against grading the wrong case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    /// As typed; blank entries are ignored.
    #[serde(default)]
    pub diagnoses: Vec<String>,
    #[serde(default)]
    pub procedures: Vec<AnswerProcedure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerProcedure {
    pub code: String,
    #[serde(default)]
    pub modifiers: Vec<String>,
    /// 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<u32>,
}

impl Answer {
    pub fn from_json(text: &str) -> Result<Answer, CaseError> {
        let answer: Answer = parse_json(text)?;
        let mut problems = Vec::new();
        if let Some(f) = &answer.format {
            if f != ANSWER_FORMAT {
                problems.push(Problem::new("format", format!("is {f:?}; this version reads {ANSWER_FORMAT:?}")));
            }
        }
        if answer.diagnoses.len() > MAX_LINES {
            problems.push(Problem::new("diagnoses", format!("at most {MAX_LINES} diagnoses")));
        }
        if answer.procedures.len() > MAX_LINES {
            problems.push(Problem::new("procedures", format!("at most {MAX_LINES} procedure lines")));
        }
        for (i, p) in answer.procedures.iter().enumerate() {
            if p.units == Some(0) {
                problems.push(Problem::new(format!("procedures[{i}].units"), "must be at least 1"));
            }
            if p.modifiers.len() > 4 {
                problems.push(Problem::new(format!("procedures[{i}].modifiers"), "a line carries at most 4 modifiers"));
            }
        }
        if problems.is_empty() {
            Ok(answer)
        } else {
            Err(CaseError::Invalid(problems))
        }
    }
}
