//! Affiliations and the ownership test per jurisdiction.
//!
//! A relation is typed and read from the counterparty's side ("the counterparty is owned 60 %
//! by X", "carries out contracts for X"), with its source and date. The ownership test is not
//! one "50 %" flag: the EU adds up the holdings of listed owners and counts 50 % or more (EU
//! Best Practices, July 2024), the UK needs more than 50 %, OFAC adds up at 50 % or more and
//! ignores control. Which lists count for which jurisdiction, the thresholds and the effects
//! are rows of the model table; `aggregate` is a pure function over owners and shows its sum.

use super::model::{model, Effect, Threshold};
use super::profile::Source;
use serde::{Deserialize, Serialize};

/// How a related party relates to the counterparty, read "the counterparty <relation> X".
/// The aliases accept the relation names of `affiliations::Relation`, which are read from the
/// other side ("owner" = X owns the counterparty).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// X owns `percent` of the counterparty.
    #[serde(alias = "owner")]
    OwnedBy,
    /// The counterparty owns `percent` of X.
    Owns,
    /// X is the counterparty's parent (controls it).
    #[serde(alias = "parent")]
    SubsidiaryOf,
    /// X is the counterparty's subsidiary.
    #[serde(alias = "subsidiary")]
    ParentOf,
    /// X is a director of the counterparty.
    #[serde(alias = "director")]
    DirectedBy,
    /// The counterparty (a person) is a director of X.
    DirectorOf,
    /// The counterparty carries out contracts for X.
    ContractsFor,
    /// The counterparty supplies X (X is its customer).
    #[serde(alias = "customer")]
    SuppliesTo,
    /// The counterparty buys from X (X is its supplier).
    #[serde(alias = "supplier")]
    CustomerOf,
    /// X is the final user of the goods.
    EndUser,
}

impl Relation {
    /// The snake-case name, as in the model table.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::OwnedBy => "owned_by",
            Relation::Owns => "owns",
            Relation::SubsidiaryOf => "subsidiary_of",
            Relation::ParentOf => "parent_of",
            Relation::DirectedBy => "directed_by",
            Relation::DirectorOf => "director_of",
            Relation::ContractsFor => "contracts_for",
            Relation::SuppliesTo => "supplies_to",
            Relation::CustomerOf => "customer_of",
            Relation::EndUser => "end_user",
        }
    }
}

/// A related party as the user records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Affiliation {
    pub name: String,
    pub relation: Relation,
    /// Share, 0–100 (for owned_by, owns, subsidiary_of).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    /// Where the relation is known from ("company register", "news article").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When it was known to hold (YYYY, YYYY-MM or YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// What X is or does; scanned for security bodies like the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Lists X is confirmed on (list ids: "eu-fsf", "ofac-sdn"…), after screening.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listed_on: Vec<String>,
    /// List entries that name X in their links, after screening (`list_links`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub list_links: Vec<super::list_links::ListLink>,
    /// Informational, as `affiliations::Affiliation` writes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
}

impl Affiliation {
    pub fn new(name: &str, relation: Relation) -> Affiliation {
        Affiliation {
            name: name.to_string(),
            relation,
            percent: None,
            source: None,
            date: None,
            description: None,
            listed_on: Vec::new(),
            list_links: Vec::new(),
            country: None,
            schema: None,
        }
    }

    /// The relation as a phrase: "owned 60 % by X", "carries out contracts for X".
    pub fn path(&self) -> String {
        let share = self.percent.map(|p| format!("{} % ", pct(p))).unwrap_or_default();
        let name = &self.name;
        let mut text = match self.relation {
            Relation::OwnedBy => format!("owned {share}by {name}"),
            Relation::Owns => format!("owns {share}of {name}"),
            Relation::SubsidiaryOf => format!("subsidiary of {name}"),
            Relation::ParentOf => format!("parent of {name}"),
            Relation::DirectedBy => format!("directed by {name}"),
            Relation::DirectorOf => format!("director of {name}"),
            Relation::ContractsFor => format!("carries out contracts for {name}"),
            Relation::SuppliesTo => format!("supplies to {name}"),
            Relation::CustomerOf => format!("customer of {name}"),
            Relation::EndUser => format!("goods for end user {name}"),
        };
        if !self.listed_on.is_empty() {
            text.push_str(&format!(", listed on {}", self.listed_on.join(", ")));
        }
        text
    }

    pub fn evidence(&self) -> Option<Source> {
        match (&self.source, &self.date) {
            (None, None) => None,
            (source, date) => Some(Source::new(source.clone().unwrap_or_else(|| "not given".into()), date.as_deref())),
        }
    }
}

/// One relation as the profile shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelationFinding {
    pub name: String,
    pub relation: Relation,
    /// "owned 60 % by X, listed on eu-fsf".
    pub path: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub listed_on: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

impl RelationFinding {
    pub fn of(a: &Affiliation) -> RelationFinding {
        RelationFinding {
            name: a.name.clone(),
            relation: a.relation,
            path: a.path(),
            listed_on: a.listed_on.clone(),
            source: a.evidence(),
        }
    }
}

/// A holder of the counterparty, for the ownership test.
#[derive(Debug, Clone, PartialEq)]
pub struct Owner {
    pub name: String,
    /// None: the share is not known.
    pub percent: Option<f64>,
    /// List ids the owner is confirmed on.
    pub listed_on: Vec<String>,
    /// A parent: controls the counterparty whatever its share.
    pub controls: bool,
}

impl Owner {
    /// The owners among the affiliations: owned_by and subsidiary_of relations.
    pub fn from_affiliations(affiliations: &[Affiliation]) -> Vec<Owner> {
        affiliations
            .iter()
            .filter(|a| matches!(a.relation, Relation::OwnedBy | Relation::SubsidiaryOf))
            .map(|a| Owner {
                name: a.name.clone(),
                percent: a.percent,
                listed_on: a.listed_on.clone(),
                controls: a.relation == Relation::SubsidiaryOf,
            })
            .collect()
    }
}

/// One listed owner counted in a jurisdiction's sum.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    pub lists: Vec<String>,
}

/// The ownership test of one jurisdiction, with its sum written out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnershipCalculation {
    pub jurisdiction: String,
    /// "50 % or more, holdings of listed owners added up".
    pub rule: String,
    /// Listed owners whose holdings count here.
    pub owners: Vec<Share>,
    pub total: f64,
    pub owned: bool,
    /// Listed parents that control the counterparty (where control counts).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub controlled_by: Vec<String>,
    /// Some listed owner's share is unknown: ownership cannot be excluded.
    pub share_unknown: bool,
    /// "A 25 % (eu-fsf) + B 25 % (eu-fsf) = 50 % ≥ 50 %: owned".
    pub calculation: String,
    pub effect: Effect,
    pub note: String,
    pub source: Source,
}

impl OwnershipCalculation {
    /// Owned or controlled under this jurisdiction's rule.
    pub fn caught(&self) -> bool {
        self.owned || !self.controlled_by.is_empty()
    }
}

/// The ownership test of every jurisdiction in the model table. Only owners confirmed on a list
/// of that jurisdiction's families count; their shares are added up.
pub fn aggregate(owners: &[Owner]) -> Vec<OwnershipCalculation> {
    let m = model();
    m.ownership
        .iter()
        .map(|rule| {
            let counts = |list: &String| m.list_family(list).is_some_and(|f| rule.families.contains(&f.family));
            let mut shares = Vec::new();
            let mut controlled_by = Vec::new();
            for owner in owners {
                let lists: Vec<String> = owner.listed_on.iter().filter(|l| counts(l)).cloned().collect();
                if lists.is_empty() {
                    continue;
                }
                if owner.controls && rule.control {
                    controlled_by.push(format!("{} ({})", owner.name, lists.join(", ")));
                }
                if owner.percent.is_some() || !owner.controls {
                    shares.push(Share { name: owner.name.clone(), percent: owner.percent, lists });
                }
            }
            let total = shares.iter().filter_map(|s| s.percent).fold(0.0, |sum, p| sum + p);
            // Shares are typed with decimals: 33.3 + 16.7 must reach 50.
            let owned = match rule.rule {
                Threshold::AtLeast => total >= rule.threshold - 1e-9,
                Threshold::MoreThan => total > rule.threshold + 1e-9,
            };
            let share_unknown = shares.iter().any(|s| s.percent.is_none());
            let (sign, not_sign, rule_text) = match rule.rule {
                Threshold::AtLeast => ("≥", "<", format!("{} % or more", pct(rule.threshold))),
                Threshold::MoreThan => (">", "not >", format!("more than {} %", pct(rule.threshold))),
            };
            let terms: Vec<String> = shares
                .iter()
                .map(|s| match s.percent {
                    Some(p) => format!("{} {} % ({})", s.name, pct(p), s.lists.join(", ")),
                    None => format!("{} share unknown ({})", s.name, s.lists.join(", ")),
                })
                .collect();
            let mut calculation = if terms.is_empty() {
                format!("no owner on {} lists: 0 %, not owned", rule.families.join("/"))
            } else {
                let verdict = if owned {
                    format!("{sign} {} %: owned", pct(rule.threshold))
                } else if share_unknown {
                    format!(
                        "{not_sign} {} % so far: ownership cannot be excluded until every share is known",
                        pct(rule.threshold)
                    )
                } else {
                    format!("{not_sign} {} %: not owned", pct(rule.threshold))
                };
                format!("{} = {} % {verdict}", terms.join(" + "), pct(total))
            };
            if !controlled_by.is_empty() {
                calculation.push_str(&format!("; controlled by listed parent {}", controlled_by.join(", ")));
            }
            OwnershipCalculation {
                jurisdiction: rule.jurisdiction.clone(),
                rule: format!(
                    "{rule_text}, holdings of listed owners added up{}",
                    if rule.control { "; control counts too" } else { "; ownership only" }
                ),
                owners: shares,
                total,
                owned,
                controlled_by,
                share_unknown,
                calculation,
                effect: rule.effect,
                note: rule.note.clone(),
                source: rule.source.clone(),
            }
        })
        .collect()
}

/// A percentage without a needless ".0".
pub(crate) fn pct(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{}", (value * 100.0).round() / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(name: &str, percent: f64, lists: &[&str]) -> Owner {
        Owner {
            name: name.into(),
            percent: Some(percent),
            listed_on: lists.iter().map(|l| l.to_string()).collect(),
            controls: false,
        }
    }

    fn calc<'a>(calcs: &'a [OwnershipCalculation], jurisdiction: &str) -> &'a OwnershipCalculation {
        calcs.iter().find(|c| c.jurisdiction == jurisdiction).unwrap()
    }

    #[test]
    fn relation_names_of_the_affiliations_module_are_accepted() {
        let a: Affiliation = serde_json::from_str(r#"{"name":"X","relation":"owner","percent":60}"#).unwrap();
        assert_eq!(a.relation, Relation::OwnedBy);
        assert_eq!(a.path(), "owned 60 % by X");
        let a: Affiliation = serde_json::from_str(r#"{"name":"Y","relation":"customer"}"#).unwrap();
        assert_eq!(a.relation, Relation::SuppliesTo);
    }

    #[test]
    fn decimals_add_up_to_the_threshold() {
        let calcs = aggregate(&[owner("A", 33.3, &["ofac-sdn"]), owner("B", 16.7, &["ofac-sdn"])]);
        assert!(calc(&calcs, "US (OFAC)").owned);
        assert!(!calc(&calcs, "EU").owned);
        assert_eq!(calc(&calcs, "EU").calculation, "no owner on eu/un/nl lists: 0 %, not owned");
    }

    #[test]
    fn a_listed_parent_controls_under_eu_rules_but_not_for_ofac() {
        let parent = Owner {
            name: "P".into(),
            percent: None,
            listed_on: vec!["eu-fsf".into(), "ofac-sdn".into()],
            controls: true,
        };
        let calcs = aggregate(&[parent]);
        assert!(calc(&calcs, "EU").caught());
        assert!(!calc(&calcs, "US (OFAC)").caught());
    }

    #[test]
    fn an_unknown_share_keeps_ownership_open() {
        let mut x = owner("X", 0.0, &["uk-ofsi"]);
        x.percent = None;
        let c = aggregate(&[owner("A", 30.0, &["uk-ofsi"]), x]);
        let uk = calc(&c, "UK");
        assert!(!uk.owned && uk.share_unknown);
        assert!(uk.calculation.contains("cannot be excluded"), "{}", uk.calculation);
    }
}
