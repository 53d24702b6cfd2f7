//! What a charm's `update-status` and its actions ask of the engine beyond Compose's verbs:
//! each container's health ([`Engine::health`]) and a one-off container run to its end
//! ([`Engine::run_once`], e.g. `pg_dump` from the database image).

use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{
    CreateContainerOptions, InspectContainerOptions, LogsOptions, RemoveContainerOptions,
    StartContainerOptions, WaitContainerOptions,
};
use futures_util::StreamExt;

use crate::engine::{Ctx, container_name, label};
use crate::{Engine, Error, Result, names};

/// One container of a project, as `update-status` judges it.
///
/// ```no_run
/// # let engine = charm_docker::Engine::connect()?;
/// // In `update-status`: one line per degraded container.
/// for c in engine.health("voting-app")? {
///     if let Some(why) = c.degraded() {
///         println!("{}: {why}", c.service);
///     }
/// }
/// # Ok::<(), charm_docker::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerHealth {
    /// Service name.
    pub service: String,
    /// Container name.
    pub container: String,
    /// Engine state: `running`, `exited`, `restarting`, ...
    pub state: String,
    /// How often the engine restarted it (its restart policy).
    pub restarts: i64,
    /// The healthcheck's verdict (`healthy`, `unhealthy`, `starting`), when the image or the
    /// service has a healthcheck.
    pub health: Option<String>,
}

impl ContainerHealth {
    /// Why this container is degraded, or `None` when it is fine: not running, unhealthy, or
    /// restarted by the engine.
    ///
    /// ```
    /// let c = charm_docker::ContainerHealth {
    ///     service: "vote".into(), container: "app-vote-1".into(),
    ///     state: "exited".into(), restarts: 0, health: None,
    /// };
    /// assert_eq!(c.degraded().as_deref(), Some("exited"));
    /// ```
    pub fn degraded(&self) -> Option<String> {
        let mut why = Vec::new();
        // A stopped container keeps its last verdict: only a running one's health counts.
        if self.state != "running" {
            why.push(self.state.clone());
        } else if self.health.as_deref() == Some("unhealthy") {
            why.push("unhealthy".to_owned());
        }
        if self.restarts > 0 {
            why.push(format!("restarted {}x", self.restarts));
        }
        (!why.is_empty()).then(|| why.join(", "))
    }
}

/// Where a one-off container's network is.
///
/// ```no_run
/// use charm_docker::{OneOff, OneOffNetwork};
/// # let engine = charm_docker::Engine::connect()?;
/// let dump = OneOff {
///     image: "postgres:16".into(),
///     command: vec!["pg_dump".into(), "-h".into(), "db".into(), "votes".into()],
///     env: vec!["PGPASSWORD=pw".into()],
///     network: OneOffNetwork::Named("voting-app_default".into()),
///     binds: Vec::new(),
///     user: None,
/// };
/// let out = engine.run_once(&dump)?;
/// assert_eq!(out.exit_code, 0, "{}", String::from_utf8_lossy(&out.stderr));
/// # Ok::<(), charm_docker::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OneOffNetwork {
    /// The host's network (reaches what the host reaches, loopback included).
    Host,
    /// A named network, e.g. a project's `PROJECT_default`, to reach its services by name.
    Named(String),
}

/// A one-off container: `docker run --rm` of `image` with `command`.
///
/// ```no_run
/// use charm_docker::{OneOff, OneOffNetwork};
/// # let engine = charm_docker::Engine::connect()?;
/// let dump = OneOff {
///     image: "postgres:16".into(),
///     command: vec!["pg_dump".into(), "-h".into(), "db".into(), "votes".into()],
///     env: vec!["PGPASSWORD=pw".into()],
///     network: OneOffNetwork::Named("voting-app_default".into()),
///     binds: Vec::new(),
///     user: None,
/// };
/// let out = engine.run_once(&dump)?;
/// assert_eq!(out.exit_code, 0, "{}", String::from_utf8_lossy(&out.stderr));
/// # Ok::<(), charm_docker::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOff {
    /// The image (must be present: nothing is pulled).
    pub image: String,
    /// The command and its arguments.
    pub command: Vec<String>,
    /// `KEY=VALUE` environment.
    pub env: Vec<String>,
    /// Its network.
    pub network: OneOffNetwork,
    /// `host-path:container-path[:ro]` bind mounts.
    pub binds: Vec<String>,
    /// The user to run as (`0` for root), when not the image's.
    pub user: Option<String>,
}

/// How a one-off container ended.
///
/// ```no_run
/// use charm_docker::{OneOff, OneOffNetwork};
/// # let engine = charm_docker::Engine::connect()?;
/// let dump = OneOff {
///     image: "postgres:16".into(),
///     command: vec!["pg_dump".into(), "-h".into(), "db".into(), "votes".into()],
///     env: vec!["PGPASSWORD=pw".into()],
///     network: OneOffNetwork::Named("voting-app_default".into()),
///     binds: Vec::new(),
///     user: None,
/// };
/// let out = engine.run_once(&dump)?;
/// assert_eq!(out.exit_code, 0, "{}", String::from_utf8_lossy(&out.stderr));
/// # Ok::<(), charm_docker::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOffOutput {
    /// The command's exit code.
    pub exit_code: i64,
    /// What it wrote to stdout.
    pub stdout: Vec<u8>,
    /// What it wrote to stderr.
    pub stderr: Vec<u8>,
}

impl Engine {
    /// The health of each container of project `project` (one list call, one inspect per
    /// container), by service then name.
    pub fn health(&self, project: &str) -> Result<Vec<ContainerHealth>> {
        let ctx = self.ctx();
        self.block_on(async {
            let mut out = Vec::new();
            for c in ctx.project_containers(project).await? {
                let name = container_name(&c);
                let inspected = ctx
                    .docker
                    .inspect_container(&name, None::<InspectContainerOptions>)
                    .await
                    .map_err(|e| ctx.err(e))?;
                let state = inspected.state.as_ref();
                out.push(ContainerHealth {
                    service: label(&c, names::labels::SERVICE)
                        .unwrap_or_default()
                        .to_owned(),
                    container: name,
                    state: state
                        .and_then(|s| s.status)
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                    restarts: inspected.restart_count.unwrap_or(0),
                    health: state
                        .and_then(|s| s.health.as_ref())
                        .and_then(|h| h.status)
                        .map(|s| s.to_string())
                        .filter(|s| !s.is_empty() && s != "none"),
                });
            }
            out.sort_by(|a, b| (&a.service, &a.container).cmp(&(&b.service, &b.container)));
            Ok(out)
        })
    }

    /// Runs `spec` in a new container to its end and removes it, whatever happened: its
    /// exit code and output. The container is labelled as Compose labels `run` containers
    /// (one-off), so no project's `ps` or `up` counts it.
    pub fn run_once(&self, spec: &OneOff) -> Result<OneOffOutput> {
        let ctx = self.ctx();
        let name = format!("charm-oneoff-{}-{}", std::process::id(), unique());
        let body = ContainerCreateBody {
            image: Some(spec.image.clone()),
            cmd: Some(spec.command.clone()),
            env: (!spec.env.is_empty()).then(|| spec.env.clone()),
            user: spec.user.clone(),
            labels: Some([(names::labels::ONEOFF.to_owned(), "True".to_owned())].into()),
            host_config: Some(HostConfig {
                network_mode: Some(match &spec.network {
                    OneOffNetwork::Host => "host".to_owned(),
                    OneOffNetwork::Named(n) => n.clone(),
                }),
                binds: (!spec.binds.is_empty()).then(|| spec.binds.clone()),
                ..Default::default()
            }),
            ..Default::default()
        };
        self.block_on(async {
            let options = CreateContainerOptions {
                name: Some(name.clone()),
                ..Default::default()
            };
            match ctx.docker.create_container(Some(options), body).await {
                Ok(_) => {}
                Err(bollard::errors::Error::DockerResponseServerError {
                    status_code: 404,
                    message,
                }) => {
                    return Err(Error::ImageNotFound {
                        image: spec.image.clone(),
                        reason: message,
                    });
                }
                Err(e) => return Err(ctx.err(e)),
            }
            let result = run_created(&ctx, &name).await;
            let remove = RemoveContainerOptions {
                force: true,
                ..Default::default()
            };
            let _ = ctx.docker.remove_container(&name, Some(remove)).await;
            result
        })
    }
}

async fn run_created(ctx: &Ctx<'_>, name: &str) -> Result<OneOffOutput> {
    ctx.docker
        .start_container(name, None::<StartContainerOptions>)
        .await
        .map_err(|e| ctx.err(e))?;
    let mut waits = ctx
        .docker
        .wait_container(name, None::<WaitContainerOptions>);
    let exit_code = match waits.next().await {
        Some(Ok(r)) => r.status_code,
        // bollard reports a non-zero exit as an error carrying the code.
        Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => code,
        Some(Err(e)) => return Err(ctx.err(e)),
        None => -1,
    };
    let options = LogsOptions {
        stdout: true,
        stderr: true,
        tail: "all".to_owned(),
        ..Default::default()
    };
    let mut logs = ctx.docker.logs(name, Some(options));
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    while let Some(chunk) = logs.next().await {
        match chunk.map_err(|e| ctx.err(e))? {
            bollard::container::LogOutput::StdOut { message } => stdout.extend_from_slice(&message),
            bollard::container::LogOutput::StdErr { message } => stderr.extend_from_slice(&message),
            _ => {}
        }
    }
    Ok(OneOffOutput {
        exit_code,
        stdout,
        stderr,
    })
}

/// A number no other one-off of this process used.
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
