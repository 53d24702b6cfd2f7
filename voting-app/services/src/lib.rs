//! The voting app's three services, in Rust: `vote` (a page with two options; a vote is pushed
//! to a Redis list), `worker` (pops the votes and upserts one row per voter in PostgreSQL) and
//! `result` (a page with the counts, and `GET /api/results`).
//!
//! They honour the environment contract of the seed's images (the layer-docker deep dive):
//! `REDIS_HOST` is a comma-separated list of hosts (default `redis`), `PG_HOST` / `PG_USER` /
//! `PG_PASS` / `PG_DB` name the database (default host `db`). A host may carry a port
//! (`10.0.0.7:6380`); `PG_PORT` is also read, for a database on another port. `PORT` moves
//! the HTTP port of vote and result (default 80).
//!
//! This library holds what the binaries share and what their tests check: the contract, the
//! form and cookie parsing, the pages and the SQL.
//!
//! ```
//! let hosts = voting_services::redis_hosts(Some("10.0.0.7, 10.0.0.8:6380"));
//! assert_eq!(hosts, [("10.0.0.7".to_owned(), 6379), ("10.0.0.8".to_owned(), 6380)]);
//! ```

use std::fmt::Write as _;
use std::time::Duration;

/// The Redis list the votes travel through (the name the original app uses).
pub const QUEUE: &str = "votes";

/// How long a connection attempt to Redis or PostgreSQL may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// The worker's table: one row per voter, the last vote wins.
pub const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS votes (id VARCHAR(255) NOT NULL UNIQUE, vote VARCHAR(255) NOT NULL)";

/// The worker's upsert of one vote (`$1` the voter id, `$2` the vote).
pub const UPSERT: &str = "INSERT INTO votes (id, vote) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET vote = EXCLUDED.vote";

/// The result's count per option.
pub const COUNT: &str = "SELECT vote, COUNT(id) AS count FROM votes GROUP BY vote";

/// The two options: the form value and its label.
pub const OPTIONS: [(&str, &str); 2] = [("a", "Cats"), ("b", "Dogs")];

/// `REDIS_HOST` parsed: each comma-separated entry, trimmed, empty entries dropped, with its
/// port (6379 unless the entry says `host:port`). Unset or empty means `redis`.
pub fn redis_hosts(value: Option<&str>) -> Vec<(String, u16)> {
    let hosts: Vec<_> = value
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(|h| split_port(h, 6379))
        .collect();
    if hosts.is_empty() {
        vec![("redis".to_owned(), 6379)]
    } else {
        hosts
    }
}

/// `host:port` into its parts; a bare host (or an IPv6 address without brackets) keeps
/// `default`.
fn split_port(entry: &str, default: u16) -> (String, u16) {
    if let Some((host, port)) = entry.rsplit_once(':')
        && !host.contains(':')
        && let Ok(port) = port.parse()
    {
        return (host.to_owned(), port);
    }
    (entry.to_owned(), default)
}

/// The PostgreSQL side of the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pg {
    /// `PG_HOST` (default `db`), possibly `host:port`.
    pub host: String,
    /// `PG_PORT`, or the port in `PG_HOST` (default 5432).
    pub port: u16,
    /// `PG_USER` (default `postgres`).
    pub user: String,
    /// `PG_PASS` (default `postgres`, the built-in db image's default).
    pub password: String,
    /// `PG_DB` (default `postgres`).
    pub database: String,
}

impl Pg {
    /// Reads the contract through `get` (`std::env::var` in the binaries). Unset or empty
    /// values take their defaults; a `PG_PORT` that is not a port is an error naming it.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Pg, String> {
        let var = |key: &str, default: &str| {
            get(key)
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        let (host, mut port) = split_port(var("PG_HOST", "db").trim(), 5432);
        if let Some(value) = get("PG_PORT").filter(|v| !v.trim().is_empty()) {
            port = value
                .trim()
                .parse()
                .map_err(|_| format!("PG_PORT={value:?} is not a TCP port"))?;
        }
        Ok(Pg {
            host,
            port,
            user: var("PG_USER", "postgres"),
            password: var("PG_PASS", "postgres"),
            database: var("PG_DB", "postgres"),
        })
    }

    /// Connects (no TLS: the database is on the project network or this machine).
    pub fn connect(&self) -> Result<postgres::Client, postgres::Error> {
        postgres::Config::new()
            .host(&self.host)
            .port(self.port)
            .user(&self.user)
            .password(&self.password)
            .dbname(&self.database)
            .connect_timeout(CONNECT_TIMEOUT)
            .connect(postgres::NoTls)
    }
}

/// A PostgreSQL error with the server's message (the error's `Display` says only "db
/// error" for those).
pub fn pg_error(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => match std::error::Error::source(e) {
            Some(source) => format!("{e}: {source}"),
            None => e.to_string(),
        },
    }
}

/// The HTTP port: `PORT`, default 80.
pub fn http_port(value: Option<&str>) -> Result<u16, String> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(80),
        Some(v) => v
            .parse()
            .map_err(|_| format!("PORT={v:?} is not a TCP port")),
    }
}

/// A vote, as it travels through Redis: `{"voter_id": "...", "vote": "a"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    /// The voter's cookie.
    pub voter_id: String,
    /// `a` or `b`.
    pub vote: String,
}

impl Vote {
    /// The JSON the queue carries.
    pub fn to_json(&self) -> String {
        serde_json::json!({"voter_id": self.voter_id, "vote": self.vote}).to_string()
    }

    /// Parses a queued vote; anything else (not JSON, a missing field, an option that does
    /// not exist) is an error the worker logs and drops.
    pub fn from_json(text: &str) -> Result<Vote, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let field = |key: &str| {
            value
                .get(key)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .ok_or_else(|| format!("no string {key:?}"))
        };
        let vote = Vote {
            voter_id: field("voter_id")?,
            vote: field("vote")?,
        };
        if vote.voter_id.is_empty() || vote.voter_id.len() > 255 {
            return Err("voter_id empty or longer than 255 bytes".to_owned());
        }
        if !OPTIONS.iter().any(|(v, _)| *v == vote.vote) {
            return Err(format!("unknown option {:?}", vote.vote));
        }
        Ok(vote)
    }
}

/// The `vote` field of an `application/x-www-form-urlencoded` body, when it names an option.
pub fn form_vote(body: &str) -> Option<&'static str> {
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| *k == "vote")
        .find_map(|(_, v)| OPTIONS.iter().find(|(o, _)| *o == v).map(|(o, _)| *o))
}

/// The `voter_id` cookie of a `Cookie` header, when it is a plausible id (hex, 1-64 bytes):
/// anything else gets a new id rather than reaching the database.
pub fn cookie_voter(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == "voter_id")
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A new voter id: 16 random bytes as hex, from the kernel.
pub fn new_voter_id() -> std::io::Result<String> {
    use std::io::Read as _;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    }))
}

/// This container's name for itself (its hostname), shown on the pages and sent as
/// `X-Served-By`, so a client behind a proxy sees which instance answered.
pub fn served_by() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The vote page; `voted` is the option this voter chose, if any.
pub fn vote_page(voted: Option<&str>, served_by: &str) -> String {
    let mut page = String::from(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Vote</title></head><body>\n\
         <h1>Cats or dogs?</h1>\n<form method=\"post\" action=\"/\">\n",
    );
    for (value, label) in OPTIONS {
        let mark = if voted == Some(value) {
            " &#10003;"
        } else {
            ""
        };
        let _ = writeln!(
            page,
            "<button name=\"vote\" value=\"{value}\">{label}{mark}</button>"
        );
    }
    let _ = write!(
        page,
        "</form>\n<p>Processed by container {}</p>\n</body></html>\n",
        html_escape(served_by)
    );
    page
}

/// The counts, `{"a": N, "b": M}` (every option present, zero when nobody chose it).
pub fn results_json(counts: &[(String, i64)]) -> String {
    let mut map = serde_json::Map::new();
    for (option, _) in OPTIONS {
        let n = counts
            .iter()
            .filter(|(v, _)| v == option)
            .map(|(_, n)| *n)
            .sum::<i64>();
        map.insert(option.to_owned(), n.into());
    }
    serde_json::Value::Object(map).to_string()
}

/// The result page: the counts, refreshed every two seconds.
pub fn result_page(counts: &[(String, i64)], served_by: &str) -> String {
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let mut page = String::from(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\">\
         <title>Results</title></head><body>\n<h1>Results</h1>\n<ul>\n",
    );
    for (value, label) in OPTIONS {
        let n: i64 = counts
            .iter()
            .filter(|(v, _)| v == value)
            .map(|(_, n)| n)
            .sum();
        let _ = writeln!(page, "<li id=\"{value}\">{label}: {n}</li>");
    }
    let _ = write!(
        page,
        "</ul>\n<p>{total} votes. Processed by container {}</p>\n</body></html>\n",
        html_escape(served_by)
    );
    page
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `--health`: exits 0 when something answers HTTP on the service's port on loopback (the
/// images have no shell tools: the binary is its own healthcheck).
pub fn health(port: u16) -> std::process::ExitCode {
    use std::io::{Read as _, Write as _};
    let probe = || -> std::io::Result<bool> {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let mut stream = std::net::TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)?;
        stream.set_read_timeout(Some(CONNECT_TIMEOUT))?;
        stream.write_all(b"GET / HTTP/1.0\r\n\r\n")?;
        let mut head = [0u8; 12];
        stream.read_exact(&mut head)?;
        Ok(head.starts_with(b"HTTP/1.") && &head[9..10] == b"2")
    };
    match probe() {
        Ok(true) => std::process::ExitCode::SUCCESS,
        _ => std::process::ExitCode::FAILURE,
    }
}

/// Answers `request`: HTML when `body` is a page, plain text otherwise, with `headers`
/// (a header whose value is not ASCII is left out rather than sent mangled).
pub fn respond(request: tiny_http::Request, status: u16, body: String, headers: &[(&str, &str)]) {
    let kind = match body.starts_with("<!doctype") {
        true => "text/html; charset=utf-8",
        false if body.starts_with('{') => "application/json",
        false => "text/plain; charset=utf-8",
    };
    let mut response = tiny_http::Response::from_string(body).with_status_code(status);
    for (name, value) in [("Content-Type", kind)].iter().chain(headers) {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    if let Err(e) = request.respond(response) {
        eprintln!("cannot answer: {e}");
    }
}

/// Exits at once on `SIGTERM` / `SIGINT`: as a container's PID 1 the process gets no default
/// handler, and `docker stop` (every recreate) would otherwise wait its whole grace period.
pub fn exit_on_signals() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            eprintln!("signal {signal}: exiting");
            std::process::exit(0);
        }
    });
    Ok(())
}

/// Logs one line to stderr (the container log), prefixed with the service name.
#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => { eprintln!("{}: {}", env!("CARGO_BIN_NAME"), format_args!($($arg)*)) };
}

#[cfg(test)]
mod tests;
