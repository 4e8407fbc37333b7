//! `cargo xtask build`: the wasm core and the code set into `www/pkg/`.
//!
//! Steps: wasm32 target -> wasm-bindgen-cli at the Cargo.lock version -> cargo build (wasm32,
//! release) -> wasm-bindgen --target web -> wasm-opt -O3 (when installed) -> copy icd10cm.bin ->
//! build-id.js (FNV-1a 64 over the pkg files).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::util::{self, run, size};

const TARGET: &str = "wasm32-unknown-unknown";

/// Features current rustc enables by default for wasm32-unknown-unknown; wasm-opt must accept them.
const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

pub fn build() -> Result<(), String> {
    let t0 = Instant::now();
    let root = util::root();
    let pkg = root.join("www/pkg");
    println!("== xtask build: wasm core -> {}", pkg.display());

    ensure_wasm_target()?;
    let bindgen = ensure_wasm_bindgen(&root)?;

    util::run(util::cargo().args(["build", "--lib", "--release", "--target", TARGET, "-p", "medcode"]))?;
    let wasm = root.join(format!("target/{TARGET}/release/medcode.wasm"));
    if !wasm.is_file() {
        return Err(format!("cargo build did not produce {}", wasm.display()));
    }

    fs::create_dir_all(&pkg).map_err(|e| format!("cannot create {}: {e}", pkg.display()))?;
    run(Command::new(&bindgen).args(["--target", "web", "--out-dir", "www/pkg"]).arg(&wasm))?;

    wasm_opt(&pkg.join("medcode_bg.wasm"));

    let bin_src = root.join("codesets/compiled/icd10cm.bin");
    let bin_dst = pkg.join("icd10cm.bin");
    if !bin_src.is_file() {
        return Err(format!(
            "{} is missing: run `cargo xtask codesets` to compile the code set",
            bin_src.display()
        ));
    }
    fs::copy(&bin_src, &bin_dst).map_err(|e| format!("cannot copy {}: {e}", bin_src.display()))?;
    println!("copied codesets/compiled/icd10cm.bin -> www/pkg/icd10cm.bin");

    let id = build_id(&pkg)?;
    let js = format!("self.MEDCODE_BUILD = \"{id}\";\n");
    fs::write(pkg.join("build-id.js"), js).map_err(|e| format!("cannot write build-id.js: {e}"))?;
    println!("wrote www/pkg/build-id.js (MEDCODE_BUILD = \"{id}\")");

    println!("www/pkg:");
    for (rel, len) in pkg_files(&pkg)? {
        println!("  {rel:<28} {:>12}", size(len));
    }
    println!("== xtask build done in {}", util::secs(t0.elapsed()));
    Ok(())
}

/// (a) `rustup target add wasm32-unknown-unknown` unless it is already installed.
fn ensure_wasm_target() -> Result<(), String> {
    match util::output(Command::new("rustup").args(["target", "list", "--installed"])) {
        Some(list) if list.lines().any(|l| l.trim() == TARGET) => {
            println!("wasm target: {TARGET} installed");
            Ok(())
        }
        Some(_) => run(Command::new("rustup").args(["target", "add", TARGET])),
        None => {
            // No rustup (e.g. a distro toolchain): let cargo report a missing target itself.
            println!("warning: `rustup target list --installed` failed; assuming {TARGET} is available");
            Ok(())
        }
    }
}

/// The version of a package in Cargo.lock (None if absent). Errors if it is locked twice.
pub fn locked_version(lock: &str, name: &str) -> Result<Option<String>, String> {
    let mut found: Vec<String> = Vec::new();
    let mut cur: Option<&str> = None;
    for line in lock.lines().map(str::trim) {
        if line.starts_with('[') {
            cur = None;
        } else if let Some(v) = line.strip_prefix("name = ") {
            cur = Some(v.trim_matches('"'));
        } else if let Some(v) = line.strip_prefix("version = ") {
            if cur == Some(name) {
                found.push(v.trim_matches('"').to_string());
            }
        }
    }
    found.dedup();
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => Err(format!("Cargo.lock holds several versions of {name}: {}", found.join(", "))),
    }
}

/// Parse `wasm-bindgen 0.2.130` (the output of `wasm-bindgen --version`).
pub fn parse_bindgen_version(out: &str) -> Option<String> {
    out.split_whitespace().nth(1).map(str::to_string)
}

fn bindgen_version(program: &Path) -> Option<String> {
    util::output(Command::new(program).arg("--version")).and_then(|o| parse_bindgen_version(&o))
}

fn cargo_home_bin() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// (b) wasm-bindgen-cli at exactly the version of `wasm-bindgen` in Cargo.lock. Returns the
/// program to run.
fn ensure_wasm_bindgen(root: &Path) -> Result<PathBuf, String> {
    let lock_path = root.join("Cargo.lock");
    if !lock_path.is_file() {
        // Running any cargo command on the workspace writes it.
        run(util::cargo().args(["generate-lockfile"]))?;
    }
    let lock = fs::read_to_string(&lock_path).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let want = locked_version(&lock, "wasm-bindgen")?
        .ok_or("Cargo.lock has no `wasm-bindgen` package: is it a dependency of medcode for wasm32?")?;

    let candidates = [PathBuf::from("wasm-bindgen"), cargo_home_bin().join("wasm-bindgen")];
    let mut seen = Vec::new();
    for c in &candidates {
        match bindgen_version(c) {
            Some(v) if v == want => {
                println!("wasm-bindgen: {} {v} (matches Cargo.lock)", c.display());
                return Ok(c.clone());
            }
            Some(v) => seen.push(format!("{} is {v}", c.display())),
            None => {}
        }
    }
    if seen.is_empty() {
        println!("wasm-bindgen: not installed; Cargo.lock wants {want}");
    } else {
        println!("wasm-bindgen: {}; Cargo.lock wants {want}", seen.join(", "));
    }
    // No --locked: it does not resolve against the registry mirror here (GUIDE section 5).
    run(util::cargo().args(["install", "wasm-bindgen-cli", "--version", &want]))?;
    let installed = cargo_home_bin().join("wasm-bindgen");
    match bindgen_version(&installed) {
        Some(v) if v == want => Ok(installed),
        other => Err(format!(
            "after `cargo install wasm-bindgen-cli --version {want}`, {} reports {:?}",
            installed.display(),
            other
        )),
    }
}

/// (e) `wasm-opt -O3` in place when wasm-opt is installed; on failure keep the unoptimised file.
fn wasm_opt(wasm: &Path) {
    let Some(version) = util::output(Command::new("wasm-opt").arg("--version")) else {
        println!("wasm-opt: not installed (Debian package binaryen); keeping the unoptimised wasm");
        return;
    };
    let before = fs::metadata(wasm).map(|m| m.len()).unwrap_or(0);
    let tmp = wasm.with_extension("opt.wasm");
    let mut cmd = Command::new("wasm-opt");
    cmd.arg("-O3").args(WASM_OPT_FEATURES).arg(wasm).arg("-o").arg(&tmp);
    println!("wasm-opt: {}", version.trim());
    let result = run(&mut cmd).and_then(|()| fs::rename(&tmp, wasm).map_err(|e| e.to_string()));
    match result {
        Ok(()) => {
            let after = fs::metadata(wasm).map(|m| m.len()).unwrap_or(0);
            println!("wasm-opt: medcode_bg.wasm {} -> {}", size(before), size(after));
        }
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            println!("warning: wasm-opt failed ({e}); keeping the unoptimised medcode_bg.wasm");
        }
    }
}

/// Every file under www/pkg except build-id.js: (relative path with '/', size), sorted.
fn pkg_files(pkg: &Path) -> Result<Vec<(String, u64)>, String> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, u64)>) -> std::io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                walk(&path, base, out)?;
            } else {
                let rel = path.strip_prefix(base).unwrap_or(&path);
                let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                out.push((rel, entry.metadata()?.len()));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(pkg, pkg, &mut out).map_err(|e| format!("cannot list {}: {e}", pkg.display()))?;
    out.sort();
    Ok(out)
}

/// 64-bit FNV-1a.
pub struct Fnv64(u64);

impl Fnv64 {
    pub fn new() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// (g) 16 hex digits of FNV-1a 64 over the names, lengths and bytes of the pkg files.
pub fn build_id(pkg: &Path) -> Result<String, String> {
    let mut h = Fnv64::new();
    for (rel, _) in pkg_files(pkg)? {
        if rel == "build-id.js" {
            continue;
        }
        let bytes = fs::read(pkg.join(&rel)).map_err(|e| format!("cannot read www/pkg/{rel}: {e}"))?;
        h.write(rel.as_bytes());
        h.write(&[0]);
        h.write(&(bytes.len() as u64).to_le_bytes());
        h.write(&bytes);
    }
    Ok(format!("{:016x}", h.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locked_version_finds_the_package_not_its_dependents() {
        let lock = r#"
version = 4

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.130"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]

[[package]]
name = "js-sys"
version = "0.3.77"
"#;
        assert_eq!(locked_version(lock, "wasm-bindgen").unwrap().as_deref(), Some("0.2.130"));
        assert_eq!(locked_version(lock, "js-sys").unwrap().as_deref(), Some("0.3.77"));
        assert_eq!(locked_version(lock, "serde").unwrap(), None);
        let twice = format!("{lock}\n[[package]]\nname = \"js-sys\"\nversion = \"0.3.80\"\n");
        assert!(locked_version(&twice, "js-sys").is_err());
    }

    #[test]
    fn bindgen_version_output() {
        assert_eq!(parse_bindgen_version("wasm-bindgen 0.2.130\n").as_deref(), Some("0.2.130"));
        assert_eq!(parse_bindgen_version(""), None);
    }

    #[test]
    fn fnv1a_known_values() {
        let mut h = Fnv64::new();
        assert_eq!(h.finish(), 0xcbf29ce484222325);
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63dc4c8601ec8c);
        let mut h = Fnv64::new();
        h.write(b"foobar");
        assert_eq!(h.finish(), 0x85944171f73967e8);
    }

    #[test]
    fn build_id_is_stable_and_ignores_itself() {
        let dir = std::env::temp_dir().join(format!("xtask-build-id-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("snippets")).unwrap();
        fs::write(dir.join("medcode.js"), "export {}").unwrap();
        fs::write(dir.join("snippets/x.js"), "1").unwrap();
        let a = build_id(&dir).unwrap();
        assert_eq!(a.len(), 16);
        fs::write(dir.join("build-id.js"), "self.MEDCODE_BUILD = \"x\";").unwrap();
        assert_eq!(build_id(&dir).unwrap(), a);
        fs::write(dir.join("snippets/x.js"), "2").unwrap();
        assert_ne!(build_id(&dir).unwrap(), a);
        fs::remove_dir_all(&dir).unwrap();
    }
}
