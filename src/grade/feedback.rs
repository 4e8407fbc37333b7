//! The words a student reads after grading, built from the code set's titles, the key's rationale
//! and the case's list of conditions not to code; and the decision of a near miss's error type
//! (7th character, laterality, lookup, specificity) from the data.

use super::case::{Case, DiagnosisLine, ProcedureLine, Role, Setting};
use super::grader::{DxInfo, PxInfo};
use super::{CodeStatus, ErrorType, Finding, LineStatus, Policy};
use crate::codes::{without_dot, Date};
use crate::Icd10cm;

pub(crate) struct Ctx<'a> {
    pub case: &'a Case,
    #[allow(dead_code)]
    pub set: &'a Icd10cm,
    pub date: Date,
    pub policy: Policy,
    pub findings: &'a [Finding],
}

/// `E11.9 "Type 2 diabetes mellitus without complications"`, or what the text is instead.
fn describe(info: &DxInfo) -> String {
    match (&info.code, info.title()) {
        (Some(c), Some(t)) => format!("{c} is \"{t}\""),
        (Some(c), None) if info.status == CodeStatus::Unknown => format!("{c} is not an ICD-10-CM code"),
        (Some(c), None) => format!("{c} (no FY2026 title: deleted before FY2026)"),
        (None, _) => format!("\"{}\" is not shaped like an ICD-10-CM code (a letter, a digit, then up to five letters or digits, e.g. E11.22)", info.text),
    }
}

fn code_and_title(code: &str, info: &DxInfo) -> String {
    match info.title() {
        Some(t) => format!("{code} \"{t}\""),
        None => code.to_string(),
    }
}

/// Why a code cannot be reported on the date, from lookup's own words.
fn why_not_reportable(info: &DxInfo, date: Date) -> Option<String> {
    let code = info.code.as_deref().unwrap_or(&info.text);
    let v = info.view.as_ref();
    match info.status {
        CodeStatus::Valid | CodeStatus::NoData => None,
        CodeStatus::Header => Some(match v {
            Some(v) if v.seventh_characters.is_some() && v.children.is_empty() => {
                format!("{code} needs a 7th character to be reportable.")
            }
            Some(v) => format!("{code} is a {} heading, not a reportable code: choose a code below it.", v.kind.label()),
            None => format!("{code} is not a reportable code."),
        }),
        CodeStatus::NotValidOnDate | CodeStatus::Invalid => Some(format!(
            "{code} cannot be reported for a date of service of {date}: {}",
            v.map(|v| v.validity_text.as_str()).unwrap_or("it is not valid on that date.")
        )),
        CodeStatus::Unknown => Some(format!("{code} is not an ICD-10-CM code.")),
        CodeStatus::Malformed => Some(describe(info) + "."),
    }
}

fn first_role_words(role: Role) -> &'static str {
    match role {
        Role::Principal => "principal",
        _ => "first-listed",
    }
}

pub(crate) fn duplicate(info: &DxInfo, first_position: u32) -> String {
    format!(
        "{} is entered twice (first at position {first_position}); a code is reported once.",
        info.code.as_deref().unwrap_or(&info.text)
    )
}

pub(crate) fn dx_matched(
    ctx: &Ctx,
    status: LineStatus,
    info: &DxInfo,
    position: u32,
    key: &DiagnosisLine,
    key_info: &DxInfo,
) -> Vec<String> {
    let code = info.code.as_deref().unwrap_or_default();
    let mut out = Vec::new();
    match status {
        LineStatus::Optional => out.push(format!(
            "{} is optional for this case: it earns no credit and costs nothing.",
            code_and_title(code, info)
        )),
        LineStatus::Sequencing => {
            out.push(format!(
                "{} is right, but it is the {} diagnosis and belongs first; you entered it in position {position}.",
                code_and_title(code, info),
                first_role_words(key.role)
            ));
            out.push(if ctx.case.setting == Setting::Inpatient {
                "The principal diagnosis is the condition established after study to be chiefly responsible for the admission (Guidelines Section II).".to_string()
            } else {
                "List first the diagnosis chiefly responsible for the encounter (Guidelines Section IV.A).".to_string()
            });
            if ctx.policy == Policy::Practicode {
                out.push("Practicode policy: the first-listed code earns credit only in the first position.".to_string());
            }
        }
        _ => {
            if key.code == code {
                out.push(format!("Correct: {}.", code_and_title(code, info)));
            } else {
                out.push(format!(
                    "Correct: {} is accepted for this line (the key lists {}).",
                    code_and_title(code, info),
                    code_and_title(&key.code, key_info)
                ));
            }
        }
    }
    out
}

/// The error type of a student code paired with a key code of the same category.
pub(crate) fn classify_near_miss(student: &DxInfo, key_code: &str, key: &DxInfo) -> ErrorType {
    let s = student.code.as_deref().unwrap_or_default();
    if seventh_relation(s, key_code).is_some() {
        return ErrorType::SeventhCharacter;
    }
    if let (Some(st), Some(kt)) = (student.title(), key.title()) {
        if laterality_differs(s, key_code, st, kt) {
            return ErrorType::Laterality;
        }
    }
    match student.status {
        CodeStatus::Valid | CodeStatus::Header => ErrorType::Specificity,
        _ => ErrorType::Lookup,
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Seventh {
    /// Same first six characters, another 7th character.
    Other,
    /// The student left the 7th character off.
    Missing,
    /// The student left the placeholder X out.
    Placeholder,
}

fn seventh_relation(student: &str, key: &str) -> Option<Seventh> {
    let (s, k) = (without_dot(student), without_dot(key));
    if k.len() != 7 || s == k {
        return None;
    }
    if s.len() == 7 && s[..6] == k[..6] {
        return Some(Seventh::Other);
    }
    if s.len() < 7 && (s == k[..6] || s == k[..6].trim_end_matches('X')) {
        return Some(Seventh::Missing);
    }
    if s.len() < 7 && s.replace('X', "") == k.replace('X', "") {
        return Some(Seventh::Placeholder);
    }
    None
}

const SIDES: &[&str] = &["right", "left", "bilateral"];
const SIDE_WORDS: &[&str] = &["right", "left", "bilateral", "unspecified"];

/// Two codes that differ in exactly one character, whose titles differ only in a few words that
/// name the side (right, left, bilateral, unspecified side).
pub(crate) fn laterality_differs(a: &str, b: &str, a_title: &str, b_title: &str) -> bool {
    let (a, b) = (without_dot(a), without_dot(b));
    if a.len() != b.len() || a.bytes().zip(b.bytes()).filter(|(x, y)| x != y).count() != 1 {
        return false;
    }
    let words = |t: &str| -> Vec<String> {
        t.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
    };
    let (wa, wb) = (words(a_title), words(b_title));
    let pre = wa.iter().zip(&wb).take_while(|(x, y)| x == y).count();
    let suf = wa[pre..].iter().rev().zip(wb[pre..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (ma, mb) = (&wa[pre..wa.len() - suf], &wb[pre..wb.len() - suf]);
    let sided = |m: &[String]| !m.is_empty() && m.len() <= 3 && m.iter().any(|w| SIDE_WORDS.contains(&w.as_str()));
    let names_side = |m: &[String]| m.iter().any(|w| SIDES.contains(&w.as_str()));
    sided(ma) && sided(mb) && (names_side(ma) || names_side(mb))
}

/// The label of the 7th character of a code, from its lookup view.
fn seventh_label(info: &DxInfo) -> Option<(char, String)> {
    let v = info.view.as_ref()?;
    let t = v.seventh_characters.as_ref()?;
    t.characters.iter().find(|c| c.current).map(|c| (c.character, c.label.clone()))
}

pub(crate) fn dx_near_miss(ctx: &Ctx, error: ErrorType, info: &DxInfo, key_code: &str, key: &DxInfo) -> Vec<String> {
    let s = info.code.as_deref().unwrap_or_default();
    let mut out = vec![format!("{}; the key is {}.", describe(info), code_and_title(key_code, key))];
    match error {
        ErrorType::SeventhCharacter => match seventh_relation(s, key_code) {
            Some(Seventh::Other) => {
                let sl = seventh_label(info);
                let kl = seventh_label(key);
                match (sl, kl) {
                    (Some((sc, sl)), Some((kc, kl))) => out.push(format!(
                        "Only the 7th character differs: {sc} means \"{sl}\"; the chart supports {kc}, \"{kl}\" (Guidelines I.C.19.a for injuries)."
                    )),
                    (None, Some((kc, kl))) => out.push(format!(
                        "Only the 7th character differs, and yours is not in the code's 7th-character table; the chart supports {kc}, \"{kl}\"."
                    )),
                    _ => out.push("Only the 7th character differs.".to_string()),
                }
                out.extend(why_not_reportable(info, ctx.date));
            }
            Some(Seventh::Missing) => {
                let kl = seventh_label(key).map(|(c, l)| format!(" ({c}: \"{l}\")")).unwrap_or_default();
                out.push(format!("{s} needs a 7th character; the chart supports {key_code}{kl}."));
            }
            _ => out.push(format!(
                "A code that takes a 7th character but has fewer than six characters is filled with the placeholder X: {key_code}."
            )),
        },
        ErrorType::Laterality => out.push(
            "The side differs: code the side the chart documents (Guidelines I.B.13, laterality).".to_string(),
        ),
        ErrorType::Lookup => out.extend(why_not_reportable(info, ctx.date)),
        _ => {
            if let Some(why) = why_not_reportable(info, ctx.date) {
                out.push(why);
            }
            out.push("Same category, different code: compare the titles with what the chart documents.".to_string());
        }
    }
    if ctx.policy == Policy::Practicode {
        out.push("Practicode policy: a code that is close but not equal earns no credit.".to_string());
    }
    out
}

pub(crate) fn dx_unsupported(ctx: &Ctx, info: &DxInfo, position: u32) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(why) = why_not_reportable(info, ctx.date) {
        out.push(why);
    }
    let code = info.code.as_deref();
    let not_coded = code.and_then(|c| ctx.case.key.not_coded.iter().find(|n| n.codes.iter().any(|x| x == c)));
    if let Some(nc) = not_coded {
        let g = if nc.guidelines.is_empty() { String::new() } else { format!(" (Guidelines {})", nc.guidelines.join(", ")) };
        out.push(format!("{}. The chart mentions {}, which is not coded: {}{g}", describe(info), nc.condition, nc.reason.trim_end_matches('.')) + ".");
    } else if info.status == CodeStatus::Valid {
        out.push(format!(
            "{}. The key has no line for it: the chart does not support it for this encounter.",
            describe(info)
        ));
    }
    for f in ctx.findings.iter().filter(|f| f.positions.contains(&position) && f.codes.len() > 1) {
        out.push(f.message.clone());
    }
    out
}

pub(crate) fn dx_key_only(
    ctx: &Ctx,
    status: LineStatus,
    key: &DiagnosisLine,
    info: &DxInfo,
    close: Option<(u32, &DxInfo)>,
) -> Vec<String> {
    let mut out = Vec::new();
    if status == LineStatus::Optional {
        out.push(format!(
            "Optional: {} may also be coded; leaving it out costs nothing.",
            code_and_title(&key.code, info)
        ));
    } else {
        let role = if key.role.is_first() { format!(" (the {} diagnosis)", first_role_words(key.role)) } else { String::new() };
        out.push(format!("Missing: {}{role}.", code_and_title(&key.code, info)));
        if let Some((pos, s)) = close {
            if ctx.policy == Policy::Practicode {
                out.push(format!(
                    "Your {} at position {pos} is close but not equal.",
                    s.code.as_deref().unwrap_or(&s.text)
                ));
            }
        }
    }
    out
}

fn mods_text(mods: &[String]) -> String {
    if mods.is_empty() {
        "no modifier".to_string()
    } else {
        mods.join(", ")
    }
}

fn px_code_title(code: &str, info: &PxInfo) -> String {
    match &info.title {
        Some(t) => format!("{code} \"{t}\""),
        None => code.to_string(),
    }
}

pub(crate) fn px_matched(
    ctx: &Ctx,
    status: LineStatus,
    info: &PxInfo,
    mods: &[String],
    units: u32,
    key: &ProcedureLine,
    key_info: &PxInfo,
) -> Vec<String> {
    let code = info.code.as_deref().unwrap_or_default();
    let mut out = Vec::new();
    match status {
        LineStatus::Optional => {
            out.push(format!("{} is optional for this case: it earns no credit and costs nothing.", px_code_title(code, info)))
        }
        LineStatus::Correct => {
            let alt = if key.code != code { format!(" (accepted for the key's {})", key.code) } else { String::new() };
            out.push(format!(
                "Correct: {}{alt} with {} and {units} unit{}.",
                px_code_title(code, info),
                mods_text(mods),
                if units == 1 { "" } else { "s" }
            ));
        }
        _ => {
            let mut why = Vec::new();
            let mut shown: Vec<String> = key.modifiers.clone();
            shown.sort();
            if !super::grader::modifiers_match(mods, key) {
                let opt = if key.optional_modifiers.is_empty() {
                    String::new()
                } else {
                    format!(" (optional: {})", key.optional_modifiers.join(", "))
                };
                why.push(format!("the modifiers differ: you entered {}, the key has {}{opt}", mods_text(mods), mods_text(&shown)));
            }
            if units != key.units {
                why.push(format!("the units differ: you entered {units}, the key has {}", key.units));
            }
            let credit = if ctx.policy.partial_halves() == 1 { "half credit" } else { "no credit" };
            out.push(format!("{} is the key's code, but {} ({credit}).", px_code_title(code, key_info), why.join("; ")));
        }
    }
    out
}

pub(crate) fn px_unsupported(ctx: &Ctx, info: &PxInfo) -> Vec<String> {
    let code = info.code.as_deref().unwrap_or(&info.text);
    let mut out = Vec::new();
    match info.status {
        CodeStatus::Malformed => out.push(format!(
            "\"{}\" is not shaped like a procedure code (CPT 99213, HCPCS J1100, ICD-10-PCS 0DTJ4ZZ).",
            info.text
        )),
        CodeStatus::Unknown | CodeStatus::NotValidOnDate | CodeStatus::Invalid => out.push(format!(
            "{code} cannot be reported for a date of service of {}: {}",
            ctx.date,
            info.message.as_deref().unwrap_or("it is not a valid code on that date.")
        )),
        _ => {}
    }
    if let Some(nc) = ctx.case.key.not_coded.iter().find(|n| n.codes.iter().any(|x| x == code)) {
        out.push(format!("The chart mentions {}, which is not coded: {}.", nc.condition, nc.reason.trim_end_matches('.')));
    } else if matches!(info.status, CodeStatus::Valid | CodeStatus::NoData) {
        out.push(format!("{}: the key has no line for it; the chart does not support it.", px_code_title(code, info)));
    }
    out
}

pub(crate) fn px_key_only(status: LineStatus, key: &ProcedureLine, info: &PxInfo) -> Vec<String> {
    let detail = {
        let mut d = Vec::new();
        if !key.modifiers.is_empty() {
            d.push(format!("modifiers {}", key.modifiers.join(", ")));
        }
        if key.units != 1 {
            d.push(format!("{} units", key.units));
        }
        if d.is_empty() {
            String::new()
        } else {
            format!(" with {}", d.join(" and "))
        }
    };
    if status == LineStatus::Optional {
        vec![format!("Optional: {}{detail} may also be reported; leaving it out costs nothing.", px_code_title(&key.code, info))]
    } else {
        vec![format!("Missing: {}{detail}.", px_code_title(&key.code, info))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seventh_character_relations() {
        assert_eq!(seventh_relation("S72.001D", "S72.001A"), Some(Seventh::Other));
        assert_eq!(seventh_relation("S72.001", "S72.001A"), Some(Seventh::Missing));
        assert_eq!(seventh_relation("W10.9", "W10.9XXA"), Some(Seventh::Missing));
        assert_eq!(seventh_relation("W10.9A", "W10.9XXA"), Some(Seventh::Placeholder));
        assert_eq!(seventh_relation("S72.002A", "S72.001A"), None);
        assert_eq!(seventh_relation("E11.9", "E11.22"), None);
    }

    #[test]
    fn laterality_from_titles() {
        assert!(laterality_differs(
            "S52.502A",
            "S52.501A",
            "Unspecified fracture of the lower end of left radius, initial encounter for closed fracture",
            "Unspecified fracture of the lower end of right radius, initial encounter for closed fracture"
        ));
        assert!(laterality_differs(
            "H65.93",
            "H65.91",
            "Unspecified nonsuppurative otitis media, bilateral",
            "Unspecified nonsuppurative otitis media, right ear"
        ));
        assert!(!laterality_differs(
            "E11.8",
            "E11.9",
            "Type 2 diabetes mellitus with unspecified complications",
            "Type 2 diabetes mellitus without complications"
        ));
        assert!(!laterality_differs("S52.501A", "S52.511A", "a right b", "a left c d e f"));
    }
}
