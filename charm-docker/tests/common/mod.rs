//! Shared by the integration tests that drive docker-compose 1.29.

#![allow(dead_code)] // each test binary uses its own part

pub mod fixture;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The docker-compose 1.29.2 executable, installed by `scripts/venv-compose.sh` on first use
/// (a no-op in well under a second once the venv exists). Panics, loudly, when it cannot be.
pub fn compose1_exe() -> &'static Path {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let out = Command::new(root.join("scripts/venv-compose.sh"))
            .output()
            .expect("cannot run scripts/venv-compose.sh");
        assert!(
            out.status.success(),
            "scripts/venv-compose.sh failed (docker-compose 1.29 is needed by these tests):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
    })
}

/// Runs docker-compose 1.29 in `dir` with only `vars` in its environment (as charm-docker
/// sees only the variables it is given): `docker-compose -p PROJECT ARGS`.
pub fn compose1_with(
    dir: &Path,
    project: Option<&str>,
    args: &[&str],
    vars: &[(&str, &str)],
) -> Output {
    let mut cmd = Command::new(compose1_exe());
    cmd.current_dir(dir).env_clear();
    for key in ["PATH", "DOCKER_HOST"] {
        if let Some(value) = std::env::var_os(key) {
            cmd.env(key, value);
        }
    }
    // The docker SDK reads ~/.docker; keep it away from the user's.
    cmd.env("HOME", dir);
    cmd.envs(vars.iter().copied());
    if let Some(project) = project {
        cmd.args(["-p", project]);
    }
    cmd.args(args).output().expect("cannot run docker-compose")
}

/// `docker-compose -p PROJECT ARGS` in `dir` with an empty environment.
pub fn compose1(dir: &Path, project: &str, args: &[&str]) -> Output {
    compose1_with(dir, Some(project), args, &[])
}

/// `N` distinct free ports: all listeners stay open until every port is chosen.
pub fn free_ports<const N: usize>() -> [u16; N] {
    let listeners: Vec<TcpListener> = (0..N)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    std::array::from_fn(|i| listeners[i].local_addr().unwrap().port())
}

/// The seed's five services on the offline images, ports on loopback.
pub fn five_services(vote: u16, result: u16, debug: u16) -> String {
    // The seed's five services on local images; init makes them stop on SIGTERM at once.
    format!(
        r#"version: "2"
services:
  vote:
    image: charm-test/busybox
    command: httpd -f -p 80 -h /www
    init: true
    ports:
      - "127.0.0.1:{vote}:80"
    depends_on: [redis]
  redis:
    image: charm-test/redis
    init: true
    ports: ["127.0.0.1::6379"]
  worker:
    image: charm-test/busybox
    command: sleep 3600
    init: true
    depends_on: [redis, db]
  db:
    image: charm-test/busybox
    command: ["sleep", "3600"]
    init: true
  result:
    image: charm-test/busybox
    command: httpd -f -p 80 -h /www
    init: true
    ports:
      - "127.0.0.1:{result}:80"
      - "127.0.0.1:{debug}:5858"
    depends_on: [db]
"#
    )
}

/// Two services using the container runtime keys (privileges, filesystem, name
/// resolution, resources, devices, namespaces) in forms docker-compose 1.29 reads too.
pub const RUNTIME_KEYS: &str = r#"services:
  db:
    image: charm-test/busybox
    command: sleep 3600
    init: true
  app:
    image: charm-test/busybox
    command: sleep 3600
    init: true
    # This engine (itself in a container) cannot start a privileged one; the key is still
    # read, hashed and sent (the unit tests render `true`).
    privileged: false
    read_only: "${READ_ONLY:-true}"
    tmpfs: ["/run:size=1m", /scratch]
    extra_hosts: ["db.local:10.1.2.3", "gw:10.1.2.4"]
    dns: 9.9.9.9
    dns_search: [example.com, example.org]
    shm_size: 8m
    mem_limit: 64m
    memswap_limit: 128m
    cpus: "0.25"
    cpu_shares: 512
    ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: "512"}
    security_opt: ["no-new-privileges:true"]
    devices: ["/dev/null:/dev/nothing:rw"]
    pid: "service:db"
    domainname: example.test
    depends_on: [db]
"#;

/// The Docker Compose v2 executable (v2.40.3), installed by `scripts/compose-v2.sh` on first
/// use (a no-op in well under a second once there). Panics, loudly, when it cannot be.
pub fn compose2_exe() -> &'static Path {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let out = Command::new(root.join("scripts/compose-v2.sh"))
            .output()
            .expect("cannot run scripts/compose-v2.sh");
        assert!(
            out.status.success(),
            "scripts/compose-v2.sh failed (Compose v2 is needed by these tests):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
    })
}

/// `docker compose -p PROJECT ARGS` (v2) in `dir` with an empty environment.
pub fn compose2(dir: &Path, project: &str, args: &[&str]) -> Output {
    let mut cmd = Command::new(compose2_exe());
    cmd.current_dir(dir).env_clear();
    for key in ["PATH", "DOCKER_HOST"] {
        if let Some(value) = std::env::var_os(key) {
            cmd.env(key, value);
        }
    }
    // The Docker CLI config lives under ~/.docker; keep it away from the user's.
    cmd.env("HOME", dir);
    cmd.args(["-p", project]).args(args);
    cmd.output().expect("cannot run docker compose v2")
}
