//! The ICD-10-CM index as it is held in memory: one term tree per index file (main terms and
//! their subterms in printed order), each term with its title (nonessential modifiers kept
//! apart), the codes it points to, its cross-references and, in the Table of Neoplasms and the
//! Table of Drugs and Chemicals, its cells under the table's column heads.

use serde::{Deserialize, Serialize};

use super::search::FileSearch;

/// Which index a term belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexTable {
    /// The Index to Diseases and Injuries (the user's own file).
    Alphabetic,
    /// Table of Neoplasms.
    Neoplasm,
    /// Table of Drugs and Chemicals.
    Drug,
    /// External Cause of Injuries Index.
    External,
}

impl IndexTable {
    pub const ALL: [IndexTable; 4] = [IndexTable::Alphabetic, IndexTable::Neoplasm, IndexTable::Drug, IndexTable::External];

    /// The name the code book prints.
    pub fn label(self) -> &'static str {
        match self {
            IndexTable::Alphabetic => "Index to Diseases and Injuries",
            IndexTable::Neoplasm => "Table of Neoplasms",
            IndexTable::Drug => "Table of Drugs and Chemicals",
            IndexTable::External => "External Cause of Injuries Index",
        }
    }

    /// The id used on the command line and in JSON.
    pub fn id(self) -> &'static str {
        match self {
            IndexTable::Alphabetic => "alphabetic",
            IndexTable::Neoplasm => "neoplasm",
            IndexTable::Drug => "drug",
            IndexTable::External => "external",
        }
    }

    /// Reads `neoplasm`, `drug`, `external` or `alphabetic` (also a few spellings coders use).
    pub fn parse(text: &str) -> Option<IndexTable> {
        match text.trim().to_ascii_lowercase().as_str() {
            "alphabetic" | "index" | "diseases" => Some(IndexTable::Alphabetic),
            "neoplasm" | "neoplasms" => Some(IndexTable::Neoplasm),
            "drug" | "drugs" => Some(IndexTable::Drug),
            "external" | "eindex" | "external-cause" => Some(IndexTable::External),
            _ => None,
        }
    }
}

/// A nonessential modifier: the parenthesized words printed in a title that may or may not be
/// present in the diagnostic statement ("Abuse (adult) (child)").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nemod {
    /// Byte offset in the essential title where it is printed.
    pub at: u32,
    /// As printed, parentheses included: "(adult) (child) (mental)".
    pub text: String,
}

/// The kind of a cross-reference, as the index prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum XrefKind {
    /// "see": the code is found under the other term only.
    See,
    /// "see also": more entries under the other term.
    SeeAlso,
    /// "see category": go to the tabular category.
    SeeCategory,
}

impl XrefKind {
    pub fn label(self) -> &'static str {
        match self {
            XrefKind::See => "see",
            XrefKind::SeeAlso => "see also",
            XrefKind::SeeCategory => "see category",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrossRef {
    pub kind: XrefKind,
    /// The target as printed ("Accident, transport, car occupant").
    pub text: String,
}

/// One cell of the Table of Neoplasms or the Table of Drugs and Chemicals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// Column number of the file's `head` (2..=7; 1 is the site or substance itself).
    pub col: u8,
    /// As printed: a code ("T39.1X1", "C79.8-") or a dash for "no code" ("-", "--").
    pub text: String,
}

/// A main term (level 0) or subterm of an index file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexTerm {
    pub parent: Option<u32>,
    /// 0 for a main term, 1 for its subterms, and so on.
    pub level: u8,
    /// The title without its nonessential modifiers ("Abandonment NEC").
    pub title: String,
    pub nemod: Vec<Nemod>,
    /// Codes as printed; `<subcat>` codes are stored with the dash the book prints ("T75.0-").
    pub codes: Vec<String>,
    /// `<manif>`: the manifestation code printed in brackets after the etiology code (or, as in
    /// one entry of the Table of Neoplasms, a text).
    pub manif: Vec<String>,
    pub cells: Vec<Cell>,
    pub xrefs: Vec<CrossRef>,
}

impl IndexTerm {
    /// The title as printed, nonessential modifiers in place: "Abandonment (causing exposure to
    /// weather conditions) (with intent to injure or kill) NEC".
    pub fn printed(&self) -> String {
        if self.nemod.is_empty() {
            return self.title.clone();
        }
        let mut out = String::new();
        let mut from = 0usize;
        for n in &self.nemod {
            let at = (n.at as usize).min(self.title.len());
            out.push_str(self.title[from..at].trim_end());
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&n.text);
            from = at;
        }
        let tail = self.title[from..].trim_start();
        if !tail.is_empty() {
            if !tail.starts_with(',') {
                out.push(' ');
            }
            out.push_str(tail);
        }
        out
    }

    /// The nonessential modifiers joined, or None.
    pub fn nemod_text(&self) -> Option<String> {
        (!self.nemod.is_empty()).then(|| self.nemod.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(" "))
    }
}

/// A column head of a table (`<head col="2">Malignant Primary</head>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub col: u8,
    pub head: String,
}

/// One index file: a term tree in printed order.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct IndexFile {
    pub table: Option<IndexTable>,
    /// `<version>` ("2023").
    pub version: Option<String>,
    /// The root `<title>` ("ICD-10-CM External Cause of Injuries Index").
    pub title: Option<String>,
    /// Head of column 1 ("Neoplasm", "Substance").
    pub row_head: Option<String>,
    /// Heads of the code columns, in order.
    pub columns: Vec<Column>,
    /// The `<letter>` headings in order ("#", "A", ...).
    pub letters: Vec<String>,
    pub terms: Vec<IndexTerm>,
    /// Derived at load: children, main-term keys and the search postings.
    #[serde(skip)]
    pub(crate) derived: Derived,
}

#[derive(Debug, Default)]
pub(crate) struct Derived {
    pub children: Vec<Vec<u32>>,
    /// Per term: the comparison key of its title, and the other keys it answers to (see
    /// [`super::xref::alias_keys`]), so that cross-references compare without recomputing.
    pub keys: Vec<String>,
    pub aliases: Vec<Vec<String>>,
    /// Main term ids in printed order.
    pub main_terms: Vec<u32>,
    /// (key, tier, term) for every main term and its aliases, sorted: see [`super::xref::key`]
    /// and `main_terms_named`.
    pub main_keys: Vec<(String, u8, u32)>,
    pub search: FileSearch,
}

/// What became of a code printed in the index, checked against the ICD-10-CM tabular on a date
/// of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeStatus {
    /// A code valid on the date, as printed.
    Valid,
    /// A valid code once a 7th character is added (with placeholder X where needed).
    SeventhCharacter,
    /// Printed with "-": more characters are needed; choose a code below it in the tabular.
    MoreCharacters,
    /// Printed as a code, but a header now: revised since this index edition.
    Revised,
    /// Not a code on the date and not in the FY2026 tabular: deleted since this index edition.
    Deleted,
    /// In the tabular, but not valid on that date (added later).
    NotValidOnDate,
    /// Not checked: no ICD-10-CM code set was given (a loaded index before its check).
    Unchecked,
}

impl CodeStatus {
    pub const ALL: [CodeStatus; 7] = [
        CodeStatus::Valid,
        CodeStatus::SeventhCharacter,
        CodeStatus::MoreCharacters,
        CodeStatus::Revised,
        CodeStatus::Deleted,
        CodeStatus::NotValidOnDate,
        CodeStatus::Unchecked,
    ];

    pub fn id(self) -> &'static str {
        match self {
            CodeStatus::Valid => "valid",
            CodeStatus::SeventhCharacter => "seventh_character",
            CodeStatus::MoreCharacters => "more_characters",
            CodeStatus::Revised => "revised",
            CodeStatus::Deleted => "deleted",
            CodeStatus::NotValidOnDate => "not_valid_on_date",
            CodeStatus::Unchecked => "unchecked",
        }
    }
}

/// The check of one printed code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeCheck {
    pub status: CodeStatus,
    /// The tabular entry to open: the code itself (dash and trailing dot dropped), the header it
    /// became, or for a deleted code its nearest surviving ancestor. None when nothing is left.
    pub tabular: Option<String>,
    /// For `seventh_character`: the code padded with placeholder X to six characters
    /// ("W10.9XX"), to which a 7th character is added.
    pub stem: Option<String>,
    /// For `seventh_character`: the 7th characters the tabular allows for it ("ADS").
    pub sevenths: Option<String>,
}
