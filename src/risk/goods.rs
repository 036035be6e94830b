//! The goods: the catalogue of this sector's product classes (`data/risk/goods.json`), each
//! mapped to the Annex I entries it may fall under, and I, the impact of the most sensitive
//! item in the transaction (weights in the model table).
//!
//! Classification stays the user's: a class is "listed" by its nature (an IMSI catcher is
//! 5A001.f), a "candidate" that the user must classify (a firewall is 5A002 unless a note
//! releases it), or "not listed", where the Art. 2(20) design test decides whether the Art. 5
//! catch-all applies. The profile shows the candidate entries and the open questions.

use super::model::model;
use super::profile::{Contribution, Factor, Source};
use super::red_flags::Answer;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../data/risk/goods.json");

/// One item of the transaction as the user picks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodsItem {
    /// A product class id of the catalogue ("firewall_vpn").
    pub class: String,
    /// The user's classification: listed in Annex I or not. None: not classified yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed: Option<bool>,
    /// The entry it was classified under ("5A002.a"), when listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Answers to the four Art. 2(20) questions, for non-listed items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design_test: Option<DesignTest>,
    /// Contains US-origin content subject to the EAR.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub us_content: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How many, as the order states it ("12 units", "1 licence, 500 seats"); shown in the case
    /// report, not scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<String>,
}

impl GoodsItem {
    pub fn new(class: &str) -> GoodsItem {
        GoodsItem {
            class: class.to_string(),
            listed: None,
            entry: None,
            design_test: None,
            us_content: false,
            description: None,
            quantity: None,
        }
    }
}

/// The four cumulative elements of a cyber-surveillance item (Art. 2(20), BAFA's reading).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignTest {
    pub specially_designed: Answer,
    pub covert: Answer,
    pub natural_persons: Answer,
    pub from_ict_systems: Answer,
}

impl DesignTest {
    fn answers(&self) -> [Answer; 4] {
        [self.specially_designed, self.covert, self.natural_persons, self.from_ict_systems]
    }

    pub fn met(&self) -> bool {
        self.answers().iter().all(|a| *a == Answer::Yes)
    }

    pub fn failed(&self) -> bool {
        self.answers().contains(&Answer::No)
    }
}

/// How a class stands before the user classifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Default {
    Listed,
    Candidate,
    NotListed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub entry: String,
    pub when: String,
}

/// A product class of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodsClass {
    pub id: String,
    pub label: String,
    pub default: Default,
    /// The entry assumed when the item is classified as listed without naming one.
    pub listed_entry: Option<String>,
    pub entries: Vec<Entry>,
    pub questions: Vec<String>,
    /// The Art. 5 design test is worth running for it.
    pub art5: bool,
    /// Equipment for monitoring or intercepting telecommunications (destination regimes such as
    /// Iran's Reg. 359/2011 Annex IV restrict it).
    pub telecom_monitoring: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    #[allow(dead_code)]
    about: String,
    annex: Source,
    #[allow(dead_code)]
    design_test: serde_json::Value,
    classes: Vec<GoodsClass>,
}

fn table() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| serde_json::from_str(TABLE).expect("data/risk/goods.json is valid (tested)"))
}

/// Every product class, in catalogue order (for a picker).
pub fn catalogue() -> &'static [GoodsClass] {
    &table().classes
}

pub fn class(id: &str) -> Option<&'static GoodsClass> {
    catalogue().iter().find(|c| c.id == id)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    Listed,
    NotListed,
    Unclassified,
}

/// One item as the profile shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoodsFinding {
    pub class: String,
    pub label: String,
    pub classification: Classification,
    /// The Annex I entry, when listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Listed under a cyber-surveillance entry, or meets the Art. 2(20) design test.
    pub cyber_surveillance: bool,
    /// Non-listed, and the design test is met: the Art. 5 catch-all applies.
    pub art5_item: bool,
    pub telecom_monitoring: bool,
    pub us_content: bool,
    pub impact: f64,
    /// The entries the class may fall under, with when.
    pub candidate_entries: Vec<Entry>,
    /// Questions still open for the classification (empty when classified).
    pub open_questions: Vec<String>,
    pub annex: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Classifies one item as far as the user's answers allow. `None` for an unknown class.
pub fn finding(item: &GoodsItem) -> Option<GoodsFinding> {
    let class = class(&item.class)?;
    let weights = &model().impact;
    let listed = match (class.default, item.listed) {
        (_, Some(listed)) => Some(listed),
        (Default::Listed, None) => Some(true),
        (Default::NotListed, None) => Some(false),
        (Default::Candidate, None) => None,
    };
    let entry = (listed == Some(true)).then(|| item.entry.clone().or_else(|| class.listed_entry.clone())).flatten();
    let listed_surveillance = entry.as_deref().is_some_and(is_cyber_surveillance_entry);
    let design_test_met = listed != Some(true) && item.design_test.is_some_and(|t| t.met());
    let mut impact = weights.classes.get(&class.id).copied().unwrap_or(weights.max);
    if listed_surveillance {
        impact = impact.max(weights.listed_cyber_surveillance);
    }
    if design_test_met {
        impact = impact.max(weights.design_test_met);
    }
    let mut open_questions = Vec::new();
    if listed.is_none() {
        open_questions.extend(class.questions.iter().cloned());
    }
    let design_test_open =
        class.art5 && listed != Some(true) && !item.design_test.is_some_and(|t| t.met() || t.failed());
    if design_test_open {
        open_questions.push("Run the Art. 2(20) design test (four questions) and record the answers.".into());
    }
    Some(GoodsFinding {
        class: class.id.clone(),
        label: class.label.clone(),
        classification: match listed {
            Some(true) => Classification::Listed,
            Some(false) => Classification::NotListed,
            None => Classification::Unclassified,
        },
        entry,
        cyber_surveillance: listed_surveillance || design_test_met,
        art5_item: design_test_met,
        telecom_monitoring: class.telecom_monitoring,
        us_content: item.us_content,
        impact: impact.min(weights.max),
        candidate_entries: class.entries.clone(),
        open_questions,
        annex: table().annex.clone(),
        description: item.description.clone(),
    })
}

/// Whether an entry ("5A001.f.2", "4D004") is one of the listed cyber-surveillance entries.
pub fn is_cyber_surveillance_entry(entry: &str) -> bool {
    let entry = entry.trim().to_ascii_uppercase();
    model().impact.cyber_surveillance_entries.iter().any(|e| {
        let e = e.to_ascii_uppercase();
        entry == e || entry.starts_with(&format!("{e}."))
    })
}

/// I: the impact of the most sensitive item.
pub fn score(findings: &[GoodsFinding]) -> Factor {
    let weights = &model().impact;
    let contributions = findings
        .iter()
        .map(|f| {
            let level = f.impact.to_string();
            let why = weights.levels.get(&level).map(String::as_str).unwrap_or("");
            let classified = match (&f.classification, &f.entry) {
                (Classification::Listed, Some(entry)) => format!("listed, {entry}"),
                (Classification::Listed, None) => "listed".into(),
                (Classification::NotListed, _) => "not listed".into(),
                (Classification::Unclassified, _) => "not yet classified".into(),
            };
            let design = if f.art5_item { "; meets the Art. 2(20) design test" } else { "" };
            Contribution {
                points: f.impact,
                reason: format!("{} ({classified}{design}): {why}", f.label),
                source: Some(model().source.clone()),
            }
        })
        .collect();
    Factor { rule: "the most sensitive item".into(), ..Factor::highest(weights.max, contributions) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_an_impact_weight_and_the_issue_s_classes_are_there() {
        for c in catalogue() {
            assert!(model().impact.classes.contains_key(&c.id), "{}", c.id);
        }
        let ids: Vec<&str> = catalogue().iter().map(|c| c.id.as_str()).collect();
        for id in [
            "switch_router",
            "firewall_vpn",
            "tls_inspection",
            "dpi_li_mediation",
            "imsi_catcher",
            "intrusion_software",
            "forensic_extraction",
            "monitoring_centre",
            "facial_recognition",
        ] {
            assert!(ids.contains(&id), "{id}");
        }
    }

    #[test]
    fn listed_classes_are_listed_candidates_wait_for_the_user() {
        let imsi = finding(&GoodsItem::new("imsi_catcher")).unwrap();
        assert_eq!(
            (imsi.classification, imsi.entry.as_deref(), imsi.impact),
            (Classification::Listed, Some("5A001.f"), 4.0)
        );
        assert!(imsi.cyber_surveillance);
        let firewall = finding(&GoodsItem::new("firewall_vpn")).unwrap();
        assert_eq!((firewall.classification, firewall.impact), (Classification::Unclassified, 2.0));
        assert!(!firewall.open_questions.is_empty());
        let tls = finding(&GoodsItem { listed: Some(true), ..GoodsItem::new("tls_inspection") }).unwrap();
        assert_eq!((tls.entry.as_deref(), tls.impact, tls.cyber_surveillance), (Some("5A002"), 3.0, false));
    }

    #[test]
    fn a_surveillance_entry_or_a_met_design_test_raises_impact_to_four() {
        let dpi = finding(&GoodsItem { listed: Some(true), ..GoodsItem::new("dpi_li_mediation") }).unwrap();
        assert_eq!((dpi.entry.as_deref(), dpi.impact), (Some("5A001.j"), 4.0));
        let yes = Answer::Yes;
        let test = DesignTest { specially_designed: yes, covert: yes, natural_persons: yes, from_ict_systems: yes };
        let face = finding(&GoodsItem { design_test: Some(test), ..GoodsItem::new("facial_recognition") }).unwrap();
        assert_eq!((face.classification, face.impact, face.art5_item), (Classification::NotListed, 4.0, true));
        let face = finding(&GoodsItem::new("facial_recognition")).unwrap();
        assert_eq!(face.impact, 3.0);
        assert!(is_cyber_surveillance_entry("5a001.f.2"));
        assert!(!is_cyber_surveillance_entry("5A002.a"));
        assert!(!is_cyber_surveillance_entry("5A001.fx"));
    }
}
