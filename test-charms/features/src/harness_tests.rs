//! The charm's features through the in-process harness.

use charm_testing::{ActionStatus, Harness};
use serde_json::json;

use crate::features::{self, flags};

fn harness() -> Harness {
    Harness::new(&features::CHARM, env!("CARGO_MANIFEST_DIR"), "features/0").unwrap()
}

#[test]
fn an_action_gets_typed_defaulted_parameters_and_sets_nested_results() {
    let mut h = harness();
    let out = h.run_action("dump", json!({"depth": 2, "note": "hi"}));
    assert!(out.completed(), "{out:?}");
    assert_eq!(
        serde_json::Value::Object(out.results.clone()),
        json!({"dump": {"format": "json", "depth": "2"}, "note": "hi"})
    );
    assert_eq!(out.logs, ["dumping at depth 2"]);
    // Its writes are committed like a hook's.
    assert!(h.is_flag_set(flags::FEATURES_DUMPED));
}

#[test]
fn only_the_actions_handler_runs_during_an_action() {
    let mut h = harness();
    // `install` waits for `features.installed` to be unset, which it is: in a hook it runs.
    let out = h.run_action("dump", json!({"depth": 1}));
    assert!(out.completed(), "{out:?}");
    let ran: Vec<String> = out
        .output
        .trace
        .entries
        .iter()
        .map(|e| e.handler.to_string())
        .collect();
    assert_eq!(ran, ["features_charm::features::dump"], "{ran:?}");
    assert!(!h.is_flag_set(flags::FEATURES_INSTALLED));
    // The next hook runs the flag handlers.
    h.run("update-status").result.unwrap();
    assert!(h.is_flag_set(flags::FEATURES_INSTALLED));
}

#[test]
fn parameters_are_validated_against_actions_yaml_before_the_charm_runs() {
    let mut h = harness();
    for (params, why) in [
        (json!({}), "depth is required"),
        (json!({"depth": "deep"}), "expected integer"),
        (json!({"depth": 1, "format": "xml"}), "must be one of"),
        (json!({"depth": 1, "colour": "red"}), "additional property"),
    ] {
        let out = h.run_action("dump", params.clone());
        assert_eq!(out.status, None, "{params}: {out:?}");
        let message = out.message.unwrap_or_default();
        assert!(message.contains(why), "{params}: {message}");
        assert!(out.output.trace.entries.is_empty(), "the charm did not run");
    }
    let undeclared = h.run_action("restart", json!({}));
    assert!(
        undeclared
            .message
            .unwrap_or_default()
            .contains("not defined"),
        "an undeclared action is refused"
    );
}

#[test]
fn action_fail_fails_the_action_and_keeps_the_hooks_writes() {
    let mut h = harness();
    let out = h.run_action("fail-me", json!({"reason": "not today"}));
    assert_eq!(out.status, Some(ActionStatus::Failed));
    assert_eq!(out.message.as_deref(), Some("not today"));
    out.output.result.unwrap();
    let snapshot = h.snapshot().unwrap();
    assert_eq!(snapshot.kv["charm.last-failure"], json!("not today"));
    // The unit is not in error: an action never puts it there.
    assert_ne!(h.unit_status().status, "error");
}

#[test]
fn an_error_fails_the_action_with_its_message_and_rolls_back() {
    let mut h = harness();
    let out = h.run_action("explode", json!({}));
    assert_eq!(out.status, Some(ActionStatus::Failed));
    assert_eq!(out.message.as_deref(), Some("boom: the disk is full"));
    assert!(out.output.result.is_err());
    assert!(!h.is_flag_set(flags::FEATURES_EXPLODED), "rolled back");
    assert_ne!(h.unit_status().status, "error");
}

#[test]
fn the_leader_writes_its_settings_at_hook_end_and_reacts_in_the_same_hook() {
    let mut h = harness();
    let out = h.run("install");
    out.result.unwrap();
    assert_eq!(
        h.model()
            .leader_settings
            .get("cluster-token")
            .map(String::as_str),
        Some("token-1")
    );
    // `leadership.changed.cluster-token` was raised by the write: store_token ran.
    assert_eq!(h.snapshot().unwrap().kv["charm.token"], json!("token-1"));
    assert!(h.is_flag_set(flags::LEADERSHIP_IS_LEADER));
    assert!(h.is_flag_set(flags::LEADERSHIP_SET_CLUSTER_TOKEN));
    // The next hook sees no change: its own write is what it saw.
    h.run("update-status").result.unwrap();
    assert!(!h.is_flag_set(flags::LEADERSHIP_CHANGED_CLUSTER_TOKEN));
    let leader_sets = |o: &charm_testing::Output| {
        o.tools_called()
            .iter()
            .filter(|t| **t == "leader-set")
            .count()
    };
    let again = h.run("update-status");
    assert_eq!(leader_sets(&again), 0, "nothing to write");
}

#[test]
fn a_follower_gets_the_changed_flag_for_one_hook() {
    let mut h = harness();
    h.set_leader(false);
    h.with_model(|m| {
        m.leader_settings
            .insert("cluster-token".into(), "from-leader".into())
    });
    h.run("leader-settings-changed").result.unwrap();
    assert!(!h.is_flag_set(flags::LEADERSHIP_IS_LEADER));
    assert!(h.is_flag_set(flags::LEADERSHIP_CHANGED_CLUSTER_TOKEN));
    assert_eq!(
        h.snapshot().unwrap().kv["charm.token"],
        json!("from-leader")
    );
    h.run("update-status").result.unwrap();
    assert!(!h.is_flag_set(flags::LEADERSHIP_CHANGED_CLUSTER_TOKEN));
    assert!(h.is_flag_set(flags::LEADERSHIP_SET_CLUSTER_TOKEN));
}

#[test]
fn a_follower_cannot_write_leader_settings_and_a_failed_hook_writes_none() {
    let mut h = harness();
    h.run("install").result.unwrap();
    // The leader's failing action: its leader-set is never sent.
    let out = h.run_action("explode", json!({}));
    assert_eq!(out.status, Some(ActionStatus::Failed));
    assert!(!out.output.tools_called().contains(&"leader-set"));
    assert_eq!(h.model().leader_settings["cluster-token"], "token-1");

    h.set_leader(false);
    let out = h.run_action("rotate-token", json!({}));
    assert_eq!(out.status, Some(ActionStatus::Failed));
    let message = out.message.unwrap_or_default();
    assert!(
        message.contains("cluster-token") && message.contains("not the leader"),
        "{message}"
    );
    assert_eq!(h.model().leader_settings["cluster-token"], "token-1");
}

#[test]
fn peers_read_each_units_data_and_the_leader_publishes_the_application_bag() {
    let mut h = harness();
    h.run("install").result.unwrap();
    let (id, outs) = h
        .relate(
            "cluster",
            "features",
            &[("features/1", &[("address", "addr-1")])],
        )
        .unwrap();
    for out in &outs {
        assert!(out.result.is_ok(), "{}: {:?}", out.hook, out.result);
    }
    assert_eq!(h.published(id)["address"], "addr-of-features/0");
    let rel = h.model().relations[&id].clone();
    assert_eq!(
        rel.local_app_data.get("members").map(String::as_str),
        Some("2")
    );
    let kv = h.snapshot().unwrap().kv;
    assert_eq!(kv["charm.peer-addresses"], json!(["addr-1"]));
    // A follower reads the application bag the leader wrote (a peer relation's
    // application bag is this application's own), and cannot write it.
    h.set_leader(false);
    let out = h.change_unit_data(id, "features/1", &[("address", "addr-1b")]);
    out.result.unwrap();
    let kv = h.snapshot().unwrap().kv;
    assert_eq!(kv["charm.peer-addresses"], json!(["addr-1b"]));
    assert_eq!(kv["charm.members"], json!("2"));
    let out = h.run_action("set-members", json!({"count": 9}));
    let message = out.message.unwrap_or_default();
    assert!(
        message.contains("only the leader writes") && message.contains("cluster"),
        "{message}"
    );
    assert_eq!(h.model().relations[&id].local_app_data["members"], "2");
}

#[test]
fn an_action_leaves_a_config_change_to_the_next_hook() {
    let mut h = harness();
    h.run("install").result.unwrap();
    h.set_config("greeting", "bonjour").unwrap();
    // The operator runs an action before Juju runs config-changed.
    assert!(h.run_action("dump", json!({"depth": 1})).completed());
    h.run("config-changed").result.unwrap();
    assert_eq!(
        h.snapshot().unwrap().kv["charm.greeting"],
        json!("bonjour"),
        "the config handler saw the change"
    );
}
