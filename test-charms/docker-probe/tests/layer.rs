//! The docker layer against the real engine: `docker.available` follows whether it answers.

use charm_emulator::{Hook, Runner};
use charm_testing::EmulatedUnit;

const CHARM: &str = env!("CARGO_BIN_EXE_docker-probe");

fn flags(unit: &EmulatedUnit) -> String {
    String::from_utf8(unit.state_file()).unwrap()
}

#[test]
fn docker_available_follows_the_engine() {
    let unit = EmulatedUnit::new(env!("CARGO_MANIFEST_DIR"), "docker-probe/0", CHARM);
    let missing = format!("unix://{}/no-docker.sock", unit.tmp.path().display());
    // The same unit, with hooks that find no engine.
    let down = Runner::new(unit.runner.model_dir().clone())
        .with_charm_binary(CHARM)
        .with_env("DOCKER_HOST", &missing);

    let out = down.run(Hook::new("install")).unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    let status = unit.model().unit_status;
    assert_eq!(status.status, "waiting");
    assert_eq!(
        status.message,
        format!("Docker engine not reachable at {missing}")
    );
    assert!(!flags(&unit).contains("docker.available"));

    // The engine answers (the default socket): update-status notices.
    let out = unit.runner.run(Hook::new("update-status")).unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    assert!(
        flags(&unit).contains("docker.available"),
        "{}",
        flags(&unit)
    );
    let status = unit.model().unit_status;
    assert_eq!(status.status, "active");
    assert!(
        status.message.starts_with("Docker API 1."),
        "{}",
        status.message
    );

    // And the engine going away clears the flag on the next update-status.
    let out = down.run(Hook::new("update-status")).unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    assert!(!flags(&unit).contains("docker.available"));
    assert_eq!(unit.model().unit_status.status, "waiting");
}
