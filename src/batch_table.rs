//! Customer files as the desktop app meets them: a CSV or spreadsheet export from an ERP or
//! CRM, with its own column names, in Dutch or English, often semicolon-separated and in
//! Windows-1252. The file is read as a plain table first (`{columns, rows}`), the user sees it
//! and confirms a column [`Mapping`] (suggested from the header), and only then do rows become
//! [`batch::Row`] queries. `batch::parse` stays the strict reader for the CLI's own format;
//! this module is the forgiving one for files Klaring did not write.
//!
//! Values are normalised the way a person would read them: countries by name or code
//! ("Netherlands", "NLD", "nl"), day-first dates ("31-07-1961", Dutch and European order),
//! and person/company in English or Dutch. Anything still invalid is left as typed, so the
//! row's screening fails with a message that says what to fix, and the other rows go on.

use crate::batch::Row;
use crate::lists::text;
use crate::matching::{Query, QueryError};
use crate::model::Schema;
use crate::screening::{ScreenResult, Screener};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A file as a table: unique column names and every non-blank row, padded to the columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The name used in messages (the path as given).
    pub file: String,
    pub columns: Vec<String>,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// The 1-based line (CSV) or sheet row (XLSX) the row starts on, as the user's editor
    /// shows it.
    pub line: u64,
    pub cells: Vec<String>,
}

/// Which column holds what. Column names as in [`Table::columns`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Mapping {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Passport, registration or IMO number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
}

/// What the app shows after a file is opened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preview {
    pub path: String,
    pub columns: Vec<String>,
    /// The first rows, at most [`PREVIEW_ROWS`].
    pub preview: Vec<Vec<String>>,
    pub row_count: usize,
    pub suggested: Mapping,
}

pub const PREVIEW_ROWS: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("{file}: {source}")]
    Io { file: String, source: std::io::Error },
    #[error("{file}: the file is empty")]
    Empty { file: String },
    #[error("{file}, line {line}: {reason}")]
    Decode { file: String, line: u64, reason: String },
    #[error("{file}, line {line}: malformed CSV: {reason}")]
    Csv { file: String, line: u64, reason: String },
    #[error("{file}: unreadable spreadsheet: {reason}")]
    Sheet { file: String, reason: String },
    #[error("{file}: no column {column:?} (columns: {found})")]
    NoColumn { file: String, column: String, found: String },
}

/// Reads a CSV, XLSX, XLS or ODS file, recognised by its content, not its name.
pub fn read(path: &Path) -> Result<Table, TableError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| TableError::Io { file: file.clone(), source })?;
    read_bytes(&file, &bytes)
}

/// Reads a table from bytes; `file` names it in messages.
pub fn read_bytes(file: &str, bytes: &[u8]) -> Result<Table, TableError> {
    let (columns, rows) = if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        sheet_rows(file, bytes)?
    } else {
        csv_rows(file, &decode(file, bytes)?)?
    };
    Ok(Table { file: file.to_string(), columns, rows })
}

/// Opens a file for the app: its columns, first rows, size and a suggested mapping.
pub fn preview(path: &Path) -> Result<Preview, TableError> {
    let table = read(path)?;
    Ok(Preview {
        path: path.display().to_string(),
        suggested: suggest(&table.columns),
        preview: table.rows.iter().take(PREVIEW_ROWS).map(|r| r.cells.clone()).collect(),
        row_count: table.rows.len(),
        columns: table.columns,
    })
}

/// Header spellings per field, compared after lower-casing, folding accents and turning
/// punctuation into spaces. English first, then Dutch.
const NAME: &[&str] = &[
    "name",
    "full name",
    "customer",
    "customer name",
    "client",
    "client name",
    "company",
    "company name",
    "organisation",
    "organization",
    "party",
    "counterparty",
    "legal name",
    "trade name",
    "entity",
    "entity name",
    "naam",
    "volledige naam",
    "klant",
    "klantnaam",
    "bedrijf",
    "bedrijfsnaam",
    "organisatie",
    "relatie",
    "relatienaam",
    "debiteur",
    "debiteurnaam",
    "tegenpartij",
    "handelsnaam",
    "statutaire naam",
];
const ID: &[&str] = &[
    "id",
    "customer id",
    "customer number",
    "customer no",
    "client id",
    "client number",
    "account",
    "account number",
    "number",
    "no",
    "ref",
    "reference",
    "code",
    "klantnummer",
    "klantnr",
    "klant id",
    "relatienummer",
    "relatienr",
    "debiteurnummer",
    "debiteurnr",
    "nummer",
    "nr",
    "referentie",
];
const COUNTRY: &[&str] = &[
    "country",
    "country code",
    "country of registration",
    "nationality",
    "iso country",
    "land",
    "landcode",
    "nationaliteit",
    "vestigingsland",
];
const BIRTH_DATE: &[&str] =
    &["birth date", "birthdate", "date of birth", "dob", "born", "geboortedatum", "geboren", "geb datum"];
const SCHEMA: &[&str] =
    &["schema", "type", "kind", "entity type", "party type", "soort", "relatietype", "type relatie", "rechtsvorm type"];
const IDENTIFIER: &[&str] = &[
    "identifier",
    "passport",
    "passport number",
    "registration number",
    "company number",
    "imo",
    "imo number",
    "paspoort",
    "paspoortnummer",
    "registratienummer",
    "kvk",
    "kvk nummer",
    "kvknummer",
];

/// Suggests a mapping from a header. Exact spellings win; the name falls back to the first
/// column that mentions a name, else the first column, so the user always starts from a
/// complete mapping and only corrects it.
pub fn suggest(columns: &[String]) -> Mapping {
    let keys: Vec<String> = columns.iter().map(|c| header_key(c)).collect();
    let find = |spellings: &[&str]| {
        spellings.iter().find_map(|s| keys.iter().position(|k| k == s)).map(|i| columns[i].clone())
    };
    let name = find(NAME)
        .or_else(|| {
            keys.iter()
                .position(|k| {
                    k.split(' ').any(|w| ["name", "naam", "customer", "klant", "company", "bedrijf"].contains(&w))
                })
                .map(|i| columns[i].clone())
        })
        .or_else(|| columns.first().cloned())
        .unwrap_or_default();
    let other = |spellings: &[&str]| find(spellings).filter(|c| *c != name);
    Mapping {
        id: other(ID),
        country: other(COUNTRY),
        birth_date: other(BIRTH_DATE),
        schema: other(SCHEMA),
        identifier: other(IDENTIFIER),
        name,
    }
}

/// Turns a table's rows into queries under `mapping`. Only a mapping naming a column the
/// table lacks is an error; a row's bad value becomes that row's screening error.
pub fn rows(table: &Table, mapping: &Mapping) -> Result<Vec<Row>, TableError> {
    let column = |name: &str| {
        table.columns.iter().position(|c| c == name).ok_or_else(|| TableError::NoColumn {
            file: table.file.clone(),
            column: name.to_string(),
            found: table.columns.join(", "),
        })
    };
    let optional = |name: &Option<String>| name.as_deref().filter(|n| !n.is_empty()).map(&column).transpose();
    let name = column(&mapping.name)?;
    let (id, country, birth_date, schema, identifier) = (
        optional(&mapping.id)?,
        optional(&mapping.country)?,
        optional(&mapping.birth_date)?,
        optional(&mapping.schema)?,
        optional(&mapping.identifier)?,
    );
    Ok(table
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let get = |col: Option<usize>| col.map(|c| row.cells[c].trim().to_string()).filter(|v| !v.is_empty());
            Row {
                id: get(id).unwrap_or_else(|| (i + 1).to_string()),
                line: row.line,
                query: Query {
                    name: row.cells[name].trim().to_string(),
                    country: get(country).map(|c| normalise_country(&c)),
                    birth_date: get(birth_date).map(|d| normalise_date(&d)),
                    schema: get(schema).and_then(|s| normalise_schema(&s)),
                    identifier: get(identifier),
                },
            }
        })
        .collect())
}

/// One input row and what screening it gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub row: Row,
    pub result: Result<ScreenResult, QueryError>,
}

/// One line of the batch review: the row, its alert count and best hit, or why it failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowSummary {
    /// The file line (CSV) or sheet row (XLSX).
    pub row: u64,
    pub id: String,
    pub name: String,
    pub alerts: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top: Option<crate::matching::Hit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Outcome {
    pub fn summary(&self) -> RowSummary {
        let (alerts, top, error) = match &self.result {
            Ok(result) => (result.alerts().count(), result.alerts().next().cloned(), None),
            Err(err) => (0, None, Some(err.to_string())),
        };
        RowSummary {
            row: self.row.line,
            id: self.row.id.clone(),
            name: self.row.query.name.clone(),
            alerts,
            top,
            error,
        }
    }
}

/// Screens rows on `threads` threads; outcomes come back in input order, and `on_done` is
/// called once per finished row.
pub fn screen(
    screener: &Screener,
    rows: Vec<Row>,
    threshold: f64,
    threads: usize,
    on_done: impl Fn() + Sync,
) -> Vec<Outcome> {
    let results = crate::screening::screen_all(screener, &rows, threshold, threads, on_done);
    rows.into_iter().zip(results).map(|(row, result)| Outcome { row, result }).collect()
}

/// Folds a header into a comparison key: "Klant-Nr." → "klant nr", "Geboortedatum " →
/// "geboortedatum", "Land (ISO)" → "land iso".
fn header_key(header: &str) -> String {
    any_ascii::any_ascii(header)
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An ISO alpha-2 code for a country name or code the table knows; else the text as typed
/// (lower case), which screening then refuses with a message naming it.
fn normalise_country(value: &str) -> String {
    crate::countries::code(value).map(str::to_string).unwrap_or_else(|| value.to_ascii_lowercase())
}

/// ISO dates pass; day-first dates (`31-07-1961`, `31/07/1961`, `31.07.1961`) become ISO;
/// anything else is left as typed.
fn normalise_date(value: &str) -> String {
    let iso = value.len() >= 4 && value.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    if iso {
        return value.get(..10).unwrap_or(value).to_string();
    }
    text::day_first_date(value).unwrap_or_else(|| value.to_string())
}

fn normalise_schema(value: &str) -> Option<Schema> {
    let schema = match header_key(value).as_str() {
        "persoon" | "natuurlijk persoon" | "prive" | "private" | "individu" => Schema::Person,
        "bedrijf" | "organisatie" | "onderneming" | "rechtspersoon" | "bv" | "nv" => Schema::Organization,
        "schip" | "vaartuig" => Schema::Vessel,
        "vliegtuig" => Schema::Aircraft,
        _ => Schema::parse(value),
    };
    (schema != Schema::Unknown).then_some(schema)
}

/// Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode
/// text"), else Windows-1252 (Excel's CSV on Western Windows). Only a UTF-16 file with broken
/// code units is refused, naming the line.
fn decode(file: &str, bytes: &[u8]) -> Result<String, TableError> {
    let (encoding, bom) = encoding_rs::Encoding::for_bom(bytes).unwrap_or((encoding_rs::UTF_8, 0));
    let body = &bytes[bom..];
    if encoding != encoding_rs::UTF_8 {
        let (text, malformed) = encoding.decode_without_bom_handling(body);
        if malformed {
            let at = text.find('\u{FFFD}').unwrap_or(0);
            return Err(TableError::Decode {
                file: file.to_string(),
                line: text[..at].matches('\n').count() as u64 + 1,
                reason: format!("invalid {} (a broken character)", encoding.name()),
            });
        }
        return Ok(text.into_owned());
    }
    Ok(match std::str::from_utf8(body) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(body).0.into_owned(),
    })
}

/// The delimiter of the header line: the most frequent of `,` `;` tab outside quotes.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in header.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if *d == c {
                    *n += 1;
                }
            }
        }
    }
    counts.iter().max_by_key(|(d, n)| (*n, *d == b',')).map(|(d, _)| *d).unwrap_or(b',')
}

fn csv_rows(file: &str, text: &str) -> Result<(Vec<String>, Vec<TableRow>), TableError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text);
    let mut raw = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| TableError::Csv {
            file: file.to_string(),
            line: e.position().map(|p| LineCounter::new(text).line_at(p.byte())).unwrap_or(0),
            reason: e.to_string(),
        })?;
        let line = record.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
        raw.push((line, record.iter().map(text::clean).collect::<Vec<_>>()));
    }
    table_from(file, raw)
}

/// Line numbers from byte offsets. The csv crate's own `Position::line` lags behind after
/// CRLF line ends and blank lines, and its byte offset can point at the line end before a
/// record, so line ends at the offset are skipped first. Offsets must not decrease.
struct LineCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter { bytes: text.as_bytes(), at: 0, line: 1 }
    }

    fn line_at(&mut self, offset: u64) -> u64 {
        let mut start = (offset as usize).clamp(self.at, self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        self.line += self.bytes[self.at..start].iter().filter(|&&b| b == b'\n').count() as u64;
        self.at = start;
        self.line
    }
}

fn sheet_rows(file: &str, bytes: &[u8]) -> Result<(Vec<String>, Vec<TableRow>), TableError> {
    let source = crate::lists::SourceFile { name: file.to_string(), bytes: bytes.to_vec() };
    let range = text::first_sheet(&source).map_err(|e| TableError::Sheet {
        file: file.to_string(),
        reason: match e {
            crate::lists::ImportError::Sheet { reason, .. } => reason,
            other => other.to_string(),
        },
    })?;
    let first_row = range.start().map(|(row, _)| row as u64).unwrap_or(0);
    let raw = range
        .rows()
        .enumerate()
        .map(|(i, cells)| (first_row + i as u64 + 1, cells.iter().map(text::cell_text).collect()))
        .collect();
    table_from(file, raw)
}

/// The first non-blank row is the header; blank rows are dropped; every row is padded to the
/// widest one; blank and repeated column names are made unique ("column 3", "Name (2)").
fn table_from(file: &str, raw: Vec<(u64, Vec<String>)>) -> Result<(Vec<String>, Vec<TableRow>), TableError> {
    let mut rows = raw.into_iter().filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let (_, header) = rows.next().ok_or_else(|| TableError::Empty { file: file.to_string() })?;
    let mut rows: Vec<TableRow> = rows.map(|(line, cells)| TableRow { line, cells }).collect();
    let width = rows.iter().map(|r| r.cells.len()).chain([header.len()]).max().unwrap_or(0);
    let mut columns: Vec<String> = Vec::with_capacity(width);
    for i in 0..width {
        let base = header.get(i).map(|h| h.trim().to_string()).filter(|h| !h.is_empty());
        let base = base.unwrap_or_else(|| format!("column {}", i + 1));
        let mut name = base.clone();
        let mut n = 2;
        while columns.contains(&name) {
            name = format!("{base} ({n})");
            n += 1;
        }
        columns.push(name);
    }
    for row in &mut rows {
        row.cells.resize(width, String::new());
    }
    Ok((columns, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn dutch_and_english_headers_are_mapped() {
        let m = suggest(&columns(&["Klantnr.", "Bedrijfsnaam", "Land", "Geboortedatum", "Soort"]));
        assert_eq!(m.name, "Bedrijfsnaam");
        assert_eq!(m.id.as_deref(), Some("Klantnr."));
        assert_eq!(m.country.as_deref(), Some("Land"));
        assert_eq!(m.birth_date.as_deref(), Some("Geboortedatum"));
        assert_eq!(m.schema.as_deref(), Some("Soort"));
        let m = suggest(&columns(&["Customer ID", "Customer Name", "Country Code", "Date of birth"]));
        assert_eq!((m.name.as_str(), m.id.as_deref()), ("Customer Name", Some("Customer ID")));
        assert_eq!(m.country.as_deref(), Some("Country Code"));
        assert_eq!(suggest(&columns(&["a", "b"])).name, "a");
    }

    #[test]
    fn values_are_read_as_a_person_would() {
        assert_eq!(normalise_country("Netherlands"), "nl");
        assert_eq!(normalise_country("NLD"), "nl");
        assert_eq!(normalise_country("Atlantis"), "atlantis");
        assert_eq!(normalise_date("31-07-1961"), "1961-07-31");
        assert_eq!(normalise_date("1961-07-31 00:00:00"), "1961-07-31");
        assert_eq!(normalise_date("1961"), "1961");
        assert_eq!(normalise_schema("Bedrijf"), Some(Schema::Organization));
        assert_eq!(normalise_schema("Individual"), Some(Schema::Person));
        assert_eq!(normalise_schema("?"), None);
    }

    #[test]
    fn csv_rows_carry_the_line_an_editor_shows() {
        for text in ["h\r\na\r\n\r\nb\r\n\"c\nc\"\r\nd", "h\na\n\nb\n\"c\nc\"\nd\n"] {
            let (_, rows) = csv_rows("t.csv", text).unwrap();
            assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4, 5, 7], "{text:?}");
        }
    }

    #[test]
    fn the_delimiter_is_sniffed_from_the_header() {
        assert_eq!(sniff_delimiter("naam;land\nA, B;nl\n"), b';');
        assert_eq!(sniff_delimiter("\"a;b\",c\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter("name\n"), b',');
    }
}
