//! Findings about the student's codes taken together — claim edits. Only one edit lives here,
//! Excludes1 between two diagnosis codes; the claim-edit engine (issue 5) replaces
//! [`Excludes1Edit`] by implementing [`DiagnosisEdits`] and passing itself to
//! [`super::grade_with`]. The shape of [`Finding`] follows the architecture's rule: findings are
//! data, with a stable rule id, a severity, the lines and codes involved, a plain message and a
//! citation.

use serde::Serialize;

use crate::codes::Date;
use crate::store::model::NoteKind;
use crate::store::{Icd10cm, LookupView};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
    /// The check lacks the data to decide.
    NoData,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id, e.g. `EXCLUDES1`.
    pub rule: String,
    pub severity: Severity,
    /// 1-based positions in the student's diagnosis list of the codes involved.
    pub positions: Vec<u32>,
    pub codes: Vec<String>,
    pub message: String,
    pub citation: String,
}

/// One diagnosis code of an answer, with its position and what lookup says of it.
pub struct DiagnosisCode<'a> {
    /// 1-based position in the student's list.
    pub position: u32,
    pub code: &'a str,
    pub view: &'a LookupView,
}

/// Edits over a list of diagnosis codes. Issue 5's engine implements this.
pub trait DiagnosisEdits {
    fn check_diagnoses(&self, set: &Icd10cm, codes: &[DiagnosisCode<'_>], date: Date) -> Vec<Finding>;
}

/// The Excludes1 edit: two codes where the notes of one (its own or inherited from a level above)
/// hold an Excludes1 note whose code reference covers the other.
pub struct Excludes1Edit;

/// An Excludes1 relation between codes `a` and `b` (indices into the list checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excludes1Pair {
    pub a: usize,
    pub b: usize,
    /// The code whose notes hold the note (a's or b's).
    pub on: String,
    /// The level the note is printed at.
    pub source: String,
    pub text: String,
}

/// Every Excludes1 relation among `views` (looked-up codes), each unordered pair once, the note
/// of the earlier code first. A reference that covers the code it is printed under is ignored.
pub fn excludes1_pairs(views: &[&LookupView]) -> Vec<Excludes1Pair> {
    let mut out = Vec::new();
    for a in 0..views.len() {
        for b in a + 1..views.len() {
            if views[a].code == views[b].code {
                continue;
            }
            let found = note_excluding(views[a], &views[b].code).or_else(|| note_excluding(views[b], &views[a].code));
            if let Some((on, source, text)) = found {
                out.push(Excludes1Pair { a, b, on, source, text });
            }
        }
    }
    out
}

fn note_excluding(view: &LookupView, other: &str) -> Option<(String, String, String)> {
    view.notes
        .iter()
        .filter(|n| n.kind == NoteKind::Excludes1)
        .find(|n| n.refs.iter().any(|r| ref_applies(&n.text, r, other) && !r.covers(&view.code)))
        .map(|n| (view.code.clone(), n.source.clone(), n.text.clone()))
}

/// Whether a note's code reference covers `code`, honouring a qualifier printed after it
/// ("(E08-E13 with .42)", "(T36-T50 with fifth or sixth character 5)", "(S06.0X- with seventh
/// character A)"). A qualifier that cannot be read makes the reference not apply: a check that
/// cannot decide does not report.
pub fn ref_applies(note_text: &str, r: &crate::store::model::CodeRef, code: &str) -> bool {
    if !r.covers(code) {
        return false;
    }
    let Some(at) = note_text.find(&r.text) else { return true };
    let after = &note_text[at + r.text.len()..];
    let Some(q) = after.trim_start_matches([',', ' ']).strip_prefix("with ") else { return true };
    let q = q.split([')', ';']).next().unwrap_or("").trim();
    qualifier_holds(q, &crate::codes::without_dot(code)).unwrap_or(false)
}

/// Some(true/false) for a qualifier this reads; None for one it cannot.
fn qualifier_holds(q: &str, dotless: &str) -> Option<bool> {
    let chars: Vec<char> = dotless.chars().collect();
    // ".42", ".51-.52": the characters after the category.
    if q.starts_with('.') {
        let tail: String = chars.get(3..)?.iter().collect();
        let (lo, hi) = match q.split_once('-') {
            Some((a, b)) => (a.trim().trim_start_matches('.'), b.trim().trim_start_matches('.')),
            None => (q.trim_start_matches('.'), q.trim_start_matches('.')),
        };
        if lo.is_empty() || lo.len() != hi.len() || !lo.chars().chain(hi.chars()).all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let head = tail.get(..lo.len())?;
        return Some(lo <= head && head <= hi);
    }
    // "fifth or sixth character 5", "7th character B or C", "sixth character 1-4".
    let (positions, values) = q.split_once(" character ")?;
    let mut pos = Vec::new();
    for word in positions.split(" or ") {
        pos.push(match word.trim() {
            "fourth" | "4th" => 3,
            "fifth" | "5th" => 4,
            "sixth" | "6th" => 5,
            "seventh" | "7th" => 6,
            "final" => dotless.len().checked_sub(1)?,
            _ => return None,
        });
    }
    let mut allowed: Vec<char> = Vec::new();
    for item in values.split(" or ").flat_map(|v| v.split(',')) {
        let item = item.trim();
        let b: Vec<char> = item.chars().collect();
        match b.as_slice() {
            [c] if c.is_ascii_alphanumeric() => allowed.push(*c),
            [a, '-', z] if a.is_ascii_alphanumeric() && z.is_ascii_alphanumeric() => allowed.extend(*a..=*z),
            _ => return None,
        }
    }
    Some(pos.iter().any(|&p| chars.get(p).is_some_and(|c| allowed.contains(c))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::model::CodeRef;

    fn r(text: &str, first: &str, last: &str) -> CodeRef {
        CodeRef { text: text.into(), first: first.into(), last: last.into(), dash: false }
    }

    #[test]
    fn qualified_references() {
        let dm = r("E08-E13", "E08", "E13");
        let text = "diabetes mellitus (E08-E13 with .42)";
        assert!(ref_applies(text, &dm, "E11.42"));
        assert!(!ref_applies(text, &dm, "E11.22"));
        assert!(ref_applies("x (E08-E13 with .51-.52)", &dm, "E10.52"));
        assert!(!ref_applies("x (E08-E13 with .51-.52)", &dm, "E10.59"));
        let t = r("T36-T50", "T36", "T50");
        let text = "adverse effect (T36-T50 with fifth or sixth character 5)";
        assert!(ref_applies(text, &t, "T42.4X5A"));
        assert!(ref_applies(text, &t, "T38.0X5A"));
        assert!(!ref_applies(text, &t, "T42.4X1A"));
        let s = r("S06.0X-", "S06.0X", "S06.0X");
        assert!(ref_applies("concussion (S06.0X- with seventh character A)", &s, "S06.0X1A"));
        assert!(!ref_applies("concussion (S06.0X- with seventh character A)", &s, "S06.0X1D"));
        // Unreadable qualifiers do not apply; unqualified references do.
        assert!(!ref_applies("poisoning (T51-T65 with fifth or sixth character to indicate intent)", &r("T51-T65", "T51", "T65"), "T51.0X1A"));
        assert!(ref_applies("type 1 diabetes mellitus (E10.-)", &r("E10.-", "E10", "E10"), "E10.9"));
    }
}

impl DiagnosisEdits for Excludes1Edit {
    fn check_diagnoses(&self, _set: &Icd10cm, codes: &[DiagnosisCode<'_>], _date: Date) -> Vec<Finding> {
        let views: Vec<&LookupView> = codes.iter().map(|c| c.view).collect();
        excludes1_pairs(&views)
            .into_iter()
            .map(|p| {
                let (a, b) = (&codes[p.a], &codes[p.b]);
                let other = if p.on == a.view.code { b.code } else { a.code };
                let at = if p.source == p.on { String::new() } else { format!(" (printed at {})", p.source) };
                Finding {
                    rule: "EXCLUDES1".into(),
                    severity: Severity::Error,
                    positions: vec![a.position, b.position],
                    codes: vec![a.code.to_string(), b.code.to_string()],
                    message: format!(
                        "{} and {} are not coded together: {} has an Excludes1 note{at}, \"{}\", which covers {other}. \
                         Excludes1 means the two conditions cannot occur together; choose the one the chart supports \
                         (the only exception is two conditions that are unrelated).",
                        a.code, b.code, p.on, p.text
                    ),
                    citation: format!(
                        "ICD-10-CM Tabular List, Excludes1 note at {}; ICD-10-CM Official Guidelines I.A.12.a",
                        p.source
                    ),
                }
            })
            .collect()
    }
}
