//! The news watch-list: public reports of surveillance technology used for repression, and of
//! who supplied it, kept offline and matched against a counterparty and its affiliates.
//!
//! Items come from four places, each recorded as the item's `origin`: the bundled seed
//! (`data/watch/seed.json`, installed on first use by [`install_seed`]), RSS and Atom feeds
//! (a file, a URL, or the configured feed list: [`feeds`]), JSON files in the seed's format
//! ([`seed`], also what [`export_json`] writes), and manual entry ([`add_item`]). Every text is
//! plain text ([`sanitize`]): nothing from outside is ever kept as HTML.
//!
//! Invariants:
//! - An import is parsed and checked in full first, then written in one transaction with its
//!   provenance (source, SHA-256, counts, warnings); a refused source changes nothing.
//! - Items are deduplicated by id, by the feed's GUID, and by URL (scheme, `www.` and trailing
//!   `/` ignored). A source only refreshes the items it brought; a field a person edited is
//!   never overwritten by a refresh or re-import, and every addition, edit and refresh is
//!   recorded as a change (who, when, which field, from what to what).
//! - Matching ([`matching`]) does no IO: it uses the screening name engine for the items' named
//!   parties and token windows over normalised text for titles and summaries. A match is a
//!   story to read, not a finding; the user marks it relevant or not, with a reason.

pub mod feeds;
pub mod matching;
mod merge;
mod model;
pub mod sanitize;
pub mod seed;

pub use feeds::{FeedError, FetchOptions};
pub use matching::{WatchQuery, WatchScreening};
pub use model::*;

use crate::matching::QueryError;
use crate::store::{Store, StoreError};
use merge::{feed_items, merge};
use sha2::{Digest, Sha256};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(transparent)]
    Feed(#[from] FeedError),
    #[error("{source_name}, line {line}: not a watch-list JSON file: {reason}")]
    Json { source_name: String, line: u64, reason: String },
    #[error("{0}")]
    Invalid(String),
    #[error("no watch-list item {0}")]
    NoItem(String),
    #[error("no configured feed {0:?}")]
    NoFeed(String),
    #[error("{url} is already in the watch-list as item {id}")]
    DuplicateUrl { url: String, id: String },
    #[error("a feed named {name:?} or with the address {url} is already configured")]
    DuplicateFeed { name: String, url: String },
    #[error("{name:?}: {error}")]
    Query { name: String, error: QueryError },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Imports the bundled seed unless this very seed (same SHA-256) was imported before. Called
/// by `app::open`, so a fresh install has the watch-list with no network and no flags.
pub fn install_seed(store: &mut Store) -> Result<Option<ImportReport>, StoreError> {
    let sha256 = crate::store::hex(&Sha256::digest(seed::BUNDLED));
    if store.watch_has_import(seed::BUNDLED_NAME, &sha256)? {
        return Ok(None);
    }
    let now = now();
    let stamp = Stamp { source: seed::BUNDLED_NAME, by: seed::BUNDLED_BY, at: &now };
    let (items, warnings) = seed::read(seed::BUNDLED, Origin::Seed, &stamp)
        .map_err(|source| StoreError::Json { what: "the bundled watch-list seed".into(), source })?;
    let report = new_report(&stamp, ImportKind::Seed, seed::BUNDLED, items.len(), warnings);
    merge(store, items, report).map(Some)
}

/// Imports a file: an RSS or Atom feed, or a JSON file in the seed's format (recognised by
/// its first character). Refused as a whole, with the file named, if it cannot be read.
pub fn import_file(store: &mut Store, path: &Path, by: &str) -> Result<ImportReport, WatchError> {
    let bytes = feeds::read_file(path, feeds::MAX_FEED_BYTES)?;
    import_bytes(store, &path.display().to_string(), &bytes, None, by)
}

/// Fetches a feed (or a JSON export) from an `http(s)` URL and imports it.
/// The URL as given is normalised first, so it names the source the same way every time.
pub fn import_url(store: &mut Store, url: &str, options: &FetchOptions, by: &str) -> Result<ImportReport, WatchError> {
    let url = sanitize::web_url(url).unwrap_or_else(|| url.to_string());
    let fetched = feeds::fetch(&url, options)?;
    import_bytes(store, &url, &fetched.bytes, Some(&fetched.url), by)
}

/// Imports bytes read from `source_name` (a path or URL, named in every message and recorded
/// as the items' origin). `base_url` resolves a feed's relative links.
pub fn import_bytes(
    store: &mut Store,
    source_name: &str,
    bytes: &[u8],
    base_url: Option<&str>,
    by: &str,
) -> Result<ImportReport, WatchError> {
    if bytes.len() as u64 > feeds::MAX_FEED_BYTES {
        let limit = feeds::MAX_FEED_BYTES;
        return Err(FeedError::TooLarge { source_name: source_name.to_string(), limit }.into());
    }
    let now = now();
    let stamp = Stamp { source: source_name, by, at: &now };
    let first = bytes.iter().copied().find(|b| !b.is_ascii_whitespace() && *b < 0x80);
    let (kind, items, warnings) = if matches!(first, Some(b'[' | b'{')) {
        let (items, warnings) = seed::read(bytes, Origin::File, &stamp).map_err(|e| WatchError::Json {
            source_name: source_name.to_string(),
            line: e.line() as u64,
            reason: e.to_string(),
        })?;
        (ImportKind::Json, items, warnings)
    } else {
        let feed = feeds::parse(source_name, bytes, base_url)?;
        let kind = if feed.kind == feeds::FeedKind::Atom { ImportKind::Atom } else { ImportKind::Rss };
        let items = feed_items(&feed, &stamp);
        (kind, items, feed.warnings)
    };
    let report = new_report(&stamp, kind, bytes, items.len(), warnings);
    Ok(merge(store, items, report)?)
}

/// Refreshes every configured feed. A feed that fails is reported (and its error recorded
/// with the feed); the others still refresh.
pub fn refresh_feeds(store: &mut Store, options: &FetchOptions, by: &str) -> Result<Vec<FeedRefresh>, WatchError> {
    let mut out = Vec::new();
    for feed in store.watch_feeds()? {
        let result = import_url(store, &feed.url, options, by);
        let at = now();
        let (report, error, status) = match result {
            Ok(report) => {
                let status = format!("ok: {} items, {} new, {} updated", report.items, report.added, report.updated);
                (Some(report), None, status)
            }
            Err(WatchError::Store(e)) => return Err(WatchError::Store(e)),
            Err(e) => (None, Some(e.to_string()), format!("error: {e}")),
        };
        store.watch_feed_result(feed.id, &at, &status)?;
        out.push(FeedRefresh { feed: feed.name, url: feed.url, report, error });
    }
    Ok(out)
}

/// The configured feeds, with each one's last refresh.
pub fn feeds(store: &Store) -> Result<Vec<Feed>, WatchError> {
    Ok(store.watch_feeds()?)
}

/// Adds a feed to the configured list.
pub fn add_feed(store: &mut Store, name: &str, url: &str, by: &str) -> Result<Feed, WatchError> {
    let name = sanitize::one_line(name);
    if name.is_empty() {
        return Err(WatchError::Invalid("a feed needs a name".into()));
    }
    let url =
        sanitize::web_url(url).ok_or_else(|| WatchError::Invalid(format!("{url:?} is not an http(s) address")))?;
    if store.watch_feeds()?.iter().any(|f| f.name == name || f.url == url) {
        return Err(WatchError::DuplicateFeed { name, url });
    }
    Ok(store.watch_add_feed(&name, &url, by, &now())?)
}

/// Removes a feed from the configured list; the items it brought stay.
pub fn remove_feed(store: &mut Store, name: &str) -> Result<(), WatchError> {
    if store.watch_remove_feed(name)? {
        Ok(())
    } else {
        Err(WatchError::NoFeed(name.to_string()))
    }
}

/// Adds an item typed in by a person. Its URL must not be in the watch-list already.
pub fn add_item(store: &mut Store, new: &NewItem, by: &str) -> Result<WatchItem, WatchError> {
    let at = now();
    let mut item = WatchItem {
        id: String::new(),
        date: None,
        title: String::new(),
        summary: String::new(),
        source: Source::default(),
        countries: Vec::new(),
        tags: Vec::new(),
        parties: Vec::new(),
        note: None,
        verified: new.verified,
        guid: None,
        origin: Origin::Manual,
        origin_source: "manual".into(),
        added_by: by.to_string(),
        added_at: at.clone(),
        edited_by: None,
        edited_at: None,
        edited_fields: Vec::new(),
    };
    let edit = ItemEdit {
        title: Some(new.title.clone()),
        summary: Some(new.summary.clone()),
        date: new.date.clone(),
        source: Some(new.source.clone()),
        countries: Some(new.countries.clone()),
        tags: Some(new.tags.clone()),
        parties: Some(new.parties.clone()),
        note: new.note.clone(),
        verified: None,
    };
    apply_edit(&mut item, &edit)?;
    let existing = store.watch_items()?;
    if let Some(key) = item.url().and_then(sanitize::url_key) {
        if let Some(other) = existing.iter().find(|o| o.url().and_then(sanitize::url_key).as_ref() == Some(&key)) {
            return Err(WatchError::DuplicateUrl {
                url: item.url().unwrap_or_default().to_string(),
                id: other.id.clone(),
            });
        }
    }
    let base = format!("manual-{}-{}", item.date.as_deref().unwrap_or(&at[..10]), slug(&item.title));
    item.id = (1..)
        .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
        .find(|id| !existing.iter().any(|o| &o.id == id))
        .expect("an unused id exists");
    let fields = Field::ALL
        .iter()
        .map(|&f| FieldChange { field: f, from: serde_json::Value::Null, to: item.field_value(f) })
        .collect();
    let change =
        Change { item_id: item.id.clone(), at, by: by.to_string(), kind: ChangeKind::Added, source: None, fields };
    store.watch_write(&[item.clone()], &[], &[change], None)?;
    Ok(item)
}

/// Edits an item by hand. The fields given become edited fields: no refresh or re-import of
/// its source will overwrite them. The change is recorded with who and when.
pub fn edit_item(store: &mut Store, id: &str, edit: &ItemEdit, by: &str) -> Result<WatchItem, WatchError> {
    let before = store.watch_item(id)?.ok_or_else(|| WatchError::NoItem(id.to_string()))?;
    let mut item = before.clone();
    apply_edit(&mut item, edit)?;
    let at = now();
    let touched = given_fields(edit);
    let fields: Vec<FieldChange> = touched
        .iter()
        .filter(|&&f| before.field_value(f) != item.field_value(f))
        .map(|&f| FieldChange { field: f, from: before.field_value(f), to: item.field_value(f) })
        .collect();
    if fields.is_empty() {
        return Ok(before);
    }
    for change in &fields {
        if !item.edited_fields.contains(&change.field) {
            item.edited_fields.push(change.field);
        }
    }
    item.edited_fields.sort();
    item.edited_by = Some(by.to_string());
    item.edited_at = Some(at.clone());
    let change =
        Change { item_id: item.id.clone(), at, by: by.to_string(), kind: ChangeKind::Edited, source: None, fields };
    store.watch_write(&[], &[item.clone()], &[change], None)?;
    Ok(item)
}

/// Every recorded change to an item, oldest first.
pub fn changes(store: &Store, id: &str) -> Result<Vec<Change>, WatchError> {
    store.watch_item(id)?.ok_or_else(|| WatchError::NoItem(id.to_string()))?;
    Ok(store.watch_changes(id)?)
}

/// One item.
pub fn item(store: &Store, id: &str) -> Result<WatchItem, WatchError> {
    store.watch_item(id)?.ok_or_else(|| WatchError::NoItem(id.to_string()))
}

/// The items that pass the filter, newest first (undated last), then by id.
pub fn list(store: &Store, filter: &ItemFilter) -> Result<Vec<WatchItem>, WatchError> {
    let country = filter.country.as_deref().map(str::to_ascii_lowercase);
    let words: Vec<String> = filter
        .text
        .as_deref()
        .map(fold)
        .unwrap_or_default()
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut items: Vec<WatchItem> = store
        .watch_items()?
        .into_iter()
        .filter(|i| filter.tag.is_none_or(|t| i.tags.contains(&t)))
        .filter(|i| country.as_ref().is_none_or(|c| i.countries.contains(c)))
        .filter(|i| filter.since.as_deref().is_none_or(|s| i.date.as_deref().is_some_and(|d| d >= s)))
        .filter(|i| filter.until.as_deref().is_none_or(|u| i.date.as_deref().is_some_and(|d| d <= u)))
        .filter(|i| {
            if words.is_empty() {
                return true;
            }
            let parties: Vec<&str> = i.parties.iter().map(|p| p.name.as_str()).collect();
            let haystack = fold(&format!("{} {} {} {}", i.title, i.summary, parties.join(" "), i.source.publisher));
            let haystack: Vec<&str> = haystack.split(' ').collect();
            words.iter().all(|w| haystack.iter().any(|h| h.starts_with(w.as_str())))
        })
        .collect();
    items.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    Ok(items)
}

/// The whole watch-list as JSON in the seed's format (with provenance), pretty-printed.
pub fn export_json(store: &Store) -> Result<String, WatchError> {
    let mut items = store.watch_items()?;
    items.sort_by(|a, b| a.added_at.cmp(&b.added_at).then_with(|| a.id.cmp(&b.id)));
    Ok(seed::write(&items))
}

/// Every import so far, oldest first: the watch-list's provenance.
pub fn imports(store: &Store) -> Result<Vec<ImportReport>, WatchError> {
    Ok(store.watch_imports()?)
}

/// Matches the query's parties against the watch-list; each match carries the latest
/// relevance mark for that party and item.
pub fn screen(store: &Store, query: &WatchQuery) -> Result<WatchScreening, WatchError> {
    let index = matching::WatchIndex::build(store.watch_items()?);
    let mut result = matching::screen(&index, query)?;
    let marks = store.watch_marks()?;
    for hit in &mut result.matches {
        let key = party_key(&hit.subject.name);
        hit.mark = marks.iter().find(|(k, m)| *k == key && m.item_id == hit.item.id).map(|(_, m)| m.clone());
    }
    Ok(result)
}

/// Records whether an item is relevant to a party, with the reason (required).
pub fn mark(
    store: &mut Store,
    party: &str,
    item_id: &str,
    relevance: Relevance,
    reason: &str,
    by: &str,
) -> Result<RelevanceMark, WatchError> {
    let party = sanitize::one_line(party);
    let key = party_key(&party);
    if key.is_empty() {
        return Err(WatchError::Invalid("a relevance mark needs the party's name".into()));
    }
    let reason = sanitize::plain(reason);
    if reason.is_empty() {
        return Err(WatchError::Invalid("a relevance mark needs a reason".into()));
    }
    store.watch_item(item_id)?.ok_or_else(|| WatchError::NoItem(item_id.to_string()))?;
    let mark = RelevanceMark {
        party,
        item_id: item_id.to_string(),
        relevance,
        reason,
        marked_by: by.to_string(),
        marked_at: now(),
    };
    store.watch_add_mark(&key, &mark)?;
    Ok(mark)
}

/// How marks find their party again: the name as the matcher normalises it, so "NSO Group
/// Ltd." and "NSO GROUP" share their marks.
pub fn party_key(name: &str) -> String {
    let norm = crate::matching::normalize::normalize(name, crate::matching::normalize::LegalForms::Strip);
    norm.tokens.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ")
}

/// Who, from where and when, for items made by an import.
pub(crate) struct Stamp<'a> {
    pub source: &'a str,
    pub by: &'a str,
    pub at: &'a str,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn new_report(stamp: &Stamp, kind: ImportKind, bytes: &[u8], items: usize, warnings: Vec<String>) -> ImportReport {
    ImportReport {
        source: stamp.source.to_string(),
        kind,
        sha256: crate::store::hex(&Sha256::digest(bytes)),
        bytes: bytes.len() as u64,
        imported_at: stamp.at.to_string(),
        imported_by: stamp.by.to_string(),
        items,
        added: 0,
        updated: 0,
        unchanged: 0,
        duplicates: 0,
        warnings,
    }
}

/// Applies a person's edit after checking every value; the item is unchanged on error.
fn apply_edit(item: &mut WatchItem, edit: &ItemEdit) -> Result<(), WatchError> {
    let mut next = item.clone();
    if let Some(title) = &edit.title {
        next.title = sanitize::one_line(title);
        if next.title.is_empty() {
            return Err(WatchError::Invalid("an item needs a title".into()));
        }
        sanitize::truncate(&mut next.title, sanitize::MAX_TITLE_CHARS);
    }
    if let Some(summary) = &edit.summary {
        next.summary = sanitize::plain(summary);
        sanitize::truncate(&mut next.summary, sanitize::MAX_SUMMARY_CHARS);
    }
    if let Some(date) = &edit.date {
        next.date = check_date(date).map_err(WatchError::Invalid)?;
    }
    if let Some(source) = &edit.source {
        next.source = check_source(source).map_err(WatchError::Invalid)?;
    }
    if let Some(countries) = &edit.countries {
        next.countries =
            countries.iter().map(|c| check_country(c)).collect::<Result<_, _>>().map_err(WatchError::Invalid)?;
        next.countries.dedup();
    }
    if let Some(tags) = &edit.tags {
        next.tags = tags.clone();
        next.tags.dedup();
    }
    if let Some(parties) = &edit.parties {
        next.parties = parties.iter().map(check_party).collect::<Result<_, _>>().map_err(WatchError::Invalid)?;
    }
    if let Some(note) = &edit.note {
        let mut note = sanitize::plain(note);
        sanitize::truncate(&mut note, sanitize::MAX_SHORT_CHARS);
        next.note = Some(note).filter(|n| !n.is_empty());
    }
    if let Some(verified) = edit.verified {
        next.verified = verified;
    }
    *item = next;
    Ok(())
}

fn given_fields(edit: &ItemEdit) -> Vec<Field> {
    let given = [
        (Field::Title, edit.title.is_some()),
        (Field::Summary, edit.summary.is_some()),
        (Field::Date, edit.date.is_some()),
        (Field::Source, edit.source.is_some()),
        (Field::Countries, edit.countries.is_some()),
        (Field::Tags, edit.tags.is_some()),
        (Field::Parties, edit.parties.is_some()),
        (Field::Note, edit.note.is_some()),
        (Field::Verified, edit.verified.is_some()),
    ];
    given.into_iter().filter(|(_, g)| *g).map(|(f, _)| f).collect()
}

/// `YYYY-MM-DD`, or empty for none.
pub(crate) fn check_date(date: &str) -> Result<Option<String>, String> {
    let date = date.trim();
    if date.is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|d| Some(d.to_string()))
        .map_err(|_| format!("date {date:?}: use YYYY-MM-DD"))
}

pub(crate) fn check_country(code: &str) -> Result<String, String> {
    let code = code.trim().to_ascii_lowercase();
    match crate::countries::name(&code) {
        Some(_) => Ok(code),
        None => Err(format!("country {code:?}: use an ISO 3166 alpha-2 code such as eg or ru")),
    }
}

pub(crate) fn check_party(party: &Party) -> Result<Party, String> {
    let name = sanitize::one_line(&party.name);
    if !name.chars().any(char::is_alphanumeric) {
        return Err("a named party needs a name".into());
    }
    if name.chars().count() > crate::lists::MAX_NAME_CHARS {
        return Err(format!("a party name longer than {} characters", crate::lists::MAX_NAME_CHARS));
    }
    Ok(Party { name, ..party.clone() })
}

pub(crate) fn check_source(source: &Source) -> Result<Source, String> {
    let mut publisher = sanitize::one_line(&source.publisher);
    if publisher.is_empty() {
        return Err("an item's source needs a publisher".into());
    }
    sanitize::truncate(&mut publisher, sanitize::MAX_SHORT_CHARS);
    let mut title = sanitize::one_line(&source.title);
    sanitize::truncate(&mut title, sanitize::MAX_SHORT_CHARS);
    let url = match source.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => {
            Some(sanitize::web_url(url).ok_or_else(|| format!("source address {url:?} is not an http(s) address"))?)
        }
        None => None,
    };
    Ok(Source { publisher, title, url })
}

/// Lower-case ASCII words, for quick-find.
fn fold(text: &str) -> String {
    any_ascii::any_ascii(text)
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A short ASCII slug for ids.
fn slug(text: &str) -> String {
    let folded = fold(text).replace(' ', "-");
    let mut cut: String = folded.chars().take(40).collect();
    while cut.ends_with('-') {
        cut.pop();
    }
    if cut.is_empty() {
        "item".into()
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_keys_fold_legal_forms_and_case() {
        assert_eq!(party_key("NSO Group Ltd."), party_key("nso GROUP"));
        assert_eq!(slug("Ünïcode: a title — with  punctuation!"), "unicode-a-title-with-punctuation");
    }
}
