//! The case format `medcode-case/1`: a fictional chart, the code systems the student answers
//! with, and the answer key. Documented in docs/case-format.md, with the JSON Schema in
//! docs/case.schema.json (a test keeps the schema's fields equal to the ones parsed here).
//!
//! Reading a case has two steps. [`Case::parse`] reads the JSON strictly (unknown fields,
//! wrong types and sizes are errors, located by their field path, e.g.
//! `key.diagnoses[1].rationale: unknown field "note"`); [`Case::check`] then lists every
//! problem with the format's rules that need no code set (format version, dates, enums, raw HTML,
//! roles, duplicate codes ...). [`Case::from_json`] does both and refuses a case with problems.
//! The code-set checks (validity, notes, Excludes1) and the library's own rules (chart length,
//! chart quotes) are in [`super::lint`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codes::{normalize_icd10cm, Date};
use crate::store::model::NoteKind;

/// The value of the `format` field this version of the core reads.
pub const CASE_FORMAT: &str = "medcode-case/1";

/// A case file larger than this is refused before it is parsed.
pub const MAX_CASE_BYTES: usize = 1 << 20;

/// At most this many lines in each list of a key (and of an answer).
pub const MAX_LINES: usize = 50;

/// Where a case went wrong: the field path (`key.diagnoses[0].code`, empty for the whole file)
/// and a plain sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// Why a case (or an answer) could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseError {
    /// Larger than [`MAX_CASE_BYTES`].
    TooLarge { bytes: usize, limit: usize },
    /// Not JSON, or JSON that does not fit the format (unknown field, wrong type, missing field).
    Json(Problem),
    /// Well-formed, but breaking the format's rules.
    Invalid(Vec<Problem>),
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseError::TooLarge { bytes, limit } => write!(
                f,
                "the file is {} ({bytes} bytes); a case file may be at most {} ({limit} bytes)",
                human_size(*bytes),
                human_size(*limit)
            ),
            CaseError::Json(p) => p.fmt(f),
            CaseError::Invalid(problems) => {
                for (i, p) in problems.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    p.fmt(f)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for CaseError {}

fn human_size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
    } else if bytes >= 1 << 10 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Always [`CASE_FORMAT`].
    pub format: String,
    /// Lower-case letters, digits and dashes, 3-64 characters; in the library, the file name.
    pub id: String,
    pub title: String,
    pub setting: Setting,
    /// CPC sections and CCA domains the case trains ([`EXAM_TAGS`]).
    #[serde(default)]
    pub exam_tags: Vec<String>,
    /// 1 (straightforward) to 3 (hard).
    pub difficulty: u8,
    /// `YYYY-MM-DD`: the date every key code must be valid on.
    pub date_of_service: String,
    pub patient: Patient,
    /// What the student is asked to do, e.g. "Assign the ICD-10-CM codes for this visit."
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    pub chart: Vec<ChartSection>,
    /// The code systems the student answers with.
    pub answer_systems: Vec<CodeSystem>,
    pub key: Key,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    Office,
    Ed,
    OutpatientSurgery,
    Inpatient,
    Radiology,
    PathologyLab,
    Anesthesia,
    Other,
}

impl Setting {
    pub fn label(self) -> &'static str {
        match self {
            Setting::Office => "office",
            Setting::Ed => "ed",
            Setting::OutpatientSurgery => "outpatient_surgery",
            Setting::Inpatient => "inpatient",
            Setting::Radiology => "radiology",
            Setting::PathologyLab => "pathology_lab",
            Setting::Anesthesia => "anesthesia",
            Setting::Other => "other",
        }
    }
}

/// The exam tags a case may carry: CPC exam sections and CCA domains.
pub const EXAM_TAGS: &[&str] = &[
    "cpc:em",
    "cpc:anesthesia",
    "cpc:surgery-integumentary",
    "cpc:surgery-musculoskeletal",
    "cpc:surgery-respiratory",
    "cpc:surgery-cardiovascular",
    "cpc:surgery-digestive",
    "cpc:surgery-urinary-male",
    "cpc:surgery-female-maternity",
    "cpc:surgery-nervous",
    "cpc:surgery-eye-ear",
    "cpc:radiology",
    "cpc:pathology-lab",
    "cpc:medicine",
    "cpc:icd10cm",
    "cpc:hcpcs",
    "cpc:compliance",
    "cpc:anatomy-terminology",
    "cca:classification-systems",
    "cca:reimbursement",
    "cca:health-records-data",
    "cca:compliance",
    "cca:information-technology",
    "cca:confidentiality-privacy",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    /// Age in whole years on the date of service (or give `birth_date`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    pub sex: Sex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Unknown,
}

/// One section of the chart. `text` is plain text with a small markup: a blank line separates
/// paragraphs, a line starting with "- " is a list item, `**bold**`. Never HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartSection {
    pub heading: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeSystem {
    Icd10cm,
    Icd10pcs,
    Cpt,
    Hcpcs,
}

impl CodeSystem {
    pub fn label(self) -> &'static str {
        match self {
            CodeSystem::Icd10cm => "icd10cm",
            CodeSystem::Icd10pcs => "icd10pcs",
            CodeSystem::Cpt => "cpt",
            CodeSystem::Hcpcs => "hcpcs",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CodeSystem::Icd10cm => "ICD-10-CM",
            CodeSystem::Icd10pcs => "ICD-10-PCS",
            CodeSystem::Cpt => "CPT",
            CodeSystem::Hcpcs => "HCPCS Level II",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    /// The first line is the principal / first-listed diagnosis.
    #[serde(default)]
    pub diagnoses: Vec<DiagnosisLine>,
    #[serde(default)]
    pub procedures: Vec<ProcedureLine>,
    /// Conditions in the chart that must not be coded, and why (shown when a student codes one).
    #[serde(default)]
    pub not_coded: Vec<NotCoded>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The principal diagnosis (inpatient).
    Principal,
    /// The first-listed diagnosis (outpatient, office, ED ...).
    FirstListed,
    Secondary,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Principal => "principal",
            Role::FirstListed => "first_listed",
            Role::Secondary => "secondary",
        }
    }

    pub fn is_first(self) -> bool {
        matches!(self, Role::Principal | Role::FirstListed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiagnosisLine {
    pub role: Role,
    /// ICD-10-CM, in the code book's form (E11.22).
    pub code: String,
    /// Other codes that are fully correct for this line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternates: Vec<String>,
    /// Not required: no credit, no penalty.
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
    pub rationale: Rationale,
    /// Explained exceptions to a lint rule (e.g. an Excludes1 pair that is coded together
    /// because the conditions are unrelated).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<Override>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcedureLine {
    pub system: CodeSystem,
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternates: Vec<String>,
    /// The modifiers the line must carry (order ignored).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<String>,
    /// Modifiers that may be present or absent without changing the grade.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub optional_modifiers: Vec<String>,
    /// Units of service; 1 when absent.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub units: u32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
    pub rationale: Rationale,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<Override>,
}

/// Why a key line is what it is: the words the page shows after grading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Rationale {
    /// The Alphabetic Index path, main term first, levels separated by commas
    /// ("Diabetes, type 2, with, chronic kidney disease"). For CPT lines, the CPT index entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// Tabular notes that decide the code, each with the code it was looked up on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tabular_notes: Vec<NoteCitation>,
    /// Official Guidelines sections, e.g. "I.C.4.a.2", "IV.H".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guidelines: Vec<String>,
    /// Words of the chart, verbatim, that support the line (the page highlights them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chart_quotes: Vec<String>,
    /// Our own words (for CPT lines, never AMA text).
    pub explanation: String,
}

/// A tabular note as `lookup(code)` shows it: the code it applies to (its own or inherited from
/// a level above), the kind, and its text (or a verbatim part of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteCitation {
    pub code: String,
    pub kind: NoteKind,
    pub text: String,
}

/// An explained exception to a lint rule, on the line it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// `EXCLUDES1` or `MANIFESTATION_FIRST`.
    pub rule: String,
    /// Why the rule does not apply here (at least 20 characters).
    pub reason: String,
}

/// The lint rules a key line may override.
pub const OVERRIDABLE_RULES: &[&str] = &["EXCLUDES1", "MANIFESTATION_FIRST"];

/// A condition the chart mentions that must not be coded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotCoded {
    /// The condition in plain words ("possible pneumonia").
    pub condition: String,
    /// Codes a student might be tempted to use for it (their explanation is shown then).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guidelines: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chart_quotes: Vec<String>,
}

fn one() -> u32 {
    1
}
fn is_one(n: &u32) -> bool {
    *n == 1
}
fn is_false(b: &bool) -> bool {
    !*b
}

impl Case {
    /// Reads a case strictly: size, JSON syntax, field names and types. Does not apply the
    /// format's rules (see [`Case::check`]).
    pub fn parse(text: &str) -> Result<Case, CaseError> {
        parse_json(text)
    }

    /// Like [`Case::parse`], but an unknown field is reported and skipped rather than fatal, so
    /// that a lint can go on to report every other problem of the file. Other errors (syntax,
    /// types, missing fields) still stop the parse.
    pub fn parse_skipping_unknown_fields(text: &str) -> (Result<Case, CaseError>, Vec<Problem>) {
        let mut unknown = Vec::new();
        let mut current = text.to_string();
        loop {
            let err = match parse_json::<Case>(&current) {
                Ok(case) => return (Ok(case), unknown),
                Err(e) => e,
            };
            let CaseError::Json(p) = &err else { return (Err(err), unknown) };
            if !p.message.starts_with("unknown field") || unknown.len() >= 100 {
                return (Err(err), unknown);
            }
            let Some(next) = remove_field(&current, &p.field) else { return (Err(err), unknown) };
            let mut p = p.clone();
            if !unknown.is_empty() {
                // Positions after the first removal refer to the rewritten text: drop them.
                if let Some(i) = p.message.rfind(" (line ") {
                    p.message.truncate(i);
                }
            }
            unknown.push(p);
            current = next;
        }
    }

    /// Parses and checks; a case with any problem is refused with all of them.
    pub fn from_json(text: &str) -> Result<Case, CaseError> {
        let case = Case::parse(text)?;
        let problems = case.check();
        if problems.is_empty() {
            Ok(case)
        } else {
            Err(CaseError::Invalid(problems))
        }
    }

    /// The date of service (a checked case always has a valid one).
    pub fn date(&self) -> Result<Date, Problem> {
        Date::parse_iso(&self.date_of_service).map_err(|e| Problem::new("date_of_service", e.to_string()))
    }

    /// Every problem with the format's rules that can be found without a code set.
    pub fn check(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut p = |field: String, message: String| out.push(Problem { field, message });
        if self.format != CASE_FORMAT {
            p("format".into(), format!("is {:?}; this version reads {CASE_FORMAT:?}", self.format));
        }
        if !valid_id(&self.id) {
            p("id".into(), format!("{:?} must be 3-64 lower-case letters, digits and dashes, starting with a letter or digit", self.id));
        }
        if self.title.trim().is_empty() {
            p("title".into(), "is empty".into());
        }
        for (i, tag) in self.exam_tags.iter().enumerate() {
            if !EXAM_TAGS.contains(&tag.as_str()) {
                p(format!("exam_tags[{i}]"), format!("{tag:?} is not an exam tag; use one of {}", EXAM_TAGS.join(", ")));
            }
        }
        if !(1..=3).contains(&self.difficulty) {
            p("difficulty".into(), format!("is {}; it must be 1, 2 or 3", self.difficulty));
        }
        let dos = Date::parse_iso(&self.date_of_service);
        if let Err(e) = &dos {
            p("date_of_service".into(), e.to_string());
        }
        match (&self.patient.age, &self.patient.birth_date) {
            (Some(_), Some(_)) => p("patient".into(), "give age or birth_date, not both".into()),
            (None, None) => p("patient".into(), "needs age (years) or birth_date".into()),
            (Some(age), None) if *age > 124 => p("patient.age".into(), format!("{age} is not a plausible age")),
            (None, Some(b)) => match (Date::parse_iso(b), &dos) {
                (Err(e), _) => p("patient.birth_date".into(), e.to_string()),
                (Ok(b), Ok(d)) if b > *d => p("patient.birth_date".into(), "is after the date of service".into()),
                _ => {}
            },
            _ => {}
        }
        if self.chart.is_empty() {
            p("chart".into(), "has no sections".into());
        }
        for (i, s) in self.chart.iter().enumerate() {
            if s.heading.trim().is_empty() {
                p(format!("chart[{i}].heading"), "is empty".into());
            }
            if s.text.trim().is_empty() {
                p(format!("chart[{i}].text"), "is empty".into());
            }
            for (n, para) in s.text.split("\n\n").enumerate() {
                if para.matches("**").count() % 2 == 1 {
                    p(format!("chart[{i}].text"), format!("paragraph {} has an unclosed ** (bold)", n + 1));
                }
            }
        }
        if self.answer_systems.is_empty() {
            p("answer_systems".into(), "lists no code system".into());
        }
        for (i, s) in self.answer_systems.iter().enumerate() {
            if self.answer_systems[..i].contains(s) {
                p(format!("answer_systems[{i}]"), format!("{} is listed twice", s.label()));
            }
        }
        self.check_key(&mut out);
        self.for_each_text(&mut |field, text| {
            if let Some(tag) = html_tag(text) {
                out.push(Problem::new(
                    field,
                    format!("contains raw HTML ({tag:?}); chart and key text is plain text with the case markup only"),
                ));
            }
        });
        out
    }

    fn check_key(&self, out: &mut Vec<Problem>) {
        let key = &self.key;
        let mut p = |field: String, message: String| out.push(Problem { field, message });
        if key.diagnoses.is_empty() && key.procedures.is_empty() {
            p("key".into(), "has no lines".into());
        }
        if key.diagnoses.len() > MAX_LINES || key.procedures.len() > MAX_LINES {
            p("key".into(), format!("at most {MAX_LINES} diagnosis and {MAX_LINES} procedure lines"));
        }
        if !key.diagnoses.is_empty() && !self.answer_systems.contains(&CodeSystem::Icd10cm) {
            p("answer_systems".into(), "the key has diagnosis lines but icd10cm is not an answer system".into());
        }
        let firsts: Vec<usize> = key.diagnoses.iter().enumerate().filter(|(_, l)| l.role.is_first()).map(|(i, _)| i).collect();
        if !key.diagnoses.is_empty() {
            match firsts.as_slice() {
                [0] => {}
                [] => p("key.diagnoses".into(), "needs one line with role principal or first_listed".into()),
                [i] => p(format!("key.diagnoses[{i}].role"), "the principal / first-listed line must be the first line of key.diagnoses".into()),
                _ => p("key.diagnoses".into(), "has more than one principal / first-listed line".into()),
            }
        }
        let mut seen: Vec<(String, String)> = Vec::new();
        for (i, line) in key.diagnoses.iter().enumerate() {
            let field = format!("key.diagnoses[{i}]");
            let wanted = if self.setting == Setting::Inpatient { Role::Principal } else { Role::FirstListed };
            if line.role.is_first() && line.role != wanted {
                p(format!("{field}.role"), format!("is {}; a {} case uses {}", line.role.label(), self.setting.label(), wanted.label()));
            }
            if line.role.is_first() && line.optional {
                p(format!("{field}.optional"), "the principal / first-listed line cannot be optional".into());
            }
            for (j, code) in std::iter::once(&line.code).chain(&line.alternates).enumerate() {
                let cf = if j == 0 { format!("{field}.code") } else { format!("{field}.alternates[{}]", j - 1) };
                match normalize_icd10cm(code) {
                    Err(e) => p(cf, e.to_string()),
                    Ok(n) if n != *code => p(cf, format!("write {code:?} as the code book prints it: {n}")),
                    Ok(n) => match seen.iter().find(|(c, _)| *c == n) {
                        Some((_, other)) => p(cf, format!("{n} is already used at {other}")),
                        None => seen.push((n, cf)),
                    },
                }
            }
            check_rationale(&line.rationale, &format!("{field}.rationale"), &mut p);
            check_overrides(&line.overrides, &field, &mut p);
        }
        let mut seen: Vec<(String, String)> = Vec::new();
        for (i, line) in key.procedures.iter().enumerate() {
            let field = format!("key.procedures[{i}]");
            if line.system == CodeSystem::Icd10cm {
                p(format!("{field}.system"), "procedure lines use icd10pcs, cpt or hcpcs".into());
            } else if !self.answer_systems.contains(&line.system) {
                p(format!("{field}.system"), format!("{} is not one of the case's answer_systems", line.system.label()));
            }
            for (j, code) in std::iter::once(&line.code).chain(&line.alternates).enumerate() {
                let cf = if j == 0 { format!("{field}.code") } else { format!("{field}.alternates[{}]", j - 1) };
                match normalize_procedure(code) {
                    None => p(cf, format!("{code:?} is not shaped like a procedure code (CPT 99213, HCPCS J1100, ICD-10-PCS 0DTJ4ZZ)")),
                    Some(n) if n != *code => p(cf, format!("write {code:?} as {n}")),
                    Some(n) => match procedure_system(&n) {
                        Some(s) if s != line.system => p(cf, format!("{n} is shaped like a {} code, but the line's system is {}", s.name(), line.system.name())),
                        _ => match seen.iter().find(|(c, _)| *c == n) {
                            Some((_, other)) => p(cf, format!("{n} is already used at {other}")),
                            None => seen.push((n, cf)),
                        },
                    },
                }
            }
            for (k, m) in line.modifiers.iter().chain(&line.optional_modifiers).enumerate() {
                if normalize_modifier(m).as_deref() != Some(m.as_str()) {
                    p(format!("{field}.modifiers"), format!("modifier {m:?} (item {}) must be two upper-case letters or digits", k + 1));
                }
            }
            if line.modifiers.iter().any(|m| line.optional_modifiers.contains(m)) {
                p(format!("{field}.optional_modifiers"), "repeats a required modifier".into());
            }
            if line.units == 0 {
                p(format!("{field}.units"), "must be at least 1".into());
            }
            check_rationale(&line.rationale, &format!("{field}.rationale"), &mut p);
            check_overrides(&line.overrides, &field, &mut p);
        }
        for (i, nc) in key.not_coded.iter().enumerate() {
            let field = format!("key.not_coded[{i}]");
            if nc.condition.trim().is_empty() {
                p(format!("{field}.condition"), "is empty".into());
            }
            if nc.reason.trim().is_empty() {
                p(format!("{field}.reason"), "is empty".into());
            }
            for (j, code) in nc.codes.iter().enumerate() {
                let ok = normalize_icd10cm(code).is_ok_and(|n| n == *code) || normalize_procedure(code).is_some_and(|n| n == *code);
                if !ok {
                    p(format!("{field}.codes[{j}]"), format!("{code:?} is not a code as the code book prints it"));
                }
            }
            for (j, g) in nc.guidelines.iter().enumerate() {
                if let Err(why) = check_guideline_id(g) {
                    p(format!("{field}.guidelines[{j}]"), why);
                }
            }
        }
    }

    /// Calls `f(field, text)` for every string of the case a person reads.
    pub fn for_each_text(&self, f: &mut dyn FnMut(String, &str)) {
        f("title".into(), &self.title);
        if let Some(t) = &self.instructions {
            f("instructions".into(), t);
        }
        for (i, s) in self.chart.iter().enumerate() {
            f(format!("chart[{i}].heading"), &s.heading);
            f(format!("chart[{i}].text"), &s.text);
        }
        let mut rationale = |field: String, r: &Rationale| {
            if let Some(ix) = &r.index {
                f(format!("{field}.index"), ix);
            }
            for (j, n) in r.tabular_notes.iter().enumerate() {
                f(format!("{field}.tabular_notes[{j}].text"), &n.text);
            }
            for (j, q) in r.chart_quotes.iter().enumerate() {
                f(format!("{field}.chart_quotes[{j}]"), q);
            }
            f(format!("{field}.explanation"), &r.explanation);
        };
        for (i, l) in self.key.diagnoses.iter().enumerate() {
            rationale(format!("key.diagnoses[{i}].rationale"), &l.rationale);
        }
        for (i, l) in self.key.procedures.iter().enumerate() {
            rationale(format!("key.procedures[{i}].rationale"), &l.rationale);
        }
        for (i, l) in self.key.diagnoses.iter().enumerate() {
            for (j, o) in l.overrides.iter().enumerate() {
                f(format!("key.diagnoses[{i}].overrides[{j}].reason"), &o.reason);
            }
        }
        for (i, l) in self.key.procedures.iter().enumerate() {
            for (j, o) in l.overrides.iter().enumerate() {
                f(format!("key.procedures[{i}].overrides[{j}].reason"), &o.reason);
            }
        }
        for (i, nc) in self.key.not_coded.iter().enumerate() {
            f(format!("key.not_coded[{i}].condition"), &nc.condition);
            f(format!("key.not_coded[{i}].reason"), &nc.reason);
            for (j, q) in nc.chart_quotes.iter().enumerate() {
                f(format!("key.not_coded[{i}].chart_quotes[{j}]"), q);
            }
        }
    }

    /// The chart's words, markup included, for counting and quoting.
    pub fn chart_word_count(&self) -> usize {
        self.chart.iter().map(|s| s.text.split_whitespace().count()).sum()
    }
}

fn check_rationale(r: &Rationale, field: &str, p: &mut impl FnMut(String, String)) {
    if r.explanation.trim().is_empty() {
        p(format!("{field}.explanation"), "is empty".into());
    }
    if r.index.as_deref().is_some_and(|i| i.trim().is_empty()) {
        p(format!("{field}.index"), "is empty".into());
    }
    for (j, g) in r.guidelines.iter().enumerate() {
        if let Err(why) = check_guideline_id(g) {
            p(format!("{field}.guidelines[{j}]"), why);
        }
    }
    for (j, n) in r.tabular_notes.iter().enumerate() {
        if normalize_icd10cm(&n.code).is_err() {
            p(format!("{field}.tabular_notes[{j}].code"), format!("{:?} is not an ICD-10-CM code", n.code));
        }
        if n.text.trim().chars().count() < 4 {
            p(format!("{field}.tabular_notes[{j}].text"), "quote the note's text (at least 4 characters)".into());
        }
    }
    for (j, q) in r.chart_quotes.iter().enumerate() {
        if q.trim().is_empty() {
            p(format!("{field}.chart_quotes[{j}]"), "is empty".into());
        }
    }
}

fn check_overrides(overrides: &[Override], field: &str, p: &mut impl FnMut(String, String)) {
    for (j, o) in overrides.iter().enumerate() {
        if !OVERRIDABLE_RULES.contains(&o.rule.as_str()) {
            p(format!("{field}.overrides[{j}].rule"), format!("{:?} is not a rule a line can override ({})", o.rule, OVERRIDABLE_RULES.join(", ")));
        }
        if o.reason.trim().chars().count() < 20 {
            p(format!("{field}.overrides[{j}].reason"), "explain the override (at least 20 characters)".into());
        }
    }
}

fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    (3..=64).contains(&b.len())
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// The first thing in `text` that looks like an HTML tag, comment or declaration (`<script`,
/// `</p`, `<!--`, `<?xml`), if any. A `<` before a digit or a space ("<5 mm", "a < b") is text.
pub fn html_tag(text: &str) -> Option<String> {
    let b = text.as_bytes();
    (0..b.len()).find_map(|i| {
        let next = *b.get(i + 1)?;
        (b[i] == b'<' && (next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'?'))).then(|| {
            text[i..].chars().take_while(|c| !c.is_whitespace() && *c != '>').take(20).collect()
        })
    })
}

/// Checks a guideline section id against the outline of the ICD-10-CM Official Guidelines:
/// Section I (A conventions, B general, C chapter-specific with chapters 1-22), II (A-K, principal
/// diagnosis), III (A-C, additional diagnoses), IV (A-Q, outpatient); below that, alternating
/// numbers and lower-case letters (I.C.4.a.2, I.C.19.c.1.b).
pub fn check_guideline_id(id: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("{id:?} is not a guideline section id ({why}; e.g. I.C.4.a.2, I.B.14, II.A, III.B, IV.H)"));
    let parts: Vec<&str> = id.split('.').collect();
    let letters = match parts[0] {
        "I" => 'A'..='C',
        "II" => 'A'..='K',
        "III" => 'A'..='C',
        "IV" => 'A'..='Q',
        _ => return bad("it starts with the section: I, II, III or IV"),
    };
    let Some(letter) = parts.get(1) else {
        return bad("give at least the section and its letter");
    };
    let mut lc = letter.chars();
    match (lc.next(), lc.next()) {
        (Some(c), None) if letters.contains(&c) => {}
        _ => return bad(&format!("section {} has letters {}-{}", parts[0], letters.start(), letters.end())),
    }
    for (depth, part) in parts.iter().enumerate().skip(2) {
        let ok = if depth % 2 == 0 {
            part.parse::<u32>().is_ok_and(|n| (1..=40).contains(&n)) && !part.starts_with('0')
        } else {
            part.len() == 1 && part.chars().all(|c| c.is_ascii_lowercase())
        };
        if !ok {
            return bad("below the letter, levels alternate numbers and lower-case letters");
        }
    }
    if parts[0] == "I" && parts[1] == "C" {
        if let Some(ch) = parts.get(2).and_then(|c| c.parse::<u32>().ok()) {
            if ch > 22 {
                return bad("Section I.C has chapters 1-22");
            }
        }
    }
    if parts.len() > 7 {
        return bad("too many levels");
    }
    Ok(())
}

/// Upper-cases a procedure code and drops spaces: CPT (5 digits, or 4 digits + A/F/M/T/U), HCPCS
/// Level II (letter A-V + 4 digits) or ICD-10-PCS (7 characters, no I or O). None when it has
/// none of these shapes.
pub fn normalize_procedure(input: &str) -> Option<String> {
    let code: String = input.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
    procedure_system(&code).map(|_| code)
}

/// The code system a (normalised) procedure code's shape belongs to.
pub fn procedure_system(code: &str) -> Option<CodeSystem> {
    let b = code.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    match b.len() {
        5 if digits(b) || (digits(&b[..4]) && matches!(b[4], b'A' | b'F' | b'M' | b'T' | b'U')) => Some(CodeSystem::Cpt),
        5 if b[0].is_ascii_uppercase() && digits(&b[1..]) => Some(CodeSystem::Hcpcs),
        7 if b.iter().all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && *c != b'I' && *c != b'O')) => Some(CodeSystem::Icd10pcs),
        _ => None,
    }
}

/// A modifier: two letters or digits, upper-cased.
pub fn normalize_modifier(input: &str) -> Option<String> {
    let m = input.trim().to_ascii_uppercase();
    (m.len() == 2 && m.bytes().all(|c| c.is_ascii_alphanumeric())).then_some(m)
}

/// Parses JSON text into `T`, locating errors by field path.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, CaseError> {
    if text.len() > MAX_CASE_BYTES {
        return Err(CaseError::TooLarge { bytes: text.len(), limit: MAX_CASE_BYTES });
    }
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| CaseError::Json(json_problem(text, &e)))?;
    if let Some(p) = array_for_object(&value, "") {
        return Err(CaseError::Json(p));
    }
    serde_json::from_str(text).map_err(|e| CaseError::Json(json_problem(text, &e)))
}

/// serde reads a struct from an array as well as from an object; the format allows only objects.
/// The root, the values of `patient`, `key` and `rationale`, and every array element that is
/// not a string are objects in this format (no array holds an array).
fn array_for_object(v: &serde_json::Value, path: &str) -> Option<Problem> {
    use serde_json::Value;
    let must_be_object = |p: &str| Problem::new(p, "must be a JSON object ({ ... })");
    match v {
        Value::Object(map) => map.iter().find_map(|(k, child)| {
            let at = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            if matches!(k.as_str(), "patient" | "key" | "rationale") && child.is_array() {
                return Some(must_be_object(&at));
            }
            array_for_object(child, &at)
        }),
        Value::Array(_) if path.is_empty() => Some(must_be_object("")),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, child)| {
            let at = format!("{path}[{i}]");
            if child.is_array() {
                return Some(Problem::new(at, "an array inside an array is not part of the format"));
            }
            array_for_object(child, &at)
        }),
        _ => None,
    }
}

fn json_problem(text: &str, e: &serde_json::Error) -> Problem {
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => &full,
    };
    let message = message.replace('`', "\"");
    if e.is_syntax() || e.is_eof() {
        return Problem::new("", format!("not valid JSON: {message} (line {}, column {})", e.line(), e.column()));
    }
    // A missing field is reported at the end of its object: name the object, not its last key.
    let path = json_path_at(text, e.line(), e.column(), message.starts_with("missing field"));
    Problem::new(path, format!("{message} (line {}, column {})", e.line(), e.column()))
}

/// The JSON text without the field at `path` (`a.b[2].c`), pretty-printed; None when the path
/// cannot be followed.
fn remove_field(text: &str, path: &str) -> Option<String> {
    let mut value: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut segments: Vec<(String, Vec<usize>)> = Vec::new();
    for part in path.split('.') {
        let (name, rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        let indices = rest
            .split(['[', ']'])
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().ok())
            .collect::<Option<Vec<usize>>>()?;
        segments.push((name.to_string(), indices));
    }
    let (last, parents) = segments.split_last()?;
    if !last.1.is_empty() {
        return None;
    }
    let mut at = &mut value;
    for (name, indices) in parents {
        if !name.is_empty() {
            at = at.get_mut(name.as_str())?;
        }
        for &i in indices {
            at = at.get_mut(i)?;
        }
    }
    at.as_object_mut()?.remove(&last.0)?;
    serde_json::to_string_pretty(&value).ok()
}

/// The field path (`key.diagnoses[1].code`) at a 1-based line and column of JSON text.
/// With `object`, the innermost object's current key is left out.
fn json_path_at(text: &str, line: usize, column: usize, object: bool) -> String {
    enum Frame {
        Obj { key: Option<String>, expect_key: bool },
        Arr { index: usize },
    }
    let offset = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + column.saturating_sub(1);
    let mut stack: Vec<Frame> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && i < offset {
        match bytes[i] {
            b'{' => stack.push(Frame::Obj { key: None, expect_key: true }),
            b'[' => stack.push(Frame::Arr { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Obj { expect_key, .. }) => *expect_key = true,
                Some(Frame::Arr { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if let Some(Frame::Obj { key, expect_key }) = stack.last_mut() {
                    if *expect_key {
                        *key = Some(String::from_utf8_lossy(&bytes[start..i.min(bytes.len())]).into_owned());
                        *expect_key = false;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    if object {
        if let Some(Frame::Obj { key, .. }) = stack.last_mut() {
            *key = None;
        }
    }
    let mut path = String::new();
    for f in &stack {
        match f {
            Frame::Obj { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Obj { key: None, .. } => {}
            Frame::Arr { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guideline_ids_follow_the_outline() {
        for ok in ["I.C.4.a.2", "I.B.14", "II.A", "III.B", "IV.H", "I.A.12.a", "I.C.19.c.1.b", "I.C.9.a.2"] {
            assert!(check_guideline_id(ok).is_ok(), "{ok}");
        }
        for bad in ["", "I", "V.A", "I.D", "IV.R", "I.C.4.A", "I.C.23", "I.C.04", "i.c.4", "I.C.4.a.b", "III.B "] {
            assert!(check_guideline_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn html_is_found_but_comparisons_are_text() {
        assert_eq!(html_tag("BP <script>alert(1)</script>").as_deref(), Some("<script"));
        assert_eq!(html_tag("x </p>").as_deref(), Some("</p"));
        assert!(html_tag("<!-- c -->").is_some());
        assert!(html_tag("nodule <5 mm, a < b, WBC <10").is_none());
    }

    #[test]
    fn procedure_shapes() {
        assert_eq!(normalize_procedure(" 99213 ").as_deref(), Some("99213"));
        assert_eq!(normalize_procedure("0dtj4zz").as_deref(), Some("0DTJ4ZZ"));
        assert_eq!(procedure_system("J1100"), Some(CodeSystem::Hcpcs));
        assert_eq!(procedure_system("0001U"), Some(CodeSystem::Cpt));
        assert_eq!(procedure_system("0DTJ4ZZ"), Some(CodeSystem::Icd10pcs));
        assert_eq!(procedure_system("0DTI4ZZ"), None);
        assert_eq!(procedure_system("E11.9"), None);
    }

    #[test]
    fn missing_fields_name_the_object_that_lacks_them() {
        let text = r#"{"diagnoses": [{"role": "secondary", "code": "E11.9", "rationale": {"explanation": "x"}},
                                    {"role": "secondary", "code": "E11.8"}]}"#;
        match parse_json::<Key>(text) {
            Err(CaseError::Json(p)) => {
                assert_eq!(p.field, "diagnoses[1]");
                assert!(p.message.starts_with("missing field \"rationale\""), "{}", p.message);
            }
            other => panic!("{other:?}"),
        }
        match parse_json::<Key>(r#"{"diagnoses": [{}]}"#) {
            Err(CaseError::Json(p)) => assert_eq!(p.field, "diagnoses[0]"),
            other => panic!("{other:?}"),
        }
        match parse_json::<Patient>(r#"{"age": 3}"#) {
            Err(CaseError::Json(p)) => assert_eq!(p.field, ""),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn json_errors_name_the_field() {
        let text = "{\n \"a\": [ {\"b\": 1}, {\"c\": 2, \"bad\": 3} ]\n}";
        let col = text.lines().nth(1).unwrap().find("\"bad\"").unwrap() + 6;
        assert_eq!(json_path_at(text, 2, col, false), "a[1].bad");
    }
}
