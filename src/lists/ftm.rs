//! TODO(helper): importer.

use super::{ImportError, Parsed, SourceFile};

pub fn parse(file: &SourceFile) -> Result<Parsed, ImportError> {
    Err(ImportError::Layout { file: file.name.clone(), reason: "not implemented".into() })
}

/// The list id for an FtM export: `os-` and the first dataset named in the first entity.
pub fn list_id_from_head(_head: &str) -> String {
    "opensanctions".into()
}
