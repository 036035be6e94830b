//! Speed and memory of the screening core over all bundled lists:
//! `cargo bench --bench screening [-- QUERIES.jsonl]`.
//!
//! Prints import time, index build time, single-query latency (p50, p99), batch throughput
//! with 1 and 2 threads, and peak resident memory. Figures go in the README with the machine
//! they ran on; nothing here asserts a time.

use klaring::app;
use klaring::batch::{self, Row};
use klaring::matching::{Query, DEFAULT_THRESHOLD};
use klaring::screening::{screen_all, Screener};
use klaring::store::Store;
use std::time::Instant;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let mut store = Store::open(&app::database_path(dir.path())).expect("open store");
    let installed = app::install_bundled(&mut store).expect("import bundled lists");
    let import = started.elapsed();

    let started = Instant::now();
    let screener = Screener::load(&store).expect("build index");
    let build = started.elapsed();
    let entities: u64 = screener.versions().iter().map(|v| v.record_count).sum();

    let rows = queries();
    // Single-query latency, one thread, every query once after a warm-up pass.
    for row in rows.iter().take(50) {
        let _ = screener.screen(None, &row.query, DEFAULT_THRESHOLD);
    }
    let mut latencies: Vec<f64> = rows
        .iter()
        .map(|row| {
            let t = Instant::now();
            let _ = screener.screen(None, &row.query, DEFAULT_THRESHOLD);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];

    let throughput = |threads: usize| {
        let repeated: Vec<Row> = rows.iter().cycle().take(rows.len().max(5000)).cloned().collect();
        let t = Instant::now();
        let results = screen_all(&screener, &repeated, DEFAULT_THRESHOLD, threads, || {});
        assert_eq!(results.len(), repeated.len());
        repeated.len() as f64 / t.elapsed().as_secs_f64()
    };
    let one = throughput(1);
    let two = throughput(2);

    println!("lists imported:        {installed} lists, {entities} entries in {:.2} s", import.as_secs_f64());
    println!(
        "index build:           {:.2} s ({} names, {} distinct tokens)",
        build.as_secs_f64(),
        screener.index().names.len(),
        screener.index().vocabulary_size()
    );
    println!("single query latency:  p50 {:.2} ms, p99 {:.2} ms ({} queries)", pct(0.50), pct(0.99), latencies.len());
    println!("batch throughput:      {one:.0} queries/s with 1 thread, {two:.0} queries/s with 2 threads");
    println!("peak resident memory:  {}", peak_memory());
}

/// The dev-set queries if a path is given, else a built-in mix of listed and innocent names.
fn queries() -> Vec<Row> {
    if let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        let text = std::fs::read_to_string(&path).expect("read queries");
        return batch::parse(&path, &text).expect("parse queries");
    }
    let names = [
        "Murad Stanislavovich GADZHIYEV",
        "Omar Patek",
        "Ivan ABRAMOV",
        "Сергей Борисович БРИЛЕВ",
        "Banco Nacional de Cuba",
        "Marine Trans Shipping LLC",
        "KB Radar Sdn. Bhd.",
        "Jasmine Adams",
        "Noord Electronics B.V.",
        "Chengdu Xinhong Textile Co., Ltd.",
        "Mohammed Ali",
        "Ahmed Hassan Trading",
        "Dmitry Sergeyevich PERMINOV",
        "Shahid Sattari Ground Equipment Industries",
        "Anya Kovaleva",
    ];
    names
        .iter()
        .enumerate()
        .map(|(i, n)| Row {
            id: i.to_string(),
            line: i as u64 + 1,
            query: Query { name: n.to_string(), ..Query::default() },
        })
        .collect()
}

/// Peak resident set size from /proc (Linux); "n/a" elsewhere.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l["VmHWM:".len()..].trim().to_string()))
        .unwrap_or_else(|| "n/a".into())
}
