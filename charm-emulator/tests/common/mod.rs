//! Shared fixtures: a temporary charm and model directory, and helpers that call the real
//! `charm-emulator` binary (as the CLI, or through its tool symlinks).
#![allow(dead_code)]

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use charm_emulator::{ContextId, Hook, Model, ModelDir, Runner};

pub const EXE: &str = env!("CARGO_BIN_EXE_charm-emulator");

pub const METADATA: &str = "\
name: web
requires:
  db:
    interface: pgsql
provides:
  website:
    interface: http
peers:
  replicas:
    interface: web-peers
extra-bindings:
  admin:
";

pub const CONFIG: &str = "\
options:
  name:
    type: string
    default: voting
  port:
    type: int
    default: 8080
  ratio:
    type: float
    default: 0.5
  debug:
    type: boolean
    default: false
  password:
    description: no type means string, no default means null
";

pub const ACTIONS: &str = "\
backup:
  params:
    target: {type: object}
    force: {type: boolean, default: false}
greet:
  params:
    who: {type: string}
noop: {}
echo:
  params:
    text: {type: string}
  required: [text]
";

/// A charm directory and a model directory made by `charm-emulator init`.
pub struct Fixture {
    pub tmp: tempfile::TempDir,
    pub charm: PathBuf,
    pub model: PathBuf,
}

impl Fixture {
    /// A charm without any hook program (every hook is a no-op).
    pub fn new(leader: bool) -> Self {
        Self::with_dispatch(None, leader)
    }

    /// A charm whose `dispatch` is `script` (a `#!/bin/sh` script).
    pub fn with_dispatch(script: Option<&str>, leader: bool) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let charm = tmp.path().join("charm");
        std::fs::create_dir_all(&charm).unwrap();
        std::fs::write(charm.join("metadata.yaml"), METADATA).unwrap();
        std::fs::write(charm.join("config.yaml"), CONFIG).unwrap();
        std::fs::write(charm.join("actions.yaml"), ACTIONS).unwrap();
        if let Some(script) = script {
            write_executable(&charm.join("dispatch"), script);
        }
        let model = tmp.path().join("model");
        let charm_arg = charm.to_str().unwrap().to_owned();
        let mut args = vec!["init", "--charm", &charm_arg, "--unit", "web/0"];
        if leader {
            args.push("--leader");
        }
        let fixture = Self { tmp, charm, model };
        let out = fixture.cli(&args);
        assert!(out.status.success(), "init failed: {}", text(&out.stderr));
        fixture
    }

    pub fn dir(&self) -> ModelDir {
        ModelDir::open(&self.model).unwrap()
    }

    pub fn runner(&self) -> Runner {
        Runner::new(self.dir())
    }

    pub fn load(&self) -> Model {
        self.dir().load().unwrap()
    }

    /// Runs the CLI with `--model` set.
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new(EXE)
            .arg("--model")
            .arg(&self.model)
            .args(args)
            .env_remove("CHARM_EMULATOR_MODEL")
            .output()
            .unwrap()
    }

    /// Opens a hook context through the library, as the runner does before a hook starts.
    pub fn open(&self, hook: Hook) -> ContextId {
        self.dir()
            .transact(|emu| Ok(emu.open_context(hook)?.id))
            .unwrap()
    }

    /// Ends a context through the library, as the runner does when the hook exits.
    pub fn finish(&self, ctx: &ContextId, success: bool) {
        self.dir()
            .transact(|emu| emu.finish(ctx, success).map(drop))
            .unwrap();
    }

    /// Calls a hook tool as a charm does: the process started through its symlink in `bin/`.
    pub fn tool(&self, ctx: &ContextId, tool: &str, args: &[&str]) -> Output {
        self.tool_stdin(ctx, tool, args, b"")
    }

    pub fn tool_stdin(&self, ctx: &ContextId, tool: &str, args: &[&str], stdin: &[u8]) -> Output {
        let mut child = Command::new(self.model.join("bin").join(tool))
            .args(args)
            .env("CHARM_EMULATOR_MODEL", &self.model)
            .env("JUJU_CONTEXT_ID", ctx.as_str())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Calls a tool that must succeed and prints JSON; returns the parsed output.
    pub fn json(&self, ctx: &ContextId, tool: &str, args: &[&str]) -> serde_json::Value {
        let out = self.tool(ctx, tool, args);
        assert!(
            out.status.success(),
            "{tool} {args:?} failed: {}",
            text(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{tool} {args:?} printed no JSON ({e}): {:?}",
                text(&out.stdout)
            )
        })
    }

    /// Calls a tool that must succeed.
    pub fn ok(&self, ctx: &ContextId, tool: &str, args: &[&str]) -> Output {
        let out = self.tool(ctx, tool, args);
        assert!(
            out.status.success(),
            "{tool} {args:?} failed: {}",
            text(&out.stderr)
        );
        out
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn write_executable(path: &Path, content: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, content).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
