//! The watch-list's tables (see `crate::watch`): items, their recorded changes, imports with
//! their provenance, the configured feeds, and relevance marks. Changes, imports and marks are
//! append-only (triggers in the migration refuse updates and deletes); an item row is updated
//! only together with the change that explains it, in one transaction.

use super::{Store, StoreError};
use crate::watch::{Change, Feed, ImportReport, Relevance, RelevanceMark, WatchItem};
use rusqlite::{params, OptionalExtension, Row};

const ITEM_COLUMNS: &str = "id, guid, url_key, date, title, summary, source, countries, tags, parties, note, verified,
     origin, origin_source, added_by, added_at, edited_by, edited_at, edited_fields";

impl Store {
    /// Every watch-list item, in the order they were added.
    pub fn watch_items(&self) -> Result<Vec<WatchItem>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("SELECT {ITEM_COLUMNS} FROM watch_items ORDER BY rowid"))?;
        let rows = stmt.query_map([], item_from_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??);
        }
        Ok(out)
    }

    pub fn watch_item(&self, id: &str) -> Result<Option<WatchItem>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("SELECT {ITEM_COLUMNS} FROM watch_items WHERE id = ?1"))?;
        match stmt.query_row([id], item_from_row).optional()? {
            Some(item) => Ok(Some(item?)),
            None => Ok(None),
        }
    }

    /// Writes new items, updated items, the changes that explain them and (for an import) its
    /// report, in one transaction: all of it or none.
    pub fn watch_write(
        &mut self,
        added: &[WatchItem],
        updated: &[WatchItem],
        changes: &[Change],
        import: Option<&ImportReport>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare(&format!(
                "INSERT INTO watch_items ({ITEM_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"
            ))?;
            for item in added {
                insert.execute(rusqlite::params_from_iter(item_params(item)))?;
            }
            let mut update = tx.prepare(
                "UPDATE watch_items SET guid = ?2, url_key = ?3, date = ?4, title = ?5, summary = ?6, source = ?7,
                 countries = ?8, tags = ?9, parties = ?10, note = ?11, verified = ?12, origin = ?13, origin_source = ?14,
                 added_by = ?15, added_at = ?16, edited_by = ?17, edited_at = ?18, edited_fields = ?19 WHERE id = ?1",
            )?;
            for item in updated {
                update.execute(rusqlite::params_from_iter(item_params(item)))?;
            }
            let mut record = tx.prepare(
                "INSERT INTO watch_changes (item_id, at, changed_by, kind, source, fields) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for change in changes {
                record.execute(params![
                    change.item_id,
                    change.at,
                    change.by,
                    json(&change.kind).trim_matches('"'),
                    change.source,
                    json(&change.fields)
                ])?;
            }
            if let Some(report) = import {
                tx.execute(
                    "INSERT INTO watch_imports (source, kind, sha256, bytes, imported_at, imported_by, report)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        report.source,
                        json(&report.kind).trim_matches('"'),
                        report.sha256,
                        report.bytes as i64,
                        report.imported_at,
                        report.imported_by,
                        json(report)
                    ],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Whether these exact bytes (by SHA-256) were imported from this source before.
    pub fn watch_has_import(&self, source: &str, sha256: &str) -> Result<bool, StoreError> {
        let found: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM watch_imports WHERE source = ?1 AND sha256 = ?2 LIMIT 1",
                [source, sha256],
                |r| r.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }

    /// Every import, oldest first.
    pub fn watch_imports(&self) -> Result<Vec<ImportReport>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT report FROM watch_imports ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(from_json(&row?, "a watch-list import")?);
        }
        Ok(out)
    }

    /// The recorded changes to one item, oldest first.
    pub fn watch_changes(&self, item_id: &str) -> Result<Vec<Change>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT item_id, at, changed_by, kind, source, fields FROM watch_changes WHERE item_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([item_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (item_id, at, by, kind, source, fields) = row?;
            let what = format!("a change of watch-list item {item_id}");
            out.push(Change {
                kind: from_json(&format!("{kind:?}"), &what)?,
                fields: from_json(&fields, &what)?,
                item_id,
                at,
                by,
                source,
            });
        }
        Ok(out)
    }

    /// The configured feeds, in the order they were added.
    pub fn watch_feeds(&self) -> Result<Vec<Feed>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, name, url, added_by, added_at, last_fetched_at, last_result FROM watch_feeds ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Feed {
                id: r.get(0)?,
                name: r.get(1)?,
                url: r.get(2)?,
                added_by: r.get(3)?,
                added_at: r.get(4)?,
                last_fetched_at: r.get(5)?,
                last_result: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn watch_add_feed(&mut self, name: &str, url: &str, by: &str, at: &str) -> Result<Feed, StoreError> {
        self.conn.execute(
            "INSERT INTO watch_feeds (name, url, added_by, added_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, url, by, at],
        )?;
        Ok(Feed {
            id: self.conn.last_insert_rowid(),
            name: name.into(),
            url: url.into(),
            added_by: by.into(),
            added_at: at.into(),
            last_fetched_at: None,
            last_result: None,
        })
    }

    /// Removes a feed from the list; says whether there was one by that name.
    pub fn watch_remove_feed(&mut self, name: &str) -> Result<bool, StoreError> {
        Ok(self.conn.execute("DELETE FROM watch_feeds WHERE name = ?1", [name])? > 0)
    }

    /// Records when a feed was last fetched and what came of it.
    pub fn watch_feed_result(&mut self, id: i64, at: &str, result: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE watch_feeds SET last_fetched_at = ?2, last_result = ?3 WHERE id = ?1",
            params![id, at, result],
        )?;
        Ok(())
    }

    /// Appends a relevance mark under the party's normalised key.
    pub fn watch_add_mark(&mut self, party_key: &str, mark: &RelevanceMark) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO watch_relevance (party_key, party, item_id, relevant, reason, marked_by, marked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                party_key,
                mark.party,
                mark.item_id,
                mark.relevance == Relevance::Relevant,
                mark.reason,
                mark.marked_by,
                mark.marked_at
            ],
        )?;
        Ok(())
    }

    /// The latest mark per (party key, item), with its party key.
    pub fn watch_marks(&self) -> Result<Vec<(String, RelevanceMark)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT party_key, party, item_id, relevant, reason, marked_by, marked_at FROM watch_relevance
             WHERE id IN (SELECT max(id) FROM watch_relevance GROUP BY party_key, item_id) ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            let relevant: bool = r.get(3)?;
            Ok((
                r.get::<_, String>(0)?,
                RelevanceMark {
                    party: r.get(1)?,
                    item_id: r.get(2)?,
                    relevance: if relevant { Relevance::Relevant } else { Relevance::NotRelevant },
                    reason: r.get(4)?,
                    marked_by: r.get(5)?,
                    marked_at: r.get(6)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn item_params(item: &WatchItem) -> Vec<Box<dyn rusqlite::ToSql>> {
    vec![
        Box::new(item.id.clone()),
        Box::new(item.guid.clone()),
        Box::new(item.url().and_then(crate::watch::sanitize::url_key)),
        Box::new(item.date.clone()),
        Box::new(item.title.clone()),
        Box::new(item.summary.clone()),
        Box::new(json(&item.source)),
        Box::new(json(&item.countries)),
        Box::new(json(&item.tags)),
        Box::new(json(&item.parties)),
        Box::new(item.note.clone()),
        Box::new(item.verified),
        Box::new(json(&item.origin).trim_matches('"').to_string()),
        Box::new(item.origin_source.clone()),
        Box::new(item.added_by.clone()),
        Box::new(item.added_at.clone()),
        Box::new(item.edited_by.clone()),
        Box::new(item.edited_at.clone()),
        Box::new(json(&item.edited_fields)),
    ]
}

fn item_from_row(row: &Row) -> rusqlite::Result<Result<WatchItem, StoreError>> {
    let id: String = row.get(0)?;
    let texts: [String; 6] = [row.get(6)?, row.get(7)?, row.get(8)?, row.get(9)?, row.get(12)?, row.get(18)?];
    let what = format!("watch-list item {id}");
    let parse = || -> Result<WatchItem, StoreError> {
        Ok(WatchItem {
            id: id.clone(),
            guid: row.get(1)?,
            date: row.get(3)?,
            title: row.get(4)?,
            summary: row.get(5)?,
            source: from_json(&texts[0], &what)?,
            countries: from_json(&texts[1], &what)?,
            tags: from_json(&texts[2], &what)?,
            parties: from_json(&texts[3], &what)?,
            note: row.get(10)?,
            verified: row.get(11)?,
            origin: from_json(&format!("{:?}", texts[4]), &what)?,
            origin_source: row.get(13)?,
            added_by: row.get(14)?,
            added_at: row.get(15)?,
            edited_by: row.get(16)?,
            edited_at: row.get(17)?,
            edited_fields: from_json(&texts[5], &what)?,
        })
    };
    Ok(parse())
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("watch-list types always serialise")
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|source| StoreError::Json { what: what.to_string(), source })
}
