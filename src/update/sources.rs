//! Where each list is downloaded from: the publishers' official addresses built in, and the
//! user's own per list (a mirror, an internal proxy, a test server), stored in the database
//! (`list_sources`). A list is a set of files when its publisher splits it (OFAC's legacy CSV:
//! primary records, addresses, alternate names, remarks); each file keeps the name the importer
//! recognises its role by (`sdn.csv`, `alt.csv`…), whatever its URL is called.
//!
//! News feeds are configured where they already live, in the watch-list's feed list
//! (`klaring watch feeds`).

use super::UpdateError;
use crate::store::Store;
use serde::Serialize;

/// One file of a list and the address it is fetched from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceUrl {
    /// The file's name as the importer knows it (`sdn.csv`, `consolidated.xml`).
    pub file: String,
    pub url: String,
}

/// Where a list comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListSource {
    pub list: String,
    pub files: Vec<SourceUrl>,
    /// Set by the user rather than built in.
    pub custom: bool,
}

/// OFAC serves every file from one service address.
macro_rules! ofac {
    ($file:literal) => {
        concat!("https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/", $file)
    };
}

/// The official download addresses, per list id. They are the publishers' stable links; a
/// publisher that moves a file is followed by `klaring sources set`, no new release needed.
/// The OFSI Consolidated List is being retired in favour of the FCDO's UK Sanctions List; its
/// link stays while OFSI still serves it.
pub const OFFICIAL: &[(&str, &[(&str, &str)])] = &[
    (
        "eu-fsf",
        &[(
            "eu-fsf.xml",
            "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
        )],
    ),
    ("un-sc", &[("consolidated.xml", "https://scsanctions.un.org/resources/xml/en/consolidated.xml")]),
    (
        "ofac-sdn",
        &[
            ("sdn.csv", ofac!("SDN.CSV")),
            ("add.csv", ofac!("ADD.CSV")),
            ("alt.csv", ofac!("ALT.CSV")),
            ("sdn_comments.csv", ofac!("SDN_COMMENTS.CSV")),
        ],
    ),
    (
        "ofac-cons",
        &[
            ("cons_prim.csv", ofac!("CONS_PRIM.CSV")),
            ("cons_add.csv", ofac!("CONS_ADD.CSV")),
            ("cons_alt.csv", ofac!("CONS_ALT.CSV")),
            ("cons_comments.csv", ofac!("CONS_COMMENTS.CSV")),
        ],
    ),
    ("uk-ofsi", &[("ConList.xlsx", "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.xlsx")]),
    ("uk-fcdo", &[("UK-Sanctions-List.ods", "https://docs.fcdo.gov.uk/docs/UK-Sanctions-List.ods")]),
    (
        "ca-sema",
        &[(
            "sema-lmes.xml",
            "https://www.international.gc.ca/world-monde/assets/office_docs/international_relations-relations_internationales/sanctions/sema-lmes.xml",
        )],
    ),
    ("au-dfat", &[("regulation8_consolidated.xlsx", "https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx")]),
];

fn official(list: &str) -> Option<ListSource> {
    OFFICIAL.iter().find(|(id, _)| *id == list).map(|(id, files)| ListSource {
        list: id.to_string(),
        files: files.iter().map(|(file, url)| SourceUrl { file: file.to_string(), url: url.to_string() }).collect(),
        custom: false,
    })
}

/// Every list's source: the user's where set, else the official one; in list order, with
/// lists that exist only as the user's own (an imported OpenSanctions set) at the end.
pub fn all(store: &Store) -> Result<Vec<ListSource>, UpdateError> {
    let custom = store.list_source_overrides()?;
    let mut out: Vec<ListSource> = OFFICIAL
        .iter()
        .filter_map(|(id, _)| {
            custom
                .iter()
                .find(|(list, _)| list == id)
                .map(|(list, files)| ListSource { list: list.clone(), files: files.clone(), custom: true })
                .or_else(|| official(id))
        })
        .collect();
    for (list, files) in custom {
        if !out.iter().any(|s| s.list == list) {
            out.push(ListSource { list, files, custom: true });
        }
    }
    Ok(out)
}

/// One list's source.
pub fn get(store: &Store, list: &str) -> Result<ListSource, UpdateError> {
    all(store)?.into_iter().find(|s| s.list == list).ok_or_else(|| UpdateError::NoSource(list.to_string()))
}

/// Sets a list's own source: `urls` in the order its files are read. A file's name is the last
/// path segment of its URL unless given as `NAME=URL` (OFAC's service names files in capitals,
/// an EU link ends in a query string). Setting a source also turns online updates on.
pub fn set(store: &mut Store, list: &str, urls: &[String]) -> Result<ListSource, UpdateError> {
    crate::lists::check_list_id(list).map_err(|e| UpdateError::ListId(Box::new(e)))?;
    if urls.is_empty() {
        return Err(UpdateError::Source { list: list.into(), reason: "give at least one URL".into() });
    }
    let mut files = Vec::new();
    for given in urls {
        let (file, url) = match given.split_once('=') {
            Some((name, url)) if !name.contains('/') && !name.contains(':') => (name.trim().to_string(), url.trim()),
            _ => (last_segment(given), given.trim()),
        };
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| UpdateError::Source { list: list.into(), reason: format!("{url}: {e}") })?;
        if !matches!(parsed.scheme(), "http" | "https") || file.is_empty() {
            return Err(UpdateError::Source {
                list: list.into(),
                reason: format!("{given}: give an http(s) URL, as NAME=URL when it does not end in a file name"),
            });
        }
        files.push(SourceUrl { file, url: url.to_string() });
    }
    store.set_list_source(list, &files)?;
    super::staleness::set_online(store, true)?;
    Ok(ListSource { list: list.into(), files, custom: true })
}

/// Forgets the user's source for a list: the official one applies again.
pub fn reset(store: &mut Store, list: &str) -> Result<(), UpdateError> {
    store.set_list_source(list, &[])?;
    Ok(())
}

fn last_segment(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').next().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_list_has_an_official_https_source() {
        for list in crate::lists::LISTS {
            let source = official(list.id).unwrap_or_else(|| panic!("{} has no official source", list.id));
            assert!(source.files.iter().all(|f| f.url.starts_with("https://")), "{source:?}");
        }
        assert_eq!(official("ofac-cons").unwrap().files[1].file, "cons_add.csv");
    }

    #[test]
    fn a_file_is_named_by_its_url_unless_named_explicitly() {
        assert_eq!(last_segment("https://x.test/a/SDN.CSV?x=1"), "SDN.CSV");
        let mut store = Store::open_in_memory().unwrap();
        let source = set(
            &mut store,
            "eu-fsf",
            &["eu.xml=https://x.test/content?token=1".into(), "https://x.test/b/extra.xml".into()],
        )
        .unwrap();
        let names: Vec<&str> = source.files.iter().map(|f| f.file.as_str()).collect();
        assert_eq!(names, ["eu.xml", "extra.xml"]);
        assert_eq!(get(&store, "eu-fsf").unwrap(), source);
        assert!(matches!(set(&mut store, "eu-fsf", &["ftp://x.test/a.xml".into()]), Err(UpdateError::Source { .. })));
        reset(&mut store, "eu-fsf").unwrap();
        assert!(!get(&store, "eu-fsf").unwrap().custom);
    }
}
