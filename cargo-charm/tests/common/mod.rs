//! Helpers shared by the test files.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

/// The framework's workspace root.
pub fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// Runs `charmcraft analyse --format=json` on `charm`: its exit code and each
/// (name, check type, result, text).
#[allow(dead_code)] // not every test file lints
pub fn analyse(charm: &Path) -> (i32, Vec<(String, String, String, String)>) {
    let setup = Command::new(workspace().join("scripts/venv-charmcraft.sh"))
        .output()
        .unwrap();
    assert!(
        setup.status.success(),
        "scripts/venv-charmcraft.sh failed:\n{}",
        String::from_utf8_lossy(&setup.stderr)
    );
    let charmcraft = String::from_utf8_lossy(&setup.stdout).trim().to_owned();
    let runtime = tempfile::tempdir().unwrap();
    std::fs::set_permissions(runtime.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let run = Command::new(&charmcraft)
        .args(["analyse", "--format=json"])
        .arg(charm)
        .env("XDG_RUNTIME_DIR", runtime.path())
        .output()
        .unwrap();
    // charmcraft exits 0 when clean, 3 on warnings only (2 on errors).
    let code = run.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 3,
        "charmcraft analyse failed ({code}):\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "charmcraft analyse gave no JSON ({e}):\n{}",
            String::from_utf8_lossy(&run.stdout)
        )
    });
    let results = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            (s("name"), s("check_type"), s("result"), s("text"))
        })
        .collect();
    (code, results)
}
