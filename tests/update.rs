//! Back online, as an export manager meets it: the lists come in from their sources over HTTP
//! (a server on 127.0.0.1 serving real list files, then modified ones), each list all or
//! nothing; the delta says what changed; every saved case is screened again and a new or
//! changed hit becomes an alert and an event on its case, also for a pair once judged a false
//! positive. A truncated file, a server error, a server that hangs and a body that never ends
//! each fail alone, say which source and why, and lose nothing. No test reaches beyond
//! 127.0.0.1.

mod common;

use common::{Reply, Server};
use klaring::affiliations::{Affiliation, Relation, ScreeningInput};
use klaring::case::events::{self, Verdict};
use klaring::case::{self, profile, verify};
use klaring::lists::SourceFile;
use klaring::matching::{Query, DEFAULT_THRESHOLD};
use klaring::model::Schema;
use klaring::screening::Screener;
use klaring::store::{ImportOptions, Store};
use klaring::update::delta::Field;
use klaring::update::monitor::AlertKind;
use klaring::update::{self, sources, staleness, Outcome, Progress, UpdateOptions, UpdateReport};
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

const EU: &str = "tests/fixtures/eu-fsf/eu_fsf_sample.xml";

fn read(path: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

/// The EU sample as published, then as the next day's file: a new designation whose name is a
/// saved counterparty's, one entry delisted, one alias respelled.
fn eu_v1() -> String {
    String::from_utf8(read(EU)).unwrap()
}

fn eu_v2() -> String {
    let v1 = eu_v1();
    let start = v1.find("<sanctionEntity designationDate=\"2024-02-23\" designationDetails=\"\" unitedNationId=\"\" euReferenceNumber=\"\" logicalId=\"900201\">").expect("entry 900201");
    let end = start + v1[start..].find("</sanctionEntity>").unwrap() + "</sanctionEntity>".len();
    let added = r#"<sanctionEntity designationDate="2024-06-02" designationDetails="" unitedNationId="" euReferenceNumber="EU.99999.01" logicalId="900301">
        <remark>Fictional entry for Klaring's update tests.</remark>
        <regulation regulationType="amendment" organisationType="council" publicationDate="2024-06-02" entryIntoForceDate="2024-06-02" numberTitle="2024/9999 (OJ L1)" programme="RUS" logicalId="900302">
            <publicationUrl>https://eur-lex.europa.eu/</publicationUrl>
        </regulation>
        <subjectType code="enterprise" classificationCode="E"/>
        <nameAlias firstName="" middleName="" lastName="" wholeName="NOORDZEE TRADING B.V." function="" title="" nameLanguage="" strong="true" regulationLanguage="en" logicalId="900303"/>
    </sanctionEntity>"#;
    let v2 = format!("{}{added}{}", &v1[..start], &v1[end..]);
    assert!(v2.contains("Tatiana Vladimirovna ZJURAVLEVA"));
    v2.replace("Tatiana Vladimirovna ZJURAVLEVA", "Tatjana Vladimirovna ZHURAVLYOVA")
}

fn org(name: &str) -> Query {
    Query { name: name.into(), schema: Some(Schema::Organization), ..Query::default() }
}

fn person(name: &str) -> Query {
    Query { name: name.into(), schema: Some(Schema::Person), ..Query::default() }
}

fn save(store: &mut Store, when: &str, input: ScreeningInput) -> String {
    let screener = Screener::load(store).unwrap();
    case::open(store, &screener, "ann", at(when), &input).unwrap().case_id
}

/// Only these lists (never the official sources: no test leaves 127.0.0.1), short timeouts,
/// quick retries.
fn options(lists: &[&str]) -> UpdateOptions {
    let mut options =
        UpdateOptions { lists: lists.iter().map(|l| l.to_string()).collect(), ..UpdateOptions::default() };
    options.fetch.timeout = Duration::from_secs(1);
    options.fetch.backoff = Duration::from_millis(50);
    options
}

fn run(store: &mut Store, options: &UpdateOptions, when: &str) -> (UpdateReport, Vec<Progress>) {
    let mut seen = Vec::new();
    let report = update::run(store, options, at(when), &mut |p| seen.push(p)).unwrap();
    (report, seen)
}

fn payload(event: &case::CaseEvent) -> Value {
    serde_json::from_str(event.payload.get()).unwrap()
}

fn current_version(store: &Store, list: &str) -> klaring::model::ListVersion {
    store.current_versions().unwrap().into_iter().find(|v| v.list == list).unwrap()
}

#[test]
fn an_update_brings_the_delta_and_alerts_the_cases_it_concerns() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("klaring.sqlite")).unwrap();
    profile::save(&mut store, &profile::UserProfile::new("Ann Analyst", "export manager").unwrap()).unwrap();
    let server = Server::start(&[("/eu.xml", Reply::Body(eu_v1().into_bytes()))]);
    sources::set(&mut store, "eu-fsf", &[format!("eu-fsf.xml={}", server.url("/eu.xml"))]).unwrap();

    // First contact: the list comes in whole; there are no cases yet to screen.
    let (first, seen) = run(&mut store, &options(&["eu-fsf"]), "2024-06-01T08:00:00Z");
    assert_eq!(first.lists[0].outcome, Outcome::Updated, "{:?}", first.lists[0].error);
    assert_eq!(first.lists[0].delta.unwrap().added, 6);
    assert!(seen.iter().any(|p| matches!(p, Progress::Download { received, .. } if *received > 20_000)), "{seen:?}");
    let v1 = current_version(&store, "eu-fsf");
    assert_eq!(v1.files[0].name, "eu-fsf.xml");

    // Four saved cases against that version.
    let noordzee = save(
        &mut store,
        "2024-06-01T09:00:00Z",
        ScreeningInput {
            counterparty: org("Noordzee Trading BV"),
            affiliations: vec![Affiliation {
                name: "Tatyana Vladimirovna Zhuravleva".into(),
                relation: Relation::Owner,
                percent: Some(40.0),
                country: None,
                schema: Some(Schema::Person),
            }],
        },
    );
    let judged = save(
        &mut store,
        "2024-06-01T09:05:00Z",
        ScreeningInput { counterparty: person("Tatyana Zhuravleva"), affiliations: vec![] },
    );
    let shipping = save(
        &mut store,
        "2024-06-01T09:10:00Z",
        ScreeningInput { counterparty: org("Primer Shipping LLC"), affiliations: vec![] },
    );
    let innocent = save(
        &mut store,
        "2024-06-01T09:15:00Z",
        ScreeningInput { counterparty: org("Acme Holding BV"), affiliations: vec![] },
    );
    let state = events::state(&store, &noordzee).unwrap();
    assert!(state.parties[0].hits.is_empty(), "the counterparty is clean today");
    assert_eq!(state.parties[1].hits[0].entry_id, "138679");
    // The second case judges its hit a false positive: the pair is allow-listed from now on.
    events::dispose(
        &mut store,
        &judged,
        at("2024-06-01T09:06:00Z"),
        None,
        "eu-fsf",
        "138679",
        Verdict::FalsePositive,
        "our customer was born in 1990, the listed person in 1967",
    )
    .unwrap();

    // The next day's file.
    server.set("/eu.xml", Reply::Body(eu_v2().into_bytes()));
    let (second, seen) = run(&mut store, &options(&["eu-fsf"]), "2024-06-02T08:00:00Z");
    let eu = second.lists.iter().find(|l| l.list == "eu-fsf").unwrap();
    assert_eq!(eu.outcome, Outcome::Updated, "{:?}", eu.error);
    assert_eq!(eu.previous.as_ref().unwrap().id, v1.id);
    let v2 = current_version(&store, "eu-fsf");
    assert_ne!(v2.id, v1.id);
    assert_eq!(v2.as_of.as_deref(), Some("2024-06-02"), "downloaded data is current as of the download");
    assert!(seen.iter().any(|p| matches!(p, Progress::Rescreen { done: 4, total: 4 })), "{seen:?}");

    // The delta: one added, one removed, one changed in its aliases only.
    let delta = update::delta::latest(&store, "eu-fsf").unwrap();
    let ids = |refs: &[update::delta::EntryRef]| refs.iter().map(|e| e.entry_id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&delta.added), ["900301"]);
    assert_eq!(ids(&delta.removed), ["900201"]);
    assert_eq!(delta.changed.len(), 1, "{:?}", delta.changed);
    let changed = &delta.changed[0];
    assert_eq!(changed.entry_id, "138679");
    assert_eq!(changed.changes.len(), 1);
    assert_eq!(changed.changes[0].field, Field::Aliases);
    assert!(changed.changes[0].before.contains(&"Tatiana Vladimirovna ZJURAVLEVA".to_string()));
    assert!(changed.changes[0].after.contains(&"Tatjana Vladimirovna ZHURAVLYOVA".to_string()));
    assert_eq!(eu.delta.unwrap(), delta.summary());

    // The alerts: the new designation for the counterparty, the changed entry for its owner,
    // and the allow-listed pair whose entry changed; nothing for the delisted ship or the
    // innocent name.
    let monitor = second.monitor.as_ref().expect("a list changed, so the cases were screened again");
    assert_eq!((monitor.cases, monitor.parties), (4, 5));
    let mut raised: Vec<(String, AlertKind, String, String)> = monitor
        .alerts
        .iter()
        .map(|a| (a.case_id.clone(), a.alert.kind, a.alert.party.clone(), a.alert.entry_id.clone()))
        .collect();
    raised.sort_by(|a, b| (&a.0, &a.2).cmp(&(&b.0, &b.2)));
    assert_eq!(
        raised,
        [
            (noordzee.clone(), AlertKind::NewHit, "Noordzee Trading BV".into(), "900301".into()),
            (noordzee.clone(), AlertKind::ChangedEntry, "Tatyana Vladimirovna Zhuravleva".into(), "138679".into()),
            (judged.clone(), AlertKind::ChangedSinceAllowListed, "Tatyana Zhuravleva".into(), "138679".into()),
        ]
    );
    let changed_owner = monitor.alerts.iter().find(|a| a.alert.kind == AlertKind::ChangedEntry).unwrap();
    assert_eq!(changed_owner.alert.changes[0].field, Field::Aliases);

    // Each alert is an `alert` event on its case, whose new hits the case now shows.
    let events_of = |store: &Store, id: &str| store.case_events(id).unwrap();
    let last = events_of(&store, &noordzee).pop().unwrap();
    assert_eq!((last.kind.as_str(), last.actor.as_str()), ("alert", "Ann Analyst"));
    assert_eq!(payload(&last)["raised"].as_array().unwrap().len(), 2);
    assert_eq!(events::state(&store, &noordzee).unwrap().parties[0].hits[0].entry_id, "900301");
    assert_eq!(store.case_summary(&noordzee).unwrap().unwrap().alerts, 2);
    assert_eq!(
        events_of(&store, &shipping).len(),
        3,
        "a delisted hit raises nothing (opened, screened, watch_screened)"
    );
    assert_eq!(events_of(&store, &innocent).len(), 3);

    // The same file again: unchanged, no version, no screening, no second alert.
    let versions = store.versions_of("eu-fsf").unwrap().len();
    let (third, _) = run(&mut store, &options(&["eu-fsf"]), "2024-06-03T08:00:00Z");
    assert_eq!(third.lists[0].outcome, Outcome::Unchanged);
    assert!(third.monitor.is_none());
    assert_eq!(store.versions_of("eu-fsf").unwrap().len(), versions);
    assert_eq!(update::alerts(&store, false).unwrap().len(), 3);

    // Alerts are acknowledged once, by the local user.
    let id = update::alerts(&store, false).unwrap()[0].id;
    let acked = update::acknowledge(&mut store, id, at("2024-06-03T09:00:00Z")).unwrap();
    assert_eq!(acked.acknowledged_by.as_deref(), Some("Ann Analyst"));
    let again = update::acknowledge(&mut store, id, at("2024-06-04T09:00:00Z")).unwrap();
    assert_eq!(again.acknowledged_at, acked.acknowledged_at, "the first acknowledgement stands");
    assert_eq!(update::alerts(&store, false).unwrap().len(), 2);
    assert_eq!(update::alerts(&store, true).unwrap().len(), 3);
    assert!(matches!(
        update::acknowledge(&mut store, 999, at("2024-06-04T09:00:00Z")),
        Err(update::UpdateError::NoAlert(999))
    ));

    // The old version is still there for the old cases: a case re-screened against the
    // versions it cites reproduces its results, and every case file verifies.
    let rescreened = case::rescreen::rescreen(&mut store, &shipping, at("2024-06-04T10:00:00Z")).unwrap();
    assert!(rescreened.reproduced);
    for id in [&noordzee, &judged, &shipping, &innocent] {
        let report = verify::verify_case(&store, id).unwrap();
        assert!(report.ok, "{report:?}");
    }

    // The log says what each attempt did.
    let log = update::history(&store, Some("eu-fsf")).unwrap();
    let outcomes: Vec<Outcome> = log.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [Outcome::Unchanged, Outcome::Updated, Outcome::Updated]);
    assert_eq!(log[1].to_version, Some(v2.id));
}

#[test]
fn a_broken_download_fails_alone_says_why_and_the_previous_version_stays_current() {
    let eu = eu_v1();
    let truncated = eu[..eu.len() * 2 / 3].to_string();
    let server = Server::start(&[
        ("/eu.xml", Reply::Body(truncated.into_bytes())),
        ("/error", Reply::Status(500)),
        ("/hang", Reply::Silent(Duration::from_secs(4))),
        ("/huge-declared", Reply::Huge { bytes: 300_000, declared: true }),
        ("/huge-streamed", Reply::Huge { bytes: 300_000, declared: false }),
        ("/un.xml", Reply::Body(read("data/lists/un-sc/consolidated.xml"))),
        ("/missing-part", Reply::Status(404)),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("klaring.sqlite")).unwrap();
    let file = SourceFile { name: EU.into(), bytes: eu.into_bytes() };
    let before = store.import(&[file], &ImportOptions::default()).unwrap();
    let case_id = save(
        &mut store,
        "2024-06-01T09:00:00Z",
        ScreeningInput { counterparty: person("Tatyana Zhuravleva"), affiliations: vec![] },
    );

    let expect_failure = |store: &mut Store, path: &str, max_bytes: u64, says: &[&str]| {
        sources::set(store, "eu-fsf", &[format!("eu-fsf.xml={}", server.url(path))]).unwrap();
        let mut options = options(&["eu-fsf"]);
        options.fetch.max_bytes = max_bytes;
        let started = Instant::now();
        let (report, _) = run(store, &options, "2024-06-02T08:00:00Z");
        let outcome = &report.lists[0];
        assert_eq!(outcome.outcome, Outcome::Failed, "{path}");
        let error = outcome.error.as_deref().unwrap();
        for part in says {
            assert!(error.contains(part), "{path}: {error:?} should say {part:?}");
        }
        assert_eq!(outcome.current.as_ref().unwrap().id, before.id, "{path}: the previous version stays current");
        assert_eq!(current_version(store, "eu-fsf").id, before.id, "{path}");
        assert!(report.monitor.is_none(), "{path}: nothing changed, nothing is screened");
        assert_eq!(report.failures(), 1);
        assert!(started.elapsed() < Duration::from_secs(8), "{path} took {:?}", started.elapsed());
    };
    expect_failure(
        &mut store,
        "/eu.xml",
        u64::MAX,
        &["eu-fsf", "download:eu-fsf/eu-fsf.xml, line ", "malformed XML", "nothing changed"],
    );
    expect_failure(
        &mut store,
        "/error",
        u64::MAX,
        &["eu-fsf, file eu-fsf.xml", "/error", "HTTP 500", "after 3 attempts"],
    );
    assert_eq!(server.requests("/error"), 3, "a server error is retried twice");
    expect_failure(&mut store, "/hang", u64::MAX, &["/hang", "timed out", "after 3 attempts"]);
    expect_failure(&mut store, "/huge-declared", 100_000, &["/huge-declared", "larger than 100000 bytes"]);
    assert_eq!(server.requests("/huge-declared"), 1, "a body over the cap is not asked for again");
    expect_failure(&mut store, "/huge-streamed", 100_000, &["/huge-streamed", "larger than 100000 bytes"]);
    expect_failure(&mut store, "/un.xml", u64::MAX, &["/un.xml", "is the un-sc list, not eu-fsf", "nothing changed"]);

    // One failing file fails its whole list.
    sources::set(
        &mut store,
        "ofac-cons",
        &[format!("cons_prim.csv={}", server.url("/eu.xml")), format!("cons_add.csv={}", server.url("/missing-part"))],
    )
    .unwrap();
    let (report, _) = run(&mut store, &options(&["ofac-cons"]), "2024-06-02T08:00:00Z");
    assert!(report.lists[0].error.as_deref().unwrap().contains("cons_add.csv"), "{:?}", report.lists[0]);
    assert!(report.lists[0].current.is_none() && store.versions_of("ofac-cons").unwrap().is_empty());

    // Nothing was lost: one version, the case intact, every failure logged with its reason, no
    // download left behind.
    assert_eq!(store.versions_of("eu-fsf").unwrap().len(), 1);
    assert!(verify::verify_case(&store, &case_id).unwrap().ok);
    let log = update::history(&store, None).unwrap();
    assert_eq!(log.len(), 7);
    assert!(log.iter().all(|r| r.outcome == Outcome::Failed && r.error.is_some()));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("downloads")).unwrap().collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

const OFAC_CONS: [&str; 4] = ["cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"];

/// A store with the bundled OFAC consolidated list (files in `OFAC_CONS` order) and a server on
/// 127.0.0.1 that serves the same files as its source, until the test changes one.
fn ofac_cons_served() -> (Store, Server, Vec<SourceFile>, klaring::model::ListVersion) {
    let files: Vec<SourceFile> = OFAC_CONS
        .iter()
        .map(|n| SourceFile {
            name: format!("bundled:ofac-cons/{n}"),
            bytes: read(&format!("data/lists/ofac-cons/{n}")),
        })
        .collect();
    let mut store = Store::open_in_memory().unwrap();
    let bundled = store
        .import(&files, &ImportOptions { list: Some("ofac-cons".into()), as_of: Some("2025-12-19".into()) })
        .unwrap();
    let routes: Vec<(String, Reply)> = files
        .iter()
        .zip(OFAC_CONS)
        .map(|(f, n)| (format!("/{}", n.to_uppercase()), Reply::Body(f.bytes.clone())))
        .collect();
    let server = Server::start(&routes.iter().map(|(p, r)| (p.as_str(), r.clone())).collect::<Vec<_>>());
    // OFAC's service names its files in capitals; the file names come from the URLs.
    let urls: Vec<String> =
        OFAC_CONS.iter().map(|n| format!("{n}={}", server.url(&format!("/{}", n.to_uppercase())))).collect();
    sources::set(&mut store, "ofac-cons", &urls).unwrap();
    (store, server, files, bundled)
}

#[test]
fn a_list_of_several_files_is_unchanged_when_every_file_is_and_its_delta_names_the_changed_alias() {
    let (mut store, server, files, bundled) = ofac_cons_served();
    let (same, _) = run(&mut store, &options(&["ofac-cons"]), "2026-01-05T08:00:00Z");
    assert_eq!(same.lists[0].outcome, Outcome::Unchanged, "{:?}", same.lists[0].error);
    assert_eq!(store.versions_of("ofac-cons").unwrap().len(), 1);

    let alt = String::from_utf8(files[2].bytes.clone()).unwrap();
    assert!(alt.contains("\"HANIYYA, Ismaeel\""));
    server.set("/CONS_ALT.CSV", Reply::Body(alt.replace("\"HANIYYA, Ismaeel\"", "\"HANIYEH, Ismail\"").into_bytes()));
    let (changed, _) = run(&mut store, &options(&["ofac-cons"]), "2026-01-05T09:00:00Z");
    assert_eq!(changed.lists[0].outcome, Outcome::Updated, "{:?}", changed.lists[0].error);
    let delta = update::delta::latest(&store, "ofac-cons").unwrap();
    assert_eq!(delta.from.as_ref().unwrap().id, bundled.id);
    assert!(delta.added.is_empty() && delta.removed.is_empty());
    assert_eq!(delta.changed.len(), 1);
    let entry = &delta.changed[0];
    assert_eq!((entry.entry_id.as_str(), entry.changes[0].field), ("9639", Field::Aliases));
    assert!(entry.changes[0].after.contains(&"HANIYEH, Ismail".to_string()), "{entry:?}");
}

#[test]
fn an_entry_that_comes_to_name_a_saved_counterparty_in_its_links_alerts_its_case() {
    let (mut store, server, files, _) = ofac_cons_served();
    profile::save(&mut store, &profile::UserProfile::new("Ann Analyst", "export manager").unwrap()).unwrap();
    let case_id = save(
        &mut store,
        "2026-01-05T08:00:00Z",
        ScreeningInput { counterparty: org("Noordzee Optics BV"), affiliations: vec![] },
    );
    assert!(events::state(&store, &case_id).unwrap().parties[0].hits.is_empty());

    // OFAC adds a link to the entry of OJSC ORENBURGNEFT; Noordzee Optics has no entry itself.
    let prim = String::from_utf8(files[0].bytes.clone()).unwrap();
    let entry =
        "18267,\"OJSC ORENBURGNEFT\",-0- ,\"UKRAINE-EO13662] [RUSSIA-EO14024\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"";
    assert!(prim.contains(entry));
    let linked = prim.replace(entry, &format!("{entry}Linked To: NOORDZEE OPTICS B.V.; "));
    server.set("/CONS_PRIM.CSV", Reply::Body(linked.into_bytes()));
    let (report, _) = run(&mut store, &options(&["ofac-cons"]), "2026-01-06T08:00:00Z");
    assert_eq!(report.lists[0].outcome, Outcome::Updated, "{:?}", report.lists[0].error);

    let monitor = report.monitor.expect("the list changed");
    assert_eq!(monitor.alerts.len(), 1, "{:?}", monitor.alerts);
    let alert = &monitor.alerts[0].alert;
    assert_eq!((alert.kind, alert.entry_id.as_str()), (AlertKind::NewHit, "18267"));
    let stored = &update::alerts(&store, false).unwrap()[0].alert;
    assert_eq!(stored.link.as_ref().map(|l| l.relation.as_str()), Some("linked_to"), "the stored alert says so too");
    let state = events::state(&store, &case_id).unwrap();
    let hit = &state.parties[0].hits[0];
    assert_eq!(hit.link.as_ref().map(|l| l.relation.as_str()), Some("linked_to"));
    assert_eq!(hit.matched_note().unwrap(), "names \"NOORDZEE OPTICS B.V.\" in its links (linked_to)");
}

#[test]
fn lists_are_stale_after_the_policy_age_once_updates_are_online() {
    let mut store = Store::open_in_memory().unwrap();
    store.import(&[SourceFile { name: EU.into(), bytes: read(EU) }], &ImportOptions::default()).unwrap();
    let case_id =
        save(&mut store, "2024-06-01T09:00:00Z", ScreeningInput { counterparty: org("Acme BV"), affiliations: vec![] });
    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();

    // Offline, the generous offline policy (30 days) applies.
    assert_eq!(staleness::policy(&store).unwrap(), staleness::Policy { online: false, max_age_days: 30 });
    let ages = staleness::case_ages(&store, &events::state(&store, &case_id).unwrap(), day("2024-06-11")).unwrap();
    assert_eq!(
        (ages[0].list.as_str(), ages[0].data_date.as_str(), ages[0].age_days, ages[0].stale),
        ("eu-fsf", "2024-06-01", 10, false)
    );

    // With online updates, 7 days unless the user sets another age.
    staleness::set_online(&mut store, true).unwrap();
    assert_eq!(staleness::policy(&store).unwrap().max_age_days, staleness::DEFAULT_POLICY_DAYS);
    assert!(
        staleness::case_ages(&store, &events::state(&store, &case_id).unwrap(), day("2024-06-11")).unwrap()[0].stale
    );
    assert!(
        !staleness::case_ages(&store, &events::state(&store, &case_id).unwrap(), day("2024-06-08")).unwrap()[0].stale
    );
    staleness::set_max_age(&mut store, 14).unwrap();
    assert!(
        !staleness::case_ages(&store, &events::state(&store, &case_id).unwrap(), day("2024-06-11")).unwrap()[0].stale
    );
    assert!(staleness::set_max_age(&mut store, 0).is_err());

    // A fresh screening result is aged the same way.
    let screener = Screener::load(&store).unwrap();
    let result = screener.screen(None, &org("Acme BV"), DEFAULT_THRESHOLD).unwrap();
    let ages = staleness::ages(&store, &result.lists, day("2024-06-20")).unwrap();
    assert_eq!((ages[0].age_days, ages[0].stale), (19, true));
}
