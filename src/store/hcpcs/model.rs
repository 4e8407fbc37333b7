//! The compiled HCPCS code set as it is held in memory: every Level II code of the January 2026
//! CMS file with its descriptions and administrative fields, the Level II codes the I/OCE knows
//! beyond that file (April 2026 additions, dental codes by number), the CPT code NUMBERS of the
//! I/OCE (never a descriptor), the modifiers, the processing notes, and our own CPT range labels.
//! Everything is in vectors sorted by code, so encoding is deterministic and lookup is a binary
//! search.

use serde::{Deserialize, Serialize};

use crate::codes::Date;

/// A span of dates of service (inclusive) in which a code is valid. `to: None` means no end date
/// is known: the code is still in force in the newest source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub from: Date,
    pub to: Option<Date>,
}

impl Span {
    pub fn contains(&self, date: Date) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }
}

/// Sex edit of the I/OCE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// The claim edits the I/OCE attaches to a code (newest I/OCE row that has them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IoceEdits {
    /// Lowest and highest patient age (years, inclusive) when the I/OCE limits it.
    pub age: Option<(u8, u8)>,
    pub sex: Option<Sex>,
    /// A date edit: the I/OCE edit number and the approval (start) and end dates it checks.
    pub date_edit: Option<DateEdit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateEdit {
    pub edit: u16,
    pub approved: Option<Date>,
    pub ends: Option<Date>,
}

/// One HCPCS Level II code (letter + 4 digits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level2Code {
    pub code: String,
    /// Full CMS long description, continuation records joined. None when the code is not in the
    /// January 2026 file (known from the I/OCE only).
    pub long_description: Option<String>,
    /// CMS short description (28 characters at most); for I/OCE-only codes, the I/OCE's short
    /// description, except dental codes (ADA copyright).
    pub short_description: Option<String>,
    /// The code is in the January 2026 HCPCS file.
    pub in_hcpcs_file: bool,
    /// Pricing indicator codes (up to four, "51").
    pub pricing: Vec<String>,
    /// Multiple pricing indicator ("A", "9").
    pub multiple_pricing: Option<String>,
    /// Coverage code (C, D, I, M, S).
    pub coverage: Option<String>,
    /// Coverage Issues Manual (NCD) reference sections.
    pub coverage_manual: Vec<String>,
    /// Medicare Carriers Manual reference sections.
    pub carriers_manual: Vec<String>,
    pub statute: Option<String>,
    /// CLIA lab certification categories ("310").
    pub lab_certification: Vec<String>,
    /// Codes this one is cross-referenced to (usually the replacement of a deleted code).
    pub cross_references: Vec<String>,
    /// Approved for an ambulatory surgical center (ASC group "YY"), from this date.
    pub asc_effective: Option<Date>,
    /// Processing note number ("0088"), see [`ProcNote`].
    pub processing_note: Option<String>,
    pub betos: Option<String>,
    /// CMS type-of-service codes ("1", "P").
    pub type_of_service: Vec<String>,
    pub added: Option<Date>,
    pub action_effective: Option<Date>,
    pub terminated: Option<Date>,
    /// Action code of this release (A, C, D, N, P, S...).
    pub action: Option<String>,
    /// Validity by date of service: the I/OCE windows, extended back to the HCPCS file's added
    /// date; HCPCS file dates alone for codes the I/OCE does not know.
    pub windows: Vec<Span>,
    pub edits: IoceEdits,
}

/// A CPT code number (5 digits, or 4 digits + A, F, M, T or U). No descriptor, ever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CptCode {
    pub code: String,
    pub windows: Vec<Span>,
    pub edits: IoceEdits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModifierKind {
    /// HCPCS Level II modifier, described by the CMS file.
    Hcpcs,
    /// CPT (Level I) modifier, with our own plain-language label.
    Cpt,
}

/// One modifier: Level II from the CMS file, CPT from our own table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modifier {
    pub code: String,
    pub kind: ModifierKind,
    /// CMS long description (Level II) or our own one-line label (CPT).
    pub label: String,
    pub short_description: Option<String>,
    pub coverage: Option<String>,
    pub processing_note: Option<String>,
    pub added: Option<Date>,
    pub action_effective: Option<Date>,
    pub terminated: Option<Date>,
    pub action: Option<String>,
    /// Validity windows: the I/OCE modifier file, extended back to the HCPCS added date.
    /// Empty when neither source dates it (a CPT modifier the I/OCE does not list).
    pub windows: Vec<Span>,
    /// The modifier is listed in the I/OCE modifier file.
    pub in_ioce: bool,
    /// NCCI-associated: may bypass an NCCI edit when documentation supports it (I/OCE flag).
    pub ncci_associated: bool,
    /// The I/OCE marks it as a telehealth modifier.
    pub telehealth: bool,
}

/// A CMS processing note ("0088", text), as printed in the proc_notes file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcNote {
    pub number: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeLevel {
    Section,
    Subsection,
}

/// A range of CPT numbers with our own plain-language label. Both ends have the same shape
/// (5 digits, or 4 digits and the same letter); a code belongs to the range when it has that
/// shape and sorts between them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CptRange {
    pub first: String,
    pub last: String,
    pub level: RangeLevel,
    pub label: String,
}

impl CptRange {
    pub fn contains(&self, code: &str) -> bool {
        same_shape(code, &self.first) && self.first.as_str() <= code && code <= self.last.as_str()
    }
}

/// Both codes are 5 digits, or both 4 digits and the same letter.
pub fn same_shape(a: &str, b: &str) -> bool {
    let kind = |c: &str| c.bytes().last().filter(u8::is_ascii_alphabetic);
    a.len() == b.len() && kind(a) == kind(b)
}

/// The whole compiled set (the body of `hcpcs.bin`).
#[derive(Debug, Serialize, Deserialize)]
pub struct HcpcsData {
    /// "HCPCS Level II January 2026 ...".
    pub edition: String,
    /// Edition of the I/OCE tables the dates and CPT numbers come from.
    pub attributes_edition: String,
    /// First date the I/OCE tables cover (2019-07-01): "valid from" this date means "at least since".
    pub ioce_first_date: Date,
    /// Sorted by code.
    pub level2: Vec<Level2Code>,
    /// Sorted by code.
    pub cpt: Vec<CptCode>,
    /// Sorted by code (CPT modifiers are numeric or digit + letter, Level II start with a letter
    /// or are digit + letter too; codes are unique across both kinds).
    pub modifiers: Vec<Modifier>,
    /// Sorted by number.
    pub notes: Vec<ProcNote>,
    /// In the order of our table: sections, each followed by its subsections.
    pub cpt_ranges: Vec<CptRange>,
}
