//! Risk model v1 as data: every weight, threshold, floor and measure lives in one table,
//! `data/risk/model-v1.json`, compiled in. Code says how the figures combine; the table says
//! how much each is worth. A new set of figures is a new version, so a stored case can be
//! recomputed the way it was judged.

use super::profile::{Source, Tier};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The version every profile records.
pub const VERSION: &str = "risk-model v1";

const TABLE: &str = include_str!("../../data/risk/model-v1.json");

#[derive(Debug, Deserialize)]
pub struct Model {
    pub version: String,
    pub source: Source,
    pub impact: Impact,
    pub end_user: EndUser,
    pub destination: Destination,
    pub red_flags: RedFlags,
    pub tiers: Vec<TierFrom>,
    pub floors: Vec<Floor>,
    pub measures: Measures,
    pub lists: Lists,
    pub ownership: Vec<OwnershipRule>,
}

#[derive(Debug, Deserialize)]
pub struct Impact {
    pub max: f64,
    /// I level ("1"…"4") → what it means.
    pub levels: BTreeMap<String, String>,
    /// Product class id → I.
    pub classes: BTreeMap<String, f64>,
    pub listed_cyber_surveillance: f64,
    pub design_test_met: f64,
    pub cyber_surveillance_entries: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct EndUser {
    pub max: f64,
    pub private: f64,
    pub state_owned: f64,
    pub government_affiliated: f64,
    pub civil_government_body: f64,
    pub reseller: f64,
    pub security_body: f64,
    pub security_link: f64,
    pub watch_list: f64,
    /// Relations (as `ownership::Relation` serialises them) through which a security body
    /// makes the counterparty a security end user.
    pub security_link_relations: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Destination {
    pub max: f64,
    pub eu_nato_plus: f64,
    /// Freedom in the World status (F, PF, NF) → D.
    pub freedom_in_the_world: BTreeMap<String, f64>,
    pub no_rating: f64,
    pub embargo_internal_repression: f64,
    pub embargo_other: f64,
    /// Destination red flags answered yes → D.
    pub flags: BTreeMap<String, f64>,
}

#[derive(Debug, Deserialize)]
pub struct RedFlags {
    pub max: f64,
    pub unknown_counts: f64,
    pub excluded: Vec<String>,
    pub bis_entity_list_without_ear: f64,
    pub weights: BTreeMap<String, f64>,
}

#[derive(Debug, Deserialize)]
pub struct TierFrom {
    pub tier: Tier,
    pub from: f64,
    pub label: String,
}

#[derive(Debug, Deserialize)]
pub struct Floor {
    pub id: String,
    pub at_least: Tier,
    pub text: String,
}

#[derive(Debug, Deserialize)]
pub struct MeasureText {
    pub id: String,
    pub text: String,
}

#[derive(Debug, Deserialize)]
pub struct Measures {
    pub low_moderate: Vec<MeasureText>,
    pub elevated: Vec<MeasureText>,
    pub high: Vec<MeasureText>,
    /// Requirement kind (snake case) → measure.
    pub requirements: BTreeMap<String, MeasureText>,
}

#[derive(Debug, Deserialize)]
pub struct Lists {
    pub families: Vec<ListFamily>,
}

/// What a confirmed hit on a list means for an EU exporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Prohibition,
    RiskSignal,
    LicenceIfEar,
    RedFlag,
}

#[derive(Debug, Deserialize)]
pub struct ListFamily {
    pub prefix: String,
    pub family: String,
    pub effect: Effect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    AtLeast,
    MoreThan,
}

#[derive(Debug, Deserialize)]
pub struct OwnershipRule {
    pub jurisdiction: String,
    pub families: Vec<String>,
    pub threshold: f64,
    pub rule: Threshold,
    /// Control (a listed parent) counts as well as ownership.
    pub control: bool,
    pub effect: Effect,
    pub note: String,
    pub source: Source,
}

/// The bundled model (parsed once; a unit test proves the table parses).
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| serde_json::from_str(TABLE).expect("data/risk/model-v1.json is valid (tested)"))
}

impl Model {
    /// The tier a score falls in.
    pub fn tier_of(&self, score: f64) -> Tier {
        self.tiers.iter().filter(|t| score >= t.from).map(|t| t.tier).max().unwrap_or(Tier::LowModerate)
    }

    pub fn floor(&self, id: &str) -> &Floor {
        self.floors.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("model-v1.json has no floor {id:?}"))
    }

    /// The family and effect of a list id ("eu-fsf" → eu, prohibition).
    pub fn list_family(&self, list: &str) -> Option<&ListFamily> {
        let list = list.trim().to_ascii_lowercase();
        self.lists.families.iter().find(|f| list.starts_with(&f.prefix))
    }

    /// The measures a tier asks for, cumulative (High includes Elevated and Low/Moderate).
    pub fn tier_measures(&self, tier: Tier) -> Vec<(&MeasureText, Tier)> {
        let mut out: Vec<(&MeasureText, Tier)> =
            self.measures.low_moderate.iter().map(|m| (m, Tier::LowModerate)).collect();
        if tier >= Tier::Elevated {
            out.extend(self.measures.elevated.iter().map(|m| (m, Tier::Elevated)));
        }
        if tier >= Tier::High {
            out.extend(self.measures.high.iter().map(|m| (m, Tier::High)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_is_version_one() {
        let m = model();
        assert_eq!(m.version, VERSION);
        assert_eq!(m.tier_of(0.0), Tier::LowModerate);
        assert_eq!(m.tier_of(8.5), Tier::LowModerate);
        assert_eq!(m.tier_of(9.0), Tier::Elevated);
        assert_eq!(m.tier_of(17.5), Tier::Elevated);
        assert_eq!(m.tier_of(18.0), Tier::High);
        for id in ["watch-list", "security-end-user-not-free", "risk-signal-list", "listed-affiliate"] {
            m.floor(id);
        }
        assert_eq!(m.list_family("eu-fsf").map(|f| f.effect), Some(Effect::Prohibition));
        assert_eq!(m.list_family("OFAC-SDN").map(|f| f.family.as_str()), Some("ofac"));
        assert!(m.list_family("interpol").is_none());
    }

    #[test]
    fn every_requirement_kind_has_a_measure() {
        use super::super::profile::RequirementKind::*;
        for kind in [
            Prohibited,
            NotifyAuthority,
            LicenceRequired,
            UsLicenceRequired,
            Art5Assessment,
            ClassificationNeeded,
            CheckRestriction,
        ] {
            assert!(model().measures.requirements.contains_key(kind.as_str()), "{kind:?}");
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
    }
}
