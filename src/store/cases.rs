//! The case tables' queries (migrations 2 and 4). Events are only ever inserted: the chain is
//! extended inside one `IMMEDIATE` transaction that reads the last hash and writes the next
//! event, and triggers in the schema refuse any `UPDATE` or `DELETE` and any insert that does
//! not extend the chain. What a hash covers is defined in `crate::case`.

use super::{Store, StoreError};
use crate::case::{self, CaseEvent, CaseStatus, CaseSummary, NewEvent};
use crate::model::{Entity, ListVersion};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

const SUMMARY: &str = "SELECT c.id, c.created_at,
        json_extract(o.payload, '$.counterparty.name'),
        json_extract(s.payload, '$.alerts'),
        json_extract(s.payload, '$.top_score'),
        EXISTS (SELECT 1 FROM case_events WHERE case_id = c.id AND kind = 'submitted'),
        EXISTS (SELECT 1 FROM case_events WHERE case_id = c.id AND kind = 'decision')
    FROM cases c
    LEFT JOIN case_events o ON o.case_id = c.id
        AND o.seq = (SELECT min(seq) FROM case_events WHERE case_id = c.id AND kind = 'opened')
    LEFT JOIN case_events s ON s.case_id = c.id
        AND s.seq = (SELECT max(seq) FROM case_events WHERE case_id = c.id AND kind IN ('screened', 'rescreened', 'alert'))";

impl Store {
    /// Creates a case numbered next in `created_at`'s year and writes `events` as its chain,
    /// all in one transaction. Returns the new case id.
    pub fn create_case(
        &mut self,
        created_at: chrono::DateTime<chrono::Utc>,
        events: &[NewEvent],
    ) -> Result<String, StoreError> {
        use chrono::Datelike;
        let year = created_at.year();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let last: Option<i64> = tx.query_row(
            "SELECT max(CAST(substr(id, 8) AS INTEGER)) FROM cases WHERE id LIKE ?1",
            [format!("K-{year}-%")],
            |row| row.get(0),
        )?;
        let id = case::case_id(year, last.unwrap_or(0) as u64 + 1);
        tx.execute("INSERT INTO cases (id, created_at) VALUES (?1, ?2)", params![id, case::timestamp(created_at)])?;
        for event in events {
            append(&tx, &id, event)?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// Appends one event to an existing case.
    pub fn append_case_event(&mut self, case_id: &str, event: &NewEvent) -> Result<CaseEvent, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: bool = tx.query_row("SELECT count(*) > 0 FROM cases WHERE id = ?1", [case_id], |row| row.get(0))?;
        if !exists {
            return Err(StoreError::NoCase(case_id.to_string()));
        }
        let stored = append(&tx, case_id, event)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Appends the event that `build` makes from the case's events as they stand, inside one
    /// `IMMEDIATE` transaction: the rules `build` checks (frozen case, four eyes…) hold for
    /// exactly the chain the event extends. `attachment` (SHA-256, bytes) is stored in the
    /// same transaction, so an attachment event never exists without its file.
    pub fn append_case_event_with<E: From<StoreError>>(
        &mut self,
        case_id: &str,
        attachment: Option<(&str, &[u8])>,
        build: impl FnOnce(&[CaseEvent]) -> Result<NewEvent, E>,
    ) -> Result<CaseEvent, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
        let exists: bool = tx
            .query_row("SELECT count(*) > 0 FROM cases WHERE id = ?1", [case_id], |row| row.get(0))
            .map_err(StoreError::from)?;
        if !exists {
            return Err(StoreError::NoCase(case_id.to_string()).into());
        }
        let events = events_of(&tx, case_id)?;
        let event = build(&events)?;
        if let Some((sha256, bytes)) = attachment {
            tx.execute(
                "INSERT INTO case_attachments (sha256, size, content) VALUES (?1, ?2, ?3) ON CONFLICT(sha256) DO NOTHING",
                params![sha256, bytes.len() as i64, bytes],
            )
            .map_err(StoreError::from)?;
        }
        let stored = append(&tx, case_id, &event)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(stored)
    }

    /// The stored head of a case's chain (last seq and hash), if any.
    pub fn case_head(&self, case_id: &str) -> Result<Option<(i64, String)>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT seq, hash FROM case_heads WHERE case_id = ?1", [case_id], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?)
    }

    /// An attached file's bytes by SHA-256.
    pub fn case_attachment(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT content FROM case_attachments WHERE sha256 = ?1", [sha256], |row| row.get(0))
            .optional()?)
    }

    /// Every `disposition` event of every case, oldest first: (case id, seq, at, payload).
    pub fn all_dispositions(&self) -> Result<Vec<(String, i64, String, String)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT case_id, seq, at, payload FROM case_events WHERE kind = 'disposition' ORDER BY at, case_id, seq",
        )?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A setting's value (`user.name`, `retention.years`, …).
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| row.get(0)).optional()?)
    }

    /// Writes settings, all in one transaction.
    pub fn set_settings(&mut self, values: &[(&str, &str)]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for (key, value) in values {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored list version a result cites (list, version name and SHA-256 together).
    pub fn version_cited(&self, list: &str, version: &str, sha256: &str) -> Result<Option<ListVersion>, StoreError> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM list_versions WHERE list = ?1 AND version = ?2 AND sha256 = ?3 ORDER BY id LIMIT 1",
                params![list, version, sha256],
                |row| row.get(0),
            )
            .optional()?;
        match id {
            Some(id) => self.version(id),
            None => Ok(None),
        }
    }

    /// One entity of one list version.
    pub fn entity_in_version(&self, version_id: i64, entry_id: &str) -> Result<Option<Entity>, StoreError> {
        let data: Option<String> = self
            .conn
            .query_row(
                "SELECT data FROM entities WHERE version_id = ?1 AND entry_id = ?2",
                params![version_id, entry_id],
                |row| row.get(0),
            )
            .optional()?;
        data.map(|d| {
            serde_json::from_str(&d).map_err(|source| StoreError::Json { what: format!("entry {entry_id}"), source })
        })
        .transpose()
    }

    /// Every case, newest first.
    pub fn case_summaries(&self) -> Result<Vec<CaseSummary>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("{SUMMARY} ORDER BY c.created_at DESC, c.id DESC"))?;
        let rows = stmt.query_map([], summary_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One case's summary.
    pub fn case_summary(&self, case_id: &str) -> Result<Option<CaseSummary>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("{SUMMARY} WHERE c.id = ?1"))?;
        Ok(stmt.query_row([case_id], summary_from_row).optional()?)
    }

    /// One case's events in order (empty for an unknown case).
    pub fn case_events(&self, case_id: &str) -> Result<Vec<CaseEvent>, StoreError> {
        events_of(&self.conn, case_id)
    }

    /// A case with its summary and events, if it exists.
    pub fn case_file(&self, case_id: &str) -> Result<Option<case::CaseFile>, StoreError> {
        let Some(summary) = self.case_summary(case_id)? else { return Ok(None) };
        Ok(Some(case::CaseFile { summary, events: self.case_events(case_id)? }))
    }
}

fn events_of(conn: &rusqlite::Connection, case_id: &str) -> Result<Vec<CaseEvent>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, kind, payload, prev_hash, hash FROM case_events WHERE case_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([case_id], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get::<_, String>(4)?, row.get(5)?, row.get(6)?))
    })?;
    let mut events = Vec::new();
    for row in rows {
        let (seq, at, actor, kind, payload, prev_hash, hash) = row?;
        let payload = serde_json::value::RawValue::from_string(payload)
            .map_err(|source| StoreError::Json { what: format!("case {case_id} event {seq}"), source })?;
        events.push(CaseEvent { case_id: case_id.to_string(), seq, at, actor, kind, payload, prev_hash, hash });
    }
    Ok(events)
}

/// Writes the next event of `case_id` after its current last one.
pub(super) fn append(tx: &Transaction, case_id: &str, event: &NewEvent) -> Result<CaseEvent, StoreError> {
    let last: Option<(i64, String)> = tx
        .query_row("SELECT seq, hash FROM case_events WHERE case_id = ?1 ORDER BY seq DESC LIMIT 1", [case_id], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, case::GENESIS.to_string()),
    };
    let payload = case::canonical_json(&event.payload);
    let kind = event.kind.as_str();
    let hash = case::event_hash(&prev_hash, case_id, seq, &event.at, &event.actor, kind, &payload);
    tx.execute(
        "INSERT INTO case_events (case_id, seq, at, actor, kind, payload, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![case_id, seq, event.at, event.actor, kind, payload, prev_hash, hash],
    )?;
    tx.execute(
        "INSERT INTO case_heads (case_id, seq, hash) VALUES (?1, ?2, ?3)
         ON CONFLICT(case_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        params![case_id, seq, hash],
    )?;
    Ok(CaseEvent {
        case_id: case_id.to_string(),
        seq,
        at: event.at.clone(),
        actor: event.actor.clone(),
        kind: kind.to_string(),
        payload: serde_json::value::RawValue::from_string(payload)
            .map_err(|source| StoreError::Json { what: format!("case {case_id} event {seq}"), source })?,
        prev_hash,
        hash,
    })
}

fn summary_from_row(row: &rusqlite::Row) -> rusqlite::Result<CaseSummary> {
    Ok(CaseSummary {
        id: row.get(0)?,
        created_at: row.get(1)?,
        status: match (row.get::<_, bool>(5)?, row.get::<_, bool>(6)?) {
            (true, _) => CaseStatus::Submitted,
            (false, true) => CaseStatus::Decided,
            (false, false) => CaseStatus::Draft,
        },
        counterparty: row.get::<_, Option<String>>(2)?.unwrap_or_default(),
        alerts: row.get::<_, Option<i64>>(3)?.unwrap_or(0).max(0) as u64,
        top_score: row.get(4)?,
    })
}
