//! EU Financial Sanctions Files (FSF), XML 1.1: the EU consolidated financial sanctions list.
//!
//! The root is `<export generationDate=…>` in the namespace `http://eu.europa.ec/fpi/fsd/export`;
//! each `<sanctionEntity logicalId=…>` is one entry. Unlike the UN and Canada files, almost
//! everything is in attributes, and empty attributes (`middleName=""`) mean absent, so they are
//! read through `attr`. Elements are matched by local name; the root's namespace is checked
//! once so that another file that happens to have an `<export>` root is refused.
//!
//! Rules:
//! - `entry_id` is the entity's `logicalId` (stable across files; `euReferenceNumber` is kept
//!   as an identifier);
//! - the first `nameAlias` with `strong="true"` is the primary name (`wholeName`, or the name
//!   parts when it is empty); other strong aliases are aliases and `strong="false"` ones weak;
//! - countries come from citizenships and addresses; the code `00` ("UNKNOWN") is no country;
//! - `listed_on` is `designationDate` where the file has it, else the earliest regulation's
//!   publication date (later regulations are amendments).

use super::{text, ImportError, Parsed, SourceFile};
use crate::countries;
use crate::model::{BirthDate, Entity, Identifier, NameKind, Schema, Warning};
use roxmltree::Node;

const NAMESPACE: &str = "http://eu.europa.ec/fpi/fsd/export";

pub fn parse(file: &SourceFile) -> Result<Parsed, ImportError> {
    let doc = text::xml_file(file)?;
    let root = doc.root_element();
    if root.tag_name().name() != "export" || root.tag_name().namespace() != Some(NAMESPACE) {
        return Err(ImportError::Layout {
            file: file.name.clone(),
            reason: format!(
                "expected an <export> root in the namespace {NAMESPACE}, found <{}> in {}",
                root.tag_name().name(),
                root.tag_name().namespace().unwrap_or("no namespace")
            ),
        });
    }
    let published = root.attribute("generationDate").and_then(text::iso_date);
    let mut entities = Vec::new();
    let mut warnings = Vec::new();
    for node in text::children(root, "sanctionEntity") {
        match read_entity(node) {
            Ok(entity) => entities.push(entity),
            Err((entry_id, reason)) => warnings.push(Warning {
                file: file.name.clone(),
                line: Some(text::xml_line(&doc, node)),
                entry_id,
                reason,
            }),
        }
    }
    Ok(Parsed { published, entities, warnings })
}

fn read_entity(node: Node) -> Result<Entity, (Option<String>, String)> {
    let entry_id = attr(node, "logicalId").ok_or((None, "sanctionEntity without logicalId; skipped".to_string()))?;
    let schema = match text::children(node, "subjectType").next().and_then(|s| attr(s, "code")).as_deref() {
        Some("person") => Schema::Person,
        Some("enterprise") => Schema::Organization,
        Some(other) => Schema::parse(other),
        None => Schema::Unknown,
    };
    let mut entity = Entity::new(entry_id.clone(), schema);

    read_names(&mut entity, node);
    if entity.names.is_empty() {
        return Err((Some(entry_id), "sanctionEntity without any name; skipped".into()));
    }
    let mut published_on: Vec<String> = Vec::new();
    for regulation in text::children(node, "regulation") {
        if let Some(programme) = attr(regulation, "programme") {
            Entity::push_unique(&mut entity.programs, &programme);
        }
        published_on.extend(attr(regulation, "publicationDate").and_then(|d| text::iso_date(&d)));
    }
    entity.listed_on =
        attr(node, "designationDate").and_then(|d| text::iso_date(&d)).or_else(|| published_on.into_iter().min());
    for remark in text::children(node, "remark").filter_map(|r| r.text()) {
        Entity::push_unique(&mut entity.remarks, remark);
    }
    for (name, kind) in [("euReferenceNumber", "EU reference"), ("unitedNationId", "UN reference")] {
        if let Some(value) = attr(node, name) {
            entity.identifiers.push(Identifier { kind: kind.into(), value, country: None });
        }
    }
    // A citizenship the country table does not know stays readable as text.
    for citizenship in text::children(node, "citizenship") {
        match country_code(citizenship) {
            Some(code) => entity.add_country(code),
            None => Entity::push_unique(&mut entity.addresses, &country_description(citizenship).unwrap_or_default()),
        }
    }
    for birth in text::children(node, "birthdate") {
        if let Some(date) = birth_date(birth) {
            if !entity.birth_dates.contains(&date) {
                entity.birth_dates.push(date);
            }
        }
        let place = joined(birth, &["place", "city", "region"], country_description(birth));
        Entity::push_unique(&mut entity.places_of_birth, &place);
    }
    for identification in text::children(node, "identification") {
        entity.identifiers.extend(read_identification(identification));
    }
    for address in text::children(node, "address") {
        let line =
            joined(address, &["street", "poBox", "zipCode", "city", "place", "region"], country_description(address));
        Entity::push_unique(&mut entity.addresses, &line);
        if let Some(code) = country_code(address) {
            entity.add_country(code);
        }
    }
    Ok(entity)
}

/// Adds the primary name first, then the other aliases in file order. A function or title on
/// an alias (the EU repeats them on every language version) becomes one remark.
fn read_names(entity: &mut Entity, node: Node) {
    let aliases: Vec<(String, bool)> = text::children(node, "nameAlias")
        .map(|alias| {
            let name = attr(alias, "wholeName").unwrap_or_else(|| {
                let parts = ["firstName", "middleName", "lastName"].iter().filter_map(|n| attr(alias, n));
                parts.collect::<Vec<_>>().join(" ")
            });
            (name, alias.attribute("strong") != Some("false"))
        })
        .filter(|(name, _)| !name.is_empty())
        .collect();
    let primary = aliases.iter().position(|(_, strong)| *strong).unwrap_or(0);
    if let Some((name, _)) = aliases.get(primary) {
        entity.add_name(name, NameKind::Primary);
    }
    for (name, strong) in &aliases {
        entity.add_name(name, if *strong { NameKind::Alias } else { NameKind::WeakAlias });
    }
    for alias in text::children(node, "nameAlias") {
        for (field, label) in [("title", "Title"), ("function", "Function")] {
            if let Some(value) = attr(alias, field) {
                Entity::push_unique(&mut entity.remarks, &format!("{label}: {value}"));
            }
        }
    }
}

/// A full date, a year with optional month and day, or a span of years; `circa` marks any of
/// them approximate. A span open at one end is kept as that one year, approximate.
fn birth_date(birth: Node) -> Option<BirthDate> {
    let circa = birth.attribute("circa") == Some("true");
    let number = |name: &str| attr(birth, name).and_then(|v| v.parse::<u32>().ok());
    let year = |name: &str| number(name).and_then(|y| text::partial_iso(i32::try_from(y).ok()?, 0, 0));
    match (year("yearRangeFrom"), year("yearRangeTo")) {
        (Some(from), Some(to)) => return Some(BirthDate { date: from, to: Some(to), approximate: circa }),
        (Some(one), None) | (None, Some(one)) => return Some(BirthDate { date: one, to: None, approximate: true }),
        (None, None) => {}
    }
    let date = attr(birth, "birthdate").and_then(|d| text::iso_date(&d)).or_else(|| {
        let y = i32::try_from(number("year")?).ok()?;
        text::partial_iso(y, number("monthOfYear").unwrap_or(0), number("dayOfMonth").unwrap_or(0))
    })?;
    Some(BirthDate { date, to: None, approximate: circa })
}

fn read_identification(node: Node) -> Option<Identifier> {
    let value = attr(node, "number").or_else(|| attr(node, "latinNumber"))?;
    let kind = attr(node, "identificationTypeDescription")
        .or_else(|| attr(node, "identificationTypeCode"))
        .unwrap_or_else(|| "Identification".into());
    let country = country_code(node).map(str::to_string).or_else(|| country_description(node));
    Some(Identifier { kind, value, country })
}

/// The ISO code of an element's country: `countryIso2Code`, else its description; `00` is the
/// FSF's "unknown".
fn country_code(node: Node) -> Option<&'static str> {
    attr(node, "countryIso2Code")
        .filter(|code| code != "00")
        .and_then(|code| countries::code(&code))
        .or_else(|| country_description(node).and_then(|d| countries::code(&d)))
}

fn country_description(node: Node) -> Option<String> {
    attr(node, "countryDescription").filter(|d| d != "UNKNOWN")
}

/// An attribute's cleaned value; empty means absent in this format.
fn attr(node: Node, name: &str) -> Option<String> {
    node.attribute(name).and_then(text::non_empty)
}

/// The non-empty attributes, in order, then `last`, joined with ", ".
fn joined(node: Node, names: &[&str], last: Option<String>) -> String {
    names.iter().filter_map(|n| attr(node, n)).chain(last).collect::<Vec<_>>().join(", ")
}
