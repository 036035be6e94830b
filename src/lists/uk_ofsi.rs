//! UK OFSI Consolidated List of Financial Sanctions Targets (`ConList.xlsx`).
//!
//! The sheet has one row per *name variant*, not per designation: a `Last Updated | dd/mm/yyyy`
//! row, a 36-column header, then rows that repeat the designation's facts for every name (and
//! again for every address or date of birth). So rows are first grouped on `Group ID`, then
//! each group is folded into one entity: names by `Alias Type`, the facts as the union of the
//! rows (several dates of birth, addresses, regimes), and the group type and listing date from
//! the group's first row. Columns are found by their header text because
//! OFSI has added and moved columns over the years; "Last Updated" even appears twice.

use super::australia::{country_code, items, nationalities};
use super::{text, ImportError, Parsed, SourceFile};
use crate::model::{BirthDate, Entity, Identifier, NameKind, Schema, Warning};
use calamine::Data;
use std::collections::HashMap;

/// Without these the rows cannot be grouped into named designations.
const REQUIRED: [&str; 4] = ["Group ID", "Group Type", "Alias Type", "Name 6"];

/// Labelled facts in `Other Information` that are identifiers: (label, identifier kind).
const LABELLED_IDS: [(&str, &str); 3] =
    [("UK Sanctions List Ref", "UK Sanctions List Ref"), ("UN Ref", "UN Ref"), ("IMO number", "IMO")];

pub fn parse(file: &SourceFile) -> Result<Parsed, ImportError> {
    let range = text::first_sheet(file)?;
    let first_line = range.start().map_or(1, |(row, _)| row as u64 + 1);
    let rows: Vec<&[Data]> = range.rows().collect();
    let header_at =
        rows.iter().take(10).position(|row| row.iter().any(|c| text::cell_text(c) == "Group ID")).ok_or_else(|| {
            ImportError::Layout {
                file: file.name.clone(),
                reason: "no header row with the column \"Group ID\" in the first 10 rows".into(),
            }
        })?;
    let columns = Columns::new(rows[header_at]);
    columns.require(file, &REQUIRED)?;
    let published = rows[..header_at]
        .iter()
        .find(|row| row.first().map(text::cell_text).as_deref() == Some("Last Updated"))
        .and_then(|row| row.get(1))
        .and_then(|cell| sheet_date(&text::cell_text(cell)));

    let mut warnings = Vec::new();
    let mut groups = text::RowGroups::default();
    for (i, row) in rows.iter().enumerate().skip(header_at + 1) {
        if blank(row) {
            continue;
        }
        let id = columns.text(row, "Group ID");
        if id.is_empty() {
            warnings.push(warning(file, first_line + i as u64, None, "a row without a Group ID; skipped"));
            continue;
        }
        groups.add(id, i);
    }

    let entities = groups
        .into_groups()
        .iter()
        .map(|(id, members)| {
            let group: Vec<(u64, &[Data])> = members.iter().map(|&i| (first_line + i as u64, rows[i])).collect();
            designation(file, &columns, id, &group, &mut warnings)
        })
        .collect();
    Ok(Parsed { published, entities, warnings })
}

/// Folds the rows of one Group ID into one entity.
fn designation(
    file: &SourceFile,
    columns: &Columns,
    id: &str,
    rows: &[(u64, &[Data])],
    warnings: &mut Vec<Warning>,
) -> Entity {
    let (first_line, first) = rows[0];
    let group_type = columns.text(first, "Group Type");
    let schema = Schema::parse(&group_type);
    if schema == Schema::Unknown {
        warnings.push(warning(file, first_line, Some(id), &format!("unknown Group Type {group_type:?}")));
    }
    let mut entity = Entity::new(id, schema);

    // The row marked "Primary name" gives the primary name wherever it sits in the group.
    let primary = rows.iter().position(|(_, row)| columns.text(row, "Alias Type").eq_ignore_ascii_case("Primary name"));
    if primary.is_none() {
        warnings.push(warning(
            file,
            first_line,
            Some(id),
            "no row is marked \"Primary name\"; the first name is used as the primary name",
        ));
    }
    let primary = primary.unwrap_or(0);
    entity.add_name(&full_name(columns, rows[primary].1), NameKind::Primary);

    for &(line, row) in rows {
        let this_type = columns.text(row, "Group Type");
        if this_type != group_type {
            let reason = format!(
                "Group Type {this_type:?} differs from {group_type:?} in the group's first row; kept the first"
            );
            warnings.push(warning(file, line, Some(id), &reason));
        }
        let kind = match columns.text(row, "Alias Type").to_lowercase().as_str() {
            "fka" => NameKind::Former,
            _ if columns.text(row, "Alias Quality").eq_ignore_ascii_case("Low quality") => NameKind::WeakAlias,
            // A second "Primary name" (a variant spelling) is an alias like any other.
            _ => NameKind::Alias,
        };
        entity.add_name(&full_name(columns, row), kind);
        entity.add_name(&columns.text(row, "Name Non-Latin Script"), NameKind::Alias);
    }
    add_facts(file, columns, &mut entity, rows, warnings);
    entity
}

/// "Name 1 … Name 5 Name 6": given names in order, then the surname (or the entity's name).
fn full_name(columns: &Columns, row: &[Data]) -> String {
    ["Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6"]
        .iter()
        .map(|c| columns.text(row, c))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The designation's other facts. Rows repeat them for every name, so each column is read once
/// per distinct cell; rows that differ (several addresses, dates of birth, regimes) add to it.
fn add_facts(
    file: &SourceFile,
    columns: &Columns,
    entity: &mut Entity,
    rows: &[(u64, &[Data])],
    warnings: &mut Vec<Warning>,
) {
    for (line, dob) in columns.distinct(rows, "DOB") {
        match sheet_date(&dob) {
            Some(date) if !entity.birth_dates.iter().any(|d| d.date == date) => {
                entity.birth_dates.push(BirthDate::exact(date))
            }
            Some(_) => {}
            None => {
                warnings.push(warning(file, line, Some(&entity.entry_id), &format!("unreadable DOB {dob:?}; not kept")))
            }
        }
    }
    for (line, nationality) in columns.distinct(rows, "Nationality") {
        let (codes, unknown) = nationalities(&nationality);
        codes.iter().for_each(|code| entity.add_country(code));
        unknown.iter().for_each(|name| Entity::push_unique(&mut entity.addresses, name));
        if !unknown.is_empty() {
            let reason = format!("nationality {nationality:?}: no country code for (part of) it; kept as text");
            warnings.push(warning(file, line, Some(&entity.entry_id), &reason));
        }
    }
    for &(_, row) in rows {
        add_birth_places(columns, entity, row);
        add_address(columns, entity, row);
    }
    for (number, details, kind) in [
        ("Passport Number", "Passport Details", "Passport"),
        ("National Identification Number", "National Identification Details", "National Identification Number"),
    ] {
        for (_, numbers) in columns.distinct(rows, number) {
            items(&numbers).iter().for_each(|value| add_identifier(entity, kind, value));
        }
        // Details ("Tunisia number. Issued on 16 Nov. 1989.") have no place in an identifier.
        for (_, details) in columns.distinct(rows, details) {
            entity.remarks.push(format!("{kind} details: {details}"));
        }
    }
    for label in ["Title", "Position"] {
        for (_, value) in columns.distinct(rows, label) {
            entity.remarks.push(format!("{label}: {value}"));
        }
    }
    for (_, other) in columns.distinct(rows, "Other Information") {
        for (label, kind) in LABELLED_IDS {
            labelled(&other, label).iter().for_each(|value| add_identifier(entity, kind, value));
        }
        Entity::push_unique(&mut entity.remarks, &other);
    }
    for (_, regime) in columns.distinct(rows, "Regime") {
        Entity::push_unique(&mut entity.programs, &regime);
    }
    // A designation under several regimes has several listing dates; the first row's is kept.
    entity.listed_on = columns.distinct(rows, "Listed On").iter().find_map(|(_, date)| sheet_date(date));
}

/// "Town, Country" of birth. Numbered lists in both columns ("(1) Al-Madinah. (2) Sangrar" and
/// "(1) Saudi Arabia. (2) Pakistan") are paired item by item.
fn add_birth_places(columns: &Columns, entity: &mut Entity, row: &[Data]) {
    let (towns, countries) =
        (items(&columns.text(row, "Town of Birth")), items(&columns.text(row, "Country of Birth")));
    if towns.len() > 1 && towns.len() == countries.len() {
        for (town, country) in towns.iter().zip(&countries) {
            Entity::push_unique(&mut entity.places_of_birth, &format!("{town}, {country}"));
        }
    } else {
        Entity::push_unique(&mut entity.places_of_birth, &joined(columns, row, &["Town of Birth", "Country of Birth"]));
    }
}

/// One address per row: the street lines, post code and country as the list writes them. A
/// country the table does not know stays readable as (part of) the address.
fn add_address(columns: &Columns, entity: &mut Entity, row: &[Data]) {
    let country = columns.text(row, "Country");
    let street = joined(
        columns,
        row,
        &["Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6", "Post/Zip Code"],
    );
    match country_code(&country) {
        Some(code) => entity.add_country(code),
        None if street.is_empty() => Entity::push_unique(&mut entity.addresses, &country),
        None => {}
    }
    if !street.is_empty() {
        let address = if country.is_empty() { street } else { format!("{street}, {country}") };
        Entity::push_unique(&mut entity.addresses, &address);
    }
}

/// The non-empty cells of `names`, joined with ", ".
fn joined(columns: &Columns, row: &[Data], names: &[&str]) -> String {
    names.iter().map(|c| columns.text(row, c)).filter(|part| !part.is_empty()).collect::<Vec<_>>().join(", ")
}

fn add_identifier(entity: &mut Entity, kind: &str, value: &str) {
    let value = text::clean(value);
    let known = entity.identifiers.iter().any(|i| i.kind == kind && i.value == value);
    if !value.is_empty() && !known {
        entity.identifiers.push(Identifier { kind: kind.to_string(), value, country: None });
    }
}

/// The values of a labelled fact in `Other Information`, "(UK Sanctions List Ref):GHR0086. (…):…"
/// or "(UK Sanctions List Ref):BEL0045 and GHR0050. Listed under …": the words with digits
/// between the label and the end of its sentence.
fn labelled(other: &str, label: &str) -> Vec<String> {
    let Some(at) = other.find(&format!("({label}):")) else { return Vec::new() };
    let rest = &other[at + label.len() + 3..];
    let sentence = rest.split(". ").next().unwrap_or(rest).split(" (").next().unwrap_or(rest);
    sentence
        .split([' ', ','])
        .map(|word| word.trim_end_matches(['.', ';']))
        .filter(|word| word.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// OFSI's dates: `dd/mm/yyyy` with `00` for unknown parts, and also `mm/yyyy` and `yyyy` in the
/// DOB column; an ISO date where the cell is a real date.
fn sheet_date(cell: &str) -> Option<String> {
    let parts: Vec<&str> = cell.split('/').collect();
    match parts.as_slice() {
        [_, _, _] => text::day_first_date(cell),
        [month, year] => text::day_first_date(&format!("00/{month}/{year}")),
        [iso] if iso.len() == 10 => text::iso_date(iso),
        [year] => text::partial_iso(year.parse().ok()?, 0, 0),
        _ => None,
    }
}

fn warning(file: &SourceFile, line: u64, entry_id: Option<&str>, reason: &str) -> Warning {
    Warning {
        file: file.name.clone(),
        line: Some(line),
        entry_id: entry_id.map(str::to_string),
        reason: reason.to_string(),
    }
}

/// A row with nothing in it but spaces (sheets end with formatted but empty rows).
pub(super) fn blank(row: &[Data]) -> bool {
    row.iter().all(|cell| match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    })
}

/// A spreadsheet header: column positions by name (the first column of that name wins).
/// Shared with the other spreadsheet importers.
pub(super) struct Columns(HashMap<String, usize>);

impl Columns {
    pub(super) fn new(header: &[Data]) -> Columns {
        let mut by_name = HashMap::new();
        for (i, cell) in header.iter().enumerate() {
            by_name.entry(text::cell_text(cell).to_lowercase()).or_insert(i);
        }
        Columns(by_name)
    }

    /// Refuses the file when a column the importer cannot do without is missing.
    pub(super) fn require(&self, file: &SourceFile, names: &[&str]) -> Result<(), ImportError> {
        match names.iter().find(|name| !self.0.contains_key(&name.to_lowercase())) {
            Some(missing) => Err(ImportError::Layout {
                file: file.name.clone(),
                reason: format!("the header has no column {missing:?}; this is not the expected layout"),
            }),
            None => Ok(()),
        }
    }

    /// The distinct non-empty texts of the named column over a group of (line, row), in order,
    /// each with the line it first appears on. Cells are compared before cleaning, which keeps
    /// long repeated cells (OFSI's `Other Information`) cheap.
    pub(super) fn distinct(&self, rows: &[(u64, &[Data])], name: &str) -> Vec<(u64, String)> {
        let Some(&at) = self.0.get(&name.to_lowercase()) else { return Vec::new() };
        let mut seen: Vec<&Data> = Vec::new();
        let mut out: Vec<(u64, String)> = Vec::new();
        for &(line, row) in rows {
            let Some(cell) = row.get(at) else { continue };
            if seen.contains(&cell) {
                continue;
            }
            seen.push(cell);
            let text = text::cell_text(cell);
            if !text.is_empty() && !out.iter().any(|(_, t)| *t == text) {
                out.push((line, text));
            }
        }
        out
    }

    /// The cleaned text of the named column in `row`; empty when the column or cell is missing.
    pub(super) fn text(&self, row: &[Data], name: &str) -> String {
        self.0.get(&name.to_lowercase()).and_then(|&i| row.get(i)).map(text::cell_text).unwrap_or_default()
    }
}
