//! Templates that are safe by construction: `#[charm_core::template]` derives an askama
//! template whose escaper is fixed by its format, and atomic rendering into the charm
//! directory.
//!
//! A compose file rendered from config and relation data is only as safe as its
//! interpolation: with a plain text template, a config value such as
//! `"x\n  privileged: true"` adds a key. A `.yml` / `.yaml` charm template writes every
//! `{{ value }}` *unquoted* and [`Yaml`] writes `"value"`, escaping `\`, `"`, line breaks and
//! every non-printable character, so a value is always exactly one scalar on its line. A
//! `.env` template writes every value through [`DotEnv`]: one quoted value (single quotes,
//! or double quotes with escapes when it holds `'` or a line break), so a newline in a value
//! cannot add a variable.
//!
//! No file configures this (a charm's `askama.toml` is not read), and raw output does not
//! compile: `|safe`, `|json` or `|escape("none")` in a charm template is an error naming the
//! template line. Integers are written bare with the [`filters::int`] filter, which accepts
//! integer types only.
//!
//! ```
//! #[charm_core::template(source = "image: {{ image }}\nports:\n  - \"{{ port|int }}:80\"\n", ext = "yml")]
//! struct Compose<'a> {
//!     image: &'a str,
//!     port: u16,
//! }
//!
//! let text = charm_core::render::render(&Compose { image: "x\nprivileged: true", port: 8080 }).unwrap();
//! assert_eq!(text, "image: \"x\\nprivileged: true\"\nports:\n  - \"8080:80\"\n");
//! ```
//!
//! Render it from a handler with [`write()`], or bring a compose project up with
//! `DockerUnit::compose_converge` (charm-core's `docker` feature), which takes only
//! [`YamlTemplate`]s:
//!
//! ```no_run
//! # #[charm_core::template(source = "image: {{ image }}\n", ext = "yml")]
//! # struct Compose { image: String }
//! # fn handler(unit: &mut charm_core::Unit) -> charm_core::Result<()> {
//! let compose = Compose { image: "redis:alpine".into() };
//! if charm_core::render::write(unit, &compose, "files/app/docker-compose.yml")? {
//!     // It changed: bring the project up (`DockerUnit::compose_up`, feature `docker`).
//! }
//! # Ok(()) }
//! ```
//!
//! **One value, one write.** askama hands the escaper each `write_str` call of a value's
//! `Display` separately, and the escaper quotes each one: `String`, `&str`, integers and
//! `bool` write once, but a custom `Display` that writes in several pieces renders as
//! adjacent scalars (`"a""b"`), which YAML rejects: it fails loudly and never injects. Pass
//! such values as `String`s (`x.to_string()`).

use std::fmt::{self, Write};
use std::path::Path;

use crate::error::{Error, Result};
use crate::unit::Unit;

/// The askama escaper of YAML templates: writes every value as a double-quoted scalar, with
/// `$` doubled: Docker Compose (and charm-docker) interpolate `$VAR` in a compose file and
/// read `$$` as `$`, so a value reaches the container exactly as given.
///
/// ```
/// use askama::filters::Escaper;
/// let mut out = String::new();
/// charm_core::render::Yaml.write_escaped_str(&mut out, "a\"b\nc: d # e").unwrap();
/// assert_eq!(out, r#""a\"b\nc: d # e""#);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Yaml;

impl askama::filters::Escaper for Yaml {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        write_quoted(&mut dest, string)
    }
}

/// The format of a [`SafeTemplate`], which decides its escaper.
///
/// ```
/// use charm_core::render::{Format, SafeTemplate};
/// #[charm_core::template(source = "REDIS_HOST={{ host }}\n", ext = "env")]
/// struct Env<'a> { host: &'a str }
/// assert_eq!(<Env<'_> as SafeTemplate>::FORMAT, Format::DotEnv);
/// assert_eq!(charm_core::render::render(&Env { host: "a b" }).unwrap(), "REDIS_HOST='a b'\n");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.yml` / `.yaml`: values are double-quoted YAML scalars ([`Yaml`]).
    Yaml,
    /// `.env`: values are quoted .env values ([`DotEnv`]).
    DotEnv,
}

/// A template made by `#[charm_core::template]`: its values are escaped for its
/// [`Format`]. [`render`], [`render_to`] and [`write()`] take only these.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a charm template: its values would not be escaped",
    label = "not made by `#[charm_core::template]`",
    note = "replace `#[derive(askama::Template)] #[template(...)]` with `#[charm_core::template(...)]`: it escapes every value for the file's format"
)]
/// ```
/// use charm_core::render::{Format, SafeTemplate};
/// #[charm_core::template(source = "image: {{ image }}\n", ext = "yml")]
/// struct Compose<'a> { image: &'a str }
/// assert_eq!(<Compose<'_> as SafeTemplate>::FORMAT, Format::Yaml);
/// ```
pub trait SafeTemplate: askama::Template {
    /// The format the template's values are escaped for.
    const FORMAT: Format;
}

/// A [`SafeTemplate`] of a YAML file (a compose file).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a YAML charm template",
    label = "not a `.yml` / `.yaml` `#[charm_core::template]`",
    note = "a compose file is rendered from `#[charm_core::template(path = \"docker-compose.yml\")]`"
)]
/// ```
/// use charm_core::render::YamlTemplate;
/// #[charm_core::template(source = "image: {{ image }}\n", ext = "yml")]
/// struct Compose<'a> { image: &'a str }
/// /// Only a YAML template can be a compose file (what `DockerUnit::compose_converge` takes).
/// fn compose_text(file: &impl YamlTemplate) -> String {
///     charm_core::render::render(file).unwrap()
/// }
/// assert_eq!(compose_text(&Compose { image: "redis:7" }), "image: \"redis:7\"\n");
/// ```
pub trait YamlTemplate: SafeTemplate {}

/// The integer types [`filters::int`] writes bare.
#[diagnostic::on_unimplemented(
    message = "`|int` writes integers only, and `{Self}` is not an integer type",
    label = "this value can carry text",
    note = "write text as `{{{{ value }}}}`: the template's escaper quotes it; parse numbers from config with `u16::try_from(value)`"
)]
/// ```
/// #[charm_core::template(source = "port: {{ port|int }}\nname: {{ name }}\n", ext = "yml")]
/// struct Service<'a> { port: u16, name: &'a str }
/// // `{{ name|int }}` would not compile: `&str` is not `Integer`.
/// let text = charm_core::render::render(&Service { port: 80, name: "80" }).unwrap();
/// assert_eq!(text, "port: 80\nname: \"80\"\n");
/// ```
pub trait Integer: fmt::Display {}

macro_rules! integers {
    ($($t:ty),*) => {$(impl Integer for $t {})*};
}
integers!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize
);
impl<T: Integer + ?Sized> Integer for &T {}

/// The filters of charm templates (in scope in every `#[charm_core::template]`).
///
/// ```
/// #[charm_core::template(source = "- \"{{ port|int }}:{{ port|int }}\"", ext = "yml")]
/// struct Published { port: u32 }
/// assert_eq!(charm_core::render::render(&Published { port: 5000 }).unwrap(), "- \"5000:5000\"");
/// ```
#[allow(missing_docs)] // askama's `filter_fn` generates undocumented builder items
pub mod filters {
    use askama::filters::Safe;

    /// `{{ port|int }}`: an integer's digits, unquoted. Only integer types compile.
    ///
    /// ```
    /// #[charm_core::template(source = "- \"{{ port|int }}:80\"", ext = "yml")]
    /// struct Ports { port: u16 }
    /// assert_eq!(charm_core::render::render(&Ports { port: 5000 }).unwrap(), "- \"5000:80\"");
    /// ```
    #[askama::filter_fn]
    pub fn int<T: super::Integer>(value: T, _: &dyn askama::Values) -> askama::Result<Safe<T>> {
        Ok(Safe(value))
    }
}

/// The askama escaper of `.env` templates: writes every value as one quoted value that
/// Docker Compose's .env reader reads back as exactly the value, on one line.
///
/// A value without `'`, line breaks or control characters is single-quoted: every reader
/// takes it literally, `$` included (no interpolation). Any other value is double-quoted,
/// with `\\`, `"`, `$`, newline, carriage return and tab escaped, and other control
/// characters as octal `\\0NNN`, as compose-go's dotenv parser unescapes them
/// (compose-spec/compose-go `dotenv/parser.go`, `expandEscapes`).
///
/// ```
/// use askama::filters::Escaper;
/// let mut out = String::new();
/// charm_core::render::DotEnv.write_escaped_str(&mut out, "p@ss $X").unwrap();
/// assert_eq!(out, "'p@ss $X'");
/// out.clear();
/// charm_core::render::DotEnv.write_escaped_str(&mut out, "a\nB=2 $X").unwrap();
/// assert_eq!(out, r#""a\nB=2 \$X""#);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct DotEnv;

impl askama::filters::Escaper for DotEnv {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        write_env_quoted(&mut dest, string)
    }
}

fn write_env_quoted<W: Write + ?Sized>(dest: &mut W, value: &str) -> fmt::Result {
    if !value.contains('\'') && !value.chars().any(|c| c.is_control()) {
        dest.write_char('\'')?;
        dest.write_str(value)?;
        return dest.write_char('\'');
    }
    dest.write_char('"')?;
    for c in value.chars() {
        match c {
            '\\' => dest.write_str("\\\\")?,
            '"' => dest.write_str("\\\"")?,
            '$' => dest.write_str("\\$")?,
            '\n' => dest.write_str("\\n")?,
            '\r' => dest.write_str("\\r")?,
            '\t' => dest.write_str("\\t")?,
            c if c.is_ascii_control() => write!(dest, "\\0{:03o}", u32::from(c))?,
            c => dest.write_char(c)?,
        }
    }
    dest.write_char('"')
}

/// `value` as one quoted .env value (see [`DotEnv`]).
///
/// ```
/// assert_eq!(charm_core::render::env_quote("p@ss\nword"), r#""p@ss\nword""#);
/// assert_eq!(charm_core::render::env_quote("p@ss $word"), "'p@ss $word'");
/// ```
pub fn env_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    // Writing into a String cannot fail.
    let _ = write_env_quoted(&mut out, value);
    out
}

/// Writes `value` as a double-quoted YAML scalar that reads back as exactly `value` once
/// Compose's interpolation turned each `$$` back into `$`.
fn write_quoted<W: Write + ?Sized>(dest: &mut W, value: &str) -> fmt::Result {
    dest.write_char('"')?;
    let mut start = 0;
    for (i, c) in value.char_indices() {
        let escape: Option<&str> = match c {
            '\\' => Some("\\\\"),
            '"' => Some("\\\""),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            '\0' => Some("\\0"),
            // Compose interpolates `$`; `$$` is its literal `$` (charm-docker's too).
            '$' => Some("$$"),
            c if needs_unicode_escape(c) => None,
            _ => continue,
        };
        dest.write_str(&value[start..i])?;
        match escape {
            Some(e) => dest.write_str(e)?,
            None => write!(dest, "\\u{:04X}", u32::from(c))?,
        }
        start = i + c.len_utf8();
    }
    dest.write_str(&value[start..])?;
    dest.write_char('"')
}

/// Characters YAML does not allow raw in a scalar, or reads as line breaks: C0 and C1
/// controls, DEL, NEL, the Unicode line and paragraph separators, the byte order mark and
/// the non-characters U+FFFE / U+FFFF.
fn needs_unicode_escape(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1F}'
            | '\u{7F}'..='\u{9F}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{FEFF}'
            | '\u{FFFE}'
            | '\u{FFFF}'
    )
}

/// `value` as a double-quoted YAML scalar of a compose file (`$` doubled), for code that
/// builds one by hand.
///
/// ```
/// assert_eq!(charm_core::render::quote("it's \"x\"\n"), r#""it's \"x\"\n""#);
/// assert_eq!(charm_core::render::quote("\u{85}"), r#""\u0085""#);
/// assert_eq!(charm_core::render::quote("p$ss"), r#""p$$ss""#);
/// ```
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    // Writing into a String cannot fail.
    let _ = write_quoted(&mut out, value);
    out
}

/// Renders `template` to a string, askama's errors as [`Error`].
///
/// ```
/// #[charm_core::template(source = "image: {{ image }}\n", ext = "yml")]
/// struct Compose<'a> { image: &'a str }
/// let text = charm_core::render::render(&Compose { image: "x\nprivileged: true" }).unwrap();
/// assert_eq!(text, "image: \"x\\nprivileged: true\"\n", "one scalar, not a new key");
/// ```
pub fn render(template: &impl SafeTemplate) -> Result<String> {
    template
        .render()
        .map_err(|err| Error::msg(format!("rendering a template: {err}")))
}

/// Renders `template` and writes it to `path` atomically with permissions `mode` (see
/// [`crate::write_atomically`]). Returns whether the file's content changed (true when it
/// did not exist); an unchanged file is not rewritten.
///
/// ```
/// #[charm_core::template(source = "password: {{ password }}\n", ext = "yml")]
/// struct Secret<'a> { password: &'a str }
///
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("secret.yml");
/// let secret = Secret { password: "s3cret" };
/// assert!(charm_core::render::render_to(&path, &secret, 0o600).unwrap());
/// assert!(!charm_core::render::render_to(&path, &secret, 0o600).unwrap());
/// ```
pub fn render_to(path: &Path, template: &impl SafeTemplate, mode: u32) -> Result<bool> {
    use std::os::unix::fs::PermissionsExt;

    let rendered = render(template)?;
    let unchanged = std::fs::read(path).is_ok_and(|old| old == rendered.as_bytes())
        && std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o7777 == mode);
    if unchanged {
        return Ok(false);
    }
    crate::write_atomically(path, rendered.as_bytes(), mode)?;
    Ok(true)
}

/// Renders `template` to `relative` in the unit's charm directory, mode 0600 (rendered
/// files often hold credentials). Returns whether the content changed.
///
/// ```
/// #[charm_core::template(source = "image: {{ image }}\n", ext = "yml")]
/// struct Compose<'a> { image: &'a str }
/// fn render_compose(unit: &mut charm_core::Unit) -> charm_core::Result<()> {
///     let changed = charm_core::render::write(unit, &Compose { image: "redis:7" }, "files/docker-compose.yml")?;
///     if changed {
///         unit.log().info("compose file changed");
///     }
///     Ok(())
/// }
/// ```
pub fn write(
    unit: &Unit,
    template: &impl SafeTemplate,
    relative: impl AsRef<Path>,
) -> Result<bool> {
    render_to(&unit.charm_path(relative), template, 0o600)
}

#[cfg(test)]
mod tests {
    use super::*;
    use askama::Template;

    /// A test template, escaped as every charm YAML template is (no `askama.toml` here).
    #[charm_core::template(source = "key: {{ value }}\nother: {{ n }}\n", ext = "yml")]
    struct Doc {
        value: String,
        n: u16,
    }

    impl Doc {
        fn new(value: &str, n: u16) -> Self {
            Doc {
                value: value.to_owned(),
                n,
            }
        }
    }

    fn round_trip(value: &str) {
        let text = Doc::new(value, 7).render().unwrap();
        let doc: charm_yaml::Mapping = charm_yaml::from_str(&text).unwrap_or_else(|e| {
            panic!("{value:?} rendered unparsable YAML: {e}\n{text}");
        });
        assert_eq!(doc.len(), 2, "{value:?} added keys:\n{text}");
        let scalar = doc["key"].as_str().unwrap();
        // What Compose (and charm-docker) make of it: `$$` is `$`, nothing is interpolated.
        let meant = charm_docker::Environment::new()
            .interpolate(scalar)
            .unwrap();
        assert_eq!(meant, value, "{text}");
        assert_eq!(doc["other"].as_str(), Some("7"), "{text}");
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(quote(""), r#""""#);
        assert_eq!(quote("plain"), r#""plain""#);
        assert_eq!(quote(r#"a\b"c"#), r#""a\\b\"c""#);
        assert_eq!(quote("a\nb\r\tc\0"), r#""a\nb\r\tc\0""#);
        assert_eq!(quote("\u{1b}[31m\u{7f}"), r#""\u001B[31m\u007F""#);
        assert_eq!(quote("\u{2028}\u{2029}\u{feff}"), r#""\u2028\u2029\uFEFF""#);
        assert_eq!(quote("héllo ☃ 🦀"), "\"héllo ☃ 🦀\"");
        assert_eq!(quote("$HOME ${X} $$"), r#""$$HOME $${X} $$$$""#);
    }

    #[test]
    fn hostile_values_stay_one_scalar() {
        for value in [
            "",
            "x\nprivileged: true",
            "x\" \nprivileged: \"true",
            "a: b",
            "# comment",
            "- item",
            "[1, 2]",
            "{a: 1}",
            "&anchor",
            "*alias",
            "!!binary aGk=",
            "null",
            "~",
            "true",
            "0x1F",
            "'single'",
            "\\",
            "\\\"",
            "---\n...",
            "\u{85}\u{2028}x",
            "\u{feff}bom",
            "tab\there",
            "trailing space ",
            " leading",
            "ünïcødé ☃ 🦀",
            &"long".repeat(5000),
        ] {
            round_trip(value);
        }
    }

    #[test]
    fn every_char_round_trips() {
        let all: String = (0u32..0x3000)
            .chain(0xD000..0xD800)
            .chain(0xE000..0x10000)
            .chain([0x1F980, 0x10FFFF])
            .filter_map(char::from_u32)
            .collect();
        round_trip(&all);
    }

    /// A .env reader with Docker Compose v2's rules for double-quoted values
    /// (compose-spec/compose-go `dotenv/parser.go`: a quote ends the value unless an odd
    /// number of backslashes precede it; `\\n`, `\\r`, `\\t`, `\\\\`, `\\"`, `\\$` and octal
    /// `\\0NNN` unescape); lines are `KEY=value`. Anything else is an error, so a value that
    /// broke out of its quotes shows.
    fn read_env(text: &str) -> Result<Vec<(String, String)>, String> {
        let mut out = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let (key, after) = rest.split_once('=').ok_or(format!("no `=` in {rest:?}"))?;
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("bad key {key:?}"));
            }
            if let Some(single) = after.strip_prefix('\'') {
                // Literal up to the next `'`.
                let (value, tail) = single
                    .split_once('\'')
                    .ok_or(format!("{key}: unterminated"))?;
                rest = tail
                    .strip_prefix('\n')
                    .ok_or(format!("{key}: text after the value"))?;
                out.push((key.to_owned(), value.to_owned()));
                continue;
            }
            let Some(body) = after.strip_prefix('"') else {
                // Bare values: only digits (`|int`).
                let (digits, tail) = after.split_once('\n').ok_or(format!("{key}: no newline"))?;
                if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                    return Err(format!("{key}: unquoted text {digits:?}"));
                }
                out.push((key.to_owned(), digits.to_owned()));
                rest = tail;
                continue;
            };
            let mut value = String::new();
            let mut chars = body.char_indices();
            let end = loop {
                let (i, c) = chars.next().ok_or(format!("{key}: unterminated"))?;
                match c {
                    '"' => break i,
                    '\\' => {
                        let (_, e) = chars.next().ok_or("dangling backslash")?;
                        match e {
                            'n' => value.push('\n'),
                            'r' => value.push('\r'),
                            't' => value.push('\t'),
                            '\\' | '"' | '$' => value.push(e),
                            '0' => {
                                let digits: String = (0..3)
                                    .filter_map(|_| chars.next().map(|(_, d)| d))
                                    .collect();
                                let n =
                                    u32::from_str_radix(&digits, 8).map_err(|e| e.to_string())?;
                                value.push(char::from_u32(n).ok_or("bad octal")?);
                            }
                            other => return Err(format!("unknown escape \\{other}")),
                        }
                    }
                    '$' => return Err(format!("{key}: unescaped `$` would interpolate")),
                    c => value.push(c),
                }
            };
            let tail = &body[end + 1..];
            rest = tail
                .strip_prefix('\n')
                .ok_or(format!("{key}: text after the value"))?;
            out.push((key.to_owned(), value));
        }
        Ok(out)
    }

    #[charm_core::template(source = "A={{ a }}\nB={{ b }}\nPORT={{ port|int }}\n", ext = "env")]
    struct EnvDoc {
        a: String,
        b: String,
        port: u16,
    }

    fn env_round_trip(a: &str, b: &str) {
        let doc = EnvDoc {
            a: a.to_owned(),
            b: b.to_owned(),
            port: 5432,
        };
        let text = render(&doc).unwrap();
        let vars = read_env(&text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
        let expected =
            [("A", a), ("B", b), ("PORT", "5432")].map(|(k, v)| (k.to_owned(), v.to_owned()));
        assert_eq!(vars, expected, "{text}");
    }

    #[test]
    fn env_values_cannot_add_variables() {
        for value in [
            "",
            "x\nADMIN=1",
            "x\"\nADMIN=\"1",
            "\\",
            "a\\\"",
            "$HOME ${HOME} $$",
            "tab\there\r\n",
            "\u{1}\u{7f}\u{85}\u{2028}",
            "# not a comment",
            "'single'",
        ] {
            env_round_trip(value, "ok");
        }
    }

    fn hostile() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            proptest::collection::vec(
                prop_oneof![
                    Just('"'),
                    Just('\''),
                    Just('\\'),
                    Just('\n'),
                    Just('\r'),
                    Just('\t'),
                    Just('$'),
                    Just('{'),
                    Just('}'),
                    Just('='),
                    Just('#'),
                    Just(':'),
                    Just(' '),
                    Just('-'),
                    Just('\u{85}'),
                    Just('\u{2028}'),
                    Just('\0'),
                    any::<char>(),
                ],
                0..30,
            )
            .prop_map(|cs| cs.into_iter().collect()),
            any::<String>(),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

        /// No value injects a variable; every value reads back exactly.
        #[test]
        fn any_env_value_round_trips(a in hostile(), b in hostile()) {
            env_round_trip(&a, &b);
        }

        /// No value injects a key; every value reads back exactly through a YAML parser.
        #[test]
        fn any_yaml_value_round_trips(value in hostile()) {
            round_trip(&value);
        }
    }

    #[test]
    fn render_to_writes_atomically_with_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/doc.yml");
        let doc = Doc::new("v", 1);
        assert!(render_to(&path, &doc, 0o600).unwrap());
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert!(!render_to(&path, &doc, 0o600).unwrap());
        assert!(render_to(&path, &Doc::new("w", 1), 0o600).unwrap());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "key: \"w\"\nother: \"1\"\n"
        );
    }
}
