//! `cargo charm graph`: the charm's flag graph, as the charm binary itself prints it
//! (`<charm> --graph`, from the registry `#[charm]` generated: no source is parsed here),
//! as mermaid text, Graphviz DOT, or SVG through Graphviz's `dot` (Debian's `graphviz`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::project::{Project, cargo};

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Mermaid `flowchart` text.
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// SVG, rendered by Graphviz's `dot -Tsvg`.
    Svg,
}

/// Options of [`graph`].
#[derive(Debug, Clone)]
pub struct GraphOptions {
    /// The charm crate's Cargo.toml (default: the current crate).
    pub manifest_path: Option<PathBuf>,
    /// The binary target, when the crate has several.
    pub bin: Option<String>,
    /// A charm binary already built: no cargo build.
    pub binary: Option<PathBuf>,
    /// The format.
    pub format: GraphFormat,
    /// Write here (atomically) instead of stdout.
    pub out: Option<PathBuf>,
}

/// Builds the charm (unless `binary` is given), asks it for its graph and writes it.
pub fn graph(opts: &GraphOptions) -> Result<(), String> {
    let binary = match &opts.binary {
        Some(b) => b.clone(),
        None => {
            let project = Project::locate(opts.manifest_path.as_deref(), opts.bin.as_deref())?;
            let status = cargo()
                .args(["build", "--bin", &project.bin, "--manifest-path"])
                .arg(&project.manifest)
                .status()
                .map_err(|e| format!("cannot run cargo build: {e}"))?;
            if !status.success() {
                return Err(format!("cargo build of {} failed", project.bin));
            }
            project.target_dir.join("debug").join(&project.bin)
        }
    };
    let text = charm_graph(&binary, opts.format)?;
    match &opts.out {
        Some(path) => write_atomically(path, text.as_bytes()),
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| format!("stdout: {e}")),
    }
}

/// The graph `binary` prints, in `format` (SVG through `dot`).
pub fn charm_graph(binary: &Path, format: GraphFormat) -> Result<String, String> {
    let arg = match format {
        GraphFormat::Mermaid => "--graph=mermaid",
        GraphFormat::Dot | GraphFormat::Svg => "--graph=dot",
    };
    let out = Command::new(binary)
        .arg(arg)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} {arg} failed: {}",
            binary.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = String::from_utf8(out.stdout)
        .map_err(|_| format!("{} {arg}: output is not UTF-8", binary.display()))?;
    match format {
        GraphFormat::Svg => dot_svg(&text),
        _ => Ok(text),
    }
}

/// Renders DOT text to SVG with Graphviz's `dot`.
pub fn dot_svg(dot: &str) -> Result<String, String> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "cannot run Graphviz's `dot` ({e}): install it (`apt-get install graphviz`), \
                 or ask for `--format mermaid` or `--format dot`"
            )
        })?;
    let mut stdin = child.stdin.take().ok_or("dot: no stdin")?;
    let input = dot.to_owned();
    // Write from a thread: dot may fill its stdout before it has read all of stdin.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("dot -Tsvg: {e}"))?;
    writer
        .join()
        .map_err(|_| "dot -Tsvg: writer panicked".to_owned())?
        .map_err(|e| format!("dot -Tsvg: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "dot -Tsvg failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| "dot -Tsvg: output is not UTF-8".to_owned())
}

/// Temp file in the same directory, fsync, rename.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let err = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}
