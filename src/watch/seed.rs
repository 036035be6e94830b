//! The watch-list's JSON format: the bundled seed's (`../shared/watch/README.md`, copied with
//! the seed to `data/watch/`), which is also what an export writes and an import reads.
//!
//! The format is the seed's fields (`id`, `date`, `title`, `summary`, `source {publisher,
//! title, url}`, `countries`, `tags`, `parties {name, kind, role}`, `note`, `verified`) plus
//! optional provenance (`guid`, `origin`, `origin_source`, `added_by`, `added_at`, `edited_by`,
//! `edited_at`, `edited_fields`). Reading is lenient per item, as list importers are: a bad
//! value (an unknown tag or country, a `javascript:` link) is dropped with a warning, an item
//! without id or title is skipped with a warning; only JSON that is not an array of objects
//! refuses the file.

use super::{
    check_country, check_date, check_party, check_source, sanitize, Field, Origin, Party, Source, Stamp, Tag, WatchItem,
};
use serde::Deserialize;

/// The seed as bundled: `data/watch/seed.json`, byte-for-byte the curated file (provenance in
/// `data/README.md`).
pub const BUNDLED: &[u8] = include_bytes!("../../data/watch/seed.json");
/// The name the bundled seed's import and items are recorded under.
pub const BUNDLED_NAME: &str = "bundled:data/watch/seed.json";
/// Who added the seed's items.
pub const BUNDLED_BY: &str = "klaring (bundled seed)";

/// An item as a file has it; every field is checked before it becomes a [`WatchItem`].
#[derive(Debug, Deserialize)]
struct RawItem {
    #[serde(default)]
    id: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    source: Option<Source>,
    #[serde(default)]
    countries: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    parties: Vec<RawParty>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    verified: bool,
    #[serde(default)]
    guid: Option<String>,
    #[serde(default)]
    origin: Option<Origin>,
    #[serde(default)]
    origin_source: Option<String>,
    #[serde(default)]
    added_by: Option<String>,
    #[serde(default)]
    added_at: Option<String>,
    #[serde(default)]
    edited_by: Option<String>,
    #[serde(default)]
    edited_at: Option<String>,
    #[serde(default)]
    edited_fields: Vec<Field>,
}

#[derive(Debug, Deserialize)]
struct RawParty {
    name: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    role: Option<String>,
}

/// Reads a JSON array of items. Provenance the file carries is kept; what it lacks is taken
/// from `stamp` (this import's source, user and time) and `origin`.
pub(crate) fn read(
    bytes: &[u8],
    origin: Origin,
    stamp: &Stamp,
) -> Result<(Vec<WatchItem>, Vec<String>), serde_json::Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let raw: Vec<RawItem> = serde_json::from_slice(bytes)?;
    let mut warnings = Vec::new();
    let mut items = Vec::with_capacity(raw.len());
    for (n, raw) in raw.into_iter().enumerate() {
        let id = sanitize::one_line(&raw.id);
        let at = if id.is_empty() { format!("item {}", n + 1) } else { format!("item {} ({id})", n + 1) };
        let mut warn = |what: String| warnings.push(format!("{at}: {what}"));
        if id.is_empty() || id.chars().count() > 200 {
            warn("no usable id (at most 200 characters); skipped".into());
            continue;
        }
        let mut title = sanitize::one_line(&raw.title);
        if title.is_empty() {
            warn("no title; skipped".into());
            continue;
        }
        if sanitize::truncate(&mut title, sanitize::MAX_TITLE_CHARS) {
            warn(format!("title cut to {} characters", sanitize::MAX_TITLE_CHARS));
        }
        let mut summary = sanitize::plain(&raw.summary);
        if sanitize::truncate(&mut summary, sanitize::MAX_SUMMARY_CHARS) {
            warn(format!("summary cut to {} characters", sanitize::MAX_SUMMARY_CHARS));
        }
        let date = raw.date.as_deref().map(check_date).transpose().unwrap_or_else(|e| {
            warn(format!("{e}; date dropped"));
            None
        });
        let date = date.flatten();
        let source = match raw.source.as_ref().map(check_source) {
            Some(Ok(source)) => source,
            Some(Err(e)) => {
                warn(format!("{e}; the address is dropped"));
                let bare = raw.source.clone().map(|s| Source { url: None, ..s }).unwrap_or_default();
                match check_source(&bare) {
                    Ok(source) => source,
                    Err(e) => {
                        warn(format!("{e}; skipped"));
                        continue;
                    }
                }
            }
            None => {
                warn("no source; skipped".into());
                continue;
            }
        };
        let mut countries = Vec::new();
        for code in &raw.countries {
            match check_country(code) {
                Ok(code) if !countries.contains(&code) => countries.push(code),
                Ok(_) => {}
                Err(e) => warn(format!("{e}; dropped")),
            }
        }
        let mut tags = Vec::new();
        for text in &raw.tags {
            match Tag::parse(text) {
                Some(tag) if !tags.contains(&tag) => tags.push(tag),
                Some(_) => {}
                None => warn(format!("unknown tag {text:?}; dropped")),
            }
        }
        let mut parties = Vec::new();
        for party in &raw.parties {
            let kind = serde_json::from_value(party.kind.clone().unwrap_or_else(|| "organization".into()).into());
            let role = serde_json::from_value(party.role.clone().unwrap_or_else(|| "subject".into()).into());
            let (Ok(kind), Ok(role)) = (kind, role) else {
                warn(format!("party {:?}: unknown kind or role; dropped", party.name));
                continue;
            };
            match check_party(&Party { name: party.name.clone(), kind, role }) {
                Ok(party) => parties.push(party),
                Err(e) => warn(format!("{e}; dropped")),
            }
        }
        let note = raw.note.as_deref().map(sanitize::plain).filter(|n| !n.is_empty()).map(|mut n| {
            sanitize::truncate(&mut n, sanitize::MAX_SHORT_CHARS);
            n
        });
        let guid = raw.guid.as_deref().map(sanitize::one_line).filter(|g| !g.is_empty());
        let text = |value: Option<String>| value.map(|v| sanitize::one_line(&v)).filter(|v| !v.is_empty());
        let mut edited_fields = raw.edited_fields;
        edited_fields.sort();
        edited_fields.dedup();
        items.push(WatchItem {
            id,
            date,
            title,
            summary,
            source,
            countries,
            tags,
            parties,
            note,
            verified: raw.verified,
            guid,
            origin: raw.origin.unwrap_or(origin),
            origin_source: text(raw.origin_source).unwrap_or_else(|| stamp.source.to_string()),
            added_by: text(raw.added_by).unwrap_or_else(|| stamp.by.to_string()),
            added_at: text(raw.added_at).unwrap_or_else(|| stamp.at.to_string()),
            edited_by: text(raw.edited_by),
            edited_at: text(raw.edited_at),
            edited_fields,
        });
    }
    Ok((items, warnings))
}

/// Writes items as a pretty-printed JSON array, ending in a newline.
pub(crate) fn write(items: &[WatchItem]) -> String {
    let mut out = serde_json::to_string_pretty(items).expect("watch items always serialise");
    out.push('\n');
    out
}
