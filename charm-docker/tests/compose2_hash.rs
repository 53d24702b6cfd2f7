//! Compose v2's config hash, differentially: for every service of the seed's five-service
//! file, of each corpus file charm-docker accepts (tests/corpus.rs) and of feature-focused
//! files below, `Project::compose_v2_hash` must equal what `docker compose config --hash '*'`
//! (v2.40.3, the real peer) prints, or be `None` (the service is then recreated, never wrongly
//! kept). The counts are printed (`cargo test --test compose2_hash -- --nocapture`).
//!
//! `config --hash` does not read `env_file` nor resolve a bare `VAR` from the environment,
//! while `up` does before hashing (and so do we): services using either are compared by the
//! real-engine test in tests/compose2.rs instead, and counted apart here.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use charm_docker::Project;

/// `docker compose config --hash '*'` of `file`: service -> hash, or v2's error.
fn v2_hashes(file: &Path) -> Result<BTreeMap<String, String>, String> {
    let dir = file.parent().unwrap();
    let mut cmd = Command::new(common::compose2_exe());
    cmd.current_dir(dir).env_clear().env("HOME", dir);
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    let out = cmd
        .args(["-p", "hash", "-f"])
        .arg(file)
        .args(["config", "--hash", "*"])
        .output()
        .unwrap();
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(s, h)| (s.to_owned(), h.to_owned()))
        .collect())
}

/// Whether `up` hashes service `name` of `file` differently from `config --hash`: it has an
/// `env_file` or a bare variable in `environment`.
fn resolved_at_up(file: &Path, name: &str) -> bool {
    let text = std::fs::read_to_string(file).unwrap();
    let tree: serde_json::Value = charm_yaml::from_str(&text).unwrap_or_default();
    let service = &tree["services"][name];
    let bare = match &service["environment"] {
        serde_json::Value::Array(items) => items
            .iter()
            .any(|i| i.as_str().is_some_and(|s| !s.contains('='))),
        serde_json::Value::Object(map) => map.values().any(|v| v.is_null()),
        _ => false,
    };
    bare || !service["env_file"].is_null()
}

#[derive(Default)]
struct Tally {
    matched: usize,
    no_hash: Vec<String>,
    resolved_at_up: usize,
    mismatched: Vec<String>,
}

impl Tally {
    fn file(&mut self, label: &str, file: &Path) {
        let Ok(project) = Project::builder(file).name("hash").build() else {
            return;
        };
        let Ok(theirs) = v2_hashes(file) else {
            return;
        };
        for name in project.file().services().keys() {
            let Some(want) = theirs.get(name) else {
                continue;
            };
            match project.compose_v2_hash(name) {
                None => self.no_hash.push(format!("{label}: {name}")),
                Some(_) if resolved_at_up(file, name) => self.resolved_at_up += 1,
                Some(ours) if ours == *want => self.matched += 1,
                Some(ours) => self
                    .mismatched
                    .push(format!("{label}: {name}: ours {ours}, v2 {want}")),
            }
        }
    }

    fn report(&self, what: &str) {
        println!(
            "{what}: {} services match v2's hash, {} without a v2 hash (recreated), {} \
             resolved at up (engine test), {} mismatched",
            self.matched,
            self.no_hash.len(),
            self.resolved_at_up,
            self.mismatched.len()
        );
        for s in &self.no_hash {
            println!("  no v2 hash: {s}");
        }
        assert!(
            self.mismatched.is_empty(),
            "hashes differing from v2's:\n{}",
            self.mismatched.join("\n")
        );
    }
}

fn write(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
    std::fs::create_dir_all(dir.join("site")).unwrap();
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir.join(files[0].0)
}

#[test]
fn the_five_services_hash_as_v2() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        &[(
            "docker-compose.yml",
            &common::five_services(15000, 15001, 15002),
        )],
    );
    let mut tally = Tally::default();
    tally.file("five", &file);
    tally.report("five services");
    assert_eq!(tally.matched, 5, "every seed service has v2's hash");
}

/// One file per feature charm-docker hashes as v2 does; each service must match.
const FEATURES: &[(&str, &str)] = &[
    (
        "command-entrypoint",
        "services:\n  sh:\n    image: busybox\n    command: \"sh -c 'echo <hi> & bye'\"\n    entrypoint: [/bin/sh]\n  empty:\n    image: busybox\n    command: \"\"\n    entrypoint: []\n",
    ),
    (
        "environment-labels",
        "services:\n  map:\n    image: busybox\n    environment: {B: \"2\", C: true, E: 1.5, U: \"é\\u2028\"}\n    labels: [\"x=1\", \"y\"]\n  list:\n    image: busybox\n    environment: [A=1, B=, D=x=y]\n    labels: {z: \"1\", a: b}\n",
    ),
    (
        "ports",
        "services:\n  short:\n    image: busybox\n    ports: [\"8080:80\", \"127.0.0.1:9000-9001:9000-9001/udp\", 53, \"127.0.0.1::6379\", \"6005-6015:80\", \"[::1]:7000:7000\"]\n  long:\n    image: busybox\n    ports:\n      - {target: 443, published: \"8443\", protocol: tcp, mode: host}\n      - {target: 80}\n      - {target: 81, published: 8081, host_ip: 0.0.0.0}\n",
    ),
    (
        "volumes",
        "services:\n  short:\n    image: busybox\n    volumes: [\"./site:/www:ro\", \"data:/data\", \"/anon\", \"./x:/x:rw\", \"data:/d2:ro\", \"/abs/path/:/p/\", \"./up/../down:/dd//x\", \"./x:/xz:z\", \"./y:/y:ro,Z\", \"data:/nc:nocopy\", \"data:/e:ro,nocopy\"]\n  long:\n    image: busybox\n    volumes:\n      - {type: bind, source: ./src, target: /src}\n      - {type: volume, source: data, target: /v, read_only: true}\n      - {type: volume, target: /anon2/}\n      - {type: bind, source: ./a/../b/, target: /b/./c}\nvolumes:\n  data: {}\n",
    ),
    (
        "networks",
        "services:\n  list:\n    image: busybox\n    networks: [front, back]\n  map:\n    image: busybox\n    networks:\n      front: {aliases: [w, web]}\n      back:\n      fixed: {ipv4_address: 10.5.0.5}\n  none:\n    image: busybox\n    network_mode: none\n  host:\n    image: busybox\n    network_mode: host\nnetworks:\n  front: {}\n  back: {}\n  fixed: {ipam: {config: [{subnet: 10.5.0.0/16}]}}\n",
    ),
    (
        "healthcheck-durations",
        "services:\n  cmd:\n    image: busybox\n    healthcheck: {test: [CMD, \"true\"], interval: 1m30s, timeout: 10s, retries: 3, start_period: 500ms}\n  shell:\n    image: busybox\n    healthcheck: {test: curl -f http://localhost, start_interval: 1h2m3.5s, interval: 90s, timeout: 0s}\n    stop_grace_period: 1m\n  off:\n    image: busybox\n    healthcheck: {disable: true}\n  zero:\n    image: busybox\n    healthcheck: {test: [CMD-SHELL, \"true\"], retries: 0}\n    stop_grace_period: 1500us\n",
    ),
    (
        "scalars",
        "services:\n  all:\n    image: nginx:1.25\n    restart: on-failure:3\n    working_dir: /w\n    user: \"1000\"\n    hostname: h\n    init: true\n    stop_signal: SIGINT\n    tty: true\n    stdin_open: false\n    expose: [\"3000\", 4000, \"8000-8001/udp\"]\n    cap_add: [NET_ADMIN]\n    cap_drop: [ALL]\n    sysctls: {net.core.somaxconn: 1024}\n    logging: {driver: json-file, options: {max-size: 10m}}\n    container_name: webc\n    mac_address: 02:42:ac:11:00:02\n    ipc: shareable\n    platform: linux/amd64\n    links: [\"other:o\"]\n    x-note: ignored\n  other:\n    image: busybox\n    restart: \"no\"\n    init: false\n    tty: false\n  third:\n    image: busybox\n    restart: unless-stopped\n",
    ),
    (
        "deploy-and-cleared",
        "services:\n  res:\n    image: busybox\n    deploy:\n      replicas: 1\n      resources: {limits: {cpus: \"0.5\", memory: 50M, pids: 10}, reservations: {memory: 1G, cpus: '2'}}\n      restart_policy: {condition: on-failure, max_attempts: 3}\n  rep:\n    image: busybox\n    scale: 2\n    pull_policy: always\n    profiles: [p]\n    depends_on: {res: {condition: service_healthy}}\n    deploy: {replicas: 2}\n",
    ),
    (
        "secrets-configs-hooks",
        "services:\n  app:\n    image: busybox\n    secrets: [token, {source: token, target: /run/x}, {source: token, target: rel}]\n    configs: [conf, {source: conf, target: /etc/c}]\n    post_start:\n      - command: echo hi\n        user: root\n    pre_stop: [{command: [echo, bye], privileged: true, working_dir: /, environment: [X=1]}]\nsecrets: {token: {file: ./s.txt}}\nconfigs: {conf: {file: ./s.txt}}\n",
    ),
    (
        "extends-include",
        "include: [db/compose.yaml]\nservices:\n  web:\n    extends: {file: base.yml, service: app}\n    environment: [B=2]\n    depends_on: [db]\n  same:\n    extends: web\n    command: [a]\nvolumes: {logs: }\n",
    ),
    (
        "runtime-keys",
        "services:\n  db:\n    image: busybox\n  app:\n    image: busybox\n    privileged: true\n    read_only: true\n    tmpfs: [\"/run:size=1m\", /scratch]\n    extra_hosts: [\"z.local=10.1.2.3\", \"a.local:10.1.2.4\"]\n    dns: 9.9.9.9\n    dns_search: [example.com, example.org]\n    shm_size: 8m\n    mem_limit: 64m\n    memswap_limit: -1\n    cpus: \"0.25\"\n    cpu_shares: 512\n    ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 512, core: 0}\n    security_opt: [\"no-new-privileges:true\"]\n    pid: host\n    domainname: example.test\n    devices: [\"/dev/null\", \"/dev/zero:/dev/z\", \"/dev/full:/dev/f:r\"]\n  other:\n    image: busybox\n    privileged: false\n    tmpfs: /tmp\n    extra_hosts: {b.local: 10.0.0.1}\n    dns: [1.1.1.1, 8.8.8.8]\n    mem_limit: 1073741824\n    cpus: 2\n    ulimits: {nofile: \"100\"}\n",
    ),
    (
        "interpolated",
        "services:\n  app:\n    image: busybox:${TAG:-1.36}\n    command: echo $${HOME}\n    environment: {GREETING: \"${GREETING-hello}\"}\n",
    ),
];

/// Extended by the `extends-include` case.
const BASE: &str = "services:\n  app:\n    image: y\n    environment: {A: \"1\", B: \"1\"}\n    volumes: [\"./site:/www\", \"logs:/logs\"]\n";
/// Included by the `extends-include` case, with its own relative bind.
const INCLUDED: &str = "services:\n  db:\n    image: pg:${TAG:-16}\n    volumes: [\"data:/data\", \"./init:/init\"]\nvolumes: {data: }\n";

#[test]
fn feature_files_hash_as_v2() {
    let mut tally = Tally::default();
    for (name, text) in FEATURES {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            &[
                ("compose.yaml", text),
                ("s.txt", "s\n"),
                ("base.yml", BASE),
                ("db/compose.yaml", INCLUDED),
            ],
        );
        let before = tally.matched;
        let project = Project::builder(&file)
            .name("hash")
            .build()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        v2_hashes(&file).unwrap_or_else(|e| panic!("{name}: v2 refuses: {e}"));
        tally.file(name, &file);
        assert_eq!(
            tally.matched - before,
            project.file().services().len(),
            "{name}: every service has v2's hash ({:?} {:?})",
            tally.no_hash,
            tally.mismatched
        );
    }
    tally.report("feature files");
}

#[test]
fn corpus_files_hash_as_v2_or_not_at_all() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(root.join("scripts/corpus-compose.sh"))
        .output()
        .expect("cannot run scripts/corpus-compose.sh");
    assert!(out.status.success(), "scripts/corpus-compose.sh failed");
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let mut files = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut tally = Tally::default();
    for file in &files {
        let label = file.strip_prefix(&dir).unwrap().display().to_string();
        tally.file(&label, file);
    }
    tally.report("corpus");
    assert!(tally.matched >= 80, "{} matched", tally.matched);
}

/// Opt-in, for measuring other corpora (the README's): every `*compose*.y(a)ml` under the
/// directories in `CHARM_DOCKER_V2_CORPUS` (`:`-separated); nothing when it is unset.
#[test]
fn more_files_hash_as_v2_or_not_at_all() {
    let Some(dirs) = std::env::var_os("CHARM_DOCKER_V2_CORPUS") else {
        return;
    };
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = std::env::split_paths(&dirs).collect();
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap().flatten() {
            let path = entry.path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                stack.push(path);
            } else if name.contains("compose")
                && (name.ends_with(".yml") || name.ends_with(".yaml"))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut tally = Tally::default();
    for file in &files {
        tally.file(&file.display().to_string(), file);
    }
    tally.report(&format!("{} files", files.len()));
}
