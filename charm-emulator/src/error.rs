//! The emulator's error type: every variant names the input that was wrong.

use std::io;
use std::path::PathBuf;

/// Anything that can go wrong outside a hook tool (tool failures are not Rust errors: they are
/// a [`ToolOutput`](crate::ToolOutput) with a non-zero code, exactly what a charm sees).
///
/// ```
/// let err = charm_emulator::Model::new("no-slash").unwrap_err();
/// assert!(err.to_string().contains("no-slash"), "the error names the input: {err}");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done, e.g. "cannot read".
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The model file exists but is not a model this emulator understands.
    #[error("malformed model file {}: {message}", path.display())]
    MalformedModel {
        /// The model file.
        path: PathBuf,
        /// What is wrong with it, with line and column when known.
        message: String,
    },
    /// A charm file (metadata.yaml, config.yaml, actions.yaml) is invalid.
    #[error("invalid {}: {message}", path.display())]
    Charm {
        /// The charm file.
        path: PathBuf,
        /// What is wrong, naming the key.
        message: String,
    },
    /// A request to the emulator does not fit the model (unknown relation, bad unit name, ...).
    #[error("{0}")]
    Invalid(String),
    /// A hook context id that is not open.
    #[error("unknown hook context {0:?}")]
    UnknownContext(String),
}

impl Error {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// An error with a message (invalid input, or a failure outside the model).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }
}

/// The emulator's result type.
///
/// ```
/// fn unit(name: &str) -> charm_emulator::Result<charm_emulator::Model> {
///     charm_emulator::Model::new(name)
/// }
/// assert!(unit("web/0").is_ok() && unit("web").is_err());
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;
