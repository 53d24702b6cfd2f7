//! The compiled charm through the emulator's real hook-tool processes: storage attached
//! before install, a resource given as a file, the application's secret created, shared and
//! rotated, a secret config option read, goal-state, the Juju version and credentials in the
//! status; and no secret value in the log, the statuses, the tool command lines, the trace
//! (`CHARM_TRACE=1`, on stderr) or the unit state file.

use charm_emulator::{Hook, RemoteUnitSpec};

const CHARM: &str = env!("CARGO_BIN_EXE_contract-charm");

fn unit() -> charm_testing::EmulatedUnit {
    charm_testing::EmulatedUnit::new(env!("CARGO_MANIFEST_DIR"), "vault-user/0", CHARM)
}

fn assert_nowhere(
    unit: &charm_testing::EmulatedUnit,
    outputs: &[charm_emulator::HookOutcome],
    secret: &str,
) {
    let model = unit.model();
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
    for out in outputs {
        assert!(
            !out.stderr_text().contains(secret),
            "in the trace: {}",
            out.stderr_text()
        );
        assert!(!out.stdout_text().contains(secret));
    }
    let state = String::from_utf8_lossy(&unit.state_file()).into_owned();
    assert!(!state.contains(secret), "in the state file");
}

#[test]
fn the_contract_through_the_real_tools() {
    let unit = unit();
    // The trace on stderr, which Juju logs: it must hold no secret either.
    let runner = charm_emulator::Runner::new(unit.runner.model_dir().clone())
        .with_charm_binary(CHARM)
        .with_env("CHARM_TRACE", "1");
    let payload = unit.tmp.path().join("payload-source.txt");
    std::fs::write(&payload, "from the operator\n").unwrap();
    let admin = unit
        .runner
        .model_dir()
        .transact(|emu| {
            let model = emu.model_mut();
            model
                .contract
                .resources
                .insert("payload".into(), payload.clone());
            model.attach_storage("data", None)?;
            let content = [("password".to_owned(), "operator-s3cret".to_owned())].into();
            let uri = model.add_remote_secret("admin", &content, true)?;
            model.set_config("admin-password", &uri)?;
            Ok(uri)
        })
        .unwrap();

    // Storage the unit is deployed with attaches before install.
    let outs = runner.deploy().unwrap();
    let hooks: Vec<&str> = outs.iter().map(|o| o.hook.name.as_str()).collect();
    assert_eq!(
        hooks,
        [
            "data-storage-attached",
            "install",
            "leader-elected",
            "config-changed",
            "start"
        ]
    );
    for out in &outs {
        assert!(out.success(), "{}: {}", out.hook.name, out.stderr_text());
    }
    assert!(
        outs[0].stderr_text().contains("use_storage"),
        "the trace is on: {}",
        outs[0].stderr_text()
    );
    let model = unit.model();
    let location = &model.contract.storage["data/0"].location;
    assert_eq!(
        std::fs::read_to_string(location.join("marker")).unwrap(),
        "kept on storage"
    );
    assert_eq!(
        std::fs::read_to_string(unit.charm_dir.join("admin-password")).unwrap(),
        "operator-s3cret"
    );
    let (id, secret) = model
        .contract
        .secrets
        .iter()
        .find(|(_, s)| s.label.as_deref() == Some("db-password"))
        .expect("created");
    assert_eq!(secret.content(1).unwrap()["password"], "generated-s3cret");
    let uri = format!("secret:{id}");
    let mut all = outs;

    let (rel, outs) = runner
        .relate(
            "kv",
            "vault",
            &[RemoteUnitSpec {
                name: "vault/0".into(),
                data: Default::default(),
            }],
            &Default::default(),
        )
        .unwrap();
    assert!(outs.iter().all(|o| o.success()));
    let model = unit.model();
    assert_eq!(model.relations[&rel].local_unit_data["secret-id"], uri);
    assert_eq!(model.contract.secrets[id].grants.len(), 1);
    all.extend(outs);

    let out = runner.secret_hook("secret-rotate", &uri, None).unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    assert_eq!(
        unit.model().contract.secrets[id].content(2).unwrap()["password"],
        "rotated-s3cret"
    );
    all.push(out);

    let new = [("password".to_owned(), "operator-n3w".to_owned())].into();
    let out = runner.change_secret(&admin, &new).unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    assert_eq!(
        std::fs::read_to_string(unit.charm_dir.join("admin-password")).unwrap(),
        "operator-n3w"
    );
    all.push(out);

    let out = runner.run(Hook::new("update-status")).unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    let model = unit.model();
    assert_eq!(
        model.unit_status.message,
        "1 unit(s) expected, Juju 3.6.0 with secrets, cloud untrusted"
    );
    assert_eq!(model.application_version, "1.2.3");
    all.push(out);

    let out = runner.detach_storage("data/0").unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    assert!(unit.model().contract.storage.is_empty());
    all.push(out);

    for secret in [
        "generated-s3cret",
        "rotated-s3cret",
        "operator-s3cret",
        "operator-n3w",
    ] {
        assert_nowhere(&unit, &all, secret);
    }
}
