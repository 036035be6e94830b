//! The one HTTP code path of the core: [`fetch_to`] streams an `http(s)` body into a sink with
//! timeouts, a size cap enforced while reading, and retries. News feeds (`watch::feeds`) and
//! list updates (`update::download`) both call it, so every download obeys the same limits.
//!
//! reqwest's blocking client (the core is synchronous) over rustls with the ring provider (no C
//! build of aws-lc, no OpenSSL). Its `timeout` bounds the wait for the answer to start and then
//! each read of the body, so a slow but steady 30 MB list still arrives while a server that
//! stops sending is given up on. Only transient failures are retried (HTTP 5xx and 429,
//! timeouts, refused or dropped connections), with a doubling pause; a 4xx, a body over the
//! cap or a bad address fails at once, because asking again cannot change the answer.

use std::io::{Read, Seek, Write};
use std::time::Duration;

/// Limits for one download.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// For the answer to start, and then for each read of the body.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// The largest body accepted, checked on `Content-Length` and again while reading.
    pub max_bytes: u64,
    /// Further attempts after a transient failure.
    pub retries: u32,
    /// The pause before the first retry; it doubles before each further one.
    pub backoff: Duration,
}

impl Default for FetchOptions {
    /// Fit for news feeds: their size cap, half a minute. List updates raise the cap
    /// (`update::download::MAX_LIST_BYTES`).
    fn default() -> FetchOptions {
        FetchOptions {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_bytes: crate::watch::feeds::MAX_FEED_BYTES,
            retries: 2,
            backoff: Duration::from_millis(500),
        }
    }
}

/// Why a download failed. Every variant names the address.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: only http and https addresses are fetched ({reason})")]
    Url { url: String, reason: String },
    #[error("{url}: the server answered HTTP {status}{}", attempts_note(*attempts))]
    Http { url: String, status: u16, attempts: u32 },
    #[error("{url}: {reason}{}", attempts_note(*attempts))]
    Network { url: String, reason: String, attempts: u32 },
    #[error("{url}: the body is larger than {limit} bytes; refused")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: writing the download: {error}")]
    Write { url: String, error: std::io::Error },
}

/// " (after N attempts)" when a download was retried.
pub(crate) fn attempts_note(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

/// Where a body goes. `restart` empties it before a retry, so a half-read body from a failed
/// attempt never precedes the next attempt's bytes.
pub trait Sink: Write {
    fn restart(&mut self) -> std::io::Result<()>;
}

impl Sink for Vec<u8> {
    fn restart(&mut self) -> std::io::Result<()> {
        self.clear();
        Ok(())
    }
}

impl Sink for std::fs::File {
    fn restart(&mut self) -> std::io::Result<()> {
        self.set_len(0)?;
        self.rewind()
    }
}

/// A finished download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchInfo {
    /// The address after redirects.
    pub url: String,
    pub bytes: u64,
    pub attempts: u32,
}

/// How far a download is: bytes received, and the total when the server declared it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer {
    pub received: u64,
    pub total: Option<u64>,
}

/// Downloads `url` into `sink`, calling `progress` as bytes arrive. Redirects are followed (at
/// most five). See the module doc for what is retried.
pub fn fetch_to(
    url: &str,
    options: &FetchOptions,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(Transfer),
) -> Result<FetchInfo, FetchError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| FetchError::Url { url: url.into(), reason: e.to_string() })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(FetchError::Url { url: url.into(), reason: format!("scheme {:?}", parsed.scheme()) });
    }
    install_crypto_provider();
    let mut builder = reqwest::blocking::Client::builder()
        .timeout(options.timeout)
        .connect_timeout(options.connect_timeout)
        .redirect(reqwest::redirect::Policy::limited(5))
        .user_agent(concat!("Klaring/", env!("CARGO_PKG_VERSION"), " (sanctions-list and news updates)"));
    // A proxy cannot reach this machine's own loopback; never send loopback requests to one.
    let host = parsed.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    if host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()) {
        builder = builder.no_proxy();
    }
    let client = builder.build().map_err(|e| FetchError::Network {
        url: url.into(),
        reason: describe(&e, options),
        attempts: 1,
    })?;
    let mut pause = options.backoff;
    let mut attempt = 1;
    loop {
        match attempt_once(&client, &parsed, options, sink, progress) {
            Ok((final_url, bytes)) => return Ok(FetchInfo { url: final_url, bytes, attempts: attempt }),
            Err(Failure::Final(error)) => return Err(error),
            Err(Failure::Transient(error)) if attempt > options.retries => {
                return Err(match error {
                    Transient::Status(status) => FetchError::Http { url: url.into(), status, attempts: attempt },
                    Transient::Network(reason) => FetchError::Network { url: url.into(), reason, attempts: attempt },
                })
            }
            Err(Failure::Transient(_)) => {
                std::thread::sleep(pause);
                pause = pause.saturating_mul(2);
                attempt += 1;
                sink.restart().map_err(|error| FetchError::Write { url: url.into(), error })?;
            }
        }
    }
}

enum Transient {
    Status(u16),
    Network(String),
}

enum Failure {
    Transient(Transient),
    Final(FetchError),
}

fn attempt_once(
    client: &reqwest::blocking::Client,
    url: &reqwest::Url,
    options: &FetchOptions,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(Transfer),
) -> Result<(String, u64), Failure> {
    let network = |e: &reqwest::Error| Failure::Transient(Transient::Network(describe(e, options)));
    let mut response = client.get(url.clone()).send().map_err(|e| {
        if e.is_builder() || e.is_redirect() {
            Failure::Final(FetchError::Network { url: url.to_string(), reason: describe(&e, options), attempts: 1 })
        } else {
            network(&e)
        }
    })?;
    let status = response.status();
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(Failure::Transient(Transient::Status(status.as_u16())));
    }
    if !status.is_success() {
        return Err(Failure::Final(FetchError::Http { url: url.to_string(), status: status.as_u16(), attempts: 1 }));
    }
    let too_large = || Failure::Final(FetchError::TooLarge { url: url.to_string(), limit: options.max_bytes });
    let total = response.content_length();
    if total.is_some_and(|n| n > options.max_bytes) {
        return Err(too_large());
    }
    let final_url = response.url().to_string();
    let mut received = 0u64;
    let mut buffer = vec![0u8; 64 * 1024];
    progress(Transfer { received, total });
    loop {
        let n = match response.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => {
                // reqwest reports a body timeout as an io error wrapping its own error.
                let reason = match error.get_ref().and_then(|e| e.downcast_ref::<reqwest::Error>()) {
                    Some(e) => describe(e, options),
                    None => format!("reading the response: {error}"),
                };
                return Err(Failure::Transient(Transient::Network(reason)));
            }
        };
        received += n as u64;
        if received > options.max_bytes {
            return Err(too_large());
        }
        sink.write_all(&buffer[..n])
            .map_err(|error| Failure::Final(FetchError::Write { url: url.to_string(), error }))?;
        progress(Transfer { received, total });
    }
    sink.flush().map_err(|error| Failure::Final(FetchError::Write { url: url.to_string(), error }))?;
    Ok((final_url, received))
}

/// Installs rustls's ring crypto provider for the process, once. Another part of the program
/// may have installed one already; that one is then used.
fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A network error in words a user can act on.
fn describe(error: &reqwest::Error, options: &FetchOptions) -> String {
    if error.is_timeout() {
        format!("no answer within {} s (timed out)", options.timeout.as_secs_f64())
    } else if error.is_connect() {
        format!("cannot connect: {}", root_cause(error))
    } else if error.is_redirect() {
        "too many redirects".to_string()
    } else {
        root_cause(error)
    }
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
