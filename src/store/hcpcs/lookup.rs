//! `lookup(code, date)`: what the HCPCS file, the I/OCE and our own tables say about one HCPCS
//! Level II code, CPT number or modifier, and whether it is valid for the date of service.

use std::fmt;

use serde::Serialize;

use super::labels::{self, label};
use super::model::{CptRange, IoceEdits, Level2Code, Modifier, ModifierKind, RangeLevel, Sex, Span};
use super::{
    is_cpt_shape, is_level2_shape, Hcpcs, CMS_LABEL, CPT_DESCRIPTOR_NOTE, DENTAL_DESCRIPTOR_NOTE, IMPORTED, OUR_LABEL,
};
use crate::codes::Date;

/// Why a lookup (or a section browse) has no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HcpcsLookupError {
    /// Not shaped like a HCPCS code, CPT number or modifier.
    Malformed(String),
    /// Letter + 4 digits, but in neither the HCPCS file nor the I/OCE.
    UnknownLevel2(String),
    /// CPT-shaped, but not a number the I/OCE lists.
    UnknownCpt(String),
    /// Two characters, but no modifier of the HCPCS file or our CPT table.
    UnknownModifier(String),
    /// Not a Level II section letter.
    UnknownSection(String),
}

impl fmt::Display for HcpcsLookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HcpcsLookupError::Malformed(s) => write!(
                f,
                "'{s}' is not a HCPCS or CPT code: expected a letter and 4 digits (J1885), 5 digits (99213), 4 digits and F, T or U (0591T), or a 2-character modifier (25, LT)"
            ),
            HcpcsLookupError::UnknownLevel2(c) => write!(
                f,
                "{c} is not a HCPCS Level II code: it is not in the January 2026 HCPCS file and the I/OCE never listed it (July 2019 to April 2026)"
            ),
            HcpcsLookupError::UnknownCpt(c) => write!(
                f,
                "{c} is not a CPT code number: the I/OCE never listed it (July 2019 to April 2026)"
            ),
            HcpcsLookupError::UnknownModifier(c) => write!(
                f,
                "{c} is not a modifier: it is neither in the January 2026 HCPCS file nor among the CPT modifiers"
            ),
            HcpcsLookupError::UnknownSection(s) => write!(
                f,
                "'{s}' is not a HCPCS Level II section: expected one of the letters {}",
                labels::SECTIONS.iter().map(|(l, _)| l.to_string()).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

impl std::error::Error for HcpcsLookupError {}

/// The one-word answer for the date of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HcpcsStatus {
    Valid,
    NotValidOnDate,
    /// No source dates it (a CPT modifier the I/OCE does not list): validity cannot be decided.
    NoData,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HcpcsView {
    /// "hcpcs" (Level II code or modifier) or "cpt" (CPT number or modifier).
    pub system: &'static str,
    /// "code" or "modifier".
    pub kind: &'static str,
    pub code: String,
    pub status: HcpcsStatus,
    pub date: String,
    pub valid_on_date: bool,
    pub validity: Vec<SpanView>,
    pub validity_text: String,
    /// The text to show as the title: the long description (Level II), the imported descriptor
    /// (CPT, null without one) or the modifier's label.
    pub description: Option<String>,
    pub long_description: Option<String>,
    pub short_description: Option<String>,
    /// CPT only: the descriptor from the user's imported file, else null.
    pub descriptor: Option<String>,
    /// "your imported file" when `descriptor` is set.
    pub descriptor_source: Option<&'static str>,
    /// Why there is no descriptor (CPT without an import, dental codes).
    pub descriptor_note: Option<&'static str>,
    /// Where `description` comes from for modifiers (CMS file or our own label).
    pub label_source: Option<&'static str>,
    /// Level II: the letter section.
    pub section: Option<SectionRef>,
    /// CPT: the narrowest of our ranges that holds the code.
    pub cpt_range: Option<RangeView>,
    /// CPT: every one of our ranges that holds it, sections first.
    pub cpt_ranges: Vec<RangeView>,
    pub coverage: Option<LabelView>,
    pub notes: Vec<NoteView>,
    pub pricing: Vec<LabelView>,
    pub multiple_pricing: Option<String>,
    pub betos: Option<LabelView>,
    pub type_of_service: Vec<LabelView>,
    pub lab_certification: Vec<LabelView>,
    pub cross_references: Vec<String>,
    pub references: Vec<ReferenceView>,
    pub asc_approved: bool,
    pub asc_effective: Option<String>,
    pub added: Option<String>,
    pub action: Option<ActionView>,
    pub terminated: Option<String>,
    pub age: Option<AgeView>,
    pub sex: Option<Sex>,
    pub date_edit: Option<DateEditView>,
    /// Modifiers: NCCI-associated (I/OCE flag); null for codes.
    pub ncci_associated: Option<bool>,
    /// Modifiers: the I/OCE's telehealth flag; null for codes.
    pub telehealth: Option<bool>,
    /// In the January 2026 HCPCS file (false for CPT, and for Level II codes only the I/OCE knows).
    pub in_hcpcs_file: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpanView {
    pub from: String,
    /// null: no end date.
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionRef {
    pub letter: String,
    pub name: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RangeView {
    pub first: String,
    pub last: String,
    pub level: RangeLevel,
    pub label: String,
}

/// A code from a CMS code table with its meaning (null when the table lacks it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelView {
    pub code: String,
    pub text: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteView {
    pub number: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferenceView {
    pub kind: &'static str,
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionView {
    pub code: String,
    pub text: Option<&'static str>,
    pub effective: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgeView {
    pub low: u8,
    pub high: u8,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateEditView {
    pub edit: u16,
    pub text: String,
    pub approved: Option<String>,
    pub ends: Option<String>,
}

/// What a student typed, read as a code.
enum Shape {
    Level2(String),
    Cpt(String),
    Modifier(String),
}

fn shape(input: &str) -> Result<Shape, HcpcsLookupError> {
    let compact: String = input.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
    let code = compact.strip_prefix('-').unwrap_or(&compact).to_string();
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(Shape::Modifier(code));
    }
    if is_level2_shape(&code) {
        return Ok(Shape::Level2(code));
    }
    if is_cpt_shape(&code) {
        return Ok(Shape::Cpt(code));
    }
    Err(HcpcsLookupError::Malformed(input.trim().to_string()))
}

impl Hcpcs {
    /// Looks up a HCPCS Level II code ("j1885"), CPT number ("99213") or modifier ("25", "-LT")
    /// for a date of service.
    pub fn lookup(&self, input: &str, date: Date) -> Result<HcpcsView, HcpcsLookupError> {
        match shape(input)? {
            Shape::Level2(code) => {
                let c = self.level2(&code).ok_or(HcpcsLookupError::UnknownLevel2(code))?;
                Ok(self.level2_view(c, date))
            }
            Shape::Cpt(code) => {
                let c = self.cpt(&code).ok_or(HcpcsLookupError::UnknownCpt(code))?;
                let mut view = self.base_view("cpt", "code", &c.code, &c.windows, date, false);
                let descriptor = self.cpt_descriptor(&c.code).map(str::to_string);
                view.descriptor_source = descriptor.is_some().then_some(IMPORTED);
                view.descriptor_note = descriptor.is_none().then_some(CPT_DESCRIPTOR_NOTE);
                view.description = descriptor.clone();
                view.descriptor = descriptor;
                view.cpt_ranges = self.ranges_of(&c.code).into_iter().map(range_view).collect();
                view.cpt_range = self.narrowest_range(&c.code).map(range_view);
                apply_edits(&mut view, &c.edits);
                Ok(view)
            }
            Shape::Modifier(code) => {
                let m = self.modifier(&code).ok_or(HcpcsLookupError::UnknownModifier(code))?;
                Ok(self.modifier_lookup_view(m, date))
            }
        }
    }

    /// Our CPT ranges holding a code, in table order (each section before its subsections).
    pub fn ranges_of(&self, code: &str) -> Vec<&CptRange> {
        self.data.cpt_ranges.iter().filter(|r| r.contains(code)).collect()
    }

    /// The narrowest of our ranges holding a code: its most specific label.
    pub fn narrowest_range(&self, code: &str) -> Option<&CptRange> {
        let width = |r: &CptRange| number(&r.last) - number(&r.first);
        self.data
            .cpt_ranges
            .iter()
            .filter(|r| r.contains(code))
            .min_by_key(|r| (width(r), r.level == RangeLevel::Section))
    }

    fn base_view(
        &self,
        system: &'static str,
        kind: &'static str,
        code: &str,
        windows: &[Span],
        date: Date,
        dated_before_ioce: bool,
    ) -> HcpcsView {
        let valid_on_date = windows.iter().any(|w| w.contains(date));
        let status = match (windows.is_empty(), valid_on_date) {
            (true, _) => HcpcsStatus::NoData,
            (false, true) => HcpcsStatus::Valid,
            (false, false) => HcpcsStatus::NotValidOnDate,
        };
        HcpcsView {
            system,
            kind,
            code: code.to_string(),
            status,
            date: date.to_string(),
            valid_on_date,
            validity: windows
                .iter()
                .map(|w| SpanView { from: w.from.to_string(), to: w.to.map(|d| d.to_string()) })
                .collect(),
            validity_text: self.validity_text(windows, dated_before_ioce),
            description: None,
            long_description: None,
            short_description: None,
            descriptor: None,
            descriptor_source: None,
            descriptor_note: None,
            label_source: None,
            section: None,
            cpt_range: None,
            cpt_ranges: Vec::new(),
            coverage: None,
            notes: Vec::new(),
            pricing: Vec::new(),
            multiple_pricing: None,
            betos: None,
            type_of_service: Vec::new(),
            lab_certification: Vec::new(),
            cross_references: Vec::new(),
            references: Vec::new(),
            asc_approved: false,
            asc_effective: None,
            added: None,
            action: None,
            terminated: None,
            age: None,
            sex: None,
            date_edit: None,
            ncci_associated: None,
            telehealth: None,
            in_hcpcs_file: false,
        }
    }

    fn validity_text(&self, windows: &[Span], dated_before_ioce: bool) -> String {
        if windows.is_empty() {
            return "No validity dates: neither the HCPCS file nor the I/OCE dates it.".to_string();
        }
        let spans: Vec<String> = windows
            .iter()
            .map(|w| match w.to {
                Some(to) => format!("{} to {}", w.from, to),
                None => format!("{} onward", w.from),
            })
            .collect();
        let mut text = format!("Valid for dates of service {}.", spans.join(" and "));
        if windows[0].from == self.data.ioce_first_date && !dated_before_ioce {
            text.push_str(&format!(" The I/OCE tables begin on {}; it may be older.", self.data.ioce_first_date));
        }
        if windows.last().is_some_and(|w| w.to.is_none()) {
            text.push_str(" No end date as of the newest I/OCE release.");
        }
        text
    }

    fn level2_view(&self, c: &Level2Code, date: Date) -> HcpcsView {
        let dated_before = c.added.is_some_and(|a| a < self.data.ioce_first_date);
        let mut v = self.base_view("hcpcs", "code", &c.code, &c.windows, date, dated_before);
        let letter = c.code.chars().next().unwrap_or('?');
        v.section = labels::section_name(letter).map(|name| SectionRef { letter: letter.to_string(), name });
        v.description = c.long_description.clone().or_else(|| c.short_description.clone());
        v.long_description = c.long_description.clone();
        v.short_description = c.short_description.clone();
        if letter == 'D' && c.long_description.is_none() {
            v.descriptor_note = Some(DENTAL_DESCRIPTOR_NOTE);
        }
        v.in_hcpcs_file = c.in_hcpcs_file;
        v.coverage = c.coverage.as_deref().map(|x| labelled(labels::COVERAGE, x));
        v.notes = self.notes_of(c.processing_note.as_deref());
        v.pricing = c.pricing.iter().map(|x| labelled(labels::PRICING, x)).collect();
        v.multiple_pricing = c.multiple_pricing.clone();
        v.betos = c.betos.as_deref().map(|x| labelled(labels::BETOS, x));
        v.type_of_service = c.type_of_service.iter().map(|x| labelled(labels::TYPE_OF_SERVICE, x)).collect();
        v.lab_certification = c.lab_certification.iter().map(|x| labelled(labels::LAB_CERTIFICATION, x)).collect();
        v.cross_references = c.cross_references.clone();
        v.references = c
            .coverage_manual
            .iter()
            .map(|r| ReferenceView { kind: "Coverage Issues Manual", reference: r.clone() })
            .chain(
                c.carriers_manual
                    .iter()
                    .map(|r| ReferenceView { kind: "Medicare Carriers Manual", reference: r.clone() }),
            )
            .chain(c.statute.iter().map(|r| ReferenceView { kind: "Statute", reference: r.clone() }))
            .collect();
        v.asc_approved = c.asc_effective.is_some();
        v.asc_effective = c.asc_effective.map(|d| d.to_string());
        v.added = c.added.map(|d| d.to_string());
        v.action = c.action.as_deref().map(|a| ActionView {
            code: a.to_string(),
            text: label(labels::ACTION, a),
            effective: c.action_effective.map(|d| d.to_string()),
        });
        v.terminated = c.terminated.map(|d| d.to_string());
        apply_edits(&mut v, &c.edits);
        v
    }

    fn modifier_lookup_view(&self, m: &Modifier, date: Date) -> HcpcsView {
        let dated_before = m.added.is_some_and(|a| a < self.data.ioce_first_date);
        let system = match m.kind {
            ModifierKind::Hcpcs => "hcpcs",
            ModifierKind::Cpt => "cpt",
        };
        let mut v = self.base_view(system, "modifier", &m.code, &m.windows, date, dated_before);
        v.description = Some(m.label.clone());
        v.label_source = Some(match m.kind {
            ModifierKind::Hcpcs => CMS_LABEL,
            ModifierKind::Cpt => OUR_LABEL,
        });
        if m.kind == ModifierKind::Hcpcs {
            v.long_description = Some(m.label.clone());
            v.in_hcpcs_file = true;
        }
        v.short_description = m.short_description.clone();
        v.coverage = m.coverage.as_deref().map(|x| labelled(labels::COVERAGE, x));
        v.notes = self.notes_of(m.processing_note.as_deref());
        v.added = m.added.map(|d| d.to_string());
        v.action = m.action.as_deref().map(|a| ActionView {
            code: a.to_string(),
            text: label(labels::ACTION, a),
            effective: m.action_effective.map(|d| d.to_string()),
        });
        v.terminated = m.terminated.map(|d| d.to_string());
        v.ncci_associated = Some(m.ncci_associated);
        v.telehealth = Some(m.telehealth);
        v
    }

    fn notes_of(&self, number: Option<&str>) -> Vec<NoteView> {
        number
            .and_then(|n| self.data.notes.binary_search_by(|p| p.number.as_str().cmp(n)).ok())
            .map(|i| {
                let note = &self.data.notes[i];
                vec![NoteView { number: note.number.clone(), text: note.text.clone() }]
            })
            .unwrap_or_default()
    }
}

fn labelled(table: &'static [(&'static str, &'static str)], code: &str) -> LabelView {
    LabelView { code: code.to_string(), text: label(table, code) }
}

fn range_view(r: &CptRange) -> RangeView {
    RangeView { first: r.first.clone(), last: r.last.clone(), level: r.level, label: r.label.clone() }
}

/// The digits of a CPT number as a number (the letter of 4-digit + letter codes dropped).
fn number(code: &str) -> u32 {
    code.bytes().filter(u8::is_ascii_digit).fold(0, |n, b| n * 10 + u32::from(b - b'0'))
}

fn apply_edits(v: &mut HcpcsView, edits: &IoceEdits) {
    v.age = edits.age.map(|(low, high)| AgeView {
        low,
        high,
        text: if high >= 124 {
            format!("I/OCE age edit: patients aged {low} or older")
        } else if high == 0 {
            "I/OCE age edit: patients under 1 year old".to_string()
        } else {
            format!("I/OCE age edit: patients aged {low} to {high}")
        },
    });
    v.sex = edits.sex;
    v.date_edit = edits.date_edit.as_ref().map(|d| DateEditView {
        edit: d.edit,
        text: date_edit_text(d.edit),
        approved: d.approved.map(|x| x.to_string()),
        ends: d.ends.map(|x| x.to_string()),
    });
}

/// Our wording of the I/OCE date edits.
fn date_edit_text(edit: u16) -> String {
    match edit {
        67 => "The I/OCE flags services dated before the FDA approval date.".into(),
        68 => "The I/OCE flags services dated before the national coverage determination or demonstration approval."
            .into(),
        69 | 134 => "The I/OCE flags services dated outside the period CMS approved.".into(),
        83 => "The I/OCE flags services dated on or after a national non-coverage determination.".into(),
        110 => "The I/OCE flags services dated before the product's initial marketing date.".into(),
        136 => "The I/OCE flags services dated before the ACIP approval date.".into(),
        n => format!("I/OCE date edit {n}."),
    }
}
