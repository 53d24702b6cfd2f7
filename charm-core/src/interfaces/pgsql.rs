use crate::endpoint::{Bag, Endpoint, FlagContext, Interface, shown, valid_host, valid_port};

use super::libpq::parse_libpq;
use crate::registry::Role;

/// Credentials a PostgreSQL server published.
///
/// ```
/// use charm_core::{Endpoint, Interface, Relation, interfaces::Postgres};
/// let mut ep = Endpoint::new("db", "pgsql");
/// ep.local_unit = "vote/0".into();
/// let mut rel = Relation { id: "db:2".into(), ..Default::default() };
/// let bag = [("allowed-units", "vote/0"), ("master", "host=10.0.0.9 port=5433 dbname=votes user=vote password=pw")];
/// rel.units.insert("pg/0".into(), bag.map(|(k, v)| (k.to_owned(), v.to_owned())).into());
/// ep.relations.push(rel);
/// let pg = Postgres::from_endpoint(&ep, &mut Vec::new());
/// let creds = pg.credentials().unwrap();
/// assert_eq!((creds.user.as_str(), creds.database.as_str(), creds.port), ("vote", "votes", 5433));
/// assert_eq!(creds.password, "pw");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PgCredentials {
    /// The remote unit (or application, when only its bag answered).
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
/// for the database this charm asked for, to this unit, from a writable server.
///
/// What the real providers send, and what is honoured here:
/// - `master`: a libpq connection string, authoritative for host, port, database, user and
///   password (the `host`/`port`/`user`/`password` keys are only a fallback for what it
///   lacks: pgbouncer-k8s sends `host=http://...`, canonical/pgbouncer-k8s-operator
///   `src/relations/db.py@01713e20`).
/// - `allowed-units`: when present, this unit must be listed (split on spaces or commas), or
///   pg_hba does not let it in yet (stub42/postgresql-charm `README.md@4a61e37c`: "Not yet
///   authorized"; canonical/postgresql-operator `src/relations/db.py@06955dd3`
///   `_get_allowed_units`).
/// - `state`: `master` or `standalone` take writes; a `hot standby` (or `standby`) does not.
/// - The remote application bag is read too, under each unit's bag (pgbouncer-k8s and
///   postgresql-k8s write both), and alone when no unit answered.
///
/// The framework publishes this charm's request, `database=<application name>` unless the
/// charm published its own (and `roles`, `extensions` when the charm publishes them), in the
/// unit bag and, from the leader, in the application bag (pgbouncer-k8s reads
/// `remote_app_databag.get("database")`: `src/relations/db.py@335d6e68`).
///
/// ```
/// use charm_core::{Endpoint, Interface, Relation, interfaces::Postgres};
/// let mut ep = Endpoint::new("postgres", "pgsql");
/// ep.local_unit = "vote/0".into();
/// let mut rel = Relation { id: "postgres:2".into(), ..Default::default() };
/// let bag = [("host", "10.0.0.9"), ("port", "5432"), ("user", "vote"), ("password", "s3cret"),
///            ("database", "voting_app"), ("allowed-units", "vote/0"), ("state", "master"),
///            ("master", "dbname=voting_app host=10.0.0.9 password=s3cret port=5432 user=vote")];
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

/// Keys of the request a pgsql client makes, mirrored into the application bag: pgbouncer-k8s
/// reads it there only (canonical/pgbouncer-k8s-operator `src/relations/db.py@335d6e68`),
/// postgresql reads the application bag first (canonical/postgresql-operator
/// `src/relations/db.py@06955dd3`).
const REQUEST_KEYS: [&str; 3] = ["database", "roles", "extensions"];

use crate::redact::is_secret_key;

/// A value as a log line may show it: secrets never.
fn shown_value(key: &str, value: &str) -> String {
    if is_secret_key(key) {
        "<redacted>".to_owned()
    } else {
        shown(value)
    }
}

// The keys interface-pgsql's server side publishes, and what its client side asks with.
#[crate::interface(
    name = "pgsql",
    requires(
        flags(connected, "database.available"),
        keys(
            "allowed-units",
            database,
            host,
            master,
            password,
            port,
            schema_password,
            schema_user,
            standbys,
            state,
            user,
            version
        )
    ),
    provides(keys(database, roles, extensions))
)]
impl Interface for Postgres {
    const FLAGS_READ_PUBLISHED: bool = true;

    fn is_set(&self, flag: &str, ctx: &mut FlagContext<'_>) -> bool {
        if flag == "connected" {
            return ctx.endpoint.is_joined();
        }
        // database.available: for the database this charm asked for.
        let wanted = ctx.published.get("database").map(String::as_str);
        match (self.credentials(), wanted) {
            (Some(c), Some(w)) if w != c.database => {
                ctx.warnings.push(format!(
                    "pgsql: unit {} key `database` is {:?}, but this charm asked for {w:?}",
                    c.unit, c.database
                ));
                false
            }
            (Some(_), _) => true,
            (None, _) => false,
        }
    }

    /// The client asks for its database: the application's name unless the charm
    /// published its own.
    fn defaults(role: Role, app: &str) -> Vec<(&'static str, String)> {
        match role {
            Role::Requires => vec![("database", app.replace('-', "_"))],
            _ => Vec::new(),
        }
    }

    fn app_keys(role: Role) -> &'static [&'static str] {
        match role {
            Role::Requires => &REQUEST_KEYS,
            _ => &[],
        }
    }

    fn from_endpoint(endpoint: &Endpoint, warnings: &mut Vec<String>) -> Self {
        for rel in &endpoint.relations {
            let mut sources: Vec<(String, Bag)> = rel
                .units
                .iter()
                .map(|(unit, bag)| {
                    let mut merged = rel.app_data.clone();
                    merged.extend(bag.iter().map(|(k, v)| (k.clone(), v.clone())));
                    (unit.clone(), merged)
                })
                .collect();
            if rel.units.values().all(|b| !b.contains_key("master"))
                && rel.app_data.contains_key("master")
            {
                let app = rel
                    .app
                    .clone()
                    .unwrap_or_else(|| "the remote application".into());
                sources.push((app, rel.app_data.clone()));
            }
            for (source, bag) in sources {
                if let Some(credentials) =
                    read_source(&endpoint.local_unit, &source, &bag, warnings)
                {
                    return Self {
                        credentials: Some(credentials),
                    };
                }
            }
        }
        Self { credentials: None }
    }
}

/// The credentials one unit's (or the application's) bag offers this unit, if usable.
fn read_source(
    local_unit: &str,
    source: &str,
    bag: &Bag,
    warnings: &mut Vec<String>,
) -> Option<PgCredentials> {
    let get = |key: &str| bag.get(key).map(String::as_str).unwrap_or("");
    let master = bag.get("master")?; // the server has not answered yet
    if let Some(allowed) = bag.get("allowed-units") {
        let mut units = allowed.split([' ', ',']).filter(|u| !u.is_empty());
        if !units.any(|u| u == local_unit) {
            return None; // not yet authorised: pg_hba would refuse us
        }
    }
    let state = get("state");
    if !state.is_empty() && state != "master" && state != "standalone" {
        return None; // a standby: writes would fail
    }
    let mut bad = |key: &str, why: &str| {
        warnings.push(format!(
            "pgsql: ignoring unit {source}: key `{key}` {why}: {}",
            shown_value(key, get(key))
        ));
    };
    let conn = match parse_libpq(master) {
        Ok(conn) => conn,
        Err(why) => {
            bad(
                "master",
                &format!("is not a libpq connection string ({why})"),
            );
            return None;
        }
    };
    let pick = |conn_key: &str, bag_key: &str| {
        conn.get(conn_key)
            .cloned()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| get(bag_key).to_owned())
    };
    let host = pick("host", "host");
    if !valid_host(&host) {
        bad(
            if conn.contains_key("host") {
                "master"
            } else {
                "host"
            },
            "has no usable host",
        );
        return None;
    }
    let port_text = conn
        .get("port")
        .cloned()
        .or_else(|| bag.get("port").cloned())
        .unwrap_or_else(|| "5432".to_owned());
    let Some(port) = valid_port(&port_text) else {
        bad(
            if conn.contains_key("port") {
                "master"
            } else {
                "port"
            },
            "has no usable port",
        );
        return None;
    };
    let user = pick("user", "user");
    let password = pick("password", "password");
    let database = pick("dbname", "database");
    for (key, value) in [
        ("user", &user),
        ("password", &password),
        ("database", &database),
    ] {
        if value.is_empty() || value.contains(['\n', '\r', '\0']) {
            bad(key, "is empty or has control characters");
            return None;
        }
    }
    Some(PgCredentials {
        unit: source.to_owned(),
        host,
        port,
        user,
        password,
        database,
    })
}
