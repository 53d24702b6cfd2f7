//! The synchronous face of the crate: one engine connection driven by its own
//! current-thread runtime, so charm handlers never see async.

use std::collections::HashMap;

use bollard::Docker;
use bollard::models::ContainerSummary;
use bollard::query_parameters::{
    ListContainersOptions, RemoveContainerOptions, StopContainerOptions,
};
use tokio::runtime::Runtime;

use crate::progress::Progress;
use crate::report::{DownOptions, DownReport, PublishedPort, ServiceState, UpReport};
use crate::{Deadlines, Error, Project, Result, down, file::Protocol, names, up};

/// Where the engine listens when `DOCKER_HOST` is not set.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// A connection to the Docker engine.
///
/// ```no_run
/// use charm_docker::{Engine, Project, DownOptions};
/// let engine = Engine::connect()?;
/// engine.ping()?;
/// let project = Project::from_path(Some("voting-app"), "files/voting-app/docker-compose.yml")?;
/// let report = engine.up(&project, &mut |p| eprintln!("{p}"))?;
/// println!("{report}");
/// for state in engine.ps(&project)? {
///     println!("{} {}", state.container, state.state);
/// }
/// engine.down(&project, DownOptions { volumes: false })?;
/// # Ok::<(), charm_docker::Error>(())
/// ```
pub struct Engine {
    runtime: Runtime,
    docker: Docker,
    host: String,
    deadlines: Deadlines,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Connects where the docker CLI would: `DOCKER_HOST` when set, else the local socket
    /// `unix:///var/run/docker.sock`; then negotiates the API version (one round trip, which
    /// also proves the engine answers). The [`Deadlines`] come from the environment.
    pub fn connect() -> Result<Engine> {
        let host = std::env::var("DOCKER_HOST")
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| DEFAULT_HOST.to_owned());
        let deadlines = Deadlines::from_env().map_err(|message| Error::Engine {
            status: None,
            message,
        })?;
        Engine::connect_with(&host, deadlines)
    }

    /// Connects to `host` (`unix:///path/to/docker.sock`, or `tcp://host:port` for an engine
    /// listening on plain HTTP) with the default [`Deadlines`].
    ///
    /// ```
    /// let err = charm_docker::Engine::connect_to("unix:///nonexistent/docker.sock").unwrap_err();
    /// assert!(matches!(err, charm_docker::Error::EngineUnreachable { .. }));
    /// assert!(err.to_string().contains("/nonexistent/docker.sock"), "{err}");
    /// ```
    pub fn connect_to(host: &str) -> Result<Engine> {
        Engine::connect_with(host, Deadlines::default())
    }

    /// Connects to `host` with `deadlines`: one connection attempt, bounded by
    /// `deadlines.connect` (an engine that accepts and never answers is
    /// [`Error::EngineNotAnswering`] within that time).
    ///
    /// Supported addresses: `unix://PATH`, and `tcp://HOST:PORT` / `http://HOST:PORT` (plain
    /// HTTP, as `dockerd -H tcp://...` without `--tls`). TLS (`https://`, `DOCKER_TLS_VERIFY`)
    /// and `ssh://` are refused with [`Error::EngineUnreachable`] saying so.
    ///
    /// ```
    /// let err = charm_docker::Engine::connect_with("ssh://me@host", Default::default()).unwrap_err();
    /// assert!(err.to_string().contains("not supported"), "{err}");
    /// ```
    pub fn connect_with(host: &str, deadlines: Deadlines) -> Result<Engine> {
        let unreachable = |reason: String| Error::EngineUnreachable {
            host: host.to_owned(),
            reason,
        };
        let plain_http = host.starts_with("tcp://") || host.starts_with("http://");
        if !(host.starts_with("unix://") || plain_http) {
            return Err(unreachable(
                "this address scheme is not supported: use unix://PATH or tcp://HOST:PORT \
                 (plain HTTP; TLS and ssh:// engines are not supported)"
                    .to_owned(),
            ));
        }
        if plain_http && std::env::var_os("DOCKER_TLS_VERIFY").is_some_and(|v| !v.is_empty()) {
            return Err(unreachable(
                "DOCKER_TLS_VERIFY is set, but TLS engine connections are not supported".to_owned(),
            ));
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| Error::Engine {
                status: None,
                message: format!("cannot start the I/O runtime: {e}"),
            })?;
        let as_unreachable = |err: bollard::errors::Error| match Error::engine(err, host) {
            Error::Engine { message, .. } => unreachable(message),
            other => other,
        };
        // The client's connection pool spawns onto the ambient runtime.
        let _entered = runtime.enter();
        let docker = Docker::connect_with_host(host)
            .map_err(as_unreachable)?
            .with_timeout(deadlines.request);
        let negotiated = runtime.block_on(async {
            tokio::time::timeout(deadlines.connect, docker.negotiate_version()).await
        });
        let docker = match negotiated {
            Ok(answer) => answer.map_err(as_unreachable)?,
            Err(_) => {
                return Err(Error::EngineNotAnswering {
                    host: host.to_owned(),
                    after: deadlines.connect,
                });
            }
        };
        drop(_entered);
        Ok(Engine {
            runtime,
            docker,
            host: host.to_owned(),
            deadlines,
        })
    }

    /// The deadlines this engine's calls run under.
    pub fn deadlines(&self) -> Deadlines {
        self.deadlines
    }

    /// Where this engine was reached.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The negotiated API version, e.g. `1.41`.
    pub fn api_version(&self) -> String {
        let v = self.docker.client_version();
        format!("{}.{}", v.major_version, v.minor_version)
    }

    /// Checks that the engine answers, within the `connect` deadline.
    pub fn ping(&self) -> Result<()> {
        let after = self.deadlines.connect;
        match self
            .runtime
            .block_on(async { tokio::time::timeout(after, self.docker.ping()).await })
        {
            Ok(answer) => answer.map(drop).map_err(|e| Error::engine(e, &self.host)),
            Err(_) => Err(Error::EngineNotAnswering {
                host: self.host.clone(),
                after,
            }),
        }
    }

    /// `docker compose up -d --remove-orphans`: converges the engine to `project`, pulling
    /// missing images with `progress` reports. An `up` with nothing changed changes nothing.
    ///
    /// Bounded by the `up` deadline, and each pull by the `stall` one ([`Deadlines`]): past
    /// them, [`Error::TimedOut`].
    pub fn up(&self, project: &Project, progress: &mut dyn FnMut(&Progress)) -> Result<UpReport> {
        let after = self.deadlines.up;
        self.runtime.block_on(async {
            match tokio::time::timeout(after, up::up(&self.ctx(), project, progress)).await {
                Ok(result) => result,
                Err(_) => Err(Error::TimedOut {
                    operation: format!("compose up of {}", project.name()),
                    after,
                    stalled: false,
                }),
            }
        })
    }

    /// `docker compose down`: removes the project's containers (reverse dependency order,
    /// then orphans), its networks, and its named volumes when `options.volumes`.
    pub fn down(&self, project: &Project, options: DownOptions) -> Result<DownReport> {
        self.runtime
            .block_on(down::down(&self.ctx(), project, options))
    }

    /// `docker compose ps -a`: the project's containers, by service then number.
    pub fn ps(&self, project: &Project) -> Result<Vec<ServiceState>> {
        self.runtime.block_on(async {
            let ctx = self.ctx();
            let mut states: Vec<ServiceState> = ctx
                .project_containers(project.name())
                .await?
                .iter()
                .map(service_state)
                .collect();
            states.sort_by(|a, b| (&a.service, a.number).cmp(&(&b.service, b.number)));
            Ok(states)
        })
    }

    pub(crate) fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    pub(crate) fn ctx(&self) -> Ctx<'_> {
        Ctx {
            docker: &self.docker,
            host: &self.host,
            deadlines: self.deadlines,
        }
    }
}

/// What the async operations share.
pub(crate) struct Ctx<'a> {
    pub(crate) docker: &'a Docker,
    pub(crate) host: &'a str,
    pub(crate) deadlines: Deadlines,
}

impl Ctx<'_> {
    pub(crate) fn err(&self, err: bollard::errors::Error) -> Error {
        match err {
            bollard::errors::Error::RequestTimeoutError => Error::EngineNotAnswering {
                host: self.host.to_owned(),
                after: self.deadlines.request,
            },
            err => Error::engine(err, self.host),
        }
    }

    /// Filters on label `key=value`.
    pub(crate) fn label_filter(key: &str, value: &str) -> HashMap<String, Vec<String>> {
        HashMap::from([("label".to_owned(), vec![format!("{key}={value}")])])
    }

    /// The project's service containers (not one-off), running or not: one engine call.
    pub(crate) async fn project_containers(&self, project: &str) -> Result<Vec<ContainerSummary>> {
        let options = ListContainersOptions {
            all: true,
            filters: Some(Self::label_filter(names::labels::PROJECT, project)),
            ..Default::default()
        };
        let containers = self
            .docker
            .list_containers(Some(options))
            .await
            .map_err(|e| self.err(e))?;
        Ok(containers
            .into_iter()
            .filter(|c| label(c, names::labels::ONEOFF) != Some("True"))
            .collect())
    }

    /// Stops (with the container's own grace period) then removes a container; one that is
    /// already gone counts as removed.
    pub(crate) async fn stop_and_remove(&self, id: &str, volumes: bool) -> Result<()> {
        match self
            .docker
            .stop_container(id, None::<StopContainerOptions>)
            .await
        {
            Ok(()) => {}
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => return Ok(()),
            Err(e) => return Err(self.err(e)),
        }
        let options = RemoveContainerOptions {
            force: true,
            v: volumes,
            ..Default::default()
        };
        match self.docker.remove_container(id, Some(options)).await {
            Ok(())
            | Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => Ok(()),
            Err(e) => Err(self.err(e)),
        }
    }
}

/// A label of a listed container.
pub(crate) fn label<'c>(container: &'c ContainerSummary, key: &str) -> Option<&'c str> {
    container.labels.as_ref()?.get(key).map(String::as_str)
}

/// The container's name without the leading `/`.
pub(crate) fn container_name(container: &ContainerSummary) -> String {
    container
        .names
        .as_ref()
        .and_then(|n| n.first())
        .map(|n| n.trim_start_matches('/').to_owned())
        .unwrap_or_default()
}

fn service_state(c: &ContainerSummary) -> ServiceState {
    use bollard::models::PortSummaryTypeEnum as P;
    let ports = c
        .ports
        .iter()
        .flatten()
        .filter_map(|p| {
            Some(PublishedPort {
                host_ip: p.ip.clone().unwrap_or_default(),
                host_port: p.public_port?,
                container_port: p.private_port,
                protocol: match p.typ {
                    Some(P::UDP) => Protocol::Udp,
                    Some(P::SCTP) => Protocol::Sctp,
                    _ => Protocol::Tcp,
                },
            })
        })
        .collect();
    ServiceState {
        service: label(c, names::labels::SERVICE)
            .unwrap_or_default()
            .to_owned(),
        container: container_name(c),
        number: label(c, names::labels::CONTAINER_NUMBER)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
        state: c.state.map(|s| s.to_string()).unwrap_or_default(),
        ports,
    }
}
