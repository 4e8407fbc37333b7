//! Search over the tabular: a term dictionary (sorted vocabulary) pointing to postings (which
//! entries hold the term, in the title or in an inclusion term), built at compile time and stored
//! in the code set so loading is only decoding. Queries are expanded through the abbreviation
//! dictionary, the last word is treated as a prefix (type-ahead), unknown words are matched with
//! a small edit distance, and code-shaped queries go straight to the codes.

mod abbreviations;
pub mod text;

pub use abbreviations::Abbreviations;

use serde::{Deserialize, Serialize};

use crate::store::model::{Icd10cm, Kind, Node, NoteKind};
use text::{edit_distance_within, raw_words, term_of};

const IN_TITLE: u8 = 1;
const IN_INCLUSION_TERM: u8 = 2;
/// The term occurs outside parentheses somewhere in the entry (not only as a nonessential
/// modifier such as the "(primary)" of "Essential (primary) hypertension").
const ESSENTIAL: u8 = 4;

/// Words that mark the default code of a condition: what a coder assigns when the chart says
/// no more ("Pneumonia, unspecified organism", "Diabetes NOS", "site not specified", "without
/// complications"). They do not count towards an entry's length, and entries carrying them are
/// preferred, the more so when the query itself says "unspecified" or "not specified".
const DEFAULT_MARKERS: &[&[&str]] = &[&["unspecified"], &["nos"], &["not", "specified"], &["without", "complication"]];

/// Positions of the terms that belong to a default marker.
fn default_marker_positions(terms: &[&str]) -> Vec<usize> {
    let mut out = Vec::new();
    for i in 0..terms.len() {
        for marker in DEFAULT_MARKERS {
            if terms[i..].starts_with(marker) {
                out.extend(i..i + marker.len());
            }
        }
    }
    out
}

/// The compiled search index over tabular entries (categories, subcategories, codes).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SearchIndex {
    /// Node id of each searchable entry (document).
    pub doc_nodes: Vec<u32>,
    /// Per document: bit 0 = reportable as printed, bit 1 = carries a default marker.
    doc_flags: Vec<u8>,
    /// Sorted vocabulary.
    terms: Vec<String>,
    /// `posting_*[posting_start[t]..posting_start[t + 1]]` are the documents holding term t.
    posting_start: Vec<u32>,
    posting_doc: Vec<u32>,
    /// IN_TITLE | IN_INCLUSION_TERM | ESSENTIAL.
    posting_field: Vec<u8>,
    /// Length, in essential terms, of the shortest field (title or inclusion term) holding the term.
    posting_len: Vec<u8>,
    /// Derived at load, not stored: the postings turned around (document -> its postings, in
    /// term order), to test "does this entry have a word starting with 'he'" without walking
    /// every posting of every such word.
    #[serde(skip)]
    doc_posting_start: Vec<u32>,
    #[serde(skip)]
    doc_postings: Vec<u32>,
    /// The term of each entry of `doc_postings`.
    #[serde(skip)]
    doc_posting_terms: Vec<u32>,
    /// Per-query work arrays, kept between queries so a keystroke does not clear 47,000 entries.
    #[serde(skip)]
    scratch: std::sync::Mutex<Scratch>,
    /// Words already resolved to terms. While a student types, every keystroke repeats the
    /// words before the cursor; a misspelt one costs a vocabulary scan only the first time.
    #[serde(skip)]
    resolved: std::sync::Mutex<std::collections::HashMap<(String, bool), Vec<(usize, f32)>>>,
}

/// How many resolved words to remember before starting afresh.
const RESOLVED_CACHE_LIMIT: usize = 512;

/// Per-document accumulators for one query; only touched entries are reset afterwards.
#[derive(Debug, Default)]
struct Scratch {
    score: Vec<f32>,
    best_in_slot: Vec<f32>,
    seen_slot: Vec<u8>,
    matched: Vec<u8>,
    shortest: Vec<u8>,
    touched: Vec<u32>,
}

impl Scratch {
    fn ready(&mut self, n: usize) {
        if self.score.len() != n {
            *self = Scratch {
                score: vec![0.0; n],
                best_in_slot: vec![0.0; n],
                seen_slot: vec![u8::MAX; n],
                matched: vec![0; n],
                shortest: vec![u8::MAX; n],
                touched: Vec::new(),
            };
        }
    }

    fn reset(&mut self) {
        for &d in &self.touched {
            let d = d as usize;
            self.score[d] = 0.0;
            self.best_in_slot[d] = 0.0;
            self.seen_slot[d] = u8::MAX;
            self.matched[d] = 0;
            self.shortest[d] = u8::MAX;
        }
        self.touched.clear();
    }
}

/// A query word matching more postings than this ("right", "with", "ch...") is broad: it only
/// adds to entries the narrower words found, when that is cheaper than walking it.
const BROAD_SLOT: usize = 2_000;

/// Rough cost, in postings walked, of checking one already-found entry for a word through the
/// document -> postings view (entries hold about this many postings).
const FORWARD_COST: usize = 24;

const DOC_REPORTABLE: u8 = 1;
const DOC_DEFAULT: u8 = 2;

/// The terms of one field with whether each is essential (outside parentheses and brackets),
/// and the field's essential length.
fn field_terms(text: &str) -> (Vec<(String, bool)>, u8) {
    let mut depth = 0i32;
    let mut word = String::new();
    let mut out: Vec<(String, bool)> = Vec::new();
    let flush = |word: &mut String, essential: bool, out: &mut Vec<(String, bool)>| {
        if !word.is_empty() {
            if let Some(t) = term_of(&word.to_lowercase()) {
                out.push((t, essential));
            }
            word.clear();
        }
    };
    for c in text.chars() {
        match c {
            '(' | '[' => {
                flush(&mut word, depth == 0, &mut out);
                depth += 1;
            }
            ')' | ']' => {
                flush(&mut word, depth == 0, &mut out);
                depth = (depth - 1).max(0);
            }
            c if c.is_alphanumeric() => word.push(c),
            _ => flush(&mut word, depth == 0, &mut out),
        }
    }
    flush(&mut word, depth == 0, &mut out);
    let markers = default_marker_positions(&out.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>());
    let mut essential: Vec<&str> = out
        .iter()
        .enumerate()
        .filter(|(i, (_, e))| *e && !markers.contains(i))
        .map(|(_, (t, _))| t.as_str())
        .collect();
    essential.sort();
    essential.dedup();
    let len = essential.len().min(255) as u8;
    (out, len)
}

impl SearchIndex {
    /// Builds the index over every category, subcategory and code of the tabular.
    pub fn build(nodes: &[Node]) -> SearchIndex {
        // (term, doc, field flags, field length)
        let mut pairs: Vec<(String, u32, u8, u8)> = Vec::new();
        let mut index = SearchIndex::default();
        for (id, node) in nodes.iter().enumerate() {
            if matches!(node.kind, Kind::Chapter | Kind::Section) {
                continue;
            }
            let doc = index.doc_nodes.len() as u32;
            index.doc_nodes.push(id as u32);
            let mut flags = 0;
            if node.is_leaf() && !under_seventh_table(nodes, id) {
                flags |= DOC_REPORTABLE;
            }
            let fields = std::iter::once((IN_TITLE, node.title.as_str())).chain(
                node.notes.iter().filter(|n| n.kind == NoteKind::InclusionTerm).map(|n| (IN_INCLUSION_TERM, n.text.as_str())),
            );
            for (field, text) in fields {
                let (terms, len) = field_terms(text);
                let words: Vec<&str> = terms.iter().map(|(t, _)| t.as_str()).collect();
                if !default_marker_positions(&words).is_empty() {
                    flags |= DOC_DEFAULT;
                }
                for (term, essential) in terms {
                    let f = field | if essential { ESSENTIAL } else { 0 };
                    pairs.push((term, doc, f, len));
                }
            }
            index.doc_flags.push(flags);
        }
        pairs.sort();
        for (term, doc, field, len) in pairs {
            if index.terms.last() != Some(&term) {
                index.terms.push(term);
                index.posting_start.push(index.posting_doc.len() as u32);
            }
            let same_doc = index.posting_doc.len() > *index.posting_start.last().unwrap() as usize
                && *index.posting_doc.last().unwrap() == doc;
            if same_doc {
                *index.posting_field.last_mut().unwrap() |= field;
                let l = index.posting_len.last_mut().unwrap();
                *l = (*l).min(len);
            } else {
                index.posting_doc.push(doc);
                index.posting_field.push(field);
                index.posting_len.push(len);
            }
        }
        index.posting_start.push(index.posting_doc.len() as u32);
        index
    }

    /// Builds what is derived at load time, and checks the decoded arrays agree in length so a
    /// query can never index out of bounds.
    pub fn prepare(&mut self) -> Result<(), String> {
        let n = self.doc_nodes.len();
        let p = self.posting_doc.len();
        let consistent = self.doc_flags.len() == n
            && self.posting_start.len() == self.terms.len() + 1
            && self.posting_field.len() == p
            && self.posting_len.len() == p
            && self.posting_start.windows(2).all(|w| w[0] <= w[1])
            && self.posting_start.last().is_some_and(|&l| l as usize == p)
            && self.posting_doc.iter().all(|&d| (d as usize) < n);
        if !consistent {
            return Err("search index arrays do not agree".into());
        }
        let mut start = vec![0u32; n + 1];
        for &d in &self.posting_doc {
            start[d as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut postings = vec![0u32; p];
        let mut terms = vec![0u32; p];
        // Postings are in term order, so each document's list comes out in term order too.
        for t in 0..self.terms.len() {
            for i in self.postings(t) {
                let d = self.posting_doc[i] as usize;
                postings[fill[d] as usize] = i as u32;
                terms[fill[d] as usize] = t as u32;
                fill[d] += 1;
            }
        }
        self.doc_posting_start = start;
        self.doc_postings = postings;
        self.doc_posting_terms = terms;
        Ok(())
    }

    pub fn doc_count(&self) -> usize {
        self.doc_nodes.len()
    }

    pub fn term_count(&self) -> usize {
        self.terms.len()
    }

    fn postings(&self, term: usize) -> std::ops::Range<usize> {
        self.posting_start[term] as usize..self.posting_start[term + 1] as usize
    }

    fn idf(&self, term: usize) -> f32 {
        let df = self.postings(term).len() as f32;
        (1.0 + self.doc_nodes.len() as f32 / df).ln()
    }

    fn exact(&self, word: &str) -> Option<usize> {
        self.terms.binary_search_by(|t| t.as_str().cmp(word)).ok()
    }

    fn prefix_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let lo = self.terms.partition_point(|t| t.as_str() < prefix);
        let hi = lo + self.terms[lo..].partition_point(|t| t.starts_with(prefix));
        lo..hi
    }

    /// Terms a query word may stand for, each with a weight: exact 1.0, completion of a prefix
    /// 0.7 to 1.0 (longer prefixes count more), another form of the word 0.75, misspelling 0.85
    /// (one edit) or 0.7 (two).
    fn resolve(&self, word: &str, is_prefix: bool) -> Vec<(usize, f32)> {
        let key = (word.to_string(), is_prefix);
        let mut cache = self.resolved.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = cache.get(&key) {
            return found.clone();
        }
        let found = self.resolve_uncached(word, is_prefix);
        if cache.len() >= RESOLVED_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key, found.clone());
        found
    }

    fn resolve_uncached(&self, word: &str, is_prefix: bool) -> Vec<(usize, f32)> {
        if is_prefix && word.len() < 2 {
            // One letter says nothing yet about the word being typed.
            return Vec::new();
        }
        if let Some(t) = self.exact(word) {
            if !is_prefix {
                let mut found = vec![(t, 1.0)];
                // Other forms of the same word ("streptococcus" / "streptococcal",
                // "diabetic" / "diabetes"): terms sharing all but its last two letters.
                if word.len() >= 7 {
                    let stem = &word[..word.len() - 2];
                    found.extend(self.prefix_range(stem).filter(|&o| o != t).map(|o| (o, 0.75)));
                }
                return found;
            }
        }
        if is_prefix || word.len() >= 4 {
            let range = self.prefix_range(word);
            if !range.is_empty() {
                return range
                    .map(|t| {
                        let ratio = word.len() as f32 / self.terms[t].len() as f32;
                        (t, 0.7 + 0.3 * ratio)
                    })
                    .collect();
            }
        }
        if word.len() < 4 {
            return Vec::new();
        }
        let max = if word.len() >= 8 { 2 } else { 1 };
        let w = word.as_bytes();
        let first = w[0];
        self.terms
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let t = t.as_bytes();
                // A typo in the first letter is rare; requiring it keeps the scan cheap.
                if t[0] != first {
                    return None;
                }
                let candidate = if is_prefix && t.len() > w.len() { &t[..w.len()] } else { t };
                match edit_distance_within(w, candidate, max) {
                    1 => Some((i, 0.85)),
                    2 => Some((i, 0.7)),
                    _ => None,
                }
            })
            .collect()
    }

    /// Scores documents for a list of query slots; each slot is the set of terms one query word
    /// may stand for. Returns (doc, score) for the best `limit` documents.
    fn rank(&self, slots: &[Vec<(usize, f32)>], wants_default: bool, limit: usize) -> Vec<(u32, f32)> {
        let mut guard = self.scratch.lock().unwrap_or_else(|e| e.into_inner());
        let sc = &mut *guard;
        sc.ready(self.doc_nodes.len());
        let credit = |sc: &mut Scratch, s: usize, doc: usize, p: usize, w: f32| {
            let field = self.posting_field[p];
            let mut value = w;
            if field & IN_TITLE == 0 {
                value *= 0.85;
            }
            if field & ESSENTIAL == 0 {
                value *= 0.6;
            }
            sc.shortest[doc] = sc.shortest[doc].min(self.posting_len[p]);
            if sc.seen_slot[doc] != s as u8 {
                if sc.seen_slot[doc] == u8::MAX {
                    sc.touched.push(doc as u32);
                }
                sc.seen_slot[doc] = s as u8;
                sc.matched[doc] += 1;
                sc.best_in_slot[doc] = value;
                sc.score[doc] += value;
            } else if value > sc.best_in_slot[doc] {
                sc.score[doc] += value - sc.best_in_slot[doc];
                sc.best_in_slot[doc] = value;
            }
        };
        // Smallest slots first, so a broad prefix slot can be checked against what they found.
        let mut order: Vec<usize> = (0..slots.len()).collect();
        let size = |s: usize| slots[s].iter().map(|&(t, _)| self.postings(t).len()).sum::<usize>();
        order.sort_by_key(|&s| size(s));
        for (k, &s) in order.iter().enumerate() {
            let slot = &slots[s];
            // A broad word ("right", "with", a two-letter prefix) after narrower ones: checking
            // the entries already found is cheaper than walking every posting of the word, and
            // an entry holding only the broad word would rank low anyway.
            let broad = size(s) > BROAD_SLOT;
            if k > 0 && broad && !sc.touched.is_empty() && sc.touched.len() * FORWARD_COST < size(s) {
                let mut terms: Vec<(u32, f32)> = slot.iter().map(|&(t, w)| (t as u32, w)).collect();
                terms.sort_by_key(|&(t, _)| t);
                let found: Vec<u32> = sc.touched.clone();
                for doc in found {
                    let d = doc as usize;
                    let range = self.doc_posting_start[d] as usize..self.doc_posting_start[d + 1] as usize;
                    for (&p, &term) in self.doc_postings[range.clone()].iter().zip(&self.doc_posting_terms[range]) {
                        if let Ok(i) = terms.binary_search_by_key(&term, |&(t, _)| t) {
                            credit(sc, s, d, p as usize, self.idf(term as usize) * terms[i].1);
                        }
                    }
                }
                continue;
            }
            for &(term, weight) in slot {
                let w = self.idf(term) * weight;
                for p in self.postings(term) {
                    credit(sc, s, self.posting_doc[p] as usize, p, w);
                }
            }
        }
        let wanted = slots.iter().filter(|s| !s.is_empty()).count().max(1) as f32;
        let mut ranked: Vec<(u32, f32)> = sc
            .touched
            .iter()
            .map(|&doc| {
                let d = doc as usize;
                let m = sc.matched[d] as f32;
                let coverage = m / wanted;
                let extra = (sc.shortest[d] as f32 - m).max(0.0);
                let mut s = sc.score[d] * coverage * coverage / (1.0 + 0.12 * extra);
                if coverage >= 1.0 {
                    s *= 1.3;
                }
                if self.doc_flags[d] & DOC_REPORTABLE != 0 {
                    s *= 1.1;
                }
                if self.doc_flags[d] & DOC_DEFAULT != 0 {
                    s *= if wants_default { 1.5 } else { 1.1 };
                }
                (doc, s)
            })
            .collect();
        sc.reset();
        let by_rank = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit, by_rank);
            ranked.truncate(limit);
        }
        ranked.sort_by(by_rank);
        ranked
    }

}

/// Whether a 7th-character table applies at or above a node (so it is not reportable as printed).
fn under_seventh_table(nodes: &[Node], id: usize) -> bool {
    let mut at = Some(id as u32);
    while let Some(i) = at {
        if nodes[i as usize].seventh.is_some() {
            return true;
        }
        at = nodes[i as usize].parent;
    }
    false
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub code: String,
    pub title: String,
    pub kind: Kind,
    pub reportable: bool,
    /// `reportable`, `header` (needs more characters) or `invalid` (a 7th character the
    /// tabular does not allow there). Validity by date is the lookup's business.
    pub status: &'static str,
    /// "code", "title" or "inclusion_term": what the query matched.
    pub matched: &'static str,
    /// The inclusion term that matched, when it was one.
    pub matched_text: Option<String>,
    /// The query after abbreviation expansion, when the dictionary changed it.
    pub expanded: Option<String>,
}

/// A query word after abbreviation expansion and stemming.
struct QueryWord {
    term: String,
    is_prefix: bool,
}

/// Query words from raw words (each flagged when it came from the dictionary), and whether the
/// query asks for the default code ("unspecified", "not specified", "NOS"): those words are
/// taken out of the query and turned into a preference.
fn to_query(words: &[(String, bool)], typing_last_word: bool) -> (Vec<QueryWord>, bool) {
    let last = words.len().saturating_sub(1);
    let mut out: Vec<QueryWord> = words
        .iter()
        .enumerate()
        .filter_map(|(i, (w, from_dictionary))| {
            term_of(w).map(|term| QueryWord { term, is_prefix: typing_last_word && i == last && !from_dictionary })
        })
        .collect();
    let terms: Vec<&str> = out.iter().map(|w| w.term.as_str()).collect();
    let markers = default_marker_positions(&terms);
    let wants_default = !markers.is_empty();
    let mut i = 0;
    out.retain(|_| {
        i += 1;
        !markers.contains(&(i - 1))
    });
    (out, wants_default)
}

impl Icd10cm {
    /// Ranked hits for what a student typed; best first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let limit = limit.clamp(1, 200);
        let trimmed = query.trim();
        if trimmed.is_empty() {
            return Vec::new();
        }
        let code_hits = self.search_codes(trimmed, limit);
        if !code_hits.is_empty() {
            return code_hits;
        }
        let words = raw_words(trimmed);
        let typing_last_word = !query.ends_with(char::is_whitespace);
        let expanded = self.abbreviations.expand(&words);
        let was_expanded = expanded.iter().any(|(_, e)| *e);
        let mut variants = vec![to_query(&expanded, typing_last_word)];
        if was_expanded {
            // The dictionary offers another reading, not the only one: "cancer" may be
            // "malignant neoplasm" or the word in "cancer chemotherapy", and "pe" may be the
            // start of "peritonitis". Both readings are ranked; each entry keeps its best score.
            let plain: Vec<(String, bool)> = words.iter().map(|w| (w.clone(), false)).collect();
            variants.push(to_query(&plain, typing_last_word));
        }
        let mut ranked: Vec<(u32, f32, usize)> = Vec::new();
        for (v, (words, wants_default)) in variants.iter().enumerate() {
            if words.is_empty() {
                continue;
            }
            let slots: Vec<Vec<(usize, f32)>> =
                words.iter().map(|w| self.search.resolve(&w.term, w.is_prefix)).collect();
            for (doc, score) in self.search.rank(&slots, *wants_default, limit) {
                match ranked.iter_mut().find(|r| r.0 == doc) {
                    Some(r) if r.1 >= score => {}
                    Some(r) => *r = (doc, score, v),
                    None => ranked.push((doc, score, v)),
                }
            }
        }
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        let expanded_text = was_expanded
            .then(|| expanded.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>().join(" "));
        ranked
            .into_iter()
            .map(|(doc, _, v)| {
                let node_id = self.search.doc_nodes[doc as usize];
                let node = &self.nodes[node_id as usize];
                let matched_text = self.matched_inclusion_term(node, &variants[v].0);
                let reportable = self.is_reportable_node(node_id);
                SearchHit {
                    code: node.code.clone(),
                    title: node.title.clone(),
                    kind: node.kind,
                    reportable,
                    status: if reportable { "reportable" } else { "header" },
                    matched: if matched_text.is_some() { "inclusion_term" } else { "title" },
                    matched_text,
                    expanded: if v == 0 { expanded_text.clone() } else { None },
                }
            })
            .collect()
    }

    /// The inclusion term that explains a hit better than its title does, if any.
    fn matched_inclusion_term(&self, node: &Node, words: &[QueryWord]) -> Option<String> {
        let covered = |text: &str| {
            let terms = text::terms(text);
            words
                .iter()
                .filter(|w| terms.iter().any(|t| if w.is_prefix { t.starts_with(&w.term) } else { *t == w.term }))
                .count()
        };
        let in_title = covered(&node.title);
        node.notes
            .iter()
            .filter(|n| n.kind == NoteKind::InclusionTerm)
            .map(|n| (covered(&n.text), n))
            .filter(|(c, _)| *c > in_title)
            .max_by_key(|(c, _)| *c)
            .map(|(_, n)| n.text.clone())
    }

    /// Code-shaped queries ("E11.2", "e112", "S72.001A") list the code and what lies below it.
    fn search_codes(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let dotless: String = query
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let b = dotless.as_bytes();
        let code_shaped = (2..=7).contains(&b.len())
            && b[0].is_ascii_uppercase()
            && b[1].is_ascii_digit()
            && b.iter().all(|c| c.is_ascii_alphanumeric());
        if !code_shaped {
            return Vec::new();
        }
        let prefix = crate::codes::with_dot(&dotless);
        let start = self.by_code.partition_point(|&id| self.nodes[id as usize].code.as_str() < prefix.as_str());
        let mut hits: Vec<SearchHit> = self.by_code[start..]
            .iter()
            .take_while(|&&id| self.nodes[id as usize].code.starts_with(prefix.as_str()))
            .filter(|&&id| !matches!(self.nodes[id as usize].kind, Kind::Chapter | Kind::Section))
            .take(limit)
            .map(|&id| self.code_hit(id))
            .collect();
        // A leaf that takes a 7th character: offer the full codes too (S72.001 -> S72.001A ...).
        if let [only] = hits.as_slice() {
            if let Some(id) = self.node_id(&only.code).filter(|&id| self.nodes[id as usize].is_leaf()) {
                let six = format!("{:X<6}", crate::codes::without_dot(&only.code));
                if let Some((_, table)) = self.seventh_table(id) {
                    for c in &table.characters {
                        if hits.len() >= limit {
                            break;
                        }
                        if let Some(code) = self.resolve_seventh(&format!("{six}{}", c.character)).filter(|c| c.allowed) {
                            hits.push(SearchHit {
                                title: code.title,
                                code: code.code,
                                kind: Kind::Code,
                                reportable: true,
                                status: "reportable",
                                matched: "code",
                                matched_text: None,
                                expanded: None,
                            });
                        }
                    }
                }
            }
        }
        if hits.is_empty() {
            // A code with its 7th character is not a tabular entry of its own.
            if let Some(code) = self.resolve_seventh(&prefix) {
                hits.push(SearchHit {
                    title: code.title,
                    code: code.code,
                    kind: Kind::Code,
                    reportable: code.allowed,
                    status: if code.allowed { "reportable" } else { "invalid" },
                    matched: "code",
                    matched_text: None,
                    expanded: None,
                });
            }
        }
        hits
    }

    fn code_hit(&self, id: u32) -> SearchHit {
        let n = &self.nodes[id as usize];
        let reportable = self.is_reportable_node(id);
        SearchHit {
            code: n.code.clone(),
            title: n.title.clone(),
            kind: n.kind,
            reportable,
            status: if reportable { "reportable" } else { "header" },
            matched: "code",
            matched_text: None,
            expanded: None,
        }
    }
}

/// A searchable entry as plain text, so that other search engines can index exactly what ours
/// indexes (the benchmark compares them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchEntry {
    pub id: u32,
    pub code: String,
    /// Title, then each inclusion term, separated by " | ".
    pub text: String,
}

impl Icd10cm {
    pub fn search_entries(&self) -> Vec<SearchEntry> {
        self.search
            .doc_nodes
            .iter()
            .enumerate()
            .map(|(doc, &id)| {
                let node = &self.nodes[id as usize];
                let mut text = node.title.clone();
                for note in node.notes.iter().filter(|n| n.kind == NoteKind::InclusionTerm) {
                    text.push_str(" | ");
                    text.push_str(&note.text);
                }
                SearchEntry { id: doc as u32, code: node.code.clone(), text }
            })
            .collect()
    }
}
