//! `cargo xtask build`: the wasm core and the code set into `www/pkg/`.
//!
//! Steps: wasm32 target -> wasm-bindgen-cli at the Cargo.lock version -> cargo build (wasm32,
//! release) -> wasm-bindgen --target web -> wasm-opt -O3 (when installed) -> copy codesets/compiled/*.bin ->
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

    util::run(util::cargo().args([
        "build",
        "--lib",
        "--release",
        "--target",
        TARGET,
        "-p",
        "medcode",
    ]))?;
    let wasm = root.join(format!("target/{TARGET}/release/medcode.wasm"));
    if !wasm.is_file() {
        return Err(format!("cargo build did not produce {}", wasm.display()));
    }

    fs::create_dir_all(&pkg).map_err(|e| format!("cannot create {}: {e}", pkg.display()))?;
    run(Command::new(&bindgen)
        .args(["--target", "web", "--out-dir", "www/pkg"])
        .arg(&wasm))?;

    wasm_opt(&pkg.join("medcode_bg.wasm"));

    // Every compiled code set the page loads (icd10cm.bin, icd10pcs.bin, hcpcs.bin, ...).
    let compiled = root.join("codesets/compiled");
    if !compiled.join("icd10cm.bin").is_file() {
        return Err(format!(
            "{} is missing: run `cargo xtask codesets` to compile the code sets",
            compiled.join("icd10cm.bin").display()
        ));
    }
    let mut bins: Vec<_> = fs::read_dir(&compiled)
        .map_err(|e| format!("cannot read {}: {e}", compiled.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .collect();
    bins.sort();
    for bin_src in bins {
        let name = bin_src.file_name().unwrap().to_string_lossy().into_owned();
        fs::copy(&bin_src, pkg.join(&name)).map_err(|e| format!("cannot copy {}: {e}", bin_src.display()))?;
        println!("copied codesets/compiled/{name} -> www/pkg/{name}");
    }

    // The cache name must change when anything the page loads changes, the page's own JS and
    // CSS included, or a student keeps stale files offline.
    let id = build_id(&root.join("www"))?;
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
            println!(
                "warning: `rustup target list --installed` failed; assuming {TARGET} is available"
            );
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
        _ => Err(format!(
            "Cargo.lock holds several versions of {name}: {}",
            found.join(", ")
        )),
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
    let lock =
        fs::read_to_string(&lock_path).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let want = locked_version(&lock, "wasm-bindgen")?.ok_or(
        "Cargo.lock has no `wasm-bindgen` package: is it a dependency of medcode for wasm32?",
    )?;

    let candidates = [
        PathBuf::from("wasm-bindgen"),
        cargo_home_bin().join("wasm-bindgen"),
    ];
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
    cmd.arg("-O3")
        .args(WASM_OPT_FEATURES)
        .arg(wasm)
        .arg("-o")
        .arg(&tmp);
    println!("wasm-opt: {}", version.trim());
    // Old binaryen releases (Debian bookworm's 108) rewrite wasm-bindgen's externref table export
    // to the funcref table and still exit 0, so the output is checked before it replaces the input.
    let result = run(&mut cmd)
        .and_then(|()| same_exports(wasm, &tmp))
        .and_then(|()| smoke_test(wasm, &tmp))
        .and_then(|()| fs::rename(&tmp, wasm).map_err(|e| e.to_string()));
    match result {
        Ok(()) => {
            let after = fs::metadata(wasm).map(|m| m.len()).unwrap_or(0);
            println!(
                "wasm-opt: medcode_bg.wasm {} -> {}",
                size(before),
                size(after)
            );
        }
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            println!("warning: wasm-opt failed ({e}); keeping the unoptimised medcode_bg.wasm");
        }
    }
}

/// The optimised module must export the same names, with the same kinds and table types.
fn same_exports(before: &Path, after: &Path) -> Result<(), String> {
    let read = |p: &Path| -> Result<Vec<Export>, String> {
        let bytes = fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        wasm_exports(&bytes).ok_or_else(|| format!("cannot parse the exports of {}", p.display()))
    };
    let (mut a, mut b) = (read(before)?, read(after)?);
    a.sort();
    b.sort();
    if a == b {
        return Ok(());
    }
    let changed: Vec<String> = a
        .iter()
        .filter(|x| !b.contains(x))
        .map(|x| {
            let now = b.iter().find(|y| y.name == x.name);
            let now = now.map_or("missing".to_string(), |y| y.kind.to_string());
            format!("`{}` was {} and is now {now}", x.name, x.kind)
        })
        .collect();
    Err(format!(
        "wasm-opt changed the module's exports: {}",
        changed.join("; ")
    ))
}

/// When node is installed: the optimised module must instantiate through the generated glue, and
/// `new Trainer(<empty>)` must throw a JS Error (exercises the externref table and error path).
fn smoke_test(original: &Path, optimised: &Path) -> Result<(), String> {
    if util::output(Command::new("node").arg("--version")).is_none() {
        println!("wasm-opt: node not installed, skipping the instantiation check");
        return Ok(());
    }
    const SCRIPT: &str = r#"
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
const [js, wasm] = process.argv.slice(1);
const m = await import(pathToFileURL(js));
m.initSync({ module: fs.readFileSync(wasm) });
if (m.Trainer) {
  let err;
  try { new m.Trainer(new Uint8Array(0)); } catch (e) { err = e; }
  if (!(err instanceof Error)) throw new Error(`new Trainer(empty) threw ${err}, not an Error`);
}
"#;
    let js = original.with_file_name("medcode.js");
    let out = Command::new("node")
        .args(["--input-type=module", "-e", SCRIPT])
        .arg(&js)
        .arg(optimised)
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if out.status.success() {
        println!("wasm-opt: optimised module instantiates in node");
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let line = err
            .lines()
            .find(|l| l.contains("Error"))
            .unwrap_or("")
            .trim()
            .to_string();
        Err(format!(
            "the optimised module does not instantiate in node: {line}"
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExportKind {
    Func,
    /// A table, with its element reference type byte (0x70 funcref, 0x6f externref).
    Table(u8),
    Memory,
    Global,
    Tag,
}

impl std::fmt::Display for ExportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportKind::Func => f.write_str("a function"),
            ExportKind::Table(0x70) => f.write_str("a funcref table"),
            ExportKind::Table(0x6f) => f.write_str("an externref table"),
            ExportKind::Table(t) => write!(f, "a table of type 0x{t:02x}"),
            ExportKind::Memory => f.write_str("a memory"),
            ExportKind::Global => f.write_str("a global"),
            ExportKind::Tag => f.write_str("a tag"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Export {
    pub name: String,
    pub kind: ExportKind,
}

/// The exports of a wasm binary (None if it cannot be parsed): just enough of the format to
/// resolve exported tables to their element type.
pub fn wasm_exports(bytes: &[u8]) -> Option<Vec<Export>> {
    struct R<'a> {
        b: &'a [u8],
        i: usize,
    }
    impl R<'_> {
        fn u8(&mut self) -> Option<u8> {
            let v = *self.b.get(self.i)?;
            self.i += 1;
            Some(v)
        }
        fn leb(&mut self) -> Option<u64> {
            let (mut v, mut shift) = (0u64, 0);
            loop {
                let byte = self.u8()?;
                v |= u64::from(byte & 0x7f) << shift;
                if byte & 0x80 == 0 {
                    return Some(v);
                }
                shift += 7;
                if shift > 63 {
                    return None;
                }
            }
        }
        fn bytes(&mut self) -> Option<&[u8]> {
            let n = self.leb()? as usize;
            let s = self.b.get(self.i..self.i.checked_add(n)?)?;
            self.i += n;
            Some(s)
        }
        fn limits(&mut self) -> Option<()> {
            let flags = self.u8()?;
            self.leb()?;
            if flags & 1 != 0 {
                self.leb()?;
            }
            Some(())
        }
        fn reftype(&mut self) -> Option<u8> {
            match self.u8()? {
                t @ (0x70 | 0x6f) => Some(t),
                _ => None, // GC reference types: not produced by rustc, not handled
            }
        }
    }
    if bytes.get(..8)? != b"\0asm\x01\0\0\0" {
        return None;
    }
    let mut r = R { b: bytes, i: 8 };
    let mut tables: Vec<u8> = Vec::new();
    let mut raw_exports: Vec<(String, u8, u64)> = Vec::new();
    while r.i < bytes.len() {
        let id = r.u8()?;
        let body = r.bytes()?;
        let mut s = R { b: body, i: 0 };
        match id {
            2 => {
                for _ in 0..s.leb()? {
                    s.bytes()?;
                    s.bytes()?;
                    match s.u8()? {
                        0 => {
                            s.leb()?;
                        }
                        1 => {
                            tables.push(s.reftype()?);
                            s.limits()?;
                        }
                        2 => s.limits()?,
                        3 => {
                            s.u8()?;
                            s.u8()?;
                        }
                        4 => {
                            s.u8()?;
                            s.leb()?;
                        }
                        _ => return None,
                    }
                }
            }
            4 => {
                for _ in 0..s.leb()? {
                    tables.push(s.reftype()?);
                    s.limits()?;
                }
            }
            7 => {
                for _ in 0..s.leb()? {
                    let name = String::from_utf8(s.bytes()?.to_vec()).ok()?;
                    let kind = s.u8()?;
                    raw_exports.push((name, kind, s.leb()?));
                }
            }
            _ => {}
        }
    }
    raw_exports
        .into_iter()
        .map(|(name, kind, index)| {
            let kind = match kind {
                0 => ExportKind::Func,
                1 => ExportKind::Table(*tables.get(index as usize)?),
                2 => ExportKind::Memory,
                3 => ExportKind::Global,
                4 => ExportKind::Tag,
                _ => return None,
            };
            Some(Export { name, kind })
        })
        .collect()
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
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
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
pub fn build_id(www: &Path) -> Result<String, String> {
    let mut h = Fnv64::new();
    for (rel, _) in pkg_files(www)? {
        // The id file itself, and test output that may sit beside the app, are not the app.
        if rel.ends_with("build-id.js") || rel.ends_with(".opt.wasm") {
            continue;
        }
        let bytes = fs::read(www.join(&rel)).map_err(|e| format!("cannot read www/{rel}: {e}"))?;
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
        assert_eq!(
            locked_version(lock, "wasm-bindgen").unwrap().as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            locked_version(lock, "js-sys").unwrap().as_deref(),
            Some("0.3.77")
        );
        assert_eq!(locked_version(lock, "serde").unwrap(), None);
        let twice = format!("{lock}\n[[package]]\nname = \"js-sys\"\nversion = \"0.3.80\"\n");
        assert!(locked_version(&twice, "js-sys").is_err());
    }

    #[test]
    fn bindgen_version_output() {
        assert_eq!(
            parse_bindgen_version("wasm-bindgen 0.2.130\n").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(parse_bindgen_version(""), None);
    }

    #[test]
    fn wasm_exports_resolve_table_types() {
        // (module (import "m" "t" (table 1 funcref)) (table 2 externref) (memory 1)
        //   (func) (export "f" (func 0)) (export "t0" (table 0)) (export "refs" (table 1)) (export "mem" (memory 0)))
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        let section = |m: &mut Vec<u8>, id: u8, body: &[u8]| {
            m.push(id);
            m.push(body.len() as u8);
            m.extend_from_slice(body);
        };
        section(&mut m, 1, &[1, 0x60, 0, 0]);
        section(&mut m, 2, &[1, 1, b'm', 1, b't', 1, 0x70, 0, 1]);
        section(&mut m, 3, &[1, 0]);
        section(&mut m, 4, &[1, 0x6f, 0, 2]);
        section(&mut m, 5, &[1, 0, 1]);
        section(
            &mut m,
            7,
            &[
                4, 1, b'f', 0, 0, 2, b't', b'0', 1, 0, 4, b'r', b'e', b'f', b's', 1, 1, 3, b'm',
                b'e', b'm', 2, 0,
            ],
        );
        section(&mut m, 10, &[1, 2, 0, 0x0b]);
        let ex = wasm_exports(&m).expect("parses");
        let kind = |n: &str| ex.iter().find(|e| e.name == n).map(|e| e.kind);
        assert_eq!(kind("f"), Some(ExportKind::Func));
        assert_eq!(kind("t0"), Some(ExportKind::Table(0x70)));
        assert_eq!(kind("refs"), Some(ExportKind::Table(0x6f)));
        assert_eq!(kind("mem"), Some(ExportKind::Memory));
        assert_eq!(wasm_exports(b"\0asm\x01\0\0\0"), Some(vec![]));
        assert_eq!(wasm_exports(b"not wasm"), None);
        assert_eq!(wasm_exports(&m[..m.len() - 3]), None);
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
    /// Regression: the id was hashed over www/pkg only, so a change to the page's own JS or CSS
    /// kept the old offline cache name and students kept stale files.
    fn regression_build_id_changes_with_the_page_not_only_the_wasm() {
        let dir = std::env::temp_dir().join(format!("xtask-build-id-www-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("pkg")).unwrap();
        fs::create_dir_all(dir.join("js")).unwrap();
        fs::write(dir.join("pkg/medcode.js"), "export {}").unwrap();
        fs::write(dir.join("js/app.js"), "1").unwrap();
        let a = build_id(&dir).unwrap();
        fs::write(dir.join("pkg/build-id.js"), "self.MEDCODE_BUILD = \"x\";").unwrap();
        assert_eq!(build_id(&dir).unwrap(), a, "the id file does not change the id");
        fs::write(dir.join("js/app.js"), "2").unwrap();
        assert_ne!(build_id(&dir).unwrap(), a, "a page change changes the id");
        fs::remove_dir_all(&dir).unwrap();
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
