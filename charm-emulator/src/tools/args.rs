//! Command-line parsing as Juju's hook tools do it (Go's `gnuflag`).
//!
//! Flags may come before or after positional arguments, `--` ends them, `-` is a positional
//! argument, values are given as `--format=json`, `--format json`, `-r 3` or `-r=3`, and a
//! boolean flag also takes `--app=true`. Errors read like gnuflag's.

use std::collections::BTreeMap;

use super::ToolError;
use super::format::Format;

/// Whether a flag takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Bool,
    Value,
}

/// A flag a tool accepts: its name and an optional alias (`relation` / `r`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flag {
    pub name: &'static str,
    pub alias: Option<&'static str>,
    pub kind: Kind,
}

impl Flag {
    pub(crate) const fn boolean(name: &'static str) -> Self {
        Self {
            name,
            alias: None,
            kind: Kind::Bool,
        }
    }

    pub(crate) const fn value(name: &'static str) -> Self {
        Self {
            name,
            alias: None,
            kind: Kind::Value,
        }
    }

    pub(crate) const fn alias(mut self, alias: &'static str) -> Self {
        self.alias = Some(alias);
        self
    }

    fn matches(&self, given: &str) -> bool {
        self.name == given || self.alias == Some(given)
    }
}

/// `--format`, accepted by every tool that prints.
pub(crate) const FORMAT: Flag = Flag::value("format");
/// `-r` / `--relation`.
pub(crate) const RELATION: Flag = Flag::value("relation").alias("r");

/// Parsed arguments.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    values: BTreeMap<&'static str, String>,
    bools: BTreeMap<&'static str, bool>,
    pub positional: Vec<String>,
}

impl Parsed {
    /// The value of a value flag, by its name.
    pub(crate) fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Whether a boolean flag is set.
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.bools.get(name).copied().unwrap_or(false)
    }

    /// The `--format` given, `smart` by default as in Juju.
    pub(crate) fn format(&self) -> Result<Format, ToolError> {
        match self.value("format") {
            None => Ok(Format::Smart),
            Some(name) => Format::from_name(name).ok_or_else(|| {
                ToolError::Usage(format!(
                    "invalid value {name:?} for flag --format: unknown format {name:?}"
                ))
            }),
        }
    }
}

/// Shows a flag as a user would type it.
fn dashed(name: &str) -> String {
    if name.chars().count() == 1 {
        format!("-{name}")
    } else {
        format!("--{name}")
    }
}

/// Go's `strconv.ParseBool`, which gnuflag uses for `--flag=value`.
pub(crate) fn parse_bool(raw: &str) -> Option<bool> {
    match raw {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Parses `args` against `flags`.
pub(crate) fn parse(flags: &[Flag], args: &[String]) -> Result<Parsed, ToolError> {
    let mut parsed = Parsed::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            parsed.positional.extend(iter.by_ref().cloned());
            break;
        }
        let body = match arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) {
            Some(body) if !body.is_empty() => body,
            // "-" alone, or no dash: a positional argument.
            _ => {
                parsed.positional.push(arg.clone());
                continue;
            }
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        if matches!(name, "help" | "h") && !flags.iter().any(|f| f.matches(name)) {
            let mut options = String::new();
            for f in flags {
                let alias = f
                    .alias
                    .map(|a| format!("{}, ", dashed(a)))
                    .unwrap_or_default();
                options.push_str(&format!("{alias}{}\n", dashed(f.name)));
            }
            return Err(ToolError::Help(options));
        }
        let flag = flags.iter().find(|f| f.matches(name)).ok_or_else(|| {
            ToolError::Usage(format!("flag provided but not defined: {}", dashed(name)))
        })?;
        match flag.kind {
            Kind::Bool => {
                let value = match inline {
                    None => true,
                    Some(v) => parse_bool(v).ok_or_else(|| {
                        ToolError::Usage(format!(
                            "invalid value {v:?} for flag {}: parse error",
                            dashed(name)
                        ))
                    })?,
                };
                parsed.bools.insert(flag.name, value);
            }
            Kind::Value => {
                let value = match inline {
                    Some(v) => v.to_owned(),
                    None => iter.next().cloned().ok_or_else(|| {
                        ToolError::Usage(format!("flag needs an argument: {}", dashed(name)))
                    })?,
                };
                parsed.values.insert(flag.name, value);
            }
        }
    }
    Ok(parsed)
}

/// Juju's `cmd.CheckEmpty`: leftover positional arguments are an error.
pub(crate) fn check_empty(rest: &[String]) -> Result<(), ToolError> {
    if rest.is_empty() {
        Ok(())
    } else {
        let quoted: Vec<String> = rest.iter().map(|a| format!("{a:?}")).collect();
        Err(ToolError::Usage(format!(
            "unrecognized args: [{}]",
            quoted.join(" ")
        )))
    }
}

/// Juju's `keyvalues.Parse(args, allowEmptyValues=true)`: `key=value` pairs, in order.
pub(crate) fn key_values(args: &[String]) -> Result<Vec<(String, String)>, ToolError> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(args.len());
    for arg in args {
        let (k, v) = arg
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| ToolError::Usage(format!("expected \"key=value\", got {arg:?}")))?;
        if out.iter().any(|(seen, _)| seen == k) {
            return Err(ToolError::Usage(format!(
                "key {k:?} specified more than once"
            )));
        }
        out.push((k.to_owned(), v.to_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    const FLAGS: &[Flag] = &[FORMAT, RELATION, Flag::boolean("app")];

    #[test]
    fn flag_spellings() {
        for form in [
            &["--format=json", "-r", "db:1", "x"][..],
            &["x", "--format", "json", "-r=db:1"],
            &["--relation", "db:1", "--format", "json", "x"],
        ] {
            let p = parse(FLAGS, &args(form)).unwrap();
            assert_eq!(p.value("format"), Some("json"), "{form:?}");
            assert_eq!(p.value("relation"), Some("db:1"), "{form:?}");
            assert_eq!(p.positional, ["x"], "{form:?}");
        }
    }

    #[test]
    fn booleans_and_dashes() {
        let p = parse(FLAGS, &args(&["--app=False", "-", "--", "--app"])).unwrap();
        assert!(!p.flag("app"));
        assert_eq!(p.positional, ["-", "--app"]);
        assert!(parse(FLAGS, &args(&["--app"])).unwrap().flag("app"));
    }

    #[test]
    fn errors_read_like_gnuflag() {
        let err = parse(FLAGS, &args(&["--nope"])).unwrap_err();
        assert_eq!(err.message(), "flag provided but not defined: --nope");
        let err = parse(FLAGS, &args(&["-r"])).unwrap_err();
        assert_eq!(err.message(), "flag needs an argument: -r");
        let err = parse(FLAGS, &args(&["--app=maybe"])).unwrap_err();
        assert!(err.message().contains("\"maybe\""));
        assert_eq!(
            check_empty(&args(&["a", "b"])).unwrap_err().message(),
            r#"unrecognized args: ["a" "b"]"#
        );
    }

    #[test]
    fn key_values_like_juju() {
        assert_eq!(
            key_values(&args(&["a=1", "b=", "c=x=y"])).unwrap(),
            [
                ("a".into(), "1".into()),
                ("b".into(), "".into()),
                ("c".into(), "x=y".into())
            ]
        );
        assert!(key_values(&args(&["novalue"])).is_err());
        assert!(key_values(&args(&["=v"])).is_err());
        assert!(key_values(&args(&["a=1", "a=2"])).is_err());
    }
}
