//! Variable interpolation, as the Compose specification defines it
//! (compose-spec `interpolation.md`; behaviour mirrored from compose-go `template/template.go`
//! at v2.4.x, and checked against docker-compose 1.29 by the differential tests).
//!
//! | written | value |
//! |---|---|
//! | `$VAR`, `${VAR}` | the value of `VAR`, empty when unset |
//! | `${VAR:-default}` | `default` when `VAR` is unset **or empty** |
//! | `${VAR-default}` | `default` when `VAR` is unset |
//! | `${VAR:?message}` | an error when `VAR` is unset or empty |
//! | `${VAR?message}` | an error when `VAR` is unset |
//! | `${VAR:+replacement}` | `replacement` when `VAR` is set and not empty, else empty |
//! | `${VAR+replacement}` | `replacement` when `VAR` is set, else empty |
//! | `$$` | a literal `$` |
//!
//! Defaults and replacements are themselves interpolated (`${A:-${B}}`). Any other `$` (a
//! lone `$`, `$1`, `${}`, `${A`) is an error: write `$$` for a literal dollar.
//!
//! The variables come from an explicit [`Environment`] the caller passes, plus a `.env` file
//! beside the compose file; never from the process environment, so a charm cannot leak its
//! own (`JUJU_*`, credentials) into a workload by accident.
//!
//! ```
//! use charm_docker::Environment;
//! let env = Environment::from_iter([("TAG", "7"), ("EMPTY", "")]);
//! assert_eq!(env.interpolate("redis:${TAG:-latest}").unwrap(), "redis:7");
//! assert_eq!(env.interpolate("${EMPTY:-x} ${EMPTY-x} $$HOME").unwrap(), "x  $HOME");
//! let err = env.interpolate("${PASSWORD:?set a password}").unwrap_err();
//! assert_eq!(err.to_string(), "required variable PASSWORD is missing a value: set a password");
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The variables a compose file is interpolated from (and `environment: [NAME]` entries
/// without a value are resolved from).
///
/// ```
/// let mut env = charm_docker::Environment::new();
/// env.set("PORT", "5000");
/// assert_eq!(env.get("PORT"), Some("5000"));
/// assert_eq!(env.get("HOME"), None, "nothing comes from the process environment");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    vars: BTreeMap<String, String>,
}

/// Why a string could not be interpolated.
///
/// ```
/// use charm_docker::{Environment, InterpolationError};
/// let env = Environment::from_iter([("PORT", "5000")]);
/// assert_eq!(env.interpolate("${PORT}:80").unwrap(), "5000:80");
/// let err = env.interpolate("${PASSWORD:?set a password}").unwrap_err();
/// assert!(matches!(&err, InterpolationError::Required { variable, .. } if variable == "PASSWORD"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterpolationError {
    /// A `$` that starts no valid substitution.
    Syntax {
        /// The text that was being interpolated.
        text: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// `${VAR:?message}` or `${VAR?message}` with `VAR` missing.
    Required {
        /// The variable.
        variable: String,
        /// The message written after `?` (may be empty).
        message: String,
    },
}

impl fmt::Display for InterpolationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InterpolationError::Syntax { text, reason } => write!(
                f,
                "invalid interpolation format in {text:?}: {reason} (write \"$$\" for a literal \"$\")"
            ),
            InterpolationError::Required { variable, message } if message.is_empty() => {
                write!(f, "required variable {variable} is missing a value")
            }
            InterpolationError::Required { variable, message } => {
                write!(
                    f,
                    "required variable {variable} is missing a value: {message}"
                )
            }
        }
    }
}

impl std::error::Error for InterpolationError {}

impl Environment {
    /// An empty environment: every variable is unset.
    pub fn new() -> Environment {
        Environment::default()
    }

    /// Sets `name` to `value`, replacing any earlier value.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.vars.insert(name.into(), value.into());
    }

    /// The value of `name`, if set (possibly empty).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The variables, by name.
    pub fn vars(&self) -> &BTreeMap<String, String> {
        &self.vars
    }

    /// Adds the variables of the `.env` file at `path` that are not already set (the
    /// caller's values win, as the shell's do over `.env` in Compose). A missing file adds
    /// nothing. See [`parse_dotenv`] for the format; a value that is not single-quoted is
    /// interpolated from the caller's variables and the file's earlier lines, as Compose v2
    /// does (`IMAGE=app:${TAG:-latest}`).
    pub fn with_dotenv_file(mut self, path: &Path) -> Result<Environment, DotenvError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(self),
            Err(e) => return Err((None, e.to_string())),
        };
        // Unquoted and double-quoted values are interpolated, the caller's variables first,
        // then the file's earlier ones; single-quoted ones are literal (compose-go
        // dotenv/parser.go `extractVarValue` and godotenv.go `expandVariables`
        // @75fb1aba98ff8a944ebc5ea54f1054f1329e999c, which Compose v2.40.3 reads `.env` with).
        let mut seen = self.clone();
        for (line, name, value, literal) in dotenv_entries(&text)? {
            let value = if literal {
                value
            } else {
                seen.interpolate(&value)
                    .map_err(|e| (Some(line), format!("{name}: {e}")))?
            };
            seen.vars
                .entry(name.clone())
                .or_insert_with(|| value.clone());
            self.vars.entry(name).or_insert(value);
        }
        Ok(self)
    }

    /// Interpolates `text` (see the [module documentation](self)).
    pub fn interpolate(&self, text: &str) -> Result<String, InterpolationError> {
        substitute(text, self)
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Environment {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Environment {
        Environment {
            vars: iter
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }
}

/// A `.env` file's error: the 1-based line when known, and what is wrong.
///
/// ```
/// let (line, message) = charm_docker::interpolate::parse_dotenv("A=1\nB='open\n").unwrap_err();
/// assert_eq!(line, Some(2));
/// assert!(!message.is_empty());
/// ```
pub type DotenvError = (Option<usize>, String);

/// Parses the text of a service's `env_file:` as [`parse_dotenv`] does, except that a line
/// holding only a variable's name is that variable taken from the caller's environment
/// (`None` here), as docker-compose 1.29 and Compose v2 read it.
///
/// ```
/// let vars = charm_docker::interpolate::parse_env_file("HOME\nA=1\n").unwrap();
/// assert_eq!(vars, [("HOME".into(), None), ("A".into(), Some("1".into()))]);
/// ```
pub fn parse_env_file(text: &str) -> Result<Vec<(String, Option<String>)>, DotenvError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let bare = line.strip_prefix("export ").map_or(line, str::trim_start);
        if !bare.is_empty() && !bare.starts_with('#') && !bare.contains('=') && valid_name(bare) {
            out.push((bare.to_owned(), None));
            continue;
        }
        let parsed = parse_dotenv(raw).map_err(|(_, m)| (Some(i + 1), m))?;
        out.extend(parsed.into_iter().map(|(k, v)| (k, Some(v))));
    }
    Ok(out)
}

/// Parses the text of a `.env` file: `NAME=value` lines, blank lines and `#` comments
/// ignored, an optional `export ` prefix; a value in single quotes is literal, one in double
/// quotes takes `\n`, `\t`, `\"` and `\\` escapes, an unquoted one is trimmed and ends at
/// ` #`. Errors carry the 1-based line.
///
/// ```
/// let vars = charm_docker::interpolate::parse_dotenv("# ports\nexport PORT=5000\nNAME='a b'\nX=\"1\\n2\" # c\n").unwrap();
/// assert_eq!(vars, [("PORT".into(), "5000".into()), ("NAME".into(), "a b".into()), ("X".into(), "1\n2".into())]);
/// ```
pub fn parse_dotenv(text: &str) -> Result<Vec<(String, String)>, DotenvError> {
    Ok(dotenv_entries(text)?
        .into_iter()
        .map(|(_, name, value, _)| (name, value))
        .collect())
}

/// `.env` entries as (line, name, value, single-quoted).
fn dotenv_entries(text: &str) -> Result<Vec<(usize, String, String, bool)>, DotenvError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some((name, value)) = line.split_once('=') else {
            return Err((
                Some(line_no),
                format!("expected NAME=value, found {line:?}"),
            ));
        };
        let name = name.trim();
        if !valid_name(name) {
            return Err((Some(line_no), format!("invalid variable name {name:?}")));
        }
        let value = value.trim_start();
        let literal = value.starts_with('\'');
        let value = if let Some(rest) = value.strip_prefix('\'') {
            match rest.find('\'') {
                Some(end) => rest[..end].to_owned(),
                None => return Err((Some(line_no), format!("unterminated quote in {name}"))),
            }
        } else if let Some(rest) = value.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = rest.chars();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some('n') => out.push('\n'),
                        Some('t') => out.push('\t'),
                        Some(c @ ('"' | '\\')) => out.push(c),
                        Some(c) => {
                            out.push('\\');
                            out.push(c);
                        }
                        None => {
                            return Err((Some(line_no), format!("unterminated quote in {name}")));
                        }
                    },
                    Some(c) => out.push(c),
                    None => return Err((Some(line_no), format!("unterminated quote in {name}"))),
                }
            }
            out
        } else {
            let end = value.find(" #").unwrap_or(value.len());
            value[..end].trim_end().to_owned()
        };
        out.push((line_no, name.to_owned(), value, literal));
    }
    Ok(out)
}

/// A variable name: `[A-Za-z_][A-Za-z0-9_]*`.
fn valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The length of the name at the start of `s` (0 when none).
fn name_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    match bytes.first() {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {}
        _ => return 0,
    }
    bytes
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .unwrap_or(bytes.len())
}

/// The index in `s` (which starts just after a `${`) of the `}` closing it: nested `${`
/// open further levels, as compose-go counts them.
fn closing_brace(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 1usize;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'}' {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        } else if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'{') {
            depth += 1;
            i += 1;
        }
        i += 1;
    }
    None
}

fn substitute(text: &str, env: &Environment) -> Result<String, InterpolationError> {
    let lookup = |name: &str| env.get(name);
    let syntax = |reason| InterpolationError::Syntax {
        text: text.to_owned(),
        reason,
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner_and_tail) = after.strip_prefix('{') {
            let end = closing_brace(inner_and_tail).ok_or_else(|| syntax("an unclosed \"${\""))?;
            let inner = &inner_and_tail[..end];
            rest = &inner_and_tail[end + 1..];
            let len = name_len(inner);
            if len == 0 {
                return Err(syntax("\"${\" not followed by a variable name"));
            }
            let (name, modifier) = inner.split_at(len);
            let value = lookup(name);
            let set_nonempty = value.is_some_and(|v| !v.is_empty());
            let arg = |m: &str| &modifier[m.len()..];
            let nested = |m: &str| substitute(arg(m), env);
            let required = |m: &str| InterpolationError::Required {
                variable: name.to_owned(),
                message: arg(m).to_owned(),
            };
            match modifier {
                "" => out.push_str(value.unwrap_or_default()),
                m if m.starts_with(":-") => match value {
                    Some(v) if !v.is_empty() => out.push_str(v),
                    _ => out.push_str(&nested(":-")?),
                },
                m if m.starts_with('-') => match value {
                    Some(v) => out.push_str(v),
                    None => out.push_str(&nested("-")?),
                },
                m if m.starts_with(":?") => match value {
                    Some(v) if !v.is_empty() => out.push_str(v),
                    _ => return Err(required(":?")),
                },
                m if m.starts_with('?') => match value {
                    Some(v) => out.push_str(v),
                    None => return Err(required("?")),
                },
                m if m.starts_with(":+") => {
                    if set_nonempty {
                        out.push_str(&nested(":+")?);
                    }
                }
                m if m.starts_with('+') => {
                    if value.is_some() {
                        out.push_str(&nested("+")?);
                    }
                }
                _ => {
                    return Err(syntax(
                        "a variable name followed by something other than :-, -, :?, ?, :+, + or }",
                    ));
                }
            }
        } else {
            let len = name_len(after);
            if len == 0 {
                return Err(syntax(
                    "a \"$\" not followed by a variable name, \"{\" or \"$\"",
                ));
            }
            out.push_str(lookup(&after[..len]).unwrap_or_default());
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Environment {
        Environment::from_iter([("SET", "v"), ("EMPTY", ""), ("B", "bee")])
    }

    fn ok(text: &str) -> String {
        env()
            .interpolate(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn every_form_of_the_specification() {
        assert_eq!(ok("$SET ${SET} x${SET}y $SET.x"), "v v xvy v.x");
        assert_eq!(ok("[$UNSET] [${UNSET}]"), "[] []");
        assert_eq!(ok("${SET:-d} ${EMPTY:-d} ${UNSET:-d}"), "v d d");
        assert_eq!(ok("${SET-d} [${EMPTY-d}] ${UNSET-d}"), "v [] d");
        assert_eq!(ok("${SET:?e} ${SET?e} [${EMPTY?e}]"), "v v []");
        assert_eq!(ok("${SET:+r} [${EMPTY:+r}] [${UNSET:+r}]"), "r [] []");
        assert_eq!(ok("${SET+r} ${EMPTY+r} [${UNSET+r}]"), "r r []");
        assert_eq!(ok("$$ $$SET $${SET} $$$$"), "$ $SET ${SET} $$");
        assert_eq!(ok("${UNSET:-a b:c-d}"), "a b:c-d");
        assert_eq!(ok("${UNSET:-}"), "");
        assert_eq!(ok("no dollars"), "no dollars");
        assert_eq!(ok("${_x1}$_x1"), "");
    }

    #[test]
    fn nested_defaults_are_interpolated() {
        assert_eq!(ok("${UNSET:-${B}}"), "bee");
        assert_eq!(ok("${UNSET:-${ALSO:-x}-y}"), "x-y");
        assert_eq!(ok("${SET:+[${B}]}"), "[bee]");
        assert_eq!(
            ok("${SET:-${NEVER:?unused}}"),
            "v",
            "an unused default is not evaluated"
        );
    }

    #[test]
    fn required_variables_fail_with_their_message() {
        let err = env().interpolate("a ${EMPTY:?must be set} b").unwrap_err();
        assert_eq!(
            err,
            InterpolationError::Required {
                variable: "EMPTY".into(),
                message: "must be set".into()
            }
        );
        let err = env().interpolate("${UNSET?}").unwrap_err();
        assert_eq!(
            err.to_string(),
            "required variable UNSET is missing a value"
        );
    }

    #[test]
    fn malformed_dollars_are_refused() {
        for bad in [
            "$", "a $", "$1", "${}", "${SET", "${ SET}", "${SET x}", "${1A}", "$-", "${SET:x}",
        ] {
            let err = env().interpolate(bad).unwrap_err();
            assert!(
                matches!(err, InterpolationError::Syntax { .. }),
                "{bad}: {err:?}"
            );
            assert!(err.to_string().contains("\"$$\""), "{err}");
        }
    }

    #[test]
    fn dotenv_lines() {
        let parsed =
            parse_dotenv("A=1\n\n  # c\nB = two words \nC=\"q \\\"x\\\"\"\nD='$$'\nE=\n").unwrap();
        let expect: Vec<(String, String)> = [
            ("A", "1"),
            ("B", "two words"),
            ("C", "q \"x\""),
            ("D", "$$"),
            ("E", ""),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(parsed, expect);
        assert_eq!(parse_dotenv("A=1\nnot a line\n").unwrap_err().0, Some(2));
        assert_eq!(parse_dotenv("1A=1\n").unwrap_err().0, Some(1));
        assert_eq!(parse_dotenv("A='x\n").unwrap_err().0, Some(1));
    }

    #[test]
    fn dotenv_values_are_interpolated_unless_single_quoted() {
        // The two cases of docker/compose@f7297942 pkg/e2e (TestEnvInterpolation,
        // fixtures/dotenv/development), whose images v2 reads as default_env:EnvFile and
        // backend:latest.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(
            &path,
            "WHEREAMI=EnvFile\nIMAGE=default_env:${WHEREAMI}\nNAME=\"${NAME_SET:-backend}\"\nTAG=\"${TAG:-latest}\"\nLIT='${WHEREAMI}'\nCALLER=$FROM_CALLER\n",
        )
        .unwrap();
        let env = Environment::from_iter([("FROM_CALLER", "c"), ("TAG", "1.0")])
            .with_dotenv_file(&path)
            .unwrap();
        assert_eq!(env.get("IMAGE"), Some("default_env:EnvFile"));
        assert_eq!(env.get("NAME"), Some("backend"));
        assert_eq!(env.get("TAG"), Some("1.0"), "the caller's value wins");
        assert_eq!(env.get("LIT"), Some("${WHEREAMI}"));
        assert_eq!(env.get("CALLER"), Some("c"));
        std::fs::write(&path, "A=1\nB=${REQUIRED:?must be set}\n").unwrap();
        let err = Environment::new().with_dotenv_file(&path).unwrap_err();
        assert_eq!(err.0, Some(2));
        assert!(err.1.contains("REQUIRED"), "{}", err.1);
    }

    #[test]
    fn the_callers_values_win_over_dotenv() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, "SET=from-file\nNEW=n\n").unwrap();
        let env = env().with_dotenv_file(&path).unwrap();
        assert_eq!(env.get("SET"), Some("v"));
        assert_eq!(env.get("NEW"), Some("n"));
        let missing = Environment::new()
            .with_dotenv_file(&dir.path().join("absent"))
            .unwrap();
        assert!(missing.vars().is_empty());
    }
}
