//! UN Security Council Consolidated List, XML (`sc-sanctions.xsd`).
//!
//! The file is one `CONSOLIDATED_LIST` with `INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY`
//! records. Everything is an element, often present but empty (`<ALIAS_NAME/>`), so every field
//! is read through `text::child_text`, which treats empty as absent. The UN reformats the file
//! from time to time (quotes, indentation), so it is read as a DOM, never by lines.
//!
//! Quirks handled here:
//! - names come in parts (`FIRST_NAME` … `FOURTH_NAME`) already in the UN's display order, so
//!   the primary name is the parts joined; the original-script name is an alias;
//! - alias `QUALITY` is `Good`/`a.k.a.` (alias), `Low` (weak alias) or `f.k.a.` (former name);
//!   some Iran-list aliases pack several names into one `ALIAS_NAME` separated by `;`;
//! - dates of birth are `EXACT`/`APPROXIMATELY`/`BETWEEN` with `DATE`, `YEAR` or
//!   `FROM_YEAR`/`TO_YEAR`, and some carry only a free-text `NOTE` ("Nov. 1973");
//! - a few `LISTED_ON` values carry a time-zone suffix (`2015-04-07-04:00`).

use super::{text, ImportError, Parsed, SourceFile};
use crate::countries;
use crate::model::{BirthDate, Entity, Identifier, NameKind, Schema, Warning};
use roxmltree::Node;

pub fn parse(file: &SourceFile) -> Result<Parsed, ImportError> {
    let doc = text::xml_file(file)?;
    let root = doc.root_element();
    if root.tag_name().name() != "CONSOLIDATED_LIST" {
        return Err(ImportError::Layout {
            file: file.name.clone(),
            reason: format!("expected a <CONSOLIDATED_LIST> root, found <{}>", root.tag_name().name()),
        });
    }
    let published = root.attribute("dateGenerated").and_then(text::iso_date);
    let mut entities = Vec::new();
    let mut warnings = Vec::new();
    for group in root.children().filter(Node::is_element) {
        let schema = match group.tag_name().name() {
            "INDIVIDUALS" => Schema::Person,
            "ENTITIES" => Schema::Organization,
            _ => continue,
        };
        for record in group.children().filter(Node::is_element) {
            match read_record(record, schema) {
                Ok(entity) => entities.push(entity),
                Err((entry_id, reason)) => warnings.push(Warning {
                    file: file.name.clone(),
                    line: Some(text::xml_line(&doc, record)),
                    entry_id,
                    reason,
                }),
            }
        }
    }
    Ok(Parsed { published, entities, warnings })
}

/// One INDIVIDUAL or ENTITY. A record without DATAID or without any name cannot be screened
/// or cited, so it becomes a warning (with the entry id when there is one).
fn read_record(record: Node, schema: Schema) -> Result<Entity, (Option<String>, String)> {
    let entry_id = text::child_text(record, "DATAID").ok_or((None, "record without DATAID; skipped".to_string()))?;
    let mut entity = Entity::new(entry_id.clone(), schema);

    let parts: Vec<String> = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
        .iter()
        .filter_map(|part| text::child_text(record, part))
        .collect();
    entity.add_name(&parts.join(" "), NameKind::Primary);
    if let Some(original) = text::child_text(record, "NAME_ORIGINAL_SCRIPT") {
        entity.add_name(&original, NameKind::Alias);
    }
    for alias in record.children().filter(|c| c.tag_name().name().ends_with("_ALIAS")) {
        read_alias(&mut entity, alias);
    }
    if entity.names.is_empty() {
        return Err((Some(entry_id), "record without any name; skipped".into()));
    }
    // A record without name parts is known by its first other name: that one is the primary.
    if parts.is_empty() {
        entity.names[0].kind = NameKind::Primary;
    }

    if let Some(program) = text::child_text(record, "UN_LIST_TYPE") {
        entity.programs.push(program);
    }
    if let Some(reference) = text::child_text(record, "REFERENCE_NUMBER") {
        entity.identifiers.push(Identifier { kind: "UN reference".into(), value: reference, country: None });
    }
    entity.listed_on = text::child_text(record, "LISTED_ON").and_then(|d| text::iso_date(&d));
    for nationality in text::children(record, "NATIONALITY") {
        for value in text::children(nationality, "VALUE").filter_map(|v| v.text().and_then(text::non_empty)) {
            add_country(&mut entity, &value);
        }
    }
    for dob in text::children(record, "INDIVIDUAL_DATE_OF_BIRTH") {
        for date in birth_dates(dob) {
            push_birth_date(&mut entity, date);
        }
    }
    for pob in text::children(record, "INDIVIDUAL_PLACE_OF_BIRTH") {
        let place = joined(pob, &["STREET", "CITY", "STATE_PROVINCE", "COUNTRY"]);
        Entity::push_unique(&mut entity.places_of_birth, &place);
    }
    for address in record.children().filter(|c| c.tag_name().name().ends_with("_ADDRESS")) {
        let line = joined(address, &["STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY"]);
        Entity::push_unique(&mut entity.addresses, &line);
        if let Some(country) = text::child_text(address, "COUNTRY") {
            if let Some(code) = countries::code(&country) {
                entity.add_country(code);
            }
        }
    }
    for document in text::children(record, "INDIVIDUAL_DOCUMENT") {
        if let Some(identifier) = read_document(document) {
            entity.identifiers.push(identifier);
        }
    }
    for (field, label) in [("TITLE", "Title"), ("DESIGNATION", "Designation")] {
        for holder in text::children(record, field) {
            for value in text::children(holder, "VALUE").filter_map(|v| v.text().and_then(text::non_empty)) {
                Entity::push_unique(&mut entity.remarks, &format!("{label}: {value}"));
            }
        }
    }
    if let Some(comments) = text::child_text(record, "COMMENTS1") {
        Entity::push_unique(&mut entity.remarks, &comments);
    }
    Ok(entity)
}

/// An alias element. Some aliases also carry a date and place of birth that belong to that
/// identity; they are kept with the entry's own.
fn read_alias(entity: &mut Entity, alias: Node) {
    let kind = match text::child_text(alias, "QUALITY").as_deref() {
        Some("Low") => NameKind::WeakAlias,
        Some("f.k.a.") => NameKind::Former,
        _ => NameKind::Alias,
    };
    if let Some(names) = text::child_text(alias, "ALIAS_NAME") {
        for name in split_top_level(&names, ';') {
            entity.add_name(&name, kind);
        }
    }
    if let Some(date) = text::child_text(alias, "DATE_OF_BIRTH").and_then(|d| text::iso_date(&d)) {
        push_birth_date(entity, BirthDate::exact(date));
    }
    let place = joined(alias, &["CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"]);
    Entity::push_unique(&mut entity.places_of_birth, &place);
}

/// Splits at `sep` outside parentheses: "A; B" is two names, "HTS (هيئة …; Hay’at …)" is one.
fn split_top_level(text: &str, sep: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if c == sep && depth <= 0 {
            parts.push(String::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    parts
}

fn birth_dates(dob: Node) -> Vec<BirthDate> {
    let kind = text::child_text(dob, "TYPE_OF_DATE").unwrap_or_default().to_uppercase();
    let note = text::child_text(dob, "NOTE").unwrap_or_default();
    let approximate = kind == "APPROXIMATELY" || note.to_lowercase().contains("approx");
    let year = |name: &str| text::child_text(dob, name).and_then(|y| text::partial_iso(y.parse().ok()?, 0, 0));
    if let (Some(from), Some(to)) = (year("FROM_YEAR"), year("TO_YEAR")) {
        return vec![BirthDate { date: from, to: Some(to), approximate }];
    }
    if let Some(date) = text::child_text(dob, "DATE").and_then(|d| text::iso_date(&d)).or_else(|| year("YEAR")) {
        return vec![BirthDate { date, to: None, approximate }];
    }
    // Only a note such as "Nov. 1973": read it as free text.
    text::birth_dates(&note).into_iter().map(|d| BirthDate { approximate: d.approximate || approximate, ..d }).collect()
}

fn push_birth_date(entity: &mut Entity, date: BirthDate) {
    if !entity.birth_dates.contains(&date) {
        entity.birth_dates.push(date);
    }
}

/// A travel or identity document; one without a number tells a reviewer nothing to compare.
fn read_document(document: Node) -> Option<Identifier> {
    let value = text::child_text(document, "NUMBER")?;
    let kind = match (text::child_text(document, "TYPE_OF_DOCUMENT"), text::child_text(document, "TYPE_OF_DOCUMENT2")) {
        (Some(kind), Some(detail)) => format!("{kind} ({detail})"),
        (Some(kind), None) => kind,
        (None, Some(detail)) => detail,
        (None, None) => "Document".to_string(),
    };
    let country = text::child_text(document, "ISSUING_COUNTRY")
        .or_else(|| text::child_text(document, "COUNTRY_OF_ISSUE"))
        .map(|name| countries::code(&name).map(str::to_string).unwrap_or(name));
    Some(Identifier { kind, value, country })
}

/// A nationality: its ISO code, or (unresolved) the name kept as address text so it is not lost.
fn add_country(entity: &mut Entity, name: &str) {
    match countries::code(name) {
        Some(code) => entity.add_country(code),
        None => Entity::push_unique(&mut entity.addresses, name),
    }
}

/// The non-empty child texts, in the given order, joined with ", ".
fn joined(node: Node, fields: &[&str]) -> String {
    fields.iter().filter_map(|f| text::child_text(node, f)).collect::<Vec<_>>().join(", ")
}
