//! Sensitive end users: finding that a party is, or works for, an interior ministry, a state
//! security or intelligence service, the police, the military, a border guard or a
//! prosecutor, in any of the languages of `data/risk/sensitive_end_users.tsv`, and U, the
//! end-user factor (0–3).
//!
//! Latin and Cyrillic phrases are compared as token sequences after the screening
//! normalisation (`matching::normalize`), so case, diacritics, transliteration and punctuation
//! do not matter and a stem (`ministerstv*`) covers Russian case endings. Arabic, Persian and
//! Chinese are compared as written, after folding letter variants, because their
//! transliteration drops the vowels and syllable boundaries that tell words apart; a substring
//! also finds the Arabic article and prepositions written onto the word. Every finding shows
//! the words of the input that matched, so a reviewer can dismiss a false one.

use super::model::model;
use super::ownership::Relation;
use super::profile::{Contribution, Factor, Source};
use super::red_flags::{Answer, FlagAnswer};
use super::{AssessInput, StateLink};
use crate::matching::normalize::{normalize, LegalForms, Origin};
use serde::Serialize;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../data/risk/sensitive_end_users.tsv");

/// Kinds of security body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    InteriorMinistry,
    StateSecurity,
    Intelligence,
    Police,
    Military,
    BorderGuard,
    Prosecutor,
}

impl Category {
    fn parse(text: &str) -> Option<Category> {
        Some(match text {
            "interior_ministry" => Category::InteriorMinistry,
            "state_security" => Category::StateSecurity,
            "intelligence" => Category::Intelligence,
            "police" => Category::Police,
            "military" => Category::Military,
            "border_guard" => Category::BorderGuard,
            "prosecutor" => Category::Prosecutor,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::InteriorMinistry => "interior ministry",
            Category::StateSecurity => "state security",
            Category::Intelligence => "intelligence service",
            Category::Police => "police",
            Category::Military => "military",
            Category::BorderGuard => "border guard",
            Category::Prosecutor => "prosecutor",
        }
    }
}

/// One phrase found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SensitiveMatch {
    pub category: Category,
    /// BCP 47 code of the phrase's language ("ru", "ar-Latn").
    pub language: String,
    /// The phrase as the table writes it.
    pub phrase: String,
    /// The words of the input that matched.
    pub matched: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Exact,
    Prefix,
    Suffix,
    Contains,
}

#[derive(Debug)]
struct TokenPattern {
    text: String,
    kind: Kind,
}

impl TokenPattern {
    fn matches(&self, token: &str) -> bool {
        match self.kind {
            Kind::Exact => token == self.text,
            Kind::Prefix => token.starts_with(&self.text),
            Kind::Suffix => token.ends_with(&self.text),
            Kind::Contains => token.contains(&self.text),
        }
    }
}

#[derive(Debug)]
enum Pattern {
    Tokens(Vec<TokenPattern>),
    /// Folded characters, matched as a substring.
    Raw(Vec<char>),
}

#[derive(Debug)]
struct Phrase {
    /// None: an exclusion.
    category: Option<Category>,
    language: &'static str,
    text: &'static str,
    pattern: Pattern,
}

/// Small Latin-script words left out on both sides (Russian "дел" is no Spanish "del"), so "Ministry of the Interior" meets "ministry of
/// interior" and "Ministère de l'Intérieur" meets "ministère de l’intérieur".
const STOPWORDS: &[&str] = &[
    "of", "the", "for", "de", "la", "le", "l", "du", "des", "d", "del", "los", "las", "van", "het", "der", "die", "s",
    "e", "al", "el",
];

fn phrases() -> &'static [Phrase] {
    static PHRASES: OnceLock<Vec<Phrase>> = OnceLock::new();
    PHRASES.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .skip(1)
            .map(|line| {
                let mut cells = line.split('\t');
                let (Some(category), Some(language), Some(text), None) =
                    (cells.next(), cells.next(), cells.next(), cells.next())
                else {
                    panic!("data/risk/sensitive_end_users.tsv: 3 cells expected in {line:?}");
                };
                let category = match category {
                    "exclude" => None,
                    other => Some(Category::parse(other).unwrap_or_else(|| panic!("unknown category {other:?}"))),
                };
                Phrase { category, language, text, pattern: pattern(text) }
            })
            .collect()
    })
}

fn pattern(text: &str) -> Pattern {
    if text.chars().any(is_raw_script) {
        return Pattern::Raw(fold(text).into_iter().map(|(c, _)| c).collect());
    }
    let mut tokens = Vec::new();
    for word in text.split_whitespace() {
        let head_star = word.starts_with('*');
        let tail_star = word.ends_with('*') && word.len() > 1;
        let core = word.trim_matches('*');
        let mut word_tokens: Vec<TokenPattern> =
            word_tokens(core).into_iter().map(|text| TokenPattern { text, kind: Kind::Exact }).collect();
        let count = word_tokens.len();
        if let Some(last) = word_tokens.last_mut().filter(|_| tail_star) {
            last.kind = if head_star && count == 1 { Kind::Contains } else { Kind::Prefix };
        }
        if let Some(first) = word_tokens.first_mut().filter(|t| head_star && t.kind == Kind::Exact) {
            first.kind = Kind::Suffix;
        }
        tokens.extend(word_tokens);
    }
    assert!(!tokens.is_empty(), "phrase {text:?} has no words");
    Pattern::Tokens(tokens)
}

/// The comparable tokens of one word of Latin or Cyrillic text (others are left to the raw
/// comparison), without small words.
fn word_tokens(word: &str) -> Vec<String> {
    let spaced: String =
        word.chars().map(|c| if matches!(c, '\'' | '’' | '‘' | '`' | '´') { ' ' } else { c }).collect();
    normalize(&spaced, LegalForms::Keep)
        .tokens
        .into_iter()
        .filter(|t| match t.origin {
            Origin::Latin => !STOPWORDS.contains(&t.text.as_str()),
            Origin::Alphabet => true,
            Origin::Abjad | Origin::Syllabic => false,
        })
        .map(|t| t.text)
        .collect()
}

/// Arabic script and CJK ideographs: compared as written.
fn is_raw_script(c: char) -> bool {
    matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF | 0x2E80..=0x9FFF | 0xF900..=0xFAFF)
}

fn is_arabic_script(c: char) -> bool {
    matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

/// Folds letter variants that writers mix (Persian and Arabic yeh and kaf, teh marbuta, hamza
/// seats, vowel marks, tatweel, joiners; traditional Chinese characters of the table's
/// phrases), keeping each folded character's byte range in the original.
fn fold(text: &str) -> Vec<(char, (usize, usize))> {
    text.char_indices()
        .filter_map(|(i, c)| {
            let folded = match c {
                '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => return None,
                c if crate::lists::text::is_invisible(c) => return None,
                'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
                'ى' | 'ی' => 'ي',
                'ک' => 'ك',
                'ة' | 'ۀ' => 'ه',
                '國' => '国',
                '檢' => '检',
                '軍' => '军',
                '邊' => '边',
                '報' => '报',
                '內' => '内',
                '務' => '务',
                '隊' => '队',
                '區' => '区',
                '廳' => '厅',
                '構' => '构',
                '裝' => '装',
                '衛' => '卫',
                '關' => '关',
                '門' => '门',
                c => c,
            };
            Some((folded, (i, i + c.len_utf8())))
        })
        .collect()
}

/// A match before deduplication: byte range in the text.
struct Found {
    phrase: &'static Phrase,
    start: usize,
    end: usize,
}

/// Every security-body phrase in `text`, in text order, each with the words that matched.
/// Where phrases of one category overlap, the longest stands; a match inside an exclusion
/// ("military grade") is dropped.
pub fn detect(text: &str) -> Vec<SensitiveMatch> {
    let mut found = Vec::new();
    // Token comparison: words with their byte ranges, tokens with their word.
    let words: Vec<(usize, usize)> = word_ranges(text);
    let tokens: Vec<(String, usize)> = words
        .iter()
        .enumerate()
        .flat_map(|(w, (s, e))| word_tokens(&text[*s..*e]).into_iter().map(move |t| (t, w)))
        .collect();
    let folded = fold(text);
    let folded_chars: Vec<char> = folded.iter().map(|(c, _)| *c).collect();
    for phrase in phrases() {
        match &phrase.pattern {
            Pattern::Tokens(pattern) => {
                for i in 0..tokens.len() {
                    let window = tokens.get(i..i + pattern.len());
                    if window.is_some_and(|w| w.iter().zip(pattern).all(|((t, _), p)| p.matches(t))) {
                        let (first, last) = (tokens[i].1, tokens[i + pattern.len() - 1].1);
                        found.push(Found { phrase, start: words[first].0, end: words[last].1 });
                    }
                }
            }
            Pattern::Raw(chars) => {
                for i in 0..folded_chars.len() {
                    if folded_chars[i..].starts_with(chars) {
                        let (mut start, mut end) = (folded[i].1 .0, folded[i + chars.len() - 1].1 .1);
                        if phrase.text.chars().any(is_arabic_script) {
                            // Show whole words: the article or a preposition may be attached.
                            (start, end) = widen_to_words(&words, start, end);
                        }
                        found.push(Found { phrase, start, end });
                    }
                }
            }
        }
    }
    let excluded: Vec<(usize, usize)> =
        found.iter().filter(|f| f.phrase.category.is_none()).map(|f| (f.start, f.end)).collect();
    found.retain(|f| f.phrase.category.is_some() && !excluded.iter().any(|(s, e)| *s <= f.start && f.end <= *e));
    // Longest first, so a shorter overlapping phrase of the same category is dropped.
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end - f.start)));
    let mut kept: Vec<Found> = Vec::new();
    for f in found {
        let overlaps =
            kept.iter().any(|k| k.phrase.category == f.phrase.category && k.start < f.end && f.start < k.end);
        if !overlaps {
            kept.push(f);
        }
    }
    kept.sort_by_key(|f| (f.start, f.phrase.category));
    kept.into_iter()
        .filter_map(|f| {
            Some(SensitiveMatch {
                category: f.phrase.category?,
                language: f.phrase.language.to_string(),
                phrase: f.phrase.text.to_string(),
                matched: text[f.start..f.end].trim_matches(|c: char| !c.is_alphanumeric()).to_string(),
            })
        })
        .collect()
}

/// Byte ranges of the whitespace-separated words of `text`.
fn word_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

fn widen_to_words(words: &[(usize, usize)], start: usize, end: usize) -> (usize, usize) {
    let start = words.iter().find(|(s, e)| *s <= start && start < *e).map_or(start, |(s, _)| *s);
    let end = words.iter().find(|(s, e)| *s < end && end <= *e).map_or(end, |(_, e)| *e);
    (start, end)
}

/// A security-body phrase found on a party of the transaction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitiveFinding {
    /// The party's name.
    pub party: String,
    /// Where it was found: "name", "description" or "end_use".
    pub field: String,
    /// How the party relates to the counterparty; None for the counterparty itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<Relation>,
    /// "counterparty", or the relation as a phrase ("carries out contracts for X").
    pub path: String,
    #[serde(flatten)]
    pub found: SensitiveMatch,
    /// Whether it makes the counterparty a security end user (U = 3): found on the
    /// counterparty, in the end use, or on a party it works for, is owned by or supplies.
    pub counts_for_u: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// Scans the counterparty, the stated end use and every affiliation.
pub fn findings(input: &AssessInput) -> Vec<SensitiveFinding> {
    let links = &model().end_user.security_link_relations;
    let mut out = Vec::new();
    let cp = &input.counterparty;
    let own = [
        ("name", Some(cp.name.as_str())),
        ("description", cp.description.as_deref()),
        ("end_use", input.end_use.as_deref()),
    ];
    for (field, text) in own {
        for found in detect(text.unwrap_or("")) {
            out.push(SensitiveFinding {
                party: cp.name.clone(),
                field: field.into(),
                relation: None,
                path: "counterparty".into(),
                found,
                counts_for_u: true,
                source: None,
            });
        }
    }
    for a in &input.affiliations {
        let counts = links.iter().any(|r| r == a.relation.as_str());
        for (field, text) in [("name", Some(a.name.as_str())), ("description", a.description.as_deref())] {
            for found in detect(text.unwrap_or("")) {
                out.push(SensitiveFinding {
                    party: a.name.clone(),
                    field: field.into(),
                    relation: Some(a.relation),
                    path: a.path(),
                    found,
                    counts_for_u: counts,
                    source: a.evidence(),
                });
            }
        }
    }
    out
}

/// U (0–3): the highest of the counterparty's government link, a security body found on it or
/// on a party it works for, a watch-list hit, and the answers to EU-01 and EU-02.
pub fn score(input: &AssessInput, findings: &[SensitiveFinding], answers: &[FlagAnswer]) -> Factor {
    let w = &model().end_user;
    let cp = &input.counterparty;
    let mut contributions = Vec::new();
    let link = match cp.state_link {
        StateLink::None => None,
        StateLink::StateOwned => Some((w.state_owned, "state-owned civil entity")),
        StateLink::GovernmentAffiliated => Some((w.government_affiliated, "government-affiliated civil entity")),
        StateLink::CivilGovernmentBody => Some((w.civil_government_body, "civil government body")),
        StateLink::SecurityBody => Some((
            w.security_body,
            "security body (police, intelligence, military, interior or state security), as stated",
        )),
    };
    if let Some((points, what)) = link {
        contributions.push(Contribution { points, reason: format!("{} is a {what}", cp.name), source: None });
    }
    if cp.reseller {
        contributions.push(Contribution {
            points: w.reseller,
            reason: format!("{} is a reseller, distributor or integrator: the final users are unknown", cp.name),
            source: None,
        });
    }
    for f in findings.iter().filter(|f| f.counts_for_u) {
        let what = format!("{} ({}, {} \"{}\")", f.found.category.label(), f.found.language, f.field, f.found.matched);
        let reason = match f.relation {
            None if f.field == "end_use" => format!("the stated end use names a security body: {what}"),
            None if f.field == "description" => format!("the description of {} names a security body: {what}", f.party),
            None => format!("{} is a security body: {what}", f.party),
            Some(_) => format!("{}: a security body, so its contractor counts as one: {what}", f.path),
        };
        let points = if f.relation.is_some() { w.security_link } else { w.security_body };
        contributions.push(Contribution { points, reason, source: f.source.clone() });
    }
    for item in cp.watch_list.items() {
        contributions.push(Contribution {
            points: w.watch_list,
            reason: format!("watch-list hit on {}: {} (flag EU-02)", cp.name, item.title),
            source: Some(Source {
                url: item.url.clone(),
                ..Source::new(item.source.clone().unwrap_or_else(|| "watch list".into()), item.date.as_deref())
            }),
        });
    }
    if cp.watch_list.flagged() && cp.watch_list.items().is_empty() {
        contributions.push(Contribution {
            points: w.watch_list,
            reason: format!("watch-list hit on {} (flag EU-02)", cp.name),
            source: None,
        });
    }
    let flag_weights = &model().red_flags;
    for id in ["EU-01", "EU-02"] {
        let given = answers.iter().find(|a| a.id == id);
        let answer = given.map_or(Answer::Unknown, |a| a.answer);
        let weight = flag_weights.weights.get(id).copied().unwrap_or(w.max);
        let comment =
            given.map(|a| a.comment.as_str()).filter(|c| !c.is_empty()).map(|c| format!(": {c}")).unwrap_or_default();
        let (points, how) = match (answer, given) {
            (Answer::Yes, _) => (weight, "answered yes".to_string()),
            (Answer::Unknown, Some(_)) => {
                (weight * flag_weights.unknown_counts, "unknown: half its weight".to_string())
            }
            (Answer::Unknown, None) => {
                (weight * flag_weights.unknown_counts, "not answered: half its weight until it is".to_string())
            }
            (Answer::No, _) => continue,
        };
        let text = super::red_flags::flag(id).map(|f| f.text.as_str()).unwrap_or("");
        contributions.push(Contribution { points, reason: format!("{id} {how}{comment}: {text}"), source: None });
    }
    if contributions.is_empty() {
        contributions.push(Contribution {
            points: w.private,
            reason: format!(
                "{}: a private company; no government link, security body or watch-list hit found",
                cp.name
            ),
            source: None,
        });
    }
    Factor::highest(w.max, contributions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(Category, String)> {
        detect(text).into_iter().map(|m| (m.category, m.matched)).collect()
    }

    #[test]
    fn every_phrase_of_the_table_finds_itself() {
        for p in phrases().iter().filter(|p| p.category.is_some()) {
            let sample = p.text.replace('*', "");
            let hits = detect(&sample);
            assert!(hits.iter().any(|h| Some(h.category) == p.category), "{} ({}) finds nothing", p.text, p.language);
        }
    }

    #[test]
    fn stems_and_folding() {
        assert_eq!(
            found("сотрудник Министерства внутренних дел"),
            [(Category::InteriorMinistry, "Министерства внутренних дел".into())]
        );
        assert_eq!(
            found("Ministère de l’Intérieur"),
            [(Category::InteriorMinistry, "Ministère de l’Intérieur".into())]
        );
        assert_eq!(found("وَزَارَةُ الدَّاخِلِيَّة"), [(Category::InteriorMinistry, "وَزَارَةُ الدَّاخِلِيَّة".into())]);
        assert_eq!(found("臺北市政府警察局"), [(Category::Police, "警察".into())]);
    }

    #[test]
    fn exclusions_and_ordinary_words_stay_quiet() {
        assert!(found("Military-grade encryption for SMEs").is_empty());
        assert!(found("Threat intelligence and managed security services").is_empty());
        assert!(found("Politieke partij; léger pare-feu; policy engine").is_empty());
        assert!(found("upgrade of the company's internal network / الشبكة الداخلية").is_empty());
    }

    #[test]
    fn overlapping_phrases_of_one_category_report_the_longest() {
        assert_eq!(found("Beijing Public Security Bureau"), [(Category::Police, "Public Security Bureau".into())]);
    }
}
