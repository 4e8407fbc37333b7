//! Write side: the official CMS files in, compact code-set bytes out. Every function here is
//! pure (text in, values out) so it is unit-tested without files; the CLI's `compile` command
//! does the reading and writing. Compilation is deterministic: the same inputs give the same
//! bytes, which lets a test prove the committed bytes are current.

pub mod cm_index;
pub mod hcpcs;
mod mce;
mod note_refs;
pub mod pcs;
mod tabular;

pub use mce::parse_mce_validity;
pub use note_refs::parse_code_refs;
pub use tabular::{parse_seventh_restriction, parse_tabular};

use crate::search::{Abbreviations, SearchIndex};
use crate::store::model::{Icd10cm, Node};

/// The texts the ICD-10-CM code set is compiled from.
pub struct Icd10cmSources<'a> {
    /// Human-readable edition of the tabular, e.g. "ICD-10-CM FY2026 (April 1, 2026 update)".
    pub edition: &'a str,
    pub tabular_xml: &'a str,
    pub validity_edition: &'a str,
    pub mce_dx_master_tsv: &'a str,
    pub abbreviations_tsv: &'a str,
}

/// Builds the in-memory code set from the official texts.
pub fn compile_icd10cm(src: &Icd10cmSources) -> Result<Icd10cm, String> {
    let (_version, mut nodes) = parse_tabular(src.tabular_xml)?;
    let mut by_code: Vec<u32> = (0..nodes.len() as u32).collect();
    // A one-category section ("B10") shares its id with the category; lookup finds the category.
    let is_section = |id: u32| nodes[id as usize].kind == crate::store::model::Kind::Section;
    by_code.sort_by(|&a, &b| nodes[a as usize].code.cmp(&nodes[b as usize].code).then(is_section(a).cmp(&is_section(b))));
    by_code.dedup_by(|b, a| nodes[*a as usize].code == nodes[*b as usize].code && is_section(*b));
    if let Some(w) = by_code.windows(2).find(|w| nodes[w[0] as usize].code == nodes[w[1] as usize].code) {
        return Err(format!("tabular: {} appears twice", nodes[w[0] as usize].code));
    }
    keep_known_refs(&mut nodes, &by_code);
    let validity = parse_mce_validity(src.mce_dx_master_tsv)?;
    let abbreviations = Abbreviations::parse(src.abbreviations_tsv)?;
    let search = SearchIndex::build(&nodes);
    Ok(Icd10cm {
        edition: src.edition.to_string(),
        validity_edition: src.validity_edition.to_string(),
        nodes,
        by_code,
        validity,
        search,
        abbreviations,
    })
}

/// Drops references to code-shaped words that name no tabular entry ("hemoglobin A1C").
fn keep_known_refs(nodes: &mut [Node], by_code: &[u32]) {
    let codes: Vec<String> = by_code.iter().map(|&i| nodes[i as usize].code.clone()).collect();
    let known = |code: &str| codes.binary_search_by(|c| c.as_str().cmp(code)).is_ok();
    for node in nodes.iter_mut() {
        for note in node.notes.iter_mut() {
            note.refs.retain(|r| known(&r.first) && known(&r.last));
        }
    }
}

/// Edition labels written into the compiled header and shown to students.
pub const ICD10CM_EDITION: &str = "ICD-10-CM FY2026 (April 1, 2026 update)";
pub const MCE_EDITION: &str = "CMS MCE v44 (FY2016-FY2027)";

/// Compiles and encodes in one step: the bytes committed under `codesets/compiled/`.
pub fn compile_bytes(src: &Icd10cmSources) -> Result<Vec<u8>, String> {
    Ok(crate::store::format::encode(&compile_icd10cm(src)?))
}
