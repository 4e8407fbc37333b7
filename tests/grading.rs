//! Runs the data-driven grading scenarios in tests/grading_cases.txt (format described at its
//! top), plus the JSON-level checks of the grader's input and output.

mod common;

use std::sync::OnceLock;

use medcode::grade::case::{
    ChartSection, CodeSystem, DiagnosisLine, Key, NotCoded, Patient, ProcedureLine, Rationale, Role, Setting, Sex,
};
use medcode::grade::{grade_json, Answer, AnswerProcedure, Case, CodeSets, GradeResult};
use medcode::store::hcpcs::Hcpcs;
use medcode::store::pcs::Icd10pcs;

fn pcs() -> &'static Icd10pcs {
    static SET: OnceLock<Icd10pcs> = OnceLock::new();
    SET.get_or_init(|| Icd10pcs::from_bytes(&std::fs::read(common::repo("codesets/compiled/icd10pcs.bin")).unwrap()).unwrap())
}

fn hcpcs() -> &'static Hcpcs {
    static SET: OnceLock<Hcpcs> = OnceLock::new();
    SET.get_or_init(|| Hcpcs::from_bytes(&std::fs::read(common::repo("codesets/compiled/hcpcs.bin")).unwrap()).unwrap())
}

fn sets() -> CodeSets<'static> {
    CodeSets { icd10cm: common::icd10cm(), icd10pcs: Some(pcs()), cpt_hcpcs: Some(hcpcs()) }
}

fn rationale() -> Rationale {
    Rationale { explanation: "Test line.".into(), ..Rationale::default() }
}

fn new_case(name: &str, date: &str, setting: Setting) -> Case {
    Case {
        format: "medcode-case/1".into(),
        id: format!("grading-{name}"),
        title: format!("Grading scenario case {name}"),
        setting,
        exam_tags: vec!["cpc:icd10cm".into()],
        difficulty: 1,
        date_of_service: date.into(),
        patient: Patient { age: Some(50), birth_date: None, sex: Sex::Female },
        instructions: None,
        chart: vec![ChartSection { heading: "Note".into(), text: "Synthetic chart for the grading tests.".into() }],
        answer_systems: vec![],
        key: Key { diagnoses: vec![], procedures: vec![], not_coded: vec![] },
    }
}

fn list(v: &str) -> Vec<String> {
    v.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// `dx ROLE CODE [alt=A,B] [optional]`
fn dx_line(words: &[&str]) -> DiagnosisLine {
    let role = match words[0] {
        "principal" => Role::Principal,
        "first_listed" => Role::FirstListed,
        "secondary" => Role::Secondary,
        other => panic!("unknown role {other}"),
    };
    let mut line = DiagnosisLine {
        role,
        code: words[1].into(),
        alternates: vec![],
        optional: false,
        rationale: rationale(),
        overrides: vec![],
    };
    for w in &words[2..] {
        match w.split_once('=') {
            Some(("alt", v)) => line.alternates = list(v),
            None if *w == "optional" => line.optional = true,
            _ => panic!("unknown dx option {w}"),
        }
    }
    line
}

/// `px SYSTEM CODE [alt=..] [mod=A,B] [optmod=..] [units=N] [optional]`
fn px_line(words: &[&str]) -> ProcedureLine {
    let system = match words[0] {
        "cpt" => CodeSystem::Cpt,
        "hcpcs" => CodeSystem::Hcpcs,
        "icd10pcs" => CodeSystem::Icd10pcs,
        other => panic!("unknown system {other}"),
    };
    let mut line = ProcedureLine {
        system,
        code: words[1].into(),
        alternates: vec![],
        modifiers: vec![],
        optional_modifiers: vec![],
        units: 1,
        optional: false,
        rationale: rationale(),
        overrides: vec![],
    };
    for w in &words[2..] {
        match w.split_once('=') {
            Some(("alt", v)) => line.alternates = list(v),
            Some(("mod", v)) => line.modifiers = list(v),
            Some(("optmod", v)) => line.optional_modifiers = list(v),
            Some(("units", v)) => line.units = v.parse().unwrap(),
            None if *w == "optional" => line.optional = true,
            _ => panic!("unknown px option {w}"),
        }
    }
    line
}

/// `DX DX ... [; PX[/MOD+MOD][*UNITS] ...]`; `_` is a blank entry, `case_id=X` sets the answer's case id.
fn parse_answer(text: &str) -> Answer {
    let (dx, px) = text.split_once(';').unwrap_or((text, ""));
    let mut answer = Answer::default();
    for w in dx.split_whitespace() {
        if let Some(id) = w.strip_prefix("case_id=") {
            answer.case_id = Some(id.into());
        } else {
            answer.diagnoses.push(if w == "_" { String::new() } else { w.into() });
        }
    }
    for w in px.split_whitespace() {
        let (rest, units) = match w.split_once('*') {
            Some((r, u)) => (r, Some(u.parse().unwrap())),
            None => (w, None),
        };
        let (code, mods) = rest.split_once('/').unwrap_or((rest, ""));
        answer.procedures.push(AnswerProcedure {
            code: code.into(),
            modifiers: mods.split('+').filter(|m| !m.is_empty()).map(str::to_string).collect(),
            units,
        });
    }
    answer
}

fn fmt_num(x: f64) -> String {
    format!("{x}")
}

/// The line summary `status[/error]@code` used by `lines=`.
fn line_summary(r: &GradeResult) -> Vec<String> {
    r.lines
        .iter()
        .map(|l| {
            let status = serde_json::to_value(l.status).unwrap().as_str().unwrap().to_string();
            let error = l.error.map(|e| format!("/{}", serde_json::to_value(e).unwrap().as_str().unwrap())).unwrap_or_default();
            let code = match (&l.answer, &l.key) {
                (Some(a), _) => a.code.clone().unwrap_or_else(|| a.text.clone()),
                (None, Some(k)) => k.code.clone(),
                (None, None) => "?".into(),
            };
            format!("{status}{error}@{code}")
        })
        .collect()
}

fn line_for<'a>(r: &'a GradeResult, code: &str) -> Option<&'a medcode::grade::GradedLine> {
    r.lines.iter().find(|l| {
        l.answer.as_ref().is_some_and(|a| a.code.as_deref() == Some(code) || a.text == code)
            || (l.answer.is_none() && l.key.as_ref().is_some_and(|k| k.code == code))
    })
}

fn check(r: &GradeResult, expectation: &str) -> Result<(), String> {
    let words = |s: &str| s.replace('_', " ");
    let (key, value) = expectation.split_once(['=', '~']).ok_or_else(|| format!("bad expectation {expectation:?}"))?;
    let ok = match key {
        "score" => fmt_num(r.score) == value,
        "credits" => fmt_num(r.credits) == value,
        "denom" => r.denominator.to_string() == value,
        "lines" => {
            let got = line_summary(r).join(",");
            if got != value {
                return Err(format!("lines: got {got}"));
            }
            true
        }
        "findings" => r.findings.len().to_string() == value,
        "finding" => {
            let (rule, codes) = value.split_once(':').ok_or("finding=RULE:A+B")?;
            let codes: Vec<&str> = codes.split('+').collect();
            r.findings.iter().any(|f| f.rule == rule && f.codes.iter().map(String::as_str).eq(codes.iter().copied()))
        }
        k if k.starts_with("feedback@") => {
            let code = &k["feedback@".len()..];
            let line = line_for(r, code).ok_or_else(|| format!("no line for {code}"))?;
            let want = words(value);
            if !line.feedback.iter().any(|f| f.contains(&want)) {
                return Err(format!("feedback of {code}: {:?}", line.feedback));
            }
            true
        }
        k if k.starts_with("key@") => {
            let code = &k["key@".len()..];
            let line = line_for(r, code).ok_or_else(|| format!("no line for {code}"))?;
            line.key.as_ref().is_some_and(|kl| kl.code == value)
        }
        k if k.starts_with("credit@") => {
            let code = &k["credit@".len()..];
            let line = line_for(r, code).ok_or_else(|| format!("no line for {code}"))?;
            fmt_num(line.credit) == value
        }
        k if k.starts_with("position@") => {
            let code = &k["position@".len()..];
            let line = line_for(r, code).ok_or_else(|| format!("no line for {code}"))?;
            line.answer.as_ref().is_some_and(|a| a.position.to_string() == value)
        }
        k if k.starts_with("rationale@") => {
            let code = &k["rationale@".len()..];
            let line = line_for(r, code).ok_or_else(|| format!("no line for {code}"))?;
            line.rationale.is_some() == (value == "yes")
        }
        other => return Err(format!("unknown expectation {other:?}")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected {expectation}; got score={} credits={} denom={} lines={} findings={:?}",
            r.score,
            r.credits,
            r.denominator,
            line_summary(r).join(","),
            r.findings.iter().map(|f| format!("{}:{}", f.rule, f.codes.join("+"))).collect::<Vec<_>>()
        ))
    }
}

struct Scenario {
    line: usize,
    name: String,
    case: Case,
    policy: String,
    answer: Answer,
    expectations: Vec<String>,
}

fn read_scenarios() -> Vec<Scenario> {
    let text = std::fs::read_to_string(common::repo("tests/grading_cases.txt")).unwrap();
    let mut cases: Vec<Case> = Vec::new();
    let mut scenarios: Vec<Scenario> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap().trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if raw.starts_with(char::is_whitespace) {
            let s = scenarios.last_mut().unwrap_or_else(|| panic!("line {}: expectation outside a test", n + 1));
            s.expectations.extend(words.iter().map(|w| w.to_string()));
            continue;
        }
        match words[0] {
            "case" => {
                let setting = match words.get(3) {
                    Some(&"setting=inpatient") => Setting::Inpatient,
                    Some(&"setting=ed") => Setting::Ed,
                    None => Setting::Office,
                    Some(other) => panic!("line {}: unknown {other}", n + 1),
                };
                cases.push(new_case(words[1], words[2], setting));
            }
            "dx" => {
                let case = cases.last_mut().unwrap();
                case.key.diagnoses.push(dx_line(&words[1..]));
                if !case.answer_systems.contains(&CodeSystem::Icd10cm) {
                    case.answer_systems.push(CodeSystem::Icd10cm);
                }
            }
            "px" => {
                let case = cases.last_mut().unwrap();
                let l = px_line(&words[1..]);
                if !case.answer_systems.contains(&l.system) {
                    case.answer_systems.push(l.system);
                }
                case.key.procedures.push(l);
            }
            "nc" => {
                let case = cases.last_mut().unwrap();
                case.key.not_coded.push(NotCoded {
                    condition: words[2..].join(" ").replace('_', " "),
                    codes: list(words[1]),
                    reason: "uncertain diagnoses are not coded in the outpatient setting".into(),
                    guidelines: vec!["IV.H".into()],
                    chart_quotes: vec![],
                });
            }
            "test" => {
                let (head, answer) = line.split_once(':').unwrap_or_else(|| panic!("line {}: test NAME [policy=P]: ANSWER", n + 1));
                let head: Vec<&str> = head.split_whitespace().collect();
                let policy = head.iter().find_map(|w| w.strip_prefix("policy=")).unwrap_or("standard").to_string();
                scenarios.push(Scenario {
                    line: n + 1,
                    name: head[1].to_string(),
                    case: cases.last().unwrap_or_else(|| panic!("line {}: test before any case", n + 1)).clone(),
                    policy,
                    answer: parse_answer(answer),
                    expectations: Vec::new(),
                });
            }
            other => panic!("line {}: unknown directive {other:?}", n + 1),
        }
    }
    scenarios
}

#[test]
fn grading_scenarios() {
    let scenarios = read_scenarios();
    let sets = sets();
    let mut failures = Vec::new();
    let mut statuses = std::collections::BTreeSet::new();
    let mut errors = std::collections::BTreeSet::new();
    let mut policies = std::collections::BTreeSet::new();
    for s in &scenarios {
        assert!(!s.expectations.is_empty(), "line {} {}: no expectation", s.line, s.name);
        let case_json = serde_json::to_string(&s.case).unwrap();
        let answer_json = serde_json::to_string(&s.answer).unwrap();
        let result = grade_json(&case_json, &answer_json, &s.policy, &sets);
        for e in &s.expectations {
            let outcome = match (&result, e.strip_prefix("error~")) {
                (Err(msg), Some(want)) if msg.to_string().contains(&want.replace('_', " ")) => Ok(()),
                (Err(msg), _) => Err(format!("grading failed: {msg}")),
                (Ok(_), Some(_)) => Err("expected an error".to_string()),
                (Ok(r), None) => check(r, e),
            };
            if let Err(why) = outcome {
                failures.push(format!("line {} {}: {e}: {why}", s.line, s.name));
            }
        }
        if let Ok(r) = &result {
            policies.insert(s.policy.clone());
            for l in &r.lines {
                statuses.insert(serde_json::to_value(l.status).unwrap().as_str().unwrap().to_string());
                if let Some(e) = l.error {
                    errors.insert(serde_json::to_value(e).unwrap().as_str().unwrap().to_string());
                }
            }
            // Same input, same output.
            let again = grade_json(&case_json, &answer_json, &s.policy, &sets).unwrap();
            assert_eq!(serde_json::to_string(r).unwrap(), serde_json::to_string(&again).unwrap(), "{} is not deterministic", s.name);
        }
    }
    assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));
    assert!(scenarios.len() >= 60, "only {} scenarios", scenarios.len());
    let all_statuses = ["correct", "missing", "optional", "partial", "sequencing", "specificity", "unsupported"];
    assert_eq!(statuses.iter().map(String::as_str).collect::<Vec<_>>(), all_statuses, "statuses covered");
    let all_errors = [
        "excludes1",
        "laterality",
        "lookup",
        "missed",
        "modifier",
        "sequencing",
        "seventh_character",
        "specificity",
        "units",
        "unsupported",
    ];
    assert_eq!(errors.iter().map(String::as_str).collect::<Vec<_>>(), all_errors, "error types covered");
    assert_eq!(policies.len(), 2, "both policies covered");
}

#[test]
fn result_json_shape() {
    let s = read_scenarios().into_iter().find(|s| s.name == "dm-specificity").unwrap();
    let r = grade_json(&serde_json::to_string(&s.case).unwrap(), &serde_json::to_string(&s.answer).unwrap(), "standard", &sets()).unwrap();
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["format"], "medcode-grade/1");
    assert_eq!(v["policy"], "standard");
    let line = &v["lines"][0];
    for field in ["kind", "status", "credit", "error", "answer", "key", "feedback", "rationale"] {
        assert!(line.get(field).is_some(), "line has {field}: {line}");
    }
    assert_eq!(line["answer"]["code_status"], "valid");
    assert_eq!(line["key"]["role"], "first_listed");
    assert_eq!(line["feedback"][0], "E11.9 is \"Type 2 diabetes mellitus without complications\"; the key is E11.22 \"Type 2 diabetes mellitus with diabetic chronic kidney disease\".");
}

#[test]
fn unreadable_inputs_are_errors_not_grades() {
    let s = read_scenarios().into_iter().next().unwrap();
    let case_json = serde_json::to_string(&s.case).unwrap();
    let sets = sets();
    let err = grade_json(&case_json, r#"{"diagnoses": ["E11.9"], "extra": 1}"#, "standard", &sets).unwrap_err().to_string();
    assert!(err.contains("unknown field \"extra\""), "{err}");
    let err = grade_json(&case_json, r#"{"diagnoses": "E11.9"}"#, "standard", &sets).unwrap_err().to_string();
    assert!(err.contains("diagnoses") && err.contains("invalid type"), "{err}");
    let err = grade_json(&case_json, r#"{"procedures": [{"code": "99213", "units": 0}]}"#, "standard", &sets).unwrap_err().to_string();
    assert!(err.contains("procedures[0].units"), "{err}");
    let err = grade_json("{", "{}", "standard", &sets).unwrap_err().to_string();
    assert!(err.contains("not valid JSON"), "{err}");
    let err = grade_json(&case_json, "{}", "lenient", &sets).unwrap_err().to_string();
    assert!(err.contains("unknown grading policy"), "{err}");
}
