//! The watch-list's plain data: items, their parties and tags, the record of changes and
//! imports, configured feeds, relevance marks, and what a person types (a new item, an edit, a
//! list filter). Items and reports are stored as JSON in parts and exported as JSON, so their
//! serialised shape is a promise: add optional fields, never rename.

use serde::{Deserialize, Serialize};

/// What a watch-list item is about. The first six are the issue's; the rest are the seed's
/// finer categories (deep packet inspection, monitoring centres, forensic extraction, and the
/// official actions: sanctions and the US Entity List).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tag {
    Surveillance,
    Interception,
    Censorship,
    Spyware,
    FacialRecognition,
    ExportViolation,
    Dpi,
    MonitoringCentre,
    Forensics,
    Sanctions,
    EntityList,
}

impl Tag {
    pub const ALL: &'static [Tag] = &[
        Tag::Surveillance,
        Tag::Interception,
        Tag::Censorship,
        Tag::Spyware,
        Tag::FacialRecognition,
        Tag::ExportViolation,
        Tag::Dpi,
        Tag::MonitoringCentre,
        Tag::Forensics,
        Tag::Sanctions,
        Tag::EntityList,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tag::Surveillance => "surveillance",
            Tag::Interception => "interception",
            Tag::Censorship => "censorship",
            Tag::Spyware => "spyware",
            Tag::FacialRecognition => "facial-recognition",
            Tag::ExportViolation => "export-violation",
            Tag::Dpi => "dpi",
            Tag::MonitoringCentre => "monitoring-centre",
            Tag::Forensics => "forensics",
            Tag::Sanctions => "sanctions",
            Tag::EntityList => "entity-list",
        }
    }

    /// Reads a tag as people and feeds write it: any case, spaces or underscores for hyphens,
    /// a few plain-English synonyms. Anything else is `None`.
    pub fn parse(text: &str) -> Option<Tag> {
        let key: String =
            text.trim().to_lowercase().chars().map(|c| if c == ' ' || c == '_' { '-' } else { c }).collect();
        let tag = match key.as_str() {
            "deep-packet-inspection" => Tag::Dpi,
            "monitoring-center" => Tag::MonitoringCentre,
            "facial-recognition-technology" | "face-recognition" => Tag::FacialRecognition,
            "export-violations" | "export-control-violation" => Tag::ExportViolation,
            "lawful-interception" => Tag::Interception,
            "us-entity-list" => Tag::EntityList,
            key => return Tag::ALL.iter().copied().find(|t| t.as_str() == key),
        };
        Some(tag)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartyKind {
    Organization,
    Person,
    GovernmentBody,
}

/// What a named party did in the story (see `data/watch` in the seed's README).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartyRole {
    /// Maker or seller.
    Vendor,
    /// The government or agency that used or bought the technology.
    EndUser,
    /// Distributor, reseller or financial go-between.
    Intermediary,
    /// Another person or entity the action targets.
    Subject,
}

/// An organisation or person an item names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    pub name: String,
    pub kind: PartyKind,
    pub role: PartyRole,
}

/// Where an item's story was published.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Source {
    pub publisher: String,
    /// The source's own headline.
    #[serde(default)]
    pub title: String,
    /// An `http(s)` address, never anything else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Where an item came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// The bundled seed.
    Seed,
    /// An RSS or Atom feed (file or URL).
    Feed,
    /// A JSON file in the seed's format.
    File,
    /// Typed in by a person.
    Manual,
}

/// The fields of an item a person can edit; an edited field is never overwritten by a refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Title,
    Summary,
    Date,
    Source,
    Countries,
    Tags,
    Parties,
    Note,
    Verified,
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Field::Title,
        Field::Summary,
        Field::Date,
        Field::Source,
        Field::Countries,
        Field::Tags,
        Field::Parties,
        Field::Note,
        Field::Verified,
    ];
}

/// One watch-list item. Its JSON form is the seed's format (`id`, `date`, `title`, `summary`,
/// `source`, `countries`, `tags`, `parties`, `note`, `verified`) plus provenance fields, so an
/// export can be imported again and the seed is a valid import file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchItem {
    /// Short, stable, never reused: the seed's slug, or made from the feed GUID or URL.
    pub id: String,
    /// `YYYY-MM-DD`: the event's date, else the publication's.
    pub date: Option<String>,
    pub title: String,
    pub summary: String,
    pub source: Source,
    /// ISO 3166-1 alpha-2, lower case.
    pub countries: Vec<String>,
    pub tags: Vec<Tag>,
    pub parties: Vec<Party>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The source was read and supports every claim (the seed's items are).
    pub verified: bool,
    /// The feed's GUID or Atom id, when the item came from a feed that gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
    pub origin: Origin,
    /// The file, URL or bundle the item came from; only that source refreshes it.
    pub origin_source: String,
    pub added_by: String,
    pub added_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edited_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<String>,
    /// Fields a person set by hand.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub edited_fields: Vec<Field>,
}

impl WatchItem {
    /// The item's address: its source's URL.
    pub fn url(&self) -> Option<&str> {
        self.source.url.as_deref()
    }

    /// One field's value as JSON, for change records.
    pub fn field_value(&self, field: Field) -> serde_json::Value {
        let value = match field {
            Field::Title => serde_json::to_value(&self.title),
            Field::Summary => serde_json::to_value(&self.summary),
            Field::Date => serde_json::to_value(&self.date),
            Field::Source => serde_json::to_value(&self.source),
            Field::Countries => serde_json::to_value(&self.countries),
            Field::Tags => serde_json::to_value(&self.tags),
            Field::Parties => serde_json::to_value(&self.parties),
            Field::Note => serde_json::to_value(&self.note),
            Field::Verified => serde_json::to_value(self.verified),
        };
        value.expect("watch items always serialise")
    }

    /// Copies one field from `other`.
    pub(crate) fn set_field_from(&mut self, other: &WatchItem, field: Field) {
        match field {
            Field::Title => self.title = other.title.clone(),
            Field::Summary => self.summary = other.summary.clone(),
            Field::Date => self.date = other.date.clone(),
            Field::Source => self.source = other.source.clone(),
            Field::Countries => self.countries = other.countries.clone(),
            Field::Tags => self.tags = other.tags.clone(),
            Field::Parties => self.parties = other.parties.clone(),
            Field::Note => self.note = other.note.clone(),
            Field::Verified => self.verified = other.verified,
        }
    }
}

/// One recorded change to an item: its addition, a person's edit, or a refresh from its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub item_id: String,
    pub at: String,
    pub by: String,
    pub kind: ChangeKind,
    /// The import's source, for additions and refreshes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Edited,
    Refreshed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: Field,
    pub from: serde_json::Value,
    pub to: serde_json::Value,
}

/// What an import did, kept in the store as its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    /// The file, URL or bundle read.
    pub source: String,
    pub kind: ImportKind,
    /// SHA-256 of the bytes read, so the source can be checked later.
    pub sha256: String,
    pub bytes: u64,
    pub imported_at: String,
    pub imported_by: String,
    /// Items in the source (after skipping unusable ones).
    pub items: usize,
    pub added: usize,
    /// Items this source brought earlier whose unedited fields changed.
    pub updated: usize,
    pub unchanged: usize,
    /// Items already brought by another source (same id, GUID or URL): left as they are.
    pub duplicates: usize,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportKind {
    Seed,
    Json,
    Rss,
    Atom,
}

/// A configured feed, refreshed by [`refresh_feeds`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feed {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub added_by: String,
    pub added_at: String,
    pub last_fetched_at: Option<String>,
    /// "ok: …" or the error of the last refresh.
    pub last_result: Option<String>,
}

/// The outcome of refreshing one configured feed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedRefresh {
    pub feed: String,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<ImportReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The user's judgement of one item for one party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relevance {
    Relevant,
    NotRelevant,
}

impl Relevance {
    /// The serde name: "relevant", "not-relevant".
    pub fn as_str(self) -> &'static str {
        match self {
            Relevance::Relevant => "relevant",
            Relevance::NotRelevant => "not-relevant",
        }
    }
}

/// A relevance mark: the latest one per (party, item) counts; earlier ones stay recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelevanceMark {
    /// The party's name as typed.
    pub party: String,
    pub item_id: String,
    pub relevance: Relevance,
    pub reason: String,
    pub marked_by: String,
    pub marked_at: String,
}

/// A new item typed in by a person.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct NewItem {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub date: Option<String>,
    pub source: Source,
    #[serde(default)]
    pub countries: Vec<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub parties: Vec<Party>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub verified: bool,
}

/// A person's edit of an item: only the fields given change, and they become edited fields.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct ItemEdit {
    pub title: Option<String>,
    pub summary: Option<String>,
    /// `YYYY-MM-DD`; an empty string clears the date.
    pub date: Option<String>,
    pub source: Option<Source>,
    pub countries: Option<Vec<String>>,
    pub tags: Option<Vec<Tag>>,
    pub parties: Option<Vec<Party>>,
    /// An empty string clears the note.
    pub note: Option<String>,
    pub verified: Option<bool>,
}

/// Which items to list. Every condition given must hold.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct ItemFilter {
    pub tag: Option<Tag>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub since: Option<String>,
    pub until: Option<String>,
    /// Quick-find: every word must occur in the title, summary, parties or publisher
    /// (case, accents and script folded).
    pub text: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_read_as_people_write_them() {
        assert_eq!(Tag::parse("Facial Recognition"), Some(Tag::FacialRecognition));
        assert_eq!(Tag::parse("export_violation"), Some(Tag::ExportViolation));
        assert_eq!(Tag::parse("Deep packet inspection"), Some(Tag::Dpi));
        assert_eq!(Tag::parse("sports"), None);
        for tag in Tag::ALL {
            assert_eq!(Tag::parse(tag.as_str()), Some(*tag));
            assert_eq!(serde_json::to_value(tag).unwrap(), tag.as_str());
        }
    }
}
