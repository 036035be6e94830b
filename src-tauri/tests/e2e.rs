//! End-to-end journeys in the real window: the `klaring-app` binary under Xvfb, driven through
//! WebKitWebDriver (WebKitGTK's own WebDriver) by fantoccini over loopback HTTP.
//!
//! The harness owns everything it starts: an Xvfb on a display it picks itself (`-displayfd`),
//! a WebKitWebDriver on a free port with `TAURI_WEBVIEW_AUTOMATION=true` (without it wry does
//! not enable automation and the session request hangs), a fresh `KLARING_DATA_DIR`, and the
//! `KLARING_PICK` test seam that makes `pick_files` answer with fixed paths instead of a dialog.
//! The app inherits its environment from the driver, so each value of `KLARING_PICK` needs its
//! own driver: the journeys run as two sessions against one display and one data directory
//! (`KLARING_PICK_WATCH` answers the watch-list's picks in the second).
//!
//! Screenshots (light theme, 1280×800) go to `docs/screenshots/` (screen-hit, screen-clear,
//! lists, batch, cases, watch), each taken after two animation frames so the picture shows the DOM
//! that was just asserted on.
//!
//! Needs `Xvfb` and `WebKitWebDriver` (Debian: xvfb, webkit2gtk-driver; `scripts/install-deps.sh`),
//! and `ui/dist` built before the app is compiled (`npm --prefix ui ci && npm --prefix ui run build`).

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const APP: &str = env!("CARGO_BIN_EXE_klaring-app");
/// A first start imports the bundled lists and builds the index: seconds in a debug build on a
/// busy CI machine, so waits are generous; a passing run never waits for them.
const SLOW: Duration = Duration::from_secs(120);
const QUICK: Duration = Duration::from_secs(20);

const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journeys_in_the_real_window() {
    let xvfb = Xvfb::start();
    let data = tempfile::tempdir().expect("temp data dir");
    let work = tempfile::tempdir().expect("temp work dir");
    let shots = repo_root().join("docs/screenshots");
    std::fs::create_dir_all(&shots).expect("create docs/screenshots");

    // Session 1: a fresh data dir; `pick_files` answers with the OFAC XML fixture.
    let fixture = repo_root().join("tests/fixtures/ofac-xml/consolidated.xml");
    assert!(fixture.is_file(), "missing fixture {}", fixture.display());
    {
        let driver = Driver::start(&xvfb, data.path(), &fixture.display().to_string(), &[]);
        let (c, startup) = open_session(&driver).await;
        println!("start-up, fresh data dir: {startup}");
        answer_the_first_start_dialog(&c).await;
        prepare(&c).await;
        screen_a_listed_name(&c, &shots).await;
        screen_an_innocent_name(&c, &shots).await;
        screen_a_party_a_listed_entry_names(&c, &shots).await;
        import_a_list_file(&c, &shots).await;
        c.close().await.expect("close session 1");
    }

    // Session 2: the same data dir (warm start); `pick_files` answers with the customer file
    // for "batch" and the export path last (a save dialog gives one path).
    let csv = work.path().join("customers.csv");
    std::fs::write(
        &csv,
        "id,name,country\nC-001,Murad Stanislavovich GADZHIYEV,ru\nC-002,Jasmine Adams,gb\nC-003,Rosoboronexport,ru\n",
    )
    .expect("write customers.csv");
    let export = work.path().join("results.csv");
    // The hostile feed the watch journey imports (`pick_files("watch")` answers with it).
    let hostile = repo_root().join("src-tauri/tests/fixtures/watch-pwned.xml");
    assert!(hostile.is_file(), "missing fixture {}", hostile.display());
    // The signed end-user statement the case journey attaches, and where its bundle goes.
    let statement = work.path().join("end-user-statement.pdf");
    std::fs::write(&statement, b"%PDF-1.7 end-user statement, signed 2026-11-20").expect("write the statement");
    let bundle = work.path().join("case-bundle.json");
    let report = work.path().join("case-report.pdf");
    {
        let pick = format!("{};{}", csv.display(), export.display());
        let picks = [
            ("KLARING_PICK_WATCH", hostile.as_path()),
            ("KLARING_PICK_ATTACHMENT", statement.as_path()),
            ("KLARING_PICK_CASE_EXPORT", bundle.as_path()),
            ("KLARING_PICK_CASE_REPORT", report.as_path()),
        ];
        let driver = Driver::start(&xvfb, data.path(), &pick, &picks);
        let (c, startup) = open_session(&driver).await;
        println!("start-up, existing data dir: {startup}");
        prepare(&c).await;
        run_a_batch_and_export_it(&c, &shots, &export).await;
        find_the_saved_case(&c).await;
        work_the_case_to_submission(&c, &shots, &bundle, &report).await;
        import_a_hostile_feed_and_nothing_runs(&c, &shots).await;
        c.close().await.expect("close session 2");
    }
}

// ------------------------------------------------------------------------------- journeys

/// (a) A listed name: the hit with its explanation, adjustments from country and birth date,
/// Enter saves a draft case, and the hit opens the full list entry.
async fn screen_a_listed_name(c: &Client, shots: &Path) {
    let name = c.find(Locator::Css("#screen-name")).await.expect("name box");
    name.send_keys("Murad Stanislavovich GADZHIYEV").await.expect("type name");
    // The preview answers while typing: wait for the answer to the whole name (score 1.00).
    let first = wait_text(c, "#hits li:first-child .hit .score", "1.00", QUICK).await;
    assert_eq!(first, "1.00", "the best hit of an exact listed name scores 1.00");
    let first = text_of(c, "#hits li:first-child .hit .matched").await;
    assert!(first.contains("GADZHIYEV"), "the best hit is the listed name: {first}");
    let chips = text_of(c, "#hits li:first-child .chip.exact").await;
    assert!(chips.contains("gadzhiyev"), "an exact token chip names the surname: {chips}");
    // Some list spells it GADZHIEV: that pair is explained as "sounds alike".
    wait_text(c, "#hits", "sounds alike", QUICK).await;

    c.find(Locator::Css("#screen-country")).await.unwrap().send_keys("ru").await.unwrap();
    c.find(Locator::Css("#screen-birth")).await.unwrap().send_keys("1961").await.unwrap();
    let adjusted = wait_text(c, "#hits .adjustments", "+0.05", QUICK).await;
    assert!(adjusted.contains("birth date"), "the birth-date adjustment is shown: {adjusted}");

    name.send_keys(ENTER).await.expect("Enter saves");
    let saved = wait_text(c, "#saved-notice", "Saved as draft case K-", QUICK).await;
    println!("journey a: {}", saved.replace('\n', " "));

    // Arrow down from the name box walks to the first hit; Enter opens its entry.
    name.send_keys("\u{E015}").await.expect("arrow down");
    let focused = c.execute("return document.activeElement.dataset.entry || null", vec![]).await.unwrap();
    assert!(focused.is_string(), "ArrowDown moves focus to a hit, got {focused}");
    c.active_element().await.unwrap().send_keys(ENTER).await.expect("Enter opens the entry");
    let entry = wait_text(c, "#entry-body", "GADZHIYEV", QUICK).await;
    for section in ["names", "programmes", "birth dates", "remarks"] {
        // innerText follows CSS text-transform: headings read as "NAMES".
        assert!(entry.to_lowercase().contains(section), "the entry shows {section}: {entry}");
    }
    screenshot(c, &shots.join("screen-hit.png")).await;
}

/// (b) An innocent name: the no-alert state with the lists it was screened against.
async fn screen_an_innocent_name(c: &Client, shots: &Path) {
    let name = c.find(Locator::Css("#screen-name")).await.unwrap();
    // Esc closes the entry, the second Esc clears the form.
    name.send_keys(ESCAPE).await.unwrap();
    wait_gone(c, "#entry-body", QUICK).await;
    name.send_keys(ESCAPE).await.unwrap();
    let value = c.execute("return document.getElementById('screen-name').value", vec![]).await.unwrap();
    assert_eq!(value, json!(""), "Esc clears the name box");
    assert_eq!(c.execute("return document.getElementById('screen-country').value", vec![]).await.unwrap(), json!(""));

    name.send_keys("Jasmine Adams").await.unwrap();
    let clear = wait_text(c, "#no-alerts", "No alerts at threshold 0.80 across", QUICK).await;
    assert!(clear.contains("ofac-sdn") && clear.contains("un-sc"), "the clear state names the lists: {clear}");
    assert!(c.find(Locator::Css("#hits")).await.is_err(), "no hit list for an innocent name");
    println!("journey b: {}", clear.replace('\n', " "));
    screenshot(c, &shots.join("screen-clear.png")).await;
}

/// (b2) A party with no entry of its own that listed entries name in their links: each such
/// hit says so, so nobody reads it as a listing.
async fn screen_a_party_a_listed_entry_names(c: &Client, shots: &Path) {
    let name = c.find(Locator::Css("#screen-name")).await.unwrap();
    name.send_keys(ESCAPE).await.unwrap();
    name.send_keys("Presidency of Defense Industries").await.unwrap();
    let linked = wait_text(c, "#hits .linked[data-link='linked_to']", "DEMIR, Ismail", QUICK).await;
    assert!(linked.starts_with("Via a link, not a listing"), "a link hit is not shown as a listing: {linked}");
    assert_eq!(texts(c, "#hits .linked").await.len(), 4, "four OFAC entries name the agency in their links");
    println!("journey b2: {linked}");
    screenshot(c, &shots.join("screen-linked.png")).await;
}

/// (c) Import a list file through "Import list file…" and see its new version in Lists.
async fn import_a_list_file(c: &Client, shots: &Path) {
    c.find(Locator::Css("#nav-lists")).await.unwrap().click().await.unwrap();
    wait_text(c, "#lists-table", "ofac-sdn", QUICK).await;
    let before: Vec<String> = rows_of(c, "#lists-table tbody tr[data-list]").await;

    c.find(Locator::Css("#lists-import")).await.unwrap().click().await.unwrap();
    let done = wait_any(c, &["#import-done", "#import-error"], SLOW).await;
    assert_eq!(done.0, "#import-done", "the import failed: {}", done.1);
    println!("journey c: {}", done.1);
    // "✓ Imported <list> version <version>: …"
    let mut words = done.1.split_whitespace().skip_while(|w| *w != "Imported").skip(1);
    let list = words.next().expect("list id in the notice").to_string();
    let version = words.nth(1).expect("version in the notice").trim_end_matches(':').to_string();

    let row = wait_text(c, &format!("#lists-table tr[data-list='{list}']"), &version, QUICK).await;
    assert!(row.contains(&list), "{row}");
    assert!(!before.iter().any(|r| r.contains(&version)), "version {version} is new: the table had {before:?}");
    let progress = c.execute("return document.querySelector('#import-progress progress').value", vec![]).await.unwrap();
    assert_eq!(progress, json!(5), "the progress bar ends at its last stage");
    screenshot(c, &shots.join("lists.png")).await;
}

/// (d) Batch: open a customer file, keep the suggested mapping, screen, see alerts first,
/// export CSV and read the file back.
async fn run_a_batch_and_export_it(c: &Client, shots: &Path, export: &Path) {
    c.find(Locator::Css("#nav-batch")).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("#batch-open")).await.unwrap().click().await.unwrap();
    wait_text(c, "#batch-preview", "Jasmine Adams", QUICK).await;
    assert_eq!(select_value(c, "#map-name").await, "name", "the name column is suggested");
    assert_eq!(select_value(c, "#map-id").await, "id", "the id column is suggested");

    c.find(Locator::Css("#batch-screen")).await.unwrap().click().await.unwrap();
    let summary = wait_text(c, "#batch-summary", "of 3 rows with alerts", SLOW).await;
    assert!(summary.starts_with("2 of 3"), "two of the three customers are listed: {summary}");
    let rows = rows_of(c, "#batch-results tbody tr").await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[2].contains("Jasmine Adams"), "alert rows come first, the clear row last: {rows:?}");
    let progress = c.execute("return [document.querySelector('#batch-progress progress').value, document.querySelector('#batch-progress progress').max]", vec![]).await.unwrap();
    assert_eq!(progress, json!([3, 3]), "the progress bar is full");

    c.find(Locator::Css("#batch-alerts-only")).await.unwrap().click().await.unwrap();
    assert_eq!(rows_of(c, "#batch-results tbody tr").await.len(), 2, "the filter keeps the alert rows");
    c.find(Locator::Css("#batch-alerts-only")).await.unwrap().click().await.unwrap();
    screenshot(c, &shots.join("batch.png")).await;

    c.find(Locator::Css("#export-csv")).await.unwrap().click().await.unwrap();
    let done = wait_any(c, &["#batch-exported", "#batch-error"], QUICK).await;
    assert_eq!(done.0, "#batch-exported", "the export failed: {}", done.1);
    println!("journey d: {}", done.1);

    // One line per input row, with the columns of `klaring::export`.
    let text = std::fs::read_to_string(export).expect("the exported file exists");
    let table = parse_csv(text.trim_start_matches('\u{feff}'));
    assert_eq!(table.len(), 4, "a header and one line per input row:\n{text}");
    let column = |name: &str| {
        table[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {:?}", table[0]))
    };
    let (id, alerts, top_list) = (column("id"), column("alerts"), column("top_list"));
    let row = |key: &str| table.iter().find(|r| r[id] == key).unwrap_or_else(|| panic!("no row {key}:\n{text}"));
    let count = |key: &str| row(key)[alerts].parse::<u32>().expect("alerts is a number");
    assert!(count("C-001") > 0 && !row("C-001")[top_list].is_empty(), "C-001 is listed:\n{text}");
    assert_eq!(count("C-002"), 0, "C-002 has no alert:\n{text}");
    assert!(row("C-002")[top_list].is_empty(), "C-002 has no best match:\n{text}");
    assert!(count("C-003") > 0, "C-003 is listed:\n{text}");
}

/// The case saved in journey (a) is in Cases, found by quick-find, its chain intact.
async fn find_the_saved_case(c: &Client) {
    c.find(Locator::Css("#nav-cases")).await.unwrap().click().await.unwrap();
    wait_text(c, "#cases-list", "GADZHIYEV", QUICK).await;
    c.find(Locator::Css("#cases-find")).await.unwrap().send_keys("gadz").await.unwrap();
    wait_text(c, "#cases-list", "GADZHIYEV", QUICK).await;
    c.find(Locator::Css("#cases-list .case")).await.unwrap().click().await.unwrap();
    let header = wait_text(c, "#verify-badge", "Hash chain intact", QUICK).await;
    assert!(header.contains("3 events"), "opened, screened, watch_screened: {header}");
    let hits = wait_text(c, "#case-hits", "GADZHIYEV", QUICK).await;
    assert!(hits.contains("not disposed of"), "{hits}");
    wait_text(c, "#retain-until", "keep until 20", QUICK).await;
}

/// The first start asks who is at the keyboard; every case event records the answer.
async fn answer_the_first_start_dialog(c: &Client) {
    wait_text(c, "#profile-dialog", "Who is using Klaring?", SLOW).await;
    c.find(Locator::Css("#profile-name")).await.unwrap().send_keys("Ann Export").await.unwrap();
    c.find(Locator::Css("#profile-role")).await.unwrap().send_keys("export manager").await.unwrap();
    c.find(Locator::Css("#profile-save")).await.unwrap().click().await.unwrap();
    wait_gone(c, "#profile-dialog", QUICK).await;
    wait_text(c, "#user-badge", "Ann Export", QUICK).await;
    wait_js(
        c,
        "return document.activeElement === document.getElementById('screen-name')",
        QUICK,
        "focus back in the name box",
    )
    .await;
}

/// (f) The case file: dispose of a hit with its deciding fact, assess the transaction's risk,
/// decide, see that the decider cannot approve, hand over to a second person who approves,
/// attach the end-user statement, submit (the case freezes), export the bundle and the PDF report.
async fn work_the_case_to_submission(c: &Client, shots: &Path, bundle: &Path, report: &Path) {
    let first = c.find(Locator::Css("#case-hits li.hit")).await.unwrap();
    let entry = first.attr("data-entry").await.unwrap().expect("a hit has its entry id");
    click(c, "#case-hits li.hit button.dispose").await;
    click(c, "#case-hits input[value='true_match']").await;
    c.find(Locator::Css("#case-hits .fact-input"))
        .await
        .unwrap()
        .send_keys("Same name, born 1961 in Makhachkala as the listed person.")
        .await
        .unwrap();
    click(c, "#case-hits .save-disposition").await;
    // The verdict badge (not the form's radio label, which also reads "True match").
    let hit = format!("#case-hits li.hit[data-entry='{entry}']");
    wait_text(c, &format!("{hit} [data-verdict='true_match']"), "True match", QUICK).await;
    let disposed = wait_text(c, &format!("{hit} .fact"), "born 1961", QUICK).await;
    assert!(disposed.contains("Ann Export"), "the fact is shown with who decided it: {disposed}");

    // The transaction: firewalls for Russia, assessed with the confirmed listing.
    click(c, "#risk-goods-add").await;
    set_select(c, "#risk-goods-0-class", "firewall_vpn").await;
    set_select(c, "#risk-destination", "ru").await;
    c.find(Locator::Css("#risk-end-use"))
        .await
        .unwrap()
        .send_keys("Perimeter security for a regional office")
        .await
        .unwrap();
    click(c, "#risk-assess").await;
    // A confirmed hit on the first list (OFAC, UK… for this person) is at least a risk signal.
    wait_js(c, "return !!document.getElementById('risk-tier')", QUICK, "the risk profile").await;
    let tier = c
        .execute(
            "const e = document.getElementById('risk-tier'); return [e.dataset.tier, e.dataset.prohibited, e.innerText];",
            vec![],
        )
        .await
        .unwrap();
    println!("journey f, risk: {tier}");
    assert!(
        tier[0] != json!("low_moderate") || tier[1] == json!("true"),
        "a confirmed listing raises the risk: {tier}"
    );
    set_select(c, "#decision-outcome", "abstain").await;
    c.find(Locator::Css("#decision-justification"))
        .await
        .unwrap()
        .send_keys("The counterparty is the listed person (EU, UN, OFAC): no transaction is possible.")
        .await
        .unwrap();
    click(c, "#decide").await;
    wait_text(c, "#approval-status", "Approval by a second person required", QUICK).await;
    let blocked = text_of(c, "#case-decision").await;
    assert!(blocked.contains("Ann Export took the decision and cannot approve it"), "{blocked}");

    // Four eyes: Bert takes over the laptop and approves.
    click(c, "#switch-user").await;
    let name = c.find(Locator::Css("#profile-name")).await.unwrap();
    name.clear().await.unwrap();
    name.send_keys("Bert Compliance").await.unwrap();
    let role = c.find(Locator::Css("#profile-role")).await.unwrap();
    role.clear().await.unwrap();
    role.send_keys("compliance officer").await.unwrap();
    click(c, "#profile-save").await;
    wait_gone(c, "#profile-dialog", QUICK).await;
    click(c, "#approve").await;
    wait_text(c, "#approval-status", "Approved by Bert Compliance", QUICK).await;

    click(c, "#attach-file").await;
    wait_text(c, "#case-attachments", "end-user-statement.pdf", QUICK).await;
    click(c, "#submit-case").await;
    wait_text(c, "#frozen-notice", "the case is frozen", QUICK).await;
    assert_eq!(text_of(c, "#case-status").await, "submitted");
    wait_text(c, "#verify-badge", "Hash chain intact", QUICK).await;
    assert!(c.find(Locator::Css("#case-hits button.dispose")).await.is_err(), "nothing can be disposed any more");

    click(c, "#case-export").await;
    wait_text(c, "#case-notice", "Written to", QUICK).await;
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(bundle).expect("the bundle was written"))
        .expect("the bundle is JSON");
    let kinds: Vec<&str> = exported["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "opened",
            "screened",
            "watch_screened",
            "disposition",
            "risk_assessed",
            "decision",
            "approval",
            "attachment",
            "submitted"
        ]
    );
    click(c, "#case-report").await;
    wait_text(c, "#case-notice", "case-report.pdf", SLOW).await;
    let pdf = std::fs::read(report).expect("the report was written");
    assert!(pdf.starts_with(b"%PDF-") && pdf.len() > 10_000, "an A4 report of {} bytes", pdf.len());
    c.execute("document.getElementById('case-hits').scrollIntoView()", vec![]).await.unwrap();
    screenshot(c, &shots.join("cases.png")).await;
}

/// Scrolls an element to the middle of its scroll container (the case detail is one), then
/// clicks it; a failure is reported with a screenshot.
async fn click(c: &Client, css: &str) {
    let found = c
        .execute(
            "const e = document.querySelector(arguments[0]); if (!e) return false; \
             e.scrollIntoView({block: 'center'}); return true;",
            vec![json!(css)],
        )
        .await
        .unwrap();
    if found != json!(true) {
        fail(c, format!("no element {css}")).await;
    }
    let clicked = match c.find(Locator::Css(css)).await {
        Ok(e) => e.click().await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = clicked {
        fail(c, format!("could not click {css}: {e}")).await;
    }
}

/// Picks an option of a `<select>` by value, as a user would, and tells Svelte.
async fn set_select(c: &Client, css: &str, value: &str) {
    let found = c
        .execute(
            "const s = document.querySelector(arguments[0]); if (!s) return false; \
             s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value === arguments[1];",
            vec![json!(css), json!(value)],
        )
        .await
        .unwrap();
    if found != json!(true) {
        fail(c, format!("no option {value} in {css}")).await;
    }
}

/// (e) The watch-list: import a hostile RSS feed through the Watch view, open its item, and
/// prove that none of its payloads (script, img onerror, iframe srcdoc, svg onload,
/// javascript: links) ran: each would set `document.title = 'pwned'` or `window.__pwned = 1`.
/// The literal payload text is shown as text, and the item detail holds no such element.
/// Then the Screen view shows the item for the counterparty with the name highlighted.
async fn import_a_hostile_feed_and_nothing_runs(c: &Client, shots: &Path) {
    let title_before = c.execute("return document.title", vec![]).await.unwrap();
    assert_ne!(title_before, json!("pwned"));
    c.find(Locator::Css("#nav-watch")).await.unwrap().click().await.unwrap();
    wait_text(c, "#watch-list", "Sandvine", QUICK).await;

    c.find(Locator::Css("#watch-import")).await.unwrap().click().await.unwrap();
    let done = wait_any(c, &["#watch-import-done", "#watch-import-error"], SLOW).await;
    assert_eq!(done.0, "#watch-import-done", "the import failed: {}", done.1);
    assert!(done.1.contains("watch-pwned.xml: 1 items, 1 new"), "{}", done.1);
    println!("journey e: {}", done.1);

    c.find(Locator::Css("#watch-find")).await.unwrap().send_keys("resells interception").await.unwrap();
    wait_js(c, "return document.querySelectorAll('#watch-list li').length === 1", QUICK, "quick-find to keep one item")
        .await;
    let row = text_of(c, "#watch-list li").await;
    assert!(row.contains("Sandvine resells interception kit"), "quick-find keeps the imported item: {row}");
    c.find(Locator::Css("#watch-list button.row")).await.unwrap().click().await.unwrap();
    let detail = wait_text(c, "#watch-detail", "Literal:", QUICK).await;
    println!("journey e, item detail: {}", detail.replace('\n', " | "));

    // The literal payload is on screen as text (the core stores `<` `>` as `‹` `›`).
    assert!(detail.contains("Literal: ‹script›window.__pwned=1‹/script›"), "{detail}");
    assert!(detail.contains("Sandvine equipment was found on the network."), "{detail}");
    assert!(detail.contains("click here"), "a link keeps its words: {detail}");
    assert!(!detail.contains("javascript:"), "no javascript: address is shown: {detail}");
    // Nothing ran, and the detail has no element a feed could have smuggled in.
    let state = c
        .execute(
            "const d = document.getElementById('watch-detail'); \
             return { title: document.title, pwned: typeof window.__pwned, \
               bad: d.querySelectorAll('script, iframe, img, svg, object, embed, form, a, style').length, \
               handlers: Array.from(d.querySelectorAll('*')).filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length, \
               scripts: document.querySelectorAll('script:not([src]), iframe').length };",
            vec![],
        )
        .await
        .expect("read the page state");
    assert_eq!(
        state,
        json!({"title": title_before, "pwned": "undefined", "bad": 0, "handlers": 0, "scripts": 0}),
        "a feed payload ran or left an element"
    );
    // Hovering the paragraph that had onmouseover does nothing either.
    c.find(Locator::Css("#watch-detail .summary")).await.unwrap().click().await.unwrap();
    assert_eq!(c.execute("return typeof window.__pwned", vec![]).await.unwrap(), json!("undefined"));
    screenshot(c, &shots.join("watch.png")).await;

    // On the Screen view the counterparty surfaces the item with its name highlighted.
    c.find(Locator::Css("#nav-screen")).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("#screen-name")).await.unwrap().send_keys("Sandvine Inc").await.unwrap();
    c.find(Locator::Css("#screen-destination")).await.unwrap().send_keys("eg").await.unwrap();
    wait_text(c, "#watch-matches", "Sandvine resells interception kit", QUICK).await;
    wait_text(c, "#watch-context", "", QUICK).await;
    let marks = texts(c, "#watch-matches li[data-item] mark").await;
    assert!(!marks.is_empty() && marks.iter().all(|m| m.eq_ignore_ascii_case("sandvine")), "{marks:?}");
    assert_eq!(c.execute("return typeof window.__pwned", vec![]).await.unwrap(), json!("undefined"));
    assert_eq!(c.execute("return document.title", vec![]).await.unwrap(), title_before);
}

// ------------------------------------------------------------------------------ the harness

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("src-tauri has a parent").to_path_buf()
}

/// A program the journeys need, or a failure that says how to get it.
fn require(program: &str) -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|d| d.join(program)).find(|p| p.is_file()))
        .unwrap_or_else(|| {
            panic!(
                "{program} is not installed; the end-to-end tests need Xvfb and WebKitWebDriver: \
                 run scripts/install-deps.sh (as root; Debian packages xvfb and webkit2gtk-driver)"
            )
        })
}

/// A child process killed when the test ends, however it ends.
struct Owned(Child);

impl Drop for Owned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Xvfb {
    display: String,
    _process: Owned,
}

impl Xvfb {
    /// Starts Xvfb on a display it chooses itself and reports on stdout (no race for a number).
    fn start() -> Xvfb {
        let program = require("Xvfb");
        let mut child = Command::new(program)
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let stdout = child.stdout.take().expect("Xvfb stdout");
        let process = Owned(child);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(QUICK).expect("Xvfb did not report its display");
        let number: u32 = line.trim().parse().unwrap_or_else(|_| panic!("Xvfb reported {line:?}"));
        Xvfb { display: format!(":{number}"), _process: process }
    }
}

struct Driver {
    url: String,
    _process: Owned,
}

impl Driver {
    /// Starts WebKitWebDriver on a free port. The app it launches inherits this environment.
    /// `picks` are per-kind test seams, e.g. `("KLARING_PICK_WATCH", path)`.
    fn start(xvfb: &Xvfb, data_dir: &Path, pick: &str, picks: &[(&str, &Path)]) -> Driver {
        let program = require("WebKitWebDriver");
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let mut command = Command::new(program);
        for (key, path) in picks {
            command.env(key, path);
        }
        let child = command
            .arg(format!("--port={port}"))
            .arg("--host=127.0.0.1")
            .env("DISPLAY", &xvfb.display)
            .env("TAURI_WEBVIEW_AUTOMATION", "true")
            .env("KLARING_DATA_DIR", data_dir)
            .env("KLARING_PICK", pick)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start WebKitWebDriver");
        let process = Owned(child);
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < QUICK, "WebKitWebDriver did not listen on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { url: format!("http://127.0.0.1:{port}"), _process: process }
    }
}

/// Opens a session (which starts the app) and measures start-up: from the session request to
/// the Screen view's name box accepting input, and to the index being ready.
async fn open_session(driver: &Driver) -> (Client, String) {
    let mut caps = serde_json::Map::new();
    caps.insert("webkitgtk:browserOptions".into(), json!({ "binary": APP, "args": [] }));
    let started = Instant::now();
    let requested_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64() * 1e3;
    let client =
        tokio::time::timeout(SLOW, ClientBuilder::new(HttpConnector::new()).capabilities(caps).connect(&driver.url))
            .await
            .expect("the WebDriver session did not start (is TAURI_WEBVIEW_AUTOMATION reaching the app?)")
            .expect("WebDriver session");
    let session = started.elapsed();
    // Interactive: the name box has focus, or (first start) the profile dialog asks first.
    wait_js(
        &client,
        "const e = document.getElementById('screen-name'); \
         return !!e && !e.disabled && e.offsetParent !== null && \
           (document.activeElement === e || !!document.getElementById('profile-dialog'));",
        QUICK,
        "the name box to be interactive",
    )
    .await;
    let interactive = started.elapsed();
    // Where the time went, from the page's own clock: when the webview started loading the
    // page (timeOrigin, epoch ms), when the DOM was parsed, when Svelte had mounted.
    let marks = wait_js(
        &client,
        "const m = performance.getEntriesByName('klaring-first-frame')[0]; \
         const n = performance.getEntriesByType('navigation')[0]; \
         return m ? [performance.timeOrigin, n ? n.domContentLoadedEventEnd : 0, \
           performance.getEntriesByName('klaring-mounted')[0].startTime, m.startTime] : null;",
        QUICK,
        "the start-up marks",
    )
    .await;
    let marks: Vec<f64> = serde_json::from_value(marks).expect("numbers");
    wait_js(&client, "return document.querySelector('.shell')?.dataset.ready === 'true'", SLOW, "the index").await;
    let ready = started.elapsed();
    let report = format!(
        "session {} ms, name box interactive {} ms, index ready {} ms (from the session request); \
         page load began at {:.0} ms, DOM parsed +{:.0} ms, UI mounted +{:.0} ms, first frame +{:.0} ms",
        session.as_millis(),
        interactive.as_millis(),
        ready.as_millis(),
        marks[0] - requested_ms,
        marks[1],
        marks[2],
        marks[3],
    );
    (client, report)
}

/// English and the light theme, whatever an earlier run left in the webview's storage.
async fn prepare(c: &Client) {
    c.find(Locator::Css("#lang-en")).await.unwrap().click().await.unwrap();
    let theme = c.execute("return document.documentElement.dataset.theme", vec![]).await.unwrap();
    if theme != json!("light") {
        c.find(Locator::Css("#theme-toggle")).await.unwrap().click().await.unwrap();
    }
    c.find(Locator::Css("#nav-screen")).await.unwrap().click().await.unwrap();
    let size = c.execute("return [window.innerWidth, window.innerHeight]", vec![]).await.unwrap();
    println!("window inner size: {size}");
}

/// Polls a script until it returns something other than false/null.
async fn wait_js(c: &Client, script: &str, timeout: Duration, what: &str) -> Value {
    let started = Instant::now();
    loop {
        let value = c.execute(script, vec![]).await.expect("execute script");
        if !matches!(value, Value::Null | Value::Bool(false)) {
            return value;
        }
        if started.elapsed() > timeout {
            fail(c, format!("timed out after {timeout:?} waiting for {what}")).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The rendered text (`innerText`) of every element matching `css`. Read with a script rather
/// than WebDriver's element text, which in WebKitWebDriver leaves out text in an
/// `overflow: hidden` box even when it is on screen.
async fn texts(c: &Client, css: &str) -> Vec<String> {
    let value = c
        .execute("return Array.from(document.querySelectorAll(arguments[0]), e => e.innerText)", vec![json!(css)])
        .await
        .expect("read texts");
    serde_json::from_value(value).expect("an array of strings")
}

/// Waits until the first element matching `css` shows `needle`; returns its text.
async fn wait_text(c: &Client, css: &str, needle: &str, timeout: Duration) -> String {
    let started = Instant::now();
    loop {
        let found = texts(c, css).await;
        match found.first() {
            Some(text) if text.contains(needle) => return text.clone(),
            last if started.elapsed() > timeout => {
                fail(c, format!("timed out after {timeout:?} waiting for {needle:?} in {css}; last text: {last:?}"))
                    .await
            }
            _ => {}
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for the first of several elements to appear; returns its selector and text.
async fn wait_any(c: &Client, selectors: &[&str], timeout: Duration) -> (String, String) {
    let started = Instant::now();
    loop {
        for css in selectors {
            if let Some(text) = texts(c, css).await.into_iter().next() {
                return (css.to_string(), text);
            }
        }
        if started.elapsed() > timeout {
            fail(c, format!("timed out after {timeout:?} waiting for any of {selectors:?}")).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_gone(c: &Client, css: &str, timeout: Duration) {
    let started = Instant::now();
    while !texts(c, css).await.is_empty() {
        if started.elapsed() > timeout {
            fail(c, format!("{css} is still shown after {timeout:?}")).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn text_of(c: &Client, css: &str) -> String {
    texts(c, css).await.join(" | ")
}

async fn rows_of(c: &Client, css: &str) -> Vec<String> {
    texts(c, css).await
}

async fn select_value(c: &Client, css: &str) -> String {
    let value =
        c.execute("return document.querySelector(arguments[0]).value", vec![json!(css)]).await.expect("read a select");
    value.as_str().unwrap_or_default().to_string()
}

/// Fails the test with a screenshot of the window as it was, for the CI log to point at.
async fn fail(c: &Client, message: String) -> ! {
    let path = std::env::temp_dir().join("klaring-e2e-failure.png");
    let saved = match c.screenshot().await {
        Ok(png) => std::fs::write(&path, png).map(|_| format!("screenshot: {}", path.display())),
        Err(e) => Ok(format!("no screenshot: {e}")),
    };
    panic!("{message} ({})", saved.unwrap_or_else(|e| format!("no screenshot: {e}")));
}

/// Reads CSV as written by the export (RFC 4180 quoting), enough to check its cells.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(ch) = chars.next() {
        match (quoted, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, _) => cell.push(ch),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, _) => cell.push(ch),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// Waits two animation frames (so the frame on screen is the DOM just asserted on; a shot
/// taken right after a DOM change can show the previous frame) and saves a PNG.
async fn screenshot(c: &Client, path: &Path) {
    c.execute_async(
        "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
        vec![],
    )
    .await
    .expect("two animation frames");
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    println!("screenshot: {}", path.display());
}
