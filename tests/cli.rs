//! The `klaring` command as a script would use it: stable JSON on stdout, errors on stderr
//! with a non-zero status, never half a JSON document.

use serde_json::Value;
use std::process::{Command, Output};
use std::sync::OnceLock;

/// One data directory for all CLI tests, installed once by the first command.
fn data_dir() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = klaring_in(dir.path(), &["lists"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        dir
    })
    .path()
}

fn klaring_in(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_klaring")).arg("--data-dir").arg(dir).args(args).output().expect("run klaring")
}

fn klaring(args: &[&str]) -> Output {
    klaring_in(data_dir(), args)
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn screen_json_has_the_promised_shape() {
    let out = klaring(&[
        "screen",
        "Murad Stanislavovich GADZHIYEV",
        "--country",
        "RU",
        "--birth-date",
        "1961-07-31",
        "--schema",
        "person",
        "--json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let result: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(result["query"]["name"], "Murad Stanislavovich GADZHIYEV");
    assert_eq!(result["query"]["country"], "ru");
    let hit = &result["hits"][0];
    for key in ["list", "entry_id", "name", "matched_name", "score", "explanation"] {
        assert!(!hit[key].is_null(), "hit lacks {key}: {hit}");
    }
    assert!(hit["explanation"]["summary"].as_str().unwrap().contains("born 1961-07-31"), "{hit}");
    let lists = result["lists"].as_array().unwrap();
    assert_eq!(lists.len(), 7);
    for key in ["list", "version", "published", "sha256"] {
        assert!(lists[0].get(key).is_some(), "list lacks {key}");
    }
}

#[test]
fn a_batch_gives_one_result_per_row_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("customers.csv");
    std::fs::write(&path, "id,name,country,schema\nc-1,Jasmine Adams,us,person\nc-2,Omar Patek,,person\nc-3,Marine Trans Shipping LLC,,organization\n").unwrap();
    let out = klaring(&["screen", "--batch", path.to_str().unwrap(), "--json", "--threads", "2"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary: Vec<(String, usize)> =
        rows.iter().map(|r| (r["id"].as_str().unwrap().to_string(), r["hits"].as_array().unwrap().len())).collect();
    assert_eq!(summary[0], ("c-1".to_string(), 0));
    assert_eq!(summary[1].0, "c-2");
    assert!(summary[1].1 >= 3, "Omar Patek is on several lists: {summary:?}");
    assert_eq!(summary[2].0, "c-3");
    assert!(summary[2].1 >= 1);
}

#[test]
fn errors_go_to_stderr_with_a_failing_status_and_nothing_on_stdout() {
    let out = klaring(&["screen", "Ivan", "--birth-date", "31-07-1961", "--json"]);
    assert!(!out.status.success());
    assert_eq!(stdout(&out), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "klaring: birth date \"31-07-1961\": use YYYY, YYYY-MM or YYYY-MM-DD"
    );

    let out = klaring(&["import", "/nonexistent/sdn.csv"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("reading /nonexistent/sdn.csv"));
}

#[test]
fn lists_shows_each_list_with_its_date_age_and_staleness() {
    let out = klaring(&["lists", "--json"]);
    assert!(out.status.success());
    let lists: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let un = lists.iter().find(|l| l["list"] == "un-sc").unwrap();
    assert_eq!(un["published"], "2026-02-27");
    assert!(un["age_days"].as_i64().unwrap() >= 0);
    assert_eq!(un["stale"], un["age_days"].as_i64().unwrap() > 30);
    let text = stdout(&klaring(&["lists", "--max-age", "100000"]));
    assert!(text.contains("un-sc") && text.contains("current") && !text.contains("STALE"), "{text}");
}

#[test]
fn importing_a_file_makes_it_the_current_version() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ofac-xml/consolidated.xml");
    let out = klaring_in(dir.path(), &["import", fixture]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout(&out).starts_with("imported ofac-cons version 2025-03-28+ce9a9a18: 443 entries"),
        "{}",
        stdout(&out)
    );
}
