//! Screening scenarios over the real bundled lists, as an export manager meets them: the
//! listed party written another way must alert, with an explanation a reviewer can check; an
//! innocent namesake must not.

use klaring::app;
use klaring::matching::{Hit, Query, DEFAULT_THRESHOLD};
use klaring::model::Schema;
use klaring::screening::Screener;
use std::sync::OnceLock;

fn screener() -> &'static Screener {
    static SCREENER: OnceLock<(tempfile::TempDir, Screener)> = OnceLock::new();
    &SCREENER
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let store = app::open(dir.path()).unwrap();
            let screener = Screener::load(&store).unwrap();
            (dir, screener)
        })
        .1
}

fn person(name: &str) -> Query {
    Query { name: name.into(), schema: Some(Schema::Person), ..Query::default() }
}

fn organization(name: &str) -> Query {
    Query { name: name.into(), schema: Some(Schema::Organization), ..Query::default() }
}

fn alerts(query: &Query) -> Vec<Hit> {
    screener().screen(None, query, DEFAULT_THRESHOLD).unwrap().hits
}

fn alerted(query: &Query, list: &str, entry_id: &str) -> Hit {
    let hits = alerts(query);
    hits.iter().find(|h| h.list == list && h.entry_id == entry_id).cloned().unwrap_or_else(|| {
        let got: Vec<String> =
            hits.iter().take(5).map(|h| format!("{} {} {} {}", h.list, h.entry_id, h.score, h.name)).collect();
        panic!("{:?} should alert on {list} {entry_id}; got {got:#?}", query.name)
    })
}

#[test]
fn a_listed_person_is_found_exactly_with_an_explanation() {
    let hit = alerted(&person("Murad Stanislavovich GADZHIYEV"), "ofac-sdn", "35587");
    assert_eq!(hit.score, 1.0);
    expect_test::expect!["name 1.00: murad = murad; stanislavovich = stanislavovich; gadzhiyev = gadzhiyev"]
        .assert_eq(&hit.explanation.summary);
}

#[test]
fn a_typo_still_finds_the_listed_person() {
    let hit = alerted(&person("Ednba Madzongwe"), "ca-sema", "Zimbabwe||99");
    expect_test::expect!["name 0.95: ednba ≈ edna (spelling, 0.90); madzongwe = madzongwe"]
        .assert_eq(&hit.explanation.summary);
}

#[test]
fn surname_first_with_a_comma_finds_the_same_person() {
    alerted(&person("GADZHIYEV, Murad Stanislavovich"), "ofac-sdn", "35587");
}

#[test]
fn a_name_written_in_cyrillic_finds_the_latin_entry() {
    let hit = alerted(&person("Сергей Борисович БРИЛЕВ"), "au-dfat", "7218");
    assert!(hit.explanation.pairs.iter().any(|p| p.query == "sergey"), "{:?}", hit.explanation.pairs);
}

#[test]
fn names_written_in_arabic_greek_and_chinese_script_find_the_latin_entries() {
    alerted(&person("عمر باتيك"), "ofac-sdn", "12599"); // Umar Patek
    alerted(&person("Ομάρ Πάτεκ"), "au-dfat", "1269");
    alerted(&person("李方伟"), "ofac-sdn", "11447"); // LI, Fangwei
}

#[test]
fn a_latin_query_finds_an_entry_listed_in_arabic_script_and_the_reverse() {
    alerted(&person("موسى بن عمر بن علي السعدي"), "au-dfat", "407");
    alerted(&person("Moussa Ben Omar Ben Ali Essaadi"), "uk-ofsi", "7798");
}

#[test]
fn spelling_variants_of_transliterated_names_are_found() {
    // The list writes "RUSANOV, Igor Valerievich"; Ukrainian romanisation writes Ihor.
    alerted(&person("Ihor Valeryevich RUSANOV"), "ofac-sdn", "36957");
    // "Abu" as "Abou".
    alerted(&person("AL-LIBI, Abou Yahya"), "ofac-sdn", "12888");
}

#[test]
fn particles_split_or_joined_are_found() {
    let hit = alerted(&person("ALKHATIB, Ahmad"), "ofac-sdn", "34278");
    expect_test::expect!["name 1.00: alkhatib = alkhatib; ahmad = ahmad"].assert_eq(&hit.explanation.summary);
    alerted(&person("MOUSSA BENOMAR BEN ALI ESSAADI"), "au-dfat", "407");
}

#[test]
fn a_company_under_another_legal_form_is_found() {
    let hit = alerted(&organization("Marine Trans Shipping JSC"), "ofac-sdn", "37066");
    assert!(hit.explanation.legal_forms_ignored.contains(&"jsc".to_string()), "{:?}", hit.explanation);
}

#[test]
fn look_alike_letters_and_invisible_characters_do_not_hide_a_listed_party() {
    // Cyrillic "а" and "о", a zero-width space and a no-break space.
    let evasive = "M\u{0430}rine Tr\u{0430}ns\u{200b} Shipping\u{a0}LLC";
    alerted(&organization(evasive), "ofac-sdn", "37066");
    // Doubled and dropped letters.
    alerted(&organization("Marrine Trans Shiping LLC"), "ofac-sdn", "37066");
    alerted(&person("Murad Stanislavovich GADZHIYYEV"), "ofac-sdn", "35587");
}

#[test]
fn an_innocent_namesake_sharing_a_common_token_does_not_alert() {
    for name in [
        "Mohammed van den Berg",
        "Ali Bakker",
        "Jasmine Adams",
        "Noord Electronics B.V.",
        "Ahmed Hassan Trading",
        "Global Trading Bank",
        "Bank of Utrecht",
    ] {
        let hits = alerts(&Query { name: name.into(), ..Query::default() });
        assert!(
            hits.is_empty(),
            "{name} should not alert, got {:?}",
            hits.iter().map(|h| (&h.list, &h.entry_id, h.score, &h.name)).collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_conflicting_birth_date_lowers_the_score_but_never_hides_an_exact_name() {
    let plain = alerted(&person("Murad Stanislavovich GADZHIYEV"), "ofac-sdn", "35587");
    let mut query = person("Murad Stanislavovich GADZHIYEV");
    query.birth_date = Some("1990".into());
    let conflicting = alerted(&query, "ofac-sdn", "35587");
    assert!(conflicting.score < plain.score);
    assert!(conflicting.score >= DEFAULT_THRESHOLD);
    let birth = conflicting.explanation.adjustments.iter().find(|a| a.factor == "birth_date").unwrap();
    assert!(birth.delta < 0.0 && birth.detail.contains("born 1990, listed person 1961"), "{birth:?}");
}

#[test]
fn a_matching_birth_date_raises_the_score_of_a_near_match() {
    let mut query = person("Ednba Madzongwe");
    let without = alerted(&query, "ca-sema", "Zimbabwe||99").score;
    query.birth_date = Some("1943-07-11".into());
    let with = alerted(&query, "ca-sema", "Zimbabwe||99").score;
    assert!(with > without, "{with} > {without}");
}

#[test]
fn an_absurd_query_is_refused_not_screened() {
    let err = screener().screen(None, &person(&"x".repeat(5000)), DEFAULT_THRESHOLD).unwrap_err();
    assert_eq!(err.to_string(), "the name has 5000 characters; names longer than 1000 are refused");
    assert!(screener().screen(None, &person(" -- "), DEFAULT_THRESHOLD).is_err());
}

#[test]
fn a_party_only_named_in_a_listed_entrys_links_is_found_through_that_entry() {
    // OFAC lists four officials of Turkey's defence procurement agency "Linked To: PRESIDENCY OF
    // DEFENSE INDUSTRIES"; screening the agency shows each of them, marked as a link.
    let hits = alerts(&organization("Presidency of Defense Industries"));
    let linked: Vec<(&str, &str)> = hits
        .iter()
        .filter(|h| h.link.as_ref().is_some_and(|l| l.relation == "linked_to"))
        .map(|h| (h.entry_id.as_str(), h.name.as_str()))
        .collect();
    assert_eq!(
        linked,
        [
            ("27018", "DEMIR, Ismail"),
            ("30685", "YIGIT, Faruk"),
            ("30686", "GENCOGLU, Serhat"),
            ("30687", "DENIZ, Mustafa Alper")
        ]
    );
    assert!(
        hits.iter().any(|h| h.list == "ofac-cons" && h.link.is_none()),
        "and its own entry on the consolidated list"
    );
}

#[test]
fn a_link_the_list_resolves_to_an_entry_hits_that_entry_only() {
    // Three tankers name their owner "NITC", the alias of NATIONAL IRANIAN TANKER COMPANY.
    let hits = alerts(&organization("NITC"));
    assert!(hits.iter().all(|h| h.link.is_none()), "{hits:#?}");
    assert_eq!(alerted(&organization("NITC"), "ofac-sdn", "15117").score, 1.0);
}
