//! Interoperation with docker-compose 1.29 (the Python implementation, from PyPI, in the venv
//! `scripts/venv-compose.sh` makes; the tests run the script themselves): on the seed's
//! five-service project, each tool `ps`, `up` and `down`s what the other created, and an `up`
//! with nothing changed recreates nothing, either way.
//!
//! Needs the engine and the offline test images, as tests/engine.rs; fails loudly without.

mod common;

use std::process::Command;

use charm_docker::{Action, DownOptions};
use common::compose1;
use common::fixture::Fixture;

const SERVICES: [&str; 5] = ["vote", "redis", "worker", "db", "result"];

/// The five-service project, shared with docker-compose.
fn fixture(test: &str) -> Fixture {
    Fixture::new("cdc1", test, compose1, "docker-compose")
}

#[test]
fn theirs_then_ours() {
    let f = fixture("theirs");
    f.theirs(&["up", "-d"]);
    let before = f.ids();
    assert_eq!(before.len(), 5, "{before:?}");

    // ps sees their containers; up adopts them without touching any.
    let ps = f.engine.ps(&f.project()).unwrap();
    assert_eq!(ps.len(), 5, "{ps:?}");
    assert!(ps.iter().all(|s| s.state == "running"), "{ps:?}");
    let report = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    for s in SERVICES {
        assert_eq!(report.action(s), Some(Action::Unchanged), "{s}: {report:?}");
    }
    assert!(!report.changed(), "{report:?}");
    assert_eq!(f.ids(), before, "a container was recreated");

    // down removes what they made, network included.
    let down = f.engine.down(&f.project(), DownOptions::default()).unwrap();
    assert_eq!(down.containers.len(), 5, "{down:?}");
    assert_eq!(down.networks, [format!("{}_default", f.name)]);
    assert!(f.ids().is_empty());
    assert!(f.theirs(&["ps", "-q"]).trim().is_empty());
}

#[test]
fn ours_then_theirs() {
    let f = fixture("ours");
    let report = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    assert_eq!(report.action("vote"), Some(Action::Created));
    let before = f.ids();
    assert_eq!(before.len(), 5, "{before:?}");

    // Their ps lists ours (it used to fail with a TypeError on our version label).
    let ps = f.theirs(&["ps", "-q"]);
    assert_eq!(ps.lines().count(), 5, "{ps}");
    // Their up keeps every one of ours: same config hash.
    f.theirs(&["up", "-d"]);
    assert_eq!(f.ids(), before, "docker-compose recreated a container");
    // And ours after theirs still changes nothing.
    let report = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    assert!(!report.changed(), "{report:?}");
    assert_eq!(f.ids(), before);

    // Their down removes everything we made.
    f.theirs(&["down", "-t", "1"]);
    assert!(f.ids().is_empty());
    assert!(f.engine.ps(&f.project()).unwrap().is_empty());
    let label = format!("label=com.docker.compose.project={}", f.name);
    let networks = Command::new("docker")
        .args(["network", "ls", "-q", "--filter", &label])
        .output()
        .unwrap();
    assert!(networks.stdout.is_empty(), "a network is left");
}

#[test]
fn a_change_recreates_only_the_changed_service_across_tools() {
    let f = fixture("change");
    f.theirs(&["up", "-d"]);
    let before = f.ids();
    let path = f.dir.path().join("docker-compose.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("command: sleep 3600", "command: sleep 3601"),
    )
    .unwrap();
    let report = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    assert_eq!(
        report.action("worker"),
        Some(Action::Recreated),
        "{report:?}"
    );
    let after = f.ids();
    for s in SERVICES {
        assert_eq!(
            before[s] == after[s],
            s != "worker",
            "{s}: {before:?} {after:?}"
        );
    }
    // Theirs agrees that nothing else needs recreating.
    f.theirs(&["up", "-d"]);
    assert_eq!(f.ids(), after);
}

/// The runtime keys round-trip too: each tool's `up` keeps the other's containers.
#[test]
fn runtime_keys_round_trip_without_recreation() {
    for first in ["theirs", "ours"] {
        let f = Fixture::with_file(
            "cdc1",
            &format!("runtime-{first}"),
            compose1,
            "docker-compose",
            common::RUNTIME_KEYS,
        );
        if first == "theirs" {
            f.theirs(&["up", "-d"]);
        } else {
            f.engine.up(&f.project(), &mut |_| {}).unwrap();
        }
        let before = f.ids();
        assert_eq!(before.len(), 2, "{first}: {before:?}");
        if first == "theirs" {
            let report = f.engine.up(&f.project(), &mut |_| {}).unwrap();
            assert!(!report.changed(), "we recreated theirs: {report:?}");
        } else {
            f.theirs(&["up", "-d"]);
        }
        assert_eq!(f.ids(), before, "{first} first: a container was recreated");
    }
}

/// A service that shares another's namespace (`pid: service:db`) is recreated by us over
/// docker-compose 1.29's containers: the reference must name 1.29's `p_db_1`, not our
/// `p-db-1` (before, the create failed with "No such container").
#[test]
fn a_service_reference_follows_an_adopted_container() {
    let f = Fixture::with_file(
        "cdc1",
        "service-ref",
        compose1,
        "docker-compose",
        common::RUNTIME_KEYS,
    );
    f.theirs(&["up", "-d"]);
    let before = f.ids();
    let changed = charm_docker::Project::builder(f.dir.path().join("docker-compose.yml"))
        .name(&f.name)
        .environment(charm_docker::Environment::from_iter([(
            "READ_ONLY",
            "false",
        )]))
        .build()
        .unwrap();
    let report = f.engine.up(&changed, &mut |_| {}).unwrap();
    let after = f.ids();
    assert_eq!(after["db"], before["db"], "db is 1.29's, kept: {report:?}");
    assert_ne!(
        after["app"], before["app"],
        "app changed, so recreated: {report:?}"
    );
    let out = Command::new("docker")
        .args([
            "inspect",
            "-f",
            "{{.HostConfig.PidMode}} {{.State.Running}}",
        ])
        .arg(&after["app"])
        .output()
        .unwrap();
    // The engine stores the namespace as the container's full id.
    let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let db = &after["db"];
    assert!(
        text.starts_with(&format!("container:{db}")) && text.ends_with(" true"),
        "{text}"
    );
}
