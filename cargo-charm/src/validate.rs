//! The checks run before packing: Juju's own when it reads a charm, and those of the old
//! `charm proof` (warnings). Every finding names the file, the key and the line.
//!
//! Mirrors juju/charm's meta.go and config.go (relation fields, option types) and charmcraft's
//! linters.py (required metadata keys, no `series`); the name patterns are charmcraft's.

use charm_yaml::Value;

use crate::diag::{Diagnostic, Severity};
use crate::source::{Source, get};

/// The most characters a summary should have (charm proof's limit).
const SUMMARY_MAX: usize = 72;

/// Checks metadata (name, summary, description, relations).
pub fn metadata(files: &crate::files::CharmFiles) -> Vec<Diagnostic> {
    metadata_source(&files.metadata)
}

/// Checks one metadata source.
pub fn metadata_source(src: &Source) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let root = src.value();
    for key in ["name", "summary", "description"] {
        match get(root, key) {
            None | Some(Value::Null) => {
                out.push(src.finding(Severity::Error, &[key], format!("`{key}` is required")))
            }
            Some(Value::String(_)) => {}
            Some(_) => {
                out.push(src.finding(Severity::Error, &[key], format!("`{key}` must be a string")))
            }
        }
    }
    if let Some(Value::String(name)) = get(root, "name")
        && !valid_charm_name(name)
    {
        out.push(src.finding(
            Severity::Error,
            &["name"],
            format!("`{name}` is not a valid charm name (lower-case letters and digits in words joined by single dashes, each word with a letter, starting with a letter)"),
        ));
    }
    if let Some(Value::String(summary)) = get(root, "summary")
        && summary.trim().chars().count() > SUMMARY_MAX
    {
        out.push(src.finding(
            Severity::Warning,
            &["summary"],
            format!("the summary should be at most {SUMMARY_MAX} characters"),
        ));
    }
    if get(root, "series").is_some() {
        out.push(src.finding(
            Severity::Error,
            &["series"],
            "`series` is not allowed: Juju 3 takes the bases from manifest.yaml (bases in charmcraft.yaml)".to_owned(),
        ));
    }
    let mut seen: Vec<String> = Vec::new();
    for role in ["provides", "requires", "peers"] {
        let Some(section) = get(root, role) else {
            continue;
        };
        let Value::Mapping(section) = section else {
            if !section.is_null() {
                out.push(src.finding(
                    Severity::Error,
                    &[role],
                    "must be a mapping of relation names".to_owned(),
                ));
            }
            continue;
        };
        for (name, spec) in section {
            let Value::String(name) = name else {
                out.push(src.finding(
                    Severity::Error,
                    &[role],
                    "relation names must be strings".to_owned(),
                ));
                continue;
            };
            let path = [role, name.as_str()];
            if name == "juju" || name.starts_with("juju-") {
                out.push(src.finding(
                    Severity::Error,
                    &path,
                    "relation names `juju` and `juju-*` are reserved".to_owned(),
                ));
            }
            if seen.contains(name) {
                out.push(src.finding(
                    Severity::Error,
                    &path,
                    format!("relation `{name}` is declared twice"),
                ));
            }
            seen.push(name.clone());
            relation(src, &path, spec, &mut out);
        }
    }
    out
}

fn relation(src: &Source, path: &[&str], spec: &Value, out: &mut Vec<Diagnostic>) {
    fn at<'a>(path: &[&'a str], key: &'a str) -> Vec<&'a str> {
        path.iter().copied().chain([key]).collect()
    }
    let spec = match spec {
        // `website: http` is Juju's short form.
        Value::String(_) => return,
        Value::Mapping(m) => m,
        _ => {
            out.push(src.finding(
                Severity::Error,
                path,
                "a relation is a mapping with `interface` (or the interface name alone)".to_owned(),
            ));
            return;
        }
    };
    for (key, value) in spec {
        let key = key.as_str().unwrap_or("");
        let ok = match key {
            "interface" => matches!(value, Value::String(s) if !s.is_empty()),
            "scope" => matches!(value.as_str(), Some("global" | "container")),
            "limit" => value.is_u64(),
            "optional" => value.is_bool(),
            "description" => value.is_string(),
            _ => {
                out.push(
                    src.finding(
                        Severity::Warning,
                        &at(path, key),
                        "unknown relation field (Juju reads interface, scope, limit, optional)"
                            .to_owned(),
                    ),
                );
                true
            }
        };
        if !ok {
            let want = match key {
                "interface" => "a non-empty string",
                "scope" => "`global` or `container`",
                "limit" => "a non-negative integer",
                "optional" => "true or false",
                _ => "a string",
            };
            out.push(src.finding(Severity::Error, &at(path, key), format!("must be {want}")));
        }
    }
    if !spec.contains_key(Value::String("interface".into())) {
        out.push(src.finding(Severity::Error, path, "`interface` is required".to_owned()));
    }
}

/// Checks config: an `options` mapping of well-named, typed options whose defaults match.
pub fn config(src: &Source) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let options = match get(src.value(), "options") {
        Some(Value::Mapping(m)) => m,
        Some(Value::Null) => return out,
        Some(_) => {
            out.push(src.finding(
                Severity::Error,
                &["options"],
                "must be a mapping of option names".to_owned(),
            ));
            return out;
        }
        None => {
            out.push(src.finding(
                Severity::Error,
                &["options"],
                "`options:` is required".to_owned(),
            ));
            return out;
        }
    };
    for (name, spec) in options {
        let Some(name) = name.as_str() else {
            out.push(src.finding(
                Severity::Error,
                &["options"],
                "option names must be strings".to_owned(),
            ));
            continue;
        };
        let path = ["options", name];
        let at = |key: &'static str| [path[0], path[1], key];
        if !valid_option_name(name) {
            out.push(src.finding(
                Severity::Error,
                &path,
                "option names start and end with a lower-case letter or digit, with letters, digits, `_` and `-` between".to_owned(),
            ));
        }
        let Value::Mapping(spec) = spec else {
            out.push(src.finding(
                Severity::Error,
                &path,
                "an option is a mapping with `type`, `default` and `description`".to_owned(),
            ));
            continue;
        };
        let kind = match spec.get(Value::String("type".into())) {
            None => "string",
            Some(Value::String(t))
                if matches!(
                    t.as_str(),
                    "string" | "int" | "float" | "boolean" | "secret"
                ) =>
            {
                t.as_str()
            }
            Some(other) => {
                out.push(src.finding(
                    Severity::Error,
                    &at("type"),
                    format!(
                        "unknown type {} (string, int, float, boolean or secret)",
                        short(other)
                    ),
                ));
                continue;
            }
        };
        if let Some(default) = spec.get(Value::String("default".into()))
            && !default.is_null()
        {
            let ok = match kind {
                "int" => default.is_i64() || default.is_u64(),
                "float" => default.is_number(),
                "boolean" => default.is_bool(),
                _ => default.is_string(),
            };
            if !ok {
                out.push(src.finding(
                    Severity::Error,
                    &at("default"),
                    format!("the default {} is not of type {kind}", short(default)),
                ));
            }
        }
        match spec.get(Value::String("description".into())) {
            Some(Value::String(d)) if !d.trim().is_empty() => {}
            _ => out.push(src.finding(
                Severity::Warning,
                &path,
                "the option has no description".to_owned(),
            )),
        }
    }
    out
}

/// Checks actions: well-named actions with a string description and a list of required
/// parameters.
pub fn actions(src: &Source) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Value::Mapping(actions) = src.value() else {
        if !src.value().is_null() {
            out.push(src.finding(
                Severity::Error,
                &[],
                "actions are a mapping of action names".to_owned(),
            ));
        }
        return out;
    };
    for (name, spec) in actions {
        let Some(name) = name.as_str() else {
            out.push(src.finding(
                Severity::Error,
                &[],
                "action names must be strings".to_owned(),
            ));
            continue;
        };
        if !valid_action_name(name) {
            out.push(src.finding(
                Severity::Error,
                &[name],
                "action names are lower-case letters, digits and `-`, starting and ending with a letter or digit, and not `juju*`".to_owned(),
            ));
        }
        let spec = match spec {
            Value::Null => continue,
            Value::Mapping(m) => m,
            _ => {
                out.push(src.finding(
                    Severity::Error,
                    &[name],
                    "an action is a mapping (description, params, required)".to_owned(),
                ));
                continue;
            }
        };
        if let Some(d) = spec.get(Value::String("description".into()))
            && !d.is_string()
        {
            out.push(src.finding(
                Severity::Error,
                &[name, "description"],
                "must be a string".to_owned(),
            ));
        }
        if let Some(r) = spec.get(Value::String("required".into()))
            && !r.is_sequence()
        {
            out.push(src.finding(
                Severity::Error,
                &[name, "required"],
                "must be a list of parameter names".to_owned(),
            ));
        }
        if let Some(p) = spec.get(Value::String("params".into()))
            && !p.is_mapping()
        {
            out.push(src.finding(
                Severity::Error,
                &[name, "params"],
                "must be a mapping of parameter names to JSON schemas".to_owned(),
            ));
        }
    }
    out
}

/// A value as the message shows it: `[1, 2]`, `"x"`, `5`.
fn short(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        other => charm_yaml::to_string(other)
            .map(|s| s.trim().to_owned())
            .unwrap_or_default(),
    }
}

/// `^[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*$` (charmcraft's and Juju's charm names).
pub fn valid_charm_name(name: &str) -> bool {
    let mut words = name.split('-');
    let first_ok = words
        .next()
        .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_lowercase()) && alnum(w));
    first_ok && words.all(|w| alnum(w) && w.chars().any(|c| c.is_ascii_lowercase()))
}

fn alnum(word: &str) -> bool {
    word.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// `^[a-z0-9]+(?:[\w-]*[a-z0-9]+)?$` (Juju's option names).
fn valid_option_name(name: &str) -> bool {
    let edge = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    name.starts_with(edge)
        && name.ends_with(edge)
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`, not `juju*` (Juju's action names).
fn valid_action_name(name: &str) -> bool {
    let edge = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    name.starts_with(edge)
        && name.ends_with(edge)
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with("juju")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(file: &str, text: &str) -> Source {
        Source::parse(file, text.to_owned()).unwrap()
    }

    fn errors(found: &[Diagnostic]) -> Vec<String> {
        found
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(ToString::to_string)
            .collect()
    }

    const GOOD_META: &str =
        "name: web\nsummary: s\ndescription: d\nprovides:\n  website:\n    interface: http\n";

    /// Exactly one finding per expected start, in any order.
    fn assert_findings(found: &[String], want: &[&str]) {
        assert_eq!(found.len(), want.len(), "{found:#?}");
        for w in want {
            assert!(
                found.iter().any(|f| f.starts_with(w)),
                "missing {w:?} in {found:#?}"
            );
        }
    }

    #[test]
    fn good_metadata_has_no_finding() {
        assert_eq!(metadata_source(&src("metadata.yaml", GOOD_META)), vec![]);
    }

    #[test]
    fn metadata_errors_name_file_key_and_line() {
        let text = "name: Web\nsummary: s\nseries: [jammy]\nprovides:\n  juju-info:\n    interface: juju-info\n  website:\n    interface: http\n    scope: everywhere\nrequires:\n  website:\n    limit: -1\n";
        let found = errors(&metadata_source(&src("metadata.yaml", text)));
        let want = [
            "error: metadata.yaml: `description`: `description` is required",
            "error: metadata.yaml:1: `name`: `Web` is not a valid charm name",
            "error: metadata.yaml:3: `series`: `series` is not allowed",
            "error: metadata.yaml:5: `provides.juju-info`: relation names `juju` and `juju-*` are reserved",
            "error: metadata.yaml:9: `provides.website.scope`: must be `global` or `container`",
            "error: metadata.yaml:11: `requires.website`: relation `website` is declared twice",
            "error: metadata.yaml:12: `requires.website.limit`: must be a non-negative integer",
            "error: metadata.yaml:11: `requires.website`: `interface` is required",
        ];
        assert_findings(&found, &want);
    }

    #[test]
    fn a_long_summary_is_a_warning() {
        let text = format!("name: web\nsummary: {}\ndescription: d\n", "x".repeat(73));
        let found = metadata_source(&src("metadata.yaml", &text));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].line, Some(2));
    }

    #[test]
    fn config_errors_name_file_key_and_line() {
        let text = "options:\n  port:\n    type: int\n    default: eighty\n    description: p\n  Bad_:\n    type: string\n    description: b\n  ratio:\n    type: double\n  ok:\n    default: x\n";
        let found = config(&src("config.yaml", text));
        let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
        let want = [
            "error: config.yaml:4: `options.port.default`: the default \"eighty\" is not of type int",
            "error: config.yaml:6: `options.Bad_`: option names start",
            "error: config.yaml:10: `options.ratio.type`: unknown type \"double\"",
            "warning: config.yaml:11: `options.ok`: the option has no description",
        ];
        assert_findings(&shown, &want);
        let none = config(&src("config.yaml", "{}\n"));
        assert_eq!(
            none[0].to_string(),
            "error: config.yaml: `options`: `options:` is required"
        );
    }

    #[test]
    fn action_errors_name_file_key_and_line() {
        let text = "backup:\n  description: Back up.\n  required: path\njuju-run:\n  description: no\nsnap_shot:\n  description: [a]\n";
        let found = errors(&actions(&src("actions.yaml", text)));
        let want = [
            "error: actions.yaml:3: `backup.required`: must be a list",
            "error: actions.yaml:4: `juju-run`: action names",
            "error: actions.yaml:6: `snap_shot`: action names",
            "error: actions.yaml:7: `snap_shot.description`: must be a string",
        ];
        assert_findings(&found, &want);
    }

    #[test]
    fn yaml_errors_keep_their_line() {
        let err = Source::parse("metadata.yaml", "name: a\nname: b\n".to_owned()).unwrap_err();
        assert_eq!(err.file, "metadata.yaml");
        assert!(err.line.is_some(), "{err}");
    }

    #[test]
    fn names() {
        for ok in ["a", "web", "voting-app", "a1-b2", "x-1a"] {
            assert!(valid_charm_name(ok), "{ok}");
        }
        for bad in ["", "1a", "A", "a--b", "a-", "a-1", "a_b"] {
            assert!(!valid_charm_name(bad), "{bad}");
        }
        for ok in ["port", "vote_port", "a", "x-Y_z9"] {
            assert!(valid_option_name(ok), "{ok}");
        }
        for bad in ["", "_a", "a_", "A", "a.b"] {
            assert!(!valid_option_name(bad), "{bad}");
        }
    }
}
