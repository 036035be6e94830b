//! The destination: what the bundled tables say about a country, and its D score (0–3).
//!
//! Two tables, both compiled in: `data/risk/countries.json` (groups such as EU/NAVO+, arms
//! embargoes with their internal-repression scope, EU sanctions regimes with their goods
//! restrictions; curated, every record with its source) and
//! `data/risk/freedom_in_the_world.tsv` (Freedom House status and scores of one edition,
//! derived from Freedom House's workbook by `tools/freedomhouse_fiw.py`). Country names are
//! mapped to ISO codes by `countries::code`, the same function that reads list files, so the
//! two never disagree about what "Congo (Kinshasa)" is.

use super::model::model;
use super::profile::{Contribution, Factor, Source};
use super::red_flags::{Answer, FlagAnswer};
use crate::countries;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

const COUNTRIES: &str = include_str!("../../data/risk/countries.json");
const FREEDOM: &str = include_str!("../../data/risk/freedom_in_the_world.tsv");

/// The Freedom in the World edition bundled.
pub const FIW_EDITION: u16 = 2024;

/// Everything the tables say about one destination, with sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DestinationProfile {
    /// ISO 3166-1 alpha-2, lower case.
    pub code: String,
    pub name: String,
    pub eu_member: bool,
    pub eu_nato_plus: bool,
    pub country_of_concern: bool,
    /// Every group the country belongs to (EU, NATO, EU/NAVO+, countries of concern, EU001).
    pub groups: Vec<Group>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freedom_in_the_world: Option<FreedomRating>,
    pub arms_embargoes: Vec<Embargo>,
    pub sanctions_regimes: Vec<Regime>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub id: String,
    pub label: String,
    pub source: Source,
}

/// Freedom House, Freedom in the World: one edition's status and scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FreedomRating {
    /// F, PF or NF.
    pub status: String,
    /// 0–100.
    pub total: i32,
    /// 0–40 (can be negative).
    pub political_rights: i32,
    /// 0–60.
    pub civil_liberties: i32,
    /// The name Freedom House rates ("Gaza Strip" for ps).
    pub rated_as: String,
    /// Freedom House rates a territory under this code, not a country.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub territory: bool,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    WholeState,
    NonStateActors,
    ListedPersons,
    Region,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Embargo {
    pub country: String,
    /// UN, EU or OSCE.
    pub body: String,
    /// "legal" or "political".
    pub binding: String,
    pub scope: Scope,
    pub internal_repression: bool,
    pub note: String,
    pub source: Source,
}

/// What a destination regime does to some goods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodsRestriction {
    /// "listed" (Annex I items), "telecom_monitoring" or "all".
    pub applies_to: String,
    /// "prohibited", "prior_authorisation" or "check".
    pub effect: String,
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regime {
    pub country: String,
    pub regime: String,
    pub acts: Vec<String>,
    pub goods_restrictions: Vec<GoodsRestriction>,
    pub source: Source,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupRecord {
    id: String,
    label: String,
    #[serde(default)]
    includes: Vec<String>,
    members: Vec<String>,
    source: Source,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CountryTable {
    #[allow(dead_code)]
    about: String,
    #[allow(dead_code)]
    snapshot: String,
    groups: Vec<GroupRecord>,
    arms_embargoes: Vec<Embargo>,
    sanctions_regimes: Vec<Regime>,
}

struct Tables {
    countries: CountryTable,
    freedom: HashMap<&'static str, FreedomRating>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        countries: serde_json::from_str(COUNTRIES).expect("data/risk/countries.json is valid (tested)"),
        freedom: freedom_by_code(),
    })
}

/// Reads the Freedom House table. Countries map by name; a territory maps only to an ISO code
/// no country row has (Hong Kong, Western Sahara), and when several do (Gaza Strip and West
/// Bank for ps) the lowest-scoring one stands for the code.
fn freedom_by_code() -> HashMap<&'static str, FreedomRating> {
    let source = Source::new(
        format!("Freedom House, Freedom in the World {FIW_EDITION} (All_data_FIW_2013-2024.xlsx)"),
        Some(&FIW_EDITION.to_string()),
    );
    let source = Source { url: Some("https://freedomhouse.org/report/freedom-world".into()), ..source };
    let mut countries: HashMap<&'static str, FreedomRating> = HashMap::new();
    let mut territories: Vec<(&'static str, FreedomRating)> = Vec::new();
    let rows = FREEDOM.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).skip(1);
    for line in rows {
        let cells: Vec<&str> = line.split('\t').collect();
        let [name, lookup, kind, status, pr, cl, total] = cells[..] else {
            panic!("data/risk/freedom_in_the_world.tsv: 7 cells expected in {line:?}");
        };
        let number = |cell: &str| cell.parse::<i32>().unwrap_or_else(|_| panic!("not a number: {cell:?} in {line:?}"));
        let Some(code) = countries::code(lookup) else { continue };
        let rating = FreedomRating {
            status: status.to_string(),
            total: number(total),
            political_rights: number(pr),
            civil_liberties: number(cl),
            rated_as: name.to_string(),
            territory: kind != "country",
            source: source.clone(),
        };
        if kind == "country" {
            countries.insert(code, rating);
        } else {
            territories.push((code, rating));
        }
    }
    for (code, rating) in territories {
        let stands_in = match countries.get(code) {
            None => true,
            Some(existing) => existing.territory && rating.total < existing.total,
        };
        if stands_in {
            countries.insert(code, FreedomRating { territory: true, ..rating });
        }
    }
    countries
}

/// What the tables say about a destination given as an ISO code or a country name.
pub fn profile(destination: &str) -> Option<DestinationProfile> {
    let code = countries::code(destination)?;
    let t = tables();
    let groups: Vec<&GroupRecord> =
        t.countries.groups.iter().filter(|g| in_group(&t.countries.groups, g, code)).collect();
    let has = |id: &str| groups.iter().any(|g| g.id == id);
    Some(DestinationProfile {
        code: code.to_string(),
        name: countries::name(code).unwrap_or(code).to_string(),
        eu_member: has("eu"),
        eu_nato_plus: has("eu_nato_plus"),
        country_of_concern: has("countries_of_concern"),
        groups: groups
            .iter()
            .map(|g| Group { id: g.id.clone(), label: g.label.clone(), source: g.source.clone() })
            .collect(),
        freedom_in_the_world: t.freedom.get(code).cloned(),
        arms_embargoes: t.countries.arms_embargoes.iter().filter(|e| e.country == code).cloned().collect(),
        sanctions_regimes: t.countries.sanctions_regimes.iter().filter(|r| r.country == code).cloned().collect(),
    })
}

fn in_group(all: &[GroupRecord], group: &GroupRecord, code: &str) -> bool {
    group.members.iter().any(|m| m == code)
        || group.includes.iter().any(|id| all.iter().any(|g| &g.id == id && in_group(all, g, code)))
}

/// D (0–3), per domain brief §6: 0 in EU/NAVO+; otherwise the highest of the Freedom in the
/// World status (F 1, PF 2, NF 3), an arms embargo (3 when it covers internal-repression
/// equipment, else 2) and the destination red flags answered yes.
pub fn score(destination: &DestinationProfile, answers: &[FlagAnswer]) -> Factor {
    let weights = &model().destination;
    let mut contributions = Vec::new();
    if destination.eu_nato_plus {
        let group = destination.groups.iter().find(|g| g.id == "eu_nato_plus").map(|g| g.source.clone());
        contributions.push(Contribution {
            points: weights.eu_nato_plus,
            reason: format!("{} is in EU/NAVO+: the CDIU decides itself", destination.name),
            source: group,
        });
        return Factor {
            value: weights.eu_nato_plus,
            max: weights.max,
            rule: "0 in EU/NAVO+, otherwise the highest basis found".into(),
            contributions,
        };
    }
    match &destination.freedom_in_the_world {
        Some(fiw) => contributions.push(Contribution {
            points: weights.freedom_in_the_world.get(&fiw.status).copied().unwrap_or(weights.no_rating),
            reason: format!(
                "Freedom in the World {FIW_EDITION}: {} ({}{}), total {}/100 (political rights {}/40, civil liberties {}/60)",
                status_label(&fiw.status),
                fiw.rated_as,
                if fiw.territory { ", a territory" } else { "" },
                fiw.total,
                fiw.political_rights,
                fiw.civil_liberties
            ),
            source: Some(fiw.source.clone()),
        }),
        None => contributions.push(Contribution {
            points: weights.no_rating,
            reason: format!("no Freedom in the World {FIW_EDITION} rating for {}: counted as Partly Free", destination.name),
            source: None,
        }),
    }
    for embargo in &destination.arms_embargoes {
        let repression = embargo.internal_repression && matches!(embargo.body.as_str(), "EU" | "UN");
        let points = if repression { weights.embargo_internal_repression } else { weights.embargo_other };
        contributions.push(Contribution {
            points,
            reason: format!(
                "{} arms embargo ({}, {}{}){}",
                embargo.body,
                if embargo.binding == "legal" { "legally binding" } else { "politically binding" },
                scope_label(embargo.scope),
                if embargo.internal_repression { ", incl. internal-repression equipment" } else { "" },
                if embargo.note.is_empty() { String::new() } else { format!(": {}", embargo.note) }
            ),
            source: Some(embargo.source.clone()),
        });
    }
    for answer in answers.iter().filter(|a| a.answer == Answer::Yes) {
        if let Some(points) = weights.flags.get(&answer.id) {
            let comment = if answer.comment.is_empty() { String::new() } else { format!(": {}", answer.comment) };
            contributions.push(Contribution {
                points: *points,
                reason: format!("red flag {} answered yes{comment}", answer.id),
                source: None,
            });
        }
    }
    Factor::highest(weights.max, contributions)
}

fn status_label(status: &str) -> &'static str {
    match status {
        "F" => "Free",
        "PF" => "Partly Free",
        "NF" => "Not Free",
        _ => "unknown status",
    }
}

fn scope_label(scope: Scope) -> &'static str {
    match scope {
        Scope::WholeState => "whole state",
        Scope::NonStateActors => "non-state actors only",
        Scope::ListedPersons => "listed persons only",
        Scope::Region => "one region only",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_row_of_freedom_house_maps_to_an_iso_code() {
        let rows = FREEDOM.lines().filter(|l| !l.starts_with('#')).skip(1);
        let unmapped: Vec<&str> = rows
            .filter(|l| l.split('\t').nth(2) == Some("country"))
            .filter(|l| countries::code(l.split('\t').nth(1).unwrap_or("")).is_none())
            .collect();
        assert!(unmapped.is_empty(), "{unmapped:?}");
        assert!(tables().freedom.len() >= 195, "{}", tables().freedom.len());
    }

    #[test]
    fn groups_follow_eu_and_nato_membership() {
        let nl = profile("Netherlands").unwrap();
        assert!(nl.eu_member && nl.eu_nato_plus);
        let se = profile("se").unwrap();
        assert!(se.groups.iter().any(|g| g.id == "nato"), "Sweden is in NATO since 2024");
        let jp = profile("JPN").unwrap();
        assert!(jp.eu_nato_plus && !jp.eu_member);
        let pk = profile("Pakistan").unwrap();
        assert!(pk.country_of_concern && !pk.eu_nato_plus);
        assert_eq!(profile("sg").unwrap().freedom_in_the_world.unwrap().status, "PF");
        assert!(profile("Atlantis").is_none());
    }

    #[test]
    fn territories_stand_in_only_for_codes_no_country_has() {
        assert_eq!(profile("hk").unwrap().freedom_in_the_world.unwrap().rated_as, "Hong Kong");
        assert_eq!(profile("ua").unwrap().freedom_in_the_world.unwrap().rated_as, "Ukraine");
        assert_eq!(profile("ps").unwrap().freedom_in_the_world.unwrap().rated_as, "Gaza Strip");
    }

    #[test]
    fn tables_cite_a_source_with_a_date_for_every_record() {
        let t = tables();
        for g in &t.countries.groups {
            assert!(g.source.date.is_some(), "{}", g.id);
        }
        for e in &t.countries.arms_embargoes {
            assert!(e.source.date.is_some() && countries::name(&e.country).is_some(), "{}", e.country);
        }
        for r in &t.countries.sanctions_regimes {
            assert!(r.source.date.is_some() && countries::name(&r.country).is_some(), "{}", r.country);
        }
    }
}
