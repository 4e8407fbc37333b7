//! Read side of the HCPCS code set: HCPCS Level II codes and modifiers (CMS, January 2026), CPT
//! code numbers with their validity dates (I/OCE), CPT modifiers and CPT ranges with our own
//! plain-language labels — and CPT descriptors only from a file the user imports (AMA
//! copyright: never shipped, kept by the page in the user's browser).
//!
//! - [`Hcpcs::lookup`]: one code or modifier on a date of service ([`HcpcsView`]).
//! - [`Hcpcs::search`]: words over Level II descriptions, modifiers, CPT range labels and
//!   imported descriptors; code-shaped queries list codes by prefix.
//! - [`Hcpcs::section`], [`Hcpcs::modifiers`], [`Hcpcs::codes_on`]: browsing and lists.
//! - [`Hcpcs::parse_cpt_descriptors`], [`Hcpcs::set_cpt_descriptors`]: bring your own descriptors.

mod import;
pub mod labels;
mod lookup;
pub mod model;
mod search;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// A Level II letter section as a browse list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionSummary {
    pub letter: char,
    pub name: String,
    pub codes: usize,
}

pub use import::{CptDescriptor, CptImport, CptImportError, Skipped};
pub use lookup::{
    ActionView, AgeView, DateEditView, HcpcsLookupError, HcpcsStatus, HcpcsView, LabelView, NoteView, RangeView,
    ReferenceView, SectionRef, SpanView,
};
pub use search::HcpcsHit;

use super::format::{decode_set, LoadError, HCPCS_SET};
use crate::codes::Date;
use model::{CptCode, HcpcsData, Level2Code, Modifier, ModifierKind, Span};

/// The HCPCS code set, ready for questions: the compiled data plus the search index built at
/// load and the CPT descriptors the user imported (never part of the compiled bytes).
#[derive(Debug)]
pub struct Hcpcs {
    pub data: HcpcsData,
    index: search::Index,
    descriptors: BTreeMap<String, String>,
    descriptor_index: search::Index,
}

/// Which list `codes_on` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSystem {
    /// HCPCS Level II codes (letter + 4 digits).
    Hcpcs,
    /// CPT code numbers.
    Cpt,
}

impl CodeSystem {
    /// "hcpcs" or "cpt" (any case).
    pub fn parse(name: &str) -> Option<CodeSystem> {
        match name.trim().to_ascii_lowercase().as_str() {
            "hcpcs" => Some(CodeSystem::Hcpcs),
            "cpt" => Some(CodeSystem::Cpt),
            _ => None,
        }
    }
}

/// A Level II section to browse: its letter, our name for it, and its codes in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionView {
    pub letter: String,
    pub name: String,
    pub codes: Vec<CodeSummary>,
}

/// One line of a section listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeSummary {
    pub code: String,
    /// Long description; the short one for codes only the I/OCE knows; null for dental codes.
    pub description: Option<String>,
    pub short_description: Option<String>,
    /// Last date of service the code is valid for; null when it has no end date.
    pub valid_until: Option<String>,
    pub in_hcpcs_file: bool,
}

/// One entry of the modifier reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModifierView {
    pub code: String,
    /// "hcpcs" (Level II, described by the CMS file) or "cpt" (our own plain-language label).
    pub kind: ModifierKind,
    pub label: String,
    /// Where the label comes from.
    pub label_source: &'static str,
    pub short_description: Option<String>,
    /// May bypass an NCCI edit when documentation supports it (I/OCE flag).
    pub ncci_associated: bool,
    pub telehealth: bool,
    /// First date of service known to be valid (null when no source dates it).
    pub valid_from: Option<String>,
    /// Last date of service it is valid for; null when it has no end date.
    pub valid_until: Option<String>,
}

pub const CMS_LABEL: &str = "CMS HCPCS Level II file, January 2026";
pub const OUR_LABEL: &str = "MedCode Trainer plain-language label (not AMA text)";
pub const IMPORTED: &str = "your imported file";
pub const CPT_DESCRIPTOR_NOTE: &str = "descriptor not included (AMA copyright); import your licensed file to see it";
pub const DENTAL_DESCRIPTOR_NOTE: &str = "descriptor not included (CDT, ADA copyright); only the code number is known";

/// A HCPCS Level II code: a capital letter and 4 digits.
pub fn is_level2_shape(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// A CPT code number: 5 digits, or 4 digits and A, F, M, T or U (immunization administration,
/// Category II, multianalyte assay, Category III, proprietary lab analysis).
pub fn is_cpt_shape(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5
        && b[..4].iter().all(u8::is_ascii_digit)
        && (b[4].is_ascii_digit() || matches!(b[4], b'A' | b'F' | b'M' | b'T' | b'U'))
}

impl Hcpcs {
    /// Wraps compiled data and builds the search index.
    pub fn new(data: HcpcsData) -> Hcpcs {
        let index = search::Index::build(search::documents(&data));
        Hcpcs { data, index, descriptors: BTreeMap::new(), descriptor_index: search::Index::default() }
    }

    /// Checks and decodes compiled bytes (`hcpcs.bin`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Hcpcs, LoadError> {
        let data: HcpcsData = decode_set(HCPCS_SET, bytes)?;
        Ok(Hcpcs::new(data))
    }

    pub fn edition(&self) -> &str {
        &self.data.edition
    }

    pub fn level2(&self, code: &str) -> Option<&Level2Code> {
        self.data.level2.binary_search_by(|c| c.code.as_str().cmp(code)).ok().map(|i| &self.data.level2[i])
    }

    pub fn cpt(&self, code: &str) -> Option<&CptCode> {
        self.data.cpt.binary_search_by(|c| c.code.as_str().cmp(code)).ok().map(|i| &self.data.cpt[i])
    }

    pub fn modifier(&self, code: &str) -> Option<&Modifier> {
        self.data.modifiers.binary_search_by(|c| c.code.as_str().cmp(code)).ok().map(|i| &self.data.modifiers[i])
    }

    /// The imported descriptor of a CPT code, if the user imported one.
    pub fn cpt_descriptor(&self, code: &str) -> Option<&str> {
        self.descriptors.get(code).map(String::as_str)
    }

    /// Codes valid on a date of service, sorted: Level II codes or CPT numbers.
    pub fn codes_on(&self, system: CodeSystem, date: Date) -> Vec<String> {
        let valid = |w: &[Span]| w.iter().any(|s| s.contains(date));
        match system {
            CodeSystem::Hcpcs => {
                self.data.level2.iter().filter(|c| valid(&c.windows)).map(|c| c.code.clone()).collect()
            }
            CodeSystem::Cpt => self.data.cpt.iter().filter(|c| valid(&c.windows)).map(|c| c.code.clone()).collect(),
        }
    }

    /// The Level II letter sections with their names and how many codes each holds (deleted
    /// ones included), in letter order.
    pub fn sections(&self) -> Vec<SectionSummary> {
        labels::SECTIONS
            .iter()
            .map(|&(letter, name)| SectionSummary {
                letter,
                name: name.to_string(),
                codes: self.data.level2.iter().filter(|c| c.code.starts_with(letter)).count(),
            })
            .collect()
    }

    /// Every Level II code of one section (letter, any case), deleted codes included.
    pub fn section(&self, letter: &str) -> Result<SectionView, HcpcsLookupError> {
        let trimmed = letter.trim().to_ascii_uppercase();
        let mut chars = trimmed.chars();
        let (Some(l), None) = (chars.next(), chars.next()) else {
            return Err(HcpcsLookupError::UnknownSection(letter.trim().to_string()));
        };
        let name = labels::section_name(l).ok_or_else(|| HcpcsLookupError::UnknownSection(trimmed.clone()))?;
        let codes = self
            .data
            .level2
            .iter()
            .filter(|c| c.code.starts_with(l))
            .map(|c| CodeSummary {
                code: c.code.clone(),
                description: c.long_description.clone().or_else(|| c.short_description.clone()),
                short_description: c.short_description.clone(),
                valid_until: valid_until(&c.windows),
                in_hcpcs_file: c.in_hcpcs_file,
            })
            .collect();
        Ok(SectionView { letter: trimmed, name: name.to_string(), codes })
    }

    /// The modifier reference: Level II modifiers with their CMS descriptions and CPT modifiers
    /// with our own labels, sorted by modifier.
    pub fn modifiers(&self) -> Vec<ModifierView> {
        self.data.modifiers.iter().map(modifier_view).collect()
    }

    /// Replaces the imported CPT descriptors (rows the page kept from an earlier import). Rows
    /// whose code is not a known CPT number are ignored; returns how many were kept.
    pub fn set_cpt_descriptors(&mut self, rows: Vec<CptDescriptor>) -> usize {
        let mut map = BTreeMap::new();
        for row in rows {
            let code = row.code.trim().to_ascii_uppercase();
            let descriptor = row.descriptor.trim().to_string();
            if self.cpt(&code).is_some() && !descriptor.is_empty() {
                map.entry(code).or_insert(descriptor);
            }
        }
        self.descriptor_index = search::Index::build(search::descriptor_documents(&map));
        self.descriptors = map;
        self.descriptors.len()
    }

    /// Forgets the imported CPT descriptors.
    pub fn clear_cpt_descriptors(&mut self) {
        self.descriptors.clear();
        self.descriptor_index = search::Index::default();
    }

    pub fn cpt_descriptor_count(&self) -> usize {
        self.descriptors.len()
    }
}

pub(crate) fn modifier_view(m: &Modifier) -> ModifierView {
    ModifierView {
        code: m.code.clone(),
        kind: m.kind,
        label: m.label.clone(),
        label_source: match m.kind {
            ModifierKind::Hcpcs => CMS_LABEL,
            ModifierKind::Cpt => OUR_LABEL,
        },
        short_description: m.short_description.clone(),
        ncci_associated: m.ncci_associated,
        telehealth: m.telehealth,
        valid_from: m.windows.first().map(|w| w.from.to_string()),
        valid_until: valid_until(&m.windows),
    }
}

/// End of the last window; None when open-ended or never dated.
pub(crate) fn valid_until(windows: &[Span]) -> Option<String> {
    windows.last().and_then(|w| w.to).map(|d| d.to_string())
}

impl fmt::Display for CodeSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CodeSystem::Hcpcs => "hcpcs",
            CodeSystem::Cpt => "cpt",
        })
    }
}
