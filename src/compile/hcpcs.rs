//! HCPCS Level II, CPT numbers and modifiers: the CMS files in, the compiled set out.
//!
//! Sources (all texts; the caller reads the files):
//! - the CMS HCPCS Level II file (`HCPC2026_JAN_ANWEB_01122026.txt`): fixed width, 320
//!   characters a record. Record id (position 11) 3 starts a code and carries its administrative
//!   fields, 4 continues its long description; 7 and 8 do the same for a modifier (positions
//!   4-5). The long description is 80 characters a record (12-91) and is joined with one space,
//!   except after a `/` or `-` that ends a word ("extension/" + "flexion" = "extension/flexion").
//! - the CMS processing notes (`proc_notes_JAN2026.txt`): "NNNN--TEXT" with continuation lines,
//!   each line ending in a `*` column.
//! - the I/OCE HCPCS attribute table (TSV): one row per code and I/OCE version range, giving
//!   validity dates, age/sex edits and date edits; the CPT numbers are its rows whose code
//!   starts with a digit. Its descriptions are used only for Level II codes missing from the
//!   January file, never for CPT (omitted there anyway) or dental (ADA copyright) codes.
//! - the I/OCE modifier table (TSV): modifier validity and flags (NCCI-associated, telehealth).
//! - our own tables `codesets/cpt_ranges.tsv` and `codesets/cpt_modifiers.tsv`.

use std::collections::BTreeMap;

use crate::codes::Date;
use crate::store::format::{encode_set, HCPCS_SET};
use crate::store::hcpcs::model::{
    same_shape, CptCode, CptRange, DateEdit, HcpcsData, IoceEdits, Level2Code, Modifier, ModifierKind, ProcNote,
    RangeLevel, Sex, Span,
};
use crate::store::hcpcs::{is_cpt_shape, is_level2_shape, Hcpcs};

/// Edition label written into the compiled header and shown to students.
pub const HCPCS_EDITION: &str =
    "HCPCS Level II January 2026 (CMS file of 2026-01-12), with code dates and CPT numbers from the I/OCE to v27.1 (April 2026)";
/// Edition of the I/OCE tables.
pub const IOCE_EDITION: &str = "CMS I/OCE v20.2 (July 2019) to v27.1 (April 2026)";

/// The I/OCE tables write this end date for "still in force in the newest release".
const IOCE_OPEN_END: Date = Date(20360331);
/// Date-edit end dates this far out are placeholders for "no end".
const FAR_FUTURE: Date = Date(20350101);

/// The texts the HCPCS set is compiled from.
pub struct HcpcsSources<'a> {
    /// HCPC2026_JAN_ANWEB_01122026.txt
    pub hcpcs_file: &'a str,
    /// proc_notes_JAN2026.txt
    pub proc_notes: &'a str,
    /// ioce_hcpcs_attributes.tsv
    pub ioce_attributes_tsv: &'a str,
    /// ioce_modifier_flags.tsv
    pub ioce_modifier_flags_tsv: &'a str,
    /// codesets/cpt_ranges.tsv (ours)
    pub cpt_ranges_tsv: &'a str,
    /// codesets/cpt_modifiers.tsv (ours)
    pub cpt_modifiers_tsv: &'a str,
}

/// Builds the in-memory code set from the source texts.
pub fn compile_hcpcs(src: &HcpcsSources) -> Result<Hcpcs, String> {
    Ok(Hcpcs::new(compile_data(src)?))
}

/// Compiles and encodes in one step: the bytes committed as `codesets/compiled/hcpcs.bin`.
pub fn compile_hcpcs_bytes(src: &HcpcsSources) -> Result<Vec<u8>, String> {
    let data = compile_data(src)?;
    Ok(encode_set(HCPCS_SET, &data.edition, &data))
}

fn compile_data(src: &HcpcsSources) -> Result<HcpcsData, String> {
    let file = parse_hcpcs_file(src.hcpcs_file)?;
    let notes = parse_proc_notes(src.proc_notes)?;
    let attributes = parse_ioce_table(src.ioce_attributes_tsv, "I/OCE HCPCS attributes")?;
    let modifier_rows = parse_ioce_table(src.ioce_modifier_flags_tsv, "I/OCE modifier flags")?;
    let cpt_ranges = parse_cpt_ranges(src.cpt_ranges_tsv)?;
    let cpt_modifier_labels = parse_cpt_modifiers(src.cpt_modifiers_tsv)?;
    let ioce_first = attributes.first_date().ok_or("I/OCE HCPCS attributes: no rows")?;

    for record in file.codes.iter().chain(&file.modifiers) {
        if let Some(n) = &record.processing_note {
            if notes.binary_search_by(|p| p.number.as_str().cmp(n)).is_err() {
                return Err(format!("HCPCS {}: processing note {n} is not in the notes file", record.code));
            }
        }
    }

    // Level II codes: the January file, plus the letter codes only the I/OCE knows.
    let mut level2: BTreeMap<String, Level2Code> = BTreeMap::new();
    for r in &file.codes {
        if !is_level2_shape(&r.code) {
            return Err(format!("HCPCS file: {:?} is not a Level II code (letter + 4 digits)", r.code));
        }
        let ioce = attributes.rows.get(&r.code);
        let windows = combine(attributes.windows(&r.code), r.added, r.terminated, ioce_first);
        let code = Level2Code {
            code: r.code.clone(),
            long_description: Some(r.long_description.clone()),
            short_description: Some(r.short_description.clone()).filter(|s| !s.is_empty()),
            in_hcpcs_file: true,
            pricing: r.pricing.clone(),
            multiple_pricing: r.multiple_pricing.clone(),
            coverage: r.coverage.clone(),
            coverage_manual: r.coverage_manual.clone(),
            carriers_manual: r.carriers_manual.clone(),
            statute: r.statute.clone(),
            lab_certification: r.lab_certification.clone(),
            cross_references: r.cross_references.clone(),
            asc_effective: r.asc_effective,
            processing_note: r.processing_note.clone(),
            betos: r.betos.clone(),
            type_of_service: r.type_of_service.clone(),
            added: r.added,
            action_effective: r.action_effective,
            terminated: r.terminated,
            action: r.action.clone(),
            windows,
            edits: ioce.map(|rows| attributes.edits(rows)).unwrap_or_default(),
        };
        if level2.insert(r.code.clone(), code).is_some() {
            return Err(format!("HCPCS file: {} appears twice", r.code));
        }
    }
    let mut cpt = Vec::new();
    for (key, rows) in &attributes.rows {
        if key.starts_with(|c: char| c.is_ascii_digit()) {
            if !is_cpt_shape(key) {
                return Err(format!("I/OCE HCPCS attributes: {key:?} is not a CPT code number"));
            }
            cpt.push(CptCode { code: key.clone(), windows: attributes.windows(key), edits: attributes.edits(rows) });
        } else if !level2.contains_key(key) {
            if !is_level2_shape(key) {
                return Err(format!("I/OCE HCPCS attributes: {key:?} is not a HCPCS code"));
            }
            let newest = &rows[rows.len() - 1];
            // Dental (CDT) descriptors are ADA copyright: numbers only.
            let short = (!key.starts_with('D'))
                .then(|| attributes.value(newest, "description").trim().to_string())
                .filter(|s| !s.is_empty());
            level2.insert(
                key.clone(),
                Level2Code {
                    code: key.clone(),
                    long_description: None,
                    short_description: short,
                    in_hcpcs_file: false,
                    pricing: Vec::new(),
                    multiple_pricing: None,
                    coverage: None,
                    coverage_manual: Vec::new(),
                    carriers_manual: Vec::new(),
                    statute: None,
                    lab_certification: Vec::new(),
                    cross_references: Vec::new(),
                    asc_effective: None,
                    processing_note: None,
                    betos: None,
                    type_of_service: Vec::new(),
                    added: None,
                    action_effective: None,
                    terminated: None,
                    action: None,
                    windows: attributes.windows(key),
                    edits: attributes.edits(rows),
                },
            );
        }
    }

    // Modifiers: Level II from the file, CPT from our table; dates and flags from the I/OCE.
    let mut modifiers: BTreeMap<String, Modifier> = BTreeMap::new();
    let flag = |code: &str, name: &str| {
        modifier_rows.rows.get(code).is_some_and(|rows| modifier_rows.value(&rows[rows.len() - 1], name).trim() == "1")
    };
    for r in &file.modifiers {
        let m = Modifier {
            code: r.code.clone(),
            kind: ModifierKind::Hcpcs,
            label: r.long_description.clone(),
            short_description: Some(r.short_description.clone()).filter(|s| !s.is_empty()),
            coverage: r.coverage.clone(),
            processing_note: r.processing_note.clone(),
            added: r.added,
            action_effective: r.action_effective,
            terminated: r.terminated,
            action: r.action.clone(),
            windows: combine(modifier_rows.windows(&r.code), r.added, r.terminated, ioce_first),
            in_ioce: modifier_rows.rows.contains_key(&r.code),
            ncci_associated: flag(&r.code, "ncci"),
            telehealth: flag(&r.code, "telehealth"),
        };
        if modifiers.insert(r.code.clone(), m).is_some() {
            return Err(format!("HCPCS file: modifier {} appears twice", r.code));
        }
    }
    for (code, label) in cpt_modifier_labels {
        let m = Modifier {
            code: code.clone(),
            kind: ModifierKind::Cpt,
            label,
            short_description: None,
            coverage: None,
            processing_note: None,
            added: None,
            action_effective: None,
            terminated: None,
            action: None,
            windows: modifier_rows.windows(&code),
            in_ioce: modifier_rows.rows.contains_key(&code),
            ncci_associated: flag(&code, "ncci"),
            telehealth: flag(&code, "telehealth"),
        };
        if modifiers.insert(code.clone(), m).is_some() {
            return Err(format!("cpt_modifiers.tsv: {code} is also a HCPCS Level II modifier"));
        }
    }

    Ok(HcpcsData {
        edition: HCPCS_EDITION.to_string(),
        attributes_edition: IOCE_EDITION.to_string(),
        ioce_first_date: ioce_first,
        level2: level2.into_values().collect(),
        cpt,
        modifiers: modifiers.into_values().collect(),
        notes,
        cpt_ranges,
    })
}

/// I/OCE windows, extended back to the HCPCS file's added date when the first window starts
/// where the I/OCE tables start (the code is older than the tables); the HCPCS file's own dates
/// when the I/OCE does not know the code (deleted before July 2019).
fn combine(ioce: Vec<Span>, added: Option<Date>, terminated: Option<Date>, ioce_first: Date) -> Vec<Span> {
    let mut windows = ioce;
    match (windows.first_mut(), added) {
        (Some(first), Some(added)) if first.from == ioce_first && added < ioce_first => first.from = added,
        (Some(_), _) => {}
        (None, Some(added)) if terminated.is_none_or(|t| t >= added) => {
            windows.push(Span { from: added, to: terminated })
        }
        (None, _) => {}
    }
    windows
}

/// One code or modifier of the CMS file: its first record and joined description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecord {
    pub code: String,
    pub long_description: String,
    pub short_description: String,
    pub pricing: Vec<String>,
    pub multiple_pricing: Option<String>,
    pub coverage_manual: Vec<String>,
    pub carriers_manual: Vec<String>,
    pub statute: Option<String>,
    pub lab_certification: Vec<String>,
    pub cross_references: Vec<String>,
    pub coverage: Option<String>,
    pub asc_effective: Option<Date>,
    pub processing_note: Option<String>,
    pub betos: Option<String>,
    pub type_of_service: Vec<String>,
    pub added: Option<Date>,
    pub action_effective: Option<Date>,
    pub terminated: Option<Date>,
    pub action: Option<String>,
}

/// The codes (record ids 3/4) and modifiers (7/8) of the CMS HCPCS file, in file order.
#[derive(Debug, Default)]
pub struct HcpcsFile {
    pub codes: Vec<FileRecord>,
    pub modifiers: Vec<FileRecord>,
}

/// Reads the fixed-width CMS HCPCS file.
pub fn parse_hcpcs_file(text: &str) -> Result<HcpcsFile, String> {
    let mut out = HcpcsFile::default();
    // (is modifier, index, last sequence number)
    let mut open: Option<(bool, usize, u32)> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let at = |msg: &str| format!("HCPCS file line {}: {msg}", n + 1);
        if !line.is_ascii() {
            return Err(at("not plain ASCII"));
        }
        if line.len() < 91 {
            return Err(at("record shorter than the 91 characters a description needs"));
        }
        let id = &line[10..11];
        let modifier = matches!(id, "7" | "8");
        let code = if modifier { field(line, 4, 5) } else { field(line, 1, 5) };
        let seq: u32 = field(line, 6, 10).parse().map_err(|_| at("sequence number is not a number"))?;
        let piece = field(line, 12, 91);
        match id {
            "3" | "7" => {
                if line.len() < 293 {
                    return Err(at("first record of a code is shorter than 293 characters"));
                }
                let record = first_record(line, code, piece).map_err(|e| at(&e))?;
                let list = if modifier { &mut out.modifiers } else { &mut out.codes };
                list.push(record);
                open = Some((modifier, list.len() - 1, seq));
            }
            "4" | "8" => {
                let (was_modifier, index, last_seq) =
                    open.ok_or_else(|| at("continuation record without a first record"))?;
                let list = if modifier { &mut out.modifiers } else { &mut out.codes };
                let record = &mut list[index];
                if was_modifier != modifier || record.code != code {
                    return Err(at(&format!("continuation of {code} follows {}", record.code)));
                }
                if seq <= last_seq {
                    return Err(at(&format!("sequence number {seq} does not follow {last_seq}")));
                }
                if !piece.is_empty() {
                    join_description(&mut record.long_description, piece);
                }
                open = Some((modifier, index, seq));
            }
            other => return Err(at(&format!("unknown record id {other:?}"))),
        }
    }
    Ok(out)
}

/// Appends one 80-character piece of a long description. Pieces break at spaces, so they are
/// joined with one space, except that a `/` or `-` ending a word continues it with no space
/// ("pathologist/" + "dermatopathologist"; "stage iii b-" + "iv"). A dash standing alone
/// ("level 1 (als 1 -" + "emergency)") is a separate word.
pub fn join_description(text: &mut String, piece: &str) {
    let glued = text.ends_with(['/', '-']) && text.len() >= 2 && !text[..text.len() - 1].ends_with(' ');
    if !text.is_empty() && !glued {
        text.push(' ');
    }
    text.push_str(piece);
}

fn first_record(line: &str, code: &str, piece: &str) -> Result<FileRecord, String> {
    let opt = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    let date = |from: usize, to: usize, name: &str| -> Result<Option<Date>, String> {
        let s = field(line, from, to);
        if s.is_empty() {
            return Ok(None);
        }
        Date::parse_compact(s).map(Some).map_err(|_| format!("{name} {s:?} is not a YYYYMMDD date"))
    };
    let repeated = |from: usize, width: usize, count: usize| -> Vec<String> {
        (0..count)
            .map(|i| field(line, from + i * width, from + (i + 1) * width - 1).to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let asc_group = field(line, 231, 232);
    Ok(FileRecord {
        code: code.to_string(),
        long_description: piece.to_string(),
        short_description: field(line, 92, 119).to_string(),
        pricing: repeated(120, 2, 4),
        multiple_pricing: opt(field(line, 128, 128)),
        coverage_manual: repeated(129, 6, 3),
        carriers_manual: repeated(147, 8, 3),
        statute: opt(field(line, 171, 180)),
        lab_certification: repeated(181, 3, 8),
        cross_references: repeated(205, 5, 5),
        coverage: opt(field(line, 230, 230)),
        asc_effective: if asc_group.is_empty() { None } else { date(233, 240, "ASC date")? },
        processing_note: opt(field(line, 253, 256)),
        betos: opt(field(line, 257, 259)),
        type_of_service: field(line, 261, 265).chars().filter(|c| !c.is_whitespace()).map(String::from).collect(),
        added: date(269, 276, "added date")?,
        action_effective: date(277, 284, "action effective date")?,
        terminated: date(285, 292, "termination date")?,
        action: opt(field(line, 293, 293)),
    })
}

/// Positions `from..=to` (1-based, as the record layout numbers them), trimmed.
fn field(line: &str, from: usize, to: usize) -> &str {
    let end = to.min(line.len());
    if from > end {
        return "";
    }
    line[from - 1..end].trim()
}

/// Reads the CMS processing notes: "NNNN--TEXT", continued on the following lines; a `*` closes
/// every line. Whitespace (including tabs) is folded to single spaces.
pub fn parse_proc_notes(text: &str) -> Result<Vec<ProcNote>, String> {
    let mut notes: Vec<ProcNote> = Vec::new();
    for line in text.lines() {
        let body = line.trim_end().trim_end_matches('*').trim();
        if body.is_empty() {
            continue;
        }
        let starts_note =
            body.len() > 6 && body.as_bytes()[..4].iter().all(u8::is_ascii_digit) && body.get(4..6) == Some("--");
        if starts_note {
            notes.push(ProcNote { number: body[..4].to_string(), text: fold_spaces(&body[6..]) });
        } else if let Some(last) = notes.last_mut() {
            last.text.push(' ');
            last.text.push_str(&fold_spaces(body));
        }
    }
    notes.sort_by(|a, b| a.number.cmp(&b.number));
    if let Some(w) = notes.windows(2).find(|w| w[0].number == w[1].number) {
        return Err(format!("processing notes: note {} appears twice", w[0].number));
    }
    if notes.is_empty() {
        return Err("processing notes: no note found".into());
    }
    Ok(notes)
}

fn fold_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An I/OCE table (TSV with a header row): rows grouped by key, oldest first.
struct IoceTable {
    columns: Vec<String>,
    rows: BTreeMap<String, Vec<Vec<String>>>,
}

fn parse_ioce_table(tsv: &str, name: &str) -> Result<IoceTable, String> {
    let mut lines = tsv.lines();
    let header = lines.next().ok_or_else(|| format!("{name}: empty"))?;
    let columns: Vec<String> = header.trim_end_matches('\r').split('\t').map(str::to_string).collect();
    for needed in ["key", "effective_from", "effective_to"] {
        if !columns.iter().any(|c| c == needed) {
            return Err(format!("{name}: no column {needed:?}"));
        }
    }
    let mut rows: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for (n, line) in lines.enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<String> = line.split('\t').map(str::to_string).collect();
        if cells.len() < 3 {
            return Err(format!("{name} line {}: expected key, effective_from, effective_to", n + 2));
        }
        for c in [1, 2] {
            Date::parse_compact(&cells[c]).map_err(|e| format!("{name} line {}: {e}", n + 2))?;
        }
        let key = cells[0].trim().to_string();
        rows.entry(key).or_default().push(cells);
    }
    let from = columns.iter().position(|c| c == "effective_from").unwrap();
    for list in rows.values_mut() {
        list.sort_by(|a, b| a[from].cmp(&b[from]));
    }
    Ok(IoceTable { columns, rows })
}

impl IoceTable {
    fn value<'r>(&self, row: &'r [String], column: &str) -> &'r str {
        self.columns.iter().position(|c| c == column).and_then(|i| row.get(i)).map_or("", |s| s.as_str())
    }

    fn date(&self, row: &[String], column: &str) -> Option<Date> {
        Date::parse_compact(self.value(row, column)).ok()
    }

    fn first_date(&self) -> Option<Date> {
        self.rows.values().flatten().filter_map(|r| self.date(r, "effective_from")).min()
    }

    /// The rows of a code merged into windows; the placeholder end date means "no end".
    fn windows(&self, key: &str) -> Vec<Span> {
        let mut out: Vec<Span> = Vec::new();
        for row in self.rows.get(key).into_iter().flatten() {
            let (Some(from), Some(to)) = (self.date(row, "effective_from"), self.date(row, "effective_to")) else {
                continue;
            };
            let to = (to < IOCE_OPEN_END).then_some(to);
            match out.last_mut() {
                Some(last) if last.to.is_none_or(|t| from <= next_day(t)) => {
                    last.to = match (last.to, to) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        _ => None,
                    };
                }
                _ => out.push(Span { from, to }),
            }
        }
        out
    }

    /// Age, sex and date edits from the newest row of a code.
    fn edits(&self, rows: &[Vec<String>]) -> IoceEdits {
        let Some(row) = rows.last() else { return IoceEdits::default() };
        // Empty cells are zeros: "" to "" is "under 1 year" (99381, 54160), "" to 124 is no limit.
        let lo: u8 = self.value(row, "lo_age").trim().parse().unwrap_or(0);
        let hi: u8 = self.value(row, "hi_age").trim().parse().unwrap_or(0);
        let sex = match self.value(row, "sex").trim() {
            "M" | "1" => Some(Sex::Male),
            "F" | "2" => Some(Sex::Female),
            _ => None,
        };
        let date_edit = self.value(row, "mid_quarter_date_edit").trim().parse::<u16>().ok().map(|edit| DateEdit {
            edit,
            approved: self.date(row, "date_approved"),
            ends: self.date(row, "date_terminated").filter(|d| *d < FAR_FUTURE),
        });
        IoceEdits { age: (lo > 0 || hi < 124).then_some((lo, hi)), sex, date_edit }
    }
}

fn next_day(d: Date) -> Date {
    let (y, m, day) = (d.year(), d.month(), d.day());
    if let Ok(next) = Date::parse_iso(&format!("{y:04}-{m:02}-{:02}", day + 1)) {
        next
    } else if m < 12 {
        Date(y * 10000 + (m + 1) * 100 + 1)
    } else {
        Date((y + 1) * 10000 + 101)
    }
}

/// Our CPT range table: `first<TAB>last<TAB>section|subsection<TAB>label`, `#` comments.
/// Every subsection lies inside the section above it.
pub fn parse_cpt_ranges(tsv: &str) -> Result<Vec<CptRange>, String> {
    let mut out: Vec<CptRange> = Vec::new();
    let mut section: Option<usize> = None;
    for (n, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |msg: String| format!("cpt_ranges.tsv line {}: {msg}", n + 1);
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let [first, last, level, label] = cols[..] else {
            return Err(at("expected first, last, level, label".into()));
        };
        if !is_cpt_shape(first) || !is_cpt_shape(last) || !same_shape(first, last) || first > last {
            return Err(at(format!("{first}-{last} is not a range of CPT numbers of one shape")));
        }
        if label.is_empty() {
            return Err(at("empty label".into()));
        }
        let level = match level {
            "section" => RangeLevel::Section,
            "subsection" => RangeLevel::Subsection,
            other => return Err(at(format!("level {other:?} is not section or subsection"))),
        };
        let range = CptRange { first: first.into(), last: last.into(), level, label: label.into() };
        match level {
            RangeLevel::Section => section = Some(out.len()),
            RangeLevel::Subsection => {
                let s = section.map(|i| &out[i]).ok_or_else(|| at("subsection before any section".into()))?;
                if !(s.contains(first) && s.contains(last)) {
                    return Err(at(format!("{first}-{last} is not inside section {}-{}", s.first, s.last)));
                }
            }
        }
        out.push(range);
    }
    Ok(out)
}

/// Our CPT modifier table: `modifier<TAB>label`, `#` comments. Sorted by modifier.
pub fn parse_cpt_modifiers(tsv: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((code, label)) = line.split_once('\t') else {
            return Err(format!("cpt_modifiers.tsv line {}: expected modifier, label", n + 1));
        };
        let (code, label) = (code.trim(), label.trim());
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) || label.is_empty() {
            return Err(format!(
                "cpt_modifiers.tsv line {}: {code:?} is not a 2-character modifier with a label",
                n + 1
            ));
        }
        out.push((code.to_string(), label.to_string()));
    }
    out.sort();
    if let Some(w) = out.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(format!("cpt_modifiers.tsv: {} appears twice", w[0].0));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(code: &str, id: char, seq: u32, desc: &str, rest: &str) -> String {
        let mut line = format!("{code:<5}{seq:05}{id}{desc:<80}{rest}");
        while line.len() < 320 {
            line.push(' ');
        }
        line
    }

    #[test]
    fn joins_continuation_records() {
        let mut first = record("L3900", '3', 100, "Wrist hand finger orthosis, reciprocal wrist extension/", "");
        first.replace_range(268..276, "20000101");
        let text = [
            first,
            record("L3900", '4', 200, "flexion, finger flexion/extension", ""),
            record("   AD", '7', 100, "Medical supervision: more than four -", ""),
            record("   AD", '8', 200, "procedures", ""),
        ]
        .join("\r\n");
        let file = parse_hcpcs_file(&text).unwrap();
        assert_eq!(
            file.codes[0].long_description,
            "Wrist hand finger orthosis, reciprocal wrist extension/flexion, finger flexion/extension"
        );
        assert_eq!(file.codes[0].added, Some(Date(20000101)));
        assert_eq!(file.modifiers[0].code, "AD");
        assert_eq!(file.modifiers[0].long_description, "Medical supervision: more than four - procedures");
    }

    #[test]
    fn a_continuation_must_follow_its_code() {
        let text = [record("A0001", '3', 100, "One", ""), record("A0002", '4', 200, "two", "")].join("\n");
        assert!(parse_hcpcs_file(&text).unwrap_err().contains("line 2"));
    }

    #[test]
    fn notes_fold_lines_and_tabs() {
        let text = "  PROCESSING NOTES\n          0002--THESE CODES PERTAIN TO     *\n                THE ANALYTE.   *\n\t  0133--SEE ONLINE\tMANUAL.\t\t   *\n";
        let notes = parse_proc_notes(text).unwrap();
        assert_eq!(notes[0], ProcNote { number: "0002".into(), text: "THESE CODES PERTAIN TO THE ANALYTE.".into() });
        assert_eq!(notes[1].text, "SEE ONLINE MANUAL.");
    }

    #[test]
    fn ioce_rows_merge_and_the_placeholder_end_is_open() {
        let tsv = "key\teffective_from\teffective_to\tlo_age\thi_age\nJ1885\t20190701\t20241231\t\t124\nJ1885\t20250101\t20360331\t\t124\nX0001\t20190701\t20191231\t5\t11\nX0002\t20190701\t20191231\t\t\n";
        let t = parse_ioce_table(tsv, "t").unwrap();
        assert_eq!(t.windows("J1885"), vec![Span { from: Date(20190701), to: None }]);
        assert_eq!(t.windows("X0001"), vec![Span { from: Date(20190701), to: Some(Date(20191231)) }]);
        assert_eq!(t.edits(&t.rows["X0001"]).age, Some((5, 11)));
        assert_eq!(t.edits(&t.rows["J1885"]).age, None);
        assert_eq!(t.edits(&t.rows["X0002"]).age, Some((0, 0)));
    }

    #[test]
    fn hcpcs_dates_extend_the_ioce_windows() {
        let first = Date(20190701);
        let open = vec![Span { from: first, to: None }];
        assert_eq!(combine(open.clone(), Some(Date(19930101)), None, first)[0].from, Date(19930101));
        assert_eq!(
            combine(Vec::new(), Some(Date(20000101)), Some(Date(20141231)), first),
            vec![Span { from: Date(20000101), to: Some(Date(20141231)) }]
        );
        let later = vec![Span { from: Date(20200101), to: None }];
        assert_eq!(combine(later.clone(), Some(Date(19930101)), None, first), later);
    }

    #[test]
    fn range_table_is_checked() {
        assert!(parse_cpt_ranges("99202\t99215\tsection\tE/M").is_ok());
        assert!(parse_cpt_ranges("99215\t99202\tsection\tE/M").is_err());
        assert!(parse_cpt_ranges("0001F\t9999T\tsection\tmixed").is_err());
        assert!(parse_cpt_ranges("99202\t99499\tsection\tE/M\n10004\t10021\tsubsection\tout")
            .unwrap_err()
            .contains("line 2"));
    }
}
