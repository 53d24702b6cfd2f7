//! The typed compose file: every shape the seed's files use, read through charm-yaml, with
//! unknown keys and bad values reported by key and line, and references validated.
//!
//! ```
//! let file = charm_docker::ComposeFile::from_str("services:\n  web:\n    image: nginx\n    restrat: always\n");
//! let err = file.unwrap_err().to_string();
//! assert!(err.contains("restrat"), "unknown keys are errors naming the key: {err}");
//! ```

mod build;
mod de;
mod duration;
mod extends;
mod extra;
mod include;
mod interp;
mod locate;
mod mount;
mod port;
mod refcheck;
mod runtime;
mod service;
mod shell;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::error::Error;
use crate::interpolate::{self, Environment};

/// `env` plus the `.env` file in `dir` (`env` wins), or the file's error.
pub(crate) fn dotenv(env: &Environment, dir: &Path) -> Result<Environment, Error> {
    let path = dir.join(".env");
    env.clone()
        .with_dotenv_file(&path)
        .map_err(|(line, message)| Error::InvalidFile {
            file: path.display().to_string(),
            line,
            message,
        })
}

pub use build::Build;
pub use duration::parse_duration;
pub use extra::{
    EnvFile, FileRef, Ipam, IpamPool, Logging, PullPolicy, ResourceSpec, Resources,
    RestartPolicySpec, parse_bytes,
};
pub use mount::Mount;
pub use port::{Port, Protocol};
pub use runtime::{Device, ExtraHost, Ulimit};
pub use service::{
    Command, Condition, Dependency, Healthcheck, Hook, Restart, Service, ServiceNetwork,
};
pub use shell::split as shell_split;

/// A parsed and validated compose file.
///
/// ```
/// use charm_docker::ComposeFile;
/// let file = ComposeFile::from_str(r#"
/// version: "2"
/// services:
///   web:
///     image: charm-test/busybox
///     command: httpd -f -p 80
///     ports: ["5000:80"]
///     depends_on: [redis]
///   redis:
///     image: charm-test/redis
///     ports: ["6379"]
/// "#).unwrap();
/// assert_eq!(file.order(), ["redis", "web"]);
/// assert_eq!(file.service("web").unwrap().ports[0].host_port, Some(5000));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ComposeFile {
    name: Option<String>,
    services: BTreeMap<String, Service>,
    networks: BTreeMap<String, NetworkDef>,
    volumes: BTreeMap<String, VolumeDef>,
    secrets: BTreeMap<String, PathBuf>,
    configs: BTreeMap<String, PathBuf>,
    order: Vec<String>,
    /// Each service as written (interpolated, merge keys applied), for the config hash
    /// docker-compose 1.29 computes from its own normalisation (see compat.rs).
    raw: BTreeMap<String, serde_json::Value>,
}

/// A top-level `networks:` entry (a null value means all defaults).
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(
///     "services: {a: {image: x, networks: [front]}}\nnetworks: {front: }\n").unwrap();
/// assert!(!file.networks()["front"].external);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct NetworkDef {
    /// The engine-side name; defaults to `<project>_<key>` (or the key when external).
    #[serde(default)]
    pub name: Option<String>,
    /// Created outside the project: never created nor removed, must exist.
    #[serde(skip)]
    pub external: bool,
    /// `external:` as written: `true`, or the deprecated `{name: N}` (folded into `name`).
    #[serde(default, rename = "external", deserialize_with = "extra::external")]
    external_spec: Option<(bool, Option<String>)>,
    /// Network driver (engine default: `bridge`).
    #[serde(default)]
    pub driver: Option<String>,
    /// Whether the network has no outside connectivity.
    #[serde(default)]
    pub internal: bool,
    /// Extra labels.
    #[serde(default, deserialize_with = "labels")]
    pub labels: BTreeMap<String, String>,
    /// Address pools (needed for a service's `ipv4_address`).
    #[serde(default)]
    pub ipam: Option<Ipam>,
    /// Driver options.
    #[serde(default, deserialize_with = "extra::string_map")]
    pub driver_opts: BTreeMap<String, String>,
    /// Whether containers outside the project may attach.
    #[serde(default)]
    pub attachable: bool,
    /// Whether the network has IPv6.
    #[serde(default)]
    pub enable_ipv6: bool,
}

/// A top-level `volumes:` entry (a null value means all defaults).
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(
///     "services: {db: {image: x, volumes: ['data:/data']}}\nvolumes:\n  data:\n").unwrap();
/// assert!(!file.volumes()["data"].external);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct VolumeDef {
    /// The engine-side name; defaults to `<project>_<key>` (or the key when external).
    #[serde(default)]
    pub name: Option<String>,
    /// Created outside the project: never created nor removed, must exist.
    #[serde(skip)]
    pub external: bool,
    /// `external:` as written: `true`, or the deprecated `{name: N}` (folded into `name`).
    #[serde(default, rename = "external", deserialize_with = "extra::external")]
    external_spec: Option<(bool, Option<String>)>,
    /// Volume driver (engine default: `local`).
    #[serde(default)]
    pub driver: Option<String>,
    /// Driver options (`type: none, o: bind, device: /srv/data` for a local bind volume).
    #[serde(default, deserialize_with = "extra::string_map")]
    pub driver_opts: BTreeMap<String, String>,
    /// Extra labels.
    #[serde(default, deserialize_with = "labels")]
    pub labels: BTreeMap<String, String>,
}

/// `labels:` as a list of `K=V` or a map; a missing value is the empty string.
pub(crate) fn labels<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let de::KeyValues(map) = de::nullable(d)?;
    Ok(map
        .into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect())
}

// No `deny_unknown_fields` on the structs read through the interpolating reader
// (interp.rs): it refuses their unknown keys itself, letting `x-` extension fields through.
#[derive(Default, Deserialize)]
struct RawFile {
    /// Obsolete since Compose v2: accepted whatever it says, and ignored.
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<IgnoredAny>,
    #[serde(default)]
    name: Option<String>,
    /// Optional: a file may hold only networks, volumes or extensions.
    #[serde(default, deserialize_with = "services")]
    services: BTreeMap<String, Service>,
    #[serde(default, deserialize_with = "resources")]
    networks: BTreeMap<String, Option<NetworkDef>>,
    #[serde(default, deserialize_with = "resources")]
    volumes: BTreeMap<String, Option<VolumeDef>>,
    #[serde(default, deserialize_with = "resources")]
    secrets: BTreeMap<String, Option<extra::FileDef>>,
    #[serde(default, deserialize_with = "resources")]
    configs: BTreeMap<String, Option<extra::FileDef>>,
}

/// Top-level secrets or configs: each must be a file, made absolute against `base`.
fn file_defs(
    defs: BTreeMap<String, Option<extra::FileDef>>,
    kind: &str,
    base: &Path,
) -> Result<BTreeMap<String, PathBuf>, String> {
    let mut out = BTreeMap::new();
    for (name, def) in defs {
        let def = def.unwrap_or_default();
        let other = if def.external {
            Some("external")
        } else if def.environment.is_some() {
            Some("environment")
        } else if def.content.is_some() {
            Some("content")
        } else {
            None
        };
        match (def.file, other) {
            (Some(file), None) => {
                let path = crate::spec::resolve(base, &file);
                out.insert(name, path);
            }
            (_, Some(other)) => {
                return Err(format!(
                    "{kind}s.{name}: only file-based {kind}s are supported ({other} is not)"
                ));
            }
            (None, None) => return Err(format!("{kind}s.{name}: file is missing")),
        }
    }
    Ok(out)
}

/// `services:` keyed by unique names that are valid in container names.
fn services<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Service>, D::Error> {
    de::unique_map(d, |name| {
        let valid = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if valid {
            Ok(())
        } else {
            Err(format!(
                "invalid service name {name:?}: use letters, digits, '.', '_' and '-'"
            ))
        }
    })
}

/// Top-level `networks:` / `volumes:`: unique keys, null values allowed.
fn resources<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<BTreeMap<String, Option<T>>, D::Error> {
    de::unique_map(d, |_| Ok(()))
}

impl ComposeFile {
    /// Parses and validates a compose file from its text, interpolated with no variable
    /// set (`${PORT:-5000}` is `5000`, `$$` is `$`; see [`crate::interpolate`]).
    #[allow(clippy::should_implement_trait)] // also implemented; this spares callers an import
    pub fn from_str(src: &str) -> Result<ComposeFile, Error> {
        Self::parse(src, "compose file", &Environment::new(), Path::new("."))
    }

    /// Parses and validates a compose file from its text, interpolating `${VAR}` and
    /// resolving `environment: [VAR]` entries from `env` only.
    ///
    /// ```
    /// use charm_docker::{ComposeFile, Environment};
    /// let env = Environment::from_iter([("TAG", "7.2"), ("LEVEL", "debug")]);
    /// let file = ComposeFile::from_str_with(
    ///     "services:\n  redis:\n    image: redis:${TAG:-latest}\n    environment: [LEVEL, HOME]\n",
    ///     &env,
    /// )?;
    /// let redis = file.service("redis").unwrap();
    /// assert_eq!(redis.image, "redis:7.2");
    /// assert_eq!(redis.environment["LEVEL"].as_deref(), Some("debug"));
    /// assert_eq!(redis.environment["HOME"], None, "not taken from the process");
    ///
    /// let err = ComposeFile::from_str_with("services:\n  db:\n    image: ${IMAGE:?pick one}\n", &env).unwrap_err();
    /// assert_eq!(err.to_string(), "invalid compose file, line 3: services.db.image: required variable IMAGE is missing a value: pick one");
    /// # Ok::<(), charm_docker::Error>(())
    /// ```
    pub fn from_str_with(src: &str, env: &Environment) -> Result<ComposeFile, Error> {
        Self::parse(src, "compose file", env, Path::new("."))
    }

    /// Reads, parses and validates the compose file at `path`, interpolated from the `.env`
    /// file beside it, if any.
    ///
    /// ```no_run
    /// let file = charm_docker::ComposeFile::from_path("files/voting-app/docker-compose.yml")?;
    /// # Ok::<(), charm_docker::Error>(())
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Result<ComposeFile, Error> {
        Self::from_path_with(path, &Environment::new())
    }

    /// Reads the compose file at `path`, interpolated from `env` and then from the `.env`
    /// file beside it (a variable set in `env` wins over the file's).
    pub fn from_path_with(path: impl AsRef<Path>, env: &Environment) -> Result<ComposeFile, Error> {
        let path = path.as_ref();
        let src = std::fs::read_to_string(path).map_err(|e| Error::InvalidFile {
            file: path.display().to_string(),
            line: None,
            message: e.to_string(),
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let env = dotenv(env, dir)?;
        let file = Self::parse(&src, &path.display().to_string(), &env, dir)?;
        // A build context must exist when the file is read, as docker-compose 1.29 checks
        // (a charm learns of a typo at once, not at its first `up`).
        for (name, service) in &file.services {
            let Some(build) = &service.build else {
                continue;
            };
            let context = crate::spec::resolve(dir, Path::new(&build.context));
            if !context.is_dir() {
                let message = format!(
                    "services.{name}.build: context {} is not a directory",
                    context.display()
                );
                return Err(Error::InvalidFile {
                    file: path.display().to_string(),
                    line: locate::key_line(&src, &message),
                    message,
                });
            }
        }
        Ok(file)
    }

    fn parse(
        src: &str,
        origin: &str,
        env: &Environment,
        base: &Path,
    ) -> Result<ComposeFile, Error> {
        let invalid = |line: Option<usize>, message: String| Error::InvalidFile {
            file: origin.to_owned(),
            line,
            message,
        };
        // serde_yaml's streaming reader does not apply YAML merge keys (`<<: *common`), which
        // real files use with `x-` anchors: such a file is merged as a tree first and read
        // from its re-serialised text, whose lines are not the file's (so none is reported).
        // `include:` and `extends:` are resolved on that tree too (include.rs, extends.rs).
        let merged = if src.contains("<<") || src.contains("extends") || src.contains("include") {
            let mut value: charm_yaml::Value =
                charm_yaml::from_str(src).map_err(|e| invalid(e.line(), e.message().to_owned()))?;
            value
                .apply_merge()
                .map_err(|e| invalid(None, charm_yaml::Error::from(e).message().to_owned()))?;
            let included = value.get("include").is_some();
            if included {
                include::resolve(&mut value, base)
                    .map_err(|m| invalid(locate::key_line(src, &m), m))?;
            }
            let extended = extends::any(&value);
            if extended {
                extends::resolve(&mut value, base)
                    .map_err(|m| invalid(locate::key_line(src, &m), m))?;
            }
            if included || extended || src.contains("<<") {
                Some(
                    charm_yaml::to_string(&value)
                        .map_err(|e| invalid(None, e.message().to_owned()))?,
                )
            } else {
                None
            }
        } else {
            None
        };
        let lines = merged.is_none();
        let src = merged.as_deref().unwrap_or(src);
        let yaml =
            |e: charm_yaml::Error| invalid(e.line().filter(|_| lines), e.message().to_owned());
        let read = || {
            let ctx = interp::Ctx::new(env);
            charm_yaml::from_str_seed(
                src,
                interp::Seed {
                    seed: std::marker::PhantomData::<RawFile>,
                    ctx: &ctx,
                },
            )
        };
        // An empty document is a file with nothing in it.
        let raw: RawFile = if src.trim().is_empty() {
            RawFile::default()
        } else {
            read().map_err(yaml)?
        };
        let declared = refcheck::Declared {
            services: raw.services.keys().cloned().collect(),
            networks: raw.networks.keys().cloned().collect(),
            volumes: raw.volumes.keys().cloned().collect(),
            secrets: raw.secrets.keys().cloned().collect(),
            configs: raw.configs.keys().cloned().collect(),
        };
        match Self::validate(raw, env, base) {
            Ok(mut file) => {
                file.raw = raw_services(src, env);
                Ok(file)
            }
            Err(message) => {
                // Read again with the declared names known, so the failing node reports its
                // line (see refcheck). If that read finds nothing, the line is that of the
                // key the message starts with, if any (none for a cycle).
                match refcheck::with(declared, read) {
                    Err(located) => Err(yaml(located)),
                    Ok(_) => {
                        let line = locate::key_line(src, &message).filter(|_| lines);
                        Err(invalid(line, message))
                    }
                }
            }
        }
    }

    fn validate(mut raw: RawFile, env: &Environment, base: &Path) -> Result<ComposeFile, String> {
        for (name, service) in raw.services.iter_mut() {
            // `env_file:` first, in order, then `environment:` over it.
            let mut from_files = BTreeMap::new();
            for env_file in &service.env_file {
                let path = base.join(&env_file.path);
                match std::fs::read_to_string(&path) {
                    Ok(text) => {
                        let vars = interpolate::parse_env_file(&text).map_err(|(line, m)| {
                            let at = line.map(|l| format!(", line {l}")).unwrap_or_default();
                            format!("services.{name}.env_file: {}{at}: {m}", path.display())
                        })?;
                        from_files.extend(vars);
                    }
                    Err(_) if !env_file.required => {}
                    Err(e) => {
                        return Err(format!(
                            "services.{name}.env_file: cannot read {}: {e}",
                            path.display()
                        ));
                    }
                }
            }
            // A bare NAME line is resolved from the caller's variables just below.
            for (key, value) in from_files {
                service.environment.entry(key).or_insert(value);
            }
            // `environment: [NAME]` takes NAME's value from the caller's variables, or is
            // left out of the container's environment when it has none (as Compose).
            for (key, value) in service.environment.iter_mut() {
                if value.is_none() {
                    *value = env.get(key).map(str::to_owned);
                }
            }
            // So are `build.args: [NAME]` (an unset one is not passed to the build).
            if let Some(build) = &mut service.build {
                for (key, value) in build.args.iter_mut() {
                    if value.is_none() {
                        *value = env.get(key).map(str::to_owned);
                    }
                }
            }
        }
        let all_services: BTreeSet<String> = raw.services.keys().cloned().collect();
        let secrets = file_defs(raw.secrets, "secret", base)?;
        let configs = file_defs(raw.configs, "config", base)?;
        for (name, service) in raw.services.iter_mut() {
            let context = |m: String| format!("services.{name}: {m}");
            if service.pull_policy == Some(extra::PullPolicy::Build) && service.build.is_none() {
                return Err(context(
                    "pull_policy is build, but there is no build:".to_owned(),
                ));
            }
            if service.container_name.is_some() && service.replicas() > 1 {
                return Err(context(
                    "container_name names one container, but the service wants several".into(),
                ));
            }
            if service.network_mode.is_some() && !service.networks.is_empty() {
                return Err(context(
                    "network_mode and networks cannot both be set".into(),
                ));
            }
            // A dependency that is not required may be absent.
            service
                .depends_on
                .retain(|dep, d| d.required || all_services.contains(dep));
            // Services named by network_mode, ipc, links and volumes_from start first.
            let mut implicit = Vec::new();
            for mode in [&service.network_mode, &service.ipc].into_iter().flatten() {
                if let Some(other) = mode.strip_prefix("service:") {
                    implicit.push(other.to_owned());
                }
            }
            for link in &service.links {
                implicit.push(link.split(':').next().unwrap_or(link).to_owned());
            }
            for from in &service.volumes_from {
                if !from.starts_with("container:") {
                    implicit.push(from.split(':').next().unwrap_or(from).to_owned());
                }
            }
            for other in implicit {
                if !all_services.contains(&other) {
                    return Err(context(refcheck::unknown("service", &other, &all_services)));
                }
                service.depends_on.entry(other).or_default();
            }
            for (kind, refs, defs) in [
                ("secret", &service.secrets, &secrets),
                ("config", &service.configs, &configs),
            ] {
                for r in refs {
                    if !defs.contains_key(&r.source) {
                        let declared = defs.keys().cloned().collect();
                        return Err(context(refcheck::unknown(kind, &r.source, &declared)));
                    }
                }
            }
        }
        let networks: BTreeMap<String, NetworkDef> = raw
            .networks
            .into_iter()
            .map(|(k, v)| {
                let mut def = v.unwrap_or_default();
                if let Some((external, name)) = def.external_spec.take() {
                    def.external = external;
                    def.name = def.name.or(name);
                }
                (k, def)
            })
            .collect();
        let volumes: BTreeMap<String, VolumeDef> = raw
            .volumes
            .into_iter()
            .map(|(k, v)| {
                let mut def = v.unwrap_or_default();
                if let Some((external, name)) = def.external_spec.take() {
                    def.external = external;
                    def.name = def.name.or(name);
                }
                (k, def)
            })
            .collect();
        let service_names: BTreeSet<String> = raw.services.keys().cloned().collect();
        let network_names: BTreeSet<String> = networks.keys().cloned().collect();
        let volume_names: BTreeSet<String> = volumes.keys().cloned().collect();
        for (name, service) in &raw.services {
            let context = |m: String| format!("services.{name}: {m}");
            if service.image.trim().is_empty() && service.build.is_none() {
                return Err(context(
                    "image is missing or empty, and there is no build: to make one".into(),
                ));
            }
            for dependency in service.depends_on.keys() {
                if !service_names.contains(dependency) {
                    return Err(context(refcheck::unknown(
                        "service",
                        dependency,
                        &service_names,
                    )));
                }
            }
            for network in service.networks.keys() {
                if network != "default" && !network_names.contains(network) {
                    return Err(context(refcheck::unknown(
                        "network",
                        network,
                        &network_names,
                    )));
                }
            }
            for mount in &service.volumes {
                if let Mount::Volume { source, .. } = mount
                    && !volume_names.contains(source)
                {
                    return Err(context(refcheck::unknown("volume", source, &volume_names)));
                }
            }
        }
        let order = topological_order(&raw.services)?;
        Ok(ComposeFile {
            name: raw.name,
            services: raw.services,
            networks,
            volumes,
            secrets,
            configs,
            order,
            raw: BTreeMap::new(),
        })
    }

    /// Names the image of every service that builds one and names none: `<project>-<service>`,
    /// as Compose v2 (docker/compose pkg/api/api.go `GetImageNameOrDefault`@f72979427042).
    pub(crate) fn name_built_images(&mut self, project: &str) {
        for (name, service) in self.services.iter_mut() {
            if service.build.is_some() && service.image.trim().is_empty() {
                service.image = format!("{project}-{name}");
            }
        }
    }

    /// Drops `names` from the services (disabled by profiles), keeping the order.
    pub(crate) fn remove_services(&mut self, names: &[String]) {
        self.services.retain(|n, _| !names.contains(n));
        self.order.retain(|n| !names.contains(n));
        for service in self.services.values_mut() {
            service.depends_on.retain(|d, _| !names.contains(d));
        }
    }

    /// Service `name` as written, interpolated (`Null` when unknown).
    pub(crate) fn raw_service(&self, name: &str) -> &serde_json::Value {
        static NULL: serde_json::Value = serde_json::Value::Null;
        self.raw.get(name).unwrap_or(&NULL)
    }

    /// The top-level `name:`, if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The services by name.
    pub fn services(&self) -> &BTreeMap<String, Service> {
        &self.services
    }

    /// One service by name.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.get(name)
    }

    /// The top-level networks by key.
    pub fn networks(&self) -> &BTreeMap<String, NetworkDef> {
        &self.networks
    }

    /// The top-level secrets by key: their files, absolute.
    pub fn secrets(&self) -> &BTreeMap<String, PathBuf> {
        &self.secrets
    }

    /// The top-level configs by key: their files, absolute.
    pub fn configs(&self) -> &BTreeMap<String, PathBuf> {
        &self.configs
    }

    /// The top-level volumes by key.
    pub fn volumes(&self) -> &BTreeMap<String, VolumeDef> {
        &self.volumes
    }

    /// Service names in `depends_on` order: every service comes after its dependencies
    /// (ties broken by name, so the order is stable).
    pub fn order(&self) -> &[String] {
        &self.order
    }
}

impl FromStr for ComposeFile {
    type Err = Error;

    fn from_str(src: &str) -> Result<Self, Error> {
        ComposeFile::from_str(src)
    }
}

impl fmt::Display for NetworkDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name.as_deref().unwrap_or("(default name)"))
    }
}

/// The `services:` of an already validated `src` as JSON trees, string values interpolated.
fn raw_services(src: &str, env: &Environment) -> BTreeMap<String, serde_json::Value> {
    fn interpolate(value: &mut serde_json::Value, env: &Environment) {
        match value {
            serde_json::Value::String(s) => {
                if let Ok(text) = env.interpolate(s) {
                    *s = text;
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| interpolate(v, env)),
            serde_json::Value::Object(map) => map.values_mut().for_each(|v| interpolate(v, env)),
            _ => {}
        }
    }
    let Ok(tree) = charm_yaml::from_str::<serde_json::Value>(src) else {
        return BTreeMap::new();
    };
    let Some(services) = tree.get("services").and_then(|s| s.as_object()) else {
        return BTreeMap::new();
    };
    services
        .iter()
        .map(|(name, service)| {
            let mut service = service.clone();
            interpolate(&mut service, env);
            (name.clone(), service)
        })
        .collect()
}

/// Kahn's algorithm over `depends_on`, taking the smallest ready name first.
fn topological_order(services: &BTreeMap<String, Service>) -> Result<Vec<String>, String> {
    let mut waiting: BTreeMap<&str, BTreeSet<&str>> = services
        .iter()
        .map(|(name, s)| {
            (
                name.as_str(),
                s.depends_on.keys().map(String::as_str).collect(),
            )
        })
        .collect();
    let mut order = Vec::with_capacity(services.len());
    while !waiting.is_empty() {
        let ready = waiting
            .iter()
            .find(|(_, deps)| deps.is_empty())
            .map(|(name, _)| *name);
        let Some(ready) = ready else {
            let stuck: Vec<&str> = waiting.keys().copied().collect();
            return Err(format!(
                "depends_on forms a cycle among services {}",
                stuck.join(", ")
            ));
        };
        waiting.remove(ready);
        for deps in waiting.values_mut() {
            deps.remove(ready);
        }
        order.push(ready.to_owned());
    }
    Ok(order)
}

#[cfg(test)]
pub(crate) mod tests;
