//! The `dump-db` and `restore-db` actions' work: `pg_dump` / `psql` of the PostgreSQL image
//! (config `postgres-image`, which ships both), run in a one-off container that reaches the
//! database where the workload does: the project network's `db` for the built-in container,
//! the host's network for an external PostgreSQL (which may listen on this machine only).
//!
//! A dump is plain SQL (`pg_dump --clean --if-exists --no-owner`): restoring it into an
//! empty database, or over the current one, leaves exactly the dumped tables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use charm_core::DockerBackend;
use charm_core::docker::{OneOff, OneOffNetwork};
use charm_core::interfaces::PgCredentials;

use crate::workload;

/// A dump at most this long may come back base64 in the action's results; a longer one
/// needs `path` (Juju keeps results in its database: they are meant to be small).
pub const INLINE_LIMIT: usize = 64 * 1024;

/// Which database the workload uses.
#[derive(Debug, Clone, Copy)]
pub enum Database<'a> {
    /// The compose project's own db container.
    Builtin {
        /// The compose project (its `PROJECT_default` network reaches `db`).
        project: &'a str,
    },
    /// A related PostgreSQL.
    External(&'a PgCredentials),
}

/// Where the tools run and what they connect to.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The image with `pg_dump` and `psql`: config `postgres-image`.
    pub image: &'a str,
    /// The database.
    pub database: Database<'a>,
}

impl Target<'_> {
    /// A one-off container running `command` against the database.
    fn one_off(&self, command: &[&str], binds: Vec<String>) -> OneOff {
        let (network, host, port, user, password, db) = match self.database {
            Database::Builtin { project } => (
                OneOffNetwork::Named(format!("{project}_default")),
                "db".to_owned(),
                5432,
                workload::BUILTIN_DB_USER,
                workload::BUILTIN_DB_PASSWORD,
                workload::BUILTIN_DB_NAME,
            ),
            Database::External(pg) => (
                OneOffNetwork::Host,
                pg.host.clone(),
                pg.port,
                pg.user.as_str(),
                pg.password.as_str(),
                pg.database.as_str(),
            ),
        };
        OneOff {
            image: self.image.to_owned(),
            command: command.iter().map(|s| (*s).to_owned()).collect(),
            // libpq's own variables: the password never appears in a command line.
            env: vec![
                format!("PGHOST={host}"),
                format!("PGPORT={port}"),
                format!("PGUSER={user}"),
                format!("PGPASSWORD={password}"),
                format!("PGDATABASE={db}"),
                "PGCONNECT_TIMEOUT=5".to_owned(),
            ],
            network,
            binds,
            // The image may run as `postgres`; root reads the bind-mounted dump (mode 0600).
            user: Some("0".to_owned()),
        }
    }

    fn describe(&self) -> String {
        match self.database {
            Database::Builtin { project } => format!("the db container of {project}"),
            Database::External(pg) => {
                format!("PostgreSQL at {}:{}/{}", pg.host, pg.port, pg.database)
            }
        }
    }
}

/// `pg_dump` of the database: its SQL, or why not (the tool's own message).
pub fn dump(docker: &dyn DockerBackend, target: &Target) -> Result<Vec<u8>, String> {
    let spec = target.one_off(
        &["pg_dump", "--clean", "--if-exists", "--no-owner"],
        Vec::new(),
    );
    let out = docker
        .run_once(&spec)
        .map_err(|e| format!("cannot run pg_dump ({}): {e}", target.image))?;
    if out.exit_code != 0 {
        return Err(format!(
            "pg_dump of {} failed (exit {}): {}",
            target.describe(),
            out.exit_code,
            last_lines(&out.stderr)
        ));
    }
    Ok(out.stdout)
}

/// `psql -f` of the SQL file `file` (an absolute path on this machine) into the database,
/// stopping at the first error.
pub fn restore(docker: &dyn DockerBackend, target: &Target, file: &Path) -> Result<(), String> {
    let bind = format!("{}:/restore/dump.sql:ro", file.display());
    let command = [
        "psql",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-f",
        "/restore/dump.sql",
    ];
    let spec = target.one_off(&command, vec![bind]);
    let out = docker
        .run_once(&spec)
        .map_err(|e| format!("cannot run psql ({}): {e}", target.image))?;
    if out.exit_code != 0 {
        return Err(format!(
            "restore into {} failed (exit {}): {}",
            target.describe(),
            out.exit_code,
            last_lines(&out.stderr)
        ));
    }
    Ok(())
}

/// The last three lines of a tool's stderr: the cause, without pages of notices.
fn last_lines(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = &lines[lines.len().saturating_sub(3)..];
    if tail.is_empty() {
        "no message".to_owned()
    } else {
        tail.join(" / ")
    }
}

/// `dump-db`: with `path`, the dump is written there (atomically, mode 0600) and the results
/// say where and how big; without, it comes back base64 in `dump` when at most
/// [`INLINE_LIMIT`] bytes. `Err` is the action-fail message.
pub fn dump_db(
    docker: &dyn DockerBackend,
    target: &Target,
    path: Option<&str>,
) -> Result<BTreeMap<String, String>, String> {
    let path = path.map(absolute).transpose()?;
    let sql = dump(docker, target)?;
    let mut results = BTreeMap::from([("bytes".to_owned(), sql.len().to_string())]);
    match path {
        Some(path) => {
            charm_core::write_atomically(&path, &sql, 0o600)
                .map_err(|e| format!("cannot write the dump to {}: {e}", path.display()))?;
            results.insert("path".to_owned(), path.display().to_string());
        }
        None if sql.len() <= INLINE_LIMIT => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(&sql);
            results.insert("dump".to_owned(), encoded);
        }
        None => {
            return Err(format!(
                "the dump is {} bytes, more than the {INLINE_LIMIT} that fit in the results: \
                 give path=/some/file.sql",
                sql.len()
            ));
        }
    }
    Ok(results)
}

/// `restore-db`: from the file `path` on this machine, or from `dump` (base64, as `dump-db`
/// returns it). `scratch` is a directory of the charm's for the decoded dump.
pub fn restore_db(
    docker: &dyn DockerBackend,
    target: &Target,
    path: Option<&str>,
    dump: Option<&str>,
    scratch: &Path,
) -> Result<BTreeMap<String, String>, String> {
    let (file, temporary) = match (path, dump) {
        (Some(path), None) => {
            let path = absolute(path)?;
            if !path.is_file() {
                return Err(format!("path={}: no such file", path.display()));
            }
            (path, false)
        }
        (None, Some(dump)) => {
            let sql = base64::engine::general_purpose::STANDARD
                .decode(dump.trim())
                .map_err(|e| format!("dump is not base64: {e}"))?;
            let file = scratch.join(format!("restore-{}.sql", std::process::id()));
            charm_core::write_atomically(&file, &sql, 0o600)
                .map_err(|e| format!("cannot stage the dump in {}: {e}", scratch.display()))?;
            (file, true)
        }
        (Some(_), Some(_)) => return Err("give path or dump, not both".to_owned()),
        (None, None) => return Err("give path=/some/file.sql or dump=<base64>".to_owned()),
    };
    let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let result = restore(docker, target, &file);
    if temporary {
        let _ = std::fs::remove_file(&file);
    }
    result?;
    Ok(BTreeMap::from([("bytes".to_owned(), bytes.to_string())]))
}

/// A path parameter: absolute, since the tools' container mounts it from the host.
fn absolute(path: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(path);
    match path.is_absolute() {
        true => Ok(path),
        false => Err(format!("path={}: give an absolute path", path.display())),
    }
}
