//! Plain data shared by every stage: what a list entry is, what a list version is.
//!
//! These types cross module boundaries (import → store → index → match) and are stored as JSON
//! in SQLite, so their serialised shape is a promise: add optional fields, never rename.

use serde::{Deserialize, Serialize};

/// What kind of party a list entry (or a query) describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Schema {
    Person,
    Organization,
    Vessel,
    Aircraft,
    /// The list does not say (some FtM records, some free-text rows).
    Unknown,
}

impl Schema {
    /// Parses the spellings found in list files and in user input ("Individual", "Entity ",
    /// "Person", "ship", …). Unrecognised text is `Unknown`, never an error: a list's own
    /// vocabulary must not abort an import.
    pub fn parse(text: &str) -> Schema {
        match text.trim().to_ascii_lowercase().as_str() {
            "person" | "individual" | "individuals" | "p" => Schema::Person,
            "organization" | "organisation" | "entity" | "entities" | "company" | "legalentity" | "legal entity"
            | "org" | "e" => Schema::Organization,
            "vessel" | "ship" | "ships" | "v" => Schema::Vessel,
            "aircraft" | "a" => Schema::Aircraft,
            _ => Schema::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Schema::Person => "person",
            Schema::Organization => "organization",
            Schema::Vessel => "vessel",
            Schema::Aircraft => "aircraft",
            Schema::Unknown => "unknown",
        }
    }
}

/// How a name relates to the entry. Weak aliases (OFAC "weak", UK "Low quality", UN "Low")
/// are kept but scored lower, as the publishers advise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    Primary,
    Alias,
    WeakAlias,
    /// Formerly known as.
    Former,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Name {
    pub full: String,
    pub kind: NameKind,
}

/// A date of birth (or build date, or registration date) as published: often only a year, a
/// range, or "approximately". `date` is ISO 8601 with as many parts as known ("1961",
/// "1961-07", "1961-07-31"); `to` closes a range ("between 1955 and 1958").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BirthDate {
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
}

impl BirthDate {
    pub fn exact(date: impl Into<String>) -> BirthDate {
        BirthDate { date: date.into(), to: None, approximate: false }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identifier {
    /// "Passport", "National ID No.", "IMO", "Registration Number", as the list calls it.
    pub kind: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A link the list itself makes from one entry to another party (OFAC "Linked To:",
/// FtM Ownership/Directorship). Used later for affiliations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub relation: String,
    /// The other party's name as the list writes it.
    pub name: String,
    /// The other party's entry id on the same list, where the list gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
}

/// One listed party: everything a reviewer needs to decide whether a hit is the same party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// The list's own id for the entry, always as a string (see `lists` for each list's rule).
    pub entry_id: String,
    pub schema: Schema,
    /// The first name is the primary name.
    pub names: Vec<Name>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_dates: Vec<BirthDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places_of_birth: Vec<String>,
    /// ISO 3166 alpha-2 codes, lower case, of nationality, citizenship, registration or
    /// address countries. Names the country table does not know stay in `addresses`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
    /// Sanctions programmes or regimes ("SDGT", "RUSSIA-EO14024", "Russia", "1267").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_on: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<String>,
}

impl Entity {
    pub fn new(entry_id: impl Into<String>, schema: Schema) -> Entity {
        Entity {
            entry_id: entry_id.into(),
            schema,
            names: Vec::new(),
            birth_dates: Vec::new(),
            places_of_birth: Vec::new(),
            countries: Vec::new(),
            addresses: Vec::new(),
            programs: Vec::new(),
            identifiers: Vec::new(),
            links: Vec::new(),
            listed_on: None,
            remarks: Vec::new(),
        }
    }

    /// The primary name, or the entry id for an entry that somehow has none.
    pub fn primary_name(&self) -> &str {
        self.names.first().map(|n| n.full.as_str()).unwrap_or(&self.entry_id)
    }

    /// Adds a name unless the same text is already there, keeping the first (strongest) kind.
    pub fn add_name(&mut self, full: &str, kind: NameKind) {
        let full = crate::lists::text::clean(full);
        if full.is_empty() || self.names.iter().any(|n| n.full == full) {
            return;
        }
        self.names.push(Name { full, kind });
    }

    /// Adds an ISO country code once.
    pub fn add_country(&mut self, code: &str) {
        if !code.is_empty() && !self.countries.iter().any(|c| c == code) {
            self.countries.push(code.to_string());
        }
    }

    /// Adds a value to one of the free-text vectors once, after cleaning it.
    pub fn push_unique(values: &mut Vec<String>, value: &str) {
        let value = crate::lists::text::clean(value);
        if !value.is_empty() && !values.contains(&value) {
            values.push(value);
        }
    }
}

/// Something an importer noticed but could work around; recorded with the list version so an
/// auditor can see what was skipped and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
    pub reason: String,
}

/// One input file of an import, with its hash, as recorded in the list version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileDigest {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

/// One imported version of one list. Versions are never changed once written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListVersion {
    /// Store row id.
    pub id: i64,
    /// `ofac-sdn`, `un-sc`, … (see `lists::LISTS`).
    pub list: String,
    /// Human-readable version label: the publisher's date (or else the import date) and the
    /// first 8 hex digits of the content hash, e.g. `2026-02-27+66b392a4`.
    pub version: String,
    /// The format the files were read as.
    pub format: String,
    /// The publisher's date as printed in the file, when the file carries one.
    pub published: Option<String>,
    /// The date the data is known to be current as of when the file carries no date (from the
    /// bundled provenance or `--as-of`).
    pub as_of: Option<String>,
    /// UTC, RFC 3339.
    pub imported_at: String,
    /// Hash of the single file, or of the file manifest (`name  sha256` lines, sorted) when a
    /// list comes in several files (OFAC legacy CSV).
    pub sha256: String,
    pub files: Vec<FileDigest>,
    pub record_count: u64,
    pub warnings: Vec<Warning>,
}

impl ListVersion {
    /// The date the data speaks for: the publisher's, else the asserted one, else the import.
    pub fn data_date(&self) -> &str {
        self.published
            .as_deref()
            .or(self.as_of.as_deref())
            .unwrap_or(&self.imported_at[..10.min(self.imported_at.len())])
    }
}
