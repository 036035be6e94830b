//! The IPC commands: each converts its arguments, calls one core function, and converts the
//! result or error. Rules, SQL and file formats live in the `klaring` crate.
//!
//! Every command is `async` and does its work on a blocking thread ([`blocking`]): Tauri runs
//! synchronous commands on the main thread, where a screening, an import or a wait for the
//! index would freeze the window. Every command is generic over the runtime so the tests can
//! drive it on Tauri's mock runtime.
//!
//! Files: commands read and write only paths that `pick_files` returned (a native dialog, or
//! the `KLARING_PICK*` test seam), so a compromised page cannot name any other file.

use crate::error::{Code, CommandError};
use crate::state::{lock, AppState, LOAD_WAIT};
use klaring::affiliations::ScreeningInput;
use klaring::batch_table::{self, Mapping, Preview, RowSummary};
use klaring::case::allow_list::{self, AllowList};
use klaring::case::{self, CaseSummary, SavedScreening};
use klaring::export::{self, ExportFormat};
use klaring::lists::SourceFile;
use klaring::matching::{self, Query, DEFAULT_THRESHOLD};
use klaring::model::{Entity, ListVersion};
use klaring::screening::{self, ListStatus, ScreenResult, Screener};
use klaring::store::{ImportOptions, Store};
use klaring::watch::{
    self, Change, Feed, FeedRefresh, ImportReport, ItemEdit, ItemFilter, NewItem, Relevance, RelevanceMark, Tag,
    WatchItem, WatchQuery, WatchScreening,
};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// Runs `work` on a blocking thread with the app's state.
pub(crate) async fn blocking<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    work: impl FnOnce(&AppHandle<R>, &AppState) -> Result<T, CommandError> + Send + 'static,
) -> Result<T, CommandError> {
    tauri::async_runtime::spawn_blocking(move || work(&app, &app.state::<AppState>()))
        .await
        .map_err(|e| CommandError::new(Code::Internal, format!("a worker thread failed: {e}")))?
}

#[derive(Debug, Serialize)]
pub struct AppInfo {
    pub version: &'static str,
    pub data_dir: String,
    pub matcher: &'static str,
    pub threshold: f64,
    /// Whether the list index is built (screening answers at once).
    pub ready: bool,
}

#[tauri::command(rename_all = "snake_case")]
pub async fn app_info<R: Runtime>(app: AppHandle<R>) -> Result<AppInfo, CommandError> {
    let state = app.state::<AppState>();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        data_dir: state.data_dir().display().to_string(),
        matcher: matching::MATCHER_VERSION,
        threshold: DEFAULT_THRESHOLD,
        ready: state.screener.is_ready(),
    })
}

/// As-you-type screening: saves nothing, and does not wait for the index. Hits an earlier
/// case judged false positives come back marked (`allow_listed`).
#[tauri::command(rename_all = "snake_case")]
pub async fn screen_preview<R: Runtime>(app: AppHandle<R>, query: Query) -> Result<ScreenResult, CommandError> {
    blocking(app, move |_, state| {
        let screener = state.screener.now()?;
        let mut result = screener.screen(None, &query, DEFAULT_THRESHOLD)?;
        let store = state.store.now()?;
        let store = lock(&store);
        allow_list::apply(&store, &AllowList::load(&store)?, &mut result)?;
        Ok(result)
    })
    .await
}

/// Screens the counterparty and its affiliations (lists, allow list, watch-list) and saves
/// them as a draft case.
#[tauri::command(rename_all = "snake_case")]
pub async fn screen_and_save<R: Runtime>(
    app: AppHandle<R>,
    input: ScreeningInput,
) -> Result<SavedScreening, CommandError> {
    blocking(app, move |_, state| {
        let screener = state.screener.wait(LOAD_WAIT)?;
        let store = state.store.wait(LOAD_WAIT)?;
        let mut store = lock(&store);
        let actor = case::actor(&store);
        let saved = case::open(&mut store, &screener, &actor, chrono::Utc::now(), &input)?;
        Ok(saved)
    })
    .await
}

#[derive(Debug, Serialize)]
pub struct EntryView {
    pub list: String,
    /// The list's full name, when Klaring knows the list.
    pub title: Option<&'static str>,
    pub entity: Entity,
}

/// One list entry in full, from the list's current version.
#[tauri::command(rename_all = "snake_case")]
pub async fn entry<R: Runtime>(app: AppHandle<R>, list: String, entry_id: String) -> Result<EntryView, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let entity = lock(&store)
            .entity(&list, &entry_id)?
            .ok_or_else(|| CommandError::new(Code::NotFound, format!("{list} has no entry {entry_id}")))?;
        Ok(EntryView { title: klaring::lists::list_info(&list).map(|l| l.title), list, entity })
    })
    .await
}

/// The current lists with their age and staleness under the policy in force (7 days once
/// online updates are in use, 30 offline).
#[tauri::command(rename_all = "snake_case")]
pub async fn lists<R: Runtime>(app: AppHandle<R>) -> Result<Vec<ListStatus>, CommandError> {
    blocking(app, |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let store = lock(&store);
        let versions = store.current_versions()?;
        let policy = klaring::update::staleness::policy(&store)?;
        Ok(screening::list_status(&versions, chrono::Utc::now().date_naive(), policy.max_age_days))
    })
    .await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PickKind {
    /// List files to import (several).
    List,
    /// One customer file to screen.
    Batch,
    /// Where to write the batch results.
    Export,
    /// Watch-list files to import: RSS/Atom feeds or JSON in the seed's format (several).
    Watch,
    /// A file to attach to a case (one).
    Attachment,
    /// Where to write a case's JSON bundle.
    CaseExport,
    /// Where to write the watch-list as JSON.
    WatchExport,
    /// Where to write a case's PDF report.
    CaseReport,
}

/// A native file dialog. Returns the chosen paths (empty when cancelled) and remembers them as
/// the files commands may touch.
#[tauri::command(rename_all = "snake_case")]
pub async fn pick_files<R: Runtime>(app: AppHandle<R>, kind: PickKind) -> Result<Vec<String>, CommandError> {
    blocking(app, move |app, state| {
        let picks = &state.config.pick;
        let seam = match kind {
            PickKind::List => &picks.list,
            PickKind::Batch => &picks.batch,
            PickKind::Export => &picks.export,
            PickKind::Watch => &picks.watch,
            PickKind::Attachment => &picks.attachment,
            PickKind::CaseExport => &picks.case_export,
            PickKind::WatchExport => &picks.watch_export,
            PickKind::CaseReport => &picks.case_report,
        };
        let paths = match seam.as_ref().or(picks.any.as_ref()) {
            Some(paths) => paths.clone(),
            None => dialog(app, kind)?,
        };
        state.remember_picked(&paths);
        Ok(paths.iter().map(|p| p.display().to_string()).collect())
    })
    .await
}

fn dialog<R: Runtime>(app: &AppHandle<R>, kind: PickKind) -> Result<Vec<PathBuf>, CommandError> {
    use tauri_plugin_dialog::DialogExt;
    let files = app.dialog().file();
    let chosen = match kind {
        PickKind::List => files
            .set_title("Import list files")
            .add_filter("Sanctions lists", &["xml", "csv", "xlsx", "ods", "json"])
            .blocking_pick_files()
            .unwrap_or_default(),
        PickKind::Batch => files
            .set_title("Open a customer file")
            .add_filter("Customer files", &["csv", "txt", "tsv", "xlsx", "xls", "ods"])
            .blocking_pick_file()
            .into_iter()
            .collect(),
        PickKind::Export => files
            .set_title("Export the batch results")
            .add_filter("Excel workbook", &["xlsx"])
            .add_filter("CSV", &["csv"])
            .set_file_name("klaring-batch.xlsx")
            .blocking_save_file()
            .into_iter()
            .collect(),
        PickKind::Watch => files
            .set_title("Import watch-list feeds")
            .add_filter("RSS, Atom or watch-list JSON", &["xml", "rss", "atom", "json"])
            .blocking_pick_files()
            .unwrap_or_default(),
        PickKind::Attachment => files.set_title("Attach a file to the case").blocking_pick_file().into_iter().collect(),
        PickKind::CaseExport => files
            .set_title("Export the case")
            .add_filter("Case bundle (JSON)", &["json"])
            .set_file_name("klaring-case.json")
            .blocking_save_file()
            .into_iter()
            .collect(),
        PickKind::CaseReport => files
            .set_title("Save the case report")
            .add_filter("PDF", &["pdf"])
            .set_file_name("klaring-case.pdf")
            .blocking_save_file()
            .into_iter()
            .collect(),
        PickKind::WatchExport => files
            .set_title("Export the watch-list")
            .add_filter("Watch-list JSON", &["json"])
            .set_file_name("klaring-watch-list.json")
            .blocking_save_file()
            .into_iter()
            .collect(),
    };
    chosen
        .into_iter()
        .map(|p| {
            p.into_path().map_err(|e| CommandError::new(Code::Io, format!("the dialog returned no usable path: {e}")))
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportProgress {
    /// "reading" (once per file), "parsing" (the store parses and writes in one all-or-nothing
    /// step), "indexing", "done".
    pub stage: &'static str,
    pub file: String,
}

/// Imports list files (one list, one or several files), then rebuilds the index. Emits
/// `import-progress`. The old index keeps answering until the new one is built.
#[tauri::command(rename_all = "snake_case")]
pub async fn import_lists<R: Runtime>(app: AppHandle<R>, paths: Vec<String>) -> Result<ListVersion, CommandError> {
    blocking(app, move |app, state| {
        if paths.is_empty() {
            return Err(CommandError::new(Code::InvalidInput, "no files to import"));
        }
        let progress = |stage, file: &str| {
            let _ = app.emit("import-progress", ImportProgress { stage, file: file.to_string() });
        };
        let mut files = Vec::new();
        for path in &paths {
            let path = state.picked(path)?;
            let name = path.display().to_string();
            progress("reading", &name);
            let bytes = std::fs::read(&path).map_err(|e| CommandError::new(Code::Io, format!("{name}: {e}")))?;
            files.push(SourceFile { name, bytes });
        }
        let names = files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ");
        progress("parsing", &names);
        let store = state.store.wait(LOAD_WAIT)?;
        let version = lock(&store).import(&files, &ImportOptions::default())?;
        progress("indexing", &names);
        let screener = Store::open(&klaring::app::database_path(state.data_dir())).and_then(|s| Screener::load(&s))?;
        state.screener.set(Arc::new(screener));
        progress("done", &names);
        Ok(version)
    })
    .await
}

/// Opens a customer file: its columns, first rows, size and a suggested mapping.
#[tauri::command(rename_all = "snake_case")]
pub async fn batch_open<R: Runtime>(app: AppHandle<R>, path: String) -> Result<Preview, CommandError> {
    blocking(app, move |_, state| Ok(batch_table::preview(&state.picked(&path)?)?)).await
}

#[derive(Debug, Serialize)]
pub struct BatchResult {
    pub rows: Vec<RowSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BatchProgress {
    pub done: usize,
    pub total: usize,
}

/// Screens every row of a customer file under `mapping`, on every core; emits
/// `batch-progress` (about a hundred times per batch) and keeps the outcomes for export.
#[tauri::command(rename_all = "snake_case")]
pub async fn batch_screen<R: Runtime>(
    app: AppHandle<R>,
    path: String,
    mapping: Mapping,
) -> Result<BatchResult, CommandError> {
    blocking(app, move |app, state| {
        let table = batch_table::read(&state.picked(&path)?)?;
        let rows = batch_table::rows(&table, &mapping)?;
        let screener = state.screener.wait(LOAD_WAIT)?;
        let total = rows.len();
        let step = (total / 100).max(1);
        let done = AtomicUsize::new(0);
        let _ = app.emit("batch-progress", BatchProgress { done: 0, total });
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let outcomes = batch_table::screen(&screener, rows, DEFAULT_THRESHOLD, threads, || {
            let done = done.fetch_add(1, Ordering::Relaxed) + 1;
            if done.is_multiple_of(step) || done == total {
                let _ = app.emit("batch-progress", BatchProgress { done, total });
            }
        });
        // Hits an earlier case judged false positives are marked, and not counted as alerts.
        let mut outcomes = outcomes;
        let store = state.store.wait(LOAD_WAIT)?;
        let store = lock(&store);
        let allow = AllowList::load(&store)?;
        for result in outcomes.iter_mut().filter_map(|o| o.result.as_mut().ok()) {
            allow_list::apply(&store, &allow, result)?;
        }
        let rows = outcomes.iter().map(|o| o.summary()).collect();
        *lock(&state.last_batch) = Some(Arc::new(outcomes));
        Ok(BatchResult { rows })
    })
    .await
}

#[derive(Debug, Serialize)]
pub struct ExportResult {
    pub path: String,
    pub rows: usize,
}

/// Writes the last batch's results to `path` as CSV or XLSX.
#[tauri::command(rename_all = "snake_case")]
pub async fn batch_export<R: Runtime>(
    app: AppHandle<R>,
    path: String,
    format: ExportFormat,
) -> Result<ExportResult, CommandError> {
    blocking(app, move |_, state| {
        let path = state.picked(&path)?;
        let outcomes = lock(&state.last_batch).clone().ok_or(export::ExportError::Nothing)?;
        let rows = export::export(&outcomes, format, &path)?;
        Ok(ExportResult { path: path.display().to_string(), rows })
    })
    .await
}

/// Saved cases, newest first; `filter` is a quick-find over counterparty names and case ids.
#[tauri::command(rename_all = "snake_case")]
pub async fn cases_list<R: Runtime>(
    app: AppHandle<R>,
    filter: Option<String>,
) -> Result<Vec<CaseSummary>, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let all = lock(&store).case_summaries()?;
        Ok(case::find(all, filter.as_deref().unwrap_or("")))
    })
    .await
}

// ------------------------------------------------------------------------------ watch-list

/// The Watch view's filter: every condition given must hold.
#[derive(Debug, Default, Deserialize)]
pub struct WatchFilter {
    pub tag: Option<Tag>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub since: Option<String>,
    pub until: Option<String>,
    /// Quick-find over title, summary, parties and publisher.
    pub find: Option<String>,
}

/// Watch-list items that pass the filter, newest first.
#[tauri::command(rename_all = "snake_case")]
pub async fn watch_list<R: Runtime>(
    app: AppHandle<R>,
    filter: Option<WatchFilter>,
) -> Result<Vec<WatchItem>, CommandError> {
    blocking(app, move |_, state| {
        let f = filter.unwrap_or_default();
        let blank = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let filter = ItemFilter {
            tag: f.tag,
            country: blank(f.country),
            since: blank(f.since),
            until: blank(f.until),
            text: blank(f.find),
        };
        let store = state.store.wait(LOAD_WAIT)?;
        let items = watch::list(&lock(&store), &filter)?;
        Ok(items)
    })
    .await
}

#[derive(Debug, Serialize)]
pub struct WatchItemView {
    pub item: WatchItem,
    /// Every recorded change, oldest first.
    pub changes: Vec<Change>,
}

/// One watch-list item with its recorded changes.
#[tauri::command(rename_all = "snake_case")]
pub async fn watch_item<R: Runtime>(app: AppHandle<R>, id: String) -> Result<WatchItemView, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let store = lock(&store);
        Ok(WatchItemView { item: watch::item(&store, &id)?, changes: watch::changes(&store, &id)? })
    })
    .await
}

/// Adds an item typed in by the user.
#[tauri::command(rename_all = "snake_case")]
pub async fn watch_add<R: Runtime>(app: AppHandle<R>, item: NewItem) -> Result<WatchItem, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let mut store = lock(&store);
        let actor = case::actor(&store);
        let added = watch::add_item(&mut store, &item, &actor)?;
        Ok(added)
    })
    .await
}

/// Edits an item: only the fields given change, and no refresh will overwrite them.
#[tauri::command(rename_all = "snake_case")]
pub async fn watch_edit<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    changes: ItemEdit,
) -> Result<WatchItem, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let mut store = lock(&store);
        let actor = case::actor(&store);
        let edited = watch::edit_item(&mut store, &id, &changes, &actor)?;
        Ok(edited)
    })
    .await
}

/// Marks an item relevant or not to a party, with the reason.
#[tauri::command(rename_all = "snake_case")]
pub async fn watch_mark<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    party: String,
    relevance: Relevance,
    reason: String,
) -> Result<RelevanceMark, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let mut store = lock(&store);
        let actor = case::actor(&store);
        let mark = watch::mark(&mut store, &party, &id, relevance, &reason, &actor)?;
        Ok(mark)
    })
    .await
}

/// Matches a counterparty and its affiliates against the watch-list; items about the
/// destination come back as context. Highlights carry UTF-16 positions for the webview.
#[tauri::command(rename_all = "snake_case")]
pub async fn watch_match<R: Runtime>(app: AppHandle<R>, query: WatchQuery) -> Result<WatchScreening, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let result = watch::screen(&lock(&store), &query)?;
        Ok(result)
    })
    .await
}

/// What importing one picked file did: its report, or the error that refused it (nothing
/// from that file was stored).
#[derive(Debug, Serialize)]
pub struct WatchFileImport {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<ImportReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<CommandError>,
}

/// Imports watch-list files that `pick_files("watch")` returned, each on its own
/// (all-or-nothing per file).
#[tauri::command(rename_all = "snake_case")]
pub async fn watch_import_files<R: Runtime>(
    app: AppHandle<R>,
    paths: Vec<String>,
) -> Result<Vec<WatchFileImport>, CommandError> {
    blocking(app, move |_, state| {
        if paths.is_empty() {
            return Err(CommandError::new(Code::InvalidInput, "no files to import"));
        }
        let picked = paths.iter().map(|p| state.picked(p)).collect::<Result<Vec<_>, _>>()?;
        let store = state.store.wait(LOAD_WAIT)?;
        let by = case::actor(&lock(&store));
        Ok(picked
            .into_iter()
            .map(|path| {
                let result = watch::import_file(&mut lock(&store), &path, &by);
                let file = path.display().to_string();
                match result {
                    Ok(report) => WatchFileImport { file, report: Some(report), error: None },
                    Err(e) => WatchFileImport { file, report: None, error: Some(e.into()) },
                }
            })
            .collect())
    })
    .await
}

/// Fetches every configured feed (the network, on a blocking worker thread: blocking reqwest
/// must not run on the async runtime). A feed that fails is reported; the others refresh.
#[tauri::command(rename_all = "snake_case")]
pub async fn watch_refresh<R: Runtime>(app: AppHandle<R>) -> Result<Vec<FeedRefresh>, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let mut store = lock(&store);
        let actor = case::actor(&store);
        let refreshed = watch::refresh_feeds(&mut store, &watch::FetchOptions::default(), &actor)?;
        Ok(refreshed)
    })
    .await
}

/// The configured feeds with their last refresh.
#[tauri::command(rename_all = "snake_case")]
pub async fn watch_feeds<R: Runtime>(app: AppHandle<R>) -> Result<Vec<Feed>, CommandError> {
    blocking(app, |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let feeds = watch::feeds(&lock(&store))?;
        Ok(feeds)
    })
    .await
}

/// Adds a feed (an http(s) address) to the list that `watch_refresh` fetches.
#[tauri::command(rename_all = "snake_case")]
pub async fn watch_feed_add<R: Runtime>(app: AppHandle<R>, name: String, url: String) -> Result<Feed, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let mut store = lock(&store);
        let actor = case::actor(&store);
        let feed = watch::add_feed(&mut store, &name, &url, &actor)?;
        Ok(feed)
    })
    .await
}

/// Removes a feed; the items it brought stay.
#[tauri::command(rename_all = "snake_case")]
pub async fn watch_feed_remove<R: Runtime>(app: AppHandle<R>, name: String) -> Result<(), CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        watch::remove_feed(&mut lock(&store), &name)?;
        Ok(())
    })
    .await
}

/// Writes the whole watch-list as JSON (the seed's format, with provenance) to a path that
/// `pick_files("watch_export")` returned.
#[tauri::command(rename_all = "snake_case")]
pub async fn watch_export<R: Runtime>(app: AppHandle<R>, path: String) -> Result<ExportResult, CommandError> {
    blocking(app, move |_, state| {
        let path = state.picked(&path)?;
        let store = state.store.wait(LOAD_WAIT)?;
        let store = lock(&store);
        let json = watch::export_json(&store)?;
        let rows = store.watch_items()?.len();
        std::fs::write(&path, json).map_err(|e| CommandError::new(Code::Io, format!("{}: {e}", path.display())))?;
        Ok(ExportResult { path: path.display().to_string(), rows })
    })
    .await
}
