//! The compiled ICD-10-CM code set measured against the official files, over the whole set.

mod common;

use std::collections::BTreeSet;

use common::{icd10cm, mce_valid_on, read_gz, repo};
use medcode::codes::{without_dot, Date};
use medcode::compile::{compile_bytes, Icd10cmSources, ICD10CM_EDITION, MCE_EDITION};
use medcode::store::model::Kind;

#[test]
fn committed_code_set_is_current() {
    let fresh = compile_bytes(&Icd10cmSources {
        edition: ICD10CM_EDITION,
        tabular_xml: &read_gz("codesets/source/icd10cm_tabular_2026_april.xml.gz"),
        validity_edition: MCE_EDITION,
        mce_dx_master_tsv: &read_gz("codesets/source/mce_v44_icd10cm_dx_master.tsv.gz"),
        abbreviations_tsv: &std::fs::read_to_string(repo("codesets/clinical_abbreviations.tsv")).unwrap(),
    })
    .unwrap();
    let committed = common::compiled_bytes();
    assert!(
        fresh == committed,
        "codesets/compiled/icd10cm.bin is stale (compiled from current sources: {} bytes, committed: {} bytes); run `cargo xtask codesets` and commit the result",
        fresh.len(),
        committed.len()
    );
}

#[test]
fn tabular_reportable_set_equals_the_mce_valid_set_on_2026_04_01() {
    let ours: BTreeSet<String> = icd10cm().tabular_reportable_codes().iter().map(|c| without_dot(c)).collect();
    let mce = mce_valid_on("20260401");
    let missing: Vec<_> = mce.difference(&ours).take(20).collect();
    let extra: Vec<_> = ours.difference(&mce).take(20).collect();
    assert_eq!(mce.len(), 74_719, "MCE valid set size on 2026-04-01");
    assert!(missing.is_empty() && extra.is_empty(), "missing {missing:?}, extra {extra:?}");
    assert_eq!(ours.len(), 74_719);
}

#[test]
fn reportable_codes_on_a_date_follow_the_mce_for_every_fiscal_year() {
    let set = icd10cm();
    for fy in 2016..=2027 {
        let day = format!("{}1001", fy - 1);
        let ours: BTreeSet<String> = set
            .reportable_codes_on(Date::parse_compact(&day).unwrap())
            .iter()
            .map(|c| without_dot(c))
            .collect();
        assert_eq!(ours, mce_valid_on(&day), "FY{fy}");
    }
}

#[test]
fn every_reportable_code_looks_up_as_valid_and_reportable_on_2026_04_01() {
    let set = icd10cm();
    let date = Date(20260401);
    let mut failures = Vec::new();
    for code in set.tabular_reportable_codes() {
        match set.lookup(&code, date) {
            Ok(v) if v.reportable && v.valid_on_date && v.title.is_some() => {}
            Ok(v) => failures.push(format!("{code}: reportable={} valid={}", v.reportable, v.valid_on_date)),
            Err(e) => failures.push(format!("{code}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{} failures, first: {:?}", failures.len(), &failures[..failures.len().min(10)]);
}

#[test]
fn every_tabular_entry_inherits_the_notes_of_every_level_above_it() {
    let set = icd10cm();
    let date = Date(20260401);
    for (id, node) in set.nodes.iter().enumerate() {
        let view = set.lookup(&node.code, date).unwrap();
        if node.kind == Kind::Section && view.code != node.code {
            continue;
        }
        let mut expected = 0;
        let mut at = Some(id as u32);
        while let Some(i) = at {
            expected += set.nodes[i as usize].notes.len();
            at = set.nodes[i as usize].parent;
        }
        // A one-category section ("B10") shares its code with its category; lookup gives the category.
        if view.kind == node.kind {
            assert_eq!(view.notes.len(), expected, "{}", node.code);
        }
    }
}

#[test]
fn every_code_reference_in_a_note_can_be_looked_up() {
    let set = icd10cm();
    let mut refs = 0;
    for node in &set.nodes {
        for note in &node.notes {
            for r in &note.refs {
                refs += 1;
                for code in [&r.first, &r.last] {
                    assert!(set.lookup(code, Date(20260401)).is_ok(), "{} note {:?} -> {code}", node.code, note.text);
                }
            }
        }
    }
    assert!(refs > 5_000, "only {refs} references parsed");
}

#[test]
fn notes_are_all_kept() {
    // Count every <note> inside an instructional element of the XML and compare with the store.
    let xml = read_gz("codesets/source/icd10cm_tabular_2026_april.xml.gz");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let kinds = ["includes", "inclusionTerm", "excludes1", "excludes2", "codeFirst", "useAdditionalCode", "codeAlso", "notes", "sevenChrNote"];
    let in_xml = doc
        .descendants()
        .filter(|n| n.has_tag_name("note"))
        .filter(|n| n.parent().is_some_and(|p| kinds.contains(&p.tag_name().name())))
        .filter(|n| n.ancestors().any(|a| a.has_tag_name("chapter")))
        .count();
    let stored: usize = icd10cm().nodes.iter().map(|n| n.notes.len()).sum();
    assert_eq!(stored, in_xml);
}
