//! The grader: pairs the student's lines with the key's lines (policy steps 1-5), gives each
//! line its status, credit and error type, asks the edits for findings, and forms the score.

use super::case::{normalize_modifier, normalize_procedure, procedure_system, DiagnosisLine, ProcedureLine, Rationale};
use super::feedback::{self, Ctx};
use super::findings::DiagnosisCode;
use super::matching::max_weight_matching;
use super::*;
use crate::codes::{normalize_icd10cm, without_dot};
use crate::store::{LookupView, Status};

/// Grades with the default edits ([`Excludes1Edit`]).
pub fn grade(case: &Case, answer: &Answer, policy: Policy, sets: &CodeSets) -> Result<GradeResult, GradeError> {
    grade_with(case, answer, policy, sets, &Excludes1Edit)
}

/// What one diagnosis code (the student's or the key's) is on the date of service.
pub(crate) struct DxInfo {
    pub text: String,
    pub code: Option<String>,
    pub status: CodeStatus,
    pub view: Option<LookupView>,
}

impl DxInfo {
    pub fn title(&self) -> Option<&str> {
        self.view.as_ref().and_then(|v| v.title.as_deref())
    }
}

pub(crate) fn dx_info(set: &Icd10cm, text: &str, date: Date) -> DxInfo {
    let code = normalize_icd10cm(text).ok();
    let (status, view) = match &code {
        None => (CodeStatus::Malformed, None),
        Some(c) => match set.lookup(c, date) {
            Ok(v) => (
                match v.status {
                    Status::Valid => CodeStatus::Valid,
                    Status::NotValidOnDate => CodeStatus::NotValidOnDate,
                    Status::Header => CodeStatus::Header,
                    Status::Invalid => CodeStatus::Invalid,
                },
                Some(v),
            ),
            Err(_) => (CodeStatus::Unknown, None),
        },
    };
    DxInfo { text: text.trim().to_string(), code, status, view }
}

/// What one procedure code is on the date of service.
pub(crate) struct PxInfo {
    pub text: String,
    pub code: Option<String>,
    pub status: CodeStatus,
    pub title: Option<String>,
    pub message: Option<String>,
}

pub(crate) fn px_info(sets: &CodeSets, text: &str, date: Date) -> PxInfo {
    let code = normalize_procedure(text);
    let system = code.as_deref().and_then(procedure_system);
    let (status, title, message) = match (&code, system) {
        (None, _) | (_, None) => (CodeStatus::Malformed, None, None),
        (Some(c), Some(CodeSystem::Icd10pcs)) => match sets.icd10pcs {
            None => (CodeStatus::NoData, None, Some("the ICD-10-PCS code set is not loaded".to_string())),
            Some(pcs) => match pcs.lookup(c, date) {
                Ok(v) if v.valid_on_date => (CodeStatus::Valid, v.title, None),
                Ok(v) => (CodeStatus::NotValidOnDate, v.title, Some(v.validity_text)),
                Err(e) => (CodeStatus::Unknown, None, Some(e.to_string())),
            },
        },
        (Some(c), Some(s)) => match sets.cpt_hcpcs {
            None => (CodeStatus::NoData, None, Some(format!("no {} data is loaded to check {c}", s.name()))),
            Some(p) => {
                let r = p.check(s, c, date);
                (r.status, r.title, r.message)
            }
        },
    };
    PxInfo { text: text.trim().to_string(), code, status, title, message }
}

/// Grades with the given edits (issue 5's engine passes itself here).
pub fn grade_with(
    case: &Case,
    answer: &Answer,
    policy: Policy,
    sets: &CodeSets,
    edits: &dyn DiagnosisEdits,
) -> Result<GradeResult, GradeError> {
    let date = case.date().map_err(|p| GradeError::Case(CaseError::Invalid(vec![p])))?;
    if let Some(id) = &answer.case_id {
        if *id != case.id {
            return Err(GradeError::Answer(CaseError::Invalid(vec![Problem::new(
                "case_id",
                format!("is {id:?}, but this case is {:?}", case.id),
            )])));
        }
    }
    let set = sets.icd10cm;

    // The student's diagnoses (blank entries ignored) and the key's lines.
    let students: Vec<(u32, DxInfo)> = answer
        .diagnoses
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.trim().is_empty())
        .map(|(i, t)| (i as u32 + 1, dx_info(set, t, date)))
        .collect();
    let duplicate_of: Vec<Option<usize>> = (0..students.len())
        .map(|i| {
            let c = students[i].1.code.as_ref()?;
            (0..i).find(|&k| students[k].1.code.as_ref() == Some(c))
        })
        .collect();
    let keys = &case.key.diagnoses;
    let key_codes: Vec<Vec<String>> = keys
        .iter()
        .map(|k| std::iter::once(&k.code).chain(&k.alternates).filter_map(|c| normalize_icd10cm(c).ok()).collect())
        .collect();

    // Findings over the distinct codes lookup knows.
    let known: Vec<DiagnosisCode> = students
        .iter()
        .zip(&duplicate_of)
        .filter(|(_, d)| d.is_none())
        .filter_map(|((pos, info), _)| {
            Some(DiagnosisCode { position: *pos, code: info.code.as_deref()?, view: info.view.as_ref()? })
        })
        .collect();
    let findings = edits.check_diagnoses(set, &known, date);

    // Step 1 (with step 3 in the weights): exact matches, most credit first.
    let exact_halves = |i: usize, j: usize| -> u32 {
        if keys[j].optional {
            0
        } else if keys[j].role.is_first() && i != 0 {
            policy.sequencing_halves()
        } else {
            2
        }
    };
    let m1 = max_weight_matching(students.len(), keys.len(), |i, j| {
        let Some(c) = students[i].1.code.as_ref().filter(|_| duplicate_of[i].is_none()) else {
            return 0;
        };
        if !key_codes[j].contains(c) {
            return 0;
        }
        weight(exact_halves(i, j), key_codes[j][0] == *c, i)
    });
    let mut key_taken: Vec<Option<usize>> = vec![None; keys.len()];
    for (i, j) in m1.iter().enumerate() {
        if let Some(j) = j {
            key_taken[*j] = Some(i);
        }
    }

    // Step 2: specificity pairs among what is left (same first three characters, required lines).
    let free_s: Vec<usize> =
        (0..students.len()).filter(|&i| m1[i].is_none() && duplicate_of[i].is_none() && students[i].1.code.is_some()).collect();
    let free_k: Vec<usize> = (0..keys.len()).filter(|&j| key_taken[j].is_none() && !keys[j].optional).collect();
    let m2 = max_weight_matching(free_s.len(), free_k.len(), |a, b| {
        let c = without_dot(students[free_s[a]].1.code.as_ref().unwrap());
        let best = key_codes[free_k[b]].iter().map(|k| common_prefix(&c, &without_dot(k))).max().unwrap_or(0);
        if best >= 3 {
            // Closest code first (longest common prefix), then the earlier student line.
            1_000_000 + best as i64 * 1000 + (100 - free_s[a] as i64)
        } else {
            0
        }
    });
    let mut near: Vec<Option<usize>> = vec![None; students.len()];
    let mut key_near: Vec<Option<usize>> = vec![None; keys.len()];
    for (a, b) in m2.iter().enumerate() {
        if let Some(b) = b {
            near[free_s[a]] = Some(free_k[*b]);
            key_near[free_k[*b]] = Some(free_s[a]);
        }
    }

    let key_infos: Vec<DxInfo> = keys.iter().map(|k| dx_info(set, &k.code, date)).collect();
    let ctx = Ctx { case, set, date, policy, findings: &findings };
    let mut lines = Vec::new();
    let mut halves = 0u32;

    for (i, (position, info)) in students.iter().enumerate() {
        let answer_view = dx_answer_view(*position, info);
        let (status, credit, error, key, fb) = if let Some(first) = duplicate_of[i] {
            let error = if info.status == CodeStatus::Valid { ErrorType::Unsupported } else { ErrorType::Lookup };
            let fb = vec![feedback::duplicate(info, students[first].0)];
            (LineStatus::Unsupported, 0, Some(error), None, fb)
        } else if let Some(j) = m1[i] {
            let h = exact_halves(i, j);
            let status = if keys[j].optional {
                LineStatus::Optional
            } else if keys[j].role.is_first() && i != 0 {
                LineStatus::Sequencing
            } else {
                LineStatus::Correct
            };
            let error = (status == LineStatus::Sequencing).then_some(ErrorType::Sequencing);
            let fb = feedback::dx_matched(&ctx, status, info, *position, &keys[j], &key_infos[j]);
            (status, h, error, Some(j), fb)
        } else if let Some(j) = near[i] {
            let (kcode, kinfo) = closest_key_code(set, date, info, &keys[j], &key_infos[j]);
            let error = feedback::classify_near_miss(info, &kcode, &kinfo);
            let fb = feedback::dx_near_miss(&ctx, error, info, &kcode, &kinfo);
            let h = policy.specificity_halves();
            let status = if h > 0 { LineStatus::Specificity } else { LineStatus::Unsupported };
            (status, h, Some(error), Some(j), fb)
        } else {
            let in_finding = findings.iter().any(|f| f.positions.contains(position) && f.codes.len() > 1);
            let error = if info.status != CodeStatus::Valid {
                ErrorType::Lookup
            } else if in_finding {
                ErrorType::Excludes1
            } else {
                ErrorType::Unsupported
            };
            (LineStatus::Unsupported, 0, Some(error), None, feedback::dx_unsupported(&ctx, info, *position))
        };
        halves += credit;
        lines.push(GradedLine {
            kind: LineKind::Diagnosis,
            status,
            credit: f64::from(credit) / 2.0,
            error,
            answer: Some(answer_view),
            key: key.map(|j| dx_key_view(j, &keys[j], &key_infos[j])),
            feedback: fb,
            rationale: key.map(|j| rationale_view(set, date, &keys[j].rationale)),
        });
    }

    // Procedures (step 4).
    let px_students: Vec<(u32, &AnswerProcedure, PxInfo)> = answer
        .procedures
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.code.trim().is_empty())
        .map(|(i, p)| (i as u32 + 1, p, px_info(sets, &p.code, date)))
        .collect();
    let pkeys = &case.key.procedures;
    let pkey_codes: Vec<Vec<String>> = pkeys
        .iter()
        .map(|k| std::iter::once(&k.code).chain(&k.alternates).filter_map(|c| normalize_procedure(c)).collect())
        .collect();
    let student_mods: Vec<Vec<String>> = px_students.iter().map(|(_, p, _)| modifier_set(&p.modifiers)).collect();
    let px_halves = |i: usize, j: usize| -> u32 {
        let (_, p, _) = &px_students[i];
        if pkeys[j].optional {
            0
        } else if modifiers_match(&student_mods[i], &pkeys[j]) && p.units.unwrap_or(1) == pkeys[j].units {
            2
        } else {
            policy.partial_halves()
        }
    };
    let pm = max_weight_matching(px_students.len(), pkeys.len(), |i, j| {
        let Some(c) = &px_students[i].2.code else { return 0 };
        if !pkey_codes[j].contains(c) {
            return 0;
        }
        weight(px_halves(i, j), pkey_codes[j][0] == *c, i)
    });
    let mut pkey_taken = vec![false; pkeys.len()];
    let pkey_infos: Vec<PxInfo> = pkeys.iter().map(|k| px_info(sets, &k.code, date)).collect();
    for (i, (position, p, info)) in px_students.iter().enumerate() {
        let units = p.units.unwrap_or(1);
        let answer_view = AnswerLineView {
            position: *position,
            text: info.text.clone(),
            code: info.code.clone(),
            code_status: info.status,
            title: info.title.clone(),
            modifiers: Some(student_mods[i].clone()),
            units: Some(units),
        };
        let (status, credit, error, key, fb) = match pm[i] {
            Some(j) => {
                pkey_taken[j] = true;
                let h = px_halves(i, j);
                let k = &pkeys[j];
                let mods_ok = modifiers_match(&student_mods[i], k);
                let units_ok = units == k.units;
                let (status, error) = if k.optional {
                    (LineStatus::Optional, None)
                } else if mods_ok && units_ok {
                    (LineStatus::Correct, None)
                } else if !mods_ok {
                    (LineStatus::Partial, Some(ErrorType::Modifier))
                } else {
                    (LineStatus::Partial, Some(ErrorType::Units))
                };
                let fb = feedback::px_matched(&ctx, status, info, &student_mods[i], units, k, &pkey_infos[j]);
                (status, h, error, Some(j), fb)
            }
            None => {
                let error = match info.status {
                    CodeStatus::Valid | CodeStatus::NoData => ErrorType::Unsupported,
                    _ => ErrorType::Lookup,
                };
                (LineStatus::Unsupported, 0, Some(error), None, feedback::px_unsupported(&ctx, info))
            }
        };
        halves += credit;
        lines.push(GradedLine {
            kind: LineKind::Procedure,
            status,
            credit: f64::from(credit) / 2.0,
            error,
            answer: Some(answer_view),
            key: key.map(|j| px_key_view(j, &pkeys[j], &pkey_infos[j])),
            feedback: fb,
            rationale: key.map(|j| rationale_view(set, date, &pkeys[j].rationale)),
        });
    }

    // Step 5: key lines nobody entered — required ones missing, then optional ones.
    let dx_missing = |j: usize| key_taken[j].is_none() && (key_near[j].is_none() || policy.specificity_halves() == 0);
    for optional in [false, true] {
        for (j, k) in keys.iter().enumerate() {
            if k.optional == optional && dx_missing(j) {
                let status = if optional { LineStatus::Optional } else { LineStatus::Missing };
                let close = key_near[j].map(|i| &students[i]);
                lines.push(GradedLine {
                    kind: LineKind::Diagnosis,
                    status,
                    credit: 0.0,
                    error: (!optional).then_some(ErrorType::Missed),
                    answer: None,
                    key: Some(dx_key_view(j, k, &key_infos[j])),
                    feedback: feedback::dx_key_only(&ctx, status, k, &key_infos[j], close.map(|(p, info)| (*p, info))),
                    rationale: Some(rationale_view(set, date, &k.rationale)),
                });
            }
        }
        for (j, k) in pkeys.iter().enumerate() {
            if k.optional == optional && !pkey_taken[j] {
                let status = if optional { LineStatus::Optional } else { LineStatus::Missing };
                lines.push(GradedLine {
                    kind: LineKind::Procedure,
                    status,
                    credit: 0.0,
                    error: (!optional).then_some(ErrorType::Missed),
                    answer: None,
                    key: Some(px_key_view(j, k, &pkey_infos[j])),
                    feedback: feedback::px_key_only(status, k, &pkey_infos[j]),
                    rationale: Some(rationale_view(set, date, &k.rationale)),
                });
            }
        }
    }

    // Step 6: the score.
    let required = (keys.iter().filter(|k| !k.optional).count() + pkeys.iter().filter(|k| !k.optional).count()) as u32;
    let counted = lines.iter().filter(|l| l.answer.is_some() && l.status != LineStatus::Optional).count() as u32;
    let denominator = required.max(counted);
    Ok(GradeResult {
        format: RESULT_FORMAT,
        case_id: case.id.clone(),
        policy,
        date_of_service: date.to_string(),
        score: policy::score(halves, denominator),
        credits: f64::from(halves) / 2.0,
        denominator,
        required_key_lines: required,
        counted_answer_lines: counted,
        lines,
        findings,
    })
}

/// A pairing's weight, lexicographic by construction (at most 50 lines per list): credit first,
/// then pairing at all (an optional match keeps a line out of the denominator), then matching the
/// key line's own code rather than an alternate, then the earlier student line.
fn weight(halves: u32, own_code: bool, student: usize) -> i64 {
    i64::from(halves) * 1_000_000_000 + 10_000_000 + i64::from(own_code) * 10_000 + (100 - student as i64)
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// Of a key line's code and alternates, the one closest to the student's code (longest common
/// prefix; the line's own code on a tie), with its info.
fn closest_key_code(set: &Icd10cm, date: Date, student: &DxInfo, line: &DiagnosisLine, line_info: &DxInfo) -> (String, DxInfo) {
    let s = without_dot(student.code.as_deref().unwrap_or(""));
    let mut best: Option<(usize, &String)> = None;
    for c in std::iter::once(&line.code).chain(&line.alternates) {
        let n = common_prefix(&s, &without_dot(c));
        if best.is_none_or(|(b, _)| n > b) {
            best = Some((n, c));
        }
    }
    let code = best.map(|(_, c)| c.clone()).unwrap_or_else(|| line.code.clone());
    if code == line.code {
        let info = DxInfo {
            text: line_info.text.clone(),
            code: line_info.code.clone(),
            status: line_info.status,
            view: line_info.view.clone(),
        };
        (code, info)
    } else {
        let info = dx_info(set, &code, date);
        (code, info)
    }
}

fn dx_answer_view(position: u32, info: &DxInfo) -> AnswerLineView {
    AnswerLineView {
        position,
        text: info.text.clone(),
        code: info.code.clone(),
        code_status: info.status,
        title: info.title().map(str::to_string),
        modifiers: None,
        units: None,
    }
}

fn dx_key_view(j: usize, k: &DiagnosisLine, info: &DxInfo) -> KeyLineView {
    KeyLineView {
        index: j as u32,
        system: CodeSystem::Icd10cm,
        role: Some(k.role),
        code: k.code.clone(),
        title: info.title().map(str::to_string),
        alternates: k.alternates.clone(),
        optional: k.optional,
        modifiers: None,
        units: None,
    }
}

fn px_key_view(j: usize, k: &ProcedureLine, info: &PxInfo) -> KeyLineView {
    KeyLineView {
        index: j as u32,
        system: k.system,
        role: None,
        code: k.code.clone(),
        title: info.title.clone(),
        alternates: k.alternates.clone(),
        optional: k.optional,
        modifiers: Some(k.modifiers.clone()),
        units: Some(k.units),
    }
}

/// The student's modifiers, upper-cased, duplicates dropped, sorted.
fn modifier_set(mods: &[String]) -> Vec<String> {
    let mut out: Vec<String> = mods
        .iter()
        .filter(|m| !m.trim().is_empty())
        .map(|m| normalize_modifier(m).unwrap_or_else(|| m.trim().to_ascii_uppercase()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every required modifier present, nothing beyond the required and optional ones.
pub(crate) fn modifiers_match(student: &[String], key: &ProcedureLine) -> bool {
    key.modifiers.iter().all(|m| student.contains(m))
        && student.iter().all(|m| key.modifiers.contains(m) || key.optional_modifiers.contains(m))
}

/// The rationale with each cited note located in the code set (the level it is printed at).
pub(crate) fn rationale_view(set: &Icd10cm, date: Date, r: &Rationale) -> RationaleView {
    RationaleView {
        index: r.index.clone(),
        tabular_notes: r
            .tabular_notes
            .iter()
            .map(|n| NoteCitationView {
                code: n.code.clone(),
                kind: n.kind,
                label: n.kind.label(),
                source: find_note(set, date, &n.code, n.kind, &n.text),
                text: n.text.clone(),
            })
            .collect(),
        guidelines: r.guidelines.clone(),
        chart_quotes: r.chart_quotes.clone(),
        explanation: r.explanation.clone(),
    }
}

/// The level at which `code`'s notes (own or inherited) hold a note of `kind` containing `text`
/// (spacing ignored).
pub(crate) fn find_note(set: &Icd10cm, date: Date, code: &str, kind: NoteKind, text: &str) -> Option<String> {
    let view = set.lookup(code, date).ok()?;
    let want = squash(text);
    view.notes.iter().find(|n| n.kind == kind && squash(&n.text).contains(&want)).map(|n| n.source.clone())
}

/// Collapses runs of whitespace to one space and trims.
pub(crate) fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
