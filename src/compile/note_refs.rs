//! Finds the codes a tabular note refers to: "(E08.-)", "(N18.1-N18.6)", "(T36-T50 with fifth or
//! sixth character 5)", "(V09.01, V09.21)", "S06.1- to S06.6-". Later rules (Excludes1 conflicts,
//! code first) work from these references rather than from the note's prose.

use crate::store::model::CodeRef;

/// Every code reference in `text`, in the order printed.
pub fn parse_code_refs(text: &str) -> Vec<CodeRef> {
    let bytes = text.as_bytes();
    let mut refs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if boundary {
            if let Some((first, first_end, first_dash)) = read_code(bytes, i) {
                // A range "A-B" where B is itself a code.
                if !first_dash && bytes.get(first_end) == Some(&b'-') {
                    if let Some((last, last_end, last_dash)) = read_code(bytes, first_end + 1) {
                        refs.push(CodeRef {
                            text: text[i..last_end].to_string(),
                            first,
                            last,
                            dash: last_dash,
                        });
                        i = last_end;
                        continue;
                    }
                }
                refs.push(CodeRef {
                    text: text[i..first_end].to_string(),
                    last: first.clone(),
                    first,
                    dash: first_dash,
                });
                i = first_end;
                continue;
            }
        }
        i += 1;
    }
    refs
}

/// Reads one code starting at `start`: letter, digit, alphanumeric, optional "." and up to four
/// alphanumerics, optional "-" or ".-". Returns (code with dot, end, dash).
fn read_code(b: &[u8], start: usize) -> Option<(String, usize, bool)> {
    let at = |k: usize| b.get(start + k).copied();
    let is_upper_or_digit = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !at(0)?.is_ascii_uppercase() || !at(1)?.is_ascii_digit() || !is_upper_or_digit(at(2)) {
        return None;
    }
    let mut end = start + 3;
    let mut code = String::from_utf8(b[start..end].to_vec()).ok()?;
    if b.get(end) == Some(&b'.') && is_upper_or_digit(b.get(end + 1).copied()) {
        let mut k = end + 1;
        while k < b.len() && k - (end + 1) < 4 && (b[k].is_ascii_uppercase() || b[k].is_ascii_digit()) {
            k += 1;
        }
        code.push('.');
        code.push_str(std::str::from_utf8(&b[end + 1..k]).ok()?);
        end = k;
    }
    // The code must end at a word boundary (not "A1Cx"), except for a following dash.
    if b.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut dash = false;
    if b.get(end) == Some(&b'.') && b.get(end + 1) == Some(&b'-') {
        dash = true;
        end += 2;
    } else if b.get(end) == Some(&b'-') && !starts_code(b, end + 1) {
        dash = true;
        end += 1;
    }
    Some((code, end, dash))
}

fn starts_code(b: &[u8], k: usize) -> bool {
    read_code_head(b, k)
}

fn read_code_head(b: &[u8], k: usize) -> bool {
    b.get(k).is_some_and(|c| c.is_ascii_uppercase())
        && b.get(k + 1).is_some_and(|c| c.is_ascii_digit())
        && b.get(k + 2).is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str) -> Vec<(String, String, String, bool)> {
        parse_code_refs(text)
            .into_iter()
            .map(|r| (r.text, r.first, r.last, r.dash))
            .collect()
    }

    fn r(text: &str, first: &str, last: &str, dash: bool) -> (String, String, String, bool) {
        (text.into(), first.into(), last.into(), dash)
    }

    #[test]
    fn reads_the_shapes_printed_in_the_tabular() {
        let cases: &[(&str, Vec<(String, String, String, bool)>)] = &[
            ("diabetes mellitus due to underlying condition (E08.-)", vec![r("E08.-", "E08", "E08", true)]),
            ("code to identify stage of chronic kidney disease (N18.1-N18.6)", vec![r("N18.1-N18.6", "N18.1", "N18.6", false)]),
            ("infectious and parasitic diseases specific to the perinatal period (P35-P39)", vec![r("P35-P39", "P35", "P39", false)]),
            ("code for adverse effect (T36-T50 with fifth or sixth character 5)", vec![r("T36-T50", "T36", "T50", false)]),
            ("(V09.01, V09.21, V19.81)", vec![r("V09.01", "V09.01", "V09.01", false), r("V09.21", "V09.21", "V09.21", false), r("V19.81", "V19.81", "V19.81", false)]),
            ("subcategories S06.1- to S06.6-, and S06.81- to S06.89-", vec![r("S06.1-", "S06.1", "S06.1", true), r("S06.6-", "S06.6", "S06.6", true), r("S06.81-", "S06.81", "S06.81", true), r("S06.89-", "S06.89", "S06.89", true)]),
            ("associated cachexia (E88.A)", vec![r("E88.A", "E88.A", "E88.A", false)]),
            ("Merkel cell carcinoma (C4A.-)", vec![r("C4A.-", "C4A", "C4A", true)]),
            // Shaped like a code; the compiler drops references to codes the tabular does not have.
            ("hemoglobin A1C level", vec![r("A1C", "A1C", "A1C", false)]),
            ("head injury NOS (S09.90)", vec![r("S09.90", "S09.90", "S09.90", false)]),
        ];
        for (text, want) in cases {
            assert_eq!(&refs(text), want, "note {text:?}");
        }
    }
}
