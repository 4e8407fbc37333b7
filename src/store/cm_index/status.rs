//! What became of a code printed in the FY2023 index, checked against the ICD-10-CM code set
//! (FY2026 tabular and the MCE validity windows) on a date of service.

use super::model::{CodeCheck, CodeStatus};
use crate::codes::{normalize_icd10cm, with_dot, without_dot, Date};
use crate::store::Icd10cm;

/// The date the statuses stored in the compiled index are computed for.
pub const STATUS_DATE: Date = Date(20260401);

/// Checks one printed code ("T39.1X1", "C79.8-", "W10.9", "X58") against the code set.
pub fn check_code(icd: &Icd10cm, printed: &str, date: Date) -> CodeCheck {
    let t = printed.trim();
    let dash = t.ends_with('-');
    let base = t.trim_end_matches('-');
    let base = base.strip_suffix('.').unwrap_or(base);
    let none = |status| CodeCheck { status, tabular: None, stem: None, sevenths: None };
    let Ok(code) = normalize_icd10cm(base) else {
        return none(CodeStatus::Deleted);
    };
    if let Some(id) = icd.node_id(&code) {
        let node = &icd.nodes[id as usize];
        if node.is_leaf() {
            if let Some((_, table)) = icd.seventh_table(id) {
                let six = format!("{:X<6}", without_dot(&code));
                let allowed: String = table.characters.iter().map(|c| c.character).filter(|&c| table.allows(&six, c)).collect();
                let any_valid = allowed.chars().any(|c| icd.is_valid_on(&format!("{six}{c}"), date));
                // A code printed complete that was valid as such on the date (before a 7th
                // character was required) is valid.
                let status = if !dash && icd.is_valid_on(&code, date) {
                    CodeStatus::Valid
                } else if any_valid {
                    CodeStatus::SeventhCharacter
                } else {
                    CodeStatus::NotValidOnDate
                };
                return CodeCheck { status, tabular: Some(code), stem: Some(with_dot(&six)), sevenths: Some(allowed) };
            }
            let status = if icd.is_valid_on(&code, date) { CodeStatus::Valid } else { CodeStatus::NotValidOnDate };
            return CodeCheck { status, tabular: Some(code), stem: None, sevenths: None };
        }
        // A header (category or subcategory with codes below it).
        let status = if dash {
            CodeStatus::MoreCharacters
        } else if icd.is_valid_on(&code, date) {
            // It was a reportable code on that date (before it was expanded).
            CodeStatus::Valid
        } else if icd.validity_of(&code).is_some() {
            // A code once, a header now: expanded since the index edition.
            CodeStatus::Revised
        } else {
            // Never a code: the index printed a header without its dash.
            CodeStatus::MoreCharacters
        };
        return CodeCheck { status, tabular: Some(code), stem: None, sevenths: None };
    }
    if let Some(seventh) = icd.resolve_seventh(&code) {
        let status = if icd.is_valid_on(&code, date) {
            CodeStatus::Valid
        } else if seventh.allowed {
            CodeStatus::NotValidOnDate
        } else {
            CodeStatus::Deleted
        };
        return CodeCheck { status, tabular: Some(code), stem: None, sevenths: None };
    }
    // Not in the FY2026 tabular: deleted, unless the validity file says it was valid that day.
    let dotless = without_dot(&code);
    let nearest = (3..dotless.len()).rev().map(|n| with_dot(&dotless[..n])).find(|c| icd.node_id(c).is_some());
    let status = if !dash && icd.is_valid_on(&code, date) { CodeStatus::Valid } else { CodeStatus::Deleted };
    CodeCheck { status, tabular: nearest, stem: None, sevenths: None }
}

/// A sentence for the student about a checked code.
pub fn status_text(printed: &str, check: &CodeCheck, date: Option<Date>, index_edition: &str) -> String {
    let on = date.map(|d| format!(" on {d}")).unwrap_or_default();
    let tab = check.tabular.as_deref().unwrap_or(printed);
    match check.status {
        CodeStatus::Valid => format!("Valid code{on}. Verify it in the tabular before assigning it."),
        CodeStatus::SeventhCharacter => {
            let stem = check.stem.as_deref().unwrap_or(tab);
            let chars: Vec<String> = check.sevenths.as_deref().unwrap_or("").chars().map(|c| format!("{stem}{c}")).collect();
            let placeholder = if stem.len() > tab.len() { " (with placeholder X)" } else { "" };
            let examples = if chars.len() > 4 { format!("{}, …", chars[..3].join(", ")) } else { chars.join(", ") };
            format!("Needs a 7th character{placeholder}: {examples}. Check the 7th-character table at {tab} in the tabular.")
        }
        CodeStatus::MoreCharacters if printed.trim().ends_with('-') => {
            format!("The dash means more characters are needed: choose a code below {tab} in the tabular.")
        }
        CodeStatus::MoreCharacters => {
            format!("{tab} is a header (the index prints it without its dash): more characters are needed; choose a code below it in the tabular.")
        }
        CodeStatus::Revised => {
            format!("Revised since this index edition ({index_edition}) — see {tab}: it is now a header; choose a code below it in the tabular.")
        }
        CodeStatus::Deleted => match &check.tabular {
            Some(near) => format!("Deleted since this index edition ({index_edition}): not a valid code{on}. Look under {near} in the tabular."),
            None => format!("Deleted since this index edition ({index_edition}): not a valid code{on}."),
        },
        CodeStatus::NotValidOnDate => format!("Not a valid code{on}; see {tab} in the tabular for its dates."),
        CodeStatus::Unchecked => "Not checked against the ICD-10-CM tabular.".to_string(),
    }
}
