//! The online-update tables' queries (migration 5): list sources, the update log, the cases
//! monitoring reads, and alerts. An alert row and its case's `alert` event are written in one
//! `IMMEDIATE` transaction, so neither exists without the other.

use super::{Store, StoreError};
use crate::case::{CaseEvent, NewEvent};
use crate::matching::LinkedBy;
use crate::model::ListVersion;
use crate::update::monitor::{Alert, AlertKey, NewAlert};
use crate::update::sources::SourceUrl;
use crate::update::{ListUpdateRecord, Outcome};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use std::collections::HashSet;

/// What monitoring needs of one case: its input and its latest screening.
#[derive(Debug, Clone)]
pub struct MonitoredCase {
    pub case_id: String,
    /// The `opened` payload (the counterparty and affiliations as typed).
    pub opened: String,
    /// The kind (`screened`, `rescreened` or `alert`) and payload of the latest screening.
    pub latest_kind: String,
    pub latest: String,
}

const ALERT_COLUMNS: &str = "id, case_id, event_seq, raised_at, kind, party, party_key, list, entry_id, name, score,
    entity_sha256, changes, acknowledged_at, acknowledged_by, link";

impl Store {
    /// The user's own list sources, per list, files in order.
    pub fn list_source_overrides(&self) -> Result<Vec<(String, Vec<SourceUrl>)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT list, file, url FROM list_sources ORDER BY list, position")?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        let mut out: Vec<(String, Vec<SourceUrl>)> = Vec::new();
        for row in rows {
            let (list, file, url) = row?;
            match out.last_mut() {
                Some((last, files)) if *last == list => files.push(SourceUrl { file, url }),
                _ => out.push((list, vec![SourceUrl { file, url }])),
            }
        }
        Ok(out)
    }

    /// Replaces a list's own source (none: the built-in one applies).
    pub fn set_list_source(&mut self, list: &str, files: &[SourceUrl]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM list_sources WHERE list = ?1", [list])?;
        for (position, f) in files.iter().enumerate() {
            tx.execute(
                "INSERT INTO list_sources (list, position, file, url) VALUES (?1, ?2, ?3, ?4)",
                params![list, position as i64, f.file, f.url],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Logs one list's update attempt; returns its id.
    pub fn record_list_update(&mut self, r: &ListUpdateRecord) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO list_updates (at, actor, list, urls, outcome, error, from_version, to_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                r.at,
                r.actor,
                r.list,
                super::to_json(&r.urls),
                r.outcome.as_str(),
                r.error,
                r.from_version,
                r.to_version
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The update log, newest first; one list's only when `list` is given.
    pub fn list_updates(&self, list: Option<&str>) -> Result<Vec<ListUpdateRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, actor, list, urls, outcome, error, from_version, to_version FROM list_updates
             WHERE ?1 IS NULL OR list = ?1 ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([list], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<i64>>(7)?,
                r.get::<_, Option<i64>>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, actor, list, urls, outcome, error, from_version, to_version) = row?;
            out.push(ListUpdateRecord {
                id,
                at,
                actor,
                urls: serde_json::from_str(&urls)
                    .map_err(|source| StoreError::Json { what: format!("the URLs of update {id}"), source })?,
                outcome: Outcome::parse(&outcome).ok_or_else(|| StoreError::Json {
                    what: format!("the outcome of update {id}"),
                    source: serde::de::Error::custom(format!("unknown outcome {outcome:?}")),
                })?,
                list,
                error,
                from_version,
                to_version,
            });
        }
        Ok(out)
    }

    /// Every version of one list, oldest first.
    pub fn versions_of(&self, list: &str) -> Result<Vec<ListVersion>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, list, version, format, published, as_of, imported_at, sha256, files, record_count, warnings
             FROM list_versions WHERE list = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([list], super::version_from_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??);
        }
        Ok(out)
    }

    /// Every case with its input and latest screening, in case order.
    pub fn monitored_cases(&self) -> Result<Vec<MonitoredCase>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT c.id, o.payload, s.kind, s.payload FROM cases c
             JOIN case_events o ON o.case_id = c.id
                AND o.seq = (SELECT min(seq) FROM case_events WHERE case_id = c.id AND kind = 'opened')
             JOIN case_events s ON s.case_id = c.id
                AND s.seq = (SELECT max(seq) FROM case_events
                             WHERE case_id = c.id AND kind IN ('screened', 'rescreened', 'alert'))
             ORDER BY c.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(MonitoredCase { case_id: r.get(0)?, opened: r.get(1)?, latest_kind: r.get(2)?, latest: r.get(3)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The key of every alert raised so far.
    pub fn alert_keys(&self) -> Result<HashSet<AlertKey>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT case_id, party_key, list, entry_id, entity_sha256 FROM alerts")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Appends a case's `alert` event and its alert rows, in one transaction.
    pub fn append_alert_event(
        &mut self,
        case_id: &str,
        event: &NewEvent,
        alerts: &[NewAlert],
    ) -> Result<Vec<Alert>, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stored: CaseEvent = super::cases::append(&tx, case_id, event)?;
        let mut ids = Vec::with_capacity(alerts.len());
        for a in alerts {
            tx.execute(
                "INSERT INTO alerts (case_id, event_seq, raised_at, kind, party, party_key, list, entry_id, name, score,
                                     entity_sha256, changes, link)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    case_id,
                    stored.seq,
                    stored.at,
                    a.kind.as_str(),
                    a.party,
                    a.party_key,
                    a.list,
                    a.entry_id,
                    a.name,
                    a.score,
                    a.entity_sha256,
                    super::to_json(&a.changes),
                    a.link.as_ref().map(|l| l.relation.as_str())
                ],
            )?;
            ids.push(tx.last_insert_rowid());
        }
        tx.commit()?;
        Ok(ids
            .into_iter()
            .zip(alerts)
            .map(|(id, a)| Alert {
                id,
                case_id: case_id.to_string(),
                event_seq: stored.seq,
                raised_at: stored.at.clone(),
                alert: a.clone(),
                acknowledged_at: None,
                acknowledged_by: None,
            })
            .collect())
    }

    /// Alerts, newest first; acknowledged ones too when `all`.
    pub fn alerts(&self, all: bool) -> Result<Vec<Alert>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE ?1 OR acknowledged_at IS NULL ORDER BY id DESC"
        ))?;
        let rows = stmt.query_map([all], alert_from_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??);
        }
        Ok(out)
    }

    /// Records who acknowledged an alert, once; returns the alert as it now stands, `None` when
    /// there is no such alert.
    pub fn acknowledge_alert(&mut self, id: i64, by: &str, at: &str) -> Result<Option<Alert>, StoreError> {
        self.conn.execute(
            "UPDATE alerts SET acknowledged_at = ?2, acknowledged_by = ?3 WHERE id = ?1 AND acknowledged_at IS NULL",
            params![id, at, by],
        )?;
        let mut stmt = self.conn.prepare(&format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = ?1"))?;
        match stmt.query_row([id], alert_from_row).optional()? {
            Some(alert) => Ok(Some(alert?)),
            None => Ok(None),
        }
    }
}

fn alert_from_row(r: &rusqlite::Row) -> rusqlite::Result<Result<Alert, StoreError>> {
    let id: i64 = r.get(0)?;
    let kind: String = r.get(4)?;
    let changes: String = r.get(12)?;
    let json = |what: &str, source| StoreError::Json { what: format!("the {what} of alert {id}"), source };
    let kind = match serde_json::from_value(serde_json::Value::String(kind)) {
        Ok(kind) => kind,
        Err(source) => return Ok(Err(json("kind", source))),
    };
    let changes = match serde_json::from_str(&changes) {
        Ok(changes) => changes,
        Err(source) => return Ok(Err(json("changes", source))),
    };
    Ok(Ok(Alert {
        id,
        case_id: r.get(1)?,
        event_seq: r.get(2)?,
        raised_at: r.get(3)?,
        alert: NewAlert {
            kind,
            party: r.get(5)?,
            party_key: r.get(6)?,
            list: r.get(7)?,
            entry_id: r.get(8)?,
            name: r.get(9)?,
            score: r.get(10)?,
            entity_sha256: r.get(11)?,
            changes,
            link: r.get::<_, Option<String>>(15)?.map(|relation| LinkedBy { relation }),
        },
        acknowledged_at: r.get(13)?,
        acknowledged_by: r.get(14)?,
    }))
}
