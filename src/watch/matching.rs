//! Matching a counterparty and its affiliates against the watch-list. Pure: no IO, no clock.
//!
//! Two ways an item surfaces for a party, each reported as a reason:
//! - **a named party**: the item's parties are indexed by the screening name engine
//!   (`matching::Index`, `matching::screen`, same threshold), so legal forms, spelling, word
//!   order and scripts are handled exactly as in sanctions screening; "X (Y)" in a party's
//!   name gives Y as an alias;
//! - **the name in the title or summary**: both are cut into words with their byte spans,
//!   each word normalised by `matching::normalize`, and the party's normalised tokens must all
//!   occur within a window of the name's length plus one word. A one-word name must be at
//!   least four letters, written with a capital in the text, and not a person's (a lone given
//!   name or surname in prose is not evidence), so "Ali" never matches every "ali".
//!
//! Every match carries the words to highlight with their positions (bytes and UTF-16 code
//! units, for a web view) in the title or summary as stored. Items about the destination
//! country that did not match come back separately, as context.

use super::{Party, PartyKind, PartyRole, RelevanceMark, WatchError, WatchItem};
use crate::matching::normalize::{normalize, LegalForms};
use crate::matching::{index::legal_forms_for, Index, Query, DEFAULT_THRESHOLD, MATCHER_VERSION};
use crate::model::{Entity, NameKind, Schema};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of the text-window rules, recorded with every result next to the name engine's.
pub const WATCH_MATCHER_VERSION: &str = "klaring-watch 1";

/// A party to look for: the counterparty or one of its affiliates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    pub name: String,
    /// "counterparty", or the affiliation's relation ("owner", "end_user", …).
    #[serde(default = "counterparty")]
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Schema>,
}

fn counterparty() -> String {
    "counterparty".into()
}

/// What to match: the parties, and the destination country for context.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WatchQuery {
    pub subjects: Vec<Subject>,
    /// ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
}

impl WatchQuery {
    /// A query for one counterparty of unknown type.
    pub fn counterparty(name: &str) -> WatchQuery {
        WatchQuery {
            subjects: vec![Subject { name: name.into(), role: counterparty(), schema: None }],
            destination: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextField {
    Title,
    Summary,
}

/// Why an item matched a party.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The party matched one of the item's named parties.
    NamedParty {
        party: String,
        party_kind: PartyKind,
        party_role: PartyRole,
        score: f64,
        /// The name engine's explanation ("name 1.00: nso = nso; group = group").
        explanation: String,
    },
    /// The party's name occurs in the title or summary; `words` as written there.
    NameInText { field: TextField, words: String },
}

/// Words to highlight: `text[start..end]` of the field, in bytes and in UTF-16 code units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Highlight {
    pub field: TextField,
    pub start: usize,
    pub end: usize,
    pub start_utf16: usize,
    pub end_utf16: usize,
    pub text: String,
}

/// One item that matched one party.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchMatch {
    pub subject: Subject,
    pub item: WatchItem,
    /// The best named-party score; `None` when only the text matched.
    pub score: Option<f64>,
    pub reasons: Vec<Reason>,
    pub highlights: Vec<Highlight>,
    /// The latest relevance mark for this party and item (filled in from the store).
    pub mark: Option<RelevanceMark>,
}

/// The watch-list result for one query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchScreening {
    /// Named-party matches first (best score first), then text matches; newest first within.
    pub matches: Vec<WatchMatch>,
    /// Items about the destination that matched no party, newest first.
    pub context: Vec<WatchItem>,
    pub destination: Option<String>,
    /// How many items were searched.
    pub items: usize,
    pub matcher: String,
    pub threshold: f64,
}

/// The watch-list prepared for matching: the named parties indexed, titles and summaries cut
/// into normalised words. Build once per screening (or keep while the items do not change).
pub struct WatchIndex {
    items: Vec<WatchItem>,
    parties: Index,
    words: Vec<[Vec<Word>; 2]>,
}

/// One normalised token of a title or summary, with the byte span of the word it came from.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    spelling: String,
    start: usize,
    end: usize,
}

impl WatchIndex {
    pub fn build(items: Vec<WatchItem>) -> WatchIndex {
        let mut entities = Vec::new();
        for (i, item) in items.iter().enumerate() {
            for (p, party) in item.parties.iter().enumerate() {
                let schema = if party.kind == PartyKind::Person { Schema::Person } else { Schema::Organization };
                let mut entity = Entity::new(format!("{i}/{p}"), schema);
                let (name, alias) = split_alias(&party.name);
                entity.add_name(name, NameKind::Primary);
                if let Some(alias) = alias {
                    entity.add_name(alias, NameKind::Alias);
                }
                entities.push(entity);
            }
        }
        let parties = Index::build(entities.iter().map(|e| ("watch", e)));
        let words = items.iter().map(|i| [words(&i.title), words(&i.summary)]).collect();
        WatchIndex { items, parties, words }
    }

    pub fn items(&self) -> &[WatchItem] {
        &self.items
    }

    fn field(&self, item: usize, field: TextField) -> (&str, &[Word]) {
        match field {
            TextField::Title => (&self.items[item].title, &self.words[item][0]),
            TextField::Summary => (&self.items[item].summary, &self.words[item][1]),
        }
    }
}

/// Matches every subject of the query; see the module documentation.
pub fn screen(index: &WatchIndex, query: &WatchQuery) -> Result<WatchScreening, WatchError> {
    let destination = match query.destination.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(code) => Some(super::check_country(code).map_err(WatchError::Invalid)?),
        None => None,
    };
    let mut matches = Vec::new();
    for subject in &query.subjects {
        let found = screen_subject(index, subject)?;
        matches.extend(found.into_iter().map(|(i, m)| m.finish(index, i, subject)));
    }
    matches.sort_by(|a, b| {
        let score = |m: &WatchMatch| m.score.unwrap_or(-1.0);
        score(b)
            .total_cmp(&score(a))
            .then_with(|| b.item.date.cmp(&a.item.date))
            .then_with(|| a.item.id.cmp(&b.item.id))
    });
    let mut context: Vec<WatchItem> = match &destination {
        Some(code) => index
            .items
            .iter()
            .filter(|i| i.countries.contains(code) && !matches.iter().any(|m| m.item.id == i.id))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    context.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    Ok(WatchScreening {
        matches,
        context,
        destination,
        items: index.items.len(),
        matcher: format!("{MATCHER_VERSION}; {WATCH_MATCHER_VERSION}"),
        threshold: DEFAULT_THRESHOLD,
    })
}

/// A match being collected: reasons and the names whose words to highlight.
#[derive(Default)]
struct Found {
    score: Option<f64>,
    reasons: Vec<Reason>,
    /// (field, first byte, last byte) of every window found.
    windows: Vec<(TextField, usize, usize)>,
}

impl Found {
    fn finish(self, index: &WatchIndex, item_index: usize, subject: &Subject) -> WatchMatch {
        let item = &index.items[item_index];
        // Windows found for the party's name and for the item's party name can overlap
        // ("Intellexa" inside "Intellexa S.A."): merged, so highlights never overlap.
        let mut windows = self.windows;
        windows.sort();
        let mut spans: Vec<(TextField, usize, usize)> = Vec::with_capacity(windows.len());
        for (field, start, end) in windows {
            match spans.last_mut() {
                Some(last) if last.0 == field && start <= last.2 => last.2 = last.2.max(end),
                _ => spans.push((field, start, end)),
            }
        }
        let highlights = spans
            .into_iter()
            .map(|(field, start, end)| {
                let (text, _) = index.field(item_index, field);
                Highlight {
                    field,
                    start,
                    end,
                    start_utf16: text[..start].encode_utf16().count(),
                    end_utf16: text[..end].encode_utf16().count(),
                    text: text[start..end].to_string(),
                }
            })
            .collect();
        WatchMatch {
            subject: subject.clone(),
            item: item.clone(),
            score: self.score,
            reasons: self.reasons,
            highlights,
            mark: None,
        }
    }
}

/// Everything one subject matched, by item.
fn screen_subject(index: &WatchIndex, subject: &Subject) -> Result<BTreeMap<usize, Found>, WatchError> {
    let query = Query { name: subject.name.clone(), schema: subject.schema, ..Query::default() };
    let hits = crate::matching::screen(&index.parties, &query, DEFAULT_THRESHOLD)
        .map_err(|error| WatchError::Query { name: subject.name.clone(), error })?;
    let mut found: BTreeMap<usize, Found> = BTreeMap::new();
    for hit in hits {
        let Some((i, p)) = hit.entry_id.split_once('/') else { continue };
        let (Ok(i), Ok(p)) = (i.parse::<usize>(), p.parse::<usize>()) else { continue };
        let party: &Party = &index.items[i].parties[p];
        let entry = found.entry(i).or_default();
        entry.score = Some(entry.score.map_or(hit.score, |s| s.max(hit.score)));
        entry.reasons.push(Reason::NamedParty {
            party: party.name.clone(),
            party_kind: party.kind,
            party_role: party.role,
            score: hit.score,
            explanation: hit.explanation.summary,
        });
        // Where the story names that party, highlight it.
        let names = {
            let (name, alias) = split_alias(&party.name);
            std::iter::once(name).chain(alias).map(str::to_string).collect::<Vec<_>>()
        };
        let schema = if party.kind == PartyKind::Person { Some(Schema::Person) } else { Some(Schema::Organization) };
        for name in names {
            let tokens = NameTokens::new(&name, schema);
            for field in [TextField::Title, TextField::Summary] {
                let (text, words) = index.field(i, field);
                for (start, end) in find(&tokens, text, words) {
                    entry.windows.push((field, start, end));
                }
            }
        }
    }
    let tokens = NameTokens::new(&subject.name, subject.schema);
    for i in 0..index.items.len() {
        for field in [TextField::Title, TextField::Summary] {
            let (text, words) = index.field(i, field);
            let windows = find(&tokens, text, words);
            if windows.is_empty() {
                continue;
            }
            let entry = found.entry(i).or_default();
            let written: Vec<&str> = windows.iter().map(|&(s, e)| &text[s..e]).collect();
            entry.reasons.push(Reason::NameInText { field, words: written.join(" … ") });
            entry.windows.extend(windows.into_iter().map(|(s, e)| (field, s, e)));
        }
    }
    Ok(found)
}

/// A name ready to be looked for in text.
struct NameTokens {
    tokens: Vec<(String, String)>,
    /// A single-word name: only a capitalised word of four letters or more, never a person's.
    single: bool,
    usable: bool,
}

impl NameTokens {
    fn new(name: &str, schema: Option<Schema>) -> NameTokens {
        let norm = normalize(name, legal_forms_for(schema));
        let tokens: Vec<(String, String)> = norm.tokens.into_iter().map(|t| (t.text, t.spelling)).collect();
        let single = tokens.len() == 1;
        let letters: usize = tokens.iter().map(|(t, _)| t.len()).sum();
        let usable =
            if single { letters >= 4 && schema != Some(Schema::Person) } else { letters >= 4 && !tokens.is_empty() };
        NameTokens { tokens, single, usable }
    }
}

/// Every window of `words` that holds all the name's tokens, as (first byte, last byte) of
/// the field text; windows do not overlap.
fn find(name: &NameTokens, text: &str, words: &[Word]) -> Vec<(usize, usize)> {
    if !name.usable {
        return Vec::new();
    }
    let n = name.tokens.len();
    let width = if n >= 2 { n + 1 } else { 1 };
    let same = |w: &Word, (text, spelling): &(String, String)| {
        w.text == *text || (text.len() >= 5 && w.text.len() >= 5 && w.spelling == *spelling)
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !name.tokens.iter().any(|t| same(&words[i], t)) {
            i += 1;
            continue;
        }
        let window = &words[i..(i + width).min(words.len())];
        let mut used = vec![false; window.len()];
        let all = name.tokens.iter().all(|t| match (0..window.len()).find(|&k| !used[k] && same(&window[k], t)) {
            Some(k) => {
                used[k] = true;
                true
            }
            None => false,
        });
        let capitalised = || text[words[i].start..].chars().next().is_some_and(|c| c.is_uppercase() || c.is_numeric());
        if !all || (name.single && !capitalised()) {
            i += 1;
            continue;
        }
        let last = (0..window.len()).rev().find(|&k| used[k]).expect("a matched window has a word");
        let first = (0..window.len()).find(|&k| used[k]).expect("a matched window has a word");
        out.push((window[first].start, window[last].end));
        i += last + 1;
    }
    out
}

/// Cuts a field into words (letters, digits, apostrophes inside a word) and normalises each,
/// keeping the word's byte span. A possessive "'s" is left out of the word.
fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let is_word_char =
        |c: char| c.is_alphanumeric() || matches!(c, '\'' | '’') || ('\u{0300}'..='\u{036F}').contains(&c);
    let mut start = None;
    let push = |s: usize, e: usize, out: &mut Vec<Word>| {
        let mut word = &text[s..e];
        for suffix in ["'s", "’s", "'S", "’S"] {
            if let Some(stem) = word.strip_suffix(suffix).filter(|w| !w.is_empty()) {
                word = stem;
            }
        }
        let lead = word.len() - word.trim_start_matches(['\'', '’']).len();
        let word = word.trim_matches(['\'', '’']);
        if word.is_empty() {
            return;
        }
        let begin = s + lead;
        for token in normalize(word, LegalForms::Keep).tokens {
            out.push(Word { text: token.text, spelling: token.spelling, start: begin, end: begin + word.len() });
        }
    };
    for (at, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(at),
            (false, Some(s)) => {
                push(s, at, &mut out);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        push(s, text.len(), &mut out);
    }
    out
}

/// "Arvan Cloud (Abr Arvan)" → ("Arvan Cloud", Some("Abr Arvan")).
fn split_alias(name: &str) -> (&str, Option<&str>) {
    match (name.find('('), name.rfind(')')) {
        (Some(open), Some(close)) if open > 0 && close > open + 1 => {
            (name[..open].trim(), Some(name[open + 1..close].trim()).filter(|a| !a.is_empty()))
        }
        _ => (name, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found<'t>(name: &str, schema: Option<Schema>, text: &'t str) -> Vec<&'t str> {
        let words = words(text);
        find(&NameTokens::new(name, schema), text, &words).into_iter().map(|(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn names_are_found_as_whole_words_with_case_accents_and_possessives_folded() {
        let text = "On Türk Telekom's network (TURK TELEKOM said), türk-telekom.";
        assert_eq!(found("Turk Telekom A.S.", None, text), ["Türk Telekom", "TURK TELEKOM", "türk-telekom"]);
        assert_eq!(
            found("Tal Dilian", Some(Schema::Person), "Tal J. Dilian and Dilian, Tal"),
            ["Tal J. Dilian", "Dilian, Tal"]
        );
        assert!(found("Tal Jonathan Dilian", Some(Schema::Person), "Tal Dilian").is_empty());
    }

    #[test]
    fn a_one_word_name_needs_four_letters_a_capital_and_not_to_be_a_person() {
        assert_eq!(found("Sandvine", None, "Sandvine devices, sandvine devices"), ["Sandvine"]);
        assert!(found("NSO", None, "NSO sold it").is_empty());
        assert!(found("Omar", Some(Schema::Person), "Omar said").is_empty());
        assert!(found("Ali", None, "Ali, Mali, Alibaba").is_empty());
    }

    #[test]
    fn aliases_in_parentheses_are_split_off() {
        assert_eq!(split_alias("Arvan Cloud (Abr Arvan)"), ("Arvan Cloud", Some("Abr Arvan")));
        assert_eq!(split_alias("Intellexa S.A."), ("Intellexa S.A.", None));
        assert_eq!(split_alias("(odd)"), ("(odd)", None));
    }
}
