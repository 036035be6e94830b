//! Importing the UN Security Council list, Canada's SEMA list and the EU FSF file: the real
//! bundled files (UN, Canada) and the hand-written FSF 1.1 sample (see its README), read the
//! way `klaring import` reads them.

use klaring::lists::{detect, parse, Format, ImportError, Parsed, SourceFile};
use klaring::model::{BirthDate, Entity, NameKind, Schema};

const UN: &str = "data/lists/un-sc/consolidated.xml";
const CANADA: &str = "data/lists/ca-sema/sema-lmes.xml";
const EU: &str = "tests/fixtures/eu-fsf/eu_fsf_sample.xml";

fn file(path: &str) -> SourceFile {
    let bytes = std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).expect("bundled test file");
    SourceFile { name: path.to_string(), bytes }
}

fn import(format: Format, path: &str) -> Parsed {
    parse(format, &[file(path)]).expect("the file imports")
}

fn entry<'a>(parsed: &'a Parsed, entry_id: &str) -> &'a Entity {
    parsed.entities.iter().find(|e| e.entry_id == entry_id).unwrap_or_else(|| panic!("no entry {entry_id}"))
}

fn names(entity: &Entity) -> Vec<(&str, NameKind)> {
    entity.names.iter().map(|n| (n.full.as_str(), n.kind)).collect()
}

fn range(from: &str, to: &str, approximate: bool) -> BirthDate {
    BirthDate { date: from.into(), to: Some(to.into()), approximate }
}

fn approx(date: &str) -> BirthDate {
    BirthDate { date: date.into(), to: None, approximate: true }
}

// --- UN Security Council --------------------------------------------------------------------

#[test]
fn the_un_list_imports_all_individuals_and_entities_with_its_generation_date() {
    let un = import(Format::UnXml, UN);
    assert_eq!(un.entities.len(), 1003, "SOURCES.md: 730 individuals + 273 entities");
    assert_eq!(un.entities.iter().filter(|e| e.schema == Schema::Person).count(), 730);
    assert_eq!(un.entities.iter().filter(|e| e.schema == Schema::Organization).count(), 273);
    assert_eq!(un.published.as_deref(), Some("2026-02-27"));
    assert!(un.warnings.is_empty(), "every record has a DATAID and a name: {:?}", un.warnings);
}

#[test]
fn a_un_individual_keeps_name_parts_original_script_ranges_and_approximate_years() {
    let un = import(Format::UnXml, UN);
    let khadem = entry(&un, "111041");
    assert_eq!(khadem.schema, Schema::Person);
    assert_eq!(
        names(khadem),
        [
            ("ABDUL RAUF KHADEM", NameKind::Primary),
            ("عبدالروف خادم", NameKind::Alias),
            ("Mullah Abdul Rauf Aliza", NameKind::Alias),
        ]
    );
    // TYPE_OF_DATE BETWEEN 1958–1963, then APPROXIMATELY 1970.
    assert_eq!(khadem.birth_dates, [range("1958", "1963", false), approx("1970")]);
    assert_eq!(khadem.places_of_birth[0], "Azan village, Kajaki District, Helmand Province, Afghanistan");
    assert_eq!(khadem.countries, ["af"]);
    assert_eq!(khadem.programs, ["Taliban"]);
    assert_eq!(khadem.listed_on.as_deref(), Some("2001-02-23"));
    assert!(khadem.identifiers.iter().any(|i| i.kind == "UN reference" && i.value == "TAi.025"));
    assert!(khadem.remarks.contains(&"Title: Mullah".to_string()));

    // A BETWEEN range whose NOTE says "Approximately" is an approximate range.
    assert_eq!(entry(&un, "110577").birth_dates, [range("1955", "1958", true), range("1945", "1950", true)]);
}

#[test]
fn un_alias_quality_decides_the_alias_kind() {
    let un = import(Format::UnXml, UN);
    // QUALITY Low is a weak alias; Good stays a plain alias.
    let gaston = entry(&un, "6907995");
    assert_eq!(
        names(gaston)[..3],
        [
            ("GASTON IYAMUREMYE", NameKind::Primary),
            ("Rumuli", NameKind::WeakAlias),
            ("Byiringiro Victor Rumuli", NameKind::Alias)
        ]
    );
    // Nationality Rwanda, address in the DRC.
    assert_eq!(gaston.countries, ["rw", "cd"]);
    assert_eq!(gaston.programs, ["DRC"]);
    // f.k.a. is a former name.
    assert!(names(entry(&un, "6908402")).contains(&("ADF/NALU", NameKind::Former)));
    // The Iran list packs several names into one ALIAS_NAME with ";".
    assert_eq!(
        names(entry(&un, "110444"))[1..],
        [("Azim Adhajani", NameKind::Alias), ("Azim Agha-Jani", NameKind::Alias)]
    );
    // Documents keep their type and issuing country.
    let passport = entry(&un, "6908012").identifiers.iter().find(|i| i.kind == "Passport").expect("passport");
    assert_eq!((passport.value.as_str(), passport.country.as_deref()), ("OB 0243318", Some("cd")));
}

#[test]
fn a_truncated_un_file_is_refused_with_the_line_where_it_breaks() {
    let mut un = file(UN);
    let mut half = un.bytes.len() / 2;
    while un.bytes[half] & 0xC0 == 0x80 {
        half -= 1; // Cut on a character boundary, so the XML (not the UTF-8) is what breaks.
    }
    un.bytes.truncate(half);
    let last_line = un.bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let err = parse(Format::UnXml, &[un]).expect_err("truncated XML");
    let ImportError::Xml { file, line, .. } = &err else { panic!("expected an XML error, got {err}") };
    assert_eq!(file, UN);
    assert_eq!(*line, last_line, "the error points at the cut, not at the root element");
    let message = err.to_string();
    assert!(message.contains(UN) && message.contains(&format!("line {line}")), "{message}");
}

#[test]
fn a_different_xml_root_is_not_taken_for_a_un_list() {
    let html = SourceFile { name: "page.xml".into(), bytes: b"<?xml version=\"1.0\"?>\n<html><body/></html>".to_vec() };
    assert!(matches!(detect(std::slice::from_ref(&html), None), Err(ImportError::UnknownFormat { .. })));
    assert!(matches!(parse(Format::UnXml, &[html]), Err(ImportError::Layout { .. })));
}

// --- Canada -----------------------------------------------------------------------------------

#[test]
fn the_canada_list_imports_every_record_under_its_regime_schedule_item_key() {
    let ca = import(Format::CanadaXml, CANADA);
    assert_eq!(ca.entities.len(), 4759, "SOURCES.md: 4,759 records, no duplicate keys");
    let count = |schema| ca.entities.iter().filter(|e| e.schema == schema).count();
    assert_eq!((count(Schema::Person), count(Schema::Organization), count(Schema::Vessel)), (3334, 1316, 109));
    assert!(ca.warnings.is_empty(), "{:?}", ca.warnings);
    // The file prints no publication date (the newest DateOfListing is not one).
    assert_eq!(ca.published, None);
    for id in ["Russia|1, Part 1|952", "Venezuela||5", "Zimbabwe||99", "Haiti|Part 3|1"] {
        entry(&ca, id);
    }
}

#[test]
fn a_canada_person_has_the_regime_as_programme_and_no_country() {
    let ca = import(Format::CanadaXml, CANADA);
    let serdyukova = entry(&ca, "Russia|1, Part 1|952");
    assert_eq!(
        names(serdyukova),
        [("Natalya Anatolevna SERDYUKOVA", NameKind::Primary), ("Наталья Анатольевна Сердюкова", NameKind::Alias)]
    );
    assert_eq!(serdyukova.programs, ["Russia"]);
    assert!(serdyukova.countries.is_empty(), "the regime is not the party's nationality");
    assert_eq!(serdyukova.listed_on.as_deref(), Some("2022-08-19"));
    // "Venezuela " (trailing space) and an empty Schedule give "Venezuela||5".
    assert_eq!(entry(&ca, "Venezuela||5").names[0].full, "Tarek Willians SAAB HALABI");
    // "Mugabe\u{a0}": the no-break space is trimmed.
    let mugabe = entry(&ca, "Zimbabwe||1");
    assert_eq!(mugabe.names[0].full, "Robert Gabriel Mugabe");
    assert_eq!(mugabe.birth_dates, [BirthDate::exact("1924-02-21")]);
}

#[test]
fn canada_aliases_are_split_into_whole_names_across_scripts() {
    let ca = import(Format::CanadaXml, CANADA);
    // "…, Belarusian: Мікалай …; Russian: Николай …, Коля Лукашенко": labels and separators go.
    let nikolai = entry(&ca, "Belarus|1, Part 1|120");
    assert_eq!(
        names(nikolai)[1..],
        [
            ("Mikalay Alyaksandravich Lukashenka", NameKind::Alias),
            ("Kolya Lukashenko", NameKind::Alias),
            ("Мікалай Аляксандравіч Лукашэнка", NameKind::Alias),
            ("Николай Александрович Лукашенко", NameKind::Alias),
            ("Коля Лукашенко", NameKind::Alias),
        ]
    );
    // "Баранов, Олег Анатольевич" is SURNAME, Given: one name, kept as written.
    assert_eq!(names(entry(&ca, "Russia|1, Part 1.1|37"))[1], ("Баранов, Олег Анатольевич", NameKind::Alias));
    // A long Russian official name with inner commas stays whole; "or" separates.
    let rossotrudnichestvo = entry(&ca, "Russia|1, Part 2|181");
    assert!(rossotrudnichestvo.names[1]
        .full
        .starts_with("Федеральное агентство по делам Содружества Независимых Государств, соотечественников,"));
    assert_eq!(rossotrudnichestvo.names[2].full, "Россотрудничество");
    // "Sergei, Serhii SHERBAKOV": a bare given name is a weak alias.
    assert_eq!(
        names(entry(&ca, "Russia|1, Part 1|115"))[1..],
        [("Sergei", NameKind::WeakAlias), ("Serhii SHERBAKOV", NameKind::Alias)]
    );
    // "Baltex Ltd. (also known as Baltech LLC)" in the entity name itself.
    assert_eq!(
        names(entry(&ca, "Russia|1, Part 2|604"))[..2],
        [("Baltex Ltd.", NameKind::Primary), ("Baltech LLC", NameKind::Alias)]
    );
}

#[test]
fn a_canada_ship_is_a_vessel_with_its_imo_number() {
    let ca = import(Format::CanadaXml, CANADA);
    let savitri = entry(&ca, "Russia|1.1|37");
    assert_eq!(savitri.schema, Schema::Vessel);
    assert_eq!((savitri.identifiers[0].kind.as_str(), savitri.identifiers[0].value.as_str()), ("IMO", "9289752"));
    assert!(savitri.birth_dates.is_empty(), "a build date is not a birth date");
    assert_eq!(savitri.remarks, ["Type: Products Tanker", "Build date: 2005"]);
}

#[test]
fn a_repeated_canada_key_keeps_the_first_record_and_warns() {
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<data-set>\n\
        <record><Country>Russia / Russie</Country><LastName>A</LastName><Schedule>1, Part 1</Schedule><Item>7</Item></record>\n\
        <record><Country>Russia / Russie </Country><LastName>B</LastName><Schedule> 1, Part 1</Schedule><Item>7</Item></record>\n\
        <record><Country>Russia / Russie</Country><LastName>C</LastName></record>\n</data-set>\n";
    let ca = parse(Format::CanadaXml, &[SourceFile { name: "dup.xml".into(), bytes: xml.into() }]).expect("imports");
    assert_eq!(ca.entities.len(), 1);
    assert_eq!(ca.entities[0].names[0].full, "A");
    assert_eq!(ca.warnings.len(), 2);
    assert_eq!((ca.warnings[0].entry_id.as_deref(), ca.warnings[0].line), (Some("Russia|1, Part 1|7"), Some(4)));
    assert!(ca.warnings[0].reason.contains("duplicate entry id (first used on line 3)"));
    assert_eq!((ca.warnings[1].entry_id.as_deref(), ca.warnings[1].line), (None, Some(5)));
}

#[test]
fn a_latin_1_canada_file_is_refused_with_the_line_of_the_first_bad_byte() {
    let mut ca = file(CANADA);
    // "Bélarus" on line 4, re-encoded as Latin-1: é is the single byte 0xE9.
    let at = ca.bytes.windows(2).position(|w| w == "é".as_bytes()).expect("an é");
    ca.bytes.splice(at..at + 2, [0xE9]);
    let err = parse(Format::CanadaXml, &[ca]).expect_err("not UTF-8");
    assert!(matches!(err, ImportError::Encoding { line: 4, .. }), "{err}");
    assert!(err.to_string().contains(CANADA) && err.to_string().contains("0xE9"), "{err}");
}

#[test]
fn an_empty_file_is_refused_as_empty() {
    for format in [Format::UnXml, Format::CanadaXml, Format::EuFsfXml] {
        let empty = SourceFile { name: "empty.xml".into(), bytes: b" \n".to_vec() };
        assert!(matches!(parse(format, std::slice::from_ref(&empty)), Err(ImportError::Empty { .. })));
        assert!(matches!(detect(&[empty], None), Err(ImportError::Empty { .. })));
    }
}

// --- EU FSF -----------------------------------------------------------------------------------

#[test]
fn the_eu_sample_imports_every_sanction_entity_with_its_generation_date() {
    let eu = import(Format::EuFsfXml, EU);
    assert_eq!(eu.entities.len(), 6, "4 real parties and 2 fictional ones, see the fixture README");
    assert_eq!(eu.published.as_deref(), Some("2024-06-01"));
    assert!(eu.warnings.is_empty(), "{:?}", eu.warnings);
}

#[test]
fn an_eu_person_has_strong_names_first_and_citizenship_countries() {
    let eu = import(Format::EuFsfXml, EU);
    let kuzmenko = entry(&eu, "162301");
    assert_eq!(kuzmenko.schema, Schema::Person);
    assert_eq!(
        names(kuzmenko),
        [
            ("Vitaly Yurievich KUZMENKO", NameKind::Primary),
            ("Виталий Юрьевич КУЗЬМЕНКО", NameKind::Alias),
            // wholeName is empty: built from firstName and lastName.
            ("Vitalij Kuzmenko", NameKind::Alias),
        ]
    );
    assert_eq!(kuzmenko.birth_dates, [BirthDate::exact("1971-01-22")]);
    assert_eq!(kuzmenko.countries, ["ru"]);
    assert_eq!(kuzmenko.programs, ["UKR"]);
    assert_eq!(kuzmenko.listed_on.as_deref(), Some("2024-02-23"));
    assert!(kuzmenko.identifiers.iter().any(|i| i.kind == "EU reference" && i.value == "EU.11179.96"));
    assert!(kuzmenko.identifiers.iter().any(|i| i.kind == "Fiscal Code" && i.value == "366510784303"));
    assert!(kuzmenko.remarks.contains(&"Function: General Director of JSC 163 Armor Repair Plant".to_string()));

    // Without designationDate the listing date is the first regulation's publication.
    assert_eq!(entry(&eu, "13").listed_on.as_deref(), Some("2003-07-08"));
}

#[test]
fn eu_weak_aliases_circa_and_year_only_dates_and_unknown_countries() {
    let eu = import(Format::EuFsfXml, EU);
    let primerov = entry(&eu, "900101");
    assert_eq!(names(primerov)[3], ("Vanya", NameKind::WeakAlias));
    assert_eq!(primerov.birth_dates, [approx("1970"), BirthDate::exact("1972"), range("1968", "1971", true)]);
    // The second citizenship is "00"/UNKNOWN: no country.
    assert_eq!(primerov.countries, ["by"]);
    assert_eq!(primerov.addresses, ["Sovetskaya street 1, 246000, Gomel, BELARUS"]);
    let passport = primerov.identifiers.iter().find(|i| i.kind == "National passport").expect("passport");
    assert_eq!((passport.value.as_str(), passport.country.as_deref()), ("MP0000001", Some("by")));
}

#[test]
fn an_eu_enterprise_is_an_organisation_with_its_programme_and_registration() {
    let eu = import(Format::EuFsfXml, EU);
    let inter_tobacco = entry(&eu, "12345");
    assert_eq!(inter_tobacco.schema, Schema::Organization);
    assert_eq!(inter_tobacco.names[0].full, "“Inter Tobacco” LLC");
    assert_eq!(inter_tobacco.names.len(), 6);
    assert_eq!(inter_tobacco.programs, ["BLR"]);
    assert_eq!(inter_tobacco.countries, ["by"]);
    assert_eq!(inter_tobacco.remarks, ["Belarus (Minsk Free Economic Zone)"]);
    assert!(inter_tobacco.identifiers.iter().any(|i| i.kind == "Registration Number" && i.value == "808000714"));
}

#[test]
fn an_export_root_outside_the_fsf_namespace_is_refused() {
    let other = SourceFile {
        name: "export.xml".into(),
        bytes: b"<export generationDate=\"2024-06-01\"><sanctionEntity logicalId=\"1\"/></export>".to_vec(),
    };
    assert!(matches!(detect(std::slice::from_ref(&other), None), Err(ImportError::UnknownFormat { .. })));
    let err = parse(Format::EuFsfXml, &[other]).expect_err("wrong namespace");
    assert!(
        matches!(err, ImportError::Layout { .. }) && err.to_string().contains("http://eu.europa.ec/fpi/fsd/export"),
        "{err}"
    );
}

// --- Detection --------------------------------------------------------------------------------

#[test]
fn each_file_is_recognised_as_its_list_and_format() {
    assert_eq!(detect(&[file(UN)], None).unwrap(), ("un-sc".to_string(), Format::UnXml));
    assert_eq!(detect(&[file(CANADA)], None).unwrap(), ("ca-sema".to_string(), Format::CanadaXml));
    assert_eq!(detect(&[file(EU)], None).unwrap(), ("eu-fsf".to_string(), Format::EuFsfXml));
}
