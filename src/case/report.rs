//! The PDF case report (`case export --pdf`): an A4 document that someone without Klaring can
//! read and audit: the parties as entered, the transaction, the lists and matcher used, every
//! hit with its disposition, the decision and its four-eyes approval, attachments with their
//! SHA-256, notes, the risk profile, retention, and the event log with the chain's verification.
//! Every page carries the case id, the Klaring version, "page X of Y" and the last event's hash.
//!
//! Why typst (as a library) and not krilla: a case report is mostly tables whose rows break
//! across pages, with repeated table headers, running headers and footers, and a page count
//! that is only known at the end. typst lays all of that out from a template
//! (`report.typ`), so the layout stays readable and changeable as text; krilla (which typst-pdf
//! itself uses underneath) only writes PDF objects and would leave line breaking, table
//! layout and pagination to hand-written code here. The price is about six minutes of cold
//! build, which CI can afford.
//!
//! The data never becomes markup: the template is a fixed file, and the case reaches it as JSON
//! through a virtual file (`/case.json`, read with `json(…)`), so a party called `#import "x"`
//! or `$ [ ] \` is printed as those characters and cannot run typst code. The world has no
//! other file, no package, and no clock: `today()` is the date of the case's last event and
//! the PDF's own timestamp and identifier come from the case, so the same case gives the same
//! bytes on the same machine.
//!
//! Fonts: the ones typst embeds (Libertinus Serif, DejaVu Sans Mono) cover Latin, Greek and
//! Cyrillic; for Arabic, Persian, Chinese and other scripts typst falls back to system fonts
//! found at run time. Where no installed font has a glyph, nothing is lost: every name that is
//! not plain ASCII is also printed in the Latin form the matcher compared
//! ([`crate::matching::normalize`]).

use super::events::{CaseError, CaseState, WatchFinding};
use super::retention::{self, Retention};
use super::verify::{self, Head, VerifyReport};
use super::{CaseEvent, CaseStatus};
use crate::matching::normalize::{normalize, LegalForms};
use crate::model::Schema;
use crate::store::{Store, StoreError};
use chrono::{Datelike, Timelike};
use serde::Serialize;
use serde_json::Value;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;

/// The report's layout; the case data comes in as `/case.json`.
const TEMPLATE: &str = include_str!("report.typ");
const TEMPLATE_PATH: &str = "/report.typ";
const DATA_PATH: &str = "/case.json";

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("case {case_id}: the report could not be laid out: {message}")]
    Layout { case_id: String, message: String },
    #[error("case {case_id}: the PDF could not be written: {message}")]
    Pdf { case_id: String, message: String },
}

/// The case report as PDF bytes (A4).
pub fn pdf(store: &Store, case_id: &str) -> Result<Vec<u8>, ReportError> {
    render(TEMPLATE, &view(store, case_id)?)
}

/// A name as recorded, and the Latin form the matcher compared when the name is not ASCII,
/// so a glyph missing from every installed font does not hide who the party is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Name {
    pub text: String,
    pub latin: Option<String>,
}

impl Name {
    fn new(text: &str) -> Name {
        let latin = (!text.is_ascii()).then(|| {
            normalize(text, LegalForms::Keep).tokens.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ")
        });
        Name { text: text.to_string(), latin: latin.filter(|l| !l.is_empty()) }
    }
}

/// A party as the user entered it: the counterparty or one affiliation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyEntered {
    /// "counterparty", or the relation ("owner", "end user", …).
    pub role: String,
    pub name: Name,
    pub schema: Option<Schema>,
    pub country: Option<String>,
    pub birth_date: Option<String>,
    pub identifier: Option<String>,
    pub percent: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatcherUsed {
    pub matcher: String,
    pub threshold: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DispositionView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub verdict: String,
    pub fact: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HitView {
    pub list: String,
    pub entry_id: String,
    pub name: Name,
    /// The other name that matched, or the name the entry gives the party in its links.
    pub matched: Option<String>,
    pub score: f64,
    pub explanation: String,
    /// The latest disposition of this hit; `None` while it is not disposed of.
    pub disposition: Option<DispositionView>,
    /// An earlier case's "false positive" for this party and entry, as the screening found it.
    pub allow_listed: Option<crate::matching::PriorJudgement>,
}

/// A watch-list item that matched a party when the case was opened, with this case's latest
/// judgement of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchView {
    #[serde(flatten)]
    pub finding: WatchFinding,
    /// The party's name with its Latin form, as the other sections print names.
    pub party_name: Name,
    pub mark: Option<WatchMarkView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchMarkView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub relevance: String,
    pub reason: String,
}

/// One party at the latest screening, with its hits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreenedParty {
    pub name: Name,
    pub hits: Vec<HitView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub outcome: String,
    pub justification: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApprovalView {
    /// Why a second person must approve the decision, when they must.
    pub required: Option<String>,
    pub given: Option<EventNote>,
}

/// An event's who and when, with its text (a note, an approval's comment).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventNote {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttachmentView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

/// The latest `risk_assessed` event: the transaction as entered and the profile assessed
/// from it, passed on in their stored JSON shapes (which only ever gain optional fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// `risk::AssessInput`; `None` for a profile recorded before inputs were kept.
    pub input: Option<Value>,
    /// `risk::RiskProfile`.
    pub profile: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// The actor's role as the event recorded it.
    pub role: Option<String>,
    pub kind: String,
    pub hash: String,
}

/// Everything the report prints, as the template reads it from `/case.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportView {
    pub klaring_version: &'static str,
    pub case_id: String,
    pub status: CaseStatus,
    pub created_at: String,
    /// The last event's time: the report shows the case as of then.
    pub as_of: String,
    pub head: Head,
    pub parties: Vec<PartyEntered>,
    /// Every list version the latest screening cites, once each.
    pub lists: Vec<Value>,
    pub matchers: Vec<MatcherUsed>,
    pub screened: Vec<ScreenedParty>,
    pub watch: Vec<WatchView>,
    pub decision: Option<DecisionView>,
    pub approval: ApprovalView,
    pub attachments: Vec<AttachmentView>,
    pub notes: Vec<EventNote>,
    pub risk: Option<RiskView>,
    pub retention: Retention,
    pub events: Vec<EventRow>,
    pub verification: VerifyReport,
}

/// A serialised enum's name in words: `proceed_with_conditions` → "proceed with conditions".
fn words<T: Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(|s| s.replace('_', " "))).unwrap_or_default()
}

/// The report's data for a stored case.
pub fn view(store: &Store, case_id: &str) -> Result<ReportView, ReportError> {
    let file = store.case_file(case_id)?.ok_or_else(|| StoreError::NoCase(case_id.to_string()))?;
    let last = file.events.last().ok_or_else(|| StoreError::NoCase(case_id.to_string()))?;
    let state = CaseState::from_events(&file.events)?;
    let event = |seq: i64| file.events.iter().find(|e| e.seq == seq);
    let at = |seq: i64| event(seq).map(|e| e.at.clone()).unwrap_or_default();
    let payload = |e: &CaseEvent| serde_json::from_str::<Value>(e.payload.get()).unwrap_or(Value::Null);

    let parties = state
        .input
        .iter()
        .flat_map(|input| {
            let q = &input.counterparty;
            std::iter::once(PartyEntered {
                role: "counterparty".into(),
                name: Name::new(&q.name),
                schema: q.schema,
                country: q.country.clone(),
                birth_date: q.birth_date.clone(),
                identifier: q.identifier.clone(),
                percent: None,
            })
            .chain(input.affiliations.iter().map(|a| PartyEntered {
                role: words(a.relation),
                name: Name::new(&a.name),
                schema: a.schema,
                country: a.country.clone(),
                birth_date: None,
                identifier: None,
                percent: a.percent,
            }))
        })
        .collect();

    let mut lists: Vec<Value> = Vec::new();
    let mut matchers: Vec<MatcherUsed> = Vec::new();
    for party in &state.parties {
        for list in &party.lists {
            if !lists.iter().any(|l| l["list"] == list["list"] && l["sha256"] == list["sha256"]) {
                lists.push(list.clone());
            }
        }
        let used = MatcherUsed { matcher: party.matcher.clone(), threshold: party.threshold };
        if !matchers.contains(&used) {
            matchers.push(used);
        }
    }

    let screened = state
        .parties
        .iter()
        .map(|party| ScreenedParty {
            name: Name::new(&party.name),
            hits: party
                .hits
                .iter()
                .map(|hit| HitView {
                    list: hit.list.clone(),
                    entry_id: hit.entry_id.clone(),
                    name: Name::new(&hit.name),
                    matched: hit.matched_note(),
                    score: hit.score,
                    explanation: hit.explanation.clone(),
                    disposition: state.disposition_of(party, hit).map(|d| DispositionView {
                        seq: d.seq,
                        at: at(d.seq),
                        actor: d.actor.clone(),
                        verdict: words(d.verdict),
                        fact: d.fact.clone(),
                    }),
                    allow_listed: hit.allow_listed.clone(),
                })
                .collect(),
        })
        .collect();

    let approval = ApprovalView {
        required: state.approval_required().map(|r| r.to_string()),
        given: state.approval().map(|a| EventNote {
            seq: a.seq,
            at: at(a.seq),
            actor: a.actor.clone(),
            text: event(a.seq)
                .map(|e| payload(e)["comment"].as_str().unwrap_or_default().to_string())
                .unwrap_or_default(),
        }),
    };
    let of_kind = |kind: &'static str| file.events.iter().filter(move |e| e.kind == kind);
    let notes = of_kind("note")
        .map(|e| EventNote {
            seq: e.seq,
            at: e.at.clone(),
            actor: e.actor.clone(),
            text: payload(e)["text"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    let risk = of_kind("risk_assessed").next_back().map(|e| {
        let p = payload(e);
        RiskView {
            seq: e.seq,
            at: e.at.clone(),
            actor: e.actor.clone(),
            input: p.get("input").cloned(),
            profile: p["profile"].clone(),
        }
    });
    let attachments = state
        .attachments
        .iter()
        .map(|a| AttachmentView {
            seq: a.seq,
            at: at(a.seq),
            actor: event(a.seq).map(|e| e.actor.clone()).unwrap_or_default(),
            name: a.name.clone(),
            size: a.size,
            sha256: a.sha256.clone(),
        })
        .collect();
    let events = file
        .events
        .iter()
        .map(|e| EventRow {
            seq: e.seq,
            at: e.at.clone(),
            actor: e.actor.clone(),
            role: payload(e)["role"].as_str().map(str::to_string),
            kind: e.kind.clone(),
            hash: e.hash.clone(),
        })
        .collect();

    Ok(ReportView {
        klaring_version: env!("CARGO_PKG_VERSION"),
        case_id: file.summary.id.clone(),
        status: file.summary.status,
        created_at: file.summary.created_at.clone(),
        as_of: last.at.clone(),
        head: Head { seq: last.seq, hash: last.hash.clone() },
        parties,
        lists,
        matchers,
        screened,
        watch: state
            .watch
            .iter()
            .map(|f| WatchView {
                finding: f.clone(),
                party_name: Name::new(&f.party),
                mark: state.watch_mark_of(f).map(|m| WatchMarkView {
                    seq: m.seq,
                    at: at(m.seq),
                    actor: m.actor.clone(),
                    relevance: m.relevance.as_str().replace('-', " "),
                    reason: m.reason.clone(),
                }),
            })
            .collect(),
        decision: state.decision.as_ref().map(|d| DecisionView {
            seq: d.seq,
            at: d.at.clone(),
            actor: d.actor.clone(),
            outcome: words(d.outcome),
            justification: d.justification.clone(),
        }),
        approval,
        attachments,
        notes,
        risk,
        retention: retention::retention(&state, retention::years(store)?),
        events,
        verification: verify::verify_case(store, case_id)?,
    })
}

/// Lays out `template` over `view` and writes the PDF.
fn render(template: &str, view: &ReportView) -> Result<Vec<u8>, ReportError> {
    let case_id = view.case_id.clone();
    let as_of: chrono::DateTime<chrono::Utc> = view.as_of.parse().map_err(|e| ReportError::Layout {
        case_id: case_id.clone(),
        message: format!("the last event's time {:?} is not RFC 3339: {e}", view.as_of),
    })?;
    let data = serde_json::to_vec(view).expect("the report view always serialises");
    let world = ReportWorld::new(template, data, as_of);
    let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
    // typst memoises layout in a process-wide cache; the desktop app lives long and each
    // report is a one-off, so nothing is worth keeping.
    typst::comemo::evict(0);
    let document =
        output.map_err(|errors| ReportError::Layout { case_id: case_id.clone(), message: world.explain(&errors) })?;
    let datetime = |d: chrono::DateTime<chrono::Utc>| {
        Datetime::from_ymd_hms(
            d.year(),
            d.month() as u8,
            d.day() as u8,
            d.hour() as u8,
            d.minute() as u8,
            d.second() as u8,
        )
    };
    let options = typst_pdf::PdfOptions {
        // Derived from the case, not the clock: the same case state gives the same bytes.
        ident: Smart::Custom(format!("{case_id}/{}/{}", view.head.seq, view.head.hash)),
        creator: Smart::Custom(Some(format!("Klaring {}", view.klaring_version))),
        timestamp: datetime(as_of).map(typst_pdf::Timestamp::new_utc),
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| ReportError::Pdf { case_id, message: world.explain(&errors) })
}

/// The embedded fonts, then the system's: found once per process, since scanning a desktop's
/// fonts takes a moment and they do not change while a report is written.
fn fonts() -> &'static FontStore {
    static FONTS: OnceLock<FontStore> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut fonts = FontStore::new();
        fonts.extend(typst_kit::fonts::embedded());
        fonts.extend(typst_kit::fonts::system());
        fonts
    })
}

/// The smallest world a report needs: one source, one data file, fonts, a fixed date.
struct ReportWorld {
    library: LazyHash<Library>,
    fonts: &'static FontStore,
    main: Source,
    data_id: FileId,
    data: Bytes,
    today: Option<Datetime>,
}

impl ReportWorld {
    fn new(template: &str, data: Vec<u8>, as_of: chrono::DateTime<chrono::Utc>) -> ReportWorld {
        let id = |path: &str| {
            FileId::new(RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a valid virtual path")))
        };
        ReportWorld {
            library: LazyHash::new(Library::default()),
            fonts: fonts(),
            main: Source::new(id(TEMPLATE_PATH), template.to_string()),
            data_id: id(DATA_PATH),
            data: Bytes::new(data),
            today: Datetime::from_ymd(as_of.year(), as_of.month() as u8, as_of.day() as u8),
        }
    }

    /// Diagnostics as one line each: the message, where in the template, and typst's hints.
    fn explain(&self, diagnostics: &[SourceDiagnostic]) -> String {
        diagnostics
            .iter()
            .map(|d| {
                let mut line = d.message.to_string();
                if let Some(range) = self.range(d.span).filter(|_| d.span.id() == Some(self.main.id())) {
                    if let Some((l, c)) = self.main.lines().byte_to_line_column(range.start) {
                        line.push_str(&format!(" (report.typ {}:{})", l + 1, c + 1));
                    }
                }
                for hint in &d.hints {
                    line.push_str(&format!("; hint: {}", hint.v));
                }
                line
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_with_slash().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::NotFound(id.vpath().get_with_slash().into()))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    /// The date of the case's last event, whatever the offset asked: the report describes the
    /// case as of then, and reading the clock would make two exports of one case differ.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_in_another_script_keeps_the_latin_form_the_matcher_compared() {
        assert_eq!(Name::new("Acme BV").latin, None);
        assert_eq!(Name::new("Татьяна Журавлева").latin.as_deref(), Some("tatyana zhuravleva"));
        assert!(Name::new("王芳").latin.is_some_and(|l| l.contains("wang")));
        assert!(Name::new("محمد").latin.is_some());
    }

    #[test]
    fn a_template_error_names_the_message_and_the_line() {
        let store = Store::open_in_memory().unwrap();
        let view = ReportView {
            klaring_version: "test",
            case_id: "K-2026-000001".into(),
            status: CaseStatus::Draft,
            created_at: "2026-03-04T10:00:00.000Z".into(),
            as_of: "2026-03-04T10:00:00.000Z".into(),
            head: Head { seq: 1, hash: "0".repeat(64) },
            parties: vec![],
            lists: vec![],
            matchers: vec![],
            screened: vec![],
            watch: vec![],
            decision: None,
            approval: ApprovalView { required: None, given: None },
            attachments: vec![],
            notes: vec![],
            risk: None,
            retention: retention::retention(&CaseState::default(), retention::years(&store).unwrap()),
            events: vec![],
            verification: verify::verify_events("K-2026-000001", &[], None),
        };
        let err = render("#let d = json(\"/case.json\")\n#d.no_such_field", &view).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("K-2026-000001") && message.contains("no_such_field"), "{message}");
        assert!(message.contains("report.typ 2:"), "{message}");
        // The template cannot reach any file but the case data.
        let err = render("#read(\"/etc/passwd\")", &view).unwrap_err().to_string();
        assert!(err.contains("not found") || err.contains("etc/passwd"), "{err}");
    }
}
