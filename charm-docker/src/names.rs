//! Names and labels, spelled as Docker Compose spells them so that `docker compose ps/down
//! -p <project>` sees what we create, and we see what it created.
//!
//! ```
//! use charm_docker::names::labels;
//! assert_eq!(labels::PROJECT, "com.docker.compose.project", "what `docker compose ls` reads");
//! ```

/// Label keys Compose puts on containers, networks and volumes.
///
/// ```
/// use charm_docker::names::labels;
/// assert_eq!(labels::SERVICE, "com.docker.compose.service");
/// ```
pub mod labels {
    /// The project name (containers, networks, volumes).
    pub const PROJECT: &str = "com.docker.compose.project";
    /// The service key (containers).
    pub const SERVICE: &str = "com.docker.compose.service";
    /// The replica number, from 1 (containers).
    pub const CONTAINER_NUMBER: &str = "com.docker.compose.container-number";
    /// `False` for service containers, `True` for `run` containers (containers).
    pub const ONEOFF: &str = "com.docker.compose.oneoff";
    /// Hash of the service configuration the container was created from (containers).
    pub const CONFIG_HASH: &str = "com.docker.compose.config-hash";
    /// The Compose version the creator implements (containers, networks, volumes).
    pub const VERSION: &str = "com.docker.compose.version";
    /// The charm-docker release that created it (containers only: docker-compose 1.29 warns
    /// about unknown labels on networks).
    pub const TOOL_VERSION: &str = "io.charm-docker.version";
    /// The project's working directory (containers).
    pub const WORKING_DIR: &str = "com.docker.compose.project.working_dir";
    /// The project's compose files, comma separated (containers).
    pub const CONFIG_FILES: &str = "com.docker.compose.project.config_files";
    /// The network key in the file (networks).
    pub const NETWORK: &str = "com.docker.compose.network";
    /// The volume key in the file (volumes).
    pub const VOLUME: &str = "com.docker.compose.volume";
}

/// The value of [`labels::VERSION`]: the Docker Compose release whose behaviour charm-docker
/// mirrors (compose.md: v2.40). Peers parse it as a version: docker-compose 1.29 compares it
/// with `1.21.0` and fails with a `TypeError` on anything else.
pub const VERSION: &str = "2.40.0";

/// The value of [`labels::TOOL_VERSION`]: which tool made the container.
pub const TOOL_VERSION: &str = concat!("charm-docker-", env!("CARGO_PKG_VERSION"));

/// Normalises a project name as Compose does: lower case, only `[a-z0-9_-]` kept, no leading
/// `_` or `-`. May return an empty string, which the caller must refuse.
///
/// ```
/// assert_eq!(charm_docker::names::normalize_project("Voting App_2"), "votingapp_2");
/// assert_eq!(charm_docker::names::normalize_project("-_x"), "x");
/// ```
pub fn normalize_project(name: &str) -> String {
    let kept: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(['_', '-']).to_owned()
}

/// `<project>-<service>-<number>`.
///
/// ```
/// assert_eq!(charm_docker::names::container("app", "redis", 1), "app-redis-1");
/// ```
pub fn container(project: &str, service: &str, number: u32) -> String {
    format!("{project}-{service}-{number}")
}

/// `<project>_<key>`, the engine name of a project network or named volume.
///
/// ```
/// assert_eq!(charm_docker::names::scoped("app", "default"), "app_default");
/// ```
pub fn scoped(project: &str, key: &str) -> String {
    format!("{project}_{key}")
}
