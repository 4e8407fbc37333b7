//! `cargo xtask` — the project's build, serve, test, benchmark and code-set commands.
//!
//! Std only on purpose. Every command prints what it runs (`$ ...`) so a failure can be
//! reproduced by hand. See `cargo xtask --help`.

mod build;
mod serve;
mod test;
mod util;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command> [options]

Commands:
  build                    build the wasm core into www/pkg/ (wasm-bindgen, wasm-opt, compiled code sets, build-id.js)
  serve [--port 8080]      build, then serve www/ on http://127.0.0.1:PORT (Ctrl-C to stop)
  test                     run every test: cargo test, wasm build, npm ci, Node wasm API tests, browser e2e tests
  codesets                 recompile codesets/compiled/ from the official files (medcode compile)
  bench search [--misses]  build, then benchmark search (ours vs MiniSearch vs FlexSearch) and print a table
  help, --help             print this help
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cmd = args.first().map(String::as_str).unwrap_or("help");
    let rest = &args[args.len().min(1)..];
    let result = match cmd {
        "build" => no_args(cmd, rest).and_then(|()| build::build()),
        "serve" => serve_cmd(rest),
        "test" => no_args(cmd, rest).and_then(|()| test::test()),
        "codesets" => no_args(cmd, rest).and_then(|()| codesets()),
        "bench" => bench(rest),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("\nxtask {cmd}: FAILED: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn no_args(cmd: &str, rest: &[String]) -> Result<(), String> {
    match rest.first() {
        None => Ok(()),
        Some(a) => Err(format!(
            "`{cmd}` takes no arguments, got `{a}` (see `cargo xtask --help`)"
        )),
    }
}

fn serve_cmd(rest: &[String]) -> Result<(), String> {
    let mut port: u16 = 8080;
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        let value = if a == "--port" {
            it.next().ok_or("`--port` needs a number")?.as_str()
        } else if let Some(v) = a.strip_prefix("--port=") {
            v
        } else {
            return Err(format!(
                "unknown option `{a}` for serve (usage: cargo xtask serve [--port 8080])"
            ));
        };
        port = value.parse().map_err(|_| format!("bad port `{value}`"))?;
    }
    build::build()?;
    let root = util::root().join("www");
    let listener =
        serve::bind(port).map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!(
        "\nServing {} on http://{addr}/  (Ctrl-C to stop)",
        root.display()
    );
    serve::serve_forever(listener, root, true);
    Ok(())
}

fn codesets() -> Result<(), String> {
    util::run(util::cargo().args(["run", "--release", "--bin", "medcode", "--", "compile"]))?;
    // Informational only: a missing git must not fail the command.
    let status = util::output(std::process::Command::new("git").args([
        "status",
        "--short",
        "--",
        "codesets/compiled",
    ]));
    match status.as_deref().map(str::trim) {
        Some("") => println!("\ncodesets/compiled/ is unchanged: the committed bytes are current."),
        Some(changes) => println!("\ncodesets/compiled/ changed; commit it:\n{changes}"),
        None => println!("\nRecompiled codesets/compiled/ (git status unavailable)."),
    }
    Ok(())
}

fn bench(rest: &[String]) -> Result<(), String> {
    match rest.first().map(String::as_str) {
        Some("search") => {
            build::build()?;
            test::ensure_npm_deps()?;
            let mut cmd = std::process::Command::new("node");
            cmd.arg("bench/search.mjs").args(&rest[1..]);
            util::run(&mut cmd)
        }
        Some(other) => Err(format!("unknown benchmark `{other}` (available: search)")),
        None => Err("usage: cargo xtask bench search [--misses]".into()),
    }
}
