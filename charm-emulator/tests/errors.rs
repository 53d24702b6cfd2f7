//! Bad arguments and bad files give clear errors (Juju-like `ERROR ...`, non-zero exit), never
//! silence and never a panic.

mod common;

use std::process::Command;

use charm_emulator::{Error, Hook};
use common::{EXE, Fixture, text};

/// (tool, args, expected exit code, expected stderr)
const CASES: &[(&str, &[&str], i32, &str)] = &[
    (
        "config-get",
        &["--bogus"],
        2,
        "ERROR flag provided but not defined: --bogus\n",
    ),
    (
        "config-get",
        &["a", "b"],
        2,
        "ERROR unrecognized args: [\"b\"]\n",
    ),
    (
        "config-get",
        &["--all", "port"],
        2,
        "ERROR cannot use argument --all together with key \"port\"\n",
    ),
    (
        "config-get",
        &["--format=xml"],
        2,
        "ERROR invalid value \"xml\" for flag --format: unknown format \"xml\"\n",
    ),
    (
        "config-get",
        &["--format"],
        2,
        "ERROR flag needs an argument: --format\n",
    ),
    (
        "status-set",
        &[],
        2,
        "ERROR invalid args, require <status> [message]\n",
    ),
    (
        "status-set",
        &["happy"],
        2,
        "ERROR invalid status \"happy\", expected one of [maintenance blocked waiting active]\n",
    ),
    ("open-port", &[], 2, "ERROR no port or range specified\n"),
    (
        "open-port",
        &["70000/tcp"],
        2,
        "ERROR port range bounds must be between 0 and 65535, got 70000-70000\n",
    ),
    (
        "open-port",
        &["80/sctp"],
        2,
        "ERROR protocol must be \"tcp\", \"udp\", or \"icmp\"; got \"sctp\"\n",
    ),
    (
        "relation-get",
        &["--format=json"],
        2,
        "ERROR no relation id specified\n",
    ),
    (
        "relation-set",
        &["-r", "db:9", "a=b"],
        2,
        "ERROR invalid value \"db:9\" for flag -r: relation not found\n",
    ),
    (
        "relation-set",
        &["-r", "x", "a=b"],
        2,
        "ERROR invalid value \"x\" for flag -r: invalid relation id\n",
    ),
    (
        "relation-ids",
        &["--format=json"],
        2,
        "ERROR no endpoint name specified\n",
    ),
    (
        "leader-set",
        &["novalue"],
        2,
        "ERROR expected \"key=value\", got \"novalue\"\n",
    ),
    ("juju-log", &[], 2, "ERROR no message specified\n"),
    (
        "unit-get",
        &["mac-address"],
        2,
        "ERROR unknown setting \"mac-address\"\n",
    ),
    (
        "application-version-set",
        &[],
        2,
        "ERROR no version specified\n",
    ),
    ("state-delete", &[], 2, "ERROR no key specified\n"),
    ("action-fail", &[], 1, "ERROR not running an action\n"),
];

#[test]
fn argument_errors_read_like_juju() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("install"));
    for (tool, args, code, stderr) in CASES {
        let out = f.tool(&ctx, tool, args);
        assert_eq!(
            out.status.code(),
            Some(*code),
            "{tool} {args:?}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stderr), *stderr, "{tool} {args:?}");
        assert!(out.stdout.is_empty(), "{tool} {args:?}");
    }
    // Each call was recorded with its exit code, failures included.
    assert_eq!(f.load().calls.len(), CASES.len());
}

#[test]
fn tool_outside_a_hook_fails() {
    let f = Fixture::new(false);
    let out = f.tool(
        &charm_emulator::ContextId::new("web/0-install-1"),
        "is-leader",
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("unknown context \"web/0-install-1\""),
        "{}",
        text(&out.stderr)
    );

    let out = Command::new(f.model.join("bin/is-leader"))
        .env_remove("CHARM_EMULATOR_MODEL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("CHARM_EMULATOR_MODEL is not set"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn malformed_model_file_is_a_clear_error() {
    let f = Fixture::new(false);
    let ctx = f.open(Hook::new("install"));
    let model_file = f.model.join("model.json");
    std::fs::write(&model_file, "{\"format\": 1, \"unit\": ").unwrap();

    // A tool: exit 1, the message names the file, no panic.
    let out = f.tool(&ctx, "is-leader", &["--format=json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("ERROR is-leader: malformed model file "),
        "{err}"
    );
    assert!(err.contains("model.json"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    // The CLI.
    let out = f.cli(&["status"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("malformed model file") && err.contains("model.json"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    // The library.
    match f.dir().load() {
        Err(Error::MalformedModel { path, .. }) => assert_eq!(path, model_file),
        other => panic!("expected MalformedModel, got {other:?}"),
    }

    // Well-formed JSON that is not a model names the offending field.
    std::fs::write(&model_file, r#"{"format": 1, "unit": 5}"#).unwrap();
    let err = f.dir().load().unwrap_err().to_string();
    assert!(
        err.contains("model.json") && err.contains("invalid type"),
        "{err}"
    );
    // And a model from a future emulator.
    std::fs::write(&model_file, r#"{"format": 99}"#).unwrap();
    let err = f.dir().load().unwrap_err().to_string();
    assert!(err.contains("format 99 is not supported"), "{err}");
}

#[test]
fn cli_errors_name_the_input() {
    let f = Fixture::new(false);
    let out = f.cli(&["config", "port=eighty"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("\"port\"") && err.contains("expected int"),
        "{err}"
    );
    let out = f.cli(&["config", "colour=red"]);
    assert!(text(&out.stderr).contains("unknown config option \"colour\""));
    let out = f.cli(&["relate", "nosuch", "postgresql"]);
    assert!(
        text(&out.stderr).contains("unknown endpoint \"nosuch\""),
        "{}",
        text(&out.stderr)
    );
    let out = f.cli(&["unrelate", "db:4"]);
    assert!(
        text(&out.stderr).contains("relation \"db:4\" not found"),
        "{}",
        text(&out.stderr)
    );
    let out = f.cli(&["run-hook", "db-relation-changed"]);
    assert!(
        text(&out.stderr).contains("no relation on endpoint \"db\""),
        "{}",
        text(&out.stderr)
    );

    // Without a model directory.
    let out = Command::new(EXE)
        .arg("status")
        .env_remove("CHARM_EMULATOR_MODEL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--model"),
        "{}",
        text(&out.stderr)
    );
    let out = Command::new(EXE)
        .args(["--model", "/nonexistent/m", "status"])
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("is not a model directory"),
        "{}",
        text(&out.stderr)
    );

    // A charm with a bad config.yaml.
    let charm = f.tmp.path().join("bad");
    std::fs::create_dir_all(&charm).unwrap();
    std::fs::write(charm.join("metadata.yaml"), "name: bad\n").unwrap();
    std::fs::write(
        charm.join("config.yaml"),
        "options:\n  n: {type: int, default: x}\n",
    )
    .unwrap();
    let out = Command::new(EXE)
        .args([
            "--model",
            f.tmp.path().join("m2").to_str().unwrap(),
            "init",
            "--unit",
            "bad/0",
            "--charm",
        ])
        .arg(&charm)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("config.yaml") && err.contains("`n`"), "{err}");
}
