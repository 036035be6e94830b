//! The `klaring` command line: thin over the library. It parses arguments, calls one library
//! function, prints, and sets the exit status. Errors go to stderr as one `anyhow` chain;
//! with `--json`, stdout carries only whole JSON documents (one per line in batch mode).

mod case_cli;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use klaring::matching::{Query, DEFAULT_THRESHOLD};
use klaring::model::Schema;
use klaring::screening::{ScreenResult, Screener};
use klaring::{app, batch, lists, screening, watch};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Parser)]
#[command(name = "klaring", version, about = "Screen counterparties against sanctions lists, offline")]
struct Cli {
    /// Where the database lives (default: the platform's application data directory).
    #[arg(long, global = true, env = "KLARING_DATA_DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Screen a name, or a batch file of names, against the current lists.
    Screen {
        /// The name to screen (omit with --batch).
        name: Option<String>,
        /// ISO 3166 alpha-2 country code (nationality, residence or registration).
        #[arg(long)]
        country: Option<String>,
        /// Date or year of birth: YYYY, YYYY-MM or YYYY-MM-DD.
        #[arg(long)]
        birth_date: Option<String>,
        /// person, organization, vessel or aircraft.
        #[arg(long)]
        schema: Option<String>,
        /// A passport, registration or IMO number.
        #[arg(long)]
        identifier: Option<String>,
        /// CSV (header with `name`, optional id, country, birth_date, schema) or JSON lines.
        #[arg(long, conflicts_with = "name")]
        batch: Option<PathBuf>,
        /// Alert threshold in [0, 1].
        #[arg(long, default_value_t = DEFAULT_THRESHOLD)]
        threshold: f64,
        /// Worker threads for --batch (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
        /// Print JSON: one document, or one line per batch row.
        #[arg(long)]
        json: bool,
    },
    /// Import list files in their published format (the list and format are recognised).
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Import under this list id instead of the recognised one.
        #[arg(long)]
        list: Option<String>,
        /// For files that carry no date: the date the data is current as of (YYYY-MM-DD).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Show the loaded lists with version, publisher date, age and staleness.
    Lists {
        /// Flag lists whose data is older than this many days.
        #[arg(long, default_value_t = screening::DEFAULT_MAX_AGE_DAYS)]
        max_age: i64,
        #[arg(long)]
        json: bool,
    },
    /// Show one list entry in full.
    Entry { list: String, entry_id: String },
    /// Assess a transaction with risk model v1: reads the input JSON (goods, destination, end
    /// use, counterparty, affiliations, red-flag answers, confirmed list hits) and prints the
    /// risk profile as JSON.
    Assess {
        /// The input JSON file, or `-` for standard input.
        input: PathBuf,
        /// Indent the JSON.
        #[arg(long)]
        pretty: bool,
    },
    /// The news watch-list: import feeds and files, list, match parties, edit, mark, export.
    Watch {
        /// Who is doing this, recorded with every addition, edit and mark.
        #[arg(long, global = true, env = "KLARING_USER", default_value_t = default_user())]
        user: String,
        #[command(subcommand)]
        command: WatchCommand,
    },
    #[command(flatten)]
    CaseFile(case_cli::Commands),
}

#[derive(Subcommand)]
enum WatchCommand {
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
enum FeedsCommand {
    List,
    Add { name: String, url: String },
    Remove { name: String },
}

fn main() {
    let cli = Cli::parse();
    if let Err(err) = run(cli) {
        // A reader that stops early (`klaring screen … | head`) is not an error.
        let broken_pipe = err
            .chain()
            .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe));
        if broken_pipe {
            return;
        }
        eprintln!("klaring: {err:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    // Assessing needs no lists: it works on facts already screened.
    if let Command::Assess { input, pretty } = &cli.command {
        return assess(input, *pretty);
    }
    let data_dir = app::data_dir(cli.data_dir.as_deref());
    let mut store =
        app::open(&data_dir).with_context(|| format!("opening the data directory {}", data_dir.display()))?;
    match cli.command {
        Command::Screen { name, country, birth_date, schema, identifier, batch, threshold, threads, json } => {
            if !(0.0..=1.0).contains(&threshold) {
                bail!("--threshold must be between 0 and 1");
            }
            let screener = Screener::load(&store)?;
            match (name, batch) {
                (Some(name), None) => {
                    let schema = schema.as_deref().map(parse_schema).transpose()?;
                    let query = Query {
                        name,
                        country: country.map(|c| c.to_ascii_lowercase()),
                        birth_date,
                        schema,
                        identifier,
                    };
                    let result = screener.screen(None, &query, threshold)?;
                    print_result(&result, json)
                }
                (None, Some(path)) => screen_batch(&screener, &path, threshold, threads, json),
                _ => bail!("give a NAME or --batch FILE"),
            }
        }
        Command::Import { files, list, as_of } => {
            let sources = files
                .iter()
                .map(|path| {
                    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                    Ok(lists::SourceFile { name: path.display().to_string(), bytes })
                })
                .collect::<Result<Vec<_>>>()?;
            let version = store.import(&sources, &klaring::store::ImportOptions { list, as_of })?;
            println!(
                "imported {} version {}: {} entries, {} warnings",
                version.list,
                version.version,
                version.record_count,
                version.warnings.len()
            );
            for w in version.warnings.iter().take(20) {
                eprintln!("  warning: {}", describe_warning(w));
            }
            if version.warnings.len() > 20 {
                eprintln!("  … and {} more (see `klaring lists --json`)", version.warnings.len() - 20);
            }
            Ok(())
        }
        Command::Lists { max_age, json } => {
            let today = chrono::Utc::now().date_naive();
            let status = screening::list_status(&store.current_versions()?, today, max_age);
            if json {
                println!("{}", serde_json::to_string(&status)?);
            } else {
                println!(
                    "{:<10} {:<22} {:<11} {:>5} {:>8} {:>8}  status",
                    "list", "version", "date", "age", "entries", "warnings"
                );
                for s in &status {
                    let v = &s.version;
                    let date = match (&v.published, &v.as_of) {
                        (Some(p), _) => p.clone(),
                        (None, Some(a)) => format!("{a}*"),
                        (None, None) => "unknown".into(),
                    };
                    let flag = if s.stale { format!("STALE (older than {max_age} days)") } else { "current".into() };
                    println!(
                        "{:<10} {:<22} {:<11} {:>4}d {:>8} {:>8}  {}",
                        v.list,
                        v.version,
                        date,
                        s.age_days,
                        v.record_count,
                        v.warnings.len(),
                        flag
                    );
                }
                println!("* no publisher date in the file: the date the data is known to be current as of");
            }
            Ok(())
        }
        Command::Assess { .. } => unreachable!("handled before the store is opened"),
        Command::Entry { list, entry_id } => {
            let entity = store.entity(&list, &entry_id)?.with_context(|| format!("{list} has no entry {entry_id}"))?;
            println!("{}", serde_json::to_string_pretty(&entity)?);
            Ok(())
        }
        Command::Watch { user, command } => run_watch(&mut store, &user, command),
        Command::CaseFile(command) => case_cli::run(&mut store, command),
    }
}

fn assess(path: &Path, pretty: bool) -> Result<()> {
    let text = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin()).context("reading standard input")?
    } else {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
    };
    let input: klaring::risk::AssessInput =
        serde_json::from_str(&text).with_context(|| format!("{}: not an assessment input", path.display()))?;
    let profile = klaring::risk::assess(&input)?;
    let json = if pretty { serde_json::to_string_pretty(&profile)? } else { serde_json::to_string(&profile)? };
    writeln!(std::io::stdout().lock(), "{json}")?;
    Ok(())
}

fn parse_schema(text: &str) -> Result<Schema> {
    match Schema::parse(text) {
        Schema::Unknown => bail!("--schema {text:?}: use person, organization, vessel or aircraft"),
        schema => Ok(schema),
    }
}

fn describe_warning(w: &klaring::model::Warning) -> String {
    let mut at = w.file.clone();
    if let Some(line) = w.line {
        at.push_str(&format!(", line {line}"));
    }
    if let Some(entry) = &w.entry_id {
        at.push_str(&format!(", entry {entry}"));
    }
    format!("{at}: {}", w.reason)
}

fn print_result(result: &ScreenResult, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string(result)?)?;
        return Ok(());
    }
    if result.hits.is_empty() {
        writeln!(
            out,
            "no alerts for {:?} (threshold {:.2}, {} lists)",
            result.query.name,
            result.threshold,
            result.lists.len()
        )?;
    }
    for hit in &result.hits {
        writeln!(out, "{:.3}  {:<9} {:<24} {}", hit.score, hit.list, hit.entry_id, hit.name)?;
        if hit.matched_name != hit.name {
            writeln!(out, "       matched: {}", hit.matched_name)?;
        }
        writeln!(out, "       {}", hit.explanation.summary)?;
    }
    Ok(())
}

/// Screens every row, in parallel, and prints the results in input order.
fn screen_batch(screener: &Screener, path: &Path, threshold: f64, threads: Option<usize>, json: bool) -> Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let rows = batch::parse(&path.display().to_string(), &text)?;
    let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)).max(1);
    let progress = indicatif::ProgressBar::new(rows.len() as u64);
    progress.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} screened ({per_sec}, {eta} left)")
            .expect("static template"),
    );
    let results = klaring::screening::screen_all(screener, &rows, threshold, threads, || progress.inc(1));
    progress.finish_and_clear();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = 0;
    for (row, result) in rows.iter().zip(results) {
        match result {
            Ok(result) if json => writeln!(out, "{}", serde_json::to_string(&result)?)?,
            Ok(result) => {
                let top = result.hits.first().map(|h| format!("{:.3} {} {} {}", h.score, h.list, h.entry_id, h.name));
                writeln!(
                    out,
                    "{:<10} {:<40} {:>3} alerts  {}",
                    row.id,
                    row.query.name,
                    result.hits.len(),
                    top.unwrap_or_default()
                )?;
            }
            Err(err) => {
                failed += 1;
                eprintln!("klaring: {}, line {} (id {}): {err}", path.display(), row.line, row.id);
                if json {
                    let error = serde_json::json!({"id": row.id, "query": row.query, "error": err.to_string()});
                    writeln!(out, "{error}")?;
                }
            }
        }
    }
    out.flush()?;
    if failed > 0 {
        bail!("{failed} of {} rows could not be screened", rows.len());
    }
    Ok(())
}

fn default_user() -> String {
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "unknown".into())
}

fn run_watch(store: &mut klaring::store::Store, user: &str, command: WatchCommand) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match command {
        WatchCommand::Import { sources, timeout, json } => {
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
        WatchCommand::List { tag, country, since, until, find, json } => {
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
        WatchCommand::Show { id, json } => {
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
        WatchCommand::Match { name, affiliate, schema, destination, json } => {
            let schema = schema.as_deref().map(parse_schema).transpose()?;
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
        WatchCommand::Add { title, publisher, source_title, url, date, summary, country, tag, party, note } => {
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
        WatchCommand::Edit { id, title, summary, date, country, tag, party, note } => {
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
        WatchCommand::Mark { id, party, relevance, reason } => {
            let relevance =
                if relevance == "relevant" { watch::Relevance::Relevant } else { watch::Relevance::NotRelevant };
            let mark = watch::mark(store, &party, &id, relevance, &reason, user)?;
            writeln!(out, "{} for {}: {} ({})", mark.item_id, mark.party, relevance_word(mark.relevance), mark.reason)?;
        }
        WatchCommand::Export { output } => {
            let json = watch::export_json(store)?;
            match output {
                Some(path) => std::fs::write(&path, json).with_context(|| format!("writing {}", path.display()))?,
                None => out.write_all(json.as_bytes())?,
            }
        }
        WatchCommand::Feeds { command } => match command.unwrap_or(FeedsCommand::List) {
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
        WatchCommand::Refresh { timeout, json } => {
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
