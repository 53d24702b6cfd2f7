//! What `up`, `down` and `ps` did or found.
//!
//! ```
//! use charm_docker::{Action, ContainerReport, ServiceReport, UpReport};
//! let web = ServiceReport { service: "web".into(), containers: vec![ContainerReport { name: "app-web-1".into(), action: Action::Recreated }] };
//! let report = UpReport { services: vec![web], ..Default::default() };
//! assert_eq!(report.action("web"), Some(Action::Recreated));
//! assert!(report.changed());
//! ```

use crate::file::Protocol;

/// What happened to one container during `up`.
///
/// ```
/// use charm_docker::Action;
/// assert!(Action::Recreated.changed() && !Action::Unchanged.changed());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Left as it was (running, same config, same image).
    Unchanged,
    /// Existed with the same config but was stopped: started.
    Started,
    /// Did not exist: created and started.
    Created,
    /// Config or image changed: removed and created anew.
    Recreated,
    /// Surplus (scaled down) or orphan (service gone from the file): stopped and removed.
    Removed,
}

impl Action {
    /// Whether the engine's state was changed.
    pub fn changed(self) -> bool {
        self != Action::Unchanged
    }
}

/// One container touched or checked by `up`.
///
/// ```
/// use charm_docker::{Action, ContainerReport};
/// let c = ContainerReport { name: "app-web-1".into(), action: Action::Unchanged };
/// assert!(!c.action.changed());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerReport {
    /// Container name, `<project>-<service>-<n>`.
    pub name: String,
    /// What happened to it.
    pub action: Action,
}

/// What `up` did for one service.
///
/// ```
/// use charm_docker::{Action, ContainerReport, ServiceReport};
/// let report = ServiceReport { service: "web".into(), containers: vec![
///     ContainerReport { name: "p-web-1".into(), action: Action::Unchanged },
///     ContainerReport { name: "p-web-2".into(), action: Action::Created },
/// ]};
/// assert_eq!(report.action(), Action::Created);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceReport {
    /// Service name.
    pub service: String,
    /// Per container, in number order.
    pub containers: Vec<ContainerReport>,
}

impl ServiceReport {
    /// One word for the service: `Recreated` if any container was, else `Created`, else
    /// `Started`, else `Removed`, else `Unchanged`.
    pub fn action(&self) -> Action {
        let has = |a| self.containers.iter().any(|c| c.action == a);
        [
            Action::Recreated,
            Action::Created,
            Action::Started,
            Action::Removed,
        ]
        .into_iter()
        .find(|a| has(*a))
        .unwrap_or(Action::Unchanged)
    }
}

/// What `up` did.
///
/// ```no_run
/// # let engine = charm_docker::Engine::connect()?;
/// # let project = charm_docker::Project::from_path(None, "docker-compose.yml")?;
/// let report = engine.up(&project, &mut |_| {})?;
/// if report.changed() {
///     println!("{report}");
/// }
/// # Ok::<(), charm_docker::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpReport {
    /// Per service of the file (dependency order), then per orphan service removed.
    pub services: Vec<ServiceReport>,
    /// Images pulled.
    pub pulled: Vec<String>,
    /// Images built (`build:`).
    pub built: Vec<String>,
    /// Networks created.
    pub networks_created: Vec<String>,
    /// Networks whose definition changed: removed, created anew, and the containers on
    /// them connected again (`name (what changed)`).
    pub networks_recreated: Vec<String>,
    /// Volumes created.
    pub volumes_created: Vec<String>,
}

impl UpReport {
    /// The report of one service.
    pub fn service(&self, name: &str) -> Option<&ServiceReport> {
        self.services.iter().find(|s| s.service == name)
    }

    /// The one-word outcome of one service.
    pub fn action(&self, service: &str) -> Option<Action> {
        self.service(service).map(ServiceReport::action)
    }

    /// Whether anything at all was changed.
    pub fn changed(&self) -> bool {
        !self.pulled.is_empty()
            || !self.networks_created.is_empty()
            || !self.networks_recreated.is_empty()
            || !self.volumes_created.is_empty()
            || self.services.iter().any(|s| s.action().changed())
    }
}

impl std::fmt::Display for UpReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .services
            .iter()
            .map(|s| format!("{} {:?}", s.service, s.action()).to_lowercase())
            .collect();
        f.write_str(&parts.join(", "))
    }
}

/// What `down` removed.
///
/// ```no_run
/// # let engine = charm_docker::Engine::connect()?;
/// # let project = charm_docker::Project::from_path(None, "docker-compose.yml")?;
/// let report = engine.down(&project, charm_docker::DownOptions { volumes: false })?;
/// println!("removed {} containers, {} networks", report.containers.len(), report.networks.len());
/// assert!(report.volumes.is_empty(), "volumes are kept unless asked");
/// # Ok::<(), charm_docker::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownReport {
    /// Containers removed, in removal order.
    pub containers: Vec<String>,
    /// Networks removed.
    pub networks: Vec<String>,
    /// Volumes removed (only with [`DownOptions::volumes`](crate::DownOptions::volumes)).
    pub volumes: Vec<String>,
}

/// Options of `down`.
///
/// ```
/// let options = charm_docker::DownOptions { volumes: true };
/// assert!(!charm_docker::DownOptions::default().volumes);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DownOptions {
    /// Also remove the project's named volumes (and containers' anonymous ones).
    pub volumes: bool,
}

/// One container of the project, as `ps` shows it.
///
/// ```no_run
/// # let engine = charm_docker::Engine::connect()?;
/// # let project = charm_docker::Project::from_path(None, "docker-compose.yml")?;
/// let stopped: Vec<_> = engine.ps(&project)?.into_iter().filter(|s| s.state != "running").collect();
/// for s in &stopped {
///     println!("{} ({} #{}) is {}", s.container, s.service, s.number, s.state);
/// }
/// # Ok::<(), charm_docker::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceState {
    /// Service name.
    pub service: String,
    /// Container name.
    pub container: String,
    /// Replica number.
    pub number: u32,
    /// Engine state: `running`, `exited`, `created`, ...
    pub state: String,
    /// Published ports.
    pub ports: Vec<PublishedPort>,
}

/// A port published on the host.
///
/// ```no_run
/// # let engine = charm_docker::Engine::connect()?;
/// # let project = charm_docker::Project::from_path(None, "docker-compose.yml")?;
/// for state in engine.ps(&project)? {
///     for port in &state.ports {
///         println!("{} {}:{} -> {}", state.service, port.host_ip, port.host_port, port.container_port);
///     }
/// }
/// # Ok::<(), charm_docker::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedPort {
    /// Host address it is bound to.
    pub host_ip: String,
    /// Host port.
    pub host_port: u16,
    /// Container port.
    pub container_port: u16,
    /// Protocol.
    pub protocol: Protocol,
}
