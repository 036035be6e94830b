//! The PDF case report (domain brief §7: "the PDF or print export shows everything above in a
//! human-readable order, so a CDIU or auditor visit needs no app access"). A real case is built
//! in a real SQLite file, exported, and read back the way an auditor's machine would: poppler's
//! `pdftotext` for the words and `pdftoppm` for the pages (both from poppler-utils, installed by
//! scripts/install-deps.sh).

use klaring::affiliations::{Affiliation, Relation, ScreeningInput};
use klaring::case::assessment::{self, Transaction};
use klaring::case::events::{self, Outcome, Verdict};
use klaring::case::{self, profile, report};
use klaring::lists::SourceFile;
use klaring::matching::Query;
use klaring::model::Schema;
use klaring::screening::Screener;
use klaring::store::{ImportOptions, Store};
use klaring::watch;
use serde_json::json;
use std::path::Path;
use std::process::Command;

const SAMPLE: &str = "tests/fixtures/eu-fsf/eu_fsf_sample.xml";
const FACT: &str = "Born 1990-02-01 per the passport copy; the listed person was born 1967-12-19.";
const JUSTIFICATION: &str =
    "The director's hit is a different person (birth date); licence to be applied for before shipping.";

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

fn set_user(store: &mut Store, name: &str, role: &str) {
    profile::save(store, &profile::UserProfile::new(name, role).unwrap()).unwrap();
}

/// A database file with the EU list sample and Ann Export (export manager) as the user.
fn store_in(dir: &Path) -> Store {
    let mut store = Store::open(&dir.join("klaring.sqlite")).unwrap();
    let file = SourceFile { name: "eu_fsf.xml".into(), bytes: std::fs::read(SAMPLE).unwrap() };
    store.import(&[file], &ImportOptions { list: Some("eu-fsf".into()), as_of: None }).unwrap();
    set_user(&mut store, "Ann Export", "export manager");
    store
}

fn open_case(store: &mut Store, counterparty: &str, affiliates: &[(&str, Relation, Schema)]) -> String {
    let input = ScreeningInput {
        counterparty: Query { name: counterparty.into(), schema: Some(Schema::Organization), ..Query::default() },
        affiliations: affiliates
            .iter()
            .map(|(name, relation, schema)| Affiliation {
                name: (*name).into(),
                relation: *relation,
                percent: None,
                country: None,
                schema: Some(*schema),
            })
            .collect(),
    };
    let screener = Screener::load(store).unwrap();
    case::open(store, &screener, "Ann Export", at("2026-03-04T10:00:00Z"), &input).unwrap().case_id
}

/// The news item that puts the counterparty on the watch-list (the factsheet's case 2).
fn in_the_news(store: &mut Store) {
    let item: watch::NewItem = serde_json::from_value(json!({
        "title": "Andes Lawful Solutions sold interception kit to repressive regimes",
        "summary": "An investigation found that Andes Lawful Solutions SpA supplied interception equipment.",
        "date": "2023-11-02",
        "source": {"publisher": "Example News", "url": "https://news.example/andes"},
        "tags": ["interception"],
        "parties": [{"name": "Andes Lawful Solutions SpA", "kind": "organization", "role": "vendor"}]
    }))
    .unwrap();
    watch::add_item(store, &item, "Ann Export").unwrap();
}

/// Casus 2 of the Dutch factsheet: listed network equipment for a company in the news for
/// selling surveillance kit; elevated, so the decision needs a second person.
fn transaction() -> Transaction {
    serde_json::from_value(json!({
        "goods": [{"class": "switch_router", "listed": true, "entry": "5A002.a",
                   "description": "Core switch with MACsec", "quantity": 12}],
        "destination": "cl",
        "end_use": "Upgrade of the company's internal network",
        "counterparty": {"reseller": true}
    }))
    .unwrap()
}

/// The whole life of a case: screened (the director hits the EU list), the hit disposed of,
/// risk assessed (elevated), decided, approved by a second person, a file attached, a note.
fn full_case(store: &mut Store) -> String {
    in_the_news(store);
    let id = open_case(
        store,
        "Andes Lawful Solutions SpA",
        &[("Tatyana Vladimirovna Zhuravleva", Relation::Director, Schema::Person)],
    );
    let state = events::state(store, &id).unwrap();
    let hit = state.parties[1].hits.first().expect("the director hits the EU list").clone();
    let t = |s: &str| at(&format!("2026-03-04T{s}Z"));
    events::dispose(store, &id, t("10:05:00"), None, &hit.list, &hit.entry_id, Verdict::FalsePositive, FACT).unwrap();
    assessment::assess(store, &id, t("10:07:00"), &transaction()).unwrap();
    events::decide(store, &id, t("10:10:00"), Outcome::ProceedWithConditions, JUSTIFICATION).unwrap();
    set_user(store, "Bob Compliance", "compliance officer");
    events::approve(store, &id, t("10:20:00"), "Agreed, with the end-user statement on file.").unwrap();
    set_user(store, "Ann Export", "export manager");
    events::attach(store, &id, t("10:25:00"), "end-user-statement.pdf", b"%PDF-1.7 signed EUS").unwrap();
    events::note(store, &id, t("10:30:00"), "Customer confirmed the delivery address in Santiago.").unwrap();
    id
}

/// Runs a poppler tool; a missing tool fails the test, saying how to install it.
fn poppler(tool: &str, args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} could not be run ({e}): install poppler-utils (scripts/install-deps.sh does)")
    });
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The PDF's text as `pdftotext -layout` reads it.
fn text_of(pdf: &[u8], dir: &Path) -> String {
    let file = dir.join("report.pdf");
    std::fs::write(&file, pdf).unwrap();
    let text = poppler("pdftotext", &["-layout".as_ref(), file.as_os_str(), "-".as_ref()]);
    String::from_utf8(text).unwrap()
}

/// "page 1 of N" on every page, N the PDF's page count.
fn assert_paged(text: &str) -> usize {
    let pages = text.split('\u{c}').filter(|p| !p.trim().is_empty()).count();
    assert!(pages >= 2, "a full case takes more than one page");
    for page in 1..=pages {
        assert!(text.contains(&format!("page {page} of {pages}")), "page {page} of {pages} missing:\n{text}");
    }
    pages
}

#[test]
fn an_auditor_reads_the_whole_case_file_from_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let id = full_case(&mut store);
    let pdf = report::pdf(&store, &id).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = text_of(&pdf, dir.path());
    let has = |needle: &str| assert!(text.contains(needle), "{needle:?} is not in the report:\n{text}");

    // Header: case id, Klaring version; parties as entered.
    has(&format!("Klaring case report · {id}"));
    has(&format!("Klaring {}", env!("CARGO_PKG_VERSION")));
    has("Andes Lawful Solutions SpA");
    has("Tatyana Vladimirovna Zhuravleva");
    has("director");
    // The transaction as entered.
    has("Core switch with MACsec");
    has("12");
    // The news that put the counterparty on the watch-list, as the case recorded it.
    has("Watch-list findings");
    has("Andes Lawful Solutions sold interception kit to repressive");
    has("not judged (counts in the risk");
    has("Upgrade of the company's internal network");
    has("5A002.a");
    // Lists with their SHA-256, matcher and threshold.
    for v in store.current_versions().unwrap() {
        has(&v.list);
        has(&v.version);
        has(&v.sha256);
    }
    has("Matcher");
    // The hit, its disposition and the fact that decided it.
    let state = events::state(&store, &id).unwrap();
    let hit = &state.parties[1].hits[0];
    has(&hit.entry_id);
    has(&format!("{:.3}", hit.score));
    has(&format!("Disposition: false positive — {FACT}"));
    // Decision, four eyes, attachment, note, risk, retention.
    has("proceed with conditions");
    has("licence to be applied for before shipping");
    has("Bob Compliance");
    has("the risk tier is elevated");
    has("end-user-statement.pdf");
    has(&klaring::store::hex(&<sha2::Sha256 as sha2::Digest>::digest(b"%PDF-1.7 signed EUS")));
    has("Customer confirmed the delivery address in Santiago.");
    has("risk-model v1");
    has("watch-list");
    has("2036-12-31");
    // The event log with every hash, and the verification result.
    let events = store.case_events(&id).unwrap();
    for e in &events {
        has(&e.hash);
    }
    has(&format!("Last event {}: {}", events.len(), events.last().unwrap().hash));
    has("Verification: intact.");
    assert_paged(&text);

    // Every page renders as an image (the report is looked at, not only grepped).
    let pdf_file = dir.path().join("report.pdf");
    let prefix = dir.path().join("page");
    poppler("pdftoppm", &["-r".as_ref(), "60".as_ref(), "-png".as_ref(), pdf_file.as_os_str(), prefix.as_os_str()]);
    let pngs = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".png"))
        .count();
    assert_eq!(pngs, assert_paged(&text));
}

#[test]
fn the_same_case_gives_the_same_pdf_bytes_and_a_new_event_changes_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let id = full_case(&mut store);
    let first = report::pdf(&store, &id).unwrap();
    assert!(first == report::pdf(&store, &id).unwrap(), "two renders of one case differ");
    events::note(&mut store, &id, at("2026-03-05T08:00:00Z"), "Shipment booked.").unwrap();
    let later = report::pdf(&store, &id).unwrap();
    assert!(first != later);
    let text = text_of(&later, dir.path());
    assert!(text.contains(&store.case_events(&id).unwrap().last().unwrap().hash));
}

#[test]
fn a_tampered_case_says_so_in_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let id = full_case(&mut store);
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join("klaring.sqlite")).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER IF EXISTS case_events_never_updated;
         UPDATE case_events SET payload = replace(payload, '1990', '1991') WHERE case_id = '{id}' AND seq = 4;"
    ))
    .unwrap();
    drop(conn);
    let store = Store::open(&dir.path().join("klaring.sqlite")).unwrap();
    let text = text_of(&report::pdf(&store, &id).unwrap(), dir.path());
    assert!(text.contains("Verification: NOT INTACT."), "{text}");
    assert!(text.contains("event 4: the hash does not match"), "{text}");
}

#[test]
fn hostile_and_foreign_names_are_printed_literally() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let hostile = [
        r#"#import "x": *"#,
        r#"$ [ ] \ Trading #set page(width: 1cm) *bold* _em_ <l> @ref"#,
        "شركة النور للتجارة",
        "王芳贸易有限公司",
        "Общество Восток",
    ];
    let id = open_case(
        &mut store,
        hostile[0],
        &hostile[1..].iter().map(|n| (*n, Relation::Customer, Schema::Organization)).collect::<Vec<_>>(),
    );
    events::note(&mut store, &id, at("2026-03-04T11:00:00Z"), r#"#panic("x") ]} `code` $x^2$"#).unwrap();
    let text = text_of(&report::pdf(&store, &id).unwrap(), dir.path());
    let has = |needle: &str| assert!(text.contains(needle), "{needle:?} is not in the report:\n{text}");
    has(hostile[0]);
    has(hostile[1]);
    has(r#"#panic("x") ]} `code` $x^2$"#);
    has("Общество Восток");
    // The scripts without an embedded font: printed from a system font where one has the glyphs
    // (install-deps.sh installs DejaVu for Arabic and WenQuanYi for Chinese), and always in the
    // Latin form the matcher compared.
    has("王芳贸易有限公司");
    has("Latin: wang fang mao yi you xian gong si");
    has("Latin: shrkh al nwr lltjrh");
    assert!(text.contains("شركة النور") || text.contains("ﺷﺮﻛﺔ"), "no Arabic in the report:\n{text}");
}

#[test]
fn the_cli_exports_the_pdf_beside_the_json_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let klaring = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_klaring")).arg("--data-dir").arg(dir.path()).args(args).output();
        let out = out.unwrap();
        assert!(out.status.success(), "klaring {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    klaring(&["user", "set", "--name", "Ann Export", "--role", "export manager"]);
    let opened = klaring(&["case", "open", "Noordzee Optics Trading", "--schema", "organization", "--json"]);
    let id = serde_json::from_str::<serde_json::Value>(&opened).unwrap()["case_id"].as_str().unwrap().to_string();
    let pdf = dir.path().join("case.pdf");
    let json = dir.path().join("case.json");
    let said = klaring(&["case", "export", &id, "--pdf", pdf.to_str().unwrap(), "--json", json.to_str().unwrap()]);
    assert!(said.contains("PDF report") && said.contains("events"), "{said}");
    let bytes = std::fs::read(&pdf).unwrap();
    let text = text_of(&bytes, dir.path());
    assert!(text.contains(&id) && text.contains("Noordzee Optics Trading"), "{text}");
    // Another process, the same bytes: nothing in the PDF comes from the clock or chance.
    let again = dir.path().join("again.pdf");
    klaring(&["case", "export", &id, "--pdf", again.to_str().unwrap()]);
    assert!(bytes == std::fs::read(&again).unwrap(), "two exports of one case differ");
    assert!(text.contains("No hit at or above the threshold."), "{text}");
}

#[test]
fn a_hit_through_a_listed_entrys_links_and_the_confirmed_link_read_as_such_in_the_report() {
    // The bundled OFAC SDN list names Beratex Group Limited as the owner of the tanker ST. VITAMIN.
    let dir = tempfile::tempdir().unwrap();
    let mut store = klaring::app::open(dir.path()).unwrap();
    set_user(&mut store, "Ann Export", "export manager");
    let id = open_case(&mut store, "Beratex Group Ltd", &[]);
    let fact = "The registry extract shows our prospect owns the tanker ST. VITAMIN.";
    events::dispose(&mut store, &id, at("2026-03-04T10:05:00Z"), None, "ofac-sdn", "27200", Verdict::TrueMatch, fact)
        .unwrap();
    assessment::assess(&mut store, &id, at("2026-03-04T10:07:00Z"), &transaction()).unwrap();

    let text = text_of(&report::pdf(&store, &id).unwrap(), dir.path());
    assert!(text.contains("names \"Beratex Group Limited\" in its links (owner)"), "{text}");
    assert!(text.contains("Named in list entries"), "{text}");
    assert!(text.contains("ofac-sdn entry 27200 (ST. VITAMIN) names it in its links"), "{text}");
}
