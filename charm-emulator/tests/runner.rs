//! The runner starts charms as Juju does: working directory, environment, dispatch or
//! hooks/<name>, relation hooks seeing the relation in its right state.

mod common;

use std::collections::BTreeMap;

use charm_emulator::{ActionStatus, DataOwner, Hook, HookOutcome, JsonMap, RemoteUnitSpec};
use common::{Fixture, text, write_executable};

/// Dumps its environment and working directory, and what relation tools say.
const DUMP: &str = r#"#!/bin/sh
echo "PWD=$(pwd)"
env | grep -E '^(JUJU_|CHARM_DIR=|PATH=)'
if [ -n "$JUJU_RELATION_ID" ]; then
  echo "LIST=$(relation-list --format=json)"
  echo "IDS=$(relation-ids --format=json)"
fi
"#;

fn env_of(outcome: &HookOutcome) -> BTreeMap<String, String> {
    assert!(outcome.success(), "{}", outcome.stderr_text());
    outcome
        .stdout_text()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn hook_environment_follows_the_contract() {
    let f = Fixture::with_dispatch(Some(DUMP), false);
    let charm = std::fs::canonicalize(&f.charm).unwrap();
    let charm = charm.to_str().unwrap();
    let env = env_of(&f.runner().run(Hook::new("install")).unwrap());
    assert_eq!(env["PWD"], charm);
    assert_eq!(env["CHARM_DIR"], charm);
    assert_eq!(env["JUJU_CHARM_DIR"], charm);
    assert_eq!(env["JUJU_HOOK_NAME"], "install");
    assert_eq!(env["JUJU_DISPATCH_PATH"], "hooks/install");
    assert_eq!(env["JUJU_UNIT_NAME"], "web/0");
    assert_eq!(env["JUJU_MODEL_NAME"], "emulated");
    assert_eq!(env["JUJU_MODEL_UUID"].len(), 36);
    assert_eq!(env["JUJU_MACHINE_ID"], "0");
    assert!(env.contains_key("JUJU_AVAILABILITY_ZONE"));
    assert!(env["JUJU_VERSION"].starts_with("3."));
    assert!(env.contains_key("JUJU_PRINCIPAL_UNIT"));
    for proxy in [
        "JUJU_CHARM_HTTP_PROXY",
        "JUJU_CHARM_HTTPS_PROXY",
        "JUJU_CHARM_NO_PROXY",
    ] {
        assert!(env.contains_key(proxy), "{proxy}");
    }
    assert!(env["JUJU_CONTEXT_ID"].starts_with("web/0-install-"));
    let first_path = env["PATH"].split(':').next().unwrap();
    assert_eq!(
        first_path,
        std::path::absolute(f.model.join("bin"))
            .unwrap()
            .to_str()
            .unwrap()
    );
    for absent in [
        "JUJU_RELATION",
        "JUJU_REMOTE_UNIT",
        "JUJU_ACTION_NAME",
        "JUJU_DEPARTING_UNIT",
    ] {
        assert!(
            !env.contains_key(absent),
            "{absent} outside a relation hook/action"
        );
    }
    // Context ids are unique per hook.
    let again = env_of(&f.runner().run(Hook::new("install")).unwrap());
    assert_ne!(again["JUJU_CONTEXT_ID"], env["JUJU_CONTEXT_ID"]);
}

#[test]
fn relation_hooks_see_the_relation_in_its_state() {
    let f = Fixture::with_dispatch(Some(DUMP), false);
    let runner = f.runner();
    let units = ["postgresql/0", "postgresql/1"].map(|n| RemoteUnitSpec {
        name: n.into(),
        data: Default::default(),
    });
    let (id, outcomes) = runner
        .relate("db", "postgresql", &units, &Default::default())
        .unwrap();
    let hooks: Vec<(String, Option<String>)> = outcomes
        .iter()
        .map(|o| (o.hook.name.clone(), o.hook.remote_unit.clone()))
        .collect();
    let pg = |n: &str| Some(format!("postgresql/{n}"));
    assert_eq!(
        hooks,
        [
            ("db-relation-created".to_owned(), None),
            ("db-relation-joined".to_owned(), pg("0")),
            ("db-relation-changed".to_owned(), pg("0")),
            ("db-relation-joined".to_owned(), pg("1")),
            ("db-relation-changed".to_owned(), pg("1")),
        ]
    );
    let created = env_of(&outcomes[0]);
    assert_eq!(created["JUJU_RELATION"], "db");
    assert_eq!(created["JUJU_RELATION_ID"], format!("db:{id}"));
    assert_eq!(created["JUJU_REMOTE_APP"], "postgresql");
    assert_eq!(created["JUJU_REMOTE_UNIT"], "");
    assert_eq!(created["LIST"], "[]");
    let joined = env_of(&outcomes[3]);
    assert_eq!(joined["JUJU_REMOTE_UNIT"], "postgresql/1");
    assert_eq!(joined["LIST"], r#"["postgresql/0","postgresql/1"]"#);

    let changed = runner
        .set_relation_data(
            id,
            &DataOwner::Unit("postgresql/0".into()),
            &[("host".into(), "h".into())],
        )
        .unwrap();
    assert_eq!(env_of(&changed)["JUJU_REMOTE_UNIT"], "postgresql/0");
    assert_eq!(
        f.load().relations[&id].remote_units["postgresql/0"].data["host"],
        "h"
    );

    let gone = runner.unrelate(id).unwrap();
    let names: Vec<&str> = gone.iter().map(|o| o.hook.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "db-relation-departed",
            "db-relation-departed",
            "db-relation-broken"
        ]
    );
    let departed = env_of(&gone[0]);
    assert_eq!(departed["JUJU_DEPARTING_UNIT"], "postgresql/0");
    assert_eq!(departed["JUJU_REMOTE_UNIT"], "postgresql/0");
    assert_eq!(
        departed["LIST"], r#"["postgresql/1"]"#,
        "the departing unit is no longer listed"
    );
    assert_eq!(env_of(&gone[1])["LIST"], "[]");
    let broken = env_of(&gone[2]);
    assert_eq!(broken["JUJU_RELATION_ID"], format!("db:{id}"));
    assert_eq!(broken["LIST"], "[]");
    assert_eq!(
        broken["IDS"],
        format!(r#"["db:{id}"]"#),
        "still listed in its own -broken hook"
    );
    assert!(!broken.contains_key("JUJU_DEPARTING_UNIT"));
    assert!(f.load().relations.is_empty());
}

#[test]
fn action_environment_and_results() {
    let script = r#"#!/bin/sh
env | grep -E '^JUJU_(ACTION|HOOK_NAME|DISPATCH)'
action-set out="$(action-get who)"
"#;
    let f = Fixture::with_dispatch(Some(script), false);
    let mut params = JsonMap::new();
    params.insert("who".into(), serde_json::json!("world"));
    let outcome = f.runner().run(Hook::action("greet", params)).unwrap();
    let env = env_of(&outcome);
    assert_eq!(env["JUJU_ACTION_NAME"], "greet");
    assert_eq!(env["JUJU_ACTION_UUID"], "1");
    assert_eq!(env["JUJU_HOOK_NAME"], "");
    assert_eq!(env["JUJU_DISPATCH_PATH"], "actions/greet");
    let action = outcome.action.unwrap();
    assert_eq!(action.status, ActionStatus::Completed);
    assert_eq!(action.results["out"], "world");
}

#[test]
fn without_dispatch_hooks_dir_is_used_and_missing_hooks_are_no_ops() {
    let f = Fixture::new(false);
    write_executable(
        &f.charm.join("hooks/install"),
        "#!/bin/sh\nstatus-set active installed\n",
    );
    let install = f.runner().run(Hook::new("install")).unwrap();
    assert!(
        install.ran && install.success(),
        "{}",
        install.stderr_text()
    );
    assert_eq!(f.load().unit_status.message, "installed");

    let start = f.runner().run(Hook::new("start")).unwrap();
    assert!(!start.ran);
    assert!(start.success() && start.committed);

    let action = f
        .runner()
        .run(Hook::action("backup", JsonMap::new()))
        .unwrap();
    assert!(!action.ran);
    let run = action.action.unwrap();
    assert_eq!(run.status, ActionStatus::Failed);
    assert_eq!(
        run.message.as_deref(),
        Some(r#"action not implemented on unit "web/0""#)
    );
    assert_ne!(
        f.load().unit_status.status,
        "error",
        "a failed action does not fail the unit"
    );
}

#[test]
fn charm_binary_override_and_failing_action() {
    let f = Fixture::new(false);
    let bin = f.tmp.path().join("my-charm");
    write_executable(
        &bin,
        "#!/bin/sh\necho \"dispatching $JUJU_DISPATCH_PATH\"\nexit 4\n",
    );
    let outcome = f
        .runner()
        .with_charm_binary(&bin)
        .run(Hook::action("noop", JsonMap::new()))
        .unwrap();
    assert!(outcome.stdout_text().contains("dispatching actions/noop"));
    assert_eq!(outcome.exit_code, 4);
    assert_eq!(
        outcome.action.unwrap().message.as_deref(),
        Some("exit status 4")
    );
}

#[test]
fn deploy_runs_the_startup_sequence() {
    let f = Fixture::with_dispatch(Some("#!/bin/sh\njuju-log \"$JUJU_HOOK_NAME\"\n"), true);
    let out = f.cli(&["deploy"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    let hooks: Vec<String> = f
        .load()
        .hooks
        .into_iter()
        .map(|h| h.dispatch_path)
        .collect();
    assert_eq!(
        hooks,
        [
            "hooks/install",
            "hooks/leader-elected",
            "hooks/config-changed",
            "hooks/start"
        ]
    );
}
