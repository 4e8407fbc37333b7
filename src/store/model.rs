//! The compiled ICD-10-CM code set as it is held in memory: the tabular tree (chapters, sections,
//! categories, subcategories, codes) with every instructional note at the level it was printed,
//! the 7th-character tables, the validity windows from the MCE, the search index and the
//! abbreviation dictionary.

use serde::{Deserialize, Serialize};

use crate::codes::Date;
use crate::search::{Abbreviations, SearchIndex};

/// Level of a tabular entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Chapter,
    Section,
    Category,
    Subcategory,
    Code,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Chapter => "chapter",
            Kind::Section => "section",
            Kind::Category => "category",
            Kind::Subcategory => "subcategory",
            Kind::Code => "code",
        }
    }
}

/// The kinds of instructional note printed in the tabular list, in the order a code book shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    Includes,
    InclusionTerm,
    Excludes1,
    Excludes2,
    CodeFirst,
    UseAdditionalCode,
    CodeAlso,
    Note,
    SeventhCharacterNote,
}

impl NoteKind {
    /// The heading a code book prints for the note.
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Includes => "Includes",
            NoteKind::InclusionTerm => "Inclusion term",
            NoteKind::Excludes1 => "Excludes1",
            NoteKind::Excludes2 => "Excludes2",
            NoteKind::CodeFirst => "Code first",
            NoteKind::UseAdditionalCode => "Use additional code",
            NoteKind::CodeAlso => "Code also",
            NoteKind::Note => "Note",
            NoteKind::SeventhCharacterNote => "7th character note",
        }
    }
}

/// A code (or range of codes) named inside a note, e.g. "(E08.-)" or "(N18.1-N18.6)".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRef {
    /// The text as printed in the note ("N18.1-N18.6", "E08.-").
    pub text: String,
    /// First code of the range, with dot; a single code has first == last.
    pub first: String,
    pub last: String,
    /// The reference ended in "-": more characters are needed below it.
    pub dash: bool,
}

impl CodeRef {
    /// True when `code` (with dot) falls under this reference: below `first` for a single
    /// reference, or between the categories/codes of a range, inclusive of everything below `last`.
    pub fn covers(&self, code: &str) -> bool {
        let code = crate::codes::without_dot(code);
        let first = crate::codes::without_dot(&self.first);
        let last = crate::codes::without_dot(&self.last);
        if first == last {
            return code.starts_with(&first);
        }
        code.as_str() >= first.as_str() && (code.as_str() <= last.as_str() || code.starts_with(&last))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub kind: NoteKind,
    pub text: String,
    pub refs: Vec<CodeRef>,
}

/// A 7th-character table as defined at a category or subcategory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeventhTable {
    pub characters: Vec<SeventhCharacter>,
    /// Restrictions printed as notes ("7th characters D and S do not apply to codes in category
    /// S06 with 6th character 7 ... or 8 ...").
    pub restrictions: Vec<SeventhRestriction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeventhCharacter {
    pub character: char,
    pub label: String,
}

/// "7th characters `excluded` do not apply to codes with 6th character in `sixth`", with the note
/// it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeventhRestriction {
    pub excluded: Vec<char>,
    pub sixth: Vec<char>,
    pub note: String,
}

impl SeventhTable {
    /// Whether `seventh` may follow the first six characters `six` (dotless, padded with X).
    pub fn allows(&self, six: &str, seventh: char) -> bool {
        let in_table = self.characters.iter().any(|c| c.character == seventh);
        let sixth = six.chars().nth(5);
        let restricted = self
            .restrictions
            .iter()
            .any(|r| r.excluded.contains(&seventh) && sixth.is_some_and(|s| r.sixth.contains(&s)));
        in_table && !restricted
    }

    pub fn label_of(&self, seventh: char) -> Option<&str> {
        self.characters.iter().find(|c| c.character == seventh).map(|c| c.label.as_str())
    }
}

/// One entry of the tabular list. Nodes are stored in tabular (pre-order) order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// "4" for chapter 4, "E08-E13" for a section, otherwise the code with its dot.
    pub code: String,
    pub kind: Kind,
    pub title: String,
    pub parent: Option<u32>,
    pub children: Vec<u32>,
    pub notes: Vec<Note>,
    /// The 7th-character table defined at this level (not inherited ones).
    pub seventh: Option<SeventhTable>,
}

impl Node {
    /// A leaf of the tabular. Whether it is reportable as printed or only with a 7th character
    /// depends on the tables above it.
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty() && !matches!(self.kind, Kind::Chapter | Kind::Section)
    }
}

/// A window of dates (inclusive) in which a code is valid, from the MCE master file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub from: Date,
    pub to: Date,
}

/// Validity of one reportable code (dotless, as in the MCE file) over FY2016-FY2027.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeValidity {
    pub code: String,
    pub windows: Vec<Window>,
}

impl CodeValidity {
    pub fn is_valid_on(&self, date: Date) -> bool {
        self.windows.iter().any(|w| w.from <= date && date <= w.to)
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Icd10cm {
    /// Human-readable edition, e.g. "ICD-10-CM FY2026 (April 1, 2026 update)".
    pub edition: String,
    /// Edition of the validity source, e.g. "CMS MCE v44".
    pub validity_edition: String,
    pub nodes: Vec<Node>,
    /// Node ids sorted by code text, for lookup by binary search.
    pub by_code: Vec<u32>,
    /// Sorted by dotless code.
    pub validity: Vec<CodeValidity>,
    pub search: SearchIndex,
    pub abbreviations: Abbreviations,
}
