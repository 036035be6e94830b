//! Back online: lists (and, when asked, news feeds) updated from their sources, and every saved
//! case screened again against what changed.
//!
//! One list at a time, all or nothing: its files are downloaded to temporary files
//! ([`download`]), recognised as the list they should be, compared with the current version by
//! content hash (the same bytes are `unchanged` and make no version), then imported by
//! [`Store::import`], which parses everything first and then writes the version and switches
//! the list's current pointer in one transaction. Any failure (network, HTTP status, timeout,
//! size cap, a truncated or foreign file) leaves the previous version current, is reported with
//! the list, file and reason, logged in `list_updates`, and does not stop the other lists.
//! Versions are never deleted, so every case keeps the versions it cites and stays
//! reproducible. Then, if any list changed, [`monitor`] screens every case again and raises
//! alerts; [`delta`] says what changed in a list; [`staleness`] how old each list is.
//!
//! Submodules: [`sources`] (where lists come from), [`download`], [`delta`], [`monitor`],
//! [`staleness`].

pub mod delta;
pub mod download;
pub mod monitor;
pub mod sources;
pub mod staleness;

use crate::case::events::CaseError;
use crate::lists::ImportError;
use crate::model::ListVersion;
use crate::net::{FetchError, FetchOptions};
use crate::screening::Screener;
use crate::store::{ImportOptions, Store, StoreError};
use crate::watch::{FeedRefresh, WatchError};
use delta::DeltaSummary;
use monitor::{Alert, MonitorReport};
use serde::Serialize;
use sources::ListSource;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error(transparent)]
    Watch(#[from] WatchError),
    /// A list id that is not one (boxed, as the import errors below: they are large).
    #[error(transparent)]
    ListId(Box<ImportError>),
    #[error("{list}, file {file}: {error}")]
    Fetch { list: String, file: String, error: FetchError },
    #[error("cannot keep a download in {dir}: {error}")]
    TempFile { dir: PathBuf, error: std::io::Error },
    #[error("{list}: the download ({urls}) was refused, nothing changed: {error}")]
    Refused { list: String, urls: String, error: Box<ImportError> },
    #[error("{list}: the download ({urls}) is the {found} list, not {list}; nothing changed")]
    WrongList { list: String, urls: String, found: String },
    #[error("no source is configured for list {0} (set one with `klaring sources set {0} URL…`)")]
    NoSource(String),
    #[error("no version of list {0} is loaded")]
    NoList(String),
    #[error("list {list}: {reason}")]
    Source { list: String, reason: String },
    #[error("{0}")]
    Policy(String),
    #[error("no alert {0}")]
    NoAlert(i64),
}

/// How far an update is, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Progress {
    /// Bytes of one file of a list; `total` when the server declared it.
    Download { list: String, file: String, received: u64, total: Option<u64> },
    /// Parsing and storing a list.
    Import { list: String },
    /// Fetching the configured news feeds.
    Feeds,
    /// Indexing the current lists for monitoring.
    Index,
    /// Cases screened again, of all.
    Rescreen { done: usize, total: usize },
}

/// What came of one list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A new version is current.
    Updated,
    /// The files are the current version's, byte for byte; nothing was written.
    Unchanged,
    /// The previous version stays current; `error` says why.
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Updated => "updated",
            Outcome::Unchanged => "unchanged",
            Outcome::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Outcome> {
        [Outcome::Updated, Outcome::Unchanged, Outcome::Failed].into_iter().find(|o| o.as_str() == text)
    }
}

/// One list's update attempt, as logged in `list_updates`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListUpdateRecord {
    pub id: i64,
    /// UTC, RFC 3339.
    pub at: String,
    pub actor: String,
    pub list: String,
    pub urls: Vec<String>,
    pub outcome: Outcome,
    pub error: Option<String>,
    /// Store ids of the version current before and after.
    pub from_version: Option<i64>,
    pub to_version: Option<i64>,
}

/// One list's result in an update report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListOutcome {
    pub list: String,
    pub urls: Vec<String>,
    pub outcome: Outcome,
    pub error: Option<String>,
    /// The version current before.
    pub previous: Option<ListVersion>,
    /// The version current after (the new one when updated).
    pub current: Option<ListVersion>,
    /// Entries added, removed and changed, when updated.
    pub delta: Option<DeltaSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpdateReport {
    pub at: String,
    pub lists: Vec<ListOutcome>,
    pub feeds: Vec<FeedRefresh>,
    /// Present when a list changed and the cases were screened again.
    pub monitor: Option<MonitorReport>,
}

impl UpdateReport {
    /// Lists and feeds that failed.
    pub fn failures(&self) -> usize {
        self.lists.iter().filter(|l| l.outcome == Outcome::Failed).count()
            + self.feeds.iter().filter(|f| f.error.is_some()).count()
    }
}

#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// Only these lists; every list with a source when empty.
    pub lists: Vec<String>,
    /// Also refresh the watch-list's configured news feeds.
    pub feeds: bool,
    /// Limits for list downloads (feeds keep their own size cap).
    pub fetch: FetchOptions,
    /// Where downloads are kept while in flight: the database's directory when `None`.
    pub download_dir: Option<PathBuf>,
}

impl Default for UpdateOptions {
    fn default() -> UpdateOptions {
        UpdateOptions { lists: Vec::new(), feeds: false, fetch: download::list_fetch_options(), download_dir: None }
    }
}

/// Updates the lists (and feeds) as `options` say, then screens every case again if a list
/// changed. A failing source is reported in its [`ListOutcome`]; only a database error stops
/// the update (and leaves every list as it was at that point).
pub fn run(
    store: &mut Store,
    options: &UpdateOptions,
    now: chrono::DateTime<chrono::Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Result<UpdateReport, UpdateError> {
    let all = sources::all(store)?;
    let chosen: Vec<ListSource> = if options.lists.is_empty() {
        all
    } else {
        let mut chosen = Vec::new();
        for list in &options.lists {
            chosen.push(
                all.iter().find(|s| &s.list == list).cloned().ok_or_else(|| UpdateError::NoSource(list.clone()))?,
            );
        }
        chosen
    };
    staleness::set_online(store, true)?;
    let actor = crate::case::actor(store);
    let at = crate::case::timestamp(now);
    let dir = options.download_dir.clone().unwrap_or_else(|| download_dir(store));
    let mut lists = Vec::new();
    for source in &chosen {
        let outcome = update_list(store, source, &dir, options, now, progress)?;
        store.record_list_update(&ListUpdateRecord {
            id: 0,
            at: at.clone(),
            actor: actor.clone(),
            list: outcome.list.clone(),
            urls: outcome.urls.clone(),
            outcome: outcome.outcome,
            error: outcome.error.clone(),
            from_version: outcome.previous.as_ref().map(|v| v.id),
            to_version: outcome.current.as_ref().map(|v| v.id),
        })?;
        lists.push(outcome);
    }
    let feeds = if options.feeds {
        progress(Progress::Feeds);
        let feed_options =
            crate::watch::FetchOptions { max_bytes: crate::watch::feeds::MAX_FEED_BYTES, ..options.fetch.clone() };
        crate::watch::refresh_feeds(store, &feed_options, &actor)?
    } else {
        Vec::new()
    };
    let monitor = if lists.iter().any(|l| l.outcome == Outcome::Updated) {
        progress(Progress::Index);
        let screener = Screener::load(store)?;
        Some(monitor::run(store, &screener, now, progress)?)
    } else {
        None
    };
    Ok(UpdateReport { at, lists, feeds, monitor })
}

/// One list: download, recognise, compare, import. Errors of the source become a `Failed`
/// outcome; a database error is returned.
fn update_list(
    store: &mut Store,
    source: &ListSource,
    dir: &Path,
    options: &UpdateOptions,
    now: chrono::DateTime<chrono::Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ListOutcome, UpdateError> {
    let previous = store.current_versions()?.into_iter().find(|v| v.list == source.list);
    let urls: Vec<String> = source.files.iter().map(|f| f.url.clone()).collect();
    let mut outcome = ListOutcome {
        list: source.list.clone(),
        urls: urls.clone(),
        outcome: Outcome::Failed,
        error: None,
        previous: previous.clone(),
        current: previous.clone(),
        delta: None,
    };
    match fetch_and_import(store, source, dir, options, now, previous.as_ref(), progress) {
        Ok(None) => outcome.outcome = Outcome::Unchanged,
        Ok(Some(version)) => {
            outcome.delta = Some(delta::between(store, previous.as_ref(), &version)?.summary());
            outcome.current = Some(version);
            outcome.outcome = Outcome::Updated;
        }
        Err(UpdateError::Store(StoreError::Import(error))) => {
            outcome.error = Some(
                UpdateError::Refused { list: source.list.clone(), urls: urls.join(", "), error: Box::new(error) }
                    .to_string(),
            )
        }
        Err(error @ UpdateError::Store(_)) => return Err(error),
        Err(error) => outcome.error = Some(error.to_string()),
    }
    Ok(outcome)
}

/// The new version, or `None` when the download is the current version byte for byte.
fn fetch_and_import(
    store: &mut Store,
    source: &ListSource,
    dir: &Path,
    options: &UpdateOptions,
    now: chrono::DateTime<chrono::Utc>,
    previous: Option<&ListVersion>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Option<ListVersion>, UpdateError> {
    let files = download::fetch_list(source, dir, &options.fetch, progress)?;
    let urls = || source.files.iter().map(|f| f.url.as_str()).collect::<Vec<_>>().join(", ");
    let (found, _) = crate::lists::detect(&files, None).map_err(|error| UpdateError::Refused {
        list: source.list.clone(),
        urls: urls(),
        error: Box::new(error),
    })?;
    if found != source.list {
        return Err(UpdateError::WrongList { list: source.list.clone(), urls: urls(), found });
    }
    let (_, sha256) = crate::store::digest_files(&files);
    if previous.is_some_and(|v| v.sha256 == sha256) {
        return Ok(None);
    }
    progress(Progress::Import { list: source.list.clone() });
    // A downloaded file without a date of its own is current as of the day it was fetched.
    let import = ImportOptions { list: None, as_of: Some(now.date_naive().to_string()) };
    Ok(Some(store.import(&files, &import)?))
}

/// Downloads go next to the database (same disk, the user's data); an in-memory store uses the
/// system's temporary directory.
fn download_dir(store: &Store) -> PathBuf {
    match store.path().parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => dir.join("downloads"),
        None => std::env::temp_dir(),
    }
}

/// The update log, newest first (one list's when given).
pub fn history(store: &Store, list: Option<&str>) -> Result<Vec<ListUpdateRecord>, UpdateError> {
    Ok(store.list_updates(list)?)
}

/// Alerts, newest first: the open ones, or all when `all`.
pub fn alerts(store: &Store, all: bool) -> Result<Vec<Alert>, UpdateError> {
    Ok(store.alerts(all)?)
}

/// Acknowledges an alert as the local user (once; a second acknowledgement keeps the first).
pub fn acknowledge(store: &mut Store, id: i64, now: chrono::DateTime<chrono::Utc>) -> Result<Alert, UpdateError> {
    let by = crate::case::actor(store);
    store.acknowledge_alert(id, &by, &crate::case::timestamp(now))?.ok_or(UpdateError::NoAlert(id))
}
