use crate::endpoint::{Endpoint, Interface, shown, valid_host, valid_port};

/// Credentials a PostgreSQL server published.
#[derive(Clone, PartialEq, Eq)]
pub struct PgCredentials {
    /// The remote unit.
    pub unit: String,
    /// Host.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Role name.
    pub user: String,
    /// Password. Never shown by `Debug`.
    pub password: String,
    /// Database name.
    pub database: String,
}

impl std::fmt::Debug for PgCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgCredentials")
            .field("unit", &self.unit)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("database", &self.database)
            .finish()
    }
}

/// The requires side of the `pgsql` interface: `<endpoint>.connected` while joined,
/// `<endpoint>.database.available` once a server published a connection string (`master`)
/// and usable credentials for the database this charm asked for. The framework publishes
/// `database=<application name>` on the relation unless the charm published its own.
///
/// ```
/// use charm_core::{Endpoint, Interface, Relation, interfaces::Postgres};
/// let mut ep = Endpoint::new("postgres", "pgsql");
/// let mut rel = Relation { id: "postgres:2".into(), ..Default::default() };
/// let bag = [("host", "10.0.0.9"), ("port", "5432"), ("user", "vote"), ("password", "s3cret"),
///            ("database", "voting_app"), ("master", "host=10.0.0.9 dbname=voting_app")];
/// rel.units.insert("pg/0".into(), bag.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
/// ep.relations.push(rel);
/// let pg = Postgres::from_endpoint(&ep, &mut Vec::new());
/// let creds = pg.credentials().unwrap();
/// assert_eq!((creds.host.as_str(), creds.port), ("10.0.0.9", 5432));
/// assert!(!format!("{creds:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Postgres {
    credentials: Option<PgCredentials>,
}

impl Postgres {
    /// The first usable credentials, if any unit published them.
    pub fn credentials(&self) -> Option<&PgCredentials> {
        self.credentials.as_ref()
    }
}

impl Interface for Postgres {
    const INTERFACE: &'static str = "pgsql";

    fn from_endpoint(endpoint: &Endpoint, warnings: &mut Vec<String>) -> Self {
        for (unit, bag) in endpoint.units() {
            if !bag.contains_key("master") {
                continue; // the server has not answered yet
            }
            let get = |key: &str| bag.get(key).map(String::as_str).unwrap_or("");
            let mut bad = |key: &str, why: &str| {
                warnings.push(format!(
                    "pgsql: ignoring unit {unit}: key `{key}` {why}: {}",
                    shown(get(key))
                ));
            };
            if !valid_host(get("host")) {
                bad("host", "is not a usable host");
                continue;
            }
            let Some(port) = valid_port(get("port")) else {
                bad("port", "is not a port number");
                continue;
            };
            let mut missing = false;
            for key in ["user", "password", "database"] {
                if get(key).is_empty() || get(key).contains(['\n', '\r', '\0']) {
                    bad(key, "is empty or has control characters");
                    missing = true;
                    break;
                }
            }
            if missing {
                continue;
            }
            return Self {
                credentials: Some(PgCredentials {
                    unit: unit.to_owned(),
                    host: get("host").to_owned(),
                    port,
                    user: get("user").to_owned(),
                    password: get("password").to_owned(),
                    database: get("database").to_owned(),
                }),
            };
        }
        Self { credentials: None }
    }
}
