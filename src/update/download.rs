//! Downloading one list's files: each is streamed through [`crate::net::fetch_to`] into a
//! temporary file in the data directory (so a half-finished download never sits in memory or
//! anywhere it could be taken for a list), then read back whole for the importer. The temporary
//! files are removed when this returns, whatever happened.

use super::sources::ListSource;
use super::{Progress, UpdateError};
use crate::lists::SourceFile;
use crate::net::{self, FetchOptions};
use std::io::Read;
use std::path::Path;

/// The largest list file accepted. The EU's full XML is the largest publication, at some tens
/// of megabytes; 256 MB leaves room for years of growth and still stops a runaway body.
pub const MAX_LIST_BYTES: u64 = 256 * 1024 * 1024;

/// Download limits fit for list files: the feeds' timeouts, with the list cap.
pub fn list_fetch_options() -> FetchOptions {
    FetchOptions { max_bytes: MAX_LIST_BYTES, ..FetchOptions::default() }
}

/// Fetches every file of `source` into `dir`, in order; the first failure stops the list.
/// Files are named `download:<list>/<file>`, so importers recognise each file's role by its
/// name, and every message names the list and the file.
pub fn fetch_list(
    source: &ListSource,
    dir: &Path,
    options: &FetchOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<SourceFile>, UpdateError> {
    std::fs::create_dir_all(dir).map_err(|error| UpdateError::TempFile { dir: dir.to_path_buf(), error })?;
    let mut files = Vec::with_capacity(source.files.len());
    for file in &source.files {
        let temp_error = |error| UpdateError::TempFile { dir: dir.to_path_buf(), error };
        let mut temp = tempfile::Builder::new().prefix(".download-").tempfile_in(dir).map_err(temp_error)?;
        net::fetch_to(&file.url, options, temp.as_file_mut(), &mut |t| {
            progress(Progress::Download {
                list: source.list.clone(),
                file: file.file.clone(),
                received: t.received,
                total: t.total,
            })
        })
        .map_err(|error| UpdateError::Fetch { list: source.list.clone(), file: file.file.clone(), error })?;
        let mut bytes = Vec::new();
        std::fs::File::open(temp.path()).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(temp_error)?;
        files.push(SourceFile { name: format!("download:{}/{}", source.list, file.file), bytes });
    }
    Ok(files)
}
