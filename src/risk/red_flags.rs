//! The red-flag questionnaire (domain brief §5) and R, the unresolved-red-flags factor.
//!
//! The flags and their wording are data (`data/risk/red_flags.json`), their weights sit in the
//! model table. Each answer is yes, no or unknown, with a comment. R adds the weights of the
//! flags answered yes, an unknown counting half until resolved, and caps the sum at 3. EU-01
//! and EU-02 are left out of R because they already set U, and the destination flags (D) feed
//! D. A flag of a category that must be answered (end user, end use) and is not counts as
//! unknown: not looking is no way to lower a score.

use super::model::model;
use super::profile::{Contribution, Factor, Source};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../data/risk/red_flags.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    Unknown,
}

/// One answer as the user gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagAnswer {
    /// The flag id, e.g. "US-01".
    pub id: String,
    pub answer: Answer,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
}

impl FlagAnswer {
    pub fn new(id: &str, answer: Answer) -> FlagAnswer {
        FlagAnswer { id: id.to_string(), answer, comment: String::new() }
    }
}

/// One question of the questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flag {
    pub id: String,
    /// A (end user), B (end use), C (shipping and payment), D (destination).
    pub category: String,
    pub text: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Category {
    id: String,
    #[allow(dead_code)]
    label: String,
    answer_required: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Questionnaire {
    #[allow(dead_code)]
    about: String,
    source: Source,
    categories: Vec<Category>,
    flags: Vec<Flag>,
}

fn questionnaire() -> &'static Questionnaire {
    static Q: OnceLock<Questionnaire> = OnceLock::new();
    Q.get_or_init(|| serde_json::from_str(TABLE).expect("data/risk/red_flags.json is valid (tested)"))
}

/// Every flag of the questionnaire, in order.
pub fn flags() -> &'static [Flag] {
    &questionnaire().flags
}

/// The flag with this id.
pub fn flag(id: &str) -> Option<&'static Flag> {
    flags().iter().find(|f| f.id == id)
}

/// Whether a flag's category must be answered.
fn answer_required(flag: &Flag) -> bool {
    questionnaire().categories.iter().any(|c| c.id == flag.category && c.answer_required)
}

/// A flag the facts answer without asking (a listed minority owner answers EU-07).
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    pub id: String,
    pub reason: String,
}

/// One flag in the profile: the answer (or none), its weight and what it counted for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlagResult {
    pub id: String,
    pub category: String,
    pub text: String,
    /// None when it was not answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub comment: String,
    pub weight: f64,
    /// Points added to R (before the cap).
    pub counted: f64,
    /// Why it counted as it did.
    pub note: String,
}

/// The effective answer to a flag: the user's, or unknown for a required one left open, or
/// yes when the facts answer it.
pub fn effective(answers: &[FlagAnswer], derived: &[Derived], id: &str) -> Option<Answer> {
    if derived.iter().any(|d| d.id == id) {
        return Some(Answer::Yes);
    }
    let given = answers.iter().find(|a| a.id == id).map(|a| a.answer);
    given.or_else(|| flag(id).filter(|f| answer_required(f)).map(|_| Answer::Unknown))
}

/// R and the questionnaire as the profile shows it. `extra` adds contributions that are no
/// flag (a BIS Entity List hit without EAR content).
pub fn score(answers: &[FlagAnswer], derived: &[Derived], extra: Vec<Contribution>) -> (Factor, Vec<FlagResult>) {
    let weights = &model().red_flags;
    let source = &questionnaire().source;
    let mut results = Vec::new();
    let mut contributions = Vec::new();
    for flag in flags() {
        let weight = weights.weights.get(&flag.id).copied().unwrap_or(0.0);
        let given = answers.iter().find(|a| a.id == flag.id);
        let derived_reason = derived.iter().filter(|d| d.id == flag.id).map(|d| d.reason.as_str()).collect::<Vec<_>>();
        let answer = effective(answers, derived, &flag.id);
        let excluded = weights.excluded.contains(&flag.id);
        let share = match answer {
            Some(Answer::Yes) => 1.0,
            Some(Answer::Unknown) => weights.unknown_counts,
            Some(Answer::No) | None => 0.0,
        };
        let counted = if excluded || flag.category == "D" { 0.0 } else { weight * share };
        let note = if !derived_reason.is_empty() {
            format!("yes from the screening facts: {}", derived_reason.join("; "))
        } else if given.is_none() && answer == Some(Answer::Unknown) {
            "not answered: counted as unknown until it is".to_string()
        } else if given.is_none() {
            "not answered".to_string()
        } else if excluded {
            "counted in the end-user factor U, not in R".to_string()
        } else if flag.category == "D" {
            "counted in the destination factor D, not in R".to_string()
        } else if answer == Some(Answer::Unknown) {
            format!("unknown: half of weight {weight}")
        } else {
            String::new()
        };
        if counted > 0.0 {
            let comment = given.map(|g| g.comment.as_str()).filter(|c| !c.is_empty());
            contributions.push(Contribution {
                points: counted,
                reason: format!(
                    "{} {}{}: {}",
                    flag.id,
                    match answer {
                        Some(Answer::Unknown) => "unknown (half weight)",
                        _ => "yes",
                    },
                    comment.map(|c| format!(" ({c})")).unwrap_or_default(),
                    flag.text
                ),
                source: Some(Source::new(
                    format!("{}; sources {}", source.name, flag.sources.join(", ")),
                    source.date.as_deref(),
                )),
            });
        }
        results.push(FlagResult {
            id: flag.id.clone(),
            category: flag.category.clone(),
            text: flag.text.clone(),
            answer: given.map(|g| g.answer).or(if derived_reason.is_empty() { None } else { Some(Answer::Yes) }),
            comment: given.map(|g| g.comment.clone()).unwrap_or_default(),
            weight,
            counted,
            note,
        });
    }
    contributions.extend(extra);
    // Not `sum()`: the empty sum of f64 is -0.0, which would print as "-0".
    let sum = contributions.iter().fold(0.0, |sum, c| sum + c.points);
    let factor = Factor {
        value: sum.min(weights.max),
        max: weights.max,
        rule: format!(
            "the sum of the weights of flags answered yes (unknown counts {}), EU-01 and EU-02 left out, capped at {}",
            weights.unknown_counts, weights.max
        ),
        contributions,
    };
    (factor, results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_no() -> Vec<FlagAnswer> {
        flags().iter().map(|f| FlagAnswer::new(&f.id, Answer::No)).collect()
    }

    fn with(mut answers: Vec<FlagAnswer>, id: &str, answer: Answer) -> Vec<FlagAnswer> {
        answers.retain(|a| a.id != id);
        answers.push(FlagAnswer::new(id, answer));
        answers
    }

    #[test]
    fn every_flag_has_a_weight_and_a_known_category() {
        for f in flags() {
            assert!(model().red_flags.weights.contains_key(&f.id), "{}", f.id);
            assert!(["A", "B", "C", "D"].contains(&f.category.as_str()), "{}", f.id);
        }
        assert_eq!(flags().len(), 25);
    }

    #[test]
    fn yes_counts_its_weight_unknown_half_and_the_sum_is_capped() {
        let (r, _) = score(&all_no(), &[], vec![]);
        assert_eq!(r.value, 0.0);
        let (r, _) = score(&with(all_no(), "US-01", Answer::Yes), &[], vec![]);
        assert_eq!(r.value, 2.0);
        let (r, _) = score(&with(all_no(), "SP-02", Answer::Unknown), &[], vec![]);
        assert_eq!(r.value, 0.5);
        let answers = with(with(all_no(), "US-03", Answer::Yes), "US-04", Answer::Yes);
        let (r, _) = score(&answers, &[], vec![]);
        assert_eq!(r.value, 3.0, "6 points capped at 3");
    }

    #[test]
    fn eu_01_and_eu_02_and_destination_flags_stay_out_of_r() {
        let answers = with(with(with(all_no(), "EU-01", Answer::Yes), "EU-02", Answer::Yes), "DS-04", Answer::Yes);
        let (r, results) = score(&answers, &[], vec![]);
        assert_eq!(r.value, 0.0);
        assert!(results.iter().find(|f| f.id == "EU-01").unwrap().note.contains("factor U"));
    }

    #[test]
    fn unanswered_end_user_and_end_use_flags_count_as_unknown() {
        let (r, results) = score(&[], &[], vec![]);
        assert_eq!(r.value, 3.0);
        let eu03 = results.iter().find(|f| f.id == "EU-03").unwrap();
        assert_eq!((eu03.answer, eu03.counted), (None, 1.0));
        let sp01 = results.iter().find(|f| f.id == "SP-01").unwrap();
        assert_eq!(sp01.counted, 0.0, "shipping flags need no answer");
    }

    #[test]
    fn facts_answer_a_flag_yes() {
        let derived = [Derived { id: "EU-07".into(), reason: "X (listed on eu-fsf) owns 30 %".into() }];
        let (r, results) = score(&all_no(), &derived, vec![]);
        assert_eq!(r.value, 2.0);
        assert!(results.iter().find(|f| f.id == "EU-07").unwrap().note.contains("owns 30 %"));
    }
}
