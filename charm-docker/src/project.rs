//! A project: a compose file with the name and directory it is brought up under.

use std::path::{Path, PathBuf};

use crate::file::{ComposeFile, NetworkDef, VolumeDef};
use crate::interpolate::Environment;
use crate::{Error, Result, names};

/// What `up`, `down` and `ps` act on.
///
/// ```
/// use charm_docker::{ComposeFile, Project};
/// let file = ComposeFile::from_str("services: {web: {image: charm-test/busybox}}").unwrap();
/// let project = Project::new("Voting App", "/srv/voting-app", file).unwrap();
/// assert_eq!(project.name(), "votingapp");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    name: String,
    working_dir: PathBuf,
    config_files: Vec<PathBuf>,
    file: ComposeFile,
    default_host_ip: Option<String>,
    environment: Environment,
    disabled: Vec<String>,
}

impl Project {
    /// A project named `name` (normalised as Compose does), resolving relative bind mounts
    /// against `working_dir` (itself made absolute against the current directory, so that
    /// `Project::new(.., ".", ..)` keeps `./site:/www` a bind mount). Services with
    /// `profiles:` are left out (no profile is enabled; [`Project::builder`] enables some).
    ///
    /// ```
    /// let file: charm_docker::ComposeFile = "services: {web: {image: x, volumes: ['./site:/www']}}".parse()?;
    /// let project = charm_docker::Project::new("demo", ".", file)?;
    /// assert!(project.working_dir().is_absolute());
    /// # Ok::<(), charm_docker::Error>(())
    /// ```
    pub fn new(name: &str, working_dir: impl Into<PathBuf>, file: ComposeFile) -> Result<Project> {
        Project::unfiltered(name, working_dir.into(), file)?.apply_profiles(&[])
    }

    fn unfiltered(name: &str, working_dir: PathBuf, mut file: ComposeFile) -> Result<Project> {
        let working_dir = std::path::absolute(&working_dir).unwrap_or(working_dir);
        let normalized = names::normalize_project(name);
        if normalized.is_empty() {
            return Err(Error::InvalidProject {
                name: name.to_owned(),
                reason: "it has no letter or digit".to_owned(),
            });
        }
        file.name_built_images(&normalized);
        Ok(Project {
            name: normalized,
            working_dir,
            config_files: Vec::new(),
            file,
            default_host_ip: None,
            environment: Environment::new(),
            disabled: Vec::new(),
        })
    }

    /// Reads the compose file at `path` with no variable set but those of the `.env` file
    /// beside it; the project is named `name`, else the file's `name:`, else its directory's
    /// name, and works in that directory. [`Project::builder`] passes variables.
    ///
    /// ```no_run
    /// let project = charm_docker::Project::from_path(None, "files/voting-app/docker-compose.yml")?;
    /// # Ok::<(), charm_docker::Error>(())
    /// ```
    pub fn from_path(name: Option<&str>, path: impl AsRef<Path>) -> Result<Project> {
        let mut builder = Project::builder(path.as_ref());
        if let Some(name) = name {
            builder = builder.name(name);
        }
        builder.build()
    }

    /// Starts a project read from the compose file at `path`; see [`ProjectBuilder`].
    pub fn builder(path: impl Into<PathBuf>) -> ProjectBuilder {
        ProjectBuilder {
            path: path.into(),
            name: None,
            environment: Environment::new(),
            profiles: None,
        }
    }

    /// The normalised project name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The directory relative bind mounts are resolved against.
    pub fn working_dir(&self) -> &Path {
        &self.working_dir
    }

    /// The variables the file was interpolated from (`.env` included); empty for a
    /// project made with [`Project::new`].
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// The compose file.
    pub fn file(&self) -> &ComposeFile {
        &self.file
    }

    /// The files recorded in the `config_files` label (empty for a file parsed from text).
    pub fn config_files(&self) -> &[PathBuf] {
        &self.config_files
    }

    /// Records `files` as this project's compose files (for the `config_files` label).
    pub fn with_config_files(mut self, files: Vec<PathBuf>) -> Project {
        self.config_files = files;
        self
    }

    /// Publishes every port that names no host address on `ip` instead of all addresses, as
    /// dockerd's `--ip` does for its default bridge (which does not reach a project's own
    /// networks). For local deployments and tests: `Some("127.0.0.1")` keeps them on loopback.
    ///
    /// ```
    /// let file: charm_docker::ComposeFile = "services:\n  web:\n    image: x\n    ports: [\"8080:80\"]\n".parse()?;
    /// let project = charm_docker::Project::new("demo", ".", file)?.with_default_host_ip(Some("127.0.0.1".into()));
    /// assert_eq!(project.default_host_ip(), Some("127.0.0.1"));
    /// # Ok::<(), charm_docker::Error>(())
    /// ```
    pub fn with_default_host_ip(mut self, ip: Option<String>) -> Project {
        self.default_host_ip = ip.filter(|ip| !ip.is_empty());
        self
    }

    /// The address ports without a host address are published on, if not all addresses.
    pub fn default_host_ip(&self) -> Option<&str> {
        self.default_host_ip.as_deref()
    }

    /// The config hash Docker Compose v2 (2.40.3) puts on the containers of `service` it
    /// creates from this project (`docker compose config --hash` prints it, with
    /// `env_file` not yet read), or `None` when the service uses a key or form charm-docker
    /// does not reproduce v2's rendering of: then a container v2 made for it is recreated,
    /// never wrongly kept.
    ///
    /// ```
    /// let file: charm_docker::ComposeFile =
    ///     "services:\n  db: {image: charm-test/busybox, command: [sleep, \"3600\"], init: true}\n".parse()?;
    /// let project = charm_docker::Project::new("demo", "/srv/demo", file)?;
    /// assert_eq!(
    ///     project.compose_v2_hash("db").as_deref(),
    ///     Some("0ce4cf44b2559ba0348d5a86a8c965755af21f3b8bc3bd9a4ddfc39a66a48e4d")
    /// );
    /// # Ok::<(), charm_docker::Error>(())
    /// ```
    pub fn compose_v2_hash(&self, service: &str) -> Option<String> {
        crate::compose2::compose2_hash(self, service)
    }

    /// The name of container `number` of `service`: its `container_name`, else
    /// `<project>-<service>-<number>`.
    pub fn container_name(&self, service: &str, number: u32) -> String {
        match self
            .file
            .service(service)
            .and_then(|s| s.container_name.clone())
        {
            Some(name) => name,
            None => names::container(&self.name, service, number),
        }
    }

    /// Services left out because none of their profiles is enabled: `up` neither starts
    /// them nor removes their containers as orphans.
    pub fn disabled_services(&self) -> &[String] {
        &self.disabled
    }

    /// Keeps only the services with no profile or an enabled one; refuses an enabled
    /// service that depends on a disabled one.
    fn apply_profiles(mut self, enabled: &[String]) -> Result<Project> {
        let all = enabled.iter().any(|p| p == "*");
        let on = |s: &crate::Service| {
            s.profiles.is_empty() || all || s.profiles.iter().any(|p| enabled.contains(p))
        };
        let disabled: Vec<String> = self
            .file
            .services()
            .iter()
            .filter(|(_, s)| !on(s))
            .map(|(n, _)| n.clone())
            .collect();
        for (name, service) in self.file.services() {
            if !on(service) {
                continue;
            }
            if let Some(dep) = service
                .depends_on
                .iter()
                .find(|(d, dep)| dep.required && disabled.contains(d))
            {
                return Err(Error::InvalidFile {
                    file: self.origin(),
                    line: None,
                    message: format!(
                        "services.{name}: depends on {}, whose profiles ({}) are not enabled",
                        dep.0,
                        self.file
                            .service(dep.0)
                            .map(|s| s.profiles.join(", "))
                            .unwrap_or_default()
                    ),
                });
            }
        }
        self.file.remove_services(&disabled);
        self.disabled = disabled;
        Ok(self)
    }

    fn origin(&self) -> String {
        self.config_files
            .first()
            .map_or_else(|| "compose file".to_owned(), |p| p.display().to_string())
    }

    /// The networks services use, by key, with their definition (`default` included when a
    /// service joins no explicit network).
    pub(crate) fn used_networks(&self) -> Vec<(String, NetworkDef)> {
        let mut used = std::collections::BTreeSet::new();
        for service in self.file.services().values() {
            if service.networks.is_empty() {
                used.insert("default".to_owned());
            }
            used.extend(service.networks.keys().cloned());
        }
        used.into_iter()
            .map(|key| {
                let def = self.file.networks().get(&key).cloned().unwrap_or_default();
                (key, def)
            })
            .collect()
    }

    /// The engine name of network `key`.
    pub(crate) fn network_name(&self, key: &str, def: &NetworkDef) -> String {
        match (&def.name, def.external) {
            (Some(name), _) => name.clone(),
            (None, true) => key.to_owned(),
            (None, false) => names::scoped(&self.name, key),
        }
    }

    /// The engine name of volume `key`.
    pub(crate) fn volume_name(&self, key: &str, def: &VolumeDef) -> String {
        match (&def.name, def.external) {
            (Some(name), _) => name.clone(),
            (None, true) => key.to_owned(),
            (None, false) => names::scoped(&self.name, key),
        }
    }

    /// The networks a service joins, by key, primary (first) included.
    pub(crate) fn service_networks(&self, service: &str) -> Vec<String> {
        match self.file.service(service) {
            Some(s) if !s.networks.is_empty() => s.networks.keys().cloned().collect(),
            _ => vec!["default".to_owned()],
        }
    }

    /// The network definition for `key` (the implicit `default` has all defaults).
    pub(crate) fn network_def(&self, key: &str) -> NetworkDef {
        self.file.networks().get(key).cloned().unwrap_or_default()
    }
}

/// Builds a [`Project`] from a compose file on disk, with the variables it is interpolated
/// from. Only the variables given here and those of the `.env` file beside the compose file
/// are seen (the given ones win); the process environment never is.
///
/// ```no_run
/// use charm_docker::{Environment, Project};
/// let project = Project::builder("files/app/docker-compose.yml")
///     .name("app")
///     .environment(Environment::from_iter([("VOTE_PORT", "5000")]))
///     .build()?;
/// # Ok::<(), charm_docker::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProjectBuilder {
    path: PathBuf,
    name: Option<String>,
    environment: Environment,
    profiles: Option<Vec<String>>,
}

impl ProjectBuilder {
    /// The project name (else the file's `name:`, else its directory's name).
    pub fn name(mut self, name: impl Into<String>) -> ProjectBuilder {
        self.name = Some(name.into());
        self
    }

    /// The variables to interpolate the file from (replacing any given before).
    pub fn environment(mut self, environment: Environment) -> ProjectBuilder {
        self.environment = environment;
        self
    }

    /// The profiles to enable (`*` for all); without this call, those the environment's
    /// `COMPOSE_PROFILES` lists (comma separated), as Compose.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("compose.yaml");
    /// std::fs::write(&path, "services:\n  app: {image: x}\n  debug: {image: y, profiles: [debug]}\n")?;
    /// let project = charm_docker::Project::builder(&path).build()?;
    /// assert!(project.file().service("debug").is_none());
    /// let project = charm_docker::Project::builder(&path).profiles(["debug"]).build()?;
    /// assert!(project.file().service("debug").is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn profiles<S: Into<String>>(
        mut self,
        profiles: impl IntoIterator<Item = S>,
    ) -> ProjectBuilder {
        self.profiles = Some(profiles.into_iter().map(Into::into).collect());
        self
    }

    /// Reads, interpolates and validates the file.
    pub fn build(self) -> Result<Project> {
        let path = self.path.as_path();
        let dir = path.parent().unwrap_or(Path::new("."));
        let environment = crate::file::dotenv(&self.environment, dir)?;
        let file = ComposeFile::from_path_with(path, &environment)?;
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
        let dir_name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let chosen = self
            .name
            .or_else(|| file.name().map(str::to_owned))
            .unwrap_or(dir_name);
        let mut project = Project::unfiltered(&chosen, dir, file)?;
        project.config_files = vec![absolute];
        let profiles = self.profiles.unwrap_or_else(|| {
            environment
                .get("COMPOSE_PROFILES")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect()
        });
        project.environment = environment;
        project.apply_profiles(&profiles)
    }
}
