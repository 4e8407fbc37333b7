//! The ICD-10-PCS Index and search over it. The index sends a coder from a procedure name to a
//! table ("Appendectomy - see Resection, Appendix 0DTJ"); search follows it and then, as a coder
//! would, completes the code from the other words of the query, position by position, using only
//! values the builder offers ("laparoscopic" -> approach 4, Percutaneous Endoscopic).

use serde::{Deserialize, Serialize};

use super::pcs::Icd10pcs;
use crate::search::text::terms;
use crate::search::Abbreviations;

/// One main term or subterm of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PcsIndexTerm {
    pub title: String,
    pub parent: Option<u32>,
    pub level: u8,
    /// A full code, or the characters a `codes`/`tab` pointer fixes ("0DTJ", "0QB").
    pub code: Option<String>,
    /// "see" text: another main term (and subterm) to look under.
    pub see: Option<String>,
    /// "use" text: the value to use for this term (a body part or device name).
    pub use_value: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct PcsIndex {
    pub edition: String,
    pub terms: Vec<PcsIndexTerm>,
    /// Words that charts use for approaches and the like ("laparoscopic"), as in the ICD-10-CM
    /// abbreviation dictionary.
    pub synonyms: Abbreviations,
}

/// A search result: a complete code or the part of one the index and the query fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PcsSearchHit {
    pub code: String,
    pub complete: bool,
    /// The long title of a complete code; for a partial one, the labels of its characters.
    pub title: String,
    /// Main term > subterm > ... as printed in the index.
    pub index_path: String,
    /// The pointer as printed ("see Resection, Appendix").
    pub pointer: Option<String>,
}

impl PcsIndex {
    /// Main term > subterm path of an entry.
    pub fn path(&self, id: usize) -> String {
        let mut parts = Vec::new();
        let mut at = Some(id as u32);
        while let Some(i) = at {
            let t = &self.terms[i as usize];
            if !t.title.is_empty() {
                parts.push(t.title.as_str());
            }
            at = t.parent;
        }
        parts.reverse();
        parts.join(" > ")
    }
}

impl Icd10pcs {
    /// Index search completed against the tables. Best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<PcsSearchHit> {
        let index = &self.index;
        let raw = crate::search::text::raw_words(query);
        let expanded: Vec<String> = index.synonyms.expand(&raw).into_iter().map(|(w, _)| w).collect();
        // Completion uses every word and its dictionary reading ("laparoscopic" and
        // "percutaneous endoscopic"); finding the index entry uses the words as typed, so that
        // an approach word does not pull in "PEG (percutaneous endoscopic gastrostomy)".
        let typed = terms(query);
        let mut wanted: Vec<String> = terms(&expanded.join(" "));
        wanted.extend(typed.iter().cloned());
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut scored = self.score_index(&typed);
        if scored.is_empty() {
            scored = self.score_index(&wanted);
        }
        let mut hits: Vec<PcsSearchHit> = Vec::new();
        for found in scored {
            if hits.len() >= limit {
                break;
            }
            let Some(code) = self.complete(&found.start, &wanted) else { continue };
            if hits.iter().any(|h| h.code == code) {
                continue;
            }
            let complete = code.len() == 7;
            let title = match self.build(&code) {
                Ok(s) if complete => s.title.unwrap_or_default(),
                Ok(s) => s.chosen.iter().map(|c| c.label.as_str()).collect::<Vec<_>>().join(", "),
                Err(_) => continue,
            };
            hits.push(PcsSearchHit { code, complete, title, index_path: found.path, pointer: found.pointer });
        }
        hits
    }

    /// Where a search may start: index entries that carry a code, and the tables' own labels
    /// (root operation + body part, e.g. "Resection" + "Appendix" -> 0DTJ), so that words the
    /// index does not hold still find the table. Best first: most query terms, index before
    /// tables, shortest text.
    fn score_index(&self, wanted: &[String]) -> Vec<SearchStart> {
        let index = &self.index;
        let matched_in = |text: &str| {
            let entry_terms = terms(text);
            let n = wanted
                .iter()
                .filter(|w| entry_terms.iter().any(|e| e == *w || (w.len() >= 5 && e.starts_with(w.as_str()))))
                .count();
            (n, entry_terms.len())
        };
        let mut scored: Vec<(usize, u8, usize, SearchStart)> = Vec::new();
        for (id, t) in index.terms.iter().enumerate() {
            let Some(code) = &t.code else { continue };
            let mut text = index.path(id);
            if let Some(see) = &t.see {
                text.push(' ');
                text.push_str(see);
            }
            let (matched, len) = matched_in(&text);
            if matched > 0 {
                let pointer = t.see.as_ref().map(|s| format!("see {s}")).or(t.use_value.as_ref().map(|u| format!("use {u}")));
                scored.push((matched, 0, len, SearchStart { start: code.clone(), path: index.path(id), pointer }));
            }
        }
        for table in &self.tables {
            let operation = &table.axes[2].values[0].label;
            let mut body_parts: Vec<&super::pcs::AxisValue> = table.rows.iter().flat_map(|r| r.axes[0].values.iter()).collect();
            body_parts.sort_by_key(|v| v.code);
            body_parts.dedup_by_key(|v| v.code);
            for part in body_parts {
                let text = format!("{operation} {}", part.label);
                let (matched, len) = matched_in(&text);
                if matched > 0 {
                    let start = format!("{}{}", table.prefix, part.code);
                    scored.push((matched, 1, len, SearchStart { start, path: format!("Table {}: {operation}, {}", table.prefix, part.label), pointer: None }));
                }
            }
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)).then(a.3.start.cmp(&b.3.start)));
        scored.into_iter().map(|(_, _, _, s)| s).collect()
    }
}

/// A place a search starts from: the characters it fixes and how it was found.
struct SearchStart {
    start: String,
    path: String,
    pointer: Option<String>,
}

impl Icd10pcs {
    /// Extends a start the index gave, one position at a time: the offered value whose label
    /// words the query holds, else the only value offered, else a "No ..." value; stops where
    /// the query does not decide.
    fn complete(&self, start: &str, wanted: &[String]) -> Option<String> {
        let mut code = start.to_string();
        let mut step = self.build(&code).ok()?;
        while code.len() < 7 {
            let best = step
                .choices
                .iter()
                .map(|c| {
                    let label_terms = terms(&c.label);
                    let hit = !label_terms.is_empty() && label_terms.iter().all(|l| wanted.contains(l));
                    (hit, label_terms.len(), c)
                })
                .filter(|(hit, _, _)| *hit)
                .max_by_key(|(_, n, c)| (*n, std::cmp::Reverse(c.character)));
            let choice = match best {
                Some((_, _, c)) => c.character,
                None if step.choices.len() == 1 => step.choices[0].character,
                None => match step.choices.iter().find(|c| c.label.starts_with("No ")) {
                    Some(c) => c.character,
                    None => break,
                },
            };
            code.push(choice);
            step = self.build(&code).ok()?;
        }
        Some(code)
    }
}

/// One line of an index subtree, as the printed index shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PcsIndexLine {
    pub level: u8,
    pub title: String,
    pub code: Option<String>,
    pub see: Option<String>,
    #[serde(rename = "use")]
    pub use_value: Option<String>,
    /// Whether `code` starts a code some FY2026 table allows (the index is the FY2023 edition).
    pub code_in_tables: Option<bool>,
}

impl Icd10pcs {
    /// Main terms starting with `prefix` (case-insensitive), for type-ahead.
    pub fn index_main_terms(&self, prefix: &str, limit: usize) -> Vec<String> {
        let p = prefix.trim().to_lowercase();
        self.index
            .terms
            .iter()
            .filter(|t| t.level == 0 && t.title.to_lowercase().starts_with(&p))
            .take(limit)
            .map(|t| t.title.clone())
            .collect()
    }

    /// A main term and all its subterms, in printed order; empty when there is no such term.
    pub fn index_subtree(&self, main_term: &str) -> Vec<PcsIndexLine> {
        let terms = &self.index.terms;
        let Some(start) = terms.iter().position(|t| t.level == 0 && t.title.eq_ignore_ascii_case(main_term.trim())) else {
            return Vec::new();
        };
        let end = terms[start + 1..].iter().position(|t| t.level == 0).map_or(terms.len(), |k| start + 1 + k);
        terms[start..end]
            .iter()
            .map(|t| PcsIndexLine {
                level: t.level,
                title: t.title.clone(),
                code: t.code.clone(),
                see: t.see.clone(),
                use_value: t.use_value.clone(),
                code_in_tables: t.code.as_ref().map(|c| self.build(c).is_ok()),
            })
            .collect()
    }
}
