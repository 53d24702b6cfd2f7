//! The framework's error type.

use std::path::PathBuf;

/// What a handler, a hook tool or the framework itself can fail with.
///
/// Handlers return [`Result`]; `?` converts the common error types, and
/// [`Error::msg`] wraps anything else that can be displayed.
///
/// ```
/// use charm_core::Error;
/// let err = Error::msg("redis answered garbage");
/// assert_eq!(err.to_string(), "redis answered garbage");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A hook tool exited non-zero or could not be started.
    #[error("hook tool `{tool} {}` failed (exit code {code}): {stderr}", args.join(" "))]
    HookTool {
        /// The tool, e.g. `relation-get`.
        tool: String,
        /// Its arguments.
        args: Vec<String>,
        /// Exit code, or -1 when it could not be started.
        code: i32,
        /// What it printed on stderr (trimmed).
        stderr: String,
    },
    /// A hook tool answered something we could not parse.
    #[error("hook tool `{tool}` answered unparsable output: {message}")]
    ToolOutput {
        /// The tool.
        tool: String,
        /// What was wrong.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What we were doing ("reading", "writing", ...).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The unit's persisted state file is corrupt.
    #[error("the unit state file {} is corrupt: {message}", path.display())]
    CorruptState {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A config value from Juju does not have the type config.yaml declares.
    #[error("config option `{key}`: {message}")]
    Config {
        /// The option.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// The hook could not be determined, or the environment is not a hook's.
    #[error("{0}")]
    Environment(String),
    /// The dispatch loop did not settle.
    #[error("{0}")]
    Cycle(String),
    /// A handler failed.
    #[error("handler `{handler}` failed: {source}")]
    Handler {
        /// The handler's name.
        handler: &'static str,
        /// Its error.
        #[source]
        source: Box<Error>,
    },
    /// A handler panicked.
    #[error("handler `{handler}` panicked: {message}")]
    Panic {
        /// The handler's name.
        handler: &'static str,
        /// The panic payload, when it was a string.
        message: String,
    },
    /// A Docker operation failed: image not found, port allocated, engine down, bad file...
    #[error(transparent)]
    #[cfg(feature = "docker")]
    Docker(#[from] charm_docker::Error),
    /// Rendering a template failed.
    #[error("rendering {what}: {message}")]
    Render {
        /// The template or file.
        what: String,
        /// What went wrong.
        message: String,
    },
    /// Anything else, as a message.
    #[error("{0}")]
    Message(String),
}

impl Error {
    /// An error with just a message.
    pub fn msg(message: impl std::fmt::Display) -> Self {
        Self::Message(message.to_string())
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Self::Message(format!("JSON: {err}"))
    }
}

impl From<charm_yaml::Error> for Error {
    fn from(err: charm_yaml::Error) -> Self {
        Self::Message(format!("YAML: {err}"))
    }
}

/// `Result` with the framework's [`Error`].
///
/// ```
/// fn port(text: &str) -> charm_core::Result<u16> {
///     text.parse().map_err(|_| charm_core::Error::msg(format!("`{text}` is not a port")))
/// }
/// assert_eq!(port("5000").unwrap(), 5000);
/// assert_eq!(port("http").unwrap_err().to_string(), "`http` is not a port");
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;
