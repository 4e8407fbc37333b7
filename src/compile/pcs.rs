//! Reads the CMS ICD-10-PCS tables and definitions XML into the compiled ICD-10-PCS code set:
//! every table (the three characters it fixes) and its rows (the values allowed at positions 4-7),
//! the definitions of root operations, approaches and devices, and the device aggregation table.

use crate::compile::parse_mce_validity;
use crate::search::Abbreviations;
use crate::store::pcs_index::{PcsIndex, PcsIndexTerm};
use crate::store::pcs::{
    AxisValue, DeviceAggregate, Icd10pcs, PcsAxis, PcsDefinition, PcsRow, PcsTable,
};

/// The texts the ICD-10-PCS code set is compiled from.
pub struct Icd10pcsSources<'a> {
    pub tables_xml: &'a str,
    pub definitions_xml: &'a str,
    pub index_xml: &'a str,
    pub synonyms_tsv: &'a str,
    pub mce_sg_master_tsv: &'a str,
}

pub const ICD10PCS_INDEX_EDITION: &str = "ICD-10-PCS Index FY2023 (newest obtainable offline)";

pub const ICD10PCS_EDITION: &str = "ICD-10-PCS FY2026 (October 1, 2025)";

pub fn compile_icd10pcs(src: &Icd10pcsSources) -> Result<Icd10pcs, String> {
    let doc = roxmltree::Document::parse(src.tables_xml).map_err(|e| format!("PCS tables XML: {e}"))?;
    let mut tables = Vec::new();
    for table in doc.root_element().children().filter(|n| n.has_tag_name("pcsTable")) {
        let axes: Vec<PcsAxis> = table
            .children()
            .filter(|n| n.has_tag_name("axis"))
            .map(read_axis)
            .collect::<Result<_, _>>()?;
        if axes.len() != 3 || axes.iter().any(|a| a.values.len() != 1) {
            return Err("PCS table without exactly one value at positions 1-3".into());
        }
        let prefix: String = axes.iter().map(|a| a.values[0].code).collect();
        let rows = table
            .children()
            .filter(|n| n.has_tag_name("pcsRow"))
            .map(|row| {
                let axes: Vec<PcsAxis> = row
                    .children()
                    .filter(|n| n.has_tag_name("axis"))
                    .map(read_axis)
                    .collect::<Result<_, _>>()?;
                if axes.len() != 4 {
                    return Err(format!("PCS table {prefix}: a row without positions 4-7"));
                }
                Ok(PcsRow { axes })
            })
            .collect::<Result<Vec<_>, String>>()?;
        tables.push(PcsTable { prefix, axes, rows });
    }
    tables.sort_by(|a, b| a.prefix.cmp(&b.prefix));
    if let Some(w) = tables.windows(2).find(|w| w[0].prefix == w[1].prefix) {
        return Err(format!("PCS table {} appears twice", w[0].prefix));
    }
    let (definitions, device_aggregation) = read_definitions(src.definitions_xml)?;
    Ok(Icd10pcs {
        edition: ICD10PCS_EDITION.to_string(),
        validity_edition: crate::compile::MCE_EDITION.to_string(),
        tables,
        validity: parse_mce_validity(src.mce_sg_master_tsv)?,
        definitions,
        device_aggregation,
        index: PcsIndex {
            edition: ICD10PCS_INDEX_EDITION.to_string(),
            terms: read_index(src.index_xml)?,
            synonyms: Abbreviations::parse(src.synonyms_tsv)?,
        },
    })
}

/// The index as a flat list of terms in printed order, each pointing to its parent.
fn read_index(xml: &str) -> Result<Vec<PcsIndexTerm>, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("PCS index XML: {e}"))?;
    let mut out = Vec::new();
    for letter in doc.root_element().children().filter(|n| n.has_tag_name("letter")) {
        for main in letter.children().filter(|n| n.has_tag_name("mainTerm")) {
            push_index_term(&mut out, main, None, 0);
        }
    }
    Ok(out)
}

fn push_index_term(out: &mut Vec<PcsIndexTerm>, el: roxmltree::Node, parent: Option<u32>, level: u8) {
    let child = |tag: &str| el.children().find(|n| n.has_tag_name(tag));
    let see = child("see");
    // A pointer's code sits inside <see> (<codes>/<tab>) or directly under the term.
    let code_el = see
        .and_then(|s| s.children().find(|n| n.has_tag_name("codes") || n.has_tag_name("tab")))
        .or_else(|| child("code"))
        .or_else(|| child("codes"))
        .or_else(|| child("tab"));
    let see_text = see.map(|s| {
        s.children().filter(|n| n.is_text()).map(|n| n.text().unwrap_or_default()).collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
    });
    let id = out.len() as u32;
    out.push(PcsIndexTerm {
        title: child("title").map(text_of).unwrap_or_default(),
        parent,
        level,
        code: code_el.map(text_of).filter(|c| !c.is_empty()),
        see: see_text.filter(|s| !s.is_empty()),
        use_value: child("use").map(text_of),
    });
    for term in el.children().filter(|n| n.has_tag_name("term")) {
        push_index_term(out, term, Some(id), level + 1);
    }
}

pub fn compile_icd10pcs_bytes(src: &Icd10pcsSources) -> Result<Vec<u8>, String> {
    let set = compile_icd10pcs(src)?;
    Ok(crate::store::format::encode_set(crate::store::format::ICD10PCS_SET, &set.edition, &set))
}

fn text_of(n: roxmltree::Node) -> String {
    n.text().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn read_axis(axis: roxmltree::Node) -> Result<PcsAxis, String> {
    let pos: u8 = axis
        .attribute("pos")
        .and_then(|p| p.parse().ok())
        .ok_or("PCS axis without pos")?;
    let title = axis.children().find(|n| n.has_tag_name("title")).map(text_of).unwrap_or_default();
    let values = axis
        .children()
        .filter(|n| n.has_tag_name("label"))
        .map(|l| {
            let code = l.attribute("code").and_then(|c| c.chars().next()).ok_or("PCS label without code")?;
            Ok(AxisValue { code, label: text_of(l) })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let definition = axis.children().find(|n| n.has_tag_name("definition")).map(text_of);
    Ok(PcsAxis { pos, title, values, definition })
}

fn read_definitions(xml: &str) -> Result<(Vec<PcsDefinition>, Vec<DeviceAggregate>), String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("PCS definitions XML: {e}"))?;
    let child = |n: roxmltree::Node, tag: &str| n.children().find(|c| c.has_tag_name(tag)).map(text_of);
    let mut definitions = Vec::new();
    let mut aggregates = Vec::new();
    for el in doc.root_element().children().filter(|n| n.is_element()) {
        if el.has_tag_name("section") {
            let section = el.attribute("code").and_then(|c| c.chars().next()).ok_or("definitions section without code")?;
            for axis in el.children().filter(|n| n.has_tag_name("axis")) {
                let pos: u8 = axis.attribute("pos").and_then(|p| p.parse().ok()).ok_or("definitions axis without pos")?;
                let axis_title = child(axis, "title").unwrap_or_default();
                for term in axis.children().filter(|n| n.has_tag_name("terms")) {
                    definitions.push(PcsDefinition {
                        section,
                        pos,
                        axis_title: axis_title.clone(),
                        term: child(term, "title").unwrap_or_default(),
                        definition: child(term, "definition"),
                        explanation: child(term, "explanation"),
                        includes: term.children().filter(|n| n.has_tag_name("includes")).map(text_of).collect(),
                    });
                }
            }
        } else if el.has_tag_name("deviceAggregation") {
            for agg in el.children().filter(|n| n.has_tag_name("aggregate")) {
                let parent = agg.children().find(|n| n.has_tag_name("parent"));
                aggregates.push(DeviceAggregate {
                    device: child(agg, "device").unwrap_or_default(),
                    operation: child(agg, "operation").unwrap_or_default(),
                    body_systems: agg.children().filter(|n| n.has_tag_name("bodySys")).map(text_of).collect(),
                    parent: parent.map(text_of).unwrap_or_default(),
                    parent_value: parent.and_then(|p| p.attribute("value")).and_then(|v| v.chars().next()).unwrap_or(' '),
                });
            }
        }
    }
    Ok((definitions, aggregates))
}
