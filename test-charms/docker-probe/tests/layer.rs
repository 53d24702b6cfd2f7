//! The docker layer against the real engine: `docker.available` follows whether it answers.

use charm_emulator::{Hook, InitOptions, ModelDir, Runner};

fn runner(tmp: &tempfile::TempDir) -> Runner {
    let charm = tmp.path().join("charm");
    std::fs::create_dir_all(&charm).unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/metadata.yaml"),
        charm.join("metadata.yaml"),
    )
    .unwrap();
    let dir = ModelDir::init(&InitOptions {
        model_dir: tmp.path().join("model"),
        charm_dir: charm,
        unit: "docker-probe/0".into(),
        leader: true,
        tool_executable: charm_testing::emulator_binary(),
    })
    .unwrap();
    Runner::new(dir).with_charm_binary(env!("CARGO_BIN_EXE_docker-probe"))
}

fn flags(tmp: &tempfile::TempDir) -> String {
    std::fs::read_to_string(tmp.path().join("charm").join(charm_core::STATE_FILE))
        .unwrap_or_default()
}

#[test]
fn docker_available_follows_the_engine() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = format!("unix://{}/no-docker.sock", tmp.path().display());
    let down = runner(&tmp).with_env("DOCKER_HOST", &missing);
    let out = down.run(Hook::new("install")).unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    let status = down.model_dir().load().unwrap().unit_status;
    assert_eq!(status.status, "waiting");
    assert_eq!(
        status.message,
        format!("Docker engine not reachable at {missing}")
    );
    assert!(!flags(&tmp).contains("docker.available"));

    // The engine answers (the default socket): update-status notices.
    let up = runner(&tmp);
    let out = up.run(Hook::new("update-status")).unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    assert!(flags(&tmp).contains("docker.available"), "{}", flags(&tmp));
    let status = up.model_dir().load().unwrap().unit_status;
    assert_eq!(status.status, "active");
    assert!(
        status.message.starts_with("Docker API 1."),
        "{}",
        status.message
    );

    // And the engine going away clears the flag on the next update-status.
    let out = down.run(Hook::new("update-status")).unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    assert!(!flags(&tmp).contains("docker.available"));
    assert_eq!(
        down.model_dir().load().unwrap().unit_status.status,
        "waiting"
    );
}
