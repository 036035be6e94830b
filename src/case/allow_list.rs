//! The allow list: a (party, list entry) pair judged a false positive is remembered, and does
//! not alert again on later screenings unless the list entry has changed since.
//!
//! It is not a table of its own: it is derived from the `disposition` events of every case, so
//! it is as tamper-evident as the case files and says which case and event allowed a pair. For
//! each (party key, list, entry id) the latest disposition counts (by time): a later
//! `true_match` or `cannot_exclude` revokes an earlier `false_positive`. A disposition stores the
//! SHA-256 of the entry's canonical JSON as judged ([`super::events::entity_fingerprint`]); a hit
//! whose entry now hashes differently alerts again, marked `changed_since_allow_listed`.
//!
//! The party key is the name's normalised tokens (the matcher's `normalize`: scripts, case,
//! diacritics, punctuation; legal forms stripped except for persons), sorted, so "ACME B.V."
//! and "Acme BV", or "ZHURAVLEVA, Tatyana" and "Tatyana Zhuravleva", share a key, and another
//! party with a similar name does not.

use super::events::{DispositionRecord, Verdict};
use crate::affiliations::Screening;
use crate::matching::normalize::{normalize, LegalForms};
use crate::matching::PriorJudgement;
use crate::model::Schema;
use crate::screening::ScreenResult;
use crate::store::{Store, StoreError};
use serde::Serialize;
use std::collections::HashMap;

/// The key under which a party's dispositions are remembered.
pub fn party_key(name: &str, schema: Option<Schema>) -> String {
    let forms = if schema == Some(Schema::Person) { LegalForms::Keep } else { LegalForms::Strip };
    let mut tokens: Vec<String> = normalize(name, forms).tokens.into_iter().map(|t| t.text).collect();
    tokens.sort();
    tokens.join(" ")
}

/// Where one remembered false positive comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllowEntry {
    pub case_id: String,
    pub seq: i64,
    pub entity_sha256: Option<String>,
    pub fact: String,
}

/// Every pair whose latest disposition is `false_positive`.
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    entries: HashMap<(String, String, String), AllowEntry>,
}

/// What the allow list says about one hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AllowStatus {
    /// Not on the allow list: an alert.
    Alert,
    /// Judged a false positive before, entry unchanged: not an alert.
    AllowListed { case_id: String, seq: i64, fact: String },
    /// Judged a false positive before, but the entry has changed since: an alert.
    ChangedSinceAllowListed { case_id: String, seq: i64, fact: String },
}

impl AllowStatus {
    pub fn alerts(&self) -> bool {
        !matches!(self, AllowStatus::AllowListed { .. })
    }
}

impl AllowStatus {
    /// The judgement a hit carries, for a status that has one.
    pub fn prior(&self) -> Option<PriorJudgement> {
        let (case_id, seq, fact, changed) = match self {
            AllowStatus::Alert => return None,
            AllowStatus::AllowListed { case_id, seq, fact } => (case_id, seq, fact, false),
            AllowStatus::ChangedSinceAllowListed { case_id, seq, fact } => (case_id, seq, fact, true),
        };
        Some(PriorJudgement { case_id: case_id.clone(), seq: *seq, fact: fact.clone(), changed })
    }
}

impl AllowList {
    /// Reads every disposition in the store.
    pub fn load(store: &Store) -> Result<AllowList, StoreError> {
        let mut list = AllowList::default();
        for (case_id, seq, _at, payload) in store.all_dispositions()? {
            let Ok(p) = serde_json::from_str::<serde_json::Value>(&payload) else { continue };
            let Ok(verdict) = serde_json::from_value::<Verdict>(p["verdict"].clone()) else { continue };
            let text = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            let record = DispositionRecord {
                seq,
                actor: String::new(),
                party: text("party"),
                party_key: text("party_key"),
                list: text("list"),
                entry_id: text("entry_id"),
                verdict,
                fact: text("fact"),
                entity_sha256: p["entity_sha256"].as_str().map(str::to_string),
            };
            list.record(&case_id, &record);
        }
        Ok(list)
    }

    /// Applies one disposition (in time order).
    pub fn record(&mut self, case_id: &str, d: &DispositionRecord) {
        let key = (d.party_key.clone(), d.list.clone(), d.entry_id.clone());
        if d.verdict == Verdict::FalsePositive {
            self.entries.insert(
                key,
                AllowEntry {
                    case_id: case_id.to_string(),
                    seq: d.seq,
                    entity_sha256: d.entity_sha256.clone(),
                    fact: d.fact.clone(),
                },
            );
        } else {
            self.entries.remove(&key);
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether the pair was ever judged a false positive (and not revoked since).
    pub fn contains(&self, party_key: &str, list: &str, entry_id: &str) -> bool {
        self.entries.contains_key(&(party_key.to_string(), list.to_string(), entry_id.to_string()))
    }

    /// The status of `list`/`entry_id` for the party with `party_key`, given the entry's
    /// fingerprint now (`None` when unknown, which counts as changed).
    pub fn status(&self, party_key: &str, list: &str, entry_id: &str, fingerprint: Option<&str>) -> AllowStatus {
        let key = (party_key.to_string(), list.to_string(), entry_id.to_string());
        match self.entries.get(&key) {
            None => AllowStatus::Alert,
            Some(e) if e.entity_sha256.is_some() && e.entity_sha256.as_deref() == fingerprint => {
                AllowStatus::AllowListed { case_id: e.case_id.clone(), seq: e.seq, fact: e.fact.clone() }
            }
            Some(e) => {
                AllowStatus::ChangedSinceAllowListed { case_id: e.case_id.clone(), seq: e.seq, fact: e.fact.clone() }
            }
        }
    }

    /// [`status`](Self::status), reading the entry's fingerprint only for a pair on the list:
    /// the screening paths would otherwise read every hit's entry from the store.
    pub fn status_lazy<E>(
        &self,
        party_key: &str,
        list: &str,
        entry_id: &str,
        fingerprint: impl FnOnce() -> Result<Option<String>, E>,
    ) -> Result<AllowStatus, E> {
        let key = (party_key.to_string(), list.to_string(), entry_id.to_string());
        if !self.entries.contains_key(&key) {
            return Ok(AllowStatus::Alert);
        }
        Ok(self.status(party_key, list, entry_id, fingerprint()?.as_deref()))
    }
}

/// For the screening paths: marks the hits of a result made against the current lists (the
/// entry's fingerprint is taken from the list's current version).
pub fn apply(store: &Store, allow: &AllowList, result: &mut ScreenResult) -> Result<(), StoreError> {
    let key = party_key(&result.query.name, result.query.schema);
    for hit in &mut result.hits {
        let fingerprint =
            || store.entity(&hit.list, &hit.entry_id).map(|e| e.map(|e| super::events::entity_fingerprint(&e)));
        hit.allow_listed = allow.status_lazy(&key, &hit.list, &hit.entry_id, fingerprint)?.prior();
    }
    Ok(())
}

/// [`apply`] to the counterparty's result and every affiliation's.
pub fn apply_screening(store: &Store, allow: &AllowList, screening: &mut Screening) -> Result<(), StoreError> {
    apply(store, allow, &mut screening.counterparty)?;
    for a in &mut screening.affiliations {
        apply(store, allow, &mut a.result)?;
    }
    Ok(())
}
