//! Integration tests against the real Docker engine.
//!
//! Needs an engine and the offline test images:
//! `scripts/docker-up.sh && scripts/build-test-images.sh`. Without them these tests fail,
//! loudly, rather than skip. Each test uses its own project name and its own host ports, so
//! they run in parallel on one engine; a guard runs `down` even when a test fails.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use charm_docker::{Action, ComposeFile, DownOptions, Engine, Error, Project};
use common::five_services;

/// Connects, or fails the test with what to do about it.
fn engine() -> Engine {
    match Engine::connect() {
        Ok(engine) => engine,
        Err(e) => panic!(
            "no Docker engine ({e}): run scripts/docker-up.sh and scripts/build-test-images.sh first"
        ),
    }
}

/// A project that is taken down when the test ends, however it ends.
struct Guard {
    engine: Engine,
    project: Project,
}

impl Guard {
    fn new(test: &str, yaml: &str) -> Guard {
        let name = format!("cdt-{test}-{}", std::process::id());
        Guard {
            engine: engine(),
            project: project(&name, yaml),
        }
    }

    fn set_file(&mut self, yaml: &str) {
        self.project = project(self.project.name(), yaml);
    }

    fn name(&self, service: &str) -> String {
        format!("{}-{service}-1", self.project.name())
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Err(e) = self
            .engine
            .down(&self.project, DownOptions { volumes: true })
        {
            eprintln!("cleanup of {} failed: {e}", self.project.name());
        }
    }
}

fn project(name: &str, yaml: &str) -> Project {
    let file = ComposeFile::from_str(yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    Project::new(name, std::env::temp_dir(), file).unwrap()
}

/// A host port nobody listens on right now.
fn free_port() -> u16 {
    free_ports::<1>()[0]
}

/// `N` distinct free ports: all listeners stay open until every port is chosen.
fn free_ports<const N: usize>() -> [u16; N] {
    let listeners: Vec<TcpListener> = (0..N)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    std::array::from_fn(|i| listeners[i].local_addr().unwrap().port())
}

/// `docker inspect -f FORMAT target`, via the CLI: an independent view of the engine.
fn inspect(target: &str, format: &str) -> Option<String> {
    let out = Command::new("docker")
        .args(["inspect", "-f", format, target])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn docker_lines(args: &[&str]) -> Vec<String> {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("docker CLI");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// One HTTP GET, retried for a few seconds while the server comes up.
fn http_get(port: u16) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let attempt = (|| -> std::io::Result<String> {
            let mut stream = TcpStream::connect(("127.0.0.1", port))?;
            stream.set_read_timeout(Some(Duration::from_secs(5)))?;
            stream.write_all(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
            let mut body = String::new();
            stream.read_to_string(&mut body)?;
            Ok(body)
        })();
        match attempt {
            Ok(body) if body.contains("200") => return body,
            other if Instant::now() > deadline => {
                panic!("no HTTP answer on 127.0.0.1:{port}: {other:?}")
            }
            _ => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

#[test]
fn five_services_converge_like_compose() {
    let [vote, result, debug] = free_ports();
    let mut g = Guard::new("five", &five_services(vote, result, debug));
    let services = ["vote", "redis", "worker", "db", "result"];

    // First up: everything created and running, on <project>_default.
    let report = g.engine.up(&g.project, &mut |_| {}).unwrap();
    for s in services {
        assert_eq!(report.action(s), Some(Action::Created), "{s}: {report:?}");
        assert_eq!(
            inspect(&g.name(s), "{{.State.Status}}").as_deref(),
            Some("running"),
            "{s}"
        );
    }
    let network = format!("{}_default", g.project.name());
    assert_eq!(report.networks_created, std::slice::from_ref(&network));
    let members = inspect(&network, "{{range .Containers}}{{.Name}} {{end}}").unwrap();
    for s in services {
        assert!(
            members.contains(&g.name(s)),
            "{s} not on {network}: {members}"
        );
    }
    assert!(http_get(vote).contains("hello from charm-test/busybox"));
    assert!(http_get(result).contains("hello from charm-test/busybox"));
    // Services reach each other by name on the project network.
    let out = Command::new("docker")
        .args(["exec", &g.name("vote"), "wget", "-qO-", "http://result/"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("hello"),
        "{out:?}"
    );
    // ps shows every container, and the ephemeral port redis got.
    let ps = g.engine.ps(&g.project).unwrap();
    assert_eq!(ps.len(), 5);
    let redis = ps.iter().find(|s| s.service == "redis").unwrap();
    assert_eq!(redis.state, "running");
    let redis_port = redis
        .ports
        .iter()
        .find(|p| p.container_port == 6379)
        .unwrap();
    assert_eq!(redis_port.host_ip, "127.0.0.1");
    assert_ne!(redis_port.host_port, 0);
    let mut conn = TcpStream::connect(("127.0.0.1", redis_port.host_port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    conn.write_all(b"PING\r\n").unwrap();
    let mut pong = [0u8; 7];
    conn.read_exact(&mut pong).unwrap();
    assert_eq!(&pong, b"+PONG\r\n");

    // Second up with nothing changed: nothing touched.
    let before: Vec<String> = services
        .iter()
        .map(|s| inspect(&g.name(s), "{{.Id}} {{.State.StartedAt}}").unwrap())
        .collect();
    let report = g.engine.up(&g.project, &mut |_| {}).unwrap();
    assert!(!report.changed(), "{report:?}");
    let after: Vec<String> = services
        .iter()
        .map(|s| inspect(&g.name(s), "{{.Id}} {{.State.StartedAt}}").unwrap())
        .collect();
    assert_eq!(before, after);

    // A stopped container with unchanged config is started, not recreated.
    assert!(
        Command::new("docker")
            .args(["stop", "-t", "1", &g.name("db")])
            .output()
            .unwrap()
            .status
            .success()
    );
    let report = g.engine.up(&g.project, &mut |_| {}).unwrap();
    assert_eq!(report.action("db"), Some(Action::Started), "{report:?}");
    assert_eq!(
        inspect(&g.name("db"), "{{.Id}}"),
        before[3].split(' ').next().map(str::to_owned)
    );

    // Changing one service's port recreates exactly that service.
    let new_vote = free_port();
    g.set_file(&five_services(new_vote, result, debug));
    let before: Vec<String> = services
        .iter()
        .map(|s| inspect(&g.name(s), "{{.Id}}").unwrap())
        .collect();
    let report = g.engine.up(&g.project, &mut |_| {}).unwrap();
    assert_eq!(report.action("vote"), Some(Action::Recreated), "{report:?}");
    for (i, s) in services.iter().enumerate().skip(1) {
        assert_eq!(report.action(s), Some(Action::Unchanged), "{s}: {report:?}");
        assert_eq!(
            inspect(&g.name(s), "{{.Id}}").as_ref(),
            Some(&before[i]),
            "{s} was touched"
        );
    }
    assert_ne!(
        inspect(&g.name("vote"), "{{.Id}}").as_ref(),
        Some(&before[0])
    );
    assert!(http_get(new_vote).contains("hello"));

    // Removing a service removes its container as an orphan.
    let without_worker = five_services(new_vote, result, debug).replace(
        "  worker:\n    image: charm-test/busybox\n    command: sleep 3600\n    init: true\n    depends_on: [redis, db]\n",
        "",
    );
    g.set_file(&without_worker);
    let report = g.engine.up(&g.project, &mut |_| {}).unwrap();
    assert_eq!(report.action("worker"), Some(Action::Removed), "{report:?}");
    assert_eq!(
        inspect(&g.name("worker"), "{{.Id}}"),
        None,
        "worker container still exists"
    );
    assert_eq!(g.engine.ps(&g.project).unwrap().len(), 4);

    // down leaves nothing behind.
    let down = g.engine.down(&g.project, DownOptions::default()).unwrap();
    assert_eq!(down.containers.len(), 4);
    assert_eq!(down.networks, std::slice::from_ref(&network));
    let label = format!("label=com.docker.compose.project={}", g.project.name());
    assert!(docker_lines(&["ps", "-aq", "--filter", &label]).is_empty());
    assert!(docker_lines(&["network", "ls", "-q", "--filter", &label]).is_empty());
    assert_eq!(inspect(&network, "{{.Id}}"), None);
}

/// The one service failure of a partly failed `up`.
fn only_failure(err: &Error) -> &Error {
    match err.failures() {
        [only] => &only.error,
        other => panic!("expected one failed service, got {other:?} ({err:?})"),
    }
}

#[test]
fn up_brings_up_what_it_can_and_reports_every_failure() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = listener.local_addr().unwrap().port();
    let yaml = format!(
        r#"
services:
  ok:
    image: charm-test/busybox
    command: sleep 3600
    init: true
  ghost:
    image: charm-test/does-not-exist
  haunted:
    image: charm-test/busybox
    depends_on: [ghost]
  web:
    image: charm-test/busybox
    command: httpd -f -p 80 -h /www
    init: true
    ports: ["127.0.0.1:{taken}:80"]
"#
    );
    let g = Guard::new("partial", &yaml);
    let err = g.engine.up(&g.project, &mut |_| {}).unwrap_err();
    let failed: Vec<&str> = err.failures().iter().map(|f| f.service.as_str()).collect();
    assert_eq!(failed, ["ghost", "haunted", "web"], "{err}");
    let message = err.to_string();
    assert!(message.starts_with("3 services failed: "), "{message}");
    assert!(
        message.contains("charm-test/does-not-exist:latest not found"),
        "{message}"
    );
    assert!(
        message.contains(&format!(":{taken} already allocated")),
        "{message}"
    );
    assert!(
        message.contains("dependency ghost failed to start"),
        "{message}"
    );
    // The independent service is up, and the partial report says so.
    let report = err.partial_report().unwrap();
    assert_eq!(report.action("ok"), Some(Action::Created), "{report:?}");
    assert_eq!(
        inspect(&g.name("ok"), "{{.State.Status}}").as_deref(),
        Some("running")
    );
    assert_eq!(inspect(&g.name("haunted"), "{{.Id}}"), None);
    drop(listener);
}

#[test]
fn missing_image_is_image_not_found() {
    let g = Guard::new(
        "noimg",
        "services:\n  ghost:\n    image: charm-test/does-not-exist\n",
    );
    let mut reports = Vec::new();
    let err = g
        .engine
        .up(&g.project, &mut |p| reports.push(p.clone()))
        .unwrap_err();
    match only_failure(&err) {
        Error::ImageNotFound { image, .. } => assert_eq!(image, "charm-test/does-not-exist:latest"),
        other => panic!("expected ImageNotFound, got {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("service ghost: image charm-test/does-not-exist:latest not found"),
        "{err}"
    );
    assert_eq!(
        reports.first().map(|p| p.image.as_str()),
        Some("charm-test/does-not-exist:latest")
    );
}

#[test]
fn taken_port_is_port_allocated() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let yaml = format!(
        "services:\n  web:\n    image: charm-test/busybox\n    command: httpd -f -p 80 -h /www\n    init: true\n    ports: [\"127.0.0.1:{port}:80\"]\n"
    );
    let g = Guard::new("port", &yaml);
    let err = g.engine.up(&g.project, &mut |_| {}).unwrap_err();
    match only_failure(&err) {
        Error::PortAllocated {
            service,
            port: taken,
        } => {
            assert_eq!(service, "web");
            assert!(taken.ends_with(&format!(":{port}")), "{taken}");
        }
        other => panic!("expected PortAllocated, got {other:?}"),
    }
    assert!(err.to_string().contains(&port.to_string()), "{err}");
    drop(listener);
}

#[test]
fn unreachable_engine_names_where() {
    let err = Engine::connect_to("unix:///nonexistent/docker.sock").unwrap_err();
    assert!(
        matches!(err, Error::EngineUnreachable { ref host, .. } if host == "unix:///nonexistent/docker.sock"),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("/nonexistent/docker.sock"),
        "{err}"
    );

    // A socket file that nobody answers on any more.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dead.sock");
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    let host = format!("unix://{}", path.display());
    let err = Engine::connect_to(&host).unwrap_err();
    assert!(matches!(err, Error::EngineUnreachable { .. }), "{err:?}");
    assert!(err.to_string().contains("dead.sock"), "{err}");

    // DOCKER_HOST is honoured: checked in a child process, since changing the environment
    // of this (multi-threaded) one is not sound.
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "docker_host_child", "--ignored", "--nocapture"])
        .env("DOCKER_HOST", "unix:///nonexistent/docker-host.sock")
        .status()
        .unwrap();
    assert!(status.success(), "the DOCKER_HOST child test failed");
}

#[test]
#[ignore = "run by unreachable_engine_names_where with DOCKER_HOST set"]
fn docker_host_child() {
    let err = Engine::connect().unwrap_err();
    assert!(matches!(err, Error::EngineUnreachable { .. }), "{err:?}");
    assert!(
        err.to_string().contains("/nonexistent/docker-host.sock"),
        "{err}"
    );
}

#[test]
fn waits_for_healthy_dependency() {
    let yaml = r#"
services:
  db:
    image: charm-test/busybox
    command: sh -c "sleep 2; touch /tmp/ready; exec sleep 3600"
    init: true
    healthcheck:
      test: test -f /tmp/ready
      interval: 300ms
      timeout: 2s
      retries: 30
  web:
    image: charm-test/busybox
    command: sleep 3600
    init: true
    depends_on:
      db: {condition: service_healthy}
"#;
    let g = Guard::new("healthy", yaml);
    let started = Instant::now();
    let report = g.engine.up(&g.project, &mut |_| {}).unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "did not wait: {:?}",
        started.elapsed()
    );
    assert_eq!(report.action("web"), Some(Action::Created));
    assert_eq!(
        inspect(&g.name("db"), "{{.State.Health.Status}}").as_deref(),
        Some("healthy")
    );
    // web was started only once db was healthy.
    let db_healthy_at = inspect(&g.name("db"), "{{(index .State.Health.Log 0).End}}").unwrap();
    let web_started_at = inspect(&g.name("web"), "{{.State.StartedAt}}").unwrap();
    assert!(
        web_started_at.as_str() > db_healthy_at.as_str(),
        "web {web_started_at} before db healthy {db_healthy_at}"
    );
}

#[test]
fn unhealthy_dependency_is_reported() {
    let yaml = r#"
services:
  db:
    image: charm-test/busybox
    command: sleep 3600
    init: true
    healthcheck: {test: ["CMD", "false"], interval: 200ms, timeout: 1s, retries: 2}
  web:
    image: charm-test/busybox
    command: sleep 3600
    init: true
    depends_on: {db: {condition: service_healthy}}
"#;
    let g = Guard::new("unhealthy", yaml);
    let err = g.engine.up(&g.project, &mut |_| {}).unwrap_err();
    assert!(
        matches!(only_failure(&err), Error::Dependency { service, dependency, .. } if service == "web" && dependency == "db"),
        "{err:?}"
    );
    assert_eq!(
        inspect(&g.name("web"), "{{.State.Status}}").as_deref(),
        Some("created")
    );
}

/// Three consecutive free ports.
fn free_range() -> u16 {
    for _ in 0..200 {
        let [base] = free_ports::<1>();
        if base > 65000 {
            continue;
        }
        let held: Vec<_> = (base..base + 3)
            .map(|p| TcpListener::bind(("127.0.0.1", p)))
            .collect();
        if held.iter().all(Result::is_ok) {
            return base;
        }
    }
    panic!("no three consecutive free ports");
}

#[test]
fn interpolated_file_runs_as_compose_would() {
    let lo = free_range();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("site")).unwrap();
    std::fs::write(dir.path().join("site/index.html"), "from the bind mount\n").unwrap();
    // .env gives defaults; the caller's variables win.
    std::fs::write(dir.path().join(".env"), "MARKER_PATH=/nonexistent\n").unwrap();
    let yaml = r#"
x-common: &common
  image: charm-test/busybox
  init: true
services:
  web:
    <<: *common
    command: httpd -f -p 80 -h /www
    ports: ["127.0.0.1:${LO}-${HI}:80"]
    volumes: ["./site:/www:ro"]
    environment:
      MARKER: ${MARKER_PATH:-/bin/sh}
    healthcheck:
      test: ["CMD-SHELL", "test -f $$MARKER"]
      interval: 200ms
      retries: 50
"#;
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, yaml).unwrap();
    let env = charm_docker::Environment::from_iter([
        ("LO", lo.to_string()),
        ("HI", (lo + 2).to_string()),
        ("MARKER_PATH", "/www/index.html".to_owned()),
    ]);
    let project = Project::builder(&path)
        .name(format!("cdt-interp-{}", std::process::id()))
        .environment(env)
        .build()
        .unwrap();
    let g = Guard {
        engine: engine(),
        project,
    };
    g.engine.up(&g.project, &mut |_| {}).unwrap();
    let web = g.name("web");
    // `$$MARKER` reached the container as `$MARKER`, which its shell expands.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let health = inspect(&web, "{{.State.Health.Status}}").unwrap_or_default();
        if health == "healthy" {
            break;
        }
        assert!(Instant::now() < deadline, "never healthy: {health}");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        inspect(&web, "{{json .Config.Healthcheck.Test}}").as_deref(),
        Some(r#"["CMD-SHELL","test -f $MARKER"]"#)
    );
    // One port of the range is bound, and serves the bind-mounted file.
    let ps = g.engine.ps(&g.project).unwrap();
    let port = ps[0].ports[0].host_port;
    assert!(
        (lo..=lo + 2).contains(&port),
        "{port} not in {lo}-{}",
        lo + 2
    );
    assert!(http_get(port).contains("from the bind mount"));
    // Nothing changed: nothing recreated.
    assert!(!g.engine.up(&g.project, &mut |_| {}).unwrap().changed());
}

#[test]
fn a_changed_network_is_recreated_and_a_changed_volume_refused() {
    let yaml = "services:\n  a:\n    image: charm-test/busybox\n    command: sleep 3600\n    init: true\n    networks: [back]\n    volumes: [\"data:/data\"]\n  b:\n    image: charm-test/busybox\n    command: sleep 3600\n    init: true\n    networks:\n      back:\n        aliases: [bee]\nnetworks:\n  back:\nvolumes:\n  data:\n";
    let mut g = Guard::new("netchange", yaml);
    g.engine.up(&g.project, &mut |_| {}).unwrap();
    let network = format!("{}_back", g.project.name());
    let ids = [
        inspect(&g.name("a"), "{{.Id}}").unwrap(),
        inspect(&g.name("b"), "{{.Id}}").unwrap(),
    ];
    assert_eq!(inspect(&network, "{{.Internal}}").as_deref(), Some("false"));

    g.set_file(&yaml.replace("  back:\nvolumes", "  back:\n    internal: true\nvolumes"));
    let report = g.engine.up(&g.project, &mut |_| {}).unwrap();
    assert_eq!(report.networks_recreated.len(), 1, "{report:?}");
    assert!(
        report.networks_recreated[0].contains("internal false -> true"),
        "{report:?}"
    );
    assert_eq!(inspect(&network, "{{.Internal}}").as_deref(), Some("true"));
    // The containers are the same ones, connected again with their aliases.
    assert_eq!(inspect(&g.name("a"), "{{.Id}}").unwrap(), ids[0]);
    assert_eq!(inspect(&g.name("b"), "{{.Id}}").unwrap(), ids[1]);
    let aliases = inspect(
        &g.name("b"),
        &format!("{{{{json (index .NetworkSettings.Networks \"{network}\").Aliases}}}}"),
    )
    .unwrap();
    assert!(
        aliases.contains("\"b\"") && aliases.contains("\"bee\""),
        "{aliases}"
    );
    let out = Command::new("docker")
        .args(["exec", &g.name("a"), "ping", "-c", "1", "-W", "2", "bee"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    // Nothing changed since: nothing recreated.
    assert!(!g.engine.up(&g.project, &mut |_| {}).unwrap().changed());

    // A changed volume is refused, with what to do.
    g.set_file(&yaml.replace("  data:\n", "  data:\n    labels: {tier: db}\n"));
    let err = g.engine.up(&g.project, &mut |_| {}).unwrap_err();
    assert!(
        matches!(&err, Error::Resource { kind: "volume", .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("docker volume rm"), "{err}");
    assert_eq!(inspect(&g.name("a"), "{{.Id}}").unwrap(), ids[0]);
}

#[test]
fn the_features_real_files_use_reach_the_engine() {
    let pid = std::process::id();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.env"), "FROM_FILE=yes\n").unwrap();
    std::fs::write(dir.path().join("token.txt"), "s3cret\n").unwrap();
    std::fs::write(dir.path().join("app.conf"), "conf=1\n").unwrap();
    // A subnet of its own per run (10.213.N.0/24), so parallel runs do not collide.
    let octet = pid % 250;
    let app_name = format!("cdt-feat-{pid}-the-app");
    let yaml = format!(
        r#"
services:
  db:
    image: charm-test/busybox
    command: sleep 3600
    init: true
    ipc: shareable
    volumes: ["/shared"]
    networks: [back]
  app:
    image: charm-test/busybox
    command: sleep 3600
    init: true
    container_name: {app_name}
    profiles: [web]
    expose: ["3000"]
    env_file: app.env
    pull_policy: never
    platform: linux/amd64
    secrets: [token]
    configs: [{{source: conf, target: /etc/app.conf}}]
    links: ["db:database"]
    cap_add: [NET_ADMIN]
    sysctls: {{net.core.somaxconn: 1024}}
    logging: {{driver: json-file, options: {{max-size: 1m}}}}
    ipc: "service:db"
    volumes_from: ["db:ro"]
    networks:
      back:
        ipv4_address: 10.213.{octet}.10
    deploy:
      resources: {{limits: {{cpus: "0.5", memory: 64M}}}}
      restart_policy: {{condition: on-failure, max_attempts: 2}}
  isolated:
    image: charm-test/busybox
    command: sleep 3600
    init: true
    network_mode: none
  debug:
    image: charm-test/busybox
    profiles: [debug]
secrets:
  token: {{file: ./token.txt}}
configs:
  conf: {{file: ./app.conf}}
networks:
  back:
    ipam:
      config: [{{subnet: 10.213.{octet}.0/24}}]
"#
    );
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, yaml).unwrap();
    let project = Project::builder(&path)
        .name(format!("cdt-feat-{pid}"))
        .profiles(["web"])
        .build()
        .unwrap();
    let g = Guard {
        engine: engine(),
        project,
    };
    let report = g.engine.up(&g.project, &mut |_| {}).unwrap();
    assert_eq!(report.action("app"), Some(Action::Created), "{report:?}");
    assert_eq!(report.action("debug"), None, "a disabled profile's service");
    let exec = |args: &[&str]| {
        let out = Command::new("docker")
            .arg("exec")
            .arg(&app_name)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(exec(&["cat", "/run/secrets/token"]), "s3cret\n");
    assert_eq!(exec(&["cat", "/etc/app.conf"]), "conf=1\n");
    assert!(exec(&["env"]).contains("FROM_FILE=yes"));
    exec(&["ping", "-c", "1", "-W", "2", "database"]);
    exec(&["test", "-d", "/shared"]);
    assert_eq!(
        exec(&["cat", "/proc/sys/net/core/somaxconn"]).trim(),
        "1024"
    );
    let field = |format: &str| inspect(&app_name, format).unwrap();
    assert_eq!(field("{{.HostConfig.CapAdd}}"), "[NET_ADMIN]");
    assert_eq!(
        field("{{.HostConfig.LogConfig.Type}} {{index .HostConfig.LogConfig.Config \"max-size\"}}"),
        "json-file 1m"
    );
    let db = g.name("db");
    // The engine records the namespace's container by id.
    let db_id = inspect(&db, "{{.Id}}").unwrap();
    assert_eq!(
        field("{{.HostConfig.IpcMode}}"),
        format!("container:{db_id}")
    );
    assert_eq!(field("{{.HostConfig.VolumesFrom}}"), format!("[{db}:ro]"));
    assert_eq!(
        field("{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}"),
        "67108864 500000000"
    );
    assert_eq!(
        field("{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}"),
        "on-failure 2"
    );
    assert!(field("{{json .Config.ExposedPorts}}").contains("3000/tcp"));
    let network = format!("{}_back", g.project.name());
    assert_eq!(
        field(&format!(
            "{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}"
        )),
        format!("10.213.{octet}.10")
    );
    assert_eq!(
        inspect(&g.name("isolated"), "{{.HostConfig.NetworkMode}}").as_deref(),
        Some("none")
    );
    assert_eq!(inspect(&g.name("debug"), "{{.Id}}"), None);
    // Nothing changed: nothing recreated.
    assert!(!g.engine.up(&g.project, &mut |_| {}).unwrap().changed());
}

#[test]
fn lifecycle_hooks_run_in_the_container() {
    let dir = tempfile::tempdir().unwrap();
    let marks = dir.path().join("marks");
    std::fs::create_dir(&marks).unwrap();
    let yaml = format!(
        r#"
services:
  web:
    image: charm-test/busybox
    command: sleep 3600
    init: true
    volumes: ["{marks}:/marks"]
    post_start:
      - command: sh -c 'echo "started as $$(id -u) $$GREETING" > /marks/post_start'
        environment: {{GREETING: hi}}
    pre_stop:
      - command: ["touch", "/marks/pre_stop"]
  failing:
    image: charm-test/busybox
    command: sleep 3600
    init: true
    post_start:
      - command: ["false"]
"#,
        marks = marks.display()
    );
    let g = Guard::new("hooks", &yaml);
    let err = g.engine.up(&g.project, &mut |_| {}).unwrap_err();
    assert!(
        err.to_string().contains("post_start hook 1 in")
            && err.to_string().contains("exited with code 1"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(marks.join("post_start")).unwrap(),
        "started as 0 hi\n"
    );
    assert!(!marks.join("pre_stop").exists());
    g.engine.down(&g.project, DownOptions::default()).unwrap();
    assert!(
        marks.join("pre_stop").exists(),
        "pre_stop did not run before down"
    );
}

/// Every runtime key at once (common::RUNTIME_KEYS), as the engine records it and as the
/// container sees it.
#[test]
fn the_runtime_keys_reach_the_engine() {
    let g = Guard::new("runtime", common::RUNTIME_KEYS);
    let report = g.engine.up(&g.project, &mut |_| {}).unwrap();
    assert_eq!(report.action("app"), Some(Action::Created), "{report:?}");
    let app = g.name("app");
    let field = |format: &str| inspect(&app, format).unwrap();
    assert_eq!(
        field("{{.HostConfig.Privileged}} {{.HostConfig.ReadonlyRootfs}}"),
        "false true"
    );
    assert_eq!(
        field("{{json .HostConfig.Tmpfs}}"),
        r#"{"/run":"size=1m","/scratch":""}"#
    );
    assert_eq!(
        field("{{json .HostConfig.ExtraHosts}}"),
        r#"["db.local:10.1.2.3","gw:10.1.2.4"]"#
    );
    assert_eq!(
        field("{{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}}"),
        r#"["9.9.9.9"] ["example.com","example.org"]"#
    );
    assert_eq!(
        field(
            "{{.HostConfig.ShmSize}} {{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} \
             {{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}}"
        ),
        "8388608 67108864 134217728 250000000 512"
    );
    assert_eq!(
        field("{{json .HostConfig.Ulimits}}"),
        r#"[{"Name":"nofile","Hard":2048,"Soft":1024},{"Name":"nproc","Hard":512,"Soft":512}]"#
    );
    assert_eq!(
        field("{{json .HostConfig.SecurityOpt}}"),
        r#"["no-new-privileges:true"]"#
    );
    assert_eq!(
        field("{{json .HostConfig.Devices}}"),
        r#"[{"PathOnHost":"/dev/null","PathInContainer":"/dev/nothing","CgroupPermissions":"rw"}]"#
    );
    let db_id = inspect(&g.name("db"), "{{.Id}}").unwrap();
    assert_eq!(
        field("{{.HostConfig.PidMode}}"),
        format!("container:{db_id}")
    );
    assert_eq!(field("{{.Config.Domainname}}"), "example.test");

    // And from inside: the hosts, the read-only root, the tmpfs, the limits, the device,
    // the shared PID namespace (db's `sleep` is visible).
    let exec = |script: &str| {
        let out = Command::new("docker")
            .args(["exec", &app, "sh", "-c", script])
            .output()
            .unwrap();
        assert!(out.status.success(), "{script}: {out:?}");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    assert!(exec("cat /etc/hosts").contains("10.1.2.3\tdb.local"));
    assert!(exec("touch /x 2>&1 || echo refused").contains("refused"));
    exec("touch /scratch/x /run/x");
    assert_eq!(exec("ulimit -n; ulimit -u"), "1024\n512");
    exec("test -c /dev/nothing");
    assert!(exec("ps -o comm").lines().filter(|l| *l == "sleep").count() >= 2);
    assert!(exec("cat /etc/resolv.conf").contains("example.com"));
    // Nothing changed: nothing recreated.
    assert!(!g.engine.up(&g.project, &mut |_| {}).unwrap().changed());
}
