//! Screening against the current lists: the index built from the store, and results that say
//! which list versions they were made against.

use crate::matching::{self, Hit, Index, Query, QueryError};
use crate::model::ListVersion;
use crate::store::{Store, StoreError};
use serde::Serialize;

/// The current lists, indexed for matching. Build once, screen many times (it is `Sync`, so
/// batch threads share it).
pub struct Screener {
    index: Index,
    versions: Vec<ListVersion>,
}

/// A list version as a result cites it (read back from case files, too).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ListUsed {
    pub list: String,
    pub version: String,
    /// The publisher's date in the file, if any.
    pub published: Option<String>,
    /// The date the data is current as of when the file has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    pub sha256: String,
}

/// One screening: the query, the alerts, and the lists and rules that produced them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreenResult {
    pub id: Option<String>,
    pub query: Query,
    pub hits: Vec<Hit>,
    pub lists: Vec<ListUsed>,
    pub matcher: &'static str,
    pub threshold: f64,
}

impl ScreenResult {
    /// The hits that alert: all of them but those the allow list settles.
    pub fn alerts(&self) -> impl Iterator<Item = &Hit> {
        self.hits.iter().filter(|h| h.alerts())
    }
}

impl Screener {
    /// Loads every current list version from the store and indexes it.
    pub fn load(store: &Store) -> Result<Screener, StoreError> {
        let versions = store.current_versions()?;
        let entities = store.entities(&versions)?;
        let index = Index::build(entities.iter().map(|(list, e)| (list.as_str(), e)));
        Ok(Screener { index, versions })
    }

    /// Indexes the given list versions, current or not: a case re-screened against the lists
    /// it was made with.
    pub fn for_versions(store: &Store, versions: Vec<ListVersion>) -> Result<Screener, StoreError> {
        let entities = store.entities(&versions)?;
        let index = Index::build(entities.iter().map(|(list, e)| (list.as_str(), e)));
        Ok(Screener { index, versions })
    }

    pub fn versions(&self) -> &[ListVersion] {
        &self.versions
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Screens one query; hits are the alerts at or above `threshold`, best first.
    pub fn screen(&self, id: Option<String>, query: &Query, threshold: f64) -> Result<ScreenResult, QueryError> {
        let hits = matching::screen(&self.index, query, threshold)?;
        Ok(ScreenResult {
            id,
            query: query.clone(),
            hits,
            lists: self.lists_used(),
            matcher: matching::MATCHER_VERSION,
            threshold,
        })
    }

    fn lists_used(&self) -> Vec<ListUsed> {
        self.versions
            .iter()
            .map(|v| ListUsed {
                list: v.list.clone(),
                version: v.version.clone(),
                published: v.published.clone(),
                as_of: v.as_of.clone(),
                sha256: v.sha256.clone(),
            })
            .collect()
    }
}

/// A list's freshness under a policy age.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListStatus {
    #[serde(flatten)]
    pub version: ListVersion,
    pub title: Option<&'static str>,
    /// Days between the data date (publisher's, else as-of, else import) and `today`.
    pub age_days: i64,
    pub stale: bool,
}

/// Default policy: a list whose data is older than this many days is flagged stale.
pub const DEFAULT_MAX_AGE_DAYS: i64 = 30;

pub fn list_status(versions: &[ListVersion], today: chrono::NaiveDate, max_age_days: i64) -> Vec<ListStatus> {
    versions
        .iter()
        .map(|v| {
            let date = chrono::NaiveDate::parse_from_str(v.data_date(), "%Y-%m-%d").unwrap_or(today);
            let age_days = (today - date).num_days();
            ListStatus {
                title: crate::lists::list_info(&v.list).map(|l| l.title),
                version: v.clone(),
                age_days,
                stale: age_days > max_age_days,
            }
        })
        .collect()
}

/// Screens every row on `threads` threads and returns the results in input order;
/// `on_done` is called once per finished row (for a progress bar).
pub fn screen_all(
    screener: &Screener,
    rows: &[crate::batch::Row],
    threshold: f64,
    threads: usize,
    on_done: impl Fn() + Sync,
) -> Vec<Result<ScreenResult, QueryError>> {
    let chunk = rows.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = rows
            .chunks(chunk)
            .map(|part| {
                let on_done = &on_done;
                scope.spawn(move || {
                    part.iter()
                        .map(|row| {
                            let result = screener.screen(Some(row.id.clone()), &row.query, threshold);
                            on_done();
                            result
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a screening thread panicked")).collect()
    })
}
