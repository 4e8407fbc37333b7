//! Bring your own CPT descriptors: reading a licensed CSV or TSV file of (code, descriptor) rows
//! that the user owns. The file never leaves the user's machine; the page keeps the accepted
//! rows in IndexedDB and hands them back with [`Hcpcs::set_cpt_descriptors`] after a reload.
//!
//! What is accepted: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"),
//! otherwise Latin-1 (read as Windows-1252, its usual superset); tab, comma or semicolon
//! delimiters (the first line decides); RFC 4180 quoting (a field in double quotes may hold the
//! delimiter, line breaks and doubled quotes); an optional header row, whose column names pick
//! the code and descriptor columns ("code"/"cpt"/"hcpcs"; "long..." before "descriptor"/
//! "description"). Without a header the first column is the code and the second the descriptor;
//! in a comma file without header, extra columns are taken as unquoted commas of the descriptor.
//!
//! Rows whose code is not a CPT number the I/OCE lists are reported in `unknown`, repeated codes
//! in `duplicates` (the first row wins): nothing is dropped silently. A row that cannot be read
//! (one column, an empty code or descriptor, an unclosed quote) makes the whole file malformed,
//! and the error names its line.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{is_cpt_shape, Hcpcs};

/// One accepted row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CptDescriptor {
    pub code: String,
    pub descriptor: String,
}

/// A row that was read but not accepted, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// 1-based line where the row starts.
    pub line: usize,
    pub code: String,
    pub reason: String,
}

/// The result of reading a descriptor file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CptImport {
    pub accepted: Vec<CptDescriptor>,
    /// Codes that are not CPT numbers the I/OCE lists (or not CPT-shaped at all).
    pub unknown: Vec<Skipped>,
    /// Codes seen before in the file; the first row was kept.
    pub duplicates: Vec<Skipped>,
    /// The header row, when the first row was one.
    pub header: Option<Vec<String>>,
    /// "tab", "comma" or "semicolon".
    pub delimiter: &'static str,
    /// "utf-8", "utf-16" or "latin-1".
    pub encoding: &'static str,
    /// Data rows read (header and blank lines not counted).
    pub rows: usize,
    /// 1-based columns used for the code and the descriptor.
    pub code_column: usize,
    pub descriptor_column: usize,
}

/// A malformed file: the first line that cannot be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CptImportError {
    /// 1-based line number (0 when the file as a whole is the problem, e.g. empty).
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CptImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "The descriptor file cannot be imported: {}", self.message)
        } else {
            write!(f, "The descriptor file cannot be imported: line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for CptImportError {}

fn fail<T>(line: usize, message: impl Into<String>) -> Result<T, CptImportError> {
    Err(CptImportError { line, message: message.into() })
}

impl Hcpcs {
    /// Reads a CPT descriptor file (the raw bytes of a CSV or TSV file). Pure: it changes
    /// nothing; pass `accepted` to [`Hcpcs::set_cpt_descriptors`] to use the rows.
    pub fn parse_cpt_descriptors(&self, bytes: &[u8]) -> Result<CptImport, CptImportError> {
        let (text, encoding) = decode(bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let first_line = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .ok_or(CptImportError { line: 0, message: "the file is empty".into() })?;
        let (delim, delimiter) = if first_line.contains('\t') {
            ('\t', "tab")
        } else if first_line.contains(',') {
            (',', "comma")
        } else if first_line.contains(';') {
            (';', "semicolon")
        } else {
            let line = text.lines().position(|l| !l.trim().is_empty()).unwrap_or(0) + 1;
            return fail(
                line,
                "it has only one column; expected a code and a descriptor separated by a tab or a comma",
            );
        };
        let records = split_records(text, delim)?;
        let mut records = records.into_iter().filter(|(_, f)| !(f.len() == 1 && f[0].trim().is_empty())).peekable();

        let mut header = None;
        let (mut code_col, mut desc_col) = (0usize, 1usize);
        if let Some((_, first)) = records.peek() {
            let key = first[0].trim().to_ascii_uppercase();
            let code_like = key.len() == 5 && key.bytes().all(|b| b.is_ascii_alphanumeric());
            if !code_like && key.chars().any(|c| c.is_alphabetic()) {
                let names: Vec<String> = first.iter().map(|s| s.trim().to_string()).collect();
                (code_col, desc_col) = header_columns(&names);
                header = Some(names);
                records.next();
            }
        }
        let join_extra = header.is_none() && delim == ',';

        let mut out = CptImport {
            accepted: Vec::new(),
            unknown: Vec::new(),
            duplicates: Vec::new(),
            header,
            delimiter,
            encoding,
            rows: 0,
            code_column: code_col + 1,
            descriptor_column: desc_col + 1,
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (line, fields) in records {
            out.rows += 1;
            if fields.len() <= code_col.max(desc_col) {
                let n = fields.len();
                return fail(
                    line,
                    format!(
                        "it has {n} column{}; expected a code and a descriptor separated by a {}",
                        if n == 1 { "" } else { "s" },
                        delimiter_name(delim)
                    ),
                );
            }
            let code = fields[code_col].trim().to_ascii_uppercase();
            if code.is_empty() {
                return fail(line, "the code is empty");
            }
            let descriptor = if join_extra && fields.len() > 2 {
                fields[1..].join(",").trim().to_string()
            } else {
                fields[desc_col].trim().to_string()
            };
            if descriptor.is_empty() {
                return fail(line, format!("the descriptor of {code} is empty"));
            }
            if !is_cpt_shape(&code) {
                out.unknown.push(Skipped { line, code, reason: "not a CPT code number".into() });
                continue;
            }
            if self.cpt(&code).is_none() {
                out.unknown.push(Skipped {
                    line,
                    code,
                    reason: "not a CPT number the I/OCE lists (July 2019 to April 2026)".into(),
                });
                continue;
            }
            if let Some(first) = seen.get(&code) {
                out.duplicates.push(Skipped {
                    line,
                    code,
                    reason: format!("already given on line {first}; the first is kept"),
                });
                continue;
            }
            seen.insert(code.clone(), line);
            out.accepted.push(CptDescriptor { code, descriptor });
        }
        if out.rows == 0 {
            return fail(0, "it has a header but no rows");
        }
        Ok(out)
    }
}

fn delimiter_name(d: char) -> &'static str {
    match d {
        '\t' => "tab",
        ',' => "comma",
        _ => "semicolon",
    }
}

/// Picks the code and descriptor columns by their header names.
fn header_columns(names: &[String]) -> (usize, usize) {
    let lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    let code = lower.iter().position(|n| n.contains("code") || n.contains("cpt") || n.contains("hcpcs")).unwrap_or(0);
    let find = |pred: &dyn Fn(&str) -> bool| lower.iter().enumerate().position(|(i, n)| i != code && pred(n));
    let desc = find(&|n| n.contains("long"))
        .or_else(|| find(&|n| n.contains("descriptor") || n.contains("description") || n.contains("desc")))
        .or_else(|| (0..names.len()).find(|&i| i != code))
        .unwrap_or(1);
    (code, desc)
}

/// Splits text into records of fields, with the 1-based line each record starts on. Quotes
/// open a quoted field only at its start; inside one, `""` is a quote and line breaks are kept.
fn split_records(text: &str, delim: char) -> Result<Vec<(usize, Vec<String>)>, CptImportError> {
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1usize;
    let mut record_line = 1usize;
    let mut quoted = false;
    let mut quote_line = 0usize;
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\r' => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    field.push('\n');
                    line += 1;
                }
                '\n' => {
                    field.push('\n');
                    line += 1;
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted = true;
                quote_line = line;
                at_field_start = false;
            }
            c if c == delim => {
                fields.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                fields.push(std::mem::take(&mut field));
                records.push((record_line, std::mem::take(&mut fields)));
                line += 1;
                record_line = line;
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if quoted {
        return fail(quote_line, "a quoted field is never closed (a \" is missing)");
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((record_line, fields));
    }
    Ok(records)
}

/// UTF-16 with BOM, UTF-8, else Latin-1 (as Windows-1252).
fn decode(bytes: &[u8]) -> (String, &'static str) {
    if bytes.len() >= 2 && (bytes[..2] == [0xFF, 0xFE] || bytes[..2] == [0xFE, 0xFF]) {
        let le = bytes[0] == 0xFF;
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|p| if le { u16::from_le_bytes([p[0], p[1]]) } else { u16::from_be_bytes([p[0], p[1]]) })
            .collect();
        return (String::from_utf16_lossy(&units), "utf-16");
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "utf-8"),
        Err(_) => (bytes.iter().map(|&b| windows_1252(b)).collect(), "latin-1"),
    }
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{2C6}',
        '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}',
        '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}',
        '\u{153}', '\u{9D}', '\u{17E}', '\u{178}',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_csv() {
        let r = split_records("code,descriptor\r\n99213,\"Office visit, \"\"established\"\"\"\n", ',').unwrap();
        assert_eq!(r[1], (2, vec!["99213".to_string(), "Office visit, \"established\"".to_string()]));
    }

    #[test]
    fn quoted_line_breaks_keep_line_numbers() {
        let r = split_records("a,\"x\ny\"\nb,c\n", ',').unwrap();
        assert_eq!(r[0].1[1], "x\ny");
        assert_eq!(r[1].0, 3);
        assert_eq!(split_records("a,\"open\nb,c\n", ',').unwrap_err().line, 1);
    }

    #[test]
    fn decodes_latin1_and_utf16() {
        assert_eq!(decode(b"caf\xe9 \x93q\x94"), ("café “q”".to_string(), "latin-1"));
        assert_eq!(decode("café".as_bytes()).1, "utf-8");
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("a\tb".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(decode(&utf16), ("a\tb".to_string(), "utf-16"));
    }

    #[test]
    fn header_names_pick_columns() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(header_columns(&names(&["CPT Code", "Short Descriptor", "Long Descriptor"])), (0, 2));
        assert_eq!(header_columns(&names(&["Description", "Code"])), (1, 0));
        assert_eq!(header_columns(&names(&["x", "y"])), (0, 1));
    }
}
