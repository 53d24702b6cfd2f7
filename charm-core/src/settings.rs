//! The framework's own knobs (trace, log level, Docker host and publish address), settable on
//! a real unit.
//!
//! Juju gives a hook only its contract's variables (`HookVars` plus `PATH`, `LANG`, ...:
//! juju/juju `internal/worker/uniter/runner/runner.go@27dafee5`, `context/env.go@2ba9927e`),
//! so an operator cannot pass `CHARM_TRACE=1` to a hook through the environment. The knobs
//! are therefore also read from a file in the charm directory, `.charm-settings`, one
//! `KEY=VALUE` per line (`#` starts a comment). It survives `upgrade-charm` on machines (the
//! charm deployer leaves files it did not ship in place); set it with, for example:
//!
//! ```text
//! juju exec --unit voting-app/0 -- 'echo CHARM_TRACE=1 >> "$CHARM_DIR/.charm-settings"'
//! ```
//!
//! A variable in the hook's environment wins over the file (the emulator's `with_env`, or a
//! `juju exec` of `dispatch` by hand).
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join(charm_core::SETTINGS_FILE), "CHARM_TRACE=1\n# a comment\nCHARM_LOG_LEVEL=debug\n").unwrap();
//! let env = |key: &str| (key == "CHARM_LOG_LEVEL").then(|| "warning".to_owned());
//! let settings = charm_core::Settings::load(dir.path(), env).unwrap();
//! assert_eq!(settings.get("CHARM_TRACE"), Some("1"));
//! assert_eq!(settings.get("CHARM_LOG_LEVEL"), Some("warning"), "the environment wins");
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};

/// The settings file, relative to the charm directory.
pub const SETTINGS_FILE: &str = ".charm-settings";

/// Every knob the framework reads, with what it does.
pub const KNOBS: &[(&str, &str)] = &[
    (
        "CHARM_TRACE",
        "`1`: every dispatch step on stderr as it happens",
    ),
    (
        "CHARM_LOG_LEVEL",
        "`DEBUG` (default), `INFO`, `WARNING` or `ERROR`: the lowest level sent to juju-log",
    ),
    (
        "CHARM_DOCKER_HOST_IP",
        "the address compose publishes ports on when a file names none",
    ),
    (
        "CHARM_DOCKER_INSTALL",
        "`0` forbids installing docker.io when no engine exists",
    ),
    (
        "DOCKER_HOST",
        "the Docker engine to use: unix://PATH (default unix:///var/run/docker.sock) or \
         tcp://HOST:PORT (plain HTTP; TLS and ssh:// are refused)",
    ),
    (
        "CHARM_HOOK_LOCK_TIMEOUT",
        "seconds a hook waits for another hook of the unit to end (default 30; 0 fails at once)",
    ),
    (
        "CHARM_DOCKER_CONNECT_TIMEOUT",
        "seconds the Docker engine has to answer the first call and each ping (default 5)",
    ),
    (
        "CHARM_DOCKER_REQUEST_TIMEOUT",
        "seconds the Docker engine has to answer each call (default 120)",
    ),
    (
        "CHARM_DOCKER_STALL_TIMEOUT",
        "seconds an image pull may go without progress (default 60)",
    ),
    (
        "CHARM_DOCKER_UP_TIMEOUT",
        "seconds a whole compose up may take, pulls included (default 900)",
    ),
];

/// The framework's knobs for this hook: the environment's values over the file's.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join(".charm-settings"), "# on this unit\nCHARM_TRACE=1\nDOCKER_HOST=unix:///run/d.sock\n").unwrap();
/// let env = |k: &str| (k == "DOCKER_HOST").then(|| "tcp://127.0.0.1:2375".to_owned());
/// let s = charm_core::Settings::load(dir.path(), env).unwrap();
/// assert_eq!(s.get("CHARM_TRACE"), Some("1"));
/// assert_eq!(s.get("DOCKER_HOST"), Some("tcp://127.0.0.1:2375"));
/// assert_eq!(s.get("CHARM_LOG_LEVEL"), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    values: BTreeMap<String, String>,
}

impl Settings {
    /// Reads `charm_dir/.charm-settings` (absent is fine) and overlays the knobs `env` has.
    ///
    /// A line that is not `KEY=VALUE`, or names no knob, is an error naming the file and line.
    pub fn load(charm_dir: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let path = charm_dir.join(SETTINGS_FILE);
        let mut values = BTreeMap::new();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                for (n, line) in text.lines().enumerate() {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    let bad = |why: String| {
                        Error::Environment(format!("{}:{}: {why}", path.display(), n + 1))
                    };
                    let (key, value) = line
                        .split_once('=')
                        .ok_or_else(|| bad(format!("expected KEY=VALUE, got {line:?}")))?;
                    let key = key.trim();
                    if !KNOBS.iter().any(|(k, _)| *k == key) {
                        return Err(bad(format!(
                            "unknown setting {key:?} (known: {})",
                            KNOBS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
                        )));
                    }
                    values.insert(key.to_owned(), value.trim().to_owned());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::Environment(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
            }
        }
        for (key, _) in KNOBS {
            if let Some(v) = env(key) {
                values.insert((*key).to_owned(), v);
            }
        }
        values.retain(|_, v| !v.is_empty());
        Ok(Self { values })
    }

    /// A knob's value, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// Sets a knob (tests and harnesses).
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.values.insert(key.into(), value.into());
    }
}
