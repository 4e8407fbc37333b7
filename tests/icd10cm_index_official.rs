//! The ICD-10-CM index tables (FY2023 Table of Neoplasms, Table of Drugs and Chemicals, External
//! Cause of Injuries Index) measured over the whole compiled set, and the loader of the user's
//! own Alphabetic Index tested with our fixture and with hostile files.

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use common::{icd10cm, read_gz, repo};
use medcode::codes::Date;
use medcode::compile::cm_index::{compile_cm_index_bytes, CmIndexSources};
use medcode::store::cm_index::{
    check_code, parse_alphabetic_index, CodeStatus, Icd10cmIndex, IndexLoadError, IndexTable, Resolution, STATUS_DATE,
};

fn index() -> &'static Icd10cmIndex {
    static SET: OnceLock<Icd10cmIndex> = OnceLock::new();
    SET.get_or_init(|| {
        let bytes = std::fs::read(repo("codesets/compiled/icd10cm_index.bin")).expect("codesets/compiled/icd10cm_index.bin (run `cargo xtask codesets`)");
        Icd10cmIndex::from_bytes(&bytes).expect("committed index loads")
    })
}

const TABLES: [IndexTable; 3] = [IndexTable::Neoplasm, IndexTable::Drug, IndexTable::External];

#[test]
fn committed_cm_index_is_current() {
    let (neoplasm, drug, eindex) = (
        read_gz("codesets/source/icd10cm_neoplasm_2023.xml.gz"),
        read_gz("codesets/source/icd10cm_drug_2023.xml.gz"),
        read_gz("codesets/source/icd10cm_eindex_2023.xml.gz"),
    );
    let fresh = compile_cm_index_bytes(
        &CmIndexSources { neoplasm_xml: neoplasm.as_bytes(), drug_xml: drug.as_bytes(), eindex_xml: eindex.as_bytes() },
        icd10cm(),
    )
    .unwrap();
    let committed = std::fs::read(repo("codesets/compiled/icd10cm_index.bin")).unwrap();
    assert!(
        fresh == committed,
        "codesets/compiled/icd10cm_index.bin is stale (compiled from current sources: {} bytes, committed: {} bytes); run `cargo xtask codesets` and commit the result",
        fresh.len(),
        committed.len()
    );
}

#[test]
fn every_main_term_and_subterm_is_reachable() {
    let view = index().view(None);
    for table in TABLES {
        let file = view.file(table).unwrap();
        let mains = view.main_terms("", Some(table), usize::MAX);
        assert_eq!(mains.len(), file.main_terms().len(), "{table:?}");
        let mut seen = BTreeSet::new();
        for m in &mains {
            let by_title = view.term(table, &m.title).unwrap_or_else(|| panic!("{table:?}: main term {:?} not found by its title", m.title));
            assert_eq!(by_title.lines[0].title, m.title, "{table:?}");
            let tree = view.term_at(table, m.id).unwrap();
            for line in &tree.lines {
                assert!(seen.insert(line.id), "{table:?}: term {} reached twice", line.id);
            }
        }
        assert_eq!(seen.len(), file.terms.len(), "{table:?}: terms not reached by browsing");
        // Every term opens on its own, with the terms above it.
        for id in 0..file.terms.len() as u32 {
            let tree = view.term_at(table, id).unwrap();
            assert_eq!(tree.lines[0].id, id);
            assert_eq!(tree.above.len(), file.terms[id as usize].level as usize);
        }
        println!("{}: {} main terms, {} terms in all, reachable", table.label(), mains.len(), seen.len());
    }
}

#[test]
fn the_tables_have_their_six_columns() {
    let view = index().view(None);
    let heads = |t| view.neoplasm("", 1).columns.iter().chain(view.drug("", 1).columns.iter()).filter(|c| c.key.starts_with(t)).count();
    assert_eq!(heads("malignant") + heads("ca_in_situ") + heads("benign") + heads("uncertain") + heads("unspecified"), 6);
    assert_eq!(heads("poisoning") + heads("adverse") + heads("underdosing"), 6);
    let neo = view.neoplasm("breast upper outer", 10);
    let row = neo.rows.iter().find(|r| r.title == "upper-outer quadrant").expect("breast > upper-outer quadrant");
    assert_eq!(row.path, vec!["Neoplasm, neoplastic", "breast", "upper-outer quadrant"]);
    let codes: Vec<Option<&str>> = row.cells.iter().map(|c| c.printed.as_deref()).collect();
    assert_eq!(codes, vec![Some("C50.4-"), Some("C79.81"), Some("D05.-"), Some("D24.-"), Some("D48.6-"), Some("D49.3")]);
    let drug = view.drug("acetaminophen", 5);
    let row = &drug.rows[0];
    assert_eq!(row.title, "Acetaminophen");
    let keys: Vec<(&str, Option<&str>)> = row.cells.iter().map(|c| (c.key, c.printed.as_deref())).collect();
    assert_eq!(
        keys,
        vec![
            ("poisoning_accidental", Some("T39.1X1")),
            ("poisoning_intentional_self_harm", Some("T39.1X2")),
            ("poisoning_assault", Some("T39.1X3")),
            ("poisoning_undetermined", Some("T39.1X4")),
            ("adverse_effect", Some("T39.1X5")),
            ("underdosing", Some("T39.1X6")),
        ]
    );
}

/// What the report counts, measured when the index was compiled against the April 2026 tabular.
/// A change in the sources (a new tabular or index) changes them: check the report and update.
const EXPECTED: [(IndexTable, usize, [usize; 5]); 3] = [
    // table, code cells, [valid, 7th character, more characters, revised (header), deleted]
    (IndexTable::Neoplasm, 9_018, [7_988, 0, 909, 121, 0]),
    (IndexTable::Drug, 40_000, [0, 40_000, 0, 0, 0]),
    (IndexTable::External, 6_602, [1_116, 5_227, 259, 0, 0]),
];

#[test]
fn code_cells_by_status_on_2026_04_01() {
    let report = index().view(None).report();
    assert_eq!(report.date, "2026-04-01");
    for (t, (table, cells, by)) in report.tables.iter().zip(EXPECTED) {
        assert_eq!(t.table, table);
        let n = |k: &str| t.by_status.get(k).copied().unwrap_or(0);
        let got = [n("valid"), n("seventh_character"), n("more_characters"), n("revised"), n("deleted")];
        println!(
            "{}: {} code cells ({} distinct): valid {}, with a 7th character {}, more characters {}, revised (now a header) {}, deleted {}",
            t.label, t.code_cells, t.distinct_codes, got[0], got[1], got[2], got[3], got[4]
        );
        assert_eq!(got.iter().sum::<usize>(), t.code_cells, "{table:?}: a status outside the five");
        assert_eq!((t.code_cells, got), (cells, by), "{table:?}");
    }
}

#[test]
fn stored_statuses_agree_with_the_tabular_lookup() {
    let set = icd10cm();
    let idx = index();
    let date = STATUS_DATE;
    for (printed, check) in &idx.statuses {
        assert_eq!(&check_code(set, printed, date), check, "{printed}: stored status is stale");
        let base = printed.trim_end_matches('-').trim_end_matches('.');
        let view = set.lookup(base, date);
        match check.status {
            CodeStatus::Valid => {
                let v = view.unwrap();
                assert!(v.valid_on_date && v.reportable, "{printed}: valid but lookup says {:?}", v.status);
            }
            CodeStatus::SeventhCharacter => {
                let v = view.unwrap();
                assert!(!v.reportable && v.seventh_characters.is_some(), "{printed}");
                let stem = check.stem.as_deref().unwrap();
                let c = check.sevenths.as_deref().unwrap().chars().next().unwrap();
                assert!(set.lookup(&format!("{stem}{c}"), date).unwrap().valid_on_date, "{printed}: {stem}{c}");
            }
            CodeStatus::MoreCharacters => {
                let v = view.unwrap();
                assert!(!v.reportable && !v.children.is_empty(), "{printed}");
                if !printed.ends_with('-') {
                    assert!(set.validity_of(base).is_none(), "{printed}: printed without a dash, and a code once: revised");
                }
            }
            CodeStatus::Revised => {
                let v = view.unwrap();
                assert!(!printed.ends_with('-') && !v.reportable && !v.children.is_empty(), "{printed}: {:?}", v.status);
                assert_eq!(check.tabular.as_deref(), Some(v.code.as_str()));
            }
            CodeStatus::Deleted => assert!(view.map_or(true, |v| !v.in_tabular && !v.valid_on_date), "{printed}"),
            other => panic!("{printed}: {other:?} on the status date"),
        }
    }
    assert!(idx.statuses.len() > 4_000, "{}", idx.statuses.len());
}

#[test]
fn statuses_for_another_date_are_checked_live() {
    // Connective tissue, Uncertain Behavior: D48.1, a code until 2023-09-30, a header since.
    let set = icd10cm();
    let view = index().view(None);
    let row = |v: medcode::store::cm_index::IndexView| v.neoplasm("connective tissue", 50).rows.into_iter().find(|r| r.path.len() == 2 && r.title == "connective tissue NEC").unwrap();
    let now = row(view).cells[4].code.clone().unwrap();
    assert_eq!((now.printed.as_str(), now.status, now.date.as_deref()), ("D48.1", CodeStatus::Revised, Some("2026-04-01")));
    assert!(now.text.contains("Revised since this index edition (FY2023) — see D48.1"), "{}", now.text);
    let past = row(view.live(set, Date(20221001))).cells[4].code.clone().unwrap();
    assert_eq!((past.status, past.date.as_deref()), (CodeStatus::Valid, Some("2022-10-01")));
    // C57.1 (broad ligament) was never a code: the index printed a header without its dash.
    let broad = view.neoplasm("broad ligament", 5).rows.into_iter().find(|r| r.title == "broad ligament").unwrap();
    assert_eq!(broad.cells[0].code.as_ref().unwrap().status, CodeStatus::MoreCharacters);
}

#[test]
fn cross_references_resolve_or_are_listed() {
    let report = index().view(None).report();
    for t in &report.tables {
        let resolved: usize = t.xrefs_by_status.iter().filter(|(k, _)| !matches!(k.as_str(), "partial" | "unresolved" | "other_index")).map(|(_, v)| v).sum();
        println!(
            "{}: {} cross-references, {} resolved, {} unresolved in the same file, {} pointing to the Index to Diseases and Injuries",
            t.label,
            t.xrefs,
            resolved,
            t.unresolved.len(),
            t.other_index.len()
        );
        for x in &t.unresolved {
            println!("  unresolved: {} — {} {:?}", x.path.join(" > "), x.kind.label(), x.text);
        }
        assert_eq!(resolved + t.unresolved.len() + t.other_index.len(), t.xrefs);
        // Those left name subterms the FY2023 file does not have (e.g. "Accident, transport,
        // aircraft, occupant, helicopter"); the list is printed above and by `medcode index --report`.
        let budget = match t.table {
            IndexTable::External => 16,
            _ => 0,
        };
        assert!(t.unresolved.len() <= budget, "{}: {} unresolved (budget {budget})", t.label, t.unresolved.len());
    }
}

#[test]
fn table_cells_found_by_search() {
    let idx = index();
    let hit = &idx.search_index("poisoning acetaminophen accidental", 10, None)[0];
    assert_eq!((hit.table, hit.column_key, hit.code.as_ref().unwrap().printed.as_str()), (IndexTable::Drug, Some("poisoning_accidental"), "T39.1X1"));
    assert_eq!(hit.code.as_ref().unwrap().status, CodeStatus::SeventhCharacter);
    assert_eq!(hit.index_path, "Acetaminophen — Poisoning Accidental (unintentional) → T39.1X1");
    let hit = &idx.search_index("neoplasm breast upper outer quadrant secondary", 10, None)[0];
    assert_eq!((hit.table, hit.column_key, hit.code.as_ref().unwrap().printed.as_str()), (IndexTable::Neoplasm, Some("malignant_secondary"), "C79.81"));
    assert_eq!(hit.path, vec!["Neoplasm, neoplastic", "breast", "upper-outer quadrant"]);
}

#[test]
fn index_derived_queries_find_the_code_in_the_top_10() {
    let idx = index();
    let text = std::fs::read_to_string(repo("tests/search/index_queries.tsv")).unwrap();
    let (mut n, mut top1, mut top10) = (0usize, 0usize, 0usize);
    let mut per_table: std::collections::BTreeMap<String, (usize, usize, usize)> = Default::default();
    let mut misses = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (query, code, table) = (cols[0], cols[1], cols[2]);
        n += 1;
        let hits = idx.search_index(query, 10, None);
        let at = hits.iter().position(|h| h.code.as_ref().is_some_and(|c| c.printed == code));
        let e = per_table.entry(table.to_string()).or_default();
        e.0 += 1;
        match at {
            Some(0) => {
                top1 += 1;
                top10 += 1;
                e.1 += 1;
                e.2 += 1;
            }
            Some(_) => {
                top10 += 1;
                e.2 += 1;
            }
            None => misses.push(format!("  {query:<60} want {code:<9} got {:?}", hits.iter().take(3).map(|h| h.index_path.as_str()).collect::<Vec<_>>())),
        }
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b as f64;
    println!("index queries: {n}, top-1 {:.1}%, top-10 {:.1}%", pct(top1, n), pct(top10, n));
    for (t, (q, a, b)) in &per_table {
        println!("  {t}: {q} queries, top-1 {:.1}%, top-10 {:.1}%", pct(*a, *q), pct(*b, *q));
    }
    println!("{}", misses.join("\n"));
    assert!(n >= 150, "only {n} queries");
    assert!(top10 * 100 >= 95 * n, "top-10 {:.1}% < 95%", pct(top10, n));
}

// ---------------------------------------------------------------------------------------------
// The Alphabetic Index loader

fn fixture() -> Vec<u8> {
    std::fs::read(repo("tests/fixtures/alphabetic_index_sample.xml")).unwrap()
}

#[test]
fn the_fixture_loads_with_edition_and_counts() {
    let a = parse_alphabetic_index(&fixture()).unwrap();
    assert_eq!(a.edition, "ICD-10-CM Index to Diseases and Injuries (MedCode Trainer sample) (2026)");
    let c = &a.counts;
    assert_eq!((c.letters, c.main_terms, c.subterms, c.max_level), (10, 17, 18, 4));
    assert_eq!((c.codes, c.dash_codes, c.manifestations, c.see, c.see_also, c.see_category), (20, 4, 1, 3, 5, 1));
    assert_eq!(c.code_cells, 0);
}

#[test]
fn the_fixture_reads_nemod_manif_subcat_dash_and_script_text() {
    let mut a = parse_alphabetic_index(&fixture()).unwrap();
    a.assess(icd10cm());
    let idx = index();
    let view = idx.view(Some(&a));
    let tree = view.term(IndexTable::Alphabetic, "Hypertension, hypertensive").unwrap();
    let main = &tree.lines[0];
    assert_eq!(main.title, "Hypertension, hypertensive");
    assert_eq!(main.nemod.as_deref(), Some("(accelerated) (benign) (essential) (idiopathic) (malignant) (systemic)"));
    assert_eq!(main.printed, "Hypertension, hypertensive (accelerated) (benign) (essential) (idiopathic) (malignant) (systemic)");
    assert_eq!(tree.lines.iter().map(|l| l.level).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    // manif: the bracketed manifestation after the etiology code.
    let amyloid = &view.term(IndexTable::Alphabetic, "Cardiomyopathy").unwrap().lines[1];
    assert_eq!((amyloid.codes[0].printed.as_str(), amyloid.manif[0].printed.as_str()), ("E85.4", "I43"));
    assert_eq!(amyloid.manif[0].code.as_ref().unwrap().status, CodeStatus::Valid);
    // subcat: a subcategory, printed with its dash.
    let lightning = &view.term(IndexTable::Alphabetic, "Effect, adverse").unwrap().lines[1];
    assert_eq!((lightning.codes[0].printed.as_str(), lightning.codes[0].dash, lightning.codes[0].status), ("T75.0-", true, CodeStatus::MoreCharacters));
    // The "-" suffix on a header and on a leaf that takes a 7th character.
    let femur = &view.term(IndexTable::Alphabetic, "Fracture, traumatic").unwrap().lines[1];
    assert_eq!(femur.codes[0].status, CodeStatus::MoreCharacters);
    assert!(femur.codes[0].text.contains("more characters are needed"), "{}", femur.codes[0].text);
    let concussion = &view.term(IndexTable::Alphabetic, "Concussion").unwrap().lines[0].codes[0];
    assert_eq!((concussion.status, concussion.stem.as_deref(), concussion.sevenths.as_deref()), (CodeStatus::SeventhCharacter, Some("S06.0X9"), Some("ADS")));
    // Revised and deleted since the index edition.
    let ecoli = &view.term(IndexTable::Alphabetic, "Enterocolitis").unwrap().lines[1].codes[0];
    assert_eq!(ecoli.status, CodeStatus::Revised);
    assert!(ecoli.text.contains("Revised since this index edition (FY2026) — see A04.7"), "{}", ecoli.text);
    let central = &view.term(IndexTable::Alphabetic, "Vertigo").unwrap().lines[1].codes[0];
    assert_eq!((central.status, central.tabular.as_deref()), (CodeStatus::Deleted, Some("H81.4")));
    // Script-looking text is only text.
    let odd = view.main_terms("<script>", Some(IndexTable::Alphabetic), 5);
    assert_eq!(odd[0].title, "<script>alert(\"sample\")</script> Sample title with markup");
}

#[test]
fn the_fixture_follows_see_and_see_also_chains() {
    let a = parse_alphabetic_index(&fixture()).unwrap();
    let idx = index();
    let view = idx.view(Some(&a));
    // Attack, cerebral -> see Apoplexia -> see Stroke (I63.9)
    let attack = view.term(IndexTable::Alphabetic, "Attack, attacks").unwrap();
    let chain = view.see_chain(IndexTable::Alphabetic, attack.lines[1].id);
    let paths: Vec<String> = chain.steps.iter().map(|s| s.path.join(" > ")).collect();
    assert_eq!(paths, vec!["Attack, attacks > cerebral", "Apoplexia, apoplexy, apoplectic", "Stroke"]);
    assert_eq!(chain.ended, "no_see");
    // see also within the file, to a subterm path.
    let dm = view.term(IndexTable::Alphabetic, "Diabetes").unwrap();
    let specified = dm.lines.iter().find(|l| l.title == "specified").unwrap();
    match &specified.xrefs[0].resolution {
        Resolution::Resolved { table, path, .. } => {
            assert_eq!((*table, path.join(" > ").as_str()), (IndexTable::Alphabetic, "Diabetes, diabetic > type 2 > with > chronic kidney disease"))
        }
        other => panic!("{other:?}"),
    }
    // see also to the Table of Neoplasms; see condition; see category; to the Table of Drugs;
    // a target that exists nowhere.
    let res = |main: &str, line: usize| view.term(IndexTable::Alphabetic, main).unwrap().lines[line].xrefs[0].resolution.clone();
    assert!(matches!(res("Carcinoma", 0), Resolution::Resolved { table: IndexTable::Neoplasm, ref instruction, .. } if instruction.as_deref() == Some("by site, malignant")));
    assert_eq!(res("Abdomen", 0), Resolution::Condition);
    assert_eq!(res("Strangulation", 0), Resolution::Tabular { codes: vec!["T71".into()] });
    assert_eq!(res("Effect, adverse", 2), Resolution::Table { table: IndexTable::Drug });
    assert_eq!(res("Zymotic", 0), Resolution::Unresolved);
    // Search finds the loaded terms with their codes.
    let hits = idx.search_index("hypertensive heart failure", 5, Some(&a));
    assert_eq!(hits[0].code.as_ref().unwrap().printed, "I11.0", "{:?}", hits.iter().map(|h| &h.index_path).collect::<Vec<_>>());
    assert_eq!(hits[0].table, IndexTable::Alphabetic);
}

#[test]
fn hostile_index_files_give_clear_errors() {
    let err = |bytes: &[u8]| parse_alphabetic_index(bytes).unwrap_err();
    // Not XML at all: a PNG header, plain text, bytes that are not UTF-8, an empty file.
    assert!(matches!(err(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), IndexLoadError::NotXml(_)));
    assert!(matches!(err(b"Abdomen, abdominal R10.9\n"), IndexLoadError::NotXml(_)));
    assert!(matches!(err(b""), IndexLoadError::NotXml(_)));
    assert!(matches!(err(b"<ICD10CM.index><letter><mainTerm><title>x</title></letter></ICD10CM.index>"), IndexLoadError::NotXml(_)));
    // Well-formed, but the tabular list, or an HTML page.
    assert_eq!(err(b"<?xml version=\"1.0\"?><ICD10CM.tabular><version>2026</version></ICD10CM.tabular>"), IndexLoadError::WrongRoot { found: "ICD10CM.tabular".into() });
    assert_eq!(err(b"<html><body><script>alert(1)</script></body></html>"), IndexLoadError::WrongRoot { found: "html".into() });
    // The right root without terms; a table given as the Alphabetic Index.
    assert_eq!(err(b"<ICD10CM.index><version>2026</version></ICD10CM.index>"), IndexLoadError::NoTerms);
    let drug = read_gz("codesets/source/icd10cm_drug_2023.xml.gz");
    assert_eq!(err(drug.as_bytes()), IndexLoadError::WrongIndex { found: "Table of Drugs and Chemicals".into() });
    // Too large: over 64 MB (200 MB is refused before any parsing).
    let big = vec![b' '; 200 * 1024 * 1024];
    assert!(matches!(err(&big), IndexLoadError::TooLarge { size, .. } if size == 200 * 1024 * 1024));
    // Deeply nested: 100 000 levels of <term>, and one level past the limit.
    let deep = format!("<ICD10CM.index><letter><mainTerm><title>x</title>{}{}</mainTerm></letter></ICD10CM.index>", "<term level=\"1\">".repeat(100_000), "</term>".repeat(100_000));
    assert!(matches!(err(deep.as_bytes()), IndexLoadError::TooDeep { .. }));
    // Entity expansion is never done.
    let laughs = "<!DOCTYPE ICD10CM.index [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><ICD10CM.index><letter><mainTerm><title>&b;</title></mainTerm></letter></ICD10CM.index>";
    assert!(matches!(err(laughs.as_bytes()), IndexLoadError::NotXml(ref m) if m.contains("unknown entity")));
    // Every message is a sentence for the student.
    for e in [err(b""), err(&big), err(deep.as_bytes()), err(b"<html/>")] {
        let m = e.to_string();
        assert!(m.starts_with("this ") && !m.contains("Error"), "{m}");
    }
}

#[test]
fn script_text_in_titles_stays_text() {
    let xml = r#"<ICD10CM.index><title>&lt;img src=x onerror=alert(1)&gt;</title><letter><title>S</title>
        <mainTerm><title>Evil<script>alert(1)</script><nemod>(&lt;b&gt;bold&lt;/b&gt;)</nemod></title><code>R69</code></mainTerm>
        </letter></ICD10CM.index>"#;
    let a = parse_alphabetic_index(xml.as_bytes()).unwrap();
    assert_eq!(a.edition, "<img src=x onerror=alert(1)>");
    let t = &a.file.terms[0];
    assert_eq!((t.title.as_str(), t.nemod[0].text.as_str()), ("Evil alert(1)", "(<b>bold</b>)"));
}

// ---------------------------------------------------------------------------------------------
// The command line

fn medcode(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_medcode")).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn cli_index_prints_a_subtree_as_json() {
    let (code, out, err) = medcode(&["index", "Accident", "--table", "external"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["table"], "external");
    assert_eq!(v["lines"][0]["title"], "Accident");
    // Without --table: every table holding the main term.
    let (code, out, _) = medcode(&["index", "acetaminophen"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["table"], "drug");
    assert_eq!(v[0]["lines"][0]["cells"][0]["printed"], "T39.1X1");
    // A date other than 2026-04-01 is checked live against icd10cm.bin.
    let (_, out, _) = medcode(&["index", "Neoplasm, neoplastic", "--table", "neoplasm", "--date", "2022-10-01"]);
    assert!(out.contains("\"date\": \"2022-10-01\""));
    let (code, _, err) = medcode(&["index", "No such term at all", "--table", "drug"]);
    assert_eq!(code, 1, "{err}");
    let (code, _, err) = medcode(&["index", "Abdomen", "--table", "alphabetic"]);
    assert_eq!(code, 2);
    assert!(err.contains("--file"), "{err}");
    let fixture = repo("tests/fixtures/alphabetic_index_sample.xml");
    let (code, out, err) = medcode(&["index", "Cardiomyopathy", "--table", "alphabetic", "--file", fixture.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"printed\": \"I43\""));
}

#[test]
fn cli_index_search_and_report() {
    let (code, out, _) = medcode(&["index", "--search", "poisoning acetaminophen accidental", "--limit", "3"]);
    assert_eq!(code, 0);
    let hits: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(hits[0]["code"]["printed"], "T39.1X1");
    let (code, out, _) = medcode(&["index", "--report"]);
    assert_eq!(code, 0);
    assert!(out.contains("Table of Drugs and Chemicals (Drug): 5175 main terms, 2248 subterms"), "{out}");
    assert!(out.contains("valid with a 7th character:    40000"), "{out}");
    assert!(out.contains("unresolved: 0"), "{out}");
}

#[test]
fn cli_index_load_checks_a_file() {
    let fixture = repo("tests/fixtures/alphabetic_index_sample.xml");
    let (code, out, err) = medcode(&["index-load", fixture.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["counts"]["main_terms"], 17);
    assert!(v["edition"].as_str().unwrap().contains("sample"));
    // Not an index: exit 1 with a message; an unreadable path: exit 2.
    let tabular = repo("codesets/PROVENANCE.md");
    let (code, _, err) = medcode(&["index-load", tabular.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("not an XML index file"), "{err}");
    let (code, _, _) = medcode(&["index-load", "/nonexistent/index.xml"]);
    assert_eq!(code, 2);
}
