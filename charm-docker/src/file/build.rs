//! A service's `build:`: how to build its image from a context directory with the engine's
//! classic build API (`POST /build`, a tar of the context). Keys that only BuildKit can
//! honour (build secrets, ssh, extra contexts, cache export, entitlements) are refused by
//! name, with the reason, rather than silently dropped.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::de::{KeyValues, Scalar, nullable};

/// `build:` of a service: the short form is the context alone (`build: ./web`).
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   web:
///     build:
///       context: ./web
///       dockerfile: Dockerfile.prod
///       args: {VERSION: "1.2"}
///       target: runtime
/// "#).unwrap();
/// let build = file.service("web").unwrap().build.as_ref().unwrap();
/// assert_eq!(build.context, "./web");
/// assert_eq!(build.args["VERSION"].as_deref(), Some("1.2"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Build {
    /// The build context: a directory, relative to the project directory (default `.`).
    pub context: String,
    /// The Dockerfile, relative to the context (default `Dockerfile`).
    pub dockerfile: Option<String>,
    /// The Dockerfile's text, instead of a file.
    pub dockerfile_inline: Option<String>,
    /// Build arguments; `None` for a name-only entry the caller's variables do not set (it
    /// is not passed to the build, as Compose v2); a set one has its value here.
    pub args: BTreeMap<String, Option<String>>,
    /// The stage of a multi-stage Dockerfile to build.
    pub target: Option<String>,
    /// Images to use as cache sources.
    pub cache_from: Vec<String>,
    /// Labels of the built image.
    pub labels: BTreeMap<String, String>,
    /// Network mode of the build's `RUN` steps.
    pub network: Option<String>,
    /// Size of `/dev/shm` during the build, in bytes.
    pub shm_size: Option<i64>,
    /// `host:ip` entries added to `/etc/hosts` during the build.
    pub extra_hosts: Vec<String>,
    /// Build without the engine's layer cache.
    pub no_cache: bool,
    /// Pull newer versions of the base images.
    pub pull: bool,
    /// More tags for the built image.
    pub tags: Vec<String>,
    /// The target platform (one: the classic builder builds for one platform).
    pub platform: Option<String>,
}

const FIELDS: &[&str] = &[
    "context",
    "dockerfile",
    "dockerfile_inline",
    "args",
    "target",
    "cache_from",
    "labels",
    "network",
    "shm_size",
    "extra_hosts",
    "no_cache",
    "pull",
    "tags",
    "platforms",
];

/// Keys the classic build API cannot honour, refused with this reason.
const BUILDKIT_ONLY: &[&str] = &[
    "ssh",
    "secrets",
    "additional_contexts",
    "cache_to",
    "entitlements",
    "privileged",
    "ulimits",
    "isolation",
];

// Unknown keys are collected rather than denied: `x-` extension fields are legal anywhere.
#[derive(Deserialize)]
struct Long {
    #[serde(default)]
    context: Option<String>,
    #[serde(default)]
    dockerfile: Option<String>,
    #[serde(default)]
    dockerfile_inline: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    args: KeyValues,
    #[serde(default)]
    target: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    cache_from: Vec<String>,
    #[serde(default, deserialize_with = "super::labels")]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    network: Option<String>,
    #[serde(default)]
    shm_size: Option<Scalar>,
    #[serde(default, deserialize_with = "extra_hosts")]
    extra_hosts: Vec<String>,
    #[serde(default)]
    no_cache: bool,
    #[serde(default)]
    pull: bool,
    #[serde(default, deserialize_with = "nullable")]
    tags: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    platforms: Vec<String>,
    // Refused (BUILDKIT_ONLY), read only to name them.
    #[serde(default)]
    ssh: Option<IgnoredAny>,
    #[serde(default)]
    secrets: Option<IgnoredAny>,
    #[serde(default)]
    additional_contexts: Option<IgnoredAny>,
    #[serde(default)]
    cache_to: Option<IgnoredAny>,
    #[serde(default)]
    entitlements: Option<IgnoredAny>,
    #[serde(default)]
    privileged: Option<IgnoredAny>,
    #[serde(default)]
    ulimits: Option<IgnoredAny>,
    #[serde(default)]
    isolation: Option<IgnoredAny>,
    #[serde(flatten)]
    other: BTreeMap<String, IgnoredAny>,
}

impl Long {
    fn into_build<E: de::Error>(self) -> Result<Build, E> {
        if let Some(key) = self.other.keys().find(|k| !k.starts_with("x-")) {
            return Err(E::unknown_field(key, FIELDS));
        }
        let refused = [
            self.ssh.is_some(),
            self.secrets.is_some(),
            self.additional_contexts.is_some(),
            self.cache_to.is_some(),
            self.entitlements.is_some(),
            self.privileged.is_some(),
            self.ulimits.is_some(),
            self.isolation.is_some(),
        ];
        if let Some((key, _)) = BUILDKIT_ONLY.iter().zip(refused).find(|(_, set)| *set) {
            return Err(E::custom(format!(
                "build.{key} is not supported: it needs BuildKit, and charm-docker builds with \
                 the engine's classic builder; build that image beforehand and name it with image:"
            )));
        }
        if self.dockerfile.is_some() && self.dockerfile_inline.is_some() {
            return Err(E::custom(
                "build: dockerfile and dockerfile_inline cannot both be set",
            ));
        }
        if self.platforms.len() > 1 {
            return Err(E::custom(format!(
                "build.platforms: the classic builder builds for one platform, not {}",
                self.platforms.len()
            )));
        }
        let shm_size = match self.shm_size.and_then(|Scalar(s)| s) {
            Some(text) => Some(
                super::parse_bytes(&text).map_err(|m| E::custom(format!("build.shm_size: {m}")))?,
            ),
            None => None,
        };
        let context = self.context.unwrap_or_else(|| ".".to_owned());
        if context.contains("://") || context.starts_with("git@") {
            return Err(E::custom(format!(
                "build.context {context:?}: a remote context is not supported; use a directory"
            )));
        }
        Ok(Build {
            context,
            dockerfile: self.dockerfile,
            dockerfile_inline: self.dockerfile_inline,
            args: self.args.0,
            target: self.target,
            cache_from: self.cache_from,
            labels: self.labels,
            network: self.network,
            shm_size,
            extra_hosts: self.extra_hosts,
            no_cache: self.no_cache,
            pull: self.pull,
            tags: self.tags,
            platform: self.platforms.into_iter().next(),
        })
    }
}

/// `extra_hosts:` as a list of `host:ip` / `host=ip`, or a map of host to ip.
fn extra_hosts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let KeyValues(map) = nullable(d)?;
    Ok(map
        .into_iter()
        .map(|(k, v)| match v {
            Some(ip) => format!("{k}:{ip}"),
            None => k,
        })
        .collect())
}

impl<'de> Deserialize<'de> for Build {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Build, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Build;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a context directory or {context, dockerfile, args, ...}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Build, E> {
                Long {
                    context: Some(v.to_owned()),
                    ..Long::empty()
                }
                .into_build()
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Build, A::Error> {
                Long::deserialize(de::value::MapAccessDeserializer::new(map))?.into_build()
            }
        }
        d.deserialize_any(V)
    }
}

impl Long {
    fn empty() -> Long {
        Long {
            context: None,
            dockerfile: None,
            dockerfile_inline: None,
            args: KeyValues(BTreeMap::new()),
            target: None,
            cache_from: Vec::new(),
            labels: BTreeMap::new(),
            network: None,
            shm_size: None,
            extra_hosts: Vec::new(),
            no_cache: false,
            pull: false,
            tags: Vec::new(),
            platforms: Vec::new(),
            ssh: None,
            secrets: None,
            additional_contexts: None,
            cache_to: None,
            entitlements: None,
            privileged: None,
            ulimits: None,
            isolation: None,
            other: BTreeMap::new(),
        }
    }
}
