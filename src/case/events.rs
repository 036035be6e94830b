//! What a case file records after its screening, and the rules each new event must meet.
//!
//! Every event below is appended by [`Store::append_case_event_with`], which reads the case's
//! events and writes the new one in one `IMMEDIATE` transaction, so a rule is checked against
//! exactly the chain the event extends. The actor of every event is the local
//! [`UserProfile`]'s name; its role is in the payload (`"role"`). Payloads (canonical JSON):
//!
//! - `disposition`: `{party, party_key, list, entry_id, verdict, fact, entity_sha256, role}`;
//!   `verdict` is `true_match`, `false_positive` or `cannot_exclude`; `fact` is the deciding fact
//!   ("born 1961, listed person 1984"), required; the hit must be among the latest screening's
//!   hits; `entity_sha256` fingerprints the list entry as judged (see [`allow_list`]). A later
//!   disposition of the same hit replaces the earlier one (a correction is a new event).
//! - `decision`: `{outcome, justification, role}`; `outcome` is `proceed`,
//!   `proceed_with_conditions`, `abstain` or `prohibited`; the justification has at least
//!   [`MIN_JUSTIFICATION`] characters. `proceed…` needs every hit of the latest screening
//!   disposed in this case first.
//! - `approval`: `{decision_seq, comment, role}`: a different person than the latest decision's
//!   decider approves it (four eyes). Required before submitting when the latest
//!   `risk_assessed` tier is elevated or high, or, without a risk profile, when any hit's latest
//!   disposition is `true_match` or `cannot_exclude`.
//! - `attachment`: `{name, size, sha256, role}`; the bytes are stored by SHA-256 in the same
//!   transaction (`case_attachments`); added by/at are the event's actor and time.
//! - `note`: `{text, role}`.
//! - `risk_assessed`: `{tier, prohibited, model, input, profile, role}` with the
//!   `risk::AssessInput` as entered and the whole `risk::RiskProfile` assessed from it.
//! - `submitted`: `{decision_seq, approval_seq, retention_years, role}`: needs a decision, and
//!   its approval when one is required. It freezes the case: afterwards only `rescreened` is
//!   accepted (a re-screening is a later fact about the lists, not an edit of the case);
//!   everything else is refused with [`CaseError::Submitted`]. A correction after submission
//!   is a new case.
//! - `rescreened`: see [`super::rescreen`].
//! - `alert`: `{raised, current, alerts, top_score}`, written by `update::monitor` after a list
//!   update, never through these rules: `raised` are the new or changed hits (also rows of the
//!   `alerts` table, written in the same transaction), `current` is the new screening in the
//!   shape of a `screened` payload, so its hits become the case's latest. Like `rescreened` it
//!   is a later fact about the lists and is appended to submitted cases too.
//!
//! [`allow_list`]: super::allow_list

use super::profile::{self, same_person, UserProfile};
use super::{CaseEvent, EventKind, NewEvent};
use crate::affiliations::ScreeningInput;
use crate::matching::{LinkedBy, PriorJudgement};
use crate::model::Schema;
use crate::risk::Tier;
use crate::store::{Store, StoreError};
use crate::watch::Relevance;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The shortest justification a decision accepts, in characters.
pub const MIN_JUSTIFICATION: usize = 30;
/// The largest file `attach` takes.
pub const MAX_ATTACHMENT_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no user profile: set one first with `klaring user set --name NAME --role ROLE`")]
    NoProfile,
    #[error("{0}")]
    Profile(String),
    #[error("case {case_id} was submitted (event {submitted_seq}) and is frozen: a {kind} cannot be added")]
    Submitted { case_id: String, kind: &'static str, submitted_seq: i64 },
    #[error("a justification needs at least {min} characters (this one has {got})")]
    Justification { min: usize, got: usize },
    #[error("a disposition needs the fact that decided it")]
    NoFact,
    #[error("a note cannot be empty")]
    EmptyNote,
    #[error("no hit {list} {entry_id}{} in the case's latest screening", party.as_ref().map(|p| format!(" for {p:?}")).unwrap_or_default())]
    NoSuchHit { list: String, entry_id: String, party: Option<String> },
    #[error("hit {list} {entry_id} alerted for several parties ({}); say which with --party", parties.join(", "))]
    AmbiguousHit { list: String, entry_id: String, parties: Vec<String> },
    #[error("case {0} has no decision yet")]
    NoDecision(String),
    #[error("four eyes: {approver} took the decision (event {decision_seq}) and cannot also approve it")]
    SameUser { approver: String, decision_seq: i64 },
    #[error("the decision (event {decision_seq}) needs a second person's approval before submitting: {reason}")]
    ApprovalRequired { decision_seq: i64, reason: ApprovalReason },
    #[error("every hit must be disposed of before deciding to proceed; not yet: {}", .0.join("; "))]
    Undisposed(Vec<String>),
    #[error("attachment {name:?}: {reason}")]
    Attachment { name: String, reason: String },
    #[error("a retention period of {0} years is too short: the minimum is 5 (Art. 27(3))")]
    Retention(u32),
    #[error("case {case_id}, event {seq}: unreadable payload: {reason}")]
    Payload { case_id: String, seq: i64, reason: String },
    #[error("{0}")]
    Rescreen(String),
    #[error(transparent)]
    Screening(#[from] crate::affiliations::ScreeningError),
    #[error("watch-list: {0}")]
    Watch(String),
    #[error("no watch-list match of item {item_id} for {party:?} in this case")]
    NoSuchWatchMatch { party: String, item_id: String },
    #[error("a relevance mark needs a reason")]
    NoReason,
    #[error(transparent)]
    Assess(#[from] crate::risk::AssessError),
    #[error("the case changed while it was being assessed; assess it again")]
    ChangedMeanwhile,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    TrueMatch,
    FalsePositive,
    CannotExclude,
}

impl Verdict {
    /// The snake-case name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::TrueMatch => "true_match",
            Verdict::FalsePositive => "false_positive",
            Verdict::CannotExclude => "cannot_exclude",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Proceed,
    ProceedWithConditions,
    Abstain,
    Prohibited,
}

/// Why a decision needs a second person's approval before the case can be submitted. Data,
/// so the app can say it in the user's language; `Display` is the English of the CLI, the
/// report and the errors.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "because", rename_all = "snake_case")]
pub enum ApprovalReason {
    /// The risk profile's tier is Elevated or High.
    RiskTier { tier: Tier },
    /// The risk profile says the transaction is prohibited.
    Prohibited,
    /// A hit is a true match or cannot be excluded.
    Disposition { list: String, entry_id: String, verdict: Verdict },
}

impl std::fmt::Display for ApprovalReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApprovalReason::RiskTier { tier } => write!(f, "the risk tier is {}", tier.as_str()),
            ApprovalReason::Prohibited => write!(f, "the risk profile says the transaction is prohibited"),
            ApprovalReason::Disposition { list, entry_id, verdict } => {
                write!(f, "{list} {entry_id} is disposed of as {}", verdict.as_str())
            }
        }
    }
}

/// One alerting hit as the case recorded it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HitRef {
    pub list: String,
    pub entry_id: String,
    pub name: String,
    /// The name (primary or alias) that matched.
    pub matched_name: String,
    pub score: f64,
    /// The matcher's one-line explanation (which tokens matched how, adjustments).
    pub explanation: String,
    /// An earlier case's "false positive" for this pair, as the screening recorded it.
    pub allow_listed: Option<PriorJudgement>,
    /// The entry names the party in its links rather than being it (`Hit::link`).
    pub link: Option<LinkedBy>,
}

impl HitRef {
    pub fn matched_note(&self) -> Option<String> {
        crate::matching::matched_note(&self.name, &self.matched_name, self.link.as_ref())
    }

    /// Allow-listed and unchanged: it needs no disposition in this case.
    pub fn settled_elsewhere(&self) -> bool {
        self.allow_listed.as_ref().is_some_and(|p| !p.changed)
    }
}

/// A screened party (the counterparty or one affiliation) at the latest screening.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Party {
    pub name: String,
    pub schema: Option<Schema>,
    pub hits: Vec<HitRef>,
    /// The `lists` the result cites (list, version, published, sha256).
    pub lists: Vec<Value>,
    /// The matcher version and threshold the result was made with.
    pub matcher: String,
    pub threshold: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DispositionRecord {
    pub seq: i64,
    pub actor: String,
    pub party: String,
    pub party_key: String,
    pub list: String,
    pub entry_id: String,
    pub verdict: Verdict,
    pub fact: String,
    pub entity_sha256: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionRecord {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub outcome: Outcome,
    pub justification: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApprovalRecord {
    pub seq: i64,
    pub actor: String,
    pub decision_seq: i64,
}

/// A watch-list item that matched a party when the case was opened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchFinding {
    pub party: String,
    /// "counterparty", or the affiliation's relation.
    pub role: String,
    pub item_id: String,
    pub title: String,
    pub date: Option<String>,
    pub publisher: String,
    pub url: Option<String>,
    /// The best named-party score; `None` when only the text matched.
    pub score: Option<f64>,
}

/// A watch-list match judged in this case (the latest per party and item counts).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchMarkRecord {
    pub seq: i64,
    pub actor: String,
    pub party: String,
    pub item_id: String,
    pub relevance: Relevance,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentRecord {
    pub seq: i64,
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

/// What a case's events add up to.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct CaseState {
    pub case_id: String,
    pub created_at: String,
    pub input: Option<ScreeningInput>,
    /// The parties at the latest `screened` or `rescreened` event.
    pub parties: Vec<Party>,
    /// Every disposition, in order (the latest per hit counts).
    pub dispositions: Vec<DispositionRecord>,
    /// The latest decision.
    pub decision: Option<DecisionRecord>,
    pub approvals: Vec<ApprovalRecord>,
    pub risk_tier: Option<Tier>,
    /// The latest risk profile says the transaction is prohibited.
    pub risk_prohibited: bool,
    pub submitted: Option<i64>,
    pub submitted_retention_years: Option<u32>,
    pub attachments: Vec<AttachmentRecord>,
    pub watch: Vec<WatchFinding>,
    pub watch_marks: Vec<WatchMarkRecord>,
}

impl CaseState {
    pub fn from_events(events: &[CaseEvent]) -> Result<CaseState, CaseError> {
        let mut state = CaseState::default();
        for e in events {
            let bad = |reason: String| CaseError::Payload { case_id: e.case_id.clone(), seq: e.seq, reason };
            let p: Value = serde_json::from_str(e.payload.get()).map_err(|err| bad(err.to_string()))?;
            let text = |key: &str| p.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
            if state.created_at.is_empty() {
                state.case_id = e.case_id.clone();
                state.created_at = e.at.clone();
            }
            match e.kind.as_str() {
                "opened" => state.input = serde_json::from_value(p.clone()).ok(),
                "screened" | "rescreened" | "alert" => {
                    state.parties = screening_parties(&e.kind, &p).unwrap_or_default()
                }
                "disposition" => state.dispositions.push(DispositionRecord {
                    seq: e.seq,
                    actor: e.actor.clone(),
                    party: text("party"),
                    party_key: text("party_key"),
                    list: text("list"),
                    entry_id: text("entry_id"),
                    verdict: serde_json::from_value(p["verdict"].clone()).map_err(|err| bad(err.to_string()))?,
                    fact: text("fact"),
                    entity_sha256: p.get("entity_sha256").and_then(Value::as_str).map(str::to_string),
                }),
                "decision" => {
                    state.decision = Some(DecisionRecord {
                        seq: e.seq,
                        at: e.at.clone(),
                        actor: e.actor.clone(),
                        outcome: serde_json::from_value(p["outcome"].clone()).map_err(|err| bad(err.to_string()))?,
                        justification: text("justification"),
                    });
                }
                "approval" => state.approvals.push(ApprovalRecord {
                    seq: e.seq,
                    actor: e.actor.clone(),
                    decision_seq: p["decision_seq"].as_i64().unwrap_or(0),
                }),
                "attachment" => state.attachments.push(AttachmentRecord {
                    seq: e.seq,
                    name: text("name"),
                    size: p["size"].as_u64().unwrap_or(0),
                    sha256: text("sha256"),
                }),
                "risk_assessed" => {
                    state.risk_tier = serde_json::from_value(p["tier"].clone()).ok();
                    state.risk_prohibited = p["prohibited"].as_bool().unwrap_or(false);
                }
                "watch_screened" => state.watch = watch_findings(&p["matches"]),
                "watch_marked" => state.watch_marks.push(WatchMarkRecord {
                    seq: e.seq,
                    actor: e.actor.clone(),
                    party: text("party"),
                    item_id: text("item_id"),
                    relevance: serde_json::from_value(p["relevance"].clone()).map_err(|err| bad(err.to_string()))?,
                    reason: text("reason"),
                }),
                "submitted" => {
                    state.submitted = Some(e.seq);
                    state.submitted_retention_years = p["retention_years"].as_u64().map(|y| y as u32);
                }
                _ => {}
            }
        }
        Ok(state)
    }

    /// The latest disposition of one party's hit in this case.
    pub fn disposition_of(&self, party: &Party, hit: &HitRef) -> Option<&DispositionRecord> {
        let key = super::allow_list::party_key(&party.name, party.schema);
        self.dispositions.iter().rev().find(|d| d.party_key == key && d.list == hit.list && d.entry_id == hit.entry_id)
    }

    /// The latest screening's hits that have no disposition, as "party: list entry". A hit
    /// allow-listed by an earlier case (entry unchanged) needs none: that case's disposition
    /// stands, and the screening recorded which one.
    pub fn undisposed(&self) -> Vec<String> {
        self.parties
            .iter()
            .flat_map(|party| {
                party
                    .hits
                    .iter()
                    .filter(|hit| !hit.settled_elsewhere() && self.disposition_of(party, hit).is_none())
                    .map(move |hit| format!("{}: {} {}", party.name, hit.list, hit.entry_id))
            })
            .collect()
    }

    /// Why the latest decision needs a second person's approval, if it does.
    pub fn approval_required(&self) -> Option<ApprovalReason> {
        if let Some(tier @ (Tier::Elevated | Tier::High)) = self.risk_tier {
            return Some(ApprovalReason::RiskTier { tier });
        }
        // A prohibited transaction can score Low (an EU-listed buyer of switches in a free
        // country); whoever decides on it, one person alone must not.
        if self.risk_prohibited {
            return Some(ApprovalReason::Prohibited);
        }
        // Nor on a party that is, or may be, the listed one, whatever the tier.
        self.parties
            .iter()
            .flat_map(|party| party.hits.iter().filter_map(move |hit| self.disposition_of(party, hit)))
            .find(|d| matches!(d.verdict, Verdict::TrueMatch | Verdict::CannotExclude))
            .map(|d| ApprovalReason::Disposition {
                list: d.list.clone(),
                entry_id: d.entry_id.clone(),
                verdict: d.verdict,
            })
    }

    /// The latest relevance mark of one watch-list finding in this case.
    pub fn watch_mark_of(&self, finding: &WatchFinding) -> Option<&WatchMarkRecord> {
        self.watch_marks.iter().rev().find(|m| same_person(&m.party, &finding.party) && m.item_id == finding.item_id)
    }

    /// The approval of the latest decision, if any.
    pub fn approval(&self) -> Option<&ApprovalRecord> {
        let decision = self.decision.as_ref()?;
        self.approvals.iter().rev().find(|a| a.decision_seq == decision.seq)
    }

    fn refuse_if_submitted(&self, kind: EventKind) -> Result<(), CaseError> {
        match self.submitted {
            Some(submitted_seq) if kind != EventKind::Rescreened => {
                Err(CaseError::Submitted { case_id: self.case_id.clone(), kind: kind.as_str(), submitted_seq })
            }
            _ => Ok(()),
        }
    }
}

/// The parties an event of `kind` records as the case's latest screening: a `screened`
/// payload's, or the `current` of a `rescreened` or `alert` payload; `None` for other kinds.
pub fn screening_parties(kind: &str, payload: &Value) -> Option<Vec<Party>> {
    match kind {
        "screened" => Some(parties_of(payload)),
        "rescreened" | "alert" => Some(parties_of(&payload["current"])),
        _ => None,
    }
}

/// The parties of a `screened` payload (or a `rescreened` event's `current`).
fn parties_of(p: &Value) -> Vec<Party> {
    let party = |name: String, result: &Value| Party {
        name,
        schema: serde_json::from_value(result["query"]["schema"].clone()).ok(),
        hits: result["hits"]
            .as_array()
            .map(|hits| {
                hits.iter()
                    .map(|h| HitRef {
                        list: h["list"].as_str().unwrap_or_default().to_string(),
                        entry_id: h["entry_id"].as_str().unwrap_or_default().to_string(),
                        name: h["name"].as_str().unwrap_or_default().to_string(),
                        matched_name: h["matched_name"].as_str().unwrap_or_default().to_string(),
                        score: h["score"].as_f64().unwrap_or(0.0),
                        allow_listed: serde_json::from_value(h["allow_listed"].clone()).ok(),
                        link: serde_json::from_value(h["link"].clone()).ok(),
                        explanation: h["explanation"]["summary"].as_str().unwrap_or_default().to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        lists: result["lists"].as_array().cloned().unwrap_or_default(),
        matcher: result["matcher"].as_str().unwrap_or_default().to_string(),
        threshold: result["threshold"].as_f64(),
    };
    let mut parties =
        vec![party(p["counterparty"]["query"]["name"].as_str().unwrap_or_default().to_string(), &p["counterparty"])];
    for a in p["affiliations"].as_array().into_iter().flatten() {
        parties.push(party(a["affiliation"]["name"].as_str().unwrap_or_default().to_string(), &a["result"]));
    }
    parties
}

/// The findings of a `watch_screened` payload's `matches`.
fn watch_findings(matches: &Value) -> Vec<WatchFinding> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    matches
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| WatchFinding {
            party: text(&m["subject"]["name"]),
            role: text(&m["subject"]["role"]),
            item_id: text(&m["item"]["id"]),
            title: text(&m["item"]["title"]),
            date: m["item"]["date"].as_str().map(str::to_string),
            publisher: text(&m["item"]["source"]["publisher"]),
            url: m["item"]["source"]["url"].as_str().map(str::to_string),
            score: m["score"].as_f64(),
        })
        .collect()
}

/// A case's state, read from the store.
pub fn state(store: &Store, case_id: &str) -> Result<CaseState, CaseError> {
    let events = store.case_events(case_id)?;
    if events.is_empty() {
        return Err(StoreError::NoCase(case_id.to_string()).into());
    }
    CaseState::from_events(&events)
}

/// SHA-256 of an entity's canonical JSON: what a disposition remembers of the list entry.
pub fn entity_fingerprint(entity: &crate::model::Entity) -> String {
    let value = serde_json::to_value(entity).expect("entities always serialise");
    crate::store::hex(&Sha256::digest(super::canonical_json(&value).as_bytes()))
}

/// Appends `kind` with `payload` (plus the profile's role) after `check` accepts the case's
/// state as it stands inside the transaction.
pub(super) fn append(
    store: &mut Store,
    case_id: &str,
    now: chrono::DateTime<chrono::Utc>,
    kind: EventKind,
    mut payload: Value,
    attachment: Option<(&str, &[u8])>,
    check: impl FnOnce(&CaseState, &UserProfile, &mut Value) -> Result<(), CaseError>,
) -> Result<CaseEvent, CaseError> {
    let user = profile::require(store)?;
    payload["role"] = Value::String(user.role.clone());
    store.append_case_event_with(case_id, attachment, |events| {
        let state = CaseState::from_events(events)?;
        state.refuse_if_submitted(kind)?;
        check(&state, &user, &mut payload)?;
        Ok::<_, CaseError>(NewEvent { at: super::timestamp(now), actor: user.name.clone(), kind, payload })
    })
}

/// Records the judgement of one hit of the latest screening. `party` picks the party when the
/// same entry alerted for several.
#[allow(clippy::too_many_arguments)] // one argument per field of the disposition, as the CLI has them
pub fn dispose(
    store: &mut Store,
    case_id: &str,
    now: chrono::DateTime<chrono::Utc>,
    party: Option<&str>,
    list: &str,
    entry_id: &str,
    verdict: Verdict,
    fact: &str,
) -> Result<CaseEvent, CaseError> {
    let fact = fact.trim();
    if fact.is_empty() {
        return Err(CaseError::NoFact);
    }
    // Resolve the hit and fingerprint the entry as the case saw it (list versions never change).
    let current = state(store, case_id)?;
    let candidates: Vec<&Party> = current
        .parties
        .iter()
        .filter(|p| party.is_none_or(|want| same_person(want, &p.name)))
        .filter(|p| p.hits.iter().any(|h| h.list == list && h.entry_id == entry_id))
        .collect();
    let found = match candidates.as_slice() {
        [one] => (*one).clone(),
        [] => {
            return Err(CaseError::NoSuchHit {
                list: list.into(),
                entry_id: entry_id.into(),
                party: party.map(str::to_string),
            })
        }
        many => {
            return Err(CaseError::AmbiguousHit {
                list: list.into(),
                entry_id: entry_id.into(),
                parties: many.iter().map(|p| p.name.clone()).collect(),
            })
        }
    };
    let entity_sha256 = entity_in_cited_version(store, &found, list, entry_id)?.map(|e| entity_fingerprint(&e));
    let party_key = super::allow_list::party_key(&found.name, found.schema);
    let payload = json!({
        "party": found.name,
        "party_key": party_key,
        "list": list,
        "entry_id": entry_id,
        "verdict": verdict,
        "fact": fact,
        "entity_sha256": entity_sha256,
    });
    append(store, case_id, now, EventKind::Disposition, payload, None, |state, _, _| {
        let still = state.parties.iter().any(|p| {
            super::allow_list::party_key(&p.name, p.schema) == party_key
                && p.hits.iter().any(|h| h.list == list && h.entry_id == entry_id)
        });
        if still {
            Ok(())
        } else {
            Err(CaseError::NoSuchHit { list: list.into(), entry_id: entry_id.into(), party: Some(found.name.clone()) })
        }
    })
}

/// The entry `list`/`entry_id` in the version of `list` that `party`'s result cites.
pub fn entity_in_cited_version(
    store: &Store,
    party: &Party,
    list: &str,
    entry_id: &str,
) -> Result<Option<crate::model::Entity>, StoreError> {
    let Some(cited) = party.lists.iter().find(|l| l["list"] == list) else { return Ok(None) };
    let field = |key: &str| cited[key].as_str().unwrap_or_default();
    match store.version_cited(list, field("version"), field("sha256"))? {
        Some(version) => store.entity_in_version(version.id, entry_id),
        None => Ok(None),
    }
}

/// Records the decision. `proceed…` needs every hit disposed of first.
pub fn decide(
    store: &mut Store,
    case_id: &str,
    now: chrono::DateTime<chrono::Utc>,
    outcome: Outcome,
    justification: &str,
) -> Result<CaseEvent, CaseError> {
    let justification = justification.trim();
    let got = justification.chars().count();
    if got < MIN_JUSTIFICATION {
        return Err(CaseError::Justification { min: MIN_JUSTIFICATION, got });
    }
    let payload = json!({"outcome": outcome, "justification": justification});
    append(store, case_id, now, EventKind::Decision, payload, None, |state, _, _| {
        let undisposed = state.undisposed();
        if matches!(outcome, Outcome::Proceed | Outcome::ProceedWithConditions) && !undisposed.is_empty() {
            return Err(CaseError::Undisposed(undisposed));
        }
        Ok(())
    })
}

/// The current profile approves the latest decision; refused when it is the decider's.
pub fn approve(
    store: &mut Store,
    case_id: &str,
    now: chrono::DateTime<chrono::Utc>,
    comment: &str,
) -> Result<CaseEvent, CaseError> {
    let payload = json!({"comment": comment.trim()});
    append(store, case_id, now, EventKind::Approval, payload, None, |state, user, payload| {
        let decision = state.decision.as_ref().ok_or_else(|| CaseError::NoDecision(case_id.to_string()))?;
        if user.is(&decision.actor) {
            return Err(CaseError::SameUser { approver: user.name.clone(), decision_seq: decision.seq });
        }
        payload["decision_seq"] = json!(decision.seq);
        Ok(())
    })
}

/// Attaches a file: its bytes stored by SHA-256, the event with name, size and hash.
pub fn attach(
    store: &mut Store,
    case_id: &str,
    now: chrono::DateTime<chrono::Utc>,
    name: &str,
    bytes: &[u8],
) -> Result<CaseEvent, CaseError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CaseError::Attachment { name: name.into(), reason: "the file needs a name".into() });
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(CaseError::Attachment {
            name: name.into(),
            reason: format!("{} bytes is more than the {MAX_ATTACHMENT_BYTES} accepted", bytes.len()),
        });
    }
    let sha256 = crate::store::hex(&Sha256::digest(bytes));
    let payload = json!({"name": name, "size": bytes.len(), "sha256": sha256});
    append(store, case_id, now, EventKind::Attachment, payload, Some((&sha256, bytes)), |_, _, _| Ok(()))
}

pub fn note(
    store: &mut Store,
    case_id: &str,
    now: chrono::DateTime<chrono::Utc>,
    text: &str,
) -> Result<CaseEvent, CaseError> {
    if text.trim().is_empty() {
        return Err(CaseError::EmptyNote);
    }
    append(store, case_id, now, EventKind::Note, json!({"text": text.trim()}), None, |_, _, _| Ok(()))
}

/// Judges a watch-list match of this case relevant or not, with the reason. The mark is a case
/// event, and is also kept in the watch-list so later screenings of the party show it.
pub fn mark_watch(
    store: &mut Store,
    case_id: &str,
    now: chrono::DateTime<chrono::Utc>,
    party: &str,
    item_id: &str,
    relevance: Relevance,
    reason: &str,
) -> Result<CaseEvent, CaseError> {
    let reason = crate::watch::sanitize::plain(reason);
    if reason.is_empty() {
        return Err(CaseError::NoReason);
    }
    let payload = json!({"party": party.trim(), "item_id": item_id, "relevance": relevance, "reason": reason});
    let event = append(store, case_id, now, EventKind::WatchMarked, payload, None, |state, _, _| {
        if state.watch.iter().any(|f| same_person(&f.party, party) && f.item_id == item_id) {
            Ok(())
        } else {
            Err(CaseError::NoSuchWatchMatch { party: party.to_string(), item_id: item_id.to_string() })
        }
    })?;
    // The case event is the record; the watch-list's copy only carries the judgement to later
    // screenings, so an item deleted since does not undo the case's mark.
    match crate::watch::mark(store, party, item_id, relevance, &reason, &event.actor) {
        Ok(_) | Err(crate::watch::WatchError::NoItem(_)) => Ok(event),
        Err(e) => Err(CaseError::Watch(e.to_string())),
    }
}

/// Submits the case: it needs a decision and, when required, its approval; then it is frozen.
pub fn submit(store: &mut Store, case_id: &str, now: chrono::DateTime<chrono::Utc>) -> Result<CaseEvent, CaseError> {
    let years = super::retention::years(store)?;
    append(store, case_id, now, EventKind::Submitted, json!({"retention_years": years}), None, |state, _, payload| {
        let decision = state.decision.as_ref().ok_or_else(|| CaseError::NoDecision(case_id.to_string()))?;
        let approval = state.approval();
        if let (Some(reason), None) = (state.approval_required(), approval) {
            return Err(CaseError::ApprovalRequired { decision_seq: decision.seq, reason });
        }
        payload["decision_seq"] = json!(decision.seq);
        payload["approval_seq"] = json!(approval.map(|a| a.seq));
        Ok(())
    })
}
