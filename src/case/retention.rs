//! How long a case is kept: until 31 December of the year of its last decision (or, without
//! one, of its creation) plus N years (Dual-Use Regulation Art. 27(3): at least five years from
//! the end of the calendar year; OFAC 31 CFR 501.601: ten). N is a setting, never below 5,
//! default 10. A submitted case records the N in force, and the longer of that and the current
//! setting applies, so lowering the setting never shortens a submitted case's period.
//!
//! Nothing deletes a case: the store has no such query and its triggers refuse `DELETE`.

use super::events::{CaseError, CaseState};
use crate::store::{Store, StoreError};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

pub const DEFAULT_YEARS: u32 = 10;
pub const MIN_YEARS: u32 = 5;
const KEY: &str = "retention.years";

/// The configured N.
pub fn years(store: &Store) -> Result<u32, StoreError> {
    Ok(store.setting(KEY)?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_YEARS))
}

/// Sets N; refused below [`MIN_YEARS`].
pub fn set_years(store: &mut Store, years: u32) -> Result<(), CaseError> {
    if years < MIN_YEARS {
        return Err(CaseError::Retention(years));
    }
    Ok(store.set_settings(&[(KEY, &years.to_string())])?)
}

/// A case's retain-until date and the rule that set it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Retention {
    pub retain_until: NaiveDate,
    pub years: u32,
    /// The event the period runs from: "decision" or "created".
    pub from: &'static str,
    pub rule: String,
}

/// 31 December of the year of `from` (an RFC 3339 time) plus `years`.
pub fn end_of_year_plus(from: &str, years: u32) -> NaiveDate {
    let year = from.get(..4).and_then(|y| y.parse::<i32>().ok()).unwrap_or_else(|| chrono::Utc::now().year());
    NaiveDate::from_ymd_opt(year + years as i32, 12, 31).expect("31 December exists")
}

pub fn retention(state: &CaseState, configured: u32) -> Retention {
    let years = configured.max(state.submitted_retention_years.unwrap_or(0)).max(MIN_YEARS);
    let (from, at, event) = match &state.decision {
        Some(decision) => ("decision", decision.at.as_str(), "last decision"),
        None => ("created", state.created_at.as_str(), "creation"),
    };
    Retention {
        retain_until: end_of_year_plus(at, years),
        years,
        from,
        rule: format!(
            "31 December of the year of the case's {event} + {years} years (Art. 27(3) EU 2021/821, minimum 5)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_runs_from_the_end_of_the_calendar_year() {
        assert_eq!(end_of_year_plus("2026-01-02T03:04:05.000Z", 10), NaiveDate::from_ymd_opt(2036, 12, 31).unwrap());
        assert_eq!(end_of_year_plus("2026-12-31T23:59:59.999Z", 5), NaiveDate::from_ymd_opt(2031, 12, 31).unwrap());
    }
}
