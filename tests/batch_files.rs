//! Customer files as the desktop app's Batch view reads them (a Dutch semicolon CSV in
//! Windows-1252, an English UTF-8 CSV, an XLSX workbook), screened, and exported as CSV and
//! XLSX that read back with the same rows and alerts.

use klaring::batch_table::{self, Mapping, Outcome, TableError};
use klaring::export::{self, ExportFormat};
use klaring::lists::SourceFile;
use klaring::matching::DEFAULT_THRESHOLD;
use klaring::model::Schema;
use klaring::screening::Screener;
use klaring::store::{ImportOptions, Store};
use std::path::Path;
use std::sync::OnceLock;

const DUTCH: &str = "tests/fixtures/batch/klanten_nl.csv";
const ENGLISH: &str = "tests/fixtures/batch/customers_en.csv";

/// A screener over the EU sample list (small, so the tests stay fast).
fn screener() -> &'static Screener {
    static SCREENER: OnceLock<Screener> = OnceLock::new();
    SCREENER.get_or_init(|| {
        let mut store = Store::open_in_memory().unwrap();
        let path = "tests/fixtures/eu-fsf/eu_fsf_sample.xml";
        let file = SourceFile { name: path.into(), bytes: std::fs::read(path).unwrap() };
        store.import(&[file], &ImportOptions::default()).unwrap();
        Screener::load(&store).unwrap()
    })
}

fn screen(path: &Path, mapping: &Mapping) -> Vec<Outcome> {
    let table = batch_table::read(path).unwrap();
    let rows = batch_table::rows(&table, mapping).unwrap();
    batch_table::screen(screener(), rows, DEFAULT_THRESHOLD, 2, || {})
}

#[test]
fn a_dutch_semicolon_csv_in_windows_1252_reads_as_a_table_with_a_suggested_mapping() {
    let preview = batch_table::preview(Path::new(DUTCH)).unwrap();
    assert_eq!(preview.columns, ["Klantnr.", "Bedrijfsnaam", "Land", "Geboortedatum", "Soort"]);
    assert_eq!(preview.row_count, 5, "the blank line and the row of empty cells are dropped");
    assert_eq!(preview.preview[0], ["K-100", "Müller Maschinen GmbH", "DE", "", "bedrijf"]);
    assert_eq!(preview.preview[2][1], "Inter Tobacco; LLC");
    let expected = Mapping {
        name: "Bedrijfsnaam".into(),
        id: Some("Klantnr.".into()),
        country: Some("Land".into()),
        birth_date: Some("Geboortedatum".into()),
        schema: Some("Soort".into()),
        identifier: None,
    };
    assert_eq!(preview.suggested, expected);
    let json = serde_json::to_value(&preview).unwrap();
    assert_eq!(
        json["suggested"],
        serde_json::json!({"name": "Bedrijfsnaam", "id": "Klantnr.", "country": "Land", "birth_date": "Geboortedatum", "schema": "Soort"})
    );
    assert_eq!(json["path"], DUTCH);
}

#[test]
fn rows_are_screened_one_by_one_and_a_bad_row_fails_alone() {
    let mapping = batch_table::preview(Path::new(DUTCH)).unwrap().suggested;
    let outcomes = screen(Path::new(DUTCH), &mapping);
    let summaries: Vec<_> = outcomes.iter().map(Outcome::summary).collect();
    let lines: Vec<u64> = summaries.iter().map(|s| s.row).collect();
    assert_eq!(lines, [2, 3, 5, 6, 8], "rows carry the line the user's editor shows");

    let petrova = &outcomes[1];
    assert_eq!(petrova.row.query.country.as_deref(), Some("ru"));
    assert_eq!(petrova.row.query.birth_date.as_deref(), Some("1967-12-19"), "day-first dates become ISO");
    assert_eq!(petrova.row.query.schema, Some(Schema::Person));
    assert_eq!(summaries[1].top.as_ref().map(|h| h.list.as_str()), Some("eu-fsf"));
    assert_eq!(outcomes[2].row.query.country.as_deref(), Some("by"), "country names become codes");
    assert!(summaries[2].alerts >= 1, "Inter Tobacco LLC is listed: {:?}", summaries[2]);
    assert_eq!((summaries[0].alerts, summaries[0].error.as_deref()), (0, None));

    assert_eq!(summaries[3].error.as_deref(), Some("birth date \"31-02-1961\": use YYYY, YYYY-MM or YYYY-MM-DD"));
    assert_eq!(summaries[4].error.as_deref(), Some("the name is empty or has no letters or digits"));
    let json = serde_json::to_value(&summaries[4]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"row": 8, "id": "K-104", "name": "", "alerts": 0, "error": "the name is empty or has no letters or digits"})
    );
    let json = serde_json::to_value(&summaries[1]).unwrap();
    assert!(json["top"]["explanation"]["summary"].is_string() && json.get("error").is_none(), "{json}");
}

#[test]
fn an_english_utf8_csv_maps_its_own_headers() {
    let table = batch_table::read(Path::new(ENGLISH)).unwrap();
    assert_eq!(
        table.columns,
        ["Customer ID", "Customer Name", "Country Code", "Date of birth", "Type"],
        "the BOM is not part of the header"
    );
    let mapping = batch_table::suggest(&table.columns);
    assert_eq!(
        (mapping.name.as_str(), mapping.id.as_deref(), mapping.schema.as_deref()),
        ("Customer Name", Some("Customer ID"), Some("Type"))
    );
    let rows = batch_table::rows(&table, &mapping).unwrap();
    assert_eq!(rows[1].query.name, "Acme Holding, B.V.");
    assert_eq!(rows[0].id, "c1");
    let bad = Mapping { name: "Naam".into(), ..Mapping::default() };
    let err = batch_table::rows(&table, &bad).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{ENGLISH}: no column \"Naam\" (columns: Customer ID, Customer Name, Country Code, Date of birth, Type)"
        )
    );
}

/// A workbook as an ERP writes one: the header on row 2, numeric ids, real dates.
fn write_xlsx(path: &Path) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Klanten").unwrap();
    sheet.write_string(1, 0, "Nummer").unwrap();
    sheet.write_string(1, 1, "Naam").unwrap();
    sheet.write_string(1, 2, "Nationaliteit").unwrap();
    sheet.write_string(1, 3, "Geboortedatum").unwrap();
    let date = Format::new().set_num_format("dd-mm-yyyy");
    sheet.write_number(2, 0, 1001).unwrap();
    sheet.write_string(2, 1, "Saddam Hussein Al-Tikriti").unwrap();
    sheet.write_string(2, 2, "Iraq").unwrap();
    sheet.write_datetime_with_format(2, 3, ExcelDateTime::from_ymd(1937, 4, 28).unwrap(), &date).unwrap();
    sheet.write_number(3, 0, 1002).unwrap();
    sheet.write_string(3, 1, "Bakkerij De Vries").unwrap();
    sheet.write_string(3, 2, "NL").unwrap();
    book.save(path).unwrap();
}

#[test]
fn an_xlsx_workbook_reads_with_typed_cells_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klanten.xlsx");
    write_xlsx(&path);
    let preview = batch_table::preview(&path).unwrap();
    assert_eq!(preview.columns, ["Nummer", "Naam", "Nationaliteit", "Geboortedatum"]);
    assert_eq!(preview.preview[0], ["1001", "Saddam Hussein Al-Tikriti", "Iraq", "1937-04-28"]);
    assert_eq!(preview.suggested.country.as_deref(), Some("Nationaliteit"));
    let outcomes = screen(&path, &preview.suggested);
    assert_eq!(outcomes[0].row.line, 3, "sheet row numbers as Excel shows them");
    assert_eq!(outcomes[0].row.id, "1001");
    let top = outcomes[0].summary().top.unwrap();
    assert_eq!((top.list.as_str(), top.score), ("eu-fsf", 1.0));
    assert_eq!(outcomes[1].summary().alerts, 0);
}

#[test]
fn broken_files_are_refused_with_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let empty = write("empty.csv", b"\xEF\xBB\xBF\n ; \n");
    assert!(matches!(batch_table::read(&empty), Err(TableError::Empty { .. })));
    let mut utf16 = b"\xFF\xFE".to_vec();
    for unit in "name\nAcme\n".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let good16 = write("good16.csv", &utf16);
    assert_eq!(batch_table::read(&good16).unwrap().rows[0].cells, ["Acme"], "Excel's Unicode text reads");
    utf16.extend([0x00, 0xD8, b'x', 0x00]); // a lone surrogate on line 3
    let bad16 = write("bad16.csv", &utf16);
    let err = batch_table::read(&bad16).unwrap_err();
    assert_eq!(err.to_string(), format!("{}, line 3: invalid UTF-16LE (a broken character)", bad16.display()));
    let zip = write("fake.xlsx", b"PK\x03\x04 this is no workbook");
    let err = batch_table::read(&zip).unwrap_err();
    assert!(err.to_string().starts_with(&format!("{}: unreadable spreadsheet", zip.display())), "{err}");
    let missing = dir.path().join("missing.csv");
    assert!(batch_table::read(&missing).unwrap_err().to_string().starts_with(&missing.display().to_string()));
}

#[test]
fn csv_export_has_one_line_per_row_with_every_alert_and_no_live_formulas() {
    let mapping = batch_table::suggest(&batch_table::read(Path::new(ENGLISH)).unwrap().columns);
    let outcomes = screen(Path::new(ENGLISH), &mapping);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.csv");
    assert_eq!(export::export(&outcomes, ExportFormat::Csv, &path).unwrap(), 3);
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM, so Excel reads accents right");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), export::COLUMNS);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3);
    let get = |r: &csv::StringRecord, column: &str| {
        r.get(export::COLUMNS.iter().position(|c| *c == column).unwrap()).unwrap().to_string()
    };
    let saddam = &records[0];
    assert_eq!(
        (get(saddam, "row"), get(saddam, "id"), get(saddam, "top_list")),
        ("2".into(), "c1".into(), "eu-fsf".into())
    );
    assert_eq!(get(saddam, "alerts"), outcomes[0].result.as_ref().unwrap().hits.len().to_string());
    assert!(get(saddam, "all_alerts").starts_with("1.000 eu-fsf "), "{}", get(saddam, "all_alerts"));
    assert!(get(saddam, "lists").starts_with("eu-fsf "), "{}", get(saddam, "lists"));
    assert_eq!(get(&records[1], "alerts"), "0");
    assert_eq!(get(&records[2], "name"), "'=HYPERLINK(\"http://x\")", "a formula is written as text");
}

#[test]
fn xlsx_export_reads_back_with_results_and_lists_sheets() {
    use calamine::{Data, Reader};
    let mapping = batch_table::suggest(&batch_table::read(Path::new(DUTCH)).unwrap().columns);
    let outcomes = screen(Path::new(DUTCH), &mapping);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.xlsx");
    assert_eq!(export::export(&outcomes, ExportFormat::Xlsx, &path).unwrap(), 5);
    let mut book = calamine::open_workbook_auto(&path).unwrap();
    assert_eq!(book.sheet_names(), ["Results", "Lists"]);
    let results = book.worksheet_range("Results").unwrap();
    let rows: Vec<&[Data]> = results.rows().collect();
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[0][0], Data::String("row".into()));
    assert_eq!(rows[1][0], Data::Float(2.0), "numbers stay numbers");
    assert_eq!(rows[1][2], Data::String("Müller Maschinen GmbH".into()));
    assert_eq!(rows[2][9], Data::String("eu-fsf".into()));
    assert_eq!(rows[4][15], Data::String("birth date \"31-02-1961\": use YYYY, YYYY-MM or YYYY-MM-DD".into()));
    let lists = book.worksheet_range("Lists").unwrap();
    let first: Vec<String> = lists.rows().nth(1).unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(first[0], "eu-fsf");
    assert_eq!(first[4].len(), 64, "the list file's SHA-256");
    assert!(matches!(export::export(&[], ExportFormat::Xlsx, &path), Err(export::ExportError::Nothing)));
}
