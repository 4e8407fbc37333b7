//! Grading policies: how much credit each line status earns and how the score is formed.
//!
//! `standard` (the default) is exactly issue 6's six steps: exact matches (code or alternate,
//! each key line and student code used once, most credit first); `specificity` half credit for an
//! unmatched student code sharing its first three characters with an unmatched required key line;
//! `sequencing` half credit when the principal / first-listed line is matched but not listed first;
//! procedure lines `correct` or `partial` (half credit: modifiers or units differ); the rest
//! `unsupported` or `missing`; `optional` lines neither earn nor cost.
//! Score = 100 × credits / max(required key lines, student lines that are not optional).
//!
//! `practicode` reproduces the formula AAPC publishes for Practicode: correct ÷ max(codes entered,
//! codes in the key) × 100, with partial credit "P" only for a correct CPT/HCPCS code whose
//! modifiers or units are wrong (worth half a code here), optional key codes not counted when
//! absent, and the order of secondary diagnoses ignored. There is no credit for a code that is
//! merely close (no specificity half credit), and the first-listed diagnosis earns credit only
//! in the first position (the primary-diagnosis field).

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    #[default]
    Standard,
    Practicode,
}

impl Policy {
    pub const ALL: [Policy; 2] = [Policy::Standard, Policy::Practicode];

    pub fn parse(name: &str) -> Result<Policy, UnknownPolicy> {
        match name.trim().to_ascii_lowercase().as_str() {
            "" | "standard" => Ok(Policy::Standard),
            "practicode" => Ok(Policy::Practicode),
            other => Err(UnknownPolicy(other.to_string())),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Policy::Standard => "standard",
            Policy::Practicode => "practicode",
        }
    }

    /// Credit, in half points, for a diagnosis code that shares its first three characters
    /// with an unmatched required key line.
    pub(crate) fn specificity_halves(self) -> u32 {
        match self {
            Policy::Standard => 1,
            Policy::Practicode => 0,
        }
    }

    /// Credit, in half points, for the principal / first-listed code entered in another position.
    pub(crate) fn sequencing_halves(self) -> u32 {
        match self {
            Policy::Standard => 1,
            Policy::Practicode => 0,
        }
    }

    /// Credit, in half points, for a procedure code with the wrong modifiers or units.
    pub(crate) fn partial_halves(self) -> u32 {
        1
    }

    /// The policy in plain words, for the page.
    pub fn description(self) -> &'static str {
        match self {
            Policy::Standard => {
                "Standard: a code equal to the key (or an accepted alternate) earns 1 point. A code in the right \
                 category (same first three characters) but not the key's code earns 1/2 (specificity). The \
                 principal or first-listed code entered in another position earns 1/2 (sequencing). A procedure \
                 code with the wrong modifiers or units earns 1/2 (partial). Optional codes neither earn nor cost. \
                 Score = 100 × points ÷ the larger of the number of required key codes and the number of codes \
                 you entered (optional ones not counted), rounded to one decimal."
            }
            Policy::Practicode => {
                "Practicode (AAPC's published formula): score = 100 × correct codes ÷ the larger of the number of \
                 codes you entered and the number of codes in the key. A procedure code with the wrong modifiers \
                 or units earns partial credit P (1/2 here). The first-listed diagnosis counts only in the first \
                 position; the order of the other diagnoses does not matter. A code that is close but not equal \
                 earns nothing. Optional codes neither earn nor cost."
            }
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPolicy(pub String);

impl fmt::Display for UnknownPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown grading policy {:?}; the policies are standard and practicode", self.0)
    }
}

impl std::error::Error for UnknownPolicy {}

/// 100 × `halves` / 2 / `denominator`, rounded half up to one decimal, in integer arithmetic so
/// that the same input always gives the same output. An empty key with an empty answer scores 100.
pub fn score(halves: u32, denominator: u32) -> f64 {
    if denominator == 0 {
        return 100.0;
    }
    // tenths = round(1000 * halves / (2 * denominator))
    let num = 1000u64 * u64::from(halves);
    let den = 2 * u64::from(denominator);
    let tenths = (2 * num + den) / (2 * den);
    tenths as f64 / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_round_half_up_to_one_decimal() {
        assert_eq!(score(4, 2), 100.0);
        assert_eq!(score(2, 3), 33.3); // 33.33
        assert_eq!(score(4, 3), 66.7); // 66.67
        assert_eq!(score(1, 16), 3.1); // 3.125 -> 3.1 (3.125 is 31.25 tenths: rounds to 31)
        assert_eq!(score(1, 8), 6.3); // 6.25 -> 62.5 tenths -> 63
        assert_eq!(score(0, 5), 0.0);
        assert_eq!(score(0, 0), 100.0);
    }

    #[test]
    fn policy_names() {
        assert_eq!(Policy::parse("PractiCode").unwrap(), Policy::Practicode);
        assert_eq!(Policy::parse("").unwrap(), Policy::Standard);
        assert!(Policy::parse("lenient").is_err());
    }
}
