//! Reading a batch of counterparties to screen: CSV with a header (`name`, and optionally
//! `id`, `country`, `birth_date`, `schema`, `identifier`) or JSON lines with the same keys.

use crate::batch_table;
use crate::matching::Query;
use crate::model::Schema;

/// One input row: its id (given, or its 1-based row number) and its query.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: String,
    pub line: u64,
    pub query: Query,
}

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("{file}: empty file")]
    Empty { file: String },
    #[error("{file}, line {line}: {reason}")]
    Line { file: String, line: u64, reason: String },
    #[error("{file}: no `name` column in the header (found: {found})")]
    NoNameColumn { file: String, found: String },
    #[error(transparent)]
    Table(#[from] batch_table::TableError),
}

/// Parses a batch file; JSON lines if its first non-blank character is `{`, else CSV.
pub fn parse(file: &str, text: &str) -> Result<Vec<Row>, BatchError> {
    let text = text.trim_start_matches('\u{feff}');
    match text.trim_start().chars().next() {
        None => Err(BatchError::Empty { file: file.to_string() }),
        Some('{') => json_lines(file, text),
        Some(_) => csv_rows(file, text),
    }
}

fn field(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

fn query(
    name: String,
    country: Option<String>,
    birth_date: Option<String>,
    schema: Option<String>,
    identifier: Option<String>,
) -> Query {
    Query {
        name,
        country: country.map(|c| c.to_ascii_lowercase()),
        birth_date,
        schema: schema.map(|s| Schema::parse(&s)).filter(|s| *s != Schema::Unknown),
        identifier,
    }
}

fn json_lines(file: &str, text: &str) -> Result<Vec<Row>, BatchError> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line).map_err(|e| BatchError::Line {
            file: file.to_string(),
            line: line_no,
            reason: format!("not valid JSON: {e}"),
        })?;
        let get = |key: &str| match value.get(key) {
            Some(serde_json::Value::String(s)) => field(Some(s)),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let name = get("name").ok_or_else(|| BatchError::Line {
            file: file.to_string(),
            line: line_no,
            reason: "no \"name\"".into(),
        })?;
        rows.push(Row {
            id: get("id").unwrap_or_else(|| (rows.len() + 1).to_string()),
            line: line_no,
            query: query(name, get("country"), get("birth_date"), get("schema"), get("identifier")),
        });
    }
    Ok(rows)
}

/// CSV through the same reader as the desktop app's customer files (any delimiter, UTF-8,
/// UTF-16 or Windows-1252, line numbers as an editor shows them), with the columns named as
/// the CLI documents them.
fn csv_rows(file: &str, text: &str) -> Result<Vec<Row>, BatchError> {
    let table = batch_table::read_bytes(file, text.as_bytes())?;
    let column = |key: &str| table.columns.iter().find(|c| c.trim().eq_ignore_ascii_case(key)).cloned();
    let name = column("name").ok_or_else(|| BatchError::NoNameColumn {
        file: file.to_string(),
        found: table.columns.iter().map(|c| c.trim().to_ascii_lowercase()).collect::<Vec<_>>().join(", "),
    })?;
    let mapping = batch_table::Mapping {
        name,
        id: column("id"),
        country: column("country"),
        birth_date: column("birth_date"),
        schema: column("schema"),
        identifier: column("identifier"),
    };
    Ok(batch_table::rows(&table, &mapping)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_json_lines_give_the_same_queries() {
        let csv = parse("a.csv", "id,name,country,birth_date,schema\nc1,Ivan Petrov,RU,1961,Person\n").unwrap();
        let json = parse("a.jsonl", "{\"id\":\"c1\",\"name\":\"Ivan Petrov\",\"country\":\"ru\",\"birth_date\":\"1961\",\"schema\":\"person\"}\n").unwrap();
        assert_eq!(csv[0].query, json[0].query);
        assert_eq!(csv[0].query.country.as_deref(), Some("ru"));
        assert_eq!(csv[0].query.schema, Some(Schema::Person));
    }

    #[test]
    fn rows_without_an_id_are_numbered_and_errors_name_the_line() {
        let rows = parse("b.csv", "name\r\nA\r\n\r\nB\r\n").unwrap();
        assert_eq!(rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
        let err = parse("c.jsonl", "{\"name\":\"A\"}\n{\"name\": oops}\n").unwrap_err();
        assert!(err.to_string().starts_with("c.jsonl, line 2: not valid JSON"), "{err}");
        let err = parse("d.csv", "customer,country\nA,nl\n").unwrap_err();
        assert_eq!(err.to_string(), "d.csv: no `name` column in the header (found: customer, country)");
    }
}
