//! The newcomer path: the commands of the book's "Your first charm"
//! (book/src/tutorial/first-charm.sh, which the page shows block by block through
//! `{{#include}}`), run in order in a temporary directory outside the workspace. They must end
//! with a packed `.charm` and a deployed unit answering HTTP on its port on 127.0.0.1; then
//! the page's `remove` block takes it all away.
//!
//! The `install` block is the one not run: `cargo install` would rebuild cargo-charm and
//! charm-emulator in release and write to the user's cargo root. Its place is taken by a
//! directory on `PATH` holding this build's two binaries, which is what it installs.

mod common;

use std::path::Path;
use std::process::Command;

use common::workspace;

const CARGO_CHARM: &str = env!("CARGO_BIN_EXE_cargo-charm");
const SCRIPT: &str = "book/src/tutorial/first-charm.sh";
/// The charm the page creates (`cargo charm new my-web --docker`): also its compose project.
const APP: &str = "my-web";

/// The script's `# ANCHOR: name` blocks, in order: (name, text).
fn blocks(script: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in script.lines() {
        let line_trimmed = line.trim();
        if let Some(name) = line_trimmed.strip_prefix("# ANCHOR: ") {
            assert!(
                open.is_none(),
                "{SCRIPT}: ANCHOR {name} inside another block"
            );
            open = Some((name.to_owned(), String::new()));
        } else if let Some(name) = line_trimmed.strip_prefix("# ANCHOR_END: ") {
            let (open_name, text) = open.take().expect("ANCHOR_END without ANCHOR");
            assert_eq!(open_name, name, "{SCRIPT}: mismatched ANCHOR_END");
            out.push((open_name, text));
        } else if let Some((_, text)) = open.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    assert!(open.is_none(), "{SCRIPT}: a block is not closed");
    out
}

/// A TCP port nobody listens on now (the machine is shared: never a fixed one).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET /` on 127.0.0.1:`port`: the whole response, once something answers (5 s at most).
fn http_get(port: u16) -> Option<String> {
    use std::io::{Read, Write};
    for _ in 0..50 {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
            let mut response = String::new();
            if stream
                .write_all(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
                .is_ok()
                && stream.read_to_string(&mut response).is_ok()
                && response.starts_with("HTTP/1.")
            {
                return Some(response);
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    None
}

/// Runs `text` with bash (`set -euo pipefail`) in `dir`, the tutorial's environment set.
fn run(dir: &Path, bin: &Path, port: u16, text: &str) -> String {
    let path = std::env::join_paths(std::iter::once(bin.to_owned()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("set -euo pipefail\n{text}"))
        .current_dir(dir)
        .env("PATH", path)
        .env("FRAMEWORK", workspace())
        .env("PORT", port.to_string())
        // The workspace's target directory: the new crate reuses the framework's compiled
        // dependencies (its Cargo.lock is the workspace's, so the versions match).
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap(),
        )
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the tutorial's commands failed ({}):\n{text}\n--- stdout\n{stdout}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn the_first_charm_tutorial_ends_with_a_packed_charm_and_a_unit_answering_on_its_port() {
    let script = std::fs::read_to_string(workspace().join(SCRIPT)).unwrap();
    let blocks = blocks(&script);
    let names: Vec<&str> = blocks.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "settings", "install", "new", "test", "check", "pack", "images", "deploy", "config",
            "remove"
        ],
        "{SCRIPT}: the page's blocks"
    );
    let text = |name: &str| &blocks.iter().find(|(n, _)| n == name).unwrap().1;

    let tmp = tempfile::tempdir().unwrap();
    assert!(!tmp.path().starts_with(workspace()));
    // What the `install` block puts on PATH: this build's cargo-charm and charm-emulator.
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(CARGO_CHARM, bin.join("cargo-charm")).unwrap();
    std::os::unix::fs::symlink(charm_testing::emulator_binary(), bin.join("charm-emulator"))
        .unwrap();
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let port = free_port();
    // Removes the containers even when an assertion below fails.
    let _cleanup = charm_testing::ProjectCleanup(APP.to_owned());

    let until_remove: String = blocks
        .iter()
        .filter(|(name, _)| name != "install" && name != "remove")
        .map(|(_, text)| text.as_str())
        .collect();
    let stdout = run(&work, &bin, port, &until_remove);

    let charm = work.join(APP).join(format!("{APP}.charm"));
    assert!(charm.is_file(), "no {}:\n{stdout}", charm.display());
    let page = http_get(port).unwrap_or_else(|| panic!("nothing answers on {port}:\n{stdout}"));
    assert!(
        page.starts_with("HTTP/1.0 200") || page.starts_with("HTTP/1.1 200"),
        "{page}"
    );
    assert!(page.contains("voting-app vote tier"), "{page}");
    assert!(
        stdout.contains(&format!("Bonjour, world: serving on port {port}")),
        "the status after the config change:\n{stdout}"
    );

    let removal = format!("{}cd {APP}\n{}", text("settings"), text("remove"));
    run(&work, &bin, port, &removal);
    assert!(
        http_get(port).is_none(),
        "{port} still answers after remove"
    );
    let left = Command::new("docker")
        .args(["ps", "-aq", "--filter"])
        .arg(format!("label=com.docker.compose.project={APP}"))
        .output()
        .unwrap();
    assert!(left.stdout.is_empty(), "containers left after remove");
}
