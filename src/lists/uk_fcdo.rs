//! UK Sanctions List (FCDO), the 8-column summary ODS (`UK_Sanctions_List_summary_*.ods`).
//!
//! One table, `UK_Sanction_List`, one row per designation: Unique ID, OFSI Group ID, Name,
//! Regime Name, Type, Designation source (`UK`, `UN`, `UK|UN`), Date Designated (`dd-mm-yyyy`),
//! Sanctions Imposed. It has no aliases, addresses or identifiers, so it is a designation index:
//! enough to screen the primary names, not to tell namesakes apart. A person designated under two
//! regimes has two rows with two Unique IDs (and one OFSI Group ID); they stay two entries, as
//! the list publishes them.
//!
//! The table is read from `content.xml` directly: calamine 0.38 refuses ODS files whose XML is
//! indented (whitespace between cells), and the FCDO file, saved by Excel, is indented. Every
//! row ends in an empty cell repeated ~16,000 times; repeats are never expanded beyond the last
//! non-empty cell (at most `MAX_COLUMNS`), so the table stays 8 columns wide in memory. The file
//! carries no publication date (the newest "Date Designated" is not one), so `published` is
//! None.

use super::uk_ofsi::Columns;
use super::{text, ImportError, Parsed, SourceFile};
use crate::model::{Entity, Identifier, NameKind, Schema, Warning};
use calamine::{Cell, Data, Range};
use std::collections::HashSet;
use std::io::{Cursor, Read};

const REQUIRED: [&str; 3] = ["Unique ID", "Name", "Type"];

pub fn parse(file: &SourceFile) -> Result<Parsed, ImportError> {
    let range = table(file)?;
    let first_line = range.start().map_or(1, |(row, _)| row as u64 + 1);
    let mut rows = range.rows();
    let header = rows
        .next()
        .ok_or_else(|| ImportError::Layout { file: file.name.clone(), reason: "the sheet is empty".into() })?;
    let columns = Columns::new(header);
    columns.require(file, &REQUIRED)?;

    let mut entities: Vec<Entity> = Vec::new();
    let mut warnings = Vec::new();
    let mut seen = HashSet::new();
    for (i, row) in rows.enumerate() {
        let line = first_line + 1 + i as u64;
        let warn = |entry_id: Option<&str>, reason: String| Warning {
            file: file.name.clone(),
            line: Some(line),
            entry_id: entry_id.map(str::to_string),
            reason,
        };
        let id = columns.text(row, "Unique ID");
        let name = columns.text(row, "Name");
        if id.is_empty() && name.is_empty() {
            continue;
        }
        if id.is_empty() || name.is_empty() {
            warnings.push(warn(
                Some(id.as_str()).filter(|id| !id.is_empty()),
                "a row without a Unique ID or Name; skipped".into(),
            ));
            continue;
        }
        if !seen.insert(id.clone()) {
            warnings.push(warn(Some(&id), "Unique ID repeated; the later row is skipped".into()));
            continue;
        }
        let entry_type = columns.text(row, "Type");
        let schema = Schema::parse(&entry_type);
        if schema == Schema::Unknown {
            warnings.push(warn(Some(&id), format!("unknown Type {entry_type:?}")));
        }
        let mut entity = Entity::new(id, schema);
        entity.add_name(&name, NameKind::Primary);
        Entity::push_unique(&mut entity.programs, &columns.text(row, "Regime Name"));
        let designated = columns.text(row, "Date Designated");
        entity.listed_on = text::day_first_date(&designated).or_else(|| text::iso_date(&designated));
        let group = columns.text(row, "OFSI Group ID");
        if !group.is_empty() {
            entity.identifiers.push(Identifier { kind: "OFSI Group ID".into(), value: group, country: None });
        }
        for (label, column) in
            [("Designation source", "Designation source"), ("Sanctions imposed", "Sanctions Imposed")]
        {
            let value = columns.text(row, column);
            if !value.is_empty() {
                entity.remarks.push(format!("{label}: {value}"));
            }
        }
        entities.push(entity);
    }
    Ok(Parsed { published: None, entities, warnings })
}

/// `content.xml` is read up to this size; the XML parser then refuses a cut-off document.
const MAX_CONTENT_BYTES: u64 = 256 << 20;

/// More columns than any list publishes; repeated cells beyond it are not expanded.
const MAX_COLUMNS: usize = 64;

/// The first table of the ODS, as cells at their sheet positions.
fn table(file: &SourceFile) -> Result<Range<Data>, ImportError> {
    let refused = |reason: String| ImportError::Sheet { file: file.name.clone(), reason };
    let mut archive = zip::ZipArchive::new(Cursor::new(file.bytes.as_slice()))
        .map_err(|e| refused(format!("not an ODS file: {e}")))?;
    let mut content = String::new();
    archive
        .by_name("content.xml")
        .map_err(|e| refused(format!("content.xml: {e}")))?
        // A list's content.xml is a few MB; a bigger one is a corrupt or hostile file.
        .take(MAX_CONTENT_BYTES)
        .read_to_string(&mut content)
        .map_err(|e| refused(format!("content.xml: {e}")))?;
    let inner = SourceFile { name: format!("{} (content.xml)", file.name), bytes: Vec::new() };
    let doc = text::xml(&inner, &content)?;
    let table =
        doc.descendants().find(|n| n.has_tag_name((TABLE, "table"))).ok_or_else(|| refused("no table".into()))?;
    let mut cells = Vec::new();
    let mut row_at = 0u32;
    for row in table.descendants().filter(|n| n.has_tag_name((TABLE, "table-row"))) {
        let mut col_at = 0usize;
        let mut values = Vec::new();
        for cell in row
            .children()
            .filter(|c| c.has_tag_name((TABLE, "table-cell")) || c.has_tag_name((TABLE, "covered-table-cell")))
        {
            let repeat: usize =
                cell.attribute((TABLE, "number-columns-repeated")).and_then(|n| n.parse().ok()).unwrap_or(1);
            let value = cell_value(cell);
            if value != Data::Empty {
                values.extend((col_at..col_at.saturating_add(repeat).min(MAX_COLUMNS)).map(|col| (col, value.clone())));
            }
            col_at = col_at.saturating_add(repeat);
            if col_at >= MAX_COLUMNS {
                break;
            }
        }
        let repeat: u32 = row.attribute((TABLE, "number-rows-repeated")).and_then(|n| n.parse().ok()).unwrap_or(1);
        // Only empty rows are repeated in practice; a repeated row with content is read once.
        for (col, value) in values {
            cells.push(Cell::new((row_at, col as u32), value));
        }
        row_at = row_at.saturating_add(repeat);
    }
    Ok(Range::from_sparse(cells))
}

const TABLE: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
const TEXT: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
const OFFICE: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";

/// A cell's value: numbers and dates from their attributes, text from its paragraphs.
fn cell_value(cell: roxmltree::Node) -> Data {
    let typed = |name: &str| cell.attribute((OFFICE, name)).map(str::to_string);
    match cell.attribute((OFFICE, "value-type")) {
        Some("float" | "percentage" | "currency") => {
            typed("value").and_then(|v| v.parse().ok()).map_or(Data::Empty, Data::Float)
        }
        Some("date") => typed("date-value").map_or(Data::Empty, Data::DateTimeIso),
        Some(_) => {
            let paragraphs: Vec<String> =
                cell.children().filter(|p| p.has_tag_name((TEXT, "p"))).map(paragraph_text).collect();
            Data::String(paragraphs.join("\n"))
        }
        None => Data::Empty,
    }
}

/// The text of a `text:p`, with `text:s` (spaces) and `text:tab` spelled out.
fn paragraph_text(p: roxmltree::Node) -> String {
    let mut out = String::new();
    for node in p.descendants().skip(1) {
        if node.is_text() {
            out.push_str(node.text().unwrap_or(""));
        } else if node.has_tag_name((TEXT, "s")) {
            let count = node.attribute((TEXT, "c")).and_then(|c| c.parse().ok()).unwrap_or(1usize).min(100);
            out.push_str(&" ".repeat(count));
        } else if node.has_tag_name((TEXT, "tab")) {
            out.push('\t');
        }
    }
    out
}
