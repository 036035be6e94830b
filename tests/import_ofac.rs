//! Importing OFAC's legacy CSV sets and XML layout from the bundled official files.
//!
//! Counts come from /work/shared/lists/SOURCES.md. The top-level SDN set is mixed-date on
//! purpose (a 2024 sdn.csv with 2025 add/alt/comments files); the cons_* set and the 2021 fixture
//! are each one download.

use klaring::lists::{self, Format, ImportError, Parsed, SourceFile};
use klaring::model::{Entity, NameKind, Schema, Warning};

const SDN: [&str; 4] = [
    "data/lists/ofac-sdn/sdn.csv",
    "data/lists/ofac-sdn/add.csv",
    "data/lists/ofac-sdn/alt.csv",
    "data/lists/ofac-sdn/sdn_comments.csv",
];
const CONS: [&str; 4] = [
    "data/lists/ofac-cons/cons_prim.csv",
    "data/lists/ofac-cons/cons_add.csv",
    "data/lists/ofac-cons/cons_alt.csv",
    "data/lists/ofac-cons/cons_comments.csv",
];
const FIXTURE_2021: [&str; 4] = [
    "tests/fixtures/ofac-2021-07/sdn.csv",
    "tests/fixtures/ofac-2021-07/add.csv",
    "tests/fixtures/ofac-2021-07/alt.csv",
    "tests/fixtures/ofac-2021-07/sdn_comments.csv",
];
const XML: &str = "tests/fixtures/ofac-xml/consolidated.xml";

fn file(path: &str) -> SourceFile {
    let bytes = std::fs::read(format!("{}/{}", env!("CARGO_MANIFEST_DIR"), path)).expect("bundled test file");
    SourceFile { name: path.to_string(), bytes }
}

fn files(paths: &[&str]) -> Vec<SourceFile> {
    paths.iter().map(|p| file(p)).collect()
}

fn entry<'a>(parsed: &'a Parsed, id: &str) -> &'a Entity {
    parsed.entities.iter().find(|e| e.entry_id == id).unwrap_or_else(|| panic!("entry {id} missing"))
}

fn names(entity: &Entity) -> Vec<(&str, NameKind)> {
    entity.names.iter().map(|n| (n.full.as_str(), n.kind)).collect()
}

fn dates(entity: &Entity) -> Vec<&str> {
    entity.birth_dates.iter().map(|d| d.date.as_str()).collect()
}

fn links(entity: &Entity) -> Vec<(&str, Option<&str>)> {
    entity.links.iter().map(|l| (l.name.as_str(), l.entry_id.as_deref())).collect()
}

fn warnings_with<'a>(parsed: &'a Parsed, file: &str, reason: &str) -> Vec<&'a Warning> {
    parsed.warnings.iter().filter(|w| w.file == file && w.reason.contains(reason)).collect()
}

/// A bundled file with the first `from` replaced by `to`.
fn edited(path: &str, from: &[u8], to: &[u8]) -> SourceFile {
    let mut source = file(path);
    let at = source.bytes.windows(from.len()).position(|w| w == from).expect("text to edit");
    source.bytes.splice(at..at + from.len(), to.iter().copied());
    source
}

/// A bundled file cut in half, as an interrupted download leaves it.
fn truncated(path: &str) -> SourceFile {
    let mut source = file(path);
    source.bytes.truncate(source.bytes.len() / 2);
    source
}

#[test]
fn the_sdn_set_imports_every_primary_record_by_type() {
    let parsed = lists::parse(Format::OfacCsv, &files(&SDN)).unwrap();
    assert_eq!(parsed.entities.len(), 14_965);
    let count = |schema| parsed.entities.iter().filter(|e| e.schema == schema).count();
    assert_eq!(count(Schema::Person), 6_854);
    assert_eq!(count(Schema::Organization), 6_884, "SDN_Type -0- means entity");
    assert_eq!(count(Schema::Vessel), 851);
    assert_eq!(count(Schema::Aircraft), 376);
    assert_eq!(parsed.published, None, "the legacy CSV carries no publication date");
}

#[test]
fn an_sdn_individual_carries_aliases_dates_nationality_programs_and_links() {
    let parsed = lists::parse(Format::OfacCsv, &files(&SDN)).unwrap();
    let miguel = entry(&parsed, "10405");
    assert_eq!(miguel.schema, Schema::Person);
    // alt.csv gives the strong alias; the a.k.a. in Remarks is a weak one.
    assert_eq!(
        names(miguel),
        [
            ("SANTANILLA BOTACHE, Miguel", NameKind::Primary),
            ("SANTILLANA, Miguel Botache", NameKind::Alias),
            ("DUARTE, Gentil", NameKind::WeakAlias),
        ]
    );
    assert_eq!(dates(miguel), ["1964-10-15", "1963-10-15"], "DOB and alt. DOB");
    assert_eq!(miguel.places_of_birth, ["Florencia, Caqueta Department, Colombia"]);
    assert_eq!(miguel.countries, ["co", "ve"], "nationality Colombia, then an address in Venezuela");
    assert_eq!(miguel.programs, ["SDGT"]);
    // The link is FARC's primary name, so it resolves to FARC's entry.
    assert_eq!(links(miguel), [("REVOLUTIONARY ARMED FORCES OF COLOMBIA - PEOPLE'S ARMY", Some("33983"))]);

    let rostam = entry(&parsed, "11786");
    assert_eq!(rostam.programs, ["SDGT", "NPWMD", "IRGC", "IFSR"], "Program split on '] ['");
    let ids: Vec<_> =
        rostam.identifiers.iter().map(|i| (i.kind.as_str(), i.value.as_str(), i.country.as_deref())).collect();
    assert_eq!(ids, [("Passport", "A2463775", Some("ir")), ("National ID No.", "6579726970", Some("ir"))]);
    assert_eq!(
        links(rostam),
        [("SOLEIMANI, Qasem", Some("10481")), ("ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE", Some("10465"))]
    );
}

#[test]
fn vessels_and_aircraft_keep_their_registration_numbers() {
    let parsed = lists::parse(Format::OfacCsv, &files(&SDN)).unwrap();
    let ebano = entry(&parsed, "4243");
    assert_eq!(ebano.schema, Schema::Vessel);
    assert_eq!(
        names(ebano),
        [("EBANO", NameKind::Primary), ("ANA I", NameKind::Former), ("SAND SWAN", NameKind::Former)]
    );
    assert_eq!(ebano.countries, ["pa"], "Vess_flag Panama");
    let imo = &ebano.identifiers[0];
    assert_eq!((imo.kind.as_str(), imo.value.as_str()), ("IMO", "7406784"));

    let plane = entry(&parsed, "15431");
    assert_eq!(plane.schema, Schema::Aircraft);
    assert!(plane
        .identifiers
        .iter()
        .any(|i| i.kind == "Aircraft Manufacturer's Serial Number (MSN)" && i.value == "1023409321"));
    assert_eq!(links(plane), [("POUYA AIR", Some("13109"))]);
}

#[test]
fn the_mixed_date_sdn_set_warns_about_orphans_and_leaves_the_comments_out() {
    let parsed = lists::parse(Format::OfacCsv, &files(&SDN)).unwrap();

    // The 2025 add.csv and alt.csv name parties designated after the 2024 sdn.csv: the first
    // hundred orphan rows are listed with their lines, then one warning gives the total.
    for (path, total) in [(SDN[1], 4_893), (SDN[2], 2_460)] {
        let listed = warnings_with(&parsed, path, "orphan row:");
        assert_eq!(listed.len(), 100, "{path}");
        assert!(listed.iter().all(|w| w.line.is_some() && w.entry_id.is_some()));
        let summary = warnings_with(&parsed, path, "orphan rows in all");
        assert_eq!(summary.len(), 1);
        assert!(summary[0].reason.starts_with(&format!("{total} orphan rows")), "{}", summary[0].reason);
    }

    // sdn_comments.csv: 6 rows for unknown entries, 5 for remarks that are not cut.
    let comments = SDN[3];
    assert_eq!(warnings_with(&parsed, comments, "orphan row:").len(), 6);
    let misfits = warnings_with(&parsed, comments, "but its remarks are not truncated");
    assert_eq!(misfits.len(), 5);
    assert_eq!(
        misfits[0].reason,
        "comments row for ent_num 22985 but its remarks are not truncated; the files come from different downloads"
    );
    assert_eq!(misfits[0].line, Some(4));
    assert_eq!(warnings_with(&parsed, comments, "not appended to any remarks").len(), 1);

    // Rows that seem to fit are not spliced on either: 2025 text does not continue 2024 remarks
    // (17018's cut "Directive 3)" would be followed by "ive 2)").
    let sberbank = entry(&parsed, "17018");
    assert!(sberbank.remarks.last().is_some_and(|r| r.ends_with("Listing Date (EO 14024 Directive 3)")));
    let tian = entry(&parsed, "28263");
    assert!(tian.remarks[0].ends_with("a.k.a. 'snowsjo"));
    assert!(!tian.names.iter().any(|n| n.full.starts_with("snowsjo")));
    assert_eq!(warnings_with(&parsed, SDN[0], "1,000-character cut").len(), 18);
    assert_eq!(parsed.warnings.len(), 101 + 101 + 6 + 5 + 1 + 18, "no other warnings");
}

#[test]
fn the_consolidated_csv_set_is_consistent_and_continues_cut_remarks() {
    let parsed = lists::parse(Format::OfacCsv, &files(&CONS)).unwrap();
    assert_eq!(parsed.entities.len(), 442);
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);

    let zahhar = entry(&parsed, "9647");
    assert_eq!(
        names(zahhar),
        [
            ("ZAHHAR, Mahmoud Khaled", NameKind::Primary),
            ("AL ZAHAR, Mahmoud Khaled", NameKind::Alias),
            ("ZAHAR, Mahmoud", NameKind::WeakAlias),
            ("AL-ZAHAR, Mahmoud", NameKind::WeakAlias),
        ]
    );
    assert_eq!(dates(zahhar), ["1945"]);
    assert_eq!(zahhar.programs, ["SDGT", "NS-PLC"]);
    // "Region: Gaza" and the nationality "Palestinian" both resolve to the same country.
    assert_eq!(zahhar.countries, ["ps"]);
    // HAMAS is on the SDN list, not this one: the link keeps its name only.
    assert_eq!(links(zahhar), [("HAMAS", None)]);

    // cons_comments.csv continues the cut remarks of 17014, ending in a weak alias.
    let rosselkhozbank = entry(&parsed, "17014");
    assert!(rosselkhozbank.remarks[0].chars().count() > 1000);
    assert!(rosselkhozbank.remarks[0].contains("Registration Number 1027700342890 (Russia)"));
    assert!(rosselkhozbank.names.iter().any(|n| n.full == "RUSAG" && n.kind == NameKind::WeakAlias));

    // An f.k.a. in the remarks (OFAC's weak former name) stays a former name, as in the XML.
    let vtb_georgia = entry(&parsed, "18726");
    assert!(vtb_georgia.names.iter().any(|n| n.full == "UNITED GEORGIAN BANK" && n.kind == NameKind::Former));
}

#[test]
fn the_2021_fixture_has_no_orphans_and_appends_its_comments_mid_word() {
    let parsed = lists::parse(Format::OfacCsv, &files(&FIXTURE_2021)).unwrap();
    assert_eq!(parsed.entities.len(), 8_976);
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);

    // The remarks of 28263 stop at "a.k.a. 'snowsjo"; the comments row goes on "hn'; Linked To: …".
    let tian = entry(&parsed, "28263");
    assert!(tian.remarks[0].contains("a.k.a. 'snowsjohn'; Linked To: LAZARUS GROUP"));
    assert!(tian.names.iter().any(|n| n.full == "snowsjohn" && n.kind == NameKind::WeakAlias));
    assert_eq!(links(tian), [("LAZARUS GROUP", Some("27307"))]);

    // The comments of 12300 carry 14 more links; the last, "R D I S.A.", ends with the period
    // that also ends the remarks.
    let cifuentes = entry(&parsed, "12300");
    assert_eq!(cifuentes.links.len(), 25);
    assert_eq!(links(cifuentes).last(), Some(&("R D I S.A.", Some("12904"))));
    assert!(cifuentes.links.iter().all(|l| l.entry_id.is_some()));
}

#[test]
fn the_xml_layout_reads_names_categories_dates_and_the_publish_date() {
    let parsed = lists::parse(Format::OfacXml, &[file(XML)]).unwrap();
    assert_eq!(parsed.entities.len(), 443);
    assert_eq!(parsed.published.as_deref(), Some("2025-03-28"));
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);

    let zahhar = entry(&parsed, "9647");
    assert_eq!(zahhar.schema, Schema::Person);
    assert_eq!(
        names(zahhar),
        [
            ("Mahmoud Khaled ZAHHAR", NameKind::Primary),
            ("Mahmoud Khaled AL ZAHAR", NameKind::Alias),
            ("ZAHAR, Mahmoud", NameKind::WeakAlias),
            ("AL-ZAHAR, Mahmoud", NameKind::WeakAlias),
        ]
    );
    assert_eq!(dates(zahhar), ["1945"]);
    assert_eq!(zahhar.places_of_birth, ["Gaza Strip"]);
    assert_eq!(zahhar.countries, ["ps"]);
    assert_eq!(zahhar.programs, ["NS-PLC", "SDGT"]);
    assert_eq!(links(zahhar), [("HAMAS", None)], "from the remarks '(Linked To: HAMAS)'");

    let sberbank = entry(&parsed, "17018");
    assert_eq!(sberbank.schema, Schema::Organization);
    assert!(sberbank.names.iter().any(|n| n.full == "SBERBANK ROSSII OAO" && n.kind == NameKind::Former));
    assert!(sberbank.names.iter().any(|n| n.full == "SBERBANK INDIA" && n.kind == NameKind::WeakAlias));
    assert!(sberbank
        .identifiers
        .iter()
        .any(|i| i.kind == "Tax ID No." && i.value == "7707083893" && i.country.as_deref() == Some("ru")));
    assert_eq!(sberbank.countries, ["ru", "cn", "in"]);

    // The same weak f.k.a. as in cons_prim.csv's remarks, with the same kind.
    let vtb_georgia = entry(&parsed, "18726");
    assert!(vtb_georgia.names.iter().any(|n| n.full == "UNITED GEORGIAN BANK" && n.kind == NameKind::Former));
}

#[test]
fn a_record_count_that_does_not_match_the_entries_is_a_warning() {
    let source = edited(XML, b"<Record_Count>443<", b"<Record_Count>444<");
    let parsed = lists::parse(Format::OfacXml, &[source]).unwrap();
    assert_eq!(parsed.entities.len(), 443);
    assert_eq!(parsed.warnings.len(), 1);
    assert!(parsed.warnings[0].reason.contains("Record_Count says 444, the file has 443"));
}

#[test]
fn the_files_are_recognised_as_ofac_lists() {
    assert_eq!(lists::detect(&files(&SDN), None).unwrap(), ("ofac-sdn".to_string(), Format::OfacCsv));
    assert_eq!(lists::detect(&files(&CONS), None).unwrap(), ("ofac-cons".to_string(), Format::OfacCsv));
    assert_eq!(lists::detect(&[file(XML)], None).unwrap(), ("ofac-cons".to_string(), Format::OfacXml));
}

#[test]
fn a_truncated_sdn_csv_is_refused_with_the_line_where_it_breaks() {
    let mut set = files(&FIXTURE_2021);
    set[0] = truncated(FIXTURE_2021[0]);
    let err = lists::parse(Format::OfacCsv, &set).unwrap_err();
    let ImportError::Csv { file, line, .. } = &err else { panic!("expected a CSV error, got {err}") };
    assert_eq!(file, FIXTURE_2021[0]);
    let last_line = set[0].bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    assert_eq!(*line, last_line, "the cut row is the last line");
    let message = err.to_string();
    assert!(message.starts_with(&format!("{}, line {line}: malformed CSV", FIXTURE_2021[0])), "{message}");
    assert!(message.contains("truncated"), "{message}");
}

#[test]
fn a_truncated_consolidated_xml_is_refused_where_the_file_ends() {
    let source = truncated(XML);
    let last_line = source.bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let err = lists::parse(Format::OfacXml, &[source]).unwrap_err();
    let ImportError::Xml { file, line, .. } = &err else { panic!("expected an XML error, got {err}") };
    assert_eq!(file, XML);
    assert_eq!(*line, last_line);
    assert!(err.to_string().contains(&format!("{XML}, line {line}, column")), "{err}");
    assert!(err.to_string().contains("truncated"), "{err}");
}

#[test]
fn a_latin1_xml_is_refused_as_the_wrong_encoding() {
    let source = edited(XML, b"Ismail Abdul Salah", b"Isma\xEFl Abdul Salah");
    let err = lists::parse(Format::OfacXml, &[source]).unwrap_err();
    let ImportError::Encoding { line, .. } = &err else { panic!("expected an encoding error, got {err}") };
    assert_eq!(*line, 9);
    assert!(err.to_string().contains("invalid UTF-8 (byte 0xEF)"), "{err}");
}

#[test]
fn a_latin1_csv_is_read_as_windows_1252_with_a_warning() {
    let mut set = files(&CONS);
    set[0] = edited(CONS[0], b"HANIYA, Ismail Abdul Salah", b"HANIYA, Isma\xEFl Abdul Salah");
    let parsed = lists::parse(Format::OfacCsv, &set).unwrap();
    assert_eq!(parsed.entities.len(), 442);
    assert_eq!(entry(&parsed, "9639").primary_name(), "HANIYA, Isma\u{ef}l Abdul Salah");
    let fallback = warnings_with(&parsed, CONS[0], "not UTF-8; read as Windows-1252");
    assert_eq!(fallback.len(), 1);
    assert_eq!(fallback[0].line, Some(1));
}

#[test]
fn a_quote_left_open_skips_the_row_with_a_warning() {
    let mut set = files(&CONS);
    // Row 2 loses the quote closing its name; the row still ends at its line break.
    set[0] = edited(CONS[0], b"\"ABU TEIR, Mohammed\",", b"\"ABU TEIR, Mohammed,");
    let parsed = lists::parse(Format::OfacCsv, &set).unwrap();
    assert_eq!(parsed.entities.len(), 441);
    let open = warnings_with(&parsed, CONS[0], "row skipped: a quote is left open");
    assert_eq!((open.len(), open[0].line, open[0].entry_id.as_deref()), (1, Some(2), Some("9640")));
    // The address and alias rows of the lost entry are now orphans.
    let orphan = warnings_with(&parsed, CONS[1], "orphan row: data/lists/ofac-cons/cons_prim.csv has no entry 9640");
    assert_eq!(orphan.len(), 1);
    assert_eq!(orphan[0].line, Some(2));
}

#[test]
fn a_quote_left_open_at_the_end_of_a_row_swallows_the_next_row_and_says_so() {
    let mut set = files(&CONS);
    // Row 2 loses the quote closing its remarks: the CSV reader runs on into row 3.
    set[0] = edited(CONS[0], b"POB Umm Tuba.\"", b"POB Umm Tuba.");
    let parsed = lists::parse(Format::OfacCsv, &set).unwrap();
    assert_eq!(parsed.entities.len(), 440);
    let open = warnings_with(&parsed, CONS[0], "a quote is left open");
    assert_eq!(open.len(), 1);
    assert_eq!((open[0].line, open[0].entry_id.as_deref()), (Some(2), Some("9640")));
    assert!(open[0].reason.contains("runs on to line 3"), "{}", open[0].reason);
    assert!(!parsed.entities.iter().any(|e| e.entry_id == "9641"));
}

#[test]
fn empty_files_are_refused() {
    let csv = SourceFile { name: "sdn.csv".into(), bytes: b"\r\n\x1a".to_vec() };
    let err = lists::parse(Format::OfacCsv, std::slice::from_ref(&csv)).unwrap_err();
    assert_eq!(err.to_string(), "sdn.csv: empty file");
    assert!(matches!(lists::detect(&[csv], None), Err(ImportError::Empty { .. })));
    let xml = SourceFile { name: "sdn.xml".into(), bytes: Vec::new() };
    let err = lists::parse(Format::OfacXml, &[xml]).unwrap_err();
    assert_eq!(err.to_string(), "sdn.xml: empty file");
}

#[test]
fn sets_that_are_not_one_ofac_download_are_refused() {
    let mixed = |paths: &[&str]| lists::parse(Format::OfacCsv, &files(paths)).unwrap_err();
    assert!(matches!(mixed(&[SDN[1], SDN[2]]), ImportError::Mixed { .. }), "no primary file");
    assert!(matches!(mixed(&[SDN[0], FIXTURE_2021[0]]), ImportError::Mixed { .. }), "two primary files");
    assert!(matches!(mixed(&[SDN[0], CONS[2]]), ImportError::Mixed { .. }), "SDN with consolidated files");

    let other = SourceFile { name: "sdn.csv".into(), bytes: b"name,type\r\n\"Ivan\",\"person\"\r\n".to_vec() };
    let err = lists::parse(Format::OfacCsv, &[other]).unwrap_err();
    assert!(matches!(err, ImportError::Layout { .. }), "{err}");
    assert!(err.to_string().contains("not OFAC legacy CSV"), "{err}");
}
