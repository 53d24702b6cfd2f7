//! `cargo charm deploy` / `config` / `relate` / `run-action` / `status` / `remove`: a charm
//! crate deployed on this machine, hook by hook, by charm-emulator (the test double of Juju's
//! unit agent) against the local Docker engine, as `juju deploy` would on a unit.
//!
//! A deployment lives in one directory (default `<target>/charm-local/<name>`): `charm/` is
//! the charm directory Juju would unpack (metadata.yaml, config.yaml, actions.yaml and the
//! debug binary as `dispatch`), `model/` the emulator's model.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::files::CharmFiles;
use crate::project::{Project, cargo};

/// Where a deployment is, and with which emulator.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// The deployment's directory (charm/ and model/).
    pub base: PathBuf,
    /// The application name (the charm's name unless --app).
    pub app: String,
    /// The charm-emulator executable.
    pub emulator: PathBuf,
}

/// Options common to every local command.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// The charm crate's Cargo.toml.
    pub manifest_path: Option<PathBuf>,
    /// The deployment directory.
    pub model: Option<PathBuf>,
    /// The application name.
    pub app: Option<String>,
    /// The charm-emulator executable.
    pub emulator: Option<PathBuf>,
}

impl Target {
    /// Resolves the deployment; also returns the project and its charm files.
    fn resolve(&self) -> Result<(Deployment, Project, CharmFiles), String> {
        let project = Project::locate(self.manifest_path.as_deref(), None)?;
        let files = CharmFiles::load(&project.dir).map_err(|found| {
            let lines: Vec<String> = found.iter().map(ToString::to_string).collect();
            lines.join("\n")
        })?;
        let app = self.app.clone().unwrap_or_else(|| files.name());
        let base = self
            .model
            .clone()
            .unwrap_or_else(|| project.target_dir.join("charm-local").join(&app));
        let emulator = match &self.emulator {
            Some(e) => e.clone(),
            None => find_emulator()?,
        };
        Ok((
            Deployment {
                base,
                app,
                emulator,
            },
            project,
            files,
        ))
    }
}

/// `--emulator`, else `$CHARM_EMULATOR_BIN`, else `charm-emulator` next to this executable
/// (both in a cargo target directory), else on `PATH`.
fn find_emulator() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("CHARM_EMULATOR_BIN") {
        return Ok(path.into());
    }
    let sibling = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join("charm-emulator")));
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("charm-emulator"))
            .find(|c| c.is_file())
    });
    sibling.filter(|s| s.is_file()).or(on_path).ok_or_else(|| {
        "no charm-emulator: build it (`cargo build -p charm-emulator`), install it \
             (`cargo install --path <framework>/charm-emulator`) or pass --emulator PATH"
            .to_owned()
    })
}

impl Deployment {
    fn model_dir(&self) -> PathBuf {
        self.base.join("model")
    }

    /// Runs `charm-emulator --model <model> ARGS`; its output goes to ours.
    pub fn emulator(&self, args: &[String]) -> Result<(), String> {
        let status = Command::new(&self.emulator)
            .arg("--model")
            .arg(self.model_dir())
            .args(args)
            .status()
            .map_err(|e| format!("cannot run {}: {e}", self.emulator.display()))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!(
                "charm-emulator {} failed ({status})",
                args.join(" ")
            ))
        }
    }

    /// Removes the application's containers and network (compose project = app name) and
    /// the deployment directory.
    pub fn remove(&self) -> Result<(), String> {
        let label = format!("label=com.docker.compose.project={}", self.app);
        // No engine, no containers: nothing to remove there.
        if let Ok(out) = Command::new("docker")
            .args(["ps", "-aq", "--filter", &label])
            .output()
        {
            let ids = String::from_utf8_lossy(&out.stdout);
            let ids: Vec<&str> = ids.split_whitespace().collect();
            if !ids.is_empty() {
                let _ = Command::new("docker")
                    .args(["rm", "-f"])
                    .args(&ids)
                    .output();
                eprintln!(
                    "cargo charm: removed {} container(s) of {}",
                    ids.len(),
                    self.app
                );
            }
            let _ = Command::new("docker")
                .args(["network", "rm", &format!("{}_default", self.app)])
                .output();
        }
        match std::fs::remove_dir_all(&self.base) {
            Ok(()) => eprintln!("cargo charm: removed {}", self.base.display()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", self.base.display())),
        }
        Ok(())
    }
}

/// Builds the charm (debug), lays out a fresh charm directory and model, sets `config`
/// (KEY=VALUE, as `juju deploy --config`), and runs what Juju runs for a new unit: install,
/// leader-elected, config-changed, start. Prints the status.
pub fn deploy(target: &Target, config: &[String]) -> Result<Deployment, String> {
    let (deployment, project, files) = target.resolve()?;
    let found = files.check();
    if crate::diag::has_errors(&found) {
        let lines: Vec<String> = found.iter().map(ToString::to_string).collect();
        return Err(format!(
            "the charm files have errors:\n{}",
            lines.join("\n")
        ));
    }
    let status = cargo()
        .args(["build", "--bin", &project.bin, "--manifest-path"])
        .arg(&project.manifest)
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build of {} failed", project.bin));
    }
    let binary = project.target_dir.join("debug").join(&project.bin);
    deployment.remove()?;
    let charm = deployment.base.join("charm");
    std::fs::create_dir_all(&charm).map_err(|e| format!("{}: {e}", charm.display()))?;
    let write = |name: &str, text: Option<String>| -> Result<(), String> {
        match text {
            Some(text) => std::fs::write(charm.join(name), text)
                .map_err(|e| format!("{}: {e}", charm.join(name).display())),
            None => Ok(()),
        }
    };
    write("metadata.yaml", Some(files.metadata_yaml()?))?;
    write("config.yaml", files.config_yaml()?)?;
    write("actions.yaml", files.actions_yaml()?)?;
    copy_executable(&binary, &charm.join("dispatch"))?;
    // Hooks get Juju's environment, built from scratch, never ours: the framework's knobs
    // reach them through the charm directory's settings file, as on a real unit. A local
    // deployment publishes its workload on loopback unless told otherwise.
    write(".charm-settings", Some(local_settings()))?;
    let unit = format!("{}/0", deployment.app);
    let charm_arg = charm.display().to_string();
    deployment.emulator(&strings(&[
        "init", "--charm", &charm_arg, "--unit", &unit, "--leader",
    ]))?;
    if !config.is_empty() {
        let mut args = strings(&["config", "--no-hooks"]);
        args.extend(config.iter().cloned());
        deployment.emulator(&args)?;
    }
    deployment.emulator(&strings(&["deploy"]))?;
    deployment.emulator(&strings(&["status"]))?;
    Ok(deployment)
}

/// Runs an emulator command (`config`, `relate`, `run-action`, `status`, ...) on an existing
/// deployment.
pub fn passthrough(target: &Target, command: &str, args: &[String]) -> Result<(), String> {
    let (deployment, _, _) = target.resolve()?;
    if !deployment.model_dir().join("model.json").is_file() {
        return Err(format!(
            "nothing deployed in {} yet: run `cargo charm deploy` first",
            deployment.base.display()
        ));
    }
    let mut all = vec![command.to_owned()];
    all.extend(args.iter().cloned());
    deployment.emulator(&all)
}

/// Removes a deployment: its containers, network and directory.
pub fn remove(target: &Target) -> Result<(), String> {
    target.resolve()?.0.remove()
}

/// The settings file of a local deployment: `CHARM_DOCKER_HOST_IP` (default `127.0.0.1`) and
/// whichever other framework knob the caller set in its own environment.
fn local_settings() -> String {
    let mut text = String::from("# written by cargo charm deploy\n");
    // charm-core's `settings::KNOBS` (cargo-charm does not link the runtime).
    const KNOBS: [&str; 10] = [
        "CHARM_TRACE",
        "CHARM_LOG_LEVEL",
        "CHARM_DOCKER_HOST_IP",
        "CHARM_DOCKER_INSTALL",
        "DOCKER_HOST",
        "CHARM_HOOK_LOCK_TIMEOUT",
        "CHARM_DOCKER_CONNECT_TIMEOUT",
        "CHARM_DOCKER_REQUEST_TIMEOUT",
        "CHARM_DOCKER_STALL_TIMEOUT",
        "CHARM_DOCKER_UP_TIMEOUT",
    ];
    for key in KNOBS {
        let value = std::env::var(key).ok().filter(|v| !v.is_empty());
        let value = match (key, value) {
            (_, Some(v)) => v,
            ("CHARM_DOCKER_HOST_IP", None) => "127.0.0.1".to_owned(),
            // A local model is where one debugs: the per-hook dispatch summary (DEBUG) is what
            // `status --graph` and `logs` show of the handlers that ran. Juju's own default,
            // and the runtime's, is INFO.
            ("CHARM_LOG_LEVEL", None) => "DEBUG".to_owned(),
            _ => continue,
        };
        text.push_str(&format!("{key}={value}\n"));
    }
    text
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

fn copy_executable(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to).map_err(|e| format!("{} -> {}: {e}", from.display(), to.display()))?;
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("{}: {e}", to.display()))
}
