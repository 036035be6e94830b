//! Klaring's core: screening counterparties against sanctions lists, offline.
//!
//! Reading order follows the data: `lists` (publisher files → entities) → `store` (SQLite,
//! the only module that touches the database) → `matching` (pure name matching with
//! explanations) → `screening` (queries against the current lists) → the `klaring` CLI in
//! `main.rs`. `app` says where data lives and installs the bundled lists on first use;
//! `batch` reads customer files to screen.
//!
//! Around screening, for the desktop app (and later the CLI): `affiliations` screens a
//! counterparty with its owners, directors and end users; `case` keeps every screening as an
//! append-only, hash-chained case file (stored by `store`); `batch_table` reads customer
//! CSV/XLSX files with their own column names; `export` writes batch results as CSV or XLSX.

pub mod affiliations;
pub mod app;
pub mod batch;
pub mod batch_table;
pub mod case;
pub mod countries;
pub mod export;
pub mod lists;
pub mod matching;
pub mod model;
pub mod net;
pub mod risk;
pub mod screening;
pub mod store;
pub mod update;
pub mod watch;
