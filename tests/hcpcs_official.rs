//! The compiled HCPCS set (Level II, modifiers, CPT numbers) measured against the official
//! files, over the whole set.

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use common::{read_gz, repo};
use medcode::codes::Date;
use medcode::compile::hcpcs::{compile_hcpcs_bytes, HcpcsSources};
use medcode::store::hcpcs::labels;
use medcode::store::hcpcs::model::ModifierKind;
use medcode::store::hcpcs::{CodeSystem, Hcpcs, HcpcsStatus};

struct Texts {
    hcpcs_file: String,
    proc_notes: String,
    ioce_attributes: String,
    ioce_modifiers: String,
    cpt_ranges: String,
    cpt_modifiers: String,
}

fn texts() -> &'static Texts {
    static T: OnceLock<Texts> = OnceLock::new();
    T.get_or_init(|| Texts {
        hcpcs_file: read_gz("codesets/source/HCPC2026_JAN_ANWEB_01122026.txt.gz"),
        proc_notes: read_gz("codesets/source/proc_notes_JAN2026.txt.gz"),
        ioce_attributes: read_gz("codesets/source/ioce_hcpcs_attributes.tsv.gz"),
        ioce_modifiers: std::fs::read_to_string(repo("codesets/source/ioce_modifier_flags.tsv")).unwrap(),
        cpt_ranges: std::fs::read_to_string(repo("codesets/cpt_ranges.tsv")).unwrap(),
        cpt_modifiers: std::fs::read_to_string(repo("codesets/cpt_modifiers.tsv")).unwrap(),
    })
}

fn sources(t: &Texts) -> HcpcsSources<'_> {
    HcpcsSources {
        hcpcs_file: &t.hcpcs_file,
        proc_notes: &t.proc_notes,
        ioce_attributes_tsv: &t.ioce_attributes,
        ioce_modifier_flags_tsv: &t.ioce_modifiers,
        cpt_ranges_tsv: &t.cpt_ranges,
        cpt_modifiers_tsv: &t.cpt_modifiers,
    }
}

fn committed() -> &'static [u8] {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| {
        std::fs::read(repo("codesets/compiled/hcpcs.bin"))
            .expect("codesets/compiled/hcpcs.bin (run `cargo xtask codesets`)")
    })
}

fn hcpcs() -> &'static Hcpcs {
    static S: OnceLock<Hcpcs> = OnceLock::new();
    S.get_or_init(|| Hcpcs::from_bytes(committed()).expect("committed HCPCS set loads"))
}

/// Codes of the I/OCE attribute file valid on `yyyymmdd`, read straight from the file.
fn ioce_active(yyyymmdd: &str, digit_first: bool) -> BTreeSet<String> {
    texts()
        .ioce_attributes
        .lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let is_cpt = c[0].starts_with(|ch: char| ch.is_ascii_digit());
            (is_cpt == digit_first && c[1] <= yyyymmdd && yyyymmdd <= c[2]).then(|| c[0].to_string())
        })
        .collect()
}

#[test]
fn committed_hcpcs_is_current() {
    let fresh = compile_hcpcs_bytes(&sources(texts())).unwrap();
    let committed = committed();
    assert!(
        fresh == committed,
        "codesets/compiled/hcpcs.bin is stale (compiled from current sources: {} bytes, committed: {} bytes); run `cargo xtask codesets` and commit the result",
        fresh.len(),
        committed.len()
    );
    assert_eq!(compile_hcpcs_bytes(&sources(texts())).unwrap(), fresh, "compilation is deterministic");
}

#[test]
fn every_level2_code_and_modifier_of_the_file_loads() {
    // Our own count of the file: record id (position 11) 3 = a code, 7 = a modifier.
    let (mut codes, mut mods) = (BTreeSet::new(), BTreeSet::new());
    for line in texts().hcpcs_file.lines() {
        match line.get(10..11) {
            Some("3") => codes.insert(line[..5].to_string()),
            Some("7") => mods.insert(line[3..5].to_string()),
            _ => false,
        };
    }
    assert_eq!(codes.len(), 8_623, "Level II codes in the January 2026 file");
    assert_eq!(mods.len(), 383, "modifiers in the January 2026 file");
    let set = hcpcs();
    let in_file: BTreeSet<String> =
        set.data.level2.iter().filter(|c| c.in_hcpcs_file).map(|c| c.code.clone()).collect();
    assert_eq!(in_file, codes);
    let level2_mods: BTreeSet<String> =
        set.data.modifiers.iter().filter(|m| m.kind == ModifierKind::Hcpcs).map(|m| m.code.clone()).collect();
    assert_eq!(level2_mods, mods);
    for code in codes.iter().chain(&mods) {
        let v = set.lookup(code, Date(20260101)).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert!(v.long_description.as_deref().is_some_and(|d| !d.is_empty()), "{code} has no long description");
        assert!(v.added.is_some(), "{code} has no added date");
    }
}

#[test]
fn long_descriptions_spanning_several_records_are_joined() {
    let set = hcpcs();
    let long = |code: &str| set.lookup(code, Date(20260101)).unwrap().long_description.unwrap();
    // Two records; the first ends in a word-final "/" that the next record continues.
    assert_eq!(
        long("L3900"),
        "Wrist hand finger orthosis, dynamic flexor hinge, reciprocal wrist extension/flexion, finger flexion/extension, wrist or finger driven, custom fabricated"
    );
    // A dash standing alone ends the first record: a separate word.
    assert_eq!(
        long("A0427"),
        "Ambulance service, advanced life support, emergency transport, level 1 (als 1 - emergency)"
    );
    // Five records, one of them starting with a stray space.
    assert_eq!(
        long("G0501"),
        "Resource-intensive services for patients for whom the use of specialized mobility-assistive technology (such as adjustable height chairs or tables, patient lift, and adjustable padded leg supports) is medically necessary and used during the provision of an office/outpatient, evaluation and management visit (list separately in addition to primary service)"
    );
    // A modifier over five records (ids 7 and 8).
    assert_eq!(
        long("AB"),
        "Audiology service furnished personally by an audiologist without a physician/npp order for non-acute hearing assessment unrelated to disequilibrium, or hearing aids, or examinations for the purpose of prescribing, fitting, or changing hearing aids; service may be performed once every 12 months, per beneficiary"
    );
    assert_eq!(long("V2107"), "Spherocylinder, single vision, plus or minus 4.25 to plus or minus 7.00 sphere, .12 to 2.00d cylinder, per lens");
}

#[test]
fn codes_valid_on_2026_04_01_equal_the_ioce() {
    let set = hcpcs();
    let date = Date(20260401);
    let cpt: BTreeSet<String> = set.codes_on(CodeSystem::Cpt, date).into_iter().collect();
    let level2: BTreeSet<String> = set.codes_on(CodeSystem::Hcpcs, date).into_iter().collect();
    assert_eq!(cpt.len(), 11_546, "CPT numbers active on 2026-04-01");
    assert_eq!(level2.len(), 8_256, "Level II codes active on 2026-04-01");
    assert_eq!(cpt, ioce_active("20260401", true));
    assert_eq!(level2, ioce_active("20260401", false));
}

#[test]
fn every_fiscal_quarter_since_2019_follows_the_ioce() {
    let set = hcpcs();
    for year in 2019..=2026 {
        for month in [1, 4, 7, 10] {
            let day = format!("{year}{month:02}01");
            if day.as_str() < "20190701" || day.as_str() > "20260401" {
                continue;
            }
            let date = Date::parse_compact(&day).unwrap();
            let cpt: BTreeSet<String> = set.codes_on(CodeSystem::Cpt, date).into_iter().collect();
            assert_eq!(cpt, ioce_active(&day, true), "CPT on {day}");
            let level2: BTreeSet<String> = set.codes_on(CodeSystem::Hcpcs, date).into_iter().collect();
            assert_eq!(level2, ioce_active(&day, false), "Level II on {day}");
        }
    }
}

#[test]
fn no_cpt_or_dental_descriptor_is_shipped() {
    let bytes = committed();
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(!has(b"CPT descriptor omitted"));
    // I/OCE short descriptions of two dental codes (ADA copyright) must not appear.
    assert!(!has(b"Periodic oral evaluation"));
    let set = hcpcs();
    for c in set.data.level2.iter().filter(|c| c.code.starts_with('D')) {
        assert!(c.long_description.is_none() && c.short_description.is_none(), "{} has a dental descriptor", c.code);
    }
    let v = set.lookup("99213", Date(20260401)).unwrap();
    assert!(v.descriptor.is_none() && v.description.is_none() && v.long_description.is_none());
}

#[test]
fn every_coded_field_has_a_label_and_every_note_its_text() {
    let set = hcpcs();
    for c in set.data.level2.iter().filter(|c| c.in_hcpcs_file) {
        let v = set.lookup(&c.code, Date(20260101)).unwrap();
        let labelled = v
            .pricing
            .iter()
            .chain(&v.type_of_service)
            .chain(&v.lab_certification)
            .chain(v.betos.iter())
            .chain(v.coverage.iter())
            .all(|l| l.text.is_some());
        assert!(labelled, "{}: a code without a label in {:?}", c.code, v);
        assert!(v.action.as_ref().is_some_and(|a| a.text.is_some()), "{}", c.code);
        assert!(v.section.is_some(), "{}: no section", c.code);
        assert_eq!(c.processing_note.is_some(), v.notes.len() == 1, "{}", c.code);
    }
    let referenced: BTreeSet<&str> = set.data.level2.iter().filter_map(|c| c.processing_note.as_deref()).collect();
    assert!(referenced.len() > 90, "only {} processing notes referenced", referenced.len());
    for letter in labels::SECTIONS.iter().map(|(l, _)| l.to_string()) {
        assert!(!set.section(&letter).unwrap().codes.is_empty(), "section {letter} is empty");
    }
}

#[test]
fn every_cpt_number_has_one_of_our_section_labels() {
    let set = hcpcs();
    let unlabelled: Vec<&str> =
        set.data.cpt.iter().filter(|c| set.narrowest_range(&c.code).is_none()).map(|c| c.code.as_str()).collect();
    assert!(
        unlabelled.is_empty(),
        "{} CPT numbers outside every range: {:?}",
        unlabelled.len(),
        &unlabelled[..unlabelled.len().min(20)]
    );
    let sections = set.ranges_of("99213");
    assert_eq!(sections.len(), 2);
    assert_eq!(set.narrowest_range("99213").unwrap().label, "E/M: office or other outpatient visit");
}

#[test]
fn cpt_modifiers_match_the_ioce_modifier_list() {
    // Every numeric modifier the I/OCE knows has one of our labels, and every modifier of our
    // table except the performance-measure ones 1P-3P is in the I/OCE list.
    let ioce: BTreeSet<String> = texts()
        .ioce_modifiers
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap().to_string())
        .filter(|k| k.len() == 2 && k.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    let ours: BTreeSet<String> =
        hcpcs().data.modifiers.iter().filter(|m| m.kind == ModifierKind::Cpt).map(|m| m.code.clone()).collect();
    assert!(ioce.is_subset(&ours), "no label for {:?}", ioce.difference(&ours).collect::<Vec<_>>());
    let extra: Vec<&String> = ours.difference(&ioce).collect();
    assert_eq!(extra, ["1P", "2P", "3P"]);
    let set = hcpcs();
    assert_eq!(set.lookup("2P", Date(20260401)).unwrap().status, HcpcsStatus::NoData);
    // The NCCI-associated modifiers of the I/OCE are the ones the NCCI policy manual lists.
    let ncci: Vec<String> = set.modifiers().into_iter().filter(|m| m.ncci_associated).map(|m| m.code).collect();
    for m in [
        "24", "25", "27", "57", "58", "59", "78", "79", "91", "E1", "F9", "FA", "LT", "RT", "TA", "XE", "XP", "XS",
        "XU",
    ] {
        assert!(ncci.iter().any(|c| c == m), "{m} is NCCI-associated");
    }
    assert!(!ncci.iter().any(|c| c == "22" || c == "GT"));
}

#[test]
fn damaged_or_foreign_bytes_are_typed_errors() {
    use medcode::store::LoadError;
    let mut bytes = committed().to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    assert!(matches!(Hcpcs::from_bytes(&bytes), Err(LoadError::ChecksumMismatch { .. })));
    assert!(matches!(Hcpcs::from_bytes(&committed()[..100]), Err(LoadError::Truncated { .. })));
    let icd = std::fs::read(repo("codesets/compiled/icd10cm.bin")).unwrap();
    assert!(matches!(Hcpcs::from_bytes(&icd), Err(LoadError::WrongCodeSet { .. })));
}

#[test]
fn sections_list_every_letter_with_its_codes() {
    let set = hcpcs();
    let sections = set.sections();
    let total: usize = sections.iter().map(|s| s.codes).sum();
    for letter in ['A', 'J', 'L', 'V'] {
        let summary = sections.iter().find(|s| s.letter == letter).unwrap();
        assert_eq!(summary.codes, set.section(&letter.to_string()).unwrap().codes.len(), "{letter}");
    }
    assert!(total >= 8_623, "{total}");
}
