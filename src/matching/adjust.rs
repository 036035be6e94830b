//! What besides the name moves a score: birth date, country, the kind of party, an
//! identifier, a weak alias. Each adjustment is small, signed and explained; none can hide an
//! exact name (the floor is applied by the caller).

use super::index::{identifier_key, IndexedEntity};
use super::Query;
use crate::model::{BirthDate, NameKind, Schema};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adjustment {
    /// `birth_date`, `country`, `schema`, `identifier`, `weak_alias`, `exact_name_floor`.
    pub factor: &'static str,
    pub delta: f64,
    pub detail: String,
}

const BIRTH_MATCH: f64 = 0.05;
const BIRTH_CONFLICT: f64 = -0.15;
const COUNTRY_MATCH: f64 = 0.02;
const COUNTRY_CONFLICT: f64 = -0.05;
const SCHEMA_CONFLICT: f64 = -0.15;
const IDENTIFIER_MATCH: f64 = 0.25;
const WEAK_ALIAS: f64 = -0.05;

/// The adjustments for one entity given the query and the kind of name that matched.
pub fn adjustments(query: &Query, entity: &IndexedEntity, name_kind: NameKind) -> Vec<Adjustment> {
    let mut out = Vec::new();
    if name_kind == NameKind::WeakAlias {
        out.push(Adjustment {
            factor: "weak_alias",
            delta: WEAK_ALIAS,
            detail: "matched a weak alias (the list marks it low quality)".into(),
        });
    }
    if let Some(born) = query.birth_date.as_deref().and_then(YearSpan::parse_iso) {
        if let Some(adj) = birth_date(&born, query.birth_date.as_deref().unwrap_or_default(), &entity.birth_dates) {
            out.push(adj);
        }
    }
    if let Some(country) = query.country.as_deref().filter(|c| !c.is_empty()) {
        if !entity.countries.is_empty() {
            let country = country.to_ascii_lowercase();
            let listed = entity.countries.join(", ");
            out.push(if entity.countries.contains(&country) {
                Adjustment {
                    factor: "country",
                    delta: COUNTRY_MATCH,
                    detail: format!("country {country} is among the listed countries ({listed})"),
                }
            } else {
                Adjustment {
                    factor: "country",
                    delta: COUNTRY_CONFLICT,
                    detail: format!("country {country}, listed party linked to {listed}"),
                }
            });
        }
    }
    if let Some(schema) = query.schema.filter(|s| *s != Schema::Unknown) {
        if entity.schema != Schema::Unknown && !compatible(schema, entity.schema) {
            out.push(Adjustment {
                factor: "schema",
                delta: SCHEMA_CONFLICT,
                detail: format!("a {} was screened, the list entry is a {}", schema.as_str(), entity.schema.as_str()),
            });
        }
    }
    if let Some(id) = query.identifier.as_deref() {
        let key = identifier_key(id);
        if key.len() >= 5 && entity.identifiers.contains(&key) {
            out.push(Adjustment {
                factor: "identifier",
                delta: IDENTIFIER_MATCH,
                detail: format!("identifier {id} is on the list entry"),
            });
        }
    }
    out
}

/// Organisations, vessels and aircraft are often listed under each other's schema (an
/// operator company and its ship); a person is never one of them.
fn compatible(a: Schema, b: Schema) -> bool {
    a == b || (a != Schema::Person && b != Schema::Person)
}

/// An inclusive span of years with, when known, the exact date.
#[derive(Debug, Clone, PartialEq)]
struct YearSpan {
    from: i32,
    to: i32,
    exact: Option<String>,
}

impl YearSpan {
    fn parse_iso(text: &str) -> Option<YearSpan> {
        let year: i32 = text.get(..4)?.parse().ok()?;
        let exact = (text.len() == 10).then(|| text.to_string());
        Some(YearSpan { from: year, to: year, exact })
    }

    fn of(date: &BirthDate) -> Option<YearSpan> {
        let mut span = YearSpan::parse_iso(&date.date)?;
        if let Some(to) = date.to.as_deref().and_then(YearSpan::parse_iso) {
            span.to = to.to;
            span.exact = None;
        }
        if date.approximate {
            span.from -= 1;
            span.to += 1;
            span.exact = None;
        }
        Some(span)
    }
}

fn birth_date(born: &YearSpan, given: &str, listed: &[BirthDate]) -> Option<Adjustment> {
    let spans: Vec<YearSpan> = listed.iter().filter_map(YearSpan::of).collect();
    if spans.is_empty() {
        return None;
    }
    let listed_text = listed
        .iter()
        .map(|d| match &d.to {
            Some(to) => format!("{}–{}", d.date, to),
            None if d.approximate => format!("c. {}", d.date),
            None => d.date.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let same_day = spans.iter().any(|s| s.exact.is_some() && s.exact == born.exact);
    let same_year = spans.iter().any(|s| s.from <= born.from && born.from <= s.to);
    let near = spans.iter().any(|s| s.from - 1 <= born.from && born.from <= s.to + 1);
    Some(if same_day || (same_year && (born.exact.is_none() || spans.iter().all(|s| s.exact.is_none()))) {
        Adjustment { factor: "birth_date", delta: BIRTH_MATCH, detail: format!("born {given}, listed {listed_text}") }
    } else if same_year || near {
        Adjustment {
            factor: "birth_date",
            delta: 0.0,
            detail: format!("born {given}, listed {listed_text}: close, not the same"),
        }
    } else {
        Adjustment {
            factor: "birth_date",
            delta: BIRTH_CONFLICT,
            detail: format!("born {given}, listed person {listed_text}"),
        }
    })
}
