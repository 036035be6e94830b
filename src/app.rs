//! Where Klaring keeps its data, and how a fresh install gets its lists: the official files
//! bundled in `data/lists` are compiled into the program and imported on first use, offline,
//! with no flags. Their provenance is in `data/README.md`.

use crate::lists::SourceFile;
use crate::store::{ImportOptions, Store, StoreError};
use std::path::{Path, PathBuf};

/// A list as bundled: its id, the date its data is known to be current as of when the files
/// carry no date of their own, and the files.
pub struct BundledList {
    pub list: &'static str,
    pub as_of: Option<&'static str>,
    pub files: &'static [(&'static str, &'static [u8])],
}

macro_rules! bundled {
    ($dir:literal, $($file:literal),+) => {
        &[$(($file, include_bytes!(concat!("../data/lists/", $dir, "/", $file)) as &[u8])),+]
    };
}

/// The bundled snapshot. Dates per `data/README.md`.
pub const BUNDLED: &[BundledList] = &[
    BundledList { list: "un-sc", as_of: None, files: bundled!("un-sc", "consolidated.xml") },
    BundledList {
        list: "ofac-sdn",
        as_of: Some("2024-05-03"),
        files: bundled!("ofac-sdn", "sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"),
    },
    BundledList {
        list: "ofac-cons",
        as_of: Some("2025-12-19"),
        files: bundled!("ofac-cons", "cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"),
    },
    BundledList { list: "uk-ofsi", as_of: None, files: bundled!("uk-ofsi", "ConList.xlsx") },
    BundledList {
        list: "uk-fcdo",
        as_of: Some("2025-08-11"),
        files: bundled!("uk-fcdo", "UK_Sanctions_List_summary_2025-08-11.ods"),
    },
    BundledList { list: "ca-sema", as_of: Some("2025-03-20"), files: bundled!("ca-sema", "sema-lmes.xml") },
    BundledList {
        list: "au-dfat",
        as_of: Some("2024-11-11"),
        files: bundled!("au-dfat", "regulation8_consolidated.xlsx"),
    },
];

/// The data directory: `explicit` (from `--data-dir` or `KLARING_DATA_DIR`), else the
/// platform's application data directory.
pub fn data_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(dir) = explicit {
        return dir.to_path_buf();
    }
    directories::ProjectDirs::from("nl", "Klaring", "klaring")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".klaring"))
}

/// The database file inside a data directory.
pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join("klaring.sqlite")
}

/// Opens the store in `data_dir` and imports every bundled list it does not have yet.
pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
    let mut store = Store::open(&database_path(data_dir))?;
    install_bundled(&mut store)?;
    crate::watch::install_seed(&mut store)?;
    Ok(store)
}

/// Imports the bundled lists the store has no version of. Lists the user has imported or
/// updated are left alone.
pub fn install_bundled(store: &mut Store) -> Result<usize, StoreError> {
    let present: Vec<String> = store.current_versions()?.into_iter().map(|v| v.list).collect();
    let mut installed = 0;
    for bundle in BUNDLED.iter().filter(|b| !present.iter().any(|p| p == b.list)) {
        let files: Vec<SourceFile> = bundle
            .files
            .iter()
            .map(|(name, bytes)| SourceFile { name: format!("bundled:{}/{name}", bundle.list), bytes: bytes.to_vec() })
            .collect();
        let options = ImportOptions { list: Some(bundle.list.to_string()), as_of: bundle.as_of.map(str::to_string) };
        store.import(&files, &options)?;
        installed += 1;
    }
    Ok(installed)
}
