//! YAML-safe templates: an askama escaper that turns every interpolated value into a
//! double-quoted YAML scalar, and atomic rendering into the charm directory.
//!
//! A compose file rendered from config and relation data is only as safe as its
//! interpolation: with a plain text template, a config value such as
//! `"x\n  privileged: true"` adds a key. With [`Yaml`] as the escaper of `.yml` / `.yaml`
//! templates, the template writes `{{ value }}` *unquoted* and the escaper writes
//! `"value"`, escaping `\`, `"`, line breaks and every non-printable character, so a value
//! is always exactly one scalar on its line.
//!
//! Configure it in `askama.toml` next to the charm's `Cargo.toml`:
//!
//! ```toml
//! [[escaper]]
//! path = "::charm_core::render::Yaml"
//! extensions = ["yml", "yaml"]
//! ```
//!
//! then, in `templates/docker-compose.yml`:
//!
//! ```text
//! services:
//!   vote:
//!     image: {{ image }}
//!     ports:
//!       - {{ publish }}
//! ```
//!
//! and render it from a handler with [`write()`]:
//!
//! ```no_run
//! # #[derive(askama::Template)]
//! # #[template(source = "image: {{ image }}\n", ext = "txt")]
//! # struct Compose { image: String }
//! # fn handler(unit: &mut charm_core::Unit) -> charm_core::Result<()> {
//! let compose = Compose { image: "redis:alpine".into() };
//! if charm_core::render::write(unit, &compose, "files/app/docker-compose.yml")? {
//!     // It changed: bring the project up (`DockerUnit::compose_up`, feature `docker`).
//! }
//! # Ok(()) }
//! ```
//!
//! Values that must not be quoted (a number in a key, a literal block) can be written with
//! askama's `|safe` filter; only do that with values whose type cannot carry text (integers).
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

/// The askama escaper of YAML templates: writes every value as a double-quoted scalar.
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

/// Writes `value` as a double-quoted YAML scalar that reads back as exactly `value`.
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

/// `value` as a double-quoted YAML scalar, for code that builds YAML by hand.
///
/// ```
/// assert_eq!(charm_core::render::quote("it's \"x\"\n"), r#""it's \"x\"\n""#);
/// assert_eq!(charm_core::render::quote("\u{85}"), r#""\u0085""#);
/// ```
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    // Writing into a String cannot fail.
    let _ = write_quoted(&mut out, value);
    out
}

/// Renders `template` to a string, askama's errors as [`Error`].
pub fn render(template: &impl askama::Template) -> Result<String> {
    template
        .render()
        .map_err(|err| Error::msg(format!("rendering a template: {err}")))
}

/// Renders `template` and writes it to `path` atomically with permissions `mode` (see
/// [`crate::write_atomically`]). Returns whether the file's content changed (true when it
/// did not exist); an unchanged file is not rewritten.
///
/// ```
/// #[derive(askama::Template)]
/// #[template(source = "password: {{ password }}\n", ext = "txt")]
/// struct Secret<'a> { password: &'a str }
///
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("secret.yml");
/// let secret = Secret { password: "s3cret" };
/// assert!(charm_core::render::render_to(&path, &secret, 0o600).unwrap());
/// assert!(!charm_core::render::render_to(&path, &secret, 0o600).unwrap());
/// ```
pub fn render_to(path: &Path, template: &impl askama::Template, mode: u32) -> Result<bool> {
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
pub fn write(
    unit: &Unit,
    template: &impl askama::Template,
    relative: impl AsRef<Path>,
) -> Result<bool> {
    render_to(&unit.charm_path(relative), template, 0o600)
}

#[cfg(test)]
mod tests {
    use super::*;
    use askama::Template;

    /// A test template; its values go through [`Yaml`] exactly as askama's generated code
    /// sends them (`askama::filters::escape`), since charm-core has no `askama.toml` of its own.
    #[derive(Template)]
    #[template(source = "key: {{ value|safe }}\nother: {{ n|safe }}\n", ext = "txt")]
    struct Doc {
        value: String,
        n: String,
    }

    impl Doc {
        fn new(value: &str, n: u16) -> Self {
            let e = |v: &dyn fmt::Display| askama::filters::escape(v, Yaml).unwrap().to_string();
            Doc {
                value: e(&value),
                n: e(&n),
            }
        }
    }

    fn round_trip(value: &str) {
        let text = Doc::new(value, 7).render().unwrap();
        let doc: charm_yaml::Mapping = charm_yaml::from_str(&text).unwrap_or_else(|e| {
            panic!("{value:?} rendered unparsable YAML: {e}\n{text}");
        });
        assert_eq!(doc.len(), 2, "{value:?} added keys:\n{text}");
        assert_eq!(doc["key"].as_str(), Some(value), "{text}");
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
