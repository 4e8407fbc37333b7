//! Code and date newtypes: normalising what a student types ("e11.9", "E119", " E11.9 ") into the
//! form the code books print (E11.9), and dates of service as plain calendar dates.

use std::fmt;

/// Why a string could not be read as a code or a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// The text is not shaped like an ICD-10-CM code (letter, digit, alphanumeric, up to 4 more).
    MalformedCode(String),
    /// The text is not a real calendar date in `YYYY-MM-DD` form.
    MalformedDate(String),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::MalformedCode(s) => write!(
                f,
                "'{s}' is not an ICD-10-CM code: expected a letter, a digit, then 1 to 5 letters or digits (e.g. E11.22)"
            ),
            InputError::MalformedDate(s) => {
                write!(f, "'{s}' is not a date of service: expected YYYY-MM-DD, e.g. 2026-04-01")
            }
        }
    }
}

impl std::error::Error for InputError {}

/// Normalises an ICD-10-CM code: trims, upper-cases, drops dots and inner spaces, and puts the dot
/// back after the third character. Only the shape is checked; whether the code exists is the
/// store's business.
pub fn normalize_icd10cm(input: &str) -> Result<String, InputError> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let bytes = compact.as_bytes();
    let shaped = (3..=7).contains(&bytes.len())
        && bytes[0].is_ascii_uppercase()
        && bytes[1].is_ascii_digit()
        && bytes.iter().all(|b| b.is_ascii_alphanumeric());
    if !shaped {
        return Err(InputError::MalformedCode(input.trim().to_string()));
    }
    Ok(with_dot(&compact))
}

/// Inserts the dot after the third character of a dotless code ("E1122" -> "E11.22").
pub fn with_dot(dotless: &str) -> String {
    if dotless.len() > 3 {
        format!("{}.{}", &dotless[..3], &dotless[3..])
    } else {
        dotless.to_string()
    }
}

/// Removes the dot ("E11.22" -> "E1122"), the form the CMS data files use.
pub fn without_dot(code: &str) -> String {
    code.replace('.', "")
}

/// A calendar date, stored as the number YYYYMMDD so that dates compare as numbers, which is
/// also how the CMS files write them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Date(pub u32);

impl Date {
    /// Parses `YYYY-MM-DD`, rejecting impossible dates (2026-02-30).
    pub fn parse_iso(text: &str) -> Result<Date, InputError> {
        let bad = || InputError::MalformedDate(text.trim().to_string());
        let t = text.trim();
        let parts: Vec<&str> = t.split('-').collect();
        if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
            return Err(bad());
        }
        let num = |s: &str| s.parse::<u32>().map_err(|_| bad());
        let (y, m, d) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return Err(bad());
        }
        Ok(Date(y * 10000 + m * 100 + d))
    }

    /// Reads the CMS form `YYYYMMDD`.
    pub fn parse_compact(text: &str) -> Result<Date, InputError> {
        let t = text.trim();
        if t.len() != 8 {
            return Err(InputError::MalformedDate(t.to_string()));
        }
        Date::parse_iso(&format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..]))
    }

    pub fn year(self) -> u32 {
        self.0 / 10000
    }
    pub fn month(self) -> u32 {
        self.0 / 100 % 100
    }
    pub fn day(self) -> u32 {
        self.0 % 100
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year(), self.month(), self.day())
    }
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_the_ways_students_type_codes() {
        for input in ["e11.22", "E1122", " E11.22 ", "e 11.22", "E11.22"] {
            assert_eq!(normalize_icd10cm(input).unwrap(), "E11.22", "input {input:?}");
        }
        assert_eq!(normalize_icd10cm("s72001a").unwrap(), "S72.001A");
        assert_eq!(normalize_icd10cm("i10").unwrap(), "I10");
        assert_eq!(normalize_icd10cm("C4A.0").unwrap(), "C4A.0");
    }

    #[test]
    fn rejects_text_that_is_not_code_shaped() {
        for input in ["", "E1", "11.22", "EE1.22", "E11.22ABC", "E11-22", "diabetes"] {
            assert!(normalize_icd10cm(input).is_err(), "input {input:?}");
        }
    }

    #[test]
    fn parses_dates_of_service() {
        assert_eq!(Date::parse_iso("2026-04-01").unwrap(), Date(20260401));
        assert_eq!(Date::parse_compact("20151001").unwrap().to_string(), "2015-10-01");
        assert!(Date::parse_iso("2024-02-29").is_ok());
        for bad in ["2026-02-29", "2026-13-01", "2026-4-1", "01/04/2026", "tomorrow", "2026-00-10"] {
            assert!(Date::parse_iso(bad).is_err(), "input {bad:?}");
        }
    }
}
