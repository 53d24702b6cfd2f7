//! The one place the framework touches a YAML library.
//!
//! `serde_yaml` is unmaintained; every crate of the workspace goes through this module so that
//! a maintained fork can replace it by editing this file alone. (Never `serde_yml`: it is
//! unsound, RUSTSEC-2025-0068.)
//!
//! ```
//! #[derive(Debug, serde::Deserialize)]
//! struct Doc { name: String }
//! let doc: Doc = charm_yaml::from_str("name: voting-app\n").unwrap();
//! assert_eq!(doc.name, "voting-app");
//!
//! let err = charm_yaml::from_str::<Doc>("name: [oops\n").unwrap_err();
//! assert!(err.to_string().starts_with("line "), "{err}");
//! ```

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A dynamically typed YAML value.
///
/// ```
/// let v: charm_yaml::Value = charm_yaml::from_str("port: 5000\n").unwrap();
/// assert_eq!(v["port"].as_u64(), Some(5000));
/// ```
pub type Value = serde_yaml::Value;
/// A YAML mapping, in document order.
///
/// ```
/// let m: charm_yaml::Mapping = charm_yaml::from_str("b: 1\na: 2\n").unwrap();
/// let keys: Vec<_> = m.keys().filter_map(|k| k.as_str()).collect();
/// assert_eq!(keys, ["b", "a"]);
/// ```
pub type Mapping = serde_yaml::Mapping;

/// A YAML error: what went wrong and, when known, where (1-based line and column).
///
/// ```
/// let err = charm_yaml::from_str::<u16>("port: 5000\n").unwrap_err();
/// assert_eq!(err.line(), Some(1));
/// assert_eq!(err.to_string(), format!("line 1 column {}: {}", err.column().unwrap(), err.message()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
    location: Option<(usize, usize)>,
}

impl Error {
    /// A free-standing error at an optional 1-based (line, column).
    pub fn new(message: impl Into<String>, location: Option<(usize, usize)>) -> Self {
        Self {
            message: message.into(),
            location,
        }
    }

    /// The message without the location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The 1-based line the error was found on, when known.
    pub fn line(&self) -> Option<usize> {
        self.location.map(|(line, _)| line)
    }

    /// The 1-based column the error was found at, when known.
    pub fn column(&self) -> Option<usize> {
        self.location.map(|(_, column)| column)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some((line, column)) => write!(f, "line {line} column {column}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

impl From<serde_yaml::Error> for Error {
    fn from(err: serde_yaml::Error) -> Self {
        let location = err.location().map(|l| (l.line(), l.column()));
        // serde_yaml appends " at line L column C" to its Display; keep the message bare since
        // the location is carried separately.
        let mut message = err.to_string();
        if let Some((line, column)) = location {
            let suffix = format!(" at line {line} column {column}");
            if let Some(stripped) = message.strip_suffix(&suffix) {
                message = stripped.to_owned();
            }
        }
        Self { message, location }
    }
}

/// Parses one YAML document into `T`.
///
/// ```
/// let ports: Vec<u16> = charm_yaml::from_str("[5000, 5001]").unwrap();
/// assert_eq!(ports, [5000, 5001]);
/// ```
pub fn from_str<T: DeserializeOwned>(src: &str) -> Result<T, Error> {
    serde_yaml::from_str(src).map_err(Error::from)
}

/// Parses one YAML document through `seed`, for readers that carry state or adapt the
/// deserializer (charm-docker's interpolation); errors carry their location as
/// [`from_str`]'s do.
///
/// ```
/// let n: u32 = charm_yaml::from_str_seed("7", std::marker::PhantomData::<u32>).unwrap();
/// assert_eq!(n, 7);
/// ```
pub fn from_str_seed<'de, S: serde::de::DeserializeSeed<'de>>(
    src: &'de str,
    seed: S,
) -> Result<S::Value, Error> {
    seed.deserialize(serde_yaml::Deserializer::from_str(src))
        .map_err(Error::from)
}

/// Converts an already parsed [`Value`] into `T`.
///
/// ```
/// let doc: charm_yaml::Value = charm_yaml::from_str("options: {port: 80}").unwrap();
/// let port: u16 = charm_yaml::from_value(doc["options"]["port"].clone()).unwrap();
/// assert_eq!(port, 80);
/// ```
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    serde_yaml::from_value(value).map_err(Error::from)
}

/// Prints `value` as a YAML document.
///
/// ```
/// let text = charm_yaml::to_string(&std::collections::BTreeMap::from([("image", "redis")])).unwrap();
/// assert_eq!(text, "image: redis\n");
/// ```
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    serde_yaml::to_string(value).map_err(Error::from)
}

/// Converts `value` into a dynamically typed [`Value`].
///
/// ```
/// let v = charm_yaml::to_value(["a", "b"]).unwrap();
/// assert_eq!(v[1].as_str(), Some("b"));
/// ```
pub fn to_value<T: Serialize>(value: T) -> Result<Value, Error> {
    serde_yaml::to_value(value).map_err(Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Service {
        image: String,
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = from_str::<Service>("image: redis\nimag: x\n").unwrap_err();
        assert!(err.message().contains("unknown field `imag`"), "{err}");
        assert_eq!(err.line(), Some(2));
        assert!(err.to_string().starts_with("line 2 column"), "{err}");
    }

    #[test]
    fn round_trips_strings_that_look_like_yaml() {
        for s in [
            "a: b",
            "- x",
            "#c",
            "\"q\"",
            "line\nbreak",
            "yes",
            "1.5",
            "",
        ] {
            let printed = to_string(&s).unwrap();
            let back: String = from_str(&printed).unwrap();
            assert_eq!(back, s);
        }
    }
}
