//! The `medcode` command line: the same core as the page, for scripts, tests and instructors.

use std::path::PathBuf;
use std::process::ExitCode;

use medcode::codes::Date;
use medcode::store::hcpcs::{CodeSystem, Hcpcs};
use medcode::store::pcs::Icd10pcs;
use medcode::Icd10cm;

const HELP: &str = "medcode — MedCode Trainer command line (ICD-10-CM FY2026)

USAGE:
    medcode lookup CODE [--date YYYY-MM-DD] [--system icd10cm|icd10pcs|hcpcs|cpt]
                                                  everything about one code, as JSON
    medcode search QUERY... [--limit N] [--system icd10cm|icd10pcs|hcpcs|cpt]
                                                  ranked search hits, as JSON (default limit 10;
                                                  ICD-10-PCS searches the index and completes codes)
    medcode grade --case CASE.json --answer ANSWER.json [--policy standard|practicode]
                                                  grade an answer against a case's key, as JSON
    medcode lint-cases DIR                        check every case file (*.json) of a case library;
                                                  prints each problem with file and field
    medcode codes --system icd10cm|icd10pcs|hcpcs|cpt --date YYYY-MM-DD [--reportable]
                                                  one code per line (ICD-10-CM with the dot)
    medcode pcs-build [PREFIX]                    ICD-10-PCS builder: the values allowed after PREFIX
    medcode index TERM [--table drug|neoplasm|external|alphabetic] [--file INDEX.xml] [--date YYYY-MM-DD]
                                                  an ICD-10-CM index main term and its subterms, as JSON
                                                  (alphabetic needs --file: the Index to Diseases is not shipped)
    medcode index --search QUERY [--limit N] [--file INDEX.xml]
                                                  search the index terms and table cells, as JSON
    medcode index --report [--date YYYY-MM-DD] [--format text|json]
                                                  per index table: code cells valid / revised / deleted,
                                                  unresolved cross-references
    medcode index-load FILE                       check a user's Alphabetic Index XML: edition and counts
    medcode compile [--source DIR] [--out FILE] [--abbreviations FILE]
                                                  compile the official files into code-set bytes
    medcode help                                  this text

OPTIONS:
    --date YYYY-MM-DD   date of service (default: today)
    --codeset FILE      compiled code set to read (default: codesets/compiled/icd10cm.bin in the
                        source tree, or $MEDCODE_CODESET)

Without --system, lookup reads a code with a dot as ICD-10-CM, a seven-character code known
to ICD-10-PCS as ICD-10-PCS (S72001A without its dot is ICD-10-CM: no PCS table holds it), and a
HCPCS Level II code, CPT number or modifier as HCPCS/CPT; a dotless code known to both HCPCS and
ICD-10-CM (A0100) prints both views and says so. CPT numbers come without descriptors (AMA
copyright).

`codes --system icd10pcs` lists the codes valid on the date according to the CMS MCE (for
2026-04-01 that includes the April 2026 additions, which have no title in the October tables).
`codes --system icd10cm` without --reportable lists every FY2026 tabular entry (headers included) plus every code
built from a 7th-character table that is valid on the date; with --reportable it lists the codes
valid on the date according to the CMS MCE validity file (so earlier dates include codes deleted
before FY2026).

`compile` reads DIR (default codesets/source) for icd10cm_tabular_2026_april.xml.gz,
mce_v44_icd10cm_dx_master.tsv.gz, icd10pcs_tables_2026.xml.gz, icd10pcs_definitions_2026.xml.gz,
mce_v44_icd10pcs_sg_master.tsv.gz, the HCPCS January 2026 file and its processing notes, the
I/OCE HCPCS attributes and modifier flags, our CPT range and modifier labels, and the
abbreviation dictionary (default
codesets/clinical_abbreviations.tsv), and writes FILE (default codesets/compiled/icd10cm.bin)
and icd10pcs.bin and hcpcs.bin beside it; then icd10cm_index.bin from icd10cm_{neoplasm,drug,eindex}_2023.xml.gz
(the codes they print checked against the ICD-10-CM set just written, on 2026-04-01).

`index` prints code statuses for 2026-04-01 as stored in icd10cm_index.bin, or for --date checked
against icd10cm.bin; `index-load` exits 1 with a message for a file that is not an ICD-10-CM index.

Exit status: 0 on success, 1 for a code or date that cannot be used, 2 for bad arguments or files.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(msg)) => {
            eprintln!("medcode: {msg}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("medcode: {msg}\n(run `medcode help` for usage)");
            ExitCode::from(2)
        }
    }
}

enum Failure {
    /// The student's input (a code, a date) cannot be used.
    Input(String),
    /// Bad arguments or unreadable files.
    Usage(String),
}

/// Parsed `--name value` options and positional words.
struct Args {
    positional: Vec<String>,
    options: Vec<(String, Option<String>)>,
}

const FLAGS: &[&str] = &["--reportable", "--report"];

impl Args {
    fn parse(args: &[String]) -> Result<Args, Failure> {
        let mut positional = Vec::new();
        let mut options = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if a.starts_with("--") {
                if FLAGS.contains(&a.as_str()) {
                    options.push((a.clone(), None));
                } else {
                    let v = it.next().ok_or_else(|| Failure::Usage(format!("{a} needs a value")))?;
                    options.push((a.clone(), Some(v.clone())));
                }
            } else {
                positional.push(a.clone());
            }
        }
        Ok(Args { positional, options })
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.options.iter().rev().find(|(n, _)| n == name).and_then(|(_, v)| v.as_deref())
    }

    fn flag(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| n == name)
    }

    fn only(&self, allowed: &[&str]) -> Result<(), Failure> {
        match self.options.iter().find(|(n, _)| !allowed.contains(&n.as_str()) && n != "--codeset") {
            Some((n, _)) => Err(Failure::Usage(format!("unknown option {n}"))),
            None => Ok(()),
        }
    }

    fn date(&self) -> Result<Date, Failure> {
        match self.value("--date") {
            Some(d) => Date::parse_iso(d).map_err(|e| Failure::Input(e.to_string())),
            None => Ok(today()),
        }
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    let Some((command, rest)) = args.split_first() else {
        println!("{HELP}");
        return Ok(());
    };
    let args = Args::parse(rest)?;
    match command.as_str() {
        "help" | "--help" | "-h" => {
            println!("{HELP}");
            Ok(())
        }
        "lookup" => {
            args.only(&["--date", "--system"])?;
            let [code] = args.positional.as_slice() else {
                return Err(Failure::Usage("lookup takes exactly one CODE".into()));
            };
            let date = args.date()?;
            match args.value("--system") {
                Some("icd10cm") => print_json(&load(&args)?.lookup(code, date).map_err(|e| Failure::Input(e.to_string()))?),
                Some("icd10pcs") => print_json(&load_pcs(&args)?.lookup(code, date).map_err(|e| Failure::Input(e.to_string()))?),
                Some("hcpcs" | "cpt") => print_json(&load_hcpcs(&args)?.lookup(code, date).map_err(|e| Failure::Input(e.to_string()))?),
                Some(other) => return Err(Failure::Usage(format!("unknown --system {other:?}; available: icd10cm, icd10pcs, hcpcs, cpt"))),
                None => lookup_any(&args, code, date)?,
            }
            Ok(())
        }
        "pcs-build" => {
            args.only(&[])?;
            let prefix = args.positional.first().map(String::as_str).unwrap_or("");
            if args.positional.len() > 1 {
                return Err(Failure::Usage("pcs-build takes at most one PREFIX".into()));
            }
            let step = load_pcs(&args)?.build(prefix).map_err(|e| Failure::Input(e.to_string()))?;
            print_json(&step);
            Ok(())
        }
        "search" => {
            args.only(&["--limit", "--system"])?;
            if args.positional.is_empty() {
                return Err(Failure::Usage("search needs a QUERY".into()));
            }
            let limit = match args.value("--limit") {
                Some(n) => n.parse::<usize>().ok().filter(|n| (1..=200).contains(n)).ok_or_else(|| {
                    Failure::Usage(format!("--limit must be a number from 1 to 200, not {n:?}"))
                })?,
                None => 10,
            };
            let query = args.positional.join(" ");
            match args.value("--system") {
                None | Some("icd10cm") => print_json(&load(&args)?.search(&query, limit)),
                Some("icd10pcs") => print_json(&load_pcs(&args)?.search(&query, limit)),
                Some("hcpcs" | "cpt") => print_json(&load_hcpcs(&args)?.search(&query, limit)),
                Some(other) => return Err(Failure::Usage(format!("unknown --system {other:?}; available: icd10cm, icd10pcs, hcpcs, cpt"))),
            }
            Ok(())
        }
        "grade" => grade(&args),
        "lint-cases" => lint_cases(&args),
        "codes" => {
            args.only(&["--system", "--date", "--reportable"])?;
            if args.value("--date").is_none() {
                return Err(Failure::Usage("codes needs --date YYYY-MM-DD".into()));
            }
            let date = args.date()?;
            match args.value("--system") {
                Some("icd10cm") => {}
                Some("icd10pcs") => {
                    let mut out = load_pcs(&args)?.codes_on(date).join("\n");
                    out.push('\n');
                    print_out(&out);
                    return Ok(());
                }
                Some(name @ ("hcpcs" | "cpt")) => {
                    let system = CodeSystem::parse(name).expect("hcpcs and cpt are code systems");
                    let mut out = load_hcpcs(&args)?.codes_on(system, date).join("\n");
                    out.push('\n');
                    print_out(&out);
                    return Ok(());
                }
                Some(other) => return Err(Failure::Usage(format!("unknown --system {other:?}; available: icd10cm, icd10pcs, hcpcs, cpt"))),
                None => return Err(Failure::Usage("codes needs --system icd10cm|icd10pcs|hcpcs|cpt".into())),
            }
            let set = load(&args)?;
            let mut out = String::new();
            if args.flag("--reportable") {
                for code in set.reportable_codes_on(date) {
                    out.push_str(&code);
                    out.push('\n');
                }
            } else {
                for code in set.tabular_codes() {
                    out.push_str(code);
                    out.push('\n');
                }
                for code in set.tabular_reportable_codes() {
                    if code.len() == 8 && set.resolve_seventh(&code).is_some() && set.is_valid_on(&code, date) {
                        out.push_str(&code);
                        out.push('\n');
                    }
                }
            }
            print_out(&out);
            Ok(())
        }
        "compile" => {
            args.only(&["--source", "--out", "--abbreviations"])?;
            compile(&args)
        }
        "index" => index(&args),
        "index-load" => index_load(&args),
        other => Err(Failure::Usage(format!("unknown command {other:?}"))),
    }
}

fn print_json<T: serde::Serialize>(value: &T) {
    let mut text = serde_json::to_string_pretty(value).expect("views always serialise");
    text.push('\n');
    print_out(&text);
}

/// Writes to stdout; a closed pipe (`medcode codes ... | head`) just ends the output.
fn print_out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn repo_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The compiled ICD-10-CM file; the other code sets are read from the same folder.
fn codeset_path(args: &Args) -> PathBuf {
    args.value("--codeset")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("MEDCODE_CODESET").map(PathBuf::from))
        .unwrap_or_else(|| repo_path("codesets/compiled/icd10cm.bin"))
}

fn read_compiled(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|e| Failure::Usage(format!("cannot read code set {}: {e} (run `cargo xtask codesets`)", path.display())))
}

fn load(args: &Args) -> Result<Icd10cm, Failure> {
    let path = codeset_path(args);
    Icd10cm::from_bytes(&read_compiled(&path)?).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))
}

fn load_pcs(args: &Args) -> Result<Icd10pcs, Failure> {
    let path = codeset_path(args).with_file_name("icd10pcs.bin");
    Icd10pcs::from_bytes(&read_compiled(&path)?).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))
}

fn load_hcpcs(args: &Args) -> Result<Hcpcs, Failure> {
    let path = codeset_path(args).with_file_name("hcpcs.bin");
    Hcpcs::from_bytes(&read_compiled(&path)?).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))
}

/// `lookup` without `--system`: a code with a dot is ICD-10-CM; a seven-character code held by
/// the ICD-10-PCS tables or validity file is ICD-10-PCS; a HCPCS Level II code, CPT number or
/// modifier is HCPCS/CPT; anything else is tried as ICD-10-CM. A dotless code that is both a
/// HCPCS code and an ICD-10-CM code (A0100: taxi transport, or A01.00 typhoid fever) prints both.
fn lookup_any(args: &Args, code: &str, date: Date) -> Result<(), Failure> {
    let dotted = code.contains('.');
    let pcs_shaped = !dotted && medcode::store::pcs::normalize_pcs(code, 7).is_ok_and(|c| c.len() == 7);
    if pcs_shaped {
        if let Ok(view) = load_pcs(args)?.lookup(code, date) {
            print_json(&view);
            return Ok(());
        }
    }
    let hcpcs = if dotted { None } else { load_hcpcs(args)?.lookup(code, date).ok() };
    let icd10cm = load(args)?.lookup(code, date);
    match (hcpcs, icd10cm) {
        (Some(h), Ok(cm)) => print_json(&serde_json::json!({
            "ambiguous": true,
            "message": format!("{} is both a HCPCS/CPT code and, with a dot, the ICD-10-CM code {}; use --system, or type the dot for ICD-10-CM", h.code, cm.code),
            "hcpcs": h,
            "icd10cm": cm,
        })),
        (Some(h), Err(_)) => print_json(&h),
        (None, result) => print_json(&result.map_err(|e| Failure::Input(e.to_string()))?),
    }
    Ok(())
}

/// A case or answer file, refused unread when larger than a case file may be.
fn read_case_file(path: &str) -> Result<String, Failure> {
    let limit = medcode::grade::case::MAX_CASE_BYTES;
    let meta = std::fs::metadata(path).map_err(|e| Failure::Usage(format!("cannot read {path}: {e}")))?;
    if meta.len() > limit as u64 {
        let e = medcode::grade::CaseError::TooLarge { bytes: meta.len() as usize, limit };
        return Err(Failure::Input(format!("{path}: {e}")));
    }
    let bytes = std::fs::read(path).map_err(|e| Failure::Usage(format!("cannot read {path}: {e}")))?;
    String::from_utf8(bytes).map_err(|_| Failure::Input(format!("{path}: not UTF-8 text")))
}

/// `medcode grade`: the grading result of an answer, as JSON.
fn grade(args: &Args) -> Result<(), Failure> {
    args.only(&["--case", "--answer", "--policy"])?;
    if !args.positional.is_empty() {
        return Err(Failure::Usage("grade takes --case and --answer, not positional arguments".into()));
    }
    let case = args.value("--case").ok_or_else(|| Failure::Usage("grade needs --case CASE.json".into()))?;
    let answer = args.value("--answer").ok_or_else(|| Failure::Usage("grade needs --answer ANSWER.json".into()))?;
    let policy = args.value("--policy").unwrap_or("standard");
    medcode::grade::Policy::parse(policy).map_err(|e| Failure::Usage(e.to_string()))?;
    let (case_text, answer_text) = (read_case_file(case)?, read_case_file(answer)?);
    let icd10cm = load(args)?;
    let icd10pcs = load_pcs(args)?;
    let hcpcs = load_hcpcs(args)?;
    let sets = medcode::grade::CodeSets { icd10cm: &icd10cm, icd10pcs: Some(&icd10pcs), cpt_hcpcs: Some(&hcpcs) };
    let result = medcode::grade::grade_json(&case_text, &answer_text, policy, &sets).map_err(|e| Failure::Input(e.to_string()))?;
    print_json(&result);
    Ok(())
}

/// `medcode lint-cases DIR`: every problem of every case file, then a summary; exit 1 when any
/// case has a problem (checks that lack data are listed as `no_data` and do not fail).
fn lint_cases(args: &Args) -> Result<(), Failure> {
    use medcode::grade::lint::{lint_library, FileReport, LintProblem};
    args.only(&[])?;
    let [dir] = args.positional.as_slice() else {
        return Err(Failure::Usage("lint-cases takes exactly one DIR".into()));
    };
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Failure::Usage(format!("cannot read {dir}: {e}")))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(Failure::Usage(format!("no case files (*.json) in {dir}")));
    }
    let icd10cm = load(args)?;
    let icd10pcs = load_pcs(args)?;
    let hcpcs = load_hcpcs(args)?;
    let sets = medcode::grade::CodeSets { icd10cm: &icd10cm, icd10pcs: Some(&icd10pcs), cpt_hcpcs: Some(&hcpcs) };
    let mut files = Vec::new();
    let mut reports = Vec::new();
    for path in &names {
        let name = path.display().to_string();
        match read_case_file(&name) {
            Ok(text) => files.push((name, text)),
            Err(Failure::Input(msg) | Failure::Usage(msg)) => reports.push(FileReport {
                file: name.clone(),
                id: None,
                problems: vec![LintProblem {
                    severity: medcode::grade::Severity::Error,
                    field: String::new(),
                    message: msg.trim_start_matches(&format!("{name}: ")).to_string(),
                }],
            }),
        }
    }
    reports.extend(lint_library(&files, &sets));
    reports.sort_by(|a, b| a.file.cmp(&b.file));
    let mut out = String::new();
    let (mut failing, mut no_data) = (0, 0);
    for r in &reports {
        if r.problems.iter().any(LintProblem::is_error) {
            failing += 1;
        }
        for p in &r.problems {
            let field = if p.field.is_empty() { String::new() } else { format!("{}: ", p.field) };
            let tag = if p.is_error() { "" } else { "no_data: " };
            no_data += usize::from(!p.is_error());
            out.push_str(&format!("{}: {field}{tag}{}\n", r.file, p.message));
        }
    }
    out.push_str(&format!(
        "{} case file{}: {} pass, {failing} with problems; {no_data} check{} without data (no_data)\n",
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        reports.len() - failing,
        if no_data == 1 { "" } else { "s" },
    ));
    print_out(&out);
    if failing > 0 {
        return Err(Failure::Input(format!("{failing} of {} case files have problems", reports.len())));
    }
    Ok(())
}

fn read_gz(path: &std::path::Path) -> Result<String, Failure> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Failure::Usage(format!("cannot open {}: {e}", path.display())))?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
    Ok(text)
}

fn compile(args: &Args) -> Result<(), Failure> {
    let source = args.value("--source").map(PathBuf::from).unwrap_or_else(|| repo_path("codesets/source"));
    let out = args.value("--out").map(PathBuf::from).unwrap_or_else(|| repo_path("codesets/compiled/icd10cm.bin"));
    let tabular = read_gz(&source.join("icd10cm_tabular_2026_april.xml.gz"))?;
    let mce = read_gz(&source.join("mce_v44_icd10cm_dx_master.tsv.gz"))?;
    let abbreviations_path = args
        .value("--abbreviations")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_path("codesets/clinical_abbreviations.tsv"));
    let abbreviations = std::fs::read_to_string(&abbreviations_path)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", abbreviations_path.display())))?;
    let bytes = medcode::compile::compile_bytes(&medcode::compile::Icd10cmSources {
        edition: medcode::compile::ICD10CM_EDITION,
        tabular_xml: &tabular,
        validity_edition: medcode::compile::MCE_EDITION,
        mce_dx_master_tsv: &mce,
        abbreviations_tsv: &abbreviations,
    })
    .map_err(Failure::Usage)?;
    write_compiled(&out, &bytes)?;
    let pcs = medcode::compile::pcs::compile_icd10pcs_bytes(&medcode::compile::pcs::Icd10pcsSources {
        tables_xml: &read_gz(&source.join("icd10pcs_tables_2026.xml.gz"))?,
        definitions_xml: &read_gz(&source.join("icd10pcs_definitions_2026.xml.gz"))?,
        index_xml: &read_gz(&source.join("icd10pcs_index_2023.xml.gz"))?,
        synonyms_tsv: &std::fs::read_to_string(repo_path("codesets/pcs_synonyms.tsv"))
            .map_err(|e| Failure::Usage(format!("cannot read codesets/pcs_synonyms.tsv: {e}")))?,
        mce_sg_master_tsv: &read_gz(&source.join("mce_v44_icd10pcs_sg_master.tsv.gz"))?,
    })
    .map_err(Failure::Usage)?;
    write_compiled(&out.with_file_name("icd10pcs.bin"), &pcs)?;
    let read_text = |path: PathBuf| {
        std::fs::read_to_string(&path).map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))
    };
    let hcpcs = medcode::compile::hcpcs::compile_hcpcs_bytes(&medcode::compile::hcpcs::HcpcsSources {
        hcpcs_file: &read_gz(&source.join("HCPC2026_JAN_ANWEB_01122026.txt.gz"))?,
        proc_notes: &read_gz(&source.join("proc_notes_JAN2026.txt.gz"))?,
        ioce_attributes_tsv: &read_gz(&source.join("ioce_hcpcs_attributes.tsv.gz"))?,
        ioce_modifier_flags_tsv: &read_text(source.join("ioce_modifier_flags.tsv"))?,
        cpt_ranges_tsv: &read_text(repo_path("codesets/cpt_ranges.tsv"))?,
        cpt_modifiers_tsv: &read_text(repo_path("codesets/cpt_modifiers.tsv"))?,
    })
    .map_err(Failure::Usage)?;
    write_compiled(&out.with_file_name("hcpcs.bin"), &hcpcs)?;
    let icd10cm = Icd10cm::from_bytes(&bytes).map_err(|e| Failure::Usage(format!("the compiled ICD-10-CM set: {e}")))?;
    let (neoplasm, drug, eindex) = (
        read_gz(&source.join("icd10cm_neoplasm_2023.xml.gz"))?,
        read_gz(&source.join("icd10cm_drug_2023.xml.gz"))?,
        read_gz(&source.join("icd10cm_eindex_2023.xml.gz"))?,
    );
    let cm_index = medcode::compile::cm_index::compile_cm_index_bytes(
        &medcode::compile::cm_index::CmIndexSources { neoplasm_xml: neoplasm.as_bytes(), drug_xml: drug.as_bytes(), eindex_xml: eindex.as_bytes() },
        &icd10cm,
    )
    .map_err(Failure::Usage)?;
    write_compiled(&out.with_file_name("icd10cm_index.bin"), &cm_index)?;
    Ok(())
}

/// `medcode index`: browse (TERM), search (--search) or report (--report) the ICD-10-CM index.
fn index(args: &Args) -> Result<(), Failure> {
    use medcode::store::cm_index::{Icd10cmIndex, IndexTable};
    args.only(&["--table", "--file", "--date", "--search", "--limit", "--report", "--format"])?;
    let path = codeset_path(args).with_file_name("icd10cm_index.bin");
    let tables = Icd10cmIndex::from_bytes(&read_compiled(&path)?).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
    let table = match args.value("--table") {
        Some(t) => Some(IndexTable::parse(t).ok_or_else(|| {
            Failure::Usage(format!("unknown --table {t:?}; available: drug, neoplasm, external, alphabetic"))
        })?),
        None => None,
    };
    let needs_icd = args.value("--date").is_some() || args.value("--file").is_some();
    let icd = if needs_icd { Some(load(args)?) } else { None };
    let alphabetic = match args.value("--file") {
        Some(file) => {
            let mut a = medcode::store::cm_index::parse_alphabetic_index(&read_index_file(file)?)
                .map_err(|e| Failure::Input(format!("{file}: {e}")))?;
            a.assess(icd.as_ref().expect("loaded with --file"));
            Some(a)
        }
        None if table == Some(IndexTable::Alphabetic) => {
            return Err(Failure::Usage(
                "--table alphabetic needs --file INDEX.xml: the Index to Diseases and Injuries is not shipped; load the CMS file icd10cm_index_YYYY.xml".into(),
            ))
        }
        None => None,
    };
    let mut view = tables.view(alphabetic.as_ref());
    if let (Some(icd), Some(_)) = (icd.as_ref(), args.value("--date")) {
        view = view.live(icd, args.date()?);
    }
    if args.flag("--report") {
        if !args.positional.is_empty() || args.value("--search").is_some() {
            return Err(Failure::Usage("index --report takes no TERM or --search".into()));
        }
        match args.value("--format") {
            None | Some("text") => print_out(&index_report_text(&view.report())),
            Some("json") => print_json(&view.report()),
            Some(other) => return Err(Failure::Usage(format!("unknown --format {other:?}; available: text, json"))),
        }
        return Ok(());
    }
    if let Some(query) = args.value("--search") {
        let limit = match args.value("--limit") {
            Some(n) => n.parse::<usize>().ok().filter(|n| (1..=200).contains(n)).ok_or_else(|| {
                Failure::Usage(format!("--limit must be a number from 1 to 200, not {n:?}"))
            })?,
            None => 10,
        };
        let query = std::iter::once(query.to_string()).chain(args.positional.iter().cloned()).collect::<Vec<_>>().join(" ");
        let mut hits = view.search_index(&query, limit);
        if let Some(t) = table {
            hits.retain(|h| h.table == t);
        }
        print_json(&hits);
        return Ok(());
    }
    if args.positional.is_empty() {
        return Err(Failure::Usage("index needs a TERM, --search QUERY or --report".into()));
    }
    let term = args.positional.join(" ");
    let trees: Vec<_> = IndexTable::ALL
        .iter()
        .filter(|&&t| table.map_or(true, |want| want == t))
        .filter_map(|&t| view.term(t, &term))
        .collect();
    if trees.is_empty() {
        let near: Vec<String> = view.main_terms(&term[..term.len().min(4)], table, 8).into_iter().map(|m| m.title).collect();
        let hint = if near.is_empty() { String::new() } else { format!(" (main terms starting alike: {})", near.join("; ")) };
        return Err(Failure::Input(format!("no main term {term:?} in the index{hint}")));
    }
    if table.is_some() {
        print_json(&trees[0]);
    } else {
        print_json(&trees);
    }
    Ok(())
}

fn read_index_file(file: &str) -> Result<Vec<u8>, Failure> {
    use medcode::store::cm_index::{IndexLoadError, MAX_INDEX_BYTES};
    let meta = std::fs::metadata(file).map_err(|e| Failure::Usage(format!("cannot read {file}: {e}")))?;
    if meta.len() > MAX_INDEX_BYTES as u64 {
        let e = IndexLoadError::TooLarge { size: meta.len(), limit: MAX_INDEX_BYTES as u64 };
        return Err(Failure::Input(format!("{file}: {e}")));
    }
    std::fs::read(file).map_err(|e| Failure::Usage(format!("cannot read {file}: {e}")))
}

fn index_report_text(report: &medcode::store::cm_index::IndexReport) -> String {
    let mut out = format!(
        "{}\ncode statuses on {} against {}\n",
        report.edition, report.date, report.tabular_edition
    );
    for t in &report.tables {
        let count = |k: &str| t.by_status.get(k).copied().unwrap_or(0);
        out.push_str(&format!(
            "\n{} ({:?}): {} main terms, {} subterms\n  code cells: {} ({} distinct codes)\n    valid as printed:              {}\n    valid with a 7th character:    {}\n    more characters needed (-):    {}\n    became a header (revised):     {}\n    deleted:                       {}\n",
            t.label,
            t.table,
            t.main_terms,
            t.subterms,
            t.code_cells,
            t.distinct_codes,
            count("valid"),
            count("seventh_character"),
            count("more_characters"),
            count("revised"),
            count("deleted"),
        ));
        for other in ["not_valid_on_date", "unchecked"] {
            if count(other) > 0 {
                out.push_str(&format!("    {other}: {}\n", count(other)));
            }
        }
        let by: Vec<String> = t.xrefs_by_status.iter().map(|(k, v)| format!("{k} {v}")).collect();
        out.push_str(&format!("  cross-references: {} ({})\n", t.xrefs, by.join(", ")));
        out.push_str(&format!("  unresolved: {}\n", t.unresolved.len()));
        for x in &t.unresolved {
            out.push_str(&format!("    {} — {} {:?}: {}\n", x.path.join(" > "), x.kind.label(), x.text, describe_resolution(&x.resolution)));
        }
        out.push_str(&format!("  in the Index to Diseases and Injuries (not loaded): {}\n", t.other_index.len()));
        for x in &t.other_index {
            out.push_str(&format!("    {} — {} {:?}\n", x.path.join(" > "), x.kind.label(), x.text));
        }
    }
    out
}

fn describe_resolution(r: &medcode::store::cm_index::Resolution) -> String {
    use medcode::store::cm_index::Resolution;
    match r {
        Resolution::Partial { path, missing, .. } => format!("found {}, not {missing:?}", path.join(" > ")),
        Resolution::Unresolved => "no such main term".into(),
        other => format!("{other:?}"),
    }
}

/// `medcode index-load FILE`: checks a user-supplied Alphabetic Index XML.
fn index_load(args: &Args) -> Result<(), Failure> {
    args.only(&[])?;
    let [file] = args.positional.as_slice() else {
        return Err(Failure::Usage("index-load takes exactly one FILE".into()));
    };
    let index = medcode::store::cm_index::parse_alphabetic_index(&read_index_file(file)?)
        .map_err(|e| Failure::Input(format!("{file}: {e}")))?;
    #[derive(serde::Serialize)]
    struct Loaded<'a> {
        file: &'a str,
        edition: &'a str,
        counts: &'a medcode::store::cm_index::IndexCounts,
    }
    print_json(&Loaded { file, edition: &index.edition, counts: &index.counts });
    Ok(())
}

fn write_compiled(out: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Failure::Usage(format!("cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(out, bytes).map_err(|e| Failure::Usage(format!("cannot write {}: {e}", out.display())))?;
    eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    Ok(())
}

/// Today's date (UTC) from the system clock, by the civil-from-days algorithm.
fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date((y as u32) * 10_000 + (m as u32) * 100 + d as u32)
}
