//! The `klaring` command line: thin over the library. It parses arguments, calls one library
//! function, prints, and sets the exit status. Errors go to stderr as one `anyhow` chain;
//! with `--json`, stdout carries only whole JSON documents (one per line in batch mode).

mod case_cli;
mod update_cli;
mod watch_cli;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use klaring::case::allow_list::{self, AllowList};
use klaring::matching::{Query, DEFAULT_THRESHOLD};
use klaring::model::Schema;
use klaring::screening::{ScreenResult, Screener};
use klaring::store::Store;
use klaring::{app, batch, lists, screening};
use std::io::Write;
use std::path::{Path, PathBuf};

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
        /// Flag lists whose data is older than this many days (default: the policy age,
        /// `klaring sources policy`).
        #[arg(long)]
        max_age: Option<i64>,
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
        #[arg(long, global = true, env = "KLARING_USER", default_value_t = watch_cli::default_user())]
        user: String,
        #[command(subcommand)]
        command: watch_cli::Command,
    },
    #[command(flatten)]
    CaseFile(case_cli::Commands),
    #[command(flatten)]
    Online(update_cli::Commands),
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
                    let mut result = screener.screen(None, &query, threshold)?;
                    allow_list::apply(&store, &AllowList::load(&store)?, &mut result)?;
                    print_result(&result, json)
                }
                (None, Some(path)) => screen_batch(&store, &screener, &path, threshold, threads, json),
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
            let max_age = match max_age {
                Some(days) => days,
                None => klaring::update::staleness::policy(&store)?.max_age_days,
            };
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
        Command::Watch { user, command } => watch_cli::run(&mut store, &user, command),
        Command::CaseFile(command) => case_cli::run(&mut store, command),
        Command::Online(command) => update_cli::run(&mut store, command),
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
    if result.alerts().next().is_none() {
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
        if let Some(note) = hit.matched_note() {
            writeln!(out, "       {note}")?;
        }
        writeln!(out, "       {}", hit.explanation.summary)?;
        if let Some(prior) = &hit.allow_listed {
            let status = if prior.changed { "ALERTS AGAIN: the entry changed since it was" } else { "not an alert:" };
            writeln!(
                out,
                "       {status} judged a false positive in case {} (event {}): {}",
                prior.case_id, prior.seq, prior.fact
            )?;
        }
    }
    Ok(())
}

/// Screens every row, in parallel, and prints the results in input order, hits the allow list
/// settles marked and not counted.
fn screen_batch(
    store: &Store,
    screener: &Screener,
    path: &Path,
    threshold: f64,
    threads: Option<usize>,
    json: bool,
) -> Result<()> {
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
    let allow = AllowList::load(store)?;
    for (row, result) in rows.iter().zip(results) {
        let result = match result {
            Ok(mut r) => allow_list::apply(store, &allow, &mut r).map(|()| Ok(r))?,
            Err(e) => Err(e),
        };
        match result {
            Ok(result) if json => writeln!(out, "{}", serde_json::to_string(&result)?)?,
            Ok(result) => {
                let top =
                    result.alerts().next().map(|h| format!("{:.3} {} {} {}", h.score, h.list, h.entry_id, h.name));
                writeln!(
                    out,
                    "{:<10} {:<40} {:>3} alerts  {}",
                    row.id,
                    row.query.name,
                    result.alerts().count(),
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
