//! Grading: the case format, the answer, the policies, the per-line feedback, the findings about
//! the student's codes taken together, and the case-library lint.
//!
//! - [`case`]: `medcode-case/1` — the chart and the answer key ([`Case`]), strict parsing with
//!   field-located errors, the format's rules.
//! - [`answer`]: the student's answer ([`Answer`]).
//! - [`grade`] / [`grade_json`]: the grader; [`policy`]: `standard` and `practicode`.
//! - [`findings`]: claim edits over the student's codes (here only Excludes1; issue 5's engine
//!   plugs in through [`DiagnosisEdits`]).
//! - [`lint`]: every check of a library case, code sets included.
//!
//! Everything is pure: texts and code sets come in, values go out. Same input, same output.

pub mod answer;
pub mod case;
mod feedback;
pub mod findings;
mod grader;
pub mod lint;
mod matching;
pub mod policy;
mod procedures;

use std::fmt;

use serde::Serialize;

pub use answer::{Answer, AnswerProcedure};
pub use case::{Case, CaseError, CodeSystem, Problem, Role, Setting};
pub use findings::{DiagnosisEdits, Excludes1Edit, Finding, Severity};
pub use grader::{grade, grade_with};
pub use policy::Policy;

use crate::codes::Date;
use crate::store::model::NoteKind;
use crate::store::pcs::Icd10pcs;
use crate::Icd10cm;

/// The value of the `format` field of a grading result.
pub const RESULT_FORMAT: &str = "medcode-grade/1";

/// Where CPT and HCPCS Level II codes are looked up (the HCPCS store implements it).
pub trait ProcedureCodes {
    /// What the data says of a CPT or HCPCS code on a date.
    fn check(&self, system: CodeSystem, code: &str, date: Date) -> ProcedureCheck;
}

/// The answer of a [`ProcedureCodes`] lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureCheck {
    pub status: CodeStatus,
    /// A title we may show (never an AMA CPT descriptor).
    pub title: Option<String>,
    /// Why the code cannot be used, when it cannot.
    pub message: Option<String>,
}

/// The code sets a grade or a lint reads. ICD-10-PCS and CPT/HCPCS are optional: without them,
/// checks of those codes say `no_data`.
#[derive(Clone, Copy)]
pub struct CodeSets<'a> {
    pub icd10cm: &'a Icd10cm,
    pub icd10pcs: Option<&'a Icd10pcs>,
    pub cpt_hcpcs: Option<&'a dyn ProcedureCodes>,
}

impl<'a> CodeSets<'a> {
    pub fn icd10cm_only(icd10cm: &'a Icd10cm) -> CodeSets<'a> {
        CodeSets { icd10cm, icd10pcs: None, cpt_hcpcs: None }
    }
}

/// Why a grade could not be produced (not a wrong answer: those are graded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GradeError {
    Case(CaseError),
    Answer(CaseError),
    Policy(policy::UnknownPolicy),
}

impl fmt::Display for GradeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GradeError::Case(e) => write!(f, "the case cannot be used: {e}"),
            GradeError::Answer(e) => write!(f, "the answer cannot be read: {e}"),
            GradeError::Policy(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for GradeError {}

/// Reads a case, an answer and a policy name, then grades with the default edits.
pub fn grade_json(case_json: &str, answer_json: &str, policy: &str, sets: &CodeSets) -> Result<GradeResult, GradeError> {
    let policy = Policy::parse(policy).map_err(GradeError::Policy)?;
    let case = Case::from_json(case_json).map_err(GradeError::Case)?;
    let answer = Answer::from_json(answer_json).map_err(GradeError::Answer)?;
    grade(&case, &answer, policy, sets)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Diagnosis,
    Procedure,
}

/// The status of a graded line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    /// Equal to the key line's code or an alternate (procedures: same modifiers and units).
    Correct,
    /// A procedure code equal to the key's, with different modifiers or units.
    Partial,
    /// Same first three characters as a required key line, but not its code.
    Specificity,
    /// The principal / first-listed code, entered in another position.
    Sequencing,
    /// Not in the key (over-coding).
    Unsupported,
    /// A required key line the student did not enter.
    Missing,
    /// An optional key line (entered or not): no credit, no penalty.
    Optional,
}

/// What went wrong on a line, from a fixed set, decided from the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    /// The student's code is not a valid, reportable code on the date of service.
    Lookup,
    /// Right category, wrong (or incomplete) code.
    Specificity,
    /// Right code, wrong position.
    Sequencing,
    /// The same code but for the 7th character (or its placeholder X).
    SeventhCharacter,
    /// The same code but for the side (right / left / bilateral / unspecified).
    Laterality,
    /// A procedure line's modifiers differ from the key's.
    Modifier,
    /// A procedure line's units differ from the key's.
    Units,
    /// A code the chart does not support.
    Unsupported,
    /// A required key line not entered.
    Missed,
    /// A code in an Excludes1 relation with another code of the answer.
    Excludes1,
}

/// What a code is on the date of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeStatus {
    Valid,
    NotValidOnDate,
    /// A category or subcategory, or a code that needs its 7th character.
    Header,
    /// Ruled out by the tabular (e.g. a 7th character its table does not allow).
    Invalid,
    /// Code-shaped but not a code of the system.
    Unknown,
    /// Not shaped like a code.
    Malformed,
    /// The code set needed to decide is not available.
    NoData,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeResult {
    /// [`RESULT_FORMAT`].
    pub format: &'static str,
    pub case_id: String,
    pub policy: Policy,
    pub date_of_service: String,
    /// 0-100, one decimal.
    pub score: f64,
    /// Sum of the lines' credit.
    pub credits: f64,
    /// max(required key lines, counted answer lines).
    pub denominator: u32,
    pub required_key_lines: u32,
    /// Answer lines that count: entered, not blank, not `optional`.
    pub counted_answer_lines: u32,
    /// The student's diagnoses in their order, then their procedure lines, then the key lines
    /// nobody entered (missing, then optional).
    pub lines: Vec<GradedLine>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradedLine {
    pub kind: LineKind,
    pub status: LineStatus,
    pub credit: f64,
    pub error: Option<ErrorType>,
    /// The student's line; null for a key line nobody entered.
    pub answer: Option<AnswerLineView>,
    /// The key line it was graded against; null for an unsupported line.
    pub key: Option<KeyLineView>,
    /// Plain sentences, most important first.
    pub feedback: Vec<String>,
    /// The key line's rationale; null when there is no key line.
    pub rationale: Option<RationaleView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerLineView {
    /// 1-based position in the answer's list (diagnoses and procedures counted separately).
    pub position: u32,
    /// As typed.
    pub text: String,
    /// Normalised; null when the text is not shaped like a code.
    pub code: Option<String>,
    pub code_status: CodeStatus,
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modifiers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyLineView {
    /// 0-based index into `key.diagnoses` or `key.procedures`.
    pub index: u32,
    pub system: CodeSystem,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    pub code: String,
    pub title: Option<String>,
    pub alternates: Vec<String>,
    pub optional: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modifiers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RationaleView {
    pub index: Option<String>,
    pub tabular_notes: Vec<NoteCitationView>,
    pub guidelines: Vec<String>,
    pub chart_quotes: Vec<String>,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteCitationView {
    /// The code the note was looked up on.
    pub code: String,
    pub kind: NoteKind,
    pub label: &'static str,
    /// The level the note is printed at (the code itself or an ancestor); null when the code set
    /// does not hold the note.
    pub source: Option<String>,
    pub text: String,
}
