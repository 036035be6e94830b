//! `case verify`: is a case's history intact? The chain is recomputed over the stored bytes
//! (every problem is listed, not only the first), the chain's end is compared with the head the
//! store wrote with the last event (so events removed from the end are noticed too), and every
//! attachment's bytes are hashed again.

use super::events::CaseState;
use super::{event_hash, CaseEvent, ChainError, GENESIS};
use crate::store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The last event of a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyReport {
    pub case_id: String,
    pub ok: bool,
    pub events: usize,
    /// Where the chain ends as read.
    pub head: Option<Head>,
    /// Where the store (or the bundle) says it ends.
    pub expected_head: Option<Head>,
    pub attachments_checked: usize,
    pub problems: Vec<String>,
}

/// Checks a chain and lists every problem: sequence gaps, broken links, changed content.
pub fn chain_problems(events: &[CaseEvent]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut prev = GENESIS.to_string();
    for (i, e) in events.iter().enumerate() {
        let expected = i as i64 + 1;
        if e.seq != expected {
            problems.push(ChainError::Sequence { case_id: e.case_id.clone(), seq: e.seq, expected }.to_string());
        }
        if e.prev_hash != prev {
            problems.push(ChainError::Link { case_id: e.case_id.clone(), seq: e.seq }.to_string());
        }
        if event_hash(&e.prev_hash, &e.case_id, e.seq, &e.at, &e.actor, &e.kind, e.payload.get()) != e.hash {
            problems.push(ChainError::Hash { case_id: e.case_id.clone(), seq: e.seq }.to_string());
        }
        prev = e.hash.clone();
    }
    problems
}

/// Checks `events` against an expected head.
pub fn verify_events(case_id: &str, events: &[CaseEvent], expected_head: Option<Head>) -> VerifyReport {
    let mut problems = chain_problems(events);
    if events.is_empty() {
        problems.push(format!("case {case_id} has no events"));
    }
    let head = events.last().map(|e| Head { seq: e.seq, hash: e.hash.clone() });
    match (&expected_head, &head) {
        (None, _) => problems.push(format!("case {case_id}: no recorded head to compare the chain's end with")),
        (Some(want), Some(got)) if want != got => problems.push(format!(
            "case {case_id}: the chain ends at event {} ({}), but the recorded head is event {} ({}): events were removed, added or rewritten",
            got.seq, got.hash, want.seq, want.hash
        )),
        _ => {}
    }
    VerifyReport {
        case_id: case_id.to_string(),
        ok: problems.is_empty(),
        events: events.len(),
        head,
        expected_head,
        attachments_checked: 0,
        problems,
    }
}

/// Verifies a stored case: chain, head, attachments.
pub fn verify_case(store: &Store, case_id: &str) -> Result<VerifyReport, StoreError> {
    if store.case_summary(case_id)?.is_none() {
        return Err(StoreError::NoCase(case_id.to_string()));
    }
    let events = store.case_events(case_id)?;
    let expected = store.case_head(case_id)?.map(|(seq, hash)| Head { seq, hash });
    let mut report = verify_events(case_id, &events, expected);
    match CaseState::from_events(&events) {
        Ok(state) => {
            for a in &state.attachments {
                match store.case_attachment(&a.sha256)? {
                    None => report.problems.push(format!("attachment {:?} (event {}) is missing", a.name, a.seq)),
                    Some(bytes) if crate::store::hex(&Sha256::digest(&bytes)) != a.sha256 => report
                        .problems
                        .push(format!("attachment {:?} (event {}) does not match its SHA-256", a.name, a.seq)),
                    Some(_) => {}
                }
                report.attachments_checked += 1;
            }
        }
        Err(e) => report.problems.push(e.to_string()),
    }
    report.ok = report.problems.is_empty();
    Ok(report)
}
