//! Scores one query name against one list name and says why.
//!
//! Names are compared token by token: every query token looks for its best partner among the
//! list name's tokens (or a pair of adjacent tokens, for "Al Hassan" / "Alhassan" and Chinese
//! syllables), greedily, best pairs first, each token used once. Order is ignored, so
//! "SURNAME, Given" equals "Given SURNAME".
//!
//! The score is `query coverage × name coverage factor`:
//! - query coverage: the share of the query's information (token rarity weights) that found
//!   a partner, each weighted by how similar the partner is. An innocent "Ali Traders" shares
//!   only a common token with a listed "Ali Hassan Traders" and stays low.
//! - name coverage factor: list tokens the query did not mention lower the score, but gently
//!   (β) and more gently still for patronymics and particles, which people leave out.
//!
//! All weights sit in `Weights`, so the model is in one place and every number in an
//! explanation can be traced to it.

use super::normalize::{Origin, Token};
use super::phonetic;
use serde::Serialize;

/// The matcher's tunable constants.
pub struct Weights {
    /// Similarity of two tokens with the same consonant skeleton: base plus span × how close
    /// their normalised spellings are.
    pub phonetic_base: f64,
    pub phonetic_span: f64,
    /// Similarity of a query token to an initial on the list.
    pub list_initial: f64,
    /// Similarity of an initial in the query to a list token: a hair below an exact token,
    /// so exact pairs go first.
    pub query_initial: f64,
    /// Below this a token pair is no pair at all.
    pub token_cutoff: f64,
    /// How much unmatched list-name information counts against the score.
    pub beta: f64,
    /// The share of `beta` for unmatched patronymics and particles.
    pub optional_token: f64,
}

pub const WEIGHTS: Weights = Weights {
    phonetic_base: 0.8,
    phonetic_span: 0.15,
    list_initial: 0.6,
    query_initial: 0.99,
    token_cutoff: 0.8,
    beta: 0.35,
    optional_token: 0.3,
};

/// A token with its rarity weight.
#[derive(Debug, Clone)]
pub struct Weighted<'a> {
    pub token: &'a Token,
    pub weight: f64,
}

/// How two tokens were judged alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    Exact,
    /// Same consonant skeleton: a transliteration or spelling variant.
    Phonetic,
    /// A small edit distance: a typo, a dropped or doubled letter.
    Typo,
    /// A single letter standing for a name.
    Initial,
}

/// One paired token (or pair of adjacent tokens) in an explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    pub query: String,
    pub list: String,
    pub how: How,
    pub similarity: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameMatch {
    pub score: f64,
    pub pairs: Vec<Pair>,
    pub unmatched_query: Vec<String>,
    pub unmatched_list: Vec<String>,
}

/// Similarity of two tokens in [0, 1], with how it was reached; `None` below the cutoff.
pub fn token_similarity(a: &Token, b: &Token) -> Option<(f64, How)> {
    if a.text == b.text {
        return Some((1.0, How::Exact));
    }
    let (la, lb) = (a.text.len(), b.text.len());
    if la == 1 || lb == 1 {
        // An initial stands for the name but says little: full credit only when the query
        // gives the initial (its weight is small), little when the list does.
        let (short, long) = if la == 1 { (a, b) } else { (b, a) };
        let sim = if la == 1 { WEIGHTS.query_initial } else { WEIGHTS.list_initial };
        return long.text.starts_with(&short.text).then_some((sim, How::Initial));
    }
    // Numbers in names (vessels, units) must agree exactly.
    if a.text.bytes().any(|c| c.is_ascii_digit()) || b.text.bytes().any(|c| c.is_ascii_digit()) {
        return None;
    }
    if a.origin == Origin::Abjad || b.origin == Origin::Abjad {
        return abjad_similarity(a, b);
    }
    let typo = typo_similarity(&a.text, &b.text);
    let phonetic = phonetic_similarity(a, b);
    match (typo, phonetic) {
        (Some(t), Some(p)) if t >= p => Some((t, How::Typo)),
        (_, Some(p)) => Some((p, How::Phonetic)),
        (Some(t), None) => Some((t, How::Typo)),
        (None, None) => None,
    }
}

/// Spelling slips: an edit distance of one or two, judged against the token's length.
fn typo_similarity(a: &str, b: &str) -> Option<f64> {
    let (la, lb) = (a.len(), b.len());
    if la.min(lb) < 3 {
        return None;
    }
    let distance = strsim::osa_distance(a, b);
    let longest = la.max(lb);
    let similarity = if longest <= 4 {
        // In a short token one letter can make another name ("Pena"/"Peng"): only a swapped,
        // dropped or added letter counts as a slip.
        match distance {
            1 if la != lb => 0.8,
            1 if sorted(a) == sorted(b) => 0.85,
            _ => return None,
        }
    } else if a.as_bytes()[0] != b.as_bytes()[0] && sorted(a) != sorted(b) {
        // Typing slips rarely replace the first letter (they swap it: "Okpyl" / "Kopyl");
        // another first letter is usually another name ("Bakker" / "Sakker").
        if distance > 1 {
            return None;
        }
        1.0 - distance as f64 / longest as f64 - 0.05
    } else if distance == 1 || (distance == 2 && longest >= 7) {
        // Jaro-Winkler rewards shared prefixes generously; the edit similarity keeps it
        // honest, and two slips need a long token to be slips at all.
        let edit = 1.0 - distance as f64 / longest as f64;
        edit.max(strsim::jaro_winkler(a, b) - 0.05)
    } else {
        return None;
    };
    (similarity >= WEIGHTS.token_cutoff).then_some(similarity.min(0.97))
}

fn sorted(text: &str) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    bytes.sort_unstable();
    bytes
}

/// Romanisation variants: the same consonant skeleton, starting alike, scored by how close
/// the normalised spellings are (Mohammed/Muhammad 0.91, Vilson/Wilson 0.95).
fn phonetic_similarity(a: &Token, b: &Token) -> Option<f64> {
    if a.skeleton != b.skeleton || a.skeleton.len() < 2 {
        return None;
    }
    let same_start = phonetic::same_start(&a.spelling, &b.spelling);
    if !same_start {
        return None;
    }
    let longest = a.spelling.len().max(b.spelling.len()) as f64;
    let edit = 1.0 - strsim::osa_distance(&a.spelling, &b.spelling) as f64 / longest;
    // Same consonants in very different spellings are other names ("Meijer" / "Mazhar"), and
    // two consonants leave too little to go on unless the spellings are close too.
    let needed = if a.skeleton.len() == 2 { 0.7 } else { 0.6 };
    if edit < needed {
        return None;
    }
    Some(WEIGHTS.phonetic_base + WEIGHTS.phonetic_span * edit)
}

/// A token transliterated from Arabic or Persian script has no short vowels and no p or v:
/// compare consonant skeletons with p as b and v as f, allowing one slip in a long one.
fn abjad_similarity(a: &Token, b: &Token) -> Option<(f64, How)> {
    let (sa, sb) = (phonetic::abjad_skeleton(&a.skeleton), phonetic::abjad_skeleton(&b.skeleton));
    if sa.is_empty() || sb.is_empty() {
        return None;
    }
    if sa == sb {
        return Some((WEIGHTS.phonetic_base + WEIGHTS.phonetic_span / 2.0, How::Phonetic));
    }
    let distance = strsim::osa_distance(&sa, &sb);
    (distance == 1 && sa.len().max(sb.len()) >= 4).then_some((WEIGHTS.token_cutoff, How::Phonetic))
}

/// A run of one or two adjacent tokens, as a candidate partner.
struct Span {
    start: usize,
    len: usize,
    token: Token,
}

fn spans(tokens: &[Weighted]) -> Vec<Span> {
    let mut out = Vec::with_capacity(tokens.len() * 2);
    for (i, t) in tokens.iter().enumerate() {
        out.push(Span { start: i, len: 1, token: t.token.clone() });
        if let Some(next) = tokens.get(i + 1) {
            let text = format!("{}{}", t.token.text, next.token.text);
            out.push(Span { start: i, len: 2, token: Token::new(text, t.token.origin) });
        }
    }
    out
}

/// Compares a query name with a list name.
pub fn compare(query: &[Weighted], name: &[Weighted]) -> NameMatch {
    let q_spans = spans(query);
    let n_spans = spans(name);
    // Every plausible pairing; a pair of two joined tokens on both sides adds nothing.
    let mut candidates: Vec<(f64, How, usize, usize)> = Vec::new();
    for (qi, qs) in q_spans.iter().enumerate() {
        for (ni, ns) in n_spans.iter().enumerate() {
            // Two joined tokens on both sides add nothing; an initial stands for one word.
            let initial = qs.token.text.len() == 1 || ns.token.text.len() == 1;
            if (qs.len == 2 && ns.len == 2) || (initial && qs.len + ns.len > 2) {
                continue;
            }
            if let Some((sim, how)) = token_similarity(&qs.token, &ns.token) {
                candidates.push((sim, how, qi, ni));
            }
        }
    }
    // Best pairs first; on a tie the pair that accounts for more tokens ("Benomar" = "Ben" +
    // "Omar" before "Ben" = "Ben"), then the heavier one.
    let order = |c: &(f64, How, usize, usize)| (q_spans[c.2].len + n_spans[c.3].len, span_weight(query, &q_spans[c.2]));
    candidates.sort_by(|a, b| {
        b.0.total_cmp(&a.0).then_with(|| {
            let (oa, ob) = (order(a), order(b));
            ob.0.cmp(&oa.0).then(ob.1.total_cmp(&oa.1))
        })
    });

    let mut q_sim = vec![0.0; query.len()];
    let mut n_sim = vec![0.0; name.len()];
    let mut q_used = vec![false; query.len()];
    let mut n_used = vec![false; name.len()];
    let mut pairs = Vec::new();
    for (sim, how, qi, ni) in candidates {
        let (qs, ns) = (&q_spans[qi], &n_spans[ni]);
        let q_range = qs.start..qs.start + qs.len;
        let n_range = ns.start..ns.start + ns.len;
        if q_range.clone().any(|i| q_used[i]) || n_range.clone().any(|j| n_used[j]) {
            continue;
        }
        let sim = sim.max(0.0);
        for i in q_range {
            q_used[i] = true;
            q_sim[i] = sim;
        }
        for j in n_range {
            n_used[j] = true;
            n_sim[j] = sim;
        }
        pairs.push((
            qs.start,
            Pair { query: qs.token.text.clone(), list: ns.token.text.clone(), how, similarity: round3(sim) },
        ));
    }
    // Explained in the order the query was written.
    pairs.sort_by_key(|(start, _)| *start);
    let pairs = pairs.into_iter().map(|(_, pair)| pair).collect();

    let q_total: f64 = query.iter().map(|t| t.weight).sum();
    let q_matched: f64 = query.iter().zip(&q_sim).map(|(t, s)| t.weight * s).sum();
    let n_matched: f64 = name.iter().zip(&n_sim).map(|(t, s)| t.weight * s).sum();
    let n_unmatched: f64 = name
        .iter()
        .zip(&n_used)
        .filter(|(_, used)| !**used)
        .map(|(t, _)| t.weight * if is_optional(&t.token.text) { WEIGHTS.optional_token } else { 1.0 })
        .sum();
    let coverage = if q_total > 0.0 { q_matched / q_total } else { 0.0 };
    let name_factor = if n_matched > 0.0 { n_matched / (n_matched + WEIGHTS.beta * n_unmatched) } else { 0.0 };
    NameMatch {
        score: round3(coverage * name_factor),
        pairs,
        unmatched_query: unmatched(query, &q_used),
        unmatched_list: unmatched(name, &n_used),
    }
}

fn span_weight(tokens: &[Weighted], span: &Span) -> f64 {
    tokens[span.start..span.start + span.len].iter().map(|t| t.weight).sum()
}

fn unmatched(tokens: &[Weighted], used: &[bool]) -> Vec<String> {
    tokens.iter().zip(used).filter(|(_, u)| !**u).map(|(t, _)| t.token.text.clone()).collect()
}

/// Patronymics (Russian -ovich/-ovna, Turkic -ogly/-kyzy) and name particles: the parts of a
/// name that people most often leave out.
pub fn is_optional(token: &str) -> bool {
    const ENDINGS: &[&str] = &["ovich", "evich", "ovna", "evna", "ichna", "ogly", "oglu", "kyzy", "qizi"];
    const PARTICLES: &[&str] = &[
        "al", "el", "bin", "ibn", "bint", "abu", "ben", "de", "da", "di", "van", "von", "der", "la", "le", "du", "dos",
        "das", "del",
    ];
    ENDINGS.iter().any(|e| token.len() > e.len() + 2 && token.ends_with(e)) || PARTICLES.contains(&token)
}

pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::normalize::{normalize, LegalForms};

    fn score(q: &str, n: &str) -> f64 {
        let qn = normalize(q, LegalForms::Keep);
        let nn = normalize(n, LegalForms::Keep);
        let qw: Vec<Weighted> = qn.tokens.iter().map(|t| Weighted { token: t, weight: 5.0 }).collect();
        let nw: Vec<Weighted> = nn.tokens.iter().map(|t| Weighted { token: t, weight: 5.0 }).collect();
        compare(&qw, &nw).score
    }

    #[test]
    fn order_case_and_punctuation_do_not_matter() {
        assert_eq!(score("GADZHIYEV, Murad", "Murad Gadzhiyev"), 1.0);
    }

    #[test]
    fn joined_and_split_particles_match() {
        assert!(score("Al Hassan", "Alhassan") > 0.95);
        assert!(score("Alsayyed", "Al-Sayyed") > 0.95);
    }

    #[test]
    fn a_typo_costs_a_little_and_another_name_costs_a_lot() {
        let typo = score("Ednba Madzongwe", "Edna Madzongwe");
        assert!((0.85..1.0).contains(&typo), "{typo}");
        let other = score("Pyotr Madzongwe", "Edna Madzongwe");
        assert!(other < 0.6, "{other}");
    }

    #[test]
    fn dropped_patronymic_costs_little() {
        let s = score("Ivan Abramov", "Ivan Nikolaevich Abramov");
        assert!(s > 0.9, "{s}");
    }
}
