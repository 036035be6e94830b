//! Case files: what was screened, when, by whom, and against which lists, kept as an
//! append-only, hash-chained log of events.
//!
//! Why events rather than a row per case that is updated: a compliance record must show its
//! history, not only its last state, and must make a quiet edit visible. So a case is its
//! events; every later fact (a re-screening, a note, a decision in a later issue) is a new
//! event, and a case's summary is derived from them. Each event carries the SHA-256 of its
//! predecessor, so changing or removing one breaks the chain at that point ([`verify_chain`]);
//! the store also refuses `UPDATE` and `DELETE` on the tables outright.
//!
//! The hash recipe is deliberately plain, so an auditor can recompute it with a few lines of
//! any language: `hash = sha256_hex(prev_hash ‖ canonical)`, where `prev_hash` is the previous
//! event's hash (64 zeros for the first) and `canonical` is the UTF-8 JSON object
//! `{"actor":…,"at":…,"case_id":…,"kind":…,"payload":…,"seq":…}` with its keys sorted and no
//! whitespace, the payload written the same way. The payload is stored as exactly that
//! canonical text, and the chain is checked over the stored bytes, so no float or key order
//! can drift between writing and checking.
//!
//! A draft case starts as two events: `opened` (the query and affiliations as typed) and
//! `screened` (every party's `ScreenResult`, with the list versions it was made against).
//! The case file then grows by `disposition`, `decision`, `approval`, `attachment`, `note`,
//! `risk_assessed`, `submitted`, `rescreened` and `alert` events; their payloads and rules are in
//! [`events`]. The store also keeps each case's head (last seq and hash), so removing the
//! last events is noticed too ([`verify`]).

pub mod allow_list;
pub mod assessment;
pub mod bundle;
pub mod detail;
pub mod events;
pub mod profile;
pub mod report;
pub mod rescreen;
pub mod retention;
pub mod verify;

use crate::affiliations::{self, Screening, ScreeningInput};
use crate::matching::DEFAULT_THRESHOLD;
use crate::screening::Screener;
use crate::store::Store;
use crate::watch::{self, matching::Subject, WatchQuery, WatchScreening};
use events::CaseError;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

/// The `prev_hash` of a case's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened to a case. Stored as its snake_case name; later issues add kinds (note,
/// decision, export), never change these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The counterparty and affiliations as the user typed them.
    Opened,
    /// The results of screening them, with the list versions and matcher used.
    Screened,
    /// One hit judged: true match, false positive or cannot exclude, with the deciding fact.
    Disposition,
    /// Proceed, proceed with conditions, abstain or prohibited, with a justification.
    Decision,
    /// A second user approves the latest decision (four eyes).
    Approval,
    /// A file attached with its SHA-256.
    Attachment,
    Note,
    /// A risk profile (`risk::RiskProfile`) recorded on the case, with its input.
    RiskAssessed,
    /// The parties matched against the watch-list when the case was opened.
    WatchScreened,
    /// A watch-list match judged relevant or not to a party, with the reason.
    WatchMarked,
    /// The case is frozen: only `rescreened` may follow.
    Submitted,
    /// The same parties screened again against the case's list versions and the current ones.
    Rescreened,
    /// Monitoring after a list update found new or changed hits (`update::monitor`).
    Alert,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Opened => "opened",
            EventKind::Screened => "screened",
            EventKind::Disposition => "disposition",
            EventKind::Decision => "decision",
            EventKind::Approval => "approval",
            EventKind::Attachment => "attachment",
            EventKind::Note => "note",
            EventKind::RiskAssessed => "risk_assessed",
            EventKind::WatchScreened => "watch_screened",
            EventKind::WatchMarked => "watch_marked",
            EventKind::Submitted => "submitted",
            EventKind::Rescreened => "rescreened",
            EventKind::Alert => "alert",
        }
    }
}

/// An event to append: the store gives it its case, sequence number and hashes.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// UTC, RFC 3339 with milliseconds.
    pub at: String,
    pub actor: String,
    pub kind: EventKind,
    pub payload: serde_json::Value,
}

/// One stored event, exactly as hashed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseEvent {
    pub case_id: String,
    /// 1, 2, 3 … within the case.
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// An [`EventKind`] name, kept as text so events written by a newer Klaring still read.
    pub kind: String,
    /// The canonical JSON text as stored and hashed.
    pub payload: Box<RawValue>,
    pub prev_hash: String,
    pub hash: String,
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Draft,
    /// A decision is recorded; the case can still change.
    Decided,
    /// Frozen: only re-screenings are appended.
    Submitted,
}

/// One line of the Cases view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: String,
    pub created_at: String,
    pub status: CaseStatus,
    /// The counterparty's name as typed.
    pub counterparty: String,
    /// Alerts over the counterparty and its affiliations at the latest screening.
    pub alerts: u64,
    /// The best score among those alerts; `None` without alerts.
    pub top_score: Option<f64>,
}

/// A case with its whole history.
#[derive(Debug, Clone, Serialize)]
pub struct CaseFile {
    pub summary: CaseSummary,
    pub events: Vec<CaseEvent>,
}

/// What opening a case answers: the new case's id, the screening and the watch-list matches.
#[derive(Debug, Clone, Serialize)]
pub struct SavedScreening {
    pub case_id: String,
    #[serde(flatten)]
    pub screening: Screening,
    pub watch: WatchScreening,
}

/// Opens a draft case: screens the counterparty and every affiliation against the lists, marks
/// hits the allow list settles, matches the same parties against the watch-list, and writes
/// `opened`, `screened` and `watch_screened` in one transaction, so a case never exists
/// without its results. The watch-list matches are recorded as found (the whole item), so the
/// case shows what the user was shown even after the item is edited or removed.
pub fn open(
    store: &mut Store,
    screener: &Screener,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
    input: &ScreeningInput,
) -> Result<SavedScreening, CaseError> {
    let mut screening = affiliations::screen(screener, input, DEFAULT_THRESHOLD)?;
    allow_list::apply_screening(store, &allow_list::AllowList::load(store)?, &mut screening)?;
    let watch = watch::screen(store, &watch_query(input)).map_err(|e| CaseError::Watch(e.to_string()))?;
    let at = timestamp(now);
    let event = |kind, payload| NewEvent { at: at.clone(), actor: actor.to_string(), kind, payload };
    let events = [
        event(EventKind::Opened, to_value(input)),
        event(
            EventKind::Screened,
            serde_json::json!({
                "counterparty": to_value(&screening.counterparty),
                "affiliations": to_value(&screening.affiliations),
                "alerts": screening.alerts(),
                "top_score": screening.top_score(),
            }),
        ),
        event(
            EventKind::WatchScreened,
            serde_json::json!({
                "matcher": watch.matcher,
                "threshold": watch.threshold,
                "items": watch.items,
                "matches": to_value(&watch.matches),
            }),
        ),
    ];
    let case_id = store.create_case(now, &events)?;
    Ok(SavedScreening { case_id, screening, watch })
}

/// The watch-list query for a case's parties: the counterparty and every affiliation, each
/// with its relation as the role.
fn watch_query(input: &ScreeningInput) -> WatchQuery {
    let relation = |a: &affiliations::Affiliation| to_value(&a.relation).as_str().unwrap_or_default().to_string();
    let mut query = WatchQuery::counterparty(&input.counterparty.name);
    query.subjects[0].schema = input.counterparty.schema;
    query.subjects.extend(input.affiliations.iter().map(|a| Subject {
        name: a.name.clone(),
        role: relation(a),
        schema: a.schema,
    }));
    query
}

/// The cases whose counterparty (or id) fits `filter`, newest first; all of them when the
/// filter is blank. Quick-find is a type-ahead (`ptrv` finds "Petrov"), so a fuzzy-finder
/// subsequence match fits here; diacritics are folded on both sides ("muller" finds "Müller").
pub fn find(summaries: Vec<CaseSummary>, filter: &str) -> Vec<CaseSummary> {
    let pattern = any_ascii::any_ascii(filter.trim());
    if pattern.is_empty() {
        return summaries;
    }
    let matcher = SkimMatcherV2::default().ignore_case();
    summaries
        .into_iter()
        .filter(|s| {
            matcher.fuzzy_match(&any_ascii::any_ascii(&s.counterparty), &pattern).is_some()
                || s.id.to_ascii_lowercase().contains(&pattern.to_ascii_lowercase())
        })
        .collect()
}

/// Why a case's events do not form an intact chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("case {case_id}, event {seq}: expected sequence number {expected}")]
    Sequence { case_id: String, seq: i64, expected: i64 },
    #[error("case {case_id}, event {seq}: prev_hash does not match the previous event's hash")]
    Link { case_id: String, seq: i64 },
    #[error("case {case_id}, event {seq}: the hash does not match the event's content")]
    Hash { case_id: String, seq: i64 },
}

/// Checks that `events` (one case, in order) are numbered 1, 2, 3 …, that each links to its
/// predecessor, and that each hash matches the event's stored content.
pub fn verify_chain(events: &[CaseEvent]) -> Result<(), ChainError> {
    let mut prev = GENESIS;
    for (i, e) in events.iter().enumerate() {
        let expected = i as i64 + 1;
        if e.seq != expected {
            return Err(ChainError::Sequence { case_id: e.case_id.clone(), seq: e.seq, expected });
        }
        if e.prev_hash != prev {
            return Err(ChainError::Link { case_id: e.case_id.clone(), seq: e.seq });
        }
        if event_hash(prev, &e.case_id, e.seq, &e.at, &e.actor, &e.kind, e.payload.get()) != e.hash {
            return Err(ChainError::Hash { case_id: e.case_id.clone(), seq: e.seq });
        }
        prev = &e.hash;
    }
    Ok(())
}

/// `sha256_hex(prev_hash ‖ canonical event)`; `payload` must already be canonical text.
pub fn event_hash(
    prev_hash: &str,
    case_id: &str,
    seq: i64,
    at: &str,
    actor: &str,
    kind: &str,
    payload: &str,
) -> String {
    let string = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let canonical = format!(
        "{{\"actor\":{},\"at\":{},\"case_id\":{},\"kind\":{},\"payload\":{payload},\"seq\":{seq}}}",
        string(actor),
        string(at),
        string(case_id),
        string(kind),
    );
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(canonical.as_bytes());
    crate::store::hex(&hasher.finalize())
}

/// JSON with every object's keys sorted and no whitespace. Written by hand rather than
/// relying on `serde_json::Map` being ordered, which a dependency's `preserve_order` feature
/// would silently change.
pub fn canonical_json(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// A case id: `K-<year>-<number>`, numbered from 1 within the year, e.g. `K-2026-000123`.
pub fn case_id(year: i32, number: u64) -> String {
    format!("K-{year}-{number:06}")
}

/// UTC, RFC 3339 with milliseconds: sorts as text in time order.
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Who is acting: the local user profile (`klaring user set`), else the operating-system user.
pub fn actor(store: &Store) -> String {
    match profile::load(store) {
        Ok(Some(profile)) => profile.name,
        _ => os_user(),
    }
}

/// The operating-system user, for a machine where no profile has been set.
pub fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .filter_map(|key| std::env::var(key).ok())
        .map(|name| name.trim().to_string())
        .find(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

fn to_value<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("screening types always serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let value = serde_json::json!({"b": [{"z": 1, "a": "é\"x"}], "a": null, "c": 0.943});
        assert_eq!(canonical_json(&value), r#"{"a":null,"b":[{"a":"é\"x","z":1}],"c":0.943}"#);
    }

    #[test]
    fn the_hash_is_sha256_of_prev_hash_and_the_canonical_event() {
        // Recomputed independently: printf '%s' "$GENESIS"'{"actor":"ann","at":"2026-01-02T03:04:05.000Z","case_id":"K-2026-000001","kind":"opened","payload":{"a":1},"seq":1}' | sha256sum
        let hash = event_hash(GENESIS, "K-2026-000001", 1, "2026-01-02T03:04:05.000Z", "ann", "opened", r#"{"a":1}"#);
        let mut hasher = Sha256::new();
        hasher.update(format!("{GENESIS}{{\"actor\":\"ann\",\"at\":\"2026-01-02T03:04:05.000Z\",\"case_id\":\"K-2026-000001\",\"kind\":\"opened\",\"payload\":{{\"a\":1}},\"seq\":1}}"));
        assert_eq!(hash, crate::store::hex(&hasher.finalize()));
    }

    fn summary(id: &str, counterparty: &str) -> CaseSummary {
        CaseSummary {
            id: id.into(),
            created_at: String::new(),
            status: CaseStatus::Draft,
            counterparty: counterparty.into(),
            alerts: 0,
            top_score: None,
        }
    }

    #[test]
    fn quick_find_is_a_type_ahead_over_names_and_ids() {
        let all = vec![
            summary("K-2026-000003", "Jürgen Müller GmbH"),
            summary("K-2026-000002", "Ivan Petrov"),
            summary("K-2026-000001", "Acme BV"),
        ];
        let ids = |filter: &str| find(all.clone(), filter).into_iter().map(|s| s.id).collect::<Vec<_>>();
        assert_eq!(ids("ptrv"), ["K-2026-000002"]);
        assert_eq!(ids("muller"), ["K-2026-000003"]);
        assert_eq!(ids("000001"), ["K-2026-000001"]);
        assert_eq!(ids("  ").len(), 3);
        assert!(ids("zzz").is_empty());
    }
}
