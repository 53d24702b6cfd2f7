//! `cargo charm pack` on the voting-app: the archive's layout and modes, a static `dispatch`,
//! the unpacked charm deployed through the emulator against the real Docker engine, and
//! charmcraft's own linter (`charmcraft analyse`, installed from PyPI by
//! scripts/venv-charmcraft.sh).

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

mod common;
use common::{analyse, workspace};

const CARGO_CHARM: &str = env!("CARGO_BIN_EXE_cargo-charm");

/// voting-app.charm, packed once for every test of this file.
fn packed() -> &'static Path {
    static PACKED: OnceLock<PathBuf> = OnceLock::new();
    PACKED.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pack-voting-app");
        let _ = std::fs::remove_dir_all(&out);
        let run = Command::new(CARGO_CHARM)
            .args(["charm", "pack", "--manifest-path"])
            .arg(workspace().join("voting-app/Cargo.toml"))
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "cargo charm pack failed:\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let path = PathBuf::from(String::from_utf8_lossy(&run.stdout).trim());
        assert_eq!(path, out.join("voting-app.charm"));
        path
    })
}

fn archive() -> zip::ZipArchive<std::fs::File> {
    zip::ZipArchive::new(std::fs::File::open(packed()).unwrap()).unwrap()
}

fn entry_text(name: &str) -> String {
    let mut zip = archive();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The charm unpacked into a fresh directory.
fn unpacked() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    archive().extract(dir.path()).unwrap();
    dir
}

// ANCHOR: layout
#[test]
fn the_archive_holds_what_juju_reads_with_its_modes() {
    let mut zip = archive();
    let names = zip.file_names().map(|n| n.unwrap().into_owned());
    let mut names: Vec<String> = names.collect();
    names.sort();
    assert_eq!(
        names,
        [
            "actions.yaml",
            "config.yaml",
            "dispatch",
            "hooks/install",
            "hooks/start",
            "hooks/upgrade-charm",
            "manifest.yaml",
            "metadata.yaml"
        ]
    );
    for i in 0..zip.len() {
        let file = zip.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        let mode = file
            .unix_mode()
            .expect("every entry is marked as made on Unix");
        let want = match name.as_str() {
            "dispatch" => 0o100755,
            n if n.starts_with("hooks/") => 0o120777,
            _ => 0o100644,
        };
        assert_eq!(mode, want, "{name}: {mode:o}");
        if name != "dispatch" && !name.starts_with("hooks/") {
            assert_eq!(file.compression(), zip::CompressionMethod::Deflated);
        }
    }
    // The charm's own files go in as they are.
    for name in ["metadata.yaml", "config.yaml"] {
        let path = workspace().join("voting-app").join(name);
        let source = std::fs::read_to_string(path).unwrap();
        assert_eq!(entry_text(name), source, "{name}");
    }
    // Bases with the channel as a YAML string (Juju 3 refuses a charm without bases).
    let manifest = entry_text("manifest.yaml");
    let manifest: charm_yaml::Value = charm_yaml::from_str(&manifest).unwrap();
    let bases = manifest["bases"].as_sequence().unwrap();
    assert!(!bases.is_empty());
    for base in bases {
        assert_eq!(base["name"].as_str(), Some("ubuntu"));
        assert!(base["channel"].as_str().is_some(), "{base:?}");
        assert_eq!(base["architectures"][0].as_str(), Some("amd64"));
    }
    let mut target = String::new();
    zip.by_name("hooks/install")
        .unwrap()
        .read_to_string(&mut target)
        .unwrap();
    assert_eq!(target, "../dispatch");
}
// ANCHOR_END: layout

#[test]
fn unpacked_modes_survive_and_dispatch_is_static() {
    let dir = unpacked();
    let dispatch = dir.path().join("dispatch");
    let mode = std::fs::metadata(&dispatch).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o755);
    let link = std::fs::read_link(dir.path().join("hooks/start")).unwrap();
    assert_eq!(link, Path::new("../dispatch"));
    let file = Command::new("file")
        .arg(&dispatch)
        .output()
        .expect("`file` (Debian's file package) is needed for this test");
    let said = String::from_utf8_lossy(&file.stdout);
    assert!(
        said.contains("statically linked") || said.contains("static-pie linked"),
        "{said}"
    );
}

#[test]
fn the_unpacked_dispatch_deploys_through_the_emulator() {
    let dir = unpacked();
    let app = format!("packed-voting-{}", std::process::id());
    let _cleanup = charm_testing::ProjectCleanup(app.clone());
    let model = charm_emulator::ModelDir::init(&charm_emulator::InitOptions {
        model_dir: dir.path().join("model"),
        charm_dir: dir.path().to_owned(),
        unit: format!("{app}/0"),
        leader: true,
        tool_executable: charm_testing::emulator_binary(),
    })
    .unwrap();
    let [vote, result] = charm_testing::free_ports();
    model
        .transact(|emu| {
            let m = emu.model_mut();
            m.set_config("vote-image", "charm-test/vote-demo")?;
            m.set_config("result-image", "charm-test/result-demo")?;
            m.set_config("worker-image", "charm-test/worker-demo")?;
            m.set_config("postgres-image", "charm-test/worker-demo")?;
            m.set_config("redis-image", "charm-test/redis")?;
            m.set_config("vote-port", &vote.to_string())?;
            m.set_config("result-port", &result.to_string())
        })
        .unwrap();
    // No --charm-binary: the emulator runs the unpacked `dispatch`, as Juju does.
    let runner = charm_emulator::Runner::new(model).with_env("CHARM_DOCKER_HOST_IP", "127.0.0.1");
    let outcomes = runner.deploy().unwrap();
    let hooks: Vec<&str> = outcomes.iter().map(|o| o.hook.name.as_str()).collect();
    assert_eq!(
        hooks,
        ["install", "leader-elected", "config-changed", "start"]
    );
    for outcome in &outcomes {
        assert!(
            outcome.success(),
            "{}: {}",
            outcome.hook.name,
            outcome.stderr_text()
        );
    }
    let status = runner.model_dir().load().unwrap().unit_status;
    assert_eq!(status.status, "active", "{status:?}");
}

/// `charmcraft analyse`, the official linter, on the packed charm.
///
/// What a binary charm cannot pass, asserted exactly: the `language` and `framework`
/// attributes are `unknown` (they recognise Python and ops/reactive), and the lints that look
/// for a Python entrypoint, ops' `main()` call, a build environment or a Python venv are
/// `nonapplicable`. Every other lint is `ok`: no error, no warning (the voting-app's options
/// are dashed, `vote-image`, as charmcraft's `naming-conventions` asks; the typed `Config`
/// still reads `config.vote_image`).
// ANCHOR: analyse
#[test]
fn charmcraft_analyse_finds_nothing_that_applies_to_a_binary_charm() {
    let (code, results) = analyse(packed());
    assert_eq!(code, 0, "no error and no warning: {results:?}");
    for (name, check_type, result, text) in &results {
        let expected = match name.as_str() {
            "language" | "framework" => "unknown",
            // The lints that look for Python and ops.
            "entrypoint" | "ops-main-call" | "additional-files" => "nonapplicable",
            "pip-check" | "pydeps" => "nonapplicable",
            _ => "ok",
        };
        assert_eq!(result, expected, "{name} ({check_type}): {text}");
    }
    let names: Vec<&str> = results.iter().map(|r| r.0.as_str()).collect();
    for lint in ["metadata", "juju-config", "juju-actions", "entrypoint"] {
        assert!(
            names.contains(&lint),
            "charmcraft ran no {lint} lint: {names:?}"
        );
    }
}
// ANCHOR_END: analyse

// ANCHOR: refuses
#[test]
fn pack_refuses_bad_charm_files_naming_file_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"bad\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(
        dir.path().join("metadata.yaml"),
        concat!(
            "name: bad\nsummary: s\ndescription: d\n",
            "requires:\n  db:\n    interface: pgsql\n    scope: machine\n",
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("config.yaml"),
        "options:\n  port:\n    type: int\n    default: \"80\"\n    description: p\n",
    )
    .unwrap();
    let run = Command::new(CARGO_CHARM)
        .args(["charm", "pack", "--manifest-path"])
        .arg(dir.path().join("Cargo.toml"))
        .arg("--out")
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(
        stderr.contains(concat!(
            "error: metadata.yaml:7: `requires.db.scope`: ",
            "must be `global` or `container`"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(concat!(
            "error: config.yaml:4: `options.port.default`: ",
            "the default \"80\" is not of type int"
        )),
        "{stderr}"
    );
    // Checked before anything is built.
    assert!(!stderr.contains("Compiling"), "{stderr}");
    assert!(!dir.path().join("bad.charm").exists());
}
// ANCHOR_END: refuses
