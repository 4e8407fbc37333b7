//! The case library and its lint: every case in cases/ passes `lint-cases` and grades 100 with
//! its own key; the deliberately bad cases in tests/fixtures/cases/ fail with the expected
//! problems (file and field); hostile input is refused with a clear message; the JSON Schema in
//! docs/case.schema.json has exactly the parser's fields.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use medcode::grade::case::{
    ChartSection, DiagnosisLine, Key, NotCoded, NoteCitation, Override, Patient, ProcedureLine, Rationale, EXAM_TAGS,
};
use medcode::grade::lint::{lint_case, lint_library, FileReport};
use medcode::grade::{grade, Answer, AnswerProcedure, Case, CaseError, CodeSets, Policy};
use medcode::store::hcpcs::Hcpcs;
use medcode::store::pcs::Icd10pcs;

fn sets() -> CodeSets<'static> {
    static PCS: OnceLock<Icd10pcs> = OnceLock::new();
    static HCPCS: OnceLock<Hcpcs> = OnceLock::new();
    let pcs = PCS.get_or_init(|| Icd10pcs::from_bytes(&std::fs::read(common::repo("codesets/compiled/icd10pcs.bin")).unwrap()).unwrap());
    let hcpcs = HCPCS.get_or_init(|| Hcpcs::from_bytes(&std::fs::read(common::repo("codesets/compiled/hcpcs.bin")).unwrap()).unwrap());
    CodeSets { icd10cm: common::icd10cm(), icd10pcs: Some(pcs), cpt_hcpcs: Some(hcpcs) }
}

fn json_files(dir: &Path) -> Vec<(String, String)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths.iter().map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(p).unwrap())).collect()
}

fn report_text(reports: &[FileReport]) -> String {
    reports
        .iter()
        .flat_map(|r| r.problems.iter().map(move |p| format!("{}: {}: {:?}: {}", r.file, p.field, p.severity, p.message)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The key as an answer: its diagnoses in order, its procedure lines with their modifiers and units.
fn key_as_answer(case: &Case, with_optional: bool) -> Answer {
    Answer {
        diagnoses: case.key.diagnoses.iter().filter(|l| with_optional || !l.optional).map(|l| l.code.clone()).collect(),
        procedures: case
            .key
            .procedures
            .iter()
            .filter(|l| with_optional || !l.optional)
            .map(|l| AnswerProcedure { code: l.code.clone(), modifiers: l.modifiers.clone(), units: Some(l.units) })
            .collect(),
        ..Answer::default()
    }
}

#[test]
fn the_library_passes_lint_and_grades_100_with_its_own_key() {
    let files = json_files(&common::repo("cases"));
    assert!(files.len() >= 12, "only {} cases", files.len());
    let sets = sets();
    let reports = lint_library(&files, &sets);
    let errors: Vec<&FileReport> = reports.iter().filter(|r| r.problems.iter().any(|p| p.is_error())).collect();
    assert!(errors.is_empty(), "lint-cases cases/ fails:\n{}", report_text(&reports));
    for (name, text) in &files {
        let case = Case::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        for policy in Policy::ALL {
            for with_optional in [false, true] {
                let r = grade(&case, &key_as_answer(&case, with_optional), policy, &sets).unwrap();
                assert_eq!(r.score, 100.0, "{name} ({policy}, optional lines {with_optional}): {:#?}", r.lines);
                assert!(r.findings.is_empty(), "{name}: the key's own codes raise {:?}", r.findings);
            }
            let r = grade(&case, &Answer::default(), policy, &sets).unwrap();
            assert_eq!(r.score, 0.0, "{name}: an empty answer");
        }
        // Every line the student might see explains itself.
        let r = grade(&case, &Answer::default(), Policy::Standard, &sets).unwrap();
        for line in &r.lines {
            let rationale = line.rationale.as_ref().unwrap();
            assert!(!rationale.explanation.is_empty() && !rationale.chart_quotes.is_empty(), "{name}");
            assert!(rationale.tabular_notes.iter().all(|n| n.source.is_some()), "{name}: a cited note is not found");
        }
    }
}

#[test]
fn every_not_coded_code_gets_its_explanation() {
    let sets = sets();
    for (name, text) in json_files(&common::repo("cases")) {
        let case = Case::from_json(&text).unwrap();
        for nc in &case.key.not_coded {
            for code in &nc.codes {
                let mut answer = key_as_answer(&case, false);
                answer.diagnoses.push(code.clone());
                let r = grade(&case, &answer, Policy::Standard, &sets).unwrap();
                let line = r.lines.iter().find(|l| l.answer.as_ref().is_some_and(|a| a.code.as_deref() == Some(code))).unwrap();
                assert!(r.score < 100.0, "{name}: coding {code} costs nothing");
                // Either the case's own reason, or (for a near miss of a key line) the comparison.
                let said = line.feedback.join(" ");
                assert!(said.contains(&nc.condition) || line.key.is_some(), "{name}: {code}: {said}");
            }
        }
    }
}

/// (file, field, words the message contains) for every problem the fixtures must raise.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("hostile.json", "html", "unknown field \"html\""),
    ("hostile.json", "chart[5].onclick", "unknown field \"onclick\""),
    ("hostile.json", "key.diagnoses[0].score_bonus", "unknown field \"score_bonus\""),
    ("hostile.json", "title", "contains raw HTML (\"<img\")"),
    ("hostile.json", "chart[1].text", "contains raw HTML (\"<script\")"),
    ("hostile.json", "chart[5].text", "contains raw HTML (\"<iframe\")"),
    ("hostile.json", "key.diagnoses[0].code", "N30.99 is not an ICD-10-CM code"),
    ("hostile.json", "key.diagnoses[1].code", "X99.999 is not an ICD-10-CM code"),
    ("hostile.json", "key.diagnoses[1].alternates[0]", "B96 is not a valid, reportable code"),
    ("hostile.json", "key.diagnoses[0].rationale.chart_quotes[1]", "does not occur verbatim in the chart"),
    ("hostile.json", "key.diagnoses[0].rationale.guidelines[0]", "\"V.A\" is not a guideline section id"),
    ("invalid-json.json", "", "not valid JSON"),
    ("wrong-format.json", "format", "this version reads \"medcode-case/1\""),
    ("wrong-format.json", "id", "must be 3-64 lower-case letters"),
    ("wrong-format.json", "date_of_service", "'2026-02-30' is not a date of service"),
    ("wrong-format.json", "difficulty", "must be 1, 2 or 3"),
    ("wrong-format.json", "exam_tags[1]", "\"cpc:everything\" is not an exam tag"),
    ("key-conflicts.json", "key.diagnoses[0].code", "G63 is a manifestation code"),
    ("key-conflicts.json", "key.diagnoses[0].code", "G63 and E11.42 (key.diagnoses[1]) are in an Excludes1 relation"),
    ("key-conflicts.json", "key.diagnoses[1].code", "E11.42 and E10.9 (key.diagnoses[2]) are in an Excludes1 relation"),
    ("key-conflicts.json", "key.diagnoses[1].rationale.tabular_notes[0]", "no Excludes1 note of E11.42"),
    ("key-conflicts.json", "key.diagnoses[3].code", "N18.3 is not a valid, reportable code on 2026-04-01"),
    ("key-conflicts.json", "chart", "has 17 words"),
    ("key-conflicts.json", "key.not_coded", "name at least one condition"),
    ("procedure-codes.json", "key.procedures[0].code", "99999 is not a CPT code number"),
    ("procedure-codes.json", "key.procedures[1].code", "0DTJ4ZY is not an ICD-10-PCS code"),
    ("procedure-codes.json", "key.procedures[2].code", "shaped like a HCPCS Level II code, but the line's system is CPT"),
    ("duplicate-a.json", "id", "differs from the file name"),
    ("duplicate-b.json", "id", "is also the id of duplicate-a.json"),
];

#[test]
fn the_bad_fixtures_fail_with_the_expected_problems() {
    let files = json_files(&common::repo("tests/fixtures/cases"));
    let reports = lint_library(&files, &sets());
    let mut missing = Vec::new();
    for (file, field, words) in EXPECTED {
        let r = reports.iter().find(|r| r.file == *file).unwrap_or_else(|| panic!("no fixture {file}"));
        if !r.problems.iter().any(|p| p.is_error() && p.field == *field && p.message.contains(words)) {
            missing.push(format!("{file}: {field}: {words}"));
        }
    }
    assert!(missing.is_empty(), "not reported:\n{}\n\nreported:\n{}", missing.join("\n"), report_text(&reports));
    // G63's Excludes1 note covers only E08-E13 codes with .42: E10.9 is not in conflict with it.
    let conflicts = reports.iter().find(|r| r.file == "key-conflicts.json").unwrap();
    assert!(!conflicts.problems.iter().any(|p| p.message.contains("G63 and E10.9")), "{}", report_text(&reports));
    assert!(reports.iter().all(|r| r.problems.iter().any(|p| p.is_error())), "every fixture fails");
}

#[test]
fn a_hostile_case_is_refused_with_a_clear_message() {
    let text = std::fs::read_to_string(common::repo("tests/fixtures/cases/hostile.json")).unwrap();
    let err = Case::from_json(&text).unwrap_err().to_string();
    assert!(err.contains("unknown field"), "{err}");
    // Without the unknown fields, the raw HTML is what refuses it.
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v.as_object_mut().unwrap().remove("html");
    v["chart"][5].as_object_mut().unwrap().remove("onclick");
    v["key"]["diagnoses"][0].as_object_mut().unwrap().remove("score_bonus");
    match Case::from_json(&v.to_string()) {
        Err(CaseError::Invalid(problems)) => {
            assert!(problems.iter().any(|p| p.field == "chart[1].text" && p.message.contains("raw HTML")), "{problems:?}");
        }
        other => panic!("{other:?}"),
    }
    let big = format!("{{\"format\": \"medcode-case/1\", \"title\": \"{}\"}}", "x".repeat(2 << 20));
    let err = Case::from_json(&big).unwrap_err().to_string();
    assert!(err.contains("a case file may be at most 1.0 MiB"), "{err}");
    for (bad, field) in [
        ("[1, 2]", ""),
        ("{\"format\": 5}", "format"),
        ("{\"patient\": {\"sex\": \"other\"}}", "patient.sex"),
        ("{\"patient\": [30, null, \"male\"]}", "patient"),
        ("{\"chart\": [[\"HPI\", \"text\"]]}", "chart[0]"),
    ] {
        match Case::from_json(bad) {
            Err(CaseError::Json(p)) => assert_eq!(p.field, field, "{bad}: {p}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn explained_overrides_silence_excludes1_and_manifestation_checks() {
    let text = std::fs::read_to_string(common::repo("tests/fixtures/cases/key-conflicts.json")).unwrap();
    let mut case = Case::parse_skipping_unknown_fields(&text).0.unwrap();
    let reason = "Documented as two unrelated conditions; the exception to Excludes1 applies here.";
    case.key.diagnoses[2].overrides.push(Override { rule: "EXCLUDES1".into(), reason: reason.into() });
    case.key.diagnoses[0].overrides.push(Override { rule: "EXCLUDES1".into(), reason: reason.into() });
    case.key.diagnoses[0].overrides.push(Override { rule: "MANIFESTATION_FIRST".into(), reason: reason.into() });
    let problems = lint_case(&case, &sets());
    assert!(!problems.iter().any(|p| p.message.contains("Excludes1 relation") || p.message.contains("manifestation")), "{problems:?}");
    case.key.diagnoses[2].overrides[0].reason = "because".into();
    let problems = lint_case(&case, &sets());
    assert!(problems.iter().any(|p| p.field == "key.diagnoses[2].overrides[0].reason"), "{problems:?}");
}

fn medcode(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_medcode")).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn cli_lint_cases() {
    let (code, out, _) = medcode(&["lint-cases", common::repo("cases").to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" pass, 0 with problems"), "{out}");

    let dir = common::repo("tests/fixtures/cases");
    let (code, out, err) = medcode(&["lint-cases", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    let hostile = dir.join("hostile.json");
    assert!(out.contains(&format!("{}: chart[1].text: contains raw HTML", hostile.display())), "{out}");
    assert!(out.contains("7 case files: 0 pass, 7 with problems"), "{out}");

    // A 50 MB case file is refused unread.
    let tmp = std::env::temp_dir().join(format!("medcode-lint-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("huge.json"), vec![b' '; 50 << 20]).unwrap();
    let (code, out, _) = medcode(&["lint-cases", tmp.to_str().unwrap()]);
    std::fs::remove_dir_all(&tmp).unwrap();
    assert_eq!(code, 1);
    assert!(out.contains("huge.json: the file is 50.0 MiB") && out.contains("at most 1.0 MiB"), "{out}");

    let (code, _, err) = medcode(&["lint-cases"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn cli_grade() {
    let case = common::repo("cases/dx-t2dm-ckd-followup.json");
    let tmp = std::env::temp_dir().join(format!("medcode-answer-{}.json", std::process::id()));
    std::fs::write(&tmp, r#"{"diagnoses": ["E11.9", "N18.31", "Z79.84", "E78.5", "R20.2"]}"#).unwrap();
    let (code, out, err) = medcode(&["grade", "--case", case.to_str().unwrap(), "--answer", tmp.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["score"], 90.0);
    assert_eq!(v["lines"][0]["status"], "specificity");
    let (code, out, _) =
        medcode(&["grade", "--case", case.to_str().unwrap(), "--answer", tmp.to_str().unwrap(), "--policy", "practicode"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["score"], 80.0);
    let (code, _, err) =
        medcode(&["grade", "--case", case.to_str().unwrap(), "--answer", tmp.to_str().unwrap(), "--policy", "lenient"]);
    assert_eq!(code, 2, "{err}");
    let hostile = common::repo("tests/fixtures/cases/hostile.json");
    let (code, _, err) = medcode(&["grade", "--case", hostile.to_str().unwrap(), "--answer", tmp.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("the case cannot be used") && err.contains("unknown field"), "{err}");
    let (code, _, err) = medcode(&["grade", "--case", case.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    std::fs::remove_file(&tmp).unwrap();
}

/// The names serde accepts for a type, read from its own "unknown field" message.
fn serde_fields<T: serde::de::DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
    let err = serde_json::from_str::<T>(r#"{"__probe__": 0}"#).unwrap_err().to_string();
    let expected = err.split("expected").nth(1).unwrap_or_else(|| panic!("{err}"));
    let mut names: Vec<String> = expected.split('`').skip(1).step_by(2).map(str::to_string).collect();
    names.sort();
    names
}

fn schema_fields(schema: &serde_json::Value, pointer: &str) -> Vec<String> {
    let obj = schema.pointer(pointer).unwrap_or_else(|| panic!("schema has no {pointer}"));
    assert_eq!(obj["additionalProperties"], false, "{pointer} allows unknown fields");
    let mut names: Vec<String> = obj["properties"].as_object().unwrap().keys().cloned().collect();
    names.sort();
    names
}

#[test]
fn the_json_schema_matches_the_parser() {
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(common::repo("docs/case.schema.json")).unwrap()).unwrap();
    let pairs: [(&str, Vec<String>); 10] = [
        ("", serde_fields::<Case>()),
        ("/properties/patient", serde_fields::<Patient>()),
        ("/properties/chart/items", serde_fields::<ChartSection>()),
        ("/properties/key", serde_fields::<Key>()),
        ("/$defs/diagnosis_line", serde_fields::<DiagnosisLine>()),
        ("/$defs/procedure_line", serde_fields::<ProcedureLine>()),
        ("/$defs/rationale", serde_fields::<Rationale>()),
        ("/$defs/rationale/properties/tabular_notes/items", serde_fields::<NoteCitation>()),
        ("/$defs/override", serde_fields::<Override>()),
        ("/$defs/not_coded", serde_fields::<NotCoded>()),
    ];
    for (pointer, fields) in pairs {
        assert_eq!(schema_fields(&schema, pointer), fields, "schema {pointer:?} vs parser");
    }
    let tags: Vec<&str> = schema["properties"]["exam_tags"]["items"]["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(tags, EXAM_TAGS);
    assert_eq!(schema["properties"]["format"]["const"], medcode::grade::case::CASE_FORMAT);
    // Every enum value of the schema is one the parser reads.
    for (pointer, probe) in [
        ("/properties/setting/enum", "setting"),
        ("/properties/patient/properties/sex/enum", "sex"),
        ("/$defs/system/enum", "system"),
        ("/$defs/diagnosis_line/properties/role/enum", "role"),
        ("/$defs/rationale/properties/tabular_notes/items/properties/kind/enum", "kind"),
    ] {
        for value in schema.pointer(pointer).unwrap().as_array().unwrap() {
            let ok = match probe {
                "setting" => serde_json::from_value::<medcode::grade::Setting>(value.clone()).is_ok(),
                "sex" => serde_json::from_value::<medcode::grade::case::Sex>(value.clone()).is_ok(),
                "system" => serde_json::from_value::<medcode::grade::CodeSystem>(value.clone()).is_ok(),
                "role" => serde_json::from_value::<medcode::grade::Role>(value.clone()).is_ok(),
                _ => serde_json::from_value::<medcode::store::model::NoteKind>(value.clone()).is_ok(),
            };
            assert!(ok, "{pointer}: {value}");
        }
    }
    // The library's cases satisfy the schema's simple patterns too (a spot check without a validator).
    let guideline = schema["$defs"]["guideline"]["pattern"].as_str().unwrap();
    assert!(guideline.starts_with("^(I\\.[A-C]|II\\.[A-K]|III\\.[A-C]|IV\\.[A-Q])"));
}
