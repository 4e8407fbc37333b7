//! Runs the data-driven ICD-10-CM index cases in tests/cases/cm_index.txt (format at its top).

mod common;

use std::sync::OnceLock;

use medcode::codes::Date;
use medcode::store::cm_index::{code_view, Icd10cmIndex, IndexTable, IndexView, Resolution, TableRows};

fn index() -> &'static Icd10cmIndex {
    static SET: OnceLock<Icd10cmIndex> = OnceLock::new();
    SET.get_or_init(|| Icd10cmIndex::from_bytes(&std::fs::read(common::repo("codesets/compiled/icd10cm_index.bin")).unwrap()).unwrap())
}

fn words(s: &str) -> String {
    s.replace('_', " ")
}

fn json_id<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).unwrap().as_str().unwrap_or_default().to_string()
}

fn table(name: &str) -> Result<IndexTable, String> {
    IndexTable::parse(name).ok_or(format!("unknown table {name:?}"))
}

/// The term a "Main > sub > sub" path names, by exact titles.
fn term_at(view: &IndexView, table: IndexTable, path: &str) -> Result<u32, String> {
    let file = view.file(table).ok_or("table not loaded")?;
    let mut steps = path.split(" > ");
    let main = steps.next().unwrap();
    let mut at = file.find_main_term(main).ok_or(format!("no main term {main:?}"))?;
    for step in steps {
        at = *file
            .children(at)
            .iter()
            .find(|&&c| file.terms[c as usize].title == step)
            .ok_or(format!("no subterm {step:?} under {:?}", file.terms[at as usize].title))?;
    }
    Ok(at)
}

fn check_rows(rows: &TableRows, e: &str) -> Result<bool, String> {
    Ok(match e.split_once(['=', '~']).ok_or("expectation without '='")? {
        ("rows>", n) => rows.total >= n.trim_start_matches('=').parse::<usize>().map_err(|x| x.to_string())?,
        ("cell", spec) => {
            let parts: Vec<&str> = spec.split('/').collect();
            let [title, key, code] = parts[..] else { return Err("cell=TITLE/KEY/CODE".into()) };
            rows.rows.iter().filter(|r| r.title == words(title)).any(|r| r.cells.iter().any(|c| c.key == key && c.printed.as_deref() == Some(code)))
        }
        (k, _) => return Err(format!("unknown rows expectation {k:?}")),
    })
}

fn run(view: &IndexView, command: &str, args: &str, e: &str) -> Result<bool, String> {
    let set = common::icd10cm();
    let (key, value) = e.split_once(['=', '~']).ok_or("expectation without '='")?;
    let text = &*words(value);
    match command {
        "search" => {
            let hits = view.search_index(args, 10);
            let printed = |n: usize| hits.iter().take(n).filter_map(|h| h.code.as_ref()).map(|c| c.printed.clone()).collect::<Vec<_>>();
            let first = hits.first().ok_or("no hits")?;
            Ok(match key {
                "top1" => printed(1).contains(&value.to_string()) && first.code.is_some(),
                "top3" => printed(3).contains(&value.to_string()),
                "top10" => printed(10).contains(&value.to_string()),
                "table" => json_id(&first.table) == value,
                "column" => first.column_key == Some(value),
                "path" => first.path.join(">") == text,
                "status" => first.code.as_ref().is_some_and(|c| json_id(&c.status) == value),
                "xref" => first.xref.as_ref().is_some_and(|x| x.text == text),
                _ => return Err(format!("unknown search expectation {key:?}")),
            })
        }
        "term" => {
            let (t, main) = args.split_once(' ').ok_or("term TABLE MAIN")?;
            let tree = view.term(table(t)?, main).ok_or(format!("no main term {main:?}"))?;
            Ok(match key {
                "lines>" => tree.lines.len() >= value.trim_start_matches('=').parse::<usize>().map_err(|x| x.to_string())?,
                "has" => tree.lines.iter().any(|l| l.title == text),
                "code" => tree.lines.iter().any(|l| l.codes.iter().any(|c| c.printed == value) || l.cells.iter().any(|c| c.printed.as_deref() == Some(value))),
                "nemod" => tree.lines[0].nemod.as_deref() == Some(text),
                _ => return Err(format!("unknown term expectation {key:?}")),
            })
        }
        "neoplasm" => check_rows(&view.neoplasm(args, 10_000), e),
        "drug" => check_rows(&view.drug(args, 10_000), e),
        "status" => {
            let mut parts = args.split_whitespace();
            let code = parts.next().ok_or("status CODE [DATE]")?;
            let date = parts.next().map(Date::parse_iso).transpose().map_err(|x| x.to_string())?.unwrap_or(Date(20260401));
            let v = code_view(set, code, date);
            Ok(match key {
                "status" => json_id(&v.status) == value,
                "tabular" => v.tabular.as_deref() == Some(value),
                "stem" => v.stem.as_deref() == Some(value),
                "sevenths" => v.sevenths.as_deref() == Some(value),
                "text" => v.text.contains(text),
                _ => return Err(format!("unknown status expectation {key:?}")),
            })
        }
        "xref" => {
            let (t, path) = args.split_once(' ').ok_or("xref TABLE PATH")?;
            let t = table(t)?;
            let id = term_at(view, t, path)?;
            let term = &view.file(t).unwrap().terms[id as usize];
            let x = term.xrefs.first().ok_or("no cross-reference there")?;
            let r = view.resolve(t, term, x);
            let status = serde_json::to_value(&r).unwrap()["status"].as_str().unwrap().to_string();
            Ok(match (key, &r) {
                ("status", _) => status == value,
                ("to", Resolution::Resolved { path, .. } | Resolution::Partial { path, .. }) => path.join(">") == text,
                ("instruction", Resolution::Resolved { instruction, .. }) => instruction.as_deref().is_some_and(|i| i.contains(text)),
                ("codes", Resolution::Tabular { codes }) => codes.join(",") == value,
                ("to" | "instruction" | "codes", _) => false,
                _ => return Err(format!("unknown xref expectation {key:?}")),
            })
        }
        other => Err(format!("unknown command {other:?}")),
    }
}

#[test]
fn cm_index_cases() {
    let view = index().view(None);
    let text = std::fs::read_to_string(common::repo("tests/cases/cm_index.txt")).unwrap();
    let (mut cases, mut failures) = (0, Vec::new());
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        cases += 1;
        let (call, expectations) = line.split_once(" | ").unwrap_or_else(|| panic!("line {}: COMMAND ARGS | EXPECTATION...", n + 1));
        let (command, args) = call.trim().split_once(' ').unwrap_or((call.trim(), ""));
        let expectations: Vec<&str> = expectations.split_whitespace().collect();
        assert!(!expectations.is_empty(), "line {}: no expectation", n + 1);
        for e in expectations {
            match run(&view, command, args.trim(), e) {
                Ok(true) => {}
                Ok(false) => failures.push(format!("line {} `{call}`: expected {e}", n + 1)),
                Err(why) => failures.push(format!("line {} `{call}`: {e}: {why}", n + 1)),
            }
        }
    }
    assert!(cases >= 40, "only {cases} cases");
    assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));
}
