//! Turning titles and queries into search terms: lower-case words, minus filler words, with a
//! light plural stemmer, so that "Fractures of ribs" and "rib fracture" meet on the same terms.

/// Words that carry no meaning for finding a code. "with" is dropped (nearly every combination
/// title has it); "without" and "other" are kept because they tell codes apart.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "is", "of", "on", "or", "the", "to",
    "with",
];

/// Splits text into raw lower-case words (letters and digits), before stopwords and stemming.
/// The abbreviation dictionary matches on these ("n/v" -> ["n", "v"]).
pub fn raw_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

/// The search term for one raw word, or None for a stopword.
pub fn term_of(word: &str) -> Option<String> {
    if STOPWORDS.contains(&word) {
        return None;
    }
    Some(stem(word))
}

/// All search terms of a text, in order.
pub fn terms(text: &str) -> Vec<String> {
    raw_words(text).iter().filter_map(|w| term_of(w)).collect()
}

/// A deliberately light English plural stemmer: coders type singular and plural forms
/// interchangeably, but heavier stemming merges distinct clinical words.
pub fn stem(word: &str) -> String {
    let n = word.len();
    if n > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..n - 3]);
    }
    if n > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is") {
        return word[..n - 1].to_string();
    }
    word.to_string()
}

/// Levenshtein distance, giving up (returning `max + 1`) as soon as it must exceed `max`.
/// Words longer than 63 letters are never close to anything typed.
pub fn edit_distance_within(a: &[u8], b: &[u8], max: usize) -> usize {
    if a.len().abs_diff(b.len()) > max || a.len() > 63 || b.len() > 63 {
        return max + 1;
    }
    let mut prev = [0usize; 64];
    let mut cur = [0usize; 64];
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            row_min = row_min.min(cur[j]);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_and_singular_meet() {
        for (a, b) in [("fractures", "fracture"), ("ribs", "rib"), ("injuries", "injury"), ("knees", "knee")] {
            assert_eq!(stem(a), stem(b), "{a} vs {b}");
        }
        for keep in ["calculus", "bronchitis", "abscess", "diabetes"] {
            assert!(stem(keep).len() + 1 >= keep.len(), "{keep}");
        }
    }

    #[test]
    fn terms_drop_filler_words() {
        assert_eq!(terms("Fracture of neck of right femur, with routine healing"), vec!["fracture", "neck", "right", "femur", "routine", "healing"]);
        assert_eq!(raw_words("N/V x3 days"), vec!["n", "v", "x3", "days"]);
    }

    #[test]
    fn edit_distance_is_bounded() {
        assert_eq!(edit_distance_within(b"pnuemonia", b"pneumonia", 2), 2);
        assert_eq!(edit_distance_within(b"astma", b"asthma", 1), 1);
        assert_eq!(edit_distance_within(b"cat", b"elephant", 2), 3);
    }
}
