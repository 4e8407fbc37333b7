//! Compiles the FY2023 Table of Neoplasms, Table of Drugs and Chemicals and External Cause of
//! Injuries Index into `icd10cm_index.bin`: the three term trees as the core reads them, plus
//! the check of every printed code against the compiled ICD-10-CM code set on 2026-04-01
//! (the page shows those statuses without loading the ICD-10-CM set into the index handle).

use crate::store::cm_index::{check_all, read_index_xml, IndexFile, IndexTable, Icd10cmIndex, STATUS_DATE};
use crate::store::Icd10cm;

/// The three official index files (the XML text, as bytes).
pub struct CmIndexSources<'a> {
    pub neoplasm_xml: &'a [u8],
    pub drug_xml: &'a [u8],
    pub eindex_xml: &'a [u8],
}

pub const CM_INDEX_EDITION: &str =
    "ICD-10-CM Index FY2023 (Table of Neoplasms, Table of Drugs and Chemicals, External Cause of Injuries Index)";
pub const CM_INDEX_YEAR: &str = "FY2023";

/// Column heads the official files print, in column order (columns 2-7); compilation fails
/// when a file has others, so that a new edition's layout is noticed.
const NEOPLASM_HEADS: [&str; 6] =
    ["Malignant Primary", "Malignant Secondary", "Ca in situ", "Benign", "Uncertain Behavior", "Unspecified Behavior"];
const DRUG_HEADS: [&str; 6] = [
    "Poisoning Accidental (unintentional)",
    "Poisoning Intentional self-harm",
    "Poisoning Assault",
    "Poisoning Undetermined",
    "Adverse effect",
    "Underdosing",
];

fn read(bytes: &[u8], table: IndexTable, heads: &[&str]) -> Result<IndexFile, String> {
    let mut file = read_index_xml(bytes, Some(table)).map_err(|e| format!("{}: {e}", table.label()))?;
    let found: Vec<&str> = file.columns.iter().map(|c| c.head.as_str()).collect();
    let cols: Vec<u8> = file.columns.iter().map(|c| c.col).collect();
    if found != heads || (!heads.is_empty() && cols != [2, 3, 4, 5, 6, 7]) {
        return Err(format!("{}: column heads {found:?} (columns {cols:?}), expected {heads:?}", table.label()));
    }
    if file.terms.is_empty() {
        return Err(format!("{}: no terms", table.label()));
    }
    for t in &file.terms {
        if let Some(c) = t.cells.iter().find(|c| !(2..=7).contains(&c.col)) {
            return Err(format!("{}: {:?} has a cell in column {}", table.label(), t.title, c.col));
        }
    }
    file.prepare();
    Ok(file)
}

/// Reads the three files and checks every printed code against `icd10cm` on 2026-04-01.
pub fn compile_cm_index(src: &CmIndexSources, icd10cm: &Icd10cm) -> Result<Icd10cmIndex, String> {
    let neoplasm = read(src.neoplasm_xml, IndexTable::Neoplasm, &NEOPLASM_HEADS)?;
    let drug = read(src.drug_xml, IndexTable::Drug, &DRUG_HEADS)?;
    let external = read(src.eindex_xml, IndexTable::External, &[])?;
    let statuses = check_all(&[&neoplasm, &drug, &external], icd10cm, STATUS_DATE);
    Ok(Icd10cmIndex {
        edition: CM_INDEX_EDITION.to_string(),
        index_edition: CM_INDEX_YEAR.to_string(),
        tabular_edition: icd10cm.edition.clone(),
        status_date: STATUS_DATE,
        neoplasm,
        drug,
        external,
        statuses,
    })
}

/// Compiles and encodes in one step: the bytes committed as `codesets/compiled/icd10cm_index.bin`.
pub fn compile_cm_index_bytes(src: &CmIndexSources, icd10cm: &Icd10cm) -> Result<Vec<u8>, String> {
    Ok(compile_cm_index(src, icd10cm)?.to_bytes())
}
