//! The one error shape that crosses IPC: `{ "code": "snake_case_code", "message": "human
//! text" }`. The code is a closed set the front end can switch on (and translate); the message
//! is the core's own, already naming the file, line, list or party at fault. The JSON is
//! pinned by `tests/commands.rs`.

use klaring::affiliations::ScreeningError;
use klaring::batch_table::TableError;
use klaring::case::events::CaseError;
use klaring::case::report::ReportError;
use klaring::export::ExportError;
use klaring::matching::QueryError;
use klaring::store::StoreError;
use klaring::update::UpdateError;
use klaring::watch::{FeedError, WatchError};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// The lists are still being loaded or indexed; try again shortly.
    NotReady,
    /// The name, birth date, country or an affiliation is not screenable as typed.
    InvalidQuery,
    /// No such list entry or case.
    NotFound,
    /// An argument the front end should never send (unknown kind, empty list of paths).
    InvalidInput,
    /// A path that did not come from a file dialog (see `pick_files`).
    NotPicked,
    /// A file could not be read or written.
    Io,
    /// A list file was refused; nothing changed.
    ImportFailed,
    /// A customer file could not be read as a table, or the mapping names a missing column.
    BatchFile,
    /// `batch_export` before any `batch_screen`.
    NoBatch,
    ExportFailed,
    /// A watch-list item or feed with the same address (or name) exists already.
    Conflict,
    /// A feed could not be fetched (network, HTTP status, address).
    Network,
    /// The database could not be opened or read.
    Database,
    /// No user profile yet: the first-start dialog must be answered.
    NoProfile,
    /// A case rule refused the action (frozen after submission, four eyes, hits not disposed
    /// of, no decision yet); the message says which.
    Refused,
    /// A bug: a worker thread died or a result could not be serialised.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommandError {
    pub code: Code,
    pub message: String,
}

impl CommandError {
    pub fn new(code: Code, message: impl Into<String>) -> CommandError {
        CommandError { code, message: message.into() }
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<StoreError> for CommandError {
    fn from(err: StoreError) -> CommandError {
        CommandError::new(store_code(&err), err.to_string())
    }
}

fn store_code(err: &StoreError) -> Code {
    match err {
        StoreError::Import(_) => Code::ImportFailed,
        StoreError::NoCase(_) => Code::NotFound,
        _ => Code::Database,
    }
}

impl From<QueryError> for CommandError {
    fn from(err: QueryError) -> CommandError {
        CommandError::new(Code::InvalidQuery, err.to_string())
    }
}

impl From<ScreeningError> for CommandError {
    fn from(err: ScreeningError) -> CommandError {
        CommandError::new(Code::InvalidQuery, err.to_string())
    }
}

impl From<TableError> for CommandError {
    fn from(err: TableError) -> CommandError {
        let code = match &err {
            TableError::Io { .. } => Code::Io,
            _ => Code::BatchFile,
        };
        CommandError::new(code, err.to_string())
    }
}

impl From<ExportError> for CommandError {
    fn from(err: ExportError) -> CommandError {
        let code = match &err {
            ExportError::Nothing => Code::NoBatch,
            ExportError::Io { .. } => Code::Io,
            ExportError::Xlsx { .. } => Code::ExportFailed,
        };
        CommandError::new(code, err.to_string())
    }
}

impl From<FeedError> for CommandError {
    fn from(err: FeedError) -> CommandError {
        let code = match &err {
            FeedError::Read { .. } => Code::Io,
            FeedError::Http { .. } | FeedError::Network { .. } | FeedError::Url { .. } => Code::Network,
            _ => Code::ImportFailed,
        };
        CommandError::new(code, err.to_string())
    }
}

impl From<WatchError> for CommandError {
    fn from(err: WatchError) -> CommandError {
        let code = match err {
            WatchError::Feed(feed) => return feed.into(),
            WatchError::Store(store) => return store.into(),
            WatchError::Json { .. } => Code::ImportFailed,
            WatchError::Invalid(_) => Code::InvalidInput,
            WatchError::NoItem(_) | WatchError::NoFeed(_) => Code::NotFound,
            WatchError::DuplicateUrl { .. } | WatchError::DuplicateFeed { .. } => Code::Conflict,
            WatchError::Query { .. } => Code::InvalidQuery,
        };
        CommandError::new(code, err.to_string())
    }
}

impl From<CaseError> for CommandError {
    fn from(err: CaseError) -> CommandError {
        let code = match &err {
            CaseError::Store(e) => store_code(e),
            CaseError::NoProfile => Code::NoProfile,
            CaseError::Submitted { .. }
            | CaseError::SameUser { .. }
            | CaseError::ApprovalRequired { .. }
            | CaseError::Undisposed(_)
            | CaseError::NoDecision(_)
            | CaseError::ChangedMeanwhile => Code::Refused,
            CaseError::NoSuchHit { .. } | CaseError::NoSuchWatchMatch { .. } => Code::NotFound,
            CaseError::Screening(_) => Code::InvalidQuery,
            CaseError::Payload { .. } => Code::Database,
            CaseError::Watch(_) | CaseError::Rescreen(_) => Code::Internal,
            CaseError::Profile(_)
            | CaseError::Justification { .. }
            | CaseError::NoFact
            | CaseError::EmptyNote
            | CaseError::NoReason
            | CaseError::AmbiguousHit { .. }
            | CaseError::Attachment { .. }
            | CaseError::Retention(_)
            | CaseError::Assess(_) => Code::InvalidInput,
        };
        CommandError::new(code, err.to_string())
    }
}

impl From<ReportError> for CommandError {
    fn from(err: ReportError) -> CommandError {
        match err {
            ReportError::Case(e) => e.into(),
            ReportError::Store(e) => e.into(),
            other => CommandError::new(Code::ExportFailed, other.to_string()),
        }
    }
}

impl From<UpdateError> for CommandError {
    fn from(err: UpdateError) -> CommandError {
        let code = match &err {
            UpdateError::Store(e) => store_code(e),
            UpdateError::Case(_) => Code::Database,
            UpdateError::Watch(_) | UpdateError::Fetch { .. } => Code::Network,
            UpdateError::TempFile { .. } => Code::Io,
            UpdateError::Refused { .. } | UpdateError::WrongList { .. } => Code::ImportFailed,
            UpdateError::NoList(_) | UpdateError::NoAlert(_) => Code::NotFound,
            UpdateError::ListId(_) | UpdateError::NoSource(_) | UpdateError::Source { .. } | UpdateError::Policy(_) => {
                Code::InvalidInput
            }
        };
        CommandError::new(code, err.to_string())
    }
}
