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
    // 2: case files as append-only, hash-chained events (see `crate::case`). The triggers make
    // the invariant hold whoever writes: no update, no delete, and an insert must extend the
    // case's chain (next sequence number, previous event's hash).
    "CREATE TABLE cases (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL
    );
    CREATE INDEX cases_by_created_at ON cases (created_at);
    CREATE TABLE case_events (
        case_id TEXT NOT NULL REFERENCES cases(id),
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (case_id, seq)
    );
    CREATE TRIGGER cases_never_updated BEFORE UPDATE ON cases
        BEGIN SELECT RAISE(ABORT, 'cases are never updated'); END;
    CREATE TRIGGER cases_never_deleted BEFORE DELETE ON cases
        BEGIN SELECT RAISE(ABORT, 'cases are never deleted'); END;
    CREATE TRIGGER case_events_never_updated BEFORE UPDATE ON case_events
        BEGIN SELECT RAISE(ABORT, 'case events are never updated'); END;
    CREATE TRIGGER case_events_never_deleted BEFORE DELETE ON case_events
        BEGIN SELECT RAISE(ABORT, 'case events are never deleted'); END;
    CREATE TRIGGER case_events_extend_the_chain BEFORE INSERT ON case_events
        WHEN NEW.seq IS NOT coalesce((SELECT max(seq) FROM case_events WHERE case_id = NEW.case_id), 0) + 1
          OR NEW.prev_hash IS NOT coalesce(
                (SELECT hash FROM case_events WHERE case_id = NEW.case_id ORDER BY seq DESC LIMIT 1),
                '0000000000000000000000000000000000000000000000000000000000000000')
        BEGIN SELECT RAISE(ABORT, 'a case event must extend its case''s chain'); END;",
    // 3: the news watch-list (see `crate::watch`): items with their provenance, the change
    // record (additions, edits, refreshes), imports, configured feeds and relevance marks.
    // Changes, imports and marks are append-only, enforced by triggers.
    "CREATE TABLE watch_items (
        id TEXT PRIMARY KEY,
        guid TEXT,
        url_key TEXT,
        date TEXT,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        source TEXT NOT NULL,
        countries TEXT NOT NULL,
        tags TEXT NOT NULL,
        parties TEXT NOT NULL,
        note TEXT,
        verified INTEGER NOT NULL,
        origin TEXT NOT NULL,
        origin_source TEXT NOT NULL,
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL,
        edited_by TEXT,
        edited_at TEXT,
        edited_fields TEXT NOT NULL
    );
    CREATE INDEX watch_items_by_guid ON watch_items (guid);
    CREATE INDEX watch_items_by_url ON watch_items (url_key);
    CREATE TABLE watch_changes (
        id INTEGER PRIMARY KEY,
        item_id TEXT NOT NULL REFERENCES watch_items(id),
        at TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        kind TEXT NOT NULL,
        source TEXT,
        fields TEXT NOT NULL
    );
    CREATE INDEX watch_changes_by_item ON watch_changes (item_id);
    CREATE TABLE watch_imports (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        kind TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        imported_by TEXT NOT NULL,
        report TEXT NOT NULL
    );
    CREATE TABLE watch_feeds (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        url TEXT NOT NULL UNIQUE,
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL,
        last_fetched_at TEXT,
        last_result TEXT
    );
    CREATE TABLE watch_relevance (
        id INTEGER PRIMARY KEY,
        party_key TEXT NOT NULL,
        party TEXT NOT NULL,
        item_id TEXT NOT NULL REFERENCES watch_items(id),
        relevant INTEGER NOT NULL,
        reason TEXT NOT NULL,
        marked_by TEXT NOT NULL,
        marked_at TEXT NOT NULL
    );
    CREATE INDEX watch_relevance_by_party ON watch_relevance (party_key, item_id);
    CREATE TRIGGER watch_changes_never_updated BEFORE UPDATE ON watch_changes
        BEGIN SELECT RAISE(ABORT, 'watch-list changes are never updated'); END;
    CREATE TRIGGER watch_changes_never_deleted BEFORE DELETE ON watch_changes
        BEGIN SELECT RAISE(ABORT, 'watch-list changes are never deleted'); END;
    CREATE TRIGGER watch_imports_never_updated BEFORE UPDATE ON watch_imports
        BEGIN SELECT RAISE(ABORT, 'watch-list imports are never updated'); END;
    CREATE TRIGGER watch_imports_never_deleted BEFORE DELETE ON watch_imports
        BEGIN SELECT RAISE(ABORT, 'watch-list imports are never deleted'); END;
    CREATE TRIGGER watch_relevance_never_updated BEFORE UPDATE ON watch_relevance
        BEGIN SELECT RAISE(ABORT, 'relevance marks are never updated'); END;
    CREATE TRIGGER watch_relevance_never_deleted BEFORE DELETE ON watch_relevance
        BEGIN SELECT RAISE(ABORT, 'relevance marks are never deleted'); END;
    CREATE TRIGGER watch_items_never_deleted BEFORE DELETE ON watch_items
        BEGIN SELECT RAISE(ABORT, 'watch-list items are never deleted'); END;",
    // 4: case files (issue 4). `settings` holds the local user profile and the retention
    // period; `case_heads` is each case's last event (seq, hash), written in the same
    // transaction as the event, so `case verify` also notices events removed from the end;
    // `case_attachments` keeps attached files by SHA-256, never updated or deleted.
    "CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE case_heads (
        case_id TEXT PRIMARY KEY REFERENCES cases(id),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE case_attachments (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        content BLOB NOT NULL
    );
    INSERT INTO case_heads (case_id, seq, hash)
        SELECT e.case_id, e.seq, e.hash FROM case_events e
        WHERE e.seq = (SELECT max(seq) FROM case_events WHERE case_id = e.case_id);
    CREATE TRIGGER case_heads_never_deleted BEFORE DELETE ON case_heads
        BEGIN SELECT RAISE(ABORT, 'case heads are never deleted'); END;
    CREATE TRIGGER case_attachments_never_updated BEFORE UPDATE ON case_attachments
        BEGIN SELECT RAISE(ABORT, 'case attachments are never updated'); END;
    CREATE TRIGGER case_attachments_never_deleted BEFORE DELETE ON case_attachments
        BEGIN SELECT RAISE(ABORT, 'case attachments are never deleted'); END;",
    // 5: online updates (issue 7). `list_sources` is configuration (a list's download URLs,
    // overriding the built-in official ones; rows are replaced when the user changes them).
    // `list_updates` logs every attempt per list, with why it failed, append-only. `alerts` are
    // the monitoring's findings; each also is an `alert` event on its case. An alert is never
    // deleted and only its acknowledgement is ever written after it, once.
    "CREATE TABLE list_sources (
        list TEXT NOT NULL,
        position INTEGER NOT NULL,
        file TEXT NOT NULL,
        url TEXT NOT NULL,
        PRIMARY KEY (list, position)
    );
    CREATE TABLE list_updates (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        list TEXT NOT NULL,
        urls TEXT NOT NULL,
        outcome TEXT NOT NULL,
        error TEXT,
        from_version INTEGER REFERENCES list_versions(id),
        to_version INTEGER REFERENCES list_versions(id)
    );
    CREATE INDEX list_updates_by_list ON list_updates (list, id);
    CREATE TRIGGER list_updates_never_updated BEFORE UPDATE ON list_updates
        BEGIN SELECT RAISE(ABORT, 'list updates are never updated'); END;
    CREATE TRIGGER list_updates_never_deleted BEFORE DELETE ON list_updates
        BEGIN SELECT RAISE(ABORT, 'list updates are never deleted'); END;
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases(id),
        event_seq INTEGER NOT NULL,
        raised_at TEXT NOT NULL,
        kind TEXT NOT NULL,
        party TEXT NOT NULL,
        party_key TEXT NOT NULL,
        list TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        name TEXT NOT NULL,
        score REAL NOT NULL,
        entity_sha256 TEXT NOT NULL,
        changes TEXT NOT NULL,
        acknowledged_at TEXT,
        acknowledged_by TEXT,
        UNIQUE (case_id, party_key, list, entry_id, entity_sha256)
    );
    CREATE TRIGGER alerts_never_deleted BEFORE DELETE ON alerts
        BEGIN SELECT RAISE(ABORT, 'alerts are never deleted'); END;
    CREATE TRIGGER alerts_never_rewritten BEFORE UPDATE OF id, case_id, event_seq, raised_at, kind, party,
        party_key, list, entry_id, name, score, entity_sha256, changes ON alerts
        BEGIN SELECT RAISE(ABORT, 'an alert is never rewritten; only its acknowledgement is recorded'); END;
    CREATE TRIGGER alerts_acknowledged_once BEFORE UPDATE OF acknowledged_at, acknowledged_by ON alerts
        WHEN OLD.acknowledged_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'an alert is acknowledged once'); END;",
    // 6: an alert on a party an entry names in its links says so (`matching::Hit::link`): the
    // relation as the list writes it, NULL for a hit on the entry's own names.
    "ALTER TABLE alerts ADD COLUMN link TEXT;
    DROP TRIGGER alerts_never_rewritten;
    CREATE TRIGGER alerts_never_rewritten BEFORE UPDATE OF id, case_id, event_seq, raised_at, kind, party,
        party_key, list, entry_id, name, score, entity_sha256, changes, link ON alerts
        BEGIN SELECT RAISE(ABORT, 'an alert is never rewritten; only its acknowledgement is recorded'); END;",
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
