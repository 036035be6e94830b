//! The news watch-list as an export manager meets it: the bundled seed is there on first use
//! with its sources; a surveillance vendor typed in as a counterparty (the factsheet's case 2)
//! brings up the stories about it with the words highlighted, an innocent name brings up
//! nothing; feeds come in over HTTP from a server on 127.0.0.1, hostile ones end as plain text
//! or in a clear error that names the source and changes nothing; a person's edit survives a
//! refresh; an export imports back as it was. No test reaches beyond 127.0.0.1.

use klaring::store::Store;
use klaring::watch::matching::{Reason, Subject, TextField, WatchMatch};
use klaring::watch::{self, FetchOptions, ImportKind, Origin, Relevance, WatchError, WatchItem, WatchQuery};
mod common;

use common::{Reply, Server};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

const USER: &str = "test-officer";

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/watch").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A store with the bundled seed, as a fresh install has it (without the sanctions lists).
fn seeded() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    watch::install_seed(&mut store).unwrap().expect("a fresh store installs the seed");
    store
}

fn all(store: &Store) -> Vec<WatchItem> {
    watch::list(store, &watch::ItemFilter::default()).unwrap()
}

fn counterparty(store: &Store, name: &str) -> Vec<WatchMatch> {
    watch::screen(store, &WatchQuery::counterparty(name)).unwrap().matches
}

fn ids(matches: &[WatchMatch]) -> Vec<&str> {
    matches.iter().map(|m| m.item.id.as_str()).collect()
}

// ---------------------------------------------------------------------------------------
// The seed

#[test]
fn a_fresh_install_has_the_39_seed_items_with_their_sources_and_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let store = klaring::app::open(dir.path()).unwrap();
    let items = all(&store);
    assert_eq!(items.len(), 39);
    for item in &items {
        assert_eq!(item.origin, Origin::Seed, "{}", item.id);
        assert_eq!(item.origin_source, "bundled:data/watch/seed.json");
        assert!(item.verified, "{}", item.id);
        assert!(!item.source.publisher.is_empty() && !item.source.title.is_empty(), "{}", item.id);
        assert!(item.url().is_some_and(|u| u.starts_with("https://") || u.starts_with("http://")), "{}", item.id);
        assert!(item.date.as_deref().is_some_and(|d| d.len() == 10), "{}", item.id);
    }
    let sandvine = items.iter().find(|i| i.id == "us-bis-2024-sandvine-egypt").unwrap();
    assert_eq!(sandvine.countries, ["ca", "eg", "us"]);
    assert_eq!(sandvine.parties[0].name, "Sandvine Inc.");

    // The import is recorded with the bundled file's hash (the one in data/README.md).
    let imports = watch::imports(&store).unwrap();
    assert_eq!(imports.len(), 1);
    let seed = &imports[0];
    assert_eq!((seed.kind, seed.items, seed.added), (ImportKind::Seed, 39, 39));
    assert_eq!(seed.sha256, "6f6ac4a394c77c04f0b4668ced41c940a6ff4da9f482fc40d1203c9ffd8642b3");
    assert!(seed.warnings.is_empty(), "{:?}", seed.warnings);
    drop(store);

    // Opening again imports nothing twice.
    let store = klaring::app::open(dir.path()).unwrap();
    assert_eq!(all(&store).len(), 39);
    assert_eq!(watch::imports(&store).unwrap().len(), 1);
}

#[test]
fn the_list_filters_by_tag_country_date_and_quick_find() {
    let store = seeded();
    let filter = |f: watch::ItemFilter| watch::list(&store, &f).unwrap().into_iter().map(|i| i.id).collect::<Vec<_>>();
    let facial = filter(watch::ItemFilter { tag: Some(watch::Tag::FacialRecognition), ..Default::default() });
    assert_eq!(facial.len(), 6);
    let egypt_2024 = filter(watch::ItemFilter {
        country: Some("EG".into()),
        since: Some("2024-01-01".into()),
        ..Default::default()
    });
    assert_eq!(egypt_2024, ["us-bis-2024-sandvine-egypt"]);
    let found = filter(watch::ItemFilter { text: Some("packetlogic turk".into()), ..Default::default() });
    assert_eq!(found, ["citizenlab-2018-sandvine-bad-traffic"]);
}

// ---------------------------------------------------------------------------------------
// Matching

#[test]
fn case_2_a_surveillance_vendor_as_counterparty_surfaces_its_stories_with_highlighted_words() {
    let store = seeded();
    let query = WatchQuery {
        subjects: vec![Subject { name: "SANDVINE INC".into(), role: "counterparty".into(), schema: None }],
        destination: Some("eg".into()),
    };
    let result = watch::screen(&store, &query).unwrap();
    assert_eq!(ids(&result.matches), ["us-bis-2024-sandvine-egypt", "citizenlab-2018-sandvine-bad-traffic"]);

    let top = &result.matches[0];
    assert_eq!(top.score, Some(1.0));
    let Reason::NamedParty { party, score, explanation, .. } = &top.reasons[0] else { panic!("{:?}", top.reasons) };
    assert_eq!((party.as_str(), *score), ("Sandvine Inc.", 1.0));
    assert!(explanation.contains("sandvine = sandvine"), "{explanation}");
    assert!(top.reasons.iter().any(|r| matches!(r, Reason::NameInText { field: TextField::Title, .. })));

    // Highlights point at the words as stored, in bytes and in UTF-16 code units.
    let title = &top.item.title;
    let in_title: Vec<_> = top.highlights.iter().filter(|h| h.field == TextField::Title).collect();
    assert_eq!(in_title.len(), 1);
    let h = in_title[0];
    assert_eq!((&title[h.start..h.end], h.text.as_str()), ("Sandvine", "Sandvine"));
    assert_eq!(title.find("Sandvine"), Some(h.start));
    let utf16: Vec<u16> = top.item.summary.encode_utf16().collect();
    for h in top.highlights.iter().filter(|h| h.field == TextField::Summary) {
        assert_eq!(String::from_utf16(&utf16[h.start_utf16..h.end_utf16]).unwrap(), "Sandvine");
    }
    assert_eq!(top.highlights.iter().filter(|h| h.field == TextField::Summary).count(), 2);

    // Items about Egypt that do not name Sandvine are context, apart from the matches.
    assert!(result.context.iter().all(|i| i.countries.contains(&"eg".to_string())));
    let context: Vec<&str> = result.context.iter().map(|i| i.id.as_str()).collect();
    assert!(context.contains(&"it-2017-area-spa-egypt-licence"), "{context:?}");
    assert!(!context.contains(&"us-bis-2024-sandvine-egypt"));
}

#[test]
fn an_affiliate_matches_by_name_despite_legal_form_case_and_spelling() {
    let store = seeded();
    let query = WatchQuery {
        subjects: vec![
            Subject { name: "Van Dijk Netwerken B.V.".into(), role: "counterparty".into(), schema: None },
            Subject { name: "INTELEXA SA".into(), role: "owner".into(), schema: None },
        ],
        destination: None,
    };
    let result = watch::screen(&store, &query).unwrap();
    assert!(result.matches.iter().all(|m| m.subject.role == "owner"), "the counterparty is innocent");
    let found = ids(&result.matches);
    for id in ["us-bis-2023-intellexa-cytrox", "us-ofac-2024-03-intellexa"] {
        assert!(found.contains(&id), "{id} missing from {found:?}");
    }
    let m = result.matches.iter().find(|m| m.item.id == "us-bis-2023-intellexa-cytrox").unwrap();
    let Reason::NamedParty { party, score, .. } = &m.reasons[0] else { panic!("{:?}", m.reasons) };
    assert_eq!(party, "Intellexa S.A.");
    assert!(*score >= 0.8 && *score < 1.0, "a one-letter slip scores below exact: {score}");
    assert!(m.highlights.iter().any(|h| h.field == TextField::Title && h.text == "Intellexa"), "{:?}", m.highlights);
}

#[test]
fn a_name_in_the_text_matches_word_for_word_and_a_short_name_does_not_match_inside_words() {
    let mut store = Store::open_in_memory().unwrap();
    let item = watch::add_item(
        &mut store,
        &watch::NewItem {
            title: "Phone spyware sold by NSO Group to a Gulf agency".into(),
            summary: "The NSO Group's tool reached Mali and Somalia, Alibaba-hosted servers show; ali baba.".into(),
            source: watch::Source { publisher: "Test Wire".into(), title: String::new(), url: None },
            ..Default::default()
        },
        USER,
    )
    .unwrap();

    let found = counterparty(&store, "NSO Group");
    assert_eq!(ids(&found), [item.id.as_str()]);
    let texts: Vec<(TextField, &str)> = found[0].highlights.iter().map(|h| (h.field, h.text.as_str())).collect();
    assert_eq!(texts, [(TextField::Title, "NSO Group"), (TextField::Summary, "NSO Group")]);
    assert_eq!(found[0].score, None, "no named party: a text match only");

    // Legal forms and case do not matter; a name must be there whole.
    assert_eq!(counterparty(&store, "nso group ltd.").len(), 1);
    assert!(counterparty(&store, "NSO Gulf Holdings").is_empty());
    // "Ali" is not found in "Alibaba", "Mali", "Somalia", nor as the lower-case word "ali".
    assert!(counterparty(&store, "Ali").is_empty());
    assert!(counterparty(&store, "Hassan Ali").is_empty());
}

#[test]
fn innocent_names_surface_nothing() {
    let store = seeded();
    for name in [
        "Ali",
        "Ali Hassan",
        "Van der Berg Networking B.V.",
        "Hans Müller",
        "Positive Thinking Ltd",
        "Nordic Telecom AS",
    ] {
        let found = counterparty(&store, name);
        assert!(found.is_empty(), "{name:?} surfaced {:?}", ids(&found));
    }
}

#[test]
fn relevance_marks_are_kept_per_party_and_item_and_the_latest_counts() {
    let mut store = seeded();
    let item = "us-bis-2024-sandvine-egypt";
    let err = watch::mark(&mut store, "Sandvine Inc.", item, Relevance::Relevant, "  ", USER).unwrap_err();
    assert!(err.to_string().contains("reason"), "{err}");
    watch::mark(&mut store, "Sandvine Inc.", item, Relevance::Relevant, "Same company: Canadian DPI vendor", USER)
        .unwrap();
    watch::mark(
        &mut store,
        "SANDVINE INC",
        item,
        Relevance::NotRelevant,
        "Our customer is Sandvine Fisheries AS",
        USER,
    )
    .unwrap();
    let found = counterparty(&store, "Sandvine Inc");
    let marked = found.iter().find(|m| m.item.id == item).unwrap().mark.as_ref().expect("marked");
    assert_eq!(marked.relevance, Relevance::NotRelevant);
    assert_eq!(marked.reason, "Our customer is Sandvine Fisheries AS");
    assert_eq!(marked.marked_by, USER);
    assert!(found.iter().find(|m| m.item.id != item).unwrap().mark.is_none());
    assert!(matches!(
        watch::mark(&mut store, "Sandvine", "no-such-item", Relevance::Relevant, "x", USER),
        Err(WatchError::NoItem(_))
    ));
}

// ---------------------------------------------------------------------------------------
// Feeds over HTTP (a server on 127.0.0.1 only)

/// Short timeouts and no retries: these tests are about what is refused and why; retries are
/// the subject of `tests/update.rs`.
fn quick() -> FetchOptions {
    FetchOptions { timeout: Duration::from_secs(2), retries: 0, ..FetchOptions::default() }
}

#[test]
fn rss_and_atom_feeds_come_in_over_http_deduplicated_by_guid_and_url() {
    let server = Server::start(&[
        ("/rss.xml", Reply::Body(fixture("rss.xml"))),
        ("/atom.xml", Reply::Body(fixture("atom.xml"))),
    ]);
    let mut store = seeded();

    let rss = watch::import_url(&mut store, &server.url("/rss.xml"), &quick(), USER).unwrap();
    assert_eq!(rss.kind, ImportKind::Rss);
    // Four entries: two new, the same GUID again, and a story the seed has (same URL, written
    // with http and without the trailing slash).
    assert_eq!((rss.items, rss.added, rss.duplicates), (4, 2, 2), "{rss:?}");
    assert_eq!(rss.source, server.url("/rss.xml"));
    assert_eq!(rss.sha256.len(), 64);

    let items = all(&store);
    let nso = items.iter().find(|i| i.guid.as_deref() == Some("urn:klaring-test:rss-1")).unwrap();
    assert_eq!(nso.title, "Spyware sold by NSO Group to a Gulf agency, researchers say");
    assert_eq!(
        nso.summary,
        "Researchers said a phone-hacking tool sold by NSO Group to a Gulf intelligence agency was used against two \
         journalists.\n\nThe company did not comment."
    );
    assert_eq!(nso.date.as_deref(), Some("2025-03-11"));
    assert_eq!(nso.tags, [watch::Tag::Spyware]);
    assert_eq!(nso.source.publisher, "Surveillance Export Monitor (test fixture)");
    assert_eq!((nso.origin, nso.added_by.as_str()), (Origin::Feed, USER));
    let no_guid = items.iter().find(|i| i.url() == Some("https://news.example.org/2025/02/dubai-reseller")).unwrap();
    assert_eq!(no_guid.guid, None);
    assert_eq!(
        no_guid.summary,
        "A reseller in Dubai re-exported deep packet inspection boxes & licences to a state telecom operator."
    );

    // Fetching again brings nothing new: every entry is known by GUID or URL.
    let again = watch::import_url(&mut store, &server.url("/rss.xml"), &quick(), USER).unwrap();
    assert_eq!((again.added, again.updated, again.unchanged, again.duplicates), (0, 0, 2, 2));
    assert_eq!(all(&store).len(), 41);

    let atom = watch::import_url(&mut store, &server.url("/atom.xml"), &quick(), USER).unwrap();
    assert_eq!((atom.kind, atom.added), (ImportKind::Atom, 2));
    let li = all(&store).into_iter().find(|i| i.url() == Some("https://watch.example.net/2025/04/li-gateway")).unwrap();
    assert_eq!(li.title, "Lawful-interception gateway exported to a police body");
    assert_eq!(li.date.as_deref(), Some("2025-04-01"));
    assert_eq!(li.tags, [watch::Tag::Interception, watch::Tag::FacialRecognition]);
    assert!(li.summary.starts_with("An integrator delivered a mediation gateway"), "{}", li.summary);

    // Two feeds that number their entries alike ("1") are not taken for one story.
    let numbered = |host: &str| {
        format!(
            "<rss version=\"2.0\"><channel><title>{host}</title><item><guid isPermaLink=\"false\">1</guid>\
             <title>Story one at {host}</title><link>https://{host}/1</link></item></channel></rss>"
        )
        .into_bytes()
    };
    server.set("/a.xml", Reply::Body(numbered("a.example.org")));
    server.set("/b.xml", Reply::Body(numbered("b.example.org")));
    for path in ["/a.xml", "/b.xml"] {
        assert_eq!(watch::import_url(&mut store, &server.url(path), &quick(), USER).unwrap().added, 1, "{path}");
    }

    // A feed item is found by the same matching as the seed.
    let found = counterparty(&store, "NSO Group");
    assert!(ids(&found).contains(&nso.id.as_str()));
}

#[test]
fn a_hostile_feed_ends_as_plain_text_with_no_markup_and_no_script_links() {
    let server = Server::start(&[("/hostile.xml", Reply::Body(fixture("hostile.xml")))]);
    let mut store = Store::open_in_memory().unwrap();
    let report = watch::import_url(&mut store, &server.url("/hostile.xml"), &quick(), USER).unwrap();
    assert_eq!(report.added, 2, "{report:?}");
    assert!(report.warnings.iter().any(|w| w.contains("neither a GUID nor a link")), "{:?}", report.warnings);
    assert!(report.warnings.iter().any(|w| w.contains("not an http(s) address")), "{:?}", report.warnings);

    let items = all(&store);
    let stored = watch::export_json(&store).unwrap();
    for item in &items {
        for text in [&item.title, &item.summary, &item.source.publisher, &item.source.title] {
            assert!(!text.contains('<') && !text.contains('>'), "markup left in {text:?}");
            for bad in ["javascript", "vbscript", "onerror", "onclick", "exfil", "document.cookie", "\u{202E}"] {
                assert!(!text.to_lowercase().contains(bad), "{bad:?} left in {text:?}");
            }
        }
        assert_eq!(item.url(), None, "only http(s) links are kept");
    }
    assert!(!stored.contains("<script") && !stored.contains("<iframe") && !stored.contains("javascript:"));
    let first = items.iter().find(|i| i.guid.as_deref() == Some("urn:klaring-test:hostile-1")).unwrap();
    assert_eq!(first.title, "Vendor ships interception kit");
    assert!(first.summary.contains("Read the full report."), "{}", first.summary);
    assert!(first.summary.contains("Escaped twice: ‹script›alert(6)‹/script›"), "{}", first.summary);
    assert!(first.summary.contains("Bidi trick: gropu OSN"), "{}", first.summary);
    assert_eq!(
        items.iter().find(|i| i.guid.as_deref() == Some("urn:klaring-test:hostile-3")).unwrap().summary,
        "click"
    );
}

#[test]
fn refused_feeds_name_their_source_say_why_and_change_nothing() {
    let mb50 = 50 * 1024 * 1024;
    let server = Server::start(&[
        ("/bomb.xml", Reply::Body(fixture("entity-bomb.xml"))),
        ("/xxe.xml", Reply::Body(fixture("external-entity.xml"))),
        ("/invalid-utf8.xml", Reply::Body(fixture("invalid-utf8.xml"))),
        ("/page.html", Reply::Body(b"<!doctype html><html><body>Not a feed</body></html>".to_vec())),
        ("/json", Reply::Body(b"{\"version\": \"https://jsonfeed.org/version/1\"}".to_vec())),
        ("/error", Reply::Status(500)),
        ("/huge-declared", Reply::Huge { bytes: mb50, declared: true }),
        ("/huge-streamed", Reply::Huge { bytes: mb50, declared: false }),
        ("/hang", Reply::Silent(Duration::from_secs(6))),
    ]);
    let mut store = seeded();
    let before = watch::export_json(&store).unwrap();
    let cases = [
        ("/bomb.xml", "entity declarations"),
        ("/xxe.xml", "entity declarations"),
        ("/invalid-utf8.xml", "line 5: bytes that are not valid UTF-8"),
        ("/page.html", "not an RSS or Atom feed"),
        ("/json", "JSON"),
        ("/error", "HTTP 500"),
        ("/huge-declared", "larger than 10485760 bytes"),
        ("/huge-streamed", "larger than 10485760 bytes"),
        ("/hang", "timed out"),
        ("/missing", "HTTP 404"),
    ];
    for (path, says) in cases {
        let url = server.url(path);
        let started = Instant::now();
        let err = watch::import_url(&mut store, &url, &quick(), USER).expect_err(path).to_string();
        assert!(err.starts_with(&url), "{path}: the error names the source: {err}");
        assert!(err.contains(says), "{path}: {err}");
        assert!(started.elapsed() < Duration::from_secs(5), "{path} took {:?}", started.elapsed());
    }
    assert_eq!(watch::export_json(&store).unwrap(), before, "nothing changed");
    assert_eq!(watch::imports(&store).unwrap().len(), 1, "no import recorded");

    // The same limits hold for files: a 50 MB file is refused before it is read.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.xml");
    let mut file = std::fs::File::create(&big).unwrap();
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..50 {
        file.write_all(&chunk).unwrap();
    }
    drop(file);
    let err = watch::import_file(&mut store, &big, USER).unwrap_err().to_string();
    assert!(err.starts_with(&big.display().to_string()) && err.contains("larger than"), "{err}");
    let bomb = dir.path().join("bomb.xml");
    std::fs::write(&bomb, fixture("entity-bomb.xml")).unwrap();
    let err = watch::import_file(&mut store, &bomb, USER).unwrap_err().to_string();
    assert!(err.contains("bomb.xml, line 2") && err.contains("billion laughs"), "{err}");
    assert_eq!(watch::export_json(&store).unwrap(), before);
}

#[test]
fn a_feed_in_latin_1_is_read_in_its_declared_encoding() {
    let mut store = Store::open_in_memory().unwrap();
    let report = watch::import_bytes(&mut store, "latin1.xml", &fixture("latin1.xml"), None, USER).unwrap();
    assert_eq!(report.added, 1);
    let item = &all(&store)[0];
    assert_eq!(item.title, "Überwachungstechnik für Behörden");
    assert_eq!(item.summary, "Straße & Café");
}

#[test]
fn a_manual_edit_survives_a_refresh_of_the_configured_feed_and_every_change_is_recorded() {
    let server = Server::start(&[("/live.xml", Reply::Body(fixture("live-v1.xml")))]);
    let mut store = Store::open_in_memory().unwrap();
    watch::add_feed(&mut store, "live", &server.url("/live.xml"), USER).unwrap();
    let first = watch::refresh_feeds(&mut store, &quick(), USER).unwrap();
    assert_eq!(first[0].report.as_ref().map(|r| r.added), Some(1), "{first:?}");
    let id = all(&store)[0].id.clone();

    // The officer corrects the title and names the parties; the feed knows neither.
    let edit = watch::ItemEdit {
        title: Some("IMSI catchers sold to a border agency (title checked against the ministry's statement)".into()),
        parties: Some(vec![watch::Party {
            name: "Border Guard Service".into(),
            kind: watch::PartyKind::GovernmentBody,
            role: watch::PartyRole::EndUser,
        }]),
        countries: Some(vec!["RS".into()]),
        ..Default::default()
    };
    let edited = watch::edit_item(&mut store, &id, &edit, "officer-2").unwrap();
    assert_eq!(edited.edited_fields, [watch::Field::Title, watch::Field::Countries, watch::Field::Parties]);

    // The publisher updates the story; the refresh takes what nobody edited.
    server.set("/live.xml", Reply::Body(fixture("live-v2.xml")));
    let second = watch::refresh_feeds(&mut store, &quick(), USER).unwrap();
    assert_eq!(second[0].report.as_ref().map(|r| (r.added, r.updated)), Some((0, 1)), "{second:?}");
    let item = watch::item(&store, &id).unwrap();
    assert_eq!(item.title, edit.title.clone().unwrap());
    assert_eq!(item.parties[0].name, "Border Guard Service");
    assert_eq!(item.countries, ["rs"]);
    assert_eq!(item.summary, "Second version: the ministry confirmed the purchase.");
    assert_eq!(item.date.as_deref(), Some("2025-01-02"));
    assert_eq!((item.added_by.as_str(), item.edited_by.as_deref()), (USER, Some("officer-2")));

    let changes = watch::changes(&store, &id).unwrap();
    let kinds: Vec<_> = changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [watch::ChangeKind::Added, watch::ChangeKind::Edited, watch::ChangeKind::Refreshed]);
    // The publisher's own headline is kept up to date in the source; the title stays edited.
    let refreshed: Vec<watch::Field> = changes[2].fields.iter().map(|f| f.field).collect();
    assert_eq!(refreshed, [watch::Field::Summary, watch::Field::Date, watch::Field::Source]);
    assert_eq!(item.source.title, "UPDATED: IMSI catchers sold to a border agency, ministry confirms");
    assert_eq!(changes[2].fields[0].from, "First version of the story.");
    assert_eq!(changes[1].by, "officer-2");

    // A failing feed is reported and recorded with the feed; the items stay.
    server.set("/live.xml", Reply::Status(503));
    let third = watch::refresh_feeds(&mut store, &quick(), USER).unwrap();
    assert!(third[0].error.as_deref().is_some_and(|e| e.contains("HTTP 503")), "{third:?}");
    let feed = &store.watch_feeds().unwrap()[0];
    assert!(feed.last_result.as_deref().is_some_and(|r| r.starts_with("error:") && r.contains("503")), "{feed:?}");
    assert_eq!(watch::item(&store, &id).unwrap(), item);
}

#[test]
fn manual_entry_checks_what_it_stores() {
    let mut store = seeded();
    let base = watch::NewItem {
        title: "Local report <b>on</b> a reseller".into(),
        summary: "Text with <script>alert(1)</script>".into(),
        date: Some("2025-05-01".into()),
        source: watch::Source { publisher: "Lokale Krant".into(), title: "Reseller".into(), url: None },
        countries: vec!["NL".into()],
        ..Default::default()
    };
    let item = watch::add_item(&mut store, &base, USER).unwrap();
    assert_eq!(item.id, "manual-2025-05-01-local-report-b-on-b-a-reseller");
    assert_eq!(item.title, "Local report ‹b›on‹/b› a reseller");
    assert_eq!(item.countries, ["nl"]);
    let javascript = watch::Source { url: Some("javascript:alert(1)".into()), ..base.source.clone() };
    let refused = [
        watch::NewItem { source: javascript, ..base.clone() },
        watch::NewItem { countries: vec!["xx".into()], ..base.clone() },
        watch::NewItem { date: Some("1 May 2025".into()), ..base.clone() },
        watch::NewItem { title: "  ".into(), ..base.clone() },
    ];
    for new in refused {
        assert!(matches!(watch::add_item(&mut store, &new, USER), Err(WatchError::Invalid(_))), "{new:?}");
    }
    let seed_url = watch::Source {
        url: Some("https://cyberscoop.com/commerce-department-blacklists-spyware-companies/".into()),
        ..base.source.clone()
    };
    let err = watch::add_item(&mut store, &watch::NewItem { source: seed_url, ..base }, USER).unwrap_err();
    assert!(matches!(&err, WatchError::DuplicateUrl { id, .. } if id == "us-bis-2023-intellexa-cytrox"), "{err}");
}

#[test]
fn an_export_imports_back_as_it_was() {
    let server = Server::start(&[("/rss.xml", Reply::Body(fixture("rss.xml")))]);
    let mut store = seeded();
    watch::import_url(&mut store, &server.url("/rss.xml"), &quick(), USER).unwrap();
    let edit = watch::ItemEdit { note: Some("Checked by phone with the author.".into()), ..Default::default() };
    watch::edit_item(&mut store, "us-court-2025-whatsapp-nso-verdict", &edit, "officer-2").unwrap();
    let exported = watch::export_json(&store).unwrap();

    let mut other = Store::open_in_memory().unwrap();
    let report = watch::import_bytes(&mut other, "export.json", exported.as_bytes(), None, "someone-else").unwrap();
    assert_eq!((report.kind, report.added, report.warnings.len()), (ImportKind::Json, 41, 0));
    assert_eq!(watch::export_json(&other).unwrap(), exported);
    let item = watch::item(&other, "us-court-2025-whatsapp-nso-verdict").unwrap();
    assert_eq!(
        (item.edited_fields.as_slice(), item.edited_by.as_deref()),
        (&[watch::Field::Note][..], Some("officer-2"))
    );

    // Importing it again changes nothing; the seed file itself is a valid import file.
    let again = watch::import_bytes(&mut other, "export.json", exported.as_bytes(), None, "someone-else").unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 41));
    let mut fresh = Store::open_in_memory().unwrap();
    let seed = watch::import_bytes(
        &mut fresh,
        "seed.json",
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/watch/seed.json")).unwrap(),
        None,
        USER,
    );
    assert_eq!(seed.unwrap().added, 39);

    // A broken file names itself and its line, and imports nothing.
    let err = watch::import_bytes(&mut fresh, "broken.json", b"[\n {\"id\": \"x\",\n  \"title\": }\n]", None, USER);
    let err = err.unwrap_err().to_string();
    assert!(err.starts_with("broken.json, line 3"), "{err}");
}

#[test]
fn the_cli_imports_a_feed_file_and_matches_with_json_output() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_klaring"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env("KLARING_USER", "cli-user")
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        (out.status.success(), stdout, String::from_utf8_lossy(&out.stderr).to_string())
    };
    let rss = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/watch/rss.xml");
    let (ok, stdout, stderr) = run(&["watch", "import", rss.to_str().unwrap(), "--json"]);
    assert!(ok, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!((report["added"].as_u64(), report["imported_by"].as_str()), (Some(2), Some("cli-user")));

    let (ok, stdout, stderr) = run(&["watch", "match", "NSO Group", "--destination", "il", "--json"]);
    assert!(ok, "{stderr}");
    let result: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let matches = result["matches"].as_array().unwrap();
    assert!(matches.len() >= 4, "{result}");
    for key in ["subject", "item", "score", "reasons", "highlights", "mark"] {
        assert!(matches[0].get(key).is_some(), "a match lacks {key}");
    }
    assert_eq!(matches[0]["reasons"][0]["kind"], "named_party");
    assert!(result["context"].as_array().unwrap().iter().all(|i| i["countries"].to_string().contains("\"il\"")));

    let (ok, stdout, _) = run(&["watch", "match", "Ali"]);
    assert!(ok && stdout.starts_with("no watch-list items match"), "{stdout}");
    let (ok, _, stderr) = run(&["watch", "import", "/nonexistent/feed.xml"]);
    assert!(!ok && stderr.contains("/nonexistent/feed.xml"), "{stderr}");
}
