//! `Engine::health` and `Engine::run_once` against the real engine and the offline test
//! images (`scripts/docker-up.sh && scripts/build-test-images.sh`; failing loudly without).

use charm_docker::{ComposeFile, DownOptions, Engine, OneOff, OneOffNetwork, Project};

fn engine() -> Engine {
    Engine::connect().unwrap_or_else(|e| panic!("no Docker engine ({e}): run scripts/docker-up.sh"))
}

fn busybox(command: &str) -> OneOff {
    OneOff {
        image: "charm-test/busybox".into(),
        command: vec!["/bin/sh".into(), "-c".into(), command.into()],
        env: vec!["GREETING=hi".into()],
        network: OneOffNetwork::Host,
        binds: Vec::new(),
        user: None,
    }
}

#[test]
fn a_one_off_runs_to_its_end_and_leaves_nothing() {
    let engine = engine();
    let out = engine
        .run_once(&busybox("echo $GREETING; echo oops >&2; exit 3"))
        .unwrap();
    assert_eq!(out.exit_code, 3);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hi\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "oops\n");
    // A bind mount carries a file in; success is exit code 0.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.txt"), "from the host").unwrap();
    let mut spec = busybox("cat /in/in.txt");
    spec.binds = vec![format!("{}:/in:ro", dir.path().display())];
    let out = engine.run_once(&spec).unwrap();
    assert_eq!(
        (out.exit_code, out.stdout.as_slice()),
        (0, &b"from the host"[..])
    );
    let left = std::process::Command::new("docker")
        .args(["ps", "-aq", "--filter", "name=charm-oneoff-"])
        .args([
            "--filter",
            &format!("name=charm-oneoff-{}-", std::process::id()),
        ])
        .output()
        .unwrap();
    assert!(left.stdout.is_empty(), "one-off containers left behind");
    let missing = OneOff {
        image: "charm-test/no-such-image".into(),
        ..busybox("true")
    };
    let err = engine.run_once(&missing).unwrap_err();
    assert!(
        err.to_string().contains("charm-test/no-such-image"),
        "{err}"
    );
}

#[test]
fn health_names_the_stopped_and_the_unhealthy() {
    let engine = engine();
    let name = format!("cdt-health-{}", std::process::id());
    let yaml = r#"
services:
  fine:
    image: charm-test/busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"]
  sick:
    image: charm-test/busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"]
    healthcheck: {test: ["CMD", "false"], interval: 1s, retries: 1}
  gone:
    image: charm-test/busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"]
"#;
    let project = Project::new(
        &name,
        std::env::temp_dir(),
        ComposeFile::from_str(yaml).unwrap(),
    )
    .unwrap();
    struct Down<'a>(&'a Engine, &'a Project);
    impl Drop for Down<'_> {
        fn drop(&mut self) {
            let _ = self.0.down(self.1, DownOptions { volumes: true });
        }
    }
    let _down = Down(&engine, &project);
    engine.up(&project, &mut |_| {}).unwrap();
    let stopped = std::process::Command::new("docker")
        .args(["stop", &format!("{name}-gone-1")])
        .output()
        .unwrap();
    assert!(stopped.status.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let health = engine.health(&name).unwrap();
        let verdicts: Vec<(&str, Option<String>)> = health
            .iter()
            .map(|c| (c.service.as_str(), c.degraded()))
            .collect();
        if verdicts
            == [
                ("fine", None),
                ("gone", Some("exited".to_owned())),
                ("sick", Some("unhealthy".to_owned())),
            ]
        {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{health:?}");
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
}
