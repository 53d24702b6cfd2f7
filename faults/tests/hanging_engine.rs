//! Engines that accept and never answer, and pulls that stall: every hook ends within the
//! documented deadlines (charm_docker::deadline) with the status that names the cause, and
//! tries the engine once per hook. And `DOCKER_HOST=tcp://...` reaches a real engine.

mod common;
mod fake_engine;

use std::time::{Duration, Instant};

use charm_emulator::Hook;
use charm_testing::EmulatedUnit;
use fake_engine::FakeEngine;

const DOCKER_CHARM: &str = env!("CARGO_BIN_EXE_faulty-docker");

/// A unit of `faulty-docker` whose `.charm-settings` hold `settings`.
fn docker_unit(settings: &str) -> EmulatedUnit {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docker");
    let unit = common::emulated_unit(&source, "faulty-docker/0", DOCKER_CHARM);
    std::fs::write(
        unit.charm_dir.join(charm_core::SETTINGS_FILE),
        format!("CHARM_DOCKER_INSTALL=0\n{settings}"),
    )
    .unwrap();
    unit
}

fn timed(unit: &EmulatedUnit, hook: &str) -> Duration {
    let started = Instant::now();
    let out = unit.runner.run(Hook::new(hook)).unwrap();
    let took = started.elapsed();
    assert!(out.success(), "{hook}: {}", out.stderr_text());
    took
}

#[test]
fn the_client_gives_up_on_a_silent_engine_within_the_connect_deadline() {
    let dir = common::scratch_dir();
    let engine = FakeEngine::silent(dir.path());
    let deadlines = charm_docker::Deadlines {
        connect: Duration::from_secs(1),
        ..Default::default()
    };
    let started = Instant::now();
    let err = charm_docker::Engine::connect_with(&engine.host(), deadlines).unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(err, charm_docker::Error::EngineNotAnswering { .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "docker engine not answering at {}: no reply within 1 s",
            engine.host()
        )
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert_eq!(engine.accepted(), 1);
}

#[test]
fn a_silent_engine_is_waiting_within_seconds_with_one_connection_per_hook() {
    let dir = common::scratch_dir();
    let engine = FakeEngine::silent(dir.path());
    // The default deadlines: 5 s to answer.
    let unit = docker_unit(&format!("DOCKER_HOST={}\n", engine.host()));
    for (n, hook) in ["install", "update-status"].into_iter().enumerate() {
        let took = timed(&unit, hook);
        let status = unit.model().unit_status;
        assert_eq!(
            (status.status.as_str(), status.message.clone()),
            (
                "waiting",
                format!("Docker engine not answering at {}", engine.host())
            ),
            "{hook}"
        );
        assert!(
            took < Duration::from_secs(9),
            "{hook} took {took:?}; the connect deadline is 5 s"
        );
        assert_eq!(
            engine.accepted(),
            n + 1,
            "{hook}: one connection attempt per hook"
        );
    }
}

#[test]
fn a_stalled_pull_blocks_within_the_stall_deadline() {
    let dir = common::scratch_dir();
    let engine = FakeEngine::stalling_pull(dir.path());
    let unit = docker_unit(&format!(
        "DOCKER_HOST={}\nCHARM_DOCKER_STALL_TIMEOUT=2\n",
        engine.host()
    ));
    let took = timed(&unit, "install");
    assert_eq!(engine.pulls(), 1);
    let status = unit.model().unit_status;
    assert_eq!(status.status, "blocked", "{status:?}");
    assert_eq!(
        status.message,
        "Docker: service app: pull of faults/stall:1 stalled: no progress for 2 s"
    );
    assert!(took < Duration::from_secs(8), "install took {took:?}");
}

#[test]
fn an_unsupported_engine_address_is_refused_naming_the_schemes() {
    let unit = docker_unit("DOCKER_HOST=ssh://admin@engine.example\n");
    timed(&unit, "install");
    let status = unit.model().unit_status;
    assert_eq!(
        (status.status.as_str(), status.message.as_str()),
        (
            "waiting",
            "Docker engine not reachable at ssh://admin@engine.example"
        )
    );
    let logs: Vec<String> = unit
        .model()
        .logs
        .iter()
        .map(|l| l.message.clone())
        .collect();
    assert!(
        logs.iter()
            .any(|l| l.contains("use unix://PATH or tcp://HOST:PORT")),
        "{logs:?}"
    );
}

/// `DOCKER_HOST=tcp://...`: a TCP port forwarded to the local engine's socket, as
/// `dockerd -H tcp://127.0.0.1:2375` would serve.
#[test]
fn a_tcp_engine_address_reaches_the_engine() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let engine = std::os::unix::net::UnixStream::connect("/var/run/docker.sock").unwrap();
            let (mut c2, mut e2) = (client.try_clone().unwrap(), engine.try_clone().unwrap());
            let (mut c, mut e) = (client, engine);
            std::thread::spawn(move || std::io::copy(&mut c, &mut e2));
            std::thread::spawn(move || std::io::copy(&mut e, &mut c2));
        }
    });
    let engine = charm_docker::Engine::connect_to(&format!("tcp://127.0.0.1:{port}"))
        .unwrap_or_else(|e| panic!("{e}"));
    engine.ping().unwrap();
    assert!(
        engine.api_version().starts_with("1."),
        "{}",
        engine.api_version()
    );

    // And a charm hook through it: the docker layer sets docker.available (the handler's `up`
    // then fails to pull, no registry here; its network is removed at the end).
    let _cleanup = charm_testing::ProjectCleanup("faulty-docker".to_owned());
    let unit = docker_unit(&format!("DOCKER_HOST=tcp://127.0.0.1:{port}\n"));
    let out = unit.runner.run(Hook::new("update-status")).unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    let state = String::from_utf8(unit.state_file()).unwrap();
    assert!(state.contains("docker.available"), "{state}");
}

#[test]
fn a_whole_up_is_cut_at_its_deadline() {
    let dir = common::scratch_dir();
    let engine = FakeEngine::stalling_pull(dir.path());
    let file = dir.path().join("compose.yml");
    std::fs::write(&file, "services:\n  app:\n    image: faults/stall:1\n").unwrap();
    let project = charm_docker::Project::from_path(Some("deadline"), &file).unwrap();
    let deadlines = charm_docker::Deadlines {
        up: Duration::from_secs(1),
        ..Default::default()
    };
    let client = charm_docker::Engine::connect_with(&engine.host(), deadlines).unwrap();
    let started = Instant::now();
    let err = client.up(&project, &mut |_| {}).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        err.to_string(),
        "compose up of deadline did not finish within 1 s"
    );
}
