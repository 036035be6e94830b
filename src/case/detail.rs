//! Everything one case shows, in one read: what the Cases view and `klaring case show --json`
//! display, and what the PDF report prints.

use super::events::{ApprovalReason, CaseError, CaseState};
use super::retention::{self, Retention};
use super::verify::{self, VerifyReport};
use super::{CaseEvent, CaseSummary};
use crate::store::Store;
use crate::update::staleness::{self, ListAge};
use crate::update::UpdateError;
use serde::Serialize;
use serde_json::Value;

/// The latest `risk_assessed` event, as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct RiskRecord {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// The transaction as the user described it (`assessment::Transaction`).
    pub transaction: Value,
    /// The model's input (`risk::AssessInput`).
    pub input: Value,
    /// The result (`risk::RiskProfile`).
    pub profile: Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    pub summary: CaseSummary,
    pub state: CaseState,
    pub retention: Retention,
    /// The hash chain checked now, against the stored head.
    pub verify: VerifyReport,
    pub risk: Option<RiskRecord>,
    /// Why the latest decision needs a second person's approval (the core's rule, so the app
    /// says in advance what submitting will require).
    pub approval_required: Option<ApprovalReason>,
    /// Hits of the latest screening that still need a disposition before proceeding.
    pub undisposed: Vec<String>,
    /// The age of each list the latest screening used, stale under the policy in force.
    pub list_ages: Vec<ListAge>,
    pub events: Vec<CaseEvent>,
}

/// The case as of `today` (the day list ages are counted to).
pub fn detail(store: &Store, case_id: &str, today: chrono::NaiveDate) -> Result<CaseDetail, CaseError> {
    let file = store.case_file(case_id)?.ok_or_else(|| crate::store::StoreError::NoCase(case_id.to_string()))?;
    let state = CaseState::from_events(&file.events)?;
    let retention = retention::retention(&state, retention::years(store)?);
    let verify = verify::verify_case(store, case_id)?;
    let risk = file.events.iter().rev().find(|e| e.kind == "risk_assessed").map(|e| {
        let p: Value = serde_json::from_str(e.payload.get()).unwrap_or_default();
        RiskRecord {
            seq: e.seq,
            at: e.at.clone(),
            actor: e.actor.clone(),
            transaction: p["transaction"].clone(),
            input: p["input"].clone(),
            profile: p["profile"].clone(),
        }
    });
    let list_ages = staleness::case_ages(store, &state, today).map_err(|e| match e {
        UpdateError::Store(e) => CaseError::Store(e),
        UpdateError::Case(e) => e,
        other => CaseError::Payload { case_id: case_id.to_string(), seq: 0, reason: other.to_string() },
    })?;
    Ok(CaseDetail {
        summary: file.summary,
        approval_required: state.approval_required(),
        undisposed: state.undisposed(),
        state,
        retention,
        verify,
        risk,
        list_ages,
        events: file.events,
    })
}
