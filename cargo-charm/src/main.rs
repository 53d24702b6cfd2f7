//! `cargo charm`: the charm author's cargo subcommand.
//!
//! - `cargo charm check [--manifest-path P]`: the checks `pack` runs first, alone;
//! - `cargo charm new NAME [--docker]`: a new charm crate (charmcraft.yaml, a first handler,
//!   a harness test, a README) that builds and tests on its own;
//! - `cargo charm pack [--manifest-path P] [--out DIR]`: builds the charm's binary statically
//!   (so it runs on every Ubuntu base, whatever its glibc) and writes `<name>.charm`, ready for
//!   `juju deploy ./<name>.charm`.
//! - `cargo charm deploy [--config K=V]...` / `config` / `relate` / `run-action` / `status` /
//!   `remove`: the charm deployed on this machine by charm-emulator (Juju's unit agent's test
//!   double), against the local Docker engine.
//!
//! Installed with `cargo install --path cargo-charm`; cargo runs it for `cargo charm ...`.

mod diag;
mod files;
mod graph;
mod local;
mod new;
mod pack;
mod project;
mod source;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Build, check and pack Rust charms.
#[derive(Debug, Parser)]
#[command(name = "cargo charm", bin_name = "cargo charm", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Which local deployment.
#[derive(Debug, clap::Args)]
struct LocalArgs {
    /// The charm crate's Cargo.toml.
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// The deployment directory (default: TARGET_DIR/charm-local/NAME).
    #[arg(long, value_name = "DIR")]
    model: Option<PathBuf>,
    /// The application name (default: the charm's name); also the compose project.
    #[arg(long, value_name = "NAME")]
    app: Option<String>,
    /// The charm-emulator executable (default: next to cargo-charm, else on PATH).
    #[arg(long, value_name = "PATH")]
    emulator: Option<PathBuf>,
}

impl LocalArgs {
    fn target(self) -> local::Target {
        local::Target {
            manifest_path: self.manifest_path,
            model: self.model,
            app: self.app,
            emulator: self.emulator,
        }
    }
}

/// The arguments charm-emulator's command of the same name takes.
#[derive(Debug, clap::Args)]
struct Passed {
    #[command(flatten)]
    local: LocalArgs,
    /// Passed to charm-emulator (see `charm-emulator <command> --help`).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    args: Vec<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the charm and deploy it locally: install, leader-elected, config-changed, start.
    Deploy {
        #[command(flatten)]
        local: LocalArgs,
        /// Config set before the first hook, as `juju deploy --config KEY=VALUE`.
        #[arg(long, value_name = "KEY=VALUE")]
        config: Vec<String>,
    },
    /// Change config of the local deployment (KEY=VALUE..., --reset KEY), run config-changed.
    Config(Passed),
    /// Relate an endpoint to a remote application (ENDPOINT APP --unit APP/0 --data K=V).
    Relate(Passed),
    /// Remove a relation (ENDPOINT:N).
    Unrelate(Passed),
    /// Run an action (NAME KEY=VALUE...).
    RunAction(Passed),
    /// Show the unit's status, ports and relations.
    Status(Passed),
    /// Attach a storage instance (NAME [--location PATH]) and run NAME-storage-attached.
    AttachStorage(Passed),
    /// Run -storage-detaching for an instance (NAME/N), which then goes.
    DetachStorage(Passed),
    /// Give a resource its file (NAME PATH), as `juju attach-resource`.
    SetResource(Passed),
    /// Trust the application (`juju trust`; `--off` revokes): credential-get answers.
    Trust(Passed),
    /// Remove the local deployment: its containers, network and directory.
    Remove {
        #[command(flatten)]
        local: LocalArgs,
    },
    /// Write a new charm crate in ./NAME (or --dir).
    New {
        /// The charm's name: lower-case words joined by dashes (`my-charm`).
        name: String,
        /// Where to write it (default: ./NAME).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Run a container: the docker layer and a compose template.
        #[arg(long)]
        docker: bool,
        /// Take the framework from this checkout (default: the one cargo-charm was built from).
        #[arg(long, value_name = "DIR", conflicts_with = "git")]
        path: Option<PathBuf>,
        /// Take the framework from this git repository.
        #[arg(long, value_name = "URL")]
        git: Option<String>,
        /// The git revision (commit, tag) with --git.
        #[arg(long, value_name = "REV", requires = "git")]
        rev: Option<String>,
    },
    /// Check the charm files (metadata, config, actions; or a unified charmcraft.yaml).
    Check {
        /// The charm crate's Cargo.toml.
        #[arg(long, value_name = "PATH")]
        manifest_path: Option<PathBuf>,
    },
    /// Draw the charm's flag graph: handlers, flags, and their when/when_not/set/clear edges
    /// (mermaid, DOT, or SVG through Graphviz's `dot`).
    Graph {
        /// The charm crate's Cargo.toml.
        #[arg(long, value_name = "PATH")]
        manifest_path: Option<PathBuf>,
        /// The binary target, when the crate has several.
        #[arg(long, value_name = "NAME")]
        bin: Option<String>,
        /// Use this charm binary instead of building the crate.
        #[arg(long, value_name = "PATH")]
        binary: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = graph::GraphFormat::Mermaid)]
        format: graph::GraphFormat,
        /// Write to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Check, build a static release binary and write `<name>.charm`.
    Pack {
        /// The charm crate's Cargo.toml.
        #[arg(long, value_name = "PATH")]
        manifest_path: Option<PathBuf>,
        /// Where to write the .charm (default: the current directory).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The binary target, when the crate has several.
        #[arg(long, value_name = "NAME")]
        bin: Option<String>,
        /// The Rust target triple to build for.
        #[arg(long, default_value = pack::DEFAULT_TARGET)]
        target: String,
    },
}

fn main() -> ExitCode {
    // `cargo charm pack` runs `cargo-charm charm pack`; `cargo-charm pack` works too.
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "charm") {
        args.remove(1);
    }
    let result = match Cli::parse_from(args).command {
        Command::Deploy { local, config } => local::deploy(&local.target(), &config).map(drop),
        Command::Config(p) => passed("config", p),
        Command::Relate(p) => passed("relate", p),
        Command::Unrelate(p) => passed("unrelate", p),
        Command::RunAction(p) => passed("run-action", p),
        Command::Status(p) => passed("status", p),
        Command::AttachStorage(p) => passed("attach-storage", p),
        Command::DetachStorage(p) => passed("detach-storage", p),
        Command::SetResource(p) => passed("set-resource", p),
        Command::Trust(p) => passed("trust", p),
        Command::Remove { local } => local::remove(&local.target()),
        Command::New {
            name,
            dir,
            docker,
            path,
            git,
            rev,
        } => new_charm(name, dir, docker, path, git, rev),
        Command::Check { manifest_path } => check(manifest_path),
        Command::Graph {
            manifest_path,
            bin,
            binary,
            format,
            out,
        } => graph::graph(&graph::GraphOptions {
            manifest_path,
            bin,
            binary,
            format,
            out,
        }),
        Command::Pack {
            manifest_path,
            out,
            bin,
            target,
        } => pack::pack(&pack::PackOptions {
            manifest_path,
            out,
            bin,
            target,
            binary: None,
        })
        .map(|path| println!("{}", path.display())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cargo charm: {e}");
            ExitCode::FAILURE
        }
    }
}

fn passed(command: &str, p: Passed) -> Result<(), String> {
    local::passthrough(&p.local.target(), command, &p.args)
}

fn new_charm(
    name: String,
    dir: Option<PathBuf>,
    docker: bool,
    path: Option<PathBuf>,
    git: Option<String>,
    rev: Option<String>,
) -> Result<(), String> {
    let framework = match (path, git) {
        (Some(path), _) => {
            let path = path
                .canonicalize()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if !path.join("charm-core/Cargo.toml").is_file() {
                return Err(format!(
                    "{} is not a checkout of the framework (no charm-core/Cargo.toml)",
                    path.display()
                ));
            }
            new::Framework::Path(path)
        }
        (None, Some(url)) => new::Framework::Git { url, rev },
        (None, None) => new::Framework::this_checkout().ok_or(
            "the framework checkout cargo-charm was built from is gone: pass --path DIR or --git URL",
        )?,
    };
    let dir = new::new(&new::NewOptions {
        name,
        dir,
        docker,
        framework,
    })?;
    println!("{}", dir.display());
    Ok(())
}

fn check(manifest_path: Option<PathBuf>) -> Result<(), String> {
    let project = project::Project::locate(manifest_path.as_deref(), None)?;
    let found = match files::CharmFiles::load(&project.dir) {
        Ok(files) => files.check(),
        Err(found) => found,
    };
    for finding in &found {
        eprintln!("{finding}");
    }
    if diag::has_errors(&found) {
        return Err("the charm files have errors".into());
    }
    Ok(())
}
