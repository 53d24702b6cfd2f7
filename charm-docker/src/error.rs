//! Errors a charm can act on. Each renders as one short sentence fit for a Juju `blocked`
//! status (`status-set blocked "$err"`).
//!
//! ```
//! let err = charm_docker::ComposeFile::from_str("services:\n  web: {}\n").unwrap_err();
//! // One sentence, fit for `status-set blocked`.
//! assert!(!err.to_string().contains('\n'), "{err}");
//! ```

use std::fmt;

/// `Result` with this crate's [`Error`].
///
/// ```
/// fn image_of(file: &str, service: &str) -> charm_docker::Result<String> {
///     let file = charm_docker::ComposeFile::from_str(file)?;
///     Ok(file.service(service).map(|s| s.image.clone()).unwrap_or_default())
/// }
/// assert_eq!(image_of("services:\n  web:\n    image: nginx\n", "web").unwrap(), "nginx");
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, typed so that a charm can react (and tests can assert) per case.
///
/// ```
/// let err = charm_docker::ComposeFile::from_str("services:\n  web:\n    imag: x\n").unwrap_err();
/// assert!(matches!(err, charm_docker::Error::InvalidFile { line: Some(3), .. }));
/// assert!(err.to_string().contains("line 3"), "{err}");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The compose file cannot be read, parsed or validated.
    #[error("invalid {file}{}: {message}", Line(*line))]
    InvalidFile {
        /// The file's path, or "compose file" for text.
        file: String,
        /// 1-based line of the offending key or value, when known.
        line: Option<usize>,
        /// What is wrong, naming the key.
        message: String,
    },
    /// The project name is empty once normalised.
    #[error("invalid project name {name:?}: {reason}")]
    InvalidProject {
        /// The name as given.
        name: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// No engine answers where we looked.
    #[error("docker engine not reachable at {host}: {reason}")]
    EngineUnreachable {
        /// The socket path or `DOCKER_HOST` value tried.
        host: String,
        /// The underlying failure.
        reason: String,
    },
    /// The engine accepted the connection but sent no reply within the deadline
    /// ([`Deadlines`](crate::Deadlines)): a hung or overloaded engine.
    #[error("docker engine not answering at {host}: no reply within {}", crate::deadline::human(*after))]
    EngineNotAnswering {
        /// The socket path or `DOCKER_HOST` value tried.
        host: String,
        /// How long it was given.
        after: std::time::Duration,
    },
    /// An operation ran past its deadline, or its progress stopped for longer than the stall
    /// deadline ([`Deadlines`](crate::Deadlines)).
    #[error("{operation} {}", if *.stalled { format!("stalled: no progress for {}", crate::deadline::human(*.after)) } else { format!("did not finish within {}", crate::deadline::human(*.after)) })]
    TimedOut {
        /// What was cut short: `pull of redis:alpine`, `compose up of voting-app`.
        operation: String,
        /// The deadline that ran out.
        after: std::time::Duration,
        /// Whether it was a stall (no progress) rather than the overall deadline.
        stalled: bool,
    },
    /// An image is neither present locally nor pullable.
    #[error("image {image} not found: {reason}")]
    ImageNotFound {
        /// The image reference, tag included.
        image: String,
        /// What the engine said when pulling.
        reason: String,
    },
    /// A service's `build:` failed: the context cannot be read, or the engine's build
    /// stopped (the failing step's message).
    #[error("image {image} cannot be built: {reason}")]
    Build {
        /// The image reference being built, tag included.
        image: String,
        /// Why.
        reason: String,
    },
    /// A published host port is taken, by another container or another process.
    #[error("port {port} already allocated (service {service})")]
    PortAllocated {
        /// The service that publishes it.
        service: String,
        /// `ip:port` (or just the port) as the engine reported it.
        port: String,
    },
    /// A dependency never reached its `depends_on` condition.
    #[error("service {service} cannot start: dependency {dependency} {reason}")]
    Dependency {
        /// The waiting service.
        service: String,
        /// The dependency.
        dependency: String,
        /// What happened instead (unhealthy, exited, timed out).
        reason: String,
    },
    /// A network or volume of that name exists but belongs to something else, or an external
    /// one is missing.
    #[error("{kind} {name}: {reason}")]
    Resource {
        /// `network` or `volume`.
        kind: &'static str,
        /// The engine-side name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `up` could not bring every service up. It brought up all the others: the report of
    /// what it did is kept, with every failure. One failure renders as that failure alone.
    ///
    /// ```
    /// use charm_docker::{Error, error::{PartialUp, ServiceFailure}};
    /// let err = Error::Services(Box::new(PartialUp {
    ///     report: Default::default(),
    ///     failures: vec![
    ///         ServiceFailure { service: "vote".into(), error: Error::PortAllocated { service: "vote".into(), port: "127.0.0.1:5000".into() } },
    ///         ServiceFailure { service: "db".into(), error: Error::ImageNotFound { image: "pg:9".into(), reason: "no registry".into() } },
    ///     ],
    /// }));
    /// assert_eq!(err.to_string(), "2 services failed: port 127.0.0.1:5000 already allocated (service vote); service db: image pg:9 not found: no registry");
    /// ```
    #[error("{}", render_failures(&.0.failures))]
    Services(Box<PartialUp>),
    /// Any other engine failure, with the engine's message.
    #[error("docker engine error: {message}")]
    Engine {
        /// HTTP status, when the engine answered.
        status: Option<u16>,
        /// The engine's message.
        message: String,
    },
}

/// What a partly failed `up` did and what failed.
///
/// ```no_run
/// # let engine = charm_docker::Engine::connect()?;
/// # let project = charm_docker::Project::from_path(None, "docker-compose.yml")?;
/// if let Err(err) = engine.up(&project, &mut |_| {}) {
///     for failure in err.failures() {
///         eprintln!("{}: {}", failure.service, failure.error);
///     }
///     if let Some(done) = err.partial_report() {
///         eprintln!("still done: {done}");
///     }
/// }
/// # Ok::<(), charm_docker::Error>(())
/// ```
#[derive(Debug)]
pub struct PartialUp {
    /// What was done for the services that did come up (and the orphans removed).
    pub report: crate::UpReport,
    /// Every service that failed, in dependency order.
    pub failures: Vec<ServiceFailure>,
}

/// One service `up` could not bring up.
///
/// ```no_run
/// # let engine = charm_docker::Engine::connect()?;
/// # let project = charm_docker::Project::from_path(None, "docker-compose.yml")?;
/// let failed: Vec<String> = match engine.up(&project, &mut |_| {}) {
///     Ok(_) => Vec::new(),
///     Err(err) => err.failures().iter().map(|f| f.service.clone()).collect(),
/// };
/// # Ok::<(), charm_docker::Error>(())
/// ```
#[derive(Debug)]
pub struct ServiceFailure {
    /// The service.
    pub service: String,
    /// Why.
    pub error: Error,
}

impl Error {
    /// The per-service failures of a partly failed `up` (empty for any other error).
    pub fn failures(&self) -> &[ServiceFailure] {
        match self {
            Error::Services(partial) => &partial.failures,
            _ => &[],
        }
    }

    /// The report of what a partly failed `up` did do.
    pub fn partial_report(&self) -> Option<&crate::UpReport> {
        match self {
            Error::Services(partial) => Some(&partial.report),
            _ => None,
        }
    }
}

fn render_failures(failures: &[ServiceFailure]) -> String {
    // Errors that already name their service are not prefixed a second time.
    let one = |f: &ServiceFailure| match &f.error {
        e @ (Error::PortAllocated { .. } | Error::Dependency { .. }) => e.to_string(),
        e => format!("service {}: {e}", f.service),
    };
    match failures {
        [only] => one(only),
        all => format!(
            "{} services failed: {}",
            all.len(),
            all.iter().map(one).collect::<Vec<_>>().join("; ")
        ),
    }
}

/// Renders `, line N` when the line is known.
struct Line(Option<usize>);

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(line) => write!(f, ", line {line}"),
            None => Ok(()),
        }
    }
}

impl Error {
    /// Converts a bollard error from a call that has no more specific meaning.
    pub(crate) fn engine(err: bollard::errors::Error, host: &str) -> Error {
        use bollard::errors::Error as B;
        match err {
            B::DockerResponseServerError {
                status_code,
                message,
            } => Error::Engine {
                status: Some(status_code),
                message,
            },
            B::DockerStreamError { error } => Error::Engine {
                status: None,
                message: error,
            },
            // Transport failures: the engine went away (or never was there).
            err @ (B::SocketNotFoundError(_)
            | B::IOError { .. }
            | B::HyperResponseError { .. }
            | B::HyperLegacyError { .. }
            | B::RequestTimeoutError
            | B::UnsupportedURISchemeError { .. }) => Error::EngineUnreachable {
                host: host.to_owned(),
                reason: err.to_string(),
            },
            other => Error::Engine {
                status: None,
                message: other.to_string(),
            },
        }
    }
}
