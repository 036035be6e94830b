//! Scenarios for the UK OFSI, UK FCDO, Australia DFAT and OpenSanctions FtM importers, on the
//! bundled list files (`data/lists/…`) and the OpenSanctions test fixtures.

use klaring::lists::{self, Format, ImportError, Parsed, SourceFile};
use klaring::model::{BirthDate, Entity, NameKind, Schema};
use std::sync::OnceLock;

/// A bundled file, named as the user would name it.
macro_rules! source {
    ($path:literal) => {
        SourceFile {
            name: $path.to_string(),
            bytes: std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/", $path)).expect($path),
        }
    };
}

fn ofsi_file() -> SourceFile {
    source!("data/lists/uk-ofsi/ConList.xlsx")
}

fn fcdo_file() -> SourceFile {
    source!("data/lists/uk-fcdo/UK_Sanctions_List_summary_2025-08-11.ods")
}

fn dfat_file() -> SourceFile {
    source!("data/lists/au-dfat/regulation8_consolidated.xlsx")
}

fn zala_file() -> SourceFile {
    source!("tests/fixtures/opensanctions/zala_sample.entities.ftm.json")
}

fn eu_fsf_file() -> SourceFile {
    source!("tests/fixtures/opensanctions/eu_fsf_sample.entities.ftm.json")
}

/// The two large workbooks take a second or two each in a debug build: read them once.
fn ofsi() -> &'static Parsed {
    static PARSED: OnceLock<Parsed> = OnceLock::new();
    PARSED.get_or_init(|| lists::parse(Format::UkOfsiXlsx, &[ofsi_file()]).expect("ConList.xlsx imports"))
}

fn dfat() -> &'static Parsed {
    static PARSED: OnceLock<Parsed> = OnceLock::new();
    PARSED.get_or_init(|| lists::parse(Format::AustraliaXlsx, &[dfat_file()]).expect("regulation8 imports"))
}

fn entry<'a>(parsed: &'a Parsed, id: &str) -> &'a Entity {
    parsed.entities.iter().find(|e| e.entry_id == id).unwrap_or_else(|| panic!("entry {id} is missing"))
}

fn count(parsed: &Parsed, schema: Schema) -> usize {
    parsed.entities.iter().filter(|e| e.schema == schema).count()
}

fn kind_of(entity: &Entity, name: &str) -> Option<NameKind> {
    entity.names.iter().find(|n| n.full == name).map(|n| n.kind)
}

fn identifier<'a>(entity: &'a Entity, kind: &str) -> Vec<&'a str> {
    entity.identifiers.iter().filter(|i| i.kind == kind).map(|i| i.value.as_str()).collect()
}

/// The first half of a file's bytes: what an interrupted download leaves.
fn truncated(file: &SourceFile) -> SourceFile {
    SourceFile { name: file.name.clone(), bytes: file.bytes[..file.bytes.len() / 2].to_vec() }
}

fn empty(name: &str) -> SourceFile {
    SourceFile { name: name.to_string(), bytes: Vec::new() }
}

// --- UK OFSI ConList.xlsx -------------------------------------------------------------------

#[test]
fn ofsi_name_rows_fold_into_4686_designations_dated_by_last_updated() {
    let parsed = ofsi();
    // 18,796 name rows, grouped on Group ID (SOURCES.md).
    assert_eq!(parsed.entities.len(), 4686);
    assert_eq!(count(parsed, Schema::Person), 3662);
    assert_eq!(count(parsed, Schema::Organization), 1009);
    assert_eq!(count(parsed, Schema::Vessel), 15);
    assert_eq!(parsed.published.as_deref(), Some("2025-04-10"));
}

#[test]
fn ofsi_quirks_are_reported_not_fatal() {
    let parsed = ofsi();
    let mut seen: Vec<(&str, &str)> = parsed
        .warnings
        .iter()
        .map(|w| (w.entry_id.as_deref().unwrap_or(""), w.reason.split(':').next().unwrap_or("")))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            // Two groups have only "Primary name variation" rows: the first becomes primary.
            ("14672", "nationality \"Belrus\""),
            ("15661", "nationality \"(1) Repubic of Moldova (2) Israel\""),
            ("16601", "no row is marked \"Primary name\"; the first name is used as the primary name"),
            ("16789", "no row is marked \"Primary name\"; the first name is used as the primary name"),
        ]
    );
    // The misspelt nationalities stay readable, and the spelt ones still count.
    let moldova = entry(parsed, "15661");
    assert!(moldova.countries.contains(&"il".to_string()));
    assert!(moldova.addresses.contains(&"Repubic of Moldova".to_string()));
    assert_eq!(entry(parsed, "16601").names[0].full, "33RD SCIENTIFIC RESEARCH AND TESTING INSTITUTE");
}

#[test]
fn an_ofsi_primary_name_comes_first_wherever_its_row_is() {
    // Group 12629: the "Primary name" rows come after the AKA rows; DOBs 00/08/1977,
    // 00/09/1977 and 00/00/1976; two numbered nationalities and places of birth.
    let ghul = entry(ofsi(), "12629");
    assert_eq!(ghul.schema, Schema::Person);
    assert_eq!(ghul.names[0].full, "MUSTAFA HAJJI MUHAMMAD KHAN");
    assert_eq!(ghul.names[0].kind, NameKind::Primary);
    assert_eq!(kind_of(ghul, "Hassan GHUL"), Some(NameKind::Alias));
    assert_eq!(kind_of(ghul, "ABU- SHAYMA"), Some(NameKind::WeakAlias));
    assert_eq!(kind_of(ghul, "مصطفى حجي محمد خان"), Some(NameKind::Alias));
    let dates: Vec<&str> = ghul.birth_dates.iter().map(|d| d.date.as_str()).collect();
    assert_eq!(dates, ["1977-08", "1977-09", "1976"]);
    assert_eq!(ghul.countries, ["pk", "sa"]);
    assert_eq!(ghul.places_of_birth, ["Al-Madinah, Saudi Arabia", "Sangrar, Sindh Province, Pakistan"]);
    assert_eq!(ghul.programs, ["ISIL (Da'esh) and Al-Qaida"]);
    assert_eq!(ghul.listed_on.as_deref(), Some("2012-03-23"));
}

#[test]
fn ofsi_low_quality_variations_and_akas_are_weak_aliases() {
    // Group 14141: one primary name, four "Primary name variation" rows and one AKA, all
    // "Low quality"; the Arabic script name is an alias; the typographic quote is kept.
    let shaer = entry(ofsi(), "14141");
    assert_eq!(shaer.names[0].full, "Saleh Mesfer Saleh AL SHAER");
    assert_eq!(kind_of(shaer, "Saleh AL SHAE"), Some(NameKind::WeakAlias));
    assert_eq!(kind_of(shaer, "Saleh Mosfer Saleh AL SHAER"), Some(NameKind::WeakAlias));
    assert_eq!(kind_of(shaer, "Abu YASSER"), Some(NameKind::WeakAlias));
    assert_eq!(kind_of(shaer, "صالح مسفر صالح الشاعر"), Some(NameKind::Alias));
    assert_eq!(shaer.places_of_birth, ["Al Safrah, Sa’dah Governorate, Yemen"]);
    assert_eq!(shaer.countries, ["ye"]);
    assert_eq!(shaer.programs, ["Yemen"]);
}

#[test]
fn an_ofsi_designation_under_two_regimes_keeps_both() {
    let lukashenko = entry(ofsi(), "13918");
    assert_eq!(lukashenko.names[0].full, "Alexander Ryhorovich LUKASHENKO");
    assert_eq!(lukashenko.programs, ["Belarus", "Global Human Rights"]);
    assert_eq!(identifier(lukashenko, "UK Sanctions List Ref"), ["BEL0045", "GHR0050"]);
    assert_eq!(lukashenko.birth_dates, [BirthDate::exact("1954-08-30")]);
    // The first row's listing date is kept.
    assert_eq!(lukashenko.listed_on.as_deref(), Some("2020-11-06"));
}

#[test]
fn ofsi_ships_carry_their_imo_number() {
    let ships: Vec<&Entity> = ofsi().entities.iter().filter(|e| e.schema == Schema::Vessel).collect();
    assert!(ships.iter().all(|s| identifier(s, "IMO").len() == 1), "every ship has one IMO number");
}

#[test]
fn an_ofsi_workbook_is_recognised_by_its_last_updated_row() {
    let (list, format) = lists::detect(&[ofsi_file()], None).expect("detected");
    assert_eq!((list.as_str(), format), ("uk-ofsi", Format::UkOfsiXlsx));
}

#[test]
fn a_truncated_ofsi_workbook_is_refused_naming_the_file() {
    let err = lists::parse(Format::UkOfsiXlsx, &[truncated(&ofsi_file())]).expect_err("refused");
    assert!(matches!(err, ImportError::Sheet { .. }), "{err:?}");
    assert!(err.to_string().starts_with("data/lists/uk-ofsi/ConList.xlsx: "), "{err}");
}

#[test]
fn a_workbook_without_the_ofsi_columns_is_refused_naming_the_column() {
    // The DFAT workbook read as OFSI: no "Group ID" header.
    let err = lists::parse(Format::UkOfsiXlsx, &[dfat_file()]).expect_err("refused");
    assert!(matches!(err, ImportError::Layout { .. }), "{err:?}");
    assert!(err.to_string().contains("\"Group ID\""), "{err}");
}

#[test]
fn an_empty_workbook_is_refused() {
    let file = empty("ConList.xlsx");
    assert!(matches!(lists::detect(std::slice::from_ref(&file), None), Err(ImportError::Empty { .. })));
    assert!(lists::parse(Format::UkOfsiXlsx, &[file]).is_err());
}

// --- UK FCDO summary ODS --------------------------------------------------------------------

#[test]
fn the_fcdo_summary_is_recognised_by_its_extension() {
    let (list, format) = lists::detect(&[fcdo_file()], None).expect("detected");
    assert_eq!((list.as_str(), format), ("uk-fcdo", Format::UkFcdoOds));
}

/// 5,302 rows, of which two (BEL0174, RUS1467) have an empty Name and are skipped
/// with a warning, so 5,300 designations (3,752 individuals, 1,087 entities, 461 ships).
#[test]
fn fcdo_rows_are_designations_with_regime_and_source() {
    let parsed = lists::parse(Format::UkFcdoOds, &[fcdo_file()]).expect("imports");
    assert_eq!(parsed.entities.len(), 5300);
    assert_eq!(count(&parsed, Schema::Person), 3752);
    assert_eq!(count(&parsed, Schema::Organization), 1087);
    assert_eq!(count(&parsed, Schema::Vessel), 461);
    assert_eq!(parsed.published, None);
    let skipped: Vec<&str> = parsed.warnings.iter().filter_map(|w| w.entry_id.as_deref()).collect();
    assert_eq!(skipped, ["BEL0174", "RUS1467"]);
    let lukashenko = entry(&parsed, "BEL0045");
    assert_eq!(lukashenko.names[0].full, "Lukashenko Alexander Ryhorovich");
    assert_eq!(lukashenko.programs, ["Belarus"]);
    assert_eq!(lukashenko.listed_on.as_deref(), Some("2020-12-31"));
    assert_eq!(identifier(lukashenko, "OFSI Group ID"), ["13918"]);
    assert!(lukashenko.remarks.contains(&"Designation source: UK".to_string()));
}

#[test]
fn a_truncated_fcdo_summary_is_refused_naming_the_file() {
    let err = lists::parse(Format::UkFcdoOds, &[truncated(&fcdo_file())]).expect_err("refused");
    assert!(matches!(err, ImportError::Sheet { .. }), "{err:?}");
    assert!(err.to_string().starts_with("data/lists/uk-fcdo/UK_Sanctions_List_summary_2025-08-11.ods: "), "{err}");
}

// --- Australia DFAT regulation8_consolidated.xlsx ---------------------------------------------

#[test]
fn dfat_name_rows_group_into_3062_entries_by_reference_number() {
    let parsed = dfat();
    // 9,553 name rows; every number has exactly one "Primary Name" row.
    assert_eq!(parsed.entities.len(), 3062);
    assert_eq!(count(parsed, Schema::Person), 2316);
    assert_eq!(count(parsed, Schema::Organization), 746);
    assert!(parsed.entities.iter().all(|e| e.entry_id.chars().all(|c| c.is_ascii_digit())));
    // The file carries no publication date (only workbook metadata calamine does not read).
    assert_eq!(parsed.published, None);
}

#[test]
fn dfat_warns_only_about_citizenships_it_cannot_place() {
    // Trailing empty rows and the hand-typed vocabulary ("Primary Name ", "Aka", "Entity ")
    // pass silently; 18 citizenship cells name no country ("Congolese" is ambiguous x15,
    // "Possibly Ethiopian", "Kuwaiti citizenship withdrawn in 2002", "USSR (until 1991)").
    let parsed = dfat();
    assert_eq!(parsed.warnings.len(), 18);
    assert!(parsed.warnings.iter().all(|w| w.reason.starts_with("citizenship ")), "{:#?}", parsed.warnings);
    assert_eq!(parsed.warnings.iter().filter(|w| w.reason.contains("\"Congolese\"")).count(), 15);
}

#[test]
fn dfat_alias_rows_2a_and_2b_join_entry_2() {
    let akhund = entry(dfat(), "2");
    assert_eq!(akhund.names[0].full, "MOHAMMAD HASSAN AKHUND");
    assert_eq!(akhund.names[0].kind, NameKind::Primary);
    assert_eq!(kind_of(akhund, "محمد حسن أخوند"), Some(NameKind::Alias));
    let approximately = |from: &str, to: &str| BirthDate { date: from.into(), to: Some(to.into()), approximate: true };
    assert_eq!(akhund.birth_dates, [approximately("1955", "1958"), approximately("1945", "1950")]);
    assert_eq!(akhund.countries, ["af"]);
    assert_eq!(akhund.programs, ["1988 (Taliban)"]);
    assert_eq!(akhund.listed_on.as_deref(), Some("2001-01-25"));
    assert!(akhund.remarks.contains(&"Control date: 2014-12-15".to_string()));

    let kabir = entry(dfat(), "3");
    let names: Vec<(&str, NameKind)> = kabir.names.iter().map(|n| (n.full.as_str(), n.kind)).collect();
    assert_eq!(
        names,
        [
            ("Abdul Kabir Mohammad Jan", NameKind::Primary),
            ("A. Kabir", NameKind::Alias),
            ("عبد الکبیر محمد جان", NameKind::Alias)
        ]
    );
}

#[test]
fn dfat_demonyms_and_former_names_are_understood() {
    let parsed = dfat();
    // "Russian and Ukrainian" names two countries.
    let both = parsed.entities.iter().filter(|e| e.countries == ["ru", "ua"]).count();
    assert!(both >= 30, "{both} entries are Russian and Ukrainian");
    // "Formerly known as" and "Previously listed as" rows are former names; the line break
    // inside a name is folded.
    let adf = entry(parsed, "2943");
    assert_eq!(kind_of(adf, "ADF/NALU"), Some(NameKind::Former));
    assert_eq!(
        kind_of(adf, "Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda"),
        Some(NameKind::Former)
    );
    assert_eq!(kind_of(entry(parsed, "2954"), "Qari Rahmat"), Some(NameKind::Former));
}

#[test]
fn a_dfat_workbook_is_recognised_by_its_reference_header() {
    let (list, format) = lists::detect(&[dfat_file()], None).expect("detected");
    assert_eq!((list.as_str(), format), ("au-dfat", Format::AustraliaXlsx));
}

#[test]
fn a_truncated_dfat_workbook_is_refused_naming_the_file() {
    let err = lists::parse(Format::AustraliaXlsx, &[truncated(&dfat_file())]).expect_err("refused");
    assert!(matches!(err, ImportError::Sheet { .. }), "{err:?}");
    assert!(err.to_string().starts_with("data/lists/au-dfat/regulation8_consolidated.xlsx: "), "{err}");
}

#[test]
fn the_ofsi_workbook_read_as_dfat_is_refused_naming_the_column() {
    let err = lists::parse(Format::AustraliaXlsx, &[ofsi_file()]).expect_err("refused");
    assert!(matches!(err, ImportError::Layout { .. }), "{err:?}");
    assert!(err.to_string().contains("\"Reference\""), "{err}");
}

// --- OpenSanctions FollowTheMoney JSON lines ------------------------------------------------

const CST: &str = "NK-abdzbEBkqyT29GyREbiURZ";
const KALASHNIKOV: &str = "NK-nR5AXM9AVPq4pQaSPSaVam";
const ZAKHAROV: &str = "NK-aU5ybkbRFJucf8YMwsJvDw";

fn zala() -> Parsed {
    lists::parse(Format::FtmJson, &[zala_file()]).expect("the ZALA sample imports")
}

fn relations(entity: &Entity, other: &str) -> Vec<String> {
    entity.links.iter().filter(|l| l.entry_id.as_deref() == Some(other)).map(|l| l.relation.clone()).collect()
}

#[test]
fn the_zala_sample_has_17_parties_among_91_entities() {
    // 91 lines: 6 Person and 11 Company are parties; 41 Sanction, 14 Ownership, 11 Address,
    // 4 Family, 3 Directorship and 1 Passport (without a number) describe them.
    let parsed = zala();
    assert_eq!(parsed.entities.len(), 17);
    assert_eq!(count(&parsed, Schema::Person), 6);
    assert_eq!(count(&parsed, Schema::Organization), 11);
    assert!(parsed.warnings.is_empty(), "{:#?}", parsed.warnings);
    assert_eq!(parsed.published, None);
}

#[test]
fn ftm_ownership_and_directorship_become_links_on_both_parties() {
    let parsed = zala();
    let cst = entry(&parsed, CST);
    assert_eq!(cst.names[0].full, "LLC CST");
    assert_eq!(relations(cst, KALASHNIKOV), ["owned by (subsidiary of)", "owned by 49%"]);
    assert_eq!(
        relations(cst, ZAKHAROV),
        [
            "has director (Leader or official of)",
            "owned by 50% until 2023-03-02",
            "owned by 48% until 2023-12-21",
            "owned by 51%"
        ]
    );
    assert!(cst
        .links
        .iter()
        .any(|l| l.entry_id.as_deref() == Some(KALASHNIKOV) && l.name == "JSC Kalashnikov Concern"));
    assert_eq!(relations(entry(&parsed, KALASHNIKOV), CST), ["owner of (subsidiary of)", "owner of 49%"]);
    let zakharov = entry(&parsed, ZAKHAROV);
    assert!(relations(zakharov, CST).contains(&"director of (Leader or official of)".to_string()));
    assert!(relations(zakharov, CST).contains(&"owner of 51%".to_string()));
    // Four relatives point at him.
    assert_eq!(zakharov.links.iter().filter(|l| l.relation == "family (Family member of)").count(), 4);
}

#[test]
fn ftm_sanctions_give_programmes_and_the_listing_date() {
    let parsed = zala();
    let cst = entry(&parsed, CST);
    for program in ["EU-UKR", "GB-RUS", "US-RUSHAR", "AU-RUSSIA"] {
        assert!(cst.programs.contains(&program.to_string()), "{program} in {:?}", cst.programs);
    }
    assert!(cst
        .remarks
        .iter()
        .any(|r| r.starts_with("Sanctioned by: ") && r.contains("Office of Foreign Assets Control")));
    assert_eq!(cst.countries, ["ru"]);
    assert_eq!(identifier(cst, "INN"), ["1841015504"]);
    // A previous name is a former name.
    let osetrova = entry(&parsed, "NK-2Tbri3s6GgNtAwsSXh4qpL");
    assert_eq!(osetrova.names[0].full, "Maria Aleksandrovna Osetrova");
    assert_eq!(kind_of(osetrova, "Maria Aleksandrovna Zakharova"), Some(NameKind::Former));
}

#[test]
fn an_ftm_export_is_named_after_its_first_dataset() {
    let (list, format) = lists::detect(&[eu_fsf_file()], None).expect("detected");
    assert_eq!((list.as_str(), format), ("os-eu_fsf", Format::FtmJson));
    // The ZALA sample's first entity lists gb_coh_disqualified first.
    let (list, _) = lists::detect(&[zala_file()], None).expect("detected");
    assert_eq!(list, "os-gb_coh_disqualified");
}

#[test]
fn the_list_id_survives_a_first_line_longer_than_the_detection_head() {
    let head = r#"{"id":"x","schema":"Person","datasets": ["US OFAC/SDN"],"properties":{"name":["A"#;
    assert_eq!(lists::ftm::list_id_from_head(head), "os-usofacsdn");
    assert_eq!(
        lists::ftm::list_id_from_head(r#"{"id":"x","schema":"Person","datasets":[],"caption":"B"}"#),
        "opensanctions"
    );
}

#[test]
fn the_eu_fsf_sample_reads_persons_and_organisations() {
    let parsed = lists::parse(Format::FtmJson, &[eu_fsf_file()]).expect("imports");
    // 7 lines: 4 Person, 2 Organization, 1 Address.
    assert_eq!(parsed.entities.len(), 6);
    assert_eq!(count(&parsed, Schema::Person), 4);
    let kuzmenko = entry(&parsed, "NK-2Ka3UvopqbpZmVDFjWd4LA");
    assert_eq!(kuzmenko.names[0].full, "Vitaly Yurievich KUZMENKO");
    assert_eq!(kind_of(kuzmenko, "Виталий Юрьевич КУЗЬМЕНКО"), Some(NameKind::Alias));
    assert_eq!(kuzmenko.birth_dates, [BirthDate::exact("1971-01-22")]);
    assert_eq!(kuzmenko.countries, ["ru"]);
    assert_eq!(identifier(kuzmenko, "Tax Number"), ["366510784303"]);
    assert_eq!(kuzmenko.listed_on.as_deref(), Some("2024-02-23"));
}

#[test]
fn a_truncated_ftm_file_is_refused_naming_the_line_where_it_breaks() {
    let file = truncated(&zala_file());
    let line = file.bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let err = lists::parse(Format::FtmJson, &[file]).expect_err("refused");
    match &err {
        ImportError::Json { line: at, .. } => assert_eq!(*at, line),
        other => panic!("expected a JSON error, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("tests/fixtures/opensanctions/zala_sample.entities.ftm.json, line {line}: ")),
        "{message}"
    );
}

#[test]
fn one_broken_ftm_line_in_the_middle_costs_one_record() {
    let mut file = eu_fsf_file();
    let text = String::from_utf8(file.bytes).expect("UTF-8");
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1] = "{\"id\": \"broken\", \"schema\": ";
    file.bytes = (lines.join("\n") + "\n").into_bytes();
    let parsed = lists::parse(Format::FtmJson, &[file]).expect("imports the rest");
    assert_eq!(parsed.entities.len(), 5);
    assert_eq!(parsed.warnings.len(), 1);
    assert_eq!(parsed.warnings[0].line, Some(2));
}

#[test]
fn a_latin1_byte_in_an_ftm_file_is_refused_naming_its_line() {
    let mut file = eu_fsf_file();
    let at = file.bytes.iter().position(|&b| b == b'\n').expect("two lines") + 20;
    file.bytes[at] = 0xE9;
    let err = lists::parse(Format::FtmJson, &[file]).expect_err("refused");
    assert!(matches!(err, ImportError::Encoding { line: 2, .. }), "{err:?}");
}

#[test]
fn an_empty_ftm_file_is_refused() {
    let file = empty("entities.ftm.json");
    assert!(matches!(lists::detect(std::slice::from_ref(&file), None), Err(ImportError::Empty { .. })));
    assert!(matches!(lists::parse(Format::FtmJson, &[file]), Err(ImportError::Empty { .. })));
}
