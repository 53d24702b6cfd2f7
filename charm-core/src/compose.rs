//! Docker on the unit: the engine of the hook and Compose's `up` / `down`, as an extension
//! trait of [`Unit`] that only charms built with charm-core's `docker` feature have (a charm
//! without it compiles and links neither bollard nor tokio).

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::juju::{Status, StatusKind};
use crate::unit::{KV_STATUS, Unit, hex};

/// Where the last successful rendering of a project is remembered.
const KV_COMPOSE: &str = "compose.";

/// What [`DockerUnit::compose_converge`] did.
///
/// ```
/// #[charm_core::template(source = "services:\n  app:\n    image: {{ image }}\n", ext = "yml")]
/// struct Compose<'a> { image: &'a str }
///
/// use charm_core::{Converged, DockerUnit, Result, Unit};
/// fn converge(unit: &mut Unit) -> Result<()> {
///     let file = Compose { image: "redis:7" };
///     match unit.compose_converge("app", "files/docker-compose.yml", &file, "starting redis")? {
///         Converged::Unchanged => {}
///         Converged::Up(report) => unit.log().info(format!("up: {report}")),
///         // Already the unit's status: try again in a later hook.
///         Converged::Blocked(reason) => unit.log().warning(reason),
///     }
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub enum Converged {
    /// The rendering is the one the last successful `up` used, and nothing drifted.
    Unchanged,
    /// The project was brought up; the report says what changed.
    Up(charm_docker::UpReport),
    /// Docker refused, or the file could not be written; the reason is already the unit's
    /// status (`waiting` while the engine is away or not answering, else `blocked`).
    Blocked(String),
}

/// Docker on the unit (charm-core's `docker` feature; in [`crate::prelude`]).
///
/// ```no_run
/// use charm_core::DockerUnit;
/// # fn handler(unit: &mut charm_core::Unit) -> charm_core::Result<()> {
/// unit.compose_up("app", "files/app/docker-compose.yml")?;
/// # Ok(()) }
/// ```
pub trait DockerUnit {
    /// The Docker engine (`DOCKER_HOST` or the local socket), connected on first use and kept
    /// for the rest of the hook: one client per hook.
    fn docker(&mut self) -> Result<&mut dyn DockerBackend>;

    /// `docker compose -p PROJECT -f FILE up -d --remove-orphans`, natively: converges the
    /// project to the file (relative to the charm directory) and reports image pulls as
    /// `maintenance` status ("pulling redis:alpine 45%"), throttled to every 20% or 10 s.
    ///
    /// Ports that name no host address are published on all addresses, as Compose does,
    /// unless `CHARM_DOCKER_HOST_IP` is set in the hook's environment (local deployments and
    /// tests set `127.0.0.1` to stay on loopback).
    ///
    /// ```no_run
    /// # use charm_core::DockerUnit;
    /// # fn handler(unit: &mut charm_core::Unit) -> charm_core::Result<()> {
    /// let report = unit.compose_up("voting-app", "files/voting-app/docker-compose.yml")?;
    /// if report.changed() {
    ///     unit.log().info("workload reconfigured");
    /// }
    /// # Ok(()) }
    /// ```
    fn compose_up(
        &mut self,
        project: &str,
        file: impl AsRef<Path>,
    ) -> Result<charm_docker::UpReport>;

    /// Renders `template` to `file` (in the charm directory, mode 0600) and brings the compose
    /// project up if the rendering differs from the one the last successful `up` used. This is
    /// the whole "render, compare, up" of a Docker charm:
    ///
    /// - nothing changed: [`Converged::Unchanged`], no Docker call (except on
    ///   `update-status`, when a no-op `up` puts back containers removed by hand);
    /// - changed: `maintenance` status with `activity`, the file written atomically, the
    ///   project converged ([`Converged::Up`]);
    /// - Docker refused (image missing, port taken, invalid file, a pull stalled, `up` past its
    ///   deadline): the error is logged, the unit goes `blocked` with the cause, and
    ///   [`Converged::Blocked`] is returned instead of an error, so the hook succeeds; the
    ///   rendering is not recorded, so the next hook tries again. An engine that is down or
    ///   does not answer within the connect deadline is `waiting: Docker engine not answering
    ///   at ...` (or `not reachable`) the same way;
    /// - the file cannot be written (disk full, permission denied, read-only filesystem):
    ///   `blocked: cannot write FILE: no space left on the device`, [`Converged::Blocked`].
    ///
    /// The file is rewritten whenever its bytes differ from the rendering, whatever the last
    /// hook recorded. Every wait on the engine is bounded ([`charm_docker::Deadlines`]).
    ///
    /// ```no_run
    /// # #[charm_core::template(source = "services: {}\n", ext = "yml")]
    /// # struct Compose;
    /// # fn handler(unit: &mut charm_core::Unit) -> charm_core::Result<()> {
    /// use charm_core::{Converged, DockerUnit};
    /// match unit.compose_converge("app", "files/app/docker-compose.yml", &Compose, "Configuring")? {
    ///     Converged::Blocked(_) => {} // status already says why
    ///     _ => unit.status().active("Ready")?,
    /// }
    /// # Ok(()) }
    /// ```
    fn compose_converge(
        &mut self,
        project: &str,
        file: &str,
        template: &impl crate::render::YamlTemplate,
        activity: &str,
    ) -> Result<Converged>;

    /// `docker compose -p PROJECT -f FILE down` (named volumes too when `volumes`).
    fn compose_down(
        &mut self,
        project: &str,
        file: impl AsRef<Path>,
        volumes: bool,
    ) -> Result<charm_docker::DownReport>;
}

impl DockerUnit for Unit {
    fn docker(&mut self) -> Result<&mut dyn DockerBackend> {
        let engine = take_engine(self)?;
        Ok(self.docker.insert(engine).as_mut())
    }

    fn compose_up(
        &mut self,
        project: &str,
        file: impl AsRef<Path>,
    ) -> Result<charm_docker::UpReport> {
        let project = charm_docker::Project::from_path(Some(project), self.charm_path(file))?
            .with_default_host_ip(self.env.docker_host_ip.clone());
        // Taken out of `self` so the progress callback can borrow `self.juju`.
        let engine = take_engine(self)?;
        let mut throttle = charm_docker::Throttle::new(20, std::time::Duration::from_secs(10));
        let mut status_error = None;
        let result = engine.up(&project, &mut |progress| {
            if throttle.admit(progress) && status_error.is_none() {
                let status = Status {
                    kind: StatusKind::Maintenance,
                    message: progress.to_string(),
                };
                // The memo follows Juju, not this hook's transaction (see `status_memo`):
                // forget before the call, record after it, as `Unit`'s own statuses do.
                let sent = self
                    .status_memo
                    .forget(KV_STATUS)
                    .and_then(|()| self.juju.status_set(&status, false));
                let recorded = sent.and_then(|()| {
                    let value = serde_json::to_value(&status)?;
                    self.status_memo.record(KV_STATUS, value)
                });
                if let Err(err) = recorded {
                    status_error = Some(err);
                }
            }
        });
        self.docker = Some(engine);
        if let Some(err) = status_error {
            return Err(err);
        }
        Ok(result?)
    }

    fn compose_converge(
        &mut self,
        project: &str,
        file: &str,
        template: &impl crate::render::YamlTemplate,
        activity: &str,
    ) -> Result<Converged> {
        let rendered = crate::render::render(template)?;
        let slot = format!("{KV_COMPOSE}{project}");
        let hash = Value::String(hex(&Sha256::digest(rendered.as_bytes())));
        // Unchanged only if the last successful `up` used this rendering *and* the file on
        // disk is it: a failed (or killed) hook may have written another one, and its
        // rolled-back record would otherwise hide that (then containers, file and config
        // could disagree until the config changed again).
        let on_disk = std::fs::read(self.charm_path(file))
            .map(|bytes| Value::String(hex(&Sha256::digest(bytes))))
            .unwrap_or(Value::Null);
        let unchanged = self.kv.get(&slot) == Some(&hash) && on_disk == hash;
        if unchanged && self.env.hook != "update-status" {
            return Ok(Converged::Unchanged);
        }
        if !unchanged {
            self.status().maintenance(activity)?;
            if let Err(err) =
                crate::write_atomically(&self.charm_path(file), rendered.as_bytes(), 0o600)
            {
                let Some(reason) = write_status(file, &err) else {
                    return Err(err);
                };
                self.log().error(format!("rendering {file}: {err}"));
                self.status().blocked(reason.clone())?;
                return Ok(Converged::Blocked(reason));
            }
        }
        match self.compose_up(project, file) {
            Ok(report) => {
                self.kv.insert(slot, hash);
                Ok(if unchanged && !report.changed() {
                    Converged::Unchanged
                } else {
                    Converged::Up(report)
                })
            }
            Err(Error::Docker(err)) => {
                let (kind, reason) = docker_status(&err);
                self.log().error(format!("compose up {project}: {err}"));
                self.status().set(kind, reason.clone())?;
                Ok(Converged::Blocked(reason))
            }
            Err(err) => Err(err),
        }
    }

    fn compose_down(
        &mut self,
        project: &str,
        file: impl AsRef<Path>,
        volumes: bool,
    ) -> Result<charm_docker::DownReport> {
        let project = charm_docker::Project::from_path(Some(project), self.charm_path(file))?;
        let options = charm_docker::DownOptions { volumes };
        Ok(self.docker()?.down(&project, options)?)
    }
}

/// The hook's engine, connecting if this is the first use (or the test double the harness
/// installed); put it back when done. A failed connection is not tried again in the same hook:
/// an engine that does not answer costs one `connect` deadline per hook, not one per use.
fn take_engine(unit: &mut Unit) -> Result<Box<dyn DockerBackend>> {
    if let Some(engine) = unit.docker.take() {
        return Ok(engine);
    }
    if let Some(double) = OVERRIDE.with(|o| o.borrow().clone()) {
        return Ok(Box::new(double));
    }
    if let Some(failure) = &unit.docker_failure {
        return Err(Error::Docker(failure.replay()));
    }
    let settings = &unit.env.settings;
    let deadlines = charm_docker::Deadlines::from_lookup(|k| settings.get(k).map(str::to_owned))
        .map_err(Error::Environment)?;
    // DOCKER_HOST from the settings (file or environment), else the local socket.
    let host = settings
        .get("DOCKER_HOST")
        .unwrap_or(charm_docker::DEFAULT_HOST)
        .to_owned();
    match charm_docker::Engine::connect_with(&host, deadlines) {
        Ok(engine) => Ok(Box::new(engine)),
        Err(err) => {
            unit.docker_failure = Some(EngineFailure::of(&err));
            Err(Error::Docker(err))
        }
    }
}

/// A failed connection, kept to answer the hook's later uses of the engine.
#[derive(Debug, Clone)]
pub(crate) struct EngineFailure {
    host: String,
    reason: String,
    /// `Some` when the engine accepted and did not answer within this deadline.
    not_answering: Option<std::time::Duration>,
}

impl EngineFailure {
    fn of(err: &charm_docker::Error) -> Self {
        match err {
            charm_docker::Error::EngineNotAnswering { host, after } => Self {
                host: host.clone(),
                reason: String::new(),
                not_answering: Some(*after),
            },
            charm_docker::Error::EngineUnreachable { host, reason } => Self {
                host: host.clone(),
                reason: reason.clone(),
                not_answering: None,
            },
            other => Self {
                host: String::new(),
                reason: other.to_string(),
                not_answering: None,
            },
        }
    }

    fn replay(&self) -> charm_docker::Error {
        match self.not_answering {
            Some(after) => charm_docker::Error::EngineNotAnswering {
                host: self.host.clone(),
                after,
            },
            None => charm_docker::Error::EngineUnreachable {
                host: self.host.clone(),
                reason: self.reason.clone(),
            },
        }
    }
}

/// The status an operator-fixable Docker failure puts the unit in: `waiting` while the engine
/// is away or slow (it may come back by itself), `blocked` for what needs the operator (a
/// port taken, an image missing, a file Docker refuses).
pub(crate) fn docker_status(err: &charm_docker::Error) -> (StatusKind, String) {
    use charm_docker::Error as D;
    match err {
        D::EngineNotAnswering { host, .. } => (
            StatusKind::Waiting,
            format!("Docker engine not answering at {host}"),
        ),
        D::EngineUnreachable { host, .. } => (
            StatusKind::Waiting,
            format!("Docker engine not reachable at {host}"),
        ),
        other => (StatusKind::Blocked, format!("Docker: {other}")),
    }
}

/// The status for a rendered file that cannot be written: disk full, permission denied, a
/// read-only filesystem are the operator's to fix, not a hook error.
fn write_status(file: &str, err: &Error) -> Option<String> {
    use std::io::ErrorKind as K;
    let Error::Io { source, .. } = err else {
        return None;
    };
    let cause = match source.kind() {
        K::StorageFull => "no space left on the device",
        K::PermissionDenied => "permission denied",
        K::ReadOnlyFilesystem => "the filesystem is read-only",
        K::QuotaExceeded => "disk quota exceeded",
        _ => return None,
    };
    Some(format!("cannot write {file}: {cause}"))
}

/// What the unit asks of Docker: the real engine ([`charm_docker::Engine`]), or a test double
/// (charm-testing's `FakeDocker`) that records `up`s and `down`s and fails on demand.
pub trait DockerBackend {
    /// The Engine API version the client speaks (`1.45`).
    fn api_version(&self) -> String;
    /// Whether the engine answers.
    fn ping(&self) -> std::result::Result<(), charm_docker::Error>;
    /// `docker compose up -d --remove-orphans` of `project`.
    fn up(
        &self,
        project: &charm_docker::Project,
        progress: &mut dyn FnMut(&charm_docker::Progress),
    ) -> std::result::Result<charm_docker::UpReport, charm_docker::Error>;
    /// `docker compose down` of `project`.
    fn down(
        &self,
        project: &charm_docker::Project,
        options: charm_docker::DownOptions,
    ) -> std::result::Result<charm_docker::DownReport, charm_docker::Error>;
    /// Each container of project `project`: state, restarts, healthcheck verdict. A double
    /// without it says so.
    fn health(
        &self,
        project: &str,
    ) -> std::result::Result<Vec<charm_docker::ContainerHealth>, charm_docker::Error> {
        let _ = project;
        Err(unsupported("health"))
    }
    /// Runs a one-off container to its end (`docker run --rm`). A double without it says so.
    fn run_once(
        &self,
        spec: &charm_docker::OneOff,
    ) -> std::result::Result<charm_docker::OneOffOutput, charm_docker::Error> {
        let _ = spec;
        Err(unsupported("run_once"))
    }
}

fn unsupported(what: &str) -> charm_docker::Error {
    charm_docker::Error::Engine {
        status: None,
        message: format!("this Docker backend does not implement {what}"),
    }
}

impl DockerBackend for charm_docker::Engine {
    fn api_version(&self) -> String {
        charm_docker::Engine::api_version(self)
    }
    fn ping(&self) -> std::result::Result<(), charm_docker::Error> {
        charm_docker::Engine::ping(self)
    }
    fn up(
        &self,
        project: &charm_docker::Project,
        progress: &mut dyn FnMut(&charm_docker::Progress),
    ) -> std::result::Result<charm_docker::UpReport, charm_docker::Error> {
        charm_docker::Engine::up(self, project, progress)
    }
    fn down(
        &self,
        project: &charm_docker::Project,
        options: charm_docker::DownOptions,
    ) -> std::result::Result<charm_docker::DownReport, charm_docker::Error> {
        charm_docker::Engine::down(self, project, options)
    }
    fn health(
        &self,
        project: &str,
    ) -> std::result::Result<Vec<charm_docker::ContainerHealth>, charm_docker::Error> {
        charm_docker::Engine::health(self, project)
    }
    fn run_once(
        &self,
        spec: &charm_docker::OneOff,
    ) -> std::result::Result<charm_docker::OneOffOutput, charm_docker::Error> {
        charm_docker::Engine::run_once(self, spec)
    }
}

impl<T: DockerBackend + ?Sized> DockerBackend for Rc<T> {
    fn api_version(&self) -> String {
        (**self).api_version()
    }
    fn ping(&self) -> std::result::Result<(), charm_docker::Error> {
        (**self).ping()
    }
    fn up(
        &self,
        project: &charm_docker::Project,
        progress: &mut dyn FnMut(&charm_docker::Progress),
    ) -> std::result::Result<charm_docker::UpReport, charm_docker::Error> {
        (**self).up(project, progress)
    }
    fn down(
        &self,
        project: &charm_docker::Project,
        options: charm_docker::DownOptions,
    ) -> std::result::Result<charm_docker::DownReport, charm_docker::Error> {
        (**self).down(project, options)
    }
    fn health(
        &self,
        project: &str,
    ) -> std::result::Result<Vec<charm_docker::ContainerHealth>, charm_docker::Error> {
        (**self).health(project)
    }
    fn run_once(
        &self,
        spec: &charm_docker::OneOff,
    ) -> std::result::Result<charm_docker::OneOffOutput, charm_docker::Error> {
        (**self).run_once(spec)
    }
}

thread_local! {
    /// The test double hooks run in this thread use instead of connecting to an engine.
    static OVERRIDE: RefCell<Option<Rc<dyn DockerBackend>>> = const { RefCell::new(None) };
}

/// Runs `f` with `backend` as the Docker engine of every hook run in-process on this thread
/// (the test harness's Docker double). Not for charms.
#[doc(hidden)]
pub fn with_docker_backend<R>(backend: Rc<dyn DockerBackend>, f: impl FnOnce() -> R) -> R {
    let previous = OVERRIDE.with(|o| o.replace(Some(backend)));
    let out = f();
    OVERRIDE.with(|o| *o.borrow_mut() = previous);
    out
}
