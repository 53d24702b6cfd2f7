//! What the engine is asked to create for one service: the container body (without the
//! labels only we inject) and the extra networks to connect, plus its config hash.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use bollard::models::{
    ContainerCreateBody, DeviceMapping, EndpointIpamConfig, EndpointSettings, HealthConfig,
    HostConfig, HostConfigLogConfig, NetworkingConfig, PortBinding, ResourcesUlimits,
    RestartPolicy, RestartPolicyNameEnum,
};
use serde::Serialize;

use crate::file::{Mount, Restart, Service};
use crate::{Project, hash, names};

/// One service, rendered for the engine.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ContainerSpec {
    /// The create body, labels holding only the user's own.
    pub(crate) body: ContainerCreateBody,
    /// Networks beyond the primary one: engine name and endpoint (aliases, address); API
    /// 1.41 takes a single network at create time, the others are connected before start.
    pub(crate) extra_networks: Vec<(String, EndpointSettings)>,
    /// `platform:`, passed when creating.
    pub(crate) platform: Option<String>,
}

impl ContainerSpec {
    /// Renders `service` of `project`.
    pub(crate) fn new(
        project: &Project,
        name: &str,
        service: &Service,
        image: &str,
    ) -> ContainerSpec {
        // `links:` give other services extra names, on the primary network.
        let links: Vec<String> = service
            .links
            .iter()
            .map(|link| {
                let (other, alias) = link.split_once(':').unwrap_or((link, link));
                format!("{}:{alias}", project.container_name(other, 1))
            })
            .collect();
        let keys = match &service.network_mode {
            Some(_) => Vec::new(),
            None => project.service_networks(name),
        };
        let mut networks = keys.into_iter().map(|key| {
            let def = project.network_def(&key);
            let mut aliases = vec![name.to_owned()];
            let mut ipam = None;
            if let Some(settings) = service.networks.get(&key) {
                aliases.extend(settings.aliases.iter().cloned());
                if settings.ipv4_address.is_some() || settings.ipv6_address.is_some() {
                    ipam = Some(EndpointIpamConfig {
                        ipv4_address: settings.ipv4_address.clone(),
                        ipv6_address: settings.ipv6_address.clone(),
                        ..Default::default()
                    });
                }
            }
            let endpoint = EndpointSettings {
                aliases: Some(aliases),
                ipam_config: ipam,
                ..Default::default()
            };
            (project.network_name(&key, &def), endpoint)
        });
        let mut primary = networks.next();
        if let Some((_, endpoint)) = primary.as_mut() {
            if !links.is_empty() {
                endpoint.links = Some(links);
            }
            // On the primary endpoint, where the Engine API has it since 1.44.
            endpoint.mac_address = service.mac_address.clone();
        }
        let extra_networks = networks.collect();
        // `service:NAME` namespaces are that service's first container's.
        let namespace = |mode: &str| match mode.strip_prefix("service:") {
            Some(other) => format!("container:{}", project.container_name(other, 1)),
            None => mode.to_owned(),
        };
        let network_mode = match &service.network_mode {
            Some(mode) => Some(namespace(mode)),
            None => primary.as_ref().map(|(name, _)| name.clone()),
        };

        let mut exposed: Vec<String> = Vec::new();
        for port in &service.expose {
            if !exposed.contains(port) {
                exposed.push(port.clone());
            }
        }
        let mut bindings: HashMap<String, Option<Vec<PortBinding>>> = HashMap::new();
        for port in &service.ports {
            let key = format!("{}/{}", port.container_port, port.protocol);
            if !exposed.contains(&key) {
                exposed.push(key.clone());
            }
            let binding = PortBinding {
                host_ip: port
                    .host_ip
                    .clone()
                    .or_else(|| project.default_host_ip().map(str::to_owned)),
                host_port: Some(match (port.host_port, port.host_port_end) {
                    (Some(lo), Some(hi)) => format!("{lo}-{hi}"),
                    (Some(p), None) => p.to_string(),
                    (None, _) => String::new(),
                }),
            };
            bindings
                .entry(key)
                .or_insert_with(|| Some(Vec::new()))
                .get_or_insert_with(Vec::new)
                .push(binding);
        }

        let mut binds = Vec::new();
        let mut anonymous = Vec::new();
        for mount in &service.volumes {
            match mount {
                Mount::Volume {
                    source,
                    target,
                    read_only,
                } => {
                    let def = project
                        .file()
                        .volumes()
                        .get(source)
                        .cloned()
                        .unwrap_or_default();
                    binds.push(bind(&project.volume_name(source, &def), target, *read_only));
                }
                Mount::Bind {
                    source,
                    target,
                    read_only,
                } => {
                    let host = resolve(project.working_dir(), source);
                    binds.push(bind(&host.to_string_lossy(), target, *read_only));
                }
                Mount::Anonymous { target } => anonymous.push(target.clone()),
            }
        }
        // File-based secrets and configs are read-only binds of their files.
        for secret in &service.secrets {
            if let Some(file) = project.file().secrets().get(&secret.source) {
                let target = secret.target.as_deref().unwrap_or(&secret.source);
                let target = if target.starts_with('/') {
                    target.to_owned()
                } else {
                    format!("/run/secrets/{target}")
                };
                binds.push(bind(&file.to_string_lossy(), &target, true));
            }
        }
        for config in &service.configs {
            if let Some(file) = project.file().configs().get(&config.source) {
                let target = config.target.as_deref().unwrap_or(&config.source);
                let target = if target.starts_with('/') {
                    target.to_owned()
                } else {
                    format!("/{target}")
                };
                binds.push(bind(&file.to_string_lossy(), &target, true));
            }
        }
        let volumes_from: Vec<String> = service
            .volumes_from
            .iter()
            .map(|from| {
                let (source, mode) = match from.rsplit_once(':') {
                    Some((s, m @ ("ro" | "rw"))) => (s, Some(m)),
                    _ => (from.as_str(), None),
                };
                let container = match source.strip_prefix("container:") {
                    Some(container) => container.to_owned(),
                    None => project.container_name(source, 1),
                };
                match mode {
                    Some(mode) => format!("{container}:{mode}"),
                    None => container,
                }
            })
            .collect();
        let deploy = service.deploy.as_ref();
        let limits = deploy
            .and_then(|d| d.resources.as_ref())
            .and_then(|r| r.limits.clone())
            .unwrap_or_default();
        let reservations = deploy
            .and_then(|d| d.resources.as_ref())
            .and_then(|r| r.reservations.clone())
            .unwrap_or_default();
        let restart = service.restart.or_else(|| {
            let policy = deploy?.restart_policy.as_ref()?;
            Some(match policy.condition.as_deref() {
                Some("none") => Restart::No,
                Some("on-failure") => Restart::OnFailure(policy.max_attempts),
                _ => Restart::Always,
            })
        });
        let listed = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());

        let env: Vec<String> = service
            .environment
            .iter()
            // A variable left without a value when the file was read is left out (as
            // Compose); it is never taken from this process's environment.
            .filter_map(|(key, value)| Some(format!("{key}={}", value.as_deref()?)))
            .collect();

        let healthcheck = service.healthcheck.as_ref().map(|h| HealthConfig {
            test: if h.disable {
                Some(vec!["NONE".to_owned()])
            } else {
                h.test.clone()
            },
            interval: h.interval.map(nanos),
            timeout: h.timeout.map(nanos),
            start_period: h.start_period.map(nanos),
            start_interval: h.start_interval.map(nanos),
            retries: h.retries.map(i64::from),
        });

        let non_empty = |c: &Option<crate::file::Command>| {
            c.as_ref().filter(|c| !c.0.is_empty()).map(|c| c.0.clone())
        };
        let body = ContainerCreateBody {
            image: Some(image.to_owned()),
            cmd: non_empty(&service.command),
            entrypoint: non_empty(&service.entrypoint),
            env: (!env.is_empty()).then_some(env),
            labels: Some(
                service
                    .labels
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            exposed_ports: (!exposed.is_empty()).then_some(exposed),
            volumes: (!anonymous.is_empty()).then_some(anonymous),
            healthcheck,
            working_dir: service.working_dir.clone(),
            user: service.user.clone(),
            hostname: service.hostname.clone(),
            domainname: service.domainname.clone(),
            tty: service.tty,
            open_stdin: service.stdin_open,
            stop_signal: service.stop_signal.clone(),
            stop_timeout: service
                .stop_grace_period
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
            host_config: Some(HostConfig {
                port_bindings: (!bindings.is_empty()).then_some(bindings),
                binds: (!binds.is_empty()).then_some(binds),
                restart_policy: restart.map(restart_policy),
                init: service.init,
                network_mode,
                cap_add: listed(&service.cap_add),
                cap_drop: listed(&service.cap_drop),
                sysctls: (!service.sysctls.is_empty())
                    .then(|| service.sysctls.clone().into_iter().collect()),
                log_config: service.logging.as_ref().map(|l| HostConfigLogConfig {
                    typ: l.driver.clone(),
                    config: (!l.options.is_empty())
                        .then(|| l.options.clone().into_iter().collect()),
                }),
                ipc_mode: service.ipc.as_deref().map(namespace),
                volumes_from: listed(&volumes_from),
                // deploy.resources wins over the older top-level keys, as in Compose v2
                // (docker/compose pkg/compose/create.go getDeployResources then setLimits).
                nano_cpus: limits.cpus.or(service.cpus).map(|c| (c * 1e9) as i64),
                memory: limits.memory.or(service.mem_limit),
                memory_swap: service.memswap_limit,
                cpu_shares: service.cpu_shares,
                shm_size: service.shm_size,
                privileged: service.privileged,
                readonly_rootfs: service.read_only,
                tmpfs: (!service.tmpfs.is_empty())
                    .then(|| service.tmpfs.clone().into_iter().collect()),
                extra_hosts: (!service.extra_hosts.is_empty()).then(|| {
                    service
                        .extra_hosts
                        .iter()
                        .map(|h| h.engine_form())
                        .collect()
                }),
                dns: listed(&service.dns),
                dns_search: listed(&service.dns_search),
                security_opt: listed(&service.security_opt),
                ulimits: (!service.ulimits.is_empty()).then(|| {
                    service
                        .ulimits
                        .iter()
                        .map(|(name, l)| ResourcesUlimits {
                            name: Some(name.clone()),
                            soft: Some(l.soft),
                            hard: Some(l.hard),
                        })
                        .collect()
                }),
                devices: (!service.devices.is_empty()).then(|| {
                    service
                        .devices
                        .iter()
                        .map(|d| DeviceMapping {
                            path_on_host: Some(d.host.clone()),
                            path_in_container: Some(d.container.clone()),
                            cgroup_permissions: Some(d.permissions.clone()),
                        })
                        .collect()
                }),
                pid_mode: service.pid.as_deref().map(namespace),
                pids_limit: limits.pids,
                memory_reservation: reservations.memory,
                ..Default::default()
            }),
            networking_config: primary.map(|(name, endpoint)| NetworkingConfig {
                endpoints_config: Some(HashMap::from([(name, endpoint)])),
            }),
            ..Default::default()
        };
        ContainerSpec {
            body,
            extra_networks,
            platform: service.platform.clone(),
        }
    }

    /// The config hash: the spec before our labels go in, so it changes exactly when what
    /// the engine would create changes (scale and depends_on never reach the spec).
    pub(crate) fn hash(&self) -> String {
        hash::config_hash(self)
    }

    /// The body with Compose's labels added, for container `number`.
    pub(crate) fn body_for(
        &self,
        project: &Project,
        service: &str,
        number: u32,
        hashes: &Hashes,
    ) -> ContainerCreateBody {
        let mut body = self.body.clone();
        let files: Vec<String> = project
            .config_files()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let ours: BTreeMap<&str, String> = BTreeMap::from([
            (names::labels::PROJECT, project.name().to_owned()),
            (names::labels::SERVICE, service.to_owned()),
            (names::labels::CONTAINER_NUMBER, number.to_string()),
            (names::labels::ONEOFF, "False".to_owned()),
            (names::labels::CONFIG_HASH, hashes.compose1.clone()),
            (crate::compat::SPEC_HASH, hashes.spec.clone()),
            (names::labels::VERSION, names::VERSION.to_owned()),
            (names::labels::TOOL_VERSION, names::TOOL_VERSION.to_owned()),
            (
                names::labels::WORKING_DIR,
                project.working_dir().display().to_string(),
            ),
            (names::labels::CONFIG_FILES, files.join(",")),
        ]);
        let labels = body.labels.get_or_insert_with(HashMap::new);
        for (key, value) in ours {
            labels.insert(key.to_owned(), value);
        }
        body
    }
}

/// The hashes of a service: ours over the full spec, docker-compose 1.29's (the one we
/// label our containers with), and Compose v2's when it can be reproduced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hashes {
    pub(crate) spec: String,
    pub(crate) compose1: String,
    pub(crate) compose2: Option<String>,
}

fn bind(source: &str, target: &str, read_only: bool) -> String {
    if read_only {
        format!("{source}:{target}:ro")
    } else {
        format!("{source}:{target}")
    }
}

/// Makes a bind source absolute: `~` is `$HOME`, a relative path is under `working_dir`;
/// `.` components are dropped so the label-free spec (and its hash) is stable.
pub(crate) fn resolve(working_dir: &Path, source: &Path) -> PathBuf {
    let expanded = match source.strip_prefix("~") {
        Ok(rest) => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default()
            .join(rest),
        Err(_) => source.to_path_buf(),
    };
    let joined = if expanded.is_absolute() {
        expanded
    } else {
        working_dir.join(expanded)
    };
    joined
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

fn nanos(d: Duration) -> i64 {
    i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)
}

fn restart_policy(restart: Restart) -> RestartPolicy {
    let (name, count) = match restart {
        Restart::No => (RestartPolicyNameEnum::NO, None),
        Restart::Always => (RestartPolicyNameEnum::ALWAYS, None),
        Restart::UnlessStopped => (RestartPolicyNameEnum::UNLESS_STOPPED, None),
        Restart::OnFailure(count) => (RestartPolicyNameEnum::ON_FAILURE, count.map(i64::from)),
    };
    RestartPolicy {
        name: Some(name),
        maximum_retry_count: count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ComposeFile;

    fn spec(src: &str, service: &str) -> ContainerSpec {
        let file = ComposeFile::from_str(src).unwrap();
        let project = Project::new("p", "/srv/app", file).unwrap();
        let s = project.file().service(service).unwrap();
        ContainerSpec::new(&project, service, s, "img:latest")
    }

    #[test]
    fn renders_ports_binds_networks() {
        let s = spec(
            "services:\n  web:\n    image: x\n    ports: ['127.0.0.1:8080:80', '6379']\n    volumes: ['./site:/www:ro', 'data:/data', '/cache']\n    networks: {front: {aliases: [www]}, back: }\nnetworks: {front: , back: }\nvolumes: {data: }\n",
            "web",
        );
        let host = s.body.host_config.as_ref().unwrap();
        assert_eq!(
            host.binds.as_ref().unwrap(),
            &["/srv/app/site:/www:ro", "p_data:/data"]
        );
        assert_eq!(s.body.volumes.as_ref().unwrap(), &["/cache"]);
        assert_eq!(host.network_mode.as_deref(), Some("p_back"));
        assert_eq!(s.extra_networks.len(), 1);
        assert_eq!(s.extra_networks[0].0, "p_front");
        assert_eq!(
            s.extra_networks[0].1.aliases.as_deref(),
            Some(&["web".to_owned(), "www".to_owned()][..])
        );
        let bindings = host.port_bindings.as_ref().unwrap();
        assert_eq!(
            bindings["80/tcp"].as_ref().unwrap()[0].host_ip.as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(
            bindings["6379/tcp"].as_ref().unwrap()[0]
                .host_port
                .as_deref(),
            Some("")
        );
    }

    #[test]
    fn ports_without_an_address_take_the_project_default() {
        let src = "services:\n  web:\n    image: x\n    ports: ['10.0.0.1:8080:80', '8081:81']\n";
        let file = ComposeFile::from_str(src).unwrap();
        let all = Project::new("p", "/srv/app", file.clone()).unwrap();
        let local = Project::new("p", "/srv/app", file)
            .unwrap()
            .with_default_host_ip(Some("127.0.0.1".into()));
        let ip = |project: &Project, port: &str| {
            let s = ContainerSpec::new(
                project,
                "web",
                project.file().service("web").unwrap(),
                "img",
            );
            let host = s.body.host_config.unwrap();
            host.port_bindings.unwrap()[port].as_ref().unwrap()[0]
                .host_ip
                .clone()
        };
        assert_eq!(ip(&all, "81/tcp"), None, "all addresses, as Compose");
        assert_eq!(ip(&local, "81/tcp").as_deref(), Some("127.0.0.1"));
        assert_eq!(
            ip(&local, "80/tcp").as_deref(),
            Some("10.0.0.1"),
            "an explicit address wins"
        );
    }

    #[test]
    fn hash_ignores_scale_and_depends_on_but_not_ports() {
        let base = "services:\n  db: {image: x}\n  web:\n    image: x\n    ports: ['8080:80']\n";
        let h = spec(base, "web").hash();
        assert_eq!(h, spec(base, "web").hash(), "stable");
        assert_eq!(
            h,
            spec(
                &base.replace("ports:", "scale: 1\n    depends_on: [db]\n    ports:"),
                "web"
            )
            .hash()
        );
        assert_ne!(h, spec(&base.replace("8080", "8081"), "web").hash());
        assert_ne!(
            h,
            spec(
                &base.replace("ports:", "environment: {A: 1}\n    ports:"),
                "web"
            )
            .hash()
        );
        assert_eq!(h.len(), 64);
    }
}

#[cfg(test)]
mod working_dir_tests {
    use super::*;
    use crate::ComposeFile;

    #[test]
    fn a_relative_working_dir_keeps_binds_binds() {
        let file =
            ComposeFile::from_str("services: {web: {image: x, volumes: ['./site:/www']}}").unwrap();
        let project = Project::new("p", ".", file).unwrap();
        let s = ContainerSpec::new(&project, "web", project.file().service("web").unwrap(), "x");
        let binds = s.body.host_config.unwrap().binds.unwrap();
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(binds, [format!("{}/site:/www", cwd.display())]);
    }
}

#[cfg(test)]
mod feature_tests {
    use super::*;

    fn project(profiles: &[&str]) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("app.env"), "FROM_FILE=f\n").unwrap();
        let path = dir.path().join("compose.yaml");
        std::fs::write(&path, crate::file::tests::FEATURES).unwrap();
        let project = Project::builder(&path)
            .name("p")
            .profiles(profiles.iter().copied())
            .build()
            .unwrap();
        (dir, project)
    }

    #[test]
    fn profiles_select_services() {
        let (_dir, none) = project(&[]);
        assert!(none.file().service("app").is_none());
        assert_eq!(none.disabled_services(), ["app"]);
        let (_dir, all) = project(&["*"]);
        assert!(all.file().service("app").is_some());
    }

    #[test]
    fn renders_every_feature() {
        let (dir, project) = project(&["web"]);
        let app = project.file().service("app").unwrap();
        let spec = ContainerSpec::new(&project, "app", app, "img");
        let body = &spec.body;
        let host = body.host_config.as_ref().unwrap();
        assert_eq!(project.container_name("app", 1), "the-app");
        let exposed = body.exposed_ports.as_ref().unwrap();
        assert!(
            exposed.contains(&"3000/tcp".to_owned()) && exposed.contains(&"5001/udp".to_owned())
        );
        assert!(
            body.env
                .as_ref()
                .unwrap()
                .contains(&"FROM_FILE=f".to_owned())
        );
        assert_eq!(spec.platform.as_deref(), Some("linux/amd64"));
        let binds = host.binds.as_ref().unwrap();
        let token = dir.path().join("token.txt");
        assert!(
            binds.contains(&format!("{}:/run/secrets/token:ro", token.display())),
            "{binds:?}"
        );
        assert!(
            binds.contains(&format!("{}:/etc/token:ro", token.display())),
            "{binds:?}"
        );
        assert!(binds.contains(&format!(
            "{}:/app.conf:ro",
            dir.path().join("app.conf").display()
        )));
        assert_eq!(host.cap_add.as_deref(), Some(&["NET_ADMIN".to_owned()][..]));
        assert_eq!(host.cap_drop.as_deref(), Some(&["MKNOD".to_owned()][..]));
        assert_eq!(host.sysctls.as_ref().unwrap()["net.core.somaxconn"], "1024");
        let log = host.log_config.as_ref().unwrap();
        assert_eq!(log.typ.as_deref(), Some("json-file"));
        assert_eq!(log.config.as_ref().unwrap()["max-size"], "10m");
        assert_eq!(host.ipc_mode.as_deref(), Some("container:p-db-1"));
        assert_eq!(
            host.volumes_from.as_deref(),
            Some(&["p-db-1:ro".to_owned()][..])
        );
        assert_eq!(host.nano_cpus, Some(500_000_000));
        assert_eq!(host.memory, Some(64 << 20));
        assert_eq!(host.pids_limit, Some(100));
        assert_eq!(host.memory_reservation, Some(16 << 20));
        let restart = host.restart_policy.as_ref().unwrap();
        assert_eq!(restart.name, Some(RestartPolicyNameEnum::ON_FAILURE));
        assert_eq!(restart.maximum_retry_count, Some(3));
        let endpoint = &body
            .networking_config
            .as_ref()
            .unwrap()
            .endpoints_config
            .as_ref()
            .unwrap()["p_back"];
        assert_eq!(
            endpoint
                .ipam_config
                .as_ref()
                .unwrap()
                .ipv4_address
                .as_deref(),
            Some("172.28.5.4")
        );
        assert_eq!(
            endpoint.links.as_deref(),
            Some(&["p-db-1:database".to_owned()][..])
        );
        let db = project.file().service("db").unwrap();
        let db_spec = ContainerSpec::new(&project, "db", db, "img");
        let db_host = db_spec.body.host_config.unwrap();
        assert_eq!(db_host.network_mode.as_deref(), Some("none"));
        assert!(db_spec.body.networking_config.is_none());
    }
}

#[cfg(test)]
mod runtime_tests {
    use super::*;
    use crate::ComposeFile;

    /// The runtime keys of a service, as `the_runtime_keys_reach_the_engine` (tests/engine.rs)
    /// runs them.
    const RUNTIME: &str = r#"
services:
  db:
    image: x
  app:
    image: x
    privileged: true
    read_only: true
    tmpfs: ["/run:size=1m", /scratch]
    extra_hosts: ["db.local=10.1.2.3", "gw:host-gateway"]
    dns: 9.9.9.9
    dns_search: [example.com, example.org]
    shm_size: 8m
    mem_limit: 64m
    memswap_limit: 128m
    cpus: 0.25
    cpu_shares: 512
    ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 512}
    security_opt: ["no-new-privileges:true"]
    devices: ["/dev/null:/dev/nothing:rw"]
    pid: "service:db"
    domainname: example.test
"#;

    #[test]
    fn renders_the_runtime_keys() {
        let file = ComposeFile::from_str(RUNTIME).unwrap();
        let project = Project::new("p", "/srv/app", file).unwrap();
        let app = project.file().service("app").unwrap();
        let body = ContainerSpec::new(&project, "app", app, "x").body;
        assert_eq!(body.domainname.as_deref(), Some("example.test"));
        let host = body.host_config.unwrap();
        assert_eq!(host.privileged, Some(true));
        assert_eq!(host.readonly_rootfs, Some(true));
        let tmpfs = host.tmpfs.unwrap();
        assert_eq!(
            (tmpfs["/run"].as_str(), tmpfs["/scratch"].as_str()),
            ("size=1m", "")
        );
        assert_eq!(
            host.extra_hosts.unwrap(),
            ["db.local:10.1.2.3", "gw:host-gateway"]
        );
        assert_eq!(host.dns.unwrap(), ["9.9.9.9"]);
        assert_eq!(host.dns_search.unwrap(), ["example.com", "example.org"]);
        assert_eq!(host.shm_size, Some(8 << 20));
        assert_eq!(host.memory, Some(64 << 20));
        assert_eq!(host.memory_swap, Some(128 << 20));
        assert_eq!(host.nano_cpus, Some(250_000_000));
        assert_eq!(host.cpu_shares, Some(512));
        let ulimits = host.ulimits.unwrap();
        assert_eq!(ulimits.len(), 2);
        assert_eq!(ulimits[0].name.as_deref(), Some("nofile"));
        assert_eq!((ulimits[0].soft, ulimits[0].hard), (Some(1024), Some(2048)));
        assert_eq!((ulimits[1].soft, ulimits[1].hard), (Some(512), Some(512)));
        assert_eq!(host.security_opt.unwrap(), ["no-new-privileges:true"]);
        let device = &host.devices.unwrap()[0];
        assert_eq!(device.path_on_host.as_deref(), Some("/dev/null"));
        assert_eq!(device.path_in_container.as_deref(), Some("/dev/nothing"));
        assert_eq!(device.cgroup_permissions.as_deref(), Some("rw"));
        assert_eq!(host.pid_mode.as_deref(), Some("container:p-db-1"));
    }

    #[test]
    fn deploy_limits_win_over_the_top_level_keys() {
        let file = ComposeFile::from_str(
            "services: {a: {image: x, mem_limit: 1g, cpus: 2, deploy: {resources: {limits: {memory: 64m, cpus: '0.5'}}}}}",
        )
        .unwrap();
        let project = Project::new("p", "/srv/app", file).unwrap();
        let a = project.file().service("a").unwrap();
        let host = ContainerSpec::new(&project, "a", a, "x")
            .body
            .host_config
            .unwrap();
        assert_eq!(
            (host.memory, host.nano_cpus),
            (Some(64 << 20), Some(500_000_000))
        );
    }
}
