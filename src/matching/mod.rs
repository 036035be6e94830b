//! Name matching: pure functions, no IO. normalise → candidates → score → adjust → explain.
//!
//! `Index::build` takes list entities once; `screen` answers one query against it. Every hit
//! carries an `Explanation` that says which query tokens paired with which list tokens and
//! how, and what moved the score, so a reviewer can defend or reject it.

pub mod adjust;
pub mod index;
pub mod normalize;
pub mod phonetic;
pub mod score;

pub use index::Index;

use crate::model::Schema;
use adjust::Adjustment;
use score::{round3, Pair, Weighted};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The version of the matching rules, recorded with every result so a case can say which
/// rules produced its hits.
/// 2: a party an entry names in its links hits that entry (`Hit::link`).
pub const MATCHER_VERSION: &str = "klaring-match 2";

/// Hits at or above this score are alerts. Chosen on the development set (README, "Quality"):
/// the lowest value that keeps false alerts on innocent names at or below 1 %.
pub const DEFAULT_THRESHOLD: f64 = 0.80;

/// How far below the threshold candidates are still worth scoring in full.
const CANDIDATE_FLOOR: f64 = 0.5;
/// The most names scored in full for one query.
const MAX_CANDIDATES: usize = 150;

/// A screening query: a name and what else is known.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Query {
    pub name: String,
    /// ISO 3166 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Schema>,
    /// A passport, registration or IMO number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// One line a person can read.
    pub summary: String,
    /// The name similarity before adjustments.
    pub name_score: f64,
    pub pairs: Vec<Pair>,
    pub unmatched_query: Vec<String>,
    pub unmatched_list: Vec<String>,
    pub legal_forms_ignored: Vec<String>,
    /// Acronyms of the name's own words, left out of the comparison.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acronyms_ignored: Vec<String>,
    pub adjustments: Vec<Adjustment>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub list: String,
    pub entry_id: String,
    /// The entry's primary name.
    pub name: String,
    /// The name (primary or alias) that matched.
    pub matched_name: String,
    pub score: f64,
    pub explanation: Explanation,
    /// An earlier case's "false positive" for this party and entry (the allow list). The
    /// matcher never sets it: `case::allow_list::apply` does, after screening, because only
    /// the case files know it. The hit stays in the result so a reviewer sees it was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_listed: Option<PriorJudgement>,
    /// Set when the name matched is not the entry's own but a party the entry names in its
    /// links (OFAC "Linked To: …", a vessel's owner): the list itself ties the screened party
    /// to the listed one. `name` is then the listed entry's name, `matched_name` the linked
    /// party's as the list writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<LinkedBy>,
}

/// How the listed entry names the screened party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedBy {
    /// The relation as the list writes it, from the entry's side ("linked_to", "owner").
    pub relation: String,
}

/// What a reader needs besides the listed name: the other name that matched, or the name the
/// entry gives a party in its links. `None` when the entry's primary name itself matched.
pub fn matched_note(name: &str, matched_name: &str, link: Option<&LinkedBy>) -> Option<String> {
    match link {
        Some(link) => Some(format!("names \"{matched_name}\" in its links ({})", link.relation)),
        None if matched_name != name => Some(format!("matched \"{matched_name}\"")),
        None => None,
    }
}

impl Hit {
    pub fn matched_note(&self) -> Option<String> {
        matched_note(&self.name, &self.matched_name, self.link.as_ref())
    }

    /// Whether the hit is an alert: not allow-listed, or allow-listed but changed since.
    pub fn alerts(&self) -> bool {
        self.allow_listed.as_ref().is_none_or(|prior| prior.changed)
    }
}

/// Where a hit's "false positive" judgement comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorJudgement {
    pub case_id: String,
    /// The `disposition` event in that case.
    pub seq: i64,
    /// The fact that decided it.
    pub fact: String,
    /// The list entry has changed since it was judged: the hit alerts again.
    pub changed: bool,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryError {
    #[error("the name is empty or has no letters or digits")]
    EmptyName,
    #[error("the name has {0} characters; names longer than {max} are refused", max = crate::lists::MAX_NAME_CHARS)]
    NameTooLong(usize),
    #[error("birth date {0:?}: use YYYY, YYYY-MM or YYYY-MM-DD")]
    BirthDate(String),
    #[error("country {0:?}: use an ISO 3166 alpha-2 code such as nl or ru")]
    Country(String),
}

impl Query {
    /// Checks the query before screening, so a typing slip is an error, not a silent miss.
    pub fn validate(&self) -> Result<(), QueryError> {
        let chars = self.name.chars().count();
        if chars > crate::lists::MAX_NAME_CHARS {
            return Err(QueryError::NameTooLong(chars));
        }
        if !self.name.chars().any(char::is_alphanumeric) {
            return Err(QueryError::EmptyName);
        }
        if let Some(date) = self.birth_date.as_deref().filter(|d| !d.is_empty()) {
            let valid = match date.len() {
                4 => date.parse::<i32>().is_ok(),
                7 => chrono::NaiveDate::parse_from_str(&format!("{date}-01"), "%Y-%m-%d").is_ok(),
                10 => chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
                _ => false,
            };
            if !valid {
                return Err(QueryError::BirthDate(date.to_string()));
            }
        }
        if let Some(country) = self.country.as_deref().filter(|c| !c.is_empty()) {
            if crate::countries::name(country).is_none() {
                return Err(QueryError::Country(country.to_string()));
            }
        }
        Ok(())
    }
}

/// Screens one query; returns every hit scoring at least `min_score`, best first.
pub fn screen(index: &Index, query: &Query, min_score: f64) -> Result<Vec<Hit>, QueryError> {
    query.validate()?;
    let norm = normalize::normalize(&query.name, index::legal_forms_for(query.schema));
    if norm.tokens.is_empty() {
        return Err(QueryError::EmptyName);
    }
    let (weights, accumulated) = candidates(index, &norm.tokens);
    let q_total: f64 = weights.iter().sum();
    let query_tokens: Vec<Weighted> =
        norm.tokens.iter().zip(&weights).map(|(token, &weight)| Weighted { token, weight }).collect();

    let mut ranked: Vec<(u32, f64)> =
        accumulated.into_iter().filter(|(_, acc)| *acc / q_total >= CANDIDATE_FLOOR).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(MAX_CANDIDATES);
    let mut name_ids: Vec<u32> = ranked.into_iter().map(|(id, _)| id).collect();
    if let Some(id) = query.identifier.as_deref() {
        for &entity in index.entities_with_identifier(id) {
            name_ids.extend(index.names.iter().enumerate().filter(|(_, n)| n.entity == entity).map(|(i, _)| i as u32));
        }
    }

    // Best name per entity.
    let mut best: HashMap<u32, (score::NameMatch, u32)> = HashMap::new();
    for name_id in name_ids {
        let name = &index.names[name_id as usize];
        let matched = score::compare(&query_tokens, &index.weighted_name(name));
        let better = match best.get(&name.entity) {
            Some((prev, prev_id)) => {
                (matched.score, std::cmp::Reverse(name_id)) > (prev.score, std::cmp::Reverse(*prev_id))
            }
            None => true,
        };
        if better {
            best.insert(name.entity, (matched, name_id));
        }
    }

    let mut hits: Vec<Hit> = best
        .into_iter()
        .filter_map(|(entity_id, (matched, name_id))| {
            let entity = &index.entities[entity_id as usize];
            let name = &index.names[name_id as usize];
            let hit = finish(query, &norm, entity, name, matched);
            (hit.score >= min_score).then_some(hit)
        })
        .collect();
    // One hit per entry: its own name if that matched, else the best of the names in its links.
    hits.sort_by(|a, b| {
        (&a.list, &a.entry_id, a.link.is_some())
            .cmp(&(&b.list, &b.entry_id, b.link.is_some()))
            .then(b.score.total_cmp(&a.score))
    });
    hits.dedup_by(|later, first| later.list == first.list && later.entry_id == first.entry_id);
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| (&a.list, &a.entry_id).cmp(&(&b.list, &b.entry_id))));
    Ok(hits)
}

/// Looks every query token (and each pair of adjacent tokens, joined) up in the vocabulary,
/// and sums per name the best weighted similarity each query token found in it. Returns the
/// query tokens' weights and that sum per name.
fn candidates(index: &Index, tokens: &[normalize::Token]) -> (Vec<f64>, HashMap<u32, f64>) {
    let mut weights = Vec::with_capacity(tokens.len());
    // name → (query token index last credited, best credit for it, sum of earlier credits)
    let mut acc: HashMap<u32, (usize, f64, f64)> = HashMap::new();
    let credit = |acc: &mut HashMap<u32, (usize, f64, f64)>, slot: usize, name: u32, value: f64| {
        let entry = acc.entry(name).or_insert((slot, 0.0, 0.0));
        if entry.0 == slot {
            entry.1 = entry.1.max(value);
        } else {
            entry.2 += entry.1;
            *entry = (slot, value, entry.2);
        }
    };
    let joined: Vec<Option<normalize::Token>> = (0..tokens.len())
        .map(|i| {
            tokens
                .get(i + 1)
                .map(|next| normalize::Token::new(format!("{}{}", tokens[i].text, next.text), tokens[i].origin))
        })
        .collect();
    let similar: Vec<Vec<(u32, f64)>> = tokens.iter().map(|t| reachable(index, t)).collect();
    for (slot, token) in tokens.iter().enumerate() {
        let found = &similar[slot];
        let weight = found
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(index.weight(b.0).total_cmp(&index.weight(a.0))))
            .map(|(id, _)| index.weight(*id))
            .unwrap_or_else(|| if token.text.len() == 1 { 1.0 } else { index.unseen_weight() });
        let weight = if token.text.len() == 1 { weight.min(1.0) } else { weight };
        weights.push(weight);
        for &(id, sim) in found {
            for &name in index.postings(id) {
                credit(&mut acc, slot, name, weight * sim);
            }
        }
    }
    // Joined pairs credit both of their tokens' slots at once; done after the singles so the
    // per-slot bookkeeping above stays in order.
    for (slot, pair) in joined.iter().enumerate() {
        let Some(pair) = pair else { continue };
        let value = weights[slot] + weights[slot + 1];
        for (id, sim) in index.similar_tokens(pair) {
            for &name in index.postings(id) {
                let entry = acc.entry(name).or_insert((usize::MAX, 0.0, 0.0));
                entry.2 += value * sim * 0.5;
            }
        }
    }
    let sums = acc.into_iter().map(|(name, (_, best, sum))| (name, best + sum)).collect();
    (weights, sums)
}

/// Particles written joined to the next word ("Alkhatib", "Benomar", "Abdulrahman", and the
/// assimilated article in "Essaadi"): the list may write them apart.
const JOINED_PARTICLES: &[&str] = &[
    "abdul", "abdel", "abdal", "abd", "abu", "abou", "al", "el", "ul", "bin", "ben", "ibn", "as", "es", "ash", "ad",
    "ar", "at", "az", "an",
];

/// The vocabulary tokens a query token can stand for: similar tokens, the same without a
/// joined particle, and two list tokens the query wrote as one ("Starsapphire").
fn reachable(index: &Index, token: &normalize::Token) -> Vec<(u32, f64)> {
    let mut found = index.similar_tokens(token);
    for particle in JOINED_PARTICLES {
        if let Some(rest) = token.text.strip_prefix(particle).filter(|r| r.len() >= 3) {
            found.extend(index.similar_tokens(&normalize::Token::new(rest.to_string(), token.origin)));
        }
    }
    if index.exact(&token.text).is_none() && token.text.len() >= 7 {
        for cut in 3..=token.text.len() - 3 {
            if let (Some(a), Some(b)) = (index.exact(&token.text[..cut]), index.exact(&token.text[cut..])) {
                found.extend([(a, 1.0), (b, 1.0)]);
            }
        }
    }
    found
}

fn finish(
    query: &Query,
    query_norm: &normalize::NormName,
    entity: &index::IndexedEntity,
    name: &index::IndexedName,
    matched: score::NameMatch,
) -> Hit {
    let mut adjustments = adjust::adjustments(query, entity, name.kind);
    let mut score = matched.score + adjustments.iter().map(|a| a.delta).sum::<f64>();
    // A conflict lowers a score but never hides an exact name.
    if matched.score >= 1.0 && score < DEFAULT_THRESHOLD {
        adjustments.push(adjust::Adjustment {
            factor: "exact_name_floor",
            delta: round3(DEFAULT_THRESHOLD - score),
            detail: "the name is exactly a listed name: kept at the alert threshold for review".into(),
        });
        score = DEFAULT_THRESHOLD;
    }
    let score = round3(score.clamp(0.0, 1.0));
    let mut legal_forms_ignored: Vec<String> =
        query_norm.legal_forms.iter().chain(&name.legal_forms).cloned().collect();
    legal_forms_ignored.dedup();
    let mut acronyms_ignored: Vec<String> = query_norm.acronyms.iter().chain(&name.acronyms).cloned().collect();
    acronyms_ignored.dedup();
    let summary = summary(&matched, &legal_forms_ignored, &acronyms_ignored, &adjustments);
    Hit {
        list: entity.list.clone(),
        entry_id: entity.entry_id.clone(),
        name: entity.primary_name.clone(),
        matched_name: name.full.clone(),
        score,
        link: entity.link.clone().map(|relation| LinkedBy { relation }),
        explanation: Explanation {
            summary,
            name_score: matched.score,
            pairs: matched.pairs,
            unmatched_query: matched.unmatched_query,
            unmatched_list: matched.unmatched_list,
            legal_forms_ignored,
            acronyms_ignored,
            adjustments,
        },
        allow_listed: None,
    }
}

fn summary(
    matched: &score::NameMatch,
    legal_forms: &[String],
    acronyms: &[String],
    adjustments: &[Adjustment],
) -> String {
    let mut parts: Vec<String> = matched
        .pairs
        .iter()
        .map(|p| match p.how {
            score::How::Exact => format!("{} = {}", p.query, p.list),
            score::How::Initial => format!("{} = {} (initial)", p.query, p.list),
            score::How::Phonetic => format!("{} ≈ {} (sounds alike, {:.2})", p.query, p.list, p.similarity),
            score::How::Typo => format!("{} ≈ {} (spelling, {:.2})", p.query, p.list, p.similarity),
        })
        .collect();
    if !matched.unmatched_query.is_empty() {
        parts.push(format!("not on the list entry: {}", matched.unmatched_query.join(" ")));
    }
    if !matched.unmatched_list.is_empty() {
        parts.push(format!("not in the query: {}", matched.unmatched_list.join(" ")));
    }
    if !legal_forms.is_empty() {
        parts.push(format!("legal form ignored: {}", legal_forms.join(", ")));
    }
    if !acronyms.is_empty() {
        parts.push(format!("acronym ignored: {}", acronyms.join(", ")));
    }
    let mut line = format!("name {:.2}: {}", matched.score, parts.join("; "));
    for a in adjustments {
        line.push_str(&format!("; {} ({:+.2})", a.detail, a.delta));
    }
    line
}
