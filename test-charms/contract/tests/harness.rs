//! The charm in-process, through the harness: secrets, storage, resources, goal-state, the
//! Juju version and credentials set up before a hook and inspected after it.

use charm_testing::Harness;

#[path = "../src/main.rs"]
#[allow(dead_code)]
mod charm;

use charm::vault_user;

fn harness() -> Harness {
    Harness::new(
        &vault_user::CHARM,
        env!("CARGO_MANIFEST_DIR"),
        "vault-user/0",
    )
    .unwrap()
}

/// Every place a secret could leak to: the debug log, the status history, the trace and the
/// unit state file.
fn assert_nowhere(h: &Harness, trace: &charm_core::Trace, secret: &str) {
    let model = h.model();
    for log in &model.logs {
        assert!(!log.message.contains(secret), "in the log: {}", log.message);
    }
    for status in &model.unit_status_history {
        assert!(
            !status.message.contains(secret),
            "in a status: {}",
            status.message
        );
    }
    for call in &model.calls {
        assert!(
            !call.args.iter().any(|a| a.contains(secret)),
            "on a command line: {call:?}"
        );
    }
    let trace = format!("{trace:?}");
    assert!(!trace.contains(secret), "in the trace: {trace}");
    let state =
        std::fs::read_to_string(h.charm_dir().join(charm_core::STATE_FILE)).unwrap_or_default();
    assert!(!state.contains(secret), "in the state file");
}

// ANCHOR: harness_secrets
#[test]
fn the_leader_creates_shares_and_rotates_its_secret() {
    let mut h = harness();
    let out = h.run("install");
    out.result.as_ref().unwrap();
    let secrets = h.secrets();
    let (id, secret) = secrets.iter().next().expect("a secret was created");
    assert_eq!(secret.label.as_deref(), Some("db-password"));
    assert_eq!(secret.rotate.as_deref(), Some("monthly"));
    let uri = format!("secret:{id}");
    assert_eq!(
        h.secret_content(&uri).unwrap()["password"],
        "generated-s3cret"
    );
    assert!(
        h.logs("INFO")
            .iter()
            .any(|l| l.contains("password: <redacted>")),
        "{:?}",
        h.logs("INFO")
    );
    assert_nowhere(&h, &out.trace, "generated-s3cret");

    let (rel, outs) = h.relate("kv", "vault", &[("vault/0", &[])]).unwrap();
    for out in &outs {
        out.result.as_ref().unwrap();
    }
    assert_eq!(h.published(rel)["secret-id"], uri);
    let grants = &h.secrets()[id].grants;
    assert_eq!(
        grants.iter().map(|g| g.target.as_str()).collect::<Vec<_>>(),
        ["vault"]
    );

    let out = h.run_secret_hook("secret-rotate", &uri, None);
    out.result.as_ref().unwrap();
    assert_eq!(
        h.secret_content(&uri).unwrap()["password"],
        "rotated-s3cret"
    );
    assert_eq!(h.secrets()[id].latest(), 2);
}
// ANCHOR_END: harness_secrets

#[test]
fn a_non_leader_creates_no_secret() {
    let mut h = harness();
    h.set_leader(false);
    h.run("install").result.unwrap();
    assert!(h.secrets().is_empty());
}

#[test]
fn a_secret_config_option_is_read_through_its_grant() {
    let mut h = harness();
    let uri = h
        .add_remote_secret("admin", &[("password", "hunter2-admin")], true)
        .unwrap();
    h.set_config("admin-password", &uri).unwrap();
    let out = h.run("config-changed");
    out.result.as_ref().unwrap();
    let file = h.charm_dir().join("admin-password");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hunter2-admin");
    assert_nowhere(&h, &out.trace, "hunter2-admin");
    // The owner publishes a new revision: secret-changed refreshes to it.
    let out = h.change_secret(&uri, &[("password", "hunter3-admin")]);
    out.result.as_ref().unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hunter3-admin");
    assert_nowhere(&h, &out.trace, "hunter3-admin");

    // Not granted: Juju says no, the hook fails naming the tool.
    let hidden = h
        .add_remote_secret("admin", &[("password", "x")], false)
        .unwrap();
    h.set_config("admin-password", &hidden).unwrap();
    let err = h.run("config-changed").result.unwrap_err().to_string();
    assert!(
        err.contains("secret-get") && err.contains("permission denied"),
        "{err}"
    );
    // Not a secret URI at all: the typed config says which option.
    h.set_config("admin-password", "hunter2").unwrap();
    let err = h.run("config-changed").result.unwrap_err().to_string();
    assert!(
        err.contains("admin-password") && err.contains("invalid secret URI"),
        "{err}"
    );
}

// ANCHOR: harness_storage
#[test]
fn storage_attaches_and_detaches_with_its_flag() {
    let mut h = harness();
    let (id, out) = h.attach_storage("data").unwrap();
    out.result.as_ref().unwrap();
    assert_eq!(id, "data/0");
    assert!(h.is_flag_set(vault_user::flags::STORAGE_DATA_ATTACHED));
    let location = h.storage()["data/0"].clone();
    assert_eq!(
        std::fs::read_to_string(location.join("marker")).unwrap(),
        "kept on storage"
    );
    let out = h.detach_storage("data/0");
    out.result.as_ref().unwrap();
    assert!(!h.is_flag_set(vault_user::flags::STORAGE_DATA_ATTACHED));
    assert!(h.storage().is_empty());
    assert!(
        h.logs("INFO")
            .iter()
            .any(|l| l.contains("data/0 at") && l.contains("detaching"))
    );
}
// ANCHOR_END: harness_storage

#[test]
fn the_resource_is_read_when_attached() {
    let mut h = harness();
    h.run("install").result.unwrap();
    assert!(
        h.logs("WARNING")
            .iter()
            .any(|l| l.contains("no payload") && l.contains("payload")),
        "{:?}",
        h.logs("WARNING")
    );
    let file = h.charm_dir().join("payload-source.txt");
    std::fs::write(&file, "the payload\n").unwrap();
    h.set_resource("payload", &file).unwrap();
    h.run("install").result.unwrap();
    let snapshot = h.snapshot().unwrap();
    assert_eq!(snapshot.kv["charm.payload"], "the payload");
    assert!(h.set_resource("nope", &file).is_err());
}

#[test]
fn goal_state_version_and_credentials_reach_the_status() {
    let mut h = harness();
    h.run("update-status").result.unwrap();
    assert_eq!(
        h.unit_status().message,
        "1 unit(s) expected, Juju 3.6.0 with secrets, cloud untrusted"
    );
    assert_eq!(h.workload_version(), "1.2.3");
    h.set_trusted(true);
    h.set_juju_version("2.9.44");
    h.set_goal_state(serde_json::json!({
        "units": {
            "vault-user/0": {"status": "active", "since": "2026-12-01 10:00:00Z"},
            "vault-user/1": {"status": "waiting", "since": "2026-12-01 10:00:00Z"},
            "vault-user/2": {"status": "dying", "since": "2026-12-01 10:00:00Z"}
        },
        "relations": {}
    }));
    h.run("update-status").result.unwrap();
    assert_eq!(
        h.unit_status().message,
        "2 unit(s) expected, Juju 2.9.44 no secrets, cloud lxd"
    );
}
