//! `klaring watch …`: argument structs and printing for the news watch-list, kept out of
//! `main.rs`. Each command calls one `klaring::watch` function or one store method.

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use klaring::watch;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Subcommand)]
pub enum Command {
    /// Import RSS/Atom feeds or watch-list JSON files, from files or http(s) URLs.
    Import {
        #[arg(required = true)]
        sources: Vec<String>,
        /// Seconds before a URL fetch is given up.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        #[arg(long)]
        json: bool,
    },
    /// List items, newest first.
    List {
        /// surveillance, interception, censorship, spyware, facial-recognition, export-violation, …
        #[arg(long)]
        tag: Option<String>,
        /// ISO 3166 alpha-2 country code.
        #[arg(long)]
        country: Option<String>,
        /// YYYY-MM-DD, inclusive.
        #[arg(long)]
        since: Option<String>,
        #[arg(long)]
        until: Option<String>,
        /// Quick-find: words in the title, summary, parties or publisher.
        #[arg(long)]
        find: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one item with its recorded changes.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Match a counterparty (and its affiliates) against the watch-list.
    Match {
        name: String,
        /// An owner, director, end user or other affiliate (repeatable).
        #[arg(long)]
        affiliate: Vec<String>,
        /// person or organization (of the counterparty).
        #[arg(long)]
        schema: Option<String>,
        /// Destination country (ISO alpha-2): its items are shown as context.
        #[arg(long)]
        destination: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add an item by hand.
    Add {
        #[arg(long)]
        title: String,
        #[arg(long)]
        publisher: String,
        /// The source's own headline.
        #[arg(long, default_value = "")]
        source_title: String,
        #[arg(long)]
        url: Option<String>,
        /// YYYY-MM-DD.
        #[arg(long)]
        date: Option<String>,
        #[arg(long, default_value = "")]
        summary: String,
        #[arg(long)]
        country: Vec<String>,
        #[arg(long)]
        tag: Vec<String>,
        /// NAME[;KIND[;ROLE]]: kind organization|person|government-body, role vendor|end-user|intermediary|subject.
        #[arg(long)]
        party: Vec<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Edit an item by hand; edited fields are never overwritten by a feed refresh.
    Edit {
        id: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        summary: Option<String>,
        /// YYYY-MM-DD, or "" to clear.
        #[arg(long)]
        date: Option<String>,
        /// Replaces the countries (repeatable).
        #[arg(long)]
        country: Option<Vec<String>>,
        /// Replaces the tags (repeatable).
        #[arg(long)]
        tag: Option<Vec<String>>,
        /// Replaces the named parties (repeatable): NAME[;KIND[;ROLE]].
        #[arg(long)]
        party: Option<Vec<String>>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Mark an item relevant or not relevant to a party, with the reason.
    Mark {
        id: String,
        #[arg(long)]
        party: String,
        #[arg(long, value_parser = ["relevant", "not-relevant"])]
        relevance: String,
        #[arg(long)]
        reason: String,
    },
    /// Write the whole watch-list as JSON (the seed's format, with provenance).
    Export {
        /// Write here instead of to standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// The configured feed list: list, add NAME URL, remove NAME.
    Feeds {
        #[command(subcommand)]
        command: Option<FeedsCommand>,
    },
    /// Fetch every configured feed and import what is new.
    Refresh {
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum FeedsCommand {
    List,
    Add { name: String, url: String },
    Remove { name: String },
}

pub fn default_user() -> String {
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "unknown".into())
}

pub fn run(store: &mut klaring::store::Store, user: &str, command: Command) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match command {
        Command::Import { sources, timeout, json } => {
            let options = watch::FetchOptions { timeout: Duration::from_secs(timeout), ..Default::default() };
            for source in sources {
                let report = if source.starts_with("http://") || source.starts_with("https://") {
                    watch::import_url(store, &source, &options, user)?
                } else {
                    watch::import_file(store, Path::new(&source), user)?
                };
                print_import(&mut out, &report, json)?;
            }
        }
        Command::List { tag, country, since, until, find, json } => {
            let tag = tag.as_deref().map(parse_tag).transpose()?;
            let filter = watch::ItemFilter { tag, country, since, until, text: find };
            let items = watch::list(store, &filter)?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&items)?)?;
            } else {
                for item in &items {
                    let tags: Vec<&str> = item.tags.iter().map(|t| t.as_str()).collect();
                    let date = item.date.as_deref().unwrap_or("????-??-??");
                    writeln!(out, "{date}  {:<44} {}  [{}]", item.id, item.title, tags.join(", "))?;
                }
                writeln!(out, "{} items", items.len())?;
            }
        }
        Command::Show { id, json } => {
            let item = watch::item(store, &id)?;
            let changes = watch::changes(store, &id)?;
            if json {
                writeln!(out, "{}", serde_json::json!({"item": item, "changes": changes}))?;
            } else {
                writeln!(out, "{}", serde_json::to_string_pretty(&item)?)?;
                for c in &changes {
                    let fields: Vec<String> =
                        c.fields.iter().map(|f| format!("{:?}", f.field).to_lowercase()).collect();
                    writeln!(out, "{}  {:?} by {}: {}", c.at, c.kind, c.by, fields.join(", "))?;
                }
            }
        }
        Command::Match { name, affiliate, schema, destination, json } => {
            let schema = schema.as_deref().map(crate::parse_schema).transpose()?;
            let mut subjects = vec![watch::matching::Subject { name, role: "counterparty".into(), schema }];
            subjects.extend(affiliate.into_iter().map(|name| watch::matching::Subject {
                name,
                role: "affiliate".into(),
                schema: None,
            }));
            let result = watch::screen(store, &watch::WatchQuery { subjects, destination })?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&result)?)?;
            } else {
                print_watch_matches(&mut out, &result)?;
            }
        }
        Command::Add { title, publisher, source_title, url, date, summary, country, tag, party, note } => {
            let new = watch::NewItem {
                title,
                summary,
                date,
                source: watch::Source { publisher, title: source_title, url },
                countries: country,
                tags: tag.iter().map(|t| parse_tag(t)).collect::<Result<_>>()?,
                parties: party.iter().map(|p| parse_party(p)).collect::<Result<_>>()?,
                note,
                verified: false,
            };
            let item = watch::add_item(store, &new, user)?;
            writeln!(out, "added {}", item.id)?;
        }
        Command::Edit { id, title, summary, date, country, tag, party, note } => {
            let edit = watch::ItemEdit {
                title,
                summary,
                date,
                source: None,
                countries: country,
                tags: tag.map(|tags| tags.iter().map(|t| parse_tag(t)).collect::<Result<_>>()).transpose()?,
                parties: party.map(|ps| ps.iter().map(|p| parse_party(p)).collect::<Result<_>>()).transpose()?,
                note,
                verified: None,
            };
            let item = watch::edit_item(store, &id, &edit, user)?;
            let fields: Vec<String> = item.edited_fields.iter().map(|f| format!("{f:?}").to_lowercase()).collect();
            writeln!(out, "edited {}; fields kept on refresh: {}", item.id, fields.join(", "))?;
        }
        Command::Mark { id, party, relevance, reason } => {
            let relevance =
                if relevance == "relevant" { watch::Relevance::Relevant } else { watch::Relevance::NotRelevant };
            let mark = watch::mark(store, &party, &id, relevance, &reason, user)?;
            writeln!(out, "{} for {}: {} ({})", mark.item_id, mark.party, relevance_word(mark.relevance), mark.reason)?;
        }
        Command::Export { output } => {
            let json = watch::export_json(store)?;
            match output {
                Some(path) => std::fs::write(&path, json).with_context(|| format!("writing {}", path.display()))?,
                None => out.write_all(json.as_bytes())?,
            }
        }
        Command::Feeds { command } => match command.unwrap_or(FeedsCommand::List) {
            FeedsCommand::List => {
                for feed in store.watch_feeds()? {
                    let last = feed.last_result.as_deref().unwrap_or("never fetched");
                    writeln!(out, "{:<20} {}  ({last})", feed.name, feed.url)?;
                }
            }
            FeedsCommand::Add { name, url } => {
                let feed = watch::add_feed(store, &name, &url, user)?;
                writeln!(out, "added feed {} {}", feed.name, feed.url)?;
            }
            FeedsCommand::Remove { name } => {
                watch::remove_feed(store, &name)?;
                writeln!(out, "removed feed {name}")?;
            }
        },
        Command::Refresh { timeout, json } => {
            let options = watch::FetchOptions { timeout: Duration::from_secs(timeout), ..Default::default() };
            let results = watch::refresh_feeds(store, &options, user)?;
            let failed = results.iter().filter(|r| r.error.is_some()).count();
            for r in &results {
                match (&r.report, &r.error) {
                    (Some(report), _) => print_import(&mut out, report, json)?,
                    (None, Some(error)) if json => {
                        writeln!(out, "{}", serde_json::json!({"feed": r.feed, "url": r.url, "error": error}))?
                    }
                    (None, error) => eprintln!("klaring: feed {}: {}", r.feed, error.as_deref().unwrap_or_default()),
                }
            }
            if failed > 0 {
                bail!("{failed} of {} feeds could not be refreshed", results.len());
            }
        }
    }
    Ok(())
}

fn parse_tag(text: &str) -> Result<watch::Tag> {
    watch::Tag::parse(text).with_context(|| {
        let known: Vec<&str> = watch::Tag::ALL.iter().map(|t| t.as_str()).collect();
        format!("tag {text:?}: use one of {}", known.join(", "))
    })
}

/// `NAME[;KIND[;ROLE]]`, defaulting to an organisation that is the story's subject.
fn parse_party(text: &str) -> Result<watch::Party> {
    let mut parts = text.split(';').map(str::trim);
    let name = parts.next().unwrap_or_default().to_string();
    let kind = parts.next().filter(|k| !k.is_empty()).unwrap_or("organization");
    let role = parts.next().filter(|r| !r.is_empty()).unwrap_or("subject");
    let kind = serde_json::from_value(kind.into())
        .map_err(|_| anyhow::anyhow!("party {text:?}: kind {kind:?} is not organization, person or government-body"))?;
    let role = serde_json::from_value(role.into()).map_err(|_| {
        anyhow::anyhow!("party {text:?}: role {role:?} is not vendor, end-user, intermediary or subject")
    })?;
    Ok(watch::Party { name, kind, role })
}

fn relevance_word(relevance: watch::Relevance) -> &'static str {
    match relevance {
        watch::Relevance::Relevant => "relevant",
        watch::Relevance::NotRelevant => "not relevant",
    }
}

fn print_import(out: &mut impl Write, report: &watch::ImportReport, json: bool) -> Result<()> {
    if json {
        writeln!(out, "{}", serde_json::to_string(report)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "imported {} ({:?}): {} items, {} new, {} updated, {} unchanged, {} already known from another source",
        report.source, report.kind, report.items, report.added, report.updated, report.unchanged, report.duplicates
    )?;
    for w in &report.warnings {
        eprintln!("  warning: {w}");
    }
    Ok(())
}

/// Prints the text with the highlighted words in [brackets].
fn marked(text: &str, field: watch::matching::TextField, highlights: &[watch::matching::Highlight]) -> String {
    let mut line = String::new();
    let mut at = 0;
    for h in highlights.iter().filter(|h| h.field == field) {
        if h.start < at {
            continue;
        }
        line.push_str(&text[at..h.start]);
        line.push('[');
        line.push_str(&text[h.start..h.end]);
        line.push(']');
        at = h.end;
    }
    line.push_str(&text[at..]);
    line
}

fn print_watch_matches(out: &mut impl Write, result: &watch::WatchScreening) -> Result<()> {
    use watch::matching::{Reason, TextField};
    if result.matches.is_empty() {
        writeln!(out, "no watch-list items match ({} items searched)", result.items)?;
    }
    for m in &result.matches {
        let item = &m.item;
        let score = m.score.map(|s| format!("{s:.3}")).unwrap_or_else(|| " text".into());
        writeln!(
            out,
            "{score}  {}  {}  ({} {})",
            item.date.as_deref().unwrap_or("????-??-??"),
            item.id,
            m.subject.role,
            m.subject.name
        )?;
        writeln!(out, "       {}", marked(&item.title, TextField::Title, &m.highlights))?;
        for reason in &m.reasons {
            match reason {
                Reason::NamedParty { party, score, explanation, .. } => {
                    writeln!(out, "       names {party} ({score:.2}; {explanation})")?
                }
                Reason::NameInText { field, words } => writeln!(out, "       {field:?} says {words:?}")?,
            }
        }
        if m.highlights.iter().any(|h| h.field == TextField::Summary) {
            writeln!(out, "       {}", marked(&item.summary, TextField::Summary, &m.highlights))?;
        }
        writeln!(out, "       source: {} {}", item.source.publisher, item.url().unwrap_or_default())?;
        if let Some(mark) = &m.mark {
            writeln!(out, "       marked {} by {}: {}", relevance_word(mark.relevance), mark.marked_by, mark.reason)?;
        }
    }
    if let Some(destination) = &result.destination {
        writeln!(out, "context: {} items about {destination}", result.context.len())?;
        for item in &result.context {
            writeln!(out, "       {}  {}  {}", item.date.as_deref().unwrap_or("????-??-??"), item.id, item.title)?;
        }
    }
    writeln!(out, "a match is a story to read, not a finding against the party")?;
    Ok(())
}
