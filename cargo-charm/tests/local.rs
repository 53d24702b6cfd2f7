//! `cargo charm deploy` / `config` / `relate` / `status` / `remove` on a charm crate of the
//! workspace (test-charms/hello), through charm-emulator.

mod common;

use std::path::Path;
use std::process::Command;

use common::workspace;

const CARGO_CHARM: &str = env!("CARGO_BIN_EXE_cargo-charm");

fn charm(model: &Path, args: &[&str]) -> std::process::Output {
    charm_of("hello", model, args)
}

fn charm_of(crate_dir: &str, model: &Path, args: &[&str]) -> std::process::Output {
    let (command, rest) = args.split_first().unwrap();
    let out = Command::new(CARGO_CHARM)
        .args(["charm", command, "--manifest-path"])
        .arg(workspace().join(format!("test-charms/{crate_dir}/Cargo.toml")))
        .arg("--model")
        .arg(model)
        .arg("--emulator")
        .arg(charm_testing::emulator_binary())
        .args(rest)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo charm {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn status(model: &Path) -> serde_json::Value {
    let out = charm(model, &["status", "--format", "json"]);
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn deploy_config_relate_status_remove() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("hello-local");
    let out = charm(&model, &["deploy", "--config", "port=9000"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for hook in ["install", "leader-elected", "config-changed", "start"] {
        assert!(
            stdout.contains(&format!("hooks/{hook}: exit 0")),
            "{stdout}"
        );
    }
    assert!(model.join("charm/dispatch").is_file());
    assert!(model.join("charm/metadata.yaml").is_file());
    let s = status(&model);
    assert_eq!(s["unit-status"]["status"], "active", "{s}");
    assert_eq!(s["opened-ports"], serde_json::json!(["9000/tcp"]), "{s}");

    charm(&model, &["config", "port=9100"]);
    assert_eq!(
        status(&model)["opened-ports"],
        serde_json::json!(["9100/tcp"])
    );

    let out = charm(
        &model,
        &[
            "relate",
            "cache",
            "redis",
            "--unit",
            "redis/0",
            "--data",
            "host=10.0.0.7",
            "--data",
            "port=6379",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("cache-relation-changed: exit 0"));
    let s = status(&model);
    assert!(
        s["unit-status"]["message"]
            .as_str()
            .unwrap()
            .contains("10.0.0.7"),
        "{s}"
    );

    charm(&model, &["remove"]);
    assert!(!model.exists());
    // Nothing deployed: a clear error, not a panic.
    let out = Command::new(CARGO_CHARM)
        .args(["charm", "status", "--manifest-path"])
        .arg(workspace().join("test-charms/hello/Cargo.toml"))
        .arg("--model")
        .arg(&model)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing deployed in"));
}

/// Storage, resources and trust of a local deployment (test-charms/contract).
#[test]
fn attach_storage_set_resource_trust() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("contract-local");
    let run = |args: &[&str]| {
        String::from_utf8_lossy(&charm_of("contract", &model, args).stdout).into_owned()
    };
    run(&["deploy"]);
    let payload = tmp.path().join("payload.txt");
    std::fs::write(&payload, "local payload\n").unwrap();
    run(&["set-resource", "payload", payload.to_str().unwrap()]);
    run(&["trust"]);
    let out = run(&["attach-storage", "data"]);
    assert!(out.contains("hooks/data-storage-attached: exit 0"), "{out}");
    let out = run(&["detach-storage", "data/0"]);
    assert!(
        out.contains("hooks/data-storage-detaching: exit 0"),
        "{out}"
    );
    let model_json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(model.join("model/model.json")).unwrap()).unwrap();
    assert_eq!(model_json["contract"]["trusted"], true);
    assert!(model_json["contract"]["resources"]["payload"].is_string());
    assert_eq!(model_json["contract"]["storage"], serde_json::json!({}));
    run(&["remove"]);
}
