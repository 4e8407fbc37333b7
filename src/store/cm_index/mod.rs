//! The ICD-10-CM index side: the Table of Neoplasms, the Table of Drugs and Chemicals and the
//! External Cause of Injuries Index (FY2023, the newest obtainable offline, compiled into
//! `icd10cm_index.bin`), and the user's own Index to Diseases and Injuries loaded from a file.
//!
//! Coders find a code in the index and verify it in the tabular. Every code shown here carries
//! what became of it in the ICD-10-CM code set: the compiled file stores the check for
//! [`STATUS_DATE`] (2026-04-01); for any other date a view is asked with the ICD-10-CM code set
//! and the date ([`IndexView::live`]). Cross-references are resolved to the term they name, or
//! returned as unresolved data.

mod load;
mod model;
mod search;
mod status;
mod xml;
mod xref;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use load::{code_shaped, parse_alphabetic_index, read_index_xml, AlphabeticIndex, IndexCounts, IndexLoadError, MAX_DEPTH, MAX_INDEX_BYTES};
pub use model::{Cell, CodeCheck, CodeStatus, Column, CrossRef, IndexFile, IndexTable, IndexTerm, Nemod, XrefKind};
pub use status::{check_code, status_text, STATUS_DATE};
pub use xref::{alias_keys, key, Resolution};

use crate::codes::Date;
use crate::store::format::{decode_set, encode_set, LoadError, ICD10CM_INDEX_SET};
use crate::store::Icd10cm;
use search::{RawHit, Searched, Target};
use xref::Place;

/// The three index tables compiled from the FY2023 files, with the check of every code they
/// print against the FY2026 ICD-10-CM code set on [`STATUS_DATE`].
#[derive(Debug, Serialize, Deserialize)]
pub struct Icd10cmIndex {
    /// "ICD-10-CM Index FY2023 (Table of Neoplasms, Table of Drugs and Chemicals, External Cause of Injuries Index)".
    pub edition: String,
    /// "FY2023": how the index edition is named in "revised since this index edition".
    pub index_edition: String,
    /// The ICD-10-CM code set the statuses were computed against.
    pub tabular_edition: String,
    pub status_date: Date,
    pub neoplasm: IndexFile,
    pub drug: IndexFile,
    pub external: IndexFile,
    /// Printed code -> its check on `status_date`, sorted by printed code.
    pub statuses: Vec<(String, CodeCheck)>,
}

/// The stable ids of the table columns, in column order (columns 2-7).
pub const NEOPLASM_COLUMNS: [&str; 6] =
    ["malignant_primary", "malignant_secondary", "ca_in_situ", "benign", "uncertain_behavior", "unspecified_behavior"];
pub const DRUG_COLUMNS: [&str; 6] = [
    "poisoning_accidental",
    "poisoning_intentional_self_harm",
    "poisoning_assault",
    "poisoning_undetermined",
    "adverse_effect",
    "underdosing",
];

/// The id of a table column (`None` for a column the official files do not have).
pub fn column_key(table: IndexTable, col: u8) -> Option<&'static str> {
    let keys = match table {
        IndexTable::Neoplasm => &NEOPLASM_COLUMNS,
        IndexTable::Drug => &DRUG_COLUMNS,
        _ => return None,
    };
    (2..=7).contains(&col).then(|| keys[col as usize - 2])
}

impl IndexFile {
    /// Derives children, main-term keys and the search postings (after decoding or parsing).
    pub fn prepare(&mut self) {
        let n = self.terms.len();
        let mut children = vec![Vec::new(); n];
        let mut main_terms = Vec::new();
        let mut main_keys = Vec::new();
        for (id, t) in self.terms.iter().enumerate() {
            match t.parent {
                Some(p) => children[p as usize].push(id as u32),
                None => {
                    main_terms.push(id as u32);
                    main_keys.push((key(&t.title), 0, id as u32));
                    let first = t.title.split(',').next().unwrap_or("");
                    for k in alias_keys(&t.title) {
                        let tier = if k == key(first) || !t.title.contains(',') { 1 } else { 2 };
                        main_keys.push((k, tier, id as u32));
                    }
                }
            }
        }
        main_keys.sort();
        main_keys.dedup();
        let keys: Vec<String> = self.terms.iter().map(|t| key(&t.title)).collect();
        let aliases: Vec<Vec<String>> = self
            .terms
            .iter()
            .zip(&keys)
            .map(|(t, k)| alias_keys(&t.title).into_iter().filter(|a| a != k).collect())
            .collect();
        self.derived.keys = keys;
        self.derived.aliases = aliases;
        self.derived.children = children;
        self.derived.main_terms = main_terms;
        self.derived.main_keys = main_keys;
        self.derived.search = search::FileSearch::build(self);
    }


    /// Main term ids in printed order.
    pub fn main_terms(&self) -> &[u32] {
        &self.derived.main_terms
    }

    pub fn children(&self, id: u32) -> &[u32] {
        &self.derived.children[id as usize]
    }

    /// Term ids from the main term down to `id`.
    pub fn path_ids(&self, id: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut at = Some(id);
        while let Some(i) = at {
            out.push(i);
            at = self.terms[i as usize].parent;
        }
        out.reverse();
        out
    }

    /// Titles (without nonessential modifiers) from the main term down to `id`.
    pub fn path_titles(&self, id: u32) -> Vec<String> {
        self.path_ids(id).into_iter().map(|i| self.terms[i as usize].title.clone()).collect()
    }

    /// The subtree of a term: the term and all terms below it, in printed order.
    pub fn subtree(&self, id: u32) -> std::ops::Range<usize> {
        let start = id as usize;
        let level = self.terms[start].level;
        let end = self.terms[start + 1..].iter().position(|t| t.level <= level).map_or(self.terms.len(), |k| start + 1 + k);
        start..end
    }

    /// A main term by its title as printed or by its key ("neoplasm" finds "Neoplasm, neoplastic").
    pub fn find_main_term(&self, title: &str) -> Option<u32> {
        let wanted = title.trim();
        let mains = &self.derived.main_terms;
        let found = mains.iter().find(|&&id| self.terms[id as usize].title == wanted).or_else(|| {
            mains.iter().find(|&&id| {
                let t = &self.terms[id as usize];
                t.title.eq_ignore_ascii_case(wanted) || t.printed().eq_ignore_ascii_case(wanted)
            })
        });
        if let Some(&id) = found {
            return Some(id);
        }
        self.main_terms_named(&key(wanted), false).first().map(|&(id, _)| id)
    }
}

impl Icd10cmIndex {
    /// Checks and decodes compiled bytes (`icd10cm_index.bin`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Icd10cmIndex, LoadError> {
        let mut set: Icd10cmIndex = decode_set(ICD10CM_INDEX_SET, bytes)?;
        for f in [&mut set.neoplasm, &mut set.drug, &mut set.external] {
            f.prepare();
        }
        Ok(set)
    }

    /// Encodes for `codesets/compiled/icd10cm_index.bin`.
    pub fn to_bytes(&self) -> Vec<u8> {
        encode_set(ICD10CM_INDEX_SET, &self.edition, self)
    }

    pub fn file(&self, table: IndexTable) -> Option<&IndexFile> {
        match table {
            IndexTable::Neoplasm => Some(&self.neoplasm),
            IndexTable::Drug => Some(&self.drug),
            IndexTable::External => Some(&self.external),
            IndexTable::Alphabetic => None,
        }
    }

    /// Views with the statuses stored for [`STATUS_DATE`], and the loaded Alphabetic Index if any.
    pub fn view<'a>(&'a self, alphabetic: Option<&'a AlphabeticIndex>) -> IndexView<'a> {
        IndexView { tables: self, alphabetic, live: None }
    }

    /// Search over the three tables (and the Alphabetic Index when given). Best first.
    pub fn search_index(&self, query: &str, limit: usize, alphabetic: Option<&AlphabeticIndex>) -> Vec<IndexHit> {
        self.view(alphabetic).search_index(query, limit)
    }

    fn stored_check(&self, printed: &str) -> Option<&CodeCheck> {
        self.statuses.binary_search_by(|(c, _)| c.as_str().cmp(printed)).ok().map(|i| &self.statuses[i].1)
    }
}

impl AlphabeticIndex {
    /// Checks every code the file prints against the ICD-10-CM code set on [`STATUS_DATE`], so
    /// that views show their status without the code set at hand.
    pub fn assess(&mut self, icd: &Icd10cm) {
        self.statuses = check_all(&[&self.file], icd, STATUS_DATE);
        self.status_date = Some(STATUS_DATE);
    }

    fn stored_check(&self, printed: &str) -> Option<&CodeCheck> {
        self.statuses.binary_search_by(|(c, _)| c.as_str().cmp(printed)).ok().map(|i| &self.statuses[i].1)
    }
}

/// Every code printed in the files (codes, `subcat`s, manifestation codes, cells), checked.
pub fn check_all(files: &[&IndexFile], icd: &Icd10cm, date: Date) -> Vec<(String, CodeCheck)> {
    let mut printed: Vec<&str> = Vec::new();
    for f in files {
        for t in &f.terms {
            printed.extend(t.codes.iter().map(String::as_str));
            printed.extend(t.manif.iter().map(String::as_str).filter(|m| code_shaped(m)));
            printed.extend(t.cells.iter().map(|c| c.text.as_str()).filter(|c| code_shaped(c)));
        }
    }
    printed.sort_unstable();
    printed.dedup();
    printed.into_iter().map(|p| (p.to_string(), check_code(icd, p, date))).collect()
}

/// A printed code checked against the code set on a date, without an index at hand (the
/// edition named in "revised since this index edition" is then FY2023, the compiled tables').
pub fn code_view(icd: &Icd10cm, printed: &str, date: Date) -> CodeView {
    let check = check_code(icd, printed, date);
    let base = printed.trim().trim_end_matches('-');
    let base = base.strip_suffix('.').unwrap_or(base);
    CodeView {
        printed: printed.to_string(),
        code: crate::codes::normalize_icd10cm(base).unwrap_or_else(|_| base.to_string()),
        dash: printed.trim().ends_with('-'),
        text: status_text(printed, &check, Some(date), "FY2023"),
        status: check.status,
        tabular: check.tabular,
        stem: check.stem,
        sevenths: check.sevenths,
        date: Some(date.to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// Views: what the CLI prints and the page renders.

/// A printed code and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeView {
    /// As printed in the index ("C79.8-").
    pub printed: String,
    /// The code without the dash ("C79.8"), with its dot.
    pub code: String,
    /// Printed with "-": more characters are needed.
    pub dash: bool,
    pub status: CodeStatus,
    /// The tabular entry to open (see [`CodeCheck::tabular`]).
    pub tabular: Option<String>,
    /// For `seventh_character`: the six characters to add a 7th to ("W10.9XX").
    pub stem: Option<String>,
    /// For `seventh_character`: the allowed 7th characters ("ADS").
    pub sevenths: Option<String>,
    /// The date of service the status is for; null when unchecked.
    pub date: Option<String>,
    /// One sentence for the student.
    pub text: String,
}

/// A manifestation printed in brackets after a code: a code ([I43]) or, rarely, a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifView {
    pub printed: String,
    pub code: Option<CodeView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnView {
    pub col: u8,
    pub key: &'static str,
    pub head: String,
}

/// A table cell under its column head. `printed` is null for a cell the table leaves empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellView {
    pub col: u8,
    pub key: &'static str,
    pub column: String,
    pub printed: Option<String>,
    pub code: Option<CodeView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct XrefView {
    pub kind: XrefKind,
    /// "see", "see also", "see category".
    pub label: &'static str,
    pub text: String,
    #[serde(flatten)]
    pub resolution: Resolution,
}

/// One line of the printed index: a main term (level 0) or subterm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermLine {
    pub id: u32,
    pub level: u8,
    /// Without nonessential modifiers.
    pub title: String,
    /// The nonessential modifiers, as printed ("(adult) (child)"), or null.
    pub nemod: Option<String>,
    /// The title as printed, modifiers in place.
    pub printed: String,
    pub codes: Vec<CodeView>,
    pub manif: Vec<ManifView>,
    /// The table's six cells in column order (empty outside the two tables).
    pub cells: Vec<CellView>,
    pub xrefs: Vec<XrefView>,
    pub has_subterms: bool,
}

/// A main term (or a subterm) and everything below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermTree {
    pub table: IndexTable,
    pub table_label: &'static str,
    pub edition: String,
    /// Ancestors of the first line, main term first (empty when the tree starts at a main term).
    pub above: Vec<PathStep>,
    pub columns: Vec<ColumnView>,
    pub lines: Vec<TermLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathStep {
    pub id: u32,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MainTermView {
    pub table: IndexTable,
    pub id: u32,
    pub title: String,
    pub nemod: Option<String>,
    pub printed: String,
}

/// Rows of the Table of Neoplasms or the Table of Drugs and Chemicals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRows {
    pub table: IndexTable,
    pub table_label: &'static str,
    pub edition: String,
    pub columns: Vec<ColumnView>,
    /// Rows matching the filter (all of them may not be returned: see `limit`).
    pub total: usize,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRow {
    pub id: u32,
    pub level: u8,
    /// Titles from the main term down ("Neoplasm, neoplastic", "breast", "upper outer quadrant").
    pub path: Vec<String>,
    pub title: String,
    pub nemod: Option<String>,
    pub printed: String,
    /// Always six, in column order.
    pub cells: Vec<CellView>,
    pub manif: Vec<ManifView>,
    pub xrefs: Vec<XrefView>,
}

/// A search result: an index entry and the code (or cross-reference) it leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexHit {
    pub table: IndexTable,
    pub table_label: &'static str,
    /// The term id within its table (for `term`/`termAt`).
    pub term: u32,
    pub main_term: String,
    /// Titles from the main term down to the entry.
    pub path: Vec<String>,
    pub nemod: Option<String>,
    /// The column head of a table cell ("Malignant Secondary").
    pub column: Option<String>,
    pub column_key: Option<&'static str>,
    pub code: Option<CodeView>,
    pub manif: Vec<ManifView>,
    /// For an entry without a code: its cross-reference.
    pub xref: Option<XrefView>,
    /// "Neoplasm, neoplastic > breast > upper outer quadrant — Malignant Secondary → C79.81":
    /// the student's index path.
    pub index_path: String,
}

/// One entry of [`IndexView::search_entries`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchEntry {
    pub id: usize,
    pub table: IndexTable,
    pub term: u32,
    pub column_key: Option<&'static str>,
    /// As printed.
    pub code: String,
    /// Main term and subterms as printed (modifiers included), then the column head.
    pub text: String,
}

/// Where following "see" references from a term leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeeChain {
    pub steps: Vec<ChainStep>,
    /// Why it stopped: `no_see` (the last term has no "see": read it), `not_a_term` (its "see"
    /// leads to a table, the tabular, an instruction or nowhere), `loop`, `too_long`.
    pub ended: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainStep {
    pub table: IndexTable,
    pub term: u32,
    pub path: Vec<String>,
    /// The "see" text that led here (null for the first step).
    pub via: Option<String>,
}

/// Per-table figures of `medcode index --report`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableReport {
    pub table: IndexTable,
    pub label: &'static str,
    pub main_terms: usize,
    pub subterms: usize,
    /// Every printed code: cells holding a code, codes after terms, manifestation codes.
    pub code_cells: usize,
    pub distinct_codes: usize,
    /// Code cells by status on the date.
    pub by_status: BTreeMap<&'static str, usize>,
    pub xrefs: usize,
    /// Cross-references by resolution status.
    pub xrefs_by_status: BTreeMap<String, usize>,
    /// Cross-references not resolved: a main term without the whole subterm path, or nothing.
    pub unresolved: Vec<XrefReport>,
    /// Cross-references to the Index to Diseases and Injuries while it is not loaded.
    pub other_index: Vec<XrefReport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct XrefReport {
    pub table: IndexTable,
    pub term: u32,
    pub path: Vec<String>,
    pub kind: XrefKind,
    pub text: String,
    pub resolution: Resolution,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexReport {
    pub edition: String,
    pub tabular_edition: String,
    pub date: String,
    pub tables: Vec<TableReport>,
}

/// The index tables (and the Alphabetic Index when loaded) as the student sees them, with code
/// statuses either stored (for [`STATUS_DATE`]) or checked live against the code set for a date.
#[derive(Clone, Copy)]
pub struct IndexView<'a> {
    pub tables: &'a Icd10cmIndex,
    pub alphabetic: Option<&'a AlphabeticIndex>,
    live: Option<(&'a Icd10cm, Date)>,
}

impl<'a> IndexView<'a> {
    /// Statuses checked against `icd` for `date` instead of the stored ones.
    pub fn live(mut self, icd: &'a Icd10cm, date: Date) -> IndexView<'a> {
        self.live = Some((icd, date));
        self
    }

    pub fn file(&self, table: IndexTable) -> Option<&'a IndexFile> {
        match table {
            IndexTable::Alphabetic => self.alphabetic.map(|a| &a.file),
            t => self.tables.file(t),
        }
    }

    /// The loaded files, Alphabetic Index first.
    pub fn files(&self) -> Vec<(IndexTable, &'a IndexFile)> {
        IndexTable::ALL.iter().filter_map(|&t| self.file(t).map(|f| (t, f))).collect()
    }

    fn edition_of(&self, table: IndexTable) -> String {
        match (table, self.alphabetic) {
            (IndexTable::Alphabetic, Some(a)) => a.edition.clone(),
            _ => self.tables.edition.clone(),
        }
    }

    fn index_edition_of(&self, table: IndexTable) -> String {
        match (table, self.alphabetic) {
            (IndexTable::Alphabetic, Some(a)) => a.file.version.clone().map(|v| format!("FY{v}")).unwrap_or_else(|| "the loaded edition".into()),
            _ => self.tables.index_edition.clone(),
        }
    }

    /// What became of a printed code, with the sentence to show.
    pub fn code(&self, table: IndexTable, printed: &str) -> CodeView {
        let (check, date) = match self.live {
            Some((icd, date)) => (check_code(icd, printed, date), Some(date)),
            None => {
                let stored = match table {
                    IndexTable::Alphabetic => self.alphabetic.and_then(|a| a.stored_check(printed).map(|c| (c.clone(), a.status_date))),
                    _ => self.tables.stored_check(printed).map(|c| (c.clone(), Some(self.tables.status_date))),
                };
                match stored {
                    Some((c, date)) => (c, date),
                    None => (CodeCheck { status: CodeStatus::Unchecked, tabular: None, stem: None, sevenths: None }, None),
                }
            }
        };
        let base = printed.trim().trim_end_matches('-');
        let base = base.strip_suffix('.').unwrap_or(base);
        CodeView {
            printed: printed.to_string(),
            code: crate::codes::normalize_icd10cm(base).unwrap_or_else(|_| base.to_string()),
            dash: printed.trim().ends_with('-'),
            text: status_text(printed, &check, date, &self.index_edition_of(table)),
            status: check.status,
            tabular: check.tabular,
            stem: check.stem,
            sevenths: check.sevenths,
            date: date.map(|d| d.to_string()),
        }
    }

    fn places(&self, from: IndexTable) -> Vec<Place<'a>> {
        let mut out: Vec<Place> = Vec::new();
        if let Some(f) = self.file(from) {
            out.push(Place { table: from, file: f });
        }
        for (t, f) in self.files() {
            if t != from && t != IndexTable::Alphabetic {
                out.push(Place { table: t, file: f });
            }
        }
        if from != IndexTable::Alphabetic {
            if let Some(f) = self.file(IndexTable::Alphabetic) {
                out.push(Place { table: IndexTable::Alphabetic, file: f });
            }
        }
        out
    }

    /// Where a cross-reference printed at a term leads.
    pub fn resolve(&self, table: IndexTable, term: &IndexTerm, xref: &CrossRef) -> Resolution {
        xref::resolve(xref, &self.places(table), &term.codes)
    }

    /// Follows "see" references from a term (a "see" of a "see" ...) until a term that has no
    /// "see" of its own, a reference that does not lead to a term, or a loop. The first step is
    /// the term itself.
    pub fn see_chain(&self, table: IndexTable, id: u32) -> SeeChain {
        let mut steps = Vec::new();
        let mut at = Some((table, id, None::<String>));
        let mut ended = "no_see";
        while let Some((t, i, via)) = at.take() {
            let Some(f) = self.file(t) else { break };
            let Some(term) = f.terms.get(i as usize) else { break };
            if steps.iter().any(|s: &ChainStep| s.table == t && s.term == i) {
                ended = "loop";
                break;
            }
            steps.push(ChainStep { table: t, term: i, path: f.path_titles(i), via });
            if steps.len() > 16 {
                ended = "too_long";
                break;
            }
            if let Some(x) = term.xrefs.iter().find(|x| x.kind == XrefKind::See) {
                match self.resolve(t, term, x) {
                    Resolution::Resolved { table: nt, term: ni, .. } => at = Some((nt, ni, Some(x.text.clone()))),
                    _ => ended = "not_a_term",
                }
            }
        }
        SeeChain { steps, ended }
    }

    fn xref_view(&self, table: IndexTable, term: &IndexTerm, x: &CrossRef) -> XrefView {
        XrefView { kind: x.kind, label: x.kind.label(), text: x.text.clone(), resolution: self.resolve(table, term, x) }
    }

    fn manif_views(&self, table: IndexTable, term: &IndexTerm) -> Vec<ManifView> {
        term.manif
            .iter()
            .map(|m| ManifView { printed: m.clone(), code: code_shaped(m).then(|| self.code(table, m)) })
            .collect()
    }

    fn columns(&self, table: IndexTable) -> Vec<ColumnView> {
        let Some(f) = self.file(table) else { return Vec::new() };
        f.columns
            .iter()
            .map(|c| ColumnView { col: c.col, key: column_key(table, c.col).unwrap_or("column"), head: c.head.clone() })
            .collect()
    }

    fn cell_views(&self, table: IndexTable, file: &IndexFile, term: &IndexTerm) -> Vec<CellView> {
        file.columns
            .iter()
            .map(|c| {
                let cell = term.cells.iter().find(|x| x.col == c.col);
                CellView {
                    col: c.col,
                    key: column_key(table, c.col).unwrap_or("column"),
                    column: c.head.clone(),
                    printed: cell.map(|x| x.text.clone()),
                    code: cell.filter(|x| code_shaped(&x.text)).map(|x| self.code(table, &x.text)),
                }
            })
            .collect()
    }

    fn line(&self, table: IndexTable, file: &IndexFile, id: u32) -> TermLine {
        let t = &file.terms[id as usize];
        TermLine {
            id,
            level: t.level,
            title: t.title.clone(),
            nemod: t.nemod_text(),
            printed: t.printed(),
            codes: t.codes.iter().map(|c| self.code(table, c)).collect(),
            manif: self.manif_views(table, t),
            cells: if file.columns.is_empty() { Vec::new() } else { self.cell_views(table, file, t) },
            xrefs: t.xrefs.iter().map(|x| self.xref_view(table, t, x)).collect(),
            has_subterms: !file.children(id).is_empty(),
        }
    }

    /// Main terms whose title starts with `prefix` (case-insensitive), in one table or all;
    /// titles equal to the prefix first, then alphabetical.
    pub fn main_terms(&self, prefix: &str, table: Option<IndexTable>, limit: usize) -> Vec<MainTermView> {
        let p = prefix.trim().to_lowercase();
        let mut out: Vec<(bool, String, IndexTable, u32)> = Vec::new();
        for (t, f) in self.files() {
            if table.is_some_and(|want| want != t) {
                continue;
            }
            for &id in f.main_terms() {
                let title = f.terms[id as usize].title.to_lowercase();
                if title.starts_with(&p) {
                    out.push((title != p, title, t, id));
                }
            }
        }
        out.sort();
        out.into_iter()
            .take(limit)
            .map(|(_, _, t, id)| {
                let term = &self.file(t).unwrap().terms[id as usize];
                MainTermView { table: t, id, title: term.title.clone(), nemod: term.nemod_text(), printed: term.printed() }
            })
            .collect()
    }

    /// A main term and its whole subterm tree, in printed order. None when the table has no
    /// such main term (or is not loaded).
    pub fn term(&self, table: IndexTable, main_term: &str) -> Option<TermTree> {
        let f = self.file(table)?;
        let id = f.find_main_term(main_term)?;
        self.term_at(table, id)
    }

    /// Any term (by id) and everything below it, with the terms above it.
    pub fn term_at(&self, table: IndexTable, id: u32) -> Option<TermTree> {
        let f = self.file(table)?;
        if id as usize >= f.terms.len() {
            return None;
        }
        let mut above: Vec<PathStep> =
            f.path_ids(id).into_iter().map(|i| PathStep { id: i, title: f.terms[i as usize].title.clone() }).collect();
        above.pop();
        Some(TermTree {
            table,
            table_label: table.label(),
            edition: self.edition_of(table),
            above,
            columns: self.columns(table),
            lines: f.subtree(id).map(|i| self.line(table, f, i as u32)).collect(),
        })
    }

    /// Rows of the Table of Neoplasms or of Drugs and Chemicals whose site / substance path holds
    /// every word of `filter` (the last word may be unfinished), in printed order.
    pub fn table_rows(&self, table: IndexTable, filter: &str, limit: usize) -> Option<TableRows> {
        let f = self.file(table)?;
        if f.columns.is_empty() {
            return None;
        }
        let wanted: Vec<String> = crate::search::text::raw_words(filter);
        let mut total = 0;
        let mut rows = Vec::new();
        let mut path_words: Vec<Vec<String>> = vec![Vec::new(); f.terms.len()];
        for (id, t) in f.terms.iter().enumerate() {
            let mut words = t.parent.map(|p| path_words[p as usize].clone()).unwrap_or_default();
            words.extend(crate::search::text::raw_words(&t.printed()));
            let ok = wanted.iter().all(|w| {
                let ws = crate::search::text::stem(w);
                words.iter().any(|x| x.starts_with(w.as_str()) || crate::search::text::stem(x) == ws)
            });
            path_words[id] = words;
            if !ok {
                continue;
            }
            total += 1;
            if rows.len() < limit {
                rows.push(TableRow {
                    id: id as u32,
                    level: t.level,
                    path: f.path_titles(id as u32),
                    title: t.title.clone(),
                    nemod: t.nemod_text(),
                    printed: t.printed(),
                    cells: self.cell_views(table, f, t),
                    manif: self.manif_views(table, t),
                    xrefs: t.xrefs.iter().map(|x| self.xref_view(table, t, x)).collect(),
                });
            }
        }
        Some(TableRows { table, table_label: table.label(), edition: self.edition_of(table), columns: self.columns(table), total, rows })
    }

    /// Table of Neoplasms rows for a site ("breast", "lung upper lobe").
    pub fn neoplasm(&self, site: &str, limit: usize) -> TableRows {
        self.table_rows(IndexTable::Neoplasm, site, limit).expect("the Table of Neoplasms is compiled in")
    }

    /// Table of Drugs and Chemicals rows for a substance ("acetaminophen").
    pub fn drug(&self, substance: &str, limit: usize) -> TableRows {
        self.table_rows(IndexTable::Drug, substance, limit).expect("the Table of Drugs is compiled in")
    }

    /// Search over index terms: main term + subterm path (nonessential modifiers weigh less),
    /// the column heads of table cells. Best first.
    pub fn search_index(&self, query: &str, limit: usize) -> Vec<IndexHit> {
        let files: Vec<Searched> = self.files().into_iter().map(|(table, file)| Searched { table, file }).collect();
        search::search(&files, query, limit).into_iter().map(|h| self.hit(h)).collect()
    }

    /// The entries search ranks, as plain text (for benchmarks against other search engines):
    /// every table cell and printed code, with its path, nonessential modifiers and column head.
    pub fn search_entries(&self) -> Vec<SearchEntry> {
        let mut out = Vec::new();
        for (table, f) in self.files() {
            for (id, t) in f.terms.iter().enumerate() {
                let mut words: Vec<String> = Vec::new();
                for p in f.path_ids(id as u32) {
                    words.push(f.terms[p as usize].printed());
                }
                let path = words.join(" ");
                for c in t.cells.iter().filter(|c| code_shaped(&c.text)) {
                    let head = f.columns.iter().find(|h| h.col == c.col).map(|h| h.head.as_str()).unwrap_or("");
                    out.push(SearchEntry { id: out.len(), table, term: id as u32, column_key: column_key(table, c.col), code: c.text.clone(), text: format!("{path} {head}") });
                }
                for c in &t.codes {
                    out.push(SearchEntry { id: out.len(), table, term: id as u32, column_key: None, code: c.clone(), text: path.clone() });
                }
            }
        }
        out
    }

    fn hit(&self, h: RawHit) -> IndexHit {
        let f = self.file(h.table).expect("hits come from loaded files");
        let t = &f.terms[h.term as usize];
        let path = f.path_titles(h.term);
        let (mut column, mut column_key_, mut code, mut xref) = (None, None, None, None);
        match h.target {
            Target::Cell(i) => {
                let cell = &t.cells[i];
                column = f.columns.iter().find(|c| c.col == cell.col).map(|c| c.head.clone());
                column_key_ = column_key(h.table, cell.col);
                code = Some(self.code(h.table, &cell.text));
            }
            Target::Code(i) => code = Some(self.code(h.table, &t.codes[i])),
            Target::Xref(i) => xref = Some(self.xref_view(h.table, t, &t.xrefs[i])),
        }
        let manif = if matches!(h.target, Target::Code(_)) { self.manif_views(h.table, t) } else { Vec::new() };
        let mut index_path = path.join(" > ");
        if let Some(c) = &column {
            index_path.push_str(" — ");
            index_path.push_str(c);
        }
        if let Some(c) = &code {
            index_path.push_str(" → ");
            index_path.push_str(&c.printed);
        }
        for m in &manif {
            index_path.push_str(&format!(" [{}]", m.printed));
        }
        if let Some(x) = &xref {
            index_path.push_str(&format!(" — {} {}", x.label, x.text));
        }
        IndexHit {
            table: h.table,
            table_label: h.table.label(),
            term: h.term,
            main_term: path[0].clone(),
            path,
            nemod: t.nemod_text(),
            column,
            column_key: column_key_,
            code,
            manif,
            xref,
            index_path,
        }
    }

    /// Counts per table: terms, code cells by status, cross-references by resolution, and the
    /// cross-references that do not resolve.
    pub fn report(&self) -> IndexReport {
        let mut tables = Vec::new();
        for (table, f) in self.files() {
            let counts = f.counts();
            let mut by_status: BTreeMap<&'static str, usize> = BTreeMap::new();
            let mut distinct: Vec<&str> = Vec::new();
            let mut xrefs_by_status: BTreeMap<String, usize> = BTreeMap::new();
            let (mut unresolved, mut other_index) = (Vec::new(), Vec::new());
            let mut xrefs = 0;
            for (id, t) in f.terms.iter().enumerate() {
                let printed = t
                    .codes
                    .iter()
                    .map(String::as_str)
                    .chain(t.manif.iter().map(String::as_str).filter(|m| code_shaped(m)))
                    .chain(t.cells.iter().map(|c| c.text.as_str()).filter(|c| code_shaped(c)));
                for p in printed {
                    *by_status.entry(self.code(table, p).status.id()).or_default() += 1;
                    distinct.push(p);
                }
                for x in &t.xrefs {
                    xrefs += 1;
                    let resolution = self.resolve(table, t, x);
                    let status = serde_json::to_value(&resolution).ok().and_then(|v| v["status"].as_str().map(str::to_string)).unwrap_or_default();
                    *xrefs_by_status.entry(status).or_default() += 1;
                    let report = || XrefReport {
                        table,
                        term: id as u32,
                        path: f.path_titles(id as u32),
                        kind: x.kind,
                        text: x.text.clone(),
                        resolution: resolution.clone(),
                    };
                    match &resolution {
                        Resolution::Partial { .. } | Resolution::Unresolved => unresolved.push(report()),
                        Resolution::OtherIndex { .. } => other_index.push(report()),
                        _ => {}
                    }
                }
            }
            distinct.sort_unstable();
            distinct.dedup();
            tables.push(TableReport {
                table,
                label: table.label(),
                main_terms: counts.main_terms,
                subterms: counts.subterms,
                code_cells: by_status.values().sum(),
                distinct_codes: distinct.len(),
                by_status,
                xrefs,
                xrefs_by_status,
                unresolved,
                other_index,
            });
        }
        let date = match self.live {
            Some((_, d)) => d,
            None => self.tables.status_date,
        };
        let tabular_edition = match self.live {
            Some((icd, _)) => icd.edition.clone(),
            None => self.tables.tabular_edition.clone(),
        };
        IndexReport { edition: self.tables.edition.clone(), tabular_edition, date: date.to_string(), tables }
    }
}
