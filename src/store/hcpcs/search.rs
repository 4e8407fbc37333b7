//! Search over the HCPCS set: Level II long and short descriptions, modifier descriptions and
//! labels, our CPT range labels, and (once imported) CPT descriptors. Words are matched whole
//! or, for the last word typed, as a prefix; hits that match every word come first, ranked by
//! idf × field weight, shorter texts and codes still in force preferred. A code-shaped query
//! ("J18", "992", "0591T") lists codes by prefix; a two-character query that is a modifier
//! lists that modifier first.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::model::{HcpcsData, ModifierKind, Span};
use super::{is_cpt_shape, is_level2_shape, valid_until, Hcpcs};
use crate::search::text::terms;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HcpcsHit {
    /// "hcpcs" or "cpt".
    pub system: &'static str,
    /// "code", "modifier" or "range" (one of our CPT ranges).
    pub kind: &'static str,
    /// "J1885", "25", or "99202-99215" for a range.
    pub code: String,
    /// The text to show: description, label, range label or imported descriptor; null for codes
    /// without any (dental codes).
    pub text: Option<String>,
    /// Where `text` comes from: "hcpcs_file", "ioce" (short description of a code added after
    /// the January file), "our_label" (CPT modifier), "range_label" (our CPT range), "imported".
    pub text_source: Option<&'static str>,
    /// What matched: "code", "long_description", "short_description", "label", "descriptor".
    pub matched: &'static str,
    /// Last date of service the code is valid for; null when it has no end date.
    pub valid_until: Option<String>,
}

/// Word endings that make another form of a typed word ("repeat" -> "repeated").
const ENDINGS: &[&str] = &["s", "es", "d", "ed", "ing", "er", "ers", "ion", "ions", "al", "ly"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Level2(u32),
    Modifier(u32),
    Range(u32),
    Descriptor(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Long,
    Short,
    Label,
    Descriptor,
}

impl Field {
    fn weight(self) -> f32 {
        match self {
            Field::Long | Field::Label | Field::Descriptor => 1.0,
            Field::Short => 0.7,
        }
    }
    fn slot(self) -> usize {
        match self {
            Field::Short => 1,
            _ => 0,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Field::Long => "long_description",
            Field::Short => "short_description",
            Field::Label => "label",
            Field::Descriptor => "descriptor",
        }
    }
}

pub(super) struct Document {
    target: Target,
    fields: Vec<(Field, String)>,
    /// Still in force (no end date): preferred in the ranking.
    current: bool,
}

#[derive(Debug, Clone, Copy)]
struct Posting {
    doc: u32,
    field: Field,
}

/// Sorted vocabulary → postings, built at load (a few milliseconds), not stored in the bytes.
#[derive(Debug, Default)]
pub(super) struct Index {
    targets: Vec<Target>,
    /// Words in each document's main field (description, label, descriptor) and short field.
    lengths: Vec<[u16; 2]>,
    current: Vec<bool>,
    vocab: BTreeMap<String, Vec<Posting>>,
}

fn is_current(windows: &[Span]) -> bool {
    windows.last().is_some_and(|w| w.to.is_none())
}

/// The documents of the compiled set.
pub(super) fn documents(data: &HcpcsData) -> Vec<Document> {
    let mut docs = Vec::new();
    for (i, c) in data.level2.iter().enumerate() {
        let mut fields = Vec::new();
        if let Some(l) = &c.long_description {
            fields.push((Field::Long, l.clone()));
        }
        if let Some(s) = &c.short_description {
            fields.push((Field::Short, s.clone()));
        }
        if !fields.is_empty() {
            docs.push(Document { target: Target::Level2(i as u32), fields, current: is_current(&c.windows) });
        }
    }
    for (i, m) in data.modifiers.iter().enumerate() {
        let mut fields = vec![(Field::Label, m.label.clone())];
        if let Some(s) = &m.short_description {
            fields.push((Field::Short, s.clone()));
        }
        let current = m.windows.is_empty() || is_current(&m.windows);
        docs.push(Document { target: Target::Modifier(i as u32), fields, current });
    }
    for (i, r) in data.cpt_ranges.iter().enumerate() {
        docs.push(Document {
            target: Target::Range(i as u32),
            fields: vec![(Field::Label, r.label.clone())],
            current: true,
        });
    }
    docs
}

/// Documents for imported CPT descriptors (code → descriptor).
pub(super) fn descriptor_documents(map: &BTreeMap<String, String>) -> Vec<Document> {
    map.values()
        .enumerate()
        .map(|(i, d)| Document {
            target: Target::Descriptor(i as u32),
            fields: vec![(Field::Descriptor, d.clone())],
            current: true,
        })
        .collect()
}

impl Index {
    pub(super) fn build(docs: Vec<Document>) -> Index {
        let mut index = Index::default();
        let mut vocab: HashMap<String, Vec<Posting>> = HashMap::new();
        for (d, doc) in docs.into_iter().enumerate() {
            let mut length = [1u16; 2];
            for (field, text) in &doc.fields {
                let words = terms(text);
                length[field.slot()] = words.len().clamp(1, u16::MAX as usize) as u16;
                for w in words {
                    let list = vocab.entry(w).or_default();
                    if !list.last().is_some_and(|p| p.doc == d as u32 && p.field == *field) {
                        list.push(Posting { doc: d as u32, field: *field });
                    }
                }
            }
            index.targets.push(doc.target);
            index.lengths.push(length);
            index.current.push(doc.current);
        }
        index.vocab = vocab.into_iter().collect();
        index
    }

    /// Document ids with the number of query words they match, their score and the field that
    /// scored best.
    fn query(&self, words: &[String], last_is_prefix: bool) -> Vec<(u32, usize, f32, Field)> {
        let n = self.targets.len() as f32;
        // per doc: (terms matched, score, best field, best field score)
        let mut acc: HashMap<u32, (usize, f32, Field, f32)> = HashMap::new();
        for (i, word) in words.iter().enumerate() {
            let prefix = i + 1 == words.len() && last_is_prefix;
            let mut best: HashMap<u32, (f32, Field)> = HashMap::new();
            let exact = self.vocab.get(word);
            let mut consider = |postings: &Vec<Posting>, factor: f32| {
                let idf = (1.0 + n / postings.len() as f32).ln();
                for p in postings {
                    // Normalised by the length of the field that matched: a word in a short
                    // label says more than the same word in a long description.
                    let length = f32::from(self.lengths[p.doc as usize][p.field.slot()]);
                    let s = idf * factor * p.field.weight() / (1.0 + 0.15 * length).sqrt();
                    let e = best.entry(p.doc).or_insert((0.0, p.field));
                    if s > e.0 {
                        *e = (s, p.field);
                    }
                }
            };
            if let Some(p) = exact {
                consider(p, 1.0);
            }
            // Other forms of the word: any continuation for the word being typed, otherwise
            // common endings ("repeat" finds "repeated"), or any continuation when the word
            // itself is unknown.
            for (term, postings) in self.vocab.range(word.clone()..) {
                let Some(rest) = term.strip_prefix(word.as_str()) else { break };
                if rest.is_empty() {
                    continue;
                }
                if prefix || exact.is_none() || ENDINGS.contains(&rest) {
                    consider(postings, 0.7);
                }
            }
            for (doc, (s, field)) in best {
                let e = acc.entry(doc).or_insert((0, 0.0, field, 0.0));
                e.0 += 1;
                e.1 += s;
                if s > e.3 {
                    e.2 = field;
                    e.3 = s;
                }
            }
        }
        acc.into_iter()
            .map(|(doc, (matched, s, field, _))| {
                let current = if self.current[doc as usize] { 1.0 } else { 0.6 };
                (doc, matched, s * current, field)
            })
            .collect()
    }
}

impl Hcpcs {
    /// Ranked hits, best first (at most `limit`).
    pub fn search(&self, query: &str, limit: usize) -> Vec<HcpcsHit> {
        let mut hits = Vec::new();
        if limit == 0 || query.trim().is_empty() {
            return hits;
        }
        let compact: String = query.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
        let compact = compact.strip_prefix('-').unwrap_or(&compact).to_string();
        if compact.len() == 2 {
            if let Some(m) = self.modifier(&compact) {
                hits.push(self.modifier_hit(m, "code"));
            }
        }
        // "25", "7": a modifier or the start of a number, not words to look for.
        if compact.len() <= 2 && compact.bytes().all(|b| b.is_ascii_digit()) {
            return hits;
        }
        if let Some(listed) = self.code_prefix_hits(&compact, limit) {
            hits.extend(listed);
            hits.truncate(limit);
            return hits;
        }
        let words = terms(query);
        if words.is_empty() {
            return hits;
        }
        let last_is_prefix = !query.ends_with(char::is_whitespace);
        let main = self.index.query(&words, last_is_prefix);
        let imported = self.descriptor_index.query(&words, last_is_prefix);
        // Only the hits that match the most query words (all of them, when any does).
        let most = main.iter().chain(&imported).map(|h| h.1).max().unwrap_or(0);
        let mut scored: Vec<(f32, HcpcsHit)> = Vec::new();
        for (doc, _, score, field) in main.into_iter().filter(|h| h.1 == most) {
            if let Some(hit) = self.hit_for(self.index.targets[doc as usize], field) {
                scored.push((score, hit));
            }
        }
        if !imported.is_empty() {
            let codes: Vec<&String> = self.descriptors.keys().collect();
            for (doc, _, score, field) in imported.into_iter().filter(|h| h.1 == most) {
                if let Target::Descriptor(i) = self.descriptor_index.targets[doc as usize] {
                    scored.push((score, self.cpt_hit(codes[i as usize], field.name())));
                }
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.code.cmp(&b.1.code)));
        for (_, hit) in scored {
            if hits.len() >= limit {
                break;
            }
            if !hits.iter().any(|h| h.code == hit.code && h.kind == hit.kind) {
                hits.push(hit);
            }
        }
        hits
    }

    /// Codes by prefix when the query is code-shaped: a letter and 1-4 digits (Level II), or
    /// 3-5 digits, or 4 digits and a letter (CPT).
    fn code_prefix_hits(&self, q: &str, limit: usize) -> Option<Vec<HcpcsHit>> {
        let b = q.as_bytes();
        let level2 = (2..=5).contains(&b.len()) && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit);
        let cpt = ((3..=5).contains(&b.len()) && b.iter().all(u8::is_ascii_digit)) || is_cpt_shape(q);
        if level2 || (b.len() == 5 && is_level2_shape(q)) {
            let start = self.data.level2.partition_point(|c| c.code.as_str() < q);
            let hits = self.data.level2[start..]
                .iter()
                .take_while(|c| c.code.starts_with(q))
                .take(limit)
                .map(|c| self.level2_hit(c, "code"))
                .collect();
            return Some(hits);
        }
        if cpt {
            let start = self.data.cpt.partition_point(|c| c.code.as_str() < q);
            let hits = self.data.cpt[start..]
                .iter()
                .take_while(|c| c.code.starts_with(q))
                .take(limit)
                .map(|c| self.cpt_hit(&c.code, "code"))
                .collect();
            return Some(hits);
        }
        None
    }

    fn hit_for(&self, target: Target, field: Field) -> Option<HcpcsHit> {
        Some(match target {
            Target::Level2(i) => self.level2_hit(&self.data.level2[i as usize], field.name()),
            Target::Modifier(i) => self.modifier_hit(&self.data.modifiers[i as usize], field.name()),
            Target::Range(i) => {
                let r = &self.data.cpt_ranges[i as usize];
                HcpcsHit {
                    system: "cpt",
                    kind: "range",
                    code: format!("{}-{}", r.first, r.last),
                    text: Some(r.label.clone()),
                    text_source: Some("range_label"),
                    matched: field.name(),
                    valid_until: None,
                }
            }
            Target::Descriptor(_) => return None,
        })
    }

    fn level2_hit(&self, c: &super::model::Level2Code, matched: &'static str) -> HcpcsHit {
        let (text, source) = match (&c.long_description, &c.short_description) {
            (Some(l), _) => (Some(l.clone()), Some("hcpcs_file")),
            (None, Some(s)) => (Some(s.clone()), Some("ioce")),
            (None, None) => (None, None),
        };
        HcpcsHit {
            system: "hcpcs",
            kind: "code",
            code: c.code.clone(),
            text,
            text_source: source,
            matched,
            valid_until: valid_until(&c.windows),
        }
    }

    fn modifier_hit(&self, m: &super::model::Modifier, matched: &'static str) -> HcpcsHit {
        let (system, source) = match m.kind {
            ModifierKind::Hcpcs => ("hcpcs", "hcpcs_file"),
            ModifierKind::Cpt => ("cpt", "our_label"),
        };
        HcpcsHit {
            system,
            kind: "modifier",
            code: m.code.clone(),
            text: Some(m.label.clone()),
            text_source: Some(source),
            matched,
            valid_until: valid_until(&m.windows),
        }
    }

    /// A CPT number: its imported descriptor, else our narrowest range label.
    fn cpt_hit(&self, code: &str, matched: &'static str) -> HcpcsHit {
        let (text, source) = match self.cpt_descriptor(code) {
            Some(d) => (Some(d.to_string()), Some("imported")),
            None => match self.narrowest_range(code) {
                Some(r) => (Some(r.label.clone()), Some("range_label")),
                None => (None, None),
            },
        };
        let valid = self.cpt(code).and_then(|c| valid_until(&c.windows));
        HcpcsHit {
            system: "cpt",
            kind: "code",
            code: code.to_string(),
            text,
            text_source: source,
            matched,
            valid_until: valid,
        }
    }
}
