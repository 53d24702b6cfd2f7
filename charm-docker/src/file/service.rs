//! One service of the compose file.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::de::{Checked, KeyValues, NameCheck, NamedMap, nullable, string_list};
use super::{Mount, Port, duration, labels, port, refcheck, shell};

/// One entry of `services:`.
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   result:
///     image: lazypower/result-example
///     command: nodemon --debug server.js
///     environment: {PG_HOST: db, DEBUG: true}
///     ports: ["5001:80", "5858:5858"]
/// "#).unwrap();
/// let result = file.service("result").unwrap();
/// assert_eq!(result.command.as_ref().unwrap().0, ["nodemon", "--debug", "server.js"]);
/// assert_eq!(result.environment["DEBUG"].as_deref(), Some("true"));
/// ```
// Unknown keys are refused by the interpolating reader, which lets `x-` ones through.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Service {
    /// Image reference; no tag means `:latest`. Optional with `build:`: a [`Project`]
    /// then names the image it builds `<project>-<service>`, as Compose v2 does (a bare
    /// [`ComposeFile`](crate::ComposeFile) leaves it empty).
    ///
    /// [`Project`]: crate::Project
    #[serde(default)]
    pub image: String,
    /// How to build the image, when it is missing (or always, with `pull_policy: build`).
    #[serde(default)]
    pub build: Option<super::Build>,
    /// Overrides the image's command.
    #[serde(default)]
    pub command: Option<Command>,
    /// Overrides the image's entrypoint.
    #[serde(default)]
    pub entrypoint: Option<Command>,
    /// Environment; a `None` value is a variable the caller's [`Environment`](crate::Environment)
    /// does not set, left out of the container's environment.
    #[serde(default, deserialize_with = "environment")]
    pub environment: BTreeMap<String, Option<String>>,
    /// Published ports.
    #[serde(default, deserialize_with = "port::list")]
    pub ports: Vec<Port>,
    /// Services to start first, with the condition to wait for.
    #[serde(default, deserialize_with = "depends_on")]
    pub depends_on: BTreeMap<String, Dependency>,
    /// Volumes and bind mounts.
    #[serde(default, deserialize_with = "nullable")]
    pub volumes: Vec<Mount>,
    /// Networks to join (none listed: the project's `default` network).
    #[serde(default, deserialize_with = "networks")]
    pub networks: BTreeMap<String, ServiceNetwork>,
    /// Restart policy.
    #[serde(default)]
    pub restart: Option<Restart>,
    /// Health check.
    #[serde(default)]
    pub healthcheck: Option<Healthcheck>,
    /// Extra container labels.
    #[serde(default, deserialize_with = "labels")]
    pub labels: BTreeMap<String, String>,
    /// Working directory inside the container.
    #[serde(default)]
    pub working_dir: Option<String>,
    /// User (and group) to run as.
    #[serde(default)]
    pub user: Option<String>,
    /// Container host name.
    #[serde(default)]
    pub hostname: Option<String>,
    /// Run an init process as PID 1 (reaps zombies, forwards signals).
    #[serde(default)]
    pub init: Option<bool>,
    /// Signal that stops the container (engine default: SIGTERM).
    #[serde(default)]
    pub stop_signal: Option<String>,
    /// How long `stop` waits before killing (engine default: 10s).
    #[serde(default, deserialize_with = "duration::optional")]
    pub stop_grace_period: Option<Duration>,
    /// Allocate a TTY.
    #[serde(default)]
    pub tty: Option<bool>,
    /// Keep stdin open.
    #[serde(default)]
    pub stdin_open: Option<bool>,
    /// Number of containers (default 1).
    #[serde(default)]
    pub scale: Option<u32>,
    /// `deploy.replicas` (the other spelling of `scale`), resources, restart policy.
    #[serde(default)]
    pub deploy: Option<Deploy>,
    /// Profiles the service belongs to: with any, it runs only when one is enabled
    /// ([`ProjectBuilder::profiles`](crate::ProjectBuilder::profiles)).
    #[serde(default, deserialize_with = "super::extra::one_or_many")]
    pub profiles: Vec<String>,
    /// Ports exposed to the other containers, not published (`"3000"`, `"8000-8001/udp"`).
    #[serde(default, deserialize_with = "expose")]
    pub expose: Vec<String>,
    /// A fixed container name (then only one container).
    #[serde(default)]
    pub container_name: Option<String>,
    /// Files of `NAME=value` lines added to the environment (`environment:` wins), read
    /// when the file is; relative to the project directory.
    #[serde(default, deserialize_with = "super::extra::env_files")]
    pub env_file: Vec<super::extra::EnvFile>,
    /// When to pull the image.
    #[serde(default)]
    pub pull_policy: Option<super::extra::PullPolicy>,
    /// Platform of the image (`linux/amd64`).
    #[serde(default)]
    pub platform: Option<String>,
    /// `host`, `none`, `bridge`, `service:NAME` or `container:NAME`, instead of networks.
    #[serde(default)]
    pub network_mode: Option<String>,
    /// File-based secrets, mounted read-only under `/run/secrets/`.
    #[serde(default, deserialize_with = "super::extra::secret_refs")]
    pub secrets: Vec<super::extra::FileRef>,
    /// File-based configs, mounted read-only (at `/<name>` by default).
    #[serde(default, deserialize_with = "super::extra::config_refs")]
    pub configs: Vec<super::extra::FileRef>,
    /// `SERVICE` or `SERVICE:ALIAS`: extra names for other services on the network.
    #[serde(default, deserialize_with = "nullable")]
    pub links: Vec<String>,
    /// Capabilities to add.
    #[serde(default, deserialize_with = "nullable")]
    pub cap_add: Vec<String>,
    /// Capabilities to drop.
    #[serde(default, deserialize_with = "nullable")]
    pub cap_drop: Vec<String>,
    /// Kernel parameters (`net.core.somaxconn: 1024`).
    #[serde(default, deserialize_with = "labels")]
    pub sysctls: BTreeMap<String, String>,
    /// Log driver and options.
    #[serde(default)]
    pub logging: Option<super::extra::Logging>,
    /// IPC namespace: `host`, `shareable`, `service:NAME`, ...
    #[serde(default)]
    pub ipc: Option<String>,
    /// `SERVICE[:ro]` or `container:NAME[:ro]`: mount that one's volumes too.
    #[serde(default, deserialize_with = "nullable")]
    pub volumes_from: Vec<String>,
    /// A fixed MAC address.
    #[serde(default)]
    pub mac_address: Option<String>,
    /// Commands run in each container once it is started (created, recreated or started).
    #[serde(default, deserialize_with = "nullable")]
    pub post_start: Vec<Hook>,
    /// Commands run in each running container before it is stopped.
    #[serde(default, deserialize_with = "nullable")]
    pub pre_stop: Vec<Hook>,
    /// Run with every capability and device of the host (`docker run --privileged`).
    #[serde(default)]
    pub privileged: Option<bool>,
    /// Mount the container's root filesystem read-only.
    #[serde(default)]
    pub read_only: Option<bool>,
    /// Temporary filesystems: mount path -> options (`size=64m,mode=1777`, or empty).
    #[serde(default, deserialize_with = "super::runtime::tmpfs")]
    pub tmpfs: BTreeMap<String, String>,
    /// Extra `/etc/hosts` entries.
    #[serde(default, deserialize_with = "super::runtime::extra_hosts")]
    pub extra_hosts: Vec<super::runtime::ExtraHost>,
    /// DNS servers (one, or a list).
    #[serde(default, deserialize_with = "super::extra::one_or_many")]
    pub dns: Vec<String>,
    /// DNS search domains (one, or a list).
    #[serde(default, deserialize_with = "super::extra::one_or_many")]
    pub dns_search: Vec<String>,
    /// Size of `/dev/shm` in bytes (written `64m`, `1g`, `67108864`).
    #[serde(default, deserialize_with = "super::runtime::size")]
    pub shm_size: Option<i64>,
    /// Memory limit in bytes (`deploy.resources.limits.memory` wins when both are set).
    #[serde(default, deserialize_with = "super::runtime::size")]
    pub mem_limit: Option<i64>,
    /// Memory plus swap limit in bytes; `-1` is unlimited swap.
    #[serde(default, deserialize_with = "super::runtime::swap")]
    pub memswap_limit: Option<i64>,
    /// CPUs, fractional (`deploy.resources.limits.cpus` wins when both are set).
    #[serde(default, deserialize_with = "super::runtime::cpus")]
    pub cpus: Option<f64>,
    /// Relative CPU weight (the engine's default is 1024).
    #[serde(default)]
    pub cpu_shares: Option<i64>,
    /// Resource limits of the process: name (`nofile`, `nproc`, ...) -> soft and hard.
    #[serde(default, deserialize_with = "nullable")]
    pub ulimits: BTreeMap<String, super::runtime::Ulimit>,
    /// Security options (`no-new-privileges:true`, `label:disable`, `seccomp:unconfined`).
    #[serde(default, deserialize_with = "nullable")]
    pub security_opt: Vec<String>,
    /// Host devices given to the container.
    #[serde(default, deserialize_with = "super::runtime::devices")]
    pub devices: Vec<super::runtime::Device>,
    /// PID namespace: `host`, `service:NAME` or `container:NAME`.
    #[serde(default)]
    pub pid: Option<String>,
    /// The container's NIS domain name.
    #[serde(default)]
    pub domainname: Option<String>,
    /// Whether the service has a `develop:` section: it configures `docker compose watch`
    /// (file sync and rebuilds on a development machine), which Compose v2's `up` ignores
    /// without `--watch`; charm-docker never watches, so it accepts and ignores it too.
    #[serde(default, deserialize_with = "present")]
    pub develop: bool,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    serde::de::IgnoredAny::deserialize(d).map(|_| true)
}

/// A `post_start` or `pre_stop` command.
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   web:
///     image: nginx
///     post_start:
///       - command: ["nginx", "-t"]
/// "#).unwrap();
/// let web = file.service("web").unwrap();
/// assert_eq!(web.post_start.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Hook {
    /// The command (a list, or a string split like a shell would).
    pub command: Command,
    /// The user to run it as.
    #[serde(default)]
    pub user: Option<String>,
    /// Run it privileged.
    #[serde(default)]
    pub privileged: bool,
    /// Its working directory.
    #[serde(default)]
    pub working_dir: Option<String>,
    /// Its extra environment.
    #[serde(default, deserialize_with = "environment")]
    pub environment: BTreeMap<String, Option<String>>,
}

fn expose<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct V;

    impl<'de> Visitor<'de> for V {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of ports such as 3000 or \"8000-8001/udp\"")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while let Some(super::de::Scalar(item)) = seq.next_element()? {
                let item = item.unwrap_or_default();
                // The container-port part of the short port syntax.
                let ports = Port::parse(&item).map_err(de::Error::custom)?;
                if ports
                    .iter()
                    .any(|p| p.host_port.is_some() || p.host_ip.is_some())
                {
                    return Err(de::Error::custom(format!(
                        "expose {item:?} names a host port: use ports: to publish it"
                    )));
                }
                out.extend(
                    ports
                        .iter()
                        .map(|p| format!("{}/{}", p.container_port, p.protocol)),
                );
            }
            Ok(out)
        }
    }

    d.deserialize_any(V)
}

impl Service {
    /// How many containers this service wants: `scale`, else `deploy.replicas`, else 1.
    pub fn replicas(&self) -> u32 {
        self.scale
            .or(self.deploy.as_ref().and_then(|d| d.replicas))
            .unwrap_or(1)
    }
}

/// `deploy:` (only `replicas` has a meaning without swarm).
///
/// ```
/// let f = charm_docker::ComposeFile::from_str("services: {a: {image: x, deploy: {replicas: 2}}}").unwrap();
/// assert_eq!(f.service("a").unwrap().replicas(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Deploy {
    /// Number of containers.
    #[serde(default)]
    pub replicas: Option<u32>,
    /// CPU and memory limits and reservations.
    #[serde(default)]
    pub resources: Option<super::extra::Resources>,
    /// Restart policy (`restart:` wins when both are set).
    #[serde(default)]
    pub restart_policy: Option<super::extra::RestartPolicySpec>,
    /// Swarm only: accepted, not applied.
    #[serde(default)]
    #[allow(dead_code)]
    mode: Option<String>,
    /// Swarm only: accepted, not applied.
    #[serde(default)]
    #[allow(dead_code)]
    placement: Option<serde::de::IgnoredAny>,
    /// Swarm only: accepted, not applied.
    #[serde(default)]
    #[allow(dead_code)]
    update_config: Option<serde::de::IgnoredAny>,
    /// Swarm only: accepted, not applied.
    #[serde(default)]
    #[allow(dead_code)]
    labels: Option<serde::de::IgnoredAny>,
}

/// A command or entrypoint: a list as written, or a string split like a shell would.
///
/// ```
/// let f = charm_docker::ComposeFile::from_str(
///     "services: {a: {image: x, command: \"sh -c 'echo hi; sleep 1'\"}}").unwrap();
/// assert_eq!(f.service("a").unwrap().command.as_ref().unwrap().0, ["sh", "-c", "echo hi; sleep 1"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command(pub Vec<String>);

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CommandVisitor;

        impl<'de> Visitor<'de> for CommandVisitor {
            type Value = Command;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a command string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Command, E> {
                shell::split(v).map(Command).map_err(E::custom)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Command, A::Error> {
                string_list(seq).map(Command)
            }
        }

        d.deserialize_any(CommandVisitor)
    }
}

fn environment<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, Option<String>>, D::Error> {
    let KeyValues(map) = nullable(d)?;
    Ok(map)
}

/// One `depends_on` entry.
///
/// ```
/// use charm_docker::Condition;
/// let f = charm_docker::ComposeFile::from_str(r#"
/// services:
///   db: {image: x}
///   web: {image: y, depends_on: {db: {condition: service_healthy}}}
/// "#).unwrap();
/// assert_eq!(f.service("web").unwrap().depends_on["db"].condition, Condition::ServiceHealthy);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Dependency {
    /// What to wait for before starting the dependent service.
    #[serde(default)]
    pub condition: Condition,
    /// When false, a dependency that is not in the file (or not enabled) is skipped.
    #[serde(default = "yes")]
    pub required: bool,
    /// Restart the dependent when the dependency is updated (Compose's `up` does so on
    /// recreation); accepted.
    #[serde(default)]
    pub restart: bool,
}

impl Default for Dependency {
    fn default() -> Dependency {
        Dependency {
            condition: Condition::default(),
            required: true,
            restart: false,
        }
    }
}

fn yes() -> bool {
    true
}

/// What a dependent service waits for.
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   web:
///     image: nginx
///     depends_on:
///       db: {condition: service_healthy}
///   db:
///     image: postgres
///     healthcheck: {test: ["CMD", "pg_isready"]}
/// "#).unwrap();
/// let web = file.service("web").unwrap();
/// use charm_docker::Condition;
/// assert_eq!(web.depends_on["db"].condition, Condition::ServiceHealthy);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The dependency's containers are started (the default).
    #[default]
    ServiceStarted,
    /// The dependency's healthcheck reports healthy.
    ServiceHealthy,
    /// The dependency ran to completion with exit code 0.
    ServiceCompletedSuccessfully,
}

fn depends_on<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Dependency>, D::Error> {
    struct DependsVisitor;

    impl<'de> Visitor<'de> for DependsVisitor {
        type Value = BTreeMap<String, Dependency>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of service names or a map of service: {condition: ...}")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(name) = seq.next_element_seed(Checked(refcheck::service))? {
                out.insert(name, Dependency::default());
            }
            Ok(out)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(name) = map.next_key_seed(Checked(refcheck::service))? {
                let dependency = map.next_value::<Option<Dependency>>()?.unwrap_or_default();
                out.insert(name, dependency);
            }
            Ok(out)
        }
    }

    d.deserialize_any(DependsVisitor)
}

/// Per-network settings of a service.
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   web:
///     image: nginx
///     networks:
///       front: {aliases: [www]}
/// networks:
///   front: {}
/// "#).unwrap();
/// let web = file.service("web").unwrap();
/// assert_eq!(web.networks["front"].aliases, ["www"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ServiceNetwork {
    /// Extra names this service answers to on that network (its name always is one).
    #[serde(default, deserialize_with = "nullable")]
    pub aliases: Vec<String>,
    /// A fixed IPv4 address on that network (its `ipam` must have a subnet).
    #[serde(default)]
    pub ipv4_address: Option<String>,
    /// A fixed IPv6 address on that network.
    #[serde(default)]
    pub ipv6_address: Option<String>,
}

struct DeclaredNetwork;

impl NameCheck for DeclaredNetwork {
    fn check(name: &str) -> Result<(), String> {
        refcheck::network(name)
    }
}

fn networks<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, ServiceNetwork>, D::Error> {
    Ok(NamedMap::<ServiceNetwork, DeclaredNetwork>::deserialize(d)?.entries)
}

/// The `restart:` policy.
///
/// ```
/// use charm_docker::Restart;
/// let f = charm_docker::ComposeFile::from_str("services: {a: {image: x, restart: on-failure:3}}").unwrap();
/// assert_eq!(f.service("a").unwrap().restart, Some(Restart::OnFailure(Some(3))));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restart {
    /// Never restart (`no`).
    No,
    /// Always restart.
    Always,
    /// Restart when the process exits non-zero, at most N times when given.
    OnFailure(Option<u32>),
    /// Restart unless stopped by the user.
    UnlessStopped,
}

impl Restart {
    /// Parses `no`, `always`, `unless-stopped`, `on-failure` or `on-failure:N`.
    pub fn parse(text: &str) -> Result<Restart, String> {
        match text {
            "no" | "\"no\"" => Ok(Restart::No),
            "always" => Ok(Restart::Always),
            "unless-stopped" => Ok(Restart::UnlessStopped),
            "on-failure" => Ok(Restart::OnFailure(None)),
            other => match other.strip_prefix("on-failure:").map(str::parse::<u32>) {
                Some(Ok(n)) => Ok(Restart::OnFailure(Some(n))),
                _ => Err(format!(
                    "invalid restart policy {other:?} (expected no, always, unless-stopped, on-failure or on-failure:N)"
                )),
            },
        }
    }
}

impl<'de> Deserialize<'de> for Restart {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RestartVisitor;

        impl<'de> Visitor<'de> for RestartVisitor {
            type Value = Restart;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a restart policy")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Restart, E> {
                Restart::parse(v).map_err(E::custom)
            }
            // `restart: no` is the boolean false under YAML 1.1 rules some writers follow.
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Restart, E> {
                if v {
                    Err(E::custom("invalid restart policy true"))
                } else {
                    Ok(Restart::No)
                }
            }
        }

        d.deserialize_any(RestartVisitor)
    }
}

/// `healthcheck:`.
///
/// ```
/// use std::time::Duration;
/// let f = charm_docker::ComposeFile::from_str(r#"
/// services:
///   db:
///     image: x
///     healthcheck: {test: "pg_isready", interval: 1m30s, retries: 3}
/// "#).unwrap();
/// let hc = f.service("db").unwrap().healthcheck.as_ref().unwrap();
/// assert_eq!(hc.test.as_deref(), Some(&["CMD-SHELL".to_owned(), "pg_isready".to_owned()][..]));
/// assert_eq!(hc.interval, Some(Duration::from_secs(90)));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Healthcheck {
    /// The engine's form: `["CMD-SHELL", "..."]`, `["CMD", ...]` or `["NONE"]`.
    #[serde(default, deserialize_with = "health_test")]
    pub test: Option<Vec<String>>,
    /// Time between checks.
    #[serde(default, deserialize_with = "duration::optional")]
    pub interval: Option<Duration>,
    /// Time one check may take.
    #[serde(default, deserialize_with = "duration::optional")]
    pub timeout: Option<Duration>,
    /// Grace period during which failures do not count.
    #[serde(default, deserialize_with = "duration::optional")]
    pub start_period: Option<Duration>,
    /// Time between checks during the start period (engines from API 1.44; older ones
    /// ignore it).
    #[serde(default, deserialize_with = "duration::optional")]
    pub start_interval: Option<Duration>,
    /// Consecutive failures before unhealthy.
    #[serde(default)]
    pub retries: Option<u32>,
    /// Turns off the image's healthcheck.
    #[serde(default)]
    pub disable: bool,
}

fn health_test<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    struct TestVisitor;

    impl<'de> Visitor<'de> for TestVisitor {
        type Value = Option<Vec<String>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a shell command string or a list starting with CMD, CMD-SHELL or NONE")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(vec!["CMD-SHELL".to_owned(), v.to_owned()]))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            let test = string_list(seq)?;
            match test.first().map(String::as_str) {
                Some("NONE") => Ok(Some(test)),
                Some("CMD" | "CMD-SHELL") if test.len() > 1 => Ok(Some(test)),
                Some("CMD" | "CMD-SHELL") => {
                    Err(de::Error::custom("the healthcheck test has no command"))
                }
                _ => Err(de::Error::custom(
                    "a healthcheck test list must start with CMD, CMD-SHELL or NONE",
                )),
            }
        }
    }

    d.deserialize_option(TestVisitor)
}
