//! Canada's Consolidated Autonomous Sanctions List (SEMA and JVCFOR), XML.
//!
//! The file is `<data-set>` with flat `<record>`s and no namespace. Records have no stable id:
//! an entry is identified by its regime, schedule and item, so `entry_id` is
//! `Country|Schedule|Item` (`Russia|1, Part 1|952`), with the English half of the bilingual
//! regime name and each part trimmed; a record without a schedule gives `Venezuela||5`. The
//! same id twice is a publisher error: the first record is kept and the second is a warning.
//!
//! `Country` names the sanctions regime, not the party's nationality, so it goes to `programs`
//! only. Every field is optional and padded with tabs, line breaks and no-break spaces, which
//! `text::child_text` folds.
//!
//! `Aliases` is editorial free text; see `split_aliases` for the rule used to cut it into names.

use super::{text, ImportError, Parsed, SourceFile};
use crate::model::{Entity, Identifier, NameKind, Schema, Warning};
use std::collections::HashMap;

pub fn parse(file: &SourceFile) -> Result<Parsed, ImportError> {
    let doc = text::xml_file(file)?;
    let root = doc.root_element();
    if root.tag_name().name() != "data-set" {
        return Err(ImportError::Layout {
            file: file.name.clone(),
            reason: format!("expected a <data-set> root, found <{}>", root.tag_name().name()),
        });
    }
    let mut entities = Vec::new();
    let mut warnings = Vec::new();
    // Entry id → line of the record that first used it.
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in text::children(root, "record") {
        let line = text::xml_line(&doc, record);
        let warn = |entry_id: Option<String>, reason: String| Warning {
            file: file.name.clone(),
            line: Some(line),
            entry_id,
            reason,
        };
        match read_record(record) {
            Ok(entity) => {
                if let Some(first) = seen.get(&entity.entry_id) {
                    let reason = format!("duplicate entry id (first used on line {first}); kept the first record");
                    warnings.push(warn(Some(entity.entry_id), reason));
                } else {
                    seen.insert(entity.entry_id.clone(), line);
                    entities.push(entity);
                }
            }
            Err((entry_id, reason)) => warnings.push(warn(entry_id, reason)),
        }
    }
    // The file carries no publication date; the newest DateOfListing is not one.
    Ok(Parsed { published: None, entities, warnings })
}

fn read_record(record: roxmltree::Node) -> Result<Entity, (Option<String>, String)> {
    let field = |name: &str| text::child_text(record, name);
    let regime = field("Country").map(|c| english_part(&c));
    let (Some(regime), Some(item)) = (regime, field("Item")) else {
        return Err((None, "record without Country or Item: it has no entry id; skipped".into()));
    };
    let entry_id = format!("{regime}|{}|{item}", field("Schedule").unwrap_or_default());

    let last_name = field("LastName");
    let person_name = [field("GivenName"), last_name.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let title = field("TitleOrShip");
    let imo = field("ShipIMONumber");
    let (schema, primary, also_known_as) = if !person_name.is_empty() {
        (Schema::Person, person_name, None)
    } else if let Some(name) = field("EntityOrShip") {
        let is_vessel = imo.is_some() || title.as_deref().is_some_and(names_a_vessel_type);
        let (primary, aka) = split_also_known_as(&name);
        (if is_vessel { Schema::Vessel } else { Schema::Organization }, primary, aka)
    } else {
        return Err((Some(entry_id), "record without a name; skipped".into()));
    };

    let mut entity = Entity::new(entry_id, schema);
    entity.add_name(&primary, NameKind::Primary);
    let person = schema == Schema::Person;
    for aliases in [also_known_as, field("Aliases")].into_iter().flatten() {
        for alias in split_aliases(&aliases, last_name.as_deref(), person) {
            // A lone given name or surname variant ("Sergei") matches too widely to count fully.
            let weak = person && !alias.contains(' ');
            entity.add_name(&alias, if weak { NameKind::WeakAlias } else { NameKind::Alias });
        }
    }
    entity.programs.push(regime);
    if let Some(imo) = imo {
        entity.identifiers.push(Identifier { kind: "IMO".into(), value: imo, country: None });
    }
    if let Some(title) = title {
        let label = if person { "Title" } else { "Type" };
        entity.remarks.push(format!("{label}: {title}"));
    }
    if let Some(date) = field("DateOfBirthOrShipBuildDate") {
        // "1972-08-10 or 1972-08-11" is two dates; the shared reader splits on ";".
        let dates =
            if person { text::birth_dates(&date.replace(" or ", "; ").replace(" OR ", "; ")) } else { Vec::new() };
        if dates.is_empty() {
            let label = if person { "Date of birth" } else { "Build date" };
            entity.remarks.push(format!("{label}: {date}"));
        }
        entity.birth_dates = dates;
    }
    entity.listed_on = field("DateOfListing").and_then(|d| text::iso_date(&d));
    Ok(entity)
}

/// "Russia / Russie" → "Russia"; "Venezuela" stays.
fn english_part(regime: &str) -> String {
    text::clean(regime.split(" / ").next().unwrap_or(regime))
}

fn names_a_vessel_type(title: &str) -> bool {
    let title = title.to_lowercase();
    ["tanker", "cargo", "vessel", "ship", "carrier", "bulk", "ro-ro", "container", "fso", "tug"]
        .iter()
        .any(|word| title.contains(word))
}

/// "Baltex Ltd. (also known as Baltech LLC)" → ("Baltex Ltd.", Some("Baltech LLC")). Some
/// entity names carry their aliases this way instead of in `Aliases`; the closing parenthesis
/// is sometimes missing.
fn split_also_known_as(name: &str) -> (String, Option<String>) {
    match name.find("(also known as") {
        Some(start) => {
            let inner = name[start + "(also known as".len()..].trim().trim_end_matches(')');
            (name[..start].trim().to_string(), Some(inner.to_string()))
        }
        None => (name.to_string(), None),
    }
}

/// Legal forms that follow a name after a comma ("Рембаза, АО", "NGO \"Izhbs\", LLC"): part of
/// that name, not a name of their own.
const LEGAL_FORMS: &[&str] = &[
    "ао",
    "пао",
    "оао",
    "зао",
    "ооо",
    "сао",
    "фгуп",
    "мк",
    "некоммерческое партнерство",
    "ao",
    "oao",
    "ooo",
    "zao",
    "pao",
    "llc",
    "jsc",
    "pjsc",
    "ojsc",
    "cjsc",
    "fsue",
    "sc",
    "ltd",
    "ltd.",
    "inc.",
    "co.",
];

/// Cuts Canada's free-text `Aliases` into names. The field mixes `;`, `,`, `/`, the words
/// "or"/"and", and language labels ("Belarusian: …, Russian: …"). The rule:
///
/// 1. Language labels (a capitalised Latin word followed by `:`) separate names.
/// 2. `;` and `/` separate names, except inside parentheses (when they nest properly).
/// 3. The words "or", "also" and "AKA" separate names; "and" does for persons, and for
///    organisations only when a neighbouring word is not in Latin script (an English "and"
///    between Russian names is editorial; "Laser Devices and Technologies" is one name).
/// 4. `,` separates names too (outside parentheses: "(ЦНИИМаш, АО)"), but a piece is glued back
///    to the one before it when they cannot be names of their own: the piece starts in lower
///    case (Russian official names: "Министерство культуры, спорта и туризма …"), either side is
///    a legal form ("Банк Зенит, ПАО", "АО, Воронежский опытный завод …"), or the piece before
///    is the person's surname ("Баранов, Олег Анатольевич": the list's "SURNAME, Given" order,
///    compared after transliteration).
///
/// Single given names ("Sergei, Serhii SHERBAKOV" → "Sergei") survive as one-word aliases,
/// which the caller marks weak for persons.
fn split_aliases(field: &str, last_name: Option<&str>, person: bool) -> Vec<String> {
    let field = drop_language_labels(&text::clean(field));
    let mut names: Vec<String> = Vec::new();
    for piece in split_outside_parens(&field, &[';', '/']).iter().flat_map(|p| split_on_words(p, person)) {
        let start = names.len();
        for part in split_outside_parens(&piece, &[',']) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let same_piece = names.len() > start;
            match names.last_mut() {
                Some(prev) if same_piece && continues(prev, part, last_name) => {
                    prev.push_str(", ");
                    prev.push_str(part);
                }
                _ => names.push(part.to_string()),
            }
        }
    }
    names.iter().map(|name| tidy(name)).filter(|name| !name.is_empty()).collect()
}

/// Splits at any of `separators`, except inside parentheses when they nest properly. Some
/// fields open a parenthesis they never close; tracking depth there would swallow every later
/// separator.
fn split_outside_parens(text: &str, separators: &[char]) -> Vec<String> {
    let track = parens_nest(text);
    let mut parts = vec![String::new()];
    let mut depth = 0;
    for c in text.chars() {
        if track {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
        }
        if depth == 0 && separators.contains(&c) {
            parts.push(String::new());
        } else if let Some(part) = parts.last_mut() {
            part.push(c);
        }
    }
    parts
}

/// Replaces "Russian:", "Belarusian :", "(Russian:" and the like with ";".
fn drop_language_labels(field: &str) -> String {
    let chars: Vec<char> = field.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    for &c in &chars {
        if c == ':' {
            let mut end = out.len();
            while end > 0 && out[end - 1] == ' ' {
                end -= 1;
            }
            let mut start = end;
            while start > 0 && out[start - 1].is_ascii_alphabetic() {
                start -= 1;
            }
            let at_boundary = start == 0 || matches!(out[start - 1], ' ' | '(' | ',' | ';');
            if end - start >= 3 && out[start].is_ascii_uppercase() && at_boundary {
                out.truncate(start);
                out.push(';');
                continue;
            }
        }
        out.push(c);
    }
    out.into_iter().collect()
}

/// True when every ")" closes an earlier "(" and all are closed.
fn parens_nest(field: &str) -> bool {
    let mut depth = 0i32;
    for c in field.chars() {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// Rule 4 of `split_aliases`: whether `piece` (after a comma) continues `prev`.
fn continues(prev: &str, piece: &str, last_name: Option<&str>) -> bool {
    let mut chars = piece.chars();
    let lower_start = chars.next().is_some_and(char::is_lowercase) && chars.next() != Some('\'');
    let is_legal_form = |s: &str| LEGAL_FORMS.contains(&s.to_lowercase().as_str());
    let legal_form = is_legal_form(piece) || is_legal_form(prev);
    let fold = |s: &str| any_ascii::any_ascii(s).to_lowercase();
    let surname_first = last_name.is_some_and(|last| !prev.contains(' ') && fold(prev) == fold(last));
    lower_start || legal_form || surname_first
}

/// Rule 3 of `split_aliases`.
fn split_on_words(name: &str, person: bool) -> Vec<String> {
    let words: Vec<&str> = name.split(' ').collect();
    let mut out = vec![String::new()];
    for (i, word) in words.iter().enumerate() {
        let separates = match *word {
            "or" | "OR" | "also" | "AKA" | "a.k.a." => true,
            "and" => {
                person
                    || i.checked_sub(1).and_then(|p| words.get(p)).is_some_and(|w| !is_latin(w))
                    || words.get(i + 1).is_some_and(|w| !is_latin(w))
            }
            _ => false,
        };
        if separates {
            out.push(String::new());
        } else if let Some(last) = out.last_mut() {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    out
}

/// Whether a word's letters are all Latin script (ASCII or the accented Latin blocks).
fn is_latin(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_ascii() || ('\u{C0}'..='\u{24F}').contains(&c))
}

/// Trims leftover separators and an unbalanced parenthesis at either end ("(Юрий …", "СКР)").
fn tidy(name: &str) -> String {
    let mut name = name.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'));
    let count = |s: &str, c: char| s.chars().filter(|&x| x == c).count();
    if name.starts_with('(') && count(name, '(') > count(name, ')') {
        name = &name[1..];
    }
    if name.ends_with(')') && count(name, ')') > count(name, '(') {
        name = &name[..name.len() - 1];
    }
    text::clean(name)
}

#[cfg(test)]
mod tests {
    use super::split_aliases;

    #[test]
    fn aliases_keep_multi_word_names_whole() {
        assert_eq!(
            split_aliases(
                "Belarusian: Мікалай Лукашэнка; Russian\u{a0}: Николай Лукашенко, Коля Лукашенко",
                None,
                true
            ),
            ["Мікалай Лукашэнка", "Николай Лукашенко", "Коля Лукашенко"]
        );
        assert_eq!(split_aliases("Баранов, Олег Анатольевич", Some("BARANOV"), true), ["Баранов, Олег Анатольевич"]);
        assert_eq!(split_aliases("Банк Зенит, ПАО", None, false), ["Банк Зенит, ПАО"]);
        assert_eq!(
            split_aliases("НПО Лавочкина, АО or АО НПО Лавочкина", None, false),
            ["НПО Лавочкина, АО", "АО НПО Лавочкина"]
        );
        assert_eq!(split_aliases("АО, Воронежский завод", None, false), ["АО, Воронежский завод"]);
        assert_eq!(
            split_aliases("Министерство культуры, спорта и туризма or Минкульт", None, false),
            ["Министерство культуры, спорта и туризма", "Минкульт"]
        );
        assert_eq!(
            split_aliases("ООО Машприборинторг-Волна and МПИ-Волна", None, false),
            ["ООО Машприборинторг-Волна", "МПИ-Волна"]
        );
        assert_eq!(split_aliases("Laser Devices and Technologies", None, false), ["Laser Devices and Technologies"]);
        assert_eq!(split_aliases("(Юрий ГОВТВИН / Юрiй ГОВТВIН", None, true), ["Юрий ГОВТВИН", "Юрiй ГОВТВIН"]);
        assert_eq!(split_aliases("ЦНИИМаш (ЦНИИМаш, АО)", None, false), ["ЦНИИМаш (ЦНИИМаш, АО)"]);
    }
}
