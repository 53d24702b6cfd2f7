//! The legacy `mysql` relation interface, defined in its own crate with charm-core's public
//! interface mechanism, as a future `charm-interface-mysql` would be.
//!
//! The server side (canonical/mysql-operator `src/relations/mysql.py@0d2e44cc`,
//! `_on_mysql_relation_created`) publishes in its unit bag `database`, `host`, `password`,
//! `port` (`"3306"`), `root_password` and `user`. The client side here reads them:
//! `<endpoint>.connected` while a unit is joined, `<endpoint>.available` once one published
//! usable credentials. Remote data is untrusted: an unusable value is a warning naming the
//! unit and key (never a password), and that unit is left out.
//!
//! ```
//! use charm_core::{Endpoint, Interface, Relation};
//! use iface_mysql::Mysql;
//! let mut ep = Endpoint::new("db", "mysql");
//! let mut rel = Relation { id: "db:1".into(), ..Default::default() };
//! let bag = [("host", "10.0.0.4"), ("port", "3306"), ("user", "relation-1"),
//!            ("password", "s3cret"), ("database", "wiki")];
//! rel.units.insert("mysql/0".into(), bag.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
//! ep.relations.push(rel);
//! let mut warnings = Vec::new();
//! let mysql = Mysql::from_endpoint(&ep, &mut warnings);
//! let db = mysql.database().unwrap();
//! assert_eq!((db.host.as_str(), db.port, db.database.as_str()), ("10.0.0.4", 3306, "wiki"));
//! assert!(!format!("{db:?}").contains("s3cret"));
//! assert!(warnings.is_empty());
//! ```

use charm_core::interfaces::FlagContext;
use charm_core::{Endpoint, Interface};

/// One MySQL database a server unit offers.
#[derive(Clone, PartialEq, Eq)]
pub struct MysqlDatabase {
    /// The remote unit, e.g. `mysql/0`.
    pub unit: String,
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// User name.
    pub user: String,
    /// Password. Never shown by `Debug`.
    pub password: String,
    /// Database name.
    pub database: String,
}

impl std::fmt::Debug for MysqlDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MysqlDatabase")
            .field("unit", &self.unit)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("database", &self.database)
            .finish()
    }
}

/// The client (requires) side of the `mysql` interface: the usable databases the joined
/// server units published.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mysql {
    databases: Vec<MysqlDatabase>,
}

impl Mysql {
    /// Usable databases, in unit order.
    pub fn databases(&self) -> &[MysqlDatabase] {
        &self.databases
    }

    /// The first usable database, if any.
    pub fn database(&self) -> Option<&MysqlDatabase> {
        self.databases.first()
    }
}

// ANCHOR: declaration
// What the server publishes, per canonical/mysql-operator
// `src/relations/mysql.py@0d2e44cc`.
#[charm_core::interface(
    name = "mysql",
    requires(
        flags(connected, available),
        keys(database, host, password, port, root_password, user)
    ),
    provides(keys())
)]
impl Interface for Mysql {
    // ANCHOR_END: declaration
    // ANCHOR: from_endpoint
    fn from_endpoint(endpoint: &Endpoint, warnings: &mut Vec<String>) -> Self {
        let mut databases = Vec::new();
        'units: for (unit, bag) in endpoint.units() {
            let get = |key: &str| bag.get(key).map(String::as_str).unwrap_or("");
            if !bag.contains_key("password") {
                continue; // the server has not answered yet: not an error
            }
            let port_text = match get("port") {
                "" => "3306",
                p => p,
            };
            let port = port_text.trim().parse::<u16>().ok();
            let Some(port) = port.filter(|p| *p != 0) else {
                warnings.push(format!(
                    "mysql: ignoring unit {unit}: key `port` is not a port number: {}",
                    shown(port_text)
                ));
                continue;
            };
            let host = get("host");
            if !valid_host(host) {
                warnings.push(format!(
                    "mysql: ignoring unit {unit}: key `host` is not a usable host: {}",
                    shown(host)
                ));
                continue;
            }
            for key in ["user", "password", "database"] {
                let value = get(key);
                if value.is_empty() || value.contains(['\n', '\r', '\0']) {
                    // The value itself is not shown: `password` is a secret.
                    let head = format!("mysql: ignoring unit {unit}");
                    let why = "is empty or has control characters";
                    warnings.push(format!("{head}: key `{key}` {why}"));
                    continue 'units;
                }
            }
            databases.push(MysqlDatabase {
                unit: unit.to_owned(),
                host: host.to_owned(),
                port,
                user: get("user").to_owned(),
                password: get("password").to_owned(),
                database: get("database").to_owned(),
            });
        }
        Self { databases }
    }
    // ANCHOR_END: from_endpoint

    // ANCHOR: is_set
    fn is_set(&self, flag: &str, ctx: &mut FlagContext<'_>) -> bool {
        match flag {
            "connected" => ctx.endpoint.is_joined(),
            _ => !self.databases.is_empty(), // available
        }
    }
}
// ANCHOR_END: is_set

fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '[' | ']'))
}

/// A hostile value shortened for a log line.
fn shown(value: &str) -> String {
    let s: String = value.chars().take(40).collect();
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use charm_core::Relation;

    fn endpoint(units: &[(&str, &[(&str, &str)])]) -> Endpoint {
        let mut ep = Endpoint::new("db", "mysql");
        let mut rel = Relation {
            id: "db:1".into(),
            ..Default::default()
        };
        for (unit, bag) in units {
            rel.units.insert(
                (*unit).into(),
                bag.iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            );
        }
        ep.relations.push(rel);
        ep
    }

    #[test]
    fn hostile_data_is_a_warning_naming_unit_and_key_never_a_panic_or_a_password() {
        let good: &[(&str, &str)] = &[
            ("host", "10.0.0.4"),
            ("port", "3306"),
            ("user", "u"),
            ("password", "hunter2"),
            ("database", "wiki"),
        ];
        let bad_port: &[(&str, &str)] = &[
            ("host", "10.0.0.5"),
            ("port", "99999"),
            ("user", "u"),
            ("password", "hunter2"),
            ("database", "wiki"),
        ];
        let bad_password: &[(&str, &str)] = &[
            ("host", "10.0.0.6"),
            ("user", "u"),
            ("password", "hunter2\nDROP"),
            ("database", "wiki"),
        ];
        let bad_host: &[(&str, &str)] = &[
            ("host", "$(reboot)"),
            ("user", "u"),
            ("password", "p"),
            ("database", "wiki"),
        ];
        let ep = endpoint(&[
            ("mysql/0", bad_port),
            ("mysql/1", bad_password),
            ("mysql/2", bad_host),
            ("mysql/3", good),
            ("mysql/4", &[("host", "10.0.0.8")]), // not answered yet
        ]);
        let mut warnings = Vec::new();
        let mysql = Mysql::from_endpoint(&ep, &mut warnings);
        assert_eq!(mysql.databases().len(), 1);
        assert_eq!(mysql.database().unwrap().unit, "mysql/3");
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[0].contains("mysql/0") && warnings[0].contains("`port`"));
        assert!(warnings[1].contains("mysql/1") && warnings[1].contains("`password`"));
        assert!(warnings[2].contains("mysql/2") && warnings[2].contains("`host`"));
        assert!(
            warnings.iter().all(|w| !w.contains("hunter2")),
            "{warnings:?}"
        );
    }

    #[test]
    fn the_declaration_is_the_interface_s() {
        assert_eq!(Mysql::INTERFACE, "mysql");
        assert_eq!(Mysql::REQUIRES.flags, &["connected", "available"]);
        assert!(Mysql::REQUIRES.keys.unwrap().contains(&"root_password"));
        assert_eq!(Mysql::PROVIDES.keys, Some(&[][..]));
        assert_eq!(Mysql::PEERS, charm_core::interfaces::RoleSpec::UNCHECKED);
    }
}
