//! The candidate index: every list name, normalised once, reachable from its tokens so that a
//! query never scans every name.
//!
//! Two levels: a vocabulary of distinct tokens (with rarity counts and a skeleton), and for
//! each vocabulary token the names that contain it. A query token reaches vocabulary tokens
//! by exact text, by consonant skeleton (transliteration variants), and by single-deletion
//! keys (SymSpell: one typo, dropped, doubled or swapped letter). Deletion keys are stored as
//! 64-bit hashes: a collision only adds a candidate that the scorer then rejects.

use super::normalize::{normalize, LegalForms, NormName, Origin, Token};
use super::score::{token_similarity, Weighted};
use crate::model::{Entity, NameKind, Schema};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// What the matcher keeps of a listed entity: enough to adjust and report a hit.
#[derive(Debug, Clone)]
pub struct IndexedEntity {
    pub list: String,
    pub entry_id: String,
    pub schema: Schema,
    pub primary_name: String,
    pub birth_dates: Vec<crate::model::BirthDate>,
    pub countries: Vec<String>,
    /// Normalised identifier values (passport, IMO, registration numbers).
    pub identifiers: Vec<String>,
    /// Set on the stand-in for a party the entry names in its links: the relation as the list
    /// writes it. The stand-in carries the entry's list, id and primary name and the linked
    /// party's name only, so nothing about the entry is adjusted against the query.
    pub link: Option<String>,
}

#[derive(Debug, Clone)]
pub struct IndexedName {
    pub entity: u32,
    pub kind: NameKind,
    pub full: String,
    pub tokens: Vec<u32>,
    pub legal_forms: Vec<String>,
    pub acronyms: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Index {
    pub entities: Vec<IndexedEntity>,
    pub names: Vec<IndexedName>,
    vocab: Vec<Token>,
    /// Number of names containing each vocabulary token.
    df: Vec<u32>,
    postings: Vec<Vec<u32>>,
    by_text: HashMap<String, u32>,
    by_skeleton: HashMap<String, Vec<u32>>,
    by_deletion: HashMap<u64, Vec<u32>>,
    by_identifier: HashMap<String, Vec<u32>>,
}

/// Letters and digits only, upper case: how identifiers are compared.
pub fn identifier_key(value: &str) -> String {
    value.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect()
}

/// Legal forms are stripped from everything that is not a person.
pub fn legal_forms_for(schema: Option<Schema>) -> LegalForms {
    match schema {
        Some(Schema::Person) => LegalForms::Keep,
        _ => LegalForms::Strip,
    }
}

fn hash(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// The token itself and every string one deletion away from it.
fn deletions(text: &str) -> impl Iterator<Item = u64> + '_ {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    std::iter::once(hash(text)).chain((0..n).filter(move |_| n >= 4).map(move |skip| {
        let s: String = chars.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, c)| c).collect();
        hash(&s)
    }))
}

/// The Latin skeletons an Arabic-script skeleton may stand for: each b may be p, each f may
/// be v (at most the first four of them, so a long name stays cheap).
fn abjad_spellings(skeleton: &str) -> Vec<String> {
    let positions: Vec<usize> =
        skeleton.char_indices().filter(|(_, c)| matches!(c, 'b' | 'f')).map(|(i, _)| i).take(4).collect();
    (1..1u32 << positions.len())
        .map(|mask| {
            let mut bytes = skeleton.as_bytes().to_vec();
            for (bit, &at) in positions.iter().enumerate() {
                if mask & (1 << bit) != 0 {
                    bytes[at] = if bytes[at] == b'b' { b'p' } else { b'v' };
                }
            }
            String::from_utf8(bytes).expect("ASCII in, ASCII out")
        })
        .collect()
}

impl Index {
    /// Builds the index over `(list id, entity)` pairs.
    pub fn build<'a>(entities: impl IntoIterator<Item = (&'a str, &'a Entity)>) -> Index {
        let mut index = Index::default();
        for (list, entity) in entities {
            let entity_id = index.entities.len() as u32;
            index.entities.push(IndexedEntity {
                list: list.to_string(),
                entry_id: entity.entry_id.clone(),
                schema: entity.schema,
                primary_name: entity.primary_name().to_string(),
                birth_dates: entity.birth_dates.clone(),
                countries: entity.countries.clone(),
                identifiers: entity
                    .identifiers
                    .iter()
                    .map(|i| identifier_key(&i.value))
                    .filter(|k| k.len() >= 5)
                    .collect(),
                link: None,
            });
            for key in &index.entities[entity_id as usize].identifiers.clone() {
                index.by_identifier.entry(key.clone()).or_default().push(entity_id);
            }
            let forms = legal_forms_for(Some(entity.schema));
            for name in &entity.names {
                let norm = normalize(&name.full, forms);
                index.add_name(entity_id, name.kind, &name.full, norm);
            }
            index.add_links(list, entity);
        }
        for (id, token) in index.vocab.iter().enumerate() {
            let id = id as u32;
            for key in deletions(&token.text) {
                index.by_deletion.entry(key).or_default().push(id);
            }
            if !token.skeleton.is_empty() {
                index.by_skeleton.entry(token.skeleton.clone()).or_default().push(id);
            }
        }
        for list in index.by_deletion.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        index
    }

    /// Indexes the parties an entry names in its links but the list does not hold as entries
    /// of their own (OFAC "Linked To: …" and vessel owners the importer could not resolve to an
    /// entry). A link that resolved to an entry needs no stand-in: that entry's own names are
    /// indexed and hit directly.
    fn add_links(&mut self, list: &str, entity: &Entity) {
        for link in entity.links.iter().filter(|l| l.entry_id.is_none()) {
            let stand_in = self.entities.len() as u32;
            self.entities.push(IndexedEntity {
                list: list.to_string(),
                entry_id: entity.entry_id.clone(),
                schema: Schema::Unknown,
                primary_name: entity.primary_name().to_string(),
                birth_dates: Vec::new(),
                countries: Vec::new(),
                identifiers: Vec::new(),
                link: Some(link.relation.clone()),
            });
            let norm = normalize(&link.name, legal_forms_for(None));
            self.add_name(stand_in, NameKind::Primary, &link.name, norm);
        }
    }

    fn add_name(&mut self, entity: u32, kind: NameKind, full: &str, norm: NormName) {
        if norm.tokens.is_empty() {
            return;
        }
        let name_id = self.names.len() as u32;
        let mut tokens = Vec::with_capacity(norm.tokens.len());
        for token in norm.tokens {
            let id = match self.by_text.get(&token.text) {
                Some(&id) => id,
                None => {
                    let id = self.vocab.len() as u32;
                    self.by_text.insert(token.text.clone(), id);
                    self.vocab.push(token);
                    self.df.push(0);
                    self.postings.push(Vec::new());
                    id
                }
            };
            if self.postings[id as usize].last() != Some(&name_id) {
                self.postings[id as usize].push(name_id);
                self.df[id as usize] += 1;
            }
            tokens.push(id);
        }
        self.names.push(IndexedName {
            entity,
            kind,
            full: full.to_string(),
            tokens,
            legal_forms: norm.legal_forms,
            acronyms: norm.acronyms,
        });
    }

    pub fn vocabulary_size(&self) -> usize {
        self.vocab.len()
    }

    /// Rarity weight of a vocabulary token: inverse document frequency over all names.
    pub fn weight(&self, id: u32) -> f64 {
        self.idf(self.df[id as usize])
    }

    fn idf(&self, df: u32) -> f64 {
        (1.0 + self.names.len() as f64 / df.max(1) as f64).ln()
    }

    /// The weight of a token that occurs in no list name: as rare as can be.
    pub fn unseen_weight(&self) -> f64 {
        self.idf(1)
    }

    pub fn token(&self, id: u32) -> &Token {
        &self.vocab[id as usize]
    }

    /// The weighted tokens of an indexed name.
    pub fn weighted_name(&self, name: &IndexedName) -> Vec<Weighted<'_>> {
        name.tokens.iter().map(|&id| Weighted { token: self.token(id), weight: self.weight(id) }).collect()
    }

    /// Vocabulary tokens close enough to `token` to be worth scoring, with their similarity.
    pub fn similar_tokens(&self, token: &Token) -> Vec<(u32, f64)> {
        let mut seen: Vec<u32> = Vec::new();
        if let Some(&id) = self.by_text.get(&token.text) {
            seen.push(id);
        }
        let skeleton_ok = token.skeleton.len() >= 2 || (token.origin == Origin::Abjad && !token.skeleton.is_empty());
        if skeleton_ok {
            if let Some(ids) = self.by_skeleton.get(&token.skeleton) {
                seen.extend(ids.iter().take(2000));
            }
        }
        if token.origin == Origin::Abjad {
            // Arabic script writes p as b and v as f: look the other spellings up too.
            for key in abjad_spellings(&token.skeleton) {
                if let Some(ids) = self.by_skeleton.get(&key) {
                    seen.extend(ids.iter().take(2000));
                }
            }
        }
        if token.text.len() >= 3 && !token.text.bytes().any(|b| b.is_ascii_digit()) {
            for key in deletions(&token.text) {
                if let Some(ids) = self.by_deletion.get(&key) {
                    seen.extend(ids);
                }
            }
        }
        seen.sort_unstable();
        seen.dedup();
        seen.into_iter().filter_map(|id| token_similarity(token, self.token(id)).map(|(sim, _)| (id, sim))).collect()
    }

    /// The vocabulary id of exactly this token text.
    pub fn exact(&self, text: &str) -> Option<u32> {
        self.by_text.get(text).copied()
    }

    /// Names whose postings an exact identifier match reaches.
    pub fn entities_with_identifier(&self, value: &str) -> &[u32] {
        let key = identifier_key(value);
        self.by_identifier.get(&key).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn postings(&self, id: u32) -> &[u32] {
        &self.postings[id as usize]
    }
}
