//! Back online (issue 7): update the lists and feeds, see what changed, and the alerts that
//! monitoring raised on saved cases. Each command calls one `klaring::update` function.
//!
//! An update runs on its own database connection: it holds its store for the whole download,
//! and the app's shared store must keep answering the other views meanwhile (SQLite in WAL
//! mode lets them read while the update writes; the import itself is one short transaction).

use crate::commands::blocking;
use crate::error::CommandError;
use crate::state::{lock, LOAD_WAIT};
use klaring::screening::Screener;
use klaring::store::Store;
use klaring::update::delta::{self, ListDelta};
use klaring::update::monitor::Alert;
use klaring::update::sources::{self, ListSource};
use klaring::update::staleness::{self, Policy};
use klaring::update::{self, Outcome, Progress, UpdateOptions, UpdateReport};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter, Runtime};

/// Emitted while an update runs: a `Progress` (`{phase, …}`), at most every 100 ms per phase.
pub const PROGRESS_EVENT: &str = "update-progress";

/// Downloads the lists (all with a source, or `lists`) and, with `feeds`, the news feeds;
/// imports what changed, re-screens every saved case and raises alerts. A failing source is
/// reported in its outcome; the previous version stays in force.
#[tauri::command(rename_all = "snake_case")]
pub async fn update_run<R: Runtime>(
    app: AppHandle<R>,
    lists: Vec<String>,
    feeds: bool,
) -> Result<UpdateReport, CommandError> {
    blocking(app, move |app, state| {
        let path = klaring::app::database_path(state.data_dir());
        let mut store = Store::open(&path)?;
        let options = UpdateOptions { lists, feeds, ..UpdateOptions::default() };
        let mut last: Option<(std::mem::Discriminant<Progress>, Instant)> = None;
        let mut progress = |p: Progress| {
            let kind = std::mem::discriminant(&p);
            let due = match last {
                Some((k, at)) => k != kind || at.elapsed() >= Duration::from_millis(100),
                None => true,
            };
            if due {
                last = Some((kind, Instant::now()));
                let _ = app.emit(PROGRESS_EVENT, &p);
            }
        };
        let report = update::run(&mut store, &options, chrono::Utc::now(), &mut progress)?;
        if report.lists.iter().any(|l| l.outcome == Outcome::Updated) {
            state.screener.set(Arc::new(Screener::load(&store)?));
        }
        Ok(report)
    })
    .await
}

/// What the current version of `list` added, removed and changed against the one before.
#[tauri::command(rename_all = "snake_case")]
pub async fn list_delta<R: Runtime>(app: AppHandle<R>, list: String) -> Result<ListDelta, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let delta = delta::latest(&lock(&store), &list)?;
        Ok(delta)
    })
    .await
}

/// Alerts from monitoring: the open ones, or all with `all`.
#[tauri::command(rename_all = "snake_case")]
pub async fn alerts<R: Runtime>(app: AppHandle<R>, all: bool) -> Result<Vec<Alert>, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let alerts = update::alerts(&lock(&store), all)?;
        Ok(alerts)
    })
    .await
}

/// The current user acknowledges an alert (once; the alert itself is never deleted).
#[tauri::command(rename_all = "snake_case")]
pub async fn alert_ack<R: Runtime>(app: AppHandle<R>, id: i64) -> Result<Alert, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let alert = update::acknowledge(&mut lock(&store), id, chrono::Utc::now())?;
        Ok(alert)
    })
    .await
}

/// Where each list is downloaded from (the official addresses unless the user set others).
#[tauri::command(rename_all = "snake_case")]
pub async fn update_sources<R: Runtime>(app: AppHandle<R>) -> Result<Vec<ListSource>, CommandError> {
    blocking(app, |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let all = sources::all(&lock(&store))?;
        Ok(all)
    })
    .await
}

/// Sets a list's download addresses (`NAME=URL` or `URL`, one per file); an empty list of
/// addresses goes back to the official ones.
#[tauri::command(rename_all = "snake_case")]
pub async fn update_source_set<R: Runtime>(
    app: AppHandle<R>,
    list: String,
    urls: Vec<String>,
) -> Result<ListSource, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let mut store = lock(&store);
        if urls.is_empty() {
            sources::reset(&mut store, &list)?;
            return Ok(sources::get(&store, &list)?);
        }
        Ok(sources::set(&mut store, &list, &urls)?)
    })
    .await
}

/// The staleness policy in force: online updates on or off, and the policy age.
#[tauri::command(rename_all = "snake_case")]
pub async fn update_policy<R: Runtime>(app: AppHandle<R>) -> Result<Policy, CommandError> {
    blocking(app, |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let policy = staleness::policy(&lock(&store))?;
        Ok(policy)
    })
    .await
}

/// Sets the policy age (1–365 days) used once online updates are in use.
#[tauri::command(rename_all = "snake_case")]
pub async fn update_policy_set<R: Runtime>(app: AppHandle<R>, days: i64) -> Result<Policy, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let mut store = lock(&store);
        staleness::set_max_age(&mut store, days)?;
        Ok(staleness::policy(&store)?)
    })
    .await
}
