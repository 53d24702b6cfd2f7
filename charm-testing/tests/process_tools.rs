//! charm-core's typed hook tools against the emulator's real tool processes: every tool is
//! started as Juju starts it (an executable on PATH) and its output parsed.

mod common;

use std::collections::BTreeMap;

use charm_core::juju::{LogLevel, Port, Status, StatusKind};
use charm_emulator::{Hook, InitOptions, ModelDir};
use common::juju_in;

fn setup() -> (tempfile::TempDir, ModelDir) {
    let tmp = tempfile::tempdir().unwrap();
    let charm = tmp.path().join("charm");
    std::fs::create_dir_all(&charm).unwrap();
    std::fs::write(
        charm.join("metadata.yaml"),
        "name: web\nrequires:\n  cache:\n    interface: redis\n",
    )
    .unwrap();
    std::fs::write(
        charm.join("config.yaml"),
        "options:\n  port:\n    type: int\n    default: 8080\n",
    )
    .unwrap();
    // The emulator runs only declared actions, as Juju does.
    std::fs::write(
        charm.join("actions.yaml"),
        "backup:\n  params:\n    target: {type: string}\n    depth: {type: object}\n",
    )
    .unwrap();
    let dir = ModelDir::init(&InitOptions {
        model_dir: tmp.path().join("model"),
        charm_dir: charm,
        unit: "web/0".into(),
        leader: true,
        tool_executable: charm_testing::emulator_binary(),
    })
    .unwrap();
    (tmp, dir)
}

#[test]
fn every_typed_tool_runs_as_a_process_and_parses() {
    let (_tmp, dir) = setup();
    let rel = dir
        .transact(|emu| {
            let m = emu.model_mut();
            let id = m.add_relation("cache", "redis")?;
            m.relations.get_mut(&id).unwrap().remote_units.insert(
                "redis/0".into(),
                charm_emulator::RemoteUnit {
                    data: [
                        ("host".to_owned(), "10.0.0.7".to_owned()),
                        ("port".to_owned(), "6379".to_owned()),
                    ]
                    .into(),
                    departing: false,
                },
            );
            Ok(m.relation_id_string(id))
        })
        .unwrap();
    let ctx = dir
        .transact(|emu| emu.open_context(Hook::new("config-changed")))
        .unwrap();
    let mut juju = juju_in(&dir, &ctx);

    assert_eq!(juju.config_get_all().unwrap()["port"], 8080);
    assert_eq!(juju.config_get("port").unwrap(), 8080);
    assert!(juju.is_leader().unwrap());
    juju.status_set(
        &Status {
            kind: StatusKind::Maintenance,
            message: "working".into(),
        },
        false,
    )
    .unwrap();
    let status = juju.status_get(false).unwrap();
    assert_eq!(
        (status.status.as_str(), status.message.as_str()),
        ("maintenance", "working")
    );
    juju.status_set(
        &Status {
            kind: StatusKind::Active,
            message: "app ok".into(),
        },
        true,
    )
    .unwrap();
    assert_eq!(juju.status_get(true).unwrap().message, "app ok");
    juju.open_port(Port::Tcp(5000)).unwrap();
    juju.close_port(Port::Tcp(5000)).unwrap();
    assert_eq!(juju.opened_ports().unwrap(), Vec::<Port>::new());
    assert_eq!(
        juju.relation_ids("cache").unwrap(),
        std::slice::from_ref(&rel)
    );
    assert_eq!(juju.relation_list(&rel).unwrap(), ["redis/0"]);
    assert_eq!(juju.relation_app(&rel).unwrap().as_deref(), Some("redis"));
    let bag = juju.relation_get(&rel, "redis/0", false).unwrap();
    assert_eq!(bag.get("host").map(String::as_str), Some("10.0.0.7"));
    let mine: BTreeMap<String, String> = [
        ("hostile".to_owned(), "a: b\n- c \"d\"".to_owned()),
        ("n".to_owned(), "1".to_owned()),
    ]
    .into();
    juju.relation_set(&rel, &mine, false).unwrap();
    let read_back = juju.relation_get(&rel, "web/0", false).unwrap();
    assert_eq!(
        read_back.get("hostile"),
        mine.get("hostile"),
        "relation-set --file - round-trips any value"
    );
    assert_eq!(juju.unit_get("private-address").unwrap(), "127.0.0.1");
    let net = juju.network_get("cache", None).unwrap();
    assert!(!net.ingress_addresses.is_empty());
    juju.juju_log(LogLevel::Warning, "careful").unwrap();
    juju.leader_set(&[("k".to_owned(), "v".to_owned())].into())
        .unwrap();
    assert_eq!(
        juju.leader_get().unwrap().get("k").map(String::as_str),
        Some("v")
    );
    juju.application_version_set("1.2.3").unwrap();
    juju.state_set(&[("s".to_owned(), "t".to_owned())].into())
        .unwrap();
    assert_eq!(
        juju.state_get().unwrap().get("s").map(String::as_str),
        Some("t")
    );
    juju.state_delete("s").unwrap();
    assert!(!juju.state_get().unwrap().contains_key("s"));
    let err = juju.relation_list("nope:99").unwrap_err().to_string();
    assert!(
        err.starts_with("hook tool `relation-list -r nope:99 --format=json` failed (exit code"),
        "{err}"
    );
    assert_eq!(juju.calls(), 27, "one process per method call");

    dir.transact(|emu| emu.finish(&ctx.id, true).map(drop))
        .unwrap();
    let model = dir.load().unwrap();
    assert_eq!(model.application_version, "1.2.3");
    let recorded = model
        .calls
        .iter()
        .filter(|c| c.context == ctx.id.as_str())
        .count();
    assert_eq!(recorded, 27, "the emulator saw every call");
    assert!(
        model
            .logs
            .iter()
            .any(|l| l.level == "WARNING" && l.message == "careful")
    );
}

#[test]
fn action_tools_run_as_processes() {
    let (_tmp, dir) = setup();
    let params = serde_json::json!({"target": "/srv", "depth": {"max": 3}});
    let ctx = dir
        .transact(|emu| {
            emu.open_context(Hook::action("backup", params.as_object().unwrap().clone()))
        })
        .unwrap();
    let mut juju = juju_in(&dir, &ctx);
    assert_eq!(juju.action_get().unwrap(), params);
    juju.action_set(&[("result.size".to_owned(), "42".to_owned())].into())
        .unwrap();
    juju.action_log("halfway").unwrap();
    juju.action_fail("disk full").unwrap();
    dir.transact(|emu| emu.finish(&ctx.id, true).map(drop))
        .unwrap();
    let model = dir.load().unwrap();
    let run = model.action_history.last().unwrap();
    let text = serde_json::to_string(run).unwrap();
    assert!(
        text.contains("disk full") && text.contains("halfway") && text.contains("42"),
        "{text}"
    );
}

/// Free-text arguments follow `--` (a message starting with "-" is not a flag to gnuflag,
/// as ops/hookcmds does), and a NUL, which no process argument can carry, does not fail.
#[test]
fn free_text_starting_with_a_dash_or_holding_a_nul_reaches_juju() {
    let (_tmp, dir) = setup();
    let ctx = dir
        .transact(|emu| emu.open_context(Hook::new("install")))
        .unwrap();
    let mut juju = juju_in(&dir, &ctx);
    let status = Status {
        kind: StatusKind::Active,
        message: "-5C outside\0inside".into(),
    };
    juju.status_set(&status, false).unwrap();
    juju.application_version_set("-rc1").unwrap();
    juju.juju_log(LogLevel::Info, "-v\0x").unwrap();
    let model = dir.load().unwrap();
    assert_eq!(model.unit_status.message, "-5C outside\u{FFFD}inside");
    assert_eq!(model.application_version, "-rc1");

    let params = serde_json::json!({"target": "/srv"});
    dir.transact(|emu| emu.finish(&ctx.id, true).map(drop))
        .unwrap();
    let ctx = dir
        .transact(|emu| {
            emu.open_context(Hook::action("backup", params.as_object().unwrap().clone()))
        })
        .unwrap();
    let mut juju = juju_in(&dir, &ctx);
    juju.action_log("-halfway").unwrap();
    juju.action_fail("-disk full").unwrap();
    let action = dir.load().unwrap().action.unwrap();
    assert_eq!(action.logs, ["-halfway"]);
    assert_eq!(action.message.as_deref(), Some("-disk full"));
}
