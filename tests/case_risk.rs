//! A case's risk profile is made from the case itself (issues 4, 5 and 6): the confirmed list
//! hits of the counterparty and its owners, the watch-list findings recorded when the case was
//! opened and the relevance marks made in it, and the transaction the user describes. And a
//! party judged a false positive before does not have to be judged again.

use klaring::affiliations::{Affiliation, Relation, ScreeningInput};
use klaring::case::assessment::{self, Transaction};
use klaring::case::events::{self, CaseError, Outcome, Verdict};
use klaring::case::{self, profile};
use klaring::lists::SourceFile;
use klaring::matching::Query;
use klaring::model::Schema;
use klaring::risk::goods::GoodsItem;
use klaring::risk::{RequirementKind, Tier};
use klaring::screening::Screener;
use klaring::store::{ImportOptions, Store};
use klaring::watch::{self, Relevance};

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

/// A store with the EU sample list, the bundled watch-list seed and the profile "Ann Export".
fn store_in(dir: &std::path::Path) -> Store {
    let mut store = Store::open(&dir.join("klaring.sqlite")).unwrap();
    let path = "tests/fixtures/eu-fsf/eu_fsf_sample.xml";
    let file = SourceFile { name: path.into(), bytes: std::fs::read(path).unwrap() };
    store.import(&[file], &ImportOptions::default()).unwrap();
    watch::install_seed(&mut store).unwrap();
    profile::save(&mut store, &profile::UserProfile::new("Ann Export", "export manager").unwrap()).unwrap();
    store
}

fn open(store: &mut Store, name: &str, schema: Schema, affiliations: Vec<Affiliation>) -> case::SavedScreening {
    let input = ScreeningInput {
        counterparty: Query { name: name.into(), schema: Some(schema), ..Query::default() },
        affiliations,
    };
    let screener = Screener::load(store).unwrap();
    case::open(store, &screener, "Ann Export", at("2026-03-04T10:00:00Z"), &input).unwrap()
}

fn firewalls_to(destination: &str) -> Transaction {
    Transaction {
        goods: vec![GoodsItem { listed: Some(true), quantity: Some(40), ..GoodsItem::new("firewall_vpn") }],
        destination: destination.into(),
        end_use: Some("Perimeter security of the customer's own offices".into()),
        ..Transaction::default()
    }
}

#[test]
fn factsheet_case_2_a_vendor_in_the_news_for_spyware_sales_is_at_least_elevated() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let saved = open(&mut store, "Intellexa", Schema::Organization, vec![]);
    assert!(!saved.watch.matches.is_empty(), "the seed names Intellexa");

    // The findings are part of the case file, as shown when it was opened.
    let state = events::state(&store, &saved.case_id).unwrap();
    let finding = state.watch.iter().find(|f| f.role == "counterparty").expect("a finding on the counterparty");
    assert_eq!(finding.party, "Intellexa");
    assert!(finding.title.contains("Intellexa"), "{finding:?}");

    // Selling firewalls to a free EU country would be low risk; the news makes it Elevated.
    let (risk, event) =
        assessment::assess(&mut store, &saved.case_id, at("2026-03-04T10:20:00Z"), &firewalls_to("FR")).unwrap();
    assert!(risk.tier >= Tier::Elevated, "{:?}", risk.tier);
    assert!(risk.floors.iter().any(|f| f.rule == "watch-list"), "{:?}", risk.floors);
    assert_eq!(event.kind, "risk_assessed");
    let payload: serde_json::Value = serde_json::from_str(event.payload.get()).unwrap();
    assert_eq!(payload["input"]["counterparty"]["watch_list"][0]["title"], finding.title.as_str());
    assert_eq!(payload["input"]["goods"][0]["quantity"], 40);
    assert_eq!(events::state(&store, &saved.case_id).unwrap().risk_tier, Some(risk.tier));
}

#[test]
fn a_watch_list_finding_marked_not_relevant_with_a_reason_no_longer_raises_the_tier() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let saved = open(&mut store, "Intellexa", Schema::Organization, vec![]);
    let state = events::state(&store, &saved.case_id).unwrap();

    let err = events::mark_watch(
        &mut store,
        &saved.case_id,
        at("2026-03-04T10:10:00Z"),
        "Intellexa",
        "no-such",
        Relevance::NotRelevant,
        "x",
    )
    .unwrap_err();
    assert!(matches!(err, CaseError::NoSuchWatchMatch { .. }), "{err}");
    let err = events::mark_watch(
        &mut store,
        &saved.case_id,
        at("2026-03-04T10:10:00Z"),
        "Intellexa",
        &state.watch[0].item_id,
        Relevance::NotRelevant,
        "  ",
    )
    .unwrap_err();
    assert!(matches!(err, CaseError::NoReason), "{err}");

    for f in state.watch.iter().filter(|f| f.role == "counterparty") {
        events::mark_watch(
            &mut store,
            &saved.case_id,
            at("2026-03-04T10:10:00Z"),
            &f.party,
            &f.item_id,
            Relevance::NotRelevant,
            "A namesake: our prospect is Intellexa Dental Supplies of Lyon, registered 2019 (KBIS extract attached).",
        )
        .unwrap();
    }
    let state = events::state(&store, &saved.case_id).unwrap();
    assert!(state.watch.iter().all(|f| state.watch_mark_of(f).is_some()));
    let (risk, _) =
        assessment::assess(&mut store, &saved.case_id, at("2026-03-04T10:20:00Z"), &firewalls_to("FR")).unwrap();
    assert!(!risk.floors.iter().any(|f| f.rule == "watch-list"), "{:?}", risk.floors);
    // The judgement also travels to the watch-list, for the next screening of the party.
    let again = watch::screen(&store, &watch::WatchQuery::counterparty("Intellexa")).unwrap();
    assert!(again.matches.iter().all(|m| m.mark.as_ref().is_some_and(|m| m.relevance == Relevance::NotRelevant)));
}

#[test]
fn an_owner_confirmed_on_the_eu_list_makes_the_transaction_prohibited() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let owner = Affiliation {
        name: "Tatyana Vladimirovna Zhuravleva".into(),
        relation: Relation::Owner,
        percent: Some(60.0),
        country: None,
        schema: Some(Schema::Person),
    };
    let saved = open(&mut store, "Noordzee Optics Trading BV", Schema::Organization, vec![owner]);
    let hit = saved.screening.affiliations[0].result.hits.first().expect("the owner is on the EU sample list").clone();

    // Before the hit is judged, the owner is not "listed": a possible match is not a listing.
    let (risk, _) =
        assessment::assess(&mut store, &saved.case_id, at("2026-03-04T10:05:00Z"), &firewalls_to("NL")).unwrap();
    assert!(!risk.prohibited);

    events::dispose(
        &mut store,
        &saved.case_id,
        at("2026-03-04T10:10:00Z"),
        None,
        &hit.list,
        &hit.entry_id,
        Verdict::TrueMatch,
        "Same name, birth date 1967-12-19 and passport number as the listed person.",
    )
    .unwrap();
    let (risk, event) =
        assessment::assess(&mut store, &saved.case_id, at("2026-03-04T10:15:00Z"), &firewalls_to("NL")).unwrap();
    assert!(risk.prohibited, "{risk:#?}");
    assert!(risk.requirements.iter().any(|r| r.kind == RequirementKind::Prohibited));
    let calc = risk.ownership.iter().find(|c| c.jurisdiction == "EU").expect("an EU ownership calculation");
    assert!(calc.total >= 50.0, "{calc:?}");
    let payload: serde_json::Value = serde_json::from_str(event.payload.get()).unwrap();
    assert_eq!(payload["input"]["affiliations"][0]["relation"], "owned_by");
    assert_eq!(payload["input"]["affiliations"][0]["listed_on"][0], "eu-fsf");

    // Office switches for the Netherlands score Low, yet nobody decides on a prohibited deal alone.
    let switches = Transaction { goods: vec![GoodsItem::new("switch_router")], ..firewalls_to("NL") };
    let (risk, _) = assessment::assess(&mut store, &saved.case_id, at("2026-03-04T10:16:00Z"), &switches).unwrap();
    assert!(risk.prohibited);
    assert_eq!(risk.tier, Tier::LowModerate, "{:?}", risk.factors);
    let state = events::state(&store, &saved.case_id).unwrap();
    assert_eq!(state.approval_required(), Some(events::ApprovalReason::Prohibited));
    events::decide(
        &mut store,
        &saved.case_id,
        at("2026-03-04T10:20:00Z"),
        Outcome::Abstain,
        "The owner is the EU-listed person: we do not supply this company.",
    )
    .unwrap();
    let err = events::submit(&mut store, &saved.case_id, at("2026-03-04T10:25:00Z")).unwrap_err();
    assert!(err.to_string().contains("the risk profile says the transaction is prohibited"), "{err}");
}

#[test]
fn a_party_judged_a_false_positive_before_needs_no_new_disposition() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let first = open(&mut store, "Tatyana Vladimirovna Zhuravleva", Schema::Person, vec![]);
    let hit = first.screening.counterparty.hits.first().expect("a hit on the EU sample").clone();
    assert!(hit.allow_listed.is_none());
    let fact = "Born 1990-02-01 (passport seen); the listed person was born 1967.";
    events::dispose(
        &mut store,
        &first.case_id,
        at("2026-03-04T10:05:00Z"),
        None,
        &hit.list,
        &hit.entry_id,
        Verdict::FalsePositive,
        fact,
    )
    .unwrap();

    // The same customer a month later, written the other way round.
    let later = open(&mut store, "ZHURAVLEVA, Tatyana Vladimirovna", Schema::Person, vec![]);
    let again = later.screening.counterparty.hits.iter().find(|h| h.entry_id == hit.entry_id).unwrap();
    let prior = again.allow_listed.as_ref().expect("allow-listed by the first case");
    assert_eq!((prior.case_id.as_str(), prior.fact.as_str(), prior.changed), (first.case_id.as_str(), fact, false));
    assert_eq!(later.screening.alerts(), 0);
    assert_eq!(store.case_summary(&later.case_id).unwrap().unwrap().alerts, 0);
    events::decide(
        &mut store,
        &later.case_id,
        at("2026-04-04T10:00:00Z"),
        Outcome::Proceed,
        "Same customer as the first case; its only hit was judged a different person there.",
    )
    .unwrap();
}

#[test]
fn the_cli_assesses_a_case_from_a_transaction_file_and_records_watch_judgements() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    drop(store);
    let klaring = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_klaring"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) = klaring(&["case", "open", "NSO Group", "--json"]);
    assert!(ok, "{err}");
    let id = serde_json::from_str::<serde_json::Value>(&out).unwrap()["case_id"].as_str().unwrap().to_string();
    // The transaction of the README.
    let tx = dir.path().join("transaction.json");
    std::fs::write(
        &tx,
        r#"{"goods": [{"class": "firewall_vpn", "listed": true, "quantity": 40}], "destination": "AE",
            "end_use": "perimeter security of the customer's offices",
            "counterparty": {"description": "systems integrator", "state_link": "none", "reseller": true},
            "red_flags": [{"id": "US-01", "answer": "no"}]}"#,
    )
    .unwrap();
    let (ok, out, err) = klaring(&["case", "assess", &id, "--input", tx.to_str().unwrap(), "--json"]);
    assert!(ok, "{err}");
    let profile: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(profile["floors"].as_array().unwrap().iter().any(|f| f["rule"] == "watch-list"), "{profile}");

    let (ok, _, err) = klaring(&[
        "case",
        "watch-mark",
        &id,
        "--item",
        "us-bis-2021-nso-candiru-pt-coseinc",
        "--relevance",
        "relevant",
        "--reason",
        "The prospect is NSO Group itself.",
    ]);
    assert!(ok, "{err}");
    let (ok, out, _) = klaring(&["case", "show", &id]);
    assert!(ok);
    assert!(out.contains("[relevant: The prospect is NSO Group itself.]"), "{out}");
    assert!(out.contains("risk         high"), "{out}");

    std::fs::write(&tx, r#"{"goods": [], "destination": "Atlantis"}"#).unwrap();
    let (ok, _, err) = klaring(&["case", "assess", &id, "--input", tx.to_str().unwrap()]);
    assert!(!ok && err.contains("no goods"), "{err}");
}

#[test]
fn a_prospect_ofac_names_as_a_sanctioned_tankers_owner_is_linked_not_listed_and_weighs_as_eu_07() {
    // The bundled OFAC SDN list holds the tanker ST. VITAMIN (entry 27200) with its owner,
    // Beratex Group Limited, which has no entry of its own.
    let dir = tempfile::tempdir().unwrap();
    let mut store = klaring::app::open(dir.path()).unwrap();
    profile::save(&mut store, &profile::UserProfile::new("Ann Export", "export manager").unwrap()).unwrap();
    let saved = open(&mut store, "Beratex Group Ltd", Schema::Organization, vec![]);
    let hit = saved.screening.counterparty.hits.iter().find(|h| h.entry_id == "27200").expect("found via the link");
    assert_eq!((hit.list.as_str(), hit.name.as_str()), ("ofac-sdn", "ST. VITAMIN"));
    assert_eq!(hit.link.as_ref().map(|l| l.relation.as_str()), Some("owner"));
    assert_eq!(hit.matched_note().unwrap(), "names \"Beratex Group Limited\" in its links (owner)");

    // Before anyone confirms it, the link weighs nothing: a possible match is not a fact.
    let (risk, _) =
        assessment::assess(&mut store, &saved.case_id, at("2026-03-04T10:05:00Z"), &firewalls_to("AE")).unwrap();
    assert!(risk.list_links.is_empty());

    events::dispose(
        &mut store,
        &saved.case_id,
        at("2026-03-04T10:10:00Z"),
        None,
        "ofac-sdn",
        "27200",
        Verdict::TrueMatch,
        "Our prospect's registry extract (Marshall Islands) shows it owns the tanker ST. VITAMIN.",
    )
    .unwrap();
    let (risk, event) =
        assessment::assess(&mut store, &saved.case_id, at("2026-03-04T10:15:00Z"), &firewalls_to("AE")).unwrap();
    let payload: serde_json::Value = serde_json::from_str(event.payload.get()).unwrap();
    assert!(payload["input"]["counterparty"].get("listed_on").is_none(), "owning a listed tanker is not being listed");
    assert_eq!(payload["input"]["counterparty"]["list_links"][0]["entry_name"], "ST. VITAMIN");
    assert_eq!(
        risk.list_links[0].path,
        "Beratex Group Ltd: ofac-sdn entry 27200 (ST. VITAMIN) names it in its links: owner \"Beratex Group Limited\""
    );
    let eu07 = risk.questionnaire.iter().find(|f| f.id == "EU-07").unwrap();
    assert_eq!(eu07.counted, 2.0, "{eu07:?}");
    assert!(!risk.prohibited);
}
