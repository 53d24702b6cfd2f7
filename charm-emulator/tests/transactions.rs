//! The transactional rules, with a real shell-script charm: a hook that exits 1 leaves relation
//! data, ports and charm state as they were, while status-set, juju-log, leader-set and
//! application-version-set stay; a hook that exits 0 commits everything.

mod common;

use charm_emulator::{Hook, LogSource, RemoteUnitSpec};
use common::{Fixture, text};

/// Writes through every buffered and every immediate tool, prints what it reads back within
/// the hook, then exits with $EXIT_CODE.
const CHARM: &str = r#"#!/bin/sh
set -e
relation-set -r db:0 database=votes
open-port 8080/tcp
state-set seen=yes
status-set maintenance "configuring"
juju-log -l INFO -- "hook $JUJU_HOOK_NAME writing"
leader-set token=abc
application-version-set 2.0
echo "own=$(relation-get -r db:0 database web/0)"
echo "ports=$(opened-ports --format=json)"
echo "state=$(state-get seen)"
exit "${EXIT_CODE:-0}"
"#;

fn fixture() -> Fixture {
    let f = Fixture::with_dispatch(Some(CHARM), true);
    // Relate without running hooks against our script: add the relation through the library.
    f.dir()
        .transact(|emu| {
            let model = emu.model_mut();
            let id = model.add_relation("db", "postgresql")?;
            model
                .relations
                .get_mut(&id)
                .unwrap()
                .remote_units
                .insert("postgresql/0".into(), Default::default());
            Ok(())
        })
        .unwrap();
    f
}

#[test]
fn failed_hook_drops_buffered_writes_but_keeps_immediate_ones() {
    let f = fixture();
    let before = f.load();
    let outcome = f
        .runner()
        .with_env("EXIT_CODE", "1")
        .run(Hook::new("config-changed"))
        .unwrap();
    assert_eq!(outcome.exit_code, 1, "{}", outcome.stderr_text());
    assert!(!outcome.committed);
    // Within the hook, its own writes were visible where Juju shows them.
    let out = outcome.stdout_text();
    assert!(out.contains("own=votes"), "{out}");
    assert!(
        out.contains(r#"ports=["8080/tcp"]"#),
        "opened-ports includes the hook's pending changes on Juju >= 3.1: {out}"
    );
    assert!(out.contains("state=yes"), "{out}");

    let after = f.load();
    // Dropped: relation data, ports, charm state.
    assert_eq!(
        after.relations[&0].local_unit_data,
        before.relations[&0].local_unit_data
    );
    assert!(after.opened_ports.is_empty());
    assert!(after.charm_state.is_empty());
    // Kept: status history, the log, leader settings, version.
    assert!(
        after
            .unit_status_history
            .iter()
            .any(|s| s.status == "maintenance" && s.message == "configuring"),
        "{:?}",
        after.unit_status_history
    );
    assert!(
        after
            .logs
            .iter()
            .any(|l| l.source == LogSource::JujuLog && l.message == "hook config-changed writing")
    );
    assert_eq!(
        after.leader_settings.get("token").map(String::as_str),
        Some("abc")
    );
    assert_eq!(after.application_version, "2.0");
    // And the unit is in error, as in Juju.
    assert_eq!(after.unit_status.status, "error");
    assert_eq!(
        after.unit_status.message,
        r#"hook failed: "config-changed""#
    );
    assert!(after.contexts.is_empty(), "the context is closed");
    let status = f.cli(&["status"]);
    assert!(
        text(&status.stdout).contains("error"),
        "{}",
        text(&status.stdout)
    );
}

#[test]
fn successful_hook_commits_everything() {
    let f = fixture();
    let outcome = f.runner().run(Hook::new("config-changed")).unwrap();
    assert!(outcome.success(), "{}", outcome.stderr_text());
    assert!(outcome.committed);
    let model = f.load();
    assert_eq!(
        model.relations[&0]
            .local_unit_data
            .get("database")
            .map(String::as_str),
        Some("votes")
    );
    assert_eq!(
        model
            .opened_ports
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["8080/tcp"]
    );
    assert_eq!(
        model.charm_state.get("seen").map(String::as_str),
        Some("yes")
    );
    assert_eq!(model.unit_status.status, "maintenance");
    // The outcome lists the hook's tool calls in order.
    assert_eq!(
        outcome.tools_called(),
        [
            "relation-set",
            "open-port",
            "state-set",
            "status-set",
            "juju-log",
            "leader-set",
            "application-version-set",
            "relation-get",
            "opened-ports",
            "state-get"
        ]
    );
}

#[test]
fn a_successful_hook_after_a_failure_restores_the_charm_status() {
    let f = fixture();
    assert!(
        !f.runner()
            .with_env("EXIT_CODE", "3")
            .run(Hook::new("install"))
            .unwrap()
            .success()
    );
    assert_eq!(f.load().unit_status.status, "error");
    assert!(f.runner().run(Hook::new("install")).unwrap().success());
    let model = f.load();
    assert_eq!(
        (
            model.unit_status.status.as_str(),
            model.unit_status.message.as_str()
        ),
        ("maintenance", "configuring")
    );
}

#[test]
fn a_failed_hook_stops_the_relate_sequence() {
    // A hook fails mid-relate: the sequence stops there, as Juju's agent halts in error.
    let f = Fixture::with_dispatch(
        Some("#!/bin/sh\n[ \"$JUJU_HOOK_NAME\" = db-relation-joined ] && exit 1\nexit 0\n"),
        false,
    );
    let units = [
        RemoteUnitSpec {
            name: "postgresql/0".into(),
            data: Default::default(),
        },
        RemoteUnitSpec {
            name: "postgresql/1".into(),
            data: Default::default(),
        },
    ];
    let (_, outcomes) = f
        .runner()
        .relate("db", "postgresql", &units, &Default::default())
        .unwrap();
    let hooks: Vec<String> = outcomes.iter().map(|o| o.hook.name.clone()).collect();
    assert_eq!(hooks, ["db-relation-created", "db-relation-joined"]);
    assert_eq!(f.load().unit_status.status, "error");
}
