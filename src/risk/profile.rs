//! What an assessment returns: the `RiskProfile` and the pieces it is made of. Serialised as
//! the `klaring assess` output and stored in case files, so its shape is a promise: add
//! optional fields, never rename.

use super::destinations::DestinationProfile;
use super::end_users::SensitiveFinding;
use super::goods::GoodsFinding;
use super::list_links::LinkFinding;
use super::ownership::{OwnershipCalculation, RelationFinding};
use super::red_flags::FlagResult;
use serde::{Deserialize, Serialize};

/// Where a figure or a fact comes from. Every figure the model uses carries one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub name: String,
    /// Year, month or day of the edition or publication (`2024`, `2024-03-20`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The domain brief marks this point as not yet checked against the official text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub verify: bool,
}

impl Source {
    pub fn new(name: impl Into<String>, date: Option<&str>) -> Source {
        Source { name: name.into(), date: date.map(str::to_string), url: None, verify: false }
    }
}

/// One basis of a factor: how many points it gives and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub points: f64,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// One factor of the model (I, U, D or R) with every basis that was considered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    pub value: f64,
    pub max: f64,
    /// How the contributions make the value ("the highest basis", "the sum, capped at 3").
    pub rule: String,
    pub contributions: Vec<Contribution>,
}

impl Factor {
    /// The highest contribution (0 when there is none), at most `max`.
    pub(crate) fn highest(max: f64, contributions: Vec<Contribution>) -> Factor {
        let value = contributions.iter().map(|c| c.points).fold(0.0, f64::max).min(max);
        Factor { value, max, rule: "the highest basis found".into(), contributions }
    }
}

/// The four factors of `S = I × (U + D + R)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factors {
    /// I: impact of the most sensitive item (1–4).
    pub impact: Factor,
    /// U: end user and affiliation (0–3).
    pub end_user: Factor,
    /// D: destination (0–3).
    pub destination: Factor,
    /// R: unresolved red flags (0–3).
    pub red_flags: Factor,
}

/// Risk tiers, lowest first (so `max` raises a tier).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    LowModerate,
    Elevated,
    High,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::LowModerate => "low_moderate",
            Tier::Elevated => "elevated",
            Tier::High => "high",
        }
    }
}

/// A floor whose condition held: the tier is at least `at_least`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FloorFired {
    /// The floor's id in the model table.
    pub rule: String,
    pub at_least: Tier,
    pub text: String,
    /// The facts that made it fire.
    pub because: String,
    /// Whether it raised the tier (false when the score alone reached it).
    pub raised: bool,
}

/// Legal requirements, apart from the risk tier: a High tier can be lawful and a Low one can
/// need a licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementKind {
    /// Sanctions or a destination ban forbid the transaction.
    Prohibited,
    /// Notify the CDIU and do not ship pending its decision (Art. 4(2), Art. 5(2)).
    NotifyAuthority,
    /// An export licence (or prior authorisation) is needed.
    LicenceRequired,
    /// A US (BIS) licence is needed for EAR-subject content.
    UsLicenceRequired,
    /// A non-listed cyber-surveillance item: the Art. 5 catch-all applies.
    Art5Assessment,
    /// The item must be classified before the requirement is known.
    ClassificationNeeded,
    /// A destination regime may restrict this item: check it.
    CheckRestriction,
}

impl RequirementKind {
    /// The snake-case name, as serialised and as the model table keys its measures.
    pub fn as_str(self) -> &'static str {
        match self {
            RequirementKind::Prohibited => "prohibited",
            RequirementKind::NotifyAuthority => "notify_authority",
            RequirementKind::LicenceRequired => "licence_required",
            RequirementKind::UsLicenceRequired => "us_licence_required",
            RequirementKind::Art5Assessment => "art5_assessment",
            RequirementKind::ClassificationNeeded => "classification_needed",
            RequirementKind::CheckRestriction => "check_restriction",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Requirement {
    pub kind: RequirementKind,
    /// The legal basis ("Regulation (EU) 2021/821 Art. 3(1)").
    pub basis: String,
    /// The facts that trigger it.
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// Something to do before the transaction can go ahead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    pub id: String,
    pub text: String,
    /// The tier or requirement that asks for it.
    pub because: String,
}

/// The result of `risk::assess`: every factor with its sources, the tier, the floors that
/// fired, the legal requirements (apart from the tier) and the measures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskProfile {
    /// "risk-model v1": the weights table the profile was computed with.
    pub model: String,
    pub factors: Factors,
    /// L = U + D + R.
    pub likelihood: f64,
    /// S = I × L.
    pub score: f64,
    /// The tier the score alone gives.
    pub score_tier: Tier,
    /// The tier after the floors.
    pub tier: Tier,
    pub floors: Vec<FloorFired>,
    /// Most severe first.
    pub requirements: Vec<Requirement>,
    /// True when a requirement prohibits the transaction; the tier then no longer matters.
    pub prohibited: bool,
    /// What must be done, requirements first, then the tier's measures.
    pub measures: Vec<Measure>,
    pub goods: Vec<GoodsFinding>,
    pub destination: DestinationProfile,
    pub sensitive_end_users: Vec<SensitiveFinding>,
    pub relations: Vec<RelationFinding>,
    /// List entries that name the counterparty or an affiliate in their links.
    pub list_links: Vec<LinkFinding>,
    pub ownership: Vec<OwnershipCalculation>,
    pub questionnaire: Vec<FlagResult>,
}
