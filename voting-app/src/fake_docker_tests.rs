//! State-transition tests with the harness's Docker double (charm-testing's `docker`
//! feature): no engine, no container; each runs in milliseconds. The real-engine scenarios
//! stay in harness_tests.rs and tests/scenarios.rs.

use charm_testing::Harness;
use charm_testing::docker::{DockerCall, FakeDocker};

// ANCHOR: deployed
fn deployed() -> (Harness, FakeDocker) {
    let mut h = Harness::new(
        &super::voting_app::CHARM,
        env!("CARGO_MANIFEST_DIR"),
        "vote/0",
    )
    .unwrap();
    let docker = h.fake_docker();
    for hook in ["install", "leader-elected", "config-changed", "start"] {
        let out = h.run(hook);
        assert!(out.result.is_ok(), "{hook}: {:?}", out.result);
    }
    (h, docker)
}
// ANCHOR_END: deployed

#[test]
fn a_deploy_brings_the_project_up_once_and_opens_the_ports() {
    let started = std::time::Instant::now();
    let (h, docker) = deployed();
    // Rendered on install, unchanged afterwards: one up for four hooks.
    let ups = docker.ups();
    assert_eq!(ups.len(), 1, "{:?}", docker.calls());
    let DockerCall::Up { project, services } = &ups[0] else {
        unreachable!()
    };
    assert_eq!(project, "vote");
    let names: Vec<&str> = services.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(names, ["db", "redis", "result", "vote", "worker"]);
    assert!(services.contains(&("redis".into(), "redis:alpine".into())));
    assert_eq!(h.unit_status().status, "active");
    assert_eq!(h.opened_ports(), ["5000/tcp", "5001/tcp"]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

// ANCHOR: missing_image
#[test]
fn a_missing_image_blocks_until_the_config_is_fixed() {
    let (mut h, docker) = deployed();
    docker.fail_image("charm-test/absent");
    h.set_config("vote-image", "charm-test/absent").unwrap();
    h.run("config-changed").result.unwrap();
    let status = h.unit_status();
    assert_eq!(status.status, "blocked");
    assert!(
        status.message.contains("image charm-test/absent not found"),
        "{status:?}"
    );
    assert!(!h.flags().contains(&"voting-app.running".to_owned()));

    h.set_config("vote-image", "charm-test/vote-demo").unwrap();
    h.run("config-changed").result.unwrap();
    assert_eq!(h.unit_status().status, "active");
    assert_eq!(docker.ups().len(), 3);
}
// ANCHOR_END: missing_image

#[test]
fn a_taken_port_blocks_and_names_it() {
    let (mut h, docker) = deployed();
    docker.take_port(5100);
    h.set_config("vote-port", "5100").unwrap();
    h.run("config-changed").result.unwrap();
    let status = h.unit_status();
    assert_eq!(status.status, "blocked");
    assert!(
        status.message.contains("port 5100 already allocated"),
        "{status:?}"
    );
    // The ports stay as they were: the new one was never published.
    assert_eq!(h.opened_ports(), ["5000/tcp", "5001/tcp"]);
}

#[test]
fn an_engine_gone_makes_the_unit_wait() {
    let (mut h, docker) = deployed();
    docker.set_engine_down(true);
    h.run("update-status").result.unwrap();
    let status = h.unit_status();
    assert_eq!(status.status, "waiting", "{status:?}");
    assert!(!h.flags().contains(&"docker.available".to_owned()));

    docker.heal();
    h.run("update-status").result.unwrap();
    assert_eq!(h.unit_status().status, "active");
    assert!(h.flags().contains(&"docker.available".to_owned()));
}
