//! RSS and Atom feeds: fetching one over HTTP(S) and reading its entries as plain text.
//!
//! A feed is outside input, possibly hostile, so it is checked before `feed-rs` sees it, in
//! this order, and refused as a whole with the source named: larger than the cap (checked on
//! the `Content-Length`, again while reading, and on files before reading); not valid in its
//! declared encoding (with the line); a DTD internal subset (where entity declarations live:
//! "billion laughs" and external entities; `feed-rs` would not expand them, but a feed never
//! needs them, so they are refused with a clear error rather than silently kept as `&lol9;`);
//! not XML. Then `feed-rs` parses, and every text is made plain by `sanitize`. Parsing does
//! no IO; [`fetch`] downloads through the core's one HTTP path, [`crate::net::fetch_to`].

use super::sanitize;
use super::Tag;
use crate::net::FetchError;
pub use crate::net::FetchOptions;
use std::io::Read;

/// The largest feed accepted, in bytes. Real feeds are tens to hundreds of kilobytes.
pub const MAX_FEED_BYTES: u64 = 10 * 1024 * 1024;

/// Why a feed could not be read. Every variant names its source (a file or a URL), and
/// nothing is stored when one occurs.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("{source_name}: the feed is larger than {limit} bytes; refused before parsing")]
    TooLarge { source_name: String, limit: u64 },
    #[error("{source_name}, line {line}: {reason}")]
    Encoding { source_name: String, line: u64, reason: String },
    #[error(
        "{source_name}, line {line}: the feed declares a DTD with entity declarations (the \
         shape of an entity-expansion attack such as \"billion laughs\"); feeds never need \
         them, so it is refused"
    )]
    EntityDeclarations { source_name: String, line: u64 },
    #[error("{source_name}: not an RSS or Atom feed ({detail})")]
    NotAFeed { source_name: String, detail: String },
    #[error("{source_name}: malformed feed: {reason}")]
    Parse { source_name: String, reason: String },
    #[error("{source_name}: the server answered HTTP {status}")]
    Http { source_name: String, status: u16 },
    #[error("{source_name}: {reason}")]
    Network { source_name: String, reason: String },
    #[error("{source_name}: only http and https feed addresses are fetched ({reason})")]
    Url { source_name: String, reason: String },
    #[error("{source_name}: {error}")]
    Read { source_name: String, error: std::io::Error },
}

/// A fetched body, not yet parsed.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The address after redirects.
    pub url: String,
    pub bytes: Vec<u8>,
}

/// Which feed format a document was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedKind {
    Rss,
    Atom,
}

/// A feed's entries as plain text, with what was dropped on the way.
#[derive(Debug, Clone)]
pub struct ParsedFeed {
    pub kind: FeedKind,
    /// The feed's own title, as plain text.
    pub title: Option<String>,
    pub entries: Vec<FeedEntry>,
    pub warnings: Vec<String>,
}

/// One feed entry: everything is plain text, and `url` is an `http(s)` URL or nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    /// The feed's GUID (RSS) or id (Atom), if it gave one.
    pub guid: Option<String>,
    pub title: String,
    pub summary: String,
    pub url: Option<String>,
    /// `YYYY-MM-DD`: published, else updated.
    pub date: Option<String>,
    /// The entry's categories that name a watch-list tag.
    pub tags: Vec<Tag>,
}

/// Fetches a feed over HTTP(S) through the shared [`crate::net::fetch_to`] (timeouts, size
/// cap, retries); a non-2xx status, a timeout and a body over the cap are errors naming the URL.
pub fn fetch(url: &str, options: &FetchOptions) -> Result<Fetched, FeedError> {
    let mut bytes = Vec::new();
    let info = crate::net::fetch_to(url, options, &mut bytes, &mut |_| {})?;
    Ok(Fetched { url: info.url, bytes })
}

/// The shared download errors in the feed's terms (the desktop app tells them apart).
impl From<FetchError> for FeedError {
    fn from(error: FetchError) -> FeedError {
        match error {
            FetchError::Url { url, reason } => FeedError::Url { source_name: url, reason },
            FetchError::Http { url, status, .. } => FeedError::Http { source_name: url, status },
            FetchError::TooLarge { url, limit } => FeedError::TooLarge { source_name: url, limit },
            FetchError::Network { url, reason, attempts } => FeedError::Network {
                source_name: url,
                reason: format!("{reason}{}", crate::net::attempts_note(attempts)),
            },
            FetchError::Write { url, error } => FeedError::Read { source_name: url, error },
        }
    }
}

/// Reads a feed file, refusing one over the cap before reading it.
pub fn read_file(path: &std::path::Path, max_bytes: u64) -> Result<Vec<u8>, FeedError> {
    let source_name = path.display().to_string();
    let read_error = |error| FeedError::Read { source_name: source_name.clone(), error };
    let file = std::fs::File::open(path).map_err(read_error)?;
    if file.metadata().map_err(read_error)?.len() > max_bytes {
        return Err(FeedError::TooLarge { source_name, limit: max_bytes });
    }
    let mut bytes = Vec::new();
    file.take(max_bytes + 1).read_to_end(&mut bytes).map_err(read_error)?;
    if bytes.len() as u64 > max_bytes {
        return Err(FeedError::TooLarge { source_name, limit: max_bytes });
    }
    Ok(bytes)
}

/// Parses an RSS or Atom document. `base_url` resolves relative links (the feed's address).
pub fn parse(source_name: &str, bytes: &[u8], base_url: Option<&str>) -> Result<ParsedFeed, FeedError> {
    if bytes.len() as u64 > MAX_FEED_BYTES {
        return Err(FeedError::TooLarge { source_name: source_name.to_string(), limit: MAX_FEED_BYTES });
    }
    let text = decode(source_name, bytes)?;
    check_prolog(source_name, &text)?;
    let parser = feed_rs::parser::Builder::new()
        .base_uri(base_url)
        // An entry without a GUID gets none: deduplication then falls back to its URL.
        .id_generator(|_, _, _| String::new())
        .sanitize_content(false)
        .build();
    let feed = parser.parse(bytes).map_err(|e| match e {
        feed_rs::parser::ParseFeedError::ParseError(feed_rs::parser::ParseErrorKind::NoFeedRoot) => {
            FeedError::NotAFeed {
                source_name: source_name.to_string(),
                detail: "no <rss> or <feed> root element".into(),
            }
        }
        other => FeedError::Parse { source_name: source_name.to_string(), reason: other.to_string() },
    })?;
    let kind = match feed.feed_type {
        feed_rs::model::FeedType::Atom => FeedKind::Atom,
        feed_rs::model::FeedType::JSON => {
            return Err(FeedError::NotAFeed { source_name: source_name.to_string(), detail: "JSON Feed".into() })
        }
        _ => FeedKind::Rss,
    };
    let mut warnings = Vec::new();
    let title = feed.title.map(|t| sanitize::one_line(&sanitize::html_to_text(&t.content))).filter(|t| !t.is_empty());
    let mut entries = Vec::with_capacity(feed.entries.len());
    for (n, entry) in feed.entries.into_iter().enumerate() {
        let at = format!("entry {}", n + 1);
        let mut title =
            entry.title.map(|t| sanitize::one_line(&sanitize::html_to_text(&t.content))).unwrap_or_default();
        if title.is_empty() {
            warnings.push(format!("{at}: no title; skipped"));
            continue;
        }
        if sanitize::truncate(&mut title, sanitize::MAX_TITLE_CHARS) {
            warnings.push(format!("{at}: title cut to {} characters", sanitize::MAX_TITLE_CHARS));
        }
        let body = entry.summary.map(|s| s.content).or_else(|| entry.content.and_then(|c| c.body)).unwrap_or_default();
        let mut summary = sanitize::html_to_text(&body);
        if sanitize::truncate(&mut summary, sanitize::MAX_SUMMARY_CHARS) {
            warnings.push(format!("{at}: summary cut to {} characters", sanitize::MAX_SUMMARY_CHARS));
        }
        let links: Vec<&str> = entry
            .links
            .iter()
            .filter(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .chain(entry.links.iter())
            .map(|l| l.href.as_str())
            .collect();
        let url = links.iter().find_map(|l| sanitize::web_url(l));
        if url.is_none() && !links.is_empty() {
            warnings.push(format!("{at}: link is not an http(s) address; dropped"));
        }
        let guid = Some(sanitize::one_line(&entry.id)).filter(|g| !g.is_empty()).map(|mut g| {
            sanitize::truncate(&mut g, 2_000);
            g
        });
        if guid.is_none() && url.is_none() {
            warnings.push(format!(
                "{at} ({title}): neither a GUID nor a link, so it cannot be told apart from a later copy; skipped"
            ));
            continue;
        }
        let date = entry.published.or(entry.updated).map(|d| d.date_naive().to_string());
        let mut tags = Vec::new();
        for category in &entry.categories {
            let tag = Tag::parse(&category.term).or_else(|| category.label.as_deref().and_then(Tag::parse));
            if let Some(tag) = tag.filter(|t| !tags.contains(t)) {
                tags.push(tag);
            }
        }
        entries.push(FeedEntry { guid, title, summary, url, date, tags });
    }
    Ok(ParsedFeed { kind, title, entries, warnings })
}

/// Checks the bytes are valid in the encoding the document declares (byte-order mark, else
/// the XML declaration, else UTF-8) and returns them decoded. `feed-rs` would replace invalid
/// bytes silently; a feed with them is more likely broken or hostile than worth guessing at.
fn decode(source_name: &str, bytes: &[u8]) -> Result<String, FeedError> {
    let (encoding, body) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom)) => (encoding, &bytes[bom..]),
        None => (declared_encoding(source_name, bytes)?, bytes),
    };
    let encoding_error = |offset: usize| FeedError::Encoding {
        source_name: source_name.to_string(),
        line: crate::lists::text::line_of(body, offset),
        reason: format!("bytes that are not valid {} (the encoding the feed declares)", encoding.name()),
    };
    if encoding == encoding_rs::UTF_8 {
        return std::str::from_utf8(body).map(str::to_string).map_err(|e| encoding_error(e.valid_up_to()));
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder.max_utf8_buffer_length_without_replacement(body.len()).unwrap_or(body.len().saturating_mul(3)),
    );
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(out),
        encoding_rs::DecoderResult::Malformed(bad, _) => Err(encoding_error(read.saturating_sub(bad as usize))),
        encoding_rs::DecoderResult::OutputFull => Err(encoding_error(read)),
    }
}

/// The encoding named in `<?xml … encoding="…"?>`, UTF-8 when there is none.
fn declared_encoding(source_name: &str, bytes: &[u8]) -> Result<&'static encoding_rs::Encoding, FeedError> {
    let head = &bytes[..bytes.len().min(512)];
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    let head = &head[start..];
    if !head.starts_with(b"<?xml") {
        return Ok(encoding_rs::UTF_8);
    }
    let Some(end) = head.windows(2).position(|w| w == b"?>") else { return Ok(encoding_rs::UTF_8) };
    let decl = String::from_utf8_lossy(&head[..end]);
    let Some(at) = decl.find("encoding") else { return Ok(encoding_rs::UTF_8) };
    let rest = decl[at + "encoding".len()..].trim_start().trim_start_matches('=').trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''));
    let label = match quote {
        Some(q) => rest[1..].split(q).next().unwrap_or_default(),
        None => rest.split_whitespace().next().unwrap_or_default(),
    };
    encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| FeedError::Encoding {
        source_name: source_name.to_string(),
        line: 1,
        reason: format!("unknown encoding {label:?} in the XML declaration"),
    })
}

/// Looks at what comes before the root element: a JSON document is not a feed, and a DTD
/// with an internal subset (`<!DOCTYPE x [ … ]>`, where entities are declared) is refused.
fn check_prolog(source_name: &str, text: &str) -> Result<(), FeedError> {
    let not_a_feed =
        |detail: &str| FeedError::NotAFeed { source_name: source_name.to_string(), detail: detail.to_string() };
    let mut rest = text.trim_start_matches('\u{FEFF}');
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Err(not_a_feed("the document is empty"));
        }
        if !rest.starts_with('<') {
            return Err(not_a_feed("it does not start with an XML tag"));
        }
        let skip_past = |rest: &str, end: &str| rest.find(end).map(|i| i + end.len());
        let consumed = if rest.starts_with("<?") {
            skip_past(rest, "?>")
        } else if rest.starts_with("<!--") {
            skip_past(rest, "-->")
        } else if rest.starts_with("<!DOCTYPE") || rest.starts_with("<!doctype") {
            let subset = rest.find('[');
            let close = rest.find('>');
            if subset.is_some_and(|s| close.is_none_or(|c| s < c))
                || rest[..close.unwrap_or(rest.len())].contains("<!ENTITY")
            {
                let offset = text.len() - rest.len();
                return Err(FeedError::EntityDeclarations {
                    source_name: source_name.to_string(),
                    line: crate::lists::text::line_of(text.as_bytes(), offset),
                });
            }
            close.map(|c| c + 1)
        } else {
            return Ok(());
        };
        match consumed {
            Some(n) => rest = &rest[n..],
            None => return Err(not_a_feed("the XML prolog is not closed")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_encodings_are_checked_strictly() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss version=\"2.0\"/>";
        assert_eq!(declared_encoding("t", latin1).unwrap(), encoding_rs::WINDOWS_1252);
        let bad_utf8 = b"<?xml version=\"1.0\"?>\n<rss>\n<title>\xC3\x28</title></rss>";
        let err = decode("t.xml", bad_utf8).unwrap_err();
        assert!(matches!(err, FeedError::Encoding { line: 3, .. }), "{err}");
        let unknown = b"<?xml version='1.0' encoding='x-klingon'?><rss/>";
        assert!(declared_encoding("t", unknown).unwrap_err().to_string().contains("x-klingon"));
    }

    #[test]
    fn feed_rs_itself_leaves_dtd_entities_unexpanded() {
        // Why the prolog check is there for a clear error more than for safety: feed-rs
        // ignores the DTD and keeps an unknown reference as its literal text.
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;\">]>\
                    <rss version=\"2.0\"><channel><title>&b;</title></channel></rss>";
        let feed = feed_rs::parser::parse(bomb.as_bytes()).unwrap();
        assert_eq!(feed.title.unwrap().content, "&b;");
    }

    #[test]
    fn deeply_nested_markup_neither_crashes_nor_hangs() {
        let depth = 20_000;
        let html = format!("{}deep{}", "<div>".repeat(depth), "</div>".repeat(depth));
        let xml = format!(
            "<rss version=\"2.0\"><channel><item><guid>g</guid><title>t</title><description><![CDATA[{html}]]></description>{}{}</item></channel></rss>",
            "<x>".repeat(depth),
            "</x>".repeat(depth)
        );
        let feed = parse("deep.xml", xml.as_bytes(), None).unwrap();
        assert_eq!(feed.entries[0].summary, "deep");
    }

    #[test]
    fn a_plain_doctype_passes_and_an_internal_subset_is_refused() {
        let netscape = "<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" \"http://my.netscape.com/publish/formats/rss-0.91.dtd\">\n<rss/>";
        check_prolog("t", netscape).unwrap();
        let xxe = "<?xml version=\"1.0\"?>\n\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><rss/>";
        assert!(matches!(check_prolog("t", xxe), Err(FeedError::EntityDeclarations { line: 3, .. })));
        assert!(matches!(check_prolog("t", "{\"version\": 1}"), Err(FeedError::NotAFeed { .. })));
    }
}
