//! The charm crate being packed, as cargo describes it (`cargo metadata`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A charm crate: where it is, where cargo builds it, and which binary is the charm.
#[derive(Debug, Clone)]
pub struct Project {
    /// The crate's directory (its charm files live here).
    pub dir: PathBuf,
    /// Its Cargo.toml.
    pub manifest: PathBuf,
    /// cargo's target directory for it.
    pub target_dir: PathBuf,
    /// The binary target that becomes `dispatch`.
    pub bin: String,
}

/// The cargo executable: `$CARGO` when run as `cargo charm`, else `cargo`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn run_json(cmd: &mut Command, what: &str) -> Result<Value, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run cargo for {what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("{what}: unreadable output: {e}"))
}

impl Project {
    /// The crate of `manifest_path`, or of the current directory; `bin` picks the binary when
    /// the crate has several.
    pub fn locate(manifest_path: Option<&Path>, bin: Option<&str>) -> Result<Self, String> {
        let manifest = match manifest_path {
            Some(p) => p.to_owned(),
            None => {
                let out = cargo()
                    .args(["locate-project", "--message-format", "plain"])
                    .output()
                    .map_err(|e| format!("cannot run cargo locate-project: {e}"))?;
                if !out.status.success() {
                    return Err(format!(
                        "no Cargo.toml here: {}",
                        String::from_utf8_lossy(&out.stderr).trim()
                    ));
                }
                PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
            }
        };
        let manifest = manifest
            .canonicalize()
            .map_err(|e| format!("{}: {e}", manifest.display()))?;
        let meta = run_json(
            cargo()
                .args([
                    "metadata",
                    "--no-deps",
                    "--format-version",
                    "1",
                    "--manifest-path",
                ])
                .arg(&manifest),
            "cargo metadata",
        )?;
        let package = meta["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["manifest_path"].as_str().map(Path::new) == Some(manifest.as_path()))
            .ok_or_else(|| {
                format!(
                    "{} is not a package (a workspace root?): pass --manifest-path of the charm crate",
                    manifest.display()
                )
            })?;
        let bins: Vec<&str> = package["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| {
                t["kind"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k == "bin"))
            })
            .filter_map(|t| t["name"].as_str())
            .collect();
        let package_name = package["name"].as_str().unwrap_or_default();
        let bin = match (bin, bins.as_slice()) {
            (Some(b), _) if bins.contains(&b) => b.to_owned(),
            (Some(b), _) => {
                return Err(format!(
                    "{package_name} has no binary `{b}` (it has: {})",
                    bins.join(", ")
                ));
            }
            (None, [one]) => (*one).to_owned(),
            (None, []) => return Err(format!("{package_name} has no binary: a charm is one")),
            (None, many) if many.contains(&package_name) => package_name.to_owned(),
            (None, many) => {
                return Err(format!(
                    "{package_name} has several binaries ({}): pick one with --bin",
                    many.join(", ")
                ));
            }
        };
        let target_dir = meta["target_directory"]
            .as_str()
            .map(PathBuf::from)
            .ok_or("cargo metadata gave no target directory")?;
        Ok(Self {
            dir: manifest.parent().unwrap_or(Path::new(".")).to_owned(),
            manifest,
            target_dir,
            bin,
        })
    }
}
