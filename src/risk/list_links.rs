//! The lists' own links. A list entry may name other parties: OFAC writes "Linked To: …" and a
//! vessel's owner, FollowTheMoney files carry ownership and directorship. When screening finds
//! that a party of the case is one an entry names (`matching::Hit::link`) and the reviewer
//! confirms it, the list itself relates that party to a listed one, whether or not the user
//! knew of the relation.
//!
//! Such a link weighs through rules the model already has, so it adds no figure to the table:
//! - it is a link to a listed party: red flag EU-07 ("significant minority stake or board links
//!   to a listed party") is answered yes by the facts, for the counterparty and its affiliates;
//! - an EU, UN or Dutch entry that names the counterparty makes a listed related party: the
//!   `listed-affiliate` floor, at least Elevated;
//! - an entry that says it owns the counterparty ("owner of") is a listed owner whose share
//!   the list does not give, so its jurisdiction's ownership test cannot exclude ownership
//!   until the share is known.

use super::ownership::Owner;
use serde::{Deserialize, Serialize};

/// A list entry that names a party of the case in its links, confirmed by the reviewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListLink {
    /// The list id ("ofac-sdn") and the entry's id on it.
    pub list: String,
    pub entry_id: String,
    /// The listed entry's primary name.
    pub entry_name: String,
    /// The relation as the list writes it, from the entry's side ("linked_to", "owner",
    /// "owner of", "director of").
    pub relation: String,
    /// The party's name as the entry writes it.
    pub named_as: String,
}

impl ListLink {
    /// "ofac-sdn entry 27018 (DEMIR, Ismail) names it in its links: linked_to \"PRESIDENCY OF
    /// DEFENSE INDUSTRIES\"".
    pub fn path(&self) -> String {
        format!(
            "{} entry {} ({}) names it in its links: {} \"{}\"",
            self.list, self.entry_id, self.entry_name, self.relation, self.named_as
        )
    }

    /// The entry says it owns the party it names (FollowTheMoney's "owner of").
    fn entry_owns_party(&self) -> bool {
        self.relation == "owner of"
    }
}

/// One list link as the profile shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkFinding {
    /// The counterparty's name, or the affiliation's path ("owned 60 % by X").
    pub party: String,
    #[serde(flatten)]
    pub link: ListLink,
    /// "X: ofac-sdn entry 27018 (DEMIR, Ismail) names it in its links: linked_to …".
    pub path: String,
}

impl LinkFinding {
    pub fn of(party: &str, link: &ListLink) -> LinkFinding {
        LinkFinding { party: party.to_string(), link: link.clone(), path: format!("{party}: {}", link.path()) }
    }
}

/// Entries that name the counterparty as theirs, as owners for the ownership test.
pub fn owners(links: &[ListLink]) -> Vec<Owner> {
    links
        .iter()
        .filter(|l| l.entry_owns_party())
        .map(|l| Owner { name: l.entry_name.clone(), percent: None, listed_on: vec![l.list.clone()], controls: false })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(relation: &str) -> ListLink {
        ListLink {
            list: "eu-fsf".into(),
            entry_id: "EU.1.2".into(),
            entry_name: "LISTED HOLDING".into(),
            relation: relation.into(),
            named_as: "ACME".into(),
        }
    }

    #[test]
    fn only_an_entry_that_owns_the_party_is_an_owner() {
        assert_eq!(owners(&[link("linked_to"), link("owner"), link("director of")]), vec![]);
        let owners = owners(&[link("owner of")]);
        assert_eq!(owners.len(), 1);
        assert_eq!((owners[0].name.as_str(), owners[0].percent), ("LISTED HOLDING", None));
    }

    #[test]
    fn the_path_quotes_the_list() {
        assert_eq!(
            LinkFinding::of("ACME BV", &link("linked_to")).path,
            "ACME BV: eu-fsf entry EU.1.2 (LISTED HOLDING) names it in its links: linked_to \"ACME\""
        );
    }
}
