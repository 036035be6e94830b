//! OFAC XML layout (`sdn.xml`, `consolidated.xml`): `sdnList` with a `publshInformation` header
//! (OFAC's spelling) and one `sdnEntry` per party.
//!
//! Elements are matched on their local names: the default namespace changed with OFAC's
//! publishing service (older sdn.xml files used `http://tempuri.org/sdnList.xsd`) and says
//! nothing about the content.
//!
//! The XML carries as structure what the legacy CSV hides in Remarks (aliases with their
//! strong/weak category, documents, birth dates, nationality), so only links (`(Linked To: …)`)
//! still come from the remarks, read by the CSV importer's `apply_remarks`. `idList` mixes
//! documents with directive notes, websites and dates: documents become identifiers, the rest
//! stays readable in `remarks`.
//!
//! A weak f.k.a. stays `Former`, as the CSV importer reads the same names from its remarks: the
//! model has no weak former kind, and that a name is no longer used matters more to a reviewer.

use super::ofac_csv::{add_country, apply_remarks, country_code, resolve_links, ID_KINDS};
use super::text::{self, child_text, children};
use super::{ImportError, Parsed, SourceFile};
use crate::model::{Entity, Identifier, Link, NameKind, Schema, Warning};
use roxmltree::Node;

pub fn parse(file: &SourceFile) -> Result<Parsed, ImportError> {
    if file.bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty { file: file.name.clone() });
    }
    let content = text::utf8(file)?;
    let doc = parse_xml(file, content)?;
    let root = doc.root_element();
    if root.tag_name().name() != "sdnList" {
        return Err(ImportError::Layout {
            file: file.name.clone(),
            reason: format!("the root element is <{}>, not OFAC's <sdnList>", root.tag_name().name()),
        });
    }
    let mut warnings = Vec::new();
    let warn = |line: Option<u64>, entry_id: Option<String>, reason: String| Warning {
        file: file.name.clone(),
        line,
        entry_id,
        reason,
    };

    let header = children(root, "publshInformation").chain(children(root, "publishInformation")).next();
    let published = match header.and_then(|h| child_text(h, "Publish_Date")) {
        Some(date) => text::month_first_date(&date).or_else(|| {
            warnings.push(warn(None, None, format!("Publish_Date {date:?} is not MM/DD/YYYY; no publication date")));
            None
        }),
        None => {
            warnings.push(warn(None, None, "no publshInformation/Publish_Date header; no publication date".into()));
            None
        }
    };

    let mut entities = Vec::new();
    for node in children(root, "sdnEntry") {
        let line = text::xml_line(&doc, node);
        match entity_from(node) {
            Ok(entity) => entities.push(entity),
            Err((entry_id, reason)) => warnings.push(warn(Some(line), entry_id, format!("entry skipped: {reason}"))),
        }
    }

    let count = children(root, "sdnEntry").count();
    if let Some(stated) = header.and_then(|h| child_text(h, "Record_Count")) {
        if stated.parse::<usize>().ok() != Some(count) {
            warnings.push(warn(
                None,
                None,
                format!("Record_Count says {stated}, the file has {count} sdnEntry elements"),
            ));
        }
    }
    resolve_links(&mut entities);
    Ok(Parsed { published, entities, warnings })
}

/// Parses with `text::xml`, but places an early end of file where the file ends: roxmltree
/// reports it at line 1, column 1, which hides that the file was cut short.
fn parse_xml<'a>(file: &SourceFile, content: &'a str) -> Result<roxmltree::Document<'a>, ImportError> {
    text::xml(file, content).map_err(|err| match roxmltree::Document::parse(content) {
        Err(roxmltree::Error::UnclosedRootNode | roxmltree::Error::UnexpectedEndOfStream) => ImportError::Xml {
            file: file.name.clone(),
            line: text::line_of(content.as_bytes(), content.len()),
            column: content.rsplit('\n').next().map_or(1, |last| last.chars().count() as u64 + 1),
            reason: "the file ends before <sdnList> is closed; it is truncated".into(),
        },
        _ => err,
    })
}

/// One `sdnEntry`, or the uid (if any) and the reason it cannot be used.
fn entity_from(node: Node) -> Result<Entity, (Option<String>, String)> {
    let uid = child_text(node, "uid").ok_or((None, "no uid".to_string()))?;
    let name = full_name(node).ok_or((Some(uid.clone()), "no lastName".to_string()))?;
    let schema = child_text(node, "sdnType").map(|t| Schema::parse(&t)).unwrap_or(Schema::Unknown);
    let mut entity = Entity::new(uid, schema);
    entity.add_name(&name, NameKind::Primary);
    if let Some(title) = child_text(node, "title") {
        Entity::push_unique(&mut entity.remarks, &format!("Title: {title}"));
    }
    for list in children(node, "programList") {
        for program in children(list, "program").filter_map(|p| p.text().and_then(text::non_empty)) {
            Entity::push_unique(&mut entity.programs, &program);
        }
    }
    for aka in items(node, "akaList", "aka") {
        let kind = match (child_text(aka, "type").as_deref(), child_text(aka, "category").as_deref()) {
            (Some("f.k.a."), _) => NameKind::Former,
            (_, Some("weak")) => NameKind::WeakAlias,
            _ => NameKind::Alias,
        };
        if let Some(name) = full_name(aka) {
            entity.add_name(&name, kind);
        }
    }
    for address in items(node, "addressList", "address") {
        add_address(&mut entity, address);
    }
    for id in items(node, "idList", "id") {
        add_id(&mut entity, id);
    }
    for item in items(node, "dateOfBirthList", "dateOfBirthItem") {
        for date in child_text(item, "dateOfBirth").map(|d| text::birth_dates(&d)).unwrap_or_default() {
            if !entity.birth_dates.contains(&date) {
                entity.birth_dates.push(date);
            }
        }
    }
    for item in items(node, "placeOfBirthList", "placeOfBirthItem") {
        if let Some(place) = child_text(item, "placeOfBirth") {
            Entity::push_unique(&mut entity.places_of_birth, &place);
        }
    }
    let countries = items(node, "nationalityList", "nationality").chain(items(node, "citizenshipList", "citizenship"));
    for country in countries.filter_map(|n| child_text(n, "country")) {
        add_country(&mut entity, &country);
    }
    for vessel in children(node, "vesselInfo") {
        add_vessel(&mut entity, vessel);
    }
    if let Some(remarks) = child_text(node, "remarks") {
        apply_remarks(&mut entity, &remarks);
    }
    Ok(entity)
}

/// The elements `item` inside the wrapper `list` (`akaList/aka`).
fn items<'a, 'i>(node: Node<'a, 'i>, list: &'a str, item: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    children(node, list).flat_map(move |l| children(l, item))
}

/// "firstName lastName", as OFAC's XML splits the name; entities have a lastName only.
fn full_name(node: Node) -> Option<String> {
    let last = child_text(node, "lastName")?;
    Some(match child_text(node, "firstName") {
        Some(first) => format!("{first} {last}"),
        None => last,
    })
}

fn add_address(entity: &mut Entity, address: Node) {
    let fields = ["address1", "address2", "address3", "city", "stateOrProvince", "postalCode", "country"];
    let parts: Vec<String> = fields.iter().filter_map(|f| child_text(address, f)).collect();
    if let Some(code) = child_text(address, "country").and_then(|c| country_code(&c)) {
        entity.add_country(code);
    }
    Entity::push_unique(&mut entity.addresses, &parts.join(", "));
}

/// A document becomes an identifier; "Nationality of Registration" a country; anything else
/// (directive notes, websites, dates, gender) a remark.
fn add_id(entity: &mut Entity, id: Node) {
    let Some(kind) = child_text(id, "idType") else {
        return;
    };
    let Some(number) = child_text(id, "idNumber") else {
        return;
    };
    let country = child_text(id, "idCountry");
    let plain_kind = kind.trim_end_matches([':', '-', ' ']);
    if plain_kind == "Nationality of Registration" {
        add_country(entity, &number);
    } else if ID_KINDS.contains(&plain_kind) || country.is_some() {
        let identifier = Identifier {
            kind: plain_kind.to_string(),
            value: number,
            country: country.map(|c| country_code(&c).map(str::to_string).unwrap_or(c)),
        };
        if !entity.identifiers.contains(&identifier) {
            entity.identifiers.push(identifier);
        }
    } else {
        Entity::push_unique(&mut entity.remarks, &format!("{kind} {number}"));
    }
}

fn add_vessel(entity: &mut Entity, vessel: Node) {
    if let Some(call_sign) = child_text(vessel, "callSign") {
        entity.identifiers.push(Identifier { kind: "Call Sign".into(), value: call_sign, country: None });
    }
    if let Some(flag) = child_text(vessel, "vesselFlag") {
        add_country(entity, &flag);
    }
    if let Some(owner) = child_text(vessel, "vesselOwner") {
        entity.links.push(Link { relation: "owner".into(), name: owner, entry_id: None });
    }
    for (label, field) in [("Vessel type", "vesselType"), ("Tonnage", "tonnage"), ("GRT", "grossRegisteredTonnage")] {
        if let Some(value) = child_text(vessel, field) {
            Entity::push_unique(&mut entity.remarks, &format!("{label}: {value}"));
        }
    }
}
