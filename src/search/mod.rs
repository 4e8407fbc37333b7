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

/// The compiled search index over tabular entries (categories, subcategories, codes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchIndex {
    /// Node id of each searchable entry (document).
    pub doc_nodes: Vec<u32>,
    /// Number of distinct terms in each document's title, for length normalisation.
    doc_title_len: Vec<u8>,
    /// Sorted vocabulary.
    terms: Vec<String>,
    /// `postings[posting_start[t]..posting_start[t + 1]]` are the documents holding term t.
    posting_start: Vec<u32>,
    posting_doc: Vec<u32>,
    posting_field: Vec<u8>,
}

impl SearchIndex {
    /// Builds the index over every category, subcategory and code of the tabular.
    pub fn build(nodes: &[Node]) -> SearchIndex {
        let mut pairs: Vec<(String, u32, u8)> = Vec::new();
        let mut doc_nodes = Vec::new();
        let mut doc_title_len = Vec::new();
        for (id, node) in nodes.iter().enumerate() {
            if matches!(node.kind, Kind::Chapter | Kind::Section) {
                continue;
            }
            let doc = doc_nodes.len() as u32;
            doc_nodes.push(id as u32);
            let mut title_terms = text::terms(&node.title);
            title_terms.sort();
            title_terms.dedup();
            doc_title_len.push(title_terms.len().min(255) as u8);
            pairs.extend(title_terms.into_iter().map(|t| (t, doc, IN_TITLE)));
            for note in node.notes.iter().filter(|n| n.kind == NoteKind::InclusionTerm) {
                pairs.extend(text::terms(&note.text).into_iter().map(|t| (t, doc, IN_INCLUSION_TERM)));
            }
        }
        pairs.sort();
        let mut index = SearchIndex { doc_nodes, doc_title_len, ..Default::default() };
        for (term, doc, field) in pairs {
            if index.terms.last() != Some(&term) {
                index.terms.push(term);
                index.posting_start.push(index.posting_doc.len() as u32);
            }
            if index.posting_doc.len() > *index.posting_start.last().unwrap() as usize
                && *index.posting_doc.last().unwrap() == doc
            {
                *index.posting_field.last_mut().unwrap() |= field;
            } else {
                index.posting_doc.push(doc);
                index.posting_field.push(field);
            }
        }
        index.posting_start.push(index.posting_doc.len() as u32);
        index
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
    /// 0.8 to 1.0 (longer prefixes count more), misspelling 0.6.
    fn resolve(&self, word: &str, is_prefix: bool) -> Vec<(usize, f32)> {
        if let Some(t) = self.exact(word) {
            if !is_prefix {
                return vec![(t, 1.0)];
            }
        }
        if is_prefix || word.len() >= 4 {
            let range = self.prefix_range(word);
            if !range.is_empty() {
                return range
                    .map(|t| {
                        let ratio = word.len() as f32 / self.terms[t].len() as f32;
                        (t, 0.8 + 0.2 * ratio)
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
            .filter(|(_, t)| {
                let t = t.as_bytes();
                // A typo in the first letter is rare; requiring it keeps the scan cheap.
                t[0] == first && {
                    let candidate = if is_prefix && t.len() > w.len() { &t[..w.len()] } else { t };
                    edit_distance_within(w, candidate, max) <= max
                }
            })
            .map(|(t, _)| (t, 0.6))
            .collect()
    }

    /// Scores documents for a list of query slots; each slot is the set of terms one query word
    /// may stand for. Returns (doc, score, slots matched) for the best `limit` documents.
    fn rank(&self, slots: &[Vec<(usize, f32)>], limit: usize) -> Vec<(u32, f32, usize)> {
        let n = self.doc_nodes.len();
        let mut score = vec![0f32; n];
        let mut best_in_slot = vec![0f32; n];
        let mut seen_slot = vec![u8::MAX; n];
        let mut matched = vec![0u8; n];
        let mut touched: Vec<u32> = Vec::new();
        for (s, slot) in slots.iter().enumerate() {
            for &(term, weight) in slot {
                let w = self.idf(term) * weight;
                for p in self.postings(term) {
                    let doc = self.posting_doc[p] as usize;
                    let field = if self.posting_field[p] & IN_TITLE != 0 { 1.0 } else { 0.7 };
                    let value = w * field;
                    if seen_slot[doc] != s as u8 {
                        if seen_slot[doc] == u8::MAX {
                            touched.push(doc as u32);
                        }
                        seen_slot[doc] = s as u8;
                        matched[doc] += 1;
                        best_in_slot[doc] = value;
                        score[doc] += value;
                    } else if value > best_in_slot[doc] {
                        score[doc] += value - best_in_slot[doc];
                        best_in_slot[doc] = value;
                    }
                }
            }
        }
        let wanted = slots.iter().filter(|s| !s.is_empty()).count();
        let mut ranked: Vec<(u32, f32, usize)> = touched
            .into_iter()
            .map(|doc| {
                let d = doc as usize;
                let m = matched[d] as usize;
                let extra = (self.doc_title_len[d] as usize).saturating_sub(m) as f32;
                let mut s = score[d] / (1.0 + 0.08 * extra);
                if m == wanted {
                    s *= 1.5;
                }
                (doc, s, m)
            })
            .collect();
        let by_rank = |a: &(u32, f32, usize), b: &(u32, f32, usize)| {
            b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
        };
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit, by_rank);
            ranked.truncate(limit);
        }
        ranked.sort_by(by_rank);
        ranked
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub code: String,
    pub title: String,
    pub kind: Kind,
    pub reportable: bool,
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

impl Icd10cm {
    /// Ranked hits for what a student typed; best first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let limit = limit.clamp(1, 200);
        let trimmed = query.trim();
        if trimmed.is_empty() {
            return Vec::new();
        }
        let mut hits = self.search_codes(trimmed, limit);
        if !hits.is_empty() {
            return hits;
        }
        let words = raw_words(trimmed);
        let typing_last_word = !query.ends_with(char::is_whitespace);
        let expanded = self.abbreviations.expand(&words);
        let was_expanded = expanded.iter().any(|(_, e)| *e);
        let expanded_text = was_expanded.then(|| {
            expanded.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>().join(" ")
        });
        let to_query = |ws: &[(String, bool)]| -> Vec<QueryWord> {
            let last = ws.len().saturating_sub(1);
            ws.iter()
                .enumerate()
                .filter_map(|(i, (w, from_dictionary))| {
                    term_of(w).map(|term| QueryWord {
                        term,
                        is_prefix: typing_last_word && i == last && !from_dictionary,
                    })
                })
                .collect()
        };
        hits = self.search_words(&to_query(&expanded), limit, expanded_text.as_deref());
        if was_expanded && hits.len() < limit {
            // The student may be typing a word that happens to be an abbreviation ("pe" on the
            // way to "peritonitis"): also offer what the words themselves find.
            let plain: Vec<(String, bool)> = words.iter().map(|w| (w.clone(), false)).collect();
            for hit in self.search_words(&to_query(&plain), limit, None) {
                if hits.len() >= limit {
                    break;
                }
                if !hits.iter().any(|h| h.code == hit.code) {
                    hits.push(hit);
                }
            }
        }
        hits
    }

    fn search_words(&self, words: &[QueryWord], limit: usize, expanded: Option<&str>) -> Vec<SearchHit> {
        if words.is_empty() {
            return Vec::new();
        }
        let index = &self.search;
        let slots: Vec<Vec<(usize, f32)>> =
            words.iter().map(|w| index.resolve(&w.term, w.is_prefix)).collect();
        index
            .rank(&slots, limit)
            .into_iter()
            .map(|(doc, _, _)| {
                let node_id = index.doc_nodes[doc as usize];
                let node = &self.nodes[node_id as usize];
                let matched_text = self.matched_inclusion_term(node, words);
                SearchHit {
                    code: node.code.clone(),
                    title: node.title.clone(),
                    kind: node.kind,
                    reportable: self.is_reportable_node(node_id),
                    matched: if matched_text.is_some() { "inclusion_term" } else { "title" },
                    matched_text,
                    expanded: expanded.map(str::to_string),
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
        if hits.is_empty() {
            // A code with its 7th character is not a tabular entry of its own.
            if let Some(code) = self.resolve_seventh(&prefix) {
                hits.push(SearchHit {
                    title: code.title,
                    code: code.code,
                    kind: Kind::Code,
                    reportable: code.allowed,
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
        SearchHit {
            code: n.code.clone(),
            title: n.title.clone(),
            kind: n.kind,
            reportable: self.is_reportable_node(id),
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
