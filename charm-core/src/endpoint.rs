//! Relation endpoints: what the remote side published, and the flags that follow from it.
//!
//! The framework keeps a snapshot of every endpoint's relations in the unit state. It is
//! refreshed from the hook tools only when it can have changed: in that endpoint's relation
//! hooks, and on `install` / `upgrade-charm` (or when no snapshot exists yet). Other hooks
//! read the snapshot, so a `config-changed` costs no relation calls at all.
//!
//! ```
//! #[charm_core::charm(metadata = "tests/fixtures/doc/app/metadata.yaml", config = "tests/fixtures/doc/app/config.yaml")]
//! mod app {
//!     use charm_core::prelude::*;
//!
//!     // `redis.available` is the interface's flag; the `Redis` parameter is read from
//!     // endpoint `redis` for this handler.
//!     #[when("redis.available")]
//!     fn connect(unit: &mut Unit, redis: &Redis) -> Result<()> {
//!         unit.status().active(format!("cached by {}", redis.host_list()))
//!     }
//! }
//! assert_eq!(app::endpoints::REDIS.name(), "redis");
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::registry::{EndpointDef, Role};

/// One data bag: string keys to string values, as Juju stores them.
///
/// ```
/// let bag: charm_core::Bag = [("host".to_owned(), "10.0.0.7".to_owned())].into();
/// assert_eq!(bag["host"], "10.0.0.7");
/// ```
pub type Bag = BTreeMap<String, String>;

/// One relation of an endpoint.
///
/// ```
/// use charm_core::Relation;
/// let mut rel = Relation { id: "redis:3".into(), app: Some("redis".into()), ..Default::default() };
/// rel.units.insert("redis/0".into(), [("port".to_owned(), "6379".to_owned())].into());
/// assert_eq!(rel.units["redis/0"]["port"], "6379");
/// assert!(rel.app_data.is_empty(), "the remote app published nothing yet");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    /// The relation id, e.g. `redis:3`.
    pub id: String,
    /// The remote application, when known.
    #[serde(default)]
    pub app: Option<String>,
    /// Joined remote units and their data.
    #[serde(default)]
    pub units: BTreeMap<String, Bag>,
    /// The remote application's data.
    #[serde(default)]
    pub app_data: Bag,
}

/// A relation endpoint as seen in this hook: its relations and the remote data.
///
/// ```
/// use charm_core::{Endpoint, Relation};
/// let mut ep = Endpoint::new("redis", "redis");
/// let mut rel = Relation { id: "redis:1".into(), ..Default::default() };
/// rel.units.insert("redis/0".into(), [("host".to_owned(), "10.0.0.7".to_owned())].into());
/// ep.relations.push(rel);
/// assert!(ep.is_joined());
/// assert_eq!(ep.units().next().unwrap().0, "redis/0");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// Endpoint name from metadata.yaml.
    pub name: String,
    /// Its interface.
    pub interface: String,
    /// Its relations, by id.
    pub relations: Vec<Relation>,
    /// This unit's name (`app/0`), for interfaces that check they are authorised
    /// (`pgsql`'s `allowed-units`); empty when unknown.
    #[serde(default)]
    pub local_unit: String,
}

impl Endpoint {
    /// An endpoint with no relations.
    pub fn new(name: &str, interface: &str) -> Self {
        Self {
            name: name.to_owned(),
            interface: interface.to_owned(),
            relations: Vec::new(),
            local_unit: String::new(),
        }
    }

    /// Whether any remote unit is joined.
    pub fn is_joined(&self) -> bool {
        self.relations.iter().any(|r| !r.units.is_empty())
    }

    /// Every joined remote unit with its data, over all relations.
    pub fn units(&self) -> impl Iterator<Item = (&str, &Bag)> {
        self.relations
            .iter()
            .flat_map(|r| r.units.iter().map(|(name, bag)| (name.as_str(), bag)))
    }

    /// The relation ids.
    pub fn relation_ids(&self) -> impl Iterator<Item = &str> {
        self.relations.iter().map(|r| r.id.as_str())
    }
}

/// An interface type that handlers can take as a parameter for an endpoint.
///
/// The framework builds it from the endpoint's data; invalid remote data never panics, it
/// only makes the interface "not available", with a warning naming the unit and key.
///
/// ```
/// use charm_core::{Endpoint, Interface};
/// /// A custom interface: the `memcache` servers' `host:port`s.
/// struct Memcache(Vec<String>);
///
/// impl Interface for Memcache {
///     const INTERFACE: &'static str = "memcache";
///
///     fn from_endpoint(endpoint: &Endpoint, warnings: &mut Vec<String>) -> Self {
///         let mut servers = Vec::new();
///         for (unit, bag) in endpoint.units() {
///             match (bag.get("host"), bag.get("port")) {
///                 (Some(host), Some(port)) => servers.push(format!("{host}:{port}")),
///                 _ => warnings.push(format!("{unit}: no host or port")),
///             }
///         }
///         Memcache(servers)
///     }
/// }
///
/// let mut ep = Endpoint::new("cache", "memcache");
/// let mut rel = charm_core::Relation { id: "cache:1".into(), ..Default::default() };
/// rel.units.insert("memcached/0".into(), [("host".into(), "10.0.0.9".into()), ("port".into(), "11211".into())].into());
/// rel.units.insert("memcached/1".into(), Default::default());
/// ep.relations.push(rel);
/// let mut warnings = Vec::new();
/// let cache = Memcache::from_endpoint(&ep, &mut warnings);
/// assert_eq!(cache.0, ["10.0.0.9:11211"]);
/// assert_eq!(warnings, ["memcached/1: no host or port"]);
/// ```
pub trait Interface: Sized {
    /// The interface name in metadata.yaml (`redis`, `pgsql`, `http`).
    const INTERFACE: &'static str;

    /// Reads the endpoint's data; pushes a warning for each invalid value.
    fn from_endpoint(endpoint: &Endpoint, warnings: &mut Vec<String>) -> Self;
}

impl Interface for Endpoint {
    const INTERFACE: &'static str = "";

    fn from_endpoint(endpoint: &Endpoint, _: &mut Vec<String>) -> Self {
        endpoint.clone()
    }
}

/// A checked endpoint of metadata.yaml, typed by its interface: a constant of the
/// `endpoints` module `#[charm]` generates (`endpoints::REDIS: EndpointName<Redis>`).
///
/// It cannot be made from a string. Its interface is the one metadata.yaml gives the
/// endpoint (`Redis` for `redis`, `Postgres` for `pgsql`, `Http` for `http`, the untyped
/// [`Endpoint`] for any other), so reading an endpoint as another interface does not compile.
///
/// ```
/// #[charm_core::charm(metadata = "tests/fixtures/doc/app/metadata.yaml", config = "tests/fixtures/doc/app/config.yaml")]
/// mod app {}
///
/// use charm_core::{EndpointName, interfaces::{Http, Redis}};
/// let redis: EndpointName<Redis> = app::endpoints::REDIS;
/// let website: EndpointName<Http> = app::endpoints::WEBSITE;
/// assert_eq!((redis.name(), website.name()), ("redis", "website"));
/// ```
pub struct EndpointName<I> {
    name: &'static str,
    interface: std::marker::PhantomData<fn() -> I>,
}

impl<I> EndpointName<I> {
    /// Made by the macros only, for endpoints of metadata.yaml.
    #[doc(hidden)]
    pub const fn __checked(name: &'static str) -> Self {
        Self {
            name,
            interface: std::marker::PhantomData,
        }
    }

    /// The endpoint's name in metadata.yaml, e.g. `"redis"`.
    pub const fn name(self) -> &'static str {
        self.name
    }
}

impl<I> Clone for EndpointName<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I> Copy for EndpointName<I> {}

impl<I> std::fmt::Debug for EndpointName<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EndpointName({:?})", self.name)
    }
}

/// What the endpoint methods accept for an endpoint read as interface `I`: an
/// [`EndpointName<I>`]. Sealed: a string is not an endpoint.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an endpoint of interface `{I}`",
    label = "expected a constant of the generated `endpoints` module whose interface is `{I}`",
    note = "endpoints are typed by the interface metadata.yaml gives them: write \
            `endpoints::REDIS` for endpoint `redis`, and read it as its own interface \
            (`unit.endpoint(endpoints::REDIS).interface()` infers it)"
)]
/// ```
/// use charm_core::{EndpointOf, Result, Unit, interfaces::Redis};
/// /// A helper for any `redis` endpoint of the charm: a `pgsql` one does not compile.
/// fn redis_hosts(unit: &mut Unit, endpoint: impl EndpointOf<Redis>) -> Result<String> {
///     Ok(unit.endpoint(endpoint).interface()?.host_list())
/// }
/// ```
pub trait EndpointOf<I>: Copy + sealed::Sealed {
    /// The endpoint's name.
    fn endpoint_name(self) -> &'static str;
}

impl<I> EndpointOf<I> for EndpointName<I> {
    fn endpoint_name(self) -> &'static str {
        self.name
    }
}

mod sealed {
    pub trait Sealed {}
    impl<I> Sealed for super::EndpointName<I> {}
}

/// Remote data keys each built-in interface documents, besides the ones Juju puts in every
/// unit's bag (`private-address`, `ingress-address`, `egress-subnets`): the keys an
/// `endpoint.<name>.changed.<key>` flag can name on an endpoint of that interface and role.
/// `None` for interfaces the framework does not know (any key goes).
///
/// `const` so that `#[charm]` can assert that its copy agrees with this one.
#[doc(hidden)]
pub const fn interface_remote_keys(interface: &str, role: Role) -> Option<&'static [&'static str]> {
    let requires = matches!(role, Role::Requires);
    let provides = matches!(role, Role::Provides);
    if str_eq(interface, "redis") && requires {
        // What a redis server publishes (the seed's redis charm): host, port, password.
        Some(&["host", "port", "password"])
    } else if str_eq(interface, "redis") && provides {
        Some(&[])
    } else if str_eq(interface, "pgsql") && requires {
        // What interface-pgsql's server side publishes.
        Some(&[
            "allowed-units",
            "database",
            "host",
            "master",
            "password",
            "port",
            "schema_password",
            "schema_user",
            "standbys",
            "state",
            "user",
            "version",
        ])
    } else if str_eq(interface, "pgsql") && provides {
        Some(&["database", "roles", "extensions"])
    } else if str_eq(interface, "http") && requires {
        Some(&["hostname", "port"])
    } else if str_eq(interface, "http") && provides {
        Some(&[])
    } else {
        None
    }
}

/// Keys Juju itself writes in every unit's relation data bag.
#[doc(hidden)]
pub const JUJU_RELATION_KEYS: &[&str] = &["egress-subnets", "ingress-address", "private-address"];

/// Flag suffixes each built-in interface raises, on `<endpoint>.<suffix>`.
///
/// `const` so that `#[charm]`, which must know these names to check flags at compile time,
/// can assert in generated code that its copy agrees with this one.
#[doc(hidden)]
pub const fn interface_flag_suffixes(interface: &str, role: Role) -> &'static [&'static str] {
    let requires = matches!(role, Role::Requires);
    if requires && str_eq(interface, "redis") {
        &["connected", "available"]
    } else if requires && str_eq(interface, "pgsql") {
        &["connected", "database.available"]
    } else if !matches!(role, Role::Peers) && str_eq(interface, "http") {
        &["available"]
    } else {
        &[]
    }
}

/// String equality usable in `const` code.
pub(crate) const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Every flag an endpoint can raise (the `.changed.<key>` family is made at run time).
pub(crate) fn flag_names(ep: &EndpointDef) -> Vec<String> {
    let mut names: Vec<String> = ["joined", "changed", "departed"]
        .iter()
        .map(|s| format!("endpoint.{}.{s}", ep.name))
        .collect();
    for suffix in interface_flag_suffixes(ep.interface, ep.role) {
        names.push(format!("{}.{suffix}", ep.name));
    }
    names
}

/// The built-in interface flags for `endpoint` and whether each should be set.
pub(crate) fn interface_flags(
    def: &EndpointDef,
    endpoint: &Endpoint,
    published: &Bag,
    warnings: &mut Vec<String>,
) -> Vec<(String, bool)> {
    let joined = endpoint.is_joined();
    let flag = |suffix: &str| format!("{}.{suffix}", def.name);
    match (def.interface, def.role) {
        ("redis", Role::Requires) => {
            let redis = crate::interfaces::Redis::from_endpoint(endpoint, warnings);
            vec![
                (flag("connected"), joined),
                (flag("available"), !redis.hosts().is_empty()),
            ]
        }
        ("pgsql", Role::Requires) => {
            let pg = crate::interfaces::Postgres::from_endpoint(endpoint, warnings);
            let wanted = published.get("database").map(String::as_str);
            let available = match (pg.credentials(), wanted) {
                (Some(c), Some(w)) if w != c.database => {
                    warnings.push(format!(
                        "pgsql: unit {} key `database` is {:?}, but this charm asked for {w:?}",
                        c.unit, c.database
                    ));
                    false
                }
                (Some(_), _) => true,
                (None, _) => false,
            };
            vec![
                (flag("connected"), joined),
                (flag("database.available"), available),
            ]
        }
        ("http", _) => vec![(flag("available"), joined)],
        _ => Vec::new(),
    }
}

/// Keys whose value differs between two snapshots of one endpoint, over all units.
pub(crate) fn changed_keys(old: Option<&Endpoint>, new: &Endpoint) -> Vec<String> {
    let empty = Bag::new();
    let mut keys = Vec::new();
    let old_units: BTreeMap<(&str, &str), &Bag> = old
        .map(|ep| {
            ep.relations
                .iter()
                .flat_map(|r| {
                    r.units
                        .iter()
                        .map(move |(u, b)| ((r.id.as_str(), u.as_str()), b))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut push = |k: &str| {
        if !keys.iter().any(|seen: &String| seen == k) {
            keys.push(k.to_owned());
        }
    };
    for rel in &new.relations {
        for (unit, bag) in &rel.units {
            let before = old_units
                .get(&(rel.id.as_str(), unit.as_str()))
                .copied()
                .unwrap_or(&empty);
            for (k, v) in bag {
                if before.get(k) != Some(v) {
                    push(k);
                }
            }
            for k in before.keys() {
                if !bag.contains_key(k) {
                    push(k);
                }
            }
        }
    }
    keys.sort();
    keys
}

/// Whether a remote value is usable as a host name or address.
pub(crate) fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '[' | ']'))
}

/// Parses a remote port value.
pub(crate) fn valid_port(port: &str) -> Option<u16> {
    port.trim().parse::<u16>().ok().filter(|p| *p != 0)
}

/// Shortens a hostile value for a log line.
pub(crate) fn shown(value: &str) -> String {
    let mut s: String = value.chars().take(40).collect();
    if value.chars().count() > 40 {
        s.push('…');
    }
    format!("{s:?}")
}
