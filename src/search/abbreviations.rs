//! The dictionary of clinical abbreviations and lay terms ("t2dm", "n/v", "lung clot",
//! "slipped disc") that students and charts use, mapped to the words the tabular uses. It is data
//! (`codesets/clinical_abbreviations.tsv`) compiled into the code set.

use serde::{Deserialize, Serialize};

use super::text::raw_words;

/// Longest phrase, in words, that the dictionary may hold.
pub const MAX_PHRASE_WORDS: usize = 4;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Abbreviations {
    /// (term as raw words joined by one space, expansion raw words), sorted by term.
    entries: Vec<(String, Vec<String>)>,
}

impl Abbreviations {
    /// Reads `term<TAB>expansion` lines; `#` starts a comment line. Errors name the line.
    pub fn parse(tsv: &str) -> Result<Abbreviations, String> {
        let mut entries: Vec<(String, Vec<String>)> = Vec::new();
        for (n, line) in tsv.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(term), Some(expansion)) = (cols.next(), cols.next()) else {
                return Err(format!("abbreviations line {}: expected term<TAB>expansion", n + 1));
            };
            let words = raw_words(term);
            let expansion = raw_words(expansion);
            if words.is_empty() || words.len() > MAX_PHRASE_WORDS || expansion.is_empty() {
                return Err(format!("abbreviations line {}: empty or too long ({term:?})", n + 1));
            }
            entries.push((words.join(" "), expansion));
        }
        entries.sort();
        // "a-fib" and "a fib" are the same words; listing both is fine when they agree.
        entries.dedup();
        if let Some(w) = entries.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(format!("abbreviations: {:?} is listed twice with different expansions", w[0].0));
        }
        Ok(Abbreviations { entries })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn get(&self, phrase: &str) -> Option<&[String]> {
        self.entries
            .binary_search_by(|(t, _)| t.as_str().cmp(phrase))
            .ok()
            .map(|i| self.entries[i].1.as_slice())
    }

    /// Replaces every dictionary phrase in `words` by its expansion, longest phrase first.
    /// Returns the new words and, for each, whether it came from an expansion.
    pub fn expand(&self, words: &[String]) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        let mut i = 0;
        'outer: while i < words.len() {
            for len in (1..=MAX_PHRASE_WORDS.min(words.len() - i)).rev() {
                let phrase = words[i..i + len].join(" ");
                if let Some(expansion) = self.get(&phrase) {
                    out.extend(expansion.iter().map(|w| (w.clone(), true)));
                    i += len;
                    continue 'outer;
                }
            }
            out.push((words[i].clone(), false));
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict() -> Abbreviations {
        Abbreviations::parse("# term\texpansion\nt2dm\ttype 2 diabetes mellitus\nn/v\tnausea with vomiting\nlung clot\tpulmonary embolism\nckd\tchronic kidney disease\n").unwrap()
    }

    fn expanded(q: &str) -> String {
        dict().expand(&raw_words(q)).into_iter().map(|(w, _)| w).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn expands_abbreviations_and_phrases() {
        assert_eq!(expanded("T2DM with CKD"), "type 2 diabetes mellitus with chronic kidney disease");
        assert_eq!(expanded("n/v"), "nausea with vomiting");
        assert_eq!(expanded("left lung clot"), "left pulmonary embolism");
        assert_eq!(expanded("lung cancer"), "lung cancer");
    }

    #[test]
    fn rejects_duplicates_and_bad_lines() {
        assert!(Abbreviations::parse("htn\thypertension\nHTN\thigh blood pressure\n").is_err());
        assert_eq!(Abbreviations::parse("a-fib\tatrial fibrillation\na fib\tatrial fibrillation\n").unwrap().len(), 1);
        assert!(Abbreviations::parse("htn hypertension\n").is_err());
    }
}
