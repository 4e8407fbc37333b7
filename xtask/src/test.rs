//! `cargo xtask test`: every test the project has, in order, with a summary.
//!
//!   1. cargo test --workspace --no-fail-fast  (host: core, CLI, xtask)
//!   2. build                                  (`cargo xtask build`: wasm + www/pkg)
//!   3. npm ci                                 (only when node_modules is missing or older than package-lock.json)
//!   4. node --test tests/wasm/*.test.mjs      (the wasm API in Node)
//!   5. node --test tests/e2e/*.test.mjs       (headless Chromium; MEDCODE_BASE_URL = in-process server)
//!
//! A failed step fails the command; steps that depend on it are skipped, independent ones still run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

use crate::util::{self, run, secs};

const CHROMIUM: &str = "/usr/bin/chromium";

enum Outcome {
    Pass(String),
    Fail(String),
    Skip(String),
}

struct Step {
    name: &'static str,
    outcome: Outcome,
    secs: f64,
}

pub fn test() -> Result<(), String> {
    let t0 = Instant::now();
    let root = util::root();
    let mut steps: Vec<Step> = Vec::new();

    let step = |steps: &mut Vec<Step>,
                name: &'static str,
                f: &mut dyn FnMut() -> Result<String, String>| {
        println!("\n==== xtask test: {name}");
        let t = Instant::now();
        let outcome = match f() {
            Ok(note) => Outcome::Pass(note),
            Err(e) => {
                eprintln!("==== step `{name}` FAILED: {e}");
                Outcome::Fail(e)
            }
        };
        let ok = matches!(outcome, Outcome::Pass(_));
        steps.push(Step {
            name,
            outcome,
            secs: t.elapsed().as_secs_f64(),
        });
        ok
    };
    let skip = |steps: &mut Vec<Step>, name: &'static str, why: &str| {
        println!("\n==== xtask test: {name}: skipped ({why})");
        steps.push(Step {
            name,
            outcome: Outcome::Skip(why.to_string()),
            secs: 0.0,
        });
    };

    step(&mut steps, "cargo test --workspace", &mut || {
        run(util::cargo().args(["test", "--workspace", "--no-fail-fast"])).map(|()| String::new())
    });
    let built = step(&mut steps, "build (www/pkg)", &mut || {
        crate::build::build().map(|()| String::new())
    });
    let npm = step(&mut steps, "npm dependencies", &mut ensure_npm_deps_note);

    if built {
        step(&mut steps, "node --test tests/wasm", &mut || {
            let files = test_files(&root.join("tests/wasm"))?;
            if files.is_empty() {
                return Err("no tests/wasm/*.test.mjs found".into());
            }
            run(Command::new("node").arg("--test").args(&files))
                .map(|()| format!("{} file(s)", files.len()))
        });
    } else {
        skip(&mut steps, "node --test tests/wasm", "build failed");
    }

    let e2e_files = test_files(&root.join("tests/e2e")).unwrap_or_default();
    if e2e_files.is_empty() {
        println!("\n==== xtask test: node --test tests/e2e: no e2e tests");
        steps.push(Step {
            name: "node --test tests/e2e",
            outcome: Outcome::Skip("no e2e tests".into()),
            secs: 0.0,
        });
    } else if !built {
        skip(&mut steps, "node --test tests/e2e", "build failed");
    } else if !npm {
        skip(
            &mut steps,
            "node --test tests/e2e",
            "npm dependencies failed",
        );
    } else {
        step(&mut steps, "node --test tests/e2e", &mut || {
            ensure_chromium()?;
            let base = crate::serve::spawn(root.join("www"))
                .map_err(|e| format!("cannot start the static server: {e}"))?;
            println!("static server for e2e: {base}/ (MEDCODE_BASE_URL)");
            let mut cmd = Command::new("node");
            cmd.env("MEDCODE_BASE_URL", &base)
                .arg("--test")
                .args(&e2e_files);
            run(&mut cmd).map(|()| format!("{} file(s)", e2e_files.len()))
        });
    }

    // Summary.
    println!("\n==== xtask test summary");
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for s in &steps {
        let (tag, note) = match &s.outcome {
            Outcome::Pass(n) => {
                passed += 1;
                ("PASS", n.as_str())
            }
            Outcome::Fail(e) => {
                failed += 1;
                ("FAIL", e.as_str())
            }
            Outcome::Skip(w) => {
                skipped += 1;
                ("SKIP", w.as_str())
            }
        };
        let time = if matches!(s.outcome, Outcome::Skip(_)) {
            String::new()
        } else {
            format!("{:.1}s", s.secs)
        };
        println!(
            "  {tag}  {:<26} {:>7}  {}",
            s.name,
            time,
            note.lines().next().unwrap_or("")
        );
    }
    println!("  total {}", secs(t0.elapsed()));
    println!("steps: {passed} passed, {failed} failed, {skipped} skipped");
    let failures: Vec<&str> = steps
        .iter()
        .filter(|s| matches!(s.outcome, Outcome::Fail(_)))
        .map(|s| s.name)
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("failed step(s): {}", failures.join(", ")))
    }
}

/// `*.test.mjs` directly in `dir`, sorted, as paths relative to the repository root.
fn test_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let root = util::root();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot list {}: {e}", dir.display())),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.to_string_lossy().ends_with(".test.mjs"))
        .map(|p| p.strip_prefix(&root).map(Path::to_path_buf).unwrap_or(p))
        .collect();
    files.sort();
    Ok(files)
}

fn mtime(p: &Path) -> Option<SystemTime> {
    fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// `npm ci` when node_modules is missing or older than package-lock.json.
pub fn ensure_npm_deps() -> Result<(), String> {
    ensure_npm_deps_note().map(|note| println!("{note}"))
}

fn ensure_npm_deps_note() -> Result<String, String> {
    let root = util::root();
    let lock = root.join("package-lock.json");
    let Some(lock_time) = mtime(&lock) else {
        return Err("package-lock.json is missing".into());
    };
    // npm writes node_modules/.package-lock.json on every install: the best "installed at".
    let installed = mtime(&root.join("node_modules/.package-lock.json"))
        .or_else(|| mtime(&root.join("node_modules")));
    match installed {
        Some(t) if t >= lock_time => Ok("node_modules is current (npm ci not needed)".into()),
        Some(_) => run(Command::new("npm").arg("ci"))
            .map(|()| "npm ci (node_modules was older than package-lock.json)".into()),
        None => {
            run(Command::new("npm").arg("ci")).map(|()| "npm ci (node_modules was missing)".into())
        }
    }
}

/// Debian's chromium for the browser tests; installs it when running as root.
fn ensure_chromium() -> Result<(), String> {
    if Path::new(CHROMIUM).exists() {
        println!("chromium: {CHROMIUM}");
        return Ok(());
    }
    let uid = util::output(Command::new("id").arg("-u")).map(|s| s.trim().to_string());
    if uid.as_deref() == Some("0") {
        println!("chromium: {CHROMIUM} missing; installing Debian's chromium");
        run(Command::new("apt-get").arg("update"))?;
        run(Command::new("apt-get").args(["install", "-y", "chromium", "chromium-driver"]))?;
        if Path::new(CHROMIUM).exists() {
            return Ok(());
        }
        return Err(format!(
            "apt-get install chromium did not provide {CHROMIUM}"
        ));
    }
    Err(format!(
        "{CHROMIUM} is missing; install it with: sudo apt-get update && sudo apt-get install -y chromium chromium-driver"
    ))
}
