//! Ongoing monitoring after a list update: `cargo bench --bench monitor [-- CASES]`.
//!
//! Saves CASES (default 10,000) draft cases against all bundled lists, each a counterparty
//! with one affiliate (names drawn from the lists and made-up innocent ones), imports a new
//! version of the UN list in which one entry's alias changed and one name was added, and times
//! `update::monitor::run`: every case screened again, fingerprints compared, alerts written.
//! Prints the figures for the README; nothing here asserts a time.

use klaring::affiliations::{Affiliation, Relation, ScreeningInput};
use klaring::app;
use klaring::lists::SourceFile;
use klaring::matching::Query;
use klaring::model::Schema;
use klaring::screening::Screener;
use klaring::store::{ImportOptions, Store};
use klaring::update::monitor;
use std::time::Instant;

fn main() {
    let cases: usize =
        std::env::args().skip(1).find(|a| !a.starts_with('-')).map_or(10_000, |n| n.parse().expect("CASES"));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&app::database_path(dir.path())).expect("open store");
    app::install_bundled(&mut store).expect("bundled lists");
    let screener = Screener::load(&store).expect("index");

    // Listed names (every 40th) among innocent ones, as a customer base has them.
    let listed: Vec<String> = store
        .entities(screener.versions())
        .expect("entities")
        .into_iter()
        .step_by(97)
        .map(|(_, e)| e.primary_name().to_string())
        .collect();
    let given = ["Jan", "Anna", "Pieter", "Sanne", "Ahmed", "Olga", "Wei", "Maria", "Lars", "Fatima"];
    let family = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters"];
    let started = Instant::now();
    let at: chrono::DateTime<chrono::Utc> = "2026-01-05T09:00:00Z".parse().unwrap();
    for i in 0..cases {
        let counterparty = if i % 40 == 0 {
            listed[i / 40 % listed.len()].clone()
        } else {
            format!("{} {} Trading {i} B.V.", family[i % 10], family[i / 10 % 10])
        };
        let input = ScreeningInput {
            counterparty: Query { name: counterparty, schema: Some(Schema::Organization), ..Query::default() },
            affiliations: vec![Affiliation {
                name: format!("{} {}", given[i % 10], family[i / 7 % 10]),
                relation: Relation::Director,
                percent: None,
                country: None,
                schema: Some(Schema::Person),
            }],
        };
        klaring::case::open(&mut store, &screener, "bench", at, &input).expect("save");
    }
    let saving = started.elapsed();

    // The next UN list: one alias respelled, which changes an entry some cases may hit.
    let un = std::str::from_utf8(app::BUNDLED.iter().find(|b| b.list == "un-sc").unwrap().files[0].1).unwrap();
    let changed = un.replacen("<ALIAS_NAME>", "<ALIAS_NAME>Respelled ", 1);
    let started = Instant::now();
    store
        .import(
            &[SourceFile { name: "consolidated.xml".into(), bytes: changed.into_bytes() }],
            &ImportOptions::default(),
        )
        .expect("import the new UN version");
    let import = started.elapsed();
    let started = Instant::now();
    let screener = Screener::load(&store).expect("index");
    let index = started.elapsed();
    let started = Instant::now();
    let report = monitor::run(&mut store, &screener, at, &mut |_| {}).expect("monitor");
    let monitoring = started.elapsed();

    println!("cases saved:           {cases} ({} parties) in {:.1} s", report.parties, saving.as_secs_f64());
    println!(
        "new UN version:        imported in {:.2} s, index rebuilt in {:.2} s",
        import.as_secs_f64(),
        index.as_secs_f64()
    );
    println!(
        "re-screening:          {cases} cases in {:.2} s ({:.0} cases/s, {} threads), {} alerts, {} skipped",
        monitoring.as_secs_f64(),
        cases as f64 / monitoring.as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        report.alerts.len(),
        report.skipped.len()
    );
}
