//! The one owner of the SQLite database: pragmas, migrations, and every query.
//!
//! Invariants: list versions and their entities are written once, in one transaction with
//! the switch of the list's current version, and never updated afterwards; a failed import
//! leaves the database exactly as it was. Migrations are numbered and append-only, tracked
//! by `PRAGMA user_version`.

mod cases;
mod migrations;
mod update;
mod watch;

pub use update::MonitoredCase;

use crate::lists::{self, ImportError, SourceFile};
use crate::model::{Entity, FileDigest, ListVersion, Warning};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("database {path} was written by a newer Klaring (schema {found}, this one knows {known})")]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("database: stored JSON for {what} is unreadable: {source}")]
    Json { what: String, source: serde_json::Error },
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("no case {0}")]
    NoCase(String),
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// What an import needs besides the files.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Overrides the detected list id (`--list`).
    pub list: Option<String>,
    /// The date the data is known to be current as of, for files that carry no date.
    pub as_of: Option<String>,
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir { path: dir.to_path_buf(), source })?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open { path: path.to_path_buf(), source })?;
        Store::init(conn, path.to_path_buf())
    }

    /// A private in-memory database, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::init(Connection::open_in_memory()?, PathBuf::from(":memory:"))
    }

    fn init(conn: Connection, path: PathBuf) -> Result<Store, StoreError> {
        // WAL: readers never block the writer, and a kill -9 mid-write loses only the open
        // transaction. Foreign keys are off by default in SQLite.
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::apply(&conn, &path)?;
        Ok(Store { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads, checks and stores a list: parse fully first, then one transaction that writes
    /// the new version and makes it current. Any error leaves the previous version current.
    pub fn import(&mut self, files: &[SourceFile], options: &ImportOptions) -> Result<ListVersion, StoreError> {
        let (list, format) = lists::detect(files, options.list.as_deref())?;
        let parsed = lists::parse(format, files)?;
        let (digests, sha256) = digest_files(files);
        let imported_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let date =
            parsed.published.clone().or_else(|| options.as_of.clone()).unwrap_or_else(|| imported_at[..10].to_string());
        let mut version = ListVersion {
            id: 0,
            version: format!("{date}+{}", &sha256[..8]),
            list,
            format: format.as_str().to_string(),
            published: parsed.published,
            as_of: options.as_of.clone(),
            imported_at,
            sha256,
            files: digests,
            record_count: parsed.entities.len() as u64,
            warnings: parsed.warnings,
        };
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO list_versions (list, version, format, published, as_of, imported_at, sha256, files, record_count, warnings)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                version.list,
                version.version,
                version.format,
                version.published,
                version.as_of,
                version.imported_at,
                version.sha256,
                to_json(&version.files),
                version.record_count as i64,
                to_json(&version.warnings),
            ],
        )?;
        version.id = tx.last_insert_rowid();
        {
            let mut insert = tx.prepare(
                "INSERT INTO entities (version_id, entry_id, schema, primary_name, data) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for entity in &parsed.entities {
                insert.execute(params![
                    version.id,
                    entity.entry_id,
                    entity.schema.as_str(),
                    entity.primary_name(),
                    to_json(entity)
                ])?;
            }
        }
        tx.execute(
            "INSERT INTO current_lists (list, version_id) VALUES (?1, ?2)
             ON CONFLICT(list) DO UPDATE SET version_id = excluded.version_id",
            params![version.list, version.id],
        )?;
        tx.commit()?;
        Ok(version)
    }

    /// The current version of every list, in list order.
    pub fn current_versions(&self) -> Result<Vec<ListVersion>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT v.id, v.list, v.version, v.format, v.published, v.as_of, v.imported_at, v.sha256, v.files, v.record_count, v.warnings
             FROM current_lists c JOIN list_versions v ON v.id = c.version_id ORDER BY v.list",
        )?;
        let rows = stmt.query_map([], version_from_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??);
        }
        out.sort_by_key(|v| lists::LISTS.iter().position(|l| l.id == v.list).unwrap_or(usize::MAX));
        Ok(out)
    }

    /// One version by id (current or not).
    pub fn version(&self, id: i64) -> Result<Option<ListVersion>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, list, version, format, published, as_of, imported_at, sha256, files, record_count, warnings
             FROM list_versions WHERE id = ?1",
        )?;
        match stmt.query_row([id], version_from_row).optional()? {
            Some(v) => Ok(Some(v?)),
            None => Ok(None),
        }
    }

    /// Every entity of the given versions, with its list id: the input of `Index::build`.
    pub fn entities(&self, versions: &[ListVersion]) -> Result<Vec<(String, Entity)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT data FROM entities WHERE version_id = ?1 ORDER BY rowid")?;
        let mut out = Vec::new();
        for version in versions {
            let rows = stmt.query_map([version.id], |row| row.get::<_, String>(0))?;
            for row in rows {
                let data = row?;
                let entity: Entity = serde_json::from_str(&data)
                    .map_err(|source| StoreError::Json { what: format!("an entity of {}", version.list), source })?;
                out.push((version.list.clone(), entity));
            }
        }
        Ok(out)
    }

    /// The full entry of one list entity in the list's current version.
    pub fn entity(&self, list: &str, entry_id: &str) -> Result<Option<Entity>, StoreError> {
        let data: Option<String> = self
            .conn
            .query_row(
                "SELECT e.data FROM entities e JOIN current_lists c ON c.version_id = e.version_id
                 WHERE c.list = ?1 AND e.entry_id = ?2",
                params![list, entry_id],
                |row| row.get(0),
            )
            .optional()?;
        data.map(|d| {
            serde_json::from_str(&d).map_err(|source| StoreError::Json { what: format!("{list} {entry_id}"), source })
        })
        .transpose()
    }
}

fn version_from_row(row: &rusqlite::Row) -> rusqlite::Result<Result<ListVersion, StoreError>> {
    let files: String = row.get(8)?;
    let warnings: String = row.get(10)?;
    let list: String = row.get(1)?;
    let parse = || -> Result<ListVersion, StoreError> {
        Ok(ListVersion {
            id: row.get(0)?,
            list: list.clone(),
            version: row.get(2)?,
            format: row.get(3)?,
            published: row.get(4)?,
            as_of: row.get(5)?,
            imported_at: row.get(6)?,
            sha256: row.get(7)?,
            files: serde_json::from_str::<Vec<FileDigest>>(&files)
                .map_err(|source| StoreError::Json { what: format!("files of {list}"), source })?,
            record_count: row.get::<_, i64>(9)? as u64,
            warnings: serde_json::from_str::<Vec<Warning>>(&warnings)
                .map_err(|source| StoreError::Json { what: format!("warnings of {list}"), source })?,
        })
    };
    Ok(parse())
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("model types always serialise")
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Each file's digest, and the version's content hash over them (as [`ListVersion::sha256`]):
/// what an import records, and how an update tells an unchanged download before importing it.
pub fn digest_files(files: &[SourceFile]) -> (Vec<FileDigest>, String) {
    let digests: Vec<FileDigest> = files
        .iter()
        .map(|f| FileDigest {
            name: f.base_name(),
            sha256: hex(&Sha256::digest(&f.bytes)),
            bytes: f.bytes.len() as u64,
        })
        .collect();
    let sha256 = content_hash(&digests);
    (digests, sha256)
}

/// One file: its own hash, so an auditor can check it with `sha256sum`. Several files: the
/// hash of the sorted `sha256  name` manifest lines (the `sha256sum` output format).
fn content_hash(files: &[FileDigest]) -> String {
    if let [one] = files {
        return one.sha256.clone();
    }
    let mut lines: Vec<String> = files.iter().map(|f| format!("{}  {}\n", f.sha256, f.name)).collect();
    lines.sort();
    hex(&Sha256::digest(lines.concat().as_bytes()))
}
