//! The built-in relation interfaces of the seed: `redis`, `pgsql` and `http`, written with
//! the same public mechanism any crate uses for its own ([`Interface`](crate::Interface) and
//! [`#[interface(...)]`](crate::interface); the book's "Custom interfaces" page).
//!
//! Each is a typed view of an endpoint's remote data that handlers take as a parameter.
//! Remote data is untrusted: a value that is not usable (empty host, a port that is not a
//! number, ...) is left out with a WARNING naming the unit and key, never a panic.
//!
//! ```
//! use charm_core::{Endpoint, Interface, Relation, interfaces::Postgres};
//! let mut ep = Endpoint::new("db", "pgsql");
//! ep.local_unit = "voting-app/0".into();
//! let mut rel = Relation { id: "db:2".into(), ..Default::default() };
//! rel.units.insert("postgresql/0".into(), [("port".into(), "not a port".into())].into());
//! ep.relations.push(rel);
//! let mut warnings = Vec::new();
//! let db = Postgres::from_endpoint(&ep, &mut warnings);
//! assert!(db.credentials().is_none(), "nothing usable was published: no panic, no credentials");
//! ```

mod http;
mod json_data;
mod libpq;
pub(crate) mod pgsql;
mod redis;

pub use crate::endpoint::{FlagContext, InterfaceDef, RoleSpec};
pub use http::{Http, HttpServer};
pub use json_data::decoded;
pub use libpq::parse_libpq;
pub use pgsql::{PgCredentials, Postgres};
pub use redis::{Redis, RedisHost};
