//! Shared loading for the integration tests: the committed compiled code set and the official
//! source files it was compiled from.

#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;
use std::sync::OnceLock;

use medcode::Icd10cm;

pub fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

pub fn read_gz(rel: &str) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(repo(rel)).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    text
}

pub fn compiled_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| std::fs::read(repo("codesets/compiled/icd10cm.bin")).expect("codesets/compiled/icd10cm.bin (run `cargo xtask codesets`)"))
}

/// The committed compiled ICD-10-CM code set, loaded once per test binary.
pub fn icd10cm() -> &'static Icd10cm {
    static SET: OnceLock<Icd10cm> = OnceLock::new();
    SET.get_or_init(|| Icd10cm::from_bytes(compiled_bytes()).expect("committed code set loads"))
}

/// Dotless ICD-10-CM codes valid on `yyyymmdd` according to the MCE dx master file itself.
pub fn mce_valid_on(yyyymmdd: &str) -> std::collections::BTreeSet<String> {
    mce_master_valid_on("codesets/source/mce_v44_icd10cm_dx_master.tsv.gz", yyyymmdd)
}

/// Codes valid on `yyyymmdd` in an MCE master file (`code, date_start, date_end, flags`).
pub fn mce_master_valid_on(rel: &str, yyyymmdd: &str) -> std::collections::BTreeSet<String> {
    read_gz(rel)
        .lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c[1] <= yyyymmdd && yyyymmdd <= c[2]).then(|| c[0].to_string())
        })
        .collect()
}
