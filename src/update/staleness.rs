//! How old each list behind a result or a case is, and when that makes it stale.
//!
//! Two policies, because what can be expected differs: a laptop that updates online can keep
//! its lists within days, so a list older than the policy age (default 7 days, the figure the
//! domain brief gives for a list-age warning) marks results stale. A laptop that never goes
//! online only has the bundled snapshot or files imported by hand; flagging everything at 7 days
//! would make the flag meaningless, so it keeps the offline policy of 30 days
//! ([`crate::screening::DEFAULT_MAX_AGE_DAYS`]). Online updates count as configured once the
//! user sets a source or runs an update, and can be switched off again.

use super::UpdateError;
use crate::screening::ListUsed;
use crate::store::Store;
use serde::Serialize;

const ONLINE: &str = "update.online";
const MAX_AGE: &str = "update.max_age_days";

/// The policy age with online updates, unless the user sets another.
pub const DEFAULT_POLICY_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub online: bool,
    /// A list whose data is older than this many days is stale.
    pub max_age_days: i64,
}

/// The policy in force.
pub fn policy(store: &Store) -> Result<Policy, UpdateError> {
    let online = store.setting(ONLINE)?.as_deref() == Some("true");
    let max_age_days = if online {
        store.setting(MAX_AGE)?.and_then(|d| d.parse().ok()).unwrap_or(DEFAULT_POLICY_DAYS)
    } else {
        crate::screening::DEFAULT_MAX_AGE_DAYS
    };
    Ok(Policy { online, max_age_days })
}

/// Turns online updates on or off.
pub fn set_online(store: &mut Store, online: bool) -> Result<(), UpdateError> {
    store.set_settings(&[(ONLINE, if online { "true" } else { "false" })])?;
    Ok(())
}

/// Sets the policy age for online updates.
pub fn set_max_age(store: &mut Store, days: i64) -> Result<(), UpdateError> {
    if !(1..=365).contains(&days) {
        return Err(UpdateError::Policy(format!("a policy age of {days} days: use 1 to 365")));
    }
    store.set_settings(&[(MAX_AGE, &days.to_string())])?;
    Ok(())
}

/// The age of one list a result used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListAge {
    pub list: String,
    pub version: String,
    /// The date the data speaks for (publisher's, else as-of, else import), `YYYY-MM-DD`.
    pub data_date: String,
    pub age_days: i64,
    pub stale: bool,
}

/// The age of every list a result cites (`ScreenResult::lists`, or a case's cited lists).
pub fn ages(store: &Store, lists: &[ListUsed], today: chrono::NaiveDate) -> Result<Vec<ListAge>, UpdateError> {
    let policy = policy(store)?;
    let mut out = Vec::with_capacity(lists.len());
    for used in lists {
        let data_date = match used.published.clone().or_else(|| used.as_of.clone()) {
            Some(date) => date,
            // Neither date in the file nor asserted: the version's import date.
            None => store
                .version_cited(&used.list, &used.version, &used.sha256)?
                .map(|v| v.data_date().to_string())
                .unwrap_or_else(|| today.to_string()),
        };
        let age_days = chrono::NaiveDate::parse_from_str(&data_date, "%Y-%m-%d").map_or(0, |d| (today - d).num_days());
        out.push(ListAge {
            list: used.list.clone(),
            version: used.version.clone(),
            data_date,
            age_days,
            stale: age_days > policy.max_age_days,
        });
    }
    Ok(out)
}

/// The age of every list a case's latest screening used (its counterparty's result cites them).
pub fn case_ages(
    store: &Store,
    state: &crate::case::events::CaseState,
    today: chrono::NaiveDate,
) -> Result<Vec<ListAge>, UpdateError> {
    let lists: Vec<ListUsed> = state
        .parties
        .first()
        .map(|p| p.lists.iter().filter_map(|l| serde_json::from_value(l.clone()).ok()).collect())
        .unwrap_or_default();
    ages(store, &lists, today)
}
