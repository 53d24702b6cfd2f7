//! The real voting app end to end: the compiled charm, hook after hook through the emulator,
//! against the real engine with the images of scripts/build-voting-images.sh (the Rust
//! vote/worker/result, Debian's PostgreSQL) and charm-test/redis. Votes POSTed to the vote
//! port are counted by `/api/results` and by a query in the database, standalone and with an
//! external Redis and PostgreSQL (containers outside the charm's project, listening on the
//! Docker bridge's gateway address: reachable from this machine's containers, not from
//! elsewhere); they survive recreating the db container; update-status names what it found
//! stopped.

mod common;

use charm_emulator::{ActionStatus, Hook};
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

    // dump-db to a file, then restore-db into an empty database restores the counts.
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("votes.sql");
    let run = action(&unit, "dump-db", &[("path", dump.to_str().unwrap())]);
    assert_eq!(run.status, ActionStatus::Completed, "{run:?}");
    assert_eq!(run.results["path"], dump.display().to_string());
    let small = action(&unit, "dump-db", &[]);
    assert!(
        small.results["dump"].as_str().unwrap().len() > 100,
        "{small:?}"
    );
    docker(&["rm", "-f", &db]);
    docker(&["volume", "rm", &format!("{app}_db-data")]);
    unit.check(&[unit.runner.run(Hook::new("update-status")).unwrap()]);
    unit.wait_results(r#"{"a":0,"b":0}"#);
    let run = action(&unit, "restore-db", &[("path", dump.to_str().unwrap())]);
    assert_eq!(run.status, ActionStatus::Completed, "{run:?}");
    unit.wait_results(r#"{"a":3,"b":2}"#);
    assert_eq!(db_counts(&db, "postgres", "postgres"), "a=3 b=2");
    // A failure is action-fail with the cause; the hook itself succeeds.
    let run = action(&unit, "restore-db", &[("path", "relative.sql")]);
    assert_eq!(run.status, ActionStatus::Failed, "{run:?}");
    assert!(
        run.message.as_deref().unwrap_or("").contains("absolute"),
        "{run:?}"
    );
}

/// Runs action `name` with string parameters; its record.
fn action(unit: &Unit, name: &str, params: &[(&str, &str)]) -> charm_emulator::ActionRun {
    let params: charm_emulator::JsonMap = params
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
        .collect();
    let out = unit.runner.run(Hook::action(name, params)).unwrap();
    assert!(out.success(), "{name}: {}", out.stderr_text());
    out.action.expect("an action record")
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
    // dump-db reaches the external PostgreSQL too (over the host's network).
    let run = action(&unit, "dump-db", &[]);
    assert_eq!(run.status, ActionStatus::Completed, "{run:?}");
    let out = unit.runner.run(Hook::new("update-status")).unwrap();
    unit.check(&[out]);
    assert_eq!(unit.status(), ("active".into(), "Ready to vote!".into()));
}
