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
use serde::Serialize;

/// The matcher's tunable constants.
pub struct Weights {
    /// Similarity of two tokens with the same consonant skeleton but different spelling.
    pub phonetic: f64,
    /// Below this a token pair is no pair at all.
    pub token_cutoff: f64,
    /// How much unmatched list-name information counts against the score.
    pub beta: f64,
    /// The share of `beta` for unmatched patronymics and particles.
    pub optional_token: f64,
}

pub const WEIGHTS: Weights = Weights { phonetic: 0.9, token_cutoff: 0.8, beta: 0.35, optional_token: 0.3 };

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
        let (short, long) = if la == 1 { (a, b) } else { (b, a) };
        return long.text.starts_with(&short.text).then_some((1.0, How::Initial));
    }
    // Numbers in names (vessels, units) must agree exactly.
    if a.text.bytes().any(|c| c.is_ascii_digit()) || b.text.bytes().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let abjad = a.origin == Origin::Abjad || b.origin == Origin::Abjad;
    let min_skeleton = if abjad { 1 } else { 2 };
    if a.skeleton == b.skeleton && a.skeleton.len() >= min_skeleton {
        return Some((WEIGHTS.phonetic, How::Phonetic));
    }
    if abjad {
        // Consonants only on one side: compare skeletons, allowing one slip.
        let distance = strsim::osa_distance(&a.skeleton, &b.skeleton);
        let longest = a.skeleton.len().max(b.skeleton.len());
        return (distance == 1 && longest >= 4).then_some((WEIGHTS.token_cutoff, How::Phonetic));
    }
    if la.min(lb) < 3 {
        return None;
    }
    let distance = strsim::osa_distance(&a.text, &b.text);
    let longest = la.max(lb) as f64;
    let edit = 1.0 - distance as f64 / longest;
    let jaro = strsim::jaro_winkler(&a.text, &b.text);
    // Jaro-Winkler rewards shared prefixes generously; the edit similarity keeps it honest on
    // short tokens. A token needs both to be reasonably close.
    let similarity = if distance <= 2 { edit.max(jaro - 0.05) } else { edit.min(jaro) };
    (similarity >= WEIGHTS.token_cutoff).then_some((similarity.min(0.97), How::Typo))
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
            let skeleton = super::phonetic::skeleton(&text);
            let origin = t.token.origin;
            out.push(Span { start: i, len: 2, token: Token { text, skeleton, origin } });
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
            if qs.len == 2 && ns.len == 2 {
                continue;
            }
            if let Some((sim, how)) = token_similarity(&qs.token, &ns.token) {
                // A joined pair must beat what its parts could do alone: prefer single tokens
                // on ties by a hair.
                let joined_penalty = if qs.len + ns.len > 2 { 0.001 } else { 0.0 };
                candidates.push((sim - joined_penalty, how, qi, ni));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(span_weight(query, &q_spans[b.2]).total_cmp(&span_weight(query, &q_spans[a.2]))));

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
        pairs.push(Pair { query: qs.token.text.clone(), list: ns.token.text.clone(), how, similarity: round3(sim) });
    }

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
    const PARTICLES: &[&str] = &["al", "el", "bin", "ibn", "bint", "abu", "ben", "de", "da", "di", "van", "von", "der", "la", "le", "du", "dos", "das", "del"];
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
