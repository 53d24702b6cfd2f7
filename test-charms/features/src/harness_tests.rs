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
