//! Importers: one module per official publication format, each turning the publisher's files
//! into `Entity` records plus `Warning`s.
//!
//! Bad input is data: a record an importer cannot use becomes a warning naming the file, line or
//! entry and the reason, and the rest of the list still imports. A file that cannot be read as
//! its format at all (truncated XML, wrong encoding, empty, unknown layout, an absurd name) is an
//! `ImportError` naming the file and, where known, the line; the caller then changes nothing.
//!
//! Importers do no IO: they get the bytes of the files (`SourceFile`) and return `Parsed`.

pub mod australia;
pub mod canada;
pub mod eu;
pub mod ftm;
pub mod ofac_csv;
pub mod ofac_xml;
pub mod text;
pub mod uk_fcdo;
pub mod uk_ofsi;
pub mod un;

use crate::model::{Entity, Warning};
use serde::Serialize;

/// The lists Klaring knows, with the rule for their entry ids.
pub const LISTS: &[ListInfo] = &[
    ListInfo {
        id: "eu-fsf",
        title: "EU Financial Sanctions Files (consolidated list)",
        authority: "European Commission (DG FISMA)",
        effect: Effect::Prohibition,
    },
    ListInfo {
        id: "un-sc",
        title: "UN Security Council Consolidated List",
        authority: "United Nations Security Council",
        effect: Effect::Prohibition,
    },
    ListInfo {
        id: "ofac-sdn",
        title: "OFAC Specially Designated Nationals (SDN)",
        authority: "US Treasury, OFAC",
        effect: Effect::RiskSignal,
    },
    ListInfo {
        id: "ofac-cons",
        title: "OFAC Consolidated (non-SDN) list",
        authority: "US Treasury, OFAC",
        effect: Effect::RiskSignal,
    },
    ListInfo {
        id: "uk-ofsi",
        title: "UK OFSI Consolidated List of Financial Sanctions Targets",
        authority: "HM Treasury, OFSI",
        effect: Effect::RiskSignal,
    },
    ListInfo {
        id: "uk-fcdo",
        title: "UK Sanctions List (FCDO)",
        authority: "Foreign, Commonwealth & Development Office",
        effect: Effect::RiskSignal,
    },
    ListInfo {
        id: "ca-sema",
        title: "Canada Consolidated Autonomous Sanctions List (SEMA)",
        authority: "Global Affairs Canada",
        effect: Effect::RiskSignal,
    },
    ListInfo {
        id: "au-dfat",
        title: "Australia DFAT Consolidated List",
        authority: "Australian Government, DFAT",
        effect: Effect::RiskSignal,
    },
];

/// What a hit on a list means for an EU exporter (domain brief §3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// EU, UN, NL: dealing with the party is prohibited.
    Prohibition,
    /// Other jurisdictions' lists: a strong risk signal, not binding law for an EU firm.
    RiskSignal,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ListInfo {
    pub id: &'static str,
    pub title: &'static str,
    pub authority: &'static str,
    pub effect: Effect,
}

/// Looks up a known list; lists imported under other ids (e.g. an OpenSanctions dataset) have
/// no entry here and are treated as risk signals.
pub fn list_info(id: &str) -> Option<&'static ListInfo> {
    LISTS.iter().find(|l| l.id == id)
}

/// The publication formats Klaring reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// OFAC legacy CSV: sdn.csv/add.csv/alt.csv/sdn_comments.csv or the cons_* set.
    OfacCsv,
    /// OFAC XML layout (sdn.xml, consolidated.xml).
    OfacXml,
    UnXml,
    UkOfsiXlsx,
    UkFcdoOds,
    CanadaXml,
    AustraliaXlsx,
    /// OpenSanctions FollowTheMoney JSON lines.
    FtmJson,
    /// EU Financial Sanctions Files XML 1.1.
    EuFsfXml,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::OfacCsv => "ofac-csv",
            Format::OfacXml => "ofac-xml",
            Format::UnXml => "un-xml",
            Format::UkOfsiXlsx => "uk-ofsi-xlsx",
            Format::UkFcdoOds => "uk-fcdo-ods",
            Format::CanadaXml => "canada-xml",
            Format::AustraliaXlsx => "australia-xlsx",
            Format::FtmJson => "ftm-json",
            Format::EuFsfXml => "eu-fsf-xml",
        }
    }
}

/// One input file: its name (as given by the user, used in every message) and its bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl SourceFile {
    /// The file name without directories, lower case, for recognising OFAC's file roles.
    pub fn base_name(&self) -> String {
        let base = self.name.rsplit(['/', '\\']).next().unwrap_or(&self.name);
        base.to_ascii_lowercase()
    }
}

/// What an importer returns.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The publisher's date printed in the file (ISO `YYYY-MM-DD`), if it carries one.
    pub published: Option<String>,
    pub entities: Vec<Entity>,
    pub warnings: Vec<Warning>,
}

/// Why a whole import was refused. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: empty file")]
    Empty { file: String },
    #[error("{file}: not a list format Klaring knows ({detail})")]
    UnknownFormat { file: String, detail: String },
    #[error("{file}, line {line}: {reason}")]
    Encoding { file: String, line: u64, reason: String },
    #[error("{file}, line {line}, column {column}: malformed XML: {reason}")]
    Xml { file: String, line: u64, column: u64, reason: String },
    #[error("{file}, line {line}: malformed CSV: {reason}")]
    Csv { file: String, line: u64, reason: String },
    #[error("{file}, line {line}: malformed JSON: {reason}")]
    Json { file: String, line: u64, reason: String },
    #[error("{file}: unreadable spreadsheet: {reason}")]
    Sheet { file: String, reason: String },
    #[error("{file}: {reason}")]
    Layout { file: String, reason: String },
    #[error("{file}{}{}: {reason}", line.map(|l| format!(", line {l}")).unwrap_or_default(), entry.as_ref().map(|e| format!(", entry {e}")).unwrap_or_default())]
    Record { file: String, line: Option<u64>, entry: Option<String>, reason: String },
    #[error("{files}: these files do not make up one list ({reason})")]
    Mixed { files: String, reason: String },
    #[error("--list {given}: {reason}")]
    ListId { given: String, reason: String },
}

/// The longest name Klaring accepts from a list or a user. Real names stay well under 300
/// characters; anything longer is a corrupt or hostile file, refused rather than indexed.
pub const MAX_NAME_CHARS: usize = 1000;

/// Recognises the format of a set of files and the list they belong to. `list` (from
/// `--list`) overrides the list id, never the format.
pub fn detect(files: &[SourceFile], list: Option<&str>) -> Result<(String, Format), ImportError> {
    let first =
        files.first().ok_or_else(|| ImportError::Mixed { files: String::new(), reason: "no files given".into() })?;
    let mut found: Option<(String, Format)> = None;
    for file in files {
        let this = detect_one(file)?;
        match &found {
            None => found = Some(this),
            Some(prev) if prev.1 == this.1 && (prev.0 == this.0 || this.1 == Format::OfacCsv) => {}
            Some(prev) => {
                return Err(ImportError::Mixed {
                    files: files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", "),
                    reason: format!(
                        "{} looks like {} ({}), {} like {} ({})",
                        first.name,
                        prev.0,
                        prev.1.as_str(),
                        file.name,
                        this.0,
                        this.1.as_str()
                    ),
                })
            }
        }
    }
    let (detected, format) = found.expect("at least one file was inspected");
    let list_id = match list {
        Some(given) => check_list_id(given)?,
        None => detected,
    };
    Ok((list_id, format))
}

/// A list id is a short lower-case slug; it names the list in every result and case file.
pub fn check_list_id(given: &str) -> Result<String, ImportError> {
    let ok = !given.is_empty()
        && given.len() <= 40
        && given.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(given.to_string())
    } else {
        Err(ImportError::ListId {
            given: given.to_string(),
            reason: "use lower-case letters, digits, '-' or '_' (at most 40)".into(),
        })
    }
}

fn detect_one(file: &SourceFile) -> Result<(String, Format), ImportError> {
    let bytes = &file.bytes;
    if bytes.iter().all(|b| b.is_ascii_whitespace() || *b == 0x1A) {
        return Err(ImportError::Empty { file: file.name.clone() });
    }
    let base = file.base_name();
    let unknown = |detail: &str| ImportError::UnknownFormat { file: file.name.clone(), detail: detail.to_string() };
    // Zip containers: XLSX and ODS. Tell them apart by the file name, then by the first sheet.
    if bytes.starts_with(b"PK\x03\x04") {
        return if base.ends_with(".ods") {
            Ok(("uk-fcdo".into(), Format::UkFcdoOds))
        } else if base.ends_with(".xlsx") {
            match text::first_sheet_first_cell(file)?.as_str() {
                "last updated" => Ok(("uk-ofsi".into(), Format::UkOfsiXlsx)),
                "reference" => Ok(("au-dfat".into(), Format::AustraliaXlsx)),
                other => Err(unknown(&format!("spreadsheet starting with {other:?}"))),
            }
        } else {
            Err(unknown("a zip archive that is neither .xlsx nor .ods"))
        };
    }
    let head = text::head_text(bytes, 4096);
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<') {
        let root = text::xml_root_name(trimmed).unwrap_or_default();
        return match root.as_str() {
            "CONSOLIDATED_LIST" => Ok(("un-sc".into(), Format::UnXml)),
            "sdnList" if base.contains("cons") => Ok(("ofac-cons".into(), Format::OfacXml)),
            "sdnList" => Ok(("ofac-sdn".into(), Format::OfacXml)),
            "data-set" => Ok(("ca-sema".into(), Format::CanadaXml)),
            "export" if trimmed.contains("fsd/export") => Ok(("eu-fsf".into(), Format::EuFsfXml)),
            "" => Err(unknown("XML without a root element")),
            other => Err(unknown(&format!("XML with root element <{other}>"))),
        };
    }
    if trimmed.starts_with('{') {
        return Ok((ftm::list_id_from_head(trimmed), Format::FtmJson));
    }
    // OFAC legacy CSV: no header, first field is the numeric ent_num.
    let first_field = trimmed.split(',').next().unwrap_or("");
    if !first_field.is_empty() && first_field.chars().all(|c| c.is_ascii_digit()) {
        let list = if base.starts_with("cons") { "ofac-cons" } else { "ofac-sdn" };
        return Ok((list.into(), Format::OfacCsv));
    }
    Err(unknown("neither XML, JSON lines, a spreadsheet nor OFAC legacy CSV"))
}

/// Reads the files as `format`. Pure: no IO, no clock.
pub fn parse(format: Format, files: &[SourceFile]) -> Result<Parsed, ImportError> {
    let parsed = match format {
        Format::OfacCsv => ofac_csv::parse(files)?,
        Format::OfacXml => ofac_xml::parse(single(files, format)?)?,
        Format::UnXml => un::parse(single(files, format)?)?,
        Format::UkOfsiXlsx => uk_ofsi::parse(single(files, format)?)?,
        Format::UkFcdoOds => uk_fcdo::parse(single(files, format)?)?,
        Format::CanadaXml => canada::parse(single(files, format)?)?,
        Format::AustraliaXlsx => australia::parse(single(files, format)?)?,
        Format::FtmJson => ftm::parse(single(files, format)?)?,
        Format::EuFsfXml => eu::parse(single(files, format)?)?,
    };
    let mut parsed = parsed;
    check_entities(&mut parsed, files)?;
    Ok(parsed)
}

fn single(files: &[SourceFile], format: Format) -> Result<&SourceFile, ImportError> {
    match files {
        [one] => Ok(one),
        _ => Err(ImportError::Mixed {
            files: files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", "),
            reason: format!("{} is published as one file", format.as_str()),
        }),
    }
}

/// Refuses a list with an absurd name (a corrupt or hostile file, not a designation) or with
/// no entries; keeps the first of entries that share an id, with a warning.
fn check_entities(parsed: &mut Parsed, files: &[SourceFile]) -> Result<(), ImportError> {
    let mut seen = std::collections::HashSet::new();
    let mut duplicates = Vec::new();
    parsed.entities.retain(|e| {
        let first = seen.insert(e.entry_id.clone());
        if !first {
            duplicates.push(e.entry_id.clone());
        }
        first
    });
    for entry_id in duplicates {
        parsed.warnings.push(Warning {
            file: files[0].name.clone(),
            line: None,
            entry_id: Some(entry_id),
            reason: "a second entry with this id; the first one was kept".into(),
        });
    }
    for entity in &parsed.entities {
        for name in &entity.names {
            let chars = name.full.chars().count();
            if chars > MAX_NAME_CHARS {
                return Err(ImportError::Record {
                    file: files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", "),
                    line: None,
                    entry: Some(entity.entry_id.clone()),
                    reason: format!(
                        "a name of {chars} characters (the limit is {MAX_NAME_CHARS}); the file is corrupt or not a sanctions list"
                    ),
                });
            }
        }
    }
    if parsed.entities.is_empty() {
        return Err(ImportError::Layout {
            file: files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", "),
            reason: "no entries found".into(),
        });
    }
    Ok(())
}
