//! OpenSanctions exports in FollowTheMoney JSON lines (`entities.ftm.json`).
//!
//! Each line is one FtM entity: `{"id", "schema", "caption", "properties": {name: [strings]},
//! "datasets", "first_seen", …}`. Only some schemata are parties (Person, Organization, Company,
//! LegalEntity, Vessel, Airplane); the rest describe them and point at them by id: Sanction
//! (programme, authority, listing date), Address (via the party's `addressEntity`),
//! Passport/Identification (via `holder`), and the relationships (Ownership, Directorship,
//! Family, …), which become `Link`s on both parties. Because a line may point at an entity that
//! comes later, the file is read in one pass that keeps parties whole and the rest as small
//! facts, which are then applied. Other schemata (documents, positions, …) are not needed for
//! screening and are passed over.
//!
//! The data is re-processed by OpenSanctions, not an authority's publication, and carries no
//! publication date: `published` is None. One unreadable line is one lost record (a warning);
//! an unreadable *last* line without a final newline means the download was cut off, and the
//! whole file is refused naming that line.

use super::{text, ImportError, Parsed, SourceFile};
use crate::countries;
use crate::model::{BirthDate, Entity, Identifier, Link, NameKind, Schema, Warning};
use serde::Deserialize;
use std::collections::HashMap;

/// One line of the export, as far as Klaring reads it.
#[derive(Deserialize)]
struct Record {
    id: String,
    schema: String,
    #[serde(default)]
    caption: Option<String>,
    #[serde(default)]
    properties: HashMap<String, Vec<String>>,
    #[serde(default)]
    datasets: Vec<String>,
    #[serde(default)]
    first_seen: Option<String>,
}

impl Record {
    fn values(&self, property: &str) -> &[String] {
        self.properties.get(property).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Relationship schemata: (schema, source property, target property, the source's relation to
/// the target, the target's relation to the source).
const LINKS: [(&str, &str, &str, &str, &str); 8] = [
    ("Ownership", "owner", "asset", "owner of", "owned by"),
    ("Directorship", "director", "organization", "director of", "has director"),
    ("Family", "person", "relative", "family", "family"),
    ("Associate", "person", "associate", "associate", "associate"),
    ("Membership", "member", "organization", "member of", "has member"),
    ("Employment", "employee", "employer", "employee of", "employer of"),
    ("Representation", "agent", "client", "agent of", "represented by"),
    ("UnknownLink", "subject", "object", "linked to", "linked to"),
];

/// Identifier properties of parties: (property, identifier kind).
const IDENTIFIERS: [(&str, &str); 10] = [
    ("registrationNumber", "Registration Number"),
    ("taxNumber", "Tax Number"),
    ("innCode", "INN"),
    ("ogrnCode", "OGRN"),
    ("imoNumber", "IMO"),
    ("idNumber", "ID Number"),
    ("passportNumber", "Passport"),
    ("leiCode", "LEI"),
    ("swiftBic", "SWIFT/BIC"),
    ("vatCode", "VAT"),
];

pub fn parse(file: &SourceFile) -> Result<Parsed, ImportError> {
    let content = decode(file)?;
    let mut graph = Graph::default();
    let mut warnings = Vec::new();
    let line_count = content.lines().count();
    for (i, line) in content.lines().enumerate() {
        let number = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(line) {
            Ok(record) => graph.add(file, number, record, &mut warnings),
            Err(e) if i + 1 == line_count && !content.ends_with('\n') => {
                return Err(ImportError::Json {
                    file: file.name.clone(),
                    line: number,
                    reason: format!("{e}; the last line is incomplete, so the download was cut off"),
                })
            }
            Err(e) => {
                warnings.push(warning(file, Some(number), None, format!("not a FollowTheMoney entity ({e}); skipped")))
            }
        }
    }
    let entities = graph.finish(file, &mut warnings);
    Ok(Parsed { published: None, entities, warnings })
}

/// The list id for an FtM export: `os-` and the first dataset named in the first entity.
pub fn list_id_from_head(head: &str) -> String {
    let first_line = head.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
    let dataset = match serde_json::from_str::<Record>(first_line) {
        Ok(record) => record.datasets.into_iter().next(),
        // A first line longer than the head: find the datasets array by its key.
        Err(_) => first_line.split("\"datasets\"").nth(1).and_then(|rest| {
            let rest = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('[')?.trim_start();
            rest.strip_prefix('"')?.split('"').next().map(str::to_string)
        }),
    };
    let slug: String = dataset
        .unwrap_or_default()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .take(37)
        .collect();
    if slug.is_empty() {
        "opensanctions".into()
    } else {
        format!("os-{slug}")
    }
}

/// UTF-8 text; a file cut inside a multi-byte character is refused as truncated, not as being in
/// another encoding.
fn decode(file: &SourceFile) -> Result<&str, ImportError> {
    if file.bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty { file: file.name.clone() });
    }
    if let Err(e) = std::str::from_utf8(&file.bytes) {
        if e.error_len().is_none() {
            return Err(ImportError::Json {
                file: file.name.clone(),
                line: text::line_of(&file.bytes, e.valid_up_to()),
                reason: "the file ends inside a character, so the download was cut off".into(),
            });
        }
    }
    text::utf8(file)
}

/// A relationship or sanction waiting for both ends to be read.
struct PendingLink {
    line: u64,
    from: String,
    to: String,
    forward: String,
    reverse: String,
}

struct Sanction {
    line: u64,
    entities: Vec<String>,
    programs: Vec<String>,
    authorities: Vec<String>,
    date: Option<String>,
}

struct Address {
    text: String,
    countries: Vec<&'static str>,
}

/// Everything read so far: the parties, and the facts that point at them.
#[derive(Default)]
struct Graph {
    parties: Vec<Entity>,
    index: HashMap<String, usize>,
    /// Per party, the date OpenSanctions first saw it: the listing date of last resort.
    first_seen: Vec<Option<String>>,
    address_refs: Vec<(usize, String)>,
    addresses: HashMap<String, Address>,
    identifiers: Vec<(u64, String, Identifier)>,
    links: Vec<PendingLink>,
    sanctions: Vec<Sanction>,
}

impl Graph {
    fn add(&mut self, file: &SourceFile, line: u64, record: Record, warnings: &mut Vec<Warning>) {
        if record.id.trim().is_empty() {
            warnings.push(warning(file, Some(line), None, "an entity without an id; skipped".into()));
            return;
        }
        let schema = record.schema.as_str();
        if let Some(party_schema) = party_schema(schema) {
            if self.index.contains_key(&record.id) {
                warnings.push(warning(
                    file,
                    Some(line),
                    Some(&record.id),
                    "the id appears twice; the later line is skipped".into(),
                ));
                return;
            }
            let (entity, address_ids) = party(&record, party_schema);
            let at = self.parties.len();
            self.index.insert(record.id.clone(), at);
            self.address_refs.extend(address_ids.into_iter().map(|id| (at, id)));
            self.first_seen.push(record.first_seen.as_deref().map(|d| d.chars().take(10).collect()));
            self.parties.push(entity);
        } else if let Some((_, from, to, forward, reverse)) = LINKS.iter().find(|l| l.0 == schema) {
            let detail = link_detail(&record);
            for source in record.values(from) {
                for target in record.values(to) {
                    self.links.push(PendingLink {
                        line,
                        from: source.clone(),
                        to: target.clone(),
                        forward: format!("{forward}{detail}"),
                        reverse: format!("{reverse}{detail}"),
                    });
                }
            }
        } else if schema == "Sanction" {
            let programs = if record.values("programId").is_empty() { "program" } else { "programId" };
            let dates = record.values("listingDate").iter().chain(record.values("startDate"));
            self.sanctions.push(Sanction {
                line,
                entities: record.values("entity").to_vec(),
                programs: record.values(programs).to_vec(),
                authorities: record.values("authority").to_vec(),
                date: dates.map(|d| d.chars().take(10).collect::<String>()).min(),
            });
        } else if schema == "Address" {
            self.addresses.insert(record.id.clone(), address(&record));
        } else if matches!(schema, "Passport" | "Identification") {
            for number in record.values("number") {
                let kind = record.values("type").first().cloned().unwrap_or_else(|| schema.to_string());
                let country = record.values("country").first().and_then(|c| countries::code(c)).map(str::to_string);
                let identifier = Identifier { kind, value: text::clean(number), country };
                for holder in record.values("holder") {
                    self.identifiers.push((line, holder.clone(), identifier.clone()));
                }
            }
        }
    }

    /// Applies the facts to the parties they point at.
    fn finish(mut self, file: &SourceFile, warnings: &mut Vec<Warning>) -> Vec<Entity> {
        for (at, id) in &self.address_refs {
            // Exports of one dataset often leave out the address entities; nothing is lost then,
            // as the party also carries its address as text.
            if let Some(address) = self.addresses.get(id) {
                let party = &mut self.parties[*at];
                Entity::push_unique(&mut party.addresses, &address.text);
                address.countries.iter().for_each(|code| party.add_country(code));
            }
        }
        for (line, holder, identifier) in self.identifiers {
            match self.index.get(&holder) {
                Some(&at) if !self.parties[at].identifiers.contains(&identifier) => {
                    self.parties[at].identifiers.push(identifier)
                }
                Some(_) => {}
                None => warnings.push(warning(
                    file,
                    Some(line),
                    Some(&holder),
                    "a document for a party not in the file".into(),
                )),
            }
        }
        let mut listed: Vec<Option<String>> = vec![None; self.parties.len()];
        let mut authorities: Vec<Vec<String>> = vec![Vec::new(); self.parties.len()];
        for sanction in &self.sanctions {
            for id in &sanction.entities {
                let Some(&at) = self.index.get(id) else {
                    warnings.push(warning(
                        file,
                        Some(sanction.line),
                        Some(id),
                        "a sanction on a party not in the file".into(),
                    ));
                    continue;
                };
                sanction.programs.iter().for_each(|p| Entity::push_unique(&mut self.parties[at].programs, p));
                sanction.authorities.iter().for_each(|a| Entity::push_unique(&mut authorities[at], a));
                if let Some(date) = &sanction.date {
                    if listed[at].as_ref().is_none_or(|d| date < d) {
                        listed[at] = Some(date.clone());
                    }
                }
            }
        }
        for link in &self.links {
            let (from, to) = (self.index.get(&link.from).copied(), self.index.get(&link.to).copied());
            if from.is_none() && to.is_none() {
                let reason =
                    format!("a relationship between {} and {}, neither of them in the file", link.from, link.to);
                warnings.push(warning(file, Some(link.line), None, reason));
            }
            let name_of =
                |at: Option<usize>, id: &str| at.map_or(id.to_string(), |i| self.parties[i].primary_name().to_string());
            let (from_name, to_name) = (name_of(from, &link.from), name_of(to, &link.to));
            if let Some(at) = from {
                self.parties[at].links.push(Link {
                    relation: link.forward.clone(),
                    name: to_name,
                    entry_id: Some(link.to.clone()),
                });
            }
            if let Some(at) = to {
                self.parties[at].links.push(Link {
                    relation: link.reverse.clone(),
                    name: from_name,
                    entry_id: Some(link.from.clone()),
                });
            }
        }
        for (at, party) in self.parties.iter_mut().enumerate() {
            if !authorities[at].is_empty() {
                party.remarks.push(format!("Sanctioned by: {}", authorities[at].join("; ")));
            }
            if party.listed_on.is_none() {
                party.listed_on = listed[at].take().or_else(|| self.first_seen[at].take());
            }
        }
        self.parties
    }
}

fn party_schema(schema: &str) -> Option<Schema> {
    match schema {
        "Person" => Some(Schema::Person),
        "Organization" | "Company" | "LegalEntity" => Some(Schema::Organization),
        "Vessel" => Some(Schema::Vessel),
        "Airplane" => Some(Schema::Aircraft),
        _ => None,
    }
}

/// A party from its own properties, and the ids of the address entities it points at.
fn party(record: &Record, schema: Schema) -> (Entity, Vec<String>) {
    let mut entity = Entity::new(record.id.clone(), schema);
    let caption = record.caption.as_deref().filter(|c| !c.trim().is_empty());
    if let Some(primary) = caption.or(record.values("name").first().map(String::as_str)) {
        entity.add_name(primary, NameKind::Primary);
    }
    for (property, kind) in [
        ("name", NameKind::Alias),
        ("alias", NameKind::Alias),
        ("weakAlias", NameKind::WeakAlias),
        ("previousName", NameKind::Former),
    ] {
        record.values(property).iter().for_each(|name| entity.add_name(name, kind));
    }
    for value in record.values("birthDate") {
        let dates = match iso_prefix(value) {
            Some(date) => vec![BirthDate::exact(date)],
            None => text::birth_dates(value),
        };
        for date in dates {
            if !entity.birth_dates.contains(&date) {
                entity.birth_dates.push(date);
            }
        }
    }
    record.values("birthPlace").iter().for_each(|place| Entity::push_unique(&mut entity.places_of_birth, place));
    for property in ["nationality", "citizenship", "country", "jurisdiction"] {
        for value in record.values(property) {
            // Codes for historic or disputed places ("suhh", "ua-cri") have no ISO country.
            if let Some(code) = countries::code(value) {
                entity.add_country(code);
            }
        }
    }
    record.values("address").iter().for_each(|a| Entity::push_unique(&mut entity.addresses, a));
    for (property, kind) in IDENTIFIERS {
        for value in record.values(property) {
            let identifier = Identifier { kind: kind.to_string(), value: text::clean(value), country: None };
            if !identifier.value.is_empty() && !entity.identifiers.contains(&identifier) {
                entity.identifiers.push(identifier);
            }
        }
    }
    for property in ["programId", "program"] {
        record.values(property).iter().for_each(|p| Entity::push_unique(&mut entity.programs, p));
    }
    record.values("notes").iter().for_each(|note| Entity::push_unique(&mut entity.remarks, note));
    for (property, label) in [("position", "Position"), ("topics", "Topics")] {
        let values = record.values(property);
        if !values.is_empty() {
            entity.remarks.push(format!("{label}: {}", values.join("; ")));
        }
    }
    entity.listed_on = record.values("createdAt").iter().filter_map(|d| iso_prefix(d)).min();
    (entity, record.values("addressEntity").to_vec())
}

/// The readable form of an Address entity, with its country.
fn address(record: &Record) -> Address {
    let text = match record.values("full").first() {
        Some(full) => full.clone(),
        None => ["street", "postalCode", "city", "region", "country"]
            .iter()
            .filter_map(|p| record.values(p).first())
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
    };
    let countries = record.values("country").iter().filter_map(|c| countries::code(c)).collect();
    Address { text, countries }
}

/// What a relationship adds to its relation word: " 49%", " (subsidiary of)", " until 2023-03-02".
fn link_detail(record: &Record) -> String {
    let mut detail = String::new();
    if let Some(percentage) = record.values("percentage").first() {
        detail.push_str(&format!(" {percentage}%"));
    }
    if let Some(role) = record.values("role").first().or(record.values("relationship").first()) {
        detail.push_str(&format!(" ({})", text::clean(role)));
    }
    if let Some(end) = record.values("endDate").first() {
        detail.push_str(&format!(" until {end}"));
    }
    detail
}

/// "1971-01-22", "1971-01", "1971" or a timestamp, as a checked partial ISO date.
fn iso_prefix(value: &str) -> Option<String> {
    let date = value.get(..10.min(value.len()))?;
    let mut parts = date.split('-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    let day = parts.next().map_or(Some(0), |d| d.parse().ok())?;
    text::partial_iso(year, month, day)
}

fn warning(file: &SourceFile, line: Option<u64>, entry_id: Option<&str>, reason: String) -> Warning {
    Warning { file: file.name.clone(), line, entry_id: entry_id.map(str::to_string), reason }
}
