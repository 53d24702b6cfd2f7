//! The service and top-level keys real compose files use beyond the seed's: profiles,
//! expose, env_file, pull_policy, secrets and configs from files, logging, deploy resources
//! and restart policy, IPAM.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use super::de::{KeyValues, NameCheck, Scalar, nullable};

/// A list that may also be written as a single string (`env_file: .env`, `profiles: debug`).
pub(crate) fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct V;

    impl<'de> Visitor<'de> for V {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a list of strings")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
            Ok(Vec::new())
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
            Ok(vec![v.to_owned()])
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<String>, A::Error> {
            super::de::string_list(seq)
        }
    }

    d.deserialize_any(V)
}

/// `env_file:` entries: a path, or `{path, required}`.
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   web:
///     image: nginx
///     env_file:
///       - path: ./web.env
///         required: false
/// "#).unwrap();
/// let web = file.service("web").unwrap();
/// assert!(web.env_file[0].path.ends_with("web.env"));
/// assert!(!web.env_file[0].required);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFile {
    /// The file, relative to the project directory.
    pub path: PathBuf,
    /// A missing file is an error when required (the default).
    pub required: bool,
}

pub(crate) fn env_files<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<EnvFile>, D::Error> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Long {
        path: String,
        #[serde(default = "yes")]
        required: bool,
    }
    fn yes() -> bool {
        true
    }
    struct Item(EnvFile);
    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Item;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a path or {path, required}")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Item, E> {
                    Ok(Item(EnvFile {
                        path: v.into(),
                        required: true,
                    }))
                }
                fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Item, A::Error> {
                    let long = Long::deserialize(de::value::MapAccessDeserializer::new(map))?;
                    Ok(Item(EnvFile {
                        path: long.path.into(),
                        required: long.required,
                    }))
                }
            }
            d.deserialize_any(V)
        }
    }
    struct List;
    impl<'de> Visitor<'de> for List {
        type Value = Vec<EnvFile>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a path or a list of paths")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<EnvFile>, E> {
            Ok(Vec::new())
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<EnvFile>, E> {
            Item::deserialize(de::value::StrDeserializer::<E>::new(v)).map(|i| vec![i.0])
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<EnvFile>, A::Error> {
            let mut out = Vec::new();
            while let Some(Item(item)) = seq.next_element()? {
                out.push(item);
            }
            Ok(out)
        }
    }
    d.deserialize_any(List)
}

/// `pull_policy:`.
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   web:
///     image: nginx
///     pull_policy: always
/// "#).unwrap();
/// let web = file.service("web").unwrap();
/// assert_eq!(web.pull_policy, Some(charm_docker::file::PullPolicy::Always));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PullPolicy {
    /// Pull when the image is not present (the default).
    #[default]
    #[serde(alias = "if_not_present")]
    Missing,
    /// Pull on every `up`.
    Always,
    /// Never pull: a missing image is an error.
    Never,
    /// Build the image: refused (a charm has no builder).
    Build,
    /// Pull when the local image is older than a day: treated as `missing` (the engine
    /// does not record when an image was pulled).
    Daily,
}

/// A service's `secrets:` or `configs:` entry: the name of a top-level one, and where it is
/// mounted.
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   web:
///     image: nginx
///     secrets:
///       - source: tls_key
///         target: /run/secrets/key.pem
/// secrets:
///   tls_key: {file: ./key.pem}
/// "#).unwrap();
/// let web = file.service("web").unwrap();
/// assert_eq!(web.secrets[0].source, "tls_key");
/// assert_eq!(web.secrets[0].target.as_deref(), Some("/run/secrets/key.pem"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    /// The top-level key.
    pub source: String,
    /// The path in the container (relative: under `/run/secrets/` for secrets, `/` for
    /// configs); `None` means the source's name.
    pub target: Option<String>,
}

pub(crate) fn secret_refs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<FileRef>, D::Error> {
    file_refs::<D, SecretCheck>(d)
}

pub(crate) fn config_refs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<FileRef>, D::Error> {
    file_refs::<D, ConfigCheck>(d)
}

struct SecretCheck;
struct ConfigCheck;

impl NameCheck for SecretCheck {
    fn check(name: &str) -> Result<(), String> {
        super::refcheck::secret(name)
    }
}

impl NameCheck for ConfigCheck {
    fn check(name: &str) -> Result<(), String> {
        super::refcheck::config(name)
    }
}

fn file_refs<'de, D: Deserializer<'de>, C: NameCheck>(d: D) -> Result<Vec<FileRef>, D::Error> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Long {
        source: String,
        #[serde(default)]
        target: Option<String>,
        #[serde(default)]
        #[allow(dead_code)]
        uid: Option<Scalar>,
        #[serde(default)]
        #[allow(dead_code)]
        gid: Option<Scalar>,
        #[serde(default)]
        #[allow(dead_code)]
        mode: Option<Scalar>,
    }
    struct Item<C>(FileRef, std::marker::PhantomData<C>);
    impl<'de, C: NameCheck> Deserialize<'de> for Item<C> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<C>(std::marker::PhantomData<C>);
            impl<'de, C: NameCheck> Visitor<'de> for V<C> {
                type Value = Item<C>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a name or {source, target}")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Item<C>, E> {
                    C::check(v).map_err(E::custom)?;
                    Ok(Item(
                        FileRef {
                            source: v.to_owned(),
                            target: None,
                        },
                        std::marker::PhantomData,
                    ))
                }
                fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Item<C>, A::Error> {
                    let long = Long::deserialize(de::value::MapAccessDeserializer::new(map))?;
                    C::check(&long.source).map_err(de::Error::custom)?;
                    Ok(Item(
                        FileRef {
                            source: long.source,
                            target: long.target,
                        },
                        std::marker::PhantomData,
                    ))
                }
            }
            d.deserialize_any(V(std::marker::PhantomData))
        }
    }
    let items: Vec<Item<C>> = nullable(d)?;
    Ok(items.into_iter().map(|i| i.0).collect())
}

/// A top-level `secrets:` or `configs:` entry. Only file-based ones are supported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct FileDef {
    /// The file, relative to the project directory.
    #[serde(default)]
    pub file: Option<PathBuf>,
    /// Created outside the project (swarm): refused.
    #[serde(default)]
    pub external: bool,
    /// From a variable of the caller's environment: refused (not a file).
    #[serde(default)]
    pub environment: Option<String>,
    /// Inline content (configs): refused (not a file).
    #[serde(default)]
    pub content: Option<String>,
    /// Engine-side name (swarm): ignored.
    #[serde(default)]
    pub name: Option<String>,
}

/// `logging:`.
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   web:
///     image: nginx
///     logging:
///       driver: json-file
///       options: {max-size: 10m}
/// "#).unwrap();
/// let web = file.service("web").unwrap();
/// let logging = web.logging.as_ref().unwrap();
/// assert_eq!(logging.driver.as_deref(), Some("json-file"));
/// assert_eq!(logging.options["max-size"], "10m");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Logging {
    /// Log driver (`json-file`, `local`, `none`, ...).
    #[serde(default)]
    pub driver: Option<String>,
    /// Driver options.
    #[serde(default, deserialize_with = "string_map")]
    pub options: BTreeMap<String, String>,
}

/// A map of scalars, each read as text (`max-size: 10m`, `max-file: 3`).
pub(crate) fn string_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let KeyValues(map) = nullable(d)?;
    Ok(map
        .into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect())
}

/// `deploy.resources`.
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   web:
///     image: nginx
///     deploy:
///       resources:
///         limits: {cpus: "0.5", memory: 256M}
///       restart_policy: {condition: on-failure, max_attempts: 3}
/// "#).unwrap();
/// let web = file.service("web").unwrap();
/// let resources = web.deploy.as_ref().unwrap().resources.as_ref().unwrap();
/// assert!(resources.limits.is_some() && resources.reservations.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Resources {
    /// Hard limits.
    #[serde(default)]
    pub limits: Option<ResourceSpec>,
    /// Soft reservations.
    #[serde(default)]
    pub reservations: Option<ResourceSpec>,
}

/// CPU, memory and process limits or reservations.
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   web:
///     image: nginx
///     deploy:
///       resources:
///         limits: {cpus: "0.5", memory: 256M}
///       restart_policy: {condition: on-failure, max_attempts: 3}
/// "#).unwrap();
/// let web = file.service("web").unwrap();
/// let limits = web.deploy.as_ref().unwrap().resources.as_ref().unwrap().limits.as_ref().unwrap();
/// assert_eq!((limits.cpus, limits.memory), (Some(0.5), Some(256 * 1024 * 1024)));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ResourceSpec {
    /// CPUs, fractional (`0.5`).
    #[serde(default, deserialize_with = "cpus")]
    pub cpus: Option<f64>,
    /// Memory in bytes (written `512M`, `1g`, `1073741824`).
    #[serde(default, deserialize_with = "bytes")]
    pub memory: Option<i64>,
    /// Maximum number of processes.
    #[serde(default)]
    pub pids: Option<i64>,
    /// Devices (GPUs): accepted, not applied.
    #[serde(default)]
    #[allow(dead_code)]
    devices: Option<serde::de::IgnoredAny>,
}

fn cpus<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match Option::<Scalar>::deserialize(d)?.and_then(|s| s.0) {
        None => Ok(None),
        Some(text) => text
            .parse::<f64>()
            .ok()
            .filter(|c| *c >= 0.0)
            .map(Some)
            .ok_or_else(|| de::Error::custom(format!("invalid cpus {text:?}"))),
    }
}

/// Parses `512M`, `1.5g`, `100kb`, `1073741824` into bytes.
///
/// ```
/// use charm_docker::file::parse_bytes;
/// assert_eq!(parse_bytes("256M"), Ok(256 * 1024 * 1024));
/// assert_eq!(parse_bytes("1g"), Ok(1 << 30));
/// assert!(parse_bytes("lots").is_err());
/// ```
pub fn parse_bytes(text: &str) -> Result<i64, String> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (number, scale) = match t.char_indices().last() {
        Some((i, 'k')) => (&t[..i], 1u64 << 10),
        Some((i, 'm')) => (&t[..i], 1 << 20),
        Some((i, 'g')) => (&t[..i], 1 << 30),
        Some((i, 't')) => (&t[..i], 1 << 40),
        _ => (t, 1),
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("invalid size {text:?} (expected e.g. 512M or 1g)"))?;
    let bytes = value * scale as f64;
    if !(0.0..9.0e18).contains(&bytes) {
        return Err(format!("invalid size {text:?}"));
    }
    Ok(bytes as i64)
}

fn bytes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<Scalar>::deserialize(d)?.and_then(|s| s.0) {
        None => Ok(None),
        Some(text) => parse_bytes(&text).map(Some).map_err(de::Error::custom),
    }
}

/// `deploy.restart_policy`.
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   web:
///     image: nginx
///     deploy:
///       resources:
///         limits: {cpus: "0.5", memory: 256M}
///       restart_policy: {condition: on-failure, max_attempts: 3}
/// "#).unwrap();
/// let web = file.service("web").unwrap();
/// let policy = web.deploy.as_ref().unwrap().restart_policy.as_ref().unwrap();
/// assert_eq!((policy.condition.as_deref(), policy.max_attempts), (Some("on-failure"), Some(3)));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RestartPolicySpec {
    /// `none`, `on-failure` or `any` (the default).
    #[serde(default)]
    pub condition: Option<String>,
    /// Retries for `on-failure`.
    #[serde(default)]
    pub max_attempts: Option<u32>,
    /// Swarm only: accepted, not applied.
    #[serde(default)]
    #[allow(dead_code)]
    delay: Option<String>,
    /// Swarm only: accepted, not applied.
    #[serde(default)]
    #[allow(dead_code)]
    window: Option<String>,
}

/// A network's `ipam:`.
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   web:
///     image: nginx
///     networks: [back]
/// networks:
///   back:
///     ipam:
///       config:
///         - subnet: 172.28.0.0/16
///           gateway: 172.28.0.1
/// "#).unwrap();
/// let web = file.service("web").unwrap();
/// let ipam = file.networks()["back"].ipam.as_ref().unwrap();
/// assert_eq!(ipam.driver, None, "the engine's default");
/// assert_eq!(ipam.config.len(), 1);
/// # let _ = web;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Ipam {
    /// IPAM driver (engine default: `default`).
    #[serde(default)]
    pub driver: Option<String>,
    /// Address pools.
    #[serde(default, deserialize_with = "nullable")]
    pub config: Vec<IpamPool>,
}

/// One IPAM pool.
///
/// ```
/// let file = charm_docker::ComposeFile::from_str(r#"
/// services:
///   web:
///     image: nginx
///     networks: [back]
/// networks:
///   back:
///     ipam:
///       config:
///         - subnet: 172.28.0.0/16
///           gateway: 172.28.0.1
/// "#).unwrap();
/// let web = file.service("web").unwrap();
/// let pool = &file.networks()["back"].ipam.as_ref().unwrap().config[0];
/// assert_eq!(pool.subnet.as_deref(), Some("172.28.0.0/16"));
/// assert_eq!(pool.gateway.as_deref(), Some("172.28.0.1"));
/// # let _ = web;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct IpamPool {
    /// CIDR subnet, e.g. `172.28.0.0/16`.
    #[serde(default)]
    pub subnet: Option<String>,
    /// Gateway address.
    #[serde(default)]
    pub gateway: Option<String>,
    /// Range containers get addresses from.
    #[serde(default)]
    pub ip_range: Option<String>,
}

/// `external:` of a network or volume: a boolean, or the deprecated `{name: N}` (external,
/// named N), which docker-compose 1.29 and Compose v2 still read.
pub(crate) fn external<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<(bool, Option<String>)>, D::Error> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Long {
        #[serde(default)]
        name: Option<String>,
    }
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<(bool, Option<String>)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean or {name: ...}")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some((v, None)))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v {
                "true" | "True" => Ok(Some((true, None))),
                "false" | "False" => Ok(Some((false, None))),
                _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            let long = Long::deserialize(de::value::MapAccessDeserializer::new(map))?;
            Ok(Some((true, long.name)))
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
mod tests {
    use super::parse_bytes;

    #[test]
    fn sizes() {
        assert_eq!(parse_bytes("512M"), Ok(512 << 20));
        assert_eq!(parse_bytes("1g"), Ok(1 << 30));
        assert_eq!(parse_bytes("100kb"), Ok(100 << 10));
        assert_eq!(parse_bytes("1.5G"), Ok(3 << 29));
        assert_eq!(parse_bytes("1024"), Ok(1024));
        assert!(parse_bytes("lots").is_err());
        assert!(parse_bytes("-1m").is_err());
    }
}
