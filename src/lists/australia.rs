//! Australia DFAT Consolidated List (`regulation8_consolidated.xlsx`).
//!
//! One sheet, header in row 1, one row per *name*: the primary name has a plain reference
//! number (`2`) and its aliases reuse it with a letter suffix (`2a`, `2b`, `1276c1`), repeating the
//! entry's other facts. Rows are grouped on the numeric prefix, which is the entry id. The list's
//! vocabulary is typed by hand (`Primary Name `, `aka`/`Aka`, `Entity `), so it is compared
//! trimmed and case-folded. Citizenship is mostly written as a demonym ("Russian", "Iraqi"),
//! which is why this module also carries the nationality reader the UK importer shares.
//!
//! The file carries no publication date (only the workbook's own metadata, which calamine does
//! not expose), so `published` is None; the newest `Control Date` is a record's last change,
//! not the list's date, and is kept per entry as a remark.

use super::uk_ofsi::{blank, Columns};
use super::{text, ImportError, Parsed, SourceFile};
use crate::countries;
use crate::model::{Entity, NameKind, Schema, Warning};
use calamine::Data;

const REQUIRED: [&str; 4] = ["Reference", "Name of Individual or Entity", "Type", "Name Type"];

pub fn parse(file: &SourceFile) -> Result<Parsed, ImportError> {
    let range = text::first_sheet(file)?;
    let first_line = range.start().map_or(1, |(row, _)| row as u64 + 1);
    let rows: Vec<&[Data]> = range.rows().collect();
    let header = rows
        .first()
        .ok_or_else(|| ImportError::Layout { file: file.name.clone(), reason: "the sheet is empty".into() })?;
    let columns = Columns::new(header);
    columns.require(file, &REQUIRED)?;

    let mut warnings = Vec::new();
    let mut groups = text::RowGroups::default();
    for (i, row) in rows.iter().enumerate().skip(1) {
        if blank(row) {
            continue;
        }
        let reference = columns.text(row, "Reference");
        let number: String = reference.chars().take_while(char::is_ascii_digit).collect();
        if number.is_empty() {
            let reason = format!("reference {reference:?} does not start with a number; row skipped");
            warnings.push(warning(file, first_line + i as u64, None, &reason));
            continue;
        }
        groups.add(number, i);
    }

    let entities = groups
        .into_groups()
        .iter()
        .map(|(id, members)| {
            let group: Vec<(u64, &[Data])> = members.iter().map(|&i| (first_line + i as u64, rows[i])).collect();
            entry(file, &columns, id, &group, &mut warnings)
        })
        .collect();
    Ok(Parsed { published: None, entities, warnings })
}

/// Folds the rows of one reference number into one entity.
fn entry(
    file: &SourceFile,
    columns: &Columns,
    id: &str,
    rows: &[(u64, &[Data])],
    warnings: &mut Vec<Warning>,
) -> Entity {
    let name_type = |row: &[Data]| columns.text(row, "Name Type").to_lowercase();
    let primary = rows.iter().position(|(_, row)| name_type(row) == "primary name");
    if primary.is_none() {
        warnings.push(warning(
            file,
            rows[0].0,
            Some(id),
            "no row has Name Type \"Primary Name\"; the first name is used",
        ));
    }
    let (primary_line, primary_row) = rows[primary.unwrap_or(0)];
    let entry_type = columns.text(primary_row, "Type");
    let schema = Schema::parse(&entry_type);
    if schema == Schema::Unknown {
        warnings.push(warning(file, primary_line, Some(id), &format!("unknown Type {entry_type:?}")));
    }
    let mut entity = Entity::new(id, schema);
    entity.add_name(&columns.text(primary_row, "Name of Individual or Entity"), NameKind::Primary);

    for &(line, row) in rows {
        let this_type = columns.text(row, "Type");
        if Schema::parse(&this_type) != schema {
            let reason =
                format!("Type {this_type:?} differs from {entry_type:?} of the primary name; kept the primary's");
            warnings.push(warning(file, line, Some(id), &reason));
        }
        let kind = match name_type(row).as_str() {
            "primary name" | "aka" | "original script" => NameKind::Alias,
            "formerly known as" | "previously listed as" => NameKind::Former,
            other => {
                warnings.push(warning(file, line, Some(id), &format!("unknown Name Type {other:?}; read as an alias")));
                NameKind::Alias
            }
        };
        entity.add_name(&columns.text(row, "Name of Individual or Entity"), kind);
    }
    add_facts(file, columns, &mut entity, rows, warnings);
    entity
}

/// The entry's other facts. Alias rows repeat them, so each column is read once per distinct
/// cell; rows that differ add to the entry.
fn add_facts(
    file: &SourceFile,
    columns: &Columns,
    entity: &mut Entity,
    rows: &[(u64, &[Data])],
    warnings: &mut Vec<Warning>,
) {
    for (_, dob) in columns.distinct(rows, "Date of Birth") {
        for date in text::birth_dates(&dob) {
            if !entity.birth_dates.contains(&date) {
                entity.birth_dates.push(date);
            }
        }
    }
    for (_, place) in columns.distinct(rows, "Place of Birth") {
        Entity::push_unique(&mut entity.places_of_birth, &place);
    }
    for (line, citizenship) in columns.distinct(rows, "Citizenship") {
        if not_available(&citizenship) {
            continue;
        }
        let (codes, unknown) = nationalities(&citizenship);
        codes.iter().for_each(|code| entity.add_country(code));
        unknown.iter().for_each(|name| Entity::push_unique(&mut entity.addresses, name));
        if !unknown.is_empty() {
            let reason = format!("citizenship {citizenship:?}: no country code for (part of) it; kept as text");
            warnings.push(warning(file, line, Some(&entity.entry_id), &reason));
        }
    }
    for (_, address) in columns.distinct(rows, "Address") {
        if not_available(&address) {
            continue;
        }
        for one in items(&address) {
            // Addresses end with the country: "Pasdaran Ave Tehran, Iran".
            if let Some(code) = one.rsplit(',').next().and_then(country_code) {
                entity.add_country(code);
            }
            Entity::push_unique(&mut entity.addresses, &one);
        }
    }
    for (_, info) in columns.distinct(rows, "Additional Information") {
        Entity::push_unique(&mut entity.remarks, &info);
    }
    for (_, listing) in columns.distinct(rows, "Listing Information") {
        if entity.listed_on.is_none() {
            entity.listed_on = listing_date(&listing);
        }
        if !listing.chars().all(|c| c.is_ascii_digit()) {
            Entity::push_unique(&mut entity.remarks, &listing);
        }
    }
    for (_, committee) in columns.distinct(rows, "Committees") {
        Entity::push_unique(&mut entity.programs, &committee);
    }
    for (_, control) in columns.distinct(rows, "Control Date") {
        let date = serial_or_iso(&control).unwrap_or(control);
        Entity::push_unique(&mut entity.remarks, &format!("Control date: {date}"));
    }
}

/// DFAT writes "NA" (or "na") for an unknown citizenship or address.
fn not_available(cell: &str) -> bool {
    matches!(cell.to_lowercase().as_str(), "na" | "n/a")
}

/// The listing date in `Listing Information`: the cell is either a date ("41340", an Excel
/// serial) or text that starts with it ("Listed on 9 Sep. 2003 (relisted …)", "Designated under
/// the Autonomous Sanctions Regulations 2011 on 2 March 2012 …"). Other text gives none.
fn listing_date(info: &str) -> Option<String> {
    if let Some(date) = serial_or_iso(info) {
        return Some(date);
    }
    let lower = info.to_ascii_lowercase();
    if !(lower.starts_with("listed") || lower.starts_with("designated")) {
        return None;
    }
    let at = lower.find(" on ").into_iter().chain(lower.find(" on:")).min()?;
    let date = info[at + 4..].split(['(', ',', ';']).next()?;
    match text::birth_dates(date).as_slice() {
        [one] if one.to.is_none() && one.date.len() == 10 => Some(one.date.clone()),
        _ => None,
    }
}

/// A date cell: an Excel serial day number ("41988") or already ISO ("2014-12-15").
fn serial_or_iso(cell: &str) -> Option<String> {
    if !cell.is_empty() && cell.chars().all(|c| c.is_ascii_digit()) {
        return text::excel_serial_date(cell.parse().ok()?);
    }
    text::iso_date(cell)
}

fn warning(file: &SourceFile, line: u64, entry_id: Option<&str>, reason: &str) -> Warning {
    Warning {
        file: file.name.clone(),
        line: Some(line),
        entry_id: entry_id.map(str::to_string),
        reason: reason.to_string(),
    }
}

/// The items of a list written in one cell: "a) X b) Y", "(1) X (2) Y", "X; Y", one per line.
/// Only one- or two-digit numbers are labels: "(2008)" is a year.
pub(super) fn items(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut marked = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let word_start = i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == ';';
        let digits = chars[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if word_start && chars[i].is_ascii_lowercase() && chars.get(i + 1) == Some(&')') {
            marked.push(';');
            i += 2;
        } else if chars[i] == '(' && (1..=2).contains(&digits) && chars.get(i + 1 + digits) == Some(&')') {
            marked.push(';');
            i += digits + 2;
        } else {
            marked.push(chars[i]);
            i += 1;
        }
    }
    marked
        .split([';', '\n'])
        .map(|item| text::clean(item.trim_matches(|c: char| c.is_whitespace() || c == '.' || c == ',')))
        .filter(|item| !item.is_empty())
        .collect()
}

/// The countries named in a nationality or citizenship cell ("Russian and Ukrainian",
/// "a) German b) Moroccan", "(1) Somalia. (2) Sweden", "Estonia, Russia"), and the items that
/// name something else too ("Russia. Former USSR"), kept as written for a human to read.
pub(super) fn nationalities(cell: &str) -> (Vec<&'static str>, Vec<String>) {
    let mut codes = Vec::new();
    let mut unknown = Vec::new();
    for item in items(cell).iter().flat_map(|item| item.split('/')).map(str::trim).filter(|i| !i.is_empty()) {
        if let Some(code) = country_code(item) {
            codes.push(code);
            continue;
        }
        let pieces: Vec<&str> =
            item.split([',', '.']).flat_map(|p| p.split(" and ")).map(str::trim).filter(|p| !p.is_empty()).collect();
        let found: Vec<&'static str> = pieces.iter().filter_map(|p| country_code(p)).collect();
        if found.len() < pieces.len() {
            unknown.push(item.to_string());
        }
        codes.extend(found);
    }
    (codes, unknown)
}

/// The ISO code for a country name, a demonym ("Russian", "Iraqi") or a name with a remark in
/// brackets ("Iraq (previous address)", "Indonesian (as at Dec. 2003)").
pub(super) fn country_code(name: &str) -> Option<&'static str> {
    let name = name.trim();
    let lower = name.to_lowercase();
    if let Some((_, code)) = SPELLINGS.iter().find(|(spelling, _)| *spelling == lower) {
        return Some(code);
    }
    if let Some(code) = countries::code(name).or_else(|| demonym(&lower)) {
        return Some(code);
    }
    let bare = name.split('(').next().unwrap_or("").trim();
    if bare.is_empty() || bare.len() == name.len() {
        None
    } else {
        country_code(bare)
    }
}

/// Regular demonyms: Russian → Russia, Iranian → Iran, Ukrainian → Ukraine, Iraqi → Iraq,
/// Sudanese → Sudan, Malian → Mali, Moroccan → Morocco (tried in that order).
fn demonym(lower: &str) -> Option<&'static str> {
    const RULES: [(&str, &str); 7] =
        [("n", ""), ("ian", ""), ("ian", "e"), ("i", ""), ("ese", ""), ("an", ""), ("an", "o")];
    RULES.iter().find_map(|(suffix, ending)| {
        let stem = lower.strip_suffix(suffix)?;
        if stem.chars().count() < 4 {
            return None;
        }
        countries::code(&format!("{stem}{ending}"))
    })
}

/// Irregular demonyms, and the UK and Australian spellings `data/countries.tsv` lacks (to be
/// moved there). Checked first: "Congo (Democratic Republic)" must not fall back to "Congo".
const SPELLINGS: [(&str, &str); 37] = [
    ("congo (democratic republic)", "cd"),
    ("occupied palestinian territories", "ps"),
    ("bosnia-herzegovina", "ba"),
    ("afghan", "af"),
    ("afghani", "af"),
    ("belarussian", "by"),
    ("british", "gb"),
    ("burmese", "mm"),
    ("chinese", "cn"),
    ("cypriot", "cy"),
    ("danish", "dk"),
    ("dutch", "nl"),
    ("emirati", "ae"),
    ("filipino", "ph"),
    ("finnish", "fi"),
    ("french", "fr"),
    ("german", "de"),
    ("greek", "gr"),
    ("irish", "ie"),
    ("kyrgyz", "kg"),
    ("lebanese", "lb"),
    ("mauritian", "mu"),
    ("norwegian", "no"),
    ("polish", "pl"),
    ("saudi", "sa"),
    ("slovak", "sk"),
    ("somali", "so"),
    ("spanish", "es"),
    ("swedish", "se"),
    ("swiss", "ch"),
    ("tajik", "tj"),
    ("thai", "th"),
    ("turkish", "tr"),
    ("türkiyish", "tr"),
    ("ukranian", "ua"),
    ("united kingdom of great britain", "gb"),
    ("uzbek", "uz"),
];
