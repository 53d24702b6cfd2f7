//! The compiled feature charm run as Juju runs it: `dispatch` with
//! `JUJU_DISPATCH_PATH=actions/<name>`, its hook tools the emulator's executables
//! (`action-get`, `action-set`, `action-log`, `action-fail` as processes).

use charm_emulator::{ActionStatus, Hook, JsonMap};
use serde_json::json;

const CHARM: &str = env!("CARGO_BIN_EXE_features-charm");

fn unit() -> charm_testing::EmulatedUnit {
    charm_testing::EmulatedUnit::new(env!("CARGO_MANIFEST_DIR"), "features/0", CHARM)
}

fn params(value: serde_json::Value) -> JsonMap {
    value.as_object().unwrap().clone()
}

#[test]
fn an_action_runs_through_the_real_tools_and_records_its_results() {
    let unit = unit();
    let out = unit
        .runner
        .run(Hook::action("dump", params(json!({"depth": 3}))))
        .unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    let action = out.action.expect("an action run");
    assert_eq!(action.status, ActionStatus::Completed);
    assert_eq!(
        serde_json::Value::Object(action.results),
        json!({"dump": {"format": "json", "depth": "3"}})
    );
    assert_eq!(action.logs, ["dumping at depth 3"]);
    let tools: Vec<&str> = out.calls.iter().map(|c| c.tool.as_str()).collect();
    assert!(
        tools.contains(&"action-get") && tools.contains(&"action-set"),
        "{tools:?}"
    );
}

#[test]
fn invalid_parameters_never_reach_the_charm() {
    let unit = unit();
    let err = unit
        .runner
        .run(Hook::action("dump", params(json!({"depth": "deep"}))))
        .unwrap_err();
    assert!(err.to_string().contains("expected integer"), "{err}");
}

#[test]
fn failures_are_action_fail_with_the_message_and_the_unit_stays_well() {
    let unit = unit();
    let failed = unit
        .runner
        .run(Hook::action(
            "fail-me",
            params(json!({"reason": "no disk"})),
        ))
        .unwrap();
    assert!(failed.success(), "action-fail is not a hook error");
    let action = failed.action.unwrap();
    assert_eq!(
        (action.status, action.message.as_deref()),
        (ActionStatus::Failed, Some("no disk"))
    );

    let exploded = unit
        .runner
        .run(Hook::action("explode", JsonMap::new()))
        .unwrap();
    assert!(!exploded.success());
    let action = exploded.action.unwrap();
    assert_eq!(
        (action.status, action.message.as_deref()),
        (ActionStatus::Failed, Some("boom: the disk is full"))
    );
    assert_ne!(unit.model().unit_status.status, "error");
}
