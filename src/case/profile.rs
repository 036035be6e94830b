//! The local user profile: who is acting on this laptop (name and role), kept in the
//! database's `settings` table and used as the actor of every case event.
//!
//! Klaring has no accounts: the profile is what the user says they are, set with
//! `klaring user set`. Four eyes therefore compares profiles (by name, case and spacing
//! folded), which makes a second person sign with their own name; it is an organisational
//! control, not authentication. A second approver on the same laptop switches the profile
//! (`klaring user set`) before approving; the event log shows both names and roles.

use super::events::CaseError;
use crate::store::{Store, StoreError};
use serde::{Deserialize, Serialize};

const NAME: &str = "user.name";
const ROLE: &str = "user.role";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserProfile {
    pub name: String,
    /// E.g. "export manager", "compliance officer".
    pub role: String,
}

impl UserProfile {
    /// A profile with a name and a role, both trimmed and non-empty.
    pub fn new(name: &str, role: &str) -> Result<UserProfile, CaseError> {
        let (name, role) = (name.split_whitespace().collect::<Vec<_>>().join(" "), role.trim().to_string());
        if name.is_empty() || role.is_empty() {
            return Err(CaseError::Profile("a user profile needs a name and a role".into()));
        }
        Ok(UserProfile { name, role })
    }

    /// Whether `actor` (an event's actor) is this person.
    pub fn is(&self, actor: &str) -> bool {
        same_person(&self.name, actor)
    }
}

/// Two actor names are the same person when they are equal ignoring case and spacing.
pub fn same_person(a: &str, b: &str) -> bool {
    let key = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    key(a) == key(b)
}

/// The profile set on this database, if any.
pub fn load(store: &Store) -> Result<Option<UserProfile>, StoreError> {
    Ok(match (store.setting(NAME)?, store.setting(ROLE)?) {
        (Some(name), Some(role)) => Some(UserProfile { name, role }),
        _ => None,
    })
}

/// The profile, or [`CaseError::NoProfile`]: nothing is recorded on a case without one.
pub fn require(store: &Store) -> Result<UserProfile, CaseError> {
    load(store)?.ok_or(CaseError::NoProfile)
}

pub fn save(store: &mut Store, profile: &UserProfile) -> Result<(), StoreError> {
    store.set_settings(&[(NAME, &profile.name), (ROLE, &profile.role)])
}
