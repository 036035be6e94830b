//! What changed in a list between two of its versions, entry by entry (by the list's own entry
//! id): entries added, removed, and changed, with the fields that changed and their values
//! before and after. Versions are never changed or deleted, so a delta can be recomputed at any
//! time from the store; nothing of it is stored.

use super::UpdateError;
use crate::model::{Entity, ListVersion, NameKind};
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A field of a list entry, as the delta reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The primary name.
    Name,
    /// Aliases, weak aliases and former names.
    Aliases,
    BirthDates,
    Programmes,
    Countries,
    Identifiers,
    /// Anything else the entry carries: type, places of birth, addresses, links, listing date,
    /// remarks.
    Other,
}

/// One field's values before and after, as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: Field,
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// An entry as the delta names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryRef {
    pub entry_id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedEntry {
    pub entry_id: String,
    pub name: String,
    pub changes: Vec<FieldChange>,
}

/// The difference between two versions of one list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListDelta {
    pub list: String,
    /// `None` for a list's first version: every entry is added.
    pub from: Option<ListVersion>,
    pub to: ListVersion,
    pub added: Vec<EntryRef>,
    pub removed: Vec<EntryRef>,
    pub changed: Vec<ChangedEntry>,
}

/// Counts only, for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DeltaSummary {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

impl ListDelta {
    pub fn summary(&self) -> DeltaSummary {
        DeltaSummary { added: self.added.len(), removed: self.removed.len(), changed: self.changed.len() }
    }
}

/// The delta from version `from` (none: an empty list) to version `to`.
pub fn between(store: &Store, from: Option<&ListVersion>, to: &ListVersion) -> Result<ListDelta, UpdateError> {
    let by_id = |version: Option<&ListVersion>| -> Result<BTreeMap<String, Entity>, UpdateError> {
        let Some(version) = version else { return Ok(BTreeMap::new()) };
        Ok(store.entities(std::slice::from_ref(version))?.into_iter().map(|(_, e)| (e.entry_id.clone(), e)).collect())
    };
    let (before, after) = (by_id(from)?, by_id(Some(to))?);
    let entry = |e: &Entity| EntryRef { entry_id: e.entry_id.clone(), name: e.primary_name().to_string() };
    let added = after.values().filter(|e| !before.contains_key(&e.entry_id)).map(entry).collect();
    let removed = before.values().filter(|e| !after.contains_key(&e.entry_id)).map(entry).collect();
    let changed = after
        .values()
        .filter_map(|now| {
            let then = before.get(&now.entry_id)?;
            let changes = changed_fields(then, now);
            (!changes.is_empty()).then(|| ChangedEntry {
                entry_id: now.entry_id.clone(),
                name: now.primary_name().to_string(),
                changes,
            })
        })
        .collect();
    Ok(ListDelta { list: to.list.clone(), from: from.cloned(), to: to.clone(), added, removed, changed })
}

/// The delta that brought a list to its current version: from the version imported just before
/// it (by an update or by hand).
pub fn latest(store: &Store, list: &str) -> Result<ListDelta, UpdateError> {
    let current = store
        .current_versions()?
        .into_iter()
        .find(|v| v.list == list)
        .ok_or_else(|| UpdateError::NoList(list.to_string()))?;
    let previous = store.versions_of(list)?.into_iter().rfind(|v| v.id < current.id);
    between(store, previous.as_ref(), &current)
}

/// The fields in which two versions of one entry differ. Values are compared as sets of texts
/// (order in the file is not a change).
pub fn changed_fields(then: &Entity, now: &Entity) -> Vec<FieldChange> {
    let fields = [
        Field::Name,
        Field::Aliases,
        Field::BirthDates,
        Field::Programmes,
        Field::Countries,
        Field::Identifiers,
        Field::Other,
    ];
    fields
        .into_iter()
        .filter_map(|field| {
            let (mut before, mut after) = (values(then, field), values(now, field));
            before.sort();
            after.sort();
            (before != after).then_some(FieldChange { field, before, after })
        })
        .collect()
}

fn values(e: &Entity, field: Field) -> Vec<String> {
    match field {
        Field::Name => vec![e.primary_name().to_string()],
        Field::Aliases => e
            .names
            .iter()
            .skip(1)
            .map(|n| match n.kind {
                NameKind::Primary | NameKind::Alias => n.full.clone(),
                NameKind::WeakAlias => format!("{} (weak)", n.full),
                NameKind::Former => format!("{} (former)", n.full),
            })
            .collect(),
        Field::BirthDates => e
            .birth_dates
            .iter()
            .map(|b| {
                let mut text = b.date.clone();
                if let Some(to) = &b.to {
                    text = format!("{text} to {to}");
                }
                if b.approximate {
                    text.push_str(" (approximately)");
                }
                text
            })
            .collect(),
        Field::Programmes => e.programs.clone(),
        Field::Countries => e.countries.clone(),
        Field::Identifiers => e.identifiers.iter().map(|i| format!("{}: {}", i.kind, i.value)).collect(),
        Field::Other => {
            let mut rest = serde_json::to_value(e).expect("entities always serialise");
            let map = rest.as_object_mut().expect("an entity is an object");
            for key in ["entry_id", "names", "birth_dates", "programs", "countries", "identifiers"] {
                map.remove(key);
            }
            map.iter().map(|(k, v)| format!("{k}: {v}")).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BirthDate, Schema};

    #[test]
    fn an_entry_changes_in_the_fields_that_differ_and_not_in_their_order() {
        let mut then = Entity::new("1", Schema::Person);
        then.add_name("Ivan PETROV", NameKind::Primary);
        then.add_name("Ivan PETROFF", NameKind::Alias);
        then.programs = vec!["RUSSIA".into(), "UKRAINE".into()];
        let mut now = then.clone();
        now.programs.reverse();
        assert!(changed_fields(&then, &now).is_empty());
        now.names[1].full = "Iwan PETROW".into();
        now.birth_dates.push(BirthDate::exact("1961"));
        now.remarks.push("new remark".into());
        let changes = changed_fields(&then, &now);
        let fields: Vec<Field> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, [Field::Aliases, Field::BirthDates, Field::Other]);
        assert_eq!(
            (changes[0].before.as_slice(), changes[0].after.as_slice()),
            (&["Ivan PETROFF".to_string()][..], &["Iwan PETROW".to_string()][..])
        );
    }
}
