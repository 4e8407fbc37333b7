//! Search over index terms. A term is found by the words of its whole path (main term and every
//! subterm above it); words of nonessential modifiers count, with half the weight of essential
//! ones; in the two tables the words of a cell's column head ("Poisoning Accidental
//! (unintentional)", "Malignant Secondary") and a few words coders use for them ("metastatic",
//! "suicide attempt") pick the cell. So "poisoning acetaminophen accidental" lands on the Drug
//! table cell T39.1X1 and "neoplasm breast upper outer quadrant secondary" on C79.81.
//!
//! The postings (word -> terms holding it in their own title) are derived when a file is loaded;
//! a query marks the terms holding each query word and passes the marks down the tree, so a
//! subterm matches the words of every term above it without storing its path.

use super::load::code_shaped;
use super::model::{IndexFile, IndexTable};
use crate::search::text::{edit_distance_within, raw_words, term_of, terms};

const ESSENTIAL: u8 = 1;
const NEMOD: u8 = 2;
/// At most this many query words are used.
const MAX_QUERY_TERMS: usize = 24;

#[derive(Debug, Default)]
pub(crate) struct FileSearch {
    /// Sorted vocabulary.
    words: Vec<String>,
    /// `post_*[start[w]..start[w + 1]]`: the terms whose own title holds word w.
    start: Vec<u32>,
    post_term: Vec<u32>,
    post_field: Vec<u8>,
    /// Essential words from the main term down to each term.
    path_len: Vec<u16>,
    /// Per column of a table: its search words and their weights (head words 1, head words in
    /// parentheses and synonyms a little less).
    columns: Vec<(u8, Vec<(String, f32)>)>,
}

/// Words coders use for a column besides its head.
fn column_synonyms(head: &str) -> &'static [&'static str] {
    let h = head.to_ascii_lowercase();
    if h.contains("accidental") {
        &["accident", "unintentional", "accidentally"]
    } else if h.contains("self-harm") || h.contains("self harm") {
        &["suicide", "suicidal", "attempt", "intentional", "intentionally", "self", "harm", "selfharm"]
    } else if h.contains("assault") {
        &["homicide", "homicidal", "assaulted"]
    } else if h.contains("undetermined") {
        &["undetermined", "unknown"]
    } else if h.contains("adverse") {
        &["adverse", "side", "reaction", "correctly", "prescribed", "therapeutic"]
    } else if h.contains("underdosing") {
        &["underdose", "underdosed", "underdosing", "missed"]
    } else if h.contains("secondary") {
        &["metastatic", "metastasis", "metastases", "mets", "secondary", "spread"]
    } else if h.contains("primary") {
        &["cancer", "carcinoma", "primary", "ca"]
    } else if h.contains("situ") {
        &["cis", "situ", "insitu", "intraepithelial"]
    } else if h.contains("benign") {
        &["benign", "noncancerous"]
    } else if h.contains("uncertain") {
        &["uncertain", "borderline"]
    } else if h.contains("unspecified") {
        &["unspecified", "unknown"]
    } else {
        &[]
    }
}

impl FileSearch {
    pub(crate) fn build(file: &IndexFile) -> FileSearch {
        let mut triples: Vec<(String, u32, u8)> = Vec::new();
        let mut path_len = vec![0u16; file.terms.len()];
        for (id, t) in file.terms.iter().enumerate() {
            let mut ess = terms(&t.title);
            ess.sort();
            ess.dedup();
            let own = ess.len() as u16;
            path_len[id] = own + t.parent.map_or(0, |p| path_len[p as usize]);
            for w in &ess {
                triples.push((w.clone(), id as u32, ESSENTIAL));
            }
            for n in &t.nemod {
                for w in terms(&n.text) {
                    if ess.binary_search(&w).is_err() {
                        triples.push((w, id as u32, NEMOD));
                    }
                }
            }
        }
        triples.sort();
        triples.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1);
        let mut s = FileSearch { path_len, ..Default::default() };
        for (w, t, f) in triples {
            if s.words.last() != Some(&w) {
                s.words.push(w);
                s.start.push(s.post_term.len() as u32);
            }
            s.post_term.push(t);
            s.post_field.push(f);
        }
        s.start.push(s.post_term.len() as u32);
        for c in &file.columns {
            let mut words: Vec<(String, f32)> = Vec::new();
            let mut depth = 0usize;
            let mut plain = String::new();
            let mut paren = String::new();
            for ch in c.head.chars() {
                match ch {
                    '(' => depth += 1,
                    ')' => depth = depth.saturating_sub(1),
                    _ if depth > 0 => paren.push(ch),
                    _ => plain.push(ch),
                }
            }
            words.extend(terms(&plain).into_iter().map(|w| (w, 1.0)));
            words.extend(terms(&paren).into_iter().map(|w| (w, 0.8)));
            words.extend(column_synonyms(&c.head).iter().filter_map(|w| term_of(w)).map(|w| (w, 0.8)));
            words.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
            words.dedup_by(|b, a| a.0 == b.0);
            s.columns.push((c.col, words));
        }
        s
    }

    fn postings(&self, w: usize) -> std::ops::Range<usize> {
        self.start[w] as usize..self.start[w + 1] as usize
    }

    /// Vocabulary entries a query word matches: exactly, as a prefix (the word being typed), or,
    /// for a word the vocabulary lacks, within a small edit distance. With the match weight.
    fn matches(&self, q: &QueryTerm) -> Vec<(usize, f32)> {
        let mut out = Vec::new();
        let lo = self.words.partition_point(|w| w.as_str() < q.text.as_str());
        if self.words.get(lo) == Some(&q.text) {
            out.push((lo, 1.0));
        }
        if q.prefix {
            for (i, w) in self.words.iter().enumerate().skip(lo) {
                if !w.starts_with(q.text.as_str()) {
                    break;
                }
                if *w != q.text && out.len() < 400 {
                    out.push((i, 0.9));
                }
            }
        }
        if out.is_empty() && q.text.len() >= 5 {
            let max = if q.text.len() >= 8 { 2 } else { 1 };
            for (i, w) in self.words.iter().enumerate() {
                if edit_distance_within(w.as_bytes(), q.text.as_bytes(), max) <= max {
                    out.push((i, 0.7));
                }
            }
        }
        out
    }
}

/// A word of the query.
#[derive(Debug, Clone)]
pub(crate) struct QueryTerm {
    pub text: String,
    /// The last word, still being typed.
    pub prefix: bool,
}

pub(crate) fn query_terms(query: &str) -> Vec<QueryTerm> {
    let words = raw_words(query);
    let typing = !query.ends_with(char::is_whitespace);
    let mut out: Vec<QueryTerm> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let last = i + 1 == words.len();
        let text = match term_of(w) {
            Some(t) => t,
            // A stopword being typed may be the start of a real word ("an" -> "anemia").
            None if last && typing => w.clone(),
            None => continue,
        };
        if let Some(q) = out.iter_mut().find(|q| q.text == text) {
            q.prefix &= last && typing;
            continue;
        }
        out.push(QueryTerm { prefix: last && typing && w.len() >= 2, text });
    }
    out.truncate(MAX_QUERY_TERMS);
    out
}

/// What a search result points at within a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// A table cell (its index in `cells`).
    Cell(usize),
    /// A printed code (its index in `codes`).
    Code(usize),
    /// A cross-reference (its index in `xrefs`), for terms without a code.
    Xref(usize),
}

#[derive(Debug, Clone)]
pub(crate) struct RawHit {
    pub table: IndexTable,
    pub term: u32,
    pub target: Target,
    matched: u32,
    weight: f32,
    unmatched: u16,
    level: u8,
}

/// One index file to search, with its place in the tie-break order.
pub(crate) struct Searched<'a> {
    pub table: IndexTable,
    pub file: &'a IndexFile,
}

/// Ranked hits over several files, best first.
pub(crate) fn search(files: &[Searched], query: &str, limit: usize) -> Vec<RawHit> {
    if limit == 0 {
        return Vec::new();
    }
    let trimmed = query.trim();
    if !trimmed.contains(' ') && code_shaped(&trimmed.to_ascii_uppercase()) && trimmed.len() >= 3 {
        let hits = by_code(files, &trimmed.to_ascii_uppercase(), limit);
        if !hits.is_empty() {
            return hits;
        }
    }
    let q = query_terms(query);
    if q.is_empty() {
        return Vec::new();
    }
    // Per file and query word: the matched vocabulary entries. Document frequencies over all files.
    let matches: Vec<Vec<Vec<(usize, f32)>>> =
        files.iter().map(|f| q.iter().map(|t| f.file.derived.search.matches(t)).collect()).collect();
    let total_terms: usize = files.iter().map(|f| f.file.terms.len()).sum::<usize>().max(1);
    let idf: Vec<f32> = (0..q.len())
        .map(|i| {
            let df: usize = files
                .iter()
                .zip(&matches)
                .map(|(f, m)| m[i].iter().map(|&(w, _)| f.file.derived.search.postings(w).len()).sum::<usize>())
                .sum();
            (1.0 + total_terms as f32 / (1.0 + df as f32)).ln()
        })
        .collect();
    let mut hits: Vec<RawHit> = Vec::new();
    for (f, m) in files.iter().zip(&matches) {
        let s = &f.file.derived.search;
        let n = f.file.terms.len();
        // Bits of the query words each term holds in its own title (essential / nonessential),
        // and the best match weight per term and word.
        let mut ess = vec![0u32; n];
        let mut nem = vec![0u32; n];
        // Words matched exactly (not only by a prefix or a near spelling).
        let mut exact = vec![0u32; n];
        for (i, word_matches) in m.iter().enumerate() {
            let bit = 1u32 << i;
            for &(w, weight) in word_matches {
                for p in s.postings(w) {
                    let t = s.post_term[p] as usize;
                    if s.post_field[p] == ESSENTIAL {
                        ess[t] |= bit;
                    } else {
                        nem[t] |= bit;
                    }
                    if weight >= 1.0 {
                        exact[t] |= bit;
                    }
                }
            }
        }
        // Down the tree: a term holds the words of every term above it.
        for t in 0..n {
            if let Some(p) = f.file.terms[t].parent {
                let p = p as usize;
                ess[t] |= ess[p];
                nem[t] |= nem[p];
                exact[t] |= exact[p];
            }
        }
        let col_bits: Vec<(u8, u32, f32)> = s
            .columns
            .iter()
            .map(|(col, words)| {
                let mut bits = 0u32;
                let mut weight = 0.0f32;
                for (i, qt) in q.iter().enumerate() {
                    let hit = words
                        .iter()
                        .filter(|(w, _)| *w == qt.text || (qt.prefix && w.starts_with(qt.text.as_str())))
                        .map(|(_, wt)| *wt)
                        .fold(0.0f32, f32::max);
                    if hit > 0.0 {
                        bits |= 1 << i;
                        weight += hit * 1.5;
                    }
                }
                (*col, bits, weight)
            })
            .collect();
        for t in 0..n {
            let path = ess[t] | nem[t];
            if path == 0 {
                continue;
            }
            let term = &f.file.terms[t];
            let score = |bits_ess: u32, bits_nem: u32| -> f32 {
                let mut w = 0.0;
                for (i, idf_i) in idf.iter().enumerate() {
                    let bit = 1u32 << i;
                    let partial = if exact[t] & bit == 0 { 0.9 } else { 1.0 };
                    if bits_ess & bit != 0 {
                        w += idf_i * partial;
                    } else if bits_nem & bit != 0 {
                        w += 0.5 * idf_i * partial;
                    }
                }
                w
            };
            let base = score(ess[t], nem[t] & !ess[t]);
            let unmatched = s.path_len[t].saturating_sub(ess[t].count_ones() as u16);
            let mut push = |target: Target, extra_bits: u32, extra_weight: f32| {
                hits.push(RawHit {
                    table: f.table,
                    term: t as u32,
                    target,
                    matched: (path | extra_bits).count_ones(),
                    weight: base + extra_weight,
                    unmatched,
                    level: term.level,
                });
            };
            if !term.cells.is_empty() {
                for (ci, cell) in term.cells.iter().enumerate() {
                    if !code_shaped(&cell.text) {
                        continue;
                    }
                    let (bits, weight) = col_bits
                        .iter()
                        .find(|(c, _, _)| *c == cell.col)
                        .map(|(_, b, w)| (*b & !path, *w))
                        .unwrap_or((0, 0.0));
                    push(Target::Cell(ci), bits, if bits != 0 { weight } else { 0.0 });
                }
            } else if !term.codes.is_empty() {
                for ci in 0..term.codes.len() {
                    push(Target::Code(ci), 0, 0.0);
                }
            } else if !term.xrefs.is_empty() {
                push(Target::Xref(0), 0, 0.0);
            }
        }
    }
    rank(&mut hits, limit);
    hits
}

fn rank(hits: &mut Vec<RawHit>, limit: usize) {
    let order = |a: &RawHit, b: &RawHit| {
        b.matched
            .cmp(&a.matched)
            .then(b.weight.total_cmp(&a.weight))
            .then(matches!(a.target, Target::Xref(_)).cmp(&matches!(b.target, Target::Xref(_))))
            .then(a.unmatched.cmp(&b.unmatched))
            .then(a.level.cmp(&b.level))
            .then(a.table.cmp(&b.table))
            .then(a.term.cmp(&b.term))
            .then(target_order(a.target).cmp(&target_order(b.target)))
    };
    if hits.len() > limit {
        hits.select_nth_unstable_by(limit - 1, order);
        hits.truncate(limit);
    }
    hits.sort_by(order);
}

fn target_order(t: Target) -> usize {
    match t {
        Target::Cell(i) | Target::Code(i) | Target::Xref(i) => i,
    }
}

/// Index entries printing a code that starts with `code` (dots ignored): exact codes first.
fn by_code(files: &[Searched], code: &str, limit: usize) -> Vec<RawHit> {
    let want = code.replace('.', "").trim_end_matches('-').to_string();
    let mut hits = Vec::new();
    for f in files {
        for (t, term) in f.file.terms.iter().enumerate() {
            let mut consider = |text: &str, target: Target| {
                let have = text.replace('.', "");
                let have = have.trim_end_matches('-');
                if have.starts_with(want.as_str()) {
                    hits.push(RawHit {
                        table: f.table,
                        term: t as u32,
                        target,
                        matched: u32::from(have == want),
                        weight: 0.0,
                        unmatched: (have.len() - want.len()) as u16,
                        level: term.level,
                    });
                }
            };
            for (i, c) in term.cells.iter().enumerate() {
                if code_shaped(&c.text) {
                    consider(&c.text, Target::Cell(i));
                }
            }
            for (i, c) in term.codes.iter().enumerate() {
                consider(c, Target::Code(i));
            }
        }
    }
    rank(&mut hits, limit);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_words() {
        let q = query_terms("Poisoning by acetaminophen, accid");
        let texts: Vec<&str> = q.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, vec!["poisoning", "acetaminophen", "accid"]);
        assert!(q[2].prefix && !q[0].prefix);
        assert!(!query_terms("breast ")[0].prefix);
        assert_eq!(crate::search::text::stem("quadrants"), "quadrant");
    }
}
