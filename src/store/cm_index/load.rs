//! Reading an index file in the official CMS schema (root `ICD10CM.index`; `letter/mainTerm/term`
//! with `title` (and `nemod`), `code`, `manif`, `see`, `seeAlso`, `seecat`, `subcat`, and in the
//! two tables `cell[@col]` under `indexHeading/head[@col]`), and loading the user's own
//! Alphabetic Index to Diseases and Injuries with clear typed errors.

use std::fmt;

use serde::Serialize;

use super::model::{Cell, CodeCheck, Column, CrossRef, IndexFile, IndexTable, IndexTerm, Nemod, XrefKind};
use super::xml::{Event, Reader, XmlError};

/// Largest index file accepted. The Alphabetic Index is about 9 MB; anything over this is not it.
pub const MAX_INDEX_BYTES: usize = 64 * 1024 * 1024;
/// Deepest element nesting accepted. The official files nest at most 14 elements deep
/// (root, letter, mainTerm, 9 levels of term, title, nemod).
pub const MAX_DEPTH: usize = 40;

pub const ROOT: &str = "ICD10CM.index";

/// Why an index file could not be loaded. The messages are written for the student.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexLoadError {
    /// More than [`MAX_INDEX_BYTES`].
    TooLarge { size: u64, limit: u64 },
    /// Not text, or not well-formed XML.
    NotXml(String),
    /// Well-formed XML, but another document (e.g. the tabular list).
    WrongRoot { found: String },
    /// Elements nested deeper than [`MAX_DEPTH`].
    TooDeep { limit: usize },
    /// The right kind of file without a single main term.
    NoTerms,
    /// An ICD-10-CM index file, but another index than the one asked for (e.g. the Table of
    /// Drugs and Chemicals given as the Alphabetic Index).
    WrongIndex { found: String },
}

impl fmt::Display for IndexLoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexLoadError::TooLarge { size, limit } => write!(
                f,
                "this file is too large for an ICD-10-CM index ({:.1} MB; the limit is {} MB)",
                *size as f64 / 1_048_576.0,
                limit / 1_048_576
            ),
            IndexLoadError::NotXml(why) => write!(f, "this is not an XML index file: {why}"),
            IndexLoadError::WrongRoot { found } => write!(
                f,
                "this XML file is not an ICD-10-CM index: its root element is <{found}>, expected <{ROOT}> (the CMS file icd10cm_index_YYYY.xml)"
            ),
            IndexLoadError::TooDeep { limit } => write!(
                f,
                "this file nests elements deeper than {limit} levels; an ICD-10-CM index never does"
            ),
            IndexLoadError::NoTerms => write!(f, "this ICD-10-CM index file holds no index terms"),
            IndexLoadError::WrongIndex { found } => write!(
                f,
                "this is the {found}, not the Index to Diseases and Injuries (the trainer already has it)"
            ),
        }
    }
}

impl std::error::Error for IndexLoadError {}

impl From<XmlError> for IndexLoadError {
    fn from(e: XmlError) -> Self {
        if e.too_deep {
            IndexLoadError::TooDeep { limit: MAX_DEPTH }
        } else {
            IndexLoadError::NotXml(e.to_string())
        }
    }
}

/// Counts that describe a loaded index file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IndexCounts {
    pub letters: usize,
    pub main_terms: usize,
    /// Subterms (all levels below the main terms).
    pub subterms: usize,
    /// Codes printed after terms (`code` and `subcat`).
    pub codes: usize,
    /// Codes ending in "-" (more characters needed).
    pub dash_codes: usize,
    /// Manifestation codes (`manif`).
    pub manifestations: usize,
    /// Table cells holding a code.
    pub code_cells: usize,
    pub see: usize,
    pub see_also: usize,
    pub see_category: usize,
    /// Terms with nonessential modifiers.
    pub nonessential_modifiers: usize,
    /// Deepest subterm level (0 = main terms only).
    pub max_level: usize,
}

impl IndexFile {
    pub fn counts(&self) -> IndexCounts {
        let mut c = IndexCounts { letters: self.letters.len(), ..Default::default() };
        for t in &self.terms {
            if t.level == 0 {
                c.main_terms += 1;
            } else {
                c.subterms += 1;
            }
            c.max_level = c.max_level.max(t.level as usize);
            c.codes += t.codes.len();
            c.dash_codes += t.codes.iter().chain(t.cells.iter().map(|x| &x.text)).filter(|x| code_shaped(x) && x.ends_with('-')).count();
            c.manifestations += t.manif.len();
            c.code_cells += t.cells.iter().filter(|x| code_shaped(&x.text)).count();
            c.nonessential_modifiers += usize::from(!t.nemod.is_empty());
            for x in &t.xrefs {
                match x.kind {
                    XrefKind::See => c.see += 1,
                    XrefKind::SeeAlso => c.see_also += 1,
                    XrefKind::SeeCategory => c.see_category += 1,
                }
            }
        }
        c
    }
}

/// True for a printed code: letter, digit, letter or digit, then optionally a dot and up to four
/// more characters, optionally ending in "-" ("C79.8-", "C49.-", "T51.3X1", "X58"). Dashes that
/// stand for "no code" ("-", "--") are not codes.
pub fn code_shaped(text: &str) -> bool {
    let t = text.trim().trim_end_matches('-');
    let t = t.strip_suffix('.').unwrap_or(t);
    let b = t.as_bytes();
    if b.len() < 3 || !b[0].is_ascii_uppercase() || !b[1].is_ascii_digit() || !b[2].is_ascii_alphanumeric() {
        return false;
    }
    match &t[3..] {
        "" => true,
        rest => rest
            .strip_prefix('.')
            .is_some_and(|r| (1..=4).contains(&r.len()) && r.bytes().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())),
    }
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads any index file of the official schema. `table` is recorded as given.
pub fn read_index_xml(bytes: &[u8], table: Option<IndexTable>) -> Result<IndexFile, IndexLoadError> {
    if bytes.len() > MAX_INDEX_BYTES {
        return Err(IndexLoadError::TooLarge { size: bytes.len() as u64, limit: MAX_INDEX_BYTES as u64 });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        IndexLoadError::NotXml(format!("it is not UTF-8 text (a binary or differently encoded file; first bad byte at offset {})", e.valid_up_to()))
    })?;
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if !body.starts_with('<') {
        return Err(IndexLoadError::NotXml("it does not start with an XML tag".into()));
    }
    let mut r = Reader::new(text, MAX_DEPTH);
    let mut file = IndexFile { table, ..Default::default() };
    // The root element first.
    loop {
        match r.next()? {
            Some(Event::Start { name, .. }) => {
                if name != ROOT {
                    return Err(IndexLoadError::WrongRoot { found: name.chars().take(60).collect() });
                }
                break;
            }
            Some(_) => continue,
            None => return Err(IndexLoadError::NotXml("no element found".into())),
        }
    }
    // Open terms (ids), innermost last, with the reader depth at which each was opened.
    let mut open: Vec<(u32, usize)> = Vec::new();
    while let Some(ev) = r.next()? {
        match ev {
            Event::Start { name, attrs } => {
                let depth = r.depth();
                let in_term = open.last().map(|&(id, _)| id);
                match name {
                    "mainTerm" | "term" => {
                        let level = open.len().min(u8::MAX as usize) as u8;
                        file.terms.push(IndexTerm {
                            parent: in_term,
                            level,
                            title: String::new(),
                            nemod: Vec::new(),
                            codes: Vec::new(),
                            manif: Vec::new(),
                            cells: Vec::new(),
                            xrefs: Vec::new(),
                        });
                        open.push(((file.terms.len() - 1) as u32, depth));
                    }
                    "title" if in_term.is_some() => {
                        let (title, nemod) = read_title(&mut r, depth)?;
                        let t = &mut file.terms[in_term.unwrap() as usize];
                        // A second title (never in the official files) is appended.
                        if t.title.is_empty() && t.nemod.is_empty() {
                            t.title = title;
                            t.nemod = nemod;
                        } else {
                            let base = t.title.len() as u32 + 1;
                            t.title = squash(&format!("{} {}", t.title, title));
                            t.nemod.extend(nemod.into_iter().map(|n| Nemod { at: n.at + base, text: n.text }));
                        }
                    }
                    "title" if depth == 2 => file.title = Some(read_text(&mut r, depth)?).filter(|s| !s.is_empty()),
                    "title" if depth == 3 => {
                        let letter = read_text(&mut r, depth)?;
                        file.letters.push(letter);
                    }
                    "version" if depth == 2 => file.version = Some(read_text(&mut r, depth)?).filter(|s| !s.is_empty()),
                    "head" => {
                        let col = attrs.iter().find(|(k, _)| *k == "col").and_then(|(_, v)| v.trim().parse::<u8>().ok());
                        let head = read_text(&mut r, depth)?;
                        match col {
                            Some(1) => file.row_head = Some(head),
                            Some(col) => file.columns.push(Column { col, head }),
                            None => {}
                        }
                    }
                    "code" | "subcat" | "manif" | "see" | "seeAlso" | "seecat" | "cell" if in_term.is_some() => {
                        let text = read_text(&mut r, depth)?;
                        let t = &mut file.terms[in_term.unwrap() as usize];
                        match name {
                            "code" if !text.is_empty() => t.codes.push(text),
                            "subcat" if !text.is_empty() => {
                                t.codes.push(if text.ends_with('-') { text } else { format!("{text}-") })
                            }
                            "manif" if !text.is_empty() => t.manif.push(text),
                            "see" if !text.is_empty() => t.xrefs.push(CrossRef { kind: XrefKind::See, text }),
                            "seeAlso" if !text.is_empty() => t.xrefs.push(CrossRef { kind: XrefKind::SeeAlso, text }),
                            "seecat" if !text.is_empty() => t.xrefs.push(CrossRef { kind: XrefKind::SeeCategory, text }),
                            "cell" => {
                                let col = attrs.iter().find(|(k, _)| *k == "col").and_then(|(_, v)| v.trim().parse::<u8>().ok());
                                if let Some(col) = col {
                                    t.cells.push(Cell { col, text });
                                }
                            }
                            _ => {}
                        }
                    }
                    // Anything else (letter, indexHeading, elements of a later schema) is walked
                    // through; its text is ignored.
                    _ => {}
                }
            }
            Event::End { .. } => {
                if let Some(&(_, d)) = open.last() {
                    if r.depth() < d {
                        open.pop();
                    }
                }
            }
            Event::Text(_) => {}
        }
    }
    Ok(file)
}

/// Text content of the element just opened at `depth`, child elements flattened, whitespace
/// collapsed. Script- or HTML-looking content is only text.
fn read_text(r: &mut Reader, depth: usize) -> Result<String, IndexLoadError> {
    let mut raw = String::new();
    while let Some(ev) = r.next()? {
        match ev {
            Event::Text(t) => raw.push_str(&t),
            Event::End { .. } if r.depth() < depth => break,
            Event::Start { .. } | Event::End { .. } => raw.push(' '),
        }
    }
    Ok(squash(&raw))
}

/// A term title: the essential words, and each `<nemod>` with the place it is printed.
fn read_title(r: &mut Reader, depth: usize) -> Result<(String, Vec<Nemod>), IndexLoadError> {
    let mut segments: Vec<(bool, String)> = vec![(false, String::new())];
    let mut nemod_depth: Option<usize> = None;
    while let Some(ev) = r.next()? {
        match ev {
            Event::Text(t) => segments.last_mut().unwrap().1.push_str(&t),
            Event::Start { name, .. } => {
                if name == "nemod" && nemod_depth.is_none() {
                    nemod_depth = Some(r.depth());
                    segments.push((true, String::new()));
                } else {
                    segments.last_mut().unwrap().1.push(' ');
                }
            }
            Event::End { .. } => {
                if r.depth() < depth {
                    break;
                }
                if nemod_depth.is_some_and(|d| r.depth() < d) {
                    nemod_depth = None;
                    segments.push((false, String::new()));
                } else {
                    segments.last_mut().unwrap().1.push(' ');
                }
            }
        }
    }
    let mut title = String::new();
    let mut nemod = Vec::new();
    for (is_nemod, raw) in segments {
        let text = squash(&raw);
        if text.is_empty() {
            continue;
        }
        if is_nemod {
            nemod.push(Nemod { at: title.len() as u32, text });
        } else {
            if !title.is_empty() && !text.starts_with(',') {
                title.push(' ');
            }
            title.push_str(&text);
        }
    }
    Ok((title, nemod))
}

/// The user's own Index to Diseases and Injuries, parsed in the core.
#[derive(Debug)]
pub struct AlphabeticIndex {
    /// "ICD-10-CM Index to Diseases and Injuries (2026)" from the file's `<title>` and `<version>`.
    pub edition: String,
    pub counts: IndexCounts,
    pub file: IndexFile,
    /// The check of every code it prints; empty until [`AlphabeticIndex::assess`].
    pub(crate) statuses: Vec<(String, CodeCheck)>,
    pub(crate) status_date: Option<crate::codes::Date>,
}

/// Checks and parses a user-supplied Alphabetic Index file (`icd10cm_index_YYYY.xml`).
pub fn parse_alphabetic_index(bytes: &[u8]) -> Result<AlphabeticIndex, IndexLoadError> {
    let mut file = read_index_xml(bytes, Some(IndexTable::Alphabetic))?;
    if file.terms.is_empty() {
        return Err(IndexLoadError::NoTerms);
    }
    let title = file.title.clone().unwrap_or_default();
    let lower = title.to_ascii_lowercase();
    if !file.columns.is_empty() || file.terms.iter().any(|t| !t.cells.is_empty()) {
        let found = match file.row_head.as_deref() {
            Some(h) if h.eq_ignore_ascii_case("neoplasm") => "Table of Neoplasms",
            Some(h) if h.eq_ignore_ascii_case("substance") => "Table of Drugs and Chemicals",
            _ => "a table (it has columns of codes)",
        };
        return Err(IndexLoadError::WrongIndex { found: found.into() });
    }
    if lower.contains("external cause") {
        return Err(IndexLoadError::WrongIndex { found: "External Cause of Injuries Index".into() });
    }
    let edition = match (file.title.as_deref(), file.version.as_deref()) {
        (Some(t), Some(v)) if t.contains(v) => t.to_string(),
        (Some(t), Some(v)) => format!("{t} ({v})"),
        (Some(t), None) => t.to_string(),
        (None, Some(v)) => format!("ICD-10-CM Index to Diseases and Injuries ({v})"),
        (None, None) => "ICD-10-CM Index to Diseases and Injuries (edition not stated in the file)".to_string(),
    };
    file.prepare();
    Ok(AlphabeticIndex { edition, counts: file.counts(), file, statuses: Vec::new(), status_date: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_shapes() {
        for ok in ["C79.8-", "C49.-", "T51.3X1", "X58", "V94.4", "C4A.9", "T75.0-", "D49.511"] {
            assert!(code_shaped(ok), "{ok}");
        }
        for no in ["-", "--", "", "T17 and", "C79.81234", "c79.8", "category"] {
            assert!(!code_shaped(no), "{no}");
        }
    }

    #[test]
    fn titles_keep_nonessential_modifiers_apart() {
        let xml = "<ICD10CM.index><letter><title>A</title><mainTerm><title>Abandonment<nemod>(causing exposure) (with intent)</nemod> NEC</title><code>X58</code></mainTerm></letter></ICD10CM.index>";
        let f = read_index_xml(xml.as_bytes(), None).unwrap();
        let t = &f.terms[0];
        assert_eq!(t.title, "Abandonment NEC");
        assert_eq!(t.nemod, vec![Nemod { at: 11, text: "(causing exposure) (with intent)".into() }]);
        assert_eq!(t.printed(), "Abandonment (causing exposure) (with intent) NEC");
        assert_eq!(f.letters, vec!["A"]);
    }
}
