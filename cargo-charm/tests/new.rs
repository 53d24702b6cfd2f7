//! `cargo charm new` outside the workspace: the new charm builds and passes its own tests,
//! packs, and its unpacked `dispatch` runs install, config-changed and start through the
//! emulator; charmcraft analyse finds it clean. The `--docker` variant builds and passes its
//! tests too.

mod common;

use std::path::Path;
use std::process::Command;

use charm_emulator::Hook;
use common::{analyse, workspace};

const CARGO_CHARM: &str = env!("CARGO_BIN_EXE_cargo-charm");

/// The workspace's target directory, shared so that the new crate reuses the framework's
/// compiled dependencies (its Cargo.lock is the workspace's, so the versions match).
fn target_dir() -> &'static Path {
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap()
}

fn cargo(dir: &Path, args: &[&str]) -> std::process::Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap()
}

/// `cargo charm new NAME [flags]` in `parent`; returns the crate's directory.
fn new_charm(parent: &Path, name: &str, flags: &[&str]) -> std::path::PathBuf {
    let run = Command::new(CARGO_CHARM)
        .args(["charm", "new", name])
        .args(flags)
        .current_dir(parent)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let dir = parent.join(name);
    assert_eq!(String::from_utf8_lossy(&run.stdout).trim(), name);
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    dir
}

fn passes_its_tests(dir: &Path) {
    let run = cargo(dir, &["test"]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "cargo test of the new charm failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("test result: ok. "), "{stdout}");
    assert!(!stdout.contains("ok. 0 passed"), "{stdout}");
}

#[test]
fn a_new_charm_builds_tests_packs_and_runs_outside_the_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(!tmp.path().starts_with(workspace()));
    let dir = new_charm(tmp.path(), "hello-new", &[]);
    for file in ["Cargo.toml", "charmcraft.yaml", "src/main.rs", "README.md"] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    passes_its_tests(&dir);

    let run = Command::new(CARGO_CHARM)
        .args(["charm", "pack", "--out"])
        .arg(tmp.path())
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let charm = tmp.path().join("hello-new.charm");
    assert_eq!(
        String::from_utf8_lossy(&run.stdout).trim(),
        charm.display().to_string()
    );

    let unpacked = tmp.path().join("unpacked");
    zip::ZipArchive::new(std::fs::File::open(&charm).unwrap())
        .unwrap()
        .extract(&unpacked)
        .unwrap();
    // metadata.yaml and config.yaml written from the unified charmcraft.yaml.
    assert!(unpacked.join("metadata.yaml").is_file());
    assert!(unpacked.join("config.yaml").is_file());
    let model = charm_emulator::ModelDir::init(&charm_emulator::InitOptions {
        model_dir: tmp.path().join("model"),
        charm_dir: unpacked.clone(),
        unit: "hello-new/0".into(),
        leader: true,
        tool_executable: charm_testing::emulator_binary(),
    })
    .unwrap();
    let runner = charm_emulator::Runner::new(model);
    for hook in ["install", "config-changed", "start"] {
        let outcome = runner.run(Hook::new(hook)).unwrap();
        assert!(outcome.success(), "{hook}: {}", outcome.stderr_text());
    }
    let status = runner.model_dir().load().unwrap().unit_status;
    assert_eq!(
        (status.status.as_str(), status.message.as_str()),
        ("active", "Hello, world")
    );
    runner
        .configure(&[("greeting".into(), "Bonjour".into())], &[])
        .unwrap();
    let status = runner.model_dir().load().unwrap().unit_status;
    assert_eq!(status.message, "Bonjour, world");

    // A charm written by `cargo charm new` is clean of every lint that applies to it.
    let (code, results) = analyse(&charm);
    assert_eq!(code, 0, "{results:?}");
    for (name, _, result, text) in results {
        let expected = match name.as_str() {
            "language" | "framework" => "unknown",
            "entrypoint" | "ops-main-call" | "additional-files" | "pip-check" | "pydeps" => {
                "nonapplicable"
            }
            _ => "ok",
        };
        assert_eq!(result, expected, "{name}: {text}");
    }
}

#[test]
fn a_new_docker_charm_builds_and_passes_its_tests_outside_the_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = new_charm(tmp.path(), "web-new", &["--docker"]);
    assert!(dir.join("templates/docker-compose.yml").is_file());
    // Escaping needs no file the author must remember (no askama.toml, no askama line).
    assert!(!dir.join("askama.toml").exists());
    let cargo = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(!cargo.contains("askama"), "{cargo}");
    passes_its_tests(&dir);
}
