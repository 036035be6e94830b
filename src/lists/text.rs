//! Shared helpers for importers: decoding bytes with line-accurate errors, cleaning published
//! text, reading XML and spreadsheets, and the date spellings the publishers use.

use super::{ImportError, SourceFile};
use crate::model::{BirthDate, Warning};

/// Trims and folds the whitespace publishers leave in names: no-break spaces (Canada), tabs,
/// line breaks, zero-width characters. Typographic quotes are kept: they are part of how the
/// list writes the name and the matcher folds them anyway.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Characters that render as nothing and are used to dodge naive matching.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{034F}' | '\u{180E}')
}

/// `Some(cleaned)` unless the text is empty or OFAC's null marker `-0-`.
pub fn non_empty(text: &str) -> Option<String> {
    let text = clean(text);
    if text.is_empty() || text == "-0-" {
        None
    } else {
        Some(text)
    }
}

/// The 1-based line of a byte offset.
pub fn line_of(bytes: &[u8], offset: usize) -> u64 {
    bytes[..offset.min(bytes.len())].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// Decodes a file that must be UTF-8 (XML declared so, JSON). The error names the line of
/// the first invalid byte: a Latin-1 or UTF-16 file saved under a UTF-8 name fails here.
pub fn utf8(file: &SourceFile) -> Result<&str, ImportError> {
    let bytes = file.bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&file.bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(ImportError::Encoding {
            file: file.name.clone(),
            line: 1,
            reason: "the file is UTF-16; save it as UTF-8".into(),
        });
    }
    std::str::from_utf8(bytes).map_err(|e| ImportError::Encoding {
        file: file.name.clone(),
        line: line_of(bytes, e.valid_up_to()),
        reason: format!("invalid UTF-8 (byte 0x{:02X}); the file is in another encoding", bytes[e.valid_up_to()]),
    })
}

/// Decodes OFAC-style legacy text: UTF-8, falling back to Windows-1252 (older OFAC files were
/// Latin-1), with a warning saying which line forced the fallback.
pub fn utf8_or_windows_1252(file: &SourceFile) -> (String, Option<Warning>) {
    match utf8(file) {
        Ok(text) => (text.to_string(), None),
        Err(err) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&file.bytes);
            let warning = Warning {
                file: file.name.clone(),
                line: match err {
                    ImportError::Encoding { line, .. } => Some(line),
                    _ => None,
                },
                entry_id: None,
                reason: "not UTF-8; read as Windows-1252".into(),
            };
            (text.into_owned(), Some(warning))
        }
    }
}

/// Decodes a file as UTF-8 and parses it as XML.
pub fn xml_file(file: &SourceFile) -> Result<roxmltree::Document<'_>, ImportError> {
    xml(file, utf8(file)?)
}

/// Parses XML, mapping a parser error to the file, line and column. A file cut short is
/// reported at its last line (the parser itself would point at the unclosed root, line 1).
pub fn xml<'a>(file: &SourceFile, text: &'a str) -> Result<roxmltree::Document<'a>, ImportError> {
    if text.trim().is_empty() {
        return Err(ImportError::Empty { file: file.name.clone() });
    }
    roxmltree::Document::parse(text).map_err(|e| match e {
        roxmltree::Error::UnclosedRootNode => ImportError::Xml {
            file: file.name.clone(),
            line: line_of(text.as_bytes(), text.len()),
            column: text.rsplit('\n').next().map_or(0, |last| last.chars().count()) as u64 + 1,
            reason: "the file ends before its root element is closed; it is truncated".into(),
        },
        e => {
            let pos = e.pos();
            ImportError::Xml {
                file: file.name.clone(),
                line: pos.row as u64,
                column: pos.col as u64,
                reason: e.to_string(),
            }
        }
    })
}

/// The `YYYY-MM-DD` at the start of a date or timestamp (`2026-02-27T00:00:09.554Z`,
/// `2015-04-07-04:00`), if it is a real calendar date.
pub fn iso_date(value: &str) -> Option<String> {
    let head = value.trim().get(..10)?;
    let mut parts = head.split('-');
    let (y, m, d) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    partial_iso(y, m, d).filter(|date| date.len() == 10)
}

/// The 1-based line of an XML node, for warnings.
pub fn xml_line(doc: &roxmltree::Document, node: roxmltree::Node) -> u64 {
    doc.text_pos_at(node.range().start).row as u64
}

/// The cleaned text of the first child element called `name`, if not empty.
pub fn child_text(node: roxmltree::Node, name: &str) -> Option<String> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name).and_then(|c| c.text()).and_then(non_empty)
}

/// All child elements called `name`.
pub fn children<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> + 'a {
    node.children().filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// Sheets that publish one row per name (UK OFSI, Australia DFAT): collects the row indices of
/// each designation under its key, keys in the order they first appear.
#[derive(Default)]
pub struct RowGroups {
    groups: Vec<(String, Vec<usize>)>,
    index: std::collections::HashMap<String, usize>,
}

impl RowGroups {
    pub fn add(&mut self, key: String, row: usize) {
        let at = *self.index.entry(key.clone()).or_insert_with(|| {
            self.groups.push((key, Vec::new()));
            self.groups.len() - 1
        });
        self.groups[at].1.push(row);
    }

    /// Each key with the indices of its rows.
    pub fn into_groups(self) -> Vec<(String, Vec<usize>)> {
        self.groups
    }
}

/// The first `limit` bytes as text, for format detection (lossy: only to look at).
pub fn head_text(bytes: &[u8], limit: usize) -> String {
    String::from_utf8_lossy(&bytes[..limit.min(bytes.len())]).into_owned()
}

/// The root element's local name, skipping the declaration, comments and doctype.
pub fn xml_root_name(head: &str) -> Option<String> {
    let mut rest = head;
    loop {
        let start = rest.find('<')?;
        rest = &rest[start + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let name: String = rest.chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').collect();
        return Some(name.rsplit(':').next().unwrap_or(&name).to_string());
    }
}

/// Opens an XLSX/ODS workbook held in memory.
pub fn workbook(file: &SourceFile) -> Result<calamine::Sheets<std::io::Cursor<Vec<u8>>>, ImportError> {
    calamine::open_workbook_auto_from_rs(std::io::Cursor::new(file.bytes.clone()))
        .map_err(|e| ImportError::Sheet { file: file.name.clone(), reason: e.to_string() })
}

/// The first sheet as a range of cells.
pub fn first_sheet(file: &SourceFile) -> Result<calamine::Range<calamine::Data>, ImportError> {
    use calamine::Reader;
    let mut book = workbook(file)?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| ImportError::Sheet { file: file.name.clone(), reason: "the workbook has no sheets".into() })?;
    book.worksheet_range(&name)
        .map_err(|e| ImportError::Sheet { file: file.name.clone(), reason: format!("sheet {name:?}: {e}") })
}

/// The text of the first sheet's first cell, lower case, for telling workbooks apart.
pub fn first_sheet_first_cell(file: &SourceFile) -> Result<String, ImportError> {
    let range = first_sheet(file)?;
    Ok(range.rows().next().and_then(|row| row.first()).map(cell_text).unwrap_or_default().to_lowercase())
}

/// A spreadsheet cell as cleaned text (numbers without a trailing ".0").
pub fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => clean(s),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_serial_date(d.as_f64()).unwrap_or_else(|| d.as_f64().to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => clean(s),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// An Excel serial day number (epoch 1899-12-30) as ISO `YYYY-MM-DD`.
pub fn excel_serial_date(serial: f64) -> Option<String> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let date = epoch.checked_add_signed(chrono::Duration::days(serial.trunc() as i64))?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// A day-first date (`dd/mm/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`) where unknown parts are `00`
/// (UK OFSI: `00/00/1969`), as a partial ISO date: "1969", "1969-05", "1969-05-17".
pub fn day_first_date(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.trim().split(['/', '-', '.']).collect();
    let [d, m, y] = parts.as_slice() else { return None };
    let (d, m, y): (u32, u32, i32) = (d.trim().parse().ok()?, m.trim().parse().ok()?, y.trim().parse().ok()?);
    partial_iso(y, m, d)
}

/// A month-first US date (`MM/DD/YYYY`, OFAC's Publish_Date) as ISO.
pub fn month_first_date(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.trim().split('/').collect();
    let [m, d, y] = parts.as_slice() else { return None };
    partial_iso(y.trim().parse().ok()?, m.trim().parse().ok()?, d.trim().parse().ok()?)
}

/// Builds "YYYY", "YYYY-MM" or "YYYY-MM-DD" from parts where 0 means unknown; checks that a
/// full date exists in the calendar.
pub fn partial_iso(year: i32, month: u32, day: u32) -> Option<String> {
    if !(1800..=2100).contains(&year) || month > 12 || day > 31 {
        return None;
    }
    match (month, day) {
        (0, _) => Some(format!("{year:04}")),
        (m, 0) => Some(format!("{year:04}-{m:02}")),
        (m, d) => chrono::NaiveDate::from_ymd_opt(year, m, d).map(|_| format!("{year:04}-{m:02}-{d:02}")),
    }
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// Reads the free-text birth dates publishers write ("12 Jan 1960", "1961-07-31", "circa
/// 1958", "Approximately 1955- 1958", "Between 1960 and 1962", "1969", "31/07/1961") into
/// structured dates. Several dates in one field ("a) 1960 b) 1962", "1960; 1962") give
/// several results. Text with no recognisable year gives none.
pub fn birth_dates(text: &str) -> Vec<BirthDate> {
    let lower = text.to_lowercase();
    let approximate = ["approx", "circa", "about", "ca.", "c."].iter().any(|w| lower.contains(w));
    let mut out: Vec<BirthDate> = Vec::new();
    for piece in split_alternatives(&lower) {
        if let Some(range) = year_range(&piece) {
            out.push(BirthDate { date: range.0.to_string(), to: Some(range.1.to_string()), approximate });
        } else if let Some(date) = one_date(&piece) {
            out.push(BirthDate { date, to: None, approximate });
        }
    }
    out.dedup();
    out
}

/// Splits "a) 1960 b) 1962", "1960; 1962", "1960, 1962" (but not "12 Jan, 1960") into pieces.
fn split_alternatives(text: &str) -> Vec<String> {
    let mut marked = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let is_label =
            c.is_ascii_lowercase() && chars.get(i + 1) == Some(&')') && (i == 0 || !chars[i - 1].is_alphanumeric());
        if is_label {
            marked.push(';');
        }
        marked.push(c);
    }
    marked
        .split([';', '|'])
        .flat_map(|p| {
            let years = p.split(|c: char| !c.is_ascii_digit()).filter(|w| w.len() == 4).count();
            if years > 1 && !p.contains("between") && !p.contains(" to ") && !p.contains('-') {
                p.split(',').map(str::to_string).collect::<Vec<_>>()
            } else {
                vec![p.to_string()]
            }
        })
        .filter(|p| p.chars().any(|c| c.is_ascii_digit()))
        .collect()
}

/// "1955-1958", "1955 - 1958", "between 1955 and 1958", "1955 to 1958".
fn year_range(piece: &str) -> Option<(i32, i32)> {
    let numbers: Vec<&str> = piece.split(|c: char| !c.is_ascii_digit()).filter(|w| !w.is_empty()).collect();
    if numbers.len() != 2 || numbers.iter().any(|n| n.len() != 4) {
        return None;
    }
    let (a, b): (i32, i32) = (numbers[0].parse().ok()?, numbers[1].parse().ok()?);
    (b > a && b - a <= 30 && (1800..=2100).contains(&a)).then_some((a, b))
}

/// One date in any of the common spellings.
fn one_date(piece: &str) -> Option<String> {
    let piece = piece.trim().trim_start_matches(|c: char| c.is_ascii_lowercase() && c != 'j' || c == ')' || c == ' ');
    let tokens: Vec<&str> =
        piece.split(|c: char| c.is_whitespace() || c == ',' || c == '.').filter(|t| !t.is_empty()).collect();
    // ISO: 1961-07-31, 1961-07
    for t in &tokens {
        let parts: Vec<&str> = t.split('-').collect();
        if parts.len() > 1
            && parts[0].len() == 4
            && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        {
            let y = parts[0].parse().ok()?;
            let m = parts.get(1).and_then(|p| p.parse().ok()).unwrap_or(0);
            let d = parts.get(2).and_then(|p| p.parse().ok()).unwrap_or(0);
            return partial_iso(y, m, d);
        }
        if t.contains('/') || (t.matches('-').count() == 2 && t.len() == 10) {
            if let Some(date) = day_first_date(t) {
                return Some(date);
            }
        }
    }
    // "12 Jan 1960", "Jan 1960", "January 12, 1960", "1960"
    let year = tokens.iter().find_map(|t| (t.len() == 4).then(|| t.parse::<i32>().ok()).flatten())?;
    let month =
        tokens.iter().find_map(|t| MONTHS.iter().position(|m| t.starts_with(m)).map(|i| i as u32 + 1)).unwrap_or(0);
    let day = if month > 0 {
        tokens.iter().find_map(|t| (t.len() <= 2).then(|| t.parse::<u32>().ok()).flatten()).unwrap_or(0)
    } else {
        0
    };
    partial_iso(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str) -> Vec<String> {
        birth_dates(text)
            .into_iter()
            .map(|d| match d.to {
                Some(to) => format!("{}..{}{}", d.date, to, if d.approximate { "~" } else { "" }),
                None => format!("{}{}", d.date, if d.approximate { "~" } else { "" }),
            })
            .collect()
    }

    #[test]
    fn birth_dates_in_the_spellings_of_the_lists() {
        assert_eq!(dates("12 Jan 1960"), ["1960-01-12"]);
        assert_eq!(dates("1961-07-31"), ["1961-07-31"]);
        assert_eq!(dates("31/07/1961"), ["1961-07-31"]);
        assert_eq!(dates("00/00/1969"), ["1969"]);
        assert_eq!(dates("circa 1958"), ["1958~"]);
        assert_eq!(dates("a) Approximately 1955- 1958 b) 1960"), ["1955..1958~", "1960~"]);
        assert_eq!(dates("Between 1960 and 1962"), ["1960..1962"]);
        assert_eq!(dates("1960; 1962"), ["1960", "1962"]);
        assert_eq!(dates("unknown"), Vec::<String>::new());
    }

    #[test]
    fn cleaning_folds_the_whitespace_publishers_leave() {
        assert_eq!(clean("  Ivan\u{a0}\u{200b}Petrov\t\n "), "Ivan Petrov");
    }

    #[test]
    fn partial_dates_reject_impossible_days() {
        assert_eq!(partial_iso(1961, 2, 30), None);
        assert_eq!(day_first_date("00/05/1969").as_deref(), Some("1969-05"));
        assert_eq!(month_first_date("03/28/2025").as_deref(), Some("2025-03-28"));
        assert_eq!(excel_serial_date(41988.0).as_deref(), Some("2014-12-15"));
    }
}
