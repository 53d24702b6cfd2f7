//! `cargo charm pack`: check the charm files, build a static binary, write `<name>.charm`.
//!
//! The archive is laid out as charmcraft lays out a charm (charmcraft's `package.py`:
//! metadata.yaml, config.yaml, actions.yaml, manifest.yaml, `dispatch`, `hooks/*` as
//! relative symlinks to `../dispatch`) with the compiled charm itself as `dispatch`, as Go
//! charms do.

use std::io::Write;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::diag::{self, Severity};
use crate::files::{Base, CharmFiles};
use crate::project::{Project, cargo};

/// The one target whose static build is known to work here.
pub const DEFAULT_TARGET: &str = "x86_64-unknown-linux-gnu";

/// Hooks Juju before 2.8 runs instead of dispatch (charmcraft's list).
const LEGACY_HOOKS: &[&str] = &["install", "start", "upgrade-charm"];

/// Optional files copied as they are when present in the crate.
const EXTRA_FILES: &[&str] = &["README.md", "LICENSE", "icon.svg", "revision", "version"];

/// What `pack` is asked to do.
#[derive(Debug, Clone)]
pub struct PackOptions {
    /// The charm crate's Cargo.toml (default: the one cargo finds from here).
    pub manifest_path: Option<PathBuf>,
    /// Where the .charm goes (default: the current directory).
    pub out: Option<PathBuf>,
    /// The binary target, when the crate has several.
    pub bin: Option<String>,
    /// The Rust target triple.
    pub target: String,
    /// Use this binary instead of building one (it must be static all the same).
    pub binary: Option<PathBuf>,
}

/// Checks, builds and writes the charm; returns the archive's path.
pub fn pack(options: &PackOptions) -> Result<PathBuf, String> {
    let project = Project::locate(options.manifest_path.as_deref(), options.bin.as_deref())?;
    let files = CharmFiles::load(&project.dir).map_err(|found| report(&found))?;
    let found = files.check();
    for warning in found.iter().filter(|d| d.severity == Severity::Warning) {
        eprintln!("{warning}");
    }
    if diag::has_errors(&found) {
        return Err(report(&found));
    }
    let arch = architecture(&options.target)?;
    let binary = match &options.binary {
        Some(b) => b.clone(),
        None => build(&project, &options.target)?,
    };
    let elf = std::fs::read(&binary).map_err(|e| format!("{}: {e}", binary.display()))?;
    if !is_static(&elf)? {
        return Err(format!(
            "{} is dynamically linked: it would need the unit's glibc; build with RUSTFLAGS=\"-C target-feature=+crt-static\"",
            binary.display()
        ));
    }
    let out_dir = match &options.out {
        Some(d) => d.clone(),
        None => std::env::current_dir().map_err(|e| format!("current directory: {e}"))?,
    };
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let path = out_dir.join(format!("{}.charm", files.name()));
    let mut entries = vec![
        Entry::file("metadata.yaml", files.metadata_yaml()?.into_bytes()),
        Entry::file(
            "manifest.yaml",
            manifest_yaml(&files.bases(), arch).into_bytes(),
        ),
    ];
    if let Some(config) = files.config_yaml()? {
        entries.push(Entry::file("config.yaml", config.into_bytes()));
    }
    if let Some(actions) = files.actions_yaml()? {
        entries.push(Entry::file("actions.yaml", actions.into_bytes()));
    }
    for name in EXTRA_FILES {
        let from = project.dir.join(name);
        if from.is_file() {
            let bytes = std::fs::read(&from).map_err(|e| format!("{}: {e}", from.display()))?;
            entries.push(Entry::file(name, bytes));
        }
    }
    entries.push(Entry {
        name: "dispatch".into(),
        body: Body::Bytes(elf),
        mode: 0o755,
    });
    for hook in LEGACY_HOOKS {
        entries.push(Entry {
            name: format!("hooks/{hook}"),
            body: Body::Symlink("../dispatch"),
            mode: 0o777,
        });
    }
    write_zip(&path, &entries)?;
    Ok(path)
}

fn report(found: &[diag::Diagnostic]) -> String {
    let lines: Vec<String> = found
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    format!("the charm files have errors:\n{}", lines.join("\n"))
}

/// Juju's architecture name for a Rust target.
fn architecture(target: &str) -> Result<&'static str, String> {
    match target.split('-').next() {
        Some("x86_64") => Ok("amd64"),
        Some("aarch64") => Ok("arm64"),
        Some("powerpc64le") => Ok("ppc64el"),
        Some("s390x") => Ok("s390x"),
        Some("riscv64gc") => Ok("riscv64"),
        _ => Err(format!("{target}: no Juju architecture for this target")),
    }
}

/// `cargo build --release` of the charm's binary, statically linked.
fn build(project: &Project, target: &str) -> Result<PathBuf, String> {
    let mut flags = std::env::var("RUSTFLAGS").unwrap_or_default();
    if !flags.contains("crt-static") {
        flags = format!("{flags} -C target-feature=+crt-static")
            .trim()
            .to_owned();
    }
    eprintln!(
        "cargo charm: building {} (release, static, {target})",
        project.bin
    );
    let status = cargo()
        .args([
            "build",
            "--release",
            "--target",
            target,
            "--bin",
            &project.bin,
        ])
        .arg("--manifest-path")
        .arg(&project.manifest)
        .env("RUSTFLAGS", flags)
        // Set by cargo for build scripts; it would override RUSTFLAGS.
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build of {} failed", project.bin));
    }
    Ok(project
        .target_dir
        .join(target)
        .join("release")
        .join(&project.bin))
}

/// True for an ELF file without a program interpreter (`PT_INTERP`): static or static-pie.
pub fn is_static(elf: &[u8]) -> Result<bool, String> {
    if elf.len() < 64 || &elf[..4] != b"\x7fELF" || elf[4] != 2 || elf[5] != 1 {
        return Err("the charm binary is not a 64-bit little-endian ELF file".into());
    }
    let u16_at = |o: usize| u16::from_le_bytes([elf[o], elf[o + 1]]) as usize;
    let phoff = u64::from_le_bytes(elf[0x20..0x28].try_into().map_err(|_| "short ELF")?) as usize;
    let (size, count) = (u16_at(0x36), u16_at(0x38));
    for i in 0..count {
        let at = phoff + i * size;
        let kind = elf.get(at..at + 4).ok_or("truncated ELF program headers")?;
        if kind == 3u32.to_le_bytes() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// manifest.yaml: the bases (channels quoted: they must stay YAML strings) and how it was
/// made.
pub fn manifest_yaml(bases: &[Base], arch: &str) -> String {
    let mut out = String::from("# Written by cargo charm.\nbases:\n");
    for base in bases {
        out.push_str(&format!(
            "- name: {}\n  channel: '{}'\n  architectures:\n  - {arch}\n",
            base.name,
            base.channel.replace('\'', "''")
        ));
    }
    out.push_str("analysis:\n  attributes:\n  - name: language\n    result: unknown\n  - name: framework\n    result: unknown\n");
    out
}

enum Body {
    Bytes(Vec<u8>),
    Symlink(&'static str),
}

struct Entry {
    name: String,
    body: Body,
    mode: u32,
}

impl Entry {
    fn file(name: &str, bytes: Vec<u8>) -> Self {
        Self {
            name: name.to_owned(),
            body: Body::Bytes(bytes),
            mode: 0o644,
        }
    }
}

/// Writes the archive next to `path` and renames it into place once synced.
fn write_zip(path: &Path, entries: &[Entry]) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| err(&e))?;
    let mut zip = ZipWriter::new(tmp);
    for entry in entries {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .unix_permissions(entry.mode);
        match &entry.body {
            Body::Bytes(bytes) => {
                zip.start_file(entry.name.as_str(), options)
                    .map_err(|e| err(&e))?;
                zip.write_all(bytes).map_err(|e| err(&e))?;
            }
            Body::Symlink(target) => {
                zip.add_symlink(entry.name.as_str(), *target, options)
                    .map_err(|e| err(&e))?;
            }
        }
    }
    let tmp = zip.finish().map_err(|e| err(&e))?;
    tmp.as_file().sync_all().map_err(|e| err(&e))?;
    let file = tmp.persist(path).map_err(|e| err(&e))?;
    // 0644 like any artefact, not the temp file's 0600.
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
        .map_err(|e| err(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_channels_stay_strings() {
        let text = manifest_yaml(&crate::files::default_bases(), "amd64");
        let value: charm_yaml::Value = charm_yaml::from_str(&text).unwrap();
        let bases = value["bases"].as_sequence().unwrap();
        assert_eq!(bases[0]["channel"].as_str(), Some("22.04"));
        assert_eq!(bases[1]["channel"].as_str(), Some("24.04"));
        assert_eq!(bases[0]["architectures"][0].as_str(), Some("amd64"));
    }

    #[test]
    fn a_dynamic_binary_is_told_apart() {
        // This test binary is dynamically linked (no crt-static in test builds).
        let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        assert!(!is_static(&me).unwrap());
        assert!(is_static(b"not an elf").is_err());
    }
}
