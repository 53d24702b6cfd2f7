//! The compiled hello charm, run hook after hook through the emulator's real hook-tool
//! processes: flags survive between hooks, a failing or panicking hook leaves the unit state
//! and the buffered Juju writes exactly as they were, a handler from a library crate runs,
//! and a steady-state hook is cheap.

use charm_emulator::{Hook, RemoteUnitSpec, Runner};

// ANCHOR: deploy_unit
const CHARM: &str = env!("CARGO_BIN_EXE_hello-charm");

type Unit = charm_testing::EmulatedUnit;

fn deploy_unit() -> Unit {
    Unit::new(env!("CARGO_MANIFEST_DIR"), "hello/0", CHARM)
}
// ANCHOR_END: deploy_unit

fn state_text(unit: &Unit) -> String {
    String::from_utf8(unit.state_file()).unwrap()
}

fn configure(unit: &Unit, key: &str, value: &str) -> charm_emulator::HookOutcome {
    unit.runner
        .configure(&[(key.to_owned(), value.to_owned())], &[])
        .unwrap()
}

#[test]
fn flags_survive_between_hooks_and_the_library_layer_runs() {
    let unit = deploy_unit();
    let first = unit.runner.run(Hook::new("install")).unwrap();
    assert!(first.success(), "{}", first.stderr_text());
    let state = state_text(&unit);
    assert!(
        state.contains("\"greeter.greeted\"") && state.contains("\"hello.ready\""),
        "{state}"
    );
    let model = unit.model();
    assert_eq!(model.unit_status.status, "active");
    assert_eq!(model.unit_status.message, "ready");
    assert!(
        model
            .logs
            .iter()
            .any(|l| l.level == "INFO" && l.message.contains("greeter layer: hello")),
        "the handler of the greeter-layer crate ran: {:?}",
        model.logs
    );
    assert_eq!(unit.opened_ports(), ["8080/tcp"]);

    // A second process, a second hook: the flags it loads are the first one's.
    let second = unit.runner.run(Hook::new("start")).unwrap();
    assert!(second.success(), "{}", second.stderr_text());
    let greetings = unit
        .model()
        .logs
        .iter()
        .filter(|l| l.message.contains("greeter layer: hello"))
        .count();
    assert_eq!(
        greetings, 1,
        "greet did not run again: greeter.greeted was persisted"
    );
    // Nothing changed but the mark that Juju has the first hook's port (this hook asked
    // `opened-ports` once); a third hook rewrites nothing.
    let confirmed = state.replace("\"juju.unconfirmed\": true", "\"juju.unconfirmed\": false");
    assert_eq!(
        state_text(&unit),
        confirmed,
        "only the confirmation changed"
    );
    let third = unit.runner.run(Hook::new("update-status")).unwrap();
    assert!(third.success(), "{}", third.stderr_text());
    assert!(
        !third.tools_called().contains(&"opened-ports"),
        "{:?}",
        third.tools_called()
    );
    assert_eq!(
        state_text(&unit),
        confirmed,
        "nothing changed, nothing rewritten"
    );
}

// ANCHOR: failing
#[test]
fn a_failing_or_panicking_hook_leaves_state_and_juju_writes_as_they_were() {
    let unit = deploy_unit();
    assert!(unit.runner.deploy().unwrap().iter().all(|o| o.success()));
    let before = unit.state_file();

    // Change the port and ask for a failure in the same hook.
    unit.runner
        .model_dir()
        .transact(|emu| emu.model_mut().set_config("port", "9000"))
        .unwrap();
    let failed = configure(&unit, "fail", "true");
    assert_eq!(failed.exit_code, 1);
    assert!(
        failed
            .stderr_text()
            .contains("handler `hello_charm::hello::misbehave` failed: asked to fail"),
        "{}",
        failed.stderr_text()
    );
    assert_eq!(unit.state_file(), before, "unit state byte for byte");
    assert_eq!(
        unit.opened_ports(),
        ["8080/tcp"],
        "open-port 9000 was dropped with the hook"
    );
    let model = unit.model();
    assert_eq!(
        model.unit_status.status, "error",
        "Juju marks the unit in error"
    );
    assert!(
        model
            .logs
            .iter()
            .any(|l| l.level == "ERROR" && l.message.contains("asked to fail"))
    );

    let panicked = configure(&unit, "panic", "true");
    assert_ne!(panicked.exit_code, 0);
    assert!(
        panicked.stderr_text().contains("panicked: asked to panic"),
        "{}",
        panicked.stderr_text()
    );
    assert_eq!(unit.state_file(), before);
    assert_eq!(unit.opened_ports(), ["8080/tcp"]);

    // Fixed: the retried hook sees the port change as new and commits it.
    unit.runner
        .model_dir()
        .transact(|emu| {
            let m = emu.model_mut();
            m.set_config("fail", "false")?;
            m.set_config("panic", "false")
        })
        .unwrap();
    let fixed = unit.runner.run(Hook::new("config-changed")).unwrap();
    assert!(fixed.success(), "{}", fixed.stderr_text());
    assert_eq!(unit.opened_ports(), ["9000/tcp"]);
    assert_ne!(unit.state_file(), before);
}

// ANCHOR_END: failing

#[test]
fn a_steady_state_config_changed_costs_at_most_three_tool_calls() {
    let unit = deploy_unit();
    assert!(unit.runner.deploy().unwrap().iter().all(|o| o.success()));
    let steady = unit.runner.run(Hook::new("config-changed")).unwrap();
    assert!(steady.success(), "{}", steady.stderr_text());
    let tools = steady.tools_called();
    assert!(
        tools.len() <= 3,
        "steady state made {} calls: {tools:?}",
        tools.len()
    );
    for write in ["status-set", "open-port", "close-port", "relation-set"] {
        assert!(
            !tools.contains(&write),
            "a hook that changes nothing sent {write}: {tools:?}"
        );
    }
    assert_eq!(tools[0], "config-get");
}

#[test]
fn redis_relation_data_is_injected_and_hostile_data_only_warns() {
    let unit = deploy_unit();
    assert!(unit.runner.deploy().unwrap().iter().all(|o| o.success()));
    let redis = |name: &str, data: &[(&str, &str)]| RemoteUnitSpec {
        name: name.into(),
        data: data
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let big = "x".repeat(1 << 20);
    let units = [
        redis("redis/0", &[("host", "10.1.2.3"), ("port", "6379")]),
        redis("redis/1", &[("host", ""), ("port", "6379")]),
        redis("redis/2", &[("host", "10.1.2.4"), ("port", "63a79")]),
        redis("redis/3", &[("host", "evil\nhost: \"x\""), ("port", "1")]),
        redis("redis/4", &[("host", big.as_str()), ("port", "6379")]),
    ];
    let (id, outcomes) = unit
        .runner
        .relate("cache", "redis", &units, &Default::default())
        .unwrap();
    for o in &outcomes {
        assert!(o.success(), "{}: {}", o.hook.name, o.stderr_text());
    }
    let model = unit.model();
    assert_eq!(model.unit_status.message, "ready, cache at 10.1.2.3");
    let warnings: Vec<&str> = model
        .logs
        .iter()
        .filter(|l| l.level == "WARNING")
        .map(|l| l.message.as_str())
        .collect();
    let all = warnings.join("\n");
    for (unit_name, key) in [
        ("redis/1", "host"),
        ("redis/2", "port"),
        ("redis/3", "host"),
        ("redis/4", "host"),
    ] {
        assert!(
            all.contains(&format!("unit {unit_name}: key `{key}`")),
            "no warning for {unit_name}/{key}: {all}"
        );
    }
    assert!(all.len() < 100_000, "hostile values are shortened in logs");

    // The relation goes away: the charm falls back.
    for o in unit.runner.unrelate(id).unwrap() {
        assert!(o.success(), "{}: {}", o.hook.name, o.stderr_text());
    }
    assert_eq!(unit.model().unit_status.message, "ready");
}

#[test]
fn the_dispatch_trace_goes_to_stderr_and_its_summary_to_the_juju_log() {
    let unit = deploy_unit();
    let runner = Runner::new(unit.runner.model_dir().clone())
        .with_charm_binary(CHARM)
        .with_env("CHARM_TRACE", "1")
        .with_env("CHARM_LOG_LEVEL", "DEBUG");
    let out = runner.run(Hook::new("install")).unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    let stderr = out.stderr_text();
    assert!(
        stderr.contains(
            "charm trace: iteration 0: greeter_layer::greeter::greet (when_not greeter.greeted)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("charm trace: iteration 1: hello_charm::hello::ready (when greeter.greeted; when_not hello.ready)"),
        "{stderr}"
    );
    let summary: Vec<String> = unit
        .model()
        .logs
        .iter()
        .filter(|l| l.level == "DEBUG" && l.message.starts_with("dispatch:"))
        .map(|l| l.message.clone())
        .collect();
    assert_eq!(
        summary,
        [
            "dispatch: [0] greeter_layer::greeter::greet hello_charm::hello::open_port hello_charm::hello::misbehave [1] hello_charm::hello::ready"
        ]
    );
}
