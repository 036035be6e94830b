//! Country names as lists write them ("Russia / Russie", "Iran (Islamic Republic of)", "Korea,
//! North", "IRN") to ISO 3166 alpha-2 codes, from the bundled table `data/countries.tsv`.

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/countries.tsv");

struct Countries {
    by_key: HashMap<String, &'static str>,
    names: HashMap<&'static str, &'static str>,
}

fn countries() -> &'static Countries {
    static COUNTRIES: OnceLock<Countries> = OnceLock::new();
    COUNTRIES.get_or_init(|| {
        let mut by_key = HashMap::new();
        let mut names = HashMap::new();
        for line in TABLE.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let (code, spellings) = line.split_once('\t').expect("data/countries.tsv: code<TAB>names");
            names.insert(code, spellings.split('|').next().unwrap_or(code));
            by_key.insert(code.to_string(), code);
            for spelling in spellings.split('|') {
                by_key.entry(key(spelling)).or_insert(code);
            }
        }
        Countries { by_key, names }
    })
}

/// Lower-case ASCII letters and single spaces; "the" dropped.
fn key(name: &str) -> String {
    let folded = any_ascii::any_ascii(name).to_lowercase();
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "the")
        .collect::<Vec<_>>()
        .join(" ")
}

/// The ISO alpha-2 code (lower case) of a country name, alpha-2 or alpha-3 code. Bilingual
/// Canadian spellings ("Russia / Russie") are tried side by side.
pub fn code(name: &str) -> Option<&'static str> {
    let table = countries();
    let whole = key(name);
    if whole.is_empty() {
        return None;
    }
    if let Some(code) = table.by_key.get(&whole) {
        return Some(code);
    }
    name.split(" / ").find_map(|part| table.by_key.get(&key(part)).copied())
}

/// The English short name of an ISO alpha-2 code.
pub fn name(code: &str) -> Option<&'static str> {
    countries().names.get(code.to_ascii_lowercase().as_str()).copied()
}

/// Every country as (alpha-2 code, English short name), sorted by name: for a picker.
pub fn all() -> Vec<(&'static str, &'static str)> {
    let mut all: Vec<_> = countries().names.iter().map(|(code, name)| (*code, *name)).collect();
    all.sort_by_key(|(_, name)| *name);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_spellings_resolve() {
        assert_eq!(code("Russia / Russie"), Some("ru"));
        assert_eq!(code("Belarus / Bélarus "), Some("by"));
        assert_eq!(code("Iran (Islamic Republic of)"), Some("ir"));
        assert_eq!(code("Korea, North"), Some("kp"));
        assert_eq!(code("Democratic People's Republic of Korea"), Some("kp"));
        assert_eq!(code("IRN"), Some("ir"));
        assert_eq!(code("ru"), Some("ru"));
        assert_eq!(code("Atlantis"), None);
        assert_eq!(name("nl"), Some("Netherlands"));
        assert!(all().len() > 190 && all().contains(&("nl", "Netherlands")));
    }
}
