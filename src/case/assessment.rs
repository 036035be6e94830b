//! A case's risk profile: the transaction as the user describes it, joined with what the case
//! already knows, assessed with the risk model and recorded as a `risk_assessed` event.
//!
//! The user gives only what the case cannot know: the goods, the destination, the stated end
//! use, what the counterparty is and does, facts about the affiliations (source, date,
//! description) and the red-flag answers. Everything screening established comes from the
//! case itself, so the profile cannot quietly disagree with the file it sits in:
//!
//! - a party is "listed on" a list when the case's latest disposition of one of its hits on
//!   that list is `true_match` (a possible match is not a confirmed listing; it is the
//!   `cannot_exclude` disposition and the four-eyes rule that deal with it);
//! - a hit on a name an entry gives in its links, disposed of as `true_match`, is not a listing
//!   of the party but a list link (`risk::list_links`): the list ties it to a listed party;
//! - the counterparty's watch-list hits are the case's `watch_screened` findings for it that
//!   are not marked "not relevant" in this case: an unjudged match counts, because not
//!   looking must not lower the risk;
//! - the affiliations, their relations and shares are those the case was opened with.
//!
//! The event stores the transaction as given, the whole `AssessInput` and the profile, so
//! anyone can re-run the model on exactly that input and compare.

use super::events::{append, state, CaseError, CaseState, HitRef, Party, Verdict};
use super::{CaseEvent, EventKind};
use crate::affiliations;
use crate::risk::goods::GoodsItem;
use crate::risk::list_links::ListLink;
use crate::risk::ownership::{self, Relation};
use crate::risk::red_flags::FlagAnswer;
use crate::risk::{self, AssessInput, Awareness, Counterparty, RiskProfile, StateLink, WatchList};
use crate::store::Store;
use crate::watch::Relevance;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// What the user tells about the transaction (`klaring case assess ID --input FILE`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transaction {
    pub goods: Vec<GoodsItem>,
    /// Country of final destination: ISO code or name.
    pub destination: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_use: Option<String>,
    #[serde(default)]
    pub counterparty: CounterpartyFacts,
    /// Facts about the case's affiliations, found by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affiliations: Vec<AffiliationFacts>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub red_flags: Vec<FlagAnswer>,
    #[serde(default)]
    pub awareness: Awareness,
}

/// What the counterparty is and does.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterpartyFacts {
    /// Sector and activities; scanned for security bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub state_link: StateLink,
    #[serde(default)]
    pub reseller: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// Where a relation is known from, and what the related party is.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AffiliationFacts {
    /// The affiliation's name as the case has it.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// The risk model's input for this case and transaction.
pub fn input(state: &CaseState, transaction: &Transaction) -> Result<AssessInput, CaseError> {
    let opened = state.input.as_ref().ok_or_else(|| CaseError::Payload {
        case_id: state.case_id.clone(),
        seq: 1,
        reason: "the case has no readable `opened` event".into(),
    })?;
    let facts = &transaction.counterparty;
    let mut counterparty = Counterparty::new(&opened.counterparty.name);
    counterparty.description = facts.description.clone();
    counterparty.state_link = facts.state_link;
    counterparty.reseller = facts.reseller;
    counterparty.country = facts.country.clone().or_else(|| opened.counterparty.country.clone());
    if let Some(party) = state.parties.first() {
        counterparty.listed_on = listed_on(state, party);
        counterparty.list_links = list_links(state, party);
    }
    counterparty.watch_list = WatchList::Items(watch_items(state, &opened.counterparty.name));

    let affiliations = opened
        .affiliations
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut out = ownership::Affiliation::new(&a.name, relation(a.relation));
            out.percent = a.percent;
            out.country = a.country.clone();
            out.schema = a.schema.map(|s| s.as_str().to_string());
            // Parties are the counterparty first, then the affiliations in input order.
            if let Some(party) = state.parties.get(i + 1) {
                out.listed_on = listed_on(state, party);
                out.list_links = list_links(state, party);
            }
            if let Some(f) = transaction.affiliations.iter().find(|f| super::profile::same_person(&f.name, &a.name)) {
                out.description = f.description.clone();
                out.source = f.source.clone();
                out.date = f.date.clone();
            }
            out
        })
        .collect();
    Ok(AssessInput {
        goods: transaction.goods.clone(),
        destination: transaction.destination.clone(),
        end_use: transaction.end_use.clone(),
        counterparty,
        affiliations,
        red_flags: transaction.red_flags.clone(),
        awareness: transaction.awareness,
    })
}

/// Assesses the case's transaction and records the profile on the case.
pub fn assess(
    store: &mut Store,
    case_id: &str,
    now: chrono::DateTime<chrono::Utc>,
    transaction: &Transaction,
) -> Result<(RiskProfile, CaseEvent), CaseError> {
    let input = input(&state(store, case_id)?, transaction)?;
    let profile = risk::assess(&input)?;
    let payload = json!({
        "tier": profile.tier,
        "prohibited": profile.prohibited,
        "model": profile.model,
        "transaction": serde_json::to_value(transaction).expect("transactions always serialise"),
        "input": serde_json::to_value(&input).expect("assessment inputs always serialise"),
        "profile": serde_json::to_value(&profile).expect("risk profiles always serialise"),
    });
    // The check re-derives the input inside the transaction: a disposition or watch mark that
    // landed in between would make the stored input disagree with the case.
    let event = append(store, case_id, now, EventKind::RiskAssessed, payload, None, |state, _, _| {
        if self::input(state, transaction)? == input {
            Ok(())
        } else {
            Err(CaseError::ChangedMeanwhile)
        }
    })?;
    Ok((profile, event))
}

/// The party's hits this case confirmed as true matches.
fn confirmed<'a>(state: &'a CaseState, party: &'a Party) -> impl Iterator<Item = &'a HitRef> {
    party.hits.iter().filter(|hit| state.disposition_of(party, hit).is_some_and(|d| d.verdict == Verdict::TrueMatch))
}

/// The lists a party is confirmed on in this case.
fn listed_on(state: &CaseState, party: &Party) -> Vec<String> {
    let mut lists: Vec<String> =
        confirmed(state, party).filter(|hit| hit.link.is_none()).map(|hit| hit.list.clone()).collect();
    lists.sort();
    lists.dedup();
    lists
}

/// The list entries this case confirmed name the party in their links.
fn list_links(state: &CaseState, party: &Party) -> Vec<ListLink> {
    confirmed(state, party)
        .filter_map(|hit| {
            hit.link.as_ref().map(|link| ListLink {
                list: hit.list.clone(),
                entry_id: hit.entry_id.clone(),
                entry_name: hit.name.clone(),
                relation: link.relation.clone(),
                named_as: hit.matched_name.clone(),
            })
        })
        .collect()
}

/// The counterparty's watch-list findings, less those this case marked not relevant.
fn watch_items(state: &CaseState, counterparty: &str) -> Vec<risk::WatchItem> {
    state
        .watch
        .iter()
        .filter(|f| f.role == "counterparty" && super::profile::same_person(&f.party, counterparty))
        .filter(|f| state.watch_mark_of(f).is_none_or(|m| m.relevance != Relevance::NotRelevant))
        .map(|f| risk::WatchItem {
            title: f.title.clone(),
            source: Some(f.publisher.clone()).filter(|p| !p.is_empty()),
            date: f.date.clone(),
            url: f.url.clone(),
        })
        .collect()
}

/// The screening relation, read from the other side, as the risk model reads it.
fn relation(relation: affiliations::Relation) -> Relation {
    use affiliations::Relation as From;
    match relation {
        From::Owner => Relation::OwnedBy,
        From::Parent => Relation::SubsidiaryOf,
        From::Subsidiary => Relation::ParentOf,
        From::Director => Relation::DirectedBy,
        From::Customer => Relation::SuppliesTo,
        From::EndUser => Relation::EndUser,
        From::ContractsFor => Relation::ContractsFor,
        From::Supplier => Relation::CustomerOf,
    }
}
