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

/// A relation interface: the typed view handlers take for an endpoint, the flags it raises
/// and the remote keys `endpoint.<name>.changed.<key>` may name, per role.
///
/// The built-in `redis`, `pgsql` and `http` are implemented this way, and so can any crate's
/// interface: write the `impl` with [`#[interface(...)]`](crate::interface) on it (it fills in
/// [`INTERFACE`](Self::INTERFACE) and the role consts from one declaration), then register the
/// type with the charm: `#[charm(interfaces(mysql = my_crate::Mysql))]`. The framework builds
/// the value from the endpoint's data; invalid remote data never panics, it only makes the
/// interface "not available", with a warning naming the unit and key.
///
/// ```
/// use charm_core::{Endpoint, Interface, interfaces::FlagContext};
///
/// /// A `ping` server publishes `port`; the client is `<endpoint>.ready` once it did.
/// #[derive(Debug)]
/// pub struct Ping { ports: Vec<u16> }
///
/// #[charm_core::interface(name = "ping", requires(flags(ready), keys(port)), provides(keys()))]
/// impl Interface for Ping {
///     fn from_endpoint(endpoint: &Endpoint, warnings: &mut Vec<String>) -> Self {
///         let mut ports = Vec::new();
///         for (unit, bag) in endpoint.units() {
///             match bag.get("port").map(|p| p.parse::<u16>()) {
///                 Some(Ok(port)) => ports.push(port),
///                 Some(Err(_)) => warnings.push(format!("ping: ignoring unit {unit}: key `port` is not a port")),
///                 None => {}
///             }
///         }
///         Self { ports }
///     }
///
///     fn is_set(&self, flag: &str, _: &mut FlagContext<'_>) -> bool {
///         flag == "ready" && !self.ports.is_empty()
///     }
/// }
///
/// assert_eq!(Ping::INTERFACE, "ping");
/// assert_eq!(Ping::REQUIRES.flags, &["ready"]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relation interface",
    note = "an interface type implements `charm_core::Interface`, usually through \
            `#[charm_core::interface(name = \"...\", requires(...), provides(...))]` on its impl"
)]
pub trait Interface: Sized {
    /// The interface name in metadata.yaml (`redis`, `pgsql`, `http`, `mysql`); empty for
    /// the untyped [`Endpoint`].
    const INTERFACE: &'static str;

    /// What an endpoint of this interface raises and reads under `requires:`.
    const REQUIRES: RoleSpec = RoleSpec::UNCHECKED;
    /// Under `provides:`.
    const PROVIDES: RoleSpec = RoleSpec::UNCHECKED;
    /// Under `peers:`.
    const PEERS: RoleSpec = RoleSpec::UNCHECKED;

    /// Whether [`is_set`](Self::is_set) reads [`FlagContext::published`] (pgsql compares the
    /// database it asked for): then the flags are recomputed in every hook, not only when
    /// the remote data changed.
    const FLAGS_READ_PUBLISHED: bool = false;

    /// Everything the runtime needs of this interface, as one value a charm's registry holds.
    #[doc(hidden)]
    const DEF: InterfaceDef = InterfaceDef::of::<Self>();

    /// Reads the endpoint's data; pushes a warning for each invalid value.
    fn from_endpoint(endpoint: &Endpoint, warnings: &mut Vec<String>) -> Self;

    /// Whether the role's declared flag `flag` (a suffix such as `"available"`, raised as
    /// `<endpoint>.<flag>`) holds, given this hook's view of the endpoint. Called once per
    /// declared flag after every refresh of the endpoint; the default holds none.
    fn is_set(&self, flag: &str, ctx: &mut FlagContext<'_>) -> bool {
        let _ = (flag, ctx);
        false
    }

    /// Keys the framework publishes on every relation of an endpoint of this interface
    /// unless the charm published its own, e.g. `pgsql`'s `database=<application>`.
    /// `app` is this charm's application name. The default publishes nothing.
    fn defaults(role: Role, app: &str) -> Vec<(&'static str, String)> {
        let _ = (role, app);
        Vec::new()
    }

    /// Keys of this charm's unit bag that the leader also publishes in the application bag,
    /// for servers that read a request there only: `pgsql` clients mirror `database`,
    /// `roles` and `extensions` (pgbouncer-k8s reads the application bag only). Sent at hook
    /// end with the unit bag, only when they changed. The default mirrors nothing.
    ///
    /// ```
    /// use charm_core::{Endpoint, Interface, Role, interfaces::Postgres};
    /// assert_eq!(Postgres::app_keys(Role::Requires), ["database", "roles", "extensions"]);
    /// assert!(Postgres::app_keys(Role::Provides).is_empty());
    /// assert!(Endpoint::app_keys(Role::Requires).is_empty());
    /// ```
    fn app_keys(role: Role) -> &'static [&'static str] {
        let _ = role;
        &[]
    }
}

impl Interface for Endpoint {
    const INTERFACE: &'static str = "";

    fn from_endpoint(endpoint: &Endpoint, _: &mut Vec<String>) -> Self {
        endpoint.clone()
    }
}

/// What an interface declares for one role (`requires`, `provides` or `peers`).
///
/// `#[interface(...)]` writes these from its declaration; they are what the compile-time
/// checks of a charm's flags and `changed.<key>` read.
///
/// ```
/// use charm_core::{Interface, Role, interfaces::Redis};
/// assert_eq!(Redis::REQUIRES.flags, &["connected", "available"]);
/// assert!(Redis::REQUIRES.keys.unwrap().contains(&"password"));
/// // An interface that declares nothing for a role leaves its keys unchecked.
/// assert_eq!(Redis::PEERS, charm_core::endpoint::RoleSpec::UNCHECKED);
/// # let _ = Role::Requires;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleSpec {
    /// Flag suffixes it raises on `<endpoint>.<suffix>`, e.g. `["connected", "available"]`.
    pub flags: &'static [&'static str],
    /// Remote keys the other side publishes (besides Juju's own [`JUJU_RELATION_KEYS`]):
    /// what `endpoint.<name>.changed.<key>` may name. `None`: any key (not checked).
    pub keys: Option<&'static [&'static str]>,
}

impl RoleSpec {
    /// No flags, any remote key: what an interface says nothing about.
    pub const UNCHECKED: RoleSpec = RoleSpec {
        flags: &[],
        keys: None,
    };
}

/// An interface as a charm's registry holds it: its name, its roles and its behaviour.
/// Made by [`InterfaceDef::of`] (the `#[charm]` macro does), not by hand.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct InterfaceDef {
    /// The metadata.yaml name.
    pub name: &'static str,
    /// `requires:`.
    pub requires: RoleSpec,
    /// `provides:`.
    pub provides: RoleSpec,
    /// `peers:`.
    pub peers: RoleSpec,
    /// [`Interface::FLAGS_READ_PUBLISHED`].
    pub flags_read_published: bool,
    /// The role's flags and whether each holds.
    flags: FlagsFn,
    /// Keys published by default.
    defaults: fn(Role, &str) -> Vec<(&'static str, String)>,
    /// [`Interface::app_keys`].
    pub app_keys: fn(Role) -> &'static [&'static str],
}

impl std::fmt::Debug for InterfaceDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InterfaceDef")
            .field("name", &self.name)
            .field("requires", &self.requires)
            .field("provides", &self.provides)
            .field("peers", &self.peers)
            .finish_non_exhaustive()
    }
}

impl InterfaceDef {
    /// The definition of interface type `I`.
    ///
    /// ```
    /// use charm_core::{Role, endpoint::InterfaceDef, interfaces::Redis};
    /// const REDIS: InterfaceDef = InterfaceDef::of::<Redis>();
    /// assert_eq!(REDIS.role(Role::Requires).flags, &["connected", "available"]);
    /// ```
    pub const fn of<I: Interface>() -> Self {
        Self {
            name: I::INTERFACE,
            requires: I::REQUIRES,
            provides: I::PROVIDES,
            peers: I::PEERS,
            flags_read_published: I::FLAGS_READ_PUBLISHED,
            flags: flags_of::<I>,
            defaults: I::defaults,
            app_keys: I::app_keys,
        }
    }

    /// What it declares for `role`.
    pub const fn role(&self, role: Role) -> RoleSpec {
        match role {
            Role::Requires => self.requires,
            Role::Provides => self.provides,
            Role::Peers => self.peers,
        }
    }
}

/// Computes a role's flags from an endpoint, what the charm published, and warnings.
type FlagsFn = fn(Role, &Endpoint, &Bag, &mut Vec<String>) -> Vec<(&'static str, bool)>;

/// What [`Interface::is_set`] may look at besides the interface's own view.
///
/// ```
/// use charm_core::{Bag, Endpoint, Interface, Role, interfaces::FlagContext};
/// // An interface whose `ready` flag waits until this charm published its `name`.
/// struct Named;
/// impl Interface for Named {
///     const INTERFACE: &'static str = "named";
///     fn from_endpoint(_: &Endpoint, _: &mut Vec<String>) -> Self { Named }
///     fn is_set(&self, flag: &str, ctx: &mut FlagContext<'_>) -> bool {
///         flag == "ready" && ctx.endpoint.is_joined() && ctx.published.contains_key("name")
///     }
/// }
/// let endpoint = Endpoint::new("peer", "named");
/// let (published, mut warnings) = (Bag::from([("name".into(), "a".into())]), Vec::new());
/// let mut ctx = FlagContext { role: Role::Requires, endpoint: &endpoint, published: &published, warnings: &mut warnings };
/// assert!(!Named.is_set("ready", &mut ctx)); // nobody joined yet
/// ```
pub struct FlagContext<'a> {
    /// The endpoint's role in this charm.
    pub role: Role,
    /// The endpoint as of this hook.
    pub endpoint: &'a Endpoint,
    /// What this charm publishes on the endpoint's first relation.
    pub published: &'a Bag,
    /// Warnings to log (name the unit and key; never a secret's value).
    pub warnings: &'a mut Vec<String>,
}

fn flags_of<I: Interface>(
    role: Role,
    endpoint: &Endpoint,
    published: &Bag,
    warnings: &mut Vec<String>,
) -> Vec<(&'static str, bool)> {
    let declared = InterfaceDef::of::<I>().role(role).flags;
    if declared.is_empty() {
        return Vec::new();
    }
    let view = I::from_endpoint(endpoint, warnings);
    let mut ctx = FlagContext {
        role,
        endpoint,
        published,
        warnings,
    };
    declared
        .iter()
        .map(|flag| (*flag, view.is_set(flag, &mut ctx)))
        .collect()
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

/// Keys Juju itself writes in every unit's relation data bag.
#[doc(hidden)]
pub const JUJU_RELATION_KEYS: &[&str] = &["egress-subnets", "ingress-address", "private-address"];

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
    for suffix in ep.kind.role(ep.role).flags {
        names.push(format!("{}.{suffix}", ep.name));
    }
    names
}

/// The interface flags of `endpoint` (`<name>.<suffix>`) and whether each should be set.
pub(crate) fn interface_flags(
    def: &EndpointDef,
    endpoint: &Endpoint,
    published: &Bag,
    warnings: &mut Vec<String>,
) -> Vec<(String, bool)> {
    (def.kind.flags)(def.role, endpoint, published, warnings)
        .into_iter()
        .map(|(suffix, on)| (format!("{}.{suffix}", def.name), on))
        .collect()
}

/// Keys the interface publishes by default on the endpoint's relations.
pub(crate) fn default_published(def: &EndpointDef, app: &str) -> Vec<(&'static str, String)> {
    (def.kind.defaults)(def.role, app)
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
