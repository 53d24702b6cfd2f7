//! The command line, end to end with a shell-script charm.

mod common;

use common::{Fixture, text};
use serde_json::{Value, json};

const CHARM: &str = r#"#!/bin/sh
case "$JUJU_DISPATCH_PATH" in
  hooks/install) status-set maintenance installing; open-port 8080 ;;
  hooks/config-changed) status-set active "port $(config-get port)" ;;
  hooks/db-relation-changed) relation-set database=votes; juju-log -l INFO -- "db at $(relation-get host)" ;;
  actions/echo) action-set said="$(action-get text)" ;;
esac
"#;

fn json_of(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_session_from_init_to_unrelate() {
    let f = Fixture::with_dispatch(Some(CHARM), true);
    let run = |args: &[&str]| {
        let out = f.cli(args);
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    };
    assert!(run(&["run-hook", "install"]).contains("hooks/install: exit 0, committed"));
    run(&["config", "port=9000"]);
    run(&[
        "relate",
        "db",
        "postgresql",
        "--unit",
        "postgresql/0",
        "--data",
        "host=db.local",
    ]);
    run(&[
        "set-relation-data",
        "db:0",
        "--unit",
        "postgresql/0",
        "host=db2.local",
    ]);
    let out = run(&["run-action", "echo", "text=hello"]);
    assert!(out.contains("Completed"), "{out}");

    let status = json_of(&f.cli(&["status", "--format", "json"]));
    assert_eq!(status["unit-status"]["status"], "active");
    assert_eq!(status["unit-status"]["message"], "port 9000");
    assert_eq!(status["opened-ports"], json!(["8080/tcp"]));
    assert_eq!(status["relations"][0]["id"], "db:0");
    assert_eq!(
        status["relations"][0]["local-unit-data"]["database"],
        "votes"
    );
    assert_eq!(status["leader"], true);
    let text_status = run(&["status"]);
    assert!(
        text_status.contains("web/0 (leader): active \"port 9000\""),
        "{text_status}"
    );
    assert!(text_status.contains("8080/tcp"), "{text_status}");

    let logs = json_of(&f.cli(&["logs", "--format", "json"]));
    let messages: Vec<&str> = logs
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["message"].as_str())
        .collect();
    assert!(messages.contains(&"db:0: db at db2.local"), "{messages:?}");

    let calls = json_of(&f.cli(&["calls", "--format", "json"]));
    assert!(
        calls
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["tool"] == "action-set")
    );

    run(&["unrelate", "db:0"]);
    assert_eq!(
        json_of(&f.cli(&["status", "--format", "json"]))["relations"],
        json!([])
    );

    let out = run(&["leader", "false"]);
    assert!(out.contains("hooks/leader-settings-changed"), "{out}");
    assert!(run(&["leader", "false"]).contains("unchanged"));
}

#[test]
fn a_failing_hook_makes_the_command_fail() {
    let f = Fixture::with_dispatch(Some("#!/bin/sh\necho oops >&2\nexit 2\n"), false);
    let out = f.cli(&["hook", "install"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("exit 2, changes dropped, unit in error"),
        "{stdout}"
    );
    assert!(stdout.contains("stderr| oops"), "{stdout}");
}

#[test]
fn add_unit_joins_one_more_remote_unit_with_its_own_data() {
    let f = Fixture::with_dispatch(Some(CHARM), true);
    let run = |args: &[&str]| {
        let out = f.cli(args);
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    };
    run(&[
        "relate",
        "db",
        "postgresql",
        "--unit",
        "postgresql/0",
        "--data",
        "host=a.local",
    ]);
    let out = run(&["add-unit", "db:0", "postgresql/1", "--data", "host=b.local"]);
    assert!(
        out.contains("db-relation-joined") && out.contains("db-relation-changed"),
        "{out}"
    );
    let status = json_of(&f.cli(&["status", "--format", "json"]));
    let units = &status["relations"][0]["remote-units"];
    assert_eq!(units, &json!(["postgresql/0", "postgresql/1"]), "{status}");
    // The new unit's -changed hook read its own data.
    let logs = json_of(&f.cli(&["logs", "--format", "json"]));
    let messages: Vec<&str> = logs
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["message"].as_str())
        .collect();
    assert_eq!(
        messages
            .iter()
            .filter(|m| m.starts_with("db:0: db at "))
            .collect::<Vec<_>>(),
        [&"db:0: db at a.local", &"db:0: db at b.local"]
    );
    // A unit of another application, or one already there, is refused.
    assert!(!f.cli(&["add-unit", "db:0", "redis/0"]).status.success());
    assert!(
        !f.cli(&["add-unit", "db:0", "postgresql/1"])
            .status
            .success()
    );
}
