//! From screening facts to a transaction's risk profile, as the Dutch guidance for the
//! cyber-security sector asks: classify the goods, screen the end user and the destination,
//! set the overall risk, take measures (domain brief §2, §5, §6, §8).
//!
//! `assess` is one pure function from an `AssessInput` (goods, destination, end use,
//! counterparty, affiliations, red-flag answers, confirmed list hits, watch-list hits) to a
//! `RiskProfile`. Risk model v1 scores `S = I × (U + D + R)`: impact of the item, end user,
//! destination and unresolved red flags; tiers Low/Moderate (0–8), Elevated (9–17) and High
//! (18 and above); floors raise a tier when a fact weighs more than the sum (a watch-list hit,
//! a security end user in a Not Free country). Legal requirements (prohibited, licence
//! required, notify the CDIU) are kept apart from the tier: an IMSI catcher sold to the police
//! of a free country is Elevated *and* needs a licence.
//!
//! One module per concern, each with its bundled table: `goods` (product classes → Annex I
//! entries), `destinations` (groups, embargoes, regimes, Freedom House), `end_users`
//! (security bodies in many languages), `ownership` (relations, ownership test per
//! jurisdiction), `red_flags` (the questionnaire), `model` (every weight, in one table) and
//! `profile` (the result). Nothing here does IO beyond the tables compiled in, nor reads a
//! clock: the same input gives the same profile.

pub mod destinations;
pub mod end_users;
pub mod goods;
pub mod list_links;
pub mod model;
pub mod ownership;
pub mod profile;
pub mod red_flags;

use destinations::DestinationProfile;
use end_users::{Category, SensitiveFinding};
use goods::{Classification, GoodsFinding, GoodsItem};
use list_links::{LinkFinding, ListLink};
use model::{model, Effect};
use ownership::{Affiliation, Owner, OwnershipCalculation, Relation, RelationFinding};
pub use profile::{Factor, Factors, FloorFired, Measure, Requirement, RequirementKind, RiskProfile, Source, Tier};
use red_flags::{Answer, Derived, FlagAnswer};
use serde::{Deserialize, Serialize};

/// Everything the assessment needs, as one JSON document (`klaring assess`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessInput {
    /// The items of the transaction (at least one).
    pub goods: Vec<GoodsItem>,
    /// Country of final destination: ISO code or name.
    pub destination: String,
    /// The end use as the customer states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_use: Option<String>,
    pub counterparty: Counterparty,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affiliations: Vec<Affiliation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub red_flags: Vec<FlagAnswer>,
    #[serde(default)]
    pub awareness: Awareness,
}

/// The party the exporter sells to (the end user unless an `end_user` affiliation says
/// otherwise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counterparty {
    pub name: String,
    /// What it is and does (sector, activities); scanned for security bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub state_link: StateLink,
    /// A reseller, distributor or integrator whose own customers are unknown.
    #[serde(default)]
    pub reseller: bool,
    /// Lists it is confirmed on after screening (list ids: "eu-fsf", "un-sc", "ofac-sdn"…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listed_on: Vec<String>,
    /// News or NGO reports naming it for supplying surveillance to repressive regimes
    /// (flag EU-02): `true`, or the items.
    #[serde(default)]
    pub watch_list: WatchList,
    /// List entries that name it in their links (`list_links`), after screening.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub list_links: Vec<ListLink>,
    /// Informational.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl Counterparty {
    pub fn new(name: &str) -> Counterparty {
        Counterparty {
            name: name.to_string(),
            description: None,
            state_link: StateLink::None,
            reseller: false,
            listed_on: Vec::new(),
            watch_list: WatchList::default(),
            list_links: Vec::new(),
            country: None,
        }
    }
}

/// The counterparty's tie to the state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateLink {
    #[default]
    None,
    StateOwned,
    /// Government-affiliated civil entity (operator, utility, university).
    GovernmentAffiliated,
    /// A civil government body.
    CivilGovernmentBody,
    /// Police, intelligence, military, interior or state security.
    SecurityBody,
}

/// Watch-list hits on the counterparty: a yes/no, or the items themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum WatchList {
    Flag(bool),
    Items(Vec<WatchItem>),
}

impl Default for WatchList {
    fn default() -> WatchList {
        WatchList::Flag(false)
    }
}

impl WatchList {
    pub fn flagged(&self) -> bool {
        match self {
            WatchList::Flag(flag) => *flag,
            WatchList::Items(items) => !items.is_empty(),
        }
    }

    pub fn items(&self) -> &[WatchItem] {
        match self {
            WatchList::Flag(_) => &[],
            WatchList::Items(items) => items,
        }
    }
}

/// A news or NGO item naming the counterparty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchItem {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// What the exporter's due diligence has made it aware of (Art. 4(2), Art. 5(2)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Awareness {
    /// Intended use for internal repression or serious human-rights violations.
    #[serde(default)]
    pub repression: bool,
    /// Intended use for WMD or a military end use in an embargoed country.
    #[serde(default)]
    pub military_or_wmd: bool,
}

/// Why an input cannot be assessed; says which part is at fault (1-based positions).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssessError {
    #[error("no goods: pick at least one product class")]
    NoGoods,
    #[error("goods item {index}: unknown product class {class:?} (known: {known})")]
    UnknownClass { index: usize, class: String, known: String },
    #[error("destination {0:?} is not a known country")]
    UnknownDestination(String),
    #[error("the counterparty needs a name")]
    NoCounterpartyName,
    #[error("affiliation {index} needs a name")]
    NoAffiliationName { index: usize },
    #[error("affiliation {index} ({name:?}): a share must be between 0 and 100 %, not {percent}")]
    Percent { index: usize, name: String, percent: f64 },
    #[error("the owners' shares add up to {total} %, more than 100 %")]
    SharesOver100 { total: f64 },
    #[error("red flag {0:?} is not in the questionnaire")]
    UnknownFlag(String),
    #[error("red flag {0} is answered twice")]
    DuplicateFlag(String),
    #[error("{party}: list {list:?} is not a known list (ids start with eu-, un-, nl-, uk-, ofac-, ca-, au- or bis-)")]
    UnknownList { party: String, list: String },
}

/// Assesses a transaction with risk model v1.
pub fn assess(input: &AssessInput) -> Result<RiskProfile, AssessError> {
    let destination = validate(input)?;
    let m = model();
    let answers = &input.red_flags;

    let goods: Vec<GoodsFinding> = input.goods.iter().filter_map(goods::finding).collect();
    let impact = goods::score(&goods);
    let sensitive = end_users::findings(input);
    let end_user = end_users::score(input, &sensitive, answers);
    let destination_factor = destinations::score(&destination, answers);
    let mut owners = Owner::from_affiliations(&input.affiliations);
    owners.extend(list_links::owners(&input.counterparty.list_links));
    let ownership = ownership::aggregate(&owners);

    let derived = derived_flags(input, &sensitive, &ownership);
    let mut extra = Vec::new();
    let bis_hits = parties_on(input, Effect::LicenceIfEar);
    let ear_content = goods.iter().any(|g| g.us_content);
    if !bis_hits.is_empty() && !ear_content {
        extra.push(profile::Contribution {
            points: m.red_flags.bis_entity_list_without_ear,
            reason: format!("BIS Entity List hit without EAR-subject content: {}", bis_hits.join("; ")),
            source: None,
        });
    }
    let (red_flags, questionnaire) = red_flags::score(answers, &derived, extra);

    let likelihood = end_user.value + destination_factor.value + red_flags.value;
    let score = impact.value * likelihood;
    let score_tier = m.tier_of(score);
    let floors = floors(input, &end_user, &destination_factor, &ownership, &derived, answers, score_tier);
    let tier = floors.iter().map(|f| f.at_least).fold(score_tier, Tier::max);

    let mut requirements = requirements(input, &destination, &goods, &sensitive, &ownership);
    requirements.sort_by_key(|r| r.kind);
    let prohibited = requirements.iter().any(|r| r.kind == RequirementKind::Prohibited);
    let measures = measures(&requirements, tier, prohibited);

    Ok(RiskProfile {
        model: m.version.clone(),
        factors: Factors { impact, end_user, destination: destination_factor, red_flags },
        likelihood,
        score,
        score_tier,
        tier,
        floors,
        requirements,
        prohibited,
        measures,
        goods,
        destination,
        sensitive_end_users: sensitive,
        relations: input.affiliations.iter().map(RelationFinding::of).collect(),
        list_links: link_findings(input),
        ownership,
        questionnaire,
    })
}

/// Checks the whole input before anything is computed; returns the destination's profile.
fn validate(input: &AssessInput) -> Result<DestinationProfile, AssessError> {
    if input.goods.is_empty() {
        return Err(AssessError::NoGoods);
    }
    for (index, item) in input.goods.iter().enumerate() {
        if goods::class(&item.class).is_none() {
            let known = goods::catalogue().iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", ");
            return Err(AssessError::UnknownClass { index: index + 1, class: item.class.clone(), known });
        }
    }
    let destination = destinations::profile(&input.destination)
        .ok_or_else(|| AssessError::UnknownDestination(input.destination.clone()))?;
    if input.counterparty.name.trim().is_empty() {
        return Err(AssessError::NoCounterpartyName);
    }
    check_lists(&input.counterparty.name, &input.counterparty.listed_on)?;
    check_links(&input.counterparty.name, &input.counterparty.list_links)?;
    let mut owned = 0.0;
    for (index, a) in input.affiliations.iter().enumerate() {
        if a.name.trim().is_empty() {
            return Err(AssessError::NoAffiliationName { index: index + 1 });
        }
        if let Some(percent) = a.percent.filter(|p| !(0.0..=100.0).contains(p)) {
            return Err(AssessError::Percent { index: index + 1, name: a.name.clone(), percent });
        }
        if matches!(a.relation, Relation::OwnedBy | Relation::SubsidiaryOf) {
            owned += a.percent.unwrap_or(0.0);
        }
        check_lists(&a.name, &a.listed_on)?;
        check_links(&a.name, &a.list_links)?;
    }
    if owned > 100.0 + 1e-9 {
        return Err(AssessError::SharesOver100 { total: owned });
    }
    for (i, answer) in input.red_flags.iter().enumerate() {
        if red_flags::flag(&answer.id).is_none() {
            return Err(AssessError::UnknownFlag(answer.id.clone()));
        }
        if input.red_flags[..i].iter().any(|a| a.id == answer.id) {
            return Err(AssessError::DuplicateFlag(answer.id.clone()));
        }
    }
    Ok(destination)
}

fn check_lists(party: &str, lists: &[String]) -> Result<(), AssessError> {
    match lists.iter().find(|l| model().list_family(l).is_none()) {
        Some(list) => Err(AssessError::UnknownList { party: party.to_string(), list: list.clone() }),
        None => Ok(()),
    }
}

fn check_links(party: &str, links: &[ListLink]) -> Result<(), AssessError> {
    check_lists(party, &links.iter().map(|l| l.list.clone()).collect::<Vec<_>>())
}

/// Every list link of the counterparty and of its affiliations, each with its party.
fn link_findings(input: &AssessInput) -> Vec<LinkFinding> {
    let cp = &input.counterparty;
    let counterparty = cp.list_links.iter().map(|l| LinkFinding::of(&cp.name, l));
    let affiliates = input.affiliations.iter().flat_map(|a| a.list_links.iter().map(|l| LinkFinding::of(&a.path(), l)));
    counterparty.chain(affiliates).collect()
}

/// "X (eu-fsf)" for every party (counterparty or affiliate) confirmed on a list with `effect`.
fn parties_on(input: &AssessInput, effect: Effect) -> Vec<String> {
    let on = |lists: &[String]| -> Vec<String> {
        lists.iter().filter(|l| model().list_family(l).is_some_and(|f| f.effect == effect)).cloned().collect()
    };
    let cp = &input.counterparty;
    let mut out = Vec::new();
    let lists = on(&cp.listed_on);
    if !lists.is_empty() {
        out.push(format!("{} ({})", cp.name, lists.join(", ")));
    }
    for a in &input.affiliations {
        if !on(&a.listed_on).is_empty() {
            out.push(a.path());
        }
    }
    out
}

/// Whether any of `lists` has `effect`.
fn has_effect(lists: &[String], effect: Effect) -> bool {
    lists.iter().any(|l| model().list_family(l).is_some_and(|f| f.effect == effect))
}

/// Flags the facts answer: EU-01 (a security body found), EU-02 (a watch-list hit), EU-07 (a
/// listed minority owner, director or Entity-List owner).
fn derived_flags(
    input: &AssessInput,
    sensitive: &[SensitiveFinding],
    ownership: &[OwnershipCalculation],
) -> Vec<Derived> {
    let mut derived = Vec::new();
    if let Some(f) = sensitive.iter().find(|f| f.counts_for_u) {
        derived.push(Derived {
            id: "EU-01".into(),
            reason: format!("{}: {} \"{}\"", f.path, f.found.category.label(), f.found.matched),
        });
    } else if input.counterparty.state_link == StateLink::SecurityBody {
        derived.push(Derived { id: "EU-01".into(), reason: "the counterparty is stated to be a security body".into() });
    }
    if input.counterparty.watch_list.flagged() {
        let titles: Vec<&str> = input.counterparty.watch_list.items().iter().map(|i| i.title.as_str()).collect();
        let reason =
            if titles.is_empty() { "watch-list hit on the counterparty".to_string() } else { titles.join("; ") };
        derived.push(Derived { id: "EU-02".into(), reason });
    }
    // An owner counts in a jurisdiction's sum that reached its threshold: not a minority.
    let in_caught_sum = |name: &str| {
        let controls = format!("{name} (");
        ownership.iter().filter(|c| c.caught()).any(|c| {
            c.owners.iter().any(|s| s.name == name) || c.controlled_by.iter().any(|p| p.starts_with(&controls))
        })
    };
    for a in &input.affiliations {
        if a.listed_on.is_empty() {
            continue;
        }
        let minority = matches!(a.relation, Relation::OwnedBy | Relation::SubsidiaryOf) && !in_caught_sum(&a.name);
        let board = a.relation == Relation::DirectedBy;
        if minority || board {
            derived.push(Derived { id: "EU-07".into(), reason: a.path() });
        }
    }
    for c in ownership.iter().filter(|c| c.effect == Effect::RedFlag && c.owned) {
        derived.push(Derived { id: "EU-07".into(), reason: format!("{}: {}", c.jurisdiction, c.calculation) });
    }
    for finding in link_findings(input) {
        derived.push(Derived { id: "EU-07".into(), reason: finding.path });
    }
    derived
}

fn floors(
    input: &AssessInput,
    end_user: &Factor,
    destination: &Factor,
    ownership: &[OwnershipCalculation],
    derived: &[Derived],
    answers: &[FlagAnswer],
    score_tier: Tier,
) -> Vec<FloorFired> {
    let m = model();
    let mut fired = Vec::new();
    let mut fire = |id: &str, because: String| {
        let floor = m.floor(id);
        fired.push(FloorFired {
            rule: floor.id.clone(),
            at_least: floor.at_least,
            text: floor.text.clone(),
            because,
            raised: floor.at_least > score_tier,
        });
    };
    if red_flags::effective(answers, derived, "EU-02") == Some(Answer::Yes) {
        let because = derived
            .iter()
            .find(|d| d.id == "EU-02")
            .map(|d| format!("watch list: {}", d.reason))
            .unwrap_or_else(|| "EU-02 answered yes".into());
        fire("watch-list", because);
    }
    if end_user.value >= end_user.max && destination.value >= destination.max {
        let top = |f: &Factor| {
            f.contributions.iter().find(|c| c.points >= f.max).map(|c| c.reason.clone()).unwrap_or_default()
        };
        fire("security-end-user-not-free", format!("U = 3: {}; D = 3: {}", top(end_user), top(destination)));
    }
    let mut signals = Vec::new();
    if has_effect(&input.counterparty.listed_on, Effect::RiskSignal) {
        signals.push(format!("{} is listed on {}", input.counterparty.name, input.counterparty.listed_on.join(", ")));
    }
    for c in ownership.iter().filter(|c| c.effect == Effect::RiskSignal && c.caught()) {
        signals.push(format!("{}: {}", c.jurisdiction, c.calculation));
    }
    if !signals.is_empty() {
        fire("risk-signal-list", signals.join("; "));
    }
    let prohibiting = [Relation::OwnedBy, Relation::SubsidiaryOf, Relation::EndUser];
    let eu_caught = ownership.iter().any(|c| c.effect == Effect::Prohibition && c.caught());
    let listed_affiliates: Vec<String> = input
        .affiliations
        .iter()
        .filter(|a| has_effect(&a.listed_on, Effect::Prohibition))
        .filter(|a| !(prohibiting.contains(&a.relation) && (a.relation == Relation::EndUser || eu_caught)))
        .map(Affiliation::path)
        .chain(
            input
                .counterparty
                .list_links
                .iter()
                .filter(|l| has_effect(std::slice::from_ref(&l.list), Effect::Prohibition))
                .map(|l| format!("{}: {}", input.counterparty.name, l.path())),
        )
        .collect();
    if !listed_affiliates.is_empty() {
        fire("listed-affiliate", listed_affiliates.join("; "));
    }
    fired
}

fn requirements(
    input: &AssessInput,
    destination: &DestinationProfile,
    goods: &[GoodsFinding],
    sensitive: &[SensitiveFinding],
    ownership: &[OwnershipCalculation],
) -> Vec<Requirement> {
    let mut out = Vec::new();
    let mut push = |kind, basis: &str, reason: String, source: Option<Source>| {
        out.push(Requirement { kind, basis: basis.to_string(), reason, source });
    };
    // Sanctions: the counterparty, its owners or controllers under EU rules, the end user.
    let cp = &input.counterparty;
    if has_effect(&cp.listed_on, Effect::Prohibition) {
        push(
            RequirementKind::Prohibited,
            "EU asset freeze and prohibition to make economic resources available (EU, UN or Dutch list)",
            format!("{} is confirmed on {}", cp.name, cp.listed_on.join(", ")),
            None,
        );
    }
    for c in ownership.iter().filter(|c| c.effect == Effect::Prohibition && c.caught()) {
        push(
            RequirementKind::Prohibited,
            "EU ownership and control test",
            format!("{}: {}", c.jurisdiction, c.calculation),
            Some(c.source.clone()),
        );
    }
    for a in input
        .affiliations
        .iter()
        .filter(|a| a.relation == Relation::EndUser && has_effect(&a.listed_on, Effect::Prohibition))
    {
        push(
            RequirementKind::Prohibited,
            "EU prohibition to make economic resources available, directly or indirectly",
            a.path(),
            a.evidence(),
        );
    }
    let outside_eu = !destination.eu_member;
    // Destination regimes.
    for regime in &destination.sanctions_regimes {
        for restriction in &regime.goods_restrictions {
            let items: Vec<&GoodsFinding> = goods
                .iter()
                .filter(|g| match restriction.applies_to.as_str() {
                    "listed" => g.classification == Classification::Listed,
                    "telecom_monitoring" => g.telecom_monitoring,
                    _ => true,
                })
                .collect();
            if items.is_empty() {
                continue;
            }
            let kind = match restriction.effect.as_str() {
                "prohibited" => RequirementKind::Prohibited,
                "prior_authorisation" => RequirementKind::LicenceRequired,
                _ => RequirementKind::CheckRestriction,
            };
            let labels = items.iter().map(|g| g.label.as_str()).collect::<Vec<_>>().join("; ");
            push(
                kind,
                &restriction.basis,
                format!("{} to {}: {labels}", regime.regime, destination.name),
                Some(regime.source.clone()),
            );
        }
    }
    // Annex I items leaving the EU.
    for g in goods.iter().filter(|g| outside_eu && g.classification == Classification::Listed) {
        let entry = g.entry.as_deref().unwrap_or("Annex I");
        let mut reason = format!("{} is listed ({entry}) and goes to {}, outside the EU", g.label, destination.name);
        if destination.groups.iter().any(|gr| gr.id == "eu001") {
            reason.push_str("; Union general export authorisation EU001 may cover it (check its exclusions)");
        }
        if entry.starts_with("5A002") || entry.starts_with("5D002") {
            reason.push_str("; for cryptography NL010 or EU008 may apply (check their conditions)");
        }
        push(RequirementKind::LicenceRequired, "Regulation (EU) 2021/821 Art. 3(1)", reason, Some(g.annex.clone()));
    }
    for g in goods.iter().filter(|g| outside_eu && g.art5_item) {
        push(
            RequirementKind::Art5Assessment,
            "Regulation (EU) 2021/821 Art. 5; Recommendation (EU) 2024/2659",
            format!("{} is a non-listed cyber-surveillance item (Art. 2(20) design test met)", g.label),
            None,
        );
    }
    for g in goods.iter().filter(|g| outside_eu && !g.open_questions.is_empty()) {
        push(
            RequirementKind::ClassificationNeeded,
            "Regulation (EU) 2021/821 Annex I; Art. 2(20)",
            format!("{}: {}", g.label, g.open_questions.join(" ")),
            Some(g.annex.clone()),
        );
    }
    // Awareness and military end use in an embargoed country.
    if input.awareness.repression {
        push(
            RequirementKind::NotifyAuthority,
            "Regulation (EU) 2021/821 Art. 5(2)",
            "the exporter is aware of intended use for internal repression or serious human-rights violations".into(),
            None,
        );
    }
    if input.awareness.military_or_wmd {
        push(
            RequirementKind::NotifyAuthority,
            "Regulation (EU) 2021/821 Art. 4(2)",
            "the exporter is aware of intended WMD use or military end use in an embargoed country".into(),
            None,
        );
    }
    let bis_hits = parties_on(input, Effect::LicenceIfEar);
    if !bis_hits.is_empty() && goods.iter().any(|g| g.us_content) {
        push(
            RequirementKind::UsLicenceRequired,
            "US Export Administration Regulations (BIS Entity List)",
            format!("BIS Entity List hit and US-origin content in the goods: {}", bis_hits.join("; ")),
            None,
        );
    }
    let military = sensitive.iter().find(|f| f.counts_for_u && f.found.category == Category::Military);
    let embargo = destination.arms_embargoes.iter().find(|e| {
        matches!(e.scope, destinations::Scope::WholeState | destinations::Scope::Region) && e.binding == "legal"
    });
    if let (Some(military), Some(embargo)) = (military, embargo) {
        push(
            RequirementKind::NotifyAuthority,
            "Regulation (EU) 2021/821 Art. 4(1)(b) and 4(2)",
            format!(
                "military end use ({}: \"{}\") in {}, under a {} arms embargo",
                military.path, military.found.matched, destination.name, embargo.body
            ),
            Some(embargo.source.clone()),
        );
    }
    out
}

fn measures(requirements: &[Requirement], tier: Tier, prohibited: bool) -> Vec<Measure> {
    let m = model();
    let mut out: Vec<Measure> = Vec::new();
    for r in requirements {
        let kind = r.kind.as_str();
        if let Some(text) = m.measures.requirements.get(kind) {
            if !out.iter().any(|x| x.id == text.id) {
                out.push(Measure {
                    id: text.id.clone(),
                    text: text.text.clone(),
                    because: format!("requirement: {kind}"),
                });
            }
        }
    }
    if prohibited {
        out.retain(|x| x.because == "requirement: prohibited");
        return out;
    }
    for (text, from) in m.tier_measures(tier) {
        out.push(Measure { id: text.id.clone(), text: text.text.clone(), because: format!("tier: {}", from.as_str()) });
    }
    out
}
