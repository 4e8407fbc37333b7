//! `medcode lint-cases`: every check of a library case. The format's rules ([`Case::check`]),
//! the library's rules (chart length, quotes, a condition not to code) and the code-set rules:
//! every key code valid and reportable on the date of service, no Excludes1 pair and no
//! manifestation code first among the key's codes unless the line carries an explained override,
//! every cited tabular note present on its code, every chart quote verbatim in the chart.
//! CPT/HCPCS numbers are checked when that data is loaded, otherwise reported as `no_data`.

use serde::Serialize;

use super::case::{normalize_procedure, Case, CaseError, CodeSystem, Rationale, Setting};
use super::findings::excludes1_pairs;
use super::grader::{dx_info, find_note, px_info, squash};
use super::{CodeSets, CodeStatus, Severity};
use crate::codes::{normalize_icd10cm, Date};
use crate::store::LookupView;

/// Minimum chart length in words (inpatient cases need more).
pub const MIN_CHART_WORDS: usize = 150;
pub const MIN_INPATIENT_CHART_WORDS: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintProblem {
    /// `error` fails the lint; `no_data` says a check could not be decided.
    pub severity: Severity,
    pub field: String,
    pub message: String,
}

impl LintProblem {
    fn error(field: impl Into<String>, message: impl Into<String>) -> LintProblem {
        LintProblem { severity: Severity::Error, field: field.into(), message: message.into() }
    }
    fn no_data(field: impl Into<String>, message: impl Into<String>) -> LintProblem {
        LintProblem { severity: Severity::NoData, field: field.into(), message: message.into() }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The lint of one file of a library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    pub file: String,
    pub id: Option<String>,
    pub problems: Vec<LintProblem>,
}

/// Lints case text: parse errors, or every problem of the parsed case.
pub fn lint_case_text(text: &str, sets: &CodeSets) -> (Option<Case>, Vec<LintProblem>) {
    let (parsed, unknown) = Case::parse_skipping_unknown_fields(text);
    let mut problems: Vec<LintProblem> = unknown.into_iter().map(|p| LintProblem::error(p.field, p.message)).collect();
    match parsed {
        Ok(case) => {
            problems.extend(lint_case(&case, sets));
            (Some(case), problems)
        }
        Err(CaseError::Json(p)) => {
            problems.push(LintProblem::error(p.field, p.message));
            (None, problems)
        }
        Err(e) => {
            problems.push(LintProblem::error("", e.to_string()));
            (None, problems)
        }
    }
}

/// Lints every file of a library (`(file name, text)`), adding the library's own rules: the
/// file is named after the case id, and ids are unique.
pub fn lint_library(files: &[(String, String)], sets: &CodeSets) -> Vec<FileReport> {
    let mut reports: Vec<FileReport> = files
        .iter()
        .map(|(name, text)| {
            let (case, mut problems) = lint_case_text(text, sets);
            if let Some(case) = &case {
                let stem = name.rsplit(['/', '\\']).next().unwrap_or(name).trim_end_matches(".json");
                if stem != case.id {
                    problems.push(LintProblem::error("id", format!("{:?} differs from the file name; name the file {}.json", case.id, case.id)));
                }
            }
            FileReport { file: name.clone(), id: case.map(|c| c.id), problems }
        })
        .collect();
    for i in 0..reports.len() {
        let Some(id) = reports[i].id.clone() else { continue };
        if let Some(first) = reports[..i].iter().find(|r| r.id.as_deref() == Some(&id)) {
            let first = first.file.clone();
            reports[i].problems.push(LintProblem::error("id", format!("{id:?} is also the id of {first}")));
        }
    }
    reports
}

/// Every problem of a parsed case.
pub fn lint_case(case: &Case, sets: &CodeSets) -> Vec<LintProblem> {
    let mut out: Vec<LintProblem> = case.check().into_iter().map(|p| LintProblem::error(p.field, p.message)).collect();
    let Ok(date) = Date::parse_iso(&case.date_of_service) else {
        return out;
    };
    library_rules(case, &mut out);
    quotes(case, &mut out);
    diagnosis_codes(case, sets, date, &mut out);
    procedure_codes(case, sets, date, &mut out);
    not_coded_codes(case, sets, date, &mut out);
    if case.setting == Setting::Inpatient {
        out.push(LintProblem::no_data(
            "key.diagnoses",
            "MCE edits for the principal diagnosis (age, sex, manifestation, unacceptable principal) are not checked yet",
        ));
    }
    out
}

fn library_rules(case: &Case, out: &mut Vec<LintProblem>) {
    let min = if case.setting == Setting::Inpatient { MIN_INPATIENT_CHART_WORDS } else { MIN_CHART_WORDS };
    let words = case.chart_word_count();
    if words < min {
        out.push(LintProblem::error("chart", format!("has {words} words; a case in the {} setting needs at least {min}", case.setting.label())));
    }
    if case.exam_tags.is_empty() {
        out.push(LintProblem::error("exam_tags", "give at least one exam tag"));
    }
    if case.key.not_coded.is_empty() {
        out.push(LintProblem::error("key.not_coded", "name at least one condition of the chart that must not be coded, and why"));
    }
    for system in &case.answer_systems {
        let has = match system {
            CodeSystem::Icd10cm => !case.key.diagnoses.is_empty(),
            s => case.key.procedures.iter().any(|p| p.system == *s),
        };
        if !has {
            out.push(LintProblem::error("answer_systems", format!("{} is an answer system but no key line uses it", system.label())));
        }
    }
    for (i, l) in case.key.diagnoses.iter().enumerate() {
        let f = format!("key.diagnoses[{i}].rationale");
        if l.rationale.index.is_none() {
            out.push(LintProblem::error(format!("{f}.index"), "give the Alphabetic Index path (main term, subterms)"));
        }
        if l.rationale.chart_quotes.is_empty() {
            out.push(LintProblem::error(format!("{f}.chart_quotes"), "quote the chart words that support the code"));
        }
    }
    for (i, l) in case.key.procedures.iter().enumerate() {
        if l.rationale.chart_quotes.is_empty() {
            out.push(LintProblem::error(format!("key.procedures[{i}].rationale.chart_quotes"), "quote the chart words that support the code"));
        }
    }
}

/// Every quote occurs verbatim (spacing aside) in one chart section.
fn quotes(case: &Case, out: &mut Vec<LintProblem>) {
    let sections: Vec<String> = case.chart.iter().map(|s| squash(&s.text)).collect();
    let mut check = |field: String, quote: &str| {
        let q = squash(quote);
        if !q.is_empty() && !sections.iter().any(|s| s.contains(&q)) {
            out.push(LintProblem::error(field, format!("{quote:?} does not occur verbatim in the chart")));
        }
    };
    let rationales = case
        .key
        .diagnoses
        .iter()
        .enumerate()
        .map(|(i, l)| (format!("key.diagnoses[{i}].rationale"), &l.rationale))
        .chain(case.key.procedures.iter().enumerate().map(|(i, l)| (format!("key.procedures[{i}].rationale"), &l.rationale)));
    for (f, r) in rationales {
        for (j, q) in r.chart_quotes.iter().enumerate() {
            check(format!("{f}.chart_quotes[{j}]"), q);
        }
    }
    for (i, nc) in case.key.not_coded.iter().enumerate() {
        for (j, q) in nc.chart_quotes.iter().enumerate() {
            check(format!("key.not_coded[{i}].chart_quotes[{j}]"), q);
        }
    }
}

fn diagnosis_codes(case: &Case, sets: &CodeSets, date: Date, out: &mut Vec<LintProblem>) {
    let set = sets.icd10cm;
    // (line, field, view) of every key code that looks up.
    let mut views: Vec<(usize, String, LookupView)> = Vec::new();
    for (i, line) in case.key.diagnoses.iter().enumerate() {
        for (j, code) in std::iter::once(&line.code).chain(&line.alternates).enumerate() {
            let field = if j == 0 { format!("key.diagnoses[{i}].code") } else { format!("key.diagnoses[{i}].alternates[{}]", j - 1) };
            if normalize_icd10cm(code).is_err() {
                continue; // reported by Case::check
            }
            let info = dx_info(set, code, date);
            match (&info.view, info.status) {
                (Some(v), CodeStatus::Valid) if v.reportable => {}
                (Some(v), _) => out.push(LintProblem::error(
                    &field,
                    format!("{} is not a valid, reportable code on {date} ({}): {}", v.code, status_word(info.status, v), v.validity_text),
                )),
                (None, _) => out.push(LintProblem::error(&field, format!("{code} is not an ICD-10-CM code"))),
            }
            if let Some(v) = info.view {
                views.push((i, field, v));
            }
        }
        rationale_notes(set, date, &line.rationale, &format!("key.diagnoses[{i}].rationale"), out);
    }
    // Excludes1 among the key's own codes (codes of different lines).
    let refs: Vec<&LookupView> = views.iter().map(|(_, _, v)| v).collect();
    for p in excludes1_pairs(&refs) {
        let (la, fa, va) = &views[p.a];
        let (lb, _, vb) = &views[p.b];
        if la == lb {
            continue;
        }
        let overridden = [*la, *lb].iter().any(|&l| case.key.diagnoses[l].overrides.iter().any(|o| o.rule == "EXCLUDES1"));
        if !overridden {
            out.push(LintProblem::error(
                fa,
                format!(
                    "{} and {} (key.diagnoses[{lb}]) are in an Excludes1 relation: {} has \"{}\" (at {}); add an EXCLUDES1 override with the reason, or fix the key",
                    va.code, vb.code, p.on, p.text, p.source
                ),
            ));
        }
    }
    // A manifestation code is never first-listed.
    if let Some(first) = case.key.diagnoses.first() {
        let overridden = first.overrides.iter().any(|o| o.rule == "MANIFESTATION_FIRST");
        for (_, field, v) in views.iter().filter(|(l, _, _)| *l == 0) {
            let manifestation = v.title.as_deref().is_some_and(|t| t.to_lowercase().contains("in diseases classified elsewhere"));
            if manifestation && !overridden {
                out.push(LintProblem::error(
                    field,
                    format!("{} is a manifestation code (\"in diseases classified elsewhere\") and cannot be first-listed: sequence its etiology first (Guidelines I.A.13)", v.code),
                ));
            }
        }
    }
}

fn status_word(status: CodeStatus, v: &LookupView) -> &'static str {
    match status {
        CodeStatus::Valid if !v.reportable => "not reportable in FY2026",
        CodeStatus::Valid => "valid",
        CodeStatus::NotValidOnDate => "not valid on the date",
        CodeStatus::Header => "a header",
        CodeStatus::Invalid => "invalid",
        _ => "unknown",
    }
}

fn rationale_notes(set: &crate::Icd10cm, date: Date, r: &Rationale, field: &str, out: &mut Vec<LintProblem>) {
    for (j, n) in r.tabular_notes.iter().enumerate() {
        let Ok(code) = normalize_icd10cm(&n.code) else { continue };
        if set.lookup(&code, date).is_err() {
            out.push(LintProblem::error(format!("{field}.tabular_notes[{j}].code"), format!("{code} is not an ICD-10-CM code")));
        } else if find_note(set, date, &code, n.kind, &n.text).is_none() {
            out.push(LintProblem::error(
                format!("{field}.tabular_notes[{j}]"),
                format!("no {} note of {code} (its own or inherited) contains {:?}", n.kind.label(), n.text),
            ));
        }
    }
}

fn procedure_codes(case: &Case, sets: &CodeSets, date: Date, out: &mut Vec<LintProblem>) {
    for (i, line) in case.key.procedures.iter().enumerate() {
        for (j, code) in std::iter::once(&line.code).chain(&line.alternates).enumerate() {
            let field = if j == 0 { format!("key.procedures[{i}].code") } else { format!("key.procedures[{i}].alternates[{}]", j - 1) };
            if normalize_procedure(code).is_none() {
                continue; // reported by Case::check
            }
            check_procedure(sets, date, code, &field, out);
        }
        rationale_notes(sets.icd10cm, date, &line.rationale, &format!("key.procedures[{i}].rationale"), out);
    }
}

fn check_procedure(sets: &CodeSets, date: Date, code: &str, field: &str, out: &mut Vec<LintProblem>) {
    let info = px_info(sets, code, date);
    match info.status {
        CodeStatus::Valid => {}
        CodeStatus::NoData => out.push(LintProblem::no_data(
            field,
            format!("{code}: {}; validity not checked", info.message.unwrap_or_else(|| "no data".into())),
        )),
        _ => out.push(LintProblem::error(
            field,
            format!("{code} is not a valid code on {date}: {}", info.message.unwrap_or_else(|| "unknown code".into())),
        )),
    }
}

fn not_coded_codes(case: &Case, sets: &CodeSets, date: Date, out: &mut Vec<LintProblem>) {
    let key_codes: Vec<&String> = case
        .key
        .diagnoses
        .iter()
        .flat_map(|l| std::iter::once(&l.code).chain(&l.alternates))
        .chain(case.key.procedures.iter().flat_map(|l| std::iter::once(&l.code).chain(&l.alternates)))
        .collect();
    for (i, nc) in case.key.not_coded.iter().enumerate() {
        for (j, code) in nc.codes.iter().enumerate() {
            let field = format!("key.not_coded[{i}].codes[{j}]");
            if key_codes.contains(&code) {
                out.push(LintProblem::error(&field, format!("{code} is also a key code")));
            }
            if normalize_procedure(code).is_some() {
                check_procedure(sets, date, code, &field, out);
            } else if normalize_icd10cm(code).is_ok() {
                let info = dx_info(sets.icd10cm, code, date);
                if info.status != CodeStatus::Valid {
                    out.push(LintProblem::error(&field, format!("{code} is not a valid ICD-10-CM code on {date}")));
                }
            }
        }
    }
}
