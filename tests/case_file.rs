//! Case files an auditor can trust (issue 4): dispositions, decisions, four eyes, attachments,
//! submission that freezes the case, verification that catches every changed, removed or
//! reordered event, re-screening against the case's own list versions, the allow list, and
//! retention. Tampering is simulated as an attacker with file access: a raw SQLite connection
//! that drops the triggers first.

use klaring::affiliations::ScreeningInput;
use klaring::case::allow_list::{self, AllowList, AllowStatus};
use klaring::case::events::{self, CaseError, Outcome, Verdict};
use klaring::case::{self, bundle, profile, rescreen, retention, verify};
use klaring::lists::SourceFile;
use klaring::matching::{Query, DEFAULT_THRESHOLD};
use klaring::model::Schema;
use klaring::screening::Screener;
use klaring::store::{ImportOptions, Store};
use std::path::{Path, PathBuf};

const SAMPLE: &str = "tests/fixtures/eu-fsf/eu_fsf_sample.xml";
const REASON: &str = "Birth date 1990-02-01 on the passport; the listed person was born 1967.";

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

fn db(dir: &Path) -> PathBuf {
    dir.join("klaring.sqlite")
}

fn import(store: &mut Store, xml: &str) {
    let file = SourceFile { name: "eu_fsf.xml".into(), bytes: xml.as_bytes().to_vec() };
    store.import(&[file], &ImportOptions { list: Some("eu-fsf".into()), as_of: None }).unwrap();
}

fn sample() -> String {
    std::fs::read_to_string(SAMPLE).unwrap()
}

fn set_user(store: &mut Store, name: &str, role: &str) {
    profile::save(store, &profile::UserProfile::new(name, role).unwrap()).unwrap();
}

/// A store with the EU sample list and the profile "Ann Export" (export manager).
fn store_in(dir: &Path) -> Store {
    let mut store = Store::open(&db(dir)).unwrap();
    import(&mut store, &sample());
    set_user(&mut store, "Ann Export", "export manager");
    store
}

fn open_case(store: &mut Store, name: &str, schema: Schema, when: &str) -> String {
    let input = ScreeningInput {
        counterparty: Query { name: name.into(), schema: Some(schema), ..Query::default() },
        affiliations: vec![],
    };
    let screener = Screener::load(store).unwrap();
    case::open(store, &screener, "Ann Export", at(when), &input).unwrap().case_id
}

/// The first hit of the case's latest screening: (list, entry id).
fn first_hit(store: &Store, id: &str) -> (String, String) {
    let state = events::state(store, id).unwrap();
    let hit = state.parties[0].hits.first().expect("the case has a hit");
    (hit.list.clone(), hit.entry_id.clone())
}

/// A case with a hit disposed of, a note and a decision: six events (opened, screened,
/// watch_screened, then those three).
fn decided_case(store: &mut Store) -> String {
    let id = open_case(store, "Tatyana Vladimirovna Zhuravleva", Schema::Person, "2026-03-04T10:00:00Z");
    let (list, entry) = first_hit(store, &id);
    events::dispose(store, &id, at("2026-03-04T10:05:00Z"), None, &list, &entry, Verdict::FalsePositive, REASON)
        .unwrap();
    events::note(store, &id, at("2026-03-04T10:06:00Z"), "Called the customer; passport copy requested.").unwrap();
    events::decide(
        store,
        &id,
        at("2026-03-04T10:10:00Z"),
        Outcome::Proceed,
        "The only hit is a different person (birth date); no other risk indicators.",
    )
    .unwrap();
    id
}

/// An attacker with the database file: drops the triggers, then runs `sql`.
fn tamper(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS case_events_never_updated; DROP TRIGGER IF EXISTS case_events_never_deleted;
         DROP TRIGGER IF EXISTS case_events_extend_the_chain;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
}

fn report(path: &Path, id: &str) -> verify::VerifyReport {
    let store = Store::open(path).unwrap();
    verify::verify_case(&store, id).unwrap()
}

#[test]
fn an_intact_case_verifies_and_survives_reopening_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let id = decided_case(&mut store);
    let before = store.case_events(&id).unwrap();
    drop(store);

    let store = Store::open(&db(dir.path())).unwrap();
    let after = store.case_events(&id).unwrap();
    assert_eq!(after.len(), 6);
    assert_eq!(before.iter().map(|e| &e.hash).collect::<Vec<_>>(), after.iter().map(|e| &e.hash).collect::<Vec<_>>());
    let r = verify::verify_case(&store, &id).unwrap();
    assert!(r.ok, "{:?}", r.problems);
    assert_eq!(r.head.unwrap().seq, 6);
    assert_eq!(store.case_summary(&id).unwrap().unwrap().status, case::CaseStatus::Decided);
    let kinds: Vec<_> = after.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["opened", "screened", "watch_screened", "disposition", "note", "decision"]);
    assert!(after[3..]
        .iter()
        .all(|e| e.actor == "Ann Export" && e.payload.get().contains("\"role\":\"export manager\"")));
}

#[test]
fn a_changed_byte_in_a_stored_event_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let id = decided_case(&mut store_in(dir.path()));
    tamper(
        &db(dir.path()),
        &format!(
            "UPDATE case_events SET payload = replace(payload, '1967', '1968') WHERE case_id = '{id}' AND seq = 4"
        ),
    );
    let r = report(&db(dir.path()), &id);
    assert!(!r.ok);
    assert!(r.problems.iter().any(|p| p.contains("event 4: the hash does not match")), "{:?}", r.problems);
}

#[test]
fn a_deleted_event_is_detected_in_the_middle_and_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let id = decided_case(&mut store_in(dir.path()));
    tamper(&db(dir.path()), &format!("DELETE FROM case_events WHERE case_id = '{id}' AND seq = 5"));
    let r = report(&db(dir.path()), &id);
    assert!(r.problems.iter().any(|p| p.contains("expected sequence number 5")), "{:?}", r.problems);

    // The last event removed: the chain itself is intact, the stored head is not.
    let dir = tempfile::tempdir().unwrap();
    let id = decided_case(&mut store_in(dir.path()));
    tamper(&db(dir.path()), &format!("DELETE FROM case_events WHERE case_id = '{id}' AND seq = 6"));
    let r = report(&db(dir.path()), &id);
    assert!(!r.ok);
    assert!(r.problems.iter().any(|p| p.contains("recorded head is event 6")), "{:?}", r.problems);
}

#[test]
fn two_reordered_events_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let id = decided_case(&mut store_in(dir.path()));
    tamper(
        &db(dir.path()),
        &format!(
            "UPDATE case_events SET seq = -1 WHERE case_id = '{id}' AND seq = 4;
             UPDATE case_events SET seq = 4 WHERE case_id = '{id}' AND seq = 5;
             UPDATE case_events SET seq = 5 WHERE case_id = '{id}' AND seq = -1;"
        ),
    );
    let r = report(&db(dir.path()), &id);
    assert!(!r.ok);
    assert!(r.problems.iter().any(|p| p.contains("event 4")), "{:?}", r.problems);
}

#[test]
fn the_json_bundle_verifies_and_a_changed_bundle_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let id = decided_case(&mut store);
    events::attach(&mut store, &id, at("2026-03-04T10:11:00Z"), "end-user-statement.pdf", b"%PDF-1.7 signed EUS")
        .unwrap();
    let b = bundle::export(&store, &id, at("2026-03-05T00:00:00Z")).unwrap();
    let text = serde_json::to_string_pretty(&b).unwrap();
    assert_eq!(
        b.attachments[0].sha256,
        klaring::store::hex(&<sha2::Sha256 as sha2::Digest>::digest(b"%PDF-1.7 signed EUS"))
    );
    let r = bundle::verify_bundle(&bundle::read(&text).unwrap(), Some(&store)).unwrap();
    assert!(r.ok, "{:?}", r.problems);
    assert_eq!(r.attachments_checked, 1);

    let forged = text.replace("no other risk indicators", "no other risk indicator!");
    assert_ne!(forged, text);
    let r = bundle::verify_bundle(&bundle::read(&forged).unwrap(), None).unwrap();
    assert!(!r.ok);
    assert!(r.problems.iter().any(|p| p.contains("event 6: the hash does not match")), "{:?}", r.problems);

    let mut shortened = bundle::read(&text).unwrap();
    shortened.events.pop();
    let r = bundle::verify_bundle(&shortened, None).unwrap();
    assert!(r.problems.iter().any(|p| p.contains("recorded head")), "{:?}", r.problems);
}

#[test]
fn four_eyes_refuses_the_decider_and_submission_needs_the_approval() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let id = open_case(&mut store, "Tatyana Vladimirovna Zhuravleva", Schema::Person, "2026-03-04T10:00:00Z");
    let (list, entry) = first_hit(&store, &id);
    let t = at("2026-03-04T11:00:00Z");

    let err = events::decide(&mut store, &id, t, Outcome::Proceed, "too short").unwrap_err();
    assert!(matches!(err, CaseError::Justification { min: 30, .. }), "{err}");
    let err = events::decide(&mut store, &id, t, Outcome::Proceed, "Proceed: the hit is not our customer at all.")
        .unwrap_err();
    assert!(matches!(err, CaseError::Undisposed(_)), "proceeding needs every hit disposed: {err}");
    let err = events::dispose(&mut store, &id, t, None, &list, &entry, Verdict::CannotExclude, "  ").unwrap_err();
    assert!(matches!(err, CaseError::NoFact));
    let err = events::dispose(&mut store, &id, t, None, &list, "no-such-entry", Verdict::TrueMatch, "x").unwrap_err();
    assert!(matches!(err, CaseError::NoSuchHit { .. }));

    events::dispose(&mut store, &id, t, None, &list, &entry, Verdict::CannotExclude, "No birth date known yet")
        .unwrap();
    events::decide(&mut store, &id, t, Outcome::Abstain, "We cannot exclude the listed person; no deal.").unwrap();
    let err = events::submit(&mut store, &id, t).unwrap_err();
    assert!(matches!(err, CaseError::ApprovalRequired { .. }), "{err}");
    let err = events::approve(&mut store, &id, t, "ok").unwrap_err();
    assert!(matches!(err, CaseError::SameUser { .. }), "{err}");
    set_user(&mut store, " ann  EXPORT ", "someone else");
    assert!(matches!(events::approve(&mut store, &id, t, "ok").unwrap_err(), CaseError::SameUser { .. }));

    set_user(&mut store, "Bob Compliance", "compliance officer");
    let approval = events::approve(&mut store, &id, t, "Agreed.").unwrap();
    assert_eq!(approval.actor, "Bob Compliance");
    events::submit(&mut store, &id, t).unwrap();
    assert_eq!(store.case_summary(&id).unwrap().unwrap().status, case::CaseStatus::Submitted);
}

#[test]
fn no_command_can_edit_a_submitted_case_but_it_can_be_rescreened() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let id = decided_case(&mut store);
    let (list, entry) = first_hit(&store, &id);
    let t = at("2026-03-05T09:00:00Z");
    events::submit(&mut store, &id, t).unwrap(); // false positive only: no approval needed
    let frozen = |r: Result<case::CaseEvent, CaseError>| matches!(r, Err(CaseError::Submitted { .. }));
    assert!(frozen(events::note(&mut store, &id, t, "late note")));
    assert!(frozen(events::decide(&mut store, &id, t, Outcome::Prohibited, "Changed my mind after submitting it.")));
    assert!(frozen(events::dispose(&mut store, &id, t, None, &list, &entry, Verdict::TrueMatch, "x")));
    assert!(frozen(events::attach(&mut store, &id, t, "a.txt", b"a")));
    assert!(frozen(events::submit(&mut store, &id, t)));
    set_user(&mut store, "Bob Compliance", "compliance officer");
    assert!(frozen(events::approve(&mut store, &id, t, "late")));
    let before = store.case_events(&id).unwrap().len();
    let r = rescreen::rescreen(&mut store, &id, t).unwrap();
    assert_eq!(store.case_events(&id).unwrap().len(), before + 1);
    assert_eq!(r.event.kind, "rescreened");
    assert!(verify::verify_case(&store, &id).unwrap().ok);
}

/// The sample list with `from` replaced by `to`, as a new list version.
fn import_changed(store: &mut Store, from: &str, to: &str) {
    let xml = sample();
    assert!(xml.contains(from), "{from}");
    import(store, &xml.replacen(from, to, 1));
}

#[test]
fn rescreen_against_the_old_version_shows_an_entry_added_in_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let id = open_case(&mut store, "Noordzee Optics Trading", Schema::Organization, "2026-03-04T10:00:00Z");
    assert!(first_hit_opt(&store, &id).is_none());
    let old = store.current_versions().unwrap()[0].clone();
    import_changed(&mut store, "wholeName=\"“Inter Tobacco” LLC\"", "wholeName=\"Noordzee Optics Trading LLC\"");
    assert_ne!(store.current_versions().unwrap()[0].id, old.id);

    let r = rescreen::rescreen(&mut store, &id, at("2026-04-01T08:00:00Z")).unwrap();
    assert!(r.reproduced, "the case's own list version gives the hits it recorded");
    assert_eq!(r.versions_then[0].sha256, old.sha256);
    assert_ne!(r.versions_now[0].sha256, old.sha256);
    let changes = &r.parties[0].changes;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].kind, rescreen::ChangeKind::New);
    assert_eq!(changes[0].score_then, None);
    assert_eq!(r.alerts, 1);
    // The new hit is now the case's latest screening and can be disposed of.
    let (list, entry) = first_hit(&store, &id);
    assert_eq!((list.as_str(), entry.as_str()), (changes[0].list.as_str(), changes[0].entry_id.as_str()));
    assert_eq!(store.case_summary(&id).unwrap().unwrap().alerts, 1);
}

fn first_hit_opt(store: &Store, id: &str) -> Option<(String, String)> {
    let state = events::state(store, id).unwrap();
    state.parties[0].hits.first().map(|h| (h.list.clone(), h.entry_id.clone()))
}

#[test]
fn an_allow_listed_pair_does_not_alert_again_unless_the_entry_changed() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let first = decided_case(&mut store); // false positive for Zhuravleva
    let (list, entry) = first_hit(&store, &first);

    // A later case for the same party (spelt differently): the pair is allow-listed.
    let later = open_case(&mut store, "ZHURAVLEVA, Tatyana Vladimirovna", Schema::Person, "2026-05-01T10:00:00Z");
    let r = rescreen::rescreen(&mut store, &later, at("2026-05-01T10:01:00Z")).unwrap();
    let hit = r.parties[0].now.iter().find(|h| h.list == list && h.entry_id == entry).unwrap();
    assert!(matches!(&hit.allow, AllowStatus::AllowListed { case_id, seq: 4, .. } if *case_id == first), "{hit:?}");
    assert_eq!(r.alerts, 0);

    // The screening paths' function gives the same answer over the current lists.
    let allow = AllowList::load(&store).unwrap();
    assert_eq!(allow.len(), 1);
    let query =
        Query { name: "Tatyana Vladimirovna Zhuravleva".into(), schema: Some(Schema::Person), ..Query::default() };
    let mut result = Screener::load(&store).unwrap().screen(None, &query, DEFAULT_THRESHOLD).unwrap();
    allow_list::apply(&store, &allow, &mut result).unwrap();
    let prior = result.hits[0].allow_listed.as_ref().expect("the pair is allow-listed");
    assert_eq!((prior.case_id.as_str(), prior.seq, prior.changed), (first.as_str(), 4, false));
    assert_eq!(result.alerts().count(), 0);
    // Another party does not inherit it.
    let other = allow.status(&allow_list::party_key("Tatyana Petrova", Some(Schema::Person)), &list, &entry, None);
    assert_eq!(other, AllowStatus::Alert);

    // The list entry changes (birth date corrected): it alerts again, marked as changed.
    import_changed(&mut store, "birthdate=\"1967-12-19\"", "birthdate=\"1968-12-19\"");
    let r = rescreen::rescreen(&mut store, &later, at("2026-06-01T10:00:00Z")).unwrap();
    let hit = r.parties[0].now.iter().find(|h| h.list == list && h.entry_id == entry).unwrap();
    assert!(matches!(hit.allow, AllowStatus::ChangedSinceAllowListed { .. }), "{hit:?}");
    assert_eq!(r.alerts, 1);
}

#[test]
fn retention_runs_from_the_end_of_the_year_and_no_case_can_be_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let id = open_case(&mut store, "Noordzee Optics Trading", Schema::Organization, "2026-03-04T10:00:00Z");
    let keep = |store: &Store| {
        retention::retention(&events::state(store, &id).unwrap(), retention::years(store).unwrap())
            .retain_until
            .to_string()
    };
    assert_eq!(keep(&store), "2036-12-31", "default 10 years from the end of the creation year");
    assert!(matches!(retention::set_years(&mut store, 4), Err(CaseError::Retention(4))));
    retention::set_years(&mut store, 7).unwrap();
    assert_eq!(keep(&store), "2033-12-31");
    events::decide(
        &mut store,
        &id,
        at("2027-01-15T09:00:00Z"),
        Outcome::Abstain,
        "The customer did not answer our questions.",
    )
    .unwrap();
    assert_eq!(keep(&store), "2034-12-31", "the last decision's year");
    drop(store);

    let conn = rusqlite::Connection::open(db(dir.path())).unwrap();
    for sql in
        ["DELETE FROM cases", "DELETE FROM case_events", "DELETE FROM case_heads", "UPDATE case_events SET actor = 'x'"]
    {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("never"), "{sql}: {err}");
    }
}

#[test]
fn a_kill_9_in_the_middle_of_a_decision_leaves_no_half_written_event() {
    let dir = tempfile::tempdir().unwrap();
    let klaring = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_klaring"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    // The first run installs the bundled lists; it is not killed.
    let out = klaring(&["user", "set", "--name", "Ann Export", "--role", "export manager"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = klaring(&["case", "open", "Noordzee Optics Trading", "--schema", "organization", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let opened: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = opened["case_id"].as_str().unwrap().to_string();

    let justification = "The customer is a known distributor; no hits, low-risk destination.";
    let mut finished = 0;
    for round in 0..30u64 {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_klaring"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["case", "decide", &id, "--outcome", "abstain", "--justification", justification])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(round * 3 % 60));
        child.kill().unwrap(); // SIGKILL on Unix
        if child.wait().unwrap().success() {
            finished += 1;
        }
    }
    let out = klaring(&["case", "verify", &id]);
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let store = Store::open(&db(dir.path())).unwrap();
    let events = store.case_events(&id).unwrap();
    let decisions = events.iter().filter(|e| e.kind == "decision").count();
    assert!(decisions >= finished, "{decisions} decisions stored, {finished} runs finished");
    for e in events.iter().filter(|e| e.kind == "decision") {
        let p: serde_json::Value = serde_json::from_str(e.payload.get()).unwrap();
        assert_eq!(p["justification"], justification);
    }
    assert_eq!(store.case_head(&id).unwrap().unwrap().0, events.len() as i64);
}

#[test]
fn the_cli_records_a_case_file_and_refuses_to_edit_it_once_submitted() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_klaring"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["case", "open", "Noordzee Optics Trading"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("klaring user set"));
    assert!(run(&["user", "set", "--name", "Ann Export", "--role", "export manager"]).status.success());
    let out = run(&["case", "open", "Noordzee Optics Trading", "--json"]);
    let id = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["case_id"].as_str().unwrap().to_string();
    let eus = dir.path().join("eus.txt");
    std::fs::write(&eus, "signed end-user statement").unwrap();
    for args in [
        vec!["case", "attach", &id, eus.to_str().unwrap()],
        vec!["case", "note", &id, "Met at the fair."],
        vec![
            "case",
            "decide",
            &id,
            "--outcome",
            "proceed",
            "--justification",
            "No hits; destination and end user are low risk.",
        ],
        vec!["case", "submit", &id],
        vec!["case", "verify", &id],
    ] {
        let out = run(&args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = run(&["case", "note", &id, "too late"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("frozen"), "{}", String::from_utf8_lossy(&out.stderr));
    let show = String::from_utf8(run(&["case", "show", &id]).stdout).unwrap();
    assert!(show.contains("submitted") && show.contains("retain until") && show.contains("eus.txt"), "{show}");
    let bundle = dir.path().join("bundle.json");
    assert!(run(&["case", "export", &id, "--json", bundle.to_str().unwrap()]).status.success());
    let out = run(&["case", "verify", "--bundle", bundle.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&run(&["case", "list"]).stdout).contains(&id));
}
