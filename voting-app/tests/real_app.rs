//! The real voting app end to end: the compiled charm, hook after hook through the emulator,
//! against the real engine with the images of scripts/build-voting-images.sh (the Rust
//! vote/worker/result, Debian's PostgreSQL) and charm-test/redis. Votes POSTed to the vote
//! port are counted by `/api/results` and by a query in the database, standalone and with an
//! external Redis and PostgreSQL (containers outside the charm's project, listening on the
//! Docker bridge's gateway address: reachable from this machine's containers, not from
//! elsewhere); they survive recreating the db container; update-status names what it found
//! stopped.

mod common;

use charm_emulator::Hook;
use common::{External, Unit, docker, eventually, http, remote};

const CHARM: &str = env!("CARGO_BIN_EXE_voting-app");

/// The count per option in the db container, by SQL.
fn db_counts(container: &str, user: &str, db: &str) -> String {
    let sql = "SELECT vote || '=' || count(*) FROM votes GROUP BY vote ORDER BY vote";
    docker(&[
        "exec", container, "psql", "-qAt", "-U", user, "-d", db, "-c", sql,
    ])
    .replace('\n', " ")
}

#[test]
fn standalone_votes_are_counted_and_survive_a_db_recreate() {
    let app = format!("va-real-{}", std::process::id());
    let unit = Unit::deploy(CHARM, &app, 0);
    assert_eq!(unit.services(), ["db", "redis", "result", "vote", "worker"]);
    let page = eventually(30, "the vote page", || http(unit.vote, "GET", "/", &[], "")).2;
    assert!(
        page.contains("value=\"a\"") && page.contains("value=\"b\""),
        "{page}"
    );
    unit.vote("0a", "a");
    unit.vote("0b", "a");
    unit.vote("0c", "b");
    // The same voter again: one row per voter, the last vote wins.
    unit.vote("0c", "a");
    unit.wait_results(r#"{"a":3,"b":0}"#);
    let db = format!("{app}-db-1");
    assert_eq!(db_counts(&db, "postgres", "postgres"), "a=3");
    let page = http(unit.result, "GET", "/", &[], "").unwrap().2;
    assert!(page.contains("Cats: 3"), "{page}");

    // The db container recreated: its data is on the project's named volume.
    docker(&["rm", "-f", &db]);
    let out = unit.runner.run(Hook::new("update-status")).unwrap();
    unit.check(&[out]);
    assert_eq!(
        unit.status(),
        (
            "active".into(),
            "Ready to vote! Restarted: db (missing)".into()
        )
    );
    unit.wait_results(r#"{"a":3,"b":0}"#);
    unit.vote("0d", "b");
    unit.wait_results(r#"{"a":3,"b":1}"#);

    // A stopped vote container: named by update-status, started again by its `up`.
    docker(&["stop", &format!("{app}-vote-1")]);
    let out = unit.runner.run(Hook::new("update-status")).unwrap();
    unit.check(&[out]);
    assert_eq!(
        unit.status(),
        (
            "active".into(),
            "Ready to vote! Restarted: vote (exited)".into()
        )
    );
    unit.vote("0e", "b");
    unit.wait_results(r#"{"a":3,"b":2}"#);
    let out = unit.runner.run(Hook::new("update-status")).unwrap();
    unit.check(&[out]);
    assert_eq!(unit.status(), ("active".into(), "Ready to vote!".into()));
}

#[test]
fn external_redis_and_postgres_replace_the_containers() {
    let app = format!("va-ext-{}", std::process::id());
    let ext = External::start(&app, &app);
    let unit = Unit::deploy(CHARM, &app, 0);
    let redis = ext.redis_data();
    let redis: Vec<(&str, &str)> = redis.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (_, outs) = unit
        .runner
        .relate(
            "redis",
            "redis",
            &[remote("redis/0", &redis)],
            &Default::default(),
        )
        .unwrap();
    unit.check(&outs);
    let pg = ext.pg_data();
    let pg: Vec<(&str, &str)> = pg.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (_, outs) = unit
        .runner
        .relate(
            "postgres",
            "postgresql",
            &[remote("postgresql/0", &pg)],
            &Default::default(),
        )
        .unwrap();
    unit.check(&outs);
    assert_eq!(unit.status(), ("active".into(), "Ready to vote!".into()));
    // No redis, no db in the charm's project: the external ones do the work.
    assert_eq!(unit.services(), ["result", "vote", "worker"]);
    unit.vote("1a", "b");
    unit.vote("1b", "b");
    unit.vote("1c", "a");
    unit.wait_results(r#"{"a":1,"b":2}"#);
    assert_eq!(ext.counts(), "a=1 b=2");
    let out = unit.runner.run(Hook::new("update-status")).unwrap();
    unit.check(&[out]);
    assert_eq!(unit.status(), ("active".into(), "Ready to vote!".into()));
}
