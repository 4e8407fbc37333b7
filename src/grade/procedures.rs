//! CPT and HCPCS Level II codes for grading and lint, from the HCPCS store.

use super::{CodeStatus, CodeSystem, ProcedureCheck, ProcedureCodes};
use crate::codes::Date;
use crate::store::hcpcs::{Hcpcs, HcpcsLookupError, HcpcsStatus};

impl ProcedureCodes for Hcpcs {
    /// Validity from the HCPCS file and the I/OCE; the title is the Level II long description
    /// (public domain) or, for CPT, only a descriptor the user imported (never shipped).
    fn check(&self, system: CodeSystem, code: &str, date: Date) -> ProcedureCheck {
        let wrong_system = |what: &str| ProcedureCheck {
            status: CodeStatus::Unknown,
            title: None,
            message: Some(format!("{code} is not a {} code ({what})", system.name())),
        };
        match self.lookup(code, date) {
            Ok(v) if v.kind != "code" => wrong_system("it is a modifier"),
            Ok(v) if v.system != system.label() => wrong_system(&format!("it is a {} code", v.system.to_uppercase())),
            Ok(v) => ProcedureCheck {
                status: match v.status {
                    HcpcsStatus::Valid => CodeStatus::Valid,
                    HcpcsStatus::NotValidOnDate => CodeStatus::NotValidOnDate,
                    HcpcsStatus::NoData => CodeStatus::NoData,
                },
                title: v.description.clone(),
                message: (v.status != HcpcsStatus::Valid).then(|| v.validity_text.clone()),
            },
            Err(e @ HcpcsLookupError::Malformed(_)) => {
                ProcedureCheck { status: CodeStatus::Malformed, title: None, message: Some(e.to_string()) }
            }
            Err(e) => ProcedureCheck { status: CodeStatus::Unknown, title: None, message: Some(e.to_string()) },
        }
    }
}
