//! The three sides of a measurement: the Rust voting-app, and the seed's handlers in
//! charms.reactive and in ops, each a unit of its own in its own model directory, all run
//! through the same emulator and the same hook tools.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use charm_emulator::{Hook, HookOutcome, InitOptions, ModelDir, Runner};

/// Which charm a side runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ours,
    Reactive,
    Ops,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Self::Ours => "ours",
            Self::Reactive => "reactive",
            Self::Ops => "ops",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Ours => "charm-core (Rust)",
            Self::Reactive => "charms.reactive 1.5.3",
            Self::Ops => "ops 3.9",
        }
    }
}

/// Where the programs and sources are.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The repository (voting-app/ and bench/anchors/ are read from it).
    pub source: PathBuf,
    /// The voting-app binary.
    pub charm: PathBuf,
    /// The charm-emulator binary (the hook tools).
    pub emulator: PathBuf,
    pub reactive_python: Option<PathBuf>,
    pub ops_python: Option<PathBuf>,
    /// This program, the peak-RSS wrapper.
    pub self_exe: PathBuf,
}

/// One unit of one side.
pub struct Side {
    pub kind: Kind,
    pub dir: ModelDir,
    pub charm_dir: PathBuf,
    pub app: String,
    runner: Runner,
    rss_runner: Runner,
    rss_file: PathBuf,
}

/// Environment variables of the peak-RSS wrapper mode (see `main`).
pub const WRAP_EXEC: &str = "CHARM_BENCH_EXEC";
pub const WRAP_RSS_FILE: &str = "CHARM_BENCH_RSS_FILE";

const HOOKS: &[&str] = &[
    "install",
    "start",
    "stop",
    "remove",
    "config-changed",
    "update-status",
    "upgrade-charm",
    "leader-elected",
    "leader-settings-changed",
];
const ENDPOINTS: &[&str] = &["redis", "postgres", "voting", "results"];
const KINDS: &[&str] = &["created", "joined", "changed", "departed", "broken"];

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn with_interpreter(path: &Path, python: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::write(path, format!("#!{}\n{text}", python.display()))
        .and_then(|()| std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)))
        .map_err(|e| format!("{}: {e}", path.display()))
}

impl Side {
    /// Lays out the charm directory and the model of `kind` under `work`, for unit
    /// `<prefix>-<key><n>/0`, configured with the offline test images and `ports`.
    pub fn new(
        kind: Kind,
        paths: &Paths,
        work: &Path,
        prefix: &str,
        n: usize,
        ports: (u16, u16),
    ) -> Result<Self, String> {
        let base = work.join(format!("{}{n}", kind.key()));
        let _ = std::fs::remove_dir_all(&base);
        let charm_dir = base.join("charm");
        let voting = paths.source.join("voting-app");
        let program = match kind {
            Kind::Ours => {
                std::fs::create_dir_all(&charm_dir).map_err(|e| e.to_string())?;
                paths.charm.clone()
            }
            Kind::Reactive => {
                let python = paths
                    .reactive_python
                    .as_ref()
                    .ok_or("no charms.reactive venv (scripts/venv-reactive.sh)")?;
                copy_tree(&paths.source.join("bench/anchors/reactive"), &charm_dir)?;
                with_interpreter(&charm_dir.join("hooks/hook.py"), python)?;
                let mut names: Vec<String> = HOOKS.iter().map(|h| (*h).to_owned()).collect();
                for ep in ENDPOINTS {
                    for k in KINDS {
                        names.push(format!("{ep}-relation-{k}"));
                    }
                }
                for name in names {
                    std::os::unix::fs::symlink("hook.py", charm_dir.join("hooks").join(name))
                        .map_err(|e| e.to_string())?;
                }
                charm_dir.join("dispatch")
            }
            Kind::Ops => {
                let python = paths
                    .ops_python
                    .as_ref()
                    .ok_or("no ops venv (scripts/venv-ops.sh)")?;
                copy_tree(&paths.source.join("bench/anchors/ops"), &charm_dir)?;
                with_interpreter(&charm_dir.join("src/charm.py"), python)?;
                charm_dir.join("dispatch")
            }
        };
        {
            use std::os::unix::fs::PermissionsExt;
            if kind != Kind::Ours {
                std::fs::set_permissions(
                    charm_dir.join("dispatch"),
                    std::fs::Permissions::from_mode(0o755),
                )
                .map_err(|e| e.to_string())?;
            }
        }
        for file in ["metadata.yaml", "config.yaml"] {
            std::fs::copy(voting.join(file), charm_dir.join(file))
                .map_err(|e| format!("{file}: {e}"))?;
        }
        let app = format!("{prefix}-{}{n}", kind.key());
        let dir = ModelDir::init(&InitOptions {
            model_dir: base.join("model"),
            charm_dir: charm_dir.clone(),
            unit: format!("{app}/0"),
            leader: true,
            tool_executable: paths.emulator.clone(),
        })
        .map_err(|e| e.to_string())?;
        dir.transact(|emu| {
            let m = emu.model_mut();
            for (k, v) in [
                ("vote-image", "charm-test/vote-demo"),
                ("result-image", "charm-test/result-demo"),
                ("worker-image", "charm-test/worker-demo"),
                ("postgres-image", "charm-test/worker-demo"),
                ("redis-image", "charm-test/redis"),
            ] {
                m.set_config(k, v)?;
            }
            m.set_config("vote-port", &ports.0.to_string())?;
            m.set_config("result-port", &ports.1.to_string())
        })
        .map_err(|e| e.to_string())?;
        let env: Vec<(&str, String)> = {
            let mut env = vec![("CHARM_DOCKER_HOST_IP", "127.0.0.1".to_owned())];
            if let Ok(host) = std::env::var("DOCKER_HOST") {
                env.push(("DOCKER_HOST", host));
            }
            env
        };
        let rss_file = base.join("rss");
        let mut runner = Runner::new(dir.clone()).with_charm_binary(&program);
        let mut rss_runner = Runner::new(dir.clone())
            .with_charm_binary(&paths.self_exe)
            .with_env(WRAP_EXEC, program.display().to_string())
            .with_env(WRAP_RSS_FILE, rss_file.display().to_string());
        for (k, v) in env {
            runner = runner.with_env(k, v.clone());
            rss_runner = rss_runner.with_env(k, v);
        }
        Ok(Self {
            kind,
            dir,
            charm_dir,
            app,
            runner,
            rss_runner,
            rss_file,
        })
    }

    pub fn runner(&self) -> &Runner {
        &self.runner
    }

    /// Runs `hook`; a failed hook is an error with its output.
    pub fn run(&self, hook: Hook) -> Result<(Duration, HookOutcome), String> {
        let start = Instant::now();
        let out = self.runner.run(hook).map_err(|e| e.to_string())?;
        let took = start.elapsed();
        check(self.kind, &out)?;
        Ok((took, out))
    }

    /// Runs `hook` under the wrapper and returns the peak RSS of its process tree, in KiB.
    pub fn peak_rss(&self, hook: Hook) -> Result<u64, String> {
        let _ = std::fs::remove_file(&self.rss_file);
        let out = self.rss_runner.run(hook).map_err(|e| e.to_string())?;
        check(self.kind, &out)?;
        std::fs::read_to_string(&self.rss_file)
            .map_err(|e| format!("no peak RSS recorded: {e}"))?
            .trim()
            .parse()
            .map_err(|e| format!("peak RSS: {e}"))
    }

    /// Takes the project of the Rust side down (the anchors start no container).
    pub fn cleanup(&self) {
        if self.kind != Kind::Ours {
            return;
        }
        let file = self.charm_dir.join("files/voting-app/docker-compose.yml");
        if !file.is_file() {
            return;
        }
        if let Ok(engine) = charm_docker::Engine::connect()
            && let Ok(project) = charm_docker::Project::from_path(Some(&self.app), &file)
            && let Err(e) = engine.down(&project, charm_docker::DownOptions { volumes: true })
        {
            eprintln!("charm-bench: cannot take {} down: {e}", self.app);
        }
    }
}

pub fn check(kind: Kind, out: &HookOutcome) -> Result<(), String> {
    if out.success() {
        Ok(())
    } else {
        Err(format!(
            "{}: hook {} failed (exit {}): {}",
            kind.label(),
            out.hook.name,
            out.exit_code,
            out.stderr_text()
        ))
    }
}
