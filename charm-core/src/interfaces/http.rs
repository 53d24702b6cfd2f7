use crate::endpoint::{Endpoint, Interface};

/// The `http` interface (provides side in the seed: `voting` and `results`):
/// `<endpoint>.available` while a remote unit is joined; the charm publishes where it
/// listens with [`EndpointRef::publish_http`](crate::facets::EndpointRef::publish_http) (`hostname`: the relation's ingress address, and `port`), which a
/// reverse proxy such as HAProxy reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Http {
    /// The endpoint's name.
    pub endpoint: String,
    /// Joined remote units.
    pub units: Vec<String>,
}

impl Interface for Http {
    const INTERFACE: &'static str = "http";

    fn from_endpoint(endpoint: &Endpoint, _: &mut Vec<String>) -> Self {
        Self {
            endpoint: endpoint.name.clone(),
            units: endpoint.units().map(|(u, _)| u.to_owned()).collect(),
        }
    }
}
