//! The JSON bundle of a case (`case export --json`): the case summary, every event exactly as
//! hashed, the head, and each attachment's name, size and SHA-256 (not the bytes). Anyone can
//! recompute the chain from it (recipe in [`super`]); `case verify --bundle` does, and compares it
//! with the stored case when this database has it.

use super::events::{AttachmentRecord, CaseState};
use super::verify::{verify_events, Head, VerifyReport};
use super::{CaseEvent, CaseSummary};
use crate::store::{Store, StoreError};
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "klaring-case-bundle/1";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bundle {
    pub format: String,
    pub exported_at: String,
    pub case: CaseSummary,
    pub retain_until: Option<String>,
    pub head: Head,
    pub events: Vec<CaseEvent>,
    pub attachments: Vec<AttachmentRecord>,
}

/// The bundle of a stored case.
pub fn export(
    store: &Store,
    case_id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Bundle, super::events::CaseError> {
    let file = store.case_file(case_id)?.ok_or_else(|| StoreError::NoCase(case_id.to_string()))?;
    let state = CaseState::from_events(&file.events)?;
    let retention = super::retention::retention(&state, super::retention::years(store)?);
    let last = file.events.last().ok_or_else(|| StoreError::NoCase(case_id.to_string()))?;
    Ok(Bundle {
        format: FORMAT.to_string(),
        exported_at: super::timestamp(now),
        head: Head { seq: last.seq, hash: last.hash.clone() },
        retain_until: Some(retention.retain_until.to_string()),
        attachments: state.attachments,
        case: file.summary,
        events: file.events,
    })
}

/// Checks a bundle on its own (chain, head, attachment list), and against the stored case
/// when `store` has it: the stored chain must contain the bundle's events unchanged.
pub fn verify_bundle(bundle: &Bundle, store: Option<&Store>) -> Result<VerifyReport, StoreError> {
    let case_id = bundle.case.id.clone();
    let mut report = verify_events(&case_id, &bundle.events, Some(bundle.head.clone()));
    if bundle.format != FORMAT {
        report.problems.push(format!("unknown bundle format {:?} (expected {FORMAT})", bundle.format));
    }
    if bundle.events.iter().any(|e| e.case_id != case_id) {
        report.problems.push(format!("the bundle holds events of another case than {case_id}"));
    }
    match CaseState::from_events(&bundle.events) {
        Ok(state) if state.attachments != bundle.attachments => {
            report.problems.push("the attachment list does not match the attachment events".into())
        }
        Ok(_) => {}
        Err(e) => report.problems.push(e.to_string()),
    }
    report.attachments_checked = bundle.attachments.len();
    if let Some(store) = store {
        let stored = store.case_events(&case_id)?;
        if !stored.is_empty() {
            let differs = bundle.events.len() > stored.len()
                || bundle
                    .events
                    .iter()
                    .zip(&stored)
                    .any(|(b, s)| b.hash != s.hash || b.payload.get() != s.payload.get());
            if differs {
                report.problems.push(format!("the bundle differs from case {case_id} as stored in this database"));
            }
        }
    }
    report.ok = report.problems.is_empty();
    Ok(report)
}

/// Reads a bundle file.
pub fn read(text: &str) -> Result<Bundle, serde_json::Error> {
    serde_json::from_str(text)
}
