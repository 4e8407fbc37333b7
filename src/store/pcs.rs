//! The compiled ICD-10-PCS code set: the tables (one per section, body system and root
//! operation) and their rows, which alone define the valid codes; definitions; validity by date;
//! lookup of a code with its long title; and the builder, which offers at each of the seven
//! positions only the values that lead to at least one valid code.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::format::{decode_set, LoadError, ICD10PCS_SET};
use super::model::CodeValidity;
use crate::codes::Date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AxisValue {
    pub code: char,
    pub label: String,
}

/// One axis (character position) of a table or row, with the values allowed there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PcsAxis {
    pub pos: u8,
    /// "Section", "Body System", "Operation", "Body Part", "Approach", "Device", "Qualifier",
    /// or the section's own names ("Modality", "Contrast", ...).
    pub title: String,
    pub values: Vec<AxisValue>,
    pub definition: Option<String>,
}

impl PcsAxis {
    fn value(&self, c: char) -> Option<&AxisValue> {
        self.values.iter().find(|v| v.code == c)
    }
}

/// A row: every combination of its four axes is a valid code with the table's first three.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PcsRow {
    pub axes: Vec<PcsAxis>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PcsTable {
    /// The three characters the table fixes ("0DT").
    pub prefix: String,
    /// Positions 1-3, one value each.
    pub axes: Vec<PcsAxis>,
    pub rows: Vec<PcsRow>,
}

/// A term of the definitions file: a root operation, approach, device, ... of one section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PcsDefinition {
    pub section: char,
    pub pos: u8,
    pub axis_title: String,
    pub term: String,
    pub definition: Option<String>,
    pub explanation: Option<String>,
    pub includes: Vec<String>,
}

/// A row of the device aggregation table: a specific device and the general value it is coded to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceAggregate {
    pub device: String,
    pub operation: String,
    pub body_systems: Vec<String>,
    pub parent: String,
    pub parent_value: char,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Icd10pcs {
    pub edition: String,
    pub validity_edition: String,
    /// Sorted by prefix.
    pub tables: Vec<PcsTable>,
    /// Sorted by code.
    pub validity: Vec<CodeValidity>,
    pub definitions: Vec<PcsDefinition>,
    pub device_aggregation: Vec<DeviceAggregate>,
    pub index: super::pcs_index::PcsIndex,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PcsError {
    /// Not seven (or fewer, for the builder) characters of 0-9 and A-Z without I and O.
    Malformed(String),
    /// Code-shaped but not in any table row and never valid in the MCE file.
    Unknown(String),
    /// The builder was given a start that no table allows.
    NoSuchPrefix(String),
}

impl fmt::Display for PcsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PcsError::Malformed(s) => write!(f, "'{s}' is not an ICD-10-PCS code: expected 7 characters, digits and letters other than I and O (e.g. 0DTJ4ZZ)"),
            PcsError::Unknown(s) => write!(f, "{s} is not an ICD-10-PCS code: no FY2026 table row holds it and it was not valid at any date from FY2016 to FY2027"),
            PcsError::NoSuchPrefix(s) => write!(f, "no FY2026 ICD-10-PCS table allows a code starting {s}"),
        }
    }
}

impl std::error::Error for PcsError {}

/// Upper-cases and checks the characters of a (possibly partial) PCS code.
pub fn normalize_pcs(input: &str, max_len: usize) -> Result<String, PcsError> {
    let code: String = input.trim().chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
    let ok = code.len() <= max_len && code.chars().all(|c| c.is_ascii_alphanumeric() && c != 'I' && c != 'O');
    if ok {
        Ok(code)
    } else {
        Err(PcsError::Malformed(input.trim().to_string()))
    }
}

/// One chosen character with its meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PcsCharacter {
    pub pos: u8,
    pub axis: String,
    #[serde(rename = "char")]
    pub character: char,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PcsLookupView {
    pub system: &'static str,
    pub code: String,
    /// `valid`, `not_valid_on_date`.
    pub status: &'static str,
    /// Long title built from the axis labels; null for a code valid by the MCE file but absent
    /// from the FY2026 tables (the April 2026 additions, or codes deleted before FY2026).
    pub title: Option<String>,
    pub in_tables: bool,
    pub date: String,
    pub valid_on_date: bool,
    pub validity: Vec<super::WindowView>,
    pub validity_text: String,
    /// The seven characters and their axis labels (empty when not in the tables).
    pub characters: Vec<PcsCharacter>,
    /// The table ("0DT") and the row number within it (1-based) that hold the code.
    pub table: Option<String>,
    pub row: Option<usize>,
    /// Definition of the root operation (position 3) when the table gives one.
    pub operation_definition: Option<String>,
}

/// A value offered by the builder at the next position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PcsChoice {
    #[serde(rename = "char")]
    pub character: char,
    pub label: String,
    pub definition: Option<String>,
    /// What the definitions file says the value includes (for body parts, the body-part key:
    /// "Vermiform appendix" under Appendix).
    pub includes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PcsBuilderStep {
    /// The characters chosen so far, with their labels.
    pub chosen: Vec<PcsCharacter>,
    /// Position of the next choice (1-7), or null when the code is complete.
    pub next_pos: Option<u8>,
    /// Name of the next axis ("Body Part", ...).
    pub next_axis: Option<String>,
    pub choices: Vec<PcsChoice>,
    /// The complete code once seven characters are chosen.
    pub code: Option<String>,
    pub title: Option<String>,
}

impl Icd10pcs {
    pub fn from_bytes(bytes: &[u8]) -> Result<Icd10pcs, LoadError> {
        decode_set(ICD10PCS_SET, bytes)
    }

    fn table(&self, prefix: &str) -> Option<&PcsTable> {
        self.tables.binary_search_by(|t| t.prefix.as_str().cmp(prefix)).ok().map(|i| &self.tables[i])
    }

    fn validity_of(&self, code: &str) -> Option<&CodeValidity> {
        self.validity.binary_search_by(|v| v.code.as_str().cmp(code)).ok().map(|i| &self.validity[i])
    }

    pub fn is_valid_on(&self, code: &str, date: Date) -> bool {
        self.validity_of(code).is_some_and(|v| v.is_valid_on(date))
    }

    /// The row (index) of a table holding a full code, if any.
    fn row_of(&self, code: &str) -> Option<(&PcsTable, usize)> {
        let chars: Vec<char> = code.chars().collect();
        let table = self.table(&code[..3])?;
        table
            .rows
            .iter()
            .position(|r| r.axes.iter().enumerate().all(|(i, a)| a.value(chars[3 + i]).is_some()))
            .map(|i| (table, i))
    }

    /// Every code the tables define, sorted.
    pub fn table_codes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for t in &self.tables {
            for r in &t.rows {
                for a in &r.axes[0].values {
                    for b in &r.axes[1].values {
                        for c in &r.axes[2].values {
                            for d in &r.axes[3].values {
                                out.push(format!("{}{}{}{}{}", t.prefix, a.code, b.code, c.code, d.code));
                            }
                        }
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Codes valid on a date according to the MCE file (which also knows codes the FY2026
    /// tables do not hold).
    pub fn codes_on(&self, date: Date) -> Vec<String> {
        self.validity
            .iter()
            .filter(|v| v.is_valid_on(date))
            .map(|v| v.code.clone())
            .collect()
    }

    fn characters_of(&self, table: &PcsTable, row: &PcsRow, code: &str) -> Vec<PcsCharacter> {
        code.chars()
            .enumerate()
            .filter_map(|(i, c)| {
                let axis = if i < 3 { &table.axes[i] } else { &row.axes[i - 3] };
                axis.value(c).map(|v| PcsCharacter { pos: axis.pos, axis: axis.title.clone(), character: c, label: v.label.clone() })
            })
            .collect()
    }

    pub fn lookup(&self, input: &str, date: Date) -> Result<PcsLookupView, PcsError> {
        let code = normalize_pcs(input, 7)?;
        if code.len() != 7 {
            return Err(PcsError::Malformed(input.trim().to_string()));
        }
        let found = self.row_of(&code);
        let (valid, windows, mut validity_text) = super::describe_validity(self.validity_of(&code), date, &self.validity_edition);
        if found.is_none() && windows.is_empty() {
            return Err(PcsError::Unknown(code));
        }
        let (title, characters, operation_definition) = match found {
            Some((t, r)) => {
                let chars = self.characters_of(t, &t.rows[r], &code);
                (Some(long_title(&chars)), chars, t.axes[2].definition.clone())
            }
            None => {
                validity_text.push_str(" Not in the FY2026 (October 2025) tables: added in the April 2026 update or deleted before FY2026, so no title is available here.");
                (None, Vec::new(), None)
            }
        };
        Ok(PcsLookupView {
            system: "icd10pcs",
            code,
            status: if valid { "valid" } else { "not_valid_on_date" },
            title,
            in_tables: found.is_some(),
            date: date.to_string(),
            valid_on_date: valid,
            validity: windows,
            validity_text,
            characters,
            table: found.map(|(t, _)| t.prefix.clone()),
            row: found.map(|(_, r)| r + 1),
            operation_definition,
        })
    }

    /// The builder: given the characters chosen so far (0-7), the values that can come next.
    /// Every value offered leads to at least one valid code; a prefix no table allows is an error.
    pub fn build(&self, chosen: &str) -> Result<PcsBuilderStep, PcsError> {
        let prefix = normalize_pcs(chosen, 7)?;
        let n = prefix.len();
        let bad = || PcsError::NoSuchPrefix(prefix.clone());
        let chars: Vec<char> = prefix.chars().collect();
        // Tables matching the first (up to) three characters.
        let head: String = chars.iter().take(3).collect();
        let tables: Vec<&PcsTable> = self.tables.iter().filter(|t| t.prefix.starts_with(&head)).collect();
        if tables.is_empty() {
            return Err(bad());
        }
        // Rows matching characters 4..n.
        let rows: Vec<(&PcsTable, &PcsRow)> = tables
            .iter()
            .flat_map(|t| t.rows.iter().map(move |r| (*t, r)))
            .filter(|(_, r)| chars.iter().skip(3).enumerate().all(|(i, c)| r.axes[i].value(*c).is_some()))
            .collect();
        if rows.is_empty() {
            return Err(bad());
        }
        let (first_table, first_row) = rows[0];
        let chosen_view: Vec<PcsCharacter> = self.characters_of(first_table, first_row, &prefix);
        if n == 7 {
            return Ok(PcsBuilderStep {
                title: Some(long_title(&chosen_view)),
                chosen: chosen_view,
                next_pos: None,
                next_axis: None,
                choices: Vec::new(),
                code: Some(prefix),
            });
        }
        let mut choices: Vec<PcsChoice> = Vec::new();
        let mut next_axis = String::new();
        let section = chars.first().copied();
        for (t, r) in &rows {
            let axis = if n < 3 { &t.axes[n] } else { &r.axes[n - 3] };
            next_axis = axis.title.clone();
            for v in &axis.values {
                if !choices.iter().any(|c| c.character == v.code) {
                    let entry = self.definition_entry(section.unwrap_or(t.prefix.chars().next().unwrap()), axis.pos, &v.label);
                    let definition = if n == 2 { axis.definition.clone() } else { entry.and_then(|d| d.definition.clone()) };
                    let includes = entry.map(|d| d.includes.clone()).unwrap_or_default();
                    choices.push(PcsChoice { character: v.code, label: v.label.clone(), definition, includes });
                }
            }
        }
        choices.sort_by_key(|c| c.character);
        Ok(PcsBuilderStep { chosen: chosen_view, next_pos: Some(n as u8 + 1), next_axis: Some(next_axis), choices, code: None, title: None })
    }

    /// The definitions-file entry for a value at a position of a section, if there is one.
    pub fn definition_entry(&self, section: char, pos: u8, label: &str) -> Option<&PcsDefinition> {
        self.definitions.iter().find(|d| d.section == section && d.pos == pos && d.term.eq_ignore_ascii_case(label))
    }
}

/// Puts a one-word trailing part of a label first, as long titles do ("Hand Artery, Left" ->
/// "Left Hand Artery", "Intraluminal Device, Drug-eluting" -> "Drug-eluting Intraluminal
/// Device"); longer trailing parts stay where they are ("Coronary Artery, One Artery").
fn natural_order(label: &str) -> String {
    match label.rsplit_once(", ") {
        Some((head, tail)) if !tail.contains(' ') => format!("{tail} {}", natural_order(head)),
        _ => label.to_string(),
    }
}

/// The long title of a code from its seven characters' labels, following the patterns of the
/// CMS long titles for the Medical and Surgical section (and its general form elsewhere). The
/// agreement with the FY2025 CMS titles is measured by tests/icd10pcs_official.rs.
pub fn long_title(chars: &[PcsCharacter]) -> String {
    let label = |pos: u8| chars.iter().find(|c| c.pos == pos).map(|c| c.label.as_str()).unwrap_or("");
    let has = |s: &str| !s.is_empty() && !s.starts_with("No ") && s != "None";
    match chars.first().map(|c| c.character) {
        // Imaging: type of body part using contrast, qualifier.
        Some('B') => {
            let mut t = format!("{} of {}", label(3), natural_order(label(4)));
            let contrast = label(5);
            if has(contrast) {
                t.push_str(&format!(" using {contrast}"));
                if !contrast.ends_with("Contrast") {
                    t.push_str(" Contrast");
                }
            }
            if has(label(6)) {
                t.push_str(&format!(", {}", label(6)));
            }
            return t;
        }
        // Nuclear medicine: type of body part using radionuclide.
        Some('C') => {
            let mut t = format!("{} of {}", label(3), natural_order(label(4)));
            if has(label(5)) {
                t.push_str(&format!(" using {}", label(5)));
            }
            return t;
        }
        // Radiation therapy, beam radiation: modality of site using modality qualifier.
        Some('D') if label(3) == "Beam Radiation" => {
            return format!("Beam Radiation of {} using {}", natural_order(label(4)), label(5));
        }
        _ => {}
    }
    let operation = label(3);
    let body = natural_order(label(4));
    let approach = label(5);
    let device = natural_order(label(6));
    let qualifier = label(7);
    let mut title = match operation {
        "Insertion" if has(&device) => format!("{operation} of {device} into {body}"),
        "Removal" if has(&device) => format!("{operation} of {device} from {body}"),
        "Revision" if has(&device) => format!("{operation} of {device} in {body}"),
        "Change" if has(&device) => format!("{operation} {device} in {body}"),
        "Extirpation" => format!("Extirpation of Matter from {body}"),
        "Fragmentation" => format!("Fragmentation in {body}"),
        "Control" => format!("Control Bleeding in {body}"),
        "Bypass" | "Release" | "Repair" | "Reposition" | "Supplement" | "Transfer" => format!("{operation} {body}"),
        _ => format!("{operation} of {body}"),
    };
    let device_after = !matches!(operation, "Insertion" | "Removal" | "Revision" | "Change");
    match operation {
        "Bypass" | "Transfer" if has(qualifier) => {
            title.push_str(&format!(" to {}", natural_order(qualifier)));
        }
        _ => {}
    }
    if device_after && has(&device) {
        title.push_str(&format!(" with {device}"));
    }
    let qualifier_before = has(qualifier) && !matches!(operation, "Bypass" | "Transfer") && qualifier != "Diagnostic";
    if qualifier_before {
        title.push_str(&format!(", {qualifier}"));
    }
    if has(approach) {
        // CMS drops "Approach" after the via-natural-opening approaches, unless a
        // "Diagnostic" qualifier follows the endoscopic one.
        let endoscopic_then_diagnostic = approach.ends_with("Endoscopic") && qualifier == "Diagnostic";
        if approach.starts_with("Via ") && !endoscopic_then_diagnostic {
            title.push_str(&format!(", {approach}"));
        } else {
            title.push_str(&format!(", {approach} Approach"));
        }
    }
    if qualifier == "Diagnostic" {
        title.push_str(", Diagnostic");
    }
    title
}
