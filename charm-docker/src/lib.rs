//! Docker Compose's `up`, `down` and `ps`, done natively over the Docker Engine API.
//!
//! A charm renders its compose file, then converges the engine to it from a hook, with no
//! async in sight and no `docker-compose` binary:
//!
//! ```no_run
//! use charm_docker::{DownOptions, Engine, Project, Throttle};
//! use std::time::Duration;
//!
//! let engine = Engine::connect()?; // DOCKER_HOST, else /var/run/docker.sock
//! let project = Project::from_path(Some("voting-app"), "files/voting-app/docker-compose.yml")?;
//! // At most one status message per image per 10% (or per 5 s).
//! let mut report_progress = Throttle::new(10, Duration::from_secs(5))
//!     .wrap(|p| println!("status-set maintenance '{p}'"));
//! let report = engine.up(&project, &mut report_progress)?;
//! println!("{report}"); // e.g. "redis created, vote unchanged"
//! engine.down(&project, DownOptions { volumes: false })?;
//! # Ok::<(), charm_docker::Error>(())
//! ```
//!
//! What `up` and `down` do mirrors Docker Compose v2 (names, labels, convergence by config
//! hash, dependency order, orphans); every error is a typed [`Error`] whose message is fit
//! for a Juju `blocked` status.
//!
//! # Variables
//!
//! A file is interpolated as the Compose specification says ([`interpolate`]: `$VAR`,
//! `${VAR:-default}`, `${VAR:?message}`, `$$` for a literal `$`, ...) from the variables the
//! caller passes and the `.env` file beside the compose file, never from the process
//! environment, so a charm's own (`JUJU_*`, credentials) cannot reach a workload by accident:
//!
//! ```no_run
//! use charm_docker::{Environment, Project};
//! let project = Project::builder("files/app/docker-compose.yml")
//!     .name("app")
//!     .environment(Environment::from_iter([("VOTE_PORT", "5000")]))
//!     .build()?;
//! # Ok::<(), charm_docker::Error>(())
//! ```
//!
//! # Other Compose implementations
//!
//! Containers carry labels docker-compose 1.29 and `docker compose` v2 read: both `ps` and
//! `down` a project charm-docker brought up. docker-compose 1.29's config hash is
//! reproduced and written on our containers, so its `up` keeps ours and our `up` keeps its
//! (tests/compose1.rs). Compose v2's hash is reproduced too
//! ([`Project::compose_v2_hash`], checked against `docker compose config --hash` in
//! tests/compose2_hash.rs), so our `up` keeps v2's containers and recreates only the
//! services that changed; v2's `up` recreates ours once (the one `config-hash` label holds
//! 1.29's hash), then leaves them alone (tests/compose2.rs). A service using a form whose
//! v2 hash is not reproduced (`develop`, `network_mode: service:X`, ...: see the README) has
//! v2's containers recreated, never wrongly kept:
//!
//! ```
//! let file: charm_docker::ComposeFile =
//!     "services:\n  db: {image: charm-test/busybox, command: [sleep, \"3600\"], init: true}\n".parse()?;
//! let project = charm_docker::Project::new("demo", "/srv/demo", file)?;
//! // What `docker compose config --hash db` prints for the same file.
//! assert_eq!(
//!     project.compose_v2_hash("db").as_deref(),
//!     Some("0ce4cf44b2559ba0348d5a86a8c965755af21f3b8bc3bd9a4ddfc39a66a48e4d")
//! );
//! # Ok::<(), charm_docker::Error>(())
//! ```
//!
//! See the crate's README for the supported keys, what is refused and why, and the measured
//! acceptance of real files.

mod build;
mod changes;
mod compat;
mod compose2;
pub mod deadline;
mod down;
mod engine;
pub mod error;
pub mod file;
mod hash;
mod hooks;
pub mod image;
mod inspect;
pub mod interpolate;
pub mod names;
mod plan;
pub mod progress;
mod project;
pub mod report;
mod spec;
mod up;

pub use deadline::Deadlines;
pub use engine::{DEFAULT_HOST, Engine};
pub use error::{Error, Result};
pub use file::{
    Build, Command, ComposeFile, Condition, Dependency, Device, ExtraHost, Healthcheck, Mount,
    NetworkDef, Port, Protocol, Restart, Service, ServiceNetwork, Ulimit, VolumeDef,
};
pub use inspect::{ContainerHealth, OneOff, OneOffNetwork, OneOffOutput};
pub use interpolate::{Environment, InterpolationError};
pub use progress::{Progress, Throttle};
pub use project::{Project, ProjectBuilder};
pub use report::{
    Action, ContainerReport, DownOptions, DownReport, PublishedPort, ServiceReport, ServiceState,
    UpReport,
};
