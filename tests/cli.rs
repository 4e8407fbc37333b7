//! The `medcode` command line: acceptance lookups, exit codes, and no panic on bad input.

use std::io::Read;
use std::process::{Command, Stdio};

fn medcode(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_medcode")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = medcode(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn lookup_e11_22_lists_its_own_and_inherited_notes() {
    let v = json(&["lookup", "E11.22", "--date", "2026-04-01"]);
    let notes = v["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["kind"] == "use_additional_code" && n["source"] == "E11.22" && n["text"].as_str().unwrap().contains("(N18.1-N18.6)")));
    assert!(notes.iter().filter(|n| n["kind"] == "excludes1" && n["source"] == "E11").count() >= 4);
}

#[test]
fn lookup_answers_validity() {
    assert_eq!(json(&["lookup", "S06.1X7D", "--date", "2026-04-01"])["valid_on_date"], false);
    assert_eq!(json(&["lookup", "S72.001A", "--date", "2026-04-01"])["valid_on_date"], true);
    let e11 = json(&["lookup", "E11", "--date", "2026-04-01"]);
    assert_eq!(e11["status"], "header");
    assert!(e11["children"].as_array().unwrap().iter().any(|c| c["code"] == "E11.9"));
}

#[test]
fn codes_lists_the_reportable_set() {
    let (code, out, _) = medcode(&["codes", "--system", "icd10cm", "--date", "2026-04-01", "--reportable"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 74_719);
    assert!(out.lines().any(|l| l == "S72.001A"));
}

#[test]
fn lookup_routes_procedure_codes_by_shape() {
    let pcs = json(&["lookup", "0DTJ4ZZ", "--date", "2026-04-01"]);
    assert_eq!(pcs["system"], "icd10pcs");
    assert_eq!(pcs["title"], "Resection of Appendix, Percutaneous Endoscopic Approach");
    let hcpcs = json(&["lookup", "J1885", "--date", "2026-04-01"]);
    assert_eq!((hcpcs["system"].as_str(), hcpcs["status"].as_str()), (Some("hcpcs"), Some("valid")));
    let cpt = json(&["lookup", "99213", "--date", "2026-04-01"]);
    assert_eq!(cpt["system"], "cpt");
    assert!(cpt["descriptor"].is_null(), "no CPT descriptor is shipped");
    // A0100 is a HCPCS code (taxi transport) and, with its dot, ICD-10-CM A01.00.
    let both = json(&["lookup", "A0100", "--date", "2026-04-01"]);
    assert_eq!(both["ambiguous"], true);
    assert_eq!((both["hcpcs"]["code"].as_str(), both["icd10cm"]["code"].as_str()), (Some("A0100"), Some("A01.00")));
    assert_eq!(json(&["lookup", "A01.00", "--date", "2026-04-01"])["system"], "icd10cm");
}

#[test]
fn codes_lists_every_system() {
    for (system, date, count) in [("icd10pcs", "2025-10-01", 79_115), ("icd10pcs", "2026-04-01", 79_193), ("hcpcs", "2026-04-01", 8_256), ("cpt", "2026-04-01", 11_546)] {
        let (code, out, err) = medcode(&["codes", "--system", system, "--date", date]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.lines().count(), count, "{system} on {date}");
    }
}

#[test]
fn search_puts_the_code_first_for_a_code_query() {
    let hits = json(&["search", "e11.22"]);
    assert_eq!(hits[0]["code"], "E11.22");
}

#[test]
fn bad_input_gives_a_message_and_an_exit_status_not_a_panic() {
    for (args, status, words) in [
        (vec!["lookup", "E11.99"], 1, "not an ICD-10-CM code"),
        (vec!["lookup", "E11.9", "--date", "2026-13-01"], 1, "not a date of service"),
        (vec!["lookup", "12345"], 1, "not an ICD-10-CM code"),
        (vec!["lookup"], 2, "exactly one CODE"),
        (vec!["search", "x", "--limit", "0"], 2, "--limit"),
        (vec!["codes", "--system", "icd9", "--date", "2026-04-01"], 2, "unknown --system"),
        (vec!["frobnicate"], 2, "unknown command"),
        (vec!["lookup", "E11", "--codeset", "/nonexistent"], 2, "cannot read code set"),
    ] {
        let (code, _, err) = medcode(&args);
        assert_eq!(code, status, "{args:?}: {err}");
        assert!(err.contains(words), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn help_names_every_command() {
    let (code, out, _) = medcode(&["--help"]);
    assert_eq!(code, 0);
    for cmd in ["lookup", "search", "codes", "compile"] {
        assert!(out.contains(&format!("medcode {cmd}")), "{cmd}");
    }
}

/// Regression: `medcode codes ... | head` panicked with "failed printing to stdout: Broken pipe".
#[test]
fn regression_closed_stdout_pipe_does_not_panic() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_medcode"))
        .args(["codes", "--system", "icd10cm", "--date", "2026-04-01"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(status.code().is_some(), "killed by a signal: {status:?}");
}
