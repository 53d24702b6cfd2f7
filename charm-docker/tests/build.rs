//! `build:` against the real engine: the image is built from a context (Dockerfiles `FROM`
//! the offline test image charm-test/busybox) through the engine's build API at `up`, named
//! `<project>-<service>` when the file names none, not rebuilt while present, rebuilt with
//! `pull_policy: build` (keeping the layer cache, so the container is left alone), and a
//! failing build fails that service only, with the failing step's message.
//!
//! Needs an engine and the test images (`scripts/docker-up.sh && scripts/build-test-images.sh`);
//! fails loudly without them. Each test has its own project and removes what it built.

use std::process::Command;

use charm_docker::{Action, DownOptions, Engine, Error, Project};

struct Guard {
    engine: Engine,
    project: Project,
    images: Vec<String>,
    _dir: tempfile::TempDir,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Err(e) = self
            .engine
            .down(&self.project, DownOptions { volumes: true })
        {
            eprintln!("cleanup of {} failed: {e}", self.project.name());
        }
        for image in &self.images {
            let _ = Command::new("docker").args(["rmi", "-f", image]).output();
        }
    }
}

/// A project in a fresh directory holding `files`, its compose file `yaml`.
fn setup(test: &str, yaml: &str, files: &[(&str, &str)], images: &[&str]) -> Guard {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let compose = dir.path().join("compose.yaml");
    std::fs::write(&compose, yaml).unwrap();
    let name = format!("cdb-{test}-{}", std::process::id());
    let project = Project::builder(&compose).name(&name).build().unwrap();
    let engine = Engine::connect().unwrap_or_else(|e| {
        panic!("no Docker engine ({e}): run scripts/docker-up.sh and scripts/build-test-images.sh")
    });
    Guard {
        engine,
        images: images.iter().map(|i| i.replace("{p}", &name)).collect(),
        project,
        _dir: dir,
    }
}

fn docker(args: &[&str]) -> String {
    let out = Command::new("docker").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

const DOCKERFILE: &str = "FROM charm-test/busybox\n\
ARG GREETING=unset\n\
ENV GREETING=$GREETING\n\
COPY . /ctx\n\
RUN test -f /ctx/msg\n\
CMD [\"sleep\", \"3600\"]\n";

#[test]
fn up_builds_a_missing_image_from_its_context_once() {
    let g = setup(
        "ctx",
        "services:\n  app:\n    build:\n      context: ./app\n      args: {GREETING: hi}\n      labels: {built-by: charm-docker}\n      tags: ['{TAG}']\n    init: true\n"
            .replace("{TAG}", &format!("cdb-extra-{}:t1", std::process::id()))
            .as_str(),
        &[
            ("app/Dockerfile", DOCKERFILE),
            ("app/msg", "hello\n"),
            ("app/secret.txt", "not for the image\n"),
            ("app/.dockerignore", "secret.txt\n"),
        ],
        &["{p}-app:latest", &format!("cdb-extra-{}:t1", std::process::id())],
    );
    let image = format!("{}-app:latest", g.project.name());
    let report = g.engine.up(&g.project, &mut |_| {}).unwrap();
    assert_eq!(report.built, std::slice::from_ref(&image));
    assert_eq!(report.action("app"), Some(Action::Created));
    let container = format!("{}-app-1", g.project.name());
    assert_eq!(
        docker(&["inspect", "-f", "{{.Config.Image}}", &container]),
        image
    );
    let listing = docker(&["exec", &container, "ls", "-a", "/ctx"]);
    assert!(listing.contains("msg"), "{listing}");
    assert!(
        !listing.contains("secret.txt"),
        ".dockerignore applied: {listing}"
    );
    let env = docker(&["inspect", "-f", "{{json .Config.Env}}", &container]);
    assert!(env.contains("\"GREETING=hi\""), "{env}");
    assert_eq!(
        docker(&[
            "image",
            "inspect",
            "-f",
            "{{index .Config.Labels \"built-by\"}}",
            &image
        ]),
        "charm-docker"
    );
    // The extra tag names the same image.
    let extra = format!("cdb-extra-{}:t1", std::process::id());
    assert_eq!(
        docker(&["image", "inspect", "-f", "{{.Id}}", &extra]),
        docker(&["image", "inspect", "-f", "{{.Id}}", &image])
    );

    // Present: not built again, nothing recreated.
    let again = g.engine.up(&g.project, &mut |_| {}).unwrap();
    assert!(again.built.is_empty(), "{:?}", again.built);
    assert_eq!(again.action("app"), Some(Action::Unchanged));
}

#[test]
fn pull_policy_build_rebuilds_and_an_unchanged_context_keeps_the_container() {
    let g = setup(
        "always",
        "services:\n  app:\n    image: cdb-always-{PID}:1\n    pull_policy: build\n    build:\n      dockerfile_inline: |\n        FROM charm-test/busybox AS base\n        RUN echo base > /stage\n        FROM base AS runtime\n        RUN echo runtime > /stage\n        FROM base AS other\n        RUN echo other > /stage\n        FROM runtime\n      target: other\n    command: [sleep, '3600']\n"
            .replace("{PID}", &std::process::id().to_string())
            .as_str(),
        &[],
        &[&format!("cdb-always-{}:1", std::process::id())],
    );
    let first = g.engine.up(&g.project, &mut |_| {}).unwrap();
    assert_eq!(first.built.len(), 1);
    let container = format!("{}-app-1", g.project.name());
    assert_eq!(
        docker(&["exec", &container, "cat", "/stage"]),
        "other",
        "target honoured"
    );
    let second = g.engine.up(&g.project, &mut |_| {}).unwrap();
    assert_eq!(
        second.built.len(),
        1,
        "pull_policy: build builds on every up"
    );
    assert_eq!(
        second.action("app"),
        Some(Action::Unchanged),
        "the cached build is the same image"
    );
}

#[test]
fn a_failing_build_fails_its_service_only() {
    let g = setup(
        "fail",
        "services:\n  broken:\n    build: ./broken\n  fine:\n    image: charm-test/busybox\n    command: [sleep, '3600']\n",
        &[(
            "broken/Dockerfile",
            "FROM charm-test/busybox\nRUN echo about to fail && exit 3\n",
        )],
        &["{p}-broken:latest"],
    );
    let err = g.engine.up(&g.project, &mut |_| {}).unwrap_err();
    let [failure] = err.failures() else {
        panic!("one failure expected: {err}");
    };
    assert_eq!(failure.service, "broken");
    match &failure.error {
        Error::Build { image, reason } => {
            assert_eq!(image, &format!("{}-broken:latest", g.project.name()));
            assert!(reason.contains("returned a non-zero code: 3"), "{reason}");
        }
        other => panic!("expected a build error, got {other:?}"),
    }
    let report = err.partial_report().unwrap();
    assert_eq!(report.action("fine"), Some(Action::Created));
}
