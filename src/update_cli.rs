//! `klaring update`, `klaring delta`, `klaring alerts` and `klaring sources`: argument structs
//! and printing for online updates, kept out of `main.rs`. Each command calls one
//! `klaring::update` function.

use anyhow::{bail, Result};
use clap::Subcommand;
use klaring::store::Store;
use klaring::update::{self, delta, monitor, sources, staleness, Outcome, Progress, UpdateOptions};
use std::io::Write;
use std::time::Duration;

#[derive(Subcommand)]
pub enum Commands {
    /// Download the lists (and with --feeds the news feeds) from their sources; import what
    /// changed, all or nothing per list; then screen every saved case again and raise alerts.
    Update {
        /// Only this list (repeatable); default: every list with a source.
        #[arg(long = "list")]
        lists: Vec<String>,
        /// Also refresh the watch-list's configured news feeds.
        #[arg(long)]
        feeds: bool,
        /// Seconds to wait for an answer, and for each read of a download.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        /// Further attempts after a server error or a timeout.
        #[arg(long, default_value_t = 2)]
        retries: u32,
        #[arg(long)]
        json: bool,
    },
    /// What changed in a list at its latest version: entries added, removed and changed.
    Delta {
        list: String,
        #[arg(long)]
        json: bool,
    },
    /// Alerts raised by monitoring after list updates (open ones; --all for every one).
    Alerts {
        #[arg(long)]
        all: bool,
        /// Acknowledge this alert (as the local user).
        #[arg(long)]
        ack: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Where each list is downloaded from, and the staleness policy.
    Sources {
        #[command(subcommand)]
        command: Option<SourcesCommand>,
    },
}

#[derive(Subcommand)]
pub enum SourcesCommand {
    List {
        #[arg(long)]
        json: bool,
    },
    /// Use these URLs for LIST, in order (NAME=URL names a file whose URL does not end in one).
    Set {
        list: String,
        #[arg(required = true)]
        urls: Vec<String>,
    },
    /// Use the official source for LIST again.
    Reset { list: String },
    /// Show or change the staleness policy: online updates on or off, and the policy age.
    Policy {
        #[arg(long)]
        online: Option<bool>,
        /// Days after which a list's data is stale when updating online.
        #[arg(long)]
        days: Option<i64>,
    },
}

pub fn run(store: &mut Store, command: Commands) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let now = chrono::Utc::now();
    match command {
        Commands::Update { lists, feeds, timeout, retries, json } => {
            let mut options = UpdateOptions { lists, feeds, ..UpdateOptions::default() };
            options.fetch.timeout = Duration::from_secs(timeout);
            options.fetch.retries = retries;
            let bar = ProgressBar::default();
            let report = update::run(store, &options, now, &mut |p| bar.show(&p))?;
            bar.done();
            if json {
                writeln!(out, "{}", serde_json::to_string(&report)?)?;
            } else {
                print_report(&mut out, &report)?;
            }
            let failures = report.failures();
            if failures > 0 {
                bail!(
                    "{failures} of {} sources failed; their previous versions stay current",
                    report.lists.len() + report.feeds.len()
                );
            }
        }
        Commands::Delta { list, json } => {
            let delta = delta::latest(store, &list)?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&delta)?)?;
            } else {
                print_delta(&mut out, &delta)?;
            }
        }
        Commands::Alerts { all, ack, json } => {
            if let Some(id) = ack {
                let alert = update::acknowledge(store, id, now)?;
                let by = alert.acknowledged_by.as_deref().unwrap_or_default();
                writeln!(
                    out,
                    "alert {id} acknowledged by {by} at {}",
                    alert.acknowledged_at.as_deref().unwrap_or_default()
                )?;
                return Ok(());
            }
            let alerts = update::alerts(store, all)?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&alerts)?)?;
            } else {
                for a in &alerts {
                    print_alert(&mut out, a)?;
                }
                writeln!(out, "{} {}alerts", alerts.len(), if all { "" } else { "open " })?;
            }
        }
        Commands::Sources { command } => match command.unwrap_or(SourcesCommand::List { json: false }) {
            SourcesCommand::List { json } => {
                let all = sources::all(store)?;
                if json {
                    writeln!(out, "{}", serde_json::to_string(&all)?)?;
                } else {
                    for source in &all {
                        let origin = if source.custom { "own" } else { "official" };
                        for f in &source.files {
                            writeln!(out, "{:<10} {:<8} {:<28} {}", source.list, origin, f.file, f.url)?;
                        }
                    }
                }
            }
            SourcesCommand::Set { list, urls } => {
                let source = sources::set(store, &list, &urls)?;
                for f in &source.files {
                    writeln!(out, "{} {} ← {}", source.list, f.file, f.url)?;
                }
            }
            SourcesCommand::Reset { list } => {
                sources::reset(store, &list)?;
                writeln!(out, "{list}: the official source applies again")?;
            }
            SourcesCommand::Policy { online, days } => {
                if let Some(online) = online {
                    staleness::set_online(store, online)?;
                }
                if let Some(days) = days {
                    staleness::set_max_age(store, days)?;
                }
                let policy = staleness::policy(store)?;
                let mode = if policy.online { "online updates" } else { "offline" };
                writeln!(out, "{mode}: a list older than {} days is stale", policy.max_age_days)?;
            }
        },
    }
    Ok(())
}

/// The progress bar on stderr: bytes while downloading, cases while screening again.
/// indicatif hides it when stderr is not a terminal, so scripts see only the report.
struct ProgressBar {
    bar: indicatif::ProgressBar,
}

impl Default for ProgressBar {
    fn default() -> ProgressBar {
        ProgressBar { bar: indicatif::ProgressBar::new(0) }
    }
}

impl ProgressBar {
    fn show(&self, progress: &Progress) {
        let style = |template: &str| indicatif::ProgressStyle::with_template(template).expect("static template");
        match progress {
            Progress::Download { list, file, received, total } => {
                if *received == 0 {
                    self.bar.reset();
                    self.bar.set_style(match total {
                        Some(_) => style("{msg:32} {bar:30} {bytes}/{total_bytes} ({bytes_per_sec})"),
                        None => style("{msg:32} {spinner} {bytes} ({bytes_per_sec})"),
                    });
                    self.bar.set_length(total.unwrap_or(0));
                    self.bar.set_message(format!("{list} {file}"));
                }
                self.bar.set_position(*received);
            }
            Progress::Import { list } => {
                self.bar.set_style(style("{msg} {spinner}"));
                self.bar.set_message(format!("{list}: importing"));
                self.bar.tick();
            }
            Progress::Feeds => {
                self.bar.set_style(style("{msg} {spinner}"));
                self.bar.set_message("news feeds: fetching");
                self.bar.tick();
            }
            Progress::Index => {
                self.bar.set_style(style("{msg} {spinner}"));
                self.bar.set_message("indexing the current lists");
                self.bar.tick();
            }
            Progress::Rescreen { done, total } => {
                if *done == 0 {
                    self.bar.reset();
                    self.bar.set_style(style("{msg:32} {bar:30} {pos}/{len} cases ({eta} left)"));
                    self.bar.set_length(*total as u64);
                    self.bar.set_message("screening saved cases again");
                }
                self.bar.set_position(*done as u64);
            }
        }
    }

    fn done(&self) {
        self.bar.finish_and_clear();
    }
}

fn print_report(out: &mut impl Write, report: &update::UpdateReport) -> Result<()> {
    let label = |v: &Option<klaring::model::ListVersion>| v.as_ref().map_or("none".to_string(), |v| v.version.clone());
    for l in &report.lists {
        match l.outcome {
            Outcome::Updated => {
                let d = l.delta.expect("an updated list has a delta");
                writeln!(
                    out,
                    "{:<10} updated    {} → {}: {} added, {} removed, {} changed (`klaring delta {}`)",
                    l.list,
                    label(&l.previous),
                    label(&l.current),
                    d.added,
                    d.removed,
                    d.changed,
                    l.list
                )?;
            }
            Outcome::Unchanged => writeln!(out, "{:<10} unchanged  {}", l.list, label(&l.current))?,
            Outcome::Failed => writeln!(
                out,
                "{:<10} FAILED     {} stays current: {}",
                l.list,
                label(&l.current),
                l.error.as_deref().unwrap_or_default()
            )?,
        }
    }
    for f in &report.feeds {
        match (&f.report, &f.error) {
            (Some(r), _) => {
                writeln!(out, "feed {:<16} ok: {} items, {} new, {} updated", f.feed, r.items, r.added, r.updated)?
            }
            (None, error) => writeln!(out, "feed {:<16} FAILED: {}", f.feed, error.as_deref().unwrap_or_default())?,
        }
    }
    if let Some(m) = &report.monitor {
        writeln!(
            out,
            "monitoring: {} cases ({} parties) screened again: {} new alerts",
            m.cases,
            m.parties,
            m.alerts.len()
        )?;
        for a in &m.alerts {
            print_alert(out, a)?;
        }
        for s in &m.skipped {
            writeln!(out, "  case {} not screened again: {}", s.case_id, s.reason)?;
        }
    }
    Ok(())
}

fn print_alert(out: &mut impl Write, a: &monitor::Alert) -> Result<()> {
    let n = &a.alert;
    let ack = match (&a.acknowledged_by, &a.acknowledged_at) {
        (Some(by), Some(at)) => format!("  (acknowledged by {by} {at})"),
        _ => String::new(),
    };
    writeln!(
        out,
        "  #{:<5} {}  {}  {:<26} {} ↔ {} {} {} ({:.3}){ack}",
        a.id,
        a.raised_at,
        a.case_id,
        n.kind.as_str(),
        n.party,
        n.list,
        n.entry_id,
        n.name,
        n.score
    )?;
    print_changes(out, &n.changes, "          ")
}

fn print_delta(out: &mut impl Write, d: &delta::ListDelta) -> Result<()> {
    let from = d.from.as_ref().map_or("nothing".to_string(), |v| v.version.clone());
    let s = d.summary();
    writeln!(
        out,
        "{} {from} → {}: {} added, {} removed, {} changed",
        d.list, d.to.version, s.added, s.removed, s.changed
    )?;
    for e in &d.added {
        writeln!(out, "+ {:<12} {}", e.entry_id, e.name)?;
    }
    for e in &d.removed {
        writeln!(out, "- {:<12} {}", e.entry_id, e.name)?;
    }
    for e in &d.changed {
        writeln!(out, "~ {:<12} {}", e.entry_id, e.name)?;
        print_changes(out, &e.changes, "    ")?;
    }
    Ok(())
}

/// Each changed field with the values that went and came.
fn print_changes(out: &mut impl Write, changes: &[delta::FieldChange], indent: &str) -> Result<()> {
    for c in changes {
        writeln!(out, "{indent}{}:", field_name(c.field))?;
        for gone in c.before.iter().filter(|v| !c.after.contains(v)) {
            writeln!(out, "{indent}  - {gone}")?;
        }
        for new in c.after.iter().filter(|v| !c.before.contains(v)) {
            writeln!(out, "{indent}  + {new}")?;
        }
    }
    Ok(())
}

fn field_name(field: delta::Field) -> String {
    serde_json::to_value(field).ok().and_then(|v| v.as_str().map(|s| s.replace('_', " "))).unwrap_or_default()
}
