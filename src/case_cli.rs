//! `klaring case …` and `klaring user …`: argument structs and printing for case files, kept out
//! of `main.rs`. Each command calls one `klaring::case` function.

use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use klaring::affiliations::{Affiliation, Relation, ScreeningInput};
use klaring::case::events::{self, Outcome, Verdict};
use klaring::case::{self, allow_list, assessment, bundle, detail, profile, report, rescreen, retention, verify};
use klaring::matching::Query;
use klaring::model::Schema;
use klaring::screening::Screener;
use klaring::store::Store;
use klaring::watch::Relevance;
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum Commands {
    /// Case files: open, list, show, dispose, assess, watch-mark, decide, approve, attach, note,
    /// submit, export, verify, rescreen, retention.
    Case {
        #[command(subcommand)]
        command: CaseCommand,
    },
    /// The local user profile (name and role) recorded as the actor of every case event.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Set the profile; a second approver sets their own before approving.
    Set {
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
    },
    Show,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum VerdictArg {
    TrueMatch,
    FalsePositive,
    CannotExclude,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OutcomeArg {
    Proceed,
    ProceedWithConditions,
    Abstain,
    Prohibited,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RelevanceArg {
    Relevant,
    NotRelevant,
}

#[derive(Subcommand)]
pub enum CaseCommand {
    /// Screen a counterparty (and affiliates) against the current lists and save it as a case.
    Open {
        name: String,
        /// person, organization, vessel or aircraft.
        #[arg(long)]
        schema: Option<String>,
        #[arg(long)]
        country: Option<String>,
        /// A related party as RELATION=NAME (owner, parent, subsidiary, director, customer,
        /// end_user, contracts_for, supplier); repeatable.
        #[arg(long)]
        affiliate: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Cases, newest first.
    List {
        #[arg(long)]
        find: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A case with its parties, hits, dispositions, decision, retention and events.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Judge one hit of the latest screening, with the fact that decided it.
    Dispose {
        id: String,
        #[arg(long)]
        list: String,
        #[arg(long)]
        entry: String,
        #[arg(long, value_enum)]
        verdict: VerdictArg,
        #[arg(long)]
        fact: String,
        /// The party, when the entry alerted for several.
        #[arg(long)]
        party: Option<String>,
    },
    /// Record the decision with its justification (at least 30 characters).
    Decide {
        id: String,
        #[arg(long, value_enum)]
        outcome: OutcomeArg,
        #[arg(long)]
        justification: String,
    },
    /// Approve the latest decision as a second person (four eyes).
    Approve {
        id: String,
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Assess the transaction's risk and record the profile on the case. FILE is JSON: goods,
    /// destination, end_use, counterparty facts, affiliation facts, red_flags (see README);
    /// list hits and watch-list findings come from the case itself.
    Assess {
        id: String,
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Judge a watch-list match of the case relevant or not, with the reason.
    WatchMark {
        id: String,
        /// The watch-list item's id.
        #[arg(long)]
        item: String,
        /// The party it matched; the counterparty when left out.
        #[arg(long)]
        party: Option<String>,
        #[arg(long, value_enum)]
        relevance: RelevanceArg,
        #[arg(long)]
        reason: String,
    },
    /// Attach a file (stored in the database with its SHA-256).
    Attach { id: String, file: PathBuf },
    /// Add a note.
    Note { id: String, text: String },
    /// Submit: the case is frozen afterwards.
    Submit { id: String },
    /// Export the case as a JSON bundle (`--json`), a PDF report for readers without Klaring
    /// (`--pdf`), or both.
    Export {
        id: String,
        #[arg(long, value_name = "FILE", required_unless_present = "pdf")]
        json: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
    },
    /// Check a case's hash chain (or a bundle's); fails when anything was changed.
    Verify {
        #[arg(required_unless_present = "bundle")]
        id: Option<String>,
        #[arg(long)]
        bundle: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Screen the case's parties against its list versions and the current ones; show changes.
    Rescreen {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Show or set the retention period N in years (minimum 5, default 10).
    Retention {
        #[arg(long)]
        years: Option<u32>,
    },
}

pub fn run(store: &mut Store, command: Commands) -> Result<()> {
    match command {
        Commands::User { command } => run_user(store, command),
        Commands::Case { command } => run_case(store, command),
    }
}

fn run_user(store: &mut Store, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Set { name, role } => {
            let user = profile::UserProfile::new(&name, &role)?;
            profile::save(store, &user)?;
            println!("user: {} ({})", user.name, user.role);
        }
        UserCommand::Show => match profile::load(store)? {
            Some(user) => println!("user: {} ({})", user.name, user.role),
            None => bail!("no user profile: set one with `klaring user set --name NAME --role ROLE`"),
        },
    }
    Ok(())
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

fn run_case(store: &mut Store, command: CaseCommand) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match command {
        CaseCommand::Open { name, schema, country, affiliate, json } => {
            let user = profile::require(store)?;
            let schema = match schema.as_deref().map(Schema::parse) {
                Some(Schema::Unknown) => bail!("--schema: use person, organization, vessel or aircraft"),
                schema => schema,
            };
            let affiliations = affiliate
                .iter()
                .map(|a| {
                    let (relation, name) = a.split_once('=').context("--affiliate takes RELATION=NAME")?;
                    let relation: Relation = serde_json::from_value(serde_json::Value::String(relation.trim().into()))
                        .with_context(|| format!("unknown relation {relation:?}"))?;
                    Ok(Affiliation { name: name.trim().into(), relation, percent: None, country: None, schema: None })
                })
                .collect::<Result<Vec<_>>>()?;
            let input =
                ScreeningInput { counterparty: Query { name, country, schema, ..Query::default() }, affiliations };
            let screener = Screener::load(store)?;
            let saved = case::open(store, &screener, &user.name, now(), &input)?;
            if json {
                writeln!(out, "{}", serde_json::json!({"case_id": saved.case_id, "alerts": saved.screening.alerts()}))?;
            } else {
                writeln!(out, "{}: {} alert(s)", saved.case_id, saved.screening.alerts())?;
            }
        }
        CaseCommand::List { find, json } => {
            let cases = case::find(store.case_summaries()?, find.as_deref().unwrap_or(""));
            if json {
                writeln!(out, "{}", serde_json::to_string(&cases)?)?;
            } else {
                for c in cases {
                    let status = serde_json::to_value(c.status)?;
                    writeln!(
                        out,
                        "{}  {}  {:<9}  {} alert(s)  {}",
                        c.id,
                        c.created_at,
                        status.as_str().unwrap_or_default(),
                        c.alerts,
                        c.counterparty
                    )?;
                }
            }
        }
        CaseCommand::Show { id, json } => show(store, &id, json, &mut out)?,
        CaseCommand::Dispose { id, list, entry, verdict, fact, party } => {
            let verdict = match verdict {
                VerdictArg::TrueMatch => Verdict::TrueMatch,
                VerdictArg::FalsePositive => Verdict::FalsePositive,
                VerdictArg::CannotExclude => Verdict::CannotExclude,
            };
            let e = events::dispose(store, &id, now(), party.as_deref(), &list, &entry, verdict, &fact)?;
            writeln!(out, "{id}: event {} disposition {list} {entry}", e.seq)?;
        }
        CaseCommand::Decide { id, outcome, justification } => {
            let outcome = match outcome {
                OutcomeArg::Proceed => Outcome::Proceed,
                OutcomeArg::ProceedWithConditions => Outcome::ProceedWithConditions,
                OutcomeArg::Abstain => Outcome::Abstain,
                OutcomeArg::Prohibited => Outcome::Prohibited,
            };
            let e = events::decide(store, &id, now(), outcome, &justification)?;
            writeln!(out, "{id}: event {} decision", e.seq)?;
        }
        CaseCommand::Approve { id, comment } => {
            let e = events::approve(store, &id, now(), &comment)?;
            writeln!(out, "{id}: event {} approval by {}", e.seq, e.actor)?;
        }
        CaseCommand::Assess { id, input, json } => {
            let text = std::fs::read_to_string(&input).with_context(|| format!("reading {}", input.display()))?;
            let transaction: assessment::Transaction = serde_json::from_str(&text)
                .with_context(|| format!("{}: not a transaction (goods, destination, …)", input.display()))?;
            let (profile, e) = assessment::assess(store, &id, now(), &transaction)?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&profile)?)?;
            } else {
                let tier =
                    if profile.prohibited { "PROHIBITED".to_string() } else { profile.tier.as_str().to_string() };
                writeln!(out, "{id}: event {} risk {tier} (score {:.1}, {})", e.seq, profile.score, profile.model)?;
                for f in &profile.floors {
                    writeln!(out, "  floor   {}", serde_json::to_string(f)?)?;
                }
                for m in &profile.measures {
                    writeln!(out, "  measure {}", serde_json::to_string(m)?)?;
                }
            }
        }
        CaseCommand::WatchMark { id, item, party, relevance, reason } => {
            let party = match party {
                Some(p) => p,
                None => events::state(store, &id)?.input.map(|i| i.counterparty.name).unwrap_or_default(),
            };
            let relevance = match relevance {
                RelevanceArg::Relevant => Relevance::Relevant,
                RelevanceArg::NotRelevant => Relevance::NotRelevant,
            };
            let e = events::mark_watch(store, &id, now(), &party, &item, relevance, &reason)?;
            writeln!(out, "{id}: event {} watch-list item {item} marked for {party}", e.seq)?;
        }
        CaseCommand::Attach { id, file } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let e = events::attach(store, &id, now(), &name, &bytes)?;
            writeln!(out, "{id}: event {} attachment {name} ({} bytes)", e.seq, bytes.len())?;
        }
        CaseCommand::Note { id, text } => {
            let e = events::note(store, &id, now(), &text)?;
            writeln!(out, "{id}: event {} note", e.seq)?;
        }
        CaseCommand::Submit { id } => {
            let e = events::submit(store, &id, now())?;
            writeln!(out, "{id}: event {} submitted; the case is frozen", e.seq)?;
        }
        CaseCommand::Export { id, json, pdf } => {
            if let Some(json) = json {
                let b = bundle::export(store, &id, now())?;
                std::fs::write(&json, serde_json::to_string_pretty(&b)?)
                    .with_context(|| format!("writing {}", json.display()))?;
                writeln!(
                    out,
                    "{id}: {} events, head {} {}, written to {}",
                    b.events.len(),
                    b.head.seq,
                    b.head.hash,
                    json.display()
                )?;
            }
            if let Some(pdf) = pdf {
                let bytes = report::pdf(store, &id)?;
                std::fs::write(&pdf, &bytes).with_context(|| format!("writing {}", pdf.display()))?;
                writeln!(out, "{id}: PDF report ({} bytes) written to {}", bytes.len(), pdf.display())?;
            }
        }
        CaseCommand::Verify { id, bundle: file, json } => {
            let report = match file {
                Some(file) => {
                    let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
                    let b = bundle::read(&text).with_context(|| format!("{} is not a case bundle", file.display()))?;
                    if let Some(id) = id.filter(|id| *id != b.case.id) {
                        bail!("{} holds case {}, not {id}", file.display(), b.case.id);
                    }
                    bundle::verify_bundle(&b, Some(store))?
                }
                None => verify::verify_case(store, id.as_deref().unwrap_or_default())?,
            };
            print_verify(&report, json, &mut out)?;
            if !report.ok {
                bail!("case {} failed verification", report.case_id);
            }
        }
        CaseCommand::Rescreen { id, json } => {
            let r = rescreen::rescreen(store, &id, now())?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&r)?)?;
            } else {
                print_rescreen(&r, &mut out)?;
            }
        }
        CaseCommand::Retention { years } => {
            if let Some(years) = years {
                retention::set_years(store, years)?;
            }
            writeln!(out, "retention: end of the calendar year + {} years", retention::years(store)?)?;
        }
    }
    Ok(())
}

fn show(store: &Store, id: &str, json: bool, out: &mut impl Write) -> Result<()> {
    let detail = detail::detail(store, id, now().date_naive())?;
    if json {
        writeln!(out, "{}", serde_json::to_string(&detail)?)?;
        return Ok(());
    }
    let (file, state, keep, report) = (&detail, &detail.state, &detail.retention, &detail.verify);
    let s = &file.summary;
    writeln!(out, "case {}  {}", s.id, serde_json::to_value(s.status)?.as_str().unwrap_or_default())?;
    writeln!(out, "created      {}", s.created_at)?;
    writeln!(out, "retain until {}  ({})", keep.retain_until, keep.rule)?;
    for age in &detail.list_ages {
        let stale = if age.stale { "  STALE" } else { "" };
        writeln!(
            out,
            "list         {} {} (data of {}, {} days old){stale}",
            age.list, age.version, age.data_date, age.age_days
        )?;
    }
    writeln!(
        out,
        "integrity    {}",
        if report.ok {
            format!("intact, head {}", report.head.as_ref().map(|h| h.hash.as_str()).unwrap_or_default())
        } else {
            report.problems.join("; ")
        }
    )?;
    for party in &state.parties {
        writeln!(out, "\nparty {}: {} hit(s)", party.name, party.hits.len())?;
        for hit in &party.hits {
            let d = state.disposition_of(party, hit);
            let verdict = d.map(|d| format!("{}: {}", d.verdict.as_str(), d.fact));
            let verdict = verdict.or_else(|| {
                hit.settled_elsewhere().then(|| {
                    let p = hit.allow_listed.as_ref().expect("settled hits are allow-listed");
                    format!("allow-listed by {} event {}: {}", p.case_id, p.seq, p.fact)
                })
            });
            writeln!(
                out,
                "  {:.3}  {} {}  {}  [{}]",
                hit.score,
                hit.list,
                hit.entry_id,
                hit.name,
                verdict.unwrap_or_else(|| "not disposed".into())
            )?;
        }
    }
    if !state.watch.is_empty() {
        writeln!(
            out,
            "
watch-list"
        )?;
    }
    for f in &state.watch {
        let mark = state.watch_mark_of(f).map(|m| format!("{}: {}", m.relevance.as_str(), m.reason));
        writeln!(
            out,
            "  {} ({})  {}  {} {}  [{}]",
            f.party,
            f.role,
            f.item_id,
            f.date.as_deref().unwrap_or("undated"),
            f.title,
            mark.unwrap_or_else(|| "not judged".into())
        )?;
    }
    if let Some(tier) = state.risk_tier {
        writeln!(
            out,
            "
risk         {}",
            tier.as_str()
        )?;
    }
    if let Some(d) = &state.decision {
        writeln!(out, "\ndecision     {} by {} at {}", serde_json::to_value(d.outcome)?, d.actor, d.at)?;
        writeln!(out, "             {}", d.justification)?;
        match (state.approval(), state.approval_required()) {
            (Some(a), _) => writeln!(out, "approval     by {} (event {})", a.actor, a.seq)?,
            (None, Some(reason)) => writeln!(out, "approval     required ({reason}), not given")?,
            (None, None) => writeln!(out, "approval     not required")?,
        }
    }
    for a in &state.attachments {
        writeln!(out, "attachment   {} ({} bytes) sha256 {}", a.name, a.size, a.sha256)?;
    }
    writeln!(out, "\nevents")?;
    for e in &file.events {
        writeln!(out, "  {:>3}  {}  {:<13}  {:<20}  {}", e.seq, e.at, e.kind, e.actor, &e.hash[..16])?;
    }
    Ok(())
}

fn print_verify(report: &verify::VerifyReport, json: bool, out: &mut impl Write) -> Result<()> {
    if json {
        writeln!(out, "{}", serde_json::to_string(report)?)?;
    } else if report.ok {
        let head = report.head.as_ref().map(|h| format!("event {} {}", h.seq, h.hash)).unwrap_or_default();
        writeln!(
            out,
            "{}: intact ({} events, {} attachments; head {head})",
            report.case_id, report.events, report.attachments_checked
        )?;
    } else {
        writeln!(out, "{}: NOT INTACT", report.case_id)?;
        for p in &report.problems {
            writeln!(out, "  {p}")?;
        }
    }
    Ok(())
}

fn print_rescreen(r: &rescreen::Rescreen, out: &mut impl Write) -> Result<()> {
    writeln!(out, "{}: rescreened (event {}), {} alert(s) now", r.case_id, r.event.seq, r.alerts)?;
    for (then, now) in r.versions_then.iter().zip(&r.versions_now) {
        let same = if then.sha256 == now.sha256 { " (unchanged)" } else { "" };
        writeln!(out, "  {}: case {} → now {}{same}", then.list, then.version, now.version)?;
    }
    if !r.reproduced {
        writeln!(out, "  note: the case's list versions no longer give the hits the case recorded")?;
    }
    for p in &r.parties {
        for c in &p.changes {
            let kind = serde_json::to_value(c.kind)?;
            let allow = match &c.allow {
                allow_list::AllowStatus::Alert => String::new(),
                allow_list::AllowStatus::AllowListed { case_id, seq, .. } => {
                    format!("  allow-listed ({case_id} event {seq})")
                }
                allow_list::AllowStatus::ChangedSinceAllowListed { case_id, seq, .. } => {
                    format!("  CHANGED since allow-listed ({case_id} event {seq})")
                }
            };
            let score = |s: Option<f64>| s.map(|s| format!("{s:.3}")).unwrap_or_else(|| "-".into());
            writeln!(
                out,
                "  {}: {} {} {} {}  {} → {}{allow}",
                p.party,
                kind.as_str().unwrap_or_default(),
                c.list,
                c.entry_id,
                c.name,
                score(c.score_then),
                score(c.score_now)
            )?;
        }
    }
    Ok(())
}
