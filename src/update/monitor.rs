//! Ongoing monitoring: after the lists change, every saved case's counterparty and affiliates
//! are screened again against the current lists, with the same engine, threshold and allow
//! list as any screening, and what is new is raised as an alert:
//!
//! - `new_hit`: a hit the case's latest screening did not have;
//! - `changed_entry`: a hit the case had, whose list entry has changed since (its fingerprint,
//!   [`entity_fingerprint`], differs between the version the case cites and the current one);
//! - `changed_since_allow_listed`: a pair judged a false positive (in any case) whose entry has
//!   changed since that judgement; the allow list stops silencing it.
//!
//! An unchanged allow-listed pair raises nothing. Each alert is a row in `alerts` (which the
//! user acknowledges) and, in the same transaction, part of one `alert` event on its case whose
//! payload also carries the new screening (`current`, shaped like a `screened` payload), so the
//! new hits can be disposed of in the case like any other. An alert is raised once per (case,
//! party, entry, entry fingerprint): a later update raises it again only if the entry changed
//! again.
//!
//! Which cases: all of them, drafts, decided and submitted. A submitted case is frozen against
//! edits, but the domain brief asks for re-screening after list updates as a later fact
//! ("later facts create new events"), as `rescreened` already is; an alert is such a fact, not
//! a change of what was decided. Its new hits cannot be disposed of in the frozen case: a
//! correction is a new case, as for any submitted case.

use super::delta::{changed_fields, FieldChange};
use super::{Progress, UpdateError};
use crate::affiliations::{self, Screening, ScreeningInput};
use crate::case::allow_list::{party_key, AllowList, AllowStatus};
use crate::case::events::{entity_fingerprint, screening_parties, Party};
use crate::case::{EventKind, NewEvent};
use crate::matching::LinkedBy;
use crate::model::Entity;
use crate::screening::{ScreenResult, Screener};
use crate::store::{MonitoredCase, Store};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    NewHit,
    ChangedEntry,
    ChangedSinceAllowListed,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::NewHit => "new_hit",
            AlertKind::ChangedEntry => "changed_entry",
            AlertKind::ChangedSinceAllowListed => "changed_since_allow_listed",
        }
    }
}

/// What an alert says, as raised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAlert {
    pub kind: AlertKind,
    /// The party as typed in the case.
    pub party: String,
    pub party_key: String,
    pub list: String,
    pub entry_id: String,
    /// The entry's primary name now.
    pub name: String,
    pub score: f64,
    /// The entry's fingerprint now.
    pub entity_sha256: String,
    /// For a changed entry: what changed since the version the case cites.
    pub changes: Vec<FieldChange>,
    /// The entry names the party in its links rather than being it (`Hit::link`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<LinkedBy>,
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub id: i64,
    pub case_id: String,
    /// The case's `alert` event that carries it.
    pub event_seq: i64,
    pub raised_at: String,
    #[serde(flatten)]
    pub alert: NewAlert,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
}

/// A case that could not be screened again (its stored input no longer reads or screens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub case_id: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonitorReport {
    pub cases: usize,
    pub parties: usize,
    pub alerts: Vec<Alert>,
    pub skipped: Vec<Skipped>,
}

/// Cases screened per batch: the screening of a batch runs on every core, then its alerts are
/// written, so memory stays bounded and progress moves.
const BATCH: usize = 512;

/// Screens every saved case again against `screener` (the current lists) and raises alerts.
pub fn run(
    store: &mut Store,
    screener: &Screener,
    now: chrono::DateTime<chrono::Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Result<MonitorReport, UpdateError> {
    let cases = store.monitored_cases()?;
    let allow = AllowList::load(store)?;
    let mut raised_before = store.alert_keys()?;
    let actor = crate::case::actor(store);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut report = MonitorReport { cases: cases.len(), parties: 0, alerts: Vec::new(), skipped: Vec::new() };
    let mut fingerprints = Fingerprints::default();
    let mut done = 0;
    progress(Progress::Rescreen { done, total: cases.len() });
    for batch in cases.chunks(BATCH) {
        let screened = screen_batch(screener, &allow, batch, threads);
        for outcome in screened {
            match outcome {
                Err(skipped) => report.skipped.push(skipped),
                Ok(candidate) => {
                    report.parties += candidate.parties.len();
                    if candidate.suspects.is_empty() {
                        continue;
                    }
                    let alerts = judge(store, &allow, &candidate, &mut fingerprints, &raised_before)?;
                    if alerts.is_empty() {
                        continue;
                    }
                    let stored = raise(store, &candidate, alerts, &actor, now, &allow, &mut fingerprints)?;
                    for alert in &stored {
                        raised_before.insert(key(&alert.case_id, &alert.alert));
                    }
                    report.alerts.extend(stored);
                }
            }
        }
        done += batch.len();
        progress(Progress::Rescreen { done, total: cases.len() });
    }
    Ok(report)
}

/// One case after its screening: the parties as recorded, the new screening, and the current
/// hits that may alert (decided against the store afterwards).
struct Candidate {
    case_id: String,
    parties: Vec<Party>,
    screening: Screening,
    /// (party index, hit index) of hits that are new, on a list version the case does not
    /// cite, or allow-listed.
    suspects: Vec<(usize, usize)>,
}

fn screen_batch(
    screener: &Screener,
    allow: &AllowList,
    batch: &[MonitoredCase],
    threads: usize,
) -> Vec<Result<Candidate, Skipped>> {
    let chunk = batch.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = batch
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|case| screen_case(screener, allow, case)).collect::<Vec<_>>())
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a monitoring thread panicked")).collect()
    })
}

fn screen_case(screener: &Screener, allow: &AllowList, case: &MonitoredCase) -> Result<Candidate, Skipped> {
    let skipped = |reason: String| Skipped { case_id: case.case_id.clone(), reason };
    let input: ScreeningInput =
        serde_json::from_str(&case.opened).map_err(|e| skipped(format!("the opened event does not read: {e}")))?;
    let latest: Value =
        serde_json::from_str(&case.latest).map_err(|e| skipped(format!("the latest screening does not read: {e}")))?;
    let parties = screening_parties(&case.latest_kind, &latest).unwrap_or_default();
    let body = if case.latest_kind == "screened" { &latest } else { &latest["current"] };
    let threshold = body["counterparty"]["threshold"].as_f64().unwrap_or(crate::matching::DEFAULT_THRESHOLD);
    let screening = affiliations::screen(screener, &input, threshold).map_err(|e| skipped(e.to_string()))?;
    let current_versions: HashSet<(&str, &str)> =
        screener.versions().iter().map(|v| (v.list.as_str(), v.sha256.as_str())).collect();
    let mut suspects = Vec::new();
    for (p, result) in results(&screening).into_iter().enumerate() {
        let recorded = parties.get(p);
        let key = party_key(&result.query.name, result.query.schema);
        for (h, hit) in result.hits.iter().enumerate() {
            let had = recorded.is_some_and(|r| r.hits.iter().any(|x| x.list == hit.list && x.entry_id == hit.entry_id));
            let cites_current = recorded
                .and_then(|r| cited(r, &hit.list))
                .is_some_and(|(_, sha)| current_versions.contains(&(hit.list.as_str(), sha)));
            if !had || !cites_current || allow.contains(&key, &hit.list, &hit.entry_id) {
                suspects.push((p, h));
            }
        }
    }
    Ok(Candidate { case_id: case.case_id.clone(), parties, screening, suspects })
}

/// Decides, with the entries' fingerprints, which suspects alert.
fn judge(
    store: &Store,
    allow: &AllowList,
    candidate: &Candidate,
    fingerprints: &mut Fingerprints,
    raised_before: &HashSet<AlertKey>,
) -> Result<Vec<NewAlert>, UpdateError> {
    let results = results(&candidate.screening);
    let mut alerts = Vec::new();
    for &(p, h) in &candidate.suspects {
        let result = results[p];
        let hit = &result.hits[h];
        let Some((now_sha, now_entity)) = fingerprints.current(store, &hit.list, &hit.entry_id)? else { continue };
        let key = party_key(&result.query.name, result.query.schema);
        let recorded = candidate.parties.get(p);
        let had = recorded.is_some_and(|r| r.hits.iter().any(|x| x.list == hit.list && x.entry_id == hit.entry_id));
        let then = match recorded.and_then(|r| cited(r, &hit.list)) {
            Some((version, sha)) if had => fingerprints.cited(store, &hit.list, version, sha, &hit.entry_id)?,
            _ => None,
        };
        let changes = then.as_ref().map(|(_, e)| changed_fields(e, &now_entity)).unwrap_or_default();
        let kind = match allow.status(&key, &hit.list, &hit.entry_id, Some(&now_sha)) {
            AllowStatus::AllowListed { .. } => continue,
            AllowStatus::ChangedSinceAllowListed { .. } => AlertKind::ChangedSinceAllowListed,
            AllowStatus::Alert if !had => AlertKind::NewHit,
            AllowStatus::Alert if then.as_ref().is_some_and(|(sha, _)| *sha != now_sha) => AlertKind::ChangedEntry,
            AllowStatus::Alert => continue,
        };
        let alert = NewAlert {
            kind,
            party: result.query.name.clone(),
            party_key: key,
            list: hit.list.clone(),
            entry_id: hit.entry_id.clone(),
            name: hit.name.clone(),
            score: hit.score,
            entity_sha256: now_sha,
            changes,
            link: hit.link.clone(),
        };
        if !raised_before.contains(&self::key(&candidate.case_id, &alert)) {
            alerts.push(alert);
        }
    }
    Ok(alerts)
}

/// Writes the case's `alert` event and its alert rows in one transaction.
fn raise(
    store: &mut Store,
    candidate: &Candidate,
    alerts: Vec<NewAlert>,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
    allow: &AllowList,
    fingerprints: &mut Fingerprints,
) -> Result<Vec<Alert>, UpdateError> {
    // The count the Cases view shows: current hits that alert under the allow list.
    let mut alerting = 0;
    for result in results(&candidate.screening) {
        let key = party_key(&result.query.name, result.query.schema);
        for hit in &result.hits {
            let sha = fingerprints.current(store, &hit.list, &hit.entry_id)?.map(|(sha, _)| sha);
            if allow.status(&key, &hit.list, &hit.entry_id, sha.as_deref()).alerts() {
                alerting += 1;
            }
        }
    }
    let screening = &candidate.screening;
    let event = NewEvent {
        at: crate::case::timestamp(now),
        actor: actor.to_string(),
        kind: EventKind::Alert,
        payload: json!({
            "raised": alerts,
            "current": {"counterparty": screening.counterparty, "affiliations": screening.affiliations},
            "alerts": alerting,
            "top_score": screening.top_score(),
        }),
    };
    Ok(store.append_alert_event(&candidate.case_id, &event, &alerts)?)
}

/// What makes an alert the same alert: (case, party key, list, entry, entry fingerprint).
pub type AlertKey = (String, String, String, String, String);

fn key(case_id: &str, alert: &NewAlert) -> AlertKey {
    (
        case_id.to_string(),
        alert.party_key.clone(),
        alert.list.clone(),
        alert.entry_id.clone(),
        alert.entity_sha256.clone(),
    )
}

/// The counterparty's result and each affiliation's, in the order the case records parties.
fn results(s: &Screening) -> Vec<&ScreenResult> {
    std::iter::once(&s.counterparty).chain(s.affiliations.iter().map(|a| &a.result)).collect()
}

/// The (version, sha256) of `list` that a recorded party's result cites.
fn cited<'a>(party: &'a Party, list: &str) -> Option<(&'a str, &'a str)> {
    let cited = party.lists.iter().find(|l| l["list"] == list)?;
    Some((cited["version"].as_str()?, cited["sha256"].as_str()?))
}

/// Entry fingerprints, looked up once: the current versions' and the cited versions'.
#[derive(Default)]
struct Fingerprints {
    current: HashMap<(String, String), Option<(String, Entity)>>,
    versions: HashMap<(String, String, String), Option<i64>>,
    cited: HashMap<(i64, String), Option<(String, Entity)>>,
}

impl Fingerprints {
    fn current(&mut self, store: &Store, list: &str, entry_id: &str) -> Result<Option<(String, Entity)>, UpdateError> {
        let key = (list.to_string(), entry_id.to_string());
        if !self.current.contains_key(&key) {
            let found = store.entity(list, entry_id)?.map(|e| (entity_fingerprint(&e), e));
            self.current.insert(key.clone(), found);
        }
        Ok(self.current[&key].clone())
    }

    fn cited(
        &mut self,
        store: &Store,
        list: &str,
        version: &str,
        sha256: &str,
        entry_id: &str,
    ) -> Result<Option<(String, Entity)>, UpdateError> {
        let vkey = (list.to_string(), version.to_string(), sha256.to_string());
        if !self.versions.contains_key(&vkey) {
            let id = store.version_cited(list, version, sha256)?.map(|v| v.id);
            self.versions.insert(vkey.clone(), id);
        }
        let Some(id) = self.versions[&vkey] else { return Ok(None) };
        let key = (id, entry_id.to_string());
        if !self.cited.contains_key(&key) {
            let found = store.entity_in_version(id, entry_id)?.map(|e| (entity_fingerprint(&e), e));
            self.cited.insert(key.clone(), found);
        }
        Ok(self.cited[&key].clone())
    }
}
