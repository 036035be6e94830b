//! Every IPC command on Tauri's mock runtime, through the same `builder` the app runs: the
//! argument names (snake_case), the result shapes the front end reads, the events, and the
//! `{code, message}` error JSON. One app (over a temporary data directory with the bundled
//! lists) serves the tests that share it; tests that need a state of their own build another.

use klaring_app::{Config, Picks};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::{AppHandle, Listener, WebviewWindow};

struct Harness {
    webview: WebviewWindow<MockRuntime>,
    handle: AppHandle<MockRuntime>,
    dir: PathBuf,
}

fn core_fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// Builds an app on the mock runtime with its main webview.
fn start(config: Config) -> Harness {
    let dir = config.data_dir.clone();
    let mut app =
        klaring_app::builder(mock_builder(), config).build(mock_context(noop_assets())).expect("the app builds");
    // Setup (which starts loading the lists) runs with the event loop's first iteration; one
    // iteration is all the mock runtime needs (the deprecation warns against calling it in a loop).
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("a webview");
    let handle = app.handle().clone();
    // The app lives as long as the test process; its handle and webview are all the tests use.
    std::mem::forget(app);
    Harness { webview, handle, dir }
}

/// The shared app, with the lists loaded and indexed.
fn shared() -> &'static Harness {
    static SHARED: OnceLock<Harness> = OnceLock::new();
    SHARED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let inputs = dir.join("inputs");
        std::fs::create_dir_all(&inputs).unwrap();
        let batch = inputs.join("klanten.csv");
        std::fs::write(
            &batch,
            "Klantnr.;Naam;Land\nK1;Murad Stanislavovich GADZHIYEV;RU\nK2;Bakkerij De Vries;NL\nK3;;NL\n",
        )
        .unwrap();
        let eus = inputs.join("end-user-statement.pdf");
        std::fs::write(&eus, b"%PDF-1.7 signed end-user statement").unwrap();
        let not_a_list = inputs.join("not-a-list.xml");
        std::fs::write(&not_a_list, "<html><body/></html>").unwrap();
        let config = Config {
            data_dir: dir.join("data"),
            pick: Picks {
                any: None,
                list: Some(vec![core_fixture("tests/fixtures/eu-fsf/eu_fsf_sample.xml"), not_a_list]),
                batch: Some(vec![batch]),
                export: Some(vec![inputs.join("out.csv"), inputs.join("out.xlsx")]),
                watch: Some(vec![
                    core_fixture("tests/fixtures/watch/hostile.xml"),
                    core_fixture("tests/fixtures/watch/entity-bomb.xml"),
                ]),
                attachment: Some(vec![eus.clone()]),
                case_export: Some(vec![inputs.join("case.json")]),
                watch_export: Some(vec![inputs.join("watch-list.json")]),
                case_report: None,
            },
        };
        let harness = start(config);
        let deadline = Instant::now() + Duration::from_secs(600);
        while invoke_on(&harness, "app_info", json!({})).unwrap()["ready"] != true {
            assert!(Instant::now() < deadline, "the index was not built in time");
            std::thread::sleep(Duration::from_millis(100));
        }
        harness
    })
}

fn invoke_on(harness: &Harness, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        &harness.webview,
        tauri::webview::InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

fn invoke(cmd: &str, args: Value) -> Result<Value, Value> {
    invoke_on(shared(), cmd, args)
}

fn ok(cmd: &str, args: Value) -> Value {
    invoke(cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
}

fn err(cmd: &str, args: Value) -> Value {
    match invoke(cmd, args) {
        Ok(v) => panic!("{cmd} should fail, got {v}"),
        Err(e) => e,
    }
}

/// Collects the payloads of `event` until dropped.
fn record(handle: &AppHandle<MockRuntime>, event: &str) -> mpsc::Receiver<Value> {
    let (tx, rx) = mpsc::channel();
    handle.listen_any(event, move |e| {
        let _ = tx.send(serde_json::from_str(e.payload()).unwrap());
    });
    rx
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().expect("an object").keys().map(String::as_str).collect();
    keys.sort();
    keys
}

#[test]
fn app_info_says_where_the_data_is_and_that_the_index_is_ready() {
    let info = ok("app_info", json!({}));
    assert_eq!(keys(&info), ["data_dir", "matcher", "ready", "threshold", "version"]);
    assert_eq!(info["data_dir"], shared().dir.display().to_string());
    assert_eq!(info["ready"], true);
    assert_eq!(info["threshold"], klaring::matching::DEFAULT_THRESHOLD);
    assert_eq!(info["matcher"], klaring::matching::MATCHER_VERSION);
}

#[test]
fn lists_reports_every_current_list_with_age_and_staleness() {
    let lists = ok("lists", json!({}));
    let ofac = lists.as_array().unwrap().iter().find(|l| l["list"] == "ofac-sdn").expect("ofac-sdn is bundled");
    for key in [
        "version",
        "published",
        "as_of",
        "imported_at",
        "sha256",
        "record_count",
        "warnings",
        "title",
        "age_days",
        "stale",
    ] {
        assert!(ofac.get(key).is_some(), "no {key} in {ofac}");
    }
    assert_eq!(ofac["as_of"], "2024-05-03");
    assert_eq!(ofac["stale"], true);
}

#[test]
fn screen_preview_finds_a_listed_name_with_its_explanation_and_the_entry_opens() {
    let result = ok(
        "screen_preview",
        json!({"query": {"name": "Murad Stanislavovich GADZHIYEV", "country": "ru", "schema": "person"}}),
    );
    assert_eq!(keys(&result), ["hits", "id", "lists", "matcher", "query", "threshold"]);
    let hit = &result["hits"][0];
    assert_eq!((&hit["list"], &hit["entry_id"], &hit["score"]), (&json!("ofac-sdn"), &json!("35587"), &json!(1.0)));
    assert!(hit["explanation"]["summary"].as_str().unwrap().starts_with("name 1.00"), "{hit}");

    let entry = ok("entry", json!({"list": "ofac-sdn", "entry_id": "35587"}));
    assert_eq!(keys(&entry), ["entity", "list", "title"]);
    assert_eq!(entry["entity"]["entry_id"], "35587");
    assert!(entry["entity"]["names"][0]["full"].as_str().unwrap().contains("GADZHIYEV"));
    assert!(entry["title"].is_string());
}

#[test]
fn an_innocent_name_gives_no_alert() {
    let result = ok("screen_preview", json!({"query": {"name": "Bakkerij De Vries", "country": "nl"}}));
    assert_eq!(result["hits"], json!([]));
}

#[test]
fn errors_cross_ipc_as_code_and_message() {
    assert_eq!(
        err("entry", json!({"list": "ofac-sdn", "entry_id": "no-such-entry"})),
        json!({"code": "not_found", "message": "ofac-sdn has no entry no-such-entry"})
    );
    assert_eq!(
        err("screen_preview", json!({"query": {"name": ""}})),
        json!({"code": "invalid_query", "message": "the name is empty or has no letters or digits"})
    );
    assert_eq!(
        err("screen_preview", json!({"query": {"name": "Ivan", "birth_date": "1961-13"}})),
        json!({"code": "invalid_query", "message": "birth date \"1961-13\": use YYYY, YYYY-MM or YYYY-MM-DD"})
    );
    assert_eq!(
        err("case_detail", json!({"id": "K-1999-000001"})),
        json!({"code": "not_found", "message": "no case K-1999-000001"})
    );
    assert_eq!(
        err("batch_open", json!({"path": "/etc/passwd"})),
        json!({"code": "not_picked", "message": "/etc/passwd was not chosen in a file dialog"})
    );
    assert_eq!(
        err("import_lists", json!({"paths": []})),
        json!({"code": "invalid_input", "message": "no files to import"})
    );
    // Arguments that do not deserialise are refused by Tauri itself, as a plain string.
    let refused = err("pick_files", json!({"kind": "folder"}));
    assert!(refused.as_str().unwrap().contains("kind"), "{refused}");
    let refused = err("entry", json!({"list": "ofac-sdn", "entryId": "35587"}));
    assert!(refused.as_str().unwrap().contains("entry_id"), "arguments are snake_case: {refused}");
}

#[test]
fn screen_and_save_screens_affiliations_and_saves_a_draft_case() {
    let input = json!({
        "counterparty": {"name": "Noordzee Machines BV", "country": "nl", "schema": "organization"},
        "affiliations": [
            {"name": "Murad Stanislavovich GADZHIYEV", "relation": "owner", "percent": 25.0, "country": "ru", "schema": "person"},
            {"name": "Bakkerij De Vries", "relation": "end_user"}
        ]
    });
    let saved = ok("screen_and_save", json!({"input": input}));
    assert_eq!(keys(&saved), ["affiliations", "case_id", "counterparty", "watch"]);
    let case_id = saved["case_id"].as_str().unwrap().to_string();
    assert!(case_id.starts_with("K-20") && case_id.len() == 13, "{case_id}");
    assert_eq!(saved["counterparty"]["hits"], json!([]));
    assert_eq!(keys(&saved["affiliations"][0]), ["affiliation", "result"]);
    assert_eq!(saved["affiliations"][0]["affiliation"], input["affiliations"][0]);
    assert_eq!(saved["affiliations"][0]["result"]["hits"][0]["entry_id"], "35587");
    assert_eq!(saved["affiliations"][1]["result"]["hits"], json!([]));

    let found = ok("cases_list", json!({"filter": "noordzee mach"}));
    let summary = found.as_array().unwrap().iter().find(|c| c["id"] == case_id.as_str()).expect("quick-find finds it");
    assert_eq!(keys(summary), ["alerts", "counterparty", "created_at", "id", "status", "top_score"]);
    assert_eq!((&summary["status"], &summary["counterparty"]), (&json!("draft"), &json!("Noordzee Machines BV")));
    assert_eq!(summary["top_score"], 1.0);
    assert!(
        ok("cases_list", json!({})).as_array().unwrap().iter().any(|c| c["id"] == case_id.as_str()),
        "no filter lists all"
    );
    assert!(ok("cases_list", json!({"filter": "zzzzqq"})).as_array().unwrap().is_empty());

    let file = ok("case_detail", json!({"id": case_id}));
    assert_eq!(
        keys(&file),
        ["approval_required", "events", "list_ages", "retention", "risk", "state", "summary", "undisposed", "verify"]
    );
    assert_eq!(file["summary"], *summary);
    assert_eq!(file["verify"]["ok"], true);
    let events = file["events"].as_array().unwrap();
    assert_eq!(
        events.iter().map(|e| e["kind"].as_str().unwrap()).collect::<Vec<_>>(),
        ["opened", "screened", "watch_screened"]
    );
    assert_eq!(keys(&events[0]), ["actor", "at", "case_id", "hash", "kind", "payload", "prev_hash", "seq"]);
    assert_eq!(events[0]["payload"], input);
    assert_eq!(events[1]["prev_hash"], events[0]["hash"]);
    assert_eq!(events[1]["payload"]["affiliations"][0]["result"]["hits"][0]["entry_id"], "35587");

    assert_eq!(
        err(
            "screen_and_save",
            json!({"input": {"counterparty": {"name": "Acme"}, "affiliations": [{"name": "X Y", "relation": "owner", "country": "zz"}]}})
        ),
        json!({"code": "invalid_query", "message": "affiliation 1 (\"X Y\"): country \"zz\": use an ISO 3166 alpha-2 code such as nl or ru"})
    );
}

#[test]
fn a_batch_is_opened_mapped_screened_with_progress_and_exported() {
    let h = shared();
    assert_eq!(err("batch_export", json!({"path": "/tmp/x.csv", "format": "csv"}))["code"], "not_picked");
    let picked = ok("pick_files", json!({"kind": "batch"}));
    let path = picked[0].as_str().unwrap().to_string();
    assert!(path.ends_with("klanten.csv"));

    let preview = ok("batch_open", json!({"path": path}));
    assert_eq!(keys(&preview), ["columns", "path", "preview", "row_count", "suggested"]);
    assert_eq!(preview["columns"], json!(["Klantnr.", "Naam", "Land"]));
    assert_eq!(preview["row_count"], 3);
    assert_eq!(preview["preview"][1], json!(["K2", "Bakkerij De Vries", "NL"]));
    assert_eq!(preview["suggested"], json!({"name": "Naam", "id": "Klantnr.", "country": "Land"}));

    let progress = record(&h.handle, "batch-progress");
    let screened = ok("batch_screen", json!({"path": path, "mapping": preview["suggested"]}));
    let rows = screened["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(keys(&rows[0]), ["alerts", "id", "name", "row", "top"]);
    assert_eq!(
        (&rows[0]["row"], &rows[0]["id"], &rows[0]["top"]["entry_id"]),
        (&json!(2), &json!("K1"), &json!("35587"))
    );
    assert_eq!(rows[1]["alerts"], 0);
    assert_eq!(rows[2]["error"], "the name is empty or has no letters or digits");
    let events: Vec<Value> = progress.try_iter().collect();
    assert_eq!(events.first(), Some(&json!({"done": 0, "total": 3})));
    assert_eq!(events.last(), Some(&json!({"done": 3, "total": 3})));

    assert_eq!(
        err("batch_screen", json!({"path": path, "mapping": {"name": "Name"}})),
        json!({"code": "batch_file", "message": format!("{path}: no column \"Name\" (columns: Klantnr., Naam, Land)")})
    );

    let targets = ok("pick_files", json!({"kind": "export"}));
    for (target, format) in targets.as_array().unwrap().iter().zip(["csv", "xlsx"]) {
        let exported = ok("batch_export", json!({"path": target, "format": format}));
        assert_eq!(exported, json!({"path": target, "rows": 3}));
        assert!(std::fs::metadata(target.as_str().unwrap()).unwrap().len() > 100);
    }
    let written = std::fs::read_to_string(targets[0].as_str().unwrap()).unwrap();
    assert!(written.lines().nth(1).unwrap().contains("ofac-sdn 35587"), "{written}");
    assert!(
        err("batch_export", json!({"path": targets[0], "format": "pdf"})).is_string(),
        "unknown formats are refused"
    );
}

#[test]
fn import_lists_reports_progress_and_the_new_list_is_screened_at_once() {
    let h = shared();
    let paths = ok("pick_files", json!({"kind": "list"}));
    let (list, not_a_list) = (&paths[0], &paths[1]);
    let refused = err("import_lists", json!({"paths": [not_a_list]}));
    assert_eq!(refused["code"], "import_failed");
    assert!(refused["message"].as_str().unwrap().starts_with(not_a_list.as_str().unwrap()), "{refused}");

    let progress = record(&h.handle, "import-progress");
    let version = ok("import_lists", json!({"paths": [list]}));
    for key in ["id", "list", "version", "format", "published", "sha256", "files", "record_count", "warnings"] {
        assert!(version.get(key).is_some(), "no {key} in {version}");
    }
    assert_eq!(version["list"], "eu-fsf");
    let events: Vec<Value> = progress.try_iter().collect();
    let stages: Vec<&str> = events.iter().map(|e| e["stage"].as_str().unwrap()).collect();
    assert_eq!(stages, ["reading", "parsing", "indexing", "done"]);
    assert_eq!(events[0], json!({"stage": "reading", "file": list}));
    let result = ok("screen_preview", json!({"query": {"name": "Inter Tobacco LLC"}}));
    assert!(result["hits"].as_array().unwrap().iter().any(|h| h["list"] == "eu-fsf"), "{}", result["hits"]);
    assert!(result["lists"].as_array().unwrap().iter().any(|l| l["list"] == "eu-fsf"));
}

#[test]
fn pick_files_uses_the_test_seam_and_a_failed_load_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "").unwrap();
    // A data directory that cannot be created: loading fails, and commands say so.
    let config = Config {
        data_dir: blocker.join("data"),
        pick: Picks { any: Some(vec!["/a/b.csv".into(), "/c/d.xlsx".into()]), ..Picks::default() },
    };
    let h = start(config);
    for kind in ["list", "batch", "export", "watch"] {
        assert_eq!(invoke_on(&h, "pick_files", json!({"kind": kind})).unwrap(), json!(["/a/b.csv", "/c/d.xlsx"]));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let error = loop {
        match invoke_on(&h, "lists", json!({})) {
            Err(e) if e["code"] == "database" => break e,
            other => {
                assert!(Instant::now() < deadline, "{other:?}");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    };
    assert!(error["message"].as_str().unwrap().starts_with("opening the data directory"), "{error}");
    assert_eq!(invoke_on(&h, "app_info", json!({})).unwrap()["ready"], false);
    assert_eq!(invoke_on(&h, "screen_preview", json!({"query": {"name": "X"}})).unwrap_err()["code"], "database");
}

// ------------------------------------------------------------------------------ watch-list
// The watch tests share the app above; they add items of their own and never count all items.

const ITEM_KEYS: [&str; 13] = [
    "added_at",
    "added_by",
    "countries",
    "date",
    "id",
    "origin",
    "origin_source",
    "parties",
    "source",
    "summary",
    "tags",
    "title",
    "verified",
];

fn item_keys(item: &Value) -> Vec<&str> {
    // Optional keys (note, guid, edited_*) are skipped when empty.
    keys(item)
        .into_iter()
        .filter(|k| !["note", "guid", "edited_by", "edited_at", "edited_fields"].contains(k))
        .collect()
}

#[test]
fn watch_list_filters_by_tag_country_dates_and_quick_find() {
    let all = ok("watch_list", json!({"filter": {}}));
    let all = all.as_array().unwrap();
    assert!(all.len() >= 39, "the bundled seed is installed: {}", all.len());
    assert_eq!(item_keys(&all[0]), ITEM_KEYS);
    assert_eq!(ok("watch_list", json!({})), json!(all), "no filter lists all");

    let spyware = ok("watch_list", json!({"filter": {"tag": "spyware", "country": "IL"}}));
    let spyware = spyware.as_array().unwrap();
    assert!(!spyware.is_empty());
    assert!(spyware.iter().all(|i| i["tags"].as_array().unwrap().contains(&json!("spyware"))
        && i["countries"].as_array().unwrap().contains(&json!("il"))));

    let dated = ok("watch_list", json!({"filter": {"since": "2021-01-01", "until": "2021-12-31"}}));
    let dated = dated.as_array().unwrap();
    assert!(!dated.is_empty());
    assert!(dated.iter().all(|i| i["date"].as_str().unwrap().starts_with("2021")), "{dated:?}");
    let dates: Vec<&str> = dated.iter().map(|i| i["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first: {dates:?}");

    let found = ok("watch_list", json!({"filter": {"find": "sandv egy", "tag": null, "since": ""}}));
    let found: Vec<&str> = found.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert!(found.contains(&"us-bis-2024-sandvine-egypt"), "{found:?}");
    assert_eq!(ok("watch_list", json!({"filter": {"find": "zzqqxx"}})), json!([]));

    let refused = err("watch_list", json!({"filter": {"tag": "sports"}}));
    assert!(refused.as_str().unwrap().contains("sports"), "unknown tags are refused by Tauri: {refused}");
}

#[test]
fn watch_item_add_and_edit_record_their_changes() {
    let view = ok("watch_item", json!({"id": "us-bis-2024-sandvine-egypt"}));
    assert_eq!(keys(&view), ["changes", "item"]);
    assert_eq!(view["item"]["origin"], "seed");
    assert_eq!(view["changes"][0]["kind"], "added");
    assert_eq!(keys(&view["changes"][0]), ["at", "by", "fields", "item_id", "kind", "source"]);
    assert_eq!(
        err("watch_item", json!({"id": "no-such-item"})),
        json!({"code": "not_found", "message": "no watch-list item no-such-item"})
    );

    let new = json!({
        "title": "Noordzee Machines BV ships an interception kit to Freedonia",
        "summary": "A reseller report; <script>window.__pwned=1</script> stays text.",
        "date": "2025-05-01",
        "source": {"publisher": "Local Paper", "title": "Report", "url": "https://paper.example.com/noordzee"},
        "countries": ["EG"],
        "tags": ["interception"],
        "parties": [{"name": "Noordzee Machines BV", "kind": "organization", "role": "vendor"}]
    });
    let added = ok("watch_add", json!({"item": new}));
    assert_eq!(item_keys(&added), ITEM_KEYS);
    assert_eq!((&added["origin"], &added["countries"]), (&json!("manual"), &json!(["eg"])));
    let id = added["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("manual-2025-05-01-noordzee-machines-bv"), "{id}");
    let again = err("watch_add", json!({"item": new}));
    assert_eq!(again["code"], "conflict", "{again}");
    assert!(again["message"].as_str().unwrap().contains(&id), "{again}");
    assert_eq!(
        err("watch_add", json!({"item": {"title": " ", "source": {"publisher": "X"}}})),
        json!({"code": "invalid_input", "message": "an item needs a title"})
    );
    assert_eq!(
        err("watch_add", json!({"item": {"title": "T", "source": {"publisher": "X", "url": "javascript:alert(1)"}}})),
        json!({"code": "invalid_input", "message": "source address \"javascript:alert(1)\" is not an http(s) address"})
    );

    let edited = ok(
        "watch_edit",
        json!({"id": id, "changes": {"title": "Noordzee Machines BV ships interception kit", "note": "checked"}}),
    );
    assert_eq!(edited["title"], "Noordzee Machines BV ships interception kit");
    assert_eq!(edited["edited_fields"], json!(["title", "note"]));
    assert!(edited["edited_by"].is_string() && edited["edited_at"].is_string());
    let view = ok("watch_item", json!({"id": id}));
    let kinds: Vec<&str> = view["changes"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["added", "edited"]);
    assert_eq!(view["changes"][1]["fields"][0]["field"], "title");
    assert_eq!(
        err("watch_edit", json!({"id": id, "changes": {"date": "01-05-2025"}})),
        json!({"code": "invalid_input", "message": "date \"01-05-2025\": use YYYY-MM-DD"})
    );
    assert_eq!(err("watch_edit", json!({"id": "nope", "changes": {}}))["code"], "not_found");
}

#[test]
fn watch_match_highlights_in_utf16_and_marks_stick() {
    let query = json!({
        "subjects": [
            {"name": "SANDVINE INC"},
            {"name": "Bakkerij De Vries", "role": "end_user"}
        ],
        "destination": "EG"
    });
    let result = ok("watch_match", json!({"query": query}));
    assert_eq!(keys(&result), ["context", "destination", "items", "matcher", "matches", "threshold"]);
    assert_eq!(result["destination"], "eg");
    let top = &result["matches"][0];
    assert_eq!(keys(top), ["highlights", "item", "mark", "reasons", "score", "subject"]);
    assert_eq!(top["item"]["id"], "us-bis-2024-sandvine-egypt");
    assert_eq!(top["subject"], json!({"name": "SANDVINE INC", "role": "counterparty"}));
    assert_eq!(top["reasons"][0]["kind"], "named_party");
    assert_eq!(keys(&top["reasons"][0]), ["explanation", "kind", "party", "party_kind", "party_role", "score"]);
    let h = &top["highlights"][0];
    assert_eq!(keys(h), ["end", "end_utf16", "field", "start", "start_utf16", "text"]);
    let field = top["item"][h["field"].as_str().unwrap()].as_str().unwrap();
    let utf16: Vec<u16> = field.encode_utf16().collect();
    let (s, e) = (h["start_utf16"].as_u64().unwrap() as usize, h["end_utf16"].as_u64().unwrap() as usize);
    assert_eq!(String::from_utf16(&utf16[s..e]).unwrap(), "Sandvine");
    assert!(result["matches"].as_array().unwrap().iter().all(|m| m["subject"]["name"] == "SANDVINE INC"));
    let context = result["context"].as_array().unwrap();
    assert!(!context.is_empty() && context.iter().all(|i| i["countries"].as_array().unwrap().contains(&json!("eg"))));

    let mark = ok(
        "watch_mark",
        json!({"id": "us-bis-2024-sandvine-egypt", "party": "Sandvine Inc", "relevance": "relevant", "reason": "same company"}),
    );
    assert_eq!(keys(&mark), ["item_id", "marked_at", "marked_by", "party", "reason", "relevance"]);
    assert_eq!((&mark["relevance"], &mark["reason"]), (&json!("relevant"), &json!("same company")));
    let again = ok("watch_match", json!({"query": {"subjects": [{"name": "SANDVINE INC"}]}}));
    assert_eq!(again["matches"][0]["mark"], mark, "the mark comes back with the match");
    assert_eq!(again["context"], json!([]));

    assert_eq!(
        err(
            "watch_mark",
            json!({"id": "us-bis-2024-sandvine-egypt", "party": "Sandvine", "relevance": "not-relevant", "reason": " "})
        ),
        json!({"code": "invalid_input", "message": "a relevance mark needs a reason"})
    );
    assert_eq!(
        err("watch_mark", json!({"id": "nope", "party": "Sandvine", "relevance": "relevant", "reason": "r"}))["code"],
        "not_found"
    );
    assert!(err("watch_mark", json!({"id": "x", "party": "S", "relevance": "maybe", "reason": "r"})).is_string());
    assert_eq!(
        err("watch_match", json!({"query": {"subjects": [{"name": "Sandvine"}], "destination": "zz"}})),
        json!({"code": "invalid_input", "message": "country \"zz\": use an ISO 3166 alpha-2 code such as eg or ru"})
    );
    assert_eq!(err("watch_match", json!({"query": {"subjects": [{"name": "!!"}]}}))["code"], "invalid_query");
}

#[test]
fn watch_import_files_takes_picked_files_and_reports_each() {
    assert_eq!(err("watch_import_files", json!({"paths": []}))["code"], "invalid_input");
    assert_eq!(err("watch_import_files", json!({"paths": ["/etc/passwd"]}))["code"], "not_picked");
    let picked = ok("pick_files", json!({"kind": "watch"}));
    let (hostile, bomb) = (&picked[0], &picked[1]);
    assert!(hostile.as_str().unwrap().ends_with("hostile.xml"));

    let results = ok("watch_import_files", json!({"paths": [hostile, bomb]}));
    let results = results.as_array().unwrap();
    assert_eq!(keys(&results[0]), ["file", "report"]);
    assert_eq!(results[0]["file"], *hostile);
    let report = &results[0]["report"];
    for key in ["source", "kind", "sha256", "bytes", "imported_at", "imported_by", "items", "added", "warnings"] {
        assert!(report.get(key).is_some(), "no {key} in {report}");
    }
    assert_eq!(report["kind"], "rss");
    assert_eq!(keys(&results[1]), ["error", "file"]);
    assert_eq!(results[1]["error"]["code"], "import_failed");
    assert!(results[1]["error"]["message"].as_str().unwrap().contains("entity"), "{}", results[1]);

    // What the hostile feed left is plain text: no markup, no script link.
    let items = ok("watch_list", json!({"filter": {"find": "interception kit vendor"}}));
    let hostile_item = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["guid"] == "urn:klaring-test:hostile-1")
        .unwrap_or_else(|| panic!("the hostile item is listed: {items}"));
    for field in ["title", "summary"] {
        let text = hostile_item[field].as_str().unwrap();
        assert!(!text.contains("<script") && !text.contains("<iframe") && !text.contains("<img"), "{field}: {text}");
    }
    assert!(hostile_item["source"].get("url").is_none(), "a javascript: link is dropped: {hostile_item}");
}

#[test]
fn watch_refresh_fetches_the_configured_feeds_on_a_worker_thread() {
    let h = shared();
    // A one-shot HTTP server on loopback serving an RSS fixture, and one path that fails.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let body = std::fs::read(core_fixture("tests/fixtures/watch/atom.xml")).unwrap();
    std::thread::spawn(move || {
        use std::io::{BufRead, BufReader, Write};
        for stream in listener.incoming().take(2) {
            let mut stream = stream.unwrap();
            let mut line = String::new();
            BufReader::new(&stream).read_line(&mut line).unwrap();
            let reply = if line.contains("/feed.xml") {
                let mut r = format!("HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).into_bytes();
                r.extend_from_slice(&body);
                r
            } else {
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
            };
            let _ = stream.write_all(&reply);
        }
    });
    // Feeds are configured with the CLI (`klaring watch feeds add`); here through the core.
    let mut store = klaring::store::Store::open(&klaring::app::database_path(&h.dir)).unwrap();
    klaring::watch::add_feed(&mut store, "Local test feed", &format!("http://{addr}/feed.xml"), "test").unwrap();
    klaring::watch::add_feed(&mut store, "Missing feed", &format!("http://{addr}/missing.xml"), "test").unwrap();
    drop(store);

    let results = ok("watch_refresh", json!({}));
    let results = results.as_array().unwrap();
    let ok_feed = results.iter().find(|r| r["feed"] == "Local test feed").expect("the feed is refreshed");
    assert_eq!(keys(ok_feed), ["feed", "report", "url"]);
    assert_eq!(ok_feed["report"]["kind"], "atom");
    assert!(ok_feed["report"]["items"].as_u64().unwrap() > 0);
    let missing = results.iter().find(|r| r["feed"] == "Missing feed").expect("the failing feed is reported");
    assert_eq!(keys(missing), ["error", "feed", "url"]);
    assert!(missing["error"].as_str().unwrap().contains("HTTP 404"), "{missing}");
}

/// The case file in the app: a profile at first start, a disposition, a risk profile, a
/// decision that needs a second person, the approval after the hand-over, an attachment, the
/// submission that freezes the case, and the bundle export. The rules are the core's; this
/// pins how they cross IPC.
#[test]
fn a_case_is_disposed_assessed_decided_approved_by_a_second_user_and_submitted() {
    let ann = ok("user_set", json!({"name": "Ann Export", "role": "export manager"}));
    assert_eq!(ann, json!({"name": "Ann Export", "role": "export manager"}));
    assert_eq!(err("user_set", json!({"name": " ", "role": "x"}))["code"], "invalid_input", "a profile needs a name");
    let saved = ok(
        "screen_and_save",
        json!({"input": {"counterparty": {"name": "Murad Stanislavovich GADZHIYEV", "schema": "person"}}}),
    );
    let id = saved["case_id"].as_str().unwrap().to_string();
    let hit = &saved["counterparty"]["hits"][0];
    let party = "Murad Stanislavovich GADZHIYEV";

    let case = ok(
        "case_dispose",
        json!({"id": id, "party": party, "list": hit["list"], "entry_id": hit["entry_id"],
               "verdict": "true_match", "fact": "Same name and birth date as the listed person."}),
    );
    assert_eq!(case["state"]["dispositions"][0]["verdict"], "true_match");

    let catalogue = ok("risk_catalogue", json!({}));
    assert!(catalogue["goods"].as_array().unwrap().iter().any(|g| g["id"] == "firewall_vpn"));
    assert!(catalogue["flags"].as_array().unwrap().len() > 10);
    assert!(catalogue["countries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == &json!({"code": "nl", "name": "Netherlands"})));
    let assessed = ok(
        "case_assess",
        json!({"id": id, "transaction": {"goods": [{"class": "firewall_vpn", "listed": true, "quantity": 2}], "destination": "RU"}}),
    );
    assert_eq!(assessed["case"]["risk"]["profile"], assessed["profile"]);
    assert_eq!(assessed["case"]["risk"]["input"]["counterparty"]["listed_on"], json!([hit["list"]]));

    let too_short = err("case_decide", json!({"id": id, "outcome": "prohibited", "justification": "listed"}));
    assert_eq!(too_short["code"], "invalid_input");
    ok(
        "case_decide",
        json!({"id": id, "outcome": "prohibited", "justification": "The counterparty is the listed person: no transaction."}),
    );
    let same = err("case_approve", json!({"id": id, "comment": ""}));
    assert_eq!(same["code"], "refused");
    assert!(same["message"].as_str().unwrap().contains("four eyes"), "{same}");
    assert_eq!(err("case_submit", json!({"id": id}))["code"], "refused", "the approval is missing");

    ok("user_set", json!({"name": "Bert Compliance", "role": "compliance officer"}));
    let case = ok("case_approve", json!({"id": id, "comment": "Agreed."}));
    assert_eq!(case["state"]["approvals"][0]["actor"], "Bert Compliance");
    let picked = ok("pick_files", json!({"kind": "attachment"}));
    let case = ok("case_attach", json!({"id": id, "path": picked[0]}));
    assert_eq!(case["state"]["attachments"][0]["name"], "end-user-statement.pdf");
    let case = ok("case_submit", json!({"id": id}));
    assert_eq!(case["summary"]["status"], "submitted");
    assert_eq!(case["verify"]["ok"], true);
    let frozen = err("case_note", json!({"id": id, "text": "late note"}));
    assert_eq!(frozen["code"], "refused");

    let out = ok("pick_files", json!({"kind": "case_export"}));
    let exported = ok("case_export", json!({"id": id, "path": out[0]}));
    let text = std::fs::read_to_string(out[0].as_str().unwrap()).unwrap();
    assert_eq!(exported["bytes"].as_u64().unwrap() as usize, text.len());
    let bundle: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(bundle["case"]["id"], id.as_str());
    assert_eq!(err("case_export", json!({"id": id, "path": "/tmp/elsewhere.json"}))["code"], "not_picked");
}

/// The feed list is edited in the app, and the whole watch-list exports as JSON in the seed's
/// format (which imports again).
#[test]
fn feeds_are_added_and_removed_and_the_watch_list_exports_as_json() {
    let feed = ok("watch_feed_add", json!({"name": "Access Now", "url": "https://www.accessnow.org/feed/"}));
    assert_eq!((&feed["name"], &feed["url"]), (&json!("Access Now"), &json!("https://www.accessnow.org/feed/")));
    assert!(ok("watch_feeds", json!({})).as_array().unwrap().iter().any(|f| f["name"] == "Access Now"));
    assert_eq!(
        err("watch_feed_add", json!({"name": "Again", "url": "https://www.accessnow.org/feed/"}))["code"],
        "conflict"
    );
    assert_eq!(err("watch_feed_add", json!({"name": "Local", "url": "javascript:alert(1)"}))["code"], "invalid_input");
    ok("watch_feed_remove", json!({"name": "Access Now"}));
    assert!(!ok("watch_feeds", json!({})).as_array().unwrap().iter().any(|f| f["name"] == "Access Now"));
    assert_eq!(err("watch_feed_remove", json!({"name": "Access Now"}))["code"], "not_found");

    let path = ok("pick_files", json!({"kind": "watch_export"}))[0].clone();
    let done = ok("watch_export", json!({"path": path}));
    assert!(done["rows"].as_u64().unwrap() >= 39, "the seed's items at least: {done}");
    let text = std::fs::read_to_string(path.as_str().unwrap()).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert!(text.contains("NSO Group"), "the seed's items are in the export");
    assert!(doc.is_object() || doc.is_array(), "{doc}");
}

/// A one-file HTTP server on 127.0.0.1 that answers every GET with `body` (no test leaves the
/// machine). Returns the address of the file.
fn serve(body: Vec<u8>) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) && line != "\r\n" {
                line.clear();
            }
            let mut stream = stream;
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&body));
        }
    });
    format!("http://127.0.0.1:{port}/eu_fsf.xml")
}

/// Back online: a list's source is set, the update downloads and imports it, the saved case
/// that the new list hits gets an alert (and an `alert` event), the delta shows what came in,
/// and the case's PDF report is written. Its own app, so the shared one's lists stay put.
#[test]
fn an_update_alerts_a_saved_case_and_the_case_report_is_written() {
    let dir = tempfile::tempdir().unwrap().keep();
    let report_path = dir.join("case.pdf");
    let harness = start(Config {
        data_dir: dir.join("data"),
        pick: Picks { case_report: Some(vec![report_path.clone()]), ..Picks::default() },
    });
    let call = |cmd: &str, args: Value| invoke_on(&harness, cmd, args);
    let deadline = Instant::now() + Duration::from_secs(600);
    while call("app_info", json!({})).unwrap()["ready"] != true {
        assert!(Instant::now() < deadline, "the index was not built in time");
        std::thread::sleep(Duration::from_millis(100));
    }
    call("user_set", json!({"name": "Ann Export", "role": "export manager"})).unwrap();
    let saved = call(
        "screen_and_save",
        json!({"input": {"counterparty": {"name": "Tatyana Vladimirovna Zhuravleva", "schema": "person"}}}),
    )
    .unwrap();
    let id = saved["case_id"].as_str().unwrap().to_string();
    assert!(!saved["counterparty"]["hits"].as_array().unwrap().iter().any(|h| h["list"] == "eu-fsf"));

    let url = serve(std::fs::read(core_fixture("tests/fixtures/eu-fsf/eu_fsf_sample.xml")).unwrap());
    let source = call("update_source_set", json!({"list": "eu-fsf", "urls": [format!("eu_fsf.xml={url}")]})).unwrap();
    assert_eq!(source["custom"], true);
    let progress = record(&harness.handle, "update-progress");
    let report = call("update_run", json!({"lists": ["eu-fsf"], "feeds": false})).unwrap();
    assert_eq!(report["lists"][0]["outcome"], "updated", "{report}");
    let phases: Vec<Value> = progress.try_iter().map(|p| p["phase"].clone()).collect();
    assert!(phases.contains(&json!("download")) && phases.contains(&json!("rescreen")), "{phases:?}");

    let alerts = call("alerts", json!({"all": false})).unwrap();
    let alert = alerts.as_array().unwrap().iter().find(|a| a["case_id"] == id.as_str()).expect("the case is alerted");
    assert_eq!((&alert["kind"], &alert["list"]), (&json!("new_hit"), &json!("eu-fsf")));
    let case = call("case_detail", json!({"id": id})).unwrap();
    assert_eq!(case["events"].as_array().unwrap().last().unwrap()["kind"], "alert");
    assert!(case["list_ages"].as_array().unwrap().iter().any(|a| a["list"] == "eu-fsf"), "{}", case["list_ages"]);
    let acked = call("alert_ack", json!({"id": alert["id"]})).unwrap();
    assert_eq!(acked["acknowledged_by"], "Ann Export");
    assert!(call("alerts", json!({"all": false})).unwrap().as_array().unwrap().iter().all(|a| a["id"] != alert["id"]));

    let delta = call("list_delta", json!({"list": "eu-fsf"})).unwrap();
    assert!(delta["from"].is_null(), "the first EU version");
    assert!(delta["added"].as_array().unwrap().iter().any(|e| e["entry_id"] == "138679"), "{delta}");
    let policy = call("update_policy", json!({})).unwrap();
    assert_eq!(policy, json!({"online": true, "max_age_days": 7}));

    let path = call("pick_files", json!({"kind": "case_report"})).unwrap()[0].clone();
    let written = call("case_report", json!({"id": id, "path": path})).unwrap();
    let pdf = std::fs::read(&report_path).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF file");
    assert_eq!(written["bytes"].as_u64().unwrap() as usize, pdf.len());
}
