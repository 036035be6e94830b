//! The app's one state: where data lives, the store, the screener, the files the user picked
//! and the last batch.
//!
//! The window must be usable before the lists are: a first start imports the bundled lists and
//! every start builds the index, which takes seconds. So the store and the screener live in
//! [`Slot`]s that a background thread fills after the window shows; a command that needs one
//! waits for it (bounded), and the as-you-type preview answers `not_ready` instead of waiting.
//! After an import the screener is replaced whole, so a screening in flight finishes on the
//! index it started with.

use crate::error::{Code, CommandError};
use klaring::batch_table::Outcome;
use klaring::screening::Screener;
use klaring::store::Store;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// What the app is started with. `from_env` reads it in `main`; tests build it directly.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub data_dir: PathBuf,
    /// The test seam for `pick_files`: when set, these paths are "picked" instead of opening a
    /// native dialog, per kind (`list`, `batch`, `export`, `watch`) or for every kind (`any`).
    pub pick: Picks,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picks {
    pub any: Option<Vec<PathBuf>>,
    pub list: Option<Vec<PathBuf>>,
    pub batch: Option<Vec<PathBuf>>,
    pub export: Option<Vec<PathBuf>>,
    pub watch: Option<Vec<PathBuf>>,
    pub attachment: Option<Vec<PathBuf>>,
    pub case_export: Option<Vec<PathBuf>>,
    pub watch_export: Option<Vec<PathBuf>>,
    pub case_report: Option<Vec<PathBuf>>,
}

impl Config {
    /// `KLARING_DATA_DIR` if set, else the platform data directory; `KLARING_PICK`
    /// ("path1;path2") answers every `pick_files`, and `KLARING_PICK_LIST`,
    /// `KLARING_PICK_BATCH`, `KLARING_PICK_EXPORT`, `KLARING_PICK_WATCH`, `KLARING_PICK_ATTACHMENT`,
    /// `KLARING_PICK_CASE_EXPORT`, `KLARING_PICK_WATCH_EXPORT`, `KLARING_PICK_CASE_REPORT` answer one kind (for end-to-end tests).
    pub fn from_env() -> Config {
        let var = |key: &str| std::env::var_os(key).filter(|v| !v.is_empty());
        let paths = |key: &str| {
            var(key).map(|v| {
                v.to_string_lossy().split(';').map(str::trim).filter(|p| !p.is_empty()).map(PathBuf::from).collect()
            })
        };
        Config {
            data_dir: klaring::app::data_dir(var("KLARING_DATA_DIR").map(PathBuf::from).as_deref()),
            pick: Picks {
                any: paths("KLARING_PICK"),
                list: paths("KLARING_PICK_LIST"),
                batch: paths("KLARING_PICK_BATCH"),
                export: paths("KLARING_PICK_EXPORT"),
                watch: paths("KLARING_PICK_WATCH"),
                attachment: paths("KLARING_PICK_ATTACHMENT"),
                case_export: paths("KLARING_PICK_CASE_EXPORT"),
                watch_export: paths("KLARING_PICK_WATCH_EXPORT"),
                case_report: paths("KLARING_PICK_CASE_REPORT"),
            },
        }
    }
}

pub struct AppState {
    pub config: Config,
    pub store: Slot<Mutex<Store>>,
    pub screener: Slot<Screener>,
    /// Paths returned by `pick_files`: the only files commands read or write.
    picked: Mutex<HashSet<PathBuf>>,
    /// The outcomes of the last `batch_screen`, for `batch_export`.
    pub last_batch: Mutex<Option<Arc<Vec<Outcome>>>>,
}

/// How long a command waits for the store or the index before answering `not_ready`.
pub const LOAD_WAIT: Duration = Duration::from_secs(180);

impl AppState {
    pub fn new(config: Config) -> AppState {
        AppState {
            config,
            store: Slot::new("the database"),
            screener: Slot::new("the list index"),
            picked: Mutex::new(HashSet::new()),
            last_batch: Mutex::new(None),
        }
    }

    /// Loads the store, then the screener; run on a background thread at start-up.
    pub fn load(&self) {
        let dir = &self.config.data_dir;
        let store = match klaring::app::open(dir) {
            Ok(store) => store,
            Err(err) => {
                let message = format!("opening the data directory {}: {err}", dir.display());
                // The index first: once the store answers with the failure, so does everything.
                self.screener.fail(&message);
                self.store.fail(&message);
                return;
            }
        };
        self.store.set(Arc::new(Mutex::new(store)));
        // A second connection, so commands that need the store are not held up by indexing.
        match Store::open(&klaring::app::database_path(dir)).and_then(|s| Screener::load(&s)) {
            Ok(screener) => self.screener.set(Arc::new(screener)),
            Err(err) => self.screener.fail(&format!("building the list index: {err}")),
        }
    }

    pub fn remember_picked(&self, paths: &[PathBuf]) {
        lock(&self.picked).extend(paths.iter().cloned());
    }

    /// `path` if the user picked it in a dialog (or the test seam did).
    pub fn picked(&self, path: &str) -> Result<PathBuf, CommandError> {
        let path = PathBuf::from(path);
        if lock(&self.picked).contains(&path) {
            Ok(path)
        } else {
            Err(CommandError::new(Code::NotPicked, format!("{} was not chosen in a file dialog", path.display())))
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.config.data_dir
    }
}

/// A value that a background thread provides once (or replaces later), and that commands can
/// wait for.
pub struct Slot<T> {
    what: &'static str,
    state: Mutex<Loading<T>>,
    changed: Condvar,
}

enum Loading<T> {
    Pending,
    Ready(Arc<T>),
    Failed(String),
}

impl<T> Slot<T> {
    pub fn new(what: &'static str) -> Slot<T> {
        Slot { what, state: Mutex::new(Loading::Pending), changed: Condvar::new() }
    }

    pub fn set(&self, value: Arc<T>) {
        *lock(&self.state) = Loading::Ready(value);
        self.changed.notify_all();
    }

    pub fn fail(&self, message: &str) {
        *lock(&self.state) = Loading::Failed(message.to_string());
        self.changed.notify_all();
    }

    pub fn is_ready(&self) -> bool {
        matches!(*lock(&self.state), Loading::Ready(_))
    }

    /// The value now, or `not_ready` while it is still loading.
    pub fn now(&self) -> Result<Arc<T>, CommandError> {
        self.answer(&lock(&self.state))
    }

    /// The value, waiting up to `timeout` for it to load.
    pub fn wait(&self, timeout: Duration) -> Result<Arc<T>, CommandError> {
        let deadline = Instant::now() + timeout;
        let mut state = lock(&self.state);
        while matches!(*state, Loading::Pending) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = self.changed.wait_timeout(state, left).unwrap_or_else(|e| e.into_inner()).0;
        }
        self.answer(&state)
    }

    fn answer(&self, state: &Loading<T>) -> Result<Arc<T>, CommandError> {
        match state {
            Loading::Ready(value) => Ok(value.clone()),
            Loading::Pending => Err(CommandError::new(Code::NotReady, format!("{} is still loading", self.what))),
            Loading::Failed(message) => Err(CommandError::new(Code::Database, message.clone())),
        }
    }
}

/// Locks a mutex; a panic elsewhere while holding it does not make the data unusable here
/// (every writer leaves it consistent: the store's own transactions roll back).
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_answers_not_ready_until_set_and_waiters_wake_up() {
        let slot: Arc<Slot<u32>> = Arc::new(Slot::new("the list index"));
        let err = slot.now().unwrap_err();
        assert_eq!(
            serde_json::to_value(&err).unwrap(),
            serde_json::json!({"code": "not_ready", "message": "the list index is still loading"})
        );
        assert_eq!(slot.wait(Duration::from_millis(10)).unwrap_err().code, Code::NotReady);
        let waiter = {
            let slot = slot.clone();
            std::thread::spawn(move || slot.wait(Duration::from_secs(30)).map(|v| *v))
        };
        std::thread::sleep(Duration::from_millis(20));
        slot.set(Arc::new(7));
        assert_eq!(waiter.join().unwrap(), Ok(7));
        slot.fail("broken");
        assert_eq!(slot.now().unwrap_err(), CommandError::new(Code::Database, "broken"));
    }

    #[test]
    fn only_picked_paths_are_allowed() {
        let state = AppState::new(Config::default());
        assert_eq!(state.picked("/x/y.csv").unwrap_err().code, Code::NotPicked);
        state.remember_picked(&[PathBuf::from("/x/y.csv")]);
        assert_eq!(state.picked("/x/y.csv").unwrap(), PathBuf::from("/x/y.csv"));
    }
}
