//! Screening a counterparty together with its affiliations: owners, parents, subsidiaries,
//! directors, customers and end users, and the parties it carries out contracts for.
//!
//! A sanctioned owner or end user makes a deal forbidden as surely as a sanctioned
//! counterparty, so every affiliation is screened as a query of its own, with the same
//! screener and threshold, and its result is kept apart from the counterparty's: a reviewer
//! must see *who* alerted, not one merged list of hits. The relation is data, not a rule yet:
//! ownership percentages are recorded for the risk model of a later issue, which decides what
//! a 30 % owner means.

use crate::matching::{Query, QueryError};
use crate::model::Schema;
use crate::screening::{ScreenResult, Screener};
use serde::{Deserialize, Serialize};

/// How a related party relates to the counterparty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Holds shares in the counterparty (`percent` says how many).
    Owner,
    Parent,
    Subsidiary,
    Director,
    Customer,
    /// The final user of the goods.
    EndUser,
    /// The counterparty carries out contracts for this party.
    ContractsFor,
    Supplier,
}

/// One related party as the user typed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affiliation {
    pub name: String,
    pub relation: Relation,
    /// Share held, 0–100; for owners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    /// ISO 3166 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Schema>,
}

impl Affiliation {
    /// The query this party is screened with.
    pub fn query(&self) -> Query {
        Query {
            name: self.name.clone(),
            country: self.country.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_ascii_lowercase),
            birth_date: None,
            schema: self.schema.filter(|s| *s != Schema::Unknown),
            identifier: None,
        }
    }
}

/// What the user asks to screen: the counterparty and its related parties.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ScreeningInput {
    pub counterparty: Query,
    #[serde(default)]
    pub affiliations: Vec<Affiliation>,
}

/// One affiliation and its own result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AffiliationResult {
    pub affiliation: Affiliation,
    pub result: ScreenResult,
}

/// The counterparty's result and each affiliation's, in input order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screening {
    pub counterparty: ScreenResult,
    pub affiliations: Vec<AffiliationResult>,
}

impl Screening {
    fn results(&self) -> impl Iterator<Item = &ScreenResult> {
        std::iter::once(&self.counterparty).chain(self.affiliations.iter().map(|a| &a.result))
    }

    /// Alerts over the counterparty and every affiliation (allow-listed hits are not alerts).
    pub fn alerts(&self) -> usize {
        self.results().flat_map(|r| &r.hits).filter(|h| h.alerts()).count()
    }

    /// The best score over every alert, if there is any.
    pub fn top_score(&self) -> Option<f64> {
        self.results().flat_map(|r| &r.hits).filter(|h| h.alerts()).map(|h| h.score).reduce(f64::max)
    }
}

/// Why a screening was refused; says which party is at fault so the form can point at it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScreeningError {
    #[error("counterparty: {0}")]
    Counterparty(QueryError),
    #[error("affiliation {} ({name:?}): {error}", index + 1)]
    Affiliation { index: usize, name: String, error: QueryError },
    #[error("affiliation {} ({name:?}): a share must be between 0 and 100 %, not {percent}", index + 1)]
    Percent { index: usize, name: String, percent: f64 },
}

/// Screens the counterparty and every affiliation at `threshold`. Everything is checked
/// before anything is screened, so a typing slip in the fifth affiliation does not leave a
/// half-done screening behind.
pub fn screen(screener: &Screener, input: &ScreeningInput, threshold: f64) -> Result<Screening, ScreeningError> {
    input.counterparty.validate().map_err(ScreeningError::Counterparty)?;
    let queries: Vec<Query> = input
        .affiliations
        .iter()
        .enumerate()
        .map(|(index, affiliation)| {
            if let Some(percent) = affiliation.percent.filter(|p| !(0.0..=100.0).contains(p)) {
                return Err(ScreeningError::Percent { index, name: affiliation.name.clone(), percent });
            }
            let query = affiliation.query();
            query.validate().map_err(|error| ScreeningError::Affiliation {
                index,
                name: affiliation.name.clone(),
                error,
            })?;
            Ok(query)
        })
        .collect::<Result<_, _>>()?;
    let counterparty = screener.screen(None, &input.counterparty, threshold).map_err(ScreeningError::Counterparty)?;
    let affiliations = input
        .affiliations
        .iter()
        .zip(&queries)
        .enumerate()
        .map(|(index, (affiliation, query))| {
            let result = screener.screen(None, query, threshold).map_err(|error| ScreeningError::Affiliation {
                index,
                name: affiliation.name.clone(),
                error,
            })?;
            Ok(AffiliationResult { affiliation: affiliation.clone(), result })
        })
        .collect::<Result<_, ScreeningError>>()?;
    Ok(Screening { counterparty, affiliations })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_and_affiliations_read_the_ipc_spelling() {
        let input: ScreeningInput = serde_json::from_value(serde_json::json!({
            "counterparty": {"name": "Acme BV", "country": "nl"},
            "affiliations": [
                {"name": "Ivan Petrov", "relation": "owner", "percent": 30, "country": "RU", "schema": "person"},
                {"name": "Rosoboronexport", "relation": "contracts_for"},
                {"name": "X", "relation": "end_user"}
            ]
        }))
        .unwrap();
        assert_eq!(input.affiliations[0].relation, Relation::Owner);
        assert_eq!(input.affiliations[0].query().country.as_deref(), Some("ru"));
        assert_eq!(input.affiliations[1].relation, Relation::ContractsFor);
        assert_eq!(input.affiliations[2].relation, Relation::EndUser);
        assert!(serde_json::from_value::<Affiliation>(serde_json::json!({"name": "X", "relation": "cousin"})).is_err());
    }
}
