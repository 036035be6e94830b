//! The risk profile as the Dutch factsheet for the cyber-security sector tells it
//! (shared/seeds/000, domain brief §8): its three cases, the sensitivity checks of §8.3,
//! security end users in many languages, the ownership test per jurisdiction, and what a
//! confirmed list hit does. Destinations are real countries scored from the bundled tables
//! (Freedom in the World 2024), so a change of data that changes a case shows up here.

use klaring::risk::end_users::{detect, Category};
use klaring::risk::ownership::{aggregate, Owner};
use klaring::risk::{assess, AssessError, AssessInput, RequirementKind, RiskProfile, Tier};
use serde_json::{json, Value};

/// Assesses a transaction written as the JSON `klaring assess` reads.
fn profile(input: Value) -> RiskProfile {
    let input: AssessInput = serde_json::from_value(input).expect("a valid assessment input");
    assess(&input).expect("assessable")
}

/// The exporter went through the whole questionnaire: every end-user, end-use and payment
/// flag answered no, except those answered yes.
fn questionnaire(yes: &[&str]) -> Value {
    let ids = klaring::risk::red_flags::flags().iter().filter(|f| f.category != "D").map(|f| f.id.as_str());
    Value::Array(ids.map(|id| json!({"id": id, "answer": if yes.contains(&id) { "yes" } else { "no" }})).collect())
}

/// "I=2 × (U=1 + D=2 + R=0) = 6 → low_moderate".
fn summary(p: &RiskProfile) -> String {
    let f = &p.factors;
    format!(
        "I={} × (U={} + D={} + R={}) = {} → {}",
        f.impact.value,
        f.end_user.value,
        f.destination.value,
        f.red_flags.value,
        p.score,
        p.tier.as_str()
    )
}

fn floors(p: &RiskProfile) -> Vec<&str> {
    p.floors.iter().map(|f| f.rule.as_str()).collect()
}

fn requirements(p: &RiskProfile) -> Vec<RequirementKind> {
    p.requirements.iter().map(|r| r.kind).collect()
}

fn measures(p: &RiskProfile) -> Vec<&str> {
    p.measures.iter().map(|m| m.id.as_str()).collect()
}

fn reasons(factor: &klaring::risk::Factor) -> String {
    factor.contributions.iter().map(|c| c.reason.as_str()).collect::<Vec<_>>().join(" | ")
}

// Casus 1: a firewall for a government-affiliated company outside the EU, in a politically
// stable country with concerns about freedom of expression (Singapore: Partly Free).

fn case_1() -> Value {
    json!({
        "goods": [{"class": "firewall_vpn"}],
        "destination": "Singapore",
        "end_use": "Protect its own network against cyber threats from outside",
        "counterparty": {"name": "Lion City Grid Services Pte Ltd", "state_link": "government_affiliated"},
        "red_flags": questionnaire(&[]),
    })
}

#[test]
fn case_1_firewall_to_a_government_affiliated_company_is_low_to_moderate_with_due_care() {
    let p = profile(case_1());
    assert_eq!(summary(&p), "I=2 × (U=1 + D=2 + R=0) = 6 → low_moderate");
    assert_eq!(p.model, "risk-model v1");
    assert!(p.floors.is_empty());
    // Due diligence and contractual safeguards; no escalation.
    let m = measures(&p);
    assert!(m.contains(&"due-diligence") && m.contains(&"contract-clauses"), "{m:?}");
    assert!(!m.contains(&"cco-approval"));
    // The firewall is a 5A002 candidate: classifying it is open, apart from the tier.
    assert_eq!(requirements(&p), [RequirementKind::ClassificationNeeded]);
    // Every figure shows where it comes from.
    let d = &p.factors.destination.contributions[0];
    assert_eq!(d.reason, "Freedom in the World 2024: Partly Free (Singapore), total 48/100 (political rights 19/40, civil liberties 29/60)");
    assert_eq!(d.source.as_ref().and_then(|s| s.date.as_deref()), Some("2024"));
    assert_eq!(reasons(&p.factors.end_user), "Lion City Grid Services Pte Ltd is a government-affiliated civil entity");
}

// Casus 2: controlled network equipment for a company that makes cyber-surveillance goods and
// has been in the news for selling them to repressive regimes; it says the goods are for its
// internal network; little negative news about the destination (Chile: Free).

fn case_2() -> Value {
    json!({
        "goods": [{"class": "switch_router", "listed": true, "entry": "5A002.a"}],
        "destination": "cl",
        "end_use": "Upgrade of the company's internal network",
        "counterparty": {
            "name": "Andes Lawful Solutions SpA",
            "description": "Develops and sells cyber-surveillance products",
            "reseller": true,
            "watch_list": [{"title": "Andes Lawful Solutions sold interception kit to repressive regimes", "source": "news", "date": "2023-11"}]
        },
        "red_flags": questionnaire(&[]),
    })
}

#[test]
fn case_2_network_equipment_to_a_company_in_the_news_for_surveillance_sales_is_elevated() {
    let p = profile(case_2());
    // The score alone is low; the watch-list hit (EU-02) lifts the tier.
    assert_eq!(summary(&p), "I=1 × (U=3 + D=1 + R=0) = 4 → elevated");
    assert_eq!(p.score_tier, Tier::LowModerate);
    assert_eq!(floors(&p), ["watch-list"]);
    assert!(p.floors[0].raised);
    assert!(p.floors[0].because.contains("sold interception kit"), "{}", p.floors[0].because);
    // Approval at board level (CCO) and an end-user statement forbidding resale and surveillance.
    let m = measures(&p);
    assert!(m.contains(&"cco-approval") && m.contains(&"end-user-statement"), "{m:?}");
    assert!(!m.contains(&"consider-abstaining"));
    let eus = p.measures.iter().find(|m| m.id == "end-user-statement").unwrap();
    assert!(eus.text.contains("forbids resale") && eus.text.contains("surveillance"), "{}", eus.text);
    // Controlled equipment leaving the EU needs a licence, whatever the tier.
    assert_eq!(requirements(&p), [RequirementKind::LicenceRequired]);
    let watch = p.factors.end_user.contributions.iter().find(|c| c.reason.contains("watch-list")).unwrap();
    assert_eq!(watch.source.as_ref().and_then(|s| s.date.as_deref()), Some("2023-11"));
    assert_eq!(
        p.questionnaire.iter().find(|f| f.id == "EU-02").unwrap().note,
        "yes from the screening facts: Andes Lawful Solutions sold interception kit to repressive regimes"
    );
}

// Casus 3: controlled TLS-inspection / SSL-decryption equipment for a company that reports
// cyber-attacks; much negative human-rights news about the destination (Egypt: Not Free);
// open sources say it also carries out contracts for that country's Ministry of Interior.

fn case_3() -> Value {
    json!({
        "goods": [{"class": "tls_inspection", "listed": true}],
        "destination": "Egypt",
        "end_use": "Inspect encrypted traffic after a wave of cyber-attacks",
        "counterparty": {"name": "Delta Secure Networks S.A.E."},
        "affiliations": [
            {"name": "Ministry of Interior", "relation": "contracts_for", "source": "open sources (press release)", "date": "2024-02"}
        ],
        "red_flags": questionnaire(&[]),
    })
}

#[test]
fn case_3_tls_inspection_for_a_contractor_of_the_interior_ministry_is_high() {
    let p = profile(case_3());
    assert_eq!(summary(&p), "I=3 × (U=3 + D=3 + R=0) = 18 → high");
    // U = 3 and D = 3 also floors the tier at High; here the score already got there.
    assert_eq!(floors(&p), ["security-end-user-not-free"]);
    assert!(!p.floors[0].raised);
    assert!(measures(&p).contains(&"consider-abstaining"));
    assert!(measures(&p).contains(&"consult-cdiu"));
    // The path to the ministry, with its source, explains U.
    let u = &p.factors.end_user.contributions;
    assert!(u.iter().any(|c| c.points == 3.0
        && c.reason.starts_with("carries out contracts for Ministry of Interior: a security body")
        && c.source.as_ref().and_then(|s| s.date.as_deref()) == Some("2024-02")));
    assert_eq!(p.sensitive_end_users[0].found.matched, "Ministry of Interior");
    assert_eq!(p.questionnaire.iter().find(|f| f.id == "EU-01").unwrap().note, "yes from the screening facts: carries out contracts for Ministry of Interior: interior ministry \"Ministry of Interior\"");
    // Egypt: Not Free, and the EU's (political) suspension of internal-repression equipment.
    let d = reasons(&p.factors.destination);
    assert!(d.contains("Not Free (Egypt), total 18/100") && d.contains("incl. internal-repression equipment"), "{d}");
    assert_eq!(requirements(&p), [RequirementKind::LicenceRequired]);
}

// The sensitivity checks of domain brief §8.3.

#[test]
fn case_1_to_a_not_free_country_is_still_moderate() {
    let mut input = case_1();
    input["destination"] = json!("Vietnam");
    assert_eq!(summary(&profile(input)), "I=2 × (U=1 + D=3 + R=0) = 8 → low_moderate");
}

#[test]
fn case_1_when_the_customer_is_the_interior_ministry_itself_is_elevated() {
    let mut input = case_1();
    input["counterparty"] = json!({"name": "Ministry of Home Affairs", "state_link": "civil_government_body"});
    let p = profile(input);
    assert_eq!(summary(&p), "I=2 × (U=3 + D=2 + R=0) = 10 → elevated");
    assert!(p.floors.is_empty());
}

#[test]
fn case_2_with_a_firewall_in_a_partly_free_country_is_elevated_without_the_floor() {
    let mut input = case_2();
    input["goods"] = json!([{"class": "firewall_vpn", "listed": true}]);
    input["destination"] = json!("sg");
    let p = profile(input);
    assert_eq!(summary(&p), "I=2 × (U=3 + D=2 + R=0) = 10 → elevated");
    assert_eq!(p.score_tier, Tier::Elevated);
    assert!(!p.floors[0].raised, "the watch-list floor fires but does not raise");
}

#[test]
fn case_3_in_an_eu_nato_plus_country_is_elevated_not_high() {
    let mut input = case_3();
    input["destination"] = json!("Japan");
    let p = profile(input);
    assert_eq!(summary(&p), "I=3 × (U=3 + D=0 + R=0) = 9 → elevated");
    assert!(p.floors.is_empty());
    assert!(reasons(&p.factors.destination).contains("EU/NAVO+"));
    // Japan is an EU001 destination: the licence requirement says to check it.
    assert!(p.requirements[0].reason.contains("EU001 may cover it"), "{}", p.requirements[0].reason);
}

#[test]
fn case_3_with_a_buyer_refusing_to_describe_the_end_use_stays_high() {
    let mut input = case_3();
    input["red_flags"] = questionnaire(&["US-01"]);
    assert_eq!(summary(&profile(input)), "I=3 × (U=3 + D=3 + R=2) = 24 → high");
}

#[test]
fn case_1_with_an_evasive_buyer_paying_through_a_third_party_is_elevated() {
    let mut input = case_1();
    input["red_flags"] = questionnaire(&["US-01", "SP-02"]);
    let p = profile(input);
    assert_eq!(summary(&p), "I=2 × (U=1 + D=2 + R=3) = 12 → elevated");
    assert_eq!(p.factors.red_flags.contributions.len(), 2);
}

#[test]
fn an_imsi_catcher_for_the_police_of_a_free_country_is_elevated_and_needs_a_licence() {
    let p = profile(json!({
        "goods": [{"class": "imsi_catcher"}],
        "destination": "Chile",
        "counterparty": {"name": "Policía de Investigaciones de Chile"},
        "red_flags": questionnaire(&[]),
    }));
    assert_eq!(summary(&p), "I=4 × (U=3 + D=1 + R=0) = 16 → elevated");
    // The tier and the legal requirement are shown side by side.
    assert_eq!(requirements(&p), [RequirementKind::LicenceRequired]);
    assert!(p.requirements[0].reason.contains("5A001.f"), "{}", p.requirements[0].reason);
    assert_eq!(&measures(&p)[..2], ["apply-licence", "due-diligence"]);
    assert_eq!(p.sensitive_end_users[0].found.category, Category::Police);
}

// What not answering does: an open question is no answer.

#[test]
fn unanswered_end_user_questions_count_as_unknown() {
    let mut input = case_1();
    input.as_object_mut().unwrap().remove("red_flags");
    let p = profile(input);
    // EU-01/EU-02 unknown: U at least half of 3; the other A and B flags fill R to its cap.
    assert_eq!(summary(&p), "I=2 × (U=1.5 + D=2 + R=3) = 13 → elevated");
    assert!(p.questionnaire.iter().any(|f| f.note == "not answered: counted as unknown until it is"));
}

// Security end users in many languages, with the words that matched.

#[test]
fn security_bodies_are_recognised_in_every_language() {
    let cases = [
        ("en", "Ministry of Interior", Category::InteriorMinistry, "Ministry of Interior"),
        ("en", "Guangzhou Public Security Bureau", Category::Police, "Public Security Bureau"),
        ("en", "supplier to the Border Guard Service", Category::BorderGuard, "Border Guard"),
        (
            "nl",
            "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
            Category::InteriorMinistry,
            "Ministerie van Binnenlandse Zaken",
        ),
        ("nl", "Algemene Inlichtingen- en Veiligheidsdienst", Category::StateSecurity, "Veiligheidsdienst"),
        ("fr", "Ministère de l'Intérieur et des Outre-mer", Category::InteriorMinistry, "Ministère de l'Intérieur"),
        ("fr", "Direction du renseignement militaire", Category::Intelligence, "Direction du renseignement"),
        (
            "de",
            "Bundesministerium des Innern und für Heimat",
            Category::InteriorMinistry,
            "Bundesministerium des Innern",
        ),
        ("de", "Bundespolizeipräsidium Potsdam", Category::Police, "Bundespolizeipräsidium"),
        ("es", "Ministerio del Interior de Venezuela", Category::InteriorMinistry, "Ministerio del Interior"),
        ("es", "Fiscalía General de la Nación", Category::Prosecutor, "Fiscalía"),
        ("ru", "МВД России", Category::InteriorMinistry, "МВД"),
        (
            "ru",
            "Министерство внутренних дел Российской Федерации",
            Category::InteriorMinistry,
            "Министерство внутренних дел",
        ),
        ("ru", "Пограничная служба ФСБ", Category::BorderGuard, "Пограничная"),
        ("ar", "وزارة الداخلية المصرية", Category::InteriorMinistry, "وزارة الداخلية"),
        ("ar", "جهاز المخابرات العامة", Category::Intelligence, "المخابرات"),
        ("fa", "وزارت اطلاعات جمهوری اسلامی", Category::Intelligence, "وزارت اطلاعات"),
        ("fa", "نیروی انتظامی", Category::Police, "نیروی انتظامی"),
        ("zh", "公安部第三研究所", Category::InteriorMinistry, "公安部"),
        ("zh", "北京市公安局", Category::Police, "公安局"),
        ("zh", "中國人民解放軍", Category::Military, "解放軍"),
    ];
    for (language, text, category, matched) in cases {
        let found = detect(text);
        assert!(
            found.iter().any(|m| m.category == category && m.matched == matched),
            "{language}: {text:?} should find {category:?} {matched:?}, found {found:?}"
        );
    }
    let fsb = detect("Пограничная служба ФСБ");
    assert!(fsb.iter().any(|m| m.category == Category::StateSecurity && m.matched == "ФСБ"), "{fsb:?}");
}

#[test]
fn ordinary_company_descriptions_raise_nothing() {
    for text in [
        "Managed security services and threat intelligence for banks",
        "Military-grade encryption for small businesses",
        "Upgrade of the internal network",
        "Systeemintegrator voor politieke partijen en gemeenten",
        "Pare-feu léger pour PME",
        "威胁情报平台",
    ] {
        assert!(detect(text).is_empty(), "{text:?}: {:?}", detect(text));
    }
}

#[test]
fn a_security_body_only_counts_through_relations_that_serve_it() {
    let mut input = case_1();
    input["affiliations"] = json!([{"name": "Federal Police", "relation": "customer_of"}]);
    let p = profile(input);
    assert_eq!(p.factors.end_user.value, 1.0, "buying from the police does not make one its contractor");
    assert!(!p.sensitive_end_users[0].counts_for_u);
    let mut input = case_1();
    input["affiliations"] = json!([{"name": "Federal Police", "relation": "supplies_to"}]);
    assert_eq!(profile(input).factors.end_user.value, 3.0);
}

// Ownership per jurisdiction, shown as a calculation.

#[test]
fn two_listed_owners_at_25_percent_each_own_the_company_under_eu_rules_but_not_uk_rules() {
    let owners = [
        Owner {
            name: "Owner A".into(),
            percent: Some(25.0),
            listed_on: vec!["eu-fsf".into(), "uk-ofsi".into()],
            controls: false,
        },
        Owner {
            name: "Owner B".into(),
            percent: Some(25.0),
            listed_on: vec!["eu-fsf".into(), "uk-ofsi".into()],
            controls: false,
        },
    ];
    let calcs = aggregate(&owners);
    let eu = calcs.iter().find(|c| c.jurisdiction == "EU").unwrap();
    assert!(eu.owned);
    assert_eq!(eu.calculation, "Owner A 25 % (eu-fsf) + Owner B 25 % (eu-fsf) = 50 % ≥ 50 %: owned");
    let uk = calcs.iter().find(|c| c.jurisdiction == "UK").unwrap();
    assert!(!uk.owned);
    assert_eq!(uk.calculation, "Owner A 25 % (uk-ofsi) + Owner B 25 % (uk-ofsi) = 50 % not > 50 %: not owned");
    let ofac = calcs.iter().find(|c| c.jurisdiction == "US (OFAC)").unwrap();
    assert_eq!((ofac.owned, ofac.total), (false, 0.0));
}

#[test]
fn a_company_owned_by_eu_listed_owners_together_is_prohibited() {
    let mut input = case_1();
    input["affiliations"] = json!([
        {"name": "Owner A", "relation": "owned_by", "percent": 25, "listed_on": ["eu-fsf"], "source": "company register", "date": "2025-06-01"},
        {"name": "Owner B", "relation": "owned_by", "percent": 25, "listed_on": ["eu-fsf"], "source": "company register", "date": "2025-06-01"},
        {"name": "Pension fund", "relation": "owned_by", "percent": 50}
    ]);
    let p = profile(input);
    assert!(p.prohibited);
    assert_eq!(requirements(&p)[0], RequirementKind::Prohibited);
    assert_eq!(measures(&p), ["stop"]);
    assert_eq!(p.relations[0].path, "owned 25 % by Owner A, listed on eu-fsf");
}

#[test]
fn a_listed_minority_owner_is_a_red_flag_and_an_ofac_owned_company_is_at_least_elevated() {
    let mut input = case_1();
    input["affiliations"] =
        json!([{"name": "Owner C", "relation": "owned_by", "percent": 30, "listed_on": ["eu-fsf"]}]);
    let p = profile(input);
    assert!(!p.prohibited);
    assert_eq!(p.factors.red_flags.value, 2.0, "EU-07 answered by the facts");
    assert_eq!(floors(&p), ["listed-affiliate"]);
    assert_eq!(p.tier, Tier::Elevated);

    let mut input = case_1();
    input["affiliations"] =
        json!([{"name": "Owner D", "relation": "owned_by", "percent": 60, "listed_on": ["ofac-sdn"]}]);
    let p = profile(input);
    assert!(!p.prohibited, "OFAC is a risk signal for an EU exporter, not a prohibition");
    assert_eq!(floors(&p), ["risk-signal-list"]);
    assert_eq!(p.tier, Tier::Elevated);
}

// Confirmed list hits.

#[test]
fn a_confirmed_eu_hit_on_the_counterparty_is_prohibited_whatever_the_score() {
    let mut input = case_1();
    input["counterparty"]["listed_on"] = json!(["eu-fsf"]);
    let p = profile(input);
    assert!(p.prohibited);
    assert_eq!(p.requirements[0].kind, RequirementKind::Prohibited);
    assert_eq!(p.requirements[0].reason, "Lion City Grid Services Pte Ltd is confirmed on eu-fsf");
    assert_eq!(measures(&p), ["stop"]);
    // The tier is still computed and shown.
    assert_eq!(p.tier, Tier::LowModerate);
}

#[test]
fn a_un_listed_end_user_is_prohibited_and_annex_i_items_to_russia_are_banned() {
    let mut input = case_1();
    input["affiliations"] = json!([{"name": "Listed Bureau", "relation": "end_user", "listed_on": ["un-sc"]}]);
    assert!(profile(input).prohibited);
    let mut input = case_2();
    input["destination"] = json!("Russia");
    let p = profile(input);
    assert!(p.prohibited);
    assert!(p.requirements[0].basis.contains("833/2014 Art. 2"), "{}", p.requirements[0].basis);
}

// The lists' own links: an entry that names the party (OFAC "Linked To:", a vessel's owner,
// FollowTheMoney ownership), confirmed by the reviewer.

#[test]
fn a_counterparty_an_ofac_entry_names_as_linked_is_a_red_flag_with_the_entry_shown() {
    let mut input = case_1();
    input["counterparty"]["list_links"] = json!([{
        "list": "ofac-sdn", "entry_id": "27018", "entry_name": "DEMIR, Ismail",
        "relation": "linked_to", "named_as": "PRESIDENCY OF DEFENSE INDUSTRIES"
    }]);
    let p = profile(input);
    assert!(!p.prohibited);
    assert_eq!(summary(&p), "I=2 × (U=1 + D=2 + R=2) = 10 → elevated", "EU-07 answered yes by the list");
    let eu07 = p.questionnaire.iter().find(|f| f.id == "EU-07").unwrap();
    assert!(eu07.note.contains("ofac-sdn entry 27018 (DEMIR, Ismail)"), "{eu07:?}");
    assert_eq!(
        p.list_links[0].path,
        "Lion City Grid Services Pte Ltd: ofac-sdn entry 27018 (DEMIR, Ismail) names it in its links: linked_to \"PRESIDENCY OF DEFENSE INDUSTRIES\""
    );
    assert!(floors(&p).is_empty(), "an OFAC link is a red flag, not a listed related party under EU law");
}

#[test]
fn an_eu_entry_that_names_the_counterparty_makes_it_at_least_elevated_and_an_owner_with_unknown_share() {
    let mut input = case_1();
    input["counterparty"]["list_links"] = json!([{
        "list": "eu-fsf", "entry_id": "EU.27.28", "entry_name": "Listed Holding", "relation": "owner of",
        "named_as": "Lion City Grid Services"
    }]);
    let p = profile(input);
    assert_eq!(floors(&p), ["listed-affiliate"]);
    assert!(p.tier >= Tier::Elevated);
    let eu = p.ownership.iter().find(|c| c.jurisdiction == "EU").unwrap();
    assert!(eu.share_unknown && !eu.owned, "{eu:?}");
    assert!(eu.calculation.contains("Listed Holding share unknown (eu-fsf)"), "{}", eu.calculation);
    assert!(!p.prohibited, "ownership is not established until the share is known");
}

#[test]
fn a_list_link_on_an_owner_counts_for_the_owner_with_its_path() {
    let mut input = case_1();
    input["affiliations"] = json!([{"name": "Beratex Group Limited", "relation": "owned_by", "percent": 20,
        "list_links": [{"list": "ofac-sdn", "entry_id": "27200", "entry_name": "ST. VITAMIN", "relation": "owner",
            "named_as": "Beratex Group Limited"}]}]);
    let p = profile(input);
    assert_eq!(p.factors.red_flags.value, 2.0);
    assert!(p.list_links[0]
        .path
        .starts_with("owned 20 % by Beratex Group Limited: ofac-sdn entry 27200 (ST. VITAMIN)"));
}

#[test]
fn a_list_link_to_an_unknown_list_is_refused() {
    let mut input = case_1();
    input["counterparty"]["list_links"] =
        json!([{"list": "xx-list", "entry_id": "1", "entry_name": "X", "relation": "linked_to", "named_as": "Y"}]);
    let input: AssessInput = serde_json::from_value(input).unwrap();
    assert!(matches!(assess(&input), Err(AssessError::UnknownList { .. })));
}

#[test]
fn a_military_end_user_in_an_embargoed_country_must_be_notified() {
    let p = profile(json!({
        "goods": [{"class": "switch_router", "listed": false}],
        "destination": "Myanmar",
        "counterparty": {"name": "Myanmar Armed Forces Signal Corps"},
        "red_flags": questionnaire(&[]),
    }));
    assert!(requirements(&p).contains(&RequirementKind::NotifyAuthority), "{:?}", requirements(&p));
    assert_eq!(summary(&p), "I=1 × (U=3 + D=3 + R=0) = 6 → high");
}

#[test]
fn a_bis_entity_list_hit_needs_a_us_licence_only_with_us_content() {
    let mut input = case_1();
    input["affiliations"] =
        json!([{"name": "Listed Supplier", "relation": "customer_of", "listed_on": ["bis-entity-list"]}]);
    let p = profile(input.clone());
    assert_eq!(p.factors.red_flags.value, 1.0, "a risk signal: +1 on R");
    assert!(!requirements(&p).contains(&RequirementKind::UsLicenceRequired));
    input["goods"] = json!([{"class": "firewall_vpn", "us_content": true}]);
    let p = profile(input);
    assert_eq!(p.factors.red_flags.value, 0.0);
    assert_eq!(requirements(&p)[0], RequirementKind::UsLicenceRequired);
}

#[test]
fn facial_recognition_that_meets_the_design_test_is_a_cyber_surveillance_item_under_art_5() {
    let yes = "yes";
    let mut input = case_1();
    input["goods"] = json!([{"class": "facial_recognition", "design_test": {
        "specially_designed": yes, "covert": yes, "natural_persons": yes, "from_ict_systems": yes
    }}]);
    let p = profile(input.clone());
    assert_eq!(summary(&p), "I=4 × (U=1 + D=2 + R=0) = 12 → elevated");
    assert_eq!(requirements(&p), [RequirementKind::Art5Assessment]);
    // Once due diligence makes the exporter aware of repressive use: notify, do not ship.
    input["awareness"] = json!({"repression": true});
    let p = profile(input);
    assert_eq!(requirements(&p)[0], RequirementKind::NotifyAuthority);
    assert_eq!(measures(&p)[0], "notify-cdiu");
}

// Inputs that cannot be assessed say where they are wrong.

#[test]
fn bad_inputs_are_refused_with_the_place_of_the_error() {
    let refuse = |input: Value| assess(&serde_json::from_value::<AssessInput>(input).unwrap()).unwrap_err();
    let mut input = case_1();
    input["goods"] = json!([{"class": "firewall_vpn"}, {"class": "toaster"}]);
    assert!(matches!(refuse(input), AssessError::UnknownClass { index: 2, .. }));
    let mut input = case_1();
    input["red_flags"] = json!([{"id": "XX-01", "answer": "yes"}]);
    assert_eq!(refuse(input), AssessError::UnknownFlag("XX-01".into()));
    let mut input = case_1();
    input["affiliations"] = json!([{"name": "A", "relation": "owned_by", "percent": 70}, {"name": "B", "relation": "owned_by", "percent": 40}]);
    assert_eq!(refuse(input), AssessError::SharesOver100 { total: 110.0 });
    let mut input = case_1();
    input["destination"] = json!("Atlantis");
    assert_eq!(refuse(input), AssessError::UnknownDestination("Atlantis".into()));
    let mut input = case_1();
    input["destinaton"] = json!("nl");
    assert!(serde_json::from_value::<AssessInput>(input).is_err(), "a misspelt field is refused");
}

// The command line: the same input as JSON on stdin, the profile as JSON on stdout.

#[test]
fn klaring_assess_reads_the_input_from_stdin_and_prints_the_profile() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_klaring"))
        .args(["assess", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(case_3().to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let profile: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(profile["model"], "risk-model v1");
    assert_eq!(profile["tier"], "high");
    assert_eq!(profile["score"], 18.0);
    assert_eq!(profile["factors"]["destination"]["contributions"][0]["source"]["date"], "2024");
    assert_eq!(profile["requirements"][0]["kind"], "licence_required");

    let out = Command::new(env!("CARGO_BIN_EXE_klaring")).args(["assess", "/nonexistent.json"]).output().unwrap();
    assert!(!out.status.success() && out.stdout.is_empty());
}
