//! Reads the CMS ICD-10-CM tabular XML into tabular nodes: chapters, sections, categories,
//! subcategories and codes in printed order, each with the notes printed at its level, its
//! 7th-character table and the 7th-character restrictions written as notes.

use crate::store::model::{
    Kind, Node, Note, NoteKind, SeventhCharacter, SeventhRestriction, SeventhTable,
};

use super::note_refs::parse_code_refs;

/// Parses the whole tabular file. Errors name what was missing or malformed.
pub fn parse_tabular(xml: &str) -> Result<(String, Vec<Node>), String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("tabular XML: {e}"))?;
    let root = doc.root_element();
    let version = child_text(root, "version").unwrap_or_default();
    let mut nodes = Vec::new();
    for chapter in root.children().filter(|n| n.has_tag_name("chapter")) {
        let code = child_text(chapter, "name").ok_or("chapter without <name>")?;
        let ch = push(&mut nodes, chapter, code, Kind::Chapter, None)?;
        for section in chapter.children().filter(|n| n.has_tag_name("section")) {
            let id = section.attribute("id").ok_or("section without id")?.to_string();
            let sec = push(&mut nodes, section, id, Kind::Section, Some(ch))?;
            for diag in section.children().filter(|n| n.has_tag_name("diag")) {
                push_diag(&mut nodes, diag, sec)?;
            }
        }
    }
    attach_restrictions(&mut nodes);
    Ok((version, nodes))
}

fn push_diag(nodes: &mut Vec<Node>, diag: roxmltree::Node, parent: u32) -> Result<(), String> {
    let code = child_text(diag, "name").ok_or("diag without <name>")?;
    let has_children = diag.children().any(|n| n.has_tag_name("diag"));
    let kind = if !code.contains('.') {
        Kind::Category
    } else if has_children {
        Kind::Subcategory
    } else {
        Kind::Code
    };
    let id = push(nodes, diag, code, kind, Some(parent))?;
    for child in diag.children().filter(|n| n.has_tag_name("diag")) {
        push_diag(nodes, child, id)?;
    }
    Ok(())
}

fn push(
    nodes: &mut Vec<Node>,
    el: roxmltree::Node,
    code: String,
    kind: Kind,
    parent: Option<u32>,
) -> Result<u32, String> {
    let title = child_text(el, "desc").ok_or_else(|| format!("{code}: no <desc>"))?;
    let id = nodes.len() as u32;
    nodes.push(Node {
        code,
        kind,
        title,
        parent,
        children: Vec::new(),
        notes: read_notes(el),
        seventh: read_seventh_table(el),
    });
    if let Some(p) = parent {
        nodes[p as usize].children.push(id);
    }
    Ok(id)
}

fn note_kind(tag: &str) -> Option<NoteKind> {
    Some(match tag {
        "includes" => NoteKind::Includes,
        "inclusionTerm" => NoteKind::InclusionTerm,
        "excludes1" => NoteKind::Excludes1,
        "excludes2" => NoteKind::Excludes2,
        "codeFirst" => NoteKind::CodeFirst,
        "useAdditionalCode" => NoteKind::UseAdditionalCode,
        "codeAlso" => NoteKind::CodeAlso,
        "notes" => NoteKind::Note,
        "sevenChrNote" => NoteKind::SeventhCharacterNote,
        _ => return None,
    })
}

fn read_notes(el: roxmltree::Node) -> Vec<Note> {
    let mut notes = Vec::new();
    for group in el.children().filter(|n| n.is_element()) {
        let Some(kind) = note_kind(group.tag_name().name()) else { continue };
        for note in group.children().filter(|n| n.has_tag_name("note")) {
            let text = squash(&note.text().unwrap_or_default());
            if text.is_empty() {
                continue;
            }
            notes.push(Note { kind, refs: parse_code_refs(&text), text });
        }
    }
    notes
}

fn read_seventh_table(el: roxmltree::Node) -> Option<SeventhTable> {
    let def = el.children().find(|n| n.has_tag_name("sevenChrDef"))?;
    let characters = def
        .children()
        .filter(|n| n.has_tag_name("extension"))
        .filter_map(|e| {
            let character = e.attribute("char")?.chars().next()?;
            Some(SeventhCharacter { character, label: squash(e.text().unwrap_or_default()) })
        })
        .collect();
    Some(SeventhTable { characters, restrictions: Vec::new() })
}

/// Restrictions are printed as plain notes next to the table they restrict ("7th characters D
/// and S do not apply to codes in category S06 with 6th character 7 ..., or 8 ..."). They are
/// moved onto the nearest table at or above the note.
fn attach_restrictions(nodes: &mut [Node]) {
    for i in 0..nodes.len() {
        let found: Vec<SeventhRestriction> = nodes[i]
            .notes
            .iter()
            .filter(|n| n.kind == NoteKind::Note)
            .filter_map(|n| parse_seventh_restriction(&n.text))
            .collect();
        if found.is_empty() {
            continue;
        }
        let mut at = Some(i as u32);
        while let Some(id) = at {
            if let Some(table) = nodes[id as usize].seventh.as_mut() {
                table.restrictions.extend(found);
                break;
            }
            at = nodes[id as usize].parent;
        }
    }
}

/// Reads "7th characters D and S do not apply to codes ... with 6th character 7 - ..., or 8 - ...".
pub fn parse_seventh_restriction(text: &str) -> Option<SeventhRestriction> {
    let lower = text.to_ascii_lowercase();
    let (head, rest) = lower.split_once("do not apply")?;
    let head = head.strip_prefix("7th character")?.trim_start_matches('s').trim();
    let excluded: Vec<char> = head
        .split([' ', ','])
        .filter(|w| w.len() == 1 && *w != "," )
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let (_, sixth_part) = rest.split_once("6th character")?;
    let words: Vec<&str> = sixth_part.split_whitespace().collect();
    let mut sixth = Vec::new();
    for (k, w) in words.iter().enumerate() {
        let single = w.trim_end_matches(',');
        let next_is_dash = words.get(k + 1) == Some(&"-");
        if single.len() == 1 && next_is_dash && (k == 0 || words[k - 1] == "or" || words[k - 1] == "and") {
            sixth.push(single.chars().next()?.to_ascii_uppercase());
        }
    }
    if excluded.is_empty() || sixth.is_empty() {
        return None;
    }
    Some(SeventhRestriction { excluded, sixth, note: text.to_string() })
}

fn child_text(el: roxmltree::Node, tag: &str) -> Option<String> {
    el.children().find(|n| n.has_tag_name(tag)).map(|n| squash(n.text().unwrap_or_default()))
}

/// Collapses the XML's line breaks and runs of spaces into single spaces.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_s06_seventh_character_restriction() {
        let r = parse_seventh_restriction("7th characters D and S do not apply to codes in category S06 with 6th character 7 - death due to brain injury prior to regaining consciousness, or 8 - death due to other cause prior to regaining consciousness.").unwrap();
        assert_eq!(r.excluded, vec!['D', 'S']);
        assert_eq!(r.sixth, vec!['7', '8']);
    }

    #[test]
    fn ignores_notes_that_are_not_restrictions() {
        assert!(parse_seventh_restriction("The appropriate 7th character is to be added to each code").is_none());
    }
}
