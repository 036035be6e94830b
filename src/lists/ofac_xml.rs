//! TODO(helper): importer.

use super::{ImportError, Parsed, SourceFile};

pub fn parse(file: &SourceFile) -> Result<Parsed, ImportError> {
    Err(ImportError::Layout { file: file.name.clone(), reason: "not implemented".into() })
}
