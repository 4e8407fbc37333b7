//! `lookup(code, date)`: everything the code book and the validity file say about one code — its
//! place in the tabular, the notes that apply to it (its own and those inherited from every level
//! above, each labelled with the level it comes from), its 7th-character table, and whether it is
//! valid for the date of service.

use std::fmt;

use serde::Serialize;

use super::model::{CodeRef, CodeValidity, Icd10cm, Kind, NoteKind};
use crate::codes::{normalize_icd10cm, Date, InputError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    Input(InputError),
    /// Code-shaped, but neither in the FY2026 tabular nor in the MCE validity file.
    Unknown(String),
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookupError::Input(e) => e.fmt(f),
            LookupError::Unknown(code) => write!(
                f,
                "{code} is not an ICD-10-CM code: it is not in the FY2026 tabular and was not valid at any date from FY2016 to FY2027"
            ),
        }
    }
}

impl std::error::Error for LookupError {}

impl From<InputError> for LookupError {
    fn from(e: InputError) -> Self {
        LookupError::Input(e)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LookupView {
    /// Always "icd10cm" (other code sets' views carry their own).
    pub system: &'static str,
    pub code: String,
    /// The one-word answer for the date of service: `valid`, `not_valid_on_date`, `header`
    /// (a category or subcategory: choose a code below it) or `invalid` (code-shaped, but the
    /// tabular rules it out, e.g. a 7th character its table does not allow).
    pub status: Status,
    pub title: Option<String>,
    pub kind: Kind,
    pub reportable: bool,
    pub in_tabular: bool,
    pub date: String,
    pub valid_on_date: bool,
    pub validity: Vec<WindowView>,
    pub validity_text: String,
    pub ancestors: Vec<AncestorView>,
    pub children: Vec<ChildView>,
    pub notes: Vec<NoteView>,
    pub seventh_characters: Option<SeventhView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Valid,
    NotValidOnDate,
    Header,
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WindowView {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AncestorView {
    pub code: String,
    pub kind: Kind,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChildView {
    pub code: String,
    pub kind: Kind,
    pub title: String,
    pub reportable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteView {
    pub kind: NoteKind,
    pub label: &'static str,
    /// The code (or chapter number / section range) the note is printed at.
    pub source: String,
    pub source_kind: Kind,
    pub text: String,
    pub refs: Vec<CodeRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeventhView {
    pub source: String,
    pub note: String,
    pub characters: Vec<SeventhCharView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeventhCharView {
    #[serde(rename = "char")]
    pub character: char,
    pub label: String,
    pub allowed: bool,
    /// The full code this character makes with the looked-up leaf (S72.001 + A = S72.001A);
    /// null when the lookup is of a category or subcategory.
    pub code: Option<String>,
    /// This is the 7th character of the looked-up code.
    pub current: bool,
}

/// Whether a code is valid on a date, its windows, and the sentence that says when it is valid,
/// for every code set whose validity comes from an MCE master file.
pub fn describe_validity(validity: Option<&CodeValidity>, date: Date, edition: &str) -> (bool, Vec<WindowView>, String) {
    let windows: Vec<WindowView> = validity
        .map(|v| v.windows.iter().map(|w| WindowView { from: w.from.to_string(), to: w.to.to_string() }).collect())
        .unwrap_or_default();
    let valid = validity.is_some_and(|v| v.is_valid_on(date));
    let spans = windows.iter().map(|w| format!("{} to {}", w.from, w.to)).collect::<Vec<_>>().join(" and ");
    let text = if windows.is_empty() {
        format!("Never a valid code in {edition}.")
    } else {
        format!("Valid for dates of service {spans}.")
    };
    (valid, windows, text)
}

impl Icd10cm {
    /// Looks a code up for a date of service. Accepts codes as students type them, chapter
    /// numbers ("4") and section ranges ("E08-E13").
    pub fn lookup(&self, input: &str, date: Date) -> Result<LookupView, LookupError> {
        let trimmed = input.trim();
        if let Some(id) = self.node_id(&trimmed.to_ascii_uppercase()) {
            return Ok(self.node_view(id, date));
        }
        let code = normalize_icd10cm(trimmed)?;
        if let Some(id) = self.node_id(&code) {
            return Ok(self.node_view(id, date));
        }
        if let Some(seventh) = self.resolve_seventh(&code) {
            return Ok(self.seventh_view(seventh, date));
        }
        if self.validity_of(&code).is_some() {
            return Ok(self.retired_view(&code, date));
        }
        Err(LookupError::Unknown(code))
    }

    fn node_view(&self, id: u32, date: Date) -> LookupView {
        let node = &self.nodes[id as usize];
        let reportable = self.is_reportable_node(id);
        let (valid_on_date, validity, mut validity_text) = self.validity_for(&node.code, date);
        let status = match (reportable, valid_on_date) {
            (true, true) => Status::Valid,
            (true, false) => Status::NotValidOnDate,
            // A header now that was a reportable code on that date (A04.7 before its split).
            (false, true) => Status::Valid,
            (false, false) => Status::Header,
        };
        if !reportable {
            let how = match self.seventh_table(id) {
                Some(_) if node.is_leaf() => "Add a 7th character from the table below.",
                _ => "Choose one of the codes below it.",
            };
            validity_text = if validity.is_empty() {
                how.to_string()
            } else {
                format!("In FY2026: {how} Before that it was a reportable code: {validity_text}")
            };
        }
        let seventh_characters = match node.kind {
            Kind::Chapter | Kind::Section => None,
            _ => self.seventh_table_view(id, node.is_leaf().then(|| node.code.clone()), None),
        };
        LookupView {
            system: "icd10cm",
            code: node.code.clone(),
            status,
            title: Some(node.title.clone()),
            kind: node.kind,
            reportable,
            in_tabular: true,
            date: date.to_string(),
            valid_on_date,
            validity,
            validity_text,
            ancestors: self.ancestors(node.parent),
            children: node
                .children
                .iter()
                .map(|&c| {
                    let child = &self.nodes[c as usize];
                    ChildView {
                        code: child.code.clone(),
                        kind: child.kind,
                        title: child.title.clone(),
                        reportable: self.is_reportable_node(c),
                    }
                })
                .collect(),
            notes: self.notes_from(Some(id)),
            seventh_characters,
        }
    }

    fn seventh_view(&self, code: super::SeventhCode, date: Date) -> LookupView {
        let (valid_on_date, validity, mut validity_text) = self.validity_for(&code.code, date);
        if !code.allowed {
            let table = self.nodes[code.table_at as usize].seventh.as_ref();
            let why = table
                .and_then(|t| t.restrictions.iter().find(|r| r.excluded.contains(&code.character)))
                .map(|r| r.note.clone())
                .unwrap_or_else(|| {
                    format!(
                        "{} is not a 7th character of the table at {}",
                        code.character, self.nodes[code.table_at as usize].code
                    )
                });
            validity_text = if validity.is_empty() {
                format!("{}.", why.trim_end_matches('.'))
            } else {
                // S06.1X7D was a valid code in FY2016-FY2017, before the restriction note.
                format!("In FY2026: {why} Before that: {validity_text}")
            };
        }
        let status = match (code.allowed, valid_on_date) {
            (_, true) => Status::Valid,
            (false, false) => Status::Invalid,
            (true, false) => Status::NotValidOnDate,
        };
        let base_code = self.nodes[code.base as usize].code.clone();
        LookupView {
            system: "icd10cm",
            code: code.code.clone(),
            status,
            title: Some(code.title.clone()),
            kind: Kind::Code,
            reportable: code.allowed,
            in_tabular: true,
            date: date.to_string(),
            valid_on_date,
            validity,
            validity_text,
            ancestors: self.ancestors(Some(code.base)),
            children: Vec::new(),
            notes: self.notes_from(Some(code.base)),
            seventh_characters: self.seventh_table_view(code.base, Some(base_code), Some(code.character)),
        }
    }

    /// A code known only from the validity file: deleted (or expanded into a header) before the
    /// FY2026 tabular. Its nearest surviving ancestor gives context.
    fn retired_view(&self, code: &str, date: Date) -> LookupView {
        let (valid_on_date, validity, validity_text) = self.validity_for(code, date);
        let dotless = crate::codes::without_dot(code);
        let nearest = (3..dotless.len())
            .rev()
            .find_map(|n| self.node_id(&crate::codes::with_dot(&dotless[..n])));
        LookupView {
            system: "icd10cm",
            code: code.to_string(),
            status: if valid_on_date { Status::Valid } else { Status::NotValidOnDate },
            title: None,
            kind: Kind::Code,
            reportable: true,
            in_tabular: false,
            date: date.to_string(),
            valid_on_date,
            validity,
            validity_text: format!("{validity_text} Not in the FY2026 tabular (deleted or expanded)."),
            ancestors: self.ancestors(nearest),
            children: Vec::new(),
            notes: self.notes_from(nearest),
            seventh_characters: None,
        }
    }

    fn validity_for(&self, code: &str, date: Date) -> (bool, Vec<WindowView>, String) {
        describe_validity(self.validity_of(code), date, &self.validity_edition)
    }

    fn ancestors(&self, from: Option<u32>) -> Vec<AncestorView> {
        let mut out = Vec::new();
        let mut at = from;
        while let Some(id) = at {
            let n = &self.nodes[id as usize];
            out.push(AncestorView { code: n.code.clone(), kind: n.kind, title: n.title.clone() });
            at = n.parent;
        }
        out.reverse();
        out
    }

    /// The notes of a node and of every level above it, nearest first, each labelled with its
    /// source. Within one level the code book's order of kinds is kept.
    fn notes_from(&self, from: Option<u32>) -> Vec<NoteView> {
        let mut out = Vec::new();
        let mut at = from;
        while let Some(id) = at {
            let n = &self.nodes[id as usize];
            let mut level: Vec<NoteView> = n
                .notes
                .iter()
                .map(|note| NoteView {
                    kind: note.kind,
                    label: note.kind.label(),
                    source: n.code.clone(),
                    source_kind: n.kind,
                    text: note.text.clone(),
                    refs: note.refs.clone(),
                })
                .collect();
            level.sort_by_key(|v| v.kind);
            out.extend(level);
            at = n.parent;
        }
        out
    }

    /// The 7th-character table for a node; with `leaf` (a code taking a 7th character) each
    /// character gives the full code it makes and whether the table allows it there.
    fn seventh_table_view(&self, id: u32, leaf: Option<String>, current: Option<char>) -> Option<SeventhView> {
        let six = leaf.as_deref().map(|c| format!("{:X<6}", crate::codes::without_dot(c)));
        let (at, table) = self.seventh_table(id)?;
        let source = &self.nodes[at as usize];
        let note = source
            .notes
            .iter()
            .filter(|n| n.kind == NoteKind::SeventhCharacterNote)
            .map(|n| n.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Some(SeventhView {
            source: source.code.clone(),
            note,
            characters: table
                .characters
                .iter()
                .map(|c| SeventhCharView {
                    character: c.character,
                    label: c.label.clone(),
                    allowed: six.as_deref().map_or(true, |s| table.allows(s, c.character)),
                    code: six.as_deref().map(|s| crate::codes::with_dot(&format!("{s}{}", c.character))),
                    current: current == Some(c.character),
                })
                .collect(),
        })
    }
}
