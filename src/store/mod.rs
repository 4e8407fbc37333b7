//! Read side of the ICD-10-CM code set: loading compiled bytes, finding an entry by code,
//! inherited notes and 7th-character tables, validity by date of service, and the list of
//! reportable codes.

pub mod cm_index;
pub mod format;
pub mod hcpcs;
mod lookup;
pub mod model;
pub mod pcs;
pub mod pcs_index;

pub use format::LoadError;
pub use lookup::{describe_validity, AncestorView, ChildView, LookupError, LookupView, NoteView, SeventhView, Status, WindowView};
pub use model::Icd10cm;

use crate::codes::{with_dot, without_dot, Date};
use model::{CodeValidity, Kind, SeventhTable};

/// A code made of a tabular leaf plus a 7th character (S72.001A, W10.9XXA).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeventhCode {
    /// Full code with dot.
    pub code: String,
    /// The tabular leaf it extends.
    pub base: u32,
    /// The node whose table supplies the character.
    pub table_at: u32,
    pub character: char,
    /// Title as CMS builds it: the leaf title, a comma, the character's label.
    pub title: String,
    /// False when the table or a restriction note rules the character out.
    pub allowed: bool,
}

impl Icd10cm {
    /// Checks and decodes compiled bytes (see [`format`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Icd10cm, LoadError> {
        format::decode(bytes)
    }

    /// The node holding exactly this code text ("E11.22", "E08-E13", "4").
    pub fn node_id(&self, code: &str) -> Option<u32> {
        self.by_code
            .binary_search_by(|&id| self.nodes[id as usize].code.as_str().cmp(code))
            .ok()
            .map(|i| self.by_code[i])
    }

    /// The 7th-character table that applies to a node (its own or the nearest above), with the
    /// node that defines it.
    pub fn seventh_table(&self, id: u32) -> Option<(u32, &SeventhTable)> {
        let mut at = Some(id);
        while let Some(i) = at {
            let node = &self.nodes[i as usize];
            if let Some(t) = &node.seventh {
                return Some((i, t));
            }
            at = node.parent;
        }
        None
    }

    /// A node is reportable as printed when it is a leaf with no 7th-character table above it.
    pub fn is_reportable_node(&self, id: u32) -> bool {
        self.nodes[id as usize].is_leaf() && self.seventh_table(id).is_none()
    }

    /// Reads a 7-character code as leaf + placeholder X + 7th character. None when the first six
    /// characters do not name a leaf that takes a 7th character.
    pub fn resolve_seventh(&self, code: &str) -> Option<SeventhCode> {
        let dotless = without_dot(code);
        if dotless.len() != 7 {
            return None;
        }
        let (six, seventh) = dotless.split_at(6);
        let character = seventh.chars().next()?;
        let mut base_dotless = six;
        let base = loop {
            if let Some(id) = self.node_id(&with_dot(base_dotless)) {
                break id;
            }
            base_dotless = base_dotless.strip_suffix('X')?;
            if base_dotless.len() < 3 {
                return None;
            }
        };
        if !self.nodes[base as usize].is_leaf() {
            return None;
        }
        let (table_at, table) = self.seventh_table(base)?;
        let title = match table.label_of(character) {
            Some(label) => format!("{}, {}", self.nodes[base as usize].title, label),
            None => self.nodes[base as usize].title.clone(),
        };
        Some(SeventhCode {
            code: with_dot(&dotless),
            base,
            table_at,
            character,
            title,
            allowed: table.allows(six, character),
        })
    }

    /// Validity windows of a reportable code (any form), from the MCE master.
    pub fn validity_of(&self, code: &str) -> Option<&CodeValidity> {
        let dotless = without_dot(code);
        self.validity
            .binary_search_by(|v| v.code.as_str().cmp(&dotless))
            .ok()
            .map(|i| &self.validity[i])
    }

    /// Whether a code is valid for a date of service.
    pub fn is_valid_on(&self, code: &str, date: Date) -> bool {
        self.validity_of(code).is_some_and(|v| v.is_valid_on(date))
    }

    /// Every reportable code the FY2026 tabular defines, by its structure alone: leaves without
    /// a 7th-character table, and every allowed leaf + 7th-character combination. Dotted, in
    /// tabular order.
    pub fn tabular_reportable_codes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (id, node) in self.nodes.iter().enumerate() {
            if !node.is_leaf() {
                continue;
            }
            match self.seventh_table(id as u32) {
                None => out.push(node.code.clone()),
                Some((_, table)) => {
                    let six = format!("{:X<6}", without_dot(&node.code));
                    for c in &table.characters {
                        if table.allows(&six, c.character) {
                            out.push(with_dot(&format!("{six}{}", c.character)));
                        }
                    }
                }
            }
        }
        out
    }

    /// Reportable codes valid on a date: the MCE validity file decides, so codes deleted before
    /// FY2026 are included for earlier dates. Sorted.
    pub fn reportable_codes_on(&self, date: Date) -> Vec<String> {
        self.validity
            .iter()
            .filter(|v| v.is_valid_on(date))
            .map(|v| with_dot(&v.code))
            .collect()
    }

    /// Every tabular entry below chapters and sections (headers included), for `medcode codes`.
    pub fn tabular_codes(&self) -> impl Iterator<Item = &str> {
        self.nodes
            .iter()
            .filter(|n| !matches!(n.kind, Kind::Chapter | Kind::Section))
            .map(|n| n.code.as_str())
    }
}
