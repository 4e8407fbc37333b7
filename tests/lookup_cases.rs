//! Runs the data-driven lookup cases in tests/cases/lookup.txt (format described at its top).

mod common;

use medcode::codes::Date;
use medcode::store::LookupView;

fn check(view: &LookupView, expectation: &str) -> Result<(), String> {
    let words = |s: &str| s.replace('_', " ");
    let ok = match expectation.split_once(['=', '~']) {
        None => match expectation {
            "valid" => view.valid_on_date,
            "invalid" => !view.valid_on_date,
            "reportable" => view.reportable,
            "header" => !view.reportable,
            "retired" => !view.in_tabular,
            other => return Err(format!("unknown expectation {other:?}")),
        },
        Some((key, value)) => match key {
            "kind" => serde_json::to_value(view.kind).unwrap() == value,
            "status" => serde_json::to_value(view.status).unwrap() == value,
            "seventh-code" => view
                .seventh_characters
                .as_ref()
                .is_some_and(|s| s.characters.iter().any(|c| c.code.as_deref() == Some(value))),
            "seventh-current" => view
                .seventh_characters
                .as_ref()
                .is_some_and(|s| s.characters.iter().any(|c| c.current && c.character.to_string() == value)),
            "code" => view.code == value,
            "title" => view.title.as_deref().is_some_and(|t| t.contains(&words(value))),
            "note" => {
                let (kind, source) = value.split_once('@').ok_or("note=KIND@SOURCE")?;
                view.notes.iter().any(|n| serde_json::to_value(n.kind).unwrap() == kind && n.source == source)
            }
            "child" => view.children.iter().any(|c| c.code == value),
            "ancestor" => view.ancestors.iter().any(|a| a.code == value),
            "seventh" => view.seventh_characters.as_ref().is_some_and(|s| s.source == value),
            "seventh-disallowed" => view
                .seventh_characters
                .as_ref()
                .is_some_and(|s| s.characters.iter().any(|c| c.character.to_string() == value && !c.allowed)),
            other => return Err(format!("unknown expectation {other:?}")),
        },
    };
    if ok {
        Ok(())
    } else {
        Err(format!("expected {expectation}"))
    }
}

#[test]
fn lookup_cases() {
    let set = common::icd10cm();
    let text = std::fs::read_to_string(common::repo("tests/cases/lookup.txt")).unwrap();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        cases += 1;
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (code, date, expectations) = (fields[0], fields[1], &fields[2..]);
        assert!(!expectations.is_empty(), "line {}: no expectation", n + 1);
        let result = Date::parse_iso(date)
            .map_err(|e| e.to_string())
            .and_then(|d| set.lookup(code, d).map_err(|e| e.to_string()));
        for e in expectations {
            let outcome = match (&result, e.strip_prefix("error~")) {
                (Err(msg), Some(want)) if msg.contains(&want.replace('_', " ")) => Ok(()),
                (Err(msg), _) => Err(format!("lookup failed: {msg}")),
                (Ok(_), Some(_)) => Err("expected an error".to_string()),
                (Ok(view), None) => check(view, e),
            };
            if let Err(why) = outcome {
                failures.push(format!("line {} `{code} {date}`: {e}: {why}", n + 1));
            }
        }
    }
    assert!(cases >= 25, "only {cases} cases");
    assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));
}
