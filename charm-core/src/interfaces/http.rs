use super::json_data::decoded;
use crate::endpoint::{Endpoint, FlagContext, Interface, shown, valid_host, valid_port};

/// One web server a remote unit published over an `http` relation (the requires side, as a
/// reverse proxy reads it).
///
/// ```
/// use charm_core::{Endpoint, Interface, Relation, interfaces::Http};
/// let mut ep = Endpoint::new("backend", "http");
/// let mut rel = Relation { id: "backend:4".into(), ..Default::default() };
/// let bag = [("private-address", "10.0.0.5"), ("port", "5000")];
/// rel.units.insert("voting-app/0".into(), bag.map(|(k, v)| (k.to_owned(), v.to_owned())).into());
/// ep.relations.push(rel);
/// let http = Http::from_endpoint(&ep, &mut Vec::new());
/// let server = &http.servers()[0];
/// assert_eq!((server.host.as_str(), server.port), ("10.0.0.5", 5000), "Juju's address stands in for `hostname`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpServer {
    /// The remote unit, e.g. `voting-app/1`.
    pub unit: String,
    /// Where it listens: `hostname`, else the `private-address` Juju fills in.
    pub host: String,
    /// Its port.
    pub port: u16,
}

/// The `http` interface (provides side in the seed: `voting` and `results`):
/// `<endpoint>.available` while a remote unit is joined; the charm publishes where it
/// listens with [`EndpointRef::publish_http`](crate::facets::EndpointRef::publish_http) (`hostname`: the relation's ingress address, and `port`), which a
/// reverse proxy such as HAProxy reads.
///
/// On the requires side (a reverse proxy), [`Http::servers`] are the remote units that
/// published a usable `hostname` (or Juju's `private-address`) and `port`, as
/// juju-solutions/interface-http `requires.py` reads them; an unusable one is a warning.
///
/// ```
/// use charm_core::{Endpoint, Interface, Relation, interfaces::Http};
/// let mut ep = Endpoint::new("voting", "http");
/// let mut rel = Relation { id: "voting:3".into(), ..Default::default() };
/// let bag = |h: &str, p: &str| [("hostname".to_string(), h.to_string()), ("port".to_string(), p.to_string())].into();
/// rel.units.insert("voting-app/0".into(), bag("10.0.0.5", "5000"));
/// rel.units.insert("voting-app/1".into(), bag("10.0.0.6", "http"));
/// ep.relations.push(rel);
/// let mut warnings = Vec::new();
/// let http = Http::from_endpoint(&ep, &mut warnings);
/// assert_eq!(http.servers().len(), 1);
/// assert_eq!((http.servers()[0].host.as_str(), http.servers()[0].port), ("10.0.0.5", 5000));
/// assert_eq!(warnings.len(), 1); // voting-app/1's port is not a number
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Http {
    /// The endpoint's name.
    pub endpoint: String,
    /// Joined remote units.
    pub units: Vec<String>,
    servers: Vec<HttpServer>,
}

impl Http {
    /// The remote units' servers, in unit order.
    pub fn servers(&self) -> &[HttpServer] {
        &self.servers
    }
}

#[crate::interface(
    name = "http",
    requires(flags(available), keys(hostname, port)),
    provides(flags(available), keys())
)]
impl Interface for Http {
    fn is_set(&self, _available: &str, ctx: &mut FlagContext<'_>) -> bool {
        ctx.endpoint.is_joined()
    }

    fn from_endpoint(endpoint: &Endpoint, warnings: &mut Vec<String>) -> Self {
        let mut servers = Vec::new();
        for (unit, bag) in endpoint.units() {
            let get = |key: &str| bag.get(key).map(|v| decoded(v).into_owned());
            let Some(port_text) = get("port") else {
                continue; // nothing published yet
            };
            let Some(port) = valid_port(&port_text) else {
                warnings.push(format!(
                    "http: ignoring unit {unit}: key `port` is not a port number: {}",
                    shown(&port_text)
                ));
                continue;
            };
            match ["hostname", "private-address"]
                .iter()
                .find_map(|k| get(k).filter(|h| valid_host(h)))
            {
                Some(host) => servers.push(HttpServer {
                    unit: unit.to_owned(),
                    host,
                    port,
                }),
                None => warnings.push(format!(
                    "http: ignoring unit {unit}: no usable `hostname` or `private-address`"
                )),
            }
        }
        Self {
            endpoint: endpoint.name.clone(),
            units: endpoint.units().map(|(u, _)| u.to_owned()).collect(),
            servers,
        }
    }
}
