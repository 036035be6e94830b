//! Writing imported items into the store: deduplication by id, GUID and URL, refreshes that
//! never overwrite a person's edits, and the change record, all in one transaction per import.

use super::{feeds, Source};
use super::{sanitize, Change, ChangeKind, Field, FieldChange, ImportReport, Origin, Stamp, WatchItem};
use crate::store::{Store, StoreError};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Feed entries as items. The id is made from the GUID (else the URL), so the same entry gets
/// the same id on every machine.
pub(crate) fn feed_items(feed: &feeds::ParsedFeed, stamp: &Stamp) -> Vec<WatchItem> {
    let publisher = feed.title.clone().unwrap_or_else(|| stamp.source.to_string());
    feed.entries
        .iter()
        .map(|e| {
            let key = guid_key(stamp.source, e.guid.as_deref())
                .or_else(|| e.url.as_deref().and_then(sanitize::url_key))
                .unwrap_or_default();
            WatchItem {
                id: format!("feed-{}", &crate::store::hex(&Sha256::digest(key.as_bytes()))[..12]),
                date: e.date.clone(),
                title: e.title.clone(),
                summary: e.summary.clone(),
                source: Source { publisher: publisher.clone(), title: e.title.clone(), url: e.url.clone() },
                countries: Vec::new(),
                tags: e.tags.clone(),
                parties: Vec::new(),
                note: None,
                verified: false,
                guid: e.guid.clone(),
                origin: Origin::Feed,
                origin_source: stamp.source.to_string(),
                added_by: stamp.by.to_string(),
                added_at: stamp.at.to_string(),
                edited_by: None,
                edited_at: None,
                edited_fields: Vec::new(),
            }
        })
        .collect()
}

/// Writes imported items: new ones are added; ones this source brought before get their
/// unedited fields refreshed; ones another source brought are left alone. One transaction,
/// with the import's report as its provenance.
pub(crate) fn merge(
    store: &mut Store,
    incoming: Vec<WatchItem>,
    mut report: ImportReport,
) -> Result<ImportReport, StoreError> {
    let mut known = store.watch_items()?;
    let mut keys = Keys::default();
    for (i, item) in known.iter().enumerate() {
        keys.remember(i, item);
    }
    let first_new = known.len();
    // Items this import already matched: a second entry with the same GUID or URL in one
    // source is a duplicate, not a second refresh of the first.
    let mut touched = std::collections::HashSet::new();
    let mut updated: Vec<usize> = Vec::new();
    let mut changes = Vec::new();
    for item in incoming {
        let Some(at) = keys.find(&item) else {
            keys.remember(known.len(), &item);
            touched.insert(known.len());
            changes.push(Change {
                item_id: item.id.clone(),
                at: report.imported_at.clone(),
                by: report.imported_by.clone(),
                kind: ChangeKind::Added,
                source: Some(report.source.clone()),
                fields: Field::ALL
                    .iter()
                    .map(|&f| FieldChange { field: f, from: serde_json::Value::Null, to: item.field_value(f) })
                    .collect(),
            });
            known.push(item);
            report.added += 1;
            continue;
        };
        let existing = &mut known[at];
        if !touched.insert(at) || existing.origin_source != item.origin_source {
            // The same story twice in one source, or already brought by another source.
            report.duplicates += 1;
            continue;
        }
        let mut fields = Vec::new();
        for &field in Field::ALL {
            if existing.edited_fields.contains(&field) || existing.field_value(field) == item.field_value(field) {
                continue;
            }
            fields.push(FieldChange { field, from: existing.field_value(field), to: item.field_value(field) });
            existing.set_field_from(&item, field);
        }
        if fields.is_empty() {
            report.unchanged += 1;
            continue;
        }
        report.updated += 1;
        updated.push(at);
        changes.push(Change {
            item_id: existing.id.clone(),
            at: report.imported_at.clone(),
            by: report.imported_by.clone(),
            kind: ChangeKind::Refreshed,
            source: Some(report.source.clone()),
            fields,
        });
    }
    let updated: Vec<WatchItem> = updated.into_iter().map(|i| known[i].clone()).collect();
    store.watch_write(&known[first_new..], &updated, &changes, Some(&report))?;
    Ok(report)
}

/// Where each known item is, by id, GUID and URL key.
#[derive(Default)]
struct Keys {
    by_id: HashMap<String, usize>,
    by_guid: HashMap<String, usize>,
    by_url: HashMap<String, usize>,
}

impl Keys {
    fn remember(&mut self, at: usize, item: &WatchItem) {
        self.by_id.insert(item.id.clone(), at);
        if let Some(guid) = guid_key(&item.origin_source, item.guid.as_deref()) {
            self.by_guid.entry(guid).or_insert(at);
        }
        if let Some(key) = item.url().and_then(sanitize::url_key) {
            self.by_url.entry(key).or_insert(at);
        }
    }

    fn find(&self, item: &WatchItem) -> Option<usize> {
        self.by_id
            .get(&item.id)
            .or_else(|| guid_key(&item.origin_source, item.guid.as_deref()).and_then(|g| self.by_guid.get(&g)))
            .or_else(|| item.url().and_then(sanitize::url_key).and_then(|k| self.by_url.get(&k)))
            .copied()
    }
}

/// What a GUID identifies. A URI or URN (Atom ids, permalinks, `urn:uuid:…`) names one story
/// wherever it appears; a bare GUID ("1", "post-17") only within its own feed, so two feeds
/// numbering their entries alike are not taken for one.
fn guid_key(origin_source: &str, guid: Option<&str>) -> Option<String> {
    let guid = guid?;
    Some(if guid.contains(':') { guid.to_string() } else { format!("{origin_source}#{guid}") })
}
