//! `unit.endpoint(endpoints::X)`: one endpoint of metadata.yaml, read as its interface.

use std::marker::PhantomData;

use crate::Unit;
use crate::endpoint::{Bag, Endpoint, EndpointOf, Interface};
use crate::error::{Error, Result};
use crate::interfaces::Http;
use crate::juju::LogLevel;

/// An endpoint as of this hook, typed by the interface metadata.yaml gives it:
/// `unit.endpoint(endpoints::REDIS).interface()?` is a [`Redis`](crate::interfaces::Redis).
///
/// What it publishes is sent at hook end, only the keys that changed, only if the hook
/// succeeds.
///
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[when("redis.available")]
///     fn connect(unit: &mut Unit) -> Result<()> {
///         let redis = unit.endpoint(endpoints::REDIS).interface()?; // a `Redis`
///         let me = unit.name().to_owned();
///         unit.endpoint(endpoints::REDIS).publish("client", me);
///         unit.status().active(format!("cached by {}", redis.host_list()))
///     }
///
///     #[when("website.available")]
///     fn serve(unit: &mut Unit) -> Result<()> {
///         let port = u16::try_from(unit.config()?.port).map_err(|_| Error::msg("port: not a TCP port"))?;
///         unit.endpoint(endpoints::WEBSITE).publish_http(port)
///     }
/// }
/// ```
pub struct EndpointRef<'u, I> {
    unit: &'u mut Unit,
    name: &'static str,
    interface: PhantomData<fn() -> I>,
}

impl Unit {
    /// An endpoint of metadata.yaml (a constant of the generated `endpoints` module).
    pub fn endpoint<I>(&mut self, endpoint: impl EndpointOf<I>) -> EndpointRef<'_, I> {
        EndpointRef {
            unit: self,
            name: endpoint.endpoint_name(),
            interface: PhantomData,
        }
    }

    /// Reads endpoint `name` as `I`, for the handler parameters the macros inject.
    pub(crate) fn interface_named<I: Interface>(&mut self, name: &str) -> Result<I> {
        let endpoint = self
            .endpoints
            .get(name)?
            .ok_or_else(|| Error::msg(format!("the charm has no endpoint `{name}`")))?;
        let mut warnings = Vec::new();
        let value = I::from_endpoint(endpoint, &mut warnings);
        for w in warnings {
            self.push_log(LogLevel::Warning, w);
        }
        Ok(value)
    }
}

impl<'u, I> EndpointRef<'u, I> {
    /// The endpoint's name in metadata.yaml.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Its relations and the remote data, untyped (`None` if the charm has no such
    /// endpoint, which the typed names rule out).
    ///
    /// Its data is read from the unit state's endpoint file on first use; `None` also when
    /// that file cannot be read (the error is what [`EndpointRef::interface`] returns).
    pub fn data(self) -> Option<&'u Endpoint> {
        self.unit.endpoints.get(self.name).ok().flatten()
    }

    /// Publishes `key=value` in this unit's data bag on every relation of the endpoint
    /// (sent at hook end, only if changed and only if the hook succeeds). An empty value
    /// deletes the key.
    pub fn publish(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        for id in self.relation_ids() {
            let bag = self.unit.publish.entry(id).or_default();
            if value.is_empty() {
                bag.remove(key);
            } else {
                bag.insert(key.to_owned(), value.clone());
            }
        }
    }

    /// Publishes `key=value` in the application's data bag on every relation of the
    /// endpoint (`relation-set --app`), at hook end, only the keys whose value differs from
    /// what Juju has, only if the hook succeeds. An empty value deletes the key. Only the
    /// leader writes the application bag: on another unit this is an error naming the
    /// endpoint and key.
    pub fn publish_app(&mut self, key: &str, value: impl Into<String>) -> Result<()> {
        if !self.unit.leader_cached()? {
            return Err(Error::msg(format!(
                "application data `{key}` of endpoint `{}`: only the leader writes the \
                 application's data bag, and {} is not the leader",
                self.name, self.unit.env.unit_name
            )));
        }
        let value = value.into();
        for id in self.relation_ids() {
            self.unit
                .pending
                .app_publish
                .entry(id)
                .or_default()
                .insert(key.to_owned(), value.clone());
        }
        Ok(())
    }

    /// Every joined unit of the endpoint's relations with its data bag: for a `peers:`
    /// endpoint, the other units of this application.
    pub fn units(self) -> Vec<(&'u str, &'u Bag)> {
        self.unit
            .endpoints
            .get(self.name)
            .ok()
            .flatten()
            .map(|ep| ep.units().collect())
            .unwrap_or_default()
    }

    /// The application data bag of the endpoint's first relation: the remote
    /// application's, or for a `peers:` endpoint this application's own (which every unit
    /// reads and the leader writes with [`EndpointRef::publish_app`]).
    pub fn app_data(self) -> Option<&'u Bag> {
        self.unit
            .endpoints
            .get(self.name)
            .ok()
            .flatten()
            .and_then(|ep| ep.relations.first())
            .map(|rel| &rel.app_data)
    }

    fn relation_ids(&self) -> Vec<String> {
        self.unit.endpoints.relation_ids(self.name)
    }
}

impl<I: Interface> EndpointRef<'_, I> {
    /// The endpoint read through its interface. Invalid remote values are logged as
    /// warnings naming the unit and key, and make the interface "not available".
    pub fn interface(&mut self) -> Result<I> {
        self.unit.interface_named(self.name)
    }
}

/// The interfaces [`EndpointRef::publish_http`] serves: `http` only. Sealed.
#[diagnostic::on_unimplemented(
    message = "`publish_http` publishes on an endpoint of interface `http`, and this one is `{Self}`",
    label = "not an `http` endpoint",
    note = "metadata.yaml gives each endpoint its interface; publish other keys with \
            `unit.endpoint(ep).publish(key, value)`"
)]
/// ```
/// #[charm_core::charm(
///     metadata = "tests/fixtures/doc/app/metadata.yaml",
///     config = "tests/fixtures/doc/app/config.yaml",
/// )]
/// mod app {
///     use charm_core::prelude::*;
///
///     #[when("website.available")]
///     fn serve(unit: &mut Unit) -> Result<()> {
///         // `website` is an `http` endpoint: `publish_http` exists on it, not on `redis`.
///         unit.endpoint(endpoints::WEBSITE).publish_http(8080)
///     }
/// }
/// ```
pub trait ServesHttp: sealed::Sealed {}

impl ServesHttp for Http {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Http {}
}

impl<I: ServesHttp> EndpointRef<'_, I> {
    /// Publishes where this unit serves HTTP: `hostname` (the relation's ingress address,
    /// asked of Juju per relation with `network-get <endpoint> -r <id> --ingress-address`
    /// each hook this is called) and `port`. Juju's own `private-address` is left alone, as
    /// interface-http's provider does (juju-solutions/interface-http
    /// `provides.py@1946df11`: `hookenv.ingress_address`).
    pub fn publish_http(&mut self, port: u16) -> Result<()> {
        for id in self.relation_ids() {
            let address = self.unit.juju.ingress_address(self.name, &id)?;
            let bag = self.unit.publish.entry(id).or_default();
            // An older framework published Juju's key itself: stop owning it.
            bag.remove("private-address");
            bag.insert("hostname".to_owned(), address);
            bag.insert("port".to_owned(), port.to_string());
        }
        Ok(())
    }
}

/// Sends the application data the leader published, diffed against Juju's bag (one
/// `relation-get --app` per relation written).
pub(crate) fn flush_app_data(unit: &mut Unit) -> Result<()> {
    let writes = std::mem::take(&mut unit.pending.app_publish);
    if writes.is_empty() {
        return Ok(());
    }
    let app = unit.app_name().to_owned();
    for (id, wanted) in writes {
        let juju_bag = unit.juju.relation_get(&id, &app, true)?;
        let diff: Bag = wanted
            .into_iter()
            .filter(|(k, v)| match juju_bag.get(k) {
                Some(have) => have != v,
                None => !v.is_empty(),
            })
            .collect();
        if !diff.is_empty() {
            unit.juju.relation_set(&id, &diff, true)?;
        }
    }
    Ok(())
}
