//! `cargo charm`: the charm author's cargo subcommand.
//!
//! - `cargo charm check [--manifest-path P]`: the checks `pack` runs first, alone;
//! - `cargo charm pack [--manifest-path P] [--out DIR]`: builds the charm's binary statically
//!   (so it runs on every Ubuntu base, whatever its glibc) and writes `<name>.charm`, ready for
//!   `juju deploy ./<name>.charm`.
//!
//! Installed with `cargo install --path cargo-charm`; cargo runs it for `cargo charm ...`.

mod diag;
mod files;
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

#[derive(Debug, Subcommand)]
enum Command {
    /// Check the charm files (metadata, config, actions; or a unified charmcraft.yaml).
    Check {
        /// The charm crate's Cargo.toml.
        #[arg(long, value_name = "PATH")]
        manifest_path: Option<PathBuf>,
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
        Command::Check { manifest_path } => check(manifest_path),
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
