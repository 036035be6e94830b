//! `case rescreen`: the case's parties screened again, against the list versions the case was
//! screened with (list versions are never deleted, so they are always there) and against the
//! current ones, and what changed between the two: new hits, gone hits, changed scores. The
//! current hits are marked by the allow list ([`super::allow_list`]). The result is appended as
//! a `rescreened` event (also on a submitted case: the re-screening log is a later fact, not an
//! edit) with payload `{versions_then, versions_now, reproduced, parties, current, alerts,
//! top_score}`: `reproduced` says whether the case's versions still give the hits the case
//! recorded (same matcher), `parties[i]` is `{party, changes, now}`, and `current` has the shape
//! of a `screened` payload, so dispositions can refer to the new hits.

use super::allow_list::{party_key, AllowList, AllowStatus};
use super::events::{entity_fingerprint, CaseError, CaseState};
use super::{CaseEvent, EventKind, NewEvent};
use crate::affiliations::{self, Screening};
use crate::matching::Hit;
use crate::model::ListVersion;
use crate::screening::{ListUsed, ScreenResult, Screener};
use crate::store::Store;
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    New,
    Gone,
    ScoreChanged,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    pub list: String,
    pub entry_id: String,
    pub name: String,
    pub score_then: Option<f64>,
    pub score_now: Option<f64>,
    /// The allow list's word on the current hit (`alert` for a gone hit).
    pub allow: AllowStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NowHit {
    pub list: String,
    pub entry_id: String,
    pub name: String,
    pub score: f64,
    pub allow: AllowStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyChanges {
    pub party: String,
    pub changes: Vec<Change>,
    pub now: Vec<NowHit>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rescreen {
    pub case_id: String,
    pub versions_then: Vec<ListUsed>,
    pub versions_now: Vec<ListUsed>,
    pub reproduced: bool,
    pub parties: Vec<PartyChanges>,
    /// Current hits that alert (allow-listed ones do not).
    pub alerts: usize,
    pub event: CaseEvent,
}

fn used(v: &ListVersion) -> ListUsed {
    ListUsed {
        list: v.list.clone(),
        version: v.version.clone(),
        published: v.published.clone(),
        as_of: v.as_of.clone(),
        sha256: v.sha256.clone(),
    }
}

/// Re-screens a case and appends the `rescreened` event.
pub fn rescreen(store: &mut Store, case_id: &str, now: chrono::DateTime<chrono::Utc>) -> Result<Rescreen, CaseError> {
    let user = super::profile::require(store)?;
    let case_events = store.case_events(case_id)?;
    let state = CaseState::from_events(&case_events)?;
    let input =
        state.input.clone().ok_or_else(|| CaseError::Rescreen(format!("case {case_id} has no opened event")))?;
    let screened = case_events
        .iter()
        .find(|e| e.kind == "screened")
        .ok_or_else(|| CaseError::Rescreen(format!("case {case_id} was never screened")))?;
    let screened: Value = serde_json::from_str(screened.payload.get()).map_err(|e| CaseError::Payload {
        case_id: case_id.into(),
        seq: 2,
        reason: e.to_string(),
    })?;
    let threshold = screened["counterparty"]["threshold"].as_f64().unwrap_or(crate::matching::DEFAULT_THRESHOLD);
    let mut then_versions = Vec::new();
    for cited in screened["counterparty"]["lists"].as_array().into_iter().flatten() {
        let field = |k: &str| cited[k].as_str().unwrap_or_default();
        let version = store.version_cited(field("list"), field("version"), field("sha256"))?.ok_or_else(|| {
            CaseError::Rescreen(format!("list version {} {} is not in this database", field("list"), field("version")))
        })?;
        then_versions.push(version);
    }
    let then_screener = Screener::for_versions(store, then_versions)?;
    let now_screener = Screener::load(store)?;
    let screen =
        |s: &Screener| affiliations::screen(s, &input, threshold).map_err(|e| CaseError::Rescreen(e.to_string()));
    let (then, current) = (screen(&then_screener)?, screen(&now_screener)?);

    let allow = AllowList::load(store)?;
    let mut parties = Vec::new();
    let pairs = results(&then).into_iter().zip(results(&current));
    for ((name, then_result), (_, now_result)) in pairs {
        let key = party_key(&name, now_result.query.schema);
        let status = |hit: &Hit| -> Result<AllowStatus, CaseError> {
            allow.status_lazy(&key, &hit.list, &hit.entry_id, || {
                Ok(store.entity(&hit.list, &hit.entry_id)?.map(|e| entity_fingerprint(&e)))
            })
        };
        let mut changes = Vec::new();
        let mut now_hits = Vec::new();
        for hit in &now_result.hits {
            let allow = status(hit)?;
            let before = then_result.hits.iter().find(|h| h.list == hit.list && h.entry_id == hit.entry_id);
            let kind = match before {
                None => Some(ChangeKind::New),
                Some(b) if (b.score - hit.score).abs() > 1e-9 => Some(ChangeKind::ScoreChanged),
                Some(_) => None,
            };
            if let Some(kind) = kind {
                changes.push(Change {
                    kind,
                    list: hit.list.clone(),
                    entry_id: hit.entry_id.clone(),
                    name: hit.name.clone(),
                    score_then: before.map(|b| b.score),
                    score_now: Some(hit.score),
                    allow: allow.clone(),
                });
            }
            now_hits.push(NowHit {
                list: hit.list.clone(),
                entry_id: hit.entry_id.clone(),
                name: hit.name.clone(),
                score: hit.score,
                allow,
            });
        }
        for hit in &then_result.hits {
            if !now_result.hits.iter().any(|h| h.list == hit.list && h.entry_id == hit.entry_id) {
                changes.push(Change {
                    kind: ChangeKind::Gone,
                    list: hit.list.clone(),
                    entry_id: hit.entry_id.clone(),
                    name: hit.name.clone(),
                    score_then: Some(hit.score),
                    score_now: None,
                    allow: AllowStatus::Alert,
                });
            }
        }
        parties.push(PartyChanges { party: name, changes, now: now_hits });
    }
    let reproduced = state.parties.len() == parties.len()
        && results(&then).iter().zip(recorded_parties(&screened)).all(|((_, r), recorded)| {
            let got: Vec<(String, String, String)> =
                r.hits.iter().map(|h| (h.list.clone(), h.entry_id.clone(), format!("{:.6}", h.score))).collect();
            got == recorded
        });
    let alerts = parties.iter().flat_map(|p| &p.now).filter(|h| h.allow.alerts()).count();
    let versions_then: Vec<ListUsed> = then_screener.versions().iter().map(used).collect();
    let versions_now: Vec<ListUsed> = now_screener.versions().iter().map(used).collect();
    let payload = json!({
        "role": user.role,
        "versions_then": versions_then,
        "versions_now": versions_now,
        "reproduced": reproduced,
        "parties": parties,
        "current": {"counterparty": current.counterparty, "affiliations": current.affiliations},
        "alerts": alerts,
        "top_score": current.top_score(),
    });
    let event = store.append_case_event_with(case_id, None, |_| {
        Ok::<_, CaseError>(NewEvent {
            at: super::timestamp(now),
            actor: user.name.clone(),
            kind: EventKind::Rescreened,
            payload,
        })
    })?;
    Ok(Rescreen { case_id: case_id.into(), versions_then, versions_now, reproduced, parties, alerts, event })
}

/// (party name, result) for the counterparty and each affiliation.
fn results(s: &Screening) -> Vec<(String, &ScreenResult)> {
    std::iter::once((s.counterparty.query.name.clone(), &s.counterparty))
        .chain(s.affiliations.iter().map(|a| (a.affiliation.name.clone(), &a.result)))
        .collect()
}

/// The hits a `screened` payload recorded, per party, as (list, entry, score to 6 places).
fn recorded_parties(p: &Value) -> Vec<Vec<(String, String, String)>> {
    let hits = |r: &Value| {
        r["hits"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|h| {
                (
                    h["list"].as_str().unwrap_or_default().to_string(),
                    h["entry_id"].as_str().unwrap_or_default().to_string(),
                    format!("{:.6}", h["score"].as_f64().unwrap_or(0.0)),
                )
            })
            .collect::<Vec<_>>()
    };
    std::iter::once(hits(&p["counterparty"]))
        .chain(p["affiliations"].as_array().into_iter().flatten().map(|a| hits(&a["result"])))
        .collect()
}
