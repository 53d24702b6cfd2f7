//! `status --graph`: the charm's flag graph with the handlers the last hook ran highlighted,
//! and why each ran. The handlers and their iterations come from the dispatch summary the
//! charm logs at DEBUG in every hook (`dispatch: [hooks] a [0] b c [1] d`, charm-core's
//! `Trace::summary`); the graph and the conditions that held come from the charm binary
//! itself (`<dispatch> --graph --ran=...`, charm-core's `graph`), so no source is read.

use std::path::{Path, PathBuf};
use std::process::Command;

use charm_emulator::{Error, Model, Result};

/// The handlers of one dispatch: (`hooks` or the iteration, handler names).
pub(crate) type Ran = Vec<(String, Vec<String>)>;

/// The last hook of `model` and what its dispatch ran: `None` before any hook, or when that
/// hook logged no dispatch summary (not a charm of this framework, or it failed early).
pub(crate) fn last_dispatch(model: &Model) -> Option<(String, Option<Ran>)> {
    let hook = model.hooks.last()?;
    let summary = model
        .logs
        .iter()
        .rev()
        .filter(|l| l.context == hook.context)
        .find_map(|l| l.message.strip_prefix("dispatch:"));
    Some((hook.dispatch_path.clone(), summary.map(parse_summary)))
}

/// `[hooks] a [0] b c`, or ` no handler ran`.
fn parse_summary(text: &str) -> Ran {
    let mut out: Ran = Vec::new();
    for word in text.split_whitespace() {
        if let Some(label) = word.strip_prefix('[').and_then(|w| w.strip_suffix(']')) {
            out.push((label.to_owned(), Vec::new()));
        } else if let Some((_, names)) = out.last_mut() {
            names.push(word.to_owned());
        }
    }
    out
}

/// The charm binary: `--charm-binary`, else the charm directory's `dispatch`.
fn binary(model: &Model, charm_binary: Option<&Path>) -> Result<PathBuf> {
    if let Some(b) = charm_binary {
        return Ok(b.to_owned());
    }
    let dir = model.charm_dir.as_ref().ok_or_else(|| {
        Error::Invalid("the model has no charm directory: deploy a charm first".to_owned())
    })?;
    Ok(dir.join("dispatch"))
}

/// The text `status --graph` adds: the last hook, what ran in which iteration, and the
/// mermaid graph the charm draws with those handlers highlighted (its `%% ran` lines say
/// which conditions held).
pub(crate) fn text(model: &Model, charm_binary: Option<&Path>) -> Result<String> {
    let mut s = String::new();
    let ran = match last_dispatch(model) {
        None => {
            s += "Last hook   none yet\n";
            Vec::new()
        }
        Some((hook, None)) => {
            s += &format!(
                "Last hook   {hook}: no dispatch summary in its log (the charm logs it at \
                 DEBUG: set CHARM_LOG_LEVEL=DEBUG in the charm directory's .charm-settings)\n"
            );
            Vec::new()
        }
        Some((hook, Some(ran))) => {
            s += &format!("Last hook   {hook}\n");
            if ran.is_empty() {
                s += "Ran         no handler\n";
            }
            for (when, names) in &ran {
                let when = if when == "hooks" {
                    "hooks phase".to_owned()
                } else {
                    format!("iteration {when}")
                };
                s += &format!("Ran         {when}: {}\n", names.join(", "));
            }
            ran
        }
    };
    let names: Vec<&str> = ran
        .iter()
        .flat_map(|(_, n)| n.iter().map(String::as_str))
        .collect();
    s += &graph(&binary(model, charm_binary)?, &names)?;
    Ok(s)
}

/// `<binary> --graph=mermaid --ran=a,b`.
fn graph(binary: &Path, ran: &[&str]) -> Result<String> {
    let mut cmd = Command::new(binary);
    cmd.arg("--graph=mermaid");
    if !ran.is_empty() {
        cmd.arg(format!("--ran={}", ran.join(",")));
    }
    let out = cmd.output().map_err(|e| Error::Io {
        action: "cannot run the charm for its graph",
        path: binary.to_owned(),
        source: e,
    })?;
    if !out.status.success() {
        return Err(Error::Invalid(format!(
            "{} --graph failed (a charm of this framework draws its graph): {}",
            binary.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_parse_by_phase_and_iteration() {
        assert_eq!(
            parse_summary(" [hooks] a::x [0] b::y c::z [1] d::w"),
            vec![
                ("hooks".to_owned(), vec!["a::x".to_owned()]),
                ("0".to_owned(), vec!["b::y".to_owned(), "c::z".to_owned()]),
                ("1".to_owned(), vec!["d::w".to_owned()]),
            ]
        );
        assert!(parse_summary(" no handler ran").is_empty());
    }
}
