use super::json_data::decoded;
use crate::endpoint::{Endpoint, FlagContext, Interface, shown, valid_host, valid_port};

/// One Redis server published over a `redis` relation.
///
/// ```
/// use charm_core::{Endpoint, Interface, Relation, interfaces::Redis};
/// let mut ep = Endpoint::new("redis", "redis");
/// let mut rel = Relation { id: "redis:1".into(), ..Default::default() };
/// let bag = [("host", "10.0.0.7"), ("port", "6380"), ("password", "pw")];
/// rel.units.insert("redis/0".into(), bag.map(|(k, v)| (k.to_owned(), v.to_owned())).into());
/// ep.relations.push(rel);
/// let redis = Redis::from_endpoint(&ep, &mut Vec::new());
/// let host = &redis.hosts()[0];
/// assert_eq!((host.unit.as_str(), host.host.as_str(), host.port), ("redis/0", "10.0.0.7", 6380));
/// assert!(!format!("{host:?}").contains("pw"), "Debug hides the password");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RedisHost {
    /// The remote unit, e.g. `redis/0`.
    pub unit: String,
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Password, if the server wants one.
    pub password: Option<String>,
}

impl std::fmt::Debug for RedisHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisHost")
            .field("unit", &self.unit)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// The requires side of the `redis` interface: `<endpoint>.connected` while joined,
/// `<endpoint>.available` once a unit published a usable host and port.
///
/// ```
/// use charm_core::{Endpoint, Interface, Relation, interfaces::Redis};
/// let mut ep = Endpoint::new("redis", "redis");
/// let mut rel = Relation { id: "redis:1".into(), ..Default::default() };
/// rel.units.insert("redis/0".into(), [("host".into(), "10.0.0.7".into()), ("port".into(), "6379".into())].into());
/// rel.units.insert("redis/1".into(), [("host".into(), "".into()), ("port".into(), "6379".into())].into());
/// ep.relations.push(rel);
/// let mut warnings = Vec::new();
/// let redis = Redis::from_endpoint(&ep, &mut warnings);
/// assert_eq!(redis.host_list(), "10.0.0.7");
/// assert_eq!(warnings.len(), 1); // redis/1 published an empty host
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redis {
    hosts: Vec<RedisHost>,
}

impl Redis {
    /// Usable servers, in unit order.
    pub fn hosts(&self) -> &[RedisHost] {
        &self.hosts
    }

    /// The hosts joined with commas, as the seed's `REDIS_HOST` wants them.
    pub fn host_list(&self) -> String {
        self.hosts
            .iter()
            .map(|h| h.host.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Keys a redis provider may name its host under, in the order tried: the reactive
/// interface's `host` (omnivector-solutions/interface-redis `provides.py@19ad97be`), the
/// redis-k8s library's and the old redis charm's `hostname`
/// (canonical/redis-k8s-operator `lib/charms/redis_k8s/v0/redis.py@059c0fb6`), then the
/// address Juju fills in itself, which the reactive requirer reads
/// (interface-redis `requires.py@bb959bf1`: `get_remote_all('private-address')`).
const HOST_KEYS: [&str; 3] = ["host", "hostname", "private-address"];

#[crate::interface(
    name = "redis",
    requires(flags(connected, available), keys(host, port, password)),
    provides(keys())
)]
impl Interface for Redis {
    fn is_set(&self, flag: &str, ctx: &mut FlagContext<'_>) -> bool {
        match flag {
            "connected" => ctx.endpoint.is_joined(),
            _ => !self.hosts.is_empty(), // available
        }
    }

    fn from_endpoint(endpoint: &Endpoint, warnings: &mut Vec<String>) -> Self {
        let mut hosts = Vec::new();
        for (unit, bag) in endpoint.units() {
            // Values may be JSON-encoded (charms.reactive's Endpoint API): decode as it does.
            let get = |key: &str| bag.get(key).map(|v| decoded(v).into_owned());
            let Some(port_text) = get("port") else {
                continue; // nothing published yet: not an error
            };
            let Some(port) = valid_port(&port_text) else {
                warnings.push(format!(
                    "redis: ignoring unit {unit}: key `port` is not a port number: {}",
                    shown(&port_text)
                ));
                continue;
            };
            // The first usable host key wins; an unusable one is reported and the next tried.
            let mut host = None;
            let mut unusable = Vec::new();
            for key in HOST_KEYS {
                let Some(value) = get(key) else { continue };
                if valid_host(&value) {
                    host = Some(value);
                    break;
                }
                unusable.push(format!(
                    "key `{key}` is not a usable host: {}",
                    shown(&value)
                ));
            }
            let Some(host) = host else {
                if !unusable.is_empty() {
                    warnings.push(format!(
                        "redis: ignoring unit {unit}: {}",
                        unusable.join("; ")
                    ));
                }
                continue;
            };
            if !unusable.is_empty() {
                warnings.push(format!(
                    "redis: unit {unit}: {} (using {host})",
                    unusable.join("; ")
                ));
            }
            let password = get("password").filter(|p| !p.is_empty());
            hosts.push(RedisHost {
                unit: unit.to_owned(),
                host,
                port,
                password,
            });
        }
        Self { hosts }
    }
}
