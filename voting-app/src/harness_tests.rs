//! State-transition tests of every scenario of the seed, in-process with
//! `charm_testing::Harness`: a unit's world in, one hook, the world out. The workload is real
//! (the local Docker engine, the offline demo images of scripts/build-test-images.sh,
//! published on 127.0.0.1 only); the hook tools are the emulator's, called in-process.

use charm_core::HOST_IP_ENV;
use charm_testing::{Harness, Output, ProjectCleanup};
use charm_yaml::Value;

use super::voting_app::{endpoints, flags};

const STANDALONE: [&str; 5] = ["vote", "redis", "worker", "db", "result"];

struct Scenario {
    h: Harness,
    _cleanup: ProjectCleanup,
    vote: u16,
    result: u16,
}

fn ok(out: &Output) {
    if let Err(err) = &out.result {
        panic!("hook failed: {err}");
    }
}

// ANCHOR: deploy
/// A deployed unit of application `app` (also its compose project): install,
/// leader-elected, config-changed, start.
fn deploy(app: &str) -> Scenario {
    let mut h = Harness::new(
        &super::voting_app::CHARM,
        env!("CARGO_MANIFEST_DIR"),
        &format!("{app}/0"),
    )
    .unwrap();
    h.set_env(HOST_IP_ENV, "127.0.0.1");
    let [vote, result] = charm_testing::free_ports();
    for (key, value) in [
        ("vote-image", "charm-test/vote-demo"),
        ("result-image", "charm-test/result-demo"),
        ("worker-image", "charm-test/worker-demo"),
        ("postgres-image", "charm-test/worker-demo"),
        ("redis-image", "charm-test/redis"),
        ("vote-port", &vote.to_string()),
        ("result-port", &result.to_string()),
    ] {
        h.set_config(key, value).unwrap();
    }
    let cleanup = ProjectCleanup(app.to_owned());
    for hook in ["install", "leader-elected", "config-changed", "start"] {
        ok(&h.run(hook));
    }
    Scenario {
        h,
        _cleanup: cleanup,
        vote,
        result,
    }
}
// ANCHOR_END: deploy

impl Scenario {
    fn compose(&self) -> Value {
        let path = self.h.charm_dir().join(super::COMPOSE_FILE);
        charm_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn services(&self) -> Vec<String> {
        let compose = self.compose();
        let services = compose["services"].as_mapping().unwrap();
        services
            .keys()
            .map(|k| k.as_str().unwrap().to_owned())
            .collect()
    }

    fn env(&self, service: &str) -> Vec<(String, String)> {
        let compose = self.compose();
        let Some(env) = compose["services"][service]["environment"].as_mapping() else {
            return Vec::new();
        };
        let pair =
            |(k, v): (&Value, &Value)| (k.as_str().unwrap().into(), v.as_str().unwrap().into());
        env.iter().map(pair).collect()
    }

    fn published(&self, service: &str) -> Vec<String> {
        let compose = self.compose();
        let ports = compose["services"][service]["ports"].as_sequence().unwrap();
        ports
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect()
    }

    /// Ready to vote, with the running flag and exactly the configured ports opened.
    fn assert_ready(&self) {
        let status = self.h.unit_status();
        assert_eq!(
            (status.status.as_str(), status.message.as_str()),
            ("active", "Ready to vote!")
        );
        assert!(self.h.is_flag_set(flags::VOTING_APP_RUNNING));
        let mut ports = [self.vote, self.result];
        ports.sort();
        assert_eq!(self.h.opened_ports(), ports.map(|p| format!("{p}/tcp")));
        assert_eq!(self.published("vote"), [format!("{}:80", self.vote)]);
        assert_eq!(self.published("result"), [format!("{}:80", self.result)]);
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect()
}

const REDIS_UNITS: [(&str, &[(&str, &str)]); 2] = [
    ("redis/0", &[("host", "10.1.2.3"), ("port", "6379")]),
    ("redis/1", &[("host", "10.1.2.4"), ("port", "6379")]),
];

fn pg_units(database: &str) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let data = [
        ("host", "10.9.8.7"),
        ("port", "5432"),
        ("user", "vote"),
        ("password", "harness-s3cret"),
    ];
    let mut bag: Vec<(&'static str, String)> =
        data.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    bag.push(("database", database.to_owned()));
    // The libpq string the legacy PostgreSQL charm publishes, authoritative for the client.
    bag.push((
        "master",
        format!("dbname={database} host=10.9.8.7 password=harness-s3cret port=5432 user=vote"),
    ));
    vec![("postgresql/0", bag)]
}

fn relate_pg(s: &mut Scenario, database: &str) -> u64 {
    let units = pg_units(database);
    let borrowed: Vec<(&str, Vec<(&str, &str)>)> = units
        .iter()
        .map(|(u, bag)| (*u, bag.iter().map(|(k, v)| (*k, v.as_str())).collect()))
        .collect();
    let refs: Vec<(&str, &[(&str, &str)])> =
        borrowed.iter().map(|(u, b)| (*u, b.as_slice())).collect();
    let (id, outs) =
        s.h.relate(endpoints::POSTGRES, "postgresql", &refs)
            .unwrap();
    outs.iter().for_each(ok);
    id
}

fn pg_env(database: &str) -> Vec<(String, String)> {
    pairs(&[
        ("PG_HOST", "10.9.8.7"),
        ("PG_USER", "vote"),
        ("PG_PASS", "harness-s3cret"),
        ("PG_DB", database),
    ])
}

// ANCHOR: standalone
#[test]
fn standalone() {
    let s = deploy("vh-standalone");
    assert_eq!(s.services(), STANDALONE);
    // Only the built-in db is told its password; the services use the contract's
    // defaults.
    let db = pairs(&[("POSTGRES_PASSWORD", crate::workload::BUILTIN_DB_PASSWORD)]);
    for svc in STANDALONE {
        let want = if svc == "db" { db.clone() } else { Vec::new() };
        assert_eq!(s.env(svc), want, "{svc}");
    }
    s.assert_ready();
}
// ANCHOR_END: standalone

// ANCHOR: port_change
#[test]
fn port_change_closes_the_old_port_and_opens_the_new() {
    let mut s = deploy("vh-ports");
    let new_vote = charm_testing::free_ports::<1>()[0];
    s.h.set_config("vote-port", &new_vote.to_string()).unwrap();
    let out = s.h.run("config-changed");
    ok(&out);
    let tools = out.tools_called();
    assert!(
        tools.contains(&"close-port") && tools.contains(&"open-port"),
        "{tools:?}"
    );
    let statuses: Vec<String> = out
        .calls
        .iter()
        .filter(|c| c.tool == "status-set")
        .map(|c| c.args.join(" "))
        .collect();
    assert_eq!(
        statuses,
        [
            "maintenance -- Configuring the standalone formation",
            "active -- Ready to vote!"
        ]
    );
    s.vote = new_vote;
    s.assert_ready();
}
// ANCHOR_END: port_change

// ANCHOR: redis
#[test]
fn redis_joined_then_departed_then_broken() {
    let mut s = deploy("vh-redis");
    let (id, outs) = s.h.relate(endpoints::REDIS, "redis", &REDIS_UNITS).unwrap();
    outs.iter().for_each(ok);
    assert!(s.h.is_flag_set(flags::REDIS_AVAILABLE));
    assert_eq!(s.services(), ["vote", "worker", "db", "result"]);
    let redis = pairs(&[("REDIS_HOST", "10.1.2.3,10.1.2.4")]);
    assert_eq!((s.env("vote"), s.env("worker")), (redis.clone(), redis));
    assert!(s.env("result").is_empty());
    s.assert_ready();

    ok(&s.h.depart(id, "redis/1"));
    assert_eq!(s.env("vote"), pairs(&[("REDIS_HOST", "10.1.2.3")]));
    s.assert_ready();

    s.h.unrelate(id).iter().for_each(ok);
    assert!(!s.h.is_flag_set(flags::REDIS_AVAILABLE));
    assert_eq!(s.services(), STANDALONE, "back to its own redis container");
    assert!(s.env("vote").is_empty() && s.env("worker").is_empty());
    s.assert_ready();
}
// ANCHOR_END: redis

// ANCHOR: postgres
#[test]
fn postgres_joined_then_broken() {
    let mut s = deploy("vh-pg");
    // The charm asks for a database named after the application.
    let id = relate_pg(&mut s, "vh_pg");
    assert!(s.h.is_flag_set(flags::POSTGRES_DATABASE_AVAILABLE));
    assert_eq!(s.services(), ["vote", "redis", "worker", "result"]);
    assert_eq!(
        (s.env("worker"), s.env("result")),
        (pg_env("vh_pg"), pg_env("vh_pg"))
    );
    assert!(s.env("vote").is_empty());
    s.assert_ready();
    for level in ["DEBUG", "INFO", "WARNING", "ERROR"] {
        assert!(
            s.h.logs(level)
                .iter()
                .all(|l| !l.contains("harness-s3cret")),
            "password logged"
        );
    }

    s.h.unrelate(id).iter().for_each(ok);
    assert_eq!(s.services(), STANDALONE);
    s.assert_ready();
}
// ANCHOR_END: postgres

#[test]
fn both_external_then_redis_breaks() {
    let mut s = deploy("vh-both");
    let (redis_id, outs) =
        s.h.relate(endpoints::REDIS, "redis", &REDIS_UNITS[..1])
            .unwrap();
    outs.iter().for_each(ok);
    relate_pg(&mut s, "vh_both");
    assert_eq!(s.services(), ["vote", "worker", "result"]);
    let mut worker = pairs(&[("REDIS_HOST", "10.1.2.3")]);
    worker.extend(pg_env("vh_both"));
    assert_eq!(s.env("worker"), worker);
    assert_eq!(s.env("vote"), pairs(&[("REDIS_HOST", "10.1.2.3")]));
    assert_eq!(s.env("result"), pg_env("vh_both"));
    s.assert_ready();

    s.h.unrelate(redis_id).iter().for_each(ok);
    assert_eq!(s.services(), ["vote", "redis", "worker", "result"]);
    assert_eq!(s.env("worker"), pg_env("vh_both"));
    s.assert_ready();
}

#[test]
fn a_database_for_someone_else_is_not_used() {
    let mut s = deploy("vh-otherdb");
    relate_pg(&mut s, "not_ours");
    assert!(!s.h.is_flag_set(flags::POSTGRES_DATABASE_AVAILABLE));
    assert_eq!(s.services(), STANDALONE);
    s.assert_ready();
}
