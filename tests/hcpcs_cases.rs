//! Runs the data-driven HCPCS/CPT cases in tests/cases/hcpcs.txt (format described at its top),
//! and the CPT descriptor import tests.

mod common;

use std::sync::OnceLock;

use medcode::codes::Date;
use medcode::store::hcpcs::{CptDescriptor, Hcpcs, HcpcsHit, HcpcsView};

fn hcpcs() -> &'static Hcpcs {
    static S: OnceLock<Hcpcs> = OnceLock::new();
    S.get_or_init(|| {
        let bytes = std::fs::read(common::repo("codesets/compiled/hcpcs.bin"))
            .expect("codesets/compiled/hcpcs.bin (run `cargo xtask codesets`)");
        Hcpcs::from_bytes(&bytes).expect("committed HCPCS set loads")
    })
}

fn words(s: &str) -> String {
    s.replace('_', " ")
}

fn json<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).unwrap().as_str().unwrap_or_default().to_string()
}

fn contains(text: &Option<String>, want: &str) -> bool {
    text.as_deref().is_some_and(|t| t.to_lowercase().contains(&words(want).to_lowercase()))
}

fn check(v: &HcpcsView, expectation: &str) -> Result<(), String> {
    let ok = match expectation.split_once(['=', '~']) {
        None => match expectation {
            "valid" => v.valid_on_date,
            "invalid" => !v.valid_on_date,
            "no-descriptor" => v.descriptor.is_none() && v.descriptor_note.is_some(),
            "in-file" => v.in_hcpcs_file,
            "not-in-file" => !v.in_hcpcs_file,
            "ncci" => v.ncci_associated == Some(true),
            "not-ncci" => v.ncci_associated == Some(false),
            "telehealth" => v.telehealth == Some(true),
            "asc" => v.asc_approved,
            "open-ended" => v.validity.last().is_some_and(|w| w.to.is_none()),
            other => return Err(format!("unknown expectation {other:?}")),
        },
        Some((key, value)) => match key {
            "status" => json(v.status) == value,
            "system" => v.system == value,
            "kind" => v.kind == value,
            "code" => v.code == value,
            "description" => contains(&v.description, value),
            "short" => contains(&v.short_description, value),
            "range" => v.cpt_range.as_ref().is_some_and(|r| r.label.contains(&words(value))),
            "section" => v.section.as_ref().is_some_and(|s| s.letter == value),
            "coverage" => v.coverage.as_ref().is_some_and(|c| c.code == value),
            "betos" => v.betos.as_ref().is_some_and(|c| c.code == value),
            "pricing" => v.pricing.iter().any(|c| c.code == value),
            "tos" => v.type_of_service.iter().any(|c| c.code == value),
            "note" => v.notes.iter().any(|n| n.number == value),
            "note-text" => v.notes.iter().any(|n| n.text.to_lowercase().contains(&words(value).to_lowercase())),
            "xref" => v.cross_references.iter().any(|c| c == value),
            "added" => v.added.as_deref() == Some(value),
            "terminated" => v.terminated.as_deref() == Some(value),
            "from" => v.validity.first().is_some_and(|w| w.from == value),
            "to" => v.validity.last().is_some_and(|w| w.to.as_deref() == Some(value)),
            "action" => v.action.as_ref().is_some_and(|a| a.code == value),
            "age" => v.age.as_ref().is_some_and(|a| format!("{}-{}", a.low, a.high) == value),
            "date-edit" => v.date_edit.as_ref().is_some_and(|d| d.edit.to_string() == value),
            "validity" => v.validity_text.contains(&words(value)),
            "label-source" => v.label_source.is_some_and(|s| s.contains(&words(value))),
            other => return Err(format!("unknown expectation {other:?}")),
        },
    };
    if ok {
        Ok(())
    } else {
        Err(format!("expected {expectation}"))
    }
}

fn check_search(hits: &[HcpcsHit], expectation: &str) -> Result<(), String> {
    let ok = match expectation.split_once(['=', '~']) {
        Some(("top", code)) => hits.first().is_some_and(|h| h.code == code),
        Some(("has", code)) => hits.iter().any(|h| h.code == code),
        Some(("top3", code)) => hits.iter().take(3).any(|h| h.code == code),
        Some(("count", n)) => hits.len().to_string() == n,
        Some(("kind", k)) => hits.first().is_some_and(|h| h.kind == k),
        Some(("text", t)) => hits.first().is_some_and(|h| contains(&h.text, t)),
        Some(("all-start", p)) => !hits.is_empty() && hits.iter().all(|h| h.code.starts_with(p)),
        _ => return Err(format!("unknown search expectation {expectation:?}")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected {expectation}, got {:?}",
            hits.iter().take(5).map(|h| h.code.as_str()).collect::<Vec<_>>()
        ))
    }
}

#[test]
fn hcpcs_cases() {
    let set = hcpcs();
    let text = std::fs::read_to_string(common::repo("tests/cases/hcpcs.txt")).unwrap();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        cases += 1;
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields[0] == "search" {
            let (query, limit, expectations) = (words(fields[1]), fields[2].parse::<usize>().unwrap(), &fields[3..]);
            let hits = set.search(&query, limit);
            for e in expectations {
                if let Err(why) = check_search(&hits, e) {
                    failures.push(format!("line {} `search {query}`: {why}", n + 1));
                }
            }
            continue;
        }
        let (code, date, expectations) = (fields[0], fields[1], &fields[2..]);
        assert!(!expectations.is_empty(), "line {}: no expectation", n + 1);
        let result = Date::parse_iso(date)
            .map_err(|e| e.to_string())
            .and_then(|d| set.lookup(code, d).map_err(|e| e.to_string()));
        for e in expectations {
            let outcome = match (&result, e.strip_prefix("error~")) {
                (Err(msg), Some(want)) if msg.contains(&words(want)) => Ok(()),
                (Err(msg), _) => Err(format!("lookup failed: {msg}")),
                (Ok(_), Some(_)) => Err("expected an error".to_string()),
                (Ok(view), None) => check(view, e),
            };
            if let Err(why) = outcome {
                failures.push(format!("line {} `{code} {date}`: {e}: {why}", n + 1));
            }
        }
    }
    assert!(cases >= 30, "only {cases} cases");
    assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));
}

// --- CPT descriptor import -------------------------------------------------------------------

/// A fresh copy of the set, so imports do not leak between tests.
fn fresh() -> Hcpcs {
    Hcpcs::from_bytes(&std::fs::read(common::repo("codesets/compiled/hcpcs.bin")).unwrap()).unwrap()
}

#[test]
fn imports_csv_with_header_and_quoted_fields() {
    let set = hcpcs();
    let csv = "\u{feff}Code,Long Descriptor\r\n99213,\"Office visit, established patient (\"\"level 3\"\")\"\r\n99214,Office visit level 4\r\n";
    let import = set.parse_cpt_descriptors(csv.as_bytes()).unwrap();
    assert_eq!(import.delimiter, "comma");
    assert_eq!(import.encoding, "utf-8");
    assert_eq!(import.header.as_deref(), Some(&["Code".to_string(), "Long Descriptor".to_string()][..]));
    assert_eq!(import.rows, 2);
    assert_eq!(
        import.accepted,
        vec![
            CptDescriptor {
                code: "99213".into(),
                descriptor: "Office visit, established patient (\"level 3\")".into()
            },
            CptDescriptor { code: "99214".into(), descriptor: "Office visit level 4".into() },
        ]
    );
    assert!(import.unknown.is_empty() && import.duplicates.is_empty());
}

#[test]
fn imports_tsv_and_picks_the_long_descriptor_column() {
    let tsv = "CPT Code\tShort Descriptor\tLong Descriptor\n99213\tOFFICE O/P EST LOW\tOffice visit, established, low complexity\n0591T\tHLTH WELL COACHING INDIV\tHealth and well-being coaching\n";
    let import = hcpcs().parse_cpt_descriptors(tsv.as_bytes()).unwrap();
    assert_eq!(import.delimiter, "tab");
    assert_eq!((import.code_column, import.descriptor_column), (1, 3));
    assert_eq!(import.accepted[0].descriptor, "Office visit, established, low complexity");
    assert_eq!(import.accepted[1].code, "0591T");
}

#[test]
fn imports_latin1_bytes() {
    let bytes = b"99213\tVisite \xe9tablie \x96 niveau 3\n".to_vec();
    let import = hcpcs().parse_cpt_descriptors(&bytes).unwrap();
    assert_eq!(import.encoding, "latin-1");
    assert!(import.header.is_none());
    assert_eq!(import.accepted[0].descriptor, "Visite établie – niveau 3");
}

#[test]
fn unknown_and_repeated_codes_are_reported_not_dropped() {
    let csv = "99213,Visit\n99999,No such code\nJ1885,A Level II code\n99213,Visit again\n";
    let import = hcpcs().parse_cpt_descriptors(csv.as_bytes()).unwrap();
    assert_eq!(import.accepted.len(), 1);
    let unknown: Vec<(usize, &str)> = import.unknown.iter().map(|s| (s.line, s.code.as_str())).collect();
    assert_eq!(unknown, vec![(2, "99999"), (3, "J1885")]);
    assert!(import.unknown[0].reason.contains("I/OCE"));
    assert_eq!(import.duplicates.len(), 1);
    assert_eq!(import.duplicates[0].line, 4);
    assert!(import.duplicates[0].reason.contains("line 1"));
}

#[test]
fn a_comma_file_without_header_keeps_unquoted_commas() {
    let import = hcpcs().parse_cpt_descriptors(b"99213,Office visit, established\n").unwrap();
    assert_eq!(import.accepted[0].descriptor, "Office visit, established");
}

#[test]
fn malformed_files_name_the_first_bad_line() {
    let set = hcpcs();
    let err = |text: &str| set.parse_cpt_descriptors(text.as_bytes()).unwrap_err();
    let e = err("code\tdescriptor\n99213\tVisit\n99214\n99215\tVisit\n");
    assert_eq!(e.line, 3);
    assert!(e.to_string().contains("line 3") && e.to_string().contains("1 column"), "{e}");
    let e = err("99213,Visit\n,Missing code\n");
    assert_eq!(e.line, 2);
    assert!(e.to_string().contains("code is empty"), "{e}");
    let e = err("99213,Visit\n99214,\n");
    assert!(e.line == 2 && e.to_string().contains("descriptor of 99214 is empty"), "{e}");
    let e = err("99213,Visit\n99214,\"Unclosed\n99215,Visit\n");
    assert!(e.line == 2 && e.to_string().contains("never closed"), "{e}");
    let e = err("just one column\nand another\n");
    assert!(e.line == 1 && e.to_string().contains("one column"), "{e}");
    let e = err("\n\n");
    assert!(e.to_string().contains("empty"), "{e}");
}

#[test]
fn imported_descriptors_show_in_lookup_and_search_until_cleared() {
    let mut set = fresh();
    let date = Date(20260401);
    let before = set.lookup("99213", date).unwrap();
    assert!(before.descriptor.is_none());
    assert_eq!(
        before.descriptor_note,
        Some("descriptor not included (AMA copyright); import your licensed file to see it")
    );
    let kept = set.set_cpt_descriptors(vec![
        CptDescriptor { code: "99213".into(), descriptor: "Zebra visit of moderate length".into() },
        CptDescriptor { code: "99999".into(), descriptor: "ignored".into() },
    ]);
    assert_eq!(kept, 1);
    let after = set.lookup("99213", date).unwrap();
    assert_eq!(after.descriptor.as_deref(), Some("Zebra visit of moderate length"));
    assert_eq!(after.descriptor_source, Some("your imported file"));
    assert!(after.descriptor_note.is_none());
    let hits = set.search("zebra visit", 5);
    assert_eq!(hits.first().map(|h| h.code.as_str()), Some("99213"));
    assert_eq!(hits[0].text_source, Some("imported"));
    assert_eq!(
        set.search("9921", 10).iter().find(|h| h.code == "99213").and_then(|h| h.text.clone()).as_deref(),
        Some("Zebra visit of moderate length")
    );
    set.clear_cpt_descriptors();
    assert!(set.lookup("99213", date).unwrap().descriptor.is_none());
    assert!(set.search("zebra", 5).iter().all(|h| h.code != "99213"));
}

#[test]
fn ten_thousand_rows_import_quickly() {
    let set = hcpcs();
    let codes: Vec<&str> = set.data.cpt.iter().map(|c| c.code.as_str()).take(10_000).collect();
    assert_eq!(codes.len(), 10_000);
    let mut csv = String::from("Code,Descriptor\n");
    for c in &codes {
        csv.push_str(&format!("{c},\"Descriptor of {c}, with a comma and \"\"quotes\"\"\"\n"));
    }
    let start = std::time::Instant::now();
    let import = set.parse_cpt_descriptors(csv.as_bytes()).unwrap();
    let mut copy = fresh();
    let kept = copy.set_cpt_descriptors(import.accepted.clone());
    let elapsed = start.elapsed();
    assert_eq!(import.accepted.len(), 10_000);
    assert_eq!(kept, 10_000);
    // Well under a second in release; the limit is looser so that a debug build passes too.
    let limit = if cfg!(debug_assertions) { 5.0 } else { 1.0 };
    assert!(elapsed.as_secs_f64() < limit, "10,000 rows took {elapsed:?}");
    eprintln!("10,000-row import + set: {elapsed:?}");
}
