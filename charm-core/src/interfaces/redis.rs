use crate::endpoint::{Endpoint, Interface, shown, valid_host, valid_port};

/// One Redis server published over a `redis` relation.
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

impl Interface for Redis {
    const INTERFACE: &'static str = "redis";

    fn from_endpoint(endpoint: &Endpoint, warnings: &mut Vec<String>) -> Self {
        let mut hosts = Vec::new();
        for (unit, bag) in endpoint.units() {
            // Versions of the redis interface differ: `host`, `hostname` or the address Juju
            // fills in.
            let Some((key, host)) = ["host", "hostname", "private-address"]
                .iter()
                .find_map(|k| bag.get(*k).map(|v| (*k, v)))
            else {
                continue; // nothing published yet: not an error
            };
            if !valid_host(host) {
                warnings.push(format!(
                    "redis: ignoring unit {unit}: key `{key}` is not a usable host: {}",
                    shown(host)
                ));
                continue;
            }
            let Some(port_text) = bag.get("port") else {
                continue;
            };
            let Some(port) = valid_port(port_text) else {
                warnings.push(format!(
                    "redis: ignoring unit {unit}: key `port` is not a port number: {}",
                    shown(port_text)
                ));
                continue;
            };
            let password = bag.get("password").filter(|p| !p.is_empty()).cloned();
            hosts.push(RedisHost {
                unit: unit.to_owned(),
                host: host.clone(),
                port,
                password,
            });
        }
        Self { hosts }
    }
}
