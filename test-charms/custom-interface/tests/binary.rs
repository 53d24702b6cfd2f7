//! The compiled charm run as Juju runs it: `dispatch` with charm-emulator's hook-tool
//! executables (`relation-get`, `relation-list`, `status-set`, `juju-log` as processes),
//! its `db` endpoint served by iface-mysql's `Mysql`.

use charm_emulator::{Bag, DataOwner, RemoteUnitSpec};

const CHARM: &str = env!("CARGO_BIN_EXE_custom-interface");

fn server(port: &str) -> RemoteUnitSpec {
    let data: Bag = [
        ("host", "10.0.0.4"),
        ("port", port),
        ("user", "relation-3"),
        ("password", "s3cret"),
        ("database", "database-3"),
        ("root_password", "r00t"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    RemoteUnitSpec {
        name: "mysql/0".into(),
        data,
    }
}

fn ok(outcomes: &[charm_emulator::HookOutcome]) {
    for o in outcomes {
        assert!(o.success(), "{}: {}", o.hook.name, o.stderr_text());
    }
}

#[test]
fn a_mysql_server_s_data_configures_the_charm_through_the_real_tools() {
    let unit = charm_testing::EmulatedUnit::new(env!("CARGO_MANIFEST_DIR"), "wiki/0", CHARM);
    ok(&unit.runner.deploy().unwrap());
    assert_eq!(unit.model().unit_status.status, "blocked");
    let (_, outs) = unit
        .runner
        .relate("db", "mysql", &[server("3306")], &Bag::new())
        .unwrap();
    ok(&outs);
    let status = unit.model().unit_status;
    assert_eq!(
        (status.status.as_str(), status.message.as_str()),
        ("active", "wiki on relation-3@10.0.0.4:3306/database-3")
    );
    let tools: Vec<&str> = outs
        .iter()
        .flat_map(|o| o.calls.iter().map(|c| c.tool.as_str()))
        .collect();
    assert!(tools.contains(&"relation-get"), "{tools:?}");
}

#[test]
fn an_unusable_port_is_a_warning_naming_the_unit_and_key_and_not_available() {
    let unit = charm_testing::EmulatedUnit::new(env!("CARGO_MANIFEST_DIR"), "wiki/0", CHARM);
    ok(&unit.runner.deploy().unwrap());
    let (id, outs) = unit
        .runner
        .relate("db", "mysql", &[server("3306; DROP")], &Bag::new())
        .unwrap();
    ok(&outs);
    let model = unit.model();
    assert_eq!(model.unit_status.status, "blocked");
    let warnings: Vec<&str> = model
        .logs
        .iter()
        .filter(|l| l.level == "WARNING")
        .map(|l| l.message.as_str())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("mysql/0") && w.contains("`port`")),
        "{warnings:?}"
    );
    assert!(warnings.iter().all(|w| !w.contains("s3cret")));
    // Fixed by the server: available, configured.
    let out = unit
        .runner
        .set_relation_data(
            id,
            &DataOwner::Unit("mysql/0".into()),
            &[("port".to_owned(), "3306".to_owned())],
        )
        .unwrap();
    ok(&[out]);
    assert_eq!(unit.model().unit_status.status, "active");
}
