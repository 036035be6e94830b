//! Klaring's core: screening counterparties against sanctions lists, offline.
//!
//! Reading order follows the data: `lists` (publisher files → entities) → `store` (SQLite) →
//! `matching` (pure name matching with explanations) → `screening` (queries against the
//! current lists) → the `klaring` CLI in `main.rs`.

pub mod countries;
pub mod lists;
pub mod model;
