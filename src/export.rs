//! Batch results written out for the user's own records: CSV or XLSX, one line per input row
//! in input order, with every alert of that row, not only the best, and the list versions and
//! matcher the results were made with, so the file stands on its own as evidence.
//!
//! Both formats share one table ([`table`]) so they cannot drift apart. Names come from
//! customer files and sanctions lists, i.e. from outside, and a cell starting with `=`, `+`,
//! `-` or `@` is a formula to a spreadsheet that opens a CSV; CSV text cells that start so
//! get a leading `'` (the usual CSV-injection guard). XLSX needs no guard: its string cells
//! are typed as strings and never evaluated.

use crate::batch_table::Outcome;
use crate::screening::ListUsed;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{file}: {source}")]
    Io { file: String, source: std::io::Error },
    #[error("{file}: {reason}")]
    Xlsx { file: String, reason: String },
    #[error("nothing to export: screen a batch first")]
    Nothing,
}

/// The column headers, in order.
pub const COLUMNS: &[&str] = &[
    "row",
    "id",
    "name",
    "country",
    "birth_date",
    "schema",
    "identifier",
    "alerts",
    "top_score",
    "top_list",
    "top_entry_id",
    "top_name",
    "top_matched_name",
    "top_explanation",
    "all_alerts",
    "error",
    "matcher",
    "threshold",
    "lists",
];

/// One cell: numbers stay numbers in XLSX.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

/// Excel's limit on the characters in one cell.
const MAX_CELL_CHARS: usize = 32_767;

/// The export table: one row of [`COLUMNS`] cells per outcome.
pub fn table(outcomes: &[Outcome]) -> Vec<Vec<Cell>> {
    outcomes.iter().map(row).collect()
}

fn row(outcome: &Outcome) -> Vec<Cell> {
    let text = |s: &str| if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_string()) };
    let opt = |s: Option<&str>| s.map(text).unwrap_or(Cell::Empty);
    let query = &outcome.row.query;
    let mut cells = vec![
        Cell::Number(outcome.row.line as f64),
        text(&outcome.row.id),
        text(&query.name),
        opt(query.country.as_deref()),
        opt(query.birth_date.as_deref()),
        opt(query.schema.map(|s| s.as_str())),
        opt(query.identifier.as_deref()),
    ];
    match &outcome.result {
        Ok(result) => {
            let top = result.alerts().next();
            let all: Vec<String> = result
                .hits
                .iter()
                .map(|h| {
                    let matched = h.matched_note().map(|n| format!(", {n}")).unwrap_or_default();
                    let allowed = match &h.allow_listed {
                        Some(p) if p.changed => format!(" (changed since judged a false positive in {})", p.case_id),
                        Some(p) => format!(" (not an alert: false positive in {}: {})", p.case_id, p.fact),
                        None => String::new(),
                    };
                    format!("{:.3} {} {} {}{matched}{allowed}", h.score, h.list, h.entry_id, h.name)
                })
                .collect();
            cells.extend([
                Cell::Number(result.alerts().count() as f64),
                top.map(|h| Cell::Number(h.score)).unwrap_or(Cell::Empty),
                opt(top.map(|h| h.list.as_str())),
                opt(top.map(|h| h.entry_id.as_str())),
                opt(top.map(|h| h.name.as_str())),
                opt(top.map(|h| h.matched_name.as_str())),
                opt(top.map(|h| h.explanation.summary.as_str())),
                text(&all.join(" | ")),
                Cell::Empty,
                text(result.matcher),
                Cell::Number(result.threshold),
                text(&lists_used(&result.lists)),
            ]);
        }
        Err(err) => {
            cells.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]);
            cells.extend([Cell::Empty, text(&err.to_string()), Cell::Empty, Cell::Empty, Cell::Empty]);
        }
    }
    cells
}

fn lists_used(lists: &[ListUsed]) -> String {
    lists.iter().map(|l| format!("{} {}", l.list, l.version)).collect::<Vec<_>>().join(", ")
}

/// Writes the outcomes to `path` in `format`; returns the number of rows written.
pub fn export(outcomes: &[Outcome], format: ExportFormat, path: &Path) -> Result<usize, ExportError> {
    if outcomes.is_empty() {
        return Err(ExportError::Nothing);
    }
    let file = path.display().to_string();
    let bytes = match format {
        ExportFormat::Csv => csv_bytes(outcomes),
        ExportFormat::Xlsx => xlsx_bytes(outcomes).map_err(|e| ExportError::Xlsx { file: file.clone(), reason: e })?,
    };
    std::fs::write(path, bytes).map_err(|source| ExportError::Io { file, source })?;
    Ok(outcomes.len())
}

/// UTF-8 CSV with a BOM (so Excel reads accents right), comma-separated, header first.
pub fn csv_bytes(outcomes: &[Outcome]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(COLUMNS).expect("writing to memory");
        for cells in table(outcomes) {
            let record: Vec<String> = cells
                .iter()
                .map(|cell| match cell {
                    Cell::Text(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
                    Cell::Text(s) => s.clone(),
                    Cell::Number(n) => n.to_string(),
                    Cell::Empty => String::new(),
                })
                .collect();
            writer.write_record(&record).expect("writing to memory");
        }
        writer.flush().expect("writing to memory");
    }
    out
}

/// An XLSX workbook: sheet "Results" (header row frozen, with a filter) and sheet "Lists"
/// (the list versions with their SHA-256).
pub fn xlsx_bytes(outcomes: &[Outcome]) -> Result<Vec<u8>, String> {
    xlsx(outcomes).map_err(|e| e.to_string())
}

fn xlsx(outcomes: &[Outcome]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Results")?;
    for (col, name) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &bold)?;
    }
    let rows = table(outcomes);
    for (i, cells) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, cell) in cells.iter().enumerate() {
            let col = col as u16;
            match cell {
                Cell::Text(s) => {
                    let s: String = s.chars().take(MAX_CELL_CHARS).collect();
                    sheet.write_string(r, col, s)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(r, col, *n)?;
                }
                Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, COLUMNS.len() as u16 - 1)?;
    for (col, width) in [(2, 32), (11, 32), (12, 32), (13, 60), (14, 80), (15, 40), (18, 60)] {
        sheet.set_column_width(col, width)?;
    }

    let lists = book.add_worksheet();
    lists.set_name("Lists")?;
    for (col, name) in ["list", "version", "published", "as_of", "sha256"].iter().enumerate() {
        lists.write_string_with_format(0, col as u16, *name, &bold)?;
    }
    let used = outcomes.iter().find_map(|o| o.result.as_ref().ok()).map(|r| r.lists.as_slice()).unwrap_or(&[]);
    for (i, l) in used.iter().enumerate() {
        let r = i as u32 + 1;
        lists.write_string(r, 0, l.list.as_str())?;
        lists.write_string(r, 1, l.version.as_str())?;
        lists.write_string(r, 2, l.published.as_deref().unwrap_or(""))?;
        lists.write_string(r, 3, l.as_of.as_deref().unwrap_or(""))?;
        lists.write_string(r, 4, l.sha256.as_str())?;
    }
    book.save_to_buffer()
}
