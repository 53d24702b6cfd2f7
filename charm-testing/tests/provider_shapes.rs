//! The redis and pgsql interfaces read relation data in the shapes real provider charms
//! send. The fixtures are written here by hand, after each provider's relation code (cited
//! `repository path@commit`); Juju's own keys (`private-address`, `ingress-address`,
//! `egress-subnets`) are in every unit bag, as the agent puts them there.

use charm_testing::Harness;

#[charm_core::charm(metadata = "tests/fixtures-providers/metadata.yaml")]
mod vote {
    use charm_core::interfaces::{Postgres, Redis};
    use charm_core::prelude::*;

    #[when("cache.available")]
    fn cache(unit: &mut Unit, cache: Redis) -> Result<()> {
        let h = &cache.hosts()[0];
        let seen = format!("{}:{} password={}", h.host, h.port, h.password.is_some());
        unit.kv().set("redis", seen)
    }

    #[when("db.database.available")]
    fn db(unit: &mut Unit, db: Postgres) -> Result<()> {
        let c = db
            .credentials()
            .ok_or_else(|| Error::msg("flag without credentials"))?;
        let seen = format!(
            "{} {}:{}/{} as {}",
            c.unit, c.host, c.port, c.database, c.user
        );
        unit.kv().set("pg", seen)
    }
}

fn harness() -> Harness {
    Harness::new(
        &vote::CHARM,
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures-providers"),
        "vote/0",
    )
    .unwrap()
}

fn seen(h: &Harness, key: &str) -> Option<String> {
    h.snapshot()?
        .kv
        .get(&format!("charm.{key}"))
        .and_then(|v| v.as_str().map(str::to_owned))
}

fn juju_keys(address: &'static str) -> [(&'static str, &'static str); 3] {
    [
        ("private-address", address),
        ("ingress-address", address),
        ("egress-subnets", "10.0.0.0/24"),
    ]
}

fn bag(
    juju: [(&'static str, &'static str); 3],
    data: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    juju.iter().chain(data).copied().collect()
}

fn relate(
    h: &mut Harness,
    endpoint: &str,
    app: &str,
    units: &[(&str, Vec<(&'static str, &'static str)>)],
) -> u64 {
    let units: Vec<(&str, &[(&str, &str)])> =
        units.iter().map(|(u, b)| (*u, b.as_slice())).collect();
    let (id, outs) = h.relate(endpoint, app, &units).unwrap();
    for o in outs {
        o.result.unwrap();
    }
    id
}

/// omnivector-solutions/interface-redis `provides.py@19ad97be` publishes through
/// charms.reactive's `to_publish`, which JSON-encodes (`endpoints.py@041f67c9`).
#[test]
fn reactive_redis_with_json_values() {
    let mut h = harness();
    h.run("install").result.unwrap();
    let unit = bag(
        juju_keys("10.0.0.5"),
        &[
            ("host", "\"10.0.0.5\""),
            ("port", "6379"),
            ("password", "\"s3cret\""),
        ],
    );
    relate(&mut h, "cache", "redis", &[("redis/0", unit)]);
    assert_eq!(
        seen(&h, "redis").as_deref(),
        Some("10.0.0.5:6379 password=true")
    );
}

/// canonical/redis-k8s-operator `lib/charms/redis_k8s/v0/redis.py@059c0fb6`: `hostname` and
/// `port`, raw.
#[test]
fn redis_k8s_library() {
    let mut h = harness();
    h.run("install").result.unwrap();
    let unit = bag(
        juju_keys("10.1.0.7"),
        &[("hostname", "10.1.0.7"), ("port", "6379")],
    );
    relate(&mut h, "cache", "redis-k8s", &[("redis-k8s/0", unit)]);
    assert_eq!(
        seen(&h, "redis").as_deref(),
        Some("10.1.0.7:6379 password=false")
    );
}

/// An unusable `host` is reported and the next key tried (here Juju's `private-address`,
/// which the reactive requirer reads: interface-redis `requires.py@bb959bf1`).
#[test]
fn redis_falls_back_to_the_next_host_key() {
    let mut h = harness();
    h.run("install").result.unwrap();
    let unit = bag(
        juju_keys("10.0.0.6"),
        &[("host", "\"redis://10.0.0.6\""), ("port", "6379")],
    );
    relate(&mut h, "cache", "redis", &[("redis/0", unit)]);
    assert_eq!(
        seen(&h, "redis").as_deref(),
        Some("10.0.0.6:6379 password=false")
    );
    assert!(
        h.logs("WARNING")
            .iter()
            .any(|l| l.contains("redis/0") && l.contains("`host`")),
        "{:?}",
        h.logs("WARNING")
    );
}

/// canonical/postgresql-operator `src/relations/db.py@06955dd3` (the legacy `db`
/// relation): every unit's bag has `master` (the primary's libpq string), `state`
/// (`master`, `standalone` or `hot standby`) and `allowed-units` (space-separated).
fn legacy_pg_bag(state: &'static str, allowed: &'static str) -> Vec<(&'static str, &'static str)> {
    bag(
        juju_keys("10.0.0.8"),
        &[
            ("allowed-subnets", "10.0.0.0/24"),
            ("allowed-units", allowed),
            ("database", "vote"),
            ("host", "10.0.0.9"),
            (
                "master",
                "dbname=vote host=10.0.0.9 password=Pw0rd port=5432 user=relation-3",
            ),
            ("password", "Pw0rd"),
            ("port", "5432"),
            ("schema_password", "Pw0rd"),
            ("schema_user", "relation-3"),
            (
                "standbys",
                "dbname=vote host=10.0.0.8 password=Pw0rd port=5432 user=relation-3",
            ),
            ("state", state),
            ("user", "relation-3"),
            ("version", "14"),
        ],
    )
}

#[test]
fn legacy_postgresql_db_relation_honours_state_and_allowed_units() {
    let mut h = harness();
    h.run("install").result.unwrap();
    // Not yet authorised: pg_hba would refuse this unit.
    let id = relate(
        &mut h,
        "db",
        "postgresql",
        &[
            ("postgresql/0", legacy_pg_bag("hot standby", "other/0")),
            ("postgresql/1", legacy_pg_bag("master", "other/0")),
        ],
    );
    assert!(!h.flags().contains(&"db.database.available".to_owned()));
    assert_eq!(seen(&h, "pg"), None);
    // Authorised; after a failover postgresql/1 is the master: never the standby.
    h.with_model(|m| {
        for unit in m.relations.get_mut(&id).unwrap().remote_units.values_mut() {
            unit.data
                .insert("allowed-units".into(), "other/0 vote/0".into());
        }
    });
    h.run_relation("db-relation-changed", id, Some("postgresql/1"))
        .result
        .unwrap();
    assert_eq!(
        seen(&h, "pg").as_deref(),
        Some("postgresql/1 10.0.0.9:5432/vote as relation-3")
    );
    // The request went in our unit bag and, from the leader, our application bag.
    let model = h.model();
    let rel = &model.relations[&id];
    assert_eq!(
        rel.local_unit_data.get("database").map(String::as_str),
        Some("vote")
    );
    assert_eq!(
        rel.local_app_data.get("database").map(String::as_str),
        Some("vote")
    );
}

/// canonical/pgbouncer-k8s-operator `src/relations/db.py@01713e20`: the same data in the
/// application bag and the unit bag, `host` as `http://<ip>`, `allowed-units` joined with
/// commas; `master` is what to trust.
fn pgbouncer_data() -> Vec<(&'static str, &'static str)> {
    vec![
        ("allowed-subnets", "10.0.0.0/24"),
        ("allowed-units", "vote/0,vote/1"),
        ("database", "vote"),
        ("host", "http://10.0.0.20"),
        (
            "master",
            "dbname=vote fallback_application_name=vote host=10.0.0.20 password=Bnc3r port=6432 user=db_4_vote",
        ),
        ("password", "Bnc3r"),
        ("port", "6432"),
        ("standbys", ""),
        ("state", "standalone"),
        ("user", "db_4_vote"),
        ("version", "12"),
    ]
}

#[test]
fn pgbouncer_application_bag_alone_is_enough() {
    let mut h = harness();
    h.run("install").result.unwrap();
    let id = h.add_relation("db", "pgbouncer", &[]).unwrap();
    h.run_relation("db-relation-created", id, None)
        .result
        .unwrap();
    // pgbouncer's unit has joined but wrote only the application bag so far.
    h.with_model(|m| {
        let rel = m.relations.get_mut(&id).unwrap();
        rel.remote_units.insert(
            "pgbouncer/0".into(),
            charm_emulator::RemoteUnit {
                data: bag(juju_keys("10.0.0.20"), &[])
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                departing: false,
            },
        );
        rel.remote_app_data = pgbouncer_data()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
    });
    h.run_relation("db-relation-joined", id, Some("pgbouncer/0"))
        .result
        .unwrap();
    h.run_relation("db-relation-changed", id, None)
        .result
        .unwrap();
    assert_eq!(
        seen(&h, "pg").as_deref(),
        Some("pgbouncer/0 10.0.0.20:6432/vote as db_4_vote")
    );
    // pgbouncer reads the request from our application bag only (db.py@335d6e68).
    assert_eq!(
        h.model().relations[&id]
            .local_app_data
            .get("database")
            .map(String::as_str),
        Some("vote")
    );
}

#[test]
fn a_mismatched_database_is_a_warning_naming_unit_and_key() {
    let mut h = harness();
    h.run("install").result.unwrap();
    let mut data = pgbouncer_data();
    for kv in &mut data {
        if kv.0 == "master" {
            kv.1 = "dbname=other host=10.0.0.20 password=Bnc3r port=6432 user=db_4_vote";
        }
    }
    relate(
        &mut h,
        "db",
        "pgbouncer",
        &[("pgbouncer/0", bag(juju_keys("10.0.0.20"), &data))],
    );
    assert!(!h.flags().contains(&"db.database.available".to_owned()));
    let warnings = h.logs("WARNING");
    assert!(
        warnings.iter().any(|w| w.contains("pgbouncer/0")
            && w.contains("`database`")
            && w.contains("\"other\"")
            && w.contains("\"vote\"")),
        "{warnings:?}"
    );
}

#[test]
fn passwords_never_reach_the_log_or_the_unit_state_file() {
    let mut h = harness();
    h.run("install").result.unwrap();
    // A refused password (a newline in it) is reported without its value.
    let unit = bag(
        juju_keys("10.0.0.9"),
        &[
            ("master", "dbname=vote host=10.0.0.9 port=5432 user=u"),
            ("password", "Leaked\nPw"),
        ],
    );
    let id = relate(&mut h, "db", "postgresql", &[("postgresql/0", unit)]);
    let all_logs: String = h.model().logs.iter().map(|l| l.message.clone()).collect();
    assert!(all_logs.contains("`password`"), "{all_logs}");
    assert!(!all_logs.contains("Leaked"), "{all_logs}");
    // A good one is used, and the state file holds none of it.
    h.with_model(|m| {
        let data = &mut m
            .relations
            .get_mut(&id)
            .unwrap()
            .remote_units
            .get_mut("postgresql/0")
            .unwrap()
            .data;
        data.insert(
            "master".into(),
            "dbname=vote host=10.0.0.9 password=Sup3rS3cret port=5432 user=u".into(),
        );
        data.insert("password".into(), "Sup3rS3cret".into());
    });
    h.run_relation("db-relation-changed", id, Some("postgresql/0"))
        .result
        .unwrap();
    assert_eq!(
        seen(&h, "pg").as_deref(),
        Some("postgresql/0 10.0.0.9:5432/vote as u")
    );
    let state = std::fs::read_to_string(h.charm_dir().join(charm_core::STATE_FILE)).unwrap();
    assert!(!state.contains("Sup3rS3cret"), "{state}");
    // The next hook (no relation hook) still sees the real password: read again from Juju.
    h.run("update-status").result.unwrap();
    assert!(h.flags().contains(&"db.database.available".to_owned()));
}
