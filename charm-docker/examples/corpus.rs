//! Runs charm-docker's reader, and docker-compose 1.29's (`docker-compose -f FILE config -q`),
//! over every compose file under the given directories, and prints per file whether each
//! accepts it (with charm-docker's reason when it refuses), then the totals and the refusal
//! reasons by count.
//!
//! ```sh
//! scripts/venv-compose.sh   # docker-compose 1.29 under target/venvs/docker-compose
//! cargo run -p charm-docker --example corpus -- DIR... [--compose PATH] [--no-compose]
//! ```
//!
//! A compose file is a `*compose*.yml`/`.yaml` file. Both tools see an empty environment
//! plus the `.env` file beside the file, as a charm passes only what it means to.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use charm_docker::{Error, Project};

fn main() {
    let mut dirs = Vec::new();
    let mut compose = Some(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../target/venvs/docker-compose/bin/docker-compose"),
    );
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--compose" => compose = args.next().map(PathBuf::from),
            "--no-compose" => compose = None,
            _ => dirs.push(PathBuf::from(arg)),
        }
    }
    if dirs.is_empty() {
        eprintln!("usage: corpus DIR... [--compose PATH] [--no-compose]");
        std::process::exit(2);
    }
    let mut files = Vec::new();
    for dir in &dirs {
        walk(dir, &mut files);
    }
    files.sort();

    let (mut ours_ok, mut theirs_ok, mut both, mut neither) = (0, 0, 0, 0);
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for file in &files {
        let ours = Project::builder(file).name("corpus").build();
        let theirs = compose.as_deref().map(|exe| config_q(exe, file));
        let ours_text = match &ours {
            Ok(_) => "accepted".to_owned(),
            Err(e) => {
                *reasons.entry(reason(e)).or_default() += 1;
                format!("rejected: {e}")
            }
        };
        let theirs_text = match &theirs {
            None => String::new(),
            Some(Ok(())) => " | 1.29 accepted".to_owned(),
            Some(Err(e)) => format!(" | 1.29 rejected: {e}"),
        };
        println!("{}: charm-docker {ours_text}{theirs_text}", file.display());
        let (o, t) = (ours.is_ok(), matches!(theirs, Some(Ok(()))));
        ours_ok += usize::from(o);
        theirs_ok += usize::from(t);
        both += usize::from(o && t);
        neither += usize::from(!o && !t);
    }
    println!();
    println!("files: {}", files.len());
    println!("charm-docker accepted: {ours_ok}");
    if compose.is_some() {
        println!("docker-compose 1.29 accepted: {theirs_ok}");
        println!("both accepted: {both}, neither: {neither}");
    }
    println!("charm-docker refusals by reason:");
    let mut by_count: Vec<(usize, String)> = reasons.into_iter().map(|(r, n)| (n, r)).collect();
    by_count.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (n, reason) in by_count {
        println!("  {n:4}  {reason}");
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != ".github" && name != "docs" && name != ".git" {
                walk(&path, out);
            }
        } else if name.contains("compose") && (name.ends_with(".yml") || name.ends_with(".yaml")) {
            out.push(path);
        }
    }
}

/// `docker-compose -f FILE config -q` in the file's directory, environment emptied.
fn config_q(exe: &Path, file: &Path) -> Result<(), String> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let mut cmd = Command::new(exe);
    cmd.current_dir(dir)
        .env_clear()
        .env("HOME", std::env::temp_dir());
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    let name = file.file_name().unwrap_or_default();
    let out = cmd
        .arg("-f")
        .arg(name)
        .args(["config", "-q"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err.lines().last().unwrap_or_default().trim().to_owned())
    }
}

/// A refusal's reason without the file, line and names, so that like refusals group.
fn reason(err: &Error) -> String {
    let Error::InvalidFile { message, .. } = err else {
        return err.to_string();
    };
    // "services.web: unknown field `build`, expected ..." -> "unknown field `build`"
    let message = message
        .split_once(": ")
        .filter(|(path, _)| !path.contains(' '))
        .map_or(message.as_str(), |(_, m)| m);
    let message = message.split(", expected").next().unwrap_or(message);
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return format!("invalid type: {}", rest.split(',').next().unwrap_or(rest));
    }
    if message.contains("is not declared") {
        return message
            .split(" \"")
            .next()
            .map_or(message.to_owned(), |kind| format!("{kind} not declared"));
    }
    let mut out = String::new();
    let mut quoted = false;
    for c in message.chars() {
        if c == '"' {
            quoted = !quoted;
            if quoted {
                out.push_str("\"…");
            } else {
                out.push('"');
            }
        } else if !quoted {
            out.push(c);
        }
    }
    out
}
