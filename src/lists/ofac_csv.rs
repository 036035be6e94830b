//! OFAC legacy CSV: `sdn.csv` (or `cons_prim.csv`) plus the optional `add.csv`, `alt.csv` and
//! `sdn_comments.csv` (or their `cons_` twins), joined on the first column, `ent_num`.
//!
//! The files have no header, so each file's role comes from its name, and the primary file is read
//! first: every other row hangs onto an entry of it. A row whose ent_num the primary file lacks
//! is an orphan: the files come from different downloads (the bundled SDN set mixes a 2024
//! primary file with 2025 companions). Orphans are warned about, never invented as entries.
//!
//! Most of what OFAC knows about a party (birth dates, nationality, documents, links, weak
//! aliases) is in the free-text Remarks column as `; `-separated facts; `apply_remarks` reads
//! them, and the XML importer reuses it for its own remarks. `alt.csv` never marks an alias as
//! weak (its alt_remarks column is always `-0-`): OFAC's weak aliases are the `a.k.a. '…'` facts
//! in Remarks (the XML layout marks the same names `weak`), so those become `WeakAlias`. The
//! `f.k.a. '…'` facts are OFAC's weak former names; they stay `Former` (see `ofac_xml`).
//!
//! OFAC cuts Remarks at 1,000 characters and continues them in the comments file, mid-word. The
//! continuation is appended only when the whole comments file fits the primary file (every row
//! names an entry whose remarks are exactly 1,000 characters long). One misfit row shows the
//! comments come from another download, where even rows that seem to fit continue a different
//! text (2025 comments on 2024 remarks splice "Directive 3)" onto "ive 2)").
//!
//! The `csv` crate is lenient: a quote left open swallows the following lines, and a file cut
//! in the middle of its last row comes back as a short row instead of an error. So each row is
//! also checked against its raw text (OFAC never puts a line break or an escaped quote inside a
//! field), and a broken last row refuses the file: a truncated list must not import as shorter.

use super::text;
use super::{ImportError, Parsed, SourceFile};
use crate::countries;
use crate::model::{Entity, Identifier, Link, NameKind, Schema, Warning};
use std::collections::HashMap;

/// OFAC's cut of the Remarks column; longer remarks continue in the comments file.
const REMARKS_CUT: usize = 1000;

/// Orphan rows listed one by one per file; beyond that, one warning gives the total.
const ORPHANS_LISTED: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Role {
    Primary,
    Addresses,
    Aliases,
    Comments,
}

impl Role {
    fn of(file: &SourceFile) -> Role {
        let base = file.base_name();
        if base.contains("comments") {
            Role::Comments
        } else if base.contains("add") {
            Role::Addresses
        } else if base.contains("alt") {
            Role::Aliases
        } else {
            Role::Primary
        }
    }

    fn columns(self) -> usize {
        match self {
            Role::Primary => 12,
            Role::Addresses => 6,
            Role::Aliases => 5,
            Role::Comments => 2,
        }
    }
}

/// One CSV record with the line it starts on; fields are raw (the remarks cut is counted on them).
struct Row {
    line: u64,
    fields: Vec<String>,
}

impl Row {
    fn ent_num(&self) -> &str {
        self.fields[0].trim()
    }
}

pub fn parse(files: &[SourceFile]) -> Result<Parsed, ImportError> {
    let set = FileSet::sort(files)?;
    let primary = set.primary;
    let mut warnings = Vec::new();

    let mut entities: Vec<Entity> = Vec::new();
    let mut remarks: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in read_rows(primary, Role::Primary, &mut warnings)? {
        let id = row.ent_num().to_string();
        if index.contains_key(&id) {
            warnings.push(warning(primary, row.line, &id, "ent_num appears twice; the later row is skipped"));
            continue;
        }
        let Some(entity) = entity_from(&row, primary, &mut warnings) else {
            continue;
        };
        index.insert(id, entities.len());
        entities.push(entity);
        remarks.push(text::non_empty(&row.fields[11]).map(|_| row.fields[11].clone()).unwrap_or_default());
    }

    if let Some(file) = set.comments {
        let rows = read_rows(file, Role::Comments, &mut warnings)?;
        append_comments(file, primary, &rows, &index, &mut remarks, &mut warnings);
    }
    if let Some(file) = set.addresses {
        let rows = read_rows(file, Role::Addresses, &mut warnings)?;
        for (i, row) in join(file, primary, &rows, &index, &mut warnings).0 {
            add_address(&mut entities[i], &row.fields);
        }
    }
    if let Some(file) = set.aliases {
        let rows = read_rows(file, Role::Aliases, &mut warnings)?;
        for (i, row) in join(file, primary, &rows, &index, &mut warnings).0 {
            add_alias(&mut entities[i], &row.fields);
        }
    }

    for (entity, remark) in entities.iter_mut().zip(&remarks) {
        if remark.chars().count() == REMARKS_CUT {
            warnings.push(Warning {
                file: primary.name.clone(),
                line: None,
                entry_id: Some(entity.entry_id.clone()),
                reason: "remarks end at OFAC's 1,000-character cut and no usable comments row continues them; the rest is missing".into(),
            });
        }
        apply_remarks(entity, remark);
    }
    resolve_links(&mut entities);
    Ok(Parsed { published: None, entities, warnings })
}

/// The files of one download, by role.
struct FileSet<'a> {
    primary: &'a SourceFile,
    addresses: Option<&'a SourceFile>,
    aliases: Option<&'a SourceFile>,
    comments: Option<&'a SourceFile>,
}

impl<'a> FileSet<'a> {
    /// Refuses a set without exactly one primary file, with a role given twice, or mixing the SDN
    /// and the consolidated (`cons_`) files.
    fn sort(files: &'a [SourceFile]) -> Result<FileSet<'a>, ImportError> {
        let names = || files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ");
        let mixed = |reason: String| ImportError::Mixed { files: names(), reason };
        let consolidated = files.iter().filter(|f| f.base_name().starts_with("cons")).count();
        if consolidated != 0 && consolidated != files.len() {
            return Err(mixed(
                "SDN files (sdn.csv, add.csv …) and consolidated files (cons_*.csv) are two lists".into(),
            ));
        }
        let mut by_role: HashMap<Role, &SourceFile> = HashMap::new();
        for file in files {
            if let Some(other) = by_role.insert(Role::of(file), file) {
                return Err(mixed(format!(
                    "{} and {} have the same role ({:?})",
                    other.name,
                    file.name,
                    Role::of(file)
                )));
            }
        }
        let primary = by_role.get(&Role::Primary).copied().ok_or_else(|| {
            mixed("no primary file (sdn.csv or cons_prim.csv); add, alt and comments files only complete it".into())
        })?;
        Ok(FileSet {
            primary,
            addresses: by_role.get(&Role::Addresses).copied(),
            aliases: by_role.get(&Role::Aliases).copied(),
            comments: by_role.get(&Role::Comments).copied(),
        })
    }
}

/// Reads one file's records, skipping the Ctrl-Z end-of-file line. A malformed row (wrong
/// column count, a quote left open, no ent_num) is a warning, except as the last row, where it
/// means the file was cut short.
fn read_rows(file: &SourceFile, role: Role, warnings: &mut Vec<Warning>) -> Result<Vec<Row>, ImportError> {
    if file.bytes.iter().all(|b| b.is_ascii_whitespace() || *b == 0x1A) {
        return Err(ImportError::Empty { file: file.name.clone() });
    }
    let (content, fallback) = text::utf8_or_windows_1252(file);
    warnings.extend(fallback);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(content.as_bytes());
    let mut records = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|e| ImportError::Csv {
            file: file.name.clone(),
            line: e.position().map(|p| p.line()).unwrap_or(1),
            reason: e.to_string(),
        })?;
        let (mut line, mut start) = record.position().map(|p| (p.line(), p.byte() as usize)).unwrap_or((1, 0));
        // After a CRLF the reader places the next record on the "\n" of the line before;
        // step over it so lines and raw text are the record's own.
        while let Some(&byte) = content.as_bytes().get(start).filter(|b| matches!(b, b'\r' | b'\n')) {
            line += u64::from(byte == b'\n');
            start += 1;
        }
        if record.iter().all(|f| f.trim_matches(|c: char| c.is_whitespace() || c == '\u{1a}').is_empty()) {
            continue;
        }
        records.push((line, start, record.iter().map(str::to_string).collect::<Vec<_>>()));
    }

    let expected = role.columns();
    let mut rows = Vec::with_capacity(records.len());
    for (k, (line, start, fields)) in records.iter().enumerate() {
        let end = records.get(k + 1).map(|r| r.1).unwrap_or(content.len());
        let raw =
            content.get(*start..end).unwrap_or("").trim_matches(|c: char| c == '\r' || c == '\n' || c == '\u{1a}');
        let numeric = !fields[0].trim().is_empty() && fields[0].trim().chars().all(|c| c.is_ascii_digit());
        if k == 0 && !numeric {
            return Err(ImportError::Layout {
                file: file.name.clone(),
                reason: "not OFAC legacy CSV: the first row does not start with a numeric ent_num".into(),
            });
        }
        let swallowed = raw.matches('\n').count() as u64;
        let problem = if swallowed > 0 {
            Some(format!(
                "a quote is left open, so the row runs on to line {}; the rows in between are lost",
                *line + swallowed
            ))
        } else if raw.matches('"').count() % 2 == 1 {
            Some("a quote is left open".to_string())
        } else if fields.len() != expected {
            Some(format!("{} columns instead of {expected}", fields.len()))
        } else if !numeric {
            Some(format!("ent_num {:?} is not a number", fields[0].trim()))
        } else {
            None
        };
        match problem {
            None => rows.push(Row { line: *line, fields: fields.clone() }),
            Some(problem) if k + 1 == records.len() => {
                return Err(ImportError::Csv {
                    file: file.name.clone(),
                    line: *line,
                    reason: format!("the last row is incomplete ({problem}); the file is truncated"),
                })
            }
            Some(problem) => warnings.push(Warning {
                file: file.name.clone(),
                line: Some(*line),
                entry_id: numeric.then(|| fields[0].trim().to_string()),
                reason: format!("row skipped: {problem}"),
            }),
        }
    }
    Ok(rows)
}

fn warning(file: &SourceFile, line: u64, entry_id: &str, reason: &str) -> Warning {
    Warning {
        file: file.name.clone(),
        line: Some(line),
        entry_id: Some(entry_id.to_string()),
        reason: reason.to_string(),
    }
}

/// An entry from a primary row: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign,
/// Vess_type, Tonnage, GRT, Vess_flag, Vess_owner (Remarks are read once comments are joined).
fn entity_from(row: &Row, file: &SourceFile, warnings: &mut Vec<Warning>) -> Option<Entity> {
    let f = &row.fields;
    let Some(name) = text::non_empty(&f[1]) else {
        warnings.push(warning(file, row.line, row.ent_num(), "no SDN_Name; row skipped"));
        return None;
    };
    // OFAC leaves SDN_Type null for entities.
    let schema = text::non_empty(&f[2]).map(|t| Schema::parse(&t)).unwrap_or(Schema::Organization);
    let mut entity = Entity::new(row.ent_num(), schema);
    entity.add_name(&name, NameKind::Primary);
    if let Some(programs) = text::non_empty(&f[3]) {
        for program in programs.split("] [") {
            Entity::push_unique(&mut entity.programs, program.trim_matches(['[', ']', ' ']));
        }
    }
    if let Some(title) = text::non_empty(&f[4]) {
        Entity::push_unique(&mut entity.remarks, &format!("Title: {title}"));
    }
    if let Some(call_sign) = text::non_empty(&f[5]) {
        entity.identifiers.push(Identifier { kind: "Call Sign".into(), value: call_sign, country: None });
    }
    for (label, column) in [("Vessel type", 6), ("Tonnage", 7), ("GRT", 8)] {
        if let Some(value) = text::non_empty(&f[column]) {
            Entity::push_unique(&mut entity.remarks, &format!("{label}: {value}"));
        }
    }
    if let Some(flag) = text::non_empty(&f[9]) {
        add_country(&mut entity, &flag);
    }
    if let Some(owner) = text::non_empty(&f[10]) {
        entity.links.push(Link { relation: "owner".into(), name: owner, entry_id: None });
    }
    Some(entity)
}

/// Pairs each row with its entry's index; rows naming an ent_num the primary file lacks are
/// orphans, warned about (the first hundred one by one, then a total). Returns the orphan count.
fn join<'r>(
    file: &SourceFile,
    primary: &SourceFile,
    rows: &'r [Row],
    index: &HashMap<String, usize>,
    warnings: &mut Vec<Warning>,
) -> (Vec<(usize, &'r Row)>, usize) {
    let mut joined = Vec::with_capacity(rows.len());
    let mut orphans = 0;
    for row in rows {
        match index.get(row.ent_num()) {
            Some(&i) => joined.push((i, row)),
            None => {
                orphans += 1;
                if orphans <= ORPHANS_LISTED {
                    let reason = format!("orphan row: {} has no entry {}", primary.name, row.ent_num());
                    warnings.push(warning(file, row.line, row.ent_num(), &reason));
                }
            }
        }
    }
    if orphans > ORPHANS_LISTED {
        warnings.push(Warning {
            file: file.name.clone(),
            line: None,
            entry_id: None,
            reason: format!(
                "{orphans} orphan rows in all (the first {ORPHANS_LISTED} are listed): their ent_nums are not in {}; the files come from different downloads",
                primary.name
            ),
        });
    }
    (joined, orphans)
}

/// Appends each comments row to the remarks it continues, if the whole file fits (see the
/// module documentation).
fn append_comments(
    file: &SourceFile,
    primary: &SourceFile,
    rows: &[Row],
    index: &HashMap<String, usize>,
    remarks: &mut [String],
    warnings: &mut Vec<Warning>,
) {
    let (joined, orphans) = join(file, primary, rows, index, warnings);
    let mut misfits = orphans;
    for (i, row) in &joined {
        if remarks[*i].chars().count() != REMARKS_CUT {
            misfits += 1;
            let reason = format!(
                "comments row for ent_num {} but its remarks are not truncated; the files come from different downloads",
                row.ent_num()
            );
            warnings.push(warning(file, row.line, row.ent_num(), &reason));
        }
    }
    if misfits > 0 {
        warnings.push(Warning {
            file: file.name.clone(),
            line: None,
            entry_id: None,
            reason: format!(
                "not appended to any remarks: {misfits} of its {} rows do not continue a remark of {}, so it belongs to another download",
                rows.len(),
                primary.name
            ),
        });
        return;
    }
    for (i, row) in joined {
        remarks[i].push_str(&row.fields[1]);
    }
}

/// add.csv: ent_num, Add_num, Address, City/State/Province/Postal Code, Country, Add_remarks.
fn add_address(entity: &mut Entity, f: &[String]) {
    let parts: Vec<String> = [&f[2], &f[3], &f[4]].into_iter().filter_map(|p| text::non_empty(p)).collect();
    if let Some(country) = text::non_empty(&f[4]) {
        if let Some(code) = country_code(&country) {
            entity.add_country(code);
        }
    }
    Entity::push_unique(&mut entity.addresses, &parts.join(", "));
    if let Some(remark) = text::non_empty(&f[5]) {
        Entity::push_unique(&mut entity.remarks, &remark);
    }
}

/// alt.csv: ent_num, alt_num, alt_type (aka/fka/nka), alt_name, alt_remarks.
fn add_alias(entity: &mut Entity, f: &[String]) {
    let kind = match f[2].trim() {
        "fka" => NameKind::Former,
        _ => NameKind::Alias,
    };
    if let Some(name) = text::non_empty(&f[3]) {
        entity.add_name(&name, kind);
    }
    if let Some(remark) = text::non_empty(&f[4]) {
        Entity::push_unique(&mut entity.remarks, &remark);
    }
}

/// The ISO code of a country as OFAC writes it, including its "Region: Gaza" address form.
pub(super) fn country_code(name: &str) -> Option<&'static str> {
    countries::code(name.strip_prefix("Region: ").unwrap_or(name))
}

/// A nationality, citizenship or flag: its ISO code, or the name as written in `addresses`
/// when the country table does not know it (so the reviewer still sees it).
pub(super) fn add_country(entity: &mut Entity, name: &str) {
    match country_code(name) {
        Some(code) => entity.add_country(code),
        None => Entity::push_unique(&mut entity.addresses, name),
    }
}

/// Keeps the remarks as written and reads the facts OFAC puts in them: `DOB …`, `POB …`,
/// `nationality …`, `citizen …`, `Linked To: …`, `a.k.a. '…'` (weak), `f.k.a. '…'`, documents
/// (`Passport 123 (Iran)`, `Vessel Registration Identification IMO 1234567`). An `alt. ` prefix
/// marks a further value of the same fact. The XML layout writes links as `(Linked To: …)`.
pub(super) fn apply_remarks(entity: &mut Entity, remarks: &str) {
    let Some(whole) = text::non_empty(remarks) else {
        return;
    };
    Entity::push_unique(&mut entity.remarks, &whole);
    // The final period ends the remarks, not the last fact (see `resolve_links` for "S.A.").
    let body = whole.strip_suffix('.').unwrap_or(&whole);
    for fact in body.split("; ") {
        let fact = fact.trim();
        let fact = fact.strip_prefix('(').and_then(|f| f.strip_suffix(')')).unwrap_or(fact);
        apply_fact(entity, fact.strip_prefix("alt. ").unwrap_or(fact));
    }
}

fn apply_fact(entity: &mut Entity, fact: &str) {
    if let Some(dates) = fact.strip_prefix("DOB ") {
        for date in text::birth_dates(dates) {
            if !entity.birth_dates.contains(&date) {
                entity.birth_dates.push(date);
            }
        }
    } else if let Some(place) = fact.strip_prefix("POB ") {
        Entity::push_unique(&mut entity.places_of_birth, place);
    } else if let Some(country) =
        ["nationality ", "citizen ", "Nationality of Registration "].iter().find_map(|prefix| fact.strip_prefix(prefix))
    {
        add_country(entity, country);
    } else if let Some(name) = fact.strip_prefix("Linked To: ") {
        let name = text::clean(name);
        if !name.is_empty() && !entity.links.iter().any(|l| l.name == name) {
            entity.links.push(Link { relation: "linked_to".into(), name, entry_id: None });
        }
    } else if let Some((kind, name)) = quoted_alias(fact) {
        entity.add_name(name, kind);
    } else if let Some(id) = identifier(fact) {
        if !entity.identifiers.contains(&id) {
            entity.identifiers.push(id);
        }
    }
}

/// `a.k.a. 'NAME'` (a weak alias in OFAC's remarks), `f.k.a. 'NAME'`, `n.k.a. 'NAME'`.
fn quoted_alias(fact: &str) -> Option<(NameKind, &str)> {
    let (kind, rest) = [("a.k.a. ", NameKind::WeakAlias), ("f.k.a. ", NameKind::Former), ("n.k.a. ", NameKind::Alias)]
        .iter()
        .find_map(|(prefix, kind)| fact.strip_prefix(prefix).map(|rest| (*kind, rest)))?;
    let name = rest.trim().strip_prefix('\'')?.strip_suffix('\'')?;
    Some((kind, name))
}

/// Document kinds OFAC writes in remarks (and as XML idType) that identify a party, whether or
/// not a country follows. Other `Kind 123 (Country)` facts are read as identifiers too.
pub(super) const ID_KINDS: &[&str] = &[
    "Passport",
    "Passport Booklet",
    "Diplomatic Passport",
    "National ID No.",
    "National Foreign ID Number",
    "Personal ID Card",
    "Identification Number",
    "Cedula No.",
    "C.U.R.P.",
    "R.F.C.",
    "RFC",
    "D.N.I.",
    "NIT #",
    "RUC #",
    "RIF #",
    "SSN",
    "Tax ID No.",
    "V.A.T. Number",
    "Registration Number",
    "Registration ID",
    "Public Registration Number",
    "Company Number",
    "UK Company Number",
    "Commercial Registry Number",
    "Business Registration Number",
    "Business Registration Document #",
    "Business Number",
    "Enterprise Number",
    "Certificate of Incorporation Number",
    "Government Gazette Number",
    "Unified Social Credit Code (USCC)",
    "Legal Entity Number",
    "Folio Mercantil No.",
    "Matricula Mercantil No",
    "C.R. No.",
    "Trade License No.",
    "Chamber of Commerce Number",
    "Economic Register Number (CBLS)",
    "Central Registration System Number",
    "D-U-N-S Number",
    "Birth Certificate Number",
    "Electoral Registry No.",
    "Driver's License No.",
    "Residency Number",
    "Travel Document Number",
    "SWIFT/BIC",
    "BIK (RU)",
    "IMO",
    "MMSI",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Construction Number (also called L/N or S/N or F/N)",
    "Aircraft Tail Number",
];

/// A document fact: a known kind (`Passport A2463775 (Iran)`, `IMO 7406784`) or any
/// `Kind 12345 (Country)` whose parenthesis names a country. Text after the value
/// (`issued 1968`, `expires 2012`) is left in the remarks.
fn identifier(fact: &str) -> Option<Identifier> {
    let fact = fact.strip_prefix("Vessel Registration Identification ").unwrap_or(fact);
    let known = ID_KINDS
        .iter()
        .filter_map(|kind| {
            let rest = fact.strip_prefix(kind)?;
            rest.starts_with([' ', ':']).then_some((*kind, rest.trim_start_matches(':').trim()))
        })
        .max_by_key(|(kind, _)| kind.len());
    let (kind, rest) = match known {
        Some(found) => found,
        None => {
            // The kind is the words before the first one holding a digit.
            let at = fact.split(' ').position(|w| w.chars().any(|c| c.is_ascii_digit()))?;
            let offset: usize = fact.split(' ').take(at).map(|w| w.len() + 1).sum();
            let (kind, rest) = fact.split_at(offset);
            let country = rest.split_once(" (")?.1.split(')').next()?;
            if kind.trim().is_empty() || country_code(country).is_none() {
                return None;
            }
            (kind.trim().trim_end_matches(':'), rest)
        }
    };
    let (value, country) = match rest.split_once(" (") {
        Some((value, after)) => (value, after.split(')').next().map(str::trim)),
        None => ([" issued ", " expires "].iter().fold(rest, |v, tail| v.split(tail).next().unwrap_or(v)), None),
    };
    let value = text::clean(value.trim_end_matches('.'));
    if value.is_empty() {
        return None;
    }
    Some(Identifier {
        kind: kind.to_string(),
        value,
        country: country
            .filter(|c| !c.is_empty())
            .map(|c| country_code(c).map(str::to_string).unwrap_or_else(|| c.to_string())),
    })
}

/// Fills in the entry id of each link whose name is exactly one entry's primary name in the
/// same list, or else exactly one entry's strong alias (a vessel's owner is often written as
/// the owner's acronym: "NITC"). The final period `apply_remarks` strips may belong to the name
/// ("… S.A."), so the name with a period is tried too. A link left unresolved names a party the
/// list holds no entry for; the matcher indexes those names (`Index::add_links`).
pub(super) fn resolve_links(entities: &mut [Entity]) {
    let mut by_primary: HashMap<String, Option<String>> = HashMap::new();
    let mut by_alias: HashMap<String, Option<String>> = HashMap::new();
    let note = |names: &mut HashMap<String, Option<String>>, name: &str, id: &str| {
        names.entry(name.to_string()).and_modify(|e| *e = None).or_insert_with(|| Some(id.to_string()));
    };
    for entity in entities.iter() {
        note(&mut by_primary, entity.primary_name(), &entity.entry_id);
        for alias in entity.names.iter().skip(1).filter(|n| n.kind == NameKind::Alias) {
            note(&mut by_alias, &alias.full, &entity.entry_id);
        }
    }
    let unique = |name: &str| match (by_primary.get(name), by_alias.get(name)) {
        (Some(Some(id)), _) | (None, Some(Some(id))) => Some(id.clone()),
        _ => None,
    };
    for entity in entities.iter_mut() {
        for link in entity.links.iter_mut().filter(|l| l.entry_id.is_none()) {
            let dotted = format!("{}.", link.name);
            if let Some(id) = unique(&link.name) {
                link.entry_id = Some(id);
            } else if let Some(id) = unique(&dotted) {
                link.entry_id = Some(id);
                link.name = dotted;
            }
        }
    }
}
