//! Numbered, append-only schema migrations. A released migration is never edited: a change
//! is a new entry at the end. `PRAGMA user_version` records how many have run.

use super::StoreError;
use rusqlite::Connection;
use std::path::Path;

const MIGRATIONS: &[&str] = &[
    // 1: list versions, their entities, and which version of each list is current.
    "CREATE TABLE list_versions (
        id INTEGER PRIMARY KEY,
        list TEXT NOT NULL,
        version TEXT NOT NULL,
        format TEXT NOT NULL,
        published TEXT,
        as_of TEXT,
        imported_at TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        files TEXT NOT NULL,
        record_count INTEGER NOT NULL,
        warnings TEXT NOT NULL
    );
    CREATE TABLE entities (
        version_id INTEGER NOT NULL REFERENCES list_versions(id),
        entry_id TEXT NOT NULL,
        schema TEXT NOT NULL,
        primary_name TEXT NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (version_id, entry_id)
    );
    CREATE TABLE current_lists (
        list TEXT PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES list_versions(id)
    );",
];

pub fn apply(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let done: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if done > known {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found: done, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        tx.commit()?;
    }
    Ok(())
}
