//! Faults the operator can fix are statuses naming the cause, never hook errors, and the
//! hook after the fix converges: a full disk and a read-only filesystem while rendering (a
//! real tmpfs, mounted over the charm's `files/`), an engine that is down, an image that is
//! missing, a port that is taken (the harness's Docker double). And one hook at a time per
//! unit: a second hook waits for the first, or fails naming the lock.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use charm_testing::Harness;

/// A tmpfs mounted at a path for the test's lifetime.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Self {
        std::fs::create_dir_all(at).unwrap();
        let out = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0755"),
                "tmpfs",
            ])
            .arg(at)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs to fill it (run as root, as scripts/test.sh is): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Self(at.to_owned())
    }

    fn remount(&self, options: &str) {
        let out = std::process::Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.0)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// Fills the filesystem of `dir` to the last byte.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = vec![b'x'; 4096];
    while file.write_all(&block).is_ok() {}
    while file.write_all(b"x").is_ok() {}
    path
}

fn docker_harness() -> Harness {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("docker");
    Harness::new(&faults::faulty_docker::CHARM, source, "faulty-docker/0").unwrap()
}

fn status(h: &Harness) -> (String, String) {
    let s = h.unit_status();
    (s.status, s.message)
}

fn ok(out: &charm_testing::Output) {
    if let Err(err) = &out.result {
        panic!("{}: the hook failed: {err}", out.hook);
    }
}

#[test]
fn a_full_disk_or_read_only_files_block_naming_the_cause_and_the_fix_converges() {
    let mut h = docker_harness();
    let docker = h.fake_docker();
    let files = h.charm_dir().join("files");
    let mount = Mount::tmpfs(&files, "64k");
    let filler = fill(&files);

    ok(&h.run("install"));
    let wanted = format!(
        "cannot write {}: no space left on the device",
        faults::faulty_docker::FILE
    );
    assert_eq!(status(&h), ("blocked".to_owned(), wanted));
    assert!(docker.ups().is_empty(), "nothing brought up from no file");
    common::assert_no_temp_files(h.charm_dir(), "after ENOSPC");

    // The operator frees space: the next hook writes the file and brings the project up.
    std::fs::remove_file(&filler).unwrap();
    ok(&h.run("update-status"));
    assert_eq!(status(&h), ("active".to_owned(), "running".to_owned()));
    assert_eq!(docker.ups().len(), 1);
    let file = std::fs::read_to_string(h.charm_dir().join(faults::faulty_docker::FILE)).unwrap();
    assert!(file.contains("faults/stall:1"), "{file}");

    // Read-only now; a config change cannot be rendered.
    mount.remount("ro");
    h.set_config("image", "faults/other:2").unwrap();
    ok(&h.run("config-changed"));
    let wanted = format!(
        "cannot write {}: the filesystem is read-only",
        faults::faulty_docker::FILE
    );
    assert_eq!(status(&h), ("blocked".to_owned(), wanted));
    assert_eq!(
        docker.ups().len(),
        1,
        "the old file is not brought up again"
    );

    mount.remount("rw");
    ok(&h.run("update-status"));
    assert_eq!(status(&h), ("active".to_owned(), "running".to_owned()));
    let file = std::fs::read_to_string(h.charm_dir().join(faults::faulty_docker::FILE)).unwrap();
    assert!(file.contains("faults/other:2"), "{file}");
}

#[test]
fn engine_down_image_missing_and_port_taken_are_statuses_not_hook_errors() {
    let mut h = docker_harness();
    let docker = h.fake_docker();
    ok(&h.run("install"));
    assert_eq!(status(&h), ("active".to_owned(), "running".to_owned()));

    docker.fail_image("faults/missing:1");
    h.set_config("image", "faults/missing:1").unwrap();
    ok(&h.run("config-changed"));
    let (kind, message) = status(&h);
    assert_eq!(kind, "blocked");
    assert!(message.contains("faults/missing:1"), "{message}");

    docker.heal();
    docker.set_engine_down(true);
    ok(&h.run("update-status"));
    let (kind, message) = status(&h);
    assert_eq!(kind, "waiting", "{message}");
    assert!(
        message.starts_with("Docker engine not reachable at "),
        "{message}"
    );

    docker.set_engine_down(false);
    ok(&h.run("update-status"));
    assert_eq!(status(&h), ("active".to_owned(), "running".to_owned()));
}

#[test]
fn a_second_hook_waits_for_the_first_or_fails_naming_the_lock() {
    let unit = common::Faulty::fresh();
    let charm_dir = unit.charm_dir().to_owned();
    let held = charm_core::HookLock::acquire(&charm_dir, Duration::ZERO).unwrap();
    std::fs::write(
        charm_dir.join(charm_core::SETTINGS_FILE),
        "CHARM_HOOK_LOCK_TIMEOUT=1\n",
    )
    .unwrap();
    let started = Instant::now();
    let out = unit
        .unit
        .runner
        .run(charm_emulator::Hook::new("install"))
        .unwrap();
    assert!(!out.success());
    assert!(started.elapsed() < Duration::from_secs(5));
    let stderr = out.stderr_text();
    assert!(
        stderr.contains("another hook of this unit is running")
            && stderr.contains(charm_core::LOCK_FILE),
        "{stderr}"
    );
    assert!(unit.unit.state_file().is_empty(), "nothing committed");

    // Held for a moment only: the hook waits, then runs.
    std::fs::remove_file(charm_dir.join(charm_core::SETTINGS_FILE)).unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        drop(held);
    });
    let out = unit
        .unit
        .runner
        .run(charm_emulator::Hook::new("install"))
        .unwrap();
    release.join().unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    unit.assert_converged("after waiting for the lock");
}

/// Hooks of one unit started at once (by hand beside Juju's): each counts itself in the unit
/// state; without the lock, two that overlap load the same count and one update is lost.
#[test]
fn hooks_at_once_lose_no_update() {
    let f = common::Faulty::deployed();
    let rounds = 6;
    for _ in 0..rounds {
        let runs: Vec<_> = (0..2)
            .map(|_| {
                let runner = f.unit.runner.clone();
                std::thread::spawn(move || runner.run(charm_emulator::Hook::new("update-status")))
            })
            .collect();
        for run in runs {
            let out = run.join().unwrap().unwrap();
            assert!(out.success(), "{}", out.stderr_text());
        }
    }
    let state: charm_core::Snapshot = serde_json::from_slice(&f.unit.state_file()).unwrap();
    assert_eq!(
        state.kv.get("charm.update-status.count"),
        Some(&serde_json::json!(2 * rounds)),
        "every hook's update survived"
    );
    f.assert_converged("after the concurrent hooks");
}
