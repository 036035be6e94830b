//! Draft cases as the desktop app saves them: a counterparty with its affiliations is
//! screened, saved as `opened` + `screened` events, listed with its alerts, found again by
//! quick-find, and its hash chain holds; the database itself refuses to rewrite history.

use klaring::affiliations::{self, Affiliation, Relation, ScreeningError, ScreeningInput};
use klaring::case::{self, ChainError, EventKind, NewEvent};
use klaring::lists::SourceFile;
use klaring::matching::{Query, QueryError, DEFAULT_THRESHOLD};
use klaring::model::Schema;
use klaring::screening::Screener;
use klaring::store::{ImportOptions, Store, StoreError};
use serde_json::{json, Value};

/// A store in `dir` with the EU sample list, and a screener over it.
fn store_and_screener(dir: &std::path::Path) -> (Store, Screener) {
    let mut store = Store::open(&dir.join("klaring.sqlite")).unwrap();
    let path = "tests/fixtures/eu-fsf/eu_fsf_sample.xml";
    let file = SourceFile { name: path.into(), bytes: std::fs::read(path).unwrap() };
    store.import(&[file], &ImportOptions::default()).unwrap();
    let screener = Screener::load(&store).unwrap();
    (store, screener)
}

fn input(counterparty: &str, affiliations: Vec<Affiliation>) -> ScreeningInput {
    ScreeningInput {
        counterparty: Query { name: counterparty.into(), schema: Some(Schema::Organization), ..Query::default() },
        affiliations,
    }
}

fn owner(name: &str, percent: f64) -> Affiliation {
    Affiliation {
        name: name.into(),
        relation: Relation::Owner,
        percent: Some(percent),
        country: None,
        schema: Some(Schema::Person),
    }
}

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

fn save(store: &mut Store, screener: &Screener, when: &str, input: &ScreeningInput) -> case::SavedScreening {
    case::open(store, screener, "ann", at(when), input).unwrap()
}

fn payload(event: &case::CaseEvent) -> Value {
    serde_json::from_str(event.payload.get()).unwrap()
}

#[test]
fn a_screening_with_affiliations_is_saved_as_opened_screened_and_watch_screened_events() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, screener) = store_and_screener(dir.path());
    let input = input("Noordzee Trading BV", vec![owner("Tatyana Vladimirovna Zhuravleva", 40.0)]);
    let saved = save(&mut store, &screener, "2026-03-04T10:00:00Z", &input);

    assert_eq!(saved.case_id, "K-2026-000001");
    assert!(saved.screening.counterparty.hits.is_empty(), "{:?}", saved.screening.counterparty.hits);
    let owner_hits = &saved.screening.affiliations[0].result.hits;
    assert_eq!(owner_hits.first().map(|h| h.list.as_str()), Some("eu-fsf"), "{owner_hits:?}");
    // The IPC shape: case_id next to the counterparty's and each affiliation's result.
    let shape = serde_json::to_value(&saved).unwrap();
    assert_eq!(shape["case_id"], "K-2026-000001");
    assert_eq!(shape["counterparty"]["query"]["name"], "Noordzee Trading BV");
    assert_eq!(shape["affiliations"][0]["affiliation"]["relation"], "owner");
    assert_eq!(shape["affiliations"][0]["affiliation"]["percent"], 40.0);
    assert!(shape["affiliations"][0]["result"]["hits"][0]["explanation"]["summary"].is_string());

    let file = store.case_file("K-2026-000001").unwrap().unwrap();
    let kinds: Vec<&str> = file.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["opened", "screened", "watch_screened"]);
    assert!(file.events.iter().all(|e| e.actor == "ann" && e.at == "2026-03-04T10:00:00.000Z"));
    assert_eq!(payload(&file.events[0]), serde_json::to_value(&input).unwrap());
    let screened = payload(&file.events[1]);
    assert_eq!(screened["affiliations"][0]["result"]["hits"][0]["list"], "eu-fsf");
    assert_eq!(screened["counterparty"]["lists"][0]["list"], "eu-fsf", "results cite the list versions");
    assert_eq!(screened["alerts"], owner_hits.len());
    case::verify_chain(&file.events).unwrap();

    assert_eq!(file.summary.counterparty, "Noordzee Trading BV");
    assert_eq!(file.summary.alerts, owner_hits.len() as u64);
    assert_eq!(file.summary.top_score, Some(owner_hits[0].score));
    assert_eq!(serde_json::to_value(&file.summary).unwrap()["status"], "draft");
}

#[test]
fn cases_are_numbered_per_year_listed_newest_first_and_found_by_quick_find() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, screener) = store_and_screener(dir.path());
    let first = save(&mut store, &screener, "2025-12-31T23:59:59Z", &input("Acme Holding BV", vec![]));
    let second = save(&mut store, &screener, "2026-01-01T00:00:01Z", &input("Inter Tobacco LLC", vec![]));
    let third = save(&mut store, &screener, "2026-01-02T09:00:00Z", &input("Jürgen Müller GmbH", vec![]));
    assert_eq!(
        [first.case_id.as_str(), &second.case_id, &third.case_id],
        ["K-2025-000001", "K-2026-000001", "K-2026-000002"]
    );

    let all = store.case_summaries().unwrap();
    let ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["K-2026-000002", "K-2026-000001", "K-2025-000001"]);
    let tobacco = &all[1];
    assert!(tobacco.alerts >= 1 && tobacco.top_score.unwrap() >= DEFAULT_THRESHOLD, "{tobacco:?}");
    assert_eq!((all[0].alerts, all[0].top_score), (0, None));

    let found = |filter: &str| case::find(all.clone(), filter).into_iter().map(|s| s.counterparty).collect::<Vec<_>>();
    assert_eq!(found("tobaco"), ["Inter Tobacco LLC"]);
    assert_eq!(found("muller"), ["Jürgen Müller GmbH"]);
    assert_eq!(found("bv"), ["Acme Holding BV"]);
    assert_eq!(found("").len(), 3);
}

#[test]
fn a_bad_affiliation_is_refused_before_anything_is_screened_or_saved() {
    let dir = tempfile::tempdir().unwrap();
    let (store, screener) = store_and_screener(dir.path());
    let mut bad = owner("Ivan Petrov", 30.0);
    bad.country = Some("Atlantis".into());
    let err = affiliations::screen(&screener, &input("Acme BV", vec![owner("A B", 10.0), bad]), DEFAULT_THRESHOLD)
        .unwrap_err();
    assert_eq!(
        err,
        ScreeningError::Affiliation {
            index: 1,
            name: "Ivan Petrov".into(),
            error: QueryError::Country("atlantis".into())
        }
    );
    assert_eq!(
        err.to_string(),
        "affiliation 2 (\"Ivan Petrov\"): country \"atlantis\": use an ISO 3166 alpha-2 code such as nl or ru"
    );
    let err =
        affiliations::screen(&screener, &input("Acme BV", vec![owner("A B", 130.0)]), DEFAULT_THRESHOLD).unwrap_err();
    assert!(matches!(err, ScreeningError::Percent { index: 0, .. }), "{err}");
    let err = affiliations::screen(&screener, &input(" ", vec![]), DEFAULT_THRESHOLD).unwrap_err();
    assert_eq!(err, ScreeningError::Counterparty(QueryError::EmptyName));
    assert!(store.case_summaries().unwrap().is_empty());
}

#[test]
fn events_extend_the_chain_and_any_change_to_history_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, screener) = store_and_screener(dir.path());
    let saved = save(&mut store, &screener, "2026-05-06T07:08:09Z", &input("Acme BV", vec![]));
    let note = NewEvent {
        at: "2026-05-06T08:00:00.000Z".into(),
        actor: "bob".into(),
        kind: EventKind::Screened,
        payload: json!({"counterparty": {"hits": []}, "affiliations": [], "alerts": 0, "top_score": null, "z": 1, "a": [0.1, "x"]}),
    };
    let fourth = store.append_case_event(&saved.case_id, &note).unwrap();
    assert_eq!(fourth.seq, 4);
    assert_eq!(
        fourth.payload.get(),
        r#"{"a":[0.1,"x"],"affiliations":[],"alerts":0,"counterparty":{"hits":[]},"top_score":null,"z":1}"#
    );
    let events = store.case_events(&saved.case_id).unwrap();
    assert_eq!(events[3].prev_hash, events[2].hash);
    assert_eq!(events[0].prev_hash, case::GENESIS);
    case::verify_chain(&events).unwrap();
    assert!(
        matches!(store.append_case_event("K-1999-000001", &note), Err(StoreError::NoCase(id)) if id == "K-1999-000001")
    );

    let mut edited = events.clone();
    edited[1].payload = serde_json::value::RawValue::from_string(r#"{"alerts":0}"#.into()).unwrap();
    assert_eq!(case::verify_chain(&edited), Err(ChainError::Hash { case_id: saved.case_id.clone(), seq: 2 }));
    let mut edited = events.clone();
    edited[0].actor = "mallory".into();
    assert_eq!(case::verify_chain(&edited), Err(ChainError::Hash { case_id: saved.case_id.clone(), seq: 1 }));
    let mut removed = events.clone();
    removed.remove(1);
    assert_eq!(
        case::verify_chain(&removed),
        Err(ChainError::Sequence { case_id: saved.case_id.clone(), seq: 3, expected: 2 })
    );
}

#[test]
fn the_database_refuses_to_update_delete_or_fork_case_events() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, screener) = store_and_screener(dir.path());
    let saved = save(&mut store, &screener, "2026-05-06T07:08:09Z", &input("Acme BV", vec![]));
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join("klaring.sqlite")).unwrap();
    let refused = |sql: &str| conn.execute(sql, [&saved.case_id]).unwrap_err().to_string();
    assert!(refused("UPDATE case_events SET actor = 'x' WHERE case_id = ?1").contains("never updated"));
    assert!(refused("DELETE FROM case_events WHERE case_id = ?1").contains("never deleted"));
    assert!(refused("DELETE FROM cases WHERE id = ?1").contains("never deleted"));
    let fork = "INSERT INTO case_events (case_id, seq, at, actor, kind, payload, prev_hash, hash)
                SELECT case_id, 2, at, actor, kind, payload, prev_hash, hash FROM case_events WHERE case_id = ?1 AND seq = 1";
    assert!(refused(fork).contains("extend"), "a second event 2 is refused");
    let skip = "INSERT INTO case_events (case_id, seq, at, actor, kind, payload, prev_hash, hash)
                SELECT case_id, 9, at, actor, kind, payload, prev_hash, hash FROM case_events WHERE case_id = ?1 AND seq = 2";
    assert!(refused(skip).contains("extend"), "a gap is refused");
}
