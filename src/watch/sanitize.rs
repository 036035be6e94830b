//! Text from outside (feeds, JSON files, a person typing) → plain text that can never be HTML.
//!
//! Feeds carry HTML in titles and summaries, escaped or in CDATA, and a hostile feed carries
//! `<script>`, `<iframe>` and `javascript:` links. Nothing of that is kept: HTML is rendered to
//! plain text by `html2text` (html5ever parses it as a browser would; script and style bodies
//! are dropped, links become their words), and every stored string then goes through
//! [`plain`], which removes control and bidirectional-override characters and replaces `<`
//! and `>` by `‹` and `›`. A stored string therefore holds no markup at all: even a front end
//! that wrongly inserted it as HTML could not create an element from it. Links are kept only
//! as `http`/`https` URLs ([`web_url`]).

/// The longest title kept; a longer one is cut (with a warning from the caller).
pub const MAX_TITLE_CHARS: usize = 1_000;
/// The longest summary kept.
pub const MAX_SUMMARY_CHARS: usize = 20_000;
/// The longest note, publisher or source title kept.
pub const MAX_SHORT_CHARS: usize = 5_000;

/// HTML beyond this many bytes is cut before rendering: a summary keeps at most
/// [`MAX_SUMMARY_CHARS`] anyway, and rendering time grows with the input.
const MAX_HTML_BYTES: usize = 512 * 1024;
/// Tags nested deeper than this are not laid out by html2text, whose time grows with the square
/// of the depth (20,000 nested `<div>` take seconds); no article nests so deep, a hostile feed
/// does. Such HTML goes through the linear [`text_only`] instead.
const MAX_HTML_DEPTH: usize = 1_000;

/// Renders feed HTML as plain text: paragraphs separated by a blank line, words by single
/// spaces, nothing executable or clickable left.
pub fn html_to_text(html: &str) -> String {
    // A width no paragraph reaches: html2text wraps at it, and `plain` folds what is left.
    const WIDTH: usize = 100_000;
    let html = &html[..floor_char_boundary(html, MAX_HTML_BYTES)];
    if nesting_depth(html) > MAX_HTML_DEPTH {
        return plain(&text_only(html));
    }
    // The trivial decorator writes only the text: no brackets around links, no list bullets.
    let rendered = html2text::config::with_decorator(html2text::render::TrivialDecorator::new())
        .link_footnotes(false)
        .allow_width_overflow()
        .string_from_read(html.as_bytes(), WIDTH);
    match rendered {
        Ok(text) => plain(&text),
        // html2text refuses only what html5ever cannot build a tree from; the text between
        // the tags is still better than nothing, and `plain` makes it safe.
        Err(_) => plain(&text_only(html)),
    }
}

/// Makes text that claims to be plain safe to store and show: control characters and
/// bidirectional overrides out, `<` `>` replaced, spaces folded within each line, runs of
/// blank lines folded to one, ends trimmed. Idempotent: `plain(plain(x)) == plain(x)`.
pub fn plain(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let mut line = String::with_capacity(raw.len());
        let mut pending_space = false;
        for c in raw.chars() {
            let c = match c {
                '<' => '‹',
                '>' => '›',
                c if c.is_whitespace() => {
                    pending_space = !line.is_empty();
                    continue;
                }
                c if is_unsafe(c) => continue,
                c => c,
            };
            if pending_space {
                line.push(' ');
                pending_space = false;
            }
            line.push(c);
        }
        let blank = line.is_empty();
        if blank && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// One line of text (a title, a name, a publisher): [`plain`] with line breaks folded to spaces.
pub fn one_line(text: &str) -> String {
    plain(&text.replace(['\n', '\r'], " "))
}

/// Cuts text to at most `max` characters, ending in "…"; says whether it cut.
pub fn truncate(text: &mut String, max: usize) -> bool {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((at, _)) if text.chars().count() > max => {
            text.truncate(at);
            text.push('…');
            true
        }
        _ => false,
    }
}

/// The URL if it is an absolute `http` or `https` URL, normalised by the URL parser; `None`
/// for `javascript:`, `data:`, `file:` and anything unparsable. Credentials in a URL are
/// dropped: they have no place in a news link.
pub fn web_url(text: &str) -> Option<String> {
    let mut url = reqwest::Url::parse(text.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Some(url.to_string())
}

/// The key two URLs of one article share: host without `www.`, path without a trailing `/`,
/// and query; not the scheme or the fragment. Items are deduplicated by it.
pub fn url_key(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    let host = parsed.host_str()?.trim_start_matches("www.").to_ascii_lowercase();
    let path = parsed.path().trim_end_matches('/');
    let query = parsed.query().map(|q| format!("?{q}")).unwrap_or_default();
    Some(format!("{host}{path}{query}"))
}

/// Control characters (except the line breaks and tabs `plain` folds), bidirectional
/// overrides and isolates (they reorder what a reader sees), and the replacement-free
/// invisible characters the matcher also ignores.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{FEFF}')
}

/// The largest index at most `at` that is a character boundary of `text`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0)
}

/// How deep tags nest, counted on the raw text without building a tree: an opening tag that is
/// not void or self-closed goes one level down, a closing tag one up. Unclosed `<p>` and `<li>`
/// overcount, which only sends odd HTML to the plainer renderer.
fn nesting_depth(html: &str) -> usize {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    ];
    let bytes = html.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut at = 0;
    while let Some(found) = memchr_lt(&bytes[at..]) {
        let start = at + found + 1;
        at = start;
        match bytes.get(start) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(c) if c.is_ascii_alphabetic() => {
                let name_end =
                    bytes[start..].iter().position(|b| !b.is_ascii_alphanumeric()).map_or(bytes.len(), |n| start + n);
                let name = html[start..name_end].to_ascii_lowercase();
                let tag_end = bytes[start..].iter().position(|&b| b == b'>').map_or(bytes.len(), |n| start + n);
                let self_closed = tag_end > start && bytes[tag_end - 1] == b'/';
                if !VOID.contains(&name.as_str()) && !self_closed {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
            }
            _ => {}
        }
    }
    deepest
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

/// The text of HTML in one linear pass, for HTML html2text should not or could not lay out:
/// tags dropped, the bodies of `script`, `style` and `template` dropped, the common entities
/// decoded, block ends turned into line breaks.
fn text_only(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len() / 2);
    let mut at = 0;
    while at < html.len() {
        let Some(open) = lower[at..].find('<').map(|i| at + i) else {
            out.push_str(&html[at..]);
            break;
        };
        out.push_str(&html[at..open]);
        let close = lower[open..].find('>').map_or(html.len(), |i| open + i + 1);
        let tag = &lower[open..close];
        at = close;
        for body in ["script", "style", "template"] {
            if tag.starts_with(&format!("<{body}")) {
                let end = format!("</{body}");
                at = lower[close..].find(&end).map_or(html.len(), |i| close + i);
            }
        }
        let block = ["<p", "</p", "<br", "<div", "</div", "<li", "<tr", "<h"].iter().any(|b| tag.starts_with(b));
        out.push(if block { '\n' } else { ' ' });
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_plain_text_without_anything_executable() {
        let html = r#"<p>NSO Group <b>sold</b> <a href="javascript:alert(1)">Pegasus</a>.</p>
            <script>alert('x')</script><style>p{}</style>
            <iframe src="https://evil.example/"></iframe>
            <p>Second&nbsp;paragraph &amp; more <img src=x onerror=alert(1) alt="pic"></p>"#;
        let text = html_to_text(html);
        assert!(!text.contains('<') && !text.contains('>'), "{text}");
        assert!(!text.contains("alert") && !text.contains("javascript") && !text.contains("evil"), "{text}");
        assert!(text.starts_with("NSO Group sold Pegasus."), "{text}");
        assert!(text.contains("Second paragraph & more"), "{text}");
    }

    #[test]
    fn escaped_markup_in_text_stays_text_and_cannot_form_a_tag() {
        let text = html_to_text("Title with &lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(text, "Title with ‹script›alert(1)‹/script›");
        assert_eq!(plain("a\u{202E}b\u{0007}c  d\n\n\n\ne "), "abc d\n\ne");
        assert_eq!(plain(&plain("x <y>\n\n\nz")), plain("x <y>\n\n\nz"));
    }

    #[test]
    fn only_web_links_are_kept() {
        assert_eq!(web_url("javascript:alert(1)"), None);
        assert_eq!(web_url("JaVaScRiPt:alert(1)"), None);
        assert_eq!(web_url("data:text/html,<script>"), None);
        assert_eq!(web_url("/relative"), None);
        assert_eq!(web_url(" https://user:pw@Example.org/a?b=1#c ").as_deref(), Some("https://example.org/a?b=1#c"));
        assert_eq!(url_key("https://www.example.org/news/1/#top"), url_key("http://example.org/news/1"));
    }

    #[test]
    fn deeply_nested_or_huge_html_is_rendered_in_linear_time_and_still_safely() {
        let depth = 90_000;
        let html =
            format!("{}<script>alert(1)</script>deep &amp; safe{}", "<div>".repeat(depth), "</div>".repeat(depth));
        let started = std::time::Instant::now();
        assert_eq!(html_to_text(&html), "deep & safe");
        let huge = "<p>word</p>".repeat(1_000_000);
        assert!(html_to_text(&huge).len() < MAX_HTML_BYTES);
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
        assert_eq!(nesting_depth("<p>a<br><img src=x/><b>b</b><i/></p>"), 2);
    }

    #[test]
    fn truncation_counts_characters() {
        let mut s = "äöü".repeat(10);
        assert!(truncate(&mut s, 5));
        assert_eq!(s, "äöüä…");
        let mut short = "abc".to_string();
        assert!(!truncate(&mut short, 5));
    }
}
