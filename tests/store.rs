//! The list store on a real SQLite file: first use installs the bundled lists offline; an
//! import is all or nothing; bad files change nothing and say where they break.

use klaring::app;
use klaring::lists::SourceFile;
use klaring::store::{ImportOptions, Store};

fn bundled(list: &str, file: &str) -> SourceFile {
    let path = format!("{}/data/lists/{list}/{file}", env!("CARGO_MANIFEST_DIR"));
    SourceFile { name: format!("{list}/{file}"), bytes: std::fs::read(&path).expect("bundled file") }
}

/// A store in a fresh data directory with the bundled lists installed, as on first use. The
/// install runs once per test binary; each test gets its own copy of the database file.
fn fresh() -> (tempfile::TempDir, Store) {
    static TEMPLATE: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        // Closing the store checkpoints the write-ahead log into the database file.
        drop(app::open(dir.path()).expect("first use installs the bundled lists"));
        dir
    });
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(app::database_path(template.path()), app::database_path(dir.path())).expect("copy database");
    let store = app::open(dir.path()).expect("open the copy");
    (dir, store)
}

#[test]
fn first_use_imports_every_bundled_list_offline_with_its_provenance() {
    let (_dir, store) = fresh();
    let versions = store.current_versions().unwrap();
    let summary: Vec<String> = versions
        .iter()
        .map(|v| {
            format!(
                "{} {} published={} as_of={} files={}",
                v.list,
                v.record_count,
                v.published.as_deref().unwrap_or("-"),
                v.as_of.as_deref().unwrap_or("-"),
                v.files.len()
            )
        })
        .collect();
    expect_test::expect![[r#"
        un-sc 1003 published=2026-02-27 as_of=- files=1
        ofac-sdn 14965 published=- as_of=2024-05-03 files=4
        ofac-cons 442 published=- as_of=2025-12-19 files=4
        uk-ofsi 4686 published=2025-04-10 as_of=- files=1
        uk-fcdo 5300 published=- as_of=2025-08-11 files=1
        ca-sema 4759 published=- as_of=2025-03-20 files=1
        au-dfat 3062 published=- as_of=2024-11-11 files=1"#]]
    .assert_eq(&summary.join("\n"));
    let un = &versions[0];
    assert_eq!(
        un.sha256, "66b392a4090868d2d39161e8d748efd39138377b0e6e60b7921aa67a4f99c8bf",
        "a single file's hash is the file's own sha256"
    );
    assert_eq!(un.version, "2026-02-27+66b392a4");
}

#[test]
fn the_database_survives_a_restart_and_first_use_runs_once() {
    let dir = tempfile::tempdir().unwrap();
    let first = app::open(dir.path()).unwrap().current_versions().unwrap();
    let again = app::open(dir.path()).unwrap().current_versions().unwrap();
    assert_eq!(first, again, "reopening imports nothing new");
}

/// Runs a bad import and checks that it fails with `expected` in the message and leaves the
/// UN list exactly as it was.
fn refused(store: &mut Store, file: SourceFile, expected: &str) {
    let before = store.current_versions().unwrap();
    let entities_before = store.entities(&before).unwrap().len();
    let err = store.import(&[file], &ImportOptions::default()).expect_err("a bad file must be refused");
    let message = err.to_string();
    assert!(message.contains(expected), "error {message:?} should contain {expected:?}");
    let after = store.current_versions().unwrap();
    assert_eq!(before, after, "the previous versions stay current");
    assert_eq!(store.entities(&after).unwrap().len(), entities_before);
}

#[test]
fn a_truncated_list_is_refused_with_the_line_where_it_breaks_and_changes_nothing() {
    let (_dir, mut store) = fresh();
    let mut un = bundled("un-sc", "consolidated.xml");
    un.bytes.truncate(un.bytes.len() / 2);
    refused(&mut store, un, "un-sc/consolidated.xml, line ");
}

#[test]
fn a_list_in_the_wrong_encoding_is_refused_with_its_line() {
    let (_dir, mut store) = fresh();
    let mut un = bundled("un-sc", "consolidated.xml");
    // A Latin-1 "é" where UTF-8 is declared, on line 8.
    let at = un.bytes.windows(7).position(|w| w == b"BADEGE<").unwrap();
    un.bytes[at + 1] = 0xE9;
    refused(&mut store, un, "un-sc/consolidated.xml, line 8: invalid UTF-8");
}

#[test]
fn empty_and_unknown_files_are_refused() {
    let (_dir, mut store) = fresh();
    refused(&mut store, SourceFile { name: "empty.xml".into(), bytes: Vec::new() }, "empty.xml: empty file");
    refused(
        &mut store,
        SourceFile { name: "notes.txt".into(), bytes: b"Dear customer,\nplease find attached".to_vec() },
        "notes.txt: not a list format Klaring knows",
    );
    refused(
        &mut store,
        SourceFile { name: "feed.xml".into(), bytes: b"<rss><channel/></rss>".to_vec() },
        "XML with root element <rss>",
    );
}

#[test]
fn a_list_with_an_absurd_name_is_refused_naming_the_entry() {
    let (_dir, mut store) = fresh();
    let mut canada = bundled("ca-sema", "sema-lmes.xml");
    let text = String::from_utf8(canada.bytes).unwrap();
    let huge = "A".repeat(1_000_000);
    canada.bytes =
        text.replacen("<LastName>Atabekov</LastName>", &format!("<LastName>{huge}</LastName>"), 1).into_bytes();
    refused(&mut store, canada, "entry Belarus|1, Part 1|1: a name of 1000025 characters");
}

#[test]
fn a_new_version_becomes_current_and_the_old_one_is_kept() {
    let (_dir, mut store) = fresh();
    let old = store.current_versions().unwrap().into_iter().find(|v| v.list == "ca-sema").unwrap();
    let mut canada = bundled("ca-sema", "sema-lmes.xml");
    let text = String::from_utf8(canada.bytes).unwrap();
    canada.bytes = text.replacen("<LastName>Atabekov</LastName>", "<LastName>Atabekova</LastName>", 1).into_bytes();
    let new = store.import(&[canada], &ImportOptions { list: None, as_of: Some("2026-11-01".into()) }).unwrap();
    assert_ne!(new.sha256, old.sha256);
    assert_eq!(new.version, format!("2026-11-01+{}", &new.sha256[..8]));
    let current = store.current_versions().unwrap().into_iter().find(|v| v.list == "ca-sema").unwrap();
    assert_eq!(current.id, new.id);
    assert_eq!(store.version(old.id).unwrap().as_ref(), Some(&old), "old versions stay readable");
    let entity = store.entity("ca-sema", "Belarus|1, Part 1|1").unwrap().unwrap();
    assert_eq!(entity.primary_name(), "Khazalbek Bakhtibekovich Atabekova");
}
