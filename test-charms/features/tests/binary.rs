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

#[test]
fn the_leader_sets_its_settings_with_the_real_leader_set_and_a_follower_is_refused() {
    let unit = unit();
    for out in unit.runner.deploy().unwrap() {
        assert!(out.success(), "{}: {}", out.hook.name, out.stderr_text());
    }
    let model = unit.model();
    assert_eq!(model.leader_settings["cluster-token"], "token-1");
    let state = String::from_utf8(unit.state_file()).unwrap();
    assert!(
        state.contains("\"leadership.set.cluster-token\""),
        "{state}"
    );

    // Leadership lost: the follower cannot rotate the token.
    unit.runner.set_leader(false).unwrap();
    let out = unit
        .runner
        .run(Hook::action("rotate-token", JsonMap::new()))
        .unwrap();
    let action = out.action.unwrap();
    assert_eq!(action.status, ActionStatus::Failed);
    assert!(
        action
            .message
            .unwrap_or_default()
            .contains("not the leader"),
        "refused"
    );
    assert_eq!(unit.model().leader_settings["cluster-token"], "token-1");
}

#[test]
fn peers_exchange_unit_data_and_the_leader_writes_the_application_bag() {
    let unit = unit();
    unit.runner.run(Hook::new("install")).unwrap();
    let peer = charm_emulator::RemoteUnitSpec {
        name: "features/1".into(),
        data: [("address".to_owned(), "addr-1".to_owned())].into(),
    };
    let (id, outs) = unit
        .runner
        .relate("cluster", "features", &[peer], &Default::default())
        .unwrap();
    for out in &outs {
        assert!(out.success(), "{}: {}", out.hook.name, out.stderr_text());
    }
    let model = unit.model();
    let rel = &model.relations[&id];
    assert_eq!(rel.local_unit_data["address"], "addr-of-features/0");
    assert_eq!(rel.local_app_data["members"], "2");
}
