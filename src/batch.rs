//! Reading a batch of counterparties to screen: CSV with a header (`name`, and optionally
//! `id`, `country`, `birth_date`, `schema`, `identifier`) or JSON lines with the same keys.

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

fn csv_rows(file: &str, text: &str) -> Result<Vec<Row>, BatchError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| BatchError::Line { file: file.to_string(), line: 1, reason: e.to_string() })?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let column = |key: &str| header.iter().position(|h| h == key);
    let name_col =
        column("name").ok_or_else(|| BatchError::NoNameColumn { file: file.to_string(), found: header.join(", ") })?;
    let (id, country, birth, schema, ident) =
        (column("id"), column("country"), column("birth_date"), column("schema"), column("identifier"));
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| BatchError::Line {
            file: file.to_string(),
            line: e.position().map(|p| p.line()).unwrap_or(0),
            reason: e.to_string(),
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let get = |col: Option<usize>| field(col.and_then(|c| record.get(c)));
        let Some(name) = get(Some(name_col)) else {
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            return Err(BatchError::Line { file: file.to_string(), line, reason: "the name is empty".into() });
        };
        rows.push(Row {
            id: get(id).unwrap_or_else(|| (rows.len() + 1).to_string()),
            line,
            query: query(name, get(country), get(birth), get(schema), get(ident)),
        });
    }
    Ok(rows)
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
        let rows = parse("b.csv", "name\nA\nB\n").unwrap();
        assert_eq!(rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["1", "2"]);
        let err = parse("c.jsonl", "{\"name\":\"A\"}\n{\"name\": oops}\n").unwrap_err();
        assert!(err.to_string().starts_with("c.jsonl, line 2: not valid JSON"), "{err}");
        let err = parse("d.csv", "customer,country\nA,nl\n").unwrap_err();
        assert_eq!(err.to_string(), "d.csv: no `name` column in the header (found: customer, country)");
    }
}
