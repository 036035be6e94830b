//! Klaring's core: screening counterparties against sanctions lists, offline.
//!
//! Reading order follows the data: `lists` (publisher files → entities) → `store` (SQLite,
//! the only module that touches the database) → `matching` (pure name matching with
//! explanations) → `screening` (queries against the current lists) → the `klaring` CLI in
//! `main.rs`. `app` says where data lives and installs the bundled lists on first use;
//! `batch` reads customer files to screen.

pub mod app;
pub mod batch;
pub mod countries;
pub mod lists;
pub mod matching;
pub mod model;
pub mod risk;
pub mod screening;
pub mod store;
